/* SPDX-License-Identifier: MIT */
/* test_simulate.c - per-mode rows, verdicts, advice and warnings. */
#include "../../src/core/simulate.h"
#include "hosts.h"
#include "tap.h"

static bool has_advice(const struct check_result *r, enum advice_kind k)
{
	size_t i;

	for (i = 0; i < r->nadvice; i++)
		if (r->advice[i].kind == k)
			return true;
	return false;
}

static bool has_warning(const struct sim_warning *w, size_t n, enum warn_id id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i].id == id)
			return true;
	return false;
}

void test_simulate(void)
{
	struct model_host h = host_seed();
	struct model_policy p = { 0, 50, 0 };
	struct model_task t;
	struct sim_mode rows[3];
	struct check_result r;
	struct sim_facts f = { 0 };
	struct sim_warning w[16];
	size_t n;
	uint64_t pages = model_malloc_pages(UINT64_C(303755101056), 4096);

	model_task_init(&t);
	sim_modes(&h, &p, &t, rows);
	TAP_U64(rows[0].user.max_pages, 6171023, "row 0: RAM + swap");
	TAP_U64(rows[2].commit_limit_kb, 12342044, "row 2: CommitLimit");
	TAP_U64(rows[2].admin.max_pages - rows[2].user.max_pages, 2048, "admin gets the admin reserve");
	TAP_I64(rows[1].headroom_kb, 12342044 - 2097152, "headroom");

	sim_check(&h, &p, &t, pages, &r);
	TAP_U64(r.verdict, VERDICT_FAILS, "seed: 282.89 GiB fails in mode 0");
	TAP_U64(r.binding, LIMIT_HEURISTIC, "seed: refused by RAM + swap");
	TAP_U64(r.mode_verdict[1], VERDICT_FITS, "seed: mode 1 accepts it");
	TAP_U64(r.mode_verdict[2], VERDICT_FAILS, "seed: mode 2 refuses it");
	TAP_OK(has_advice(&r, ADV_MODE_ALWAYS), "seed: advice mode 1");
	TAP_OK(has_advice(&r, ADV_SWAP), "seed: advice swap");
	TAP_OK(has_advice(&r, ADV_MEMMAP), "seed: advice np.memmap");
	TAP_OK(r.advice[1].kind != ADV_SWAP ||
	       r.advice[1].value == (pages - 6171023) * 4, "swap advice = request - RAM - swap");

	p.mode = 2;
	sim_check(&h, &p, &t, 3500000, &r);
	TAP_U64(r.binding, LIMIT_COMMIT, "mode 2: 13.4 GiB refused by CommitLimit");
	TAP_OK(has_advice(&r, ADV_RATIO) && has_advice(&r, ADV_KBYTES) &&
	       has_advice(&r, ADV_MODE_GUESS), "mode 2 advice: ratio, kbytes, mode 0");
	sim_check(&h, &p, &t, 100, &r);
	TAP_U64(r.nadvice, 0, "no advice when it fits");

	t.rlimit_as_bytes = (uint64_t)1 << 30;
	p.mode = 1;
	sim_check(&h, &p, &t, 300000, &r);
	TAP_OK(r.binding == LIMIT_RLIMIT_AS && has_advice(&r, ADV_RLIMIT_AS) &&
	       !has_advice(&r, ADV_MEMMAP), "RLIMIT_AS: raise it; memmap does not help");

	n = sim_warnings(&h, &(struct model_policy){ 0, 50, 0 }, &f, w, 16);
	TAP_U64(n, 0, "no warnings on the seed host");
	sim_check(&h, &(struct model_policy){ 0, 50, 0 }, &t, (UINT64_C(200) << 40) / 4096, &r);
	TAP_OK(r.nadvice == 1 && r.advice[0].kind == ADV_ADDRESS_SPACE,
	       "200 TiB: only splitting helps (no swap, no memmap, no mode)");
	f.printed_limit_known = true;
	f.printed_limit_kb = 12342040;
	n = sim_warnings(&h, &(struct model_policy){ 0, 50, 0 }, &f, w, 16);
	TAP_OK(has_warning(w, n, W_LIMIT_MISMATCH), "printed CommitLimit mismatch");
	f.printed_limit_known = false;
	h.committed_as_kb = 12000000;
	n = sim_warnings(&h, &(struct model_policy){ 2, 50, 0 }, &f, w, 16);
	TAP_OK(has_warning(w, n, W_MODE2_LOW_HEADROOM), "mode 2, 334 MiB left: low headroom");
	h.committed_as_kb = 13000000;
	n = sim_warnings(&h, &(struct model_policy){ 2, 50, 0 }, &f, w, 16);
	TAP_OK(has_warning(w, n, W_MODE2_NO_HEADROOM), "mode 2 over the limit: no headroom");
	n = sim_warnings(&h, &(struct model_policy){ 0, 50, 0 }, &f, w, 16);
	TAP_OK(has_warning(w, n, W_MODE2_WOULD_FAIL), "mode 0 over the limit: mode 2 would refuse");
	n = sim_warnings(&h, &(struct model_policy){ 0, -1, 0 }, &f, w, 16);
	TAP_OK(has_warning(w, n, W_RATIO_NEGATIVE), "negative ratio");
	n = sim_warnings(&h, &(struct model_policy){ 2, 0, 0 }, &f, w, 16);
	TAP_OK(has_warning(w, n, W_LIMIT_SWAP_ONLY), "ratio 0, kbytes 0");
	n = sim_warnings(&h, &(struct model_policy){ 2, 0, 1048576 }, &f, w, 16);
	TAP_OK(!has_warning(w, n, W_LIMIT_SWAP_ONLY), "kbytes set: not swap only");
	h.kernel = (struct model_kver){ 4, 19, 0 };
	n = sim_warnings(&h, &(struct model_policy){ 0, 50, 0 }, &f, w, 16);
	TAP_OK(has_warning(w, n, W_LEGACY_GUESS), "4.19 mode 0: legacy heuristic");

	/* written at creation: 30 GB on 24684092 kB of RAM, no swap, in mode 2 */
	h = host_seed();
	model_task_init(&t);
	h.kernel = (struct model_kver){ 6, 1, 0 };
	pages = model_malloc_pages(UINT64_C(32000000000), 4096);
	sim_check(&h, &(struct model_policy){ 2, 50, 0 }, &t, pages, &r);
	TAP_OK(r.nadvice && r.advice[0].kind == ADV_MODE_ALWAYS, "30 GB in mode 2: mode 1 advised");
	sim_check_written(&h, pages, &r);
	TAP_OK(r.advice[0].kind == ADV_WRITTEN_BEYOND && r.advice[0].value == 24684092,
	       "written in full and above RAM + swap: mode 1 replaced, RAM + swap given");
	pages = model_malloc_pages(UINT64_C(16000000000), 4096);
	sim_check(&h, &(struct model_policy){ 2, 50, 0 }, &t, pages, &r);
	sim_check_written(&h, pages, &r);
	TAP_OK(r.advice[0].kind == ADV_MODE_ALWAYS && r.advice[0].written &&
	       r.advice[0].value == model_pages_kb(&h, pages), "below it: mode 1, written, its size");
	h.hugetlb_kb = 10000000;
	TAP_U64(sim_backing_kb(&h), 24684092 - 10000000, "the hugetlb pool cannot back it");
	sim_check(&h, &(struct model_policy){ 2, 50, 0 }, &t, pages, &r);
	sim_check_written(&h, pages, &r);
	TAP_OK(r.nadvice && r.advice[0].kind != ADV_MODE_ALWAYS,
	       "16 GB with a 10 GB pool: beyond what can back it");

	/* chunking the seed array (156816, 36, 53806) uint8 on the seed host, mode 0 */
	h = host_seed();
	h.kernel = (struct model_kver){ 6, 1, 0 };
	TAP_U64(sim_max_rows(&h, &(struct model_policy){ 0, 50, 0 }, &t, 36 * 53806, 156816, false,
			     false), 13049, "13049 rows: 6170929 pages <= RAM, 13050 need 6171402");
	TAP_U64(sim_max_rows(&h, &(struct model_policy){ 0, 50, 0 }, &t, 36 * 53806, 100, false,
			     false), 100, "all 100 rows fit: all of them");
	TAP_U64(sim_max_rows(&h, &(struct model_policy){ 0, 50, 0 }, &t, UINT64_C(1) << 62, 4, false,
			     false), 0, "not one row of 4 EiB");
	h.hugetlb_kb = 20000000;   /* leaves 4684092 kB to back a written array */
	TAP_U64(sim_max_rows(&h, &(struct model_policy){ 1, 50, 0 }, &t, 1024 * 1024, 100000, true,
			     true), 4574, "written in full: RAM less the pool bounds it (4684092 kB / 1 MiB rows)");
	/* refused before the kernel is asked: NumPy, malloc, a wrapping mmap length */
	TAP_U64(sim_too_big(UINT64_C(9223372036854775807), false, false, 4096), TOO_BIG_NO,
		"too big: 2^63 - 1 by malloc is asked for");
	TAP_U64(sim_too_big(UINT64_C(9223372036854775808), false, false, 4096), TOO_BIG_MALLOC,
		"too big: 2^63 by malloc: PTRDIFF_MAX");
	TAP_U64(sim_too_big(UINT64_C(9223372036854775808), true, false, 4096), TOO_BIG_NO,
		"too big: 2^63 by mmap is asked for (the address space refuses it)");
	TAP_U64(sim_too_big(UINT64_MAX - 4094, true, false, 4096), TOO_BIG_MMAP,
		"too big: an mmap length that wraps");
	TAP_U64(sim_too_big(0, true, true, 4096), TOO_BIG_NUMPY,
		"too big: NumPy's verdict first, even for an empty array");
	{
		struct check_result cr;

		sim_check_too_big(&cr);
		TAP_OK(cr.verdict == VERDICT_FAILS && cr.binding == LIMIT_TOO_BIG && cr.pages == 0 &&
		       cr.mode_binding[0] == LIMIT_TOO_BIG && cr.mode_binding[2] == LIMIT_TOO_BIG &&
		       cr.mode_verdict[1] == VERDICT_FAILS && cr.nadvice == 1 &&
		       cr.advice[0].kind == ADV_ADDRESS_SPACE, "too big: fails everywhere, split it");
		TAP_STR(model_limit_name(cr.binding), "too_big", "too big: the JSON token");
	}

	/* a fork: mode 2 adds the mappings up, mode 0 checks each alone (dup_mmap) */
	h = host_seed();
	h.kernel = (struct model_kver){ 6, 1, 0 };
	model_task_init(&t);
	sim_check_fork(&h, &(struct model_policy){ 0, 50, 0 }, &t, 7000000, 3000000, &r);
	TAP_OK(r.verdict == VERDICT_FITS && r.mode_verdict[0] == VERDICT_FITS &&
	       r.mode_verdict[2] == VERDICT_FAILS && r.pages == 7000000,
	       "fork of 7000000 pages, none above RAM: mode 0 lets it, mode 2 does not");
	sim_check_fork(&h, &(struct model_policy){ 0, 50, 0 }, &t, 7000000, 6200000, &r);
	TAP_OK(r.verdict == VERDICT_FAILS && r.binding == LIMIT_HEURISTIC && r.nadvice &&
	       r.advice[0].kind == ADV_MODE_ALWAYS && r.advice[0].fork,
	       "one mapping above RAM + swap: mode 0 refuses; mode 1 advised, as a fork");
	sim_check_fork(&h, &(struct model_policy){ 2, 50, 0 }, &t, 7000000, 3000000, &r);
	TAP_OK(r.verdict == VERDICT_FAILS && has_advice(&r, ADV_MODE_GUESS) &&
	       !has_advice(&r, ADV_MEMMAP) && !has_advice(&r, ADV_SWAP),
	       "mode 2: mode 0 advised (each mapping fits), no memmap, no swap");
	t.rlimit_as_bytes = 4096;
	sim_check_fork(&h, &(struct model_policy){ 1, 50, 0 }, &t, 7000000, 3000000, &r);
	TAP_OK(r.verdict == VERDICT_FITS, "RLIMIT_AS is not asked by a fork");
}
