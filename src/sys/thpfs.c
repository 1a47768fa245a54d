/* SPDX-License-Identifier: MIT */
/* thpfs.c - reads transparent_hugepage/{enabled,defrag,hpage_pmd_size,khugepaged/...}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/proctext.h"
#include "thpfs.h"

#define THP_FILE_MAX 4096u   /* a sysfs attribute is at most a page (sysfs_emit) */

/* The file's text, or NULL when it is missing or unreadable. */
static char *read_attr(const struct fsroot *root, const char *name, size_t *len)
{
	char rel[160], *buf = NULL;
	struct ovc_err err = { 0 };

	snprintf(rel, sizeof(rel), THP_SYS_DIR "/%s", name);
	if (fsroot_read_opt(root, rel, THP_FILE_MAX, &buf, len, &err) != 0)
		return NULL;
	return buf;
}

static bool read_ulong(const struct fsroot *root, const char *name, uint64_t *v)
{
	size_t len;
	char *t = read_attr(root, name, &len);
	struct ovc_err err = { 0 };
	int r;

	if (!t)
		return false;
	r = proctext_ulong(t, len, NULL, v, &err);
	free(t);
	return r == 0;
}

void thpfs_read(const struct fsroot *root, struct thp_settings *s)
{
	size_t len;
	char *t, name[64];

	memset(s, 0, sizeof(*s));
	s->enabled = s->pmd_enabled = s->defrag = -1;
	if ((t = read_attr(root, "enabled", &len))) {
		s->enabled = thp_parse_enabled(t, len, false);
		s->known = s->enabled >= 0;
		free(t);
	}
	if ((t = read_attr(root, "defrag", &len))) {
		s->defrag = thp_parse_defrag(t, len);
		free(t);
	}
	s->has_max_ptes_none = read_ulong(root, "khugepaged/max_ptes_none", &s->max_ptes_none);
	/* HPAGE_PMD_SIZE in bytes (hpage_pmd_size_show); a power of two or nothing */
	if (!read_ulong(root, "hpage_pmd_size", &s->hpage_bytes) || s->hpage_bytes < 8192 ||
	    (s->hpage_bytes & (s->hpage_bytes - 1)))
		s->hpage_bytes = 0;
	/* 6.8+: the PMD size has its own control, "inherit" by default */
	if (s->hpage_bytes) {
		snprintf(name, sizeof(name), "hugepages-%llukB/enabled",
			 (unsigned long long)(s->hpage_bytes / 1024));
		if ((t = read_attr(root, name, &len))) {
			s->pmd_enabled = thp_parse_enabled(t, len, true);
			free(t);
		}
	}
}
