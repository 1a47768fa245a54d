/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what every command shares: exit codes, the context built by main(), the common
 * options (--proc, --json, --no-color, --help) and error reporting. Only cli/ prints.
 */
#ifndef OVC_CLI_H
#define OVC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "../core/err.h"
#include "../core/model.h"
#include "../sys/fsroot.h"
#include "../sys/procfs.h"

/* Exit statuses, documented in ovc(8) EXIT STATUS; tests check the two agree. */
enum ovc_exit {
	EXIT_OK = 0,        /* success; check: fits */
	EXIT_NO = 1,        /* a "no" answer: check does not fit (or is borderline) */
	EXIT_USAGE = 2,     /* unknown command or option, bad or conflicting value */
	EXIT_GUARD = 3,     /* refused by a guard (--force overrides) */
	EXIT_PERM = 4,      /* not permitted */
	EXIT_ROFS = 5,      /* read-only file system */
	EXIT_INPUT = 6,     /* missing or malformed input file (file:line given) */
	EXIT_SYSTEM = 7,    /* system or I/O error; anything already written was rolled back */
	EXIT_AUDIT = 8,     /* --audit=on and the record could not be delivered; nothing changed */
	EXIT_ROLLBACK = 9,  /* the rollback itself failed; the state left is printed */
	EXIT_UNREPORTED = 10, /* the change was made and stays, but its report could not be
			       * written (stdout full, closed or failing) */
	EXIT_LOCKED = 11,   /* a writer's --wait or --no-wait: another ovc held the lock */
};

struct ovc_ctx {
	const char *cmd;          /* command name, for messages */
	const char *proc_dir;     /* --proc (default /proc) */
	const char *root_dir;     /* --root: prefix of /etc, /run, /usr paths (default /) */
	const char *sosreport;    /* --sosreport DIR: --proc DIR/proc --root DIR, readers only */
	bool root_given;          /* --root given (even "/"): it excludes --sosreport */
	bool proc_set;            /* --proc given */
	bool root_set;            /* --root given, and not this system's "/" (an image):
				   * known once the root is open (cli_open_root) */
	bool writer;              /* the command changes the policy */
	bool json;                /* --json */
	/* status --format nagios: a monitoring plugin, whose every failure is one
	 * "OVC UNKNOWN - ..." line on stdout and exit status 3 (MP_UNKNOWN) */
	bool plugin;
	bool color;               /* colour on stdout: decided in main, off with --json,
				   * --no-color, NO_COLOR, TERM=dumb or no tty */
	/* The seams, each opened once, on first use, after the options are read and the
	 * capabilities dropped: --proc, --root, and this system's "/" (the running ovc's
	 * own shipped profiles, for an image). fd -1 until then. */
	struct fsroot proc, root, host;
	/* a writer's change that stays (running values, drop-in), for cli_close_stdout to
	 * name when the report cannot be written; empty when nothing was changed */
	char committed[4600];
	/* the arguments and options getopt is reading (cli_getopt), for cli_bad_option */
	char **opt_argv;
	const struct option *opt_longopts;
};

/* Long-only option codes above CHAR_MAX; the common ones are shared by every command. */
enum {
	OPT_PROC = 0x100, OPT_ROOT, OPT_JSON, OPT_NO_COLOR, OPT_HELP, OPT_DRY_RUN, OPT_AUDIT,
	OPT_MODE, OPT_RATIO, OPT_KBYTES, OPT_MEM, OPT_SWAP, OPT_HUGETLB, OPT_COMMITTED,
	OPT_VMSIZE, OPT_RLIMIT_AS, OPT_SHAPE, OPT_DTYPE, OPT_NUMPY_ERROR, OPT_PID, OPT_VIA,
	OPT_FORCE, OPT_PERSIST, OPT_PROFILE, OPT_RLIMIT_DATA, OPT_VMDATA, OPT_INIT,
	OPT_SINCE, OPT_FOLLOW, OPT_KMSG, OPT_WAIT, OPT_NO_WAIT, OPT_SOSREPORT, OPT_BY, OPT_FORK, OPT_TOP,
	OPT_CGROUP,
};

#define COMMON_LONGOPTS                                             \
	{ "proc", required_argument, NULL, OPT_PROC },              \
	{ "root", required_argument, NULL, OPT_ROOT },              \
	{ "sosreport", required_argument, NULL, OPT_SOSREPORT },    \
	{ "json", no_argument, NULL, OPT_JSON },                    \
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },            \
	{ "help", no_argument, NULL, OPT_HELP }

/*
 * Handle a common option inside a command's getopt loop: returns 1 if c was one
 * (OPT_HELP prints the command's help and exits 0; --sosreport with --proc, --root or a
 * writer is a usage error, reported, and ovc exits 2), 0 otherwise.
 */
int cli_common_opt(struct ovc_ctx *ctx, int c, const char *arg);

/* Usage error: "ovc: <msg>" and "Try 'ovc <cmd> --help'." on stderr; returns EXIT_USAGE. */
int cli_usage_error(struct ovc_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Report an error (stderr; with --json also an "error" document on stdout); exit code. */
int cli_report(struct ovc_ctx *ctx, const struct ovc_err *err);

/* The same on stderr only, for a command that prints its own JSON document. */
int cli_report_stderr(struct ovc_ctx *ctx, const struct ovc_err *err);

/* Parse a command that takes only the common options and no argument: 0, or the exit code
 * of the usage error already reported. */
int cli_parse_common_only(struct ovc_ctx *ctx, int argc, char **argv);

/* getopt_long, remembering argv and longopts for cli_bad_option (main sets opterr 0). */
int cli_getopt(struct ovc_ctx *ctx, int argc, char **argv, const char *optstring,
	       const struct option *longopts);

/* Unexpected getopt result ('?'): the unknown option or missing argument on stderr, in
 * glibc's words with the argument escaped, and "Try ..."; returns EXIT_USAGE. */
int cli_bad_option(struct ovc_ctx *ctx);

/* Open --proc and read the host; on failure reports and returns the exit code, else 0. */
int cli_load_host(struct ovc_ctx *ctx, struct procfs_host *ph);

/*
 * Open the --proc, --root or host seam (once): 0, or the exit status of the reported
 * error. A missing or unusable --root is a usage error (exit 2) in every command.
 */
int cli_open_proc(struct ovc_ctx *ctx);
int cli_open_root(struct ovc_ctx *ctx);
int cli_open_host(struct ovc_ctx *ctx);

/*
 * Is --root another system (an image), for the option checks a command makes before it
 * reads anything ("--root without --proc has no running kernel")? A --root that cannot
 * be opened counts as one; the error itself comes from cli_open_root where it is used.
 */
bool cli_root_is_image(struct ovc_ctx *ctx);

/*
 * The privileges a writer keeps once its options are read: only CAP_AUDIT_WRITE and
 * CAP_AUDIT_CONTROL, and only when it will send audit records (main.c decides every
 * command's privileges; this narrows them). 0, or the exit status of the reported error.
 */
int cli_writer_privileges(struct ovc_ctx *ctx, bool audit);

/* Raise the one capability main() kept for the command, if it is held (top). */
void cli_raise_kept(int cap);

/* Drop every capability left (log, once /dev/kmsg is open). 0, or the exit status. */
int cli_drop_privileges(struct ovc_ctx *ctx);

/*
 * Flush and close stdout; a lost result is reported and turns rc into EXIT_SYSTEM, or
 * into EXIT_UNREPORTED when ctx says a change was made (it stays, and the message says
 * so). EPIPE is a lost result only for a change: a reader cut short by a closed pipe
 * ("ovc status | head -1") exits as it would have. ctx may be NULL.
 */
int cli_close_stdout(const struct ovc_ctx *ctx, int rc);

/* Print a command's help text (from the command table). */
void cli_print_help(const char *cmd);

/* Commands */
int cmd_status(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_simulate(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_check(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_probe(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_log(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_top(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_set(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_verify(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_persist(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_reset(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_profile_list(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_profile_show(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_profile_export(struct ovc_ctx *ctx, int argc, char **argv);
int cmd_profile_apply(struct ovc_ctx *ctx, int argc, char **argv);

#endif
