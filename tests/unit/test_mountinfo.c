/* SPDX-License-Identifier: MIT */
/* test_mountinfo.c - core/mountinfo: show_mountinfo's lines split, unescaped, compared. */
#include "../../src/core/mountinfo.h"
#include "tap.h"

#define S(x) x, sizeof(x) - 1

/* f as a C string (escaped, as it stands in the line) */
static const char *raw(struct mi_str f)
{
	static char b[256];

	snprintf(b, sizeof(b), "%.*s", (int)f.n, f.s);
	return b;
}

static const char *unesc(struct mi_str f)
{
	static char b[256];

	mountinfo_unescape(f, b, sizeof(b));
	return b;
}

static void test_fields(void)
{
	static const char full[] = "36 35 98:0 /mnt1 /mnt2 rw,noatime shared:4 master:1 - ext3 /dev/root rw,errors=continue";
	static const char plain[] = "26 22 0:24 / /run rw,nosuid - tmpfs tmpfs rw,size=2468376k";
	struct mountinfo m;

	TAP_OK(mountinfo_parse(S(full), &m), "a kernel line");
	TAP_U64(m.major, 98, "major");
	TAP_U64(m.minor, 0, "minor");
	TAP_STR(raw(m.root), "/mnt1", "root");
	TAP_STR(raw(m.mountpoint), "/mnt2", "mount point");
	TAP_STR(raw(m.options), "rw,noatime", "mount options");
	TAP_STR(raw(m.optional), "shared:4 master:1", "the optional fields, both");
	TAP_STR(raw(m.fstype), "ext3", "fstype");
	TAP_STR(raw(m.source), "/dev/root", "source");
	TAP_STR(raw(m.super_opts), "rw,errors=continue", "super options");
	TAP_OK(mountinfo_parse(S(plain), &m) && m.optional.n == 0 && m.minor == 24,
	       "no optional field");
	TAP_STR(raw(m.fstype), "tmpfs", "its fstype");
	TAP_OK(mountinfo_parse(S("1 2 0:3 / /o rw shared:1 propagate_from:2 unbindable - overlay overlay rw"), &m) &&
	       !strcmp(raw(m.optional), "shared:1 propagate_from:2 unbindable") && !strcmp(raw(m.fstype), "overlay"),
	       "three optional fields, the last untagged");
	TAP_OK(mountinfo_parse(S("  1 2  0:3 /  /mnt rw   - tmpfs t rw"), &m) &&
	       !strcmp(raw(m.mountpoint), "/mnt") && !strcmp(raw(m.options), "rw"),
	       "runs of spaces before ' - ' are one separator");
	TAP_OK(mountinfo_parse(S("1 2 0:3 / /a-b rw - tmpfs a-b rw"), &m) && !strcmp(raw(m.mountpoint), "/a-b") &&
	       !strcmp(raw(m.source), "a-b"), "a '-' inside a field is no separator");
	TAP_OK(mountinfo_parse(S("1 2 0:3 / /x rw - fuse.lxcfs lxcfs rw,user_id=0"), &m) &&
	       !strcmp(raw(m.fstype), "fuse.lxcfs"), "fstype with its subtype");
	TAP_OK(mountinfo_parse(S("1 2 0:3 / /x rw - tmpfs  rw,size=1k"), &m) && m.source.n == 0 &&
	       !strcmp(raw(m.super_opts), "rw,size=1k"), "an empty source (a mount of \"\")");
	TAP_OK(mountinfo_parse(S("1 2 0:3 / /x rw - tmpfs t rw extra"), &m) &&
	       !strcmp(raw(m.super_opts), "rw"), "super options end at a space");
	TAP_OK(mountinfo_parse(S("1 2 4294967295:1048575 / /x rw - tmpfs t rw"), &m) &&
	       m.major == 4294967295u && m.minor == 1048575, "MAJ:MIN up to 32 bits");
}

static void test_malformed(void)
{
	static const char good[] = "26 22 0:24 / /run rw shared:4 - tmpfs tmpfs rw";
	const size_t super_at = sizeof(good) - 1 - 2;   /* where "rw" of the super options starts */
	struct mountinfo m;
	size_t n, bad = 0;

	TAP_OK(!mountinfo_parse(S("26 22 0:24 / /run rw shared:4 tmpfs tmpfs rw"), &m), "no ' - ' separator");
	TAP_OK(!mountinfo_parse(S("26 22 0:24 / /run rw shared:4 -tmpfs tmpfs rw"), &m), "'-' glued to fstype");
	TAP_OK(!mountinfo_parse(S("26 22 0:24 / /run - tmpfs tmpfs rw"), &m), "no mount options: five fields before '-'");
	TAP_OK(!mountinfo_parse(S(""), &m), "an empty line");
	TAP_OK(!mountinfo_parse(S("26 22 0-24 / /run rw - tmpfs tmpfs rw"), &m), "MAJ-MIN");
	TAP_OK(!mountinfo_parse(S("26 22 0: / /run rw - tmpfs tmpfs rw"), &m), "no minor");
	TAP_OK(!mountinfo_parse(S("26 22 :24 / /run rw - tmpfs tmpfs rw"), &m), "no major");
	TAP_OK(!mountinfo_parse(S("26 22 0:24x / /run rw - tmpfs tmpfs rw"), &m), "text after the minor");
	TAP_OK(!mountinfo_parse(S("26 22 4294967296:0 / /run rw - tmpfs tmpfs rw"), &m), "a major over 32 bits");
	TAP_OK(!mountinfo_parse(S("26 22 0:24 / /run rw - tmpfs tmpfs "), &m), "empty super options");
	TAP_OK(mountinfo_parse(S("26 22 0:24 / /run rw -  tmpfs src rw"), &m) &&
	       !strcmp(raw(m.fstype), "tmpfs") && !strcmp(raw(m.source), "src"),
	       "spaces before the fstype are skipped (it is never empty)");
	TAP_OK(!mountinfo_parse(S("26 22 0:24 / /run rw - tmpfs src"), &m), "no super options");
	TAP_OK(!mountinfo_parse(S("26 22 0:24 / /run rw - tmpfs"), &m), "no source");
	/* a line cut anywhere before its super options is malformed; inside them it is not */
	for (n = 0; n < sizeof(good) - 1; n++)
		bad += mountinfo_parse(good, n, &m) != (n > super_at);
	TAP_U64(bad, 0, "a truncated line: malformed at each cut before the super options");
	TAP_OK(mountinfo_parse(good, super_at + 1, &m) && !strcmp(raw(m.super_opts), "r"),
	       "cut inside the super options: what is there");
}

static void test_escapes(void)
{
	struct mountinfo m;
	char b[8];

	TAP_OK(mountinfo_parse(S("1 2 0:3 /a\\040b /run\\011x\\012y\\134z rw - tmpfs my\\040src rw"), &m),
	       "escaped fields");
	TAP_STR(raw(m.root), "/a\\040b", "fields point into the line, escaped");
	TAP_STR(unesc(m.root), "/a b", "\\040 is a space");
	TAP_STR(unesc(m.mountpoint), "/run\tx\ny\\z", "\\011 tab, \\012 newline, \\134 backslash");
	TAP_STR(unesc(m.source), "my src", "the source too");
	TAP_OK(mountinfo_parse(S("26 44 0:24 / /run\\0\x91x rw - tmpfs tmpfs rw"), &m) &&
	       !strcmp(unesc(m.mountpoint), "/run\\0\x91x"),
	       "a backslash without three octal digits is kept as it is [fuzz]");
	TAP_STR(unesc((struct mi_str){ S("\\400\\8") }), "\\400\\8", "\\4xx and \\8 are no escapes");
	TAP_STR(unesc((struct mi_str){ S("/a\\04") }), "/a\\04", "an escape cut by the field's end");
	TAP_STR(unesc((struct mi_str){ S("/a\\") }), "/a\\", "a final backslash");
	TAP_STR(unesc((struct mi_str){ S("\\101\\102") }), "AB", "two escapes in a row");
	TAP_OK(mountinfo_unescape((struct mi_str){ S("/abcdef") }, b, sizeof(b)) && !strcmp(b, "/abcdef"),
	       "unescape: exactly fits");
	TAP_OK(!mountinfo_unescape((struct mi_str){ S("/abcdefg") }, b, sizeof(b)) && !strcmp(b, "/abcdef"),
	       "unescape: one too long, cut and false");
	TAP_OK(mountinfo_unescape((struct mi_str){ S("/a\\040b\\040c") }, b, sizeof(b)) && !strcmp(b, "/a b c"),
	       "unescape: escapes take one byte of room");
	TAP_OK(!mountinfo_unescape((struct mi_str){ S("/a\\000b") }, b, sizeof(b)) && !strcmp(b, "/a"),
	       "unescape: \\000 is refused");
	TAP_OK(!mountinfo_unescape((struct mi_str){ "/a\0b", 4 }, b, sizeof(b)), "unescape: a NUL byte is refused");
	TAP_OK(!mountinfo_unescape((struct mi_str){ S("/") }, b, 0), "unescape: no room at all");
	TAP_OK(mountinfo_field_is((struct mi_str){ S("/mnt/a\\040b") }, "/mnt/a b"), "field_is: escaped");
	TAP_OK(!mountinfo_field_is((struct mi_str){ S("/mnt/a\\040b") }, "/mnt/a\\040b"), "field_is: unescaped first");
	TAP_OK(!mountinfo_field_is((struct mi_str){ S("/mnt/a") }, "/mnt/ab"), "field_is: a prefix is not it");
	TAP_OK(!mountinfo_field_is((struct mi_str){ S("/mnt/ab") }, "/mnt/a"), "field_is: nor a longer field");
	TAP_OK(!mountinfo_field_is((struct mi_str){ S("/a\\000") }, "/a"), "field_is: never with a NUL");
	TAP_OK(mountinfo_field_is((struct mi_str){ S("/a\\0x") }, "/a\\0x"), "field_is: a kept backslash");
}

void test_mountinfo_parse(void)
{
	test_fields();
	test_malformed();
	test_escapes();
}
