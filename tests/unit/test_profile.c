/* SPDX-License-Identifier: MIT */
/* test_profile.c - profile files: grammar, errors with lines, includes, host values. */
#include "../../src/core/profile.h"
#include "tap.h"

static struct profile P;

#define HEAD "description = d\nreason = r\nsource = s\n"

static int parse(const char *text, struct ovc_err *err)
{
	memset(err, 0, sizeof(*err));
	return profile_parse("t", text, strlen(text), &P, err);
}

static void test_grammar(void)
{
	struct ovc_err err;

	TAP_I64(parse(HEAD "mode = 1\n", &err), 0, "grammar: a minimal profile");
	TAP_U64(P.mode_set && P.mode == 1 && P.limit == PROFILE_LIMIT_NONE, 1,
		"grammar: mode 1, limit unchanged");
	TAP_I64(parse("# c\n\n  description = two  words  \nreason = a\nreason = b\n"
		      "source = x\nsource = y\nratio = 80\n", &err), 0, "grammar: comments, blanks, repeats");
	TAP_STR(P.description, "two  words", "grammar: values trimmed, inner blanks kept");
	TAP_STR(P.reason, "a b", "grammar: reason lines joined");
	TAP_U64(P.nsources, 2, "grammar: sources accumulate");
	TAP_U64(P.limit == PROFILE_LIMIT_RATIO && P.ratio == 80, 1, "grammar: ratio");
	TAP_I64(parse(HEAD "kbytes = 16G\n", &err), 0, "grammar: kbytes with a unit");
	TAP_U64(P.kbytes, 16777216, "grammar: 16G is 16777216 kB");
	TAP_I64(parse(HEAD "kbytes = 87.5% ram\n", &err), 0, "grammar: kbytes as a share of ram");
	TAP_U64(P.limit == PROFILE_LIMIT_KBYTES_RAM && P.ram_centi_pct == 8750, 1, "grammar: 87.5%%");
	TAP_I64(parse(HEAD "commit_limit = ram - hugetlb + 50% swap + 1G\n", &err), 0,
		"grammar: commit_limit terms");
	TAP_U64(P.nterms, 4, "grammar: four terms");
	TAP_U64(P.terms[1].sign == -1 && P.terms[1].kind == PT_HUGETLB && P.terms[2].centi_pct == 5000 &&
			P.terms[3].kb == 1048576, 1, "grammar: signs, kinds and sizes");
	TAP_STR(P.limit_text, "commit_limit = ram - hugetlb + 50% swap + 1G", "grammar: as written");

	/* errors name the line */
	TAP_I64(parse(HEAD "mode = 3\n", &err), -1, "error: mode 3");
	TAP_U64(err.line, 4, "error: on line 4");
	TAP_STR(err.msg, "mode must be 0, 1 or 2, not '3'", "error: message");
	parse(HEAD "bogus = 1\n", &err);
	TAP_U64(err.line == 4 && strstr(err.msg, "unknown key 'bogus'") != NULL, 1, "error: unknown key");
	parse(HEAD "mode = 1\nmode = 2\n", &err);
	TAP_U64(err.line, 5, "error: mode given twice, on the second");
	parse(HEAD "ratio = 80\nkbytes = 1\n", &err);
	TAP_U64(err.line == 5 && strstr(err.msg, "only one of ratio, kbytes") != NULL, 1,
		"error: two limits");
	parse(HEAD "just words\n", &err);
	TAP_STR(err.msg, "not 'key = value'", "error: not key = value");
	parse(HEAD "kbytes = 50% swap\n", &err);
	TAP_U64(strstr(err.msg, "a share of ram") != NULL, 1, "error: kbytes share of swap");
	parse(HEAD "commit_limit = 50% hugetlb\n", &err);
	TAP_U64(err.code == OVC_E_INPUT && err.line == 4, 1, "error: a share of hugetlb");
	parse(HEAD "commit_limit = ram +\n", &err);
	TAP_U64(err.line, 4, "error: a dangling +");
	parse(HEAD "kbytes = 0.001% ram\n", &err);
	TAP_U64(err.line, 4, "error: three decimals");
	parse("reason = r\nsource = s\nmode = 1\n", &err);
	TAP_STR(err.msg, "no description", "error: no description");
	parse("description = d\nsource = s\nmode = 1\n", &err);
	TAP_STR(err.msg, "no reason: a profile says why", "error: no reason");
	parse("description = d\nreason = r\nmode = 1\n", &err);
	TAP_STR(err.msg, "no source: a profile says who recommends it", "error: no source");
	parse(HEAD, &err);
	TAP_U64(strstr(err.msg, "changes nothing") != NULL, 1, "error: no mode and no limit");
	parse(HEAD "include = ../x\n", &err);
	TAP_U64(err.line, 4, "error: include of a path");
	TAP_I64(profile_parse("t", "mode = 1\0", 9, &P, &err), -1, "error: a NUL byte");
}

/* an in-memory profile tree for profile_resolve */
static const char *const tree[][2] = {
	{ "base", HEAD "mode = 2\ncommit_limit = ram + swap\nsource = base-src\n" },
	{ "child", "description = c\nreason = rc\nsource = child-src\nsource = s\ninclude = base\n" },
	{ "grand", "description = g\nreason = rg\nsource = g\ninclude = child\nmode = 1\n" },
	{ "loop-a", HEAD "include = loop-b\n" },
	{ "loop-b", HEAD "include = loop-a\n" },
	{ "dangling", HEAD "include = nowhere\n" },
	{ "broken", HEAD "mode = 9\n" },
	{ "incl-broken", HEAD "include = broken\n" },
};

static int loader(void *arg, const char *name, const char **text, size_t *len, const char **path,
		  struct ovc_err *err)
{
	size_t i;

	(void)arg;
	(void)err;
	for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++)
		if (!strcmp(tree[i][0], name)) {
			*text = tree[i][1];
			*len = strlen(tree[i][1]);
			*path = tree[i][0];
			return 0;
		}
	return 1;
}

static void test_include(void)
{
	struct ovc_err err = { 0 };

	TAP_I64(profile_resolve("grand", loader, NULL, &P, &err), 0, "include: a chain of three");
	TAP_U64(P.nchain == 3 && !strcmp(P.chain[1], "child") && !strcmp(P.chain[2], "base"), 1,
		"include: the chain, top first");
	TAP_I64(P.mode, 1, "include: the top's mode wins");
	TAP_U64(P.limit, PROFILE_LIMIT_COMMIT, "include: the limit comes from base");
	TAP_STR(P.description, "g", "include: the top's own description");
	TAP_U64(P.nsources, 4, "include: sources merged, duplicates once (g, child-src, s, base-src)");
	TAP_I64(profile_resolve("loop-a", loader, NULL, &P, &err), -1, "include: a cycle is an error");
	TAP_U64(strstr(err.msg, "include cycle: loop-b includes loop-a") != NULL, 1,
		"include: the cycle named");
	TAP_I64(profile_resolve("dangling", loader, NULL, &P, &err), -1, "include: a missing profile");
	TAP_U64(strstr(err.msg, "'nowhere'") != NULL, 1, "include: the missing name");
	TAP_I64(profile_resolve("absent", loader, NULL, &P, &err), 1, "include: no such profile: 1");
	memset(&err, 0, sizeof(err));
	TAP_I64(profile_resolve("incl-broken", loader, NULL, &P, &err), -1,
		"include: a broken included profile");
	TAP_U64(!strcmp(err.path, "broken") && err.line == 4, 1,
		"include: the error names the broken file and line");
}

static void test_request(void)
{
	struct profile_host h = { .mem_kb = 16 * 1048576ULL, .swap_kb = 2 * 1048576ULL,
				  .hugetlb_kb = 1048576 };
	struct plan_request rq;
	struct ovc_err err = { 0 };

	parse(HEAD "mode = 2\ncommit_limit = ram + swap\n", &err);
	TAP_I64(profile_request(&P, &h, &rq, &err), 0, "request: commit_limit = ram + swap");
	TAP_U64(rq.kbytes_set && !rq.ratio_set && rq.kbytes == 16 * 1048576ULL, 1,
		"request: kbytes = MemTotal (the kernel adds the swap)");
	parse(HEAD "mode = 2\ncommit_limit = ram - hugetlb + swap\n", &err);
	profile_request(&P, &h, &rq, &err);
	TAP_U64(rq.ratio_set && rq.ratio == 100 && !rq.kbytes_set, 1,
		"request: ram - hugetlb + swap is the kernel's ratio formula: ratio 100");
	TAP_U64(profile_host_relative(&P), 0, "request: so it is not host-relative");
	parse(HEAD "mode = 2\ncommit_limit = swap - hugetlb + ram\n", &err);
	profile_request(&P, &h, &rq, &err);
	TAP_U64(rq.ratio_set && rq.ratio == 100, 1, "request: in any order: ratio 100");
	parse(HEAD "mode = 2\ncommit_limit = 80% ram - hugetlb + swap\n", &err);
	profile_request(&P, &h, &rq, &err);
	TAP_U64(rq.kbytes_set && rq.kbytes == 16 * 1048576ULL * 8 / 10 - 1048576, 1,
		"request: 80%% ram - hugetlb is not 80%% of (ram - hugetlb): kbytes, not ratio 80");
	parse(HEAD "mode = 2\ncommit_limit = 80.5% ram - hugetlb + swap\n", &err);
	profile_request(&P, &h, &rq, &err);
	TAP_U64(rq.kbytes_set && rq.kbytes == 16 * 1048576ULL * 805 / 1000 - 1048576, 1,
		"request: a fraction of a percent is no ratio: kbytes (less the pool)");
	parse(HEAD "mode = 2\ncommit_limit = ram - hugetlb + 50% swap\n", &err);
	profile_request(&P, &h, &rq, &err);
	TAP_U64(rq.kbytes_set && rq.kbytes == 15 * 1048576ULL - 1048576, 1,
		"request: half the swap is no ratio: kbytes = 15G - 1G");
	parse(HEAD "mode = 2\ncommit_limit = 90% ram\n", &err);
	profile_request(&P, &h, &rq, &err);
	TAP_U64(rq.kbytes, 16 * 1048576ULL * 9 / 10 - 2 * 1048576ULL,
		"request: without swap: kbytes = 90%% RAM - SwapTotal");
	parse(HEAD "mode = 2\ncommit_limit = 10% ram\n", &err);
	TAP_I64(profile_request(&P, &h, &rq, &err), -1, "request: below the swap: cannot be set");
	TAP_U64(strstr(err.msg, "is not above the host's swap") != NULL, 1, "request: says why");
	parse(HEAD "kbytes = 50% ram\n", &err);
	profile_request(&P, &h, &rq, &err);
	TAP_U64(!rq.mode_set && rq.kbytes == 8 * 1048576ULL, 1, "request: kbytes 50%% ram, mode unset");
	parse(HEAD "kbytes = 33.33% ram\n", &err);
	profile_request(&P, &(struct profile_host){ .mem_kb = 1000 }, &rq, &err);
	TAP_U64(rq.kbytes, 333, "request: shares round down");
	parse(HEAD "ratio = 70\nmode = 0\n", &err);
	profile_request(&P, &h, &rq, &err);
	TAP_U64(rq.ratio_set && rq.ratio == 70 && rq.mode_set && rq.mode == 0, 1, "request: ratio");
	TAP_U64(profile_host_relative(&P), 0, "request: a ratio is not host-relative");
	parse(HEAD "commit_limit = 1000% ram\n", &err);
	TAP_I64(profile_request(&P, &(struct profile_host){ .mem_kb = UINT64_MAX }, &rq, &err), -1,
		"request: a result past 64 bits is an error, not a wrap");
}

void test_profile(void)
{
	test_grammar();
	test_include();
	test_request();
}
