/* SPDX-License-Identifier: MIT */
/*
 * cmd_log.c - "ovc log": the commit refusals, RLIMIT_DATA refusals and OOM kills in the
 * kernel log, each explained against the policy in force now.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/explain.h"
#include "../core/units.h"
#include "../sys/klog.h"
#include "render.h"
#include "shared.h"

struct log_run {
	struct ovc_ctx *ctx;
	struct procfs_host *ph;
	uint64_t btime;              /* boot time, s since the epoch; 0 unknown */
	bool since_set;

	size_t shown;
	bool header;
};

static const char *kind_token(enum kmsg_kind k)
{
	switch (k) {
	case KMSG_COMMIT_REFUSED:  return "commit_refused";
	case KMSG_OOM_KILL:        return "oom_kill";
	case KMSG_CGROUP_OOM_KILL: return "cgroup_oom_kill";
	case KMSG_RLIMIT_DATA:     return "rlimit_data";
	default:                   break;
	}
	return "other";
}

static const char *kind_words(enum kmsg_kind k)
{
	switch (k) {
	case KMSG_COMMIT_REFUSED:  return "refused";
	case KMSG_OOM_KILL:        return "OOM kill";
	case KMSG_CGROUP_OOM_KILL: return "cgroup OOM kill";
	case KMSG_RLIMIT_DATA:     return "RLIMIT_DATA";
	default:                   break;
	}
	return "-";
}

static const char *reason_token(enum explain_reason r)
{
	switch (r) {
	case EXPLAIN_REFUSED_NOW:   return "refused_now";
	case EXPLAIN_ACCEPTED_NOW:  return "accepted_now";
	case EXPLAIN_NEVER_REFUSES: return "policy_changed";
	case EXPLAIN_NO_SIZE:       return "no_size";
	case EXPLAIN_OOM:           return "out_of_memory";
	case EXPLAIN_CGROUP_OOM:    return "cgroup_limit";
	case EXPLAIN_RLIMIT_DATA:   return "rlimit_data";
	}
	return "unknown";
}

static void explain_words(const struct log_run *lr, const struct kmsg_entry *e,
			  const struct explanation *x, char *buf, size_t len)
{
	const struct model_host *h = &lr->ph->host;
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], c[UNITS_IEC_LEN];

	switch (x->reason) {
	case EXPLAIN_REFUSED_NOW:
		if (x->mode == OVERCOMMIT_NEVER)
			snprintf(buf, len, "mode 2 now: it would be refused now too: %s is more than CommitLimit %s less Committed_AS and the reserves (headroom now %s)",
				 units_iec(e->ev.bytes, a, sizeof(a)), units_iec_kb(x->limit_kb, b, sizeof(b)),
				 units_iec_skb(x->headroom_kb, c, sizeof(c)));
		else
			snprintf(buf, len, "mode %d now: it would be refused now too: %s is more than RAM + swap (%s), the most mode 0 grants one request",
				 x->mode, units_iec(e->ev.bytes, a, sizeof(a)),
				 units_iec_kb(x->limit_kb, b, sizeof(b)));
		break;
	case EXPLAIN_ACCEPTED_NOW:
		snprintf(buf, len, "mode %d now: the same request would be accepted now; the policy, the swap or Committed_AS (in mode 2) has changed since",
			 x->mode);
		break;
	case EXPLAIN_NEVER_REFUSES:
		snprintf(buf, len, "mode 1 now never refuses: the policy was 0 or 2 when this happened");
		break;
	case EXPLAIN_NO_SIZE:
		snprintf(buf, len, "mode %d now; this kernel did not print the size of the request (Linux 6.9 and later do)",
			 x->mode);
		break;
	case EXPLAIN_OOM:
		snprintf(buf, len, "RAM + swap (%s) ran out as pages were written: the allocations had been granted (mode %d now), the memory was not there when used",
			 units_iec_kb(h->mem_total_kb + h->swap_total_kb, a, sizeof(a)), x->mode);
		break;
	case EXPLAIN_CGROUP_OOM:
		snprintf(buf, len, "cgroup %s reached its memory limit as pages were written; no vm.overcommit_* setting prevents that (the allocation itself had succeeded)",
			 e->oom_memcg[0] ? e->oom_memcg : e->cgroup[0] ? e->cgroup : "(not printed)");
		break;
	case EXPLAIN_RLIMIT_DATA:
		snprintf(buf, len, "its RLIMIT_DATA (%s) refused a private writable mapping: VmData with it would be %s (may_expand_vm; ulimit -d, LimitDATA=)",
			 units_iec(e->ev.limit, a, sizeof(a)), units_iec(e->ev.bytes, b, sizeof(b)));
		break;
	}
}

/* The wall time of an entry, in microseconds since the epoch; 0 unknown. */
static uint64_t wall_usec(const struct log_run *lr, const struct kmsg_entry *e)
{
	if (!lr->btime || !e->has_ts)
		return 0;
	return lr->btime * 1000000 + e->ts_usec;
}

static void time_text(uint64_t usec, bool utc_iso, char *buf, size_t len)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;

	if (!usec || !(utc_iso ? gmtime_r(&t, &tm) : localtime_r(&t, &tm))) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, utc_iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm);
}

/* What the size column shows: the request, or for a kill the memory the victim held. */
static bool entry_size(const struct kmsg_entry *e, uint64_t *bytes)
{
	if (e->kind == KMSG_COMMIT_REFUSED || e->kind == KMSG_RLIMIT_DATA) {
		*bytes = e->ev.bytes;
		return e->kind == KMSG_RLIMIT_DATA || e->ev.has_bytes;
	}
	*bytes = e->ev.anon_rss_kb * 1024;
	return e->ev.anon_rss_kb > 0;
}

/* One entry as a JSON object, in an array (key NULL) or alone (one line, --follow). */
static void json_entry(struct json *j, const struct log_run *lr, const struct kmsg_entry *e)
{
	struct explanation x;
	char when[32], why[640];
	uint64_t bytes;

	explain_entry(&lr->ph->host, &lr->ph->policy, e, &x);
	json_obj(j, NULL);
	json_str(j, "kind", kind_token(e->kind));
	time_text(wall_usec(lr, e), true, when, sizeof(when));
	json_str(j, "time", wall_usec(lr, e) ? when : NULL);
	if (e->has_ts)
		json_u64(j, "uptime_usec", e->ts_usec);
	else
		json_null(j, "uptime_usec");
	json_i64(j, "pid", e->ev.pid);
	json_str(j, "comm", e->ev.comm);
	if (entry_size(e, &bytes))
		json_u64(j, "bytes", bytes);
	else
		json_null(j, "bytes");
	json_str(j, "cgroup", e->cgroup[0] ? e->cgroup : NULL);
	json_str(j, "oom_memcg", e->oom_memcg[0] ? e->oom_memcg : NULL);
	json_str(j, "text", e->text);
	json_str(j, "reason", reason_token(x.reason));
	explain_words(lr, e, &x, why, sizeof(why));
	json_str(j, "explanation", why);
	json_end(j);
}

static void print_entry(struct log_run *lr, const struct kmsg_entry *e)
{
	struct explanation x;
	char when[32], size[UNITS_IEC_LEN], why[640];
	uint64_t bytes;

	if (lr->ctx->json) {   /* --follow: JSON Lines */
		struct json j;

		json_init(&j, stdout);
		json_entry(&j, lr, e);
		return;
	}
	explain_entry(&lr->ph->host, &lr->ph->policy, e, &x);
	if (!lr->header) {
		printf("%-19s  %-15s  %7s  %-16s  %10s  %s\n", "TIME", "EVENT", "PID", "COMMAND",
		       "SIZE", "CGROUP");
		lr->header = true;
	}
	time_text(wall_usec(lr, e), false, when, sizeof(when));
	if (entry_size(e, &bytes))
		units_iec(bytes, size, sizeof(size));
	else
		snprintf(size, sizeof(size), "-");
	printf("%-19s  %-15s  %7" PRId64 "  %-16s  %10s  %s\n", when, kind_words(e->kind),
	       e->ev.pid, esc(e->ev.comm), size, e->cgroup[0] ? esc(e->cgroup) : "-");
	explain_words(lr, e, &x, why, sizeof(why));
	printf("    %s\n", why);
}

static void print_summary(const struct log_run *lr, const struct kmsg_log *log, bool lost)
{
	size_t i, n[5] = { 0 };

	for (i = 0; i < log->n; i++)
		n[log->v[i].kind == KMSG_COMMIT_REFUSED ? 0
			  : log->v[i].kind == KMSG_RLIMIT_DATA ? 1
		  : log->v[i].kind == KMSG_OOM_KILL ? 2 : 3]++;
	if (lr->shown)
		printf("\n");
	printf("%zu commit %s, %zu RLIMIT_DATA %s, %zu OOM %s, %zu cgroup OOM %s %s (%" PRIu64 " kernel log %s read)\n",
	       n[0], n[0] == 1 ? "refusal" : "refusals", n[1], n[1] == 1 ? "refusal" : "refusals",
	       n[2], n[2] == 1 ? "kill" : "kills", n[3], n[3] == 1 ? "kill" : "kills",
	       lr->since_set ? "in the time asked" : "since boot", log->lines,
	       log->lines == 1 ? "record" : "records");
	if (log->suppressed)
		printf("%" PRIu64 " more commit %s not printed by the kernel's rate limit (10 in 5 s); their sizes and processes are not known\n",
		       log->suppressed, log->suppressed == 1 ? "refusal was" : "refusals were");
	if (kmsg_log_wrapped(log) || lost)
		printf("note: the kernel's log buffer has wrapped: records older than the first one read (number %" PRIu64 ") are gone\n",
		       log->first_seq);
	if (lr->shown)
		printf("The explanations use the policy in force now (mode %d); one made under another policy may read differently.\n",
		       lr->ph->policy.mode);
}

/* Fill the cgroup of a refusal from the process, if it still runs under that name. */
static void add_cgroup(struct log_run *lr, struct kmsg_entry *e)
{
	if (!e->cgroup[0] && e->ev.pid > 0)
		procfs_task_cgroup(&lr->ctx->proc, (long)e->ev.pid, e->ev.comm, e->cgroup,
				   sizeof(e->cgroup));
}


int cmd_log(struct ovc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "kmsg", required_argument, NULL, OPT_KMSG },
		{ NULL, 0, NULL, 0 },
	};
	struct procfs_host ph;
	struct log_run lr = { .ctx = ctx, .ph = &ph };
	struct kmsg_log log = { 0 };
	struct klog src;
	struct ovc_err err = { 0 };
	const char *kmsg_file = NULL, *why, *line;
	size_t len;
	bool follow = false;
	uint64_t since = 0;
	int ch, rc, r;
	size_t i;

	while ((ch = cli_getopt(ctx, argc, argv, "fh", longopts)) != -1) {
		switch (ch) {
		case OPT_SINCE:
			if (units_parse_duration(optarg, &since, &why) < 0)
				return cli_usage_error(ctx, "invalid --since '%s': %s", optarg, why);
			lr.since_set = true;
			break;
		case 'f':
		case OPT_FOLLOW:
			follow = true;
			break;
		case OPT_KMSG:
			kmsg_file = optarg;
			break;
		default:
			if (!cli_common_opt(ctx, ch, optarg))
				return cli_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	rc = cli_open_root(ctx);
	if (rc)
		return rc;
	if (klog_open(&ctx->root, kmsg_file, &src, &err) < 0)
		return cli_report(ctx, &err);
	rc = cli_drop_privileges(ctx);
	if (rc) {
		klog_close(&src);
		return rc;
	}
	if (follow && !src.device) {
		klog_close(&src);
		return cli_usage_error(ctx, "--follow needs the live kernel log (/dev/kmsg), not a file");
	}
	rc = cli_load_host(ctx, &ph);
	if (!rc && procfs_read_btime(&ctx->proc, &lr.btime, &err) < 0)
		rc = cli_report(ctx, &err);
	if (rc) {
		klog_close(&src);
		return rc;
	}
	if (lr.since_set) {
		struct timespec now;
		uint64_t from;

		/* the oldest wall time wanted, as uptime: records carry the time since boot */
		clock_gettime(CLOCK_REALTIME, &now);
		from = (uint64_t)now.tv_sec > since ? (uint64_t)now.tv_sec - since : 0;
		log.has_min_ts = true;
		log.min_ts_usec = from > lr.btime ? (from - lr.btime) * 1000000 : 0;
	}

	if (klog_read_all(&src, &log, &err) < 0) {
		klog_close(&src);
		kmsg_log_free(&log);
		return cli_report(ctx, &err);
	}

	if (ctx->json && !follow) {
		struct json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_arr(&j, "entries");
		for (i = 0; i < log.n; i++) {
			add_cgroup(&lr, &log.v[i]);
			json_entry(&j, &lr, &log.v[i]);
		}
		json_end(&j);
		json_u64(&j, "suppressed", log.suppressed);
		json_bool(&j, "wrapped", kmsg_log_wrapped(&log) || src.lost);
		json_u64(&j, "records", log.lines);
		json_end(&j);
	} else {
		for (i = 0; i < log.n; i++) {
			add_cgroup(&lr, &log.v[i]);
			print_entry(&lr, &log.v[i]);
			lr.shown++;
		}
		if (!ctx->json)
			print_summary(&lr, &log, src.lost);
	}
	if (follow) {
		log.n = 0;
		fflush(stdout);
		while ((r = klog_next(&src, true, &line, &len, &err)) == 0) {
			if (kmsg_log_feed(&log, line, len) <= 0)
				continue;
			add_cgroup(&lr, &log.v[0]);
			print_entry(&lr, &log.v[0]);
			log.n = 0;
			if (fflush(stdout) != 0)
				break;   /* the reader has gone: cli_close_stdout says so */
		}
		if (r < 0) {
			klog_close(&src);
			kmsg_log_free(&log);
			return cli_report(ctx, &err);
		}
	}
	klog_close(&src);
	kmsg_log_free(&log);
	return EXIT_OK;
}
