/* SPDX-License-Identifier: MIT */
/* cmd_simulate.c - "ovc simulate": CommitLimit and the largest allocation in each mode. */
#include <inttypes.h>
#include <string.h>

#include "../core/simulate.h"
#include "../core/units.h"
#include "render.h"
#include "shared.h"

static uint64_t uncertainty_pages(const struct model_alloc *a)
{
	uint64_t up = a->bound_pages - a->max_pages, down = a->max_pages - a->sure_pages;

	return up > down ? up : down;
}

static void alloc_cell(const struct model_host *h, const struct model_alloc *a, char *buf,
		       size_t len)
{
	char s[UNITS_IEC_LEN];

	units_iec_kb(model_pages_kb(h, a->max_pages), s, sizeof(s));
	if (a->binding == LIMIT_ADDRESS_SPACE)
		snprintf(buf, len, "<= %s", s);
	else if (!a->exact && a->binding == LIMIT_FREE_ESTIMATE)
		snprintf(buf, len, "~ %s", s);
	else
		snprintf(buf, len, "%s", s);
}

int cmd_simulate(struct ovc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS, WHATIF_LONGOPTS, { NULL, 0, NULL, 0 },
	};
	struct whatif w = { 0 };
	struct procfs_host ph;
	struct model_policy prop;
	struct model_task task;
	struct sim_mode rows[3];
	const struct model_host *h = &ph.host;
	int ch, rc, m;

	while ((ch = cli_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		int r = whatif_opt(ctx, &w, ch, optarg);

		if (r < 0)
			return EXIT_USAGE;
		if (!r && !cli_common_opt(ctx, ch, optarg))
			return cli_bad_option(ctx);
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (whatif_validate(ctx, &w) < 0)
		return EXIT_USAGE;
	rc = cli_load_host(ctx, &ph);
	if (rc)
		return rc;
	whatif_apply(&w, &ph, &prop, &task);
	if (whatif_check_host(ctx, &ph))
		return EXIT_USAGE;
	rc = cli_need_cmdline(ctx, &ph, &task);
	if (rc)
		return rc;
	sim_modes(h, &prop, &task, rows);

	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_host(&j, &ph, &task);
		json_policy(&j, "current", &ph.policy);
		json_policy(&j, "proposed", &prop);
		json_arr(&j, "modes");
		for (m = 0; m < 3; m++) {
			const struct sim_mode *r = &rows[m];

			json_obj(&j, NULL);
			json_i64(&j, "mode", r->mode);
			json_str(&j, "name", model_mode_name(r->mode));
			json_i64(&j, "ratio", r->ratio);
			json_u64(&j, "kbytes", r->kbytes);
			json_u64(&j, "commit_limit_kb", r->commit_limit_kb);
			json_i64(&j, "headroom_kb", r->headroom_kb);
			json_u64(&j, "max_alloc_kb", model_pages_kb(h, r->user.max_pages));
			json_u64(&j, "max_alloc_admin_kb", model_pages_kb(h, r->admin.max_pages));
			json_u64(&j, "sure_alloc_kb", model_pages_kb(h, r->user.sure_pages));
			json_u64(&j, "uncertainty_kb", model_pages_kb(h, uncertainty_pages(&r->user)));
			json_bool(&j, "exact", r->user.exact);
			json_str(&j, "binding_limit", model_limit_name(r->user.binding));
			json_str(&j, "binding_limit_admin", model_limit_name(r->admin.binding));
			json_end(&j);
		}
		json_end(&j);
		json_warnings(&j, &ph, &prop);
		json_end(&j);
		return EXIT_OK;
	}

	{
		char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], c[UNITS_IEC_LEN], d[UNITS_IEC_LEN];
		struct table t;

		printf("Host: RAM %s, swap %s, hugetlb %s, Committed_AS %s; kernel %u.%u",
		       units_iec_kb(h->mem_total_kb, a, sizeof(a)),
		       units_iec_kb(h->swap_total_kb, b, sizeof(b)),
		       units_iec_kb(h->hugetlb_kb, c, sizeof(c)),
		       units_iec_kb(h->committed_as_kb, d, sizeof(d)), h->kernel.major,
		       h->kernel.minor);
		if (ph.has_cpus)
			printf(", %u CPU%s", h->cpus_online, plural(h->cpus_online));
		printf("\nPolicy: ");
		if (prop.kbytes)
			printf("kbytes %" PRIu64 " (%s)", prop.kbytes, units_iec_kb(prop.kbytes, a, sizeof(a)));
		else
			printf("ratio %" PRId64 "%%", prop.ratio);
		printf("%s\n\n", whatif_any(&w) ? "  (what-if)" : "");

		table_init(&t, 6, "lrrrrl");
		table_row(&t, "MODE", "COMMITLIMIT", "HEADROOM", "LARGEST ALLOC", "AS ADMIN",
			  "LIMITED BY");
		for (m = 0; m < 3; m++) {
			const struct sim_mode *r = &rows[m];
			char name[32], ua[40], aa[40], by[64];

			snprintf(name, sizeof(name), "%d %s%s", m, model_mode_name(m),
				 m == prop.mode ? " *" : "");
			alloc_cell(h, &r->user, ua, sizeof(ua));
			alloc_cell(h, &r->admin, aa, sizeof(aa));
			if (r->user.binding == LIMIT_COMMIT && !r->user.exact)
				snprintf(by, sizeof(by), "CommitLimit (+/- %s)",
					 units_iec_kb(model_pages_kb(h, uncertainty_pages(&r->user)), d,
						      sizeof(d)));
			else
				snprintf(by, sizeof(by), "%s", limit_words(r->user.binding));
			table_row(&t, name, units_iec_kb(r->commit_limit_kb, a, sizeof(a)),
				  units_iec_skb(r->headroom_kb, b, sizeof(b)), ua, aa, by);
		}
		table_print(&t, stdout, ctx->color, "");
		printf("\n* %s mode. CommitLimit is enforced in mode 2 only.\n",
		       w.mode_set ? "proposed" : "current");
		if (!task.vmsize_known)
			printf("Largest allocation charges the full user reserve (%s), as for a large process; --vmsize sets the process size.\n",
			       units_iec_kb(h->user_reserve_kb, a, sizeof(a)));
		print_warnings(ctx, &ph, &prop, false);
	}
	return EXIT_OK;
}
