/* SPDX-License-Identifier: MIT */
/*
 * sysctl.h - the only writer of /proc/sys. Each value goes in one write() at offset 0 of a
 * fresh open (ref §2: a write at another offset is ignored, yet still zeroes the
 * counterpart knob). A saved tree's file is replaced whole (temporary + rename).
 */
#ifndef OVC_SYSCTL_H
#define OVC_SYSCTL_H

#include "../core/plan.h"
#include "fsroot.h"

/*
 * Write one planned value. EACCES/EPERM -> OVC_E_PERM, EROFS -> OVC_E_ROFS, EINVAL (the
 * kernel refused the value) and the rest -> OVC_E_SYSTEM; err names the path.
 * On a saved tree (plain files, not procfs) the kernel's side effect is reproduced: a
 * ratio write also writes 0 to overcommit_kbytes and vice versa, so that the tree reads as
 * the kernel would.
 */
int sysctl_apply(const struct fsroot *fs, const struct plan_write *w, struct ovc_err *err);

#endif
