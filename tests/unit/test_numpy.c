/* SPDX-License-Identifier: MIT */
/* test_numpy.c - dtype sizes, shapes and NumPy's MemoryError text. */
#include "../../src/core/numpy.h"
#include "tap.h"

static uint64_t isz(const char *d)
{
	const char *why;
	uint64_t s = 0;

	return numpy_dtype_size(d, &s, &why) < 0 ? 0 : s;
}

/* 1 if numpy.dtype() would refuse d (ovc does), 0 if not */
static int refused(const char *d)
{
	const char *why = NULL;
	uint64_t s;

	return numpy_dtype_size(d, &s, &why) < 0 && why && why[0];
}

/* shape x dtype as NumPy makes it: nbytes, or UINT64_MAX - 1 for "array is too big" */
static uint64_t arr(const char *shape, const char *dtype)
{
	struct numpy_shape sh;
	struct numpy_dtype dt;
	struct numpy_size sz;
	const char *why;

	if (numpy_parse_shape(shape, &sh, &why) < 0 || numpy_dtype_parse(dtype, &dt, &why) < 0 ||
	    numpy_array_size(&sh, &dt, &sz, &why) < 0)
		return UINT64_MAX;
	return sz.too_big ? UINT64_MAX - 1 : sz.bytes;
}

/* What NumPy 1.24 answers and older ovc got wrong: sizes, refusals, the too-big rule. */
static void test_numpy_oracle(void)
{
	struct numpy_shape sh;
	const char *why;

	/* unsized strings: np.empty makes them one character (S1, U1); V0 stays 0 bytes */
	TAP_U64(isz("U0"), 4, "U0 is U1 in an array, 4 bytes");
	TAP_U64(isz("U"), 4, "U is U1 in an array");
	TAP_U64(isz("str"), 4, "str is U0, so U1 in an array");
	TAP_U64(isz("S"), 1, "S is S1 in an array");
	TAP_U64(isz("bytes"), 1, "bytes is S0, so S1");
	TAP_U64(isz("a"), 1, "a is S0, so S1");
	TAP_U64(isz("c"), 1, "c is S1");
	TAP_OK(!refused("V0") && isz("V0") == 0, "V0 is 0 bytes");
	TAP_U64(isz("int0"), 8, "int0 is intp (1.24)");
	TAP_U64(isz("uint0"), 8, "uint0");
	TAP_U64(isz("bool8"), 1, "bool8");
	TAP_U64(isz("O4"), 8, "O4 is object, 8 bytes");
	/* subarrays and fields */
	TAP_U64(isz("(2,3)i2"), 12, "(2,3)i2 is 6 int16");
	TAP_U64(isz("3i4"), 12, "3i4");
	TAP_U64(isz("2,3i4"), 24, "2,3i4 is (2,3)i4 (format_re's repeats)");
	TAP_U64(isz("(2,)i4"), 8, "(2,)i4");
	TAP_U64(isz("1i4"), 4, "1i4 is i4 (deprecated synonym)");
	TAP_U64(isz("()i4"), 4, "()i4 is i4");
	TAP_OK(!refused("(0,)i4") && isz("(0,)i4") == 0, "(0,)i4 is 0 bytes");
	TAP_U64(isz("i4,f8"), 12, "i4,f8 packed: 12 bytes");
	TAP_U64(isz("i4, f8"), 12, "i4, f8");
	TAP_U64(isz("i4,(2,3)f8"), 52, "i4,(2,3)f8");
	TAP_U64(isz("f8,"), 8, "f8, is f8");
	TAP_U64(isz("U,i4"), 4, "a field of U0 stays 0 bytes");
	TAP_U64(isz("2U"), 8, "2U is U2");
	TAP_U64(isz("3S"), 3, "3S is S3");
	TAP_U64(isz("<(2,)i4"), 8, "<(2,)i4");
	TAP_U64(isz("(2,)<i4"), 8, "(2,)<i4");
	TAP_OK(refused("<(2,)>i4"), "inconsistent byte orders refused");
	TAP_OK(refused("(2,)U"), "(2,)U refused: a length must be a number");
	TAP_OK(refused("(2)i4"), "(2)i4 refused (no comma: not a comma string)");
	TAP_OK(refused("i4,,f8"), "an empty field refused");
	TAP_OK(refused(" i4,f8"), "a leading blank refused");
	TAP_OK(refused("(02,)i4"), "Python refuses 02");
	TAP_OK(refused("i4 f8"), "blank-separated fields refused");
	/* what ovc used to take and NumPy refuses */
	TAP_OK(refused("float64[3]"), "float64[3] refused");
	TAP_OK(refused("f8[3]"), "f8[3] refused");
	TAP_OK(refused("datetime64[xyz]"), "datetime64[xyz] refused");
	TAP_OK(refused("M8[NS]"), "M8[NS] refused: units are case-sensitive");
	TAP_OK(refused("M8[]"), "M8[] refused");
	TAP_OK(refused(">float64"), "a byte order before a name refused");
	TAP_OK(refused("f8 "), "a trailing blank refused, as numpy.dtype does");
	TAP_OK(refused("i3") && refused("f1") && refused("c4") && refused("O2"),
	       "kind and size pairs NumPy does not have refused");
	/* datetime units */
	TAP_U64(isz("M8[10ms]"), 8, "M8[10ms]");
	TAP_U64(isz("<M8[ns]"), 8, "<M8[ns]");
	TAP_U64(isz(">datetime64[ns]"), 8, ">datetime64[ns]");
	TAP_U64(isz("m8[generic]"), 8, "m8[generic]");
	TAP_U64(isz("M8[\xce\xbcs]"), 8, "M8[us] in Greek");
	TAP_U64(isz("M8[Y/3]"), 8, "M8[Y/3] is M8[4M]");
	TAP_U64(isz("M8[W/11]"), 8, "any divisor of W passes (the table's 0 entry)");
	TAP_OK(refused("M8[ms/3]"), "M8[ms/3]: not a multiple of a smaller unit");
	TAP_OK(refused("M8[ms/0]"), "M8[ms/0] refused (NumPy 1.24 dies of SIGFPE)");
	TAP_OK(refused("M8[generic/2]"), "no divisor with generic units");
	TAP_OK(refused("M8[2147483648ms]"), "a count beyond a C int refused");
	/* lengths and sizes NumPy keeps in a C int */
	TAP_U64(isz("S2147483647"), 2147483647, "S2147483647 is the largest S");
	TAP_OK(refused("S2147483648"), "S2147483648 refused (NumPy 1.24 wraps it negative)");
	TAP_OK(refused("S4294967299"), "S4294967299 refused (NumPy 1.24 wraps it to S3)");
	TAP_U64(isz("U536870911"), 2147483644, "U536870911 is the largest U");
	TAP_OK(refused("U536870912"), "U536870912 refused");
	TAP_OK(refused("S-5"), "a negative length refused");
	TAP_U64(isz("S 5"), 5, "S 5 is S5, as strtol reads it");
	TAP_OK(refused("i4294967300"), "i4294967300 refused (NumPy 1.24 wraps it to i4)");
	TAP_OK(refused("(1073741824,)i2"), "a subarray beyond a C int of bytes refused");
	TAP_U64(isz("(1073741823,)i2"), 2147483646, "the largest (n,)i2");
	TAP_OK(refused("V2147483647,V1"), "fields beyond a C int of bytes refused");
	/* Python's spellings: attributes of numpy only */
	TAP_U64(isz("np.int0"), 8, "np.int0");
	TAP_U64(isz("np.str_"), 4, "np.str_ is U0, U1 in an array");
	TAP_U64(isz("np.bool"), 1, "np.bool (NumPy 2)");
	TAP_OK(refused("np.float"), "np.float refused: removed in NumPy 1.24");
	TAP_OK(refused("np.f8"), "np.f8 refused: no such attribute");
	TAP_OK(refused("dtype(float64)"), "dtype(...) needs a quoted string");
	TAP_U64(isz("\"<U10\""), 40, "a double-quoted string");

	/* shapes */
	TAP_OK(numpy_parse_shape("4X5", &sh, &why) == 0 && sh.ndim == 2, "4X5 as 4x5");
	TAP_OK(numpy_parse_shape("4x0x5", &sh, &why) == 0 && sh.ndim == 3 && sh.dims[1] == 0,
	       "4x0x5: after an x, 0 is a dimension");
	TAP_OK(numpy_parse_shape("0x10", &sh, &why) < 0 && strstr(why, "hexadecimal"),
	       "0x10 refused: hexadecimal 16 in Python, 0 by 10 in AxB");
	TAP_OK(numpy_parse_shape("(0x10, 2)", &sh, &why) < 0, "hexadecimal refused in a tuple too");
	TAP_OK(numpy_parse_shape("010", &sh, &why) < 0 && strstr(why, "leading zeros"),
	       "010 refused, as Python refuses it");
	TAP_OK(numpy_parse_shape("00", &sh, &why) == 0 && sh.dims[0] == 0, "00 is 0");
	TAP_OK(numpy_parse_shape("1_000,2", &sh, &why) == 0 && sh.dims[0] == 1000, "1_000");
	TAP_OK(numpy_parse_shape("1__000", &sh, &why) < 0, "1__000 refused");
	TAP_OK(numpy_parse_shape("(2,3,)", &sh, &why) == 0 && sh.ndim == 2, "(2,3,)");
	TAP_OK(numpy_parse_shape("[]", &sh, &why) == 0 && sh.ndim == 0, "[] is 0-d");
	TAP_OK(numpy_parse_shape("9223372036854775807", &sh, &why) == 0, "2^63 - 1 is a dimension");
	TAP_OK(numpy_parse_shape("9223372036854775808", &sh, &why) < 0 &&
	       strstr(why, "Maximum allowed dimension exceeded"), "2^63 is not, in NumPy's words");

	/* sizes: NumPy's "array is too big" is nbytes > 2^63 - 1, with 0 dimensions as 1 */
	TAP_U64(arr("9223372036854775807", "u1"), UINT64_C(9223372036854775807),
		"2^63 - 1 bytes: a size (NumPy raises MemoryError)");
	TAP_U64(arr("4611686018427387904,2", "u1"), UINT64_MAX - 1, "2^63 bytes: too big");
	TAP_U64(arr("1152921504606846976", "f8"), UINT64_MAX - 1, "2^60 float64: too big");
	TAP_U64(arr("0,4611686018427387904,4", "u1"), UINT64_MAX - 1,
		"too big even with a 0 dimension");
	TAP_U64(arr("4611686018427387904,2", "V0"), 0, "V0 is never too big");
	TAP_U64(arr("2305843009213693952", "(0,4)i1"), UINT64_MAX - 1,
		"a subarray's 0 dimension counts as 1 too");
	TAP_U64(arr("4294967296,4294967296,4", "u1"), UINT64_MAX - 1, "beyond 2^64: too big");
	TAP_U64(arr("2,3", "(2,3)i2"), 72, "2x3 of (2,3)i2 is 72 bytes");
	TAP_U64(arr("2,3", "U0"), 24, "2x3 of U0 is 24 bytes");
	numpy_parse_shape("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
			  "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", &sh, &why);
	TAP_U64(sh.ndim, 64, "64 dimensions");
	{
		struct numpy_dtype dt;
		struct numpy_size sz;

		why = NULL;
		numpy_dtype_parse("(2,)i4", &dt, &why);
		TAP_OK(numpy_array_size(&sh, &dt, &sz, &why) < 0 && why,
		       "64 dimensions and a subarray's one: past NPY_MAXDIMS");
	}
}

void test_numpy(void)
{
	struct numpy_shape sh;
	struct numpy_error ne;
	const char *why;

	TAP_U64(isz("uint8"), 1, "uint8");
	TAP_U64(isz("np.float32"), 4, "np.float32");
	TAP_U64(isz("f8"), 8, "f8");
	TAP_U64(isz("<i4"), 4, "<i4");
	TAP_U64(isz("|u1"), 1, "|u1");
	TAP_U64(isz(">c16"), 16, ">c16");
	TAP_U64(isz("complex256"), 32, "complex256");
	TAP_U64(isz("longdouble"), 16, "longdouble is 16 bytes on x86-64");
	TAP_U64(isz("?"), 1, "? is bool");
	TAP_U64(isz("S10"), 10, "S10");
	TAP_U64(isz("<U10"), 40, "<U10 is 10 UCS-4 characters");
	TAP_U64(isz("V16"), 16, "V16");
	TAP_U64(isz("datetime64[ns]"), 8, "datetime64[ns]");
	TAP_U64(isz("dtype('float64')"), 8, "repr form dtype('float64')");
	TAP_U64(isz("int"), 8, "int is int64 on Linux");

	TAP_U64(isz("float7"), 0, "unknown dtype refused");
	TAP_U64(isz("B"), 1, "B is uint8 (case matters)");
	TAP_U64(isz("b"), 1, "b is int8");

	TAP_OK(numpy_parse_shape("156816,36,53806", &sh, &why) == 0 && sh.ndim == 3 &&
	       sh.dims[2] == 53806, "shape a,b,c");
	TAP_OK(numpy_parse_shape("(156816, 36, 53806)", &sh, &why) == 0 && sh.ndim == 3,
	       "shape as a Python tuple");
	TAP_OK(numpy_parse_shape("(10,)", &sh, &why) == 0 && sh.ndim == 1 && sh.dims[0] == 10,
	       "1-d tuple");
	TAP_OK(numpy_parse_shape("()", &sh, &why) == 0 && sh.ndim == 0, "0-d tuple");
	TAP_OK(numpy_parse_shape("4x5", &sh, &why) == 0 && sh.ndim == 2, "4x5");
	TAP_OK(numpy_parse_shape("[2, 3]", &sh, &why) == 0 && sh.ndim == 2, "list form");
	TAP_OK(numpy_parse_shape("10,", &sh, &why) < 0, "trailing comma without brackets");
	TAP_OK(numpy_parse_shape("1,-2", &sh, &why) < 0, "negative dimension");
	TAP_OK(numpy_parse_shape("(1,,2)", &sh, &why) < 0, "empty dimension");
	TAP_OK(numpy_parse_shape("", &sh, &why) < 0, "empty shape");
	TAP_OK(numpy_parse_shape("99999999999999999999", &sh, &why) < 0, "dimension beyond 2^64");
	TAP_OK(numpy_parse_shape("1,-2", &sh, &why) < 0 && strstr(why, "negative"),
	       "negative dimension, NumPy's words");

	TAP_U64(arr("156816,36,53806", "u1"), UINT64_C(303755101056), "seed array bytes");
	TAP_U64(arr("4294967296,4294967296", "u1"), UINT64_MAX - 1, "2^64 bytes is too big");
	TAP_U64(arr("4294967296,0", "f8"), 0, "a zero dimension makes it empty");

	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate 283. GiB for an array with shape "
				 "(156816, 36, 53806) and data type uint8", &ne, &why) == 0,
	       "the seed message parses");
	TAP_U64(ne.bytes, UINT64_C(303755101056), "bytes from shape x dtype");
	TAP_OK(ne.exact && ne.has_size && !ne.size_mismatch, "printed 283. GiB agrees");
	TAP_STR(ne.size_text, "283. GiB", "size text kept");
	TAP_STR(ne.dtype, "uint8", "dtype kept");
	TAP_OK(numpy_parse_error("Traceback (most recent call last):\n  File \"x.py\", line 1\n"
				 "numpy.core._exceptions._ArrayMemoryError: Unable to allocate "
				 "1.46 TiB for an array with shape (200000, 1000000) and data type "
				 "float64\n", &ne, &why) == 0 && ne.bytes == UINT64_C(1600000000000) &&
	       !ne.size_mismatch, "inside a traceback, 1.46 TiB");
	TAP_OK(numpy_parse_error("Unable to allocate 1.00 KiB for an array with shape (1000,) "
				 "and data type uint8", &ne, &why) == 0 && ne.size_mismatch,
	       "printed size disagreeing with shape x dtype is flagged");
	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate array with shape (156816, 36, "
				 "53806) and data type uint8", &ne, &why) == 0 && !ne.has_size &&
	       ne.bytes == UINT64_C(303755101056), "NumPy 1.17 form without a size");
	TAP_OK(numpy_parse_error("Unable to allocate 8.00 GiB for an array with shape (1024,) and "
				 "data type [('a', '<i4'), ('b', '<f8')]", &ne, &why) == 0 &&
	       !ne.exact && ne.bytes >= (UINT64_C(8) << 30), "structured dtype: printed size");
	TAP_OK(numpy_parse_error("MemoryError", &ne, &why) < 0, "bare MemoryError refused");
	TAP_OK(numpy_parse_error("  Unable to allocate  283.  GiB for an array\n    with shape "
				 "(156816, 36,\n 53806) and data type uint8\nDuring handling of the "
				 "above exception", &ne, &why) == 0 && ne.bytes == UINT64_C(303755101056) &&
	       !ne.size_mismatch && !strcmp(ne.dtype, "uint8"),
	       "a wrapped, re-indented message with text after it");
	TAP_OK(numpy_parse_error("Unable to allocate 8.00 GiB for an array with shape (1024,) and "
				 "data type [('a', '<i4'), ('b', '<f8')] trailing", &ne, &why) == 0 &&
	       !strcmp(ne.dtype, "[('a', '<i4'), ('b', '<f8')]"), "structured dtype ends at its bracket");
	TAP_OK(numpy_parse_error("Unable to allocate 2.00 XiB for an array with shape (1,) and "
				 "data type uint8", &ne, &why) < 0, "unknown unit refused");
	/* a known dtype whose shape is beyond NPY_MAX_INTP bytes: NumPy would have raised
	 * "array is too big", never this; read, and flagged (it used to be refused) */
	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate 283. GiB for an array with shape "
				 "(1844674407370955161, 36, 53806) and data type uint8", &ne,
				 &why) == 0 && ne.too_big && ne.over_64 && ne.size_mismatch,
	       "shape x known dtype past 2^64: too big, no size");
	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate array with shape "
				 "(4294967296, 4294967296) and data type uint8", &ne, &why) == 0 &&
	       ne.too_big, "the 1.17 form too");
	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate 8.00 EiB for an array with shape "
				 "(1152921504606846976,) and data type float64", &ne, &why) == 0 &&
	       ne.too_big && !ne.over_64 && ne.bytes == UINT64_C(9223372036854775808),
	       "2^60 float64 = 2^63 bytes: too big, with its size");
	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate 8.00 EiB for an array with shape "
				 "(9223372036854775807,) and data type uint8", &ne, &why) == 0 &&
	       !ne.too_big && ne.bytes == UINT64_C(9223372036854775807),
	       "2^63 - 1 bytes: what NumPy does print");
	/* an unknown dtype: the printed figure's upper bound, but never past NPY_MAX_INTP */
	TAP_OK(numpy_parse_error("Unable to allocate 8.00 EiB for an array with shape (1,) and "
				 "data type [('a', '<i4')]", &ne, &why) == 0 && !ne.exact &&
	       !ne.too_big && ne.bytes == UINT64_C(9223372036854775807),
	       "8.00 EiB printed stands for at most NPY_MAX_INTP bytes");
	TAP_OK(numpy_parse_error("Unable to allocate 9.00 EiB for an array with shape (1,) and "
				 "data type [('a', '<i4')]", &ne, &why) == 0 && ne.too_big,
	       "9.00 EiB cannot be NumPy's: too big");
	TAP_OK(numpy_parse_error("Unable to allocate 24.0 B for an array with shape (2, 3) and "
				 "data type <U1", &ne, &why) < 0 || ne.exact, "dtype <U1 known");
	TAP_OK(numpy_dtype_has_object("O") && numpy_dtype_has_object("|O") &&
	       numpy_dtype_has_object("object") && numpy_dtype_has_object("object_") &&
	       numpy_dtype_has_object("O8") && numpy_dtype_has_object("[('a','<f8'),('b','O')]") &&
	       numpy_dtype_has_object("('O', (2,))"), "object dtypes, alone or as a field");
	TAP_OK(!numpy_dtype_has_object("float64") && !numpy_dtype_has_object("<f8") &&
	       !numpy_dtype_has_object("objects") && !numpy_dtype_has_object("OO") &&
	       !numpy_dtype_has_object("U10"), "no object: not by a prefix or a lookalike");
	test_numpy_oracle();
}
