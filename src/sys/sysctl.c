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

/* O_TRUNC: a plain file in a saved tree must not keep the tail of a longer old value. */
static int open_for_write(const struct fsroot *fs, const char *rel)
{
	int flags = O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
	struct open_how how = { .flags = (uint64_t)flags, .resolve = RESOLVE_IN_ROOT |
								       RESOLVE_NO_SYMLINKS };
	int fd;

	if (fs->is_default)
		return openat(fs->proc_fd, rel, flags);
	/* never follow a link in a saved tree when writing */
	fd = (int)syscall(SYS_openat2, fs->proc_fd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = openat(fs->proc_fd, rel, flags);
	return fd;
}

static int write_value(const struct fsroot *fs, const char *rel, const char *value,
		       struct ovc_err *err)
{
	char path[4200], text[32];
	int fd, n, e;
	ssize_t r;

	fsroot_path(fs, rel, path, sizeof(path));
	n = snprintf(text, sizeof(text), "%s\n", value);
	fd = open_for_write(fs, rel);
	if (fd < 0) {
		e = errno;
		return ovc_fail(err, write_class(e), e, path, 0, "cannot open for writing");
	}
	/* one write() of the whole value at offset 0; never retried at another offset */
	r = write(fd, text, (size_t)n);
	e = errno;
	if (r != n) {
		close(fd);
		if (r >= 0)
			return ovc_fail(err, OVC_E_SYSTEM, EIO, path, 0,
					"short write of %d bytes", (int)r);
		if (e == EINVAL)
			return ovc_fail(err, OVC_E_SYSTEM, e, path, 0,
					"the kernel refused the value %s for", value);
		return ovc_fail(err, write_class(e), e, path, 0, "cannot write");
	}
	if (close(fd) < 0) {
		e = errno;
		return ovc_fail(err, write_class(e), e, path, 0, "cannot write");
	}
	return 0;
}

int sysctl_apply(const struct fsroot *fs, const struct plan_write *w, struct ovc_err *err)
{
	if (write_value(fs, sysctl_rel(w->key), w->value, err) < 0)
		return -1;
	if (fs->is_default)
		return 0;   /* the kernel's handler zeroes the counterpart itself */
	if (w->key == KEY_RATIO)
		return write_value(fs, PROC_VM_KBYTES, "0", err);
	if (w->key == KEY_KBYTES)
		return write_value(fs, PROC_VM_RATIO, "0", err);
	return 0;
}
