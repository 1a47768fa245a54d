/* SPDX-License-Identifier: MIT */
/*
 * test_kmsg.c - kernel log records and the messages ovc explains, from lines read on a
 * Linux 6.18 host (/dev/kmsg) and the kernel's format strings (mm/util.c, mm/oom_kill.c,
 * mm/mmap.c).
 */
#include <string.h>

#include "../../src/core/kmsg.h"
#include "tap.h"

#define L(s) s, sizeof(s) - 1

static void classify(const char *line, size_t len, struct kmsg_event *ev)
{
	struct kmsg_record r;

	memset(ev, 0xa5, sizeof(*ev));
	if (kmsg_parse_line(line, len, &r) == 0)
		kmsg_classify(r.text, r.text_len, ev);
	else
		ev->kind = (enum kmsg_kind)99;
}

void test_kmsg(void)
{
	struct kmsg_record r;
	struct kmsg_event ev;

	TAP_OK(kmsg_parse_line(L("4,1016,29356119712,-;__vm_enough_memory: pid: 7205, comm: python3, bytes: 107374182400 not enough memory for the allocation\n"), &r) == 0 &&
	       r.has_seq && r.seq == 1016 && r.ts_usec == 29356119712 && r.prio == 4 &&
	       r.text_len == 102, "a /dev/kmsg record [6.18]");
	TAP_OK(kmsg_parse_line(L("6,339,5064771,-,caller=T1;usb 1-1: new device\n"), &r) == 0 &&
	       r.seq == 339 && !memcmp(r.text, "usb 1-1", 7), "flags with more fields (caller=)");
	TAP_I64(kmsg_parse_line(L(" SUBSYSTEM=usb\n"), &r), 1, "a continuation line is skipped");
	TAP_I64(kmsg_parse_line(L("\n"), &r), 1, "an empty line is skipped");
	TAP_OK(kmsg_parse_line(L("[29356.119712] __vm_enough_memory: 95 callbacks suppressed"), &r) == 0 &&
	       !r.has_seq && r.ts_usec == 29356119712 && r.prio == -1, "dmesg's line");
	TAP_OK(kmsg_parse_line(L("<4>[    5.000001] x"), &r) == 0 && r.prio == 4 &&
	       r.ts_usec == 5000001 && r.text_len == 1, "dmesg --raw");
	TAP_I64(kmsg_parse_line(L("hello world"), &r), -1, "not a log line");
	TAP_I64(kmsg_parse_line(L("4,12;x"), &r), -1, "a truncated header");
	TAP_I64(kmsg_parse_line(L("4,1,2,-"), &r), -1, "no ';'");
	TAP_I64(kmsg_parse_line(L("<4>x"), &r), -1, "a prio without a time");
	TAP_I64(kmsg_parse_line(L("99999999999999999999,1,2,-;x"), &r), -1, "a prio out of range");

	classify(L("4,1016,29356119712,-;__vm_enough_memory: pid: 7205, comm: python3, bytes: 107374182400 not enough memory for the allocation"), &ev);
	TAP_OK(ev.kind == KMSG_COMMIT_REFUSED && ev.pid == 7205 && !strcmp(ev.comm, "python3") &&
	       ev.has_bytes && ev.bytes == UINT64_C(107374182400), "refusal with bytes [6.18]");
	classify(L("4,7,1,-;__vm_enough_memory: pid: 1218, comm: a.out, not enough memory for the allocation"), &ev);
	TAP_OK(ev.kind == KMSG_COMMIT_REFUSED && ev.pid == 1218 && !strcmp(ev.comm, "a.out") &&
	       !ev.has_bytes, "refusal without bytes (the older form)");
	classify(L("4,7,1,-;__vm_enough_memory: pid: 1218, comm: a.out, no enough memory for the allocation"), &ev);
	TAP_OK(ev.kind == KMSG_COMMIT_REFUSED && ev.pid == 1218 && !ev.has_bytes,
	       "refusal in 6.1's words (no enough)");
	classify(L("4,7,1,-;__vm_enough_memory: pid: 9, comm: my, bytes: x, bytes: 4096 not enough memory for the allocation"), &ev);
	TAP_OK(ev.kind == KMSG_OTHER, "a comm with ', bytes: ' in it and junk: not a refusal");
	classify(L("4,1015,29356119706,-;__vm_enough_memory: 95 callbacks suppressed"), &ev);
	TAP_OK(ev.kind == KMSG_SUPPRESSED && ev.count == 95, "95 suppressed [6.18]");
	classify(L("3,800,100,-;Out of memory: Killed process 4321 (stress (ng)) total-vm:1048576kB, anon-rss:900000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:2000kB oom_score_adj:0"), &ev);
	TAP_OK(ev.kind == KMSG_OOM_KILL && ev.pid == 4321 && !strcmp(ev.comm, "stress (ng)") &&
	       ev.total_vm_kb == 1048576 && ev.anon_rss_kb == 900000, "a global OOM kill; comm with ')'");
	classify(L("3,801,100,-;Memory cgroup out of memory: Killed process 77 (python3) total-vm:500kB, anon-rss:400kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:40kB oom_score_adj:0"), &ev);
	TAP_OK(ev.kind == KMSG_CGROUP_OOM_KILL && ev.pid == 77 && !strcmp(ev.comm, "python3"),
	       "a cgroup OOM kill");
	classify(L("6,799,99,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/job,task_memcg=/job/step,task=python3,pid=77,uid=1000"), &ev);
	TAP_OK(ev.kind == KMSG_OOM_SUMMARY && ev.pid == 77 && !strcmp(ev.comm, "python3") &&
	       !strcmp(ev.constraint, "CONSTRAINT_MEMCG") && !strcmp(ev.oom_memcg, "/job") &&
	       !strcmp(ev.task_memcg, "/job/step"), "the oom-kill summary line");
	classify(L("[ 12.5] Killed process 5 (x) total-vm:1kB, anon-rss:1kB"), &ev);
	TAP_OK(ev.kind == KMSG_OOM_KILL && ev.pid == 5, "an old kernel's bare 'Killed process'");
	classify(L("4,5,6,-;python3 (4242): VmData 1024004096 exceed data ulimit 1024000000. Update limits or use boot option ignore_rlimit_data."), &ev);
	TAP_OK(ev.kind == KMSG_RLIMIT_DATA && ev.pid == 4242 && !strcmp(ev.comm, "python3") &&
	       ev.bytes == 1024004096 && ev.limit == 1024000000, "the RLIMIT_DATA warning");
	classify(L("6,1,1,-;systemd[1]: Started ovc."), &ev);
	TAP_OK(ev.kind == KMSG_OTHER, "anything else");
}
