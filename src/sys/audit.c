/* SPDX-License-Identifier: MIT */
/*
 * audit.c - NETLINK_AUDIT through libmnl: frame, send, wait for the kernel's answer.
 * Never formats the record (core/auditmsg) and never changes capabilities (the caller).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>

#include "audit.h"

#define ANSWER_TIMEOUT_S 5

/* Room for the longest record the kernel prints whole, framed. */
#define MSG_LEN (MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(OVC_AUDIT_TEXT_MAX + 1))

size_t audit_build(void *buf, size_t len, uint16_t type, uint32_t seq, const char *text)
{
	size_t n = strlen(text) + 1;
	struct nlmsghdr *nlh;
	char *payload;

	if (n > OVC_AUDIT_TEXT_MAX + 1 || len < MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(n))
		return 0;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	payload = mnl_nlmsg_put_extra_header(nlh, MNL_ALIGN(n));   /* zeroed, padding too */
	memcpy(payload, text, n);
	return nlh->nlmsg_len;
}

/* What audit_send and audit_enabled say about an errno, from socket() or the answer. */
static enum audit_result fail(struct ovc_err *err, int e, const char *what,
			      const char *eperm_reason)
{
	switch (e) {
	case EPROTONOSUPPORT:
		ovc_fail(err, OVC_E_AUDIT, e, NULL, 0,
			 "%s: the kernel has no audit support (CONFIG_AUDIT off, or booted with audit=0)",
			 what);
		return AUDIT_UNAVAILABLE;
	case ECONNREFUSED:
		ovc_fail(err, OVC_E_AUDIT, e, NULL, 0,
			 "%s: not in the initial user namespace (a container), where the kernel refuses audit",
			 what);
		return AUDIT_UNAVAILABLE;
	case EPERM:
		ovc_fail(err, OVC_E_AUDIT, e, NULL, 0, "%s: %s", what, eperm_reason);
		return AUDIT_UNAVAILABLE;
	case EACCES:
		ovc_fail(err, OVC_E_AUDIT, e, NULL, 0, "%s: denied by a security module", what);
		return AUDIT_UNAVAILABLE;
	case EAGAIN:
		ovc_fail(err, OVC_E_AUDIT, ETIMEDOUT, NULL, 0,
			 "%s: no answer from the kernel within %d s", what, ANSWER_TIMEOUT_S);
		return AUDIT_FAILED;
	default:
		ovc_fail(err, OVC_E_AUDIT, e, NULL, 0, "%s", what);
		return AUDIT_FAILED;
	}
}

static struct mnl_socket *open_socket(uint32_t *portid)
{
	struct timeval tv = { .tv_sec = ANSWER_TIMEOUT_S };
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_AUDIT, SOCK_CLOEXEC);
	int one = 1;

	if (!nl)
		return NULL;
	/* An error ACK without the echoed request (Linux >= 4.3; harmless if refused). */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl);
		errno = e;
		return NULL;
	}
	*portid = mnl_socket_get_portid(nl);
	return nl;
}

/*
 * Send msg and read answers until cb (or the ACK) says stop. Returns 0, or -1 with errno:
 * the kernel's error from NLMSG_ERROR, EAGAIN after the timeout, ESRCH/EPROTO from
 * mnl_cb_run for an answer to someone else.
 */
static int transact(struct mnl_socket *nl, const void *msg, size_t n, uint32_t seq,
		    uint32_t portid, mnl_cb_t cb, void *data)
{
	char buf[MSG_LEN] __attribute__((aligned(NLMSG_ALIGNTO)));
	int ret = MNL_CB_OK;

	if (mnl_socket_sendto(nl, msg, n) < 0)
		return -1;
	do {
		ssize_t r = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		ret = mnl_cb_run(buf, (size_t)r, seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret == MNL_CB_STOP ? 0 : -1;
}

enum audit_result audit_send(const char *text, struct ovc_err *err)
{
	static const char what[] = "cannot send the audit record";
	char msg[MSG_LEN] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint32_t seq = (uint32_t)time(NULL), portid = 0;
	struct mnl_socket *nl;
	size_t n;
	int r, e;

	n = audit_build(msg, sizeof(msg), OVC_AUDIT_USYS_CONFIG, seq, text);
	if (!n) {
		ovc_fail(err, OVC_E_AUDIT, EMSGSIZE, NULL, 0,
			 "%s: the text is longer than the kernel logs (%d bytes)", what,
			 OVC_AUDIT_TEXT_MAX);
		return AUDIT_FAILED;
	}
	nl = open_socket(&portid);
	if (!nl)   /* socket() needs no capability: EPERM here is seccomp or an LSM */
		return fail(err, errno, what, "the audit socket is denied by a security policy");
	r = transact(nl, msg, n, seq, portid, NULL, NULL);
	e = errno;
	mnl_socket_close(nl);
	if (r < 0)
		return fail(err, e, what, "CAP_AUDIT_WRITE is not in the effective set");
	return AUDIT_DELIVERED;
}

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	size_t need = offsetof(struct audit_status, enabled) + sizeof(__u32);
	const struct audit_status *s = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != AUDIT_GET)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < need) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	*(int *)data = (int)s->enabled;
	return MNL_CB_STOP;
}

int audit_enabled(struct ovc_err *err)
{
	static const char what[] = "cannot read the audit status";
	char msg[MNL_NLMSG_HDRLEN] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint32_t seq = (uint32_t)time(NULL), portid = 0;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	int r, e, enabled = -1;

	nl = open_socket(&portid);
	if (!nl) {
		fail(err, errno, what, "the audit socket is denied by a security policy");
		return -1;
	}
	/*
	 * No NLM_F_ACK: audit_receive() would ACK before the status, which
	 * audit_send_reply() sends from a kernel thread once the audit mutex is free.
	 * An error still comes back as NLMSG_ERROR.
	 */
	nlh = mnl_nlmsg_put_header(msg);
	nlh->nlmsg_type = AUDIT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	r = transact(nl, msg, nlh->nlmsg_len, seq, portid, status_cb, &enabled);
	e = errno;
	mnl_socket_close(nl);
	if (r < 0 || enabled < 0) {
		fail(err, r < 0 ? e : EBADMSG, what,
		     "CAP_AUDIT_CONTROL is not in the effective set, or this is not the initial pid namespace");
		return -1;
	}
	return enabled;
}

#ifdef OVC_AUDIT_MODULE_BUILD
/* The module's one exported symbol (built with -fvisibility=hidden; see audit.h). */
__attribute__((visibility("default"))) extern const struct audit_module ovc_audit_module;
const struct audit_module ovc_audit_module = {
	.version = OVC_VERSION,
	.send = audit_send,
	.enabled = audit_enabled,
};
#endif
