/* SPDX-License-Identifier: MIT */
/* test_mprange.c - Monitoring Plugins threshold ranges: the guidelines' examples, units,
 * the perfdata form, invalid ranges, and the order of the states. */
#include "../../src/core/mprange.h"
#include "tap.h"

/* the alerts of range s for each value of v[], as a string of 0 and 1 */
static const char *alerts(const char *s, const double *v, size_t n)
{
	static char out[32];
	struct mp_range r;
	const char *why;
	size_t i;

	if (mp_range_parse(s, &r, &why) < 0)
		return "invalid";
	for (i = 0; i < n && i < sizeof(out) - 1; i++)
		out[i] = mp_range_alert(&r, v[i]) ? '1' : '0';
	out[i] = '\0';
	return out;
}

static const char *fmt(const char *s)
{
	static char buf[64];
	struct mp_range r;
	const char *why;

	if (mp_range_parse(s, &r, &why) < 0)
		return "invalid";
	return mp_range_format(&r, buf, sizeof(buf));
}

static bool bad(const char *s)
{
	struct mp_range r;
	const char *why = NULL;

	return mp_range_parse(s, &r, &why) < 0 && why;
}

void test_mprange(void)
{
	/* the values -1, 0, 5, 10, 15, 20, 25 */
	static const double v[] = { -1, 0, 5, 10, 15, 20, 25 };
	struct mp_range r;
	const char *why;

	/* the guidelines' table: "Generate an alert if x..." */
	TAP_STR(alerts("10", v, 7), "1000111", "10: < 0 or > 10");
	TAP_STR(alerts("10:", v, 7), "1110000", "10: < 10");
	TAP_STR(alerts("~:10", v, 7), "0000111", "~:10: > 10");
	TAP_STR(alerts("10:20", v, 7), "1110001", "10:20: < 10 or > 20");
	TAP_STR(alerts("@10:20", v, 7), "0001110", "@10:20: >= 10 and <= 20");
	/* more forms */
	TAP_STR(alerts("@~:0", v, 7), "1100000", "@~:0: at or below 0");
	TAP_STR(alerts(":", v, 7), "1000000", "':' is 0 to infinity");
	TAP_STR(alerts("~:", v, 7), "0000000", "~: never alerts");
	TAP_STR(alerts("@~:", v, 7), "1111111", "@~: always alerts");
	TAP_STR(alerts("-5:5", v, 7), "0001111", "negative start");
	TAP_STR(alerts("0", v, 7), "1011111", "0: only 0 is fine");
	TAP_STR(alerts("10.5", (const double[]){ 10.5, 10.51 }, 2), "01", "a fraction, endpoint inclusive");
	TAP_STR(alerts("+3", (const double[]){ 3, 4 }, 2), "01", "a + sign");

	/* units: percent, sizes scaled to kB */
	TAP_OK(mp_range_parse("5%:", &r, &why) == 0 && r.percent && r.start == 5 && r.end_inf,
	       "5%%: in percent");
	TAP_OK(mp_range_parse("1G:", &r, &why) == 0 && !r.percent && r.start == 1048576,
	       "1G: is 1048576 kB");
	TAP_OK(mp_range_parse("512MiB:2g", &r, &why) == 0 && r.start == 524288 && r.end == 2097152,
	       "MiB and g");
	TAP_OK(mp_range_parse("100kB", &r, &why) == 0 && r.end == 100, "kB is 1");
	TAP_OK(mp_range_parse("~:2.5%", &r, &why) == 0 && r.percent && r.start_inf && r.end == 2.5,
	       "~:2.5%%");
	TAP_OK(mp_range_parse("@~:0", &r, &why) == 0 && r.inside && !r.percent, "@~:0 plain");
	TAP_OK(mp_range_parse("2:3%", &r, &why) == 0 && r.percent && r.start == 2 && r.end == 3,
	       "2:3%%: '%%' on one end makes the range percent");
	TAP_OK(mp_range_parse("1:1G", &r, &why) == 0 && !r.percent && r.start == 1 && r.end == 1048576,
	       "1:1G: 1 kB to 1 GiB");

	/* the perfdata form */
	TAP_STR(fmt("10"), "10", "format 10");
	TAP_STR(fmt("0:10"), "10", "format 0:10 as 10");
	TAP_STR(fmt("10:"), "10:", "format 10:");
	TAP_STR(fmt("~:10"), "~:10", "format ~:10");
	TAP_STR(fmt("@10:20"), "@10:20", "format @10:20");
	TAP_STR(fmt("@~:0"), "@~:0", "format @~:0");
	TAP_STR(fmt("5%:"), "5:", "format 5%%: (the unit is the label's)");
	TAP_STR(fmt("1G:"), "1048576:", "format 1G: in kB");
	TAP_STR(fmt("2.50:"), "2.5:", "format drops trailing zeros");
	TAP_STR(fmt(":"), "0:", "format ':'");

	/* invalid */
	TAP_OK(bad(""), "invalid: empty");
	TAP_OK(bad("@"), "invalid: @ alone");
	TAP_OK(bad("20:10"), "invalid: start above end");
	TAP_OK(bad("-10"), "invalid: -10 is 0:-10, start above end");
	TAP_OK(bad("abc"), "invalid: not a number");
	TAP_OK(bad("10:x"), "invalid: end not a number");
	TAP_OK(bad("1:2:3"), "invalid: two colons");
	TAP_OK(bad("5%:1G"), "invalid: percent and size");
	TAP_OK(bad("1G:5%"), "invalid: size and percent");
	TAP_OK(bad("5%%"), "invalid: %%");
	TAP_OK(bad("5%1"), "invalid: %% inside");
	TAP_OK(bad("10Q"), "invalid: unknown unit");
	TAP_OK(bad("1e3"), "invalid: exponent");
	TAP_OK(bad("inf"), "invalid: inf");
	TAP_OK(bad("1."), "invalid: 1.");
	TAP_OK(bad("~10"), "invalid: ~ without :");
	TAP_OK(bad(" 10"), "invalid: a blank");
	TAP_OK(bad("1234567890123456789"), "invalid: 19 digits");

	/* states: CRITICAL > WARNING > UNKNOWN > OK (max_state_alt) */
	TAP_U64(mp_state_worst(MP_OK, MP_WARNING), MP_WARNING, "worst OK WARNING");
	TAP_U64(mp_state_worst(MP_UNKNOWN, MP_WARNING), MP_WARNING, "worst UNKNOWN WARNING");
	TAP_U64(mp_state_worst(MP_CRITICAL, MP_UNKNOWN), MP_CRITICAL, "worst CRITICAL UNKNOWN");
	TAP_U64(mp_state_worst(MP_OK, MP_UNKNOWN), MP_UNKNOWN, "worst OK UNKNOWN");
	TAP_U64(mp_state_worst(MP_OK, MP_OK), MP_OK, "worst OK OK");
	TAP_STR(mp_state_name(MP_CRITICAL), "CRITICAL", "state name");
	TAP_STR(mp_state_name(MP_UNKNOWN), "UNKNOWN", "state name UNKNOWN");
}
