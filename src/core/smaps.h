/* SPDX-License-Identifier: MIT */
/*
 * smaps.h - /proc/PID/smaps read as a stream, one mapping at a time, in bounded memory:
 * its range, page offset, device, inode and path (the header line, show_map_vma in
 * fs/proc/task_mmu.c), Rss and Swap, and the VmFlags that decide the commit charge
 * (show_smap_vma_flags: "ac" VM_ACCOUNT, "dc" VM_DONTCOPY, "nr" VM_NORESERVE, "sh"
 * VM_SHARED, "ht" VM_HUGETLB; VmFlags since Linux 3.8). Pure: bytes in, mappings out.
 */
#ifndef OVC_SMAPS_H
#define OVC_SMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMAPS_PATH_MAX 256   /* a longer path is cut (it only names an object) */
#define SMAPS_LINE_MAX 1024  /* what is kept of a line; the rest is skipped */

struct smaps_vma {
	uint64_t start, end;     /* addresses: end - start bytes */
	uint64_t pgoff;          /* the offset field, bytes */
	unsigned dev_major, dev_minor;
	uint64_t inode;
	char path[SMAPS_PATH_MAX];
	bool write, shared;      /* perms "rw-s" */
	bool flags_seen;         /* a VmFlags line came (3.8+) */
	bool ac, dc, nr, sh, ht;
	uint64_t rss_kb, swap_kb;
};

typedef void (*smaps_vma_fn)(void *arg, const struct smaps_vma *v);

struct smaps_parser {
	smaps_vma_fn fn;
	void *arg;
	struct smaps_vma cur;
	bool in_vma;
	char line[SMAPS_LINE_MAX];
	size_t len;              /* bytes of the current line kept */
	bool overlong;           /* the current line went past line[] */
	uint64_t vmas, bad;      /* mappings passed on; lines not understood */
};

void smaps_init(struct smaps_parser *p, smaps_vma_fn fn, void *arg);

/* Any number of bytes, split anywhere; mappings are passed to fn as they complete. */
void smaps_feed(struct smaps_parser *p, const char *buf, size_t len);

/* The end of the file: the last mapping, if any, is passed on. */
void smaps_end(struct smaps_parser *p);

/* The commit charge of a mapping (its size when "ac"), in kB; what a fork charges. */
uint64_t smaps_commit_kb(const struct smaps_vma *v);
uint64_t smaps_fork_kb(const struct smaps_vma *v);

#endif
