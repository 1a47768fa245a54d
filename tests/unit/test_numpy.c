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

void test_numpy(void)
{
	struct numpy_shape sh;
	struct numpy_error ne;
	const char *why;
	uint64_t b;

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
	TAP_U64(isz("U"), 0, "U without a length is refused");
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

	numpy_parse_shape("156816,36,53806", &sh, &why);
	TAP_OK(numpy_nbytes(&sh, 1, &b) == 0 && b == UINT64_C(303755101056), "seed array bytes");
	numpy_parse_shape("4294967296,4294967296", &sh, &why);
	TAP_OK(numpy_nbytes(&sh, 1, &b) < 0, "2^64 bytes overflows");
	numpy_parse_shape("4294967296,4294967296,0", &sh, &why);
	TAP_OK(numpy_nbytes(&sh, 8, &b) == 0 && b == 0, "a zero dimension makes it empty");

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
	/* a known dtype whose shape overflows 2^64 bytes is refused, not read from the
	 * printed size as if the dtype were unknown (it used to be) */
	why = NULL;
	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate 283. GiB for an array with shape "
				 "(1844674407370955161, 36, 53806) and data type uint8", &ne,
				 &why) < 0 && why && strstr(why, "larger than 2^64 bytes"),
	       "shape x known dtype past 2^64 refused, with the size printed or not");
	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate array with shape "
				 "(4294967296, 4294967296) and data type uint8", &ne, &why) < 0 &&
	       strstr(why, "array is too big"), "the 1.17 form too, naming NumPy's own error");
	TAP_OK(numpy_parse_error("MemoryError: Unable to allocate 16.0 EiB for an array with shape "
				 "(2305843009213693952,) and data type float64", &ne, &why) < 0,
	       "2^61 float64 = 2^64 bytes exactly: one past the largest");
	TAP_OK(numpy_dtype_has_object("O") && numpy_dtype_has_object("|O") &&
	       numpy_dtype_has_object("object") && numpy_dtype_has_object("object_") &&
	       numpy_dtype_has_object("O8") && numpy_dtype_has_object("[('a','<f8'),('b','O')]") &&
	       numpy_dtype_has_object("('O', (2,))"), "object dtypes, alone or as a field");
	TAP_OK(!numpy_dtype_has_object("float64") && !numpy_dtype_has_object("<f8") &&
	       !numpy_dtype_has_object("objects") && !numpy_dtype_has_object("OO") &&
	       !numpy_dtype_has_object("U10"), "no object: not by a prefix or a lookalike");
}
