/* SPDX-License-Identifier: MIT */
/*
 * decide.h - a change's pure decisions: would ovc's drop-in change, which refusal
 * applies (a foreign drop-in first, then the guard, then a file that would shadow the
 * drop-in at boot), and whether --force overrode one. No I/O; the change engine feeds
 * it what it read and planned.
 */
#ifndef OVC_DECIDE_H
#define OVC_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "dropin.h"
#include "plan.h"

/* The drop-in step of a change: what is there, what would be. */
struct dropin_change {
	bool changes;          /* the file would be written anew, or removed */
	bool foreign;          /* an existing file without ovc's header line */
	bool same_bytes;       /* the old file has exactly the new text */
	bool shadowed;         /* another file would decide a key at boot */
	char untrusted[64];    /* why the old file is not as ovc writes it, or "" */
};

/*
 * old (NULL: no file) and its parsed info; text the new file (NULL: a removal);
 * untrusted the reason the old file is not trusted ("" or NULL: it is); nshadows the
 * keys another file would decide at boot with the new file in place. The same bytes in
 * a file another user may change are not "already in place": it is rewritten.
 */
void decide_dropin(const char *old, size_t old_len, const struct dropin_info *old_info,
		   const char *text, size_t len, const char *untrusted, size_t nshadows,
		   struct dropin_change *out);

enum change_refusal {
	REFUSE_NONE,
	REFUSE_FOREIGN,        /* the drop-in exists and ovc did not write it */
	REFUSE_GUARD,          /* mode 2 would leave too little room to fork and exec */
	REFUSE_SHADOWED,       /* another file would override the drop-in at boot */
};

struct change_decision {
	enum change_refusal refusal;   /* the first that applies, in the order above */
	bool would_change;     /* runtime writes, or a drop-in that changes */
	bool forced;           /* --force overrode one of the refusals (it was there) */
	bool guard_overridden; /* ... the guard in particular */
};

/*
 * guard is the plan the guard judges; nwrites the runtime writes; dc the drop-in step
 * (NULL: none). Nothing to write is never refused: a repeated run stays a no-op.
 */
void decide_change(const struct plan *guard, size_t nwrites, const struct dropin_change *dc,
		   bool force, struct change_decision *out);

#endif
