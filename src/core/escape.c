/* SPDX-License-Identifier: MIT */
/* escape.c - control characters in text from outside made visible (escape.h); no I/O. */
#include <stdint.h>
#include <string.h>

#include "escape.h"

/*
 * The length of the well-formed UTF-8 sequence at s (2 to 4), with its code point in
 * *cp, or 0 if s does not start one: The Unicode Standard, table 3-7 (the second byte's
 * range excludes overlong forms, UTF-16 surrogates and code points above U+10FFFF).
 */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t v;

	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		v = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		v = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;
		else if (b == 0xed)
			hi = 0x9f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		v = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;
		else if (b == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		unsigned char c = s[i];   /* the NUL ends a cut sequence: not in 0x80-0xbf */

		if (c < (i == 1 ? lo : 0x80) || c > (i == 1 ? hi : 0xbf))
			return 0;
		v = v << 6 | (c & 0x3f);
	}
	*cp = v;
	return n;
}

/* C1 controls and the bidirectional formatting characters (Unicode UAX #9, table 4) */
static bool hidden_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The output: bytes are copied while whole escapes fit; n counts every byte either way. */
struct sink {
	char *out;
	size_t len, n, kept;
	bool full;
};

static void put(struct sink *k, const char *e, size_t n)
{
	if (!k->full && k->n + n < k->len) {
		memcpy(k->out + k->n, e, n);
		k->kept = k->n + n;
	} else {
		k->full = true;
	}
	k->n += n;
}

static void put_hex(struct sink *k, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	put(k, e, 4);
}

size_t escape_text(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sink k = { out, len, 0, 0, false };
	size_t n, i;
	uint32_t cp;

	while (*p) {
		char e[2] = { '\\', 0 };

		if (*p == '\\' || *p == '\t' || *p == '\n' || *p == '\r') {
			e[1] = *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r';
			put(&k, e, 2);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			put_hex(&k, *p++);
		} else if (*p < 0x80) {
			put(&k, (const char *)p++, 1);
		} else if ((n = utf8_seq(p, &cp)) == 0) {
			put_hex(&k, *p++);
		} else if (hidden_cp(cp)) {
			for (i = 0; i < n; i++)
				put_hex(&k, *p++);
		} else {
			put(&k, (const char *)p, n);
			p += n;
		}
	}
	if (len)
		out[k.kept] = '\0';
	return k.n;
}

bool escape_needed(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	for (; *p; p += n) {
		n = 1;
		if (*p == '\\' || *p < 0x20 || *p == 0x7f)
			return true;
		if (*p >= 0x80 && ((n = utf8_seq(p, &cp)) == 0 || hidden_cp(cp)))
			return true;
	}
	return false;
}
