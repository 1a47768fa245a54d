/* SPDX-License-Identifier: MIT */
/*
 * cgroup.c - the memory cgroup parsers on the same bytes: cg_parse_limit, cg_parse_usage,
 * cg_parse_stat and cg_mountinfo_line with cg_dir_of; byte 0 & 3 picks which, the rest
 * is the file (or line). Checks: a limit or usage equals an independent reading ("max",
 * or one decimal number and an optional newline; v1's PAGE_COUNTER_MAX * 4096 and more
 * read as unlimited), else OVC_E_INPUT on line 1; memory.stat's LRU sums equal the last
 * active_file/inactive_file (or total_) lines, an error on a line of the text; a
 * mountinfo line's fields are terminated, and a directory from cg_dir_of starts with the
 * mount point.
 */
#include "../../../src/core/cgroup.h"
#include "fuzz.h"

#define V1_UNLIMITED 9223372036854771712ull

/* one decimal number, and an optional final newline: 1 with the value, 0 not, -1 over */
static int plain_number(const char *t, size_t n, uint64_t *v)
{
	size_t i;
	bool over = false;

	if (n && t[n - 1] == '\n')
		n--;
	if (!n)
		return 0;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		over |= __builtin_mul_overflow(*v, 10, v) ||
			__builtin_add_overflow(*v, (uint64_t)(t[i] - '0'), v);
	}
	return over ? -1 : 1;
}

static void check_value(const char *t, size_t n, bool limit)
{
	struct ovc_err e;
	uint64_t v = 0, w = 0;
	int r, p;
	bool is_max = (n == 3 || (n == 4 && t[3] == '\n')) && !memcmp(t, "max", 3);

	memset(&e, 0, sizeof(e));
	r = limit ? cg_parse_limit(t, n, "f", 4096, &v, &e) : cg_parse_usage(t, n, "f", &v, &e);
	p = plain_number(t, n, &w);
	if (limit && is_max) {
		FUZZ_CHECK(r == 0 && v == CG_UNLIMITED, "'max' gave %d %" PRIu64, r, v);
		return;
	}
	if (p == 1) {
		FUZZ_CHECK(r == 0, "a plain number refused");
		FUZZ_CHECK(v == (limit && w >= V1_UNLIMITED ? CG_UNLIMITED : w),
			   "read %" PRIu64 " for %" PRIu64, v, w);
		return;
	}
	FUZZ_CHECK(r == -1, "not a number, yet %d (%" PRIu64 ")", r, v);
	fuzz_check_err(&e, OVC_E_INPUT);
	FUZZ_CHECK(e.line == 1, "error on line %u", e.line);
}

/* the value of the last "key N" line for either name; false if none parses */
static bool last_value(const char *t, size_t n, const char *k1, const char *k2, uint64_t *v)
{
	size_t i = 0;
	bool found = false;

	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t end = (size_t)((nl ? nl : t + n) - t), l = end - i;
		const char *sp = memchr(t + i, ' ', l);

		if (sp) {
			size_t kl = (size_t)(sp - (t + i));
			uint64_t x;

			if (((kl == strlen(k1) && !memcmp(t + i, k1, kl)) ||
			     (kl == strlen(k2) && !memcmp(t + i, k2, kl))) &&
			    plain_number(sp + 1, end - (size_t)(sp + 1 - t), &x) == 1) {
				*v = x;
				found = true;
			}
		}
		i = end + 1;
	}
	return found;
}

static void check_stat(const char *t, size_t n)
{
	struct ovc_err e;
	struct cg_stat st;
	uint64_t a = 0, b = 0;
	unsigned lines = 1;
	size_t i;
	int r;

	memset(&e, 0, sizeof(e));
	r = cg_parse_stat(t, n, "s", 4096, &st, &e);
	for (i = 0; i < n; i++)
		lines += t[i] == '\n';
	if (r < 0) {
		fuzz_check_err(&e, OVC_E_INPUT);
		FUZZ_CHECK(e.line >= 1 && e.line <= lines, "error line %u of %u", e.line, lines);
		return;
	}
	bool ha = last_value(t, n, "active_file", "total_active_file", &a);
	bool hb = last_value(t, n, "inactive_file", "total_inactive_file", &b);

	FUZZ_CHECK(st.has_file_lru == (ha && hb), "has_file_lru %d, seen %d %d",
		   st.has_file_lru, ha, hb);
	if (st.has_file_lru)
		FUZZ_CHECK(st.active_file == a && st.inactive_file == b,
			   "LRUs %" PRIu64 "/%" PRIu64 ", apart %" PRIu64 "/%" PRIu64,
			   st.active_file, st.inactive_file, a, b);
}

static void check_mountinfo(const char *t, size_t n)
{
	char root[64], mp[64], dir[96];
	enum cg_version v = cg_mountinfo_line(t, n, root, sizeof(root), mp, sizeof(mp));

	if (v == CG_NONE)
		return;
	FUZZ_CHECK(v == CG_V1 || v == CG_V2, "version %d", (int)v);
	FUZZ_CHECK(memchr(root, '\0', sizeof(root)) && memchr(mp, '\0', sizeof(mp)),
		   "fields not terminated");
	if (cg_dir_of(mp, root, root[0] == '/' ? root : "/x", dir, sizeof(dir)) &&
	    strcmp(mp, "/"))
		FUZZ_CHECK(!strncmp(dir, mp, strlen(mp)), "dir %s not under %s", dir, mp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t;

	if (!size)
		return 0;
	t = fuzz_dup(data + 1, size - 1);
	switch (data[0] & 3) {
	case 0: check_value(t, size - 1, true); break;
	case 1: check_value(t, size - 1, false); break;
	case 2: check_stat(t, size - 1); break;
	case 3: check_mountinfo(t, size - 1); break;
	}
	free(t);
	return 0;
}
