# strict: mode 2 with CommitLimit = RAM + swap (less the hugetlb pool), for the host it runs on.
description = Never overcommit: CommitLimit = RAM + swap, allocations fail instead of OOM kills
reason = In mode 2 the kernel refuses an allocation that would take Committed_AS past
reason = CommitLimit, so a program gets an error (ENOMEM, a NULL from malloc) that it can
reason = handle, and the OOM killer is not needed to reclaim overcommitted memory. With
reason = CommitLimit = RAM + swap every committed page has a place to live (the hugetlb pool is
reason = RAM no ordinary page can use, so it is left out, as the kernel's ratio does). Hosts that must
reason = never OOM-kill (databases, payment systems) use it; programs that reserve much more
reason = than they touch (JVMs, sparse arrays, fork-heavy servers) may fail to start.
source = Linux kernel, Documentation/mm/overcommit-accounting.rst: mode 2 "Don't overcommit. The total address space commit for the system is not permitted to exceed swap + a configurable amount (default is 50%) of physical RAM."
source = https://www.kernel.org/doc/html/latest/mm/overcommit-accounting.html
mode = 2
commit_limit = ram - hugetlb + swap
