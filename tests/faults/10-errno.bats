#!/usr/bin/env bats
# 10-errno.bats - every step of a change fails once with each of ENOSPC, EIO, EROFS,
# EACCES, EPERM (the LD_PRELOAD shim): set --persist, persist, reset --persist and
# profile NAME --persist; after each run the invariants I1-I8 of lib.bash hold.
#
# SAFETY: every ovc run goes through fx_ovc (writer_args_safe: --proc and --root inside
# $BATS_TEST_TMPDIR) and the shim's jail; this machine's /proc/sys/vm and /etc are checked
# unchanged after every test.

load ../helpers/common
load lib

setup_file() {
	host_snapshot
}

teardown() {
	assert_host_unchanged
}

# every step x every errno
errno_matrix() {
	local step op pat nth cls e

	fx_prepare "$1"
	fx_reset_checks
	for step in "${FX_STEPS[@]}"; do
		read -r op pat nth cls <<<"$step"
		[[ $cls == l ]] && continue   # flock: EWOULDBLOCK/EINTR only; see 40-concurrency
		for e in "${FX_ERRNOS[@]}"; do
			# an open for reading never gets EROFS
			[[ $op == open* && $cls != w && $e == EROFS ]] && continue
			fx_fault "$op" "$pat" "$nth" "$cls" "$e"
		done
	done
	echo "# $1: ${#FX_STEPS[@]} steps, $FX_NFAULT faults, $FX_INV invariants" >&3
	fx_finish "errno/$1"
}

@test "set --mode 2 --kbytes 16G --persist: each step fails with each errno" {
	errno_matrix set
}

@test "set --persist without etc/sysctl.d (ovc creates it): each step, each errno" {
	errno_matrix mkdir
}

@test "persist --mode 2 --ratio 80 (replacing ovc's drop-in): each step, each errno" {
	errno_matrix persist
}

@test "reset --persist (removing the drop-in): each step, each errno" {
	errno_matrix reset
}

@test "profile strict --persist (replacing a profile's drop-in): each step, each errno" {
	errno_matrix profile
}
