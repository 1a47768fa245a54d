/* SPDX-License-Identifier: MIT */
/* journal.c - render, parse and decide an interrupted change (see journal.h). No I/O. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

static const char *const persist_word[] = { "none", "write", "remove" };

int journal_render(const struct journal *j, char *buf, size_t size)
{
	size_t o, i;
	int n;

	if (strchr(j->proc, '\n') || j->len > JOURNAL_TEXT_MAX || (unsigned)j->persist > 2)
		return -1;
	n = snprintf(buf, size,
		     "ovc-journal 1\npid %ld\nproc %s\n"
		     "before %d %" PRId64 " %" PRIu64 "\nafter %d %" PRId64 " %" PRIu64 "\n"
		     "persist %s\ntext %zu ",
		     j->pid, j->proc, j->before.mode, j->before.ratio, j->before.kbytes,
		     j->after.mode, j->after.ratio, j->after.kbytes, persist_word[j->persist],
		     j->len);
	if (n < 0 || (size_t)n >= size)
		return -1;
	o = (size_t)n;
	if (o + j->len * 2 + 2 > size)
		return -1;
	for (i = 0; i < j->len; i++)
		o += (size_t)snprintf(buf + o, size - o, "%02x", (unsigned char)j->text[i]);
	buf[o++] = '\n';
	buf[o] = '\0';
	return (int)o;
}

/* The next line of [*p, end) into line (NUL-terminated); false at the end. */
static bool next_line(const char **p, const char *end, char *line, size_t size)
{
	const char *nl;
	size_t n;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl)
		return false;   /* a journal always ends in a newline: a torn one is refused */
	n = (size_t)(nl - *p);
	if (n >= size)
		return false;
	memcpy(line, *p, n);
	line[n] = '\0';
	*p = nl + 1;
	return true;
}

static int policy(const char *s, struct model_policy *p)
{
	char *e;
	long m = strtol(s, &e, 10);

	if (e == s || *e != ' ' || m < 0 || m > 2)
		return -1;
	p->mode = (int)m;
	s = e + 1;
	p->ratio = strtoll(s, &e, 10);
	if (e == s || *e != ' ')
		return -1;
	s = e + 1;
	if (*s == '-')
		return -1;
	p->kbytes = strtoull(s, &e, 10);
	return e == s || *e ? -1 : 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int journal_parse(const char *text, size_t len, struct journal *j)
{
	const char *p = text, *end = text + len;
	char line[JOURNAL_MAX];
	char *e;
	size_t i, n;

	memset(j, 0, sizeof(*j));
	if (!next_line(&p, end, line, sizeof(line)) || strcmp(line, "ovc-journal 1"))
		return -1;
	if (!next_line(&p, end, line, sizeof(line)) || strncmp(line, "pid ", 4))
		return -1;
	j->pid = strtol(line + 4, &e, 10);
	if (*e)
		return -1;
	if (!next_line(&p, end, line, sizeof(line)) || strncmp(line, "proc ", 5) ||
	    strlen(line + 5) >= sizeof(j->proc))
		return -1;
	memcpy(j->proc, line + 5, strlen(line + 5) + 1);
	if (!next_line(&p, end, line, sizeof(line)) || strncmp(line, "before ", 7) ||
	    policy(line + 7, &j->before) < 0)
		return -1;
	if (!next_line(&p, end, line, sizeof(line)) || strncmp(line, "after ", 6) ||
	    policy(line + 6, &j->after) < 0)
		return -1;
	if (!next_line(&p, end, line, sizeof(line)) || strncmp(line, "persist ", 8))
		return -1;
	for (i = 0; i < 3 && strcmp(line + 8, persist_word[i]); i++)
		;
	if (i == 3)
		return -1;
	j->persist = (enum journal_persist)i;
	if (!next_line(&p, end, line, sizeof(line)) || strncmp(line, "text ", 5))
		return -1;
	n = strtoul(line + 5, &e, 10);
	if (*e != ' ' || n > JOURNAL_TEXT_MAX || strlen(e + 1) != n * 2)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = hexval(e[1 + 2 * i]), lo = hexval(e[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			return -1;
		j->text[i] = (char)(hi * 16 + lo);
	}
	j->len = n;
	return p == end ? 0 : -1;
}

const struct model_policy *journal_target(const struct journal *j, const char *dropin,
					  size_t dlen, const struct model_policy *now,
					  bool *committed)
{
	switch (j->persist) {
	case JOURNAL_WRITE:
		*committed = dropin && dlen == j->len && !memcmp(dropin, j->text, dlen);
		break;
	case JOURNAL_REMOVE:
		*committed = dropin == NULL;
		break;
	case JOURNAL_NONE:
		*committed = now->mode == j->after.mode && now->ratio == j->after.ratio &&
			     now->kbytes == j->after.kbytes;
		break;
	}
	return *committed ? &j->after : &j->before;
}
