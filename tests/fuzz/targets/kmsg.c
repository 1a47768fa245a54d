/* SPDX-License-Identifier: MIT */
/*
 * kmsg.c - kmsg_log_feed (kernel log lines: /dev/kmsg records, dmesg lines) over any
 * bytes, a line at a time. Invariants: no crash or leak; every entry is a refusal, a kill
 * or an RLIMIT_DATA refusal, with NUL-terminated strings inside their arrays, a pid that
 * the line printed (or -1), and bytes only where the kernel prints them; the counts add
 * up (each line is a record, skipped, or not a log line).
 */
#include "../../../src/core/kmsg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_dup(data, size);
	struct kmsg_log log;
	size_t i = 0, k, lines = 0;

	memset(&log, 0, sizeof(log));
	while (i < size) {
		const char *nl = memchr(t + i, '\n', size - i);
		size_t ll = (size_t)((nl ? nl : t + size) - (t + i));
		int r = kmsg_log_feed(&log, t + i, ll);

		FUZZ_CHECK(r == 0 || r == 1, "feed returned %d", r);
		lines++;
		i += ll + 1;
	}
	FUZZ_CHECK(log.lines + log.bad_lines <= lines, "%" PRIu64 " + %" PRIu64 " lines of %zu",
		   log.lines, log.bad_lines, lines);
	FUZZ_CHECK(log.n <= log.lines, "%zu entries of %" PRIu64 " records", log.n, log.lines);
	for (k = 0; k < log.n; k++) {
		const struct kmsg_entry *e = &log.v[k];

		FUZZ_CHECK(e->kind == KMSG_COMMIT_REFUSED || e->kind == KMSG_OOM_KILL ||
			   e->kind == KMSG_CGROUP_OOM_KILL || e->kind == KMSG_RLIMIT_DATA,
			   "entry kind %d", (int)e->kind);
		FUZZ_CHECK(memchr(e->text, '\0', sizeof(e->text)) &&
			   memchr(e->ev.comm, '\0', sizeof(e->ev.comm)) &&
			   memchr(e->cgroup, '\0', sizeof(e->cgroup)) &&
			   memchr(e->oom_memcg, '\0', sizeof(e->oom_memcg)), "an unterminated string");
		FUZZ_CHECK(e->kind == KMSG_COMMIT_REFUSED || !e->ev.has_bytes,
			   "bytes on a %d", (int)e->kind);
		FUZZ_CHECK(e->ev.pid >= -1, "pid %" PRId64, e->ev.pid);
		FUZZ_CHECK(!e->has_summary || e->kind == KMSG_OOM_KILL ||
			   e->kind == KMSG_CGROUP_OOM_KILL, "a summary on a refusal");
	}
	FUZZ_CHECK(!kmsg_log_wrapped(&log) || log.seq_seen, "wrapped without a record number");
	kmsg_log_free(&log);
	free(t);
	return 0;
}
