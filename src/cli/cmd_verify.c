/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify.c - "ovc verify": are the running vm.overcommit_* values the ones the boot
 * configuration (sysctl.d under --root) will leave? Read-only; exit 0 in sync, 1 drift.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/precedence.h"
#include "../core/profile.h"
#include "../sys/confdirs.h"
#include "../sys/profiles.h"
#include "render.h"
#include "shared.h"

struct verify {
	struct confdirs cd;
	struct prec_result sd, pp;          /* systemd-sysctl, sysctl --system */
	struct model_policy runtime;
	bool in_sync;
	bool offline;                       /* --root without --proc */
	/* --profile NAME: its request for this host, and whether each state matches it */
	struct profile prof;
	bool has_profile;
	struct plan_request rq;
	bool prof_runtime, prof_boot, prof_procps;
};

/* Does p hold what rq asks for (the keys rq names; a limit knob also zeroes the other)? */
static bool matches(const struct plan_request *rq, const struct model_policy *p)
{
	if (rq->mode_set && p->mode != rq->mode)
		return false;
	if (rq->ratio_set && (p->ratio != rq->ratio || p->kbytes != 0))
		return false;
	if (rq->kbytes_set && (p->kbytes != rq->kbytes || p->ratio != 0))
		return false;
	return true;
}

static void json_knob_format(struct json *j, const char *name, const struct model_policy *p,
			   enum knob k)
{
	if (k == KNOB_KBYTES)
		json_u64(j, name, p->kbytes);
	else
		json_i64(j, name, k == KNOB_MODE ? p->mode : p->ratio);
}

static void json_decider(struct json *j, const char *fkey, const char *lkey,
			 const struct verify *v, const struct prec_result *r, enum knob k)
{
	if (r->decider[k].set) {
		json_str(j, fkey, v->cd.files[r->decider[k].file].path);
		json_u64(j, lkey, r->decider[k].line);
	} else {
		json_null(j, fkey);
		json_null(j, lkey);
	}
}

/* A kernel-rejected write seen by an earlier tool (or earlier in the same list)? */
static bool rejected_before(const struct verify *v, const struct prec_result *r, size_t i)
{
	const struct prec_write *w = &r->writes[i];
	size_t a;

	for (a = 0; a < i; a++)
		if (r->writes[a].status == PREC_W_EINVAL && r->writes[a].file == w->file &&
		    r->writes[a].line == w->line && r->writes[a].key == w->key)
			return true;
	if (r == &v->pp)
		for (a = 0; a < v->sd.nwrites; a++)
			if (v->sd.writes[a].status == PREC_W_EINVAL &&
			    v->sd.writes[a].file == w->file && v->sd.writes[a].line == w->line &&
			    v->sd.writes[a].key == w->key)
				return true;
	return false;
}

/* Is shadow s of the procps result also in the systemd one? */
static bool shadow_in(const struct prec_result *r, const struct prec_shadow *s)
{
	size_t i;

	for (i = 0; i < r->nshadows; i++) {
		const struct prec_shadow *o = &r->shadows[i];

		if (o->key == s->key && o->file == s->file && o->line == s->line &&
		    o->why == s->why && o->has_by == s->has_by &&
		    (!s->has_by || (o->by_file == s->by_file && o->by_line == s->by_line)))
			return true;
	}
	return false;
}

/* Warnings in words, one per call of emit: kernel rejections and tool disagreement. */
typedef void (*emit_fn)(void *arg, const char *id, const char *text);

static void each_warning(const struct verify *v, emit_fn emit, void *arg)
{
	const struct prec_result *rs[2] = { &v->sd, &v->pp };
	char text[1200], a[32], b[32];
	size_t t, i;
	int ki;

	for (t = 0; t < 2; t++)
		for (i = 0; i < rs[t]->nwrites; i++) {
			const struct prec_write *w = &rs[t]->writes[i];

			if (w->status != PREC_W_EINVAL || rejected_before(v, rs[t], i))
				continue;
			snprintf(text, sizeof(text), "%s:%u: the kernel rejects %s = '%.*s' (%s); the key keeps its earlier value",
				 v->cd.files[w->file].path,
				 w->line, knob_name(w->key), (int)w->value_len, w->value,
				 w->reason ? w->reason : "invalid value");
			emit(arg, "kernel_rejects", text);
		}
	for (ki = 0; ki < KNOB_COUNT; ki++) {
		enum knob k = (enum knob)ki;

		if (knob_equal(&v->sd.final, &v->pp.final, k))
			continue;
		knob_format(&v->sd.final, k, a, sizeof(a));
		knob_format(&v->pp.final, k, b, sizeof(b));
		snprintf(text, sizeof(text), "systemd-sysctl and sysctl --system disagree about %s (%s and %s)%s",
			 knob_name(k), a, b,
			 v->pp.decider[k].set &&
					 !strcmp(v->cd.files[v->pp.decider[k].file].dir, "/etc") ?
				 ": /etc/sysctl.conf is read by sysctl --system only" :
				 "");
		emit(arg, "tools_disagree", text);
	}
	for (t = 0; t < 2; t++)
		if (rs[t]->ndiags_total > rs[t]->ndiags) {
			size_t more = rs[t]->ndiags_total - rs[t]->ndiags;

			snprintf(text, sizeof(text), "%s: %zu more problem%s not listed",
				 prec_tool_name(rs[t]->tool), more, plural(more));
			emit(arg, "more_tool_errors", text);
		}
	if (v->offline)
		emit(arg, "runtime_from_this_host", warn_runtime_from_this_host);
	if (!v->cd.contained) {
		snprintf(text, sizeof(text), "this kernel has no openat2(): symlinks under the root were followed without containment");
		emit(arg, "links_not_contained", text);
	}
}

static void diag_text(const struct verify *v, const struct prec_result *r,
		      const struct prec_diag *d, char *buf, size_t len)
{
	const char *p = v->cd.files[d->file].path;

	if (d->kind == PREC_D_CANNOT_OPEN)
		snprintf(buf, len, "%s: cannot open: %s fails", p, prec_tool_name(r->tool));
	else if (r->tool == PREC_SYSTEMD)
		snprintf(buf, len, "%s:%u: not an assignment: systemd-sysctl fails (skips the line)",
			 p, d->line);
	else
		snprintf(buf, len, "%s:%u: not an assignment: sysctl --system reports invalid syntax",
			 p, d->line);
}

static void emit_json(void *arg, const char *id, const char *text)
{
	struct json *j = arg;

	json_obj(j, NULL);
	json_str(j, "id", id);
	json_str(j, "text", text);
	json_end(j);
}

static void emit_text(void *arg, const char *id, const char *text)
{
	const struct ovc_ctx *ctx = arg;

	(void)id;   /* text quotes file names and values */
	printf("%swarning:%s %s\n", clr(ctx->color, C_YELLOW), clr_off(ctx->color), esc(text));
}

static void json_shadow(struct json *j, const struct verify *v, const struct prec_shadow *s,
			bool both, enum prec_tool tool)
{
	json_obj(j, NULL);
	json_str(j, "key", knob_name(s->key));
	json_str(j, "file", v->cd.files[s->file].path);
	json_u64(j, "line", s->line);
	json_str(j, "why", prec_shadow_why_name(s->why));
	if (s->has_by) {
		json_obj(j, "by");
		json_str(j, "file", v->cd.files[s->by_file].path);
		if (s->by_line)
			json_u64(j, "line", s->by_line);
		else
			json_null(j, "line");
		json_end(j);
	} else {
		json_null(j, "by");
	}
	json_arr(j, "tools");
	if (both || tool == PREC_SYSTEMD)
		json_str(j, NULL, prec_tool_token(PREC_SYSTEMD));
	if (both || tool == PREC_PROCPS)
		json_str(j, NULL, prec_tool_token(PREC_PROCPS));
	json_end(j);
	json_end(j);
}

static void print_json(const struct verify *v)
{
	const struct prec_result *rs[2] = { &v->sd, &v->pp };
	struct json j;
	size_t i, t;
	int ki;

	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_bool(&j, "in_sync", v->in_sync);
	json_str(&j, "root", v->cd.root[0] ? v->cd.root : "/");
	json_arr(&j, "keys");
	for (ki = 0; ki < KNOB_COUNT; ki++) {
		enum knob k = (enum knob)ki;

		json_obj(&j, NULL);
		json_str(&j, "key", knob_name(k));
		json_knob_format(&j, "runtime", &v->runtime, k);
		json_knob_format(&j, "boot", &v->sd.final, k);
		json_knob_format(&j, "boot_procps", &v->pp.final, k);
		json_decider(&j, "file", "line", v, &v->sd, k);
		json_decider(&j, "boot_procps_file", "boot_procps_line", v, &v->pp, k);
		json_bool(&j, "in_sync", knob_equal(&v->runtime, &v->sd.final, k));
		json_end(&j);
	}
	json_end(&j);
	json_arr(&j, "shadowed");
	for (i = 0; i < v->sd.nshadows; i++)
		json_shadow(&j, v, &v->sd.shadows[i], shadow_in(&v->pp, &v->sd.shadows[i]),
			    PREC_SYSTEMD);
	for (i = 0; i < v->pp.nshadows; i++)
		if (!shadow_in(&v->sd, &v->pp.shadows[i]))
			json_shadow(&j, v, &v->pp.shadows[i], false, PREC_PROCPS);
	json_end(&j);
	json_arr(&j, "tool_errors");
	for (t = 0; t < 2; t++)
		for (i = 0; i < rs[t]->ndiags; i++) {
			const struct prec_diag *d = &rs[t]->diags[i];
			char text[1200];

			diag_text(v, rs[t], d, text, sizeof(text));
			json_obj(&j, NULL);
			json_str(&j, "tool", prec_tool_token(rs[t]->tool));
			json_str(&j, "kind", d->kind == PREC_D_CANNOT_OPEN ? "cannot_open"
									 : "not_assignment");
			json_str(&j, "file", v->cd.files[d->file].path);
			if (d->line)
				json_u64(&j, "line", d->line);
			else
				json_null(&j, "line");
			json_str(&j, "text", text);
			json_end(&j);
		}
	json_end(&j);
	json_obj(&j, "tool_fails");
	json_bool(&j, "systemd", v->sd.tool_fails);
	json_bool(&j, "procps", v->pp.tool_fails);
	json_end(&j);
	if (v->has_profile) {
		json_obj(&j, "profile");
		json_str(&j, "name", v->prof.name);
		json_obj(&j, "request");
		if (v->rq.mode_set)
			json_i64(&j, "mode", v->rq.mode);
		else
			json_null(&j, "mode");
		if (v->rq.ratio_set)
			json_i64(&j, "ratio", v->rq.ratio);
		else
			json_null(&j, "ratio");
		if (v->rq.kbytes_set)
			json_u64(&j, "kbytes", v->rq.kbytes);
		else
			json_null(&j, "kbytes");
		json_end(&j);
		json_bool(&j, "runtime_matches", v->prof_runtime);
		json_bool(&j, "boot_matches", v->prof_boot);
		json_bool(&j, "boot_procps_matches", v->prof_procps);
		json_end(&j);
	} else {
		json_null(&j, "profile");
	}
	json_arr(&j, "warnings");
	each_warning(v, emit_json, &j);
	json_end(&j);
	json_end(&j);
}

static void decided_by(const struct verify *v, const struct prec_result *r, enum knob k,
		       char *buf, size_t len)
{
	if (r->decider[k].set)
		snprintf(buf, len, "%s:%u", v->cd.files[r->decider[k].file].path,
			 r->decider[k].line);
	else
		snprintf(buf, len, "kernel default");
}

/* The shadow in words: "overridden by FILE:LINE", "not read: masked by FILE", ... */
static void shadow_words(const struct verify *v, const struct prec_shadow *s, char *buf,
			 size_t len)
{
	char by[4400] = "";
	const struct prec_file *bf = s->has_by ? &v->cd.files[s->by_file] : NULL;

	if (bf && s->by_line)
		snprintf(by, sizeof(by), "%s:%u", bf->path, s->by_line);
	else if (bf)
		snprintf(by, sizeof(by), "%s", bf->path);
	switch (s->why) {
	case PREC_SH_NOT_READ:
		if (bf && bf->masked)
			snprintf(buf, len, "not read: masked by %s (-> /dev/null)", by);
		else if (bf)
			snprintf(buf, len, "not read: the same name in %s wins", by);
		else if (!strcmp(v->cd.files[s->file].dir, "/etc"))
			snprintf(buf, len, "not read: systemd-sysctl does not read /etc/sysctl.conf");
		else
			snprintf(buf, len, "not read");
		return;
	case PREC_SH_OVERRIDDEN:
		snprintf(buf, len, "overridden by %s", by);
		return;
	case PREC_SH_SAME_VALUE:
		snprintf(buf, len, "merged into the equal assignment at %s", by);
		return;
	case PREC_SH_EXCLUDED:
		snprintf(buf, len, "excluded by %s", by);
		return;
	case PREC_SH_ZEROED:
		snprintf(buf, len, "zeroed by %s (the kernel zeroes the other limit knob)", by);
		return;
	case PREC_SH_REJECTED:
		snprintf(buf, len, "rejected by the kernel");
		return;
	}
	snprintf(buf, len, "%s", prec_shadow_why_name(s->why));
}

static void print_shadow(const struct verify *v, const struct prec_shadow *s,
			 const char *tools)
{
	char words[4600];

	shadow_words(v, s, words, sizeof(words));
	printf("  %s:%u  %s  %s%s\n", esc(v->cd.files[s->file].path), s->line,
	       knob_name(s->key), esc(words), tools);
}

static void print_text(struct ovc_ctx *ctx, const struct verify *v)
{
	static const char *const head[5] = { "KEY", "RUNTIME", "BOOT", "BOOT (procps)",
					     "DECIDED BY" };
	char cell[KNOB_COUNT][4][32], dec[KNOB_COUNT][4400];
	size_t w[4], c, i, t, nsh = 0;
	const struct prec_result *rs[2] = { &v->sd, &v->pp };
	int ki;

	for (c = 0; c < 4; c++)
		w[c] = strlen(head[c]);
	for (ki = 0; ki < KNOB_COUNT; ki++) {
		enum knob k = (enum knob)ki;

		snprintf(cell[ki][0], sizeof(cell[ki][0]), "%s", knob_name(k));
		knob_format(&v->runtime, k, cell[ki][1], sizeof(cell[ki][1]));
		knob_format(&v->sd.final, k, cell[ki][2], sizeof(cell[ki][2]));
		knob_format(&v->pp.final, k, cell[ki][3], sizeof(cell[ki][3]));
		decided_by(v, &v->sd, k, dec[ki], sizeof(dec[ki]));
		for (c = 0; c < 4; c++)
			if (strlen(cell[ki][c]) > w[c])
				w[c] = strlen(cell[ki][c]);
	}
	printf("%s%-*s  %*s  %*s  %*s  %s%s\n", clr(ctx->color, C_BOLD), (int)w[0], head[0],
	       (int)w[1], head[1], (int)w[2], head[2], (int)w[3], head[3], head[4],
	       clr_off(ctx->color));
	for (ki = 0; ki < KNOB_COUNT; ki++) {
		bool drift = !knob_equal(&v->runtime, &v->sd.final, (enum knob)ki);

		printf("%-*s  %*s  %s%*s%s  %*s  %s\n", (int)w[0], cell[ki][0], (int)w[1],
		       cell[ki][1], drift ? clr(ctx->color, C_RED) : "", (int)w[2], cell[ki][2],
		       drift ? clr_off(ctx->color) : "", (int)w[3], cell[ki][3], esc(dec[ki]));
	}

	for (i = 0; i < v->sd.nshadows + v->pp.nshadows; i++) {
		bool sd = i < v->sd.nshadows;
		const struct prec_shadow *s = sd ? &v->sd.shadows[i]
						 : &v->pp.shadows[i - v->sd.nshadows];
		bool both = sd ? shadow_in(&v->pp, s) : shadow_in(&v->sd, s);

		if (!sd && both)
			continue;
		if (!nsh++)
			printf("\nShadowed assignments:\n");
		print_shadow(v, s, both ? "" : sd ? " (systemd-sysctl only)"
						      : " (sysctl --system only)");
	}
	for (t = 0, nsh = 0; t < 2; t++)
		for (i = 0; i < rs[t]->ndiags; i++) {
			char text[1200];

			diag_text(v, rs[t], &rs[t]->diags[i], text, sizeof(text));
			if (!nsh++)
				printf("\n");
			printf("%serror:%s %s\n", clr(ctx->color, C_RED), clr_off(ctx->color),
			       esc(text));
		}
	printf("\n");
	each_warning(v, emit_text, ctx);
	if (v->in_sync) {
		printf("%sin sync:%s the running values are what boot applies\n",
		       clr(ctx->color, C_GREEN), clr_off(ctx->color));
	} else {
		printf("%sdrift:%s", clr(ctx->color, C_RED), clr_off(ctx->color));
		for (ki = 0, c = 0; ki < KNOB_COUNT; ki++)
			if (!knob_equal(&v->runtime, &v->sd.final, (enum knob)ki))
				printf("%s %s is %s now, %s after boot", c++ ? ";" : "",
				       cell[ki][0], cell[ki][1], cell[ki][2]);
		printf("\n");
	}
	if (v->has_profile) {
		bool ok = v->prof_runtime && v->prof_boot && v->prof_procps;

		printf("%sprofile %s:%s running values %s; at boot %s", clr(ctx->color, ok ? C_GREEN
											 : C_RED),
		       esc(v->prof.name), clr_off(ctx->color), v->prof_runtime ? "match" : "differ",
		       v->prof_boot ? "match" : "differ");
		if (v->prof_procps != v->prof_boot)
			printf(" (under sysctl --system they %s)", v->prof_procps ? "match" : "differ");
		printf("\n");
	}
	if (v->cd.root[0])
		printf("(boot configuration read from %s)\n", esc(v->cd.root));
}

int cmd_verify(struct ovc_ctx *ctx, int argc, char **argv)
{
	struct ovc_err err = { 0 };
	struct procfs_host ph;
	struct verify *v;
	int rc, ki;

	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "swap", required_argument, NULL, OPT_SWAP },
		{ "hugetlb", required_argument, NULL, OPT_HUGETLB },
		{ NULL, 0, NULL, 0 },
	};
	const char *pname = NULL;
	struct whatif w = { 0 };
	int ch;

	while ((ch = cli_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		int r = ch == OPT_MEM || ch == OPT_SWAP || ch == OPT_HUGETLB
				? whatif_opt(ctx, &w, ch, optarg) : 0;

		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (ch == OPT_PROFILE)
			pname = optarg;
		else if (!cli_common_opt(ctx, ch, optarg))
			return cli_bad_option(ctx);
	}
	if ((w.mem_set || w.swap_set || w.hugetlb_set) && !(pname && w.mem_set && w.swap_set))
		return cli_usage_error(ctx, "--mem and --swap (and --hugetlb) go together, with --profile: the image's figures for a host-relative profile");
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (pname && !profile_name_ok(pname))
		return cli_usage_error(ctx, "'%s' is not a profile name", pname);

	rc = cli_open_root(ctx);
	if (!rc)
		rc = cli_load_host(ctx, &ph);
	if (!rc && !ctx->root.live)
		rc = cli_open_host(ctx);
	if (rc)
		return rc;
	v = calloc(1, sizeof(*v));
	if (!v) {
		ovc_fail(&err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
		return cli_report(ctx, &err);
	}
	v->runtime = ph.policy;
	v->offline = ctx->root_set && !ctx->proc_set;
	if (pname) {
		struct profiles ps;
		struct profile_host hf = { ph.host.mem_total_kb, ph.host.swap_total_kb,
					   ph.host.hugetlb_kb };

		if (w.mem_set) {   /* another host's figures (an offline image) */
			hf.mem_kb = w.mem_kb;
			hf.swap_kb = w.swap_kb;
			hf.hugetlb_kb = w.hugetlb_set ? w.hugetlb_kb : 0;
		}
		char dirs[3 * 4300];
		int r;

		profiles_open(&ps, &ctx->root, &ctx->host);
		r = profile_resolve(pname, profiles_load, &ps, &v->prof, &err);
		profiles_close(&ps);
		if (r == 1)
			ovc_fail(&err, OVC_E_USAGE, 0, NULL, 0, "no profile '%s' in %s", pname,
				 profiles_dirs_text(&ps, dirs, sizeof(dirs)));
		if (r != 0 || profile_request(&v->prof, &hf, &v->rq, &err) < 0) {
			rc = cli_report(ctx, &err);
			goto out;
		}
		v->has_profile = true;
	}
	if (confdirs_load(&v->cd, &ctx->root, &err) < 0 ||
	    prec_resolve(PREC_SYSTEMD, v->cd.files, v->cd.nfiles, &knob_kernel_defaults, &v->sd, &err) < 0 ||
	    prec_resolve(PREC_PROCPS, v->cd.files, v->cd.nfiles, &knob_kernel_defaults, &v->pp, &err) < 0) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	v->in_sync = true;
	for (ki = 0; ki < KNOB_COUNT; ki++)
		if (!knob_equal(&v->runtime, &v->sd.final, (enum knob)ki))
			v->in_sync = false;
	if (v->has_profile) {
		v->prof_runtime = matches(&v->rq, &v->runtime);
		v->prof_boot = matches(&v->rq, &v->sd.final);
		v->prof_procps = matches(&v->rq, &v->pp.final);
	}
	if (ctx->json)
		print_json(v);
	else
		print_text(ctx, v);
	rc = v->in_sync && (!v->has_profile || (v->prof_runtime && v->prof_boot && v->prof_procps))
		     ? EXIT_OK : EXIT_NO;
out:
	confdirs_free(&v->cd);
	free(v);
	return rc;
}
