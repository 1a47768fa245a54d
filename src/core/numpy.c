/* SPDX-License-Identifier: MIT */
/* numpy.c - dtype sizes, shapes and NumPy's allocation error message; pure. */
#include <string.h>

#include "numpy.h"

struct dtype_entry {
	const char *name;
	uint8_t size;
};

/* Names and one-letter codes as numpy.dtype() accepts them on x86-64 Linux. */
static const struct dtype_entry dtypes[] = {
	{ "bool", 1 }, { "bool_", 1 }, { "?", 1 }, { "b1", 1 },
	{ "int8", 1 }, { "i1", 1 }, { "b", 1 }, { "byte", 1 },
	{ "uint8", 1 }, { "u1", 1 }, { "B", 1 }, { "ubyte", 1 },
	{ "int16", 2 }, { "i2", 2 }, { "h", 2 }, { "short", 2 },
	{ "uint16", 2 }, { "u2", 2 }, { "H", 2 }, { "ushort", 2 },
	{ "int32", 4 }, { "i4", 4 }, { "i", 4 }, { "intc", 4 },
	{ "uint32", 4 }, { "u4", 4 }, { "I", 4 }, { "uintc", 4 },
	{ "int64", 8 }, { "i8", 8 }, { "l", 8 }, { "q", 8 }, { "long", 8 }, { "longlong", 8 },
	{ "int_", 8 }, { "intp", 8 }, { "p", 8 }, { "int", 8 },
	{ "uint64", 8 }, { "u8", 8 }, { "L", 8 }, { "Q", 8 }, { "ulong", 8 },
	{ "ulonglong", 8 }, { "uint", 8 }, { "uintp", 8 }, { "P", 8 },
	{ "float16", 2 }, { "f2", 2 }, { "e", 2 }, { "half", 2 },
	{ "float32", 4 }, { "f4", 4 }, { "f", 4 }, { "single", 4 },
	{ "float64", 8 }, { "f8", 8 }, { "d", 8 }, { "double", 8 }, { "float", 8 },
	{ "float_", 8 },
	{ "float128", 16 }, { "f16", 16 }, { "g", 16 }, { "longdouble", 16 },
	{ "longfloat", 16 },
	{ "complex64", 8 }, { "c8", 8 }, { "F", 8 }, { "csingle", 8 }, { "singlecomplex", 8 },
	{ "complex128", 16 }, { "c16", 16 }, { "D", 16 }, { "cdouble", 16 },
	{ "complex", 16 }, { "complex_", 16 }, { "cfloat", 16 },
	{ "complex256", 32 }, { "c32", 32 }, { "G", 32 }, { "clongdouble", 32 },
	{ "clongfloat", 32 }, { "longcomplex", 32 },
	{ "object", 8 }, { "object_", 8 }, { "O", 8 },
	{ "datetime64", 8 }, { "M8", 8 }, { "M", 8 },
	{ "timedelta64", 8 }, { "m8", 8 }, { "m", 8 },
};

static int parse_u64(const char **pp, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*pp = p;
	*out = v;
	return 0;
}

int numpy_dtype_size(const char *dtype, uint64_t *itemsize, const char **why)
{
	char buf[64];
	const char *s = dtype;
	size_t n, i;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	/* dtype('float64') as repr() shows it */
	if (n > 8 && !strncmp(s, "dtype(", 6) && s[n - 1] == ')') {
		s += 6;
		n -= 7;
	}
	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
		s++;
		n -= 2;
	}
	if (n >= 3 && !strncmp(s, "np.", 3)) {
		s += 3;
		n -= 3;
	} else if (n >= 6 && !strncmp(s, "numpy.", 6)) {
		s += 6;
		n -= 6;
	}
	if (n && strchr("<>=|", s[0])) {
		s++;
		n--;
	}
	if (n == 0 || n >= sizeof(buf)) {
		*why = "unknown dtype";
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';

	/* datetime64[ns], M8[ms]: the unit does not change the size */
	{
		char *br = strchr(buf, '[');

		if (br && buf[n - 1] == ']' && br != buf)
			*br = '\0';
	}
	for (i = 0; i < sizeof(dtypes) / sizeof(dtypes[0]); i++) {
		if (!strcmp(buf, dtypes[i].name)) {
			*itemsize = dtypes[i].size;
			return 0;
		}
	}
	/* flexible types: S<n>/a<n> bytes, U<n> UCS-4 characters, V<n> void */
	if (strchr("SaUV", buf[0])) {
		const char *p = buf + 1;
		uint64_t len;

		if (*p == '\0') {
			*why = "flexible dtype needs a length (for example S10 or U10)";
			return -1;
		}
		if (parse_u64(&p, &len) < 0 || *p != '\0' || len > (UINT64_MAX >> 2)) {
			*why = "unknown dtype";
			return -1;
		}
		*itemsize = buf[0] == 'U' ? len * 4 : len;
		return 0;
	}
	*why = "unknown dtype (use a NumPy name such as uint8 or float64, or a code such as f8 or <i4)";
	return -1;
}

int numpy_parse_shape(const char *s, struct numpy_shape *shape, const char **why)
{
	static const char bad[] =
		"not a shape (expected numbers separated by commas, such as 156816,36,53806)";
	const char *p = s;
	char close = '\0';

	shape->ndim = 0;
	while (*p == ' ')
		p++;
	if (*p == '(' || *p == '[') {
		close = *p == '(' ? ')' : ']';
		p++;
	}
	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9') {
		if (shape->ndim == NUMPY_MAXDIMS) {
			*why = "more than 64 dimensions";
			return -1;
		}
		if (parse_u64(&p, &shape->dims[shape->ndim]) < 0) {
			*why = "a dimension is larger than 2^64";
			return -1;
		}
		shape->ndim++;
		while (*p == ' ')
			p++;
		if (*p != ',' && (close || (*p != 'x' && *p != '*')))
			break;
		p++;
		while (*p == ' ')
			p++;
		/* "(10,)" is NumPy's 1-d tuple; "10," without brackets is a typo */
		if (!close && !(*p >= '0' && *p <= '9')) {
			*why = bad;
			return -1;
		}
	}
	if (*p == '-') {
		*why = "negative dimensions are not allowed";
		return -1;
	}
	if (close) {
		if (*p != close) {
			*why = bad;
			return -1;
		}
		p++;
		while (*p == ' ')
			p++;
	} else if (shape->ndim == 0) {
		*why = bad;
		return -1;
	}
	if (*p != '\0') {
		*why = bad;
		return -1;
	}
	return 0;
}

int numpy_nbytes(const struct numpy_shape *shape, uint64_t itemsize, uint64_t *bytes)
{
	uint64_t v = itemsize;
	size_t i;
	bool zero = itemsize == 0;
	bool over = false;

	for (i = 0; i < shape->ndim; i++) {
		if (shape->dims[i] == 0)
			zero = true;
		else if (__builtin_mul_overflow(v, shape->dims[i], &v))
			over = true;
	}
	/* NumPy itself refuses such shapes ("array is too big"), unless a dimension is 0 */
	if (zero) {
		*bytes = 0;
		return 0;
	}
	if (over)
		return -1;
	*bytes = v;
	return 0;
}

/* "283." / "1.45" / "1023" + unit -> the byte range the rounded figure stands for. */
static int size_text_range(const char *num, size_t nlen, const char *unit, uint64_t *lo,
			   uint64_t *hi)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned __int128 mant = 0, scale = 1, mult = 1, l, h;
	bool dot = false;
	size_t i, u;

	for (u = 0; u < 7; u++)
		if (!strcmp(unit, units[u]))
			break;
	if (u == 7)
		return -1;
	for (i = 0; i < u; i++)
		mult *= 1024;
	for (i = 0; i < nlen; i++) {
		if (num[i] == '.' && !dot) {
			dot = true;
		} else if (num[i] >= '0' && num[i] <= '9' && mant < ((unsigned __int128)1 << 60)) {
			mant = mant * 10 + (unsigned)(num[i] - '0');
			if (dot)
				scale *= 10;
		} else {
			return -1;
		}
	}
	/* [mant - 0.5, mant + 0.5] units of the last digit */
	l = mant ? ((2 * mant - 1) * mult) / (2 * scale) : 0;
	h = ((2 * mant + 1) * mult + 2 * scale - 1) / (2 * scale);
	if (l > UINT64_MAX)
		return -1;
	*lo = (uint64_t)l;
	*hi = h > UINT64_MAX ? UINT64_MAX : (uint64_t)h;
	return 0;
}

/*
 * Copy the message from "Unable to allocate" on, with every run of blanks and newlines
 * folded into one space, so that a wrapped or re-indented paste reads like the original.
 * The data type ends at the first blank, or for a structured dtype ("[('a', '<i4')]") at
 * its closing bracket; text after it (the rest of a traceback) is dropped.
 */
static void fold_message(const char *start, char *out, size_t outlen)
{
	static const char dt_key[] = " and data type ";
	const char *p = start;
	size_t o = 0;
	bool in_space = false;
	char *dt;
	int depth = 0;

	for (; *p && o + 1 < outlen; p++) {
		bool sp = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';

		if (sp && in_space)
			continue;
		out[o++] = sp ? ' ' : *p;
		in_space = sp;
	}
	out[o] = '\0';
	dt = strstr(out, "with shape (");
	dt = dt ? strchr(dt, ')') : NULL;
	dt = dt ? strstr(dt, dt_key) : NULL;
	if (!dt)
		return;
	dt += sizeof(dt_key) - 1;
	if (*dt == '[' || *dt == '(' || *dt == '{') {
		/* structured: up to the matching bracket */
		for (p = dt; *p; p++) {
			if (*p == '[' || *p == '(' || *p == '{')
				depth++;
			else if ((*p == ']' || *p == ')' || *p == '}') && --depth == 0) {
				p++;
				break;
			}
		}
	} else {
		p = dt + strcspn(dt, " ");
	}
	out[p - out] = '\0';
}

int numpy_parse_error(const char *msg, struct numpy_error *out, const char **why)
{
	const char *start = strstr(msg, "Unable to allocate");
	char text[4096];
	const char *p, *shp, *end, *dt;
	char buf[64 * 24];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!start) {
		*why = "not a NumPy allocation error (no \"Unable to allocate\" in the message)";
		return -1;
	}
	fold_message(start, text, sizeof(text));
	p = text + strlen("Unable to allocate");
	if (*p == ' ')
		p++;
	shp = strstr(p, "with shape (");
	if (!shp) {
		*why = "no \"with shape (...)\" in the message";
		return -1;
	}
	if (strncmp(p, "array ", 6) != 0) {
		/* "<size> <unit> for an array" */
		const char *sp = strchr(p, ' ');
		const char *f = strstr(p, " for an array ");

		if (!sp || !f || sp >= f || (size_t)(f - p) >= sizeof(out->size_text) ||
		    (size_t)(f - sp - 1) >= 8) {
			*why = "cannot read the size in the message";
			return -1;
		}
		memcpy(out->size_text, p, (size_t)(f - p));
		out->size_text[f - p] = '\0';
		{
			char unit[8];

			memcpy(unit, sp + 1, (size_t)(f - sp - 1));
			unit[f - sp - 1] = '\0';
			if (size_text_range(p, (size_t)(sp - p), unit, &out->size_lo,
					    &out->size_hi) < 0) {
				*why = "cannot read the size in the message";
				return -1;
			}
		}
		out->has_size = true;
	}
	shp += strlen("with shape ");
	end = strchr(shp, ')');
	if (!end || (size_t)(end - shp + 1) >= sizeof(buf)) {
		*why = "cannot read the shape in the message";
		return -1;
	}
	memcpy(buf, shp, (size_t)(end - shp + 1));
	buf[end - shp + 1] = '\0';
	if (numpy_parse_shape(buf, &out->shape, why) < 0)
		return -1;
	dt = strstr(end, " and data type ");
	if (!dt) {
		*why = "no \"and data type\" in the message";
		return -1;
	}
	dt += strlen(" and data type ");
	n = strlen(dt);
	while (n && dt[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof(out->dtype)) {
		*why = "cannot read the data type in the message";
		return -1;
	}
	memcpy(out->dtype, dt, n);
	out->dtype[n] = '\0';

	{
		const char *ignored;

		out->dtype_known = numpy_dtype_size(out->dtype, &out->itemsize, &ignored) == 0;
	}
	if (out->dtype_known && numpy_nbytes(&out->shape, out->itemsize, &out->bytes) < 0) {
		/* NumPy itself refuses such a shape with "array is too big", never this */
		*why = "the shape times the data type's size is larger than 2^64 bytes: NumPy raises \"array is too big\" for that, not a MemoryError";
		return -1;
	}
	if (out->dtype_known) {
		out->exact = true;
		if (out->has_size && (out->bytes < out->size_lo || out->bytes > out->size_hi))
			out->size_mismatch = true;
	} else if (out->has_size) {
		/* e.g. a structured dtype: trust the printed figure, to its precision */
		out->bytes = out->size_hi;
	} else {
		*why = "unknown data type and no size in the message";
		return -1;
	}
	return 0;
}

static bool object_token(const char *t, size_t n)
{
	static const char *const names[] = { "object", "object_", "object0" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i]) && !memcmp(t, names[i], n))
			return true;
	if (!n || t[0] != 'O')
		return false;
	for (i = 1; i < n; i++)   /* 'O', 'O8', 'O4': NumPy makes each an 8-byte object */
		if (t[i] < '0' || t[i] > '9')
			return false;
	return true;
}

bool numpy_dtype_has_object(const char *dtype)
{
	const char *p = dtype;

	while (*p) {
		size_t n = 0;

		while (*p && !(*p == '_' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			       (*p >= 'A' && *p <= 'Z')))
			p++;
		while (p[n] == '_' || (p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'z') ||
		       (p[n] >= 'A' && p[n] <= 'Z'))
			n++;
		if (n && object_token(p, n))
			return true;
		p += n;
	}
	return false;
}
