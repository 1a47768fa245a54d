# shellcheck shell=bash
# tests/helpers/common.bash - shared setup for ovc's command-level tests (bats >= 1.5).
#
# Load it first in every tests/NN-*.bats file:   load helpers/common
#
# What it gives a test:
#   $OVC              the binary under test (the Makefile exports OVC=$(CURDIR)/build/ovc;
#                     default: <repo>/build/ovc)
#   use_host NAME     copy tests/fixtures/hosts/NAME into $BATS_TEST_TMPDIR and point
#                     $HOST (the copy) and $PROC (its proc/ folder) at it. Fixtures are
#                     never used, let alone edited, in place.
#   ovc ARGS...       run $OVC with --proc $PROC: every test reads a fixture copy, never
#                     the live /proc (the live-/proc tests call "$OVC" directly, read-only)
#   mi FIELD          a field of $PROC/meminfo, in kB (or pages for HugePages_*)
#   vm KNOB           the value of $PROC/sys/vm/KNOB
#   ncpus             cpuN lines in $PROC/stat
#   commit_limit_formula [RATIO KBYTES MEM_KB SWAP_KB HUGE_KB]
#                     the kernel's vm_commit_limit() (mm/util.c) printed in kB, computed
#                     with bc in 2^64 arithmetic, independently of ovc
#   batch_pages MODE2_RAM_KB CPUS   mm_compute_batch() (mm/mm_init.c) for mode 2
#   json_raw KEY      every raw numeric value of "KEY" in $output, one a line (jq 1.6
#                     reads numbers as doubles and loses digits above 2^53)
#   modes_raw KEY     the same, only within the "modes" array
#   assert_json FILTER  jq -e FILTER on $output (use --arg/--argjson before FILTER)
#   malloc_pages BYTES  pages glibc's malloc(BYTES) asks mmap for (sysmalloc_mmap), 4 KiB pages
#
# Everything here is read-only towards the host: no test writes to /proc/sys.

bats_require_minimum_version 1.5.0

_common_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TESTS_DIR="$(dirname "$_common_dir")"
REPO_DIR="$(dirname "$TESTS_DIR")"
FIXTURES="$TESTS_DIR/fixtures/hosts"

BATS_LIB_DIR=${BATS_LIB_DIR:-/usr/lib/bats}
load "$BATS_LIB_DIR/bats-support/load"
load "$BATS_LIB_DIR/bats-assert/load"

: "${OVC:=$REPO_DIR/build/ovc}"
export OVC
# Human output is asserted without colour, in a fixed locale and width.
export NO_COLOR=1 LC_ALL=C COLUMNS=100

if [[ ! -x $OVC ]]; then
	echo "ovc binary '$OVC' not found or not executable: run make first" >&2
	return 1
fi

# no_tool MSG: skip, or fail under OVC_REQUIRE_TOOLS=1 (make check: make deps provides
# every tool, so a missing one is a broken setup, not a reason to test less)
no_tool() {
	if [[ ${OVC_REQUIRE_TOOLS:-} == 1 ]]; then
		fail "OVC_REQUIRE_TOOLS=1: $1"
	fi
	skip "$1"
}

# skip_under_valgrind WHY: the valgrind tier leaves out tests whose ovc runs are the same
# as other tests' (it checks ovc's memory, not the tools around it)
skip_under_valgrind() {
	if ovc_under_valgrind; then
		skip "valgrind: $1"
	fi
}

# memory_tier: ovc runs under valgrind or is an ASan build. skip_in_memory_tiers WHY: those
# tiers leave out tests that run the same paths as other tests with other figures (they
# check memory, not figures: the plain tier runs them all)
memory_tier() {
	ovc_under_valgrind || is_sanitized
}
skip_in_memory_tiers() {
	if memory_tier; then
		skip "memory tiers: $1"
	fi
}

# the policy lock under a root (src/sys/lock.h)
LOCK_REL=run/ovc/lock

# host_snapshot / assert_host_unchanged: this machine's vm.overcommit_* and ovc's drop-in
# in /etc (setup_file records them; every teardown checks them: no test may change them)
host_dropin_state() { ls -l /etc/sysctl.d/99-zz-ovc.conf 2>&1 || true; }
host_snapshot() {
	HOST_VM_BEFORE=$(live_vm)
	HOST_DROPIN_BEFORE=$(host_dropin_state)
	export HOST_VM_BEFORE HOST_DROPIN_BEFORE
}
assert_host_unchanged() {
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
	assert_equal "$(host_dropin_state)" "$HOST_DROPIN_BEFORE"
}

# kill_bg_pids: SIGKILL every background process a test recorded in BG_PIDS (only those)
kill_bg_pids() {
	local p

	for p in "${BG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null || true
	done
}

# hold_lock [SECONDS]: hold the policy lock $LOCK from one background process (a subshell
# exec'ed into sleep, so that kill -9 of $HOLDER releases it; its pid also in BG_PIDS)
# and return once it is held
hold_lock() {
	local i

	mkdir -p "${LOCK%/*}"
	(
		exec 9>>"$LOCK"
		flock 9
		exec sleep "${1:-120}"
	) </dev/null >/dev/null 2>&1 3>&- &
	HOLDER=$!
	BG_PIDS+=("$HOLDER")
	for ((i = 0; i < 250; i++)); do
		flock -n "$LOCK" true || return 0
		sleep 0.02
	done
	fail "the test could not take the lock"
}

# true when $OVC is tests/valgrind/ovc (the real ovc under memcheck)
ovc_under_valgrind() {
	[[ $(head -c 2 -- "$OVC" 2>/dev/null) == '#!' ]] &&
		grep -qx '# ovc-valgrind-wrapper' -- "$OVC"
}

# is $OVC an ASan build (its shadow mappings count in VmSize and VmData)?
is_sanitized() {
	grep -q -a -m1 -e __asan_init -e AddressSanitizer "$OVC"
}

use_host() {
	local name=$1

	[[ -d $FIXTURES/$name/proc ]] || {
		echo "no fixture host '$name' in $FIXTURES" >&2
		return 1
	}
	HOST="$BATS_TEST_TMPDIR/hosts/$name"
	mkdir -p "$BATS_TEST_TMPDIR/hosts"
	rm -rf "$HOST"
	cp -a "$FIXTURES/$name" "$HOST"
	PROC="$HOST/proc"
}

ovc() {
	: "${PROC:?call use_host before ovc}"
	"$OVC" --proc "$PROC" "$@"
}

mi() {
	awk -v f="$1:" '$1 == f { print $2; found = 1 } END { exit !found }' "$PROC/meminfo"
}

vm() {
	tr -d ' \n' <"$PROC/sys/vm/$1"
}

ncpus() {
	grep -c '^cpu[0-9]' "$PROC/stat"
}

# vm_commit_limit() << 2 as /proc/meminfo prints it, for 4 KiB pages, in unsigned 64-bit
# arithmetic, as vm_commit_limit() (mm/util.c). Defaults come from the fixture copy.
commit_limit_formula() {
	local ratio=${1:-$(vm overcommit_ratio)} kbytes=${2:-$(vm overcommit_kbytes)}
	local mem=${3:-$(mi MemTotal)} swap=${4:-$(mi SwapTotal)} huge=${5:-$(mi Hugetlb)}

	bc <<-EOF
		m = 2^64
		scale = 0
		ram = $mem / 4; swap = $swap / 4; huge = $huge / 4
		r = ($ratio + m) % m
		if ($kbytes != 0) l = $kbytes / 4
		if ($kbytes == 0) l = (((ram - huge) * r) % m) / 100
		l = (l + swap) % m
		(l * 4) % m
	EOF
}

# mm_compute_batch() for OVERCOMMIT_NEVER: max(32, 2 x cpus, ram_pages / cpus / 256)
batch_pages() {
	local ram=$(($1 / 4)) cpus=$2 b=32

	((2 * cpus > b)) && b=$((2 * cpus))
	((ram / cpus / 256 > b)) && b=$((ram / cpus / 256))
	echo "$b"
}

malloc_pages() {
	local n=$1

	echo $(((((n + 8 + 15) / 16 * 16) + 8 + 4095) / 4096))
}

json_raw() {
	grep -oE "\"$1\": -?[0-9]+" <<<"$output" | sed 's/.*: //'
}

# the same, only inside the top-level "modes" array of ovc's (indented) JSON
modes_raw() {
	sed -n '/^  "modes": \[/,/^  \]/p' <<<"$output" | grep -oE "\"$1\": -?[0-9]+" | sed 's/.*: //'
}

assert_json() {
	local out

	if ! out=$(jq -e "$@" <<<"$output" 2>&1); then
		batslib_print_kv_single_or_multi 8 \
			'jq filter' "$*" \
			'jq said' "$out" \
			'json' "$output" |
			batslib_decorate 'JSON assertion failed' |
			fail
	fi
}

# stdout holds exactly one JSON document
assert_one_json_document() {
	local n

	n=$(jq -s 'length' <<<"$output") || fail "stdout is not JSON: $output"
	[[ $n == 1 ]] || fail "stdout holds $n JSON documents, expected 1: $output"
}

# --- writers: ovc set (and later persist/profile) never touch this machine --------------
#
#   writer_args_safe ARGS...  true only if ARGS name both --proc DIR and --root DIR, each
#                     resolving inside $BATS_TEST_TMPDIR, --proc not a procfs mount, and
#                     no abbreviation of either option (getopt_long would accept one)
#   ovc_set ARGS...   "$OVC" set ARGS, after writer_args_safe; refuses (status 99) otherwise
#   ovc_set_via CMD... -- ARGS...
#                     the same under a wrapper: CMD... "$OVC" set ARGS (setpriv, unshare,
#                     prlimit, a recorder)
#   live_vm           this machine's overcommit_{memory,ratio,kbytes}, one a line
#   tree_state DIR    every file under DIR: path, mode, mtime and ctime in ns, md5 of the
#                     bytes; equal output = nothing written, not even the same bytes again

_inside_test_tmpdir() {
	local p t

	[[ -n ${BATS_TEST_TMPDIR:-} && -n ${1:-} ]] || return 1
	p=$(realpath -m -- "$1") && t=$(realpath -m -- "$BATS_TEST_TMPDIR") || return 1
	[[ $p == "$t"/* ]]
}

writer_args_safe() {
	local a prev='' proc='' root='' offline_ok=0

	if [[ ${1:-} == --offline-ok ]]; then
		offline_ok=1
		shift
	fi

	for a in "$@"; do
		case $prev in
		--proc) proc=$a ;;
		--root) root=$a ;;
		esac
		case $a in
		--proc=*) proc=${a#--proc=} ;;
		--root=*) root=${a#--root=} ;;
		--proc | --root | --persist) ;;
		--p* | --ro*)
			echo "SAFETY: '$a' may be an abbreviation of --proc or --root: refused" >&2
			return 1
			;;
		esac
		prev=$a
	done
	if ((offline_ok)) && [[ -z $proc ]] && _inside_test_tmpdir "$root"; then
		return 0   # --root alone: an offline image, no running kernel is touched
	fi
	if ! _inside_test_tmpdir "$proc" || ! _inside_test_tmpdir "$root"; then
		echo "SAFETY: ovc set needs --proc and --root inside \$BATS_TEST_TMPDIR" \
			"(got --proc '$proc' --root '$root'): refused" >&2
		return 1
	fi
	if [[ $(stat -f -c %T -- "$proc" 2>/dev/null) == proc ]]; then
		echo "SAFETY: --proc '$proc' is a procfs mount: refused" >&2
		return 1
	fi
	if ! _inside_test_tmpdir "$proc/sys/vm"; then
		echo "SAFETY: '$proc/sys/vm' resolves outside \$BATS_TEST_TMPDIR: refused" >&2
		return 1
	fi
}

ovc_set() {
	writer_args_safe "$@" || return 99
	"$OVC" set "$@"
}

# ovc_w CMD ARGS: a writer (set, persist, reset) with --root inside the test dir and
# --proc inside it too, or absent (an offline image: nothing reaches a kernel).
ovc_w() {
	local cmd=$1

	shift
	case $cmd in
	set | persist | reset) ;;
	*)
		echo "ovc_w: '$cmd' is not a writer command" >&2
		return 99
		;;
	esac
	writer_args_safe --offline-ok "$@" || return 99
	"$OVC" "$cmd" "$@"
}

ovc_set_via() {
	local -a pre=()

	while (($#)) && [[ $1 != -- ]]; do
		pre+=("$1")
		shift
	done
	(($#)) || {
		echo "ovc_set_via: no -- before ovc's arguments" >&2
		return 99
	}
	shift
	writer_args_safe "$@" || return 99
	"${pre[@]}" "$OVC" set "$@"
}

live_vm() {
	cat /proc/sys/vm/overcommit_memory /proc/sys/vm/overcommit_ratio \
		/proc/sys/vm/overcommit_kbytes
}

tree_state() {
	local f

	(cd "$1" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do
		printf '%s %s %s\n' "$f" "$(stat -c '%a %.9Y %.9Z' -- "$f")" "$(md5sum <"$f")"
	done)
}
