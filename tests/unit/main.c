/* SPDX-License-Identifier: MIT */
/* main.c - runs every core unit test; TAP output closed by "N passed, N failed". */
#include "tap.h"

unsigned tap_n, tap_failed;

int main(void)
{
	test_model();
	test_units();
	test_numpy();
	test_proctext();
	test_simulate();
	test_plan();
	test_audit();
	test_precedence();
	test_dropin();
	test_profile();
	test_export();
	test_journal();
	test_regress();
	test_promtext();
	test_decide();
	test_kmsg();
	test_top();
	test_escape_text();
	test_mprange();
	test_memmap();
	test_thp();
	test_cgroup();
	test_mountinfo_parse();
	printf("1..%u\n", tap_n);
	printf("%u passed, %u failed\n", tap_n - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}
