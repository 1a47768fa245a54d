/* SPDX-License-Identifier: MIT */
/* err.c - fills struct ovc_err; formats into memory only, never prints. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int ovc_fail(struct ovc_err *err, enum ovc_ecode code, int errnum, const char *path,
	     unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	err->hint = OVC_H_NONE;
	err->errnum = errnum;
	err->line = line;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int ovc_hint(struct ovc_err *err, enum ovc_hint hint)
{
	if (err)
		err->hint = hint;
	return -1;
}

enum ovc_ecode ovc_errno_class(int errnum)
{
	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
	case ELOOP:
	case EXDEV:
		return OVC_E_INPUT;
	case EACCES:
	case EPERM:
		return OVC_E_PERM;
	case EROFS:
		return OVC_E_ROFS;
	default:
		return OVC_E_SYSTEM;
	}
}
