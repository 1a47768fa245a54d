/* SPDX-License-Identifier: MIT */
/* test_units.c - size parsing and IEC formatting. */
#include "../../src/core/units.h"
#include "tap.h"

static uint64_t size(const char *s)
{
	const char *why;
	uint64_t b = 0;

	return units_parse_size(s, &b, &why) < 0 ? UINT64_C(0xdeadbeef) : b;
}

static int bad(const char *s, const char **why)
{
	uint64_t b;

	return units_parse_size(s, &b, why) < 0;
}

void test_units(void)
{
	const char *why = NULL;
	char buf[UNITS_IEC_LEN];
	int64_t i;
	uint64_t kb;

	TAP_U64(size("64G"), UINT64_C(68719476736), "64G = 64 GiB");
	TAP_U64(size("512MiB"), 536870912, "512MiB");
	TAP_U64(size("1.5TiB"), UINT64_C(1649267441664), "1.5TiB with integer math");
	TAP_U64(size("10GB"), UINT64_C(10737418240), "GB is GiB, as the kernel's kB is KiB");
	TAP_U64(size("65204 kB"), 65204 * 1024, "a value pasted from meminfo means KiB");
	TAP_U64(size("2m"), 2097152, "unit letters are case-insensitive");
	TAP_U64(size("1.0000000000000000001"), 2, "a dropped 19th fraction digit still rounds up");
	TAP_U64(size("4096"), 4096, "plain bytes");
	TAP_U64(size("1.5"), 2, "fractions of a byte round up");
	TAP_U64(size("0.1K"), 103, "0.1 KiB = 102.4 rounds up to 103");
	TAP_U64(size("1e"), UINT64_C(1) << 60, "E is 2^60");
	TAP_U64(size("15.999999999999999999E"), UINT64_MAX, "just under 16 EiB");
	TAP_U64(size("18446744073709551615"), UINT64_MAX, "2^64 - 1 bytes");
	TAP_OK(bad("18446744073709551616", &why), "2^64 overflows");
	TAP_OK(bad("16E", &why), "16 EiB overflows");
	TAP_OK(bad("99999999999T", &why), "99999999999T overflows");
	TAP_STR(why, "too large (the largest size is 16 EiB - 1)", "overflow reason");
	TAP_OK(bad("-5G", &why), "negative refused");
	TAP_STR(why, "negative sizes are not allowed", "negative reason");
	TAP_OK(bad("12XB", &why), "unknown unit");
	TAP_OK(bad("NaN", &why), "NaN refused");
	TAP_OK(bad("", &why), "empty refused");
	TAP_OK(bad(".", &why), "a lone dot refused");
	TAP_OK(bad("5 G B", &why), "garbage after the unit refused");

	TAP_OK(units_parse_kbytes("1048576", &kb, &why) == 0 && kb == 1048576, "--kbytes plain = kB");
	TAP_OK(units_parse_kbytes("64G", &kb, &why) == 0 && kb == 67108864, "--kbytes 64G = 67108864 kB");
	TAP_OK(units_parse_kbytes("1500", &kb, &why) == 0 && kb == 1500, "--kbytes 1500 stays kB");
	TAP_OK(units_parse_kbytes("1500B", &kb, &why) == 0 && kb == 1, "--kbytes 1500B floors to 1 kB");
	TAP_OK(units_parse_kbytes("1.5", &kb, &why) < 0, "--kbytes 1.5 refused: plain means whole kB");
	TAP_STR(why, "a plain number is whole kB (add a unit, such as 1.5G, for a size)", "... saying why");
	TAP_OK(units_parse_kbytes("-1", &kb, &why) < 0, "--kbytes -1 refused");
	TAP_STR(why, "negative sizes are not allowed", "... as negative");
	TAP_OK(units_parse_kbytes("1.5G", &kb, &why) == 0 && kb == 1572864, "--kbytes 1.5G");

	TAP_OK(units_parse_int("-2147483648", INT32_MIN, INT32_MAX, &i, &why) == 0 && i == INT32_MIN,
	       "int: INT_MIN");
	TAP_OK(units_parse_int("2147483648", INT32_MIN, INT32_MAX, &i, &why) < 0, "int: INT_MAX + 1");
	TAP_OK(units_parse_int("-9223372036854775808", INT64_MIN, INT64_MAX, &i, &why) == 0 &&
	       i == INT64_MIN, "int: INT64_MIN");
	TAP_OK(units_parse_int("99999999999999999999", INT64_MIN, INT64_MAX, &i, &why) < 0,
	       "int: beyond 64 bits");
	TAP_OK(units_parse_int("3x", 0, 9, &i, &why) < 0, "int: trailing garbage");
	TAP_OK(units_parse_int("", 0, 9, &i, &why) < 0, "int: empty");

	/* --wait SECONDS: whole seconds, or a fraction to the millisecond */
	{
		uint64_t ms = 7;

		TAP_OK(units_parse_seconds_ms("0", 86400000, &ms, &why) == 0 && ms == 0, "seconds: 0");
		TAP_OK(units_parse_seconds_ms("1", 86400000, &ms, &why) == 0 && ms == 1000, "seconds: 1");
		TAP_OK(units_parse_seconds_ms("2.5", 86400000, &ms, &why) == 0 && ms == 2500,
		       "seconds: 2.5");
		TAP_OK(units_parse_seconds_ms("0.125", 86400000, &ms, &why) == 0 && ms == 125,
		       "seconds: three decimals");
		TAP_OK(units_parse_seconds_ms(".5", 86400000, &ms, &why) == 0 && ms == 500,
		       "seconds: .5");
		TAP_OK(units_parse_seconds_ms("86400", 86400000, &ms, &why) == 0 && ms == 86400000,
		       "seconds: the maximum");
		TAP_OK(units_parse_seconds_ms("86400.001", 86400000, &ms, &why) < 0,
		       "seconds: a millisecond past the maximum");
		TAP_OK(units_parse_seconds_ms("99999999999999999999999", 86400000, &ms, &why) < 0,
		       "seconds: beyond 64 bits");
		TAP_OK(units_parse_seconds_ms("0.0001", 86400000, &ms, &why) < 0,
		       "seconds: four decimals");
		TAP_OK(units_parse_seconds_ms("-1", 86400000, &ms, &why) < 0, "seconds: negative");
		TAP_OK(units_parse_seconds_ms("1.", 86400000, &ms, &why) < 0, "seconds: 1.");
		TAP_OK(units_parse_seconds_ms(".", 86400000, &ms, &why) < 0, "seconds: .");
		TAP_OK(units_parse_seconds_ms("", 86400000, &ms, &why) < 0, "seconds: empty");
		TAP_OK(units_parse_seconds_ms("5s", 86400000, &ms, &why) < 0, "seconds: a unit");
		TAP_OK(units_parse_seconds_ms(" 5", 86400000, &ms, &why) < 0, "seconds: a blank");
		TAP_U64(ms, 86400000, "seconds: a failed parse leaves the output alone");
	}

	TAP_STR(units_iec(303755101056ULL, buf, sizeof(buf)), "282.89 GiB", "the seed array in IEC");
	TAP_STR(units_iec(1023, buf, sizeof(buf)), "1023 B", "bytes below 1 KiB");
	TAP_STR(units_iec(1024, buf, sizeof(buf)), "1.00 KiB", "1 KiB");
	TAP_STR(units_iec(1048575, buf, sizeof(buf)), "1.00 MiB", "1023.999 KiB rounds up to 1.00 MiB");
	TAP_STR(units_iec(UINT64_MAX, buf, sizeof(buf)), "16.00 EiB", "2^64 - 1");
	TAP_STR(units_iec_kb(24684092, buf, sizeof(buf)), "23.54 GiB", "kB input");
	TAP_STR(units_iec_kb(UINT64_MAX, buf, sizeof(buf)), "16.00 ZiB", "2^64 KiB is 16 ZiB, not saturated");
	TAP_STR(units_iec_kb(UINT64_C(737869762948135220), buf, sizeof(buf)), "655.36 EiB",
		"the ratio -1 CommitLimit of the reference in IEC");
	TAP_STR(units_iec_skb(-1572864, buf, sizeof(buf)), "-1.50 GiB", "negative kB");
	TAP_STR(units_iec_skb(INT64_MIN, buf, sizeof(buf)), "-8.00 ZiB", "INT64_MIN kB");
}
