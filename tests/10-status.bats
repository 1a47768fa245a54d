#!/usr/bin/env bats
# 10-status.bats - "ovc status": the running policy, CommitLimit, Committed_AS, headroom,
# the largest allocation, warnings; and every way a proc tree can be missing or malformed.
# Fixture copies only, except the read-only run against the live /proc at the end.

load helpers/common

status_json() {
	run -0 --separate-stderr ovc status --json
	assert_one_json_document
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

warning_ids() {
	jq -c '[.warnings[].id]' <<<"$output"
}

# --- the seed host ---------------------------------------------------------------------

@test "seed host: human output names the policy, the figures and the binding limit" {
	use_host seed-24g-noswap
	run -0 --separate-stderr ovc status
	[[ -z $stderr ]]
	assert_line --index 0 'vm.overcommit_memory  0   heuristic: refuses only obvious overcommits'
	assert_line --index 1 'vm.overcommit_ratio   50%  of RAM, plus swap, is CommitLimit'
	# 12342044 kB = 11.77 GiB, 2093412 kB = 2.00 GiB, 10248632 kB = 9.77 GiB
	assert_line 'CommitLimit      11.77 GiB   (enforced only in mode 2)'
	assert_line 'Committed_AS      2.00 GiB'
	assert_line 'Headroom          9.77 GiB'
	assert_line --regexp '^Committed     \[#{6}\.{34}\]  16\.9%$'
	# mode 0 >= 5.2: MemTotal + SwapTotal = 24684092 kB = 23.54 GiB
	assert_line 'Largest single allocation now: 23.54 GiB (limited by RAM + swap)'
	assert_line 'RAM 23.54 GiB, swap 0 B, hugetlb 0 B; kernel 6.1.0-18-amd64, 2 CPUs'
	assert_line "(read from $PROC)"
	refute_line --partial 'warning:'
	refute_line --partial 'with CAP_SYS_ADMIN'
}

@test "seed host: JSON has the policy, the formula's CommitLimit and the host figures" {
	use_host seed-24g-noswap
	status_json
	local cl
	cl=$(commit_limit_formula)
	assert_equal "$cl" "$(mi CommitLimit)"
	assert_json '.policy == {"mode": 0, "mode_name": "heuristic", "ratio": 50, "kbytes": 0}'
	assert_json --argjson cl "$cl" '.commit_limit_kb == $cl and .host.meminfo_commit_limit_kb == $cl'
	assert_json '.host.live == false and .host.whatif == false'
	assert_json --argjson c "$(mi Committed_AS)" '.committed_as_kb == $c and .host.committed_as_kb == $c'
	assert_json --argjson h "$(($(mi CommitLimit) - $(mi Committed_AS)))" '.headroom_kb == $h'
	# mode 0, kernel >= 5.2: MemTotal/4 + SwapTotal/4 pages, in kB
	assert_json --argjson m "$((($(mi MemTotal) / 4 + $(mi SwapTotal) / 4) * 4))" \
		'.max_alloc_kb == $m and .max_alloc_admin_kb == $m'
	assert_json '.binding_limit == "heuristic"'
	assert_json '.warnings == []'
	assert_json '.host | .mem_total_kb == 24684092 and .swap_total_kb == 0 and .hugetlb_kb == 0
		and .admin_reserve_kb == 8192 and .user_reserve_kb == 100405 and .page_size == 4096
		and .kernel == "6.1.0" and .osrelease == "6.1.0-18-amd64" and .cpus == 2'
}

# --- warnings --------------------------------------------------------------------------

@test "mode2-tight: low headroom warning, in words and in JSON" {
	use_host mode2-tight
	run -0 --separate-stderr ovc status
	assert_line --index 0 'vm.overcommit_memory  2   never: Committed_AS may not reach CommitLimit'
	refute_line --partial '(enforced only in mode 2)'
	# headroom 150000 kB; the margin is 5 % of CommitLimit 6171316 kB = 308565 kB
	assert_line 'Headroom        146.48 MiB'
	assert_line 'warning: mode 2 and only 146.48 MiB of headroom (below 301.33 MiB): fork and exec may start to fail'
	# mode 2, non-admin, full user reserve: CommitLimit - admin - user - Committed_AS - 1 page
	assert_line 'Largest single allocation now: 10.48 MiB (limited by CommitLimit); 18.48 MiB with CAP_SYS_ADMIN'

	status_json
	assert_equal "$(warning_ids)" '["mode2_low_headroom"]'
	assert_json '.policy.mode == 2 and .headroom_kb == 150000 and .binding_limit == "commit_limit"'
	local pages=$(($(mi CommitLimit) / 4 - $(vm admin_reserve_kbytes) / 4 - $(vm user_reserve_kbytes) / 4 - $(mi Committed_AS) / 4 - 1))
	assert_json --argjson m "$((pages * 4))" '.max_alloc_kb == $m'
	assert_json --argjson m "$(((pages + $(vm admin_reserve_kbytes) / 4) * 4))" '.max_alloc_admin_kb == $m'
}

@test "mode 2 with Committed_AS at CommitLimit: no-headroom warning, nothing fits" {
	use_host mode2-tight
	sed -i "s/^Committed_AS: .*/Committed_AS:    $(mi CommitLimit) kB/" "$PROC/meminfo"
	status_json
	assert_equal "$(warning_ids)" '["mode2_no_headroom"]'
	assert_json '.headroom_kb == 0 and .max_alloc_kb == 0 and .max_alloc_admin_kb == 0'
	run -0 ovc status
	assert_line 'warning: mode 2 and Committed_AS (5.89 GiB) has reached CommitLimit (5.89 GiB): new allocations, fork and exec fail'
}

@test "negative-ratio: ratio_negative warning and the wrapped CommitLimit, exact" {
	use_host negative-ratio
	local cl
	cl=$(commit_limit_formula)
	# vm_commit_limit() in unsigned long: ratio -1 on 6171023 pages prints
	# 737 869 762 948 135 220 kB
	assert_equal "$cl" 737869762948135220
	assert_equal "$(mi CommitLimit)" "$cl"
	status_json
	assert_equal "$(warning_ids)" '["ratio_negative"]'
	assert_json '.policy.ratio == -1 and .policy.mode == 2'
	# jq 1.6 would round these to doubles: compare the digits as printed
	assert_equal "$(json_raw commit_limit_kb | sort -u)" "$cl"
	assert_equal "$(json_raw headroom_kb)" "$((cl - $(mi Committed_AS)))"
	run -0 ovc status
	assert_line 'vm.overcommit_ratio   -1%  of RAM, plus swap, is CommitLimit'
	assert_line "warning: vm.overcommit_ratio is negative: the kernel's unsigned arithmetic wraps CommitLimit to an astronomic value, so mode 2 limits nothing"
	# mode 2 limits nothing: the address space binds
	assert_line 'Largest single allocation now: 128.00 TiB (limited by address space)'
}

@test "negative-ratio: the human CommitLimit shows the wrapped value's real size" {
	use_host negative-ratio
	run -0 ovc status
	assert_line --regexp '^CommitLimit +655\.36 EiB$'
	assert_line --regexp '^Headroom +655\.36 EiB$'
}

@test "old-4.19: legacy_heuristic warning and the free-memory estimate of mode 0 before 5.2" {
	use_host old-4.19
	status_json
	assert_equal "$(warning_ids)" '["legacy_heuristic"]'
	assert_json '.binding_limit == "free_estimate" and .host.kernel == "4.19.0"'
	# totalreserve_pages = sum over zones of min(managed, high + max(protection))
	local reserve
	reserve=$(awk '
		function flush() { if (z) { r = high + prot; t += (r < managed ? r : managed) } }
		/^Node / { flush(); z = 1; high = managed = prot = 0; next }
		$1 == "high" { high = $2 } $1 == "managed" { managed = $2 }
		$1 == "protection:" { gsub(/[(),]/, " "); for (k = 2; k <= NF; k++) if ($k > prot) prot = $k }
		END { flush(); print t }' "$PROC/zoneinfo")
	assert_equal "$reserve" 24502
	# F = free + file (Cached + SwapCached + Buffers) - shmem + free swap + SReclaimable,
	# no KReclaimable term before 4.20; then - totalreserve - admin reserve; max = F - 1
	local f=$(($(mi MemFree) / 4 + ($(mi Cached) + $(mi SwapCached) + $(mi Buffers)) / 4 \
		- $(mi Shmem) / 4 + $(mi SwapFree) / 4 + $(mi SReclaimable) / 4 - reserve))
	assert_json --argjson m "$(((f - $(vm admin_reserve_kbytes) / 4 - 1) * 4))" '.max_alloc_kb == $m'
	assert_json --argjson m "$(((f - 1) * 4))" '.max_alloc_admin_kb == $m'
	run -0 ovc status
	assert_line "warning: kernel before 5.2: mode 0 estimates free memory, so ovc's answer is an estimate (ovc probe measures it)"
	assert_line --regexp '^Largest single allocation now: 5\.79 GiB \(limited by free memory estimate\); 5\.80 GiB with CAP_SYS_ADMIN$'
}

@test "old-4.19 without zoneinfo still works (zoneinfo is optional) and says so" {
	use_host old-4.19
	status_json
	local with; with=$(jq .max_alloc_kb <<<"$output")
	rm "$PROC/zoneinfo"
	status_json
	assert_equal "$(warning_ids)" '["legacy_heuristic","zoneinfo_missing"]'
	# without the zones' reserves the estimate can only grow
	assert_json --argjson w "$with" '.max_alloc_kb > $w'
}

@test "swap-hugetlb: hugetlb_excluded warning; every pool size counts (Hugetlb: line)" {
	use_host swap-hugetlb
	local cl
	cl=$(commit_limit_formula)
	assert_equal "$cl" "$(mi CommitLimit)"
	# HugePages_Total x Hugepagesize is only the 2 MiB pool; Hugetlb also has 4 x 1 GiB
	assert_equal "$(mi Hugetlb)" $((1024 * 2048 + 4 * 1048576))
	status_json
	assert_equal "$(warning_ids)" '["hugetlb_excluded"]'
	assert_json --argjson cl "$cl" '.commit_limit_kb == $cl'
	assert_json '.host.hugetlb_kb == 6291456 and .host.swap_total_kb == 8388604 and .host.cpus == 16'
	assert_json '.policy == {"mode": 2, "mode_name": "never", "ratio": 80, "kbytes": 0}'
	run -0 ovc status
	assert_line 'vm.overcommit_ratio   80%  of RAM less hugetlb, plus swap, is CommitLimit'
	assert_line 'warning: the hugetlb pool (6.00 GiB) is excluded from the RAM share of CommitLimit'
	assert_line 'RAM 62.79 GiB, swap 8.00 GiB, hugetlb 6.00 GiB; kernel 5.14.0-362.8.1.el9_3.x86_64, 16 CPUs'
}

@test "kbytes: kbytes takes precedence, hugetlb and RAM size do not matter, no warnings" {
	use_host kbytes
	assert_equal "$(vm overcommit_ratio)" 0
	local cl=$(((12582912 / 4 + $(mi SwapTotal) / 4) * 4))
	assert_equal "$cl" "$(mi CommitLimit)"
	assert_equal "$(commit_limit_formula)" "$cl"
	status_json
	assert_json '.policy == {"mode": 2, "mode_name": "never", "ratio": 0, "kbytes": 12582912}'
	assert_json --argjson cl "$cl" '.commit_limit_kb == $cl'
	assert_json '.host.hugetlb_kb == 524288'
	assert_json '.warnings == []'
	run -0 ovc status
	assert_line 'vm.overcommit_kbytes  12582912   (12.00 GiB; takes precedence, ratio reads 0)'
	refute_line --partial 'vm.overcommit_ratio'
}

@test "sosreport: no stat and no self/ are fine; mode 1 with Committed_AS above CommitLimit" {
	use_host sosreport
	[[ ! -e $PROC/stat && ! -e $PROC/self ]]
	status_json
	assert_json '.host.cpus == null'
	assert_json '.policy.mode == 1 and .binding_limit == "address_space"'
	assert_json --argjson cl "$(commit_limit_formula)" '.commit_limit_kb == $cl'
	assert_json --argjson h "$(($(mi CommitLimit) - $(mi Committed_AS)))" '.headroom_kb == $h and .headroom_kb < 0'
	assert_equal "$(warning_ids)" '["mode2_would_refuse_all","cpus_unknown"]'
	run -0 ovc status
	assert_line 'vm.overcommit_memory  1   always: never refuses; the OOM killer is the only limit'
	assert_line 'Headroom         -2.83 GiB'
	assert_line 'RAM 31.08 GiB, swap 4.00 GiB, hugetlb 0 B; kernel 5.14.0-427.13.1.el9_4.x86_64'
	assert_line 'warning: Committed_AS (22.37 GiB) exceeds CommitLimit (19.54 GiB): switching to mode 2 with this limit would make new allocations fail'
}

@test "a stat file without cpuN lines: cpus_unknown says malformed and names it, not 'no stat file'" {
	use_host seed-24g-noswap
	echo garbage >"$PROC/stat"
	run -0 ovc status
	assert_line "warning: no CPU count ($PROC/stat is malformed: no cpuN line): mode 2's per-CPU uncertainty band assumes one CPU and may be too narrow"
	refute_output --partial 'no stat file'
	status_json
	assert_json '.host.cpus == null'
	assert_json --arg t "no CPU count ($PROC/stat is malformed: no cpuN line): mode 2's per-CPU uncertainty band assumes one CPU and may be too narrow" \
		'[.warnings[] | select(.id == "cpus_unknown") | .text] == [$t]'
	# a missing one is still "no stat file"
	rm "$PROC/stat"
	run -0 ovc status
	assert_line "warning: no CPU count (no stat file): mode 2's per-CPU uncertainty band assumes one CPU and may be too narrow"
}

@test "one CPU is '1 CPU', in status and simulate" {
	use_host seed-24g-noswap
	sed -i '/^cpu1 /d' "$PROC/stat"
	run -0 ovc status
	assert_line 'RAM 23.54 GiB, swap 0 B, hugetlb 0 B; kernel 6.1.0-18-amd64, 1 CPU'
	run -0 ovc simulate
	assert_line --index 0 'Host: RAM 23.54 GiB, swap 0 B, hugetlb 0 B, Committed_AS 2.00 GiB; kernel 6.1, 1 CPU'
}

@test "no Hugetlb: line (before 4.16): the default pool only, with a warning" {
	use_host swap-hugetlb
	sed -i '/^Hugetlb:/d' "$PROC/meminfo"
	echo 4.14.0-115.el7a.x86_64 >"$PROC/sys/kernel/osrelease"
	status_json
	# HugePages_Total x Hugepagesize: the 1 GiB pages are invisible here
	assert_json '.host.hugetlb_kb == (1024 * 2048)'
	assert_json '[.warnings[].id] | index("hugetlb_default_size_only") != null'
	run -0 ovc status
	assert_line "warning: meminfo has no Hugetlb: line (kernel before 4.16): only the default huge page size is counted"
}

@test "mode 2 with user_reserve_kbytes 0: warned" {
	use_host swap-hugetlb
	echo 0 >"$PROC/sys/vm/user_reserve_kbytes"
	status_json
	assert_json '[.warnings[].id] == ["hugetlb_excluded", "user_reserve_zero"]'
	assert_json --argjson m "$((($(mi CommitLimit) / 4 - 2048 - $(mi Committed_AS) / 4 - 1) * 4))" \
		'.max_alloc_kb == $m'
}

@test "a printed CommitLimit that disagrees with the formula is flagged" {
	use_host seed-24g-noswap
	sed -i 's/^CommitLimit: .*/CommitLimit:    12342048 kB/' "$PROC/meminfo"
	status_json
	assert_equal "$(warning_ids)" '["commit_limit_mismatch"]'
	assert_json '.commit_limit_kb == 12342044 and .host.meminfo_commit_limit_kb == 12342048'
	run -0 ovc status
	assert_line "warning: meminfo's CommitLimit (11.77 GiB) differs from the kernel formula (11.77 GiB): swapoff in progress, a virtualised /proc/meminfo, or a kernel ovc does not know"
}

@test "overcommit_memory outside 0..2 is read and flagged, not rejected" {
	use_host seed-24g-noswap
	echo 3 >"$PROC/sys/vm/overcommit_memory"
	status_json
	assert_json '.policy.mode == 3 and .policy.mode_name == "unknown"'
	assert_equal "$(warning_ids)" '["mode_unknown"]'
}

@test "a kernel without overcommit_kbytes (before 3.14) is read as kbytes 0" {
	use_host seed-24g-noswap
	rm "$PROC/sys/vm/overcommit_kbytes"
	status_json
	assert_json '.policy.kbytes == 0 and .commit_limit_kb == 12342044'
}

@test "JSON strings are escaped: quotes, backslashes and control bytes in osrelease" {
	use_host seed-24g-noswap
	printf '6.1.0-18-amd64 "q" \\ \001x\n' >"$PROC/sys/kernel/osrelease"
	status_json
	assert_json '.host.osrelease == "6.1.0-18-amd64 \"q\" \\ \u0001x"'
}

# --- missing input ---------------------------------------------------------------------

@test "missing meminfo: exit 6, the full path, errno text and the --proc hint" {
	use_host seed-24g-noswap
	rm "$PROC/meminfo"
	run -6 --separate-stderr ovc status
	assert_output ''
	assert_equal "$stderr" "ovc: cannot open '$PROC/meminfo': No such file or directory
hint: is --proc pointing at a proc tree (a saved /proc or an sosreport's proc/ folder)?"
}

@test "missing meminfo with --json: one error document naming the path and errno" {
	use_host seed-24g-noswap
	rm "$PROC/meminfo"
	run -6 --separate-stderr ovc status --json
	assert_one_json_document
	assert_json --arg p "$PROC/meminfo" '.error | .kind == "input" and .path == $p
		and .errno == "ENOENT" and .line == null and .exit == 6
		and (.message | contains("No such file or directory"))'
	[[ -n $stderr ]]
}

@test "every required file is named when missing; optional ones are not required" {
	local f
	for f in meminfo sys/vm/overcommit_memory sys/vm/overcommit_ratio sys/kernel/osrelease \
		sys/vm/user_reserve_kbytes; do
		use_host seed-24g-noswap
		rm "$PROC/$f"
		run -6 --separate-stderr ovc status
		assert_equal "${stderr_lines[0]}" "ovc: cannot open '$PROC/$f': No such file or directory"
		rm -rf "$HOST"
	done
	for f in stat zoneinfo self 1; do
		use_host seed-24g-noswap
		rm -rf "${PROC:?}/$f"
		run -0 ovc status
		rm -rf "$HOST"
	done
}

@test "--proc at a missing folder, at a file, at the sosreport's top folder: exit 6" {
	run -6 --separate-stderr "$OVC" --proc /nonexistent status
	assert_equal "$stderr" "ovc: cannot open proc directory '/nonexistent': No such file or directory
hint: is --proc pointing at a proc tree (a saved /proc or an sosreport's proc/ folder)?"
	use_host seed-24g-noswap
	run -6 --separate-stderr "$OVC" --proc "$PROC/meminfo" status
	assert_equal "${stderr_lines[0]}" "ovc: cannot open proc directory '$PROC/meminfo': Not a directory"
	use_host sosreport
	run -6 --separate-stderr "$OVC" --proc "$HOST" status
	assert_equal "${stderr_lines[0]}" "ovc: cannot open '$HOST/meminfo': No such file or directory"
	assert_equal "${stderr_lines[1]}" "hint: is --proc pointing at a proc tree (a saved /proc or an sosreport's proc/ folder)?"
	# a trailing slash does not double in messages
	rm "$PROC/meminfo"
	run -6 --separate-stderr "$OVC" --proc "$PROC/" status
	assert_equal "${stderr_lines[0]}" "ovc: cannot open '$PROC/meminfo': No such file or directory"
}

@test "an unreadable file: exit 4, EACCES; even root cannot read it, capabilities are dropped" {
	use_host seed-24g-noswap
	chmod 000 "$PROC/meminfo"
	run -4 --separate-stderr ovc status
	assert_output ''
	assert_equal "${stderr_lines[0]}" "ovc: cannot open '$PROC/meminfo': Permission denied"
	run -4 --separate-stderr ovc status --json
	assert_one_json_document
	assert_json --arg p "$PROC/meminfo" '.error | .kind == "permission" and .errno == "EACCES"
		and .path == $p and .exit == 4'
	chmod 644 "$PROC/meminfo"
	chmod 000 "$PROC/sys/vm/overcommit_ratio"
	run -4 --separate-stderr ovc simulate
	assert_equal "${stderr_lines[0]}" "ovc: cannot open '$PROC/sys/vm/overcommit_ratio': Permission denied"
}

# --- malformed input -------------------------------------------------------------------

@test "malformed meminfo lines: exit 6 with PATH:LINE: problem and a hint" {
	use_host seed-24g-noswap
	cp "$PROC/meminfo" "$BATS_TEST_TMPDIR/meminfo.orig"
	local -a edits=(
		'5s/$/ extra/'
		'17s/.*/garbage without a colon/'
		'1s/24684092/99999999999999999999/'
		'2s/ kB$/ MB/'
		'3s/[0-9][0-9]* kB/-12 kB/'
		'4s/.*/: 12 kB/'
		'6s/.*/Hugetlb:               0 kB/'
		'$a garbage'
	)
	local -a where=(5 17 1 2 3 4 51 55)
	local -a why=(
		'trailing text after the value'
		"not a meminfo line (expected 'Name: value kB')"
		'value does not fit in 64 bits'
		'trailing text after the value'
		'value is not a non-negative integer'
		"not a meminfo line (expected 'Name: value kB')"
		'duplicate field Hugetlb'
		"not a meminfo line (expected 'Name: value kB')"
	)
	local n
	for n in "${!edits[@]}"; do
		cp "$BATS_TEST_TMPDIR/meminfo.orig" "$PROC/meminfo"
		sed -i "${edits[$n]}" "$PROC/meminfo"
		run -6 --separate-stderr ovc status
		assert_output ''
		assert_equal "$stderr" "ovc: $PROC/meminfo:${where[$n]}: ${why[$n]}
hint: the file is not in the format the kernel writes; was it edited or truncated?"
	done
}

@test "a malformed meminfo line with --json: the error object carries path and line" {
	use_host seed-24g-noswap
	sed -i '5s/$/ extra/' "$PROC/meminfo"
	run -6 --separate-stderr ovc status --json
	assert_one_json_document
	assert_json --arg p "$PROC/meminfo" '.error | .kind == "input" and .path == $p and .line == 5
		and .errno == null and .exit == 6
		and .message == ($p + ":5: trailing text after the value")'
}

@test "truncated meminfo: exit 6 naming the first missing field" {
	use_host seed-24g-noswap
	head -n 3 "$FIXTURES/seed-24g-noswap/proc/meminfo" >"$PROC/meminfo"
	run -6 --separate-stderr ovc status
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/meminfo: no SwapTotal field"
}

@test "malformed sysctl values: exit 6 with PATH:1: problem" {
	local -a files=(overcommit_ratio overcommit_ratio overcommit_memory overcommit_kbytes
		overcommit_kbytes admin_reserve_kbytes user_reserve_kbytes overcommit_ratio)
	local -a vals=(abc 2147483648 '0 1' -1 18446744073709551616 12kB 0x10 '50%')
	local -a why=('not an integer' 'value out of range (-2147483648 to 2147483647)'
		'not an integer' 'not a non-negative integer' 'value does not fit in 64 bits'
		'not a non-negative integer' 'not a non-negative integer' 'not an integer')
	local n
	for n in "${!files[@]}"; do
		use_host seed-24g-noswap
		printf '%s\n' "${vals[$n]}" >"$PROC/sys/vm/${files[$n]}"
		run -6 --separate-stderr ovc status
		assert_output ''
		assert_equal "${stderr_lines[0]}" "ovc: $PROC/sys/vm/${files[$n]}:1: ${why[$n]}"
		assert_equal "${stderr_lines[1]}" 'hint: the file is not in the format the kernel writes; was it edited or truncated?'
		rm -rf "$HOST"
	done
}

@test "sysctl values with the blanks the kernel tolerates are read" {
	use_host seed-24g-noswap
	printf ' 2 \n' >"$PROC/sys/vm/overcommit_memory"
	printf '80' >"$PROC/sys/vm/overcommit_ratio"
	status_json
	assert_json '.policy.mode == 2 and .policy.ratio == 80'
}

@test "a malformed osrelease: exit 6" {
	use_host seed-24g-noswap
	echo linux >"$PROC/sys/kernel/osrelease"
	run -6 --separate-stderr ovc status
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/sys/kernel/osrelease:1: not a kernel release (expected MAJOR.MINOR...)"
}

@test "binary garbage, NUL bytes and 0xff in meminfo: exit 6, never a crash" {
	use_host seed-24g-noswap
	head -c 65536 "$OVC" >"$PROC/meminfo"
	run -6 --separate-stderr ovc status
	[[ ${stderr_lines[0]} == "ovc: $PROC/meminfo:"* ]]

	printf 'MemTotal:\0 24684092 kB\n' >"$PROC/meminfo"
	run -6 --separate-stderr ovc status
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/meminfo:1: not a meminfo line (expected 'Name: value kB')"

	cp "$FIXTURES/seed-24g-noswap/proc/meminfo" "$PROC/meminfo"
	printf 'Foo:            12 kB\0\n' >>"$PROC/meminfo"
	run -6 --separate-stderr ovc status
	[[ ${stderr_lines[0]} == "ovc: $PROC/meminfo:55: "* ]]

	head -c 8192 /dev/zero | tr '\0' '\377' >"$PROC/meminfo"
	run -6 --separate-stderr ovc status
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/meminfo:1: not a meminfo line (expected 'Name: value kB')"

	head -c 8192 /dev/zero >"$PROC/meminfo"
	run -6 --separate-stderr ovc status
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/meminfo:1: not a meminfo line (expected 'Name: value kB')"
}

@test "binary garbage and NUL bytes in sysctl files: exit 6, never a crash" {
	local f
	for f in sys/vm/overcommit_memory sys/vm/overcommit_ratio sys/vm/overcommit_kbytes \
		sys/vm/admin_reserve_kbytes sys/vm/user_reserve_kbytes sys/kernel/osrelease; do
		use_host seed-24g-noswap
		printf '0\0\n' >"$PROC/$f"
		run -6 --separate-stderr ovc status
		[[ ${stderr_lines[0]} == "ovc: $PROC/$f:1: "* ]]
		head -c 4096 "$OVC" >"$PROC/$f"
		run -6 --separate-stderr ovc status
		[[ ${stderr_lines[0]} == "ovc: $PROC/$f:1: "* ]]
		rm -rf "$HOST"
	done
}

@test "empty files: exit 6, never a crash" {
	use_host seed-24g-noswap
	: >"$PROC/meminfo"
	run -6 --separate-stderr ovc status
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/meminfo: no MemTotal field"
	local f
	for f in sys/vm/overcommit_memory sys/vm/overcommit_ratio sys/vm/overcommit_kbytes \
		sys/vm/admin_reserve_kbytes sys/vm/user_reserve_kbytes sys/kernel/osrelease; do
		use_host seed-24g-noswap
		: >"$PROC/$f"
		run -6 --separate-stderr ovc status
		assert_equal "${stderr_lines[0]}" "ovc: $PROC/$f:1: empty file"
		printf '\n  \n' >"$PROC/$f"
		run -6 --separate-stderr ovc status
		assert_equal "${stderr_lines[0]}" "ovc: $PROC/$f:1: empty file"
		rm -rf "$HOST"
	done
}

@test "malformed optional files are errors too: zoneinfo" {
	use_host old-4.19
	sed -i '0,/^        high .*/s//        high     lots/' "$PROC/zoneinfo"
	run -6 --separate-stderr ovc status
	[[ ${stderr_lines[0]} == "ovc: $PROC/zoneinfo:"*": 'high' is not a number" ]]
}

@test "a 5 MiB meminfo is refused as larger than any /proc file: exit 6" {
	use_host seed-24g-noswap
	local k
	for k in $(seq 1 3500); do cat "$FIXTURES/seed-24g-noswap/proc/meminfo"; done >"$PROC/meminfo"
	(($(stat -c %s "$PROC/meminfo") > 5 * 1024 * 1024))
	run -6 --separate-stderr ovc status
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/meminfo: file is larger than 4194304 bytes; not a /proc file"
	run -6 --separate-stderr ovc status --json
	assert_json '.error.kind == "input" and (.error.message | contains("larger than"))'
}

@test "meminfo that is a directory: bad input (exit 6), not a system error" {
	use_host seed-24g-noswap
	rm "$PROC/meminfo"
	mkdir "$PROC/meminfo"
	run -6 --separate-stderr ovc status
	[[ ${stderr_lines[0]} == "ovc: "*"$PROC/meminfo"* ]]
}

@test "meminfo that is a FIFO: an error, not a hang" {
	use_host seed-24g-noswap
	rm "$PROC/meminfo"
	mkfifo "$PROC/meminfo"
	run -6 --separate-stderr timeout 10 "$OVC" --proc "$PROC" status
	[[ ${stderr_lines[0]} == "ovc: "*"$PROC/meminfo"* ]]
}

@test "an absolute link in a saved tree resolves inside the tree, never to this host" {
	if ovc_under_valgrind; then skip "valgrind: openat2 fails (ENOSYS), ovc falls back to openat without RESOLVE_IN_ROOT"; fi
	use_host seed-24g-noswap
	ln -sf /dev/zero "$PROC/meminfo"
	run -6 --separate-stderr timeout 60 "$OVC" --proc "$PROC" status
	assert_equal "${stderr_lines[0]}" "ovc: cannot open '$PROC/meminfo': No such file or directory"
	# /proc/meminfo of this host must not be read through the link either
	ln -sf /proc/meminfo "$PROC/meminfo"
	run -6 --separate-stderr "$OVC" --proc "$PROC" status
	assert_equal "${stderr_lines[0]}" "ovc: cannot open '$PROC/meminfo': No such file or directory"
	# a link that stays inside the tree is followed (sosreports keep their links)
	mv "$PROC/sys/vm/overcommit_ratio" "$PROC/ratio.saved"
	ln -s /ratio.saved "$PROC/sys/vm/overcommit_ratio"
	rm "$PROC/meminfo"
	cp "$BATS_TEST_DIRNAME/fixtures/hosts/seed-24g-noswap/proc/meminfo" "$PROC/meminfo"
	run -0 "$OVC" --proc "$PROC" status --json
}

# --- the live /proc, read-only ---------------------------------------------------------

@test "the live /proc: status works read-only, and the formula matches this kernel" {
	local before after
	before=$(cat /proc/sys/vm/overcommit_{memory,ratio,kbytes})
	run -0 --separate-stderr "$OVC" status
	[[ -z $stderr ]]
	refute_line --partial '(read from'
	run -0 --separate-stderr "$OVC" status --json
	assert_one_json_document
	assert_json --argjson m "$(cat /proc/sys/vm/overcommit_memory)" '.policy.mode == $m'
	assert_json --argjson r "$(cat /proc/sys/vm/overcommit_ratio)" '.policy.ratio == $r'
	assert_json --argjson t "$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)" \
		'.host.mem_total_kb == $t'
	assert_json --argjson cl "$(awk '$1 == "CommitLimit:" { print $2 }' /proc/meminfo)" \
		'.commit_limit_kb == $cl'
	assert_json '[.warnings[].id] | index("commit_limit_mismatch") == null'
	assert_json '.host.live == true'
	after=$(cat /proc/sys/vm/overcommit_{memory,ratio,kbytes})
	assert_equal "$after" "$before"
}

@test "--root (an image) without --proc: runtime_from_this_host, as verify warns, in text and JSON" {
	use_host seed-24g-noswap
	local root=$BATS_TEST_TMPDIR/image want
	mkdir -p "$root/etc/sysctl.d"
	echo 'vm.overcommit_memory = 2' >"$root/etc/sysctl.d/50-x.conf"
	want="--root without --proc: the running values compared are this host's, not the image's (give the image's saved proc tree with --proc)"
	# this host's live /proc, read only
	run -0 --separate-stderr "$OVC" status --root "$root"
	assert_line "warning: $want"
	assert_equal "${lines[-1]}" "warning: $want"
	run -0 "$OVC" status --root "$root" --json
	assert_json --arg t "$want" '[.warnings[] | select(.id == "runtime_from_this_host") | .text] == [$t]'
	# verify says the same words
	run -1 "$OVC" verify --root "$root" --json
	assert_json --arg t "$want" '[.warnings[] | select(.id == "runtime_from_this_host") | .text] == [$t]'
	# with the image's --proc tree, or without --root: no such warning
	run -0 ovc status --root "$root" --json
	assert_json '[.warnings[].id] | index("runtime_from_this_host") == null'
	run -0 ovc status --root "$root"
	refute_output --partial 'runtime'
	refute_output --partial 'without --proc'
	run -0 "$OVC" status --json
	assert_json '[.warnings[].id] | index("runtime_from_this_host") == null'
}
