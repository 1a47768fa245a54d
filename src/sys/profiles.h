/* SPDX-License-Identifier: MIT */
/*
 * profiles.h - finds and reads profile files (ovc-profile(5)) under --root:
 * <root>/etc/ovc/profiles/NAME.profile (local) overrides <root>OVC_DATADIR/profiles/
 * NAME.profile (shipped) by name. Profiles drive privileged changes, so a file that is a
 * symlink, not a regular file, not owned by root (or by the user running ovc, when that is
 * not root), or writable by group or others is refused, and so is such a directory.
 * Links in the directory path resolve inside the root (openat2 RESOLVE_IN_ROOT).
 */
#ifndef OVC_PROFILES_H
#define OVC_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/err.h"
#include "../core/profile.h"

#ifndef OVC_DATADIR
#define OVC_DATADIR "/usr/local/share/ovc"
#endif

#define PROFILES_SUFFIX ".profile"
#define PROFILES_NDIRS 2
#define PROFILES_MAX 128

struct profiles {
	int rootfd;
	bool contained;
	char root[4096];                        /* as given, no trailing '/' ("" for "/") */
	const char *rel[PROFILES_NDIRS];        /* "etc/ovc/profiles", "usr/.../profiles" */
	char dir[PROFILES_NDIRS][4200];         /* as the user can ls them */
	char *text;                             /* the last file loaded */
	size_t len;
	char path[4400];
};

struct profile_entry {
	char name[PROFILE_NAME_MAX];
	size_t dir;                             /* 0 local, 1 shipped */
	bool overrides;                         /* a local one hiding a shipped one */
	char path[4400];
};

int profiles_open(struct profiles *ps, const char *root_dir, struct ovc_err *err);
void profiles_close(struct profiles *ps);

/* profile_loader for profile_resolve (arg: struct profiles *). */
int profiles_load(void *arg, const char *name, const char **text, size_t *len,
		  const char **path, struct ovc_err *err);

/* Every profile name, sorted, local before shipped for the same name (shipped omitted). */
int profiles_list(struct profiles *ps, struct profile_entry *out, size_t max, size_t *n,
		  struct ovc_err *err);

#endif
