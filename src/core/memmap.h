/* SPDX-License-Identifier: MIT */
/*
 * memmap.h - would a file-backed NumPy array (np.memmap) of a given size work at a path,
 * and where do its writes stop: the decision from the file system's facts, the writer's
 * limits and the overcommit model. Pure: the sys layer (sys/memmapfs) gathers the facts.
 *
 * What np.memmap does (numpy/core/memmap.py, memmap.__new__; the same in NumPy 1.x, 2.x):
 *   w+  open(PATH, "w+b"): creates or truncates the file; then, the file being shorter
 *       than the array, seek(bytes - 1) and write one byte: a sparse file of the array's
 *       size; mmap ACCESS_WRITE (MAP_SHARED, read and write).
 *   r+  open(PATH, "r+b"): the file must exist; a file shorter than the array is extended
 *       the same way (seek, one byte); mmap ACCESS_WRITE.
 *   c   open(PATH, "rb"): the file must exist and hold the whole array (Python's mmap
 *       refuses a length past the end: ValueError); mmap ACCESS_COPY (MAP_PRIVATE, read
 *       and write): charged in full when mapped, like an anonymous allocation.
 * Sizes are bytes (_bytes) or kB (_kb, 1024 bytes); offset 0 (np.memmap's default).
 */
#ifndef OVC_MEMMAP_H
#define OVC_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "simulate.h"

enum memmap_mode {
	MEMMAP_W_PLUS = 0,   /* "w+", np.memmap's mode for a new array (ovc's default) */
	MEMMAP_R_PLUS,       /* "r+" */
	MEMMAP_COPY,         /* "c" */
};

/* "w+", "r+", "c" -> 0; anything else -1. */
int memmap_mode_parse(const char *s, enum memmap_mode *mode);
const char *memmap_mode_name(enum memmap_mode mode);

/* What stops the array; the JSON tokens are memmap_limit_name()'s. */
enum memmap_limit {
	MEMMAP_LIMIT_NONE = 0,
	MEMMAP_LIMIT_COMMIT,         /* tmpfs in mode 2: pages charged as written; mode c: at mmap */
	MEMMAP_LIMIT_FS_SPACE,       /* a disk file system's free blocks */
	MEMMAP_LIMIT_TMPFS_SIZE,     /* the tmpfs mount's size= */
	MEMMAP_LIMIT_RLIMIT_FSIZE,   /* the extending write: EFBIG (and SIGXFSZ) */
	MEMMAP_LIMIT_MAX_FILE_SIZE,  /* the file system's s_maxbytes: EFBIG */
	MEMMAP_LIMIT_RLIMIT_AS,      /* mmap: may_expand_vm, ENOMEM */
	MEMMAP_LIMIT_CGROUP,         /* pages the cgroup cannot reclaim: the OOM killer */
	MEMMAP_LIMIT_RLIMIT_DATA,    /* mode c only: a private writable mapping is data */
	MEMMAP_LIMIT_ADDRESS_SPACE,  /* mmap: no gap that large */
	MEMMAP_LIMIT_RAM_SWAP,       /* pages that only RAM or swap can hold: an upper bound */
	MEMMAP_LIMIT_N
};

const char *memmap_limit_name(enum memmap_limit l);   /* stable JSON token */

/* The file system at PATH and the file there, as statfs(2) and stat(2) give them. */
struct memmap_fs {
	uint64_t f_type;             /* statfs f_type (linux/magic.h) */
	uint64_t bsize;              /* f_bsize: the unit of the three counts */
	uint64_t blocks, bfree, bavail;   /* f_blocks (0: no size known), f_bfree, f_bavail */
	bool file_exists;
	uint64_t file_bytes;         /* st_size */
	uint64_t file_alloc_bytes;   /* st_blocks * 512: blocks the file holds now */
};

/* What ovc knows of a file system type (a small table: statfs cannot tell more). */
struct memmap_fsinfo {
	const char *name;            /* "ext4", "tmpfs", ... or NULL when not in the table */
	bool tmpfs;                  /* shmem: pages charged per page (mm/shmem.c) */
	int sparse;                  /* holes: 1 yes, 0 no (every block written), -1 unknown */
	bool max_known;
	uint64_t max_file_bytes;     /* the super block's s_maxbytes */
};

void memmap_fs_info(uint64_t f_type, uint64_t bsize, struct memmap_fsinfo *out);

/* The array and its writer. */
struct memmap_request {
	uint64_t bytes;              /* the array's size (offset 0) */
	enum memmap_mode mode;
	uint64_t rlimit_fsize_bytes; /* the writer's RLIMIT_FSIZE, UINT64_MAX unlimited */
	bool writer_reserved;        /* the writer may use a disk's reserved blocks (root,
	                                CAP_SYS_RESOURCE): f_bfree rather than f_bavail */
};

/* What would make it work; value in kB where one is given. */
enum memmap_advice_kind {
	MEMMAP_ADV_DISK_PATH,     /* a path on a disk file system, not tmpfs or /dev/shm */
	MEMMAP_ADV_TMPFS_SIZE,    /* value = the size= the tmpfs needs at least */
	MEMMAP_ADV_MODE_SHARED,   /* mode r+ or w+ instead of c: a shared mapping is not charged */
	MEMMAP_ADV_ULIMIT_F,      /* value = RLIMIT_FSIZE needed (ulimit -f counts kB) */
	MEMMAP_ADV_ULIMIT_V,      /* value = RLIMIT_AS needed, the writer's VmSize included
	                             when known (ulimit -v counts kB) */
	MEMMAP_ADV_FREE_SPACE,    /* value = kB more to free on that file system */
	MEMMAP_ADV_OTHER_FS,      /* a file system with larger files (xfs, ext4, btrfs) */
	MEMMAP_ADV_CHUNK,         /* larger than the address space: split the array */
};

struct memmap_advice {
	enum memmap_advice_kind kind;
	uint64_t value;
};

/* One limit that applies, and the largest array it lets through, in bytes. */
struct memmap_bound {
	enum memmap_limit limit;
	uint64_t max_bytes;
};

struct memmap_result {
	struct memmap_fsinfo fs;
	bool extends;                /* np.memmap writes the last byte: the file grows to size */
	bool truncates;              /* w+ of an existing file: its blocks are freed first */
	uint64_t pages;              /* pages of the mapping */
	uint64_t page_size;
	uint64_t need_bytes;         /* blocks the writes will allocate (w+: all; r+: beyond
	                                what the file holds); 0 for mode c */
	bool free_known;
	uint64_t free_bytes;         /* room for them: free blocks (+ what truncation frees) */
	bool tmpfs_size_known;       /* the mount has a size= (f_blocks > 0) */
	uint64_t tmpfs_size_bytes;
	bool commit_per_page;        /* tmpfs under mode 2: each new page is charged */
	uint64_t commit_room_bytes;  /* the pages the writer can still charge, as bytes */
	uint64_t band_kb;            /* the per-CPU error of that count (model_band_pages) */
	bool cgroup_known;
	struct check_result cr;      /* mode c: the verdict on the mmap, as an allocation */
	struct memmap_bound bounds[MEMMAP_LIMIT_N];
	unsigned nbounds;
	bool fits;
	enum memmap_limit binding;   /* the tightest bound below the size; NONE when it fits */
	bool limit_known;            /* something binds below the size */
	uint64_t limit_kb;           /* the largest array that works then (floor) */
	struct memmap_advice advice[8];   /* one per failing limit, in a fixed order */
	unsigned nadvice;
};

/*
 * Decide for an array of rq->bytes at a file system fs, written by task writer (its
 * VmSize, RLIMIT_AS, RLIMIT_DATA, CAP_SYS_ADMIN) under policy p on host h.
 * cgroup_room_kb: how many kB the writer's memory cgroup can still charge and not
 * reclaim, or NULL when unknown (no cgroup, or not read). TODO(i15-touch): the cgroup
 * reader is being built on branch i15-touch; until it is merged the CLI passes NULL.
 * For mode c the caller has checked that the file exists and holds the array.
 */
void memmap_check(const struct model_host *h, const struct model_policy *p,
		  const struct model_task *writer, const struct memmap_request *rq,
		  const struct memmap_fs *fs, const uint64_t *cgroup_room_kb,
		  struct memmap_result *out);

/* The bound of limit l in r, or NULL when it does not apply. */
const struct memmap_bound *memmap_bound(const struct memmap_result *r, enum memmap_limit l);

#endif
