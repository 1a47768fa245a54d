/* SPDX-License-Identifier: MIT */
/*
 * dropin.c - the text of ovc's drop-in, reading one back, and the shadow check.
 * No I/O, no allocation.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dropin.h"

bool dropin_profile_name_ok(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n == 0 || n >= DROPIN_PROFILE_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int dropin_render(const struct model_policy *p, const char *profile, char *buf, size_t len)
{
	char mode[64], limit[64], prof[DROPIN_PROFILE_MAX + 16] = "";
	int n;

	if (p->mode < 0 || p->mode > 2 || p->ratio < 0 || (profile && !dropin_profile_name_ok(profile)))
		return -1;
	snprintf(mode, sizeof(mode), "vm.overcommit_memory = %d\n", p->mode);
	if (p->kbytes)
		snprintf(limit, sizeof(limit), "vm.overcommit_kbytes = %" PRIu64 "\n", p->kbytes);
	else
		snprintf(limit, sizeof(limit), "vm.overcommit_ratio = %" PRId64 "\n", p->ratio);
	if (profile)
		snprintf(prof, sizeof(prof), "# profile: %s\n", profile);
	n = snprintf(buf, len,
		     DROPIN_MARKER " Do not edit: run \"ovc persist\" to change this file\n"
		     "# and \"ovc reset --persist\" to remove it.\n"
		     "%s%s%s", prof, p->mode == 2 ? limit : mode, p->mode == 2 ? mode : limit);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

static bool parse_dec(const char *b, const char *e, bool allow_neg, int64_t *v)
{
	bool neg = false;
	uint64_t u = 0;

	if (b < e && *b == '-' && allow_neg) {
		neg = true;
		b++;
	}
	if (b == e)
		return false;
	for (; b < e; b++) {
		if (*b < '0' || *b > '9' || u > (UINT64_MAX - 9) / 10)
			return false;
		u = u * 10 + (uint64_t)(*b - '0');
	}
	if (u > (uint64_t)INT64_MAX)
		return false;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

static bool parse_udec(const char *b, const char *e, uint64_t *v)
{
	uint64_t u = 0;

	if (b == e)
		return false;
	for (; b < e; b++)
		if (*b < '0' || *b > '9' || __builtin_mul_overflow(u, 10, &u) ||
		    __builtin_add_overflow(u, (uint64_t)(*b - '0'), &u))
			return false;
	*v = u;
	return true;
}

static void trim(const char **b, const char **e)
{
	while (*b < *e && (**b == ' ' || **b == '\t' || **b == '\r'))
		(*b)++;
	while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

static void parse_line(const char *b, const char *e, bool first, struct dropin_info *out)
{
	static const char prof[] = "# profile:";
	const char *eq, *kb, *ke, *vb, *ve;
	int64_t v;
	uint64_t u;

	if (first && (size_t)(e - b) >= strlen(DROPIN_MARKER) &&
	    !memcmp(b, DROPIN_MARKER, strlen(DROPIN_MARKER))) {
		out->managed = true;
		return;
	}
	if ((size_t)(e - b) > strlen(prof) && !memcmp(b, prof, strlen(prof))) {
		vb = b + strlen(prof);
		ve = e;
		trim(&vb, &ve);
		if ((size_t)(ve - vb) < DROPIN_PROFILE_MAX) {
			memcpy(out->profile, vb, (size_t)(ve - vb));
			out->profile[ve - vb] = '\0';
			if (!dropin_profile_name_ok(out->profile))
				out->profile[0] = '\0';
		}
		return;
	}
	eq = memchr(b, '=', (size_t)(e - b));
	if (!eq)
		return;
	kb = b;
	ke = eq;
	vb = eq + 1;
	ve = e;
	trim(&kb, &ke);
	trim(&vb, &ve);
#define IS(k) ((size_t)(ke - kb) == strlen(k) && !memcmp(kb, k, strlen(k)))
	if (IS("vm.overcommit_memory") && parse_dec(vb, ve, false, &v) && v <= 2) {
		out->mode_set = true;
		out->policy.mode = (int)v;
	} else if (IS("vm.overcommit_ratio") && parse_dec(vb, ve, false, &v)) {
		out->ratio_set = true;
		out->kbytes_set = false;
		out->policy.ratio = v;
		out->policy.kbytes = 0;
	} else if (IS("vm.overcommit_kbytes") && parse_udec(vb, ve, &u)) {
		out->kbytes_set = true;
		out->ratio_set = false;
		out->policy.kbytes = u;
		out->policy.ratio = 0;
	}
#undef IS
}

void dropin_parse(const char *text, size_t len, struct dropin_info *out)
{
	const char *p = text, *end = text + len;
	bool first = true;

	memset(out, 0, sizeof(*out));
	out->policy = knob_kernel_defaults;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		parse_line(p, le, first, out);
		first = false;
		p = nl ? nl + 1 : end;
	}
}

int dropin_check(struct prec_file *files, size_t *nfiles, size_t cap, const char *path,
		 const char *text, size_t len, const struct model_policy *want,
		 struct dropin_check *out, struct ovc_err *err)
{
	const struct model_policy *boot = &knob_kernel_defaults;
	const struct prec_result *rs[2];
	struct prec_file *f = NULL;
	size_t i, t;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < *nfiles; i++)
		if (!strcmp(files[i].dir, DROPIN_DIR) && !strcmp(files[i].name, DROPIN_NAME)) {
			f = &files[i];
			break;
		}
	if (!f) {
		if (*nfiles >= cap || *nfiles >= PREC_MAX_FILES)
			return ovc_fail(err, OVC_E_INPUT, 0, NULL, 0,
					"more than %d sysctl.d files", PREC_MAX_FILES - 1);
		f = &files[(*nfiles)++];
		memset(f, 0, sizeof(*f));
		f->dir = DROPIN_DIR;
		f->name = DROPIN_NAME;
	}
	out->index = (size_t)(f - files);
	f->path = path;
	f->text = text;
	f->len = text ? len : 0;
	f->readable = text != NULL;
	f->regular = text != NULL;
	f->masked = false;
	f->hidden = false;
	if (prec_resolve(PREC_SYSTEMD, files, *nfiles, boot, &out->sd, err) < 0 ||
	    prec_resolve(PREC_PROCPS, files, *nfiles, boot, &out->pp, err) < 0)
		return -1;
	if (!want)
		return 0;
	rs[0] = &out->sd;
	rs[1] = &out->pp;
	for (t = 0; t < 2; t++)
		for (i = 0; i < KNOB_COUNT; i++) {   /* in the order both tools apply a glob */
			enum knob k = knob_sorted[i];
			const struct prec_decider *d = &rs[t]->decider[k];
			struct dropin_shadow *s;

			if (knob_equal(&rs[t]->final, want, k))
				continue;
			s = &out->shadows[out->nshadows++];
			s->tool = rs[t]->tool;
			s->key = k;
			s->want = *want;
			s->got = rs[t]->final;
			s->by_set = d->set;
			s->by_file = d->file;
			s->by_line = d->line;
		}
	return 0;
}
