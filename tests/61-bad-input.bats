#!/usr/bin/env bats
# 61-bad-input.bats - bad input never crashes ovc: every command, given malformed,
# truncated, binary, enormous (a 100 MB meminfo, 1 MB lines, a 100 MB stdin) or overflowing
# input (values past 2^64, shape products past 2^64, sizes like 99999999999T, negative
# numbers, NaN, inf, 1e400, empty strings, NUL bytes in files), exits with one clear
# message and status 2 (an option or argument) or 6 (a file), in bounded time (timeout 10)
# and memory (RLIMIT_AS 512 MiB), and writes nothing. Inputs the boot tools themselves
# tolerate (junk lines in sysctl.d, a foreign drop-in) keep their documented statuses.
#
# The memory bound is not applied to an AddressSanitizer build: ASan reserves terabytes of
# address space for its shadow memory at start-up and aborts under any such limit (its
# own reports catch runaway allocations instead). Under valgrind the timeout is 60 s.
#
# SAFETY: every writer goes through writer_args_safe (helpers/common.bash): --proc and
# --root inside $BATS_TEST_TMPDIR, or --root alone (an offline image).

load helpers/common

SHIPPED_REL=usr/local/share/ovc/profiles
MEM_LIMIT=$((512 << 20))

setup_file() {
	host_snapshot
}

setup() {
	use_host seed-24g-noswap
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d" "$ROOT/etc/ovc/profiles" "$ROOT/$SHIPPED_REL"
	cp "$REPO_DIR"/profiles/*.profile "$ROOT/$SHIPPED_REL/"
	chmod -R u+rwX,go-w "$ROOT"
	DROPIN=$ROOT/etc/sysctl.d/99-zz-ovc.conf
	ORIG=$FIXTURES/seed-24g-noswap/proc
}

teardown() {
	assert_host_unchanged
}

# --- helpers ---------------------------------------------------------------------------

ovc_asan() {
	grep -qa __asan_init -- "$OVC"
}

# bounded ARGS: "$OVC" ARGS within the time and memory bounds; a writer (set, persist,
# reset, profile apply) only after writer_args_safe
bounded() {
	local -a wrap=(timeout 10)
	local a

	ovc_under_valgrind && wrap=(timeout 60)
	ovc_asan || wrap+=(prlimit "--as=$MEM_LIMIT" --)
	for a in "$@"; do
		case $a in
		set | persist | reset | apply | profile)
			writer_args_safe --offline-ok "$@" || return 99
			break
			;;
		esac
	done
	"${wrap[@]}" "$OVC" "$@"
}

# ob ARGS: bounded, on the fixture copy
ob() {
	bounded --proc "$PROC" "$@"
}

# refused CODES WHAT: after "run --separate-stderr ...": the status is one of CODES (an
# extended regex such as 2|6); stderr starts with one "ovc: " message, followed at most by
# a hint and the Try line, short (a value is quoted, not dumped); stdout is empty; no
# sanitizer or valgrind report, no timeout (124) and no signal (128+)
refused() {
	local codes=$1 what=$2

	[[ $status =~ ^($codes)$ ]] || fail "$what: exit $status, expected $codes
stderr: ${stderr:0:1500}"
	[[ ${stderr_lines[0]-} == "ovc: "* ]] || fail "$what: no 'ovc: ' message: ${stderr:0:1500}"
	((${#stderr_lines[@]} <= 3)) || fail "$what: more than a message, a hint and a Try line:
${stderr:0:3000}"
	((${#stderr} <= 2048)) || fail "$what: a ${#stderr}-byte message: ${stderr:0:300}..."
	[[ -z $output ]] || fail "$what: stdout is not empty: ${output:0:500}"
}

# the same with --json: stdout is one error document agreeing with the status
refused_json() {
	local codes=$1 what=$2

	[[ $status =~ ^($codes)$ ]] || fail "$what: exit $status, expected $codes
stderr: ${stderr:0:1500}"
	[[ ${stderr_lines[0]-} == "ovc: "* ]] || fail "$what: no 'ovc: ' message: ${stderr:0:1500}"
	assert_one_json_document
	assert_json --argjson s "$status" '.error.exit == $s and (.error.kind == "usage" or .error.kind == "input")'
}

# survived WHAT: after "run --separate-stderr ...": a status ovc documents (0 to 9), no
# report on stderr from a sanitizer or valgrind, no timeout and no signal
survived() {
	((status <= 9)) || fail "$1: exit $status: ${stderr:0:3000}"
	[[ $stderr != *Sanitizer* && $stderr != *"runtime error"* && $stderr != *"=="[0-9]*"=="* ]] ||
		fail "$1: ${stderr:0:3000}"
}

# junk N [SEED]: N pseudo-random bytes, the same ones every run
junk() {
	perl -e 'srand($ARGV[1]); print map { chr int rand 256 } 1 .. $ARGV[0]' "$1" "${2:-42}"
}

# restore FILE: the fixture's own copy of FILE (relative to proc/)
restore() {
	cp "$ORIG/$1" "$PROC/$1"
}

# meminfo with field $1 set to the text $2
meminfo_with() {
	awk -v f="$1:" -v v="$2" '$1 == f { printf "%-16s%s kB\n", f, v; next } { print }' \
		"$ORIG/meminfo" >"$PROC/meminfo"
}

# thin ITEMS: under valgrind every $VG_EVERY-th item (3 unless a test sets it; each run
# takes ~0.4 s there), elsewhere all; NUL-terminated (items may hold newlines), for
# "while IFS= read -r -d ''"
VG_EVERY=3
thin() {
	local i=0 x

	for x in "$@"; do
		if ! ovc_under_valgrind || ((i % VG_EVERY == 0)); then
			printf '%s\0' "$x"
		fi
		i=$((i + 1))
	done
}

# thinw WORDS: the same for words, one a line, for "for w in $(thinw ...)"
thinw() {
	thin "$@" | tr '\0' '\n'
}

SYSCTL_FILES=(sys/vm/overcommit_memory sys/vm/overcommit_ratio sys/vm/overcommit_kbytes
	sys/vm/admin_reserve_kbytes sys/vm/user_reserve_kbytes)

# put_bad FILE KIND: a bad FILE (relative to proc/) of one kind
put_bad() {
	local f=$PROC/$1

	case $2 in
	binary) junk 65536 >"$f" ;;
	nul) printf '1\0\n' >"$f" ;;
	empty) : >"$f" ;;
	blank) printf '\n \t\n' >"$f" ;;
	huge) echo 99999999999999999999999 >"$f" ;;
	2^64) echo 18446744073709551616 >"$f" ;;
	nan) echo NaN >"$f" ;;
	inf) echo inf >"$f" ;;
	1e400) echo 1e400 >"$f" ;;
	hex) echo 0x10 >"$f" ;;
	trailing) echo 12abc >"$f" ;;
	two) echo '1 2' >"$f" ;;
	digits-1M) perl -e 'print "1" x 1048000, "\n"' >"$f" ;;
	line-1M) junk 1000000 7 | tr -d '\n' >"$f" ;;
	*) fail "no kind $2" ;;
	esac
}

# --- proc trees ------------------------------------------------------------------------

@test "proc tree: every sysctl file with garbage of every kind: exit 6, the file named, bounded" {
	local f k
	for f in "${SYSCTL_FILES[@]}"; do
		for k in $(thinw binary nul empty blank huge 2^64 nan inf 1e400 hex trailing two digits-1M line-1M); do
			put_bad "$f" "$k"
			run --separate-stderr ob status
			refused 6 "$f $k"
			[[ ${stderr_lines[0]} == "ovc: $PROC/$f"* ]] || fail "$f $k: the file is not named: $stderr"
			restore "$f"
		done
	done
	# negative values: out of range where the kernel's type is unsigned
	for f in sys/vm/overcommit_kbytes sys/vm/admin_reserve_kbytes sys/vm/user_reserve_kbytes; do
		echo -1 >"$PROC/$f"
		run --separate-stderr ob status
		refused 6 "$f -1"
		restore "$f"
	done
	# the signed int sysctls: one past INT_MAX and INT_MIN
	for f in sys/vm/overcommit_memory sys/vm/overcommit_ratio; do
		for k in 2147483648 -2147483649; do
			echo "$k" >"$PROC/$f"
			run --separate-stderr ob status --json
			refused_json 6 "$f $k"
			restore "$f"
		done
	done
}

@test "proc tree: osrelease, stat and zoneinfo with garbage: exit 6 where they are parsed, never a crash" {
	local k
	for k in binary nul empty blank nan line-1M; do
		put_bad sys/kernel/osrelease "$k"
		run --separate-stderr ob status
		refused 6 "osrelease $k"
		[[ ${stderr_lines[0]} == "ovc: $PROC/sys/kernel/osrelease"* ]]
	done
	for k in 99999999999999999999.1.1 6.99999999999999999999.0 4294967296.0.0 -1.0 6; do
		echo "$k" >"$PROC/sys/kernel/osrelease"
		run --separate-stderr ob status
		refused 6 "osrelease $k"
	done
	restore sys/kernel/osrelease
	# stat only counts CPUs, and says so when it finds none: read, never fatal
	for k in binary nul digits-1M line-1M; do
		put_bad stat "$k"
		run --separate-stderr ob simulate --json
		survived "stat $k"
		assert_equal "$status" 0
	done
	restore stat
	use_host old-4.19   # zoneinfo is read before 5.2
	for k in binary nul empty line-1M; do
		put_bad zoneinfo "$k"
		run --separate-stderr bounded --proc "$PROC" status
		refused 6 "zoneinfo $k"   # nothing recognisable is not "no reserve"
		[[ ${stderr_lines[0]} == "ovc: $PROC/zoneinfo"* ]] || fail "zoneinfo $k: $stderr"
	done
	printf 'Node 0, zone   Normal\n  pages free 1\n        high     NaN\n' >"$PROC/zoneinfo"
	run --separate-stderr bounded --proc "$PROC" status
	refused 6 "zoneinfo high NaN"
	[[ ${stderr_lines[0]} == "ovc: $PROC/zoneinfo:3: "* ]]
}

@test "proc tree: meminfo malformed, truncated, binary, overflowing and 100 MB: exit 6, bounded" {
	local v
	while IFS= read -r -d '' v; do
		meminfo_with MemTotal "$v"
		run --separate-stderr ob status
		refused 6 "MemTotal $v"
		[[ ${stderr_lines[0]} == "ovc: $PROC/meminfo:1: "* ]] || fail "MemTotal $v: $stderr"
		meminfo_with Committed_AS "$v"
		run --separate-stderr ob check --json 1G
		refused_json 6 "Committed_AS $v"
	done < <(thin NaN nan inf -inf 1e400 -1 99999999999999999999999 18446744073709551616 0x10 '12abc' '')
	perl -pe 's/^(MemTotal:\s+\d+)/$1\0/' "$ORIG/meminfo" >"$PROC/meminfo"
	run --separate-stderr ob status
	refused 6 "a NUL in a line"
	head -c 100 "$ORIG/meminfo" >"$PROC/meminfo"   # cut in the middle of a line
	run --separate-stderr ob status
	refused 6 "truncated meminfo"
	head -3 "$ORIG/meminfo" >"$PROC/meminfo"
	run --separate-stderr ob status
	refused 6 "three lines of meminfo"
	junk 65536 >"$PROC/meminfo"
	run --separate-stderr ob simulate
	refused 6 "binary meminfo"
	perl -e 'print "MemTotal: ", "1" x 1048000, " kB\n"' >"$PROC/meminfo"
	run --separate-stderr ob status
	refused 6 "a 1 MB MemTotal line"
	junk 1000000 9 | tr -d '\n' >"$PROC/meminfo"
	run --separate-stderr ob status
	refused 6 "a 1 MB line of junk"
	# 100 MB of well-formed lines: refused after reading a few MB, not slurped
	yes 'MemTotal:       24684092 kB' | head -c 100M >"$PROC/meminfo" || true
	assert_equal "$(stat -c %s "$PROC/meminfo")" $((100 << 20))
	local t0=$SECONDS
	run --separate-stderr ob status
	refused 6 "a 100 MB meminfo"
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/meminfo: file is larger than 4194304 bytes; not a /proc file"
	run --separate-stderr ob check --shape 10 --dtype u1
	refused 6 "a 100 MB meminfo (check)"
	rm "$PROC/meminfo"
	((SECONDS - t0 < 30)) || fail "reading past a 100 MB meminfo took $((SECONDS - t0)) s"
}

@test "proc tree: garbage for every command that reads it, writers included: exit 6, nothing written" {
	local -a cmds=(
		"status" "status --json" "simulate" "simulate --mode 2 --ratio 90 --json" "check 1G"
		"check --shape 156816,36,53806 --dtype uint8 --json" "check 1G --pid 4242"
		"verify --root $ROOT" "verify --root $ROOT --profile strict"
		"profile show strict --root $ROOT" "set --root $ROOT --mode 1 --dry-run"
		"set --root $ROOT --mode 1" "set --root $ROOT --ratio 60 --persist"
		"persist --root $ROOT" "persist --root $ROOT --mode 1"
		"reset --root $ROOT --persist" "profile apply redis --root $ROOT"
		"profile strict --persist --root $ROOT"
	)
	local f c before
	for f in meminfo "${SYSCTL_FILES[@]}" sys/kernel/osrelease; do
		junk 4096 "${#f}" >"$PROC/$f"
		# the writers take the lock (<root>/run/ovc) before they read: the rest is compared
		before=$(tree_state "$HOST"; tree_state "$ROOT/etc")
		while IFS= read -r -d '' c; do
			# shellcheck disable=SC2086 # the cases are word lists without blanks in words
			run --separate-stderr ob $c
			if [[ $c == *--json* ]]; then
				refused_json 6 "$f: $c"
			else
				refused 6 "$f: $c"
			fi
			[[ $stderr == *"$PROC/$f"* ]] || fail "$f: $c: the file is not named: $stderr"
		done < <(thin "${cmds[@]}")
		[[ $(tree_state "$HOST"; tree_state "$ROOT/etc") == "$before" ]] ||
			fail "$f: something was written"
		restore "$f"
	done
	[[ ! -e $DROPIN ]]
}

@test "proc tree: /proc/PID status, limits and uid_map with garbage: refused or read, never a crash" {
	local st=4242/status lim=4242/limits v
	for v in $'VmSize:\tNaN kB' $'VmSize:\t99999999999999999999999 kB' $'VmSize:\t-1 kB' \
		$'CapEff:\tzzzz' $'CapEff:\tffffffffffffffffffff' $'CapEff:\t-1'; do
		{ grep -v "^${v%%:*}:" "$ORIG/$st"; printf '%s\n' "$v"; } >"$PROC/$st"
		run --separate-stderr ob check 1G --pid 4242
		refused 6 "$v"
		[[ ${stderr_lines[0]} == "ovc: $PROC/$st:"* ]]
	done
	local k
	for k in binary nul empty line-1M; do
		put_bad "$st" "$k"
		run --separate-stderr ob check 1G --pid 4242
		refused 6 "status $k"   # nothing recognisable is not "no capabilities"
		[[ ${stderr_lines[0]} == "ovc: $PROC/$st"* ]] || fail "status $k: $stderr"
	done
	restore "$st"
	for v in 'Max address space         NaN                  NaN                  bytes' \
		'Max address space         99999999999999999999999 unlimited      bytes' \
		'Max address space         -1                   -1                   bytes' \
		'Max address space'; do
		{ grep -v '^Max address space' "$ORIG/$lim"; echo "$v"; } >"$PROC/$lim"
		run --separate-stderr ob check 1G --pid 4242
		refused 6 "$v"
	done
	for k in binary nul line-1M; do
		put_bad "$lim" "$k"
		run --separate-stderr ob check 1G --pid 4242
		refused 6 "limits $k"
	done
	restore "$lim"
	for k in binary nul line-1M; do
		put_bad 4242/uid_map "$k"
		run --separate-stderr ob check 1G --pid 4242 --json
		survived "uid_map $k"
		assert_equal "$status" 0
		assert_json '.process.initial_userns | type == "boolean"'
	done
}

# --- the NumPy message, shapes and dtypes ------------------------------------------------

@test "--numpy-error: malformed, truncated, overflowing and non-UTF-8 messages: exit 2" {
	local pre='MemoryError: Unable to allocate' m
	local -a msgs=(
		'' ' ' 'MemoryError' "$pre" "$pre 283. GiB for an array with shape ("
		"$pre 283. GiB for an array with shape (156816, 36, 53806) and data type"
		"$pre nan GiB for an array with shape (10,) and data type uint8"
		"$pre inf GiB for an array with shape (10,) and data type uint8"
		"$pre 1e400 GiB for an array with shape (10,) and data type uint8"
		"$pre -5 GiB for an array with shape (10,) and data type uint8"
		"$pre 99999999999999999999999 YiB for an array with shape (10,) and data type uint8"
		"$pre 1. GiB for an array with shape (-1, 5) and data type uint8"
		"$pre 1. GiB for an array with shape (99999999999999999999999,) and data type uint8"
		"$pre 1. GiB for an array with shape (NaN,) and data type uint8"
		"$pre 1. GiB for an array with shape ((1, 2)) and data type uint8"
		"$pre $(printf '\377\376') GiB for an array with shape (10,) and data type uint8"
		"$pre 1. GiB for an array with shape (1, $(printf '1, %.0s' {1..8000})1) and data type uint8"
	)
	while IFS= read -r -d '' m; do
		run --separate-stderr ob check --numpy-error "$m"
		refused 2 "message '${m:0:80}'"
	done < <(thin "${msgs[@]}")
	run --separate-stderr ob check --numpy-error "${msgs[6]}" --json
	refused_json 2 "--json"
	# a known dtype whose shape passes 2^64 bytes: NumPy's own verdict (too big, exit 1),
	# not an answer from the printed size as though the dtype were unknown
	run -1 --separate-stderr ob check --json --numpy-error "$pre 283. GiB for an array with shape (1844674407370955161, 36, 53806) and data type uint8"
	assert_json '.binding_limit == "too_big" and .size_bytes == null and .pages == null'
}

@test "--numpy-error -: binary, NUL, a 1 MB line and a 100 MB stream on stdin: exit 2, bounded" {
	run --separate-stderr ob check --numpy-error - < <(junk 65536)
	refused 2 "binary stdin"
	run --separate-stderr ob check --numpy-error - < <(printf 'MemoryError: Unable to allocate 1. GiB for an array with shape (10,) and data type uint8\0')
	refused 2 "a NUL on stdin"
	assert_equal "${stderr_lines[0]}" "ovc: the message on stdin contains a NUL byte"
	run --separate-stderr ob check --numpy-error - < <(perl -e 'print "MemoryError: Unable to allocate 1. GiB for an array with shape (", "1, " x 300000, "1) and data type uint8\n"')
	refused 2 "a 900 kB shape on stdin"
	run --separate-stderr ob check --numpy-error - </dev/null
	refused 2 "empty stdin"
	local t0=$SECONDS
	run --separate-stderr ob check --numpy-error - < <(yes 'MemoryError: Unable to allocate 283. GiB' | head -c 100M)
	refused 2 "a 100 MB stdin"
	assert_equal "${stderr_lines[0]}" "ovc: the message on stdin is over 1 MiB"
	((SECONDS - t0 < 30)) || fail "a 100 MB stdin took $((SECONDS - t0)) s"
}

@test "--shape and --dtype: malformed, negative, overflowing: exit 2; past 2^63 bytes: too big" {
	local s
	while IFS= read -r -d '' s; do
		run --separate-stderr ob check --shape "$s" --dtype f8
		refused 2 "--shape '${s:0:80}'"
	done < <(thin '' ',' '1,,2' '-1' '(-1,5)' 'NaN' 'inf' '1e400' '1.5' '(' '((1,2))' '1,2)' '2 3' \
		'99999999999999999999' '18446744073709551616' '9223372036854775808' '0x10' '010' \
		"$(printf '1,%.0s' {1..20000})1" $'1\n2' "$(printf '\377')")
	local d
	while IFS= read -r -d '' d; do
		run --separate-stderr ob check --shape 10 --dtype "$d"
		refused 2 "--dtype '${d:0:80}'"
	done < <(thin '' ' ' 'f8 ' 'f0' 'i3' 'S99999999999999999999' '<U4611686018427387904' \
		'float64[3]' 'datetime64[xyz]' 'M8[ms/0]' 'S4294967299' '(2,)U' 'i4,,f8' \
		'U9999999999999999999' 'V-1' 'NaN' 'f8f8' "$(printf 'x%.0s' {1..5000})" "$(printf '\377')")
	# a U length NumPy cannot hold is refused, not wrapped
	run --separate-stderr ob check --shape 2 --dtype 'U2305843009213693952'
	refused 2 "U2^61 x 2"
	# a dtype of n bytes times a shape past 2^63 or 2^64: NumPy's "array is too big",
	# a verdict (exit 1), neither wrapped nor a usage error
	local a
	for a in '4294967296,4294967296 S2' '4294967296,4294967296,2 f8' '2305843009213693952 f8'; do
		run -1 --separate-stderr ob check --json --shape "${a% *}" --dtype "${a#* }"
		assert_json '.binding_limit == "too_big" and .pages == null and .fits == false'
	done
}

# --- option values ---------------------------------------------------------------------

@test "every size option: overflowing, negative, NaN, inf, 1e400, empty and junk values: exit 2" {
	local -a vals=(99999999999T 18446744073709551616 340282366920938463463374607431768211456 16E
		17179869184G -1 -0 '- 5' NaN nan inf -inf Infinity 1e400 1e3 0x10 '' ' ' $'\t'
		'1G junk' G . + ++1 1..5 '5,5G' $'5\n' '１２G' "$(printf '9%.0s' {1..100000})")
	local v opt n=0 VG_EVERY=6
	# one parser per kind of size; under valgrind one option of each kind
	local -a opts=(--mem --swap --hugetlb --committed --vmsize --rlimit-as --kbytes)
	local -a popts=(--mem --swap --hugetlb)
	ovc_under_valgrind && opts=(--mem --rlimit-as --kbytes) popts=(--hugetlb)
	while IFS= read -r -d '' v; do
		for opt in "${opts[@]}"; do
			run --separate-stderr ob simulate "$opt" "$v"
			refused 2 "simulate $opt '${v:0:40}'"
			[[ ${stderr_lines[0]} == "ovc: invalid $opt '"* ]] || fail "$opt: ${stderr_lines[0]}"
		done
		run --separate-stderr ob check -- "$v"
		refused 2 "check '${v:0:40}'"
		run --separate-stderr ob check 1G --mem "$v" --json
		refused_json 2 "check --mem --json '${v:0:40}'"
		for opt in "${popts[@]}"; do
			run --separate-stderr ob profile show strict --root "$ROOT" --mem 1G --swap 1G "$opt" "$v"
			refused 2 "profile show $opt '${v:0:40}'"
		done
		run --separate-stderr ob set --root "$ROOT" --kbytes "$v"
		refused 2 "set --kbytes '${v:0:40}'"
		run --separate-stderr ob persist --root "$ROOT" --kbytes "$v"
		refused 2 "persist --kbytes '${v:0:40}'"
		n=$((n + 1))
	done < <(thin "${vals[@]}")
	((n >= 5)) || fail "only $n values tried"
	[[ ! -e $DROPIN ]]
}

@test "--ratio, --mode, --pid, --audit, --via, profile names: bad values exit 2" {
	local v
	while IFS= read -r -d '' v; do
		run --separate-stderr ob simulate --ratio "$v"
		refused 2 "--ratio '$v'"
		run --separate-stderr ob set --root "$ROOT" --ratio "$v"
		refused 2 "set --ratio '$v'"
	done < <(thin 2147483648 -2147483649 99999999999999999999 NaN inf 1e400 1.5 '' ' ' 50% 0x32 '5 0')
	while IFS= read -r -d '' v; do
		run --separate-stderr ob simulate --mode "$v"
		refused 2 "--mode '$v'"
		run --separate-stderr ob persist --root "$ROOT" --mode "$v"
		refused 2 "persist --mode '$v'"
	done < <(thin 3 -1 1.0 '' NaN inf 1e400 99999999999999999999 0x1 ' ')
	while IFS= read -r -d '' v; do
		run --separate-stderr ob check 1G --pid "$v"
		refused 2 "--pid '$v'"
	done < <(thin 0 -1 2147483648 99999999999999999999 NaN '' 1e3 ' 1' 4242x)
	while IFS= read -r -d '' v; do
		run --separate-stderr ob set --root "$ROOT" --mode 1 --audit="$v"
		refused 2 "--audit '${v:0:20}'"
	done < <(thin '' yes ON 1 "$(printf 'o%.0s' {1..5000})")
	while IFS= read -r -d '' v; do
		run --separate-stderr ob check 1G --via "$v"
		refused 2 "--via '$v'"
	done < <(thin '' brk MMAP "$(printf '\377')")
	while IFS= read -r -d '' v; do
		run --separate-stderr ob profile show "$v" --root "$ROOT"
		refused 2 "profile show '${v:0:20}'"
		run --separate-stderr ob verify --root "$ROOT" --profile "$v"
		refused 2 "verify --profile '${v:0:20}'"
	done < <(thin '' . .. ../x 'a b' "$(printf 'p%.0s' {1..300})" $'x\ny' "$(printf '\377')" -x)
	[[ ! -e $DROPIN ]]
}

# --- configuration files ---------------------------------------------------------------

@test "sysctl.d files: binary junk, NUL, overflowing values, a 1 MB line: read as the boot tools would" {
	local f=$ROOT/etc/sysctl.d/50-junk.conf
	junk 65536 >"$f"
	run --separate-stderr ob verify --root "$ROOT" --json
	survived "binary sysctl.d"
	assert_equal "$status" 0
	assert_json '.in_sync == true and .tool_fails.systemd == true'
	assert_json --arg f "$f" '[.tool_errors[] | .file] | length > 0 and all(. == $f)'
	printf 'vm.overcommit_memory = 1\0\n' >"$f"
	run --separate-stderr ob verify --root "$ROOT"
	survived "NUL in sysctl.d"
	((status <= 1))
	local v
	# (0x10 is no such case: the kernel reads sysctl numbers with base 0, so it is 16)
	for v in 99999999999999999999 -99999999999999999999 NaN inf 1e400 ''; do
		printf 'vm.overcommit_ratio = %s\nvm.overcommit_kbytes = %s\n' "$v" "$v" >"$f"
		run --separate-stderr ob verify --root "$ROOT" --json
		survived "ratio '$v'"
		assert_equal "$status" 0   # the kernel rejects the value; the key keeps its default
	done
	perl -e 'print "vm.overcommit_memory = ", "1" x 1000000, "\n"' >"$f"
	run --separate-stderr ob verify --root "$ROOT"
	survived "a 1 MB value"
	assert_equal "$status" 0
	perl -e 'print "x" x 1000000' >"$f"
	run --separate-stderr ob verify --root "$ROOT"
	survived "a 1 MB line"
	assert_equal "$status" 0
	# persist beside them: junk elsewhere shadows nothing
	run --separate-stderr ob persist --root "$ROOT" --mode 1
	survived "persist beside junk"
	assert_equal "$status" 0
	# over 1 MiB: refused, named, for every reader of the boot configuration
	perl -e 'print "# x\n" x 300000' >"$f"
	run --separate-stderr ob verify --root "$ROOT"
	refused 6 "a 1.2 MB sysctl.d file"
	assert_equal "${stderr_lines[0]}" "ovc: $f: file is larger than 1048576 bytes; not a sysctl.d file"
	run --separate-stderr ob persist --root "$ROOT" --mode 0
	refused 6 "persist beside a 1.2 MB sysctl.d file"
	assert_equal "$(sed -n 3p "$DROPIN")" "vm.overcommit_memory = 1"
}

@test "profile files with junk, overflowing values, a 1 MB line: exit 6 with the file; list marks them broken" {
	local p=$ROOT/etc/ovc/profiles/j.profile hdr=$'description = j\nreason = r\nsource = s\n' b st
	st=$(tree_state "$PROC")
	local -a bodies=(
		'mode = 99999999999999999999' 'mode = NaN' 'mode = -1' 'mode = inf' 'mode ='
		$'ratio = 1e400\nmode = 2' $'kbytes = 99999999999T\nmode = 2'
		$'kbytes = 18446744073709551616\nmode = 2' $'ratio = 2147483648\nmode = 2'
		$'ratio = -1\nmode = 2' $'commit_limit = ram * 99999999999\nmode = 2'
		$'commit_limit = 16E + 16E\nmode = 2' $'commit_limit = 99999999999999% ram\nmode = 2'
		$'commit_limit = NaN% ram\nmode = 2' $'commit_limit = ram + ram + ram + ram + ram + ram + ram + ram + ram + ram + ram + ram + ram + ram + ram + ram + ram\nmode = 2'
		$'include = \nmode = 1' $'include = ../../../etc/passwd\nmode = 1' $'mode = 1\nmode = 2'
		"mode = 1"$'\n'"foo = $(printf 'x%.0s' {1..3000})" $'mode = 1\n[section]' '= 1'
	)
	while IFS= read -r -d '' b; do
		printf '%s%s\n' "$hdr" "$b" >"$p"
		chmod 644 "$p"
		run --separate-stderr ob profile show j --root "$ROOT"
		refused 6 "profile '${b:0:60}'"
		[[ ${stderr_lines[0]} == "ovc: $p:"* || ${stderr_lines[0]} == "ovc: commit_limit = "* ]] ||
			fail "the file is not named: ${stderr_lines[0]}"
	done < <(thin "${bodies[@]}")
	local k
	for k in binary nul; do
		case $k in
		binary) junk 8192 >"$p" ;;
		nul) printf '%smode = 1\0\n' "$hdr" >"$p" ;;
		esac
		run --separate-stderr ob profile show j --root "$ROOT"
		refused 6 "profile $k"
		run --separate-stderr ob profile apply j --root "$ROOT"
		refused 6 "apply a $k profile"
		run --separate-stderr ob profile list --root "$ROOT"
		survived "list with a $k profile"
		assert_equal "$status" 0
		assert_line --regexp "^j +local +broken: $p"
	done
	perl -e 'print "description = j\nreason = ", "r" x 1000000, "\nsource = s\nmode = 1\n"' >"$p"
	run --separate-stderr ob profile show j --root "$ROOT"
	refused 6 "a 1 MB profile line"
	assert_equal "${stderr_lines[0]}" "ovc: $p: file is larger than 16384 bytes; not a profile"
	run --separate-stderr ob profile j --persist --root "$ROOT"
	refused 6 "apply a 1 MB profile"
	[[ ! -e $DROPIN ]]
	assert_equal "$(tree_state "$PROC")" "$st"
}

@test "ovc's drop-in with junk: read by status and verify; persist refuses a foreign file (3) or one over 64 KiB (6)" {
	junk 65536 >"$DROPIN"
	local sum
	sum=$(md5sum <"$DROPIN")
	run --separate-stderr ob status --root "$ROOT" --json
	survived "status, binary drop-in"
	assert_equal "$status" 0
	assert_json '.boot.dropin.managed == false'
	run --separate-stderr ob verify --root "$ROOT"
	survived "verify, binary drop-in"
	assert_equal "$status" 0
	run --separate-stderr ob persist --root "$ROOT" --mode 1
	survived "persist over a binary file"
	assert_equal "$status" 3
	[[ ${stderr_lines[0]} == "ovc: $DROPIN: exists and was not written by ovc"* ]]
	run --separate-stderr ob reset --root "$ROOT" --persist
	assert_equal "$status" 3
	assert_equal "$(md5sum <"$DROPIN")" "$sum"
	run -0 ob persist --root "$ROOT" --mode 1 --force
	# ovc's header, then junk and an overflowing value: still ovc's file, replaced whole
	{
		head -2 "$DROPIN"
		echo 'vm.overcommit_memory = 99999999999999999999'
		junk 1000
	} >"$DROPIN.new"
	mv "$DROPIN.new" "$DROPIN"
	run --separate-stderr ob status --root "$ROOT" --json
	survived "status, junk after the header"
	assert_equal "$status" 0
	run --separate-stderr ob persist --root "$ROOT" --mode 0
	survived "persist over junk after the header"
	assert_equal "$status" 0
	assert_equal "$(sed -n 3p "$DROPIN")" "vm.overcommit_memory = 0"
	# a long profile name recorded in it
	{
		cat "$DROPIN"
		printf '# profile: %s\n' "$(printf 'p%.0s' {1..300})"
	} >"$DROPIN.new"
	mv "$DROPIN.new" "$DROPIN"
	run --separate-stderr ob status --root "$ROOT"
	survived "a 300-byte profile name"
	assert_equal "$status" 0
	# over ovc's own limit: refused by the writers, named
	perl -e 'print "vm.overcommit_memory = 1\n", "#" x 100000, "\n"' >"$DROPIN"
	run --separate-stderr ob persist --root "$ROOT" --mode 0
	refused 6 "a 100 kB drop-in"
	assert_equal "${stderr_lines[0]}" "ovc: $DROPIN: file is larger than 65536 bytes; not ovc's drop-in"
	run --separate-stderr ob status --root "$ROOT"
	survived "status, a 100 kB drop-in"
	assert_equal "$status" 0
}

# --- absurd but well-formed figures --------------------------------------------------------

@test "well-formed but absurd figures (2^64 - 1 kB and friends): every command answers or refuses, never crashes" {
	# what a saved tree may hold, or root may set (admin_reserve_kbytes takes any ulong):
	# the arithmetic must not overflow, wrap wrongly or trip the sanitizers
	local -a cmds=(
		"status --json" "simulate --json" "simulate --mode 2 --json" "check 1G --json"
		"check --via mmap 100T --mode 2" "check 15G --pid 4242" "profile show strict --root $ROOT"
		"set --dry-run --mode 2 --ratio 100 --root $ROOT" "set --dry-run --mode 2 --kbytes 1G --root $ROOT"
		"persist --dry-run --mode 2 --root $ROOT --json" "verify --root $ROOT --json"
	)
	local -a values=(18446744073709551615 9223372036854775808 9223372036854775807)
	local -a fields=(MemTotal SwapTotal Committed_AS Hugetlb HugePages_Total Hugepagesize
		CommitLimit MemFree Cached)
	if ovc_under_valgrind; then
		values=(18446744073709551615)
		fields=(MemTotal Committed_AS Hugetlb)
		cmds=("${cmds[@]:0:4}" "${cmds[@]:7:2}")
	fi
	local f v c
	for f in "${fields[@]}"; do
		for v in "${values[@]}"; do
			meminfo_with "$f" "$v"
			for c in "${cmds[@]}"; do
				# shellcheck disable=SC2086
				run --separate-stderr ob $c
				survived "$f = $v: $c"
				((status <= 3 || status == 6)) || fail "$f = $v: $c: exit $status: $stderr"
			done
		done
	done
	restore meminfo
	for f in overcommit_kbytes admin_reserve_kbytes user_reserve_kbytes; do
		for v in "${values[@]}"; do
			echo "$v" >"$PROC/sys/vm/$f"
			for c in "${cmds[@]}"; do
				# shellcheck disable=SC2086
				run --separate-stderr ob $c
				survived "$f = $v: $c"
				((status <= 3 || status == 6)) || fail "$f = $v: $c: exit $status: $stderr"
			done
		done
		restore "sys/vm/$f"
	done
	for v in 2147483647 -2147483648; do
		echo "$v" >"$PROC/sys/vm/overcommit_ratio"
		for c in "${cmds[@]}"; do
			# shellcheck disable=SC2086
			run --separate-stderr ob $c
			survived "ratio = $v: $c"
		done
	done
}

@test "a hugetlb pool larger than MemTotal: every command refuses the meminfo alike (exit 6)" {
	# the kernel counts the pool inside MemTotal; status used to answer 0 with a wrapped
	# CommitLimit of 655 EiB while simulate and check gave a what-if usage error (2)
	meminfo_with Hugetlb 40960000
	local c
	for c in "status" "simulate" "check 1G" "verify --root $ROOT" \
		"profile show strict --root $ROOT" "set --dry-run --mode 1 --root $ROOT"; do
		# shellcheck disable=SC2086
		run --separate-stderr ob $c
		refused 6 "$c"
		assert_equal "${stderr_lines[0]}" "ovc: $PROC/meminfo: the hugetlb pool (40960000 kB) is larger than MemTotal (24684092 kB), which counts it: not a meminfo a kernel wrote"
	done
	# as a what-if it stays a usage error, worded as one
	restore meminfo
	run --separate-stderr ob simulate --hugetlb 40G
	refused 2 "simulate --hugetlb 40G"
	[[ ${stderr_lines[0]} == "ovc: the hugetlb pool (40.00 GiB) would be larger than MemTotal"* ]]
}

@test "zz: this machine's vm.overcommit_* and drop-in are unchanged by the whole file" {
	assert_host_unchanged
}
