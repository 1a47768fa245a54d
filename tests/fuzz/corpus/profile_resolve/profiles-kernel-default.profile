# kernel-default: what the kernel boots with when nothing is configured.
description = The kernel's defaults: heuristic overcommit, ratio 50, no kbytes
reason = The values Linux starts with (mm/util.c: sysctl_overcommit_memory = OVERCOMMIT_GUESS,
reason = sysctl_overcommit_ratio = 50, sysctl_overcommit_kbytes = 0). Mode 0 refuses only
reason = a single allocation larger than RAM + swap; the ratio only matters in mode 2.
source = Linux kernel, mm/util.c (sysctl_overcommit_memory, sysctl_overcommit_ratio, sysctl_overcommit_kbytes)
source = https://www.kernel.org/doc/html/latest/mm/overcommit-accounting.html
mode = 0
ratio = 50
