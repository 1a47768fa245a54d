/* SPDX-License-Identifier: MIT */
/*
 * meminfo.c - proctext_meminfo over any bytes. Checks: success or an OVC_E_INPUT error
 * with a message and path; the has_* flags agree with their fields; a final newline added
 * to a text without one changes nothing (result, fields, error line).
 */
#include "../../../src/core/proctext.h"
#include "fuzz.h"

static int parse(const uint8_t *d, size_t n, struct meminfo *m, struct ovc_err *e)
{
	char *t = fuzz_dup(d, n);
	int r;

	memset(e, 0, sizeof(*e));
	r = proctext_meminfo(t, n, "/proc/meminfo", m, e);
	free(t);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meminfo m, m2;
	struct ovc_err e, e2;
	int r, r2;

	r = parse(data, size, &m, &e);
	FUZZ_CHECK(r == 0 || r == -1, "returned %d", r);
	if (r < 0) {
		fuzz_check_err(&e, OVC_E_INPUT);
		FUZZ_CHECK(!strcmp(e.path, "/proc/meminfo"), "path '%s'", e.path);
	} else {
		FUZZ_CHECK(m.has_hugetlb || m.hugetlb_kb == 0, "Hugetlb %" PRIu64 " without the line",
			   m.hugetlb_kb);
		FUZZ_CHECK(m.has_kreclaimable || m.kreclaimable_kb == 0,
			   "KReclaimable without the line");
	}
	if (size && data[size - 1] != '\n') {
		uint8_t *t = malloc(size + 1);

		if (!t)
			abort();
		memcpy(t, data, size);
		t[size] = '\n';
		r2 = parse(t, size + 1, &m2, &e2);
		free(t);
		FUZZ_CHECK(r2 == r, "a final newline changes the result: %d, then %d", r, r2);
		if (r == 0)
			FUZZ_CHECK(!memcmp(&m, &m2, sizeof(m)), "a final newline changes the fields");
		else
			FUZZ_CHECK(e.line == e2.line && !strcmp(e.msg, e2.msg),
				   "a final newline changes the error: line %u '%s', then line %u '%s'",
				   e.line, e.msg, e2.line, e2.msg);
	}
	return 0;
}
