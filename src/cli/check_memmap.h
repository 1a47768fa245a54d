/* SPDX-License-Identifier: MIT */
/*
 * check_memmap.h - "ovc check --memmap PATH [--memmap-mode MODE]": would an np.memmap of
 * the request's size work at PATH, and where its writes stop (core/memmap.h), in words
 * and in JSON.
 */
#ifndef OVC_CHECK_MEMMAP_H
#define OVC_CHECK_MEMMAP_H

#include "../core/memmap.h"
#include "../sys/memmapfs.h"
#include "../sys/procfs.h"
#include "cli.h"
#include "json.h"
#include "touchview.h"

struct check_memmap {
	const char *path;            /* --memmap, NULL when not asked */
	const char *mode_arg;        /* --memmap-mode */
	enum memmap_mode mode;
	const char *fsize_from;      /* "process", "caller", "unknown": where RLIMIT_FSIZE came from */
	struct memmapfs_facts facts;
	struct memmap_request rq;
	struct memmap_result r;
	const struct touch_view *cg; /* the writer's memory cgroup, when a limit applies: the
	                                touch answer's (its room, its binding file); else NULL */
};

/* The options' values, before any I/O: 0, or EXIT_USAGE (reported). */
int check_memmap_validate(struct ovc_ctx *ctx, struct check_memmap *m, bool fork,
			  uint64_t bytes, bool over_64);

/*
 * Gather the facts at m->path (through --root) and decide for the writer t (pt: the
 * --pid process, or NULL: the caller). 0, or the exit status of a reported error.
 */
int check_memmap_run(struct ovc_ctx *ctx, struct check_memmap *m, const struct model_host *h,
		     const struct model_policy *p, const struct model_task *t,
		     const struct procfs_task *pt, uint64_t bytes);

void check_memmap_json(struct json *j, const struct check_memmap *m);
void check_memmap_print(const struct ovc_ctx *ctx, const struct check_memmap *m);

#endif
