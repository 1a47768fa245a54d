/* SPDX-License-Identifier: MIT */
/*
 * kernel_parse.c - prec_kernel_parse, the kernel's acceptance of a sysctl value. The
 * first byte picks the key (0..3; 3 is not a key and must be refused), the rest is the
 * value. Checks against a second, literal transcription of the kernel's path
 * (proc_get_long with its 22-byte TMPBUFLEN buffer, strtoul_lenient base 0, the
 * proc_wspace_sep check, then do_proc_dointvec(_minmax)_conv / doulongvec): the same
 * verdict and the same value; a reason on every refusal.
 */
#include <limits.h>

#include "fuzz.h"

static bool wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int xval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return 99;
}

/* 0 and the value, or -1 (EINVAL) */
static int kernel(int key, const char *buf, size_t size, int64_t *iv, uint64_t *uv)
{
	char tmp[22], *p;
	size_t len;
	unsigned base = 10;
	unsigned __int128 v = 0;
	bool neg = false;

	while (size && wsp(*buf)) {   /* proc_skip_spaces, as ovc models it */
		buf++;
		size--;
	}
	if (!size)
		return -1;
	len = size > sizeof(tmp) - 1 ? sizeof(tmp) - 1 : size;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	p = tmp;
	if (*p == '-' && size > 1) {
		neg = true;
		p++;
	}
	if (!(*p >= '0' && *p <= '9'))
		return -1;
	if (p[0] == '0') {   /* _parse_integer_fixup_radix */
		base = 8;
		if ((p[1] | 0x20) == 'x' && xval(p[2]) < 16) {
			base = 16;
			p += 2;
		}
	}
	for (; xval(*p) < (int)base; p++) {
		v = v * base + (unsigned)xval(*p);
		if (v > UINT64_MAX)
			return -1;   /* KSTRTOX_OVERFLOW */
	}
	len = (size_t)(p - tmp);
	if (len == sizeof(tmp) - 1)
		return -1;
	if (len < size && !wsp(*p))
		return -1;
	switch (key) {
	case KNOB_MODE:   /* do_proc_dointvec_minmax_conv, 0..2 */
	case KNOB_RATIO:    /* do_proc_dointvec_conv */
		if (neg ? v > (unsigned __int128)INT_MAX + 1 : v > INT_MAX)
			return -1;
		*iv = neg ? -(int64_t)v : (int64_t)v;
		if (key == KNOB_MODE && (*iv < 0 || *iv > 2))
			return -1;
		return 0;
	case KNOB_KBYTES:   /* __do_proc_doulongvec_minmax: err || neg */
		if (neg)
			return -1;
		*uv = (uint64_t)v;
		return 0;
	}
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t iv = 0, kiv = 0;
	uint64_t uv = 0, kuv = 0;
	const char *reason = NULL;
	char *t;
	int key, r, k;

	if (size < 1)
		return 0;
	key = data[0] & 3;
	t = fuzz_dup(data + 1, size - 1);
	r = prec_kernel_parse((enum knob)key, t, size - 1, &iv, &uv, &reason);
	k = kernel(key, t, size - 1, &kiv, &kuv);
	FUZZ_CHECK(r == k, "key %d: ovc says %d (%s), the kernel %d", key, r,
		   reason ? reason : "-", k);
	if (r < 0)
		FUZZ_CHECK(reason && reason[0], "a refusal without a reason");
	else if (key == KNOB_KBYTES)
		FUZZ_CHECK(uv == kuv, "kbytes %" PRIu64 ", the kernel %" PRIu64, uv, kuv);
	else
		FUZZ_CHECK(iv == kiv, "key %d: %" PRId64 ", the kernel %" PRId64, key, iv, kiv);
	free(t);
	return 0;
}
