/* SPDX-License-Identifier: MIT */
/*
 * knobs.h - the three vm.overcommit_* sysctls: one enum, their names and /proc paths,
 * the kernel's defaults, their values as text. Every other module names a knob this way.
 */
#ifndef OVC_KNOBS_H
#define OVC_KNOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* In the order ovc shows them: the mode first, then the two limit knobs. */
enum knob {
	KNOB_MODE,     /* vm.overcommit_memory */
	KNOB_RATIO,    /* vm.overcommit_ratio (writing it zeroes kbytes) */
	KNOB_KBYTES,   /* vm.overcommit_kbytes (writing it zeroes ratio) */
	KNOB_COUNT
};

/*
 * The knobs in the order of their sorted /proc/sys paths (kbytes, memory, ratio): the
 * order glob(3) returns them in, which both sysctl tools use for a glob line.
 */
extern const enum knob knob_sorted[KNOB_COUNT];

/*
 * The boot values of a kernel that no sysctl file changes: mm/util.c initialises
 * sysctl_overcommit_memory = OVERCOMMIT_GUESS, sysctl_overcommit_ratio = 50 and
 * sysctl_overcommit_kbytes = 0 (unchanged since 3.14 added the kbytes knob).
 */
extern const struct model_policy knob_kernel_defaults;

/* "vm.overcommit_memory", ... */
const char *knob_name(enum knob k);

/* The path under a proc root: "sys/vm/overcommit_memory", ... */
const char *knob_proc_rel(enum knob k);

/* The knob's value in p as the kernel prints it ("2", "-1", "12582912"). */
void knob_format(const struct model_policy *p, enum knob k, char *buf, size_t len);

/* Do a and b hold the same value for k? For all three? */
bool knob_equal(const struct model_policy *a, const struct model_policy *b, enum knob k);
bool policy_equal(const struct model_policy *a, const struct model_policy *b);

#endif
