#!/usr/bin/env bats
# 18-touch.bats - "ovc check"'s touch answer (can every page be written, not only
# allocated) and status's cgroup line, on the fixture cgroup trees cgroup-v2 and
# cgroup-v1 (tests/fixtures/hosts/README.md), read through --proc and --root. The
# figures are worked by hand in the comments, from the files of each cgroup:
#   room = min over the path of (max - current + active_file + inactive_file)
#          + swap (v2: min of swap.max - swap.current, at most SwapFree;
#                  v1: SwapFree, with memory+swap at most memsw limit - usage + file)
# Bad --cgroup values: exit 2 (a bad option value, as a bad --root); a malformed cgroup
# file behind --cgroup: exit 6 with PATH:LINE.

load helpers/common

setup() {
	use_host cgroup-v2
}

# ovc on the copied host, its cgroup tree under --root
ovc_cg() {
	ovc --root "$HOST" "$@"
}

touch_json() {
	local code=$1
	shift
	run "-$code" --separate-stderr ovc_cg check --json "$@"
	assert_one_json_document
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

@test "v2, the caller's cgroup: 8 GiB allocates but only 3.5 GiB can be written (memory.max 4 GiB - 1 GiB charged + 512 MiB page cache)" {
	# /plain: 4294967296 - 1073741824 + 268435456 + 268435456 = 3758096384 B = 3670016 kB;
	# memory.swap.max 0: no swap room
	touch_json 0 8G
	assert_json '.fits == true'
	assert_json '.touch.fits == false and .touch.limit_kb == 3670016'
	assert_json '.touch.binding_limit == "cgroup" and .touch.cgroup == "/plain"'
	assert_json '.touch.cgroup_room.version == 2 and .touch.cgroup_room.source == "caller"'
	assert_json '.touch.cgroup_room.limit_kb == 4194304 and .touch.cgroup_room.charged_kb == 1048576'
	assert_json '.touch.cgroup_room.reclaimable_kb == 524288 and .touch.cgroup_room.swap_room_kb == 0'
	assert_json '.touch.cgroup_room.ancestors_visible == true'
	assert_json --arg f "$HOST/sys/fs/cgroup/plain/memory.max" '.touch.cgroup_room.binding_file == $f'
	# 8 GiB by malloc: 2097153 pages
	assert_json '.touch.need_kb == 8388612'
	run -0 ovc_cg check 8G
	assert_line 'Write: does not fit: 3.50 GiB of the 8.00 GiB can be written, then the cgroup'"'"'s OOM killer ends the process'
	assert_line "       cgroup /plain (v2): memory.max 4.00 GiB in $HOST/sys/fs/cgroup/plain/memory.max, 1.00 GiB charged, 512.00 MiB reclaimable page cache; swap room 0 B"
	assert_line --partial 'fix: raise memory.max of cgroup /plain (in Kubernetes a bigger pod memory limit'
}

@test "v2: what fits in the room: fits, limit_kb null, binding none" {
	touch_json 0 1G
	assert_json '.touch.fits == true and .touch.limit_kb == null and .touch.binding_limit == "none"'
	assert_json '.touch.cgroup == "/plain"'
	run -0 ovc_cg check 1G
	assert_line 'Write: fits: every page can be written now (the cgroup leaves 3.50 GiB, RAM + swap free 23.86 GiB)'
}

@test "v2 nested: the parent's tighter limit binds (2 GiB - 1.5 GiB + 128 MiB = 640 MiB), not the child's 8 GiB" {
	# child: 8589934592 - 536870912 + 67108864 = 7.56 GiB; parent /tight:
	# 2147483648 - 1610612736 + 134217728 = 671088640 B = 655360 kB; its swap.max 0
	touch_json 0 8G --cgroup /sys/fs/cgroup/tight/child
	assert_json '.touch.fits == false and .touch.limit_kb == 655360 and .touch.binding_limit == "cgroup"'
	assert_json '.touch.cgroup == "/tight/child" and .touch.cgroup_room.binding_cgroup == "/tight"'
	assert_json '.touch.cgroup_room.source == "option" and .touch.cgroup_room.swap_room_kb == 0'
	assert_json '[.touch.cgroup_room.levels[].cgroup] == ["/tight/child", "/tight", "/"]'
	assert_json --arg f "$HOST/sys/fs/cgroup/tight/memory.max" '.touch.cgroup_room.binding_file == $f'
	# a trailing slash and doubled slashes name the same directory
	touch_json 0 8G --cgroup //sys/fs/cgroup//tight/child/
	assert_json '.touch.limit_kb == 655360'
}

@test "v2 'max' everywhere: no cgroup limit; RAM + swap free binds (MemAvailable 22917448 + SwapFree 2097148 kB)" {
	touch_json 0 25G --cgroup /sys/fs/cgroup/unlimited/child
	assert_json '.touch.cgroup_room.limited == false and .touch.cgroup_room.room_kb == null'
	assert_json '.touch.fits == false and .touch.binding_limit == "ram_swap" and .touch.limit_kb == 25014596'
	assert_json '.touch.ram_swap_kb == 25014596'
	run -0 ovc_cg check 25G --cgroup /sys/fs/cgroup/unlimited/child
	assert_line '       limited by RAM + swap free now (MemAvailable + SwapFree, /proc/meminfo): 23.86 GiB'
	assert_line --partial 'fix: free memory or add swap, or write the array in chunks'
}

@test "v2 with swap: memory.swap.max adds its room, bounded by the host's free swap" {
	# /swap: 1073741824 - 805306368 = 256 MiB of memory (no page cache), swap
	# 1073741824 - 134217728 = 896 MiB (917504 kB) < SwapFree 2097148 kB: 262144 + 917504
	touch_json 0 8G --cgroup /sys/fs/cgroup/swap
	assert_json '.touch.limit_kb == 1179648 and .touch.cgroup_room.memory_room_kb == 262144'
	assert_json '.touch.cgroup_room.swap_room_kb == 917504 and .touch.cgroup_room.swap_limited == true'
	# the host has only 500000 kB of swap free: that bounds it (262144 + 500000)
	sed -i 's/^SwapFree: .*/SwapFree:         500000 kB/' "$PROC/meminfo"
	touch_json 0 8G --cgroup /sys/fs/cgroup/swap
	assert_json '.touch.limit_kb == 762144 and .touch.cgroup_room.swap_room_kb == 500000'
	assert_json '.touch.cgroup_room.swap_limited == false'
}

@test "v2 memory.high below memory.max: a note, not the limit" {
	# /high: max 4 GiB - 1 GiB charged = 3 GiB room; high 2 GiB only throttles
	touch_json 0 8G --cgroup /sys/fs/cgroup/high
	assert_json '.touch.limit_kb == 3145728 and .touch.cgroup_room.high_kb == 2097152'
	assert_json '.touch.cgroup_room.high_cgroup == "/high"'
	run -0 ovc_cg check 8G --cgroup /sys/fs/cgroup/high
	assert_line --partial 'note: memory.high of /high is 2.00 GiB: past it the kernel reclaims and throttles the writer (slow, not killed)'
}

@test "v1 (hybrid host) with memsw: memory+swap binds below memory + free swap" {
	use_host cgroup-v1
	# /job1: memory 2147483648 - 536870912 + 268435456 = 1835008 kB; + SwapFree 4194300 kB;
	# memsw 3221225472 - 1073741824 + 268435456 = 2359296 kB: the smaller
	touch_json 0 8G
	assert_json '.touch.fits == false and .touch.limit_kb == 2359296 and .touch.binding_limit == "cgroup"'
	assert_json '.touch.cgroup == "/job1" and .touch.cgroup_room.version == 1'
	assert_json '.touch.cgroup_room.memory_room_kb == 1835008 and .touch.cgroup_room.swap_room_kb == 524288'
	assert_json '.touch.cgroup_room.memsw_binds == true'
	assert_json --arg f "$HOST/sys/fs/cgroup/memory/job1/memory.memsw.limit_in_bytes" '.touch.cgroup_room.binding_file == $f'
	# the root's limit, 9223372036854771712 (PAGE_COUNTER_MAX pages), is unlimited
	assert_json '.touch.cgroup_room.levels[1].max_kb == null and .touch.cgroup_room.levels[1].memsw_max_kb == null'
	run -0 ovc_cg check 8G
	assert_line --partial 'cgroup /job1 (v1): memory+swap limit 3.00 GiB in'
	assert_line --partial 'fix: raise memory.memsw.limit_in_bytes of cgroup /job1'
}

@test "v1 without memsw files (swapaccount=0): memory room + free swap" {
	use_host cgroup-v1
	rm "$HOST"/sys/fs/cgroup/memory/job1/memory.memsw.*
	# 1835008 + 4194300
	touch_json 0 8G
	assert_json '.touch.limit_kb == 6029308 and .touch.cgroup_room.memsw_binds == false'
}

@test "--pid: the touch answer for that process's cgroup" {
	cp -a "$FIXTURES/seed-24g-noswap/proc/4242" "$PROC/4242"
	echo '0::/tight/child' >"$PROC/4242/cgroup"
	touch_json 0 8G --pid 4242
	assert_json '.touch.cgroup == "/tight/child" and .touch.limit_kb == 655360'
	assert_json '.touch.cgroup_room.source == "pid"'
	# its cgroup outside this cgroup namespace: no cgroup, said why
	echo '0::/../../elsewhere' >"$PROC/4242/cgroup"
	touch_json 0 8G --pid 4242
	assert_json '.touch.cgroup == null and (.touch.no_cgroup_reason | test("outside this cgroup namespace"))'
}

@test "--shape with --init ones beyond the cgroup's room: no overcommit setting helps, the cgroup is named" {
	# mode 2, ratio 1: CommitLimit ~ 2.2 GiB refuses 8 GB; mode 1 would accept it, but
	# np.ones writes every page and the cgroup leaves 3.5 GiB
	touch_json 1 --shape 1000000000 --dtype f8 --init ones --mode 2 --ratio 1
	assert_json '.advice[0].action == "written_beyond_memory"'
	assert_json '.advice[0].text | test("larger than the room its memory cgroup leaves \\(3.50 GiB\\)")'
	assert_json '.touch.fits == false and .touch.binding_limit == "cgroup"'
	# without a cgroup limit (max everywhere) mode 1 is advised, with the size it needs
	touch_json 1 --shape 1000000000 --dtype f8 --init ones --mode 2 --ratio 1 --cgroup /sys/fs/cgroup/unlimited
	assert_json '.advice[0].action == "set_mode_1"'
	assert_json '.advice[0].text | test("written in full")'
}

@test "--numpy-error: the touch answer for the array of the message" {
	touch_json 0 --numpy-error 'MemoryError: Unable to allocate 7.45 GiB for an array with shape (1000000000,) and data type float64'
	assert_json '.touch.fits == false and .touch.limit_kb == 3670016'
}

@test "--fork has no touch answer, and --cgroup does not go with it" {
	run -2 --separate-stderr ovc_cg check --fork 1 --cgroup /sys/fs/cgroup/plain
	assert_output ''
	[[ $stderr == *"--cgroup does not go with --fork"* ]]
}

@test "status: the caller's cgroup limit and the write budget" {
	run -0 --separate-stderr ovc_cg status --json
	assert_json '.cgroup.path == "/plain" and .cgroup.version == 2 and .cgroup.limited == true'
	assert_json '.cgroup.limit_kb == 4194304 and .cgroup.touch_budget_kb == 3670016'
	run -0 ovc_cg status
	assert_line 'Write budget: 3.50 GiB can still be written in this cgroup before its OOM killer runs'
	# no limit: no line, and the key says so
	echo '0::/unlimited' >"$PROC/self/cgroup"
	run -0 ovc_cg status
	refute_line --partial 'Write budget'
	run -0 --separate-stderr ovc_cg status --json
	assert_json '.cgroup.limited == false and .cgroup.touch_budget_kb == null'
}

@test "a saved tree without --root: no cgroup read, and the reason" {
	run -0 --separate-stderr ovc check --json 1G
	assert_json '.touch.cgroup == null and .touch.cgroup_room == null'
	assert_json '.touch.no_cgroup_reason | test("give --root")'
	assert_json '.touch.binding_limit == "none" and .touch.fits == true'
}

@test "bad --cgroup: outside the mount, missing, a FIFO, a symlink loop, relative, '..': exit 2, named" {
	mkfifo "$HOST/sys/fs/cgroup/fifo"
	ln -s loop "$HOST/sys/fs/cgroup/loop"
	local arg want
	while IFS='|' read -r arg want; do
		run -2 --separate-stderr ovc_cg check 1G --cgroup "$arg"
		assert_output ''
		[[ $stderr == "ovc: invalid --cgroup '$arg': $want"* ]] ||
			fail "--cgroup $arg: stderr: $stderr"
	done <<-'EOF'
		/etc|not under the memory cgroup mount /sys/fs/cgroup (cgroup v2)
		/sys/fs/cgroupx/a|not under the memory cgroup mount /sys/fs/cgroup (cgroup v2)
		/sys/fs/cgroup/nope|no such cgroup directory
		/sys/fs/cgroup/fifo|not a directory
		/sys/fs/cgroup/loop|too many levels of symbolic links
		/sys/fs/cgroup/plain/memory.max|not a directory
		plain|give the absolute path of a cgroup directory
		/sys/fs/cgroup/plain/../tight|give the absolute path of a cgroup directory
	EOF
	# with --json: one error document
	run -2 --separate-stderr ovc_cg check --json 1G --cgroup /sys/fs/cgroup/nope
	assert_one_json_document
	assert_json '.error.kind == "usage" and .error.exit == 2 and .error.message == "invalid --cgroup '\''/sys/fs/cgroup/nope'\'': no such cgroup directory"'
}

@test "a malformed cgroup file: exit 6 with PATH:LINE behind --cgroup; the caller's only loses the cgroup answer" {
	echo 'lots' >"$HOST/sys/fs/cgroup/plain/memory.max"
	run -6 --separate-stderr ovc_cg check 1G --cgroup /sys/fs/cgroup/plain
	[[ $stderr == "ovc: $HOST/sys/fs/cgroup/plain/memory.max:1: expected 'max' or a number of bytes"* ]] ||
		fail "stderr: $stderr"
	run -0 --separate-stderr ovc_cg check --json 1G
	assert_json --arg p "$HOST/sys/fs/cgroup/plain/memory.max:1:" '.touch.cgroup == null and (.touch.no_cgroup_reason | startswith($p))'
	printf 'anon 1\nfile\n' >"$HOST/sys/fs/cgroup/tight/memory.stat"
	run -6 --separate-stderr ovc_cg check 1G --cgroup /sys/fs/cgroup/tight
	[[ $stderr == "ovc: $HOST/sys/fs/cgroup/tight/memory.stat:2: not a memory.stat line"* ]] ||
		fail "stderr: $stderr"
}

@test "the live host: a touch object, read-only" {
	[[ -r /proc/self/cgroup ]] || skip "no /proc/self/cgroup"
	run -0 --separate-stderr "$OVC" check --json 4096
	assert_json '.touch.fits == true and (.touch.binding_limit == "none")'
	assert_json '.touch.ram_swap_kb > 0'
}
