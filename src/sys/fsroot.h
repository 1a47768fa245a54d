/* SPDX-License-Identifier: MIT */
/*
 * fsroot.h - the one seam between ovc and the filesystem. Two of them are opened, each
 * once: the proc root (--proc, default /proc) and the system root (--root, default /).
 * Every path ovc reads or writes is opened relative to one of them (openat, or openat2
 * RESOLVE_IN_ROOT so that links resolve inside the tree), never by an absolute path.
 */
#ifndef OVC_FSROOT_H
#define OVC_FSROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/err.h"

#define FSROOT_DEFAULT_PROC "/proc"
#define FSROOT_DEFAULT_ROOT "/"

/* Paths relative to the proc root (the knobs' own: knob_proc_rel). */
#define PROC_MEMINFO        "meminfo"
#define PROC_ZONEINFO       "zoneinfo"
#define PROC_STAT           "stat"
#define PROC_OSRELEASE      "sys/kernel/osrelease"
#define PROC_VM_DIR         "sys/vm"
#define PROC_VM_ADMIN       "sys/vm/admin_reserve_kbytes"
#define PROC_VM_USER        "sys/vm/user_reserve_kbytes"
#define PROC_SELF           "self"
#define PROC_CMDLINE        "cmdline"
#define PROC_SELF_MOUNTINFO "self/mountinfo"

struct fsroot {
	int fd;               /* O_PATH|O_DIRECTORY; -1 when not open */
	const char *path;     /* as given, for messages ("/proc", "/mnt/img/"); not copied:
	                         the caller's string outlives the seam (argv, a constant) */
	/* proc: a procfs mount, the running kernel (a saved tree otherwise); root: this
	 * system's own "/", whatever the path given */
	bool live;
	bool is_proc;
};

/* Whether links resolve inside the root: openat2 RESOLVE_IN_ROOT exists (Linux 5.6+). */
bool fsroot_contained(const struct fsroot *fs);

/*
 * Open the proc root. A missing one is OVC_E_INPUT (with the hint for a tree or for
 * /proc), like any input file.
 */
int fsroot_open_proc(struct fsroot *fs, const char *dir, struct ovc_err *err);

/*
 * Open the system root. A --root that does not exist or is not a directory is a bad
 * option value: OVC_E_USAGE, the same in every command.
 */
int fsroot_open_root(struct fsroot *fs, const char *dir, struct ovc_err *err);

void fsroot_close(struct fsroot *fs);

/* Is rel under fs (not followed if a link) of the type S_IFDIR or S_IFREG given? */
bool fsroot_has(const struct fsroot *fs, const char *rel, unsigned type);

/* The path of rel under the root, as the user can ls it ("<path>/<rel>"), into buf. */
const char *fsroot_path(const struct fsroot *fs, const char *rel, char *buf, size_t len);

/*
 * Name rel (under fs) as the path of the error in err, which was made without one: the
 * path text is built only when something failed. Returns -1.
 */
int fsroot_blame(const struct fsroot *fs, const char *rel, struct ovc_err *err);

/*
 * openat(fs, rel) with links resolved inside the root (openat2 RESOLVE_IN_ROOT, no magic
 * links) and O_CLOEXEC|O_NOCTTY|O_NONBLOCK added (a planted FIFO must not hang ovc).
 * The live procfs keeps its own links (self -> PID), so it is opened with plain openat;
 * so is everything on a kernel without openat2 (fsroot_contained false). -1 with errno.
 */
int fsroot_openat(const struct fsroot *fs, const char *rel, int flags);

/* The same below dirfd, a directory opened through fs. */
int fsroot_openat_in(const struct fsroot *fs, int dirfd, const char *rel, int flags);

/*
 * Read an open file to its end into a malloc'ed, NUL-terminated buffer the caller frees;
 * a file over max bytes is an OVC_E_INPUT error "file is larger than MAX bytes; not KIND".
 * path is for messages. regular: the caller checked S_ISREG, so a read shorter than asked
 * is the end of the file (POSIX read(2) on a regular file) and the read that would
 * return 0 is not made; a procfs file is read until a read returns 0. size: the size
 * fstat gave (0 if unknown), for a buffer of the file's size rather than a page.
 */
int fsroot_read_fd(int fd, size_t max, const char *kind, bool regular, size_t size,
		   char **buf, size_t *len, const char *path, struct ovc_err *err);

/*
 * Read the whole regular file rel (at most max bytes) into a malloc'ed, NUL-terminated
 * buffer the caller frees. The first read() is at offset 0 with a buffer large enough
 * for any /proc/sys value (proc_sys_call_handler hands the handler the whole buffer
 * once; a read at another offset is a continuation).
 */
int fsroot_read(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		size_t *len, struct ovc_err *err);

/* Like fsroot_read, and *fstype = f_type of the file's filesystem (fstatfs on the fd). */
int fsroot_read_fstype(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		       size_t *len, long *fstype, struct ovc_err *err);

/* Like fsroot_read but a missing file is not an error: returns 1 and *buf = NULL. */
int fsroot_read_opt(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		    size_t *len, struct ovc_err *err);

/* The hint for a failure at path under fs (the --proc tree, or /proc itself). */
enum ovc_hint fsroot_hint(const struct fsroot *fs, int errnum);

#endif
