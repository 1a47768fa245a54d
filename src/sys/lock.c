/* SPDX-License-Identifier: MIT */
/* lock.c - the policy lock: flock() on <root>/run/lock/ovc.lock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"

int lock_open(struct ovc_lock *l, const char *root_dir, struct ovc_err *err)
{
	size_t rl = strlen(root_dir);
	int rootfd, e;

	l->fd = -1;
	snprintf(l->path, sizeof(l->path), "%s%s%s", root_dir,
		 rl && root_dir[rl - 1] == '/' ? "" : "/", LOCK_REL);
	rootfd = open(root_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		e = errno;
		return ovc_fail(err, e == ENOENT ? OVC_E_USAGE : OVC_E_SYSTEM, e, root_dir, 0,
				"cannot open the root directory");
	}
	/* /run/lock exists on every systemd host; a test or image root may lack it */
	if (mkdirat(rootfd, "run", 0755) < 0 && errno != EEXIST)
		goto fail;
	if (mkdirat(rootfd, "run/lock", 0755) < 0 && errno != EEXIST)
		goto fail;
	l->fd = openat(rootfd, LOCK_REL, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
		       0644);
	if (l->fd < 0)
		goto fail;
	close(rootfd);
	return 0;
fail:
	e = errno;
	close(rootfd);
	return ovc_fail(err, e == EACCES || e == EPERM ? OVC_E_PERM
			     : e == EROFS ? OVC_E_ROFS : OVC_E_SYSTEM, e, l->path, 0,
			"cannot open the lock");
}

int lock_try(struct ovc_lock *l, struct ovc_err *err)
{
	if (flock(l->fd, LOCK_EX | LOCK_NB) == 0)
		return 1;
	if (errno == EWOULDBLOCK)
		return 0;
	return ovc_fail(err, OVC_E_SYSTEM, errno, l->path, 0, "cannot lock");
}

int lock_wait(struct ovc_lock *l, struct ovc_err *err)
{
	while (flock(l->fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return ovc_fail(err, OVC_E_SYSTEM, errno, l->path, 0, "cannot lock");
	return 0;
}

void lock_close(struct ovc_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);   /* releases the flock */
	l->fd = -1;
}
