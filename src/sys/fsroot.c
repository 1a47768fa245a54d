/* SPDX-License-Identifier: MIT */
/* fsroot.c - opens the --proc root once and reads files relative to it with openat(). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
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

enum ovc_ecode fsroot_errno_class(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ELOOP:   /* a link where none may be */
	case EXDEV:   /* a link that would leave the tree (RESOLVE_IN_ROOT) */
		return OVC_E_INPUT;
	case EACCES:
	case EPERM:
		return OVC_E_PERM;
	default:
		return OVC_E_SYSTEM;
	}
}

int fsroot_open(struct fsroot *fs, const char *proc_dir, struct ovc_err *err)
{
	struct statfs sf;

	snprintf(fs->proc_path, sizeof(fs->proc_path), "%s", proc_dir);
	fs->proc_fd = open(proc_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->proc_fd < 0) {
		int e = errno;

		return ovc_fail(err, fsroot_errno_class(e), e, proc_dir, 0, "cannot open proc directory");
	}
	/* A procfs mount is the running kernel, whatever its path; anything else is saved. */
	fs->is_default = fstatfs(fs->proc_fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
	return 0;
}

void fsroot_close(struct fsroot *fs)
{
	if (fs->proc_fd >= 0)
		close(fs->proc_fd);
	fs->proc_fd = -1;
}

const char *fsroot_path(const struct fsroot *fs, const char *rel, char *buf, size_t len)
{
	size_t l = strlen(fs->proc_path);

	snprintf(buf, len, "%s%s%s", fs->proc_path,
		 l && fs->proc_path[l - 1] == '/' ? "" : "/", rel);
	return buf;
}

int fsroot_read_fd(int fd, size_t max, const char *kind, char **out, size_t *outlen,
		   const char *path, struct ovc_err *err)
{
	size_t cap = 4096, len = 0;
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
			return ovc_fail(err, fsroot_errno_class(e), e, path, 0, "cannot read");
		}
		if (r == 0)
			break;
		len += (size_t)r;
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

/*
 * Open rel under the proc root. A saved tree is untrusted: its symlinks resolve inside it
 * (an absolute link to /proc/meminfo must not read this host's file) and no magic links.
 * The live procfs needs its own links (self -> PID), which stay inside it anyway.
 * O_NONBLOCK: a FIFO planted in a tree must not hang ovc; it is refused after fstat.
 */
int fsroot_open_in(int dirfd, const char *rel, int flags, bool *contained)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd;

	if (*contained) {
		int i;

		/* EAGAIN: a ".." lookup raced a rename somewhere on the system; try again */
		for (i = 0; i < 16; i++) {
			fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
			if (fd >= 0 || errno != EAGAIN)
				break;
		}
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		*contained = false;   /* before 5.6: no symlink containment */
	}
	return openat(dirfd, rel, (int)how.flags);
}

static int open_in_root(const struct fsroot *fs, const char *rel)
{
	bool contained = true;

	if (fs->is_default)
		return openat(fs->proc_fd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	return fsroot_open_in(fs->proc_fd, rel, O_RDONLY, &contained);
}

static int do_read(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		   size_t *len, long *fstype, struct ovc_err *err, int optional)
{
	char path[4200];
	int fd, r;

	fsroot_path(fs, rel, path, sizeof(path));
	*buf = NULL;
	fd = open_in_root(fs, rel);
	if (fd < 0) {
		int e = errno;

		if (optional && (e == ENOENT || e == ENOTDIR))
			return 1;
		return ovc_fail(err, fsroot_errno_class(e), e, path, 0, "cannot open");
	}
	{
		struct stat st;

		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return ovc_fail(err, OVC_E_INPUT, 0, path, 0,
					"not a regular file (a saved proc tree holds plain files)");
		}
	}
	if (fstype) {
		struct statfs sf;

		*fstype = fstatfs(fd, &sf) == 0 ? (long)sf.f_type : 0;
	}
	r = fsroot_read_fd(fd, max, "a /proc file", buf, len, path, err);
	close(fd);
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
