/* SPDX-License-Identifier: MIT */
/* thp.c - transparent huge pages: sysfs choice lines, NumPy's madvise rule, sparse cost. */
#include <string.h>

#include "thp.h"

static const char *const enabled_words[THP_ENABLED_N] = { "always", "madvise", "never",
							   "inherit" };
static const char *const defrag_words[THP_DEFRAG_N] = { "always", "defer", "defer+madvise",
							 "madvise", "never" };

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

int thp_choice(const char *text, size_t len, const char *const *words, size_t n)
{
	size_t i = 0, k;
	int chosen = -1;

	/* one final newline, as sysfs_emit("%s\n") writes it */
	if (len && text[len - 1] == '\n')
		len--;
	while (i < len) {
		size_t start, wl;
		bool br = false;

		if (blank(text[i])) {
			i++;
			continue;
		}
		if (text[i] == '[') {
			br = true;
			i++;
		}
		start = i;
		while (i < len && !blank(text[i]) && text[i] != '[' && text[i] != ']')
			i++;
		wl = i - start;
		if (br) {
			if (i >= len || text[i] != ']' || chosen >= 0)
				return -1;
			i++;
			if (i < len && !blank(text[i]))
				return -1;
		} else if (i < len && !blank(text[i])) {
			return -1;   /* a stray bracket */
		}
		for (k = 0; k < n; k++)
			if (strlen(words[k]) == wl && !memcmp(words[k], text + start, wl))
				break;
		if (k == n)
			return -1;
		if (br)
			chosen = (int)k;
	}
	return chosen;
}

int thp_parse_enabled(const char *text, size_t len, bool allow_inherit)
{
	return thp_choice(text, len, enabled_words, allow_inherit ? THP_ENABLED_N : THP_INHERIT);
}

int thp_parse_defrag(const char *text, size_t len)
{
	return thp_choice(text, len, defrag_words, THP_DEFRAG_N);
}

const char *thp_enabled_name(int e)
{
	return e >= 0 && e < THP_ENABLED_N ? enabled_words[e] : NULL;
}

const char *thp_defrag_name(int d)
{
	return d >= 0 && d < THP_DEFRAG_N ? defrag_words[d] : NULL;
}

int thp_effective(const struct thp_settings *s)
{
	if (s->pmd_enabled >= THP_ALWAYS && s->pmd_enabled <= THP_NEVER)
		return s->pmd_enabled;
	return s->known ? s->enabled : -1;
}

uint64_t thp_hpage_bytes(const struct thp_settings *s, uint64_t page_size)
{
	/* HPAGE_PMD_SIZE: a page table's worth of pages (PTRS_PER_PTE = page / 8 bytes) */
	return s->hpage_bytes ? s->hpage_bytes : page_size / 8 * page_size;
}

enum numpy_env numpy_env_parse(const char *v)
{
	const char *p;
	bool digits = false, nonzero = false;

	if (!v)
		return NPENV_UNSET;
	/* Python's int(str): blanks around, one sign, digits with single '_' between them */
	p = v;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		nonzero |= *p != '0';
		if (p[1] == '_' && p[2] >= '0' && p[2] <= '9')
			p++;
	}
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (!digits || *p)
		return NPENV_INVALID;
	return nonzero ? NPENV_ON : NPENV_OFF;
}

enum numpy_madv numpy_madvise(uint64_t bytes, bool calloc, enum numpy_env env,
			      struct model_kver kernel, unsigned numpy_ver)
{
	if (env == NPENV_INVALID)
		return NPM_ENV_INVALID;
	if (env == NPENV_OFF)
		return NPM_ENV_OFF;
	if (env == NPENV_UNSET && model_kver_cmp(kernel, 4, 6) < 0)
		return NPM_OLD_KERNEL;
	if (calloc && numpy_ver && numpy_ver < 202)
		return NPM_CALLOC_OLD;
	if (bytes < NUMPY_HUGEPAGE_MIN_BYTES)
		return NPM_SMALL;
	return NPM_YES;
}

bool thp_applies(int mode, bool madvised)
{
	return mode == THP_ALWAYS || (mode == THP_MADVISE && madvised);
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* How many units of `unit` bytes one item can touch: 1, or one more if it may straddle. */
static uint64_t units_per_item(uint64_t itemsize, uint64_t unit)
{
	if (itemsize <= 16 && !(itemsize & (itemsize - 1)))
		return 1;
	return 1 + (itemsize - 1) / unit + ((itemsize - 1) % unit != 0);
}

void thp_sparse_cost(uint64_t bytes, uint64_t itemsize, bool has_touched, uint64_t touched,
		     uint64_t page_size, const struct thp_settings *s, bool applies,
		     struct thp_cost *out)
{
	uint64_t hp = thp_hpage_bytes(s, page_size), pages;

	memset(out, 0, sizeof(*out));
	if (!itemsize)
		itemsize = 1;
	pages = bytes / page_size + (bytes % page_size != 0);
	out->array_kb = mul_sat(pages, page_size / 1024);
	out->hpage_kb = hp / 1024;
	out->factor = hp / page_size;
	out->regions = bytes / hp + (bytes % hp != 0);
	out->elems_for_full = out->regions;
	if (s->has_max_ptes_none)
		out->collapse_min_pages = s->max_ptes_none >= out->factor - 1
						  ? 1 : out->factor - s->max_ptes_none;
	out->has_touched = has_touched;
	out->touched = touched;
	if (!has_touched)
		return;
	out->plain_kb = mul_sat(mul_sat(touched, units_per_item(itemsize, page_size)),
				page_size / 1024);
	if (out->plain_kb > out->array_kb)
		out->plain_kb = out->array_kb;
	out->worst_kb = applies ? mul_sat(mul_sat(touched, units_per_item(itemsize, hp)),
					  out->hpage_kb)
				: out->plain_kb;
	if (out->worst_kb > out->array_kb)
		out->worst_kb = out->array_kb;
}
