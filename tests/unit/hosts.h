/* SPDX-License-Identifier: MIT */
/* hosts.h - model hosts shared by the unit tests. */
#ifndef OVC_TEST_HOSTS_H
#define OVC_TEST_HOSTS_H

#include "../../src/core/model.h"

/* The seed host: 24 GiB, no swap, 2 GiB committed, kernel 6.1, 2 CPUs, default reserves. */
static inline struct model_host host_seed(void)
{
	struct model_host h = {
		.page_size = 4096, .mem_total_kb = 24684092, .committed_as_kb = 2097152,
		.admin_reserve_kb = 8192, .user_reserve_kb = 131072, .kernel = { 6, 1, 0 },
		.cpus_online = 2, .cpus_present = 2,
		.address_space_bytes = ((uint64_t)1 << 47) - 4096,
	};
	return h;
}

#endif
