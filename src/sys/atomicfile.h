/* SPDX-License-Identifier: MIT */
/*
 * atomicfile.h - replace or remove one configuration file so that a crash at any point
 * leaves the old file or the new one, never a partial one; used for ovc's sysctl.d
 * drop-in under --root.
 *
 * Every path component below the root is opened with O_NOFOLLOW, and the file itself is
 * never opened through a link: a symlink (or anything but a directory / regular file)
 * in its place is refused, and rename(2) replaces a directory entry, so a link swapped
 * in after the check is replaced, never followed. The directory must be owned by root
 * (or by the caller) and not writable by group or others.
 *
 * Replace: stage (a hidden temporary "."NAME".ovc-tmp.*" in the same directory, created
 * O_EXCL|O_NOFOLLOW, mode 0644, chown 0:0 when run as root, written whole, fsync'ed),
 * then commit (renameat over NAME, fsync of the directory). A staged file is discarded
 * (unlinked) on any failure. Neither tool reads the temporary: its name starts with a dot
 * and does not end in ".conf". Stale temporaries of a killed run are removed by the next
 * stage (the caller holds the ovc lock, so none can belong to a live run).
 */
#ifndef OVC_ATOMICFILE_H
#define OVC_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../core/err.h"
#include "fsroot.h"

#define AFILE_MAX_SIZE (1u << 16)

struct afile_dir {
	int fd;               /* O_RDONLY|O_DIRECTORY, opened without following links */
	char path[4200];      /* as the user can ls it ("<root>/etc/sysctl.d") */
};

struct afile_stage {
	bool staged;
	char tmp[128];        /* the temporary's name in the directory */
	char path[4400];      /* the target's path, for messages */
};

/*
 * Open rel under the system root (rel "etc/sysctl.d").
 * With create, a missing last component is made (0755); the ones before it must exist.
 * ENOENT without create: returns 1 (no directory, so no file). ELOOP/ENOTDIR on a
 * component: refused as a link. 0 on success, -1 with err.
 */
int afile_open_dir(struct afile_dir *d, const struct fsroot *root, const char *rel,
		   bool create, struct ovc_err *err);
void afile_close_dir(struct afile_dir *d);

/*
 * Read name (at most AFILE_MAX_SIZE) into a malloc'ed, NUL-terminated buffer. A missing
 * file: returns 1, *buf NULL. A symlink or non-regular file: -1, OVC_E_INPUT.
 */
int afile_read(const struct afile_dir *d, const char *name, char **buf, size_t *len,
	       struct ovc_err *err);

/*
 * Is name as ovc writes it: owned by root (or by the caller) and not writable by group
 * or others? 1: yes, or absent; 0: no, with the reason in why ("owned by uid 65534");
 * -1: cannot stat (err). A file with ovc's bytes but not this trust is rewritten, so
 * that nobody else keeps the power to change the boot configuration.
 */
int afile_trusted(const struct afile_dir *d, const char *name, char *why, size_t whylen,
		  struct ovc_err *err);

/* Write data into a fresh temporary next to name (see above). */
int afile_stage(const struct afile_dir *d, const char *name, const char *data, size_t len,
		struct afile_stage *st, struct ovc_err *err);

/*
 * Rename the staged temporary over name, fsync the directory. 0; -1: the rename failed
 * (the temporary is discarded, name is untouched); -2: renamed, but the directory fsync
 * failed (the new file is in place, its durability unknown).
 */
int afile_commit(const struct afile_dir *d, struct afile_stage *st, const char *name,
		 struct ovc_err *err);

/* Remove the temporaries of name a killed run left (the caller holds the ovc lock, so
 * none belongs to a live run). Stage does it too. */
void afile_clean_stale(const struct afile_dir *d, const char *name);

/* Unlink a staged temporary (no-op when nothing is staged). */
void afile_discard(const struct afile_dir *d, struct afile_stage *st);

/* Remove name (refusing a link or non-regular file), fsync the directory. Missing: 1;
 * -1: not removed; -2: removed, but the directory fsync failed. */
int afile_remove(const struct afile_dir *d, const char *name, struct ovc_err *err);

#endif
