/* SPDX-License-Identifier: MIT */
/*
 * dropin.h - ovc's sysctl.d drop-in: its name, its exact text, reading back what an
 * existing one says, and whether it would really decide the boot values (the files
 * around it, merged by core/precedence). Pure: the caller reads and writes the files.
 *
 * The file: /etc/sysctl.d/99-zz-ovc.conf. Both systemd-sysctl and procps sort every
 * sysctl.d file by basename and apply them in that order, the last assignment winning
 * (anchors.md §0 row 1); "99-zz-" sorts after every "NN-" name that distributions and
 * packages ship, Debian's 99-sysctl.conf link included. A name alone cannot win against
 * everything (procps reads /etc/sysctl.conf once more, last; a later name or a glob can
 * still override it), so dropin_check() names what would shadow it.
 *
 * Its text is a function of the policy and the profile only (no date, no host name), so
 * that a repeated run produces the same bytes and reports no change:
 *
 *     # Managed by ovc(8). Do not edit: run "ovc persist" to change this file
 *     # and "ovc reset --persist" to remove it.
 *     # profile: sparse-arrays                  (only when a profile was applied)
 *     vm.overcommit_memory = 1
 *     vm.overcommit_ratio = 50
 *
 * Only one of ratio and kbytes is written, as the kernel keeps only one: kbytes when it
 * is not 0, else ratio. Line order: for mode 2 the limit first, so that re-applying the
 * file on a running host ("sysctl --system") never enforces the new mode with the old
 * limit; otherwise the mode first, leaving mode 2 before the limit changes.
 */
#ifndef OVC_DROPIN_H
#define OVC_DROPIN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "model.h"
#include "precedence.h"

#define DROPIN_DIR "/etc/sysctl.d"
#define DROPIN_NAME "99-zz-ovc.conf"
#define DROPIN_PATH DROPIN_DIR "/" DROPIN_NAME
#define DROPIN_MARKER "# Managed by ovc(8)."   /* the first line starts with it */
#define DROPIN_PROFILE_MAX 64                 /* profile names: [A-Za-z0-9._-], 1..63 */
#define DROPIN_TEXT_MAX 512

/* Is name a valid profile name (recorded in the header)? */
bool dropin_profile_name_ok(const char *name);

/*
 * The file's text for policy p (profile may be NULL). Returns its length, or -1 if p is
 * invalid (mode not 0..2, negative ratio) or the profile name is not valid.
 */
int dropin_render(const struct model_policy *p, const char *profile, char *buf, size_t len);

/* What an existing file at DROPIN_PATH says. */
struct dropin_info {
	bool managed;                       /* the first line carries DROPIN_MARKER */
	char profile[DROPIN_PROFILE_MAX];   /* "" when none */
	bool mode_set, ratio_set, kbytes_set;
	struct model_policy policy;         /* keys not set read as 0/50/0 */
};

/*
 * Read a drop-in's text (any text: a hand-edited or foreign file gives managed=false or
 * fewer keys). Lines "vm.overcommit_X = V" with a decimal V are taken; nothing fails.
 */
void dropin_parse(const char *text, size_t len, struct dropin_info *out);

/* One key whose boot value would not be ovc's, under one tool. */
struct dropin_shadow {
	enum prec_tool tool;
	enum knob key;
	struct model_policy want, got;   /* the whole policies, for the message */
	bool by_set;                     /* the decider is a file line (else: the default) */
	size_t by_file;                  /* index into the files given to dropin_check */
	unsigned by_line;
};

#define DROPIN_MAX_SHADOWS 6   /* 3 keys x 2 tools */

struct dropin_check {
	size_t index;                  /* index of the drop-in in files[] (added if absent) */
	struct prec_result sd, pp;     /* the boot with the new drop-in in place */
	struct dropin_shadow shadows[DROPIN_MAX_SHADOWS];
	size_t nshadows;
};

/*
 * Would a drop-in with text (NULL: removed) at DROPIN_PATH give want at boot, under
 * both systemd-sysctl and procps? files/nfiles are the current trees (confdirs); one
 * extra slot must exist at files[nfiles], and *nfiles grows by one if no entry for
 * DROPIN_PATH was there. The entry for the drop-in is rewritten in place (text, len,
 * readable, regular; not masked or hidden), path set to path. want NULL: no shadow
 * check (a removal). Returns 0, or -1 with err (OVC_E_INPUT: too many files).
 */
int dropin_check(struct prec_file *files, size_t *nfiles, size_t cap, const char *path,
		 const char *text, size_t len, const struct model_policy *want,
		 struct dropin_check *out, struct ovc_err *err);

#endif
