/* SPDX-License-Identifier: MIT */
/*
 * export.h - a profile (ovc-profile(5)) as the configuration of another tool, for sites
 * that keep their own: a sysctl.d file, a TuneD profile, a cloud-init snippet, or an
 * Ansible task list using ansible.posix.sysctl. Pure: the text is built in a buffer;
 * the CLI finds the profile, reads the host's figures and prints.
 *
 * What is exported is the profile's request (profile_request): the keys the profile
 * sets, and only those, so that a host-independent profile exports the same bytes on
 * every host; a key the profile does not set is left to the target host. The values are
 * written in the order of ovc's own drop-in (core/dropin.h): for mode 2 the limit first,
 * otherwise the mode first. A host-relative limit (kbytes = P% ram, a commit_limit that
 * is no ratio) is exported as the number computed from the figures given, and a comment
 * names those figures and where they came from.
 *
 * Every free text of the profile (description, reason, sources, the limit as written)
 * appears only after export_clean: well-formed UTF-8 without control characters and
 * without the code points YAML takes for line breaks (U+0085, U+2028, U+2029), so that
 * a description cannot end a comment or a string early in any of the formats. In YAML
 * it is a double-quoted scalar ('\' and '"' escaped); in TuneD's summary, which its
 * parser cuts at a '#' after a blank (an inline comment), that blank is dropped.
 *
 * The text does not start with the drop-in's marker ("# Managed by ovc(8).") and carries
 * no "# profile:" line: a copy at the drop-in's path is a foreign file to ovc.
 */
#ifndef OVC_EXPORT_H
#define OVC_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "plan.h"
#include "profile.h"

#define EXPORT_TEXT_MAX 32768
/*
 * The sysctl.d file the cloud-init and Ansible exports write: "98-" sorts after the
 * files distributions and packages ship, and before Debian's 99-sysctl.conf (the link to
 * /etc/sysctl.conf) and ovc's own 99-zz-ovc.conf, which thus still win over it.
 */
#define EXPORT_FILE_DEFAULT "/etc/sysctl.d/98-overcommit.conf"
#define EXPORT_FILE_MAX 256

enum export_format {
	EXPORT_SYSCTL,       /* a sysctl.d(5) file */
	EXPORT_TUNED,        /* a TuneD tuned.conf: [main] summary, [sysctl] */
	EXPORT_CLOUD_INIT,   /* #cloud-config: write_files, and bootcmd for the first boot */
	EXPORT_ANSIBLE,      /* a task list: ansible.posix.sysctl, one task per key */
};

/* "sysctl", "tuned", "cloud-init", "ansible": false for anything else. */
bool export_format_parse(const char *s, enum export_format *f);
const char *export_format_name(enum export_format f);

/* Does the format name a sysctl.d file (cloud-init, ansible)? */
bool export_format_has_file(enum export_format f);

/*
 * Is path usable as that file: absolute, at most EXPORT_FILE_MAX - 1 bytes of
 * [A-Za-z0-9._+@/-], no empty, "." or ".." component, ending in ".conf" (sysctl.d reads
 * only those). false with *why otherwise.
 */
bool export_file_ok(const char *path, const char **why);

/*
 * "--for-host mem=SIZE,swap=SIZE[,hugetlb=SIZE]" (any order; sizes as in units.h, in
 * bytes unless a unit is given, rounded down to kB). mem and swap are required, hugetlb
 * is 0 when not given, a key given twice is an error. -1 with *why.
 */
int export_parse_host(const char *spec, struct profile_host *h, const char **why);

/*
 * Copy s into out (size n, always terminated, cut at a character boundary): printable
 * ASCII and well-formed UTF-8 are kept, a tab becomes a blank, any other byte (control
 * characters, C1 controls, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF, malformed
 * sequences) becomes '?'.
 */
void export_clean(const char *s, char *out, size_t n);

struct export_in {
	enum export_format format;
	const struct profile *profile;   /* resolved (profile_resolve) */
	struct profile_host host;        /* the figures for a host-relative profile */
	const char *host_from;           /* where they come from, for the comment ("given
					    with --for-host", "/proc/meminfo of this host") */
	const char *file;                /* cloud-init, ansible: the sysctl.d file; NULL:
					    EXPORT_FILE_DEFAULT */
};

struct export_out {
	struct plan_request rq;          /* what the profile asks for with these figures */
	bool host_relative;              /* the figures were used */
	size_t len;                      /* of the text */
};

/*
 * The text of in->profile in in->format, into buf (size len, terminated). -1 with err:
 * OVC_E_INPUT when the profile's limit cannot be computed for the figures (as
 * profile_request) or the text does not fit, OVC_E_USAGE for a file that is not
 * export_file_ok.
 */
int export_render(const struct export_in *in, char *buf, size_t len, struct export_out *out,
		  struct ovc_err *err);

#endif
