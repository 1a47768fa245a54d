/* SPDX-License-Identifier: MIT */
/*
 * promtext.h - "ovc status --format prometheus": the figures of status in the Prometheus
 * text exposition format (version 0.0.4, as node_exporter's textfile collector reads it).
 * Pure: the caller gathers the figures and writes the text.
 *
 * Every family has its # HELP and # TYPE lines (all gauges), the names start with ovc_,
 * sizes are in bytes (kB x 1024, printed exactly, beyond 2^64 too), except
 * ovc_overcommit_kbytes, which is the sysctl's own value in kB so that it compares with
 * "sysctl -n vm.overcommit_kbytes". Label values are escaped (backslash, double quote,
 * newline) and bytes that are not UTF-8 become U+FFFD. ovc(8) JSON OUTPUT lists the set.
 */
#ifndef OVC_PROMTEXT_H
#define OVC_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct prom_figures {
	const char *version;          /* ovc_build_info{version} */
	bool ok;                      /* false: the host could not be read; only
					 ovc_scrape_success 0 and ovc_build_info follow */
	struct model_policy policy;   /* the running values */
	uint64_t commit_limit_kb;     /* the kernel's formula for the running values */
	uint64_t committed_as_kb;
	int64_t headroom_kb;
	uint64_t max_alloc_kb, max_alloc_admin_kb;   /* the largest allocation now */
	const char *binding_limit;    /* model_limit_name() of the user's */

	/* The boot configuration (sysctl.d), when it was looked at. */
	bool boot_read;               /* read: a live /proc or --root */
	bool boot_error;              /* looked at, and could not be read */
	struct model_policy boot_systemd, boot_procps;
	bool dropin_present, dropin_managed;
	const char *profile;          /* recorded in ovc's drop-in; NULL or "" when none */

	/* The largest holders of Committed_AS (ovc top), when status --top N read them. */
	bool top_read;
	size_t ntop;
	struct prom_holder {
		int64_t pid;
		char comm[64];
		char cgroup[256];
		uint64_t commit_kb, fork_kb;
	} top[20];
	int64_t unattributed_kb;
	uint64_t unreadable;

	/* The kernel log (ovc log), when it could be read: entries by kind. */
	bool log_read;
	uint64_t log_refused, log_rlimit_data, log_oom_kill, log_cgroup_oom_kill;
	uint64_t log_suppressed;
	bool log_wrapped;
};

#define PROM_TOP_MAX 20

/* The largest text prom_render() writes for a valid profile name and PROM_TOP_MAX
 * holders with labels of their longest: a buffer this size fits. */
#define PROM_TEXT_MAX 65536

/*
 * The exposition text for f into buf (NUL-terminated). Returns its length, or -1 if it
 * does not fit in len (buf then holds a cut text: never print it).
 */
int prom_render(const struct prom_figures *f, char *buf, size_t len);

/*
 * A label value escaped for the text format: \ -> \\, " -> \", newline -> \n, and each
 * byte that does not begin or continue valid UTF-8 -> U+FFFD. Returns the length written
 * (NUL-terminated), or -1 if out is too small.
 */
int prom_escape_label(const char *in, char *out, size_t len);

/* kB x 1024 as exact decimal digits (up to 2^74); returns the length, or -1 if short. */
int prom_kb_to_bytes(uint64_t kb, char *out, size_t len);
/* The same for a signed kB figure. */
int prom_skb_to_bytes(int64_t kb, char *out, size_t len);

#endif
