#!/bin/busybox sh
# shellcheck shell=dash
# /init of the profile guest (copied into its initramfs by tests/vm/profile/run). It
# applies ovc's shipped profiles to this (the guest's) kernel, measures what the kernel
# then grants, and reports; every check happens on the host.
#
# Initramfs: /r is a system root for ovc --root: the repository's profiles/*.profile in
# /r$DATADIR/profiles (the shipped-profile directory compiled into ovc, from
# /profile.env: DATADIR=...), etc/sysctl.d and run, all root-owned, files 0644 and
# directories 0755. /bin/allocmax and /bin/forkexec are tests/vm/allocmax.c and
# tests/vm/forkexec.c (static); /lib/brd.ko the kernel's RAM-disk module.
#
# Parameters (kernel command line; ignored by the kernel, they contain a dot):
#   ovcvm.config=NAME        label (forkexec wants it to know it runs in the test guest)
#   ovcp.swap_kb=KIB         if set: insmod brd.ko rd_nr=1 rd_size=KIB, mkswap, swapon
# (the hugetlb pool, if any, comes from the kernel's own hugepages=N)
#
# Every ovc command that changes the kernel runs with --proc /proc --root /r: --root alone
# is ovc's offline-image mode, which has no running kernel. show and verify read the
# running kernel through the default /proc also with --root /r alone.
#
# Data channel: /dev/ttyS1 (raw), as in tests/vm/boot/init.sh:
#   PROFVM KV name value...                              one value
#   PROFVM BEGIN name / lines / PROFVM END name rc=N     a file or a command's output
#   PROFVM DONE                                          the end
# The reset between steps writes with shell builtins (mode 0 first, then ratio 50, which
# zeroes kbytes), so no ovc process ever starts in mode 2 (an ASan build cannot start
# there) and no fork is needed to leave a tight limit.

export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys 2>/dev/null
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
exec 2>/dev/console
# shellcheck source=/dev/null
. /profile.env
# Sanitizer builds (make SANITIZE=1): report and fail loudly; harmless for the others.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

S=/proc/sys/vm
R=/r
PDIR=$R$DATADIR/profiles
DROPIN=$R/etc/sysctl.d/99-zz-ovc.conf
out() { printf '%s\n' "$*" >&3; }
kv() { out "PROFVM KV $*"; }
emit() { # NAME RC FILE
	_e=$(cat "$3" 2>/dev/null)
	out "PROFVM BEGIN $1"
	[ -n "$_e" ] && printf '%s\n' "$_e" >&3
	out "PROFVM END $1 rc=$2"
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
# K = "mode ratio kbytes" as the kernel holds them. A sysctl file answers only a read at
# offset 0, so the shell's byte-wise read builtin cannot read it: cat (a fork) it is; no
# profile here leaves a limit too tight for that (strict is RAM + swap).
readk() {
	# shellcheck disable=SC2046 # three numbers
	set -- $(cat $S/overcommit_memory $S/overcommit_ratio $S/overcommit_kbytes)
	K="${1:-unread} ${2:-unread} ${3:-unread}"
}
reset() {
	echo 0 >$S/overcommit_memory
	echo 50 >$S/overcommit_ratio
	readk
}
# meminfo FIELD -> its kB value, read with builtins (meminfo is a seq_file: byte-wise
# reads at any offset work)
meminfo() {
	while read -r _k _v _; do
		[ "$_k" = "$1:" ] && { echo "$_v"; return; }
	done </proc/meminfo
	echo 0
}
uptime_cs() { read -r _u _ </proc/uptime; echo "${_u%.*}${_u#*.}"; }

P_config=unknown
P_swap_kb=
# shellcheck disable=SC2013 # words, not lines
for w in $(cat /proc/cmdline); do
	case $w in
	ovcvm.config=*) P_config=${w#*=} ;;
	ovcp.swap_kb=*) P_swap_kb=${w#*=} ;;
	esac
done

out "PROFVM START $P_config"
kv config "$P_config"
kv uname "$(uname -r)"
kv cmdline "$(cat /proc/cmdline)"
T0=$(uptime_cs)
kv t.start "$T0"
if [ -n "$P_swap_kb" ]; then
	run swap.insmod insmod /lib/brd.ko rd_nr=1 "rd_size=$P_swap_kb"
	run swap.mkswap mkswap /dev/ram0
	run swap.swapon swapon /dev/ram0
fi
reset
kv start "$K"
cat /proc/meminfo >/tmp/mi
emit meminfo.base 0 /tmp/mi

# ---- every shipped profile: list, show
run list ovc profile list --root $R --json
for f in "$PDIR"/*.profile; do
	n=${f##*/}
	n=${n%.profile}
	run "show.$n" ovc profile show "$n" --root $R --json
	readk
	kv "show.$n.kernel" "$K"
done
kv t.shown "$(uptime_cs)"

# ---- sparse-arrays: one mmap of MemTotal + SwapTotal + 64 MiB, in mode 0 and after it
reset
mt=$(meminfo MemTotal)
st=$(meminfo SwapTotal)
X=$(((mt + st) * 1024 + 64 * 1048576))
kv sparse.mem_total_kb "$mt"
kv sparse.swap_total_kb "$st"
kv sparse.bytes "$X"
kv sparse.kernel0 "$K"
# allocmax --max X: its first try is ONE mmap of X bytes; if the kernel refuses it, the
# binary search below X finds the largest mapping it grants
run sparse.alloc0 allocmax --max "$X"
run sparse.check0 ovc check "$X" --via mmap --json
run sparse.apply ovc profile sparse-arrays --proc /proc --root $R --json
readk
kv sparse.kernel1 "$K"
run sparse.alloc1 allocmax --max "$X"
run sparse.check1 ovc check "$X" --via mmap --json
reset
kv t.sparse "$(uptime_cs)"

# ---- strict (and postgresql, which includes it): show's prediction, apply, the kernel
for p in strict postgresql; do
	reset
	run "$p.show" ovc profile show "$p" --root $R --json
	run "$p.apply" ovc profile "$p" --proc /proc --root $R --json
	readk
	kv "$p.kernel" "$K"
	cat /proc/meminfo >/tmp/mi
	emit "$p.meminfo" 0 /tmp/mi
	# can an unprivileged user still fork and exec under it? (forkexec writes nothing)
	run "$p.forkexec" forkexec --as-user 65534 -n 3
	reset
	kv "$p.reset" "$K"
done
kv t.strict "$(uptime_cs)"

# ---- redis: persist, verify, reset (running only), verify, reset --persist, verify
reset
run redis.apply ovc profile redis --persist --proc /proc --root $R --json
readk
kv redis.kernel "$K"
emit redis.dropin 0 "$DROPIN"
kv redis.dropin_present "$([ -f "$DROPIN" ] && echo 1 || echo 0)"
run redis.verify1 ovc verify --profile redis --root $R --json
run redis.reset ovc reset --proc /proc --root $R --json
readk
kv redis.kernel_reset "$K"
kv redis.dropin_present_reset "$([ -f "$DROPIN" ] && echo 1 || echo 0)"
run redis.verify2 ovc verify --profile redis --root $R --json
run redis.resetp ovc reset --persist --proc /proc --root $R --json
readk
kv redis.kernel_resetp "$K"
kv redis.dropin_present_resetp "$([ -f "$DROPIN" ] && echo 1 || echo 0)"
run redis.verify3 ovc verify --profile redis --root $R --json
kv t.redis "$(uptime_cs)"

reset
kv end "$K"
out "PROFVM DONE"
sync
poweroff -f
sleep 5
