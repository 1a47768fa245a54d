/* SPDX-License-Identifier: MIT */
/* units.c - size parsing and IEC formatting; pure integer code, no I/O. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Unit suffix to multiplier; 0 if not a unit we accept. All units are 1024-based. */
static uint64_t unit_multiplier(const char *u)
{
	static const char letters[] = "kmgtpe";
	const char *pos;
	size_t n = strlen(u);

	if (n == 0 || (n == 1 && lower(u[0]) == 'b'))
		return 1;
	pos = strchr(letters, lower(u[0]));
	if (!pos)
		return 0;
	if (n == 1 || (n == 2 && (lower(u[1]) == 'b' || u[1] == 'i')) ||
	    (n == 3 && u[1] == 'i' && lower(u[2]) == 'b'))
		return (uint64_t)1 << (10 * ((pos - letters) + 1));
	return 0;
}

/*
 * ceil(0.d[0]d[1]...d[n-1] x 2^shift), shift <= 60, exactly: the first 19 digits in 128
 * bits; the rest can only add less than 2^shift / 10^19 < 1.
 */
static unsigned __int128 ceil_frac(const char *d, size_t n, unsigned shift)
{
	unsigned __int128 a, q, rem, pow = 1, k;
	uint64_t v = 0;
	size_t i, m = n < 19 ? n : 19;
	bool tail = false;

	for (i = 0; i < m; i++) {
		v = v * 10 + (uint64_t)(d[i] - '0');
		pow *= 10;
	}
	a = (unsigned __int128)v << shift;
	q = a / pow;
	rem = a % pow;
	for (i = m; i < n && !tail; i++)
		tail = d[i] != '0';
	if (!tail)
		return q + (rem != 0);
	/* exact = q + (rem + t) / 10^19, 0 < t = 0.d[19]... x 2^shift < 2^shift */
	k = pow - rem;
	return ceil_frac(d + 19, n - 19, shift) > k ? q + 2 : q + 1;
}

int units_parse_size(const char *s, uint64_t *bytes, const char **why)
{
	unsigned __int128 ip = 0, v;
	uint64_t mult;
	const char *p = s, *frac = NULL;
	int idigits = 0;
	size_t fdigits = 0;

	while (is_blank(*p))
		p++;
	if (*p == '-') {
		*why = "negative sizes are not allowed";
		return -1;
	}
	if (*p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++) {
		ip = ip * 10 + (unsigned)(*p - '0');
		if (ip > UINT64_MAX) {
			*why = "too large (the largest size is 16 EiB - 1)";
			return -1;
		}
		idigits++;
	}
	if (*p == '.') {
		frac = ++p;
		for (; *p >= '0' && *p <= '9'; p++)
			fdigits++;
	}
	if (idigits == 0 && fdigits == 0) {
		*why = "not a size (expected a number with an optional unit such as 64G or 512MiB)";
		return -1;
	}
	while (is_blank(*p))
		p++;
	{
		char unit[8];
		size_t n = strlen(p);

		while (n && is_blank(p[n - 1]))
			n--;
		if (n >= sizeof(unit)) {
			*why = "unknown unit (use B, K, M, G, T, P or E, optionally followed by B or iB)";
			return -1;
		}
		memcpy(unit, p, n);
		unit[n] = '\0';
		mult = unit_multiplier(unit);
		if (!mult) {
			*why = "unknown unit (use B, K, M, G, T, P or E, optionally followed by B or iB)";
			return -1;
		}
	}
	v = ip * mult;   /* < 2^124 */
	if (fdigits)
		v += ceil_frac(frac, fdigits, (unsigned)__builtin_ctzll(mult));
	if (v > UINT64_MAX) {
		*why = "too large (the largest size is 16 EiB - 1)";
		return -1;
	}
	*bytes = (uint64_t)v;
	return 0;
}

int units_parse_kbytes(const char *s, uint64_t *kb, const char **why)
{
	const char *p = s;
	bool plain = true;
	uint64_t v;

	while (is_blank(*p))
		p++;
	for (; *p; p++)
		if (!(*p >= '0' && *p <= '9') && !is_blank(*p))
			plain = false;
	if (plain && strchr(s, '.') == NULL && units_parse_size(s, &v, why) == 0) {
		*kb = v;
		return 0;
	}
	if (units_parse_size(s, &v, why) < 0)
		return -1;
	if (!strpbrk(s, "KkMmGgTtPpEeBb")) {
		*why = "a plain number is whole kB (add a unit, such as 1.5G, for a size)";
		return -1;
	}
	*kb = v / 1024;
	return 0;
}

int units_parse_duration(const char *s, uint64_t *seconds, const char **why)
{
	const char *p = s;
	uint64_t total = 0;
	bool any = false;

	while (*p) {
		uint64_t v = 0, mul;
		int digits = 0;

		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			if (v > (UINT64_MAX - 9) / 10) {
				*why = "too large";
				return -1;
			}
			v = v * 10 + (uint64_t)(*p - '0');
		}
		if (!digits) {
			*why = "not a duration (30s, 10m, 2h, 1d, 1w, 1h30m)";
			return -1;
		}
		switch (*p) {
		case 's': mul = 1; p++; break;
		case 'm': mul = 60; p++; break;
		case 'h': mul = 3600; p++; break;
		case 'd': mul = 86400; p++; break;
		case 'w': mul = 604800; p++; break;
		case '\0':
			if (any) {
				*why = "a number without a unit after the first part";
				return -1;
			}
			mul = 1;
			break;
		default:
			*why = "not a duration (30s, 10m, 2h, 1d, 1w, 1h30m)";
			return -1;
		}
		if (__builtin_mul_overflow(v, mul, &v) || __builtin_add_overflow(total, v, &total)) {
			*why = "too large";
			return -1;
		}
		any = true;
	}
	if (!any) {
		*why = "empty";
		return -1;
	}
	*seconds = total;
	return 0;
}

int units_parse_int(const char *s, int64_t min, int64_t max, int64_t *out, const char **why)
{
	const char *p = s;
	bool neg = false;
	unsigned __int128 v = 0;
	int digits = 0;

	while (is_blank(*p))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > (unsigned __int128)INT64_MAX + 1)
			break;
	}
	while (is_blank(*p))
		p++;
	if (!digits || *p) {
		*why = (*p >= '0' && *p <= '9') ? "out of range" : "not an integer";
		return -1;
	}
	if (neg ? v > (unsigned __int128)INT64_MAX + 1 : v > (unsigned __int128)INT64_MAX) {
		*why = "out of range";
		return -1;
	}
	{
		int64_t r = neg ? (int64_t)(0 - (uint64_t)v) : (int64_t)v;

		if (r < min || r > max) {
			*why = "out of range";
			return -1;
		}
		*out = r;
	}
	return 0;
}

int units_parse_seconds_ms(const char *s, uint64_t max_ms, uint64_t *ms, const char **why)
{
	const char *p = s;
	uint64_t v = 0;
	int digits = 0, frac = 0;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max_ms) {   /* seconds beyond max_ms are beyond max_ms milliseconds */
			*why = "too large";
			return -1;
		}
	}
	v *= 1000;
	if (*p == '.') {
		uint64_t scale = 100;

		for (p++; *p >= '0' && *p <= '9'; p++, frac++, scale /= 10) {
			if (frac == 3) {
				*why = "more than three decimals (milliseconds)";
				return -1;
			}
			v += (uint64_t)(*p - '0') * scale;
		}
		if (!frac) {
			*why = "not a number of seconds";
			return -1;
		}
	}
	if (*p || (!digits && !frac)) {
		*why = *s == '-' ? "negative durations are not allowed" : "not a number of seconds";
		return -1;
	}
	if (v > max_ms) {
		*why = "too large";
		return -1;
	}
	*ms = v;
	return 0;
}

/* Decimal digits of v at p; returns their number (at most 20). */
static size_t put_u64(char *p, uint64_t v)
{
	char t[20];
	size_t n = 0, i;

	do
		t[n++] = (char)('0' + v % 10);
	while (v /= 10);
	for (i = 0; i < n; i++)
		p[i] = t[n - 1 - i];
	return n;
}

/*
 * 128-bit: a wrapped CommitLimit in kB (up to 2^64 kB) is far beyond 16 EiB. Formatted
 * by hand, as snprintf would ("%llu.%02llu %s", truncated to len): every status and
 * simulate prints a dozen sizes, and snprintf was a fifth of their own instructions.
 */
static char *iec128(unsigned __int128 bytes, char *buf, size_t len)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
					     "ZiB", "YiB" };
	unsigned i = 0;
	unsigned __int128 unit = 1, hundredths;
	char t[64];
	size_t n;

	while (i < 8 && bytes >= unit * 1024) {
		unit *= 1024;
		i++;
	}
	if (i == 0) {
		n = put_u64(t, (uint64_t)bytes);
	} else {
		hundredths = (bytes * 100 + unit / 2) / unit;   /* bytes < 2^74: no overflow */
		if (hundredths >= 102400 && i < 8) {   /* 1023.995 KiB rounds to 1.00 MiB */
			i++;
			unit *= 1024;
			hundredths = (bytes * 100 + unit / 2) / unit;
		}
		n = put_u64(t, (uint64_t)(hundredths / 100));
		t[n++] = '.';
		t[n++] = (char)('0' + (unsigned)(hundredths % 100 / 10));
		t[n++] = (char)('0' + (unsigned)(hundredths % 10));
	}
	t[n++] = ' ';
	memcpy(t + n, names[i], strlen(names[i]));
	n += strlen(names[i]);
	if (len) {
		if (n >= len)
			n = len - 1;
		memcpy(buf, t, n);
		buf[n] = '\0';
	}
	return buf;
}

char *units_iec(uint64_t bytes, char *buf, size_t len)
{
	return iec128(bytes, buf, len);
}

char *units_iec_kb(uint64_t kb, char *buf, size_t len)
{
	return iec128((unsigned __int128)kb * 1024, buf, len);
}

char *units_iec_skb(int64_t kb, char *buf, size_t len)
{
	if (kb >= 0)
		return units_iec_kb((uint64_t)kb, buf, len);
	buf[0] = '-';
	units_iec_kb(0 - (uint64_t)kb, buf + 1, len - 1);   /* |INT64_MIN| fits in u64 */
	return buf;
}
