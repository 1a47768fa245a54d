# redis: what Redis asks for at startup.
description = Redis: always overcommit, so fork() for BGSAVE, AOF rewrite and replication works
reason = Redis forks to write its snapshot and to rewrite its append-only file; the child
reason = shares the parent's pages copy-on-write, but the fork is charged as if it copied the
reason = whole dataset. Redis warns at startup unless vm.overcommit_memory = 1: "WARNING
reason = Memory overcommit must be enabled! Without it, a background save or replication may
reason = fail under low memory condition." Since 2022 (PR #11357) mode 2 warns too.
source = https://github.com/redis/redis/blob/unstable/src/syscheck.c (checkOvercommit)
source = https://redis.io/docs/latest/operate/oss_and_stack/management/admin/
source = https://github.com/redis/redis/pull/11357
mode = 1
