/* SPDX-License-Identifier: MIT */
/*
 * audit_dl.c - audit_send and audit_enabled for ovc itself: they load ovc's audit module
 * (OVC_AUDIT_MODULE, sys/audit.c with libmnl) on first use and call it, so a command
 * that never audits does not load libmnl. The path is absolute and compiled in (never
 * taken from the environment: ovc runs as root); the module must come from the same
 * ovc version. A module that cannot be loaded is an audit that cannot be done
 * (ELIBACC): --audit=auto says so and goes on, --audit=on refuses (exit 8).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "audit.h"

#ifndef OVC_AUDIT_MODULE
#define OVC_AUDIT_MODULE "/usr/local/lib/ovc/audit.so"
#endif

static const struct audit_module *load(struct ovc_err *err)
{
	static const struct audit_module *mod;
	const struct audit_module *m;
	const char *why;
	void *h;

	if (mod)
		return mod;
	h = dlopen(OVC_AUDIT_MODULE, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		if (why && !strncmp(why, OVC_AUDIT_MODULE ": ", strlen(OVC_AUDIT_MODULE) + 2))
			why += strlen(OVC_AUDIT_MODULE) + 2;   /* the message names it */
		ovc_fail(err, OVC_E_AUDIT, ELIBACC, NULL, 0,
			 "cannot load ovc's audit module " OVC_AUDIT_MODULE " (%s; reinstall ovc)",
			 why ? why : "unknown error");
		return NULL;
	}
	m = dlsym(h, AUDIT_MODULE_SYMBOL);
	if (!m || !m->version || strcmp(m->version, OVC_VERSION) || !m->send || !m->enabled) {
		ovc_fail(err, OVC_E_AUDIT, ELIBACC, NULL, 0,
			 "cannot load ovc's audit module " OVC_AUDIT_MODULE
			 " (it is not the module of ovc " OVC_VERSION "; reinstall ovc)");
		dlclose(h);
		return NULL;
	}
	mod = m;   /* kept loaded until exit */
	return mod;
}

enum audit_result audit_send(const char *text, struct ovc_err *err)
{
	const struct audit_module *m = load(err);

	return m ? m->send(text, err) : AUDIT_UNAVAILABLE;
}

int audit_enabled(struct ovc_err *err)
{
	const struct audit_module *m = load(err);

	return m ? m->enabled(err) : -1;
}
