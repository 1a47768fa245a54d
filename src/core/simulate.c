/* SPDX-License-Identifier: MIT */
/* simulate.c - per-mode rows and allocation verdicts from the model; pure. */
#include <string.h>

#include "simulate.h"

void sim_modes(const struct model_host *h, const struct model_policy *p,
	       const struct model_task *t, struct sim_mode out[3])
{
	int m;

	for (m = 0; m < 3; m++) {
		struct model_policy q = *p;
		struct model_task tu = *t, ta = *t;

		q.mode = m;
		tu.admin = false;
		ta.admin = true;
		out[m].mode = m;
		out[m].ratio = q.ratio;
		out[m].kbytes = q.kbytes;
		out[m].commit_limit_kb = model_commit_limit_kb(h, &q);
		out[m].headroom_kb = model_headroom_kb(h, &q);
		model_max_alloc(h, &q, &tu, &out[m].user);
		model_max_alloc(h, &q, &ta, &out[m].admin);
	}
}

static struct advice *add(struct check_result *r, enum advice_kind k, uint64_t v)
{
	if (r->nadvice >= sizeof(r->advice) / sizeof(r->advice[0]))
		return NULL;
	r->advice[r->nadvice] = (struct advice){ .kind = k, .value = v };
	return &r->advice[r->nadvice++];
}

void sim_check(const struct model_host *h, const struct model_policy *p,
	       const struct model_task *t, uint64_t pages, struct check_result *out)
{
	unsigned shift = model_kb_shift(h);
	int m;

	memset(out, 0, sizeof(*out));
	out->pages = pages;
	out->verdict = model_check(h, p, t, pages, &out->binding);
	for (m = 0; m < 3; m++) {
		struct model_policy q = *p;

		q.mode = m;
		out->mode_verdict[m] = model_check(h, &q, t, pages, &out->mode_binding[m]);
	}
	if (out->verdict == VERDICT_FITS)
		return;
	/* No policy, swap or memmap helps a request no address space can hold. */
	if (h->address_space_bytes) {
		uint64_t tv = t->vmsize_known ? t->vmsize_kb >> shift : 0;
		uint64_t space = h->address_space_bytes / h->page_size;

		if (pages > (space > tv ? space - tv : 0)) {
			add(out, ADV_ADDRESS_SPACE, 0);
			return;
		}
	}

	switch (out->binding) {
	case LIMIT_RLIMIT_AS:
	case LIMIT_RLIMIT_DATA: {
		bool as = out->binding == LIMIT_RLIMIT_AS;
		bool known = as ? t->vmsize_known : t->vmdata_known;
		uint64_t own = as ? t->vmsize_kb : t->vmdata_kb, need;

		/* pages + total_vm (data_vm) must fit under the limit (may_expand_vm) */
		if (__builtin_mul_overflow(pages, h->page_size, &need) ||
		    __builtin_add_overflow(need, known ? own * 1024 : 0, &need)) {
			add(out, ADV_ADDRESS_SPACE, 0);
		} else {
			struct advice *a = add(out, as ? ADV_RLIMIT_AS : ADV_RLIMIT_DATA, need);

			if (a) {
				a->own_known = known;
				a->own_kb = known ? own : 0;
			}
		}
		break;
	}
	case LIMIT_ADDRESS_SPACE:
	case LIMIT_TOO_BIG:
		add(out, ADV_ADDRESS_SPACE, 0);
		break;
	case LIMIT_COMMIT: {
		int64_t ratio;
		uint64_t kb;

		if (out->verdict == VERDICT_BORDERLINE)
			add(out, ADV_BORDERLINE, model_band_pages(h, OVERCOMMIT_NEVER) << shift);
		if (out->mode_verdict[OVERCOMMIT_ALWAYS] == VERDICT_FITS)
			add(out, ADV_MODE_ALWAYS, 0);
		if (out->mode_verdict[OVERCOMMIT_GUESS] == VERDICT_FITS)
			add(out, ADV_MODE_GUESS, 0);
		if (model_min_ratio(h, t, pages, &ratio) == 0)
			add(out, ADV_RATIO, (uint64_t)ratio);
		if (model_min_kbytes(h, t, pages, &kb) == 0)
			add(out, ADV_KBYTES, kb);
		break;
	}
	case LIMIT_HEURISTIC: {
		uint64_t have = (h->mem_total_kb >> shift) + (h->swap_total_kb >> shift);

		if (out->mode_verdict[OVERCOMMIT_ALWAYS] == VERDICT_FITS)
			add(out, ADV_MODE_ALWAYS, 0);
		/* GUESS (5.2+) accepts pages <= RAM + swap */
		if (pages > have && pages - have <= (UINT64_MAX >> shift))
			add(out, ADV_SWAP, (pages - have) << shift);
		break;
	}
	case LIMIT_FREE_ESTIMATE:
		if (out->mode_verdict[OVERCOMMIT_ALWAYS] == VERDICT_FITS)
			add(out, ADV_MODE_ALWAYS, 0);
		break;
	case LIMIT_NONE:
		break;
	}
	/* accountable_mapping() never charges a VM_SHARED file mapping: np.memmap (mode
	 * r, r+, w+; not 'c') sidesteps the commit check, not RLIMIT_AS or the address
	 * space. */
	if (out->binding == LIMIT_COMMIT || out->binding == LIMIT_HEURISTIC ||
	    out->binding == LIMIT_FREE_ESTIMATE)
		add(out, ADV_MEMMAP, 0);
}

void sim_check_written(const struct model_host *h, uint64_t pages, struct check_result *r)
{
	uint64_t have_kb = sim_backing_kb(h), pages_kb = model_pages_kb(h, pages);
	bool beyond = pages_kb > have_kb;
	size_t i, o = 0;

	for (i = 0; i < r->nadvice; i++) {
		struct advice a = r->advice[i];

		if (a.kind == ADV_MODE_ALWAYS) {
			if (beyond)
				a = (struct advice){ .kind = ADV_WRITTEN_BEYOND, .value = have_kb };
			else
				a.written = true, a.value = pages_kb;
		}
		r->advice[o++] = a;
	}
	r->nadvice = o;
}

void sim_check_written_cgroup(const struct model_host *h, uint64_t pages, uint64_t room_kb,
			      struct check_result *r)
{
	size_t i;

	if (model_pages_kb(h, pages) <= room_kb)
		return;
	for (i = 0; i < r->nadvice; i++)
		if (r->advice[i].kind == ADV_MODE_ALWAYS ||
		    (r->advice[i].kind == ADV_WRITTEN_BEYOND && room_kb < r->advice[i].value))
			r->advice[i] = (struct advice){ .kind = ADV_WRITTEN_BEYOND, .value = room_kb,
							.cgroup = true };
}

static bool rows_fit(const struct model_host *h, uint64_t sure, uint64_t row_bytes, uint64_t n,
		     bool via_mmap, bool written)
{
	uint64_t bytes, pages;

	if (__builtin_mul_overflow(n, row_bytes, &bytes))
		return false;
	pages = via_mmap ? model_mmap_pages(bytes, h->page_size)
			 : model_malloc_pages(bytes, h->page_size);
	if (!pages && bytes)
		return false;   /* beyond what malloc or mmap takes at all */
	return pages <= sure && (!written || model_pages_kb(h, pages) <= sim_backing_kb(h));
}

uint64_t sim_max_rows(const struct model_host *h, const struct model_policy *p,
		      const struct model_task *t, uint64_t row_bytes, uint64_t rows,
		      bool via_mmap, bool written)
{
	struct model_alloc a;
	uint64_t lo = 0, hi = rows;

	model_max_alloc(h, p, t, &a);
	if (rows_fit(h, a.sure_pages, row_bytes, hi, via_mmap, written))
		return hi;
	/* more rows never need fewer pages: the largest n that fits, by bisection */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;

		if (rows_fit(h, a.sure_pages, row_bytes, mid, via_mmap, written))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

void sim_check_fork(const struct model_host *h, const struct model_policy *p,
		    const struct model_task *t, uint64_t total_pages, uint64_t largest_pages,
		    struct check_result *out)
{
	struct model_task ft = *t;
	struct check_result one;
	size_t i, o = 0;
	bool guess_advised = false;

	ft.rlimit_as_bytes = ft.rlimit_data_bytes = UINT64_MAX;   /* not asked by dup_mmap */
	ft.rlimit_data_max_bytes = UINT64_MAX;
	sim_check(h, p, &ft, total_pages, out);
	sim_check(h, p, &ft, largest_pages, &one);
	out->mode_verdict[OVERCOMMIT_GUESS] = one.mode_verdict[OVERCOMMIT_GUESS];
	out->mode_binding[OVERCOMMIT_GUESS] = one.mode_binding[OVERCOMMIT_GUESS];
	if (p->mode == OVERCOMMIT_GUESS) {
		int m;

		/* each mapping alone, and the advice for the largest; the rows of modes 1
		 * and 2 stay those of the sum */
		for (m = OVERCOMMIT_ALWAYS; m <= OVERCOMMIT_NEVER; m++) {
			one.mode_verdict[m] = out->mode_verdict[m];
			one.mode_binding[m] = out->mode_binding[m];
		}
		*out = one;
		out->pages = total_pages;
	}
	for (i = 0; i < out->nadvice; i++) {
		enum advice_kind k = out->advice[i].kind;

		if (k == ADV_MEMMAP || k == ADV_ADDRESS_SPACE ||
		    (k == ADV_SWAP && p->mode != OVERCOMMIT_GUESS))
			continue;
		guess_advised |= k == ADV_MODE_GUESS;
		out->advice[i].fork = true;
		out->advice[o++] = out->advice[i];
	}
	out->nadvice = o;
	if (out->verdict != VERDICT_FITS && p->mode != OVERCOMMIT_GUESS && !guess_advised &&
	    out->mode_verdict[OVERCOMMIT_GUESS] == VERDICT_FITS)
		add(out, ADV_MODE_GUESS, 0);
}

uint64_t sim_backing_kb(const struct model_host *h)
{
	uint64_t ram = h->mem_total_kb > h->hugetlb_kb ? h->mem_total_kb - h->hugetlb_kb : 0;

	return ram + h->swap_total_kb;
}

enum too_big_by sim_too_big(uint64_t bytes, bool via_mmap, bool numpy_too_big,
			    uint64_t page_size)
{
	if (numpy_too_big)
		return TOO_BIG_NUMPY;
	if (!via_mmap && bytes > (uint64_t)INT64_MAX)
		return TOO_BIG_MALLOC;
	if (via_mmap && bytes && model_mmap_pages(bytes, page_size) == 0)
		return TOO_BIG_MMAP;
	return TOO_BIG_NO;
}

void sim_check_too_big(struct check_result *out)
{
	int m;

	memset(out, 0, sizeof(*out));
	out->verdict = VERDICT_FAILS;
	out->binding = LIMIT_TOO_BIG;
	for (m = 0; m < 3; m++) {
		out->mode_verdict[m] = VERDICT_FAILS;
		out->mode_binding[m] = LIMIT_TOO_BIG;
	}
	add(out, ADV_ADDRESS_SPACE, 0);
}

uint64_t sim_low_headroom_margin_kb(uint64_t limit_kb)
{
	uint64_t margin = limit_kb / 100 * SIM_LOW_HEADROOM_PCT;

	return margin < SIM_LOW_HEADROOM_MIN_KB ? SIM_LOW_HEADROOM_MIN_KB : margin;
}

size_t sim_warnings(const struct model_host *h, const struct model_policy *p,
		    const struct sim_facts *f, struct sim_warning *out, size_t max)
{
	uint64_t limit_kb = model_commit_limit_kb(h, p);
	int64_t head = model_headroom_kb(h, p);
	size_t n = 0;

#define WARN(i, x, y)                                              \
	do {                                                       \
		if (n < max)                                       \
			out[n++] = (struct sim_warning){ i, x, y }; \
	} while (0)

	if (f->meminfo_overmounted)
		WARN(W_MEMINFO_VIRTUAL, 0, 0);
	/* swapoff in progress (si_swapinfo), a virtualised meminfo or an unexpected kernel */
	if (f->printed_limit_known && f->printed_limit_kb != limit_kb)
		WARN(W_LIMIT_MISMATCH, f->printed_limit_kb, limit_kb);
	if (p->mode < 0 || p->mode > 2)
		WARN(W_MODE_UNKNOWN, (uint64_t)(int64_t)p->mode, 0);
	if (!p->kbytes && p->ratio < 0)
		WARN(W_RATIO_NEGATIVE, 0, 0);
	else if (!p->kbytes && p->ratio > 100)
		WARN(W_RATIO_OVER_100, (uint64_t)p->ratio, 0);
	if (!p->kbytes && p->ratio == 0)
		WARN(W_LIMIT_SWAP_ONLY, h->swap_total_kb, 0);
	/* any value but 0 and 1 is checked as NEVER (old kernels had no range check) */
	if (p->mode != OVERCOMMIT_GUESS && p->mode != OVERCOMMIT_ALWAYS) {
		uint64_t margin = sim_low_headroom_margin_kb(limit_kb);

		if (head <= 0)
			WARN(W_MODE2_NO_HEADROOM, h->committed_as_kb, limit_kb);
		else if ((uint64_t)head < margin)
			WARN(W_MODE2_LOW_HEADROOM, (uint64_t)head, margin);
		if (!p->kbytes && h->hugetlb_kb)
			WARN(W_HUGETLB_RATIO, h->hugetlb_kb, 0);
		if (!h->user_reserve_kb)
			WARN(W_USER_RESERVE_ZERO, 0, 0);
	} else if (head < 0) {
		WARN(W_MODE2_WOULD_FAIL, h->committed_as_kb, limit_kb);
	}
	if (p->mode == OVERCOMMIT_GUESS && model_kver_cmp(h->kernel, 5, 2) < 0)
		WARN(W_LEGACY_GUESS, 0, 0);
	if (f->hugetlb_default_only)
		WARN(W_HUGETLB_DEFAULT_ONLY, 0, 0);
	if (f->cpus_unknown)
		WARN(W_CPUS_UNKNOWN, 0, 0);
	if (f->zoneinfo_missing && p->mode == OVERCOMMIT_GUESS &&
	    model_kver_cmp(h->kernel, 5, 2) < 0)
		WARN(W_NO_ZONEINFO, 0, 0);
#undef WARN
	return n;
}
