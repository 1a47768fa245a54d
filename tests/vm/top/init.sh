#!/bin/busybox sh
# shellcheck shell=dash
# /init of the top guest (copied into its initramfs by tests/vm/top/run): it makes known
# commit charges, a cgroup OOM kill and a refused commit charge on this (the guest's)
# kernel, runs ovc top and ovc log, and reports; every check happens on the host.
#
# Initramfs: busybox-static, ovc (+ its libraries), /bin/charges (tests/vm/charges.c,
# static), /etc/passwd with root and nobody.
#
# Steps:
#   quiet   ovc top --json with nothing but this shell running, /proc/meminfo,
#           /proc/self/mountinfo, statfs of / (the initramfs: nothing writes to it after
#           the unpacking; the output files go to a tmpfs on /tmp, size=16m), this
#           shell's /proc/1/smaps
#   hold    a tmpfs on /mnt/t (size=32m, mode=1777); `charges hold --as-user 65534
#           /mnt/t/file` started in the background, its one line read from a fifo (a
#           blocking read: no process starts while it measures); then ovc top --json,
#           its /proc/PID/smaps and this shell's, /proc/meminfo, /proc/sysvipc/shm, statfs of /mnt/t;
#           SIGTERM ends it
#   oom     cgroup2 on /sys/fs/cgroup, +memory in the root's cgroup.subtree_control,
#           /sys/fs/cgroup/ovctest with memory.max 32M (memory.swap.max 0; the guest has
#           no swap anyway); `charges hog 128` moved into it (sh -c 'echo $$ >
#           cgroup.procs; exec ...'), killed by the OOM killer; memory.events
#   refuse  mode 2 with overcommit_kbytes = Committed_AS + 64 MiB (written with shell
#           builtins), `charges refuse 268435456` (256 MiB: refused, logged by
#           __vm_enough_memory), then mode 0 and ratio 50 again, with builtins
#   log     ovc log --json (as root: CAP_SYSLOG), dmesg, kernel.dmesg_restrict
# ovc never runs in mode 2 (an ASan build cannot start there).
#
# Data channel: /dev/ttyS1 (raw), as in tests/vm/profile/init.sh:
#   TOPVM KV name value...                              one value
#   TOPVM BEGIN name / lines / TOPVM END name rc=N      a file or a command's output
#   TOPVM DONE                                          the end

export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys 2>/dev/null
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp /mnt/t
# /tmp (the output files) on a tmpfs of its own: the root tmpfs stays as unpacked
/bin/busybox mount -t tmpfs -o size=16m ovcout /tmp
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
exec 2>/dev/console
# Sanitizer builds (make SANITIZE=1): report and fail loudly; harmless for the others.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

S=/proc/sys/vm
CG=/sys/fs/cgroup
out() { printf '%s\n' "$*" >&3; }
kv() { out "TOPVM KV $*"; }
emit() { # NAME RC FILE
	_e=$(cat "$3" 2>/dev/null)
	out "TOPVM BEGIN $1"
	[ -n "$_e" ] && printf '%s\n' "$_e" >&3
	out "TOPVM END $1 rc=$2"
}
# run NAME CMD...: CMD's stdout as block NAME (with its exit status), stderr as NAME.err
run() {
	_n=$1
	shift
	"$@" </dev/null >/tmp/o 2>/tmp/e
	_rc=$?
	emit "$_n" "$_rc" /tmp/o
	emit "$_n.err" 0 /tmp/e
	return $_rc
}
# snap NAME [PID]: ovc top --json (block NAME.top), at once followed by the smaps of
# this shell (NAME.smaps1) and of PID (NAME.smaps), then /proc/meminfo (NAME.meminfo);
# nothing is emitted between ovc and the smaps reads (the shell's heap stays as ovc saw it)
snap() {
	ovc top --json </dev/null >/tmp/top 2>/tmp/top.err
	_rc=$?
	cat /proc/1/smaps >/tmp/smaps1
	[ -n "${2:-}" ] && cat "/proc/$2/smaps" >/tmp/smaps
	cat /proc/meminfo >/tmp/mi
	emit "$1.top" "$_rc" /tmp/top
	emit "$1.top.err" 0 /tmp/top.err
	emit "$1.smaps1" 0 /tmp/smaps1
	[ -n "${2:-}" ] && emit "$1.smaps" 0 /tmp/smaps
	emit "$1.meminfo" 0 /tmp/mi
}
# meminfo FIELD -> its kB value, read with builtins
meminfo() {
	while read -r _k _v _; do
		[ "$_k" = "$1:" ] && { echo "$_v"; return; }
	done </proc/meminfo
	echo 0
}
uptime_cs() { read -r _u _ </proc/uptime; echo "${_u%.*}${_u#*.}"; }

out "TOPVM START"
kv uname "$(uname -r)"
kv cmdline "$(cat /proc/cmdline)"
kv t.start "$(uptime_cs)"
kv mode "$(cat $S/overcommit_memory) $(cat $S/overcommit_ratio) $(cat $S/overcommit_kbytes)"

# ---- quiet: only this shell (and ovc itself)
sync
snap quiet
emit quiet.mountinfo 0 /proc/self/mountinfo
kv quiet.statfs_root "$(stat -f -c '%t %b %f %S' /)"
kv t.quiet "$(uptime_cs)"

# ---- hold: the known charges
mount -t tmpfs -o size=32m,mode=1777 ovctmp /mnt/t
kv hold.statfs0 "$(stat -f -c '%t %b %f %S' /mnt/t)"
mkfifo /tmp/hold.fifo
charges hold --as-user 65534 /mnt/t/file >/tmp/hold.fifo 2>/tmp/hold.err &
HPID=$!
read -r HOLD </tmp/hold.fifo
kv hold.pid "$HPID"
kv hold.line "$HOLD"
emit hold.err 0 /tmp/hold.err
snap hold "$HPID"
emit hold.sysvipc 0 /proc/sysvipc/shm
kv hold.statfs "$(stat -f -c '%t %b %f %S' /mnt/t)"
kv hold.file_size "$(stat -c '%s %b %B' /mnt/t/file)"
kill -TERM "$HPID"
wait "$HPID"
kv hold.rc "$?"
rm -f /mnt/t/file
kv t.hold "$(uptime_cs)"

# ---- oom: a memory cgroup's OOM kill
mount -t cgroup2 none $CG
echo +memory >$CG/cgroup.subtree_control
mkdir $CG/ovctest
echo 32M >$CG/ovctest/memory.max
[ -f $CG/ovctest/memory.swap.max ] && echo 0 >$CG/ovctest/memory.swap.max
kv oom.memory_max "$(cat $CG/ovctest/memory.max)"
# shellcheck disable=SC2016 # $$ is the inner shell's: it becomes charges by exec
sh -c 'echo $$ >/sys/fs/cgroup/ovctest/cgroup.procs && exec charges hog 128' \
	</dev/null >/tmp/hog.out 2>/tmp/hog.err
kv oom.rc "$?"
emit oom.hog 0 /tmp/hog.out
emit oom.hog.err 0 /tmp/hog.err
emit oom.events 0 $CG/ovctest/memory.events
kv t.oom "$(uptime_cs)"

# ---- refuse: mode 2, a tight limit, one oversized mmap
C=$(meminfo Committed_AS)
kv refuse.committed_kb "$C"
echo $((C + 65536)) >$S/overcommit_kbytes
echo 2 >$S/overcommit_memory
charges refuse 268435456 </dev/null >/tmp/ref.out 2>/tmp/ref.err
_rc=$?
echo 0 >$S/overcommit_memory
echo 50 >$S/overcommit_ratio
emit refuse 0 /tmp/ref.out
emit refuse.err 0 /tmp/ref.err
kv refuse.rc "$_rc"
kv t.refuse "$(uptime_cs)"

# ---- log
kv log.dmesg_restrict "$(cat /proc/sys/kernel/dmesg_restrict)"
run log ovc log --json
dmesg >/tmp/dmesg 2>&1
emit dmesg 0 /tmp/dmesg
kv t.log "$(uptime_cs)"

kv end "$(cat $S/overcommit_memory) $(cat $S/overcommit_ratio) $(cat $S/overcommit_kbytes)"
out "TOPVM DONE"
sync
poweroff -f
sleep 5
