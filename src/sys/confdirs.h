/* SPDX-License-Identifier: MIT */
/*
 * confdirs.h - lists the sysctl.d directories and /etc/sysctl.conf under --root and reads
 * each entry into a struct prec_file for core/precedence. Reads only: never writes,
 * never follows a link out of the root (openat2 RESOLVE_IN_ROOT where the kernel has it).
 */
#ifndef OVC_CONFDIRS_H
#define OVC_CONFDIRS_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/err.h"
#include "../core/precedence.h"
#include "fsroot.h"

#define CONFDIRS_MAX_FILES PREC_MAX_FILES   /* *.conf entries across all directories */
#define CONFDIRS_MAX_SIZE (1u << 20)        /* bytes per file */
#define CONFDIRS_NDIRS PREC_MAX_DIRS

struct confdirs {
	struct prec_file files[CONFDIRS_MAX_FILES];
	char *owned[CONFDIRS_MAX_FILES];     /* name + path block of files[i] */
	char *texts[CONFDIRS_MAX_FILES];     /* files[i].text, malloc'ed */
	size_t nfiles;
	const struct fsroot *rootfs;         /* the system root read under */
	char root[4096];                     /* --root as given, no trailing '/' ("" for "/") */
	bool contained;                      /* openat2 RESOLVE_IN_ROOT was available */
	/* a directory skipped because it is an earlier one (e.g. /lib -> usr/lib) */
	const char *same_dir[CONFDIRS_NDIRS];
	const char *same_as[CONFDIRS_NDIRS];
	size_t nsame;
};

/*
 * List and read everything under the system root. Missing directories are not an error.
 * Returns 0, or -1 with err filled: a directory cannot be listed (EACCES -> OVC_E_PERM), a
 * file is larger than
 * CONFDIRS_MAX_SIZE or there are more than CONFDIRS_MAX_FILES (OVC_E_INPUT). An entry
 * that cannot be opened (a dangling link, EACCES) is listed with readable = false: the
 * model reports it as the tools would. cd is large: keep it off the stack.
 */
int confdirs_load(struct confdirs *cd, const struct fsroot *root, struct ovc_err *err);

/* Free what confdirs_load allocated (also after a failure). */
void confdirs_free(struct confdirs *cd);

#endif
