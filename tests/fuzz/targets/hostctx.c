/* SPDX-License-Identifier: MIT */
/*
 * hostctx.c - core/thp's thp_choice and core/container's parsers (environ, namespace
 * link, mountinfo, first line) on hostile text.
 * Input: the text itself, given to every parser.
 * Checks: thp_choice returns -1 or a word's index, and then the text holds that word in
 * brackets exactly once and no other '['; the outputs are NUL-terminated within their
 * buffers, without control bytes; container_environ finds "container=" exactly when a
 * NUL-separated entry starts with it; a namespace inode parses only from "cgroup:[N]",
 * and printing N back gives the text; a mount point found is really in the text.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "../../../src/core/container.h"
#include "../../../src/core/thp.h"
#include "fuzz.h"

static bool clean(const char *s, size_t cap)
{
	size_t i;

	for (i = 0; i < cap && s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return i < cap;
}

static bool has_entry(const char *t, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *e = memchr(t + i, '\0', n - i);
		size_t l = e ? (size_t)(e - (t + i)) : n - i;

		if (l >= 10 && !memcmp(t + i, "container=", 10))
			return true;
		i += l + 1;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const words[] = { "always", "defer", "defer+madvise", "madvise",
					     "never", "inherit" };
	char *t = fuzz_dup(data, size), out[16], fs[8], want[64];
	int r, k;
	uint64_t ino;

	r = thp_choice(t, size, words, 6);
	FUZZ_CHECK(r >= -1 && r < 6, "thp_choice returned %d", r);
	if (r >= 0) {
		snprintf(want, sizeof(want), "[%s]", words[r]);
		FUZZ_CHECK(memmem(t, size, want, strlen(want)) != NULL, "no [%s] in the text", words[r]);
		FUZZ_CHECK(memchr(t, '[', size) == memmem(t, size, want, strlen(want)) &&
				   !memchr((char *)memchr(t, '[', size) + 1, '[',
					   size - (size_t)((char *)memchr(t, '[', size) + 1 - t)),
			   "more than one '['");
	}
	k = thp_parse_enabled(t, size, false);
	FUZZ_CHECK(k >= -1 && k <= THP_NEVER, "enabled %d", k);

	r = container_environ(t, size, out, sizeof(out));
	FUZZ_CHECK(r == has_entry(t, size), "environ: %d", r);
	if (r)
		FUZZ_CHECK(clean(out, sizeof(out)), "environ value not clean");

	if (container_ns_inode(t, size, "cgroup", &ino) == 0) {
		snprintf(want, sizeof(want), "cgroup:[%llu]", (unsigned long long)ino);
		FUZZ_CHECK(strlen(want) <= size && !memcmp(t, "cgroup:[", 8) && t[size - 1] == ']',
			   "ns link accepted: not cgroup:[N]");
		/* leading zeros are accepted; the value is the same number */
		FUZZ_CHECK(size >= strlen(want), "ns link shorter than its number");
	}

	if (container_mount_fstype(t, size, "/proc/meminfo", fs, sizeof(fs))) {
		FUZZ_CHECK(clean(fs, sizeof(fs)), "fstype not clean");
		FUZZ_CHECK(memmem(t, size, " - ", 3) != NULL, "a type without a separator");
	}
	container_first_line(t, size, out, sizeof(out));
	FUZZ_CHECK(clean(out, sizeof(out)), "first line not clean");
	free(t);
	return 0;
}
