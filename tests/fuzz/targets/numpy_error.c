/* SPDX-License-Identifier: MIT */
/*
 * numpy_error.c - numpy_parse_error, the pasted MemoryError (the input up to its first
 * NUL). Checks: a refusal carries a reason; on success the dtype and size text are
 * NUL-terminated and the dtype is not empty; the size range is ordered (lo <= hi),
 * holds the printed figure itself and agrees with its whole part computed apart (a
 * figure beyond 2^64 bytes saturates at UINT64_MAX); exact means bytes = shape x itemsize
 * (with NumPy's too-big verdict), otherwise the bytes are the printed size's upper bound,
 * at most NPY_MAX_INTP unless the figure is past it; a mismatch is only claimed when the exact
 * size falls outside the range; and the message NumPy would print for the parsed result
 * ("Unable to allocate <size> for an array with shape (...) and data type <dtype>")
 * parses back to the same shape, dtype, size range and bytes.
 */
#include "../../../src/core/numpy.h"
#include "../../../src/core/units.h"
#include "fuzz.h"

static struct numpy_error N, N2;
static char msg[8192];

static size_t put_shape(char *o, const struct numpy_shape *s)
{
	size_t i, n = 0;

	o[n++] = '(';
	for (i = 0; i < s->ndim; i++)
		n += (size_t)sprintf(o + n, "%s%" PRIu64, i ? ", " : "", s->dims[i]);
	if (s->ndim == 1)
		o[n++] = ',';
	o[n++] = ')';
	o[n] = '\0';
	return n;
}

/*
 * The range against the whole part W of the printed figure, computed apart: the figure
 * is at least W units, so hi >= W x unit, saturated at UINT64_MAX when that does not fit;
 * and below W + 1 units, so lo <= (W + 1) x unit.
 */
static void check_range(const char *text, uint64_t lo, uint64_t hi)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	const char *sp = strchr(text, ' ');
	unsigned __int128 w = 0, mult = 1, a, b;
	bool over = false;
	size_t u;
	const char *p;

	if (!sp)
		return;
	for (u = 0; u < 7 && strcmp(sp + 1, units[u]); u++)
		mult *= 1024;
	if (u == 7)
		return;
	for (p = text; *p >= '0' && *p <= '9'; p++)
		over |= __builtin_mul_overflow(w, 10, &w) || __builtin_add_overflow(w, *p - '0', &w);
	over |= __builtin_mul_overflow(w, mult, &a);
	if (over || a > UINT64_MAX)
		FUZZ_CHECK(hi == UINT64_MAX, "'%s' is %s, yet read as %" PRIu64 "..%" PRIu64 " bytes",
			   text, "beyond 2^64 bytes", lo, hi);
	else
		FUZZ_CHECK(hi >= a, "'%s' is at least %" PRIu64 " bytes, yet read as %" PRIu64
			   "..%" PRIu64, text, (uint64_t)a, lo, hi);
	if (!over && !__builtin_mul_overflow(w + 1, mult, &b) && b <= UINT64_MAX)
		FUZZ_CHECK(lo <= b, "'%s' is below %" PRIu64 " bytes, yet read as %" PRIu64 "..%" PRIu64,
			   text, (uint64_t)b, lo, hi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	const char *why = NULL;
	size_t o;
	int r;

	r = numpy_parse_error(s, &N, &why);
	free(s);
	FUZZ_CHECK(r == 0 || (r == -1 && why && why[0]), "%d without a reason", r);
	if (r < 0)
		return 0;
	FUZZ_CHECK(fuzz_terminated(N.dtype, sizeof(N.dtype)) && N.dtype[0], "dtype");
	FUZZ_CHECK(fuzz_terminated(N.size_text, sizeof(N.size_text)), "size text");
	FUZZ_CHECK(N.shape.ndim <= NUMPY_MAXDIMS, "ndim");
	FUZZ_CHECK(N.has_size == (N.size_text[0] != '\0'), "has_size %d, size text '%s'", N.has_size,
		   N.size_text);
	if (N.has_size) {
		uint64_t printed;
		const char *w;
		char t[40], *unit;

		FUZZ_CHECK(N.size_lo <= N.size_hi, "size '%s': range %" PRIu64 "..%" PRIu64
			   " is upside down", N.size_text, N.size_lo, N.size_hi);
		/* "283. GiB" as a size: the figure itself lies in its rounding range */
		snprintf(t, sizeof(t), "%s", N.size_text);
		unit = strstr(t, " bytes");
		if (unit)
			strcpy(unit, " B");
		if (units_parse_size(t, &printed, &w) == 0)
			FUZZ_CHECK(N.size_lo <= printed && printed <= N.size_hi,
				   "size '%s' = %" PRIu64 " lies outside its range %" PRIu64 "..%" PRIu64,
				   N.size_text, printed, N.size_lo, N.size_hi);
		check_range(N.size_text, N.size_lo, N.size_hi);
	}
	if (N.exact) {
		struct numpy_dtype dt;
		struct numpy_size sz;

		FUZZ_CHECK(N.dtype_known && numpy_dtype_parse(N.dtype, &dt, &why) == 0 &&
				   numpy_array_size(&N.shape, &dt, &sz, &why) == 0 &&
				   sz.bytes == N.bytes && sz.too_big == N.too_big &&
				   sz.over_64 == N.over_64,
			   "exact bytes %" PRIu64 " are not shape x itemsize", N.bytes);
		FUZZ_CHECK(N.size_mismatch == (N.has_size && (N.over_64 || N.bytes < N.size_lo ||
							       N.bytes > N.size_hi)),
			   "size_mismatch %d", N.size_mismatch);
	} else {
		/* the printed figure's upper bound, no more than NumPy ever asks for */
		FUZZ_CHECK(N.has_size && !N.size_mismatch &&
				   N.too_big == (N.size_lo > (uint64_t)NUMPY_MAX_INTP) &&
				   N.bytes == (N.too_big || N.size_hi < (uint64_t)NUMPY_MAX_INTP
						       ? N.size_hi : (uint64_t)NUMPY_MAX_INTP),
			   "not exact: bytes %" PRIu64 ", size %" PRIu64 "..%" PRIu64, N.bytes,
			   N.size_lo, N.size_hi);
	}
	/* what NumPy prints for it, parsed back */
	if (N.has_size)
		o = (size_t)sprintf(msg, "Unable to allocate %s for an array with shape ", N.size_text);
	else
		o = (size_t)sprintf(msg, "Unable to allocate array with shape ");
	o += put_shape(msg + o, &N.shape);
	sprintf(msg + o, " and data type %s", N.dtype);
	why = NULL;
	r = numpy_parse_error(msg, &N2, &why);
	FUZZ_CHECK(r == 0, "'%s' does not parse back: %s", msg, why);
	FUZZ_CHECK(N2.shape.ndim == N.shape.ndim &&
			   !memcmp(N2.shape.dims, N.shape.dims, N.shape.ndim * sizeof(N.shape.dims[0])) &&
			   !strcmp(N2.dtype, N.dtype) && N2.has_size == N.has_size &&
			   !strcmp(N2.size_text, N.size_text) && N2.size_lo == N.size_lo &&
			   N2.size_hi == N.size_hi && N2.bytes == N.bytes && N2.exact == N.exact,
		   "'%s' parses back differently", msg);
	return 0;
}
