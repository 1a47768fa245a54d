/* SPDX-License-Identifier: MIT */
/*
 * audit.c - the change's audit records: one USYS_CONFIG record per key that changes
 * (sys/audit sends it), the precheck that learns whether a record can be logged at all,
 * and the status the result reports.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/capability.h>

#include "../core/auditmsg.h"
#include "../sys/audit.h"
#include "../sys/caps.h"
#include "internal.h"

void change_audit_record(struct change *c, bool live, const char *op, const char *key,
			 const char *old, const char *new, bool ok)
{
	struct change_audit *a = &c->res->audit;
	struct ovc_err err = { 0 };
	char text[512];
	enum audit_result r;

	if (a->mode == AUD_OFF || !live || a->skip)
		return;
	a->sent++;
	if (auditmsg_format(text, sizeof(text), op, key, old, new, ok) < 0) {
		ovc_fail(&err, OVC_E_AUDIT, EMSGSIZE, NULL, 0, "the audit record does not fit");
		r = AUDIT_FAILED;
	} else if (caps_raise(CAP_AUDIT_WRITE, &err) < 0) {
		ovc_fail(&err, OVC_E_AUDIT, EPERM, NULL, 0,
			 "no audit record: CAP_AUDIT_WRITE is not held");
		r = AUDIT_UNAVAILABLE;
	} else {
		r = audit_send(text, &err);
		caps_lower(NULL);
	}
	if (r == AUDIT_DELIVERED) {
		a->delivered++;
		return;
	}
	if (r == AUDIT_UNAVAILABLE)
		a->unavailable = true;
	else
		a->failed = true;
	if (!a->why.msg[0])
		a->why = err;
}

void change_audit_write(struct change *c, const char *op, const struct plan_write *w,
			const char *old, bool ok)
{
	change_audit_record(c, c->res->audit.runtime_live, op, knob_name(w->key), old,
			    w->value, ok);
}

/* A key's value in a drop-in, or "none" when the file or the line is not there. */
static const char *info_value(const struct dropin_info *d, bool present, enum knob k,
			      char *buf, size_t len)
{
	if (!present || !(k == KNOB_MODE ? d->mode_set : k == KNOB_RATIO ? d->ratio_set
									    : d->kbytes_set))
		return "none";
	knob_format(&d->policy, k, buf, len);
	return buf;
}

void change_audit_file(struct change *c, const char *op, const struct dropin_info *from,
		       bool from_present, const struct dropin_info *to, bool to_present, bool ok)
{
	char a[32], b[32];
	int k;

	for (k = 0; k < KNOB_COUNT; k++) {
		const char *o = info_value(from, from_present, k, a, sizeof(a));
		const char *n = info_value(to, to_present, k, b, sizeof(b));

		if (strcmp(o, n))
			change_audit_record(c, c->res->audit.file_live, op, knob_name(k), o, n, ok);
	}
}

/*
 * Before writing, learn whether a record can be logged at all. Auditing switched off
 * still ACKs records and drops them (sys/audit.h), so the kernel is asked (AUDIT_GET,
 * with CAP_AUDIT_CONTROL raised for the call). --audit=auto then sends nothing where
 * nothing can be logged and says why; --audit=on refuses to change anything. When the
 * kernel will not say (not the initial pid namespace), every send must be ACKed instead.
 */
int change_audit_precheck(struct change *c, struct ovc_err *err)
{
	struct change_audit *a = &c->res->audit;
	struct ovc_err why = { 0 };

	if (a->mode == AUD_OFF || (!a->runtime_live && !a->file_live))
		return 0;
	if (caps_raise(CAP_AUDIT_WRITE, NULL) < 0) {
		ovc_fail(&why, OVC_E_AUDIT, EPERM, NULL, 0,
			 "no audit record can be sent: CAP_AUDIT_WRITE is not held");
		a->enabled = -1;
	} else {
		caps_lower(NULL);
		if (caps_raise(CAP_AUDIT_CONTROL, NULL) < 0) {
			a->enabled = -1;   /* cannot ask; the ACKs will have to do */
		} else {
			a->enabled = audit_enabled(&why);
			caps_lower(NULL);
			if (a->enabled < 0 && why.errnum == EPROTONOSUPPORT)
				ovc_fail(&why, OVC_E_AUDIT, EPROTONOSUPPORT, NULL, 0,
					 "the kernel has no audit support (CONFIG_AUDIT off, or booted with audit=0)");
			else if (a->enabled < 0 && why.errnum == ECONNREFUSED)
				ovc_fail(&why, OVC_E_AUDIT, ECONNREFUSED, NULL, 0,
					 "audit is not available inside a user namespace (a container): the host records its own changes");
			else if (a->enabled < 0)
				why.msg[0] = '\0';   /* unknown (EPERM): not a reason to stop */
			else if (a->enabled == 0)
				ovc_fail(&why, OVC_E_AUDIT, 0, NULL, 0,
					 "auditing is disabled in the kernel: records would be acknowledged and dropped");
		}
	}
	if (!why.msg[0])
		return 0;
	a->skip = true;
	a->why = why;
	if (a->mode == AUD_ON) {
		*err = why;
		snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
			 "; --audit=on: nothing was written");
		return -1;
	}
	return 0;
}
