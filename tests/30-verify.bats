#!/usr/bin/env bats
# 30-verify.bats - ovc verify: running values against what sysctl.d applies at boot.
# Each test reads a copy of a fixture proc host (--proc) and of a fixture root (--root,
# tests/fixtures/roots). verify is read-only: nothing under either copy may change.

load helpers/common

ROOTS="$TESTS_DIR/fixtures/roots"

# use_root NAME: copy tests/fixtures/roots/NAME (symlinks kept) and point $ROOT at it
use_root() {
	[[ -d $ROOTS/$1 ]] || {
		echo "no fixture root '$1' in $ROOTS" >&2
		return 1
	}
	ROOT="$BATS_TEST_TMPDIR/roots/$1"
	mkdir -p "$BATS_TEST_TMPDIR/roots"
	rm -rf "$ROOT"
	cp -a "$ROOTS/$1" "$ROOT"
}

verify() {
	ovc verify --root "$ROOT" "$@"
}

# key K of the JSON "keys" array, as compact JSON
jkey() {
	jq -c --arg k "$1" '.keys[] | select(.key == $k)' <<<"$output"
}

setup() {
	use_host seed-24g-noswap   # mode 0, ratio 50, kbytes 0: the kernel defaults
}

@test "nothing configured: in sync with the kernel defaults, file and line null" {
	use_root empty
	run -0 --separate-stderr verify --json
	assert_one_json_document
	assert_json '.in_sync == true'
	assert_json '[.keys[].key] == ["vm.overcommit_memory", "vm.overcommit_ratio", "vm.overcommit_kbytes"]'
	assert_json '.keys[] | select(.key == "vm.overcommit_memory") | .boot == 0 and .boot_procps == 0 and .runtime == 0'
	assert_json '.keys[] | select(.key == "vm.overcommit_ratio") | .boot == 50 and .boot_procps == 50'
	assert_json '.keys[] | select(.key == "vm.overcommit_kbytes") | .boot == 0'
	assert_json 'all(.keys[]; .file == null and .line == null)'
	local w='[]'
	if ovc_under_valgrind; then w='["links_not_contained"]'; fi
	assert_json --argjson w "$w" '.shadowed == [] and [.warnings[].id] == $w and .tool_errors == []'
	[[ -z $stderr ]]
}

@test "a drop-in in /etc/sysctl.d sets mode 1 while runtime is 0: drift, exit 1, file:line exact" {
	use_root dropin-mode1
	run -1 verify --json
	assert_json '.in_sync == false'
	assert_json --arg f "$ROOT/etc/sysctl.d/90-overcommit.conf" \
		'.keys[] | select(.key == "vm.overcommit_memory") |
		 .runtime == 0 and .boot == 1 and .boot_procps == 1 and .file == $f and .line == 3 and .in_sync == false'
	run -1 verify
	assert_line --regexp "^vm\.overcommit_memory +0 +1 +1  $ROOT/etc/sysctl.d/90-overcommit.conf:3\$"
	assert_line 'drift: vm.overcommit_memory is 0 now, 1 after boot'
}

@test "the same drop-in with runtime mode 1 is in sync: exit 0" {
	use_root dropin-mode1
	echo 1 >"$PROC/sys/vm/overcommit_memory"
	run -0 verify
	assert_line 'in sync: the running values are what boot applies'
}

@test "/etc/sysctl.conf overrides a drop-in for sysctl --system only: boot != boot_procps" {
	use_root conf-procps-only
	run -1 verify --json
	assert_json --arg d "$ROOT/etc/sysctl.d/60-mode.conf" --arg c "$ROOT/etc/sysctl.conf" \
		'.keys[] | select(.key == "vm.overcommit_memory") |
		 .boot == 2 and .boot_procps == 1 and .file == $d and .line == 1 and
		 .boot_procps_file == $c and .boot_procps_line == 2'
	assert_json '[.warnings[] | select(.id == "tools_disagree")] | length == 1'
	assert_json '.warnings[0].text | startswith("systemd-sysctl and sysctl --system disagree about vm.overcommit_memory")'
	assert_json --arg c "$ROOT/etc/sysctl.conf" \
		'.shadowed | any(.file == $c and .line == 2 and .why == "not read" and .tools == ["systemd"])'
}

@test "Debian's 99-sysctl.conf -> ../sysctl.conf is read by both tools, inside the root" {
	use_host mode2-tight   # runtime mode 2, ratio 50
	use_root debian
	run -0 verify --json
	assert_json --arg l "$ROOT/etc/sysctl.d/99-sysctl.conf" --arg c "$ROOT/etc/sysctl.conf" \
		'.keys[] | select(.key == "vm.overcommit_memory") |
		 .boot == 2 and .boot_procps == 2 and .file == $l and .line == 2 and
		 .boot_procps_file == $c and .boot_procps_line == 2'
	assert_json '.in_sync == true and .tool_errors == []'
}

@test "a /dev/null link in /etc/sysctl.d masks the /usr/lib file of the same name" {
	use_root masked
	run -0 verify --json
	assert_json 'all(.keys[]; .file == null and .boot_procps_file == null)'
	assert_json '.keys[] | select(.key == "vm.overcommit_memory") | .boot == 0 and .boot_procps == 0'
	assert_json --arg u "$ROOT/usr/lib/sysctl.d/50-vendor.conf" --arg m "$ROOT/etc/sysctl.d/50-vendor.conf" \
		'[.shadowed[] | select(.file == $u and .why == "not read" and .by.file == $m)] | length == 2'
	run -0 verify
	assert_line --partial "50-vendor.conf:1  vm.overcommit_memory  not read: masked by $ROOT/etc/sysctl.d/50-vendor.conf (-> /dev/null)"
}

@test "kbytes in one file, ratio in a later one: kbytes is 0 at boot, decided by the ratio line" {
	use_root kbytes-then-ratio
	run -1 verify --json
	assert_json --arg r "$ROOT/etc/sysctl.d/20-ratio.conf" \
		'.keys[] | select(.key == "vm.overcommit_kbytes") | .boot == 0 and .boot_procps == 0 and .file == $r and .line == 2'
	assert_json --arg r "$ROOT/etc/sysctl.d/20-ratio.conf" \
		'.keys[] | select(.key == "vm.overcommit_ratio") | .boot == 80 and .file == $r and .line == 2'
	assert_json --arg k "$ROOT/etc/sysctl.d/10-kbytes.conf" \
		'.shadowed | any(.file == $k and .key == "vm.overcommit_kbytes" and .why == "zeroed by the other limit knob")'
}

@test "inline '# comment': the kernel stores the number before the blank; '60#x' is rejected" {
	use_root inline-comment
	run -1 verify --json
	# "1 # always": a short write that stores 1 (tests/vm/boot measures it), both tools
	assert_json --arg f "$ROOT/etc/sysctl.d/20-junk.conf" \
		'.keys[] | select(.key == "vm.overcommit_memory") | .boot == 1 and .boot_procps == 1 and .file == $f and .line == 1'
	# "60#x": no blank after the digits: EINVAL, the ratio stays 50
	assert_json '.keys[] | select(.key == "vm.overcommit_ratio") | .boot == 50 and .file == null'
	assert_json --arg j "$ROOT/etc/sysctl.d/30-nospace.conf" \
		'[.warnings[] | select(.id == "kernel_rejects") | .text] == [$j + ":1: the kernel rejects vm.overcommit_ratio = \u002760#x\u0027 (not an integer); the key keeps its earlier value"]'
	assert_json --arg j "$ROOT/etc/sysctl.d/30-nospace.conf" \
		'.shadowed | any(.file == $j and .why == "rejected by the kernel")'
	assert_json '.tool_fails.systemd == true and .tool_fails.procps == true'
}

@test "absolute and ../ symlinks resolve inside the root, not on this host" {
	if ovc_under_valgrind; then skip "valgrind: openat2 fails (ENOSYS), ovc falls back to openat without RESOLVE_IN_ROOT"; fi
	use_root abs-link
	[[ ! -e /opt/ovc/ovc-fixture-overcommit.conf ]] || skip "this host has the target"
	run -1 verify --json
	assert_json --arg l "$ROOT/etc/sysctl.d/80-link.conf" \
		'.keys[] | select(.key == "vm.overcommit_memory") | .boot == 2 and .file == $l and .line == 1'
	assert_json --arg l "$ROOT/etc/sysctl.d/81-dotdot.conf" \
		'.keys[] | select(.key == "vm.overcommit_memory") | .boot_procps == 2 and .boot_procps_file == $l'
	assert_json '.tool_errors == [] and .tool_fails.systemd == false and .tool_fails.procps == false'
}

@test "/lib -> usr/lib inside the root: the directory is read once" {
	use_root merged-usr
	run -1 verify --json
	assert_json --arg f "$ROOT/usr/lib/sysctl.d/50-vendor.conf" \
		'.keys[] | select(.key == "vm.overcommit_ratio") | .boot == 70 and .file == $f'
	assert_json '.shadowed == []'
}

@test "a dangling link is a tool error for both tools, not an ovc failure" {
	use_root empty
	mkdir -p "$ROOT/etc/sysctl.d"
	ln -s /nonexistent/ovc.conf "$ROOT/etc/sysctl.d/70-gone.conf"
	run -0 verify --json
	assert_json --arg f "$ROOT/etc/sysctl.d/70-gone.conf" \
		'[.tool_errors[] | select(.file == $f and .kind == "cannot_open")] | length == 2'
	assert_json '.tool_fails.systemd == true and .tool_fails.procps == true'
}

@test "JSON contract: the names and types of verify --json (ovc(8), JSON OUTPUT)" {
	use_root dropin-mode1
	run -1 --separate-stderr verify --json
	assert_one_json_document
	assert_json '(.in_sync | type) == "boolean" and (.keys | type) == "array" and (.keys | length) == 3'
	assert_json 'all(.keys[]; (.key | type) == "string" and (.runtime | type) == "number" and
		(.boot | type) == "number" and (.boot_procps | type) == "number" and
		((.file | type) == "string" or .file == null) and
		((.line | type) == "number" or .line == null) and
		((.file == null) == (.line == null)))'
	assert_json '(.shadowed | type) == "array" and (.warnings | type) == "array" and (.tool_errors | type) == "array"'
	[[ -z $stderr ]]
}

@test "--json usage error: exactly one error document, exit 2" {
	use_root empty
	run -2 --separate-stderr verify --json --bogus
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2'
	run -2 --separate-stderr verify --json extra
	assert_one_json_document
	assert_json '.error.message == "unexpected argument '"'"'extra'"'"'"'
}

@test "a missing --root is a bad option value: exit 2, one JSON error document" {
	run -2 --separate-stderr "$OVC" --proc "$PROC" verify --root "$BATS_TEST_TMPDIR/nope" --json
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2 and .error.errno == "ENOENT"'
	[[ $stderr == *"cannot open the root directory"* ]]
}

@test "a file larger than 1 MiB is refused: exit 6" {
	use_root empty
	mkdir -p "$ROOT/etc/sysctl.d"
	head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$ROOT/etc/sysctl.d/50-big.conf"
	run -6 --separate-stderr verify
	[[ $stderr == *"50-big.conf: file is larger than 1048576 bytes"* ]]
}

@test "human table: header, aligned columns, kernel default, no colour under NO_COLOR" {
	use_root kbytes-then-ratio
	run -1 verify
	assert_line --index 0 --regexp '^KEY +RUNTIME +BOOT +BOOT \(procps\)  DECIDED BY$'
	assert_line --index 1 --regexp '^vm\.overcommit_memory +0 +0 +0  kernel default$'
	assert_line --index 2 --regexp "^vm\.overcommit_ratio +50 +80 +80  $ROOT/etc/sysctl.d/20-ratio.conf:2\$"
	assert_line --index 3 --regexp "^vm\.overcommit_kbytes +0 +0 +0  $ROOT/etc/sysctl.d/20-ratio.conf:2\$"
	assert_line 'Shadowed assignments:'
	assert_line "(boot configuration read from $ROOT)"
	# columns line up: the values end in the same column on every row
	local h=${lines[0]%%BOOT (procps)*}
	[[ ${#h} -gt 0 ]]
	refute_output --partial $'\e['
}

@test "verify writes nothing under --root or --proc" {
	use_root debian
	local before_r before_p
	before_r=$(tree_state "$ROOT")
	before_p=$(tree_state "$PROC")
	run verify --json
	assert_equal "$(tree_state "$ROOT")" "$before_r"
	assert_equal "$(tree_state "$PROC")" "$before_p"
}

@test "verify --help names --root and the exit statuses" {
	run -0 "$OVC" verify --help
	assert_line 'Usage: ovc verify [--profile NAME] [--root DIR] [--proc DIR] [--json]'
	assert_line --partial 'Exit status: 0 in sync, 1 drift'
}

@test "one tool error beyond those listed: '1 more problem', not '1 more problems'" {
	use_root empty
	mkdir -p "$ROOT/etc/sysctl.d"
	# PREC_MAX_DIAGS (32) listed per tool, then a count of the rest
	for i in $(seq 33); do echo "not an assignment $i"; done >"$ROOT/etc/sysctl.d/50-junk.conf"
	run -0 verify
	assert_line 'warning: systemd-sysctl: 1 more problem not listed'
	assert_line 'warning: sysctl --system: 1 more problem not listed'
	echo 'one more' >>"$ROOT/etc/sysctl.d/50-junk.conf"
	run -0 verify
	assert_line 'warning: systemd-sysctl: 2 more problems not listed'
}
