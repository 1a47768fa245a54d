/* SPDX-License-Identifier: MIT */
/*
 * escape.h - text from outside (file names and contents, argv, a pasted message, a
 * process name) made safe for a terminal: every control character becomes visible.
 *
 * The escapes, documented in ovc(8) ESCAPED TEXT:
 *   \\  a backslash, so that every escape reads one way
 *   \t \n \r  tab, newline, carriage return
 *   \xHH  (two lowercase hex digits) every other byte of
 *         - a C0 control (0x00-0x1f) or DEL (0x7f);
 *         - a C1 control, raw (0x80-0x9f outside UTF-8) or UTF-8 encoded (U+0080-U+009F:
 *           xterm and VTE read U+009B as CSI, as the 8-bit byte 0x9b is);
 *         - a Unicode bidirectional formatting character (U+061C, U+200E, U+200F,
 *           U+202A-U+202E, U+2066-U+2069), which reorders what follows on the screen;
 *         - a byte that is not part of well-formed UTF-8 (The Unicode Standard, table 3-7:
 *           no overlong forms, no surrogates, nothing above U+10FFFF).
 * Everything else, printable ASCII and well-formed UTF-8, is copied as it is, whatever
 * the locale.
 */
#ifndef OVC_ESCAPE_H
#define OVC_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Escape the NUL-terminated s into out (len bytes, NUL-terminated when len > 0; an
 * escape is never cut). Returns the length the whole escaped text needs, without the NUL,
 * as snprintf does: at most 4 x strlen(s).
 */
size_t escape_text(const char *s, char *out, size_t len);

/* Would escape_text change s? */
bool escape_needed(const char *s);

#endif
