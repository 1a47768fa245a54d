/* SPDX-License-Identifier: MIT */
/*
 * profile.c - profile files: parsing, include chains, host-relative values. No I/O.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "units.h"

bool profile_name_ok(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n == 0 || n >= PROFILE_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Copy [b, e) trimmed into out (size n). -1 if it does not fit. */
static int copy_trim(const char *b, const char *e, char *out, size_t n)
{
	while (b < e && blank(*b))
		b++;
	while (e > b && blank(e[-1]))
		e--;
	if ((size_t)(e - b) >= n)
		return -1;
	memcpy(out, b, (size_t)(e - b));
	out[e - b] = '\0';
	return 0;
}

/* "87.5" -> 8750 (hundredths of a percent), 0 < P <= 1000% */
static int parse_pct(const char *s, uint32_t *centi)
{
	uint64_t whole = 0, frac = 0;
	unsigned nfrac = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 1000)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++nfrac > 2)
				return -1;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (nfrac == 0)
			return -1;
		if (nfrac == 1)
			frac *= 10;
	}
	if (*p != '\0')
		return -1;
	*centi = (uint32_t)(whole * 100 + frac);
	return *centi > 0 && *centi <= 100000 ? 0 : -1;
}

/* "[P%] ram" / "[P%] swap" / "hugetlb" / SIZE, already trimmed */
static int parse_term(const char *s, struct profile_term *t, const char **why)
{
	char buf[64];
	const char *word = s, *pct;
	uint64_t bytes;

	t->centi_pct = 10000;
	pct = strchr(s, '%');
	if (pct) {
		size_t n = (size_t)(pct - s);

		if (n == 0 || n >= sizeof(buf) || copy_trim(s, pct, buf, sizeof(buf)) < 0 ||
		    parse_pct(buf, &t->centi_pct) < 0) {
			*why = "a percentage must be a number above 0 and at most 1000, with at most "
			       "two decimals";
			return -1;
		}
		word = pct + 1;
		while (blank(*word))
			word++;
	}
	if (!strcmp(word, "ram")) {
		t->kind = PT_RAM;
		return 0;
	}
	if (!strcmp(word, "swap")) {
		t->kind = PT_SWAP;
		return 0;
	}
	if (!strcmp(word, "hugetlb") && !pct) {
		t->kind = PT_HUGETLB;
		return 0;
	}
	if (pct) {
		*why = "a percentage applies to ram or swap";
		return -1;
	}
	if (units_parse_size(word, &bytes, why) < 0)
		return -1;
	t->kind = PT_SIZE;
	t->kb = bytes / 1024;
	return 0;
}

static int parse_terms(const char *v, struct profile *p, const char **why)
{
	const char *s = v;
	int sign = 1;

	p->nterms = 0;
	for (;;) {
		const char *e = s;
		char term[96];

		while (*e && *e != '+' && !(*e == '-' && e > s && blank(e[-1])))
			e++;
		if (copy_trim(s, e, term, sizeof(term)) < 0 || !term[0]) {
			*why = "expected TERM [+ TERM]..., a TERM being [P%] ram, [P%] swap, hugetlb "
			       "or a size";
			return -1;
		}
		if (p->nterms >= PROFILE_MAX_TERMS) {
			*why = "too many terms";
			return -1;
		}
		p->terms[p->nterms].sign = sign;
		if (parse_term(term, &p->terms[p->nterms], why) < 0)
			return -1;
		p->nterms++;
		if (!*e)
			return 0;
		sign = *e == '+' ? 1 : -1;
		s = e + 1;
	}
}

#define FAIL(line, ...) ovc_fail(err, OVC_E_INPUT, 0, NULL, (line), __VA_ARGS__)

static int parse_limit(const char *key, const char *v, struct profile *p, const char **why)
{
	int64_t r;

	if (!strcmp(key, "ratio")) {
		if (units_parse_int(v, 0, 2147483647, &r, why) < 0)
			return -1;
		p->limit = PROFILE_LIMIT_RATIO;
		p->ratio = r;
		return 0;
	}
	if (!strcmp(key, "kbytes")) {
		const char *pct = strchr(v, '%');

		if (pct) {
			struct profile_term t = { .kind = PT_RAM };

			if (parse_term(v, &t, why) < 0)
				return -1;
			if (t.kind != PT_RAM) {
				*why = "kbytes as a share is a share of ram (e.g. 80% ram)";
				return -1;
			}
			p->limit = PROFILE_LIMIT_KBYTES_RAM;
			p->ram_centi_pct = t.centi_pct;
			return 0;
		}
		if (units_parse_kbytes(v, &p->kbytes, why) < 0)
			return -1;
		p->limit = PROFILE_LIMIT_KBYTES;
		return 0;
	}
	if (parse_terms(v, p, why) < 0)
		return -1;
	p->limit = PROFILE_LIMIT_COMMIT;
	return 0;
}

int profile_parse(const char *name, const char *text, size_t len, struct profile *out,
		  struct ovc_err *err)
{
	const char *p = text, *end = text + len;
	bool seen_desc = false, seen_incl = false, seen_mode = false;
	unsigned line = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (memchr(text, '\0', len))
		return FAIL(0, "a NUL byte: not a profile file");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *eq, *b = p;
		char key[32], val[1024];
		const char *why = NULL;

		line++;
		p = nl ? nl + 1 : end;
		while (b < le && blank(*b))
			b++;
		if (b == le || *b == '#')
			continue;
		eq = memchr(b, '=', (size_t)(le - b));
		if (!eq)
			return FAIL(line, "not 'key = value'");
		if (copy_trim(b, eq, key, sizeof(key)) < 0 || !key[0])
			return FAIL(line, "no key before '='");
		if (copy_trim(eq + 1, le, val, sizeof(val)) < 0)
			return FAIL(line, "the value of %s is too long", key);
		if (!val[0])
			return FAIL(line, "%s has no value", key);
		if (!strcmp(key, "description")) {
			if (seen_desc)
				return FAIL(line, "%s given twice", key);
			seen_desc = true;
			if (strlen(val) >= sizeof(out->description))
				return FAIL(line, "the value of %s is too long", key);
			memcpy(out->description, val, strlen(val) + 1);   /* fits: checked above */
		} else if (!strcmp(key, "reason")) {
			size_t n = strlen(out->reason);

			if (n + 1 + strlen(val) >= sizeof(out->reason))
				return FAIL(line, "%s is too long", key);
			snprintf(out->reason + n, sizeof(out->reason) - n, "%s%s", n ? " " : "", val);
		} else if (!strcmp(key, "source")) {
			if (out->nsources >= PROFILE_MAX_SOURCES || strlen(val) >= sizeof(out->sources[0]))
				return FAIL(line, "too many or too long sources");
			memcpy(out->sources[out->nsources++], val, strlen(val) + 1);   /* fits: above */
		} else if (!strcmp(key, "include")) {
			if (seen_incl)
				return FAIL(line, "only one include");
			seen_incl = true;
			if (!profile_name_ok(val))
				return FAIL(line, "include: '%.64s' is not a profile name", val);
			memcpy(out->include, val, strlen(val) + 1);   /* name_ok: < PROFILE_NAME_MAX */
		} else if (!strcmp(key, "mode")) {
			int64_t m;

			if (seen_mode)
				return FAIL(line, "%s given twice", key);
			seen_mode = true;
			if (units_parse_int(val, 0, 2, &m, &why) < 0)
				return FAIL(line, "mode must be 0, 1 or 2, not '%.32s'", val);
			out->mode_set = true;
			out->mode = (int)m;
		} else if (!strcmp(key, "ratio") || !strcmp(key, "kbytes") ||
			   !strcmp(key, "commit_limit")) {
			if (out->limit != PROFILE_LIMIT_NONE)
				return FAIL(line, "%s: only one of ratio, kbytes and "
						 "commit_limit (the kernel keeps one limit)", key);
			if (parse_limit(key, val, out, &why) < 0) {
				ovc_fail(err, OVC_E_INPUT, 0, NULL, line, "%s = %.100s: %s", key, val, why);
				return -1;
			}
			snprintf(out->limit_text, sizeof(out->limit_text), "%.12s = %.140s", key, val);
		} else {
			return FAIL(line, "unknown key '%s' (description, reason, source, "
					 "include, mode, ratio, kbytes, commit_limit)", key);
		}
	}
	if (!seen_desc)
		return FAIL(0, "no description");
	if (!out->reason[0])
		return FAIL(0, "no reason: a profile says why");
	if (!out->nsources)
		return FAIL(0, "no source: a profile says who recommends it");
	if (!out->mode_set && out->limit == PROFILE_LIMIT_NONE && !out->include[0])
		return FAIL(0, "neither mode nor a limit: the profile changes nothing");
	return 0;
}

int profile_resolve(const char *name, profile_loader load, void *arg, struct profile *out,
		    struct ovc_err *err)
{
	static struct profile chain[PROFILE_MAX_DEPTH];   /* large: off the stack */
	const char *cur = name;
	size_t n = 0, i, k;

	for (;;) {
		const char *text, *path;
		size_t len;
		int r;

		if (!profile_name_ok(cur))
			return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0, "'%s' is not a profile name", cur);
		for (i = 0; i < n; i++)
			if (!strcmp(chain[i].name, cur))
				return ovc_fail(err, OVC_E_INPUT, 0, chain[n - 1].path, 0,
						"include cycle: %s includes %s, which is already in "
						"the chain", chain[n - 1].name, cur);
		if (n == PROFILE_MAX_DEPTH)
			return ovc_fail(err, OVC_E_INPUT, 0, chain[n - 1].path, 0,
					"include chain deeper than %d profiles (from %s)",
					PROFILE_MAX_DEPTH, name);
		r = load(arg, cur, &text, &len, &path, err);
		if (r < 0)
			return -1;
		if (r == 1 && n == 0)
			return 1;
		if (r == 1)
			return ovc_fail(err, OVC_E_INPUT, 0, chain[n - 1].path, 0,
					"%s includes '%s', which is not an installed profile",
					chain[n - 1].name, cur);
		if (profile_parse(cur, text, len, &chain[n], err) < 0) {
			snprintf(err->path, sizeof(err->path), "%s", path);
			return err->line ? ovc_hint(err, OVC_H_PROFILE_FORMAT) : -1;
		}
		snprintf(chain[n].path, sizeof(chain[n].path), "%s", path);
		n++;
		if (!chain[n - 1].include[0])
			break;
		cur = chain[n - 1].include;
	}
	/* the top profile's own words; mode and limit from the nearest profile setting them */
	*out = chain[0];
	for (i = 1; i < n; i++) {
		if (!out->mode_set && chain[i].mode_set) {
			out->mode_set = true;
			out->mode = chain[i].mode;
		}
		if (out->limit == PROFILE_LIMIT_NONE && chain[i].limit != PROFILE_LIMIT_NONE) {
			out->limit = chain[i].limit;
			out->ratio = chain[i].ratio;
			out->kbytes = chain[i].kbytes;
			out->ram_centi_pct = chain[i].ram_centi_pct;
			memcpy(out->terms, chain[i].terms, sizeof(out->terms));
			out->nterms = chain[i].nterms;
			memcpy(out->limit_text, chain[i].limit_text, sizeof(out->limit_text));
		}
		for (k = 0; k < chain[i].nsources && out->nsources < PROFILE_MAX_SOURCES; k++) {
			size_t j;
			bool dup = false;

			for (j = 0; j < out->nsources; j++)
				dup |= !strcmp(out->sources[j], chain[i].sources[k]);
			if (!dup)
				memcpy(out->sources[out->nsources++], chain[i].sources[k],
				       sizeof(out->sources[0]));
		}
	}
	out->nchain = n;
	for (i = 0; i < n; i++)
		memcpy(out->chain[i], chain[i].name, sizeof(out->chain[0]));
	return 0;
}

bool profile_commit_as_ratio(const struct profile *p, int64_t *ratio)
{
	bool ram = false, huge = false, swap = false;
	size_t i;

	if (p->limit != PROFILE_LIMIT_COMMIT || p->nterms != 3)
		return false;
	for (i = 0; i < 3; i++) {
		const struct profile_term *t = &p->terms[i];

		if (t->kind == PT_RAM && t->sign > 0 && t->centi_pct == 10000 && !ram) {
			ram = true;
			*ratio = t->centi_pct / 100;
		} else if (t->kind == PT_HUGETLB && t->sign < 0 && !huge) {
			huge = true;
		} else if (t->kind == PT_SWAP && t->sign > 0 && t->centi_pct == 10000 && !swap) {
			swap = true;
		} else {
			return false;
		}
	}
	return ram && huge && swap;
}

bool profile_host_relative(const struct profile *p)
{
	int64_t r;

	return p->limit == PROFILE_LIMIT_KBYTES_RAM ||
	       (p->limit == PROFILE_LIMIT_COMMIT && !profile_commit_as_ratio(p, &r));
}

/* v * centi / 10000, rounded down, in 128 bits (centi <= 100000: no overflow) */
static unsigned __int128 share(uint64_t v, uint32_t centi)
{
	return ((unsigned __int128)v * centi) / 10000;
}

int profile_request(const struct profile *p, const struct profile_host *h,
		    struct plan_request *rq, struct ovc_err *err)
{
	unsigned __int128 plus = 0, minus = 0;
	size_t i;

	memset(rq, 0, sizeof(*rq));
	rq->mode_set = p->mode_set;
	rq->mode = p->mode;
	switch (p->limit) {
	case PROFILE_LIMIT_NONE:
		return 0;
	case PROFILE_LIMIT_RATIO:
		rq->ratio_set = true;
		rq->ratio = p->ratio;
		return 0;
	case PROFILE_LIMIT_KBYTES:
		rq->kbytes_set = true;
		rq->kbytes = p->kbytes;
		return 0;
	case PROFILE_LIMIT_KBYTES_RAM:
		rq->kbytes_set = true;
		if (share(h->mem_kb, p->ram_centi_pct) > UINT64_MAX)
			return ovc_fail(err, OVC_E_INPUT, 0, NULL, 0, "%s is too large",
					p->limit_text);
		rq->kbytes = (uint64_t)share(h->mem_kb, p->ram_centi_pct);
		if (!rq->kbytes)
			return ovc_fail(err, OVC_E_INPUT, 0, NULL, 0,
					"%s gives 0 kB on this host", p->limit_text);
		return 0;
	case PROFILE_LIMIT_COMMIT:
		if (profile_commit_as_ratio(p, &rq->ratio)) {
			rq->ratio_set = true;
			return 0;
		}
		break;
	}
	for (i = 0; i < p->nterms; i++) {
		const struct profile_term *t = &p->terms[i];
		unsigned __int128 v = t->kind == PT_RAM ? share(h->mem_kb, t->centi_pct)
			     : t->kind == PT_SWAP ? share(h->swap_kb, t->centi_pct)
			     : t->kind == PT_HUGETLB ? h->hugetlb_kb
						     : t->kb;

		if (t->sign > 0)
			plus += v;
		else
			minus += v;
	}
	/* the kernel adds the whole swap itself: kbytes = target - SwapTotal */
	minus += h->swap_kb;
	if (plus <= minus)
		return ovc_fail(err, OVC_E_INPUT, 0, NULL, 0,
				"%s is not above the host's swap (%llu kB), which the kernel "
				"always counts in full: it cannot be set", p->limit_text,
				(unsigned long long)h->swap_kb);
	if (plus - minus > UINT64_MAX)
		return ovc_fail(err, OVC_E_INPUT, 0, NULL, 0, "%s is too large", p->limit_text);
	rq->kbytes_set = true;
	rq->kbytes = (uint64_t)(plus - minus);
	return 0;
}
