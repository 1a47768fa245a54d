#!/usr/bin/env bats
# 21-container.bats - ovc in a container: the signals (container= in PID 1's environment,
# /run/systemd/container, /run/.containerenv, /.dockerenv, an own cgroup namespace), an
# LXCFS /proc/meminfo (fuse.lxcfs in mountinfo; on the running kernel a MemTotal other
# than sysinfo(2)'s, shown here with the fault shim's OVC_FAULT_SYSINFO), the kernel's RAM
# and swap for the model, the container's figures in "view", and "host-wide" in status,
# set and persist. Writers run on copies (--proc and --root in $BATS_TEST_TMPDIR).

load helpers/common

ROOTS="$TESTS_DIR/fixtures/roots"

setup_file() {
	# the fault shim, for sysinfo(2) only
	SHIM="$BATS_FILE_TMPDIR/shim.so"
	cc -std=gnu11 -O2 -U_FORTIFY_SOURCE -shared -fPIC -o "$SHIM" "$TESTS_DIR/faults/shim.c" -ldl
	export SHIM
}

root_copy() {
	ROOT=$BATS_TEST_TMPDIR/root-$1
	rm -rf "$ROOT"
	cp -a "$ROOTS/$1" "$ROOT"
	chmod -R go-w "$ROOT"
}

@test "the LXCFS host: container=lxc, /.dockerenv, an own cgroup namespace, the meminfo view" {
	use_host lxcfs-4g
	run -0 ovc --root "$ROOTS/container-docker" status --json
	assert_json '.container.detected == true and .container.manager == "lxc"'
	assert_json '.container.signals == ["pid1_environ", "dockerenv", "cgroup_namespace", "user_namespace"]'
	assert_json '.container.cgroup_namespace == "own" and .container.overcommit_host_wide == true'
	assert_json '.container.meminfo_virtualised == true and .container.meminfo_source == "lxcfs"'
	assert_json '.container.view == {"mem_total_kb": 4194304, "mem_free_kb": 3670016, "swap_total_kb": 0, "swap_free_kb": 0, "cached_kb": 262144}'
	# a saved tree has no sysinfo: the kernel's figures are unknown, the model keeps the view
	assert_json '.container.kernel == null and .container.model_uses_kernel_figures == false'
	assert_json '[.warnings[].id] | index("meminfo_virtualised") != null'
}

@test "the mountinfo signal alone: fuse.lxcfs on /proc/meminfo (the last mount there wins)" {
	use_host lxcfs-4g
	run -0 ovc status --json
	assert_json '.container.meminfo_source == "lxcfs"'
	printf '1300 1202 0:60 / /proc/meminfo rw - proc proc rw\n' >>"$PROC/self/mountinfo"
	run -0 ovc status --json
	assert_json '.container.meminfo_virtualised == false and .container.meminfo_source == "kernel"'
	assert_json '[.warnings[].id] | index("meminfo_virtualised") == null'
}

@test "a hugetlb pool larger than the container's MemTotal is no error under LXCFS" {
	use_host lxcfs-4g
	sed -i 's/^Hugetlb: .*/Hugetlb:         6291456 kB/' "$PROC/meminfo"
	grep -q '^Hugetlb: *6291456 kB' "$PROC/meminfo"
	run -0 ovc status --json
	rm "$PROC/self/mountinfo"
	run -6 ovc status
	assert_output --partial 'is larger than MemTotal'
}

@test "status in words: the container, host-wide keys, the view" {
	use_host lxcfs-4g
	run -0 ovc --root "$ROOTS/container-docker" status
	assert_line 'Container: lxc (container= in PID 1'"'"'s environment, /.dockerenv, a cgroup namespace of its own, a user namespace)'
	assert_line '  vm.overcommit_* are host-wide: one value for the whole kernel, shared by every container and the host'
	assert_line --partial '/proc/meminfo shows the container'"'"'s view (LXCFS): MemTotal 4.00 GiB, SwapTotal 0 B; the kernel'"'"'s are unknown from a saved tree'
}

@test "podman root: /run/.containerenv and /run/systemd/container name it" {
	use_host seed-24g-noswap
	run -0 ovc --root "$ROOTS/container-podman" status --json
	assert_json '.container.detected == true and .container.manager == "podman"'
	assert_json '.container.signals == ["run_systemd_container", "containerenv"]'
	assert_json '.container.meminfo_virtualised == false and .container.view == null'
}

@test "the host: no container signal, nothing printed" {
	use_host seed-24g-noswap
	run -0 ovc --root "$ROOTS/thp-madvise" status --json
	assert_json '.container.detected == false and .container.signals == [] and .container.root_checked == true'
	run -0 ovc --root "$ROOTS/thp-madvise" status
	refute_output --partial 'Container:'
}

@test "a saved --proc without --root: this host's /.dockerenv is not read" {
	use_host seed-24g-noswap
	run -0 ovc status --json
	assert_json '.container.root_checked == false and (.container.signals | index("dockerenv")) == null'
}

@test "the initial cgroup namespace's inode is not a signal" {
	use_host lxcfs-4g
	ln -sfn 'cgroup:[4026531835]' "$PROC/self/ns/cgroup"
	run -0 ovc status --json
	assert_json '.container.cgroup_namespace == "initial" and (.container.signals | index("cgroup_namespace")) == null'
}

@test "set inside a container: a note that the keys are host-wide, before anything changes" {
	use_host lxcfs-4g
	root_copy container-docker
	run -0 --separate-stderr ovc --root "$ROOT" set --mode 1 --dry-run
	[[ $stderr == *"ovc: note: running in a container (lxc: container= in PID 1's environment"* ]] || fail "stderr: $stderr"
	[[ $stderr == *"vm.overcommit_* are host-wide: one value for the whole kernel, shared by every container and the host; a change here changes them all"* ]] || fail "stderr: $stderr"
	run -0 --separate-stderr ovc --root "$ROOT" persist --mode 1 --dry-run
	[[ $stderr == *"a container's sysctl.d is applied at the container's start, if at all"* ]] || fail "stderr: $stderr"
	# outside one: silent
	use_host seed-24g-noswap
	root_copy thp-madvise
	run -0 --separate-stderr ovc --root "$ROOT" set --mode 1 --dry-run
	[[ -z $stderr ]] || fail "stderr: $stderr"
}

@test "the running kernel: a MemTotal other than sysinfo's is a container's view, the model takes sysinfo's" {
	[[ -r /proc/meminfo ]] || skip "no /proc"
	local env=(LD_PRELOAD="$SHIM" OVC_FAULT_SYSINFO=67108864:8388608)
	is_sanitized && env+=(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0")
	run -0 env "${env[@]}" "$OVC" status --json
	assert_json '.container.meminfo_virtualised == true and .container.model_uses_kernel_figures == true'
	assert_json '.container.kernel == {"mem_total_kb": 67108864, "swap_total_kb": 8388608}'
	assert_json '.host.mem_total_kb == 67108864 and .host.swap_total_kb == 8388608'
	assert_json --argjson m "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" '.container.view.mem_total_kb == $m'
	assert_json '[.warnings[] | select(.id == "meminfo_virtualised") | .text | test("sysinfo")] == [true]'
	# the same with the kernel's own figures: nothing virtual
	run -0 "$OVC" status --json
	assert_json '.container.meminfo_virtualised == false and .container.model_uses_kernel_figures == false'
	assert_json --argjson m "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" '.container.kernel.mem_total_kb == $m and .host.mem_total_kb == $m'
}
