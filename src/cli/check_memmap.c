/* SPDX-License-Identifier: MIT */
/* check_memmap.c - check --memmap: the np.memmap verdict gathered, decided and rendered. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/units.h"
#include "check_memmap.h"
#include "render.h"
#include "shared.h"

int check_memmap_validate(struct ovc_ctx *ctx, struct check_memmap *m, bool fork,
			  uint64_t bytes, bool over_64)
{
	if (!m->path) {
		if (m->mode_arg)
			return cli_usage_error(ctx, "--memmap-mode goes with --memmap PATH");
		return 0;
	}
	if (fork)
		return cli_usage_error(ctx, "--memmap does not go with --fork: a fork maps no new file");
	if (!m->path[0])
		return cli_usage_error(ctx, "invalid --memmap '': give the path of the array's file");
	m->mode = MEMMAP_W_PLUS;   /* np.memmap's mode for a new array */
	if (m->mode_arg && memmap_mode_parse(m->mode_arg, &m->mode) < 0)
		return cli_usage_error(ctx, "invalid --memmap-mode '%s': r+, w+ or c", m->mode_arg);
	if (over_64)
		return cli_usage_error(ctx, "an array of 16 EiB or more cannot be mapped from a file");
	if (!bytes)
		return cli_usage_error(ctx, "np.memmap cannot map an empty array (mmap: cannot mmap an empty file)");
	return 0;
}

int check_memmap_run(struct ovc_ctx *ctx, struct check_memmap *m, const struct model_host *h,
		     const struct model_policy *p, const struct model_task *t,
		     const struct procfs_task *pt, uint64_t bytes)
{
	struct ovc_err err = { 0 };
	int rc = cli_open_root(ctx);

	if (rc)
		return rc;
	if (memmapfs_read(&ctx->root, m->path, m->mode, bytes, &m->facts, &err) < 0)
		return cli_report(ctx, &err);
	m->rq.bytes = bytes;
	m->rq.mode = m->mode;
	/* the writer: the --pid process, else the caller (the next program of its shell) */
	if (pt) {
		m->rq.rlimit_fsize_bytes = pt->rlimit_fsize_bytes;
		m->rq.writer_reserved = pt->cap_sys_resource;
		m->fsize_from = "process";
	} else {
		m->rq.rlimit_fsize_bytes = memmapfs_self_fsize();
		m->rq.writer_reserved = geteuid() == 0;
		m->fsize_from = "caller";
	}
	/* the writer's memory cgroup (ovc check's touch answer: the caller's, --pid's or
	 * --cgroup's): a tmpfs page is charged to it when first written
	 * (shmem_add_to_page_cache -> mem_cgroup_charge, mm/shmem.c), and so is a mode c
	 * copy; only swap can take them back; past the room the memcg OOM killer ends the
	 * writer (tests/vm/cgroup: memcg) */
	memmap_check(h, p, t, &m->rq, &m->facts.fs, m->cg ? &m->cg->in.cgroup_room_kb : NULL,
		     &m->r);
	return 0;
}

static const char *limit_words_mm(enum memmap_limit l)
{
	switch (l) {
	case MEMMAP_LIMIT_COMMIT:         return "the commit limit";
	case MEMMAP_LIMIT_FS_SPACE:       return "the free space";
	case MEMMAP_LIMIT_TMPFS_SIZE:     return "the tmpfs size=";
	case MEMMAP_LIMIT_RLIMIT_FSIZE:   return "RLIMIT_FSIZE (ulimit -f)";
	case MEMMAP_LIMIT_MAX_FILE_SIZE:  return "the largest file";
	case MEMMAP_LIMIT_RLIMIT_AS:      return "RLIMIT_AS (ulimit -v)";
	case MEMMAP_LIMIT_CGROUP:         return "the cgroup";
	case MEMMAP_LIMIT_RLIMIT_DATA:    return "RLIMIT_DATA (ulimit -d)";
	case MEMMAP_LIMIT_ADDRESS_SPACE:  return "the address space";
	case MEMMAP_LIMIT_RAM_SWAP:       return "RAM + swap";
	case MEMMAP_LIMIT_NONE:
	case MEMMAP_LIMIT_N:              break;
	}
	return "nothing";
}

/* How the program fails at that limit: a JSON token and words. */
static const char *failure_id(const struct check_memmap *m)
{
	switch (m->r.binding) {
	case MEMMAP_LIMIT_COMMIT:
		return m->mode == MEMMAP_COPY ? "enomem" : "sigbus";
	case MEMMAP_LIMIT_FS_SPACE:
	case MEMMAP_LIMIT_TMPFS_SIZE:     return "sigbus";
	case MEMMAP_LIMIT_RLIMIT_FSIZE:
	case MEMMAP_LIMIT_MAX_FILE_SIZE:  return "efbig";
	case MEMMAP_LIMIT_RLIMIT_AS:
	case MEMMAP_LIMIT_RLIMIT_DATA:
	case MEMMAP_LIMIT_ADDRESS_SPACE:  return "enomem";
	case MEMMAP_LIMIT_CGROUP:
	case MEMMAP_LIMIT_RAM_SWAP:       return "oom_kill";
	case MEMMAP_LIMIT_NONE:
	case MEMMAP_LIMIT_N:              break;
	}
	return NULL;
}

static const char *failure_words(const struct check_memmap *m)
{
	switch (m->r.binding) {
	case MEMMAP_LIMIT_COMMIT:
		return m->mode == MEMMAP_COPY
		       ? "np.memmap fails at once: mmap charges the whole private mapping (OSError: [Errno 12] Cannot allocate memory)"
		       : "the write that passes it gets SIGBUS at the page fault (each tmpfs page is charged to the commit limit in mode 2), not a MemoryError";
	case MEMMAP_LIMIT_TMPFS_SIZE:
		return "the write that passes it gets SIGBUS at the page fault (the tmpfs is full), not a MemoryError";
	case MEMMAP_LIMIT_FS_SPACE:
		return "the write that passes it gets SIGBUS at the page fault (no free block for the sparse file), not a MemoryError";
	case MEMMAP_LIMIT_RLIMIT_FSIZE:
		return "np.memmap fails at once when it extends the file (OSError: [Errno 27] File too large; SIGXFSZ, which Python ignores)";
	case MEMMAP_LIMIT_MAX_FILE_SIZE:
		return "np.memmap fails at once when it extends the file (OSError: [Errno 27] File too large)";
	case MEMMAP_LIMIT_RLIMIT_AS:
	case MEMMAP_LIMIT_RLIMIT_DATA:
	case MEMMAP_LIMIT_ADDRESS_SPACE:
		return "np.memmap fails at once: mmap refuses the mapping (OSError: [Errno 12] Cannot allocate memory)";
	case MEMMAP_LIMIT_CGROUP:
		return "the OOM killer ends the writer: the cgroup cannot reclaim these pages without swap";
	case MEMMAP_LIMIT_RAM_SWAP:
		return "the OOM killer ends a process: only RAM or swap can hold these pages (an upper bound: other processes use some)";
	case MEMMAP_LIMIT_NONE:
	case MEMMAP_LIMIT_N:
		break;
	}
	return "";
}

static const char *advice_action_mm(enum memmap_advice_kind k)
{
	static const char *const ids[] = {
		[MEMMAP_ADV_DISK_PATH] = "disk_path",
		[MEMMAP_ADV_TMPFS_SIZE] = "tmpfs_size",
		[MEMMAP_ADV_MODE_SHARED] = "mode_shared",
		[MEMMAP_ADV_ULIMIT_F] = "rlimit_fsize",
		[MEMMAP_ADV_ULIMIT_V] = "rlimit_as",
		[MEMMAP_ADV_FREE_SPACE] = "free_space",
		[MEMMAP_ADV_OTHER_FS] = "other_fs",
		[MEMMAP_ADV_CHUNK] = "chunks",
	};

	return ids[k];
}

static void advice_text_mm(const struct check_memmap *m, const struct memmap_advice *a,
			   char *buf, size_t len)
{
	char v[UNITS_IEC_LEN], mx[UNITS_IEC_LEN];

	switch (a->kind) {
	case MEMMAP_ADV_DISK_PATH:
		snprintf(buf, len, "put the file on a disk file system (ext4, xfs, btrfs), not tmpfs or /dev/shm: a shared mapping of a disk file is written back and reclaimed, never charged to the commit limit");
		break;
	case MEMMAP_ADV_TMPFS_SIZE:
		snprintf(buf, len, "or give the tmpfs a larger size=, at least %s (as root: mount -o remount,size=%" PRIu64 "k on its mount point)",
			 units_iec_kb(a->value, v, sizeof(v)), a->value);
		break;
	case MEMMAP_ADV_MODE_SHARED:
		snprintf(buf, len, "use mode='r+' (changes go to the file) or mode='w+' (a new file) instead of mode='c': a shared mapping is not charged at mmap, a private writable one is, in full");
		break;
	case MEMMAP_ADV_ULIMIT_F:
		snprintf(buf, len, "raise RLIMIT_FSIZE: ulimit -f unlimited, or at least ulimit -f %" PRIu64 " (kB; a systemd LimitFSIZE=, a batch system's file size limit)",
			 a->value);
		break;
	case MEMMAP_ADV_ULIMIT_V:
		snprintf(buf, len, "raise RLIMIT_AS: ulimit -v unlimited, or at least ulimit -v %" PRIu64 " (kB; the mapping counts in the address space)",
			 a->value);
		break;
	case MEMMAP_ADV_FREE_SPACE:
		snprintf(buf, len, "free %s more on that file system, or choose one with room: each page written into the sparse file takes a block",
			 units_iec_kb(a->value, v, sizeof(v)));
		break;
	case MEMMAP_ADV_OTHER_FS:
		snprintf(buf, len, "a file system whose files can be that large (xfs, ext4, btrfs): %s holds at most %s per file",
			 m->r.fs.name ? m->r.fs.name : "this one",
			 units_iec(m->r.fs.max_file_bytes, mx, sizeof(mx)));
		break;
	case MEMMAP_ADV_CHUNK:
		snprintf(buf, len, "split the array: no address space holds it in one mapping");
		break;
	}
}

static void json_kb_or_null(struct json *j, const char *key, bool known, uint64_t bytes)
{
	if (known)
		json_u64(j, key, bytes / 1024);
	else
		json_null(j, key);
}

void check_memmap_json(struct json *j, const struct check_memmap *m)
{
	const struct memmap_result *r = &m->r;
	const struct memmap_fs *fs = &m->facts.fs;
	char text[1024];
	unsigned i;

	json_obj(j, "memmap");
	json_str(j, "path", m->facts.shown);
	json_str(j, "mode", memmap_mode_name(m->mode));
	json_bool(j, "fits", r->fits);
	json_kb_or_null(j, "limit_kb", r->limit_known, r->limit_kb * 1024);
	json_str(j, "binding_limit", memmap_limit_name(r->binding));
	json_str(j, "failure", failure_id(m));
	json_str(j, "fstype", r->fs.name);
	json_u64(j, "f_type", fs->f_type);
	json_bool(j, "tmpfs", r->fs.tmpfs);
	if (r->fs.sparse < 0)
		json_null(j, "sparse");
	else
		json_bool(j, "sparse", r->fs.sparse);
	if (r->fs.max_known)
		json_u64(j, "max_file_size", r->fs.max_file_bytes);
	else
		json_null(j, "max_file_size");
	json_bool(j, "file_exists", fs->file_exists);
	if (fs->file_exists)
		json_u64(j, "file_bytes", fs->file_bytes);
	else
		json_null(j, "file_bytes");
	json_bool(j, "extends", r->extends);
	json_bool(j, "truncates", r->truncates);
	json_u64(j, "need_kb", r->need_bytes / 1024 + !!(r->need_bytes % 1024));
	json_kb_or_null(j, "free_kb", r->free_known, r->free_bytes);
	json_kb_or_null(j, "tmpfs_size_kb", r->tmpfs_size_known, r->tmpfs_size_bytes);
	json_bool(j, "commit_at_mmap", m->mode == MEMMAP_COPY);
	json_bool(j, "commit_per_page", r->commit_per_page);
	json_kb_or_null(j, "commit_room_kb", r->commit_per_page, r->commit_room_bytes);
	if (r->commit_per_page)
		json_u64(j, "band_kb", r->band_kb);
	else
		json_null(j, "band_kb");
	json_limit(j, "rlimit_fsize_bytes", m->rq.rlimit_fsize_bytes);
	json_str(j, "rlimit_fsize_from", m->fsize_from);
	json_bool(j, "reserved_blocks", m->rq.writer_reserved);
	if (m->cg)
		json_u64(j, "cgroup_room_kb", m->cg->in.cgroup_room_kb);
	else
		json_null(j, "cgroup_room_kb");
	json_arr(j, "limits");
	for (i = 0; i < r->nbounds; i++) {
		json_obj(j, NULL);
		json_str(j, "limit", memmap_limit_name(r->bounds[i].limit));
		json_u64(j, "max_kb", r->bounds[i].max_bytes / 1024);
		json_bool(j, "binds", r->bounds[i].max_bytes < m->rq.bytes);
		json_end(j);
	}
	json_end(j);
	json_arr(j, "advice");
	for (i = 0; i < r->nadvice; i++) {
		advice_text_mm(m, &r->advice[i], text, sizeof(text));
		json_obj(j, NULL);
		json_str(j, "action", advice_action_mm(r->advice[i].kind));
		if (r->advice[i].value)
			json_u64(j, "value", r->advice[i].value);
		json_str(j, "text", text);
		json_end(j);
	}
	json_end(j);
	json_end(j);
}

void check_memmap_print(const struct ovc_ctx *ctx, const struct check_memmap *m)
{
	const struct memmap_result *r = &m->r;
	const struct memmap_fs *fs = &m->facts.fs;
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], text[1024];
	unsigned i;

	printf("\nnp.memmap at %s, mode %s: %s\n", esc(m->facts.shown), memmap_mode_name(m->mode),
	       m->mode == MEMMAP_COPY ? "a private copy-on-write mapping of the file"
	       : r->truncates ? "the file is truncated, then extended to a sparse file of the array's size"
	       : r->extends ? "a sparse file of the array's size (np.memmap writes its last byte)"
	       : "a shared mapping of the file as it is");
	if (r->fs.name)
		printf("  %-15s %s (f_type 0x%" PRIx64 ")", "File system", r->fs.name, fs->f_type);
	else
		printf("  %-15s unknown (f_type 0x%" PRIx64 ")", "File system", fs->f_type);
	if (m->mode == MEMMAP_COPY)
		printf(": not written; the copies are anonymous memory, charged in full at mmap\n");
	else if (r->fs.tmpfs)
		printf(": each page is charged as it is first written%s, and only RAM or swap holds it\n",
		       r->commit_per_page ? " (to the commit limit in mode 2, and to the size=)" : " (to the size=)");
	else
		printf(": written back and reclaimed; not charged to the commit limit or a cgroup\n");
	if (m->mode != MEMMAP_COPY) {
		if (r->free_known)
			printf("  %-15s %s, for %s to write%s\n", "Free", units_iec(r->free_bytes, a, sizeof(a)),
			       units_iec(r->need_bytes, b, sizeof(b)),
			       r->truncates ? " (the truncated file's blocks included)" : "");
		else
			printf("  %-15s unknown (the file system states no size), for %s to write\n", "Free",
			       units_iec(r->need_bytes, b, sizeof(b)));
		if (r->tmpfs_size_known)
			printf("  %-15s %s\n", "size=", units_iec(r->tmpfs_size_bytes, a, sizeof(a)));
		printf("  %-15s %s\n", "Largest file", r->fs.max_known
		       ? units_iec(r->fs.max_file_bytes, a, sizeof(a)) : "unknown for this file system");
	}
	printf("  %-15s %s%s%s", "Verdict", clr(ctx->color, r->fits ? C_GREEN : C_RED),
	       r->fits ? "works" : "does not work", clr_off(ctx->color));
	if (!r->fits)
		printf(": it stops at %s (limited by %s)\n    %s",
		       units_iec_kb(r->limit_kb, a, sizeof(a)), limit_words_mm(r->binding),
		       failure_words(m));
	printf("\n  Limits:\n");
	for (i = 0; i < r->nbounds; i++) {
		bool binds = r->bounds[i].max_bytes < m->rq.bytes;

		printf("    %-26s %-12s %s\n", limit_words_mm(r->bounds[i].limit),
		       units_iec(r->bounds[i].max_bytes, a, sizeof(a)), binds ? "stops it" : "ok");
	}
	if (r->commit_per_page)
		printf("    (the commit room is the writer's, its mapping counted in its reserve; the per-CPU counters blur it by up to %s)\n",
		       units_iec_kb(r->band_kb, a, sizeof(a)));
	if ((m->mode == MEMMAP_COPY || r->fs.tmpfs) && m->cg)
		printf("    (the cgroup's room is %s less what it has charged, plus its reclaimable page cache and swap: see Write)\n",
		       esc(m->cg->binding_file));
	else if (m->mode == MEMMAP_COPY || r->fs.tmpfs)
		printf("    (no memory cgroup limit applies to the writer: the pages need RAM or swap)\n");
	if (r->nadvice) {
		printf("\nWhat would make the memmap work:\n");
		for (i = 0; i < r->nadvice; i++) {
			advice_text_mm(m, &r->advice[i], text, sizeof(text));
			printf("  - %s\n", text);
		}
	}
}
