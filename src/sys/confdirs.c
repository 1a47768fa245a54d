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

/* "a/b" in buf, truncated to len as snprintf would (without its cost: once per file). */
static void join(char *buf, size_t len, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (!len)
		return;
	if (la >= len)
		la = len - 1;
	memcpy(buf, a, la);
	if (la + 1 < len)
		buf[la++] = '/';
	if (lb >= len - la)
		lb = len - la - 1;
	memcpy(buf + la, b, lb);
	buf[la + lb] = '\0';
}

/*
 * err's path: the root joined with rel, made only when something failed (no path
 * buffers in the frames of every run: -fstack-clash-protection touches every page of a
 * large frame).
 */
static int blame(const struct confdirs *cd, struct ovc_err *err, const char *rel)
{
	if (err)
		join(err->path, sizeof(err->path), cd->root, rel);
	return -1;
}

/* A failure reading the boot configuration: its class, rel's path and the advice. */
static int fail(const struct confdirs *cd, struct ovc_err *err, int e, const char *rel,
		const char *what)
{
	ovc_fail(err, ovc_errno_class(e), e, NULL, 0, "%s", what);
	blame(cd, err, rel);
	return ovc_hint(err, fsroot_hint(cd->rootfs, e));
}

static int too_many(const struct confdirs *cd, struct ovc_err *err, const char *rel)
{
	ovc_fail(err, OVC_E_INPUT, 0, NULL, 0, "more than %d sysctl configuration files",
		 CONFDIRS_MAX_FILES);
	return blame(cd, err, rel);
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
		    const char *rel, bool maybe_link, struct ovc_err *err)
{
	struct prec_file *f;
	struct stat st;
	size_t nl = strlen(name) + 1, pl = strlen(cd->root) + 1 + strlen(rel) + 1;
	const char *path;
	char *blk;
	int fd;

	if (cd->nfiles >= CONFDIRS_MAX_FILES)
		return too_many(cd, err, rel);
	blk = malloc(nl + pl);
	if (!blk)
		return fail(cd, err, ENOMEM, rel, "cannot read");
	memcpy(blk, name, nl);
	join(blk + nl, pl, cd->root, rel);
	path = blk + nl;
	cd->owned[cd->nfiles] = blk;
	cd->texts[cd->nfiles] = NULL;
	f = &cd->files[cd->nfiles++];
	memset(f, 0, sizeof(*f));
	f->dir = dir;
	f->name = blk;
	f->path = blk + nl;
	f->hidden = prec_hidden_or_backup(name);
	f->masked = maybe_link && is_null_link(dirfd, name);
	if (f->masked)
		return 0;   /* reads empty; the model needs no text */
	fd = open_in_root(cd, rel, 0);
	if (fd < 0) {
		int e = errno;

		/* dangling, looping or forbidden: the tools cannot open it either */
		if (e == ENOENT || e == ENOTDIR || e == ELOOP || e == EACCES || e == EPERM ||
		    e == EXDEV)
			return 0;
		return fail(cd, err, e, rel, "cannot open");
	}
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return fail(cd, err, e, rel, "cannot stat");
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
	if (fsroot_read_fd(fd, CONFDIRS_MAX_SIZE, "a sysctl.d file", true, (size_t)st.st_size,
			   &cd->texts[cd->nfiles - 1], &f->len, path, err) < 0) {
		close(fd);
		return ovc_hint(err, fsroot_hint(cd->rootfs, err->errnum));
	}
	close(fd);
	f->text = cd->texts[cd->nfiles - 1];
	f->readable = true;
	return 0;
}

struct entry {
	char *name;
	bool maybe_link;   /* d_type DT_LNK or DT_UNKNOWN: worth a readlinkat */
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/*
 * Every *.conf entry of one directory (files, links, unknown types; not directories).
 * Listed with getdents64 on dfd itself: no dup, no DIR and its 32 KiB buffer (this runs
 * in every status).
 */
static int list_dir(struct confdirs *cd, int dfd, const char *dir, struct ovc_err *err)
{
	struct entry names[CONFDIRS_MAX_FILES];
	char buf[4096] __attribute__((aligned(8)));
	size_t n = 0, i;
	ssize_t got;
	int rc = 0;

	while ((got = getdents64(dfd, buf, sizeof(buf))) != 0) {
		ssize_t off = 0;

		if (got < 0) {
			rc = fail(cd, err, errno, dir + 1, "cannot list");
			goto out;
		}
		while (off < got) {
			const struct dirent64 *de = (const struct dirent64 *)(void *)(buf + off);
			size_t l = strlen(de->d_name);

			off += de->d_reclen;
			if (l < 5 || strcmp(de->d_name + l - 5, ".conf"))
				continue;   /* the model ignores the rest: do not even read it */
			if (de->d_type == DT_DIR)
				continue;
			if (cd->nfiles + n >= CONFDIRS_MAX_FILES) {
				rc = too_many(cd, err, dir + 1);
				goto out;
			}
			names[n].maybe_link = de->d_type == DT_LNK || de->d_type == DT_UNKNOWN;
			names[n].name = strdup(de->d_name);
			if (!names[n].name) {
				rc = fail(cd, err, ENOMEM, dir + 1, "cannot list");
				goto out;
			}
			n++;
		}
	}
	/* the kernel's order is arbitrary; sorted, so results and messages are stable */
	if (n > 1)
		qsort(names, n, sizeof(names[0]), cmp_name);
	for (i = 0; i < n && rc == 0; i++) {
		char rel[512];   /* a tool directory (under 32 bytes) and a name (under 256) */

		join(rel, sizeof(rel), dir + 1, names[i].name);
		rc = add_file(cd, dfd, dir, names[i].name, rel, names[i].maybe_link, err);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i].name);
	return rc;
}

int confdirs_load(struct confdirs *cd, const struct fsroot *root, struct ovc_err *err)
{
	const char *dirs[CONFDIRS_NDIRS];
	struct stat seen[CONFDIRS_NDIRS];
	size_t seen_dir[CONFDIRS_NDIRS];
	size_t ndirs = tool_dirs(dirs), nseen = 0, i, j, rl;
	int rc = 0;

	/* the arrays are filled up to nfiles and nsame (cd is 20 KiB: not cleared whole) */
	cd->nfiles = 0;
	cd->nsame = 0;
	cd->rootfs = root;
	snprintf(cd->root, sizeof(cd->root), "%s", root->path);
	rl = strlen(cd->root);
	while (rl && cd->root[rl - 1] == '/')   /* "/" -> "", "/x/" -> "/x" */
		cd->root[--rl] = '\0';
	for (i = 0; i < ndirs && rc == 0; i++) {
		struct stat st;
		int dfd = open_in_root(cd, dirs[i] + 1, O_DIRECTORY);

		if (dfd < 0) {
			int e = errno;

			if (e == ENOENT || e == ENOTDIR)
				continue;
			rc = fail(cd, err, e, dirs[i] + 1, "cannot open directory");
			break;
		}
		if (fstat(dfd, &st) < 0) {
			int e = errno;

			close(dfd);
			rc = fail(cd, err, e, dirs[i] + 1, "cannot stat");
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
			rc = add_file(cd, dfd, "/etc", "sysctl.conf", "etc/sysctl.conf",
				      S_ISLNK(st.st_mode), err);
		if (dfd >= 0)
			close(dfd);
	}
	cd->contained = fsroot_contained(root);   /* known by now: openat2 was called */
	return rc;
}

void confdirs_free(struct confdirs *cd)
{
	size_t i;

	for (i = 0; i < cd->nfiles; i++) {
		free(cd->owned[i]);
		free(cd->texts[i]);
	}
	cd->nfiles = 0;
}
