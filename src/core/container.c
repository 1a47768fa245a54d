/* SPDX-License-Identifier: MIT */
/* container.c - environ, namespace links and mountinfo, parsed for container detection. */
#include <string.h>

#include "container.h"
#include "mountinfo.h"

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

int container_mount_fstype(const char *text, size_t len, const char *mountpoint,
			   char *fstype, size_t fslen)
{
	size_t i = 0;
	int found = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct mountinfo m;

		if (mountinfo_parse(text + i, end - i, &m) &&
		    mountinfo_field_is(m.mountpoint, mountpoint)) {
			copy_clean(m.fstype.s, m.fstype.n, fstype, fslen);
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
