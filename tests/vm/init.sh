#!/bin/busybox sh
# /init of the ovc kernel-test guest (copied into the initramfs by
# tests/vm/run). It only gathers data; every comparison happens on the host.
#
# Parameters come from the kernel command line (they are ignored by the
# kernel because they contain a dot):
#   ovcvm.config=NAME           label, echoed back
#   ovcvm.swap_kb=KIB           if set: insmod brd.ko rd_nr=1 rd_size=KIB,
#                               mkswap + swapon /dev/ram0
#   ovcvm.settings=r80,k262144  overcommit settings to walk: rN = ratio N,
#                               kN = kbytes N
#
# Data channel: /dev/ttyS1 (qemu's second serial port, a file on the host),
# so kernel console messages on ttyS0 can never interleave with the data.
# Format: "OVCVM KV key value" lines and blocks
#   OVCVM BEGIN name
#   ...raw output (JSON, meminfo, allocmax line)...
#   OVCVM END name rc=N
# A block "name.stderr" follows a block whose command wrote to stderr.
# The last line is "OVCVM DONE".
#
# Sysctl writes: every value is written with ONE write at offset 0 (busybox
# echo emits "80\n" in a single write(2)); values are read back with cat.
# Writing overcommit_kbytes zeroes overcommit_ratio and vice versa.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp

stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
# Anything unexpected on stderr goes to the console (ttyS0, host log).
exec 2>/dev/console

out() { printf '%s\n' "$*" >&3; }
kv() { out "OVCVM KV $1 $2"; }

# block NAME CMD... : run CMD, emit its stdout framed, stderr as NAME.stderr.
# Output is captured first so a missing final newline cannot glue the END
# marker to the data.
block() {
	_n=$1
	shift
	_o=$("$@" 2>/tmp/stderr)
	_rc=$?
	out "OVCVM BEGIN $_n"
	[ -n "$_o" ] && printf '%s\n' "$_o" >&3
	out "OVCVM END $_n rc=$_rc"
	if [ -s /tmp/stderr ]; then
		out "OVCVM BEGIN $_n.stderr"
		cat /tmp/stderr >&3
		out "OVCVM END $_n.stderr rc=0"
	fi
	rm -f /tmp/stderr
	return $_rc
}

# ovc: /bin/ovc, except in mode 2 where /bin/ovc-never is used if present. An ASan
# build cannot start in mode 2 (its multi-TiB MAP_NORESERVE shadow is charged there:
# mode 2 ignores MAP_NORESERVE), so the sanitizer pass brings a UBSan-only build for it.
ovc() {
	if [ -x /bin/ovc-never ] && [ "$(cat /proc/sys/vm/overcommit_memory)" = 2 ]; then
		/bin/ovc-never "$@"
	else
		/bin/ovc "$@"
	fi
}

finish() {
	out "OVCVM DONE"
	sync
	poweroff -f
	sleep 5
}

P_config=unknown
P_swap_kb=
P_settings=
# shellcheck disable=SC2013 # words, not lines
for w in $(cat /proc/cmdline); do
	case $w in
	ovcvm.config=*) P_config=${w#*=} ;;
	ovcvm.swap_kb=*) P_swap_kb=${w#*=} ;;
	ovcvm.settings=*) P_settings=${w#*=} ;;
	esac
done

V=/proc/sys/vm
out "OVCVM START $P_config"
kv config "$P_config"
kv kernel "$(uname -r)"
kv cpus_present "$(cat /sys/devices/system/cpu/present)"
kv cpus_online "$(cat /sys/devices/system/cpu/online)"
kv cpus_possible "$(cat /sys/devices/system/cpu/possible)"
kv cmdline "$(cat /proc/cmdline)"
kv ovc_present "$([ -x /bin/ovc ] && echo 1 || echo 0)"

if [ -n "$P_swap_kb" ]; then
	block swap.insmod insmod /lib/brd.ko rd_nr=1 "rd_size=$P_swap_kb"
	block swap.mkswap mkswap /dev/ram0
	block swap.swapon swapon /dev/ram0
	block swap.proc cat /proc/swaps
fi

block base.meminfo cat /proc/meminfo
block base.sysctl sh -c "cd $V && grep . overcommit_memory overcommit_ratio overcommit_kbytes admin_reserve_kbytes user_reserve_kbytes nr_hugepages"
block base.sim ovc simulate --json

for s in $(echo "$P_settings" | tr , ' '); do
	case $s in
	r*) val=${s#r} file=overcommit_ratio opt=--ratio ;;
	k*) val=${s#k} file=overcommit_kbytes opt=--kbytes ;;
	*) out "OVCVM KV bad_setting $s"; continue ;;
	esac

	# What-if, BEFORE the value is applied.
	block "$s.whatif" ovc simulate --json "$opt" "$val"
	if [ "$opt" = --kbytes ] && [ $((val % 1024)) -eq 0 ]; then
		block "$s.whatifM" ovc simulate --json --kbytes "$((val / 1024))M"
	fi

	wrc=0
	echo "$val" > "$V/$file" || wrc=1
	kv "$s.write_rc" "$wrc"
	block "$s.sysctl" sh -c "cd $V && grep . overcommit_memory overcommit_ratio overcommit_kbytes admin_reserve_kbytes user_reserve_kbytes nr_hugepages"

	for m in 0 1 2; do
		t=$s.m$m
		wrc=0
		echo "$m" > "$V/overcommit_memory" || wrc=1
		kv "$t.write_rc" "$wrc"
		kv "$t.mode" "$(cat $V/overcommit_memory)"
		block "$t.meminfo" cat /proc/meminfo
		block "$t.sim" ovc simulate --json

		variants="admin nonadmin user"
		[ "$m" = 2 ] && variants="$variants admin+sync nonadmin+sync user+sync"
		for v in $variants; do
			case $v in
			admin*) args= ;;
			nonadmin*) args=--drop-sys-admin ;;
			user*) args="--as-user 65534" ;;
			esac
			case $v in *+sync) args="--sync $args" ;; esac
			# shellcheck disable=SC2086
			block "$t.$v.alloc" allocmax $args
			r=$_o
			vm='' ca=''
			for f in $r; do
				case $f in
				vmsize_kb=*) vm=${f#*=} ;;
				committed_as_kb=*) ca=${f#*=} ;;
				esac
			done
			if [ -n "$vm" ] && [ -n "$ca" ]; then
				block "$t.$v.sim" ovc simulate --json --committed "${ca}K" --vmsize "${vm}K"
			fi
		done

		case $m in
		0) block "$t.probe" ovc probe --json ;;
		2) block "$t.probe" ovc probe --json --force ;;
		esac
	done
done

block final.meminfo cat /proc/meminfo
finish
