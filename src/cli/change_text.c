/* SPDX-License-Identifier: MIT */
/*
 * change_text.c - a change's result in words: the policies side by side, the writes, the
 * drop-in.
 */
#include <inttypes.h>
#include <string.h>

#include "../core/units.h"
#include "render.h"
#include "shared.h"
#include "writer.h"

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
static void print_table(const struct ovc_ctx *ctx, const struct change_result *r)
{
	const struct model_policy *col[3];
	const struct change_figures *fig[3];
	const char *head[3];
	char cells[3][UNITS_IEC_LEN + 16];
	struct table tb;
	size_t n = 0, i;

	if (r->req->runtime) {
		head[n] = "BEFORE";
		fig[n] = &r->fig_before;
		col[n++] = &r->plan.before;
		head[n] = "AFTER";
		fig[n] = &r->fig_after;
		col[n++] = &r->plan.after;
	} else {
		if (!r->offline) {
			head[n] = "RUNNING";
			fig[n] = &r->fig_before;
			col[n++] = &r->plan.before;
		}
		head[n] = "BOOT NOW";
		fig[n] = &r->fig_boot_now;
		col[n++] = &r->ps.before_sd.final;
		head[n] = "BOOT AFTER";
		fig[n] = &r->fig_boot_after;
		col[n++] = &r->ps.after.sd.final;
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
		knob_format(col[i], KNOB_RATIO, cells[i], sizeof(cells[i]));
	row(&tb, n, "vm.overcommit_ratio", cells);
	for (i = 0; i < n; i++)
		knob_format(col[i], KNOB_KBYTES, cells[i], sizeof(cells[i]));
	row(&tb, n, "vm.overcommit_kbytes", cells);
	if (!r->offline) {
		for (i = 0; i < n; i++)
			units_iec_kb(fig[i]->commit_limit_kb, cells[i], sizeof(cells[i]));
		row(&tb, n, "CommitLimit", cells);
		for (i = 0; i < n; i++)
			units_iec_skb(fig[i]->headroom_kb, cells[i], sizeof(cells[i]));
		row(&tb, n, "Headroom", cells);
		for (i = 0; i < n; i++)
			units_iec_kb(fig[i]->max_alloc_kb, cells[i], sizeof(cells[i]));
		row(&tb, n, "Largest allocation", cells);
	}
	table_print(&tb, stdout, ctx->color, "");
}

void change_print_writes(const struct plan_write *w, size_t n, const char *title)
{
	size_t i;

	printf("%s", title);
	for (i = 0; i < n; i++)
		printf("%s%s=%s", i ? ", " : " ", knob_name(w[i].key), w[i].value);
	printf("\n");
}

/* After a failure: every planned write with what became of it. */
static void print_results(const struct change_result *r)
{
	size_t i;

	printf("\nAttempted, in order:");
	for (i = 0; i < r->plan.nwrites; i++)
		printf("%s%s=%s (%s)", i ? ", " : " ", knob_name(r->plan.writes[i].key),
		       r->plan.writes[i].value,
		       r->result[i] == W_PENDING ? "not attempted"
		       : r->result[i] == W_ROLLED_BACK ? "rolled back"
		       : r->result[i] == W_ROLLBACK_FAILED ? "rollback failed"
							: change_write_token(r->result[i], false));
	printf("\n");
}

static void print_boot_after(const struct ovc_ctx *ctx, const struct change_result *r)
{
	const struct change_dropin *ps = &r->ps;
	const struct model_policy *s = &ps->after.sd.final, *p = &ps->after.pp.final;
	size_t i;

	printf("At boot: mode %d, ratio %" PRId64 ", kbytes %" PRIu64 " (systemd-sysctl); mode %d, ratio %" PRId64 ", kbytes %" PRIu64 " (sysctl --system)\n",
	       s->mode, s->ratio, s->kbytes, p->mode, p->ratio, p->kbytes);
	for (i = 0; i < ps->after.nshadows; i++) {
		char w[4800];

		change_shadow_words(r, &ps->after.shadows[i], w, sizeof(w));   /* file names */
		printf("%swarning:%s %s\n", clr(ctx->color, C_YELLOW), clr_off(ctx->color), esc(w));
	}
	if (ps->action == PERSIST_REMOVE && !policy_equal(s, &knob_kernel_defaults))
		printf("%snote:%s other files still set vm.overcommit_* at boot (ovc verify shows which)\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color));
}

static void print_persist(const struct ovc_ctx *ctx, const struct change_result *r)
{
	const struct change_dropin *ps = &r->ps;
	const struct model_policy *b0 = &ps->before_sd.final;
	bool w = ps->action == PERSIST_WRITE;

	if (ps->action == PERSIST_NONE)
		return;
	/* unchanged says so even when the runtime part is refused */
	switch (ps->change.changes ? change_file_state(r) : FILE_UNCHANGED) {
	case FILE_NONE:
		return;
	case FILE_UNCHANGED:
		printf("\nBoot configuration: %s is already %s.\n", esc(ps->path),
		       w ? "as wanted" : "absent");
		break;
	case FILE_WRITTEN:
		if (ps->change.untrusted[0] && ps->change.same_bytes)
			printf("\nBoot configuration: rewrote %s: it had the right text but was %s, so another user could change it.\n",
			       esc(ps->path), ps->change.untrusted);
		else
			printf("\nBoot configuration: wrote %s.\n", esc(ps->path));
		break;
	case FILE_REMOVED:
		printf("\nBoot configuration: removed %s.\n", esc(ps->path));
		break;
	case FILE_WOULD_WRITE:
		/* the text is ovc's own rendering (core/dropin: numbers and a checked name) */
		printf("\nBoot configuration: would write %s:\n%s", esc(ps->path), ps->text);
		break;
	case FILE_WOULD_REMOVE:
		printf("\nBoot configuration: would remove %s.\n", esc(ps->path));
		break;
	case FILE_REFUSED:
		printf("\nBoot configuration: %s would be %s, but the change is refused (below).\n",
		       esc(ps->path), w ? "written" : "removed");
		break;
	case FILE_NOT_ATTEMPTED:
	case FILE_FAILED:
	case FILE_RESTORED:
	case FILE_RESTORE_FAILED:
		printf("\nBoot configuration: %s was not changed (%s).\n", esc(ps->path),
		       ps->result == F_RESTORED ? "restored after the failure"
		       : ps->result == F_RESTORE_FAILED ? "THE RESTORE FAILED"
		       : ps->result == F_FAILED ? "the write failed" : "not attempted");
		break;
	}
	if (ps->change.changes && (ps->result == F_FAILED || ps->result == F_RESTORED ||
				   (ps->result == F_PENDING && !r->req->dry_run &&
				    r->decision.refusal == REFUSE_NONE))) {
		printf("At boot: unchanged, mode %d, ratio %" PRId64 ", kbytes %" PRIu64 " (systemd-sysctl)\n",
		       b0->mode, b0->ratio, b0->kbytes);
		return;
	}
	print_boot_after(ctx, r);
}

void change_print_text(const struct ovc_ctx *ctx, const struct change_result *r)
{
	const struct plan *p = &r->plan;
	bool refused = r->decision.refusal != REFUSE_NONE;
	bool failed = r->outcome == CHANGE_FAILED || r->outcome == CHANGE_ROLLBACK_FAILED;
	bool wrote = !r->req->dry_run && !refused && r->decision.would_change;

	if (r->req->profile_def)
		printf("Profile %s%s%s: %s\n\n", clr(ctx->color, C_BOLD), r->req->profile_def->name,
		       clr_off(ctx->color), esc(r->req->profile_def->description));
	print_table(ctx, r);
	if (r->req->runtime) {
		if (!p->nwrites)
			printf("\nNothing to change%s: every value is already in place.\n",
			       r->ps.action != PERSIST_NONE ? " at runtime" : "");
		else if (failed)
			print_results(r);
		else if (r->req->dry_run || refused)
			change_print_writes(p->writes, p->nwrites, refused ? "\nWould write (refused):"
								    : "\nWould write:");
		else
			change_print_writes(p->writes, p->nwrites, "\nWritten, in order:");
	} else if (r->offline) {
		printf("\nOffline image: the running kernel is not touched.\n");
	}
	print_persist(ctx, r);
	if ((r->audit.runtime_live || r->audit.file_live) && wrote &&
	    (r->audit.skip || r->audit.delivered < r->audit.sent))
		printf("note: no audit record (%s)\n", esc(r->audit.why.msg));
	if (r->decision.guard_overridden)
		printf("%swarning:%s the guard was overridden with --force\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color));
	if (!r->offline)
		print_warnings(ctx, &r->ph, r->req->runtime ? &p->after : &r->ps.policy, true);
}
