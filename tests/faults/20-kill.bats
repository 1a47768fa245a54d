#!/usr/bin/env bats
# 20-kill.bats - ovc killed with SIGKILL right before and right after each step of a
# change (the shim's OVC_FAULT_KILL), for set --persist, persist, reset --persist and
# profile NAME --persist. After the kill: the drop-in is the old one or the new one, byte
# for byte; each runtime file holds its old or its new value; then the next run (the same
# command) removes any temporary the kill left, exits 0 and gives the new state.
# Checks marked KNOWN-BUG-* are violations this suite knows of (README.md, "Known bugs"):
# they are reported, and fail the test only with OVC_FAULTS_STRICT=1.
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

kill_matrix() {
	local step op pat nth when

	fx_prepare "$1"
	fx_reset_checks
	for step in "${FX_STEPS[@]}"; do
		read -r op pat nth _ <<<"$step"
		for when in before after; do
			fx_kill "$op" "$pat" "$nth" "$when"
		done
	done
	echo "# $1: ${#FX_STEPS[@]} steps, $FX_NKILL kills, $FX_INV invariants" >&3
	fx_finish "kill/$1"
}

@test "set --mode 2 --kbytes 16G --persist: kill -9 before and after each step" {
	kill_matrix set
}

@test "set --persist without etc/sysctl.d (ovc creates it): kill -9 before and after each step" {
	kill_matrix mkdir
}

@test "persist --mode 2 --ratio 80: kill -9 before and after each step" {
	kill_matrix persist
}

@test "reset --persist: kill -9 before and after each step" {
	kill_matrix reset
}

@test "profile strict --persist: kill -9 before and after each step" {
	kill_matrix profile
}
