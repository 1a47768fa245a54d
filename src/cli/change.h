/* SPDX-License-Identifier: MIT */
/*
 * change.h - the one path every policy change takes: "set", "set --persist", "persist",
 * "reset" (and profiles). Lock, read, plan, guard, shadow check, audit precheck; then
 * stage the drop-in, write the running values, commit the drop-in, send the audit
 * records, and undo all of it when any step fails. The commands only parse options.
 */
#ifndef OVC_CHANGE_H
#define OVC_CHANGE_H

#include <stdbool.h>

#include "../core/plan.h"
#include "../core/profile.h"
#include "cli.h"

enum change_persist {
	PERSIST_NONE,     /* the running values only */
	PERSIST_WRITE,    /* write ovc's drop-in with the resulting policy */
	PERSIST_REMOVE,   /* remove ovc's drop-in */
};

enum audit_mode { AUD_AUTO, AUD_ON, AUD_OFF };

struct change_req {
	bool runtime;                 /* change the running values (else the boot config only) */
	struct plan_request rq;       /* empty with PERSIST_WRITE: the base values as they are */
	enum change_persist persist;
	const char *profile;          /* recorded in the drop-in header; NULL: none */
	/* a profile: rq is computed from it for the host read (offline: host_figures) */
	const struct profile *profile_def;
	bool host_figures_set;
	struct profile_host host_figures;
	bool dry_run, force;
	enum audit_mode audit;
};

/* Run the change and print its report; returns the exit status. */
int change_run(struct ovc_ctx *ctx, const struct change_req *req);

/* The options every writer takes (set, persist, reset, profile). */
#define WRITER_LONGOPTS                                              \
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },               \
	{ "check", no_argument, NULL, OPT_DRY_RUN },                 \
	{ "force", no_argument, NULL, OPT_FORCE },                   \
	{ "audit", required_argument, NULL, OPT_AUDIT }

/*
 * Handle a writer option (WRITER_LONGOPTS, and --persist as action) into req: 1 handled,
 * 0 not a writer option, -1 a usage error (reported; exit EXIT_USAGE).
 */
int change_writer_opt(struct ovc_ctx *ctx, int c, const char *arg, struct change_req *req,
		      enum change_persist action);

/* plan_validate in words: 0, or the usage error reported (EXIT_USAGE). */
int change_validate(struct ovc_ctx *ctx, const struct plan_request *rq, bool force,
		    bool empty_ok);

#endif
