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

struct numpy_shape {
	size_t ndim;
	uint64_t dims[NUMPY_MAXDIMS];
};

/*
 * Item size in bytes of a dtype given by name ("uint8", "float64", "np.float32"),
 * by type code with optional byte order ("f8", "<i4", "|u1", "d", "?") or as a flexible
 * type with a length ("S10", "<U10", "V16"). Returns 0 or -1 with *why.
 */
int numpy_dtype_size(const char *dtype, uint64_t *itemsize, const char **why);

/*
 * Does the dtype hold Python objects ('O', object, a structured or subarray type with an
 * object field)? NumPy fills such arrays when it creates them, np.empty with None
 * (PyArray_Empty, numpy/core/src/multiarray/ctors.c: PyArray_FillObjectArray) and
 * np.zeros with 0, so every page is written. A word-level test: a field named 'O'
 * also counts.
 */
bool numpy_dtype_has_object(const char *dtype);

/* "156816,36,53806", "(156816, 36, 53806)", "(10,)", "4x5". Returns 0 or -1 with *why. */
int numpy_parse_shape(const char *s, struct numpy_shape *shape, const char **why);

/* product(dims) * itemsize; -1 if it does not fit in 64 bits. */
int numpy_nbytes(const struct numpy_shape *shape, uint64_t itemsize, uint64_t *bytes);

/* What a pasted MemoryError says. */
struct numpy_error {
	struct numpy_shape shape;
	char dtype[64];          /* as printed */
	bool has_size;           /* NumPy >= 1.18 prints the size ("283. GiB") */
	char size_text[32];      /* as printed */
	uint64_t size_lo, size_hi;  /* bytes the printed size can stand for (rounding) */
	bool dtype_known;        /* numpy_dtype_size() understood dtype */
	uint64_t itemsize;
	bool exact;              /* bytes = shape x itemsize; false: from the printed size */
	uint64_t bytes;
	bool size_mismatch;      /* shape x itemsize disagrees with the printed size */
};

/*
 * Parse the message as NumPy prints it, alone or inside a pasted traceback:
 *   "Unable to allocate 283. GiB for an array with shape (156816, 36, 53806) and data
 *    type uint8" (NumPy >= 1.18) or "Unable to allocate array with shape (...) and data
 *    type uint8" (1.17). Returns 0 or -1 with *why.
 */
int numpy_parse_error(const char *msg, struct numpy_error *out, const char **why);

#endif
