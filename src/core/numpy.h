/* SPDX-License-Identifier: MIT */
/*
 * numpy.h - NumPy's vocabulary as ovc needs it: dtype item sizes, shapes, and the
 * "Unable to allocate ..." message NumPy raises (numpy/_core/_exceptions.py).
 * Pure: no I/O. Item sizes are those of NumPy on x86-64 Linux (LP64, 16-byte long double).
 */
#ifndef OVC_NUMPY_H
#define OVC_NUMPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NUMPY_MAXDIMS 64   /* NPY_MAXDIMS since NumPy 2.0 (32 before) */

/*
 * NPY_MAX_INTP on x86-64, 2^63 - 1: NumPy refuses an array of more bytes than that
 * before it asks for memory (numpy/core/src/multiarray/ctors.c PyArray_NewFromDescr_int,
 * 1.24), with this ValueError. glibc's malloc refuses the same sizes: any request above
 * PTRDIFF_MAX, also 2^63 - 1 (malloc/malloc.c checked_request2size, 2.30 and later).
 */
#define NUMPY_MAX_INTP INT64_MAX
#define NUMPY_TOO_BIG_TEXT \
	"ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size."

struct numpy_shape {
	size_t ndim;
	uint64_t dims[NUMPY_MAXDIMS];
};

/* A data type as an array made with it (np.empty(shape, dtype)) uses it. */
struct numpy_dtype {
	uint64_t itemsize;      /* bytes per element of the shape given: a subarray type's
	                           elements included, an unsized S or U as np.empty makes it
	                           (1 byte, 1 character) */
	uint64_t checksize;     /* what NumPy multiplies the dimensions into to find "too big":
	                           the itemsize with a subarray's 0 dimensions taken as 1
	                           (saturates at UINT64_MAX) */
	size_t subarray_ndim;   /* dimensions a subarray type adds to the array */
	bool structured;        /* fields ("i4,f8"): the size is that of the packed fields */
};

/*
 * A data type as numpy.dtype() reads a string (NumPy 1.24, descriptor.c
 * _convert_from_str and _internal.py _commastring): a name ("uint8", "int0", "str"), a
 * type code with an optional byte order ("f8", "<i4", "|u1", "d", "?"), a flexible type
 * with or without a length ("S10", "<U10", "V16", "S", "U"), a datetime with its unit
 * ("M8[ns]", "datetime64[10ms]", "m8[h/2]"), a subarray ("(2,3)i2", "3i4") or packed
 * fields ("i4,f8"). ovc also reads Python's spellings: "np.float32", "numpy.int8",
 * "dtype('float64')", a quoted 'f8'. Returns 0 or -1 with *why.
 */
int numpy_dtype_parse(const char *dtype, struct numpy_dtype *dt, const char **why);

/* numpy_dtype_parse()'s itemsize alone. */
int numpy_dtype_size(const char *dtype, uint64_t *itemsize, const char **why);

/*
 * Does the dtype hold Python objects ('O', object, a structured or subarray type with an
 * object field)? NumPy fills such arrays when it creates them, np.empty with None
 * (PyArray_Empty, numpy/core/src/multiarray/ctors.c: PyArray_FillObjectArray) and
 * np.zeros with 0, so every page is written. A word-level test: a field named 'O'
 * also counts.
 */
bool numpy_dtype_has_object(const char *dtype);

/*
 * A shape as Python reads it, or ovc's AxB: "156816,36,53806", "(156816, 36, 53806)",
 * "[2, 3]", "(10,)", "()", "4x5", "4X5", "1_000". A dimension above NPY_MAX_INTP is
 * refused as NumPy refuses it; so are Python's hexadecimal, octal and binary integers
 * ("0x10" would read as 0 by 10) and decimal ones with leading zeros (Python refuses
 * "010"). Returns 0 or -1 with *why.
 */
int numpy_parse_shape(const char *s, struct numpy_shape *shape, const char **why);

/* What NumPy makes of shape x dtype. */
struct numpy_size {
	bool too_big;    /* ValueError: array is too big (more than NPY_MAX_INTP bytes) */
	bool over_64;    /* 2^64 bytes or more: bytes is UINT64_MAX, not the size */
	uint64_t bytes;  /* the array's nbytes */
};

/*
 * The array's size, and whether NumPy refuses it as too big: it multiplies the item
 * size by every dimension, a 0 taken as 1, and refuses a product above NPY_MAX_INTP
 * even when a 0 dimension makes the array empty. Returns -1 with *why when a subarray
 * type's dimensions take the array past NUMPY_MAXDIMS, else 0.
 */
int numpy_array_size(const struct numpy_shape *shape, const struct numpy_dtype *dt,
		     struct numpy_size *out, const char **why);

/* What a pasted MemoryError says. */
struct numpy_error {
	struct numpy_shape shape;
	char dtype[512];         /* as printed (a structured type's list of fields can be long) */
	bool has_size;           /* NumPy >= 1.18 prints the size ("283. GiB") */
	char size_text[32];      /* as printed */
	uint64_t size_lo, size_hi;  /* bytes the printed size can stand for (rounding) */
	bool dtype_known;        /* numpy_dtype_size() understood dtype */
	uint64_t itemsize;
	bool exact;              /* bytes = shape x itemsize; false: the largest size the
	                            printed, rounded figure stands for (an upper bound) */
	uint64_t bytes;
	bool size_mismatch;      /* shape x itemsize disagrees with the printed size */
	bool too_big;            /* NumPy raises "array is too big" for this, never this
	                            MemoryError: the message was not printed as pasted */
	bool over_64;            /* 2^64 bytes or more: bytes is UINT64_MAX, not the size */
};

/*
 * Parse the message as NumPy prints it, alone or inside a pasted traceback:
 *   "Unable to allocate 283. GiB for an array with shape (156816, 36, 53806) and data
 *    type uint8" (NumPy >= 1.18) or "Unable to allocate array with shape (...) and data
 *    type uint8" (1.17). A figure NumPy printed stands for at most NPY_MAX_INTP bytes,
 * since NumPy never asks for more. Returns 0 or -1 with *why.
 */
int numpy_parse_error(const char *msg, struct numpy_error *out, const char **why);

#endif
