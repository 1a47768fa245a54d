/* SPDX-License-Identifier: MIT */
/*
 * procfs.h - gathers the model's inputs from a proc tree (live or saved) through fsroot.
 * Reads only; each figure from the file that states it; missing optional files are
 * recorded as unknown, never guessed silently.
 */
#ifndef OVC_PROCFS_H
#define OVC_PROCFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "../core/model.h"
#include "../core/proctext.h"
#include "fsroot.h"

struct procfs_host {
	struct model_host host;      /* ready for the model */
	struct model_policy policy;  /* the running policy */
	struct meminfo mi;           /* as read */
	char osrelease[128];
	bool has_kbytes;             /* overcommit_kbytes exists (3.14+) */
	bool has_reserves;           /* admin/user_reserve_kbytes exist (3.10+) */
	bool hugetlb_default_only;   /* no Hugetlb: line; only the default hstate counted */
	bool has_zoneinfo;           /* totalreserve_pages known (old GUESS only) */
	bool has_cpus;               /* /proc/stat gave the online CPUs */
	bool stat_malformed;         /* stat is there but has no cpuN line */
	bool meminfo_overmounted;    /* /proc/meminfo is served by FUSE (LXCFS) */
	bool live;                   /* read from a procfs: the running kernel */
	bool whatif_host;            /* host figures replaced by what-if options */
	bool has_self_limits;        /* self_rlimit_as is this host's (live /proc only) */
	uint64_t self_rlimit_as;     /* ovc's RLIMIT_AS, as the caller's shell passes it on */
	uint64_t self_rlimit_data, self_rlimit_data_max;   /* and RLIMIT_DATA, soft and hard */
	bool has_cmdline;            /* host.ignore_rlimit_data was read from the cmdline */
	char stat_path[4200];        /* the malformed stat file, for the warning */
};

int procfs_read_host(const struct fsroot *fs, struct procfs_host *ph, struct ovc_err *err);

/* Facts about one process, for "check --pid" and "probe". */
struct procfs_task {
	pid_t pid;
	char name[64];
	struct model_task task;
	bool has_capeff;          /* CapEff was there to read */
	bool userns_known;        /* uid_map was there to read */
	bool initial_userns;
	bool cap_sys_admin;       /* CapEff bit CAP_SYS_ADMIN */
	bool cap_sys_resource;    /* CapEff bit CAP_SYS_RESOURCE: a disk's reserved blocks */
	uint64_t rlimit_fsize_bytes;   /* RLIMIT_FSIZE soft limit, UINT64_MAX unlimited */
};

/*
 * The boot option ignore_rlimit_data from the kernel's command line, into
 * ph->host.ignore_rlimit_data (once; procfs_read_host reads it only when a finite
 * RLIMIT_DATA is in sight). A missing cmdline leaves the kernel's default.
 */
int procfs_read_cmdline(const struct fsroot *fs, struct procfs_host *ph, struct ovc_err *err);

/* rel_dir is "self" or a decimal PID. */
int procfs_read_task(const struct fsroot *fs, const char *rel_dir, struct procfs_task *pt,
		     struct ovc_err *err);

/* /proc/stat's btime (seconds since the epoch); 1 when the tree has none. */
int procfs_read_btime(const struct fsroot *fs, uint64_t *btime, struct ovc_err *err);

/*
 * The cgroup (v2 path, or the memory controller's on v1) of process pid if it still runs
 * as comm (a pid may be reused): "" when gone, renamed or unreadable. Never an error.
 */
void procfs_task_cgroup(const struct fsroot *fs, long pid, const char *comm, char *buf,
			size_t len);

/* The default address-space size of this architecture (TASK_SIZE for mmap without hint). */
uint64_t procfs_address_space(uint64_t page_size);

#endif
