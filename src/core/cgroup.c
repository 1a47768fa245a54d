/* SPDX-License-Identifier: MIT */
/* cgroup.c - memory cgroup file parsers (v1, v2) and the room they leave for writes; pure. */
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "mountinfo.h"

/* A decimal u64 filling [p, end) exactly. -1: not a number; -2: overflow. */
static int dec_u64(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	if (p >= end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return -2;
	}
	*out = v;
	return 0;
}

/*
 * The one line of a cgroup file: [text, *end) without the final newline. A second line,
 * a NUL or an empty file is refused.
 */
static int one_line(const char *text, size_t len, const char *path, const char **end,
		    struct ovc_err *err)
{
	const char *e = text + len;

	if (len && e[-1] == '\n')
		e--;
	if (e == text)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1, "empty file, expected a number");
	if (memchr(text, '\n', (size_t)(e - text)) || memchr(text, '\0', (size_t)(e - text)))
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1,
				"expected one line with one number");
	*end = e;
	return 0;
}

/*
 * v1 prints counter->max * PAGE_SIZE (mem_cgroup_read_u64, mm/memcontrol.c): unlimited is
 * PAGE_COUNTER_MAX (LONG_MAX / PAGE_SIZE on 64-bit, include/linux/page_counter.h) times
 * the page size: 9223372036854771712 with 4 KiB pages.
 */
static uint64_t v1_unlimited(uint64_t page_size)
{
	if (!page_size)
		page_size = 4096;
	return (uint64_t)INT64_MAX / page_size * page_size;
}

int cg_parse_limit(const char *text, size_t len, const char *path, uint64_t page_size,
		   uint64_t *bytes, struct ovc_err *err)
{
	const char *end;
	int r;

	if (one_line(text, len, path, &end, err) < 0)
		return -1;
	/* memory_max_show etc. print "max" for PAGE_COUNTER_MAX (seq_puts_memcg_tunable) */
	if (end - text == 3 && !memcmp(text, "max", 3)) {
		*bytes = CG_UNLIMITED;
		return 0;
	}
	r = dec_u64(text, end, bytes);
	if (r == -2)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1, "value does not fit in 64 bits");
	if (r < 0)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1,
				"expected 'max' or a number of bytes");
	if (*bytes >= v1_unlimited(page_size))
		*bytes = CG_UNLIMITED;
	return 0;
}

int cg_parse_usage(const char *text, size_t len, const char *path, uint64_t *bytes,
		   struct ovc_err *err)
{
	const char *end;
	int r;

	if (one_line(text, len, path, &end, err) < 0)
		return -1;
	r = dec_u64(text, end, bytes);
	if (r == -2)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1, "value does not fit in 64 bits");
	if (r < 0)
		return ovc_fail(err, OVC_E_INPUT, 0, path, 1, "expected a number of bytes");
	return 0;
}

struct stat_key {
	const char *name;
	size_t off;
	int flag;   /* which has_ flag it sets: 0 none, 1 active, 2 inactive, 3, 4 hier */
};

#define SK(n, f, fl) { n, offsetof(struct cg_stat, f), fl }
static const struct stat_key stat_keys[] = {
	/* v2: memory_stat_format (mm/memcontrol.c), bytes */
	SK("active_file", active_file, 1), SK("inactive_file", inactive_file, 2),
	SK("file", file, 0), SK("anon", anon, 0), SK("shmem", shmem, 0),
	SK("file_dirty", file_dirty, 0), SK("file_writeback", file_writeback, 0),
	SK("file_mapped", file_mapped, 0),
	/* v1: memcg1_stat_format, the hierarchical total_ keys, bytes */
	SK("total_active_file", active_file, 1), SK("total_inactive_file", inactive_file, 2),
	SK("total_cache", file, 0), SK("total_rss", anon, 0), SK("total_shmem", shmem, 0),
	SK("total_dirty", file_dirty, 0), SK("total_writeback", file_writeback, 0),
	SK("total_mapped_file", file_mapped, 0),
	SK("hierarchical_memory_limit", hier_limit, 3),
	SK("hierarchical_memsw_limit", hier_memsw_limit, 4),
};
#undef SK

int cg_parse_stat(const char *text, size_t len, const char *path, uint64_t page_size,
		  struct cg_stat *st, struct ovc_err *err)
{
	const char *p = text, *end = text + len;
	bool act = false, inact = false;
	unsigned lineno = 0;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *sp;
		uint64_t v;
		size_t i, klen;
		int r;

		lineno++;
		if (le == p && !nl)
			break;
		sp = memchr(p, ' ', (size_t)(le - p));
		if (!sp || sp == p || memchr(p, '\0', (size_t)(le - p)))
			return ovc_fail(err, OVC_E_INPUT, 0, path, lineno,
					"not a memory.stat line (expected 'key value')");
		klen = (size_t)(sp - p);
		r = dec_u64(sp + 1, le, &v);
		if (r == -2)
			return ovc_fail(err, OVC_E_INPUT, 0, path, lineno,
					"value does not fit in 64 bits");
		if (r < 0)
			return ovc_fail(err, OVC_E_INPUT, 0, path, lineno,
					"value is not a non-negative integer");
		for (i = 0; i < sizeof(stat_keys) / sizeof(stat_keys[0]); i++) {
			if (strlen(stat_keys[i].name) != klen ||
			    memcmp(stat_keys[i].name, p, klen))
				continue;
			if (stat_keys[i].flag >= 3 && v >= v1_unlimited(page_size))
				v = CG_UNLIMITED;
			memcpy((char *)st + stat_keys[i].off, &v, sizeof(v));
			act |= stat_keys[i].flag == 1;
			inact |= stat_keys[i].flag == 2;
			st->has_hier_limit |= stat_keys[i].flag == 3;
			st->has_hier_memsw |= stat_keys[i].flag == 4;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	st->has_file_lru = act && inact;
	return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

/* limit - charged + reclaimable, at 0 when charged already exceeds the rest */
static uint64_t level_room(uint64_t limit, uint64_t charged, uint64_t reclaimable)
{
	uint64_t have;

	if (limit == CG_UNLIMITED)
		return CG_UNLIMITED;
	have = sat_add(limit, reclaimable);
	return have > charged ? have - charged : 0;
}

static uint64_t reclaimable_of(const struct cg_level *l)
{
	if (!l->has_stat || !l->stat.has_file_lru)
		return 0;   /* unknown: none assumed, the cautious side */
	return sat_add(l->stat.active_file, l->stat.inactive_file);
}

void cg_room(const struct cg_path *p, uint64_t host_swap_free, struct cg_room *out)
{
	uint64_t swap_path = CG_UNLIMITED, memsw_room = CG_UNLIMITED;
	bool have_memsw = false;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->mem_room = CG_UNLIMITED;
	out->limit = CG_UNLIMITED;
	for (i = 0; i < p->n && i < CG_MAX_DEPTH; i++) {
		const struct cg_level *l = &p->lv[i];
		uint64_t rec = reclaimable_of(l), r;

		if (!l->has_memory)
			continue;   /* charged to the next level up that has the controller */
		r = level_room(l->max, l->current, rec);
		if (l->max != CG_UNLIMITED && r < out->mem_room) {
			out->limited = true;
			out->mem_room = r;
			out->level = i;
			out->limit = l->max;
			out->charged = l->current;
			out->reclaimable = rec;
		}
		if (l->has_high && l->high != CG_UNLIMITED && l->high < l->max &&
		    (!out->high_below || l->high < out->high)) {
			out->high_below = true;
			out->high_level = i;
			out->high = l->high;
		}
		/* v2: memory.swap.max along the path (mem_cgroup_get_nr_swap_pages) */
		if (p->version == CG_V2 && l->has_swap && l->swap_max != CG_UNLIMITED) {
			uint64_t s = l->swap_max > l->swap_current ? l->swap_max - l->swap_current
								   : 0;

			if (s < swap_path)
				swap_path = s;
		}
		/* v1: memory+swap, charged by try_charge_memcg before memory (do_memsw_account) */
		if (p->version == CG_V1 && l->has_memsw && l->memsw_max != CG_UNLIMITED) {
			r = level_room(l->memsw_max, l->memsw_current, rec);
			if (r < memsw_room) {
				memsw_room = r;
				out->memsw_level = i;
			}
			have_memsw = true;
		}
	}
	/* v1: hierarchical_memory_limit covers ancestors the mount or namespace hides; their
	 * charge is at least this cgroup's, so the room is at most this (an upper bound) */
	if (p->version == CG_V1 && p->n && p->lv[0].has_memory && p->lv[0].has_stat) {
		const struct cg_level *l = &p->lv[0];
		uint64_t rec = reclaimable_of(l);

		if (l->stat.has_hier_limit && l->stat.hier_limit != CG_UNLIMITED) {
			uint64_t r = level_room(l->stat.hier_limit, l->current, rec);

			if (r < out->mem_room) {
				out->limited = true;
				out->hidden_limit = true;
				out->mem_room = r;
				out->level = 0;
				out->limit = l->stat.hier_limit;
				out->charged = l->current;
				out->reclaimable = rec;
			}
		}
		if (l->has_memsw && l->stat.has_hier_memsw &&
		    l->stat.hier_memsw_limit != CG_UNLIMITED) {
			uint64_t r = level_room(l->stat.hier_memsw_limit, l->memsw_current, rec);

			if (r < memsw_room) {
				memsw_room = r;
				out->memsw_level = 0;
			}
			have_memsw = true;
		}
	}
	out->swap_room = host_swap_free;
	if (swap_path < host_swap_free) {
		out->swap_room = swap_path;
		out->swap_limited = true;
	}
	if (!out->limited && !(have_memsw && memsw_room != CG_UNLIMITED)) {
		out->room = CG_UNLIMITED;
		return;
	}
	out->room = sat_add(out->mem_room, out->swap_room);
	if (have_memsw && memsw_room < out->room) {
		out->limited = true;
		out->memsw_binds = true;
		out->room = memsw_room;
		out->swap_room = memsw_room > out->mem_room ? memsw_room - out->mem_room : 0;
	}
}

enum cg_version cg_mountinfo_line(const char *line, size_t len, char *root, size_t rootlen,
				  char *mountpoint, size_t mplen)
{
	struct mountinfo m;
	struct mi_str t, o;
	enum cg_version v;
	const char *c;

	if (!mountinfo_parse(line, len, &m))
		return CG_NONE;
	t = m.fstype;
	o = m.super_opts;
	if (t.n == 7 && !memcmp(t.s, "cgroup2", 7)) {
		v = CG_V2;
	} else if (t.n == 6 && !memcmp(t.s, "cgroup", 6)) {
		bool mem = false;

		for (c = o.s; c + 6 <= o.s + o.n; c++)
			if (!memcmp(c, "memory", 6) && (c == o.s || c[-1] == ',') &&
			    (c + 6 == o.s + o.n || c[6] == ','))
				mem = true;
		if (!mem)
			return CG_NONE;
		v = CG_V1;
	} else {
		return CG_NONE;
	}
	if (!mountinfo_unescape(m.root, root, rootlen) ||
	    !mountinfo_unescape(m.mountpoint, mountpoint, mplen))
		return CG_NONE;
	return v;
}

bool cg_dir_of(const char *mountpoint, const char *mount_root, const char *cgroup,
	       char *dir, size_t len)
{
	size_t rl = strlen(mount_root);
	const char *rest;
	int n;

	if (cgroup[0] != '/')
		return false;
	if (!strcmp(mount_root, "/"))
		rest = cgroup;
	else if (!strncmp(cgroup, mount_root, rl) && (cgroup[rl] == '/' || !cgroup[rl]))
		rest = cgroup + rl;
	else
		return false;   /* outside what is mounted there */
	if (!strcmp(rest, "/"))
		rest = "";
	n = snprintf(dir, len, "%s%s", strcmp(mountpoint, "/") ? mountpoint : "", rest);
	if (n < 0 || (size_t)n >= len)
		return false;
	if (!dir[0])
		snprintf(dir, len, "/");
	return true;
}
