/* SPDX-License-Identifier: MIT */
/* ctrfs.c - container and namespace signals, read through the --proc and --root seams. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/container.h"
#include "../core/proctext.h"
#include "ctrfs.h"

#define CTR_FILE_MAX (1u << 20)   /* an environ is at most ARG_MAX-ish; more is not one */

const char *ctr_signal_name(unsigned bit)
{
	switch (bit) {
	case CTR_PID1_ENV:     return "pid1_environ";
	case CTR_RUN_SYSTEMD:  return "run_systemd_container";
	case CTR_CONTAINERENV: return "containerenv";
	case CTR_DOCKERENV:    return "dockerenv";
	case CTR_CGROUP_NS:    return "cgroup_namespace";
	case CTR_USER_NS:      return "user_namespace";
	}
	return "unknown";
}

/* Read rel (optional): 0 with the text, 1 missing, -1 unreadable. */
static int read_text(const struct fsroot *fs, const char *rel, char **buf, size_t *len)
{
	struct ovc_err err = { 0 };
	int r = fsroot_read_opt(fs, rel, CTR_FILE_MAX, buf, len, &err);

	return r < 0 ? -1 : r;
}

static void detect_cgroup_ns(const struct fsroot *proc, struct ctr_info *ci)
{
	char link[128];
	ssize_t n;
	int dfd = fsroot_openat(proc, "self/ns", O_RDONLY | O_DIRECTORY);

	if (dfd < 0)
		return;
	/* the live link reads "cgroup:[INODE]" (fs/nsfs.c ns_get_name); a saved tree keeps
	 * it as a symbolic link with the same text */
	n = readlinkat(dfd, "cgroup", link, sizeof(link) - 1);
	close(dfd);
	if (n <= 0)
		return;
	if (container_ns_inode(link, (size_t)n, "cgroup", &ci->cgroup_ns_ino) < 0)
		return;
	ci->cgroup_ns = ci->cgroup_ns_ino != CONTAINER_CGROUP_INIT_INO;
	if (ci->cgroup_ns)
		ci->signals |= CTR_CGROUP_NS;
}

void ctrfs_detect(const struct fsroot *proc, const struct fsroot *root, bool same_system,
		  struct ctr_info *ci)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(ci, 0, sizeof(*ci));
	ci->cgroup_ns = ci->user_ns = -1;
	/* PID 1's environment: readable by its owner (root) only (proc_pid_environ) */
	r = read_text(proc, "1/environ", &buf, &len);
	if (r == 0 && container_environ(buf, len, ci->manager, sizeof(ci->manager)))
		ci->signals |= CTR_PID1_ENV;
	ci->pid1_unreadable = r < 0;
	free(buf);
	buf = NULL;
	detect_cgroup_ns(proc, ci);
	if (read_text(proc, "self/uid_map", &buf, &len) == 0) {
		ci->user_ns = !proctext_uid_map_is_initial(buf, len);
		if (ci->user_ns)
			ci->signals |= CTR_USER_NS;
	}
	free(buf);
	buf = NULL;
	if (same_system && root) {
		ci->root_read = true;
		if (read_text(root, "run/systemd/container", &buf, &len) == 0) {
			ci->signals |= CTR_RUN_SYSTEMD;
			if (!ci->manager[0])
				container_first_line(buf, len, ci->manager, sizeof(ci->manager));
		}
		free(buf);
		buf = NULL;
		if (fsroot_has(root, "run/.containerenv", S_IFREG)) {
			ci->signals |= CTR_CONTAINERENV;
			if (!ci->manager[0])
				strcpy(ci->manager, "podman");
		}
		if (fsroot_has(root, ".dockerenv", S_IFREG)) {
			ci->signals |= CTR_DOCKERENV;
			if (!ci->manager[0])
				strcpy(ci->manager, "docker");
		}
	}
	ci->in_container = ci->signals & (CTR_PID1_ENV | CTR_RUN_SYSTEMD | CTR_CONTAINERENV |
					  CTR_DOCKERENV);
}
