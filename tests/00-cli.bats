#!/usr/bin/env bats
# 00-cli.bats - the command line itself: help, dispatch, options, usage errors, exit
# codes, stdout failures and --json error documents. Every run reads a fixture copy.

load helpers/common

setup() {
	use_host seed-24g-noswap
}

COMMANDS=(status simulate check probe set verify)

# --- help ------------------------------------------------------------------------------

@test "--help lists every command with its summary and exits 0" {
	run -0 --separate-stderr "$OVC" --help
	assert_line --index 0 'Usage: ovc [--proc DIR] [--root DIR] [--json] [--no-color] [COMMAND] [options]'
	assert_line 'Commands (default: status):'
	assert_line --regexp '^  status +show the overcommit policy, CommitLimit, Committed_AS and warnings$'
	assert_line --regexp '^  simulate +CommitLimit and the largest allocation under each mode$'
	assert_line --regexp '^  check +would one allocation of SIZE \(or a NumPy array\) succeed\?$'
	assert_line --regexp '^  probe +measure the largest allocation the kernel accepts now'
	assert_line --regexp '^ +--proc DIR +read the proc tree under DIR instead of /proc$'
	assert_line --regexp '^ +--json +print one JSON document'
	assert_line --regexp '^ +--no-color +no colour'
	assert_line "Run 'ovc help COMMAND' or 'ovc COMMAND --help' for its options; see ovc(8)."
	[[ -z $stderr ]]
}

@test "-h is --help" {
	run -0 "$OVC" --help
	local long=$output
	run -0 "$OVC" -h
	assert_equal "$output" "$long"
}

@test "each command has --help and -h, naming its own usage, exit 0, no /proc read" {
	skip_in_memory_tiers "help text only: the help paths run in these tiers in the other files"
	local cmd
	for cmd in "${COMMANDS[@]}"; do
		# --proc at a missing folder proves help is printed before any I/O
		run -0 --separate-stderr "$OVC" --proc /nonexistent "$cmd" --help
		assert_line --index 0 --regexp "^Usage: ovc $cmd( |$)"
		assert_line 'See ovc(8).'
		assert_line --regexp '^ +--json +print one JSON document'
		[[ -z $stderr ]]
		local long=$output
		run -0 "$OVC" --proc /nonexistent "$cmd" -h
		assert_equal "$output" "$long"
	done
}

@test "simulate and check help list the what-if options; status and probe do not" {
	local cmd
	for cmd in simulate check; do
		run -0 "$OVC" "$cmd" --help
		assert_line --regexp '^ +--ratio PCT +vm\.overcommit_ratio \(zeroes kbytes'
		assert_line --regexp '^ +--kbytes N\|SIZE +vm\.overcommit_kbytes; a plain number is kB'
		assert_line --regexp '^ +--rlimit-as SIZE\|unlimited'
	done
	for cmd in status probe; do
		run -0 "$OVC" "$cmd" --help
		refute_line --partial -- '--ratio'
	done
	run -0 "$OVC" check --help
	assert_line --index 0 'Usage: ovc check SIZE | --shape DIMS --dtype DTYPE | --numpy-error MSG|- [options]'
	assert_line --regexp '^ +--pid PID '
	run -0 "$OVC" probe --help
	assert_line --index 0 'Usage: ovc probe [--force] [--json]'
}

@test "--help to a full disk fails with exit 7 and says so" {
	run -7 --separate-stderr bash -c '"$OVC" --help >/dev/full'
	assert_equal "$stderr" 'ovc: cannot write the output: No space left on device'
}

@test "a command's --help to a full disk fails with exit 7 and says so" {
	run -7 --separate-stderr bash -c '"$OVC" status --help >/dev/full'
	assert_equal "$stderr" 'ovc: cannot write the output: No space left on device'
}

@test "'ovc help' is 'ovc --help'; 'ovc help COMMAND' is 'ovc COMMAND --help', for every command" {
	skip_in_memory_tiers "help text only: the help paths run in these tiers in the other files"
	local cmd want
	want=$("$OVC" --help)
	run -0 --separate-stderr "$OVC" help
	assert_output "$want"
	[[ -z $stderr ]]
	run -0 "$OVC" help --help
	assert_output "$want"
	for cmd in status simulate check set persist reset profile probe verify; do
		want=$("$OVC" "$cmd" --help)
		# --proc at a missing folder: help reads nothing
		run -0 --separate-stderr "$OVC" --proc /nonexistent help "$cmd"
		assert_output "$want"
		[[ -z $stderr ]]
	done
}

@test "'ovc help' with an unknown command or a second word exits 2" {
	run -2 --separate-stderr "$OVC" help frobnicate
	assert_equal "$stderr" "ovc: unknown command 'frobnicate'
Try 'ovc --help'."
	assert_output ''
	run -2 --separate-stderr "$OVC" help status extra
	assert_equal "$stderr" "ovc: unexpected argument 'extra'
Try 'ovc --help'."
}

# --- version ---------------------------------------------------------------------------

@test "--version and -V print 'ovc VERSION' from the Makefile" {
	local version
	version=$(sed -n 's/^VERSION *:= *//p' "$REPO_DIR/Makefile")
	[[ -n $version ]]
	run -0 --separate-stderr "$OVC" --version
	assert_output "ovc $version"
	[[ -z $stderr ]]
	run -0 "$OVC" -V
	assert_output "ovc $version"
}

@test "--json --version prints {\"version\": VERSION}, in either order" {
	local version
	version=$(sed -n 's/^VERSION *:= *//p' "$REPO_DIR/Makefile")
	run -0 --separate-stderr "$OVC" --json --version
	assert_one_json_document
	assert_json --arg v "$version" '. == {version: $v}'
	[[ -z $stderr ]]
	run -0 "$OVC" --version --json
	assert_json --arg v "$version" '. == {version: $v}'
	run -0 "$OVC" --json -V
	assert_json --arg v "$version" '. == {version: $v}'
}

# --- dispatch --------------------------------------------------------------------------

@test "an unknown command exits 2 with 'unknown command' and the --help pointer" {
	run -2 --separate-stderr ovc frobnicate
	assert_equal "$stderr" "ovc: unknown command 'frobnicate'
Try 'ovc --help'."
	assert_output ''
}

@test "no prefix matching: abbreviations and other cases are unknown commands" {
	local word
	for word in stat statu sim simul che chec pro Status STATUS check2 'status '; do
		run -2 --separate-stderr ovc "$word"
		assert_equal "$stderr" "ovc: unknown command '$word'
Try 'ovc --help'."
		assert_output ''
	done
}

@test "plain 'ovc' is 'ovc status'" {
	run -0 ovc status
	local status_out=$output
	run -0 --separate-stderr ovc
	assert_equal "$output" "$status_out"
	[[ -z $stderr ]]
}

@test "plain 'ovc --json' is 'ovc status --json'" {
	run -0 ovc --json
	assert_json '.policy.mode == 0 and .commit_limit_kb == 12342044 and (.warnings | type) == "array"'
	local plain=$output
	run -0 ovc status --json
	# same fields, same values (compared as parsed JSON, not as text)
	run -0 jq -n --argjson a "$plain" --argjson b "$output" '$a == $b'
	assert_output true
}

# --- unknown options and arguments -----------------------------------------------------

@test "an unknown global option exits 2 with the --help pointer, nothing on stdout" {
	run -2 --separate-stderr ovc --bogus
	assert_output ''
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[0]} == *"unrecognized option '--bogus'" ]]
	assert_equal "${stderr_lines[1]}" "Try 'ovc --help'."
}

@test "an unknown command option exits 2 with the command's --help pointer" {
	local cmd
	for cmd in status simulate check; do
		run -2 --separate-stderr ovc "$cmd" --bogus
		assert_output ''
		[[ ${stderr_lines[0]} == *"unrecognized option '--bogus'" ]]
		assert_equal "${stderr_lines[1]}" "Try 'ovc $cmd --help'."
	done
	run -2 --separate-stderr ovc status -x
	[[ ${stderr_lines[0]} == *"invalid option -- 'x'" ]]
	assert_equal "${stderr_lines[1]}" "Try 'ovc status --help'."
	# a what-if option is not a status option
	run -2 --separate-stderr ovc status --ratio 80
	[[ ${stderr_lines[0]} == *"unrecognized option '--ratio'" ]]
}

@test "an option error before the command says 'ovc:', not the binary's path" {
	# $OVC is a full path: glibc's getopt would print it as the program name
	run -2 --separate-stderr "$OVC" --bogus
	assert_equal "$stderr" "ovc: unrecognized option '--bogus'
Try 'ovc --help'."
	run -2 --separate-stderr "$OVC" --proc
	assert_equal "${stderr_lines[0]}" "ovc: option '--proc' requires an argument"
	run -2 --separate-stderr "$OVC" --json=yes
	assert_equal "${stderr_lines[0]}" "ovc: option '--json' doesn't allow an argument"
	run -2 --separate-stderr "$OVC" -x
	assert_equal "${stderr_lines[0]}" "ovc: invalid option -- 'x'"
	# an abbreviation of two options names both, as getopt_long does
	run -2 --separate-stderr "$OVC" --proc "$PROC" set --r 50
	assert_equal "$stderr" "ovc: option '--r' is ambiguous; possibilities: '--root' '--ratio'
Try 'ovc set --help'."
	# a unique abbreviation is the option, as before
	run -0 "$OVC" --proc "$PROC" simulate --rat 80
}

@test "an unknown command option is reported as 'ovc: ...', not as the command's name" {
	run -2 --separate-stderr ovc status --bogus
	assert_equal "${stderr_lines[0]}" "ovc: unrecognized option '--bogus'"
}

@test "an option without its argument exits 2" {
	run -2 --separate-stderr ovc simulate --ratio
	[[ ${stderr_lines[0]} == *"option '--ratio' requires an argument" ]]
	assert_equal "${stderr_lines[1]}" "Try 'ovc simulate --help'."
	run -2 --separate-stderr "$OVC" status --proc
	[[ ${stderr_lines[0]} == *"option '--proc' requires an argument" ]]
}

@test "an unexpected argument exits 2 and names it" {
	run -2 --separate-stderr ovc status extra
	assert_equal "$stderr" "ovc: unexpected argument 'extra'
Try 'ovc status --help'."
	assert_output ''
	run -2 --separate-stderr ovc simulate 80
	assert_equal "${stderr_lines[0]}" "ovc: unexpected argument '80'"
	run -2 --separate-stderr ovc check 1G 2G
	assert_equal "${stderr_lines[0]}" "ovc: unexpected argument '2G'"
}

# --- common options before and after the command ---------------------------------------

@test "--proc is accepted before and after the command, also as --proc=DIR" {
	run -0 "$OVC" --proc "$PROC" status --json
	assert_json '.host.mem_total_kb == 24684092'
	run -0 "$OVC" status --proc "$PROC" --json
	assert_json '.host.mem_total_kb == 24684092'
	run -0 "$OVC" status --json --proc="$PROC"
	assert_json '.host.mem_total_kb == 24684092'
	run -0 "$OVC" simulate --ratio 80 --proc "$PROC" --json
	assert_json '.host.mem_total_kb == 24684092'
	run -1 "$OVC" check 30G --proc "$PROC" --json
	assert_json '.size_bytes == 32212254720 and .fits == false'
}

@test "--json is accepted before and after the command" {
	local cmd
	for cmd in status simulate; do
		run -0 "$OVC" --json --proc "$PROC" "$cmd"
		assert_one_json_document
		run -0 "$OVC" --proc "$PROC" "$cmd" --json
		assert_one_json_document
	done
	run -0 ovc --json check 1G
	assert_json '.fits == true'
	run -0 ovc check --json 1G
	assert_json '.fits == true'
	run -0 ovc check 1G --json
	assert_json '.fits == true'
}

@test "--no-color is accepted before and after the command and changes nothing here" {
	run -0 ovc status
	local plain=$output
	run -0 ovc --no-color status
	assert_equal "$output" "$plain"
	run -0 ovc status --no-color
	assert_equal "$output" "$plain"
	run -0 ovc simulate --no-color
	run -0 ovc check 1G --no-color
}

@test "colour only on a terminal, and never with NO_COLOR or --no-color" {
	command -v script >/dev/null || skip "script(1) not installed"
	local cmd="'$OVC' --proc '$PROC' status"
	run -0 env -u NO_COLOR TERM=xterm script -qec "$cmd" /dev/null
	[[ $output == *$'\e['* ]] || fail "no colour on a tty: $output"
	run -0 env NO_COLOR=1 TERM=xterm script -qec "$cmd" /dev/null
	[[ $output != *$'\e['* ]] || fail "colour despite NO_COLOR: $output"
	run -0 env -u NO_COLOR TERM=xterm script -qec "$cmd --no-color" /dev/null
	[[ $output != *$'\e['* ]] || fail "colour despite --no-color: $output"
	run -0 env -u NO_COLOR TERM=dumb script -qec "$cmd" /dev/null
	[[ $output != *$'\e['* ]] || fail "colour on TERM=dumb: $output"
	# not a tty (bats captures stdout): no colour even without NO_COLOR
	run -0 env -u NO_COLOR TERM=xterm "$OVC" --proc "$PROC" status
	[[ $output != *$'\e['* ]]
}

# --- conflicting and bad values --------------------------------------------------------

@test "--ratio with --kbytes exits 2, before reading anything" {
	local cmd
	for cmd in simulate "check 1G"; do
		# shellcheck disable=SC2086
		run -2 --separate-stderr "$OVC" --proc /nonexistent $cmd --ratio 80 --kbytes 1048576
		assert_equal "${stderr_lines[0]}" "ovc: --ratio and --kbytes exclude each other: the kernel keeps only one (writing either zeroes the other)"
		assert_equal "${stderr_lines[1]}" "Try 'ovc ${cmd%% *} --help'."
		assert_output ''
	done
}

@test "bad sizes exit 2 with the option, the value and the reason" {
	skip_in_memory_tiers "the size parser (core/units, unit-tested and fuzzed under ASan); 61-bad-input runs bad sizes in these tiers"
	local -r unit='unknown unit (use B, K, M, G, T, P or E, optionally followed by B or iB)'
	local -r big='too large (the largest size is 16 EiB - 1)'
	local -r nan='not a size (expected a number with an optional unit such as 64G or 512MiB)'
	local -a vals=('-5G' '12XB' '99999999999T' '18446744073709551616' '16E' 'NaN' '' ' '
		'1.5.5G' '0x10' '5 G B')
	local -a whys=('negative sizes are not allowed' "$unit" "$big" "$big" "$big" "$nan" "$nan"
		"$nan" "$unit" "$unit" "$unit")
	local n v opt
	for n in "${!vals[@]}"; do
		v=${vals[$n]}
		for opt in --mem --swap --hugetlb --committed --vmsize --rlimit-as; do
			run -2 --separate-stderr ovc simulate "$opt" "$v"
			assert_equal "${stderr_lines[0]}" "ovc: invalid $opt '$v': ${whys[$n]}"
			assert_equal "${stderr_lines[1]}" "Try 'ovc simulate --help'."
			assert_output ''
		done
		run -2 --separate-stderr ovc check -- "$v"
		assert_equal "${stderr_lines[0]}" "ovc: invalid size '$v': ${whys[$n]}"
		assert_equal "${stderr_lines[1]}" "Try 'ovc check --help'."
	done
}

@test "bad --kbytes, --ratio and --mode values exit 2 with the reason" {
	run -2 --separate-stderr ovc simulate --kbytes -1
	assert_equal "${stderr_lines[0]}" "ovc: invalid --kbytes '-1': negative sizes are not allowed"
	run -2 --separate-stderr ovc simulate --kbytes NaN
	assert_equal "${stderr_lines[0]}" "ovc: invalid --kbytes 'NaN': not a size (expected a number with an optional unit such as 64G or 512MiB)"
	# a plain number is whole kB, as the sysctl: a fraction needs a unit
	run -2 --separate-stderr ovc simulate --kbytes 1.5
	assert_equal "${stderr_lines[0]}" "ovc: invalid --kbytes '1.5': a plain number is whole kB (add a unit, such as 1.5G, for a size)"
	run -2 --separate-stderr ovc simulate --ratio abc
	assert_equal "${stderr_lines[0]}" "ovc: invalid --ratio 'abc': not an integer (the kernel takes -2147483648 to 2147483647)"
	run -2 --separate-stderr ovc simulate --ratio 2147483648
	assert_equal "${stderr_lines[0]}" "ovc: invalid --ratio '2147483648': out of range (the kernel takes -2147483648 to 2147483647)"
	run -2 --separate-stderr ovc simulate --ratio -2147483649
	assert_equal "${stderr_lines[0]}" "ovc: invalid --ratio '-2147483649': out of range (the kernel takes -2147483648 to 2147483647)"
	run -2 --separate-stderr ovc simulate --ratio 50.5
	assert_equal "${stderr_lines[0]}" "ovc: invalid --ratio '50.5': not an integer (the kernel takes -2147483648 to 2147483647)"
	run -2 --separate-stderr ovc simulate --ratio ''
	local m
	for m in 3 -1 x 1.0 ''; do
		run -2 --separate-stderr ovc simulate --mode "$m"
		assert_equal "${stderr_lines[0]}" "ovc: invalid --mode '$m': expected 0, 1 or 2"
	done
	# the kernel's own limits are accepted
	run -0 ovc simulate --ratio 2147483647 --json
	run -0 ovc simulate --ratio -2147483648 --json
	run -0 ovc simulate --kbytes 18446744073709551615 --json
}

@test "sizes: units (all powers of 1024), fractions and blanks, in integer arithmetic" {
	skip_in_memory_tiers "the size parser (core/units, unit-tested and fuzzed under ASan); 61-bad-input runs bad sizes in these tiers"
	local -A kb=(
		['1.5TiB']=1610612736 ['512MiB']=524288 ['64 G']=67108864 ['10GB']=10485760
		['65204 kB']=65204 ['1KB']=1
		['64g']=67108864 ['2Gi']=2097152 ['1048576']=1024 ['4096B']=4 ['0.5K']=0
		['1E']=1125899906842624 ['+3M']=3072
	)
	local v
	for v in "${!kb[@]}"; do
		run -0 ovc simulate --mem "$v" --json
		assert_json --argjson kb "${kb[$v]}" '.host.mem_total_kb == $kb'
	done
	# a fraction is rounded up to a whole byte, even past 18 decimals (no floating point)
	local -A bytes=(['1.5']=2 ['0.1K']=103 ['1.0000000000000000001K']=1025 ['1.25 KiB']=1280)
	for v in "${!bytes[@]}"; do
		run -0 ovc check --via mmap --json -- "$v"
		assert_equal "$(json_raw size_bytes)" "${bytes[$v]}"
	done
	# 2^64 - 1.1 bytes rounds up to the largest size; it fits nowhere (exit 1)
	run -1 ovc check --via mmap --json 16777215.999999999999T
	assert_equal "$(json_raw size_bytes)" 18446744073709551615
	# --kbytes: a plain number is kB, as the sysctl; with a unit it is a size
	run -0 ovc simulate --kbytes 1048576 --json
	assert_json '.proposed.kbytes == 1048576'
	run -0 ovc simulate --kbytes 1G --json
	assert_json '.proposed.kbytes == 1048576'
	run -0 ovc simulate --kbytes 64G --json
	assert_json '.proposed.kbytes == 67108864'
}

# --- stdout failures -------------------------------------------------------------------

@test "stdout to a full disk fails with exit 7 and a message, for every command" {
	run -7 --separate-stderr bash -c '"$OVC" --proc "$1" status >/dev/full' _ "$PROC"
	assert_equal "$stderr" 'ovc: cannot write the output: No space left on device'
	run -7 --separate-stderr bash -c '"$OVC" --proc "$1" status --json >/dev/full' _ "$PROC"
	assert_equal "$stderr" 'ovc: cannot write the output: No space left on device'
	run -7 --separate-stderr bash -c '"$OVC" --proc "$1" simulate >/dev/full' _ "$PROC"
	assert_equal "$stderr" 'ovc: cannot write the output: No space left on device'
	# a "no" answer (exit 1) that could not be written is an I/O failure, not a "no"
	run -7 --separate-stderr bash -c '"$OVC" --proc "$1" check 30G >/dev/full' _ "$PROC"
	assert_equal "$stderr" 'ovc: cannot write the output: No space left on device'
	run -7 --separate-stderr bash -c '"$OVC" --version >/dev/full'
	assert_equal "$stderr" 'ovc: cannot write the output: No space left on device'
}

@test "an error exit code survives a full stdout" {
	rm "$PROC/meminfo"
	run -6 --separate-stderr bash -c '"$OVC" --proc "$1" status --json >/dev/full' _ "$PROC"
	[[ ${stderr_lines[0]} == "ovc: cannot open '$PROC/meminfo': No such file or directory" ]]
}

# --- --json usage errors ---------------------------------------------------------------

@test "--json usage errors print one JSON document with an error object" {
	run -2 --separate-stderr "$OVC" --proc "$PROC" --json frobnicate
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'
	assert_json --arg m "unknown command 'frobnicate'" '.error.message == $m'
	assert_equal "${stderr_lines[0]}" "ovc: unknown command 'frobnicate'"

	run -2 --separate-stderr "$OVC" --proc "$PROC" --json simulate --ratio 80 --kbytes 1
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'

	run -2 --separate-stderr "$OVC" --proc "$PROC" --json simulate --mem 12XB
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'

	run -2 --separate-stderr "$OVC" --proc "$PROC" --json check --shape 10 --dtype nope
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'

	run -2 --separate-stderr "$OVC" --proc "$PROC" --json status extra
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'

	run -2 --separate-stderr "$OVC" --proc "$PROC" --json probe
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'
}

@test "--json usage errors from getopt (unknown option) still print one JSON document" {
	run -2 --separate-stderr "$OVC" --proc "$PROC" --json status --bogus
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'
	assert_json '.error.message == "unrecognized option '"'"'--bogus'"'"'"'
}

@test "--json after a bad value still gets a JSON error document" {
	run -2 --separate-stderr ovc simulate --mem 12XB --json
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'
}

@test "a --root that does not exist: the same usage error (exit 2) in every command that reads under it" {
	use_host seed-24g-noswap
	local nr=$BATS_TEST_TMPDIR/no/such/image c
	local -a cmds=("status" "status --format prometheus" "verify" "profile list"
		"profile show strict" "profile export strict" "persist --dry-run"
		"set --mode 1 --dry-run" "reset --persist --dry-run" "profile strict --dry-run")
	for c in "${cmds[@]}"; do
		# shellcheck disable=SC2086 # the command and its options, split
		run -2 --separate-stderr "$OVC" --proc "$PROC" --root "$nr" $c
		assert_equal "${stderr_lines[0]}" "ovc: cannot open the root directory '$nr': No such file or directory"
		# shellcheck disable=SC2086
		run -2 --separate-stderr "$OVC" --proc "$PROC" --root "$nr" $c --json
		[[ $c == *prometheus* ]] || assert_json '.error.kind == "usage" and .error.errno == "ENOENT"'
	done
}

# --- manual pages ----------------------------------------------------------------------

# a manual page as plain text (mandoc's overstrikes removed)
man_plain() {
	command -v mandoc >/dev/null || no_tool "mandoc not installed"
	mandoc -T ascii "$REPO_DIR/man/$1" | sed 's/.\x08//g'
}

@test "the manual pages' footer is ovc and its version, not BSD" {
	local version page
	version=$(sed -n 's/^VERSION *:= *//p' "$REPO_DIR/Makefile")
	for page in ovc.8 ovc-profile.5; do
		run -0 man_plain "$page"
		assert_equal "${lines[-1]%% *}" ovc
		assert_regex "${lines[-1]}" "^ovc $version .* ovc $version\$"
	done
}

# the words of stdin that read as options: -x or --word after a blank, '(', '|', ',' or "'"
options_in() {
	grep -oE "(^|[ (|,'\[])--?[a-zA-Z][a-zA-Z0-9-]*" | sed "s/^[ (|,'[]//" | sort -u
}

@test "every option the manual pages show is an option of ovc, or of a tool they quote" {
	# a word after Fl renders as an option: ".Pq Fl -force overrode the guard" was
	# "(--force -overrode -the -guard)"
	local known other='-w -f -r -qx -d -v --raw --system --purge --protect-kernel-defaults' cmd o bad=''
	known=$("$OVC" --help)
	for cmd in status simulate check set persist reset profile probe top log verify; do
		known+=$'\n'$("$OVC" "$cmd" --help)
	done
	known=" $(options_in <<<"$known" | tr '\n' ' ') $other "
	for o in $( (man_plain ovc.8; man_plain ovc-profile.5) | options_in); do
		[[ $known == *" $o "* ]] || bad+=" $o"
	done
	[[ -z $bad ]] || fail "not options of ovc:$bad"
}

@test "ovc-profile(5) says what ovc does: the directories above a profile directory are checked" {
	run -0 man_plain ovc-profile.5
	refute_output --partial 'are not checked'
	local text
	text=$(tr -s ' \n' '  ' <<<"$output")
	[[ $text == *"So is every directory above a profile directory, up to the root"* ]] ||
		fail "ovc-profile(5) does not say the directories above are checked"
	# and ovc's hint says the same (tests/60-privilege.bats runs the refusal itself)
	grep -qF 'the directories above them (up to the root) must be owned by root' "$REPO_DIR/src/cli/main.c"
}
