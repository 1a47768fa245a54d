/* SPDX-License-Identifier: MIT */
/*
 * export.c - a profile as a sysctl.d file, a TuneD profile, cloud-config or an Ansible
 * task list. No I/O, no allocation: the text is built in the caller's buffer.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "model.h"
#include "units.h"

/* comment lines are wrapped to this many bytes (in cloud-init's content, before the
   indentation: the file written is the sysctl export, byte for byte) */
#define WIDTH 80

/* ---- names and options ----------------------------------------------------------- */

static const char *const format_names[] = {
	[EXPORT_SYSCTL] = "sysctl",
	[EXPORT_TUNED] = "tuned",
	[EXPORT_CLOUD_INIT] = "cloud-init",
	[EXPORT_ANSIBLE] = "ansible",
};

bool export_format_parse(const char *s, enum export_format *f)
{
	size_t i;

	for (i = 0; s && i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcmp(s, format_names[i])) {
			*f = (enum export_format)i;
			return true;
		}
	return false;
}

const char *export_format_name(enum export_format f)
{
	return (unsigned)f < sizeof(format_names) / sizeof(format_names[0]) ? format_names[f]
									      : "?";
}

bool export_format_has_file(enum export_format f)
{
	return f == EXPORT_CLOUD_INIT || f == EXPORT_ANSIBLE;
}

bool export_file_ok(const char *path, const char **why)
{
	size_t n = path ? strlen(path) : 0, i;
	const char *c;

	if (n == 0 || path[0] != '/') {
		*why = "not an absolute path";
		return false;
	}
	if (n >= EXPORT_FILE_MAX) {
		*why = "too long";
		return false;
	}
	for (i = 0; i < n; i++) {
		char ch = path[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-' || ch == '+' || ch == '@' || ch == '/')) {
			*why = "only letters, digits and . _ - + @ / are allowed";
			return false;
		}
	}
	for (c = path; c && *c; c = strchr(c, '/')) {
		const char *e;
		size_t k;

		c++;   /* past the '/' */
		e = strchr(c, '/');
		k = e ? (size_t)(e - c) : strlen(c);
		if (k == 0 || (k == 1 && c[0] == '.') || (k == 2 && c[0] == '.' && c[1] == '.')) {
			*why = "an empty, '.' or '..' path component";
			return false;
		}
	}
	if (n < 6 || strcmp(path + n - 5, ".conf") || path[n - 6] == '/') {
		*why = "sysctl reads only files whose names end in .conf";
		return false;
	}
	return true;
}

int export_parse_host(const char *spec, struct profile_host *h, const char **why)
{
	bool mem = false, swap = false, huge = false;
	const char *p = spec;

	memset(h, 0, sizeof(*h));
	if (!spec || !*spec) {
		*why = "expected mem=SIZE,swap=SIZE[,hugetlb=SIZE]";
		return -1;
	}
	while (*p) {
		const char *e = strchr(p, ','), *eq;
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char key[16], val[64];
		uint64_t b, *dst;
		bool *seen;

		eq = memchr(p, '=', n);
		if (!eq || (size_t)(eq - p) >= sizeof(key) || n - (size_t)(eq - p) - 1 >= sizeof(val)) {
			*why = "expected mem=SIZE,swap=SIZE[,hugetlb=SIZE]";
			return -1;
		}
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		memcpy(val, eq + 1, n - (size_t)(eq - p) - 1);
		val[n - (size_t)(eq - p) - 1] = '\0';
		if (!strcmp(key, "mem")) {
			dst = &h->mem_kb;
			seen = &mem;
		} else if (!strcmp(key, "swap")) {
			dst = &h->swap_kb;
			seen = &swap;
		} else if (!strcmp(key, "hugetlb")) {
			dst = &h->hugetlb_kb;
			seen = &huge;
		} else {
			*why = "the keys are mem, swap and hugetlb";
			return -1;
		}
		if (*seen) {
			*why = "a key is given twice";
			return -1;
		}
		if (units_parse_size(val, &b, why) < 0)
			return -1;
		*seen = true;
		*dst = b / 1024;
		p += n;
		if (*p == ',') {
			p++;
			if (!*p) {
				*why = "a trailing ','";
				return -1;
			}
		}
	}
	if (!mem || !swap) {
		*why = "mem and swap are both required";
		return -1;
	}
	return 0;
}

/* ---- safe text ----------------------------------------------------------------- */

/* The length of one acceptable character at p (see export_clean), or 0. */
static size_t good_char(const unsigned char *p)
{
	uint32_t cp;
	size_t k, i;

	if (p[0] >= 0x20 && p[0] < 0x7f)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		k = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		k = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		k = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)   /* also stops at the terminating NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;   /* overlong, too large, a surrogate */
	if (cp <= 0x9f || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;   /* C1 controls (U+0085 is a YAML line break), line/paragraph separators */
	return k;
}

void export_clean(const char *s, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;

	if (!n)
		return;
	while (*p) {
		size_t k = *p == '\t' ? 0 : good_char(p);

		if (o + (k ? k : 1) >= n)
			break;
		if (k) {
			memcpy(out + o, p, k);
			o += k;
			p += k;
		} else {
			out[o++] = *p == '\t' ? ' ' : '?';
			p++;
		}
	}
	out[o] = '\0';
}

/* ---- the text builder ------------------------------------------------------------ */

struct tb {
	char *p;
	size_t len, cap;
	bool over;            /* something did not fit: the text is unusable */
	bool bol;             /* at the beginning of a line */
	const char *indent;   /* put before every non-empty line (YAML block content) */
};

static void raw(struct tb *t, const char *s, size_t n)
{
	if (t->over || n >= t->cap - t->len) {
		t->over = true;
		return;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void put(struct tb *t, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;

		if (t->bol && t->indent && !(k == 1 && *s == '\n'))
			raw(t, t->indent, strlen(t->indent));
		raw(t, s, k);
		t->bol = nl != NULL;
		s += k;
		n -= k;
	}
}

static void puts_(struct tb *t, const char *s)
{
	put(t, s, strlen(s));
}

static void putf(struct tb *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct tb *t, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b)) {
		t->over = true;
		return;
	}
	put(t, b, (size_t)n);
}

/*
 * Word-wrapped comment lines of text (already clean): the first line starts with first,
 * the others with rest. A word longer than the line (a URL) is not broken.
 */
static void para(struct tb *t, const char *first, const char *rest, const char *text)
{
	const char *w = text;
	size_t col = strlen(first), words = 0;

	puts_(t, first);
	for (;;) {
		const char *e;
		size_t wl;

		while (*w == ' ')
			w++;
		if (!*w)
			break;
		e = strchr(w, ' ');
		wl = e ? (size_t)(e - w) : strlen(w);
		if (words && col + 1 + wl > WIDTH) {
			puts_(t, "\n");
			puts_(t, rest);
			col = strlen(rest);
			words = 0;
		}
		if (words) {
			puts_(t, " ");
			col++;
		}
		put(t, w, wl);
		col += wl;
		words++;
		w += wl;
	}
	puts_(t, "\n");
}

/* text as a YAML double-quoted scalar (text is clean: only '\' and '"' need escapes) */
static void yaml_str(struct tb *t, const char *text)
{
	const char *s;

	puts_(t, "\"");
	for (s = text; *s; s++) {
		if (*s == '"' || *s == '\\')
			puts_(t, "\\");
		put(t, s, 1);
	}
	puts_(t, "\"");
}

/* ---- what is exported -------------------------------------------------------------- */

struct kv {
	const char *key;
	char val[24];
};

/*
 * The keys the request sets, in the drop-in's order (mode 2: the limit first, so that
 * applying the lines one by one never enforces the new mode with the old limit), and the
 * limit knob it does not use (NULL when it sets none: then both are the host's).
 */
static size_t keys_of(const struct plan_request *rq, struct kv kv[2], const char **other)
{
	struct kv mode = { "vm.overcommit_memory", "" }, lim = { NULL, "" };
	bool has_lim = rq->ratio_set || rq->kbytes_set;
	size_t n = 0;

	snprintf(mode.val, sizeof(mode.val), "%d", rq->mode);
	if (rq->ratio_set) {
		lim.key = "vm.overcommit_ratio";
		snprintf(lim.val, sizeof(lim.val), "%" PRId64, rq->ratio);
	} else if (rq->kbytes_set) {
		lim.key = "vm.overcommit_kbytes";
		snprintf(lim.val, sizeof(lim.val), "%" PRIu64, rq->kbytes);
	}
	*other = rq->ratio_set ? "vm.overcommit_kbytes" : rq->kbytes_set ? "vm.overcommit_ratio"
									 : NULL;
	if (rq->mode_set && rq->mode == 2) {
		if (has_lim)
			kv[n++] = lim;
		kv[n++] = mode;
	} else {
		if (rq->mode_set)
			kv[n++] = mode;
		if (has_lim)
			kv[n++] = lim;
	}
	return n;
}

struct ctx {
	const struct export_in *in;
	const struct export_out *out;
	const char *file;
	char desc[256];   /* clean */
};

/* The first comment paragraph: what this is, in the words of each format. */
static void intro(struct tb *t, const struct ctx *c)
{
	const char *n = c->in->profile->name;   /* a valid profile name: [A-Za-z0-9._-] */
	char s[1024];

	switch (c->in->format) {
	case EXPORT_SYSCTL:
		snprintf(s, sizeof(s),
			 "Overcommit policy of ovc profile \"%s\", exported by \"ovc profile export\" as a sysctl.d(5) file. This is not ovc's drop-in: ovc persist, reset and profile --persist neither write nor remove it.",
			 n);
		break;
	case EXPORT_TUNED:
		snprintf(s, sizeof(s),
			 "Overcommit policy of ovc profile \"%s\", exported by \"ovc profile export\" as a TuneD profile. Install it as /etc/tuned/ovc-%s/tuned.conf and select it with \"tuned-adm profile ovc-%s\", or together with another one: \"tuned-adm profile throughput-performance ovc-%s\". TuneD writes the settings of /etc/sysctl.d and /etc/sysctl.conf again after its own (reapply_sysctl in tuned-main.conf), so these keys set there win over this profile.",
			 n, n, n, n);
		break;
	case EXPORT_CLOUD_INIT:
		snprintf(s, sizeof(s),
			 "Overcommit policy of ovc profile \"%s\", exported by \"ovc profile export\" as cloud-config. write_files puts %s in place (init stage), and systemd-sysctl applies it at every later boot. On the first boot, bootcmd sets the same values, once per instance: it runs in the same stage, before the services of multi-user.target start, but before write_files too, so it cannot read the file (runcmd would run only in the final stage, after those services).",
			 n, c->file);
		break;
	case EXPORT_ANSIBLE:
		snprintf(s, sizeof(s),
			 "Overcommit policy of ovc profile \"%s\", exported by \"ovc profile export\" as an Ansible task list (ansible.posix.sysctl). Include it with import_tasks or include_tasks, as root. Each task sets one key in %s and applies that file (sysctl -p); the limit knob the profile does not use is removed from it, as the kernel keeps only one.",
			 n, c->file);
		break;
	}
	para(t, "# ", "# ", s);
}

/* The profile in comment lines: description, chain, mode, limit, reason, sources. */
static void body(struct tb *t, const struct ctx *c)
{
	const struct profile *p = c->in->profile;
	const struct plan_request *rq = &c->out->rq;
	char s[3072], lim[sizeof(p->limit_text)], from[1024];
	size_t i;

	puts_(t, "#\n");
	para(t, "# ", "# ", c->desc);
	if (p->nchain > 1) {
		size_t o = 0;

		s[0] = '\0';
		for (i = 1; i < p->nchain && o < sizeof(s); i++)
			o += (size_t)snprintf(s + o, sizeof(s) - o, "%s%s", i > 1 ? ", " : "",
					      p->chain[i]);
		para(t, "# includes: ", "#           ", s);
	}
	puts_(t, "#\n");
	if (rq->mode_set)
		putf(t, "# mode:    %d (%s)\n", rq->mode, model_mode_name(rq->mode));
	else
		puts_(t, "# mode:    not set: the host keeps its vm.overcommit_memory\n");
	export_clean(p->limit_text, lim, sizeof(lim));
	if (p->limit == PROFILE_LIMIT_NONE) {
		snprintf(s, sizeof(s), "not set: the host keeps its vm.overcommit_ratio and vm.overcommit_kbytes");
	} else if (c->out->host_relative) {
		export_clean(c->in->host_from ? c->in->host_from : "given", from, sizeof(from));
		snprintf(s, sizeof(s),
			 "%s, host-relative: computed from MemTotal %" PRIu64 " kB, SwapTotal %" PRIu64
			 " kB and hugetlb %" PRIu64 " kB (%s)%s. The number is fixed: export again for a host with other figures.",
			 lim, c->in->host.mem_kb, c->in->host.swap_kb,
			 c->in->host.hugetlb_kb, from,
			 p->limit == PROFILE_LIMIT_COMMIT
				 ? "; the kernel adds SwapTotal to vm.overcommit_kbytes itself" : "");
	} else if (p->limit == PROFILE_LIMIT_COMMIT) {
		snprintf(s, sizeof(s), "%s, the kernel's own formula for ratio %" PRId64
			 ", which follows the host's figures by itself", lim, rq->ratio);
	} else {
		snprintf(s, sizeof(s), "%s", lim);
	}
	para(t, "# limit:   ", "#          ", s);
	if (plan_validate(rq, false) == PLAN_ZERO_LIMIT)
		para(t, "# warning: ", "#          ",
		     "a limit of 0 leaves only the swap to CommitLimit; ovc applies it only with --force");
	export_clean(p->reason, s, sizeof(s));
	para(t, "# reason:  ", "#          ", s);
	for (i = 0; i < p->nsources; i++) {
		export_clean(p->sources[i], s, sizeof(s));
		para(t, i ? "#          " : "# sources: ", "#          ", s);
	}
}

/* The sysctl.d text: comments, then "key = value" lines. */
static void sysctl_text(struct tb *t, const struct ctx *c, struct export_in in_as_sysctl)
{
	struct ctx c2 = *c;
	const char *other;
	struct kv kv[2];
	size_t i, n = keys_of(&c->out->rq, kv, &other);

	c2.in = &in_as_sysctl;
	intro(t, &c2);
	body(t, &c2);
	for (i = 0; i < n; i++)
		putf(t, "%s = %s\n", kv[i].key, kv[i].val);
}

static void tuned(struct tb *t, const struct ctx *c)
{
	const char *other;
	struct kv kv[2];
	size_t i, n = keys_of(&c->out->rq, kv, &other), o = 0;
	char sum[sizeof(c->desc)];
	const char *s;

	intro(t, c);
	body(t, c);
	/* configparser (inline_comment_prefixes '#') cuts a value at a '#' after a blank */
	for (s = c->desc; *s; s++) {
		if (*s == '#')
			while (o && (sum[o - 1] == ' '))
				o--;
		sum[o++] = *s;
	}
	sum[o] = '\0';
	puts_(t, "\n[main]\nsummary=");
	puts_(t, sum);
	puts_(t, "\n\n[sysctl]\n");
	for (i = 0; i < n; i++)
		putf(t, "%s=%s\n", kv[i].key, kv[i].val);
}

static void cloud_init(struct tb *t, const struct ctx *c)
{
	struct export_in as = *c->in;
	const char *other;
	struct kv kv[2];
	size_t i, n = keys_of(&c->out->rq, kv, &other);

	puts_(t, "#cloud-config\n");
	intro(t, c);
	puts_(t, "#\n");
	para(t, "# ", "# ", c->desc);
	puts_(t, "write_files:\n  - path: ");
	yaml_str(t, c->file);
	puts_(t, "\n    owner: \"root:root\"\n    permissions: \"0644\"\n    content: |\n");
	as.format = EXPORT_SYSCTL;
	t->indent = "      ";
	sysctl_text(t, c, as);
	t->indent = NULL;
	puts_(t, "bootcmd:\n  - [\"cloud-init-per\", \"instance\", \"ovc-overcommit\", \"sysctl\", \"-w\"");
	for (i = 0; i < n; i++)
		putf(t, ", \"%s=%s\"", kv[i].key, kv[i].val);
	puts_(t, "]\n");
}

static void ansible(struct tb *t, const struct ctx *c)
{
	const char *other;
	struct kv kv[2];
	size_t i, n = keys_of(&c->out->rq, kv, &other);
	char s[EXPORT_FILE_MAX + 300];

	puts_(t, "---\n");
	intro(t, c);
	body(t, c);
	snprintf(s, sizeof(s), "ovc profile %s: %s", c->in->profile->name, c->desc);
	puts_(t, "- name: ");
	yaml_str(t, s);
	puts_(t, "\n  block:\n");
	if (other) {
		snprintf(s, sizeof(s), "%s is not in %s: the kernel keeps one limit knob", other,
			 c->file);
		puts_(t, "    - name: ");
		yaml_str(t, s);
		putf(t, "\n      ansible.posix.sysctl:\n        name: %s\n        state: absent\n"
		     "        sysctl_file: ", other);
		yaml_str(t, c->file);
		puts_(t, "\n        reload: false\n");
	}
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "%s = %s", kv[i].key, kv[i].val);
		puts_(t, "    - name: ");
		yaml_str(t, s);
		putf(t, "\n      ansible.posix.sysctl:\n        name: %s\n        value: \"%s\"\n"
		     "        state: present\n        sysctl_file: ", kv[i].key, kv[i].val);
		yaml_str(t, c->file);
		puts_(t, "\n        reload: true\n");
	}
}

int export_render(const struct export_in *in, char *buf, size_t len, struct export_out *out,
		  struct ovc_err *err)
{
	struct tb t = { .p = buf, .cap = len, .bol = true };
	struct ctx c = { .in = in, .out = out };
	const char *why;

	memset(out, 0, sizeof(*out));
	if (!len)
		return ovc_fail(err, OVC_E_INPUT, 0, NULL, 0, "no room for the export");
	buf[0] = '\0';
	out->host_relative = profile_host_relative(in->profile);
	if (profile_request(in->profile, &in->host, &out->rq, err) < 0)
		return -1;
	c.file = in->file ? in->file : EXPORT_FILE_DEFAULT;
	if (export_format_has_file(in->format) && !export_file_ok(c.file, &why))
		return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0, "'%.300s' cannot be the sysctl file: %s",
				c.file, why);
	export_clean(in->profile->description, c.desc, sizeof(c.desc));
	switch (in->format) {
	case EXPORT_SYSCTL:
		sysctl_text(&t, &c, *in);
		break;
	case EXPORT_TUNED:
		tuned(&t, &c);
		break;
	case EXPORT_CLOUD_INIT:
		cloud_init(&t, &c);
		break;
	case EXPORT_ANSIBLE:
		ansible(&t, &c);
		break;
	default:
		return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0, "no such export format");
	}
	if (t.over) {
		buf[0] = '\0';
		return ovc_fail(err, OVC_E_INPUT, 0, NULL, 0,
				"the %s export of profile %s does not fit in %zu bytes",
				export_format_name(in->format), in->profile->name, len);
	}
	out->len = t.len;
	return 0;
}
