/* SPDX-License-Identifier: MIT */
/*
 * model.h - the kernel's overcommit accounting, restated as pure functions.
 *
 * Owns: CommitLimit (vm_commit_limit), the per-mode commit check (__vm_enough_memory),
 * the per-CPU batch of vm_committed_as (mm_compute_batch) and the other limits on one
 * mapping (RLIMIT_AS, address space). Never does I/O: the sys layer gathers the figures.
 *
 * Units are in the names: _kb (1024 bytes), _pages (page_size bytes), _bytes.
 * Arithmetic wraps where the kernel's unsigned long wraps and nowhere else.
 * Only 64-bit kernels are modelled (unsigned long = 64 bits).
 * Kernel rules name the function, file and versions (mainline) they restate.
 */
#ifndef OVC_MODEL_H
#define OVC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* uapi linux/mman.h names */
enum model_mode {
	OVERCOMMIT_GUESS = 0,
	OVERCOMMIT_ALWAYS = 1,
	OVERCOMMIT_NEVER = 2,
};

struct model_kver {
	unsigned major, minor, patch;
};

/* Host figures, as /proc/meminfo (fs/proc/meminfo.c) and /proc/sys/vm show them. */
struct model_host {
	uint64_t page_size;            /* bytes; a power of two, at least 1024 */
	uint64_t mem_total_kb;         /* MemTotal = totalram_pages() */
	uint64_t swap_total_kb;        /* SwapTotal = total_swap_pages, outside swapoff */
	uint64_t hugetlb_kb;           /* Hugetlb: every hstate, surplus included */
	uint64_t committed_as_kb;      /* Committed_AS */
	uint64_t admin_reserve_kb;     /* vm.admin_reserve_kbytes */
	uint64_t user_reserve_kb;      /* vm.user_reserve_kbytes */
	struct model_kver kernel;      /* running kernel; selects the rules */
	unsigned cpus_online;          /* for the per-CPU error band; 0 = unknown (1 assumed) */
	unsigned cpus_present;         /* for the batch; 0 = same as online */
	uint64_t address_space_bytes;  /* DEFAULT_MAP_WINDOW (x86-64: 2^47 - 4 KiB) */
	/* the boot option ignore_rlimit_data (mm/mmap.c, 4.5+); not given, the kernel's
	 * default holds: RLIMIT_DATA ignored in 4.5 and 4.6, enforced from 4.7 */
	enum { RLD_DEFAULT = 0, RLD_IGNORE, RLD_ENFORCE } ignore_rlimit_data;

	/*
	 * Only for the free-memory estimate of OVERCOMMIT_GUESS < 5.2 (__vm_enough_memory).
	 * file_kb = Cached + SwapCached + Buffers (NR_FILE_PAGES);
	 * misc_reclaimable_kb = KReclaimable - SReclaimable (used for 4.20 to 5.1: the kernel
	 * counts it from 4.17, meminfo shows it from 4.20);
	 * totalreserve_kb from /proc/zoneinfo, 0 when unknown.
	 */
	uint64_t mem_free_kb, file_kb, shmem_kb, swap_free_kb;
	uint64_t slab_reclaimable_kb, misc_reclaimable_kb, totalreserve_kb;
};

/* The three sysctls. ratio is the kernel's int, kept wider so a what-if can be refused. */
struct model_policy {
	int mode;          /* 0, 1 or 2; any other (pre-2.6.39 only) acts as NEVER */
	int64_t ratio;     /* vm.overcommit_ratio, percent, INT_MIN..INT_MAX */
	uint64_t kbytes;   /* vm.overcommit_kbytes; non-zero takes precedence over ratio */
};

/* The process that would allocate. model_task_init() gives the unknown, unlimited one. */
struct model_task {
	bool admin;               /* cap_vm_enough_memory(): CAP_SYS_ADMIN in init_user_ns */
	bool vmsize_known;        /* false: charge the user reserve in full (conservative) */
	bool vmdata_known;        /* false: VmData taken as 0 for RLIMIT_DATA (optimistic) */
	uint64_t vmsize_kb;       /* VmSize (mm->total_vm) before the new mapping */
	uint64_t vmdata_kb;       /* VmData (mm->data_vm) before the new mapping */
	uint64_t rlimit_as_bytes; /* RLIMIT_AS soft limit; UINT64_MAX = unlimited */
	uint64_t rlimit_data_bytes;      /* RLIMIT_DATA soft limit; UINT64_MAX = unlimited */
	uint64_t rlimit_data_max_bytes;  /* its hard limit (used when the soft one is 0) */
};

/* No capability, size unknown, no limits. */
void model_task_init(struct model_task *t);

/* Which limit decides the largest allocation. */
enum model_limit {
	LIMIT_NONE = 0,
	LIMIT_HEURISTIC,      /* mode 0, >= 5.2: RAM + swap */
	LIMIT_FREE_ESTIMATE,  /* mode 0, < 5.2: estimate of free memory */
	LIMIT_COMMIT,         /* mode 2: CommitLimit - reserves - Committed_AS */
	LIMIT_RLIMIT_AS,      /* may_expand_vm */
	LIMIT_ADDRESS_SPACE,  /* get_unmapped_area: no gap that large */
	LIMIT_RLIMIT_DATA,    /* may_expand_vm, private writable mappings (4.7+) */
	LIMIT_TOO_BIG,        /* refused before the kernel is asked: a NumPy array beyond
	                         NPY_MAX_INTP bytes, malloc beyond PTRDIFF_MAX (simulate.h) */
};

/*
 * The largest single new private writable anonymous mapping, in pages:
 * every request of at most sure_pages succeeds, every request above bound_pages fails,
 * max_pages is the best estimate between them. exact means sure == max == bound.
 * An estimate (old GUESS) has sure == bound but exact == false.
 */
struct model_alloc {
	uint64_t sure_pages;
	uint64_t max_pages;
	uint64_t bound_pages;
	enum model_limit binding;
	bool exact;
};

enum model_verdict {
	VERDICT_FITS,
	VERDICT_FAILS,
	VERDICT_BORDERLINE,  /* inside the uncertainty band */
};

/* Compare a version with major.minor: <0, 0, >0. */
int model_kver_cmp(struct model_kver v, unsigned major, unsigned minor);

/* log2(page_size) - 10: the kernel's kB <-> pages shift. */
unsigned model_kb_shift(const struct model_host *h);

/* kB of a page count, saturating at UINT64_MAX. */
uint64_t model_pages_kb(const struct model_host *h, uint64_t pages);

/* vm_commit_limit() (mm/util.c) in pages, unsigned long arithmetic that wraps like it. */
uint64_t model_commit_limit_pages(const struct model_host *h, const struct model_policy *p);

/* CommitLimit as fs/proc/meminfo.c prints it: vm_commit_limit() << shift, mod 2^64. */
uint64_t model_commit_limit_kb(const struct model_host *h, const struct model_policy *p);

/* CommitLimit - Committed_AS in kB, saturated to the int64 range. */
int64_t model_headroom_kb(const struct model_host *h, const struct model_policy *p);

/* vm_committed_as_batch for a policy (mm_compute_batch(), mm/mm_init.c; policy arg 5.9+). */
uint64_t model_batch_pages(const struct model_host *h, int mode);

/* Does the kernel refuse a private writable mapping over RLIMIT_DATA (may_expand_vm)? */
bool model_rlimit_data_enforced(const struct model_host *h);

/* Largest |global - exact| of the committed counter, in pages: (batch-1) x online CPUs. */
uint64_t model_band_pages(const struct model_host *h, int mode);

/*
 * Mode 2 only: A - Committed_AS - 1 in pages, signed and not floored at 0 (how far the
 * committed count is below the point where a request of one page fails; negative when it
 * is already past it), for task t, before the per-CPU band. Comparing two policies by it
 * keeps "how far past" that the floored maximum loses.
 */
int64_t model_never_room_pages(const struct model_host *h, const struct model_policy *p,
			       const struct model_task *t);

/*
 * The largest single allocation for task under policy p: commit check, RLIMIT_AS,
 * RLIMIT_DATA (the request is a private writable anonymous mapping), VA gap.
 */
void model_max_alloc(const struct model_host *h, const struct model_policy *p,
		     const struct model_task *t, struct model_alloc *out);

/* Would one request of `pages` succeed? Sets *binding to the limit that refuses it. */
enum model_verdict model_check(const struct model_host *h, const struct model_policy *p,
			       const struct model_task *t, uint64_t pages,
			       enum model_limit *binding);

/*
 * Pages glibc's malloc(bytes) asks mmap for on x86-64 (malloc/malloc.c sysmalloc_mmap()):
 * ceil((roundup16(bytes + 8) + 8) / page_size). Returns 0 if glibc refuses the request
 * outright: bytes > PTRDIFF_MAX (malloc/malloc.c checked_request2size, glibc 2.30 and
 * later; NULL with errno ENOMEM).
 */
uint64_t model_malloc_pages(uint64_t bytes, uint64_t page_size);

/* Pages of a raw mmap of bytes: PAGE_ALIGN(bytes) / page_size, 0 if it overflows. */
uint64_t model_mmap_pages(uint64_t bytes, uint64_t page_size);

/*
 * Advice for mode 2: the smallest vm.overcommit_ratio (0..INT_MAX, kbytes 0) or the
 * smallest vm.overcommit_kbytes with which a request of `pages` surely fits.
 * Return -1 if no value of that knob makes it fit.
 */
int model_min_ratio(const struct model_host *h, const struct model_task *t, uint64_t pages,
		    int64_t *ratio);
int model_min_kbytes(const struct model_host *h, const struct model_task *t, uint64_t pages,
		     uint64_t *kbytes);

const char *model_limit_name(enum model_limit l);   /* stable JSON token */
const char *model_mode_name(int mode);              /* "heuristic", "always", "never" */

#endif
