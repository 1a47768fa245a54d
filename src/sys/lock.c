/* SPDX-License-Identifier: MIT */
/* lock.c - the policy lock: flock() on <root>/run/ovc/lock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "lock.h"

static int errclass(int e)
{
	return e == EACCES || e == EPERM ? OVC_E_PERM : e == EROFS ? OVC_E_ROFS : OVC_E_SYSTEM;
}

int lock_open(struct ovc_lock *l, const char *root_dir, struct ovc_err *err)
{
	struct afile_dir d;
	struct stat st;
	int rootfd, e;

	l->fd = -1;
	rootfd = open(root_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		e = errno;
		snprintf(l->path, sizeof(l->path), "%s", root_dir);
		return ovc_fail(err, e == ENOENT ? OVC_E_USAGE : OVC_E_SYSTEM, e, root_dir, 0,
				"cannot open the root directory");
	}
	/* /run exists on every host; a test or image root may lack it (a link in its
	 * place: EEXIST here, refused by afile_open_dir) */
	if (mkdirat(rootfd, "run", 0755) < 0 && errno != EEXIST) {
		e = errno;
		close(rootfd);
		snprintf(l->path, sizeof(l->path), "%s%srun", root_dir,
			 root_dir[0] && root_dir[strlen(root_dir) - 1] == '/' ? "" : "/");
		return ovc_fail(err, errclass(e), e, l->path, 0, "cannot create the directory");
	}
	close(rootfd);
	if (afile_open_dir(&d, root_dir, LOCK_DIR_REL, true, err) < 0)
		return -1;
	snprintf(l->path, sizeof(l->path), "%s/%s", d.path, LOCK_NAME);
	l->fd = openat(d.fd, LOCK_NAME,
		       O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
	e = errno;
	afile_close_dir(&d);
	if (l->fd < 0) {
		if (e == ELOOP)
			return ovc_fail(err, OVC_E_INPUT, 0, l->path, 0,
					"is a symbolic link: ovc does not follow links to its lock "
					"(remove it, then run ovc again)");
		return ovc_fail(err, errclass(e), e, l->path, 0, "cannot open the lock");
	}
	if (fstat(l->fd, &st) < 0) {
		e = errno;
		lock_close(l);
		return ovc_fail(err, OVC_E_SYSTEM, e, l->path, 0, "cannot stat the lock");
	}
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid())) {
		lock_close(l);
		return ovc_fail(err, OVC_E_INPUT, 0, l->path, 0,
				"is not a regular file owned by root: not ovc's lock (remove it, "
				"then run ovc again)");
	}
	return 0;
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
