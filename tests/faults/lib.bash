# shellcheck shell=bash
# tests/faults/lib.bash - fault injection and kill -9 for ovc's change transaction.
#
# Load after ../helpers/common (which gives $OVC, writer_args_safe and the fixtures):
#     load ../helpers/common
#     load lib
# tests/faults/repro sources it outside bats, to replay one case by hand.
#
# A scenario is one writer command on a fake tree: a copy of a fixture host's proc/ and a
# temporary root, both in $FX_W/case (inside $BATS_TEST_TMPDIR). fx_prepare builds the
# scenario's starting point once (template), runs the command once without faults to learn
# the NEW state and, with the shim tracing, every call the run makes. Each case then
# starts from a fresh copy of the template, runs the command under the shim with one fault
# (or one SIGKILL) and checks the invariants (see README.md):
#   I1 the drop-in is the old one or the new one, byte for byte (md5), never partial
#   I2 no temporary .99-zz-ovc.conf.ovc-tmp.* is left (after a kill: the next run removes it)
#   I3 the runtime files are exactly the old ones or exactly the new ones
#   I4 ... and agree with the drop-in: both old or both new
#   I5 the exit status is the documented one for the errno (ovc(8) EXIT STATUS)
#   I6 stderr names the path and the errno text
#   I7 a failed run (non-zero) left the old state: it undid what it had written
#   I8 the fault was really injected (the shim logged it): no check passes vacuously
# Counts go to $FX_COUNTS (one "name value" a line); 99-summary.bats prints the totals.
#
# SAFETY: every ovc run goes through fx_ovc: writer_args_safe on its arguments (--proc
# and --root inside $BATS_TEST_TMPDIR, --proc not a procfs), and the shim's jail
# (OVC_FAULT_JAIL=$BATS_TEST_TMPDIR) refuses any path-changing call outside the test dir.

FX_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${OVC_FAULT_SHIM:=$REPO_DIR/build/faults/shim.so}"
FX_DROPIN_REL=root/etc/sysctl.d/99-zz-ovc.conf

# an ASan build (make SANITIZE=1 check-faults) accepts a preloaded library before its runtime
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

declare -gA FX_STRERROR=(
	[ENOSPC]="No space left on device" [EIO]="Input/output error"
	[EROFS]="Read-only file system" [EACCES]="Permission denied"
	[EPERM]="Operation not permitted"
)
# ovc(8) EXIT STATUS: 4 EACCES/EPERM, 5 EROFS, 7 any other system or I/O error
declare -gA FX_EXIT=([ENOSPC]=7 [EIO]=7 [EROFS]=5 [EACCES]=4 [EPERM]=4)
# shellcheck disable=SC2034 # used by the bats files
declare -ga FX_ERRNOS=(ENOSPC EIO EROFS EACCES EPERM)

# The shim: built by make check-faults; built here into the run's temp dir otherwise.
fx_shim() {
	if [[ ! -f $OVC_FAULT_SHIM ]]; then
		local out=${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/ovc-fault-shim.so
		if [[ ! -f $out ]]; then
			"${CC:-cc}" -std=gnu11 -O2 -Wall -Wextra -U_FORTIFY_SOURCE -shared -fPIC \
				-o "$out" "$FX_LIB_DIR/shim.c" -ldl ||
				return 1
		fi
		OVC_FAULT_SHIM=$out
	fi
	export OVC_FAULT_SHIM
}

fx_count() {
	echo "$1 $2" >>"$FX_COUNTS"
}

# --- scenarios ------------------------------------------------------------------------------
#
# fx_scenario NAME: SC_HOST (fixture), SC_PRE (commands run before, each a string of
# arguments), SC_CMD (the command under test), SC_RUNTIME (1: it changes the running values)

fx_scenario() {
	SC_NAME=$1
	SC_HOST=seed-24g-noswap   # 0/50/0, 24 GiB, no swap
	SC_RUNTIME=1
	SC_NO_DIR=0
	case $1 in
	set)        # creates the drop-in (none before); all three runtime files change
		SC_PRE=()
		SC_CMD=(set --mode 2 --kbytes 16G --persist) ;;
	mkdir)      # the same without root/etc/sysctl.d: ovc creates it (mkdirat, fsync etc/)
		SC_PRE=()
		SC_NO_DIR=1
		SC_CMD=(set --mode 2 --kbytes 16G --persist) ;;
	persist)    # replaces ovc's drop-in (mode 1 before); runtime untouched
		SC_PRE=("persist --mode 1")
		SC_CMD=(persist --mode 2 --ratio 80)
		SC_RUNTIME=0 ;;
	reset)      # 2/0/16G and its drop-in before: back to 0/50/0, drop-in removed
		SC_PRE=("set --mode 2 --kbytes 16G --persist")
		SC_CMD=(reset --persist) ;;
	profile)    # sparse-arrays (1/50/0, its drop-in) before; strict: mode 2, its limit
		SC_PRE=("profile sparse-arrays --persist")
		SC_CMD=(profile strict --persist) ;;
	*)
		echo "unknown scenario '$1'" >&2
		return 1 ;;
	esac
}

# fx_ovc OUT ERR [VAR=VALUE...] -- ARGS...: one ovc run, its exit status in FX_RC.
# ARGS must name --proc and --root inside $BATS_TEST_TMPDIR (writer_args_safe).
fx_ovc() {
	local out=$1 err=$2
	local -a envs=()

	shift 2
	while (($#)) && [[ $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	shift
	# writer_args_safe on these exact arguments (checked once: a matrix repeats them)
	local key
	printf -v key '%q ' "$@"
	if [[ $key != "${FX_SAFE_KEY:-}" ]]; then
		if ! writer_args_safe "$@"; then
			FX_RC=99
			return 99
		fi
		FX_SAFE_KEY=$key
	fi
	# a killed child makes bash print "Killed": keep that out of the test's output
	FX_RC=0
	{ env ${envs[@]+"${envs[@]}"} "$OVC" "$@" >"$out" 2>"$err"; } 2>/dev/null || FX_RC=$?
	return 0
}

# fx_case_args: the scenario's command on the case tree
fx_case_args() {
	FX_ARGS=("${SC_CMD[@]}" --proc "$FX_C/proc" --root "$FX_C/root")
}

fx_fresh_case() {
	rm -rf "$FX_C"
	cp -a "$FX_TPL" "$FX_C"
}

# fx_state DIR: FX_S=(md5 memory, ratio, kbytes, drop-in or "absent") and FX_V (values)
fx_state() {
	local d=$1 vm=$1/proc/sys/vm line m r k
	local -a sums=() files=("$vm/overcommit_memory" "$vm/overcommit_ratio" "$vm/overcommit_kbytes")

	[[ -e $d/$FX_DROPIN_REL ]] && files+=("$d/$FX_DROPIN_REL")
	while read -r line _; do
		sums+=("$line")
	done < <(md5sum "${files[@]}")
	((${#sums[@]} == 4)) || sums+=(absent)
	FX_S=("${sums[@]}")
	read -r m <"$vm/overcommit_memory" || true
	read -r r <"$vm/overcommit_ratio" || true
	read -r k <"$vm/overcommit_kbytes" || true
	FX_V=("$m" "$r" "$k")
}

# temporaries of ovc's left in the case's sysctl.d, in FX_TEMPS (a builtin glob: no fork)
fx_scan_temps() {
	local f
	# the drop-in's, the saved tree's values' and the journal's temporaries
	FX_TEMPS=
	for f in "$FX_C"/root/etc/sysctl.d/.*ovc-tmp* "$FX_C"/proc/sys/vm/.*ovc-tmp* \
		"$FX_C"/root/run/ovc/.*ovc-tmp*; do
		[[ -e $f ]] && FX_TEMPS+="${FX_TEMPS:+ }${f##*/}"
	done
	return 0
}
fx_temps() {
	fx_scan_temps
	[[ -z $FX_TEMPS ]] || echo "$FX_TEMPS"
}

# fx_slurp FILE VAR: the file's bytes into VAR ("" when missing), without a fork
fx_slurp() {
	local -n _to=$2
	_to=
	[[ -e $1 ]] || return 0
	IFS= read -r -d '' _to <"$1" || true
}

# fx_make_root DIR: a root with etc/sysctl.d and the shipped profiles where this ovc
# looks for them (its compiled-in DATADIR, asked of ovc: a read-only command)
fx_make_root() {
	local shipped

	mkdir -p "$1/etc/sysctl.d"
	shipped=$("$OVC" profile list --root "$1" --json 2>/dev/null | jq -r '.dirs[-1]') ||
		shipped=
	[[ $shipped == "$1"/* ]] || shipped=$1/usr/local/share/ovc/profiles
	mkdir -p "$shipped"
	cp "$REPO_DIR"/profiles/*.profile "$shipped/"
	chmod -R go-w "$1"
}

# fx_prepare SCENARIO: the template, OLD and NEW states, and the steps (FX_STEPS)
fx_prepare() {
	local pre

	fx_scenario "$1" || return 1
	fx_shim || return 1
	FX_W=$BATS_TEST_TMPDIR
	[[ $FX_W != *[[:space:]*?[]* ]] || {
		echo "test dir '$FX_W' has blanks or glob characters" >&2
		return 1
	}
	FX_C=$FX_W/case
	FX_TPL=$FX_W/tpl-$1
	: "${FX_COUNTS:=${OVC_FAULTS_COUNTS:-${BATS_RUN_TMPDIR:-$FX_W}/ovc-faults-counts}}"
	rm -rf "$FX_C" "$FX_TPL"
	fx_make_root "$FX_C/root"
	cp -a "$FIXTURES/$SC_HOST/proc" "$FX_C/proc"
	for pre in "${SC_PRE[@]}"; do
		# shellcheck disable=SC2086
		fx_ovc "$FX_W/pre.out" "$FX_W/pre.err" -- $pre --proc "$FX_C/proc" --root "$FX_C/root"
		((FX_RC == 0)) || {
			echo "scenario $1: '$pre' failed ($FX_RC): $(cat "$FX_W/pre.err")" >&2
			return 1
		}
	done
	((SC_NO_DIR == 0)) || rmdir "$FX_C/root/etc/sysctl.d"
	cp -a "$FX_C" "$FX_TPL"
	fx_state "$FX_C"
	FX_OLD=("${FX_S[@]}")
	FX_OLD_V=("${FX_V[@]}")

	# the run without faults, traced: NEW, and the calls it makes
	fx_case_args
	rm -f "$FX_W/trace"
	fx_ovc "$FX_W/new.out" "$FX_W/new.err" LD_PRELOAD="$OVC_FAULT_SHIM" \
		OVC_FAULT_TRACE="$FX_W/trace" OVC_FAULT_JAIL="$FX_W" -- "${FX_ARGS[@]}"
	((FX_RC == 0)) || {
		echo "scenario $1: the run without faults failed ($FX_RC): $(cat "$FX_W/new.err")" >&2
		return 1
	}
	if grep -q '^JAIL' "$FX_W/trace"; then
		echo "SAFETY: ovc tried to change a path outside the test dir:" >&2
		grep '^JAIL' "$FX_W/trace" >&2
		return 1
	fi
	[[ -s $FX_W/trace ]] || {
		echo "the shim traced nothing: is LD_PRELOAD ignored?" >&2
		return 1
	}
	fx_state "$FX_C"
	FX_NEW=("${FX_S[@]}")
	FX_NEW_V=("${FX_V[@]}")
	[[ ${FX_OLD[*]} != "${FX_NEW[*]}" ]] || {
		echo "scenario $1 changes nothing" >&2
		return 1
	}
	fx_steps "$FX_W/trace" >"$FX_W/steps"
	mapfile -t FX_STEPS <"$FX_W/steps"
	((${#FX_STEPS[@]} > 0))
}

# fx_steps TRACE: the change's steps, one "op pattern nth class" a line.
# pattern: the path with $FX_W replaced by "*" (and the temporary's pid.n by "*"), so the
# same step matches in any test dir; nth: the shim's count of (op, pattern) so far.
# class: w a write step (must fail, documented exit), r a read step of the transaction
# (must fail; EROFS not tried: an open for reading never gets it), t tolerated: ovc may
# go on without it, and then the change must be whole (the pread of a saved tree's old
# bytes; the scan of sysctl.d for stale temporaries; a sysctl.d file the boot tools
# could not read either, which ovc skips as they do; closing the lock), l the lock
# (flock: kill only).
# Selected: the lock file; after the lock is taken, every call on the three runtime files
# and under root/etc/sysctl.d (the directory, the drop-in, the temporary; its mkdirat and
# the fsync of etc/ when ovc creates it); for close, only of a file opened for writing.
# Calls that failed in the traced run are not steps.
fx_steps() {
	awk -v base="$FX_W" '
	function norm(p,   r) {
		if (index(p, base "/") != 1) return ""
		r = "*" substr(p, length(base) + 1)
		sub(/\.ovc-tmp\.[0-9]+\.[0-9]+$/, ".ovc-tmp.*", r)
		return r
	}
	$1 == "JAIL" { next }
	{
		op = $1; path = $2; fl = $3; res = $4
		pat = norm(path)
		n = ++cnt[op " " pat]
		if (op ~ /^open/) { lastfl[path] = fl; wrote[path] = 0 }
		if (op ~ /^(write|pwrite|ftruncate)$/) wrote[path] = 1
		if (op == "flock") locked = 1
		if (pat == "" || res ~ /^-/) next
		lock = pat ~ /\/case\/root\/run\/lock\/ovc\.lock$/
		if (!lock && !locked) next
		if (!lock && pat !~ /\/case\/root\/etc\/sysctl\.d(\/|$)/ &&
		    !(pat ~ /\/case\/root\/(etc|run)$/ && op == "fsync") &&
		    pat !~ /\/case\/root\/run\/ovc(\/|$)/ &&
		    pat !~ /\/case\/proc\/sys\/vm\/\.?overcommit_(memory|ratio|kbytes)(\.ovc-tmp)?$/) next
		cls = ""
		if (op ~ /^open/) cls = fl == "w" ? "w" : "r"
		else if (op == "close") {
			if (lastfl[path] != "w") next
			# a runtime file opened for writing only to check the permission and keep
			# its old bytes: its value goes in through a temporary and a rename
			cls = lock || !wrote[path] ? "t" : "w"
		}
		else if (op == "pread") cls = "t"
		else if (op == "flock") cls = "l"
		else if (op ~ /^(write|pwrite|ftruncate|fsync|fdatasync|renameat|unlinkat|fchmod|fchown|mkdirat)$/) cls = "w"
		else next
		# tolerated: the scan for stale temporaries (openat of "sysctl.d/.") is best
		# effort; a sysctl.d file the boot tools could not open (EACCES, EPERM) does
		# not count for them, so ovc skips it too (confdirs.c); closing the lock
		if (op ~ /^open/ && cls == "r" && pat ~ /\/\.$/) cls = "t"
		# tolerated: removing the journal once the change is whole (ovc warns; the
		# next run finds the change done and removes it), and the removal of the
		# temporary a killed run left before a value is written (best effort: O_EXCL
		# create follows, which fails if it is still there)
		if ((op == "unlinkat" && pat ~ /\/run\/ovc\/journal$/) ||
		    (op == "fsync" && pat ~ /\/run\/ovc$/ && seen_unlink_journal)) cls = "t"
		if (op == "unlinkat" && pat ~ /\/run\/ovc\/journal$/) seen_unlink_journal = 1
		if (op == "openat2" && cls == "r" && pat ~ /\/etc\/sysctl\.d\/[^\/]+$/) cls = "t"
		print op, pat, n, cls
	}' "$1"
}

# --- checks ------------------------------------------------------------------------------------
#
# chk ID STATUS MESSAGE: one invariant checked (STATUS 0: it holds). A violation is kept
# in FX_BAD, or in FX_KNOWN when ID is a KNOWN-BUG-* one (see README.md "Known bugs").

fx_reset_checks() {
	FX_INV=0
	FX_BAD=()
	FX_KNOWN=()
	FX_NFAULT=0
	FX_NKILL=0
	FX_NRUN=0
	unset FX_KSEEN FX_KHIT
	declare -gA FX_KSEEN=() FX_KHIT=()
}

chk() {
	local id=$1 st=$2 msg=$3

	FX_INV=$((FX_INV + 1))
	[[ $id == KNOWN-BUG-* ]] && FX_KSEEN[${id%%:*}]=1
	((st == 0)) && return 0
	msg=${msg//$'\n'/ \\n }
	if [[ $id == KNOWN-BUG-* ]]; then
		FX_KHIT[${id%%:*}]=1
		FX_KNOWN+=("$id: $msg | $FX_REPRO")
	else
		FX_BAD+=("$id: $msg | $FX_REPRO")
	fi
	return 0
}

fx_sameas() {   # fx_sameas NAME...: FX_S equals FX_OLD or FX_NEW in the given slots
	local which=$1 i
	shift
	local -n ref=$which
	for i in "$@"; do
		[[ ${FX_S[i]} == "${ref[i]}" ]] || return 1
	done
}

# which state: RT "old", "new" or "mixed" over slots 0-2 (runtime); DI "old", "new",
# "absent" (neither old nor new) or "partial" for slot 3 (the drop-in)
fx_classify() {
	if fx_sameas FX_OLD 0 1 2; then RT=old
	elif fx_sameas FX_NEW 0 1 2; then RT=new
	else RT=mixed
	fi
	if [[ ${FX_S[3]} == "${FX_OLD[3]}" ]]; then DI=old
	elif [[ ${FX_S[3]} == "${FX_NEW[3]}" ]]; then DI=new
	elif [[ ${FX_S[3]} == absent ]]; then DI=absent
	else DI=partial
	fi
}
fx_runtime_is() {
	if fx_sameas FX_OLD 0 1 2; then echo old
	elif fx_sameas FX_NEW 0 1 2; then echo new
	else echo mixed
	fi
}
fx_dropin_is() {
	if [[ ${FX_S[3]} == "${FX_OLD[3]}" ]]; then echo old
	elif [[ ${FX_S[3]} == "${FX_NEW[3]}" ]]; then echo new
	elif [[ ${FX_S[3]} == absent ]]; then echo absent
	else echo partial
	fi
}

fx_repro() {   # the command line that replays this case (tests/faults/repro)
	FX_REPRO="tests/faults/repro $SC_NAME $1='$2'"
}

# fx_shim_run VAR SPEC: the scenario's command once, from a fresh copy of the case, under
# the shim with VAR=SPEC (OVC_FAULT or OVC_FAULT_KILL), its log in $FX_W/log; FX_RC is set
fx_shim_run() {
	fx_repro "$1" "$2"
	fx_fresh_case
	fx_case_args
	rm -f "$FX_W/log"
	fx_ovc "$FX_W/out" "$FX_W/err" LD_PRELOAD="$OVC_FAULT_SHIM" "$1=$2" \
		OVC_FAULT_LOG="$FX_W/log" OVC_FAULT_JAIL="$FX_W" -- "${FX_ARGS[@]}"
	FX_NRUN=$((FX_NRUN + 1))
}

# fx_fault OP PATTERN NTH CLASS ERRNO: one errno case and its invariants
fx_fault() {
	local op=$1 pat=$2 nth=$3 cls=$4 e=$5
	local spec="$op:$pat:$nth:$e" log err path want kb=

	# KNOWN BUG 3: close(2) of a runtime file fails after its value was written: ovc
	# reports the write failed and rolls back the writes before it, not this one
	[[ $op == close && $pat == */proc/sys/vm/overcommit_* ]] && kb=KNOWN-BUG-3-close-after-write:
	fx_shim_run OVC_FAULT "$spec"
	fx_slurp "$FX_W/log" log
	fx_slurp "$FX_W/err" err
	err=${err:0:600}
	[[ $log == "fault $op "* ]] && FX_ST=0 || FX_ST=1
	chk I8-injected "$FX_ST" "the fault was not injected (exit $FX_RC): the step list is stale"
	((FX_ST == 0)) || return 0
	[[ $log != *JAIL* ]] && FX_ST=0 || FX_ST=1
	chk SAFETY-jail "$FX_ST" "a change outside the test dir was attempted: $log"
	FX_NFAULT=$((FX_NFAULT + 1))
	path=${log%%$'\n'*}
	path=${path#fault "$op" }
	path=${path% * *}
	fx_state "$FX_C"
	fx_classify
	fx_scan_temps

	[[ $DI == old || $DI == new ]] && FX_ST=0 || FX_ST=1
	chk I1-dropin "$FX_ST" "drop-in neither old nor new (md5 ${FX_S[3]}; old ${FX_OLD[3]}, new ${FX_NEW[3]})"
	[[ -z $FX_TEMPS ]] && FX_ST=0 || FX_ST=1
	chk I2-no-temp "$FX_ST" "temporary file left: $FX_TEMPS"
	[[ $RT != mixed ]] && FX_ST=0 || FX_ST=1
	chk "${kb}I3-runtime" "$FX_ST" "runtime values mixed: ${FX_V[*]} (old ${FX_OLD_V[*]}, new ${FX_NEW_V[*]})"
	if ((SC_RUNTIME)); then
		[[ $RT == "$DI" ]]
	else
		[[ $RT == old ]]
	fi && FX_ST=0 || FX_ST=1
	chk "${kb}I4-consistent" "$FX_ST" "runtime $RT but drop-in $DI (exit $FX_RC)"
	if ((FX_RC == 0)); then
		# only a tolerated step may be survived, and then the change is whole
		[[ $cls == t ]] && FX_ST=0 || FX_ST=1
		chk I5-exit "$FX_ST" "exit 0 although $op failed with $e: the failure was ignored"
		[[ $RT$DI == newnew || ($SC_RUNTIME == 0 && $RT$DI == oldnew) ]] && FX_ST=0 || FX_ST=1
		chk I4-consistent "$FX_ST" "exit 0 but runtime $RT, drop-in $DI"
		return 0
	fi
	want=${FX_EXIT[$e]}
	((FX_RC == want)) && FX_ST=0 || FX_ST=1
	chk I5-exit "$FX_ST" "exit $FX_RC for $e at $op $path, documented: $want; stderr: $err"
	[[ $RT == old && $DI == old ]] && FX_ST=0 || FX_ST=1
	chk "${kb}I7-undone" "$FX_ST" "failed (exit $FX_RC) but runtime $RT, drop-in $DI"
	# the path itself, or (a directory's fsync) "the parent of '<path>/<child>'"
	[[ $err == *"'$path'"* || $err == *"$path:"* || $err == *"parent of '$path/"* ]] &&
		FX_ST=0 || FX_ST=1
	chk I6-path "$FX_ST" "stderr does not name $path: $err"
	[[ $err == *"${FX_STRERROR[$e]}"* ]] && FX_ST=0 || FX_ST=1
	chk I6-strerror "$FX_ST" "stderr lacks '${FX_STRERROR[$e]}': $err"
}

# fx_kill OP PATTERN NTH WHEN: SIGKILL before/after one step, then the next run
fx_kill() {
	local op=$1 pat=$2 nth=$3 when=$4
	local spec="$op:$pat:$nth:$when" i ok torn log err bytes= JOURNAL=0

	fx_shim_run OVC_FAULT_KILL "$spec"
	fx_slurp "$FX_W/log" log
	[[ $log == "kill "* ]] && ((FX_RC == 137)) && FX_ST=0 || FX_ST=1
	chk I8-killed "$FX_ST" "not killed at $op $pat #$nth $when (exit $FX_RC)"
	((FX_ST == 0)) || return 0
	FX_NKILL=$((FX_NKILL + 1))
	fx_state "$FX_C"
	fx_classify

	[[ $DI == old || $DI == new ]] && FX_ST=0 || FX_ST=1
	chk I1-dropin "$FX_ST" "killed: drop-in neither old nor new (md5 ${FX_S[3]})"
	# each runtime file holds its old or its new value
	ok=0
	for i in 0 1 2; do
		[[ ${FX_V[i]} == "${FX_OLD_V[i]}" || ${FX_V[i]} == "${FX_NEW_V[i]}" ]] || ok=1
	done
	chk I3-value "$ok" "killed: a runtime value is neither old nor new: ${FX_V[*]} (old ${FX_OLD_V[*]}, new ${FX_NEW_V[*]})"
	# KNOWN BUG 4: ... byte for byte. On a saved tree ovc writes a value with pwrite at
	# offset 0 and then ftruncate: killed between the two, the file holds the new value
	# followed by the old one's tail ("0\n777216\n"), which ovc itself then refuses (exit 6).
	torn=0
	for i in 0 1 2; do
		[[ ${FX_S[i]} == "${FX_OLD[i]}" || ${FX_S[i]} == "${FX_NEW[i]}" ]] || torn=1
	done
	((torn)) && bytes=$(fx_bytes)
	if ((SC_RUNTIME)); then
		chk KNOWN-BUG-4-kill-torn-saved-file "$torn" "killed $when $op ${pat##*/}: a runtime file is neither its old nor its new bytes: $bytes"
		# A kill between two runtime writes (mixed values), or between the runtime
		# writes and the drop-in's rename/unlink (runtime new, drop-in old), is what the
		# journal (run/ovc/journal) is for: it must be there, and the next run must say
		# it finished or undid the change (checked below).
		JOURNAL=0
		[[ -e $FX_C/root/run/ovc/journal ]] && JOURNAL=1
		if ((!torn)) && [[ $RT == mixed || $RT != "$DI" ]]; then
			((JOURNAL)) && FX_ST=0 || FX_ST=1
			chk K4-journal-kept "$FX_ST" "killed $when $op ${pat##*/}: runtime $RT, drop-in $DI, and no journal to recover from"
		fi
	else
		chk I3-runtime "$torn" "killed: persist changed a runtime file: $bytes"
	fi

	# the next run (the same command, no fault) removes a temporary and completes; after
	# a torn runtime file (known bug 4) it cannot
	local k=
	((torn)) && k=KNOWN-BUG-4-kill-torn-saved-file:
	fx_ovc "$FX_W/out2" "$FX_W/err2" OVC_FAULT_JAIL="$FX_W" -- "${FX_ARGS[@]}"
	FX_NRUN=$((FX_NRUN + 1))
	fx_slurp "$FX_W/err2" err
	((FX_RC == 0)) && FX_ST=0 || FX_ST=1
	chk "${k}K1-next-run-ok" "$FX_ST" "after a kill ($when $op ${pat##*/}) the next run exits $FX_RC: ${err:0:400}"
	fx_scan_temps
	[[ -z $FX_TEMPS ]] && FX_ST=0 || FX_ST=1
	chk K2-next-run-cleans "$FX_ST" "after a kill the next run left a temporary: $FX_TEMPS"
	if ((SC_RUNTIME && JOURNAL && !torn)); then
		[[ $err == *"was interrupted during a change"* && ! -e $FX_C/root/run/ovc/journal ]] &&
			FX_ST=0 || FX_ST=1
		chk K5-next-run-recovers "$FX_ST" "after a kill with a journal the next run did not recover: ${err:0:400}"
	fi
	fx_state "$FX_C"
	[[ ${FX_V[*]} == "${FX_NEW_V[*]}" && ${FX_S[3]} == "${FX_NEW[3]}" ]] && FX_ST=0 || FX_ST=1
	chk "${k}K3-next-run-new" "$FX_ST" "after a kill the next run gives runtime ${FX_V[*]}, drop-in md5 ${FX_S[3]}; want ${FX_NEW_V[*]}, ${FX_NEW[3]}"
}

# the three runtime files' bytes, escaped (for messages)
fx_bytes() {
	local f b out=

	for f in memory ratio kbytes; do
		IFS= read -r -d '' b <"$FX_C/proc/sys/vm/overcommit_$f" || true
		out+="$f=${b@Q} "
	done
	echo "$out"
}

# fx_finish LABEL: counts to $FX_COUNTS, known bugs to fd 3, fail on any other violation
fx_finish() {
	local label=$1 v

	fx_count faults "$FX_NFAULT"
	fx_count kills "$FX_NKILL"
	fx_count invariants "$FX_INV"
	fx_count runs "$FX_NRUN"
	fx_count known "${#FX_KNOWN[@]}"
	for v in "${FX_KNOWN[@]}"; do
		echo "$label $v" >>"${FX_COUNTS}.known"
	done
	for v in "${!FX_KSEEN[@]}"; do
		echo "$v" >>"${FX_COUNTS}.kseen"
		[[ -z ${FX_KHIT[$v]:-} ]] ||
			echo "# $label: $v reproduced ($(printf '%s\n' "${FX_KNOWN[@]}" | grep -c "^$v")x)" >&3
	done
	if ((${#FX_KNOWN[@]})) && [[ ${OVC_FAULTS_STRICT:-0} == 1 ]]; then
		FX_BAD+=("${FX_KNOWN[@]}")
	fi
	if ((${#FX_BAD[@]})); then
		printf '%s\n' "${FX_BAD[@]}" >"$FX_W/violations"
		cp "$FX_W/violations" "${FX_COUNTS}.violations.${label//\//-}" 2>/dev/null || true
		head -40 "$FX_W/violations" >&2
		echo "$label: ${#FX_BAD[@]} invariant violations (of $FX_INV checks)" >&2
		return 1
	fi
}
