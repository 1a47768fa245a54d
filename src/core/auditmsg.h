/* SPDX-License-Identifier: MIT */
/*
 * auditmsg.h - the text of the audit record ovc sends for every change it applies.
 * Pure: formats into caller-owned memory; never opens a socket (that is sys/audit).
 *
 * Record text (the kernel wraps it as msg='...' after its own pid= uid= auid= ses=):
 *
 *     op=set key="vm.overcommit_ratio" old=50 new=80 res=success
 *
 * Encoding, as the kernel (audit_log_n_untrustedstring, kernel/audit.c) and
 * audit-userspace (audit_encode_nv_string, lib/audit_logging.c) encode untrusted text:
 *   op        a bare token if it is [A-Za-z0-9_.:-]+ (not ending in ':', which auparse
 *             strips), otherwise encoded as below.
 *   key       always encoded: "value" in double quotes, or upper-case hex of its bytes,
 *             unquoted, when it holds '"', a byte < 0x21 or > 0x7e (space, control) or,
 *             stricter than audit, a single quote (the kernel's msg='...' delimiter).
 *             NULL gives key=(null), as the kernel writes a record without a rule key.
 *   old, new  bare when a decimal integer (-?[0-9]+; the audit field dictionary lists
 *             old/new as numeric, and the kernel's CONFIG_CHANGE records write old=0),
 *             otherwise encoded as key. NULL gives old=? (unknown), as libaudit writes.
 *   res       success or failed (libaudit's words).
 * An empty string is "" (auparse drops a field whose value is empty).
 * A space, a quote or a control byte always turns a value into hex, so no value can add
 * a field, close the kernel's msg='...' or change res.
 *
 * Caveat for readers: "key" is also audit's rule-key field (ausearch -k, auparse
 * splits an unquoted hex key at byte 0x01 into several keys). A key holding 0x01 is
 * therefore refused.
 */
#ifndef OVC_AUDITMSG_H
#define OVC_AUDITMSG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Message type "User space system config change". Not in the kernel's uapi
 * linux/audit.h (Debian 12 has none); audit-userspace defines AUDIT_USYS_CONFIG 1111 in
 * lib/libaudit.h up to v3.1 and in lib/audit-records.h since v4.0 (commit feb4cbd2,
 * 2023); its message dictionary (linux-audit/audit-documentation,
 * specs/messages/message-dictionary.csv) lists "AUDIT_USYS_CONFIG,1111". It lies in
 * AUDIT_FIRST_USER_MSG..AUDIT_LAST_USER_MSG (1100..1199), which the kernel accepts from
 * a sender with CAP_AUDIT_WRITE (audit_netlink_ok, kernel/audit.c).
 */
#define OVC_AUDIT_USYS_CONFIG 1111

/*
 * The kernel prints at most this many bytes of a user message (" msg='%.*s'" with
 * AUDIT_MESSAGE_TEXT_MAX, include/uapi/linux/audit.h, 8560 since 2.6.x) and drops the
 * rest silently, which could cut res= off. auditmsg_format never makes a longer text.
 */
#define OVC_AUDIT_TEXT_MAX 8560

/* libaudit's AUDIT_KEY_SEPARATOR: auparse splits a key at this byte. */
#define OVC_AUDIT_KEY_SEPARATOR 0x01

/*
 * Format the record text into buf (len bytes, NUL included). Any argument may be NULL
 * (see above). Returns 0, or -1 if the text does not fit in len bytes or would exceed
 * OVC_AUDIT_TEXT_MAX, or if key contains OVC_AUDIT_KEY_SEPARATOR; on -1, buf holds ""
 * (when len > 0).
 */
int auditmsg_format(char *buf, size_t len, const char *op, const char *key,
		    const char *old_value, const char *new_value, bool success);

#endif
