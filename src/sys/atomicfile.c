/* SPDX-License-Identifier: MIT */
/* atomicfile.c - crash-safe replace/remove of one file (see atomicfile.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

#define TMP_TAG ".ovc-tmp."

/* A failure in the boot configuration: its class, and the advice for it. */
static int fail_errno(struct ovc_err *err, int e, const char *path, const char *what)
{
	enum ovc_ecode code = ovc_errno_class(e);

	ovc_fail(err, code, e, path, 0, "%s", what);
	return ovc_hint(err, code == OVC_E_PERM ? OVC_H_CONFIG_PERM
			     : code == OVC_E_ROFS ? OVC_H_CONFIG_ROFS : OVC_H_NONE);
}

static void join(char *out, size_t len, const char *a, const char *b)
{
	size_t n = strlen(a);

	snprintf(out, len, "%s%s%s", a, n && a[n - 1] == '/' ? "" : "/", b);
}

/* Directory trust: owned by root or by us, not writable by group or others. */
static int check_dir(int fd, const char *path, struct ovc_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fail_errno(err, errno, path, "cannot stat");
	if (st.st_uid != 0 && st.st_uid != geteuid())
		ovc_fail(err, OVC_E_PERM, 0, path, 0,
			 "not owned by root (uid %u): ovc does not write into a directory another user controls",
			 (unsigned)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		ovc_fail(err, OVC_E_PERM, 0, path, 0,
			 "writable by group or others (mode %04o): another user could replace ovc's file; fix with chmod go-w",
			 (unsigned)(st.st_mode & 07777));
	else
		return 0;
	return ovc_hint(err, OVC_H_CONFIG_PERM);
}

int afile_open_dir(struct afile_dir *d, const struct fsroot *root, const char *rel,
		   bool create, struct ovc_err *err)
{
	char comp[256], sofar[4200];
	const char *p = rel;
	int fd;

	d->fd = -1;
	snprintf(sofar, sizeof(sofar), "%s", root->path);
	fd = openat(root->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(err, errno, sofar, "cannot open the root directory");
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		bool last = !slash || !slash[1];
		int next;

		if (n == 0 || n >= sizeof(comp)) {
			close(fd);
			return ovc_fail(err, OVC_E_INPUT, 0, sofar, 0, "bad path component");
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		{
			char prev[sizeof(sofar)];

			memcpy(prev, sofar, sizeof(prev));
			join(sofar, sizeof(sofar), prev, comp);
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && last && create) {
			if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
				int e = errno;

				close(fd);
				return fail_errno(err, e, sofar, "cannot create the directory");
			}
			if (fsync(fd) < 0) {
				int e = errno;

				close(fd);
				return fail_errno(err, e, sofar, "cannot sync the parent of");
			}
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			int e = errno;
			struct stat st;

			if (e == ENOTDIR && fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				e = ELOOP;
			close(fd);
			if (e == ENOENT && !create)
				return 1;
			if (e == ENOENT && !root->live) {   /* an image without its etc/ */
				fail_errno(err, e, sofar, "cannot open the directory");
				return ovc_hint(err, OVC_H_ROOT_LAYOUT);
			}
			if (e == ELOOP)
				return ovc_fail(err, OVC_E_INPUT, 0, sofar, 0,
						"is a symbolic link: ovc does not write through links (make it a real directory)");
			if (e == ENOTDIR)
				return ovc_fail(err, OVC_E_INPUT, 0, sofar, 0, "is not a directory");
			return fail_errno(err, e, sofar, "cannot open the directory");
		}
		close(fd);
		fd = next;
		if (check_dir(fd, sofar, err) < 0) {
			close(fd);
			return -1;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	d->fd = fd;
	snprintf(d->path, sizeof(d->path), "%s", sofar);
	return 0;
}

void afile_close_dir(struct afile_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/* The target's own entry: a regular file, or absent (1). Links and others refused. */
static int check_target(const struct afile_dir *d, const char *name, const char *path,
			struct ovc_err *err)
{
	struct stat st;

	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 1;
		return fail_errno(err, errno, path, "cannot stat");
	}
	if (S_ISLNK(st.st_mode))
		return ovc_fail(err, OVC_E_INPUT, 0, path, 0,
				"is a symbolic link: ovc does not write through links (remove it, then run ovc again)");
	if (!S_ISREG(st.st_mode))
		return ovc_fail(err, OVC_E_INPUT, 0, path, 0, "is not a regular file");
	return 0;
}

int afile_read(const struct afile_dir *d, const char *name, char **buf, size_t *len,
	       struct ovc_err *err)
{
	char path[4400];
	int fd, r;

	*buf = NULL;
	*len = 0;
	join(path, sizeof(path), d->path, name);
	r = check_target(d, name, path, err);
	if (r)
		return r;
	fd = openat(d->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		if (errno == ELOOP)   /* swapped for a link since the check */
			return ovc_fail(err, OVC_E_INPUT, 0, path, 0,
					"is a symbolic link: ovc does not read through links");
		return fail_errno(err, errno, path, "cannot open");
	}
	r = fsroot_read_fd(fd, AFILE_MAX_SIZE, "ovc's drop-in", true, 0, buf, len, path, err);
	close(fd);
	return r < 0 ? -1 : 0;
}

int afile_trusted(const struct afile_dir *d, const char *name, char *why, size_t whylen,
		  struct ovc_err *err)
{
	struct stat st;
	char path[4400];

	why[0] = '\0';
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 1;
		join(path, sizeof(path), d->path, name);
		return fail_errno(err, errno, path, "cannot stat");
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(why, whylen, "owned by uid %u", (unsigned)st.st_uid);
		return 0;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, whylen, "writable by group or others (mode %04o)",
			 (unsigned)(st.st_mode & 07777));
		return 0;
	}
	return 1;
}

void afile_clean_stale(const struct afile_dir *d, const char *name)
{
	char prefix[300];
	struct dirent *de;
	DIR *dir;
	int fd;

	snprintf(prefix, sizeof(prefix), ".%s" TMP_TAG, name);
	fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			(void)unlinkat(d->fd, de->d_name, 0);
	closedir(dir);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int afile_stage(const struct afile_dir *d, const char *name, const char *data, size_t len,
		struct afile_stage *st, struct ovc_err *err)
{
	char tpath[4400];
	unsigned i;
	int fd = -1, e;

	memset(st, 0, sizeof(*st));
	join(st->path, sizeof(st->path), d->path, name);
	if (check_target(d, name, st->path, err) < 0)
		return -1;
	afile_clean_stale(d, name);
	for (i = 0; i < 100; i++) {
		snprintf(st->tmp, sizeof(st->tmp), ".%s" TMP_TAG "%ld.%u", name, (long)getpid(), i);
		fd = openat(d->fd, st->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	join(tpath, sizeof(tpath), d->path, st->tmp);
	if (fd < 0)
		return fail_errno(err, errno, tpath, "cannot create the temporary file");
	st->staged = true;
	if (fchmod(fd, 0644) < 0) {
		e = errno;
		goto fail;
	}
	if (geteuid() == 0 && fchown(fd, 0, 0) < 0) {
		e = errno;
		goto fail;
	}
	if (write_all(fd, data, len) < 0) {
		e = errno;
		goto fail;
	}
	if (fsync(fd) < 0) {
		e = errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		e = errno;
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	afile_discard(d, st);
	return fail_errno(err, e, tpath, "cannot write the temporary file");
}

void afile_discard(const struct afile_dir *d, struct afile_stage *st)
{
	if (!st->staged)
		return;
	(void)unlinkat(d->fd, st->tmp, 0);
	st->staged = false;
}

int afile_commit(const struct afile_dir *d, struct afile_stage *st, const char *name,
		 struct ovc_err *err)
{
	if (renameat(d->fd, st->tmp, d->fd, name) < 0) {
		int e = errno;

		afile_discard(d, st);
		return fail_errno(err, e, st->path, "cannot rename the new file into place as");
	}
	st->staged = false;
	if (fsync(d->fd) < 0) {
		fail_errno(err, errno, d->path, "cannot sync the directory");
		return -2;
	}
	return 0;
}

int afile_remove(const struct afile_dir *d, const char *name, struct ovc_err *err)
{
	char path[4400];
	int r;

	join(path, sizeof(path), d->path, name);
	r = check_target(d, name, path, err);
	if (r)
		return r;
	if (unlinkat(d->fd, name, 0) < 0) {
		if (errno == ENOENT)
			return 1;
		return fail_errno(err, errno, path, "cannot remove");
	}
	if (fsync(d->fd) < 0) {
		fail_errno(err, errno, d->path, "cannot sync the directory");
		return -2;
	}
	return 0;
}
