/* SPDX-License-Identifier: MIT */
/*
 * touch.h - can every page of an allocation be written, not only allocated: the room
 * the cgroup leaves (core/cgroup), what RAM and swap can hold now, and RLIMIT_DATA; the
 * smallest binds. Pure: numbers in, a verdict out.
 *
 * An allocation that succeeds is charged to the memory cgroup page by page as it is
 * written (mm/memcontrol.c try_charge_memcg, from the page fault); past the room the
 * cgroup's OOM killer ends a process, and past what RAM and swap hold the global one
 * does (mm/oom_kill.c out_of_memory). No vm.overcommit_* setting changes either.
 */
#ifndef OVC_TOUCH_H
#define OVC_TOUCH_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "proctext.h"

enum touch_limit { TOUCH_NONE = 0, TOUCH_RAM_SWAP, TOUCH_CGROUP, TOUCH_RLIMIT_DATA };

struct touch_in {
	uint64_t need_kb;              /* the allocation's pages, in kB */
	uint64_t ram_swap_kb;          /* what RAM and swap can take now (touch_ram_swap_kb) */
	bool cgroup_limited;           /* a cgroup limit applies */
	uint64_t cgroup_room_kb;       /* cg_room's room, in kB */
	bool rlimit_data;              /* a finite RLIMIT_DATA applies to this mapping */
	uint64_t rlimit_data_room_kb;  /* the limit less the process's VmData */
};

struct touch_result {
	bool fits;
	enum touch_limit binding;      /* TOUCH_NONE when it fits */
	uint64_t limit_kb;             /* how much can be written; meaningful when !fits */
};

/*
 * The smallest room binds; on a tie RLIMIT_DATA (checked first, at mmap: may_expand_vm),
 * then the cgroup, then RAM + swap.
 */
void touch_check(const struct touch_in *in, struct touch_result *out);

/* "none", "ram_swap", "cgroup", "rlimit_data" (the JSON names) */
const char *touch_limit_name(enum touch_limit l);

/*
 * What RAM and swap can hold now, in kB: MemAvailable (si_mem_available, mm/page_alloc.c:
 * free pages above the watermarks plus the reclaimable halves of the page cache and of
 * reclaimable slab) plus SwapFree (get_nr_swap_pages). Without MemAvailable (before
 * 3.14), MemFree + Buffers + Cached + SwapFree, an upper bound. For a what-if host
 * (whatif: RAM or swap given as options) nothing else is known to run: the totals, RAM
 * less the hugetlb pool. An estimate either way: other processes grow and shrink, and
 * part of the page cache may not be reclaimable (dirty, mapped, locked).
 */
uint64_t touch_ram_swap_kb(const struct model_host *h, const struct meminfo *mi, bool whatif);

/*
 * RLIMIT_DATA's room for task t, in kB: false when no finite limit applies (unlimited,
 * or the kernel does not enforce it: model_rlimit_data_enforced).
 */
bool touch_rlimit_data_room(const struct model_host *h, const struct model_task *t,
			    uint64_t *room_kb);

#endif
