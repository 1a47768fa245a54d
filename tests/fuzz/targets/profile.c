/* SPDX-License-Identifier: MIT */
/*
 * profile.c - profile_parse over any bytes, then profile_request on three hosts.
 * Checks: 0, or -1 with OVC_E_INPUT and a line inside the text; on success every string
 * is NUL-terminated, description, reason and at least one source are there, the include
 * is "" or a valid name, the mode is 0..2, the limit is one of the kinds with values in
 * their documented ranges (percentages 0.01..1000%, 1..8 terms of sign +-1), and the
 * profile changes something. profile_request: 0 or -1 with OVC_E_INPUT; the mode and
 * the limit knob follow the profile; kbytes = P% of MemTotal is exact and non-zero;
 * commit_limit gives exactly sum(terms) - SwapTotal, which must be positive.
 */
#include "../../../src/core/profile.h"
#include "fuzz.h"

static const struct profile_host hosts[3] = {
	{ 24684092, 0, 0 },
	{ 65204 * 1024ull, 8388604, 2097152 },
	{ UINT64_MAX, UINT64_MAX / 3, UINT64_MAX / 7 },
};

static void check_request(const struct profile *p, const struct profile_host *h)
{
	struct plan_request rq;
	struct ovc_err e;
	int r;

	memset(&e, 0, sizeof(e));
	r = profile_request(p, h, &rq, &e);
	if (r < 0) {
		fuzz_check_err(&e, OVC_E_INPUT);
		FUZZ_CHECK(profile_host_relative(p), "a fixed profile cannot be requested: %s",
			   e.msg);
		return;
	}
	FUZZ_CHECK(r == 0, "request returned %d", r);
	FUZZ_CHECK(rq.mode_set == p->mode_set && (!rq.mode_set || rq.mode == p->mode), "mode");
	FUZZ_CHECK(!(rq.ratio_set && rq.kbytes_set), "both ratio and kbytes requested");
	switch (p->limit) {
	case PROFILE_LIMIT_NONE:
		FUZZ_CHECK(!rq.ratio_set && !rq.kbytes_set, "a limit from no limit");
		break;
	case PROFILE_LIMIT_RATIO:
		FUZZ_CHECK(rq.ratio_set && rq.ratio == p->ratio, "ratio");
		break;
	case PROFILE_LIMIT_KBYTES:
		FUZZ_CHECK(rq.kbytes_set && rq.kbytes == p->kbytes, "kbytes");
		break;
	case PROFILE_LIMIT_KBYTES_RAM:
		FUZZ_CHECK(rq.kbytes_set && rq.kbytes > 0 &&
				   (unsigned __int128)rq.kbytes ==
					   (unsigned __int128)h->mem_kb * p->ram_centi_pct / 10000,
			   "kbytes %" PRIu64 " is not %u/10000 of %" PRIu64, rq.kbytes,
			   p->ram_centi_pct, h->mem_kb);
		break;
	case PROFILE_LIMIT_COMMIT: {
		__int128 sum = 0;
		int64_t ratio = -1;
		bool as_ratio = profile_commit_as_ratio(p, &ratio);
		size_t i;

		for (i = 0; i < p->nterms; i++) {
			const struct profile_term *t = &p->terms[i];
			unsigned __int128 v =
				t->kind == PT_RAM    ? (unsigned __int128)h->mem_kb * t->centi_pct / 10000
				: t->kind == PT_SWAP ? (unsigned __int128)h->swap_kb * t->centi_pct / 10000
				: t->kind == PT_HUGETLB ? h->hugetlb_kb
							: t->kb;

			sum += t->sign * (__int128)v;
		}
		if (as_ratio) {
			/* vm_commit_limit() for that ratio: (MemTotal - hugetlb) * ratio / 100 +
			 * SwapTotal, in kB (the kernel's page rounding: a few kB) */
			__int128 cl = ((__int128)h->mem_kb - (__int128)h->hugetlb_kb) * ratio / 100 +
				      h->swap_kb;

			FUZZ_CHECK(rq.ratio_set && !rq.kbytes_set && rq.ratio == ratio && ratio >= 1 &&
					   ratio <= 1000,
				   "'%s' as ratio %" PRId64 ": ratio_set %d ratio %" PRId64,
				   p->limit_text, ratio, rq.ratio_set, rq.ratio);
			FUZZ_CHECK(h->hugetlb_kb > h->mem_kb || (cl - sum <= 8 && sum - cl <= 8),
				   "'%s' is written as ratio %" PRId64 ", which gives CommitLimit %"
				   PRIu64 " kB on MemTotal %" PRIu64 " hugetlb %" PRIu64 " swap %" PRIu64
				   ", not the %" PRIu64 " kB the terms ask for",
				   p->limit_text, ratio, (uint64_t)cl, h->mem_kb, h->hugetlb_kb,
				   h->swap_kb, (uint64_t)sum);
			break;
		}
		sum -= h->swap_kb;
		FUZZ_CHECK(rq.kbytes_set && rq.kbytes > 0 && sum == (__int128)rq.kbytes,
			   "commit_limit gives %" PRIu64 " kB, the terms another value", rq.kbytes);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct profile p;
	char *t = fuzz_dup(data, size);
	struct ovc_err e;
	size_t lines = 1, i;
	int r;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&e, 0, sizeof(e));
	r = profile_parse("fuzz", t, size, &p, &e);
	free(t);
	FUZZ_CHECK(!strcmp(p.name, "fuzz"), "name '%s'", p.name);
	if (r < 0) {
		fuzz_check_err(&e, OVC_E_INPUT);
		FUZZ_CHECK(e.line <= lines, "error on line %u of %zu", e.line, lines);
		return 0;
	}
	FUZZ_CHECK(r == 0, "returned %d", r);
	FUZZ_CHECK(fuzz_terminated(p.description, sizeof(p.description)) && p.description[0],
		   "description");
	FUZZ_CHECK(fuzz_terminated(p.reason, sizeof(p.reason)) && p.reason[0], "reason");
	FUZZ_CHECK(p.nsources >= 1 && p.nsources <= PROFILE_MAX_SOURCES, "%zu sources",
		   p.nsources);
	for (i = 0; i < p.nsources; i++)
		FUZZ_CHECK(fuzz_terminated(p.sources[i], sizeof(p.sources[i])) && p.sources[i][0],
			   "source %zu", i);
	FUZZ_CHECK(fuzz_terminated(p.include, sizeof(p.include)) &&
			   (!p.include[0] || profile_name_ok(p.include)),
		   "include '%.64s'", p.include);
	FUZZ_CHECK(fuzz_terminated(p.limit_text, sizeof(p.limit_text)), "limit_text");
	FUZZ_CHECK(p.nchain == 0, "a chain before resolve");
	FUZZ_CHECK(!p.mode_set || (p.mode >= 0 && p.mode <= 2), "mode %d", p.mode);
	FUZZ_CHECK(p.mode_set || p.limit != PROFILE_LIMIT_NONE || p.include[0],
		   "a profile that changes nothing");
	FUZZ_CHECK((p.limit == PROFILE_LIMIT_NONE) == !p.limit_text[0], "limit_text '%s'",
		   p.limit_text);
	switch (p.limit) {
	case PROFILE_LIMIT_NONE:
		break;
	case PROFILE_LIMIT_RATIO:
		FUZZ_CHECK(p.ratio >= 0 && p.ratio <= 2147483647, "ratio %" PRId64, p.ratio);
		break;
	case PROFILE_LIMIT_KBYTES:
		break;
	case PROFILE_LIMIT_KBYTES_RAM:
		FUZZ_CHECK(p.ram_centi_pct >= 1 && p.ram_centi_pct <= 100000, "kbytes %u/10000 ram",
			   p.ram_centi_pct);
		break;
	case PROFILE_LIMIT_COMMIT:
		FUZZ_CHECK(p.nterms >= 1 && p.nterms <= PROFILE_MAX_TERMS, "%zu terms", p.nterms);
		for (i = 0; i < p.nterms; i++) {
			const struct profile_term *tm = &p.terms[i];

			FUZZ_CHECK((tm->sign == 1 || tm->sign == -1) && tm->kind <= PT_SIZE &&
					   tm->centi_pct >= 1 && tm->centi_pct <= 100000,
				   "term %zu: sign %d kind %d pct %u", i, tm->sign, (int)tm->kind,
				   tm->centi_pct);
		}
		break;
	default:
		FUZZ_CHECK(0, "limit kind %d", (int)p.limit);
	}
	for (i = 0; i < 3; i++)
		check_request(&p, &hosts[i]);
	return 0;
}
