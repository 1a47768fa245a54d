/* SPDX-License-Identifier: MIT */
/* test_escape.c - control characters in text from outside made visible (core/escape). */
#include "../../src/core/escape.h"
#include "tap.h"

static const char *esc(const char *s)
{
	static char buf[256];

	escape_text(s, buf, sizeof(buf));
	return buf;
}

void test_escape_text(void)
{
	char small[8];

	TAP_STR(esc("plain text: 64G, /etc/sysctl.d/99-x.conf"), "plain text: 64G, /etc/sysctl.d/99-x.conf",
		"printable ASCII is copied");
	TAP_STR(esc("a\033[31mred\033[0m"), "a\\x1b[31mred\\x1b[0m", "ESC and a CSI sequence");
	TAP_STR(esc("bel\a cr\r nl\n tab\t"), "bel\\x07 cr\\r nl\\n tab\\t", "BEL, CR, LF, TAB");
	TAP_STR(esc("back\\slash"), "back\\\\slash", "a backslash is doubled: every escape reads one way");
	TAP_STR(esc("del\x7f"), "del\\x7f", "DEL");
	TAP_STR(esc("\x01\x1f"), "\\x01\\x1f", "the C0 range's ends");
	TAP_STR(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		"well-formed UTF-8 (2, 3 and 4 bytes) is copied");
	TAP_STR(esc("\xc2\x9b" "2J"), "\\xc2\\x9b2J", "a UTF-8 encoded C1 control (U+009B CSI)");
	TAP_STR(esc("\xc2\xa0"), "\xc2\xa0", "U+00A0, just above C1, is copied");
	TAP_STR(esc("\x9b" "2J"), "\\x9b2J", "a raw 8-bit C1 byte (not UTF-8)");
	TAP_STR(esc("\xe9t\xe9"), "\\xe9t\\xe9", "Latin-1 bytes are not UTF-8");
	TAP_STR(esc("\xc0\xaf"), "\\xc0\\xaf", "an overlong form");
	TAP_STR(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80", "a UTF-16 surrogate");
	TAP_STR(esc("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80", "above U+10FFFF");
	TAP_STR(esc("\xe2\x82"), "\\xe2\\x82", "a sequence cut by the end");
	TAP_STR(esc("\xe2\x80\xae" "evil"), "\\xe2\\x80\\xaeevil", "U+202E RIGHT-TO-LEFT OVERRIDE");
	TAP_STR(esc("\xe2\x81\xa6" "x"), "\\xe2\\x81\\xa6x", "U+2066 LEFT-TO-RIGHT ISOLATE");
	TAP_U64(escape_text("\033\033", small, sizeof(small)), 8, "the length needed, as snprintf");
	TAP_STR(small, "\\x1b", "an escape is never cut");
	TAP_U64(escape_text("abc", small, 0), 3, "len 0: only the length");
	TAP_U64(escape_needed("ok /etc/x"), 0, "escape_needed: plain text");
	TAP_U64(escape_needed("a\\b"), 1, "escape_needed: a backslash");
	TAP_U64(escape_needed("\xc2\x85"), 1, "escape_needed: U+0085 NEL");
	TAP_U64(escape_needed("\xc3\xa9"), 0, "escape_needed: well-formed UTF-8");
}
