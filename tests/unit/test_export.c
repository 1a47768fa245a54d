/* SPDX-License-Identifier: MIT */
/* test_export.c - a profile as sysctl.d, TuneD, cloud-init and Ansible text. */
#include "../../src/core/dropin.h"
#include "../../src/core/export.h"
#include "tap.h"

static struct profile P;
static char T[EXPORT_TEXT_MAX], T2[EXPORT_TEXT_MAX], F[EXPORT_TEXT_MAX];

#define HEAD "description = d\nreason = r\nsource = s\n"

static int prof(const char *text)
{
	struct ovc_err err = { 0 };

	return profile_parse("t", text, strlen(text), &P, &err);
}

static int render(enum export_format f, const struct profile_host *h, const char *file,
		  char *buf, size_t len, struct export_out *out, struct ovc_err *err)
{
	struct export_in in = { .format = f, .profile = &P, .host_from = "given with --for-host",
				.file = file };

	if (h)
		in.host = *h;
	memset(err, 0, sizeof(*err));
	return export_render(&in, buf, len, out, err);
}

/* the text with comment continuations joined: "\n#" and the two or more blanks after it
   become one blank, so a sentence can be searched whatever the wrapping */
static const char *flat(const char *s)
{
	size_t o = 0;

	while (*s && o + 1 < sizeof(F)) {
		if (s[0] == '\n' && s[1] == '#' && s[2] == ' ' && s[3] == ' ') {
			s += 2;
			while (*s == ' ')
				s++;
			F[o++] = ' ';
			continue;
		}
		F[o++] = *s++;
	}
	F[o] = '\0';
	return F;
}

/* the lines of s that do not start with '#' (and are not empty) */
static const char *keylines(const char *s)
{
	size_t o = 0;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);

		if (s[0] != '#' && s[0] != '\n' && o + n < sizeof(F)) {
			memcpy(F + o, s, n);
			o += n;
		}
		s += n;
	}
	F[o] = '\0';
	return F;
}

static void test_names(void)
{
	enum export_format f = EXPORT_SYSCTL;
	struct profile_host h;
	const char *why = NULL;

	TAP_U64(export_format_parse("cloud-init", &f) && f == EXPORT_CLOUD_INIT, 1,
		"format: cloud-init");
	TAP_U64(export_format_parse("ansible", &f) && f == EXPORT_ANSIBLE, 1, "format: ansible");
	TAP_U64(export_format_parse("TUNED", &f), 0, "format: names are lower case");
	TAP_U64(export_format_parse("json", &f), 0, "format: json is --json, not a format");
	TAP_STR(export_format_name(EXPORT_TUNED), "tuned", "format: the name back");
	TAP_U64(export_format_has_file(EXPORT_ANSIBLE) && export_format_has_file(EXPORT_CLOUD_INIT) &&
			!export_format_has_file(EXPORT_SYSCTL) && !export_format_has_file(EXPORT_TUNED),
		1, "format: cloud-init and ansible name a sysctl.d file");

	TAP_U64(export_file_ok(EXPORT_FILE_DEFAULT, &why), 1, "file: the default");
	TAP_U64(export_file_ok("/etc/sysctl.conf", &why), 1, "file: /etc/sysctl.conf");
	TAP_U64(export_file_ok("etc/sysctl.d/x.conf", &why), 0, "file: relative refused");
	TAP_U64(export_file_ok("/etc/sysctl.d/x.txt", &why), 0, "file: not .conf refused");
	TAP_U64(export_file_ok("/etc/sysctl.d/.conf", &why), 0, "file: \".conf\" alone refused");
	TAP_U64(export_file_ok("/etc/sysctl.d/", &why), 0, "file: a directory refused");
	TAP_U64(export_file_ok("/etc/../x.conf", &why), 0, "file: '..' refused");
	TAP_U64(export_file_ok("/etc//x.conf", &why), 0, "file: an empty component refused");
	TAP_U64(export_file_ok("/etc/a b.conf", &why), 0, "file: a blank refused");
	TAP_U64(export_file_ok("/etc/a\"b.conf", &why), 0, "file: a quote refused");
	TAP_U64(export_file_ok("/etc/a\nb.conf", &why), 0, "file: a newline refused");

	TAP_I64(export_parse_host("mem=64G,swap=8G", &h, &why), 0, "for-host: mem and swap");
	TAP_U64(h.mem_kb == 67108864 && h.swap_kb == 8388608 && h.hugetlb_kb == 0, 1,
		"for-host: kB, hugetlb 0 when not given");
	TAP_I64(export_parse_host("hugetlb=2G,swap=0,mem=1.5G", &h, &why), 0, "for-host: any order");
	TAP_U64(h.mem_kb == 1572864 && h.swap_kb == 0 && h.hugetlb_kb == 2097152, 1,
		"for-host: the three figures");
	TAP_I64(export_parse_host("mem=64G", &h, &why), -1, "for-host: swap required");
	TAP_I64(export_parse_host("mem=1G,swap=1G,mem=2G", &h, &why), -1, "for-host: a key twice");
	TAP_I64(export_parse_host("mem=1G,swap=1G,", &h, &why), -1, "for-host: a trailing comma");
	TAP_I64(export_parse_host("mem=1G,swap=-1G", &h, &why), -1, "for-host: a negative size");
	TAP_I64(export_parse_host("ram=1G,swap=1G", &h, &why), -1, "for-host: unknown key");
	TAP_I64(export_parse_host("", &h, &why), -1, "for-host: empty");
}

static void test_clean(void)
{
	char o[64];

	export_clean("a\tb\rc\x1b" "d\x7f", o, sizeof(o));
	TAP_STR(o, "a b?c?d?", "clean: a tab is a blank, controls are '?'");
	export_clean("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", o, sizeof(o));
	TAP_STR(o, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "clean: well-formed UTF-8 is kept");
	export_clean("a\xc2\x85" "b\xe2\x80\xa8" "c\xe2\x80\xa9" "d\xef\xbb\xbf", o, sizeof(o));
	TAP_STR(o, "a??b???c???d???", "clean: NEL, LS, PS, BOM (YAML line breaks) are '?'");
	export_clean("\xff\x80\xc0\xaf\xe0\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80", o, sizeof(o));
	TAP_STR(o, "??????????????", "clean: bad bytes, overlongs, surrogates, > U+10FFFF");
	export_clean("x\xe2\x82", o, sizeof(o));
	TAP_STR(o, "x??", "clean: a sequence cut by the end");
	export_clean("ab\xc3\xa9", o, 4);
	TAP_STR(o, "ab", "clean: cut at a character boundary");
}

static void test_sysctl(void)
{
	struct export_out out;
	struct ovc_err err;
	struct dropin_info di;
	struct profile_host h1 = { 67108864, 8388608, 0 }, h2 = { 1048576, 0, 0 };

	prof("description = Always overcommit\nreason = r\nsource = s\nmode = 1\n");
	TAP_I64(render(EXPORT_SYSCTL, &h1, NULL, T, sizeof(T), &out, &err), 0, "sysctl: mode 1");
	TAP_STR(keylines(T), "vm.overcommit_memory = 1\n", "sysctl: only the key the profile sets");
	TAP_U64(out.len, strlen(T), "sysctl: the length");
	TAP_U64(out.rq.mode_set && !out.rq.ratio_set && !out.rq.kbytes_set && !out.host_relative, 1,
		"sysctl: the request");
	TAP_U64(strncmp(T, DROPIN_MARKER, strlen(DROPIN_MARKER)) != 0 &&
			strstr(T, "\n# profile:") == NULL, 1,
		"sysctl: neither the drop-in's marker nor its profile line");
	dropin_parse(T, out.len, &di);
	TAP_U64(!di.managed && di.mode_set && di.policy.mode == 1 && !di.ratio_set &&
			!di.kbytes_set && !di.profile[0], 1,
		"sysctl: read as a drop-in, it is foreign and says mode 1");
	TAP_U64(strstr(flat(T), "# limit:   not set: the host keeps its vm.overcommit_ratio and "
				"vm.overcommit_kbytes") != NULL, 1, "sysctl: no limit, said");
	render(EXPORT_SYSCTL, &h2, NULL, T2, sizeof(T2), &out, &err);
	TAP_STR(T2, T, "sysctl: a host-independent profile exports the same for any figures");

	prof(HEAD "mode = 2\ncommit_limit = ram - hugetlb + swap\n");
	render(EXPORT_SYSCTL, &h1, NULL, T, sizeof(T), &out, &err);
	TAP_STR(keylines(T), "vm.overcommit_ratio = 100\nvm.overcommit_memory = 2\n",
		"sysctl: mode 2, the limit first; the kernel's formula as ratio 100");
	TAP_U64(strstr(flat(T), "the kernel's own formula for ratio 100") != NULL &&
			strstr(T, "MemTotal") == NULL, 1,
		"sysctl: ratio 100 said, no host figures named");
	render(EXPORT_SYSCTL, &h2, NULL, T2, sizeof(T2), &out, &err);
	TAP_STR(T2, T, "sysctl: strict is host-independent");

	prof(HEAD "mode = 0\nratio = 50\n");
	render(EXPORT_SYSCTL, &h1, NULL, T, sizeof(T), &out, &err);
	TAP_STR(keylines(T), "vm.overcommit_memory = 0\nvm.overcommit_ratio = 50\n",
		"sysctl: mode 0, the mode first");

	prof(HEAD "kbytes = 16G\n");
	render(EXPORT_SYSCTL, &h1, NULL, T, sizeof(T), &out, &err);
	TAP_STR(keylines(T), "vm.overcommit_kbytes = 16777216\n", "sysctl: a limit alone");
	TAP_U64(strstr(flat(T), "# mode:    not set: the host keeps its vm.overcommit_memory") != NULL,
		1, "sysctl: no mode, said");

	prof(HEAD "mode = 2\ncommit_limit = 90% ram - hugetlb + 50% swap\n");
	TAP_I64(render(EXPORT_SYSCTL, &h1, NULL, T, sizeof(T), &out, &err), 0,
		"sysctl: host-relative");
	TAP_STR(keylines(T), "vm.overcommit_kbytes = 56203673\nvm.overcommit_memory = 2\n",
		"sysctl: ovc-profile(5)'s example: 60397977 + 4194304 - 8388608");
	TAP_U64(out.host_relative && out.rq.kbytes == 56203673, 1, "sysctl: the request computed");
	TAP_U64(strstr(flat(T), "commit_limit = 90% ram - hugetlb + 50% swap, host-relative: computed "
				"from MemTotal 67108864 kB, SwapTotal 8388608 kB and hugetlb 0 kB (given "
				"with --for-host); the kernel adds SwapTotal") != NULL, 1,
		"sysctl: the figures and where they came from");
	render(EXPORT_SYSCTL, &(struct profile_host){ 33554432, 0, 0 }, NULL, T2, sizeof(T2), &out,
	       &err);
	TAP_STR(keylines(T2), "vm.overcommit_kbytes = 30198988\nvm.overcommit_memory = 2\n",
		"sysctl: other figures, another number");

	prof(HEAD "kbytes = 50% ram\n");
	render(EXPORT_SYSCTL, &h2, NULL, T, sizeof(T), &out, &err);
	TAP_STR(keylines(T), "vm.overcommit_kbytes = 524288\n", "sysctl: kbytes = 50%% ram");
	TAP_U64(strstr(flat(T), "the kernel adds SwapTotal") == NULL, 1,
		"sysctl: P%% ram: no word on the swap");

	prof(HEAD "mode = 2\ncommit_limit = swap\n");
	TAP_I64(render(EXPORT_SYSCTL, &h1, NULL, T, sizeof(T), &out, &err), -1,
		"sysctl: a commit_limit not above the swap cannot be exported");
	TAP_U64(err.code, OVC_E_INPUT, "sysctl: ... an input error (exit 6)");

	prof(HEAD "mode = 2\nratio = 0\n");
	render(EXPORT_SYSCTL, &h1, NULL, T, sizeof(T), &out, &err);
	TAP_U64(strstr(flat(T), "# warning: a limit of 0") != NULL, 1, "sysctl: ratio 0 warned");

	prof(HEAD "mode = 1\n");
	TAP_I64(render(EXPORT_SYSCTL, &h1, NULL, T, 200, &out, &err), -1,
		"sysctl: a short buffer is an error, not a cut");
	TAP_U64(err.code == OVC_E_INPUT && T[0] == '\0', 1, "sysctl: ... and nothing is left");
}

/* a description with every character that could end a comment or a string early */
#define NASTY "Batch #2: \"fast\" \\ 'q' -- key: value # not a comment \xe2\x80\xa8x\r{}[]&*!|>%@`"
#define NASTY_CLEAN "Batch #2: \"fast\" \\ 'q' -- key: value # not a comment ???x?{}[]&*!|>%@`"

static void test_formats(void)
{
	struct export_out out;
	struct ovc_err err;
	struct profile_host h = { 67108864, 8388608, 0 };

	prof("description = " NASTY "\nreason = r\nsource = s\nmode = 2\nratio = 80\n");
	TAP_I64(render(EXPORT_TUNED, &h, NULL, T, sizeof(T), &out, &err), 0, "tuned: renders");
	TAP_U64(strstr(T, "\n[main]\nsummary=Batch#2: \"fast\" \\ 'q' -- key: value# not a comment "
			  "???x?{}[]&*!|>%@`\n\n[sysctl]\nvm.overcommit_ratio=80\n"
			  "vm.overcommit_memory=2\n") != NULL, 1,
		"tuned: [main] summary (no blank before '#'), then [sysctl], the limit first");
	TAP_U64(strstr(T, "\n# " NASTY_CLEAN "\n") != NULL, 1, "tuned: the description, clean");

	TAP_I64(render(EXPORT_CLOUD_INIT, &h, NULL, T, sizeof(T), &out, &err), 0,
		"cloud-init: renders");
	TAP_U64(strncmp(T, "#cloud-config\n", 14), 0, "cloud-init: the first line");
	TAP_U64(strstr(T, "write_files:\n  - path: \"" EXPORT_FILE_DEFAULT "\"\n    owner: "
			  "\"root:root\"\n    permissions: \"0644\"\n    content: |\n      # ") != NULL,
		1, "cloud-init: write_files, the default file, a literal block");
	TAP_U64(strstr(T, "\n      vm.overcommit_ratio = 80\n      vm.overcommit_memory = 2\n"
			  "bootcmd:\n  - [\"cloud-init-per\", \"instance\", \"ovc-overcommit\", "
			  "\"sysctl\", \"-w\", \"vm.overcommit_ratio=80\", "
			  "\"vm.overcommit_memory=2\"]\n") != NULL, 1,
		"cloud-init: the file's keys, then bootcmd with the same, the limit first");
	{
		/* the content is the sysctl export, each line indented by 6 */
		const char *b = strstr(T, "content: |\n") + 11, *e = strstr(T, "bootcmd:\n"), *s;
		size_t o = 0;

		for (s = b; s < e; s++) {
			if ((s == b || s[-1] == '\n') && *s != '\n' && !strncmp(s, "      ", 6))
				s += 6;
			if (o + 1 < sizeof(T2))
				T2[o++] = *s;
		}
		T2[o] = '\0';
		render(EXPORT_SYSCTL, &h, NULL, F, sizeof(F), &out, &err);
		TAP_STR(T2, F, "cloud-init: the file's content is the sysctl export, indented");
		render(EXPORT_CLOUD_INIT, &h, NULL, T, sizeof(T), &out, &err);
	}
	TAP_I64(render(EXPORT_ANSIBLE, &h, "/etc/sysctl.d/60-x.conf", T, sizeof(T), &out, &err), 0,
		"ansible: renders");
	TAP_U64(strncmp(T, "---\n", 4), 0, "ansible: a YAML document");
	TAP_U64(strstr(T, "\n- name: \"ovc profile t: Batch #2: \\\"fast\\\" \\\\ 'q' -- key: value "
			  "# not a comment ???x?{}[]&*!|>%@`\"\n  block:\n") != NULL, 1,
		"ansible: the description in a double-quoted name, '\"' and '\\' escaped");
	TAP_U64(strstr(T, "    - name: \"vm.overcommit_kbytes is not in /etc/sysctl.d/60-x.conf: "
			  "the kernel keeps one limit knob\"\n      ansible.posix.sysctl:\n        "
			  "name: vm.overcommit_kbytes\n        state: absent\n        sysctl_file: "
			  "\"/etc/sysctl.d/60-x.conf\"\n        reload: false\n    - name: "
			  "\"vm.overcommit_ratio = 80\"\n") != NULL, 1,
		"ansible: the other knob removed first, then the limit");
	TAP_U64(strstr(T, "    - name: \"vm.overcommit_memory = 2\"\n      ansible.posix.sysctl:\n"
			  "        name: vm.overcommit_memory\n        value: \"2\"\n        state: "
			  "present\n        sysctl_file: \"/etc/sysctl.d/60-x.conf\"\n        reload: "
			  "true\n") != NULL, 1, "ansible: then the mode, reloaded");

	prof(HEAD "mode = 1\n");
	render(EXPORT_ANSIBLE, &h, NULL, T, sizeof(T), &out, &err);
	TAP_U64(strstr(T, "state: absent") == NULL && strstr(T, "name: vm.overcommit_ratio") == NULL &&
			strstr(T, "name: vm.overcommit_kbytes") == NULL, 1,
		"ansible: no limit: neither knob is touched");
	TAP_I64(render(EXPORT_ANSIBLE, &h, "/etc/sysctl.d/x y.conf", T, sizeof(T), &out, &err), -1,
		"ansible: a file that is not safe is refused");
	TAP_U64(err.code, OVC_E_USAGE, "ansible: ... a usage error");
	TAP_I64(render(EXPORT_SYSCTL, &h, "/etc/sysctl.d/x y.conf", T, sizeof(T), &out, &err), 0,
		"sysctl: the file is not used");

	prof(HEAD "mode = 2\n");
	strcpy(P.chain[0], "t");
	strcpy(P.chain[1], "strict");
	P.nchain = 2;
	render(EXPORT_SYSCTL, &h, NULL, T, sizeof(T), &out, &err);
	TAP_U64(strstr(T, "\n# includes: strict\n") != NULL, 1, "sysctl: the include chain");
}

void test_export(void)
{
	test_names();
	test_clean();
	test_sysctl();
	test_formats();
}
