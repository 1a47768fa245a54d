/* SPDX-License-Identifier: MIT */
/*
 * shim.c - an LD_PRELOAD fault injector for ovc's tests (built only for the tests:
 * make check-faults builds it into $(B)/faults/shim.so; it is never installed).
 *
 * It interposes the libc wrappers ovc's change transaction goes through and, as told by
 * the environment (read here only, never by ovc), makes one chosen call fail with a
 * chosen errno, or kills the process with SIGKILL right before or after it.
 *
 *   OVC_FAULT="SPEC[,SPEC...]"       SPEC = op:pattern:nth:ERR
 *   OVC_FAULT_KILL="SPEC[,SPEC...]"  SPEC = op:pattern:nth[:before|:after]
 *
 *   op       open openat openat2 write pwrite pread fsync fdatasync rename renameat
 *            unlinkat ftruncate fchmod fchown close mkdirat flock sendto sendmsg
 *            ("open" is open/open64/__open_2/__open64_2, "openat" is openat/openat64/
 *            __openat_2/__openat64_2, "openat2" the openat2 syscall made through
 *            syscall(2) (ovc's --proc reads and writes), "renameat" (or "rename") is
 *            rename/renameat/renameat2, "unlinkat" (or "unlink") unlink/unlinkat;
 *            "*" any op)
 *   pattern  matched against the call's path: "=PATH" the exact path; a glob (fnmatch,
 *            if it holds * ? or [) on the whole path; else a substring. The path is the one opened (dirfd's
 *            path + "/" + name, for *at calls), the fd's path for fd calls (tracked
 *            from the opens; else /proc/self/fd/N), the TARGET for rename, and
 *            "socket:[...]" for sendto/sendmsg.
 *   nth      N: only the Nth matching call (1-based, counted per SPEC); N+: the Nth and
 *            every later one; *: every one.
 *   ERR      ENOSPC EIO EROFS EACCES EPERM EDQUOT EINVAL ENOMEM EINTR EBADF, or a number;
 *            SHORT: write/pwrite only, do the real call with half the bytes and return
 *            that (a short write); SKIP: not for opens, do not make the call and report
 *            success (a mutation: "flock:ovc.lock:*:SKIP" disables the lock).
 *   before   (default) SIGKILL instead of the call; after: the call, then SIGKILL.
 *
 *   OVC_FAULT_PAUSE="SPEC[,SPEC...]" SPEC = op:pattern:nth:MS - sleep MS milliseconds
 *                         before the call, then make it: a stop point (hold ovc inside its
 *                         transaction, with the lock taken, while a test acts)
 *
 *   OVC_FAULT_LOG=FILE    append one line per fault, kill or pause: "fault OP PATH N
 *                         ERRNAME" / "kill OP PATH N WHEN" (written before SIGKILL is
 *                         raised) / "pause OP PATH N MS" (written before the sleep)
 *   OVC_FAULT_TRACE=FILE  append every intercepted call: "OP PATH FLAGS RESULT" (FLAGS:
 *                         w for an open for writing/creating, r otherwise, - no open)
 *   OVC_FAULT_SYSINFO=RAM_KB:SWAP_KB  sysinfo(2) reports totalram RAM_KB and totalswap
 *                         SWAP_KB (mem_unit 1, so in bytes; freeram and freeswap capped
 *                         at them): the kernel's figures that differ from a /proc/meminfo
 *                         (as LXCFS's differ from the kernel's), for tests/21-container.bats
 *   OVC_FAULT_JAIL=DIR    a path-changing call (an open for writing, mkdirat, renameat,
 *                         unlinkat) outside DIR (but /dev/null) is refused with EPERM, logged as
 *                         "JAIL OP PATH": a last line of defence for this host's /proc/sys
 *                         and /etc if a test were ever miswired.
 *
 * A failed call that the kernel would have made does not happen (no side effect), except
 * close, which closes the fd and then reports the error, as Linux does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <linux/openat2.h>
#include <sys/file.h>

/* glibc declares these only under _FORTIFY_SOURCE; ovc (built fortified) calls them */
int __open_2(const char *name, int flags);
int __open64_2(const char *name, int flags);
int __openat_2(int dirfd, const char *name, int flags);
int __openat64_2(int dirfd, const char *name, int flags);

#define MAX_SPECS 16
#define MAX_FDS 1024

struct spec {
	bool kill;
	unsigned pause_ms;    /* OVC_FAULT_PAUSE: sleep this long before the call */
	char op[16];
	char pat[512];
	unsigned nth;
	bool and_later;
	int err;              /* errno; -1: SHORT */
	bool after;           /* kill after the call */
	unsigned seen;        /* matching calls so far */
};

static struct spec specs[MAX_SPECS];
static int nspecs;
static char log_path[PATH_MAX], trace_path[PATH_MAX], jail[PATH_MAX];
static char *fd_path[MAX_FDS];
static bool inited;

/* ---- the real functions ---------------------------------------------------------------- */

#define REAL(name, ret, ...)                                                             \
	static ret (*real_##name)(__VA_ARGS__);                                          \
	static ret (*get_##name(void))(__VA_ARGS__)                                      \
	{                                                                                \
		if (!real_##name)                                                        \
			*(void **)&real_##name = dlsym(RTLD_NEXT, #name);                \
		return real_##name;                                                      \
	}

REAL(open, int, const char *, int, ...)
REAL(open64, int, const char *, int, ...)
REAL(__open_2, int, const char *, int)
REAL(__open64_2, int, const char *, int)
REAL(openat, int, int, const char *, int, ...)
REAL(openat64, int, int, const char *, int, ...)
REAL(__openat_2, int, int, const char *, int)
REAL(__openat64_2, int, int, const char *, int)
REAL(syscall, long, long, ...)
REAL(write, ssize_t, int, const void *, size_t)
REAL(pwrite, ssize_t, int, const void *, size_t, off_t)
REAL(pwrite64, ssize_t, int, const void *, size_t, off_t)
REAL(pread, ssize_t, int, void *, size_t, off_t)
REAL(pread64, ssize_t, int, void *, size_t, off_t)
REAL(fsync, int, int)
REAL(fdatasync, int, int)
REAL(rename, int, const char *, const char *)
REAL(renameat, int, int, const char *, int, const char *)
REAL(renameat2, int, int, const char *, int, const char *, unsigned)
REAL(unlinkat, int, int, const char *, int)
REAL(unlink, int, const char *)
REAL(ftruncate, int, int, off_t)
REAL(ftruncate64, int, int, off_t)
REAL(fchmod, int, int, mode_t)
REAL(fchown, int, int, uid_t, gid_t)
REAL(close, int, int)
REAL(mkdirat, int, int, const char *, mode_t)
REAL(flock, int, int, int)
REAL(sendto, ssize_t, int, const void *, size_t, int, const struct sockaddr *, socklen_t)
REAL(sendmsg, ssize_t, int, const struct msghdr *, int)
REAL(dup, int, int)
REAL(socket, int, int, int, int)
REAL(closedir, int, DIR *)

/* ---- configuration ----------------------------------------------------------------------- */

static const struct {
	const char *name;
	int e;
} errnames[] = {
	{ "ENOSPC", ENOSPC }, { "EIO", EIO },       { "EROFS", EROFS },   { "EACCES", EACCES },
	{ "EPERM", EPERM },   { "EDQUOT", EDQUOT }, { "EINVAL", EINVAL }, { "ENOMEM", ENOMEM },
	{ "EINTR", EINTR },   { "EBADF", EBADF },   { "ENOSYS", ENOSYS }, { "SHORT", -1 },
	{ "SKIP", -2 },
};

static const char *errname(int e)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "%d", e);
	return buf;
}

static void die(const char *what, const char *spec)
{
	char msg[1024];
	int n = snprintf(msg, sizeof(msg), "ovc fault shim: %s: '%s'\n", what, spec);

	if (n > 0)
		(void)!get_write()(2, msg, (size_t)n);
	_exit(98);
}

static void parse_list(const char *env, bool kill, bool pause)
{
	const char *v = getenv(env);
	char buf[4096], *save = NULL, *tok;

	if (!v || !*v)
		return;
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct spec *s = &specs[nspecs];
		char *f[4] = { 0 }, *p = tok;
		int nf = 0;
		size_t i;

		if (nspecs == MAX_SPECS)
			die("too many specs", v);
		while (nf < 4 && p) {
			f[nf++] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (p || nf < 3 || (!kill && nf != 4))
			die(kill ? "bad OVC_FAULT_KILL spec (op:pattern:nth[:before|after])"
			    : pause ? "bad OVC_FAULT_PAUSE spec (op:pattern:nth:ms)"
				    : "bad OVC_FAULT spec (op:pattern:nth:ERRNO)", tok);
		memset(s, 0, sizeof(*s));
		s->kill = kill;
		snprintf(s->op, sizeof(s->op), "%s", f[0]);
		snprintf(s->pat, sizeof(s->pat), "%s", f[1]);
		if (!strcmp(f[2], "*")) {
			s->nth = 1;
			s->and_later = true;
		} else {
			char *end;

			s->nth = (unsigned)strtoul(f[2], &end, 10);
			if (*end == '+') {
				s->and_later = true;
				end++;
			}
			if (*end || s->nth == 0)
				die("bad nth (N, N+ or *)", tok);
		}
		if (pause) {
			char *end;

			s->pause_ms = (unsigned)strtoul(f[3], &end, 10);
			if (*end || !s->pause_ms)
				die("bad pause (milliseconds)", tok);
		} else if (kill) {
			if (nf == 4 && strcmp(f[3], "before") && strcmp(f[3], "after"))
				die("kill point is before or after", tok);
			s->after = nf == 4 && !strcmp(f[3], "after");
		} else {
			bool found = false;

			for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
				if (!strcmp(errnames[i].name, f[3])) {
					s->err = errnames[i].e;
					found = true;
				}
			if (found && s->err == -2 && !strncmp(s->op, "open", 4))
				die("SKIP is not for opens", tok);
			if (!found) {
				char *end;

				s->err = (int)strtol(f[3], &end, 10);
				if (*end || s->err <= 0)
					die("unknown errno", tok);
			}
		}
		nspecs++;
	}
}

static void init(void)
{
	const char *v;

	if (inited)
		return;
	inited = true;
	parse_list("OVC_FAULT", false, false);
	parse_list("OVC_FAULT_KILL", true, false);
	parse_list("OVC_FAULT_PAUSE", false, true);
	if ((v = getenv("OVC_FAULT_LOG")))
		snprintf(log_path, sizeof(log_path), "%s", v);
	if ((v = getenv("OVC_FAULT_TRACE")))
		snprintf(trace_path, sizeof(trace_path), "%s", v);
	if ((v = getenv("OVC_FAULT_JAIL")) && *v) {
		size_t n;

		snprintf(jail, sizeof(jail), "%s", v);
		n = strlen(jail);
		while (n > 1 && jail[n - 1] == '/')
			jail[--n] = '\0';
	}
}

__attribute__((constructor)) static void shim_init(void)
{
	init();
}

/* ---- paths ------------------------------------------------------------------------------- */

static void append(const char *file, const char *line)
{
	int fd, e = errno;

	if (!file[0])
		return;
	fd = get_open()(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!get_write()(fd, line, strlen(line));
		get_close()(fd);
	}
	errno = e;
}

static void fd_set_path(int fd, const char *path)
{
	if (fd < 0 || fd >= MAX_FDS)
		return;
	free(fd_path[fd]);
	fd_path[fd] = strdup(path);
}

static const char *fd_get_path(int fd, char *buf, size_t len)
{
	char proc[64];
	ssize_t n;

	if (fd >= 0 && fd < MAX_FDS && fd_path[fd])
		return fd_path[fd];
	if (fd == AT_FDCWD) {
		if (!getcwd(buf, len))
			snprintf(buf, len, ".");
		return buf;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, len - 1);
	if (n < 0)
		snprintf(buf, len, "fd:%d", fd);
	else
		buf[n] = '\0';
	return buf;
}

static const char *at_path(int dirfd, const char *name, char *out, size_t len)
{
	char dbuf[PATH_MAX];
	const char *d;
	size_t n;

	if (!name)
		name = "";
	if (name[0] == '/' || (dirfd == AT_FDCWD && name[0])) {
		snprintf(out, len, "%s", name);
		return out;
	}
	d = fd_get_path(dirfd, dbuf, sizeof(dbuf));
	n = strlen(d);
	if (n >= 2 && !strcmp(d + n - 2, "/."))   /* a walk from openat(root, "."): name its children plainly */
		n -= 2;
	if (!name[0])   /* AT_EMPTY_PATH */
		snprintf(out, len, "%.*s", (int)n, d);
	else
		snprintf(out, len, "%.*s%s%s", (int)n, d, n && d[n - 1] == '/' ? "" : "/", name);
	return out;
}

static bool is_write_open(long flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC));
}

/* ---- the decision ---------------------------------------------------------------------- */

static bool op_matches(const char *spec_op, const char *op)
{
	if (!strcmp(spec_op, "*") || !strcmp(spec_op, op))
		return true;
	if (!strcmp(spec_op, "rename") && !strcmp(op, "renameat"))
		return true;
	if (!strcmp(spec_op, "unlink") && !strcmp(op, "unlinkat"))
		return true;
	return false;
}

static bool pat_matches(const char *pat, const char *path)
{
	if (pat[0] == '=')
		return strcmp(pat + 1, path) == 0;
	if (strpbrk(pat, "*?["))
		return fnmatch(pat, path, 0) == 0;
	return strstr(path, pat) != NULL;
}

enum verdict { GO, FAIL, SHORT, SKIP, KILL_AFTER };

/*
 * Decide what happens to one call: GO, FAIL (*err set), SHORT, or KILL_AFTER (the caller
 * makes the call, then calls kill_now). A kill before the call happens here.
 */
static enum verdict decide(const char *op, const char *path, int *err)
{
	enum verdict v = GO;
	char line[PATH_MAX + 128];
	int i;

	init();
	for (i = 0; i < nspecs; i++) {
		struct spec *s = &specs[i];
		bool hit;

		if (!op_matches(s->op, op) || !pat_matches(s->pat, path))
			continue;
		s->seen++;
		hit = s->and_later ? s->seen >= s->nth : s->seen == s->nth;
		if (!hit || v != GO)
			continue;
		if (s->pause_ms) {
			struct timespec ts = { s->pause_ms / 1000, (long)(s->pause_ms % 1000) * 1000000L };

			snprintf(line, sizeof(line), "pause %s %s %u %u\n", op, path, s->seen,
				 s->pause_ms);
			append(log_path, line);
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
			continue;
		}
		if (s->kill) {
			snprintf(line, sizeof(line), "kill %s %s %u %s\n", op, path, s->seen,
				 s->after ? "after" : "before");
			append(log_path, line);
			if (!s->after) {
				kill(getpid(), SIGKILL);
				_exit(137);   /* not reached */
			}
			v = KILL_AFTER;
		} else {
			snprintf(line, sizeof(line), "fault %s %s %u %s\n", op, path, s->seen,
				 errname(s->err));
			append(log_path, line);
			if (s->err == -1) {
				v = SHORT;
			} else if (s->err == -2) {
				v = SKIP;
			} else {
				*err = s->err;
				v = FAIL;
			}
		}
	}
	return v;
}

static void kill_now(void)
{
	kill(getpid(), SIGKILL);
	_exit(137);
}

static void trace(const char *op, const char *path, const char *flags, long result, int e)
{
	char line[PATH_MAX + 128];

	if (!trace_path[0])
		return;
	if (result < 0)
		snprintf(line, sizeof(line), "%s %s %s -%s\n", op, path, flags, errname(e));
	else
		snprintf(line, sizeof(line), "%s %s %s %ld\n", op, path, flags, result);
	append(trace_path, line);
}

/* A path-changing call outside the jail: refused. */
static bool jailed(const char *op, const char *path)
{
	char line[PATH_MAX + 64];
	size_t n = strlen(jail);

	if (!jail[0] || !strcmp(path, "/dev/null"))
		return false;
	if (!strncmp(path, jail, n) && (path[n] == '/' || path[n] == '\0') &&
	    !strstr(path, "/../"))
		return false;
	snprintf(line, sizeof(line), "JAIL %s %s\n", op, path);
	append(log_path, line);
	append(trace_path, line);
	return true;
}

/* ---- opens -------------------------------------------------------------------------------- */

/* Every open goes through here: decide, jail, call, track, trace. */
static long do_open(const char *op, const char *path, long flags, long (*call)(void *), void *ctx)
{
	int err = 0;
	enum verdict v = decide(op, path, &err);
	bool w = is_write_open(flags);
	long r;
	int e;

	if (v == FAIL) {
		trace(op, path, w ? "w" : "r", -1, err);
		errno = err;
		return -1;
	}
	if (w && jailed(op, path)) {
		errno = EPERM;
		return -1;
	}
	r = call(ctx);
	e = errno;
	if (r >= 0)
		fd_set_path((int)r, path);
	trace(op, path, w ? "w" : "r", r, e);
	if (v == KILL_AFTER)
		kill_now();
	errno = e;
	return r;
}

struct open_ctx {
	int dirfd;
	const char *name;
	int flags;
	mode_t mode;
	int kind;   /* 0 open, 1 open64, 2 __open_2, 3 __open64_2, 4 openat, 5 openat64,
		       6 __openat_2, 7 __openat64_2 */
};

static long call_open(void *p)
{
	struct open_ctx *c = p;

	switch (c->kind) {
	case 0: return get_open()(c->name, c->flags, c->mode);
	case 1: return get_open64()(c->name, c->flags, c->mode);
	case 2: return get___open_2()(c->name, c->flags);
	case 3: return get___open64_2()(c->name, c->flags);
	case 4: return get_openat()(c->dirfd, c->name, c->flags, c->mode);
	case 5: return get_openat64()(c->dirfd, c->name, c->flags, c->mode);
	case 6: return get___openat_2()(c->dirfd, c->name, c->flags);
	default: return get___openat64_2()(c->dirfd, c->name, c->flags);
	}
}

static mode_t va_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

#define OPEN_WRAPPER(fn, kind_)                                                           \
	int fn(const char *name, int flags, ...)                                         \
	{                                                                                \
		char p[PATH_MAX];                                                        \
		struct open_ctx c = { AT_FDCWD, name, flags, 0, kind_ };                 \
		va_list ap;                                                              \
		va_start(ap, flags);                                                     \
		c.mode = va_mode(flags, ap);                                             \
		va_end(ap);                                                              \
		return (int)do_open("open", at_path(AT_FDCWD, name, p, sizeof(p)), flags,\
				    call_open, &c);                                      \
	}
OPEN_WRAPPER(open, 0)
OPEN_WRAPPER(open64, 1)

int __open_2(const char *name, int flags)
{
	char p[PATH_MAX];
	struct open_ctx c = { AT_FDCWD, name, flags, 0, 2 };

	return (int)do_open("open", at_path(AT_FDCWD, name, p, sizeof(p)), flags, call_open, &c);
}

int __open64_2(const char *name, int flags)
{
	char p[PATH_MAX];
	struct open_ctx c = { AT_FDCWD, name, flags, 0, 3 };

	return (int)do_open("open", at_path(AT_FDCWD, name, p, sizeof(p)), flags, call_open, &c);
}

#define OPENAT_WRAPPER(fn, kind_)                                                         \
	int fn(int dirfd, const char *name, int flags, ...)                              \
	{                                                                                \
		char p[PATH_MAX];                                                        \
		struct open_ctx c = { dirfd, name, flags, 0, kind_ };                    \
		va_list ap;                                                              \
		va_start(ap, flags);                                                     \
		c.mode = va_mode(flags, ap);                                             \
		va_end(ap);                                                              \
		return (int)do_open("openat", at_path(dirfd, name, p, sizeof(p)), flags, \
				    call_open, &c);                                      \
	}
OPENAT_WRAPPER(openat, 4)
OPENAT_WRAPPER(openat64, 5)

int __openat_2(int dirfd, const char *name, int flags)
{
	char p[PATH_MAX];
	struct open_ctx c = { dirfd, name, flags, 0, 6 };

	return (int)do_open("openat", at_path(dirfd, name, p, sizeof(p)), flags, call_open, &c);
}

int __openat64_2(int dirfd, const char *name, int flags)
{
	char p[PATH_MAX];
	struct open_ctx c = { dirfd, name, flags, 0, 7 };

	return (int)do_open("openat", at_path(dirfd, name, p, sizeof(p)), flags, call_open, &c);
}

/* syscall(2): openat2 has no glibc wrapper, ovc calls it through syscall(). */
struct sys_ctx {
	long nr, a[6];
};

static long call_sys(void *p)
{
	struct sys_ctx *c = p;

	return get_syscall()(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}

long syscall(long nr, ...)
{
	struct sys_ctx c = { .nr = nr };
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		c.a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_openat2) {
		char p[PATH_MAX];
		const struct open_how *how = (const struct open_how *)c.a[2];

		return do_open("openat2", at_path((int)c.a[0], (const char *)c.a[1], p, sizeof(p)),
			       how ? (long)how->flags : 0, call_sys, &c);
	}
	return call_sys(&c);
}

/* ---- fd calls ------------------------------------------------------------------------------ */

/* decide for an fd call; FAIL sets errno. */
static enum verdict fd_decide(const char *op, int fd, char *path, size_t len, int *err)
{
	char buf[PATH_MAX];

	snprintf(path, len, "%s", fd_get_path(fd, buf, sizeof(buf)));
	return decide(op, path, err);
}

#define FD_CALL(op, fd, call)                                                             \
	do {                                                                             \
		char p_[PATH_MAX];                                                       \
		int err_ = 0, e_;                                                        \
		enum verdict v_ = fd_decide(op, fd, p_, sizeof(p_), &err_);              \
		long r_;                                                                 \
		if (v_ == FAIL) {                                                        \
			trace(op, p_, "-", -1, err_);                                    \
			errno = err_;                                                    \
			return -1;                                                       \
		}                                                                        \
		if (v_ == SKIP) {                                                        \
			trace(op, p_, "-", 0, 0);                                        \
			return 0;                                                        \
		}                                                                        \
		r_ = (long)(call);                                                       \
		e_ = errno;                                                              \
		trace(op, p_, "-", r_, e_);                                              \
		if (v_ == KILL_AFTER)                                                    \
			kill_now();                                                      \
		errno = e_;                                                              \
		return r_;                                                               \
	} while (0)

static size_t short_len(enum verdict v, size_t n)
{
	return v == SHORT && n > 1 ? n / 2 : n;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	char p[PATH_MAX];
	int err = 0, e;
	enum verdict v;
	ssize_t r;

	/* stdout and stderr are not traced (the report is not a step) */
	if (fd <= 2 && !(fd < MAX_FDS && fd_path[fd]))
		return get_write()(fd, buf, n);
	v = fd_decide("write", fd, p, sizeof(p), &err);
	if (v == FAIL) {
		trace("write", p, "-", -1, err);
		errno = err;
		return -1;
	}
	if (v == SKIP) {
		trace("write", p, "-", (long)n, 0);
		return (ssize_t)n;
	}
	r = get_write()(fd, buf, short_len(v, n));
	e = errno;
	trace("write", p, "-", r, e);
	if (v == KILL_AFTER)
		kill_now();
	errno = e;
	return r;
}

static ssize_t pwrite_common(int fd, const void *buf, size_t n, off_t off, bool is64)
{
	char p[PATH_MAX];
	int err = 0, e;
	enum verdict v = fd_decide("pwrite", fd, p, sizeof(p), &err);
	ssize_t r;

	if (v == FAIL) {
		trace("pwrite", p, "-", -1, err);
		errno = err;
		return -1;
	}
	if (v == SKIP) {
		trace("pwrite", p, "-", (long)n, 0);
		return (ssize_t)n;
	}
	r = (is64 ? get_pwrite64() : get_pwrite())(fd, buf, short_len(v, n), off);
	e = errno;
	trace("pwrite", p, "-", r, e);
	if (v == KILL_AFTER)
		kill_now();
	errno = e;
	return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite_common(fd, buf, n, off, false);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite_common(fd, buf, n, off, true);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	FD_CALL("pread", fd, get_pread()(fd, buf, n, off));
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	FD_CALL("pread", fd, get_pread64()(fd, buf, n, off));
}

int fsync(int fd)
{
	FD_CALL("fsync", fd, get_fsync()(fd));
}

int fdatasync(int fd)
{
	FD_CALL("fdatasync", fd, get_fdatasync()(fd));
}

int ftruncate(int fd, off_t len)
{
	FD_CALL("ftruncate", fd, get_ftruncate()(fd, len));
}

int ftruncate64(int fd, off_t len)
{
	FD_CALL("ftruncate", fd, get_ftruncate64()(fd, len));
}

int fchmod(int fd, mode_t mode)
{
	FD_CALL("fchmod", fd, get_fchmod()(fd, mode));
}

int fchown(int fd, uid_t u, gid_t g)
{
	FD_CALL("fchown", fd, get_fchown()(fd, u, g));
}

int flock(int fd, int op)
{
	FD_CALL("flock", fd, get_flock()(fd, op));
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *a,
	       socklen_t alen)
{
	FD_CALL("sendto", fd, get_sendto()(fd, buf, n, flags, a, alen));
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	FD_CALL("sendmsg", fd, get_sendmsg()(fd, m, flags));
}

/* close: the fd is released even when the error is reported (as Linux does). */
int close(int fd)
{
	char p[PATH_MAX];
	int err = 0, e, r;
	enum verdict v;

	if (fd <= 2 && !(fd < MAX_FDS && fd_path[fd]))
		return get_close()(fd);
	v = fd_decide("close", fd, p, sizeof(p), &err);
	r = get_close()(fd);
	e = errno;
	if (fd >= 0 && fd < MAX_FDS) {
		free(fd_path[fd]);
		fd_path[fd] = NULL;
	}
	if (v == FAIL) {
		r = -1;
		e = err;
	}
	trace("close", p, "-", r, e);
	if (v == KILL_AFTER)
		kill_now();
	errno = e;
	return r;
}

/* ---- path calls ---------------------------------------------------------------------------- */

#define PATH_CALL(op, path, changes, call)                                                \
	do {                                                                             \
		int err_ = 0, e_;                                                        \
		enum verdict v_ = decide(op, path, &err_);                               \
		long r_;                                                                 \
		if (v_ == FAIL) {                                                        \
			trace(op, path, "-", -1, err_);                                  \
			errno = err_;                                                    \
			return -1;                                                       \
		}                                                                        \
		if (v_ == SKIP) {                                                        \
			trace(op, path, "-", 0, 0);                                      \
			return 0;                                                        \
		}                                                                        \
		if ((changes) && jailed(op, path)) {                                     \
			errno = EPERM;                                                   \
			return -1;                                                       \
		}                                                                        \
		r_ = (long)(call);                                                       \
		e_ = errno;                                                              \
		trace(op, path, "-", r_, e_);                                            \
		if (v_ == KILL_AFTER)                                                    \
			kill_now();                                                      \
		errno = e_;                                                              \
		return r_;                                                               \
	} while (0)

int renameat(int ofd, const char *old, int nfd, const char *new)
{
	char o[PATH_MAX], n[PATH_MAX];

	at_path(ofd, old, o, sizeof(o));
	at_path(nfd, new, n, sizeof(n));
	if (jailed("renameat", o)) {
		errno = EPERM;
		return -1;
	}
	PATH_CALL("renameat", n, 1, get_renameat()(ofd, old, nfd, new));
}

int renameat2(int ofd, const char *old, int nfd, const char *new, unsigned flags)
{
	char o[PATH_MAX], n[PATH_MAX];

	at_path(ofd, old, o, sizeof(o));
	at_path(nfd, new, n, sizeof(n));
	if (jailed("renameat", o)) {
		errno = EPERM;
		return -1;
	}
	PATH_CALL("renameat", n, 1, get_renameat2()(ofd, old, nfd, new, flags));
}

int rename(const char *old, const char *new)
{
	if (jailed("renameat", old)) {
		errno = EPERM;
		return -1;
	}
	PATH_CALL("renameat", new, 1, get_rename()(old, new));
}

int unlinkat(int dirfd, const char *name, int flags)
{
	char p[PATH_MAX];

	at_path(dirfd, name, p, sizeof(p));
	PATH_CALL("unlinkat", p, 1, get_unlinkat()(dirfd, name, flags));
}

int unlink(const char *name)
{
	PATH_CALL("unlinkat", name, 1, get_unlink()(name));
}

int mkdirat(int dirfd, const char *name, mode_t mode)
{
	char p[PATH_MAX];

	at_path(dirfd, name, p, sizeof(p));
	PATH_CALL("mkdirat", p, 1, get_mkdirat()(dirfd, name, mode));
}

/* ---- fd bookkeeping only ------------------------------------------------------------------ */

int dup(int fd)
{
	int r = get_dup()(fd);

	if (r >= 0 && r < MAX_FDS) {
		free(fd_path[r]);
		fd_path[r] = fd >= 0 && fd < MAX_FDS && fd_path[fd] ? strdup(fd_path[fd]) : NULL;
	}
	return r;
}

int socket(int domain, int type, int proto)
{
	int r = get_socket()(domain, type, proto);

	if (r >= 0 && r < MAX_FDS) {
		free(fd_path[r]);
		fd_path[r] = NULL;   /* named by /proc/self/fd: socket:[inode] */
	}
	return r;
}

/* closedir closes its fd inside libc, past this shim: forget the fd's path. */
int closedir(DIR *d)
{
	int fd = dirfd(d);

	if (fd >= 0 && fd < MAX_FDS) {
		free(fd_path[fd]);
		fd_path[fd] = NULL;
	}
	return get_closedir()(d);
}

REAL(sysinfo, int, struct sysinfo *)

/* OVC_FAULT_SYSINFO: another totalram and totalswap than the kernel's, in bytes. */
int sysinfo(struct sysinfo *info)
{
	const char *v = getenv("OVC_FAULT_SYSINFO");
	unsigned long long ram, swap;
	int r = get_sysinfo()(info);

	if (r < 0 || !v)
		return r;
	if (sscanf(v, "%llu:%llu", &ram, &swap) != 2)
		die("OVC_FAULT_SYSINFO is not RAM_KB:SWAP_KB", v);
	info->mem_unit = 1;
	info->totalram = (unsigned long)(ram * 1024);
	info->totalswap = (unsigned long)(swap * 1024);
	info->freeram = info->totalram / 2;
	info->freeswap = info->totalswap;
	return r;
}
