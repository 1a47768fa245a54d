/* SPDX-License-Identifier: MIT */
/*
 * cmd_status.c - "ovc status": the running policy, what boot applies (drift, ovc's
 * drop-in and its profile), the commit figures and warnings; in words, in JSON, as
 * Prometheus metrics (--format prometheus, rendered by core/promtext), or as a
 * monitoring plugin (--format nagios: one line, thresholds from core/mprange).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/dropin.h"
#include "../core/mprange.h"
#include "../core/precedence.h"
#include "../core/promtext.h"
#include "../core/simulate.h"
#include "../sys/confdirs.h"
#include "../core/units.h"
#include "../core/kmsg.h"
#include "../sys/klog.h"
#include "../sys/proctop.h"
#include <linux/capability.h>
#include "render.h"
#include "shared.h"
#include "touchview.h"

static const char *mode_blurb(int mode)
{
	switch (mode) {
	case OVERCOMMIT_GUESS:
		return "heuristic: refuses only obvious overcommits";
	case OVERCOMMIT_ALWAYS:
		return "always: never refuses; the OOM killer is the only limit";
	case OVERCOMMIT_NEVER:
		return "never: Committed_AS may not reach CommitLimit";
	}
	return "not 0, 1 or 2: old kernels check it as never (2)";
}

/* What boot will apply (sysctl.d under --root) and ovc's drop-in, for the drift line. */
struct boot_view {   /* the small fields first: a status touches few of its pages */
	bool known;                   /* false: not read (a saved --proc tree without --root) */
	bool dropin, managed;
	struct ovc_err err;           /* err.msg set: the configuration could not be read */
	struct dropin_info info;
	char dropin_path[4400];
	struct prec_result sd, pp;
	struct confdirs cd;
};

/* bv is 60 KiB, most of it arrays filled up to their counts: only the rest is cleared */
static struct boot_view *boot_view_new(void)
{
	struct boot_view *b = malloc(sizeof(*b));

	if (!b)
		return NULL;
	b->known = b->dropin = b->managed = false;
	memset(&b->err, 0, sizeof(b->err));
	memset(&b->info, 0, sizeof(b->info));
	b->cd.nfiles = 0;
	b->dropin_path[0] = '\0';
	return b;
}

static void boot_load(struct ovc_ctx *ctx, const struct procfs_host *ph, struct boot_view *b)
{
	const struct model_policy *start = &knob_kernel_defaults;
	size_t i;

	/* a saved proc tree belongs to another host: its boot files are not ours to guess */
	b->known = ctx->root_set || ph->live;
	if (!b->known)
		return;
	if (confdirs_load(&b->cd, &ctx->root, &b->err) < 0 ||
	    prec_resolve(PREC_SYSTEMD, b->cd.files, b->cd.nfiles, start, &b->sd, &b->err) < 0 ||
	    prec_resolve(PREC_PROCPS, b->cd.files, b->cd.nfiles, start, &b->pp, &b->err) < 0) {
		if (!b->err.msg[0])
			snprintf(b->err.msg, sizeof(b->err.msg), "cannot read");
		return;
	}
	snprintf(b->dropin_path, sizeof(b->dropin_path), "%s%s", b->cd.root, DROPIN_PATH);
	for (i = 0; i < b->cd.nfiles; i++) {
		const struct prec_file *f = &b->cd.files[i];

		if (strcmp(f->dir, DROPIN_DIR) || strcmp(f->name, DROPIN_NAME) || !f->text)
			continue;
		b->dropin = true;
		dropin_parse(f->text, f->len, &b->info);
		b->managed = b->info.managed;
	}
}

static void json_boot(struct json *j, const struct procfs_host *ph, const struct boot_view *b)
{
	if (!b->known) {
		json_null(j, "boot");
		return;
	}
	json_obj(j, "boot");
	if (b->err.msg[0]) {
		json_null(j, "in_sync");
		json_null(j, "systemd");
		json_null(j, "procps");
		json_null(j, "dropin");
		json_str(j, "error", b->err.msg);
		json_end(j);
		return;
	}
	json_bool(j, "in_sync", policy_equal(&ph->policy, &b->sd.final));
	json_policy(j, "systemd", &b->sd.final);
	json_policy(j, "procps", &b->pp.final);
	json_obj(j, "dropin");
	json_str(j, "path", b->dropin_path);
	json_bool(j, "present", b->dropin);
	json_bool(j, "managed", b->managed);
	json_str(j, "profile", b->dropin && b->info.profile[0] ? b->info.profile : NULL);
	json_end(j);
	json_null(j, "error");
	json_end(j);
}

static void print_boot(struct ovc_ctx *ctx, const struct procfs_host *ph,
		       const struct boot_view *b)
{
	const struct model_policy *p = &ph->policy, *s = &b->sd.final;

	if (!b->known)
		return;
	if (b->err.msg[0]) {
		printf("at boot               unknown: %s%s%s\n", esc(b->err.path),
		       b->err.path[0] ? ": " : "", esc(b->err.msg));
		return;
	}
	printf("at boot               mode %d, ", s->mode);
	if (s->kbytes)
		printf("kbytes %" PRIu64, s->kbytes);
	else
		printf("ratio %" PRId64, s->ratio);
	if (!policy_equal(s, &b->pp.final))
	{
		if (b->pp.final.kbytes)
			printf(" (sysctl --system: mode %d, kbytes %" PRIu64 ")", b->pp.final.mode,
			       b->pp.final.kbytes);
		else
			printf(" (sysctl --system: mode %d, ratio %" PRId64 ")", b->pp.final.mode,
			       b->pp.final.ratio);
	}
	if (policy_equal(p, s))
		printf("  %sin sync%s", clr(ctx->color, C_GREEN), clr_off(ctx->color));
	else
		printf("  %sdrift%s: a reboot changes the policy (ovc verify)", clr(ctx->color, C_RED),
		       clr_off(ctx->color));
	printf("\n");
	if (b->dropin && b->managed && b->info.profile[0])
		printf("profile               %s (%s)\n", esc(b->info.profile), esc(b->dropin_path));
	else if (b->dropin && b->managed)
		printf("drop-in               %s\n", esc(b->dropin_path));
}

#ifndef OVC_VERSION
#define OVC_VERSION "0.1.0"
#endif

/* --format, --drift: long-only codes above cli.h's OPT_* range */
#define OPT_STATUS_FORMAT 0x200
#define OPT_STATUS_DRIFT 0x201

enum status_format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS, FMT_NAGIOS };

static const char *const format_names[] = { "text", "json", "prometheus", "nagios" };

/*
 * --format nagios: the thresholds. The defaults: WARNING below 5 % of CommitLimit free
 * (the headroom under which ovc's own status warns, SIM_LOW_HEADROOM_PCT), CRITICAL at
 * or past the limit (new allocations fail), WARNING on drift.
 */
#define PLUGIN_WARNING_DEFAULT "5%:"
#define PLUGIN_CRITICAL_DEFAULT "@~:0"

struct plugin_opts {
	struct mp_range warn, crit;
	const char *warn_s, *crit_s;   /* as given, for messages */
	enum mp_state drift;           /* the state drift raises */
	bool any;                      /* -w, -c or --drift given */
	size_t top;                    /* --top N: holders in the Prometheus metrics */
};

static int parse_range(struct ovc_ctx *ctx, const char *opt, const char *arg,
		       struct mp_range *r, const char **as)
{
	const char *why;

	if (mp_range_parse(arg, r, &why) < 0)
		return cli_usage_error(ctx, "invalid %s '%s': %s (a range: 10, 10:, ~:10, 10:20, @10:20; %% of CommitLimit, or kB or a size such as 512M)",
				       opt, arg, why);
	*as = arg;
	return 0;
}

static int parse(struct ovc_ctx *ctx, int argc, char **argv, enum status_format *fmt,
		 struct plugin_opts *po)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "format", required_argument, NULL, OPT_STATUS_FORMAT },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "drift", required_argument, NULL, OPT_STATUS_DRIFT },
		{ "top", required_argument, NULL, OPT_TOP },
		{ NULL, 0, NULL, 0 },
	};
	const char *why;
	bool fmt_set = false;
	int ch, rc;

	*fmt = FMT_TEXT;
	po->drift = MP_WARNING;
	mp_range_parse(PLUGIN_WARNING_DEFAULT, &po->warn, &why);
	mp_range_parse(PLUGIN_CRITICAL_DEFAULT, &po->crit, &why);
	po->warn_s = PLUGIN_WARNING_DEFAULT;
	po->crit_s = PLUGIN_CRITICAL_DEFAULT;
	po->top = 5;
	while ((ch = cli_getopt(ctx, argc, argv, "hw:c:", longopts)) != -1) {
		if (ch == OPT_TOP) {
			int64_t v;

			if (units_parse_int(optarg, 0, PROM_TOP_MAX, &v, &why) < 0)
				return cli_usage_error(ctx, "invalid --top '%s': %s (0 to %d holders; 0 reads none)",
						       optarg, why, PROM_TOP_MAX);
			po->top = (size_t)v;
		} else if (ch == OPT_STATUS_FORMAT) {
			size_t i;

			for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
				if (!strcmp(optarg, format_names[i]))
					break;
			if (i == sizeof(format_names) / sizeof(format_names[0]))
				return cli_usage_error(ctx, "invalid --format '%s': expected text, json, prometheus or nagios",
						       optarg);
			*fmt = (enum status_format)i;
			fmt_set = true;
		} else if (ch == 'w' || ch == 'c') {
			rc = ch == 'w' ? parse_range(ctx, "--warning", optarg, &po->warn, &po->warn_s)
				       : parse_range(ctx, "--critical", optarg, &po->crit, &po->crit_s);
			if (rc)
				return rc;
			po->any = true;
		} else if (ch == OPT_STATUS_DRIFT) {
			if (!strcmp(optarg, "ok"))
				po->drift = MP_OK;
			else if (!strcmp(optarg, "warning"))
				po->drift = MP_WARNING;
			else if (!strcmp(optarg, "critical"))
				po->drift = MP_CRITICAL;
			else
				return cli_usage_error(ctx, "invalid --drift '%s': expected ok, warning or critical",
						       optarg);
			po->any = true;
		} else if (!cli_common_opt(ctx, ch, optarg)) {
			return cli_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (fmt_set && ctx->json && *fmt != FMT_JSON)
		return cli_usage_error(ctx, "--json and --format %s exclude each other",
				       format_names[*fmt]);
	ctx->plugin = *fmt == FMT_NAGIOS;   /* the last --format wins, as main guessed */
	if (po->any && *fmt != FMT_NAGIOS)
		return cli_usage_error(ctx, "--warning, --critical and --drift go with --format nagios");
	if (*fmt == FMT_JSON)
		ctx->json = true;
	else if (ctx->json)
		*fmt = FMT_JSON;
	return 0;
}

/* "headroom ... outside the warning range 5%:" for a range that raised its alert */
static void range_words(char *buf, size_t len, const char *which, const struct mp_range *r,
			const char *as)
{
	snprintf(buf, len, ", %s the %s range %s", r->inside ? "inside" : "outside", which, as);
}

/* The value a range is checked against: percent of CommitLimit, or kB. */
static double range_value(const struct mp_range *r, int64_t headroom_kb, double pct)
{
	return r->percent ? pct : (double)headroom_kb;
}

/*
 * --format nagios: one line, "OVC STATE - what|perfdata", as the Monitoring Plugins
 * guidelines ask (https://www.monitoring-plugins.org/doc/guidelines.html, "Plugin
 * Output"; perfdata 'label'=value[UOM];[warn];[crit];[min];[max]). The headroom is
 * judged only where CommitLimit is enforced (mode 2, and modes above 2 that old kernels
 * treat as 2); drift against the values systemd-sysctl applies at boot.
 */
static int print_nagios(const struct procfs_host *ph,
			const struct boot_view *bv, const struct plugin_opts *po)
{
	const struct model_host *h = &ph->host;
	const struct model_policy *p = &ph->policy;
	uint64_t limit = model_commit_limit_kb(h, p);
	int64_t head = model_headroom_kb(h, p);
	double pct = limit ? 100.0 * (double)head / (double)limit : (head < 0 ? -100.0 : 0.0);
	bool enforced = p->mode != OVERCOMMIT_GUESS && p->mode != OVERCOMMIT_ALWAYS;
	enum mp_state sh = MP_OK, sd = MP_OK, st;
	bool drift_first;
	char head_part[400], drift_part[600], a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], rw[80] = "";
	char wr[64] = "", cr[64] = "", wp[64] = "", cp[64] = "", v[32];
	unsigned ndrift = 0;
	enum knob k;

	if (enforced) {
		if (mp_range_alert(&po->crit, range_value(&po->crit, head, pct))) {
			sh = MP_CRITICAL;
			range_words(rw, sizeof(rw), "critical", &po->crit, po->crit_s);
		} else if (mp_range_alert(&po->warn, range_value(&po->warn, head, pct))) {
			sh = MP_WARNING;
			range_words(rw, sizeof(rw), "warning", &po->warn, po->warn_s);
		}
		snprintf(head_part, sizeof(head_part), "mode %d headroom %s, %.1f%% of CommitLimit %s%s",
			 p->mode, units_iec_skb(head, a, sizeof(a)), pct,
			 units_iec_kb(limit, b, sizeof(b)), rw);
		/* each threshold goes with the label of its unit */
		mp_range_format(&po->warn, po->warn.percent ? wp : wr, sizeof(wr));
		mp_range_format(&po->crit, po->crit.percent ? cp : cr, sizeof(cr));
	} else {
		snprintf(head_part, sizeof(head_part), "mode %d: CommitLimit not enforced, Committed_AS %s of %s",
			 p->mode, units_iec_kb(h->committed_as_kb, a, sizeof(a)),
			 units_iec_kb(limit, b, sizeof(b)));
	}

	if (!bv->known) {
		snprintf(drift_part, sizeof(drift_part), "boot values not read (a saved --proc tree without --root)");
	} else if (bv->err.msg[0]) {
		/* drift cannot be told: UNKNOWN, unless drift does not matter (--drift ok) */
		sd = po->drift == MP_OK ? MP_OK : MP_UNKNOWN;
		snprintf(drift_part, sizeof(drift_part), "boot values unknown: %.250s%s%.300s",
			 bv->err.path[0] ? bv->err.path : "", bv->err.path[0] ? ": " : "", bv->err.msg);
	} else {
		size_t n = (size_t)snprintf(drift_part, sizeof(drift_part), "in sync with boot");

		for (k = 0; k < KNOB_COUNT; k++) {
			char now[32], boot[32];

			if (knob_equal(p, &bv->sd.final, k))
				continue;
			knob_format(p, k, now, sizeof(now));
			knob_format(&bv->sd.final, k, boot, sizeof(boot));
			if (!ndrift++)
				n = (size_t)snprintf(drift_part, sizeof(drift_part), "drift from boot:");
			if (n < sizeof(drift_part))
				n += (size_t)snprintf(drift_part + n, sizeof(drift_part) - n, "%s %s=%s (boot %s)",
						      ndrift > 1 ? "," : "", knob_name(k), now, boot);
		}
		if (ndrift)
			sd = po->drift;
	}

	st = mp_state_worst(sh, sd);
	/* the part that decided the state first */
	drift_first = sd != sh && mp_state_worst(sd, sh) == sd;
	printf("OVC %s - %s; %s|", mp_state_name(st), drift_first ? drift_part : head_part,
	       drift_first ? head_part : drift_part);
	printf("committed_as=%" PRIu64 "KB;;;0 commit_limit=%" PRIu64 "KB;;;0 headroom=%" PRId64 "KB;%s;%s",
	       h->committed_as_kb, limit, head, wr, cr);
	snprintf(v, sizeof(v), "%.2f", pct);
	printf(" headroom_pct=%s%%;%s;%s", v, wp, cp);
	if (bv->known && !bv->err.msg[0])
		printf(" drift=%u;%s;%s;0;%d", ndrift, po->drift == MP_WARNING ? "0" : "",
		       po->drift == MP_CRITICAL ? "0" : "", KNOB_COUNT);
	printf("\n");
	return (int)st;
}

/* The metrics; f.ok false gives ovc_scrape_success 0 alone (the error is on stderr). */
static void print_prometheus(const struct prom_figures *f)
{
	static char text[PROM_TEXT_MAX];

	if (prom_render(f, text, sizeof(text)) < 0) {
		/* cannot happen with the fixed set: PROM_TEXT_MAX covers it; never print a cut */
		struct prom_figures fail = { .version = f->version, .ok = false };

		prom_render(&fail, text, sizeof(text));
	}
	fputs(text, stdout);
}

static void prom_status(struct ovc_ctx *ctx, const struct procfs_host *ph,
			const struct boot_view *bv, const struct model_alloc *user,
			const struct model_alloc *admin, size_t ntop)
{
	const struct model_host *h = &ph->host;
	const struct model_policy *p = &ph->policy;
	struct prom_figures f = {
		.version = OVC_VERSION,
		.ok = true,
		.policy = *p,
		.commit_limit_kb = model_commit_limit_kb(h, p),
		.committed_as_kb = h->committed_as_kb,
		.headroom_kb = model_headroom_kb(h, p),
		.max_alloc_kb = model_pages_kb(h, user->max_pages),
		.max_alloc_admin_kb = model_pages_kb(h, admin->max_pages),
		.binding_limit = model_limit_name(user->binding),
		.boot_read = bv->known,
		.boot_error = bv->known && bv->err.msg[0],
		.boot_systemd = bv->sd.final,
		.boot_procps = bv->pp.final,
		.dropin_present = bv->dropin,
		.dropin_managed = bv->managed,
		.profile = bv->info.profile,
	};

	if (ph->live && cli_open_host(ctx) == 0) {   /* the kernel log, as ovc log reads it */
		struct klog src;
		struct kmsg_log log = { 0 };
		struct ovc_err err = { 0 };
		size_t i;

		if (klog_open(&ctx->host, NULL, &src, &err) == 0) {
			if (klog_read_all(&src, &log, &err) == 0) {
				f.log_read = true;
				for (i = 0; i < log.n; i++) {
					f.log_refused += log.v[i].kind == KMSG_COMMIT_REFUSED;
					f.log_rlimit_data += log.v[i].kind == KMSG_RLIMIT_DATA;
					f.log_oom_kill += log.v[i].kind == KMSG_OOM_KILL;
					f.log_cgroup_oom_kill += log.v[i].kind == KMSG_CGROUP_OOM_KILL;
				}
				f.log_suppressed = log.suppressed;
				f.log_wrapped = kmsg_log_wrapped(&log) || src.lost;
			}
			klog_close(&src);
			kmsg_log_free(&log);
		}
	}
	if (ntop && ph->live) {   /* a saved tree's processes are not this host's now */
		struct top t;
		struct top_totals tt;
		struct proctop_stats st;
		struct ovc_err err = { 0 };
		size_t i;

		top_init(&t);
		cli_raise_kept(CAP_SYS_PTRACE);
		if (proctop_scan(&ctx->proc, &ctx->root, &t, &st, &err) == 0 && !t.oom) {
			top_finish(&t, h->committed_as_kb, &tt);
			f.top_read = true;
			for (i = 0; i < t.nprocs && i < ntop && i < PROM_TOP_MAX; i++) {
				struct prom_holder *ph2 = &f.top[f.ntop++];

				ph2->pid = t.procs[i].pid;
				snprintf(ph2->comm, sizeof(ph2->comm), "%s", t.procs[i].comm);
				snprintf(ph2->cgroup, sizeof(ph2->cgroup), "%s", t.procs[i].cgroup);
				ph2->commit_kb = t.procs[i].commit_kb;
				ph2->fork_kb = t.procs[i].fork_kb;
			}
			f.unattributed_kb = tt.unattributed_kb;
			f.unreadable = t.unreadable;
		}
		top_free(&t);
	}
	cli_drop_privileges(ctx);
	print_prometheus(&f);
}

/* Mode 2 with little or no headroom: the moment to say who holds the charge. */
static bool headroom_low(const struct model_host *h, const struct model_policy *p)
{
	if (p->mode != OVERCOMMIT_NEVER)
		return false;
	return model_headroom_kb(h, p) <
	       (int64_t)sim_low_headroom_margin_kb(model_commit_limit_kb(h, p));
}

/* The largest holders of Committed_AS (as ovc top shows them), with what it cannot read. */
static void print_holders(struct ovc_ctx *ctx, const struct model_host *h)
{
	struct top t;
	struct top_totals tt;
	struct proctop_stats st;
	struct ovc_err err = { 0 };
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN];
	size_t i, n = 0;

	top_init(&t);
	if (proctop_scan(&ctx->proc, &ctx->root, &t, &st, &err) < 0 || t.oom) {
		top_free(&t);
		return;   /* the status stands without it */
	}
	top_finish(&t, h->committed_as_kb, &tt);
	if (!t.nprocs && !tt.objs_kb && !t.unreadable) {   /* a saved tree without processes */
		top_free(&t);
		return;
	}
	printf("\nLargest holders of Committed_AS (ovc top shows all):\n");
	for (i = 0; i < t.nprocs && n < 5; i++, n++)
		printf("  %11s  fork %11s  %" PRId64 " %s\n",
		       units_iec_kb(t.procs[i].commit_kb, a, sizeof(a)),
		       units_iec_kb(t.procs[i].fork_kb, b, sizeof(b)), t.procs[i].pid,
		       esc(t.procs[i].comm));
	for (i = 0; i < t.nobjs && i < 3; i++)
		if (t.objs[i].commit_kb)
			printf("  %11s  %s %s\n", units_iec_kb(t.objs[i].commit_kb, a, sizeof(a)),
			       t.objs[i].kind == TOP_SYSV_SHM ? "SysV segment"
			       : t.objs[i].kind == TOP_SHARED_ANON ? "shared anonymous memory"
			       : t.objs[i].kind == TOP_MEMFD ? "memfd" : "tmpfs",
			       esc(t.objs[i].name));
	if (t.unreadable)
		printf("  (%" PRIu64 " %s could not be read without privileges: ovc top as root reads them)\n",
		       t.unreadable, t.unreadable == 1 ? "process" : "processes");
	top_free(&t);
}

int cmd_status(struct ovc_ctx *ctx, int argc, char **argv)
{
	struct boot_view *bv = NULL;
	struct procfs_host ph;
	struct model_task task;
	struct model_alloc user, admin;
	const struct model_host *h = &ph.host;
	const struct model_policy *p = &ph.policy;
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], c[UNITS_IEC_LEN];
	enum status_format fmt;
	bool offline;
	struct plugin_opts po = { 0 };
	struct touch_view tv = { 0 };
	int rc;

	rc = parse(ctx, argc, argv, &fmt, &po);
	if (rc)
		return rc;
	rc = cli_open_root(ctx);
	if (!rc)
		rc = cli_load_host(ctx, &ph);
	if (!rc && !(bv = boot_view_new())) {
		struct ovc_err err = { 0 };

		ovc_fail(&err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
		rc = cli_report(ctx, &err);
	}
	if (rc) {
		/* the metrics still parse: ovc_scrape_success 0, the reason on stderr */
		if (fmt == FMT_PROMETHEUS)
			print_prometheus(&(struct prom_figures){ .version = OVC_VERSION, .ok = false });
		return rc;
	}
	boot_load(ctx, &ph, bv);
	model_task_init(&task);
	/* the image's boot files against this host's running values: the drift is not the
	 * image's (verify warns the same way) */
	offline = ctx->root_set && !ctx->proc_set;
	task.rlimit_as_bytes = ph.self_rlimit_as;
	task.rlimit_data_bytes = ph.self_rlimit_data;
	task.rlimit_data_max_bytes = ph.self_rlimit_data_max;
	model_max_alloc(h, p, &task, &user);
	task.admin = true;
	model_max_alloc(h, p, &task, &admin);

	if (fmt == FMT_PROMETHEUS) {
		prom_status(ctx, &ph, bv, &user, &admin, po.top);
		goto out;
	}
	if (fmt == FMT_NAGIOS) {
		rc = print_nagios(&ph, bv, &po);
		confdirs_free(&bv->cd);
		free(bv);
		return rc;
	}
	/* the caller's memory cgroup and what it leaves to write (status shows no request) */
	rc = touchview_gather(ctx, &ph, &task, NULL, NULL, 0, &tv);
	if (rc)
		goto out;
	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_policy(&j, "policy", p);
		json_host(&j, &ph, NULL);
		json_u64(&j, "commit_limit_kb", model_commit_limit_kb(h, p));
		json_u64(&j, "committed_as_kb", h->committed_as_kb);
		json_i64(&j, "headroom_kb", model_headroom_kb(h, p));
		json_u64(&j, "max_alloc_kb", model_pages_kb(h, user.max_pages));
		json_u64(&j, "max_alloc_admin_kb", model_pages_kb(h, admin.max_pages));
		json_str(&j, "binding_limit", model_limit_name(user.binding));
		json_boot(&j, &ph, bv);
		touchview_status_json(&j, &tv);
		json_warnings_open(&j, &ph, p);
		if (offline)
			json_warning(&j, "runtime_from_this_host", warn_runtime_from_this_host);
		json_end(&j);
		json_end(&j);
		goto out;
	}

	printf("%svm.overcommit_memory%s  %d   %s\n", clr(ctx->color, C_BOLD),
	       clr_off(ctx->color), p->mode, mode_blurb(p->mode));
	if (p->kbytes)
		printf("vm.overcommit_kbytes  %" PRIu64 "   (%s; takes precedence, ratio reads 0)\n",
		       p->kbytes, units_iec_kb(p->kbytes, a, sizeof(a)));
	else
		printf("vm.overcommit_ratio   %" PRId64 "%%  of RAM%s, plus swap, is CommitLimit\n",
		       p->ratio, h->hugetlb_kb ? " less hugetlb" : "");
	print_boot(ctx, &ph, bv);
	printf("\n");
	printf("CommitLimit   %12s", units_iec_kb(model_commit_limit_kb(h, p), a, sizeof(a)));
	if (p->mode == OVERCOMMIT_GUESS || p->mode == OVERCOMMIT_ALWAYS)
		printf("   (enforced only in mode 2)");
	printf("\nCommitted_AS  %12s\n", units_iec_kb(h->committed_as_kb, b, sizeof(b)));
	printf("Headroom      %12s\n", units_iec_skb(model_headroom_kb(h, p), c, sizeof(c)));
	printf("Committed     ");
	render_meter(stdout, ctx->color, h->committed_as_kb, model_commit_limit_kb(h, p), 40);
	printf("\n\nLargest single allocation now: %s%s%s (limited by %s)",
	       clr(ctx->color, C_BOLD), units_iec_kb(model_pages_kb(h, user.max_pages), a, sizeof(a)),
	       clr_off(ctx->color), limit_words(user.binding));
	if (admin.max_pages != user.max_pages)
		printf("; %s with CAP_SYS_ADMIN",
		       units_iec_kb(model_pages_kb(h, admin.max_pages), b, sizeof(b)));
	printf("\n");
	if (user.binding == LIMIT_COMMIT)
		printf("(for a process large enough to pay the whole user reserve; 'ovc check --pid' answers for one)\n");
	printf("RAM %s, swap %s, hugetlb %s; kernel %s",
	       units_iec_kb(h->mem_total_kb, a, sizeof(a)),
	       units_iec_kb(h->swap_total_kb, b, sizeof(b)),
	       units_iec_kb(h->hugetlb_kb, c, sizeof(c)), esc(ph.osrelease));
	if (ph.has_cpus)
		printf(", %u CPU%s", h->cpus_online, plural(h->cpus_online));
	printf("\n");
	touchview_status_print(ctx, &tv);
	if (strcmp(ctx->proc_dir, FSROOT_DEFAULT_PROC))
		printf("(read from %s)\n", esc(ctx->proc_dir));
	/* warnings go on stdout: they are part of the status report */
	if (!print_warnings(ctx, &ph, p, true) && offline)
		printf("\n");
	if (offline)
		printf("%swarning:%s %s\n", clr(ctx->color, C_YELLOW), clr_off(ctx->color),
		       warn_runtime_from_this_host);
	if (!offline && headroom_low(h, p))
		print_holders(ctx, h);
out:
	touchview_free(&tv);
	confdirs_free(&bv->cd);
	free(bv);
	return rc ? rc : EXIT_OK;
}
