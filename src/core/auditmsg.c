/* SPDX-License-Identifier: MIT */
/* auditmsg.c - builds the audit record text in memory; never does I/O. */
#include <string.h>

#include "auditmsg.h"

struct out {
	char *buf;
	size_t len, pos;   /* pos counts every byte asked for, even past len */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->pos < o->len) {
		size_t room = o->len - o->pos;

		memcpy(o->buf + o->pos, s, n < room ? n : room);
	}
	o->pos += n;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* The kernel's audit_string_contains_control(), plus the single quote that ends msg='. */
static bool needs_hex(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p == '"' || *p == '\'' || *p < 0x21 || *p > 0x7e)
			return true;
	return false;
}

static bool is_token(const char *s)
{
	const char *p;

	if (!*s)
		return false;
	for (p = s; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == ':' || c == '-'))
			return false;
	}
	return p[-1] != ':';   /* auparse strips a trailing ':' from a value */
}

static bool is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* "value", or upper-case hex of its bytes (audit_log_n_hex), unquoted. */
static void put_encoded(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (!needs_hex(s)) {
		put(o, "\"", 1);
		put_str(o, s);
		put(o, "\"", 1);
		return;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		char h[2] = { hex[*p >> 4], hex[*p & 0x0f] };

		put(o, h, 2);
	}
}

static void put_field(struct out *o, const char *name, const char *value, bool bare,
		      const char *if_null)
{
	if (o->pos)
		put(o, " ", 1);
	put_str(o, name);
	put(o, "=", 1);
	if (!value)
		put_str(o, if_null);
	else if (bare)
		put_str(o, value);
	else
		put_encoded(o, value);
}

int auditmsg_format(char *buf, size_t len, const char *op, const char *key,
		    const char *old_value, const char *new_value, bool success)
{
	struct out o = { buf, len, 0 };

	if (key && strchr(key, OVC_AUDIT_KEY_SEPARATOR))
		goto fail;
	put_field(&o, "op", op, op && is_token(op), "?");
	put_field(&o, "key", key, false, "(null)");
	put_field(&o, "old", old_value, old_value && is_integer(old_value), "?");
	put_field(&o, "new", new_value, new_value && is_integer(new_value), "?");
	put_field(&o, "res", success ? "success" : "failed", true, "?");
	if (o.pos >= len || o.pos > OVC_AUDIT_TEXT_MAX)
		goto fail;
	buf[o.pos] = '\0';
	return 0;
fail:
	if (len)
		buf[0] = '\0';
	return -1;
}
