/* SPDX-License-Identifier: MIT */
/*
 * explain.h - why the kernel refused a commit charge or killed a process, as far as the
 * model and the policy in force now can tell. Pure.
 */
#ifndef OVC_EXPLAIN_H
#define OVC_EXPLAIN_H

#include "kmsg.h"
#include "model.h"

enum explain_reason {
	EXPLAIN_REFUSED_NOW,    /* the same request would be refused now: by x->binding */
	EXPLAIN_ACCEPTED_NOW,   /* it would be accepted now: the policy or Committed_AS changed */
	EXPLAIN_NEVER_REFUSES,  /* mode 1 now never refuses: the policy was 0 or 2 then */
	EXPLAIN_NO_SIZE,        /* an older kernel printed no size: only the policy now */
	EXPLAIN_OOM,            /* RAM + swap ran out as pages were written (no refusal) */
	EXPLAIN_CGROUP_OOM,     /* a cgroup's memory limit, as pages were written */
	EXPLAIN_RLIMIT_DATA,    /* may_expand_vm: VmData + request over RLIMIT_DATA */
};

struct explanation {
	enum explain_reason reason;
	enum model_limit binding;    /* EXPLAIN_REFUSED_NOW */
	int mode;                    /* the policy now */
	uint64_t pages;              /* the request, when printed */
	uint64_t limit_kb;           /* mode 0: RAM + swap; mode 2: CommitLimit (now) */
	int64_t headroom_kb;         /* mode 2: CommitLimit - Committed_AS (now) */
};

/*
 * For an entry of the log, under host h and policy p read now. A refusal is checked
 * again for a process without CAP_SYS_ADMIN whose size is unknown (the full user
 * reserve), as __vm_enough_memory() would for most processes.
 */
void explain_entry(const struct model_host *h, const struct model_policy *p,
		   const struct kmsg_entry *e, struct explanation *x);

#endif
