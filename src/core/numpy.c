/* SPDX-License-Identifier: MIT */
/* numpy.c - NumPy's dtype strings and shapes, an array's size and NumPy's allocation error; pure. */
#include <string.h>

#include "numpy.h"

/* NumPy keeps an item size in a C int (PyArray_Descr.elsize, 1.24). */
#define ELSIZE_MAX INT32_MAX

/*
 * What descriptor.c builds from a string. kind: 'S', 'U', 'V' a flexible type without
 * fields or subarray (elsize 0: unsized), 'A' a subarray, 'T' fields, 'n' any other.
 */
struct descr {
	int64_t elsize;
	char kind;
	uint64_t check;    /* elsize with a subarray's 0 dimensions taken as 1 */
	size_t sub_ndim;
};

struct named {
	const char *name;
	uint8_t size;
	char kind;
};

/*
 * numpy.sctypeDict's names (NumPy 1.24, numpy/core/_type_aliases.py) that descriptor.c
 * _convert_from_str looks up as a last resort, by the whole string: "<float64" is no
 * name. Sizes on x86-64 Linux; S, U and V names are unsized flexible types.
 */
static const struct named names[] = {
	{ "bool", 1, 'n' }, { "bool8", 1, 'n' }, { "bool_", 1, 'n' },
	{ "byte", 1, 'n' }, { "int8", 1, 'n' }, { "ubyte", 1, 'n' }, { "uint8", 1, 'n' },
	{ "short", 2, 'n' }, { "int16", 2, 'n' }, { "ushort", 2, 'n' }, { "uint16", 2, 'n' },
	{ "intc", 4, 'n' }, { "int32", 4, 'n' }, { "uintc", 4, 'n' }, { "uint32", 4, 'n' },
	{ "int", 8, 'n' }, { "int_", 8, 'n' }, { "int0", 8, 'n' }, { "intp", 8, 'n' },
	{ "long", 8, 'n' }, { "longlong", 8, 'n' }, { "int64", 8, 'n' },
	{ "uint", 8, 'n' }, { "uint0", 8, 'n' }, { "uintp", 8, 'n' }, { "ulong", 8, 'n' },
	{ "ulonglong", 8, 'n' }, { "uint64", 8, 'n' },
	{ "half", 2, 'n' }, { "float16", 2, 'n' }, { "single", 4, 'n' }, { "float32", 4, 'n' },
	{ "double", 8, 'n' }, { "float", 8, 'n' }, { "float_", 8, 'n' }, { "float64", 8, 'n' },
	{ "longdouble", 16, 'n' }, { "longfloat", 16, 'n' }, { "float128", 16, 'n' },
	{ "csingle", 8, 'n' }, { "singlecomplex", 8, 'n' }, { "complex64", 8, 'n' },
	{ "cdouble", 16, 'n' }, { "cfloat", 16, 'n' }, { "complex", 16, 'n' },
	{ "complex_", 16, 'n' }, { "complex128", 16, 'n' },
	{ "clongdouble", 32, 'n' }, { "clongfloat", 32, 'n' }, { "longcomplex", 32, 'n' },
	{ "complex256", 32, 'n' },
	{ "object", 8, 'n' }, { "object0", 8, 'n' }, { "object_", 8, 'n' },
	{ "bytes", 0, 'S' }, { "bytes0", 0, 'S' }, { "bytes_", 0, 'S' }, { "string_", 0, 'S' },
	{ "str", 0, 'U' }, { "str0", 0, 'U' }, { "str_", 0, 'U' }, { "unicode", 0, 'U' },
	{ "unicode_", 0, 'U' },
	{ "void", 0, 'V' }, { "void0", 0, 'V' },
};

/* One-letter type codes (PyArray_DescrFromType): a and S unsized bytes, c is S1. */
static const struct named codes[] = {
	{ "?", 1, 'n' }, { "b", 1, 'n' }, { "B", 1, 'n' }, { "h", 2, 'n' }, { "H", 2, 'n' },
	{ "i", 4, 'n' }, { "I", 4, 'n' }, { "l", 8, 'n' }, { "L", 8, 'n' }, { "q", 8, 'n' },
	{ "Q", 8, 'n' }, { "p", 8, 'n' }, { "P", 8, 'n' }, { "e", 2, 'n' }, { "f", 4, 'n' },
	{ "d", 8, 'n' }, { "g", 16, 'n' }, { "F", 8, 'n' }, { "D", 16, 'n' }, { "G", 32, 'n' },
	{ "O", 8, 'n' }, { "M", 8, 'n' }, { "m", 8, 'n' },
	{ "S", 0, 'S' }, { "a", 0, 'S' }, { "c", 1, 'S' }, { "U", 0, 'U' }, { "V", 0, 'V' },
};

/* Kind and size (PyArray_TypestrConvert, conversion_utils.c): "b1", "i4", "c16", "O8". */
static const struct named kind_sizes[] = {
	{ "b1", 1, 'n' }, { "i1", 1, 'n' }, { "i2", 2, 'n' }, { "i4", 4, 'n' }, { "i8", 8, 'n' },
	{ "u1", 1, 'n' }, { "u2", 2, 'n' }, { "u4", 4, 'n' }, { "u8", 8, 'n' },
	{ "f2", 2, 'n' }, { "f4", 4, 'n' }, { "f8", 8, 'n' }, { "f16", 16, 'n' },
	{ "c8", 8, 'n' }, { "c16", 16, 'n' }, { "c32", 32, 'n' },
	{ "O4", 8, 'n' }, { "O8", 8, 'n' }, { "M8", 8, 'n' }, { "m8", 8, 'n' },
};

/*
 * Python's numpy.X for a scalar type X (NumPy 1.24's concrete ones, and bool, long and
 * ulong, which NumPy 2.0 added back): "np.X" stands for the sctypeDict name "as".
 */
static const struct { const char *attr, *as; } np_attrs[] = {
	{ "bool_", "bool_" }, { "bool8", "bool8" }, { "bool", "bool" },
	{ "byte", "byte" }, { "ubyte", "ubyte" }, { "short", "short" }, { "ushort", "ushort" },
	{ "intc", "intc" }, { "uintc", "uintc" }, { "int_", "int_" }, { "uint", "uint" },
	{ "intp", "intp" }, { "uintp", "uintp" }, { "int0", "int0" }, { "uint0", "uint0" },
	{ "longlong", "longlong" }, { "ulonglong", "ulonglong" }, { "long", "long" },
	{ "ulong", "ulong" },
	{ "int8", "int8" }, { "int16", "int16" }, { "int32", "int32" }, { "int64", "int64" },
	{ "uint8", "uint8" }, { "uint16", "uint16" }, { "uint32", "uint32" },
	{ "uint64", "uint64" },
	{ "half", "half" }, { "single", "single" }, { "double", "double" },
	{ "float_", "float_" }, { "longdouble", "longdouble" }, { "longfloat", "longfloat" },
	{ "float16", "float16" }, { "float32", "float32" }, { "float64", "float64" },
	{ "float128", "float128" },
	{ "csingle", "csingle" }, { "singlecomplex", "singlecomplex" }, { "cdouble", "cdouble" },
	{ "cfloat", "cfloat" }, { "complex_", "complex_" }, { "clongdouble", "clongdouble" },
	{ "clongfloat", "clongfloat" }, { "longcomplex", "longcomplex" },
	{ "complex64", "complex64" }, { "complex128", "complex128" },
	{ "complex256", "complex256" },
	{ "object_", "object_" }, { "object0", "object0" },
	{ "bytes_", "bytes_" }, { "bytes0", "bytes0" }, { "string_", "string_" },
	{ "str_", "str_" }, { "str0", "str0" }, { "unicode_", "unicode_" },
	{ "void", "void" }, { "void0", "void0" }, { "record", "void" },
	{ "datetime64", "datetime64" }, { "timedelta64", "timedelta64" },
};

static const char unknown[] =
	"unknown dtype (use a NumPy name such as uint8 or float64, or a code such as f8 or <i4)";

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_order(char c)
{
	return c == '<' || c == '>' || c == '|' || c == '=';
}

/*
 * What C's strtol() reads from [p, end): blanks, a sign, digits. Returns -1 if no digit
 * (*stop = p), 1 if the value is beyond int64 (saturated), else 0.
 */
static int read_long(const char *p, const char *end, int64_t *v, const char **stop)
{
	const char *q = p;
	bool neg = false, over = false;
	uint64_t u = 0;

	while (q < end && is_space(*q))
		q++;
	if (q < end && (*q == '+' || *q == '-'))
		neg = *q++ == '-';
	if (q == end || !is_digit(*q)) {
		*stop = p;
		return -1;
	}
	for (; q < end && is_digit(*q); q++) {
		if (u > (UINT64_MAX - 9) / 10)
			over = true;
		else
			u = u * 10 + (uint64_t)(*q - '0');
	}
	*stop = q;
	if (over || u > (uint64_t)INT64_MAX) {
		*v = neg ? INT64_MIN : INT64_MAX;
		return 1;
	}
	*v = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

static const struct named *find(const struct named *t, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == len && !memcmp(t[i].name, s, len))
			return &t[i];
	return NULL;
}

static void set_named(struct descr *d, const struct named *e)
{
	d->elsize = e->size;
	d->kind = e->kind;
	d->check = e->size;
	d->sub_ndim = 0;
}

/*
 * A datetime unit (datetime.c parse_datetime_unit_from_string), 0-13 in NumPy's order
 * Y M W (B) D h m s ms us ns ps fs as, 14 generic; -1 if none.
 */
static int datetime_unit(const char *u, size_t n)
{
	static const char *const units[] = { "Y", "M", "W", "", "D", "h", "m", "s", "ms", "us",
					     "ns", "ps", "fs", "as", "generic" };
	int i;

	if (n == 3 && !memcmp(u, "\xce\xbcs", 3))   /* "μs", UTF-8 */
		return 9;
	for (i = 0; i < 15; i++)
		if (units[i][0] && strlen(units[i]) == n && !memcmp(units[i], u, n))
			return i;
	return -1;
}

/*
 * "[ms/2]": a divisor must divide one of a few multiples of the unit in smaller units
 * (datetime.c convert_datetime_divisor_to_multiple and its _multiples_table, 1.24; for
 * W the table's fourth entry is 0, which every divisor divides).
 */
static bool divisor_ok(int unit, int64_t den)
{
	static const int64_t multiples[14][4] = {
		{ 12, 52, 365, -1 }, { 4, 30, 720, -1 }, { 7, 168, 10080, 0 }, { -1, -1, -1, -1 },
		{ 24, 1440, 86400, -1 }, { 60, 3600, -1, -1 }, { 60, 60000, -1, -1 },
		{ 1000, 1000000, -1, -1 }, { 1000, 1000000, -1, -1 }, { 1000, 1000000, -1, -1 },
		{ 1000, 1000000, -1, -1 }, { 1000, 1000000, -1, -1 }, { 1000, -1, -1, -1 },
		{ -1, -1, -1, -1 },
	};
	int i;

	if (unit < 0 || unit > 13)
		return false;
	for (i = 0; i < 4; i++)
		if (multiples[unit][i] >= 0 && multiples[unit][i] % den == 0)
			return true;
	return false;
}

/*
 * "M8", "m8[ns]", "datetime64[10ms]", "timedelta64[h/2]" (datetime.c
 * parse_dtype_from_datetime_typestr, parse_datetime_metadata_from_metastr and
 * parse_datetime_extended_unit_from_string, 1.24). Every one is 8 bytes.
 */
static int parse_datetime(const char *s, size_t len, struct descr *d, const char **why)
{
	static const char bad[] = "invalid datetime unit (expected [ns], [10ms], [D] and the like)";
	const char *m, *end = s + len, *rb, *u, *stop;
	int64_t num, den = 1;
	int unit, r;

	if (s[1] == '8')
		m = s + 2;
	else if (!strncmp(s, "timedelta64", 11))
		m = s + 11;
	else
		m = s + 10;
	if (m < end) {
		if (end - m < 3 || *m != '[') {
			*why = bad;
			return -1;
		}
		rb = memchr(m + 1, ']', (size_t)(end - m - 1));
		if (!rb || rb == m + 1 || rb + 1 != end) {
			*why = bad;
			return -1;
		}
		/* an optional count, then the unit, then an optional "/divisor" */
		r = read_long(m + 1, rb, &num, &stop);
		if (r == 1 || (r == 0 && (num < 0 || num > INT32_MAX))) {
			*why = bad;
			return -1;
		}
		u = stop;
		stop = memchr(u, '/', (size_t)(rb - u));
		if (!stop)
			stop = rb;
		unit = datetime_unit(u, (size_t)(stop - u));
		if (unit < 0) {
			*why = bad;
			return -1;
		}
		if (stop < rb) {
			const char *dend;

			/* NumPy 1.24 divides by a 0 divisor (SIGFPE) and takes a negative one */
			r = read_long(stop + 1, rb, &den, &dend);
			if (r != 0 || dend != rb || den < 1 || den > INT32_MAX) {
				*why = "invalid datetime unit divisor (expected a positive number, as in [ms/2])";
				return -1;
			}
			if (den != 1 && (unit == 14 || !divisor_ok(unit, den))) {
				*why = "datetime unit divisor is not a multiple of a smaller unit";
				return -1;
			}
		}
	}
	d->elsize = 8;
	d->kind = 'n';
	d->check = 8;
	d->sub_ndim = 0;
	return 0;
}

static int parse_str(const char *s, size_t len, struct descr *d, int depth, const char **why);

/* descriptor.c _check_for_commastring, 1.24 */
static bool is_commastring(const char *s, size_t len)
{
	int sq = 0;
	size_t i;

	if (is_digit(s[0]) || (len > 1 && is_order(s[0]) && is_digit(s[1])))
		return true;
	if ((len > 1 && s[0] == '(' && s[1] == ')') ||
	    (len > 3 && is_order(s[0]) && s[1] == '(' && s[2] == ')'))
		return true;
	for (i = 0; i < len; i++) {
		if (s[i] == ',' && sq == 0)
			return true;
		if (s[i] == '[')
			sq++;
		else if (s[i] == ']')
			sq--;
	}
	return false;
}

/* A subarray's shape: ast.literal_eval of _commastring's "repeats". */
struct repeats {
	bool tuple;
	size_t n;
	uint64_t dims[NUMPY_MAXDIMS + 1];   /* UINT64_MAX: beyond 64 bits */
};

/*
 * Python reads "3", " (2, 3) ", "(2,)", "()", "2,3" and "(2)" (an int); "02", "2 3",
 * "(2" and "," are syntax errors. Only blanks, digits, commas and one pair of
 * parentheses get here (format_re's repeats group).
 */
static int literal_eval(const char *p, const char *end, struct repeats *r)
{
	bool paren = false, comma = false;

	r->tuple = false;
	r->n = 0;
	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '(') {
		paren = true;
		p++;
	}
	for (;;) {
		uint64_t v = 0;
		const char *d;

		while (p < end && *p == ' ')
			p++;
		if (p == end || *p == ')')
			break;
		if (!is_digit(*p))
			return -1;
		for (d = p; p < end && is_digit(*p); p++)
			v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : v * 10 + (uint64_t)(*p - '0');
		if (*d == '0' && v != 0)
			return -1;   /* leading zeros */
		if (r->n == NUMPY_MAXDIMS + 1)
			return -1;
		r->dims[r->n++] = v;
		while (p < end && *p == ' ')
			p++;
		if (p < end && *p == ',') {
			comma = true;
			p++;
			continue;
		}
		break;
	}
	if (paren) {
		if (p == end || *p != ')')
			return -1;
		p++;
		while (p < end && *p == ' ')
			p++;
	}
	if (p != end || (!paren && r->n == 0))
		return -1;
	r->tuple = comma || (paren && r->n == 0);
	return 0;
}

/* descriptor.c _convert_from_tuple, 1.24: (type, length) or (type, shape). */
static int convert_tuple(const char *t, size_t tlen, const struct repeats *r, struct descr *d,
			 int depth, const char **why)
{
	struct descr b;
	uint64_t items = 1, check;
	size_t i;

	if (parse_str(t, tlen, &b, depth + 1, why) < 0)
		return -1;
	if ((b.kind == 'S' || b.kind == 'U' || b.kind == 'V') && b.elsize == 0) {
		/* "3S" is S3, "2U" is U2: the number is the length */
		if (r->tuple) {
			*why = "invalid itemsize in generic type tuple (write S10, or 10S, not (10,)S)";
			return -1;
		}
		if (r->dims[0] > (uint64_t)(b.kind == 'U' ? ELSIZE_MAX / 4 : ELSIZE_MAX)) {
			*why = "a length NumPy cannot hold (the item size is a C int: at most 2^31 - 1 bytes)";
			return -1;
		}
		*d = b;
		d->elsize = (int64_t)r->dims[0] * (b.kind == 'U' ? 4 : 1);
		d->check = (uint64_t)d->elsize;
		return 0;
	}
	if (b.elsize == 0 && b.kind == 'A') {
		*why = "a subarray of no elements as the type of another subarray";
		return -1;
	}
	if (r->n > NUMPY_MAXDIMS) {
		*why = "invalid shape in fixed-type tuple (more than 64 dimensions)";
		return -1;
	}
	if ((r->tuple && r->n == 0) || (!r->tuple && r->dims[0] == 1)) {
		/* (type, ()) is the type; so is '1type' (deprecated since NumPy 1.17) */
		*d = b;
		return 0;
	}
	check = b.check;
	for (i = 0; i < r->n; i++) {
		if (r->dims[i] > ELSIZE_MAX) {
			*why = "invalid shape in fixed-type tuple: dimension does not fit into a C int";
			return -1;
		}
		items = items * r->dims[i];
		if (items > ELSIZE_MAX)
			items = (uint64_t)ELSIZE_MAX + 1;   /* stays too large, even after a 0 */
		if (r->dims[i] && __builtin_mul_overflow(check, r->dims[i], &check))
			check = UINT64_MAX;
	}
	if (items > ELSIZE_MAX || (items && (uint64_t)b.elsize > ELSIZE_MAX / items)) {
		*why = "invalid shape in fixed-type tuple: dtype size in bytes must fit into a C int";
		return -1;
	}
	d->elsize = (int64_t)items * b.elsize;
	d->kind = 'A';
	d->check = b.elsize ? check : 0;
	d->sub_ndim = b.sub_ndim + r->n;
	return 0;
}

/* One item of _commastring's list: a type string, or (type, repeats). */
struct item {
	const char *t;    /* order + dtype, in buf */
	size_t tlen;
	const char *rep;  /* repeats, or NULL */
	size_t replen;
};

#define MAX_FIELDS 256

/*
 * "i4,f8", "(2,3)i2", "3i4", "<2i4", "i4, (2,)f8": numpy/core/_internal.py _commastring
 * (1.24), its format_re, sep_re and space_re, then descriptor.c _convert_from_commastring
 * and _convert_from_list (packed fields named f0, f1, ...; no alignment).
 */
static int parse_commastring(const char *s, size_t len, struct descr *d, int depth,
			     const char **why)
{
	static const char unrecognized[] = "a field of this comma-separated dtype is not recognized";
	char buf[512];
	struct item it[MAX_FIELDS];
	size_t n = 0, i = 0, o = 0, k;
	int64_t total = 0;

	if (len >= sizeof(buf)) {
		*why = "dtype too long";
		return -1;
	}
	while (i < len) {
		char o1 = 0, o2 = 0, order;
		size_t r0, r1, t0;

		if (n == MAX_FIELDS) {
			*why = "more than 256 fields";
			return -1;
		}
		/* (?P<order1>[<>|=]?)(?P<repeats> *[(]?[ ,0-9]*[)]? *)(?P<order2>[<>|=]?) */
		if (is_order(s[i]))
			o1 = s[i++];
		r0 = i;
		while (i < len && s[i] == ' ')
			i++;
		if (i < len && s[i] == '(')
			i++;
		while (i < len && (s[i] == ' ' || s[i] == ',' || is_digit(s[i])))
			i++;
		if (i < len && s[i] == ')')
			i++;
		while (i < len && s[i] == ' ')
			i++;
		r1 = i;
		if (i < len && is_order(s[i]))
			o2 = s[i++];
		/* (?P<dtype>[A-Za-z0-9.?]*(?:\[[a-zA-Z0-9,.]+\])?) */
		t0 = i;
		while (i < len && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
				   is_digit(s[i]) || s[i] == '.' || s[i] == '?'))
			i++;
		if (i < len && s[i] == '[') {
			size_t j = i + 1;

			while (j < len && ((s[j] >= 'A' && s[j] <= 'Z') ||
					   (s[j] >= 'a' && s[j] <= 'z') || is_digit(s[j]) ||
					   s[j] == ',' || s[j] == '.'))
				j++;
			if (j > i + 1 && j < len && s[j] == ']')
				i = j + 1;
		}
		/* byte orders: '=' is the native '<', and both must agree (_convorder) */
		if (o1 == '=')
			o1 = '<';
		if (o2 == '=')
			o2 = '<';
		if (o1 && o2 && o1 != o2) {
			*why = "inconsistent byte-order specification";
			return -1;
		}
		order = o2 ? o2 : o1;
		it[n].t = buf + o;
		if (order == '>')
			buf[o++] = '>';
		memcpy(buf + o, s + t0, i - t0);
		o += i - t0;
		it[n].tlen = (size_t)(buf + o - it[n].t);
		buf[o++] = '\0';
		it[n].rep = r1 > r0 ? s + r0 : NULL;
		it[n].replen = r1 - r0;
		n++;
		/* then the end (blanks only) or a separator, \s*,\s* */
		if (i < len) {
			size_t j = i;

			while (j < len && is_space(s[j]))
				j++;
			if (j == len) {
				i = len;
			} else if (s[j] == ',') {
				for (j++; j < len && is_space(s[j]); j++)
					;
				i = j;
			} else {
				*why = unrecognized;
				return -1;
			}
		}
	}
	/* _convert_from_list ignores an empty last type ("i4, ," is one field) */
	if (n > 1 && !it[n - 1].rep && it[n - 1].tlen == 0)
		n--;
	if (n == 0) {
		*why = unknown;
		return -1;
	}
	for (k = 0; k < n; k++) {
		struct descr f;

		if (it[k].rep) {
			struct repeats r;

			if (literal_eval(it[k].rep, it[k].rep + it[k].replen, &r) < 0) {
				*why = "the repeat count or shape before a type is not a Python number or tuple";
				return -1;
			}
			if (convert_tuple(it[k].t, it[k].tlen, &r, &f, depth, why) < 0)
				return -1;
		} else if (parse_str(it[k].t, it[k].tlen, &f, depth + 1, why) < 0) {
			return -1;
		}
		if (n == 1) {
			*d = f;
			return 0;
		}
		total += f.elsize;
		if (total > ELSIZE_MAX) {
			*why = "fields of more than 2^31 - 1 bytes (NumPy keeps the size in a C int)";
			return -1;
		}
	}
	d->elsize = total;
	d->kind = 'T';
	d->check = (uint64_t)total;
	d->sub_ndim = 0;
	return 0;
}

/* descriptor.c _convert_from_str, 1.24. */
static int parse_str(const char *s, size_t len, struct descr *d, int depth, const char **why)
{
	const char *full = s, *stop;
	size_t flen = len;
	const struct named *e;
	int64_t v;
	int r;

	if (depth > 16) {
		*why = "dtype nested too deeply";
		return -1;
	}
	if (len == 0) {
		*why = unknown;
		return -1;
	}
	if (is_commastring(s, len))
		return parse_commastring(s, len, d, depth, why);
	if (is_order(s[0])) {
		s++;
		len--;
	}
	if (len == 0) {
		*why = unknown;
		return -1;
	}
	if (len >= 2 && ((s[1] == '8' && (s[0] == 'M' || s[0] == 'm')) ||
			 (len >= 10 && !strncmp(s, "datetime64", 10)) ||
			 (len >= 11 && !strncmp(s, "timedelta64", 11))))
		return parse_datetime(s, len, d, why);
	if (len == 1) {
		e = find(codes, sizeof(codes) / sizeof(codes[0]), s, 1);
		if (e) {
			set_named(d, e);
			return 0;
		}
	} else if ((r = read_long(s + 1, s + len, &v, &stop)) >= 0 && stop == s + len) {
		/* a kind and a number: S10, a10, U10 (characters), V16, or i4, f8 ... */
		if (s[0] == 'S' || s[0] == 'a' || s[0] == 'U' || s[0] == 'V') {
			if (v < 0) {
				*why = "a negative length";
				return -1;
			}
			if (r || v > (s[0] == 'U' ? ELSIZE_MAX / 4 : ELSIZE_MAX)) {
				*why = "a length NumPy cannot hold (the item size is a C int: at most 2^31 - 1 bytes; NumPy 1.24 wraps larger ones around)";
				return -1;
			}
			d->kind = s[0] == 'a' ? 'S' : s[0];
			d->elsize = s[0] == 'U' ? v * 4 : v;
			d->check = (uint64_t)d->elsize;
			d->sub_ndim = 0;
			return 0;
		}
		if (r || v > ELSIZE_MAX || v < -(int64_t)ELSIZE_MAX - 1) {
			*why = "the size does not fit in a C int (NumPy 1.24 wraps it around)";
			return -1;
		}
		if (v > 0 && v <= 32) {
			char kc[4] = { s[0], (char)('0' + v / 10), (char)('0' + v % 10), '\0' };

			if (v < 10)
				kc[1] = kc[2], kc[2] = '\0';
			e = find(kind_sizes, sizeof(kind_sizes) / sizeof(kind_sizes[0]), kc,
				 strlen(kc));
			if (e) {
				set_named(d, e);
				return 0;
			}
		}
	}
	e = find(names, sizeof(names) / sizeof(names[0]), full, flen);
	if (e) {
		set_named(d, e);
		return 0;
	}
	*why = unknown;
	return -1;
}

int numpy_dtype_parse(const char *dtype, struct numpy_dtype *dt, const char **why)
{
	const char *s = dtype;
	size_t n = strlen(s), i;
	struct descr d;

	/* Python's spellings: np.float32, numpy.int8 (attributes), dtype('f8'), 'f8' */
	if (!strncmp(s, "np.", 3) || !strncmp(s, "numpy.", 6)) {
		const char *a = s[1] == 'p' ? s + 3 : s + 6;

		for (i = 0; i < sizeof(np_attrs) / sizeof(np_attrs[0]); i++)
			if (!strcmp(a, np_attrs[i].attr))
				break;
		if (i == sizeof(np_attrs) / sizeof(np_attrs[0])) {
			*why = "NumPy has no such scalar type (np.float64, np.uint8, np.str_ ... are)";
			return -1;
		}
		s = np_attrs[i].as;
		n = strlen(s);
	} else {
		if (n > 8 && !strncmp(s, "dtype(", 6) && s[n - 1] == ')') {
			s += 6;
			n -= 7;
			if (n < 2 || (s[0] != '\'' && s[0] != '"') || s[n - 1] != s[0]) {
				*why = "dtype(...) takes a quoted string here, such as dtype('float64')";
				return -1;
			}
		}
		if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0] &&
		    !memchr(s + 1, s[0], n - 2)) {
			s++;
			n -= 2;
		}
	}
	if (parse_str(s, n, &d, 0, why) < 0)
		return -1;
	memset(dt, 0, sizeof(*dt));
	dt->structured = d.kind == 'T';
	dt->subarray_ndim = d.sub_ndim;
	if ((d.kind == 'S' || d.kind == 'U') && d.elsize == 0) {
		/* np.empty makes an unsized string one character long (ctors.c
		 * PyArray_NewFromDescr_int); an unsized V stays 0 bytes */
		dt->itemsize = d.kind == 'U' ? 4 : 1;
		dt->checksize = dt->itemsize;
	} else {
		dt->itemsize = (uint64_t)d.elsize;
		dt->checksize = d.check;
	}
	return 0;
}

int numpy_dtype_size(const char *dtype, uint64_t *itemsize, const char **why)
{
	struct numpy_dtype dt;

	if (numpy_dtype_parse(dtype, &dt, why) < 0)
		return -1;
	*itemsize = dt.itemsize;
	return 0;
}

/*
 * One dimension as a Python integer literal: decimal, "_" between digits; "010" is a
 * syntax error, and "0x10", "0o17", "0b101" are not decimal. After an x of the AxB form
 * ("4x0x5") the text is no Python, and 0 is a dimension like any other.
 */
static int parse_dim(const char **pp, bool after_x, uint64_t *out, const char **why)
{
	const char *p = *pp, *first = *pp;
	uint64_t v = 0;
	bool over = false;

	if (p[0] == '0' && p[1] && strchr(after_x ? "oObB" : "xXoObB", p[1])) {
		*why = "write dimensions in decimal: Python reads 0x10 as hexadecimal 16, ovc's AxB form as 0 by 10";
		return -1;
	}
	for (;;) {
		if (!is_digit(*p)) {
			*why = "not a shape (expected numbers separated by commas, such as 156816,36,53806)";
			return -1;
		}
		for (; is_digit(*p); p++) {
			if (v > (UINT64_MAX - 9) / 10)
				over = true;
			else
				v = v * 10 + (uint64_t)(*p - '0');
		}
		if (*p != '_')
			break;
		p++;
	}
	if (*first == '0' && (v || over)) {
		*why = "leading zeros (Python refuses them in a decimal number)";
		return -1;
	}
	if (over || v > (uint64_t)NUMPY_MAX_INTP) {
		*why = "a dimension above 2^63 - 1 (NumPy: ValueError: Maximum allowed dimension exceeded)";
		return -1;
	}
	*pp = p;
	*out = v;
	return 0;
}

int numpy_parse_shape(const char *s, struct numpy_shape *shape, const char **why)
{
	static const char bad[] =
		"not a shape (expected numbers separated by commas, such as 156816,36,53806)";
	const char *p = s;
	char close = '\0';
	bool after_x = false;

	shape->ndim = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '(' || *p == '[') {
		close = *p == '(' ? ')' : ']';
		p++;
		while (*p == ' ')
			p++;
	}
	if (!close || *p != close) {
		for (;;) {
			if (*p == '-') {
				*why = "negative dimensions are not allowed";
				return -1;
			}
			if (shape->ndim == NUMPY_MAXDIMS) {
				*why = "more than 64 dimensions";
				return -1;
			}
			if (parse_dim(&p, after_x, &shape->dims[shape->ndim], why) < 0)
				return -1;
			shape->ndim++;
			while (*p == ' ')
				p++;
			after_x = false;
			if (*p == ',') {
				p++;
				while (*p == ' ')
					p++;
				/* "(10,)" is Python's 1-tuple; "10," unbracketed is taken as cut short */
				if (close && *p == close)
					break;
				if (!close && *p == '\0') {
					*why = bad;
					return -1;
				}
				continue;
			}
			if (!close && (*p == 'x' || *p == 'X' || *p == '*')) {
				after_x = *p != '*';
				p++;
				while (*p == ' ')
					p++;
				continue;
			}
			break;
		}
	}
	if (close) {
		if (*p != close) {
			*why = bad;
			return -1;
		}
		p++;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0') {
		*why = bad;
		return -1;
	}
	return 0;
}

int numpy_array_size(const struct numpy_shape *shape, const struct numpy_dtype *dt,
		     struct numpy_size *out, const char **why)
{
	uint64_t check = dt->checksize, v = dt->itemsize;
	bool zero = dt->itemsize == 0, over = false;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (shape->ndim + dt->subarray_ndim > NUMPY_MAXDIMS) {
		*why = "the subarray type's dimensions take the array past 64 dimensions";
		return -1;
	}
	for (i = 0; i < shape->ndim; i++) {
		if (shape->dims[i] == 0) {
			zero = true;
			continue;
		}
		if (check && __builtin_mul_overflow(check, shape->dims[i], &check))
			check = UINT64_MAX;
		if (__builtin_mul_overflow(v, shape->dims[i], &v))
			over = true;
	}
	/* ctors.c PyArray_NewFromDescr_int: npy_mul_sizes_with_overflow on npy_intp */
	out->too_big = check > (uint64_t)NUMPY_MAX_INTP;
	if (zero)
		out->bytes = 0;
	else if (over)
		out->over_64 = true, out->bytes = UINT64_MAX;
	else
		out->bytes = v;
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
		struct numpy_dtype ndt;
		struct numpy_size sz;
		const char *ignored;

		out->dtype_known = numpy_dtype_parse(out->dtype, &ndt, &ignored) == 0 &&
				   numpy_array_size(&out->shape, &ndt, &sz, &ignored) == 0;
		if (out->dtype_known) {
			out->itemsize = ndt.itemsize;
			out->bytes = sz.bytes;
			out->too_big = sz.too_big;
			out->over_64 = sz.over_64;
		}
	}
	if (out->dtype_known) {
		out->exact = true;
		if (out->has_size && (out->over_64 || out->bytes < out->size_lo ||
				      out->bytes > out->size_hi))
			out->size_mismatch = true;
	} else if (out->has_size) {
		/*
		 * e.g. a structured dtype: the largest size the rounded figure stands for; but
		 * NumPy never asks for more than NPY_MAX_INTP bytes, so a figure it printed
		 * stands for no more than that, and one beyond it was not printed by NumPy
		 */
		out->too_big = out->size_lo > (uint64_t)NUMPY_MAX_INTP;
		out->bytes = out->too_big || out->size_hi < (uint64_t)NUMPY_MAX_INTP
				     ? out->size_hi : (uint64_t)NUMPY_MAX_INTP;
		out->over_64 = out->bytes == UINT64_MAX;
	} else {
		*why = "unknown data type and no size in the message";
		return -1;
	}
	return 0;
}

static bool object_token(const char *t, size_t n)
{
	static const char *const objnames[] = { "object", "object_", "object0" };
	size_t i;

	for (i = 0; i < sizeof(objnames) / sizeof(objnames[0]); i++)
		if (n == strlen(objnames[i]) && !memcmp(t, objnames[i], n))
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
