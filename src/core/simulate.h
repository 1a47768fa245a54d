/* SPDX-License-Identifier: MIT */
/*
 * simulate.h - what ovc reports, computed from the model: one row per mode, the verdict
 * on one allocation under each mode, the limit that refuses it and what would let it
 * succeed. Pure: numbers in, numbers out; wording belongs to the CLI.
 */
#ifndef OVC_SIMULATE_H
#define OVC_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct sim_mode {
	int mode;
	int64_t ratio;
	uint64_t kbytes;
	uint64_t commit_limit_kb;     /* as meminfo would print it (wrapping) */
	int64_t headroom_kb;          /* CommitLimit - Committed_AS */
	struct model_alloc user;      /* without CAP_SYS_ADMIN */
	struct model_alloc admin;     /* with it */
};

/* Rows for modes 0, 1, 2 under policy p's ratio/kbytes (p->mode is ignored). */
void sim_modes(const struct model_host *h, const struct model_policy *p,
	       const struct model_task *t, struct sim_mode out[3]);

enum advice_kind {
	ADV_MODE_ALWAYS,   /* set vm.overcommit_memory=1 */
	ADV_MODE_GUESS,    /* set vm.overcommit_memory=0 (mode 2 refuses, mode 0 would not) */
	ADV_RATIO,         /* value = smallest vm.overcommit_ratio (mode 2) */
	ADV_KBYTES,        /* value = smallest vm.overcommit_kbytes (mode 2) */
	ADV_SWAP,          /* value = kB of additional swap that makes mode 0 accept it */
	ADV_RLIMIT_AS,     /* value = bytes RLIMIT_AS must at least be (own_kb included) */
	ADV_RLIMIT_DATA,   /* value = bytes RLIMIT_DATA must at least be (own_kb included) */
	ADV_MEMMAP,        /* np.memmap r+/w+ of a disk file is not charged (a tmpfs file is,
	                      per page: shmem_acct_block; mode 'c' is private, in full) */
	ADV_ADDRESS_SPACE, /* larger than the address space: only chunking helps */
	ADV_BORDERLINE,    /* within the per-CPU band: value = band in kB */
	ADV_WRITTEN_BEYOND,/* written when created and larger than RAM + swap: value = kB
	                      of RAM + swap; no policy helps (sim_check_written) */
};

struct advice {
	enum advice_kind kind;
	uint64_t value;
	/* ADV_RLIMIT_*: the process's own VmSize or VmData in kB, in value when known;
	 * unknown: value is the request alone, and the advice must say so */
	bool own_known;
	uint64_t own_kb;
	/* ADV_MODE_ALWAYS for an allocation written in full when it is made: mode 1 accepts
	 * it, but every page is then backed at once; value = its size in kB */
	bool written;
	bool fork;   /* ADV_MODE_ALWAYS for a fork: copy-on-write, not a sparse array */
	/* ADV_WRITTEN_BEYOND: the memory cgroup's room (value, kB) is what it exceeds,
	 * not RAM + swap (sim_check_written_cgroup) */
	bool cgroup;
};

struct check_result {
	uint64_t pages;
	enum model_verdict verdict;       /* under the current policy */
	enum model_limit binding;         /* LIMIT_NONE when it fits */
	enum model_verdict mode_verdict[3];
	enum model_limit mode_binding[3];
	struct advice advice[10];
	size_t nadvice;
};

/* Verdicts for one request of `pages` by task t, under p and under each mode. */
void sim_check(const struct model_host *h, const struct model_policy *p,
	       const struct model_task *t, uint64_t pages, struct check_result *out);

/*
 * For an allocation whose every page is written when it is made (np.ones, np.full, any
 * object array), after sim_check: overcommit does not spare its pages. Mode 1 advice
 * says so, and when the pages exceed RAM + swap (less the hugetlb pool, which anonymous
 * memory cannot use) it is replaced by ADV_WRITTEN_BEYOND: accepting it would only
 * move the failure to the OOM killer.
 */
void sim_check_written(const struct model_host *h, uint64_t pages, struct check_result *r);

/*
 * After sim_check_written, for the same array, when a memory cgroup leaves room_kb for
 * writes (core/cgroup cg_room): pages beyond it are charged as they are written, and
 * past the room the cgroup's OOM killer ends the process (try_charge_memcg,
 * mm/memcontrol.c), whatever the overcommit mode. The mode 1 advice becomes
 * ADV_WRITTEN_BEYOND with cgroup set and value room_kb.
 */
void sim_check_written_cgroup(const struct model_host *h, uint64_t pages, uint64_t room_kb,
			      struct check_result *r);

/*
 * Chunking an array along its leading dimension: the largest number of rows (each
 * row_bytes) of at most `rows` that one allocation (malloc, or mmap with via_mmap) surely
 * gets now from task t under p; also within RAM + swap when the array is written in full
 * when created. 0 when not even one row fits.
 */
uint64_t sim_max_rows(const struct model_host *h, const struct model_policy *p,
		      const struct model_task *t, uint64_t row_bytes, uint64_t rows,
		      bool via_mmap, bool written);

/*
 * A fork of a process whose VM_ACCOUNT mappings (less VM_DONTCOPY) come to total_pages,
 * the largest largest_pages: dup_mmap (kernel/fork.c) asks security_vm_enough_memory_mm
 * once per mapping, with the parent's mm (its size for the user reserve). In mode 2
 * the charges add up against the limit; in mode 0 each mapping is checked alone (5.2+:
 * above RAM + swap); mode 1 never refuses. RLIMIT_AS and RLIMIT_DATA are not checked
 * and the address space is the parent's: neither is modelled here. No memmap advice.
 */
void sim_check_fork(const struct model_host *h, const struct model_policy *p,
		    const struct model_task *t, uint64_t total_pages, uint64_t largest_pages,
		    struct check_result *out);

/* RAM + swap that anonymous pages can use, in kB: MemTotal less the hugetlb pool, + swap. */
uint64_t sim_backing_kb(const struct model_host *h);
/* Who refuses a request before the kernel's overcommit check is ever asked. */
enum too_big_by {
	TOO_BIG_NO = 0,
	TOO_BIG_NUMPY,    /* an array of more than NPY_MAX_INTP bytes: NumPy raises ValueError
	                     (ctors.c PyArray_NewFromDescr_int) and allocates nothing */
	TOO_BIG_MALLOC,   /* malloc of more than PTRDIFF_MAX bytes: NULL, errno ENOMEM
	                     (malloc.c checked_request2size, glibc 2.30 and later) */
	TOO_BIG_MMAP,     /* an mmap length that wraps to 0 when rounded up to pages: do_mmap
	                     (mm/mmap.c) returns -ENOMEM */
};

/*
 * The refusal, if any, for `bytes` asked for with malloc or mmap; numpy_too_big: the
 * request is a NumPy array that NumPy refuses as too big.
 */
enum too_big_by sim_too_big(uint64_t bytes, bool via_mmap, bool numpy_too_big,
			    uint64_t page_size);

/*
 * The verdict on a request sim_too_big() refuses: it fails in every mode, binding
 * LIMIT_TOO_BIG, with no page count (pages 0); only splitting it helps.
 */
void sim_check_too_big(struct check_result *out);

/* Conditions worth a sysadmin's attention (ovc(8) WARNINGS lists them). */
enum warn_id {
	W_LIMIT_MISMATCH,      /* a = printed CommitLimit kB, b = computed */
	W_MEMINFO_VIRTUAL,     /* /proc/meminfo is overmounted (LXCFS) */
	W_MODE2_NO_HEADROOM,   /* mode 2, Committed_AS >= CommitLimit: a = committed, b = limit */
	W_MODE2_LOW_HEADROOM,  /* mode 2, headroom below the margin: a = headroom kB */
	W_MODE2_WOULD_FAIL,    /* mode 0/1 now, but Committed_AS > CommitLimit: mode 2 would refuse */
	W_RATIO_NEGATIVE,      /* CommitLimit wraps to an astronomic value */
	W_RATIO_OVER_100,      /* mode 2 limit above RAM + swap */
	W_LIMIT_SWAP_ONLY,     /* ratio 0 and kbytes 0: CommitLimit is swap only */
	W_HUGETLB_RATIO,       /* mode 2 ratio: a = hugetlb kB excluded from the RAM share */
	W_LEGACY_GUESS,        /* kernel < 5.2: mode 0 estimates free memory */
	W_HUGETLB_DEFAULT_ONLY,/* no Hugetlb: line; other huge page sizes not counted */
	W_MODE_UNKNOWN,        /* overcommit_memory outside 0..2 */
	W_USER_RESERVE_ZERO,   /* mode 2 and user_reserve_kbytes 0 */
	W_CPUS_UNKNOWN,        /* no CPU count: the band assumes one CPU */
	W_NO_ZONEINFO,         /* old heuristic without zone reserves: optimistic */
};

struct sim_warning {
	enum warn_id id;
	uint64_t a, b;
};

/* Facts that only the reader knows. */
struct sim_facts {
	bool printed_limit_known;
	uint64_t printed_limit_kb;
	bool meminfo_overmounted;
	bool hugetlb_default_only;
	bool cpus_unknown;
	bool zoneinfo_missing;
};

/*
 * Mode 2 headroom below which ovc warns: 5 % of CommitLimit, at least 256 MiB
 * (enough for sshd, systemd and a shell to fork and exec a recovery tool).
 */
#define SIM_LOW_HEADROOM_MIN_KB (256u * 1024)
#define SIM_LOW_HEADROOM_PCT 5

/* That margin for a CommitLimit of limit_kb. */
uint64_t sim_low_headroom_margin_kb(uint64_t limit_kb);

size_t sim_warnings(const struct model_host *h, const struct model_policy *p,
		    const struct sim_facts *f, struct sim_warning *out, size_t max);

#endif
