/* SPDX-License-Identifier: MIT */
/* lock.c - the policy lock: flock() on <root>/run/ovc/lock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../core/proctext.h"

#include "atomicfile.h"
#include "lock.h"

/* The lock is part of the boot configuration's protection: the same advice. */
static int fail(struct ovc_err *err, enum ovc_ecode code, int e, const char *path,
		const char *what)
{
	ovc_fail(err, code, e, path, 0, "%s", what);
	return ovc_hint(err, code == OVC_E_PERM ? OVC_H_CONFIG_PERM
			     : code == OVC_E_ROFS ? OVC_H_CONFIG_ROFS : OVC_H_NONE);
}

int lock_open(struct ovc_lock *l, const struct fsroot *root, struct ovc_err *err)
{
	struct afile_dir d;
	struct stat st;
	int e;

	l->fd = -1;
	/* /run exists on every host; a test or image root may lack it (a link in its
	 * place: EEXIST here, refused by afile_open_dir) */
	if (mkdirat(root->fd, "run", 0755) < 0 && errno != EEXIST) {
		e = errno;
		fsroot_path(root, "run", l->path, sizeof(l->path));
		return fail(err, ovc_errno_class(e), e, l->path, "cannot create the directory");
	}
	if (afile_open_dir(&d, root, LOCK_DIR_REL, true, err) < 0)
		return -1;
	snprintf(l->path, sizeof(l->path), "%s/%s", d.path, LOCK_NAME);
	l->fd = openat(d.fd, LOCK_NAME,
		       O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
	e = errno;
	afile_close_dir(&d);
	if (l->fd < 0) {
		if (e == ELOOP)
			return ovc_fail(err, OVC_E_INPUT, 0, l->path, 0,
					"is a symbolic link: ovc does not follow links to its lock (remove it, then run ovc again)");
		return fail(err, ovc_errno_class(e), e, l->path, "cannot open the lock");
	}
	if (fstat(l->fd, &st) < 0) {
		e = errno;
		lock_close(l);
		return fail(err, ovc_errno_class(e), e, l->path, "cannot stat the lock");
	}
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid())) {
		lock_close(l);
		return ovc_fail(err, OVC_E_INPUT, 0, l->path, 0,
				"is not a regular file owned by root: not ovc's lock (remove it, then run ovc again)");
	}
	return 0;
}

int lock_try(struct ovc_lock *l, struct ovc_err *err)
{
	if (flock(l->fd, LOCK_EX | LOCK_NB) == 0)
		return 1;
	if (errno == EWOULDBLOCK)
		return 0;
	return fail(err, ovc_errno_class(errno), errno, l->path, "cannot lock");
}

int lock_wait(struct ovc_lock *l, struct ovc_err *err)
{
	while (flock(l->fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return fail(err, ovc_errno_class(errno), errno, l->path, "cannot lock");
	return 0;
}

long lock_holder(const struct ovc_lock *l)
{
	struct ovc_err ignored = { 0 };
	struct fsroot proc = { .fd = -1 };
	struct stat st;
	char *buf = NULL, rel[32];
	size_t len;
	long pid = 0;

	if (fstat(l->fd, &st) < 0 || fsroot_open_proc(&proc, FSROOT_DEFAULT_PROC, &ignored) < 0)
		return 0;
	/* a procfs mount only: a /proc that is a plain directory tells nothing */
	if (proc.live && fsroot_read(&proc, "locks", 4 << 20, &buf, &len, &ignored) == 0)
		pid = proctext_locks_holder(buf, len, major(st.st_dev), minor(st.st_dev),
					    (uint64_t)st.st_ino);
	free(buf);
	/* not the PID of a process that has exited: "flock FD" (flock(1)) takes the lock in
	 * a child of the shell that keeps the descriptor, and the kernel names the child */
	snprintf(rel, sizeof(rel), "%ld", pid);
	if (pid > 0 && faccessat(proc.fd, rel, F_OK, 0) < 0)
		pid = 0;
	fsroot_close(&proc);
	return pid;
}

void lock_close(struct ovc_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);   /* releases the flock */
	l->fd = -1;
}
