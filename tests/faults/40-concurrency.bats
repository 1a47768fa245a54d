#!/usr/bin/env bats
# 40-concurrency.bats - racing writers on ONE fake tree (same --proc, same --root):
# 16 parallel set --persist / profile NAME --persist runs with different policies, for
# several rounds; a lock held by a dead process; a run that waits says so after a second;
# a run killed inside its transaction while another waits.
#
# SAFETY: every ovc run goes through fx_ovc or fx_bg (writer_args_safe: --proc and --root
# inside $BATS_TEST_TMPDIR); only processes started here are killed, by PID.

load ../helpers/common
load lib

ROUNDS=${OVC_FAULTS_ROUNDS:-10}
PARALLEL=16

setup_file() {
	host_snapshot
}

setup() {
	fx_shim
	FX_W=$BATS_TEST_TMPDIR
	FX_C=$FX_W/case
	: "${FX_COUNTS:=${OVC_FAULTS_COUNTS:-${BATS_RUN_TMPDIR:-$FX_W}/ovc-faults-counts}}"
	PIDS=()
	FX_BG_ENV=()
	LOCK=$FX_C/root/run/ovc/lock
}

teardown() {
	local p

	for p in "${PIDS[@]}"; do   # only what this test started
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	assert_host_unchanged
}

fresh_tree() {
	rm -rf "$FX_C"
	fx_make_root "$FX_C/root"
	cp -a "$FIXTURES/seed-24g-noswap/proc" "$FX_C/proc"   # 0/50/0
}

# fx_bg NAME ARGS...: start ovc ARGS in the background (after writer_args_safe), its
# stdout, stderr and exit status in $FX_W/NAME.{out,err,rc}; its PID in PIDS and BG_PID
fx_bg() {
	local name=$1

	shift
	writer_args_safe "$@" || return 99
	(
		rc=0
		env ${FX_BG_ENV[@]+"${FX_BG_ENV[@]}"} "$OVC" "$@" >"$FX_W/$name.out" 2>"$FX_W/$name.err" || rc=$?
		echo "$rc" >"$FX_W/$name.rc"
	) &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# hold the lock in a process of our own (flock(1) on an fd the process keeps): its PID
hold_lock() {
	mkdir -p "$(dirname "$LOCK")"
	rm -f "$FX_W/held"
	bash -c 'exec 9>>"$1" && flock -x 9 && : >"$2" && exec sleep 60' _ "$LOCK" "$FX_W/held" &
	HOLDER=$!
	PIDS+=("$HOLDER")
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -e $FX_W/held ]] && return 0
		sleep 0.02
	done
	fail "the lock holder did not start"
}

# the policy the drop-in sets: "mode ratio kbytes" as the kernel would hold it
dropin_policy() {
	awk -F' = ' '
		$1 == "vm.overcommit_memory" { m = $2 }
		$1 == "vm.overcommit_ratio" { r = $2 }
		$1 == "vm.overcommit_kbytes" { k = $2 }
		END { if (k != "" && k != 0) r = 0; else k = 0; print m, r, k }' "$1"
}

runtime_policy() {
	local m r k

	read -r m <"$FX_C/proc/sys/vm/overcommit_memory"
	read -r r <"$FX_C/proc/sys/vm/overcommit_ratio"
	read -r k <"$FX_C/proc/sys/vm/overcommit_kbytes"
	echo "$m $r $k"
}

# serialised: an order exists in which each run's "before" is the previous run's
# "after", from the initial state to the final one (an Euler path over before->after)
check_chain() {
	python3 - "$@" <<-'EOF'
		import json, sys
		from collections import Counter
		start, final, files = sys.argv[1], sys.argv[2], sys.argv[3:]
		edges = Counter()
		for f in files:
		    d = json.load(open(f))
		    t = lambda s: "%d %d %d" % (s["mode"], s["ratio"], s["kbytes"])
		    edges[(t(d["before"]), t(d["after"]))] += 1
		n = sum(edges.values())
		sys.setrecursionlimit(10000)
		def walk(at, left):
		    if left == 0:
		        return at == final
		    for (b, a), c in list(edges.items()):
		        if b == at and c:
		            edges[(b, a)] -= 1
		            ok = walk(a, left - 1)
		            edges[(b, a)] += 1
		            if ok:
		                return True
		    return False
		if not walk(start, n):
		    print("no serial order explains the runs' before/after states:")
		    for (b, a), c in sorted(edges.items()):
		        print("  %s -> %s  x%d" % (b, a, c))
		    sys.exit(1)
	EOF
}

# the 16 jobs: 12 set runs with distinct policies, 4 profiles (two of them set only the mode)
JOBS=()
for ((i = 0; i < 12; i++)); do
	JOBS+=("set --mode $((i % 3)) --ratio $((30 + 5 * i)) --persist --json")
done
JOBS+=("profile kernel-default --persist --json" "profile strict --persist --json"
	"profile kubernetes-node --persist --json" "profile sparse-arrays --persist --json")
unset i

# race_round TAG N: start jobs 0..N-1 at once, in a random order, on a fresh tree; wait
race_round() {
	local tag=$1 n=$2 i name

	fresh_tree
	PIDS=()
	NAMES=()
	for i in $(shuf -i 0-$((n - 1))); do
		name=$tag-$i
		NAMES+=("$name")
		# shellcheck disable=SC2086
		fx_bg "$name" ${JOBS[i]} --proc "$FX_C/proc" --root "$FX_C/root"
	done
	for i in "${PIDS[@]}"; do
		wait "$i" || true
	done
	PIDS=()
}

# verify_round: the invariants after a race; 0, or 1 with the first violation in WHY.
# Counts: INV (checks), WAITED (runs that said they waited), REFUSED (exit 3).
verify_round() {
	local name rc dp rt
	local -a changed=()

	WHY=
	for name in "${NAMES[@]}"; do
		rc=$(cat "$FX_W/$name.rc")
		# 0, or a documented refusal (3: the guard); nothing else
		INV=$((INV + 1))
		[[ $rc == 0 || $rc == 3 ]] || {
			WHY="$name exit $rc: $(cat "$FX_W/$name.err")"
			return 1
		}
		[[ $rc == 3 ]] && REFUSED=$((REFUSED + 1))
		# stderr: nothing, or that it waited for the lock
		INV=$((INV + 1))
		if [[ -s $FX_W/$name.err ]]; then
			grep -qx "ovc: waiting for another ovc that holds $LOCK" "$FX_W/$name.err" || {
				WHY="$name stderr: $(cat "$FX_W/$name.err")"
				return 1
			}
			WAITED=$((WAITED + 1))
		fi
		[[ $rc == 0 ]] && changed+=("$FX_W/$name.out")
	done
	# no temporaries; one drop-in, and the running values are what it sets
	INV=$((INV + 3))
	[[ -z $(fx_temps) ]] || { WHY="temporaries left: $(fx_temps)"; return 1; }
	[[ -f $FX_C/root/etc/sysctl.d/99-zz-ovc.conf ]] || { WHY="no drop-in"; return 1; }
	[[ $(find "$FX_C/root/etc/sysctl.d" -mindepth 1 | wc -l) == 1 ]] || {
		WHY="sysctl.d holds $(ls -A "$FX_C/root/etc/sysctl.d")"
		return 1
	}
	dp=$(dropin_policy "$FX_C/root/etc/sysctl.d/99-zz-ovc.conf")
	rt=$(runtime_policy)
	INV=$((INV + 1))
	[[ $dp == "$rt" ]] || { WHY="drop-in sets '$dp', runtime holds '$rt'"; return 1; }
	# ... and equal one of the policies a run asked for (its "after")
	INV=$((INV + 1))
	jq -r '"\(.after.mode) \(.after.ratio) \(.after.kbytes)"' "${changed[@]}" | grep -qxF "$rt" || {
		WHY="the final '$rt' is no run's result"
		return 1
	}
	# ... and the runs form one serial chain from 0/50/0 to it
	INV=$((INV + 1))
	WHY=$(check_chain "0 50 0" "$rt" "${changed[@]}") || {
		WHY="not serialised: $WHY"
		return 1
	}
	# the boot configuration and the running values agree for ovc verify too
	INV=$((INV + 1))
	WHY=$("$OVC" verify --proc "$FX_C/proc" --root "$FX_C/root" 2>&1) || {
		WHY="verify: $WHY"
		return 1
	}
	WHY=
}

@test "16 parallel set --persist / profile --persist on one tree, $ROUNDS rounds: serialised, agree, no temporaries" {
	local round
	INV=0 WAITED=0 REFUSED=0

	((${#JOBS[@]} == PARALLEL))
	for ((round = 1; round <= ROUNDS; round++)); do
		race_round "r$round" "$PARALLEL"
		verify_round || fail "round $round: $WHY"
	done
	fx_count parallel $((ROUNDS * PARALLEL))
	fx_count invariants "$INV"
	fx_count runs $((ROUNDS * PARALLEL))
	echo "# $ROUNDS rounds x $PARALLEL parallel runs: $WAITED said they waited, $REFUSED refused, $INV checks" >&3
}

@test "the race checks have teeth: with flock made a no-op (the shim), they catch the race" {
	INV=0 WAITED=0 REFUSED=0
	# every run pauses after reading the state, before staging: without the lock all
	# read 0/50/0, and no serial order explains what they did
	FX_BG_ENV=(LD_PRELOAD="$OVC_FAULT_SHIM" OVC_FAULT_JAIL="$FX_W"
		"OVC_FAULT=flock:*/case/root/run/ovc/lock:*:SKIP"
		"OVC_FAULT_PAUSE=openat:*/case/root/etc/sysctl.d/.99-zz-ovc.conf.ovc-tmp.*:1:400")
	race_round m 4
	! verify_round || fail "four unlocked runs passed the race checks"
	echo "# caught: $WHY" | head -c 300 >&3
	echo >&3
	fx_count invariants "$INV"
	fx_count runs 4
}

@test "a lock held by a process killed with SIGKILL does not block the next run" {
	fresh_tree
	hold_lock
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	local t0=$EPOCHREALTIME t1
	fx_ovc "$FX_W/o" "$FX_W/e" -- set --mode 1 --persist --proc "$FX_C/proc" --root "$FX_C/root"
	t1=$EPOCHREALTIME
	assert_equal "$FX_RC" 0
	# it never waited: ovc says so after a second without the lock
	assert_equal "$(cat "$FX_W/e")" ""
	echo "# the next run took $(bc <<<"$t1 - $t0") s" >&3
	assert_equal "$(runtime_policy)" "1 50 0"
	fx_count invariants 3
	fx_count runs 1
}

@test "a run that waits for the lock says so after about a second, then proceeds" {
	fresh_tree
	hold_lock
	local t0=$EPOCHREALTIME t saw_at=''
	FX_BG_ENV=()
	fx_bg waiter set --mode 1 --persist --proc "$FX_C/proc" --root "$FX_C/root"
	local waiter=$BG_PID
	while :; do
		t=$(bc <<<"$EPOCHREALTIME - $t0")
		if grep -q "waiting for another ovc" "$FX_W/waiter.err" 2>/dev/null; then
			saw_at=$t
			break
		fi
		(( $(bc <<<"$t > 10") )) && break
		sleep 0.05
	done
	[[ -n $saw_at ]] || fail "no 'waiting' message within 10 s: $(cat "$FX_W/waiter.err")"
	assert_equal "$(cat "$FX_W/waiter.err")" "ovc: waiting for another ovc that holds $LOCK"
	(( $(bc <<<"$saw_at >= 0.9") )) || fail "said it waited after only $saw_at s"
	# still waiting: nothing written
	[[ ! -e $FX_W/waiter.rc ]] || fail "the waiter finished while the lock was held"
	assert_equal "$(runtime_policy)" "0 50 0"
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	wait "$waiter" || true
	assert_equal "$(cat "$FX_W/waiter.rc")" 0
	assert_equal "$(runtime_policy)" "1 50 0"
	echo "# the waiter said so after ${saw_at}s" >&3
	fx_count invariants 6
	fx_count runs 1
}

@test "an ovc killed inside its transaction (holding the lock) while another waits: the other completes, cleans up, and wins" {
	fresh_tree
	# A stops after staging its temporary and writing the runtime values, before the
	# rename: paused there (the lock held), it is killed with SIGKILL
	FX_BG_ENV=(LD_PRELOAD="$OVC_FAULT_SHIM" OVC_FAULT_JAIL="$FX_W" OVC_FAULT_LOG="$FX_W/a.log"
		"OVC_FAULT_PAUSE=renameat:*/case/root/etc/sysctl.d/99-zz-ovc.conf:1:30000")
	fx_bg a set --mode 2 --ratio 60 --persist --proc "$FX_C/proc" --root "$FX_C/root"
	local a=$BG_PID i
	for ((i = 0; i < 500; i++)); do
		grep -q '^pause' "$FX_W/a.log" 2>/dev/null && break
		sleep 0.02
	done
	grep -q '^pause' "$FX_W/a.log" || fail "A never reached its stop point"
	compgen -G "$FX_C/root/etc/sysctl.d/.99-zz-ovc.conf.ovc-tmp.*" >/dev/null ||
		fail "A has no temporary at its stop point"
	FX_BG_ENV=()
	fx_bg b set --mode 1 --ratio 70 --persist --proc "$FX_C/proc" --root "$FX_C/root"
	local b=$BG_PID
	sleep 0.3
	[[ ! -e $FX_W/b.rc ]] || fail "B did not wait for A's lock: $(cat "$FX_W/b.err")"
	# the ovc process is the subshell's child: kill exactly it (A's pid from its temp name)
	local tmp apid
	tmp=$(compgen -G "$FX_C/root/etc/sysctl.d/.99-zz-ovc.conf.ovc-tmp.*")
	apid=${tmp##*.ovc-tmp.}
	apid=${apid%%.*}
	[[ $(ps -o ppid= -p "$apid" | tr -d ' ') == "$a" ]] || fail "pid $apid is not the ovc started here"
	kill -9 "$apid"
	wait "$a" || true
	assert_equal "$(cat "$FX_W/a.rc")" 137
	wait "$b" || true
	assert_equal "$(cat "$FX_W/b.rc")" 0
	assert_equal "$(runtime_policy)" "1 70 0"
	assert_equal "$(dropin_policy "$FX_C/root/etc/sysctl.d/99-zz-ovc.conf")" "1 70 0"
	[[ -z $(fx_temps) ]] || fail "temporaries left: $(fx_temps)"
	fx_count kills 1
	fx_count invariants 6
	fx_count runs 2
}
