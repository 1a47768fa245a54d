/* SPDX-License-Identifier: MIT */
/*
 * profile_resolve.c - profile_resolve with an in-memory loader over up to ten profiles
 * carved from the input (0xff between them): profile i is named names[i]; "top" is
 * resolved; "ioerr" makes the loader fail; any other name is not installed. Includes,
 * chains, cycles (self-inclusion too) and chains deeper than PROFILE_MAX_DEPTH all come
 * from the texts.
 * Checks: 0, 1 (only when "top" is missing), or -1 with OVC_E_INPUT (naming the file
 * at fault), OVC_E_USAGE or the loader's error, with a message; on success the chain starts at "top", follows each profile's include, holds
 * valid distinct names, at most PROFILE_MAX_DEPTH; the result has top's description and
 * reason, the mode and the limit of the first profile along the chain that sets them,
 * top's sources first then the others' not yet listed, at most PROFILE_MAX_SOURCES.
 */
#include "../../../src/core/profile.h"
#include "fuzz.h"

#define NPROF 10

static const char *const names[NPROF] = {
	"top", "strict", "a", "b", "c", "d", "e", "f", "g", "h",
};

struct loader {
	struct fuzz_chunk c[NPROF];
	size_t n;
	char *copy;   /* the text handed out last (valid until the next call) */
	unsigned calls;
};

static int load(void *arg, const char *name, const char **text, size_t *len, const char **path,
		struct ovc_err *err)
{
	struct loader *l = arg;
	size_t i;

	l->calls++;
	if (!strcmp(name, "ioerr"))
		return ovc_fail(err, OVC_E_SYSTEM, 5, "/etc/ovc/profiles/ioerr.profile", 0,
				"cannot read");
	for (i = 0; i < l->n && i < NPROF; i++)
		if (!strcmp(name, names[i])) {
			free(l->copy);
			l->copy = fuzz_dup(l->c[i].p, l->c[i].n);
			*text = l->copy;
			*len = l->c[i].n;
			*path = names[i];
			return 0;
		}
	return 1;
}

static struct profile P, Q[PROFILE_MAX_DEPTH];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loader l;
	struct ovc_err e;
	size_t i, k, j;
	int r;

	memset(&l, 0, sizeof(l));
	l.n = fuzz_split(data, size, 0xff, l.c, NPROF);
	if (size == 0)
		l.n = 0;
	memset(&e, 0, sizeof(e));
	r = profile_resolve("top", load, &l, &P, &e);
	free(l.copy);
	l.copy = NULL;
	FUZZ_CHECK(l.calls <= PROFILE_MAX_DEPTH, "%u loads", l.calls);
	if (r == 1) {
		FUZZ_CHECK(l.n == 0, "top exists, yet 1");
		return 0;
	}
	if (r < 0) {
		FUZZ_CHECK(e.code == OVC_E_INPUT || e.code == OVC_E_USAGE || e.code == OVC_E_SYSTEM,
			   "error class %d", (int)e.code);
		fuzz_check_err(&e, e.code);
		if (e.code == OVC_E_INPUT) {   /* names the file at fault */
			for (k = 0; k < l.n && strcmp(e.path, names[k]); k++)
				;
			FUZZ_CHECK(k < l.n, "error without the profile's path: '%s' (%s)", e.path,
				   e.msg);
		}
		return 0;
	}
	FUZZ_CHECK(r == 0, "returned %d", r);
	FUZZ_CHECK(P.nchain >= 1 && P.nchain <= PROFILE_MAX_DEPTH, "chain of %zu", P.nchain);
	FUZZ_CHECK(!strcmp(P.chain[0], "top") && !strcmp(P.name, "top") && !strcmp(P.path, "top"),
		   "chain starts at %s, path '%s'", P.chain[0], P.path);
	/* each member parsed alone, as the chain says */
	for (i = 0; i < P.nchain; i++) {
		FUZZ_CHECK(fuzz_terminated(P.chain[i], PROFILE_NAME_MAX) &&
				   profile_name_ok(P.chain[i]),
			   "chain[%zu]", i);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(P.chain[i], P.chain[j]), "%s twice in the chain", P.chain[i]);
		for (k = 0; k < l.n && strcmp(names[k], P.chain[i]); k++)
			;
		FUZZ_CHECK(k < l.n, "chain[%zu] = %s is not installed", i, P.chain[i]);
		memset(&e, 0, sizeof(e));
		{
			char *t = fuzz_dup(l.c[k].p, l.c[k].n);

			FUZZ_CHECK(profile_parse(P.chain[i], t, l.c[k].n, &Q[i], &e) == 0,
				   "chain member %s does not parse alone: %s", P.chain[i], e.msg);
			free(t);
		}
		if (i)
			FUZZ_CHECK(!strcmp(Q[i - 1].include, P.chain[i]), "%s does not include %s",
				   Q[i - 1].name, P.chain[i]);
	}
	FUZZ_CHECK(!Q[P.nchain - 1].include[0], "the chain ends at %s, which includes %s",
		   Q[P.nchain - 1].name, Q[P.nchain - 1].include);
	FUZZ_CHECK(!strcmp(P.description, Q[0].description) && !strcmp(P.reason, Q[0].reason),
		   "not top's description and reason");
	for (i = 0; i < P.nchain && !Q[i].mode_set; i++)
		;
	FUZZ_CHECK(i < P.nchain ? P.mode_set && P.mode == Q[i].mode : !P.mode_set,
		   "mode %d (set %d), the chain says otherwise", P.mode, P.mode_set);
	for (i = 0; i < P.nchain && Q[i].limit == PROFILE_LIMIT_NONE; i++)
		;
	if (i < P.nchain)
		FUZZ_CHECK(P.limit == Q[i].limit && P.ratio == Q[i].ratio && P.kbytes == Q[i].kbytes &&
				   P.ram_centi_pct == Q[i].ram_centi_pct && P.nterms == Q[i].nterms &&
				   !memcmp(P.terms, Q[i].terms, sizeof(P.terms)) &&
				   !strcmp(P.limit_text, Q[i].limit_text),
			   "the limit is not %s's", Q[i].name);
	else
		FUZZ_CHECK(P.limit == PROFILE_LIMIT_NONE, "a limit from nowhere");
	FUZZ_CHECK(P.nsources >= Q[0].nsources && P.nsources <= PROFILE_MAX_SOURCES,
		   "%zu sources", P.nsources);
	for (i = 0; i < Q[0].nsources; i++)
		FUZZ_CHECK(!strcmp(P.sources[i], Q[0].sources[i]), "source %zu is not top's", i);
	for (; i < P.nsources; i++) {
		bool found = false;

		FUZZ_CHECK(fuzz_terminated(P.sources[i], sizeof(P.sources[i])), "source %zu", i);
		for (j = 1; j < P.nchain && !found; j++)
			for (k = 0; k < Q[j].nsources && !found; k++)
				found = !strcmp(P.sources[i], Q[j].sources[k]);
		FUZZ_CHECK(found, "source %zu is from no included profile", i);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(P.sources[i], P.sources[j]), "source %zu listed twice", i);
	}
	return 0;
}
