/* SPDX-License-Identifier: MIT */
/* change_json.c - a change's result as one JSON document (ovc(8), JSON OUTPUT: set). */
#include <string.h>

#include "json.h"
#include "shared.h"
#include "writer.h"

static void json_state(struct json *j, const char *key, const struct change_result *r,
		       const struct model_policy *p, const struct change_figures *f)
{
	json_obj(j, key);
	json_policy_fields(j, p);
	if (r->offline) {
		json_null(j, "commit_limit_kb");
		json_null(j, "headroom_kb");
		json_null(j, "max_alloc_kb");
		json_null(j, "max_alloc_admin_kb");
	} else {
		json_u64(j, "commit_limit_kb", f->commit_limit_kb);
		json_i64(j, "headroom_kb", f->headroom_kb);
		json_u64(j, "max_alloc_kb", f->max_alloc_kb);
		json_u64(j, "max_alloc_admin_kb", f->max_alloc_admin_kb);
	}
	json_end(j);
}

static const char *file_token(enum file_state s)
{
	switch (s) {
	case FILE_NONE:           return "none";
	case FILE_REFUSED:        return "refused";
	case FILE_UNCHANGED:      return "unchanged";
	case FILE_WOULD_WRITE:    return "would_write";
	case FILE_WOULD_REMOVE:   return "would_remove";
	case FILE_NOT_ATTEMPTED:  return "not_attempted";
	case FILE_WRITTEN:        return "written";
	case FILE_REMOVED:        return "removed";
	case FILE_FAILED:         return "failed";
	case FILE_RESTORED:       return "restored";
	case FILE_RESTORE_FAILED: return "restore_failed";
	}
	return "?";
}

static const char *audit_token(enum audit_status s)
{
	switch (s) {
	case AUDIT_ST_OFF:          return "off";
	case AUDIT_ST_NOT_LIVE:     return "not_live";
	case AUDIT_ST_NONE:         return "none";
	case AUDIT_ST_DISABLED:     return "disabled";
	case AUDIT_ST_UNAVAILABLE:  return "unavailable";
	case AUDIT_ST_FAILED:       return "failed";
	case AUDIT_ST_DELIVERED:    return "delivered";
	case AUDIT_ST_ACKNOWLEDGED: return "acknowledged";
	}
	return "?";
}

static void json_persist(struct json *j, const struct change_result *r)
{
	const struct change_dropin *ps = &r->ps;
	size_t i;

	if (ps->action == PERSIST_NONE) {
		json_null(j, "persist");
		return;
	}
	json_obj(j, "persist");
	json_str(j, "action", ps->action == PERSIST_WRITE ? "write" : "remove");
	json_str(j, "path", ps->path);
	json_bool(j, "changed", ps->result == F_WRITTEN || ps->result == F_REMOVED ||
					ps->result == F_RESTORE_FAILED);
	json_bool(j, "would_change", ps->change.changes);
	json_str(j, "result", file_token(change_file_state(r)));
	json_str(j, "profile", ps->action == PERSIST_WRITE ? r->req->profile : NULL);
	if (ps->action == PERSIST_WRITE) {
		json_policy(j, "policy", &ps->policy);
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
	json_str(j, "untrusted", ps->change.untrusted[0] ? ps->change.untrusted : NULL);
	json_end(j);
	json_obj(j, "boot_before");
	json_policy(j, "systemd", &ps->before_sd.final);
	json_policy(j, "procps", &ps->before_pp.final);
	json_end(j);
	json_obj(j, "boot_after");
	json_policy(j, "systemd", &ps->after.sd.final);
	json_policy(j, "procps", &ps->after.pp.final);
	json_end(j);
	json_arr(j, "shadowed");
	for (i = 0; i < ps->after.nshadows; i++) {
		const struct dropin_shadow *s = &ps->after.shadows[i];
		char want[32], got[32];

		knob_format(&s->want, s->key, want, sizeof(want));
		knob_format(&s->got, s->key, got, sizeof(got));
		json_obj(j, NULL);
		json_str(j, "key", knob_name(s->key));
		json_str(j, "tool", prec_tool_token(s->tool));
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
	json_bool(j, "offline", r->offline);
	json_end(j);
}

/* "profile": null, or the profile applied and what it asked for on this host */
static void json_profile_ref(struct json *j, const struct change_result *r)
{
	const struct profile *pr = r->req->profile_def;
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
	json_request(j, "request", &r->rq);
	json_end(j);
}

void change_print_json(const struct ovc_ctx *ctx, const struct change_result *r)
{
	const struct plan *p = &r->plan;
	bool refused = r->decision.refusal != REFUSE_NONE;
	struct ovc_err err = { 0 };
	const char *kind;
	char path[4200];
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_bool(&j, "changed", change_changed(r));
	json_bool(&j, "would_change", r->decision.would_change);
	json_bool(&j, "dry_run", r->req->dry_run);
	json_bool(&j, "refused", refused);
	json_bool(&j, "forced", r->decision.forced);
	json_bool(&j, "offline", r->offline);
	json_policy(&j, "policy", change_target(r));
	json_profile_ref(&j, r);
	json_state(&j, "before", r, &p->before, &r->fig_before);
	json_state(&j, "after", r, &p->after, &r->fig_after);
	json_arr(&j, "writes");
	for (i = 0; i < p->nwrites; i++) {
		json_obj(&j, NULL);
		json_str(&j, "key", knob_name(p->writes[i].key));
		json_str(&j, "path", fsroot_path(&ctx->proc, knob_proc_rel(p->writes[i].key), path,
						  sizeof(path)));
		json_str(&j, "value", p->writes[i].value);
		json_str(&j, "result", refused ? "refused"
				       : change_write_token(r->result[i], r->req->dry_run));
		json_end(&j);
	}
	json_end(&j);
	json_arr(&j, "rollback");
	for (i = 0; i < r->nundo; i++) {
		json_obj(&j, NULL);
		json_str(&j, "key", knob_name(r->undo[i].key));
		json_str(&j, "value", r->undo[i].value);
		json_str(&j, "result", change_write_token(r->undo_result[i], false));
		json_end(&j);
	}
	json_end(&j);
	json_obj(&j, "guard");
	json_bool(&j, "applies", r->guard.guard_applies);
	json_bool(&j, "ok", r->guard.guard_ok);
	json_u64(&j, "margin_kb", r->guard.margin_kb);
	json_i64(&j, "room_before_kb", r->guard.room_before_kb);
	json_i64(&j, "room_after_kb", r->guard.room_after_kb);
	json_end(&j);
	json_persist(&j, r);
	json_bool(&j, "waited_for_lock", r->waited);
	if (r->recovered) {
		json_obj(&j, "recovered");
		json_i64(&j, "pid", r->recovered_pid);
		json_bool(&j, "committed", r->recovered_committed);
		json_policy(&j, "policy", &r->recovered_to);
		json_end(&j);
	} else {
		json_null(&j, "recovered");
	}
	json_obj(&j, "audit");
	json_str(&j, "mode", r->audit.mode == AUD_ON ? "on" : r->audit.mode == AUD_OFF ? "off"
										 : "auto");
	json_str(&j, "status", audit_token(change_audit_status(r)));
	json_u64(&j, "records", r->audit.sent);
	json_u64(&j, "delivered", r->audit.delivered);
	json_str(&j, "reason", r->audit.why.msg[0] ? r->audit.why.msg : NULL);
	json_end(&j);
	if (change_refusal(r, &err, &kind)) {
		json_obj(&j, "refusal");
		json_str(&j, "kind", kind);
		json_str(&j, "message", err.msg);
		json_str(&j, "path", err.path[0] ? err.path : NULL);
		json_end(&j);
	} else {
		json_null(&j, "refusal");
	}
	json_warnings_open(&j, r->offline ? NULL : &r->ph, change_target(r));
	if (r->decision.guard_overridden)
		json_warning(&j, "guard_overridden", "the guard was overridden with --force");
	for (i = 0; r->ps.action != PERSIST_NONE && i < r->ps.after.nshadows; i++) {
		char w[4800];

		change_shadow_words(r, &r->ps.after.shadows[i], w, sizeof(w));
		json_warning(&j, "dropin_shadowed", w);
	}
	json_end(&j);
	json_end(&j);
}
