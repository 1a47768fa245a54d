/* SPDX-License-Identifier: MIT */
/*
 * charges - known commit charges for ovc top and a cgroup OOM kill and a refused commit
 * for ovc log, inside the VM of tests/vm/top/run (static: cc -static -O2 -Wall -Wextra).
 * It never runs on the host.
 *
 * Usage:
 *   charges hold [--as-user UID] FILE   create the charges below, print one line, sleep
 *   charges hog MIB                     write MIB MiB of private anonymous memory
 *   charges refuse BYTES                one private writable mmap of BYTES
 *
 * hold creates, in this order, each between two reads of Committed_AS (/proc/meminfo's
 * exact sum: vm_memory_committed, mm/util.c, percpu_counter_sum_positive) so that the
 * kernel's own count says what each one charged:
 *   private    64 MiB  mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): VM_ACCOUNT
 *                      at mmap (accountable_mapping, mm/mmap.c), "ac" in smaps
 *   dontfork   16 MiB  the same, then madvise(MADV_DONTFORK): "ac dc"; fork would skip it
 *                      (dup_mmap, kernel/fork.c), its charge stays
 *   noreserve  32 MiB  the same with MAP_NORESERVE: not charged outside mode 2, "nr"
 *   shared_anon 8 MiB  mmap(MAP_SHARED|MAP_ANONYMOUS): shmem_zero_setup charges the whole
 *                      size at mmap (shmem_acct_size, mm/shmem.c), "/dev/zero (deleted)"
 *   memfd       4 MiB  memfd_create("ovc-charges"), ftruncate, mmap(MAP_SHARED), every
 *                      byte written through the mapping: charged page by page as the
 *                      pages are allocated (VM_NORESERVE, shmem_acct_block), "/memfd:..."
 *   sysv        2 MiB  shmget(0x4f564331 "OVC1", 2 MiB, IPC_CREAT|0600): charged in full
 *                      (newseg, ipc/shm.c), then shmat: "/SYSV4f564331"
 *   tmpfs      16 MiB  FILE created and 16 MiB written with write(2) (FILE should be on a
 *                      tmpfs mounted with size=, so statfs's used blocks are exact):
 *                      charged page by page (shmem_acct_block)
 * It does no allocation of its own (static buffers, no stdio), so nothing else moves
 * Committed_AS between the two reads when nothing else runs (the caller waits in a
 * blocking read). Then ONE line on stdout, written with one write(2), and stdout closed:
 *   pid=P uid=U shmid=S committed_before_kb=C committed_after_kb=C2 private_kb=D
 *   dontfork_kb=D noreserve_kb=D shared_anon_kb=D memfd_kb=D sysv_kb=D tmpfs_kb=D
 * (each D = Committed_AS after - before, in kB; a negative delta is printed as such),
 * and it sleeps until a signal ends it (SIGTERM: it removes the SysV segment and exits 0).
 * --as-user UID: become UID (no groups) first: ovc top names the user.
 *
 * hog: prints "pid=P" (one write), then writes one byte per page of a MIB MiB private
 * anonymous mapping; in a memory cgroup with a smaller memory.max the OOM killer kills it
 * (mem_cgroup_out_of_memory). If it survives it prints "survived" and exits 0.
 *
 * refuse: one mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS) of BYTES, unmapped at
 * once if granted: prints "pid=P bytes=B errno=E" (E 0 when granted, 12 for ENOMEM).
 *
 * Exit status: 0 done, 2 usage or setup error (message on stderr).
 */
#define _GNU_SOURCE
#define GUEST_PROG "charges"
#define GUEST_RBUF 16384
#include "guest.h"

#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define MIB (1024u * 1024u)
#define SYSV_KEY 0x4f564331

static char obuf[1024], wbuf[1024 * 1024];
static size_t olen;
static volatile sig_atomic_t stop;

static void put(const char *s)
{
	size_t n = strlen(s);

	if (olen + n < sizeof(obuf)) {
		memcpy(obuf + olen, s, n);
		olen += n;
	}
}

static void putnum(const char *key, int64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;

	tmp[--i] = '\0';
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u && i > 1);
	if (v < 0)
		tmp[--i] = '-';
	if (olen)
		put(" ");
	put(key);
	put("=");
	put(tmp + i);
}

static void flush_out(void)
{
	put("\n");
	if (write(1, obuf, olen) != (ssize_t)olen)
		die("write stdout");
	olen = 0;
}

static uint64_t committed_kb(void)
{
	slurp("/proc/meminfo");
	return field("Committed_AS", "Committed_AS in /proc/meminfo");
}

static void *map(size_t len, int flags, int fd)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int hold(const char *file)
{
	uint64_t c0, c, start;
	int64_t d_private, d_dontfork, d_noreserve, d_shared, d_memfd, d_sysv, d_tmpfs;
	char *p;
	int fd, shmid, i;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	memset(wbuf, 'o', sizeof(wbuf));   /* its pages now, not in the tmpfs step */
	start = c0 = committed_kb();
	putnum("pid", getpid());
	putnum("uid", getuid());

	map(64 * MIB, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	c = committed_kb();
	d_private = (int64_t)(c - c0);

	c0 = c;
	p = map(16 * MIB, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (madvise(p, 16 * MIB, MADV_DONTFORK))
		die("madvise MADV_DONTFORK");
	c = committed_kb();
	d_dontfork = (int64_t)(c - c0);

	c0 = c;
	map(32 * MIB, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	c = committed_kb();
	d_noreserve = (int64_t)(c - c0);

	c0 = c;
	map(8 * MIB, MAP_SHARED | MAP_ANONYMOUS, -1);
	c = committed_kb();
	d_shared = (int64_t)(c - c0);

	c0 = c;
	fd = memfd_create("ovc-charges", MFD_CLOEXEC);
	if (fd < 0)
		die("memfd_create");
	if (ftruncate(fd, 4 * MIB))
		die("ftruncate memfd");
	p = map(4 * MIB, MAP_SHARED, fd);
	memset(p, 'm', 4 * MIB);
	c = committed_kb();
	d_memfd = (int64_t)(c - c0);

	c0 = c;
	shmid = shmget(SYSV_KEY, 2 * MIB, IPC_CREAT | IPC_EXCL | 0600);
	if (shmid < 0)
		die("shmget");
	if (shmat(shmid, NULL, 0) == (void *)-1)
		die("shmat");
	c = committed_kb();
	d_sysv = (int64_t)(c - c0);

	c0 = c;
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(file);
	for (i = 0; i < 16; i++)
		if (write(fd, wbuf, sizeof(wbuf)) != (ssize_t)sizeof(wbuf))
			die(file);
	close(fd);
	c = committed_kb();
	d_tmpfs = (int64_t)(c - c0);

	putnum("shmid", shmid);
	putnum("committed_before_kb", (int64_t)start);
	putnum("committed_after_kb", (int64_t)c);
	putnum("private_kb", d_private);
	putnum("dontfork_kb", d_dontfork);
	putnum("noreserve_kb", d_noreserve);
	putnum("shared_anon_kb", d_shared);
	putnum("memfd_kb", d_memfd);
	putnum("sysv_kb", d_sysv);
	putnum("tmpfs_kb", d_tmpfs);
	flush_out();
	close(1);   /* the reader (a fifo) sees the end */
	while (!stop)
		pause();
	shmctl(shmid, IPC_RMID, NULL);
	return 0;
}

static int hog(uint64_t mib)
{
	volatile char *p;
	uint64_t off;

	putnum("pid", getpid());
	flush_out();
	p = map((size_t)(mib * MIB), MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (off = 0; off < mib * MIB; off += 4096)
		p[off] = 1;
	put("survived");
	flush_out();
	return 0;
}

static int refuse(uint64_t bytes)
{
	void *p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	int e = p == MAP_FAILED ? errno : 0;

	if (p != MAP_FAILED)
		munmap(p, (size_t)bytes);
	putnum("pid", getpid());
	putnum("bytes", (int64_t)bytes);
	putnum("errno", e);
	flush_out();
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t v;

	if (argc >= 3 && !strcmp(argv[1], "hold")) {
		const char *file = argv[2];

		if (argc == 5 && !strcmp(argv[2], "--as-user")) {
			if (parse_u64(argv[3], &v) || v > 0xfffffffeu)
				goto usage;
			as_user((uid_t)v);
			file = argv[4];
		} else if (argc != 3) {
			goto usage;
		}
		return hold(file);
	}
	if (argc == 3 && !strcmp(argv[1], "hog") && !parse_u64(argv[2], &v) && v && v < 65536)
		return hog(v);
	if (argc == 3 && !strcmp(argv[1], "refuse") && !parse_u64(argv[2], &v) && v &&
	    v < ((uint64_t)1 << 47))
		return refuse(v);
usage:
	errno = 0;
	die("usage: charges hold [--as-user UID] FILE | hog MIB | refuse BYTES");
	return 2;
}
