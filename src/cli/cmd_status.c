/* SPDX-License-Identifier: MIT */
/* cmd_status.c - "ovc status": the running policy, the commit figures and warnings. */
#include <inttypes.h>
#include <string.h>

#include "../core/simulate.h"
#include "../core/units.h"
#include "render.h"
#include "shared.h"

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

int cmd_status(struct ovc_ctx *ctx, int argc, char **argv)
{
	struct procfs_host ph;
	struct model_task task = { .rlimit_as_bytes = UINT64_MAX };
	struct model_alloc user, admin;
	const struct model_host *h = &ph.host;
	const struct model_policy *p = &ph.policy;
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], c[UNITS_IEC_LEN];
	int rc;

	rc = cli_parse_common_only(ctx, argc, argv);
	if (rc)
		return rc;
	rc = cli_load_host(ctx, &ph);
	if (rc)
		return rc;

	task.rlimit_as_bytes = ph.self_rlimit_as;
	model_max_alloc(h, p, &task, &user);
	task.admin = true;
	model_max_alloc(h, p, &task, &admin);

	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_policy(&j, "policy", p);
		json_host(&j, &ph, NULL);
		json_u64(&j, "commit_limit_kb", model_commit_limit_kb(h, p));
		json_u64(&j, "committed_as_kb", h->committed_as_kb);
		json_i64(&j, "headroom_kb", model_headroom_kb(h, p));
		json_u64(&j, "max_alloc_kb", pages_kb(h, user.max_pages));
		json_u64(&j, "max_alloc_admin_kb", pages_kb(h, admin.max_pages));
		json_str(&j, "binding_limit", model_limit_name(user.binding));
		json_warnings(&j, &ph, p);
		json_end(&j);
		return EXIT_OK;
	}

	printf("%svm.overcommit_memory%s  %d   %s\n", clr(ctx->color, C_BOLD),
	       clr_off(ctx->color), p->mode, mode_blurb(p->mode));
	if (p->kbytes)
		printf("vm.overcommit_kbytes  %" PRIu64 "   (%s; takes precedence, ratio reads 0)\n",
		       p->kbytes, units_iec_kb(p->kbytes, a, sizeof(a)));
	else
		printf("vm.overcommit_ratio   %" PRId64 "%%  of RAM%s, plus swap, is CommitLimit\n",
		       p->ratio, h->hugetlb_kb ? " less hugetlb" : "");
	printf("\n");
	printf("CommitLimit   %12s", units_iec_kb(model_commit_limit_kb(h, p), a, sizeof(a)));
	if (p->mode == OVERCOMMIT_GUESS || p->mode == OVERCOMMIT_ALWAYS)
		printf("   (enforced only in mode 2)");
	printf("\nCommitted_AS  %12s\n", units_iec_kb(h->committed_as_kb, b, sizeof(b)));
	printf("Headroom      %12s\n", units_iec_skb(model_headroom_kb(h, p), c, sizeof(c)));
	printf("Committed     ");
	render_meter(stdout, ctx->color, h->committed_as_kb, model_commit_limit_kb(h, p), 40);
	printf("\n\nLargest single allocation now: %s%s%s (limited by %s)",
	       clr(ctx->color, C_BOLD), units_iec_kb(pages_kb(h, user.max_pages), a, sizeof(a)),
	       clr_off(ctx->color), limit_words(user.binding));
	if (admin.max_pages != user.max_pages)
		printf("; %s with CAP_SYS_ADMIN",
		       units_iec_kb(pages_kb(h, admin.max_pages), b, sizeof(b)));
	printf("\n");
	if (user.binding == LIMIT_COMMIT)
		printf("(for a process large enough to pay the whole user reserve; "
		       "'ovc check --pid' answers for one)\n");
	printf("RAM %s, swap %s, hugetlb %s; kernel %s",
	       units_iec_kb(h->mem_total_kb, a, sizeof(a)),
	       units_iec_kb(h->swap_total_kb, b, sizeof(b)),
	       units_iec_kb(h->hugetlb_kb, c, sizeof(c)), ph.osrelease);
	if (ph.has_cpus)
		printf(", %u CPUs", h->cpus_online);
	printf("\n");
	if (strcmp(ctx->proc_dir, FSROOT_DEFAULT_PROC))
		printf("(read from %s)\n", ctx->proc_dir);
	/* warnings go on stdout: they are part of the status report */
	print_warnings(ctx, &ph, p, true);
	return EXIT_OK;
}
