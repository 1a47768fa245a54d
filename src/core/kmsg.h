/* SPDX-License-Identifier: MIT */
/*
 * kmsg.h - the kernel log as ovc reads it: /dev/kmsg records (and dmesg's lines), and the
 * messages that tell of a refused commit charge or an OOM kill. Pure: text in, facts out.
 *
 * Record format (Documentation/ABI/testing/dev-kmsg): "PRIO,SEQ,TS_USEC,FLAGS[,...];TEXT"
 * followed by continuation lines " KEY=VALUE"; TEXT has its non-printable bytes escaped
 * as \xNN by the kernel. dmesg's forms "[   12.345678] TEXT" and "<4>[   12.345678] TEXT"
 * (dmesg --raw) are read too, without a sequence number.
 */
#ifndef OVC_KMSG_H
#define OVC_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kmsg_record {
	bool has_seq;            /* /dev/kmsg form */
	uint64_t seq;
	bool has_ts;
	uint64_t ts_usec;        /* since boot (local_clock) */
	int prio;                /* facility << 3 | level; -1 unknown */
	const char *text;        /* into the line; not NUL-terminated */
	size_t text_len;
};

/*
 * One line: a record header line, a dmesg line, or a continuation line (" KEY=VALUE",
 * returns 1: nothing to read in it). 0 with *r filled, 1 to skip, -1 not a kernel log line.
 */
int kmsg_parse_line(const char *line, size_t len, struct kmsg_record *r);

enum kmsg_kind {
	KMSG_OTHER = 0,
	KMSG_COMMIT_REFUSED,     /* __vm_enough_memory: ... not enough memory for the allocation */
	KMSG_OOM_KILL,           /* Out of memory: Killed process N (comm) ... */
	KMSG_CGROUP_OOM_KILL,    /* Memory cgroup out of memory: Killed process N (comm) ... */
	KMSG_OOM_SUMMARY,        /* oom-kill:constraint=...,task_memcg=...,task=...,pid=N,uid=U */
	KMSG_SUPPRESSED,         /* __vm_enough_memory: N callbacks suppressed */
	KMSG_RLIMIT_DATA,        /* comm (pid): VmData B exceed data ulimit L. Update limits... */
};

struct kmsg_event {
	enum kmsg_kind kind;
	int64_t pid;             /* -1 unknown */
	char comm[64];           /* TASK_COMM_LEN is 16; longer text is cut */
	bool has_bytes;          /* refused: the kernel printed the size (bytes:) */
	uint64_t bytes;          /* refused: the request; rlimit_data: VmData + request */
	uint64_t limit;          /* rlimit_data: the soft RLIMIT_DATA */
	uint64_t count;          /* suppressed: how many */
	char constraint[32];     /* summary: CONSTRAINT_NONE, CONSTRAINT_MEMCG, ... */
	char oom_memcg[256];     /* summary: the cgroup that ran out; "" for none */
	char task_memcg[256];    /* summary: the victim's cgroup */
	uint64_t total_vm_kb, anon_rss_kb;   /* kill: as printed (0 when absent) */
};

/* Classify one message text (as in the record: escaped). */
void kmsg_classify(const char *text, size_t len, struct kmsg_event *ev);

/* One refusal or kill, as ovc log lists it. */
struct kmsg_entry {
	enum kmsg_kind kind;     /* COMMIT_REFUSED, OOM_KILL, CGROUP_OOM_KILL, RLIMIT_DATA */
	bool has_seq, has_ts;
	uint64_t seq, ts_usec;
	struct kmsg_event ev;
	bool has_summary;        /* a kill with its oom-kill: line (4.19+): the cgroups */
	char cgroup[256];        /* the victim's cgroup (task_memcg), "" unknown */
	char oom_memcg[256];     /* the cgroup that ran out (oom_memcg), "" for none */
	char text[512];          /* the kernel's message, escaped as /dev/kmsg has it */
};

/* The entries of a log, in order, and what the log says about itself. */
struct kmsg_log {
	struct kmsg_entry *v;
	size_t n, cap;
	uint64_t lines;          /* log lines read (records, for /dev/kmsg) */
	uint64_t suppressed;     /* refusals the rate limit did not print */
	bool seq_seen;
	uint64_t first_seq;      /* the oldest record's number: above 0, the ring has wrapped */
	struct kmsg_event summary;   /* the last oom-kill: line, for the kill after it */
	bool have_summary;
	uint64_t bad_lines;      /* lines that were not kernel log lines */
	bool has_min_ts;         /* set by the caller: records before min_ts_usec (uptime) */
	uint64_t min_ts_usec;    /* are neither entries nor counted as suppressed */
};

/*
 * Read one line into the log: 1 when it added an entry (log->v[log->n - 1]), 0 when
 * not, -1 out of memory. A caller that prints as it goes may set log->n to 0.
 */
int kmsg_log_feed(struct kmsg_log *log, const char *line, size_t len);

/* Did the ring buffer drop older records (the first record read is not number 0)? */
bool kmsg_log_wrapped(const struct kmsg_log *log);

void kmsg_log_free(struct kmsg_log *log);

#endif
