/* SPDX-License-Identifier: MIT */
/*
 * writer.c - the writers' options, the call into the change engine, the exit status of
 * its result (with what a failed rollback left behind) and the words every rendering of
 * it shares (refusals, shadows).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../core/units.h"
#include "render.h"
#include "writer.h"

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
			return cli_usage_error(ctx, "invalid --audit '%s': auto, on or off", arg), -1;
		return 1;
	case OPT_WAIT: {
		const char *why;

		if (units_parse_seconds_ms(arg, WRITER_WAIT_MAX_MS, &req->lock_wait_ms, &why) < 0)
			return cli_usage_error(ctx, "invalid --wait '%s': %s (seconds, at most 86400, to the millisecond: 0, 30, 2.5)",
					       arg, why), -1;
		req->lock_wait_set = true;
		return 1;
	}
	case OPT_NO_WAIT:
		req->lock_wait_set = true;
		req->lock_wait_ms = 0;
		return 1;
	}
	return 0;
}

int change_validate(struct ovc_ctx *ctx, const struct plan_request *rq, bool force,
		    bool empty_ok)
{
	enum plan_invalid v = plan_validate(rq, force);

	if (v == PLAN_VALID || (v == PLAN_EMPTY && empty_ok))
		return 0;
	return cli_usage_error(ctx, "%s", plan_invalid_text(v, rq));
}

const char *change_write_token(enum write_result w, bool dry_run)
{
	switch (w) {
	case W_PENDING:          return dry_run ? "would_write" : "not_attempted";
	case W_WRITTEN:          return "written";
	case W_FAILED:           return "failed";
	case W_ROLLED_BACK:      return "rolled_back";
	case W_ROLLBACK_FAILED:  return "rollback_failed";
	}
	return "?";
}

void change_shadow_words(const struct change_result *r, const struct dropin_shadow *s,
			 char *buf, size_t len)
{
	char want[32], got[32];

	knob_format(&s->want, s->key, want, sizeof(want));
	knob_format(&s->got, s->key, got, sizeof(got));
	if (s->by_set)
		snprintf(buf, len, "%s: %s would be %s at boot, not %s: %s:%u decides it",
			 prec_tool_name(s->tool), knob_name(s->key), got, want,
			 r->ps.cd.files[s->by_file].path, s->by_line);
	else
		snprintf(buf, len, "%s: %s would be %s at boot (the kernel default), not %s",
			 prec_tool_name(s->tool), knob_name(s->key), got, want);
}

bool change_refusal(const struct change_result *r, struct ovc_err *err, const char **kind)
{
	const char *persist_verb = r->ps.action == PERSIST_WRITE ? "replace" : "remove";
	char room[UNITS_IEC_LEN], margin[UNITS_IEC_LEN], w[4800];
	const struct plan *g = &r->guard;
	const char *when = r->req->runtime ? "after this change" : "booted with this policy";

	switch (r->decision.refusal) {
	case REFUSE_NONE:
		return false;
	case REFUSE_FOREIGN:
		*kind = "foreign";
		ovc_fail(err, OVC_E_GUARD, 0, r->ps.path, 0,
			 "exists and was not written by ovc (no \"%s\" first line): refusing to %s it; --force to %s it anyway; nothing was written",
			 DROPIN_MARKER, persist_verb, persist_verb);
		return true;
	case REFUSE_GUARD:
		*kind = "guard";
		units_iec_kb(g->margin_kb, margin, sizeof(margin));
		if (g->room_after_kb < 0)
			ovc_fail(err, OVC_E_GUARD, 0, NULL, 0,
				 "refusing: %s the committed memory would already be %s past what an unprivileged process may commit in mode %d, so new allocations, fork and exec would fail (at least %s must stay free); nothing was written",
				 when, units_iec_kb(0 - (uint64_t)g->room_after_kb, room, sizeof(room)),
				 g->after.mode, margin);
		else
			ovc_fail(err, OVC_E_GUARD, 0, NULL, 0,
				 "refusing: %s an unprivileged process could surely allocate only %s in mode %d, less than the %s that sshd, systemd and a shell need to fork and exec; nothing was written",
				 when, units_iec_kb((uint64_t)g->room_after_kb, room, sizeof(room)),
				 g->after.mode, margin);
		return true;
	case REFUSE_SHADOWED:
		*kind = "shadowed";
		change_shadow_words(r, &r->ps.after.shadows[0], w, sizeof(w));
		ovc_fail(err, OVC_E_GUARD, 0, NULL, 0,
			 "refusing: another file would override ovc's drop-in at boot (%s%s); remove that assignment, or --force to write it anyway; nothing was written",
			 w, r->ps.after.nshadows > 1 ? ", and more: see ovc verify" : "");
		return true;
	}
	return false;
}

static void waiting(void *arg, const char *lock_path)
{
	(void)arg;
	fprintf(stderr, "ovc: waiting for another ovc that holds %s\n", esc(lock_path));
}

static const char *undone_words(enum change_undone u)
{
	switch (u) {
	case UNDONE_UNSAID:
		break;
	case UNDONE_NOTHING_CHANGED:
		return "nothing was changed: the running values and the boot configuration are as they were";
	case UNDONE_RUNTIME:
		return "rolled back: every value is as it was before";
	case UNDONE_RUNTIME_NO_DROPIN:
		return "rolled back: every value is as it was before, and the drop-in was not written";
	case UNDONE_BOOT_UNTOUCHED:
		return "nothing was changed: the boot configuration was not touched either";
	case UNDONE_RUNTIME_AFTER_DROPIN:
		return "rolled back: the running values are as they were before";
	case UNDONE_AUDIT_ON:
		return "--audit=on: the change was undone";
	}
	return NULL;
}

/* Exit 9: say exactly what the kernel (or tree) and the drop-in hold now. */
static void print_left(const struct change_result *r)
{
	fprintf(stderr, "ovc: THE ROLLBACK FAILED; ");
	if (r->ps.result == F_RESTORE_FAILED)
		fprintf(stderr, "%s could not be restored (%s); ", esc(r->ps.path),
			esc(r->ps.restore_fail.msg));
	if (!r->req->runtime)
		fprintf(stderr, "the running values were not touched\n");
	else if (!r->left_known)
		fprintf(stderr, "the running values cannot be read back: %s\n", esc(r->left_err.msg));
	else
		fprintf(stderr, "the running values left behind: vm.overcommit_memory=%d vm.overcommit_ratio=%" PRId64 " vm.overcommit_kbytes=%" PRIu64 "\n",
			r->left.mode, r->left.ratio, r->left.kbytes);
}

/* The stderr lines of a run, after its report. */
static int finish(struct ovc_ctx *ctx, const struct change_result *r)
{
	struct ovc_err err = { 0 };
	const char *kind, *undone;
	int rc = EXIT_OK;

	switch (r->outcome) {
	case CHANGE_DONE:
		break;
	case CHANGE_REFUSED:
		if (change_refusal(r, &err, &kind))
			rc = cli_report_stderr(ctx, &err);
		break;
	case CHANGE_ERROR:
		break;   /* reported before any report (cli_change) */
	case CHANGE_FAILED:
	case CHANGE_ROLLBACK_FAILED:
		if (!ctx->json && r->nundo)
			change_print_writes(r->undo, r->nundo, "Rolled back:");
		rc = cli_report_stderr(ctx, &r->error);
		if (r->outcome == CHANGE_ROLLBACK_FAILED) {
			if (r->nundo && r->undo_fail.msg[0])
				cli_report_stderr(ctx, &r->undo_fail);
			if (r->ps.result == F_RESTORE_FAILED)
				cli_report_stderr(ctx, &r->ps.restore_fail);
			print_left(r);
			return EXIT_ROLLBACK;
		}
		undone = undone_words(r->undone);
		if (undone)
			fprintf(stderr, "ovc: %s\n", undone);
		break;
	}
	return rc;
}

/* What a change left written, for a report that cannot be written (cli_close_stdout). */
static void committed_words(const struct change_result *r, char *buf, size_t len)
{
	size_t i, o = 0;
	bool runtime = false;

	buf[0] = '\0';
	for (i = 0; i < r->plan.nwrites; i++)
		runtime |= r->result[i] == W_WRITTEN;
	if (runtime)
		o = (size_t)snprintf(buf, len, "the running values are vm.overcommit_memory=%d vm.overcommit_ratio=%" PRId64 " vm.overcommit_kbytes=%" PRIu64,
				     r->plan.after.mode, r->plan.after.ratio, r->plan.after.kbytes);
	if (o < len && (r->ps.result == F_WRITTEN || r->ps.result == F_REMOVED))
		snprintf(buf + o, len - o, "%s%s was %s", o ? "; " : "", r->ps.path,
			 r->ps.result == F_WRITTEN ? "written" : "removed");
}

int cli_change(struct ovc_ctx *ctx, const struct change_req *req)
{
	struct change_env env = {
		.proc_dir = ctx->proc_dir, .root = &ctx->root, .root_set = ctx->root_set,
		.waiting = waiting,
	};
	struct change_result *r;
	int rc = cli_writer_privileges(ctx, req->audit != AUD_OFF);

	if (!rc)
		rc = cli_open_root(ctx);
	if (!rc && !(ctx->root_set && !ctx->proc_set))
		rc = cli_open_proc(ctx);
	if (rc)
		return rc;
	if (!(ctx->root_set && !ctx->proc_set))
		env.proc = &ctx->proc;
	env.root_set = ctx->root_set;
	r = malloc(sizeof(*r));
	if (!r) {
		struct ovc_err err = { 0 };

		ovc_fail(&err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
		return cli_report(ctx, &err);
	}
	/* a closed pipe must not kill a change half reported: EPIPE is a failed write */
	signal(SIGPIPE, SIG_IGN);
	change_run(&env, req, r);
	if (r->outcome == CHANGE_DONE && change_changed(r))
		committed_words(r, ctx->committed, sizeof(ctx->committed));
	if (r->recovered)
		fprintf(stderr, "ovc: an earlier ovc (pid %ld) was interrupted during a change; %s: vm.overcommit_memory=%d vm.overcommit_ratio=%" PRId64 " vm.overcommit_kbytes=%" PRIu64 "\n",
			r->recovered_pid,
			r->recovered_committed ? "its drop-in was written, so the change was finished"
					       : "the change was undone",
			r->recovered_to.mode, r->recovered_to.ratio, r->recovered_to.kbytes);
	if (r->outcome == CHANGE_ERROR) {
		rc = r->error.code == OVC_E_USAGE ? cli_usage_error(ctx, "%s", r->error.msg)
						  : cli_report(ctx, &r->error);
		if (r->recover_failed)
			fprintf(stderr, "ovc: an interrupted change (%s) could not be %s; fix the running values, then remove %s\n",
				esc(r->recover_path), r->recovered_committed ? "finished" : "undone",
				esc(r->recover_path));
	} else {
		if (ctx->json)
			change_print_json(ctx, r);
		else
			change_print_text(ctx, r);
		rc = finish(ctx, r);
	}
	if (r->journal_left.msg[0])
		fprintf(stderr, "ovc: warning: the change is complete, but its journal %s could not be removed (%s%s%s); the next ovc will find it done and remove it\n",
			esc(r->journal_path), esc(r->journal_left.msg), r->journal_left.errnum ? ": " : "",
			r->journal_left.errnum ? strerror(r->journal_left.errnum) : "");
	change_result_free(r);
	free(r);
	return rc;
}
