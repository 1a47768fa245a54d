/* SPDX-License-Identifier: MIT */
/*
 * dropin_check.c - dropin_check over a sysctl.d tree carved from the input.
 * Input: byte 0 picks the wanted policy; byte 1: bit 0 the drop-in's text is the input up
 * to the first 0xff (a foreign or hand-edited file) instead of dropin_render(want), bit 1
 * a removal (no text, no want); then the tree as fuzz.h describes.
 * Checks: 0, or -1 with OVC_E_INPUT; the drop-in entry is found or added once, at the
 * canonical dir/name, with the given path and text; both resolutions equal a separate
 * prec_resolve of the resulting tree; a shadow is reported for exactly the keys whose
 * boot value under a tool differs from want, with that tool's final policy and decider;
 * a removal reports none. And alone in an empty tree, the rendered drop-in of any
 * policy the kernel can hold is never shadowed.
 */
#include "../../../src/core/dropin.h"
#include "fuzz.h"

static const struct model_policy wants[8] = {
	{ 1, 50, 0 }, { 2, 80, 0 }, { 0, 50, 0 }, { 2, 0, 300001 }, { 0, 0, 1048576 },
	{ 2, 2147483647, 0 }, { 0, 0, UINT64_MAX }, { 1, 0, 0 },
};

static struct dropin_check C, C0;
static struct prec_result R;
static struct fuzz_tree T;

static bool differs(const struct model_policy *a, const struct model_policy *b, int k)
{
	return k == KNOB_MODE ? a->mode != b->mode
	       : k == KNOB_RATIO ? a->ratio != b->ratio
				 : a->kbytes != b->kbytes;
}

static void check_shadows(const struct dropin_check *c, const struct model_policy *want)
{
	const struct prec_result *rs[2] = { &c->sd, &c->pp };
	size_t s = 0;
	int t, i, k;

	FUZZ_CHECK(c->nshadows <= DROPIN_MAX_SHADOWS, "%zu shadows", c->nshadows);
	for (t = 0; t < 2; t++)
		for (i = 0; i < KNOB_COUNT; i++) {   /* reported in the glob order, as the tools sort */
			const struct dropin_shadow *sh;

			k = knob_sorted[i];
			if (!differs(&rs[t]->final, want, k))
				continue;
			FUZZ_CHECK(s < c->nshadows, "tool %d key %d differs and is not reported", t, k);
			sh = &c->shadows[s++];
			FUZZ_CHECK(sh->tool == rs[t]->tool && (int)sh->key == k &&
					   !memcmp(&sh->want, want, sizeof(*want)) &&
					   !memcmp(&sh->got, &rs[t]->final, sizeof(sh->got)) &&
					   sh->by_set == rs[t]->decider[k].set &&
					   (!sh->by_set || (sh->by_file == rs[t]->decider[k].file &&
							    sh->by_line == rs[t]->decider[k].line)),
				   "shadow %zu (tool %d key %d) does not match the resolution", s - 1, t,
				   k);
		}
	FUZZ_CHECK(s == c->nshadows, "%zu shadows reported, %zu keys differ", c->nshadows, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "/r/etc/sysctl.d/99-zz-ovc.conf";
	const struct model_policy *want;
	char rendered[DROPIN_TEXT_MAX], *foreign = NULL;
	const char *text;
	size_t len, nf0, nf, rest = 2;
	struct ovc_err e;
	bool removal;
	int r, n;

	if (size < 2)
		return 0;
	want = &wants[data[0] & 7];
	removal = data[1] & 2;
	n = dropin_render(want, (data[1] & 4) ? "strict" : NULL, rendered, sizeof(rendered));
	FUZZ_CHECK(n > 0, "render of a valid policy failed");
	text = rendered;
	len = (size_t)n;
	if (data[1] & 1) {
		const uint8_t *sep = memchr(data + 2, FUZZ_FILE_SEP, size - 2);

		len = (size_t)((sep ? sep : data + size) - (data + 2));
		foreign = fuzz_dup(data + 2, len);
		text = foreign;
		rest = 2 + len + (sep ? 1 : 0);
	}
	if (removal) {
		text = NULL;
		len = 0;
	}
	fuzz_tree_build(&T, data + rest, size - rest);
	nf0 = nf = T.nfiles;
	memset(&e, 0, sizeof(e));
	r = dropin_check(T.files, &nf, FUZZ_MAX_FILES + 1, path, text, len,
			 removal ? NULL : want, &C, &e);
	if (r < 0) {
		fuzz_check_err(&e, OVC_E_INPUT);
		goto out;
	}
	FUZZ_CHECK(r == 0, "returned %d", r);
	FUZZ_CHECK(nf == nf0 || nf == nf0 + 1, "files %zu -> %zu", nf0, nf);
	FUZZ_CHECK(C.index < nf && !strcmp(T.files[C.index].dir, DROPIN_DIR) &&
			   !strcmp(T.files[C.index].name, DROPIN_NAME) &&
			   T.files[C.index].path == path && T.files[C.index].text == text &&
			   T.files[C.index].readable == (text != NULL) && !T.files[C.index].masked,
		   "the drop-in entry (index %zu of %zu)", C.index, nf);
	FUZZ_CHECK(nf == nf0 + 1 || C.index < nf0, "entry added although one existed");
	memset(&e, 0, sizeof(e));
	FUZZ_CHECK(prec_resolve(PREC_SYSTEMD, T.files, nf, &C.sd.start, &R, &e) == 0 &&
			   !memcmp(&R.final, &C.sd.final, sizeof(R.final)) &&
			   R.nwrites == C.sd.nwrites && R.nshadows == C.sd.nshadows,
		   "systemd: a separate resolution differs");
	FUZZ_CHECK(prec_resolve(PREC_PROCPS, T.files, nf, &C.pp.start, &R, &e) == 0 &&
			   !memcmp(&R.final, &C.pp.final, sizeof(R.final)) &&
			   R.nwrites == C.pp.nwrites && R.nshadows == C.pp.nshadows,
		   "procps: a separate resolution differs");
	if (removal)
		FUZZ_CHECK(C.nshadows == 0, "a removal with %zu shadows", C.nshadows);
	else
		check_shadows(&C, want);

	/* alone: the rendered drop-in decides every key under both tools */
	if (!removal) {
		struct prec_file one[1];
		size_t n1 = 0;

		memset(&e, 0, sizeof(e));
		r = dropin_check(one, &n1, 1, path, rendered, (size_t)n, want, &C0, &e);
		FUZZ_CHECK(r == 0 && n1 == 1 && C0.nshadows == 0,
			   "the drop-in alone is shadowed (%d, %zu shadows)", r, C0.nshadows);
	}
out:
	fuzz_tree_free(&T);
	free(foreign);
	return 0;
}
