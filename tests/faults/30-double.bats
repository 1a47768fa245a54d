#!/usr/bin/env bats
# 30-double.bats - what one fault per step does not reach: a rollback that fails too
# (exit 9, and stderr tells what was left behind, which must be the truth), short writes,
# a temporary whose removal fails, stale temporaries and the runs that should remove them,
# and the audit send (not reachable on fake trees: shown here).
#
# SAFETY: as 10-errno.bats (fx_ovc, the shim's jail, the host checked after each test).

load ../helpers/common
load lib

setup_file() {
	host_snapshot
}

teardown() {
	assert_host_unchanged
}

TMP_GLOB='*/case/root/etc/sysctl.d/.99-zz-ovc.conf.ovc-tmp.*'
DIR_GLOB='*/case/root/etc/sysctl.d'
DROPIN_GLOB='*/case/root/etc/sysctl.d/99-zz-ovc.conf'
VM_GLOB='*/case/proc/sys/vm/overcommit_'
# a saved tree's value goes to a temporary renamed over the file: its write(2)
VMTMP() { echo "*/case/proc/sys/vm/.overcommit_$1.ovc-tmp"; }

# faulted SPEC: run the scenario's command from a fresh copy with OVC_FAULT=SPEC;
# then FX_RC, FX_S/FX_V, RT and DI (old/new/mixed/partial) and ERR (stderr) are set
faulted() {
	fx_shim_run OVC_FAULT "$1"
	FX_NFAULT=$((FX_NFAULT + $(grep -c '^fault ' "$FX_W/log" || true)))
	fx_state "$FX_C"
	RT=$(fx_runtime_is)
	DI=$(fx_dropin_is)
	ERR=$(cat "$FX_W/err")
}

# exit 9: stderr says THE ROLLBACK FAILED and gives the running values left behind,
# which must be the tree's
check_left_report() {
	local want="the running values left behind: vm.overcommit_memory=${FX_V[0]} vm.overcommit_ratio=${FX_V[1]} vm.overcommit_kbytes=${FX_V[2]}"

	((SC_RUNTIME)) || want="the running values were not touched"

	((FX_RC == 9)) && FX_ST=0 || FX_ST=1
	chk D-exit9 "$FX_ST" "exit $FX_RC, want 9: $ERR"
	[[ $ERR == *"ovc: THE ROLLBACK FAILED; "* ]] && FX_ST=0 || FX_ST=1
	chk D-says-so "$FX_ST" "no 'THE ROLLBACK FAILED': $ERR"
	[[ $ERR == *"$want"* ]] && FX_ST=0 || FX_ST=1
	chk D-left-is-true "$FX_ST" "stderr does not give the values left ($want): $ERR"
	[[ -z $(fx_temps) ]] && FX_ST=0 || FX_ST=1
	chk I2-no-temp "$FX_ST" "temporary left: $(fx_temps)"
	[[ $DI == old || $DI == new ]] && FX_ST=0 || FX_ST=1
	chk I1-dropin "$FX_ST" "drop-in partial"
}

@test "rollback fails (exit 9): a runtime write fails and so do the undo writes" {
	local f e
	fx_prepare set   # 0/50/0 -> writes kbytes (zeroing ratio), then memory
	fx_reset_checks
	for e in EIO EACCES EROFS; do
		# the memory write fails; every later write to kbytes and ratio (the undo) too
		faulted "write:$(VMTMP memory):1:$e,write:$(VMTMP kbytes):2+:$e,write:$(VMTMP ratio):2+:$e"
		check_left_report
		[[ $DI == old ]] && FX_ST=0 || FX_ST=1
		chk D-dropin-not-written "$FX_ST" "the drop-in changed ($DI) though the runtime failed"
		[[ $ERR == *"${FX_STRERROR[$e]}"* && $ERR == *"$FX_C/proc/sys/vm/.overcommit_memory.ovc-tmp"* ]] && FX_ST=0 || FX_ST=1
		chk I6-path "$FX_ST" "stderr lacks the path or errno: $ERR"
	done
	# the same through open: the undo cannot even open the file
	for f in kbytes ratio; do
		# (a saved tree's value is opened for writing with openat on its sys/vm
		# directory: the 1st open of memory fails, then the undo's 2nd open of $f;
		# reading the values back for the report goes through openat2 and works)
		faulted "openat:${VM_GLOB}memory:1:EIO,openat:${VM_GLOB}$f:2:EACCES"
		check_left_report
	done
	fx_finish double/runtime-undo
}

@test "rollback fails (exit 9): the directory fsync fails after the rename, and so does putting the old drop-in back" {
	fx_prepare persist   # an old drop-in exists: restoring means stage + rename again
	fx_reset_checks
	# the second temporary (the old file's copy) cannot be created
	faulted "fsync:$DIR_GLOB:1:EIO,openat:$TMP_GLOB:2:ENOSPC"
	check_left_report
	[[ $DI == new && $ERR == *"$FX_C/$FX_DROPIN_REL could not be restored"* ]] && FX_ST=0 || FX_ST=1
	chk D-restore-named "$FX_ST" "drop-in $DI; stderr: $ERR"
	# ... or the rename back fails
	faulted "fsync:$DIR_GLOB:1:EIO,renameat:$DROPIN_GLOB:2:EIO"
	check_left_report
	[[ $DI == new ]] && FX_ST=0 || FX_ST=1
	chk D-restore-failed "$FX_ST" "drop-in $DI after a failed restore"
	# the restore's own directory fsync failing: the old file is back (not durable)
	faulted "fsync:$DIR_GLOB:1:EIO,fsync:$DIR_GLOB:2:EIO"
	[[ $DI == old ]] && FX_ST=0 || FX_ST=1
	chk D-restored "$FX_ST" "after the second fsync failure the drop-in is $DI"
	[[ $FX_RC == 9 || $FX_RC == 7 ]] && FX_ST=0 || FX_ST=1
	chk D-exit "$FX_ST" "exit $FX_RC: $ERR"

	fx_prepare reset     # removal: restoring means writing the old file again
	faulted "fsync:$DIR_GLOB:1:EIO,write:$TMP_GLOB:1:ENOSPC"
	check_left_report
	[[ $DI == new && $RT == old ]] && FX_ST=0 || FX_ST=1
	chk D-reset-left "$FX_ST" "runtime $RT, drop-in $DI"
	fx_finish double/dropin-restore
}

@test "short writes: the drop-in's is completed, a runtime file's is undone (exit 7)" {
	local f
	fx_prepare set
	fx_reset_checks
	# write(2) of the temporary returns half: ovc writes the rest
	faulted "write:$TMP_GLOB:1:SHORT"
	((FX_RC == 0)) && [[ $RT$DI == newnew ]] && FX_ST=0 || FX_ST=1
	chk S-completed "$FX_ST" "exit $FX_RC, runtime $RT, drop-in $DI: $ERR"
	for f in memory ratio kbytes; do
		# a short write of a saved tree's value (to its temporary): nothing is renamed
		# over the file, the writes before are undone
		faulted "write:$(VMTMP $f):1:SHORT"
		((FX_RC == 7)) && [[ $RT$DI == oldold && $ERR == *"Input/output error"* ]] && FX_ST=0 || FX_ST=1
		chk S-undone "$FX_ST" "$f: exit $FX_RC, runtime $RT (${FX_V[*]}), drop-in $DI: $ERR"
		[[ -z $(fx_temps) ]] && FX_ST=0 || FX_ST=1
		chk I2-no-temp "$FX_ST" "temporary left: $(fx_temps)"
	done
	fx_finish double/short
}

@test "a temporary whose removal fails too is left, and the next run removes it" {
	local spec
	fx_prepare persist
	fx_reset_checks
	for spec in "write:$TMP_GLOB:1:EIO" "fsync:$TMP_GLOB:1:EIO" "renameat:$DROPIN_GLOB:1:EIO"; do
		faulted "$spec,unlinkat:$TMP_GLOB:1:EIO"
		((FX_RC == 7)) && [[ $DI == old && -n $(fx_temps) ]] && FX_ST=0 || FX_ST=1
		chk T-left "$FX_ST" "$spec: exit $FX_RC, drop-in $DI, temporaries '$(fx_temps)': $ERR"
		fx_ovc "$FX_W/out2" "$FX_W/err2" OVC_FAULT_JAIL="$FX_W" -- "${FX_ARGS[@]}"
		FX_NRUN=$((FX_NRUN + 1))
		fx_state "$FX_C"
		((FX_RC == 0)) && [[ -z $(fx_temps) && $(fx_dropin_is) == new ]] && FX_ST=0 || FX_ST=1
		chk T-next-run-cleans "$FX_ST" "next run: exit $FX_RC, temporaries '$(fx_temps)'"
	done
	fx_finish double/temp-left
}

@test "a stale temporary (a killed persist) and the runs after it that do not stage a file" {
	fx_prepare persist
	fx_reset_checks
	# killed right before the rename: the old drop-in and a complete temporary
	fx_fresh_case
	fx_case_args
	fx_repro OVC_FAULT_KILL "renameat:$DROPIN_GLOB:1"
	fx_ovc "$FX_W/out" "$FX_W/err" LD_PRELOAD="$OVC_FAULT_SHIM" OVC_FAULT_JAIL="$FX_W" \
		OVC_FAULT_KILL="renameat:$DROPIN_GLOB:1" -- "${FX_ARGS[@]}"
	FX_NKILL=$((FX_NKILL + 1))
	[[ $FX_RC == 137 && -n $(fx_temps) ]] || fail "no temporary after the kill (exit $FX_RC)"
	cp -a "$FX_C" "$FX_W/killed"

	# KNOWN BUG 5: ovc(8): "Temporaries left by a killed run are removed by the next
	# one"; only a run that stages a new drop-in does. reset --persist (a removal) and a
	# run that finds the drop-in as wanted leave it.
	FX_REPRO="tests/faults/repro persist OVC_FAULT_KILL='renameat:$DROPIN_GLOB:1' --then reset --persist"
	fx_ovc "$FX_W/o" "$FX_W/e" -- reset --persist --proc "$FX_C/proc" --root "$FX_C/root"
	((FX_RC == 0)) && FX_ST=0 || FX_ST=1
	chk T-reset-ok "$FX_ST" "reset --persist after the kill: exit $FX_RC: $(cat "$FX_W/e")"
	[[ -z $(fx_temps) ]] && FX_ST=0 || FX_ST=1
	chk KNOWN-BUG-5-stale-temp-kept "$FX_ST" "reset --persist left $(fx_temps)"

	rm -rf "$FX_C"
	cp -a "$FX_W/killed" "$FX_C"
	# shellcheck disable=SC2034 # read by chk (lib.bash)
	FX_REPRO="tests/faults/repro persist OVC_FAULT_KILL='renameat:$DROPIN_GLOB:1' --then persist --mode 1"
	fx_ovc "$FX_W/o" "$FX_W/e" -- persist --mode 1 --proc "$FX_C/proc" --root "$FX_C/root"
	((FX_RC == 0)) && FX_ST=0 || FX_ST=1
	chk T-noop-ok "$FX_ST" "persist --mode 1 (the old drop-in, as wanted): exit $FX_RC"
	[[ -z $(fx_temps) ]] && FX_ST=0 || FX_ST=1
	chk KNOWN-BUG-5-stale-temp-kept "$FX_ST" "a persist that changes nothing left $(fx_temps)"
	FX_NRUN=$((FX_NRUN + 3))
	fx_finish double/stale-temp
}

@test "the audit send is not reachable on a fake tree: no socket, no sendto/sendmsg (tests/vm/audit covers it)" {
	local s
	fx_reset_checks
	for s in set persist reset profile; do
		fx_prepare "$s"
		! grep -Eq '^(sendto|sendmsg) |socket:' "$FX_W/trace" && FX_ST=0 || FX_ST=1
		chk A-no-audit "$FX_ST" "$s on a fake tree sent something: $(grep -E 'sendto|sendmsg|socket' "$FX_W/trace")"
		FX_NRUN=$((FX_NRUN + 1))
	done
	fx_finish audit
}

@test "without openat2 (ENOSYS: Linux before 5.6, valgrind): links in a saved tree never take a write out of it" {
	use_host seed-24g-noswap
	local root=$BATS_TEST_TMPDIR/root out=$BATS_TEST_TMPDIR/outside before
	mkdir -p "$root/etc/sysctl.d" "$out"
	cp -a "$PROC/sys/vm" "$out/vm"
	before=$(tree_state "$out")
	nosys() {
		writer_args_safe "$@" || return 99
		LD_PRELOAD=$OVC_FAULT_SHIM OVC_FAULT='openat2:*:*:ENOSYS' OVC_FAULT_LOG=$BATS_TEST_TMPDIR/log \
			OVC_FAULT_JAIL=$BATS_TEST_TMPDIR "$OVC" "$@"
	}
	# sys/vm a link out of the tree: refused as a link (ovc opens it without following)
	mv "$PROC/sys/vm" "$PROC/sys/vm.real"
	ln -s "$out/vm" "$PROC/sys/vm"
	run --separate-stderr nosys set --proc "$PROC" --root "$root" --mode 1
	assert_equal "$status" 6   # a link where ovc writes: malformed input (ELOOP)
	assert_equal "$stderr" "ovc: cannot open for writing '$PROC/sys/vm/overcommit_memory': Too many levels of symbolic links"
	grep -q '^fault openat2 .*ENOSYS' "$BATS_TEST_TMPDIR/log" || fail "openat2 was not failed: $(cat "$BATS_TEST_TMPDIR/log")"
	assert_equal "$(tree_state "$out")" "$before"
	# a value file a link out of the tree: the link is replaced inside the tree, never written through
	rm "$PROC/sys/vm"
	mv "$PROC/sys/vm.real" "$PROC/sys/vm"
	ln -sfn "$out/vm/overcommit_memory" "$PROC/sys/vm/overcommit_memory"
	run --separate-stderr nosys set --proc "$PROC" --root "$root" --mode 1
	assert_equal "$status" 6   # a link where ovc writes: malformed input (ELOOP)
	assert_equal "$stderr" "ovc: cannot open for writing '$PROC/sys/vm/overcommit_memory': Too many levels of symbolic links"
	assert_equal "$(tree_state "$out")" "$before"
	[[ -L $PROC/sys/vm/overcommit_memory ]]
}
