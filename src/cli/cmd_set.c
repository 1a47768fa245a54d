/* SPDX-License-Identifier: MIT */
/*
 * cmd_set.c - "ovc set": change vm.overcommit_* now (and with --persist, at boot too).
 * Only options are parsed here; cli/writer runs the change engine (src/change).
 */
#include <string.h>

#include "writer.h"
#include "hostctx.h"
#include "shared.h"

int cmd_set(struct ovc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "ratio", required_argument, NULL, OPT_RATIO },
		{ "kbytes", required_argument, NULL, OPT_KBYTES },
		WRITER_LONGOPTS,
		{ "persist", no_argument, NULL, OPT_PERSIST },
		{ NULL, 0, NULL, 0 },
	};
	struct whatif w = { 0 };
	struct change_req req = { .runtime = true, .audit = AUD_AUTO };
	int ch, rc;

	while ((ch = cli_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		int r = ch == OPT_MODE || ch == OPT_RATIO || ch == OPT_KBYTES
				? whatif_opt(ctx, &w, ch, optarg)
				: change_writer_opt(ctx, ch, optarg, &req, PERSIST_WRITE);

		if (r < 0)
			return EXIT_USAGE;
		if (!r && !cli_common_opt(ctx, ch, optarg))
			return cli_bad_option(ctx);
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	req.rq.mode_set = w.mode_set;
	req.rq.mode = w.mode;
	req.rq.ratio_set = w.ratio_set;
	req.rq.ratio = w.ratio;
	req.rq.kbytes_set = w.kbytes_set;
	req.rq.kbytes = w.kbytes;
	rc = change_validate(ctx, &req.rq, req.force, false);
	if (rc)
		return rc;
	if (cli_root_is_image(ctx) && !ctx->proc_set) {
		if (req.persist == PERSIST_NONE)
			return cli_usage_error(ctx, "--root without --proc is an offline image, which has no running kernel to set (--persist writes its boot configuration)");
		req.runtime = false;   /* offline image: the boot configuration only */
	}
	rc = cli_open_root(ctx);
	if (rc)
		return rc;
	if (req.runtime)
		ctr_writer_note(ctx, req.persist != PERSIST_NONE);
	return cli_change(ctx, &req);
}
