/* SPDX-License-Identifier: MIT */
/* klog.c - /dev/kmsg (or a saved kernel log) read record by record, without blocking. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "klog.h"

/* devkmsg_read() refuses a buffer below the longest record (PRINTK_MESSAGE_MAX, 2048 in
 * 6.x; CONSOLE_EXT_LOG_MAX, 8192, before) with EINVAL: one page more than either */
#define RECORD_MAX 16384
#define FILE_LINE_MAX (1u << 20)

int klog_open(const struct fsroot *root, const char *file, struct klog *s, struct ovc_err *err)
{
	struct stat st;
	bool raised = false;
	int e;

	memset(s, 0, sizeof(*s));
	if (file) {
		snprintf(s->path, sizeof(s->path), "%s", file);
		s->fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	} else {
		fsroot_path(root, "dev/kmsg", s->path, sizeof(s->path));
		/* devkmsg_open() checks check_syslog_permissions() once, at open */
		if (caps_held(CAP_SYSLOG) && caps_raise(CAP_SYSLOG, NULL) == 0)
			raised = true;
		s->fd = fsroot_openat(root, "dev/kmsg", O_RDONLY);
		e = errno;
		if (raised)
			caps_lower(NULL);   /* the command drops what it kept once it is done */
		errno = e;
	}
	if (s->fd < 0) {
		e = errno;
		ovc_fail(err, ovc_errno_class(e), e, s->path, 0, "cannot open the kernel log");
		return e == EPERM || e == EACCES ? ovc_hint(err, OVC_H_KMSG_PERM) : -1;
	}
	if (fstat(s->fd, &st) < 0) {
		e = errno;
		close(s->fd);
		s->fd = -1;
		return ovc_fail(err, OVC_E_SYSTEM, e, s->path, 0, "cannot read the kernel log");
	}
	s->device = S_ISCHR(st.st_mode);
	s->cap = s->device ? RECORD_MAX : 65536;
	s->buf = malloc(s->cap + 1);
	if (!s->buf) {
		close(s->fd);
		s->fd = -1;
		return ovc_fail(err, OVC_E_SYSTEM, ENOMEM, s->path, 0, "cannot allocate memory");
	}
	return 0;
}

static int next_record(struct klog *s, bool wait, const char **line, size_t *len,
		       struct ovc_err *err)
{
	for (;;) {
		ssize_t r = read(s->fd, s->buf, s->cap);

		if (r > 0) {
			s->buf[r] = '\0';
			*line = s->buf;
			*len = (size_t)r;
			return 0;
		}
		if (r == 0)
			return 1;
		if (errno == EPIPE) {   /* overwritten since the last read: it skips to the oldest */
			s->lost = true;
			continue;
		}
		if (errno == EINTR)
			return 1;
		if (errno == EAGAIN) {
			struct pollfd p = { .fd = s->fd, .events = POLLIN };

			if (!wait)
				return 1;
			if (poll(&p, 1, -1) < 0)
				return 1;   /* EINTR: a signal ends the wait */
			continue;
		}
		return ovc_fail(err, ovc_errno_class(errno), errno, s->path, 0,
				"cannot read the kernel log");
	}
}

static int next_line(struct klog *s, const char **line, size_t *len, struct ovc_err *err)
{
	for (;;) {
		char *nl = memchr(s->buf + s->off, '\n', s->len - s->off);
		ssize_t r;

		if (nl) {
			*line = s->buf + s->off;
			*len = (size_t)(nl - *line);
			s->off += *len + 1;
			return 0;
		}
		if (s->off) {   /* keep the unfinished line at the start */
			memmove(s->buf, s->buf + s->off, s->len - s->off);
			s->len -= s->off;
			s->off = 0;
		}
		if (s->len == s->cap) {   /* a line longer than the buffer: grow it */
			char *nb;

			if (s->cap >= FILE_LINE_MAX)
				return ovc_fail(err, OVC_E_INPUT, 0, s->path, 0,
						"a line longer than %u bytes: not a kernel log",
						FILE_LINE_MAX);
			nb = realloc(s->buf, s->cap * 2 + 1);
			if (!nb)
				return ovc_fail(err, OVC_E_SYSTEM, ENOMEM, s->path, 0,
						"cannot allocate memory");
			s->buf = nb;
			s->cap *= 2;
		}
		r = read(s->fd, s->buf + s->len, s->cap - s->len);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return ovc_fail(err, ovc_errno_class(errno), errno, s->path, 0,
					"cannot read the kernel log");
		}
		if (r == 0) {
			if (!s->len)
				return 1;
			*line = s->buf;   /* a last line without a newline */
			*len = s->len;
			s->off = s->len;
			return 0;
		}
		s->len += (size_t)r;
	}
}

int klog_next(struct klog *s, bool wait, const char **line, size_t *len, struct ovc_err *err)
{
	return s->device ? next_record(s, wait, line, len, err) : next_line(s, line, len, err);
}

int klog_read_all(struct klog *s, struct kmsg_log *log, struct ovc_err *err)
{
	const char *line;
	size_t len;
	int r;

	while ((r = klog_next(s, false, &line, &len, err)) == 0)
		if (kmsg_log_feed(log, line, len) < 0)
			return ovc_fail(err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot allocate memory");
	return r < 0 ? -1 : 0;
}

void klog_close(struct klog *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
}
