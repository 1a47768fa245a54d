/* SPDX-License-Identifier: MIT */
/* test_plan.c - validation, write order, idempotence, rollback and the guard of "set". */
#include "../../src/core/plan.h"
#include "../../src/core/simulate.h"
#include "hosts.h"
#include "tap.h"

static struct plan_request rq_mode_ratio(int mode, int64_t ratio)
{
	struct plan_request r = { 0 };

	r.mode_set = mode >= 0;
	r.mode = mode;
	r.ratio_set = true;
	r.ratio = ratio;
	return r;
}

/* "key=value,key=value" of the planned writes, for compact assertions */
static const char *order(const struct plan_write *w, size_t n)
{
	static char buf[128];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s=%s", i ? "," : "",
				      knob_name(w[i].key) + 3, w[i].value);
	return buf;
}

void test_plan(void)
{
	struct model_host h = host_seed();
	struct model_policy b = { 0, 50, 0 };
	struct plan_request r = { 0 };
	struct plan_write rb[2];
	struct plan p;

	TAP_U64(plan_validate(&r, false), PLAN_EMPTY, "nothing asked");
	r = rq_mode_ratio(2, 80);
	r.kbytes_set = true;
	TAP_U64(plan_validate(&r, true), PLAN_BOTH_LIMITS, "ratio and kbytes together");
	r = rq_mode_ratio(3, 80);
	TAP_U64(plan_validate(&r, true), PLAN_BAD_MODE, "mode 3");
	r = rq_mode_ratio(-1, -1);
	TAP_U64(plan_validate(&r, true), PLAN_NEGATIVE_RATIO, "negative ratio, even with --force");
	r = rq_mode_ratio(-1, 0);
	TAP_U64(plan_validate(&r, false), PLAN_ZERO_LIMIT, "ratio 0 without --force");
	TAP_U64(plan_validate(&r, true), PLAN_VALID, "ratio 0 with --force");
	r = (struct plan_request){ .kbytes_set = true, .kbytes = 0 };
	TAP_U64(plan_validate(&r, false), PLAN_ZERO_LIMIT, "kbytes 0 (zeroes the ratio too)");
	r = rq_mode_ratio(2, 150);
	TAP_U64(plan_validate(&r, false), PLAN_VALID, "ratio above 100 is allowed");

	r = rq_mode_ratio(2, 80);
	plan_make(&h, &b, &r, &p);
	TAP_STR(order(p.writes, p.nwrites), "overcommit_ratio=80,overcommit_memory=2",
		"entering mode 2: the limit first, while it is not enforced");
	TAP_U64(plan_rollback(&p, 1, rb), 1, "rollback after the first write: one write");
	TAP_STR(order(rb, 1), "overcommit_ratio=50", "... restores the ratio");
	plan_rollback(&p, 2, rb);
	TAP_STR(order(rb, 2), "overcommit_memory=0,overcommit_ratio=50",
		"rollback of both: the reverse path");

	b = (struct model_policy){ 2, 80, 0 };
	r = rq_mode_ratio(0, 50);
	plan_make(&h, &b, &r, &p);
	TAP_STR(order(p.writes, p.nwrites), "overcommit_memory=0,overcommit_ratio=50",
		"leaving mode 2: the mode first, then the unenforced limit");
	TAP_OK(!p.guard_applies && p.guard_ok, "leaving mode 2 needs no guard");

	b = (struct model_policy){ 0, 50, 0 };
	r = rq_mode_ratio(1, 80);
	plan_make(&h, &b, &r, &p);
	TAP_STR(order(p.writes, p.nwrites), "overcommit_memory=1,overcommit_ratio=80", "0 to 1");

	r = rq_mode_ratio(-1, 50);
	r.mode_set = false;
	plan_make(&h, &b, &r, &p);
	TAP_U64(p.nwrites, 0, "ratio already 50 and kbytes 0: no write");
	r = (struct plan_request){ .mode_set = true, .mode = 0 };
	plan_make(&h, &b, &r, &p);
	TAP_U64(p.nwrites, 0, "mode already 0: no write");

	b = (struct model_policy){ 2, 0, 1048576 };
	r = rq_mode_ratio(-1, 0);
	r.mode_set = false;
	r.ratio = 50;
	plan_make(&h, &b, &r, &p);
	TAP_STR(order(p.writes, p.nwrites), "overcommit_ratio=50", "kbytes mode to ratio: one write");
	TAP_OK(p.after.kbytes == 0 && p.after.ratio == 50, "the kernel zeroes kbytes");
	plan_rollback(&p, 1, rb);
	TAP_STR(order(rb, 1), "overcommit_kbytes=1048576", "rollback restores kbytes (zeroing ratio)");

	b = (struct model_policy){ 0, 50, 0 };
	r = (struct plan_request){ .kbytes_set = true, .kbytes = 0 };
	plan_make(&h, &b, &r, &p);
	TAP_STR(order(p.writes, p.nwrites), "overcommit_kbytes=0",
		"kbytes 0 over kbytes 0 is still a write: it zeroes the ratio");
	TAP_OK(p.after.ratio == 0 && p.after.kbytes == 0, "after: ratio 0, kbytes 0");
	b = (struct model_policy){ 2, 0, 0 };
	r = rq_mode_ratio(-1, 50);
	r.mode_set = false;
	plan_make(&h, &b, &r, &p);
	plan_rollback(&p, 1, rb);
	TAP_STR(order(rb, 1), "overcommit_ratio=0", "rollback to ratio 0 and kbytes 0");

	/* the guard: seed host, 2 GiB committed; margin max(256 MiB, 5 % of CommitLimit) */
	b = (struct model_policy){ 0, 50, 0 };
	r = rq_mode_ratio(2, 50);
	plan_make(&h, &b, &r, &p);
	TAP_OK(p.guard_applies && p.guard_ok, "mode 2 ratio 50 on 24 GiB with 2 GiB committed: allowed");
	TAP_U64(p.margin_kb, 12342044 / 100 * 5, "margin: 5 %% of CommitLimit");
	r = rq_mode_ratio(2, 10);
	plan_make(&h, &b, &r, &p);
	TAP_OK(p.guard_applies && !p.guard_ok, "mode 2 ratio 10 (2.35 GiB limit): refused");
	/* 617102 - 2048 admin - 32768 user - 524288 committed - 1 = 57997 pages, less the
	 * band (12052 - 1) x 2 = 24102: 33895 pages */
	TAP_U64(p.room_after_kb, 33895 * 4, "... 132 MiB surely left, below the margin");
	TAP_U64(p.margin_kb, 256 * 1024, "... the margin is at least 256 MiB");
	b = (struct model_policy){ 2, 10, 0 };
	r = rq_mode_ratio(-1, 9);
	r.mode_set = false;
	plan_make(&h, &b, &r, &p);
	/* ratio 9: 555392 - 34816 - 524289 = -3713 pages, less the band: -27815 pages */
	TAP_I64(p.room_after_kb, -27815 * 4, "the room is signed: already past the limit");
	TAP_OK(!p.guard_ok, "worse and below the margin: refused");
	b = (struct model_policy){ 2, 9, 0 };
	r.ratio = 10;
	plan_make(&h, &b, &r, &p);
	TAP_OK(p.room_before_kb == -27815 * 4 && p.room_after_kb == 33895 * 4 && p.guard_ok,
	       "an improvement of a bad mode-2 state is allowed, even below the margin");
	b = (struct model_policy){ 2, 5, 0 };
	r.ratio = 4;
	plan_make(&h, &b, &r, &p);
	TAP_OK(p.room_before_kb < 0 && p.room_after_kb < p.room_before_kb && !p.guard_ok,
	       "a starved mode 2 cannot be made tighter (rooms are not floored at 0)");
	b = (struct model_policy){ 0, 50, 0 };
	r = (struct plan_request){ .mode_set = true, .mode = 1 };
	plan_make(&h, &b, &r, &p);
	TAP_OK(!p.guard_applies && p.guard_ok, "mode 1: no guard");
}
