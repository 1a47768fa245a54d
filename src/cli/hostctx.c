/* SPDX-License-Identifier: MIT */
/* hostctx.c - transparent huge pages and containers, for check and status. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/units.h"
#include "../sys/thpfs.h"
#include "hostctx.h"
#include "render.h"

const char ctr_host_wide_text[] =
	"vm.overcommit_* are host-wide: one value for the whole kernel, shared by every container and the host";

/*
 * Do --proc and --root describe one system (both this host's, both given, or an
 * sosreport)? Only then are /sys and /run under --root read beside --proc's figures.
 * Opens the root (0, or the exit status of the reported error in *rc).
 */
static bool hostctx_same_system(struct ovc_ctx *ctx, int *rc)
{
	*rc = 0;
	if (ctx->sosreport)
		return (*rc = cli_open_root(ctx)) == 0;
	if (!ctx->proc_set && !ctx->root_given) {
		*rc = cli_open_root(ctx);
		return !*rc;
	}
	if (ctx->proc_set && ctx->root_given) {
		*rc = cli_open_root(ctx);
		/* a saved tree beside an image; or /proc itself beside "/" */
		return !*rc && ctx->proc.live == ctx->root.live;
	}
	/* one given, the other this host's: two systems, unless the given one is this host */
	if ((*rc = cli_open_root(ctx)))
		return false;
	return ctx->proc.live && ctx->root.live;
}

int hostctx_thp(struct ovc_ctx *ctx, struct thp_settings *s)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->enabled = s->pmd_enabled = s->defrag = -1;
	if (hostctx_same_system(ctx, &rc))
		thpfs_read(&ctx->root, s);
	return rc;
}

int hostctx_numpy_version(const char *arg, unsigned *ver)
{
	unsigned long ma, mi;
	char *end;

	if (arg[0] < '0' || arg[0] > '9')
		return -1;
	ma = strtoul(arg, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	mi = strtoul(end + 1, &end, 10);
	if ((*end && *end != '.') || ma > 99 || mi > 99)
		return -1;
	*ver = (unsigned)(ma * 100 + mi);
	return 0;
}

void thp_answer_make(struct thp_answer *a, const struct model_host *h, uint64_t bytes,
		     uint64_t itemsize, bool numpy, bool calloc, unsigned numpy_ver,
		     bool has_touched, uint64_t touched)
{
	a->mode = thp_effective(&a->s);
	a->numpy = numpy;
	a->calloc = calloc;
	a->numpy_ver = numpy_ver;
	/* the variable as Python would see it: ovc runs in the user's shell, as python does */
	a->env_text = getenv("NUMPY_MADVISE_HUGEPAGE");
	a->env = numpy_env_parse(a->env_text);
	a->madv = numpy_madvise(bytes, calloc, a->env, h->kernel, numpy_ver);
	a->madvised = numpy && a->madv == NPM_YES;
	a->applies = thp_applies(a->mode, a->madvised);
	thp_sparse_cost(bytes, itemsize, has_touched, touched, h->page_size, &a->s, a->applies,
			&a->cost);
}

static const char *madv_id(const struct thp_answer *a)
{
	if (!a->numpy)
		return "not_numpy";
	switch (a->madv) {
	case NPM_YES:         return "yes";
	case NPM_SMALL:       return "under_4mib";
	case NPM_ENV_OFF:     return "env_off";
	case NPM_ENV_INVALID: return "env_invalid";
	case NPM_OLD_KERNEL:  return "kernel_before_4_6";
	case NPM_CALLOC_OLD:  return "zeros_before_2_2";
	}
	return "unknown";
}

static const char *madv_words(const struct thp_answer *a)
{
	if (!a->numpy)
		return "not a NumPy array: nothing madvises it";
	switch (a->madv) {
	case NPM_YES:
		return a->calloc && !a->numpy_ver
			       ? "NumPy madvises arrays of 4 MiB or more; np.zeros only from NumPy 2.2 (Debian 12's 1.24 does not: give --numpy-version)"
			       : "NumPy madvises arrays of 4 MiB or more (MADV_HUGEPAGE)";
	case NPM_SMALL:       return "NumPy madvises only arrays of 4 MiB or more";
	case NPM_ENV_OFF:     return "NUMPY_MADVISE_HUGEPAGE=0: NumPy does not madvise";
	case NPM_ENV_INVALID: return "NUMPY_MADVISE_HUGEPAGE is not an integer: import numpy fails (ValueError)";
	case NPM_OLD_KERNEL:  return "NumPy does not madvise on a kernel before 4.6";
	case NPM_CALLOC_OLD:  return "NumPy before 2.2 does not madvise np.zeros (calloc)";
	}
	return "";
}

void thp_answer_print(const struct ovc_ctx *ctx, const struct thp_answer *a)
{
	const struct thp_cost *c = &a->cost;
	char x[UNITS_IEC_LEN], y[UNITS_IEC_LEN], hp[UNITS_IEC_LEN];

	if (a->mode < 0)
		return;   /* no THP, or --root is not --proc's system */
	units_iec_kb(c->hpage_kb, hp, sizeof(hp));
	printf("\nTransparent huge pages: %s%s%s (enabled %s", clr(ctx->color, C_BOLD),
	       a->applies ? "apply to it" : "do not apply to it", clr_off(ctx->color),
	       thp_enabled_name(a->mode));
	if (a->mode == THP_ALWAYS)
		printf(": every anonymous mapping)\n");
	else if (a->mode == THP_NEVER)
		printf(")\n");
	else
		printf("; %s)\n", madv_words(a));
	if (!a->applies)
		return;
	printf("  The first write to each %s region may take all of it, %" PRIu64 " times a %s page: written sparsely, %" PRIu64 " element%s, one per region, can cost the whole %s\n",
	       hp, c->factor, units_iec_kb(c->hpage_kb / c->factor, x, sizeof(x)),
	       c->elems_for_full, plural(c->elems_for_full), units_iec_kb(c->array_kb, y, sizeof(y)));
	if (c->has_touched)
		printf("  %" PRIu64 " element%s touched: up to %s with huge pages, %s with %s pages\n",
		       c->touched, plural(c->touched), units_iec_kb(c->worst_kb, x, sizeof(x)),
		       units_iec_kb(c->plain_kb, y, sizeof(y)),
		       units_iec_kb(c->hpage_kb / c->factor, hp, sizeof(hp)));
	if (c->collapse_min_pages)
		printf("  khugepaged later collapses a region with %" PRIu64 " or more touched page%s (max_ptes_none %" PRIu64 "), also where a fault got small pages (defrag %s)\n",
		       c->collapse_min_pages, plural(c->collapse_min_pages), a->s.max_ptes_none,
		       a->s.defrag >= 0 ? thp_defrag_name(a->s.defrag) : "unknown");
	if (a->mode == THP_MADVISE)
		printf("  For sparse writes: NUMPY_MADVISE_HUGEPAGE=0 in the environment before Python starts\n");
	else
		printf("  For sparse writes: transparent_hugepage/enabled madvise instead of always (host-wide), or prctl(PR_SET_THP_DISABLE) in the process\n");
}

static void json_opt_u64(struct json *j, const char *key, bool known, uint64_t v)
{
	if (known)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

static void thp_settings_fields(struct json *j, const struct thp_settings *s)
{
	json_str(j, "enabled", thp_enabled_name(thp_effective(s)));
	json_str(j, "defrag", thp_defrag_name(s->defrag));
	json_opt_u64(j, "max_ptes_none", s->has_max_ptes_none, s->max_ptes_none);
	json_opt_u64(j, "hpage_kb", s->hpage_bytes != 0, s->hpage_bytes / 1024);
}

void thp_answer_json(struct json *j, const struct thp_answer *a)
{
	const struct thp_cost *c = &a->cost;

	json_obj(j, "thp");
	thp_settings_fields(j, &a->s);
	json_bool(j, "numpy_madvise", a->madvised);
	json_str(j, "numpy_madvise_reason", madv_id(a));
	json_str(j, "numpy_env", a->env_text);
	if (a->mode < 0)
		json_null(j, "applies");
	else
		json_bool(j, "applies", a->applies);
	json_u64(j, "factor", c->factor);
	json_u64(j, "elements_for_full_cost", c->elems_for_full);
	json_opt_u64(j, "touched", c->has_touched, c->touched);
	/* with --touched: that many elements' worst case; without: the whole array, which
	 * elements_for_full_cost elements reach, when THP applies */
	if (c->has_touched)
		json_u64(j, "worst_case_kb", c->worst_kb);
	else
		json_opt_u64(j, "worst_case_kb", a->applies, c->array_kb);
	json_opt_u64(j, "without_thp_kb", c->has_touched, c->plain_kb);
	json_opt_u64(j, "collapse_min_pages", c->collapse_min_pages != 0, c->collapse_min_pages);
	json_end(j);
}

void thp_status_print(const struct ovc_ctx *ctx, const struct thp_settings *s,
		      uint64_t page_size)
{
	char hp[UNITS_IEC_LEN];
	int mode = thp_effective(s);
	uint64_t factor = thp_hpage_bytes(s, page_size) / page_size;

	(void)ctx;
	if (mode < 0)
		return;
	printf("Transparent huge pages: enabled %s, defrag %s", thp_enabled_name(mode),
	       s->defrag >= 0 ? thp_defrag_name(s->defrag) : "unknown");
	if (s->has_max_ptes_none)
		printf(", khugepaged max_ptes_none %" PRIu64, s->max_ptes_none);
	if (s->hpage_bytes)
		printf(", %s pages", units_iec_kb(s->hpage_bytes / 1024, hp, sizeof(hp)));
	printf("\n");
	if (mode == THP_ALWAYS)
		printf("  every anonymous mapping gets huge pages: a sparse writer may use up to %" PRIu64 " times what it touches\n",
		       factor);
	else if (mode == THP_MADVISE)
		printf("  only madvised memory, such as NumPy arrays of 4 MiB or more: a sparse writer may use up to %" PRIu64 " times what it touches\n",
		       factor);
}

void thp_status_json(struct json *j, const struct thp_settings *s)
{
	json_obj(j, "thp");
	thp_settings_fields(j, s);
	json_end(j);
}

void hostctx_container(struct ovc_ctx *ctx, struct ctr_info *ci)
{
	int rc;
	bool same = hostctx_same_system(ctx, &rc);

	if (cli_open_proc(ctx)) {
		memset(ci, 0, sizeof(*ci));
		ci->cgroup_ns = ci->user_ns = -1;
		return;
	}
	ctrfs_detect(&ctx->proc, same ? &ctx->root : NULL, same, ci);
}

static void signal_list(const struct ctr_info *ci, char *buf, size_t len)
{
	static const char *const words[CTR_SIGNALS] = {
		"container= in PID 1's environment", "/run/systemd/container", "/run/.containerenv",
		"/.dockerenv", "a cgroup namespace of its own", "a user namespace",
	};
	size_t o = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < CTR_SIGNALS && o < len; i++)
		if (ci->signals & (1u << i))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", words[i]);
}

void ctr_status_print(const struct ovc_ctx *ctx, const struct ctr_info *ci,
		      const struct procfs_host *ph)
{
	char sig[400], a[UNITS_IEC_LEN], b[UNITS_IEC_LEN];

	if (!ci->in_container && ci->cgroup_ns != 1 && !ph->meminfo_virtual)
		return;
	signal_list(ci, sig, sizeof(sig));
	if (ci->in_container)
		printf("%sContainer:%s %s (%s)\n", clr(ctx->color, C_BOLD), clr_off(ctx->color),
		       ci->manager[0] ? esc(ci->manager) : "yes", sig);
	else if (ci->cgroup_ns == 1)
		printf("%sContainer:%s a cgroup namespace of its own (%s)\n", clr(ctx->color, C_BOLD),
		       clr_off(ctx->color), sig);
	else
		printf("%sContainer:%s /proc/meminfo is not the kernel's\n", clr(ctx->color, C_BOLD),
		       clr_off(ctx->color));
	printf("  %s\n", ctr_host_wide_text);
	if (ph->meminfo_virtual) {
		printf("  /proc/meminfo shows the container's view%s: MemTotal %s, SwapTotal %s",
		       ph->meminfo_lxcfs ? " (LXCFS)" : "",
		       units_iec_kb(ph->mi.mem_total_kb, a, sizeof(a)),
		       units_iec_kb(ph->mi.swap_total_kb, b, sizeof(b)));
		if (ph->model_from_sysinfo)
			printf("; the kernel's RAM %s and swap %s (sysinfo) are used above\n",
			       units_iec_kb(ph->sysinfo_ram_kb, a, sizeof(a)),
			       units_iec_kb(ph->sysinfo_swap_kb, b, sizeof(b)));
		else
			printf("; the kernel's are unknown from a saved tree (the figures above are the container's)\n");
	}
}

void ctr_status_json(struct json *j, const struct ctr_info *ci, const struct procfs_host *ph)
{
	unsigned i;

	json_obj(j, "container");
	json_bool(j, "detected", ci->in_container);
	json_str(j, "manager", ci->manager[0] ? ci->manager : NULL);
	json_arr(j, "signals");
	for (i = 0; i < CTR_SIGNALS; i++)
		if (ci->signals & (1u << i))
			json_str(j, NULL, ctr_signal_name(1u << i));
	json_end(j);
	if (ci->cgroup_ns < 0)
		json_null(j, "cgroup_namespace");
	else
		json_str(j, "cgroup_namespace", ci->cgroup_ns ? "own" : "initial");
	if (ci->user_ns < 0)
		json_null(j, "user_namespace");
	else
		json_str(j, "user_namespace", ci->user_ns ? "own" : "initial");
	json_bool(j, "root_checked", ci->root_read);
	json_bool(j, "overcommit_host_wide", true);
	json_bool(j, "meminfo_virtualised", ph->meminfo_virtual);
	json_str(j, "meminfo_source", !ph->meminfo_virtual ? "kernel"
				      : ph->meminfo_lxcfs ? "lxcfs"
				      : ph->meminfo_overmounted ? "fuse" : "unknown");
	/* the container's own figures, for the touch side: what LXCFS derived from its
	 * cgroup (MemTotal = the memory limit, or the host's when none; SwapTotal = the swap
	 * limit, 0 without one) */
	if (ph->meminfo_virtual) {
		json_obj(j, "view");
		json_u64(j, "mem_total_kb", ph->mi.mem_total_kb);
		json_u64(j, "mem_free_kb", ph->mi.mem_free_kb);
		json_u64(j, "swap_total_kb", ph->mi.swap_total_kb);
		json_u64(j, "swap_free_kb", ph->mi.swap_free_kb);
		json_u64(j, "cached_kb", ph->mi.cached_kb);
		json_end(j);
	} else {
		json_null(j, "view");
	}
	if (ph->has_sysinfo) {
		json_obj(j, "kernel");
		json_u64(j, "mem_total_kb", ph->sysinfo_ram_kb);
		json_u64(j, "swap_total_kb", ph->sysinfo_swap_kb);
		json_end(j);
	} else {
		json_null(j, "kernel");
	}
	json_bool(j, "model_uses_kernel_figures", ph->model_from_sysinfo);
	json_end(j);
}

void ctr_writer_note(struct ovc_ctx *ctx, bool persist)
{
	struct ctr_info ci;
	char sig[400];

	hostctx_container(ctx, &ci);
	if (!ci.in_container)
		return;
	signal_list(&ci, sig, sizeof(sig));
	fprintf(stderr, "ovc: note: running in a container (%s%s%s): %s; %s\n",
		ci.manager[0] ? esc(ci.manager) : "", ci.manager[0] ? ": " : "", sig,
		ctr_host_wide_text,
		persist ? "a container's sysctl.d is applied at the container's start, if at all, and a read-only /proc/sys refuses it: configure the host"
			: "a change here changes them all, and a read-only /proc/sys refuses it: set them on the host");
}
