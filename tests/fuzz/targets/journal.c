/* SPDX-License-Identifier: MIT */
/*
 * journal.c - the intent record of a change (src/core/journal.h): journal_parse over any
 * bytes, journal_render read back, journal_target.
 * Checks: a parsed journal holds modes 0..2, a persist word, at most JOURNAL_TEXT_MAX
 * text bytes and a NUL-terminated proc without a newline; rendering it and parsing that
 * gives the same journal (and the same bytes when rendered again); journal_render never
 * writes past its buffer, returns the length of a NUL-terminated text or -1 when it does
 * not fit; journal_target picks after exactly when the change committed: the drop-in in
 * its new state (write: the same bytes; remove: absent), or, for a change without a
 * drop-in part, the running values all equal to after; else before.
 * (journal.h was not committed yet when this was written: adapt to its final API.)
 */
#include "../../../src/core/journal.h"
#include "fuzz.h"

static struct journal J, J2;
static char A[JOURNAL_MAX + 64], B[JOURNAL_MAX + 64];

static bool same(const struct journal *a, const struct journal *b)
{
	return a->pid == b->pid && !strcmp(a->proc, b->proc) &&
	       !memcmp(&a->before, &b->before, sizeof(a->before)) &&
	       !memcmp(&a->after, &b->after, sizeof(a->after)) && a->persist == b->persist &&
	       a->len == b->len && !memcmp(a->text, b->text, a->len);
}

/* committed (and so after) exactly as the header says, for the drop-in and now given */
static void target(const struct journal *j, const char *dropin, size_t dlen,
		   const struct model_policy *now, bool want, const char *what)
{
	bool committed = !want;
	const struct model_policy *t = journal_target(j, dropin, dlen, now, &committed);

	FUZZ_CHECK(committed == want && t == (want ? &j->after : &j->before),
		   "target with %s: committed %d, want %d", what, committed, want);
}

static void check_target(const struct journal *j, const uint8_t *d, size_t n)
{
	struct model_policy other = j->after;
	char *dup;

	other.kbytes ^= 1;
	/* without a drop-in part: committed when the running values are all "after" */
	target(j, NULL, 0, &j->after, j->persist != JOURNAL_WRITE, "the drop-in absent, now after");
	target(j, NULL, 0, &other, j->persist == JOURNAL_REMOVE, "the drop-in absent, now other");
	dup = fuzz_dup((const uint8_t *)j->text, j->len);
	target(j, dup, j->len, &other, j->persist == JOURNAL_WRITE, "the drop-in as written");
	free(dup);
	dup = fuzz_dup(d, n);
	target(j, dup, n, &other,
	       j->persist == JOURNAL_WRITE && n == j->len && !memcmp(d, j->text, n),
	       "another drop-in");
	free(dup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_dup(data, size);
	int r, n, m;

	r = journal_parse(t, size, &J);
	free(t);
	FUZZ_CHECK(r == 0 || r == -1, "returned %d", r);
	if (r == 0) {
		FUZZ_CHECK(J.before.mode >= 0 && J.before.mode <= 2 && J.after.mode >= 0 &&
				   J.after.mode <= 2 && (unsigned)J.persist <= JOURNAL_REMOVE &&
				   J.len <= JOURNAL_TEXT_MAX,
			   "fields out of range");
		FUZZ_CHECK(fuzz_terminated(J.proc, sizeof(J.proc)) && !strchr(J.proc, '\n'), "proc");
		n = journal_render(&J, A, sizeof(A));
		FUZZ_CHECK(n > 0 && (size_t)n < sizeof(A) && strlen(A) == (size_t)n,
			   "a parsed journal does not render: %d", n);
		FUZZ_CHECK(journal_parse(A, (size_t)n, &J2) == 0 && same(&J, &J2),
			   "a rendered journal does not read back");
		m = journal_render(&J2, B, sizeof(B));
		FUZZ_CHECK(m == n && !strcmp(A, B), "rendering again gives other bytes");
		check_target(&J, data, size > 64 ? 64 : size);
	}
	/* a journal from the bytes themselves: render into a buffer of every small size */
	if (size >= 2) {
		size_t cut, len = (size_t)data[0] * 2 + 8;
		char *buf;

		memset(&J, 0, sizeof(J));
		J.pid = (long)data[1] * 1000 - 5000;
		J.before.mode = data[1] % 3;
		J.after.mode = (data[1] >> 2) % 3;
		J.after.ratio = -(int64_t)data[0];
		J.after.kbytes = UINT64_MAX - data[1];
		J.persist = (enum journal_persist)(data[1] % 3);
		J.len = size - 2 > JOURNAL_TEXT_MAX ? JOURNAL_TEXT_MAX : size - 2;
		memcpy(J.text, data + 2, J.len);
		snprintf(J.proc, sizeof(J.proc), "/r/proc%.*s", (int)(data[0] & 15), "/a/b/c/d/e/f/g/h");
		n = journal_render(&J, A, sizeof(A));
		FUZZ_CHECK(n > 0, "render failed");
		FUZZ_CHECK(journal_parse(A, (size_t)n, &J2) == 0 && same(&J, &J2),
			   "a rendered journal does not read back");
		cut = len < (size_t)n + 1 ? len : (size_t)n + 1;
		buf = malloc(cut);
		if (!buf)
			abort();
		m = journal_render(&J, buf, cut);
		FUZZ_CHECK(cut == (size_t)n + 1 ? m == n && !strcmp(buf, A) : m == -1,
			   "render into %zu bytes of %d: %d", cut, n + 1, m);
		free(buf);
	}
	return 0;
}
