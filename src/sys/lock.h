/* SPDX-License-Identifier: MIT */
/*
 * lock.h - one flock() serialises every ovc that changes the policy on a host:
 * <root>/run/ovc/lock. flock: a lock held by a dead process is released by the kernel,
 * so nothing stale can block the next run.
 *
 * The lock lives in ovc's own directory, not in the world-writable /run/lock: there any
 * user could create or hold ovc.lock (and root would wait for ever), or put a link in
 * its place. run/ovc is opened component by component without following links and
 * must be owned by root (or the caller) and not writable by group or others; the lock
 * is a regular file, mode 0600, opened O_NOFOLLOW.
 */
#ifndef OVC_LOCK_H
#define OVC_LOCK_H

#include <stdbool.h>

#include "../core/err.h"
#include "fsroot.h"

#define LOCK_DIR_REL "run/ovc"
#define LOCK_NAME "lock"

struct ovc_lock {
	int fd;
	char path[4400];
};

/* Open (creating run and run/ovc if needed) under the system root. */
int lock_open(struct ovc_lock *l, const struct fsroot *root, struct ovc_err *err);
/* 1: taken; 0: busy (another ovc holds it); -1: error. */
int lock_try(struct ovc_lock *l, struct ovc_err *err);
/* Block until taken. */
int lock_wait(struct ovc_lock *l, struct ovc_err *err);
/*
 * The PID of the process holding the open lock, from the running kernel's /proc/locks
 * (whatever --proc says: the lock is a file on this host), or 0 when it cannot be told:
 * no /proc, a holder in another PID namespace, a file system whose stat() device is not
 * its superblock's (btrfs subvolumes), or a holder that has exited since.
 */
long lock_holder(const struct ovc_lock *l);
void lock_close(struct ovc_lock *l);

#endif
