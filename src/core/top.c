/* SPDX-License-Identifier: MIT */
/* top.c - commit charges by process and by object, and their sum against Committed_AS. */
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "top.h"

void top_init(struct top *t)
{
	memset(t, 0, sizeof(*t));
}

void top_free(struct top *t)
{
	size_t i;

	for (i = 0; i < t->nobjs; i++)
		free(t->objs[i].pids);
	free(t->objs);
	free(t->procs);
	memset(t, 0, sizeof(*t));
}

static void copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

long top_add_proc(struct top *t, int64_t pid, uint32_t uid, const char *comm,
		  const char *cgroup)
{
	struct top_proc *p;

	if (t->nprocs == t->capp) {
		size_t nc = t->capp ? t->capp * 2 : 256;
		struct top_proc *nv = realloc(t->procs, nc * sizeof(*nv));

		if (!nv) {
			t->oom = true;
			return -1;
		}
		t->procs = nv;
		t->capp = nc;
	}
	p = &t->procs[t->nprocs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->uid = uid;
	copy(p->comm, sizeof(p->comm), comm, strlen(comm));
	copy(p->cgroup, sizeof(p->cgroup), cgroup, strlen(cgroup));
	return (long)t->nprocs++;
}

static struct top_obj *object(struct top *t, enum top_kind kind, uint64_t dev, uint64_t ino)
{
	struct top_obj *o;
	size_t i;

	for (i = 0; i < t->nobjs; i++)
		if (t->objs[i].kind == kind && t->objs[i].dev == dev && t->objs[i].ino == ino)
			return &t->objs[i];
	if (t->nobjs == t->capo) {
		size_t nc = t->capo ? t->capo * 2 : 16;
		struct top_obj *nv = realloc(t->objs, nc * sizeof(*nv));

		if (!nv) {
			t->oom = true;
			return NULL;
		}
		t->objs = nv;
		t->capo = nc;
	}
	o = &t->objs[t->nobjs++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->dev = dev;
	o->ino = ino;
	return o;
}

static void add_pid(struct top *t, struct top_obj *o, int64_t pid)
{
	size_t i;

	for (i = 0; i < o->npids; i++)
		if (o->pids[i] == pid)
			return;
	if (o->npids == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 4;
		int64_t *nv = realloc(o->pids, nc * sizeof(*nv));

		if (!nv) {
			t->oom = true;
			return;
		}
		o->pids = nv;
		o->cap = nc;
	}
	o->pids[o->npids++] = pid;
}

static uint64_t devno(unsigned major, unsigned minor)
{
	return (uint64_t)major << 32 | minor;
}

void top_add_vma(struct top *t, long proc, const struct smaps_vma *v)
{
	struct top_proc *p = &t->procs[proc];
	struct top_obj *o = NULL;
	uint64_t len_kb = (v->end - v->start) >> 10;

	p->commit_kb += smaps_commit_kb(v);
	p->fork_kb += smaps_fork_kb(v);
	if (!v->shared)
		return;
	/* shm_file_operations name the file "SYSV%08x" (ipc/shm.c newseg), its inode the id */
	if (!strncmp(v->path, "/SYSV", 5)) {
		o = object(t, TOP_SYSV_SHM, 0, v->inode);
	} else if (!strcmp(v->path, "/dev/zero (deleted)")) {
		o = object(t, TOP_SHARED_ANON, devno(v->dev_major, v->dev_minor), v->inode);
		if (o) {
			uint64_t extent = (v->pgoff >> 10) + len_kb;

			if (extent > o->size_kb)
				o->size_kb = extent;
			o->per_page |= v->nr;   /* MAP_NORESERVE: charged as pages come */
			if (v->nr && v->rss_kb + v->swap_kb > o->commit_kb)
				o->commit_kb = v->rss_kb + v->swap_kb;
		}
	} else if (!strncmp(v->path, "/memfd:", 7)) {
		o = object(t, TOP_MEMFD, devno(v->dev_major, v->dev_minor), v->inode);
		if (o) {
			o->per_page = true;
			if (v->rss_kb + v->swap_kb > o->commit_kb)
				o->commit_kb = v->rss_kb + v->swap_kb;
		}
	} else {
		size_t i;

		/* a file of a tmpfs mount, mapped: the mount holds the charge */
		for (i = 0; i < t->nobjs; i++)
			if (t->objs[i].kind == TOP_TMPFS &&
			    t->objs[i].dev == devno(v->dev_major, v->dev_minor))
				o = &t->objs[i];
		if (o)
			add_pid(t, o, p->pid);
		return;
	}
	if (!o)
		return;
	if (!o->name[0])
		copy(o->name, sizeof(o->name), v->path, strlen(v->path));
	o->hugetlb |= v->ht;
	add_pid(t, o, p->pid);
}

void top_add_sysv(struct top *t, uint64_t key, uint64_t shmid, uint64_t size_bytes)
{
	struct top_obj *o = object(t, TOP_SYSV_SHM, 0, shmid);
	static const char hex[] = "0123456789abcdef";
	char name[32] = "key 0x00000000";
	int i;

	if (!o)
		return;
	for (i = 0; i < 8; i++)
		name[13 - i] = hex[(key >> (4 * i)) & 15];
	copy(o->name, sizeof(o->name), name, strlen(name));
	/* shmem_kernel_file_setup charges the size rounded up to pages */
	o->size_kb = ((size_bytes + 4095) & ~(uint64_t)4095) >> 10;
}

void top_add_tmpfs(struct top *t, unsigned major, unsigned minor, const char *mountpoint,
		   uint64_t used_kb, bool exact)
{
	struct top_obj *o = object(t, TOP_TMPFS, devno(major, minor), 0);

	if (!o)
		return;
	copy(o->name, sizeof(o->name), mountpoint, strlen(mountpoint));
	o->commit_kb = used_kb;
	o->per_page = !exact;
}

static int by_commit(const void *a, const void *b)
{
	const struct top_proc *x = a, *y = b;

	if (x->commit_kb != y->commit_kb)
		return x->commit_kb < y->commit_kb ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int obj_by_commit(const void *a, const void *b)
{
	const struct top_obj *x = a, *y = b;

	if (x->commit_kb != y->commit_kb)
		return x->commit_kb < y->commit_kb ? 1 : -1;
	return (int)x->kind - (int)y->kind;
}

static int by_pid(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

void top_finish(struct top *t, uint64_t committed_kb, struct top_totals *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < t->nobjs; i++) {
		struct top_obj *o = &t->objs[i];

		if (o->hugetlb)
			o->commit_kb = 0;   /* hugetlb files are never charged */
		else if ((o->kind == TOP_SYSV_SHM || o->kind == TOP_SHARED_ANON) && !o->per_page)
			o->commit_kb = o->size_kb;
		if (o->npids > 1)
			qsort(o->pids, o->npids, sizeof(o->pids[0]), by_pid);
		out->objs_kb += o->commit_kb;
	}
	for (i = 0; i < t->nprocs; i++)
		out->procs_kb += t->procs[i].commit_kb;
	if (t->nprocs > 1)
		qsort(t->procs, t->nprocs, sizeof(t->procs[0]), by_commit);
	if (t->nobjs > 1)
		qsort(t->objs, t->nobjs, sizeof(t->objs[0]), obj_by_commit);
	out->committed_kb = committed_kb;
	out->attributed_kb = out->procs_kb + out->objs_kb;
	out->unattributed_kb = (int64_t)committed_kb - (int64_t)out->attributed_kb;
}

void top_fork_add(struct top_fork *f, const struct smaps_vma *v)
{
	uint64_t kb = smaps_fork_kb(v);

	f->commit_kb += smaps_commit_kb(v);
	if (!kb)
		return;
	f->fork_kb += kb;
	f->areas++;
	if (kb > f->largest_kb)
		f->largest_kb = kb;
}

size_t top_groups(const struct top *t, top_key_fn key_fn, void *arg, struct top_group *g)
{
	size_t n = 0, i, k;

	for (i = 0; i < t->nprocs; i++) {
		char key[sizeof(g[0].key)];

		key_fn(arg, &t->procs[i], key, sizeof(key));
		for (k = 0; k < n && strcmp(g[k].key, key); k++)
			;
		if (k == n) {
			memset(&g[n], 0, sizeof(g[n]));
			copy(g[n++].key, sizeof(g[0].key), key, strlen(key));
		}
		g[k].procs++;
		g[k].commit_kb += t->procs[i].commit_kb;
		g[k].fork_kb += t->procs[i].fork_kb;
	}
	/* largest first (few groups: insertion sort, stable) */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && g[k].commit_kb > g[k - 1].commit_kb; k--) {
			struct top_group tmp = g[k];

			g[k] = g[k - 1];
			g[k - 1] = tmp;
		}
	return n;
}

static bool dec(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	while (s < end && *s == ' ')
		s++;
	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*out = v;
	return true;
}

/* "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu %21lu" */
bool top_parse_sysv_line(const char *line, size_t len, uint64_t *key, uint64_t *shmid,
			 uint64_t *size)
{
	const char *p = line, *end = line + len;
	uint64_t perms;
	bool neg;

	while (p < end && *p == ' ')
		p++;
	neg = p < end && *p == '-';   /* the key is a signed int: IPC_PRIVATE is 0 */
	if (neg)
		p++;
	if (!dec(&p, end, key) || !dec(&p, end, shmid) || !dec(&p, end, &perms) ||
	    !dec(&p, end, size))
		return false;
	if (neg)
		*key = (uint32_t)(0 - (uint32_t)*key);
	return true;
}

bool top_parse_mountinfo_line(const char *line, size_t len, unsigned *major,
			      unsigned *minor, char *mountpoint, size_t mplen,
			      char *fstype, size_t fslen)
{
	struct mountinfo m;

	if (!mountinfo_parse(line, len, &m))
		return false;
	copy(fstype, fslen, m.fstype.s, m.fstype.n);
	if (strcmp(fstype, "tmpfs") && strcmp(fstype, "devtmpfs") && strcmp(fstype, "rootfs"))
		return false;
	*major = m.major;
	*minor = m.minor;
	mountinfo_unescape(m.mountpoint, mountpoint, mplen);   /* cut to mplen - 1 bytes */
	return true;
}
