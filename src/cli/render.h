/* SPDX-License-Identifier: MIT */
/* render.h - terminal output helpers: escaped text, colour, meters, aligned tables. */
#ifndef OVC_RENDER_H
#define OVC_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Text from outside ovc (a file's name or contents, an argument, a pasted message, a
 * process name, an error that quotes one) for human output, with its control characters
 * escaped (core/escape.h; ovc(8) ESCAPED TEXT). Every human renderer prints such text
 * through this; JSON escapes on its own. The result is valid until 16 more calls (a
 * rotating set of buffers, so that one printf can escape several arguments). NULL is "".
 */
const char *esc(const char *s);

/* "s" after a count other than 1: "%u CPU%s", n, plural(n) */
static inline const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

enum color { C_NONE, C_BOLD, C_DIM, C_RED, C_YELLOW, C_GREEN };

/* The escape sequence for c, or "" when colour is off. */
const char *clr(bool on, enum color c);
const char *clr_off(bool on);

/*
 * "[#########..........]  45.2%" for used/total, width cells wide. Colour by level when
 * on: green < 80 %, yellow < 95 %, red beyond. total 0 counts as full.
 */
void render_meter(FILE *f, bool color, uint64_t used, uint64_t total, int width);

#define TABLE_MAX_ROWS 16
#define TABLE_MAX_COLS 8
#define TABLE_CELL 48

struct table {
	size_t ncols, nrows;
	bool right[TABLE_MAX_COLS];            /* right-align numbers */
	char cell[TABLE_MAX_ROWS][TABLE_MAX_COLS][TABLE_CELL];
};

void table_init(struct table *t, size_t ncols, const char *align /* "lrr..." */);
/* Append a row of ncols strings. */
void table_row(struct table *t, ...);
/* Print with two spaces between columns; the first row in bold when colour is on. */
void table_print(const struct table *t, FILE *f, bool color, const char *indent);

#endif
