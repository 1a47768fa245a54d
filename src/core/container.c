/* SPDX-License-Identifier: MIT */
/* container.c - environ, namespace links and mountinfo, parsed for container detection. */
#include <string.h>

#include "container.h"

static void copy_clean(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i;

	if (!outlen)
		return;
	if (n > outlen - 1)
		n = outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[n] = '\0';
}

int container_environ(const char *text, size_t len, char *out, size_t outlen)
{
	static const char key[] = "container=";
	size_t i = 0;

	while (i < len) {
		const char *e = memchr(text + i, '\0', len - i);
		size_t n = e ? (size_t)(e - (text + i)) : len - i;

		if (n >= sizeof(key) - 1 && !memcmp(text + i, key, sizeof(key) - 1)) {
			copy_clean(text + i + sizeof(key) - 1, n - (sizeof(key) - 1), out, outlen);
			return 1;
		}
		i += n + 1;
	}
	return 0;
}

int container_ns_inode(const char *text, size_t len, const char *type, uint64_t *ino)
{
	size_t tl = strlen(type), i;
	uint64_t v = 0;

	if (len < tl + 4 || memcmp(text, type, tl) || text[tl] != ':' || text[tl + 1] != '[' ||
	    text[len - 1] != ']')
		return -1;
	for (i = tl + 2; i < len - 1; i++) {
		if (text[i] < '0' || text[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(text[i] - '0');
	}
	if (i == tl + 2)
		return -1;
	*ino = v;
	return 0;
}

/* Does the escaped field f[0..n) spell s (mangle() of fs/proc_namespace.c undone)? */
static bool field_is(const char *f, size_t n, const char *s)
{
	size_t i = 0;

	while (i < n) {
		char c = f[i];

		if (c == '\\' && n - i >= 4 && f[i + 1] >= '0' && f[i + 1] <= '3' &&
		    f[i + 2] >= '0' && f[i + 2] <= '7' && f[i + 3] >= '0' && f[i + 3] <= '7') {
			c = (char)((f[i + 1] - '0') << 6 | (f[i + 2] - '0') << 3 | (f[i + 3] - '0'));
			i += 4;
		} else {
			i++;
		}
		if (!*s || *s != c)
			return false;
		s++;
	}
	return !*s;
}

int container_mount_fstype(const char *text, size_t len, const char *mountpoint,
			   char *fstype, size_t fslen)
{
	size_t i = 0;
	int found = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, p = i, f = 0;
		const char *mp = NULL, *ty = NULL;
		size_t mpn = 0, tyn = 0;
		bool dash = false;

		while (p < end) {
			size_t s;

			while (p < end && text[p] == ' ')
				p++;
			if (p >= end)
				break;
			s = p;
			while (p < end && text[p] != ' ')
				p++;
			if (f == 4) {
				mp = text + s;
				mpn = p - s;
			} else if (f >= 6 && !dash && p - s == 1 && text[s] == '-') {
				dash = true;
			} else if (dash && !ty) {
				ty = text + s;
				tyn = p - s;
			}
			f++;
		}
		if (mp && ty && field_is(mp, mpn, mountpoint)) {
			copy_clean(ty, tyn, fstype, fslen);
			found = 1;
		}
		i = end + 1;
	}
	return found;
}

void container_first_line(const char *text, size_t len, char *out, size_t outlen)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl ? (size_t)(nl - text) : len, s = 0;

	while (s < n && (text[s] == ' ' || text[s] == '\t'))
		s++;
	while (n > s && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r'))
		n--;
	copy_clean(text + s, n - s, out, outlen);
}
