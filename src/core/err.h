/* SPDX-License-Identifier: MIT */
/*
 * err.h - the error record every core and sys function fills on failure.
 * It only carries facts (what, where, errno); wording for humans is the CLI's job.
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
};

struct ovc_err {
	enum ovc_ecode code;
	int errnum;        /* errno, or 0 */
	unsigned line;     /* 1-based line in path, or 0 */
	char path[512];    /* the file concerned, as the user can ls it; may be empty */
	char msg[1024];    /* what is wrong, lowercase, no final period */
};

/* Fill err (if not NULL) and return -1; printf-style msg. */
int ovc_fail(struct ovc_err *err, enum ovc_ecode code, int errnum, const char *path,
	     unsigned line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
