/* SPDX-License-Identifier: MIT */
/*
 * numpy.c - NumPy shapes and dtypes: numpy_parse_shape, numpy_dtype_size, numpy_nbytes on
 * the same string (the input up to its first NUL).
 * Checks: refusals carry a reason; a shape has at most NUMPY_MAXDIMS dimensions and at
 * least one unless written "()" or "[]"; printed back as NumPy prints it ("(a, b)",
 * "(a,)", "()") and as "a,b" and "axb" it parses to the same dimensions; numpy_nbytes is
 * the exact product (0 with a zero dimension) or -1 exactly when that overflows 64 bits.
 * A dtype's item size is one NumPy has (1..32, or a flexible length) and does not change
 * when the name is quoted, wrapped as dtype('...') or prefixed with np. or a byte order.
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
		print_shape(&S, style);
		why = NULL;
		FUZZ_CHECK(numpy_parse_shape(buf, &S2, &why) == 0, "'%s' does not parse back: %s", buf,
			   why);
		FUZZ_CHECK(S2.ndim == S.ndim && !memcmp(S2.dims, S.dims, S.ndim * sizeof(S.dims[0])),
			   "'%s' parses back differently", buf);
	}
	{
		static const uint64_t sizes[] = { 0, 1, 2, 8, 32, 1ull << 62 };

		for (style = 0; style < 6; style++) {
			unsigned __int128 prod = sizes[style];
			bool zero = sizes[style] == 0, over = false;
			uint64_t nb = 7;
			int rn;

			for (i = 0; i < S.ndim; i++) {
				if (!S.dims[i])
					zero = true;
				else if (!over) {
					prod *= S.dims[i];
					over = prod > UINT64_MAX;
				}
			}
			rn = numpy_nbytes(&S, sizes[style], &nb);
			if (zero)
				FUZZ_CHECK(rn == 0 && nb == 0, "nbytes with a zero: %d %" PRIu64, rn, nb);
			else if (over)
				FUZZ_CHECK(rn == -1, "nbytes overflow not seen");
			else
				FUZZ_CHECK(rn == 0 && nb == (uint64_t)prod, "nbytes %" PRIu64, nb);
		}
	}
}

static void check_dtype(const char *s)
{
	const char *why = NULL, *p;
	uint64_t size = 0, size2 = 0;
	bool plain = s[0] != '\0';
	char *w;
	int r;

	r = numpy_dtype_size(s, &size, &why);
	FUZZ_CHECK(r == 0 || (r == -1 && why && why[0]), "dtype: %d without a reason", r);
	if (r < 0)
		return;
	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8 || size == 16 || size == 32 ||
			   strpbrk(s, "SaUV"),
		   "dtype '%s' of %" PRIu64 " bytes", s, size);
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '[' || *p == ']'))
			plain = false;
	if (!plain || !strncmp(s, "np", 2) || !strncmp(s, "numpy", 5) || !strncmp(s, "dtype", 5))
		return;
	w = malloc(strlen(s) + 16);
	if (!w)
		abort();
	sprintf(w, "dtype('%s')", s);
	FUZZ_CHECK(numpy_dtype_size(w, &size2, &why) == 0 && size2 == size, "%s: %" PRIu64, w, size2);
	sprintf(w, "\"np.%s\"", s);
	FUZZ_CHECK(numpy_dtype_size(w, &size2, &why) == 0 && size2 == size, "%s: %" PRIu64, w, size2);
	sprintf(w, " <%s ", s);
	FUZZ_CHECK(numpy_dtype_size(w, &size2, &why) == 0 && size2 == size, "%s: %" PRIu64, w, size2);
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
