/* SPDX-License-Identifier: MIT */
/*
 * change.c - the transaction behind set, persist and reset (see change.h).
 *
 * Order, so that a failure anywhere leaves the old state (runtime and drop-in):
 *   1. options checked; capabilities narrowed to what the audit needs;
 *   2. lock; read the running values (not offline) and the boot configuration;
 *   3. plan (pure): runtime writes, the policy to persist, the drop-in's text, the boot
 *      with that drop-in (both tools), the guard; refuse here, having written nothing;
 *   4. audit precheck (--audit=on refuses here);
 *   5. stage the drop-in (a temporary, fsync'ed) - nothing visible yet;
 *   6. write the running values in the planned order (failure: undo, discard the stage);
 *   7. commit the drop-in: rename + fsync of the directory (failure: undo step 6; a
 *      rename that happened is reverted by restoring the old file);
 *   8. audit records; --audit=on and one not delivered: undo 7 and 6.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "../core/auditmsg.h"
#include "../core/dropin.h"
#include "../core/journal.h"
#include "../core/precedence.h"
#include "../core/units.h"
#include "../sys/atomicfile.h"
#include "../sys/audit.h"
#include "../sys/caps.h"
#include "../sys/confdirs.h"
#include "../sys/lock.h"
#include "../sys/sysctl.h"
#include "change.h"
#include "render.h"
#include "shared.h"

#define DROPIN_REL_DIR "etc/sysctl.d"
#define JOURNAL_REL_DIR "run/ovc"
#define JOURNAL_NAME "journal"

enum write_result { W_PENDING, W_WRITTEN, W_FAILED, W_ROLLED_BACK, W_ROLLBACK_FAILED };

enum file_result {
	F_PENDING, F_WRITTEN, F_REMOVED, F_FAILED, F_RESTORED, F_RESTORE_FAILED,
};

struct audit_state {
	enum audit_mode mode;
	bool runtime_live;    /* the running kernel's values change: records for them */
	bool file_live;       /* the host's own /etc changes: records for the drop-in */
	int enabled;          /* AUDIT_GET: 0 off (records dropped), >0 on, -1 unknown */
	bool skip;            /* no record can be logged (disabled or unavailable): none sent */
	unsigned sent, delivered;
	bool unavailable, failed;
	struct ovc_err why;   /* the first reason a record was not delivered */
};

struct persist_state {
	enum change_persist action;
	struct confdirs cd;
	struct afile_dir dir;
	bool dir_missing;              /* no <root>/etc/sysctl.d (and not created: dry run) */
	char path[4400];               /* <root>/etc/sysctl.d/99-zz-ovc.conf */
	char *old;                     /* the existing file's bytes, or NULL */
	size_t old_len;
	struct dropin_info old_info, new_info;
	char text[DROPIN_TEXT_MAX];    /* the new text (PERSIST_WRITE) */
	size_t len;
	struct model_policy policy;    /* what the drop-in sets */
	struct prec_result before_sd, before_pp;
	struct dropin_check after;
	bool changes;                  /* the file would change */
	bool foreign;                  /* an existing file without ovc's header */
	char untrusted[64];            /* why the existing file is not as ovc writes it, or "" */
	bool shadowed;                 /* another file decides a key at boot */
	enum file_result result;
	struct afile_stage stage;
	struct ovc_err fail, restore_fail;
};

struct change {
	const struct change_req *req;
	struct plan_request rq;        /* req->rq, or computed from req->profile_def */
	bool offline;                  /* --root without --proc: no running kernel */
	struct procfs_host ph;
	struct plan plan;              /* runtime writes (nwrites 0 when !runtime) */
	struct plan guard;             /* the guard's view (= plan, or the persisted policy) */
	struct audit_state audit;
	enum write_result result[2];
	struct plan_write undo[2];
	enum write_result undo_result[2];
	size_t nundo;
	struct ovc_err fail, undo_fail;
	bool refused_guard, refused_shadow, refused_foreign, waited;
	bool failed;                   /* a step failed: the report shows each result */
	struct afile_dir jdir;         /* <root>/run/ovc, while a journal is written */
	bool journaled;
	/* an interrupted change found under the lock and finished or undone first */
	bool recovered, recovered_committed;
	long recovered_pid;
	struct model_policy recovered_to;
	struct persist_state ps;
};

static const char *result_word(enum write_result r, bool dry)
{
	switch (r) {
	case W_PENDING:          return dry ? "would_write" : "not_attempted";
	case W_WRITTEN:          return "written";
	case W_FAILED:           return "failed";
	case W_ROLLED_BACK:      return "rolled_back";
	case W_ROLLBACK_FAILED:  return "rollback_failed";
	}
	return "?";
}

static bool refused(const struct change *c)
{
	return c->refused_guard || c->refused_shadow || c->refused_foreign;
}

/* ---- audit ------------------------------------------------------------------------ */

/* One USYS_CONFIG record; CAP_AUDIT_WRITE is effective only during the send. */
static void audit_one(struct change *c, bool live, const char *op, const char *key,
		      const char *old, const char *new, bool ok)
{
	struct audit_state *a = &c->audit;
	struct ovc_err err = { 0 };
	char text[512];
	enum audit_result r;

	if (a->mode == AUD_OFF || !live || a->skip)
		return;
	a->sent++;
	if (auditmsg_format(text, sizeof(text), op, key, old, new, ok) < 0) {
		ovc_fail(&err, OVC_E_AUDIT, EMSGSIZE, NULL, 0, "the audit record does not fit");
		r = AUDIT_FAILED;
	} else if (caps_raise(CAP_AUDIT_WRITE, &err) < 0) {
		ovc_fail(&err, OVC_E_AUDIT, EPERM, NULL, 0,
			 "no audit record: CAP_AUDIT_WRITE is not held");
		r = AUDIT_UNAVAILABLE;
	} else {
		r = audit_send(text, &err);
		caps_lower(NULL);
	}
	if (r == AUDIT_DELIVERED) {
		a->delivered++;
		return;
	}
	if (r == AUDIT_UNAVAILABLE)
		a->unavailable = true;
	else
		a->failed = true;
	if (!a->why.msg[0])
		a->why = err;
}

static void audit_write(struct change *c, const char *op, const struct plan_write *w,
			const char *old, bool ok)
{
	audit_one(c, c->audit.runtime_live, op, plan_key_name(w->key), old, w->value, ok);
}

static const char *info_value(const struct dropin_info *d, bool present, enum prec_key k,
			      char *buf, size_t len)
{
	if (!present)
		return "none";
	if (k == PREC_MEMORY && d->mode_set)
		snprintf(buf, len, "%d", d->policy.mode);
	else if (k == PREC_RATIO && d->ratio_set)
		snprintf(buf, len, "%" PRId64, d->policy.ratio);
	else if (k == PREC_KBYTES && d->kbytes_set)
		snprintf(buf, len, "%" PRIu64, d->policy.kbytes);
	else
		return "none";
	return buf;
}

/* One record per key whose line in the drop-in changes (op persist, remove, rollback). */
static void audit_file(struct change *c, const char *op, const struct dropin_info *from,
		       bool from_present, const struct dropin_info *to, bool to_present, bool ok)
{
	static const enum prec_key keys[] = { PREC_MEMORY, PREC_RATIO, PREC_KBYTES };
	char a[32], b[32];
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *o = info_value(from, from_present, keys[i], a, sizeof(a));
		const char *n = info_value(to, to_present, keys[i], b, sizeof(b));

		if (strcmp(o, n))
			audit_one(c, c->audit.file_live, op, prec_key_name(keys[i]), o, n, ok);
	}
}

/*
 * Before writing, learn whether a record can be logged at all. Auditing switched off
 * still ACKs records and drops them (audit.h), so the kernel is asked (AUDIT_GET, with
 * CAP_AUDIT_CONTROL raised for the call). --audit=auto then sends nothing where nothing
 * can be logged and says why; --audit=on refuses to change anything. When the kernel
 * will not say (not the initial pid namespace), every send must be ACKed instead.
 */
static int audit_precheck(struct change *c, struct ovc_err *err)
{
	struct audit_state *a = &c->audit;
	struct ovc_err why = { 0 };

	if (a->mode == AUD_OFF || (!a->runtime_live && !a->file_live))
		return 0;
	if (caps_raise(CAP_AUDIT_WRITE, NULL) < 0) {
		ovc_fail(&why, OVC_E_AUDIT, EPERM, NULL, 0,
			 "no audit record can be sent: CAP_AUDIT_WRITE is not held");
		a->enabled = -1;
	} else {
		caps_lower(NULL);
		if (caps_raise(CAP_AUDIT_CONTROL, NULL) < 0) {
			a->enabled = -1;   /* cannot ask; the ACKs will have to do */
		} else {
			a->enabled = audit_enabled(&why);
			caps_lower(NULL);
			if (a->enabled < 0 && why.errnum == EPROTONOSUPPORT)
				ovc_fail(&why, OVC_E_AUDIT, EPROTONOSUPPORT, NULL, 0,
					 "the kernel has no audit support (CONFIG_AUDIT off, or "
					 "booted with audit=0)");
			else if (a->enabled < 0 && why.errnum == ECONNREFUSED)
				ovc_fail(&why, OVC_E_AUDIT, ECONNREFUSED, NULL, 0,
					 "audit is not available inside a user namespace (a "
					 "container): the host records its own changes");
			else if (a->enabled < 0)
				why.msg[0] = '\0';   /* unknown (EPERM): not a reason to stop */
			else if (a->enabled == 0)
				ovc_fail(&why, OVC_E_AUDIT, 0, NULL, 0,
					 "auditing is disabled in the kernel: records would be "
					 "acknowledged and dropped");
		}
	}
	if (!why.msg[0])
		return 0;
	a->skip = true;
	a->why = why;
	if (a->mode == AUD_ON) {
		*err = why;
		snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
			 "; --audit=on: nothing was written");
		return -1;
	}
	return 0;
}

/*
 * delivered: ACKed, and the kernel said auditing is on; acknowledged: ACKed, but the
 * kernel would not say whether it is on; disabled: on but switched off, nothing sent.
 */
static const char *audit_status(const struct audit_state *a, bool wrote)
{
	if (a->mode == AUD_OFF)
		return "off";
	if (!a->runtime_live && !a->file_live)
		return "not_live";
	if (!wrote)
		return "none";
	if (a->skip)
		return a->enabled == 0 ? "disabled" : "unavailable";
	if (a->failed)
		return "failed";
	if (a->unavailable)
		return "unavailable";
	return a->enabled > 0 ? "delivered" : "acknowledged";
}

/* ---- runtime writes ------------------------------------------------------------------ */

static const char *old_value(const struct plan *p, enum plan_key k, char *buf, size_t len)
{
	if (k == KEY_MODE)
		snprintf(buf, len, "%d", p->before.mode);
	else if (k == KEY_RATIO)
		snprintf(buf, len, "%" PRId64, p->before.ratio);
	else
		snprintf(buf, len, "%" PRIu64, p->before.kbytes);
	return buf;
}

/* Record the failed write (if any), undo the `done` writes before it, record the undo. */
static void runtime_undo(struct ovc_ctx *ctx, struct change *c, size_t done)
{
	char old[24];
	size_t k;

	if (done < c->plan.nwrites && c->result[done] == W_FAILED)
		audit_write(c, "set", &c->plan.writes[done],
			    old_value(&c->plan, c->plan.writes[done].key, old, sizeof(old)), false);
	c->nundo = plan_rollback(&c->plan, done, c->undo);
	for (k = 0; k < c->nundo; k++) {
		bool ok = sysctl_apply(&ctx->fs, &c->undo[k], &c->undo_fail) == 0;

		c->undo_result[k] = ok ? W_ROLLED_BACK : W_ROLLBACK_FAILED;
		if (ok)
			c->result[done - 1 - k] = W_ROLLED_BACK;
		/* the undo's "old" is what this run wrote */
		audit_write(c, "rollback", &c->undo[k], c->plan.writes[done - 1 - k].value, ok);
	}
}

/* Write the plan; on failure undo what was written, in reverse. Returns 0, or -1. */
static int runtime_apply(struct ovc_ctx *ctx, struct change *c)
{
	size_t i;

	for (i = 0; i < c->plan.nwrites; i++) {
		if (sysctl_apply(&ctx->fs, &c->plan.writes[i], &c->fail) == 0) {
			c->result[i] = W_WRITTEN;
			continue;
		}
		c->result[i] = W_FAILED;
		runtime_undo(ctx, c, i);
		return -1;
	}
	return 0;
}

static bool runtime_written(const struct change *c)
{
	size_t i;

	for (i = 0; i < c->plan.nwrites; i++)
		if (c->result[i] == W_WRITTEN)
			return true;
	return false;
}

/* ---- the drop-in ------------------------------------------------------------------- */

static bool policy_equal(const struct model_policy *a, const struct model_policy *b)
{
	return a->mode == b->mode && a->ratio == b->ratio && a->kbytes == b->kbytes;
}

/*
 * Read the boot configuration and ovc's drop-in, and decide what the drop-in becomes.
 * base: the values the request is applied to (the running ones; offline: the boot ones).
 */
static int persist_prepare(struct ovc_ctx *ctx, struct change *c, struct ovc_err *err)
{
	static const struct model_policy boot = { .mode = 0, .ratio = 50, .kbytes = 0 };
	struct persist_state *ps = &c->ps;
	const char *root = ctx->root_dir ? ctx->root_dir : "/";
	int r;

	if (confdirs_load(&ps->cd, root, err) < 0)
		return -1;
	if (prec_resolve(PREC_SYSTEMD, ps->cd.files, ps->cd.nfiles, &boot, &ps->before_sd, err) < 0 ||
	    prec_resolve(PREC_PROCPS, ps->cd.files, ps->cd.nfiles, &boot, &ps->before_pp, err) < 0)
		return -1;
	snprintf(ps->path, sizeof(ps->path), "%s%s", ps->cd.root, DROPIN_PATH);
	r = afile_open_dir(&ps->dir, root, DROPIN_REL_DIR,
			   ps->action == PERSIST_WRITE && !c->req->dry_run, err);
	if (r < 0)
		return -1;
	ps->dir_missing = r == 1;
	if (!ps->dir_missing && !c->req->dry_run)
		afile_clean_stale(&ps->dir, DROPIN_NAME);   /* under the lock: a killed run's */
	if (!ps->dir_missing) {
		r = afile_read(&ps->dir, DROPIN_NAME, &ps->old, &ps->old_len, err);
		if (r < 0)
			return -1;
		if (ps->old && afile_trusted(&ps->dir, DROPIN_NAME, ps->untrusted,
					     sizeof(ps->untrusted), err) < 0)
			return -1;
	}
	if (ps->old) {
		dropin_parse(ps->old, ps->old_len, &ps->old_info);
		ps->foreign = !ps->old_info.managed;
	}
	return 0;
}

/* After the plan: the new text and the boot it gives. */
static int persist_plan(struct change *c, struct ovc_err *err)
{
	struct persist_state *ps = &c->ps;
	int n;

	if (ps->action == PERSIST_REMOVE) {
		ps->changes = ps->old != NULL;
		return dropin_check(ps->cd.files, &ps->cd.nfiles, CONFDIRS_MAX_FILES, ps->path,
				    NULL, 0, NULL, &ps->after, err);
	}
	n = dropin_render(&ps->policy, c->req->profile, ps->text, sizeof(ps->text));
	if (n < 0)
		return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0,
				"this policy cannot be written to a drop-in (mode %d, ratio %" PRId64
				")", ps->policy.mode, ps->policy.ratio);
	ps->len = (size_t)n;
	dropin_parse(ps->text, ps->len, &ps->new_info);
	/* the same bytes in a file another user may change are not "already in place" */
	ps->changes = !ps->old || ps->old_len != ps->len || memcmp(ps->old, ps->text, ps->len) ||
		      ps->untrusted[0];
	if (dropin_check(ps->cd.files, &ps->cd.nfiles, CONFDIRS_MAX_FILES, ps->path, ps->text,
			 ps->len, &ps->policy, &ps->after, err) < 0)
		return -1;
	ps->shadowed = ps->after.nshadows > 0;
	return 0;
}

/* Put the old file back (after a commit that must be undone). */
static int persist_restore(struct change *c)
{
	struct persist_state *ps = &c->ps;
	struct afile_stage st;

	if (ps->old) {
		if (afile_stage(&ps->dir, DROPIN_NAME, ps->old, ps->old_len, &st,
				&ps->restore_fail) < 0 ||
		    afile_commit(&ps->dir, &st, DROPIN_NAME, &ps->restore_fail) < 0)
			return -1;
	} else if (afile_remove(&ps->dir, DROPIN_NAME, &ps->restore_fail) < 0) {
		return -1;
	}
	return 0;
}

static void audit_persist(struct change *c, bool ok)
{
	struct persist_state *ps = &c->ps;

	if (ps->action == PERSIST_WRITE)
		audit_file(c, "persist", &ps->old_info, ps->old != NULL, &ps->new_info, true, ok);
	else
		audit_file(c, "unpersist", &ps->old_info, ps->old != NULL, &ps->new_info, false, ok);
}

/* Undo a committed drop-in change; records it. */
static void persist_undo(struct change *c)
{
	struct persist_state *ps = &c->ps;
	bool ok = persist_restore(c) == 0;

	ps->result = ok ? F_RESTORED : F_RESTORE_FAILED;
	if (ps->action == PERSIST_WRITE)
		audit_file(c, "rollback", &ps->new_info, true, &ps->old_info, ps->old != NULL, ok);
	else
		audit_file(c, "rollback", &ps->new_info, false, &ps->old_info, ps->old != NULL, ok);
}

static bool file_changed(const struct change *c)
{
	return c->ps.result == F_WRITTEN || c->ps.result == F_REMOVED ||
	       c->ps.result == F_RESTORE_FAILED;
}

static bool rollback_failed(const struct change *c)
{
	size_t k;

	if (c->ps.result == F_RESTORE_FAILED)
		return true;
	for (k = 0; k < c->nundo; k++)
		if (c->undo_result[k] != W_ROLLED_BACK)
			return true;
	return false;
}

/* ---- the journal: a change killed half way is finished or undone by the next run ---- */

/* Before the first runtime write: what this change is about to do. */
static int journal_begin(struct ovc_ctx *ctx, struct change *c, struct ovc_err *err)
{
	struct journal j = { 0 };
	struct afile_stage st;
	char text[JOURNAL_MAX];
	int n;

	j.pid = (long)getpid();
	{
		/* absolute: the next ovc may run from another directory */
		char *abs = realpath(ctx->proc_dir, NULL);

		snprintf(j.proc, sizeof(j.proc), "%s", abs ? abs : ctx->proc_dir);
		free(abs);
	}
	j.before = c->plan.before;
	j.after = c->plan.after;
	if (c->ps.action == PERSIST_WRITE && c->ps.changes) {
		j.persist = JOURNAL_WRITE;
		memcpy(j.text, c->ps.text, c->ps.len);
		j.len = c->ps.len;
	} else if (c->ps.action == PERSIST_REMOVE && c->ps.changes) {
		j.persist = JOURNAL_REMOVE;
	}
	n = journal_render(&j, text, sizeof(text));
	if (n < 0)
		return ovc_fail(err, OVC_E_USAGE, 0, ctx->proc_dir, 0,
				"cannot record this change (a newline in --proc?)");
	if (afile_open_dir(&c->jdir, ctx->root_dir, JOURNAL_REL_DIR, true, err) < 0 ||
	    afile_stage(&c->jdir, JOURNAL_NAME, text, (size_t)n, &st, err) < 0 ||
	    afile_commit(&c->jdir, &st, JOURNAL_NAME, err) < 0)
		return -1;
	c->journaled = true;
	return 0;
}

/* The change is complete (or completely undone): no journal any more. */
static void journal_end(struct change *c)
{
	struct ovc_err err = { 0 };

	if (c->journaled && afile_remove(&c->jdir, JOURNAL_NAME, &err) < 0)
		fprintf(stderr, "ovc: warning: the change is complete, but its journal %s/%s could "
			"not be removed (%s%s%s); the next ovc will find it done and remove it\n",
			c->jdir.path, JOURNAL_NAME, err.msg, err.errnum ? ": " : "",
			err.errnum ? strerror(err.errnum) : "");
	c->journaled = false;
}

static int read_optional(const char *root, const char *rel_dir, const char *name, char **buf,
			 size_t *len, struct afile_dir *d, struct ovc_err *err)
{
	int r = afile_open_dir(d, root, rel_dir, false, err);

	*buf = NULL;
	*len = 0;
	if (r != 0)
		return r;
	return afile_read(d, name, buf, len, err);
}

/*
 * Under the lock, before anything else: a journal left by a killed ovc. Bring the
 * running values of the tree it names to the state the drop-in says it reached.
 * Returns 0, or an exit status (reported): nothing else is done while it stands.
 */
static int recover(struct ovc_ctx *ctx, struct change *c)
{
	struct afile_dir jd = { .fd = -1 }, dd = { .fd = -1 };
	struct ovc_err err = { 0 };
	struct journal *j = calloc(1, sizeof(*j));
	struct procfs_host *rh = calloc(1, sizeof(*rh));
	struct plan_request rq = { .mode_set = true };
	const struct model_policy *to;
	struct fsroot rfs = { .proc_fd = -1 };
	struct plan rp;
	char *jt = NULL, *dt = NULL, jpath[4400];
	size_t jl, dl, i;
	int r, rc = 0;

	if (!j || !rh) {
		ovc_fail(&err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
		rc = cli_report(ctx, &err);
		goto out;
	}
	r = read_optional(ctx->root_dir, JOURNAL_REL_DIR, JOURNAL_NAME, &jt, &jl, &jd, &err);
	if (r == 1)
		goto out;
	snprintf(jpath, sizeof(jpath), "%s/%s", jd.path, JOURNAL_NAME);
	if (r < 0 || journal_parse(jt, jl, j) < 0) {
		if (r == 0)
			ovc_fail(&err, OVC_E_INPUT, 0, jpath, 0,
				 "an interrupted change left a record ovc cannot read: check the "
				 "running values and ovc's drop-in, then remove it");
		rc = cli_report(ctx, &err);
		goto out;
	}
	r = read_optional(ctx->root_dir, DROPIN_REL_DIR, DROPIN_NAME, &dt, &dl, &dd, &err);
	if (r < 0) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (fsroot_open(&rfs, j->proc, &err) < 0 || procfs_read_host(&rfs, rh, &err) < 0) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	to = journal_target(j, dt, dl, &rh->policy, &c->recovered_committed);
	rq.mode = to->mode;
	if (to->kbytes) {
		rq.kbytes_set = true;
		rq.kbytes = to->kbytes;
	} else {
		rq.ratio_set = true;
		rq.ratio = to->ratio;
	}
	plan_make(&rh->host, &rh->policy, &rq, &rp);
	for (i = 0; i < rp.nwrites; i++) {
		char old[24];
		bool ok = sysctl_apply(&rfs, &rp.writes[i], &err) == 0;

		audit_one(c, rfs.is_default, "recover", plan_key_name(rp.writes[i].key),
			  old_value(&rp, rp.writes[i].key, old, sizeof(old)), rp.writes[i].value, ok);
		if (!ok) {
			rc = cli_report(ctx, &err);
			fprintf(stderr, "ovc: an interrupted change (%s) could not be %s; fix the "
				"running values, then remove %s\n", jpath,
				c->recovered_committed ? "finished" : "undone", jpath);
			goto out;
		}
	}
	if (afile_remove(&jd, JOURNAL_NAME, &err) < 0) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	c->recovered = true;
	c->recovered_pid = j->pid;
	c->recovered_to = *to;
	fprintf(stderr, "ovc: an earlier ovc (pid %ld) was interrupted during a change; %s: "
		"vm.overcommit_memory=%d vm.overcommit_ratio=%" PRId64
		" vm.overcommit_kbytes=%" PRIu64 "\n", j->pid,
		c->recovered_committed ? "its drop-in was written, so the change was finished"
				       : "the change was undone",
		to->mode, to->ratio, to->kbytes);
out:
	fsroot_close(&rfs);
	afile_close_dir(&jd);
	afile_close_dir(&dd);
	free(jt);
	free(dt);
	free(j);
	free(rh);
	return rc;
}

/* ---- output ------------------------------------------------------------------------ */

static void json_state(struct json *j, const char *key, const struct change *c,
		       const struct model_policy *p)
{
	struct model_task t = { false, false, 0, UINT64_MAX };
	struct model_alloc u, a;
	const struct model_host *h = &c->ph.host;

	json_obj(j, key);
	json_i64(j, "mode", p->mode);
	json_i64(j, "ratio", p->ratio);
	json_u64(j, "kbytes", p->kbytes);
	if (c->offline) {
		json_null(j, "commit_limit_kb");
		json_null(j, "headroom_kb");
		json_null(j, "max_alloc_kb");
		json_null(j, "max_alloc_admin_kb");
	} else {
		model_max_alloc(h, p, &t, &u);
		t.admin = true;
		model_max_alloc(h, p, &t, &a);
		json_u64(j, "commit_limit_kb", model_commit_limit_kb(h, p));
		json_i64(j, "headroom_kb", model_headroom_kb(h, p));
		json_u64(j, "max_alloc_kb", pages_kb(h, u.max_pages));
		json_u64(j, "max_alloc_admin_kb", pages_kb(h, a.max_pages));
	}
	json_end(j);
}

static void json_kv(struct json *j, const char *key, const struct model_policy *p)
{
	json_obj(j, key);
	json_i64(j, "mode", p->mode);
	json_i64(j, "ratio", p->ratio);
	json_u64(j, "kbytes", p->kbytes);
	json_end(j);
}

static const char *tool_token(enum prec_tool t)
{
	return t == PREC_SYSTEMD ? "systemd" : "procps";
}

static const char *tool_words(enum prec_tool t)
{
	return t == PREC_SYSTEMD ? "systemd-sysctl" : "sysctl --system";
}

static void key_text(const struct model_policy *p, enum prec_key k, char *buf, size_t len)
{
	if (k == PREC_MEMORY)
		snprintf(buf, len, "%d", p->mode);
	else if (k == PREC_RATIO)
		snprintf(buf, len, "%" PRId64, p->ratio);
	else
		snprintf(buf, len, "%" PRIu64, p->kbytes);
}

static const char *file_result_word(const struct change *c)
{
	const struct persist_state *ps = &c->ps;
	bool w = ps->action == PERSIST_WRITE;

	if (ps->action == PERSIST_NONE)
		return "none";
	if (c->refused_guard || c->refused_shadow || c->refused_foreign)
		return "refused";
	if (!ps->changes)
		return "unchanged";
	switch (ps->result) {
	case F_PENDING:
		return c->req->dry_run ? (w ? "would_write" : "would_remove") : "not_attempted";
	case F_WRITTEN:        return "written";
	case F_REMOVED:        return "removed";
	case F_FAILED:         return "failed";
	case F_RESTORED:       return "restored";
	case F_RESTORE_FAILED: return "restore_failed";
	}
	return "?";
}

static void json_persist(struct json *j, const struct change *c)
{
	const struct persist_state *ps = &c->ps;
	size_t i;

	if (ps->action == PERSIST_NONE) {
		json_null(j, "persist");
		return;
	}
	json_obj(j, "persist");
	json_str(j, "action", ps->action == PERSIST_WRITE ? "write" : "remove");
	json_str(j, "path", ps->path);
	json_bool(j, "changed", file_changed(c));
	json_bool(j, "would_change", ps->changes);
	json_str(j, "result", file_result_word(c));
	json_str(j, "profile", ps->action == PERSIST_WRITE ? c->req->profile : NULL);
	if (ps->action == PERSIST_WRITE) {
		json_kv(j, "policy", &ps->policy);
		json_str(j, "content", ps->text);
	} else {
		json_null(j, "policy");
		json_null(j, "content");
	}
	json_obj(j, "previous");
	json_bool(j, "present", ps->old != NULL);
	json_bool(j, "managed", ps->old && ps->old_info.managed);
	json_str(j, "profile", ps->old && ps->old_info.profile[0] ? ps->old_info.profile : NULL);
	json_str(j, "content", ps->old);
	json_str(j, "untrusted", ps->untrusted[0] ? ps->untrusted : NULL);
	json_end(j);
	json_obj(j, "boot_before");
	json_kv(j, "systemd", &ps->before_sd.final);
	json_kv(j, "procps", &ps->before_pp.final);
	json_end(j);
	json_obj(j, "boot_after");
	json_kv(j, "systemd", &ps->after.sd.final);
	json_kv(j, "procps", &ps->after.pp.final);
	json_end(j);
	json_arr(j, "shadowed");
	for (i = 0; i < ps->after.nshadows; i++) {
		const struct dropin_shadow *s = &ps->after.shadows[i];
		char want[32], got[32];

		key_text(&s->want, s->key, want, sizeof(want));
		key_text(&s->got, s->key, got, sizeof(got));
		json_obj(j, NULL);
		json_str(j, "key", prec_key_name(s->key));
		json_str(j, "tool", tool_token(s->tool));
		json_str(j, "want", want);
		json_str(j, "boot", got);
		if (s->by_set) {
			json_str(j, "file", ps->cd.files[s->by_file].path);
			json_u64(j, "line", s->by_line);
		} else {
			json_null(j, "file");
			json_null(j, "line");
		}
		json_end(j);
	}
	json_end(j);
	json_bool(j, "offline", c->offline);
	json_end(j);
}

/* "profile": null, or the profile applied and what it asked for on this host */
static void json_profile_ref(struct json *j, const struct change *c)
{
	const struct profile *pr = c->req->profile_def;
	size_t i;

	if (!pr) {
		json_null(j, "profile");
		return;
	}
	json_obj(j, "profile");
	json_str(j, "name", pr->name);
	json_arr(j, "chain");
	for (i = 0; i < pr->nchain; i++)
		json_str(j, NULL, pr->chain[i]);
	json_end(j);
	json_bool(j, "host_relative", profile_host_relative(pr));
	json_obj(j, "request");
	if (c->rq.mode_set)
		json_i64(j, "mode", c->rq.mode);
	else
		json_null(j, "mode");
	if (c->rq.ratio_set)
		json_i64(j, "ratio", c->rq.ratio);
	else
		json_null(j, "ratio");
	if (c->rq.kbytes_set)
		json_u64(j, "kbytes", c->rq.kbytes);
	else
		json_null(j, "kbytes");
	json_end(j);
	json_end(j);
}

static bool refusal(const struct change *c, struct ovc_err *err, const char **kind);
static void shadow_words(const struct change *c, const struct dropin_shadow *s, char *buf,
			 size_t len);

static void print_json(struct ovc_ctx *ctx, const struct change *c)
{
	const struct plan *p = &c->plan;
	const struct model_policy *target =
		c->ps.action != PERSIST_NONE ? &c->ps.policy : &p->after;
	bool wrote = !c->req->dry_run && !refused(c) && (p->nwrites > 0 || c->ps.changes);
	char path[4200];
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_bool(&j, "changed", runtime_written(c) || file_changed(c));
	json_bool(&j, "would_change", p->nwrites > 0 || c->ps.changes);
	json_bool(&j, "dry_run", c->req->dry_run);
	json_bool(&j, "refused", refused(c));
	json_bool(&j, "forced", c->req->force &&
				((c->guard.guard_applies && !c->guard.guard_ok) || c->ps.shadowed ||
				 c->ps.foreign));
	json_bool(&j, "offline", c->offline);
	json_kv(&j, "policy", target);
	json_profile_ref(&j, c);
	json_state(&j, "before", c, &p->before);
	json_state(&j, "after", c, &p->after);
	json_arr(&j, "writes");
	for (i = 0; i < p->nwrites; i++) {
		json_obj(&j, NULL);
		json_str(&j, "key", plan_key_name(p->writes[i].key));
		json_str(&j, "path", fsroot_path(&ctx->fs, sysctl_rel(p->writes[i].key), path,
						  sizeof(path)));
		json_str(&j, "value", p->writes[i].value);
		json_str(&j, "result", refused(c) ? "refused"
				       : result_word(c->result[i], c->req->dry_run));
		json_end(&j);
	}
	json_end(&j);
	json_arr(&j, "rollback");
	for (i = 0; i < c->nundo; i++) {
		json_obj(&j, NULL);
		json_str(&j, "key", plan_key_name(c->undo[i].key));
		json_str(&j, "value", c->undo[i].value);
		json_str(&j, "result", result_word(c->undo_result[i], false));
		json_end(&j);
	}
	json_end(&j);
	json_obj(&j, "guard");
	json_bool(&j, "applies", c->guard.guard_applies);
	json_bool(&j, "ok", c->guard.guard_ok);
	json_u64(&j, "margin_kb", c->guard.margin_kb);
	json_i64(&j, "room_before_kb", c->guard.room_before_kb);
	json_i64(&j, "room_after_kb", c->guard.room_after_kb);
	json_end(&j);
	json_persist(&j, c);
	json_bool(&j, "waited_for_lock", c->waited);
	if (c->recovered) {
		json_obj(&j, "recovered");
		json_i64(&j, "pid", c->recovered_pid);
		json_bool(&j, "committed", c->recovered_committed);
		json_kv(&j, "policy", &c->recovered_to);
		json_end(&j);
	} else {
		json_null(&j, "recovered");
	}
	json_obj(&j, "audit");
	json_str(&j, "mode", c->audit.mode == AUD_ON ? "on" : c->audit.mode == AUD_OFF ? "off"
										: "auto");
	json_str(&j, "status", audit_status(&c->audit, wrote));
	json_u64(&j, "records", c->audit.sent);
	json_u64(&j, "delivered", c->audit.delivered);
	json_str(&j, "reason", c->audit.why.msg[0] ? c->audit.why.msg : NULL);
	json_end(&j);
	{
		struct ovc_err err = { 0 };
		const char *kind;

		if (refusal(c, &err, &kind)) {
			json_obj(&j, "refusal");
			json_str(&j, "kind", kind);
			json_str(&j, "message", err.msg);
			json_str(&j, "path", err.path[0] ? err.path : NULL);
			json_end(&j);
		} else {
			json_null(&j, "refusal");
		}
	}
	json_warnings_open(&j, c->offline ? NULL : &c->ph, target);
	if (c->req->force && c->guard.guard_applies && !c->guard.guard_ok)
		json_warning(&j, "guard_overridden", "the guard was overridden with --force");
	for (i = 0; c->ps.action != PERSIST_NONE && i < c->ps.after.nshadows; i++) {
		char w[4800];

		shadow_words(c, &c->ps.after.shadows[i], w, sizeof(w));
		json_warning(&j, "dropin_shadowed", w);
	}
	json_end(&j);
	json_end(&j);
}

/* One table row: a label and n (2 or 3) cells. */
static void row(struct table *tb, size_t n, const char *label, char cells[][UNITS_IEC_LEN + 16])
{
	if (n == 2)
		table_row(tb, label, cells[0], cells[1]);
	else
		table_row(tb, label, cells[0], cells[1], cells[2]);
}

/*
 * The policies side by side: BEFORE/AFTER for a runtime change; for the boot
 * configuration only, RUNNING (not offline), BOOT NOW and BOOT AFTER (systemd-sysctl's).
 */
static void print_table(struct ovc_ctx *ctx, const struct change *c)
{
	struct model_task t = { false, false, 0, UINT64_MAX };
	const struct model_host *h = &c->ph.host;
	const struct model_policy *col[3];
	const char *head[3];
	char cells[3][UNITS_IEC_LEN + 16];
	struct model_alloc ma;
	struct table tb;
	size_t n = 0, i;

	if (c->req->runtime) {
		head[n] = "BEFORE";
		col[n++] = &c->plan.before;
		head[n] = "AFTER";
		col[n++] = &c->plan.after;
	} else {
		if (!c->offline) {
			head[n] = "RUNNING";
			col[n++] = &c->plan.before;
		}
		head[n] = "BOOT NOW";
		col[n++] = &c->ps.before_sd.final;
		head[n] = "BOOT AFTER";
		col[n++] = &c->ps.after.sd.final;
	}
	table_init(&tb, n + 1, n == 2 ? "lrr" : "lrrr");
	for (i = 0; i < n; i++)
		snprintf(cells[i], sizeof(cells[i]), "%s", head[i]);
	row(&tb, n, "", cells);
	for (i = 0; i < n; i++)
		snprintf(cells[i], sizeof(cells[i]), "%d %s", col[i]->mode,
			 model_mode_name(col[i]->mode));
	row(&tb, n, "vm.overcommit_memory", cells);
	for (i = 0; i < n; i++)
		snprintf(cells[i], sizeof(cells[i]), "%" PRId64, col[i]->ratio);
	row(&tb, n, "vm.overcommit_ratio", cells);
	for (i = 0; i < n; i++)
		snprintf(cells[i], sizeof(cells[i]), "%" PRIu64, col[i]->kbytes);
	row(&tb, n, "vm.overcommit_kbytes", cells);
	if (!c->offline) {
		for (i = 0; i < n; i++)
			units_iec_kb(model_commit_limit_kb(h, col[i]), cells[i], sizeof(cells[i]));
		row(&tb, n, "CommitLimit", cells);
		for (i = 0; i < n; i++)
			units_iec_skb(model_headroom_kb(h, col[i]), cells[i], sizeof(cells[i]));
		row(&tb, n, "Headroom", cells);
		for (i = 0; i < n; i++) {
			model_max_alloc(h, col[i], &t, &ma);
			units_iec_kb(pages_kb(h, ma.max_pages), cells[i], sizeof(cells[i]));
		}
		row(&tb, n, "Largest allocation", cells);
	}
	table_print(&tb, stdout, ctx->color, "");
}

static void print_writes(const struct plan_write *w, size_t n, const char *title)
{
	size_t i;

	printf("%s", title);
	for (i = 0; i < n; i++)
		printf("%s%s=%s", i ? ", " : " ", plan_key_name(w[i].key), w[i].value);
	printf("\n");
}

/* After a failure: every planned write with what became of it. */
static void print_results(const struct change *c)
{
	size_t i;

	printf("\nAttempted, in order:");
	for (i = 0; i < c->plan.nwrites; i++)
		printf("%s%s=%s (%s)", i ? ", " : " ", plan_key_name(c->plan.writes[i].key),
		       c->plan.writes[i].value,
		       c->result[i] == W_PENDING ? "not attempted"
		       : c->result[i] == W_ROLLED_BACK ? "rolled back"
		       : c->result[i] == W_ROLLBACK_FAILED ? "rollback failed"
						: result_word(c->result[i], false));
	printf("\n");
}

static void shadow_words(const struct change *c, const struct dropin_shadow *s, char *buf,
			 size_t len)
{
	char want[32], got[32];

	key_text(&s->want, s->key, want, sizeof(want));
	key_text(&s->got, s->key, got, sizeof(got));
	if (s->by_set)
		snprintf(buf, len, "%s: %s would be %s at boot, not %s: %s:%u decides it",
			 tool_words(s->tool), prec_key_name(s->key), got, want,
			 c->ps.cd.files[s->by_file].path, s->by_line);
	else
		snprintf(buf, len, "%s: %s would be %s at boot (the kernel default), not %s",
			 tool_words(s->tool), prec_key_name(s->key), got, want);
}

static void print_persist(struct ovc_ctx *ctx, const struct change *c)
{
	const struct persist_state *ps = &c->ps;
	const char *res = file_result_word(c);
	char a[3][32], b[3][32];
	size_t i;

	if (ps->action == PERSIST_NONE)
		return;
	if (!ps->changes)
		printf("\nBoot configuration: %s is already %s.\n", ps->path,
		       ps->action == PERSIST_WRITE ? "as wanted" : "absent");
	else if (!strcmp(res, "written") && ps->untrusted[0] && ps->action == PERSIST_WRITE &&
		 ps->old_len == ps->len && !memcmp(ps->old, ps->text, ps->len))
		printf("\nBoot configuration: rewrote %s: it had the right text but was %s, so "
		       "another user could change it.\n", ps->path, ps->untrusted);
	else if (!strcmp(res, "written"))
		printf("\nBoot configuration: wrote %s.\n", ps->path);
	else if (!strcmp(res, "removed"))
		printf("\nBoot configuration: removed %s.\n", ps->path);
	else if (!strcmp(res, "would_write"))
		printf("\nBoot configuration: would write %s:\n%s", ps->path, ps->text);
	else if (!strcmp(res, "would_remove"))
		printf("\nBoot configuration: would remove %s.\n", ps->path);
	else if (!strcmp(res, "refused"))
		printf("\nBoot configuration: %s would be %s, but the change is refused "
		       "(below).\n", ps->path, ps->action == PERSIST_WRITE ? "written" : "removed");
	else
		printf("\nBoot configuration: %s was not changed (%s).\n", ps->path,
		       ps->result == F_RESTORED ? "restored after the failure"
		       : ps->result == F_RESTORE_FAILED ? "THE RESTORE FAILED"
		       : ps->result == F_FAILED ? "the write failed" : "not attempted");
	if (ps->changes && (ps->result == F_FAILED || ps->result == F_RESTORED ||
			    (ps->result == F_PENDING && !c->req->dry_run && !refused(c)))) {
		const struct model_policy *b0 = &ps->before_sd.final;

		printf("At boot: unchanged, mode %d, ratio %" PRId64 ", kbytes %" PRIu64
		       " (systemd-sysctl)\n", b0->mode, b0->ratio, b0->kbytes);
		return;
	}
	key_text(&ps->after.sd.final, PREC_MEMORY, a[0], sizeof(a[0]));
	key_text(&ps->after.sd.final, PREC_RATIO, a[1], sizeof(a[1]));
	key_text(&ps->after.sd.final, PREC_KBYTES, a[2], sizeof(a[2]));
	key_text(&ps->after.pp.final, PREC_MEMORY, b[0], sizeof(b[0]));
	key_text(&ps->after.pp.final, PREC_RATIO, b[1], sizeof(b[1]));
	key_text(&ps->after.pp.final, PREC_KBYTES, b[2], sizeof(b[2]));
	printf("At boot: mode %s, ratio %s, kbytes %s (systemd-sysctl); mode %s, ratio %s, "
	       "kbytes %s (sysctl --system)\n", a[0], a[1], a[2], b[0], b[1], b[2]);
	for (i = 0; i < ps->after.nshadows; i++) {
		char w[4800];

		shadow_words(c, &ps->after.shadows[i], w, sizeof(w));
		printf("%swarning:%s %s\n", clr(ctx->color, C_YELLOW), clr_off(ctx->color), w);
	}
	if (ps->action == PERSIST_REMOVE &&
	    !policy_equal(&ps->after.sd.final, &(struct model_policy){ 0, 50, 0 }))
		printf("%snote:%s other files still set vm.overcommit_* at boot (ovc verify shows "
		       "which)\n", clr(ctx->color, C_YELLOW), clr_off(ctx->color));
}

static void print_text(struct ovc_ctx *ctx, const struct change *c)
{
	const struct plan *p = &c->plan;

	if (c->req->profile_def)
		printf("Profile %s%s%s: %s\n\n", clr(ctx->color, C_BOLD), c->req->profile_def->name,
		       clr_off(ctx->color), c->req->profile_def->description);

	print_table(ctx, c);
	if (c->req->runtime) {
		if (!p->nwrites)
			printf("\nNothing to change%s: every value is already in place.\n",
			       c->ps.action != PERSIST_NONE ? " at runtime" : "");
		else if (c->failed)
			print_results(c);
		else if (c->req->dry_run || refused(c))
			print_writes(p->writes, p->nwrites, refused(c) ? "\nWould write (refused):"
								       : "\nWould write:");
		else
			print_writes(p->writes, p->nwrites, "\nWritten, in order:");
	} else if (c->offline) {
		printf("\nOffline image: the running kernel is not touched.\n");
	}
	print_persist(ctx, c);
	if ((c->audit.runtime_live || c->audit.file_live) && !c->req->dry_run && !refused(c) &&
	    (p->nwrites || c->ps.changes) &&
	    (c->audit.skip || c->audit.delivered < c->audit.sent))
		printf("note: no audit record (%s)\n", c->audit.why.msg);
	if (c->req->force && c->guard.guard_applies && !c->guard.guard_ok)
		printf("%swarning:%s the guard was overridden with --force\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color));
	if (!c->offline)
		print_warnings(ctx, &c->ph, c->req->runtime ? &p->after : &c->ps.policy, true);
}

static void print_report(struct ovc_ctx *ctx, const struct change *c)
{
	if (ctx->json)
		print_json(ctx, c);
	else
		print_text(ctx, c);
}

/* Exit 9: say exactly what the kernel (or tree) and the drop-in hold now. */
static void print_left(struct ovc_ctx *ctx, const struct change *c)
{
	struct procfs_host now;
	struct ovc_err err = { 0 };

	fprintf(stderr, "ovc: THE ROLLBACK FAILED; ");
	if (c->ps.result == F_RESTORE_FAILED)
		fprintf(stderr, "%s could not be restored (%s); ", c->ps.path,
			c->ps.restore_fail.msg);
	if (!c->req->runtime) {
		fprintf(stderr, "the running values were not touched\n");
		return;
	}
	if (procfs_read_host(&ctx->fs, &now, &err) < 0) {
		fprintf(stderr, "the running values cannot be read back: %s\n", err.msg);
		return;
	}
	fprintf(stderr, "the running values left behind: vm.overcommit_memory=%d "
		"vm.overcommit_ratio=%" PRId64 " vm.overcommit_kbytes=%" PRIu64 "\n",
		now.policy.mode, now.policy.ratio, now.policy.kbytes);
}

/* A failed run: its report, the cause, and what the undo achieved. */
static int report_failure(struct ovc_ctx *ctx, struct change *c, const struct ovc_err *cause,
			  const char *undone)
{
	int rc;

	c->failed = true;
	if (!rollback_failed(c))
		journal_end(c);   /* undone: nothing left to recover */
	print_report(ctx, c);
	if (!ctx->json && c->nundo)
		print_writes(c->undo, c->nundo, "Rolled back:");
	rc = cli_report_stderr(ctx, cause);
	if (rollback_failed(c)) {
		if (c->nundo && c->undo_fail.msg[0])
			cli_report_stderr(ctx, &c->undo_fail);
		if (c->ps.result == F_RESTORE_FAILED)
			cli_report_stderr(ctx, &c->ps.restore_fail);
		print_left(ctx, c);
		return EXIT_ROLLBACK;
	}
	if (undone)
		fprintf(stderr, "ovc: %s\n", undone);
	return rc;
}

/* ---- refusals ---------------------------------------------------------------------- */

static void refuse_guard(const struct change *c, struct ovc_err *err)
{
	char room[UNITS_IEC_LEN], margin[UNITS_IEC_LEN];
	const char *when = c->req->runtime ? "after this change" : "booted with this policy";

	units_iec_kb(c->guard.margin_kb, margin, sizeof(margin));
	if (c->guard.room_after_kb < 0)
		ovc_fail(err, OVC_E_GUARD, 0, NULL, 0,
			 "refusing: %s the committed memory would already be %s past what an "
			 "unprivileged process may commit in mode %d, so new allocations, fork and "
			 "exec would fail (at least %s must stay free); nothing was written", when,
			 units_iec_kb(0 - (uint64_t)c->guard.room_after_kb, room, sizeof(room)),
			 c->guard.after.mode, margin);
	else
		ovc_fail(err, OVC_E_GUARD, 0, NULL, 0,
			 "refusing: %s an unprivileged process could surely allocate only %s in "
			 "mode %d, less than the %s that sshd, systemd and a shell need to fork and "
			 "exec; nothing was written", when,
			 units_iec_kb((uint64_t)c->guard.room_after_kb, room, sizeof(room)),
			 c->guard.after.mode, margin);
}

static void refuse_shadow(const struct change *c, struct ovc_err *err)
{
	char w[4800];

	shadow_words(c, &c->ps.after.shadows[0], w, sizeof(w));
	ovc_fail(err, OVC_E_GUARD, 0, NULL, 0,
		 "refusing: another file would override ovc's drop-in at boot (%s%s); remove "
		 "that assignment, or --force to write it anyway; nothing was written", w,
		 c->ps.after.nshadows > 1 ? ", and more: see ovc verify" : "");
}

static void refuse_foreign(const struct change *c, struct ovc_err *err)
{
	ovc_fail(err, OVC_E_GUARD, 0, c->ps.path, 0,
		 "exists and was not written by ovc (no \"%s\" first line): refusing to %s it; "
		 "--force to %s it anyway; nothing was written", DROPIN_MARKER,
		 c->ps.action == PERSIST_WRITE ? "replace" : "remove",
		 c->ps.action == PERSIST_WRITE ? "replace" : "remove");
}

/* The refusal (one: foreign file, then guard, then shadow), or false. */
static bool refusal(const struct change *c, struct ovc_err *err, const char **kind)
{
	if (c->refused_foreign) {
		refuse_foreign(c, err);
		*kind = "foreign";
	} else if (c->refused_guard) {
		refuse_guard(c, err);
		*kind = "guard";
	} else if (c->refused_shadow) {
		refuse_shadow(c, err);
		*kind = "shadowed";
	} else {
		return false;
	}
	return true;
}

/* ---- the run ----------------------------------------------------------------------- */

int change_writer_opt(struct ovc_ctx *ctx, int c, const char *arg, struct change_req *req,
		      enum change_persist action)
{
	switch (c) {
	case OPT_DRY_RUN:
		req->dry_run = true;
		return 1;
	case OPT_FORCE:
		req->force = true;
		return 1;
	case OPT_PERSIST:
		req->persist = action;
		return 1;
	case OPT_AUDIT:
		if (!strcmp(arg, "auto"))
			req->audit = AUD_AUTO;
		else if (!strcmp(arg, "on"))
			req->audit = AUD_ON;
		else if (!strcmp(arg, "off"))
			req->audit = AUD_OFF;
		else
			return cli_usage_error(ctx, "invalid --audit '%s': auto, on or off", arg),
			       -1;
		return 1;
	}
	return 0;
}

int change_validate(struct ovc_ctx *ctx, const struct plan_request *rq, bool force,
		    bool empty_ok)
{
	switch (plan_validate(rq, force)) {
	case PLAN_VALID:
		return 0;
	case PLAN_EMPTY:
		return empty_ok ? 0
				: cli_usage_error(ctx, "nothing to set: give --mode, --ratio or "
						       "--kbytes");
	case PLAN_BOTH_LIMITS:
		return cli_usage_error(ctx, "--ratio and --kbytes exclude each other: the kernel "
				       "keeps only one (writing either zeroes the other)");
	case PLAN_BAD_MODE:
		return cli_usage_error(ctx, "--mode must be 0, 1 or 2");
	case PLAN_NEGATIVE_RATIO:
		return cli_usage_error(ctx, "a negative --ratio is accepted by the kernel but wraps "
				       "CommitLimit to an astronomic value; refused");
	case PLAN_ZERO_LIMIT:
		return cli_usage_error(ctx, "%s makes CommitLimit swap only (writing either knob "
				       "zeroes the other); --force if that is really meant",
				       rq->ratio_set ? "--ratio 0" : "--kbytes 0");
	}
	return EXIT_USAGE;
}

/* Take the policy lock; say so if another ovc holds it for more than a second. */
static int take_lock(struct ovc_ctx *ctx, struct ovc_lock *lk, bool *waited)
{
	struct ovc_err err = { 0 };
	int i, r;

	if (lock_open(lk, ctx->root_dir, &err) < 0)
		return cli_report(ctx, &err);
	for (i = 0; i < 20; i++) {
		r = lock_try(lk, &err);
		if (r < 0)
			return cli_report(ctx, &err);
		if (r == 1)
			return 0;
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	}
	*waited = true;
	fprintf(stderr, "ovc: waiting for another ovc that holds %s\n", lk->path);
	if (lock_wait(lk, &err) < 0)
		return cli_report(ctx, &err);
	return 0;
}

/* Open the proc tree; refuse a non-root write to the running kernel before anything. */
static int open_proc(struct ovc_ctx *ctx, const struct change_req *req)
{
	struct ovc_err err = { 0 };

	if (fsroot_open(&ctx->fs, ctx->proc_dir, &err) < 0)
		return cli_report(ctx, &err);
	if (req->runtime && !req->dry_run && ctx->fs.is_default && geteuid() != 0) {
		char vm[4200];

		ovc_fail(&err, OVC_E_PERM, EACCES,
			 fsroot_path(&ctx->fs, PROC_VM_DIR, vm, sizeof(vm)), 0,
			 "cannot change vm.overcommit_* in");
		return cli_report(ctx, &err);
	}
	return 0;
}

/* Steps 2-3: read and plan. Returns 0 or an exit status (reported). */
static int prepare(struct ovc_ctx *ctx, struct change *c)
{
	const struct change_req *req = c->req;
	struct ovc_err err = { 0 };
	struct model_policy base;
	int rc;

	if (!c->offline) {
		rc = cli_load_host(ctx, &c->ph);
		if (rc)
			return rc;
		base = c->ph.policy;
	}
	if (c->ps.action != PERSIST_NONE) {
		if (persist_prepare(ctx, c, &err) < 0)
			return cli_report(ctx, &err);
		if (c->offline)
			base = c->ps.before_sd.final;   /* what this image boots with */
	}
	c->rq = req->rq;
	if (req->profile_def) {
		struct profile_host ph = req->host_figures;

		if (!c->offline && !req->host_figures_set) {
			ph.mem_kb = c->ph.host.mem_total_kb;
			ph.swap_kb = c->ph.host.swap_total_kb;
			ph.hugetlb_kb = c->ph.host.hugetlb_kb;
		}
		if (c->offline && !req->host_figures_set && profile_host_relative(req->profile_def))
			return cli_usage_error(ctx, "profile %s depends on the host (%s) and an offline "
					       "image has none: give --mem and --swap",
					       req->profile_def->name, req->profile_def->limit_text);
		if (profile_request(req->profile_def, &ph, &c->rq, &err) < 0)
			return cli_report(ctx, &err);
		rc = change_validate(ctx, &c->rq, req->force, true);
		if (rc)
			return rc;
	}
	if (c->offline) {
		/* no host: the plan gives the after-state only; no guard */
		plan_after(&base, &c->rq, &c->plan.after);
		c->plan.before = base;
		c->guard = c->plan;
	} else {
		plan_make(&c->ph.host, &base, &c->rq, &c->plan);
		c->guard = c->plan;
	}
	c->ps.policy = c->plan.after;
	if (!req->runtime) {
		/* the running values stay: no writes, after == before */
		c->plan.nwrites = 0;
		c->plan.after = c->plan.before;
	}
	if (c->ps.action != PERSIST_NONE && persist_plan(c, &err) < 0)
		return cli_report(ctx, &err);

	/* nothing to write, nothing to refuse: a repeated run stays a no-op (exit 0) */
	c->refused_guard = c->guard.guard_applies && !c->guard.guard_ok && !req->force &&
			   (c->plan.nwrites || c->ps.changes);
	c->refused_shadow = c->ps.shadowed && !req->force && c->ps.changes;
	c->refused_foreign = c->ps.foreign && c->ps.changes && !req->force;
	c->audit.runtime_live = req->runtime && ctx->fs.is_default && !c->offline;
	c->audit.file_live = c->ps.action != PERSIST_NONE && !ctx->root_set;
	return 0;
}

/* Steps 4-8. Returns the exit status. */
static int commit(struct ovc_ctx *ctx, struct change *c)
{
	struct persist_state *ps = &c->ps;
	bool file_step = ps->action != PERSIST_NONE && ps->changes;
	struct ovc_err err = { 0 };
	char old[24];
	size_t i;

	if (audit_precheck(c, &err) < 0)
		return cli_report(ctx, &err);
	if (c->plan.nwrites && journal_begin(ctx, c, &err) < 0)
		return cli_report(ctx, &err);
	if (file_step && ps->action == PERSIST_WRITE &&
	    afile_stage(&ps->dir, DROPIN_NAME, ps->text, ps->len, &ps->stage, &ps->fail) < 0) {
		ps->result = F_FAILED;
		return report_failure(ctx, c, &ps->fail,
				      "nothing was changed: the running values and the boot "
				      "configuration are as they were");
	}
	if (runtime_apply(ctx, c) < 0) {
		afile_discard(&ps->dir, &ps->stage);
		return report_failure(ctx, c, &c->fail,
				      c->nundo ? (ps->action == PERSIST_WRITE && ps->changes
							  ? "rolled back: every value is as it was "
							    "before, and the drop-in was not written"
							  : "rolled back: every value is as it was before")
					       : ps->action != PERSIST_NONE && ps->changes
						       ? "nothing was changed: the boot configuration was "
							 "not touched either"
						       : NULL);
	}
	if (file_step) {
		int r = ps->action == PERSIST_WRITE
				? afile_commit(&ps->dir, &ps->stage, DROPIN_NAME, &ps->fail)
				: afile_remove(&ps->dir, DROPIN_NAME, &ps->fail);

		if (r < 0) {
			ps->result = F_FAILED;
			if (r == -2)   /* in place but not durable: put the old file back */
				persist_undo(c);
			runtime_undo(ctx, c, c->plan.nwrites);
			return report_failure(ctx, c, &ps->fail,
					      c->plan.nwrites ? "rolled back: the running values are "
								"as they were before"
							      : NULL);
		}
		ps->result = ps->action == PERSIST_WRITE ? F_WRITTEN : F_REMOVED;
	}
	for (i = 0; i < c->plan.nwrites; i++)
		audit_write(c, "set", &c->plan.writes[i],
			    old_value(&c->plan, c->plan.writes[i].key, old, sizeof(old)), true);
	if (file_step)
		audit_persist(c, true);
	if (c->audit.mode == AUD_ON && c->audit.delivered < c->audit.sent) {
		struct ovc_err why = c->audit.why;

		/* --audit=on: no record, no change */
		why.code = OVC_E_AUDIT;
		if (file_step)
			persist_undo(c);
		runtime_undo(ctx, c, c->plan.nwrites);
		return report_failure(ctx, c, &why, "--audit=on: the change was undone");
	}
	journal_end(c);
	return EXIT_OK;
}

int change_run(struct ovc_ctx *ctx, const struct change_req *req)
{
	struct ovc_lock lk = { .fd = -1 };
	struct change *c;
	int rc;

	c = calloc(1, sizeof(*c));
	if (!c) {
		struct ovc_err err = { 0 };

		ovc_fail(&err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
		return cli_report(ctx, &err);
	}
	c->req = req;
	c->ps.action = req->persist;
	c->ps.dir.fd = -1;
	c->jdir.fd = -1;
	c->audit.mode = req->audit;
	c->offline = ctx->root_set && !ctx->proc_set;
	/* keep no more than this run's audit needs; AUDIT_CONTROL only to ask whether
	 * auditing is on (raised for that call) */
	{
		struct ovc_err err = { 0 };

		if (caps_keep_audit(req->audit != AUD_OFF, req->audit != AUD_OFF, &err) < 0) {
			rc = cli_report(ctx, &err);
			goto out;
		}
	}
	if (!c->offline) {
		rc = open_proc(ctx, req);
		if (rc)
			goto out;
	}
	/* Lock first, then read: a second ovc sees what the first left. */
	if (!req->dry_run) {
		rc = take_lock(ctx, &lk, &c->waited);
		if (!rc)
			rc = recover(ctx, c);
		if (rc)
			goto out;
	}
	rc = prepare(ctx, c);
	if (rc)
		goto out;
	if (!refused(c) && !req->dry_run && (c->plan.nwrites || c->ps.changes)) {
		rc = commit(ctx, c);
		if (rc)
			goto out;
	}
	print_report(ctx, c);
	{
		struct ovc_err err = { 0 };
		const char *kind;

		rc = refusal(c, &err, &kind) ? cli_report_stderr(ctx, &err) : EXIT_OK;
	}
out:
	lock_close(&lk);
	afile_close_dir(&c->jdir);
	afile_close_dir(&c->ps.dir);
	free(c->ps.old);
	confdirs_free(&c->ps.cd);
	free(c);
	return rc;
}
