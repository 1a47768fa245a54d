/* SPDX-License-Identifier: MIT */
/* knobs.c - the vm.overcommit_* knobs' names, paths, defaults and value text. */
#include <inttypes.h>
#include <stdio.h>

#include "knobs.h"

static const struct {
	const char *name;
	const char *proc_rel;
} knobs[KNOB_COUNT] = {
	[KNOB_MODE] = { "vm.overcommit_memory", "sys/vm/overcommit_memory" },
	[KNOB_RATIO] = { "vm.overcommit_ratio", "sys/vm/overcommit_ratio" },
	[KNOB_KBYTES] = { "vm.overcommit_kbytes", "sys/vm/overcommit_kbytes" },
};

const enum knob knob_sorted[KNOB_COUNT] = { KNOB_KBYTES, KNOB_MODE, KNOB_RATIO };

const struct model_policy knob_kernel_defaults = {
	.mode = OVERCOMMIT_GUESS, .ratio = 50, .kbytes = 0,
};

const char *knob_name(enum knob k)
{
	return (unsigned)k < KNOB_COUNT ? knobs[k].name : "?";
}

const char *knob_proc_rel(enum knob k)
{
	return (unsigned)k < KNOB_COUNT ? knobs[k].proc_rel : "?";
}

void knob_format(const struct model_policy *p, enum knob k, char *buf, size_t len)
{
	switch (k) {
	case KNOB_MODE:
		snprintf(buf, len, "%d", p->mode);
		return;
	case KNOB_RATIO:
		snprintf(buf, len, "%" PRId64, p->ratio);
		return;
	case KNOB_KBYTES:
	case KNOB_COUNT:
		break;
	}
	snprintf(buf, len, "%" PRIu64, p->kbytes);
}

bool knob_equal(const struct model_policy *a, const struct model_policy *b, enum knob k)
{
	switch (k) {
	case KNOB_MODE:
		return a->mode == b->mode;
	case KNOB_RATIO:
		return a->ratio == b->ratio;
	case KNOB_KBYTES:
	case KNOB_COUNT:
		break;
	}
	return a->kbytes == b->kbytes;
}

bool policy_equal(const struct model_policy *a, const struct model_policy *b)
{
	return a->mode == b->mode && a->ratio == b->ratio && a->kbytes == b->kbytes;
}
