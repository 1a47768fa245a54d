#!/usr/bin/env bats
# 13-probe.bats - "ovc probe" on this host's live /proc: it only mmaps and munmaps
# never-touched anonymous memory and reads /proc, so it is safe in modes 0 and 1. It must
# never run here in mode 2 (each attempt would charge the host's commit limit): those
# tests skip, and the refusal in mode 2 is left to the VM tier (tests/vm/).

load helpers/common

setup() {
	LIVE_MODE=$(cat /proc/sys/vm/overcommit_memory)
	VM_BEFORE=$(cat /proc/sys/vm/overcommit_{memory,ratio,kbytes})
}

teardown() {
	# tripwire: nothing here may change the host's policy
	assert_equal "$(cat /proc/sys/vm/overcommit_{memory,ratio,kbytes})" "$VM_BEFORE"
}

need_safe_mode() {
	[[ $LIVE_MODE == 0 || $LIVE_MODE == 1 ]] ||
		skip "this host is in mode $LIVE_MODE: probing would charge its commit limit"
}

@test "probe --json on this host: the measurement equals the prediction" {
	need_safe_mode
	run -0 --separate-stderr "$OVC" probe --json
	assert_one_json_document
	[[ -z $stderr ]]
	assert_json --argjson m "$LIVE_MODE" '.mode == $m'
	assert_json '.agrees == true'
	assert_json '.measured_max_alloc_kb == .predicted_max_alloc_kb'
	assert_json '.predicted_sure_kb <= .measured_max_alloc_kb and .measured_max_alloc_kb <= .predicted_bound_kb'
	assert_json '.admin == false and .vmsize_kb > 0 and .attempts > 0'
}

@test "probe in mode 0 (>= 5.2) measures exactly MemTotal + SwapTotal" {
	need_safe_mode
	[[ $LIVE_MODE == 0 ]] || skip "this host is in mode $LIVE_MODE"
	run -0 "$OVC" status --json
	[[ $(jq -r '.host.kernel' <<<"$output") =~ ^([0-9]+)\.([0-9]+) ]]
	((BASH_REMATCH[1] > 5 || (BASH_REMATCH[1] == 5 && BASH_REMATCH[2] >= 2))) ||
		skip "kernel before 5.2: mode 0 is an estimate"
	[[ $(ulimit -v) == unlimited ]] || skip "RLIMIT_AS is set for this shell"
	local want
	want=$((($(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) / 4 +
		$(awk '$1 == "SwapTotal:" { print $2 }' /proc/meminfo) / 4) * 4))
	run -0 --separate-stderr "$OVC" probe --json
	assert_json --argjson w "$want" '.measured_max_alloc_kb == $w and .predicted_max_alloc_kb == $w'
	assert_json '.binding_limit == "heuristic" and .exact == true'
}

@test "probe in words: measured, predicted, exact agreement" {
	need_safe_mode
	run -0 --separate-stderr "$OVC" probe
	[[ -z $stderr ]]
	assert_line --index 0 "Largest single allocation accepted now (mode $LIVE_MODE, without CAP_SYS_ADMIN):"
	assert_line --regexp '^  measured +[0-9.]+ [KMGTPE]i?B  \([0-9]+ pages; [0-9]+ mmap calls in [0-9]+\.[0-9]{3} ms\)$'
	assert_line --regexp '^  predicted +[0-9.]+ [KMGTPE]i?B  \([0-9]+ pages; limited by '
	assert_line --regexp '^  agreement  (exact|within range)'
}

@test "probe under RLIMIT_AS 1 GiB: RLIMIT_AS binds, and the prediction is exact" {
	if ovc_under_valgrind; then skip "valgrind: its own mappings share ovc's RLIMIT_AS"; fi
	need_safe_mode
	is_sanitized && skip "a sanitizer build cannot run under a 1 GiB RLIMIT_AS"
	run -0 --separate-stderr bash -c 'ulimit -v 1048576 && exec "$OVC" probe --json'
	assert_json '.binding_limit == "rlimit_as" and .agrees == true and .exact == true'
	# 1 GiB / 4 KiB pages - VmSize pages (may_expand_vm), in kB
	assert_json '.measured_max_alloc_kb == .predicted_max_alloc_kb'
	assert_json '.measured_max_alloc_kb == 1048576 - (.vmsize_kb / 4 | floor) * 4'
}

@test "probe under RLIMIT_DATA (ulimit -d): RLIMIT_DATA binds, and the prediction is exact" {
	if ovc_under_valgrind; then skip "valgrind: its own mappings count in ovc's VmData"; fi
	need_safe_mode
	is_sanitized && skip "a sanitizer's shadow mappings count in VmData"
	run -0 --separate-stderr bash -c 'ulimit -d 200000 && exec "$OVC" probe --json'
	assert_json '.binding_limit == "rlimit_data" and .agrees == true and .exact == true'
	assert_json '.rlimit_data_bytes == 204800000 and .measured_max_alloc_kb == .predicted_max_alloc_kb'
	# 200000 kB / 4 KiB pages - VmData pages (may_expand_vm), in kB
	assert_json '.measured_max_alloc_kb == 200000 - (.vmdata_kb / 4 | floor) * 4'
	run -0 --separate-stderr bash -c 'ulimit -d 200000 && exec "$OVC" probe'
	assert_line --regexp '^  predicted +[0-9.]+ MiB  \([0-9]+ pages; limited by RLIMIT_DATA\)$'
	assert_line '  agreement  exact'
}

@test "probe with RLIMIT_DATA soft 0 and hard 300000 kB: the hard limit binds (valgrind's case)" {
	if ovc_under_valgrind; then skip "valgrind: its own mappings count in ovc's VmData"; fi
	need_safe_mode
	is_sanitized && skip "a sanitizer's shadow mappings count in VmData"
	run -0 --separate-stderr bash -c 'ulimit -d 300000 && ulimit -S -d 0 && exec "$OVC" probe --json'
	assert_json '.binding_limit == "rlimit_data" and .agrees == true and .exact == true'
	assert_json '.rlimit_data_bytes == 0 and .measured_max_alloc_kb == 300000 - (.vmdata_kb / 4 | floor) * 4'
}

@test "probe --proc with a saved tree exits 2: it measures the running kernel only" {
	use_host seed-24g-noswap
	run -2 --separate-stderr "$OVC" probe --proc "$PROC"
	assert_output ''
	[[ ${stderr_lines[0]} == "ovc: probe measures the running kernel"* ]]
	assert_equal "${stderr_lines[1]}" "Try 'ovc probe --help'."
	run -2 --separate-stderr "$OVC" --proc "$PROC" probe
	[[ ${stderr_lines[0]} == "ovc: probe measures the running kernel"* ]]
	run -2 --separate-stderr "$OVC" --proc "$PROC" probe --json
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'
}

@test "probe --proc /proc is the running kernel and is accepted" {
	need_safe_mode
	run -0 --separate-stderr "$OVC" probe --proc /proc --json
	assert_json '.agrees == true'
}

@test "probe takes no arguments and no what-if options" {
	run -2 --separate-stderr "$OVC" probe 1G
	assert_equal "${stderr_lines[0]}" "ovc: unexpected argument '1G'"
	run -2 --separate-stderr "$OVC" probe --ratio 80
	[[ ${stderr_lines[0]} == *"unrecognized option '--ratio'" ]]
}

@test "probe to a full disk: exit 7" {
	need_safe_mode
	run -7 --separate-stderr bash -c '"$OVC" probe >/dev/full'
	assert_equal "$stderr" 'ovc: cannot write the output: No space left on device'
}
