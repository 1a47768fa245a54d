/* SPDX-License-Identifier: MIT */
/*
 * cmd_set.c - "ovc set": change vm.overcommit_* at runtime. Validate, lock, read, plan
 * (pure), show before/after, guard, then write in the planned order with rollback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "../core/auditmsg.h"
#include "../core/plan.h"
#include "../core/units.h"
#include "../sys/audit.h"
#include "../sys/caps.h"
#include "../sys/lock.h"
#include "../sys/sysctl.h"
#include "render.h"
#include "shared.h"

enum write_result { W_PENDING, W_WRITTEN, W_FAILED, W_ROLLED_BACK, W_ROLLBACK_FAILED };

enum audit_mode { AUD_AUTO, AUD_ON, AUD_OFF };

struct audit_state {
	enum audit_mode mode;
	bool live;            /* only a change to the running kernel is audited */
	int enabled;          /* AUDIT_GET: 0 off (records dropped), >0 on, -1 unknown */
	bool skip;            /* no record can be logged (disabled or unavailable): none sent */
	unsigned sent, delivered;
	bool unavailable, failed;
	struct ovc_err why;   /* the first reason a record was not delivered */
};

struct set_run {
	struct plan plan;
	struct audit_state audit;
	enum write_result result[2];
	struct plan_write undo[2];
	enum write_result undo_result[2];
	size_t nundo;
	struct ovc_err fail, undo_fail;
	bool dry_run, force, refused, waited;
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

static void json_state(struct json *j, const char *key, const struct model_host *h,
		       const struct model_policy *p)
{
	struct model_task t = { false, false, 0, UINT64_MAX };
	struct model_alloc u, a;

	model_max_alloc(h, p, &t, &u);
	t.admin = true;
	model_max_alloc(h, p, &t, &a);
	json_obj(j, key);
	json_i64(j, "mode", p->mode);
	json_i64(j, "ratio", p->ratio);
	json_u64(j, "kbytes", p->kbytes);
	json_u64(j, "commit_limit_kb", model_commit_limit_kb(h, p));
	json_i64(j, "headroom_kb", model_headroom_kb(h, p));
	json_u64(j, "max_alloc_kb", pages_kb(h, u.max_pages));
	json_u64(j, "max_alloc_admin_kb", pages_kb(h, a.max_pages));
	json_end(j);
}

static void print_table(struct ovc_ctx *ctx, const struct model_host *h, const struct plan *p)
{
	struct model_task t = { false, false, 0, UINT64_MAX };
	struct model_alloc ub, ua;
	char b[3][UNITS_IEC_LEN], a[3][UNITS_IEC_LEN], mb[32], ma[32], rb[24], ra[24], kb[24],
		ka[24];
	struct table tb;

	model_max_alloc(h, &p->before, &t, &ub);
	model_max_alloc(h, &p->after, &t, &ua);
	snprintf(mb, sizeof(mb), "%d %s", p->before.mode, model_mode_name(p->before.mode));
	snprintf(ma, sizeof(ma), "%d %s", p->after.mode, model_mode_name(p->after.mode));
	snprintf(rb, sizeof(rb), "%" PRId64, p->before.ratio);
	snprintf(ra, sizeof(ra), "%" PRId64, p->after.ratio);
	snprintf(kb, sizeof(kb), "%" PRIu64, p->before.kbytes);
	snprintf(ka, sizeof(ka), "%" PRIu64, p->after.kbytes);
	table_init(&tb, 3, "lrr");
	table_row(&tb, "", "BEFORE", "AFTER");
	table_row(&tb, "vm.overcommit_memory", mb, ma);
	table_row(&tb, "vm.overcommit_ratio", rb, ra);
	table_row(&tb, "vm.overcommit_kbytes", kb, ka);
	table_row(&tb, "CommitLimit",
		  units_iec_kb(model_commit_limit_kb(h, &p->before), b[0], UNITS_IEC_LEN),
		  units_iec_kb(model_commit_limit_kb(h, &p->after), a[0], UNITS_IEC_LEN));
	table_row(&tb, "Headroom", units_iec_skb(model_headroom_kb(h, &p->before), b[1],
						 UNITS_IEC_LEN),
		  units_iec_skb(model_headroom_kb(h, &p->after), a[1], UNITS_IEC_LEN));
	table_row(&tb, "Largest allocation",
		  units_iec_kb(pages_kb(h, ub.max_pages), b[2], UNITS_IEC_LEN),
		  units_iec_kb(pages_kb(h, ua.max_pages), a[2], UNITS_IEC_LEN));
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

/* The guard's refusal: the numbers, then what overrides it. */
static int refuse(struct ovc_ctx *ctx, const struct set_run *run)
{
	struct ovc_err err = { 0 };
	char room[UNITS_IEC_LEN], margin[UNITS_IEC_LEN];

	units_iec_kb(run->plan.margin_kb, margin, sizeof(margin));
	if (run->plan.room_after_kb < 0)
		ovc_fail(&err, OVC_E_GUARD, 0, NULL, 0,
			 "refusing: after this change the committed memory would already be %s past "
			 "what an unprivileged process may commit in mode %d, so new allocations, "
			 "fork and exec would fail (at least %s must stay free); nothing was written",
			 units_iec_kb((uint64_t)-run->plan.room_after_kb, room, sizeof(room)),
			 run->plan.after.mode, margin);
	else
		ovc_fail(&err, OVC_E_GUARD, 0, NULL, 0,
			 "refusing: after this change an unprivileged process could surely allocate "
			 "only %s in mode %d, less than the %s that sshd, systemd and a shell need "
			 "to fork and exec; nothing was written",
			 units_iec_kb((uint64_t)run->plan.room_after_kb, room, sizeof(room)),
			 run->plan.after.mode, margin);
	return cli_report_stderr(ctx, &err);
}

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

/* One USYS_CONFIG record; CAP_AUDIT_WRITE is effective only during the send. */
static void audit_one(struct set_run *run, const char *op, const struct plan_write *w,
		      const char *old, bool ok)
{
	struct audit_state *a = &run->audit;
	struct ovc_err err = { 0 };
	char text[512];
	enum audit_result r;

	if (a->mode == AUD_OFF || !a->live || a->skip)
		return;
	a->sent++;
	if (auditmsg_format(text, sizeof(text), op, plan_key_name(w->key), old, w->value, ok) < 0) {
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

/*
 * Before writing, learn whether a record can be logged at all. Auditing switched off
 * still ACKs records and drops them (audit.h), so the kernel is asked (AUDIT_GET, with
 * CAP_AUDIT_CONTROL raised for the call). --audit=auto then sends nothing where nothing
 * can be logged and says why; --audit=on refuses to change anything. When the kernel
 * will not say (not the initial pid namespace), every send must be ACKed instead.
 */
static int audit_precheck(struct set_run *run, struct ovc_err *err)
{
	struct audit_state *a = &run->audit;
	struct ovc_err why = { 0 };

	if (a->mode == AUD_OFF || !a->live)
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

/* Record the failed write (if any), undo the `done` writes before it, record the undo. */
static void audit_failure_and_undo(struct ovc_ctx *ctx, struct set_run *run, size_t done)
{
	char old[24];
	size_t k;

	if (done < run->plan.nwrites && run->result[done] == W_FAILED)
		audit_one(run, "set", &run->plan.writes[done],
			  old_value(&run->plan, run->plan.writes[done].key, old, sizeof(old)), false);
	run->nundo = plan_rollback(&run->plan, done, run->undo);
	for (k = 0; k < run->nundo; k++) {
		bool ok = sysctl_apply(&ctx->fs, &run->undo[k], &run->undo_fail) == 0;

		run->undo_result[k] = ok ? W_ROLLED_BACK : W_ROLLBACK_FAILED;
		if (ok)
			run->result[done - 1 - k] = W_ROLLED_BACK;
		/* the undo's "old" is what this run wrote */
		audit_one(run, "rollback", &run->undo[k], run->plan.writes[done - 1 - k].value, ok);
	}
}

/* Write the plan; on failure undo what was written, in reverse. Returns 0, or -1. */
static int apply(struct ovc_ctx *ctx, struct set_run *run)
{
	size_t i;

	for (i = 0; i < run->plan.nwrites; i++) {
		if (sysctl_apply(&ctx->fs, &run->plan.writes[i], &run->fail) == 0) {
			run->result[i] = W_WRITTEN;
			continue;
		}
		run->result[i] = W_FAILED;
		audit_failure_and_undo(ctx, run, i);
		return -1;
	}
	return 0;
}

/* Exit 9: say exactly what the kernel (or tree) holds now, read back. */
static void print_left(struct ovc_ctx *ctx)
{
	struct procfs_host now;
	struct ovc_err err = { 0 };

	fprintf(stderr, "ovc: THE ROLLBACK FAILED; ");
	if (procfs_read_host(&ctx->fs, &now, &err) < 0) {
		fprintf(stderr, "the state left behind cannot be read back: %s\n", err.msg);
		return;
	}
	fprintf(stderr, "the state left behind: vm.overcommit_memory=%d vm.overcommit_ratio=%"
		PRId64 " vm.overcommit_kbytes=%" PRIu64 "\n", now.policy.mode, now.policy.ratio,
		now.policy.kbytes);
}

static bool rollback_failed(const struct set_run *run)
{
	size_t k;

	for (k = 0; k < run->nundo; k++)
		if (run->undo_result[k] != W_ROLLED_BACK)
			return true;
	return false;
}

/* Something was written and stays written (also when an undo failed: exit 9). */
static bool stays_changed(const struct set_run *run)
{
	size_t i;

	for (i = 0; i < run->plan.nwrites; i++)
		if (run->result[i] == W_WRITTEN)
			return true;
	return false;
}

/*
 * delivered: ACKed, and the kernel said auditing is on; acknowledged: ACKed, but the
 * kernel would not say whether it is on; disabled: on but switched off, nothing sent.
 */
static const char *audit_status(const struct audit_state *a, bool wrote)
{
	if (a->mode == AUD_OFF)
		return "off";
	if (!a->live)
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

static void print_json(struct ovc_ctx *ctx, const struct procfs_host *ph,
		       const struct set_run *run)
{
	const struct plan *p = &run->plan;
	char path[4200];
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_bool(&j, "changed", stays_changed(run));
	json_bool(&j, "would_change", p->nwrites > 0);
	json_bool(&j, "dry_run", run->dry_run);
	json_bool(&j, "refused", run->refused);
	json_bool(&j, "forced", run->force && p->guard_applies && !p->guard_ok);
	json_state(&j, "before", &ph->host, &p->before);
	json_state(&j, "after", &ph->host, &p->after);
	json_arr(&j, "writes");
	for (i = 0; i < p->nwrites; i++) {
		json_obj(&j, NULL);
		json_str(&j, "key", plan_key_name(p->writes[i].key));
		json_str(&j, "path", fsroot_path(&ctx->fs, sysctl_rel(p->writes[i].key), path,
						  sizeof(path)));
		json_str(&j, "value", p->writes[i].value);
		json_str(&j, "result", run->refused ? "refused"
				       : result_word(run->result[i], run->dry_run));
		json_end(&j);
	}
	json_end(&j);
	json_arr(&j, "rollback");
	for (i = 0; i < run->nundo; i++) {
		json_obj(&j, NULL);
		json_str(&j, "key", plan_key_name(run->undo[i].key));
		json_str(&j, "value", run->undo[i].value);
		json_str(&j, "result", result_word(run->undo_result[i], false));
		json_end(&j);
	}
	json_end(&j);
	json_obj(&j, "guard");
	json_bool(&j, "applies", p->guard_applies);
	json_bool(&j, "ok", p->guard_ok);
	json_u64(&j, "margin_kb", p->margin_kb);
	json_i64(&j, "room_before_kb", p->room_before_kb);
	json_i64(&j, "room_after_kb", p->room_after_kb);
	json_end(&j);
	json_bool(&j, "waited_for_lock", run->waited);
	json_obj(&j, "audit");
	json_str(&j, "mode", run->audit.mode == AUD_ON ? "on" : run->audit.mode == AUD_OFF ? "off"
										: "auto");
	json_str(&j, "status", audit_status(&run->audit, p->nwrites > 0 && !run->dry_run &&
							    !run->refused));
	json_u64(&j, "records", run->audit.sent);
	json_u64(&j, "delivered", run->audit.delivered);
	json_str(&j, "reason", run->audit.why.msg[0] ? run->audit.why.msg : NULL);
	json_end(&j);
	json_warnings(&j, ph, &p->after);
	json_end(&j);
}

/* A failed run: its document (or table), the cause, and what the undo achieved. */
static int report_failure(struct ovc_ctx *ctx, const struct procfs_host *ph,
			  struct set_run *run, const struct ovc_err *cause, const char *undone)
{
	int rc;

	if (ctx->json) {
		print_json(ctx, ph, run);
	} else {
		print_table(ctx, &ph->host, &run->plan);
		if (run->nundo)
			print_writes(run->undo, run->nundo, "Rolled back:");
	}
	rc = cli_report_stderr(ctx, cause);
	if (rollback_failed(run)) {
		cli_report_stderr(ctx, &run->undo_fail);
		print_left(ctx);
		return EXIT_ROLLBACK;
	}
	if (run->nundo)
		fprintf(stderr, "ovc: %s\n", undone);
	return rc;
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

static int validate(struct ovc_ctx *ctx, const struct plan_request *rq, bool force)
{
	switch (plan_validate(rq, force)) {
	case PLAN_VALID:
		return 0;
	case PLAN_EMPTY:
		return cli_usage_error(ctx, "nothing to set: give --mode, --ratio or --kbytes");
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

int cmd_set(struct ovc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "ratio", required_argument, NULL, OPT_RATIO },
		{ "kbytes", required_argument, NULL, OPT_KBYTES },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "check", no_argument, NULL, OPT_DRY_RUN },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "audit", required_argument, NULL, OPT_AUDIT },
		{ NULL, 0, NULL, 0 },
	};
	struct whatif w = { 0 };
	struct plan_request rq = { 0 };
	struct set_run run = { 0 };
	struct procfs_host ph;
	struct ovc_lock lk = { .fd = -1 };
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int r = ch == OPT_MODE || ch == OPT_RATIO || ch == OPT_KBYTES
				? whatif_opt(ctx, &w, ch, optarg) : 0;

		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (ch == OPT_DRY_RUN)
			run.dry_run = true;
		else if (ch == OPT_AUDIT && !strcmp(optarg, "auto"))
			run.audit.mode = AUD_AUTO;
		else if (ch == OPT_AUDIT && !strcmp(optarg, "on"))
			run.audit.mode = AUD_ON;
		else if (ch == OPT_AUDIT && !strcmp(optarg, "off"))
			run.audit.mode = AUD_OFF;
		else if (ch == OPT_AUDIT)
			return cli_usage_error(ctx, "invalid --audit '%s': auto, on or off", optarg);
		else if (ch == OPT_FORCE)
			run.force = true;
		else if (!cli_common_opt(ctx, ch, optarg))
			return cli_bad_option(ctx);
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	rq.mode_set = w.mode_set;
	rq.mode = w.mode;
	rq.ratio_set = w.ratio_set;
	rq.ratio = w.ratio;
	rq.kbytes_set = w.kbytes_set;
	rq.kbytes = w.kbytes;
	rc = validate(ctx, &rq, run.force);
	if (rc)
		return rc;
	if (ctx->root_set && !ctx->proc_set)
		return cli_usage_error(ctx, "--root without --proc is an offline image, which has "
				       "no running kernel to set");
	/* keep no more than this run's audit needs */
	{
		struct ovc_err err = { 0 };

		/* AUDIT_CONTROL only to ask whether auditing is on (raised for that call) */
		if (caps_keep_audit(run.audit.mode != AUD_OFF, run.audit.mode != AUD_OFF, &err) < 0)
			return cli_report(ctx, &err);
	}

	/* The running kernel takes writes from the host's root only: say so before anything. */
	{
		struct ovc_err err = { 0 };

		if (fsroot_open(&ctx->fs, ctx->proc_dir, &err) < 0)
			return cli_report(ctx, &err);
		if (!run.dry_run && ctx->fs.is_default && geteuid() != 0) {
			char vm[4200];

			ovc_fail(&err, OVC_E_PERM, EACCES,
				 fsroot_path(&ctx->fs, PROC_VM_DIR, vm, sizeof(vm)), 0,
				 "cannot change vm.overcommit_* in");
			return cli_report(ctx, &err);
		}
	}
	/* Lock first, then read: a second ovc sees what the first left. */
	if (!run.dry_run) {
		rc = take_lock(ctx, &lk, &run.waited);
		if (rc)
			return rc;
	}
	rc = cli_load_host(ctx, &ph);
	if (rc)
		goto out;
	plan_make(&ph.host, &ph.policy, &rq, &run.plan);
	run.refused = run.plan.guard_applies && !run.plan.guard_ok && !run.force;
	run.audit.live = ctx->fs.is_default;
	if (!run.refused && !run.dry_run && run.plan.nwrites) {
		struct ovc_err err = { 0 };

		if (audit_precheck(&run, &err) < 0) {
			rc = cli_report(ctx, &err);
			goto out;
		}
	}

	if (!run.refused && !run.dry_run && apply(ctx, &run) < 0) {
		rc = report_failure(ctx, &ph, &run, &run.fail,
				    "rolled back: every value is as it was before");
		goto out;
	}

	if (!run.refused && !run.dry_run) {
		char old[24];
		size_t i;

		for (i = 0; i < run.plan.nwrites; i++)
			audit_one(&run, "set", &run.plan.writes[i],
				  old_value(&run.plan, run.plan.writes[i].key, old, sizeof(old)), true);
		if (run.audit.mode == AUD_ON && run.audit.delivered < run.audit.sent) {
			struct ovc_err err = run.audit.why;

			/* --audit=on: no record, no change */
			err.code = OVC_E_AUDIT;
			audit_failure_and_undo(ctx, &run, run.plan.nwrites);
			rc = report_failure(ctx, &ph, &run, &err,
					    "--audit=on: the change was undone");
			goto out;
		}
	}

	if (ctx->json) {
		print_json(ctx, &ph, &run);
	} else {
		print_table(ctx, &ph.host, &run.plan);
		if (!run.plan.nwrites)
			printf("\nNothing to change: every value is already in place.\n");
		else if (run.dry_run || run.refused)
			print_writes(run.plan.writes, run.plan.nwrites,
				     run.refused ? "\nWould write (refused):" : "\nWould write:");
		else
			print_writes(run.plan.writes, run.plan.nwrites, "\nWritten, in order:");
		if (run.audit.live && run.plan.nwrites && !run.dry_run && !run.refused &&
		    (run.audit.skip || run.audit.delivered < run.audit.sent))
			printf("note: no audit record (%s)\n", run.audit.why.msg);
		if (run.force && run.plan.guard_applies && !run.plan.guard_ok)
			printf("%swarning:%s the guard was overridden with --force\n",
			       clr(ctx->color, C_YELLOW), clr_off(ctx->color));
		print_warnings(ctx, &ph, &run.plan.after, true);
	}
	rc = run.refused ? refuse(ctx, &run) : EXIT_OK;
out:
	lock_close(&lk);
	return rc;
}
