/* SPDX-License-Identifier: MIT */
/*
 * top.h - who holds Committed_AS: each process's commit charge (its VM_ACCOUNT mappings)
 * and fork cost, the charges that belong to objects rather than processes (SysV shared
 * memory, shared anonymous memory, memfd, tmpfs), de-duplicated, and what is left
 * unattributed. Pure: the sys layer reads the files and feeds them in.
 *
 * Kernel rules (6.1): a private writable mapping is charged in full at mmap (VM_ACCOUNT,
 * "ac" in smaps' VmFlags) unless MAP_NORESERVE outside mode 2 or hugetlb
 * (accountable_mapping, mm/mmap.c); fork charges every VM_ACCOUNT mapping but the
 * VM_DONTCOPY ones (dup_mmap, kernel/fork.c). A SysV segment is charged in full at shmget
 * (newseg, ipc/shm.c: shmem_kernel_file_setup without VM_NORESERVE, unless SHM_NORESERVE
 * outside mode 2), shared anonymous memory in full at mmap (shmem_zero_setup), and files
 * of tmpfs and memfds page by page as they are allocated (VM_NORESERVE: shmem_acct_blocks,
 * mm/shmem.c). hugetlb is never in Committed_AS.
 */
#ifndef OVC_TOP_H
#define OVC_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smaps.h"

struct top_proc {
	int64_t pid;
	uint32_t uid;
	char comm[64];
	char cgroup[256];
	uint64_t commit_kb, fork_kb;
};

enum top_kind { TOP_SYSV_SHM, TOP_SHARED_ANON, TOP_MEMFD, TOP_TMPFS };

struct top_obj {
	enum top_kind kind;
	char name[256];
	uint64_t dev, ino;            /* the key: device and inode (SysV: 0 and shmid) */
	uint64_t commit_kb;
	bool per_page;                /* charged as pages are allocated (an estimate) */
	bool hugetlb;                 /* hugetlb-backed: never charged */
	uint64_t size_kb;             /* shared anonymous: the largest extent mapped */
	int64_t *pids;
	size_t npids, cap;
};

struct top {
	struct top_proc *procs;
	size_t nprocs, capp;
	struct top_obj *objs;
	size_t nobjs, capo;
	uint64_t unreadable;          /* processes whose smaps could not be read (ptrace) */
	uint64_t gone;                /* processes that exited during the scan */
	bool oom;                     /* out of memory: the figures are incomplete */
};

struct top_totals {
	uint64_t committed_kb;        /* Committed_AS read */
	uint64_t procs_kb, objs_kb;
	uint64_t attributed_kb;       /* procs_kb + objs_kb */
	int64_t unattributed_kb;      /* committed - attributed (negative: over-attributed) */
};

void top_init(struct top *t);
void top_free(struct top *t);

/* A process: returns its index, or -1 (out of memory). */
long top_add_proc(struct top *t, int64_t pid, uint32_t uid, const char *comm,
		  const char *cgroup);

/* One of its mappings: its own charge, or the object it belongs to. */
void top_add_vma(struct top *t, long proc, const struct smaps_vma *v);

/* A SysV segment of /proc/sysvipc/shm (charged in full at shmget). */
void top_add_sysv(struct top *t, uint64_t key, uint64_t shmid, uint64_t size_bytes);

/* A tmpfs mount: its device, where it is mounted and the kB its files use. */
void top_add_tmpfs(struct top *t, unsigned major, unsigned minor, const char *mountpoint,
		   uint64_t used_kb, bool exact);

/* The processes added up by a key (a user, a cgroup). */
struct top_group {
	char key[256];
	uint64_t procs, commit_kb, fork_kb;
};

typedef void (*top_key_fn)(void *arg, const struct top_proc *p, char *key, size_t len);

/*
 * Group t's processes by the key key_fn gives each, into g (room for t->nprocs groups),
 * largest commit charge first. Returns how many groups.
 */
size_t top_groups(const struct top *t, top_key_fn key_fn, void *arg, struct top_group *g);

/* Settle the objects' charges, sort (largest first) and add up against committed_kb. */
void top_finish(struct top *t, uint64_t committed_kb, struct top_totals *out);

/*
 * What a fork of one process charges (dup_mmap, kernel/fork.c 6.1): each VM_ACCOUNT
 * mapping but the VM_DONTCOPY ones, one security_vm_enough_memory_mm() call per
 * mapping: in mode 2 they add up against the limit; mode 0 (5.2+) refuses only a
 * single mapping above RAM + swap.
 */
struct top_fork {
	uint64_t fork_kb;       /* all of them */
	uint64_t largest_kb;    /* the largest one */
	uint64_t areas;         /* how many */
	uint64_t commit_kb;     /* the process's own charge, for comparison */
};

void top_fork_add(struct top_fork *f, const struct smaps_vma *v);

/* One /proc/sysvipc/shm line: key, shmid and size (ipc/shm.c sysvipc_shm_proc_show). */
bool top_parse_sysv_line(const char *line, size_t len, uint64_t *key, uint64_t *shmid,
			 uint64_t *size);

/*
 * One /proc/PID/mountinfo line (proc_pid_mountinfo(5)): the device and mount point of a
 * tmpfs, devtmpfs or rootfs mount (the mount point unescaped from \040 and the like, cut
 * to mplen - 1 bytes). false for any other line, and for a malformed one (mountinfo_parse).
 */
bool top_parse_mountinfo_line(const char *line, size_t len, unsigned *major,
			      unsigned *minor, char *mountpoint, size_t mplen,
			      char *fstype, size_t fslen);

#endif
