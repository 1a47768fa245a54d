/* SPDX-License-Identifier: MIT */
/*
 * lock.h - one flock() serialises every ovc that changes the policy on a host:
 * <root>/run/lock/ovc.lock. flock: a lock held by a dead process is released by the
 * kernel, so nothing stale can block the next run.
 */
#ifndef OVC_LOCK_H
#define OVC_LOCK_H

#include <stdbool.h>

#include "../core/err.h"

#define LOCK_REL "run/lock/ovc.lock"

struct ovc_lock {
	int fd;
	char path[4200];
};

/* Open (creating run/lock if needed) under root_dir. */
int lock_open(struct ovc_lock *l, const char *root_dir, struct ovc_err *err);
/* 1: taken; 0: busy (another ovc holds it); -1: error. */
int lock_try(struct ovc_lock *l, struct ovc_err *err);
/* Block until taken. */
int lock_wait(struct ovc_lock *l, struct ovc_err *err);
void lock_close(struct ovc_lock *l);

#endif
