/* SPDX-License-Identifier: MIT */
/*
 * cgroup.h - the memory cgroup's files (v2 and v1) parsed, and the room they leave for
 * pages written: how much more a process in the cgroup can touch before the charge on
 * page fault fails and the cgroup's OOM killer runs. Pure: text in, numbers out; the
 * sys layer (sys/cgroupfs) finds and reads the files.
 *
 * The kernel charges a page when it is first written (or read into the page cache),
 * not at mmap: mm/memcontrol.c try_charge_memcg calls page_counter_try_charge
 * (mm/page_counter.c), which walks from the cgroup up to the root and fails at the first
 * counter whose usage would pass its max. Then it reclaims in that cgroup
 * (try_to_free_mem_cgroup_pages: the file LRU, and anon pages to swap when swap is
 * allowed) and, if that frees too little, invokes the cgroup's OOM killer. So along the
 * path every level must hold the new pages; the tightest one binds.
 */
#ifndef OVC_CGROUP_H
#define OVC_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CG_UNLIMITED UINT64_MAX   /* "max" (v2), or v1's PAGE_COUNTER_MAX * PAGE_SIZE */
#define CG_MAX_DEPTH 32

enum cg_version { CG_NONE = 0, CG_V1, CG_V2 };

/*
 * memory.stat, the keys ovc uses, in bytes. v2 (memory_stat_format): hierarchical, the
 * cgroup and its descendants. v1 (memcg1_stat_format): the total_* keys are
 * hierarchical, the others local; hierarchical_memory_limit and
 * hierarchical_memsw_limit are the smallest limit from the cgroup up to the root,
 * ancestors hidden by a cgroup namespace or a container's mount included.
 */
struct cg_stat {
	bool has_file_lru;                       /* both (total_)active/inactive_file seen */
	uint64_t active_file, inactive_file;     /* the file LRUs: reclaim can drop these */
	uint64_t file, anon, shmem;              /* v2 "file" (shmem included); v1 cache */
	uint64_t file_dirty, file_writeback, file_mapped;
	bool has_hier_limit, has_hier_memsw;     /* v1 only */
	uint64_t hier_limit, hier_memsw_limit;   /* CG_UNLIMITED when unlimited */
};

/*
 * A limit file: v2 memory.max, memory.high, memory.swap.max ("max" or bytes), v1
 * memory.limit_in_bytes, memory.memsw.limit_in_bytes (bytes; PAGE_COUNTER_MAX *
 * page_size, 9223372036854771712 with 4 KiB pages, or more, is unlimited:
 * mem_cgroup_read_u64 prints counter->max * PAGE_SIZE). *bytes = CG_UNLIMITED for
 * unlimited. A malformed file is OVC_E_INPUT naming path and line 1.
 */
int cg_parse_limit(const char *text, size_t len, const char *path, uint64_t page_size,
		   uint64_t *bytes, struct ovc_err *err);

/* A usage file: memory.current, memory.swap.current, v1 memory.usage_in_bytes,
 * memory.memsw.usage_in_bytes: one decimal number of bytes and a newline. */
int cg_parse_usage(const char *text, size_t len, const char *path, uint64_t *bytes,
		   struct ovc_err *err);

/*
 * memory.stat ("key value" lines, v1 or v2). Unknown keys are skipped; a line that is
 * not "key value" is OVC_E_INPUT naming path and line. v1's hierarchical limits are
 * turned to CG_UNLIMITED at PAGE_COUNTER_MAX * page_size or more.
 */
int cg_parse_stat(const char *text, size_t len, const char *path, uint64_t page_size,
		  struct cg_stat *st, struct ovc_err *err);

/* One cgroup on the path, as read. Files that are absent leave their has_ flag false. */
struct cg_level {
	char path[1024];               /* the cgroup's path ("/kubepods/pod1"; "/" root) */
	bool has_memory;               /* v2 memory.max / v1 memory.limit_in_bytes there */
	uint64_t max, current;         /* bytes; max CG_UNLIMITED for none */
	bool has_high;                 /* v2 memory.high: throttles, never OOM-kills */
	uint64_t high;
	bool has_swap;                 /* v2 memory.swap.max and memory.swap.current */
	uint64_t swap_max, swap_current;
	bool has_memsw;                /* v1 memory.memsw.{limit,usage}_in_bytes */
	uint64_t memsw_max, memsw_current;
	bool has_stat;
	struct cg_stat stat;
};

/* The path from the cgroup (lv[0]) up to the highest one visible (lv[n - 1]). */
struct cg_path {
	enum cg_version version;
	size_t n;
	struct cg_level lv[CG_MAX_DEPTH];
	/*
	 * lv[n - 1] is the real root cgroup: v2's root has no memory.max (cftype
	 * CFTYPE_NOT_ON_ROOT, mm/memcontrol.c memory_files); on v1 the mount's own root. When
	 * false, ancestors are hidden (a cgroup namespace, a container's mount) and their
	 * limits unknown (on v1 lv[0]'s hierarchical_memory_limit still covers them).
	 */
	bool top_is_root;
};

/* The room one cgroup path leaves, in bytes. */
struct cg_room {
	bool limited;            /* some level has a finite memory (or v1 memsw) limit */
	size_t level;            /* the level whose memory room is the smallest */
	uint64_t limit, charged, reclaimable;   /* at that level */
	/*
	 * min over the levels of max - current + reclaimable page cache (the file LRUs:
	 * active_file + inactive_file; shmem/tmpfs pages are on the anon LRUs and are not
	 * in them). An estimate: dirty and writeback pages must be written first, mapped
	 * ones may be in use, and other writers in the cgroup charge too. Saturates at 0.
	 * This is the room for pages that cannot go to swap (tmpfs/shmem without swap):
	 * they are never reclaimable themselves.
	 */
	uint64_t mem_room;
	/*
	 * What swap adds (anon and shmem pages can be swapped out to make room): v2, the
	 * smallest memory.swap.max - memory.swap.current along the path, bounded by the
	 * host's free swap (mem_cgroup_get_nr_swap_pages; swap charged by
	 * __mem_cgroup_try_charge_swap, which fails at memory.swap.max and the page stays
	 * in RAM); v1, the host's free swap, with memory+swap bounded by memsw.
	 */
	uint64_t swap_room;
	bool swap_limited;       /* a cgroup's swap limit (not the host's free swap) binds */
	uint64_t room;           /* what can be written: mem_room + swap_room (v1: also
				    <= the smallest memsw room) */
	bool memsw_binds;        /* v1: memory+swap is what binds */
	size_t memsw_level;
	bool hidden_limit;       /* v1: hierarchical_memory_limit below every visible level */
	/* the lowest memory.high on the path below its max: reclaim and throttling start
	 * there (mem_cgroup_handle_over_high), not the OOM killer */
	bool high_below;
	size_t high_level;
	uint64_t high;
};

/*
 * The room along path p, the host having host_swap_free bytes of free swap (SwapFree).
 * Levels without memory files are skipped (their charges go to the next level up).
 */
void cg_room(const struct cg_path *p, uint64_t host_swap_free, struct cg_room *out);

/*
 * One /proc/PID/mountinfo line: the memory controller's mount, v1 ("cgroup" with the
 * "memory" super option) or v2 ("cgroup2"): its root inside the hierarchy (field 4) and
 * its mount point (field 5), unescaped (\040 and the like). CG_NONE for any other line, a
 * malformed one (mountinfo_parse), or a root or mount point that does not fit.
 */
enum cg_version cg_mountinfo_line(const char *line, size_t len, char *root, size_t rootlen,
				  char *mountpoint, size_t mplen);

/*
 * From the mount's root (mountinfo field 4) and a cgroup path (/proc/PID/cgroup) to the
 * directory under the mount point: mountpoint + (cgroup less root). false when the
 * cgroup is not below the mount's root, or the result does not fit.
 */
bool cg_dir_of(const char *mountpoint, const char *mount_root, const char *cgroup,
	       char *dir, size_t len);

#endif
