/* SPDX-License-Identifier: MIT */
/*
 * plan.h - what "ovc set" will write, in which order, how to undo it, and whether the
 * result is safe. Pure: from the state read and the request to a list of writes; the
 * sys layer performs them, the CLI reports them.
 *
 * Kernel facts used (shared/reference/kernel-overcommit.md §2): writing overcommit_ratio
 * zeroes overcommit_kbytes and writing overcommit_kbytes (even 0) zeroes overcommit_ratio,
 * in the same handler call; each value is written whole with one write() at offset 0.
 */
#ifndef OVC_PLAN_H
#define OVC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "knobs.h"
#include "model.h"

struct plan_request {
	bool mode_set, ratio_set, kbytes_set;
	int mode;
	int64_t ratio;
	uint64_t kbytes;
};

struct plan_write {
	enum knob key;
	char value[24];   /* decimal text, without newline */
};

struct plan {
	struct model_policy before, after;
	struct plan_write writes[2];   /* at most the mode and one limit knob */
	size_t nwrites;                /* 0: nothing to do (idempotent) */

	/* The guard (see plan_make): room = the largest allocation an unprivileged process
	 * of any size can surely make, in kB; it only applies when "after" is enforced. */
	bool guard_applies;
	bool guard_ok;
	uint64_t margin_kb;
	int64_t room_before_kb, room_after_kb;   /* negative: already past the limit */
};

/* Why a request is refused before anything is planned (a usage error). */
enum plan_invalid {
	PLAN_VALID = 0,
	PLAN_EMPTY,            /* nothing asked */
	PLAN_BOTH_LIMITS,      /* ratio and kbytes together: the kernel keeps one */
	PLAN_BAD_MODE,         /* not 0, 1 or 2 */
	PLAN_NEGATIVE_RATIO,   /* the kernel takes it, but CommitLimit wraps (ref §3) */
	PLAN_ZERO_LIMIT,       /* ratio 0 or kbytes 0: CommitLimit becomes swap only */
};

/*
 * Validate with the kernel's ranges (mode 0..2, ratio INT_MIN..INT_MAX, kbytes 0..
 * ULONG_MAX) and refuse what the kernel accepts but is nonsense. force allows the
 * zero-limit case, never a negative ratio.
 */
enum plan_invalid plan_validate(const struct plan_request *rq, bool force);

/* What is wrong with rq, in words (for v != PLAN_VALID). */
const char *plan_invalid_text(enum plan_invalid v, const struct plan_request *rq);

/* The state the kernel holds after rq: the counterpart of a written knob reads 0. */
void plan_after(const struct model_policy *before, const struct plan_request *rq,
		struct model_policy *after);

/*
 * Plan the writes from before to rq's state, skipping values already in place, ordered so
 * that no intermediate state is enforced tighter than both ends: entering mode 2, the
 * limit is written first (while it is not enforced); leaving it, the mode first. Then the
 * guard: when the result enforces a limit (mode 2, or an unknown mode old kernels check
 * as 2), an unprivileged process must surely be able to allocate margin_kb (the low-
 * headroom margin of simulate.h) — unless the change does not reduce that room (an
 * improvement of a bad state is always allowed).
 */
void plan_make(const struct model_host *h, const struct model_policy *before,
	       const struct plan_request *rq, struct plan *out);

/*
 * The writes that undo the first `done` writes of p, in order (the reverse path, through
 * the same states). A limit is restored by writing before's non-zero knob, or ratio 0.
 */
size_t plan_rollback(const struct plan *p, size_t done, struct plan_write out[2]);

#endif
