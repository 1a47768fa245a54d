/* SPDX-License-Identifier: MIT */
/* change.c - the change transaction (change.h): lock, read, plan, decide, commit, undo. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

bool change_changed(const struct change_result *res)
{
	size_t i;

	for (i = 0; i < res->plan.nwrites; i++)
		if (res->result[i] == W_WRITTEN)
			return true;
	return res->ps.result == F_WRITTEN || res->ps.result == F_REMOVED ||
	       res->ps.result == F_RESTORE_FAILED;
}

const struct model_policy *change_target(const struct change_result *res)
{
	return res->ps.action != PERSIST_NONE ? &res->ps.policy : &res->plan.after;
}

enum audit_status change_audit_status(const struct change_result *res)
{
	const struct change_audit *a = &res->audit;
	bool wrote = !res->req->dry_run && res->decision.refusal == REFUSE_NONE &&
		     res->decision.would_change;

	if (a->mode == AUD_OFF)
		return AUDIT_ST_OFF;
	if (!a->runtime_live && !a->file_live)
		return AUDIT_ST_NOT_LIVE;
	if (!wrote)
		return AUDIT_ST_NONE;
	if (a->skip)
		return a->enabled == 0 ? AUDIT_ST_DISABLED : AUDIT_ST_UNAVAILABLE;
	if (a->failed)
		return AUDIT_ST_FAILED;
	if (a->unavailable)
		return AUDIT_ST_UNAVAILABLE;
	return a->enabled > 0 ? AUDIT_ST_DELIVERED : AUDIT_ST_ACKNOWLEDGED;
}

enum file_state change_file_state(const struct change_result *res)
{
	const struct change_dropin *ps = &res->ps;
	bool w = ps->action == PERSIST_WRITE;

	if (ps->action == PERSIST_NONE)
		return FILE_NONE;
	if (res->decision.refusal != REFUSE_NONE)
		return FILE_REFUSED;
	if (!ps->change.changes)
		return FILE_UNCHANGED;
	switch (ps->result) {
	case F_PENDING:
		return res->req->dry_run ? (w ? FILE_WOULD_WRITE : FILE_WOULD_REMOVE)
					 : FILE_NOT_ATTEMPTED;
	case F_WRITTEN:        return FILE_WRITTEN;
	case F_REMOVED:        return FILE_REMOVED;
	case F_FAILED:         return FILE_FAILED;
	case F_RESTORED:       return FILE_RESTORED;
	case F_RESTORE_FAILED: return FILE_RESTORE_FAILED;
	}
	return FILE_FAILED;
}

static bool rollback_failed(const struct change_result *r)
{
	size_t k;

	if (r->ps.result == F_RESTORE_FAILED)
		return true;
	for (k = 0; k < r->nundo; k++)
		if (r->undo_result[k] != W_ROLLED_BACK)
			return true;
	return false;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * Take the policy lock; tell env once another ovc has held it for a second. Without
 * --wait, block in flock() after that second. With --wait (or --no-wait), poll: a
 * non-blocking flock() every 50 ms until the deadline. A blocking flock() bounded by a
 * timer would need SIGALRM (process-wide state, and a signal that lands between arming
 * and the call is lost unless the timer repeats); the poll has no such race, costs 20
 * system calls a second, and overshoots the deadline by at most one sleep, which is cut
 * to the time left.
 */
static int take_lock(struct change *c)
{
	const struct change_req *req = c->req;
	struct ovc_err *err = &c->res->error;
	uint64_t start, t;
	int r;

	if (lock_open(&c->lock, c->env->root, err) < 0)
		return -1;
	start = now_ms();
	for (;;) {
		uint64_t left = 50;

		r = lock_try(&c->lock, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
		t = now_ms() - start;
		if (req->lock_wait_set && t >= req->lock_wait_ms) {
			uint64_t ms = req->lock_wait_ms;
			char holder[40] = "", waited[64] = "--no-wait";
			size_t n;

			c->res->lock_holder = lock_holder(&c->lock);
			if (c->res->lock_holder > 0)
				snprintf(holder, sizeof(holder), " (pid %ld)", c->res->lock_holder);
			if (ms) {   /* "gave up after 2 s", "... 0.25 s" */
				n = (size_t)snprintf(waited, sizeof(waited), "gave up after %" PRIu64 ".%03" PRIu64,
						     ms / 1000, ms % 1000);
				while (waited[n - 1] == '0')
					n--;
				if (waited[n - 1] == '.')
					n--;
				snprintf(waited + n, sizeof(waited) - n, " s");
			}
			return ovc_fail(err, OVC_E_LOCKED, 0, c->lock.path, 0,
					"the lock is held by another ovc%s; %s: nothing was written",
					holder, waited);
		}
		if (t >= 1000 && !c->res->waited) {
			c->res->waited = true;
			if (c->env->waiting)
				c->env->waiting(c->env->arg, c->lock.path);
			if (!req->lock_wait_set)
				return lock_wait(&c->lock, err);
		}
		if (req->lock_wait_set && req->lock_wait_ms - t < left)
			left = req->lock_wait_ms - t;
		if (!c->res->waited && 1000 - t < left)
			left = 1000 - t;
		nanosleep(&(struct timespec){ 0, (long)left * 1000 * 1000 }, NULL);
	}
}

static void figures(const struct model_host *h, const struct model_policy *p,
		    struct change_figures *f)
{
	struct model_task t;
	struct model_alloc u, a;

	model_task_init(&t);
	model_max_alloc(h, p, &t, &u);
	t.admin = true;
	model_max_alloc(h, p, &t, &a);
	f->commit_limit_kb = model_commit_limit_kb(h, p);
	f->headroom_kb = model_headroom_kb(h, p);
	f->max_alloc_kb = model_pages_kb(h, u.max_pages);
	f->max_alloc_admin_kb = model_pages_kb(h, a.max_pages);
}

/* Steps 2-3: read and plan. -1: res->error set. */
static int prepare(struct change *c)
{
	const struct change_req *req = c->req;
	struct change_result *r = c->res;
	struct ovc_err *err = &r->error;
	struct model_policy base = { 0 };
	enum plan_invalid v;

	if (!r->offline) {
		if (procfs_read_host(c->env->proc, &r->ph, err) < 0)
			return -1;
		base = r->ph.policy;
	}
	if (r->ps.action != PERSIST_NONE) {
		if (change_dropin_prepare(c, err) < 0)
			return -1;
		if (r->offline)
			base = r->ps.before_sd.final;   /* what this image boots with */
	}
	r->rq = req->rq;
	if (req->profile_def) {
		struct profile_host ph = req->host_figures;

		if (!r->offline && !req->host_figures_set) {
			ph.mem_kb = r->ph.host.mem_total_kb;
			ph.swap_kb = r->ph.host.swap_total_kb;
			ph.hugetlb_kb = r->ph.host.hugetlb_kb;
		}
		if (r->offline && !req->host_figures_set && profile_host_relative(req->profile_def))
			return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0,
					"profile %s depends on the host (%s) and an offline image has none: give --mem and --swap",
					req->profile_def->name, req->profile_def->limit_text);
		if (profile_request(req->profile_def, &ph, &r->rq, err) < 0)
			return -1;
		v = plan_validate(&r->rq, req->force);
		if (v != PLAN_VALID && v != PLAN_EMPTY)
			return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0, "%s", plan_invalid_text(v, &r->rq));
	}
	if (r->offline) {
		/* no host: the plan gives the after-state only; no guard */
		plan_after(&base, &r->rq, &r->plan.after);
		r->plan.before = base;
	} else {
		plan_make(&r->ph.host, &base, &r->rq, &r->plan);
	}
	r->guard = r->plan;
	r->ps.policy = r->plan.after;
	if (!req->runtime) {
		/* the running values stay: no writes, after == before */
		r->plan.nwrites = 0;
		r->plan.after = r->plan.before;
	}
	if (r->ps.action != PERSIST_NONE && change_dropin_plan(c, err) < 0)
		return -1;
	decide_change(&r->guard, r->plan.nwrites,
		      r->ps.action != PERSIST_NONE ? &r->ps.change : NULL, req->force,
		      &r->decision);
	r->audit.runtime_live = req->runtime && !r->offline && c->env->proc->live;
	r->audit.file_live = r->ps.action != PERSIST_NONE && !c->env->root_set;
	if (!r->offline) {
		figures(&r->ph.host, &r->plan.before, &r->fig_before);
		figures(&r->ph.host, &r->plan.after, &r->fig_after);
		if (r->ps.action != PERSIST_NONE) {
			figures(&r->ph.host, &r->ps.before_sd.final, &r->fig_boot_now);
			figures(&r->ph.host, &r->ps.after.sd.final, &r->fig_boot_after);
		}
	}
	return 0;
}

/* A step failed: what the undo achieved, and what is left when it failed too. */
static enum change_outcome failed(struct change *c, enum change_undone undone)
{
	struct change_result *r = c->res;

	r->undone = undone;
	if (!rollback_failed(r)) {
		change_journal_end(c);   /* undone: nothing left to recover */
		return r->outcome = CHANGE_FAILED;
	}
	if (r->req->runtime) {
		struct procfs_host *now = malloc(sizeof(*now));

		r->left_known = now && procfs_read_host(c->env->proc, now, &r->left_err) == 0;
		if (!now)
			ovc_fail(&r->left_err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
		if (r->left_known)
			r->left = now->policy;
		free(now);
	}
	return r->outcome = CHANGE_ROLLBACK_FAILED;
}

/* Steps 4-8. */
static enum change_outcome commit(struct change *c)
{
	struct change_result *r = c->res;
	struct change_dropin *ps = &r->ps;
	bool file_step = ps->action != PERSIST_NONE && ps->change.changes;
	bool dropin_write = ps->action == PERSIST_WRITE && ps->change.changes;
	char old[24];
	size_t i;

	if (change_audit_precheck(c, &r->error) < 0)
		return r->outcome = CHANGE_ERROR;
	if (r->plan.nwrites && change_journal_begin(c, &r->error) < 0)
		return r->outcome = CHANGE_ERROR;
	if (dropin_write &&
	    afile_stage(&c->dir, DROPIN_NAME, ps->text, ps->len, &c->stage, &ps->fail) < 0) {
		ps->result = F_FAILED;
		r->error = ps->fail;
		return failed(c, UNDONE_NOTHING_CHANGED);
	}
	if (change_runtime_apply(c) < 0) {
		afile_discard(&c->dir, &c->stage);
		return failed(c, r->nundo ? (dropin_write ? UNDONE_RUNTIME_NO_DROPIN : UNDONE_RUNTIME)
				 : file_step ? UNDONE_BOOT_UNTOUCHED : UNDONE_UNSAID);
	}
	if (file_step) {
		int k = ps->action == PERSIST_WRITE
				? afile_commit(&c->dir, &c->stage, DROPIN_NAME, &ps->fail)
				: afile_remove(&c->dir, DROPIN_NAME, &ps->fail);

		if (k < 0) {
			ps->result = F_FAILED;
			r->error = ps->fail;
			if (k == -2)   /* in place but not durable: put the old file back */
				change_dropin_undo(c);
			change_runtime_undo(c, r->plan.nwrites);
			return failed(c, r->plan.nwrites ? UNDONE_RUNTIME_AFTER_DROPIN : UNDONE_UNSAID);
		}
		ps->result = ps->action == PERSIST_WRITE ? F_WRITTEN : F_REMOVED;
	}
	for (i = 0; i < r->plan.nwrites; i++) {
		knob_format(&r->plan.before, r->plan.writes[i].key, old, sizeof(old));
		change_audit_write(c, "set", &r->plan.writes[i], old, true);
	}
	if (file_step)
		change_dropin_audit(c, true);
	if (r->audit.mode == AUD_ON && r->audit.delivered < r->audit.sent) {
		/* --audit=on: no record, no change */
		r->error = r->audit.why;
		r->error.code = OVC_E_AUDIT;
		if (file_step)
			change_dropin_undo(c);
		change_runtime_undo(c, r->plan.nwrites);
		return failed(c, UNDONE_AUDIT_ON);
	}
	change_journal_end(c);
	return r->outcome = CHANGE_DONE;
}

enum change_outcome change_run(const struct change_env *env, const struct change_req *req,
			       struct change_result *res)
{
	struct change c = { .env = env, .req = req, .res = res };

	memset(res, 0, sizeof(*res));
	res->req = req;
	res->ps.action = req->persist;
	res->audit.mode = req->audit;
	res->offline = env->proc == NULL;
	c.dir.fd = c.jdir.fd = c.lock.fd = -1;
	res->outcome = CHANGE_ERROR;
	/* writing /proc/sys takes the global root's euid (proc_sys_permission: no capability
	 * helps); say so before taking the lock, rather than fail at the first write */
	if (req->runtime && !req->dry_run && env->proc && env->proc->live && geteuid() != 0) {
		char vm[4200];

		ovc_fail(&res->error, OVC_E_PERM, EACCES,
			 fsroot_path(env->proc, PROC_VM_DIR, vm, sizeof(vm)), 0,
			 "cannot change vm.overcommit_* in");
		ovc_hint(&res->error, OVC_H_SYSCTL_ACCESS);
		return res->outcome;
	}
	/* Lock first, then read: a second ovc sees what the first left. */
	if (!req->dry_run && (take_lock(&c) < 0 || change_recover(&c) < 0))
		goto out;
	if (prepare(&c) < 0)
		goto out;
	if (res->decision.refusal != REFUSE_NONE)
		res->outcome = CHANGE_REFUSED;
	else if (req->dry_run || !res->decision.would_change)
		res->outcome = CHANGE_DONE;
	else
		commit(&c);
out:
	lock_close(&c.lock);
	afile_close_dir(&c.jdir);
	afile_close_dir(&c.dir);
	return res->outcome;
}

void change_result_free(struct change_result *res)
{
	free(res->ps.old);
	res->ps.old = NULL;
	confdirs_free(&res->ps.cd);
}
