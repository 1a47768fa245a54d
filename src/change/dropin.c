/* SPDX-License-Identifier: MIT */
/*
 * dropin.c - the change's drop-in step: read the boot configuration and ovc's drop-in,
 * decide the new text and the boot it gives (core/dropin, core/decide), and put the old
 * file back when a committed change must be undone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* The boot configuration and ovc's drop-in as they are. */
int change_dropin_prepare(struct change *c, struct ovc_err *err)
{
	struct change_dropin *ps = &c->res->ps;
	const struct model_policy *boot = &knob_kernel_defaults;
	const struct fsroot *root = c->env->root;
	char untrusted[64] = "";
	int r;

	if (confdirs_load(&ps->cd, root, err) < 0)
		return -1;
	if (prec_resolve(PREC_SYSTEMD, ps->cd.files, ps->cd.nfiles, boot, &ps->before_sd, err) < 0 ||
	    prec_resolve(PREC_PROCPS, ps->cd.files, ps->cd.nfiles, boot, &ps->before_pp, err) < 0)
		return -1;
	snprintf(ps->path, sizeof(ps->path), "%s%s", ps->cd.root, DROPIN_PATH);
	r = afile_open_dir(&c->dir, root, DROPIN_REL_DIR,
			   ps->action == PERSIST_WRITE && !c->req->dry_run, err);
	if (r < 0)
		return -1;
	c->dir_missing = r == 1;
	if (!c->dir_missing && !c->req->dry_run)
		afile_clean_stale(&c->dir, DROPIN_NAME);   /* under the lock: a killed run's */
	if (!c->dir_missing) {
		r = afile_read(&c->dir, DROPIN_NAME, &ps->old, &ps->old_len, err);
		if (r < 0)
			return -1;
		if (ps->old && afile_trusted(&c->dir, DROPIN_NAME, untrusted, sizeof(untrusted),
					     err) < 0)
			return -1;
	}
	if (ps->old)
		dropin_parse(ps->old, ps->old_len, &ps->old_info);
	/* the decision proper comes with the new text; the trust is known now */
	snprintf(ps->change.untrusted, sizeof(ps->change.untrusted), "%s", untrusted);
	return 0;
}

/* After the plan: the new text and the boot it gives. */
int change_dropin_plan(struct change *c, struct ovc_err *err)
{
	struct change_dropin *ps = &c->res->ps;
	char untrusted[sizeof(ps->change.untrusted)];
	int n;

	snprintf(untrusted, sizeof(untrusted), "%s", ps->change.untrusted);
	if (ps->action == PERSIST_REMOVE) {
		if (dropin_check(ps->cd.files, &ps->cd.nfiles, CONFDIRS_MAX_FILES, ps->path, NULL, 0,
				 NULL, &ps->after, err) < 0)
			return -1;
		decide_dropin(ps->old, ps->old_len, &ps->old_info, NULL, 0, untrusted,
			      ps->after.nshadows, &ps->change);
		return 0;
	}
	n = dropin_render(&ps->policy, c->req->profile, ps->text, sizeof(ps->text));
	if (n < 0)
		return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0,
				"this policy cannot be written to a drop-in (mode %d, ratio %" PRId64 ")",
				ps->policy.mode, ps->policy.ratio);
	ps->len = (size_t)n;
	dropin_parse(ps->text, ps->len, &ps->new_info);
	if (dropin_check(ps->cd.files, &ps->cd.nfiles, CONFDIRS_MAX_FILES, ps->path, ps->text,
			 ps->len, &ps->policy, &ps->after, err) < 0)
		return -1;
	decide_dropin(ps->old, ps->old_len, &ps->old_info, ps->text, ps->len, untrusted,
		      ps->after.nshadows, &ps->change);
	return 0;
}

/* Put the old file back (after a commit that must be undone). */
static int restore(struct change *c)
{
	struct change_dropin *ps = &c->res->ps;
	struct afile_stage st;

	if (ps->old) {
		if (afile_stage(&c->dir, DROPIN_NAME, ps->old, ps->old_len, &st,
				&ps->restore_fail) < 0 ||
		    afile_commit(&c->dir, &st, DROPIN_NAME, &ps->restore_fail) < 0)
			return -1;
	} else if (afile_remove(&c->dir, DROPIN_NAME, &ps->restore_fail) < 0) {
		return -1;
	}
	return 0;
}

void change_dropin_audit(struct change *c, bool ok)
{
	struct change_dropin *ps = &c->res->ps;

	change_audit_file(c, ps->action == PERSIST_WRITE ? "persist" : "unpersist",
			  &ps->old_info, ps->old != NULL, &ps->new_info,
			  ps->action == PERSIST_WRITE, ok);
}

void change_dropin_undo(struct change *c)
{
	struct change_dropin *ps = &c->res->ps;
	bool ok = restore(c) == 0;

	ps->result = ok ? F_RESTORED : F_RESTORE_FAILED;
	change_audit_file(c, "rollback", &ps->new_info, ps->action == PERSIST_WRITE,
			  &ps->old_info, ps->old != NULL, ok);
}
