/* SPDX-License-Identifier: MIT */
/* procfs.c - reads meminfo, vm sysctls, osrelease and /proc/PID files through fsroot. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <unistd.h>

#include "../core/knobs.h"
#include "procfs.h"

#define MAX_PROC_FILE (4u << 20)   /* no /proc file ovc reads is near this */
#define FUSE_SUPER_MAGIC 0x65735546   /* linux/magic.h; LXCFS serves meminfo through FUSE */

typedef int (*parse_fn)(const char *, size_t, const char *, void *, struct ovc_err *);

static int read_parsed(const struct fsroot *fs, const char *rel, bool optional, parse_fn parse,
		       void *out, struct ovc_err *err)
{
	char *buf;
	size_t len;
	int r;

	r = optional ? fsroot_read_opt(fs, rel, MAX_PROC_FILE, &buf, &len, err)
		     : fsroot_read(fs, rel, MAX_PROC_FILE, &buf, &len, err);
	if (r)
		return r;   /* -1 error, 1 missing (optional) */
	r = parse(buf, len, NULL, out, err);
	free(buf);
	if (r < 0)
		fsroot_blame(fs, rel, err);
	return r < 0 && err->line ? ovc_hint(err, OVC_H_PROC_FORMAT) : r;
}

static int p_mode(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	int64_t v;

	if (proctext_int(t, l, p, INT32_MIN, INT32_MAX, &v, e) < 0)
		return -1;
	((struct model_policy *)o)->mode = (int)v;
	return 0;
}

static int p_ratio(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	return proctext_int(t, l, p, INT32_MIN, INT32_MAX, o, e);
}

static int p_ulong(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	return proctext_ulong(t, l, p, o, e);
}

static int p_osrelease(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	struct procfs_host *ph = o;
	size_t n = l < sizeof(ph->osrelease) - 1 ? l : sizeof(ph->osrelease) - 1;

	memcpy(ph->osrelease, t, n);
	ph->osrelease[n] = '\0';
	ph->osrelease[strcspn(ph->osrelease, "\n")] = '\0';
	return proctext_osrelease(t, l, p, &ph->host.kernel, e);
}

static int p_zoneinfo(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	return proctext_zoneinfo_reserve(t, l, p, o, e);
}

static int p_stat(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	(void)p;
	(void)e;
	*(unsigned *)o = proctext_stat_cpus(t, l);
	return 0;
}

static int p_limits(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	struct procfs_task *pt = o;
	struct model_task *task = &pt->task;

	if (proctext_limits_as(t, l, p, &task->rlimit_as_bytes, e) < 0)
		return -1;
	if (proctext_limits_fsize(t, l, p, &pt->rlimit_fsize_bytes, e) < 0)
		return -1;
	return proctext_limits_data(t, l, p, &task->rlimit_data_bytes,
				    &task->rlimit_data_max_bytes, e) < 0 ? -1 : 0;
}

/* The kernel's command line: is the boot option ignore_rlimit_data given, and how? */
static int p_cmdline(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	struct model_host *h = o;
	int b = proctext_cmdline_bool(t, l, "ignore_rlimit_data");

	(void)p;
	(void)e;
	h->ignore_rlimit_data = b < 0 ? RLD_DEFAULT : b ? RLD_IGNORE : RLD_ENFORCE;
	return 0;
}

static int p_status(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	return proctext_status(t, l, p, o, e);
}

static int p_uidmap(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	(void)p;
	(void)e;
	*(bool *)o = proctext_uid_map_is_initial(t, l);
	return 0;
}

/* meminfo, and whether FUSE (LXCFS, lxcfs(1)) serves it instead of fs/proc/meminfo.c */
static int read_meminfo(const struct fsroot *fs, struct procfs_host *ph, struct ovc_err *err)
{
	char *buf;
	size_t len;
	long fstype = 0;
	int r;

	if (fsroot_read_fstype(fs, PROC_MEMINFO, MAX_PROC_FILE, &buf, &len, &fstype, err) < 0)
		return -1;
	ph->meminfo_overmounted = fstype == FUSE_SUPER_MAGIC;
	r = proctext_meminfo(buf, len, NULL, &ph->mi, err);
	free(buf);
	if (r < 0)
		fsroot_blame(fs, PROC_MEMINFO, err);
	return r < 0 && err->line ? ovc_hint(err, OVC_H_PROC_FORMAT) : r;
}

uint64_t procfs_address_space(uint64_t page_size)
{
#if defined(__x86_64__)
	/* DEFAULT_MAP_WINDOW = 2^47 - PAGE_SIZE (asm/page_64_types.h): mmap without a hint
	 * above it stays below, also with LA57, where TASK_SIZE_MAX is 2^56 - PAGE_SIZE */
	return ((uint64_t)1 << 47) - page_size;
#elif defined(__aarch64__)
	return (uint64_t)1 << 48;   /* DEFAULT_MAP_WINDOW with 48-bit VA */
#else
	(void)page_size;
	return (uint64_t)1 << 47;
#endif
}

int procfs_read_host(const struct fsroot *fs, struct procfs_host *ph, struct ovc_err *err)
{
	struct model_host *h = &ph->host;
	uint64_t zreserve = 0, ps;
	int64_t ratio = 0;
	unsigned cpus = 0;
	long sc;
	int r;

	memset(ph, 0, sizeof(*ph));
	if (read_meminfo(fs, ph, err) < 0 ||
	    read_parsed(fs, knob_proc_rel(KNOB_MODE), false, p_mode, &ph->policy, err) < 0 ||
	    read_parsed(fs, knob_proc_rel(KNOB_RATIO), false, p_ratio, &ratio, err) < 0 ||
	    read_parsed(fs, PROC_OSRELEASE, false, p_osrelease, ph, err) < 0)
		return -1;
	ph->policy.ratio = ratio;

	r = read_parsed(fs, knob_proc_rel(KNOB_KBYTES), true, p_ulong, &ph->policy.kbytes, err);
	if (r < 0)
		return -1;
	ph->has_kbytes = r == 0;
	r = read_parsed(fs, PROC_VM_ADMIN, true, p_ulong, &h->admin_reserve_kb, err);
	if (r < 0 || (r == 0 && read_parsed(fs, PROC_VM_USER, false, p_ulong,
					     &h->user_reserve_kb, err) < 0))
		return -1;
	ph->has_reserves = r == 0;

	/* Optional context: each only refines the answer, so a missing one is noted, not fatal. */
	/* only the pre-5.2 heuristic uses totalreserve_pages; zoneinfo is large on NUMA hosts */
	if (model_kver_cmp(h->kernel, 5, 2) < 0) {
		r = read_parsed(fs, PROC_ZONEINFO, true, p_zoneinfo, &zreserve, err);
		if (r < 0)
			return -1;
		ph->has_zoneinfo = r == 0;
	}
	r = read_parsed(fs, PROC_STAT, true, p_stat, &cpus, err);
	if (r < 0)
		return -1;
	ph->has_cpus = cpus > 0;
	/* show_stat (fs/proc/stat.c) prints a cpuN line for every online CPU: a stat without
	 * one was not written by a kernel */
	if (r == 0 && !cpus) {
		ph->stat_malformed = true;
		fsroot_path(fs, PROC_STAT, ph->stat_path, sizeof(ph->stat_path));
	}
	/*
	 * The caller's RLIMIT_AS (ovc inherits it from the shell, as the user's next program
	 * would). A saved tree belongs to another host and session: unknown, so unlimited.
	 */
	ph->self_rlimit_as = ph->self_rlimit_data = ph->self_rlimit_data_max = UINT64_MAX;
	ph->live = fs->live;
	if (fs->live) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			ph->self_rlimit_as = (uint64_t)rl.rlim_cur;
		if (getrlimit(RLIMIT_DATA, &rl) == 0) {
			if (rl.rlim_cur != RLIM_INFINITY)
				ph->self_rlimit_data = (uint64_t)rl.rlim_cur;
			if (rl.rlim_max != RLIM_INFINITY)
				ph->self_rlimit_data_max = (uint64_t)rl.rlim_max;
		}
		ph->has_self_limits = true;
	}
	/* only a finite RLIMIT_DATA makes the boot option matter: a saved tree's processes
	 * may have one (check --pid), the caller may; otherwise spare the read */
	h->ignore_rlimit_data = RLD_DEFAULT;
	if ((!fs->live || ph->self_rlimit_data != UINT64_MAX) &&
	    procfs_read_cmdline(fs, ph, err) < 0)
		return -1;

	sc = sysconf(_SC_PAGESIZE);
	ps = sc > 0 ? (uint64_t)sc : 4096;
	h->page_size = ps;
	h->mem_total_kb = ph->mi.mem_total_kb;
	h->swap_total_kb = ph->mi.swap_total_kb;
	h->committed_as_kb = ph->mi.committed_as_kb;
	if (ph->mi.has_hugetlb) {
		h->hugetlb_kb = ph->mi.hugetlb_kb;
	} else {
		/* no Hugetlb: line before 4.16 (fcb2b0c577f1): HugePages_* = default hstate */
		h->hugetlb_kb = ph->mi.hugepages_total * ph->mi.hugepagesize_kb;
		ph->hugetlb_default_only = ph->mi.hugepages_total > 0;
	}
	/* the kernel counts the pool inside MemTotal (even boot-time gigantic pages are
	 * given back to totalram_pages): a larger one was not written by a kernel */
	if (h->hugetlb_kb > h->mem_total_kb) {
		char path[4200];

		return ovc_fail(err, OVC_E_INPUT, 0, fsroot_path(fs, PROC_MEMINFO, path,
								 sizeof(path)), 0,
				"the hugetlb pool (%" PRIu64 " kB) is larger than MemTotal (%" PRIu64
				" kB), which counts it: not a meminfo a kernel wrote",
				h->hugetlb_kb, h->mem_total_kb);
	}
	h->cpus_online = cpus;
	h->cpus_present = cpus;
	h->address_space_bytes = procfs_address_space(ps);
	h->mem_free_kb = ph->mi.mem_free_kb;
	h->file_kb = ph->mi.cached_kb + ph->mi.swap_cached_kb + ph->mi.buffers_kb;
	h->shmem_kb = ph->mi.shmem_kb;
	h->swap_free_kb = ph->mi.swap_free_kb;
	h->slab_reclaimable_kb = ph->mi.sreclaimable_kb;
	h->misc_reclaimable_kb = ph->mi.kreclaimable_kb > ph->mi.sreclaimable_kb
					 ? ph->mi.kreclaimable_kb - ph->mi.sreclaimable_kb : 0;
	h->totalreserve_kb = zreserve << model_kb_shift(h);
	return 0;
}

int procfs_read_cmdline(const struct fsroot *fs, struct procfs_host *ph, struct ovc_err *err)
{
	if (ph->has_cmdline)
		return 0;
	if (read_parsed(fs, PROC_CMDLINE, true, p_cmdline, &ph->host, err) < 0)
		return -1;
	ph->has_cmdline = true;
	return 0;
}

int procfs_read_task(const struct fsroot *fs, const char *rel_dir, struct procfs_task *pt,
		     struct ovc_err *err)
{
	struct pid_status st;
	char rel[64];
	int r;

	memset(pt, 0, sizeof(*pt));
	pt->rlimit_fsize_bytes = UINT64_MAX;   /* no limits file: unlimited, as for the others */
	model_task_init(&pt->task);
	snprintf(rel, sizeof(rel), "%s/status", rel_dir);
	if (read_parsed(fs, rel, false, p_status, &st, err) < 0)
		return -1;
	snprintf(pt->name, sizeof(pt->name), "%s", st.name);
	pt->task.vmsize_known = st.has_vmsize;
	pt->task.vmsize_kb = st.vmsize_kb;
	pt->has_capeff = st.has_capeff;
	pt->cap_sys_admin = st.has_capeff && (st.capeff >> CAP_SYS_ADMIN & 1);
	pt->cap_sys_resource = st.has_capeff && (st.capeff >> CAP_SYS_RESOURCE & 1);

	pt->task.vmdata_known = st.has_vmdata;
	pt->task.vmdata_kb = st.vmdata_kb;
	snprintf(rel, sizeof(rel), "%s/limits", rel_dir);
	if (read_parsed(fs, rel, true, p_limits, pt, err) < 0)
		return -1;

	snprintf(rel, sizeof(rel), "%s/uid_map", rel_dir);
	r = read_parsed(fs, rel, true, p_uidmap, &pt->initial_userns, err);
	if (r < 0)
		return -1;
	pt->userns_known = r == 0;
	if (!pt->userns_known)
		pt->initial_userns = true;   /* a saved tree without uid_map: assume the host's */
	/* cap_vm_enough_memory() (security/commoncap.c): CAP_SYS_ADMIN in init_user_ns */
	pt->task.admin = pt->cap_sys_admin && pt->initial_userns;
	return 0;
}

static int p_btime(const char *t, size_t l, const char *p, void *o, struct ovc_err *e)
{
	if (!proctext_stat_btime(t, l, o))
		return ovc_fail(e, OVC_E_INPUT, 0, p, 0, "no 'btime' line: not a /proc/stat");
	return 0;
}

int procfs_read_btime(const struct fsroot *fs, uint64_t *btime, struct ovc_err *err)
{
	return read_parsed(fs, PROC_STAT, true, p_btime, btime, err);
}

void procfs_task_cgroup(const struct fsroot *fs, long pid, const char *comm, char *buf,
			size_t len)
{
	char rel[64], *text = NULL;
	size_t n = 0;
	struct ovc_err err;


	buf[0] = '\0';
	snprintf(rel, sizeof(rel), "%ld/comm", pid);
	if (fsroot_read_opt(fs, rel, 4096, &text, &n, &err) != 0 || !text)
		return;
	while (n && text[n - 1] == '\n')
		n--;
	if (n != strlen(comm) || memcmp(text, comm, n)) {
		free(text);
		return;
	}
	free(text);
	text = NULL;
	snprintf(rel, sizeof(rel), "%ld/cgroup", pid);
	if (fsroot_read_opt(fs, rel, 65536, &text, &n, &err) != 0 || !text)
		return;
	proctext_cgroup_path(text, n, buf, len);
	free(text);
}
