/* SPDX-License-Identifier: MIT */
/*
 * precedence.c - the systemd-sysctl and procps "sysctl --system" merge rules over an
 * in-memory file list, and the kernel's answer to each write. No I/O, no allocation.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "precedence.h"

#define KEY_MAX 256     /* longer keys cannot be ours (nor a useful glob for them) */
#define MAX_ITEMS 256   /* relevant lines across the files a tool reads */

/* A key as both tools normalise it: its path under /proc/sys ("vm/overcommit_memory"). */
static const char *key_path(enum knob k)
{
	return knob_proc_rel(k) + sizeof("sys/") - 1;
}

/*
 * systemd src/basic/def.h CONF_PATHS_NULSTR() adds /lib/sysctl.d only in a split-usr build
 * (HAVE_SPLIT_USR). strings(1) cannot show that fifth entry ("/lib/sysctl.d" is a suffix
 * of "/usr/lib/sysctl.d"), and Debian 12's v252 binary is such a build: it opens and
 * applies /lib/sysctl.d, see tests/precedence/run, scenario libdir. Where /lib links to
 * usr/lib the caller lists the directory once, so the fifth entry changes nothing on
 * merged-/usr systems.
 */
static const char *const systemd_dirs[] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
	"/lib/sysctl.d",
};
/* procps-ng 4.0.2 src/sysctl.c PreloadSystem() */
static const char *const procps_dirs[] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
	"/lib/sysctl.d",
};

const char *prec_tool_name(enum prec_tool tool)
{
	return tool == PREC_SYSTEMD ? "systemd-sysctl" : "sysctl --system";
}

const char *prec_tool_token(enum prec_tool tool)
{
	return tool == PREC_SYSTEMD ? "systemd" : "procps";
}

const char *prec_shadow_why_name(enum prec_shadow_why why)
{
	switch (why) {
	case PREC_SH_NOT_READ: return "not read";
	case PREC_SH_OVERRIDDEN: return "overridden";
	case PREC_SH_SAME_VALUE: return "merged into an earlier equal assignment";
	case PREC_SH_EXCLUDED: return "excluded";
	case PREC_SH_ZEROED: return "zeroed by the other limit knob";
	case PREC_SH_REJECTED: return "rejected by the kernel";
	}
	return "?";
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

bool prec_hidden_or_backup(const char *name)
{
	static const char *const sfx[] = {
		"rpmnew", "rpmsave", "rpmorig", "dpkg-old", "dpkg-new", "dpkg-tmp",
		"dpkg-dist", "dpkg-bak", "dpkg-backup", "dpkg-remove", "ucf-new", "ucf-old",
		"ucf-dist", "swp", "bak", "old", "new",
	};
	const char *dot;
	size_t i;

	if (name[0] == '.' || !strcmp(name, "lost+found") || !strcmp(name, "aquota.user") ||
	    !strcmp(name, "aquota.group") || ends_with(name, "~"))
		return true;
	dot = strrchr(name, '.');
	if (!dot)
		return false;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (!strcmp(dot + 1, sfx[i]))
			return true;
	return false;
}

/* ---- the kernel's parser (proc_get_long + the per-knob conversions) ---- */

static bool kspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n';   /* proc_wspace_sep, proc_skip_spaces */
}

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int prec_kernel_parse(enum knob key, const char *value, size_t len, int64_t *ival,
		      uint64_t *uval, const char **reason)
{
	const char *p = value, *end = value + len, *start;
	unsigned base = 10;
	uint64_t v = 0;
	bool neg = false;

	while (p < end && kspace(*p))
		p++;
	if (p == end) {
		*reason = "empty value";
		return -1;
	}
	start = p;
	if (*p == '-' && end - p > 1) {
		neg = true;
		p++;
	}
	if (!(*p >= '0' && *p <= '9')) {
		*reason = "not an integer";
		return -1;
	}
	/* strtoul_lenient(p, &p, 0, val): base 0, as _parse_integer_fixup_radix */
	if (p[0] == '0' && end - p > 2 && (p[1] == 'x' || p[1] == 'X') && digit_val(p[2]) < 16) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	for (; p < end && digit_val(*p) < (int)base; p++)
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)digit_val(*p), &v)) {
			*reason = "number out of range";
			return -1;
		}
	/* TMPBUFLEN 22: a number of 21 characters or more is refused */
	if (p - start >= 21) {
		*reason = "number too long";
		return -1;
	}
	if (p < end && !kspace(*p)) {
		*reason = "not an integer";
		return -1;
	}
	/*
	 * Text after the number and a blank ("1 # x", "262144 ; was 0") does not make the
	 * write fail: __do_proc_dointvec stores the one value the table holds (vleft 1),
	 * skips the blanks and returns a short count (2 of "1 # x\n"); procps stops there,
	 * systemd's stdio retries the rest at offset 2, which proc_first_pos_non_zero_ignore
	 * (sysctl_writes_strict = 1) accepts and ignores. Both tools exit 0 with 1 stored:
	 * measured on Debian's 6.1 kernel (tests/vm/boot, layouts inline-*). Text right after
	 * the digits ("60#x") is EINVAL, above.
	 */
	switch (key) {
	case KNOB_MODE:   /* proc_dointvec_minmax, 0..2 */
		if (v > 2) {
			*reason = "mode must be 0, 1 or 2";
			return -1;
		}
		*ival = neg ? -(int64_t)v : (int64_t)v;
		if (*ival < 0) {
			*reason = "mode must be 0, 1 or 2";
			return -1;
		}
		return 0;
	case KNOB_RATIO:    /* proc_dointvec, no range */
		if ((!neg && v > (uint64_t)INT_MAX) || (neg && v > (uint64_t)INT_MAX + 1)) {
			*reason = "ratio out of int range";
			return -1;
		}
		*ival = neg ? -(int64_t)v : (int64_t)v;
		return 0;
	case KNOB_KBYTES:   /* proc_doulongvec_minmax: a negative number is EINVAL (≥5.17) */
		if (neg) {
			*reason = "kbytes must not be negative";
			return -1;
		}
		*uval = v;
		return 0;
	case KNOB_COUNT:
		break;
	}
	*reason = "unknown key";
	return -1;
}

/* ---- keys and globs ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void strip(const char **b, const char **e)
{
	while (*b < *e && is_blank(**b))
		(*b)++;
	while (*e > *b && is_blank((*e)[-1]))
		(*e)--;
}

/*
 * procps slashdot() / systemd sysctl_normalize(): the first separator decides; '.' first
 * swaps every '.' and '/'.
 * Then repeated and leading slashes go (systemd path_simplify; the kernel's path lookup
 * for procps). false: too long to be one of ours.
 */
static bool normalize_key(const char *b, const char *e, char out[KEY_MAX])
{
	const char *p;
	bool swap = false;
	size_t n = 0;

	for (p = b; p < e; p++)
		if (*p == '.' || *p == '/') {
			swap = *p == '.';
			break;
		}
	for (p = b; p < e; p++) {
		char c = *p;

		if (swap && c == '.')
			c = '/';
		else if (swap && c == '/')
			c = '.';
		if (c == '/' && (n == 0 || out[n - 1] == '/'))
			continue;
		if (n + 1 >= KEY_MAX)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return true;
}

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* glob(3) on one path: wildcards never match '/'. */
static bool glob_match(const char *pat, const char *s)
{
	while (*pat) {
		switch (*pat) {
		case '*':
			while (*pat == '*')
				pat++;
			for (;; s++) {
				if (glob_match(pat, s))
					return true;
				if (!*s || *s == '/')
					return false;
			}
		case '?':
			if (!*s || *s == '/')
				return false;
			pat++;
			s++;
			break;
		case '[': {
			const char *q = pat + 1;
			bool negate = false, hit = false;

			if (*q == '!' || *q == '^') {
				negate = true;
				q++;
			}
			do {
				char lo = *q, hi;

				if (!lo)
					goto literal;   /* no closing ']': a literal '[' */
				hi = lo;
				if (q[1] == '-' && q[2] && q[2] != ']') {
					hi = q[2];
					q += 2;
				}
				if (*s && *s >= lo && *s <= hi)
					hit = true;
				q++;
			} while (*q != ']');
			if (!*s || *s == '/' || hit == negate)
				return false;
			pat = q + 1;
			s++;
			break;
		}
		case '\\':
			if (pat[1])
				pat++;
			/* fall through */
		default:
		literal:
			if (*pat != *s)
				return false;
			pat++;
			s++;
		}
	}
	return !*s;
}

/* Bit per knob the normalized key names or matches. */
static unsigned key_mask(const char *key, bool glob)
{
	unsigned m = 0;
	int k;

	for (k = 0; k < KNOB_COUNT; k++)
		if (glob ? glob_match(key, key_path(k)) : !strcmp(key, key_path(k)))
			m |= 1u << k;
	return m;
}

/* ---- lines ---- */

struct item {
	size_t file;
	unsigned line;
	char key[KEY_MAX];
	bool glob;
	unsigned mask;
	bool has_value;     /* false: an exclusion line "-key" */
	const char *value;
	size_t vlen;
	bool ignore;
	/* systemd merge */
	bool removed;
	enum prec_shadow_why why;
	size_t by;          /* item index that removed it */
};

enum line_kind { L_SKIP, L_BAD, L_ITEM };

/*
 * One line (without its newline; had_nl tells whether it had one) in the tool's grammar:
 * procps parse_setting_line (4.0.2), systemd parse_file (v252). L_ITEM only for lines
 * that name or match one of our keys.
 */
static enum line_kind parse_line(enum prec_tool tool, const char *line, size_t n, bool had_nl,
				 struct item *it)
{
	const char *b = line, *e = line + n, *eq, *kb, *ke;

	if (tool == PREC_PROCPS) {
		while (b < e && is_blank(*b))
			b++;
		/* strlen(key) < 2 after lstrip, the newline counted */
		if ((size_t)(e - b) + (had_nl ? 1 : 0) < 2)
			return L_SKIP;
	} else {
		strip(&b, &e);
		if (b == e)
			return L_SKIP;
	}
	if (b < e && (*b == '#' || *b == ';'))
		return L_SKIP;
	if (b == e)
		return L_SKIP;
	eq = memchr(b, '=', (size_t)(e - b));
	it->ignore = false;
	it->has_value = eq != NULL;
	kb = b;
	ke = eq ? eq : e;
	if (!eq && *b != '-')
		return L_BAD;
	if (*kb == '-') {
		it->ignore = eq != NULL;
		kb++;
	}
	if (tool == PREC_SYSTEMD) {
		strip(&kb, &ke);
	} else {
		/* procps rstrips the key but does not lstrip it after '-' */
		while (ke > kb && is_blank(ke[-1]))
			ke--;
	}
	if (eq) {
		const char *vb = eq + 1, *ve = e;

		strip(&vb, &ve);
		it->value = vb;
		it->vlen = (size_t)(ve - vb);
	} else {
		it->value = NULL;
		it->vlen = 0;
	}
	if (!normalize_key(kb, ke, it->key))
		return L_SKIP;
	it->glob = is_glob(it->key);
	it->mask = key_mask(it->key, it->glob);
	it->removed = false;
	return it->mask ? L_ITEM : L_SKIP;
}

struct line_iter {
	const char *p, *end;
	unsigned lineno;
};

static bool next_line(struct line_iter *li, const char **line, size_t *n, bool *had_nl)
{
	const char *nl;

	if (!li->p || li->p >= li->end)
		return false;
	nl = memchr(li->p, '\n', (size_t)(li->end - li->p));
	*line = li->p;
	*n = (size_t)((nl ? nl : li->end) - li->p);
	*had_nl = nl != NULL;
	li->p = nl ? nl + 1 : li->end;
	li->lineno++;
	return true;
}

/* ---- state of one resolution ---- */

struct ctx {   /* the scalars first: a run touches only the pages it uses */
	enum prec_tool tool;
	const struct prec_file *files;
	size_t nfiles;
	struct prec_result *res;
	struct ovc_err *err;
	size_t nitems;
	size_t write_item[PREC_MAX_WRITES];   /* item index of each write */
	struct item items[MAX_ITEMS];
};

static int add_shadow(struct ctx *c, enum knob key, size_t file, unsigned line,
		      enum prec_shadow_why why, bool has_by, size_t by_file, unsigned by_line)
{
	struct prec_shadow *s;

	if (c->res->nshadows >= PREC_MAX_SHADOWS)
		return ovc_fail(c->err, OVC_E_INPUT, 0, c->files[file].path, line,
				"more than %d shadowed assignments", PREC_MAX_SHADOWS);
	s = &c->res->shadows[c->res->nshadows++];
	s->key = key;
	s->file = file;
	s->line = line;
	s->why = why;
	s->has_by = has_by;
	s->by_file = by_file;
	s->by_line = by_line;
	return 0;
}

static void add_diag(struct ctx *c, enum prec_diag_kind kind, size_t file, unsigned line)
{
	c->res->ndiags_total++;
	if (c->res->ndiags < PREC_MAX_DIAGS) {
		struct prec_diag *d = &c->res->diags[c->res->ndiags++];

		d->kind = kind;
		d->file = file;
		d->line = line;
	}
	if (kind == PREC_D_CANNOT_OPEN || c->tool == PREC_SYSTEMD)
		c->res->tool_fails = true;
}

const char *const *prec_tool_dirs(enum prec_tool tool, size_t *n)
{
	*n = tool == PREC_SYSTEMD ? sizeof(systemd_dirs) / sizeof(systemd_dirs[0])
				  : sizeof(procps_dirs) / sizeof(procps_dirs[0]);
	return tool == PREC_SYSTEMD ? systemd_dirs : procps_dirs;
}

static int dir_rank(enum prec_tool tool, const char *dir)
{
	size_t n, i;
	const char *const *dirs = prec_tool_dirs(tool, &n);

	for (i = 0; i < n; i++)
		if (!strcmp(dir, dirs[i]))
			return (int)i;
	return -1;
}

static bool is_sysctl_conf(const struct prec_file *f)
{
	return !strcmp(f->dir, "/etc") && !strcmp(f->name, "sysctl.conf");
}

/* A candidate for the directory scan: in a tool dir, named *.conf, not hidden (systemd). */
static bool candidate(enum prec_tool tool, const struct prec_file *f)
{
	if (dir_rank(tool, f->dir) < 0 || !ends_with(f->name, ".conf"))
		return false;
	if (tool == PREC_SYSTEMD && (f->hidden || prec_hidden_or_backup(f->name)))
		return false;
	return true;
}

/*
 * Which files the tool reads, in order. unread_by[i] = index of the file that takes the
 * name of file i, or SIZE_MAX.
 */
static int select_files(struct ctx *c, bool *read, size_t *unread_by)
{
	struct prec_result *r = c->res;
	bool cand[PREC_MAX_FILES];
	size_t i, j;

	for (i = 0; i < c->nfiles; i++) {
		read[i] = false;
		unread_by[i] = SIZE_MAX;
		cand[i] = candidate(c->tool, &c->files[i]);
	}
	for (i = 0; i < c->nfiles; i++) {
		const struct prec_file *f = &c->files[i];
		bool win = cand[i];

		for (j = 0; win && j < c->nfiles; j++) {
			const struct prec_file *g = &c->files[j];
			int ri, rj;

			if (j == i || !cand[j] || strcmp(f->name, g->name))
				continue;
			ri = dir_rank(c->tool, f->dir);
			rj = dir_rank(c->tool, g->dir);
			if (rj < ri || (rj == ri && j < i)) {   /* first dir (then entry) wins */
				win = false;
				unread_by[i] = j;
			}
		}
		if (!win)
			continue;
		/* systemd drops a /dev/null link from the list after it took the name */
		if (c->tool == PREC_SYSTEMD && f->masked)
			continue;
		if (r->norder >= PREC_MAX_FILES)
			return ovc_fail(c->err, OVC_E_INPUT, 0, f->path, 0, "more than %d files",
					PREC_MAX_FILES);
		r->order[r->norder++] = i;
		read[i] = true;
	}
	/* sort by basename, strcmp (systemd base_cmp, procps qsort): insertion sort */
	for (i = 1; i < r->norder; i++) {
		size_t v = r->order[i];

		for (j = i; j > 0 && strcmp(c->files[r->order[j - 1]].name, c->files[v].name) > 0;
		     j--)
			r->order[j] = r->order[j - 1];
		r->order[j] = v;
	}
	/* procps: /etc/sysctl.conf last, if stat() shows a regular file */
	if (c->tool == PREC_PROCPS)
		for (i = 0; i < c->nfiles; i++) {
			const struct prec_file *f = &c->files[i];

			if (!is_sysctl_conf(f) || !f->regular || f->masked)
				continue;
			if (r->norder >= PREC_MAX_FILES)
				return ovc_fail(c->err, OVC_E_INPUT, 0, f->path, 0,
						"more than %d files", PREC_MAX_FILES);
			r->order[r->norder++] = i;
			read[i] = true;
			break;
		}
	return 0;
}

/* Lines of a file the tool does not read: each assignment of ours is NOT_READ. */
static int shadow_unread(struct ctx *c, size_t fi, size_t by)
{
	const struct prec_file *f = &c->files[fi];
	struct line_iter li = { f->text, f->text ? f->text + f->len : NULL, 0 };
	const char *line;
	size_t n;
	bool nl;
	struct item it;
	size_t o;

	if (f->masked || !f->readable)
		return 0;
	while (next_line(&li, &line, &n, &nl)) {
		if (parse_line(c->tool, line, n, nl, &it) != L_ITEM || !it.has_value)
			continue;
		for (o = 0; o < KNOB_COUNT; o++) {   /* glob(3) order: sorted paths */
			enum knob k = knob_sorted[o];

			if (it.mask & (1u << k) &&
			    add_shadow(c, k, fi, li.lineno, PREC_SH_NOT_READ, by != SIZE_MAX,
				       by == SIZE_MAX ? 0 : by, 0) < 0)
				return -1;
		}
	}
	return 0;
}

static int collect_items(struct ctx *c)
{
	size_t o;

	for (o = 0; o < c->res->norder; o++) {
		size_t fi = c->res->order[o];
		const struct prec_file *f = &c->files[fi];
		struct line_iter li = { f->text, f->text ? f->text + f->len : NULL, 0 };
		const char *line;
		size_t n;
		bool nl;

		if (f->masked)
			continue;   /* procps reads /dev/null: empty */
		if (!f->readable) {
			add_diag(c, PREC_D_CANNOT_OPEN, fi, 0);
			continue;
		}
		while (next_line(&li, &line, &n, &nl)) {
			struct item *it;
			enum line_kind k;

			if (c->nitems >= MAX_ITEMS)
				return ovc_fail(c->err, OVC_E_INPUT, 0, f->path, li.lineno,
						"more than %d assignments of overcommit keys",
						MAX_ITEMS);
			if (!n || line[0] == '#' || line[0] == ';')
				continue;   /* empty or a comment for both tools (as parse_line) */
			it = &c->items[c->nitems];
			k = parse_line(c->tool, line, n, nl, it);
			if (k == L_BAD)
				add_diag(c, PREC_D_NOT_ASSIGNMENT, fi, li.lineno);
			if (k != L_ITEM)
				continue;
			it->file = fi;
			it->line = li.lineno;
			it->why = PREC_SH_NOT_READ;   /* parse_line set the rest */
			it->by = 0;
			c->nitems++;
		}
	}
	return 0;
}

static bool same_value(const struct item *a, const struct item *b)
{
	if (!a->has_value || !b->has_value)
		return a->has_value == b->has_value;
	return a->vlen == b->vlen && !memcmp(a->value, b->value, a->vlen);
}

/* systemd parse_file: one ordered map keyed by the normalized key (or glob pattern). */
static void systemd_merge(struct ctx *c)
{
	size_t i, j;

	for (i = 0; i < c->nitems; i++) {
		struct item *it = &c->items[i];

		for (j = 0; j < i; j++) {
			struct item *ex = &c->items[j];

			if (ex->removed || strcmp(ex->key, it->key))
				continue;
			if (same_value(ex, it)) {
				ex->ignore = ex->ignore || it->ignore;
				it->removed = true;
				it->why = PREC_SH_SAME_VALUE;
				it->by = j;
			} else {
				ex->removed = true;
				ex->why = it->has_value ? PREC_SH_OVERRIDDEN : PREC_SH_EXCLUDED;
				ex->by = i;
			}
			break;
		}
	}
}

/* Any entry (assignment or exclusion) naming exactly this key suppresses globs for it. */
static bool explicit_entry(const struct ctx *c, int k)
{
	size_t i;

	for (i = 0; i < c->nitems; i++)
		if (!c->items[i].removed && !c->items[i].glob && c->items[i].mask & (1u << k))
			return true;
	return false;
}

static int add_write(struct ctx *c, size_t ii, int k)
{
	const struct item *it = &c->items[ii];
	struct prec_write *w;

	if (c->res->nwrites >= PREC_MAX_WRITES)
		return ovc_fail(c->err, OVC_E_INPUT, 0, c->files[it->file].path, it->line,
				"more than %d writes of overcommit keys", PREC_MAX_WRITES);
	c->write_item[c->res->nwrites] = ii;
	w = &c->res->writes[c->res->nwrites++];
	memset(w, 0, sizeof(*w));
	w->key = (enum knob)k;
	w->file = it->file;
	w->line = it->line;
	w->value = it->value;
	w->value_len = it->vlen;
	w->ignore_failure = it->ignore;
	w->via_glob = it->glob;
	return 0;
}

/* systemd apply_all / procps write_setting_list: the same walk over what is left. */
static int plan_writes(struct ctx *c)
{
	size_t i;
	size_t o;
	int k;

	for (i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];

		if (it->removed || !it->has_value)
			continue;
		for (o = 0; o < KNOB_COUNT; o++) {   /* glob(3) order: sorted paths */
			k = (int)knob_sorted[o];
			if (!(it->mask & (1u << k)))
				continue;
			if (it->glob && explicit_entry(c, k))
				continue;
			if (add_write(c, i, k) < 0)
				return -1;
		}
	}
	return 0;
}

static void fmt_dec(char *buf, size_t size, bool neg, uint64_t v)
{
	char tmp[24];
	size_t n = 0, o = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg && o + 1 < size)
		buf[o++] = '-';
	while (n && o + 1 < size)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
}

static void current_text(const struct model_policy *s, int k, char *buf, size_t size)
{
	if (k == KNOB_MODE)
		fmt_dec(buf, size, s->mode < 0, (uint64_t)(s->mode < 0 ? -(int64_t)s->mode : s->mode));
	else if (k == KNOB_RATIO)
		fmt_dec(buf, size, s->ratio < 0,
			s->ratio < 0 ? (uint64_t)0 - (uint64_t)s->ratio : (uint64_t)s->ratio);
	else
		fmt_dec(buf, size, false, s->kbytes);
}

static void set_decider(struct prec_result *r, int k, size_t wi)
{
	r->decider[k].set = true;
	r->decider[k].write = wi;
	r->decider[k].file = r->writes[wi].file;
	r->decider[k].line = r->writes[wi].line;
}

/* The kernel, one write at a time (mm/util.c overcommit_*_handler, kernel/sysctl.c). */
static void simulate(struct ctx *c)
{
	struct prec_result *r = c->res;
	size_t wi;

	r->final = r->start;
	for (wi = 0; wi < r->nwrites; wi++) {
		struct prec_write *w = &r->writes[wi];
		int k = w->key;
		int64_t iv = 0;
		uint64_t uv = 0;
		char cur[24];

		/* systemd sysctl_write(): WRITE_STRING_FILE_SUPPRESS_REDUNDANT_VIRTUAL */
		current_text(&r->final, k, cur, sizeof(cur));
		if (c->tool == PREC_SYSTEMD && strlen(cur) == w->value_len &&
		    !memcmp(cur, w->value, w->value_len)) {
			w->status = PREC_W_REDUNDANT;
			set_decider(r, k, wi);
			continue;
		}
		if (prec_kernel_parse(w->key, w->value, w->value_len, &iv, &uv, &w->reason) < 0) {
			w->status = PREC_W_EINVAL;
			/* systemd: '-' ignores it; procps 4.0.2: close error fails regardless */
			if (c->tool == PREC_PROCPS || !w->ignore_failure)
				r->tool_fails = true;
			continue;
		}
		w->status = PREC_W_OK;
		set_decider(r, k, wi);
		switch (w->key) {
		case KNOB_MODE:
			r->final.mode = (int)iv;
			break;
		case KNOB_RATIO:   /* overcommit_ratio_handler: kbytes := 0 */
			r->final.ratio = iv;
			r->final.kbytes = 0;
			set_decider(r, KNOB_KBYTES, wi);
			break;
		case KNOB_KBYTES:  /* overcommit_kbytes_handler: ratio := 0, even for 0 */
			r->final.kbytes = uv;
			r->final.ratio = 0;
			set_decider(r, KNOB_RATIO, wi);
			break;
		case KNOB_COUNT:
			break;
		}
	}
}

/* The write of (item, key), or SIZE_MAX when the item did not write that key. */
static size_t find_write(const struct ctx *c, size_t ii, int k)
{
	size_t wi;

	for (wi = 0; wi < c->res->nwrites; wi++)
		if (c->write_item[wi] == ii && (int)c->res->writes[wi].key == k)
			return wi;
	return SIZE_MAX;
}

static int shadow_items(struct ctx *c)
{
	const struct prec_result *r = c->res;
	size_t i;
	size_t o;

	for (i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];

		if (!it->has_value)
			continue;
		for (o = 0; o < KNOB_COUNT; o++) {
			int k = (int)knob_sorted[o];
			const struct prec_decider *d = &r->decider[k];
			size_t wi;
			int rc;

			if (!(it->mask & (1u << k)) || (it->glob && explicit_entry(c, k)))
				continue;
			if (it->removed) {
				const struct item *by = &c->items[it->by];

				rc = add_shadow(c, (enum knob)k, it->file, it->line, it->why,
						true, by->file, by->line);
			} else {
				wi = find_write(c, i, k);
				if (wi == SIZE_MAX || (d->set && d->write == wi))
					continue;
				if (r->writes[wi].status == PREC_W_EINVAL)
					rc = add_shadow(c, (enum knob)k, it->file, it->line,
							PREC_SH_REJECTED, false, 0, 0);
				else if (!d->set)
					continue;   /* cannot happen: a taken write decides */
				else
					rc = add_shadow(c, (enum knob)k, it->file, it->line,
							(int)r->writes[d->write].key == k
								? PREC_SH_OVERRIDDEN
								: PREC_SH_ZEROED,
							true, d->file, d->line);
			}
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

static int resolve(struct ctx *c)
{
	bool read[PREC_MAX_FILES];
	size_t unread_by[PREC_MAX_FILES];
	size_t i;

	if (select_files(c, read, unread_by) < 0)
		return -1;
	for (i = 0; i < c->nfiles; i++)
		if (!read[i] && shadow_unread(c, i, unread_by[i]) < 0)
			return -1;
	if (collect_items(c) < 0)
		return -1;
	if (c->tool == PREC_SYSTEMD)
		systemd_merge(c);
	if (plan_writes(c) < 0)
		return -1;
	simulate(c);
	return shadow_items(c);
}

int prec_resolve(enum prec_tool tool, const struct prec_file *files, size_t nfiles,
		 const struct model_policy *start, struct prec_result *res,
		 struct ovc_err *err)
{
	struct ctx *c;
	int r;

	/*
	 * Only the counts and the per-key fields are cleared: the arrays are written entry by
	 * entry before their count covers them. Clearing both structures whole (40 KiB) was
	 * a third of the instructions of `ovc status`.
	 */
	res->tool = tool;
	res->norder = res->nwrites = res->nshadows = res->ndiags = res->ndiags_total = 0;
	res->start = *start;
	res->final = *start;
	memset(res->decider, 0, sizeof(res->decider));
	res->tool_fails = false;
	if (nfiles > PREC_MAX_FILES)
		return ovc_fail(err, OVC_E_INPUT, 0, NULL, 0, "more than %d files",
				PREC_MAX_FILES);
	/*
	 * The context (80 KiB of items) lives on the heap, where only the pages used are
	 * touched: on the stack, -fstack-clash-protection probes every page of the frame,
	 * a page fault each (14 of them in every `ovc status`).
	 */
	c = malloc(sizeof(*c));
	if (!c)
		return ovc_fail(err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
	c->tool = tool;
	c->files = files;
	c->nfiles = nfiles;
	c->res = res;
	c->err = err;
	c->nitems = 0;
	r = resolve(c);
	free(c);
	return r;
}
