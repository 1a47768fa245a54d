/* SPDX-License-Identifier: MIT */
/* touch.c - whether every page of an allocation can be written, and what stops it; pure. */
#include "touch.h"

void touch_check(const struct touch_in *in, struct touch_result *out)
{
	uint64_t best = UINT64_MAX;
	enum touch_limit which = TOUCH_NONE;

	if (in->rlimit_data && in->rlimit_data_room_kb < best) {
		best = in->rlimit_data_room_kb;
		which = TOUCH_RLIMIT_DATA;
	}
	if (in->cgroup_limited && in->cgroup_room_kb < best) {
		best = in->cgroup_room_kb;
		which = TOUCH_CGROUP;
	}
	if (in->ram_swap_kb < best) {
		best = in->ram_swap_kb;
		which = TOUCH_RAM_SWAP;
	}
	out->fits = in->need_kb <= best;
	out->binding = out->fits ? TOUCH_NONE : which;
	out->limit_kb = out->fits ? 0 : best;
}

const char *touch_limit_name(enum touch_limit l)
{
	switch (l) {
	case TOUCH_NONE:        return "none";
	case TOUCH_RAM_SWAP:    return "ram_swap";
	case TOUCH_CGROUP:      return "cgroup";
	case TOUCH_RLIMIT_DATA: return "rlimit_data";
	}
	return "none";
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

uint64_t touch_ram_swap_kb(const struct model_host *h, const struct meminfo *mi, bool whatif)
{
	if (whatif) {
		uint64_t ram = h->mem_total_kb > h->hugetlb_kb ? h->mem_total_kb - h->hugetlb_kb : 0;

		return add_sat(ram, h->swap_total_kb);
	}
	if (mi->has_mem_available)
		return add_sat(mi->mem_available_kb, mi->swap_free_kb);
	return add_sat(add_sat(mi->mem_free_kb, mi->buffers_kb),
		       add_sat(mi->cached_kb, mi->swap_free_kb));
}

bool touch_rlimit_data_room(const struct model_host *h, const struct model_task *t,
			    uint64_t *room_kb)
{
	uint64_t lim = t->rlimit_data_bytes, own = t->vmdata_known ? t->vmdata_kb : 0;

	/* a soft limit of 0 lets a mapping through up to the hard one (may_expand_vm) */
	if (lim == 0)
		lim = t->rlimit_data_max_bytes;
	if (lim == UINT64_MAX || !model_rlimit_data_enforced(h))
		return false;
	/* may_expand_vm (mm/mmap.c): data_vm + npages > RLIMIT_DATA >> PAGE_SHIFT fails */
	lim = lim / h->page_size * h->page_size / 1024;
	*room_kb = lim > own ? lim - own : 0;
	return true;
}
