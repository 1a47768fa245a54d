/* SPDX-License-Identifier: MIT */
/* proctop.c - every process's smaps, SysV segments and tmpfs mounts, read for ovc top. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../core/proctext.h"
#include "proctop.h"

#define CHUNK 65536
#define SMALL_FILE 65536
#define WALK_MAX 200000       /* entries of one unlimited tmpfs walked at most */
#define TMPFS_MAGIC_ 0x01021994
#define RAMFS_MAGIC_ 0x858458f6
#define PF_KTHREAD_ 0x00200000   /* include/linux/sched.h */

struct feed {
	struct top *t;
	long proc;
};

static void on_vma(void *arg, const struct smaps_vma *v)
{
	struct feed *f = arg;

	top_add_vma(f->t, f->proc, v);
}

/* A small file of the process into buf ("" when it cannot be read). */
static void small(const struct fsroot *proc, int dirfd, const char *rel, char *buf,
		  size_t len)
{
	int fd = fsroot_openat_in(proc, dirfd, rel, O_RDONLY);
	ssize_t r = -1;

	buf[0] = '\0';
	if (fd >= 0) {
		r = read(fd, buf, len - 1);
		close(fd);
	}
	if (r > 0) {
		buf[r] = '\0';
		while (r && buf[r - 1] == '\n')
			buf[--r] = '\0';
	}
}

/* Is the unreadable process a kernel thread (PF_KTHREAD in /proc/PID/stat's flags)? */
static bool kthread(const struct fsroot *proc, int dirfd)
{
	char stat[1024], *p;
	unsigned long flags;
	int i;

	small(proc, dirfd, "stat", stat, sizeof(stat));
	p = strrchr(stat, ')');   /* comm may hold anything: fields follow its last ')' */
	if (!p)
		return false;
	/* ") S ppid pgrp session tty_nr tpgid flags" */
	for (i = 0; i < 7 && p; i++)
		p = strchr(p + 1, ' ');
	return p && sscanf(p, " %lu", &flags) == 1 && (flags & PF_KTHREAD_);
}

static void scan_process(const struct fsroot *proc, int dirfd, const char *name,
			 struct top *t, struct proctop_stats *st, char *chunk)
{
	struct smaps_parser sp;
	struct feed f = { t, -1 };
	char comm[64], cg[4096], cgroup[256];
	struct stat sb;
	int fd = fsroot_openat_in(proc, dirfd, "smaps", O_RDONLY);
	ssize_t r;

	if (fd < 0) {
		if (errno == ENOENT || errno == ESRCH)
			t->gone++;
		else if (!kthread(proc, dirfd))
			t->unreadable++;
		else
			st->kernel_threads++;
		return;
	}
	/* the owner of the /proc/PID directory is the task's euid; its files, smaps among
	 * them, belong to root when the task is not dumpable, as after a change of uid
	 * (task_dump_owner, fs/proc/base.c; commit_creds, kernel/cred.c). A saved tree's
	 * files belong to whoever saved them: its status's Uid: line, if any */
	if (!proc->live) {
		char status[4096], *u;

		small(proc, dirfd, "status", status, sizeof(status));
		u = strstr(status, "\nUid:");
		sb.st_uid = u ? (uid_t)strtoul(u + 5, NULL, 10) : (uid_t)-1;
	} else if (fstat(dirfd, &sb) < 0) {
		sb.st_uid = (uid_t)-1;
	}
	small(proc, dirfd, "comm", comm, sizeof(comm));
	small(proc, dirfd, "cgroup", cg, sizeof(cg));
	proctext_cgroup_path(cg, strlen(cg), cgroup, sizeof(cgroup));
	f.proc = top_add_proc(t, strtoll(name, NULL, 10), (uint32_t)sb.st_uid, comm, cgroup);
	if (f.proc < 0) {
		close(fd);
		return;
	}
	smaps_init(&sp, on_vma, &f);
	while ((r = read(fd, chunk, CHUNK)) > 0)
		smaps_feed(&sp, chunk, (size_t)r);
	smaps_end(&sp);
	close(fd);
	if (r < 0 && (errno == ESRCH || errno == ENOENT)) {
		t->nprocs--;   /* it exited while read: its figures are partial */
		t->gone++;
		return;
	}
	if (!sp.vmas) {   /* no address space: a kernel thread, or a zombie */
		t->nprocs--;
		st->kernel_threads++;
		return;
	}
	st->processes++;
}

static void read_sysv(const struct fsroot *proc, struct top *t, struct proctop_stats *st)
{
	char *buf = NULL;
	size_t len = 0;
	struct ovc_err err;
	const char *line, *end;

	if (fsroot_read_opt(proc, "sysvipc/shm", 16u << 20, &buf, &len, &err) != 0 || !buf)
		return;
	st->sysv_known = true;
	for (line = buf, end = buf + len; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *le = nl ? nl : end;
		uint64_t key, id, size;

		if (top_parse_sysv_line(line, (size_t)(le - line), &key, &id, &size))
			top_add_sysv(t, key, id, size);
		line = le + 1;
	}
	free(buf);
}

struct walk {
	uint64_t blocks, entries;
	dev_t dev;
	bool partial;
	ino_t *seen;   /* files with more than one link, counted once */
	size_t nseen, cap;
};

static bool seen_before(struct walk *w, ino_t ino)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		if (w->seen[i] == ino)
			return true;
	if (w->nseen == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 64;
		ino_t *nv = realloc(w->seen, nc * sizeof(*nv));

		if (!nv)
			return false;
		w->seen = nv;
		w->cap = nc;
	}
	w->seen[w->nseen++] = ino;
	return false;
}

/* Sum st_blocks of a directory tree on one device; dirfd is consumed. */
static void walk_dir(const struct fsroot *root, int dirfd, struct walk *w, int depth)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat sb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++w->entries > WALK_MAX) {
			w->partial = true;
			break;
		}
		if (fstatat(dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || sb.st_dev != w->dev)
			continue;   /* gone, or another file system mounted here */
		if (S_ISDIR(sb.st_mode)) {
			int sub;

			w->blocks += (uint64_t)sb.st_blocks;
			if (depth >= 64) {
				w->partial = true;
				continue;
			}
			sub = fsroot_openat_in(root, dirfd, de->d_name, O_RDONLY | O_DIRECTORY |
							  O_NOFOLLOW);
			if (sub >= 0)
				walk_dir(root, sub, w, depth + 1);
		} else if (sb.st_nlink < 2 || !seen_before(w, sb.st_ino)) {
			w->blocks += (uint64_t)sb.st_blocks;
		}
	}
	closedir(d);
}

/* The kB a tmpfs mount's files use: statfs when it has a size, else a bounded walk. */
static bool tmpfs_used(const struct fsroot *root, const char *mountpoint, unsigned major,
		       unsigned minor, uint64_t *kb, bool *exact, bool *partial)
{
	const char *rel = mountpoint[1] ? mountpoint + 1 : ".";
	int fd = fsroot_openat(root, rel, O_RDONLY | O_DIRECTORY);
	struct statfs sf;
	struct stat sb;

	if (fd < 0)
		return false;
	if (fstatfs(fd, &sf) < 0 || fstat(fd, &sb) < 0 ||
	    sb.st_dev != makedev(major, minor) ||
	    (unsigned long)sf.f_type == RAMFS_MAGIC_) {
		close(fd);   /* another mount on top, or ramfs, which is not charged */
		return false;
	}
	if (sf.f_blocks) {   /* shmem_statfs: a size limit, and blocks used against it */
		*kb = (uint64_t)(sf.f_blocks - sf.f_bfree) * (uint64_t)sf.f_bsize / 1024;
		*exact = true;
		close(fd);
		return true;
	}
	{
		struct walk w = { 0 };

		w.dev = sb.st_dev;
		w.blocks = (uint64_t)sb.st_blocks;
		walk_dir(root, fd, &w, 0);
		free(w.seen);
		*kb = w.blocks / 2;   /* st_blocks counts 512-byte units */
		*exact = false;
		*partial = w.partial;
	}
	return true;
}

static void read_tmpfs(const struct fsroot *proc, const struct fsroot *root, struct top *t,
		       struct proctop_stats *st)
{
	char *buf = NULL, mp[512], fs[32];
	size_t len = 0;
	struct ovc_err err;
	const char *line, *end;

	if (fsroot_read_opt(proc, "self/mountinfo", 16u << 20, &buf, &len, &err) != 0 || !buf)
		return;
	for (line = buf, end = buf + len; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *le = nl ? nl : end;
		unsigned major, minor;
		size_t i;
		bool dup = false;

		if (top_parse_mountinfo_line(line, (size_t)(le - line), &major, &minor, mp,
					     sizeof(mp), fs, sizeof(fs))) {
			uint64_t dev = (uint64_t)major << 32 | minor, kb = 0;
			bool exact = false, partial = false;

			for (i = 0; i < t->nobjs; i++)
				dup |= t->objs[i].kind == TOP_TMPFS && t->objs[i].dev == dev;
			if (!dup) {
				if (proc->live && tmpfs_used(root, mp, major, minor, &kb, &exact,
							     &partial)) {
					top_add_tmpfs(t, major, minor, mp, kb, exact);
					st->tmpfs_partial |= partial;
				} else if (strcmp(fs, "rootfs")) {
					st->tmpfs_unmeasured++;
				}
			}
		}
		line = le + 1;
	}
	free(buf);
}

/* Committed_AS now, into a buffer on the stack: no allocation may charge in between. */
static void read_committed(const struct fsroot *proc, struct proctop_stats *st)
{
	char buf[8192];
	struct meminfo mi;
	struct ovc_err err = { 0 };
	int fd = fsroot_openat_in(proc, proc->fd, "meminfo", O_RDONLY);
	size_t len = 0;
	ssize_t r = 0;

	if (fd < 0)
		return;
	while (len < sizeof(buf) && (r = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)r;
	close(fd);
	if (r < 0 || len == sizeof(buf) || proctext_meminfo(buf, len, NULL, &mi, &err) < 0)
		return;
	st->committed_kb = mi.committed_as_kb;
	st->committed_read = true;
}

int proctop_scan(const struct fsroot *proc, const struct fsroot *root, struct top *t,
		 struct proctop_stats *st, struct ovc_err *err)
{
	int fd = fsroot_openat(proc, ".", O_RDONLY | O_DIRECTORY);
	char *chunk, self[24] = "";
	DIR *d;
	struct dirent *de;

	memset(st, 0, sizeof(*st));
	if (fd < 0)
		return ovc_fail(err, ovc_errno_class(errno), errno, proc->path, 0,
				"cannot list the processes");
	d = fdopendir(fd);
	chunk = malloc(CHUNK);
	if (!d || !chunk) {
		int e = errno;

		if (d)
			closedir(d);
		else
			close(fd);
		free(chunk);
		return ovc_fail(err, OVC_E_SYSTEM, e, proc->path, 0, "cannot list the processes");
	}
	{
		char comm[32];

		/* kernel threads live in the initial PID namespace only, kthreadd as pid 2 */
		small(proc, proc->fd, "2/comm", comm, sizeof(comm));
		st->pid_namespace = proc->live && strcmp(comm, "kthreadd");
	}
	if (proc->live) {   /* ovc's own pid as this procfs numbers it */
		ssize_t n = readlinkat(proc->fd, "self", self, sizeof(self) - 1);

		self[n > 0 ? n : 0] = '\0';
	}
	read_tmpfs(proc, root, t, st);   /* first: a mapped tmpfs file finds its mount */
	read_sysv(proc, t, st);
	while ((de = readdir(d)) != NULL) {
		int pd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    strspn(de->d_name, "0123456789") != strlen(de->d_name) ||
		    !strcmp(de->d_name, self))
			continue;
		pd = fsroot_openat_in(proc, fd, de->d_name, O_RDONLY | O_DIRECTORY);
		if (pd < 0) {
			t->gone++;
			continue;
		}
		scan_process(proc, pd, de->d_name, t, st, chunk);
		close(pd);
	}
	closedir(d);
	/* ovc itself last, then Committed_AS: ovc's heap grew during the scan (the read
	 * buffer, the process table) and brk charges as it grows (do_brk_flags, mm/mmap.c),
	 * so its smaps and the count are read at the same moment, nothing allocated between */
	if (self[0]) {
		int pd = fsroot_openat_in(proc, proc->fd, self, O_RDONLY | O_DIRECTORY);

		if (pd >= 0) {
			scan_process(proc, pd, self, t, st, chunk);
			close(pd);
			read_committed(proc, st);
		}
	}
	free(chunk);
	return 0;
}

static void on_fork_vma(void *arg, const struct smaps_vma *v)
{
	top_fork_add(arg, v);
}

int proctop_fork(const struct fsroot *proc, const char *pid_dir, struct top_fork *f,
		 struct ovc_err *err)
{
	struct smaps_parser sp;
	char rel[64], *chunk;
	ssize_t r;
	int fd, e;

	memset(f, 0, sizeof(*f));
	snprintf(rel, sizeof(rel), "%s/smaps", pid_dir);
	fd = fsroot_openat(proc, rel, O_RDONLY);
	if (fd < 0) {
		e = errno;
		ovc_fail(err, ovc_errno_class(e), e, NULL, 0, "cannot read the mappings of process %s",
			 pid_dir);
		return fsroot_blame(proc, rel, err);
	}
	chunk = malloc(CHUNK);
	if (!chunk) {
		close(fd);
		return ovc_fail(err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
	}
	smaps_init(&sp, on_fork_vma, f);
	while ((r = read(fd, chunk, CHUNK)) > 0)
		smaps_feed(&sp, chunk, (size_t)r);
	e = errno;
	smaps_end(&sp);
	free(chunk);
	close(fd);
	if (r < 0) {
		ovc_fail(err, ovc_errno_class(e), e, NULL, 0, "cannot read the mappings of process %s",
			 pid_dir);
		return fsroot_blame(proc, rel, err);
	}
	return 0;
}
