/* SPDX-License-Identifier: MIT */
/*
 * mountinfo.h - one /proc/PID/mountinfo line split into its fields, without I/O or
 * allocation: the fields point into the line, still escaped as the kernel wrote them.
 *
 * The format is show_mountinfo's (fs/proc_namespace.c):
 *   "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"
 * ROOT, MOUNTPOINT, FSTYPE and SOURCE pass through mangle() / seq_path_root(), which write
 * ' ', '\t', '\n' and '\\' as a backslash and three octal digits (seq_escape, fs/seq_file.c).
 */
#ifndef OVC_MOUNTINFO_H
#define OVC_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

/* A field as it stands in the line: n bytes at s (escaped; not NUL-terminated). */
struct mi_str {
	const char *s;
	size_t n;
};

struct mountinfo {
	unsigned major, minor;      /* MAJ:MIN, the super block's s_dev */
	struct mi_str root;         /* field 4: the mount's root inside its file system */
	struct mi_str mountpoint;   /* field 5 */
	struct mi_str options;      /* field 6: the per-mount options ("rw,nosuid") */
	struct mi_str optional;     /* the tagged fields ("shared:4 master:1"), n == 0 if none */
	struct mi_str fstype;       /* after " - "; "fuse.lxcfs" keeps its subtype */
	struct mi_str source;       /* may be empty: a mount made with "" as its device */
	struct mi_str super_opts;   /* the super block's options ("rw,size=1024k") */
};

/*
 * Split one line (without its newline) into m. Fields are separated by spaces (runs of
 * them before " - " are taken as one); after the "-" field come FSTYPE, then exactly one
 * space, SOURCE (empty when the mount's device name was ""), one space and SUPEROPTIONS
 * up to the next space. false for a malformed line: fewer than six fields before the
 * "-" field, no "-" field, MAJ:MIN not two decimal numbers of 32 bits, an empty FSTYPE or
 * SUPEROPTIONS, or a line cut before SUPEROPTIONS. ID and PARENT are not read.
 */
bool mountinfo_parse(const char *line, size_t len, struct mountinfo *m);

/*
 * f unescaped into out (cap bytes, NUL-terminated when cap > 0): a backslash and three
 * octal digits, the first 0-3, become that byte; any other backslash is kept as it is
 * (mangle() writes no other). Stops at cap - 1 bytes. false when f did not fit or holds
 * a NUL byte (written or escaped as \000), so that out is not the whole field.
 */
bool mountinfo_unescape(struct mi_str f, char *out, size_t cap);

/* Does f, unescaped as by mountinfo_unescape, spell s exactly? Never with a NUL in f. */
bool mountinfo_field_is(struct mi_str f, const char *s);

#endif
