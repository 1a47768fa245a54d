/* SPDX-License-Identifier: MIT */
/* sysctl.c - writes vm.overcommit_* values: one write() at offset 0 per value. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysctl.h"

const char *sysctl_rel(enum plan_key k)
{
	switch (k) {
	case KEY_MODE:   return PROC_VM_MODE;
	case KEY_RATIO:  return PROC_VM_RATIO;
	case KEY_KBYTES: return PROC_VM_KBYTES;
	}
	return PROC_VM_MODE;
}

static enum ovc_ecode write_class(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return OVC_E_PERM;
	case EROFS:
		return OVC_E_ROFS;
	default:
		return OVC_E_SYSTEM;
	}
}

static int open_live(const struct fsroot *fs, const char *rel)
{
	/* a fresh open; O_TRUNC as a shell's '>' does (procfs ignores it) */
	return openat(fs->proc_fd, rel, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
}

/* A saved tree: no link is followed, and the file is not truncated before the write. */
static int open_saved(const struct fsroot *fs, const char *rel)
{
	int flags = O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
	struct open_how how = { .flags = (uint64_t)flags,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS };
	int fd = (int)syscall(SYS_openat2, fs->proc_fd, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(fs->proc_fd, rel, flags);
	return fd;
}

static int fail_errno(struct ovc_err *err, int e, const char *path, const char *value,
		      const char *what)
{
	if (e == EINVAL)
		return ovc_fail(err, OVC_E_SYSTEM, e, path, 0, "the kernel refused the value %s for",
				value);
	return ovc_fail(err, write_class(e), e, path, 0, "%s", what);
}

/* The bytes a plain file held before ovc wrote it, to put back on failure. */
struct prev {
	char bytes[64];
	ssize_t len;   /* -1: unknown */
};

static void put_back(int fd, const struct prev *pv)
{
	if (pv->len < 0)
		return;
	(void)!pwrite(fd, pv->bytes, (size_t)pv->len, 0);
	(void)!ftruncate(fd, pv->len);
}

/*
 * One value, whole, at offset 0 of a fresh open; never retried at another offset (ref §2).
 * The running kernel (pv NULL): one write(). A saved tree (pv given): the old bytes are
 * kept in pv, the file is cut to the new length after the write, and on a failed or
 * short write the old bytes go back, so no truncated or half-written value is left.
 */
static int write_value(const struct fsroot *fs, const char *rel, const char *value,
		       struct prev *pv, struct ovc_err *err)
{
	char path[4200], text[32];
	int fd, n, e;
	ssize_t r;

	fsroot_path(fs, rel, path, sizeof(path));
	n = snprintf(text, sizeof(text), "%s\n", value);
	fd = pv ? open_saved(fs, rel) : open_live(fs, rel);
	if (fd < 0)
		return fail_errno(err, errno, path, value, "cannot open for writing");
	if (pv)
		pv->len = pread(fd, pv->bytes, sizeof(pv->bytes), 0);
	r = pv ? pwrite(fd, text, (size_t)n, 0) : write(fd, text, (size_t)n);
	e = errno;
	if (r == n && pv && ftruncate(fd, n) < 0) {
		e = errno;
		r = -1;
	}
	if (r != n) {
		if (pv)
			put_back(fd, pv);
		close(fd);
		if (r >= 0)
			return ovc_fail(err, OVC_E_SYSTEM, EIO, path, 0, "short write of %d bytes",
					(int)r);
		return fail_errno(err, e, path, value, "cannot write");
	}
	if (close(fd) < 0)
		return fail_errno(err, errno, path, value, "cannot write");
	return 0;
}

static void restore_saved(const struct fsroot *fs, const char *rel, const struct prev *pv)
{
	int fd = open_saved(fs, rel);

	if (fd >= 0) {
		put_back(fd, pv);
		close(fd);
	}
}

int sysctl_apply(const struct fsroot *fs, const struct plan_write *w, struct ovc_err *err)
{
	const char *rel = sysctl_rel(w->key), *other;
	struct prev pv, ignored;

	if (fs->is_default)   /* the kernel's handler zeroes the counterpart itself */
		return write_value(fs, rel, w->value, NULL, err);
	if (write_value(fs, rel, w->value, &pv, err) < 0)
		return -1;
	other = w->key == KEY_RATIO ? PROC_VM_KBYTES : w->key == KEY_KBYTES ? PROC_VM_RATIO : NULL;
	/* the kernel's side effect, reproduced; both files change, or neither */
	if (other && write_value(fs, other, "0", &ignored, err) < 0) {
		restore_saved(fs, rel, &pv);
		return -1;
	}
	return 0;
}
