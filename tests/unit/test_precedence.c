/* SPDX-License-Identifier: MIT */
/* test_precedence.c - sysctl.d precedence under systemd-sysctl and procps, hand-worked. */
#include "../../src/core/precedence.h"
#include "tap.h"

#define MAXF 8

struct tree {
	struct prec_file f[MAXF];
	char path[MAXF][96];
	size_t n;
};

static struct prec_file *add(struct tree *t, const char *dir, const char *name,
			     const char *text)
{
	struct prec_file *f = &t->f[t->n];

	snprintf(t->path[t->n], sizeof(t->path[0]), "%s/%s", dir, name);
	memset(f, 0, sizeof(*f));
	f->dir = dir;
	f->name = name;
	f->path = t->path[t->n];
	f->text = text;
	f->len = text ? strlen(text) : 0;
	f->readable = text != NULL;
	f->regular = text != NULL;
	t->n++;
	return f;
}

static struct prec_result R;   /* large: keep it off the stack */

static const struct prec_result *run(const struct tree *t, enum prec_tool tool)
{
	static const struct model_policy boot = { 0, 50, 0 };
	struct ovc_err e;

	if (prec_resolve(tool, t->f, t->n, &boot, &R, &e) < 0)
		printf("# prec_resolve failed: %s\n", e.msg);
	return &R;
}

/* "path:line" of the decider of k, or "none" */
static const char *dec(const struct tree *t, const struct prec_result *r, enum knob k)
{
	static char buf[4][128];
	static unsigned slot;
	char *b = buf[slot++ % 4];

	if (!r->decider[k].set)
		return "none";
	snprintf(b, sizeof(buf[0]), "%s:%u", t->f[r->decider[k].file].path,
		 r->decider[k].line);
	return b;
}

/* "memory=1,ratio=80!,kbytes=0~" ('!' EINVAL, '~' redundant, '*' via a glob) */
static const char *writes(const struct prec_result *r)
{
	static char buf[512];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < r->nwrites && o < sizeof(buf); i++) {
		const struct prec_write *w = &r->writes[i];

		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s=%.*s%s%s", i ? "," : "",
				      knob_name(w->key) + 14, (int)w->value_len, w->value,
				      w->status == PREC_W_EINVAL  ? "!"
				      : w->status == PREC_W_REDUNDANT ? "~"
								      : "",
				      w->via_glob ? "*" : "");
	}
	return buf;
}

/* "key path:line why [by path:line]; ..." */
static const char *shadows(const struct tree *t, const struct prec_result *r)
{
	static char buf[1024];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < r->nshadows && o < sizeof(buf); i++) {
		const struct prec_shadow *s = &r->shadows[i];

		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s %s:%u %s", i ? "; " : "",
				      knob_name(s->key) + 14, t->f[s->file].path, s->line,
				      prec_shadow_why_name(s->why));
		if (s->has_by && o < sizeof(buf))
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, " by %s:%u",
					      t->f[s->by_file].path, s->by_line);
	}
	return buf;
}

#define ETC "/etc/sysctl.d"
#define RUN "/run/sysctl.d"
#define USR "/usr/lib/sysctl.d"

static void test_dirs_and_order(void)
{
	const struct prec_result *r;
	struct tree t = { 0 };

	/* same basename: /etc masks /usr/lib under both tools */
	add(&t, USR, "50-x.conf", "vm.overcommit_memory = 2\n");
	add(&t, ETC, "50-x.conf", "# admin\nvm.overcommit_memory = 1\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 1, "systemd: /etc/sysctl.d/50-x.conf overrides /usr/lib's by name");
	TAP_STR(dec(&t, r, KNOB_MODE), ETC "/50-x.conf:2", "systemd: decided by /etc line 2");
	TAP_STR(shadows(&t, r), "memory " USR "/50-x.conf:1 not read by " ETC "/50-x.conf:0",
		"systemd: the /usr/lib line is reported as not read, because of /etc's file");
	TAP_U64(r->norder, 1, "systemd: one file read");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.mode, 1, "procps: /etc wins by name too");
	TAP_STR(writes(r), "memory=1", "procps: only /etc's file is written");

	/* /run loses to /etc by name, but takes part by its own names */
	memset(&t, 0, sizeof(t));
	add(&t, RUN, "50-x.conf", "vm.overcommit_ratio = 10\n");
	add(&t, ETC, "50-x.conf", "vm.overcommit_ratio = 20\n");
	add(&t, RUN, "60-y.conf", "vm.overcommit_ratio = 30\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.ratio, 30, "systemd: /etc before /run by name; 60-y sorts last");
	TAP_STR(dec(&t, r, KNOB_RATIO), RUN "/60-y.conf:1", "systemd: decided by /run/60-y");
	TAP_STR(shadows(&t, r),
		"ratio " RUN "/50-x.conf:1 not read by " ETC "/50-x.conf:0; "
		"ratio " ETC "/50-x.conf:1 overridden by " RUN "/60-y.conf:1",
		"systemd: /run's 50-x not read, /etc's 50-x overridden");

	/* /lib/sysctl.d (a real directory, not merged /usr): both tools read it, last dir */
	memset(&t, 0, sizeof(t));
	add(&t, "/lib/sysctl.d", "50-l.conf", "vm.overcommit_ratio = 44\n");
	add(&t, USR, "50-l.conf", "vm.overcommit_ratio = 45\n");
	add(&t, "/lib/sysctl.d", "60-l.conf", "vm.overcommit_memory = 1\n");
	add(&t, "/opt/sysctl.d", "70-o.conf", "vm.overcommit_memory = 2\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.ratio, 45, "systemd: /usr/lib beats /lib by name");
	TAP_I64(r->final.mode, 1, "systemd: reads /lib/sysctl.d (v252 split-usr, seen on host); "
				  "ignores other dirs");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.ratio, 45, "procps: /usr/lib beats /lib by name");
	TAP_I64(r->final.mode, 1, "procps: reads /lib/sysctl.d");

	/* lexical order across directories: 10- vs 99-, and 'B' < 'a' (strcmp) */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-b.conf", "vm.overcommit_ratio = 60\n");
	add(&t, USR, "99-a.conf", "vm.overcommit_ratio = 70\n");
	add(&t, ETC, "a.conf", "vm.overcommit_memory = 1\n");
	add(&t, USR, "B.conf", "vm.overcommit_memory = 2\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.ratio, 70, "systemd: /usr/lib/99-a sorts after /etc/10-b and wins");
	TAP_I64(r->final.mode, 1, "systemd: a.conf sorts after B.conf (strcmp) and wins");
	TAP_STR(dec(&t, r, KNOB_MODE), ETC "/a.conf:1", "systemd: memory decided by a.conf");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "ratio=60,ratio=70,memory=2,memory=1",
		"procps: files in strcmp order 10-b, 99-a, B, a");
	TAP_I64(r->final.ratio, 70, "procps: ratio 70");
	TAP_I64(r->final.mode, 1, "procps: mode 1");
}

static void test_sysctl_conf(void)
{
	static const char conf[] = "vm.overcommit_memory = 1\n";
	const struct prec_result *r;
	struct tree t = { 0 };

	add(&t, ETC, "99-ovc.conf", "# managed by ovc\nvm.overcommit_memory = 2\n");
	add(&t, "/etc", "sysctl.conf", conf);
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.mode, 1, "procps: /etc/sysctl.conf is applied last and beats 99-ovc");
	TAP_STR(dec(&t, r, KNOB_MODE), "/etc/sysctl.conf:1", "procps: decided by sysctl.conf");
	TAP_STR(shadows(&t, r),
		"memory " ETC "/99-ovc.conf:2 overridden by /etc/sysctl.conf:1",
		"procps: ovc's line is shadowed by sysctl.conf");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 2, "systemd: /etc/sysctl.conf is not read");
	TAP_STR(dec(&t, r, KNOB_MODE), ETC "/99-ovc.conf:2", "systemd: decided by 99-ovc");
	TAP_STR(shadows(&t, r), "memory /etc/sysctl.conf:1 not read",
		"systemd: sysctl.conf reported as not read");

	/* Debian 12: 99-sysctl.conf -> ../sysctl.conf, a file entry with sysctl.conf's text */
	add(&t, ETC, "99-sysctl.conf", conf);
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 1, "systemd+Debian link: 99-sysctl.conf sorts after 99-ovc");
	TAP_STR(dec(&t, r, KNOB_MODE), ETC "/99-sysctl.conf:1",
		"systemd+Debian link: decided by the link");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "memory=2,memory=1,memory=1",
		"procps+Debian link: sysctl.conf is applied twice");
	TAP_STR(dec(&t, r, KNOB_MODE), "/etc/sysctl.conf:1",
		"procps+Debian link: the last application decides");

	/* sysctl.conf masked with /dev/null: not a regular file, procps skips it */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "99-ovc.conf", "vm.overcommit_memory = 2\n");
	add(&t, "/etc", "sysctl.conf", NULL)->masked = true;
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.mode, 2, "procps: a /dev/null sysctl.conf is not a regular file");
	TAP_OK(!r->tool_fails, "procps: and nothing fails");
}

static void test_mask_hidden(void)
{
	const struct prec_result *r;
	struct tree t = { 0 };

	add(&t, USR, "50-vendor.conf", "vm.overcommit_memory = 2\n");
	add(&t, ETC, "50-vendor.conf", NULL)->masked = true;
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 0, "systemd: /dev/null link masks the vendor file");
	TAP_STR(dec(&t, r, KNOB_MODE), "none", "systemd: nothing decides: kernel default");
	TAP_U64(r->norder, 0, "systemd: the mask itself is not read");
	TAP_STR(shadows(&t, r), "memory " USR "/50-vendor.conf:1 not read by " ETC
				"/50-vendor.conf:0",
		"systemd: vendor line reported, masked by /etc");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.mode, 0, "procps: /dev/null reads empty and masks too");
	TAP_U64(r->norder, 1, "procps: it reads the empty mask");
	TAP_OK(!r->tool_fails, "procps: no failure");

	/* dot-file: procps reads it, systemd skips it (hidden) */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, ".hidden.conf", "vm.overcommit_memory = 1\n");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.mode, 1, "procps: reads the dot-file .hidden.conf");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 0, "systemd: skips the dot-file");
	TAP_STR(shadows(&t, r), "memory " ETC "/.hidden.conf:1 not read",
		"systemd: dot-file line reported as not read");

	/* a hidden dot-file does not take the name from a visible one (systemd) */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, ".x.conf", "vm.overcommit_ratio = 1\n");
	add(&t, USR, ".x.conf", "vm.overcommit_ratio = 2\n");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.ratio, 1, "procps: dot-files also follow first-dir-wins");

	/* backup names: neither tool reads them (not *.conf) */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "99-x.conf~", "vm.overcommit_memory = 1\n");
	add(&t, ETC, "99-x.conf.dpkg-old", "vm.overcommit_memory = 2\n");
	add(&t, ETC, "99-x.conf.rpmsave", "vm.overcommit_memory = 2\n");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.mode, 0, "procps: .conf~/.dpkg-old/.rpmsave not read");
	TAP_U64(r->nshadows, 3, "procps: all three reported as not read");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 0, "systemd: backup names not read");

	/* a caller-set hidden flag is honoured by systemd */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "x.conf", "vm.overcommit_memory = 1\n")->hidden = true;
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 0, "systemd: hidden flag from the caller skips the file");

	TAP_OK(prec_hidden_or_backup(".x.conf"), "hidden: leading dot");
	TAP_OK(prec_hidden_or_backup("a.conf~"), "hidden: trailing ~");
	TAP_OK(prec_hidden_or_backup("a.conf.dpkg-old"), "hidden: .dpkg-old");
	TAP_OK(prec_hidden_or_backup("a.conf.rpmnew"), "hidden: .rpmnew");
	TAP_OK(prec_hidden_or_backup("a.bak"), "hidden: .bak");
	TAP_OK(!prec_hidden_or_backup("99-ovc.conf"), "hidden: 99-ovc.conf is visible");
	TAP_OK(!prec_hidden_or_backup("a.dpkg-old.conf"), "hidden: only the last suffix counts");

	/* unreadable (dangling) file: both tools fail, nothing is set */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "dangling.conf", NULL);
	r = run(&t, PREC_PROCPS);
	TAP_OK(r->tool_fails && r->ndiags == 1 && r->diags[0].kind == PREC_D_CANNOT_OPEN,
	       "procps: dangling link: cannot open, failure");
}

static void test_grammar(void)
{
	const struct prec_result *r;
	struct tree t = { 0 };

	/* '-' prefix: a failure is ignored by systemd, not by procps 4.0.2 */
	add(&t, ETC, "10-a.conf", "-vm.overcommit_memory = 5\n-vm.overcommit_ratio = 80\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "memory=5!,ratio=80", "systemd: '-' lines are written");
	TAP_OK(r->writes[0].ignore_failure, "systemd: '-' recorded as ignore_failure");
	TAP_OK(!r->tool_fails, "systemd: '-' makes EINVAL not fail");
	TAP_I64(r->final.ratio, 80, "systemd: '-vm.overcommit_ratio = 80' applies");
	TAP_STR(shadows(&t, r), "memory " ETC "/10-a.conf:1 rejected by the kernel",
		"systemd: the rejected '-' line is reported");
	r = run(&t, PREC_PROCPS);
	TAP_OK(r->tool_fails, "procps 4.0.2: EINVAL fails even with '-'");
	TAP_I64(r->final.ratio, 80, "procps: '-vm.overcommit_ratio = 80' applies");

	/*
	 * inline '#' is part of the value, but the kernel stores the number before the blank
	 * and ignores the rest (measured: tests/vm/boot layout inline-comment)
	 */
	memset(&t, 0, sizeof(t));
	add(&t, USR, "10-vendor.conf", "vm.overcommit_memory = 2\n");
	add(&t, ETC, "99-admin.conf", "vm.overcommit_memory = 1 # redis\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "memory=1 # redis",
		"systemd: '1 # redis' replaces the vendor entry in the merge and is written");
	TAP_I64(r->final.mode, 1, "systemd: the kernel stores the 1");
	TAP_STR(dec(&t, r, KNOB_MODE), ETC "/99-admin.conf:1", "systemd: the admin line decides");
	TAP_OK(!r->tool_fails, "systemd: the short write is not a failure");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.mode, 1, "procps: vendor 2, then the admin's 1 is stored");
	TAP_OK(!r->tool_fails, "procps: no failure either");
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "99-admin.conf", "vm.overcommit_ratio = 60#x\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_OK(r->tool_fails && r->final.ratio == 50, "systemd: '60#x' (no blank) is EINVAL");
	TAP_STR(r->writes[0].reason, "not an integer", "reason recorded");

	/* comments only as first non-blank character; ';' too; blank lines */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf",
	    "  # vm.overcommit_memory = 1\n\t; vm.overcommit_memory = 1\n\n"
	    "   vm.overcommit_ratio\t=  33  \n");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "ratio=33", "systemd: comments skipped, blanks stripped");
	TAP_STR(dec(&t, r, KNOB_RATIO), ETC "/10-a.conf:4", "systemd: line numbers count all lines");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "ratio=33", "procps: same");

	/* key spelled with slashes; leading slash */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm/overcommit_memory = 2\n/vm/overcommit_ratio=30\n"
				  "vm/overcommit.memory = 1\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "memory=2,ratio=30", "systemd: vm/overcommit_memory is the key; "
						"vm/overcommit.memory is not");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "memory=2,ratio=30", "procps: same");

	/* line without '=': systemd fails at the end, procps only warns */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm.overcommit_memory 1\nvm.overcommit_ratio = 60\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_OK(r->ndiags == 1 && r->diags[0].kind == PREC_D_NOT_ASSIGNMENT && r->diags[0].line == 1,
	       "systemd: line 1 is not an assignment");
	TAP_OK(r->tool_fails, "systemd: which fails the run");
	TAP_I64(r->final.ratio, 60, "systemd: the rest still applies");
	r = run(&t, PREC_PROCPS);
	TAP_OK(r->ndiags == 1 && !r->tool_fails, "procps: invalid syntax, no failure");

	/* "- key = v": systemd strips after '-', procps keeps the blank (a different key) */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "- vm.overcommit_memory = 1\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 1, "systemd: '- vm.overcommit_memory' is our key");
	r = run(&t, PREC_PROCPS);
	TAP_U64(r->nwrites, 0, "procps: '- vm...' names ' vm/...' (no such key)");
}

static void test_side_effects(void)
{
	const struct prec_result *r;
	struct tree t = { 0 };

	/* kbytes then ratio in a later file: kbytes is zeroed */
	add(&t, ETC, "10-a.conf", "vm.overcommit_kbytes = 1048576\n");
	add(&t, ETC, "20-b.conf", "vm.overcommit_ratio = 80\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.ratio, 80, "kbytes then ratio: ratio 80");
	TAP_U64(r->final.kbytes, 0, "kbytes then ratio: kbytes zeroed");
	TAP_STR(dec(&t, r, KNOB_KBYTES), ETC "/20-b.conf:1",
		"kbytes then ratio: kbytes decided by the ratio line");
	TAP_STR(shadows(&t, r), "kbytes " ETC "/10-a.conf:1 zeroed by the other limit knob by "
				ETC "/20-b.conf:1",
		"kbytes line reported as zeroed by 20-b");
	r = run(&t, PREC_PROCPS);
	TAP_U64(r->final.kbytes, 0, "procps: kbytes zeroed too");

	/* ratio then kbytes = 0: both end 0 */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm.overcommit_ratio = 80\n");
	add(&t, ETC, "20-b.conf", "vm.overcommit_kbytes = 0\n");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.ratio, 0, "ratio then kbytes=0: ratio zeroed");
	TAP_U64(r->final.kbytes, 0, "ratio then kbytes=0: kbytes 0");
	TAP_STR(dec(&t, r, KNOB_RATIO), ETC "/20-b.conf:1", "ratio decided by the kbytes=0 line");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "ratio=80,kbytes=0~",
		"systemd: kbytes=0 equals the current 0: not written");
	TAP_I64(r->final.ratio, 80, "systemd: so ratio keeps 80 (redundant write suppressed)");
	TAP_STR(dec(&t, r, KNOB_KBYTES), ETC "/20-b.conf:1", "systemd: kbytes decided by 20-b");

	/* kbytes then ratio = 0 in a later file: procps zeroes kbytes, systemd skips */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm.overcommit_kbytes = 100\n");
	add(&t, ETC, "20-b.conf", "vm.overcommit_ratio = 0\n");
	r = run(&t, PREC_PROCPS);
	TAP_U64(r->final.kbytes, 0, "procps: ratio=0 is written and zeroes kbytes");
	r = run(&t, PREC_SYSTEMD);
	TAP_U64(r->final.kbytes, 100, "systemd: ratio already 0: not written, kbytes stays");

	/* systemd: an equal re-assignment keeps its earlier place; a different one moves */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm.overcommit_ratio = 80\n");
	add(&t, ETC, "20-b.conf", "vm.overcommit_kbytes = 100\n");
	add(&t, ETC, "30-c.conf", "vm.overcommit_ratio = 80\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "ratio=80,kbytes=100", "systemd: equal value merged into 10-a");
	TAP_I64(r->final.ratio, 0, "systemd: so kbytes (later) zeroes ratio");
	TAP_U64(r->final.kbytes, 100, "systemd: kbytes 100");
	TAP_STR(shadows(&t, r),
		"ratio " ETC "/10-a.conf:1 zeroed by the other limit knob by " ETC "/20-b.conf:1; "
		"ratio " ETC "/30-c.conf:1 merged into an earlier equal assignment by " ETC
		"/10-a.conf:1",
		"systemd: both ratio lines shadowed");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "ratio=80,kbytes=100,ratio=80", "procps: every assignment written");
	TAP_I64(r->final.ratio, 80, "procps: ratio 80");
	TAP_U64(r->final.kbytes, 0, "procps: kbytes zeroed by the last ratio");

	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm.overcommit_ratio = 70\n");
	add(&t, ETC, "20-b.conf", "vm.overcommit_kbytes = 100\n");
	add(&t, ETC, "30-c.conf", "vm.overcommit_ratio = 80\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "kbytes=100,ratio=80", "systemd: re-assignment moves to the end");
	TAP_I64(r->final.ratio, 80, "systemd: ratio 80");
	TAP_STR(shadows(&t, r),
		"ratio " ETC "/10-a.conf:1 overridden by " ETC "/30-c.conf:1; "
		"kbytes " ETC "/20-b.conf:1 zeroed by the other limit knob by " ETC "/30-c.conf:1",
		"systemd: 10-a overridden, 20-b zeroed");

	/* start from runtime values, nothing configured: nothing decides */
	memset(&t, 0, sizeof(t));
	{
		static const struct model_policy rt = { 2, 80, 0 };
		struct ovc_err e;

		TAP_I64(prec_resolve(PREC_SYSTEMD, t.f, 0, &rt, &R, &e), 0, "empty tree");
		TAP_I64(R.final.mode, 2, "empty tree: start values kept");
		TAP_OK(!R.decider[0].set && !R.decider[1].set && !R.decider[2].set,
		       "empty tree: no decider");
	}
}

static void test_globs(void)
{
	const struct prec_result *r;
	struct tree t = { 0 };

	add(&t, USR, "10-g.conf", "vm.overcommit_* = 1\n");
	add(&t, ETC, "50-x.conf", "vm.overcommit_memory = 2\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "kbytes=1*,ratio=1*,memory=2",
		"systemd: glob skips the explicit key, expands in sorted order");
	TAP_I64(r->final.mode, 2, "systemd: explicit memory=2");
	TAP_I64(r->final.ratio, 1, "systemd: ratio 1 from the glob");
	TAP_U64(r->final.kbytes, 0, "systemd: kbytes 1 then zeroed by the glob's ratio write");
	TAP_STR(dec(&t, r, KNOB_KBYTES), USR "/10-g.conf:1", "systemd: glob line decides kbytes");
	TAP_STR(shadows(&t, r), "kbytes " USR "/10-g.conf:1 zeroed by the other limit knob by "
				USR "/10-g.conf:1",
		"systemd: the glob's kbytes write is zeroed by its own ratio write");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "kbytes=1*,ratio=1*,memory=2", "procps: same writes");

	/* an exclusion suppresses the glob for that key, not the side effect */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-g.conf", "vm.* = 0\n-vm.overcommit_ratio\n");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "kbytes=0*,memory=0*", "procps: vm.* minus the excluded ratio");
	TAP_I64(r->final.ratio, 0, "procps: ratio zeroed by the kbytes write anyway");
	r = run(&t, PREC_SYSTEMD);
	TAP_STR(writes(r), "kbytes=0~*,memory=0~*", "systemd: equal values are not written");
	TAP_I64(r->final.ratio, 50, "systemd: so ratio keeps 50");

	/* systemd: a later "-key" removes an earlier assignment; procps keeps it */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm.overcommit_memory = 2\n");
	add(&t, ETC, "20-b.conf", "-vm.overcommit_memory\n");
	r = run(&t, PREC_SYSTEMD);
	TAP_I64(r->final.mode, 0, "systemd: exclusion after assignment drops it");
	TAP_STR(shadows(&t, r), "memory " ETC "/10-a.conf:1 excluded by " ETC "/20-b.conf:1",
		"systemd: reported as excluded");
	r = run(&t, PREC_PROCPS);
	TAP_I64(r->final.mode, 2, "procps: exclusion only affects globs");

	/* an explicit entry anywhere (even later) suppresses the glob (procps) */
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm.overcommit_m?mory = 1\n");
	add(&t, ETC, "20-b.conf", "vm.overcommit_memory = 2\n");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "memory=2", "procps: '?' glob skipped for a key set later");
	memset(&t, 0, sizeof(t));
	add(&t, ETC, "10-a.conf", "vm.overcommit_[mr]*[!e] = 1\nvm.over* = 2\n");
	r = run(&t, PREC_PROCPS);
	TAP_STR(writes(r), "memory=1*,ratio=1*,kbytes=2*,memory=2*,ratio=2*",
		"procps: bracket classes; globs do not suppress each other");
}

static void test_kernel_parse(void)
{
	static const struct {
		enum knob k;
		const char *v;
		int ok;
		int64_t want;
	} cases[] = {
		{ KNOB_MODE, "2", 1, 2 },          { KNOB_MODE, " 0 ", 1, 0 },
		{ KNOB_MODE, "3", 0, 0 },          { KNOB_MODE, "-1", 0, 0 },
		{ KNOB_MODE, "-0", 1, 0 },         { KNOB_MODE, "0x2", 1, 2 },
		{ KNOB_MODE, "1 # x", 1, 1 },      { KNOB_MODE, "", 0, 0 },
		{ KNOB_MODE, "1#x", 0, 0 },        { KNOB_MODE, "1\t2", 1, 1 },
		{ KNOB_KBYTES, "262144 ; was 0", 1, 262144 },
		{ KNOB_MODE, "one", 0, 0 },        { KNOB_MODE, "\"1\"", 0, 0 },
		{ KNOB_RATIO, "-1", 1, -1 },         { KNOB_RATIO, "2147483647", 1, 2147483647 },
		{ KNOB_RATIO, "2147483648", 0, 0 },  { KNOB_RATIO, "-2147483648", 1, INT32_MIN },
		{ KNOB_RATIO, "010", 1, 8 },         { KNOB_RATIO, "08", 0, 0 },
		{ KNOB_RATIO, "50%", 0, 0 },         { KNOB_RATIO, "1.5", 0, 0 },
		{ KNOB_KBYTES, "18446744073709551615", 1, -1 },
		{ KNOB_KBYTES, "18446744073709551616", 0, 0 },
		{ KNOB_KBYTES, "-0", 0, 0 },
		{ KNOB_KBYTES, "000000000000000000001", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t iv = 0;
		uint64_t uv = 0;
		const char *why = NULL;
		int rc = prec_kernel_parse(cases[i].k, cases[i].v, strlen(cases[i].v), &iv, &uv,
					   &why);

		TAP_I64(rc, cases[i].ok ? 0 : -1, "kernel %s '%s' %s", knob_name(cases[i].k),
			cases[i].v, cases[i].ok ? "accepted" : "rejected");
		if (rc == 0)
			TAP_I64(cases[i].k == KNOB_KBYTES ? (int64_t)uv : iv, cases[i].want,
				"kernel %s '%s' value", knob_name(cases[i].k), cases[i].v);
	}
}

void test_precedence(void)
{
	test_dirs_and_order();
	test_sysctl_conf();
	test_mask_hidden();
	test_grammar();
	test_side_effects();
	test_globs();
	test_kernel_parse();
}
