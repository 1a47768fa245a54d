/* SPDX-License-Identifier: MIT */
/* caps.c - libcap wrappers; the only file that links against libcap. */
#include <errno.h>
#include <sys/capability.h>

#include "caps.h"

int caps_drop_all(struct ovc_err *err)
{
	cap_t none = cap_init();   /* every flag clear */
	int r;

	if (!none)
		return ovc_fail(err, OVC_E_SYSTEM, errno, NULL, 0, "cannot allocate a capability set");
	r = cap_set_proc(none);
	if (r < 0) {
		int e = errno;

		cap_free(none);
		return ovc_fail(err, OVC_E_SYSTEM, e, NULL, 0, "cannot drop capabilities");
	}
	cap_free(none);
	return 0;
}

int caps_pid_sys_admin(pid_t pid, bool *has, struct ovc_err *err)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t c = cap_get_pid(pid);

	if (!c) {
		int e = errno;

		return ovc_fail(err, e == ESRCH ? OVC_E_INPUT : OVC_E_SYSTEM, e, NULL, 0,
				"cannot read the capabilities of process %d", (int)pid);
	}
	if (cap_get_flag(c, CAP_SYS_ADMIN, CAP_EFFECTIVE, &v) < 0) {
		int e = errno;

		cap_free(c);
		return ovc_fail(err, OVC_E_SYSTEM, e, NULL, 0, "cannot read CAP_SYS_ADMIN");
	}
	cap_free(c);
	*has = v == CAP_SET;
	return 0;
}

static bool permitted(cap_value_t cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t c = cap_get_proc();

	if (c) {
		cap_get_flag(c, cap, CAP_PERMITTED, &v);
		cap_free(c);
	}
	return v == CAP_SET;
}

/* permitted = those of keep[] still held; effective = raise (if kept) */
static int narrow(const cap_value_t *keep, int n, int raise, struct ovc_err *err,
		  const char *what)
{
	cap_value_t held[2];
	cap_t c = cap_init();
	int i, k = 0, r = 0;

	if (!c)
		return ovc_fail(err, OVC_E_SYSTEM, errno, NULL, 0, "cannot allocate a capability set");
	for (i = 0; i < n && k < 2; i++)
		if (permitted(keep[i]))
			held[k++] = keep[i];
	if (k)
		r = cap_set_flag(c, CAP_PERMITTED, k, held, CAP_SET);
	for (i = 0; r == 0 && i < k; i++)
		if (held[i] == raise)
			r = cap_set_flag(c, CAP_EFFECTIVE, 1, &held[i], CAP_SET);
	if (r == 0)
		r = cap_set_proc(c);
	if (r < 0) {
		int e = errno;

		cap_free(c);
		return ovc_fail(err, OVC_E_SYSTEM, e, NULL, 0, "%s", what);
	}
	cap_free(c);
	return 0;
}

static cap_value_t kept[2];
static int nkept;

int caps_keep_audit(bool audit_write, bool audit_control, struct ovc_err *err)
{
	nkept = 0;
	if (audit_write)
		kept[nkept++] = CAP_AUDIT_WRITE;
	if (audit_control)
		kept[nkept++] = CAP_AUDIT_CONTROL;
	return narrow(kept, nkept, -1, err, "cannot drop capabilities");
}

int caps_keep_one(int cap, struct ovc_err *err)
{
	return caps_keep_two(cap, -1, err);
}

int caps_keep_two(int cap, int cap2, struct ovc_err *err)
{
	nkept = 0;
	kept[nkept++] = (cap_value_t)cap;
	if (cap2 >= 0)
		kept[nkept++] = (cap_value_t)cap2;
	return narrow(kept, nkept, -1, err, "cannot drop capabilities");
}

bool caps_held(int cap)
{
	return permitted((cap_value_t)cap);
}

int caps_raise(int cap, struct ovc_err *err)
{
	if (!permitted((cap_value_t)cap))
		return ovc_fail(err, OVC_E_PERM, EPERM, NULL, 0, "%s is not held",
				cap == CAP_AUDIT_WRITE ? "CAP_AUDIT_WRITE"
				: cap == CAP_SYSLOG ? "CAP_SYSLOG"
				: cap == CAP_SYS_PTRACE ? "CAP_SYS_PTRACE" : "CAP_AUDIT_CONTROL");
	return narrow(kept, nkept, cap, err, "cannot raise a capability");
}

int caps_lower(struct ovc_err *err)
{
	return narrow(kept, nkept, -1, err, "cannot lower capabilities");
}
