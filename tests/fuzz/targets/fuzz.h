/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - helpers shared by the libFuzzer targets: an invariant check that aborts (a
 * crash for libFuzzer, with the message on stderr), C-string copies of the input, an
 * input splitter, and the sysctl.d file builder used by the sysctld and dropin_check
 * targets. Everything here is static: each target is one translation unit.
 */
#ifndef OVC_FUZZ_H
#define OVC_FUZZ_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../src/core/err.h"
#include "../../../src/core/precedence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the code under test must keep: print it and abort (libFuzzer: a crash). */
#define FUZZ_CHECK(cond, ...)                                                              \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "\nfuzz invariant failed at %s:%d: %s\n  ", __FILE__, \
				__LINE__, #cond);                                          \
			fprintf(stderr, __VA_ARGS__);                                      \
			fputc('\n', stderr);                                               \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* A heap copy of [d, d+n) with a NUL after it (the string ends at the first NUL). */
static inline char *fuzz_cstr(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	if (n)
		memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/* A heap copy of exactly n bytes (ASan sees any read past the end; n may be 0). */
static inline char *fuzz_dup(const uint8_t *d, size_t n)
{
	char *s = malloc(n ? n : 1);

	if (!s)
		abort();
	if (n)
		memcpy(s, d, n);
	return s;
}

/* Is s NUL-terminated within n bytes? */
static inline bool fuzz_terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* A filled error record: the class, a message, both strings terminated. */
static inline void fuzz_check_err(const struct ovc_err *e, enum ovc_ecode code)
{
	FUZZ_CHECK(e->code == code, "error class %d, want %d", (int)e->code, (int)code);
	FUZZ_CHECK(fuzz_terminated(e->msg, sizeof(e->msg)) && e->msg[0], "empty error message");
	FUZZ_CHECK(fuzz_terminated(e->path, sizeof(e->path)), "error path not terminated");
}

struct fuzz_chunk {
	const uint8_t *p;
	size_t n;
};

/* Split [d, d+n) at every sep byte into at most max chunks (the last takes the rest). */
static inline size_t fuzz_split(const uint8_t *d, size_t n, uint8_t sep, struct fuzz_chunk *c,
				size_t max)
{
	size_t k = 0;
	const uint8_t *end = d + n;

	if (!max)
		return 0;
	for (;;) {
		const uint8_t *s = k + 1 < max ? memchr(d, sep, (size_t)(end - d)) : NULL;

		c[k].p = d;
		c[k].n = (size_t)((s ? s : end) - d);
		k++;
		if (!s)
			return k;
		d = s + 1;
	}
}

/* ---- sysctl.d trees for precedence and the drop-in check ---- */

/*
 * Input layout (tests/fuzz/README.md): files separated by FUZZ_FILE_SEP; each file is
 * two descriptor bytes and its text:
 *   d0: bits 0-2 directory (fuzz_dirs), bits 3-7 name (fuzz_names)
 *   d1: bits 0-1 state (0 readable regular file, 1 masked: a /dev/null link, 2 listed but
 *       unreadable, 3 readable but not a regular file), bit 2 hidden
 * A second file with the same directory and name is skipped (a tree cannot hold two).
 */
#define FUZZ_FILE_SEP 0xff
#define FUZZ_MAX_FILES 16

static const char *const fuzz_dirs[8] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
	"/lib/sysctl.d", "/etc", "/usr/share/sysctl.d", "etc/sysctl.d",
};
static const char *const fuzz_names[32] = {
	"99-zz-ovc.conf", "05-explicit.conf", "10-a.conf", "10-k.conf", "10-r.conf",
	"20-b.conf", "20-k.conf", "30-c.conf", "50-vendor.conf", "50-x.conf", "60-m.conf",
	"60-r.conf", "80-link.conf", "90-overcommit.conf", "99-sysctl.conf", "99-zz-admin.conf",
	"99-zzz.conf", "a-lower.conf", "B-upper.conf", "zz.conf", "sysctl.conf", ".hidden.conf",
	"50-x.conf~", "50-x.conf.dpkg-old", "99-zz-ovc.conf.rpmnew", "README", "00-first.conf",
	"50-x.CONF", "10-mode.conf", "20-ratio.conf", "60-exclude.conf", "lost+found",
};

struct fuzz_tree {
	struct prec_file files[FUZZ_MAX_FILES + 1];   /* + the drop-in slot of dropin_check */
	char paths[FUZZ_MAX_FILES + 1][64];
	char *texts[FUZZ_MAX_FILES];                  /* exact-size copies: ASan sees over-reads */
	size_t nfiles;
};

static inline void fuzz_tree_build(struct fuzz_tree *t, const uint8_t *d, size_t n)
{
	struct fuzz_chunk c[FUZZ_MAX_FILES * 2];
	size_t nc = fuzz_split(d, n, FUZZ_FILE_SEP, c, FUZZ_MAX_FILES * 2), i, j;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < nc && t->nfiles < FUZZ_MAX_FILES; i++) {
		struct prec_file *f = &t->files[t->nfiles];
		unsigned d0, d1;
		bool dup = false;

		if (c[i].n < 2)
			continue;
		d0 = c[i].p[0];
		d1 = c[i].p[1];
		f->dir = fuzz_dirs[d0 & 7];
		f->name = fuzz_names[d0 >> 3];
		for (j = 0; j < t->nfiles; j++)
			dup |= t->files[j].dir == f->dir && t->files[j].name == f->name;
		if (dup) {
			memset(f, 0, sizeof(*f));
			continue;
		}
		snprintf(t->paths[t->nfiles], sizeof(t->paths[0]), "/r%s/%s", f->dir, f->name);
		f->path = t->paths[t->nfiles];
		f->hidden = (d1 & 4) || prec_hidden_or_backup(f->name);
		switch (d1 & 3) {
		case 0:
		case 3:
			t->texts[t->nfiles] = fuzz_dup(c[i].p + 2, c[i].n - 2);
			f->text = t->texts[t->nfiles];
			f->len = c[i].n - 2;
			f->readable = true;
			f->regular = (d1 & 3) == 0;
			break;
		case 1:
			f->masked = true;
			break;
		case 2:
			break;
		}
		t->nfiles++;
	}
}

static inline void fuzz_tree_free(struct fuzz_tree *t)
{
	size_t i;

	for (i = 0; i < FUZZ_MAX_FILES; i++)
		free(t->texts[i]);
}

#endif
