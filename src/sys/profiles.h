/* SPDX-License-Identifier: MIT */
/*
 * profiles.h - finds and reads profile files (ovc-profile(5)), in this order, the first
 * file of a name winning:
 *   1. <root>/etc/ovc/profiles/NAME.profile           local, the administrator's
 *   2. <root>OVC_DATADIR/profiles/NAME.profile         shipped with the ovc in <root>
 *   3. OVC_DATADIR/profiles/NAME.profile               shipped with the ovc that runs,
 *                                                      only when --root is another system
 * so an image without ovc installed still finds the shipped profiles. Profiles drive
 * privileged changes, so a file that is a symlink, not a regular file, not owned by root
 * (or by the user running ovc, when that is not root), or writable by group or others is
 * refused, and so is such a directory or a directory above one (up to its root). Links
 * in the directory path resolve inside the root (openat2 RESOLVE_IN_ROOT).
 */
#ifndef OVC_PROFILES_H
#define OVC_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/err.h"
#include "../core/profile.h"
#include "fsroot.h"

#ifndef OVC_DATADIR
#define OVC_DATADIR "/usr/local/share/ovc"
#endif

#define PROFILES_SUFFIX ".profile"
#define PROFILES_NDIRS 3
#define PROFILES_MAX 128

struct profiles {
	size_t ndirs;                           /* 2, or 3 with another system's root */
	const struct fsroot *root[PROFILES_NDIRS];   /* the root each directory is under */
	const char *rel[PROFILES_NDIRS];        /* "etc/ovc/profiles", "usr/.../profiles" */
	char dir[PROFILES_NDIRS][4200];         /* as the user can ls them */
	char *text;                             /* the last file loaded */
	size_t len;
	char path[4400];
};

struct profile_entry {
	char name[PROFILE_NAME_MAX];
	size_t dir;                             /* index into profiles.dir: 0 is local */
	bool overrides;                         /* it hides a profile of the same name */
	char path[4400];
};

/* The directories under root; host is this system's "/" (used when root is not it). */
void profiles_open(struct profiles *ps, const struct fsroot *root, const struct fsroot *host);
void profiles_close(struct profiles *ps);

/* "A or B", "A, B or C": the directories searched, for messages. */
const char *profiles_dirs_text(const struct profiles *ps, char *buf, size_t len);

/* profile_loader for profile_resolve (arg: struct profiles *). */
int profiles_load(void *arg, const char *name, const char **text, size_t *len,
		  const char **path, struct ovc_err *err);

/* Every profile name, sorted, the first directory's for a name (the others omitted). */
int profiles_list(struct profiles *ps, struct profile_entry *out, size_t max, size_t *n,
		  struct ovc_err *err);

#endif
