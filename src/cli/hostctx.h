/* SPDX-License-Identifier: MIT */
/*
 * hostctx.h - what check and status say about the system around the allocation:
 * transparent huge pages (a sparse write's real cost) and the container ovc runs in
 * (host-wide keys, a virtualised /proc/meminfo), in words and in JSON.
 */
#ifndef OVC_HOSTCTX_H
#define OVC_HOSTCTX_H

#include "../core/thp.h"
#include "../sys/ctrfs.h"
#include "cli.h"
#include "json.h"

/* The THP settings under --root when it is --proc's system, else unknown. 0 or the exit
 * status. */
int hostctx_thp(struct ovc_ctx *ctx, struct thp_settings *s);

/* The request's THP answer, for check. */
struct thp_answer {
	struct thp_settings s;
	int mode;                  /* thp_effective, -1 unknown */
	bool numpy;                /* the request is a NumPy array */
	bool calloc;               /* np.zeros */
	enum numpy_env env;
	const char *env_text;      /* NUMPY_MADVISE_HUGEPAGE as set, or NULL */
	unsigned numpy_ver;        /* --numpy-version, 0 unknown */
	enum numpy_madv madv;
	bool madvised;
	bool applies;
	struct thp_cost cost;
};

void thp_answer_make(struct thp_answer *a, const struct model_host *h, uint64_t bytes,
		     uint64_t itemsize, bool numpy, bool calloc, unsigned numpy_ver,
		     bool has_touched, uint64_t touched);

/* "1.24", "2.2.1" -> 124, 202; -1 if not MAJOR.MINOR[.PATCH...]. */
int hostctx_numpy_version(const char *arg, unsigned *ver);

void thp_answer_print(const struct ovc_ctx *ctx, const struct thp_answer *a);
void thp_answer_json(struct json *j, const struct thp_answer *a);

/* status: the settings line, and {enabled, defrag, max_ptes_none, hpage_kb} in JSON. */
void thp_status_print(const struct ovc_ctx *ctx, const struct thp_settings *s,
		      uint64_t page_size);
void thp_status_json(struct json *j, const struct thp_settings *s);

/* The container signals (ctrfs_detect through the seams). */
void hostctx_container(struct ovc_ctx *ctx, struct ctr_info *ci);

/* status: the container lines (nothing when none), and "container" in JSON. */
void ctr_status_print(const struct ovc_ctx *ctx, const struct ctr_info *ci,
		      const struct procfs_host *ph);
void ctr_status_json(struct json *j, const struct ctr_info *ci, const struct procfs_host *ph);

/* The sentence every command uses: the keys are host-wide. */
extern const char ctr_host_wide_text[];

/*
 * set and persist: inside a container, say on stderr (before anything is changed) that
 * the keys are host-wide. Silent elsewhere.
 */
void ctr_writer_note(struct ovc_ctx *ctx, bool persist);

#endif
