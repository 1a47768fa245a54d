/* SPDX-License-Identifier: MIT */
/* runtime.c - the change's writes to the running values, in the planned order, and their undo. */
#include "../sys/sysctl.h"
#include "internal.h"

void change_runtime_undo(struct change *c, size_t done)
{
	struct change_result *r = c->res;
	char old[24];
	size_t k;

	/* the failed write, if any, is recorded as such first */
	if (done < r->plan.nwrites && r->result[done] == W_FAILED) {
		knob_format(&r->plan.before, r->plan.writes[done].key, old, sizeof(old));
		change_audit_write(c, "set", &r->plan.writes[done], old, false);
	}
	r->nundo = plan_rollback(&r->plan, done, r->undo);
	for (k = 0; k < r->nundo; k++) {
		bool ok = sysctl_apply(c->env->proc, &r->undo[k], &r->undo_fail) == 0;

		r->undo_result[k] = ok ? W_ROLLED_BACK : W_ROLLBACK_FAILED;
		if (ok)
			r->result[done - 1 - k] = W_ROLLED_BACK;
		/* the undo's "old" is what this run wrote */
		change_audit_write(c, "rollback", &r->undo[k], r->plan.writes[done - 1 - k].value,
				   ok);
	}
}

int change_runtime_apply(struct change *c)
{
	struct change_result *r = c->res;
	size_t i;

	for (i = 0; i < r->plan.nwrites; i++) {
		if (sysctl_apply(c->env->proc, &r->plan.writes[i], &r->error) == 0) {
			r->result[i] = W_WRITTEN;
			continue;
		}
		r->result[i] = W_FAILED;
		change_runtime_undo(c, i);
		return -1;
	}
	return 0;
}
