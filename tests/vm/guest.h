/* SPDX-License-Identifier: MIT */
/*
 * guest.h - helpers shared by the static test programs that run inside the VM
 * (allocmax, forkexec). Define GUEST_PROG (the name for messages) and GUEST_RBUF (the
 * size of the read buffer) before including it.
 */
#ifndef OVC_GUEST_H
#define OVC_GUEST_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* not every program uses every helper */
#define GUEST_HELPER static __attribute__((unused))

static char rbuf[GUEST_RBUF];

GUEST_HELPER void die(const char *msg)
{
	const char *e = errno ? strerror(errno) : "";

	(void)!write(2, GUEST_PROG ": ", sizeof(GUEST_PROG ": ") - 1);
	(void)!write(2, msg, strlen(msg));
	if (*e) {
		(void)!write(2, ": ", 2);
		(void)!write(2, e, strlen(e));
	}
	(void)!write(2, "\n", 1);
	exit(2);
}

/* Read a whole small file into rbuf, NUL-terminated: the first read() is at offset 0,
 * which is what /proc/sys files need; meminfo is read until EOF. */
GUEST_HELPER size_t slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		die(path);
	while (n < sizeof(rbuf) - 1 && (r = read(fd, rbuf + n, sizeof(rbuf) - 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die(path);
		}
		n += (size_t)r;
	}
	close(fd);
	rbuf[n] = '\0';
	return n;
}

GUEST_HELPER int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	if (*s)
		return -1;
	*out = v;
	return 0;
}

/* Value of the "Key:   123 kB"-style line `key` in rbuf (slurp first); dies with `what`. */
GUEST_HELPER uint64_t field(const char *key, const char *what)
{
	size_t kl = strlen(key);
	const char *p = rbuf;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			uint64_t v = 0;

			p += kl + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			while (*p >= '0' && *p <= '9')
				v = v * 10 + (uint64_t)(*p++ - '0');
			return v;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	errno = 0;
	die(what);
	return 0;
}

/* Become uid/gid `uid` with no supplementary groups (nobody: 65534). */
GUEST_HELPER void as_user(uid_t uid)
{
	if (setgroups(0, NULL))
		die("setgroups");
	if (setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid))
		die("setresgid");
	if (setresuid(uid, uid, uid))
		die("setresuid");
}

#endif
