/* SPDX-License-Identifier: MIT */
/*
 * proctop.h - gathers "ovc top"'s figures through the seams: every process's smaps
 * (streamed, never held whole), comm, owner and cgroup, /proc/sysvipc/shm, and the tmpfs
 * mounts of mountinfo with the space their files use.
 */
#ifndef OVC_PROCTOP_H
#define OVC_PROCTOP_H

#include "../core/err.h"
#include "../core/top.h"
#include "fsroot.h"

struct proctop_stats {
	uint64_t processes;        /* thread groups with an address space, read */
	uint64_t kernel_threads;   /* without one: nothing to charge */
	uint64_t tmpfs_unmeasured; /* tmpfs mounts whose use could not be measured */
	bool tmpfs_partial;        /* a walk of an unlimited tmpfs stopped at its bound */
	bool sysv_known;           /* /proc/sysvipc/shm was there */
	bool pid_namespace;        /* ovc runs in a PID namespace: processes outside are unseen */
	bool committed_read;       /* live: Committed_AS read right after ovc's own smaps, */
	uint64_t committed_kb;     /* the scan's last (ovc's heap grows while it scans) */
};

/*
 * Fill t from the proc tree (and, on the live system, statfs of the tmpfs mounts under
 * root). A process that exits or cannot be read is counted in t, not an error; an error
 * is a proc tree that cannot be listed.
 */
int proctop_scan(const struct fsroot *proc, const struct fsroot *root, struct top *t,
		 struct proctop_stats *st, struct ovc_err *err);

/* What a fork of process pid_dir (a decimal PID) would charge, from its smaps. */
int proctop_fork(const struct fsroot *proc, const char *pid_dir, struct top_fork *f,
		 struct ovc_err *err);

#endif
