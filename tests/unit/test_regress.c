/* SPDX-License-Identifier: MIT */
/*
 * test_regress.c - the bugs the libFuzzer targets found (tests/fuzz/README.md), one test
 * each, with the reproducer kept in tests/fuzz/corpus/TARGET/regress-*.
 */
#include "../../src/core/dropin.h"
#include "../../src/core/numpy.h"
#include "../../src/core/precedence.h"
#include "../../src/core/profile.h"
#include "../../src/core/units.h"
#include "tap.h"

void test_regress(void);   /* also in tap.h, once registered */

/*
 * sysctld, dropin_check: a listed but unreadable file (a dangling link: text NULL, len 0)
 * made collect_items() and shadow_unread() compute NULL + 0, undefined behaviour (clang's
 * UBSan: "applying zero offset to null pointer"; gcc's does not check it, so this test
 * fails only in a clang -fsanitize=undefined build, and the fuzz smoke).
 */
static void regress_null_text(void)
{
	static const struct model_policy boot = { 0, 50, 0 };
	static struct prec_result r;
	struct prec_file f[2];
	struct ovc_err e;

	memset(f, 0, sizeof(f));
	f[0].dir = "/etc/sysctl.d";
	f[0].name = "50-dangling.conf";
	f[0].path = "/etc/sysctl.d/50-dangling.conf";
	f[1].dir = "/usr/lib/sysctl.d";   /* the same name, not read: shadow_unread() */
	f[1].name = "50-dangling.conf";
	f[1].path = "/usr/lib/sysctl.d/50-dangling.conf";
	TAP_I64(prec_resolve(PREC_SYSTEMD, f, 2, &boot, &r, &e), 0,
		"regress: an unreadable sysctl.d file (text NULL), systemd");
	TAP_U64(r.tool_fails && r.ndiags == 1 && r.diags[0].kind == PREC_D_CANNOT_OPEN, 1,
		"regress: it is a cannot-open diagnostic");
	TAP_I64(prec_resolve(PREC_PROCPS, f, 2, &boot, &r, &e), 0,
		"regress: an unreadable sysctl.d file (text NULL), procps");
}

/*
 * dropin: dropin_render writes any kbytes the kernel takes (an unsigned long), but
 * dropin_parse refused values above INT64_MAX, so the file ovc had just written read
 * back as setting no limit (ratio 50).
 */
static void regress_dropin_kbytes(void)
{
	static const uint64_t kb[] = { UINT64_MAX, (uint64_t)INT64_MAX + 1 };
	char buf[DROPIN_TEXT_MAX];
	struct dropin_info d;
	size_t i;

	for (i = 0; i < 2; i++) {
		struct model_policy p = { 2, 0, kb[i] };
		int n = dropin_render(&p, NULL, buf, sizeof(buf));

		TAP_OK(n > 0, "regress: render kbytes %" PRIu64, kb[i]);
		dropin_parse(buf, n > 0 ? (size_t)n : 0, &d);
		TAP_U64(d.kbytes_set, 1, "regress: kbytes %" PRIu64 " reads back as set", kb[i]);
		TAP_U64(d.policy.kbytes, kb[i], "regress: kbytes %" PRIu64 " reads back", kb[i]);
	}
}

/*
 * units: past 18 fraction digits, a dropped non-zero digit added one byte to the
 * rounded-down 18-digit value, which is not the rounded-up exact value when the unit is
 * larger than 10^18 bytes: 0.0000000000000000009 EiB is 1.04 bytes, so 2.
 */
static void regress_units_fraction(void)
{
	const char *why = NULL;
	uint64_t b = 0;

	TAP_I64(units_parse_size("0.0000000000000000009E", &b, &why), 0,
		"regress: 0.0000000000000000009E parses");
	TAP_U64(b, 2, "regress: 0.0000000000000000009E = 1.04 B rounds up to 2");
	TAP_I64(units_parse_size("1.0000000000000000009E", &b, &why), 0,
		"regress: 1.0000000000000000009E parses");
	TAP_U64(b, ((uint64_t)1 << 60) + 2, "regress: 1.0000000000000000009E = 2^60 + 1.04 B");
}

/*
 * numpy_error: fold_message() cut the dtype after the first " and data type " anywhere in
 * the message, the parser read it after the shape: an earlier one (here followed by an
 * unclosed bracket) left the dtype uncut, "float64 (more text)", unknown.
 */
static void regress_numpy_fold(void)
{
	struct numpy_error ne;
	const char *why = NULL;

	TAP_I64(numpy_parse_error("Unable to allocate 8.00 KiB for an array and data type ( with "
				  "shape (1024,) and data type float64 (more text)", &ne, &why), 0,
		"regress: a second 'and data type' before the shape");
	TAP_STR(ne.dtype, "float64", "regress: the dtype ends at its blank");
	TAP_U64(ne.exact && ne.bytes == 8192, 1, "regress: bytes from shape x dtype");
}

/*
 * numpy_error: size_text_range() multiplied the mantissa (up to 2^100) by the unit (up to
 * 2^60) in 128 bits: it wrapped, and "147573952589676412929. EiB" (2^67 + 1 EiB) read as
 * 0.5..1.5 EiB. Beyond 2^64 bytes the size must be refused or saturate.
 */
static void regress_numpy_size_wrap(void)
{
	struct numpy_error ne;
	const char *why = NULL;
	int r;

	r = numpy_parse_error("Unable to allocate 147573952589676412929. EiB for an array with shape "
			      "(1,) and data type [('a', '<i4')]", &ne, &why);
	TAP_OK(r < 0 || (ne.size_hi == UINT64_MAX && ne.bytes == UINT64_MAX),
	       "regress: a size beyond 2^64 bytes is refused or saturates (got %" PRIu64 "..%" PRIu64
	       ")", ne.size_lo, ne.size_hi);
}

/*
 * profile: profile_commit_as_ratio() wrote "P% ram - hugetlb + swap" as ratio P, but the
 * kernel's ratio gives (MemTotal - hugetlb) * P / 100 + SwapTotal, which differs by
 * hugetlb * (100 - P) / 100: on 63.7 GiB RAM with a 2 GiB pool, 80% asked for 59706568 kB
 * and got 60125999 kB. Only P = 100 is the ratio formula.
 */
static void regress_profile_ratio_form(void)
{
	static struct profile p;
	static const struct profile_host h = { 66768896, 8388604, 2097152 };
	static const char text[] = "description = d\nreason = r\nsource = s\nmode = 2\n"
				   "commit_limit = 80% ram - hugetlb + swap\n";
	struct plan_request rq;
	struct ovc_err e;
	uint64_t cl = 0;

	TAP_I64(profile_parse("t", text, strlen(text), &p, &e), 0,
		"regress: commit_limit = 80%% ram - hugetlb + swap");
	TAP_I64(profile_request(&p, &h, &rq, &e), 0, "regress: requested");
	if (rq.ratio_set)
		cl = (h.mem_kb - h.hugetlb_kb) * (uint64_t)rq.ratio / 100 + h.swap_kb;
	else if (rq.kbytes_set)
		cl = rq.kbytes + h.swap_kb;
	/* 80% of 66768896 is 53415116 (rounded down), - 2097152 + 8388604 */
	TAP_U64(cl, 59706568, "regress: CommitLimit is 80%% of RAM - hugetlb + swap");
}

void test_regress(void)
{
	regress_null_text();
	regress_dropin_kbytes();
	regress_units_fraction();
	regress_numpy_fold();
	regress_numpy_size_wrap();
	regress_profile_ratio_form();
}
