/* SPDX-License-Identifier: MIT */
/*
 * audit.h - sends ovc's audit record to the kernel over NETLINK_AUDIT with libmnl, and
 * asks whether auditing is enabled (a module loaded on first use, see the end). The only netlink user in ovc; it never formats the
 * record (core/auditmsg) and never touches capabilities (the caller does, see below).
 *
 * Kernel semantics (Linux 6.1, kernel/audit.c; checked in tests/vm/audit):
 *   - No CONFIG_AUDIT, or booted with audit=0: audit_init() returns before it registers
 *     the per-netns NETLINK_AUDIT kernel socket, so socket() fails EPROTONOSUPPORT
 *     (netlink_create, net/netlink/af_netlink.c).
 *   - Not in the initial user namespace (a rootless or userns container):
 *     audit_netlink_ok() answers ECONNREFUSED to every message, on purpose ("tricks
 *     userspace into thinking that audit was not configured").
 *   - Without CAP_AUDIT_WRITE in the init user namespace: audit_netlink_ok() answers
 *     EPERM to a user message (types 1100..1199, 2100..2999).
 *   - A non-initial pid or network namespace does NOT stop a user message: the record is
 *     logged with the global pid (every netns has its own audit kernel socket,
 *     audit_net_init). AUDIT_GET, however, is refused EPERM outside the initial pid
 *     namespace, and needs CAP_AUDIT_CONTROL.
 *   - Auditing disabled (audit_enabled == 0: no audit= on the command line and no auditd
 *     has enabled it, or AUDIT_SET enabled=0): audit_receive_msg() returns 0 for a user
 *     message before logging it, and audit_receive() still ACKs 0. The record is silently
 *     dropped, so an ACK alone does not prove it was logged: ask audit_enabled().
 *   - Enabled: the record is queued for kauditd before the ACK; kauditd hands it to
 *     auditd, or else to printk ("audit: type=1111 ...", rate-limited) and to
 *     AUDIT_NLGRP_READLOG listeners. The ACK means "accepted and queued", not "on disk":
 *     a user filter rule (AUDIT_FILTER_USER/EXCLUDE), the rate limit or a full backlog
 *     can still drop it, as for every audit client. With the backlog over its limit the
 *     kernel makes the sender sleep in sendto() up to audit_backlog_wait_time (60 s).
 *
 * Capabilities: the caller raises CAP_AUDIT_WRITE to effective around audit_send() (and
 * CAP_AUDIT_CONTROL around audit_enabled()), then drops it. netlink_capable() checks the
 * sender's effective set when the message is sent; the socket opener's credentials are
 * not checked because mnl_socket_sendto() passes a destination address (NETLINK_SKB_DST
 * in __netlink_ns_capable), so the capability only has to be up during the call.
 */
#ifndef OVC_AUDIT_H
#define OVC_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/auditmsg.h"
#include "../core/err.h"

/*
 * Frame text as one netlink message in buf (len bytes, caller-owned): a struct nlmsghdr
 * (mnl_nlmsg_put_header) with nlmsg_type type, NLM_F_REQUEST|NLM_F_ACK, nlmsg_seq seq,
 * nlmsg_pid 0 (the kernel fills the sender's port), then text with its NUL, zero-padded
 * to 4 bytes; nlmsg_len covers the padding. Returns the message length, or 0 if it does
 * not fit in len. No socket, no allocation.
 */
size_t audit_build(void *buf, size_t len, uint16_t type, uint32_t seq, const char *text);

enum audit_result {
	AUDIT_DELIVERED,    /* the kernel ACKed the record (see "disabled" above) */
	AUDIT_UNAVAILABLE,  /* no audit here: no kernel support, a user-namespace container,
			       or no CAP_AUDIT_WRITE (EACCES from an LSM too); err says which */
	AUDIT_FAILED,       /* anything else: a socket error, no ACK within 5 s, ... */
};

/*
 * Send text (from auditmsg_format) as one OVC_AUDIT_USYS_CONFIG record and wait for the
 * kernel's ACK (mnl_cb_run checks seq and port id). Opens and closes its own socket.
 * On AUDIT_UNAVAILABLE and AUDIT_FAILED, err (if not NULL) holds OVC_E_AUDIT, the errno
 * (EPROTONOSUPPORT, ECONNREFUSED, EPERM, EACCES; ETIMEDOUT for no answer) and a reason.
 * A text longer than OVC_AUDIT_TEXT_MAX is AUDIT_FAILED (EMSGSIZE): the kernel would cut it.
 */
enum audit_result audit_send(const char *text, struct ovc_err *err);

/*
 * Ask the kernel (AUDIT_GET) whether auditing is on. Returns struct audit_status.enabled:
 * 0 disabled (records are dropped), 1 enabled, 2 enabled and locked; or -1 with err when
 * it cannot tell: EPROTONOSUPPORT (no audit), ECONNREFUSED (user namespace), EPERM (no
 * CAP_AUDIT_CONTROL, or not in the initial pid namespace, where audit_send may still
 * work), or an error after 5 s without an answer.
 */
int audit_enabled(struct ovc_err *err);

/*
 * The module. audit.c (and libmnl with it) is built as a separate shared object,
 * OVC_AUDIT_MODULE (PKGLIBDIR/audit.so), that ovc loads on the first audit_send or
 * audit_enabled (sys/audit_dl.c): the commands that never audit do not load or bind
 * libmnl at start. The module exports one symbol, AUDIT_MODULE_SYMBOL; the rest of it
 * is hidden. The package's dependency on libmnl comes from the module's DT_NEEDED.
 */
#define AUDIT_MODULE_SYMBOL "ovc_audit_module"

struct audit_module {
	const char *version;   /* OVC_VERSION of the build: the module must be ovc's own */
	enum audit_result (*send)(const char *text, struct ovc_err *err);
	int (*enabled)(struct ovc_err *err);
};

#endif
