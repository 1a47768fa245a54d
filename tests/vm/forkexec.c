/*
 * forkexec - can a process still fork and exec under the overcommit policy
 * in force? The guard proof of ovc's real-kernel test tier (tests/vm/run):
 * it runs inside a qemu guest as a static binary (cc -static -O2 -Wall
 * -Wextra), never on the host.
 *
 * Usage:
 *   forkexec [--as-user UID] [--root] [-n N] [--alloc-kb K] [--exec PATH]
 *            [--sync] [--restore-mode M] [--cmd-out FILE] [--cmd-err FILE]
 *            [-- CMD ARGS...]
 *   forkexec --search LO HI --as-user UID [-n N] [--alloc-kb K] [--exec PATH]
 *            [--restore-mode M]
 *
 * An attempt: fork(); the child maps K KiB (MAP_PRIVATE|MAP_ANONYMOUS,
 * PROT_READ|PROT_WRITE) and touches every page if --alloc-kb is given, then
 * execve()s PATH (default /bin/true) with no arguments and an empty
 * environment. It succeeds if fork, mmap and execve succeed and PATH exits 0.
 * A failed mmap or execve is reported by the child through a CLOEXEC pipe
 * (the pipe closes silently on a successful execve); a child killed by a
 * signal (an execve that failed after the point of no return, e.g. while
 * mapping the new image) is counted as killed.
 *
 *   --as-user UID    N attempts as UID: a tester child is forked (as root)
 *                    and does setgroups(0), setresgid(UID), setresuid(UID),
 *                    losing every capability, before its attempts. With a
 *                    CMD the tester is forked BEFORE CMD runs (so it exists
 *                    even if CMD makes fork impossible) and waits on a pipe.
 *   --root           N attempts by this process itself (root, with all its
 *                    capabilities, so "admin" for the commit check).
 *   CMD              run first (fork + execve, stdout and stderr captured into
 *                    static buffers), before any attempt: the command that
 *                    changes the policy (ovc set ... --force).
 *   --sync           after CMD: write "2" to /proc/sys/vm/overcommit_memory if
 *                    it reads 2 (folds the per-CPU committed counters).
 *   --restore-mode M after the attempts: write M to
 *                    /proc/sys/vm/overcommit_memory (one write, no fork), so
 *                    whatever the attempts showed, the guest can fork again.
 *   --cmd-out/--cmd-err FILE  after the restore: CMD's captured output.
 *   --search LO HI   (root, mode 2) the smallest vm.overcommit_kbytes in
 *                    (LO, HI], to the page, at which all N attempts as UID
 *                    succeed: both ends are tried first, then a binary search
 *                    writes each candidate to overcommit_kbytes (then "2" to
 *                    overcommit_memory, a sync) and forks a tester. At the end
 *                    overcommit_kbytes is left at the answer (HI if the search
 *                    is not valid).
 *
 * The options that write /proc/sys (--search, --sync, --restore-mode) refuse
 * to run unless the kernel command line has ovcvm.config= (the test guest).
 *
 * Nothing is allocated (no stdio, static buffers): the process's own commit
 * charge is fixed before the policy changes. Output: ONE line on stdout,
 * written with a single write(2) at the very end, after the restore:
 *   uid_tested=U n=N alloc_kb=K cmd_rc=R cmd_signal=S mode=P kbytes=B ratio=R
 *   commit_limit_kb=L committed_as_kb=C
 *   user_{ok,fork_fail,fork_errno,alloc_fail,alloc_errno,exec_fail,exec_errno,
 *         killed,signal,exit_bad}=...  (the same with root_ for --root)
 *   restored=M
 * (mode ... committed_as_kb: read right after CMD and the sync, i.e. the state
 * the attempts ran in). --search prints search_valid=0|1 search_lo_kb=
 * search_hi_kb= search_probes= search_committed_as_kb= search_commit_limit_kb=
 * (the last two read at the answer, after a sync).
 *
 * Exit status: 0 when the measurement completed (whatever it found), 2 on a
 * usage or setup error (message on stderr).
 */
#define _GNU_SOURCE
#define GUEST_PROG "forkexec"
#define GUEST_RBUF 16384
#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define VM "/proc/sys/vm/"

static char obuf[2048];
static size_t olen;
static char cout[65536], cerr[16384];
static size_t coutl, cerrl;

struct res {
	uint64_t ok, fork_fail, fork_errno, alloc_fail, alloc_errno, exec_fail, exec_errno,
		killed, signal, exit_bad;
};

static char *fmt_u64(uint64_t v, char *tmp, size_t n)
{
	size_t i = n;

	tmp[--i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i);
	return tmp + i;
}

static uint64_t sysctl_u64(const char *name)
{
	char path[128] = VM;
	uint64_t v = 0;
	const char *p;

	strncat(path, name, sizeof(path) - sizeof(VM));
	slurp(path);
	for (p = rbuf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

static void sysctl_write(const char *name, uint64_t v)
{
	char path[128] = VM, tmp[24];
	const char *s = fmt_u64(v, tmp, sizeof(tmp));
	int fd;

	strncat(path, name, sizeof(path) - sizeof(VM));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(path);
	close(fd);
}

static uint64_t meminfo(const char *key)
{
	slurp("/proc/meminfo");
	return field(key, key);
}

static void put(const char *s)
{
	size_t l = strlen(s);

	if (olen + l < sizeof(obuf)) {
		memcpy(obuf + olen, s, l);
		olen += l;
	}
}

static void putu(const char *prefix, const char *key, uint64_t v)
{
	char tmp[24];

	if (olen)
		put(" ");
	put(prefix);
	put(key);
	put("=");
	put(fmt_u64(v, tmp, sizeof(tmp)));
}

static void put_res(const char *prefix, const struct res *r)
{
	putu(prefix, "ok", r->ok);
	putu(prefix, "fork_fail", r->fork_fail);
	putu(prefix, "fork_errno", r->fork_errno);
	putu(prefix, "alloc_fail", r->alloc_fail);
	putu(prefix, "alloc_errno", r->alloc_errno);
	putu(prefix, "exec_fail", r->exec_fail);
	putu(prefix, "exec_errno", r->exec_errno);
	putu(prefix, "killed", r->killed);
	putu(prefix, "signal", r->signal);
	putu(prefix, "exit_bad", r->exit_bad);
}

/* n attempts of fork [+ mmap/touch alloc_kb] + execve(path); counts into r. */
static void attempts(uint64_t n, uint64_t alloc_kb, const char *path, struct res *r)
{
	uint64_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		int fds[2], st, rec[2];
		pid_t pid;
		ssize_t got;

		if (pipe2(fds, O_CLOEXEC))
			die("pipe2");
		pid = fork();
		if (pid < 0) {
			r->fork_fail++;
			r->fork_errno = (uint64_t)errno;
			close(fds[0]);
			close(fds[1]);
			continue;
		}
		if (pid == 0) {
			char *argv[] = { (char *)path, NULL }, *envp[] = { NULL };

			close(fds[0]);
			if (alloc_kb) {
				size_t len = (size_t)alloc_kb * 1024, off;
				char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

				if (p == MAP_FAILED) {
					rec[0] = 1;
					rec[1] = errno;
					(void)!write(fds[1], rec, sizeof(rec));
					_exit(127);
				}
				for (off = 0; off < len; off += 4096)
					p[off] = 1;
			}
			execve(path, argv, envp);
			rec[0] = 2;
			rec[1] = errno;
			(void)!write(fds[1], rec, sizeof(rec));
			_exit(127);
		}
		close(fds[1]);
		do
			got = read(fds[0], rec, sizeof(rec));
		while (got < 0 && errno == EINTR);
		close(fds[0]);
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		if (got == (ssize_t)sizeof(rec) && rec[0] == 1) {
			r->alloc_fail++;
			r->alloc_errno = (uint64_t)rec[1];
		} else if (got == (ssize_t)sizeof(rec)) {
			r->exec_fail++;
			r->exec_errno = (uint64_t)rec[1];
		} else if (WIFSIGNALED(st)) {
			r->killed++;
			r->signal = (uint64_t)WTERMSIG(st);
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			r->exit_bad++;
		} else {
			r->ok++;
		}
	}
}

struct tester {
	pid_t pid;
	int go, result;   /* write end of "go", read end of the result */
};

/* Fork a tester that becomes uid, waits for a byte on "go", runs the attempts and
 * sends its struct res back. */
static int tester_start(struct tester *t, uid_t uid, uint64_t n, uint64_t alloc_kb,
			const char *path)
{
	int go[2], res[2];

	if (pipe2(go, O_CLOEXEC) || pipe2(res, O_CLOEXEC))
		die("pipe2");
	t->pid = fork();
	if (t->pid < 0) {
		int e = errno;

		close(go[0]);
		close(go[1]);
		close(res[0]);
		close(res[1]);
		errno = e;
		return -1;
	}
	if (t->pid == 0) {
		struct res r;
		char c;

		close(go[1]);
		close(res[0]);
		as_user(uid);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		attempts(n, alloc_kb, path, &r);
		(void)!write(res[1], &r, sizeof(r));
		_exit(0);
	}
	close(go[0]);
	close(res[1]);
	t->go = go[1];
	t->result = res[0];
	return 0;
}

/* Release the tester, collect its result; -1 if it did not report. */
static int tester_finish(struct tester *t, struct res *r)
{
	ssize_t got;
	int st;

	(void)!write(t->go, "g", 1);
	close(t->go);
	do
		got = read(t->result, r, sizeof(*r));
	while (got < 0 && errno == EINTR);
	close(t->result);
	while (waitpid(t->pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid tester");
	return got == (ssize_t)sizeof(*r) ? 0 : -1;
}

/* One measurement as uid, forked now: 1 if all n attempts succeed, 0 if not (a failed
 * fork of the tester itself counts as not). */
static int works_as(uid_t uid, uint64_t n, uint64_t alloc_kb, const char *path)
{
	struct tester t;
	struct res r;

	if (tester_start(&t, uid, n, alloc_kb, path) < 0)
		return 0;
	if (tester_finish(&t, &r) < 0)
		return 0;
	return r.ok == n;
}

/* Run cmd with stdout/stderr captured into cout/cerr; returns the wait status or -1. */
static int run_cmd(char **cmd, int *fork_errno)
{
	int po[2], pe[2], st;
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		die("pipe2");
	pid = fork();
	if (pid < 0) {
		*fork_errno = errno;
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		return -1;
	}
	if (pid == 0) {
		if (dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(126);
		execv(cmd[0], cmd);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	{
		struct pollfd p[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		int open_fds = 2;

		while (open_fds) {
			int k;

			if (poll(p, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				die("poll");
			}
			for (k = 0; k < 2; k++) {
				char *b = k ? cerr : cout;
				size_t *l = k ? &cerrl : &coutl, cap = k ? sizeof(cerr) : sizeof(cout);
				char sink[512];
				ssize_t got;

				if (p[k].fd < 0 || !p[k].revents)
					continue;
				if (*l < cap)
					got = read(p[k].fd, b + *l, cap - *l);
				else
					got = read(p[k].fd, sink, sizeof(sink));
				if (got > 0 && *l < cap)
					*l += (size_t)got;
				if (got == 0 || (got < 0 && errno != EINTR)) {
					close(p[k].fd);
					p[k].fd = -1;
					open_fds--;
				}
			}
		}
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid cmd");
	return st;
}

static void dump(const char *path, const char *b, size_t l)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		die(path);
	if (l && write(fd, b, l) != (ssize_t)l)
		die(path);
	close(fd);
}

int main(int argc, char **argv)
{
	uint64_t uid = 0, n = 1, alloc_kb = 0, restore = 0, lo = 0, hi = 0;
	int user = 0, root = 0, sync = 0, do_restore = 0, search = 0, i;
	const char *path = "/bin/true", *cmd_out = NULL, *cmd_err = NULL;
	char **cmd = NULL;
	struct res ur = { 0 }, rr = { 0 };
	struct tester t = { 0 };
	int have_tester = 0, tester_errno = 0;

	signal(SIGPIPE, SIG_IGN);   /* a tester that died must not take us with it */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (!strcmp(a, "--")) {
			cmd = argv + i + 1;
			break;
		} else if (!strcmp(a, "--as-user") && more) {
			user = 1;
			if (parse_u64(argv[++i], &uid) || uid > 0xfffffffeu)
				goto usage;
		} else if (!strcmp(a, "--root")) {
			root = 1;
		} else if (!strcmp(a, "-n") && more) {
			if (parse_u64(argv[++i], &n) || !n || n > 1000)
				goto usage;
		} else if (!strcmp(a, "--alloc-kb") && more) {
			if (parse_u64(argv[++i], &alloc_kb) || alloc_kb > (1u << 30))
				goto usage;
		} else if (!strcmp(a, "--exec") && more) {
			path = argv[++i];
		} else if (!strcmp(a, "--sync")) {
			sync = 1;
		} else if (!strcmp(a, "--restore-mode") && more) {
			do_restore = 1;
			if (parse_u64(argv[++i], &restore) || restore > 2)
				goto usage;
		} else if (!strcmp(a, "--cmd-out") && more) {
			cmd_out = argv[++i];
		} else if (!strcmp(a, "--cmd-err") && more) {
			cmd_err = argv[++i];
		} else if (!strcmp(a, "--search") && i + 2 < argc) {
			search = 1;
			if (parse_u64(argv[++i], &lo) || parse_u64(argv[++i], &hi) || lo >= hi)
				goto usage;
		} else {
			goto usage;
		}
	}
	if (cmd && !*cmd)
		goto usage;
	if (search && (!user || cmd))
		goto usage;
	/* it writes /proc/sys only inside the test guest: refuse anywhere else */
	if (search || sync || do_restore) {
		slurp("/proc/cmdline");
		if (!strstr(rbuf, "ovcvm.config=")) {
			errno = 0;
			die("--search, --sync and --restore-mode run only in the test guest (no ovcvm.config= on the kernel command line)");
		}
	}

	if (search) {
		int valid, probes = 2;

		if (sysctl_u64("overcommit_memory") != 2) {
			errno = 0;
			die("--search needs vm.overcommit_memory 2");
		}
		/* both ends: fails at lo, works at hi */
		sysctl_write("overcommit_kbytes", lo);
		sysctl_write("overcommit_memory", 2);
		valid = !works_as((uid_t)uid, n, alloc_kb, path);
		sysctl_write("overcommit_kbytes", hi);
		sysctl_write("overcommit_memory", 2);
		valid = valid && works_as((uid_t)uid, n, alloc_kb, path);
		/* the kernel takes kbytes in pages: search in 4 kB steps (lo, hi multiples) */
		lo &= ~(uint64_t)3;
		hi = (hi + 3) & ~(uint64_t)3;
		while (valid && hi - lo > 4) {
			uint64_t mid = (lo + (hi - lo) / 2) & ~(uint64_t)3;

			if (mid <= lo)
				mid = lo + 4;
			sysctl_write("overcommit_kbytes", mid);
			sysctl_write("overcommit_memory", 2);
			probes++;
			if (works_as((uid_t)uid, n, alloc_kb, path))
				hi = mid;
			else
				lo = mid;
		}
		sysctl_write("overcommit_kbytes", hi);
		sysctl_write("overcommit_memory", 2);
		putu("", "search_valid", (uint64_t)valid);
		putu("", "search_lo_kb", lo);
		putu("", "search_hi_kb", hi);
		putu("", "search_probes", (uint64_t)probes);
		putu("", "search_committed_as_kb", meminfo("Committed_AS"));
		putu("", "search_commit_limit_kb", meminfo("CommitLimit"));
		putu("", "uid_tested", uid);
		putu("", "n", n);
		putu("", "alloc_kb", alloc_kb);
	} else {
		int st = 0, ferr = 0;

		if (user && cmd) {
			if (tester_start(&t, (uid_t)uid, n, alloc_kb, path) < 0) {
				tester_errno = errno;
			} else {
				have_tester = 1;
			}
		}
		if (cmd)
			st = run_cmd(cmd, &ferr);
		if (sync && sysctl_u64("overcommit_memory") == 2)
			sysctl_write("overcommit_memory", 2);
		putu("", "uid_tested", user ? uid : 0);
		putu("", "n", n);
		putu("", "alloc_kb", alloc_kb);
		if (cmd) {
			putu("", "cmd_rc", st < 0 ? 255 : WIFEXITED(st) ? (uint64_t)WEXITSTATUS(st)
									  : 128);
			putu("", "cmd_signal", st >= 0 && WIFSIGNALED(st) ? (uint64_t)WTERMSIG(st) : 0);
			putu("", "cmd_fork_errno", (uint64_t)ferr);
		}
		putu("", "mode", sysctl_u64("overcommit_memory"));
		putu("", "kbytes", sysctl_u64("overcommit_kbytes"));
		putu("", "ratio", sysctl_u64("overcommit_ratio"));
		putu("", "commit_limit_kb", meminfo("CommitLimit"));
		putu("", "committed_as_kb", meminfo("Committed_AS"));
		if (user) {
			if (!cmd && tester_start(&t, (uid_t)uid, n, alloc_kb, path) == 0)
				have_tester = 1;
			else if (!cmd)
				tester_errno = errno;
			if (have_tester && tester_finish(&t, &ur) < 0)
				have_tester = 0;
			putu("", "user_tester", (uint64_t)have_tester);
			putu("", "user_tester_errno", (uint64_t)tester_errno);
			if (have_tester)
				put_res("user_", &ur);
		}
		if (root) {
			attempts(n, alloc_kb, path, &rr);
			put_res("root_", &rr);
		}
	}
	if (do_restore) {
		sysctl_write("overcommit_memory", restore);
		putu("", "restored", restore);
	}
	if (cmd_out)
		dump(cmd_out, cout, coutl);
	if (cmd_err)
		dump(cmd_err, cerr, cerrl);
	put("\n");
	if (write(1, obuf, olen) != (ssize_t)olen)
		die("write stdout");
	return 0;
usage:
	errno = 0;
	die("usage: forkexec [--as-user UID] [--root] [-n N] [--alloc-kb K] [--exec PATH] [--sync] [--restore-mode M] [--cmd-out FILE] [--cmd-err FILE] [-- CMD ARGS...] | --search LO HI --as-user UID [...]");
	return 2;
}
