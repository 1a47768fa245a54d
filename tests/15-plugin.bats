#!/usr/bin/env bats
# 15-plugin.bats - "ovc status --format nagios": a monitoring plugin as the Monitoring
# Plugins guidelines define one (https://www.monitoring-plugins.org/doc/guidelines.html):
# one line "OVC STATE - text|perfdata" on stdout, nothing on stderr, exit 0 OK, 1 WARNING,
# 2 CRITICAL, 3 UNKNOWN for every error (usage and read errors included); thresholds on
# the mode-2 headroom (-w/-c ranges, % of CommitLimit or kB) and on drift (--drift).
# Expected figures come from the fixture files (tests/fixtures/hosts/README.md).

load helpers/common

# plugin [ARGS...]: ovc --proc $PROC [--root $ROOT] status --format nagios ARGS, in $output
# and $status; stderr must be empty and stdout exactly one line
plugin() {
	local -a root=()
	[[ -n ${ROOT:-} ]] && root=(--root "$ROOT")
	run --separate-stderr "$OVC" --proc "$PROC" "${root[@]}" status --format nagios "$@"
	assert_plugin_line
}

assert_plugin_line() {
	[[ -z $stderr ]] || fail "a plugin wrote to stderr: $stderr"
	assert_equal "${#lines[@]}" 1
	# the guidelines' form: STATE - text, then perfdata 'label'=value[UOM];[warn];[crit];[min];[max]
	local perf="[a-z_]+=-?[0-9]+(\.[0-9]+)?(KB|%)?(;[^; ]*){0,4}"
	[[ $output =~ ^OVC\ (OK|WARNING|CRITICAL|UNKNOWN)\ -\ [^|]+(\|$perf(\ $perf)*)?$ ]] ||
		fail "not a plugin line: $output"
}

# a root whose sysctl.d sets the given lines
root_with() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d"
	printf '%s\n' "$@" >"$ROOT/etc/sysctl.d/50-test.conf"
	chmod -R go-w "$ROOT"
}

setup() {
	ROOT=
}

@test "OK, mode 0: the headroom is not judged (CommitLimit is not enforced); boot values not read without --root" {
	use_host seed-24g-noswap
	plugin
	assert_equal "$status" 0
	assert_output 'OVC OK - mode 0: CommitLimit not enforced, Committed_AS 2.00 GiB of 11.77 GiB; boot values not read (a saved --proc tree without --root)|committed_as=2093412KB;;;0 commit_limit=12342044KB;;;0 headroom=10248632KB;; headroom_pct=83.04%;;'
	# mode 1 past the limit: still OK (the sosreport host: Committed_AS above CommitLimit)
	use_host sosreport
	plugin -c 1G:
	assert_equal "$status" 0
	assert_output --partial 'OVC OK - mode 1: CommitLimit not enforced'
}

@test "OK, mode 2 in sync: headroom and drift perfdata with the default thresholds" {
	use_host kbytes   # mode 2, kbytes 12582912: CommitLimit 16777212, Committed_AS 5767168
	root_with 'vm.overcommit_memory = 2' 'vm.overcommit_kbytes = 12582912'
	plugin
	assert_equal "$status" 0
	# headroom 11010044 kB = 65.62 % of 16777212; default -w 5%: (the % label), -c @~:0 (kB)
	assert_output 'OVC OK - mode 2 headroom 10.50 GiB, 65.6% of CommitLimit 16.00 GiB; in sync with boot|committed_as=5767168KB;;;0 commit_limit=16777212KB;;;0 headroom=11010044KB;;@~:0 headroom_pct=65.62%;5:; drift=0;0;;0;3'
}

@test "WARNING: mode 2 headroom below 5 % of CommitLimit (the default), named with its range" {
	use_host mode2-tight   # headroom 150000 kB of 6171316: 2.43 %
	plugin
	assert_equal "$status" 1
	assert_output --regexp '^OVC WARNING - mode 2 headroom 146\.48 MiB, 2\.4% of CommitLimit 5\.89 GiB, outside the warning range 5%:; '
	assert_output --partial '|committed_as=6021316KB;;;0 commit_limit=6171316KB;;;0 headroom=150000KB;;@~:0 headroom_pct=2.43%;5:;'
	# a threshold in kB goes with the kB label
	plugin -w 100M: -c 50000:
	assert_equal "$status" 0
	assert_output --partial 'headroom=150000KB;102400:;50000: headroom_pct=2.43%;;'
	# ~:N and @ forms
	plugin -w '~:2%' -c '~:90%'
	assert_equal "$status" 1
	assert_output --partial 'outside the warning range ~:2%'
	plugin -w '@2:3%'
	assert_equal "$status" 1
	assert_output --partial 'inside the warning range @2:3%'
}

@test "CRITICAL: at or past CommitLimit (the default @~:0), or outside a given critical range" {
	use_host mode2-tight
	# Committed_AS up to CommitLimit: no headroom left
	sed -i 's/^Committed_AS: .*/Committed_AS:    6171316 kB/' "$PROC/meminfo"
	plugin
	assert_equal "$status" 2
	assert_output --regexp '^OVC CRITICAL - mode 2 headroom 0 B, 0\.0% of CommitLimit 5\.89 GiB, inside the critical range @~:0; '
	assert_output --partial 'headroom=0KB;;@~:0 headroom_pct=0.00%;5:;'
	# past it: negative headroom
	sed -i 's/^Committed_AS: .*/Committed_AS:    6271316 kB/' "$PROC/meminfo"
	plugin
	assert_equal "$status" 2
	assert_output --partial 'headroom=-100000KB;;@~:0'
	use_host mode2-tight
	plugin -c 1G: -w 10%:
	assert_equal "$status" 2
	assert_output --partial 'outside the critical range 1G:'
	assert_output --partial 'headroom=150000KB;;1048576: headroom_pct=2.43%;10:;'
}

@test "drift: WARNING by default, --drift critical or ok; the part that decides comes first" {
	use_host kbytes
	root_with 'vm.overcommit_memory = 2' 'vm.overcommit_ratio = 80'
	plugin
	assert_equal "$status" 1
	assert_output --regexp '^OVC WARNING - drift from boot: vm\.overcommit_ratio=0 \(boot 80\), vm\.overcommit_kbytes=12582912 \(boot 0\); mode 2 headroom '
	assert_output --regexp ' drift=2;0;;0;3$'
	plugin --drift critical
	assert_equal "$status" 2
	assert_output --regexp '^OVC CRITICAL - drift from boot: .* drift=2;;0;0;3$'
	plugin --drift ok
	assert_equal "$status" 0
	assert_output --regexp '^OVC OK - mode 2 headroom .*; drift from boot: .* drift=2;;;0;3$'
	# headroom CRITICAL outranks drift WARNING, and comes first
	plugin -c 20G:
	assert_equal "$status" 2
	assert_output --regexp '^OVC CRITICAL - mode 2 headroom .*outside the critical range 20G:; drift from boot: '
}

@test "UNKNOWN (3): a broken proc tree, an unreadable boot configuration, one line on stdout" {
	use_host seed-24g-noswap
	rm "$PROC/meminfo"
	plugin
	assert_equal "$status" 3
	assert_output --regexp "^OVC UNKNOWN - .*$PROC/meminfo"
	use_host seed-24g-noswap
	printf 'MemTotal: lots\n' >"$PROC/meminfo"
	plugin
	assert_equal "$status" 3
	run --separate-stderr "$OVC" --proc "$BATS_TEST_TMPDIR/nothing" status --format=nagios
	assert_plugin_line
	assert_equal "$status" 3
	# the boot configuration cannot be read: drift is unknown (unless drift does not matter)
	use_host kbytes
	root_with 'vm.overcommit_memory = 2'
	chmod u+w "$ROOT/etc/sysctl.d"
	head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$ROOT/etc/sysctl.d/60-big.conf"
	plugin
	assert_equal "$status" 3
	assert_output --regexp '^OVC UNKNOWN - boot values unknown: .*60-big\.conf: file is larger than'
	plugin --drift ok
	assert_equal "$status" 0
	# a problem found outranks what could not be read
	plugin -c 20G:
	assert_equal "$status" 2
}

@test "UNKNOWN (3) for every usage error in plugin mode, before or after status; exit 2 outside it" {
	skip_in_memory_tiers "every usage error again in plugin mode: the same option parsing, other exit codes"
	use_host seed-24g-noswap
	local -a bad=(
		"-w 20:10" "-w" "-c abc" "-c 5%:1G" "--warning 1e3" "--drift maybe" "--bogus" "--json"
		"extra"
	)
	local b
	for b in "${bad[@]}"; do
		# shellcheck disable=SC2086 # the option's words
		plugin $b
		assert_equal "$status" 3
		assert_output --regexp '^OVC UNKNOWN - '
	done
	plugin -w 20:10
	assert_output "OVC UNKNOWN - invalid --warning '20:10': the start is above the end (a range: 10, 10:, ~:10, 10:20, @10:20; % of CommitLimit, or kB or a size such as 512M)"
	# an unknown global option, --sosreport beside --proc, a --root that is not there
	run --separate-stderr "$OVC" --bogus --proc "$PROC" status --format nagios
	assert_plugin_line
	assert_equal "$status" 3
	run --separate-stderr "$OVC" --proc "$PROC" status --sosreport "$HOST" --format nagios
	assert_plugin_line
	assert_equal "$status" 3
	run --separate-stderr "$OVC" --proc "$PROC" --root "$BATS_TEST_TMPDIR/none" status --format nagios
	assert_plugin_line
	assert_equal "$status" 3
	# the last --format wins: nagios after text is a plugin, text after nagios is not
	run -0 --separate-stderr "$OVC" --proc "$PROC" status --format text --format=nagios
	assert_plugin_line
	run -2 --separate-stderr "$OVC" --proc "$PROC" status --format nagios --format text --bogus
	refute_output --partial 'OVC'
	# without --format nagios the thresholds are a usage error, exit 2, as ever
	run -2 --separate-stderr "$OVC" --proc "$PROC" status -w 10:
	assert_equal "${stderr_lines[0]}" "ovc: --warning, --critical and --drift go with --format nagios"
	run -2 --separate-stderr "$OVC" --proc "$PROC" status --drift ok --format prometheus
	# other commands are not plugins: check's --format is unknown there, exit 2
	run -2 --separate-stderr "$OVC" --proc "$PROC" check 1G --format nagios
	# --help still prints the help, exit 0, with the defaults
	run -0 "$OVC" status --format nagios --help
	assert_output --partial '(default 5%:, below 5 % free)'
	assert_output --partial '(default @~:0, at or past the limit)'
}

@test "--sosreport: a plugin on a sosreport's boot values" {
	use_host sosreport
	run --separate-stderr "$OVC" --sosreport "$HOST" status --format nagios
	assert_plugin_line
	assert_equal "$status" 0
	assert_output --regexp '^OVC OK - mode 1: CommitLimit not enforced, Committed_AS 22\.37 GiB of 19\.54 GiB; in sync with boot\|.* drift=0;0;;0;3$'
}
