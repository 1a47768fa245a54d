#!/usr/bin/env bats
# 05-shim.bats - the fault shim itself: that each intercepted call fails when and only when
# it is told to (op, pattern, nth), that kills and pauses happen where told, that the jail
# holds, and that ovc really goes through the intercepted symbols (glibc: openat2 through
# syscall(2), the fortified __openat_2, pwrite64, ...). A python3 driver makes the calls.
#
# Nothing here runs an ovc writer; files are made only inside $BATS_TEST_TMPDIR.

load ../helpers/common
load lib

setup_file() {
	# the interpreter itself, not a wrapper script (pyenv's would run under the shim)
	PY=$(python3 -c 'import sys; print(sys.executable)')
	export PY
}

setup() {
	fx_shim
	D=$BATS_TEST_TMPDIR/d
	mkdir -p "$D"
	LOG=$BATS_TEST_TMPDIR/log
	rm -f "$LOG"
}

# drive ENV... -- STEPS...: python3 makes each call, printing "step ok" or "step ERRNAME"
drive() {
	local -a envs=()

	while [[ $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	shift
	env LD_PRELOAD="$OVC_FAULT_SHIM" OVC_FAULT_LOG="$LOG" OVC_FAULT_JAIL="$BATS_TEST_TMPDIR" \
		${envs[@]+"${envs[@]}"} "$PY" - "$D" "$@" <<-'EOF'
		import ctypes, errno, os, socket, sys
		d = sys.argv[1]
		libc = ctypes.CDLL(None, use_errno=True)
		class OpenHow(ctypes.Structure):
		    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]
		def openat2(name, flags):
		    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
		    how = OpenHow(flags, 0o644, 0)
		    fd = libc.syscall(437, dfd, name.encode(), ctypes.byref(how), ctypes.sizeof(how))
		    os.close(dfd)
		    if fd < 0:
		        e = ctypes.get_errno()
		        raise OSError(e, os.strerror(e))
		    os.close(fd)
		def step(s):
		    op, _, arg = s.partition("=")
		    p = os.path.join(d, arg)
		    if op == "write":
		        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
		        try:
		            n = os.write(fd, b"0123456789")
		        finally:
		            os.close(fd)
		        return "ok" if n == 10 else "short%d" % n
		    if op == "pwrite":
		        fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o644)
		        try:
		            n = os.pwrite(fd, b"abcd", 0)
		        finally:
		            os.close(fd)
		        return "ok" if n == 4 else "short%d" % n
		    if op == "fsync":
		        fd = os.open(p, os.O_RDONLY)
		        try:
		            os.fsync(fd)
		        finally:
		            os.close(fd)
		    elif op == "fdatasync":
		        fd = os.open(p, os.O_RDONLY)
		        try:
		            os.fdatasync(fd)
		        finally:
		            os.close(fd)
		    elif op == "ftruncate":
		        fd = os.open(p, os.O_RDWR)
		        try:
		            os.ftruncate(fd, 1)
		        finally:
		            os.close(fd)
		    elif op == "fchmod":
		        fd = os.open(p, os.O_RDONLY)
		        try:
		            os.fchmod(fd, 0o600)
		        finally:
		            os.close(fd)
		    elif op == "openat":
		        dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
		        try:
		            os.close(os.open(arg, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=dfd))
		        finally:
		            os.close(dfd)
		    elif op == "openat2":
		        openat2(arg, os.O_WRONLY | os.O_CREAT)
		    elif op == "rename":
		        dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
		        try:
		            src, dst = arg.split(">")
		            os.rename(src, dst, src_dir_fd=dfd, dst_dir_fd=dfd)
		        finally:
		            os.close(dfd)
		    elif op == "unlinkat":
		        dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
		        try:
		            os.unlink(arg, dir_fd=dfd)
		        finally:
		            os.close(dfd)
		    elif op == "mkdirat":
		        dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
		        try:
		            os.mkdir(arg, dir_fd=dfd)
		        finally:
		            os.close(dfd)
		    elif op == "outside":
		        os.close(os.open(arg, os.O_WRONLY | os.O_CREAT, 0o644))
		    elif op == "sendto":
		        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		        try:
		            s.sendto(b"x", ("127.0.0.1", 9))
		        finally:
		            s.close()
		    return "ok"
		for s in sys.argv[2:]:
		    try:
		        r = step(s)
		    except OSError as e:
		        r = errno.errorcode.get(e.errno, str(e.errno))
		    print(s.partition("=")[0], r, flush=True)
	EOF
}

@test "nth: only the Nth matching call fails; N+ the Nth and later; * all" {
	run -0 drive OVC_FAULT='write:*/d/f:2:ENOSPC' -- write=f write=f write=f write=g
	assert_output $'write ok\nwrite ENOSPC\nwrite ok\nwrite ok'
	run -0 drive OVC_FAULT='write:/d/f:2+:EIO' -- write=f write=f write=f write=g
	assert_output $'write ok\nwrite EIO\nwrite EIO\nwrite ok'
	run -0 drive OVC_FAULT='write:f:*:EROFS' -- write=f write=ff
	assert_output $'write EROFS\nwrite EROFS'
	assert_equal "$(grep -c '^fault write ' "$LOG")" 5
	assert_equal "$(cat "$D/g")" 01234567890123456789
}

@test "patterns: =exact, a glob on the whole path, a substring" {
	: >"$D/a"
	: >"$D/ab"
	run -0 drive OVC_FAULT="fsync:=$D/a:*:EIO" -- fsync=a fsync=ab
	assert_output $'fsync EIO\nfsync ok'
	run -0 drive OVC_FAULT='fsync:*/d/[ab]:*:EACCES' -- fsync=a fsync=ab
	assert_output $'fsync EACCES\nfsync ok'
	run -0 drive OVC_FAULT='fsync:d/a:*:EPERM' -- fsync=a fsync=ab
	assert_output $'fsync EPERM\nfsync EPERM'
}

@test "every op the change uses can fail, with each errno; the fd's path is tracked" {
	local e
	: >"$D/x"
	for e in ENOSPC EIO EROFS EACCES EPERM; do
		run -0 drive OVC_FAULT="openat:*/d/n:1:$e,openat2:*/d/m:1:$e,pwrite:*/d/x:1:$e,fdatasync:*/d/x:1:$e,ftruncate:*/d/x:1:$e,fchmod:*/d/x:1:$e,renameat:*/d/y:1:$e,unlinkat:*/d/x:1:$e,mkdirat:*/d/s:1:$e,sendto:socket:1:$e" \
			-- openat=n openat2=m pwrite=x fdatasync=x ftruncate=x fchmod=x rename='x>y' unlinkat=x mkdirat=s sendto
		assert_output "$(printf '%s '"$e"'\n' openat openat2 pwrite fdatasync ftruncate fchmod rename unlinkat mkdirat sendto)"
	done
	[[ ! -e $D/n && ! -e $D/m && ! -e $D/s && -e $D/x ]]
	assert_equal "$(grep -c '^fault ' "$LOG")" 50
	assert_equal "$(grep -c "^fault renameat $D/y 1 " "$LOG")" 5
}

@test "SHORT writes half; SKIP pretends success without the call" {
	run -0 drive OVC_FAULT='write:*/d/f:1:SHORT,pwrite:*/d/p:1:SHORT' -- write=f pwrite=p
	assert_output $'write short5\npwrite short2'
	assert_equal "$(cat "$D/f")" 01234
	run -0 drive OVC_FAULT='unlinkat:*/d/f:1:SKIP' -- unlinkat=f
	assert_output 'unlinkat ok'
	[[ -e $D/f ]]
}

@test "kill before the call: not made; after: made; the log line comes first" {
	run -137 drive OVC_FAULT_KILL='write:*/d/k:2' -- write=k write=k write=k
	assert_output 'write ok'
	assert_equal "$(cat "$D/k")" 0123456789
	grep -qx "kill write $D/k 2 before" "$LOG"
	run -137 drive OVC_FAULT_KILL='write:*/d/j:1:after' -- write=j write=j
	assert_output ''
	assert_equal "$(cat "$D/j")" 0123456789
}

@test "pause: the call waits, then happens" {
	local t0=$EPOCHREALTIME
	run -0 drive OVC_FAULT_PAUSE='write:*/d/w:1:500' -- write=w
	(($(bc <<<"$EPOCHREALTIME - $t0 >= 0.5"))) || fail "did not pause"
	assert_output 'write ok'
	grep -qx "pause write $D/w 1 500" "$LOG"
}

@test "the jail: a path-changing call outside the test dir is refused and logged" {
	local out=$BATS_RUN_TMPDIR/ovc-fault-jail-probe
	rm -f "$out"
	run -0 drive -- outside="$out" openat=inside
	assert_output $'outside EPERM\nopenat ok'
	[[ ! -e $out ]]
	grep -qx "JAIL open $out" "$LOG"
}

@test "a bad spec is refused (exit 98), not ignored" {
	run -98 env LD_PRELOAD="$OVC_FAULT_SHIM" OVC_FAULT='write:x:0:EIO' true
	assert_output --partial "bad nth"
	run -98 env LD_PRELOAD="$OVC_FAULT_SHIM" OVC_FAULT='write:x:1:ENOTANERRNO' true
	run -98 env LD_PRELOAD="$OVC_FAULT_SHIM" OVC_FAULT_KILL='write:x:1:during' true
	run -98 env LD_PRELOAD="$OVC_FAULT_SHIM" OVC_FAULT='openat:x:1:SKIP' true
}

@test "ovc imports the symbols the shim interposes (glibc, dynamic); no static or raw-syscall writes" {
	local syms
	syms=$(nm -D --undefined-only "$OVC" | awk '{print $NF}' | sed 's/@.*//')
	# every write-path symbol ovc imports is interposed
	local s
	for s in $(grep -Ex '(__)?(open|openat|creat)(64)?(_2)?|(p)?write(64|v)?|fsync|fdatasync|(f)?truncate(64)?|rename(at2?)?|unlink(at)?|mkdir(at)?|fchmod(at)?|fchown(at)?|flock|send(to|msg)|syscall|close' <<<"$syms"); do
		grep -q "^[a-z_0-9]* $s(" "$FX_LIB_DIR/shim.c" ||
			grep -qE "^(int|ssize_t|long) $s\(" "$FX_LIB_DIR/shim.c" ||
			grep -qE "^OPEN(AT)?_WRAPPER\($s," "$FX_LIB_DIR/shim.c" ||
			fail "ovc imports $s, which the shim does not interpose"
	done
	grep -qx syscall <<<"$syms"    # openat2 goes through syscall(2), which the shim sees
	grep -qx renameat <<<"$syms"
	grep -qx write <<<"$syms"     # values and drop-ins go through a temporary: write(2)
}
