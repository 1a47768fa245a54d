/* SPDX-License-Identifier: MIT */
/*
 * limits.c - proctext_limits_as (/proc/PID/limits) over any bytes. Checks against an
 * independent scan: the first line starting "Max address space" decides; its soft
 * limit is "unlimited" (UINT64_MAX) or a decimal that fits in 64 bits, else an error;
 * no such line is an error (line 0). Errors are OVC_E_INPUT. The same bytes go through
 * proctext_limits_data (no line: both unlimited, 1), proctext_limits_fsize (no line:
 * unlimited, 1) and, as a kernel command line, proctext_cmdline_bool (-1, 0 or 1).
 */
#include "../../../src/core/proctext.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char key[] = "Max address space";
	char *t = fuzz_dup(data, size);
	struct ovc_err e;
	uint64_t bytes = 12345, want = 0;
	int r, want_r = -1;
	unsigned line = 0, want_line = 0;
	size_t i = 0;

	memset(&e, 0, sizeof(e));
	r = proctext_limits_as(t, size, "/proc/1/limits", &bytes, &e);

	while (i < size) {
		const char *nl = memchr(t + i, '\n', size - i);
		size_t ll = (size_t)((nl ? nl : t + size) - (t + i)), b, nd = 0;
		bool over = false;

		line++;
		if (ll >= sizeof(key) - 1 && !memcmp(t + i, key, sizeof(key) - 1)) {
			want_line = line;
			b = i + sizeof(key) - 1;
			while (b < i + ll && (t[b] == ' ' || t[b] == '\t'))
				b++;
			if (i + ll - b >= 9 && !memcmp(t + b, "unlimited", 9)) {
				want = UINT64_MAX;
				want_r = 0;
			} else {
				for (; b < i + ll && t[b] >= '0' && t[b] <= '9'; b++, nd++)
					over |= __builtin_mul_overflow(want, 10, &want) ||
						__builtin_add_overflow(want, (uint64_t)(t[b] - '0'), &want);
				want_r = nd && !over ? 0 : -1;
			}
			break;
		}
		i += ll + 1;
	}
	{
		uint64_t so = 1, ha = 1;
		struct ovc_err e2;
		int rd, cb;

		memset(&e2, 0, sizeof(e2));
		rd = proctext_limits_data(t, size, "/proc/1/limits", &so, &ha, &e2);
		FUZZ_CHECK(rd >= -1 && rd <= 1, "limits_data returned %d", rd);
		if (rd == 1)
			FUZZ_CHECK(so == UINT64_MAX && ha == UINT64_MAX, "no line but a limit");
		if (rd < 0)
			fuzz_check_err(&e2, OVC_E_INPUT);
		{
			uint64_t fs = 1;
			struct ovc_err e3;
			int rf;

			memset(&e3, 0, sizeof(e3));
			rf = proctext_limits_fsize(t, size, "/proc/1/limits", &fs, &e3);
			FUZZ_CHECK(rf >= -1 && rf <= 1, "limits_fsize returned %d", rf);
			if (rf == 1)
				FUZZ_CHECK(fs == UINT64_MAX, "no 'Max file size' line but a limit");
			if (rf < 0)
				fuzz_check_err(&e3, OVC_E_INPUT);
		}
		cb = proctext_cmdline_bool(t, size, "ignore_rlimit_data");
		FUZZ_CHECK(cb >= -1 && cb <= 1, "cmdline_bool returned %d", cb);
	}
	FUZZ_CHECK(r == want_r, "returned %d, want %d", r, want_r);
	if (r == 0) {
		FUZZ_CHECK(bytes == want, "%" PRIu64 ", want %" PRIu64, bytes, want);
	} else {
		fuzz_check_err(&e, OVC_E_INPUT);
		FUZZ_CHECK(e.line == want_line, "error on line %u, want %u", e.line, want_line);
	}
	free(t);
	return 0;
}
