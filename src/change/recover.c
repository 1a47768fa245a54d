/* SPDX-License-Identifier: MIT */
/*
 * recover.c - the journal (core/journal): written before a change's first write and
 * removed when it is done, so that the next ovc under the lock finishes or undoes a
 * change that a kill interrupted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/journal.h"
#include "../sys/sysctl.h"
#include "internal.h"

int change_journal_begin(struct change *c, struct ovc_err *err)
{
	const struct change_result *r = c->res;
	const struct change_dropin *ps = &r->ps;
	struct journal j = { 0 };
	struct afile_stage st;
	char text[JOURNAL_MAX], *abs;
	int n;

	j.pid = (long)getpid();
	abs = realpath(c->env->proc_dir, NULL);   /* the next ovc may run elsewhere */
	snprintf(j.proc, sizeof(j.proc), "%s", abs ? abs : c->env->proc_dir);
	free(abs);
	j.before = r->plan.before;
	j.after = r->plan.after;
	if (ps->action == PERSIST_WRITE && ps->change.changes) {
		j.persist = JOURNAL_WRITE;
		memcpy(j.text, ps->text, ps->len);
		j.len = ps->len;
	} else if (ps->action == PERSIST_REMOVE && ps->change.changes) {
		j.persist = JOURNAL_REMOVE;
	}
	n = journal_render(&j, text, sizeof(text));
	if (n < 0)
		return ovc_fail(err, OVC_E_USAGE, 0, c->env->proc_dir, 0,
				"cannot record this change (a newline in --proc?)");
	if (afile_open_dir(&c->jdir, c->env->root, JOURNAL_REL_DIR, true, err) < 0 ||
	    afile_stage(&c->jdir, JOURNAL_NAME, text, (size_t)n, &st, err) < 0 ||
	    afile_commit(&c->jdir, &st, JOURNAL_NAME, err) < 0)
		return -1;
	c->journaled = true;
	return 0;
}

void change_journal_end(struct change *c)
{
	struct change_result *r = c->res;

	if (c->journaled && afile_remove(&c->jdir, JOURNAL_NAME, &r->journal_left) < 0)
		snprintf(r->journal_path, sizeof(r->journal_path), "%s/%s", c->jdir.path,
			 JOURNAL_NAME);
	c->journaled = false;
}

static int read_optional(const struct fsroot *root, const char *rel_dir, const char *name,
			 char **buf, size_t *len, struct afile_dir *d, struct ovc_err *err)
{
	int r = afile_open_dir(d, root, rel_dir, false, err);

	*buf = NULL;
	*len = 0;
	if (r != 0)
		return r;
	return afile_read(d, name, buf, len, err);
}

/*
 * A journal left by a killed ovc: bring the running values of the tree it names to the
 * state the drop-in says it reached, then remove it. Nothing else is done while it stands.
 */
int change_recover(struct change *c)
{
	struct change_result *res = c->res;
	struct afile_dir jd = { .fd = -1 }, dd = { .fd = -1 };
	struct ovc_err *err = &res->error;
	struct journal *j = calloc(1, sizeof(*j));
	struct procfs_host *rh = calloc(1, sizeof(*rh));
	struct plan_request rq = { .mode_set = true };
	const struct model_policy *to;
	struct fsroot rfs = { .fd = -1 };
	struct plan rp;
	char *jt = NULL, *dt = NULL;
	size_t jl, dl, i;
	int r, rc = -1;

	if (!j || !rh) {
		ovc_fail(err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
		goto out;
	}
	r = read_optional(c->env->root, JOURNAL_REL_DIR, JOURNAL_NAME, &jt, &jl, &jd, err);
	if (r == 1 || (r == 0 && !jt)) {
		rc = 0;   /* no journal: nothing was interrupted */
		goto out;
	}
	snprintf(res->recover_path, sizeof(res->recover_path), "%s/%s", jd.path, JOURNAL_NAME);
	if (r < 0)
		goto out;
	if (journal_parse(jt, jl, j) < 0) {
		ovc_fail(err, OVC_E_INPUT, 0, res->recover_path, 0,
			 "an interrupted change left a record ovc cannot read: check the running values and ovc's drop-in, then remove it");
		goto out;
	}
	if (read_optional(c->env->root, DROPIN_REL_DIR, DROPIN_NAME, &dt, &dl, &dd, err) < 0 ||
	    fsroot_open_proc(&rfs, j->proc, err) < 0 || procfs_read_host(&rfs, rh, err) < 0)
		goto out;
	to = journal_target(j, dt, dl, &rh->policy, &res->recovered_committed);
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
		bool ok = sysctl_apply(&rfs, &rp.writes[i], err) == 0;

		knob_format(&rp.before, rp.writes[i].key, old, sizeof(old));
		change_audit_record(c, rfs.live, "recover", knob_name(rp.writes[i].key), old,
				    rp.writes[i].value, ok);
		if (!ok) {
			res->recover_failed = true;
			goto out;
		}
	}
	if (afile_remove(&jd, JOURNAL_NAME, err) < 0)
		goto out;
	res->recovered = true;
	res->recovered_pid = j->pid;
	res->recovered_to = *to;
	rc = 0;
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
