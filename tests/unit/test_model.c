/* SPDX-License-Identifier: MIT */
/*
 * test_model.c - the kernel model against hand-worked cases. Figures marked [6.18] were
 * measured by probing a Linux 6.18 x86-64 VM (MemTotal 24684092 kB, 2 CPUs, ratio 50,
 * admin 8192 kB, user 100405 kB, no swap): mode-2 maximum 3071522 pages as root after a
 * policy rewrite (sync), 2048 pages less without CAP_SYS_ADMIN.
 */
#include <limits.h>

#include "../../src/core/model.h"
#include "tap.h"

static struct model_host vm618(void)
{
	struct model_host h = {
		.page_size = 4096,
		.mem_total_kb = 24684092,   /* 6171023 pages */
		.committed_as_kb = 55876,   /* 13969 pages */
		.admin_reserve_kb = 8192,
		.user_reserve_kb = 100405,
		.kernel = { 6, 18, 44 },
		.cpus_online = 2,
		.cpus_present = 2,
		.address_space_bytes = ((uint64_t)1 << 47) - 4096,
	};
	return h;
}

static struct model_task task(bool admin, uint64_t vmsize_kb)
{
	struct model_task t;

	model_task_init(&t);
	t.admin = admin;
	t.vmsize_known = vmsize_kb != 0;
	t.vmsize_kb = vmsize_kb;
	return t;
}

static void commit_limit(void)
{
	struct model_host h = vm618();
	struct model_policy p = { 2, 50, 0 };

	TAP_U64(model_commit_limit_pages(&h, &p), 3085511, "ratio 50: 6171023 x 50 / 100 pages [6.18]");
	TAP_U64(model_commit_limit_kb(&h, &p), 12342044, "ratio 50: CommitLimit 12342044 kB [6.18]");
	h.hugetlb_kb = 204800;
	TAP_U64(model_commit_limit_kb(&h, &p), 12239644, "100 x 2 MiB hugetlb lowers it by 102400 kB [6.18]");
	h.hugetlb_kb = 16000000;   /* 4000000 pages: more than the 50 % RAM share */
	TAP_U64(model_commit_limit_pages(&h, &p), (6171023 - 4000000) * 50 / 100,
		"hugetlb above the RAM share: the pool leaves RAM before the ratio applies");
	h.hugetlb_kb = h.mem_total_kb;
	h.swap_total_kb = 4096;
	TAP_U64(model_commit_limit_pages(&h, &p), 1024, "all RAM in hugetlb: CommitLimit is swap only");
	h.swap_total_kb = 0;
	h.hugetlb_kb = 204800;
	p.kbytes = 1048576;
	TAP_U64(model_commit_limit_kb(&h, &p), 1048576, "kbytes wins over ratio and ignores hugetlb [6.18]");
	p.kbytes = 6;
	TAP_U64(model_commit_limit_kb(&h, &p), 4, "kbytes 6 truncates to one 4 KiB page [6.18]");
	p.kbytes = UINT64_MAX;
	TAP_U64(model_commit_limit_kb(&h, &p), UINT64_C(18446744073709551612),
		"kbytes ULONG_MAX prints wrapped as meminfo does [6.18]");
	h = vm618();
	p = (struct model_policy){ 2, -1, 0 };
	TAP_U64(model_commit_limit_pages(&h, &p), UINT64_C(184467440737033805),
		"ratio -1 wraps in unsigned long before /100 [6.18]");
	TAP_U64(model_commit_limit_kb(&h, &p), UINT64_C(737869762948135220),
		"ratio -1: CommitLimit 737869762948135220 kB [6.18]");
	p.ratio = 0;
	h.swap_total_kb = 8388608;
	TAP_U64(model_commit_limit_kb(&h, &p), 8388608, "ratio 0 and kbytes 0: swap only");
	h.swap_total_kb = 1048576;
	p.ratio = 150;
	TAP_U64(model_commit_limit_pages(&h, &p), 9518678, "ratio 150 plus 1 GiB swap");
	p.ratio = INT_MAX;
	h.swap_total_kb = 0;
	TAP_U64(model_commit_limit_pages(&h, &p), UINT64_C(132521709777608), "ratio INT_MAX, no wrap");
	h.mem_total_kb = UINT64_MAX;
	p.ratio = 50;
	TAP_U64(model_commit_limit_kb(&h, &p), UINT64_C(368934881474191028),
		"MemTotal near 2^64: product wraps as in the kernel");
	h.committed_as_kb = UINT64_MAX;
	TAP_I64(model_headroom_kb(&h, &p), INT64_MIN, "headroom saturates at INT64_MIN");
	h = vm618();
	h.committed_as_kb = 13000000;
	p = (struct model_policy){ 0, 50, 0 };
	TAP_I64(model_headroom_kb(&h, &p), 12342044 - 13000000, "negative headroom");
}

static void batch(void)
{
	struct model_host h = vm618();

	TAP_U64(model_batch_pages(&h, 2), 12052, "batch, mode 2, 5.9+: RAM/CPUs/256");
	TAP_U64(model_batch_pages(&h, 0), 771377, "batch, mode 0, 5.9+: RAM/CPUs/4");
	TAP_U64(model_band_pages(&h, 2), 24102, "band = (batch - 1) x online CPUs");
	h.kernel = (struct model_kver){ 5, 8, 0 };
	TAP_U64(model_batch_pages(&h, 0), 12052, "batch, mode 0, 3.11-5.8: /256 for every policy");
	h.kernel = (struct model_kver){ 3, 10, 0 };
	TAP_U64(model_batch_pages(&h, 2), 32, "batch before 3.11: max(32, 2 x online)");
	h = vm618();
	h.mem_total_kb = 4096;   /* tiny: the floor applies */
	h.cpus_online = h.cpus_present = 64;
	TAP_U64(model_batch_pages(&h, 2), 128, "batch floor: 2 x present CPUs");
	h.cpus_online = h.cpus_present = 0;
	TAP_U64(model_batch_pages(&h, 2), 32, "unknown CPU count counts as one");
}

static void never(void)
{
	struct model_host h = vm618();
	struct model_policy p = { 2, 50, 0 };
	struct model_task t = task(true, 2476);   /* VmSize 619 pages */
	struct model_alloc a;
	enum model_limit lim;

	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3071522, "mode 2 root: A - C0 - 1 = 3071522 pages [6.18 measured]");
	TAP_U64(a.binding, LIMIT_COMMIT, "mode 2 binds on CommitLimit");
	TAP_U64(a.sure_pages, 3071522 - 24102, "sure = max - band");
	TAP_U64(a.bound_pages, 3071522 + 24102, "bound = max + band");
	TAP_OK(!a.exact, "mode 2 with 2 CPUs is not exact");
	t.admin = false;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3071522 - 2048, "without CAP_SYS_ADMIN: 2048 pages less [6.18 measured]");
	t = task(false, 0);
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3085511 - 2048 - 25101 - 13969 - 1,
		"unknown VmSize: the whole user reserve is charged");
	t = task(false, (uint64_t)64 << 20);   /* 64 GiB process: reserve capped */
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3085511 - 2048 - 25101 - 13969 - 1, "user reserve capped at user_reserve_kbytes");

	t = task(true, 2476);
	TAP_U64(model_check(&h, &p, &t, 3047420, &lim), VERDICT_FITS, "inside sure: fits");
	TAP_U64(lim, LIMIT_NONE, "a fit names no limit");
	TAP_U64(model_check(&h, &p, &t, 3047421, &lim), VERDICT_BORDERLINE, "just past sure: borderline");
	TAP_U64(model_check(&h, &p, &t, 3095624, NULL), VERDICT_BORDERLINE, "at bound: borderline");
	TAP_U64(model_check(&h, &p, &t, 3095625, &lim), VERDICT_FAILS, "past bound: fails");
	TAP_U64(lim, LIMIT_COMMIT, "refused by the commit limit");

	h.cpus_online = h.cpus_present = 1;
	h.mem_total_kb = 0;   /* batch floor 32: band 31 */
	h.swap_total_kb = 4096;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 0, "nothing fits when Committed_AS exceeds the limit");

	/* reserves larger than the limit */
	h = vm618();
	p.kbytes = 4;   /* one page */
	t = task(false, 2476);
	h.kernel = (struct model_kver){ 4, 19, 0 };
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 0, "4.0+: reserves above the limit refuse everything (signed)");
	h.kernel = (struct model_kver){ 3, 14, 0 };
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.binding, LIMIT_ADDRESS_SPACE, "3.10-3.19: unsigned wrap lets everything through");

	/* before 3.10: 3 % of the RAM share for non-admins, uncapped total_vm/32 */
	h = vm618();
	h.kernel = (struct model_kver){ 3, 2, 0 };
	p = (struct model_policy){ 2, 50, 0 };
	t = task(false, 2476);
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3085511 - 3085511 / 32 - 19 - 13969 - 1, "before 3.10: A - A/32 - total_vm/32");
	t.admin = true;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3085511 - 19 - 13969 - 1, "before 3.10, admin");
}

static void guess(void)
{
	struct model_host h = vm618();
	struct model_policy p = { 0, 50, 0 };
	struct model_task t = task(false, 2476);
	struct model_alloc a;

	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 6171023, "mode 0, 5.2+: RAM + swap pages [6.18 measured]");
	TAP_OK(a.exact && a.binding == LIMIT_HEURISTIC, "mode 0 5.2+ is exact, bound by the heuristic");
	TAP_U64(model_check(&h, &p, &t, 6171023, NULL), VERDICT_FITS, "exactly RAM + swap fits (>)");
	TAP_U64(model_check(&h, &p, &t, 6171024, NULL), VERDICT_FAILS, "one page more fails [6.18]");
	h.hugetlb_kb = 204800;
	h.committed_as_kb = 99999999;
	h.swap_total_kb = 1048576;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 6171023 + 262144,
		"mode 0 ignores hugetlb and Committed_AS, counts swap [6.18]");

	/* before 5.2: free-memory estimate */
	h = vm618();
	h.kernel = (struct model_kver){ 4, 19, 0 };
	h.mem_free_kb = 10000000;
	h.file_kb = 4000000;
	h.shmem_kb = 400000;
	h.slab_reclaimable_kb = 200000;
	h.misc_reclaimable_kb = 40000;
	h.totalreserve_kb = 100000;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3450000 - 25000 - 2048 - 1, "4.19: F - totalreserve - admin - 1");
	TAP_OK(!a.exact && a.binding == LIMIT_FREE_ESTIMATE, "the old heuristic is an estimate");
	t.admin = true;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3450000 - 25000 - 1, "4.19 admin keeps the admin reserve");
	h.kernel = (struct model_kver){ 5, 1, 0 };
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3450000 + 10000 - 25000 - 1, "4.20-5.1 also count misc reclaimable");
	h.kernel = (struct model_kver){ 3, 2, 0 };
	t.admin = false;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 3425000 - 3425000 / 32 - 1, "before 3.10: F - F/32");
	h.kernel = (struct model_kver){ 4, 19, 0 };
	h.totalreserve_kb = 100000000;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 0, "F <= totalreserve: nothing fits");
	h.totalreserve_kb = 0;
	h.mem_free_kb = 4096;
	h.file_kb = h.shmem_kb = h.slab_reclaimable_kb = 0;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 0, "4.x: admin reserve above F refuses (signed)");
	h.kernel = (struct model_kver){ 3, 14, 0 };
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.binding, LIMIT_ADDRESS_SPACE, "3.10-3.19: the unsigned wrap succeeds");
}

static void always_and_limits(void)
{
	struct model_host h = vm618();
	struct model_policy p = { 1, 50, 0 };
	struct model_task t = task(false, 2476);
	struct model_alloc a;

	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 34359738367 - 619, "mode 1: the address space less VmSize");
	TAP_U64(a.sure_pages, 34359738367 / 2 - 619, "mode 1: half of it is sure");
	TAP_OK(a.binding == LIMIT_ADDRESS_SPACE && !a.exact, "mode 1 is an upper bound");
	TAP_U64(model_check(&h, &p, &t, 74158961, NULL), VERDICT_FITS, "mode 1 takes 282.89 GiB");

	t.rlimit_as_bytes = (uint64_t)1 << 30;
	p.mode = 0;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 261525, "RLIMIT_AS 1 GiB, VmSize 619 pages: 261525 [6.18 measured]");
	TAP_OK(a.binding == LIMIT_RLIMIT_AS && a.exact, "RLIMIT_AS binds exactly");
	p.mode = 1;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 261525, "RLIMIT_AS binds in mode 1 too");
	p.mode = 2;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.binding, LIMIT_RLIMIT_AS, "and in mode 2 when tighter than the commit limit");
	t.rlimit_as_bytes = 1000;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 0, "RLIMIT_AS below VmSize: nothing");
}

/* may_expand_vm()'s RLIMIT_DATA test; figures [6.18] measured with ovc probe under ulimit -d */
static void rlimit_data(void)
{
	struct model_host h = vm618();
	struct model_policy p = { 0, 50, 0 };
	struct model_task t = task(false, 0);
	struct model_alloc a;

	h.ignore_rlimit_data = RLD_DEFAULT;
	t.rlimit_data_bytes = t.rlimit_data_max_bytes = 200000 * 1024;   /* ulimit -d 200000 */
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 50000, "RLIMIT_DATA 200000 kB, VmData unknown (0): 50000 pages");
	TAP_OK(a.binding == LIMIT_RLIMIT_DATA && a.exact, "RLIMIT_DATA binds exactly");
	t.vmdata_known = true;
	t.vmdata_kb = 1092;   /* 273 pages */
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 49727, "VmData 273 pages: 49727 [6.18 measured]");
	p.mode = 1;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 49727, "in mode 1 too");
	p.mode = 2;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.binding, LIMIT_RLIMIT_DATA, "and in mode 2 when tighter than the commit limit");
	TAP_U64(model_check(&h, &p, &t, 49728, NULL), VERDICT_FAILS, "one page more fails");

	p.mode = 0;
	t.rlimit_data_bytes = 0;   /* valgrind's soft 0: the hard limit decides */
	t.rlimit_data_max_bytes = 300000 * 1024;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 75000 - 273, "soft 0, hard 300000 kB: the hard one [6.18 measured]");
	t.rlimit_data_max_bytes = UINT64_MAX;
	model_max_alloc(&h, &p, &t, &a);
	TAP_OK(a.binding != LIMIT_RLIMIT_DATA, "soft 0, hard unlimited: no data limit");
	t.rlimit_data_bytes = 4096;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.max_pages, 0, "RLIMIT_DATA below VmData: nothing");

	t.rlimit_data_bytes = 200000 * 1024;
	t.rlimit_as_bytes = 100000 * 1024;
	t.vmsize_known = true;
	t.vmsize_kb = 4096;
	model_max_alloc(&h, &p, &t, &a);
	TAP_U64(a.binding, LIMIT_RLIMIT_AS, "the tighter of RLIMIT_AS and RLIMIT_DATA binds");
	t.rlimit_as_bytes = UINT64_MAX;

	h.ignore_rlimit_data = RLD_IGNORE;
	model_max_alloc(&h, &p, &t, &a);
	TAP_OK(a.binding != LIMIT_RLIMIT_DATA, "booted with ignore_rlimit_data: only a warning");
	h.ignore_rlimit_data = RLD_DEFAULT;
	h.kernel = (struct model_kver){ 4, 7, 0 };
	TAP_OK(model_rlimit_data_enforced(&h), "4.7: enforced by default");
	h.kernel = (struct model_kver){ 4, 6, 7 };
	TAP_OK(!model_rlimit_data_enforced(&h), "4.5 and 4.6: ignored by default");
	h.ignore_rlimit_data = RLD_ENFORCE;
	TAP_OK(model_rlimit_data_enforced(&h), "4.6 with ignore_rlimit_data=0: enforced");
	h.kernel = (struct model_kver){ 4, 4, 0 };
	TAP_OK(!model_rlimit_data_enforced(&h), "4.4: RLIMIT_DATA bounds brk only");
}

static void sizes(void)
{
	TAP_U64(model_malloc_pages(30000000000ULL, 4096), 7324219,
		"malloc(30e9) asks mmap for 30000001024 bytes [glibc 2.36 strace]");
	TAP_U64(model_malloc_pages(0, 4096), 1, "malloc(0): one page");
	TAP_U64(model_malloc_pages(4072, 4096), 1, "4072 + 24 bytes of overhead: one page");
	TAP_U64(model_malloc_pages(4073, 4096), 2, "4073: two pages");
	TAP_U64(model_malloc_pages(UINT64_MAX, 4096), 0, "above PTRDIFF_MAX glibc refuses");
	TAP_U64(model_malloc_pages(UINT64_C(9223372036854775808), 4096), 0,
		"2^63: above PTRDIFF_MAX, refused");
	/* checked_request2size passes PTRDIFF_MAX itself: the kernel is asked */
	TAP_U64(model_malloc_pages(UINT64_C(9223372036854775807), 4096), UINT64_C(2251799813685249),
		"2^63 - 1: asked for, 2^51 + 1 pages");
	TAP_U64(model_mmap_pages(4097, 4096), 2, "mmap rounds up to pages");
	TAP_U64(model_mmap_pages(UINT64_MAX, 4096), 0, "PAGE_ALIGN overflow");
}

static void advice(void)
{
	struct model_host h = vm618();
	struct model_task t = task(false, 0);
	struct model_policy p = { 2, 0, 0 };
	int64_t r;
	uint64_t kb;

	TAP_OK(model_min_ratio(&h, &t, 4000000, &r) == 0, "a ratio exists for 4000000 pages");
	p.ratio = r;
	TAP_U64(model_check(&h, &p, &t, 4000000, NULL), VERDICT_FITS, "the ratio found makes it fit");
	p.ratio = r - 1;
	TAP_OK(model_check(&h, &p, &t, 4000000, NULL) != VERDICT_FITS, "one less does not");
	TAP_OK(model_min_kbytes(&h, &t, 4000000, &kb) == 0, "a kbytes value exists");
	p = (struct model_policy){ 2, 0, kb };
	TAP_U64(model_check(&h, &p, &t, 4000000, NULL), VERDICT_FITS, "the kbytes found makes it fit");
	p.kbytes = kb - 4;
	TAP_OK(model_check(&h, &p, &t, 4000000, NULL) != VERDICT_FITS, "one page less does not");
	h.mem_total_kb = 0;
	TAP_OK(model_min_ratio(&h, &t, 4000000, &r) < 0, "no RAM: no ratio helps");
}

void test_model(void)
{
	commit_limit();
	batch();
	never();
	guess();
	always_and_limits();
	rlimit_data();
	sizes();
	advice();
}
