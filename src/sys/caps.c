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
