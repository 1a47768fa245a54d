/* SPDX-License-Identifier: MIT */
/* mprange.c - Monitoring Plugins threshold ranges (mprange.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mprange.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The kB in one unit ("", "k", "kb", "kib", "m", ... "pib"); 0 if not one. */
static double unit_kb(const char *u, size_t n)
{
	static const char letters[] = "kmgtp";
	const char *l;
	double kb = 1;

	if (!n)
		return 1;
	l = strchr(letters, lower(u[0]));
	if (!l || !*l)
		return 0;
	if (!(n == 1 || (n == 2 && lower(u[1]) == 'b') ||
	      (n == 3 && lower(u[1]) == 'i' && lower(u[2]) == 'b')))
		return 0;
	for (; l > letters; l--)
		kb *= 1024;
	return kb;
}

/*
 * One end, the n bytes at s: [-+]digits[.digits][unit]. *kind: 1 for '%', 2 for a size
 * unit, 0 for a plain number.
 * Digits are summed exactly as decimals up to 17 significant ones, then scaled.
 */
static int number(const char *s, size_t n, double *v, int *kind, const char **why)
{
	size_t i = 0, digits = 0, frac = 0;
	bool neg = false;
	double x = 0, scale = 1, kb;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n && is_digit(s[i]); i++, digits++)
		x = x * 10 + (s[i] - '0');
	if (i < n && s[i] == '.') {
		for (i++; i < n && is_digit(s[i]); i++, frac++) {
			scale /= 10;
			x += (s[i] - '0') * scale;
		}
		if (!frac) {
			*why = "a number ends in '.'";
			return -1;
		}
	}
	if (!digits && !frac) {
		*why = "not a number";
		return -1;
	}
	if (digits > 18) {
		*why = "a number is too large";
		return -1;
	}
	*kind = i == n ? 0 : s[i] == '%' ? 1 : 2;
	if (*kind == 1) {
		if (i + 1 != n) {
			*why = "'%' must end the number";
			return -1;
		}
		kb = 1;
	} else if (!(kb = unit_kb(s + i, n - i))) {
		*why = "unknown unit (%, or K, M, G, T, P of 1024, optionally with B or iB)";
		return -1;
	}
	*v = (neg ? -x : x) * kb;
	return 0;
}

int mp_range_parse(const char *s, struct mp_range *r, const char **why)
{
	const char *colon, *end_s;
	int kind_start = 0, kind_end = 0;

	memset(r, 0, sizeof(*r));
	if (*s == '@') {
		r->inside = true;
		s++;
	}
	colon = strchr(s, ':');
	if (colon) {
		if (strchr(colon + 1, ':')) {
			*why = "more than one ':'";
			return -1;
		}
		if (colon - s == 1 && *s == '~')
			r->start_inf = true;
		else if (colon != s && number(s, (size_t)(colon - s), &r->start, &kind_start, why) < 0)
			return -1;
		end_s = colon + 1;
	} else {
		end_s = s;
	}
	if (!*end_s) {
		if (!colon) {
			*why = "empty";
			return -1;
		}
		r->end_inf = true;
	} else if (number(end_s, strlen(end_s), &r->end, &kind_end, why) < 0) {
		return -1;
	}
	/* '%' on one end makes the range percent ("2:3%"); a size beside it is an error */
	if ((kind_start == 1 && kind_end == 2) || (kind_start == 2 && kind_end == 1)) {
		*why = "one end in percent and the other a size";
		return -1;
	}
	r->percent = kind_start == 1 || kind_end == 1;
	if (!r->start_inf && !r->end_inf && r->start > r->end) {
		*why = "the start is above the end";
		return -1;
	}
	return 0;
}

bool mp_range_alert(const struct mp_range *r, double v)
{
	bool in = (r->start_inf || v >= r->start) && (r->end_inf || v <= r->end);

	return r->inside ? in : !in;
}

/* %g-like, but never an exponent: up to 6 decimals, trailing zeros dropped */
static size_t put_num(char *buf, size_t len, double v)
{
	int n = snprintf(buf, len, "%.6f", v);
	size_t k;

	if (n < 0 || (size_t)n >= len)
		return 0;
	k = (size_t)n;
	if (memchr(buf, '.', k)) {
		while (buf[k - 1] == '0')
			k--;
		if (buf[k - 1] == '.')
			k--;
	}
	buf[k] = '\0';
	if (!strcmp(buf, "-0"))
		k = (size_t)snprintf(buf, len, "0");
	return k;
}

char *mp_range_format(const struct mp_range *r, char *buf, size_t len)
{
	size_t k = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (r->inside && k + 1 < len)
		buf[k++] = '@', buf[k] = '\0';
	if (r->start_inf) {
		if (k + 2 < len)
			memcpy(buf + k, "~:", 3), k += 2;
	} else if (r->start != 0 || r->end_inf) {
		k += put_num(buf + k, len - k, r->start);
		if (k + 1 < len)
			buf[k++] = ':', buf[k] = '\0';
	}
	if (!r->end_inf)
		put_num(buf + k, len - k, r->end);
	return buf;
}

enum mp_state mp_state_worst(enum mp_state a, enum mp_state b)
{
	static const int rank[] = { [MP_OK] = 0, [MP_UNKNOWN] = 1, [MP_WARNING] = 2,
				    [MP_CRITICAL] = 3 };

	return rank[a] >= rank[b] ? a : b;
}

const char *mp_state_name(enum mp_state s)
{
	switch (s) {
	case MP_OK:       return "OK";
	case MP_WARNING:  return "WARNING";
	case MP_CRITICAL: return "CRITICAL";
	case MP_UNKNOWN:  break;
	}
	return "UNKNOWN";
}
