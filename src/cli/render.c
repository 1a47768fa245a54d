/* SPDX-License-Identifier: MIT */
/* render.c - escaped text, colour, meters and tables for human output. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../core/escape.h"
#include "render.h"

#define ESC_SLOTS 16

const char *esc(const char *s)
{
	/* kept between calls, so reachable: never a leak; grown, never shrunk */
	static char *slot[ESC_SLOTS];
	static size_t cap[ESC_SLOTS];
	static unsigned next;
	unsigned i = next++ % ESC_SLOTS;
	size_t need;

	if (!s)
		return "";
	if (!escape_needed(s))
		return s;
	need = escape_text(s, NULL, 0) + 1;
	if (need > cap[i]) {
		char *n = realloc(slot[i], need);

		if (!n)   /* no memory for the escaped copy: nothing rather than raw bytes */
			return "(text not shown: out of memory)";
		slot[i] = n;
		cap[i] = need;
	}
	escape_text(s, slot[i], cap[i]);
	return slot[i];
}

const char *clr(bool on, enum color c)
{
	static const char *const seq[] = { "", "\033[1m", "\033[2m", "\033[31m", "\033[33m",
					   "\033[32m" };

	return on ? seq[c] : "";
}

const char *clr_off(bool on)
{
	return on ? "\033[0m" : "";
}

void render_meter(FILE *f, bool color, uint64_t used, uint64_t total, int width)
{
	unsigned __int128 permille = total ? (unsigned __int128)used * 1000 / total : 1000;
	int fill, i;
	enum color c;

	if (permille > 1000 * 1000)
		permille = 1000 * 1000;
	fill = permille >= 1000 ? width : (int)(permille * (unsigned)width / 1000);
	c = permille < 800 ? C_GREEN : permille < 950 ? C_YELLOW : C_RED;
	fputc('[', f);
	fputs(clr(color, c), f);
	for (i = 0; i < width; i++) {
		if (i == fill)
			fputs(clr_off(color), f);
		fputc(i < fill ? '#' : '.', f);
	}
	if (fill >= width)
		fputs(clr_off(color), f);
	fprintf(f, "] %3u.%u%%", (unsigned)(permille / 10), (unsigned)(permille % 10));
}

void table_init(struct table *t, size_t ncols, const char *align)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	for (i = 0; i < ncols && align[i]; i++)
		t->right[i] = align[i] == 'r';
}

void table_row(struct table *t, ...)
{
	va_list ap;
	size_t i;

	if (t->nrows == TABLE_MAX_ROWS)
		return;
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		snprintf(t->cell[t->nrows][i], TABLE_CELL, "%s", s ? s : "");
	}
	va_end(ap);
	t->nrows++;
}

void table_print(const struct table *t, FILE *f, bool color, const char *indent)
{
	size_t w[TABLE_MAX_COLS] = { 0 }, r, c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if (strlen(t->cell[r][c]) > w[c])
				w[c] = strlen(t->cell[r][c]);
	for (r = 0; r < t->nrows; r++) {
		fputs(indent, f);
		if (r == 0)
			fputs(clr(color, C_BOLD), f);
		for (c = 0; c < t->ncols; c++) {
			bool last = c + 1 == t->ncols;

			if (t->right[c])
				fprintf(f, "%*s", (int)w[c], t->cell[r][c]);
			else if (last)
				fputs(t->cell[r][c], f);
			else
				fprintf(f, "%-*s", (int)w[c], t->cell[r][c]);
			if (!last)
				fputs("  ", f);
		}
		if (r == 0)
			fputs(clr_off(color), f);
		fputc('\n', f);
	}
}
