/* SPDX-License-Identifier: MIT */
/* proctext.c - /proc text parsers; line-based, length-bounded, NUL-safe, no I/O. */
#include <string.h>

#include "proctext.h"

struct cursor {
	const char *p, *end;
	unsigned lineno;
};

/* Next line without its newline; false at the end. */
static bool next_line(struct cursor *c, const char **line, size_t *n)
{
	const char *nl;

	if (c->p >= c->end)
		return false;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	*line = c->p;
	*n = (size_t)((nl ? nl : c->end) - c->p);
	c->p = nl ? nl + 1 : c->end;
	c->lineno++;
	return true;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Decimal u64 at *s within [*s, end); advances *s. -1: no digits; -2: overflow. */
static int scan_u64(const char **s, const char *end, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (p >= end || !is_digit(*p))
		return -1;
	for (; p < end && is_digit(*p); p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return -2;
	*s = p;
	*out = v;
	return 0;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

struct mi_field {
	const char *name;
	size_t len;   /* strlen(name) */
	size_t off;
	bool required;
};

#define MI(f) offsetof(struct meminfo, f)
static const struct mi_field mi_fields[] = {
	{ "MemTotal", sizeof("MemTotal") - 1, MI(mem_total_kb), true },
	{ "SwapTotal", sizeof("SwapTotal") - 1, MI(swap_total_kb), true },
	{ "CommitLimit", sizeof("CommitLimit") - 1, MI(commit_limit_kb), true },
	{ "Committed_AS", sizeof("Committed_AS") - 1, MI(committed_as_kb), true },
	{ "MemFree", sizeof("MemFree") - 1, MI(mem_free_kb), false },
	{ "MemAvailable", sizeof("MemAvailable") - 1, MI(mem_available_kb), false },
	{ "Buffers", sizeof("Buffers") - 1, MI(buffers_kb), false },
	{ "Cached", sizeof("Cached") - 1, MI(cached_kb), false },
	{ "SwapCached", sizeof("SwapCached") - 1, MI(swap_cached_kb), false },
	{ "Shmem", sizeof("Shmem") - 1, MI(shmem_kb), false },
	{ "SwapFree", sizeof("SwapFree") - 1, MI(swap_free_kb), false },
	{ "SReclaimable", sizeof("SReclaimable") - 1, MI(sreclaimable_kb), false },
	{ "KReclaimable", sizeof("KReclaimable") - 1, MI(kreclaimable_kb), false },
	{ "Hugetlb", sizeof("Hugetlb") - 1, MI(hugetlb_kb), false },
	{ "HugePages_Total", sizeof("HugePages_Total") - 1, MI(hugepages_total), false },
	{ "Hugepagesize", sizeof("Hugepagesize") - 1, MI(hugepagesize_kb), false },
};
#define N_MI (sizeof(mi_fields) / sizeof(mi_fields[0]))

int proctext_meminfo(const char *text, size_t len, const char *path, struct meminfo *m,
		     struct ovc_err *err)
{
	struct cursor c = { text, text + len, 0 };
	bool seen[N_MI] = { false };
	const char *line, *nul;
	size_t n, i;

	memset(m, 0, sizeof(*m));
	nul = memchr(text, '\0', len);   /* once for the text: its line is the one refused */
	while (next_line(&c, &line, &n)) {
		const char *end = line + n, *colon, *p;
		uint64_t v;
		int r;

		if (n == 0 && c.p >= c.end)
			break;   /* the final newline */
		colon = memchr(line, ':', n);
		if (!colon || colon == line || (nul && nul >= line && nul < line + n))
			return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
					"not a meminfo line (expected 'Name: value kB')");
		p = skip_space(colon + 1, end);
		r = scan_u64(&p, end, &v);
		if (r == -2)
			return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
					"value does not fit in 64 bits");
		if (r < 0)
			return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
					"value is not a non-negative integer");
		p = skip_space(p, end);
		if (p + 2 <= end && p[0] == 'k' && p[1] == 'B')
			p += 2;
		if (skip_space(p, end) != end)
			return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
					"trailing text after the value");
		for (i = 0; i < N_MI; i++) {
			if ((size_t)(colon - line) != mi_fields[i].len ||
			    memcmp(line, mi_fields[i].name, mi_fields[i].len))
				continue;
			if (seen[i])
				return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
						"duplicate field %s", mi_fields[i].name);
			seen[i] = true;
			*(uint64_t *)(void *)((char *)m + mi_fields[i].off) = v;
			break;
		}
	}
	for (i = 0; i < N_MI; i++)
		if (mi_fields[i].required && !seen[i])
			return ovc_fail(err, OVC_E_INPUT, 0, path, 0, "no %s field",
					mi_fields[i].name);
	for (i = 0; i < N_MI; i++) {
		if (mi_fields[i].off == MI(hugetlb_kb))
			m->has_hugetlb = seen[i];
		if (mi_fields[i].off == MI(kreclaimable_kb))
			m->has_kreclaimable = seen[i];
		if (mi_fields[i].off == MI(mem_available_kb))
			m->has_mem_available = seen[i];
	}
	return 0;
}

/* The whole text must be one token, optionally framed by blanks and newlines. */
static int single_token(const char *text, size_t len, const char *path, const char **b,
			const char **e, struct ovc_err *err)
{
	const char *p = text, *end = text + len;

	while (p < end && (is_space(*p) || *p == '\n'))
		p++;
	while (end > p && (is_space(end[-1]) || end[-1] == '\n'))
		end--;
	if (p == end)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1, "empty file");
	*b = p;
	*e = end;
	return 0;
}

int proctext_int(const char *text, size_t len, const char *path, int64_t min, int64_t max,
		 int64_t *out, struct ovc_err *err)
{
	const char *p, *end;
	bool neg = false;
	__int128 val;
	uint64_t v;
	int r;

	if (single_token(text, len, path, &p, &end, err) < 0)
		return -1;
	if (*p == '-') {
		neg = true;
		p++;
	}
	r = scan_u64(&p, end, &v);
	if (r < 0 || p != end)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1, "not an integer");
	val = neg ? -(__int128)v : (__int128)v;
	if (val < min || val > max)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1,
				"value out of range (%lld to %lld)", (long long)min,
				(long long)max);
	*out = (int64_t)val;
	return 0;
}

int proctext_ulong(const char *text, size_t len, const char *path, uint64_t *out,
		   struct ovc_err *err)
{
	const char *p, *end;
	int r;

	if (single_token(text, len, path, &p, &end, err) < 0)
		return -1;
	r = scan_u64(&p, end, out);
	if (r == -2)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1, "value does not fit in 64 bits");
	if (r < 0 || p != end)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1, "not a non-negative integer");
	return 0;
}

int proctext_osrelease(const char *text, size_t len, const char *path,
		       struct model_kver *v, struct ovc_err *err)
{
	const char *p, *end;
	uint64_t a, b, c = 0;

	if (single_token(text, len, path, &p, &end, err) < 0)
		return -1;
	if (scan_u64(&p, end, &a) < 0 || p >= end || *p != '.')
		goto bad;
	p++;
	if (scan_u64(&p, end, &b) < 0 || a > 1000 || b > 1000)
		goto bad;
	if (p < end && *p == '.') {
		p++;
		if (scan_u64(&p, end, &c) < 0 || c > 100000)
			c = 0;
	}
	v->major = (unsigned)a;
	v->minor = (unsigned)b;
	v->patch = (unsigned)c;
	return 0;
bad:
	return ovc_fail(err, OVC_E_INPUT, 0, path, 1,
			"not a kernel release (expected MAJOR.MINOR...)");
}

static bool key_is(const char *line, size_t n, const char *key)
{
	size_t kl = strlen(key);

	return n > kl && !memcmp(line, key, kl) && line[kl] == ':';
}

int proctext_status(const char *text, size_t len, const char *path, struct pid_status *st,
		    struct ovc_err *err)
{
	struct cursor c = { text, text + len, 0 };
	bool seen_name = false, seen_capeff = false;
	const char *line;
	size_t n;

	memset(st, 0, sizeof(*st));
	while (next_line(&c, &line, &n)) {
		const char *end = line + n, *p;

		if (key_is(line, n, "Name")) {
			size_t l;

			p = skip_space(line + 5, end);
			l = (size_t)(end - p);
			if (l >= sizeof(st->name))
				l = sizeof(st->name) - 1;
			memcpy(st->name, p, l);
			st->name[l] = '\0';
		} else if (key_is(line, n, "VmSize")) {
			p = skip_space(line + 7, end);
			if (scan_u64(&p, end, &st->vmsize_kb) < 0)
				return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
						"VmSize is not a number");
			st->has_vmsize = true;
		} else if (key_is(line, n, "VmData")) {
			p = skip_space(line + 7, end);
			if (scan_u64(&p, end, &st->vmdata_kb) < 0)
				return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
						"VmData is not a number");
			st->has_vmdata = true;
		} else if (key_is(line, n, "CapEff")) {
			uint64_t v = 0;
			int digits = 0;

			for (p = skip_space(line + 7, end); p < end && !is_space(*p); p++, digits++) {
				int d;

				if (is_digit(*p))
					d = *p - '0';
				else if (*p >= 'a' && *p <= 'f')
					d = *p - 'a' + 10;
				else if (*p >= 'A' && *p <= 'F')
					d = *p - 'A' + 10;
				else
					d = -1;
				if (d < 0 || digits >= 16)
					return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
							"CapEff is not a 64-bit hex mask");
				v = v << 4 | (uint64_t)d;
			}
			if (!digits)
				return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
						"CapEff is empty");
			st->capeff = v;
			st->has_capeff = true;
			seen_capeff = true;
		}
		if (key_is(line, n, "Name"))
			seen_name = true;
	}
	/* every kernel ovc models prints both (CapEff since 2.6.26); the admin reserve
	 * depends on CapEff, so a file without them is not read as "no capabilities" */
	if (!seen_name || !seen_capeff)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 0, "no '%s:' line: not a /proc/PID/status",
				!seen_name ? "Name" : "CapEff");
	return 0;
}

int proctext_limits_as(const char *text, size_t len, const char *path, uint64_t *bytes,
		       struct ovc_err *err)
{
	static const char key[] = "Max address space";
	struct cursor c = { text, text + len, 0 };
	const char *line;
	size_t n;

	while (next_line(&c, &line, &n)) {
		const char *end = line + n, *p;

		if (n < sizeof(key) - 1 || memcmp(line, key, sizeof(key) - 1))
			continue;
		p = skip_space(line + sizeof(key) - 1, end);
		if (end - p >= 9 && !memcmp(p, "unlimited", 9)) {
			*bytes = UINT64_MAX;
			return 0;
		}
		if (scan_u64(&p, end, bytes) < 0)
			return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
					"soft limit is neither a number nor 'unlimited'");
		return 0;
	}
	return ovc_fail(err, OVC_E_INPUT, 0, path, 0, "no 'Max address space' line");
}

/* "unlimited" or a decimal, after blanks; *p moves past it. */
static int limit_value(const char **p, const char *end, uint64_t *v)
{
	const char *q = skip_space(*p, end);

	if (end - q >= 9 && !memcmp(q, "unlimited", 9)) {
		*v = UINT64_MAX;
		*p = q + 9;
		return 0;
	}
	*p = q;
	return scan_u64(p, end, v);
}

/* A limit's soft and hard values from the first line starting with key; 1 without one. */
static int limits_pair(const char *text, size_t len, const char *path, const char *key,
		       const char *why, uint64_t *soft, uint64_t *hard, struct ovc_err *err)
{
	struct cursor c = { text, text + len, 0 };
	size_t kl = strlen(key), n;
	const char *line;

	*soft = *hard = UINT64_MAX;
	while (next_line(&c, &line, &n)) {
		const char *end = line + n, *p = line + kl;

		if (n < kl || memcmp(line, key, kl))
			continue;
		if (limit_value(&p, end, soft) < 0 || limit_value(&p, end, hard) < 0)
			return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno, "%s", why);
		return 0;
	}
	return 1;
}

int proctext_limits_data(const char *text, size_t len, const char *path, uint64_t *soft,
			 uint64_t *hard, struct ovc_err *err)
{
	return limits_pair(text, len, path, "Max data size",
			   "RLIMIT_DATA's soft or hard limit is neither a number nor 'unlimited'",
			   soft, hard, err);
}

int proctext_limits_fsize(const char *text, size_t len, const char *path, uint64_t *soft,
			  struct ovc_err *err)
{
	uint64_t hard;

	return limits_pair(text, len, path, "Max file size",
			   "RLIMIT_FSIZE's soft or hard limit is neither a number nor 'unlimited'",
			   soft, &hard, err);
}

/*
 * kstrtobool() (lib/kstrtox.c): y/Y/1/on true, n/N/0/off false, by the first one or two
 * characters; anything else is refused (the parameter keeps its value).
 */
static int kbool(const char *v, size_t n)
{
	if (!n)
		return -1;
	switch (v[0]) {
	case 'y': case 'Y': case '1':
		return 1;
	case 'n': case 'N': case '0':
		return 0;
	case 'o': case 'O':
		if (n > 1 && (v[1] == 'n' || v[1] == 'N'))
			return 1;
		if (n > 1 && (v[1] == 'f' || v[1] == 'F'))
			return 0;
	}
	return -1;
}

int proctext_cmdline_bool(const char *text, size_t len, const char *name)
{
	const char *p = text, *end = text + len;
	size_t nl = strlen(name);
	int r = -1;

	while (p < end) {
		const char *w, *eq = NULL, *we;
		bool quoted = false;
		size_t i, kl;

		while (p < end && (is_space(*p) || *p == '\0'))
			p++;
		w = p;
		for (; p < end && *p != '\0' && (quoted || !is_space(*p)); p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == '=' && !eq)
				eq = p;
		}
		we = p;
		if (w == we)
			break;
		if (we - w == 2 && !memcmp(w, "--", 2))
			break;   /* the rest is init's (parse_args() stops at "--") */
		if (*w == '"')
			w++;
		kl = (size_t)((eq ? eq : we) - w);
		if (kl != nl)
			continue;
		/* parameq() (kernel/params.c): '-' and '_' are the same in names */
		for (i = 0; i < nl; i++)
			if (w[i] != name[i] && !((w[i] == '-' || w[i] == '_') &&
						 (name[i] == '-' || name[i] == '_')))
				break;
		if (i < nl)
			continue;
		if (!eq) {
			r = 1;   /* a bool parameter without a value is set */
		} else {
			const char *v = eq + 1;
			size_t vl = (size_t)(we - v);
			int b;

			if (vl && *v == '"') {
				v++;
				vl--;
			}
			b = kbool(v, vl);
			if (b >= 0)
				r = b;
		}
	}
	return r;
}

static bool word_at(const char *p, const char *end, const char *w, const char **after)
{
	size_t l = strlen(w);

	p = skip_space(p, end);
	if ((size_t)(end - p) < l || memcmp(p, w, l))
		return false;
	*after = p + l;
	return true;
}

int proctext_zoneinfo_reserve(const char *text, size_t len, const char *path,
			      uint64_t *pages, struct ovc_err *err)
{
	struct cursor c = { text, text + len, 0 };
	uint64_t total = 0, high = 0, managed = 0, prot = 0;
	bool in_zone = false, has_high = false, has_managed = false;
	unsigned zones = 0;
	const char *line;
	size_t n;

	/* A zone's figures are complete at the next "Node" line or at the end. */
	for (;;) {
		bool more = next_line(&c, &line, &n);
		const char *end = more ? line + n : NULL, *p;

		if (!more || (n >= 5 && !memcmp(line, "Node ", 5))) {
			if (in_zone) {
				uint64_t r = high + prot;

				total += r < managed ? r : managed;
				zones += has_high && has_managed;
			}
			if (!more)
				break;
			in_zone = true;
			high = managed = prot = 0;
			has_high = has_managed = false;
			continue;
		}
		if (!in_zone)
			continue;
		if (word_at(line, end, "high ", &p)) {
			p = skip_space(p, end);
			if (scan_u64(&p, end, &high) < 0)
				return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
						"'high' is not a number");
			has_high = true;
		} else if (word_at(line, end, "managed ", &p)) {
			p = skip_space(p, end);
			if (scan_u64(&p, end, &managed) < 0)
				return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
						"'managed' is not a number");
			has_managed = true;
		} else if (word_at(line, end, "protection: (", &p)) {
			while (p < end && *p != ')') {
				uint64_t v;

				p = skip_space(p, end);
				if (scan_u64(&p, end, &v) < 0)
					return ovc_fail(err, OVC_E_INPUT, 0, path, c.lineno,
							"'protection' is not a list of numbers");
				if (v > prot)
					prot = v;
				p = skip_space(p, end);
				if (p < end && *p == ',')
					p++;
			}
		}
	}
	if (!zones)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 0,
				"no zone with 'high' and 'managed' figures: not a /proc/zoneinfo");
	*pages = total;
	return 0;
}

unsigned proctext_stat_cpus(const char *text, size_t len)
{
	struct cursor c = { text, text + len, 0 };
	const char *line;
	size_t n;
	unsigned cpus = 0;

	while (next_line(&c, &line, &n))
		if (n > 3 && !memcmp(line, "cpu", 3) && is_digit(line[3]))
			cpus++;
	return cpus;
}

bool proctext_stat_btime(const char *text, size_t len, uint64_t *btime)
{
	struct cursor c = { text, text + len, 0 };
	const char *line;
	size_t n;

	while (next_line(&c, &line, &n)) {
		const char *p = line + 6, *end = line + n;

		if (n > 6 && !memcmp(line, "btime ", 6))
			return scan_u64(&p, end, btime) == 0 && p == end;
	}
	return false;
}

bool proctext_uid_map_is_initial(const char *text, size_t len)
{
	struct cursor c = { text, text + len, 0 };
	const char *line, *p, *end;
	uint64_t a, b, l;
	size_t n;

	if (!next_line(&c, &line, &n))
		return false;
	end = line + n;
	p = skip_space(line, end);
	if (scan_u64(&p, end, &a) < 0)
		return false;
	p = skip_space(p, end);
	if (scan_u64(&p, end, &b) < 0)
		return false;
	p = skip_space(p, end);
	if (scan_u64(&p, end, &l) < 0)
		return false;
	return a == 0 && b == 0 && l == 4294967295u && skip_space(p, end) == end &&
	       !next_line(&c, &line, &n);
}

/* The next blank-separated word of the line [*p, end): its start and length, or 0. */
static size_t word(const char **p, const char *end, const char **w)
{
	const char *q = *p;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	*w = q;
	while (q < end && *q != ' ' && *q != '\t')
		q++;
	*p = q;
	return (size_t)(q - *w);
}

/* A hexadecimal (base 16) or decimal (base 10) number of exactly the n bytes at s. */
static bool num(const char *s, size_t n, unsigned base, uint64_t *v)
{
	size_t i;

	if (!n || n > 16)
		return false;
	*v = 0;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else
			return false;
		*v = *v * base + d;
	}
	return true;
}

long proctext_locks_holder(const char *text, size_t len, unsigned dev_major,
			   unsigned dev_minor, uint64_t ino)
{
	const char *line = text, *end = text + len;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end, *p = line, *w[6], *c1, *c2;
		size_t n[6], i;
		uint64_t pid, ma, mi, in;

		for (i = 0; i < 6; i++)
			n[i] = word(&p, eol, &w[i]);
		line = eol + 1;
		/* id, FLOCK, ADVISORY, WRITE, pid, maj:min:ino ("->" would be the second) */
		if (n[1] != 5 || memcmp(w[1], "FLOCK", 5) || !num(w[4], n[4], 10, &pid) ||
		    !pid || pid > INT32_MAX)
			continue;
		c1 = memchr(w[5], ':', n[5]);
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(w[5] + n[5] - c1 - 1)) : NULL;
		if (!c2 || !num(w[5], (size_t)(c1 - w[5]), 16, &ma) ||
		    !num(c1 + 1, (size_t)(c2 - c1 - 1), 16, &mi) ||
		    !num(c2 + 1, (size_t)(w[5] + n[5] - c2 - 1), 10, &in))
			continue;
		if (ma == dev_major && mi == dev_minor && in == ino)
			return (long)pid;
	}
	return 0;
}

void proctext_cgroup_path(const char *text, size_t len, char *buf, size_t buflen)
{
	const char *line = text, *end = text + len;

	buf[0] = '\0';
	/* cgroup(7): "hierarchy-ID:controller-list:cgroup-path" */
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *le = nl ? nl : end;
		const char *c1 = memchr(line, ':', (size_t)(le - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;

		if (c2) {
			bool v2 = c1 == line + 1 && line[0] == '0' && c2 == c1 + 1;
			bool mem = false;
			const char *c;

			for (c = c1 + 1; c + 6 <= c2; c++)
				if (!memcmp(c, "memory", 6) && (c == c1 + 1 || c[-1] == ',') &&
				    (c + 6 == c2 || c[6] == ','))
					mem = true;
			if (v2 || mem) {
				{
					size_t n = (size_t)(le - c2 - 1);

					if (n >= buflen)
						n = buflen - 1;
					memcpy(buf, c2 + 1, n);
					buf[n] = '\0';
				}
				if (mem)
					return;   /* v1's memory controller: where limits are */
			}
		}
		line = le + 1;
	}
}

bool proctext_passwd_name(const char *text, size_t len, uint32_t uid, char *buf,
			  size_t buflen)
{
	struct cursor c = { text, text + len, 0 };
	const char *line;
	size_t n;

	while (next_line(&c, &line, &n)) {
		const char *end = line + n, *c1 = memchr(line, ':', n), *c2, *p;
		uint64_t v;

		/* name:password:UID:... */
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		p = c2 ? c2 + 1 : NULL;
		if (!p || scan_u64(&p, end, &v) < 0 || v != uid)
			continue;
		n = (size_t)(c1 - line);
		if (n >= buflen)
			n = buflen - 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
		return true;
	}
	return false;
}
