/* SPDX-License-Identifier: MIT */
/*
 * tap.h - a tiny TAP producer for the core unit tests. Each check prints "ok N - what" or
 * "not ok N - what" with the two values; tap_done() prints "N passed, N failed" and
 * returns the exit status.
 */
#ifndef OVC_TAP_H
#define OVC_TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern unsigned tap_n, tap_failed;

#define TAP_U64(got, want, ...)                                                      \
	do {                                                                         \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                \
		tap_n++;                                                             \
		if (g_ == w_) {                                                      \
			printf("ok %u - ", tap_n);                                   \
		} else {                                                             \
			tap_failed++;                                                \
			printf("not ok %u - ", tap_n);                               \
		}                                                                    \
		printf(__VA_ARGS__);                                                 \
		printf("\n");                                                        \
		if (g_ != w_)                                                        \
			printf("#   got %" PRIu64 ", want %" PRIu64 " (%s:%d)\n", g_, w_, \
			       __FILE__, __LINE__);                                  \
	} while (0)

#define TAP_I64(got, want, ...)                                                      \
	do {                                                                         \
		int64_t g_ = (int64_t)(got), w_ = (int64_t)(want);                   \
		tap_n++;                                                             \
		printf("%sok %u - ", g_ == w_ ? "" : "not ", tap_n);                 \
		if (g_ != w_)                                                        \
			tap_failed++;                                                \
		printf(__VA_ARGS__);                                                 \
		printf("\n");                                                        \
		if (g_ != w_)                                                        \
			printf("#   got %" PRId64 ", want %" PRId64 " (%s:%d)\n", g_, w_, \
			       __FILE__, __LINE__);                                  \
	} while (0)

#define TAP_STR(got, want, ...)                                                      \
	do {                                                                         \
		const char *g_ = (got), *w_ = (want);                                \
		int eq_ = g_ && w_ && !strcmp(g_, w_);                               \
		tap_n++;                                                             \
		printf("%sok %u - ", eq_ ? "" : "not ", tap_n);                      \
		if (!eq_)                                                            \
			tap_failed++;                                                \
		printf(__VA_ARGS__);                                                 \
		printf("\n");                                                        \
		if (!eq_)                                                            \
			printf("#   got '%s', want '%s' (%s:%d)\n", g_ ? g_ : "(null)",  \
			       w_ ? w_ : "(null)", __FILE__, __LINE__);              \
	} while (0)

#define TAP_OK(cond, ...) TAP_U64(!!(cond), 1, __VA_ARGS__)

void test_model(void);
void test_units(void);
void test_numpy(void);
void test_proctext(void);
void test_simulate(void);
void test_plan(void);
void test_audit(void);
void test_precedence(void);
void test_dropin(void);
void test_profile(void);
void test_export(void);
void test_journal(void);
void test_regress(void);
void test_escape_text(void);
void test_promtext(void);
void test_decide(void);
void test_kmsg(void);
void test_top(void);
void test_mprange(void);
void test_memmap(void);
void test_thp(void);
void test_cgroup(void);
void test_mountinfo_parse(void);

#endif
