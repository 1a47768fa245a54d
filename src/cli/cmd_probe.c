/* SPDX-License-Identifier: MIT */
/*
 * cmd_probe.c - "ovc probe": measure the largest allocation the running kernel accepts and
 * set it beside the model's prediction for this very process.
 */
#include <inttypes.h>
#include <string.h>

#include "../core/units.h"
#include "../sys/probe.h"
#include "render.h"
#include "shared.h"

int cmd_probe(struct ovc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS, { "force", no_argument, NULL, OPT_FORCE }, { NULL, 0, NULL, 0 },
	};
	struct procfs_host ph;
	struct procfs_task self;
	struct model_alloc pred;
	struct probe_result res;
	struct ovc_err err = { 0 };
	const struct model_host *h = &ph.host;
	bool force = false, agree;
	int ch, rc;

	while ((ch = cli_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (ch == OPT_FORCE)
			force = true;
		else if (!cli_common_opt(ctx, ch, optarg))
			return cli_bad_option(ctx);
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	rc = cli_load_host(ctx, &ph);
	if (rc)
		return rc;
	if (!ctx->proc.live)
		return cli_usage_error(ctx, "probe measures the running kernel, and %s is not a procfs (use simulate for a saved tree)",
				       ctx->proc_dir);
	/* __vm_enough_memory() checks every mode but 0 and 1 as NEVER (>= 3: pre-2.6.39) */
	if (ph.policy.mode != OVERCOMMIT_GUESS && ph.policy.mode != OVERCOMMIT_ALWAYS && !force) {
		ovc_fail(&err, OVC_E_GUARD, 0, NULL, 0,
			 "refusing to probe in mode %d without --force: each attempt charges up to the whole commit headroom for an instant, and another process allocating then can fail",
			 ph.policy.mode);
		return cli_report(ctx, &err);
	}
	/* Read our own size last: it is the total_vm the kernel charges the reserve on. */
	if (procfs_read_task(&ctx->proc, PROC_SELF, &self, &err) < 0)
		return cli_report(ctx, &err);
	self.task.admin = false;   /* main() dropped every capability */
	probe_max_mmap(h->page_size, h->address_space_bytes / h->page_size, &res);
	model_max_alloc(h, &ph.policy, &self.task, &pred);
	agree = res.max_pages >= pred.sure_pages && res.max_pages <= pred.bound_pages;

	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_i64(&j, "mode", ph.policy.mode);
		json_u64(&j, "measured_max_alloc_kb", model_pages_kb(h, res.max_pages));
		json_u64(&j, "predicted_max_alloc_kb", model_pages_kb(h, pred.max_pages));
		json_u64(&j, "predicted_sure_kb", model_pages_kb(h, pred.sure_pages));
		json_u64(&j, "predicted_bound_kb", model_pages_kb(h, pred.bound_pages));
		json_bool(&j, "exact", pred.exact);
		json_bool(&j, "agrees", agree);
		json_str(&j, "binding_limit", model_limit_name(pred.binding));
		json_u64(&j, "vmsize_kb", self.task.vmsize_kb);
		json_u64(&j, "vmdata_kb", self.task.vmdata_kb);
		json_limit(&j, "rlimit_as_bytes", self.task.rlimit_as_bytes);
		json_limit(&j, "rlimit_data_bytes", self.task.rlimit_data_bytes);
		json_bool(&j, "admin", false);
		json_u64(&j, "attempts", res.attempts);
		json_u64(&j, "elapsed_ns", res.elapsed_ns);
		json_end(&j);
	} else {
		char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], c[UNITS_IEC_LEN];

		printf("Largest single allocation accepted now (mode %d, without CAP_SYS_ADMIN):\n",
		       ph.policy.mode);
		printf("  measured   %12s  (%" PRIu64 " page%s; %u mmap call%s in %" PRIu64 ".%03" PRIu64
		       " ms)\n", units_iec_kb(model_pages_kb(h, res.max_pages), a, sizeof(a)),
		       res.max_pages, plural(res.max_pages), res.attempts, plural(res.attempts),
		       res.elapsed_ns / 1000000, res.elapsed_ns / 1000 % 1000);
		printf("  predicted  %12s  (%" PRIu64 " page%s; limited by %s)\n",
		       units_iec_kb(model_pages_kb(h, pred.max_pages), b, sizeof(b)), pred.max_pages,
		       plural(pred.max_pages), limit_words(pred.binding));
		if (pred.exact)
			printf("  agreement  %s%s%s\n", clr(ctx->color, agree ? C_GREEN : C_RED),
			       agree ? "exact" : "MISMATCH", clr_off(ctx->color));
		else
			printf("  agreement  %s%s%s (predicted range %s to %s)\n",
			       clr(ctx->color, agree ? C_GREEN : C_RED),
			       agree ? "within range" : "OUTSIDE the range", clr_off(ctx->color),
			       units_iec_kb(model_pages_kb(h, pred.sure_pages), a, sizeof(a)),
			       units_iec_kb(model_pages_kb(h, pred.bound_pages), c, sizeof(c)));
	}
	return agree ? EXIT_OK : EXIT_NO;
}
