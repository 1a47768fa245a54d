/* SPDX-License-Identifier: MIT */
/*
 * test_audit.c - the audit record's text (core/auditmsg) and its netlink framing
 * (sys/audit's audit_build, socket-free), byte for byte.
 */
#include <linux/audit.h>
#include <linux/netlink.h>

#include "../../src/core/auditmsg.h"
#include "../../src/sys/audit.h"
#include "tap.h"

static char out[OVC_AUDIT_TEXT_MAX + 64];

/* The text for (op, key, old, new, success), or "(-1)" when auditmsg_format refuses. */
static const char *fmt(const char *op, const char *key, const char *old_value,
		       const char *new_value, bool success)
{
	if (auditmsg_format(out, sizeof(out), op, key, old_value, new_value, success) < 0)
		return "(-1)";
	return out;
}

static unsigned count(const char *s, const char *needle)
{
	unsigned n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

static void test_text(void)
{
	static char big[OVC_AUDIT_TEXT_MAX + 1];
	char small[64];
	size_t need, keylen;

	TAP_STR(fmt("set", "vm.overcommit_ratio", "50", "80", true),
		"op=set key=\"vm.overcommit_ratio\" old=50 new=80 res=success",
		"audit text: plain record, key quoted, integers bare");
	TAP_STR(fmt("rollback", "vm.overcommit_memory", "2", "0", false),
		"op=rollback key=\"vm.overcommit_memory\" old=2 new=0 res=failed",
		"audit text: res=failed");
	TAP_STR(fmt("set", "vm.overcommit_kbytes", "-1", "18446744073709551615", true),
		"op=set key=\"vm.overcommit_kbytes\" old=-1 new=18446744073709551615 res=success",
		"audit text: a negative and a 20-digit integer stay bare");
	TAP_STR(fmt("PAM:set-x_1.2", "k", "0", "1", true),
		"op=PAM:set-x_1.2 key=\"k\" old=0 new=1 res=success",
		"audit text: op token with : - _ . stays bare");

	/* Untrusted text: hex (upper case, unquoted) as the kernel's audit_log_n_hex. */
	TAP_STR(fmt("set", "vm x", "1", "2", true),
		"op=set key=766D2078 old=1 new=2 res=success", "audit text: key with a space is hex");
	TAP_STR(fmt("set", "a\"b", "1", "2", true),
		"op=set key=612262 old=1 new=2 res=success", "audit text: key with '\"' is hex");
	TAP_STR(fmt("set", "a'b", "1", "2", true),
		"op=set key=612762 old=1 new=2 res=success",
		"audit text: key with a single quote (ends the kernel's msg='...') is hex");
	TAP_STR(fmt("set", "a\nb\tc\x7f", "1", "2", true),
		"op=set key=610A6209637F old=1 new=2 res=success",
		"audit text: control bytes and DEL are hex");
	TAP_STR(fmt("set", "caf\xc3\xa9", "1", "2", true),
		"op=set key=636166C3A9 old=1 new=2 res=success",
		"audit text: bytes above 0x7e (UTF-8) are hex");
	TAP_STR(fmt("set", "vm.overcommit_ratio", "50", "80 res=success", false),
		"op=set key=\"vm.overcommit_ratio\" old=50 new=3830207265733D73756363657373 "
		"res=failed",
		"audit text: a value cannot inject a field (it becomes hex)");
	TAP_U64(count(out, "res="), 1, "audit text: ... so res= appears once");
	TAP_STR(fmt("set", "k", "1' x='2", "1", true),
		"op=set key=\"k\" old=312720783D2732 new=1 res=success",
		"audit text: a value cannot close msg='...'");
	TAP_STR(fmt("set x=1", "k", "1", "2", true),
		"op=73657420783D31 key=\"k\" old=1 new=2 res=success",
		"audit text: an op with a space is hex");

	/* Values that are not integers, empty and NULL. */
	TAP_STR(fmt("set", "k", "abc", "1.5", true),
		"op=set key=\"k\" old=\"abc\" new=\"1.5\" res=success",
		"audit text: printable non-integers are quoted");
	TAP_STR(fmt("set", "k", "+5", "-", true),
		"op=set key=\"k\" old=\"+5\" new=\"-\" res=success",
		"audit text: '+5' and '-' are not bare integers");
	TAP_STR(fmt("", "", "", "", true), "op=\"\" key=\"\" old=\"\" new=\"\" res=success",
		"audit text: empty strings are \"\" (auparse drops an empty value)");
	TAP_STR(fmt("set:", "k", "1", "2", true), "op=\"set:\" key=\"k\" old=1 new=2 res=success",
		"audit text: an op ending in ':' (auparse strips it) is quoted");
	TAP_STR(fmt(NULL, NULL, NULL, NULL, false), "op=? key=(null) old=? new=? res=failed",
		"audit text: NULL is ?, and key=(null) as the kernel writes no key");
	TAP_STR(fmt("set", "a\x01" "b", "1", "2", true), "(-1)",
		"audit text: a key with auparse's key separator 0x01 is refused");

	/* Sizes. */
	need = strlen("op=set key=\"k\" old=1 new=2 res=success") + 1;
	TAP_I64(auditmsg_format(small, need, "set", "k", "1", "2", true), 0,
		"audit text: fits in exactly strlen + 1 bytes");
	TAP_STR(small, "op=set key=\"k\" old=1 new=2 res=success", "audit text: ... whole");
	TAP_I64(auditmsg_format(small, need - 1, "set", "k", "1", "2", true), -1,
		"audit text: one byte short is -1");
	TAP_STR(small, "", "audit text: ... and leaves \"\"");
	TAP_I64(auditmsg_format(small, 0, "set", "k", "1", "2", true), -1,
		"audit text: a zero-length buffer is -1");
	TAP_I64(auditmsg_format(small, sizeof(small), "set", "vm x", "1", "2", true), 0,
		"audit text: hex that fits");
	TAP_I64(auditmsg_format(small, 20, "set", "vm.overcommit_ratio x", "1", "2", true), -1,
		"audit text: hex that does not fit is -1");
	keylen = OVC_AUDIT_TEXT_MAX - strlen("op=set key=\"\" old=1 new=2 res=success");
	memset(big, 'a', keylen + 1);
	big[keylen] = '\0';
	TAP_I64(auditmsg_format(out, sizeof(out), "set", big, "1", "2", true), 0,
		"audit text: exactly OVC_AUDIT_TEXT_MAX (8560) bytes is accepted");
	TAP_U64(strlen(out), OVC_AUDIT_TEXT_MAX, "audit text: ... and is 8560 bytes long");
	big[keylen] = 'a';   /* one more byte */
	TAP_I64(auditmsg_format(out, sizeof(out), "set", big, "1", "2", true), -1,
		"audit text: 8561 bytes is -1 (the kernel would cut res= off)");
}

static void test_build(void)
{
	static const char text[] = "op=set key=\"k\" old=1 new=2 res=success"; /* 38 + NUL */
	unsigned char buf[256] __attribute__((aligned(4)));
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	size_t n, i;
	bool pad_zero = true, tail_kept = true;

	TAP_U64(OVC_AUDIT_USYS_CONFIG, 1111, "AUDIT_USYS_CONFIG is 1111 (audit-userspace)");
	TAP_OK(OVC_AUDIT_USYS_CONFIG >= AUDIT_FIRST_USER_MSG &&
	       OVC_AUDIT_USYS_CONFIG <= AUDIT_LAST_USER_MSG,
	       "1111 is a user message type (kernel checks CAP_AUDIT_WRITE)");
	TAP_U64(OVC_AUDIT_TEXT_MAX, AUDIT_MESSAGE_TEXT_MAX, "OVC_AUDIT_TEXT_MAX == uapi's");

	memset(buf, 0xa5, sizeof(buf));
	n = audit_build(buf, sizeof(buf), OVC_AUDIT_USYS_CONFIG, 0x01020304, text);
	TAP_U64(n, 16 + 40, "audit_build: header 16 + text 39 padded to 40");
	TAP_U64(nlh->nlmsg_len, n, "audit_build: nlmsg_len == returned length");
	TAP_U64(nlh->nlmsg_type, 1111, "audit_build: nlmsg_type");
	TAP_U64(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK, "audit_build: NLM_F_REQUEST|NLM_F_ACK");
	TAP_U64(nlh->nlmsg_seq, 0x01020304, "audit_build: nlmsg_seq");
	TAP_U64(nlh->nlmsg_pid, 0, "audit_build: nlmsg_pid 0 (the kernel fills the port)");
	TAP_OK(memcmp(buf + 16, text, sizeof(text)) == 0, "audit_build: payload is the text and its NUL");
	for (i = 16 + sizeof(text); i < n; i++)
		pad_zero = pad_zero && buf[i] == 0;
	TAP_OK(pad_zero, "audit_build: padding is zero");
	for (i = n; i < sizeof(buf); i++)
		tail_kept = tail_kept && buf[i] == 0xa5;
	TAP_OK(tail_kept, "audit_build: nothing written past the message");
	TAP_U64(n % NLMSG_ALIGNTO, 0, "audit_build: length is 4-byte aligned");
	TAP_U64(NLMSG_PAYLOAD(nlh, 0), 40, "audit_build: NLMSG_PAYLOAD (kernel's data_len) 40");

	TAP_U64(audit_build(buf, sizeof(buf), 1111, 1, "abc"), 20,
		"audit_build: 'abc' + NUL is exactly 4, no padding");
	TAP_U64(audit_build(buf, 56, 1111, 1, text), 56, "audit_build: fits in exactly 56 bytes");
	memset(buf, 0xa5, sizeof(buf));
	TAP_U64(audit_build(buf, 55, 1111, 1, text), 0, "audit_build: 55 bytes is too small: 0");
	TAP_U64(buf[0], 0xa5, "audit_build: ... and writes nothing");
	{
		static char big[OVC_AUDIT_TEXT_MAX + 2];
		static unsigned char room[OVC_AUDIT_TEXT_MAX + 64] __attribute__((aligned(4)));

		memset(big, 'a', OVC_AUDIT_TEXT_MAX);
		TAP_U64(audit_build(room, sizeof(room), 1111, 1, big), 16 + OVC_AUDIT_TEXT_MAX + 4,
			"audit_build: an 8560-byte text is framed");
		big[OVC_AUDIT_TEXT_MAX] = 'a';
		TAP_U64(audit_build(room, sizeof(room), 1111, 1, big), 0,
			"audit_build: 8561 bytes (the kernel would cut it) is 0");
	}
}

void test_audit(void)
{
	test_text();
	test_build();
}
