/* SPDX-License-Identifier: MIT */
/*
 * err.h - the error record every core, sys and change function fills on failure.
 * It only carries facts (what, where, errno, which advice applies); the CLI words them.
 */
#ifndef OVC_ERR_H
#define OVC_ERR_H

#include <stddef.h>

/* Domain error classes; main.c maps them to exit codes (see ovc.8 EXIT STATUS). */
enum ovc_ecode {
	OVC_E_OK = 0,
	OVC_E_USAGE,   /* bad option value supplied by the user */
	OVC_E_INPUT,   /* missing or malformed input file (path, line) */
	OVC_E_SYSTEM,  /* a system call failed (errnum set) */
	OVC_E_PERM,    /* EPERM/EACCES */
	OVC_E_ROFS,    /* EROFS */
	OVC_E_GUARD,   /* refused for safety; an explicit --force overrides */
	OVC_E_AUDIT,   /* the audit record could not be delivered */
	OVC_E_LOCKED,  /* another ovc held the policy lock past --wait: nothing done */
};

/*
 * The advice that goes with a failure, chosen where the failure is known (the module
 * that failed knows whether the path was a proc tree, a profile or the boot
 * configuration); the CLI turns it into a "hint:" line. OVC_H_NONE: none, or the one
 * every error of its class gets (a guard's --force, the audit's --audit=auto).
 */
enum ovc_hint {
	OVC_H_NONE = 0,
	OVC_H_PROC_TREE,       /* a file of a --proc tree is missing: is it a proc tree? */
	OVC_H_PROC_MOUNTED,    /* a file of /proc itself is missing: is /proc mounted? */
	OVC_H_PROC_FORMAT,     /* a /proc file is not in the kernel's format */
	OVC_H_READ_PERM,       /* a file ovc reads (with no capabilities) is not readable */
	OVC_H_SYSCTL_ACCESS,   /* the kernel refused a /proc/sys write: EACCES (not root) */
	OVC_H_SYSCTL_EPERM,    /* the kernel refused a /proc/sys write: EPERM (a filter, LSM) */
	OVC_H_SYSCTL_ROFS,     /* /proc/sys is read-only (a container) */
	OVC_H_SAVED_WRITE,     /* a saved tree's value is not writable by ovc's own user */
	OVC_H_ROOT_LAYOUT,     /* a directory ovc needs under --root is missing */
	OVC_H_CONFIG_PERM,     /* the boot configuration or the lock: permission or trust */
	OVC_H_CONFIG_ROFS,     /* the boot configuration's file system is read-only */
	OVC_H_PROFILE_TRUST,   /* a profile, or a directory on its way, is not trusted */
	OVC_H_PROFILE_FORMAT,  /* a profile file does not follow ovc-profile(5) */
	OVC_H_KMSG_PERM,       /* /dev/kmsg refused: kernel.dmesg_restrict and CAP_SYSLOG */
};

struct ovc_err {
	enum ovc_ecode code;
	enum ovc_hint hint;
	int errnum;        /* errno, or 0 */
	unsigned line;     /* 1-based line in path, or 0 */
	char path[512];    /* the file concerned, as the user can ls it; may be empty */
	char msg[1024];    /* what is wrong, lowercase, no final period */
};

/* Fill err (if not NULL; hint none) and return -1; printf-style msg. */
int ovc_fail(struct ovc_err *err, enum ovc_ecode code, int errnum, const char *path,
	     unsigned line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Attach the advice for err's failure (err may be NULL); returns -1, for "return". */
int ovc_hint(struct ovc_err *err, enum ovc_hint hint);

/*
 * The one errno-to-class mapping: a missing file or directory, a link where none may be
 * (ELOOP, or EXDEV from RESOLVE_IN_ROOT) -> OVC_E_INPUT; EACCES, EPERM -> OVC_E_PERM;
 * EROFS -> OVC_E_ROFS; anything else -> OVC_E_SYSTEM.
 */
enum ovc_ecode ovc_errno_class(int errnum);

#endif
