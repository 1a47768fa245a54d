/* SPDX-License-Identifier: MIT */
/*
 * test_top.c - smaps streamed in any pieces, the commit and fork charge of mappings
 * (accountable_mapping, dup_mmap), objects charged once, and the /proc/sysvipc/shm,
 * mountinfo and cgroup lines, in the kernel's formats (fs/proc/task_mmu.c, ipc/shm.c,
 * fs/proc_namespace.c, kernel/cgroup/cgroup.c).
 */
#include <stdio.h>
#include <string.h>

#include "../../src/core/proctext.h"
#include "../../src/core/top.h"
#include "tap.h"

static const char smaps[] =
	"55d000000000-55d040000000 rw-p 00000000 00:00 0 \n"
	"Size:            1048576 kB\n"
	"Rss:                1000 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               7 kB\n"
	"VmFlags: rd wr mr mw me ac \n"
	"7f0000000000-7f0040000000 rw-s 00000000 00:01 32768                      /SYSV0052e2c1 (deleted)\n"
	"Size:            1048576 kB\n"
	"VmFlags: rd wr sh mr mw me ms sd \n"
	"7f1000000000-7f1000100000 rw-p 00000000 00:00 0 \n"
	"VmFlags: rd wr mr mw me dc ac \n"
	"7f3000000000-7f3000800000 rw-s 00000000 00:01 5000                       /memfd:buf (deleted)\n"
	"Rss:                2048 kB\n"
	"Swap:               1024 kB\n"
	"VmFlags: rd wr sh mr mw me ms sd \n"
	"7f4000000000-7f4280000000 rw-p 00000000 00:00 0 \n"
	"VmFlags: rd wr mr mw me nr \n"
	"7ffd00000000-7ffd00021000 r-xp 00000000 fe:00 1234                       /usr/bin/a b\n";

struct acc {
	size_t n;
	uint64_t commit, fork;
	char last[SMAPS_PATH_MAX];
};

static void on_vma(void *arg, const struct smaps_vma *v)
{
	struct acc *a = arg;

	a->n++;
	a->commit += smaps_commit_kb(v);
	a->fork += smaps_fork_kb(v);
	memcpy(a->last, v->path, sizeof(a->last));
}

static void feed_in(size_t piece, struct acc *a)
{
	struct smaps_parser p;
	size_t i, len = sizeof(smaps) - 1;

	memset(a, 0, sizeof(*a));
	smaps_init(&p, on_vma, a);
	for (i = 0; i < len; i += piece)
		smaps_feed(&p, smaps + i, i + piece > len ? len - i : piece);
	smaps_end(&p);
}

static void group_by_cgroup(void *arg, const struct top_proc *p, char *key, size_t len)
{
	(void)arg;
	snprintf(key, len, "%s", p->cgroup);
}

void test_top(void)
{
	struct acc a;
	size_t piece;
	bool same = true;
	struct top t;
	struct top_totals tt;
	struct smaps_parser p;
	uint64_t key, id, size;
	unsigned maj, min;
	char mp[64], fs[16], cg[64];
	long i;

	feed_in(sizeof(smaps), &a);
	TAP_U64(a.n, 6, "smaps: six mappings (the last without VmFlags, at the end)");
	TAP_U64(a.commit, 1048576 + 1024, "commit: the two ac mappings (noreserve, shared: none)");
	TAP_U64(a.fork, 1048576, "fork: less the dc one (dup_mmap skips VM_DONTCOPY)");
	TAP_STR(a.last, "/usr/bin/a b", "a path with a blank");
	for (piece = 1; piece < 64; piece++) {
		struct acc b;

		feed_in(piece, &b);
		same &= b.n == a.n && b.commit == a.commit && b.fork == a.fork;
	}
	TAP_OK(same, "smaps: the same in pieces of 1 to 63 bytes");

	/* a line longer than the buffer: the mapping is read, its path cut */
	{
		static char big[4096];
		struct acc c = { 0 };

		memset(big, 'x', sizeof(big));
		smaps_init(&p, on_vma, &c);
		smaps_feed(&p, "7f00-8f00 rw-p 00000000 00:00 0    /", 36);
		smaps_feed(&p, big, sizeof(big));
		smaps_feed(&p, "\nVmFlags: ac\n", 13);
		smaps_end(&p);
		TAP_OK(c.n == 1 && c.commit == 4 && strlen(c.last) == SMAPS_PATH_MAX - 1,
		       "a 4 KiB path: one mapping of 4 kB, the name cut");
	}
	smaps_init(&p, on_vma, &a);
	smaps_feed(&p, "zz-1 rw-p\nVmFlags: ac\n", 22);
	smaps_end(&p);
	TAP_U64(p.bad, 0, "a line starting with letters past f is no header: skipped");

	top_init(&t);
	i = top_add_proc(&t, 100, 26, "postgres", "/system.slice/postgresql.service");
	{
		struct smaps_vma v = { 0 };

		v.start = 0; v.end = 1 << 30; v.ac = true;
		top_add_vma(&t, i, &v);
		memset(&v, 0, sizeof(v));
		v.end = 1 << 30; v.shared = true; v.inode = 32768;
		strcpy(v.path, "/SYSV0052e2c1 (deleted)");
		top_add_vma(&t, i, &v);
		memset(&v, 0, sizeof(v));
		v.end = 8 << 20; v.shared = true; v.inode = 77; v.dev_minor = 1; v.ht = true;
		strcpy(v.path, "/SYSV00000001 (deleted)");
		top_add_vma(&t, i, &v);
		memset(&v, 0, sizeof(v));
		v.end = 4 << 20; v.pgoff = 4 << 20; v.shared = true; v.inode = 9; v.dev_minor = 1;
		strcpy(v.path, "/dev/zero (deleted)");
		top_add_vma(&t, i, &v);
	}
	i = top_add_proc(&t, 200, 26, "postgres", "/system.slice/postgresql.service");
	{
		struct smaps_vma v = { 0 };

		v.end = 1 << 30; v.shared = true; v.inode = 32768;
		strcpy(v.path, "/SYSV0052e2c1 (deleted)");
		top_add_vma(&t, i, &v);
	}
	top_add_sysv(&t, 5432001, 32768, 1073741824);
	top_add_sysv(&t, 0, 99, 1);
	top_finish(&t, 3 << 20, &tt);
	TAP_U64(tt.procs_kb, 1 << 20, "procs: the private ac mapping");
	TAP_OK(t.objs[0].kind == TOP_SYSV_SHM && t.objs[0].commit_kb == 1 << 20 &&
	       t.objs[0].npids == 2 && t.objs[0].pids[0] == 100 && t.objs[0].pids[1] == 200 &&
	       !strcmp(t.objs[0].name, "key 0x0052e2c1"), "a SysV segment once, with both pids");
	TAP_OK(t.objs[1].kind == TOP_SHARED_ANON && t.objs[1].commit_kb == 8192,
	       "shared anonymous: the extent mapped (offset + length)");
	TAP_OK(t.objs[2].commit_kb == 4 && t.objs[3].hugetlb && t.objs[3].commit_kb == 0,
	       "1 byte of SysV is a page; a hugetlb segment is never charged");
	TAP_U64(tt.attributed_kb, (1 << 20) * 2 + 8192 + 4, "attributed: procs + objects");
	TAP_I64(tt.unattributed_kb, (3 << 20) - (int64_t)tt.attributed_kb, "unattributed: the rest");
	top_free(&t);

	TAP_OK(top_parse_sysv_line("   5432001      32768   600            1073741824   100   200      2   110   110   110   110 1709213500          0 1709213418             524288000                     0", 146, &key, &id, &size) &&
	       key == 5432001 && id == 32768 && size == 1073741824, "a /proc/sysvipc/shm line");
	TAP_OK(top_parse_sysv_line("        -1          3   600   4096", 34, &key, &id, &size) &&
	       key == 0xffffffff, "a negative key, as the kernel prints the signed key");
	TAP_OK(!top_parse_sysv_line("       key      shmid perms", 27, &key, &id, &size),
	       "the header is no segment");
	TAP_OK(top_parse_mountinfo_line("26 22 0:24 / /run\\040dir rw,nosuid shared:4 - tmpfs tmpfs rw,size=2468376k", 75,
					&maj, &min, mp, sizeof(mp), fs, sizeof(fs)) &&
	       maj == 0 && min == 24 && !strcmp(mp, "/run dir") && !strcmp(fs, "tmpfs"),
	       "mountinfo: a tmpfs, its mount point unescaped");
	TAP_OK(top_parse_mountinfo_line("26 44 0:24 / /run\\0\x91x rw - tmpfs tmpfs rw", 41, &maj, &min,
					mp, sizeof(mp), fs, sizeof(fs)) && !strncmp(mp, "/run\\0", 6),
	       "mountinfo: a backslash without three octal digits is kept as it is [fuzz]");
	TAP_OK(!top_parse_mountinfo_line("22 1 254:0 / / rw - ext4 /dev/vda1 rw", 37, &maj, &min,
					 mp, sizeof(mp), fs, sizeof(fs)), "mountinfo: ext4 is none");
	proctext_cgroup_path("0::/user.slice/a.scope\n", 23, cg, sizeof(cg));
	TAP_STR(cg, "/user.slice/a.scope", "cgroup v2");
	proctext_cgroup_path("9:name=systemd:/x\n4:memory:/job/7\n0::/y\n", 40, cg, sizeof(cg));
	TAP_STR(cg, "/job/7", "cgroup v1: the memory controller's, where its limit is");
	proctext_cgroup_path("5:cpu,memory:/pod\n", 18, cg, sizeof(cg));
	TAP_STR(cg, "/pod", "cgroup v1: memory in a list of controllers");
	proctext_cgroup_path("5:memoryx:/no\n", 14, cg, sizeof(cg));
	TAP_STR(cg, "", "no memory controller, no v2 line: none");
	{
		static const char pw[] = "root:x:0:0:root:/root:/bin/bash\nbad\npostgres:x:26:26::/var/lib/pgsql:/bin/sh\nx:x:26x\n";
		char name[16];

		TAP_OK(proctext_passwd_name(pw, sizeof(pw) - 1, 26, name, sizeof(name)) &&
		       !strcmp(name, "postgres"), "passwd: uid 26 is postgres");
		TAP_OK(!proctext_passwd_name(pw, sizeof(pw) - 1, 1000, name, sizeof(name)),
		       "passwd: no line for 1000");
	}
	{
		struct top_group g[3];
		size_t n;

		top_init(&t);
		top_add_proc(&t, 1, 0, "a", "/x");
		top_add_proc(&t, 2, 0, "b", "/y");
		top_add_proc(&t, 3, 0, "c", "/y");
		t.procs[0].commit_kb = 10;
		t.procs[1].commit_kb = t.procs[2].commit_kb = 8;
		t.procs[2].fork_kb = 4;
		n = top_groups(&t, group_by_cgroup, NULL, g);
		TAP_OK(n == 2 && !strcmp(g[0].key, "/y") && g[0].procs == 2 && g[0].commit_kb == 16 &&
		       g[0].fork_kb == 4 && !strcmp(g[1].key, "/x"), "groups: added up, largest first");
		top_free(&t);
	}
}
