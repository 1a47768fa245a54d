/* SPDX-License-Identifier: MIT */
/*
 * proctext.h - parsers for the text of /proc files, from buffers the sys layer read.
 * Pure: no I/O. Inputs are (text, len) and may hold any bytes, NULs included; every
 * malformed input is an OVC_E_INPUT error naming path and line. `path` is only used
 * in messages.
 */
#ifndef OVC_PROCTEXT_H
#define OVC_PROCTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

/* The fields of /proc/meminfo ovc reads (fs/proc/meminfo.c), in kB unless noted. */
struct meminfo {
	uint64_t mem_total_kb, swap_total_kb, commit_limit_kb, committed_as_kb;
	uint64_t mem_free_kb, buffers_kb, cached_kb, swap_cached_kb, shmem_kb, swap_free_kb;
	uint64_t sreclaimable_kb, kreclaimable_kb;
	bool has_hugetlb;        /* Hugetlb: line (4.16+), all hstates */
	uint64_t hugetlb_kb;
	uint64_t hugepages_total;   /* default hstate only (pages, no unit) */
	uint64_t hugepagesize_kb;
	bool has_kreclaimable;
	/* MemAvailable (3.14+): si_mem_available(), the kernel's estimate of what can be
	 * allocated without swapping (free less the watermarks, plus the reclaimable part of
	 * the page cache and of reclaimable slab) */
	bool has_mem_available;
	uint64_t mem_available_kb;
};

int proctext_meminfo(const char *text, size_t len, const char *path, struct meminfo *m,
		     struct ovc_err *err);

/* One integer, optionally surrounded by blanks and a final newline (a /proc/sys value). */
int proctext_int(const char *text, size_t len, const char *path, int64_t min, int64_t max,
		 int64_t *out, struct ovc_err *err);
int proctext_ulong(const char *text, size_t len, const char *path, uint64_t *out,
		   struct ovc_err *err);

/* /proc/sys/kernel/osrelease: "6.18.44-fc-v669" -> 6.18.44 */
int proctext_osrelease(const char *text, size_t len, const char *path,
		       struct model_kver *v, struct ovc_err *err);

/* /proc/PID/status */
struct pid_status {
	char name[64];
	bool has_vmsize;      /* kernel threads have none */
	uint64_t vmsize_kb;
	bool has_vmdata;      /* VmData: mm->data_vm, 4.5+ (before: the brk and data segment) */
	uint64_t vmdata_kb;
	bool has_capeff;
	uint64_t capeff;      /* bit n = capability n */
};
int proctext_status(const char *text, size_t len, const char *path, struct pid_status *st,
		    struct ovc_err *err);

/*
 * /proc/PID/limits: RLIMIT_DATA's soft and hard limits in bytes, UINT64_MAX for
 * unlimited. 0, 1 without a "Max data size" line (both unlimited), -1 malformed.
 */
int proctext_limits_data(const char *text, size_t len, const char *path, uint64_t *soft,
			 uint64_t *hard, struct ovc_err *err);

/*
 * /proc/PID/limits: RLIMIT_FSIZE's soft limit ("Max file size", bytes), UINT64_MAX for
 * unlimited. 0, 1 without the line (unlimited), -1 malformed.
 */
int proctext_limits_fsize(const char *text, size_t len, const char *path, uint64_t *soft,
			  struct ovc_err *err);

/*
 * /proc/cmdline: a boolean kernel parameter as parse_args() (kernel/params.c) would set
 * it: 1 or 0 from its last valid occurrence before "--", -1 when not given.
 */
int proctext_cmdline_bool(const char *text, size_t len, const char *name);

/* /proc/PID/limits: the soft RLIMIT_AS in bytes, UINT64_MAX for unlimited. */
int proctext_limits_as(const char *text, size_t len, const char *path, uint64_t *bytes,
		       struct ovc_err *err);

/*
 * /proc/zoneinfo: totalreserve_pages as calculate_totalreserve_pages() sums it,
 * per zone min(managed, high + max(protection)).
 */
int proctext_zoneinfo_reserve(const char *text, size_t len, const char *path,
			      uint64_t *pages, struct ovc_err *err);

/* /proc/stat: number of cpuN lines (online CPUs); 0 if none. */
unsigned proctext_stat_cpus(const char *text, size_t len);

/* /proc/PID/cgroup (cgroup(7)): the v2 path ("0::/path"), or on v1 the memory controller's. */
void proctext_cgroup_path(const char *text, size_t len, char *buf, size_t buflen);

/* passwd(5) text: the name of uid into buf; false when no line has it. */
bool proctext_passwd_name(const char *text, size_t len, uint32_t uid, char *buf,
			  size_t buflen);

/* /proc/stat "btime": the boot time, seconds since the epoch (fs/proc/stat.c). */
bool proctext_stat_btime(const char *text, size_t len, uint64_t *btime);

/* /proc/PID/uid_map: true if it is the initial user namespace's ("0 0 4294967295"). */
bool proctext_uid_map_is_initial(const char *text, size_t len);

/*
 * /proc/locks: the PID holding a flock() on the file dev_major:dev_minor:ino, or 0 if no
 * line names one. The kernel prints a lock as (fs/locks.c, lock_get_status)
 *   "1: FLOCK  ADVISORY  WRITE 4242 08:02:131074 0 EOF"
 * with the device numbers in hex (%02x) and the PID in the reader's PID namespace (0 or
 * -1 when it has none there); a waiter's line has " ->" after the id and is skipped.
 */
long proctext_locks_holder(const char *text, size_t len, unsigned dev_major,
			   unsigned dev_minor, uint64_t ino);

#endif
