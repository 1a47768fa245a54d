/* SPDX-License-Identifier: MIT */
/*
 * fsroot.h - the one seam between ovc and the filesystem: every /proc access is an
 * openat() relative to the --proc directory fd opened here (default "/proc").
 */
#ifndef OVC_FSROOT_H
#define OVC_FSROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/err.h"

#define FSROOT_DEFAULT_PROC "/proc"

/* Paths relative to the proc root. The only place they are spelled. */
#define PROC_MEMINFO        "meminfo"
#define PROC_ZONEINFO       "zoneinfo"
#define PROC_STAT           "stat"
#define PROC_OSRELEASE      "sys/kernel/osrelease"
#define PROC_VM_DIR         "sys/vm"
#define PROC_VM_MODE        "sys/vm/overcommit_memory"
#define PROC_VM_RATIO       "sys/vm/overcommit_ratio"
#define PROC_VM_KBYTES      "sys/vm/overcommit_kbytes"
#define PROC_VM_ADMIN       "sys/vm/admin_reserve_kbytes"
#define PROC_VM_USER        "sys/vm/user_reserve_kbytes"
#define PROC_SELF           "self"

struct fsroot {
	int proc_fd;          /* O_PATH|O_DIRECTORY */
	char proc_path[4096]; /* as given, for messages */
	int is_default;       /* a procfs mount: the running kernel, not a saved tree */
};

/* ENOENT, ENOTDIR, ELOOP, EXDEV -> OVC_E_INPUT; EACCES, EPERM -> OVC_E_PERM; else SYSTEM. */
enum ovc_ecode fsroot_errno_class(int e);

/*
 * Read an open file to its end into a malloc'ed, NUL-terminated buffer the caller frees;
 * a file over max bytes is an OVC_E_INPUT error "file is larger than MAX bytes; not KIND".
 * path is for messages.
 */
int fsroot_read_fd(int fd, size_t max, const char *kind, char **buf, size_t *len,
		   const char *path, struct ovc_err *err);

/*
 * openat(dirfd, rel) with links resolved inside dirfd (openat2 RESOLVE_IN_ROOT, no magic
 * links), O_CLOEXEC|O_NOCTTY|O_NONBLOCK added (a planted FIFO must not hang ovc). On a
 * kernel without openat2 (before 5.6) *contained turns false and plain openat is used.
 */
int fsroot_open_in(int dirfd, const char *rel, int flags, bool *contained);

/* Open the proc root. Fails with the path and errno. */
int fsroot_open(struct fsroot *fs, const char *proc_dir, struct ovc_err *err);
void fsroot_close(struct fsroot *fs);

/* "<proc_path>/<rel>" for messages, into buf. */
const char *fsroot_path(const struct fsroot *fs, const char *rel, char *buf, size_t len);

/*
 * Read the whole file rel (at most max bytes, else an OVC_E_INPUT "too large" error)
 * into a malloc'ed, NUL-terminated buffer the caller frees. The first read() is at
 * offset 0 with a buffer large enough for any /proc/sys value (ref §2).
 * ENOENT -> OVC_E_INPUT, EACCES/EPERM -> OVC_E_PERM, others OVC_E_SYSTEM.
 */
int fsroot_read(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		size_t *len, struct ovc_err *err);

/* Like fsroot_read, and *fstype = f_type of the file's filesystem (fstatfs on the fd). */
int fsroot_read_fstype(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		       size_t *len, long *fstype, struct ovc_err *err);

/* Like fsroot_read but a missing file is not an error: returns 1 and *buf = NULL. */
int fsroot_read_opt(const struct fsroot *fs, const char *rel, size_t max, char **buf,
		    size_t *len, struct ovc_err *err);

#endif
