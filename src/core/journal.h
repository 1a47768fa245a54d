/* SPDX-License-Identifier: MIT */
/*
 * journal.h - the intent record of a change in progress: <root>/run/ovc/journal.
 * Written (atomically) before the first write of a change and removed when it is done,
 * so that a change killed half way (kill -9, a crash of ovc) is finished or undone by
 * the next ovc that takes the lock: if ovc's drop-in already is what the change wrote
 * (or is gone, for a removal), the change had committed and the running values are set
 * to its "after"; otherwise they are set back to its "before". A reboot needs none of
 * this: /run is empty then, and boot applies the drop-in, which is never partial.
 * Pure: text in, text out.
 *
 *     ovc-journal 1
 *     pid 1234
 *     proc /proc
 *     before 0 50 0
 *     after 2 80 0
 *     persist write|remove|none
 *     text 23 <hex of the drop-in's new bytes>
 */
#ifndef OVC_JOURNAL_H
#define OVC_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define JOURNAL_MAX 4096
#define JOURNAL_TEXT_MAX 512

enum journal_persist { JOURNAL_NONE, JOURNAL_WRITE, JOURNAL_REMOVE };

struct journal {
	long pid;
	char proc[1024];                 /* --proc as given (no newline) */
	struct model_policy before, after;
	enum journal_persist persist;
	char text[JOURNAL_TEXT_MAX];     /* JOURNAL_WRITE: the drop-in's new bytes */
	size_t len;
};

/* Render j; returns the length, or -1 (does not fit, a newline in proc, len too big). */
int journal_render(const struct journal *j, char *buf, size_t size);

/* Parse; 0, or -1 when the text is not a journal this version wrote. */
int journal_parse(const char *text, size_t len, struct journal *j);

/*
 * Which state the running values must be brought to: the change committed when the
 * drop-in it changed is in its new state (text equal / absent). dropin NULL: absent.
 * A change without a drop-in part committed when the running values (now) are all its
 * "after" (a journal whose removal failed); else it is undone.
 */
const struct model_policy *journal_target(const struct journal *j, const char *dropin,
					  size_t dlen, const struct model_policy *now,
					  bool *committed);

#endif
