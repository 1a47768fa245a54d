#!/usr/bin/env bats
# 60-privilege.bats - least privilege, shown from outside the process: the capability sets
# in strace (capset before any file is opened) and in /proc/PID/status at a point where ovc
# waits; profiles, drop-ins and their directories that are links, foreign-owned or
# writable by others are refused; a link swapped in between check and use never redirects
# a write or a read (racing it); nothing in the environment changes which files ovc opens.
#
# SAFETY: every writer (set, persist, reset, profile [apply]) goes through writer_args_safe
# (helpers/common.bash: --proc and --root inside $BATS_TEST_TMPDIR, or --root alone for an
# offline image). After every test this machine's vm.overcommit_*, /etc/sysctl.d and
# /etc/ovc must be as before. Links made here point inside $BATS_TEST_TMPDIR only.

load helpers/common

SHIPPED_REL=usr/local/share/ovc/profiles   # $(DATADIR)/profiles with the default PREFIX
DROPIN_REL=etc/sysctl.d/99-zz-ovc.conf
AUDIT_MASK=$(((1 << 29) | (1 << 30)))      # CAP_AUDIT_WRITE, CAP_AUDIT_CONTROL

host_config_state() {
	ls -la --time-style=+%s.%N /etc/sysctl.d /etc/ovc /etc/ovc/profiles 2>&1 || true
}

setup_file() {
	HOST_VM_BEFORE=$(live_vm)
	HOST_CONFIG_BEFORE=$(host_config_state)
	export HOST_VM_BEFORE HOST_CONFIG_BEFORE
}

setup() {
	use_host seed-24g-noswap   # mode 0, ratio 50, kbytes 0; 24 GiB, no swap
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d" "$ROOT/etc/ovc/profiles" "$ROOT/$SHIPPED_REL"
	cp "$REPO_DIR"/profiles/*.profile "$ROOT/$SHIPPED_REL/"
	chmod -R u+rwX,go-w "$ROOT"
	DROPIN=$ROOT/$DROPIN_REL
	LOCK=$ROOT/$LOCK_REL
	BG_PIDS=()
}

teardown() {
	kill_bg_pids
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
	assert_equal "$(host_config_state)" "$HOST_CONFIG_BEFORE"
}

teardown_file() {
	[[ $(live_vm) == "$HOST_VM_BEFORE" && $(host_config_state) == "$HOST_CONFIG_BEFORE" ]] || {
		echo "this machine's vm.overcommit_* or /etc changed during 60-privilege.bats" >&2
		return 1
	}
}

# --- helpers ---------------------------------------------------------------------------

# "$OVC" CMD ARGS, a writer only after writer_args_safe (the read-only commands too, so a
# list of cases can mix them)
ovc_cmd() {
	writer_args_safe --offline-ok "${@:2}" || return 99
	"$OVC" "$@"
}

persist() { ovc_cmd persist --proc "$PROC" --root "$ROOT" "$@"; }
prof() { ovc_cmd profile "$@" --proc "$PROC" --root "$ROOT"; }

# a local profile NAME (0644, root's) with a fixed mode
local_profile() {
	local f=$ROOT/etc/ovc/profiles/$1.profile

	printf 'description = %s\nreason = r\nsource = s\nmode = %s\n' "$1" "$2" >"$f"
	chmod 644 "$f"
}

# a build with AddressSanitizer or UBSan (make SANITIZE=1 / ubsan)
ovc_sanitized() {
	grep -qa -e __asan_init -e __ubsan_handle -- "$OVC"
}

need_root() {
	[[ $(id -u) == 0 ]] || skip "needs root: the point is what ovc drops"
}

need_strace() {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	if ovc_under_valgrind; then
		skip "valgrind: strace would see valgrind's start-up (its tool, preloads, /tmp files), not ovc's"
	fi
	strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (no ptrace)"
}

need_python() {
	command -v python3 >/dev/null || skip "python3 is needed for renameat2(RENAME_EXCHANGE)"
}

# our own permitted audit capabilities, as /proc/PID/status prints a set: what a writer
# keeps (permitted only) when audit is wanted
audit_caps_hex() {
	local own

	own=$(awk '$1 == "CapPrm:" { print $2 }' /proc/self/status)
	printf '%016x\n' $((0x$own & AUDIT_MASK))
}

# strace_ovc ro|w TRACE ARGS...: "$OVC" ARGS under strace -f, into TRACE (w: a writer,
# after writer_args_safe); the syscalls that open, create, rename, remove or execute, and
# capset
STRACE_SET=capset,execve,open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat
STRACE_SET+=,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,readlink,readlinkat
strace_ovc() {
	local kind=$1 trace=$2

	shift 2
	if [[ $kind == w ]]; then
		writer_args_safe --offline-ok "$@" || return 99
	fi
	# LeakSanitizer cannot work under ptrace: no leak check while traced
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -o "$trace" -e trace="$STRACE_SET" "$OVC" "$@"
}

# Check the order in an strace: every file opened or looked up (stat, access, readlink)
# before the capset that drops
# capabilities is the dynamic loader's (or, in a sanitizer build, the sanitizer runtime's
# own reads of /proc/self before main, done with the raw open syscall); after the drop
# no execve and no capset that grants more. $2 = ro: the drop empties all three sets;
# writer: effective and inheritable empty, permitted at most the audit capabilities.
assert_caps_dropped_first() {
	local trace=$1 kind=$2 san=0 out

	ovc_sanitized && san=1
	out=$(awk -v kind="$kind" -v san="$san" '
		function loader(p) {
			return p ~ /^\/etc\/ld\.so\.(cache|preload)$/ || p ~ /\.so(\.[0-9]+)*$/ ||
			       p ~ /\/glibc-hwcaps\//
		}
		function setok(s,    e, p, i) {
			e = s; sub(/.*effective=/, "", e); sub(/,.*/, "", e)
			p = s; sub(/.*permitted=/, "", p); sub(/,.*/, "", p)
			i = s; sub(/.*inheritable=/, "", i); sub(/}.*/, "", i)
			if (e != "0" || i != "0") return 0
			if (kind == "ro") return p == "0"
			return p == "0" || p ~ /^(1<<CAP_AUDIT_WRITE|1<<CAP_AUDIT_CONTROL|\|)+$/
		}
		{ sub(/^[0-9]+ +/, "") }
		/^execve\(/ { if (++execs > 1) { print "an execve after the start: " $0; bad = 1 } next }
		/^capset\(/ {
			if ($0 !~ /= 0$/) { print "a capset failed: " $0; bad = 1 }
			if (setok($0)) dropped = 1
			else if (dropped) { print "capabilities granted again: " $0; bad = 1 }
			else pre = 1
			next
		}
		/^(open|openat|openat2|creat)\(/ {
			p = $0; sub(/^[^"]*"/, "", p); sub(/".*/, "", p)
			if (!dropped && !loader(p) && !(san && $0 ~ /^open\("\/proc\/self\//)) {
				print "opened before the capabilities were dropped: " $0; bad = 1
			}
			if (!loader(p)) opened++
		}
		/^(stat|lstat|newfstatat|statx|access|faccessat|faccessat2|readlink|readlinkat)\(/ {
			p = $0; sub(/^[^"]*"/, "", p); sub(/".*/, "", p)
			if (!dropped && p != "" && !loader(p) && !(san && p ~ /^\/proc\/self\//)) {
				print "looked up before the capabilities were dropped: " $0; bad = 1
			}
		}
		END {
			if (!dropped) { print "no capset emptied the sets"; bad = 1 }
			if (!opened) { print "the trace opened no file of ovc'\''s"; bad = 1 }
			exit bad
		}' "$trace") || fail "$out
--- trace ---
$(cut -c1-220 "$trace")"
}

# bg_ovc NAME CMD ARGS...: ovc_cmd in the background, its own pid in ${BGPID[NAME]};
# stdout, stderr and status into $BATS_TEST_TMPDIR/bg-NAME.{out,err,rc}
bg_ovc() {
	local name=$1 d=$BATS_TEST_TMPDIR/bg-$1

	shift
	writer_args_safe --offline-ok "${@:2}" || return 99
	"$OVC" "$@" </dev/null >"$d.out" 2>"$d.err" 3>&- &
	BGPID[$name]=$!
	BG_PIDS+=("$!")
}

# wait until bg NAME says it waits for the lock (ovc says so after about a second)
wait_for_waiting() {
	local d=$BATS_TEST_TMPDIR/bg-$1 i

	for ((i = 0; i < 1000; i++)); do
		[[ -s $d.err ]] && break
		sleep 0.02
	done
	assert_equal "$(cat "$d.err")" "ovc: waiting for another ovc that holds $LOCK"
}

# cap_line PID FIELD: CapEff etc. of a live process
cap_line() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# the racer: python3, renameat2(RENAME_EXCHANGE) of PATH with a link at SWAP, twice per
# round (PATH is the link, then the real entry again), until STOP exists; each round
# makes the link anew if ovc replaced it, to the next of TARGETS. Rounds into COUNT.
write_racer() {
	RACER=$BATS_TEST_TMPDIR/racer.py
	cat >"$RACER" <<-'EOF'
		import ctypes, os, sys
		libc = ctypes.CDLL(None, use_errno=True)
		path, swap, stop, count = sys.argv[1:5]
		targets = sys.argv[5:]
		n = 0
		def exchange():
		    if libc.renameat2(-100, path.encode(), -100, swap.encode(), 2) != 0:
		        sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
		while not os.path.exists(stop):
		    if os.path.lexists(swap) and not os.path.islink(swap):
		        os.unlink(swap)   # ovc replaced the link while it stood at path
		    if not os.path.lexists(swap):
		        os.symlink(targets[n % len(targets)], swap)
		    exchange()
		    exchange()
		    n += 1
		with open(count, "w") as f:
		    f.write("%d\n" % n)
	EOF
}

# start_racer NAME PATH SWAP TARGETS...
start_racer() {
	local name=$1

	shift
	python3 "$RACER" "$1" "$2" "$BATS_TEST_TMPDIR/stop-$name" "$BATS_TEST_TMPDIR/count-$name" \
		"${@:3}" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/racer-$name.err" 3>&- &
	RACERS[$name]=$!
	BG_PIDS+=("$!")
}

stop_racer() {
	touch "$BATS_TEST_TMPDIR/stop-$1"
	wait "${RACERS[$1]}" || fail "the racer failed: $(cat "$BATS_TEST_TMPDIR/racer-$1.err")"
	RACE_ROUNDS=$(cat "$BATS_TEST_TMPDIR/count-$1")
}

# race_persist RUNS REFUSAL: RUNS persist runs, alternating modes 0 and 1, while a racer
# swaps links; each exits 0 (counted in ok) or 6 with stderr matching the grep BRE REFUSAL
# (counted in refused); anything else fails the test
race_persist() {
	local i r

	ok=0 refused=0
	for ((i = 0; i < $1; i++)); do
		r=0
		persist --mode $((i % 2)) >/dev/null 2>"$BATS_TEST_TMPDIR/err" || r=$?
		case $r in
		0) ok=$((ok + 1)) ;;
		6) grep -q "$2" "$BATS_TEST_TMPDIR/err" ||
			fail "run $i, exit 6: $(cat "$BATS_TEST_TMPDIR/err")"
			refused=$((refused + 1)) ;;
		*) fail "run $i: exit $r: $(cat "$BATS_TEST_TMPDIR/err")" ;;
		esac
	done
}

# how many runs a race makes: 200, 12 under valgrind (each run there takes ~0.4 s; the
# race is proven by the other tiers, valgrind checks the memory on these paths)
race_runs() {
	if ovc_under_valgrind; then echo 12; else echo 200; fi
}

# --- read-only commands: no capability from their first syscalls on ----------------------

@test "read-only commands drop every capability before they open any file (strace)" {
	need_root
	need_strace
	local msg='MemoryError: Unable to allocate 283. GiB for an array with shape (156816, 36, 53806) and data type uint8'
	local t=$BATS_TEST_TMPDIR/trace n=0
	local -a cases=(
		"status --proc $PROC --root $ROOT"
		"--proc $PROC --root $ROOT status --json"
		"--proc $PROC"
		"status"
		"simulate --proc $PROC --mode 2 --ratio 80"
		"check --proc $PROC 300G"
		"check --proc $PROC --shape 156816,36,53806 --dtype uint8"
		"check --proc $PROC 15G --pid 4242"
		"check 1G --pid $$"
		"probe --json"
		"verify --proc $PROC --root $ROOT"
		"verify --proc $PROC --root $ROOT --profile strict"
		"profile list --root $ROOT"
		"profile show strict --proc $PROC --root $ROOT"
		"profile show redis --root $ROOT --mem 32G --swap 0"
	)
	local c
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086 # each case is a word list without blanks in its words
		run strace_ovc ro "$t.$n" $c
		((status < 2)) || fail "ovc $c: exit $status: $output"
		assert_caps_dropped_first "$t.$n" ro
		n=$((n + 1))
	done
	# the message from stdin, and as an argument
	run strace_ovc ro "$t.$n" check --proc "$PROC" --numpy-error - <<<"$msg"
	assert_equal "$status" 1
	assert_caps_dropped_first "$t.$n" ro
	run strace_ovc ro "$t.x" check --proc "$PROC" --numpy-error "$msg"
	assert_equal "$status" 1
	assert_caps_dropped_first "$t.x" ro
}

@test "a read-only command holds no capability while it works (check waiting on stdin)" {
	need_root
	local fifo=$BATS_TEST_TMPDIR/stdin pid i s
	mkfifo "$fifo"
	exec {w}<>"$fifo"
	"$OVC" --proc "$PROC" check --numpy-error - <"$fifo" >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- {w}>&- &
	pid=$!
	BG_PIDS+=("$pid")
	# blocked in read(0): the drop happened before the command read anything
	for ((i = 0; i < 500; i++)); do
		s=$(cat "/proc/$pid/syscall" 2>/dev/null) || true
		[[ $s == "0 0x0 "* ]] && break
		sleep 0.02
	done
	[[ $s == "0 0x0 "* ]] || fail "ovc never blocked reading stdin (syscall: $s)"
	assert_equal "$(cap_line "$pid" CapEff)" 0000000000000000
	assert_equal "$(cap_line "$pid" CapPrm)" 0000000000000000
	assert_equal "$(cap_line "$pid" CapInh)" 0000000000000000
	assert_equal "$(cap_line "$pid" CapAmb)" 0000000000000000
	echo 'MemoryError: Unable to allocate 283. GiB for an array with shape (156816, 36, 53806) and data type uint8' >&"$w"
	exec {w}>&-
	wait "$pid" || s=$?
	assert_equal "${s:-0}" 1
	grep -q '^Allocation: 282.89 GiB' "$BATS_TEST_TMPDIR/out" || fail "$(cat "$BATS_TEST_TMPDIR/out")"
}

# --- writers: only the audit capabilities, permitted, never effective here ----------------

@test "writers keep only the audit capabilities, permitted, before any file is opened (strace)" {
	need_root
	need_strace
	local t=$BATS_TEST_TMPDIR/trace n=0 c
	local -a cases=(
		"set --proc $PROC --root $ROOT --mode 1"
		"set --proc $PROC --root $ROOT --ratio 60 --persist"
		"persist --proc $PROC --root $ROOT --mode 2 --ratio 90"
		"persist --root $ROOT --mode 1"
		"reset --proc $PROC --root $ROOT --persist"
		"profile apply sparse-arrays --proc $PROC --root $ROOT"
		"profile strict --persist --proc $PROC --root $ROOT --audit=on"
		"profile redis --persist --root $ROOT"
		"set --proc $PROC --root $ROOT --mode 2 --dry-run --audit=off"
	)
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086
		run strace_ovc w "$t.$n" $c
		((status == 0)) || fail "ovc $c: exit $status: $output"
		# saved trees and images are never audited: nothing is ever raised
		assert_caps_dropped_first "$t.$n" writer
		n=$((n + 1))
	done
	# and each wrote where it was told: only under $ROOT and $PROC
	cat "$t".* | grep -E '^[0-9]+ +(openat|openat2|open|creat|mkdirat|renameat|unlinkat)\(' |
		grep -E 'O_WRONLY|O_RDWR|O_CREAT|mkdirat|renameat|unlinkat' |
		grep -vE "\"($ROOT|$PROC)" | grep -E 'AT_FDCWD, "/' && fail "a write outside the test trees"
	true
}

@test "persist, reset, profile apply wait for the lock with no effective capability" {
	need_root
	local want
	want=$(audit_caps_hex)
	hold_lock
	declare -gA BGPID=()
	local -a names=(persist persist_off reset_p reset set_p apply apply_p offline offline_prof)
	bg_ovc persist persist --proc "$PROC" --root "$ROOT" --mode 1
	bg_ovc persist_off persist --proc "$PROC" --root "$ROOT" --mode 1 --audit=off
	bg_ovc reset_p reset --proc "$PROC" --root "$ROOT" --persist
	bg_ovc reset reset --proc "$PROC" --root "$ROOT" --audit=on
	bg_ovc set_p set --proc "$PROC" --root "$ROOT" --ratio 60 --persist
	bg_ovc apply profile apply sparse-arrays --proc "$PROC" --root "$ROOT"
	bg_ovc apply_p profile redis --persist --proc "$PROC" --root "$ROOT"
	bg_ovc offline persist --root "$ROOT" --mode 1
	bg_ovc offline_prof profile strict --persist --root "$ROOT"
	local n pid exp
	for n in "${names[@]}"; do
		wait_for_waiting "$n"
		pid=${BGPID[$n]}
		if ovc_under_valgrind; then
			grep -qa -- --root "/proc/$pid/cmdline" || fail "pid $pid is not ovc"
		else
			assert_equal "$(readlink "/proc/$pid/exe")" "$(realpath "$OVC")"
		fi
		exp=$want
		[[ $n == persist_off ]] && exp=0000000000000000
		assert_equal "$n CapEff $(cap_line "$pid" CapEff)" "$n CapEff 0000000000000000"
		assert_equal "$n CapPrm $(cap_line "$pid" CapPrm)" "$n CapPrm $exp"
		assert_equal "$n CapInh $(cap_line "$pid" CapInh)" "$n CapInh 0000000000000000"
		assert_equal "$n CapAmb $(cap_line "$pid" CapAmb)" "$n CapAmb 0000000000000000"
	done
	kill -9 "$HOLDER"
	for n in "${names[@]}"; do
		wait "${BGPID[$n]}" || true
	done
}

# --- links, owners and modes: refused ---------------------------------------------------

@test "/etc/ovc/profiles as a link to a directory others can write: refused (exit 4), nothing applied" {
	local ww=$ROOT/etc/ovc/shared   # a sibling: a link with no ".." and no leading "/"
	mkdir -p "$ww"
	chmod 1777 "$ww"
	local_profile keep 0
	mv "$ROOT/etc/ovc/profiles/keep.profile" "$ww/evil.profile"
	mv "$ROOT/etc/ovc/profiles" "$ROOT/etc/ovc/profiles.real"
	ln -s shared "$ROOT/etc/ovc/profiles"
	local st
	st=$(tree_state "$PROC")
	run -4 --separate-stderr prof show evil
	[[ $stderr == "ovc: $ROOT/etc/ovc/profiles: the directory is writable by group or others (mode 1777)"* ]] ||
		fail "stderr: $stderr"
	run -4 --separate-stderr prof list
	# the refusal holds for a shipped name too: no silent fallback past the unsafe directory
	run -4 --separate-stderr prof apply strict --persist
	run -4 --separate-stderr ovc_cmd profile apply redis --root "$ROOT" --persist
	assert_equal "$(tree_state "$PROC")" "$st"
	[[ ! -e $DROPIN ]]
}

@test "profile directories owned by another user, or writable by the group: refused (exit 4)" {
	need_root
	chown 65534 "$ROOT/etc/ovc/profiles"
	run -4 --separate-stderr prof show strict
	[[ $stderr == "ovc: $ROOT/etc/ovc/profiles: the directory is not owned by root (uid 65534)"* ]] ||
		fail "stderr: $stderr"
	chown 0 "$ROOT/etc/ovc/profiles"
	chmod 775 "$ROOT/$SHIPPED_REL"
	run -4 --separate-stderr prof show strict
	[[ $stderr == "ovc: $ROOT/$SHIPPED_REL: the directory is writable by group or others (mode 0775)"* ]] ||
		fail "stderr: $stderr"
	# a profile whose include is unsafe is refused as a whole, naming the included file
	chmod 755 "$ROOT/$SHIPPED_REL"
	printf 'description = t\nreason = r\nsource = s\ninclude = base\n' >"$ROOT/etc/ovc/profiles/top.profile"
	chmod 644 "$ROOT/etc/ovc/profiles/top.profile"
	local_profile base 1
	chmod 666 "$ROOT/etc/ovc/profiles/base.profile"
	run -4 --separate-stderr prof show top
	[[ $stderr == "ovc: $ROOT/etc/ovc/profiles/base.profile: the file is writable by group or others (mode 0666)"* ]] ||
		fail "stderr: $stderr"
	chmod 644 "$ROOT/etc/ovc/profiles/base.profile"
	chown 65534 "$ROOT/etc/ovc/profiles/base.profile"
	run -4 --separate-stderr prof show top
	[[ $stderr == "ovc: $ROOT/etc/ovc/profiles/base.profile: the file is not owned by root (uid 65534)"* ]] ||
		fail "stderr: $stderr"
	ln -sf "$ROOT/$SHIPPED_REL/redis.profile" "$ROOT/etc/ovc/profiles/base.profile"
	run -4 --separate-stderr prof show top
	[[ $stderr == "ovc: $ROOT/etc/ovc/profiles/base.profile: is a symbolic link"* ]] ||
		fail "stderr: $stderr"
}

@test "the directories above a profile directory: another owner or group/world write refused, sticky allowed" {
	need_root
	local_profile mine 1
	run -0 prof show mine
	# whoever can rename entries in /etc/ovc (or /etc, or /usr/...) can swap the profiles
	local d
	for d in etc/ovc etc "${SHIPPED_REL%/profiles}" "${SHIPPED_REL%/ovc/profiles}"; do
		chmod 0775 "$ROOT/$d"
		run -4 --separate-stderr prof list   # reads both directories
		assert_equal "${stderr_lines[0]}" "ovc: $ROOT/$d: above the profiles, writable by group or others (mode 0775): they could swap the profile directory, so ovc refuses it (chmod go-w)"
		assert_equal "${stderr_lines[1]}" "hint: profiles, their directories and the directories above them (up to the root) must be owned by root (or by you) and writable only by their owner (a directory above may be sticky instead, as /tmp is), and a profile may not be a link"
		chmod 0755 "$ROOT/$d"
	done
	chown 65534 "$ROOT/etc/ovc"
	run -4 --separate-stderr prof list
	assert_equal "${stderr_lines[0]}" "ovc: $ROOT/etc/ovc: above the profiles, not owned by root (uid 65534): its owner could swap the profile directory, so ovc refuses it"
	# an apply is refused the same way, before anything is written
	run -4 --separate-stderr prof mine --persist
	[[ ! -e $DROPIN ]]
	assert_equal "$(cat "$PROC/sys/vm/overcommit_memory")" 0
	chown 0 "$ROOT/etc/ovc"
	# sticky and world-writable (like /tmp): only an entry's owner may rename it
	chmod 1777 "$ROOT/etc/ovc"
	run -0 prof show mine
	chmod 0755 "$ROOT/etc/ovc"
	# the root itself is not judged: it is --root's owner's tree
	chmod 0777 "$ROOT"
	run -0 prof show mine
}

@test "a profile directory linked out of the root resolves inside it: the host's files are never read" {
	if ovc_under_valgrind; then
		skip "valgrind 3.19 fails openat2 (ENOSYS): ovc falls back to plain openat, without RESOLVE_IN_ROOT"
	fi
	local outside=$BATS_TEST_TMPDIR/outside
	mkdir -p "$outside"
	chmod 755 "$outside"
	printf 'description = x\nreason = r\nsource = s\nmode = 1\n' >"$outside/evil.profile"
	chmod 644 "$outside/evil.profile"
	rmdir "$ROOT/etc/ovc/profiles"
	ln -s "$outside" "$ROOT/etc/ovc/profiles"
	run -2 --separate-stderr prof show evil
	assert_equal "$stderr" "ovc: no profile 'evil' in $ROOT/etc/ovc/profiles, $ROOT/$SHIPPED_REL or /$SHIPPED_REL"
	ln -sfn ../../../../outside "$ROOT/etc/ovc/profiles"   # ../ stops at the root too
	# openat2 fails a lookup through ".." with EAGAIN when a rename anywhere on the system
	# races it, and ovc does not retry that yet (exit 7): retried here, it is not the subject
	local i
	for ((i = 0; i < 5; i++)); do
		run --separate-stderr prof show evil
		[[ $status == 7 && $stderr == *"Resource temporarily unavailable"* ]] || break
	done
	assert_equal "$status" 2
	assert_equal "$stderr" "ovc: no profile 'evil' in $ROOT/etc/ovc/profiles, $ROOT/$SHIPPED_REL or /$SHIPPED_REL"
}

@test "profiles and drop-ins that are FIFOs or directories: refused, never a hang" {
	mkfifo "$ROOT/etc/ovc/profiles/pipe.profile"
	run -6 --separate-stderr timeout 10 "$OVC" profile show pipe --proc "$PROC" --root "$ROOT"
	assert_equal "$stderr" "ovc: $ROOT/etc/ovc/profiles/pipe.profile: is not a regular file"
	mkdir "$ROOT/etc/ovc/profiles/dir.profile"
	run -6 --separate-stderr timeout 10 "$OVC" profile show dir --proc "$PROC" --root "$ROOT"
	writer_args_safe --proc "$PROC" --root "$ROOT" || fail "unsafe"
	mkfifo "$DROPIN"
	run -6 --separate-stderr timeout 10 "$OVC" persist --proc "$PROC" --root "$ROOT" --mode 1
	assert_equal "${stderr_lines[0]}" "ovc: $DROPIN: is not a regular file"
	run -6 timeout 10 "$OVC" reset --proc "$PROC" --root "$ROOT" --persist
	[[ -p $DROPIN ]]
	# the readers skip it as the boot tools would, without blocking on it
	run -0 timeout 10 "$OVC" status --proc "$PROC" --root "$ROOT"
	run -0 timeout 10 "$OVC" verify --proc "$PROC" --root "$ROOT"
	rm "$DROPIN"
	mkdir "$DROPIN"
	run -6 --separate-stderr timeout 10 "$OVC" persist --proc "$PROC" --root "$ROOT" --mode 1
	[[ -d $DROPIN ]]
}

@test "the drop-in's directories: /etc a link, foreign-owned or group-writable: refused, nothing written" {
	need_root
	mv "$ROOT/etc" "$ROOT/etc.real"
	ln -s etc.real "$ROOT/etc"
	run -6 --separate-stderr persist --mode 1
	assert_equal "$stderr" "ovc: $ROOT/etc: is a symbolic link: ovc does not write through links (make it a real directory)"
	rm "$ROOT/etc"
	mv "$ROOT/etc.real" "$ROOT/etc"
	chmod 775 "$ROOT/etc"
	run -4 --separate-stderr persist --mode 1
	[[ $stderr == "ovc: $ROOT/etc: writable by group or others (mode 0775)"* ]] || fail "stderr: $stderr"
	chmod 755 "$ROOT/etc"
	chown 65534 "$ROOT/etc/sysctl.d"
	run -4 --separate-stderr persist --mode 1
	[[ $stderr == "ovc: $ROOT/etc/sysctl.d: not owned by root (uid 65534)"* ]] || fail "stderr: $stderr"
	run -4 --separate-stderr ovc_cmd set --proc "$PROC" --root "$ROOT" --mode 1 --persist
	# all or nothing: the running value is not changed either
	assert_equal "$(vm overcommit_memory)" 0
	[[ -z $(ls -A "$ROOT/etc/sysctl.d") ]]
}

@test "a drop-in another user owns, or anyone can write, is replaced by a new file, never written in place" {
	need_root
	run -0 persist --mode 1
	local good ino
	good=$(md5sum <"$DROPIN")
	chown 65534 "$DROPIN"
	chmod 666 "$DROPIN"
	ino=$(stat -c %i "$DROPIN")
	ln "$DROPIN" "$BATS_TEST_TMPDIR/old-inode"   # its other name keeps its bytes
	run -0 persist --mode 2 --ratio 90
	assert_equal "$(stat -c '%u %a %h' "$DROPIN")" "0 644 1"
	[[ $(stat -c %i "$DROPIN") != "$ino" ]] || fail "the old inode was written in place"
	assert_equal "$(md5sum <"$BATS_TEST_TMPDIR/old-inode")" "$good"
}

@test "a drop-in with ovc's exact bytes but another owner or mode 0666 is rewritten, not 'unchanged'" {
	need_root
	run -0 persist --mode 1
	local good ino
	good=$(cat "$DROPIN")
	for how in "chown 65534" "chmod 0666" "chmod 0620"; do
		$how "$DROPIN"
		ino=$(stat -c %i "$DROPIN")
		run -0 --separate-stderr persist --mode 1 --json
		assert_json '.changed == true and .persist.result == "written" and .persist.previous.managed'
		case $how in
		chown*) assert_json '.persist.previous.untrusted == "owned by uid 65534"' ;;
		*) assert_json --arg m "0${how#chmod 0}" '.persist.previous.untrusted == "writable by group or others (mode \($m))"' ;;
		esac
		assert_equal "$(stat -c '%u %a' "$DROPIN")" "0 644"
		[[ $(stat -c %i "$DROPIN") != "$ino" ]] || fail "$how: written in place"
		assert_equal "$(cat "$DROPIN")" "$good"
	done
	# now as ovc writes it: a no-op again
	run -0 persist --mode 1 --json
	assert_json '.changed == false and .persist.result == "unchanged" and .persist.previous.untrusted == null'
	chmod 0666 "$DROPIN"
	run -0 persist --mode 1
	assert_output --partial "Boot configuration: rewrote $DROPIN: it had the right text but was writable by group or others (mode 0666), so another user could change it."
}

@test "the lock lives in a root-only run/ovc: a world-writable one, or a lock not a file, is refused" {
	mkdir -p "${LOCK%/*}"
	chmod 1777 "${LOCK%/*}"
	run -4 --separate-stderr persist --mode 1
	[[ $stderr == "ovc: ${LOCK%/*}: writable by group or others (mode 1777)"* ]] || fail "stderr: $stderr"
	[[ ! -e $LOCK && ! -e $DROPIN ]]
	chmod 0755 "${LOCK%/*}"
	mkfifo "$LOCK"
	run -6 --separate-stderr timeout 10 "$OVC" persist --proc "$PROC" --root "$ROOT" --mode 1
	assert_equal "$stderr" "ovc: $LOCK: is not a regular file owned by root: not ovc's lock (remove it, then run ovc again)"
	rm "$LOCK"
	run -0 persist --mode 1
	assert_equal "$(stat -c '%F %a' "$LOCK")" "regular empty file 600"
	assert_equal "$(stat -c '%a' "${LOCK%/*}")" "755"
}

@test "the lock file as a link: refused, the link's target is never created or truncated" {
	mkdir -p "${LOCK%/*}"
	echo keep >"$BATS_TEST_TMPDIR/victim"
	ln -s "$BATS_TEST_TMPDIR/victim" "$LOCK"
	run -6 --separate-stderr persist --mode 1
	assert_equal "$stderr" "ovc: $LOCK: is a symbolic link: ovc does not follow links to its lock (remove it, then run ovc again)"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/victim")" keep
	ln -sfn "$BATS_TEST_TMPDIR/missing" "$LOCK"
	run -6 persist --mode 1
	[[ ! -e $BATS_TEST_TMPDIR/missing ]]
	[[ ! -e $DROPIN ]]
}

# --- races: a link swapped in between check and use ----------------------------------------

@test "race: the drop-in swapped for a link and back, 200 persist runs: never written through" {
	need_python
	write_racer
	declare -gA RACERS=()
	local runs ok refused d=$ROOT/etc/sysctl.d
	runs=$(race_runs)
	# victims: outside the root (absolute link) and inside it (a sibling, no ..)
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	echo 'vm.overcommit_memory = 2' >"$BATS_TEST_TMPDIR/outside/victim.conf"
	echo 'vm.overcommit_ratio = 7' >"$d/victim.txt"
	local before
	before=$(tree_state "$BATS_TEST_TMPDIR/outside"; stat -c '%i %.9Y %.9Z' "$d/victim.txt"; md5sum <"$d/victim.txt")
	run -0 persist --mode 1
	start_racer dropin "$DROPIN" "$d/.race-swap" "$BATS_TEST_TMPDIR/outside/victim.conf" victim.txt
	race_persist "$runs" ': is a symbolic link: ovc does not \(write\|read\) through links'
	stop_racer dropin
	echo "# $runs runs: $ok written, $refused refused (a link in place); $RACE_ROUNDS swaps" >&3
	((ok > 0)) || fail "no run wrote the drop-in"
	((RACE_ROUNDS > runs)) || fail "the racer swapped only $RACE_ROUNDS times"
	assert_equal "$(tree_state "$BATS_TEST_TMPDIR/outside"; stat -c '%i %.9Y %.9Z' "$d/victim.txt"; md5sum <"$d/victim.txt")" "$before"
	# what is left at ovc's path is ovc's own regular file, root's, 0644; no temporary
	[[ -f $DROPIN && ! -L $DROPIN ]] || fail "$(ls -la "$d")"
	assert_equal "$(stat -c '%u %a' "$DROPIN")" "0 644"
	assert_equal "$(head -1 "$DROPIN")" '# Managed by ovc(8). Do not edit: run "ovc persist" to change this file'
	[[ -z $(find "$ROOT" -name '.*ovc-tmp*') ]] || fail "temporary files left: $(find "$ROOT" -name '.*ovc-tmp*')"
}

@test "race: /etc/sysctl.d swapped for a link to another directory and back: nothing lands there" {
	need_python
	write_racer
	declare -gA RACERS=()
	local runs ok refused
	runs=$(race_runs)
	mkdir -p "$BATS_TEST_TMPDIR/outside.d" "$ROOT/etc/victim.d"
	chmod 755 "$BATS_TEST_TMPDIR/outside.d" "$ROOT/etc/victim.d"
	echo '# keep' >"$ROOT/etc/victim.d/00-keep.conf"
	local before
	before=$(tree_state "$BATS_TEST_TMPDIR/outside.d"; tree_state "$ROOT/etc/victim.d"; ls -a "$ROOT/etc/victim.d" "$BATS_TEST_TMPDIR/outside.d")
	start_racer dir "$ROOT/etc/sysctl.d" "$ROOT/etc/.race-swap" "$BATS_TEST_TMPDIR/outside.d" victim.d
	# a link at the path; "not a directory" when the link was gone again by the time ovc
	# looked at what refused its O_DIRECTORY | O_NOFOLLOW open
	race_persist "$runs" "sysctl.d: \(is a symbolic link: ovc does not write through links\|is not a directory\)"
	stop_racer dir
	echo "# $runs runs: $ok written, $refused refused; $RACE_ROUNDS swaps" >&3
	((ok > 0)) || fail "no run wrote the drop-in"
	assert_equal "$(tree_state "$BATS_TEST_TMPDIR/outside.d"; tree_state "$ROOT/etc/victim.d"; ls -a "$ROOT/etc/victim.d" "$BATS_TEST_TMPDIR/outside.d")" "$before"
	[[ -d $ROOT/etc/sysctl.d && ! -L $ROOT/etc/sysctl.d ]]
	[[ -f $DROPIN && ! -L $DROPIN ]]
	[[ -z $(find "$ROOT" "$BATS_TEST_TMPDIR/outside.d" -name '.*ovc-tmp*') ]]
}

@test "race: a profile swapped for a link to another profile and back: never read through it" {
	need_python
	write_racer
	declare -gA RACERS=()
	local runs i r good=0 refused=0
	runs=$(race_runs)
	local_profile x 0
	# the evil twin: same name, mode 1, in a directory of the root and one outside it
	mkdir -p "$ROOT/srv" "$BATS_TEST_TMPDIR/outside"
	printf 'description = evil\nreason = r\nsource = s\nmode = 1\n' |
		tee "$ROOT/srv/x.profile" >"$BATS_TEST_TMPDIR/outside/x.profile"
	chmod 644 "$ROOT/srv/x.profile" "$BATS_TEST_TMPDIR/outside/x.profile"
	start_racer prof "$ROOT/etc/ovc/profiles/x.profile" "$ROOT/etc/ovc/profiles/.race-swap" \
		/srv/x.profile "$BATS_TEST_TMPDIR/outside/x.profile"
	for ((i = 0; i < runs; i++)); do
		r=0
		"$OVC" profile show x --proc "$PROC" --root "$ROOT" --json >"$BATS_TEST_TMPDIR/out" \
			2>"$BATS_TEST_TMPDIR/err" || r=$?
		case $r in
		0) jq -e '.settings.mode == 0 and .description == "x"' \
			"$BATS_TEST_TMPDIR/out" >/dev/null || fail "run $i read another profile: $(cat "$BATS_TEST_TMPDIR/out")"
			good=$((good + 1)) ;;
		4) grep -q ": is a symbolic link: profiles drive privileged changes" "$BATS_TEST_TMPDIR/err" ||
			fail "run $i, exit 4: $(cat "$BATS_TEST_TMPDIR/err")"
			refused=$((refused + 1)) ;;
		*) fail "run $i: exit $r: $(cat "$BATS_TEST_TMPDIR/err")" ;;
		esac
	done
	stop_racer prof
	echo "# $runs runs: $good read the file, $refused refused a link; $RACE_ROUNDS swaps" >&3
	((good > 0)) || fail "no run read the profile"
}

# --- the environment selects no file -------------------------------------------------------

# the files a traced run opened, made, renamed and removed, one a line: syscall, its quoted
# paths and the errno if it failed; the loader's libraries and the temporary's pid aside
opened_set() {
	local odd=$2

	grep -vE '^[0-9]+ +execve\(' "$1" | sed -E 's/^[0-9]+ +//' | awk -v odd="$odd" '
		{
			call = $0; sub(/\(.*/, "", call)
			line = $0; paths = ""
			while (match(line, /"[^"]*"/)) {
				p = substr(line, RSTART + 1, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
				if (p ~ /^\/etc\/ld\.so\./ || p ~ /\.so(\.[0-9]+)*$/ || p ~ /\/glibc-hwcaps\// ||
				    (odd != "" && index(p, odd) == 1))
					next
				paths = paths " " p
			}
			err = ""
			if (match($0, /= -1 [A-Z]+/)) err = substr($0, RSTART + 5, RLENGTH - 5)
			print call paths (err != "" ? " -> " err : "")
		}' | sed -E 's/ovc-tmp\.[0-9]+\./ovc-tmp.PID./g' | LC_ALL=C sort -u
}

# fresh copies of the fixture host and the root, at the same paths every time
fresh_trees() {
	rm -rf "$HOST" "$ROOT"
	use_host seed-24g-noswap
	mkdir -p "$ROOT/etc/sysctl.d" "$ROOT/etc/ovc/profiles" "$ROOT/$SHIPPED_REL"
	cp "$REPO_DIR"/profiles/*.profile "$ROOT/$SHIPPED_REL/"
	chmod -R u+rwX,go-w "$ROOT"
	echo 'vm.overcommit_ratio = 60' >"$ROOT/etc/sysctl.d/50-site.conf"
}

@test "the environment changes no file ovc opens: PATH, TMPDIR, LD_LIBRARY_PATH, locale, HOME, OVC_*" {
	need_strace
	local odd=$BATS_TEST_TMPDIR/odd strace_bin
	strace_bin=$(command -v strace)
	mkdir -p "$odd/bin" "$odd/tmp" "$odd/lib" "$odd/home/.config/ovc" "$odd/profiles" "$odd/locale"
	# helpers ovc must never run: each leaves a mark
	local b
	for b in sysctl systemd-sysctl sh bash cat ls ovc; do
		printf '#!/bin/sh\ntouch %q\n' "$odd/ran-$b" >"$odd/bin/$b"
		chmod 755 "$odd/bin/$b"
	done
	printf 'description = h\nreason = r\nsource = s\nmode = 1\n' |
		tee "$odd/profiles/strict.profile" >"$odd/home/.config/ovc/strict.profile"
	local -a base=(PATH=/usr/sbin:/usr/bin:/sbin:/bin)
	[[ -n ${ASAN_OPTIONS:-} ]] && base+=("ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0")
	ovc_sanitized && [[ -z ${ASAN_OPTIONS:-} ]] && base+=(ASAN_OPTIONS=detect_leaks=0)
	[[ -n ${UBSAN_OPTIONS:-} ]] && base+=("UBSAN_OPTIONS=$UBSAN_OPTIONS")
	local -a weird=(
		"PATH=$odd/bin:." "TMPDIR=$odd/tmp" "TMP=$odd/tmp" "TEMP=$odd/tmp"
		"LD_LIBRARY_PATH=$odd/lib" "LD_BIND_NOW=1"
		LANG=de_DE.UTF-8 LC_ALL=fr_FR.UTF-8 LC_MESSAGES=ja_JP.UTF-8 LANGUAGE=de:fr
		"LOCPATH=$odd/locale" "NLSPATH=$odd/locale/%N" "GCONV_PATH=$odd/locale" TZ=Europe/Berlin
		"HOME=$odd/home" "XDG_CONFIG_HOME=$odd/home/.config" "XDG_RUNTIME_DIR=$odd/tmp"
		"XDG_CONFIG_DIRS=$odd/home" NO_COLOR= TERM=xterm-256color COLUMNS=7 LINES=2
		OVC_PROC=/proc OVC_ROOT=/ "OVC_DATADIR=$odd" "OVC_PROFILES=$odd/profiles"
		"OVC_PROFILE_DIR=$odd/profiles" OVC_CONFIG=/etc/passwd "OVC_LOCK=$odd/lock"
		OVC_AUDIT=on OVC_DEBUG=1 "SYSTEMD_SYSCTL_DIRS=$odd" "SYSCTL_CONF=$odd/sysctl.conf"
	)
	local -a cmds=(
		"status --proc $PROC --root $ROOT"
		"status --proc $PROC --root $ROOT --json"
		"verify --proc $PROC --root $ROOT"
		"verify --proc $PROC --root $ROOT --profile strict --json"
		"profile show strict --proc $PROC --root $ROOT"
		"persist --proc $PROC --root $ROOT --mode 2 --ratio 90"
		"persist --root $ROOT --mode 1 --json"
		"set --proc $PROC --root $ROOT --ratio 70 --persist"
	)
	local c n=0 clean weird_out clean_out clean_rc weird_rc
	for c in "${cmds[@]}"; do
		fresh_trees
		case $c in
		set* | persist* | reset*)
			# shellcheck disable=SC2086
			writer_args_safe --offline-ok $c || fail "unsafe: $c" ;;
		esac
		clean_rc=0
		# shellcheck disable=SC2086
		env -i "${base[@]}" "$strace_bin" -f -qq -o "$BATS_TEST_TMPDIR/clean.$n" \
			-e trace="$STRACE_SET" "$OVC" $c >"$BATS_TEST_TMPDIR/clean.out" 2>&1 || clean_rc=$?
		clean=$(opened_set "$BATS_TEST_TMPDIR/clean.$n" "")
		clean_out=$(cat "$BATS_TEST_TMPDIR/clean.out")
		fresh_trees
		weird_rc=0
		# shellcheck disable=SC2086
		env -i "${base[@]}" "${weird[@]}" "$strace_bin" -f -qq -o "$BATS_TEST_TMPDIR/weird.$n" \
			-e trace="$STRACE_SET" "$OVC" $c >"$BATS_TEST_TMPDIR/weird.out" 2>&1 || weird_rc=$?
		weird_out=$(cat "$BATS_TEST_TMPDIR/weird.out")
		assert_equal "$c: exit $weird_rc" "$c: exit $clean_rc"
		[[ $clean_rc == 0 || $clean_rc == 1 ]] || fail "$c: exit $clean_rc: $clean_out"
		[[ $(opened_set "$BATS_TEST_TMPDIR/weird.$n" "$odd/lib") == "$clean" ]] ||
			fail "$c: the files differ:
$(diff <(echo "$clean") <(opened_set "$BATS_TEST_TMPDIR/weird.$n" "$odd/lib"))"
		# the same output, too: no colour, no width, no language from the environment
		assert_equal "$weird_out" "$clean_out"
		n=$((n + 1))
	done
	[[ -z $(find "$odd" -name 'ran-*') ]] || fail "ovc ran a program: $(ls "$odd")"
	[[ -z $(ls -A "$odd/tmp") ]] || fail "something was made in TMPDIR: $(ls -A "$odd/tmp")"
}

# --- last: the tripwire ----------------------------------------------------------------

@test "zz: this machine's vm.overcommit_*, /etc/sysctl.d and /etc/ovc are unchanged by the whole file" {
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
	assert_equal "$(host_config_state)" "$HOST_CONFIG_BEFORE"
}
