/* SPDX-License-Identifier: MIT */
/*
 * caps.h - capabilities through libcap: drop them all for read-only work, keep only the
 * audit ones for writers and raise one around the call that needs it, and read whether a
 * live process holds CAP_SYS_ADMIN.
 */
#ifndef OVC_CAPS_H
#define OVC_CAPS_H

#include <stdbool.h>
#include <sys/types.h>

#include "../core/err.h"

/* Empty the effective, permitted and inheritable sets of this process. */
int caps_drop_all(struct ovc_err *err);

/*
 * For writers: keep in the permitted set only the audit capabilities asked for, and only
 * if held (CAP_AUDIT_WRITE sends the record, CAP_AUDIT_CONTROL asks whether auditing is
 * on); drop every other capability; the effective set stays empty. Writing /proc/sys
 * needs none: fs/proc/proc_sysctl.c test_perm() checks the euid against GLOBAL_ROOT_UID.
 */
int caps_keep_audit(bool audit_write, bool audit_control, struct ovc_err *err);

/*
 * Keep only cap in the permitted set, if held, not effective: CAP_SYSLOG for "log"
 * (reading /dev/kmsg under kernel.dmesg_restrict=1: check_syslog_permissions,
 * kernel/printk/printk.c), CAP_SYS_PTRACE for "top" (another process's smaps:
 * proc_mem_open, PTRACE_MODE_READ_FSCREDS; root without it cannot read a process whose
 * capabilities are not a subset of its own, cap_ptrace_access_check).
 */
int caps_keep_one(int cap, struct ovc_err *err);

/* The same for two (status --format prometheus: CAP_SYS_PTRACE and CAP_SYSLOG). */
int caps_keep_two(int cap, int cap2, struct ovc_err *err);

/* Is cap in the permitted set? */
bool caps_held(int cap);

/* Raise one kept capability into the effective set around a call; lower them after. */
int caps_raise(int cap, struct ovc_err *err);
int caps_lower(struct ovc_err *err);

/* Is CAP_SYS_ADMIN in pid's effective set (capget via libcap)? 0 or -1 with err. */
int caps_pid_sys_admin(pid_t pid, bool *has, struct ovc_err *err);

#endif
