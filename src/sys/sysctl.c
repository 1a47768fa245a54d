/* SPDX-License-Identifier: MIT */
/* sysctl.c - writes vm.overcommit_* values: one write() at offset 0 per value. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysctl.h"

static int open_live(const struct fsroot *fs, const char *rel)
{
	/* a fresh open; O_TRUNC as a shell's '>' does (procfs ignores it) */
	return openat(fs->fd, rel, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
}

/* One directory, not through a link: a link fails ELOOP, as under RESOLVE_NO_SYMLINKS
 * (O_DIRECTORY|O_NOFOLLOW on a link says ENOTDIR). */
static int open_dir_nofollow(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 && errno == ENOTDIR && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		errno = ELOOP;
	return fd;
}

/*
 * A saved tree's sys/vm, no link followed on the way: openat2 RESOLVE_NO_SYMLINKS, or
 * where the kernel (or valgrind, or a seccomp filter) has no openat2, each component
 * opened O_NOFOLLOW, so a write can never leave the tree.
 */
static int open_vm_dir(const struct fsroot *fs)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS };
	int fd = (int)syscall(SYS_openat2, fs->fd, PROC_VM_DIR, &how, sizeof(how));
	int sys, e;

	if (fd >= 0 || errno != ENOSYS)
		return fd;
	sys = open_dir_nofollow(fs->fd, "sys");
	if (sys < 0)
		return -1;
	fd = open_dir_nofollow(sys, "vm");
	e = errno;
	close(sys);
	errno = e;
	return fd;
}

/* A saved tree: no link is followed, and the file is not truncated by the open. */
static int open_saved(const struct fsroot *fs, const char *rel)
{
	int dfd = open_vm_dir(fs), fd, e;

	if (dfd < 0)
		return -1;
	fd = openat(dfd, strrchr(rel, '/') + 1, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

/*
 * A failed write, with the advice for it: on the running kernel, EACCES is the
 * permission check of /proc/sys (not root, or root of another user namespace) and
 * EPERM a refusal by the kernel itself (a cgroup-BPF sysctl hook, an LSM); on a saved
 * tree, the file's own mode bits.
 */
static int fail_errno(const struct fsroot *fs, struct ovc_err *err, int e, const char *path,
		      const char *value, const char *what)
{
	enum ovc_ecode code = ovc_errno_class(e);

	if (e == EINVAL)
		return ovc_fail(err, OVC_E_SYSTEM, e, path, 0, "the kernel refused the value %s for",
				value);
	ovc_fail(err, code, e, path, 0, "%s", what);
	if (code == OVC_E_ROFS)
		return ovc_hint(err, OVC_H_SYSCTL_ROFS);
	if (code != OVC_E_PERM)
		return -1;
	if (!fs->live)
		return ovc_hint(err, OVC_H_SAVED_WRITE);
	return ovc_hint(err, e == EPERM ? OVC_H_SYSCTL_EPERM : OVC_H_SYSCTL_ACCESS);
}

/* The bytes a plain file held before ovc wrote it, to put back on failure. */
struct prev {
	char bytes[64];
	ssize_t len;   /* -1: unknown */
};

/*
 * A saved tree's file replaced whole: the bytes go to a temporary next to it, which is
 * renamed over it, so a kill at any point leaves the old bytes or the new ones, never a
 * new value followed by the old one's tail. 1: the directory takes no new file (then the
 * caller writes in place); 0 done; -1 errno set.
 */
static int replace_saved(const struct fsroot *fs, const char *rel, const char *bytes,
			 size_t len, mode_t mode, char *failed, size_t flen)
{
	const char *name = strrchr(rel, '/') + 1;
	char tmp[96], trel[160];
	int dfd, fd, e = 0;
	ssize_t r;

	snprintf(tmp, sizeof(tmp), ".%s.ovc-tmp", name);   /* one writer: the lock */
	snprintf(trel, sizeof(trel), "%s/%s", PROC_VM_DIR, tmp);
	fsroot_path(fs, trel, failed, flen);
	dfd = open_vm_dir(fs);
	if (dfd < 0) {
		fsroot_path(fs, PROC_VM_DIR, failed, flen);
		return -1;
	}
	(void)unlinkat(dfd, tmp, 0);   /* a killed run's, under the lock */
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
	if (fd < 0) {
		e = errno;
		close(dfd);
		errno = e;
		return -1;
	}
	r = fchmod(fd, mode & 07777) < 0 ? -1 : write(fd, bytes, len);
	if (r < 0)
		e = errno;
	else if (r != (ssize_t)len)
		e = EIO;
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && renameat(dfd, tmp, dfd, name) < 0) {
		e = errno;
		fsroot_path(fs, rel, failed, flen);
	}
	if (e)
		(void)unlinkat(dfd, tmp, 0);
	close(dfd);
	errno = e;
	return e ? -1 : 0;
}

/* Put a saved tree's old bytes back (after a later step failed), whole. */
static void restore_saved(const struct fsroot *fs, const char *rel, const struct prev *pv)
{
	char ignored[4200];
	struct stat st;
	int fd;

	if (pv->len < 0)
		return;
	fd = open_saved(fs, rel);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0)
		(void)replace_saved(fs, rel, pv->bytes, (size_t)pv->len, st.st_mode, ignored,
				    sizeof(ignored));
	close(fd);
}

/*
 * One value, whole. The running kernel (pv NULL): one write() at offset 0 of a fresh open,
 * never retried at another offset (kernel/sysctl.c would ignore it but still report 0,
 * proc_first_pos_non_zero_ignore()). A saved tree (pv given): the open for writing
 * checks the permission and keeps the old bytes in pv; the value then replaces the file
 * through a temporary and a rename, so a failure or a kill leaves the old bytes or the
 * new ones, never a torn value.
 */
static int write_value(const struct fsroot *fs, const char *rel, const char *value,
		       struct prev *pv, struct ovc_err *err)
{
	char path[4200], tpath[4200], text[32];
	int fd, n, e;
	ssize_t r;

	fsroot_path(fs, rel, path, sizeof(path));
	n = snprintf(text, sizeof(text), "%s\n", value);
	fd = pv ? open_saved(fs, rel) : open_live(fs, rel);
	if (fd < 0)
		return fail_errno(fs, err, errno, path, value, "cannot open for writing");
	if (pv) {
		struct stat st;
		int k;

		pv->len = pread(fd, pv->bytes, sizeof(pv->bytes), 0);
		/* writable (the open said so): replaced whole, through a temporary */
		if (fstat(fd, &st) < 0) {
			e = errno;
			close(fd);
			return fail_errno(fs, err, e, path, value, "cannot stat");
		}
		k = replace_saved(fs, rel, text, (size_t)n, st.st_mode, tpath, sizeof(tpath));
		e = errno;
		close(fd);   /* nothing was written through it */
		return k == 0 ? 0 : fail_errno(fs, err, e, tpath, value, "cannot write");
	}
	r = write(fd, text, (size_t)n);
	e = errno;
	close(fd);   /* the kernel applied the value in write(); close() cannot undo it */
	if (r == n)
		return 0;
	if (r >= 0)
		return ovc_fail(err, OVC_E_SYSTEM, EIO, path, 0, "short write of %d byte%s",
				(int)r, r == 1 ? "" : "s");
	return fail_errno(fs, err, e, path, value, "cannot write");
}

int sysctl_apply(const struct fsroot *fs, const struct plan_write *w, struct ovc_err *err)
{
	const char *rel = knob_proc_rel(w->key), *other;
	struct prev pv, ignored;

	if (fs->live)   /* the kernel's handler zeroes the counterpart itself */
		return write_value(fs, rel, w->value, NULL, err);
	if (write_value(fs, rel, w->value, &pv, err) < 0)
		return -1;
	other = w->key == KNOB_RATIO    ? knob_proc_rel(KNOB_KBYTES)
		: w->key == KNOB_KBYTES ? knob_proc_rel(KNOB_RATIO)
					  : NULL;
	/* the kernel's side effect, reproduced; both files change, or neither */
	if (other && write_value(fs, other, "0", &ignored, err) < 0) {
		restore_saved(fs, rel, &pv);
		return -1;
	}
	return 0;
}
