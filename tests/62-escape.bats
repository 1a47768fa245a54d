#!/usr/bin/env bats
# 62-escape.bats - text from outside ovc never reaches the terminal raw: control characters
# (ESC and CSI sequences, BEL, CR, newline), C1 controls (raw 0x9b, UTF-8 U+009B) and
# bidirectional overrides in sysctl.d file names and values (verify on a --root tree), a
# --numpy-error message, an unknown command or option, a profile's description, reason and
# sources, a process name and a path quoted in an error are printed escaped (\xHH, \n,
# \r, \t, \\; ovc(8) ESCAPED TEXT) on stdout and stderr, while --json carries the text
# itself (JSON-escaped). Fixture copies and trees under $BATS_TEST_TMPDIR only; read-only
# commands only.

load helpers/common

ESC=$'\e'
BEL=$'\a'
CR=$'\r'
NL=$'\n'

setup() {
	use_host seed-24g-noswap
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d" "$ROOT/etc/ovc/profiles"
	chmod -R go-w "$ROOT"
	OUT=$BATS_TEST_TMPDIR/out
	ERR=$BATS_TEST_TMPDIR/err
}

# run_files ARGS...: run $OVC ARGS with stdout in $OUT and stderr in $ERR, byte for byte
# (bats' run would strip trailing newlines and merge nothing we need); status in $status
run_files() {
	status=0
	"$OVC" "$@" >"$OUT" 2>"$ERR" || status=$?
}

# no_raw_controls FILE...: no C0 control but the line ends, no DEL, no raw or UTF-8
# encoded CSI (0x9b, c2 9b), no U+202E; fails naming the file and showing it with cat -A
no_raw_controls() {
	local f
	for f in "$@"; do
		if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f\x9b]' "$f" ||
			LC_ALL=C grep -qF $'\xe2\x80\xae' "$f"; then
			fail "raw control bytes in $f: $(cat -A "$f")"
		fi
	done
}

@test "verify: a sysctl.d file name and value with ESC, CSI, BEL, CR and a newline are escaped" {
	local name="50-a${ESC}[31m${BEL}${CR}${NL}x.conf"
	printf 'vm.overcommit_memory = 1%s[2J%s\n' "$ESC" "$BEL" >"$ROOT/etc/sysctl.d/$name"
	printf 'vm.overcommit_ratio = 50\n' >"$ROOT/etc/sysctl.d/60-b\\x1b.conf"
	run_files --proc "$PROC" verify --root "$ROOT"
	assert_equal "$status" 0
	no_raw_controls "$OUT" "$ERR"
	grep -qF "  $ROOT/etc/sysctl.d/50-a\\x1b[31m\\x07\\r\\nx.conf:1  vm.overcommit_memory  rejected by the kernel" "$OUT"
	grep -qF "warning: $ROOT/etc/sysctl.d/50-a\\x1b[31m\\x07\\r\\nx.conf:1: the kernel rejects vm.overcommit_memory = '1\\x1b[2J\\x07' (not an integer)" "$OUT"
	# a backslash in a name is doubled: the file named '60-b\x1b.conf' reads apart from ESC
	grep -qF "$ROOT/etc/sysctl.d/60-b\\\\x1b.conf:1" "$OUT"
	# JSON carries the name and value themselves
	run -0 "$OVC" --proc "$PROC" verify --root "$ROOT" --json
	assert_json --arg f "$ROOT/etc/sysctl.d/$name" '.shadowed[0].file == $f'
	assert_json --arg v "1${ESC}[2J${BEL}" '.warnings[0].text | contains("= '"'"'" + $v + "'"'"'")'
}

@test "verify: a file that is not an assignment names the file escaped (error: line)" {
	printf 'vm.overcommit_memory\n' >"$ROOT/etc/sysctl.d/50-${ESC}]0;title${BEL}.conf"
	run_files --proc "$PROC" verify --root "$ROOT"
	no_raw_controls "$OUT" "$ERR"
	grep -qF "error: $ROOT/etc/sysctl.d/50-\\x1b]0;title\\x07.conf:1: not an assignment" "$OUT"
}

@test "check --numpy-error: the message's data type and size are escaped" {
	run_files --proc "$PROC" check --numpy-error \
		"Unable to allocate 1.00 GiB for an array with shape (134217728,) and data type ${ESC}[2J${BEL}float64"
	assert_equal "$status" 0
	no_raw_controls "$OUT" "$ERR"
	grep -qF "note: data type '\\x1b[2J\\x07float64' not understood" "$OUT"
	# from stdin the same
	"$OVC" --proc "$PROC" check --numpy-error - >"$OUT" 2>"$ERR" <<<"Unable to allocate 1.00 GiB for an array with shape (134217728,) and data type ${ESC}[2Jx"
	no_raw_controls "$OUT" "$ERR"
	grep -qF "note: data type '\\x1b[2Jx' not understood" "$OUT"
}

@test "an unknown command, option or argument is escaped on stderr; --json keeps it raw" {
	run_files "bad${ESC}]0;pwned${BEL}${CR}${NL}x"
	assert_equal "$status" 2
	no_raw_controls "$OUT" "$ERR"
	assert_equal "$(cat "$ERR")" "ovc: unknown command 'bad\\x1b]0;pwned\\x07\\r\\nx'
Try 'ovc --help'."
	run_files "--${ESC}[31m"
	assert_equal "$status" 2
	no_raw_controls "$ERR"
	assert_equal "$(head -1 "$ERR")" "ovc: unrecognized option '--\\x1b[31m'"
	run_files status "-${ESC}"
	assert_equal "$status" 2
	no_raw_controls "$ERR"
	assert_equal "$(head -1 "$ERR")" "ovc: invalid option -- '\\x1b'"
	run_files --proc "$PROC" status "x${ESC}[2J"
	assert_equal "$status" 2
	no_raw_controls "$ERR"
	assert_equal "$(head -1 "$ERR")" "ovc: unexpected argument 'x\\x1b[2J'"
	run -2 --separate-stderr "$OVC" --json "bad${ESC}x"
	assert_json --arg m "unknown command 'bad${ESC}x'" '.error.message == $m'
}

@test "an error quoting a path (--proc) is escaped on stderr; --json keeps the path" {
	run_files --proc "$BATS_TEST_TMPDIR/no${ESC}[2Jne" status
	assert_equal "$status" 6
	no_raw_controls "$OUT" "$ERR"
	grep -qF "ovc: cannot open proc directory '$BATS_TEST_TMPDIR/no\\x1b[2Jne': No such file or directory" "$ERR"
	run -6 --separate-stderr "$OVC" --proc "$BATS_TEST_TMPDIR/no${ESC}[2Jne" status --json
	assert_json --arg p "$BATS_TEST_TMPDIR/no${ESC}[2Jne" '.error.path == $p'
}

@test "a profile's description, reason and sources: C0, C1 and bidi controls escaped, UTF-8 kept" {
	printf 'description = caf\xc3\xa9 %s[2J%s desc%s x\nreason = r%s]0;t%s \xc2\x9b1m \x9b2m\nsource = s \xe2\x80\xaeevil\nmode = 1\n' \
		"$ESC" "$BEL" "$CR" "$ESC" "$BEL" >"$ROOT/etc/ovc/profiles/evil.profile"
	chmod 644 "$ROOT/etc/ovc/profiles/evil.profile"
	run_files profile list --proc "$PROC" --root "$ROOT"
	assert_equal "$status" 0
	no_raw_controls "$OUT" "$ERR"
	grep -qxF "evil                 local   café \\x1b[2J\\x07 desc\\r x" "$OUT"
	run_files profile show evil --proc "$PROC" --root "$ROOT"
	assert_equal "$status" 0
	no_raw_controls "$OUT" "$ERR"
	grep -qxF "evil: café \\x1b[2J\\x07 desc\\r x" "$OUT"
	grep -qxF "reason     r\\x1b]0;t\\x07 \\xc2\\x9b1m \\x9b2m" "$OUT"
	grep -qxF "sources    s \\xe2\\x80\\xaeevil" "$OUT"
	run -0 "$OVC" profile show evil --proc "$PROC" --root "$ROOT" --json
	assert_json --arg d "café ${ESC}[2J${BEL} desc${CR} x" '.description == $d'
}

@test "a broken profile's error quotes the file's text escaped, in list and on stderr" {
	printf 'description = x\nbogus%s[1m = 1\n' "$ESC" >"$ROOT/etc/ovc/profiles/bad.profile"
	chmod 644 "$ROOT/etc/ovc/profiles/bad.profile"
	run_files profile list --proc "$PROC" --root "$ROOT"
	no_raw_controls "$OUT" "$ERR"
	grep -qF "bad.profile:2: unknown key 'bogus\\x1b[1m'" "$OUT"
	run_files profile show bad --proc "$PROC" --root "$ROOT"
	assert_equal "$status" 6
	no_raw_controls "$OUT" "$ERR"
	grep -qF "bad.profile:2: unknown key 'bogus\\x1b[1m'" "$ERR"
}

@test "check --pid: a process name (comm) from /proc is escaped; JSON keeps it" {
	sed -i "s/^Name:.*/Name:\tpy${ESC}[2Jthon${BEL}/" "$PROC/4242/status"
	run_files --proc "$PROC" check 1G --pid 4242
	no_raw_controls "$OUT" "$ERR"
	grep -qF 'Process: 4242 (py\x1b[2Jthon\x07), VmSize' "$OUT"
	run -0 "$OVC" --proc "$PROC" check 1G --pid 4242 --json
	assert_json --arg n "py${ESC}[2Jthon${BEL}" '.process.name == $n'
}

@test "status: the kernel release and --proc path are escaped" {
	printf '6.1.0%s[31m-x\n' "$ESC" >"$PROC/sys/kernel/osrelease"
	local p=$BATS_TEST_TMPDIR/p${ESC}q
	mv "$HOST" "$p"
	run_files --proc "$p/proc" status
	assert_equal "$status" 0
	no_raw_controls "$OUT" "$ERR"
	grep -qF 'kernel 6.1.0\x1b[31m-x, 2 CPUs' "$OUT"
	grep -qxF "(read from $BATS_TEST_TMPDIR/p\\x1bq/proc)" "$OUT"
}
