/* SPDX-License-Identifier: MIT */
/* test_promtext.c - the Prometheus exposition of ovc status: numbers, escaping, layout. */
#include <stdint.h>

#include "../../src/core/promtext.h"
#include "tap.h"

static char T[PROM_TEXT_MAX];

static void test_bytes(void)
{
	char b[40];

	prom_kb_to_bytes(0, b, sizeof(b));
	TAP_STR(b, "0", "bytes: 0 kB");
	prom_kb_to_bytes(12342044, b, sizeof(b));
	TAP_STR(b, "12638253056", "bytes: the seed host's CommitLimit x 1024");
	prom_kb_to_bytes(UINT64_MAX / 1024, b, sizeof(b));
	TAP_STR(b, "18446744073709550592", "bytes: the largest kB that fits in 64 bits");
	prom_kb_to_bytes(UINT64_MAX / 1024 + 1, b, sizeof(b));
	TAP_STR(b, "18446744073709551616", "bytes: one kB more is 2^64, exactly");
	prom_kb_to_bytes(737869762948135220, b, sizeof(b));
	TAP_STR(b, "755578637258890465280", "bytes: the wrapped CommitLimit of ratio -1, exactly");
	prom_kb_to_bytes(UINT64_MAX, b, sizeof(b));
	TAP_STR(b, "18889465931478580853760", "bytes: UINT64_MAX kB (2^74 - 1024)");
	prom_kb_to_bytes(18014398509999999ULL, b, sizeof(b));
	TAP_STR(b, "18446744074239998976", "bytes: a carry out of the low six digits");
	prom_skb_to_bytes(-1, b, sizeof(b));
	TAP_STR(b, "-1024", "bytes: -1 kB");
	prom_skb_to_bytes(INT64_MIN, b, sizeof(b));
	TAP_STR(b, "-9444732965739290427392", "bytes: INT64_MIN kB is -2^73");
	prom_skb_to_bytes(INT64_MAX, b, sizeof(b));
	TAP_STR(b, "9444732965739290426368", "bytes: INT64_MAX kB");
	TAP_I64(prom_kb_to_bytes(UINT64_MAX, b, 23), -1, "bytes: a short buffer is an error");
	TAP_I64(prom_kb_to_bytes(UINT64_MAX, b, 24), 23, "bytes: the length, exactly enough");
	TAP_I64(prom_skb_to_bytes(-1, b, 5), -1, "bytes: a short buffer for a negative figure");
}

static void test_escape(void)
{
	char b[64];

	prom_escape_label("strict", b, sizeof(b));
	TAP_STR(b, "strict", "escape: a plain name unchanged");
	prom_escape_label("a\"b\\c\nd", b, sizeof(b));
	TAP_STR(b, "a\\\"b\\\\c\\nd", "escape: quote, backslash, newline");
	prom_escape_label("\\n", b, sizeof(b));
	TAP_STR(b, "\\\\n", "escape: a backslash before n is not a newline");
	prom_escape_label("x\ty\001", b, sizeof(b));
	TAP_STR(b, "x\ty\001", "escape: other control bytes are valid UTF-8, kept");
	prom_escape_label("caf\xc3\xa9 \xf0\x9f\x90\x98", b, sizeof(b));
	TAP_STR(b, "caf\xc3\xa9 \xf0\x9f\x90\x98", "escape: valid UTF-8 kept");
	prom_escape_label("a\xff" "b", b, sizeof(b));
	TAP_STR(b, "a\xef\xbf\xbd" "b", "escape: a byte that is not UTF-8 becomes U+FFFD");
	prom_escape_label("\xc0\xaf", b, sizeof(b));
	TAP_STR(b, "\xef\xbf\xbd\xef\xbf\xbd", "escape: an overlong '/' is two bad bytes");
	prom_escape_label("\xed\xa0\x80", b, sizeof(b));
	TAP_STR(b, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "escape: a surrogate is not UTF-8");
	prom_escape_label("\xf4\x90\x80\x80", b, sizeof(b));
	TAP_U64(strlen(b), 12, "escape: above U+10FFFF is not UTF-8");
	prom_escape_label("end\xc3", b, sizeof(b));
	TAP_STR(b, "end\xef\xbf\xbd", "escape: a sequence cut by the end of the string");
	prom_escape_label("\xe2\x82", b, sizeof(b));
	TAP_STR(b, "\xef\xbf\xbd\xef\xbf\xbd", "escape: a cut 3-byte sequence, no read past NUL");
	prom_escape_label("", b, sizeof(b));
	TAP_STR(b, "", "escape: empty");
	TAP_I64(prom_escape_label("abc", b, 3), -1, "escape: no room for the NUL is an error");
	TAP_I64(prom_escape_label("abc", b, 4), 3, "escape: the length");
	TAP_I64(prom_escape_label("\"", b, 2), -1, "escape: no room for the escape");
}

static const struct prom_figures seed = {
	.version = "0.1.0",
	.ok = true,
	.policy = { 0, 50, 0 },
	.commit_limit_kb = 12342044,
	.committed_as_kb = 2093412,
	.headroom_kb = 12342044 - 2093412,
	.max_alloc_kb = 24684092,
	.max_alloc_admin_kb = 24684092,
	.binding_limit = "heuristic",
	.boot_read = true,
	.boot_systemd = { 2, 80, 0 },
	.boot_procps = { 2, 80, 0 },
	.dropin_present = true,
	.dropin_managed = true,
	.profile = "strict",
};

static int has(const char *line)
{
	const char *p = T;
	size_t n = strlen(line);

	for (;;) {
		p = strstr(p, line);
		if (!p)
			return 0;
		if ((p == T || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p++;
	}
}

/* Every sample follows its family's # HELP and # TYPE lines, each family once. */
static int well_formed(void)
{
	char fam[128] = "", seen[64][128];
	size_t nseen = 0, i;
	const char *p = T;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n;

		if (!e)
			return 0;   /* every line ends with a newline */
		n = (size_t)(e - p);
		if (!strncmp(p, "# HELP ", 7)) {
			size_t k = strcspn(p + 7, " \n");

			if (k >= sizeof(fam) || nseen == 64)
				return 0;
			memcpy(fam, p + 7, k);
			fam[k] = '\0';
			for (i = 0; i < nseen; i++)
				if (!strcmp(seen[i], fam))
					return 0;
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", fam);
			if (strncmp(e + 1, "# TYPE ", 7) || strncmp(e + 8, fam, k) ||
			    strncmp(e + 8 + k, " gauge\n", 7))
				return 0;
			p = strchr(e + 1, '\n') + 1;
			continue;
		}
		if (!fam[0] || strncmp(p, fam, strlen(fam)) ||
		    (p[strlen(fam)] != ' ' && p[strlen(fam)] != '{') || n < strlen(fam) + 2)
			return 0;
		if (strncmp(p, "ovc_", 4))
			return 0;
		p = e + 1;
	}
	return 1;
}

static void test_render(void)
{
	struct prom_figures f = seed;
	int n;

	n = prom_render(&f, T, sizeof(T));
	TAP_U64(n > 0 && (size_t)n == strlen(T), 1, "render: returns the length");
	TAP_OK(well_formed(), "render: every family has HELP and TYPE, once, before its samples");
	TAP_OK(!strncmp(T, "# HELP ovc_scrape_success ", 26), "render: scrape_success first");
	TAP_OK(has("ovc_scrape_success 1"), "render: scrape_success 1");
	TAP_OK(has("ovc_build_info{version=\"0.1.0\"} 1"), "render: build info");
	TAP_OK(has("ovc_overcommit_mode 0"), "render: mode");
	TAP_OK(has("ovc_overcommit_ratio 50"), "render: ratio");
	TAP_OK(has("ovc_overcommit_kbytes 0"), "render: kbytes in kB");
	TAP_OK(has("ovc_commit_limit_bytes 12638253056"), "render: CommitLimit in bytes");
	TAP_OK(has("ovc_committed_as_bytes 2143653888"), "render: Committed_AS in bytes");
	TAP_OK(has("ovc_headroom_bytes 10494599168"), "render: headroom in bytes");
	TAP_OK(has("ovc_largest_allocation_bytes{privilege=\"user\"} 25276510208"),
	       "render: the largest allocation, user");
	TAP_OK(has("ovc_largest_allocation_bytes{privilege=\"admin\"} 25276510208"),
	       "render: the largest allocation, admin");
	TAP_OK(has("ovc_largest_allocation_limit_info{limit=\"heuristic\"} 1"),
	       "render: the binding limit");
	TAP_OK(has("ovc_boot_config_read 1") && has("ovc_boot_config_error 0"),
	       "render: the boot configuration was read");
	TAP_OK(has("ovc_boot_overcommit_mode{tool=\"systemd\"} 2") &&
		       has("ovc_boot_overcommit_mode{tool=\"procps\"} 2") &&
		       has("ovc_boot_overcommit_ratio{tool=\"systemd\"} 80") &&
		       has("ovc_boot_overcommit_kbytes{tool=\"procps\"} 0"),
	       "render: the boot values per tool");
	TAP_OK(has("ovc_boot_drift{key=\"vm.overcommit_memory\"} 1") &&
		       has("ovc_boot_drift{key=\"vm.overcommit_ratio\"} 1") &&
		       has("ovc_boot_drift{key=\"vm.overcommit_kbytes\"} 0"),
	       "render: drift per key, against systemd-sysctl's values");
	TAP_OK(has("ovc_dropin_present 1") && has("ovc_dropin_managed 1"), "render: drop-in");
	TAP_OK(has("ovc_profile_info{profile=\"strict\"} 1"), "render: the profile");

	f.boot_systemd = f.policy;
	f.boot_procps = (struct model_policy){ 1, 50, 0 };
	prom_render(&f, T, sizeof(T));
	TAP_OK(has("ovc_boot_drift{key=\"vm.overcommit_memory\"} 0") &&
		       has("ovc_boot_drift{key=\"vm.overcommit_ratio\"} 0") &&
		       has("ovc_boot_overcommit_mode{tool=\"procps\"} 1"),
	       "render: in sync with systemd-sysctl even where procps differs (as status)");

	f.dropin_managed = false;
	prom_render(&f, T, sizeof(T));
	TAP_OK(!strstr(T, "ovc_profile_info") && has("ovc_dropin_managed 0"),
	       "render: a foreign drop-in records no profile, no info family at all");
	f.dropin_managed = true;
	f.profile = "";
	prom_render(&f, T, sizeof(T));
	TAP_OK(!strstr(T, "ovc_profile_info"), "render: no profile, no profile_info family");

	f.profile = "we\"ird\\name\nx\xff";
	prom_render(&f, T, sizeof(T));
	TAP_OK(has("ovc_profile_info{profile=\"we\\\"ird\\\\name\\nx\xef\xbf\xbd\"} 1"),
	       "render: the profile label escaped");
	TAP_OK(well_formed(), "render: an escaped newline splits no line");

	f = seed;
	f.boot_error = true;
	prom_render(&f, T, sizeof(T));
	TAP_OK(has("ovc_boot_config_read 0") && has("ovc_boot_config_error 1") &&
		       !strstr(T, "ovc_boot_drift") && !strstr(T, "ovc_profile_info") &&
		       !strstr(T, "ovc_boot_overcommit_mode"),
	       "render: boot unreadable: the error, no boot values, no drift");
	TAP_OK(well_formed(), "render: boot unreadable, well formed");
	f.boot_error = false;
	f.boot_read = false;
	prom_render(&f, T, sizeof(T));
	TAP_OK(has("ovc_boot_config_read 0") && has("ovc_boot_config_error 0") &&
		       !strstr(T, "ovc_boot_drift"), "render: boot not looked at: neither");

	f = seed;
	f.policy = (struct model_policy){ 2, 0, 12582912 };
	f.headroom_kb = INT64_MIN;
	f.commit_limit_kb = UINT64_MAX;
	prom_render(&f, T, sizeof(T));
	TAP_OK(has("ovc_overcommit_kbytes 12582912") && has("ovc_overcommit_ratio 0"),
	       "render: kbytes as the sysctl reads it, in kB");
	TAP_OK(has("ovc_headroom_bytes -9444732965739290427392") &&
		       has("ovc_commit_limit_bytes 18889465931478580853760"),
	       "render: figures beyond 64 bits, exact");

	f = seed;
	f.ok = false;
	n = prom_render(&f, T, sizeof(T));
	TAP_STR(T, "# HELP ovc_scrape_success 1 if ovc read the overcommit settings and "
		"/proc/meminfo; 0 if not (the other ovc_ metrics are then absent).\n"
		"# TYPE ovc_scrape_success gauge\n"
		"ovc_scrape_success 0\n"
		"# HELP ovc_build_info The version of ovc that wrote these metrics.\n"
		"# TYPE ovc_build_info gauge\n"
		"ovc_build_info{version=\"0.1.0\"} 1\n",
		"render: a failed read: scrape_success 0 and the build info only");
	TAP_U64(n, strlen(T), "render: a failed read, the length");

	f = seed;
	n = prom_render(&f, T, sizeof(T));
	TAP_I64(prom_render(&f, T, (size_t)n), -1, "render: one byte short is an error");
	TAP_I64(prom_render(&f, T, (size_t)n + 1), n, "render: exactly enough");
	TAP_I64(prom_render(&f, T, 0), -1, "render: no buffer");
	/* the worst case fits PROM_TEXT_MAX: a 63-byte profile of bad bytes, the widest numbers */
	{
		static char worst[64];

		memset(worst, '\xff', 63);
		f.profile = worst;
		f.policy = (struct model_policy){ INT32_MIN, INT32_MIN, UINT64_MAX };
		f.boot_systemd = f.boot_procps = f.policy;
		f.commit_limit_kb = f.committed_as_kb = UINT64_MAX;
		f.max_alloc_kb = f.max_alloc_admin_kb = UINT64_MAX;
		f.headroom_kb = INT64_MIN;
		f.binding_limit = "address_space";
		n = prom_render(&f, T, sizeof(T));
		TAP_OK(n > 0 && n < PROM_TEXT_MAX / 2, "render: the worst case uses under half of PROM_TEXT_MAX (%d bytes)",
		       n);
	}
}

void test_promtext(void)
{
	test_bytes();
	test_escape();
	test_render();
}
