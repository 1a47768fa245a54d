#!/usr/bin/env bats
# 20-thp.bats - transparent huge pages in "ovc check" and "ovc status": the sysfs settings
# under --root (fixture roots: 6.1 madvise, 6.8 always with per-size inherit, never),
# NumPy's madvise rule (4 MiB, NUMPY_MADVISE_HUGEPAGE, np.zeros before 2.2, the kernel),
# and the worst case of a sparse write (--touched).

load helpers/common

ROOTS="$TESTS_DIR/fixtures/roots"

setup() {
	use_host seed-24g-noswap
	unset NUMPY_MADVISE_HUGEPAGE
}

thp_json() {
	run -0 --separate-stderr ovc --root "$ROOTS/$1" check --json "${@:2}"
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

@test "madvise: a NumPy array of 4 MiB or more gets huge pages, one byte less does not" {
	thp_json thp-madvise --shape 524288 --dtype f8 --init empty
	assert_json '.thp.enabled == "madvise" and .thp.defrag == "madvise" and .thp.max_ptes_none == 511 and .thp.hpage_kb == 2048'
	assert_json '.thp.numpy_madvise == true and .thp.applies == true and .thp.numpy_madvise_reason == "yes"'
	thp_json thp-madvise --shape 4194303 --dtype u1 --init empty
	assert_json '.thp.numpy_madvise == false and .thp.applies == false and .thp.numpy_madvise_reason == "under_4mib"'
}

@test "madvise: a plain SIZE is not NumPy's, so nothing madvises it" {
	thp_json thp-madvise 1G
	assert_json '.thp.numpy_madvise == false and .thp.applies == false and .thp.numpy_madvise_reason == "not_numpy"'
}

@test "always: every anonymous mapping, NumPy's or not; per-size inherit follows the top level" {
	thp_json thp-always-68 1G
	assert_json '.thp.enabled == "always" and .thp.applies == true'
	# max_ptes_none 64: khugepaged needs 512 - 64 touched pages
	assert_json '.thp.collapse_min_pages == 448'
}

@test "per-size never (6.8+) overrides the top-level always" {
	local root=$BATS_TEST_TMPDIR/root
	cp -a "$ROOTS/thp-always-68" "$root"
	printf 'always inherit madvise [never]\n' >"$root/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled"
	run -0 ovc --root "$root" check --json 1G
	assert_json '.thp.enabled == "never" and .thp.applies == false'
}

@test "never: no huge pages, whatever NumPy asks" {
	thp_json thp-never --shape 1000000 --dtype f8 --init ones
	assert_json '.thp.enabled == "never" and .thp.numpy_madvise == true and .thp.applies == false'
	assert_json '.thp.worst_case_kb == null'
}

@test "NUMPY_MADVISE_HUGEPAGE: 0 turns madvise off, 1 on, a non-integer breaks import numpy" {
	NUMPY_MADVISE_HUGEPAGE=0 thp_json thp-madvise --shape 1000000 --dtype f8 --init empty
	assert_json '.thp.numpy_env == "0" and .thp.numpy_madvise == false and .thp.numpy_madvise_reason == "env_off" and .thp.applies == false'
	NUMPY_MADVISE_HUGEPAGE=1 thp_json thp-madvise --shape 1000000 --dtype f8 --init empty
	assert_json '.thp.numpy_madvise == true'
	NUMPY_MADVISE_HUGEPAGE=yes thp_json thp-madvise --shape 1000000 --dtype f8 --init empty
	assert_json '.thp.numpy_madvise_reason == "env_invalid" and .thp.numpy_madvise == false'
}

@test "np.zeros: madvised from NumPy 2.2 only (--numpy-version); unknown is the worst case" {
	thp_json thp-madvise --shape 1000000 --dtype f8 --numpy-version 1.24
	assert_json '.thp.numpy_madvise == false and .thp.numpy_madvise_reason == "zeros_before_2_2"'
	thp_json thp-madvise --shape 1000000 --dtype f8 --numpy-version 2.2.1
	assert_json '.thp.numpy_madvise == true'
	thp_json thp-madvise --shape 1000000 --dtype f8
	assert_json '.thp.numpy_madvise == true'
	# np.empty was always madvised
	thp_json thp-madvise --shape 1000000 --dtype f8 --init empty --numpy-version 1.24
	assert_json '.thp.numpy_madvise == true'
}

@test "a kernel before 4.6: NumPy leaves madvise off unless the variable asks" {
	use_host old-4.19
	sed -i 's/^4\.19/4.4/' "$PROC/sys/kernel/osrelease"
	thp_json thp-madvise --shape 1000000 --dtype f8 --init empty
	assert_json '.thp.numpy_madvise_reason == "kernel_before_4_6" and .thp.applies == false'
	NUMPY_MADVISE_HUGEPAGE=1 thp_json thp-madvise --shape 1000000 --dtype f8 --init empty
	assert_json '.thp.applies == true'
}

@test "--touched: each touched element may cost a whole 2 MiB region, capped at the array" {
	# 1 GiB of float64 (134217728 elements, 512 regions)
	thp_json thp-madvise --shape 134217728 --dtype f8 --init empty --touched 100
	assert_json '.thp.touched == 100 and .thp.worst_case_kb == 204800 and .thp.without_thp_kb == 400'
	assert_json '.thp.factor == 512 and .thp.elements_for_full_cost == 512'
	thp_json thp-madvise --shape 134217728 --dtype f8 --init empty --touched 100000
	assert_json '.thp.worst_case_kb == 1048576 and .thp.without_thp_kb == 400000'
	# without --touched: the whole array, reached by one element per region
	thp_json thp-madvise --shape 134217728 --dtype f8 --init empty
	assert_json '.thp.worst_case_kb == 1048576 and .thp.touched == null and .thp.without_thp_kb == null'
	# THP off: the pages only
	NUMPY_MADVISE_HUGEPAGE=0 thp_json thp-madvise --shape 134217728 --dtype f8 --init empty --touched 100
	assert_json '.thp.worst_case_kb == 400 and .thp.applies == false'
}

@test "--touched and --numpy-version: bad values are usage errors (exit 2)" {
	run -2 ovc --root "$ROOTS/thp-madvise" check 1G --touched -5
	assert_output --partial "invalid --touched '-5'"
	run -2 ovc --root "$ROOTS/thp-madvise" check --shape 10 --touched 11
	assert_output --partial "--touched 11 is more than the 10 elements of the request"
	run -2 ovc check 1G --numpy-version two
	assert_output --partial "invalid --numpy-version 'two'"
	run -2 ovc check --fork 1 --touched 1
	assert_output --partial "do not go with --fork"
}

@test "human output: the THP block and the sparse-write advice" {
	run -0 ovc --root "$ROOTS/thp-madvise" check --shape 134217728 --dtype f8 --init empty --touched 100
	assert_line 'Transparent huge pages: apply to it (enabled madvise; NumPy madvises arrays of 4 MiB or more (MADV_HUGEPAGE))'
	assert_line '  The first write to each 2.00 MiB region may take all of it, 512 times a 4.00 KiB page: written sparsely, 512 elements, one per region, can cost the whole 1.00 GiB'
	assert_line '  100 elements touched: up to 200.00 MiB with huge pages, 400.00 KiB with 4.00 KiB pages'
	assert_line --partial 'khugepaged later collapses a region with 1 or more touched page (max_ptes_none 511)'
	assert_line '  For sparse writes: NUMPY_MADVISE_HUGEPAGE=0 in the environment before Python starts'
	run -0 ovc --root "$ROOTS/thp-always-68" check 1G
	assert_line --partial 'For sparse writes: transparent_hugepage/enabled madvise instead of always'
}

@test "a saved --proc without --root: this host's /sys is not read (THP unknown)" {
	run -0 ovc check --json --shape 1000000 --dtype f8
	assert_json '.thp.enabled == null and .thp.applies == null'
	run -0 ovc check --shape 1000000 --dtype f8
	refute_output --partial 'Transparent huge pages'
}

@test "a malformed enabled file leaves THP unknown, not an error" {
	local root=$BATS_TEST_TMPDIR/root
	cp -a "$ROOTS/thp-madvise" "$root"
	printf 'always madvise never\n' >"$root/sys/kernel/mm/transparent_hugepage/enabled"
	run -0 ovc --root "$root" check --json 1G
	assert_json '.thp.enabled == null and .thp.applies == null and .thp.defrag == "madvise"'
}

@test "status: the THP settings, in words and JSON" {
	run -0 ovc --root "$ROOTS/thp-madvise" status
	assert_line 'Transparent huge pages: enabled madvise, defrag madvise, khugepaged max_ptes_none 511, 2.00 MiB pages'
	assert_line --partial 'a sparse writer may use up to 512 times what it touches'
	run -0 ovc --root "$ROOTS/thp-madvise" status --json
	assert_json '.thp == {"enabled": "madvise", "defrag": "madvise", "max_ptes_none": 511, "hpage_kb": 2048}'
}

@test "status on this host: THP as /sys shows it" {
	local f=/sys/kernel/mm/transparent_hugepage/enabled
	[[ -r $f ]] || skip "no THP on this host"
	local want pmd d=/sys/kernel/mm/transparent_hugepage
	want=$(sed 's/.*\[\(.*\)\].*/\1/' "$f")
	# 6.8+: the PMD size's own control wins unless it inherits
	if [[ -r $d/hugepages-$(($(cat $d/hpage_pmd_size) / 1024))kB/enabled ]]; then
		pmd=$(sed 's/.*\[\(.*\)\].*/\1/' "$d/hugepages-$(($(cat $d/hpage_pmd_size) / 1024))kB/enabled")
		[[ $pmd == inherit ]] || want=$pmd
	fi
	run -0 "$OVC" status --json
	assert_json --arg w "$want" --argjson m "$(cat $d/khugepaged/max_ptes_none)" \
		'.thp.enabled == $w and .thp.max_ptes_none == $m'
}
