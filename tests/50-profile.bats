#!/usr/bin/env bats
# 50-profile.bats - ovc profile list | show | [apply], and verify --profile: the shipped
# profiles (every one parses and simulates on every fixture host), local overrides by
# name, include chains and cycles, host-relative values computed from the fixture's
# meminfo, unsafe files refused, malformed files named with their line, and applying
# through the same path as set (idempotent, recorded in the drop-in, shown by status).
#
# SAFETY: writers go through ovc_w (helpers/common.bash): --root inside
# $BATS_TEST_TMPDIR, --proc inside it too or absent (offline image).

load helpers/common

SHIPPED_REL=usr/local/share/ovc/profiles   # $(DATADIR)/profiles with the default PREFIX

setup_file() {
	HOST_VM_BEFORE=$(live_vm)
	export HOST_VM_BEFORE
}

setup() {
	use_host seed-24g-noswap
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d" "$ROOT/$SHIPPED_REL" "$ROOT/etc/ovc/profiles"
	cp "$REPO_DIR"/profiles/*.profile "$ROOT/$SHIPPED_REL/"
	chmod -R go-w "$ROOT"
	DROPIN=$ROOT/etc/sysctl.d/99-zz-ovc.conf
}

teardown() {
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
}

prof() { "$OVC" profile "$@" --proc "$PROC" --root "$ROOT"; }
apply() { ovc_w set --proc "$PROC" --root "$ROOT" --mode 0 >/dev/null 2>&1 || true; }
papply() {
	writer_args_safe --proc "$PROC" --root "$ROOT" || return 99
	"$OVC" profile "$@" --proc "$PROC" --root "$ROOT"
}
# a local profile NAME with the given lines
local_profile() {
	local f=$ROOT/etc/ovc/profiles/$1.profile

	shift
	printf '%s\n' "$@" >"$f"
	chmod 644 "$f"
}

@test "the compiled-in shipped directory is the one these tests fill" {
	run -0 "$OVC" profile list --root "$ROOT" --json
	# the image's local and shipped profiles, then the running ovc's own shipped ones
	assert_json --arg a "$ROOT/etc/ovc/profiles" --arg b "$ROOT/$SHIPPED_REL" \
		--arg c "/$SHIPPED_REL" '.dirs == [$a, $b, $c]'
}

@test "list: every shipped profile, with its description" {
	run -0 prof list
	assert_line --regexp '^kernel-default +shipped The kernel.s defaults'
	assert_line --regexp '^sparse-arrays +shipped Always overcommit'
	assert_line --regexp '^strict +shipped Never overcommit'
	run -0 prof list --json
	assert_json '[.profiles[].name] == ["kernel-default","kubernetes-node","postgresql","redis","sparse-arrays","strict"]'
	assert_json '[.profiles[] | .error] | all(. == null)'
}

@test "every shipped profile parses and simulates on every fixture host" {
	local h n hosts=("$FIXTURES"/*/proc)
	# in the memory tiers (memory, not figures) two hosts: a profile's paths are the same on all
	if memory_tier; then
		hosts=("$FIXTURES/seed-24g-noswap/proc" "$FIXTURES/swap-hugetlb/proc")
	fi
	for h in "${hosts[@]}"; do
		h=$(basename "$(dirname "$h")")
		use_host "$h"
		for n in "$REPO_DIR"/profiles/*.profile; do
			n=$(basename "$n" .profile)
			run -0 --separate-stderr prof show "$n" --json
			assert_json '.computed.mode | type == "number"'
			[[ -z $stderr ]] || fail "$h/$n: $stderr"
		done
	done
}

@test "every shipped profile has a reason and at least one source" {
	local n
	for n in "$REPO_DIR"/profiles/*.profile; do
		n=$(basename "$n" .profile)
		run -0 prof show "$n" --json
		assert_json '(.reason | length) > 40 and (.sources | length) >= 1'
	done
}

@test "show strict: ram - hugetlb + swap is the kernel's own formula: written as ratio 100" {
	use_host swap-hugetlb   # MemTotal 65837120, SwapTotal 8388604, Hugetlb 6291456 kB
	run -0 prof show strict --json
	assert_json '.computed == {"mode": 2, "mode_name": "never", "ratio": 100, "kbytes": 0}'
	assert_json '.commit_limit_kb == 65837120 - 6291456 + 8388604 and .host_relative == false'
	use_host seed-24g-noswap   # 24684092 kB, no swap, no hugetlb
	run -0 prof show strict --json
	assert_json '.computed.ratio == 100 and .commit_limit_kb == 24684092'
	run -0 prof show strict
	assert_line --partial "vm.overcommit_memory = 2, vm.overcommit_ratio = 100"
	assert_line --regexp '^CommitLimit +11\.77 GiB +23\.54 GiB$'
}

@test "host-relative values, computed from each fixture host's meminfo" {
	local_profile batch "description = b" "reason = r" "source = s" "mode = 2" \
		"commit_limit = ram + 50% swap - 1G"
	local_profile half "description = h" "reason = r" "source = s" "kbytes = 50% ram"
	local h mem swap
	for h in kbytes mode2-tight old-4.19 sosreport swap-hugetlb; do
		use_host "$h"
		mem=$(awk '$1 == "MemTotal:" {print $2}' "$PROC/meminfo")
		swap=$(awk '$1 == "SwapTotal:" {print $2}' "$PROC/meminfo")
		# the kernel adds the whole swap: kbytes = ram + swap/2 - 1G - swap
		run -0 prof show batch --json
		assert_json --argjson m "$mem" --argjson s "$swap" \
			'.host_relative == true and .computed.kbytes == $m + (($s * 5000 / 10000) | floor) - 1048576 - $s and .computed.ratio == 0'
		assert_json --argjson m "$mem" --argjson s "$swap" \
			'.commit_limit_kb == ((.computed.kbytes / 4) | floor) * 4 + $s'   # whole 4 KiB pages
		run -0 prof show half --json
		assert_json --argjson m "$mem" '.computed.kbytes == (($m / 2) | floor)'
	done
}

@test "show with --mem/--swap: the figures of another host (no --hugetlb: none)" {
	local_profile batch "description = b" "reason = r" "source = s" "mode = 2" \
		"commit_limit = ram + swap"
	use_host swap-hugetlb
	run -0 prof show batch --mem 64G --swap 8G --json
	assert_json '.computed.kbytes == 67108864 and .commit_limit_kb == 67108864 + 8388608'
	run -0 prof show strict --mem 64G --swap 8G --json
	assert_json '.computed.ratio == 100 and .commit_limit_kb == 67108864 + 8388608'
	run -2 prof show strict --mem 64G
	run -2 prof list --mem 64G
}

@test "a local profile overrides the shipped one by name" {
	local_profile redis "description = our redis" "reason = local policy" "source = ticket 42" "mode = 0"
	run -0 prof list --json
	assert_json --arg p "$ROOT/etc/ovc/profiles/redis.profile" '.profiles[] | select(.name == "redis") | .local == true and .overrides == true and .path == $p'
	run -0 prof show redis --json
	assert_json '.description == "our redis" and .computed.mode == 0'
}

@test "include: the chain, the top's values first; postgresql takes strict's limit" {
	run -0 prof show postgresql --json
	assert_json --arg p "$ROOT/$SHIPPED_REL/postgresql.profile" '.chain == ["postgresql", "strict"] and .path == $p and .computed.mode == 2 and .settings.limit == "commit_limit = ram - hugetlb + swap"'
	local_profile a "description = a" "reason = r" "source = s" "include = b" "ratio = 90"
	local_profile b "description = b" "reason = r" "source = s" "mode = 2" "ratio = 10"
	run -0 prof show a --json
	assert_json '.chain == ["a", "b"] and .computed.mode == 2 and .computed.ratio == 90'
}

@test "include: a cycle is an error naming the profiles (exit 6)" {
	local_profile a "description = a" "reason = r" "source = s" "include = b"
	local_profile b "description = b" "reason = r" "source = s" "include = a"
	run -6 --separate-stderr prof show a
	assert_equal "$stderr" "ovc: $ROOT/etc/ovc/profiles/b.profile: include cycle: b includes a, which is already in the chain"
	run -0 prof list --json
	assert_json '.profiles[] | select(.name == "a") | .error | contains("include cycle")'
}

@test "a malformed profile: exit 6 with file and line; list marks it broken, others work" {
	local_profile bad "description = x" "reason = r" "source = s" "mode = 7"
	run -6 --separate-stderr prof show bad
	assert_equal "$stderr" "ovc: $ROOT/etc/ovc/profiles/bad.profile:4: mode must be 0, 1 or 2, not '7'
hint: the file format is described in ovc-profile(5)"
	run -0 prof list
	assert_line --regexp "^bad +local +broken: $ROOT/etc/ovc/profiles/bad.profile:4: mode must be"
	assert_line --regexp '^redis +shipped'
}

@test "unsafe profiles are refused (exit 4): group-writable, a symlink, another owner" {
	local_profile gw "description = x" "reason = r" "source = s" "mode = 1"
	chmod 664 "$ROOT/etc/ovc/profiles/gw.profile"
	run -4 --separate-stderr prof show gw
	[[ $stderr == "ovc: $ROOT/etc/ovc/profiles/gw.profile: the file is writable by group or others (mode 0664)"* ]]
	ln -s "$ROOT/$SHIPPED_REL/redis.profile" "$ROOT/etc/ovc/profiles/ln.profile"
	run -4 --separate-stderr prof show ln
	[[ $stderr == "ovc: $ROOT/etc/ovc/profiles/ln.profile: is a symbolic link"* ]]
	chmod 777 "$ROOT/etc/ovc/profiles"
	run -4 --separate-stderr prof show redis
	[[ $stderr == *"the directory is writable by group or others"* ]]
	chmod 755 "$ROOT/etc/ovc/profiles"
	if ((EUID == 0)); then
		local_profile other "description = x" "reason = r" "source = s" "mode = 1"
		chown 65534 "$ROOT/etc/ovc/profiles/other.profile"
		run -4 --separate-stderr prof show other
		[[ $stderr == *"the file is not owned by root (uid 65534)"* ]]
	fi
}

@test "unknown profile: exit 2; a path as a name: exit 2" {
	run -2 --separate-stderr prof show nosuch
	[[ $stderr == "ovc: no profile 'nosuch' in $ROOT/etc/ovc/profiles, $ROOT/$SHIPPED_REL or /$SHIPPED_REL" ]]
	run -2 prof show ../etc/passwd
	run -2 "$OVC" profile
}

@test "apply: through set's path; twice is a no-op; --dry-run writes nothing" {
	local st
	st=$(tree_state "$PROC")
	run -0 papply sparse-arrays --dry-run
	assert_equal "$(tree_state "$PROC")" "$st"
	run -0 --separate-stderr papply sparse-arrays --json
	assert_json '.changed == true and .after.mode == 1 and .profile.name == "sparse-arrays" and .profile.request == {"mode": 1, "ratio": null, "kbytes": null}'
	assert_equal "$(vm overcommit_memory)" 1
	run -0 --separate-stderr papply apply sparse-arrays --json
	assert_json '.changed == false and .would_change == false'
	run -0 papply sparse-arrays
	assert_line "Profile sparse-arrays: Always overcommit: huge sparse or memory-mapped NumPy/PyTorch arrays"
}

@test "apply --persist: the drop-in records the profile; status shows it; verify --profile" {
	use_host swap-hugetlb
	run -0 papply strict --persist
	assert_equal "$(sed -n 3p "$DROPIN")" "# profile: strict"
	assert_equal "$(vm overcommit_memory) $(vm overcommit_ratio) $(vm overcommit_kbytes)" "2 100 0"
	run -0 "$OVC" status --proc "$PROC" --root "$ROOT"
	assert_line "profile               strict ($DROPIN)"
	run -0 "$OVC" verify --profile strict --proc "$PROC" --root "$ROOT" --json
	assert_json '.profile == {"name": "strict", "request": {"mode": 2, "ratio": 100, "kbytes": null}, "runtime_matches": true, "boot_matches": true, "boot_procps_matches": true}'
	run -1 "$OVC" verify --profile redis --proc "$PROC" --root "$ROOT"
	assert_line "profile redis: running values differ; at boot differ"
	run -0 ovc_w reset --proc "$PROC" --root "$ROOT"
	run -1 "$OVC" verify --profile strict --proc "$PROC" --root "$ROOT"
}

@test "apply: the guard applies to profiles as to set (strict with Committed_AS past RAM)" {
	sed -i 's/^Committed_AS: .*/Committed_AS:   31457280 kB/' "$PROC/meminfo"
	run -3 --separate-stderr papply strict --json
	assert_json '.refused == true and .changed == false'
	run -0 papply strict --force --dry-run
}

@test "offline image: a host-relative profile needs --mem/--swap; strict and fixed ones do not" {
	local_profile batch "description = b" "reason = r" "source = s" "mode = 2" \
		"commit_limit = ram + swap"
	writer_args_safe --offline-ok --root "$ROOT" || fail "unsafe"
	run -2 --separate-stderr "$OVC" profile batch --persist --root "$ROOT"
	[[ $stderr == *"profile batch depends on the host (commit_limit = ram + swap) and an offline image has none: give --mem and --swap"* ]]
	[[ ! -e $DROPIN ]]
	run -0 "$OVC" profile batch --persist --root "$ROOT" --mem 32G --swap 0 --json
	assert_json '.offline == true and .persist.policy == {"mode": 2, "mode_name": "never", "ratio": 0, "kbytes": 33554432}'
	# the running values are this host's: drift, said by a warning; the boot ones match
	run -1 "$OVC" verify --profile batch --root "$ROOT" --mem 32G --swap 0 --json
	assert_json '.profile.boot_matches == true and .profile.boot_procps_matches == true'
	assert_json '[.warnings[].id] | index("runtime_from_this_host") != null'
	run -0 "$OVC" profile strict --persist --root "$ROOT" --json
	assert_json '.persist.policy == {"mode": 2, "mode_name": "never", "ratio": 100, "kbytes": 0}'
	run -0 "$OVC" profile redis --persist --root "$ROOT"
	assert_equal "$(sed -n 3p "$DROPIN")" "# profile: redis"
	run -2 "$OVC" profile redis --root "$ROOT"
}

@test "profile --help lists the subcommands" {
	run -0 "$OVC" profile --help
	assert_line --index 0 'Usage: ovc profile list | show NAME | export NAME | [apply] NAME [options]'
}
