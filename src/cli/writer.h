/* SPDX-License-Identifier: MIT */
/*
 * writer.h - what the writers (set, persist, reset, profile apply) share in the CLI: their
 * options, running the change engine and its exit status, and the words and JSON of its
 * result (cli/change_text.c, cli/change_json.c).
 */
#ifndef OVC_WRITER_H
#define OVC_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "../change/change.h"
#include "cli.h"

/* The options every writer takes (set, persist, reset, profile). */
#define WRITER_LONGOPTS                                              \
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },               \
	{ "check", no_argument, NULL, OPT_DRY_RUN },                 \
	{ "force", no_argument, NULL, OPT_FORCE },                   \
	{ "audit", required_argument, NULL, OPT_AUDIT },             \
	{ "wait", required_argument, NULL, OPT_WAIT },               \
	{ "no-wait", no_argument, NULL, OPT_NO_WAIT }

/* --wait's largest value, in ms: a day (without --wait a writer waits for as long as it takes) */
#define WRITER_WAIT_MAX_MS UINT64_C(86400000)

/*
 * Handle a writer option (WRITER_LONGOPTS, and --persist as action) into req: 1 handled,
 * 0 not a writer option, -1 a usage error (reported; exit EXIT_USAGE).
 */
int change_writer_opt(struct ovc_ctx *ctx, int c, const char *arg, struct change_req *req,
		      enum change_persist action);

/* plan_validate as a usage error: 0, or EXIT_USAGE (reported). */
int change_validate(struct ovc_ctx *ctx, const struct plan_request *rq, bool force,
		    bool empty_ok);

/* Run the change (the root is open; the proc tree unless offline), print its report and
 * errors; returns the exit status. */
int cli_change(struct ovc_ctx *ctx, const struct change_req *req);

/* The report, in words or in JSON. */
void change_print_text(const struct ovc_ctx *ctx, const struct change_result *r);
void change_print_json(const struct ovc_ctx *ctx, const struct change_result *r);

/* "TITLE key=value, key=value" on one stdout line (change_text.c; writer.c's rollback). */
void change_print_writes(const struct plan_write *w, size_t n, const char *title);

/* The refusal, in words (err) and as its JSON kind; false when there is none. */
bool change_refusal(const struct change_result *r, struct ovc_err *err, const char **kind);

/* One key another file would decide at boot, in words. */
void change_shadow_words(const struct change_result *r, const struct dropin_shadow *s,
			 char *buf, size_t len);

/* "would_write", "written", ... for a runtime write's result. */
const char *change_write_token(enum write_result w, bool dry_run);

#endif
