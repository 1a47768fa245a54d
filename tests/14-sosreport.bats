#!/usr/bin/env bats
# 14-sosreport.bats - "--sosreport DIR": an extracted sosreport's top directory read as it
# is, the same as --proc DIR/proc --root DIR for every reading command; a directory that
# is not one (no sos_commands/, sos_reports/ or version.txt), --proc or --root beside it,
# and any writer are usage errors (exit 2), and nothing under DIR is written.
# The fixture is tests/fixtures/hosts/sosreport (a copy per test: use_host).

load helpers/common

setup() {
	use_host sosreport
	SOS=$HOST
	SOS_STATE=$(tree_state "$SOS")
}

teardown() {
	# a sosreport is a record: no test may change it, nor create run/ (the lock) in it
	assert_equal "$(tree_state "$SOS")" "$SOS_STATE"
	[[ ! -e $SOS/run ]] || fail "something created $SOS/run"
}

# stdout and the exit status of ovc ARGS, as "rc\nstdout"
out_of() {
	local rc=0 out

	out=$(cd "$BATS_TEST_TMPDIR" && "$OVC" "$@" 2>/dev/null) || rc=$?
	printf '%s\n%s' "$rc" "$out"
}

@test "every reading command: --sosreport DIR reads what --proc DIR/proc --root DIR reads" {
	local -a cmds=(
		"status" "status --json" "status --format prometheus" "simulate" "simulate --json"
		"check 8G" "check 40G --json" "verify" "verify --json" "profile list --json"
	)
	local c a b
	for c in "${cmds[@]}"; do
		# shellcheck disable=SC2086 # the command's words
		a=$(out_of --sosreport "$SOS" $c)
		# shellcheck disable=SC2086
		b=$(out_of --proc "$SOS/proc" --root "$SOS" $c)
		assert_equal "$a" "$b"
		# after the command too, and with a trailing slash
		# shellcheck disable=SC2086
		a=$(out_of $c --sosreport "$SOS/")
		assert_equal "$a" "$b"
	done
}

@test "status: the boot values from the sosreport's etc/sysctl.d (a drop-in for mode 1: in sync), the kernel from proc/sys/kernel/osrelease" {
	run -0 --separate-stderr "$OVC" --sosreport "$SOS" status --json
	assert_one_json_document
	assert_json '.policy.mode == 1 and .boot.in_sync == true and .boot.systemd.mode == 1 and .boot.procps.mode == 1'
	run -0 --separate-stderr "$OVC" --sosreport "$SOS" status
	assert_line 'at boot               mode 1, ratio 50  in sync'
	assert_line --regexp "; kernel $(cat "$SOS/proc/sys/kernel/osrelease")\$"
	run -0 --separate-stderr "$OVC" --sosreport "$SOS" verify --json
	assert_json --arg f "$SOS/etc/sysctl.d/90-redis.conf" '.in_sync == true and ([.keys[] | select(.key == "vm.overcommit_memory") | [.file, .line, .boot_procps_file]] == [[$f, 2, $f]])'
}

@test "each of sos_commands/, sos_reports/ and version.txt marks a sosreport; none: exit 2 and nothing read" {
	local d=$BATS_TEST_TMPDIR/sos2 m
	for m in sos_commands sos_reports version.txt; do
		rm -rf "$d"
		mkdir -p "$d"
		cp -a "$SOS/proc" "$d/"
		if [[ $m == *.txt ]]; then : >"$d/$m"; else mkdir "$d/$m"; fi
		run -0 --separate-stderr "$OVC" --sosreport "$d" status --json
		assert_json '.policy.mode == 1'
	done
	rm -rf "$d/version.txt"
	run -2 --separate-stderr "$OVC" --sosreport "$d" status --json
	assert_one_json_document
	assert_json --arg d "$d" '.error.kind == "usage" and .error.path == $d and .error.exit == 2'
	assert_equal "$stderr" "ovc: $d: not a sosreport top directory: it has no sos_commands/, sos_reports/ or version.txt (give the directory the tarball extracts to)"
	# a link does not make one (nor does a file in place of a directory)
	ln -s "$SOS/sos_commands" "$d/sos_commands"
	: >"$d/sos_reports"
	run -2 --separate-stderr "$OVC" --sosreport "$d" simulate
	# its proc/ folder is not its top directory
	run -2 --separate-stderr "$OVC" --sosreport "$SOS/proc" status
	assert_equal "$stderr" "ovc: $SOS/proc: not a sosreport top directory: it has no sos_commands/, sos_reports/ or version.txt (give the directory the tarball extracts to)"
	run -2 --separate-stderr "$OVC" --sosreport "$BATS_TEST_TMPDIR/none" verify
	assert_equal "$stderr" "ovc: not a sosreport top directory '$BATS_TEST_TMPDIR/none': No such file or directory"
}

@test "--sosreport with --proc or --root, in any order and place, or twice: exit 2" {
	local msg
	for msg in proc root; do
		run -2 --separate-stderr "$OVC" --sosreport "$SOS" "--$msg" "$SOS" status
		assert_equal "${stderr%%$'\n'*}" "ovc: --sosreport and --$msg exclude each other (--sosreport DIR reads DIR/proc and DIR/etc)"
		run -2 --separate-stderr "$OVC" "--$msg" "$SOS" status --sosreport "$SOS"
		assert_equal "${stderr%%$'\n'*}" "ovc: --sosreport and --$msg exclude each other (--sosreport DIR reads DIR/proc and DIR/etc)"
		run -2 --separate-stderr "$OVC" verify --sosreport "$SOS" "--$msg=$SOS" --json
		assert_one_json_document
		assert_json '.error.kind == "usage"'
	done
	run -2 --separate-stderr "$OVC" --root / --sosreport "$SOS" status
	run -2 --separate-stderr "$OVC" --sosreport "$SOS" status --sosreport "$SOS"
	assert_equal "${stderr%%$'\n'*}" "ovc: --sosreport is given twice"
}

@test "writers refuse a sosreport (exit 2, before any lock or read): set, persist, reset, profile apply" {
	local -a writers=("set --mode 2" "set --mode 1 --dry-run" "persist" "reset" "reset --persist"
		"profile apply strict" "profile strict --persist")
	local w
	for w in "${writers[@]}"; do
		# shellcheck disable=SC2086 # the writer's words
		run -2 --separate-stderr "$OVC" --sosreport "$SOS" $w
		[[ ${stderr_lines[0]} == "ovc: --sosreport: a sosreport is a record, never written to; ovc "*" does not take it (simulate answers what-ifs on it)" ]] ||
			fail "$w: $stderr"
		# shellcheck disable=SC2086
		run -2 --separate-stderr "$OVC" $w --sosreport "$SOS" --json
		assert_one_json_document
		assert_json '.error.kind == "usage" and (.error.message | test("a sosreport is a record"))'
	done
	# reading profile subcommands take it
	run -0 --separate-stderr "$OVC" --sosreport "$SOS" profile list
	# probe measures the running kernel: a sosreport's saved tree is refused as any is
	run -2 --separate-stderr "$OVC" --sosreport "$SOS" probe
	assert_equal "${stderr_lines[0]}" "ovc: probe measures the running kernel, and $SOS/proc is not a procfs (use simulate for a saved tree)"
}
