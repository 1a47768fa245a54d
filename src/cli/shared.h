/* SPDX-License-Identifier: MIT */
/*
 * shared.h - pieces several commands print or parse the same way: the what-if options,
 * the host block, warnings and advice, in words and in JSON.
 */
#ifndef OVC_SHARED_H
#define OVC_SHARED_H

#include "../core/plan.h"
#include "../core/simulate.h"
#include "cli.h"
#include "json.h"

struct whatif {
	bool mode_set, ratio_set, kbytes_set, mem_set, swap_set, hugetlb_set, committed_set;
	bool vmsize_set, rlimit_set, vmdata_set, rlimit_data_set;
	int mode;
	int64_t ratio;
	uint64_t kbytes, mem_kb, swap_kb, hugetlb_kb, committed_kb, vmsize_kb, rlimit_as;
	uint64_t vmdata_kb, rlimit_data;
};

#define WHATIF_LONGOPTS                                                 \
	{ "mode", required_argument, NULL, OPT_MODE },                  \
	{ "ratio", required_argument, NULL, OPT_RATIO },                \
	{ "kbytes", required_argument, NULL, OPT_KBYTES },              \
	{ "mem", required_argument, NULL, OPT_MEM },                    \
	{ "swap", required_argument, NULL, OPT_SWAP },                  \
	{ "hugetlb", required_argument, NULL, OPT_HUGETLB },            \
	{ "committed", required_argument, NULL, OPT_COMMITTED },        \
	{ "vmsize", required_argument, NULL, OPT_VMSIZE },              \
	{ "rlimit-as", required_argument, NULL, OPT_RLIMIT_AS },        \
	{ "vmdata", required_argument, NULL, OPT_VMDATA },              \
	{ "rlimit-data", required_argument, NULL, OPT_RLIMIT_DATA }

/* 1: handled; 0: not a what-if option; -1: bad value (reported, exit EXIT_USAGE). */
int whatif_opt(struct ovc_ctx *ctx, struct whatif *w, int c, const char *arg);

/* Validate combinations after parsing; -1 after reporting a usage error. */
int whatif_validate(struct ovc_ctx *ctx, const struct whatif *w);

/*
 * Apply to the host read from /proc: host figures are replaced, the proposed policy is the
 * running one with the what-ifs applied (writing kbytes zeroes ratio and vice versa), and
 * the task is the default one (non-admin, full user reserve, ovc's own RLIMIT_AS and
 * RLIMIT_DATA).
 */
void whatif_apply(const struct whatif *w, struct procfs_host *ph, struct model_policy *prop,
		  struct model_task *task);

/* The task's RLIMIT_DATA: --rlimit-data (soft) over the process's soft and hard limits. */
void task_rlimit_data(const struct whatif *w, uint64_t soft, uint64_t hard,
		      struct model_task *task);

bool whatif_any(const struct whatif *w);

/* After whatif_apply: refuse a host that cannot exist (EXIT_USAGE, reported), else 0. */
int whatif_check_host(struct ovc_ctx *ctx, const struct procfs_host *ph);

/*
 * A task with a finite RLIMIT_DATA: read the boot option ignore_rlimit_data, which
 * decides whether it binds (procfs_read_cmdline), unless read. 0 or the exit status.
 */
int cli_need_cmdline(struct ovc_ctx *ctx, struct procfs_host *ph, const struct model_task *t);

/* A resource limit in bytes, null for unlimited. */
void json_limit(struct json *j, const char *key, uint64_t bytes);

/* JSON "host" object. */
void json_host(struct json *j, const struct procfs_host *ph, const struct model_task *t);
/*
 * A policy in JSON, the one encoding every command uses: {mode, mode_name, ratio,
 * kbytes} under key, or its members inside an object the caller opened.
 */
void json_policy(struct json *j, const char *key, const struct model_policy *p);
void json_policy_fields(struct json *j, const struct model_policy *p);

/* What a request (a profile's, for this host) asks: {mode, ratio, kbytes}, null if not. */
void json_request(struct json *j, const char *key, const struct plan_request *rq);

/* Warnings for ph's host under policy p: words on stdout, or a JSON "warnings" array. */
/* Returns how many; with blank_first, a blank line precedes them (when there are any). */
size_t print_warnings(const struct ovc_ctx *ctx, const struct procfs_host *ph,
		      const struct model_policy *p, bool blank_first);
void json_warnings(struct json *j, const struct procfs_host *ph, const struct model_policy *p);
/* The same array left open (ph NULL: none of the host's), for json_warning() to add to;
 * the caller ends it. */
void json_warnings_open(struct json *j, const struct procfs_host *ph,
			const struct model_policy *p);
void json_warning(struct json *j, const char *id, const char *text);

/* runtime_from_this_host: --root names an image, and no --proc gives its running values */
extern const char warn_runtime_from_this_host[];

/* One advice item in words. */
void advice_text(const struct model_host *h, const struct advice *a, char *buf, size_t len);
const char *advice_action(enum advice_kind k);

/* "RAM + swap", "CommitLimit", ...: the limit in words. */
const char *limit_words(enum model_limit l);

#endif
