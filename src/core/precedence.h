/* SPDX-License-Identifier: MIT */
/*
 * precedence.h - which sysctl.d assignment decides vm.overcommit_* at boot, under
 * systemd-sysctl and under procps "sysctl --system". Pure: the caller (sys/confdirs) lists
 * the files and reads their text; this module never touches the filesystem.
 *
 * Rules: procps-ng 4.0.2 src/sysctl.c (PreloadSystem, parse_setting_line, slashdot,
 * write_setting_list) and sysctl.d(5); systemd v252 src/sysctl/sysctl.c (parse_file),
 * src/basic/conf-files.c, src/basic/sysctl-util.c (sysctl_normalize, sysctl_write).
 * Kernel side effects: mm/util.c overcommit_{ratio,kbytes}_handler (a successful write of
 * overcommit_ratio zeroes overcommit_kbytes and vice versa, even a write of 0; an invalid
 * value is rejected with EINVAL and changes nothing).
 *
 * Memory: nothing is allocated. Results point into the caller's prec_file array and its
 * texts (value strings are slices of prec_file.text), which must outlive the result.
 */
#ifndef OVC_PRECEDENCE_H
#define OVC_PRECEDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "knobs.h"
#include "model.h"

enum prec_tool {
	PREC_SYSTEMD,   /* systemd-sysctl (v252, split-usr build as on Debian 12): the same
	                   five dirs as procps, hidden names skipped, merged map, no
	                   /etc/sysctl.conf. List /lib/sysctl.d only when it is not the same
	                   directory as /usr/lib/sysctl.d (merged /usr). */
	PREC_PROCPS,    /* sysctl --system (procps 4.0.2): five dirs, then /etc/sysctl.conf */
};


/*
 * One directory entry as found. dir is the canonical directory ("/etc/sysctl.d", ...,
 * or "/etc" with name "sysctl.conf" for /etc/sysctl.conf), independent of --root; path
 * is what the user can ls (with the --root prefix), used only in results. Entries in
 * other directories, or not ending in ".conf", are ignored. Order of the array does not
 * matter.
 */
struct prec_file {
	const char *dir;
	const char *name;     /* basename */
	const char *path;
	const char *text;     /* contents (NULL when !readable or masked) */
	size_t len;
	bool masked;          /* symlink to /dev/null: reads empty, masks the name */
	bool hidden;          /* systemd's hidden_or_backup_file(); ORed with our own check */
	bool readable;        /* exists (link resolves) and could be read */
	bool regular;         /* stat() follows to a regular file (checked for sysctl.conf) */
};

enum prec_wstatus {
	PREC_W_OK,            /* the kernel accepted it */
	PREC_W_REDUNDANT,     /* systemd read an equal value and did not write (no side effect) */
	PREC_W_EINVAL,        /* the kernel rejected the value; nothing changed */
};

/* One kernel write a tool performs, in order. */
struct prec_write {
	enum knob key;
	size_t file;          /* index into the caller's prec_file array */
	unsigned line;        /* 1-based */
	const char *value;    /* the value as written (a slice of the file text, no newline) */
	size_t value_len;
	bool ignore_failure;  /* '-' prefix */
	bool via_glob;        /* produced by a glob line (vm.overcommit_*, vm.*) */
	enum prec_wstatus status;
	const char *reason;   /* PREC_W_EINVAL: why, lowercase; else NULL */
};

/* Why an assignment of a key does not decide its boot value. */
enum prec_shadow_why {
	PREC_SH_NOT_READ,     /* file not read: same name earlier, masked, hidden, not a tool
	                         dir, or /etc/sysctl.conf under systemd */
	PREC_SH_OVERRIDDEN,   /* a later assignment of the same key replaced its value */
	PREC_SH_SAME_VALUE,   /* systemd: merged into an earlier assignment of the same value,
	                         which keeps its earlier place in the apply order */
	PREC_SH_EXCLUDED,     /* systemd: a later "-key" line removed it */
	PREC_SH_ZEROED,       /* a later write of the counterpart knob zeroed it */
	PREC_SH_REJECTED,     /* the kernel rejects the value (EINVAL) */
};

struct prec_shadow {
	enum knob key;
	size_t file;
	unsigned line;
	enum prec_shadow_why why;
	bool has_by;          /* by_file/by_line name the responsible file (and line) */
	size_t by_file;
	unsigned by_line;     /* 0: the whole file (NOT_READ because of a same-named file) */
};

enum prec_diag_kind {
	PREC_D_NOT_ASSIGNMENT,   /* systemd: error, exit non-zero; procps: "invalid syntax" */
	PREC_D_CANNOT_OPEN,      /* listed but unreadable (dangling link): both tools fail */
};

struct prec_diag {
	enum prec_diag_kind kind;
	size_t file;
	unsigned line;           /* 0 for CANNOT_OPEN */
};

struct prec_decider {
	bool set;                /* false: nothing wrote it; the value is the start value */
	size_t write;            /* index into writes[] */
	size_t file;
	unsigned line;
};

#define PREC_MAX_WRITES 128
#define PREC_MAX_SHADOWS 128
#define PREC_MAX_DIAGS 32
#define PREC_MAX_FILES 256

struct prec_result {
	/* the counts and per-key fields first, the arrays after them: a short result
	 * touches few pages (prec_resolve clears only these) */
	enum prec_tool tool;
	size_t norder, nwrites, nshadows;
	size_t ndiags;                  /* stored; ndiags_total counts all of them */
	size_t ndiags_total;
	bool tool_fails;                /* the tool would exit non-zero (for our keys or syntax) */
	struct model_policy start, final;
	/*
	 * Per key, the write that decides its final value: the last accepted (or, for
	 * systemd, redundant) write of that key, or the write of the counterpart knob that
	 * zeroed it afterwards: what decides the value at boot includes the kernel's own
	 * side effect (overcommit_{ratio,kbytes}_handler zero the counterpart).
	 */
	struct prec_decider decider[KNOB_COUNT];
	size_t order[PREC_MAX_FILES];   /* indices of the files read, in read order */
	struct prec_write writes[PREC_MAX_WRITES];
	struct prec_shadow shadows[PREC_MAX_SHADOWS];
	struct prec_diag diags[PREC_MAX_DIAGS];
};

/*
 * Compute what tool writes for the three keys and simulate the kernel from start
 * (runtime values, or knob_kernel_defaults for a boot). Returns 0, or -1 with err filled
 * (OVC_E_INPUT) when a limit above is exceeded. res is fully overwritten.
 */
int prec_resolve(enum prec_tool tool, const struct prec_file *files, size_t nfiles,
		 const struct model_policy *start, struct prec_result *res,
		 struct ovc_err *err);

/*
 * The sysctl.d directories tool reads, in its order (an earlier directory's file takes
 * the name of a later one's); *n gets their number, at most PREC_MAX_DIRS. The one
 * definition: sys/confdirs lists exactly these (and /etc/sysctl.conf).
 */
#define PREC_MAX_DIRS 8
const char *const *prec_tool_dirs(enum prec_tool tool, size_t *n);
/* "systemd-sysctl", "sysctl --system": the tool as its users call it. */
const char *prec_tool_name(enum prec_tool tool);
/* "systemd", "procps": the stable JSON token. */
const char *prec_tool_token(enum prec_tool tool);
/* systemd's hidden_or_backup_file() (src/basic/path-util.c, v252). */
bool prec_hidden_or_backup(const char *name);


/* Lowercase words for the CLI: "not read", "overridden", ... */
const char *prec_shadow_why_name(enum prec_shadow_why why);

/*
 * The kernel's acceptance of value text for key (kernel/sysctl.c proc_get_long(), base 0;
 * __do_proc_dointvec / __do_proc_doulongvec_minmax ranges). Returns 0 and the value, or
 * -1 and a reason (static string).
 */
int prec_kernel_parse(enum knob key, const char *value, size_t len, int64_t *ival,
		      uint64_t *uval, const char **reason);

#endif
