/* SPDX-License-Identifier: MIT */
/* test_dropin.c - ovc's drop-in text, reading it back, and the shadow check. */
#include "../../src/core/dropin.h"
#include "tap.h"

#define MAXF 8

static struct prec_file F[MAXF];
static size_t NF;
static struct dropin_check C;   /* large: keep it off the stack */

static void add(const char *dir, const char *name, const char *text)
{
	struct prec_file *f = &F[NF++];

	memset(f, 0, sizeof(*f));
	f->dir = dir;
	f->name = name;
	f->path = name;
	f->text = text;
	f->len = text ? strlen(text) : 0;
	f->readable = text != NULL;
	f->regular = text != NULL;
}

static void test_render(void)
{
	struct model_policy p1 = { 1, 50, 0 }, p2 = { 2, 80, 0 }, pk = { 2, 0, 300001 },
			    p0k = { 0, 0, 1048576 };
	char a[DROPIN_TEXT_MAX], b[DROPIN_TEXT_MAX];
	int n;

	n = dropin_render(&p1, NULL, a, sizeof(a));
	TAP_STR(a, DROPIN_MARKER " Do not edit: run \"ovc persist\" to change this file\n"
		"# and \"ovc reset --persist\" to remove it.\n"
		"vm.overcommit_memory = 1\nvm.overcommit_ratio = 50\n",
		"render: mode 1, the mode line first, then the ratio");
	TAP_U64(n, strlen(a), "render: returns the length");
	dropin_render(&p1, NULL, b, sizeof(b));
	TAP_STR(b, a, "render: the same policy gives the same bytes");
	dropin_render(&p2, "strict", a, sizeof(a));
	TAP_STR(strstr(a, "# profile: strict\nvm.overcommit_ratio = 80\nvm.overcommit_memory = 2\n"),
		"# profile: strict\nvm.overcommit_ratio = 80\nvm.overcommit_memory = 2\n",
		"render: mode 2 writes the limit before the mode; the profile in the header");
	dropin_render(&pk, NULL, a, sizeof(a));
	TAP_U64(strstr(a, "vm.overcommit_kbytes = 300001\nvm.overcommit_memory = 2\n") != NULL, 1,
		"render: kbytes, when set, instead of the ratio");
	TAP_U64(strstr(a, "overcommit_ratio") == NULL, 1, "render: only one of ratio and kbytes");
	dropin_render(&p0k, NULL, a, sizeof(a));
	TAP_U64(strstr(a, "vm.overcommit_memory = 0\nvm.overcommit_kbytes = 1048576\n") != NULL, 1,
		"render: mode 0 with kbytes: the mode first");
	TAP_I64(dropin_render(&(struct model_policy){ 3, 50, 0 }, NULL, a, sizeof(a)), -1,
		"render: mode 3 refused");
	TAP_I64(dropin_render(&(struct model_policy){ 1, -1, 0 }, NULL, a, sizeof(a)), -1,
		"render: a negative ratio refused");
	TAP_I64(dropin_render(&p1, "../x", a, sizeof(a)), -1, "render: a profile name with '/' refused");
	TAP_I64(dropin_render(&p1, "a\nvm.overcommit_memory = 2", a, sizeof(a)), -1,
		"render: a profile name cannot inject a line");
	TAP_I64(dropin_render(&p1, NULL, a, 40), -1, "render: a short buffer is an error, not a cut");
	TAP_U64(dropin_profile_name_ok("sparse-arrays"), 1, "profile name: sparse-arrays ok");
	TAP_U64(dropin_profile_name_ok(""), 0, "profile name: empty refused");
	TAP_U64(dropin_profile_name_ok("-x"), 0, "profile name: a leading '-' refused");
	TAP_U64(dropin_profile_name_ok("a b"), 0, "profile name: a space refused");
}

static void test_parse(void)
{
	struct model_policy p = { 2, 0, 300001 };
	struct dropin_info in;
	char a[DROPIN_TEXT_MAX];
	int n = dropin_render(&p, "redis", a, sizeof(a));

	dropin_parse(a, (size_t)n, &in);
	TAP_U64(in.managed, 1, "parse: ovc's own file is managed");
	TAP_STR(in.profile, "redis", "parse: the profile read back");
	TAP_U64(in.mode_set && in.kbytes_set && !in.ratio_set, 1, "parse: mode and kbytes set");
	TAP_U64(in.policy.kbytes, 300001, "parse: kbytes");
	TAP_I64(in.policy.mode, 2, "parse: mode");
	dropin_parse("vm.overcommit_memory=1\n", 23, &in);
	TAP_U64(in.managed, 0, "parse: no marker on the first line: not managed");
	TAP_I64(in.policy.mode, 1, "parse: a foreign file's mode read anyway");
	dropin_parse("# x\n" DROPIN_MARKER "\n", strlen("# x\n" DROPIN_MARKER "\n"), &in);
	TAP_U64(in.managed, 0, "parse: the marker counts on the first line only");
	dropin_parse("vm.overcommit_kbytes = 5\nvm.overcommit_ratio = 60", 49, &in);
	TAP_U64(in.ratio_set && !in.kbytes_set && in.policy.ratio == 60 && in.policy.kbytes == 0, 1,
		"parse: the later knob wins, as in the kernel (no final newline)");
}

static void test_check(void)
{
	struct model_policy want = { 1, 50, 0 };
	struct ovc_err err = { 0 };
	char t[DROPIN_TEXT_MAX];
	int n = dropin_render(&want, NULL, t, sizeof(t));

	NF = 0;
	add("/usr/lib/sysctl.d", "50-default.conf", "vm.overcommit_memory = 2\n");
	TAP_I64(dropin_check(F, &NF, MAXF, "/etc/sysctl.d/" DROPIN_NAME, t, (size_t)n, &want, &C, &err),
		0, "check: runs");
	TAP_U64(NF, 2, "check: the drop-in is added to the list");
	TAP_U64(C.nshadows, 0, "check: a vendor default sorting earlier does not shadow");
	TAP_I64(C.sd.final.mode, 1, "check: systemd boots with ovc's mode");

	NF = 0;
	add("/etc/sysctl.d", "99-zzz-later.conf", "vm.overcommit_memory = 2\n");
	dropin_check(F, &NF, MAXF, "/etc/sysctl.d/" DROPIN_NAME, t, (size_t)n, &want, &C, &err);
	TAP_U64(C.nshadows, 2, "check: a later-sorting file shadows under both tools");
	TAP_U64(C.shadows[0].by_set && C.shadows[0].by_file == 0 && C.shadows[0].by_line == 1, 1,
		"check: the shadow names file and line");
	TAP_I64(C.shadows[0].got.mode, 2, "check: the value boot would hold");

	NF = 0;
	add("/etc", "sysctl.conf", "vm.overcommit_memory = 0\n");
	dropin_check(F, &NF, MAXF, "/etc/sysctl.d/" DROPIN_NAME, t, (size_t)n, &want, &C, &err);
	TAP_U64(C.nshadows == 1 && C.shadows[0].tool == PREC_PROCPS, 1,
		"check: /etc/sysctl.conf shadows under procps only");

	/* systemd skips a write of the value the kernel already holds: kbytes survives */
	{
		struct model_policy w0 = { 2, 0, 0 };
		char t0[DROPIN_TEXT_MAX];
		int n0 = dropin_render(&w0, NULL, t0, sizeof(t0));

		NF = 0;
		add("/usr/lib/sysctl.d", "10-k.conf", "vm.overcommit_kbytes = 262144\n");
		dropin_check(F, &NF, MAXF, "/etc/sysctl.d/" DROPIN_NAME, t0, (size_t)n0, &w0, &C, &err);
		TAP_U64(C.nshadows == 1 && C.shadows[0].tool == PREC_SYSTEMD &&
				C.shadows[0].key == KNOB_KBYTES && C.shadows[0].got.kbytes == 262144,
			1, "check: ratio 0 after kbytes: systemd's equal-value skip keeps kbytes");
	}

	/* the existing drop-in entry is replaced in place, not added twice */
	NF = 0;
	add("/etc/sysctl.d", DROPIN_NAME, "vm.overcommit_memory = 2\n");
	dropin_check(F, &NF, MAXF, "/etc/sysctl.d/" DROPIN_NAME, t, (size_t)n, &want, &C, &err);
	TAP_U64(NF == 1 && C.index == 0 && C.nshadows == 0, 1, "check: the old drop-in is replaced");
	dropin_check(F, &NF, MAXF, "/etc/sysctl.d/" DROPIN_NAME, NULL, 0, NULL, &C, &err);
	TAP_I64(C.sd.final.mode, 0, "check: removed, boot falls back to the default");

	/* a same-named file in /run is overridden by /etc's by name */
	NF = 0;
	add("/run/sysctl.d", DROPIN_NAME, "vm.overcommit_memory = 2\n");
	dropin_check(F, &NF, MAXF, "/etc/sysctl.d/" DROPIN_NAME, t, (size_t)n, &want, &C, &err);
	TAP_U64(C.nshadows, 0, "check: /etc's drop-in masks /run's of the same name");

	NF = 0;
	while (NF < MAXF)
		add("/usr/lib/sysctl.d", "10-x.conf", "");
	TAP_I64(dropin_check(F, &NF, MAXF, "x", t, (size_t)n, &want, &C, &err), -1,
		"check: no room for the drop-in: an error");
}

void test_dropin(void)
{
	test_render();
	test_parse();
	test_check();
}
