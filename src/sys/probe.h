/* SPDX-License-Identifier: MIT */
/*
 * probe.h - measures the largest single private writable anonymous mapping the running
 * kernel accepts now, by binary search over mmap()/munmap(). Never touches a page, so
 * nothing is ever faulted in. In mode 2 every attempt charges Committed_AS for an instant.
 */
#ifndef OVC_PROBE_H
#define OVC_PROBE_H

#include <stdint.h>

struct probe_result {
	uint64_t max_pages;   /* largest length in pages that mmap() accepted; 0: none */
	unsigned attempts;    /* mmap() calls */
	uint64_t elapsed_ns;
};

/* Search [0, upper_pages]. Returns 0. */
int probe_max_mmap(uint64_t page_size, uint64_t upper_pages, struct probe_result *res);

#endif
