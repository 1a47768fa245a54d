/* SPDX-License-Identifier: MIT */
/* test_proctext.c - /proc text parsers: good input, and every malformed case with its line. */
#include "../../src/core/proctext.h"
#include "tap.h"

static const char meminfo_618[] =
	"MemTotal:       24684092 kB\n"
	"MemFree:        24000000 kB\n"
	"Buffers:           10000 kB\n"
	"Cached:           200000 kB\n"
	"SwapCached:            0 kB\n"
	"Shmem:              8000 kB\n"
	"KReclaimable:      30000 kB\n"
	"SReclaimable:      20000 kB\n"
	"SwapTotal:             0 kB\n"
	"SwapFree:              0 kB\n"
	"CommitLimit:    12342044 kB\n"
	"Committed_AS:      55876 kB\n"
	"HugePages_Total:       0\n"
	"Hugepagesize:       2048 kB\n"
	"Hugetlb:               0 kB\n";

#define T(s) s, sizeof(s) - 1

void test_proctext(void)
{
	struct ovc_err err = { 0 };
	struct meminfo m;
	struct model_kver v;
	struct pid_status st;
	int64_t i;
	uint64_t u;

	TAP_OK(proctext_meminfo(T(meminfo_618), "meminfo", &m, &err) == 0, "meminfo parses");
	TAP_U64(m.mem_total_kb, 24684092, "MemTotal");
	TAP_U64(m.commit_limit_kb, 12342044, "CommitLimit");
	TAP_OK(m.has_hugetlb && m.has_kreclaimable, "Hugetlb and KReclaimable seen");
	TAP_OK(proctext_meminfo(T("MemTotal: 1 kB\nSwapTotal: 0 kB\nCommitLimit: "
				  "18446744073709551612 kB\nCommitted_AS: 5 kB\n"), "m", &m, &err) == 0 &&
	       m.commit_limit_kb == UINT64_C(18446744073709551612), "a wrapped CommitLimit is a u64");

	TAP_OK(proctext_meminfo(T("MemTotal: 1 kB\nSwapTotal 0 kB\n"), "/p/meminfo", &m, &err) < 0,
	       "a line without a colon is refused");
	TAP_U64(err.line, 2, "... on line 2");
	TAP_STR(err.path, "/p/meminfo", "... naming the file");
	TAP_U64(err.code, OVC_E_INPUT, "... as bad input");
	TAP_OK(proctext_meminfo(T("MemTotal: 1 kB\nSwapTotal: 0 kB\nCommitted_AS: 1 kB\n"), "m",
				&m, &err) < 0, "missing CommitLimit");
	TAP_STR(err.msg, "no CommitLimit field", "... says which field");
	TAP_OK(proctext_meminfo(T("MemTotal: x kB\n"), "m", &m, &err) < 0 && err.line == 1,
	       "non-numeric value");
	TAP_OK(proctext_meminfo(T("MemTotal: 99999999999999999999 kB\n"), "m", &m, &err) < 0,
	       "a value beyond 64 bits");
	TAP_OK(proctext_meminfo(T("MemTotal: 1 kB\nMemTotal: 2 kB\n"), "m", &m, &err) < 0 &&
	       err.line == 2, "duplicate field");
	TAP_OK(proctext_meminfo(T("MemTotal: 1 MB\n"), "m", &m, &err) < 0, "trailing text");
	TAP_OK(proctext_meminfo(T("Mem\0Total: 1 kB\n"), "m", &m, &err) < 0, "NUL byte");
	TAP_OK(proctext_meminfo(T(""), "m", &m, &err) < 0, "empty meminfo");
	TAP_OK(proctext_meminfo(T("MemTotal: -1 kB\n"), "m", &m, &err) < 0, "negative value");

	TAP_OK(proctext_int(T("80\n"), "r", INT32_MIN, INT32_MAX, &i, &err) == 0 && i == 80, "int");
	TAP_OK(proctext_int(T(" -1 \n"), "r", INT32_MIN, INT32_MAX, &i, &err) == 0 && i == -1,
	       "negative int with blanks");
	TAP_OK(proctext_int(T("2147483648\n"), "r", INT32_MIN, INT32_MAX, &i, &err) < 0,
	       "int out of range");
	TAP_OK(proctext_int(T("-9223372036854775808"), "r", INT64_MIN, INT64_MAX, &i, &err) == 0 &&
	       i == INT64_MIN, "INT64_MIN");
	TAP_OK(proctext_int(T("abc\n"), "/x/r", INT32_MIN, INT32_MAX, &i, &err) < 0 &&
	       err.line == 1, "abc refused on line 1");
	TAP_OK(proctext_int(T("1 2\n"), "r", INT32_MIN, INT32_MAX, &i, &err) < 0, "two numbers");
	TAP_OK(proctext_int(T("\n"), "r", INT32_MIN, INT32_MAX, &i, &err) < 0, "empty value");
	TAP_OK(proctext_ulong(T("18446744073709551615\n"), "k", &u, &err) == 0 && u == UINT64_MAX,
	       "ULONG_MAX");
	TAP_OK(proctext_ulong(T("18446744073709551616\n"), "k", &u, &err) < 0, "ULONG_MAX + 1");
	TAP_OK(proctext_ulong(T("-1\n"), "k", &u, &err) < 0, "negative ulong");

	TAP_OK(proctext_osrelease(T("6.18.44-fc-v669\n"), "o", &v, &err) == 0 && v.major == 6 &&
	       v.minor == 18 && v.patch == 44, "osrelease 6.18.44-fc-v669");
	TAP_OK(proctext_osrelease(T("4.18.0-553.el8_10.x86_64\n"), "o", &v, &err) == 0 &&
	       v.major == 4 && v.minor == 18, "RHEL 8 release");
	TAP_OK(proctext_osrelease(T("6.1-rc1\n"), "o", &v, &err) == 0 && v.minor == 1, "6.1-rc1");
	TAP_OK(proctext_osrelease(T("linux\n"), "o", &v, &err) < 0, "not a release");

	TAP_OK(proctext_status(T("Name:\tpython3\nVmSize:\t 1234 kB\nCapEff:\t000001ffffffffff\n"),
			       "s", &st, &err) == 0 && st.vmsize_kb == 1234 &&
	       st.capeff == UINT64_C(0x1ffffffffff) && !strcmp(st.name, "python3"), "status");
	TAP_OK(proctext_status(T("Name:\tkthreadd\nCapEff:\t0000000000000000\n"), "s", &st, &err) ==
	       0 && !st.has_vmsize, "a kernel thread has no VmSize");
	TAP_OK(proctext_status(T("Name:\tpython3\nVmSize:\t48268 kB\nVmData:\t   16548 kB\nCapEff:\t0\n"),
			       "s", &st, &err) == 0 && st.has_vmdata && st.vmdata_kb == 16548, "VmData");
	TAP_OK(proctext_status(T("Name:\tx\nVmData:\tlots\nCapEff:\t0\n"), "s", &st, &err) < 0 &&
	       err.line == 2, "VmData that is no number: line 2");
	TAP_OK(proctext_status(T("CapEff:\t00000000000000zz\n"), "s", &st, &err) < 0, "bad CapEff");
	TAP_OK(proctext_status(T("Garbage: 1\nMore junk\n"), "s", &st, &err) < 0 &&
	       strstr(err.msg, "'Name:'"), "nothing recognisable: refused, not read as no caps");
	TAP_OK(proctext_status(T("Name:\tx\nVmSize:\t1 kB\n"), "s", &st, &err) < 0 &&
	       strstr(err.msg, "'CapEff:'"), "no CapEff: refused (the admin reserve needs it)");
	TAP_OK(proctext_status(T(""), "s", &st, &err) < 0, "empty status refused");
	TAP_OK(proctext_status(T("CapEff:\t0000000000000000000\n"), "s", &st, &err) < 0,
	       "CapEff longer than 64 bits");

	TAP_OK(proctext_limits_as(T("Limit                     Soft Limit           Hard Limit    "
				    "       Units     \nMax address space         unlimited           "
				    " unlimited            bytes     \n"), "l", &u, &err) == 0 &&
	       u == UINT64_MAX, "RLIMIT_AS unlimited");
	TAP_OK(proctext_limits_as(T("Max address space         1073741824           unlimited    "
				    "        bytes\n"), "l", &u, &err) == 0 && u == 1073741824,
	       "RLIMIT_AS 1 GiB");
	TAP_OK(proctext_limits_as(T("Max open files 1024 1024 files\n"), "l", &u, &err) < 0,
	       "no address-space line");
	{
		uint64_t so, ha;

		TAP_OK(proctext_limits_data(T("Max data size             102400000            unlimited            bytes     \n"),
					    "l", &so, &ha, &err) == 0 && so == 102400000 && ha == UINT64_MAX,
		       "RLIMIT_DATA soft 102400000, hard unlimited");
		TAP_OK(proctext_limits_data(T("Max data size             0                    307200000            bytes\n"),
					    "l", &so, &ha, &err) == 0 && so == 0 && ha == 307200000,
		       "RLIMIT_DATA soft 0 (valgrind's), hard 307200000");
		TAP_OK(proctext_limits_data(T("Max address space 1 2 bytes\n"), "l", &so, &ha, &err) == 1 &&
		       so == UINT64_MAX && ha == UINT64_MAX, "no data line: unlimited, said");
		TAP_OK(proctext_limits_data(T("x\nMax data size             12 lots bytes\n"), "l", &so, &ha,
					    &err) < 0 && err.line == 2, "a hard limit that is no number: line 2");
	}
	TAP_I64(proctext_cmdline_bool(T("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n"), "ignore_rlimit_data"),
		-1, "cmdline: not given");
	TAP_I64(proctext_cmdline_bool(T("ro ignore_rlimit_data quiet"), "ignore_rlimit_data"), 1,
		"cmdline: a bool without a value is set");
	TAP_I64(proctext_cmdline_bool(T("ignore-rlimit-data=0\n"), "ignore_rlimit_data"), 0,
		"cmdline: dashes are underscores (parameq), 0 is false");
	TAP_I64(proctext_cmdline_bool(T("ignore_rlimit_data=Y ignore_rlimit_data=off"), "ignore_rlimit_data"),
		0, "cmdline: the last one wins; off is false (kstrtobool)");
	TAP_I64(proctext_cmdline_bool(T("ignore_rlimit_data=on ignore_rlimit_data=maybe"), "ignore_rlimit_data"),
		1, "cmdline: a value kstrtobool refuses leaves the earlier one");
	TAP_I64(proctext_cmdline_bool(T("quiet -- ignore_rlimit_data"), "ignore_rlimit_data"), -1,
		"cmdline: after -- the words are init's");
	TAP_I64(proctext_cmdline_bool(T("ignore_rlimit_datax=1 xignore_rlimit_data"), "ignore_rlimit_data"),
		-1, "cmdline: only the whole name");
	TAP_I64(proctext_cmdline_bool(T("a=\"x y\" ignore_rlimit_data=\"1\""), "ignore_rlimit_data"), 1,
		"cmdline: quoted values");

	TAP_OK(proctext_zoneinfo_reserve(T("Node 0, zone      DMA\n  pages free     3840\n"
					   "        min      11\n        high     17\n"
					   "        managed  3840\n"
					   "        protection: (0, 2815, 23868, 23868)\n"
					   "Node 0, zone    DMA32\n        high     1000\n"
					   "        managed  700000\n"
					   "        protection: (0, 0, 21053, 21053)\n"), "z", &u,
					 &err) == 0 && u == 3840 + 22053,
	       "totalreserve: min(managed, high + max protection) per zone");
	TAP_OK(proctext_zoneinfo_reserve(T("junk\nmore junk\n"), "z", &u, &err) < 0 &&
	       strstr(err.msg, "not a /proc/zoneinfo"), "zoneinfo with no zone refused");
	TAP_OK(proctext_zoneinfo_reserve(T("Node 0, zone DMA\n  pages free 1\n"), "z", &u, &err) < 0,
	       "a zone without high/managed refused");
	TAP_OK(proctext_zoneinfo_reserve(T(""), "z", &u, &err) < 0, "empty zoneinfo refused");

	TAP_U64(proctext_stat_cpus(T("cpu  1 2 3\ncpu0 1 2\ncpu1 1 2\nintr 5\n")), 2, "2 CPUs in stat");
	TAP_OK(proctext_uid_map_is_initial(T("         0          0 4294967295\n")),
	       "initial user namespace");
	TAP_OK(!proctext_uid_map_is_initial(T("         0     100000      65536\n")),
	       "a rootless container's namespace");

	/* /proc/locks as fs/locks.c lock_get_status prints it: hex devices, waiters " ->" */
	{
		static const char locks[] =
			"1: POSIX  ADVISORY  WRITE 977 00:19:131074 0 EOF\n"
			"2: FLOCK  ADVISORY  WRITE 4242 fd:01:5767169 0 EOF\n"
			"2: -> FLOCK  ADVISORY  WRITE 4343 fd:01:5767169 0 EOF\n"
			"3: OFDLCK ADVISORY  READ -1 08:02:77 0 EOF\n"
			"4: FLOCK  ADVISORY  WRITE 0 08:02:99 0 EOF\n"
			"5: FLOCK  ADVISORY  WRITE 55 103:0a:12 0 EOF";

		TAP_I64(proctext_locks_holder(T(locks), 0xfd, 1, 5767169), 4242,
			"locks: the holder of a flock, not its waiter");
		TAP_I64(proctext_locks_holder(T(locks), 0x00, 0x19, 131074), 0,
			"locks: a POSIX lock is not ovc's flock");
		TAP_I64(proctext_locks_holder(T(locks), 0xfd, 2, 5767169), 0,
			"locks: another device, the same inode");
		TAP_I64(proctext_locks_holder(T(locks), 8, 2, 99), 0,
			"locks: PID 0 (none in this namespace) is unknown");
		TAP_I64(proctext_locks_holder(T(locks), 0x103, 10, 12), 55,
			"locks: a last line without a newline, three-digit hex major");
		TAP_I64(proctext_locks_holder(T(""), 8, 2, 99), 0, "locks: empty");
		TAP_I64(proctext_locks_holder(T("1: FLOCK ADVISORY WRITE 12 08:02\n"), 8, 2, 0), 0,
			"locks: a truncated device field");
	}
}
