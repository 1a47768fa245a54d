/* SPDX-License-Identifier: MIT */
/* test_thp.c - core/thp and core/container: sysfs choices, NumPy's rule, costs, parsers. */
#include "../../src/core/container.h"
#include "../../src/core/thp.h"
#include "tap.h"

#define S(x) x, sizeof(x) - 1

static void test_thp_choice(void)
{
	TAP_I64(thp_parse_enabled(S("always [madvise] never\n"), false), THP_MADVISE, "enabled madvise");
	TAP_I64(thp_parse_enabled(S("[always] madvise never\n"), false), THP_ALWAYS, "enabled always");
	TAP_I64(thp_parse_enabled(S("always madvise [never]"), false), THP_NEVER, "enabled never, no newline");
	TAP_I64(thp_parse_enabled(S("always [inherit] madvise never\n"), true), THP_INHERIT, "per-size inherit");
	TAP_I64(thp_parse_enabled(S("always [inherit] madvise never\n"), false), -1, "inherit not top-level");
	TAP_I64(thp_parse_enabled(S("always madvise never\n"), false), -1, "no choice");
	TAP_I64(thp_parse_enabled(S("[always] [madvise] never\n"), false), -1, "two choices");
	TAP_I64(thp_parse_enabled(S("always [madvise never\n"), false), -1, "open bracket");
	TAP_I64(thp_parse_enabled(S("always [sometimes] never\n"), false), -1, "unknown word");
	TAP_I64(thp_parse_enabled(S("always [madvise]x never\n"), false), -1, "text after ]");
	TAP_I64(thp_parse_enabled(S("always [madvise] never\n\n"), false), -1, "two newlines");
	TAP_I64(thp_parse_defrag(S("always defer defer+madvise [madvise] never\n")), THP_DEFRAG_MADVISE, "defrag madvise");
	TAP_I64(thp_parse_defrag(S("always defer [defer+madvise] madvise never\n")), THP_DEFRAG_DEFER_MADVISE, "defrag defer+madvise");
	TAP_STR(thp_defrag_name(THP_DEFRAG_DEFER_MADVISE), "defer+madvise", "defrag name");
}

static void test_thp_effective(void)
{
	struct thp_settings s = { .known = true, .enabled = THP_MADVISE, .pmd_enabled = -1 };

	TAP_I64(thp_effective(&s), THP_MADVISE, "top-level without per-size");
	s.pmd_enabled = THP_INHERIT;
	TAP_I64(thp_effective(&s), THP_MADVISE, "per-size inherit: top-level");
	s.pmd_enabled = THP_NEVER;
	TAP_I64(thp_effective(&s), THP_NEVER, "per-size never wins");
	s.known = false;
	s.pmd_enabled = -1;
	TAP_I64(thp_effective(&s), -1, "unknown");
	TAP_U64(thp_hpage_bytes(&s, 4096), 2u << 20, "512 x 4 KiB when unknown");
	TAP_U64(thp_hpage_bytes(&s, 65536), 512u << 20, "64 KiB pages: 512 MiB PMD");
}

static void test_thp_numpy(void)
{
	struct model_kver k61 = { 6, 1, 0 }, k45 = { 4, 5, 0 }, k46 = { 4, 6, 0 };
	uint64_t mib4 = 4u << 20;

	TAP_I64(numpy_env_parse(NULL), NPENV_UNSET, "env unset");
	TAP_I64(numpy_env_parse("0"), NPENV_OFF, "env 0");
	TAP_I64(numpy_env_parse(" -0 "), NPENV_OFF, "env -0 with blanks");
	TAP_I64(numpy_env_parse("1"), NPENV_ON, "env 1");
	TAP_I64(numpy_env_parse("1_0"), NPENV_ON, "env 1_0 (Python int)");
	TAP_I64(numpy_env_parse("1__0"), NPENV_INVALID, "env 1__0");
	TAP_I64(numpy_env_parse(""), NPENV_INVALID, "env empty: int('') fails");
	TAP_I64(numpy_env_parse("yes"), NPENV_INVALID, "env yes");
	TAP_I64(numpy_madvise(mib4, false, NPENV_UNSET, k61, 0), NPM_YES, "4 MiB madvised");
	TAP_I64(numpy_madvise(mib4 - 1, false, NPENV_UNSET, k61, 0), NPM_SMALL, "4 MiB - 1 not");
	TAP_I64(numpy_madvise(mib4, false, NPENV_OFF, k61, 0), NPM_ENV_OFF, "env 0");
	TAP_I64(numpy_madvise(mib4, false, NPENV_UNSET, k45, 0), NPM_OLD_KERNEL, "4.5 kernel");
	TAP_I64(numpy_madvise(mib4, false, NPENV_UNSET, k46, 0), NPM_YES, "4.6 kernel");
	TAP_I64(numpy_madvise(mib4, false, NPENV_ON, k45, 0), NPM_YES, "env 1 on 4.5");
	TAP_I64(numpy_madvise(mib4, true, NPENV_UNSET, k61, 124), NPM_CALLOC_OLD, "np.zeros on 1.24");
	TAP_I64(numpy_madvise(mib4, true, NPENV_UNSET, k61, 202), NPM_YES, "np.zeros on 2.2");
	TAP_I64(numpy_madvise(mib4, true, NPENV_UNSET, k61, 0), NPM_YES, "np.zeros, version unknown: worst case");
	TAP_I64(numpy_madvise(mib4, false, NPENV_UNSET, k61, 124), NPM_YES, "np.empty on 1.24");
	TAP_U64(thp_applies(THP_ALWAYS, false), 1, "always applies without madvise");
	TAP_U64(thp_applies(THP_MADVISE, false), 0, "madvise needs madvise");
	TAP_U64(thp_applies(THP_MADVISE, true), 1, "madvise with madvise");
	TAP_U64(thp_applies(THP_NEVER, true), 0, "never");
	TAP_U64(thp_applies(-1, true), 0, "unknown");
}

static void test_thp_cost(void)
{
	struct thp_settings s = { .known = true, .enabled = THP_MADVISE, .pmd_enabled = -1,
				  .has_max_ptes_none = true, .max_ptes_none = 511,
				  .hpage_bytes = 2u << 20 };
	struct thp_cost c;
	uint64_t gib = 1u << 30;

	thp_sparse_cost(gib, 8, true, 100, 4096, &s, true, &c);
	TAP_U64(c.worst_kb, 100 * 2048, "100 float64: 100 x 2 MiB");
	TAP_U64(c.plain_kb, 400, "100 float64 without THP: 100 x 4 KiB");
	TAP_U64(c.regions, 512, "1 GiB spans 512 regions");
	TAP_U64(c.elems_for_full, 512, "512 elements reach the whole array");
	TAP_U64(c.factor, 512, "factor 512");
	TAP_U64(c.collapse_min_pages, 1, "max_ptes_none 511: one page collapses");
	thp_sparse_cost(gib, 8, true, 1000, 4096, &s, true, &c);
	TAP_U64(c.worst_kb, gib / 1024, "capped at the array");
	thp_sparse_cost(gib, 8, true, 1000, 4096, &s, false, &c);
	TAP_U64(c.worst_kb, 4000, "no THP: pages only");
	thp_sparse_cost(gib, 40, true, 10, 4096, &s, true, &c);
	TAP_U64(c.worst_kb, 10 * 2 * 2048, "a 40-byte item may straddle two regions");
	TAP_U64(c.plain_kb, 10 * 2 * 4, "and two pages");
	s.max_ptes_none = 64;
	thp_sparse_cost(gib, 8, false, 0, 4096, &s, true, &c);
	TAP_U64(c.collapse_min_pages, 448, "max_ptes_none 64: 448 pages");
	TAP_U64(c.worst_kb, 0, "no --touched: no worst figure");
	thp_sparse_cost(UINT64_MAX / 2, 1, true, UINT64_MAX / 4, 4096, &s, true, &c);
	TAP_U64(c.worst_kb <= c.array_kb, 1, "saturating: never above the array");
	thp_sparse_cost(3u << 20, 1, false, 0, 4096, &s, true, &c);
	TAP_U64(c.regions, 2, "3 MiB spans 2 regions");
}

static void test_thp_container(void)
{
	static const char env[] = "PATH=/bin\0container=lxc\0TERM=linux";
	static const char mi[] =
		"22 1 0:21 / /proc rw - proc proc rw\n"
		"30 22 0:52 /proc/meminfo /proc/meminfo rw shared:25 - fuse.lxcfs lxcfs rw\n"
		"31 22 0:53 / /proc/meminfo rw - tmpfs none rw\n"
		"40 1 0:60 / /mnt/a\\040b rw - ext4 /dev/sda1 rw\n"
		"41 1 0:61 / /broken rw no-dash-here\n";
	char out[64];
	uint64_t ino = 0;

	TAP_I64(container_environ(env, sizeof(env) - 1, out, sizeof(out)), 1, "container= found");
	TAP_STR(out, "lxc", "its value");
	TAP_I64(container_environ(S("PATH=/bin\0xcontainer=no"), out, sizeof(out)), 0, "only at a variable's start");
	TAP_I64(container_ns_inode(S("cgroup:[4026531835]"), "cgroup", &ino), 0, "ns link parsed");
	TAP_U64(ino, CONTAINER_CGROUP_INIT_INO, "the initial cgroup namespace");
	TAP_I64(container_ns_inode(S("net:[4026531835]"), "cgroup", &ino), -1, "another type");
	TAP_I64(container_ns_inode(S("cgroup:[]"), "cgroup", &ino), -1, "no number");
	TAP_I64(container_ns_inode(S("cgroup:[99999999999999999999]"), "cgroup", &ino), -1, "overflow");
	TAP_I64(container_mount_fstype(S(mi), "/proc/meminfo", out, sizeof(out)), 1, "meminfo mount");
	TAP_STR(out, "tmpfs", "the last mount on it wins");
	TAP_I64(container_mount_fstype(mi, 120, "/proc/meminfo", out, sizeof(out)), 1, "first lines only");
	TAP_STR(out, "fuse.lxcfs", "fuse.lxcfs");
	TAP_I64(container_mount_fstype(S(mi), "/mnt/a b", out, sizeof(out)), 1, "octal escape");
	TAP_STR(out, "ext4", "escaped mount point's type");
	TAP_I64(container_mount_fstype(S(mi), "/broken", out, sizeof(out)), 0, "no separator: skipped");
	container_first_line(S("  podman \nrest"), out, sizeof(out));
	TAP_STR(out, "podman", "first line trimmed");
}

void test_thp(void)
{
	test_thp_choice();
	test_thp_effective();
	test_thp_numpy();
	test_thp_cost();
	test_thp_container();
}
