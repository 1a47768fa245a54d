/* SPDX-License-Identifier: MIT */
/*
 * status.c - proctext_status (/proc/PID/status) over any bytes. Checks: the name is
 * NUL-terminated within its 64 bytes, holds no newline and is the start of the Name:
 * line's value; absent fields read 0; VmSize and CapEff equal an independent scan of the
 * last such line; success needs a Name: and a CapEff: line; errors are OVC_E_INPUT with
 * a line inside the text, or line 0 naming the missing line.
 */
#include "../../../src/core/proctext.h"
#include "fuzz.h"

/* The value after "Key:" and blanks on the last line starting with "Key:". */
static const char *last_value(const char *t, size_t n, const char *key, size_t *vlen)
{
	size_t kl = strlen(key), i = 0;
	const char *found = NULL;

	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t ll = (size_t)((nl ? nl : t + n) - (t + i));

		if (ll > kl && !memcmp(t + i, key, kl) && t[i + kl] == ':') {
			size_t b = i + kl + 1;

			while (b < i + ll && (t[b] == ' ' || t[b] == '\t'))
				b++;
			found = t + b;
			*vlen = i + ll - b;
		}
		i += ll + 1;
	}
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_dup(data, size);
	struct pid_status st;
	struct ovc_err e;
	const char *v;
	size_t vl = 0, lines = 1, i;
	int r;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&e, 0, sizeof(e));
	r = proctext_status(t, size, "/proc/1/status", &st, &e);
	FUZZ_CHECK(r == 0 || r == -1, "returned %d", r);
	if (r < 0) {
		fuzz_check_err(&e, OVC_E_INPUT);
		if (e.line == 0)   /* a whole-file error: a line the kernel always prints is missing */
			FUZZ_CHECK((!last_value(t, size, "Name", &vl) && strstr(e.msg, "'Name:'")) ||
				   (!last_value(t, size, "CapEff", &vl) && strstr(e.msg, "'CapEff:'")),
				   "line-less error with both lines present: %s", e.msg);
		else
			FUZZ_CHECK(e.line <= lines, "error line %u of %zu", e.line, lines);
		free(t);
		return 0;
	}
	FUZZ_CHECK(last_value(t, size, "Name", &vl) && last_value(t, size, "CapEff", &vl),
		   "accepted without a Name: and a CapEff: line");
	FUZZ_CHECK(fuzz_terminated(st.name, sizeof(st.name)), "name not terminated");
	FUZZ_CHECK(!strchr(st.name, '\n'), "a newline in the name");
	v = last_value(t, size, "Name", &vl);
	if (v) {
		size_t l = strnlen(st.name, sizeof(st.name));

		FUZZ_CHECK(l <= vl && !memcmp(st.name, v, l), "name is not the Name: value");
	} else {
		FUZZ_CHECK(!st.name[0], "a name without a Name: line");
	}
	FUZZ_CHECK(st.has_vmsize || st.vmsize_kb == 0, "VmSize without the line");
	FUZZ_CHECK(st.has_capeff || st.capeff == 0, "CapEff without the line");
	v = last_value(t, size, "VmSize", &vl);
	FUZZ_CHECK(st.has_vmsize == (v != NULL), "has_vmsize %d", st.has_vmsize);
	if (v) {
		uint64_t want = 0;
		bool over = false;

		for (i = 0; i < vl && v[i] >= '0' && v[i] <= '9'; i++)
			over |= __builtin_mul_overflow(want, 10, &want) ||
				__builtin_add_overflow(want, (uint64_t)(v[i] - '0'), &want);
		FUZZ_CHECK(i > 0 && !over, "VmSize accepted without digits or above 2^64");
		FUZZ_CHECK(st.vmsize_kb == want, "VmSize %" PRIu64 ", want %" PRIu64, st.vmsize_kb,
			   want);
	}
	v = last_value(t, size, "CapEff", &vl);
	FUZZ_CHECK(st.has_capeff == (v != NULL), "has_capeff %d", st.has_capeff);
	if (v) {
		uint64_t want = 0;

		for (i = 0; i < vl && v[i] != ' ' && v[i] != '\t'; i++) {
			char c = v[i];
			unsigned d = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);

			want = want << 4 | d;
		}
		FUZZ_CHECK(i >= 1 && i <= 16, "CapEff of %zu digits accepted", i);
		FUZZ_CHECK(st.capeff == want, "CapEff %" PRIx64 ", want %" PRIx64, st.capeff, want);
	}
	free(t);
	return 0;
}
