/* SPDX-License-Identifier: MIT */
/* mountinfo.c - one /proc/PID/mountinfo line split into its fields (show_mountinfo). */
#include <stdint.h>

#include "mountinfo.h"

/* The next space-separated field of [*p, end), runs of spaces skipped: false at the end. */
static bool field(const char **p, const char *end, struct mi_str *f)
{
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return false;
	f->s = s;
	while (s < end && *s != ' ')
		s++;
	f->n = (size_t)(s - f->s);
	*p = s;
	return true;
}

/* The bytes of [*p, end) up to the next space (possibly none); *p left on that space. */
static struct mi_str upto_space(const char **p, const char *end)
{
	struct mi_str f = { *p, 0 };

	while (*p < end && **p != ' ')
		(*p)++;
	f.n = (size_t)(*p - f.s);
	return f;
}

/* One decimal number of 32 bits at [*p, end): the "%u" of show_mountinfo's MAJ:MIN. */
static bool dec32(const char **p, const char *end, unsigned *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*p = s;
	*out = (unsigned)v;
	return true;
}

static bool is(struct mi_str f, char c)
{
	return f.n == 1 && f.s[0] == c;
}

bool mountinfo_parse(const char *line, size_t len, struct mountinfo *m)
{
	const char *p = line, *end = line + len, *q, *qe;
	struct mi_str f[6], x;
	int i;

	/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
	for (i = 0; i < 6; i++)
		if (!field(&p, end, &f[i]))
			return false;
	q = f[2].s;
	qe = f[2].s + f[2].n;
	if (!dec32(&q, qe, &m->major) || q >= qe || *q++ != ':' || !dec32(&q, qe, &m->minor) ||
	    q != qe)
		return false;
	m->root = f[3];
	m->mountpoint = f[4];
	m->options = f[5];
	/* the tagged fields up to the "-" one (seq_puts(m, " - ")) */
	m->optional.s = p;
	m->optional.n = 0;
	for (;;) {
		if (!field(&p, end, &x))
			return false;
		if (is(x, '-'))
			break;
		if (!m->optional.n)
			m->optional.s = x.s;
		m->optional.n = (size_t)(x.s + x.n - m->optional.s);
	}
	/* show_type(), ' ', the source (mangle(mnt_devname), "" for a "" device), " rw"/" ro" */
	if (!field(&p, end, &m->fstype) || p >= end)
		return false;
	p++;
	m->source = upto_space(&p, end);
	if (p >= end)
		return false;
	p++;
	m->super_opts = upto_space(&p, end);
	return m->super_opts.n > 0;
}

/* The byte at f.s[i] unescaped into *c; how many bytes of f it took (1 or 4). */
static size_t decode(struct mi_str f, size_t i, char *c)
{
	const char *s = f.s + i;

	if (s[0] == '\\' && f.n - i >= 4 && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
	    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
		*c = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
		return 4;
	}
	*c = s[0];
	return 1;
}

bool mountinfo_unescape(struct mi_str f, char *out, size_t cap)
{
	size_t i = 0, o = 0;
	bool whole = true;

	if (!cap)
		return false;
	while (i < f.n) {
		char c;

		if (o + 1 >= cap) {
			whole = false;
			break;
		}
		i += decode(f, i, &c);
		whole &= c != '\0';
		out[o++] = c;
	}
	out[o] = '\0';
	return whole;
}

bool mountinfo_field_is(struct mi_str f, const char *s)
{
	size_t i = 0;

	while (i < f.n) {
		char c;

		i += decode(f, i, &c);
		if (!*s || *s != c)
			return false;
		s++;
	}
	return !*s;
}
