/* SPDX-License-Identifier: MIT */
/* memmap.c - the np.memmap decision: which limits apply to a file-backed array, and which binds. */
#include <string.h>

#include "memmap.h"

int memmap_mode_parse(const char *s, enum memmap_mode *mode)
{
	if (!strcmp(s, "w+"))
		*mode = MEMMAP_W_PLUS;
	else if (!strcmp(s, "r+"))
		*mode = MEMMAP_R_PLUS;
	else if (!strcmp(s, "c"))
		*mode = MEMMAP_COPY;
	else
		return -1;
	return 0;
}

const char *memmap_mode_name(enum memmap_mode mode)
{
	return mode == MEMMAP_R_PLUS ? "r+" : mode == MEMMAP_COPY ? "c" : "w+";
}

const char *memmap_limit_name(enum memmap_limit l)
{
	static const char *const names[MEMMAP_LIMIT_N] = {
		[MEMMAP_LIMIT_NONE] = "none",
		[MEMMAP_LIMIT_COMMIT] = "commit_limit",
		[MEMMAP_LIMIT_FS_SPACE] = "fs_space",
		[MEMMAP_LIMIT_TMPFS_SIZE] = "tmpfs_size",
		[MEMMAP_LIMIT_RLIMIT_FSIZE] = "rlimit_fsize",
		[MEMMAP_LIMIT_MAX_FILE_SIZE] = "max_file_size",
		[MEMMAP_LIMIT_RLIMIT_AS] = "rlimit_as",
		[MEMMAP_LIMIT_CGROUP] = "cgroup",
		[MEMMAP_LIMIT_RLIMIT_DATA] = "rlimit_data",
		[MEMMAP_LIMIT_ADDRESS_SPACE] = "address_space",
		[MEMMAP_LIMIT_RAM_SWAP] = "ram_swap",
	};

	return (unsigned)l < MEMMAP_LIMIT_N ? names[l] : "none";
}

/* MAX_LFS_FILESIZE on 64-bit kernels (include/linux/fs.h): LLONG_MAX. */
#define MAX_LFS_FILESIZE UINT64_C(0x7fffffffffffffff)

/*
 * s_maxbytes by f_type (the values of include/uapi/linux/magic.h), 6.1 and current:
 *   tmpfs  shmem_fill_super (mm/shmem.c): MAX_LFS_FILESIZE
 *   ext4   ext4_fill_super -> ext4_max_size (fs/ext4/super.c), for extent-mapped files
 *          with huge_file (mkfs.ext4's defaults): (2^32 - 1) << blkbits, 16 TiB - 4 KiB
 *          with 4 KiB blocks. ext2 and ext3 share the magic; their block-mapped files
 *          have a smaller limit (ext4_max_bitmap_size), which statfs cannot tell apart.
 *   xfs    xfs_fs_fill_super -> xfs_max_file_offset (fs/xfs/xfs_super.c): MAX_LFS_FILESIZE
 *   btrfs  btrfs_fill_super (fs/btrfs/super.c): MAX_LFS_FILESIZE
 *   vfat   fat_fill_super (fs/fat/inode.c): 0xffffffff, and no holes: extending a file
 *          writes zeroes up to the new end (fat_write_begin -> cont_write_begin)
 * The others are named but their limit is left unknown.
 */
void memmap_fs_info(uint64_t f_type, uint64_t bsize, struct memmap_fsinfo *out)
{
	static const struct {
		uint64_t magic;
		const char *name;
		bool tmpfs;
		int sparse;
		int max;   /* 0 unknown, 1 MAX_LFS_FILESIZE, 2 ext4, 3 vfat */
	} t[] = {
		{ 0x01021994, "tmpfs", true, 1, 1 },          /* TMPFS_MAGIC */
		{ 0xEF53, "ext4", false, 1, 2 },              /* EXT4_SUPER_MAGIC (ext2, ext3) */
		{ 0x58465342, "xfs", false, 1, 1 },           /* XFS_SUPER_MAGIC */
		{ 0x9123683E, "btrfs", false, 1, 1 },         /* BTRFS_SUPER_MAGIC */
		{ 0x4d44, "vfat", false, 0, 3 },              /* MSDOS_SUPER_MAGIC */
		{ 0x2011BAB0, "exfat", false, 0, 0 },         /* EXFAT_SUPER_MAGIC */
		{ 0x794c7630, "overlay", false, -1, 0 },      /* OVERLAYFS_SUPER_MAGIC */
		{ 0x6969, "nfs", false, -1, 0 },              /* NFS_SUPER_MAGIC */
		{ 0x2fc12fc1, "zfs", false, -1, 0 },          /* ZFS (out of tree) */
		{ 0xF2F52010, "f2fs", false, -1, 0 },         /* F2FS_SUPER_MAGIC */
		{ 0x65735546, "fuse", false, -1, 0 },         /* FUSE_SUPER_MAGIC */
		{ 0x858458f6, "ramfs", false, -1, 0 },        /* RAMFS_MAGIC */
		{ 0x9fa0, "proc", false, -1, 0 },             /* PROC_SUPER_MAGIC */
		{ 0x62656572, "sysfs", false, -1, 0 },        /* SYSFS_MAGIC */
	};
	size_t i;

	memset(out, 0, sizeof(*out));
	out->sparse = -1;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].magic != f_type)
			continue;
		out->name = t[i].name;
		out->tmpfs = t[i].tmpfs;
		out->sparse = t[i].sparse;
		out->max_known = t[i].max != 0;
		if (t[i].max == 1) {
			out->max_file_bytes = MAX_LFS_FILESIZE;
		} else if (t[i].max == 3) {
			out->max_file_bytes = UINT64_C(0xffffffff);
		} else if (t[i].max == 2) {
			unsigned bits = 0;

			while (bits < 63 && (UINT64_C(1) << bits) < bsize)
				bits++;
			/* ext4 block sizes are 1 KiB to 64 KiB; anything else is not ext4's */
			if (bits < 10 || bits > 16) {
				out->max_known = false;
			} else {
				out->max_file_bytes = (UINT64_C(0xffffffff)) << bits;
				if (out->max_file_bytes > MAX_LFS_FILESIZE)
					out->max_file_bytes = MAX_LFS_FILESIZE;
			}
		}
		return;
	}
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t round_up(uint64_t v, uint64_t unit)
{
	uint64_t q = v / unit + !!(v % unit);

	return sat_mul(q, unit);
}

static void add_bound(struct memmap_result *r, enum memmap_limit l, uint64_t max_bytes)
{
	if (r->nbounds < MEMMAP_LIMIT_N)
		r->bounds[r->nbounds++] = (struct memmap_bound){ l, max_bytes };
}

const struct memmap_bound *memmap_bound(const struct memmap_result *r, enum memmap_limit l)
{
	unsigned i;

	for (i = 0; i < r->nbounds; i++)
		if (r->bounds[i].limit == l)
			return &r->bounds[i];
	return NULL;
}

/* The model's limit on an anonymous allocation, as the memmap limit that says the same. */
static enum memmap_limit from_model(enum model_limit l)
{
	switch (l) {
	case LIMIT_HEURISTIC:
	case LIMIT_FREE_ESTIMATE:
	case LIMIT_COMMIT:        return MEMMAP_LIMIT_COMMIT;
	case LIMIT_RLIMIT_AS:     return MEMMAP_LIMIT_RLIMIT_AS;
	case LIMIT_RLIMIT_DATA:   return MEMMAP_LIMIT_RLIMIT_DATA;
	case LIMIT_ADDRESS_SPACE: return MEMMAP_LIMIT_ADDRESS_SPACE;
	case LIMIT_NONE:
	case LIMIT_TOO_BIG:       break;
	}
	return MEMMAP_LIMIT_NONE;
}

/*
 * The limits of a shared mapping (w+, r+): mmap_region (mm/mmap.c) charges nothing,
 * accountable_mapping() being true only for private writable mappings, but
 * may_expand_vm() counts the pages in total_vm against RLIMIT_AS (ENOMEM), and
 * get_unmapped_area() needs a gap of the whole length.
 */
static void shared_mapping(const struct model_host *h, const struct model_task *t,
			   struct memmap_result *r)
{
	uint64_t tv = t->vmsize_known ? t->vmsize_kb / (h->page_size / 1024) : 0;

	if (t->rlimit_as_bytes != UINT64_MAX) {
		uint64_t rl = t->rlimit_as_bytes / h->page_size;

		add_bound(r, MEMMAP_LIMIT_RLIMIT_AS, sat_mul(rl > tv ? rl - tv : 0, h->page_size));
	}
	if (h->address_space_bytes) {
		uint64_t sp = h->address_space_bytes / h->page_size;

		add_bound(r, MEMMAP_LIMIT_ADDRESS_SPACE, sat_mul(sp > tv ? sp - tv : 0, h->page_size));
	}
}

/*
 * The extending write (w+, r+ of a shorter file): write(2) of one byte at bytes - 1 goes
 * through generic_write_check_limits (fs/read_write.c in 6.1 and current; mm/filemap.c
 * in older kernels): pos >= RLIMIT_FSIZE is EFBIG with SIGXFSZ (Python ignores the
 * signal: OSError "File too large"), pos >= s_maxbytes is EFBIG. So the file may be at
 * most either limit long. Writes through the mapping are not checked against either.
 */
static void extending_write(const struct memmap_request *rq, struct memmap_result *r)
{
	if (rq->rlimit_fsize_bytes != UINT64_MAX)
		add_bound(r, MEMMAP_LIMIT_RLIMIT_FSIZE, rq->rlimit_fsize_bytes);
	if (r->fs.max_known)
		add_bound(r, MEMMAP_LIMIT_MAX_FILE_SIZE, r->fs.max_file_bytes);
}

/*
 * A tmpfs file (/dev/shm, any tmpfs): its inode is VM_NORESERVE (shmem_file_setup and
 * shmem_get_inode, mm/shmem.c), so nothing is charged at mmap; each page is charged
 * when it is first allocated, at the write fault: shmem_inode_acct_block (6.1;
 * shmem_inode_acct_blocks now) -> shmem_acct_block -> security_vm_enough_memory_mm
 * (current->mm, pages) -> __vm_enough_memory (mm/util.c) with the WRITING process's
 * mm, whose total_vm (the mapping included) sets mode 2's user reserve. In mode 2 the
 * k-th page succeeds while Committed_AS + k < CommitLimit - reserves, so the writer
 * gets model_never_room_pages() more pages; modes 0 and 1 never refuse a page there.
 * Then the mount's size=: used_blocks + pages must stay within sbinfo->max_blocks
 * (statfs: f_blocks, f_bavail). Either failure is -ENOSPC, which the fault turns into
 * SIGBUS (shmem_fault -> vmf_error), not a MemoryError. The pages are charged to the
 * writer's memory cgroup and need RAM or swap: nothing reclaims them without swap.
 */
static void tmpfs_pages(const struct model_host *h, const struct model_policy *p,
			const struct model_task *t, const struct memmap_fs *fs,
			const uint64_t *cgroup_room_kb, struct memmap_result *r)
{
	uint64_t held = fs->file_exists ? fs->file_alloc_bytes : 0;

	if (fs->blocks) {
		r->tmpfs_size_known = true;
		r->tmpfs_size_bytes = sat_mul(fs->blocks, fs->bsize);
		add_bound(r, MEMMAP_LIMIT_TMPFS_SIZE,
			  sat_add(sat_mul(fs->bavail, fs->bsize), held) / h->page_size *
				  h->page_size);
	}
	if (p->mode != OVERCOMMIT_GUESS && p->mode != OVERCOMMIT_ALWAYS) {
		struct model_task w = *t;
		int64_t room;

		/* the reserve is min(total_vm / 32, user_reserve): the mapping is in total_vm */
		if (w.vmsize_known)
			w.vmsize_kb = sat_add(w.vmsize_kb, sat_mul(r->pages, h->page_size / 1024));
		room = model_never_room_pages(h, p, &w);
		r->commit_per_page = true;
		r->commit_room_bytes = sat_mul(room > 0 ? (uint64_t)room : 0, h->page_size);
		r->band_kb = model_pages_kb(h, model_band_pages(h, p->mode));
		/* the file's pages (kept by r+, freed by w+'s truncation) are charged already */
		add_bound(r, MEMMAP_LIMIT_COMMIT,
			  sat_add(r->commit_room_bytes, held / h->page_size * h->page_size));
	}
	if (cgroup_room_kb)
		add_bound(r, MEMMAP_LIMIT_CGROUP, sat_add(sat_mul(*cgroup_room_kb, 1024), held));
	add_bound(r, MEMMAP_LIMIT_RAM_SWAP, sat_mul(sim_backing_kb(h), 1024));
}

/*
 * A disk file system: the page cache of a shared file mapping is written back and
 * reclaimed (mm/vmscan.c), so neither the commit limit nor a cgroup bounds it; but every
 * page written into a hole needs a block (ext4_page_mkwrite and friends; ENOSPC there
 * is SIGBUS too). Non-root writers get f_bavail, root's reserve is for
 * CAP_SYS_RESOURCE (ext4_has_free_clusters, fs/ext4/balloc.c): f_bfree. Metadata and
 * copy-on-write file systems (btrfs, zfs) need somewhat more: an estimate.
 */
static void disk_blocks(const struct memmap_request *rq, const struct memmap_fs *fs,
			struct memmap_result *r)
{
	uint64_t bs = fs->bsize ? fs->bsize : 4096;
	uint64_t want = round_up(rq->bytes, bs);
	uint64_t held = fs->file_exists ? fs->file_alloc_bytes : 0;
	uint64_t avail = sat_mul(rq->writer_reserved ? fs->bfree : fs->bavail, bs);

	if (rq->mode == MEMMAP_R_PLUS && held > want)
		held = want;   /* blocks past the array's end do not help it */
	r->need_bytes = rq->mode == MEMMAP_W_PLUS ? want : want - held;
	if (!fs->blocks)
		return;   /* the file system states no size (a FUSE, proc): unknown */
	r->free_known = true;
	r->free_bytes = r->truncates ? sat_add(avail, held) : avail;
	add_bound(r, MEMMAP_LIMIT_FS_SPACE, sat_add(avail, held) / bs * bs);
}

static void advise(struct memmap_result *r, enum memmap_advice_kind k, uint64_t value)
{
	unsigned i;

	for (i = 0; i < r->nadvice; i++)
		if (r->advice[i].kind == k)
			return;
	if (r->nadvice < sizeof(r->advice) / sizeof(r->advice[0]))
		r->advice[r->nadvice++] = (struct memmap_advice){ k, value };
}

static uint64_t kb_up(uint64_t bytes)
{
	return bytes / 1024 + !!(bytes % 1024);
}

/* How much more room the writes need than there is (0 when none). */
static uint64_t short_bytes(const struct memmap_result *r)
{
	return r->need_bytes > r->free_bytes ? r->need_bytes - r->free_bytes : 0;
}

/* Advice for every limit the array passes (not only the tightest: each must be lifted). */
static void advice_for(const struct model_task *t, const struct memmap_request *rq,
		       struct memmap_result *r)
{
	unsigned i;

	for (i = 0; i < r->nbounds; i++) {
		if (r->bounds[i].max_bytes >= rq->bytes)
			continue;
		switch (r->bounds[i].limit) {
		case MEMMAP_LIMIT_COMMIT:
		case MEMMAP_LIMIT_CGROUP:
		case MEMMAP_LIMIT_RAM_SWAP:
		case MEMMAP_LIMIT_RLIMIT_DATA:
			if (rq->mode == MEMMAP_COPY)
				advise(r, MEMMAP_ADV_MODE_SHARED, 0);
			if (r->fs.tmpfs)
				advise(r, MEMMAP_ADV_DISK_PATH, 0);
			break;
		case MEMMAP_LIMIT_TMPFS_SIZE:
			advise(r, MEMMAP_ADV_DISK_PATH, 0);
			advise(r, MEMMAP_ADV_TMPFS_SIZE,
			       kb_up(sat_add(r->tmpfs_size_bytes, short_bytes(r))));
			break;
		case MEMMAP_LIMIT_FS_SPACE:
			advise(r, MEMMAP_ADV_FREE_SPACE, kb_up(short_bytes(r)));
			break;
		case MEMMAP_LIMIT_RLIMIT_FSIZE:
			advise(r, MEMMAP_ADV_ULIMIT_F, kb_up(rq->bytes));
			break;
		case MEMMAP_LIMIT_MAX_FILE_SIZE:
			advise(r, MEMMAP_ADV_OTHER_FS, 0);
			break;
		case MEMMAP_LIMIT_RLIMIT_AS:
			advise(r, MEMMAP_ADV_ULIMIT_V,
			       sat_add(kb_up(sat_mul(r->pages, r->page_size)),
				       t->vmsize_known ? t->vmsize_kb : 0));
			break;
		case MEMMAP_LIMIT_ADDRESS_SPACE:
			advise(r, MEMMAP_ADV_CHUNK, 0);
			break;
		case MEMMAP_LIMIT_NONE:
		case MEMMAP_LIMIT_N:
			break;
		}
	}
}

void memmap_check(const struct model_host *h, const struct model_policy *p,
		  const struct model_task *writer, const struct memmap_request *rq,
		  const struct memmap_fs *fs, const uint64_t *cgroup_room_kb,
		  struct memmap_result *r)
{
	uint64_t min = UINT64_MAX;
	unsigned i;

	memset(r, 0, sizeof(*r));
	memmap_fs_info(fs->f_type, fs->bsize, &r->fs);
	r->pages = model_mmap_pages(rq->bytes, h->page_size);
	r->page_size = h->page_size;
	r->cgroup_known = cgroup_room_kb != NULL;
	if (rq->mode == MEMMAP_COPY) {
		struct model_alloc a;

		/*
		 * MAP_PRIVATE with PROT_WRITE: accountable_mapping() (mm/mmap.c) sets
		 * VM_ACCOUNT and mmap_region charges the whole length at once, as for an
		 * anonymous mapping; is_data_mapping() (mm/internal.h) makes it count in
		 * RLIMIT_DATA too. The model of an anonymous mmap answers it. The pages
		 * written are anonymous copies: the cgroup, RAM and swap hold them.
		 */
		sim_check(h, p, writer, r->pages, &r->cr);
		model_max_alloc(h, p, writer, &a);
		if (from_model(a.binding) != MEMMAP_LIMIT_NONE)
			add_bound(r, from_model(a.binding), sat_mul(a.sure_pages, h->page_size));
		if (cgroup_room_kb)
			add_bound(r, MEMMAP_LIMIT_CGROUP, sat_mul(*cgroup_room_kb, 1024));
		add_bound(r, MEMMAP_LIMIT_RAM_SWAP, sat_mul(sim_backing_kb(h), 1024));
	} else {
		r->truncates = rq->mode == MEMMAP_W_PLUS && fs->file_exists;
		r->extends = rq->mode == MEMMAP_W_PLUS || !fs->file_exists ||
			     fs->file_bytes < rq->bytes;
		if (r->extends)
			extending_write(rq, r);
		shared_mapping(h, writer, r);
		if (r->fs.tmpfs) {
			uint64_t held = fs->file_exists ? fs->file_alloc_bytes : 0;
			uint64_t want = sat_mul(r->pages, h->page_size);

			r->need_bytes = rq->mode == MEMMAP_W_PLUS ? want
					: want > held ? want - held : 0;
			if (fs->blocks) {
				r->free_known = true;
				r->free_bytes = sat_mul(fs->bavail, fs->bsize);
				if (r->truncates)
					r->free_bytes = sat_add(r->free_bytes, held);
			}
			tmpfs_pages(h, p, writer, fs, cgroup_room_kb, r);
		} else {
			disk_blocks(rq, fs, r);
		}
	}
	/* the tightest bound decides; on a tie the earlier one (the order above) */
	r->binding = MEMMAP_LIMIT_NONE;
	for (i = 0; i < r->nbounds; i++) {
		if (r->bounds[i].max_bytes < rq->bytes && r->bounds[i].max_bytes < min) {
			min = r->bounds[i].max_bytes;
			r->binding = r->bounds[i].limit;
		}
	}
	r->fits = r->binding == MEMMAP_LIMIT_NONE;
	r->limit_known = !r->fits;
	r->limit_kb = r->fits ? 0 : min / 1024;
	advice_for(writer, rq, r);
}
