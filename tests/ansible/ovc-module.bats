#!/usr/bin/env bats
# tests/ansible/ovc-module.bats - the Ansible module contrib/ansible/library/ovc.py, run by
# a real ansible-playbook (localhost, connection local) against fake proc and root trees:
# changed exactly (first run changed, second ok, not even rewritten), check mode (nothing
# written: both trees byte- and mtime-identical), diff mode (running values and drop-in),
# the guard's and a shadowing file's refusals (the task fails with ovc's message and exit
# status 3, nothing written), force, profiles, persist alone, argument handling, the
# documentation (ansible-doc) and the example playbook.
#
# SAFETY: the module finds "ovc" in PATH, and PATH starts with $BATS_TEST_TMPDIR/bin,
# where ovc is a wrapper that runs the real one only when both --proc and --root are
# given and resolve inside $BATS_TEST_TMPDIR (and --proc is no procfs): even a playbook
# that forgot proc cannot reach this machine's /proc/sys or /etc. Every call is logged.
# Ansible's home and temporary directories, and HOME, are inside $BATS_TEST_TMPDIR too.
#
# Needs ansible-core (Debian 12: 2.14, the reference runtime); skipped without it unless
# OVC_REQUIRE_ANSIBLE=1.

load ../helpers/common

ANSIBLE_DIR=$TESTS_DIR/ansible
MODULE=$REPO_DIR/contrib/ansible/library/ovc.py
EXAMPLE=$REPO_DIR/contrib/ansible/examples/overcommit.yml
DROPIN_REL=etc/sysctl.d/99-zz-ovc.conf
HEADER='# Managed by ovc(8). Do not edit: run "ovc persist" to change this file
# and "ovc reset --persist" to remove it.'
GUARD_MSG='ovc: refusing: after this change an unprivileged process could surely allocate only 166.00 MiB in mode 2, less than the 256.00 MiB that sshd, systemd and a shell need to fork and exec; nothing was written'

setup_file() {
	if ! command -v ansible-playbook >/dev/null || ! command -v ansible-doc >/dev/null; then
		if [[ ${OVC_REQUIRE_ANSIBLE:-0} == 1 ]]; then
			echo "ansible-playbook not found (OVC_REQUIRE_ANSIBLE=1)" >&2
			return 1
		fi
		skip "ansible-core is not installed (apt-get install ansible-core)"
	fi
	HOST_VM_BEFORE=$(live_vm)
	HOST_DROPIN_BEFORE=$(ls -l /etc/sysctl.d/99-zz-ovc.conf 2>&1 || true)
	HOME_ANSIBLE_BEFORE=$(ls -ld "$HOME/.ansible" 2>&1 || true)
	REAL_HOME=$HOME
	export HOST_VM_BEFORE HOST_DROPIN_BEFORE HOME_ANSIBLE_BEFORE REAL_HOME
}

setup() {
	use_host seed-24g-noswap   # mode 0, ratio 50, kbytes 0; 24 GiB, no swap; 2 CPUs
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d"
	# the shipped profiles, where this ovc looks for them under --root
	local shipped
	shipped=$("$OVC" profile list --root "$ROOT" --json | jq -r '.dirs[1]')
	[[ $shipped == "$ROOT"/* ]] || fail "shipped profile dir '$shipped' not under --root"
	mkdir -p "$shipped"
	cp "$REPO_DIR"/profiles/*.profile "$shipped/"
	chmod -R go-w "$ROOT"
	DROPIN=$ROOT/$DROPIN_REL
	OUT=$BATS_TEST_TMPDIR/result.json
	CALLS=$BATS_TEST_TMPDIR/ovc-calls.log

	make_safe_ovc
	export PATH=$BATS_TEST_TMPDIR/bin:$PATH
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	export ANSIBLE_CONFIG=$ANSIBLE_DIR/ansible.cfg
	export ANSIBLE_INVENTORY=$ANSIBLE_DIR/inventory.ini
	export ANSIBLE_LIBRARY=$REPO_DIR/contrib/ansible/library
	export ANSIBLE_HOME=$BATS_TEST_TMPDIR/ansible-home
	export ANSIBLE_LOCAL_TEMP=$BATS_TEST_TMPDIR/ansible-tmp
	export ANSIBLE_REMOTE_TEMP=$BATS_TEST_TMPDIR/ansible-rtmp
	export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0
	export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
	# Ansible refuses a locale that is not UTF-8 (common.bash sets LC_ALL=C); the module
	# runs ovc with LC_ALL=C itself
	export LC_ALL=C.UTF-8
	unset ANSIBLE_STDOUT_CALLBACK ANSIBLE_CALLBACKS_ENABLED ANSIBLE_CHECK_MODE_MARKERS
}

teardown() {
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
	assert_equal "$(ls -l /etc/sysctl.d/99-zz-ovc.conf 2>&1 || true)" "$HOST_DROPIN_BEFORE"
	assert_equal "$(ls -ld "$REAL_HOME/.ansible" 2>&1 || true)" "$HOME_ANSIBLE_BEFORE"
}

# --- helpers ---------------------------------------------------------------------------

# $BATS_TEST_TMPDIR/bin/ovc: the real ovc, only with --proc and --root inside this test's
# directory (the checks of writer_args_safe, in a script Ansible's subprocess can run)
make_safe_ovc() {
	local bin=$BATS_TEST_TMPDIR/bin

	mkdir -p "$bin"
	cat >"$bin/ovc" <<-EOF
		#!/bin/bash
		# ovc-module.bats safety wrapper: refuses unless --proc and --root are inside $BATS_TEST_TMPDIR
		safe=\$(realpath -m -- '$BATS_TEST_TMPDIR')
		printf '%s\n' "\$*" >>'$CALLS'
		proc= root= prev=
		for a in "\$@"; do
			case \$prev in --proc) proc=\$a ;; --root) root=\$a ;; esac
			case \$a in
			--proc=*) proc=\${a#--proc=} ;;
			--root=*) root=\${a#--root=} ;;
			--proc | --root | --persist) ;;
			--p* | --ro*) echo "SAFETY: '\$a' may abbreviate --proc or --root" >&2; exit 99 ;;
			esac
			prev=\$a
		done
		inside() { [[ -n \$1 && \$(realpath -m -- "\$1") == "\$safe"/* ]]; }
		if ! inside "\$proc" || ! inside "\$root" || ! inside "\$proc/sys/vm" ||
			[[ \$(stat -f -c %T -- "\$proc" 2>/dev/null) == proc ]]; then
			echo "SAFETY: --proc '\$proc' --root '\$root' not both inside \$safe" >&2
			exit 99
		fi
		exec '$OVC' "\$@"
	EOF
	chmod 755 "$bin/ovc"
}

# play [ANSIBLE-PLAYBOOK OPTIONS...] -- JSON: the generic one-task playbook with the
# module options JSON (an object), on $PROC and $ROOT; its result lands in $OUT
play() {
	local -a opts=()

	while (($#)) && [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	rm -f "$OUT"
	run --separate-stderr ansible-playbook "$ANSIBLE_DIR/playbooks/ovc.yml" "${opts[@]}" \
		-e "$(jq -cn --argjson a "$1" --arg p "$PROC" --arg r "$ROOT" --arg o "$OUT" \
			'{ovc_args: $a, ovc_proc: $p, ovc_root: $r, ovc_out: $o}')"
}

# the play recap for localhost has these counts (ok=N changed=N failed=N ...)
assert_recap() {
	local want=$* line

	line=$(grep -E '^localhost +: ' <<<"$output") || fail "no recap in: $output"
	line=$(sed -E 's/^localhost +: //; s/ +/ /g; s/ $//' <<<"$line")
	local kv
	for kv in $want; do
		[[ " $line " == *" $kv "* ]] || fail "recap '$line' lacks $kv; output: $output"
	done
}

# jq -e FILTER on the saved task result ($OUT)
assert_result() {
	[[ -s $OUT ]] || fail "no saved result $OUT; output: $output"
	local out
	out=$(jq -e "$@" "$OUT" 2>&1) || fail "result assertion failed: jq $* said: $out
$(cat "$OUT")"
}

# the failed task's result, from the default callback's 'fatal: [localhost]: FAILED! => {...}'
fatal_json() {
	grep -m1 '^fatal: \[localhost\]: FAILED! => ' <<<"$output" | sed 's/^fatal: \[localhost\]: FAILED! => //'
}

assert_fatal() {
	local doc out
	doc=$(fatal_json)
	[[ -n $doc ]] || fail "no failed task in: $output"
	out=$(jq -e "$@" <<<"$doc" 2>&1) || fail "failure assertion failed: jq $* said: $out
$doc"
}

knobs() {
	printf '%s/%s/%s' "$(vm overcommit_memory)" "$(vm overcommit_ratio)" "$(vm overcommit_kbytes)"
}

# the fake proc tree and the root's /etc: every file's path, mode, mtime, ctime and md5
# ($ROOT/run/ovc/lock is ovc's lock file, created by a writer that takes the lock)
trees() {
	tree_state "$HOST"
	echo ---
	tree_state "$ROOT/etc"
}

put() {
	local f=$ROOT/$1

	shift
	mkdir -p "$(dirname "$f")"
	printf '%s\n' "$@" >"$f"
}

# --- the safety net ----------------------------------------------------------------------

@test "the test's ovc wrapper refuses anything but --proc and --root inside the test dir" {
	local w=$BATS_TEST_TMPDIR/bin/ovc
	# read-only commands only: were the wrapper wrong, nothing would be written
	run -99 "$w" --json status
	run -99 "$w" --json --proc "$PROC" status
	run -99 "$w" --json --proc /proc status --root "$ROOT"
	run -99 "$w" --json --proc "$PROC" status --root /
	run -99 "$w" --json --pro "$PROC" status --root "$ROOT"
	run -0 "$w" --json --proc "$PROC" status --root "$ROOT"
	assert_json '.policy.mode == 0'
	assert_equal "$(wc -l <"$CALLS")" 6
}

# --- the documentation, the module's syntax, the example ----------------------------------

@test "ansible-doc renders the module: options, examples, return values; it compiles" {
	run -0 --separate-stderr ansible-doc ovc
	assert_line --index 0 --regexp '^> OVC +\(.*/contrib/ansible/library/ovc\.py\)$'
	local o
	for o in executable force kbytes mode persist proc profile ratio root wait; do
		assert_line "- $o"
	done
	assert_line --partial 'choices: [0, 1, 2]'
	assert_output --partial 'EXAMPLES:'
	assert_output --partial 'RETURN VALUES:'
	[[ -z $stderr ]] || fail "ansible-doc warned: $stderr"
	run -0 --separate-stderr ansible-doc --json ovc
	assert_json '(.ovc.doc.options | keys) == ["executable","force","kbytes","mode","persist","proc","profile","ratio","root","wait"]'
	assert_json '.ovc.doc.options.persist.default == false and .ovc.doc.options.force.default == false'
	assert_json '.ovc.doc.options.mode.type == "int" and .ovc.doc.options.kbytes.type == "str" and .ovc.doc.options.proc.type == "path"'
	assert_json '(.ovc.return | keys) == ["after","before","changed","cmd","diff","forced","ovc","persist","policy","rc","refused","stderr"]'
	assert_json '.ovc.examples | test("profile: sparse-arrays")'
	# byte-compiles without writing a __pycache__ into the repository
	run -0 /usr/bin/python3 -c 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")' "$MODULE"
	run -0 ansible-playbook --syntax-check "$EXAMPLE"
	run -0 ansible-playbook --syntax-check "$ANSIBLE_DIR/playbooks/ovc.yml" "$ANSIBLE_DIR/playbooks/bad-args.yml"
}

# --- changed exactly ---------------------------------------------------------------------

@test "first run: changed=1, the values and the drop-in written; second run: ok, not rewritten" {
	play -- '{"mode": 1, "ratio": 60, "persist": true}'
	assert_success
	assert_recap ok=2 changed=1 failed=0
	assert_line 'changed: [localhost]'
	refute_output --partial -- '--- before'   # no diff without --diff
	assert_equal "$(knobs)" 1/60/0
	assert_equal "$(cat "$DROPIN")" "$HEADER
vm.overcommit_memory = 1
vm.overcommit_ratio = 60"
	assert_result '.changed == true and .rc == 0 and .refused == false and .forced == false'
	assert_result '.before.mode == 0 and .before.ratio == 50 and .after.mode == 1 and .after.ratio == 60 and .after.kbytes == 0'
	assert_result '.policy == {"mode": 1, "mode_name": "always", "ratio": 60, "kbytes": 0}'
	assert_result --arg d "$DROPIN" '.persist.path == $d and .persist.result == "written" and .persist.changed == true and .persist.previous.content == null'
	assert_result '.ovc.changed == true and .ovc.dry_run == false and (.ovc.writes | map(.result) | all(. == "written"))'
	assert_result '(.diff // null) == null'
	# the module found ovc in PATH (the wrapper) and passed exactly these options
	assert_equal "$(cat "$CALLS")" "--json --no-color --proc $PROC set --mode 1 --ratio 60 --persist --root $ROOT"

	local st
	st=$(trees)
	play -- '{"mode": 1, "ratio": 60, "persist": true}'
	assert_success
	assert_recap ok=2 changed=0 failed=0
	assert_line 'ok: [localhost]'
	refute_line 'changed: [localhost]'
	assert_result '.changed == false and .ovc.would_change == false and .persist.result == "unchanged"'
	assert_equal "$(trees)" "$st"
}

# --- check mode --------------------------------------------------------------------------

@test "check mode: changed says what would happen, both trees stay byte-identical" {
	local st
	# from the fixture as it is (no drop-in): a change is predicted, nothing written
	st=$(trees)
	play --check -- '{"mode": 2, "ratio": 80, "persist": true}'
	assert_success
	assert_recap ok=2 changed=1 failed=0
	assert_equal "$(trees)" "$st"
	assert_equal "$(knobs)" 0/50/0
	[[ ! -e $DROPIN ]] || fail "check mode wrote $DROPIN"
	assert_result '.changed == true and .ovc.dry_run == true and .ovc.changed == false and .ovc.would_change == true'
	assert_result '.after.mode == 2 and .after.ratio == 80 and .persist.result == "would_write"'
	assert_result '.cmd | index("--dry-run") != null'

	# written for real, the same check is ok: nothing would change
	play -- '{"mode": 2, "ratio": 80, "persist": true}'
	assert_recap changed=1 failed=0
	st=$(trees)
	play --check -- '{"mode": 2, "ratio": 80, "persist": true}'
	assert_success
	assert_recap ok=2 changed=0 failed=0
	assert_result '.changed == false and .ovc.would_change == false'
	assert_equal "$(trees)" "$st"

	# only the drop-in would change (runtime already as wanted): still changed
	put etc/sysctl.d/99-zz-ovc.conf "$HEADER" "vm.overcommit_memory = 2" "vm.overcommit_ratio = 70"
	st=$(trees)
	play --check -- '{"mode": 2, "ratio": 80, "persist": true}'
	assert_success
	assert_recap changed=1 failed=0
	assert_result '.changed == true and .persist.would_change == true and .before == .after'
	assert_equal "$(trees)" "$st"
}

# --- diff mode ---------------------------------------------------------------------------

@test "diff mode: the running values and the drop-in, before and after" {
	play --diff -- '{"mode": 2, "ratio": 80, "persist": true}'
	assert_success
	assert_recap changed=1 failed=0
	assert_line "--- before: vm.overcommit_* (running, $PROC/sys/vm)"
	assert_line "+++ after: vm.overcommit_* (running, $PROC/sys/vm)"
	assert_line -- '-vm.overcommit_memory = 0'
	assert_line -- '-vm.overcommit_ratio = 50'
	assert_line -- '+vm.overcommit_memory = 2'
	assert_line -- '+vm.overcommit_ratio = 80'
	refute_line --regexp '^[-+]vm\.overcommit_kbytes'   # unchanged: context, not -/+
	assert_line ' vm.overcommit_kbytes = 0'
	assert_line "--- before: $DROPIN (absent)"
	assert_line "+++ after: $DROPIN"
	assert_line '+# Managed by ovc(8). Do not edit: run "ovc persist" to change this file'
	assert_equal "$(knobs)" 2/80/0

	# the drop-in changes: one line replaced, the header is context
	play --diff -- '{"mode": 1, "persist": true}'
	assert_success
	assert_recap changed=1 failed=0
	assert_line "--- before: $DROPIN"
	assert_line "+++ after: $DROPIN"
	assert_line -- '-vm.overcommit_memory = 2'
	assert_line -- '+vm.overcommit_memory = 1'
	assert_line ' vm.overcommit_ratio = 80'
	assert_result '.diff | length == 2'
	assert_result --arg d "$DROPIN" '.diff[1] | .before_header == $d and (.before | test("vm.overcommit_memory = 2\n")) and (.after | test("vm.overcommit_memory = 1\n"))'
	assert_result '.diff[0].before == "vm.overcommit_memory = 2\nvm.overcommit_ratio = 80\nvm.overcommit_kbytes = 0\n"'
	assert_equal "$(knobs)" 1/80/0

	# --check --diff: the same view, nothing written
	local st
	st=$(trees)
	play --check --diff -- '{"mode": 0, "persist": true}'
	assert_success
	assert_recap changed=1 failed=0
	assert_line -- '-vm.overcommit_memory = 1'
	assert_line -- '+vm.overcommit_memory = 0'
	assert_equal "$(trees)" "$st"
}

# --- refusals ----------------------------------------------------------------------------

@test "guard refusal: the task fails with ovc's message and exit 3, nothing written (also in check mode)" {
	local st
	st=$(trees)
	play -- '{"mode": 2, "ratio": 10}'
	assert_failure 2
	assert_recap ok=0 changed=0 failed=1
	assert_output --partial "$GUARD_MSG"
	assert_fatal --arg m "$GUARD_MSG" '.msg == $m + "\nhint: --force overrides; see ovc(8)"'
	assert_fatal '.rc == 3 and .changed == false and .refused == true and .ovc.refused == true'
	assert_fatal '(.ovc.writes | map(.result)) == ["refused", "refused"]'
	assert_equal "$(trees)" "$st"

	play --check -- '{"mode": 2, "ratio": 10}'
	assert_failure 2
	assert_recap changed=0 failed=1
	assert_fatal --arg m "$GUARD_MSG" '(.msg | startswith($m)) and .rc == 3 and .ovc.dry_run == true'
	assert_equal "$(trees)" "$st"
}

@test "force: the guard overridden, the values written, the module warns" {
	play -- '{"mode": 2, "ratio": 10, "force": true}'
	assert_success
	assert_recap changed=1 failed=0
	assert_equal "$(knobs)" 2/10/0
	# Ansible wraps warnings at 79 columns when stderr is no terminal
	[[ $(tr -s ' \n' '  ' <<<"$stderr") == *'[WARNING]: ovc: the guard was overridden with --force'* ]] ||
		fail "no guard warning in stderr: $stderr"
	assert_result '.warnings == ["ovc: the guard was overridden with --force"]'
	assert_result '.ovc.guard.room_after_kb == 169988 and .ovc.guard.margin_kb == 262144'
	assert_result '.changed == true and .forced == true and .ovc.guard.ok == false'
	assert_result '.cmd | index("--force") != null'
}

@test "wait: another ovc holds the lock; wait 0 fails with exit 11 at once, nothing written; wait 10 proceeds once it is released" {
	LOCK=$ROOT/$LOCK_REL
	BG_PIDS=()
	hold_lock 60
	local st
	st=$(trees)
	play -- '{"mode": 1, "wait": 0}'
	kill_bg_pids
	assert_failure 2
	assert_recap ok=0 changed=0 failed=1
	assert_fatal '.rc == 11 and .changed == false and (.msg | test("the lock is held by another ovc"))'
	assert_fatal '.cmd | index("--wait") as $i | $i != null and .[$i + 1] == "0"'
	assert_equal "$(trees)" "$st"

	BG_PIDS=()
	hold_lock 60
	(sleep 1; kill -9 "$HOLDER") &
	BG_PIDS+=($!)
	play -- '{"mode": 1, "wait": 10.5}'
	kill_bg_pids
	assert_success
	assert_recap changed=1 failed=0
	assert_result '.cmd | index("--wait") as $i | $i != null and .[$i + 1] == "10.5"'
	assert_equal "$(knobs)" 1/50/0
}

@test "shadowing: a later sysctl.d file refuses the drop-in (exit 3, nothing written); force writes" {
	put etc/sysctl.d/99-zzz-late.conf "vm.overcommit_memory = 2"
	local st
	st=$(trees)
	play -- '{"mode": 1, "persist": true}'
	assert_failure 2
	assert_recap changed=0 failed=1
	local msg="ovc: refusing: another file would override ovc's drop-in at boot (systemd-sysctl: vm.overcommit_memory would be 2 at boot, not 1: $ROOT/etc/sysctl.d/99-zzz-late.conf:1 decides it, and more: see ovc verify); remove that assignment, or --force to write it anyway; nothing was written"
	assert_output --partial "$msg"
	assert_fatal --arg m "$msg" '.msg == $m + "\nhint: --force overrides; see ovc(8)"'
	assert_fatal '.rc == 3 and .changed == false and .persist.result == "refused"'
	assert_fatal --arg f "$ROOT/etc/sysctl.d/99-zzz-late.conf" '[.persist.shadowed[] | .file] == [$f, $f]'
	# all or nothing: the running value was not changed either
	assert_equal "$(trees)" "$st"
	assert_equal "$(knobs)" 0/50/0

	play -- '{"mode": 1, "persist": true, "force": true}'
	assert_success
	assert_recap changed=1 failed=0
	assert_equal "$(knobs)" 1/50/0
	assert_equal "$(tail -2 "$DROPIN")" "vm.overcommit_memory = 1
vm.overcommit_ratio = 50"
	local late=$ROOT/etc/sysctl.d/99-zzz-late.conf
	assert_result --arg f "$late" '.warnings == [
		"ovc: systemd-sysctl: vm.overcommit_memory would be 2 at boot, not 1: \($f):1 decides it",
		"ovc: sysctl --system: vm.overcommit_memory would be 2 at boot, not 1: \($f):1 decides it"]'
	[[ $(tr -s ' \n' '  ' <<<"$stderr") == *'[WARNING]: ovc: systemd-sysctl: vm.overcommit_memory would be 2 at boot'* ]] ||
		fail "no shadow warning in stderr: $stderr"
	assert_result '.forced == true and .persist.boot_after.systemd.mode == 2'
}

# --- profiles, persist alone -------------------------------------------------------------

@test "profile: applied with persist, recorded in the drop-in; again: ok (executable given)" {
	local exe=$BATS_TEST_TMPDIR/bin/ovc
	play -- "$(jq -cn --arg e "$exe" '{profile: "sparse-arrays", persist: true, executable: $e}')"
	assert_success
	assert_recap changed=1 failed=0
	assert_equal "$(knobs)" 1/50/0
	assert_equal "$(cat "$DROPIN")" "$HEADER
# profile: sparse-arrays
vm.overcommit_memory = 1
vm.overcommit_ratio = 50"
	assert_result '.changed == true and .ovc.profile.name == "sparse-arrays" and .persist.profile == "sparse-arrays"'
	assert_result --arg e "$exe" '.cmd[0] == $e'
	assert_equal "$(cat "$CALLS")" "--json --no-color --proc $PROC profile apply sparse-arrays --persist --root $ROOT"

	local st
	st=$(trees)
	play -- "$(jq -cn --arg e "$exe" '{profile: "sparse-arrays", persist: true, executable: $e}')"
	assert_success
	assert_recap changed=0 failed=0
	assert_equal "$(trees)" "$st"

	# a profile that does not exist: ovc's usage error, exit 2
	play -- '{"profile": "no-such-profile"}'
	assert_failure 2
	assert_recap failed=1
	assert_fatal --arg r "$ROOT" '(.msg | startswith("ovc: no profile '"'no-such-profile'"' in " + $r + "/etc/ovc/profiles")) and .rc == 2'
	assert_equal "$(trees)" "$st"
}

@test "persist alone: the running values become the drop-in (ovc persist), runtime untouched" {
	local pst
	pst=$(tree_state "$HOST")
	play --diff -- '{"persist": true}'
	assert_success
	assert_recap changed=1 failed=0
	assert_equal "$(tree_state "$HOST")" "$pst"
	assert_equal "$(cat "$DROPIN")" "$HEADER
vm.overcommit_memory = 0
vm.overcommit_ratio = 50"
	assert_result '.cmd[5] == "persist" and .before == .after and .persist.result == "written"'
	assert_line "+++ after: $DROPIN"
	play -- '{"persist": true}'
	assert_recap changed=0 failed=0
}

# --- argument handling -------------------------------------------------------------------

@test "argument errors: Ansible's own checks fail the task before ovc runs; ovc's usage error" {
	rm -f "$OUT"
	run --separate-stderr ansible-playbook "$ANSIBLE_DIR/playbooks/bad-args.yml" \
		-e "$(jq -cn --arg p "$PROC" --arg r "$ROOT" --arg o "$OUT" '{ovc_proc: $p, ovc_root: $r, ovc_out: $o}')"
	assert_success
	assert_recap changed=0 failed=0 ignored=8
	assert_result 'map(.failed) == [true, true, true, true, true, true, true, true] and (map(.changed) | all(. == false))'
	assert_result '.[0].msg == "parameters are mutually exclusive: ratio|kbytes"'
	assert_result '.[1].msg == "parameters are mutually exclusive: profile|mode"'
	assert_result '.[2].msg == "one of the following is required: mode, ratio, kbytes, profile, persist=true"'
	assert_result '.[3].msg | startswith("value of mode must be one of: 0, 1, 2, got: 3")'
	assert_result '.[4].msg | test("Unsupported parameters for \\(ovc\\) module: persistent")'
	assert_result --arg p "$PROC" '.[5].msg == "executable " + $p + "/no-such-ovc is not an executable file"'
	assert_result '.[6].msg == "wait must be between 0 and 86400 seconds, not -1.0"'
	assert_result '.[7].rc == 2 and (.[7].msg | startswith("ovc: ")) and (.[7].msg | test("12Q"))'
	# only the last task reached ovc
	assert_equal "$(wc -l <"$CALLS")" 1
	assert_equal "$(knobs)" 0/50/0
}

# --- the example playbook ----------------------------------------------------------------

@test "the example playbook: check mode on the fake trees changes nothing, then applies" {
	local st
	st=$(trees)
	run --separate-stderr ansible-playbook "$EXAMPLE" --check --diff \
		-e ansible_become=false -e ovc_hosts=localhost \
		-e "$(jq -cn --arg p "$PROC" --arg r "$ROOT" '{ovc_proc: $p, ovc_root: $r}')"
	assert_success
	assert_recap changed=1 failed=0
	assert_line -- '+vm.overcommit_memory = 2'
	assert_equal "$(trees)" "$st"
	run --separate-stderr ansible-playbook "$EXAMPLE" \
		-e ansible_become=false -e ovc_hosts=localhost \
		-e "$(jq -cn --arg p "$PROC" --arg r "$ROOT" '{ovc_proc: $p, ovc_root: $r}')"
	assert_success
	assert_recap changed=1 failed=0
	assert_equal "$(knobs)" 2/80/0
	assert_output --regexp 'CommitLimit [0-9]+ kB, headroom -?[0-9]+ kB, largest allocation [0-9]+ kB'
}
