/* SPDX-License-Identifier: MIT */
/*
 * container.h - the text of the files that tell a container (or a cgroup namespace) from
 * the host, parsed without I/O: a process's environ, a namespace link, mountinfo.
 *
 * The signals follow systemd's detect_container() (src/basic/virt.c): the "container="
 * variable of PID 1's environment (set by systemd-nspawn, LXC, podman; systemd copies it
 * to /run/systemd/container), /run/.containerenv (podman) and /.dockerenv (docker). The
 * cgroup namespace is the kernel's own answer: the inode of /proc/self/ns/cgroup is
 * PROC_CGROUP_INIT_INO (include/linux/proc_ns.h) only in the initial cgroup namespace
 * (init_cgroup_ns, kernel/cgroup/cgroup.c), and the link reads "cgroup:[INODE]"
 * (ns_get_name, fs/nsfs.c).
 */
#ifndef OVC_CONTAINER_H
#define OVC_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTAINER_CGROUP_INIT_INO 0xEFFFFFFBu   /* PROC_CGROUP_INIT_INO */

/*
 * The value of "container=" in a NUL-separated environment block (/proc/PID/environ):
 * 1 and the value (truncated to len - 1, control bytes as '?') in out; 0 when absent.
 */
int container_environ(const char *text, size_t len, char *out, size_t outlen);

/*
 * A namespace link's text "TYPE:[INODE]" (readlink of /proc/PID/ns/TYPE): 0 and *ino, or
 * -1 when it is not of that type or form.
 */
int container_ns_inode(const char *text, size_t len, const char *type, uint64_t *ino);

/*
 * The file system type of the mount at mountpoint in a mountinfo text
 * (show_mountinfo, fs/proc_namespace.c: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS", ROOT and MOUNTPOINT with ' ', '\t', '\n'
 * and '\\' as octal escapes): the last such line wins (a later mount covers an earlier
 * one). 1 and the type (truncated to len - 1) in fstype; 0 when no line names it.
 * Malformed lines (mountinfo_parse, core/mountinfo.h) are skipped.
 */
int container_mount_fstype(const char *text, size_t len, const char *mountpoint,
			   char *fstype, size_t fslen);

/*
 * The first line of a small text file (/run/systemd/container, a manager's name): up to
 * outlen - 1 bytes, control bytes as '?', blanks trimmed.
 */
void container_first_line(const char *text, size_t len, char *out, size_t outlen);

#endif
