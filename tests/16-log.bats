#!/usr/bin/env bats
# 16-log.bats - "ovc log": the kernel's commit refusals, RLIMIT_DATA refusals and OOM kills,
# from a saved log (tests/fixtures/roots/kmsg-log/dev/kmsg, in /dev/kmsg's record format: Documentation/ABI/
# testing/dev-kmsg), from dmesg's lines, from <root>/dev/kmsg, and from this host's own
# /dev/kmsg (a refused oversized mmap: mode 0 refuses it without charging anything). The
# message formats are the kernel's: mm/util.c __vm_enough_memory (6.1 "no enough", 6.3
# "not enough", 6.9 "bytes:"), mm/oom_kill.c __oom_kill_process and dump_oom_summary,
# mm/mmap.c may_expand_vm, lib/ratelimit.c.

load helpers/common

KMSG=$TESTS_DIR/fixtures/roots/kmsg-log/dev/kmsg

setup() {
	use_host seed-24g-noswap   # mode 0, 24684092 kB RAM, no swap; btime 1709213418
}

log_json() {
	run -0 --separate-stderr ovc log --json "$@"
	assert_one_json_document
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

@test "a saved log: every kind, the JSON contract, the suppressed count and the wrapped ring" {
	log_json --kmsg "$KMSG"
	assert_json '[.entries[].kind] == ["commit_refused", "commit_refused", "commit_refused",
		"commit_refused", "commit_refused", "cgroup_oom_kill", "oom_kill", "rlimit_data"]'
	assert_json '.entries | all(keys == ["bytes", "cgroup", "comm", "explanation", "kind",
		"oom_memcg", "pid", "reason", "text", "time", "uptime_usec"])'
	assert_json '.suppressed == 37 and .wrapped == true and .records == 13'
	# the seed array: 303755104256 bytes is more than RAM + swap, refused now too
	assert_json '.entries[0] | .pid == 7205 and .comm == "python3" and .bytes == 303755104256
		and .reason == "refused_now" and .time == "2024-02-29T13:31:58Z" and .uptime_usec == 100000000'
	assert_json '.entries[1] | .bytes == 4096 and .reason == "accepted_now"'
	assert_json '.entries[2] | .comm == "my job (x)" and .bytes == 549755813888'
	# older kernels printed no size: bytes null
	assert_json '.entries[3] | .bytes == null and .reason == "no_size" and .pid == 12'
	assert_json '.entries[4] | .pid == 13 and .reason == "no_size"'
	# a kill with the oom-kill: line before it: the cgroups
	assert_json '.entries[5] | .pid == 8001 and .cgroup == "/job.slice/step0"
		and .oom_memcg == "/job.slice" and .bytes == 4294967296 and .reason == "cgroup_limit"'
	assert_json '.entries[6] | .pid == 8100 and .cgroup == "/user.slice" and .oom_memcg == null
		and .reason == "out_of_memory"'
	assert_json '.entries[7] | .pid == 4242 and .bytes == 1024004096 and .reason == "rlimit_data"'
}

@test "the text: a row each, the explanation under it, the totals, the rate limit and the wrap" {
	run -0 --separate-stderr env TZ=UTC "$OVC" --proc "$PROC" log --kmsg "$KMSG"
	assert_line --index 0 --regexp '^TIME +EVENT +PID +COMMAND +SIZE +CGROUP$'
	assert_line --regexp '^2024-02-29 13:31:58  refused +7205  python3 +282.89 GiB  -$'
	assert_line '    mode 0 now: it would be refused now too: 282.89 GiB is more than RAM + swap (23.54 GiB), the most mode 0 grants one request'
	assert_line --regexp '^2024-02-29 13:33:38  cgroup OOM kill +8001  python3 +4.00 GiB  /job.slice/step0$'
	assert_line '    cgroup /job.slice reached its memory limit as pages were written; no vm.overcommit_* setting prevents that (the allocation itself had succeeded)'
	assert_line '5 commit refusals, 1 RLIMIT_DATA refusal, 1 OOM kill, 1 cgroup OOM kill since boot (13 kernel log records read)'
	assert_line '37 more commit refusals were not printed by the kernel'"'"'s rate limit (10 in 5 s); their sizes and processes are not known'
	assert_line "note: the kernel's log buffer has wrapped: records older than the first one read (number 412) are gone"
}

@test "under mode 2 the explanation is the commit limit's; under mode 1 the policy has changed" {
	echo 2 >"$PROC/sys/vm/overcommit_memory"
	log_json --kmsg "$KMSG"
	assert_json '.entries[0].explanation | startswith("mode 2 now: it would be refused now too") and contains("CommitLimit 11.77 GiB")'
	echo 1 >"$PROC/sys/vm/overcommit_memory"
	log_json --kmsg "$KMSG"
	assert_json '.entries[0] | .reason == "policy_changed"'
}

@test "dmesg's lines and dmesg --raw are read too; junk lines are skipped" {
	printf '%s\n' '[  100.000000] __vm_enough_memory: pid: 7205, comm: python3, bytes: 8192 not enough memory for the allocation' \
		'<3>[  200.000001] Out of memory: Killed process 9 (x) total-vm:1kB, anon-rss:2kB, file-rss:0kB' \
		'random text' >"$BATS_TEST_TMPDIR/dmesg.txt"
	log_json --kmsg "$BATS_TEST_TMPDIR/dmesg.txt"
	assert_json '[.entries[] | [.kind, .pid, .bytes, .uptime_usec]] == [["commit_refused", 7205, 8192, 100000000], ["oom_kill", 9, 2048, 200000001]]'
	assert_json '.wrapped == false and .records == 2'
}

@test "--since: only what is newer (the boot time from the proc tree's btime)" {
	local now
	now=$(date +%s)
	# booted 1000 s ago: the records at 100 s and 400 s are 900 s and 600 s old
	sed -i "s/^btime .*/btime $((now - 1000))/" "$PROC/stat"
	log_json --kmsg "$KMSG" --since 10m30s
	assert_json '[.entries[].kind] == ["rlimit_data"]'
	log_json --kmsg "$KMSG" --since 16m
	assert_json '(.entries | length) == 8 and .suppressed == 37'
	log_json --kmsg "$KMSG" --since 14m
	assert_json '.suppressed == 0 and (.entries | length) == 3'
	run -2 --separate-stderr ovc log --since soon
	assert_equal "${stderr_lines[0]}" "ovc: invalid --since 'soon': not a duration (30s, 10m, 2h, 1d, 1w, 1h30m)"
}

@test "<root>/dev/kmsg of a tree is the log read; --follow needs the live device" {
	mkdir -p "$BATS_TEST_TMPDIR/root/dev"
	cp "$KMSG" "$BATS_TEST_TMPDIR/root/dev/kmsg"
	log_json --root "$BATS_TEST_TMPDIR/root"
	assert_json '(.entries | length) == 8'
	run -2 --separate-stderr ovc log --kmsg "$KMSG" --follow
	assert_equal "${stderr_lines[0]}" "ovc: --follow needs the live kernel log (/dev/kmsg), not a file"
	run -6 --separate-stderr ovc log --kmsg "$BATS_TEST_TMPDIR/nonexistent"
	[[ ${stderr_lines[0]} == *"cannot open the kernel log"* ]] || fail "$stderr"
}

@test "a line longer than any record is refused, not held in memory" {
	head -c 3000000 /dev/zero | tr '\0' 'x' >"$BATS_TEST_TMPDIR/long"
	run -6 --separate-stderr ovc log --kmsg "$BATS_TEST_TMPDIR/long"
	[[ $stderr == *"a line longer than 1048576 bytes: not a kernel log"* ]] || fail "$stderr"
}

# --- this host's /dev/kmsg (read only) ---------------------------------------------------

need_kmsg() {
	"$OVC" log --since 1s >/dev/null 2>&1 || skip "this host's /dev/kmsg cannot be read here"
	[[ $(cat /proc/sys/vm/overcommit_memory) == 0 ]] || skip "the host is not in mode 0"
	local r
	r=$(uname -r)
	[[ $r =~ ^([0-9]+)\.([0-9]+) ]]
	((BASH_REMATCH[1] > 6 || (BASH_REMATCH[1] == 6 && BASH_REMATCH[2] >= 9))) ||
		skip "kernel $r: the refusal carries its size from 6.9"
}

@test "on this host: a refused oversized mmap appears with its pid and exact bytes" {
	need_kmsg
	local try pid bytes
	# the kernel prints 10 refusals in 5 s; other tests may have used them: try again
	for try in 1 2 3 4; do
		bytes=$(((1 << 46) + try * 4096))
		pid=$(/usr/bin/python3 -c '
import mmap, os, sys
try:
    mmap.mmap(-1, int(sys.argv[1]))
except OSError:
    pass
print(os.getpid())' "$bytes")
		run -0 --separate-stderr "$OVC" log --json --since 2m
		if jq -e --argjson p "$pid" --argjson b "$bytes" \
			'.entries | any(.kind == "commit_refused" and .pid == $p and .bytes == $b
				and .comm == "python3" and .reason == "refused_now")' <<<"$output" >/dev/null; then
			return 0
		fi
		sleep 5.5
	done
	fail "the refusal of pid $pid ($bytes bytes) is not in ovc log: $output"
}

@test "without CAP_SYSLOG under kernel.dmesg_restrict=1: exit 4, CAP_SYSLOG named" {
	[[ $(id -u) == 0 ]] || skip "needs root to run as nobody"
	[[ $(cat /proc/sys/kernel/dmesg_restrict) == 1 ]] || skip "kernel.dmesg_restrict is 0 here"
	run -4 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups "$OVC" log
	assert_equal "${stderr_lines[0]}" "ovc: cannot open the kernel log '/dev/kmsg': Operation not permitted"
	[[ $stderr == *"kernel.dmesg_restrict=1"*"CAP_SYSLOG"* ]] || fail "$stderr"
}

@test "--follow waits for new records holding no capability at all" {
	[[ $(id -u) == 0 ]] || skip "needs root: the point is what ovc drops"
	need_kmsg
	local pid i s
	"$OVC" log --follow >/dev/null 2>&1 &
	pid=$!
	BG_PIDS=("$pid")
	teardown() { kill_bg_pids; }
	for ((i = 0; i < 500; i++)); do
		s=$(cat "/proc/$pid/syscall" 2>/dev/null) || true
		[[ $s == "7 "* ]] && break   # poll(2) on x86-64
		sleep 0.02
	done
	[[ $s == "7 "* ]] || fail "ovc log --follow never waited in poll (syscall: $s)"
	assert_equal "$(awk '$1 == "CapEff:" { print $2 }' "/proc/$pid/status")" 0000000000000000
	assert_equal "$(awk '$1 == "CapPrm:" { print $2 }' "/proc/$pid/status")" 0000000000000000
	# SIGTERM ends the wait
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}
