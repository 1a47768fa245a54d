/* SPDX-License-Identifier: MIT */
/* smaps.c - /proc/PID/smaps as a stream of mappings with their commit flags; pure. */
#include <string.h>

#include "smaps.h"

void smaps_init(struct smaps_parser *p, smaps_vma_fn fn, void *arg)
{
	memset(p, 0, sizeof(*p));
	p->fn = fn;
	p->arg = arg;
}

static bool hexval(const char **s, const char *end, uint64_t *out)
{
	const char *q = *s;
	uint64_t v = 0;
	int n = 0;

	for (; q < end; q++, n++) {
		int d;

		if (*q >= '0' && *q <= '9')
			d = *q - '0';
		else if (*q >= 'a' && *q <= 'f')
			d = *q - 'a' + 10;
		else
			break;
		if (n >= 16)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	if (!n)
		return false;
	*s = q;
	*out = v;
	return true;
}

static bool decval(const char **s, const char *end, uint64_t *out)
{
	const char *q = *s;
	uint64_t v = 0;

	if (q >= end || *q < '0' || *q > '9')
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	*s = q;
	*out = v;
	return true;
}

static void flush(struct smaps_parser *p)
{
	if (p->in_vma) {
		p->vmas++;
		p->fn(p->arg, &p->cur);
	}
	p->in_vma = false;
}

/*
 * "start-end perms offset major:minor inode   path" (show_map_vma, fs/proc/task_mmu.c:
 * "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", then the path after padding)
 */
static bool header(struct smaps_parser *p, const char *s, const char *end)
{
	struct smaps_vma v;
	uint64_t maj, min;

	memset(&v, 0, sizeof(v));
	if (!hexval(&s, end, &v.start) || s >= end || *s++ != '-' || !hexval(&s, end, &v.end) ||
	    v.end < v.start || end - s < 6 || *s++ != ' ')
		return false;
	v.write = s[1] == 'w';
	v.shared = s[3] == 's';
	s += 4;
	if (s >= end || *s++ != ' ' || !hexval(&s, end, &v.pgoff) || s >= end || *s++ != ' ' ||
	    !hexval(&s, end, &maj) || s >= end || *s++ != ':' || !hexval(&s, end, &min) ||
	    s >= end || *s++ != ' ' || !decval(&s, end, &v.inode))
		return false;
	v.dev_major = (unsigned)maj;
	v.dev_minor = (unsigned)min;
	while (s < end && *s == ' ')
		s++;
	if (s < end) {
		size_t n = (size_t)(end - s);

		if (n >= sizeof(v.path))
			n = sizeof(v.path) - 1;
		memcpy(v.path, s, n);
		v.path[n] = '\0';
	}
	flush(p);
	p->cur = v;
	p->in_vma = true;
	return true;
}

static void vmflags(struct smaps_parser *p, const char *s, const char *end)
{
	struct smaps_vma *v = &p->cur;

	v->flags_seen = true;
	while (s < end) {
		while (s < end && *s == ' ')
			s++;
		if (end - s >= 2 && (end - s == 2 || s[2] == ' ')) {
			if (s[0] == 'a' && s[1] == 'c')
				v->ac = true;
			else if (s[0] == 'd' && s[1] == 'c')
				v->dc = true;
			else if (s[0] == 'n' && s[1] == 'r')
				v->nr = true;
			else if (s[0] == 's' && s[1] == 'h')
				v->sh = true;
			else if (s[0] == 'h' && s[1] == 't')
				v->ht = true;
		}
		while (s < end && *s != ' ')
			s++;
	}
}

static bool kb_field(const char *s, const char *end, const char *key, uint64_t *out)
{
	size_t n = strlen(key);

	if ((size_t)(end - s) <= n || memcmp(s, key, n))
		return false;
	s += n;
	while (s < end && *s == ' ')
		s++;
	return decval(&s, end, out);
}

static void line(struct smaps_parser *p, const char *s, size_t n)
{
	const char *end = s + n;

	if (!n)
		return;
	/* header lines begin with a lower-case hex address; fields with a capital */
	if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')) {
		if (!header(p, s, end))
			p->bad++;
		return;
	}
	if (!p->in_vma)
		return;
	if (n > 8 && !memcmp(s, "VmFlags:", 8)) {
		vmflags(p, s + 8, end);
		flush(p);   /* the last field of a mapping */
	} else if (*s == 'R') {
		kb_field(s, end, "Rss:", &p->cur.rss_kb);
	} else if (*s == 'S') {
		kb_field(s, end, "Swap:", &p->cur.swap_kb);
	}
}

void smaps_feed(struct smaps_parser *p, const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s), room = sizeof(p->line) - p->len;

		if (!p->len && nl && !p->overlong) {
			line(p, s, n);   /* a whole line in the buffer: no copy */
		} else {
			if (n > room) {
				n = room;
				p->overlong = true;
			}
			memcpy(p->line + p->len, s, n);
			p->len += n;
			if (nl) {
				line(p, p->line, p->len);
				p->len = 0;
				p->overlong = false;
			}
		}
		if (!nl)
			break;
		s = nl + 1;
	}
}

void smaps_end(struct smaps_parser *p)
{
	if (p->len) {
		line(p, p->line, p->len);
		p->len = 0;
	}
	flush(p);
}

uint64_t smaps_commit_kb(const struct smaps_vma *v)
{
	return v->ac ? (v->end - v->start) >> 10 : 0;
}

/* dup_mmap (kernel/fork.c, 6.1): VM_DONTCOPY areas are skipped, each VM_ACCOUNT one is
 * charged in full (security_vm_enough_memory_mm per area) */
uint64_t smaps_fork_kb(const struct smaps_vma *v)
{
	return v->ac && !v->dc ? (v->end - v->start) >> 10 : 0;
}
