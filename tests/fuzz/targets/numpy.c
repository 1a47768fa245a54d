/* SPDX-License-Identifier: MIT */
/*
 * numpy.c - NumPy shapes and dtypes: numpy_parse_shape, numpy_dtype_parse,
 * numpy_array_size on the same string (the input up to its first NUL).
 * Checks: refusals carry a reason; a shape has at most NUMPY_MAXDIMS dimensions, none
 * above NPY_MAX_INTP, and at least one unless written "()" or "[]"; printed back as NumPy
 * prints it ("(a, b)", "(a,)", "()") and as "a,b" and "axb" (unless a is 0) it parses to the same
 * dimensions; numpy_array_size's bytes are the exact product (0 with a zero dimension,
 * UINT64_MAX and over_64 exactly when it overflows 64 bits) and too_big holds exactly when
 * the product with zeros taken as 1 exceeds 2^63 - 1. A dtype's item size fits NumPy's C
 * int, its checksize equals it unless it is 0, and a plain spelling gives the same size
 * quoted, wrapped as dtype('...') and, if a bare name or code, followed by a comma.
 */
#include "../../../src/core/numpy.h"
#include "fuzz.h"

static struct numpy_shape S, S2;
static char buf[NUMPY_MAXDIMS * 24 + 8];

static void print_shape(const struct numpy_shape *s, int style)
{
	size_t i, o = 0;

	if (style == 0)
		buf[o++] = '(';
	for (i = 0; i < s->ndim; i++)
		o += (size_t)sprintf(buf + o, "%s%" PRIu64, i ? (style == 2 ? "x" : style ? "," : ", ")
						     : "", s->dims[i]);
	if (style == 0) {
		if (s->ndim == 1)
			buf[o++] = ',';
		buf[o++] = ')';
	}
	buf[o] = '\0';
}

static void check_shape(const char *s)
{
	const char *why = NULL;
	int r, style;
	size_t i;

	r = numpy_parse_shape(s, &S, &why);
	FUZZ_CHECK(r == 0 || (r == -1 && why && why[0]), "shape: %d without a reason", r);
	if (r < 0)
		return;
	FUZZ_CHECK(S.ndim <= NUMPY_MAXDIMS, "%zu dims", S.ndim);
	if (S.ndim == 0)
		FUZZ_CHECK(strpbrk(s, "(["), "no dimension and no brackets: '%s'", s);
	for (style = 0; style < 3; style++) {
		if (style && S.ndim == 0)
			break;
		/* "0x5x2" is refused: Python's hexadecimal 0x5 */
		if (style == 2 && S.dims[0] == 0 && S.ndim > 1)
			break;
		print_shape(&S, style);
		why = NULL;
		FUZZ_CHECK(numpy_parse_shape(buf, &S2, &why) == 0, "'%s' does not parse back: %s", buf,
			   why);
		FUZZ_CHECK(S2.ndim == S.ndim && !memcmp(S2.dims, S.dims, S.ndim * sizeof(S.dims[0])),
			   "'%s' parses back differently", buf);
	}
	{
		static const uint64_t sizes[] = { 0, 1, 2, 8, 32, 1ull << 62 };

		for (i = 0; i < S.ndim; i++)
			FUZZ_CHECK(S.dims[i] <= (uint64_t)NUMPY_MAX_INTP, "dimension %" PRIu64,
				   S.dims[i]);
		for (style = 0; style < 6; style++) {
			struct numpy_dtype dt = { sizes[style], sizes[style], 0, false };
			struct numpy_size sz;
			unsigned __int128 prod = sizes[style], chk = sizes[style];
			bool zero = sizes[style] == 0, over = false, big = false;

			for (i = 0; i < S.ndim; i++) {
				if (!S.dims[i]) {
					zero = true;
					continue;
				}
				if (!over) {
					prod *= S.dims[i];
					over = prod > UINT64_MAX;
				}
				if (!big) {
					chk *= S.dims[i];
					big = chk > (uint64_t)NUMPY_MAX_INTP;
				}
			}
			why = NULL;
			FUZZ_CHECK(numpy_array_size(&S, &dt, &sz, &why) == 0, "array size: %s", why);
			FUZZ_CHECK(sz.too_big == big, "too_big %d, want %d", sz.too_big, big);
			if (zero)
				FUZZ_CHECK(sz.bytes == 0 && !sz.over_64, "bytes with a zero: %" PRIu64,
					   sz.bytes);
			else if (over)
				FUZZ_CHECK(sz.over_64 && sz.bytes == UINT64_MAX, "overflow not seen");
			else
				FUZZ_CHECK(!sz.over_64 && sz.bytes == (uint64_t)prod, "bytes %" PRIu64,
					   sz.bytes);
		}
	}
}

static void check_dtype(const char *s)
{
	const char *why = NULL, *p;
	struct numpy_dtype dt, dt2;
	bool plain = s[0] != '\0', bare;
	char *w;
	int r;

	r = numpy_dtype_parse(s, &dt, &why);
	FUZZ_CHECK(r == 0 || (r == -1 && why && why[0]), "dtype: %d without a reason", r);
	if (r < 0)
		return;
	FUZZ_CHECK(dt.itemsize <= INT32_MAX, "dtype '%s' of %" PRIu64 " bytes", s, dt.itemsize);
	FUZZ_CHECK(dt.itemsize == 0 || dt.checksize == dt.itemsize,
		   "dtype '%s': checksize %" PRIu64 ", itemsize %" PRIu64, s, dt.checksize,
		   dt.itemsize);
	FUZZ_CHECK(dt.subarray_ndim <= NUMPY_MAXDIMS, "%zu subarray dims", dt.subarray_ndim);
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '[' || *p == ']'))
			plain = false;
	if (!plain || !strncmp(s, "np", 2) || !strncmp(s, "numpy", 5) || !strncmp(s, "dtype", 5))
		return;
	bare = (s[0] < '0' || s[0] > '9') && !strpbrk(s, "_[]");
	w = malloc(strlen(s) + 16);
	if (!w)
		abort();
	sprintf(w, "dtype('%s')", s);
	FUZZ_CHECK(numpy_dtype_parse(w, &dt2, &why) == 0 && dt2.itemsize == dt.itemsize, "%s: %s",
		   w, why);
	sprintf(w, "\"%s\"", s);
	FUZZ_CHECK(numpy_dtype_parse(w, &dt2, &why) == 0 && dt2.itemsize == dt.itemsize, "%s: %s",
		   w, why);
	if (bare) {
		sprintf(w, "%s,", s);
		FUZZ_CHECK(numpy_dtype_parse(w, &dt2, &why) == 0 && dt2.itemsize == dt.itemsize,
			   "%s: %s", w, why);
	}
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	check_shape(s);
	check_dtype(s);
	free(s);
	return 0;
}
