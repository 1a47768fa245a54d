#!/usr/bin/env bats
# 70-prometheus.bats - "ovc status --format prometheus": the exposition parses and lints
# (promtool check metrics, from Debian's prometheus package) on every fixture host, its
# figures are status's own in bytes, exactly; boot values and drift under --root; a read
# failure still gives valid metrics with ovc_scrape_success 0 and the error's exit status;
# and the contrib/prometheus files (service, timer, cron line, alert rules) work.
# Fixture copies only; the live /proc is read, never written.

load helpers/common

prom() { ovc status --format prometheus "$@"; }

# promtool: the one make deps unpacks from Debian's prometheus package (installed, the
# package would enable a Prometheus server), else one on PATH
PROMTOOL=${OVC_PROMTOOL:-$REPO_DIR/build/deps/prometheus/usr/bin/promtool}
[[ -x $PROMTOOL ]] || PROMTOOL=$(command -v promtool || echo promtool)
# "command" and "type -P": never this function itself, which would recurse for ever
# when no promtool exists (PROMTOOL is then the bare name)
promtool() { command "$PROMTOOL" "$@"; }
have_promtool() { [[ -x $PROMTOOL ]] || type -P "$PROMTOOL" >/dev/null; }

# promtool check metrics on $output (only where a test does not need_promtool first: a
# test that checks values runs without it, unless OVC_REQUIRE_TOOLS=1)
promtool_ok() {
	if ! have_promtool; then
		[[ ${OVC_REQUIRE_TOOLS:-} != 1 ]] || fail "OVC_REQUIRE_TOOLS=1: promtool not installed"
		return 0
	fi
	local out
	out=$(promtool check metrics <<<"$output" 2>&1) ||
		fail "promtool check metrics: $out"$'\n'"--- metrics:"$'\n'"$output"
}

need_promtool() {
	have_promtool || no_tool "no promtool (make deps unpacks it in build/deps/prometheus)"
}

# ovc(8) as plain text (mandoc's overstrikes removed)
man_text() {
	command -v mandoc >/dev/null || no_tool "mandoc not installed"
	mandoc -T ascii "$REPO_DIR/man/ovc.8" | sed 's/.\x08//g'
}

# the value of one sample line, "NAME{LABELS}" exactly as printed
sample() {
	local v
	v=$(awk -v k="$1" 'substr($0, 1, 1) != "#" && $1 == k { print $2; n++ } END { exit n != 1 }' \
		<<<"$output") || fail "no single sample '$1' in: $output"
	echo "$v"
}

kb_bytes() { bc <<<"$1 * 1024"; }

# a --root with ovc's drop-in holding TEXT (the header lines ovc writes, then TEXT)
# a root whose boot configuration cannot be read (a sysctl.d file over ovc's 1 MiB limit)
unreadable_boot_root() {
	ROOT=$BATS_TEST_TMPDIR/badroot
	mkdir -p "$ROOT/etc/sysctl.d"
	head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$ROOT/etc/sysctl.d/50-big.conf"
}

root_with_dropin() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d"
	{
		echo '# Managed by ovc(8). Do not edit: run "ovc persist" to change this file'
		echo '# and "ovc reset --persist" to remove it.'
		printf '%s\n' "$@"
	} >"$ROOT/etc/sysctl.d/99-zz-ovc.conf"
}

@test "promtool check metrics passes on every fixture host" {
	need_promtool
	local d n=0
	for d in "$FIXTURES"/*/; do
		use_host "$(basename "$d")"
		run -0 --separate-stderr prom
		[[ -z $stderr ]] || fail "stderr: $stderr"
		promtool_ok
		n=$((n + 1))
	done
	((n >= 7))
}

@test "promtool check metrics passes with the boot metrics, drift and a profile" {
	need_promtool
	use_host mode2-tight
	root_with_dropin '# profile: strict' 'vm.overcommit_ratio = 80' 'vm.overcommit_memory = 2'
	run -0 prom --root "$ROOT"
	assert_line 'ovc_profile_info{profile="strict"} 1'
	promtool_ok
	unreadable_boot_root
	run -0 prom --root "$ROOT"
	assert_line 'ovc_boot_config_error 1'
	promtool_ok
}

@test "every fixture host: the figures are status --json's, in bytes, exactly" {
	local d
	for d in "$FIXTURES"/*/; do
		use_host "$(basename "$d")"
		run -0 ovc status --json
		local js=$output
		local cl ca hr ma maa bl mode ratio kbytes
		cl=$(json_raw commit_limit_kb | head -1)
		ca=$(json_raw committed_as_kb | head -1)
		hr=$(json_raw headroom_kb)
		ma=$(json_raw max_alloc_kb)
		maa=$(json_raw max_alloc_admin_kb)
		bl=$(jq -r .binding_limit <<<"$js")
		mode=$(jq .policy.mode <<<"$js")
		ratio=$(jq .policy.ratio <<<"$js")
		kbytes=$(json_raw kbytes | head -1)
		run -0 prom
		assert_equal "$(sample ovc_scrape_success)" 1
		assert_equal "$(sample ovc_overcommit_mode)" "$mode"
		assert_equal "$(sample ovc_overcommit_ratio)" "$ratio"
		assert_equal "$(sample ovc_overcommit_kbytes)" "$kbytes"
		assert_equal "$(sample ovc_commit_limit_bytes)" "$(kb_bytes "$cl")"
		assert_equal "$(sample ovc_committed_as_bytes)" "$(kb_bytes "$ca")"
		assert_equal "$(sample ovc_headroom_bytes)" "$(kb_bytes "$hr")"
		assert_equal "$(sample 'ovc_largest_allocation_bytes{privilege="user"}')" "$(kb_bytes "$ma")"
		assert_equal "$(sample 'ovc_largest_allocation_bytes{privilege="admin"}')" "$(kb_bytes "$maa")"
		assert_equal "$(sample "ovc_largest_allocation_limit_info{limit=\"$bl\"}")" 1
		# a saved tree without --root: the boot configuration is not this host's to read
		assert_equal "$(sample ovc_boot_config_read)" 0
		assert_equal "$(sample ovc_boot_config_error)" 0
		refute_line --partial 'ovc_boot_drift'
	done
}

@test "seed host: CommitLimit and Committed_AS are meminfo's kB x 1024" {
	use_host seed-24g-noswap
	run -0 prom
	assert_equal "$(sample ovc_commit_limit_bytes)" $(($(mi CommitLimit) * 1024))
	assert_equal "$(sample ovc_commit_limit_bytes)" 12638253056
	assert_equal "$(sample ovc_committed_as_bytes)" $(($(mi Committed_AS) * 1024))
	assert_equal "$(sample ovc_headroom_bytes)" $((($(mi CommitLimit) - $(mi Committed_AS)) * 1024))
	assert_line 'ovc_build_info{version="'"$("$OVC" --version | cut -d' ' -f2)"'"} 1'
}

@test "kbytes host: ovc_overcommit_kbytes is the sysctl's kB; the limit is in bytes" {
	use_host kbytes
	run -0 prom
	assert_line 'ovc_overcommit_kbytes 12582912'
	assert_line 'ovc_overcommit_ratio 0'
	assert_line 'ovc_overcommit_mode 2'
	assert_line "ovc_commit_limit_bytes $(($(mi CommitLimit) * 1024))"
	assert_line 'ovc_largest_allocation_limit_info{limit="commit_limit"} 1'
}

@test "negative ratio: figures beyond 2^64 bytes are printed exactly" {
	use_host negative-ratio
	run -0 prom
	assert_line 'ovc_overcommit_ratio -1'
	# 737869762948135220 kB (vm_commit_limit() with ratio -1 wraps in unsigned long) x 1024
	assert_line 'ovc_commit_limit_bytes 755578637258890465280'
	assert_line "ovc_headroom_bytes $(bc <<<"(737869762948135220 - $(mi Committed_AS)) * 1024")"
}

@test "sosreport: a negative headroom" {
	use_host sosreport
	run -0 prom
	assert_line "ovc_headroom_bytes $((($(mi CommitLimit) - $(mi Committed_AS)) * 1024))"
	[[ $(sample ovc_headroom_bytes) == -* ]]
}

@test "--root: boot values per tool, drift per key, the drop-in and its profile" {
	use_host seed-24g-noswap   # running: mode 0, ratio 50
	root_with_dropin '# profile: strict' 'vm.overcommit_ratio = 80' 'vm.overcommit_memory = 2'
	run -0 prom --root "$ROOT"
	assert_line 'ovc_boot_config_read 1'
	assert_line 'ovc_boot_config_error 0'
	assert_line 'ovc_boot_overcommit_mode{tool="systemd"} 2'
	assert_line 'ovc_boot_overcommit_mode{tool="procps"} 2'
	assert_line 'ovc_boot_overcommit_ratio{tool="systemd"} 80'
	assert_line 'ovc_boot_overcommit_kbytes{tool="systemd"} 0'
	assert_line 'ovc_boot_drift{key="vm.overcommit_memory"} 1'
	assert_line 'ovc_boot_drift{key="vm.overcommit_ratio"} 1'
	assert_line 'ovc_boot_drift{key="vm.overcommit_kbytes"} 0'
	assert_line 'ovc_dropin_present 1'
	assert_line 'ovc_dropin_managed 1'
	assert_line 'ovc_profile_info{profile="strict"} 1'
	# the same facts as status --json
	run -0 ovc status --json --root "$ROOT"
	assert_json '.boot.in_sync == false and .boot.systemd.mode == 2 and .boot.dropin.profile == "strict"'

	# in sync: every drift 0
	root_with_dropin 'vm.overcommit_memory = 0' 'vm.overcommit_ratio = 50'
	run -0 prom --root "$ROOT"
	assert_line 'ovc_boot_drift{key="vm.overcommit_memory"} 0'
	assert_line 'ovc_boot_drift{key="vm.overcommit_ratio"} 0'
	refute_line --partial 'ovc_profile_info'
}

@test "--root: systemd-sysctl and sysctl --system differ; drift follows systemd-sysctl, as status" {
	use_host seed-24g-noswap
	ROOT=$BATS_TEST_TMPDIR/root
	cp -a "$TESTS_DIR/fixtures/roots/conf-procps-only" "$ROOT"
	run -0 ovc status --json --root "$ROOT"
	local sd pp
	sd=$(jq .boot.systemd.mode <<<"$output")
	pp=$(jq .boot.procps.mode <<<"$output")
	[[ $sd != "$pp" ]] || fail "the fixture should make the two tools differ"
	run -0 prom --root "$ROOT"
	assert_line "ovc_boot_overcommit_mode{tool=\"systemd\"} $sd"
	assert_line "ovc_boot_overcommit_mode{tool=\"procps\"} $pp"
	# the running mode is 0
	assert_line "ovc_boot_drift{key=\"vm.overcommit_memory\"} $((sd != 0))"
	assert_line 'ovc_dropin_present 0'
	assert_line 'ovc_dropin_managed 0'
}

@test "a drop-in not written by ovc: no profile, managed 0" {
	use_host seed-24g-noswap
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d"
	printf '# profile: strict\nvm.overcommit_memory = 0\n' >"$ROOT/etc/sysctl.d/99-zz-ovc.conf"
	run -0 prom --root "$ROOT"
	assert_line 'ovc_dropin_present 1'
	assert_line 'ovc_dropin_managed 0'
	refute_line --partial 'ovc_profile_info'
}

@test "a weird profile name in a hand-edited drop-in is not a profile: valid metrics, no label" {
	# Profile names are [A-Za-z0-9._-] (ovc-profile(5)), so a label value never needs an
	# escape from a real profile; the escaping itself is unit-tested (test_promtext.c).
	use_host seed-24g-noswap
	root_with_dropin '# profile: we"ird\name' 'vm.overcommit_memory = 0'
	run -0 prom --root "$ROOT"
	refute_line --partial 'ovc_profile_info'
	assert_line 'ovc_dropin_managed 1'
	promtool_ok
	root_with_dropin $'# profile: caf\xc3\xa9\xff' 'vm.overcommit_memory = 0'
	run -0 prom --root "$ROOT"
	refute_line --partial 'ovc_profile_info'
	promtool_ok
}

@test "the boot configuration cannot be read: ovc_boot_config_error 1, exit 0" {
	use_host seed-24g-noswap
	unreadable_boot_root
	run -0 --separate-stderr prom --root "$ROOT"
	assert_line 'ovc_scrape_success 1'
	assert_line 'ovc_boot_config_read 0'
	assert_line 'ovc_boot_config_error 1'
	refute_line --partial 'ovc_boot_drift'
	refute_line --partial 'ovc_boot_overcommit'
	[[ -z $stderr ]]
}

@test "a --root that does not exist: valid metrics with ovc_scrape_success 0, exit 2" {
	use_host seed-24g-noswap
	run -2 --separate-stderr prom --root "$BATS_TEST_TMPDIR/nonexistent"
	assert_line 'ovc_scrape_success 0'
	assert_equal "${stderr_lines[0]}" "ovc: cannot open the root directory '$BATS_TEST_TMPDIR/nonexistent': No such file or directory"
	promtool_ok
}

@test "missing meminfo: valid metrics with ovc_scrape_success 0, the error on stderr, exit 6" {
	use_host seed-24g-noswap
	rm "$PROC/meminfo"
	run -6 --separate-stderr prom
	assert_equal "${stderr_lines[0]}" "ovc: cannot open '$PROC/meminfo': No such file or directory"
	assert_line 'ovc_scrape_success 0'
	assert_line --regexp '^ovc_build_info\{version="[^"]+"\} 1$'
	# nothing else: no figure is better than a wrong one
	assert_equal "$(grep -vc '^#' <<<"$output")" 2
	promtool_ok
}

@test "unreadable meminfo: ovc_scrape_success 0, exit 4 (even root: capabilities dropped)" {
	use_host seed-24g-noswap
	chmod 000 "$PROC/meminfo"
	run -4 --separate-stderr prom
	[[ ${stderr_lines[0]} == "ovc: cannot open '$PROC/meminfo': Permission denied" ]]
	assert_line 'ovc_scrape_success 0'
	promtool_ok
}

@test "malformed meminfo: ovc_scrape_success 0, exit 6" {
	use_host seed-24g-noswap
	printf 'MemTotal:\0 1 kB\n' >"$PROC/meminfo"
	run -6 --separate-stderr prom
	assert_line 'ovc_scrape_success 0'
	promtool_ok
}

@test "--format: text and json are the other outputs; --json with another format exits 2" {
	use_host seed-24g-noswap
	run -0 ovc status
	local text=$output
	run -0 ovc status --format text
	assert_equal "$output" "$text"
	run -0 ovc status --json
	local js=$output
	run -0 ovc status --format json
	assert_equal "$output" "$js"
	run -0 ovc status --format json --json
	assert_equal "$output" "$js"

	run -2 --separate-stderr ovc status --json --format prometheus
	assert_equal "${stderr_lines[0]}" 'ovc: --json and --format prometheus exclude each other'
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'
	run -2 --separate-stderr "$OVC" --json --proc "$PROC" status --format text
	assert_equal "${stderr_lines[0]}" 'ovc: --json and --format text exclude each other'
	run -2 --separate-stderr ovc status --format xml
	assert_output ''
	assert_equal "$stderr" "ovc: invalid --format 'xml': expected text, json, prometheus or nagios
Try 'ovc status --help'."
	run -2 --separate-stderr ovc status --format
	assert_output ''
	# status only
	run -2 --separate-stderr ovc simulate --format prometheus
	run -0 "$OVC" status --help
	assert_line --regexp '^ +--format FMT +text \(the default\), json \(as --json\), prometheus: the$'
}

@test "the last --format wins" {
	use_host kbytes
	run -0 prom --format text --format prometheus
	assert_line 'ovc_overcommit_kbytes 12582912'
}

@test "metrics to a full disk: exit 7" {
	use_host seed-24g-noswap
	run -7 --separate-stderr bash -c '"$OVC" --proc "$1" status --format prometheus >/dev/full' _ "$PROC"
	[[ $stderr == *'cannot write the output'* ]]
}

@test "every metric family printed is documented in ovc(8), and every HELP has a TYPE" {
	use_host seed-24g-noswap
	root_with_dropin '# profile: strict' 'vm.overcommit_memory = 1'
	run -0 prom --root "$ROOT"
	local fams f man
	command -v mandoc >/dev/null || no_tool "mandoc not installed"
	fams=$(awk '$1 == "#" && $2 == "HELP" { print $3 }' <<<"$output")
	(($(wc -l <<<"$fams") >= 17))
	man=$(man_text | sed -n '/^PROMETHEUS METRICS/,/^DIAGNOSTICS/p')
	for f in $fams; do
		assert_line "# TYPE $f gauge"
		# documented by its name, or as one of ovc_boot_overcommit_mode, _ratio, _kbytes
		grep -qE "(^|[ ,])(${f}|_${f##*_})([{,]| |$)" <<<"$man" || fail "$f is not in ovc(8)"
	done
	# every sample belongs to a family announced before it
	awk '$1 == "#" && $2 == "HELP" { fam = $3; next } /^#/ { next }
		{ n = $1; sub(/\{.*/, "", n); if (n != fam) { print "orphan: " $0; bad = 1 } }
		END { exit bad }' <<<"$output"
}

@test "the live /proc: metrics parse, figures match, nothing is written" {
	local before
	before=$(live_vm)
	run -0 --separate-stderr "$OVC" status --format prometheus
	[[ -z $stderr ]]
	promtool_ok
	assert_line "ovc_overcommit_mode $(cat /proc/sys/vm/overcommit_memory)"
	assert_line "ovc_overcommit_ratio $(cat /proc/sys/vm/overcommit_ratio)"
	assert_line "ovc_overcommit_kbytes $(cat /proc/sys/vm/overcommit_kbytes)"
	assert_line 'ovc_scrape_success 1'
	assert_equal "$(live_vm)" "$before"
}

# --- contrib/prometheus ------------------------------------------------------------------

# A directory of fake commands: "ovc" runs the binary under test on the fixture copy.
fake_path() {
	FAKEBIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$FAKEBIN"
	printf '#!/bin/sh\nexec "%s" --proc "%s" "$@"\n' "$OVC" "$PROC" >"$FAKEBIN/ovc"
	chmod 755 "$FAKEBIN/ovc"
}

# The service's ExecStart shell command, with systemd's "$$" -> "$" unescaping.
service_command() {
	sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'$/\1/p" \
		"$REPO_DIR/contrib/prometheus/ovc-prometheus.service" | sed 's/\$\$/$/g'
}

# A fake "ovc" in $BADBIN that fails without usable metrics: a cut file, exit 7 (a full
# disk, or killed half way).
bad_ovc() {
	BADBIN=$BATS_TEST_TMPDIR/badbin
	mkdir -p "$BADBIN"
	printf '#!/bin/sh\nprintf "# HELP ovc_scrape_success 1 if\\novc_scrape_su"\nexit 7\n' >"$BADBIN/ovc"
	chmod 755 "$BADBIN/ovc"
}

@test "contrib: the service's command writes ovc.prom atomically; a read failure publishes ovc_scrape_success 0" {
	use_host mode2-tight
	fake_path
	bad_ovc
	local cmd dir=$BATS_TEST_TMPDIR/textfile
	cmd=$(service_command)
	[[ -n $cmd ]] || fail "no ExecStart=/bin/sh -c '...' in the service"
	mkdir -p "$dir"
	run -0 env PATH="$FAKEBIN:$PATH" PROM_FILE="$dir/ovc.prom" sh -c "$cmd"
	assert_equal "$(ls -A "$dir")" ovc.prom
	grep -qx 'ovc_scrape_success 1' "$dir/ovc.prom"
	# a run that writes nothing usable: its exit status, the previous file intact, no
	# temporary left
	cp "$dir/ovc.prom" "$BATS_TEST_TMPDIR/good"
	run -7 env PATH="$BADBIN:$PATH" PROM_FILE="$dir/ovc.prom" sh -c "$cmd"
	assert_equal "$(ls -A "$dir")" ovc.prom
	cmp "$dir/ovc.prom" "$BATS_TEST_TMPDIR/good"
	# a read failure: ovc's exit status (the unit fails), and its failure metrics are the
	# file now, so that OvcMetricsFailed can fire; no temporary left
	rm "$PROC/meminfo"
	run -6 env PATH="$FAKEBIN:$PATH" PROM_FILE="$dir/ovc.prom" sh -c "$cmd"
	assert_equal "$(ls -A "$dir")" ovc.prom
	grep -qx 'ovc_scrape_success 0' "$dir/ovc.prom"
	run -0 cat "$dir/ovc.prom"
	promtool_ok
	# a missing directory: the unit fails, and nothing is left anywhere
	use_host mode2-tight
	fake_path
	run env PATH="$FAKEBIN:$PATH" PROM_FILE="$dir/sub/ovc.prom" sh -c "$cmd"
	((status != 0)) || fail "exit 0 without a directory to write in"
	assert_equal "$(ls -A "$dir")" ovc.prom
}

@test "contrib: the cron line works as written, with its full path to ovc" {
	use_host mode2-tight
	local line cmd dir=$BATS_TEST_TMPDIR/textfile
	line=$(grep -v '^#' "$REPO_DIR/contrib/prometheus/ovc.cron" | grep .)
	assert_equal "$(wc -l <<<"$line")" 1
	# minute hour day month weekday user command
	read -r m h d mo w u cmd <<<"$line"
	assert_equal "$m $h $d $mo $w $u" '* * * * * root'
	[[ $cmd == *' /usr/local/sbin/ovc status --format prometheus '* ]]
	# the man page shows the same line ("make install" puts SBINDIR in its path)
	man_text | sed 's/^ *//' | grep -qxF "$line" ||
		fail "ovc(8) does not show the cron line"
	grep -qxF "$line" "$REPO_DIR/README.md" || fail "the README does not show the cron line"
	mkdir -p "$dir"
	cmd=${cmd//\/var\/lib\/prometheus\/node-exporter/$dir}
	cmd=${cmd//\/usr\/local\/sbin\/ovc/\"\$OVC\" --proc \"\$PROC\"}
	run -0 env OVC="$OVC" PROC="$PROC" sh -c "$cmd"
	assert_equal "$(ls -A "$dir")" ovc.prom
	run -0 cat "$dir/ovc.prom"
	promtool_ok
	# a read failure: ovc's failure metrics are published (OvcMetricsFailed can fire)
	rm "$PROC/meminfo"
	run -0 env OVC="$OVC" PROC="$PROC" sh -c "$cmd"   # rm -f succeeds: cron mails nothing
	assert_equal "$(ls -A "$dir")" ovc.prom
	grep -qx 'ovc_scrape_success 0' "$dir/ovc.prom"
	# a run that writes nothing usable: the previous file stays, no temporary left
	bad_ovc
	cp "$dir/ovc.prom" "$BATS_TEST_TMPDIR/before"
	cmd=${cmd//\"\$OVC\" --proc \"\$PROC\"/$BADBIN/ovc}
	run -0 sh -c "$cmd"
	assert_equal "$(ls -A "$dir")" ovc.prom
	cmp "$dir/ovc.prom" "$BATS_TEST_TMPDIR/before"
}

@test "contrib: the unit files verify, the alert rules check" {
	local d=$REPO_DIR/contrib/prometheus
	command -v systemd-analyze >/dev/null || no_tool "systemd-analyze not installed (systemd)"
	run -0 --separate-stderr systemd-analyze verify --man=no \
		"$d/ovc-prometheus.service" "$d/ovc-prometheus.timer"
	[[ -z $stderr ]] || fail "systemd-analyze: $stderr"
	need_promtool
	run -0 promtool check rules "$d/ovc-alerts.yml"
	assert_line --partial 'SUCCESS: 4 rules found'
}

@test "contrib: OvcMetricsFailed fires on the file the service publishes after a read failure" {
	need_promtool
	use_host mode2-tight
	fake_path
	local dir=$BATS_TEST_TMPDIR/textfile v
	mkdir -p "$dir"
	rm "$PROC/meminfo"
	run -6 env PATH="$FAKEBIN:$PATH" PROM_FILE="$dir/ovc.prom" sh -c "$(service_command)"
	run -0 cat "$dir/ovc.prom"
	v=$(sample ovc_scrape_success)
	cat >"$BATS_TEST_TMPDIR/t.yml" <<-EOF
		rule_files: ["$REPO_DIR/contrib/prometheus/ovc-alerts.yml"]
		evaluation_interval: 1m
		tests:
		  - interval: 1m
		    input_series:
		      - series: 'ovc_scrape_success{instance="h"}'
		        values: '${v}x10'
		    alert_rule_test:
		      - eval_time: 4m
		        alertname: OvcMetricsFailed
		        exp_alerts: []
		      - eval_time: 6m
		        alertname: OvcMetricsFailed
		        exp_alerts:
		          - exp_labels: {severity: warning, instance: h}
		            exp_annotations:
		              summary: "ovc could not read the overcommit settings on h"
		              description: "Run 'ovc status' on the host: it names the file and the error."
	EOF
	run promtool test rules "$BATS_TEST_TMPDIR/t.yml"
	[[ $status == 0 ]] || fail "promtool test rules: $output"
}

@test "contrib: the alert rules fire on ovc's own output" {
	need_promtool
	use_host mode2-tight   # mode 2, headroom 150000 kB of 6171316: under 5 %
	run -0 prom
	local hr cl
	hr=$(sample ovc_headroom_bytes)
	cl=$(sample ovc_commit_limit_bytes)
	cat >"$BATS_TEST_TMPDIR/t.yml" <<-EOF
		rule_files: ["$REPO_DIR/contrib/prometheus/ovc-alerts.yml"]
		evaluation_interval: 1m
		tests:
		  - interval: 1m
		    input_series:
		      - series: 'ovc_overcommit_mode{instance="h"}'
		        values: '2x10'
		      - series: 'ovc_headroom_bytes{instance="h"}'
		        values: '${hr}x10'
		      - series: 'ovc_commit_limit_bytes{instance="h"}'
		        values: '${cl}x10'
		      - series: 'ovc_boot_drift{instance="h",key="vm.overcommit_memory"}'
		        values: '1x40'
		      - series: 'ovc_boot_drift{instance="h",key="vm.overcommit_ratio"}'
		        values: '0x40'
		    alert_rule_test:
		      - eval_time: 6m
		        alertname: OvcMode2LowHeadroom
		        exp_alerts:
		          - exp_labels: {severity: critical, instance: h}
		            exp_annotations:
		              summary: "Committed_AS is within 5% of CommitLimit on h (mode 2)"
		              description: "New allocations, fork and exec start to fail at CommitLimit; HEADROOM left."
		      - eval_time: 29m
		        alertname: OvcBootDrift
		        exp_alerts: []
		      - eval_time: 31m
		        alertname: OvcBootDrift
		        exp_alerts:
		          - exp_labels: {severity: warning, instance: h}
		            exp_annotations:
		              summary: "A reboot would change the overcommit policy of h"
		              description: "The running vm.overcommit_* differ from the boot configuration: 'ovc verify' shows which; 'ovc persist' or 'ovc reset' settles it."
	EOF
	# the description's figure: $value is ovc_headroom_bytes (150000 kB), humanize1024'd
	sed -i "s/HEADROOM/$(awk -v b="$hr" 'BEGIN { printf "%.4gMiB", b / 1048576 }')/" "$BATS_TEST_TMPDIR/t.yml"
	run promtool test rules "$BATS_TEST_TMPDIR/t.yml"
	[[ $status == 0 ]] || fail "promtool test rules: $output"
}

@test "--top N: the N largest holders of Committed_AS, commit and fork, as ovc top reads them (live)" {
	run -0 --separate-stderr "$OVC" status --format prometheus --top 3
	promtool_ok
	local n
	n=$(grep -c '^ovc_top_commit_bytes{pid="[0-9]*",comm="[^"]*",cgroup="[^"]*"} [0-9]*$' <<<"$output")
	assert_equal "$n" 3
	n=$(grep -c '^ovc_top_fork_bytes{' <<<"$output")
	assert_equal "$n" 3
	assert_line --regexp '^ovc_unattributed_bytes -?[0-9]+$'
	assert_line --regexp '^ovc_unreadable_processes [0-9]+$'
	# the largest first: the first sample is at least the last
	local first last
	first=$(grep '^ovc_top_commit_bytes' <<<"$output" | head -1 | awk '{ print $2 }')
	last=$(grep '^ovc_top_commit_bytes' <<<"$output" | tail -1 | awk '{ print $2 }')
	((first >= last)) || fail "not sorted: $first < $last"
	run -0 --separate-stderr "$OVC" status --format prometheus --top 0
	refute_line --partial 'ovc_top_commit_bytes'
	run -2 --separate-stderr "$OVC" status --format prometheus --top 21
	[[ ${stderr_lines[0]} == "ovc: invalid --top '21': "* ]] || fail "$stderr"
}

@test "--top on a saved tree: no holders (its processes are not this host's now)" {
	use_host seed-24g-noswap
	run -0 --separate-stderr ovc status --format prometheus
	refute_line --partial 'ovc_top_'
	promtool_ok
}

@test "the kernel log counted by kind where it can be read; ovc_kernel_log_read 0 where not" {
	run -0 --separate-stderr "$OVC" status --format prometheus --top 0
	promtool_ok
	if "$OVC" log --since 1s >/dev/null 2>&1; then
		assert_line 'ovc_kernel_log_read 1'
		local want
		want=$("$OVC" log --json | jq '[.entries[] | select(.kind == "commit_refused")] | length')
		# the same log read twice; new refusals may come in between (other tests)
		local got
		got=$(awk '$1 == "ovc_kernel_log_entries{kind=\"commit_refused\"}" { print $2 }' <<<"$output")
		((got <= want)) || fail "prometheus $got > ovc log $want"
		assert_line --regexp '^ovc_kernel_log_suppressed [0-9]+$'
	fi
	use_host seed-24g-noswap
	run -0 --separate-stderr ovc status --format prometheus
	assert_line 'ovc_kernel_log_read 0'
	refute_line --partial 'ovc_kernel_log_entries'
}
