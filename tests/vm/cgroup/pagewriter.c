/* SPDX-License-Identifier: MIT */
/*
 * pagewriter - writes pages until the kernel stops it (a memory cgroup's OOM kill, a
 * tmpfs SIGBUS), reporting its progress to a parent outside the cgroup, inside the VM of
 * tests/vm/cgroup/run (static: cc -static -O2 -Wall -Wextra). It never runs on the host.
 *
 * Usage:
 *   pagewriter anon CGDIR MIB          MAP_PRIVATE|MAP_ANONYMOUS, MIB MiB, written page by
 *                                      page (one byte a page)
 *   pagewriter shared CGDIR FILE MIB   np.memmap(FILE, mode="w+", shape=MIB MiB)'s way:
 *                                      open(O_RDWR|O_CREAT|O_TRUNC), one byte written at
 *                                      offset MIB MiB - 1 (a sparse file), mmap(MAP_SHARED),
 *                                      then page by page until SIGBUS
 *   pagewriter run CGDIR OUT ERR -- CMD [ARG...]
 *                                      CMD with stdout into OUT and stderr into ERR, run in
 *                                      CGDIR; exits with CMD's status (128+N for signal N)
 * CGDIR is a cgroup directory (its cgroup.procs; v1 and v2 alike) or "-" (stay where the
 * caller is). Options of anon and shared, before the word:
 *   --as-user UID   the child becomes UID (no groups, no capabilities) after joining
 *   --go FIFO       then it waits for one byte from FIFO before it maps anything, and the
 *                   parent prints "child=PID" as soon as it waits (for `ovc check --pid`)
 *
 * The parent stays where it was started (outside CGDIR); it forks a child that writes its
 * own pid to CGDIR/cgroup.procs and then does the work. Nothing the child reports goes
 * through a file (a tmpfs page written from inside the cgroup would be charged to it and
 * stay charged after the child is gone): the anon and shared children write one 8-byte
 * record per written page into a pipe (the pipe's buffer pages, at most 16 while the
 * parent reads, are the only charge besides the child's own), the run child's stdout and
 * stderr are pipes the parent copies into OUT and ERR.
 *
 * anon and shared print ONE line on stdout after the child ended:
 *   pid=P pages=N written_kb=K status=killed|exited signal=S code=C sigbus_kb=B tail_errno=E
 *   vmsize_kb=V committed_kb=C
 * pages: the pages written and reported before the child ended (a page is reported after
 * its byte is stored, so the next page, whose fault stopped it, is not counted);
 * sigbus_kb: the offset of the faulting address in kB (SA_SIGINFO si_addr) when SIGBUS
 * ended it, else -1; tail_errno: shared only, the errno of the one-byte write at the end of
 * the file (0 when it worked; the file has that one page then); vmsize_kb and committed_kb:
 * the child's VmSize and /proc/meminfo's Committed_AS right after its mmap, before the
 * first page (-1 if it did not get there). Exit status 0 when the
 * line was printed, 2 on a setup error (message on stderr).
 */
#define _GNU_SOURCE
#define GUEST_PROG "pagewriter"
#define GUEST_RBUF 8192
#include "../guest.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define MIB (1024u * 1024u)
#define REC_SIGBUS (1ull << 63)  /* | page index of the fault */
#define REC_TAIL (1ull << 62)    /* | errno of the tail write */
#define REC_VMSIZE (1ull << 61)  /* | VmSize in kB after the mmap */
#define REC_COMMIT (1ull << 60)  /* | Committed_AS in kB after the mmap */
#define REC_READY (1ull << 59)   /* in the cgroup, as its user, waiting for --go */

static uid_t as_uid = (uid_t)-1; /* --as-user */
static const char *go;           /* --go FIFO */

static int rep = -1;             /* the child's end of the progress pipe */
static volatile char *base;

static void record(uint64_t v)
{
	while (write(rep, &v, sizeof(v)) < 0)
		if (errno != EINTR)
			_exit(3);
}

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	record(REC_SIGBUS | (uint64_t)((char *)si->si_addr - (char *)base) / (uint64_t)getpagesize());
	_exit(7);
}

static void join(const char *cg)
{
	char path[4096], pid[24];
	int fd, n;

	if (!strcmp(cg, "-"))
		return;
	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", cg) >= sizeof(path))
		die("cgroup path too long");
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	if (write(fd, pid, (size_t)n) != n)
		die(path);
	close(fd);
}

/* The child's work: never returns. */
static void write_pages(const char *cg, const char *file, uint64_t mib)
{
	size_t len = (size_t)(mib * MIB), ps = (size_t)getpagesize(), i;
	int fd = -1, flags = MAP_PRIVATE | MAP_ANONYMOUS;
	struct sigaction sa;

	join(cg);
	if (as_uid != (uid_t)-1)
		as_user(as_uid);
	if (go) {
		char c;
		int g;

		record(REC_READY);
		g = open(go, O_RDONLY | O_CLOEXEC);
		if (g < 0 || read(g, &c, 1) < 0)
			die(go);
		close(g);
	}
	if (file) {
		fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			die(file);
		/* numpy/core/memmap.py: fid.seek(bytes - 1, 0); fid.write(b'\0') */
		if (pwrite(fd, "", 1, (off_t)len - 1) != 1) {
			record(REC_TAIL | (uint64_t)errno);
			_exit(4);
		}
		record(REC_TAIL);
		flags = MAP_SHARED;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_bus;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGBUS, &sa, NULL);
	}
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (base == MAP_FAILED)
		die("mmap");
	slurp("/proc/self/status");
	record(REC_VMSIZE | field("VmSize", "VmSize in /proc/self/status"));
	slurp("/proc/meminfo");
	record(REC_COMMIT | field("Committed_AS", "Committed_AS in /proc/meminfo"));
	for (i = 0; i < len / ps; i++) {
		base[i * ps] = 1;
		record(i + 1);
	}
	_exit(0);
}

static int writer(const char *cg, const char *file, uint64_t mib)
{
	int p[2], st;
	pid_t pid;
	uint64_t buf[512], pages = 0;
	int64_t bus = -1, vmsize = -1, committed = -1;
	int tail = -1;
	ssize_t r;

	if (pipe2(p, O_CLOEXEC))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(p[0]);
		rep = p[1];
		write_pages(cg, file, mib);
	}
	close(p[1]);
	while ((r = read(p[0], buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("read progress");
		}
		for (ssize_t k = 0; k < r / (ssize_t)sizeof(buf[0]); k++) {
			if (buf[k] & REC_SIGBUS)
				bus = (int64_t)(buf[k] & ~REC_SIGBUS);
			else if (buf[k] & REC_TAIL)
				tail = (int)(buf[k] & ~REC_TAIL);
			else if (buf[k] & REC_VMSIZE)
				vmsize = (int64_t)(buf[k] & ~REC_VMSIZE);
			else if (buf[k] & REC_COMMIT)
				committed = (int64_t)(buf[k] & ~REC_COMMIT);
			else if (buf[k] & REC_READY)
				printf("child=%d\n", (int)pid);
			else
				pages = buf[k];
		}
	}
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	printf("pid=%d pages=%llu written_kb=%llu status=%s signal=%d code=%d sigbus_kb=%lld tail_errno=%d vmsize_kb=%lld committed_kb=%lld\n",
	       (int)pid, (unsigned long long)pages,
	       (unsigned long long)(pages * (uint64_t)getpagesize() / 1024),
	       WIFSIGNALED(st) ? "killed" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : 0,
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	       bus < 0 ? -1LL : (long long)bus * getpagesize() / 1024, tail, (long long)vmsize,
	       (long long)committed);
	return 0;
}

/* Copy what arrives on the pipes into the two files until both are closed. */
static int run(const char *cg, const char *out, const char *err, char **cmd)
{
	int po[2], pe[2], fo, fe, st, open_n = 2;
	struct pollfd pf[2];
	char buf[8192];
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		join(cg);
		if (dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			die("dup2");
		execvp(cmd[0], cmd);
		die(cmd[0]);
	}
	close(po[1]);
	close(pe[1]);
	fo = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	fe = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fo < 0 || fe < 0)
		die("open OUT/ERR");
	pf[0] = (struct pollfd){ .fd = po[0], .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = pe[0], .events = POLLIN };
	while (open_n) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (int k = 0; k < 2; k++) {
			ssize_t r;

			if (pf[k].fd < 0 || !pf[k].revents)
				continue;
			r = read(pf[k].fd, buf, sizeof(buf));
			if (r > 0) {
				if (write(k ? fe : fo, buf, (size_t)r) != r)
					die("write OUT/ERR");
			} else if (r == 0 || errno != EINTR) {
				close(pf[k].fd);
				pf[k].fd = -1;
				open_n--;
			}
		}
	}
	close(fo);
	close(fe);
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	uint64_t v;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		if (argc >= 3 && !strcmp(argv[1], "--as-user") && !parse_u64(argv[2], &v) &&
		    v < 65536)
			as_uid = (uid_t)v;
		else if (argc >= 3 && !strcmp(argv[1], "--go"))
			go = argv[2];
		else
			break;
		argc -= 2;
		argv += 2;
	}
	if (argc == 4 && !strcmp(argv[1], "anon") && !parse_u64(argv[3], &v) && v && v < 65536)
		return writer(argv[2], NULL, v);
	if (argc == 5 && !strcmp(argv[1], "shared") && !parse_u64(argv[4], &v) && v && v < 65536)
		return writer(argv[2], argv[3], v);
	if (argc >= 7 && !strcmp(argv[1], "run") && !strcmp(argv[5], "--"))
		return run(argv[2], argv[3], argv[4], argv + 6);
	errno = 0;
	die("usage: pagewriter [--as-user UID] [--go FIFO] anon CGDIR MIB | ... shared CGDIR FILE MIB | run CGDIR OUT ERR -- CMD [ARG...]");
	return 2;
}
