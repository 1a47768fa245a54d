/* SPDX-License-Identifier: MIT */
/* decide.c - would the drop-in change, which refusal applies, was one forced. */
#include <stdio.h>
#include <string.h>

#include "decide.h"

void decide_dropin(const char *old, size_t old_len, const struct dropin_info *old_info,
		   const char *text, size_t len, const char *untrusted, size_t nshadows,
		   struct dropin_change *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->untrusted, sizeof(out->untrusted), "%s", untrusted ? untrusted : "");
	out->foreign = old && !old_info->managed;
	out->shadowed = nshadows > 0;
	if (!text) {   /* a removal changes something when there is a file */
		out->changes = old != NULL;
		return;
	}
	out->same_bytes = old && old_len == len && !memcmp(old, text, len);
	out->changes = !out->same_bytes || out->untrusted[0];
}

void decide_change(const struct plan *guard, size_t nwrites, const struct dropin_change *dc,
		   bool force, struct change_decision *out)
{
	bool guard_bad = guard->guard_applies && !guard->guard_ok;
	bool changes = dc && dc->changes;

	memset(out, 0, sizeof(*out));
	out->would_change = nwrites > 0 || changes;
	if (!force) {
		if (dc && dc->foreign && changes)
			out->refusal = REFUSE_FOREIGN;
		else if (guard_bad && out->would_change)
			out->refusal = REFUSE_GUARD;
		else if (dc && dc->shadowed && changes)
			out->refusal = REFUSE_SHADOWED;
	}
	out->guard_overridden = force && guard_bad;
	out->forced = force && (guard_bad || (dc && (dc->shadowed || dc->foreign)));
}
