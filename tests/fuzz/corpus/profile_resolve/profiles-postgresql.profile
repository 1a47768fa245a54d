# postgresql: strict overcommit, as the PostgreSQL manual recommends.
description = PostgreSQL: never overcommit, so the OOM killer does not take the postmaster
reason = The PostgreSQL manual (Linux Memory Overcommit) recommends vm.overcommit_memory = 2:
reason = the OOM killer may otherwise kill the postmaster, which takes every session down.
reason = It leaves vm.overcommit_ratio to the administrator and the kernel documentation;
reason = this profile takes the limit of the strict profile (CommitLimit = RAM + swap).
include = strict
source = https://www.postgresql.org/docs/current/kernel-resources.html#LINUX-MEMORY-OVERCOMMIT
source = PostgreSQL source, doc/src/sgml/runtime.sgml, sect2 linux-memory-overcommit
mode = 2
