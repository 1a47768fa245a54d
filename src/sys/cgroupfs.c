/* SPDX-License-Identifier: MIT */
/* cgroupfs.c - locate a memory cgroup and read its files and its ancestors' through fsroot. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../core/proctext.h"
#include "cgroupfs.h"

#define CGROUP_SUPER_MAGIC_V1 0x27e0eb
#define CGROUP2_SUPER_MAGIC_V2 0x63677270
#define MAX_CGFILE (1u << 20)

static void say(char *why, size_t len, const char *what)
{
	if (why && len)
		snprintf(why, len, "%s", what);
}

/* The memory controller's mount from <proc>/self/mountinfo: 1 found, 0 none, -1 error. */
static int find_mount(const struct fsroot *proc, struct cgroupfs_where *w, struct ovc_err *err)
{
	char *buf = NULL, root[512], mp[512];
	const char *line, *end;
	size_t len = 0;
	int r = fsroot_read_opt(proc, PROC_SELF "/mountinfo", 16u << 20, &buf, &len, err);
	bool v2 = false;

	if (r)
		return r < 0 ? -1 : 0;
	for (line = buf, end = buf + len; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *le = nl ? nl : end;
		enum cg_version v = cg_mountinfo_line(line, (size_t)(le - line), root,
						      sizeof(root), mp, sizeof(mp));

		/* v1's memory hierarchy wins: on a hybrid host cgroup2 has no memory controller */
		if ((v == CG_V1 && w->version != CG_V1) || (v == CG_V2 && !v2 && !w->version)) {
			w->version = v;
			snprintf(w->mount_root, sizeof(w->mount_root), "%s", root);
			snprintf(w->mountpoint, sizeof(w->mountpoint), "%s", mp);
			v2 |= v == CG_V2;
		}
		line = le + 1;
	}
	free(buf);
	return w->version != CG_NONE;
}

/* a ".." component: a cgroup above this namespace's root (cgroup_path_ns) */
static bool has_dotdot(const char *p)
{
	size_t n = strlen(p);

	return strstr(p, "/../") || (n >= 3 && !strcmp(p + n - 3, "/.."));
}

int cgroupfs_locate(const struct fsroot *proc, const char *rel_pid, struct cgroupfs_where *w,
		    char *why, size_t whylen, struct ovc_err *err)
{
	char rel[64], *buf = NULL;
	size_t len = 0;
	int r;

	memset(w, 0, sizeof(*w));
	r = find_mount(proc, w, err);
	if (r < 0)
		return -1;
	if (r == 0) {
		say(why, whylen, "no memory cgroup mount in self/mountinfo of the proc tree");
		return 1;
	}
	snprintf(rel, sizeof(rel), "%s/cgroup", rel_pid);
	r = fsroot_read_opt(proc, rel, 1u << 20, &buf, &len, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		say(why, whylen, "the proc tree has no cgroup file for the process");
		return 1;
	}
	proctext_cgroup_path(buf, len, w->cgroup, sizeof(w->cgroup));
	free(buf);
	if (w->cgroup[0] != '/' || has_dotdot(w->cgroup)) {
		say(why, whylen, w->cgroup[0] ? "the process's cgroup is outside this cgroup namespace"
					     : "no memory cgroup line in the process's cgroup file");
		return 1;
	}
	if (!cg_dir_of(w->mountpoint, w->mount_root, w->cgroup, w->dir, sizeof(w->dir))) {
		say(why, whylen, "the process's cgroup is not under the memory controller's mount");
		return 1;
	}
	return 0;
}

/* "/a//b/" -> "/a/b"; false for a relative path or a "." or ".." component */
static bool normalize(const char *in, char *out, size_t len)
{
	size_t o = 0;
	const char *p = in;

	if (*p != '/')
		return false;
	while (*p) {
		const char *s, *e;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != '/')
			p++;
		e = p;
		if ((e - s == 1 && s[0] == '.') || (e - s == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (o + 1 + (size_t)(e - s) + 1 > len)
			return false;
		out[o++] = '/';
		memcpy(out + o, s, (size_t)(e - s));
		o += (size_t)(e - s);
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return true;
}

/* The path relative to the root seam: "" -> "." */
static const char *rel_of(const char *abs)
{
	while (*abs == '/')
		abs++;
	return *abs ? abs : ".";
}

int cgroupfs_locate_path(const struct fsroot *proc, const struct fsroot *root,
			 const char *path, struct cgroupfs_where *w, struct ovc_err *err)
{
	char norm[1600];
	size_t ml;
	struct stat st;
	int fd, r;

	memset(w, 0, sizeof(*w));
	if (!normalize(path, norm, sizeof(norm)))
		return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0,
				"invalid --cgroup '%s': give the absolute path of a cgroup directory, without '.' or '..' (e.g. /sys/fs/cgroup/kubepods/pod1)",
				path);
	r = find_mount(proc, w, err);
	if (r < 0)
		return -1;
	if (r == 0) {
		/* no mountinfo (a saved tree): the usual place */
		snprintf(w->mount_root, sizeof(w->mount_root), "/");
		if (fsroot_has(root, "sys/fs/cgroup/cgroup.controllers", S_IFREG)) {
			w->version = CG_V2;
			snprintf(w->mountpoint, sizeof(w->mountpoint), "/sys/fs/cgroup");
		} else {
			w->version = CG_V1;
			snprintf(w->mountpoint, sizeof(w->mountpoint), "/sys/fs/cgroup/memory");
		}
	}
	ml = strcmp(w->mountpoint, "/") ? strlen(w->mountpoint) : 0;
	if (strncmp(norm, w->mountpoint, ml) || (norm[ml] != '/' && norm[ml]))
		return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0,
				"invalid --cgroup '%s': not under the memory cgroup mount %s (cgroup %s); give a directory there, e.g. %s/kubepods/pod1",
				path, w->mountpoint, w->version == CG_V2 ? "v2" : "v1", w->mountpoint);
	fd = fsroot_openat(root, rel_of(norm), O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		int e = errno;

		const char *why = e == ENOENT ? "no such cgroup directory"
				  : e == ENOTDIR ? "not a directory"
				  : e == ELOOP ? "too many levels of symbolic links"
				  : NULL;

		if (why)
			return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0, "invalid --cgroup '%s': %s",
					path, why);
		return ovc_fail(err, OVC_E_USAGE, e, NULL, 0, "invalid --cgroup '%s': cannot open it",
				path);
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0, "invalid --cgroup '%s': not a directory",
				path);
	}
	if (root->live) {
		struct statfs sf;

		if (fstatfs(fd, &sf) < 0 || ((unsigned long)sf.f_type != CGROUP_SUPER_MAGIC_V1 &&
					     (unsigned long)sf.f_type != CGROUP2_SUPER_MAGIC_V2)) {
			close(fd);
			return ovc_fail(err, OVC_E_USAGE, 0, NULL, 0,
					"invalid --cgroup '%s': not on a cgroup file system", path);
		}
	}
	close(fd);
	snprintf(w->dir, sizeof(w->dir), "%s", norm);
	/* the cgroup's path in its hierarchy: the mount's root + the rest */
	snprintf(w->cgroup, sizeof(w->cgroup), "%s%s",
		 strcmp(w->mount_root, "/") ? w->mount_root : "", norm + ml);
	if (!w->cgroup[0])
		snprintf(w->cgroup, sizeof(w->cgroup), "/");
	return 0;
}

/* Read name in dirfd: 0, 1 when absent, -1 on error (err names the path). */
static int read_in(const struct fsroot *root, int dirfd, const char *dir, const char *name,
		   char **buf, size_t *len, char *path, size_t plen, struct ovc_err *err)
{
	struct stat st;
	int fd, r;

	size_t o;

	fsroot_path(root, rel_of(dir), path, plen);
	o = strlen(path);
	snprintf(path + o, plen - o, "%s%s", o && path[o - 1] == '/' ? "" : "/", name);
	*buf = NULL;
	fd = fsroot_openat_in(root, dirfd, name, O_RDONLY);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return 1;
		return ovc_fail(err, ovc_errno_class(e), e, path, 0, "cannot open");
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ovc_fail(err, OVC_E_INPUT, 0, path, 0, "not a regular file");
	}
	/* kernfs files report no size: read until a read returns 0 */
	r = fsroot_read_fd(fd, MAX_CGFILE, "a cgroup file", false, 0, buf, len, path, err);
	close(fd);
	return r;
}

static int read_level(const struct fsroot *root, const char *dir, enum cg_version v,
		      uint64_t page_size, struct cg_level *l, struct ovc_err *err)
{
	static const char *const v2[] = { "memory.max", "memory.current", "memory.high",
					  "memory.swap.max", "memory.swap.current", "memory.stat" };
	static const char *const v1[] = { "memory.limit_in_bytes", "memory.usage_in_bytes", NULL,
					  "memory.memsw.limit_in_bytes",
					  "memory.memsw.usage_in_bytes", "memory.stat" };
	const char *const *names = v == CG_V2 ? v2 : v1;
	char path[2400];
	bool have[6] = { false };
	uint64_t val[6] = { 0 };
	int dirfd, i, r = 0;

	dirfd = fsroot_openat(root, rel_of(dir), O_RDONLY | O_DIRECTORY);
	if (dirfd < 0) {
		int e = errno;

		ovc_fail(err, ovc_errno_class(e), e, NULL, 0, "cannot open the cgroup directory");
		return fsroot_blame(root, rel_of(dir), err);
	}
	for (i = 0; i < 6 && r >= 0; i++) {
		char *buf;
		size_t len;

		if (!names[i])
			continue;
		r = read_in(root, dirfd, dir, names[i], &buf, &len, path, sizeof(path), err);
		if (r)
			continue;
		if (i == 5) {
			r = cg_parse_stat(buf, len, path, page_size, &l->stat, err);
			l->has_stat = r == 0;
		} else if (i == 1 || i == 4) {
			r = cg_parse_usage(buf, len, path, &val[i], err);
		} else {
			r = cg_parse_limit(buf, len, path, page_size, &val[i], err);
		}
		have[i] = r == 0;
		free(buf);
	}
	close(dirfd);
	if (r < 0)
		return -1;
	l->has_memory = have[0] && have[1];
	l->max = val[0];
	l->current = val[1];
	l->has_high = have[2];
	l->high = val[2];
	if (v == CG_V2) {
		l->has_swap = have[3] && have[4];
		l->swap_max = val[3];
		l->swap_current = val[4];
	} else {
		l->has_memsw = have[3] && have[4];
		l->memsw_max = val[3];
		l->memsw_current = val[4];
	}
	return 0;
}

int cgroupfs_read(const struct fsroot *root, const struct cgroupfs_where *w,
		  uint64_t page_size, struct cg_path *p, struct ovc_err *err)
{
	char dir[sizeof(w->dir)], cg[sizeof(w->cgroup)];
	size_t ml = strcmp(w->mountpoint, "/") ? strlen(w->mountpoint) : 0;

	memset(p, 0, sizeof(*p));
	p->version = w->version;
	snprintf(dir, sizeof(dir), "%s", w->dir);
	snprintf(cg, sizeof(cg), "%s", w->cgroup);
	for (;;) {
		struct cg_level *l = &p->lv[p->n];
		char *slash;

		if (p->n == CG_MAX_DEPTH)
			break;
		snprintf(l->path, sizeof(l->path), "%s", cg);
		if (read_level(root, dir, w->version, page_size, l, err) < 0) {
			if (p->n == 0 && err->code == OVC_E_INPUT && err->errnum == ENOENT)
				snprintf(err->msg, sizeof(err->msg),
					 "the cgroup directory is missing (the process may have moved or exited)");
			return -1;
		}
		p->n++;
		if (strlen(dir) <= ml || !strcmp(dir, "/"))
			break;   /* the mount point: the top of what is visible */
		slash = strrchr(dir, '/');
		*slash = '\0';
		if (!dir[0])
			snprintf(dir, sizeof(dir), "/");
		slash = strrchr(cg, '/');
		if (slash && slash != cg)
			*slash = '\0';
		else
			snprintf(cg, sizeof(cg), "/");
		if (strlen(dir) < ml)
			break;
	}
	/* v2's root cgroup has no memory.max (CFTYPE_NOT_ON_ROOT); v1's is the mount of "/" */
	if (p->n) {
		const struct cg_level *top = &p->lv[p->n - 1];

		p->top_is_root = w->version == CG_V2 ? !top->has_memory
						      : !strcmp(w->mount_root, "/") &&
							!strcmp(top->path, "/");
	}
	return 0;
}
