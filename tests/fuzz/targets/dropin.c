/* SPDX-License-Identifier: MIT */
/*
 * dropin.c - ovc's drop-in: dropin_parse over any bytes, and dropin_render read back.
 * dropin_parse: the profile is "" or a valid name, NUL-terminated; keys not set read as
 * 0/50/0; at most one of ratio and kbytes is set, and the other is then 0 (the kernel
 * keeps one); a mode read is 0..2; ratio and kbytes are never negative.
 * dropin_render, with a policy and profile taken from the first 18 input bytes: it
 * fails exactly for an invalid policy or profile name; otherwise the text is
 * NUL-terminated, its length is returned, it starts with the marker and ends with a
 * newline, the same in a buffer of any size that holds it (and -1, without writing past
 * the end, in a smaller one), and dropin_parse reads back managed, the profile and the
 * policy as the kernel keeps it (kbytes non-zero: ratio 0).
 */
#include "../../../src/core/dropin.h"
#include "fuzz.h"

static const char *const profiles[8] = {
	NULL, "sparse-arrays", "a", "a234567890123456789012345678901234567890123456789012345678901_3",
	"a2345678901234567890123456789012345678901234567890123456789012_4", "../x", "", "-x",
};

static void check_parsed(const struct dropin_info *d)
{
	FUZZ_CHECK(fuzz_terminated(d->profile, sizeof(d->profile)), "profile not terminated");
	FUZZ_CHECK(!d->profile[0] || dropin_profile_name_ok(d->profile), "profile '%s'",
		   d->profile);
	FUZZ_CHECK(!(d->ratio_set && d->kbytes_set), "both ratio and kbytes");
	FUZZ_CHECK(d->policy.mode >= 0 && d->policy.mode <= 2, "mode %d", d->policy.mode);
	FUZZ_CHECK(d->mode_set || d->policy.mode == 0, "mode %d not set", d->policy.mode);
	FUZZ_CHECK(d->policy.ratio >= 0, "ratio %" PRId64, d->policy.ratio);
	if (d->kbytes_set)
		FUZZ_CHECK(d->policy.ratio == 0, "kbytes with ratio %" PRId64, d->policy.ratio);
	else if (d->ratio_set)
		FUZZ_CHECK(d->policy.kbytes == 0, "ratio with kbytes %" PRIu64, d->policy.kbytes);
	else
		FUZZ_CHECK(d->policy.ratio == 50 && d->policy.kbytes == 0,
			   "no limit key, yet %" PRId64 "/%" PRIu64, d->policy.ratio,
			   d->policy.kbytes);
}

static void check_render(const uint8_t *d)
{
	struct model_policy p;
	const char *prof = profiles[d[17] & 7];
	char buf[DROPIN_TEXT_MAX];
	struct dropin_info back;
	bool valid;
	size_t small;
	int n;

	memset(&p, 0, sizeof(p));
	p.mode = (int)(d[0] % 6) - 2;   /* -2..3 */
	memcpy(&p.ratio, d + 1, 8);
	memcpy(&p.kbytes, d + 9, 8);
	if (d[17] & 8)
		p.ratio = (int8_t)d[1];   /* small values too, not only huge ones */
	if (d[17] & 16)
		p.kbytes = d[9] & 1 ? 0 : d[10];
	valid = p.mode >= 0 && p.mode <= 2 && p.ratio >= 0 &&
		(!prof || dropin_profile_name_ok(prof));
	n = dropin_render(&p, prof, buf, sizeof(buf));
	FUZZ_CHECK((n >= 0) == valid, "render of mode %d ratio %" PRId64 " profile %s: %d", p.mode,
		   p.ratio, prof ? prof : "(none)", n);
	if (n < 0)
		return;
	FUZZ_CHECK((size_t)n < sizeof(buf) && strlen(buf) == (size_t)n, "length %d", n);
	FUZZ_CHECK(!strncmp(buf, DROPIN_MARKER, strlen(DROPIN_MARKER)) && buf[n - 1] == '\n',
		   "not a drop-in: %s", buf);
	/* a buffer of every size around the length: exact fit works, one byte less fails */
	for (small = (size_t)n - 1; small <= (size_t)n + 1; small++) {
		char *b = malloc(small);
		int m;

		if (!b)
			abort();
		m = dropin_render(&p, prof, b, small);
		if (small > (size_t)n)
			FUZZ_CHECK(m == n && !strcmp(b, buf), "render into %zu bytes: %d", small, m);
		else
			FUZZ_CHECK(m == -1, "render into %zu bytes (needs %d): %d", small, n + 1, m);
		free(b);
	}
	dropin_parse(buf, (size_t)n, &back);
	check_parsed(&back);
	FUZZ_CHECK(back.managed, "the rendered file reads back as not managed");
	FUZZ_CHECK(!strcmp(back.profile, prof ? prof : ""), "profile '%s' reads back as '%s'",
		   prof ? prof : "", back.profile);
	FUZZ_CHECK(back.mode_set && back.policy.mode == p.mode, "mode %d reads back as %d%s",
		   p.mode, back.policy.mode, back.mode_set ? "" : " (not set)");
	if (p.kbytes)
		FUZZ_CHECK(back.kbytes_set && back.policy.kbytes == p.kbytes && back.policy.ratio == 0,
			   "kbytes %" PRIu64 " reads back as %s %" PRIu64, p.kbytes,
			   back.kbytes_set ? "kbytes" : "not set, kbytes", back.policy.kbytes);
	else
		FUZZ_CHECK(back.ratio_set && back.policy.ratio == p.ratio && back.policy.kbytes == 0,
			   "ratio %" PRId64 " reads back as %s %" PRId64, p.ratio,
			   back.ratio_set ? "ratio" : "not set, ratio", back.policy.ratio);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_dup(data, size);
	struct dropin_info d;

	dropin_parse(t, size, &d);
	check_parsed(&d);
	free(t);
	if (size >= 18)
		check_render(data);
	return 0;
}
