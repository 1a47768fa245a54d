/* SPDX-License-Identifier: MIT */
/*
 * touchview.h - the "touch" answer of check and the touch budget of status: can every
 * page be written, given the memory cgroup (sys/cgroupfs, core/cgroup), RAM and swap,
 * and RLIMIT_DATA (core/touch); gathered once, printed in words or in JSON.
 */
#ifndef OVC_TOUCHVIEW_H
#define OVC_TOUCHVIEW_H

#include "../core/touch.h"
#include "../sys/cgroupfs.h"
#include "cli.h"
#include "json.h"

struct touch_view {
	bool have_cgroup;          /* a memory cgroup was found and read */
	char why[2200];            /* else why not (lowercase, no period) */
	const char *source;        /* "caller", "pid", "option" */
	struct cgroupfs_where w;
	struct cg_path *path;      /* malloc'ed; NULL without a cgroup */
	struct cg_room room;
	char binding_file[2000];   /* the limit file that binds, as the user can ls it */
	uint64_t page_size;
	bool whatif_host;
	bool has_rlimit_data;
	struct touch_in in;
	struct touch_result res;
};

/*
 * Gather for an allocation of need_kb by task t of host ph: the cgroup of process pid_dir
 * (NULL: the caller, <proc>/self), or the directory cgroup_arg (--cgroup). 0, or the
 * exit status of the reported error (a bad --cgroup: EXIT_USAGE; its malformed files:
 * EXIT_INPUT). A default cgroup that cannot be found or read is no error: tv->why says
 * why, and the answer is RAM + swap and RLIMIT_DATA alone.
 */
int touchview_gather(struct ovc_ctx *ctx, const struct procfs_host *ph,
		     const struct model_task *t, const char *pid_dir, const char *cgroup_arg,
		     uint64_t need_kb, struct touch_view *tv);

void touchview_free(struct touch_view *tv);

/* check: the "touch" object (ovc(8) JSON OUTPUT) */
void touchview_json(struct json *j, const char *key, const struct touch_view *tv);

/* check: "Write:" and its detail lines, for an allocation of bytes */
void touchview_print(const struct ovc_ctx *ctx, const struct touch_view *tv, uint64_t bytes);

/* status: the caller's cgroup limit and the touch budget, when a limit applies */
void touchview_status_json(struct json *j, const struct touch_view *tv);
void touchview_status_print(const struct ovc_ctx *ctx, const struct touch_view *tv);

#endif
