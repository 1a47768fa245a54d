/* SPDX-License-Identifier: MIT */
/*
 * procmisc.c - the small /proc parsers on the same bytes: proctext_zoneinfo_reserve,
 * proctext_stat_cpus, proctext_uid_map_is_initial and proctext_osrelease.
 * Checks: the reserve never exceeds the sum of the zones' managed pages (each zone adds
 * at most its managed count); the CPU count and the uid_map verdict equal independent
 * scans; osrelease gives MAJOR.MINOR[.PATCH] as an independent scan reads it, within
 * the bounds it promises; errors are OVC_E_INPUT.
 */
#include "../../../src/core/proctext.h"
#include "fuzz.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* digits at t[*i..n): 1 and the value, 0 none, -1 overflow */
static int num(const char *t, size_t n, size_t *i, uint64_t *v)
{
	bool over = false;
	size_t b = *i;

	*v = 0;
	for (; *i < n && t[*i] >= '0' && t[*i] <= '9'; (*i)++)
		over |= __builtin_mul_overflow(*v, 10, v) ||
			__builtin_add_overflow(*v, (uint64_t)(t[*i] - '0'), v);
	if (*i == b)
		return 0;
	return over ? -1 : 1;
}

static void check_zoneinfo(const char *t, size_t n)
{
	struct ovc_err e;
	uint64_t pages = 0, sum = 0;
	bool over = false;
	size_t i = 0;
	int r;

	memset(&e, 0, sizeof(e));
	r = proctext_zoneinfo_reserve(t, n, "/proc/zoneinfo", &pages, &e);
	if (r < 0) {
		fuzz_check_err(&e, OVC_E_INPUT);
		return;
	}
	FUZZ_CHECK(r == 0, "zoneinfo returned %d", r);
	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t end = (size_t)((nl ? nl : t + n) - t), p = i;
		uint64_t v;

		while (p < end && blank(t[p]))
			p++;
		if (end - p >= 8 && !memcmp(t + p, "managed ", 8)) {
			p += 8;
			while (p < end && blank(t[p]))
				p++;
			if (num(t, end, &p, &v) == 1)
				over |= __builtin_add_overflow(sum, v, &sum);
		}
		i = end + 1;
	}
	if (!over)
		FUZZ_CHECK(pages <= sum, "reserve %" PRIu64 " above all managed pages %" PRIu64,
			   pages, sum);
}

static void check_stat(const char *t, size_t n)
{
	unsigned got = proctext_stat_cpus(t, n), want = 0;
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t ll = (size_t)((nl ? nl : t + n) - (t + i));

		want += ll > 3 && !memcmp(t + i, "cpu", 3) && t[i + 3] >= '0' && t[i + 3] <= '9';
		i += ll + 1;
	}
	FUZZ_CHECK(got == want, "stat: %u cpus, want %u", got, want);
}

static void check_uid_map(const char *t, size_t n)
{
	bool got = proctext_uid_map_is_initial(t, n), want = false;
	const char *nl = memchr(t, '\n', n);
	size_t end = nl ? (size_t)(nl - t) : n, p = 0, k;
	uint64_t v[3];

	for (k = 0; k < 3; k++) {
		while (p < end && blank(t[p]))
			p++;
		if (num(t, end, &p, &v[k]) != 1)
			break;
	}
	while (p < end && blank(t[p]))
		p++;
	if (k == 3 && p == end && v[0] == 0 && v[1] == 0 && v[2] == 4294967295u &&
	    (!nl || nl + 1 == t + n))
		want = true;
	FUZZ_CHECK(got == want, "uid_map: %d, want %d", got, want);
}

static void check_osrelease(const char *t, size_t n)
{
	struct model_kver kv = { 7, 7, 7 };
	struct ovc_err e;
	size_t b = 0, end = n, p;
	uint64_t a = 0, mi = 0, pa = 0;
	int r, want = -1;

	memset(&e, 0, sizeof(e));
	r = proctext_osrelease(t, n, "/proc/sys/kernel/osrelease", &kv, &e);
	while (b < end && (blank(t[b]) || t[b] == '\n'))
		b++;
	while (end > b && (blank(t[end - 1]) || t[end - 1] == '\n'))
		end--;
	p = b;
	if (num(t, end, &p, &a) == 1 && p < end && t[p] == '.') {
		p++;
		if (num(t, end, &p, &mi) == 1 && a <= 1000 && mi <= 1000) {
			want = 0;
			if (p < end && t[p] == '.') {
				p++;
				if (num(t, end, &p, &pa) != 1 || pa > 100000)
					pa = 0;
			}
		}
	}
	FUZZ_CHECK(r == want, "osrelease returned %d, want %d", r, want);
	if (r == 0)
		FUZZ_CHECK(kv.major == a && kv.minor == mi && kv.patch == pa,
			   "osrelease %u.%u.%u, want %" PRIu64 ".%" PRIu64 ".%" PRIu64, kv.major,
			   kv.minor, kv.patch, a, mi, pa);
	else
		fuzz_check_err(&e, OVC_E_INPUT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_dup(data, size);

	check_zoneinfo(t, size);
	check_stat(t, size);
	check_uid_map(t, size);
	check_osrelease(t, size);
	free(t);
	return 0;
}
