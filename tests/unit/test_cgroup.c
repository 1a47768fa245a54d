/* SPDX-License-Identifier: MIT */
/*
 * test_cgroup.c - the memory cgroup parsers (v2 and v1 files as mm/memcontrol.c prints
 * them), the room along a path (try_charge_memcg, page_counter_try_charge, the swap
 * counters), mountinfo's cgroup lines, and the touch verdict (core/touch).
 */
#include <stdint.h>
#include <string.h>

#include "../../src/core/cgroup.h"
#include "../../src/core/touch.h"
#include "tap.h"

#define GIB (1024ull * 1024 * 1024)
#define MIB (1024ull * 1024)

static void test_parsers(void)
{
	struct ovc_err err = { 0 };
	struct cg_stat st;
	uint64_t v = 0;
	static const char v2stat[] =
		"anon 536870912\nfile 805306368\nkernel 1000\nshmem 268435456\n"
		"file_mapped 4096\nfile_dirty 8192\nfile_writeback 0\n"
		"inactive_anon 1\nactive_anon 2\ninactive_file 268435456\nactive_file 268435456\n"
		"pgfault 5\n";
	static const char v1stat[] =
		"cache 1\nrss 2\ninactive_file 3\nactive_file 4\n"
		"hierarchical_memory_limit 2147483648\n"
		"hierarchical_memsw_limit 9223372036854771712\n"
		"total_cache 536870912\ntotal_rss 1\ntotal_inactive_file 134217728\n"
		"total_active_file 67108864\n";

	TAP_I64(cg_parse_limit("max\n", 4, "m", 4096, &v, &err), 0, "memory.max 'max' parses");
	TAP_U64(v, CG_UNLIMITED, "'max' is unlimited");
	TAP_I64(cg_parse_limit("4294967296\n", 11, "m", 4096, &v, &err), 0, "a byte count parses");
	TAP_U64(v, 4 * GIB, "4 GiB");
	TAP_I64(cg_parse_limit("9223372036854771712\n", 20, "m", 4096, &v, &err), 0,
		"v1 unlimited parses");
	TAP_U64(v, CG_UNLIMITED, "PAGE_COUNTER_MAX * 4096 is unlimited");
	TAP_I64(cg_parse_limit("9223372036854771711\n", 20, "m", 4096, &v, &err), 0,
		"one byte less parses");
	TAP_U64(v, 9223372036854771711ull, "one byte less is a limit");
	TAP_I64(cg_parse_limit("9223372036854710272\n", 20, "m", 65536, &v, &err), 0,
		"64 KiB pages: their unlimited");
	TAP_U64(v, CG_UNLIMITED, "PAGE_COUNTER_MAX * 65536 is unlimited");
	TAP_I64(cg_parse_limit("lots\n", 5, "m", 4096, &v, &err), -1, "a word is refused");
	TAP_U64(err.code == OVC_E_INPUT && err.line == 1 && !strcmp(err.path, "m"), 1,
		"as input, at m:1");
	TAP_I64(cg_parse_limit("", 0, "m", 4096, &v, &err), -1, "an empty file is refused");
	TAP_I64(cg_parse_limit("1\n2\n", 4, "m", 4096, &v, &err), -1, "two lines are refused");
	TAP_I64(cg_parse_limit("1\0", 2, "m", 4096, &v, &err), -1, "a NUL is refused");
	TAP_I64(cg_parse_limit("-1\n", 3, "m", 4096, &v, &err), -1, "a sign is refused");
	TAP_I64(cg_parse_limit("18446744073709551616\n", 21, "m", 4096, &v, &err), -1,
		"2^64 is refused");
	TAP_I64(cg_parse_usage("123\n", 4, "c", &v, &err), 0, "memory.current parses");
	TAP_U64(v, 123, "its bytes");
	TAP_I64(cg_parse_usage("max\n", 4, "c", &v, &err), -1, "a usage is never 'max'");

	TAP_I64(cg_parse_stat(v2stat, sizeof(v2stat) - 1, "s", 4096, &st, &err), 0,
		"v2 memory.stat parses");
	TAP_U64(st.has_file_lru, 1, "v2: the file LRUs seen");
	TAP_U64(st.active_file + st.inactive_file, 512 * MIB, "v2: 512 MiB reclaimable");
	TAP_U64(st.shmem, 256 * MIB, "v2: shmem");
	TAP_U64(st.file_dirty, 8192, "v2: file_dirty");
	TAP_U64(st.has_hier_limit, 0, "v2: no hierarchical limit");
	TAP_I64(cg_parse_stat(v1stat, sizeof(v1stat) - 1, "s", 4096, &st, &err), 0,
		"v1 memory.stat parses");
	TAP_U64(st.active_file + st.inactive_file, 192 * MIB, "v1: the total_ (hierarchical) LRUs");
	TAP_U64(st.file, 512 * MIB, "v1: total_cache");
	TAP_U64(st.has_hier_limit && st.hier_limit == 2 * GIB, 1, "v1: hierarchical_memory_limit");
	TAP_U64(st.has_hier_memsw && st.hier_memsw_limit == CG_UNLIMITED, 1,
		"v1: hierarchical_memsw_limit unlimited");
	TAP_I64(cg_parse_stat("anon 1\nfile\n", 12, "s", 4096, &st, &err), -1,
		"a key without a value is refused");
	TAP_U64(err.line, 2, "at line 2");
	TAP_I64(cg_parse_stat("anon x\n", 7, "s", 4096, &st, &err), -1, "a word value is refused");
	TAP_I64(cg_parse_stat("anon 1", 6, "s", 4096, &st, &err), 0, "no final newline is fine");
	TAP_I64(cg_parse_stat("", 0, "s", 4096, &st, &err), 0, "an empty stat parses");
	TAP_U64(st.has_file_lru, 0, "with no LRUs");
}

static struct cg_level lvl(const char *path, uint64_t max, uint64_t cur, uint64_t file)
{
	struct cg_level l;

	memset(&l, 0, sizeof(l));
	snprintf(l.path, sizeof(l.path), "%s", path);
	l.has_memory = true;
	l.max = max;
	l.current = cur;
	l.has_stat = true;
	l.stat.has_file_lru = true;
	l.stat.active_file = file / 2;
	l.stat.inactive_file = file - file / 2;
	return l;
}

static void test_room(void)
{
	static struct cg_path p;
	struct cg_room r;

	/* v2 plain: 4 GiB - 1 GiB + 512 MiB, no swap */
	memset(&p, 0, sizeof(p));
	p.version = CG_V2;
	p.n = 2;
	p.lv[0] = lvl("/plain", 4 * GIB, GIB, 512 * MIB);
	p.lv[1] = lvl("/", CG_UNLIMITED, 0, 0);
	p.lv[1].has_memory = false;   /* the root: no memory.max */
	cg_room(&p, 0, &r);
	TAP_U64(r.limited, 1, "v2 plain: limited");
	TAP_U64(r.room, 3 * GIB + 512 * MIB, "v2 plain: 3.5 GiB");
	TAP_U64(r.level, 0, "v2 plain: the cgroup itself binds");

	/* host swap, no memory.swap files (no swap accounting): SwapFree adds */
	cg_room(&p, GIB, &r);
	TAP_U64(r.room, 4 * GIB + 512 * MIB, "v2 plain + 1 GiB host swap, no swap.max: 4.5 GiB");
	TAP_U64(r.swap_limited, 0, "the host's swap bounds it");

	/* swap.max along the path: the smallest, bounded by the host */
	p.lv[0].has_swap = true;
	p.lv[0].swap_max = 512 * MIB;
	p.lv[0].swap_current = 128 * MIB;
	cg_room(&p, GIB, &r);
	TAP_U64(r.swap_room, 384 * MIB, "swap.max 512 MiB - 128 MiB used");
	TAP_U64(r.swap_limited, 1, "the cgroup's swap limit binds");
	TAP_U64(r.room, 3 * GIB + 896 * MIB, "memory room + swap room");
	cg_room(&p, 100 * MIB, &r);
	TAP_U64(r.swap_room, 100 * MIB, "the host's 100 MiB of free swap binds");
	p.lv[0].swap_current = GIB;   /* over its limit (set below usage) */
	cg_room(&p, GIB, &r);
	TAP_U64(r.swap_room, 0, "swap over its max: no swap room, not a wrap");

	/* nested: the parent is tighter */
	memset(&p, 0, sizeof(p));
	p.version = CG_V2;
	p.n = 3;
	p.lv[0] = lvl("/tight/child", 8 * GIB, 512 * MIB, 64 * MIB);
	p.lv[1] = lvl("/tight", 2 * GIB, 1536 * MIB, 128 * MIB);
	p.lv[2] = lvl("/", CG_UNLIMITED, 0, 0);
	p.lv[2].has_memory = false;
	cg_room(&p, 0, &r);
	TAP_U64(r.room, 640 * MIB, "nested: the parent's 640 MiB");
	TAP_U64(r.level, 1, "nested: level 1 binds");
	TAP_U64(r.limit, 2 * GIB, "nested: its limit");
	/* a level without the memory controller is skipped */
	p.lv[1].has_memory = false;
	cg_room(&p, 0, &r);
	TAP_U64(r.level, 0, "a level without memory files is skipped");
	/* charged beyond the limit plus page cache: 0, not a wrap */
	p.lv[0].current = 9 * GIB;
	cg_room(&p, 0, &r);
	TAP_U64(r.room, 0, "over the limit: room 0");

	/* max everywhere */
	memset(&p, 0, sizeof(p));
	p.version = CG_V2;
	p.n = 2;
	p.lv[0] = lvl("/u", CG_UNLIMITED, GIB, 0);
	p.lv[1] = lvl("/", CG_UNLIMITED, 0, 0);
	cg_room(&p, GIB, &r);
	TAP_U64(r.limited, 0, "max everywhere: not limited");
	TAP_U64(r.room, CG_UNLIMITED, "max everywhere: no room figure");

	/* memory.high below max: noted */
	memset(&p, 0, sizeof(p));
	p.version = CG_V2;
	p.n = 1;
	p.lv[0] = lvl("/h", 4 * GIB, GIB, 0);
	p.lv[0].has_high = true;
	p.lv[0].high = 2 * GIB;
	cg_room(&p, 0, &r);
	TAP_U64(r.room, 3 * GIB, "memory.high is not the limit");
	TAP_U64(r.high_below && r.high == 2 * GIB, 1, "memory.high noted");

	/* v1 memsw: memory + swap bounded by memsw */
	memset(&p, 0, sizeof(p));
	p.version = CG_V1;
	p.n = 2;
	p.top_is_root = true;
	p.lv[0] = lvl("/job1", 2 * GIB, 512 * MIB, 256 * MIB);
	p.lv[0].has_memsw = true;
	p.lv[0].memsw_max = 3 * GIB;
	p.lv[0].memsw_current = GIB;
	p.lv[1] = lvl("/", CG_UNLIMITED, 3 * GIB, 0);
	cg_room(&p, 4 * GIB, &r);
	TAP_U64(r.mem_room, 1792 * MIB, "v1: memory room");
	TAP_U64(r.room, 2304 * MIB, "v1: memsw room binds (3 GiB - 1 GiB + 256 MiB)");
	TAP_U64(r.memsw_binds, 1, "v1: memsw binds");
	TAP_U64(r.swap_room, 512 * MIB, "v1: swap adds what memsw leaves");
	cg_room(&p, 100 * MIB, &r);
	TAP_U64(r.room, 1892 * MIB, "v1: little host swap: memory room + free swap");
	TAP_U64(r.memsw_binds, 0, "v1: then memsw does not bind");
	/* a hidden ancestor's limit, from hierarchical_memory_limit */
	p.lv[0].has_memsw = false;
	p.lv[0].stat.has_hier_limit = true;
	p.lv[0].stat.hier_limit = GIB;
	cg_room(&p, 0, &r);
	TAP_U64(r.hidden_limit, 1, "v1: hierarchical_memory_limit below every visible level");
	TAP_U64(r.room, 768 * MIB, "v1: 1 GiB - 512 MiB + 256 MiB");
	/* only memsw limited (memory unlimited) */
	p.lv[0].stat.has_hier_limit = false;
	p.lv[0].max = CG_UNLIMITED;
	p.lv[0].has_memsw = true;
	cg_room(&p, 8 * GIB, &r);
	TAP_U64(r.limited && r.memsw_binds, 1, "v1: a memsw limit alone limits");
	TAP_U64(r.room, 2304 * MIB, "v1: memsw alone");
}

static void test_mountinfo(void)
{
	char root[64], mp[64], dir[128];
	static const char v2[] = "25 24 0:22 / /sys/fs/cgroup rw,nosuid shared:8 - cgroup2 cgroup2 rw,nsdelegate";
	static const char v1[] = "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory";
	static const char cpu[] = "34 31 0:31 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct";
	static const char memx[] = "34 31 0:31 / /x rw - cgroup cgroup rw,memoryx";
	static const char esc[] = "25 24 0:22 / /a\\040b rw - cgroup2 cgroup2 rw";
	static const char tmpfs[] = "26 22 0:25 / /dev/shm rw - tmpfs tmpfs rw";
	static const char cut[] = "25 24 0:22 / /sys/fs/cgroup rw";

	TAP_I64(cg_mountinfo_line(v2, sizeof(v2) - 1, root, sizeof(root), mp, sizeof(mp)), CG_V2,
		"a cgroup2 mount");
	TAP_STR(mp, "/sys/fs/cgroup", "its mount point");
	TAP_I64(cg_mountinfo_line(v1, sizeof(v1) - 1, root, sizeof(root), mp, sizeof(mp)), CG_V1,
		"a v1 memory mount");
	TAP_STR(root, "/docker/abc", "its root in the hierarchy");
	TAP_I64(cg_mountinfo_line(cpu, sizeof(cpu) - 1, root, sizeof(root), mp, sizeof(mp)),
		CG_NONE, "a v1 cpu mount is not the memory one");
	TAP_I64(cg_mountinfo_line(memx, sizeof(memx) - 1, root, sizeof(root), mp, sizeof(mp)),
		CG_NONE, "'memoryx' is not 'memory'");
	TAP_I64(cg_mountinfo_line(esc, sizeof(esc) - 1, root, sizeof(root), mp, sizeof(mp)), CG_V2,
		"an escaped mount point");
	TAP_STR(mp, "/a b", "unescaped");
	TAP_I64(cg_mountinfo_line(tmpfs, sizeof(tmpfs) - 1, root, sizeof(root), mp, sizeof(mp)),
		CG_NONE, "tmpfs is none");
	TAP_I64(cg_mountinfo_line(cut, sizeof(cut) - 1, root, sizeof(root), mp, sizeof(mp)),
		CG_NONE, "a line without ' - ' is none");

	TAP_OK(cg_dir_of("/sys/fs/cgroup", "/", "/kubepods/pod1", dir, sizeof(dir)) &&
	       !strcmp(dir, "/sys/fs/cgroup/kubepods/pod1"), "v2: mount point + path");
	TAP_OK(cg_dir_of("/sys/fs/cgroup", "/", "/", dir, sizeof(dir)) &&
	       !strcmp(dir, "/sys/fs/cgroup"), "v2: the root cgroup is the mount point");
	TAP_OK(cg_dir_of("/sys/fs/cgroup/memory", "/docker/abc", "/docker/abc/sub", dir,
			 sizeof(dir)) && !strcmp(dir, "/sys/fs/cgroup/memory/sub"),
	       "a mount of a subtree: its root taken off");
	TAP_OK(!cg_dir_of("/sys/fs/cgroup/memory", "/docker/abc", "/docker/abcd", dir, sizeof(dir)),
	       "a sibling with the same prefix is outside");
	TAP_OK(!cg_dir_of("/sys/fs/cgroup", "/", "relative", dir, sizeof(dir)), "relative: none");
	TAP_OK(!cg_dir_of("/sys/fs/cgroup", "/", "/a/very/long/path/that/does/not/fit/in/the/buffer/given/at/all/really/not/at/all/no/way/here/no", dir, 40),
	       "too long: none");
}

static void test_touch(void)
{
	struct touch_in in = { .need_kb = 100, .ram_swap_kb = 1000 };
	struct touch_result r;
	struct model_host h;
	struct model_task t;
	struct meminfo mi;
	uint64_t room;

	touch_check(&in, &r);
	TAP_OK(r.fits && r.binding == TOUCH_NONE, "room: fits, nothing binds");
	in.need_kb = 2000;
	touch_check(&in, &r);
	TAP_OK(!r.fits && r.binding == TOUCH_RAM_SWAP && r.limit_kb == 1000, "RAM + swap binds");
	in.cgroup_limited = true;
	in.cgroup_room_kb = 500;
	touch_check(&in, &r);
	TAP_OK(r.binding == TOUCH_CGROUP && r.limit_kb == 500, "the cgroup binds");
	in.rlimit_data = true;
	in.rlimit_data_room_kb = 500;
	touch_check(&in, &r);
	TAP_OK(r.binding == TOUCH_RLIMIT_DATA, "a tie goes to RLIMIT_DATA, checked first");
	in.need_kb = 500;
	touch_check(&in, &r);
	TAP_OK(r.fits && r.limit_kb == 0, "exactly the room fits");
	TAP_STR(touch_limit_name(TOUCH_CGROUP), "cgroup", "JSON name");
	TAP_STR(touch_limit_name(TOUCH_RAM_SWAP), "ram_swap", "JSON name");

	memset(&h, 0, sizeof(h));
	memset(&mi, 0, sizeof(mi));
	h.mem_total_kb = 1000;
	h.hugetlb_kb = 100;
	h.swap_total_kb = 50;
	h.page_size = 4096;
	mi.has_mem_available = true;
	mi.mem_available_kb = 700;
	mi.swap_free_kb = 30;
	TAP_U64(touch_ram_swap_kb(&h, &mi, false), 730, "MemAvailable + SwapFree");
	TAP_U64(touch_ram_swap_kb(&h, &mi, true), 950, "what-if: RAM less hugetlb + swap");
	mi.has_mem_available = false;
	mi.mem_free_kb = 100;
	mi.cached_kb = 200;
	mi.buffers_kb = 10;
	TAP_U64(touch_ram_swap_kb(&h, &mi, false), 340, "no MemAvailable: free + cache + swap");

	model_task_init(&t);
	h.kernel.major = 6;
	h.kernel.minor = 1;
	TAP_OK(!touch_rlimit_data_room(&h, &t, &room), "RLIMIT_DATA unlimited: none");
	t.rlimit_data_bytes = 1024 * 1024 * 1024;
	t.vmdata_known = true;
	t.vmdata_kb = 1024;
	TAP_OK(touch_rlimit_data_room(&h, &t, &room) && room == 1048576 - 1024,
	       "RLIMIT_DATA less VmData");
	t.rlimit_data_bytes = 0;
	t.rlimit_data_max_bytes = 2 * 1024 * 1024;
	TAP_OK(touch_rlimit_data_room(&h, &t, &room) && room == 1024,
	       "a soft limit of 0: the hard one");
	h.kernel.major = 4;
	h.kernel.minor = 4;
	TAP_OK(!touch_rlimit_data_room(&h, &t, &room), "before 4.5 not for mappings");
}

void test_cgroup(void)
{
	test_parsers();
	test_room();
	test_mountinfo();
	test_touch();
}
