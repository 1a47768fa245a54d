/* SPDX-License-Identifier: MIT */
/*
 * cgroupfs.h - finds a memory cgroup (the caller's, a process's, or a directory given)
 * and reads its files and its ancestors' through the --proc and --root seams, for
 * core/cgroup's room. Reads only; never writes a cgroup file.
 *
 * The memory controller's mount comes from <proc>/self/mountinfo: a cgroup v1 mount with
 * the "memory" super option if there is one (a hybrid host mounts cgroup2 beside it
 * without the memory controller), else the cgroup2 mount. A process's cgroup comes from
 * <proc>/PID/cgroup (cgroup(7); kernel/cgroup/cgroup.c proc_cgroup_show): the memory
 * controller's line on v1, "0::PATH" on v2. The files are read under the root seam
 * (--root, default /): mount point + cgroup path less the mount's own root.
 */
#ifndef OVC_CGROUPFS_H
#define OVC_CGROUPFS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/cgroup.h"
#include "fsroot.h"

struct cgroupfs_where {
	enum cg_version version;
	char cgroup[1024];      /* the cgroup's path in its hierarchy ("/kubepods/pod1") */
	char mountpoint[512];   /* where that hierarchy is mounted ("/sys/fs/cgroup") */
	char mount_root[512];   /* the mount's root in the hierarchy (mountinfo field 4) */
	char dir[1600];         /* the cgroup's directory ("/sys/fs/cgroup/kubepods/pod1") */
};

/*
 * The cgroup of process rel_pid ("self" or a decimal PID) under proc. 0 found; 1 none,
 * with the reason (lowercase, no period) in why: no memory controller mounted, no
 * <proc>/PID/cgroup (a saved tree), a cgroup outside the mount (another cgroup
 * namespace). -1 on an error worth reporting (a file that cannot be read).
 */
int cgroupfs_locate(const struct fsroot *proc, const char *rel_pid, struct cgroupfs_where *w,
		    char *why, size_t whylen, struct ovc_err *err);

/*
 * A cgroup given as a directory (--cgroup PATH): an absolute path under the memory
 * controller's mount point ("/sys/fs/cgroup/kubepods/pod1"; the cgroup path alone,
 * "/kubepods/pod1", is not accepted: it would be ambiguous with a directory of that
 * name). Refused as OVC_E_USAGE, naming the path and why: not absolute, a "." or ".."
 * component, outside the mount point, missing, not a directory (a FIFO, a file), a
 * symbolic link loop or any other open error, or (on the running system) not on a
 * cgroup file system. Without a cgroup mount in <proc>/self/mountinfo, /sys/fs/cgroup
 * is assumed, v2 if it holds cgroup.controllers, else v1 at /sys/fs/cgroup/memory.
 */
int cgroupfs_locate_path(const struct fsroot *proc, const struct fsroot *root,
			 const char *path, struct cgroupfs_where *w, struct ovc_err *err);

/*
 * Read w's cgroup and each ancestor up to the mount point (v2: memory.max, .current,
 * .high, .swap.max, .swap.current, .stat; v1: memory.limit_in_bytes, .usage_in_bytes,
 * .memsw.limit_in_bytes, .memsw.usage_in_bytes, .stat) under root. A file that is absent
 * is recorded as absent (a level without the memory controller, no swap accounting); a
 * malformed one is OVC_E_INPUT naming path and line; the cgroup's own directory missing
 * is OVC_E_INPUT.
 */
int cgroupfs_read(const struct fsroot *root, const struct cgroupfs_where *w,
		  uint64_t page_size, struct cg_path *p, struct ovc_err *err);

#endif
