#!/usr/bin/env bats
# 11-simulate.bats - "ovc simulate": CommitLimit and the largest allocation under each
# mode, the uncertainty band of mode 2, and the what-if options. Expected figures are
# computed here from the fixture files with the kernel's formulas (vm_commit_limit() for
# CommitLimit, __vm_enough_memory() for modes 0 and 2, mm_compute_batch() for the batch,
# may_expand_vm() for RLIMIT_AS), not taken from ovc.

load helpers/common

HOSTS=(seed-24g-noswap mode2-tight swap-hugetlb kbytes old-4.19 sosreport negative-ratio)

simulate_json() {
	run -0 --separate-stderr ovc simulate --json "$@"
	assert_one_json_document
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

# mode 2, largest request in kB: (CommitLimit - admin? - user reserve - Committed_AS - 1)
# pages; the arguments are in kB as /proc shows them, the user reserve already chosen
mode2_max_kb() {
	local cl=$1 admin=$2 ures=$3 committed=$4
	local pages=$((cl / 4 - admin / 4 - ures / 4 - committed / 4 - 1))
	((pages > 0)) || pages=0
	echo $((pages * 4))
}

# --- the three modes -------------------------------------------------------------------

@test "three rows, for modes 0, 1 and 2, with their names" {
	use_host seed-24g-noswap
	simulate_json
	assert_json '[.modes[].mode] == [0, 1, 2]'
	assert_json '[.modes[].name] == ["heuristic", "always", "never"]'
	assert_json '.current == .proposed and .current.mode == 0'
}

@test "every fixture: .modes[].commit_limit_kb is meminfo's CommitLimit and the formula" {
	local name cl
	for name in "${HOSTS[@]}"; do
		use_host "$name"
		cl=$(commit_limit_formula)
		assert_equal "$cl" "$(mi CommitLimit)"
		simulate_json
		# compared as printed digits: jq 1.6 rounds numbers above 2^53
		assert_equal "$(modes_raw commit_limit_kb | sort -u)" "$cl"
		assert_equal "$(modes_raw commit_limit_kb | wc -l)" 3
		assert_json '[.warnings[].id] | index("commit_limit_mismatch") == null'
	done
}

@test "mode 0 (>= 5.2): MemTotal + SwapTotal, page-truncated, hugetlb not subtracted" {
	local name want
	for name in seed-24g-noswap mode2-tight swap-hugetlb kbytes sosreport negative-ratio; do
		use_host "$name"
		want=$((($(mi MemTotal) / 4 + $(mi SwapTotal) / 4) * 4))
		simulate_json
		assert_json --argjson m "$want" '.modes[0] | .max_alloc_kb == $m
			and .max_alloc_admin_kb == $m and .sure_alloc_kb == $m and .uncertainty_kb == 0
			and .exact and .binding_limit == "heuristic"'
	done
	use_host swap-hugetlb
	simulate_json
	assert_json '.modes[0].max_alloc_kb == 74225724'
	# a MemTotal that is not a whole number of pages is truncated
	use_host seed-24g-noswap
	simulate_json --mem 1025K --swap 3K
	assert_json '.modes[0].max_alloc_kb == 1024'
}

@test "mode 1: only the address space binds, and only as a bound" {
	use_host seed-24g-noswap
	simulate_json
	# x86-64: 2^47 - 4 KiB; requests up to half of it are sure
	assert_json '.host.address_space_bytes == 140737488351232'
	assert_json '.modes[1] | .binding_limit == "address_space" and .exact == false
		and .max_alloc_kb == 137438953468 and .sure_alloc_kb == 68719476732'
	run -0 ovc simulate
	assert_line --regexp '^1 always +11\.77 GiB +9\.77 GiB +<= 128\.00 TiB +<= 128\.00 TiB +address space$'
}

@test "mode 2 on the seed host: CommitLimit - admin - user reserve - Committed_AS - 1 page" {
	use_host seed-24g-noswap
	local cl c admin user
	cl=$(mi CommitLimit) c=$(mi Committed_AS)
	admin=$(vm admin_reserve_kbytes) user=$(vm user_reserve_kbytes)
	simulate_json
	assert_json --argjson m "$(mode2_max_kb "$cl" "$admin" "$user" "$c")" '.modes[2].max_alloc_kb == $m'
	assert_json --argjson m "$(mode2_max_kb "$cl" 0 "$user" "$c")" '.modes[2].max_alloc_admin_kb == $m'
	# the same figures, by hand: 3085511 - 2048 - 25101 - 523353 - 1 = 2535008 pages
	assert_json '.modes[2].max_alloc_kb == 10140032 and .modes[2].max_alloc_admin_kb == 10148224'
	assert_json '.modes[2].binding_limit == "commit_limit" and .modes[2].binding_limit_admin == "commit_limit"'
	assert_json '.host.vmsize_kb == null'
}

@test "mode 2 on swap-hugetlb and kbytes hosts, the running mode" {
	use_host swap-hugetlb
	simulate_json
	assert_json --argjson m "$(mode2_max_kb "$(mi CommitLimit)" 8192 131072 "$(mi Committed_AS)")" \
		'.modes[2].max_alloc_kb == $m'
	use_host kbytes
	simulate_json
	assert_json --argjson m "$(mode2_max_kb "$(mi CommitLimit)" 8192 131072 "$(mi Committed_AS)")" \
		'.modes[2].max_alloc_kb == $m'
	# in kbytes mode the 512 MiB hugetlb pool changes nothing
	local before=$output
	simulate_json --hugetlb 0
	run -0 jq -n --argjson a "$before" --argjson b "$output" '$a.modes == $b.modes'
	assert_output true
}

@test "mode 2 with --vmsize: the user reserve is min(VmSize/32, user_reserve)" {
	use_host seed-24g-noswap
	local cl c admin
	cl=$(mi CommitLimit) c=$(mi Committed_AS) admin=$(vm admin_reserve_kbytes)
	# 3200K = 800 pages: 800/32 = 25 pages, below the 25101-page user reserve
	simulate_json --vmsize 3200K
	assert_json '.host.vmsize_kb == 3200'
	assert_json --argjson m "$(mode2_max_kb "$cl" "$admin" $((25 * 4)) "$c")" '.modes[2].max_alloc_kb == $m'
	assert_json '.modes[2].max_alloc_kb == 10240336'
	# 50 GiB / 32 is above the user reserve: the reserve caps it (__vm_enough_memory())
	simulate_json --vmsize 50G
	assert_json --argjson m "$(mode2_max_kb "$cl" "$admin" "$(vm user_reserve_kbytes)" "$c")" \
		'.modes[2].max_alloc_kb == $m'
	# VmSize/32 is truncated to pages: 31 pages / 32 = 0
	simulate_json --vmsize 124K
	assert_json --argjson m "$(mode2_max_kb "$cl" "$admin" 0 "$c")" '.modes[2].max_alloc_kb == $m'
}

@test "mode 2 uncertainty: (batch - 1) x CPUs pages, batch = max(32, 2 x CPUs, RAM/CPUs/256)" {
	local name cpus batch band
	for name in seed-24g-noswap swap-hugetlb kbytes mode2-tight old-4.19; do
		use_host "$name"
		cpus=$(ncpus)
		batch=$(batch_pages "$(mi MemTotal)" "$cpus")
		band=$(((batch - 1) * cpus * 4))
		simulate_json
		assert_json --argjson b "$band" '.modes[2].uncertainty_kb == $b and .modes[2].exact == false'
		assert_json '.modes[2] | .sure_alloc_kb == ([.max_alloc_kb - .uncertainty_kb, 0] | max)'
	done
	# by hand: seed 2 CPUs, 6171023/2/256 = 12052 -> 12051 x 2 pages = 96408 kB
	use_host seed-24g-noswap
	simulate_json
	assert_json '.modes[2].uncertainty_kb == 96408'
	# swap-hugetlb 16 CPUs, 16459280/16/256 = 4018 -> 4017 x 16 x 4 kB = 257088 kB
	use_host swap-hugetlb
	simulate_json
	assert_json '.modes[2].uncertainty_kb == 257088'
	# the floor: a small host where RAM/CPUs/256 is below 32
	use_host seed-24g-noswap
	simulate_json --mem 16M
	assert_json '.modes[2].uncertainty_kb == 248'
}

@test "human output: one row per mode, the star on the running mode, the band" {
	use_host seed-24g-noswap
	run -0 --separate-stderr ovc simulate
	[[ -z $stderr ]]
	assert_line --index 0 'Host: RAM 23.54 GiB, swap 0 B, hugetlb 0 B, Committed_AS 2.00 GiB; kernel 6.1, 2 CPUs'
	assert_line --index 1 'Policy: ratio 50%'
	assert_line --regexp '^MODE +COMMITLIMIT +HEADROOM +LARGEST ALLOC +AS ADMIN +LIMITED BY$'
	assert_line --regexp '^0 heuristic \* +11\.77 GiB +9\.77 GiB +23\.54 GiB +23\.54 GiB +RAM \+ swap$'
	assert_line --regexp '^2 never +11\.77 GiB +9\.77 GiB +9\.67 GiB +9\.68 GiB +CommitLimit \(\+/- 94\.15 MiB\)$'
	assert_line '* current mode. CommitLimit is enforced in mode 2 only.'
	assert_line --partial 'Largest allocation charges the full user reserve (98.05 MiB)'
	refute_line --partial 'warning:'
	run -0 ovc simulate --vmsize 2G
	refute_line --partial 'Largest allocation charges the full user reserve'
}

@test "old-4.19: mode 0 is the free-memory estimate, marked as such" {
	use_host old-4.19
	simulate_json
	assert_json '.modes[0] | .binding_limit == "free_estimate" and .exact == false'
	assert_json '[.warnings[].id] == ["legacy_heuristic"]'
	run -0 ovc simulate
	assert_line --regexp '^0 heuristic \* +4\.85 GiB +1\.78 GiB +~ 5\.79 GiB +~ 5\.80 GiB +free memory estimate$'
	# what-if mode 2 on the old kernel: no legacy warning for the simulated policy
	simulate_json --mode 2
	assert_json '[.warnings[].id] | index("legacy_heuristic") == null'
}

# --- what-ifs: the policy --------------------------------------------------------------

@test "--ratio 80: kbytes stays 0, CommitLimit follows the formula" {
	use_host seed-24g-noswap
	simulate_json --ratio 80
	assert_json '.proposed == {"mode": 0, "mode_name": "heuristic", "ratio": 80, "kbytes": 0}'
	assert_json '.current.ratio == 50'
	# 6171023 x 80 / 100 = 4936818 pages
	assert_json '[.modes[].commit_limit_kb] == [19747272, 19747272, 19747272]'
	assert_equal "$(commit_limit_formula 80 0)" 19747272
	assert_json '[.modes[].ratio] == [80, 80, 80] and [.modes[].kbytes] == [0, 0, 0]'
	assert_json '.warnings == []'
	run -0 ovc simulate --ratio 80
	assert_line --index 1 'Policy: ratio 80%  (what-if)'
}

@test "--ratio on a kbytes host zeroes kbytes, and hugetlb is subtracted again" {
	use_host kbytes
	simulate_json --ratio 60
	assert_json '.proposed.ratio == 60 and .proposed.kbytes == 0'
	assert_json '.current.ratio == 0 and .current.kbytes == 12582912'
	local cl
	cl=$(commit_limit_formula 60 0)
	assert_equal "$cl" 13705332
	assert_json --argjson cl "$cl" '[.modes[].commit_limit_kb] == [$cl, $cl, $cl]'
	assert_json '[.warnings[].id] == ["hugetlb_excluded"]'
}

@test "--kbytes 1048576 sets ratio 0; CommitLimit is kbytes + swap" {
	use_host seed-24g-noswap
	simulate_json --kbytes 1048576
	assert_json '.proposed.kbytes == 1048576 and .proposed.ratio == 0'
	assert_json '[.modes[].commit_limit_kb] == [1048576, 1048576, 1048576]'
	# below the 2 GiB already committed
	assert_json '[.warnings[].id] == ["mode2_would_refuse_all"]'
	use_host swap-hugetlb
	simulate_json --kbytes 1048576
	# kbytes mode: no hugetlb subtraction, plus 2097151 swap pages
	assert_json '[.modes[].commit_limit_kb] == [9437180, 9437180, 9437180]'
	assert_equal "$(commit_limit_formula 0 1048576)" 9437180
	assert_json '[.warnings[].id] | index("hugetlb_excluded") == null'
}

@test "--kbytes 64G is 67108864 kB; --kbytes 6 truncates to one page" {
	use_host seed-24g-noswap
	simulate_json --kbytes 64G
	assert_json '.proposed.kbytes == 67108864 and .modes[2].commit_limit_kb == 67108864'
	simulate_json --kbytes 6
	assert_json '.proposed.kbytes == 6 and .modes[0].commit_limit_kb == 4'
	simulate_json --kbytes 18446744073709551615
	assert_equal "$(modes_raw commit_limit_kb | sort -u)" 18446744073709551612
}

@test "--kbytes 0 zeroes the ratio too: CommitLimit is swap only, with a warning" {
	use_host swap-hugetlb
	simulate_json --kbytes 0
	assert_json '.proposed.kbytes == 0 and .proposed.ratio == 0'
	assert_json --argjson s "$(mi SwapTotal)" '[.modes[].commit_limit_kb] == [$s, $s, $s]'
	assert_json '[.warnings[].id] | index("commit_limit_swap_only") != null'
	run -0 ovc simulate --kbytes 0
	assert_line 'warning: vm.overcommit_ratio and vm.overcommit_kbytes are both 0: CommitLimit is swap only (8.00 GiB); writing overcommit_kbytes=0 zeroes the ratio'
	# no swap: mode 2 refuses everything
	use_host seed-24g-noswap
	simulate_json --kbytes 0 --mode 2
	assert_json '.modes[2].commit_limit_kb == 0 and .modes[2].max_alloc_kb == 0'
	assert_json '[.warnings[].id] | index("commit_limit_swap_only") != null and index("mode2_no_headroom") != null'
}

@test "--mode 2 changes .proposed.mode and the star, not the rows" {
	use_host seed-24g-noswap
	simulate_json
	local before=$output
	simulate_json --mode 2
	assert_json '.proposed.mode == 2 and .proposed.mode_name == "never" and .current.mode == 0'
	run -0 jq -n --argjson a "$before" --argjson b "$output" '$a.modes == $b.modes'
	assert_output true
	run -0 ovc simulate --mode 2
	assert_line --regexp '^0 heuristic  '
	assert_line --regexp '^2 never \* '
	assert_line '* proposed mode. CommitLimit is enforced in mode 2 only.'
}

@test "--mode 2 warnings are those of the simulated policy" {
	use_host sosreport
	simulate_json
	assert_json '[.warnings[].id] == ["mode2_would_refuse_all","cpus_unknown"]'
	simulate_json --mode 2
	assert_json '[.warnings[].id] == ["mode2_no_headroom","cpus_unknown"]'
	assert_json '.modes[2].max_alloc_kb == 0'
}

@test "--ratio 150 is simulated, with the over-100 warning" {
	use_host seed-24g-noswap
	simulate_json --ratio 150
	assert_json --argjson cl "$(commit_limit_formula 150 0)" '.modes[2].commit_limit_kb == $cl'
	assert_json '[.warnings[].id] == ["ratio_over_100"]'
}

@test "negative ratios wrap like the kernel's unsigned long (vm_commit_limit())" {
	use_host seed-24g-noswap
	local r cl
	for r in -1 -50 -100 -2147483648; do
		cl=$(commit_limit_formula "$r" 0)
		simulate_json --ratio "$r"
		assert_equal "$(modes_raw commit_limit_kb | sort -u)" "$cl"
		assert_json '[.warnings[].id] | index("ratio_negative") != null'
	done
	# the reference's own example, 6171023 pages and ratio -1
	assert_equal "$(commit_limit_formula -1 0)" 737869762948135220
	simulate_json --ratio -1 --mode 2
	assert_equal "$(modes_raw commit_limit_kb | sort -u)" 737869762948135220
	# mode 2 then limits nothing but the address space
	assert_json '.modes[2].binding_limit == "address_space"'
}

@test "--ratio 2147483647, the kernel's largest, does not overflow on this host" {
	use_host seed-24g-noswap
	local cl
	cl=$(commit_limit_formula 2147483647 0)
	simulate_json --ratio 2147483647
	assert_equal "$(modes_raw commit_limit_kb | sort -u)" "$cl"
}

# --- what-ifs: the host ----------------------------------------------------------------

@test "--mem --swap --hugetlb --committed replace the host's figures" {
	use_host seed-24g-noswap
	simulate_json --mem 32G --swap 4G --hugetlb 2G --committed 10G
	assert_json '.host | .mem_total_kb == 33554432 and .swap_total_kb == 4194304
		and .hugetlb_kb == 2097152 and .committed_as_kb == 10485760 and .whatif == true'
	# the printed CommitLimit stays the one read
	assert_json '.host.meminfo_commit_limit_kb == 12342044'
	# ((8388608 - 524288) x 50 / 100 + 1048576) pages
	local cl
	cl=$(commit_limit_formula 50 0 33554432 4194304 2097152)
	assert_equal "$cl" 19922944
	assert_json --argjson cl "$cl" '[.modes[].commit_limit_kb] == [$cl, $cl, $cl]'
	assert_json --argjson h "$((cl - 10485760))" '[.modes[].headroom_kb] == [$h, $h, $h]'
	assert_json '.modes[0].max_alloc_kb == 37748736'
	assert_json --argjson m "$(mode2_max_kb "$cl" 8192 100405 10485760)" '.modes[2].max_alloc_kb == $m'
	# a host what-if is not compared with the printed CommitLimit
	assert_json '.warnings == []'
}

@test "--hugetlb 1G on the seed host lowers the ratio share by 512 MiB" {
	use_host seed-24g-noswap
	simulate_json --hugetlb 1G
	assert_json --argjson cl "$(commit_limit_formula 50 0 24684092 0 1048576)" '.modes[2].commit_limit_kb == $cl'
	assert_json '.modes[2].commit_limit_kb == 11817756'
	# mode 0 does not subtract hugetlb
	assert_json '.modes[0].max_alloc_kb == 24684092'
}

@test "--committed above CommitLimit: negative headroom, nothing fits in mode 2" {
	use_host seed-24g-noswap
	simulate_json --committed 20G
	assert_json '.modes[2] | .headroom_kb == (12342044 - 20971520) and .max_alloc_kb == 0 and .max_alloc_admin_kb == 0'
	assert_json '[.warnings[].id] == ["mode2_would_refuse_all"]'
}

@test "--swap adds to CommitLimit and to the mode 0 limit" {
	use_host seed-24g-noswap
	simulate_json --swap 8G
	assert_json '.modes[0].max_alloc_kb == (24684092 + 8388608)'
	assert_json --argjson cl "$(commit_limit_formula 50 0 24684092 8388608 0)" '.modes[1].commit_limit_kb == $cl'
}

# --- what-ifs: the process -------------------------------------------------------------

@test "--rlimit-as 1G --vmsize 100M: RLIMIT_AS binds modes 0 and 1 at 1 GiB - 100 MiB" {
	use_host seed-24g-noswap
	simulate_json --rlimit-as 1G --vmsize 100M
	assert_json '.host.rlimit_as_bytes == 1073741824 and .host.vmsize_kb == 102400'
	assert_json --argjson m $((1048576 - 102400)) '.modes[0].max_alloc_kb == $m and .modes[1].max_alloc_kb == $m'
	assert_json '.modes[0].binding_limit == "rlimit_as" and .modes[1].binding_limit == "rlimit_as"'
	assert_json '.modes[0].exact and .modes[1].exact'
	# mode 2's own limit is far above: RLIMIT_AS binds there too
	assert_json '.modes[2].max_alloc_kb == 946176 and .modes[2].binding_limit == "rlimit_as"'
	run -0 ovc simulate --rlimit-as 1G --vmsize 100M
	assert_line --regexp '^1 always +.* 924\.00 MiB +924\.00 MiB +RLIMIT_AS$'
}

@test "--rlimit-as unlimited and a saved tree's unknown limit are null" {
	use_host seed-24g-noswap
	simulate_json --rlimit-as unlimited
	assert_json '.host.rlimit_as_bytes == null'
	simulate_json --rlimit-as infinity
	assert_json '.host.rlimit_as_bytes == null'
	simulate_json
	assert_json '.host.rlimit_as_bytes == null'
}

@test "--rlimit-as smaller than --vmsize: nothing fits" {
	use_host seed-24g-noswap
	simulate_json --rlimit-as 64M --vmsize 100M
	assert_json '[.modes[].max_alloc_kb] == [0, 0, 0]'
}

# --- older kernels' rules (__vm_enough_memory(), mm_compute_batch()) -----------------

@test "kernels 3.10-3.19: reserves above CommitLimit wrap, and mode 2 lets everything through" {
	use_host seed-24g-noswap
	echo 3.16.0-4-amd64 >"$PROC/sys/kernel/osrelease"
	# kbytes 4: a one-page limit, far below the reserves
	simulate_json --mode 2 --kbytes 4
	assert_json '.modes[2] | .commit_limit_kb == 4 and .binding_limit == "address_space"'
	# since 4.0 the same is signed: nothing fits
	echo 4.9.0-4-amd64 >"$PROC/sys/kernel/osrelease"
	simulate_json --mode 2 --kbytes 4
	assert_json '.modes[2] | .max_alloc_kb == 0 and .max_alloc_admin_kb == 0 and .binding_limit == "commit_limit"'
}

@test "kernels before 3.10: no reserve sysctls, a 32nd of the RAM share held back from non-admins" {
	use_host seed-24g-noswap
	echo 2.6.32-754.el6.x86_64 >"$PROC/sys/kernel/osrelease"
	rm "$PROC"/sys/vm/{admin_reserve_kbytes,user_reserve_kbytes,overcommit_kbytes}
	simulate_json --mode 2
	assert_json '.host.admin_reserve_kb == 0 and .host.user_reserve_kb == 0'
	# A = ram x ratio / 100, less A/32 without CAP_SYS_ADMIN, plus swap
	local a=$((6171023 * 50 / 100)) c=$(($(mi Committed_AS) / 4))
	assert_json --argjson m $(((a - a / 32 - c - 1) * 4)) '.modes[2].max_alloc_kb == $m'
	assert_json --argjson m $(((a - c - 1) * 4)) '.modes[2].max_alloc_admin_kb == $m'
	# before 3.11 the batch is the generic max(32, 2 x CPUs): (32 - 1) x 2 pages
	assert_json '.modes[2].uncertainty_kb == 248'
}

@test "--hugetlb larger than --mem is refused: the pool is part of MemTotal" {
	use_host seed-24g-noswap
	run -2 --separate-stderr ovc simulate --mem 16G --hugetlb 20G
	assert_output ''
	[[ ${stderr_lines[0]} == 'ovc: '*hugetlb*'MemTotal'* ]]
	assert_equal "${stderr_lines[1]}" "Try 'ovc simulate --help'."
	run -2 --separate-stderr ovc check 1G --mem 16G --hugetlb 20G
	assert_equal "${stderr_lines[1]}" "Try 'ovc check --help'."
	# equal is possible: every page in the pool, a RAM share of 0
	simulate_json --mem 16G --hugetlb 16G
	assert_json '.modes[2].commit_limit_kb == 0'
}
