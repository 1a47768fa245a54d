/* SPDX-License-Identifier: MIT */
/* kmsg.c - /dev/kmsg records and dmesg lines, and the kernel messages ovc explains; pure. */
#include <stdlib.h>
#include <string.h>

#include "kmsg.h"

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal at *p (below end), at most 2^64 - 1; *p moves past it. */
static bool dec(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || !digit(*s))
		return false;
	for (; s < end && digit(*s); s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*out = v;
	return true;
}

/* "[   12.345678]" at *p: seconds and microseconds (dmesg prints six digits) */
static bool bracket_ts(const char **p, const char *end, uint64_t *usec)
{
	const char *s = *p;
	uint64_t sec, frac = 0, scale = 1000000;

	if (s >= end || *s != '[')
		return false;
	for (s++; s < end && *s == ' '; s++)
		;
	if (!dec(&s, end, &sec))
		return false;
	if (s < end && *s == '.') {
		for (s++; s < end && digit(*s); s++) {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*s - '0') * scale;
			}
		}
	}
	if (s >= end || *s != ']' || sec > UINT64_MAX / 1000000 - 1)
		return false;
	*usec = sec * 1000000 + frac;
	*p = s + 1;
	if (*p < end && **p == ' ')
		(*p)++;
	return true;
}

int kmsg_parse_line(const char *line, size_t len, struct kmsg_record *r)
{
	const char *p = line, *end = line + len;
	uint64_t prio, flags_end;

	memset(r, 0, sizeof(*r));
	r->prio = -1;
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (p == end)
		return 1;
	if (*p == ' ')
		return 1;   /* a continuation line: " SUBSYSTEM=...", " DEVICE=..." */
	if (*p == '<') {   /* dmesg --raw: "<4>[   12.345678] text" */
		p++;
		if (!dec(&p, end, &prio) || p >= end || *p != '>' || prio > 1023)
			return -1;
		p++;
		r->prio = (int)prio;
	}
	if (p < end && *p == '[') {
		if (!bracket_ts(&p, end, &r->ts_usec))
			return -1;
		r->has_ts = true;
		r->text = p;
		r->text_len = (size_t)(end - p);
		return 0;
	}
	if (r->prio >= 0)
		return -1;
	/* /dev/kmsg: "PRIO,SEQ,TS_USEC,FLAGS[,MORE...];TEXT" */
	if (!dec(&p, end, &prio) || prio > 1023 || p >= end || *p++ != ',' ||
	    !dec(&p, end, &r->seq) || p >= end || *p++ != ',' ||
	    !dec(&p, end, &r->ts_usec) || p >= end || *p++ != ',')
		return -1;
	for (flags_end = 0; p < end && *p != ';'; p++)
		flags_end++;
	if (p >= end)
		return -1;
	r->prio = (int)prio;
	r->has_seq = r->has_ts = true;
	r->text = p + 1;
	r->text_len = (size_t)(end - p - 1);
	return 0;
}

/* Does text start with s? Then *q points past it. */
static bool starts(const char *t, const char *end, const char *s, const char **q)
{
	size_t n = strlen(s);

	if ((size_t)(end - t) < n || memcmp(t, s, n))
		return false;
	if (q)
		*q = t + n;
	return true;
}

/* The first occurrence of s in [t, end), or NULL. */
static const char *find(const char *t, const char *end, const char *s)
{
	size_t n = strlen(s);

	for (; (size_t)(end - t) >= n; t++)
		if (!memcmp(t, s, n))
			return t;
	return NULL;
}

static void copy(char *dst, size_t cap, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "key=value" in a comma-separated list: the value up to the next ",", into dst. */
static bool field(const char *t, const char *end, const char *key, char *dst, size_t cap)
{
	const char *s = t, *v, *e;
	size_t kl = strlen(key);

	while ((s = find(s, end, key)) != NULL) {
		if ((s == t || s[-1] == ',' || s[-1] == ':') && s + kl < end && s[kl] == '=') {
			v = s + kl + 1;
			e = memchr(v, ',', (size_t)(end - v));
			copy(dst, cap, v, e ? e : end);
			return true;
		}
		s += kl;
	}
	return false;
}

static bool field_u64(const char *t, const char *end, const char *key, uint64_t *out)
{
	char buf[32];
	const char *p = buf;

	if (!field(t, end, key, buf, sizeof(buf)))
		return false;
	return dec(&p, buf + strlen(buf), out) && *p == '\0';
}

/* " total-vm:123kB, anon-rss:45kB, ..." after a kill */
static void kill_sizes(const char *t, const char *end, struct kmsg_event *ev)
{
	const char *p;

	if ((p = find(t, end, "total-vm:")) != NULL) {
		p += 9;
		dec(&p, end, &ev->total_vm_kb);
	}
	if ((p = find(t, end, "anon-rss:")) != NULL) {
		p += 9;
		dec(&p, end, &ev->anon_rss_kb);
	}
}

/*
 * "Killed process %d (%s) total-vm:..." (mm/oom_kill.c __oom_kill_process). comm may hold
 * ") ", so it ends at the last ")" before " total-vm:" (or at the end of the line).
 */
static bool killed(const char *t, const char *end, struct kmsg_event *ev)
{
	const char *p = find(t, end, "Killed process "), *c, *ce, *tv;
	uint64_t pid;

	if (!p)
		return false;
	p += 15;
	if (!dec(&p, end, &pid) || end - p < 3 || p[0] != ' ' || p[1] != '(')
		return false;
	c = p + 2;
	tv = find(c, end, " total-vm:");
	for (ce = tv ? tv : end; ce > c && ce[-1] != ')'; ce--)
		;
	if (ce <= c)
		return false;
	ev->pid = (int64_t)pid;
	copy(ev->comm, sizeof(ev->comm), c, ce - 1);
	kill_sizes(ce, end, ev);
	return true;
}

void kmsg_classify(const char *text, size_t len, struct kmsg_event *ev)
{
	const char *end = text + len, *p, *c, *ce;
	uint64_t v;

	memset(ev, 0, sizeof(*ev));
	ev->pid = -1;
	/*
	 * mm/util.c __vm_enough_memory(): "%s: pid: %d, comm: %s, bytes: %lu not enough
	 * memory for the allocation" (6.9+; 6.3 to 6.8 without "bytes: %lu", 6.1 and 6.2
	 * with "no enough"; nothing before 6.1); its rate limit (10 in 5 s) reports "%s: %d
	 * callbacks suppressed" (lib/ratelimit.c ___ratelimit) before the next one printed.
	 */
	if (starts(text, end, "__vm_enough_memory: ", &p)) {
		if (dec(&p, end, &v) && starts(p, end, " callbacks suppressed", NULL)) {
			ev->kind = KMSG_SUPPRESSED;
			ev->count = v;
			return;
		}
		if (!starts(p, end, "pid: ", &p) || !dec(&p, end, &v) ||
		    !starts(p, end, ", comm: ", &c))
			return;
		ev->pid = (int64_t)v;
		if ((ce = find(c, end, ", bytes: ")) != NULL) {
			p = ce + 9;
			if (!dec(&p, end, &ev->bytes))
				return;
			ev->has_bytes = true;
		} else if ((ce = find(c, end, ", not enough memory")) == NULL &&
			   (ce = find(c, end, ", no enough memory")) == NULL) {
			return;
		}
		/* 6.1 printed "no enough" (44b414c8715c), 6.3 fixed the word, 6.9 added bytes */
		if (!find(c, end, "not enough memory for the allocation") &&
		    !find(c, end, "no enough memory for the allocation"))
			return;
		copy(ev->comm, sizeof(ev->comm), c, ce);
		ev->kind = KMSG_COMMIT_REFUSED;
		return;
	}
	/* mm/oom_kill.c dump_oom_summary(): "oom-kill:constraint=%s,nodemask=%*pbl,..." */
	if (starts(text, end, "oom-kill:", &p)) {
		ev->kind = KMSG_OOM_SUMMARY;
		field(p, end, "constraint", ev->constraint, sizeof(ev->constraint));
		field(p, end, "oom_memcg", ev->oom_memcg, sizeof(ev->oom_memcg));
		field(p, end, "task_memcg", ev->task_memcg, sizeof(ev->task_memcg));
		field(p, end, "task", ev->comm, sizeof(ev->comm));
		if (field_u64(p, end, "pid", &v))
			ev->pid = (int64_t)v;
		return;
	}
	if (starts(text, end, "Memory cgroup out of memory: ", &p) && killed(p, end, ev)) {
		ev->kind = KMSG_CGROUP_OOM_KILL;
		return;
	}
	if ((starts(text, end, "Out of memory", &p) || starts(text, end, "Killed process", NULL)) &&
	    killed(text, end, ev)) {
		ev->kind = KMSG_OOM_KILL;
		return;
	}
	/* mm/mmap.c may_expand_vm(): "%s (%d): VmData %lu exceed data ulimit %lu. ..." */
	if ((p = find(text, end, "): VmData ")) != NULL) {
		const char *q = p + 10, *o;
		uint64_t bytes, lim;

		if (!dec(&q, end, &bytes) || !starts(q, end, " exceed data ulimit ", &q) ||
		    !dec(&q, end, &lim))
			return;
		for (o = p; o > text && o[-1] != '('; o--)
			;
		if (o <= text + 1 || o[-2] != ' ')
			return;
		c = o;
		if (!dec(&c, p, &v) || c != p)
			return;
		ev->kind = KMSG_RLIMIT_DATA;
		ev->pid = (int64_t)v;
		ev->bytes = bytes;
		ev->limit = lim;
		copy(ev->comm, sizeof(ev->comm), text, o - 2);
	}
}

int kmsg_log_feed(struct kmsg_log *log, const char *line, size_t len)
{
	struct kmsg_record r;
	struct kmsg_event ev;
	struct kmsg_entry *e;
	int pr = kmsg_parse_line(line, len, &r);

	if (pr) {
		log->bad_lines += pr < 0;
		return 0;
	}
	log->lines++;
	if (r.has_seq && !log->seq_seen) {
		log->seq_seen = true;
		log->first_seq = r.seq;
	}
	kmsg_classify(r.text, r.text_len, &ev);
	if (log->has_min_ts && (!r.has_ts || r.ts_usec < log->min_ts_usec)) {
		if (ev.kind == KMSG_OOM_SUMMARY) {   /* it may still introduce a kill after it */
			log->summary = ev;
			log->have_summary = true;
		}
		return 0;
	}
	switch (ev.kind) {
	case KMSG_OTHER:
		return 0;
	case KMSG_SUPPRESSED:
		log->suppressed += ev.count;
		return 0;
	case KMSG_OOM_SUMMARY:
		log->summary = ev;
		log->have_summary = true;
		return 0;
	case KMSG_COMMIT_REFUSED:
	case KMSG_OOM_KILL:
	case KMSG_CGROUP_OOM_KILL:
	case KMSG_RLIMIT_DATA:
		break;
	}
	if (log->n == log->cap) {
		size_t nc = log->cap ? log->cap * 2 : 16;
		struct kmsg_entry *nv = realloc(log->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		log->v = nv;
		log->cap = nc;
	}
	e = &log->v[log->n++];
	memset(e, 0, sizeof(*e));
	e->kind = ev.kind;
	e->has_seq = r.has_seq;
	e->seq = r.seq;
	e->has_ts = r.has_ts;
	e->ts_usec = r.ts_usec;
	e->ev = ev;
	copy(e->text, sizeof(e->text), r.text, r.text + r.text_len);
	/* dump_oom_summary() comes just before the kill it describes (oom_kill_process) */
	if ((ev.kind == KMSG_OOM_KILL || ev.kind == KMSG_CGROUP_OOM_KILL) && log->have_summary &&
	    log->summary.pid == ev.pid) {
		e->has_summary = true;
		copy(e->cgroup, sizeof(e->cgroup), log->summary.task_memcg,
		     log->summary.task_memcg + strlen(log->summary.task_memcg));
		copy(e->oom_memcg, sizeof(e->oom_memcg), log->summary.oom_memcg,
		     log->summary.oom_memcg + strlen(log->summary.oom_memcg));
		log->have_summary = false;
	}
	return 1;
}

bool kmsg_log_wrapped(const struct kmsg_log *log)
{
	return log->seq_seen && log->first_seq > 0;
}

void kmsg_log_free(struct kmsg_log *log)
{
	free(log->v);
	memset(log, 0, sizeof(*log));
}
