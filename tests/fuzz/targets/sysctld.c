/* SPDX-License-Identifier: MIT */
/*
 * sysctld.c - prec_resolve over a sysctl.d tree carved from the input, under both
 * systemd-sysctl and procps. Input: one header byte (bits 0-1: the start policy), then
 * files as fuzz.h describes (0xff between files; two descriptor bytes, then the text).
 * Checks, for each tool:
 *   - 0, or -1 with OVC_E_INPUT (a documented limit);
 *   - every index (order, writes, deciders, shadows, diags) is in range; files are read
 *     at most once, in basename order (procps: /etc/sysctl.conf last);
 *   - each write's value is a slice of its file's text; its status agrees with
 *     prec_kernel_parse (REDUNDANT only under systemd, for the value already there);
 *   - replaying the writes from the start policy gives the final policy and deciders;
 *   - the order of the file array does not matter (the header's promise): the reversed
 *     array gives the same files read, the same writes, final policy, failures, counts.
 */
#include "../../../src/core/precedence.h"
#include "fuzz.h"

static const struct model_policy starts[4] = {
	{ 0, 50, 0 }, { 2, 80, 0 }, { 1, 0, 1048576 }, { 0, -1, 0 },
};

static struct prec_result R[2];   /* forward, reversed; large: off the stack */

static void cur_text(const struct model_policy *p, int k, char *buf, size_t n)
{
	if (k == KNOB_MODE)
		snprintf(buf, n, "%d", p->mode);
	else if (k == KNOB_RATIO)
		snprintf(buf, n, "%" PRId64, p->ratio);
	else
		snprintf(buf, n, "%" PRIu64, p->kbytes);
}

static void check_one(enum prec_tool tool, const struct prec_file *files, size_t nf,
		      const struct model_policy *start, const struct prec_result *r)
{
	struct model_policy pol = *start;
	struct prec_decider dec[KNOB_COUNT];
	bool seen[FUZZ_MAX_FILES + 1] = { false };
	size_t i, expect_sysctl_conf = SIZE_MAX;
	int k;

	FUZZ_CHECK(r->tool == tool, "tool");
	FUZZ_CHECK(r->norder <= nf, "%zu files read of %zu", r->norder, nf);
	for (i = 0; i < r->norder; i++) {
		size_t fi = r->order[i];

		FUZZ_CHECK(fi < nf && !seen[fi], "order[%zu] = %zu", i, fi);
		seen[fi] = true;
		if (!strcmp(files[fi].dir, "/etc") && !strcmp(files[fi].name, "sysctl.conf"))
			expect_sysctl_conf = i;
		else
			FUZZ_CHECK(strcmp(files[fi].dir, "/etc") && strcmp(files[fi].dir,
				   "/usr/share/sysctl.d") && strcmp(files[fi].dir, "etc/sysctl.d"),
				   "a file outside the tool directories read: %s", files[fi].path);
		if (i && expect_sysctl_conf != i)
			FUZZ_CHECK(strcmp(files[r->order[i - 1]].name, files[fi].name) < 0,
				   "read order not by basename: %s before %s",
				   files[r->order[i - 1]].path, files[fi].path);
	}
	if (expect_sysctl_conf != SIZE_MAX)
		FUZZ_CHECK(tool == PREC_PROCPS && expect_sysctl_conf == r->norder - 1,
			   "/etc/sysctl.conf read by %d at %zu", (int)tool, expect_sysctl_conf);
	FUZZ_CHECK(r->nwrites <= PREC_MAX_WRITES && r->nshadows <= PREC_MAX_SHADOWS,
		   "counts past the limits");
	FUZZ_CHECK(r->ndiags <= PREC_MAX_DIAGS && r->ndiags <= r->ndiags_total, "diag counts");
	for (k = 0; k < KNOB_COUNT; k++)
		dec[k].set = false;
	for (i = 0; i < r->nwrites; i++) {
		const struct prec_write *w = &r->writes[i];
		const struct prec_file *f;
		int64_t iv;
		uint64_t uv;
		const char *why;
		char cur[32];
		int pr;

		FUZZ_CHECK((unsigned)w->key < KNOB_COUNT && w->file < nf && seen[w->file] &&
				   w->line >= 1, "write %zu: key %d file %zu line %u", i, (int)w->key,
			   w->file, w->line);
		f = &files[w->file];
		FUZZ_CHECK(f->text && w->value >= f->text && w->value_len <= f->len &&
				   (size_t)(w->value - f->text) <= f->len - w->value_len,
			   "write %zu: the value is not a slice of %s", i, f->path);
		k = w->key;
		pr = prec_kernel_parse(w->key, w->value, w->value_len, &iv, &uv, &why);
		cur_text(&pol, k, cur, sizeof(cur));
		switch (w->status) {
		case PREC_W_REDUNDANT:
			FUZZ_CHECK(tool == PREC_SYSTEMD && strlen(cur) == w->value_len &&
					   !memcmp(cur, w->value, w->value_len),
				   "write %zu redundant but the value is not '%s'", i, cur);
			FUZZ_CHECK(!w->reason, "reason on a redundant write");
			dec[k].set = true;
			dec[k].write = i;
			break;
		case PREC_W_EINVAL:
			FUZZ_CHECK(pr < 0 && w->reason && w->reason[0],
				   "write %zu rejected, the kernel parser accepts it", i);
			FUZZ_CHECK(!(tool == PREC_SYSTEMD && strlen(cur) == w->value_len &&
				     !memcmp(cur, w->value, w->value_len)),
				   "systemd writes a value it would skip as redundant");
			break;
		case PREC_W_OK:
			FUZZ_CHECK(pr == 0 && !w->reason, "write %zu ok, the kernel parser refuses it",
				   i);
			dec[k].set = true;
			dec[k].write = i;
			if (k == KNOB_MODE) {
				pol.mode = (int)iv;
			} else if (k == KNOB_RATIO) {
				pol.ratio = iv;
				pol.kbytes = 0;
				dec[KNOB_KBYTES].set = true;
				dec[KNOB_KBYTES].write = i;
			} else {
				pol.kbytes = uv;
				pol.ratio = 0;
				dec[KNOB_RATIO].set = true;
				dec[KNOB_RATIO].write = i;
			}
			break;
		default:
			FUZZ_CHECK(0, "write %zu: status %d", i, (int)w->status);
		}
	}
	FUZZ_CHECK(pol.mode == r->final.mode && pol.ratio == r->final.ratio &&
			   pol.kbytes == r->final.kbytes,
		   "final %d/%" PRId64 "/%" PRIu64 ", the writes give %d/%" PRId64 "/%" PRIu64,
		   r->final.mode, r->final.ratio, r->final.kbytes, pol.mode, pol.ratio, pol.kbytes);
	for (k = 0; k < KNOB_COUNT; k++) {
		const struct prec_decider *d = &r->decider[k];

		FUZZ_CHECK(d->set == dec[k].set, "key %d: decider set %d, want %d", k, d->set,
			   dec[k].set);
		if (d->set)
			FUZZ_CHECK(d->write == dec[k].write && d->file == r->writes[d->write].file &&
					   d->line == r->writes[d->write].line,
				   "key %d: decider write %zu, want %zu", k, d->write, dec[k].write);
	}
	for (i = 0; i < r->nshadows; i++) {
		const struct prec_shadow *s = &r->shadows[i];

		FUZZ_CHECK((unsigned)s->key < KNOB_COUNT && s->file < nf && s->line >= 1 &&
				   (unsigned)s->why <= PREC_SH_REJECTED &&
				   (!s->has_by || s->by_file < nf),
			   "shadow %zu out of range", i);
		FUZZ_CHECK(s->why == PREC_SH_NOT_READ || seen[s->file],
			   "shadow %zu: file %zu not read yet %s", i, s->file,
			   prec_shadow_why_name(s->why));
	}
	for (i = 0; i < r->ndiags; i++)
		FUZZ_CHECK(r->diags[i].file < nf && seen[r->diags[i].file] &&
				   (r->diags[i].kind == PREC_D_CANNOT_OPEN) == (r->diags[i].line == 0),
			   "diag %zu", i);
}

/* the reversed run: file i is file nf-1-i */
static void check_same(const struct prec_result *a, const struct prec_result *b, size_t nf)
{
	size_t i;

	FUZZ_CHECK(a->norder == b->norder && a->nwrites == b->nwrites &&
			   a->nshadows == b->nshadows && a->ndiags_total == b->ndiags_total &&
			   a->tool_fails == b->tool_fails,
		   "the file array's order matters: read %zu/%zu writes %zu/%zu shadows %zu/%zu "
		   "diags %zu/%zu fails %d/%d",
		   a->norder, b->norder, a->nwrites, b->nwrites, a->nshadows, b->nshadows,
		   a->ndiags_total, b->ndiags_total, a->tool_fails, b->tool_fails);
	FUZZ_CHECK(!memcmp(&a->final, &b->final, sizeof(a->final)),
		   "the file array's order changes the final policy");
	for (i = 0; i < a->norder; i++)
		FUZZ_CHECK(a->order[i] == nf - 1 - b->order[i], "the order of reading changes");
	for (i = 0; i < a->nwrites; i++) {
		const struct prec_write *x = &a->writes[i], *y = &b->writes[i];

		FUZZ_CHECK(x->key == y->key && x->file == nf - 1 - y->file && x->line == y->line &&
				   x->status == y->status && x->value_len == y->value_len &&
				   !memcmp(x->value, y->value, x->value_len),
			   "the file array's order changes write %zu", i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_tree T;
	struct prec_file rev[FUZZ_MAX_FILES];
	const struct model_policy *start;
	struct ovc_err e;
	size_t i;
	int t;

	if (size < 1)
		return 0;
	start = &starts[data[0] & 3];
	fuzz_tree_build(&T, data + 1, size - 1);
	for (i = 0; i < T.nfiles; i++)
		rev[i] = T.files[T.nfiles - 1 - i];
	for (t = 0; t < 2; t++) {
		enum prec_tool tool = t ? PREC_PROCPS : PREC_SYSTEMD;
		int r0, r1;

		memset(&e, 0, sizeof(e));
		r0 = prec_resolve(tool, T.files, T.nfiles, start, &R[0], &e);
		FUZZ_CHECK(r0 == 0 || r0 == -1, "returned %d", r0);
		if (r0 < 0)
			fuzz_check_err(&e, OVC_E_INPUT);
		else
			check_one(tool, T.files, T.nfiles, start, &R[0]);
		memset(&e, 0, sizeof(e));
		r1 = prec_resolve(tool, rev, T.nfiles, start, &R[1], &e);
		FUZZ_CHECK(r1 == r0, "the file array's order changes the result: %d, %d", r0, r1);
		if (r0 == 0)
			check_same(&R[0], &R[1], T.nfiles);
	}
	fuzz_tree_free(&T);
	return 0;
}
