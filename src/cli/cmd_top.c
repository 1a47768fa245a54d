/* SPDX-License-Identifier: MIT */
/*
 * cmd_top.c - "ovc top": who holds Committed_AS now: every process's commit charge and
 * fork cost, the objects charged once (SysV, shared anonymous, memfd, tmpfs), and what
 * is left unattributed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../core/proctext.h"
#include "../core/units.h"
#include "../sys/proctop.h"
#include "render.h"
#include "shared.h"

enum by { BY_PROCESS, BY_USER, BY_CGROUP };

static const char *kind_token(enum top_kind k)
{
	switch (k) {
	case TOP_SYSV_SHM:    return "sysv_shm";
	case TOP_SHARED_ANON: return "shared_anon";
	case TOP_MEMFD:       return "memfd";
	case TOP_TMPFS:       return "tmpfs";
	}
	return "other";
}

/* <root>/etc/passwd, for user names (never NSS: the seam reads the image's own). */
struct users {
	char *text;
	size_t len;
};

static const char *user_name(const struct users *u, uint32_t uid, char *buf, size_t len)
{
	if (uid == (uint32_t)-1)
		snprintf(buf, len, "?");
	else if (!u->text || !proctext_passwd_name(u->text, u->len, uid, buf, len))
		snprintf(buf, len, "%" PRIu32, uid);
	return buf;
}

/* Rows that fit the terminal (or 25 when stdout is none). */
static size_t default_rows(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row)
		return ws.ws_row > 17 ? (size_t)ws.ws_row - 12 : 5;
	return 25;
}

struct group_by {
	enum by by;
	const struct users *u;
};

static void group_key(void *arg, const struct top_proc *p, char *key, size_t len)
{
	const struct group_by *gb = arg;

	if (gb->by == BY_USER)
		user_name(gb->u, p->uid, key, len);
	else
		snprintf(key, len, "%s", p->cgroup[0] ? p->cgroup : "-");
}

static size_t make_groups(const struct top *t, enum by by, const struct users *u,
			  struct top_group **out)
{
	struct group_by gb = { by, u };

	*out = calloc(t->nprocs ? t->nprocs : 1, sizeof(**out));
	return *out ? top_groups(t, group_key, &gb, *out) : 0;
}

static void print_json(const struct ovc_ctx *ctx, const struct procfs_host *ph,
		       const struct top *t, const struct top_totals *tt,
		       const struct proctop_stats *st, const struct users *u, enum by by)
{
	struct json j;
	char name[64];
	size_t i, k;

	(void)ctx;
	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_u64(&j, "committed_as_kb", tt->committed_kb);
	json_u64(&j, "commit_limit_kb", model_commit_limit_kb(&ph->host, &ph->policy));
	json_i64(&j, "mode", ph->policy.mode);
	json_arr(&j, "processes");
	for (i = 0; i < t->nprocs; i++) {
		const struct top_proc *p = &t->procs[i];

		json_obj(&j, NULL);
		json_i64(&j, "pid", p->pid);
		json_str(&j, "comm", p->comm);
		if (p->uid == (uint32_t)-1)
			json_null(&j, "uid");
		else
			json_u64(&j, "uid", p->uid);
		json_str(&j, "user", user_name(u, p->uid, name, sizeof(name)));
		json_u64(&j, "commit_kb", p->commit_kb);
		json_u64(&j, "fork_kb", p->fork_kb);
		json_str(&j, "cgroup", p->cgroup[0] ? p->cgroup : NULL);
		json_end(&j);
	}
	json_end(&j);
	json_arr(&j, "objects");
	for (i = 0; i < t->nobjs; i++) {
		const struct top_obj *o = &t->objs[i];

		json_obj(&j, NULL);
		json_str(&j, "kind", kind_token(o->kind));
		json_str(&j, "name", o->name);
		json_u64(&j, "commit_kb", o->commit_kb);
		json_bool(&j, "per_page", o->per_page);
		json_bool(&j, "hugetlb", o->hugetlb);
		json_arr(&j, "pids");
		for (k = 0; k < o->npids; k++)
			json_i64(&j, NULL, o->pids[k]);
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	if (by != BY_PROCESS) {
		struct top_group *g;
		size_t n = make_groups(t, by, u, &g);

		json_arr(&j, "groups");
		for (i = 0; i < n; i++) {
			json_obj(&j, NULL);
			json_str(&j, by == BY_USER ? "user" : "cgroup", g[i].key);
			json_u64(&j, "processes", g[i].procs);
			json_u64(&j, "commit_kb", g[i].commit_kb);
			json_u64(&j, "fork_kb", g[i].fork_kb);
			json_end(&j);
		}
		json_end(&j);
		free(g);
	}
	json_u64(&j, "attributed_kb", tt->attributed_kb);
	json_i64(&j, "unattributed_kb", tt->unattributed_kb);
	json_u64(&j, "unreadable", t->unreadable);
	json_u64(&j, "exited", t->gone);
	json_u64(&j, "kernel_threads", st->kernel_threads);
	json_u64(&j, "tmpfs_unmeasured", st->tmpfs_unmeasured);
	json_bool(&j, "pid_namespace", st->pid_namespace);
	json_end(&j);
}

static void print_text(const struct ovc_ctx *ctx, const struct procfs_host *ph,
		       const struct top *t, const struct top_totals *tt,
		       const struct proctop_stats *st, const struct users *u, enum by by,
		       size_t rows)
{
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], c[UNITS_IEC_LEN], name[64];
	size_t i, k, shown;

	printf("Committed_AS %s of CommitLimit %s (mode %d, %s); %" PRIu64 " %s read\n\n",
	       units_iec_kb(tt->committed_kb, a, sizeof(a)),
	       units_iec_kb(model_commit_limit_kb(&ph->host, &ph->policy), b, sizeof(b)),
	       ph->policy.mode, model_mode_name(ph->policy.mode), st->processes,
	       st->processes == 1 ? "process" : "processes");
	if (by != BY_PROCESS) {
		struct top_group *g;
		size_t n = make_groups(t, by, u, &g);

		printf("%9s %11s %11s  %s\n", "PROCESSES", "COMMIT", "FORK",
		       by == BY_USER ? "USER" : "CGROUP");
		for (i = 0; i < n && (!rows || i < rows); i++)
			printf("%9" PRIu64 " %11s %11s  %s\n", g[i].procs,
			       units_iec_kb(g[i].commit_kb, a, sizeof(a)),
			       units_iec_kb(g[i].fork_kb, b, sizeof(b)), esc(g[i].key));
		if (i < n)
			printf("(%zu more; -n 0 shows all)\n", n - i);
		free(g);
	} else {
		printf("%8s  %-10s %11s %11s  %-16s %s\n", "PID", "USER", "COMMIT", "FORK",
		       "COMMAND", "CGROUP");
		for (i = 0, shown = 0; i < t->nprocs && (!rows || shown < rows); i++, shown++) {
			const struct top_proc *p = &t->procs[i];

			printf("%8" PRId64 "  %-10s %11s %11s  %-16s %s\n", p->pid,
			       esc(user_name(u, p->uid, name, sizeof(name))),
			       units_iec_kb(p->commit_kb, a, sizeof(a)),
			       units_iec_kb(p->fork_kb, b, sizeof(b)), esc(p->comm),
			       p->cgroup[0] ? esc(p->cgroup) : "-");
		}
		if (i < t->nprocs)
			printf("(%zu more; -n 0 shows all)\n", t->nprocs - i);
	}
	for (k = 0, i = 0; i < t->nobjs; i++)
		k += t->objs[i].commit_kb || t->objs[i].npids;
	if (k) {
		printf("\nCharged to objects, once, whoever maps them:\n");
		printf("  %-11s %11s  %-28s %s\n", "KIND", "COMMIT", "NAME", "PIDS");
		for (i = 0; i < t->nobjs; i++) {
			const struct top_obj *o = &t->objs[i];

			if (!o->commit_kb && !o->npids)
				continue;   /* an empty tmpfs: JSON lists it */
			printf("  %-11s %11s  %-28s ", kind_token(o->kind),
			       units_iec_kb(o->commit_kb, a, sizeof(a)), esc(o->name));
			for (k = 0; k < o->npids && k < 8; k++)
				printf("%s%" PRId64, k ? " " : "", o->pids[k]);
			if (o->npids > 8)
				printf(" (+%zu)", o->npids - 8);
			if (!o->npids)
				printf("-");
			printf("%s\n", o->hugetlb ? " (hugetlb: not charged)"
				       : o->per_page ? " (charged per page: an estimate)" : "");
		}
	}
	printf("\nAttributed %s of Committed_AS %s: processes %s, objects %s; ",
	       units_iec_kb(tt->attributed_kb, a, sizeof(a)),
	       units_iec_kb(tt->committed_kb, b, sizeof(b)),
	       units_iec_kb(tt->procs_kb, c, sizeof(c)), units_iec_kb(tt->objs_kb, name, sizeof(name)));
	if (tt->unattributed_kb >= 0)
		printf("%s not attributed (the kernel's own charges, processes not read, files of tmpfs mounts not measured, and the per-CPU counter's slack of up to %s)\n",
		       units_iec_kb((uint64_t)tt->unattributed_kb, a, sizeof(a)),
		       units_iec_kb(model_band_pages(&ph->host, ph->policy.mode) <<
				    model_kb_shift(&ph->host), b, sizeof(b)));
	else
		printf("%s more than Committed_AS (estimates per page, or the per-CPU counter's slack of up to %s)\n",
		       units_iec_kb((uint64_t)-tt->unattributed_kb, a, sizeof(a)),
		       units_iec_kb(model_band_pages(&ph->host, ph->policy.mode) <<
				    model_kb_shift(&ph->host), b, sizeof(b)));
	if (t->unreadable)
		printf("%s%" PRIu64 " %s could not be read%s: their smaps needs ptrace access (run ovc top as root)\n",
		       clr(ctx->color, C_YELLOW), t->unreadable,
		       t->unreadable == 1 ? "process" : "processes", clr_off(ctx->color));
	if (st->pid_namespace)
		printf("ovc runs in a PID namespace (a container): the processes outside it are not seen, and what they hold is in the part not attributed\n");
	if (st->tmpfs_unmeasured)
		printf("%" PRIu64 " tmpfs %s not measured (a saved tree, or not reachable under the root)\n",
		       st->tmpfs_unmeasured, st->tmpfs_unmeasured == 1 ? "mount was" : "mounts were");
}

int cmd_top(struct ovc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "by", required_argument, NULL, OPT_BY },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ NULL, 0, NULL, 0 },
	};
	struct procfs_host ph;
	struct top t;
	struct top_totals tt;
	struct proctop_stats st;
	struct users u = { 0 };
	struct ovc_err err = { 0 };
	enum by by = BY_PROCESS;
	size_t rows = default_rows();
	const char *why;
	int ch, rc;

	while ((ch = cli_getopt(ctx, argc, argv, "hn:", longopts)) != -1) {
		int64_t v;

		switch (ch) {
		case 'n':
			if (units_parse_int(optarg, 0, INT32_MAX, &v, &why) < 0)
				return cli_usage_error(ctx, "invalid -n '%s': %s (0 shows all)", optarg, why);
			rows = (size_t)v;
			break;
		case OPT_BY:
			if (!strcmp(optarg, "user"))
				by = BY_USER;
			else if (!strcmp(optarg, "cgroup"))
				by = BY_CGROUP;
			else
				return cli_usage_error(ctx, "invalid --by '%s': user or cgroup", optarg);
			break;
		default:
			if (!cli_common_opt(ctx, ch, optarg))
				return cli_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	rc = cli_open_root(ctx);
	if (!rc)
		rc = cli_load_host(ctx, &ph);
	if (rc)
		return rc;
	top_init(&t);
	cli_raise_kept(CAP_SYS_PTRACE);
	rc = proctop_scan(&ctx->proc, &ctx->root, &t, &st, &err);
	if (cli_drop_privileges(ctx)) {
		top_free(&t);
		return EXIT_SYSTEM;
	}
	if (rc < 0) {
		top_free(&t);
		return cli_report(ctx, &err);
	}
	if (t.oom) {
		top_free(&t);
		ovc_fail(&err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
		return cli_report(ctx, &err);
	}
	top_finish(&t, st.committed_read ? st.committed_kb : ph.host.committed_as_kb, &tt);
	/* a saved tree's users are not this system's: names only for the running system's
	 * processes, or from the image --root names */
	if (ctx->proc.live || ctx->root_set)
		fsroot_read_opt(&ctx->root, "etc/passwd", 16u << 20, &u.text, &u.len, &err);
	if (ctx->json)
		print_json(ctx, &ph, &t, &tt, &st, &u, by);
	else
		print_text(ctx, &ph, &t, &tt, &st, &u, by, rows);
	free(u.text);
	top_free(&t);
	return EXIT_OK;
}
