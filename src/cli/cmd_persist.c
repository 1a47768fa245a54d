/* SPDX-License-Identifier: MIT */
/*
 * cmd_persist.c - "ovc persist" (the boot configuration only) and "ovc reset" (the
 * kernel defaults, and with --persist no drop-in). Options only; cli/writer runs the
 * change engine (src/change).
 */
#include <string.h>

#include "writer.h"
#include "hostctx.h"
#include "shared.h"

enum { CMD_PERSIST, CMD_RESET };

static int parse(struct ovc_ctx *ctx, int argc, char **argv, int which,
		 struct change_req *req)
{
	static const struct option persist_opts[] = {
		COMMON_LONGOPTS,
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "ratio", required_argument, NULL, OPT_RATIO },
		{ "kbytes", required_argument, NULL, OPT_KBYTES },
		WRITER_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct option reset_opts[] = {
		COMMON_LONGOPTS,
		WRITER_LONGOPTS,
		{ "persist", no_argument, NULL, OPT_PERSIST },
		{ NULL, 0, NULL, 0 },
	};
	struct whatif w = { 0 };
	int ch;

	while ((ch = cli_getopt(ctx, argc, argv, "h",
				which == CMD_PERSIST ? persist_opts : reset_opts)) != -1) {
		int r = ch == OPT_MODE || ch == OPT_RATIO || ch == OPT_KBYTES
				? whatif_opt(ctx, &w, ch, optarg)
				: change_writer_opt(ctx, ch, optarg, req, PERSIST_REMOVE);

		if (r < 0)
			return EXIT_USAGE;
		if (!r && !cli_common_opt(ctx, ch, optarg))
			return cli_bad_option(ctx);
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (which == CMD_PERSIST) {   /* reset's request is fixed: 0/50/0 */
		req->rq.mode_set = w.mode_set;
		req->rq.mode = w.mode;
		req->rq.ratio_set = w.ratio_set;
		req->rq.ratio = w.ratio;
		req->rq.kbytes_set = w.kbytes_set;
		req->rq.kbytes = w.kbytes;
	}
	return 0;
}

int cmd_persist(struct ovc_ctx *ctx, int argc, char **argv)
{
	struct change_req req = { .runtime = false, .persist = PERSIST_WRITE, .audit = AUD_AUTO };
	int rc = parse(ctx, argc, argv, CMD_PERSIST, &req);

	if (rc)
		return rc;
	rc = change_validate(ctx, &req.rq, req.force, true);
	if (!rc)
		rc = cli_open_root(ctx);
	if (rc)
		return rc;
	if (!ctx->root_set || ctx->proc_set)
		ctr_writer_note(ctx, true);
	return cli_change(ctx, &req);
}

int cmd_reset(struct ovc_ctx *ctx, int argc, char **argv)
{
	struct change_req req = { .runtime = true, .audit = AUD_AUTO };
	int rc = parse(ctx, argc, argv, CMD_RESET, &req);

	/* the kernel's defaults; writing the ratio zeroes kbytes */
	req.rq = (struct plan_request){ .mode_set = true, .mode = knob_kernel_defaults.mode,
					.ratio_set = true, .ratio = knob_kernel_defaults.ratio };

	if (rc)
		return rc;
	if (cli_root_is_image(ctx) && !ctx->proc_set) {
		if (req.persist == PERSIST_NONE)
			return cli_usage_error(ctx, "--root without --proc is an offline image, which has no running kernel to reset (--persist removes ovc's drop-in from it)");
		req.runtime = false;
	}
	rc = cli_open_root(ctx);
	return rc ? rc : cli_change(ctx, &req);
}
