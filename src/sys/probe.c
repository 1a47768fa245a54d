/* SPDX-License-Identifier: MIT */
/* probe.c - binary search over mmap()/munmap() of never-touched anonymous memory. */
#include <sys/mman.h>
#include <time.h>

#include "probe.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int try_map(uint64_t pages, uint64_t page_size)
{
	uint64_t len = pages * page_size;
	void *p;

	/* what glibc's sysmalloc_mmap() asks for a large block (malloc/malloc.c, 2.35+) */
	p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	munmap(p, (size_t)len);
	return 1;
}

int probe_max_mmap(uint64_t page_size, uint64_t upper_pages, struct probe_result *res)
{
	uint64_t lo = 0, hi = upper_pages + 1;   /* lo fits (0 trivially), hi does not */
	uint64_t t0 = now_ns();
	unsigned n = 0;

	/* Success is monotonic in the length, so the search is exact. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		n++;
		if (try_map(mid, page_size))
			lo = mid;
		else
			hi = mid;
	}
	res->max_pages = lo;
	res->attempts = n;
	res->elapsed_ns = now_ns() - t0;
	return 0;
}
