/*
 * allocmax - measure the largest single anonymous private writable mapping
 * the running kernel grants to this process, right now.
 *
 * Part of ovc's real-kernel test tier (tests/vm/run). It runs inside a qemu
 * guest as a static binary (cc -static -O2 -Wall -Wextra), never on the host
 * with changed settings.
 *
 * Usage: allocmax [--sync] [--drop-sys-admin] [--as-user UID] [--max BYTES]
 *
 *   --sync            (root only, and only when vm.overcommit_memory is
 *                     already 2) write "2" to /proc/sys/vm/overcommit_memory
 *                     first. Since Linux 5.9 this write runs
 *                     overcommit_policy_handler(), which folds every CPU's
 *                     vm_committed_as delta into the global counter, so the
 *                     Committed_AS read next is the exact count the kernel
 *                     compares against.
 *   --drop-sys-admin  stay uid 0 but remove CAP_SYS_ADMIN from the bounding,
 *                     inheritable, permitted and effective sets (raw prctl and
 *                     capset syscalls; no libcap).
 *   --as-user UID     setgroups(0), setresgid(UID), setresuid(UID) before
 *                     measuring (all capabilities are lost by that).
 *   --max BYTES       upper bound of the search (default 2^47).
 *
 * The search: the largest N (a multiple of the page size) such that
 *   mmap(NULL, N, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
 * succeeds. Every successful mapping is unmapped at once; no page is ever
 * touched. Every criterion the kernel applies (overcommit policy, address
 * space) is monotonic in N, so a binary search is exact.
 *
 * Output: ONE line on stdout, written with a single write(2) AFTER the search:
 *   vmsize_kb=V committed_as_kb=C max_kb=M max_bytes=B uid=U
 *   cap_sys_admin=0|1 overcommit_memory=P synced=0|1
 * V (VmSize of this process, /proc/self/status) and C (Committed_AS,
 * /proc/meminfo) are read right before the search, after the privilege
 * changes. Nothing is printed before or during the search on purpose: a
 * reader of our output (a shell collecting it, a pipe to sed) could grow its
 * heap while we search and so change Committed_AS under our feet. This
 * program itself does no allocation: no stdio, static buffers only.
 *
 * Exit status: 0 on success, 2 on a usage or setup error (message on
 * stderr).
 */
#define _GNU_SOURCE
#define GUEST_PROG "allocmax"
#define GUEST_RBUF 65536
#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static char obuf[1024];
static size_t olen;

/* CapEff from /proc/self/status (hex). */
static uint64_t cap_eff(void)
{
	const char *p;
	uint64_t v = 0;

	slurp("/proc/self/status");
	p = strstr(rbuf, "\nCapEff:");
	if (!p) {
		errno = 0;
		die("no CapEff in /proc/self/status");
	}
	p += 8;
	while (*p == ' ' || *p == '\t')
		p++;
	for (;; p++) {
		if (*p >= '0' && *p <= '9')
			v = v * 16 + (uint64_t)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			v = v * 16 + (uint64_t)(*p - 'a' + 10);
		else
			break;
	}
	return v;
}

static int overcommit_memory(void)
{
	slurp("/proc/sys/vm/overcommit_memory");
	return atoi(rbuf);
}

static void put(const char *s)
{
	size_t l = strlen(s);

	if (olen + l < sizeof(obuf)) {
		memcpy(obuf + olen, s, l);
		olen += l;
	}
}

static void putu(const char *key, uint64_t v)
{
	char tmp[24];
	int i = (int)sizeof(tmp);

	tmp[--i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (olen)
		put(" ");
	put(key);
	put("=");
	put(tmp + i);
}

static void drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned int i = CAP_TO_INDEX(CAP_SYS_ADMIN);
	uint32_t m = CAP_TO_MASK(CAP_SYS_ADMIN);

	/* Bounding set first: PR_CAPBSET_DROP needs CAP_SETPCAP, kept. */
	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0))
		die("prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN)");
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		die("capget");
	data[i].effective &= ~m;
	data[i].permitted &= ~m;
	data[i].inheritable &= ~m;
	if (syscall(SYS_capset, &hdr, data))
		die("capset");
}

static int fits(uint64_t pages, uint64_t pgsz)
{
	void *p = mmap(NULL, (size_t)(pages * pgsz), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	if (munmap(p, (size_t)(pages * pgsz)))
		die("munmap");
	return 1;
}

int main(int argc, char **argv)
{
	int sync = 0, drop = 0, user = 0;
	uint64_t uid = 0, max_bytes = (uint64_t)1 << 47;
	uint64_t pgsz = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t vmsize_kb, committed_kb, lo, hi;
	int mode;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sync")) {
			sync = 1;
		} else if (!strcmp(argv[i], "--drop-sys-admin")) {
			drop = 1;
		} else if (!strcmp(argv[i], "--as-user") && i + 1 < argc) {
			user = 1;
			if (parse_u64(argv[++i], &uid) || uid > 0xfffffffeu) {
				errno = 0;
				die("bad --as-user UID");
			}
		} else if (!strcmp(argv[i], "--max") && i + 1 < argc) {
			if (parse_u64(argv[++i], &max_bytes) || max_bytes < pgsz) {
				errno = 0;
				die("bad --max BYTES");
			}
		} else {
			errno = 0;
			die("usage: allocmax [--sync] [--drop-sys-admin] [--as-user UID] [--max BYTES]");
		}
	}

	mode = overcommit_memory();
	if (sync) {
		int fd;

		if (mode != 2) {
			errno = 0;
			die("--sync needs vm.overcommit_memory already 2 (writing 2 would change the policy)");
		}
		fd = open("/proc/sys/vm/overcommit_memory", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			die("open /proc/sys/vm/overcommit_memory for writing");
		if (write(fd, "2", 1) != 1)
			die("write 2 to /proc/sys/vm/overcommit_memory");
		close(fd);
	}
	if (drop)
		drop_sys_admin();
	if (user)
		as_user((uid_t)uid);

	/* Right before the search: our VmSize and the global Committed_AS. */
	slurp("/proc/self/status");
	vmsize_kb = field("VmSize", "no VmSize in /proc/self/status");
	slurp("/proc/meminfo");
	committed_kb = field("Committed_AS", "no Committed_AS in /proc/meminfo");

	/* Invariant: lo pages fit (0 trivially), hi pages do not. */
	lo = 0;
	hi = max_bytes / pgsz;
	if (fits(hi, pgsz))
		lo = hi;
	else
		while (hi - lo > 1) {
			uint64_t mid = lo + (hi - lo) / 2;

			if (fits(mid, pgsz))
				lo = mid;
			else
				hi = mid;
		}

	putu("vmsize_kb", vmsize_kb);
	putu("committed_as_kb", committed_kb);
	putu("max_kb", lo * pgsz / 1024);
	putu("max_bytes", lo * pgsz);
	putu("uid", (uint64_t)getuid());
	putu("cap_sys_admin", (cap_eff() >> CAP_SYS_ADMIN) & 1);
	putu("overcommit_memory", (uint64_t)mode);
	putu("synced", (uint64_t)sync);
	put("\n");
	if (write(1, obuf, olen) != (ssize_t)olen)
		die("write stdout");
	return 0;
}
