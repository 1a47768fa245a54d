/* SPDX-License-Identifier: MIT */
/*
 * thp.h - transparent huge pages, restated as pure functions: the sysfs "[choice]" lines,
 * when NumPy asks for huge pages (madvise MADV_HUGEPAGE), whether the kernel then backs an
 * anonymous write fault with a whole PMD-sized page, and what a sparse write costs.
 *
 * Kernel (6.1, as Debian 12 ships it): mm/huge_memory.c hugepage_vma_check() decides, per
 * VMA, from the sysfs "enabled" flags (hugepage_flags_enabled / hugepage_flags_always,
 * include/linux/huge_mm.h): "always" = every anonymous VMA, "madvise" = only VMAs with
 * VM_HUGEPAGE (set by madvise(MADV_HUGEPAGE), mm/khugepaged.c hugepage_madvise), "never" =
 * none. A write fault in a PMD-aligned range that lies wholly in such a VMA goes to
 * do_huge_pmd_anonymous_page() (mm/huge_memory.c, from create_huge_pmd in mm/memory.c
 * __handle_mm_fault), which allocates and charges the whole HPAGE_PMD_SIZE page (2 MiB
 * with 4 KiB pages: 512 pages) at once; only when that allocation fails (the "defrag"
 * setting decides how hard it tries: vma_thp_gfp_mask) does it fall back to one 4 KiB
 * page. A read fault maps the huge zero page (use_zero_page) and costs nothing.
 * Later, khugepaged (mm/khugepaged.c hpage_collapse_scan_pmd, khugepaged_scan_pmd before
 * 6.1) collapses a PMD range of 4 KiB pages into one huge page when at most max_ptes_none
 * of its 512 entries are empty or the zero page (none_or_zero <= khugepaged_max_ptes_none,
 * default HPAGE_PMD_NR - 1 = 511: one touched page is enough), for the same VMAs
 * (hugepage_vma_check with enforce_sysfs).
 */
#ifndef OVC_THP_H
#define OVC_THP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* The words of /sys/kernel/mm/transparent_hugepage/enabled (enabled_show), in order. */
enum thp_enabled { THP_ALWAYS = 0, THP_MADVISE, THP_NEVER, THP_INHERIT, THP_ENABLED_N };

/* defrag (defrag_show): always defer defer+madvise madvise never */
enum thp_defrag { THP_DEFRAG_ALWAYS = 0, THP_DEFRAG_DEFER, THP_DEFRAG_DEFER_MADVISE,
		  THP_DEFRAG_MADVISE, THP_DEFRAG_NEVER, THP_DEFRAG_N };

/*
 * The bracketed word of a sysfs choice line ("always [madvise] never\n"): its index in
 * words[0..n), or -1 when there is not exactly one bracketed word, it is not one of words,
 * or anything but words, blanks and a final newline is in the text.
 */
int thp_choice(const char *text, size_t len, const char *const *words, size_t n);

/* enabled / hugepages-<size>kB/enabled and defrag lines (-1 as above). */
int thp_parse_enabled(const char *text, size_t len, bool allow_inherit);
int thp_parse_defrag(const char *text, size_t len);

const char *thp_enabled_name(int e);   /* "always", ...; NULL for -1 */
const char *thp_defrag_name(int d);

/* The settings as read; -1 / false where a file was missing or malformed. */
struct thp_settings {
	bool known;              /* the "enabled" file was read and understood */
	int enabled;             /* THP_ALWAYS..THP_NEVER */
	int pmd_enabled;         /* hugepages-<PMD size>kB/enabled (6.8+): -1 absent */
	int defrag;
	bool has_max_ptes_none;
	uint64_t max_ptes_none;
	uint64_t hpage_bytes;    /* hpage_pmd_size (4.8+); 0 unknown */
};

/*
 * The mode that governs PMD-sized anonymous huge pages: the per-size control unless it
 * is absent or "inherit" (6.8+, mm/huge_memory.c thp_vma_allowable_orders), else the
 * top-level one; -1 when unknown.
 */
int thp_effective(const struct thp_settings *s);

/* The huge page size in bytes: hpage_pmd_size, or 512 pages when unknown. */
uint64_t thp_hpage_bytes(const struct thp_settings *s, uint64_t page_size);

/*
 * NumPy's madvise(MADV_HUGEPAGE) rule (numpy/_core/src/multiarray/alloc.c
 * indicate_hugepages; numpy/core/src/multiarray/alloc.c _npy_alloc_cache before 2.0): an
 * allocation of at least 4 MiB (1 << 22 bytes) is madvised when the flag set at import is
 * on (numpy/__init__.py hugepage_setup): NUMPY_MADVISE_HUGEPAGE unset -> on when the
 * running kernel (os.uname().release) is 4.6 or later; set -> int(value) != 0, a value
 * int() refuses makes "import numpy" fail. np.empty, np.ones and np.full allocate with
 * malloc (default_malloc -> _npy_alloc_cache): madvised. np.zeros allocates with calloc
 * (default_calloc), madvised only from NumPy 2.2 (commit 382b3ff2f3, "Ensure hugepages
 * are also indicated for calloc allocations"). NumPy 1.x until 1.26 also kept madvise on
 * when the kernel release did not parse (a misspelt variable, use_hugepages = 0).
 */
#define NUMPY_HUGEPAGE_MIN_BYTES ((uint64_t)1 << 22)

enum numpy_env { NPENV_UNSET = 0, NPENV_OFF, NPENV_ON, NPENV_INVALID };

/* NUMPY_MADVISE_HUGEPAGE's value as int() in Python reads it (NULL: unset). */
enum numpy_env numpy_env_parse(const char *value);

enum numpy_madv {
	NPM_YES = 0,
	NPM_SMALL,          /* under 4 MiB */
	NPM_ENV_OFF,        /* NUMPY_MADVISE_HUGEPAGE=0 */
	NPM_ENV_INVALID,    /* NumPy does not import */
	NPM_OLD_KERNEL,     /* kernel before 4.6, variable unset */
	NPM_CALLOC_OLD,     /* np.zeros with NumPy before 2.2 */
};

/*
 * Does NumPy madvise an array of bytes? calloc: created by np.zeros. numpy_ver: major *
 * 100 + minor (124 for 1.24), 0 unknown: the newest rule (2.2+, the worst case).
 */
enum numpy_madv numpy_madvise(uint64_t bytes, bool calloc, enum numpy_env env,
			      struct model_kver kernel, unsigned numpy_ver);

/* The anonymous memory of the request gets huge pages at fault: mode x madvised. */
bool thp_applies(int mode, bool madvised);

/* What touching some elements of an array can cost (thp_sparse_cost). */
struct thp_cost {
	uint64_t array_kb;          /* the array in whole pages: every page written */
	uint64_t hpage_kb;
	uint64_t factor;            /* huge page / page: 512 with 4 KiB and 2 MiB */
	uint64_t regions;           /* huge-page regions the array spans */
	uint64_t elems_for_full;    /* touching this many elements, one per region, can cost
				     * the whole array when THP applies */
	bool has_touched;
	uint64_t touched;
	uint64_t worst_kb;          /* the touched elements' worst case with THP as it applies */
	uint64_t plain_kb;          /* the same with 4 KiB pages only */
	uint64_t collapse_min_pages;  /* khugepaged collapses a region with this many touched
				       * pages (512 - max_ptes_none); 0 unknown */
};

/*
 * The cost of writing `touched` elements (has_touched) of an array of bytes with items of
 * itemsize bytes (1 for a plain SIZE), in the worst placement (each in its own region):
 * min(array, touched x regions-per-element x huge page) when THP applies, else the same
 * with pages. An item that is a power of two up to 16 bytes never straddles a region
 * (malloc's 16-byte alignment); a larger or odd one may touch one region more.
 */
void thp_sparse_cost(uint64_t bytes, uint64_t itemsize, bool has_touched, uint64_t touched,
		     uint64_t page_size, const struct thp_settings *s, bool applies,
		     struct thp_cost *out);

#endif
