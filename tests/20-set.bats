#!/usr/bin/env bats
# 20-set.bats - "ovc set": validation before any I/O, the lock, the plan (after state with
# the kernel's zeroing of the other knob), the write order, the guard, idempotence, dry
# runs, failures with rollback, and the JSON document. Expected figures come from the
# fixture files and the kernel's formulas (mm/util.c overcommit_*_handler for the knobs,
# vm_commit_limit() for CommitLimit, __vm_enough_memory() for mode 2, mm_compute_batch()
# for the per-CPU band, fs/proc/proc_sysctl.c for write errors), not from ovc.
#
# SAFETY: every "ovc set" here goes through ovc_set / ovc_set_via (helpers/common.bash),
# which refuse to run without --proc and --root inside $BATS_TEST_TMPDIR. The one
# exception ("--root without --proc") runs as nobody with a no-op value. After every
# test, and at the end, this machine's vm.overcommit_* must read as before.

load helpers/common

setup_file() {
	HOST_VM_BEFORE=$(live_vm)
	export HOST_VM_BEFORE
}

setup() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT"
	LOCK=$ROOT/$LOCK_REL
	BG_PIDS=()
	declare -gA BG=()
}

teardown() {
	kill_bg_pids
	# tripwire: nothing here may change this machine's policy
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
}

teardown_file() {
	if [[ $(live_vm) != "$HOST_VM_BEFORE" ]]; then
		echo "this machine's vm.overcommit_* changed during 20-set.bats" >&2
		return 1
	fi
}

# --- helpers ---------------------------------------------------------------------------

# ovc set on the fixture copy, with the lock under $ROOT
oset() {
	ovc_set --proc "$PROC" --root "$ROOT" "$@"
}

# the same as a command line for bash -c (redirections, pipes): "$@" runs it; PROC,
# ROOT and OVC are exported by seed_in_mode
oset_cmd() {
	writer_args_safe --proc "$PROC" --root "$ROOT" || return 99
	"$OVC" set --proc "$PROC" --root "$ROOT" "$@"
}
export -f oset_cmd writer_args_safe _inside_test_tmpdir

# a successful set --json: exit 0, one document, nothing on stderr
set_json() {
	run -0 --separate-stderr oset --json "$@"
	assert_one_json_document
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

# the seed host (kernel 6.1, 2 CPUs, 24 GiB, no swap, ratio 50) in mode $1
seed_in_mode() {
	use_host seed-24g-noswap
	export PROC ROOT OVC
	printf '%s\n' "$1" >"$PROC/sys/vm/overcommit_memory"
}

# the file holds exactly "VALUE\n": one whole value, nothing left of a longer old one
assert_knob() {
	local f=$PROC/sys/vm/overcommit_$1

	printf '%s\n' "$2" | cmp -s - "$f" ||
		fail "$f holds '$(od -An -c "$f" | tr -s ' ')', expected '$2\\n'"
}

# the fixture copy reads byte for byte as the fixture $1 (contents; modes may differ)
assert_tree_is_fixture() {
	local out

	out=$(diff -r "$FIXTURES/$1" "$HOST" 2>&1) || fail "the tree differs from fixture $1: $out"
}

assert_no_lock_taken() {
	[[ ! -e $ROOT/run ]] || fail "something was created under --root: $(find "$ROOT")"
}

# the guard's room (ovc(8) "Guard"): CommitLimit - admin reserve - full user reserve -
# Committed_AS - 1 page - per-CPU band, in pages, signed (negative: already past), in kB; the band is
# (batch - 1) x cpus with mode 2's batch (mm_compute_batch()). $1 = CommitLimit in kB.
guard_room_kb() {
	local cpus band pages

	cpus=$(ncpus)
	band=$((($(batch_pages "$(mi MemTotal)" "$cpus") - 1) * cpus))
	pages=$(($1 / 4 - $(vm admin_reserve_kbytes) / 4 - $(vm user_reserve_kbytes) / 4 \
		- $(mi Committed_AS) / 4 - 1 - band))
	echo $((pages * 4))
}

# the margin: 256 MiB or 5 % of the new CommitLimit, whichever is larger
guard_margin_kb() {
	local m=$(($1 / 100 * 5))

	((m > 262144)) || m=262144
	echo "$m"
}

# $REC EVENTS DIR CMD...: python3 + inotify; runs CMD, then writes to EVENTS the names of
# the files in DIR closed after writing, in the order the kernel queued the events (exact,
# unlike mtimes, which are per-tick and tie for writes within a few milliseconds)
write_order_recorder() {
	command -v python3 >/dev/null || skip "python3 is needed to record the order of writes"
	REC=$BATS_TEST_TMPDIR/record-writes.py
	cat >"$REC" <<-'EOF'
		import ctypes, os, struct, subprocess, sys
		libc = ctypes.CDLL(None, use_errno=True)
		# a saved tree's value is written to a temporary and renamed over the file
		# (crash-safe): one IN_MOVED_TO per value written
		IN_MOVED_TO, IN_NONBLOCK = 0x80, 0o4000
		events, watched, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
		fd = libc.inotify_init1(IN_NONBLOCK)
		if fd < 0 or libc.inotify_add_watch(fd, watched.encode(), IN_MOVED_TO) < 0:
		    sys.exit("inotify: " + os.strerror(ctypes.get_errno()))
		rc = subprocess.call(cmd)
		buf = b""
		while True:
		    try:
		        chunk = os.read(fd, 65536)
		    except BlockingIOError:
		        break
		    if not chunk:
		        break
		    buf += chunk
		names, i = [], 0
		while i < len(buf):
		    _, mask, _, n = struct.unpack_from("iIII", buf, i)
		    names.append(buf[i + 16:i + 16 + n].rstrip(b"\0").decode())
		    i += 16 + n
		with open(events, "w") as f:
		    f.write(" ".join(names) + "\n")
		sys.exit(rc)
	EOF
}

# nanosecond mtime of a knob file
mtime() {
	stat -c %.9Y "$PROC/sys/vm/overcommit_$1"
}

# a <= b for two "seconds.nanoseconds" stamps
ts_le() {
	[[ $1 == "$2" ]] || [[ $(printf '%s\n%s\n' "$1" "$2" | sort -n | head -1) == "$1" ]]
}

# ovc set in the background: stdout, stderr and status into $BATS_TEST_TMPDIR/bg-NAME.*,
# its pid in ${BG[NAME]}
bg_set() {
	local name=$1 d=$BATS_TEST_TMPDIR/bg-$1

	shift
	(
		oset "$@" >"$d.out" 2>"$d.err"
		echo $? >"$d.rc"
	) </dev/null 3>&- &
	BG_PIDS+=("$!")
	BG[$name]=$!
}

# let others traverse bats' private run directory (0700), for the tests run as nobody
open_tmpdir_to_nobody() {
	chmod o+x "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" "$BATS_TEST_TMPDIR"
}

AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

need_mount_ns() {
	unshare -m --propagation private true 2>/dev/null ||
		skip "no mount namespace here (unshare -m needs CAP_SYS_ADMIN): cannot make a read-only bind mount"
}

# A rollback that itself fails (exit 9) is provoked by fault injection in
# tests/faults/30-double.bats: a journal written before the first change needs more than
# the few bytes an RLIMIT_FSIZE trick would allow.

# --- validation, before any I/O --------------------------------------------------------

@test "set --help: synopsis and options, exit 0, nothing written" {
	use_host seed-24g-noswap
	local st
	st=$(tree_state "$HOST")
	run -0 --separate-stderr oset --help
	[[ -z $stderr ]]
	assert_line --index 0 'Usage: ovc set [--mode 0|1|2] [--ratio PCT | --kbytes N|SIZE] [options]'
	assert_line --regexp '^ +--mode N +vm\.overcommit_memory: 0 heuristic, 1 always, 2 never$'
	assert_line --regexp '^ +--ratio PCT +vm\.overcommit_ratio \(the kernel zeroes kbytes\)$'
	assert_line --regexp '^ +--kbytes N\|SIZE +vm\.overcommit_kbytes; plain numbers are kB \(zeroes ratio\)$'
	assert_line --regexp '^ +--dry-run, --check +write nothing; report what would change$'
	assert_line --regexp '^ +--force +override the guard \(and allow a zero limit\)$'
	assert_line --regexp '^ +--persist +also write ovc.s drop-in /etc/sysctl\.d/99-zz-ovc\.conf, all or$'
	assert_line --regexp '^ +--root DIR +prefix of /etc, /run, /usr \(drop-in, lock, boot files\);$'
	assert_line --regexp '^ +--proc DIR '
	assert_equal "$(tree_state "$HOST")" "$st"
	assert_no_lock_taken
	run -0 "$OVC" --help
	assert_line --regexp '^  set +change vm\.overcommit_\* now: simulated first, guarded, ordered, rolled back$'
}

@test "usage errors: exit 2, the reason, the Try line; no lock, nothing read or written" {
	use_host seed-24g-noswap
	local st
	st=$(tree_state "$HOST")
	local -a cases=(
		"|nothing to set: give --mode, --ratio or --kbytes"
		"--ratio 60 --kbytes 1G|--ratio and --kbytes exclude each other: the kernel keeps only one (writing either zeroes the other)"
		"--ratio 60 --kbytes 1G --force|--ratio and --kbytes exclude each other: the kernel keeps only one (writing either zeroes the other)"
		"--mode 3|invalid --mode '3': expected 0, 1 or 2"
		"--mode -1|invalid --mode '-1': expected 0, 1 or 2"
		"--ratio -1|a negative --ratio is accepted by the kernel but wraps CommitLimit to an astronomic value; refused"
		"--ratio -1 --force|a negative --ratio is accepted by the kernel but wraps CommitLimit to an astronomic value; refused"
		"--mode 2 --ratio 0|--ratio 0 makes CommitLimit swap only (writing either knob zeroes the other); --force if that is really meant"
		"--kbytes 0|--kbytes 0 makes CommitLimit swap only (writing either knob zeroes the other); --force if that is really meant"
		"--kbytes 0K|--kbytes 0 makes CommitLimit swap only (writing either knob zeroes the other); --force if that is really meant"
		"--mode 0 extra|unexpected argument 'extra'"
	)
	local c args msg
	for c in "${cases[@]}"; do
		args=${c%%|*} msg=${c#*|}
		# shellcheck disable=SC2086
		run -2 --separate-stderr oset $args
		[[ -z $output ]] || fail "stdout for '$args': $output"
		assert_equal "$stderr" "ovc: $msg"$'\n'"Try 'ovc set --help'."
	done
	# the kernel's int range for the ratio (proc_dointvec: 2147483648 -> EINVAL)
	run -2 --separate-stderr oset --ratio 2147483648
	assert_equal "${stderr%%$'\n'*}" "ovc: invalid --ratio '2147483648': out of range (the kernel takes -2147483648 to 2147483647)"
	run -2 --separate-stderr oset --kbytes -1
	assert_equal "$stderr" "ovc: invalid --kbytes '-1': negative sizes are not allowed"$'\n'"Try 'ovc set --help'."
	run -2 --separate-stderr oset --frobnicate
	assert_equal "$stderr" "ovc: unrecognized option '--frobnicate'"$'\n'"Try 'ovc set --help'."
	assert_equal "$(tree_state "$HOST")" "$st"
	assert_no_lock_taken
}

@test "usage errors with --json: exactly one error document, kind usage, exit 2" {
	use_host seed-24g-noswap
	local c
	for c in "" "--ratio 60 --kbytes 1G" "--mode 7" "--ratio -5 --force" "--kbytes 0" "--frobnicate" "--mode 0 extra"; do
		# shellcheck disable=SC2086
		run -2 --separate-stderr oset --json $c
		assert_one_json_document
		assert_json '.error.kind == "usage" and .error.exit == 2 and .error.path == null'
		assert_json '(.error.message | type) == "string" and (.error.message | length) > 0'
		[[ $stderr == *"Try 'ovc set --help'."* ]] || fail "no Try line for '$c': $stderr"
	done
	# --json after the mistake still gets its document
	run -2 --separate-stderr oset --ratio 60 --kbytes 1G --json
	assert_one_json_document
	assert_json '.error.message == "--ratio and --kbytes exclude each other: the kernel keeps only one (writing either zeroes the other)"'
	assert_no_lock_taken
}

@test "--root without --proc: exit 2 before any I/O (run as nobody, with a no-op value)" {
	# The one set without --proc: validation must stop it. Safety even if it did not:
	# nobody cannot write /proc/sys, and the mode asked is the one this machine has.
	local mode
	mode=$(cat /proc/sys/vm/overcommit_memory)
	run -2 --separate-stderr "${AS_NOBODY[@]}" "$OVC" set --root "$ROOT" --mode "$mode"
	[[ -z $output ]]
	assert_equal "$stderr" "ovc: --root without --proc is an offline image, which has no running kernel to set (--persist writes its boot configuration)"$'\n'"Try 'ovc set --help'."
	run -2 --separate-stderr "${AS_NOBODY[@]}" "$OVC" set --root "$ROOT" --mode "$mode" --json
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'
	assert_json '.error.message == "--root without --proc is an offline image, which has no running kernel to set (--persist writes its boot configuration)"'
	assert_no_lock_taken
}

@test "a --root that does not exist: exit 2, nothing written" {
	use_host seed-24g-noswap
	run -2 --separate-stderr ovc_set --proc "$PROC" --root "$BATS_TEST_TMPDIR/no-such-root" --ratio 60
	assert_equal "${stderr%%$'\n'*}" "ovc: cannot open the root directory '$BATS_TEST_TMPDIR/no-such-root': No such file or directory"
	assert_tree_is_fixture seed-24g-noswap
}

@test "the safety wrapper refuses a set without --proc and --root inside the test dir" {
	use_host seed-24g-noswap
	# should the wrapper ever let one through: a dry run of this machine's own mode
	local -a noop=(--dry-run --mode "$(cat /proc/sys/vm/overcommit_memory)")
	run -99 ovc_set --root "$ROOT" "${noop[@]}"
	run -99 ovc_set --proc "$PROC" "${noop[@]}"
	run -99 ovc_set --proc /proc --root "$ROOT" "${noop[@]}"
	run -99 ovc_set --proc=/proc --root="$ROOT" "${noop[@]}"
	run -99 ovc_set --proc "$PROC" --root / "${noop[@]}"
	run -99 ovc_set --proc "$PROC" --root "$ROOT" --pro /proc "${noop[@]}"
	run -99 ovc_set --proc "$BATS_TEST_TMPDIR/../../x" --root "$ROOT" "${noop[@]}"
	run -99 ovc_set_via env -- --root "$ROOT" "${noop[@]}"
	assert_tree_is_fixture seed-24g-noswap
	assert_no_lock_taken
}

@test "the JSON document: every documented key, on success, refusal and failure alike" {
	local keys='["after","audit","before","changed","dry_run","forced","guard","offline","persist","policy","profile","recovered","refusal","refused","rollback","waited_for_lock","warnings","would_change","writes"]'
	local state='["commit_limit_kb","headroom_kb","kbytes","max_alloc_admin_kb","max_alloc_kb","mode","mode_name","ratio"]'
	local check
	check='keys == $k and (.before | keys) == $s and (.after | keys) == $s
		and (.guard | keys) == ["applies","margin_kb","ok","room_after_kb","room_before_kb"]
		and (.writes | all(keys == ["key","path","result","value"]))
		and (.rollback | all(keys == ["key","result","value"]))
		and ([.changed, .would_change, .dry_run, .refused, .forced, .waited_for_lock] | all(type == "boolean"))
		and (.writes | all(.value | type == "string"))'
	use_host seed-24g-noswap
	set_json --mode 2 --ratio 60
	assert_json --argjson k "$keys" --argjson s "$state" "$check"
	use_host seed-24g-noswap
	assert_json '.refusal == null'
	run -3 --separate-stderr oset --json --mode 2 --ratio 10
	assert_one_json_document
	assert_json --argjson k "$keys" --argjson s "$state" "$check"
	# the refusal's words in the document too, as on stderr (for Ansible and scripts)
	assert_json --arg m "${stderr_lines[0]#ovc: }" '.refusal == {"kind": "guard", "message": $m, "path": null}'
	[[ ${stderr_lines[0]} == "ovc: refusing: after this change"* ]]
	chmod 0444 "$PROC/sys/vm/overcommit_memory"
	run -4 --separate-stderr oset --json --mode 2 --ratio 60
	assert_one_json_document
	assert_json --argjson k "$keys" --argjson s "$state" "$check"
	assert_json '.rollback | length == 1'
}

@test "a saved tree is never audited: no record for any --audit; a bad --audit is usage" {
	local a
	for a in auto on off; do
		use_host seed-24g-noswap
		set_json --audit "$a" --ratio 60
		assert_json --arg a "$a" '.audit.mode == $a and .audit.records == 0 and .audit.delivered == 0'
		assert_json --arg a "$a" '.audit.status == (if $a == "off" then "off" else "not_live" end)'
		assert_knob ratio 60
	done
	run -2 --separate-stderr oset --audit bogus --ratio 60
	assert_equal "$stderr" "ovc: invalid --audit 'bogus': auto, on or off"$'\n'"Try 'ovc set --help'."
}

@test "--audit and the audit object are documented in set --help and ovc(8)" {
	use_host seed-24g-noswap
	run -0 oset --help
	assert_line --regexp '^ +--audit=auto\|on\|off '
	grep -q -- 'Fl -audit' "$REPO_DIR/man/ovc.8"
}

# --- every transition ------------------------------------------------------------------

# one transition FROM -> TO on the seed host, with the limit change KIND (none, ratio 60,
# or kbytes 16G), checked against the files, simulate before and after, and the formula
transition() {
	local from=$1 to=$2 kind=$3
	local -a largs=()
	local lkey='' lval='' ratio=50 kbytes=0 expected st0 pred orig

	case $kind in
	ratio) largs=(--ratio 60) lkey=vm.overcommit_ratio lval=60 ratio=60 ;;
	kbytes) largs=(--kbytes 16G) lkey=vm.overcommit_kbytes lval=16777216 ratio=0 kbytes=16777216 ;;
	esac
	seed_in_mode "$from"
	st0=$(tree_state "$HOST")

	# what simulate predicts, on the untouched tree, before the set
	run -0 --separate-stderr ovc simulate --json --rlimit-as unlimited
	orig=$output
	run -0 --separate-stderr ovc simulate --json --rlimit-as unlimited --mode "$to" "${largs[@]}"
	pred=$output

	set_json --mode "$to" "${largs[@]}"
	local doc=$output

	# the writes, in order: entering 2 the limit first, leaving 2 the mode first
	if [[ -z $lkey ]]; then
		[[ $from == "$to" ]] && expected='[]' || expected='["vm.overcommit_memory"]'
	elif [[ $from == "$to" ]]; then
		expected="[\"$lkey\"]"
	elif [[ $to == 2 ]]; then
		expected="[\"$lkey\", \"vm.overcommit_memory\"]"
	elif [[ $from == 2 ]]; then
		expected="[\"vm.overcommit_memory\", \"$lkey\"]"
	else
		expected="either"   # 0 <-> 1: no order matters, neither state is enforced
	fi
	if [[ $expected == either ]]; then
		assert_json --arg k "$lkey" '[.writes[].key] | sort == ([$k, "vm.overcommit_memory"] | sort)'
	else
		assert_json --argjson e "$expected" '[.writes[].key] == $e'
	fi
	assert_json '[.writes[].result] | all(. == "written")'
	assert_json --arg p "$PROC/sys/vm/overcommit_" \
		'.writes | all(.path == $p + (.key | sub("^vm\\.overcommit_"; "")))'
	assert_json --arg m "$to" '.writes | map(select(.key == "vm.overcommit_memory")) | all(.value == $m)'
	assert_json --arg v "$lval" '.writes | map(select(.key != "vm.overcommit_memory")) | all(.value == $v)'
	local n
	n=$(jq '.writes | length' <<<"$doc")
	assert_json --argjson c "$((n > 0))" '.changed == ($c == 1) and .would_change == ($c == 1)'
	assert_json '.dry_run == false and .refused == false and .forced == false'
	assert_json '.rollback == [] and .waited_for_lock == false'
	# the guard looks only at a result in mode 2 (and the room there is ample)
	assert_json --argjson t "$to" '.guard.applies == ($t == 2) and .guard.ok == true'

	# before: the tree as read; the same figures as simulate on it
	assert_json --argjson f "$from" '.before | .mode == $f and .ratio == 50 and .kbytes == 0
		and .commit_limit_kb == 12342044'
	jq -e --argjson o "$orig" --argjson f "$from" '.before as $b | $o.modes[] | select(.mode == $f)
		| .commit_limit_kb == $b.commit_limit_kb and .headroom_kb == $b.headroom_kb
		and .max_alloc_kb == $b.max_alloc_kb and .max_alloc_admin_kb == $b.max_alloc_admin_kb' \
		<<<"$doc" >/dev/null || fail "$from->$to $kind: before differs from simulate: $doc"

	# after: the kernel's state, with the other knob zeroed; CommitLimit as predicted
	local cl
	cl=$(commit_limit_formula "$ratio" "$kbytes")
	assert_json --argjson t "$to" --argjson r "$ratio" --argjson k "$kbytes" --argjson cl "$cl" \
		'.after | .mode == $t and .ratio == $r and .kbytes == $k and .commit_limit_kb == $cl'
	jq -e --argjson p "$pred" --argjson t "$to" '.after as $a | $p.modes[] | select(.mode == $t)
		| .commit_limit_kb == $a.commit_limit_kb and .headroom_kb == $a.headroom_kb
		and .max_alloc_kb == $a.max_alloc_kb and .max_alloc_admin_kb == $a.max_alloc_admin_kb' \
		<<<"$doc" >/dev/null || fail "$from->$to $kind: after differs from the prediction: $doc"

	# the files, and simulate on the tree as left
	assert_knob memory "$to"
	assert_knob ratio "$ratio"
	assert_knob kbytes "$kbytes"
	run -0 --separate-stderr ovc simulate --json
	assert_json --argjson t "$to" --argjson r "$ratio" --argjson k "$kbytes" \
		'.current == {"mode": $t, "mode_name": .current.mode_name, "ratio": $r, "kbytes": $k}'
	assert_json --argjson t "$to" --argjson cl "$cl" \
		'[.modes[] | select(.mode == $t) | .commit_limit_kb] == [$cl]'

	# only what had to be written was touched (mtime, ctime and bytes of the rest)
	local st1 f
	st1=$(tree_state "$HOST")
	local -a touched=()
	[[ $from != "$to" ]] && touched+=(./proc/sys/vm/overcommit_memory)
	[[ -n $lkey ]] && touched+=(./proc/sys/vm/overcommit_ratio ./proc/sys/vm/overcommit_kbytes)
	for f in "${touched[@]}"; do
		st0=$(grep -v "^$f " <<<"$st0")
		st1=$(grep -v "^$f " <<<"$st1")
	done
	assert_equal "$st1" "$st0"
}

@test "transitions between modes 0, 1, 2 (all 9 pairs), no limit change" {
	local a b
	for a in 0 1 2; do
		for b in 0 1 2; do
			transition "$a" "$b" none
		done
	done
}

@test "transitions between modes 0, 1, 2 (all 9 pairs) with --ratio 60" {
	skip_in_memory_tiers "the same paths as the transitions without a limit change, with other numbers"
	local a b
	for a in 0 1 2; do
		for b in 0 1 2; do
			transition "$a" "$b" ratio
		done
	done
}

@test "transitions between modes 0, 1, 2 (all 9 pairs) with --kbytes 16G" {
	skip_in_memory_tiers "the same paths as the transitions without a limit change, with other numbers"
	local a b
	for a in 0 1 2; do
		for b in 0 1 2; do
			transition "$a" "$b" kbytes
		done
	done
}

@test "human output: before/after table and the writes in order" {
	use_host seed-24g-noswap
	run -0 --separate-stderr oset --mode 2 --ratio 60
	[[ -z $stderr ]]
	assert_line --index 0 --regexp '^ +BEFORE +AFTER$'
	assert_line --regexp '^vm\.overcommit_memory +0 heuristic +2 never$'
	assert_line --regexp '^vm\.overcommit_ratio +50 +60$'
	assert_line --regexp '^vm\.overcommit_kbytes +0 +0$'
	# 12342044 kB = 11.77 GiB; 60 % of 6171023 pages = 3702613 pages = 14.12 GiB
	assert_line --regexp '^CommitLimit +11\.77 GiB +14\.12 GiB$'
	assert_line 'Written, in order: vm.overcommit_ratio=60, vm.overcommit_memory=2'
	refute_line --partial 'warning:'
}

# --- the order on disk -----------------------------------------------------------------

@test "write order on disk, entering mode 2: the limit (and its zeroed twin) before the mode" {
	write_order_recorder
	local k order first last m0 r0 k0
	local -a largs
	for k in ratio kbytes; do
		use_host seed-24g-noswap
		largs=(--ratio 60) order="overcommit_ratio overcommit_kbytes overcommit_memory"
		[[ $k == kbytes ]] && largs=(--kbytes 16G) order="overcommit_kbytes overcommit_ratio overcommit_memory"
		m0=$(mtime memory) r0=$(mtime ratio) k0=$(mtime kbytes)
		run -0 --separate-stderr ovc_set_via python3 "$REC" "$BATS_TEST_TMPDIR/events" "$PROC/sys/vm" \
			-- --proc "$PROC" --root "$ROOT" --json --mode 2 "${largs[@]}"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/events")" "$order"
		# the mtimes agree; they can tie (coarse, per-tick timestamps) but never invert
		[[ $(mtime memory) != "$m0" && $(mtime ratio) != "$r0" && $(mtime kbytes) != "$k0" ]] ||
			fail "a knob file was not written"
		first=${order%% *} last=${order##* }
		ts_le "$(stat -c %.9Y "$PROC/sys/vm/$first")" "$(mtime memory)" ||
			fail "$first written after overcommit_memory"
		assert_equal "$last" overcommit_memory
		assert_knob memory 2
	done
}

@test "write order on disk, leaving mode 2: the mode before the limit" {
	write_order_recorder
	# mode2-tight: mode 2, ratio 50;  kbytes: mode 2, kbytes 12582912
	use_host mode2-tight
	run -0 --separate-stderr ovc_set_via python3 "$REC" "$BATS_TEST_TMPDIR/events" "$PROC/sys/vm" \
		-- --proc "$PROC" --root "$ROOT" --json --mode 0 --ratio 60
	assert_equal "$(cat "$BATS_TEST_TMPDIR/events")" "overcommit_memory overcommit_ratio overcommit_kbytes"
	ts_le "$(mtime memory)" "$(mtime ratio)" || fail "the ratio was written before the mode"
	assert_json '[.writes[].key] == ["vm.overcommit_memory", "vm.overcommit_ratio"]'

	use_host kbytes
	run -0 --separate-stderr ovc_set_via python3 "$REC" "$BATS_TEST_TMPDIR/events" "$PROC/sys/vm" \
		-- --proc "$PROC" --root "$ROOT" --json --mode 1 --kbytes 8G
	assert_equal "$(cat "$BATS_TEST_TMPDIR/events")" "overcommit_memory overcommit_kbytes overcommit_ratio"
	ts_le "$(mtime memory)" "$(mtime kbytes)" || fail "the kbytes was written before the mode"
	assert_knob memory 1
	assert_knob kbytes 8388608
	assert_knob ratio 0
}

@test "write order, proven by a failure: the second write fails, the first is undone" {
	# entering 2: the mode is second, so with it unwritable the ratio was already written
	seed_in_mode 0
	chmod 0444 "$PROC/sys/vm/overcommit_memory"
	run -4 --separate-stderr oset --json --mode 2 --ratio 60
	assert_json '[.writes[] | [.key, .result]] == [["vm.overcommit_ratio", "rolled_back"], ["vm.overcommit_memory", "failed"]]'
	# leaving 2: the limit is second
	use_host kbytes
	chmod 0444 "$PROC/sys/vm/overcommit_ratio"
	run -4 --separate-stderr oset --json --mode 0 --ratio 60
	assert_json '[.writes[] | [.key, .result]] == [["vm.overcommit_memory", "rolled_back"], ["vm.overcommit_ratio", "failed"]]'
	assert_json '.rollback == [{"key": "vm.overcommit_memory", "value": "2", "result": "rolled_back"}]'
}

# --- ratio and kbytes ------------------------------------------------------------------

@test "--kbytes zeroes the ratio and --ratio zeroes kbytes, as the kernel's handlers do" {
	use_host seed-24g-noswap
	set_json --kbytes 4G
	assert_json '.after.ratio == 0 and .after.kbytes == 4194304 and .after.commit_limit_kb == 4194304'
	assert_json '.writes == [{"key": "vm.overcommit_kbytes", "path": "'"$PROC"'/sys/vm/overcommit_kbytes", "value": "4194304", "result": "written"}]'
	assert_knob kbytes 4194304
	assert_knob ratio 0
	assert_knob memory 0

	use_host kbytes
	set_json --ratio 60
	# (16376012 - 524288) x 60 % + swap, in pages (hugetlb counts in ratio mode only)
	assert_json --argjson cl "$(commit_limit_formula 60 0)" '.after | .ratio == 60 and .kbytes == 0 and .commit_limit_kb == $cl'
	assert_knob ratio 60
	assert_knob kbytes 0
	assert_knob memory 2
}

@test "sizes for --kbytes: a plain number is kB; IEC units; the file holds kB" {
	local v want
	for v in 1048576:1048576 1G:1048576 1.5GiB:1572864 512MiB:524288 2T:2147483648; do
		want=${v#*:}
		use_host seed-24g-noswap
		set_json --kbytes "${v%%:*}"
		assert_json --argjson k "$want" '.after.kbytes == $k and .writes[0].value == ($k | tostring)'
		assert_knob kbytes "$want"
	done
}

@test "one whole value at offset 0: a shorter value leaves no tail of the longer one" {
	use_host kbytes   # overcommit_kbytes holds "12582912\n"
	set_json --mode 0 --kbytes 6
	assert_knob kbytes 6
	assert_knob ratio 0
	# vm_commit_limit(): kbytes=6 is 1 page (kbytes >> 2), 4 kB, plus swap 4194300 kB
	assert_json '.after.commit_limit_kb == 4194304'
	use_host seed-24g-noswap
	set_json --ratio 100
	set_json --ratio 7
	assert_knob ratio 7
}

@test "--ratio 0 and --kbytes 0 need --force; with it, CommitLimit is swap only" {
	use_host seed-24g-noswap
	run -2 --separate-stderr oset --kbytes 0
	assert_no_lock_taken
	assert_tree_is_fixture seed-24g-noswap

	# mode 0: no guard; --kbytes 0 zeroes the ratio too (overcommit_kbytes_handler),
	# CommitLimit = swap = 0
	set_json --kbytes 0 --force
	assert_json '.after | .ratio == 0 and .kbytes == 0 and .commit_limit_kb == 0'
	assert_json '.forced == false and .guard.applies == false'
	assert_json '[.writes[].key] == ["vm.overcommit_kbytes"]'
	assert_json '[.warnings[].id] | index("commit_limit_swap_only") != null'
	assert_knob ratio 0
	assert_knob kbytes 0
	# now both read 0: asking for either 0 again changes nothing (but still needs --force)
	set_json --ratio 0 --force
	assert_json '.changed == false and .writes == []'

	# kbytes host in mode 2: --ratio 0 leaves swap only (4194300 kB), under Committed_AS:
	# the guard refuses; the same --force overrides it and says so
	use_host kbytes
	run -2 --separate-stderr oset --json --ratio 0
	assert_tree_is_fixture kbytes
	set_json --ratio 0 --force
	assert_json '.after | .ratio == 0 and .kbytes == 0 and .commit_limit_kb == 4194300'
	assert_json '.refusal == null and [.warnings[] | select(.id == "guard_overridden") | .text] == ["the guard was overridden with --force"]'
	assert_json --argjson r "$(guard_room_kb 4194300)" \
		'.forced == true and .guard.ok == false and .guard.room_after_kb == $r and $r < 0'
	assert_knob ratio 0
	assert_knob kbytes 0
}

# --- idempotence, dry run --------------------------------------------------------------

@test "a second identical set changes nothing: changed false, no file touched" {
	use_host seed-24g-noswap
	set_json --mode 2 --ratio 60
	assert_json '.changed == true'
	local st
	st=$(tree_state "$HOST")
	sleep 0.02
	set_json --mode 2 --ratio 60
	assert_json '.changed == false and .would_change == false and .writes == [] and .rollback == []'
	assert_json '.before == .after and .before.mode == 2 and .before.ratio == 60'
	assert_equal "$(tree_state "$HOST")" "$st"
	run -0 --separate-stderr oset --mode 2 --ratio 60
	assert_line 'Nothing to change: every value is already in place.'
	refute_line --partial 'Written'
	assert_equal "$(tree_state "$HOST")" "$st"
	# a value already in place is not rewritten: only the mode
	use_host seed-24g-noswap
	st=$(tree_state "$HOST")
	set_json --mode 1 --ratio 50
	assert_json '[.writes[].key] == ["vm.overcommit_memory"]'
	assert_equal "$(grep overcommit_ratio <<<"$st")" "$(tree_state "$HOST" | grep overcommit_ratio)"
	# kbytes already in place, given as a size
	use_host kbytes
	st=$(tree_state "$HOST")
	set_json --kbytes 12G --mode 2
	assert_json '.changed == false and .writes == []'
	assert_equal "$(tree_state "$HOST")" "$st"
}

@test "--dry-run and --check write nothing, take no lock, and say what would change" {
	local opt
	for opt in --dry-run --check; do
		use_host seed-24g-noswap
		rm -rf "$ROOT" && mkdir -p "$ROOT"
		local st
		st=$(tree_state "$HOST")
		set_json "$opt" --mode 2 --ratio 60
		assert_json '.dry_run == true and .would_change == true and .changed == false'
		assert_json '[.writes[] | [.key, .value, .result]] == [["vm.overcommit_ratio", "60", "would_write"], ["vm.overcommit_memory", "2", "would_write"]]'
		assert_json '.after.mode == 2 and .after.ratio == 60 and .before.mode == 0'
		assert_equal "$(tree_state "$HOST")" "$st"
		assert_tree_is_fixture seed-24g-noswap
		assert_no_lock_taken
		run -0 --separate-stderr oset "$opt" --mode 2 --ratio 60
		assert_line 'Would write: vm.overcommit_ratio=60, vm.overcommit_memory=2'
		assert_equal "$(tree_state "$HOST")" "$st"
		# nothing to do
		set_json "$opt" --mode 0
		assert_json '.dry_run == true and .would_change == false and .writes == []'
	done
}

@test "--dry-run does not wait for a held lock" {
	use_host seed-24g-noswap
	hold_lock 20
	local t0=$SECONDS
	set_json --dry-run --mode 2 --ratio 60
	assert_json '.waited_for_lock == false'
	((SECONDS - t0 < 2)) || fail "the dry run waited"
}

# --- the lock: --wait SECONDS, --no-wait -------------------------------------------------

# hold_lock_pid: hold $LOCK from one python3 process that takes the flock itself, so that
# /proc/locks names it ($HOLDER; also in BG_PIDS); returns once it is held
hold_lock_pid() {
	local ready=$BATS_TEST_TMPDIR/held i

	mkdir -p "${LOCK%/*}"
	rm -f "$ready"
	python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(120)' "$LOCK" "$ready" </dev/null >/dev/null 2>&1 3>&- &
	HOLDER=$!
	BG_PIDS+=("$HOLDER")
	for ((i = 0; i < 250; i++)); do
		[[ -e $ready ]] && return 0
		sleep 0.02
	done
	fail "the test could not take the lock"
}

# the seconds since $1 (an $EPOCHREALTIME), as a decimal
since() { bc <<<"$EPOCHREALTIME - $1"; }

@test "--no-wait: another ovc holds the lock: exit 11 at once, its PID named, nothing written; the same in every writer" {
	use_host seed-24g-noswap
	hold_lock_pid
	local st t0 el cmd
	st=$(tree_state "$HOST")
	local -a writers=(
		"set --mode 2 --ratio 60" "set --mode 1 --persist" "persist --mode 1" "reset"
		"reset --persist" "profile apply mine" "profile mine --persist"
	)
	mkdir -p "$ROOT/etc/ovc/profiles" "$ROOT/etc/sysctl.d"
	printf 'description = test\nreason = test\nsource = test\nmode = 1\n' >"$ROOT/etc/ovc/profiles/mine.profile"
	chmod -R go-w "$ROOT"
	for cmd in "${writers[@]}"; do
		# shellcheck disable=SC2086 # the writer's words
		set -- $cmd
		writer_args_safe --proc "$PROC" --root "$ROOT" || fail "unsafe"
		t0=$EPOCHREALTIME
		run -11 --separate-stderr "$OVC" "$@" --proc "$PROC" --root "$ROOT" --no-wait
		el=$(since "$t0")
		(($(bc <<<"$el < 5"))) || fail "$cmd --no-wait took $el s"
		assert_equal "$output" ""
		assert_equal "$stderr" "ovc: $LOCK: the lock is held by another ovc (pid $HOLDER); --no-wait: nothing was written
hint: --wait SECONDS waits longer; without --wait or --no-wait ovc waits until the lock is free"
		run -11 --separate-stderr "$OVC" "$@" --proc "$PROC" --root "$ROOT" --wait 0 --json
		assert_one_json_document
		assert_json --arg p "$LOCK" '.error.kind == "locked" and .error.exit == 11 and .error.path == $p'
		assert_equal "$(tree_state "$HOST")" "$st"
		[[ ! -e $ROOT/etc/sysctl.d/99-zz-ovc.conf ]] || fail "$cmd wrote the drop-in"
	done
	# a dry run takes no lock: --no-wait changes nothing for it
	run -0 --separate-stderr ovc_set --proc "$PROC" --root "$ROOT" --no-wait --dry-run --mode 1
}

@test "--wait 1: gives up after about a second with exit 11, nothing written; no PID for a holder that has exited" {
	use_host seed-24g-noswap
	# flock(1)'s child takes the lock and exits: the lock stays with the descriptor of
	# a process that is not the one /proc/locks names, so no PID is given
	hold_lock 60
	local st t0 el
	st=$(tree_state "$HOST")
	t0=$EPOCHREALTIME
	run -11 --separate-stderr oset --mode 2 --ratio 60 --wait 1
	el=$(since "$t0")
	(($(bc <<<"$el >= 0.9 && $el < 20"))) || fail "--wait 1 returned after $el s"
	assert_equal "${stderr_lines[0]}" "ovc: $LOCK: the lock is held by another ovc; gave up after 1 s: nothing was written"
	assert_equal "$(tree_state "$HOST")" "$st"
	# a fraction: 1.5 s, with the "waiting" line after the first second
	t0=$EPOCHREALTIME
	run -11 --separate-stderr oset --mode 2 --ratio 60 --wait 1.5
	el=$(since "$t0")
	(($(bc <<<"$el >= 1.4 && $el < 20"))) || fail "--wait 1.5 returned after $el s"
	assert_equal "${stderr%%$'\n'*}" "ovc: waiting for another ovc that holds $LOCK"
	assert_equal "${stderr_lines[1]}" "ovc: $LOCK: the lock is held by another ovc; gave up after 1.5 s: nothing was written"
	assert_equal "$(tree_state "$HOST")" "$st"
}

@test "--wait N: proceeds once the holder releases the lock, before N" {
	use_host seed-24g-noswap
	hold_lock 60
	# release the lock 1.5 s after ovc has opened it too (ovc polls with LOCK_NB and says
	# it waits after 1 s of that), however slow ovc is to start (valgrind, a loaded host)
	(set +e; for ((i = 0; i < 400; i++)); do
		(($(find /proc/[0-9]*/fd -lname "$LOCK" 2>/dev/null | wc -l) >= 2)) && break
		sleep 0.05
	done; sleep 1.5; kill -9 "$HOLDER") </dev/null >/dev/null 2>&1 3>&- &
	BG_PIDS+=($!)
	local t0 el
	t0=$EPOCHREALTIME
	run -0 --separate-stderr oset --mode 2 --ratio 60 --wait 30 --json
	el=$(since "$t0")
	(($(bc <<<"$el >= 1.4 && $el < 25"))) || fail "--wait 30 returned after $el s"
	assert_one_json_document
	assert_json '.changed == true and .waited_for_lock == true'
	assert_equal "$stderr" "ovc: waiting for another ovc that holds $LOCK"
	assert_knob memory 2
	assert_knob ratio 60
}

@test "--wait: a bad value is a usage error (exit 2) before the lock is taken" {
	use_host seed-24g-noswap
	local v
	for v in -1 x 1.2345 86400.001 1. '' 5s; do
		run -2 --separate-stderr oset --mode 1 --wait "$v"
		[[ ${stderr_lines[0]} == "ovc: invalid --wait '$v': "* ]] || fail "stderr: $stderr"
		assert_no_lock_taken
	done
	run -2 --separate-stderr oset --mode 1 --wait
	assert_no_lock_taken
	assert_tree_is_fixture seed-24g-noswap
}

# --- the guard -------------------------------------------------------------------------

@test "guard: entering mode 2 with too little room is refused, exit 3, nothing written" {
	use_host seed-24g-noswap
	local st cl room before margin
	st=$(tree_state "$HOST")
	cl=$(commit_limit_formula 10 0)   # 617102 pages = 2468408 kB
	room=$(guard_room_kb "$cl")
	before=$(guard_room_kb "$(mi CommitLimit)")
	margin=$(guard_margin_kb "$cl")
	# 2 CPUs: band = (12052 - 1) x 2 = 24102 pages; room = 617102 - 2048 - 25101 - 523353 - 1 - 24102
	assert_equal "$room" 169988
	assert_equal "$margin" 262144
	run -3 --separate-stderr oset --json --mode 2 --ratio 10
	assert_one_json_document
	assert_json '.refused == true and .changed == false and .would_change == true and .forced == false'
	assert_json --argjson r "$room" --argjson b "$before" --argjson m "$margin" \
		'.guard == {"applies": true, "ok": false, "margin_kb": $m, "room_before_kb": $b, "room_after_kb": $r}'
	assert_json '[.writes[].result] == ["refused", "refused"] and .rollback == []'
	assert_json 'has("error") | not'
	assert_equal "$stderr" "ovc: refusing: after this change an unprivileged process could surely allocate only 166.00 MiB in mode 2, less than the 256.00 MiB that sshd, systemd and a shell need to fork and exec; nothing was written"$'\n'"hint: --force overrides; see ovc(8)"
	assert_equal "$(tree_state "$HOST")" "$st"
	# in words: the table, what would have been written, the same two lines on stderr
	run -3 --separate-stderr oset --mode 2 --ratio 10
	assert_line 'Would write (refused): vm.overcommit_ratio=10, vm.overcommit_memory=2'
	assert_equal "${stderr%%$'\n'*}" "ovc: refusing: after this change an unprivileged process could surely allocate only 166.00 MiB in mode 2, less than the 256.00 MiB that sshd, systemd and a shell need to fork and exec; nothing was written"
	# a dry run is refused too (exit 3): the answer a script needs
	run -3 --separate-stderr oset --json --check --mode 2 --ratio 10
	assert_json '.refused == true and .dry_run == true'
	assert_equal "$(tree_state "$HOST")" "$st"
}

@test "guard: --force overrides, writes, says forced, warns" {
	use_host seed-24g-noswap
	set_json --mode 2 --ratio 10 --force
	assert_json '.changed == true and .refused == false and .forced == true'
	assert_json '.guard.applies == true and .guard.ok == false and .guard.room_after_kb == 169988'
	assert_json '[.writes[].result] == ["written", "written"]'
	assert_knob memory 2
	assert_knob ratio 10
	use_host seed-24g-noswap
	run -0 --separate-stderr oset --mode 2 --ratio 10 --force
	[[ -z $stderr ]]
	assert_line 'Written, in order: vm.overcommit_ratio=10, vm.overcommit_memory=2'
	assert_line 'warning: the guard was overridden with --force'
	# --force where the guard is content: not "forced"
	use_host seed-24g-noswap
	set_json --mode 2 --ratio 60 --force
	assert_json '.forced == false and .guard.ok == true'
	run -0 --separate-stderr oset --mode 2 --ratio 61 --force
	refute_line --partial 'overridden'
}

@test "guard: the boundary, room exactly the margin passes, one page less is refused" {
	use_host seed-24g-noswap
	local cpus band k
	cpus=$(ncpus)
	band=$((($(batch_pages "$(mi MemTotal)" "$cpus") - 1) * cpus))
	# kbytes K such that the room is exactly 65536 pages = 256 MiB (5 % of K is less)
	k=$(((65536 + $(vm admin_reserve_kbytes) / 4 + $(vm user_reserve_kbytes) / 4 + $(mi Committed_AS) / 4 + 1 + band) * 4))
	assert_equal "$(guard_room_kb "$k")" 262144
	assert_equal "$(guard_margin_kb "$k")" 262144
	run -3 --separate-stderr oset --json --mode 2 --kbytes $((k - 4))
	assert_json '.guard.room_after_kb == 262140 and .guard.margin_kb == 262144 and .guard.ok == false'
	assert_tree_is_fixture seed-24g-noswap
	set_json --mode 2 --kbytes "$k"
	assert_json '.guard.room_after_kb == 262144 and .guard.ok == true and .forced == false'
	assert_knob kbytes "$k"
	# the 5 % branch: ratio 60 gives 14810452 kB, 5 % of it (truncated per 100 kB) = 740520
	use_host seed-24g-noswap
	set_json --mode 2 --ratio 60 --dry-run
	assert_json --argjson m "$(guard_margin_kb 14810452)" --argjson r "$(guard_room_kb 14810452)" \
		'.guard.margin_kb == $m and $m == 740520 and .guard.room_after_kb == $r'
}

@test "guard on mode2-tight: improvement below the margin is allowed, a reduction is not" {
	use_host mode2-tight
	# 4 CPUs, 5.15: batch max(32, 8, 2037085 / 4 / 256 = 1989) -> band 1988 x 4 = 7952 pages
	assert_equal "$(batch_pages "$(mi MemTotal)" "$(ncpus)")" 1989
	local cl52 cl51 cl53 r52 r51 r53
	cl52=$(commit_limit_formula 52 0) cl51=$(commit_limit_formula 51 0) cl53=$(commit_limit_formula 53 0)
	r52=$(guard_room_kb "$cl52") r51=$(guard_room_kb "$cl51") r53=$(guard_room_kb "$cl53")
	local r50; r50=$(guard_room_kb "$(mi CommitLimit)")
	# 2683 pages of room less the 7952-page band: already 5269 pages past
	assert_equal "$r50" $(((2683 - 7952) * 4))
	assert_equal "$r52" 141892
	# ratio 50 -> 52: room -21076 -> 141892 kB, still below the margin, but better: allowed
	set_json --ratio 52
	assert_json --argjson r "$r52" --argjson b "$r50" --argjson m "$(guard_margin_kb "$cl52")" \
		'.guard == {"applies": true, "ok": true, "margin_kb": $m, "room_before_kb": $b, "room_after_kb": $r}'
	assert_json '.forced == false and .changed == true and .warnings != []'
	assert_knob ratio 52
	# 52 -> 51: less room than now, below the margin: refused (before = what 52 left)
	run -3 --separate-stderr oset --json --ratio 51
	assert_json --argjson r "$r51" --argjson b "$r52" \
		'.guard.room_before_kb == $b and .guard.room_after_kb == $r and .guard.ok == false'
	assert_knob ratio 52
	# the same room through kbytes (RAM share of ratio 52 = 1059284 pages): not a reduction
	set_json --kbytes $((2037085 * 52 / 100 * 4))
	assert_json --argjson r "$r52" '.guard.room_before_kb == $r and .guard.room_after_kb == $r and .guard.ok == true'
	# 53: better again
	set_json --ratio 53
	assert_json --argjson r "$r53" '.guard.ok == true and .guard.room_after_kb == $r'
}

@test "guard: leaving mode 2 is always allowed; re-entering with no room is refused" {
	use_host mode2-tight
	set_json --mode 1 --ratio 10
	assert_json '.guard.applies == false and .guard.ok == true and .refused == false'
	assert_json '[.writes[].key] == ["vm.overcommit_memory", "vm.overcommit_ratio"]'
	use_host mode2-tight
	set_json --mode 0
	assert_json '.guard.applies == false and .changed == true'
	# back to 2 with the same ratio: room 0 < 308565 kB; before was not enforced, so the
	# "not a reduction" rule does not apply
	run -3 --separate-stderr oset --json --mode 2
	assert_json --argjson r "$(guard_room_kb "$(mi CommitLimit)")" \
		'.guard.applies == true and .guard.ok == false and .guard.room_after_kb == $r and $r < 0
		and .guard.margin_kb == 308565'
	assert_knob memory 0
	[[ $stderr == "ovc: refusing: after this change the committed memory would already be 20.58 MiB past what an unprivileged process may commit in mode 2, so new allocations, fork and exec would fail (at least 301.33 MiB must stay free); nothing was written"* ]] ||
		fail "stderr: $stderr"
}

@test "guard: tightening an already starved mode 2 is not an improvement" {
	use_host mode2-tight
	run -3 --separate-stderr oset --json --ratio 10
	assert_json '.refused == true and .guard.ok == false'
	assert_tree_is_fixture mode2-tight
	run -3 --separate-stderr oset --json --kbytes 1G
	assert_tree_is_fixture mode2-tight
}

# --- failures and rollback -------------------------------------------------------------

@test "rollback: a 0444 file (no CAP_DAC_OVERRIDE even as root): exit 4, all bytes restored" {
	[[ $(id -u) == 0 ]] || skip "needs root: the point is that set drops CAP_DAC_OVERRIDE"
	use_host seed-24g-noswap
	chmod 0444 "$PROC/sys/vm/overcommit_memory"
	run -4 --separate-stderr oset --json --mode 2 --ratio 60
	assert_one_json_document
	assert_json 'has("error") | not'
	assert_json '.changed == false and .would_change == true and .refused == false'
	assert_json '[.writes[] | [.key, .value, .result]] == [["vm.overcommit_ratio", "60", "rolled_back"], ["vm.overcommit_memory", "2", "failed"]]'
	assert_json '.rollback == [{"key": "vm.overcommit_ratio", "value": "50", "result": "rolled_back"}]'
	assert_equal "$stderr" "ovc: cannot open for writing '$PROC/sys/vm/overcommit_memory': Permission denied
hint: ovc set writes with no capabilities, so its own user needs write permission on the file through its mode bits (root gets no override)
ovc: rolled back: every value is as it was before"
	assert_tree_is_fixture seed-24g-noswap
	# in words
	run -4 --separate-stderr oset --mode 2 --ratio 60
	assert_line 'Rolled back: vm.overcommit_ratio=50'
	assert_tree_is_fixture seed-24g-noswap
}

@test "rollback restores a kbytes limit through kbytes (which zeroes the ratio again)" {
	use_host kbytes
	printf '0\n' >"$PROC/sys/vm/overcommit_memory"
	local st
	st=$(tree_state "$PROC/sys/vm" | cut -d' ' -f1,5)
	chmod 0444 "$PROC/sys/vm/overcommit_memory"
	run -4 --separate-stderr oset --json --mode 2 --ratio 80
	assert_json '.rollback == [{"key": "vm.overcommit_kbytes", "value": "12582912", "result": "rolled_back"}]'
	assert_knob kbytes 12582912
	assert_knob ratio 0
	assert_knob memory 0
	assert_equal "$(tree_state "$PROC/sys/vm" | cut -d' ' -f1,5)" "$st"
}

@test "the first write fails: nothing to undo, the rest not attempted, exit 4" {
	use_host seed-24g-noswap
	chmod 0444 "$PROC/sys/vm/overcommit_ratio"
	run -4 --separate-stderr oset --json --mode 2 --ratio 60
	assert_json '[.writes[].result] == ["failed", "not_attempted"] and .rollback == []'
	assert_equal "$stderr" "ovc: cannot open for writing '$PROC/sys/vm/overcommit_ratio': Permission denied
hint: ovc set writes with no capabilities, so its own user needs write permission on the file through its mode bits (root gets no override)"
	assert_tree_is_fixture seed-24g-noswap
}

@test "rollback after another error (a symlink is never written through: bad input, exit 6)" {
	use_host seed-24g-noswap
	local vmd=$PROC/sys/vm
	mv "$vmd/overcommit_memory" "$vmd/mode.real"
	ln -s mode.real "$vmd/overcommit_memory"
	# it is read through the link (a saved tree may have links), but never written; a
	# link where ovc writes is malformed input (ELOOP), as it is where ovc reads
	run -6 --separate-stderr oset --json --mode 2 --ratio 60
	assert_json '[.writes[].result] == ["rolled_back", "failed"]'
	assert_json '.rollback == [{"key": "vm.overcommit_ratio", "value": "50", "result": "rolled_back"}]'
	assert_equal "$stderr" "ovc: cannot open for writing '$vmd/overcommit_memory': Too many levels of symbolic links
ovc: rolled back: every value is as it was before"
	[[ -L $vmd/overcommit_memory ]]
	assert_equal "$(cat "$vmd/mode.real")" 0
	assert_knob ratio 50
	assert_knob kbytes 0
}

@test "saved tree: a failed write of the zeroed twin undoes the first knob too" {
	use_host seed-24g-noswap
	chmod 0444 "$PROC/sys/vm/overcommit_kbytes"
	run -4 --separate-stderr oset --json --ratio 60
	assert_knob ratio 50
	assert_knob kbytes 0
	assert_tree_is_fixture seed-24g-noswap
}

@test "not root: a root-owned 0644 tree gives exit 4 and a hint; the lock too" {
	[[ $(id -u) == 0 ]] || skip "needs root to switch to nobody"
	use_host seed-24g-noswap
	open_tmpdir_to_nobody
	# the lock under a root-owned --root: nobody cannot create its directory
	run -4 --separate-stderr ovc_set_via "${AS_NOBODY[@]}" -- --proc "$PROC" --root "$ROOT" --json --ratio 60
	assert_one_json_document
	assert_json --arg p "$ROOT/run" '.error.kind == "permission" and .error.exit == 4 and .error.path == $p and .error.errno == "EACCES"'
	assert_json '.error.hint | test("run ovc as root")'
	assert_equal "${stderr%%$'\n'*}" "ovc: cannot create the directory '$ROOT/run': Permission denied"
	# nor the lock in a directory of root's
	mkdir -p "${LOCK%/*}"
	run -4 --separate-stderr ovc_set_via "${AS_NOBODY[@]}" -- --proc "$PROC" --root "$ROOT" --json --ratio 60
	assert_json --arg p "$LOCK" '.error.kind == "permission" and .error.path == $p and .error.errno == "EACCES"'
	assert_equal "${stderr%%$'\n'*}" "ovc: cannot open the lock '$LOCK': Permission denied"
	# a lock and a journal directory nobody may use: now the tree itself refuses
	mkdir -p "${LOCK%/*}" && : >"$LOCK" && chmod 0666 "$LOCK"
	mkdir -p "$ROOT/run/ovc" && chown 65534 "$ROOT/run/ovc"
	run -4 --separate-stderr ovc_set_via "${AS_NOBODY[@]}" -- --proc "$PROC" --root "$ROOT" --json --mode 2 --ratio 60
	assert_one_json_document
	assert_json '[.writes[].result] == ["failed", "not_attempted"] and .changed == false'
	assert_equal "${stderr%%$'\n'*}" "ovc: cannot open for writing '$PROC/sys/vm/overcommit_ratio': Permission denied"
	[[ $stderr == *$'\n'"hint: "* ]] || fail "no hint: $stderr"
	assert_tree_is_fixture seed-24g-noswap
}

@test "not root on a saved tree: the hint names the writer's own permission" {
	use_host seed-24g-noswap
	open_tmpdir_to_nobody
	mkdir -p "${LOCK%/*}" && : >"$LOCK" && chmod 0666 "$LOCK"
	run -4 --separate-stderr ovc_set_via "${AS_NOBODY[@]}" -- --proc "$PROC" --root "$ROOT" --ratio 60
	[[ $stderr != *"is the file writable by its owner?"* ]]
	[[ $stderr == *"hint: "*root* ]]
}

@test "read-only tree (a container's /proc/sys): exit 5 and the host hint" {
	need_mount_ns
	use_host seed-24g-noswap
	run -5 --separate-stderr ovc_set_via unshare -m --propagation private \
		sh -c 'mount --bind -o ro "$1" "$1" && shift && exec "$@"' sh "$PROC/sys" \
		-- --proc "$PROC" --root "$ROOT" --json --mode 2 --ratio 60
	assert_one_json_document
	assert_json '[.writes[].result] == ["failed", "not_attempted"] and .rollback == [] and .changed == false'
	assert_equal "$stderr" "ovc: cannot open for writing '$PROC/sys/vm/overcommit_ratio': Read-only file system
hint: vm.overcommit_* is host-wide and this /proc/sys is read-only (a container?): set it on the host"
	assert_tree_is_fixture seed-24g-noswap
}

@test "read-only mode file only: the ratio written first is rolled back, exit 5" {
	need_mount_ns
	use_host seed-24g-noswap
	local f=$PROC/sys/vm/overcommit_memory
	run -5 --separate-stderr ovc_set_via unshare -m --propagation private \
		sh -c 'mount --bind -o ro "$1" "$1" && shift && exec "$@"' sh "$f" \
		-- --proc "$PROC" --root "$ROOT" --json --mode 2 --ratio 60
	assert_json '[.writes[].result] == ["rolled_back", "failed"]'
	assert_json '.rollback == [{"key": "vm.overcommit_ratio", "value": "50", "result": "rolled_back"}]'
	[[ $stderr == *"Read-only file system"*"ovc: rolled back: every value is as it was before" ]] || fail "stderr: $stderr"
	assert_tree_is_fixture seed-24g-noswap
}

# --- the lock --------------------------------------------------------------------------

@test "lock: set waits for a holder, says so after about a second, then proceeds" {
	use_host seed-24g-noswap
	local d=$BATS_TEST_TMPDIR/bg-a
	hold_lock 3
	local t0
	t0=$(date +%s%N)
	bg_set a --json --mode 2 --ratio 60
	sleep 0.5
	[[ ! -s $d.err ]] || fail "complained before a second: $(cat "$d.err")"
	sleep 1.2
	assert_equal "$(cat "$d.err")" "ovc: waiting for another ovc that holds $LOCK"
	[[ ! -e $d.rc ]] || fail "set finished while the lock was held"
	# nothing read-and-written behind the holder's back
	assert_tree_is_fixture seed-24g-noswap
	wait "$HOLDER" || true
	wait "${BG[a]}" || true
	assert_equal "$(cat "$d.rc")" 0
	local ms=$((($(date +%s%N) - t0) / 1000000))
	((ms >= 2500)) || fail "set finished after $ms ms, before the holder let go"
	output=$(cat "$d.out")
	assert_one_json_document
	assert_json '.waited_for_lock == true and .changed == true'
	assert_knob ratio 60
	assert_knob memory 2
}

@test "lock: two sets queued behind a holder; the second's before is the first's after" {
	use_host seed-24g-noswap
	hold_lock 2
	bg_set a --json --ratio 60
	bg_set b --json --kbytes 4G
	wait "$HOLDER" || true
	wait "${BG[a]}" || true
	wait "${BG[b]}" || true
	local da=$BATS_TEST_TMPDIR/bg-a db=$BATS_TEST_TMPDIR/bg-b
	assert_equal "$(cat "$da.rc") $(cat "$db.rc")" "0 0"
	local a b first second
	a=$(cat "$da.out") b=$(cat "$db.out")
	if jq -e '.before.ratio == 50 and .before.kbytes == 0' <<<"$a" >/dev/null; then
		first=$a second=$b
	else
		first=$b second=$a
	fi
	# exactly one saw the fixture; the other saw what it left, not the fixture again
	jq -e '.before | .ratio == 50 and .kbytes == 0' <<<"$first" >/dev/null ||
		fail "neither saw the original tree: $a $b"
	jq -e --argjson f "$first" '.before | .ratio == $f.after.ratio and .kbytes == $f.after.kbytes
		and .commit_limit_kb == $f.after.commit_limit_kb' <<<"$second" >/dev/null ||
		fail "the second did not read what the first left: first=$first second=$second"
	local r k
	r=$(jq .after.ratio <<<"$second") k=$(jq .after.kbytes <<<"$second")
	assert_knob ratio "$r"
	assert_knob kbytes "$k"
}

@test "lock: a holder killed with SIGKILL leaves a lock file that blocks nothing" {
	use_host seed-24g-noswap
	hold_lock 60
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	[[ -e $LOCK ]]
	local t0=$SECONDS
	set_json --ratio 60
	assert_json '.waited_for_lock == false and .changed == true'
	((SECONDS - t0 < 2)) || fail "set waited for a dead holder"
	# and set leaves the lock free behind it
	flock -n "$LOCK" true
}

@test "privileges: waiting for the lock, set holds no effective capability, only the audit ones" {
	if ovc_under_valgrind; then skip "valgrind: /proc/PID/exe is valgrind's tool"; fi
	[[ $(id -u) == 0 ]] || skip "needs root: the point is what set drops"
	use_host seed-24g-noswap
	hold_lock 30
	# CAP_AUDIT_WRITE = 29, CAP_AUDIT_CONTROL = 30 (asks whether auditing is on): permitted
	# only while audit is wanted, never effective while waiting
	local c a want pid i
	for c in auto:0000000060000000 on:0000000060000000 off:0000000000000000; do
		a=${c%%:*} want=${c#*:}
		bg_set "$a" --json --audit "$a" --ratio 60
		for ((i = 0; i < 150; i++)); do
			[[ -s $BATS_TEST_TMPDIR/bg-$a.err ]] && break
			sleep 0.02
		done
		assert_equal "$(cat "$BATS_TEST_TMPDIR/bg-$a.err")" "ovc: waiting for another ovc that holds $LOCK"
		pid=$(cat "/proc/${BG[$a]}/task/${BG[$a]}/children")
		pid=${pid% }
		[[ $(readlink "/proc/$pid/exe") == "$(realpath "$OVC")" ]] || fail "pid $pid is not ovc"
		assert_equal "$(awk '$1 == "CapEff:" { print $2 }' "/proc/$pid/status")" 0000000000000000
		assert_equal "$(awk '$1 == "CapPrm:" { print $2 }' "/proc/$pid/status")" "$want"
		assert_equal "$(awk '$1 == "CapInh:" { print $2 }' "/proc/$pid/status")" 0000000000000000
		assert_equal "$(awk '$1 == "CapAmb:" { print $2 }' "/proc/$pid/status")" 0000000000000000
	done
	kill -9 "$HOLDER"
	for a in auto on off; do
		wait "${BG[$a]}" || true
		assert_equal "$(cat "$BATS_TEST_TMPDIR/bg-$a.rc")" 0
	done
	assert_knob ratio 60
}

# --- last: the tripwire ----------------------------------------------------------------

@test "zz: this machine's vm.overcommit_* are unchanged by the whole file" {
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
}

@test "a change whose report cannot be written stays, says so, and exits 10 (stdout full)" {
	seed_in_mode 0
	run -10 --separate-stderr bash -c '"$@" >/dev/full' _ oset_cmd --mode 1
	assert_knob memory 1
	[[ $stderr == *"cannot write the report: No space left on device; the change was made and stays: the running values are vm.overcommit_memory=1 vm.overcommit_ratio=50 vm.overcommit_kbytes=0"* ]] ||
		fail "stderr: $stderr"
	[[ $stderr != *"undone"* && $stderr != *"rolled back"* ]] || fail "claims an undo: $stderr"
	# the same with --json
	run -10 --separate-stderr bash -c '"$@" >/dev/full' _ oset_cmd --mode 2 --force --json
	assert_knob memory 2
}

@test "a closed pipe: set is not killed by SIGPIPE after writing; exit 10, the change stays" {
	seed_in_mode 0
	# the reader has exited before ovc writes its report
	run -0 --separate-stderr bash -c 'set -o pipefail; { sleep 0.3; "$@"; echo "rc=$?" >&2; } | true' _ oset_cmd --mode 1
	assert_knob memory 1
	[[ $stderr == *"the change was made and stays"*"rc=10"* ]] || fail "stderr: $stderr"
}

@test "a report that cannot be written when nothing changed (a no-op, a dry run): exit 7" {
	seed_in_mode 1
	run -7 --separate-stderr bash -c '"$@" >/dev/full' _ oset_cmd --mode 1
	[[ $stderr == *"cannot write the output"* && $stderr != *"stays"* ]] || fail "stderr: $stderr"
	run -7 --separate-stderr bash -c '"$@" >/dev/full' _ oset_cmd --mode 0 --dry-run
	assert_knob memory 1
}
