/* SPDX-License-Identifier: MIT */
/*
 * sysval.c - the /proc/sys value parsers proctext_int and proctext_ulong. The first byte
 * picks proctext_int's [min, max] (the ranges ovc reads with); the rest is the file.
 * Checks: the answer (accepted or not, and the value) equals an independent oracle: the
 * whole text is one decimal token, '-' allowed for int, framed by blanks and newlines;
 * the value lies in [min, max]; errors are OVC_E_INPUT on line 1.
 */
#include "../../../src/core/proctext.h"
#include "fuzz.h"

static const struct {
	int64_t min, max;
} ranges[] = {
	{ 0, 2 }, { INT32_MIN, INT32_MAX }, { 0, INT32_MAX }, { INT64_MIN, INT64_MAX },
	{ 0, 100 }, { -1, 1 }, { INT64_MAX, INT64_MAX }, { 0, 0 },
};

/* 1: one token of digits ('-' first if neg_ok); *v its value, saturated at 2^65 */
static int oracle(const char *t, size_t n, bool neg_ok, bool *neg, unsigned __int128 *v)
{
	size_t b = 0, e = n, i;

	while (b < e && (t[b] == ' ' || t[b] == '\t' || t[b] == '\n'))
		b++;
	while (e > b && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\n'))
		e--;
	*neg = false;
	*v = 0;
	if (b < e && t[b] == '-' && neg_ok) {
		*neg = true;
		b++;
	}
	if (b == e)
		return 0;
	for (i = b; i < e; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		if (*v < ((unsigned __int128)1 << 65))
			*v = *v * 10 + (unsigned)(t[i] - '0');
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t min, max, iv = 0;
	uint64_t uv = 0;
	struct ovc_err e;
	unsigned __int128 v;
	bool neg;
	char *t;
	int r, ok;

	if (size < 1)
		return 0;
	min = ranges[data[0] % (sizeof(ranges) / sizeof(ranges[0]))].min;
	max = ranges[data[0] % (sizeof(ranges) / sizeof(ranges[0]))].max;
	t = fuzz_dup(data + 1, size - 1);

	memset(&e, 0, sizeof(e));
	r = proctext_int(t, size - 1, "/proc/sys/vm/x", min, max, &iv, &e);
	ok = oracle(t, size - 1, true, &neg, &v);
	if (ok) {
		__int128 sv = neg ? -(__int128)v : (__int128)v;

		ok = sv >= min && sv <= max;
		if (ok && r == 0)
			FUZZ_CHECK(iv == (int64_t)sv, "int: %" PRId64 ", the oracle says otherwise", iv);
	}
	FUZZ_CHECK((r == 0) == ok, "int [%" PRId64 ", %" PRId64 "]: returned %d, oracle %d", min,
		   max, r, ok);
	if (r < 0) {
		fuzz_check_err(&e, OVC_E_INPUT);
		FUZZ_CHECK(e.line == 1, "int: error on line %u", e.line);
	}

	memset(&e, 0, sizeof(e));
	r = proctext_ulong(t, size - 1, "/proc/sys/vm/x", &uv, &e);
	ok = oracle(t, size - 1, false, &neg, &v) && v <= UINT64_MAX;
	FUZZ_CHECK((r == 0) == ok, "ulong: returned %d, oracle %d", r, ok);
	if (r == 0)
		FUZZ_CHECK(uv == (uint64_t)v, "ulong: %" PRIu64 ", the oracle says otherwise", uv);
	else
		fuzz_check_err(&e, OVC_E_INPUT);
	free(t);
	return 0;
}
