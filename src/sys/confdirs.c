/* SPDX-License-Identifier: MIT */
/*
 * confdirs.c - reads the boot sysctl configuration under --root for core/precedence.
 * Opens the root once; every file is opened with openat2(RESOLVE_IN_ROOT) relative to it,
 * so Debian's 99-sysctl.conf -> ../sysctl.conf and absolute links stay inside the tree.
 * Never writes anything.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confdirs.h"
#include "fsroot.h"

/* Every directory either tool reads (core/precedence's lists), each once, in order. */
static size_t tool_dirs(const char *dirs[CONFDIRS_NDIRS])
{
	static const enum prec_tool tools[] = { PREC_SYSTEMD, PREC_PROCPS };
	size_t n = 0, t, i, j, m;

	for (t = 0; t < 2; t++) {
		const char *const *d = prec_tool_dirs(tools[t], &m);

		for (i = 0; i < m; i++) {
			for (j = 0; j < n && strcmp(dirs[j], d[i]); j++)
				;
			if (j == n && n < CONFDIRS_NDIRS)
				dirs[n++] = d[i];
		}
	}
	return n;
}

/* Open rel (no leading '/') under the root, links resolved inside it. */
static int open_in_root(const struct confdirs *cd, const char *rel, int extra)
{
	return fsroot_openat(cd->rootfs, rel, O_RDONLY | extra);
}

static void show_path(const struct confdirs *cd, const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", cd->root, rel);
}

/* A failure reading the boot configuration: its class and the advice. */
static int fail(const struct confdirs *cd, struct ovc_err *err, int e, const char *path,
		const char *what)
{
	ovc_fail(err, ovc_errno_class(e), e, path, 0, "%s", what);
	return ovc_hint(err, fsroot_hint(cd->rootfs, e));
}

static bool is_null_link(int dirfd, const char *name)
{
	char t[32];
	ssize_t n = readlinkat(dirfd, name, t, sizeof(t) - 1);

	if (n < 0)
		return false;
	t[n] = '\0';
	return !strcmp(t, "/dev/null");
}

/*
 * Add one entry: dirfd is its directory (opened inside the root), rel its path under
 * the root, dir/name as the model names them.
 */
static int add_file(struct confdirs *cd, int dirfd, const char *dir, const char *name,
		    const char *rel, struct ovc_err *err)
{
	struct prec_file *f;
	struct stat st;
	size_t nl = strlen(name) + 1, pl;
	char path[4400];
	char *blk;
	int fd;

	show_path(cd, rel, path, sizeof(path));
	if (cd->nfiles >= CONFDIRS_MAX_FILES)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 0,
				"more than %d sysctl configuration files", CONFDIRS_MAX_FILES);
	pl = strlen(path) + 1;
	blk = malloc(nl + pl);
	if (!blk)
		return ovc_fail(err, OVC_E_SYSTEM, ENOMEM, path, 0, "cannot read");
	memcpy(blk, name, nl);
	memcpy(blk + nl, path, pl);
	cd->owned[cd->nfiles] = blk;
	f = &cd->files[cd->nfiles++];
	memset(f, 0, sizeof(*f));
	f->dir = dir;
	f->name = blk;
	f->path = blk + nl;
	f->hidden = prec_hidden_or_backup(name);
	f->masked = is_null_link(dirfd, name);
	if (f->masked)
		return 0;   /* reads empty; the model needs no text */
	fd = open_in_root(cd, rel, 0);
	if (fd < 0) {
		int e = errno;

		/* dangling, looping or forbidden: the tools cannot open it either */
		if (e == ENOENT || e == ENOTDIR || e == ELOOP || e == EACCES || e == EPERM ||
		    e == EXDEV)
			return 0;
		return fail(cd, err, e, path, "cannot open");
	}
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return fail(cd, err, e, path, "cannot stat");
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
		/* a link chain ending at a /dev/null device node inside the root */
		close(fd);
		f->masked = true;
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);   /* a directory or a FIFO: neither tool reads assignments from it */
		return 0;
	}
	f->regular = true;
	if (fsroot_read_fd(fd, CONFDIRS_MAX_SIZE, "a sysctl.d file",
			   &cd->texts[cd->nfiles - 1], &f->len, path, err) < 0) {
		close(fd);
		return ovc_hint(err, fsroot_hint(cd->rootfs, err->errnum));
	}
	close(fd);
	f->text = cd->texts[cd->nfiles - 1];
	f->readable = true;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.conf entry of one directory (files, links, unknown types; not directories). */
static int list_dir(struct confdirs *cd, int dfd, const char *dir, struct ovc_err *err)
{
	char *names[CONFDIRS_MAX_FILES];
	size_t n = 0, i;
	char path[4400];
	struct dirent *de;
	DIR *d;
	int lfd, rc = 0;

	show_path(cd, dir + 1, path, sizeof(path));
	lfd = dup(dfd);
	if (lfd < 0 || !(d = fdopendir(lfd))) {
		int e = errno;

		if (lfd >= 0)
			close(lfd);
		return fail(cd, err, e, path, "cannot list");
	}
	for (;;) {
		size_t l;

		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 5, ".conf"))
			continue;   /* the model ignores the rest: do not even read it */
		if (de->d_type == DT_DIR)
			continue;
		if (cd->nfiles + n >= CONFDIRS_MAX_FILES) {
			rc = ovc_fail(err, OVC_E_INPUT, 0, path, 0,
				      "more than %d sysctl configuration files",
				      CONFDIRS_MAX_FILES);
			goto out;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			rc = ovc_fail(err, OVC_E_SYSTEM, ENOMEM, path, 0, "cannot list");
			goto out;
		}
		n++;
	}
	if (errno) {
		rc = fail(cd, err, errno, path, "cannot list");
		goto out;
	}
	/* readdir order is arbitrary; sorted, so results and messages are stable */
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (i = 0; i < n && rc == 0; i++) {
		char rel[4400];

		snprintf(rel, sizeof(rel), "%s/%s", dir + 1, names[i]);
		rc = add_file(cd, dfd, dir, names[i], rel, err);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	closedir(d);
	return rc;
}

int confdirs_load(struct confdirs *cd, const struct fsroot *root, struct ovc_err *err)
{
	const char *dirs[CONFDIRS_NDIRS];
	struct stat seen[CONFDIRS_NDIRS];
	size_t seen_dir[CONFDIRS_NDIRS];
	size_t ndirs = tool_dirs(dirs), nseen = 0, i, j, rl;
	int rc = 0;

	memset(cd, 0, sizeof(*cd));
	cd->rootfs = root;
	cd->contained = root->contained;
	snprintf(cd->root, sizeof(cd->root), "%s", root->path);
	rl = strlen(cd->root);
	while (rl && cd->root[rl - 1] == '/')   /* "/" -> "", "/x/" -> "/x" */
		cd->root[--rl] = '\0';
	for (i = 0; i < ndirs && rc == 0; i++) {
		char path[4400];
		struct stat st;
		int dfd = open_in_root(cd, dirs[i] + 1, O_DIRECTORY);

		if (dfd < 0) {
			int e = errno;

			if (e == ENOENT || e == ENOTDIR)
				continue;
			show_path(cd, dirs[i] + 1, path, sizeof(path));
			rc = fail(cd, err, e, path, "cannot open directory");
			break;
		}
		if (fstat(dfd, &st) < 0) {
			int e = errno;

			close(dfd);
			show_path(cd, dirs[i] + 1, path, sizeof(path));
			rc = fail(cd, err, e, path, "cannot stat");
			break;
		}
		/* merged /usr: /lib -> usr/lib makes /lib/sysctl.d the same directory */
		for (j = 0; j < nseen; j++)
			if (seen[j].st_dev == st.st_dev && seen[j].st_ino == st.st_ino)
				break;
		if (j < nseen) {
			cd->same_dir[cd->nsame] = dirs[i];
			cd->same_as[cd->nsame++] = dirs[seen_dir[j]];
			close(dfd);
			continue;
		}
		seen_dir[nseen] = i;
		seen[nseen++] = st;
		rc = list_dir(cd, dfd, dirs[i], err);
		close(dfd);
	}
	if (rc == 0) {
		int dfd = open_in_root(cd, "etc", O_DIRECTORY);
		struct stat st;

		/* absent: not listed at all (procps's stat() fails and it moves on) */
		if (dfd >= 0 && fstatat(dfd, "sysctl.conf", &st, AT_SYMLINK_NOFOLLOW) == 0)
			rc = add_file(cd, dfd, "/etc", "sysctl.conf", "etc/sysctl.conf", err);
		if (dfd >= 0)
			close(dfd);
	}
	return rc;
}

void confdirs_free(struct confdirs *cd)
{
	size_t i;

	for (i = 0; i < CONFDIRS_MAX_FILES; i++) {
		free(cd->owned[i]);
		free(cd->texts[i]);
		cd->owned[i] = cd->texts[i] = NULL;
	}
	cd->nfiles = 0;
}
