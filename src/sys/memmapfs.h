/* SPDX-License-Identifier: MIT */
/*
 * memmapfs.h - the facts core/memmap needs about an np.memmap path: the file system
 * there (fstatfs), the file if it exists (fstat), the caller's RLIMIT_FSIZE. Every path
 * is opened through the --root seam (sys/fsroot.h), so a fixture tree stands for "/".
 */
#ifndef OVC_MEMMAPFS_H
#define OVC_MEMMAPFS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/memmap.h"
#include "fsroot.h"

struct memmapfs_facts {
	struct memmap_fs fs;
	bool read_only;          /* ST_RDONLY */
	char shown[4200];        /* the path as the user can ls it */
};

/*
 * Read the facts for an array of bytes at path (absolute; or relative to the working
 * directory when root is this system's "/", to root otherwise), opened in mode.
 * Errors, each with the path and errno text: the directory missing or not one, a link
 * loop (OVC_E_INPUT); the path a directory, a FIFO, a socket or a device (OVC_E_INPUT);
 * r+ or c of a missing file, c of a file shorter than the array (OVC_E_INPUT: np.memmap
 * would fail); w+ or r+ on a read-only file system (OVC_E_ROFS); EACCES (OVC_E_PERM).
 */
int memmapfs_read(const struct fsroot *root, const char *path, enum memmap_mode mode,
		  uint64_t bytes, struct memmapfs_facts *out, struct ovc_err *err);

/* ovc's own RLIMIT_FSIZE (the caller's shell passes it on), UINT64_MAX unlimited. */
uint64_t memmapfs_self_fsize(void);

#endif
