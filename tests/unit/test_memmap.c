/* SPDX-License-Identifier: MIT */
/* test_memmap.c - np.memmap at a path: tmpfs, disk, mode c, file limits; figures by hand. */
#include "../../src/core/memmap.h"
#include "hosts.h"
#include "tap.h"

#define KIB UINT64_C(1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

static struct memmap_fs tmpfs(uint64_t blocks, uint64_t bavail)
{
	struct memmap_fs fs = { .f_type = 0x01021994, .bsize = 4096, .blocks = blocks,
				.bfree = bavail, .bavail = bavail };
	return fs;
}

static struct memmap_fs ext4(uint64_t bfree, uint64_t bavail)
{
	struct memmap_fs fs = { .f_type = 0xEF53, .bsize = 4096, .blocks = 50000000,
				.bfree = bfree, .bavail = bavail };
	return fs;
}

static struct memmap_request req(uint64_t bytes, enum memmap_mode mode)
{
	struct memmap_request rq = { .bytes = bytes, .mode = mode,
				     .rlimit_fsize_bytes = UINT64_MAX };
	return rq;
}

static bool advised(const struct memmap_result *r, enum memmap_advice_kind k, uint64_t *value)
{
	unsigned i;

	for (i = 0; i < r->nadvice; i++)
		if (r->advice[i].kind == k) {
			if (value)
				*value = r->advice[i].value;
			return true;
		}
	return false;
}

static void test_advice(void)
{
	struct model_host h = host_seed();
	struct model_policy two = { 2, 50, 0 };
	struct model_task t;
	struct memmap_request rq = req(32 * MIB, MEMMAP_W_PLUS);
	struct memmap_fs fs = tmpfs(4096, 1024);   /* size=16m, 4 MiB free */
	struct memmap_result r;
	uint64_t v = 0;

	model_task_init(&t);
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_OK(advised(&r, MEMMAP_ADV_DISK_PATH, NULL), "tmpfs too small: a disk path");
	TAP_OK(advised(&r, MEMMAP_ADV_TMPFS_SIZE, &v), "or a larger size=");
	TAP_U64(v, 45056, "size= 16 MiB + (32 - 4) MiB = 44 MiB");

	fs = ext4(300000, 250000);   /* 976.5 MiB free */
	rq.bytes = GIB;
	rq.rlimit_fsize_bytes = 512 * MIB;
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "rlimit_fsize", "ulimit -f binds first (512 MiB < 976 MiB)");
	TAP_OK(advised(&r, MEMMAP_ADV_ULIMIT_F, &v) && v == 1048576, "ulimit -f 1048576");
	TAP_OK(advised(&r, MEMMAP_ADV_FREE_SPACE, &v), "and free space too");
	TAP_U64(v, 1048576 - 1000000, "1 GiB - 250000 x 4 KiB");
	TAP_OK(!advised(&r, MEMMAP_ADV_DISK_PATH, NULL), "a disk already: no disk advice");

	fs = ext4(UINT64_C(5000000000), UINT64_C(5000000000));
	fs.file_exists = true;
	fs.file_bytes = 20 * GIB;
	rq = req(20 * GIB, MEMMAP_COPY);
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_OK(advised(&r, MEMMAP_ADV_MODE_SHARED, NULL), "mode c refused: r+ or w+");
	TAP_U64(r.advice[0].kind, MEMMAP_ADV_MODE_SHARED, "the mode first");
	TAP_OK(!advised(&r, MEMMAP_ADV_DISK_PATH, NULL), "mode c on a disk already: no disk advice");
}

static void test_fs_table(void)
{
	struct memmap_fsinfo fi;
	enum memmap_mode m;

	memmap_fs_info(0xEF53, 4096, &fi);
	TAP_STR(fi.name, "ext4", "ext4 by its magic");
	TAP_U64(fi.max_file_bytes, UINT64_C(17592186040320), "ext4, 4 KiB blocks: (2^32 - 1) x 4096 = 16 TiB - 4 KiB");
	memmap_fs_info(0xEF53, 1024, &fi);
	TAP_U64(fi.max_file_bytes, UINT64_C(4398046510080), "ext4, 1 KiB blocks: 4 TiB - 1 KiB");
	memmap_fs_info(0xEF53, 512, &fi);
	TAP_OK(!fi.max_known, "ext4 with a 512-byte block size: not ext4's, unknown");
	memmap_fs_info(0x01021994, 4096, &fi);
	TAP_OK(fi.tmpfs && fi.sparse == 1, "tmpfs: shmem, sparse");
	TAP_U64(fi.max_file_bytes, UINT64_C(9223372036854775807), "tmpfs: MAX_LFS_FILESIZE");
	memmap_fs_info(0x58465342, 4096, &fi);
	TAP_U64(fi.max_file_bytes, UINT64_C(9223372036854775807), "xfs: MAX_LFS_FILESIZE");
	memmap_fs_info(0x4d44, 512, &fi);
	TAP_U64(fi.max_file_bytes, UINT64_C(4294967295), "vfat: 4 GiB - 1");
	TAP_U64(fi.sparse, 0, "vfat: no holes");
	memmap_fs_info(0x794c7630, 4096, &fi);
	TAP_OK(fi.name && !fi.max_known && fi.sparse == -1, "overlay: named, limit unknown");
	memmap_fs_info(0x12345678, 4096, &fi);
	TAP_OK(!fi.name && !fi.max_known, "an unknown type: no name, no limit");
	TAP_OK(memmap_mode_parse("c", &m) == 0 && m == MEMMAP_COPY, "mode c");
	TAP_OK(memmap_mode_parse("r", &m) < 0 && memmap_mode_parse("w", &m) < 0, "r and w are refused");
	TAP_STR(memmap_limit_name(MEMMAP_LIMIT_TMPFS_SIZE), "tmpfs_size", "JSON token");
}

static void test_tmpfs(void)
{
	struct model_host h = host_seed();
	struct model_policy two = { 2, 50, 0 }, zero = { 0, 50, 0 };
	struct model_task t;
	struct memmap_request rq = req(32 * MIB, MEMMAP_W_PLUS);
	struct memmap_fs fs = tmpfs(4096, 4096);   /* size=16m, empty */
	struct memmap_result r;
	uint64_t cg;

	model_task_init(&t);
	/* a 16 MiB tmpfs: 32 MiB stops at its size in every mode */
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_OK(!r.fits, "32 MiB on a 16 MiB tmpfs does not fit");
	TAP_STR(memmap_limit_name(r.binding), "tmpfs_size", "stopped by size=");
	TAP_U64(r.limit_kb, 16384, "16 MiB can be written");
	TAP_OK(r.extends && !r.truncates && r.need_bytes == 32 * MIB, "w+ of a new file: 32 MiB of pages");

	/*
	 * Mode 2, no size=, the seed host: CommitLimit 3085511 pages, admin reserve 2048,
	 * user reserve 32768 (VmSize unknown: all of it), Committed_AS 524288 pages:
	 * 3085511 - 2048 - 32768 - 524288 - 1 = 2526406 pages = 10105624 kB.
	 */
	fs = tmpfs(0, 0);
	rq.bytes = 20 * GIB;
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "commit_limit", "mode 2: 20 GiB on tmpfs stops at the commit limit");
	TAP_U64(r.limit_kb, 10105624, "CommitLimit - reserves - Committed_AS - 1 page");
	TAP_OK(r.commit_per_page && !r.tmpfs_size_known, "charged per page; no size=");
	TAP_U64(r.band_kb, (12052 - 1) * 2 * 4, "the per-CPU band: (batch - 1) x 2 CPUs");

	/*
	 * The writer's reserve counts the mapping: VmSize 100 MiB + 100 MiB mapped =
	 * 51200 pages, /32 = 1600 pages of reserve (below 32768):
	 * 3085511 - 2048 - 1600 - 524288 - 1 = 2557574 pages = 10230296 kB.
	 */
	t.vmsize_known = true;
	t.vmsize_kb = 100 * 1024;
	rq.bytes = 100 * MIB;
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits, "100 MiB fits");
	TAP_U64(r.commit_room_bytes / 1024, 10230296, "room with the writer's own reserve (mapping included)");
	model_task_init(&t);

	/* modes 0 and 1 charge no page: without size= RAM + swap is the bound */
	rq.bytes = 30 * GIB;
	memmap_check(&h, &zero, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "ram_swap", "mode 0: 30 GiB of tmpfs pages > 24 GiB of RAM");
	TAP_U64(r.limit_kb, 24684092, "MemTotal, no swap");
	TAP_OK(!r.commit_per_page, "mode 0: no per-page charge");
	rq.bytes = 20 * GIB;
	memmap_check(&h, &zero, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits && r.limit_kb == 0 && !r.limit_known, "mode 0: 20 GiB fits; limit_kb unknown (null)");

	/* a cgroup with 1 GiB of room: tmpfs pages are not reclaimable without swap */
	cg = 1048576;
	memmap_check(&h, &zero, &t, &rq, &fs, &cg, &r);
	TAP_STR(memmap_limit_name(r.binding), "cgroup", "the cgroup binds");
	TAP_U64(r.limit_kb, 1048576, "its room");

	/*
	 * r+ of a 1 GiB file it holds in full on a 1.5 GiB tmpfs (131072 pages free): its
	 * pages are charged already, so 2 GiB stops at 0.5 + 1 GiB.
	 */
	fs = tmpfs(393216, 131072);
	fs.file_exists = true;
	fs.file_bytes = fs.file_alloc_bytes = GIB;
	rq = req(GIB, MEMMAP_R_PLUS);
	memmap_check(&h, &zero, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits && !r.extends && r.need_bytes == 0, "r+ of the same size: nothing new");
	rq.bytes = 2 * GIB;
	memmap_check(&h, &zero, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.extends && r.need_bytes == GIB, "r+ of a shorter file extends it");
	TAP_STR(memmap_limit_name(r.binding), "tmpfs_size", "r+ 2 GiB: tmpfs size");
	TAP_U64(r.limit_kb, 1572864, "free 0.5 GiB + the file's 1 GiB");
	rq = req(GIB + 256 * MIB, MEMMAP_W_PLUS);
	memmap_check(&h, &zero, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits && r.truncates, "w+ truncates first: 1.25 GiB fits in 1.5 GiB");
	TAP_U64(r.free_bytes, 393216 * UINT64_C(4096), "free after the truncation");
}

static void test_disk(void)
{
	struct model_host h = host_seed();
	struct model_policy two = { 2, 50, 0 };
	struct model_task t;
	struct memmap_request rq = req(5 * GIB, MEMMAP_W_PLUS);
	struct memmap_fs fs = ext4(1100000, 1000000);
	struct memmap_result r;

	model_task_init(&t);
	/* mode 2 charges nothing for a shared disk mapping: only blocks count */
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "fs_space", "5 GiB on 3.8 GiB free");
	TAP_U64(r.limit_kb, 4000000, "f_bavail x 4 KiB");
	TAP_OK(!memmap_bound(&r, MEMMAP_LIMIT_COMMIT), "no commit bound on disk");
	rq.writer_reserved = true;
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_U64(r.limit_kb, 4400000, "root: f_bfree x 4 KiB");

	fs = ext4(UINT64_C(5000000000), UINT64_C(5000000000));
	rq = req(300 * GIB, MEMMAP_W_PLUS);
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits, "the seed array size on disk in mode 2: fits");
	rq.bytes = 17 * GIB * 1024;
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "max_file_size", "17 TiB on ext4");
	TAP_U64(r.limit_kb, UINT64_C(17179869180), "16 TiB - 4 KiB");

	rq = req(2 * GIB, MEMMAP_W_PLUS);
	rq.rlimit_fsize_bytes = GIB;
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "rlimit_fsize", "ulimit -f 1 GiB");
	TAP_U64(r.limit_kb, 1048576, "the file may be 1 GiB");
	/* r+ of a file already long enough: no extending write, RLIMIT_FSIZE does not apply */
	fs.file_exists = true;
	fs.file_bytes = 2 * GIB;
	rq.mode = MEMMAP_R_PLUS;
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits && !r.extends, "r+ of a 2 GiB file with ulimit -f 1 GiB: fits");
	TAP_U64(r.need_bytes, 2 * GIB, "a sparse file's holes need blocks");

	/* RLIMIT_AS 8 GiB, VmSize 1 GiB: a 10 GiB mapping stops at 7 GiB */
	t.rlimit_as_bytes = 8 * GIB;
	t.vmsize_known = true;
	t.vmsize_kb = 1048576;
	rq = req(10 * GIB, MEMMAP_W_PLUS);
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "rlimit_as", "ulimit -v 8 GiB");
	TAP_U64(r.limit_kb, 7340032, "RLIMIT_AS - VmSize");
	model_task_init(&t);

	fs = ext4(UINT64_C(5000000000), UINT64_C(5000000000));
	fs.f_type = 0x4d44;
	rq = req(5 * GIB, MEMMAP_W_PLUS);
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "max_file_size", "5 GiB on vfat");
	TAP_U64(r.limit_kb, 4194303, "4 GiB - 1 byte, in whole kB");
	fs.f_type = 0x12345678;
	fs.blocks = 0;
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits && !r.free_known && !r.fs.max_known, "unknown file system, no sizes: nothing known binds");
}

static void test_copy(void)
{
	struct model_host h = host_seed();
	struct model_policy two = { 2, 50, 0 }, zero = { 0, 50, 0 };
	struct model_task t;
	struct memmap_request rq = req(20 * GIB, MEMMAP_COPY);
	struct memmap_fs fs = ext4(0, 0);
	struct memmap_result r;

	model_task_init(&t);
	fs.file_exists = true;
	fs.file_bytes = 20 * GIB;
	/* mode 0: one 20 GiB mapping within RAM + swap (24684092 kB) */
	memmap_check(&h, &zero, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits && r.cr.verdict == VERDICT_FITS, "mode c, mode 0: 20 GiB fits");
	TAP_OK(!memmap_bound(&r, MEMMAP_LIMIT_FS_SPACE), "mode c writes no block");
	/*
	 * mode 2: charged in full at mmap: 2526406 pages at most, less the per-CPU band
	 * (12052 - 1) x 2 = 24102 pages: 2502304 pages sure = 10009216 kB.
	 */
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_STR(memmap_limit_name(r.binding), "commit_limit", "mode c, mode 2: commit limit at mmap");
	TAP_U64(r.limit_kb, 10009216, "the sure maximum of one allocation");
	TAP_U64(r.cr.verdict, VERDICT_FAILS, "the allocation check says so too");
	/* the same array w+ on that disk: fits */
	rq.mode = MEMMAP_W_PLUS;
	fs = ext4(UINT64_C(5000000000), UINT64_C(5000000000));
	memmap_check(&h, &two, &t, &rq, &fs, NULL, &r);
	TAP_OK(r.fits, "mode w+ instead: fits");
}

void test_memmap(void)
{
	test_fs_table();
	test_tmpfs();
	test_disk();
	test_copy();
	test_advice();
}
