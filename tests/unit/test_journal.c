/* SPDX-License-Identifier: MIT */
/* test_journal.c - the intent record of a change: round trip, torn records, decision. */
#include "../../src/core/journal.h"
#include "tap.h"

void test_journal(void)
{
	struct journal j = { .pid = 77, .proc = "/tmp/x y/proc", .before = { 0, 50, 0 },
			     .after = { 2, 0, 300001 }, .persist = JOURNAL_WRITE };
	struct journal k;
	char buf[JOURNAL_MAX];
	bool committed;
	int n;

	memcpy(j.text, "a\nb\x01\xff", 5);
	j.len = 5;
	n = journal_render(&j, buf, sizeof(buf));
	TAP_U64(n > 0, 1, "journal: renders");
	TAP_I64(journal_parse(buf, (size_t)n, &k), 0, "journal: parses back");
	TAP_U64(k.pid == 77 && !strcmp(k.proc, "/tmp/x y/proc") && k.after.kbytes == 300001 &&
			k.before.ratio == 50 && k.persist == JOURNAL_WRITE && k.len == 5 &&
			!memcmp(k.text, j.text, 5), 1, "journal: every field round-trips, binary text too");
	TAP_I64(journal_parse(buf, (size_t)n - 1, &k), -1, "journal: a torn record (no final newline) is refused");
	TAP_I64(journal_parse(buf, 20, &k), -1, "journal: a record cut short is refused");
	TAP_I64(journal_parse("ovc-journal 2\n", 14, &k), -1, "journal: another version is refused");
	journal_parse(buf, (size_t)n, &k);   /* the refusals above cleared k */
	snprintf(j.proc, sizeof(j.proc), "a\nb");
	TAP_I64(journal_render(&j, buf, sizeof(buf)), -1, "journal: a newline in --proc is refused");

	TAP_U64(journal_target(&k, "a\nb\x01\xff", 5, &k.before, &committed) == &k.after && committed, 1,
		"journal: the drop-in holds the new bytes: committed, go to after");
	TAP_U64(journal_target(&k, "old", 3, &k.after, &committed) == &k.before && !committed, 1,
		"journal: the old drop-in: undo, go to before");
	TAP_U64(journal_target(&k, NULL, 0, &k.after, &committed) == &k.before, 1,
		"journal: no drop-in yet: undo");
	k.persist = JOURNAL_REMOVE;
	TAP_U64(journal_target(&k, NULL, 0, &k.before, &committed) == &k.after && committed, 1,
		"journal: a removal is committed when the drop-in is gone");
	k.persist = JOURNAL_NONE;
	TAP_U64(journal_target(&k, "x", 1, &(struct model_policy){ 2, 0, 1 }, &committed) ==
			&k.before && !committed, 1,
		"journal: a runtime-only change half done is undone");
	TAP_U64(journal_target(&k, "x", 1, &k.after, &committed) == &k.after && committed, 1,
		"journal: a runtime-only change whole (its journal not removed) stays");
}
