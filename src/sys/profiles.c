/* SPDX-License-Identifier: MIT */
/* profiles.c - finds, checks, reads and lists profile files (see profiles.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profiles.h"

/* A failure on the way to a profile; PERM ones get the trust advice. */
static int fail(struct ovc_err *err, int e, const char *path, const char *what)
{
	enum ovc_ecode code = ovc_errno_class(e);

	ovc_fail(err, code, e, path, 0, "%s", what);
	return ovc_hint(err, code == OVC_E_PERM ? OVC_H_PROFILE_TRUST : OVC_H_NONE);
}

/* Owned by root (or by us, when we are not root) and not writable by group or others. */
static int trusted(int fd, const char *path, const char *what, struct ovc_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fail(err, errno, path, "cannot stat");
	if (st.st_uid != 0 && st.st_uid != geteuid())
		ovc_fail(err, OVC_E_PERM, 0, path, 0,
			 "%s not owned by root (uid %u): profiles drive privileged changes, so ovc refuses it",
			 what, (unsigned)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		ovc_fail(err, OVC_E_PERM, 0, path, 0,
			 "%s writable by group or others (mode %04o): profiles drive privileged changes, so ovc refuses it (chmod go-w)",
			 what,
			 (unsigned)(st.st_mode & 07777));
	else
		return 0;
	return ovc_hint(err, OVC_H_PROFILE_TRUST);
}

void profiles_open(struct profiles *ps, const struct fsroot *root, const struct fsroot *host)
{
	static const char shipped[] = OVC_DATADIR "/profiles";
	const char *srel = shipped[0] == '/' ? shipped + 1 : shipped;
	size_t i;

	memset(ps, 0, sizeof(*ps));
	ps->root[0] = root;
	ps->rel[0] = "etc/ovc/profiles";
	ps->root[1] = root;
	ps->rel[1] = srel;
	ps->ndirs = 2;
	if (!root->live && host) {   /* another system: the running ovc's own profiles last */
		ps->root[2] = host;
		ps->rel[2] = srel;
		ps->ndirs = 3;
	}
	for (i = 0; i < ps->ndirs; i++)
		fsroot_path(ps->root[i], ps->rel[i], ps->dir[i], sizeof(ps->dir[i]));
}

void profiles_close(struct profiles *ps)
{
	free(ps->text);
	ps->text = NULL;
}

const char *profiles_dirs_text(const struct profiles *ps, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < ps->ndirs && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
				      !i ? "" : i + 1 == ps->ndirs ? " or " : ", ", ps->dir[i]);
	return buf;
}

/*
 * The directories above a profile directory, up to the root: whoever can rename an
 * entry in one of them can put another directory in the profile directory's place.
 * Each must be owned by root (or us) and not writable by group or others, unless it is
 * sticky (there only an entry's owner may rename it, as in /tmp). Walked with "..", so
 * it checks the directories the open really went through.
 */
static int trusted_parents(const struct profiles *ps, size_t i, int fd, struct ovc_err *err)
{
	struct stat root, st, prev;
	char path[sizeof(ps->dir[0])];
	int cur = fd, depth, e, rc = 0;

	if (fstat(ps->root[i]->fd, &root) < 0 || fstat(fd, &prev) < 0)
		return fail(err, errno, ps->dir[i], "cannot stat");
	snprintf(path, sizeof(path), "%s", ps->dir[i]);
	for (depth = 0; depth < 256; depth++) {
		char *slash = strrchr(path, '/');
		int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		e = errno;
		if (cur != fd)
			close(cur);
		cur = up;
		if (slash && slash != path)
			*slash = '\0';
		else
			snprintf(path, sizeof(path), "/");
		if (up < 0) {
			rc = fail(err, e, path, "cannot open the directory above the profiles");
			break;
		}
		if (fstat(up, &st) < 0) {
			rc = fail(err, errno, path, "cannot stat");
			break;
		}
		/* the root itself is --root's owner's business; "/.." is "/": not below it */
		if ((st.st_dev == root.st_dev && st.st_ino == root.st_ino) ||
		    (st.st_dev == prev.st_dev && st.st_ino == prev.st_ino))
			break;
		if (st.st_uid != 0 && st.st_uid != geteuid()) {
			ovc_fail(err, OVC_E_PERM, 0, path, 0,
				 "above the profiles, not owned by root (uid %u): its owner could swap the profile directory, so ovc refuses it",
				 (unsigned)st.st_uid);
			rc = ovc_hint(err, OVC_H_PROFILE_TRUST);
			break;
		}
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
			ovc_fail(err, OVC_E_PERM, 0, path, 0,
				 "above the profiles, writable by group or others (mode %04o): they could swap the profile directory, so ovc refuses it (chmod go-w)",
				 (unsigned)(st.st_mode & 07777));
			rc = ovc_hint(err, OVC_H_PROFILE_TRUST);
			break;
		}
		prev = st;
	}
	if (cur >= 0 && cur != fd)
		close(cur);
	return rc;
}

/* Open directory i; 1 if it does not exist. */
static int open_dir(struct profiles *ps, size_t i, int *fd, struct ovc_err *err)
{
	*fd = fsroot_openat(ps->root[i], ps->rel[i], O_RDONLY | O_DIRECTORY);
	if (*fd < 0) {
		if (errno == ENOENT)
			return 1;
		return fail(err, errno, ps->dir[i], "cannot open the profile directory");
	}
	if (trusted(*fd, ps->dir[i], "the directory is", err) < 0 ||
	    trusted_parents(ps, i, *fd, err) < 0) {
		close(*fd);
		return -1;
	}
	return 0;
}

int profiles_load(void *arg, const char *name, const char **text, size_t *len,
		  const char **path, struct ovc_err *err)
{
	struct profiles *ps = arg;
	char file[PROFILE_NAME_MAX + sizeof(PROFILES_SUFFIX)];
	size_t i;

	free(ps->text);
	ps->text = NULL;
	snprintf(file, sizeof(file), "%s" PROFILES_SUFFIX, name);
	for (i = 0; i < ps->ndirs; i++) {
		struct stat st;
		int dfd, fd, r = open_dir(ps, i, &dfd, err);

		if (r < 0)
			return -1;
		if (r == 1)
			continue;
		snprintf(ps->path, sizeof(ps->path), "%s/%s", ps->dir[i], file);
		fd = openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		close(dfd);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 && errno == ELOOP) {
			ovc_fail(err, OVC_E_PERM, 0, ps->path, 0,
				 "is a symbolic link: profiles drive privileged changes, so ovc does not follow links (copy the file instead)");
			return ovc_hint(err, OVC_H_PROFILE_TRUST);
		}
		if (fd < 0)
			return fail(err, errno, ps->path, "cannot open the profile");
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return ovc_fail(err, OVC_E_INPUT, 0, ps->path, 0, "is not a regular file");
		}
		if (trusted(fd, ps->path, "the file is", err) < 0 ||
		    fsroot_read_fd(fd, PROFILE_MAX_SIZE, "a profile", true, (size_t)st.st_size, &ps->text, &ps->len, ps->path,
				   err) < 0) {
			close(fd);
			return -1;
		}
		close(fd);
		*text = ps->text;
		*len = ps->len;
		*path = ps->path;
		return 0;
	}
	return 1;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct profile_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (int)x->dir - (int)y->dir;
}

int profiles_list(struct profiles *ps, struct profile_entry *out, size_t max, size_t *n,
		  struct ovc_err *err)
{
	size_t i, k, m = 0;

	*n = 0;
	for (i = 0; i < ps->ndirs; i++) {
		struct dirent *de;
		DIR *d;
		int dfd, r = open_dir(ps, i, &dfd, err);

		if (r < 0)
			return -1;
		if (r == 1)
			continue;
		d = fdopendir(dfd);
		if (!d) {
			close(dfd);
			return fail(err, errno, ps->dir[i], "cannot list");
		}
		while ((de = readdir(d))) {
			size_t l = strlen(de->d_name), s = strlen(PROFILES_SUFFIX);
			char name[PROFILE_NAME_MAX];

			if (l <= s || l - s >= sizeof(name) ||
			    strcmp(de->d_name + l - s, PROFILES_SUFFIX))
				continue;
			memcpy(name, de->d_name, l - s);
			name[l - s] = '\0';
			if (!profile_name_ok(name))
				continue;
			if (m >= max) {
				closedir(d);
				return ovc_fail(err, OVC_E_INPUT, 0, ps->dir[i], 0,
						"more than %zu profiles", max);
			}
			snprintf(out[m].name, sizeof(out[m].name), "%s", name);
			out[m].dir = i;
			out[m].overrides = false;
			snprintf(out[m].path, sizeof(out[m].path), "%s/%s", ps->dir[i], de->d_name);
			m++;
		}
		closedir(d);
	}
	qsort(out, m, sizeof(*out), cmp_entry);
	for (i = 0, k = 0; i < m; i++) {
		if (k && !strcmp(out[k - 1].name, out[i].name)) {
			out[k - 1].overrides = true;   /* it hides a later directory's */
			continue;
		}
		out[k++] = out[i];
	}
	*n = k;
	return 0;
}
