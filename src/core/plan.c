/* SPDX-License-Identifier: MIT */
/* plan.c - the writes of a change: values, order, rollback and the guard; pure. */
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "simulate.h"

static bool enforced(int mode)
{
	/* __vm_enough_memory(): all but 0 and 1 take the NEVER path (>= 3: pre-2.6.39) */
	return mode != OVERCOMMIT_GUESS && mode != OVERCOMMIT_ALWAYS;
}

enum plan_invalid plan_validate(const struct plan_request *rq, bool force)
{
	if (!rq->mode_set && !rq->ratio_set && !rq->kbytes_set)
		return PLAN_EMPTY;
	if (rq->ratio_set && rq->kbytes_set)
		return PLAN_BOTH_LIMITS;
	if (rq->mode_set && (rq->mode < 0 || rq->mode > 2))
		return PLAN_BAD_MODE;
	if (rq->ratio_set && rq->ratio < 0)
		return PLAN_NEGATIVE_RATIO;
	if (!force && ((rq->ratio_set && rq->ratio == 0) || (rq->kbytes_set && rq->kbytes == 0)))
		return PLAN_ZERO_LIMIT;
	return PLAN_VALID;
}

void plan_after(const struct model_policy *before, const struct plan_request *rq,
		struct model_policy *after)
{
	*after = *before;
	if (rq->mode_set)
		after->mode = rq->mode;
	if (rq->ratio_set) {
		after->ratio = rq->ratio;
		after->kbytes = 0;
	}
	if (rq->kbytes_set) {
		after->kbytes = rq->kbytes;
		after->ratio = 0;
	}
}

static void put_i(struct plan_write *w, enum knob k, int64_t v)
{
	w->key = k;
	snprintf(w->value, sizeof(w->value), "%lld", (long long)v);
}

static void put_u(struct plan_write *w, enum knob k, uint64_t v)
{
	w->key = k;
	snprintf(w->value, sizeof(w->value), "%llu", (unsigned long long)v);
}

/*
 * How much an unprivileged process of any size can surely still allocate, in kB, signed:
 * negative when the committed count is already past what such a process may commit.
 * Signed and unfloored, so that a starved mode 2 cannot be made tighter unnoticed.
 */
static int64_t room_kb(const struct model_host *h, const struct model_policy *p)
{
	struct model_task t;
	int64_t room;
	unsigned s = model_kb_shift(h);

	model_task_init(&t);
	room = model_never_room_pages(h, p, &t) - (int64_t)model_band_pages(h, OVERCOMMIT_NEVER);

	if (room > (INT64_MAX >> s))
		return INT64_MAX;
	if (room < (INT64_MIN >> s))
		return INT64_MIN;
	return room * (1 << s);
}

void plan_make(const struct model_host *h, const struct model_policy *before,
	       const struct plan_request *rq, struct plan *out)
{
	bool mode_w, limit_w;
	uint64_t limit_kb;

	memset(out, 0, sizeof(*out));
	out->before = *before;
	plan_after(before, rq, &out->after);

	mode_w = out->after.mode != before->mode;
	/* the limit write is needed unless both knobs already read what they will */
	limit_w = (rq->ratio_set || rq->kbytes_set) &&
		  (out->after.ratio != before->ratio || out->after.kbytes != before->kbytes);

	if (limit_w && (!mode_w || enforced(out->after.mode))) {
		/* entering mode 2, or no mode change: limit first (unenforced, or the only write) */
		if (rq->kbytes_set)
			put_u(&out->writes[out->nwrites++], KNOB_KBYTES, rq->kbytes);
		else
			put_i(&out->writes[out->nwrites++], KNOB_RATIO, rq->ratio);
		limit_w = false;
	}
	if (mode_w)
		put_i(&out->writes[out->nwrites++], KNOB_MODE, out->after.mode);
	if (limit_w) {
		/* leaving mode 2 (or 0 <-> 1): the mode first, then the now unenforced limit */
		if (rq->kbytes_set)
			put_u(&out->writes[out->nwrites++], KNOB_KBYTES, rq->kbytes);
		else
			put_i(&out->writes[out->nwrites++], KNOB_RATIO, rq->ratio);
	}

	limit_kb = model_commit_limit_kb(h, &out->after);
	out->margin_kb = limit_kb / 100 * SIM_LOW_HEADROOM_PCT;
	if (out->margin_kb < SIM_LOW_HEADROOM_MIN_KB)
		out->margin_kb = SIM_LOW_HEADROOM_MIN_KB;
	out->room_before_kb = room_kb(h, before);
	out->room_after_kb = room_kb(h, &out->after);
	out->guard_applies = enforced(out->after.mode);
	out->guard_ok = !out->guard_applies || out->room_after_kb >= (int64_t)out->margin_kb ||
			(enforced(before->mode) && out->room_after_kb >= out->room_before_kb);
}

size_t plan_rollback(const struct plan *p, size_t done, struct plan_write out[2])
{
	size_t n = 0, i;

	for (i = done; i-- > 0;) {
		if (p->writes[i].key == KNOB_MODE)
			put_i(&out[n], KNOB_MODE, p->before.mode);
		else if (p->before.kbytes)
			put_u(&out[n], KNOB_KBYTES, p->before.kbytes);
		else   /* ratio (possibly 0) zeroes kbytes, which was 0 before */
			put_i(&out[n], KNOB_RATIO, p->before.ratio);
		n++;
	}
	return n;
}


const char *plan_invalid_text(enum plan_invalid v, const struct plan_request *rq)
{
	switch (v) {
	case PLAN_VALID:
		break;
	case PLAN_EMPTY:
		return "nothing to set: give --mode, --ratio or --kbytes";
	case PLAN_BOTH_LIMITS:
		return "--ratio and --kbytes exclude each other: the kernel keeps only one (writing either zeroes the other)";
	case PLAN_BAD_MODE:
		return "--mode must be 0, 1 or 2";
	case PLAN_NEGATIVE_RATIO:
		return "a negative --ratio is accepted by the kernel but wraps CommitLimit to an astronomic value; refused";
	case PLAN_ZERO_LIMIT:
		return rq->ratio_set ? "--ratio 0 makes CommitLimit swap only (writing either knob zeroes the other); --force if that is really meant"
				     : "--kbytes 0 makes CommitLimit swap only (writing either knob zeroes the other); --force if that is really meant";
	}
	return "valid";
}
