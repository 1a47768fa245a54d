/* SPDX-License-Identifier: MIT */
/* memmapfs.c - statfs and stat of an np.memmap path through the --root seam, and RLIMIT_FSIZE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "memmapfs.h"

uint64_t memmapfs_self_fsize(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_FSIZE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return (uint64_t)rl.rlim_cur;
}

/* The error, with the path shown as the user gave it (under --root: the real one). */
static int fail_at(struct ovc_err *err, int errnum, const char *shown, const char *what)
{
	enum ovc_ecode code = errnum ? ovc_errno_class(errnum) : OVC_E_INPUT;

	return ovc_fail(err, code == OVC_E_SYSTEM && errnum == ENOTDIR ? OVC_E_INPUT : code,
			errnum, shown, 0, "%s", what);
}

int memmapfs_read(const struct fsroot *root, const char *path, enum memmap_mode mode,
		  uint64_t bytes, struct memmapfs_facts *out, struct ovc_err *err)
{
	char rel[4096], dirrel[4096], cwd[4096], *slash;
	const char *name, *mname = memmap_mode_name(mode);
	struct statfs sf;
	struct stat st;
	int dfd, fd, e;

	memset(out, 0, sizeof(*out));
	if (path[0] != '/' && root->live) {
		/* a relative path is the working directory's, as Python would take it */
		if (!getcwd(cwd, sizeof(cwd)))
			return ovc_fail(err, OVC_E_SYSTEM, errno, NULL, 0,
					"cannot get the working directory for the memmap path");
		if ((size_t)snprintf(rel, sizeof(rel), "%s/%s", cwd, path) >= sizeof(rel))
			return ovc_fail(err, OVC_E_USAGE, ENAMETOOLONG, path, 0, "invalid --memmap path");
	} else if ((size_t)snprintf(rel, sizeof(rel), "%s", path) >= sizeof(rel)) {
		return ovc_fail(err, OVC_E_USAGE, ENAMETOOLONG, path, 0, "invalid --memmap path");
	}
	/* relative to the root: no leading slashes */
	memmove(rel, rel + strspn(rel, "/"), strlen(rel + strspn(rel, "/")) + 1);
	fsroot_path(root, rel, out->shown, sizeof(out->shown));
	if (path[0] != '/' && root->live)
		snprintf(out->shown, sizeof(out->shown), "%s", path);

	snprintf(dirrel, sizeof(dirrel), "%s", rel);
	slash = strrchr(dirrel, '/');
	name = slash ? rel + (slash - dirrel) + 1 : rel;
	if (slash)
		*slash = '\0';
	else
		snprintf(dirrel, sizeof(dirrel), ".");
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return ovc_fail(err, OVC_E_INPUT, EISDIR, out->shown, 0,
				"np.memmap needs a file, not a directory: --memmap");

	/* the directory first: a missing one is named as such */
	dfd = fsroot_openat(root, *dirrel ? dirrel : ".", O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		char shown_dir[4200];

		e = errno;
		fsroot_path(root, *dirrel ? dirrel : ".", shown_dir, sizeof(shown_dir));
		return fail_at(err, e, shown_dir, "cannot open the directory of the --memmap file");
	}
	fd = fsroot_openat(root, rel, O_RDONLY);
	if (fd < 0 && errno != ENOENT) {
		e = errno;
		close(dfd);
		return fail_at(err, e, out->shown, "cannot open the --memmap file");
	}
	if (fd >= 0) {
		if (fstat(fd, &st) < 0) {
			e = errno;
			close(fd);
			close(dfd);
			return fail_at(err, e, out->shown, "cannot stat the --memmap file");
		}
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			close(dfd);
			return ovc_fail(err, OVC_E_INPUT, EISDIR, out->shown, 0,
					"np.memmap needs a file, not a directory: --memmap");
		}
		if (!S_ISREG(st.st_mode)) {
			close(fd);
			close(dfd);
			return ovc_fail(err, OVC_E_INPUT, 0, out->shown, 0,
					"not a regular file (a FIFO, a socket or a device): np.memmap maps a regular file");
		}
		out->fs.file_exists = true;
		out->fs.file_bytes = (uint64_t)st.st_size;
		out->fs.file_alloc_bytes = (uint64_t)st.st_blocks * 512;
	} else if (mode != MEMMAP_W_PLUS) {
		close(dfd);
		return ovc_fail(err, OVC_E_INPUT, ENOENT, out->shown, 0,
				"np.memmap mode %s needs an existing file (mode w+ creates one): cannot open",
				mname);
	}
	if (fstatfs(fd >= 0 ? fd : dfd, &sf) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		close(dfd);
		return fail_at(err, e, out->shown, "cannot read the file system of the --memmap file");
	}
	if (fd >= 0)
		close(fd);
	close(dfd);
	out->fs.f_type = (uint64_t)(unsigned long)sf.f_type;
	out->fs.bsize = sf.f_bsize > 0 ? (uint64_t)sf.f_bsize : 0;
	out->fs.blocks = (uint64_t)sf.f_blocks;
	out->fs.bfree = (uint64_t)sf.f_bfree;
	out->fs.bavail = (uint64_t)sf.f_bavail;
	out->read_only = sf.f_flags & ST_RDONLY;
	if (mode == MEMMAP_COPY && out->fs.file_bytes < bytes)
		return ovc_fail(err, OVC_E_INPUT, 0, out->shown, 0,
				"the file holds %llu bytes, fewer than the array's %llu: np.memmap mode c maps the file as it is and cannot extend it (mmap: ValueError)",
				(unsigned long long)out->fs.file_bytes, (unsigned long long)bytes);
	if (mode != MEMMAP_COPY && out->read_only)
		return ovc_fail(err, OVC_E_ROFS, EROFS, out->shown, 0,
				"np.memmap mode %s writes to the file: cannot write", mname);
	return 0;
}
