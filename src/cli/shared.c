/* SPDX-License-Identifier: MIT */
/* shared.c - what-if options, host/warning/advice output shared by several commands. */
#include <inttypes.h>
#include <string.h>

#include "../core/units.h"
#include "render.h"
#include "shared.h"

static int size_kb(struct ovc_ctx *ctx, const char *opt, const char *arg, uint64_t *kb)
{
	const char *why;
	uint64_t b;

	if (units_parse_size(arg, &b, &why) < 0) {
		cli_usage_error(ctx, "invalid %s '%s': %s", opt, arg, why);
		return -1;
	}
	*kb = b / 1024;
	return 0;
}

int whatif_opt(struct ovc_ctx *ctx, struct whatif *w, int c, const char *arg)
{
	const char *why;
	int64_t v;
	uint64_t b;

	switch (c) {
	case OPT_MODE:
		if (units_parse_int(arg, 0, 2, &v, &why) < 0) {
			cli_usage_error(ctx, "invalid --mode '%s': expected 0, 1 or 2", arg);
			return -1;
		}
		w->mode = (int)v;
		w->mode_set = true;
		return 1;
	case OPT_RATIO:
		/* the kernel's int; negative and > 100 are accepted by it, and simulated */
		if (units_parse_int(arg, INT32_MIN, INT32_MAX, &w->ratio, &why) < 0) {
			cli_usage_error(ctx, "invalid --ratio '%s': %s (the kernel takes %d to %d)",
					arg, why, INT32_MIN, INT32_MAX);
			return -1;
		}
		w->ratio_set = true;
		return 1;
	case OPT_KBYTES:
		if (units_parse_kbytes(arg, &w->kbytes, &why) < 0) {
			cli_usage_error(ctx, "invalid --kbytes '%s': %s", arg, why);
			return -1;
		}
		w->kbytes_set = true;
		return 1;
	case OPT_MEM:
		w->mem_set = true;
		return size_kb(ctx, "--mem", arg, &w->mem_kb) < 0 ? -1 : 1;
	case OPT_SWAP:
		w->swap_set = true;
		return size_kb(ctx, "--swap", arg, &w->swap_kb) < 0 ? -1 : 1;
	case OPT_HUGETLB:
		w->hugetlb_set = true;
		return size_kb(ctx, "--hugetlb", arg, &w->hugetlb_kb) < 0 ? -1 : 1;
	case OPT_COMMITTED:
		w->committed_set = true;
		return size_kb(ctx, "--committed", arg, &w->committed_kb) < 0 ? -1 : 1;
	case OPT_VMSIZE:
		w->vmsize_set = true;
		return size_kb(ctx, "--vmsize", arg, &w->vmsize_kb) < 0 ? -1 : 1;
	case OPT_VMDATA:
		w->vmdata_set = true;
		return size_kb(ctx, "--vmdata", arg, &w->vmdata_kb) < 0 ? -1 : 1;
	case OPT_RLIMIT_AS:
	case OPT_RLIMIT_DATA:
		if (c == OPT_RLIMIT_AS)
			w->rlimit_set = true;
		else
			w->rlimit_data_set = true;
		if (!strcmp(arg, "unlimited") || !strcmp(arg, "infinity")) {
			b = UINT64_MAX;
		} else if (units_parse_size(arg, &b, &why) < 0) {
			cli_usage_error(ctx, "invalid %s '%s': %s",
					c == OPT_RLIMIT_AS ? "--rlimit-as" : "--rlimit-data", arg, why);
			return -1;
		}
		if (c == OPT_RLIMIT_AS)
			w->rlimit_as = b;
		else
			w->rlimit_data = b;
		return 1;
	}
	return 0;
}

int whatif_check_host(struct ovc_ctx *ctx, const struct procfs_host *ph)
{
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN];

	if (ph->host.hugetlb_kb > ph->host.mem_total_kb)
		return cli_usage_error(ctx, "the hugetlb pool (%s) would be larger than MemTotal (%s): the pool is part of MemTotal",
				       units_iec_kb(ph->host.hugetlb_kb, a, sizeof(a)),
				       units_iec_kb(ph->host.mem_total_kb, b, sizeof(b)));
	return 0;
}

int whatif_validate(struct ovc_ctx *ctx, const struct whatif *w)
{
	if (w->ratio_set && w->kbytes_set) {
		cli_usage_error(ctx, "--ratio and --kbytes exclude each other: the kernel keeps only one (writing either zeroes the other)");
		return -1;
	}
	return 0;
}

bool whatif_any(const struct whatif *w)
{
	return w->mode_set || w->ratio_set || w->kbytes_set || w->mem_set || w->swap_set ||
	       w->hugetlb_set || w->committed_set;
}

void whatif_apply(const struct whatif *w, struct procfs_host *ph, struct model_policy *prop,
		  struct model_task *task)
{
	struct model_host *h = &ph->host;

	if (w->mem_set)
		h->mem_total_kb = w->mem_kb;
	if (w->swap_set)
		h->swap_total_kb = w->swap_kb;
	if (w->hugetlb_set)
		h->hugetlb_kb = w->hugetlb_kb;
	if (w->committed_set)
		h->committed_as_kb = w->committed_kb;
	ph->whatif_host = w->mem_set || w->swap_set || w->hugetlb_set || w->committed_set;
	*prop = ph->policy;
	if (w->mode_set)
		prop->mode = w->mode;
	/* overcommit_{ratio,kbytes}_handler (mm/util.c, 3.14+) zero the other on success */
	if (w->ratio_set) {
		prop->ratio = w->ratio;
		prop->kbytes = 0;
	}
	if (w->kbytes_set) {
		prop->kbytes = w->kbytes;
		prop->ratio = 0;
	}
	model_task_init(task);
	task->vmsize_known = w->vmsize_set;
	task->vmsize_kb = w->vmsize_kb;
	task->vmdata_known = w->vmdata_set;
	task->vmdata_kb = w->vmdata_kb;
	task->rlimit_as_bytes = w->rlimit_set ? w->rlimit_as : ph->self_rlimit_as;
	task_rlimit_data(w, ph->self_rlimit_data, ph->self_rlimit_data_max, task);
}

void task_rlimit_data(const struct whatif *w, uint64_t soft, uint64_t hard,
		      struct model_task *task)
{
	/* --rlimit-data sets the soft limit; a hard one below it rises with it, as
	 * setrlimit() would refuse the pair otherwise */
	task->rlimit_data_bytes = w->rlimit_data_set ? w->rlimit_data : soft;
	task->rlimit_data_max_bytes = hard;
	if (task->rlimit_data_max_bytes < task->rlimit_data_bytes)
		task->rlimit_data_max_bytes = task->rlimit_data_bytes;
}

void json_policy_fields(struct json *j, const struct model_policy *p)
{
	json_i64(j, "mode", p->mode);
	json_str(j, "mode_name", model_mode_name(p->mode));
	json_i64(j, "ratio", p->ratio);
	json_u64(j, "kbytes", p->kbytes);
}

void json_policy(struct json *j, const char *key, const struct model_policy *p)
{
	json_obj(j, key);
	json_policy_fields(j, p);
	json_end(j);
}

void json_request(struct json *j, const char *key, const struct plan_request *rq)
{
	json_obj(j, key);
	if (rq->mode_set)
		json_i64(j, "mode", rq->mode);
	else
		json_null(j, "mode");
	if (rq->ratio_set)
		json_i64(j, "ratio", rq->ratio);
	else
		json_null(j, "ratio");
	if (rq->kbytes_set)
		json_u64(j, "kbytes", rq->kbytes);
	else
		json_null(j, "kbytes");
	json_end(j);
}

int cli_need_cmdline(struct ovc_ctx *ctx, struct procfs_host *ph, const struct model_task *t)
{
	struct ovc_err err = { 0 };

	if (t->rlimit_data_bytes == UINT64_MAX || ph->has_cmdline)
		return 0;
	if (procfs_read_cmdline(&ctx->proc, ph, &err) < 0)
		return cli_report(ctx, &err);
	return 0;
}

void json_limit(struct json *j, const char *key, uint64_t bytes)
{
	if (bytes == UINT64_MAX)
		json_null(j, key);
	else
		json_u64(j, key, bytes);
}

void json_host(struct json *j, const struct procfs_host *ph, const struct model_task *t)
{
	const struct model_host *h = &ph->host;
	char kv[32];

	snprintf(kv, sizeof(kv), "%u.%u.%u", h->kernel.major, h->kernel.minor, h->kernel.patch);
	json_obj(j, "host");
	json_u64(j, "mem_total_kb", h->mem_total_kb);
	json_u64(j, "swap_total_kb", h->swap_total_kb);
	json_u64(j, "hugetlb_kb", h->hugetlb_kb);
	json_u64(j, "committed_as_kb", h->committed_as_kb);
	json_u64(j, "meminfo_commit_limit_kb", ph->mi.commit_limit_kb);
	json_u64(j, "admin_reserve_kb", h->admin_reserve_kb);
	json_u64(j, "user_reserve_kb", h->user_reserve_kb);
	json_u64(j, "page_size", h->page_size);
	json_str(j, "kernel", kv);
	json_str(j, "osrelease", ph->osrelease);
	if (ph->has_cpus)
		json_u64(j, "cpus", h->cpus_online);
	else
		json_null(j, "cpus");
	json_u64(j, "address_space_bytes", h->address_space_bytes);
	json_bool(j, "rlimit_data_enforced", model_rlimit_data_enforced(h));
	json_bool(j, "live", ph->live);
	json_bool(j, "whatif", ph->whatif_host);
	if (t) {
		if (t->vmsize_known)
			json_u64(j, "vmsize_kb", t->vmsize_kb);
		else
			json_null(j, "vmsize_kb");
		json_limit(j, "rlimit_as_bytes", t->rlimit_as_bytes);
		json_limit(j, "rlimit_data_bytes", t->rlimit_data_bytes);
		json_limit(j, "rlimit_data_max_bytes", t->rlimit_data_max_bytes);
		if (t->vmdata_known)
			json_u64(j, "vmdata_kb", t->vmdata_kb);
		else
			json_null(j, "vmdata_kb");
	}
	json_end(j);
}

static const char *warn_key(enum warn_id id)
{
	switch (id) {
	case W_LIMIT_MISMATCH:       return "commit_limit_mismatch";
	case W_MEMINFO_VIRTUAL:      return "meminfo_virtualised";
	case W_MODE2_NO_HEADROOM:    return "mode2_no_headroom";
	case W_MODE2_LOW_HEADROOM:   return "mode2_low_headroom";
	case W_MODE2_WOULD_FAIL:     return "mode2_would_refuse_all";
	case W_RATIO_NEGATIVE:       return "ratio_negative";
	case W_RATIO_OVER_100:       return "ratio_over_100";
	case W_LIMIT_SWAP_ONLY:      return "commit_limit_swap_only";
	case W_HUGETLB_RATIO:        return "hugetlb_excluded";
	case W_LEGACY_GUESS:         return "legacy_heuristic";
	case W_HUGETLB_DEFAULT_ONLY: return "hugetlb_default_size_only";
	case W_MODE_UNKNOWN:         return "mode_unknown";
	case W_USER_RESERVE_ZERO:    return "user_reserve_zero";
	case W_CPUS_UNKNOWN:         return "cpus_unknown";
	case W_NO_ZONEINFO:          return "zoneinfo_missing";
	}
	return "unknown";
}

static void warn_text(const struct sim_warning *w, const struct procfs_host *ph, char *buf,
		      size_t len)
{
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN];

	switch (w->id) {
	case W_LIMIT_MISMATCH:
		snprintf(buf, len, "meminfo's CommitLimit (%s) differs from the kernel formula (%s): swapoff in progress, a virtualised /proc/meminfo, or a kernel ovc does not know",
			 units_iec_kb(w->a, a, sizeof(a)), units_iec_kb(w->b, b, sizeof(b)));
		break;
	case W_MEMINFO_VIRTUAL:
		snprintf(buf, len, "/proc/meminfo is overmounted (LXCFS?): it shows the container's view, but the overcommit check is host-wide; run ovc on the host");
		break;
	case W_MODE2_NO_HEADROOM:
		snprintf(buf, len, "mode 2 and Committed_AS (%s) has reached CommitLimit (%s): new allocations, fork and exec fail",
			 units_iec_kb(w->a, a, sizeof(a)),
			 units_iec_kb(w->b, b, sizeof(b)));
		break;
	case W_MODE2_LOW_HEADROOM:
		snprintf(buf, len, "mode 2 and only %s of headroom (below %s): fork and exec may start to fail",
			 units_iec_kb(w->a, a, sizeof(a)),
			 units_iec_kb(w->b, b, sizeof(b)));
		break;
	case W_MODE2_WOULD_FAIL:
		snprintf(buf, len, "Committed_AS (%s) exceeds CommitLimit (%s): switching to mode 2 with this limit would make new allocations fail",
			 units_iec_kb(w->a, a, sizeof(a)), units_iec_kb(w->b, b, sizeof(b)));
		break;
	case W_RATIO_NEGATIVE:
		snprintf(buf, len, "vm.overcommit_ratio is negative: the kernel's unsigned arithmetic wraps CommitLimit to an astronomic value, so mode 2 limits nothing");
		break;
	case W_RATIO_OVER_100:
		snprintf(buf, len, "vm.overcommit_ratio is %" PRIu64 "%%: in mode 2 the limit exceeds RAM + swap",
			 w->a);
		break;
	case W_LIMIT_SWAP_ONLY:
		snprintf(buf, len, "vm.overcommit_ratio and vm.overcommit_kbytes are both 0: CommitLimit is swap only (%s); writing overcommit_kbytes=0 zeroes the ratio",
			 units_iec_kb(w->a, a, sizeof(a)));
		break;
	case W_HUGETLB_RATIO:
		snprintf(buf, len, "the hugetlb pool (%s) is excluded from the RAM share of CommitLimit",
			 units_iec_kb(w->a, a, sizeof(a)));
		break;
	case W_LEGACY_GUESS:
		snprintf(buf, len, "kernel before 5.2: mode 0 estimates free memory, so ovc's answer is an estimate (ovc probe measures it)");
		break;
	case W_HUGETLB_DEFAULT_ONLY:
		snprintf(buf, len, "meminfo has no Hugetlb: line (kernel before 4.16): only the default huge page size is counted");
		break;
	case W_MODE_UNKNOWN:
		snprintf(buf, len, "vm.overcommit_memory is %" PRId64 ", not 0, 1 or 2: old kernels treat it as 2 in the commit check",
			 (int64_t)w->a);
		break;
	case W_USER_RESERVE_ZERO:
		snprintf(buf, len, "mode 2 with vm.user_reserve_kbytes 0: one process can take everything but the admin reserve (\"fork: Cannot allocate memory\")");
		break;
	case W_CPUS_UNKNOWN:
		if (ph->stat_malformed)
			snprintf(buf, len, "no CPU count (%s is malformed: no cpuN line): mode 2's per-CPU uncertainty band assumes one CPU and may be too narrow",
				 ph->stat_path);
		else
			snprintf(buf, len, "no CPU count (no stat file): mode 2's per-CPU uncertainty band assumes one CPU and may be too narrow");
		break;
	case W_NO_ZONEINFO:
		snprintf(buf, len, "no zoneinfo: the zones' reserves are taken as 0, so mode 0's estimate is optimistic");
		break;
	}
}

static size_t gather_warnings(const struct procfs_host *ph, const struct model_policy *p,
			      struct sim_warning *w, size_t max)
{
	struct sim_facts f = {
		.printed_limit_known = true,
		.printed_limit_kb = ph->mi.commit_limit_kb,
		.meminfo_overmounted = ph->meminfo_overmounted,
		.hugetlb_default_only = ph->hugetlb_default_only,
		.cpus_unknown = !ph->has_cpus,
		.zoneinfo_missing = !ph->has_zoneinfo,
	};

	/* The printed CommitLimit belongs to the running policy and host only. */
	if (p->ratio != ph->policy.ratio || p->kbytes != ph->policy.kbytes || ph->whatif_host)
		f.printed_limit_known = false;
	return sim_warnings(&ph->host, p, &f, w, max);
}

size_t print_warnings(const struct ovc_ctx *ctx, const struct procfs_host *ph,
		      const struct model_policy *p, bool blank_first)
{
	struct sim_warning w[16];
	size_t n = gather_warnings(ph, p, w, 16), i;
	char text[4800];   /* a path and the words */

	if (n && blank_first)
		printf("\n");
	for (i = 0; i < n; i++) {
		warn_text(&w[i], ph, text, sizeof(text));   /* may name a file under --proc */
		printf("%swarning:%s %s\n", clr(ctx->color, C_YELLOW), clr_off(ctx->color),
		       esc(text));
	}
	return n;
}

void json_warnings_open(struct json *j, const struct procfs_host *ph,
			const struct model_policy *p)
{
	struct sim_warning w[16];
	size_t n = ph ? gather_warnings(ph, p, w, 16) : 0, i;
	char text[4800];

	json_arr(j, "warnings");
	for (i = 0; i < n; i++) {
		warn_text(&w[i], ph, text, sizeof(text));
		json_warning(j, warn_key(w[i].id), text);
	}
}

const char warn_runtime_from_this_host[] =
	"--root without --proc: the running values compared are this host's, not the image's (give the image's saved proc tree with --proc)";

void json_warning(struct json *j, const char *id, const char *text)
{
	json_obj(j, NULL);
	json_str(j, "id", id);
	json_str(j, "text", text);
	json_end(j);
}

void json_warnings(struct json *j, const struct procfs_host *ph, const struct model_policy *p)
{
	json_warnings_open(j, ph, p);
	json_end(j);
}

const char *limit_words(enum model_limit l)
{
	switch (l) {
	case LIMIT_HEURISTIC:     return "RAM + swap";
	case LIMIT_FREE_ESTIMATE: return "free memory estimate";
	case LIMIT_COMMIT:        return "CommitLimit";
	case LIMIT_RLIMIT_AS:     return "RLIMIT_AS";
	case LIMIT_RLIMIT_DATA:   return "RLIMIT_DATA";
	case LIMIT_ADDRESS_SPACE: return "address space";
	case LIMIT_TOO_BIG:       return "too big to ask for";
	case LIMIT_NONE:          break;
	}
	return "-";
}

const char *advice_action(enum advice_kind k)
{
	switch (k) {
	case ADV_MODE_ALWAYS:   return "set_mode_1";
	case ADV_MODE_GUESS:    return "set_mode_0";
	case ADV_RATIO:         return "set_ratio";
	case ADV_KBYTES:        return "set_kbytes";
	case ADV_SWAP:          return "add_swap";
	case ADV_RLIMIT_AS:     return "raise_rlimit_as";
	case ADV_RLIMIT_DATA:   return "raise_rlimit_data";
	case ADV_MEMMAP:        return "use_memmap";
	case ADV_ADDRESS_SPACE: return "split_allocation";
	case ADV_BORDERLINE:    return "borderline";
	case ADV_WRITTEN_BEYOND: return "written_beyond_memory";
	}
	return "unknown";
}

void advice_text(const struct model_host *h, const struct advice *a, char *buf, size_t len)
{
	char s[UNITS_IEC_LEN];

	(void)h;
	switch (a->kind) {
	case ADV_MODE_ALWAYS:
		if (a->fork)
			snprintf(buf, len, "vm.overcommit_memory=1 (always overcommit) accepts it: the child shares its parent's pages until one of them writes them (copy-on-write), and a child that writes much can then meet the OOM killer");
		else if (a->written)
			snprintf(buf, len, "vm.overcommit_memory=1 (always overcommit) accepts it, but this array is written in full when it is created (np.ones, np.full, dtype object): it needs %s of RAM + swap free at once",
				 units_iec_kb(a->value, s, sizeof(s)));
		else
			snprintf(buf, len, "vm.overcommit_memory=1 (always overcommit) accepts it: pages cost RAM only when written, which suits sparse arrays (np.empty, np.zeros) that are never written in full");
		break;
	case ADV_WRITTEN_BEYOND:
		if (a->cgroup) {
			snprintf(buf, len, "no overcommit setting helps: this array is written in full when it is created (np.ones, np.full, dtype object), and it is larger than the room its memory cgroup leaves (%s); the cgroup's OOM killer would end the process; raise the cgroup's memory limit (memory.max, a bigger pod or job limit), or build it in chunks, or in np.memmap on disk",
				 units_iec_kb(a->value, s, sizeof(s)));
			break;
		}
		snprintf(buf, len, "no overcommit setting helps: this array is written in full when it is created (np.ones, np.full, dtype object), and it is larger than RAM + swap (%s); mode 1 would accept it and the OOM killer would end the process; build it in chunks, or in np.memmap on disk",
			 units_iec_kb(a->value, s, sizeof(s)));
		break;
	case ADV_MODE_GUESS:
		snprintf(buf, len, "vm.overcommit_memory=0 (the kernel default heuristic) accepts it");
		break;
	case ADV_RATIO:
		snprintf(buf, len, "in mode 2, vm.overcommit_ratio=%" PRIu64 " or more makes room for it%s",
			 a->value,
			 a->value > 100 ? " (above 100: commits beyond RAM + swap)" : "");
		break;
	case ADV_KBYTES:
		snprintf(buf, len, "in mode 2, vm.overcommit_kbytes=%" PRIu64 " (%s) or more makes room for it",
			 a->value, units_iec_kb(a->value, s, sizeof(s)));
		break;
	case ADV_SWAP:
		snprintf(buf, len, "mode 0 accepts single requests up to RAM + swap: %s more swap would do",
			 units_iec_kb(a->value, s, sizeof(s)));
		break;
	case ADV_RLIMIT_AS:
	case ADV_RLIMIT_DATA: {
		bool as = a->kind == ADV_RLIMIT_AS;
		const char *lim = as ? "RLIMIT_AS" : "RLIMIT_DATA", *own = as ? "VmSize" : "VmData";
		char o[UNITS_IEC_LEN];
		uint64_t kb = (a->value + 1023) / 1024;   /* ulimit -v and -d count kB */

		if (a->own_known)
			snprintf(buf, len, "%s must be at least %s for this process (its %s %s plus the request): ulimit -%c %" PRIu64,
				 lim, units_iec(a->value, s, sizeof(s)), own,
				 units_iec_kb(a->own_kb, o, sizeof(o)), as ? 'v' : 'd', kb);
		else
			snprintf(buf, len, "%s must exceed the process's own %s by %s: ulimit -%c <%s in kB + %" PRIu64 "> (its %s is not known here: --pid PID or --%s gives the exact value)",
				 lim, own, units_iec(a->value, s, sizeof(s)), as ? 'v' : 'd', own, kb,
				 own, as ? "vmsize" : "vmdata");
		break;
	}
	case ADV_MEMMAP:
		snprintf(buf, len, "np.memmap of a file on disk (mode r+ or w+) is not charged to the commit limit (a file on tmpfs or /dev/shm is, page by page as it is written; mode 'c' is, in full); neither are MAP_NORESERVE mappings outside mode 2");
		break;
	case ADV_ADDRESS_SPACE:
		snprintf(buf, len, "no policy helps: the request is near or beyond the process address space; split it (chunks, np.memmap, a sparse format)");
		break;
	case ADV_BORDERLINE:
		snprintf(buf, len, "the answer is within the kernel's per-CPU counting slack (+/- %s): it may succeed or fail",
			 units_iec_kb(a->value, s, sizeof(s)));
		break;
	}
}
