/* SPDX-License-Identifier: MIT */
/*
 * thpfs.h - reads the transparent huge page settings under the system root
 * (sys/kernel/mm/transparent_hugepage/, mm/huge_memory.c hugepage_attr and
 * mm/khugepaged.c khugepaged_attr) into core/thp's struct thp_settings.
 */
#ifndef OVC_THPFS_H
#define OVC_THPFS_H

#include "../core/thp.h"
#include "fsroot.h"

#define THP_SYS_DIR "sys/kernel/mm/transparent_hugepage"

/*
 * Each file is optional: a kernel without CONFIG_TRANSPARENT_HUGEPAGE (or an image
 * without /sys) leaves s->known false; a malformed or unreadable one leaves its field
 * unknown. Never an error.
 */
void thpfs_read(const struct fsroot *root, struct thp_settings *s);

#endif
