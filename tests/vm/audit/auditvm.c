/* SPDX-License-Identifier: MIT */
/*
 * auditvm - drives ovc's src/sys/audit.c inside the test VM (tests/vm/audit/run) and
 * proves where each record went. Never run on a host: it sends audit records and can
 * switch auditing off (set-enabled).
 *
 * Usage:
 *   auditvm send [--listen] [--no-cap] [--uid N] [--userns] [--pidns] [--netns]
 *                OP KEY OLD NEW success|failed
 *       auditmsg_format + audit_send. --listen first joins AUDIT_NLGRP_READLOG (in the
 *       initial namespaces, as root) and afterwards waits up to 1.5 s for a type-1111
 *       record holding our text: the kernel's own copy of what it logged.
 *       --no-cap: CAP_AUDIT_WRITE off in the effective set (still permitted).
 *       --uid N: setresuid/setresgid N (every capability lost). --userns/--pidns/--netns:
 *       send from a child in a new user / pid / network namespace.
 *   auditvm rawsend open-nocap|send-nocap
 *       The capability window: open+bind the socket without CAP_AUDIT_WRITE and raise it
 *       only for sendto (open-nocap), or the reverse (send-nocap). Frames with audit_build.
 *   auditvm enabled [--no-control] [--userns] [--pidns]
 *       audit_enabled(); --no-control: CAP_AUDIT_CONTROL off in the effective set.
 *   auditvm set-enabled 0|1
 *       AUDIT_SET enabled (test only; ovc never does this).
 *   auditvm listen MS
 *       Join AUDIT_NLGRP_READLOG, write "listening" to stderr once joined, then print every
 *       record the kernel multicasts during MS milliseconds, one per line:
 *       "type=<nlmsg_type> <text>" (the text cut at its first NUL or newline). For
 *       `ovc set` in the guest: started in the background before ovc runs.
 *   auditvm exec-without-audit-write -- PROG [ARG...]
 *       Drop CAP_AUDIT_WRITE from the bounding set (PR_CAPBSET_DROP) and from the
 *       effective, permitted, inheritable and ambient sets, then execv PROG: root's
 *       execve cannot give it back, so PROG runs as root without CAP_AUDIT_WRITE (and
 *       with every other capability, CAP_AUDIT_CONTROL included).
 *
 * Output: "key value" lines on stdout (result, errno, msg, text, record, enabled, rc).
 * Exit status 0 unless the command line or the test setup failed (then 2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>

#include "../../../src/core/auditmsg.h"
#include "../../../src/sys/audit.h"

static bool opt_listen, opt_nocap, opt_nocontrol, opt_userns, opt_pidns, opt_netns;
static long opt_uid = -1;

static void die(const char *what)
{
	fprintf(stdout, "setup_error %s: %s\n", what, strerror(errno));
	fflush(stdout);
	_exit(2);
}

static const char *ename(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "?";
}

static void cap_effective(int cap, bool on)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		die("capget");
	if (on)
		d[cap / 32].effective |= 1u << (cap % 32);
	else
		d[cap / 32].effective &= ~(1u << (cap % 32));
	if (syscall(SYS_capset, &h, d) < 0)
		die("capset");
}

static struct mnl_socket *listener(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_AUDIT);

	if (!nl)
		die("listener socket");
	if (mnl_socket_bind(nl, 1u << (AUDIT_NLGRP_READLOG - 1), MNL_SOCKET_AUTOPID) < 0)
		die("listener bind AUDIT_NLGRP_READLOG");
	return nl;
}

/* Print "record <the kernel's text>" for the first type-1111 record holding text. */
static void await_record(struct mnl_socket *nl, const char *text)
{
	static char buf[65536] __attribute__((aligned(4)));
	struct timespec t0, t;
	struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long ms;
		ssize_t r;
		const struct nlmsghdr *nlh;
		int left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= 1500 || poll(&p, 1, (int)(1500 - ms)) <= 0)
			break;
		r = recv(p.fd, buf, sizeof(buf), 0);
		if (r < 0)
			die("listener recv");
		left = (int)r;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			const char *pl = mnl_nlmsg_get_payload(nlh);
			int n = (int)mnl_nlmsg_get_payload_len(nlh);

			if (nlh->nlmsg_type == OVC_AUDIT_USYS_CONFIG && memmem(pl, (size_t)n, text, strlen(text))) {
				printf("record %.*s\n", n, pl);
				return;
			}
		}
	}
	printf("record NONE\n");
}

static void enter_namespaces(void)
{
	int flags = (opt_userns ? CLONE_NEWUSER : 0) | (opt_pidns ? CLONE_NEWPID : 0) |
		    (opt_netns ? CLONE_NEWNET : 0);

	if (flags && unshare(flags) < 0)
		die("unshare");
	if (opt_uid >= 0) {
		if (setgroups(0, NULL) < 0 || setresgid((gid_t)opt_uid, (gid_t)opt_uid, (gid_t)opt_uid) < 0 ||
		    setresuid((uid_t)opt_uid, (uid_t)opt_uid, (uid_t)opt_uid) < 0)
			die("setresuid");
	}
	if (opt_nocap)
		cap_effective(CAP_AUDIT_WRITE, false);
	if (opt_nocontrol)
		cap_effective(CAP_AUDIT_CONTROL, false);
}

/* Run fn in a child (so a new pid namespace applies: it takes effect for children). */
static int in_child(void (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		enter_namespaces();
		if (opt_pidns) {
			pid_t inner = fork();   /* the first child of the unsharer is pid 1 there */

			if (inner < 0)
				die("fork in pid namespace");
			if (inner > 0) {
				if (waitpid(inner, &st, 0) < 0)
					die("waitpid");
				_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 2);
			}
			printf("pid_in_namespace %d\n", (int)getpid());
		}
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

static void do_send(void *arg)
{
	const char *text = arg;
	struct ovc_err err = { 0 };
	enum audit_result r = audit_send(text, &err);

	printf("result %s\n", r == AUDIT_DELIVERED ? "DELIVERED" :
			      r == AUDIT_UNAVAILABLE ? "UNAVAILABLE" : "FAILED");
	printf("errno %s\n", r == AUDIT_DELIVERED ? "0" : ename(err.errnum));
	printf("ecode %d\n", r == AUDIT_DELIVERED ? 0 : (int)err.code);
	printf("msg %s\n", r == AUDIT_DELIVERED ? "" : err.msg);
}

static void do_enabled(void *arg)
{
	struct ovc_err err = { 0 };
	int e = audit_enabled(&err);

	(void)arg;
	printf("enabled %d\n", e);
	printf("errno %s\n", e >= 0 ? "0" : ename(err.errnum));
	printf("msg %s\n", e >= 0 ? "" : err.msg);
}

/* Open with one capability state, send with the other; report the kernel's verdict. */
static void do_rawsend(const char *mode)
{
	static const char text[] = "op=capwindow key=\"ovc.test\" old=0 new=1 res=success";
	char msg[256] __attribute__((aligned(4))), buf[8192] __attribute__((aligned(4)));
	bool open_cap = strcmp(mode, "open-nocap") != 0;
	struct mnl_socket *nl, *lis = listener();
	uint32_t seq = 7, portid;
	size_t n;
	ssize_t r;
	int ret;

	cap_effective(CAP_AUDIT_WRITE, open_cap);
	nl = mnl_socket_open(NETLINK_AUDIT);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("socket");
	portid = mnl_socket_get_portid(nl);
	cap_effective(CAP_AUDIT_WRITE, !open_cap);
	n = audit_build(msg, sizeof(msg), OVC_AUDIT_USYS_CONFIG, seq, text);
	if (!n || mnl_socket_sendto(nl, msg, n) < 0)
		die("sendto");
	cap_effective(CAP_AUDIT_WRITE, true);
	r = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (r < 0)
		die("recv");
	ret = mnl_cb_run(buf, (size_t)r, seq, portid, NULL, NULL);
	printf("result %s\n", ret == MNL_CB_STOP ? "ACK" : "NACK");
	printf("errno %s\n", ret == MNL_CB_STOP ? "0" : ename(errno));
	printf("text %s\n", text);
	await_record(lis, text);
}

static int set_enabled(unsigned v)
{
	char buf[8192] __attribute__((aligned(4)));
	struct mnl_socket *nl = mnl_socket_open(NETLINK_AUDIT);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct audit_status *s;
	uint32_t seq = 9;
	ssize_t r;
	int ret;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("socket");
	nlh->nlmsg_type = AUDIT_SET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	s = mnl_nlmsg_put_extra_header(nlh, sizeof(*s));
	s->mask = AUDIT_STATUS_ENABLED;
	s->enabled = v;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendto");
	r = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (r < 0)
		die("recv");
	ret = mnl_cb_run(buf, (size_t)r, seq, mnl_socket_get_portid(nl), NULL, NULL);
	printf("set_enabled %u %s\n", v, ret == MNL_CB_STOP ? "0" : ename(errno));
	mnl_socket_close(nl);
	return 0;
}

/* Print every record multicast on AUDIT_NLGRP_READLOG during ms milliseconds. */
static int do_listen(long ms)
{
	static char buf[65536] __attribute__((aligned(4)));
	struct mnl_socket *nl = listener();
	struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
	struct timespec t0, t;

	fprintf(stderr, "listening\n");
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long el;
		ssize_t r;
		const struct nlmsghdr *nlh;
		int left, pr;

		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (el >= ms)
			break;
		pr = poll(&p, 1, (int)(ms - el));
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			die("listener poll");
		if (pr == 0)
			break;
		r = recv(p.fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == ENOBUFS) {   /* the socket overran: say so, never hide it */
			printf("overrun ENOBUFS\n");
			fflush(stdout);
			continue;
		}
		if (r < 0)
			die("listener recv");
		left = (int)r;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			const char *pl = mnl_nlmsg_get_payload(nlh);
			size_t n = strnlen(pl, mnl_nlmsg_get_payload_len(nlh));
			const char *nl_at = memchr(pl, '\n', n);

			if (nl_at)
				n = (size_t)(nl_at - pl);
			printf("type=%u %.*s\n", nlh->nlmsg_type, (int)n, pl);
		}
		fflush(stdout);
	}
	mnl_socket_close(nl);
	return 0;
}

/* Run argv[0] as root without CAP_AUDIT_WRITE anywhere (bounding set included). */
static int exec_without_audit_write(char **av)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	unsigned i = CAP_AUDIT_WRITE / 32, bit = 1u << (CAP_AUDIT_WRITE % 32);

	if (prctl(PR_CAPBSET_DROP, CAP_AUDIT_WRITE, 0, 0, 0) < 0)
		die("prctl PR_CAPBSET_DROP CAP_AUDIT_WRITE");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		die("prctl PR_CAP_AMBIENT_CLEAR_ALL");
	if (syscall(SYS_capget, &h, d) < 0)
		die("capget");
	d[i].effective &= ~bit;
	d[i].permitted &= ~bit;
	d[i].inheritable &= ~bit;
	if (syscall(SYS_capset, &h, d) < 0)
		die("capset");
	execv(av[0], av);
	die("execv");
	return 2;
}

static int usage(void)
{
	fprintf(stderr, "usage: auditvm send|rawsend|enabled|set-enabled|listen|exec-without-audit-write ... (see auditvm.c)\n");
	return 2;
}

int main(int argc, char **argv)
{
	static char text[OVC_AUDIT_TEXT_MAX + 1];
	const char *cmd;
	int i;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "exec-without-audit-write"))
		return argc >= 4 && !strcmp(argv[2], "--") ? exec_without_audit_write(argv + 3)
							   : usage();
	if (!strcmp(cmd, "listen"))
		return argc == 3 && atol(argv[2]) > 0 ? do_listen(atol(argv[2])) : usage();
	for (i = 2; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--listen"))
			opt_listen = true;
		else if (!strcmp(argv[i], "--no-cap"))
			opt_nocap = true;
		else if (!strcmp(argv[i], "--no-control"))
			opt_nocontrol = true;
		else if (!strcmp(argv[i], "--userns"))
			opt_userns = true;
		else if (!strcmp(argv[i], "--pidns"))
			opt_pidns = true;
		else if (!strcmp(argv[i], "--netns"))
			opt_netns = true;
		else if (!strcmp(argv[i], "--uid") && i + 1 < argc)
			opt_uid = strtol(argv[++i], NULL, 10);
		else
			return usage();
	}
	if (!strcmp(cmd, "send") && argc - i == 5) {
		struct mnl_socket *lis = opt_listen ? listener() : NULL;
		int rc;

		if (auditmsg_format(text, sizeof(text), argv[i], argv[i + 1], argv[i + 2],
				    argv[i + 3], !strcmp(argv[i + 4], "success")) < 0) {
			printf("setup_error auditmsg_format refused the record\n");
			return 2;
		}
		printf("text %s\n", text);
		rc = in_child(do_send, text);
		if (lis)
			await_record(lis, text);
		printf("rc %d\n", rc);
		return rc;
	}
	if (!strcmp(cmd, "rawsend") && argc - i == 1) {
		do_rawsend(argv[i]);
		return 0;
	}
	if (!strcmp(cmd, "enabled") && argc == i)
		return in_child(do_enabled, NULL);
	if (!strcmp(cmd, "set-enabled") && argc - i == 1)
		return set_enabled((unsigned)strtoul(argv[i], NULL, 10));
	return usage();
}
