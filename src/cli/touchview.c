/* SPDX-License-Identifier: MIT */
/* touchview.c - check's "touch" answer and status's touch budget: gathered, then printed. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/units.h"
#include "render.h"
#include "touchview.h"

static uint64_t kb_of(uint64_t bytes)
{
	return bytes == CG_UNLIMITED ? CG_UNLIMITED : bytes / 1024;
}

/* Which seam holds the cgroup files: NULL when none can (a saved tree without --root). */
static const struct fsroot *cgroup_seam(struct ovc_ctx *ctx, bool explicit_dir, char *why,
					size_t len)
{
	if (cli_open_root(ctx))
		return NULL;
	if (ctx->proc.live) {
		/* the running kernel's cgroups are this system's, whatever image --root names */
		if (ctx->root_set && !explicit_dir)
			return cli_open_host(ctx) ? NULL : &ctx->host;
		return &ctx->root;
	}
	if (ctx->root_given || ctx->sosreport || explicit_dir)
		return &ctx->root;
	snprintf(why, len, "a saved proc tree without --root: the cgroup files of its host are not here (give --root, or --cgroup)");
	return NULL;
}

static void name_binding_file(const struct fsroot *root, struct touch_view *tv)
{
	const struct cg_room *r = &tv->room;
	size_t lvl = r->memsw_binds ? r->memsw_level : r->level;
	const char *file = tv->w.version == CG_V2 ? "memory.max"
			   : r->memsw_binds ? "memory.memsw.limit_in_bytes"
			   : r->hidden_limit ? "memory.stat"   /* hierarchical_memory_limit */
			   : "memory.limit_in_bytes";
	char dir[sizeof(tv->w.dir)];
	size_t i, o;

	/* the level's directory: the cgroup's, less one component per level up */
	snprintf(dir, sizeof(dir), "%s", tv->w.dir);
	for (i = 0; i < lvl; i++) {
		char *s = strrchr(dir, '/');

		if (s && s != dir)
			*s = '\0';
		else
			snprintf(dir, sizeof(dir), "/");
	}
	fsroot_path(root, dir[1] ? dir + 1 : ".", tv->binding_file, sizeof(tv->binding_file));
	o = strlen(tv->binding_file);
	if (o > 2 && !strcmp(tv->binding_file + o - 2, "/."))
		tv->binding_file[o -= 2] = '\0';
	snprintf(tv->binding_file + o, sizeof(tv->binding_file) - o, "/%s", file);
}

int touchview_gather(struct ovc_ctx *ctx, const struct procfs_host *ph,
		     const struct model_task *t, const char *pid_dir, const char *cgroup_arg,
		     uint64_t need_kb, struct touch_view *tv)
{
	const struct model_host *h = &ph->host;
	const struct fsroot *root;
	struct ovc_err err = { 0 };
	uint64_t swap_free_kb;
	int r;

	memset(tv, 0, sizeof(*tv));
	tv->page_size = h->page_size;
	tv->whatif_host = ph->whatif_host;
	tv->in.need_kb = need_kb;
	tv->in.ram_swap_kb = touch_ram_swap_kb(h, &ph->mi, ph->whatif_host);
	tv->has_rlimit_data = touch_rlimit_data_room(h, t, &tv->in.rlimit_data_room_kb);
	tv->in.rlimit_data = tv->has_rlimit_data;
	swap_free_kb = ph->whatif_host ? h->swap_total_kb : ph->mi.swap_free_kb;
	tv->source = cgroup_arg ? "option" : pid_dir ? "pid" : "caller";

	root = cgroup_seam(ctx, cgroup_arg != NULL, tv->why, sizeof(tv->why));
	if (!root && !tv->why[0])
		return EXIT_USAGE;   /* --root could not be opened: reported */
	if (root && cgroup_arg) {
		if (cgroupfs_locate_path(&ctx->proc, root, cgroup_arg, &tv->w, &err) < 0)
			return cli_report(ctx, &err);
		r = 0;
	} else if (root) {
		r = cgroupfs_locate(&ctx->proc, pid_dir ? pid_dir : PROC_SELF, &tv->w, tv->why,
				    sizeof(tv->why), &err);
		if (r < 0)
			snprintf(tv->why, sizeof(tv->why), "%s%s%s", err.path, err.path[0] ? ": " : "",
				 err.msg);
	} else {
		r = 1;
	}
	if (r == 0) {
		tv->path = malloc(sizeof(*tv->path));
		if (!tv->path) {
			ovc_fail(&err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
			return cli_report(ctx, &err);
		}
		if (cgroupfs_read(root, &tv->w, h->page_size, tv->path, &err) < 0) {
			free(tv->path);
			tv->path = NULL;
			if (cgroup_arg)
				return cli_report(ctx, &err);
			/* the default cgroup is a bonus: its trouble does not stop the answer */
			if (err.line)
				snprintf(tv->why, sizeof(tv->why), "%s:%u: %s", err.path, err.line,
					 err.msg);
			else
				snprintf(tv->why, sizeof(tv->why), "%s%s%s", err.path,
					 err.path[0] ? ": " : "", err.msg);
		} else {
			tv->have_cgroup = true;
			cg_room(tv->path, swap_free_kb * 1024, &tv->room);
			if (tv->room.limited) {
				tv->in.cgroup_limited = true;
				tv->in.cgroup_room_kb = kb_of(tv->room.room);
				name_binding_file(root, tv);
			}
		}
	}
	touch_check(&tv->in, &tv->res);
	return 0;
}

void touchview_free(struct touch_view *tv)
{
	free(tv->path);
	tv->path = NULL;
}

static void json_kb_or_null(struct json *j, const char *key, uint64_t bytes)
{
	if (bytes == CG_UNLIMITED)
		json_null(j, key);
	else
		json_u64(j, key, bytes / 1024);
}

/* what the estimate cannot know, by id */
static const char *const unknowable[][2] = {
	{ "other_writers", "other processes in the same cgroup, or on the host, that write pages between now and then: the room is shared" },
	{ "page_cache_reclaim", "how much of the page cache reclaim can really drop: dirty and writeback pages must be written first, mapped and locked ones may stay" },
	{ "kernel_memory", "kernel memory charged to the cgroup as the process runs (page tables, slab), and transparent huge pages that charge 2 MiB at a time" },
};

static void json_cgroup(struct json *j, const struct touch_view *tv)
{
	const struct cg_room *r = &tv->room;
	size_t i;

	json_obj(j, "cgroup_room");
	json_i64(j, "version", tv->w.version == CG_V2 ? 2 : 1);
	json_str(j, "source", tv->source);
	json_str(j, "dir", tv->w.dir);
	json_bool(j, "limited", r->limited);
	json_kb_or_null(j, "room_kb", r->limited ? r->room : CG_UNLIMITED);
	json_kb_or_null(j, "memory_room_kb", r->limited ? r->mem_room : CG_UNLIMITED);
	json_kb_or_null(j, "swap_room_kb", r->swap_room);
	json_bool(j, "swap_limited", r->swap_limited);
	json_str(j, "binding_cgroup", r->limited ? tv->path->lv[r->memsw_binds ? r->memsw_level
								     : r->level].path
					    : NULL);
	json_str(j, "binding_file", r->limited ? tv->binding_file : NULL);
	json_kb_or_null(j, "limit_kb", r->limited ? r->limit : CG_UNLIMITED);
	if (r->limited) {
		json_u64(j, "charged_kb", r->charged / 1024);
		json_u64(j, "reclaimable_kb", r->reclaimable / 1024);
	} else {
		json_null(j, "charged_kb");
		json_null(j, "reclaimable_kb");
	}
	json_bool(j, "memsw_binds", r->memsw_binds);
	json_kb_or_null(j, "high_kb", r->high_below ? r->high : CG_UNLIMITED);
	json_str(j, "high_cgroup", r->high_below ? tv->path->lv[r->high_level].path : NULL);
	json_bool(j, "ancestors_visible", tv->path->top_is_root);
	json_arr(j, "levels");
	for (i = 0; i < tv->path->n; i++) {
		const struct cg_level *l = &tv->path->lv[i];

		json_obj(j, NULL);
		json_str(j, "cgroup", l->path);
		json_bool(j, "memory_controller", l->has_memory);
		json_kb_or_null(j, "max_kb", l->has_memory ? l->max : CG_UNLIMITED);
		if (l->has_memory)
			json_u64(j, "current_kb", l->current / 1024);
		else
			json_null(j, "current_kb");
		if (l->has_stat && l->stat.has_file_lru)
			json_u64(j, "reclaimable_kb",
				 (l->stat.active_file + l->stat.inactive_file) / 1024);
		else
			json_null(j, "reclaimable_kb");
		if (tv->w.version == CG_V2) {
			json_kb_or_null(j, "high_kb", l->has_high ? l->high : CG_UNLIMITED);
			json_kb_or_null(j, "swap_max_kb", l->has_swap ? l->swap_max : CG_UNLIMITED);
			if (l->has_swap)
				json_u64(j, "swap_current_kb", l->swap_current / 1024);
			else
				json_null(j, "swap_current_kb");
		} else {
			json_kb_or_null(j, "memsw_max_kb", l->has_memsw ? l->memsw_max : CG_UNLIMITED);
			if (l->has_memsw)
				json_u64(j, "memsw_current_kb", l->memsw_current / 1024);
			else
				json_null(j, "memsw_current_kb");
		}
		json_end(j);
	}
	json_end(j);
	json_end(j);
}

void touchview_json(struct json *j, const char *key, const struct touch_view *tv)
{
	size_t i;

	json_obj(j, key);
	json_bool(j, "fits", tv->res.fits);
	if (tv->res.fits)
		json_null(j, "limit_kb");
	else
		json_u64(j, "limit_kb", tv->res.limit_kb);
	json_str(j, "binding_limit", touch_limit_name(tv->res.binding));
	json_str(j, "cgroup", tv->have_cgroup ? tv->w.cgroup : NULL);
	json_u64(j, "need_kb", tv->in.need_kb);
	json_u64(j, "ram_swap_kb", tv->in.ram_swap_kb);
	if (tv->has_rlimit_data)
		json_u64(j, "rlimit_data_room_kb", tv->in.rlimit_data_room_kb);
	else
		json_null(j, "rlimit_data_room_kb");
	if (tv->have_cgroup)
		json_cgroup(j, tv);
	else
		json_null(j, "cgroup_room");
	json_str(j, "no_cgroup_reason", tv->have_cgroup ? NULL : tv->why);
	json_str(j, "basis", tv->whatif_host
		 ? "RAM (less hugetlb) + swap given as options, nothing else running; the cgroup's memory limit less what it has charged, plus its reclaimable page cache (active_file + inactive_file) and the swap it may use, along its path to the root"
		 : "MemAvailable + SwapFree now; the cgroup's memory limit less what it has charged, plus its reclaimable page cache (active_file + inactive_file) and the swap it may use, along its path to the root; RLIMIT_DATA less VmData");
	json_arr(j, "cannot_know");
	for (i = 0; i < sizeof(unknowable) / sizeof(unknowable[0]); i++) {
		json_obj(j, NULL);
		json_str(j, "id", unknowable[i][0]);
		json_str(j, "text", unknowable[i][1]);
		json_end(j);
	}
	if (tv->have_cgroup && !tv->path->top_is_root) {
		json_obj(j, NULL);
		json_str(j, "id", "hidden_ancestors");
		json_str(j, "text", "the limits of cgroups above the highest one visible here (a cgroup namespace or a container's mount hides them)");
		json_end(j);
	}
	json_end(j);
	json_end(j);
}

static const char *cg_name(const struct touch_view *tv, size_t level)
{
	return tv->path->lv[level].path;
}

/* the cgroup line: "cgroup /x (v2): memory.max 4.0 GiB (file), 2.5 GiB charged, ..." */
static void print_cgroup_detail(const struct ovc_ctx *ctx, const struct touch_view *tv,
				const char *indent)
{
	const struct cg_room *r = &tv->room;
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], c[UNITS_IEC_LEN], d[UNITS_IEC_LEN];
	size_t lvl = r->memsw_binds ? r->memsw_level : r->level;

	(void)ctx;
	printf("%scgroup %s (v%d): %s %s in %s, %s charged, %s reclaimable page cache; swap room %s\n",
	       indent, esc(cg_name(tv, lvl)), tv->w.version == CG_V2 ? 2 : 1,
	       tv->w.version == CG_V2 ? "memory.max"
	       : r->memsw_binds ? "memory+swap limit" : "memory limit",
	       units_iec(r->memsw_binds ? tv->path->lv[lvl].memsw_max : r->limit, a, sizeof(a)),
	       esc(tv->binding_file),
	       units_iec(r->memsw_binds ? tv->path->lv[lvl].memsw_current : r->charged, b,
			 sizeof(b)),
	       units_iec(r->reclaimable, c, sizeof(c)), units_iec(r->swap_room, d, sizeof(d)));
	if (r->high_below)
		printf("%snote: memory.high of %s is %s: past it the kernel reclaims and throttles the writer (slow, not killed)\n",
		       indent, esc(cg_name(tv, r->high_level)), units_iec(r->high, a, sizeof(a)));
}

void touchview_print(const struct ovc_ctx *ctx, const struct touch_view *tv, uint64_t bytes)
{
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN];
	const char *ind = "       ";

	printf("\nWrite: %s%s%s", clr(ctx->color, tv->res.fits ? C_GREEN : C_RED),
	       tv->res.fits ? "fits" : "does not fit", clr_off(ctx->color));
	if (tv->res.fits) {
		printf(": every page can be written now (");
		if (tv->in.cgroup_limited)
			printf("the cgroup leaves %s, ", units_iec_kb(tv->in.cgroup_room_kb, a, sizeof(a)));
		printf("RAM + swap free %s)\n", units_iec_kb(tv->in.ram_swap_kb, b, sizeof(b)));
	} else {
		printf(": %s of the %s can be written, then %s\n",
		       units_iec_kb(tv->res.limit_kb, a, sizeof(a)), units_iec(bytes, b, sizeof(b)),
		       tv->res.binding == TOUCH_CGROUP ? "the cgroup's OOM killer ends the process"
		       : tv->res.binding == TOUCH_RLIMIT_DATA ? "RLIMIT_DATA refuses the allocation itself"
		       : "the OOM killer ends a process");
	}
	if (tv->have_cgroup && tv->room.limited &&
	    (tv->res.binding == TOUCH_CGROUP || tv->res.fits))
		print_cgroup_detail(ctx, tv, ind);
	switch (tv->res.binding) {
	case TOUCH_CGROUP:
		if (tv->room.hidden_limit && !tv->room.memsw_binds) {
			printf("%sfix: raise the memory limit of a cgroup above those visible here (hierarchical_memory_limit in memory.stat), or write the array in chunks\n",
			       ind);
			break;
		}
		printf("%sfix: raise %s of cgroup %s (in Kubernetes a bigger pod memory limit, in Slurm a bigger --mem), or write the array in chunks\n",
		       ind, strrchr(tv->binding_file, '/') + 1,
		       esc(cg_name(tv, tv->room.memsw_binds ? tv->room.memsw_level : tv->room.level)));
		break;
	case TOUCH_RAM_SWAP:
		printf("%slimited by RAM + swap free now (MemAvailable + SwapFree, /proc/meminfo): %s\n",
		       ind, units_iec_kb(tv->in.ram_swap_kb, a, sizeof(a)));
		printf("%sfix: free memory or add swap, or write the array in chunks, or as np.memmap on disk\n",
		       ind);
		break;
	case TOUCH_RLIMIT_DATA:
		printf("%slimited by RLIMIT_DATA (ulimit -d) less VmData: %s\n", ind,
		       units_iec_kb(tv->in.rlimit_data_room_kb, a, sizeof(a)));
		printf("%sfix: raise RLIMIT_DATA (ulimit -d, systemd LimitDATA=), or write the array in chunks\n",
		       ind);
		break;
	case TOUCH_NONE:
		break;
	}
	/* a saved tree without its cgroup files says so in JSON; in words only the live one */
	if (!tv->have_cgroup && tv->why[0] && ctx->proc.live)
		printf("%s(no cgroup limit read: %s)\n", ind, esc(tv->why));
}

void touchview_status_json(struct json *j, const struct touch_view *tv)
{
	json_obj(j, "cgroup");
	json_str(j, "path", tv->have_cgroup ? tv->w.cgroup : NULL);
	json_str(j, "dir", tv->have_cgroup ? tv->w.dir : NULL);
	if (tv->have_cgroup)
		json_i64(j, "version", tv->w.version == CG_V2 ? 2 : 1);
	else
		json_null(j, "version");
	json_bool(j, "limited", tv->have_cgroup && tv->room.limited);
	json_kb_or_null(j, "limit_kb", tv->have_cgroup && tv->room.limited ? tv->room.limit
									   : CG_UNLIMITED);
	json_str(j, "binding_cgroup", tv->have_cgroup && tv->room.limited
				      ? cg_name(tv, tv->room.memsw_binds ? tv->room.memsw_level
									 : tv->room.level)
				      : NULL);
	json_str(j, "binding_file", tv->have_cgroup && tv->room.limited ? tv->binding_file : NULL);
	json_kb_or_null(j, "touch_budget_kb", tv->have_cgroup && tv->room.limited ? tv->room.room
										  : CG_UNLIMITED);
	json_str(j, "no_cgroup_reason", tv->have_cgroup ? NULL : tv->why);
	json_end(j);
}

void touchview_status_print(const struct ovc_ctx *ctx, const struct touch_view *tv)
{
	char a[UNITS_IEC_LEN];

	if (!tv->have_cgroup || !tv->room.limited)
		return;
	printf("Write budget: %s%s%s can still be written in this cgroup before its OOM killer runs\n",
	       clr(ctx->color, C_BOLD), units_iec(tv->room.room, a, sizeof(a)), clr_off(ctx->color));
	print_cgroup_detail(ctx, tv, "  ");
}
