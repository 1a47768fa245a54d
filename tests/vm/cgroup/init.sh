#!/bin/busybox sh
# shellcheck shell=dash
# /init of the cgroup guest (copied into its initramfs by tests/vm/cgroup/run): on this
# (the guest's) kernel only, it makes memory cgroups, a swap device and small tmpfs mounts,
# runs ovc check in each situation BEFORE a writer, then lets pagewriter write pages until
# the kernel stops it (OOM kill, SIGBUS) and reports both; every check happens on the host.
#
# Initramfs: busybox-static, ovc and ovc-never (+ their libraries), /bin/pagewriter
# (tests/vm/cgroup/pagewriter.c, static), /lib/brd.ko.
# Kernel command line: ovcvm.cg=v2 or ovcvm.cg=v1 (which boot this is).
#
# Each cgroup scenario (cg_case NAME CGDIR MIB) in a fresh cgroup:
#   NAME.before     memory.current (v1: memory.usage_in_bytes) before anything ran in it
#   NAME.ovc        `ovc check MIBM --json` run INSIDE CGDIR (pagewriter run: its output
#                   goes through pipes to a parent outside, nothing is written from inside)
#   NAME.ovc_peak   memory.peak (v1: memory.max_usage_in_bytes) right after it: ovc's own
#                   charge while it measured; NAME.after_ovc memory.current after it
#   NAME.ovcx       `ovc check MIBM --cgroup CGDIR --json` from outside (the root cgroup)
#   NAME.ovcp       `ovc check MIBM --pid P --json` from outside, P a sleep in CGDIR (ended
#                   before the writer starts)
#   NAME.write      `pagewriter anon CGDIR MIB`: its one line (pages written when the OOM
#                   killer stopped it)
#   NAME.events     memory.events (v1: memory.oom_control), NAME.peak, NAME.swap_peak
# v2 boot: cgroup2 on /sys/fs/cgroup, +memory in the root's subtree_control;
#   plain    /plain memory.max 64M, no swap in the system
#   nested   /outer memory.max 48M, /outer/inner memory.max 96M
#   memcg    a tmpfs on /mnt/big; /shm memory.max 32M: `ovc check 64M --memmap
#            /mnt/big/arr --json` inside it, then `pagewriter shared /shm /mnt/big/arr 64`
#            (its tmpfs pages are charged to /shm; no swap: the OOM killer stops it)
#   swap     brd /dev/ram0 (128 MiB) as swap; /swap memory.max 32M, memory.swap.max 32M
# v1 boot: a tmpfs on /sys/fs/cgroup, the memory controller on /sys/fs/cgroup/memory;
#   v1       /v1 memory.limit_in_bytes 64M, no swap
#   v1sw     swap on; /v1sw memory.limit_in_bytes 32M, memory.memsw.limit_in_bytes 64M
#   tmpsize  (mode 0) a tmpfs with size=32m on /mnt/small: `ovc check 64M --memmap
#            /mnt/small/arr --json`, then `pagewriter shared - /mnt/small/arr 64`; the
#            file's allocated blocks after it
#   commit   a tmpfs (default size, mode=1777) on /mnt/big; mode 2 with overcommit_kbytes
#            = Committed_AS + 48 MiB; `ovc-never check 128M --memmap /mnt/big/arr --json`
#            (the caller: a writer ovc does not know), then `pagewriter shared -
#            /mnt/big/arr 128` as root; Committed_AS before and after, the file's blocks;
#   commitpid the writer started first as uid 65534, waiting before it maps anything
#            (pagewriter --go); `ovc-never check 128M --memmap /mnt/big/arr --pid CHILD
#            --json`, the same with --committed (Committed_AS as read just before it: ovc's
#            own charge left out), then the writer goes; mode 0 ratio 50 again
# ovc never runs in mode 2 (ovc-never does: an ASan build cannot start there).
#
# Data channel: /dev/ttyS1 (raw), as in tests/vm/top/init.sh:
#   CGVM KV name value...                               one value
#   CGVM BEGIN name / lines / CGVM END name rc=N        a file or a command's output
#   CGVM DONE                                           the end

export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys 2>/dev/null
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp /mnt/small /mnt/big
/bin/busybox mount -t tmpfs -o size=16m ovcout /tmp
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
exec 2>/dev/console
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

S=/proc/sys/vm
CG=/sys/fs/cgroup
BOOT=v2
for w in $(cat /proc/cmdline); do
	case $w in ovcvm.cg=*) BOOT=${w#*=} ;; esac
done
out() { printf '%s\n' "$*" >&3; }
kv() { out "CGVM KV $*"; }
emit() { # NAME RC FILE
	_e=$(cat "$3" 2>/dev/null)
	out "CGVM BEGIN $1"
	[ -n "$_e" ] && printf '%s\n' "$_e" >&3
	out "CGVM END $1 rc=$2"
}
# run NAME CMD...: stdout as block NAME (with the exit status), stderr as NAME.err; the
# files are removed at once (tmpfs pages count in Committed_AS)
run() {
	_n=$1
	shift
	"$@" </dev/null >/tmp/o 2>/tmp/e
	_rc=$?
	emit "$_n" "$_rc" /tmp/o
	emit "$_n.err" 0 /tmp/e
	rm -f /tmp/o /tmp/e
	return $_rc
}
meminfo() {
	while read -r _k _v _; do
		[ "$_k" = "$1:" ] && { echo "$_v"; return; }
	done </proc/meminfo
	echo 0
}
uptime_cs() { read -r _u _ </proc/uptime; echo "${_u%.*}${_u#*.}"; }
# the v1 / v2 names of a cgroup's files
if [ "$BOOT" = v1 ]; then
	F_CUR=memory.usage_in_bytes F_PEAK=memory.max_usage_in_bytes F_EV=memory.oom_control
	F_SWPEAK=memory.memsw.max_usage_in_bytes
else
	F_CUR=memory.current F_PEAK=memory.peak F_EV=memory.events F_SWPEAK=memory.swap.peak
fi
rd() { cat "$1" 2>/dev/null || echo MISSING; }

# cg_case NAME CGDIR MIB
cg_case() {
	kv "$1.before" "$(rd "$2/$F_CUR")"
	pagewriter run "$2" /tmp/o /tmp/e -- ovc check "${3}M" --json </dev/null
	_rc=$?
	kv "$1.ovc_peak" "$(rd "$2/$F_PEAK")"
	kv "$1.after_ovc" "$(rd "$2/$F_CUR")"
	emit "$1.ovc" "$_rc" /tmp/o
	emit "$1.ovc.err" 0 /tmp/e
	rm -f /tmp/o /tmp/e
	run "$1.ovcx" ovc check "${3}M" --cgroup "$2" --json
	# shellcheck disable=SC2016 # $$: the inner shell's pid, which becomes sleep's
	sh -c 'echo $$ >"$0/cgroup.procs" && exec sleep 600' "$2" </dev/null >/dev/null 2>&1 &
	_sp=$!
	_i=0
	while ! grep -qx "$_sp" "$2/cgroup.procs" && [ $_i -lt 2000 ]; do _i=$((_i + 1)); done
	run "$1.ovcp" ovc check "${3}M" --pid "$_sp" --json
	kill "$_sp"
	wait "$_sp"
	# v1: the peak again from here (writing 0 resets it)
	[ "$BOOT" = v1 ] && echo 0 >"$2/$F_PEAK"
	run "$1.write" pagewriter anon "$2" "$3"
	kv "$1.peak" "$(rd "$2/$F_PEAK")"
	kv "$1.swap_peak" "$(rd "$2/$F_SWPEAK")"
	emit "$1.events" 0 "$2/$F_EV"
	kv "t.$1" "$(uptime_cs)"
}

out "CGVM START"
kv boot "$BOOT"
kv uname "$(uname -r)"
kv cmdline "$(cat /proc/cmdline)"
kv t.start "$(uptime_cs)"
kv mode "$(cat $S/overcommit_memory) $(cat $S/overcommit_ratio) $(cat $S/overcommit_kbytes)"
kv thp "$(cat /sys/kernel/mm/transparent_hugepage/enabled)"
insmod /lib/brd.ko rd_nr=1 rd_size=131072 && mkswap /dev/ram0 >/dev/null
kv brd "$?"
emit meminfo0 0 /proc/meminfo

if [ "$BOOT" = v2 ]; then
	mount -t cgroup2 none $CG
	echo +memory >$CG/cgroup.subtree_control
	kv root.controllers "$(cat $CG/cgroup.subtree_control)"

	mkdir $CG/plain
	echo 64M >$CG/plain/memory.max
	kv plain.limits "$(cat $CG/plain/memory.max) $(cat $CG/plain/memory.swap.max)"
	cg_case plain $CG/plain 128

	mkdir $CG/outer
	echo 48M >$CG/outer/memory.max
	echo +memory >$CG/outer/cgroup.subtree_control
	mkdir $CG/outer/inner
	echo 96M >$CG/outer/inner/memory.max
	kv nested.limits "$(cat $CG/outer/memory.max) $(cat $CG/outer/inner/memory.max)"
	cg_case nested $CG/outer/inner 128

	# memcg: an np.memmap on a tmpfs written from a cgroup: the shmem pages are charged to
	# it and, without swap, nothing reclaims them (the OOM killer, not SIGBUS)
	mount -t tmpfs -o mode=1777 cgtmp /mnt/big
	mkdir $CG/shm
	echo 32M >$CG/shm/memory.max
	kv memcg.limits "$(cat $CG/shm/memory.max)"
	kv memcg.before "$(rd $CG/shm/$F_CUR)"
	pagewriter run $CG/shm /tmp/o /tmp/e -- ovc check 64M --memmap /mnt/big/arr --json </dev/null
	_rc=$?
	kv memcg.ovc_peak "$(rd $CG/shm/$F_PEAK)"
	emit memcg.ovc "$_rc" /tmp/o
	emit memcg.ovc.err 0 /tmp/e
	rm -f /tmp/o /tmp/e
	run memcg.write pagewriter shared $CG/shm /mnt/big/arr 64
	emit memcg.events 0 $CG/shm/$F_EV
	kv memcg.file "$(stat -c '%s %b %B' /mnt/big/arr)"
	rm -f /mnt/big/arr
	umount /mnt/big
	kv t.memcg "$(uptime_cs)"

	swapon /dev/ram0
	kv swap.on "$? $(meminfo SwapTotal)"
	mkdir $CG/swap
	echo 32M >$CG/swap/memory.max
	echo 32M >$CG/swap/memory.swap.max
	kv swap.limits "$(cat $CG/swap/memory.max) $(cat $CG/swap/memory.swap.max)"
	cg_case swap $CG/swap 128
	swapoff /dev/ram0
	kv swap.off "$?"
else
	mount -t tmpfs -o size=1m,mode=755 cgroup $CG
	mkdir $CG/memory
	mount -t cgroup -o memory memory $CG/memory
	kv v1.mount "$?"
	M=$CG/memory

	mkdir $M/v1
	echo 64M >$M/v1/memory.limit_in_bytes
	kv v1.limits "$(cat $M/v1/memory.limit_in_bytes) $(rd $M/v1/memory.memsw.limit_in_bytes)"
	cg_case v1 $M/v1 128

	swapon /dev/ram0
	kv v1sw.on "$? $(meminfo SwapTotal)"
	mkdir $M/v1sw
	echo 32M >$M/v1sw/memory.limit_in_bytes
	echo 64M >$M/v1sw/memory.memsw.limit_in_bytes
	kv v1sw.limits "$(cat $M/v1sw/memory.limit_in_bytes) $(rd $M/v1sw/memory.memsw.limit_in_bytes)"
	cg_case v1sw $M/v1sw 128
	swapoff /dev/ram0
	kv v1sw.off "$?"

	# ---- tmpsize: a tmpfs with size=32m, mode 0
	mount -t tmpfs -o size=32m small /mnt/small
	run tmpsize.ovc ovc check 64M --memmap /mnt/small/arr --json
	run tmpsize.write pagewriter shared - /mnt/small/arr 64
	kv tmpsize.file "$(stat -c '%s %b %B' /mnt/small/arr)"
	kv tmpsize.statfs "$(stat -f -c '%b %f %S' /mnt/small)"
	rm -f /mnt/small/arr
	kv t.tmpsize "$(uptime_cs)"

	# ---- commit: mode 2, a room of 48 MiB, a tmpfs big enough (mode=1777: nobody writes)
	mount -t tmpfs -o mode=1777 big /mnt/big
	kv commit.statfs "$(stat -f -c '%b %f %S' /mnt/big)"
	C=$(meminfo Committed_AS)
	echo $((C + 49152)) >$S/overcommit_kbytes
	echo 2 >$S/overcommit_memory
	kv commit.mode "$(cat $S/overcommit_memory) $(cat $S/overcommit_kbytes)"
	kv commit.limit "$(meminfo CommitLimit)"
	kv commit.user_reserve "$(cat $S/user_reserve_kbytes) $(cat $S/admin_reserve_kbytes)"
	# commit: ovc for the caller (a writer not known: not admin, any size), then root writes
	kv commit.committed0 "$(meminfo Committed_AS)"
	run commit.ovc ovc-never check 128M --memmap /mnt/big/arr --json
	kv commit.committed1 "$(meminfo Committed_AS)"
	run commit.write pagewriter shared - /mnt/big/arr 128
	kv commit.committed2 "$(meminfo Committed_AS)"
	kv commit.file "$(stat -c '%s %b %B' /mnt/big/arr)"
	rm -f /mnt/big/arr
	# commitpid: the writer first (uid 65534, waiting before it maps), ovc --pid of it
	mkfifo /tmp/pw.out /tmp/pw.go
	pagewriter --as-user 65534 --go /tmp/pw.go shared - /mnt/big/arr 128 \
		</dev/null >/tmp/pw.out 2>/tmp/pw.err &
	_wp=$!
	exec 4</tmp/pw.out
	read -r _l <&4
	_cp=${_l#child=}
	kv commitpid.child "$_cp"
	kv commitpid.status "$(grep -E '^(Uid|VmSize)' /proc/"$_cp"/status | tr -s '\t\n ' '  ')"
	kv commitpid.committed0 "$(meminfo Committed_AS)"
	run commitpid.ovc ovc-never check 128M --memmap /mnt/big/arr --pid "$_cp" --json
	_c=$(meminfo Committed_AS)
	kv commitpid.committed1 "$_c"
	run commitpid.ovcc ovc-never check 128M --memmap /mnt/big/arr --pid "$_cp" --committed "${_c}K" --json
	echo go >/tmp/pw.go
	read -r _l <&4
	wait "$_wp"
	exec 4<&-
	out "CGVM BEGIN commitpid.write"
	out "$_l"
	out "CGVM END commitpid.write rc=0"
	emit commitpid.write.err 0 /tmp/pw.err
	kv commitpid.committed2 "$(meminfo Committed_AS)"
	kv commitpid.file "$(stat -c '%s %b %B' /mnt/big/arr)"
	rm -f /mnt/big/arr /tmp/pw.out /tmp/pw.go /tmp/pw.err
	echo 0 >$S/overcommit_memory
	echo 50 >$S/overcommit_ratio
	kv t.commit "$(uptime_cs)"
fi

dmesg >/tmp/dmesg 2>&1
emit dmesg 0 /tmp/dmesg
kv end "$(cat $S/overcommit_memory) $(cat $S/overcommit_ratio) $(cat $S/overcommit_kbytes)"
out "CGVM DONE"
sync
poweroff -f
sleep 5
