/* SPDX-License-Identifier: MIT */
/*
 * cmd_profile.c - "ovc profile list | show NAME | export NAME | [apply] NAME": named
 * policies (ovc-profile(5)). Applying goes through cli/writer and the change engine
 * (src/change), exactly as set and persist; export prints core/export's text for another
 * tool and writes nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/export.h"
#include "../core/units.h"
#include "../sys/profiles.h"
#include "writer.h"
#include "render.h"
#include "shared.h"

struct profile_opts {
	struct change_req req;   /* apply: the writer options */
	bool figures;
	struct whatif w;
};


/* The one operand: a profile name, and nothing after it. */
static int take_name(struct ovc_ctx *ctx, int argc, char **argv, const char **name)
{
	if (optind >= argc)
		return cli_usage_error(ctx, "which profile? ('ovc profile list' shows them)");
	*name = argv[optind++];
	if (!profile_name_ok(*name))
		return cli_usage_error(ctx, "'%s' is not a profile name", *name);
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int parse(struct ovc_ctx *ctx, int argc, char **argv, bool apply,
		 struct profile_opts *o, const char **name)
{
	static const struct option list_opts[] = {
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct option apply_opts[] = {
		COMMON_LONGOPTS,
		WRITER_LONGOPTS,
		{ "persist", no_argument, NULL, OPT_PERSIST },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "swap", required_argument, NULL, OPT_SWAP },
		{ "hugetlb", required_argument, NULL, OPT_HUGETLB },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option show_opts[] = {
		COMMON_LONGOPTS,
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "swap", required_argument, NULL, OPT_SWAP },
		{ "hugetlb", required_argument, NULL, OPT_HUGETLB },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	o->req.audit = AUD_AUTO;
	while ((ch = cli_getopt(ctx, argc, argv, "h",
				apply ? apply_opts : name ? show_opts : list_opts)) != -1) {
		int r = ch == OPT_MEM || ch == OPT_SWAP || ch == OPT_HUGETLB
				? whatif_opt(ctx, &o->w, ch, optarg)
				: change_writer_opt(ctx, ch, optarg, &o->req, PERSIST_WRITE);

		if (r < 0)
			return EXIT_USAGE;
		if (r && (ch == OPT_MEM || ch == OPT_SWAP || ch == OPT_HUGETLB))
			o->figures = true;
		if (!r && !cli_common_opt(ctx, ch, optarg))
			return cli_bad_option(ctx);
	}
	if (name) {
		int r = take_name(ctx, argc, argv, name);

		if (r)
			return r;
	} else if (optind < argc) {
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	}
	if (o->figures && !(o->w.mem_set && o->w.swap_set))
		return cli_usage_error(ctx, "--mem and --swap go together (the host's figures for a host-relative profile)");
	return 0;
}

/* The profile directories under --root (and, for an image, the running ovc's own). */
static int open_profiles(struct ovc_ctx *ctx, struct profiles *ps)
{
	int rc = cli_open_root(ctx);

	if (!rc && !ctx->root.live)
		rc = cli_open_host(ctx);
	if (!rc)
		profiles_open(ps, &ctx->root, &ctx->host);
	return rc;
}

/* Resolve name (and its includes); reports and returns the exit status on failure. */
static int load(struct ovc_ctx *ctx, struct profiles *ps, const char *name,
		struct profile *pr)
{
	struct ovc_err err = { 0 };
	char dirs[3 * 4300];
	int r = open_profiles(ctx, ps);

	if (r)
		return r;
	r = profile_resolve(name, profiles_load, ps, pr, &err);
	if (r < 0)
		return cli_report(ctx, &err);
	if (r == 1) {
		ovc_fail(&err, OVC_E_USAGE, 0, NULL, 0, "no profile '%s' in %s", name,
			 profiles_dirs_text(ps, dirs, sizeof(dirs)));
		return cli_report(ctx, &err);
	}
	return 0;
}

/* ---- list ------------------------------------------------------------------------ */

int cmd_profile_list(struct ovc_ctx *ctx, int argc, char **argv)
{
	static struct profile_entry e[PROFILES_MAX];
	static struct profile pr;
	static char desc[PROFILES_MAX][256], why[PROFILES_MAX][1100];
	static bool ok[PROFILES_MAX];
	static char dirs[3 * 4300];
	struct profile_opts o = { 0 };
	struct ovc_err err = { 0 };
	struct profiles ps;
	size_t n = 0, i;
	int rc = parse(ctx, argc, argv, false, &o, NULL);

	if (!rc)
		rc = open_profiles(ctx, &ps);
	if (rc)
		return rc;
	if (profiles_list(&ps, e, PROFILES_MAX, &n, &err) < 0) {
		profiles_close(&ps);
		return cli_report(ctx, &err);
	}
	/* a broken profile is listed with its error: the others stay usable */
	for (i = 0; i < n; i++) {
		struct ovc_err perr = { 0 };

		ok[i] = profile_resolve(e[i].name, profiles_load, &ps, &pr, &perr) == 0;
		snprintf(desc[i], sizeof(desc[i]), "%s", ok[i] ? pr.description : "");
		snprintf(why[i], sizeof(why[i]), "%s%s%s", perr.path[0] ? perr.path : "",
			 perr.path[0] && perr.line ? ":" : "", "");
		if (perr.path[0] && perr.line)
			snprintf(why[i] + strlen(why[i]), sizeof(why[i]) - strlen(why[i]), "%u", perr.line);
		snprintf(why[i] + strlen(why[i]), sizeof(why[i]) - strlen(why[i]), "%s%s",
			 perr.path[0] ? ": " : "", perr.msg);
	}
	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_arr(&j, "dirs");
		for (i = 0; i < ps.ndirs; i++)
			json_str(&j, NULL, ps.dir[i]);
		json_end(&j);
		json_arr(&j, "profiles");
		for (i = 0; i < n; i++) {
			json_obj(&j, NULL);
			json_str(&j, "name", e[i].name);
			json_str(&j, "path", e[i].path);
			json_bool(&j, "local", e[i].dir == 0);
			json_bool(&j, "overrides", e[i].overrides);
			json_str(&j, "description", ok[i] ? desc[i] : NULL);
			json_str(&j, "error", ok[i] ? NULL : why[i]);
			json_end(&j);
		}
		json_end(&j);
		json_end(&j);
	} else if (!n) {
		printf("No profiles in %s.\n", esc(profiles_dirs_text(&ps, dirs, sizeof(dirs))));
	} else {
		for (i = 0; i < n; i++)
			if (ok[i])
				printf("%-20s %-7s %s\n", e[i].name, e[i].dir == 0 ? "local" : "shipped",
				       esc(desc[i]));
			else
				printf("%-20s %-7s %sbroken:%s %s\n", e[i].name,
				       e[i].dir == 0 ? "local" : "shipped", clr(ctx->color, C_RED),
				       clr_off(ctx->color), esc(why[i]));
	}
	profiles_close(&ps);
	return EXIT_OK;
}

/* ---- show ------------------------------------------------------------------------- */

static void limit_words_of(const struct profile *pr, char *buf, size_t len)
{
	if (pr->limit == PROFILE_LIMIT_NONE)
		snprintf(buf, len, "limit unchanged");
	else
		snprintf(buf, len, "%s", pr->limit_text);
}

static void request_words(const struct plan_request *rq, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (rq->mode_set)
		o += (size_t)snprintf(buf + o, len - o, "vm.overcommit_memory = %d", rq->mode);
	if (rq->ratio_set && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%svm.overcommit_ratio = %" PRId64,
				      o ? ", " : "", rq->ratio);
	if (rq->kbytes_set && o < len)
		snprintf(buf + o, len - o, "%svm.overcommit_kbytes = %" PRIu64, o ? ", " : "",
			 rq->kbytes);
}

int cmd_profile_show(struct ovc_ctx *ctx, int argc, char **argv)
{
	static struct profile pr;
	struct profile_opts o = { 0 };
	struct ovc_err err = { 0 };
	struct plan_request rq;
	struct profile_host hf;
	struct procfs_host ph;
	struct profiles ps = { 0 };
	struct plan plan;
	const char *name = NULL;
	char words[256], lim[200];
	size_t i;
	int rc = parse(ctx, argc, argv, false, &o, &name);

	if (!rc)
		rc = load(ctx, &ps, name, &pr);
	if (!rc)
		rc = cli_load_host(ctx, &ph);
	if (rc)
		goto out;
	hf.mem_kb = o.figures ? o.w.mem_kb : ph.host.mem_total_kb;
	hf.swap_kb = o.figures ? o.w.swap_kb : ph.host.swap_total_kb;
	/* --mem/--swap describe another host: its pool is --hugetlb, or none */
	hf.hugetlb_kb = o.figures ? (o.w.hugetlb_set ? o.w.hugetlb_kb : 0) : ph.host.hugetlb_kb;
	if (o.figures) {
		ph.host.mem_total_kb = hf.mem_kb;
		ph.host.swap_total_kb = hf.swap_kb;
		ph.host.hugetlb_kb = hf.hugetlb_kb;
		ph.whatif_host = true;
	}
	if (profile_request(&pr, &hf, &rq, &err) < 0) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	plan_make(&ph.host, &ph.policy, &rq, &plan);
	request_words(&rq, words, sizeof(words));
	limit_words_of(&pr, lim, sizeof(lim));
	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_str(&j, "name", pr.name);
		json_str(&j, "path", pr.path);
		json_str(&j, "description", pr.description);
		json_str(&j, "reason", pr.reason);
		json_arr(&j, "sources");
		for (i = 0; i < pr.nsources; i++)
			json_str(&j, NULL, pr.sources[i]);
		json_end(&j);
		json_arr(&j, "chain");
		for (i = 0; i < pr.nchain; i++)
			json_str(&j, NULL, pr.chain[i]);
		json_end(&j);
		json_obj(&j, "settings");
		if (pr.mode_set)
			json_i64(&j, "mode", pr.mode);
		else
			json_null(&j, "mode");
		json_str(&j, "limit", pr.limit == PROFILE_LIMIT_NONE ? NULL : pr.limit_text);
		json_end(&j);
		json_bool(&j, "host_relative", profile_host_relative(&pr));
		json_policy(&j, "current", &plan.before);
		json_policy(&j, "computed", &plan.after);
		json_u64(&j, "commit_limit_before_kb", model_commit_limit_kb(&ph.host, &plan.before));
		json_u64(&j, "commit_limit_kb", model_commit_limit_kb(&ph.host, &plan.after));
		json_i64(&j, "headroom_kb", model_headroom_kb(&ph.host, &plan.after));
		json_obj(&j, "guard");
		json_bool(&j, "applies", plan.guard_applies);
		json_bool(&j, "ok", plan.guard_ok);
		json_u64(&j, "margin_kb", plan.margin_kb);
		json_i64(&j, "room_after_kb", plan.room_after_kb);
		json_end(&j);
		json_host(&j, &ph, NULL);
		json_end(&j);
		goto out;
	}
	/* the name is checked (profile_name_ok); the rest is the file's */
	printf("%s%s%s: %s\n\n", clr(ctx->color, C_BOLD), pr.name, clr_off(ctx->color),
	       esc(pr.description));
	printf("file       %s\n", esc(pr.path));
	if (pr.nchain > 1) {
		printf("includes  ");
		for (i = 1; i < pr.nchain; i++)
			printf(" %s", esc(pr.chain[i]));
		printf("\n");
	}
	if (pr.mode_set)
		printf("mode       %d (%s)\n", pr.mode, model_mode_name(pr.mode));
	else
		printf("mode       unchanged\n");
	printf("limit      %s\n", esc(lim));
	printf("reason     %s\n", esc(pr.reason));
	for (i = 0; i < pr.nsources; i++)
		printf("%s %s\n", i ? "          " : "sources   ", esc(pr.sources[i]));
	{
		char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], c2[UNITS_IEC_LEN];

		printf("\nOn this host (RAM %s, swap %s, hugetlb %s%s): %s\n\n",
		       units_iec_kb(hf.mem_kb, a, sizeof(a)), units_iec_kb(hf.swap_kb, b, sizeof(b)),
		       units_iec_kb(hf.hugetlb_kb, c2, sizeof(c2)), o.figures ? ", as given" : "",
		       words);
	}
	{
		struct model_task t;
		struct model_alloc ub, ua;
		char cb[3][UNITS_IEC_LEN], ca[3][UNITS_IEC_LEN], mb[32], ma[32], rb[24], ra[24],
			kb[24], ka[24];
		struct table tb;

		model_task_init(&t);
		model_max_alloc(&ph.host, &plan.before, &t, &ub);
		model_max_alloc(&ph.host, &plan.after, &t, &ua);
		snprintf(mb, sizeof(mb), "%d %s", plan.before.mode, model_mode_name(plan.before.mode));
		snprintf(ma, sizeof(ma), "%d %s", plan.after.mode, model_mode_name(plan.after.mode));
		snprintf(rb, sizeof(rb), "%" PRId64, plan.before.ratio);
		snprintf(ra, sizeof(ra), "%" PRId64, plan.after.ratio);
		snprintf(kb, sizeof(kb), "%" PRIu64, plan.before.kbytes);
		snprintf(ka, sizeof(ka), "%" PRIu64, plan.after.kbytes);
		table_init(&tb, 3, "lrr");
		table_row(&tb, "", "NOW", "WITH PROFILE");
		table_row(&tb, "vm.overcommit_memory", mb, ma);
		table_row(&tb, "vm.overcommit_ratio", rb, ra);
		table_row(&tb, "vm.overcommit_kbytes", kb, ka);
		table_row(&tb, "CommitLimit",
			  units_iec_kb(model_commit_limit_kb(&ph.host, &plan.before), cb[0],
				       UNITS_IEC_LEN),
			  units_iec_kb(model_commit_limit_kb(&ph.host, &plan.after), ca[0],
				       UNITS_IEC_LEN));
		table_row(&tb, "Headroom",
			  units_iec_skb(model_headroom_kb(&ph.host, &plan.before), cb[1], UNITS_IEC_LEN),
			  units_iec_skb(model_headroom_kb(&ph.host, &plan.after), ca[1], UNITS_IEC_LEN));
		table_row(&tb, "Largest allocation",
			  units_iec_kb(model_pages_kb(&ph.host, ub.max_pages), cb[2], UNITS_IEC_LEN),
			  units_iec_kb(model_pages_kb(&ph.host, ua.max_pages), ca[2], UNITS_IEC_LEN));
		table_print(&tb, stdout, ctx->color, "");
	}
	if (plan.guard_applies && !plan.guard_ok)
		printf("\n%swarning:%s applying it here would be refused by the guard (--force overrides)\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color));
out:
	profiles_close(&ps);
	return rc;
}

/* ---- export ----------------------------------------------------------------------- */

/* long-only codes above cli.h's OPT_* range */
enum { OPT_EXPORT_FORMAT = 0x300, OPT_FOR_HOST, OPT_EXPORT_FILE };

struct export_opts {
	enum export_format format;
	const char *file;            /* --file, or NULL */
	const char *for_host;        /* --for-host SPEC, or NULL */
	struct whatif w;             /* --mem, --swap, --hugetlb */
	bool figures;                /* either way: the figures are given */
	struct profile_host fig;
};

static int export_parse(struct ovc_ctx *ctx, int argc, char **argv, struct export_opts *o,
			const char **name)
{
	static const struct option opts[] = {
		COMMON_LONGOPTS,
		{ "format", required_argument, NULL, OPT_EXPORT_FORMAT },
		{ "for-host", required_argument, NULL, OPT_FOR_HOST },
		{ "file", required_argument, NULL, OPT_EXPORT_FILE },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "swap", required_argument, NULL, OPT_SWAP },
		{ "hugetlb", required_argument, NULL, OPT_HUGETLB },
		{ NULL, 0, NULL, 0 },
	};
	const char *why;
	int ch;

	o->format = EXPORT_SYSCTL;
	while ((ch = cli_getopt(ctx, argc, argv, "h", opts)) != -1) {
		if (ch == OPT_EXPORT_FORMAT) {
			if (!export_format_parse(optarg, &o->format))
				return cli_usage_error(ctx, "invalid --format '%s': expected sysctl, tuned, cloud-init or ansible",
						       optarg);
		} else if (ch == OPT_FOR_HOST) {
			o->for_host = optarg;
			if (export_parse_host(optarg, &o->fig, &why) < 0)
				return cli_usage_error(ctx, "invalid --for-host '%s': %s", optarg, why);
		} else if (ch == OPT_EXPORT_FILE) {
			if (!export_file_ok(optarg, &why))
				return cli_usage_error(ctx, "invalid --file '%s': %s", optarg, why);
			o->file = optarg;
		} else if (ch == OPT_MEM || ch == OPT_SWAP || ch == OPT_HUGETLB) {
			if (whatif_opt(ctx, &o->w, ch, optarg) < 0)
				return EXIT_USAGE;
		} else if (!cli_common_opt(ctx, ch, optarg)) {
			return cli_bad_option(ctx);
		}
	}
	if ((ch = take_name(ctx, argc, argv, name)) != 0)
		return ch;
	if (o->file && !export_format_has_file(o->format))
		return cli_usage_error(ctx, "--file names the sysctl.d file of the cloud-init and ansible formats, not of %s",
				       export_format_name(o->format));
	if (o->w.mem_set || o->w.swap_set || o->w.hugetlb_set) {
		if (o->for_host)
			return cli_usage_error(ctx, "--for-host and --mem/--swap/--hugetlb give the same figures: use one way");
		if (!(o->w.mem_set && o->w.swap_set))
			return cli_usage_error(ctx, "--mem and --swap go together (the host's figures for a host-relative profile)");
		o->fig.mem_kb = o->w.mem_kb;
		o->fig.swap_kb = o->w.swap_kb;
		o->fig.hugetlb_kb = o->w.hugetlb_set ? o->w.hugetlb_kb : 0;
	}
	o->figures = o->for_host || o->w.mem_set;
	return 0;
}

int cmd_profile_export(struct ovc_ctx *ctx, int argc, char **argv)
{
	static struct profile pr;
	static char text[EXPORT_TEXT_MAX];
	static char from[1200];
	struct export_opts o = { 0 };
	struct export_in in = { 0 };
	struct export_out out;
	struct ovc_err err = { 0 };
	struct profiles ps = { 0 };
	const char *name = NULL;
	size_t i;
	int rc = export_parse(ctx, argc, argv, &o, &name);

	if (!rc)
		rc = load(ctx, &ps, name, &pr);
	profiles_close(&ps);
	if (rc)
		return rc;
	in.format = o.format;
	in.profile = &pr;
	in.file = o.file;
	if (o.figures) {
		in.host = o.fig;
		in.host_from = o.for_host ? "given with --for-host" : "given with --mem and --swap";
	} else if (profile_host_relative(&pr)) {
		/* only a host-relative profile reads the host: the others export the same anywhere */
		struct procfs_host ph;

		rc = cli_load_host(ctx, &ph);
		if (rc)
			return rc;
		in.host.mem_kb = ph.host.mem_total_kb;
		in.host.swap_kb = ph.host.swap_total_kb;
		in.host.hugetlb_kb = ph.host.hugetlb_kb;
		snprintf(from, sizeof(from), "read from %s/meminfo%s", ctx->proc_dir,
			 ph.live ? ", this host" : "");
		in.host_from = from;
	}
	if (export_render(&in, text, sizeof(text), &out, &err) < 0)
		return cli_report(ctx, &err);
	if (!ctx->json) {
		fwrite(text, 1, out.len, stdout);
		return EXIT_OK;
	}
	{
		struct json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_str(&j, "profile", pr.name);
		json_str(&j, "path", pr.path);
		json_arr(&j, "chain");
		for (i = 0; i < pr.nchain; i++)
			json_str(&j, NULL, pr.chain[i]);
		json_end(&j);
		json_str(&j, "format", export_format_name(o.format));
		json_bool(&j, "host_relative", out.host_relative);
		if (out.host_relative) {
			json_obj(&j, "host");
			json_u64(&j, "mem_kb", in.host.mem_kb);
			json_u64(&j, "swap_kb", in.host.swap_kb);
			json_u64(&j, "hugetlb_kb", in.host.hugetlb_kb);
			json_bool(&j, "given", o.figures);
			json_end(&j);
		} else {
			json_null(&j, "host");
		}
		json_obj(&j, "request");
		if (out.rq.mode_set)
			json_i64(&j, "mode", out.rq.mode);
		else
			json_null(&j, "mode");
		if (out.rq.ratio_set)
			json_i64(&j, "ratio", out.rq.ratio);
		else
			json_null(&j, "ratio");
		if (out.rq.kbytes_set)
			json_u64(&j, "kbytes", out.rq.kbytes);
		else
			json_null(&j, "kbytes");
		json_end(&j);
		json_str(&j, "file", export_format_has_file(o.format)
					     ? (o.file ? o.file : EXPORT_FILE_DEFAULT) : NULL);
		json_str(&j, "text", text);
		json_end(&j);
	}
	return EXIT_OK;
}

/* ---- apply ------------------------------------------------------------------------ */

int cmd_profile_apply(struct ovc_ctx *ctx, int argc, char **argv)
{
	static struct profile pr;
	struct profile_opts o = { 0 };
	struct profiles ps = { 0 };
	const char *name = NULL;
	int rc = parse(ctx, argc, argv, true, &o, &name);
	struct change_req *req = &o.req;

	if (rc)
		return rc;
	rc = load(ctx, &ps, name, &pr);
	profiles_close(&ps);
	if (rc)
		return rc;
	req->runtime = true;
	req->profile_def = &pr;
	req->profile = pr.name;
	if (ctx->root_set && !ctx->proc_set) {
		if (req->persist == PERSIST_NONE)
			return cli_usage_error(ctx, "--root without --proc is an offline image, which has no running kernel (--persist writes its boot configuration)");
		req->runtime = false;
	}
	if (o.figures) {
		if (!req->runtime || ctx->proc_set) {
			req->host_figures_set = true;
			req->host_figures.mem_kb = o.w.mem_kb;
			req->host_figures.swap_kb = o.w.swap_kb;
			req->host_figures.hugetlb_kb = o.w.hugetlb_set ? o.w.hugetlb_kb : 0;
		}
		if (req->runtime && !ctx->proc_set)
			return cli_usage_error(ctx, "--mem and --swap describe an offline image; the running kernel's host is read from /proc");
	}
	return cli_change(ctx, req);
}
