/* SPDX-License-Identifier: MIT */
/* fsroot.c - opens the proc and system roots once and opens files relative to them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fsroot.h"

static int openat2_in(int dirfd, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = -1, i;

	/* EAGAIN: a ".." lookup raced a rename somewhere on the system; try again */
	for (i = 0; i < 16; i++) {
		fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

/*
 * Whether openat2 exists (Linux 5.6+): -1 not known yet, then 0 or 1 for the rest of the
 * run. The first openat2 call answers it (ENOSYS or not); no call is made just to ask.
 */
static int openat2_state = -1;

bool fsroot_contained(const struct fsroot *fs)
{
	if (openat2_state < 0 && fs->fd >= 0) {
		int probe = openat2_in(fs->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

		openat2_state = probe >= 0 || errno != ENOSYS;
		if (probe >= 0)
			close(probe);
	}
	return openat2_state > 0;
}

/* Open dir; its fd and the path kept. */
static int open_dir(struct fsroot *fs, const char *dir, bool is_proc)
{
	memset(fs, 0, sizeof(*fs));
	fs->is_proc = is_proc;
	fs->path = dir;
	fs->fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fs->fd < 0 ? -1 : 0;
}

int fsroot_open_proc(struct fsroot *fs, const char *dir, struct ovc_err *err)
{
	struct statfs sf;

	if (open_dir(fs, dir, true) < 0) {
		int e = errno;

		ovc_fail(err, ovc_errno_class(e), e, dir, 0, "cannot open proc directory");
		return ovc_hint(err, fsroot_hint(fs, e));
	}
	/* A procfs mount is the running kernel, whatever its path; anything else is saved. */
	fs->live = fstatfs(fs->fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
	return 0;
}

int fsroot_open_root(struct fsroot *fs, const char *dir, struct ovc_err *err)
{
	struct stat a, b;

	if (open_dir(fs, dir, false) < 0) {
		int e = errno;
		enum ovc_ecode code = ovc_errno_class(e);

		return ovc_fail(err, code == OVC_E_INPUT ? OVC_E_USAGE : code, e, dir, 0,
				"cannot open the root directory");
	}
	/* "--root /" (or a path to it) is the running system, not an offline image */
	fs->live = !strcmp(dir, "/") ||
		   (fstat(fs->fd, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino);
	return 0;
}

bool fsroot_has(const struct fsroot *fs, const char *rel, unsigned type)
{
	struct stat st;

	return fstatat(fs->fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       (st.st_mode & S_IFMT) == type;
}

void fsroot_close(struct fsroot *fs)
{
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
}

const char *fsroot_path(const struct fsroot *fs, const char *rel, char *buf, size_t len)
{
	size_t l = strlen(fs->path);

	snprintf(buf, len, "%s%s%s", fs->path, l && fs->path[l - 1] == '/' ? "" : "/", rel);
	return buf;
}

int fsroot_openat_in(const struct fsroot *fs, int dirfd, const char *rel, int flags)
{
	int fd;

	flags |= O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	if (fs->is_proc && fs->live)   /* the kernel's own tree: its links are its own */
		return openat(dirfd, rel, flags);
	if (openat2_state != 0) {
		fd = openat2_in(dirfd, rel, flags);
		if (fd >= 0 || errno != ENOSYS) {
			openat2_state = 1;
			return fd;
		}
		openat2_state = 0;
	}
	return openat(dirfd, rel, flags);   /* before 5.6: no symlink containment */
}

int fsroot_openat(const struct fsroot *fs, const char *rel, int flags)
{
	return fsroot_openat_in(fs, fs->fd, rel, flags);
}

enum ovc_hint fsroot_hint(const struct fsroot *fs, int errnum)
{
	if (!fs->is_proc)
		return ovc_errno_class(errnum) == OVC_E_PERM ? OVC_H_CONFIG_PERM : OVC_H_NONE;
	if (errnum == ENOENT)
		return strcmp(fs->path, FSROOT_DEFAULT_PROC) ? OVC_H_PROC_TREE : OVC_H_PROC_MOUNTED;
	if (errnum == EACCES || errnum == EPERM)
		return OVC_H_READ_PERM;
	return OVC_H_NONE;
}

int fsroot_read_fd(int fd, size_t max, const char *kind, bool regular, size_t size,
		   char **out, size_t *outlen, const char *path, struct ovc_err *err)
{
	/* one byte more than the size: the read that fills it is short, so the last */
	size_t cap = !regular || !size ? 4096 : size < max ? size + 1 : max + 1, len = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return ovc_fail(err, OVC_E_SYSTEM, ENOMEM, path, 0, "cannot read");
	for (;;) {
		ssize_t r;

		if (len == cap) {
			char *nb;

			if (cap > max)   /* read max + 1 bytes at most: enough to know */
				break;
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return ovc_fail(err, OVC_E_SYSTEM, ENOMEM, path, 0, "cannot read");
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			return ovc_fail(err, ovc_errno_class(e), e, path, 0, "cannot read");
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (regular && len < cap)
			break;   /* short: the end of a regular file */
	}
	if (len > max) {
		free(buf);
		return ovc_fail(err, OVC_E_INPUT, 0, path, 0, "file is larger than %zu bytes; not %s",
				max, kind);
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

int fsroot_blame(const struct fsroot *fs, const char *rel, struct ovc_err *err)
{
	if (err)
		fsroot_path(fs, rel, err->path, sizeof(err->path));
	return -1;
}

static int do_read(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		   size_t *len, long *fstype, struct ovc_err *err, int optional)
{
	struct stat st;
	int fd, r;

	*buf = NULL;
	fd = fsroot_openat(fs, rel, O_RDONLY);
	if (fd < 0) {
		int e = errno;

		if (optional && (e == ENOENT || e == ENOTDIR))
			return 1;
		ovc_fail(err, ovc_errno_class(e), e, NULL, 0, "cannot open");
		ovc_hint(err, fsroot_hint(fs, e));
		return fsroot_blame(fs, rel, err);
	}
	/* a saved tree may hold a FIFO or a directory; a procfs holds neither where ovc reads */
	if (!(fs->is_proc && fs->live) && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		ovc_fail(err, OVC_E_INPUT, 0, NULL, 0,
			 "not a regular file (a saved proc tree holds plain files)");
		return fsroot_blame(fs, rel, err);
	}
	if (fstype) {
		struct statfs sf;

		*fstype = fstatfs(fd, &sf) == 0 ? (long)sf.f_type : 0;
	}
	/*
	 * A short read is the end of a saved tree's (regular) file, and of a live sysctl:
	 * proc_sys_call_handler (fs/proc/proc_sysctl.c) hands the handler the whole buffer,
	 * which formats the whole value into it; proc_dointvec and friends return nothing at
	 * a later offset. Other live /proc files are read until a read returns 0.
	 */
	r = fsroot_read_fd(fd, max, "a /proc file",
			   !(fs->is_proc && fs->live) || !strncmp(rel, "sys/", 4),
			   fs->is_proc && fs->live ? 0 : (size_t)st.st_size, buf, len, NULL, err);
	close(fd);
	if (r < 0) {
		ovc_hint(err, fsroot_hint(fs, err->errnum));
		return fsroot_blame(fs, rel, err);
	}
	return r;
}

int fsroot_read(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		size_t *len, struct ovc_err *err)
{
	return do_read(fs, rel, max, buf, len, NULL, err, 0);
}

int fsroot_read_opt(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		    size_t *len, struct ovc_err *err)
{
	return do_read(fs, rel, max, buf, len, NULL, err, 1);
}

int fsroot_read_fstype(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		       size_t *len, long *fstype, struct ovc_err *err)
{
	return do_read(fs, rel, max, buf, len, fstype, err, 0);
}
