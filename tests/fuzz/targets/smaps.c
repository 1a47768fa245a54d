/* SPDX-License-Identifier: MIT */
/*
 * smaps.c - the smaps stream (smaps_feed) over any bytes, cut into pieces at every size
 * the first byte picks, into top_add_vma; and each line as a /proc/sysvipc/shm line, a
 * mountinfo line and a cgroup file. Invariants: no crash or leak; the same mappings
 * whatever the pieces; a fork cost never above the commit charge; NUL-terminated names
 * inside their arrays.
 */
#include "../../../src/core/proctext.h"
#include "../../../src/core/top.h"
#include "fuzz.h"

struct sum {
	uint64_t n, commit, fork;
};

static void on_vma(void *arg, const struct smaps_vma *v)
{
	struct sum *s = arg;

	FUZZ_CHECK(memchr(v->path, '\0', sizeof(v->path)) != NULL, "an unterminated path");
	FUZZ_CHECK(v->end >= v->start, "a negative mapping");
	s->n++;
	s->commit += smaps_commit_kb(v);
	s->fork += smaps_fork_kb(v);
}

static void run(const char *t, size_t size, size_t piece, struct sum *s)
{
	struct smaps_parser p;
	size_t i;

	memset(s, 0, sizeof(*s));
	smaps_init(&p, on_vma, s);
	for (i = 0; i < size; i += piece)
		smaps_feed(&p, t + i, i + piece > size ? size - i : piece);
	smaps_end(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_dup(data, size), mp[128], fs[16], cg[64];
	struct sum whole, cut;
	size_t i = 0;

	run(t, size, size ? size : 1, &whole);
	run(t, size, size ? (size_t)data[0] % 97 + 1 : 1, &cut);
	FUZZ_CHECK(whole.n == cut.n && whole.commit == cut.commit && whole.fork == cut.fork,
		   "pieces changed the mappings: %" PRIu64 " vs %" PRIu64, whole.n, cut.n);
	FUZZ_CHECK(whole.fork <= whole.commit, "fork above commit");
	while (i < size) {
		const char *nl = memchr(t + i, '\n', size - i);
		size_t ll = (size_t)((nl ? nl : t + size) - (t + i));
		uint64_t key, id, sz;
		unsigned maj, min;

		top_parse_sysv_line(t + i, ll, &key, &id, &sz);
		if (top_parse_mountinfo_line(t + i, ll, &maj, &min, mp, sizeof(mp), fs, sizeof(fs)))
			FUZZ_CHECK(memchr(mp, '\0', sizeof(mp)) && memchr(fs, '\0', sizeof(fs)),
				   "an unterminated mount point");
		i += ll + 1;
	}
	proctext_cgroup_path(t, size, cg, sizeof(cg));
	FUZZ_CHECK(memchr(cg, '\0', sizeof(cg)) != NULL, "an unterminated cgroup");
	free(t);
	return 0;
}
