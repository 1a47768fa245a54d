/* SPDX-License-Identifier: MIT */
/*
 * profile.h - named overcommit policies (ovc-profile(5)): parse a profile file, resolve
 * its include= chain, and turn host-relative values into ratio/kbytes for one host.
 * Pure: the caller (sys/profiles) finds and reads the files; this module only sees text
 * through a loader callback.
 *
 * File: "key = value" lines; '#' starts a comment line; blank lines are skipped.
 *   description = one line                     (required)
 *   reason = text                              (required; repeated lines are joined)
 *   source = URL or document                   (required; repeatable)
 *   include = NAME                             (optional, one)
 *   mode = 0 | 1 | 2
 *   ratio = PCT                                (one of ratio, kbytes, commit_limit)
 *   kbytes = N | SIZE | P% ram
 *   commit_limit = TERM [(+|-) TERM]...        TERM: [P%] ram | [P%] swap | hugetlb | SIZE
 * ram is MemTotal, swap SwapTotal, hugetlb the hugetlb pool; P a percentage with at most
 * two decimals. The kernel always adds the whole swap to CommitLimit and, with kbytes,
 * does not subtract the hugetlb pool (vm_commit_limit(), mm/util.c), so commit_limit = X
 * gives kbytes = X - SwapTotal, which must be positive; unless X is "ram - hugetlb +
 * swap", the kernel's own formula for ratio 100 (profile_commit_as_ratio).
 * An including profile's mode and limit replace the included ones; description and
 * reason are its own; sources accumulate (the included ones after its own).
 */
#ifndef OVC_PROFILE_H
#define OVC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "plan.h"

#define PROFILE_NAME_MAX 64
#define PROFILE_MAX_SOURCES 12
#define PROFILE_MAX_TERMS 8
#define PROFILE_MAX_DEPTH 8      /* include chain length */
#define PROFILE_MAX_SIZE 16384   /* bytes per file */

enum profile_limit {
	PROFILE_LIMIT_NONE,        /* the limit knobs stay as they are */
	PROFILE_LIMIT_RATIO,
	PROFILE_LIMIT_KBYTES,      /* a fixed kbytes */
	PROFILE_LIMIT_KBYTES_RAM,  /* kbytes = P% of MemTotal */
	PROFILE_LIMIT_COMMIT,      /* commit_limit = terms */
};

enum profile_term_kind { PT_RAM, PT_SWAP, PT_HUGETLB, PT_SIZE };

struct profile_term {
	int sign;                  /* +1 or -1 */
	enum profile_term_kind kind;
	uint32_t centi_pct;        /* 10000 = 100% (PT_RAM, PT_SWAP) */
	uint64_t kb;               /* PT_SIZE */
};

struct profile {
	char name[PROFILE_NAME_MAX];
	char description[256];
	char reason[1536];
	char sources[PROFILE_MAX_SOURCES][256];
	size_t nsources;
	char include[PROFILE_NAME_MAX];    /* "" when none */
	bool mode_set;
	int mode;
	enum profile_limit limit;
	int64_t ratio;
	uint64_t kbytes;
	uint32_t ram_centi_pct;            /* PROFILE_LIMIT_KBYTES_RAM */
	struct profile_term terms[PROFILE_MAX_TERMS];
	size_t nterms;
	char limit_text[160];              /* "commit_limit = ram + swap", as written */
	char path[1024];                   /* after profile_resolve: the file, for messages */
	/* after profile_resolve: the chain, this profile first */
	char chain[PROFILE_MAX_DEPTH][PROFILE_NAME_MAX];
	size_t nchain;
};

/* Valid profile name: [A-Za-z0-9._-], 1..63, not starting with '.' or '-'. */
bool profile_name_ok(const char *name);

/*
 * Parse one file. err gets the line (and a message; the caller fills the path). A
 * profile that sets no mode and no limit and includes nothing is an error.
 */
int profile_parse(const char *name, const char *text, size_t len, struct profile *out,
		  struct ovc_err *err);

/*
 * Load name's text: 0 and text/len (valid until the next call) and the file's path for
 * messages; 1 if there is no such profile; -1 with err filled.
 */
typedef int (*profile_loader)(void *arg, const char *name, const char **text, size_t *len,
			      const char **path, struct ovc_err *err);

/*
 * Load, parse and merge name and its includes. A missing included profile, a cycle or a
 * chain deeper than PROFILE_MAX_DEPTH is an error (OVC_E_INPUT, naming the file).
 * Returns 0, 1 (name itself does not exist), or -1.
 */
int profile_resolve(const char *name, profile_loader load, void *arg, struct profile *out,
		    struct ovc_err *err);

struct profile_host {
	uint64_t mem_kb, swap_kb, hugetlb_kb;
};

/*
 * Is commit_limit exactly the kernel's ratio formula for ratio 100, "ram - hugetlb +
 * swap" (in any order)? Then it is written as ratio = 100: CommitLimit = (MemTotal -
 * hugetlb) + SwapTotal is what the kernel computes for it, and it follows the host (no
 * figures frozen at apply time, nothing to know for an offline image). "P% ram -
 * hugetlb" with P < 100 is not P% of (ram - hugetlb), so it stays kbytes.
 */
bool profile_commit_as_ratio(const struct profile *p, int64_t *ratio);

/* Does the profile need the host's figures (P% ram, a commit_limit that is no ratio)? */
bool profile_host_relative(const struct profile *p);

/*
 * The request for host h: mode and the limit knob (ratio or kbytes), computed. -1 with
 * err (OVC_E_INPUT) when the value cannot be expressed (commit_limit not above the
 * swap, an overflow).
 */
int profile_request(const struct profile *p, const struct profile_host *h,
		    struct plan_request *rq, struct ovc_err *err);

#endif
