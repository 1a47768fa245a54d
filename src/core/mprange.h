/* SPDX-License-Identifier: MIT */
/*
 * mprange.h - threshold ranges and states of the Monitoring Plugins interface
 * (https://www.monitoring-plugins.org/doc/guidelines.html, "Threshold and ranges"):
 * parsing "[@]start:end", deciding whether a value raises an alert, the perfdata form of
 * a range, and the order of the four states. Pure: no I/O.
 *
 * A range is start:end, both inclusive. "10" is 0:10 (start and ':' may be left out when
 * start is 0); "10:" has no end (infinity); "~" as start is minus infinity. A value
 * outside the range raises the alert; with a leading '@', a value inside it does. So
 * "10" alerts below 0 or above 10, "10:" below 10, "~:10" above 10, "10:20" outside
 * 10..20 and "@10:20" inside 10..20. A start above the end is invalid, as in the
 * Monitoring Plugins' own parse_range_string (lib/utils_base.c).
 *
 * ovc's numbers are decimals (a sign, digits, a fraction) that may carry a unit: '%' on
 * either end makes the whole range percent ("2:3%", "5%:"); otherwise a size unit of 1024
 * (K, M, G, T, P, with an optional B or iB, any case; kB too) scales that end to kB, and
 * a plain number is kB. '%' and a size in one range is an error. No floating-point syntax
 * beyond that (no exponent, inf or nan).
 */
#ifndef OVC_MPRANGE_H
#define OVC_MPRANGE_H

#include <stdbool.h>
#include <stddef.h>

/* The plugin states and exit statuses (guidelines, "Plugin Return Codes"). */
enum mp_state { MP_OK = 0, MP_WARNING = 1, MP_CRITICAL = 2, MP_UNKNOWN = 3 };

struct mp_range {
	bool inside;       /* '@': alert inside start..end */
	bool start_inf;    /* '~' */
	bool end_inf;      /* "start:" */
	bool percent;      /* the numbers carried '%' */
	double start, end; /* kB (or percent); start 0 when left out */
};

/* Parse s. Returns 0, or -1 with *why a static reason. */
int mp_range_parse(const char *s, struct mp_range *r, const char **why);

/* Does v raise the range's alert? (check_range in lib/utils_base.c) */
bool mp_range_alert(const struct mp_range *r, double v);

/* The range for perfdata's warn and crit fields, in its own unit without the unit:
 * "@~:0", "5:", "10", "10:20" (start 0 and an infinite end left out). Returns buf. */
char *mp_range_format(const struct mp_range *r, char *buf, size_t len);

/* CRITICAL over WARNING over UNKNOWN over OK, as max_state_alt() in the Monitoring
 * Plugins' lib/utils.c: a problem found outranks a figure that could not be read. */
enum mp_state mp_state_worst(enum mp_state a, enum mp_state b);

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *mp_state_name(enum mp_state s);

#endif
