/* SPDX-License-Identifier: MIT */
/* test_decide.c - the change's pure decisions (core/decide) and the knobs' facts (core/knobs). */
#include "../../src/core/decide.h"
#include "../../src/core/knobs.h"
#include "tap.h"

static const char ovc_text[] = "# Managed by ovc(8). Do not edit: run \"ovc persist\" to change this file\n"
			       "# and \"ovc reset --persist\" to remove it.\n"
			       "vm.overcommit_memory = 1\nvm.overcommit_ratio = 50\n";

static struct plan guard(bool applies, bool ok)
{
	struct plan p = { 0 };

	p.guard_applies = applies;
	p.guard_ok = ok;
	return p;
}

static void test_dropin_change(void)
{
	struct dropin_info ovc, foreign;
	struct dropin_change d;
	size_t n = sizeof(ovc_text) - 1;

	dropin_parse(ovc_text, n, &ovc);
	dropin_parse("vm.overcommit_memory = 1\n", 25, &foreign);
	decide_dropin(NULL, 0, NULL, ovc_text, n, NULL, 0, &d);
	TAP_U64(d.changes, 1, "no file yet: writing it changes something");
	TAP_U64(d.foreign || d.same_bytes || d.shadowed, 0, "no file: not foreign, not the same bytes");
	decide_dropin(ovc_text, n, &ovc, ovc_text, n, "", 0, &d);
	TAP_U64(d.changes, 0, "the same bytes, trusted: nothing to do (a repeated run)");
	TAP_U64(d.same_bytes, 1, "the same bytes are recognised");
	decide_dropin(ovc_text, n, &ovc, ovc_text, n, "owned by uid 65534", 0, &d);
	TAP_U64(d.changes, 1, "the same bytes in a file another user controls are rewritten");
	TAP_STR(d.untrusted, "owned by uid 65534", "the reason is kept for the report");
	decide_dropin(ovc_text, n - 1, &ovc, ovc_text, n, "", 0, &d);
	TAP_U64(d.changes && !d.same_bytes, 1, "one byte less: it changes");
	decide_dropin("vm.overcommit_memory = 1\n", 25, &foreign, ovc_text, n, "", 0, &d);
	TAP_U64(d.foreign, 1, "a file without ovc's first line is foreign");
	decide_dropin(ovc_text, n, &ovc, NULL, 0, "", 2, &d);
	TAP_U64(d.changes && d.shadowed && !d.foreign, 1, "a removal of ovc's file changes it");
	decide_dropin(NULL, 0, NULL, NULL, 0, "", 0, &d);
	TAP_U64(d.changes, 0, "removing an absent file changes nothing");
}

static void test_refusal_order(void)
{
	struct dropin_change dc = { .changes = true, .foreign = true, .shadowed = true };
	struct plan bad = guard(true, false), good = guard(true, true), none = guard(false, false);
	struct change_decision d;

	decide_change(&bad, 1, &dc, false, &d);
	TAP_U64(d.refusal, REFUSE_FOREIGN, "all three apply: the foreign file is named first");
	dc.foreign = false;
	decide_change(&bad, 1, &dc, false, &d);
	TAP_U64(d.refusal, REFUSE_GUARD, "then the guard");
	decide_change(&good, 1, &dc, false, &d);
	TAP_U64(d.refusal, REFUSE_SHADOWED, "then a file that would shadow the drop-in at boot");
	decide_change(&none, 0, NULL, false, &d);
	TAP_U64(d.refusal == REFUSE_NONE && !d.would_change, 1, "nothing asked, nothing refused");
	decide_change(&bad, 0, NULL, false, &d);
	TAP_U64(d.refusal, REFUSE_NONE, "the guard never refuses a no-op (a repeated run exits 0)");
	decide_change(&bad, 2, NULL, false, &d);
	TAP_U64(d.refusal, REFUSE_GUARD, "the guard refuses runtime writes");
	dc = (struct dropin_change){ .changes = false, .foreign = true, .shadowed = true };
	decide_change(&good, 1, &dc, false, &d);
	TAP_U64(d.refusal, REFUSE_NONE, "an unchanged drop-in is not refused for being foreign or shadowed");
	TAP_U64(d.would_change, 1, "the runtime writes still change something");
}

static void test_force(void)
{
	struct dropin_change dc = { .changes = true, .shadowed = true };
	struct plan bad = guard(true, false), good = guard(true, true);
	struct change_decision d;

	decide_change(&bad, 1, &dc, true, &d);
	TAP_U64(d.refusal, REFUSE_NONE, "--force overrides every refusal");
	TAP_U64(d.forced && d.guard_overridden, 1, "and says it did, the guard in particular");
	decide_change(&good, 1, &dc, true, &d);
	TAP_U64(d.forced && !d.guard_overridden, 1, "forced past a shadow only");
	dc.shadowed = false;
	decide_change(&good, 1, &dc, true, &d);
	TAP_U64(d.forced, 0, "--force with nothing to override is not 'forced'");
	decide_change(&good, 1, NULL, true, &d);
	TAP_U64(d.forced, 0, "no drop-in step, guard fine: not forced");
}

static void test_knobs(void)
{
	struct model_policy p = { 2, -5, 123 };
	char buf[32];
	int k;

	TAP_STR(knob_name(KNOB_MODE), "vm.overcommit_memory", "the mode's sysctl name");
	TAP_STR(knob_proc_rel(KNOB_KBYTES), "sys/vm/overcommit_kbytes", "the kbytes knob's path");
	TAP_U64(knob_sorted[0] == KNOB_KBYTES && knob_sorted[1] == KNOB_MODE &&
			knob_sorted[2] == KNOB_RATIO, 1, "glob order: kbytes, memory, ratio (sorted paths)");
	for (k = 1; k < KNOB_COUNT; k++)
		TAP_U64(strcmp(knob_proc_rel(knob_sorted[k - 1]), knob_proc_rel(knob_sorted[k])) < 0,
			1, "knob_sorted is sorted by path (%d)", k);
	knob_format(&p, KNOB_RATIO, buf, sizeof(buf));
	TAP_STR(buf, "-5", "a negative ratio prints signed");
	knob_format(&p, KNOB_KBYTES, buf, sizeof(buf));
	TAP_STR(buf, "123", "kbytes prints unsigned");
	TAP_U64(knob_kernel_defaults.mode == 0 && knob_kernel_defaults.ratio == 50 &&
			knob_kernel_defaults.kbytes == 0, 1, "the kernel's defaults are 0/50/0");
	TAP_U64(policy_equal(&p, &p) && !knob_equal(&p, &knob_kernel_defaults, KNOB_MODE), 1,
		"equality per knob and for the whole policy");
}

void test_decide(void)
{
	test_dropin_change();
	test_refusal_order();
	test_force();
	test_knobs();
}
