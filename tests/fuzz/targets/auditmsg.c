/* SPDX-License-Identifier: MIT */
/*
 * auditmsg.c - auditmsg_format with hostile op, key, old and new values.
 * Input: byte 0: bits 0-3 which arguments are NULL, bit 4 success, bits 5-7 the buffer
 * size (exact-size heap buffers: ASan sees any write past the end); then the four
 * strings, NUL-separated.
 * Checks: 0 exactly when the text (measured in a large buffer) fits in len with its NUL
 * and within OVC_AUDIT_TEXT_MAX, and the key has no 0x01; -1 leaves "" behind. A
 * formatted record is NUL-terminated, has no byte below 0x21 but the four field spaces,
 * none above 0x7e and no single quote (it cannot close the kernel's msg='...'); it is
 * exactly five fields op= key= old= new= res=, so " res=" occurs once, and last, as
 * res=success or res=failed; and every value decodes back to the argument it came from
 * (bare, "quoted" without an inner quote, or upper-case hex; NULL as ? or (null)).
 */
#include "../../../src/core/auditmsg.h"
#include "fuzz.h"

static char big[4 * 8192 + 64];

static bool bare_ok(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9') || v[i] == '_' || v[i] == '.' || v[i] == ':' ||
		      v[i] == '-'))
			return false;
	return n > 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool integer(const char *v, size_t n)
{
	size_t i = n && v[0] == '-';

	if (i == n)
		return false;
	for (; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return true;
}

enum bare { NEVER, TOKEN, INTEGER };

/* Does the encoded value v[0..n) stand for arg? */
static bool decodes_to(const char *v, size_t n, const char *arg, const char *if_null,
		       enum bare bare)
{
	size_t i, al;

	if (!arg)
		return n == strlen(if_null) && !memcmp(v, if_null, n);
	al = strlen(arg);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return !memchr(v + 1, '"', n - 2) && n - 2 == al && !memcmp(v + 1, arg, al);
	if (n == al && !memcmp(v, arg, n)) {
		if (bare == TOKEN)
			return bare_ok(v, n) && v[n - 1] != ':';
		if (bare == INTEGER)
			return integer(v, n);
	}
	if (n % 2 || n / 2 != al)
		return false;
	for (i = 0; i < al; i++) {
		int h = hexval(v[2 * i]), l = hexval(v[2 * i + 1]);

		if (h < 0 || l < 0 || (unsigned char)arg[i] != (h << 4 | l))
			return false;
	}
	return true;
}

static void check_text(const char *t, const char *args[4], bool success)
{
	static const char *const names[5] = { "op=", "key=", "old=", "new=", "res=" };
	static const char *const if_null[4] = { "?", "(null)", "?", "?" };
	static const enum bare bare[4] = { TOKEN, NEVER, INTEGER, INTEGER };
	const char *p = t, *q;
	size_t f;

	for (q = t; *q; q++)
		FUZZ_CHECK((unsigned char)*q >= 0x20 && (unsigned char)*q <= 0x7e && *q != '\'',
			   "byte 0x%02x in the record", (unsigned char)*q);
	for (f = 0; f < 5; f++) {
		const char *end = strchr(p, ' ');
		size_t nl = strlen(names[f]), n;

		if (!end || f == 4)
			end = p + strlen(p);
		FUZZ_CHECK(!strncmp(p, names[f], nl), "field %zu is not %s: '%s'", f, names[f], t);
		n = (size_t)(end - p) - nl;
		if (f < 4)
			FUZZ_CHECK(decodes_to(p + nl, n, args[f], if_null[f], bare[f]),
				   "%s does not stand for its argument in '%s'", names[f], t);
		else
			FUZZ_CHECK(!strcmp(p + nl, success ? "success" : "failed"),
				   "res is '%s' in '%s'", p + nl, t);
		p = *end ? end + 1 : end;
	}
	FUZZ_CHECK(!*p, "more than five fields: '%s'", t);
	q = strstr(t, " res=");
	FUZZ_CHECK(q && !strstr(q + 1, " res=") && !strncmp(t, "op=", 3), "res= twice");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t lens[8] = { 0, 1, 16, 64, 128, 512, OVC_AUDIT_TEXT_MAX,
					OVC_AUDIT_TEXT_MAX + 1 };
	struct fuzz_chunk c[4];
	char *s[4] = { NULL, NULL, NULL, NULL };
	const char *args[4];
	bool success, key_sep;
	size_t nc, i, len, need;
	int r, rb;
	char *buf;

	if (size < 1)
		return 0;
	nc = fuzz_split(data + 1, size - 1, 0, c, 4);
	for (i = 0; i < 4; i++) {
		if (i < nc)
			s[i] = fuzz_cstr(c[i].p, c[i].n);
		else
			s[i] = fuzz_cstr((const uint8_t *)"", 0);
		args[i] = (data[0] >> i) & 1 ? NULL : s[i];
	}
	success = data[0] & 16;
	len = lens[data[0] >> 5];
	key_sep = args[1] && strchr(args[1], OVC_AUDIT_KEY_SEPARATOR);

	/* the text's length, measured without the limits */
	rb = auditmsg_format(big, sizeof(big), args[0], args[1], args[2], args[3], success);
	need = rb == 0 ? strlen(big) : SIZE_MAX;
	FUZZ_CHECK(rb == 0 || key_sep || strlen(args[0] ? args[0] : "") * 2 +
						    strlen(args[1] ? args[1] : "") * 2 +
						    strlen(args[2] ? args[2] : "") * 2 +
						    strlen(args[3] ? args[3] : "") * 2 + 64 >
						    OVC_AUDIT_TEXT_MAX,
		   "refused although short and without 0x01");
	if (rb == 0)
		FUZZ_CHECK(need <= OVC_AUDIT_TEXT_MAX, "%zu bytes accepted", need);

	buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	if (len)
		buf[0] = 'x';
	r = auditmsg_format(buf, len, args[0], args[1], args[2], args[3], success);
	FUZZ_CHECK(r == 0 || r == -1, "returned %d", r);
	FUZZ_CHECK((r == 0) == (rb == 0 && need < len), "returned %d for %zu bytes, needs %zu", r,
		   len, need);
	if (r == 0) {
		FUZZ_CHECK(strlen(buf) == need && !strcmp(buf, big), "a different text in %zu bytes",
			   len);
		check_text(buf, args, success);
	} else if (len) {
		FUZZ_CHECK(buf[0] == '\0', "-1 without an empty buffer");
	}
	free(buf);
	for (i = 0; i < 4; i++)
		free(s[i]);
	return 0;
}
