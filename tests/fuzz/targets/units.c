/* SPDX-License-Identifier: MIT */
/*
 * units.c - size strings: units_parse_size, units_parse_kbytes, units_parse_int, and the
 * IEC formatters. The first byte picks units_parse_int's range; the rest is the string
 * (up to its first NUL) given to all three parsers.
 * Checks:
 *   size: refusals carry a reason; an accepted "N[.F] unit" is exactly ceil((N.F) x unit)
 *     bytes when that can be computed in 128 bits; leading or trailing blanks change
 *     nothing; units_iec of the result parses back to within half a hundredth of its unit
 *     (or is refused as too large, at 16 EiB);
 *   kbytes: a plain whole number is kB as is; with a unit it is the size / 1024;
 *   int: accepted exactly when an independent reading of [blanks][+-]digits[blanks] lies
 *     in [min, max], with the same value;
 *   iec, iec_kb, iec_skb: NUL-terminated within UNITS_IEC_LEN, never longer.
 */
#include "../../../src/core/units.h"
#include "fuzz.h"

static const struct {
	int64_t min, max;
} ranges[] = {
	{ 0, 2 }, { INT32_MIN, INT32_MAX }, { 1, INT32_MAX }, { INT64_MIN, INT64_MAX },
	{ 0, 2147483647 }, { -5, 5 }, { INT64_MAX, INT64_MAX }, { INT64_MIN, INT64_MIN },
};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The exact value by an independent reading; 0 if not computable here, else 1. */
static int exact_size(const char *s, unsigned __int128 *lo_num, unsigned __int128 *den)
{
	unsigned __int128 n = 0, f = 0, scale = 1, mult = 1;
	const char *p = s, *u;
	size_t ul;
	int fd = 0;

	while (blank(*p))
		p++;
	if (*p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, *p - '0', &n))
			return 0;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, fd++) {
			if (fd >= 30)
				return 0;
			f = f * 10 + (unsigned)(*p - '0');
			scale *= 10;
		}
	while (blank(*p))
		p++;
	u = p;
	ul = strlen(u);
	while (ul && blank(u[ul - 1]))
		ul--;
	if (ul) {
		const char *l = strchr("kmgtpe", lower(u[0]));

		if (!(ul == 1 && lower(u[0]) == 'b')) {
			if (!l || !u[0])
				return 0;
			mult = (unsigned __int128)1 << (10 * (l - "kmgtpe" + 1));
		}
	}
	/* value = (n * scale + f) * mult / scale */
	if (__builtin_mul_overflow(n, scale, &n) || __builtin_add_overflow(n, f, &n) ||
	    __builtin_mul_overflow(n, mult, &n))
		return 0;
	*lo_num = n;
	*den = scale;
	return 1;
}

static void check_size(const char *s)
{
	const char *why = NULL, *why2 = NULL;
	uint64_t b = 0, b2 = 0;
	unsigned __int128 num, den;
	char *t;
	int r, r2;

	r = units_parse_size(s, &b, &why);
	FUZZ_CHECK(r == 0 || (r == -1 && why && why[0]), "size: %d without a reason", r);
	/* blanks around it change nothing */
	t = malloc(strlen(s) + 3);
	if (!t)
		abort();
	sprintf(t, " %s\t", s);
	r2 = units_parse_size(t, &b2, &why2);
	free(t);
	FUZZ_CHECK(r2 == r && (r < 0 || b2 == b), "size: blanks around '%s' change it", s);
	if (r < 0)
		return;
	if (exact_size(s, &num, &den)) {
		/* b = ceil(num / den) */
		FUZZ_CHECK((unsigned __int128)b * den >= num &&
				   (b == 0 || (unsigned __int128)(b - 1) * den < num),
			   "size '%s' = %" PRIu64 ", not the exact value rounded up", s, b);
	}
	{
		char iec[UNITS_IEC_LEN];
		uint64_t back;
		unsigned __int128 unit = 1, diff;
		const char *w2;

		units_iec(b, iec, sizeof(iec));
		FUZZ_CHECK(fuzz_terminated(iec, sizeof(iec)), "iec not terminated");
		if (units_parse_size(iec, &back, &w2) < 0) {
			FUZZ_CHECK(b >= 0xFFC0000000000000ull, "'%s' (from %" PRIu64 ") refused: %s",
				   iec, b, w2);
			return;
		}
		while (unit * 1024 <= b)
			unit *= 1024;
		diff = back > b ? back - b : b - back;
		/* two decimals, rounded to nearest: at most half a hundredth of the unit shown
		 * (which is the next one up when 1023.995 rounds to 1.00) */
		FUZZ_CHECK(diff * 200 <= unit * 1024 + 200, "%" PRIu64 " -> '%s' -> %" PRIu64, b, iec,
			   back);
		if (unit > 1 && strstr(iec, " B") == NULL)
			FUZZ_CHECK(diff * 200 <= unit + 200 || back % (unit * 1024) == 0,
				   "%" PRIu64 " -> '%s' -> %" PRIu64 ": off by more than rounding", b,
				   iec, back);
	}
}

static void check_kbytes(const char *s)
{
	const char *why = NULL, *w2 = NULL;
	uint64_t kb = 0, bytes;
	const char *p = s;
	bool plain = true, digits = false;
	int r, rs;

	r = units_parse_kbytes(s, &kb, &why);
	FUZZ_CHECK(r == 0 || (r == -1 && why && why[0]), "kbytes: %d without a reason", r);
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits = true;
		else if (!blank(*p))
			plain = false;
	}
	rs = units_parse_size(s, &bytes, &w2);
	if (plain && digits) {
		FUZZ_CHECK(r == rs && (r < 0 || kb == bytes), "kbytes: plain '%s' is %" PRIu64, s, kb);
		return;
	}
	if (r == 0)
		FUZZ_CHECK(rs == 0 && kb == bytes / 1024 && strpbrk(s, "KkMmGgTtPpEeBb"),
			   "kbytes '%s' = %" PRIu64 ", the size says otherwise", s, kb);
	else if (rs == 0)
		FUZZ_CHECK(!strpbrk(s, "KkMmGgTtPpEeBb"), "kbytes refuses size '%s'", s);
}

static void check_int(const char *s, int64_t min, int64_t max)
{
	const char *why = NULL, *p = s;
	int64_t v = 0;
	unsigned __int128 mag = 0;
	bool neg = false, ok;
	int r, nd = 0;

	r = units_parse_int(s, min, max, &v, &why);
	FUZZ_CHECK(r == 0 || (r == -1 && why && why[0]), "int: %d without a reason", r);
	while (blank(*p))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, nd++)
		if (mag < ((unsigned __int128)1 << 70))
			mag = mag * 10 + (unsigned)(*p - '0');
	while (blank(*p))
		p++;
	ok = nd && !*p && mag <= (unsigned __int128)1 << 64;
	if (ok) {
		__int128 sv = neg ? -(__int128)mag : (__int128)mag;

		ok = sv >= min && sv <= max;
		if (ok && r == 0)
			FUZZ_CHECK(v == (int64_t)sv, "int '%s' = %" PRId64, s, v);
	}
	FUZZ_CHECK((r == 0) == ok, "int '%s' in [%" PRId64 ", %" PRId64 "]: %d, oracle %d", s, min,
		   max, r, ok);
}

static void check_iec(const uint8_t *d, size_t n)
{
	char buf[UNITS_IEC_LEN + 8];
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8 && i < n; i++)
		v = v << 8 | d[i];
	memset(buf, 'x', sizeof(buf));
	units_iec(v, buf, UNITS_IEC_LEN);
	FUZZ_CHECK(fuzz_terminated(buf, UNITS_IEC_LEN), "iec(%" PRIu64 ")", v);
	units_iec_kb(v, buf, UNITS_IEC_LEN);
	FUZZ_CHECK(fuzz_terminated(buf, UNITS_IEC_LEN), "iec_kb(%" PRIu64 ")", v);
	units_iec_skb((int64_t)v, buf, UNITS_IEC_LEN);
	FUZZ_CHECK(fuzz_terminated(buf, UNITS_IEC_LEN), "iec_skb(%" PRId64 ")", (int64_t)v);
	FUZZ_CHECK(buf[UNITS_IEC_LEN] == 'x', "iec wrote past its buffer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	size_t k;

	if (size < 1)
		return 0;
	k = data[0] % (sizeof(ranges) / sizeof(ranges[0]));
	s = fuzz_cstr(data + 1, size - 1);
	check_size(s);
	check_kbytes(s);
	check_int(s, ranges[k].min, ranges[k].max);
	check_iec(data + 1, size - 1);
	free(s);
	return 0;
}
