/* SPDX-License-Identifier: MIT */
/*
 * model.c - the kernel's overcommit accounting as pure integer arithmetic.
 * Every rule names the kernel function it restates, its source file and the kernel
 * versions it holds for (mainline; distribution kernels may carry backports).
 * No I/O, no globals, no allocation.
 */
#include <limits.h>
#include <string.h>

#include "model.h"

#define INT_MAX_U ((uint64_t)INT_MAX)

int model_kver_cmp(struct model_kver v, unsigned major, unsigned minor)
{
	if (v.major != major)
		return v.major < major ? -1 : 1;
	if (v.minor != minor)
		return v.minor < minor ? -1 : 1;
	return 0;
}

unsigned model_kb_shift(const struct model_host *h)
{
	unsigned s = 0;
	uint64_t ps = h->page_size;

	while (ps > 1024) {
		ps >>= 1;
		s++;
	}
	return s;
}

uint64_t model_pages_kb(const struct model_host *h, uint64_t pages)
{
	unsigned s = model_kb_shift(h);

	return pages > (UINT64_MAX >> s) ? UINT64_MAX : pages << s;
}

static uint64_t kb_to_pages(const struct model_host *h, uint64_t kb)
{
	return kb >> model_kb_shift(h);
}

static uint64_t pages_to_kb_sat(const struct model_host *h, uint64_t pages)
{
	unsigned s = model_kb_shift(h);

	if (s && pages > (UINT64_MAX >> s))
		return UINT64_MAX;
	return pages << s;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t sub_floor0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/*
 * vm_commit_limit() in mm/util.c (kbytes branch 3.14+, 49f0ce5f9232; before, the ratio
 * formula was open-coded in mm/mmap.c, mm/nommu.c and fs/proc/meminfo.c):
 *   kbytes ? kbytes >> shift : (totalram - hugetlb) * ratio / 100, then + swap.
 * unsigned long throughout: a negative ratio converts to 2^64 - |ratio| and the product
 * wraps before the division. hugetlb is subtracted in ratio mode only.
 */
uint64_t model_commit_limit_pages(const struct model_host *h, const struct model_policy *p)
{
	uint64_t l;

	if (p->kbytes) {
		l = kb_to_pages(h, p->kbytes);
	} else {
		uint64_t ram = kb_to_pages(h, h->mem_total_kb);
		uint64_t huge = kb_to_pages(h, h->hugetlb_kb);

		/* (ram - huge) wraps in the kernel too if the pool exceeded RAM; it cannot. */
		l = ((ram - huge) * (uint64_t)p->ratio) / 100;
	}
	return l + kb_to_pages(h, h->swap_total_kb);
}

/* fs/proc/meminfo.c prints vm_commit_limit() << shift as unsigned long: it wraps. */
uint64_t model_commit_limit_kb(const struct model_host *h, const struct model_policy *p)
{
	return model_commit_limit_pages(h, p) << model_kb_shift(h);
}

int64_t model_headroom_kb(const struct model_host *h, const struct model_policy *p)
{
	uint64_t lim = pages_to_kb_sat(h, model_commit_limit_pages(h, p));
	uint64_t com = h->committed_as_kb;

	if (lim >= com)
		return lim - com > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(lim - com);
	return com - lim > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)(com - lim);
}

/*
 * mm_compute_batch() in mm/mm_init.c (3.11+; it has always lived there):
 *   3.11-5.8: max(32, 2 * present, min(totalram / present / 256, INT_MAX))
 *   5.9+:     the same for NEVER; /4 instead of /256 for GUESS and ALWAYS.
 *   < 3.11:   percpu_counter_batch, max(32, 2 * num_online_cpus()) (lib/percpu_counter.c)
 */
uint64_t model_batch_pages(const struct model_host *h, int mode)
{
	uint64_t online = h->cpus_online ? h->cpus_online : 1;
	uint64_t present = h->cpus_present ? h->cpus_present : online;
	uint64_t floor = 2 * present > 32 ? 2 * present : 32;
	uint64_t ram = kb_to_pages(h, h->mem_total_kb);
	uint64_t div = 256, sized;

	if (model_kver_cmp(h->kernel, 3, 11) < 0)
		return 2 * online > 32 ? 2 * online : 32;
	if (model_kver_cmp(h->kernel, 5, 9) >= 0 && mode != OVERCOMMIT_NEVER)
		div = 4;
	sized = min_u64(ram / present / div, INT_MAX_U);
	return sized > floor ? sized : floor;
}

/*
 * percpu_counter_add_batch() (lib/percpu_counter.c; __percpu_counter_add() before 4.12)
 * folds a CPU's delta once |delta| >= batch, so each CPU holds at most batch - 1 pages
 * the global count has not seen.
 */
uint64_t model_band_pages(const struct model_host *h, int mode)
{
	uint64_t online = h->cpus_online ? h->cpus_online : 1;

	return (model_batch_pages(h, mode) - 1) * online;
}

/* One limit's contribution: everything up to sure fits, everything above bound fails. */
struct span {
	uint64_t sure, max, bound;
	bool exact;
};

static struct span span_exact(uint64_t v)
{
	return (struct span){ v, v, v, true };
}

static uint64_t task_total_vm_pages(const struct model_host *h, const struct model_task *t)
{
	return t->vmsize_known ? kb_to_pages(h, t->vmsize_kb) : 0;
}

int64_t model_never_room_pages(const struct model_host *h, const struct model_policy *p,
			       const struct model_task *t)
{
	uint64_t user_pg = kb_to_pages(h, h->user_reserve_kb);
	uint64_t tv32 = task_total_vm_pages(h, t) / 32;
	uint64_t ures = t->vmsize_known ? min_u64(tv32, user_pg) : user_pg;
	/* long arithmetic (4.0+); every term is below 2^63, so nothing overflows in 128 bits */
	__int128 a = (int64_t)model_commit_limit_pages(h, p);

	if (!t->admin)
		a -= (int64_t)kb_to_pages(h, h->admin_reserve_kb);
	a -= (int64_t)ures;
	a -= (__int128)kb_to_pages(h, h->committed_as_kb) + 1;
	return a > INT64_MAX ? INT64_MAX : a < INT64_MIN ? INT64_MIN : (int64_t)a;
}

/*
 * OVERCOMMIT_NEVER, __vm_enough_memory() (mm/util.c 4.6+, 39a1aa8e194a; mm/mmap.c before).
 * The request is added to the committed count first, then
 *   4.0+:      succeed iff C0 + pages < A, signed longs, where
 *              A = CommitLimit - (admin ? 0 : admin_reserve) - min(total_vm/32, user_reserve)
 *   3.10-3.19: the same in unsigned long: reserves above the limit wrap A to a huge value
 *              (3.x stable kernels that took the 2015 fix "mm: fix arithmetic overflow in
 *              __vm_enough_memory()" use signed longs as 4.0+; a version test cannot tell)
 *   < 3.10:    A = ramlimit - (admin ? 0 : ramlimit/32) + swap - total_vm/32 (uncapped)
 * So the largest request is A - C0 - 1 pages.
 */
static struct span never_span(const struct model_host *h, const struct model_policy *p,
			      const struct model_task *t)
{
	uint64_t admin_pg = kb_to_pages(h, h->admin_reserve_kb);
	uint64_t user_pg = kb_to_pages(h, h->user_reserve_kb);
	uint64_t tv32 = task_total_vm_pages(h, t) / 32;
	uint64_t c0 = kb_to_pages(h, h->committed_as_kb);
	uint64_t band = model_band_pages(h, OVERCOMMIT_NEVER);
	/* Unknown VmSize: charge the whole user reserve, as for a large process. */
	uint64_t ures = t->vmsize_known ? min_u64(tv32, user_pg) : user_pg;
	uint64_t max;
	struct span s;

	if (model_kver_cmp(h->kernel, 3, 10) < 0) {
		struct model_policy noswap = *p;
		struct model_host nh = *h;
		uint64_t a;

		nh.swap_total_kb = 0;
		a = model_commit_limit_pages(&nh, &noswap);
		if (!t->admin)
			a -= a / 32;
		a += kb_to_pages(h, h->swap_total_kb);
		a -= tv32;   /* unsigned long, as then */
		max = a > c0 ? a - c0 - 1 : 0;
	} else if (model_kver_cmp(h->kernel, 4, 0) < 0) {
		uint64_t a = model_commit_limit_pages(h, p);

		if (!t->admin)
			a -= admin_pg;   /* wraps: the kernel's own mode-2 loophole */
		a -= ures;
		max = a > c0 ? a - c0 - 1 : 0;
	} else {
		int64_t room = model_never_room_pages(h, p, t);

		max = room > 0 ? (uint64_t)room : 0;
	}
	s.max = max;
	s.sure = sub_floor0(max, band);
	s.bound = max > UINT64_MAX - band ? UINT64_MAX : max + band;
	s.exact = band == 0;
	return s;
}

/*
 * OVERCOMMIT_GUESS before 5.2 (__vm_enough_memory(), mm/mmap.c; mm/util.c 4.6-5.1):
 * an estimate of free memory, not of commitments.
 *   F = free + file - shmem + free swap + reclaimable slab [+ misc reclaimable]
 *   The kernel adds the last term from 4.17 (d79f7aa496fc, indirectly reclaimable bytes)
 *   to 5.1; meminfo shows it (KReclaimable - SReclaimable) only from 4.20, so it is
 *   added here for 4.20-5.1 only.
 *   fail if F <= totalreserve; F -= totalreserve; non-admin: F -= admin_reserve
 *   (< 3.10: F -= F/32); succeed iff F > pages.
 * 3.10-3.19 used unsigned long, so an over-subtraction wraps and succeeds (not on 3.x
 * stable kernels with the 2015 overflow fix, as for NEVER above).
 */
static struct span guess_legacy_span(const struct model_host *h, const struct model_task *t)
{
	__int128 f = 0;
	uint64_t reserve = kb_to_pages(h, h->totalreserve_kb);
	struct span s;

	f += kb_to_pages(h, h->mem_free_kb);
	f += kb_to_pages(h, h->file_kb);
	f -= kb_to_pages(h, h->shmem_kb);
	f += kb_to_pages(h, h->swap_free_kb);
	f += kb_to_pages(h, h->slab_reclaimable_kb);
	if (model_kver_cmp(h->kernel, 4, 20) >= 0)
		f += kb_to_pages(h, h->misc_reclaimable_kb);

	if (f <= (__int128)reserve) {
		f = 0;
	} else {
		f -= reserve;
		if (model_kver_cmp(h->kernel, 3, 10) < 0) {
			if (!t->admin)
				f -= f / 32;
		} else if (!t->admin) {
			__int128 admin = kb_to_pages(h, h->admin_reserve_kb);

			if (f < admin && model_kver_cmp(h->kernel, 4, 0) < 0)
				f = (__int128)UINT64_MAX;   /* unsigned wrap: succeeds */
			else
				f -= admin;
		}
	}
	s = span_exact(f > 1 ? (uint64_t)(f > (__int128)UINT64_MAX ? UINT64_MAX : f - 1) : 0);
	s.exact = false;   /* free-memory counters move; a snapshot is an estimate */
	return s;
}

static struct span commit_span(const struct model_host *h, const struct model_policy *p,
			       const struct model_task *t, enum model_limit *lim)
{
	switch (p->mode) {
	case OVERCOMMIT_ALWAYS:
		/* __vm_enough_memory(): ALWAYS returns 0 right after vm_acct_memory(). */
		*lim = LIMIT_NONE;
		return span_exact(UINT64_MAX);
	case OVERCOMMIT_GUESS:
		if (model_kver_cmp(h->kernel, 5, 2) >= 0) {
			/* 8c7829b04c52 (5.2+): fail iff pages > totalram_pages() + swap */
			*lim = LIMIT_HEURISTIC;
			return span_exact(kb_to_pages(h, h->mem_total_kb) +
					  kb_to_pages(h, h->swap_total_kb));
		}
		*lim = LIMIT_FREE_ESTIMATE;
		return guess_legacy_span(h, t);
	default:
		/* NEVER; before 2.6.39 (cb16e95fa, range 0..2) any value >= 2 too */
		*lim = LIMIT_COMMIT;
		return never_span(h, p, t);
	}
}

/* Keep the tighter of two limits; on a tie the earlier one stays the binding one. */
static void tighten(struct span *acc, enum model_limit *lim, struct span s, enum model_limit l)
{
	if (s.max < acc->max) {
		*lim = l;
		acc->max = s.max;
		acc->exact = s.exact;
	}
	acc->sure = min_u64(acc->sure, s.sure);
	acc->bound = min_u64(acc->bound, s.bound);
	if (acc->sure > acc->max)
		acc->sure = acc->max;
	if (acc->bound < acc->max)
		acc->bound = acc->max;
}

void model_max_alloc(const struct model_host *h, const struct model_policy *p,
		     const struct model_task *t, struct model_alloc *out)
{
	enum model_limit lim = LIMIT_NONE;
	struct span acc = commit_span(h, p, t, &lim);
	uint64_t tv = task_total_vm_pages(h, t);

	/* may_expand_vm() (mm/mmap.c): total_vm + pages > RLIMIT_AS >> PAGE_SHIFT fails. */
	if (t->rlimit_as_bytes != UINT64_MAX) {
		uint64_t rl = t->rlimit_as_bytes / h->page_size;

		tighten(&acc, &lim, span_exact(sub_floor0(rl, tv)), LIMIT_RLIMIT_AS);
	}
	/*
	 * may_expand_vm(), 4.7+ ("mm: enable RLIMIT_DATA by default with
	 * workaround for valgrind"): a data mapping, is_data_mapping() (mm/internal.h:
	 * VM_WRITE without VM_SHARED or VM_STACK; malloc's and NumPy's arrays are), fails when
	 * data_vm + pages > RLIMIT_DATA >> PAGE_SHIFT, unless the soft limit is 0 and it stays
	 * within the hard one (valgrind's trick). 4.5 and 4.6 only warned unless booted with
	 * ignore_rlimit_data=0; before 4.5 RLIMIT_DATA bounded brk alone.
	 */
	if (model_rlimit_data_enforced(h) && t->rlimit_data_bytes != UINT64_MAX) {
		uint64_t rl = t->rlimit_data_bytes, dv = t->vmdata_known
							 ? kb_to_pages(h, t->vmdata_kb) : 0;

		if (rl == 0)
			rl = t->rlimit_data_max_bytes;
		if (rl != UINT64_MAX)
			tighten(&acc, &lim, span_exact(sub_floor0(rl / h->page_size, dv)),
				LIMIT_RLIMIT_DATA);
	}

	/*
	 * get_unmapped_area() (mm/mmap.c) needs one free gap of the whole length. The gap is
	 * at most the address space less what the process maps; how large the largest gap
	 * really is depends on the layout (86 TiB of 128 TiB for a PIE on x86-64), so only
	 * requests up to half the space are sure.
	 */
	if (h->address_space_bytes) {
		uint64_t space = h->address_space_bytes / h->page_size;
		struct span s = { sub_floor0(space / 2, tv), sub_floor0(space, tv),
				  sub_floor0(space, tv), false };

		tighten(&acc, &lim, s, LIMIT_ADDRESS_SPACE);
	}

	out->sure_pages = acc.sure;
	out->max_pages = acc.max;
	out->bound_pages = acc.bound;
	out->binding = lim;
	out->exact = acc.exact && acc.sure == acc.bound;
}

void model_task_init(struct model_task *t)
{
	memset(t, 0, sizeof(*t));
	t->rlimit_as_bytes = UINT64_MAX;
	t->rlimit_data_bytes = UINT64_MAX;
	t->rlimit_data_max_bytes = UINT64_MAX;
}

bool model_rlimit_data_enforced(const struct model_host *h)
{
	if (model_kver_cmp(h->kernel, 4, 5) < 0)
		return false;
	if (h->ignore_rlimit_data != RLD_DEFAULT)
		return h->ignore_rlimit_data == RLD_ENFORCE;
	return model_kver_cmp(h->kernel, 4, 7) >= 0;
}

enum model_verdict model_check(const struct model_host *h, const struct model_policy *p,
			       const struct model_task *t, uint64_t pages,
			       enum model_limit *binding)
{
	struct model_alloc a;

	model_max_alloc(h, p, t, &a);
	if (binding)
		*binding = pages > a.sure_pages ? a.binding : LIMIT_NONE;
	if (pages <= a.sure_pages)
		return VERDICT_FITS;
	if (pages > a.bound_pages)
		return VERDICT_FAILS;
	return VERDICT_BORDERLINE;
}

uint64_t model_malloc_pages(uint64_t bytes, uint64_t page_size)
{
	uint64_t n;

	if (bytes > (uint64_t)INT64_MAX)
		return 0;
	n = ((bytes + 8 + 15) & ~(uint64_t)15) + 8;
	return (n + page_size - 1) / page_size;
}

uint64_t model_mmap_pages(uint64_t bytes, uint64_t page_size)
{
	if (bytes > UINT64_MAX - (page_size - 1))
		return 0;
	return (bytes + page_size - 1) / page_size;
}

/* A mode-2 policy with one knob set to v: ratio (kbytes 0) or kbytes. */
struct knob {
	const struct model_host *h;
	const struct model_task *t;
	uint64_t pages;
	bool kbytes;
};

static bool knob_fits(const struct knob *k, uint64_t v)
{
	struct model_policy p = { OVERCOMMIT_NEVER, k->kbytes ? 0 : (int64_t)v,
				  k->kbytes ? v : 0 };

	return never_span(k->h, &p, k->t).sure >= k->pages;
}

/*
 * The smallest v in [lo, hi] for which the request surely fits; -1 if not even hi does.
 * CommitLimit grows with a non-negative ratio or kbytes as long as nothing wraps, which
 * the callers' bounds ensure.
 */
static int knob_min(const struct knob *k, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (!knob_fits(k, hi))
		return -1;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (knob_fits(k, mid))
			hi = mid;
		else
			lo = mid + 1;
	}
	*out = lo;
	return 0;
}

int model_min_ratio(const struct model_host *h, const struct model_task *t, uint64_t pages,
		    int64_t *ratio)
{
	struct knob k = { h, t, pages, false };
	uint64_t v;

	if (knob_min(&k, 0, INT_MAX, &v) < 0)
		return -1;
	*ratio = (int64_t)v;
	return 0;
}

int model_min_kbytes(const struct model_host *h, const struct model_task *t, uint64_t pages,
		     uint64_t *kbytes)
{
	struct knob k = { h, t, pages, true };

	/* kbytes 0 means "use the ratio"; past 2^62 kB the limit plus swap could wrap */
	return knob_min(&k, 1, (uint64_t)1 << 62, kbytes);
}

const char *model_limit_name(enum model_limit l)
{
	switch (l) {
	case LIMIT_HEURISTIC:     return "heuristic";
	case LIMIT_FREE_ESTIMATE: return "free_estimate";
	case LIMIT_COMMIT:        return "commit_limit";
	case LIMIT_RLIMIT_AS:     return "rlimit_as";
	case LIMIT_RLIMIT_DATA:   return "rlimit_data";
	case LIMIT_ADDRESS_SPACE: return "address_space";
	case LIMIT_TOO_BIG:       return "too_big";
	case LIMIT_NONE:          break;
	}
	return "none";
}

const char *model_mode_name(int mode)
{
	switch (mode) {
	case OVERCOMMIT_GUESS:  return "heuristic";
	case OVERCOMMIT_ALWAYS: return "always";
	case OVERCOMMIT_NEVER:  return "never";
	}
	return "unknown";
}
