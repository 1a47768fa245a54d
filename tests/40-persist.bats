#!/usr/bin/env bats
# 40-persist.bats - ovc persist, set --persist, reset [--persist] and status's boot line:
# ovc's drop-in (its exact bytes, idempotence, atomic write, links and untrusted
# directories refused), the shadow refusal under both boot tools, all-or-nothing with the
# running values, offline images (--root without --proc), and the lock.
#
# SAFETY: every writer goes through ovc_w (helpers/common.bash): --root inside
# $BATS_TEST_TMPDIR always, --proc inside it too or absent (offline image). After every
# test this machine's vm.overcommit_* and /etc/sysctl.d must be as before.

load helpers/common

DROPIN_REL=etc/sysctl.d/99-zz-ovc.conf
HEADER='# Managed by ovc(8). Do not edit: run "ovc persist" to change this file
# and "ovc reset --persist" to remove it.'

setup_file() {
	host_snapshot
}

setup() {
	use_host seed-24g-noswap   # mode 0, ratio 50, kbytes 0; 24 GiB, no swap
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d"
	chmod 755 "$ROOT" "$ROOT/etc" "$ROOT/etc/sysctl.d"
	DROPIN=$ROOT/$DROPIN_REL
	BG_PIDS=()
	export PROC ROOT OVC
}

teardown() {
	kill_bg_pids
	assert_host_unchanged
}

# --- helpers ---------------------------------------------------------------------------

persist() { ovc_w persist --proc "$PROC" --root "$ROOT" "$@"; }
pset() { ovc_w set --proc "$PROC" --root "$ROOT" "$@"; }
reset() { ovc_w reset --proc "$PROC" --root "$ROOT" "$@"; }
# for bash -c (a redirected stdout)
export -f persist reset ovc_w writer_args_safe _inside_test_tmpdir

# put FILE (relative to $ROOT) with the given lines
put() {
	local f=$ROOT/$1

	shift
	mkdir -p "$(dirname "$f")"
	printf '%s\n' "$@" >"$f"
}

# no temporary of ovc's anywhere under $ROOT
assert_no_temp() {
	local left

	left=$(find "$ROOT" -name '.*ovc-tmp*')
	[[ -z $left ]] || fail "temporary files left: $left"
}

# a successful writer --json: exit 0, one document, nothing on stderr
ok_json() {
	run -0 --separate-stderr "$@" --json
	assert_one_json_document
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

# --- help ------------------------------------------------------------------------------

@test "persist --help and reset --help: synopsis, options, exit 0" {
	run -0 "$OVC" persist --help
	assert_line --index 0 'Usage: ovc persist [--mode 0|1|2] [--ratio PCT | --kbytes N|SIZE] [options]'
	assert_line --regexp '^ +--force +write even when another file would override it at boot,$'
	run -0 "$OVC" reset --help
	assert_line --index 0 'Usage: ovc reset [--persist] [options]'
	assert_line --regexp '^ +--persist +also remove ovc.s drop-in, all or nothing$'
	run -2 "$OVC" reset --mode 1
	run -2 "$OVC" persist --ratio 50 --kbytes 1
}

# --- the file ----------------------------------------------------------------------------

@test "persist --mode 1: the exact bytes, 0644, owned by root, runtime untouched" {
	local before
	before=$(tree_state "$PROC")
	run -0 --separate-stderr persist --mode 1
	assert_equal "$(cat "$DROPIN")" "$HEADER
vm.overcommit_memory = 1
vm.overcommit_ratio = 50"
	assert_equal "$(stat -c %a "$DROPIN")" 644
	if ((EUID == 0)); then
		assert_equal "$(stat -c %u:%g "$DROPIN")" 0:0
	fi
	assert_equal "$(tree_state "$PROC")" "$before"
	assert_no_temp
	assert_output --partial "Boot configuration: wrote $DROPIN."
}

@test "a repeated persist is byte-identical and a no-op: changed false, file not rewritten" {
	run -0 persist --mode 2 --ratio 80
	local st
	st=$(tree_state "$ROOT/etc")
	ok_json persist --mode 2 --ratio 80
	assert_json '.changed == false and .would_change == false'
	assert_json '.persist.changed == false and .persist.result == "unchanged"'
	assert_json '.persist.previous.content == .persist.content and .persist.previous.managed'
	assert_json '.persist.content | endswith("\nvm.overcommit_ratio = 80\nvm.overcommit_memory = 2\n")'
	assert_equal "$(tree_state "$ROOT/etc")" "$st"
	run -0 persist --mode 2 --ratio 80
	assert_output --partial "is already as wanted"
}

@test "persist without values: the running ones (a kbytes host writes kbytes, no ratio)" {
	use_host kbytes   # mode 2, kbytes 12582912
	ok_json persist
	assert_json '.policy == {"mode": 2, "mode_name": "never", "ratio": 0, "kbytes": 12582912}'
	assert_equal "$(grep -c overcommit_ratio "$DROPIN")" 0
	assert_equal "$(tail -2 "$DROPIN")" "vm.overcommit_kbytes = 12582912
vm.overcommit_memory = 2"
}

@test "only one of ratio and kbytes, as the kernel: --ratio on a kbytes host drops kbytes" {
	use_host kbytes
	ok_json persist --ratio 70
	assert_json '.policy == {"mode": 2, "mode_name": "never", "ratio": 70, "kbytes": 0}'
	assert_equal "$(grep -c overcommit_kbytes "$DROPIN")" 0
	ok_json persist --kbytes 8G
	assert_json '.policy == {"mode": 2, "mode_name": "never", "ratio": 0, "kbytes": 8388608}'
	assert_equal "$(grep -c overcommit_ratio "$DROPIN")" 0
}

@test "line order: mode 2 writes the limit first, modes 0 and 1 the mode first" {
	run -0 persist --mode 2 --ratio 90
	assert_equal "$(grep -n overcommit "$DROPIN" | cut -d: -f2 | cut -d' ' -f1 | tr '\n' ' ')" \
		"vm.overcommit_ratio vm.overcommit_memory "
	run -0 persist --mode 1
	assert_equal "$(grep overcommit "$DROPIN" | cut -d' ' -f1 | tr '\n' ' ')" \
		"vm.overcommit_memory vm.overcommit_ratio "
}

@test "the JSON persist object: every documented key" {
	ok_json persist --mode 1
	assert_json '(.persist | keys) == ["action","boot_after","boot_before","changed","content","offline","path","policy","previous","profile","result","shadowed","would_change"]'
	assert_json --arg p "$DROPIN" '.persist.path == $p and .persist.action == "write" and .persist.result == "written"'
	assert_json '.persist.previous == {"present": false, "managed": false, "profile": null, "content": null, "untrusted": null}'
	assert_json '.persist.boot_before.systemd == {"mode": 0, "mode_name": "heuristic", "ratio": 50, "kbytes": 0}'
	assert_json '.persist.boot_after.systemd == {"mode": 1, "mode_name": "always", "ratio": 50, "kbytes": 0} and .persist.boot_after.procps == .persist.boot_after.systemd'
	assert_json '.writes == [] and .before == .after and .changed == true and .offline == false'
	assert_json --rawfile c "$DROPIN" '.persist.content == $c'
	ok_json persist --mode 1
	assert_json '.persist.previous == {"present": true, "managed": true, "profile": null, "content": .persist.content, "untrusted": null}'
}

@test "--dry-run: shows the file, writes nothing, creates no directory" {
	rm -rf "$ROOT/etc/sysctl.d"
	run -0 persist --mode 1 --dry-run
	assert_output --partial "would write $DROPIN:"
	assert_output --partial "vm.overcommit_memory = 1"
	[[ ! -e $ROOT/etc/sysctl.d ]]
	ok_json persist --mode 1 --check
	assert_json '.changed == false and .would_change == true and .persist.result == "would_write"'
}

@test "a missing /etc/sysctl.d is created (0755); a missing /etc is an error, not a stray tree" {
	rm -rf "$ROOT/etc/sysctl.d"
	run -0 persist --mode 1
	assert_equal "$(stat -c %a "$ROOT/etc/sysctl.d")" 755
	rm -rf "$ROOT/etc"
	run -6 --separate-stderr persist --mode 1
	assert_equal "$stderr" "ovc: cannot open the directory '$ROOT/etc': No such file or directory
hint: is --root pointing at a system root (with its etc/)?"
	[[ ! -e $ROOT/etc ]]
}

# --- shadowing: the boot tools' rules --------------------------------------------------

@test "shadow: a later-sorting file in /etc/sysctl.d: refused (exit 3), nothing written" {
	put etc/sysctl.d/99-zzz-late.conf "vm.overcommit_memory = 2"
	local st
	st=$(tree_state "$ROOT/etc")
	run -3 --separate-stderr persist --mode 1 --json
	assert_one_json_document
	assert_json '.refused == true and .changed == false and .persist.result == "refused"'
	assert_json --arg f "$ROOT/etc/sysctl.d/99-zzz-late.conf" '[.persist.shadowed[] | [.key, .tool, .want, .boot, .file, .line]] == [["vm.overcommit_memory", "systemd", "1", "2", $f, 1], ["vm.overcommit_memory", "procps", "1", "2", $f, 1]]'
	assert_equal "$stderr" "ovc: refusing: another file would override ovc's drop-in at boot (systemd-sysctl: vm.overcommit_memory would be 2 at boot, not 1: $ROOT/etc/sysctl.d/99-zzz-late.conf:1 decides it, and more: see ovc verify); remove that assignment, or --force to write it anyway; nothing was written
hint: --force overrides; see ovc(8)"
	assert_json --arg m "${stderr_lines[0]#ovc: }" '.refusal == {"kind": "shadowed", "message": $m, "path": null}'
	assert_equal "$(tree_state "$ROOT/etc")" "$st"
}

@test "shadow: --force writes it anyway, says so, and reports what boot will really hold" {
	put etc/sysctl.d/99-zzz-late.conf "vm.overcommit_memory = 2"
	run -0 persist --mode 1 --force
	assert_line "warning: systemd-sysctl: vm.overcommit_memory would be 2 at boot, not 1: $ROOT/etc/sysctl.d/99-zzz-late.conf:1 decides it"
	[[ -f $DROPIN ]]
	ok_json persist --mode 1 --force
	assert_json '.forced == true and .persist.boot_after.systemd.mode == 2'
	assert_json --arg f "$ROOT/etc/sysctl.d/99-zzz-late.conf" '[.warnings[] | select(.id == "dropin_shadowed") | .text] == ["systemd-sysctl: vm.overcommit_memory would be 2 at boot, not 1: \($f):1 decides it", "sysctl --system: vm.overcommit_memory would be 2 at boot, not 1: \($f):1 decides it"]'
}

@test "shadow: /etc/sysctl.conf wins under sysctl --system only (Debian's 99-sysctl.conf link)" {
	put etc/sysctl.conf "vm.overcommit_memory = 2"
	ln -s ../sysctl.conf "$ROOT/etc/sysctl.d/99-sysctl.conf"
	run -3 --separate-stderr persist --mode 1 --json
	assert_json '[.persist.shadowed[] | .tool] == ["procps"]'
	assert_json --arg f "$ROOT/etc/sysctl.conf" '.persist.shadowed[0].file == $f and .persist.shadowed[0].line == 1'
	assert_json '.persist.boot_after.systemd.mode == 1 and .persist.boot_after.procps.mode == 2'
	[[ $stderr == *"sysctl --system: vm.overcommit_memory would be 2 at boot, not 1: $ROOT/etc/sysctl.conf:1 decides it"* ]]
	# the same value there is no shadow
	put etc/sysctl.conf "vm.overcommit_memory = 1"
	run -0 persist --mode 1
}

@test "no shadow: a vendor default in /usr/lib/sysctl.d sorts before ovc's and loses" {
	put usr/lib/sysctl.d/50-vendor.conf "vm.overcommit_memory = 2" "vm.overcommit_kbytes = 262144"
	ok_json persist --mode 1 --ratio 60
	assert_json '.persist.shadowed == [] and .persist.boot_after.systemd == {"mode": 1, "mode_name": "always", "ratio": 60, "kbytes": 0}'
	assert_json '.persist.boot_before.systemd == {"mode": 2, "mode_name": "never", "ratio": 0, "kbytes": 262144}'
}

@test "/etc overrides /usr/lib by file name: a vendor file sorting after ovc's, masked in /etc" {
	put usr/lib/sysctl.d/99-zzzz-vendor.conf "vm.overcommit_memory = 2"
	run -3 persist --mode 1
	put etc/sysctl.d/99-zzzz-vendor.conf "# replaced by the admin"
	run -0 persist --mode 1
	rm "$ROOT/etc/sysctl.d/99-zzzz-vendor.conf" "$DROPIN"
	ln -s /dev/null "$ROOT/etc/sysctl.d/99-zzzz-vendor.conf"
	ok_json persist --mode 1
	assert_json '.persist.shadowed == []'
}

@test "shadow: a '-' prefixed key in a later file shadows like a plain one" {
	put etc/sysctl.d/99-zzz-a.conf "-vm.overcommit_memory = 2"
	run -3 --separate-stderr persist --mode 1 --json
	assert_json '[.persist.shadowed[] | [.key, .tool, .boot]] == [["vm.overcommit_memory", "systemd", "2"], ["vm.overcommit_memory", "procps", "2"]]'
}

@test "no shadow: a later glob line does not override a key named explicitly (both tools)" {
	put etc/sysctl.d/99-zzz-b.conf "vm.overcommit_m* = 2"
	ok_json persist --mode 1
	assert_json '.persist.shadowed == [] and .persist.boot_after.systemd.mode == 1 and .persist.boot_after.procps.mode == 1'
	# without ovc's explicit line the glob decides
	assert_json '.persist.boot_before.systemd.mode == 2'
}

@test "shadow: the kernel's zeroing: a later kbytes line takes the limit from ovc's ratio" {
	put etc/sysctl.d/99-zzz-k.conf "vm.overcommit_kbytes = 262144"
	run -3 --separate-stderr persist --mode 2 --ratio 80 --json
	assert_json '[.persist.shadowed[] | select(.tool == "systemd") | [.key, .want, .boot]] == [["vm.overcommit_kbytes", "0", "262144"], ["vm.overcommit_ratio", "80", "0"]]'
}

@test "shadow: systemd skips a write of the value the kernel holds: ratio 0 keeps an earlier kbytes" {
	put usr/lib/sysctl.d/10-k.conf "vm.overcommit_kbytes = 262144"
	# --force (a zero ratio needs it) writes; the report names the shadow, systemd only
	run -0 --separate-stderr persist --mode 1 --ratio 0 --force --json
	assert_json '[.persist.shadowed[] | [.key, .tool, .want, .boot]] == [["vm.overcommit_kbytes", "systemd", "0", "262144"]]'
	assert_json '.persist.boot_after.procps == {"mode": 1, "mode_name": "always", "ratio": 0, "kbytes": 0}'
}

# --- links, ownership, foreign files ------------------------------------------------------

@test "a symlinked drop-in is refused (exit 6); the link and its target stay as they were" {
	echo "vm.overcommit_memory = 0" >"$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$DROPIN"
	run -6 --separate-stderr persist --mode 1
	assert_equal "$stderr" "ovc: $DROPIN: is a symbolic link: ovc does not write through links (remove it, then run ovc again)"
	[[ -L $DROPIN ]]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/elsewhere")" "vm.overcommit_memory = 0"
	run -6 reset --persist
	[[ -L $DROPIN ]]
	assert_no_temp
}

@test "a symlinked /etc/sysctl.d is refused, and so is a directory others can write" {
	mv "$ROOT/etc/sysctl.d" "$ROOT/etc/real.d"
	ln -s real.d "$ROOT/etc/sysctl.d"
	run -6 --separate-stderr persist --mode 1
	assert_equal "$stderr" "ovc: $ROOT/etc/sysctl.d: is a symbolic link: ovc does not write through links (make it a real directory)"
	[[ -z $(ls "$ROOT/etc/real.d") ]]
	rm "$ROOT/etc/sysctl.d"
	mv "$ROOT/etc/real.d" "$ROOT/etc/sysctl.d"
	chmod 777 "$ROOT/etc/sysctl.d"
	run -4 --separate-stderr persist --mode 1
	[[ $stderr == "ovc: $ROOT/etc/sysctl.d: writable by group or others (mode 0777)"* ]]
	[[ ! -e $DROPIN ]]
}

@test "a file at ovc's path that ovc did not write: refused (exit 3) unless --force" {
	put "$DROPIN_REL" "vm.overcommit_memory = 1"
	run -3 --separate-stderr persist --mode 1
	[[ $stderr == "ovc: $DROPIN: exists and was not written by ovc"* ]]
	assert_equal "$(cat "$DROPIN")" "vm.overcommit_memory = 1"
	run -3 --separate-stderr persist --mode 1 --json
	assert_json --arg p "$DROPIN" '.refusal.kind == "foreign" and .refusal.path == $p and (.refusal.message | startswith("exists and was not written by ovc"))'
	run -3 reset --persist
	[[ -f $DROPIN ]]
	run -0 persist --mode 1 --force
	assert_equal "$(head -1 "$DROPIN")" "${HEADER%%$'\n'*}"
}

# --- failures: the old file or the new one, never a partial one ----------------------------

@test "read-only directory: exit 4, the old file byte for byte, no temporary left" {
	run -0 persist --mode 2 --ratio 80
	local old
	old=$(md5sum <"$DROPIN")
	chmod 555 "$ROOT/etc/sysctl.d"
	run -4 --separate-stderr persist --mode 1
	[[ $stderr == "ovc: cannot create the temporary file '$ROOT/etc/sysctl.d/.99-zz-ovc.conf.ovc-tmp."*"': Permission denied"* ]]
	[[ $stderr == *"ovc: nothing was changed: the running values and the boot configuration are as they were" ]]
	chmod 755 "$ROOT/etc/sysctl.d"
	assert_equal "$(md5sum <"$DROPIN")" "$old"
	assert_no_temp
}

@test "set --persist, drop-in cannot be written: the running values are not changed either" {
	local st
	st=$(tree_state "$PROC")
	chmod 555 "$ROOT/etc/sysctl.d"
	run -4 --separate-stderr pset --mode 1 --persist --json
	assert_one_json_document
	assert_json '.changed == false and .persist.result == "failed" and ([.writes[].result] | all(. == "not_attempted"))'
	chmod 755 "$ROOT/etc/sysctl.d"
	assert_equal "$(tree_state "$PROC")" "$st"
	[[ ! -e $DROPIN ]]
}

@test "set --persist, a running value cannot be written: rolled back, the drop-in not written" {
	run -0 persist --mode 0 --ratio 50 --force
	local old
	old=$(md5sum <"$DROPIN")
	chmod 444 "$PROC/sys/vm/overcommit_memory"
	run -4 --separate-stderr pset --mode 2 --ratio 90 --persist
	chmod 644 "$PROC/sys/vm/overcommit_memory"
	[[ $stderr == *"ovc: rolled back: every value is as it was before, and the drop-in was not written" ]]
	assert_equal "$(vm overcommit_ratio)" 50
	assert_equal "$(md5sum <"$DROPIN")" "$old"
	assert_no_temp
}

@test "full filesystem (a tiny tmpfs): exit 7 ENOSPC, the old file kept, no temporary left" {
	((EUID == 0)) || skip "needs root to mount a tmpfs"
	command -v unshare >/dev/null || skip "no unshare"
	run -0 persist --mode 2 --ratio 80
	local old
	old=$(md5sum <"$DROPIN")
	run unshare -m bash -c '
		set -e
		d=$1/etc/sysctl.d
		cp -a "$d" "$1/saved.d"
		mount -t tmpfs -o size=64k,mode=755 tmpfs "$d"
		cp -a "$1/saved.d/." "$d/"
		dd if=/dev/zero of="$d/.fill" bs=4k 2>/dev/null || true
		"$2" persist --proc "$3" --root "$1" --mode 1 2>&1 && exit 0 || rc=$?
		echo "rc=$rc"
		ls -a "$d" | grep ovc-tmp || echo "no temporary"
		md5sum <"$d/99-zz-ovc.conf"' _ "$ROOT" "$OVC" "$PROC"
	assert_line --partial "No space left on device"
	assert_line "rc=7"
	assert_line "no temporary"
	assert_line "$old"
}

@test "read-only mount (EROFS): exit 5, nothing changed" {
	((EUID == 0)) || skip "needs root to bind-mount"
	command -v unshare >/dev/null || skip "no unshare"
	run -0 persist --mode 2 --ratio 80
	run unshare -m bash -c '
		mount --bind "$1/etc/sysctl.d" "$1/etc/sysctl.d"
		mount -o remount,bind,ro "$1/etc/sysctl.d"
		"$2" persist --proc "$3" --root "$1" --mode 1 2>&1; echo "rc=$?"' _ "$ROOT" "$OVC" "$PROC"
	assert_line "rc=5"
	assert_line --partial "Read-only file system"
	assert_equal "$(tail -1 "$DROPIN")" "vm.overcommit_memory = 2"
}

@test "a stale temporary from a killed run is removed by the next run" {
	echo partial >"$ROOT/etc/sysctl.d/.99-zz-ovc.conf.ovc-tmp.999999.0"
	run -0 persist --mode 1
	assert_no_temp
}

# --- set --persist, reset ------------------------------------------------------------------

@test "set --persist: runtime and drop-in together; verify is in sync afterwards" {
	ok_json pset --mode 2 --ratio 80 --persist
	assert_json '.changed == true and .persist.result == "written" and .after.mode == 2 and .after.ratio == 80'
	assert_equal "$(vm overcommit_memory) $(vm overcommit_ratio)" "2 80"
	run -0 "$OVC" verify --proc "$PROC" --root "$ROOT"
	assert_output --partial "in sync:"
	ok_json pset --mode 2 --ratio 80 --persist
	assert_json '.changed == false and .would_change == false'
}

@test "set --persist refused by a shadow: the running values are not touched either" {
	put etc/sysctl.d/99-zzz-late.conf "vm.overcommit_memory = 2"
	local st
	st=$(tree_state "$PROC")
	run -3 pset --mode 1 --persist
	assert_equal "$(tree_state "$PROC")" "$st"
	[[ ! -e $DROPIN ]]
}

@test "reset: kernel defaults at runtime; --persist also removes ovc's drop-in" {
	run -0 pset --mode 2 --kbytes 16G --persist
	run -0 reset
	assert_equal "$(vm overcommit_memory) $(vm overcommit_ratio) $(vm overcommit_kbytes)" "0 50 0"
	[[ -f $DROPIN ]]
	ok_json reset --persist
	assert_json '.persist.action == "remove" and .persist.result == "removed" and .persist.policy == null'
	[[ ! -e $DROPIN ]]
	ok_json reset --persist
	assert_json '.changed == false and .persist.result == "unchanged"'
}

@test "reset --persist: other files still set the keys at boot: said, not refused" {
	put etc/sysctl.d/60-admin.conf "vm.overcommit_memory = 1"
	run -0 persist --mode 2 --ratio 80
	run -0 reset --persist
	assert_line "note: other files still set vm.overcommit_* at boot (ovc verify shows which)"
}

# --- offline images ----------------------------------------------------------------------

@test "offline (--root, no --proc): the image's boot values are the base; no running kernel" {
	put usr/lib/sysctl.d/50-vendor.conf "vm.overcommit_memory = 2" "vm.overcommit_ratio = 70"
	ok_json ovc_w persist --root "$ROOT" --mode 1
	assert_json '.offline == true and .persist.offline == true and .policy == {"mode": 1, "mode_name": "always", "ratio": 70, "kbytes": 0}'
	assert_json '.before.commit_limit_kb == null and .writes == []'
	run -0 ovc_w persist --root "$ROOT" --mode 1
	assert_line "Offline image: the running kernel is not touched."
	run -2 --separate-stderr ovc_w reset --root "$ROOT"
	[[ $stderr == *"--persist removes ovc's drop-in from it"* ]]
	run -0 ovc_w reset --root "$ROOT" --persist
	[[ ! -e $DROPIN ]]
	run -0 ovc_w set --root "$ROOT" --mode 1 --persist
	[[ -f $DROPIN ]]
}

# --- lock, status ------------------------------------------------------------------------

@test "lock: persist waits for another ovc holding the lock, and says so" {
	command -v flock >/dev/null || skip "no flock(1)"
	LOCK=$ROOT/$LOCK_REL
	hold_lock 3
	run -0 --separate-stderr persist --mode 1
	assert_equal "$stderr" "ovc: waiting for another ovc that holds $LOCK"
	[[ -f $DROPIN ]]
}

@test "status: the boot values, drift, and the profile recorded in ovc's drop-in" {
	run -0 "$OVC" status --proc "$PROC" --root "$ROOT"
	assert_line "at boot               mode 0, ratio 50  in sync"
	run -0 persist --mode 1
	run -0 "$OVC" status --proc "$PROC" --root "$ROOT"
	assert_line "at boot               mode 1, ratio 50  drift: a reboot changes the policy (ovc verify)"
	assert_line "drop-in               $DROPIN"
	sed -i '2a # profile: sparse-arrays' "$DROPIN"
	run -0 "$OVC" status --proc "$PROC" --root "$ROOT" --json
	assert_json --arg p "$DROPIN" '.boot.in_sync == false and .boot.systemd.mode == 1 and .boot.dropin == {"path": $p, "present": true, "managed": true, "profile": "sparse-arrays"}'
	run -0 "$OVC" status --proc "$PROC" --root "$ROOT"
	assert_line "profile               sparse-arrays ($DROPIN)"
	# a saved proc tree without --root: another host's boot files are not guessed
	run -0 "$OVC" status --proc "$PROC" --json
	assert_json '.boot == null'
}

@test "zz: this machine's vm.overcommit_* and /etc/sysctl.d are unchanged by the whole file" {
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
	[[ ! -e /etc/sysctl.d/.99-zz-ovc.conf.ovc-tmp.* ]] 2>/dev/null || true
}

# --- an interrupted change: the journal ----------------------------------------------------

# journal BEFORE AFTER TEXTFILE: what an ovc killed half way through a set --persist leaves
write_journal() {
	local hex=''
	[[ -n ${3:-} ]] && hex=$(od -An -v -tx1 "$3" | tr -d ' \n')
	mkdir -p "$ROOT/run/ovc"
	chmod 755 "$ROOT/run" "$ROOT/run/ovc"
	printf 'ovc-journal 1\npid 4242\nproc %s\nbefore %s\nafter %s\npersist %s\ntext %d %s\n' \
		"$(realpath "$PROC")" "$1" "$2" "$([[ -n ${3:-} ]] && echo write || echo none)" \
		$((${#hex} / 2)) "$hex" >"$ROOT/run/ovc/journal"
}

@test "journal: a change killed before its drop-in was renamed is undone by the next run" {
	# the drop-in that run was about to write, and the runtime half written (mode only)
	run -0 persist --mode 2 --ratio 80 --dry-run --json
	jq -j .persist.content <<<"$output" >"$BATS_TEST_TMPDIR/new.conf"
	write_journal "0 50 0" "2 80 0" "$BATS_TEST_TMPDIR/new.conf"
	printf '2\n' >"$PROC/sys/vm/overcommit_memory"
	run -0 --separate-stderr pset --mode 0 --json
	assert_json '.recovered == {"pid": 4242, "committed": false, "policy": {"mode": 0, "mode_name": "heuristic", "ratio": 50, "kbytes": 0}}'
	assert_equal "$stderr" "ovc: an earlier ovc (pid 4242) was interrupted during a change; the change was undone: vm.overcommit_memory=0 vm.overcommit_ratio=50 vm.overcommit_kbytes=0"
	assert_equal "$(vm overcommit_memory) $(vm overcommit_ratio) $(vm overcommit_kbytes)" "0 50 0"
	[[ ! -e $ROOT/run/ovc/journal ]]
}

@test "journal: a change killed after its drop-in was renamed is finished by the next run" {
	run -0 persist --mode 2 --ratio 80
	write_journal "0 50 0" "2 80 0" "$DROPIN"
	printf '2\n' >"$PROC/sys/vm/overcommit_memory"   # the ratio write never happened
	run -0 --separate-stderr pset --mode 2 --json
	assert_json '.recovered.committed == true and .recovered.policy == {"mode": 2, "mode_name": "never", "ratio": 80, "kbytes": 0} and .changed == false'
	assert_equal "$(vm overcommit_memory) $(vm overcommit_ratio)" "2 80"
	run -0 "$OVC" verify --proc "$PROC" --root "$ROOT"
}

@test "journal: one that cannot be read stops every writer (exit 6), naming it" {
	mkdir -p "$ROOT/run/ovc" && chmod 755 "$ROOT/run" "$ROOT/run/ovc"
	printf 'ovc-journal 1\npid 1\n' >"$ROOT/run/ovc/journal"
	local st
	st=$(tree_state "$PROC")
	run -6 --separate-stderr pset --mode 1
	[[ $stderr == "ovc: $ROOT/run/ovc/journal: an interrupted change left a record ovc cannot read"* ]]
	assert_equal "$(tree_state "$PROC")" "$st"
}

@test "persist to a full stdout: the drop-in stays written, exit 10, and stderr names it" {
	run -10 --separate-stderr bash -c 'persist "$@" >/dev/full' _ --mode 1
	[[ -f $DROPIN ]] || fail "no drop-in"
	grep -qx 'vm.overcommit_memory = 1' "$DROPIN" || fail "$(cat "$DROPIN")"
	[[ $stderr == *"the change was made and stays: $DROPIN was written"* ]] || fail "stderr: $stderr"
	# reset --persist removes it, and says so when its report is lost
	run -10 --separate-stderr bash -c 'reset --persist "$@" >/dev/full' _
	[[ ! -e $DROPIN ]] || fail "the drop-in is still there"
	[[ $stderr == *"$DROPIN was removed"* ]] || fail "stderr: $stderr"
}
