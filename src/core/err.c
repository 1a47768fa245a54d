/* SPDX-License-Identifier: MIT */
/* err.c - fills struct ovc_err; formats into memory only, never prints. */
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
	err->errnum = errnum;
	err->line = line;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}
