/* SPDX-License-Identifier: MIT */
/*
 * klog.h - reads the kernel log: the live /dev/kmsg (one record a read, without blocking,
 * or waiting for new ones) or a saved copy (cat /dev/kmsg, dmesg, dmesg --raw).
 */
#ifndef OVC_KLOG_H
#define OVC_KLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/err.h"
#include "../core/kmsg.h"
#include "fsroot.h"

struct klog {
	int fd;
	bool device;        /* /dev/kmsg: a record a read; else a file read line by line */
	bool lost;          /* a read said EPIPE: records were overwritten while reading */
	char path[512];
	char *buf;          /* line buffer of a file */
	size_t len, off, cap;
};

/*
 * Open the kernel log: file (a saved copy, a path as the user gave it) or, without one,
 * <root>/dev/kmsg. EPERM/EACCES is OVC_E_PERM with the hint naming CAP_SYSLOG and
 * kernel.dmesg_restrict; CAP_SYSLOG is raised around the open when held.
 */
int klog_open(const struct fsroot *root, const char *file, struct klog *s,
	      struct ovc_err *err);

/*
 * The next line or record into *line (valid until the next call). 0, 1 at the end of
 * what is there now, -1 on error. With wait (a device only), blocks until a record comes
 * or a signal interrupts it (then 1).
 */
int klog_next(struct klog *s, bool wait, const char **line, size_t *len,
	      struct ovc_err *err);

/*
 * Every record there is now into log (kmsg_log_feed), without waiting. 0, or -1 with err
 * (a read error, or out of memory).
 */
int klog_read_all(struct klog *s, struct kmsg_log *log, struct ovc_err *err);

void klog_close(struct klog *s);

#endif
