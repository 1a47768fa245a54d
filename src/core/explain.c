/* SPDX-License-Identifier: MIT */
/* explain.c - a refusal or an OOM kill from the kernel log, read against the model; pure. */
#include <string.h>

#include "explain.h"

void explain_entry(const struct model_host *h, const struct model_policy *p,
		   const struct kmsg_entry *e, struct explanation *x)
{
	struct model_task t;

	memset(x, 0, sizeof(*x));
	x->mode = p->mode;
	x->headroom_kb = model_headroom_kb(h, p);
	x->limit_kb = p->mode == OVERCOMMIT_NEVER ? model_commit_limit_kb(h, p)
						  : h->mem_total_kb + h->swap_total_kb;
	switch (e->kind) {
	case KMSG_OOM_KILL:
		x->reason = EXPLAIN_OOM;
		return;
	case KMSG_CGROUP_OOM_KILL:
		x->reason = EXPLAIN_CGROUP_OOM;
		return;
	case KMSG_RLIMIT_DATA:
		x->reason = EXPLAIN_RLIMIT_DATA;
		return;
	default:
		break;
	}
	if (!e->ev.has_bytes) {
		x->reason = EXPLAIN_NO_SIZE;
		return;
	}
	/* __vm_enough_memory() prints pages << PAGE_SHIFT: a whole number of pages */
	x->pages = e->ev.bytes / h->page_size;
	if (p->mode == OVERCOMMIT_ALWAYS) {
		x->reason = EXPLAIN_NEVER_REFUSES;
		return;
	}
	model_task_init(&t);
	/* only the commit check logs: RLIMIT_AS, RLIMIT_DATA and the address space do not */
	x->reason = model_check(h, p, &t, x->pages, &x->binding) == VERDICT_FITS
			    ? EXPLAIN_ACCEPTED_NOW : EXPLAIN_REFUSED_NOW;
	if (x->reason == EXPLAIN_REFUSED_NOW && x->binding != LIMIT_COMMIT &&
	    x->binding != LIMIT_HEURISTIC && x->binding != LIMIT_FREE_ESTIMATE)
		x->reason = EXPLAIN_ACCEPTED_NOW;   /* only a limit that does not log refuses it */
}
