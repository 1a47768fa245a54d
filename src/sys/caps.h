/* SPDX-License-Identifier: MIT */
/*
 * caps.h - capabilities through libcap: drop them all for read-only work, and read
 * whether a live process holds CAP_SYS_ADMIN.
 */
#ifndef OVC_CAPS_H
#define OVC_CAPS_H

#include <stdbool.h>
#include <sys/types.h>

#include "../core/err.h"

/* Empty the effective, permitted and inheritable sets of this process. */
int caps_drop_all(struct ovc_err *err);

/* Is CAP_SYS_ADMIN in pid's effective set (capget via libcap)? 0 or -1 with err. */
int caps_pid_sys_admin(pid_t pid, bool *has, struct ovc_err *err);

#endif
