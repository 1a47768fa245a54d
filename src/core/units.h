/* SPDX-License-Identifier: MIT */
/*
 * units.h - size strings in and out, with integer arithmetic only.
 *
 * Accepted sizes: a decimal number with an optional fraction and an optional unit,
 * blanks allowed between them: B, or K M G T P E alone or followed by B, i or iB. Every
 * unit is a power of 1024, as the kernel's "kB" in /proc/meminfo is: GB means GiB, so a
 * value pasted from meminfo ("65204 kB") means what the kernel meant. The unit letter is
 * case-insensitive. A fraction is rounded up to a whole byte. Never uses floating point.
 */
#ifndef OVC_UNITS_H
#define OVC_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse s into bytes. Returns 0, or -1 with *why set to a static reason
 * ("negative sizes are not allowed", "too large", ...).
 */
int units_parse_size(const char *s, uint64_t *bytes, const char **why);

/*
 * Parse a value for vm.overcommit_kbytes: a plain whole number is kB, as the sysctl;
 * a number with a unit is a size, converted to kB rounding down.
 */
int units_parse_kbytes(const char *s, uint64_t *kb, const char **why);

/*
 * A duration: one or more whole numbers each with a unit s, m, h, d or w ("90s", "30m",
 * "1h30m", "2d"); a bare number is seconds. 0, or -1 with *why.
 */
int units_parse_duration(const char *s, uint64_t *seconds, const char **why);

/* Parse a signed integer in [min, max] (strtonum style). */
int units_parse_int(const char *s, int64_t min, int64_t max, int64_t *out, const char **why);

/*
 * Parse a duration in seconds into milliseconds: a whole number with an optional
 * fraction of at most three digits ("0", "1", "2.5", "0.125"), no sign, no unit, at most
 * max_ms. Returns 0, or -1 with *why set.
 */
int units_parse_seconds_ms(const char *s, uint64_t max_ms, uint64_t *ms, const char **why);

/*
 * Format bytes in IEC units with two decimals ("282.89 GiB", "512 B"), rounded to
 * nearest. buf should hold at least UNITS_IEC_LEN bytes. Returns buf.
 */
#define UNITS_IEC_LEN 24
char *units_iec(uint64_t bytes, char *buf, size_t len);

/* Same for a kB count (exact up to 2^64 kB: ZiB and YiB exist for wrapped limits). */
char *units_iec_kb(uint64_t kb, char *buf, size_t len);

/* Signed kB count, "-1.50 GiB" for negatives. */
char *units_iec_skb(int64_t kb, char *buf, size_t len);

#endif
