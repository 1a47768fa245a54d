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
#   ovcvm.phases=set,guard,rofs what to do after the walk (any subset):
#     set    `ovc set` through ovcvm.steps, each step: what-if simulate, set,
#            sysctl read-back, meminfo, the same set again (must be a no-op)
#     guard  the guard proof: a tight kbytes refused (exit 3), then forced and
#            fork/exec as uid 65534 tried by forkexec (which also restores
#            mode 0 itself: nothing here may fork while the limit is tight);
#            the smallest kbytes the guard accepts (from a --dry-run's room),
#            fork/exec there, and forkexec --search for the kbytes at which
#            fork/exec as uid 65534 really starts to fail
#     rofs   `ovc set` in a mount namespace (busybox unshare -m) where all of
#            /proc/sys, or one overcommit file, is bind-mounted read-only:
#            EROFS, exit 5, and the rollback of what was already written
#   ovcvm.steps=m2r80,k400001,m1  the set steps: mN = --mode N, rN = --ratio
#                               N, kN = --kbytes N, combined in one step; a
#                               leading p adds --proc /proc --root /tmp/ovcroot
#                               (procfs under an explicit --proc is still the
#                               live kernel: the lock under /tmp/ovcroot)
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
P_phases=
P_steps=
# shellcheck disable=SC2013 # words, not lines
for w in $(cat /proc/cmdline); do
	case $w in
	ovcvm.config=*) P_config=${w#*=} ;;
	ovcvm.swap_kb=*) P_swap_kb=${w#*=} ;;
	ovcvm.settings=*) P_settings=${w#*=} ;;
	ovcvm.phases=*) P_phases=${w#*=} ;;
	ovcvm.steps=*) P_steps=${w#*=} ;;
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

# stamp NAME: the guest's uptime (a builtin read, no fork), for the host's timing note
stamp() {
	read -r _up _ </proc/uptime
	kv "t.$1" "$_up"
}
stamp walk.start
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
stamp walk.end

# ------------------------------------------------------------- ovc set ----
# Everything below runs ovc through the ovc function (ovc-never in mode 2),
# except where a command line is handed to another program (forkexec,
# unshare): there ovc_bin picks the binary the same way, beforehand.
has_phase() { case ",$P_phases," in *",$1,"*) return 0 ;; esac; return 1; }
sysctls() { block "$1" sh -c "cd $V && grep . overcommit_memory overcommit_ratio overcommit_kbytes admin_reserve_kbytes user_reserve_kbytes"; }
ovc_bin() {
	if [ -x /bin/ovc-never ] && [ "$(cat $V/overcommit_memory)" = 2 ]; then
		OB=/bin/ovc-never
	else
		OB=/bin/ovc
	fi
}
# step_args m2r80 -> SA="--mode 2 --ratio 80"; SIMA: the same for simulate (which
# takes --proc but has no lock, so no --root)
step_args() {
	SA='' SIMA='' _s=$1
	while [ -n "$_s" ]; do
		case $_s in
		p*)
			SA="$SA --proc /proc --root /tmp/ovcroot" SIMA="$SIMA --proc /proc"
			_s=${_s#p}
			continue
			;;
		m*) _k=--mode ;;
		r*) _k=--ratio ;;
		k*) _k=--kbytes ;;
		*) SA=BAD; return 1 ;;
		esac
		_s=${_s#?}
		_v=${_s%%[mrk]*}
		_s=${_s#"$_v"}
		SA="$SA $_k $_v" SIMA="$SIMA $_k $_v"
	done
}
# jnum KEY: the first "KEY": N in the last block's output ($_o)
jnum() { printf '%s\n' "$_o" | sed -n "s/.*\"$1\": *\([0-9-]*\).*/\1/p" | head -1; }

if has_phase set; then
	mkdir -p /tmp/ovcroot
	sysctls set.start.sysctl
	i=0
	for st in $(echo "$P_steps" | tr , ' '); do
		i=$((i + 1))
		t=set.$i
		step_args "$st"
		kv "$t.step" "$st"
		# shellcheck disable=SC2086 # SA is a word list
		block "$t.sim" ovc simulate --json $SIMA
		# shellcheck disable=SC2086
		block "$t.set" ovc set --json $SA
		sysctls "$t.sysctl"
		block "$t.meminfo" cat /proc/meminfo
		# shellcheck disable=SC2086
		block "$t.set2" ovc set --json $SA
	done
	kv set.ovcroot_lock "$([ -f /tmp/ovcroot/run/ovc/lock ] && echo 1 || echo 0)"
	kv set.default_lock "$([ -f /run/ovc/lock ] && echo 1 || echo 0)"
	stamp set.end
fi

if has_phase guard; then
	# From a roomy mode 2, to a kbytes between Committed_AS and Committed_AS +
	# the admin reserve: root (CAP_SYS_ADMIN, no admin reserve) keeps about half
	# the reserve, an unprivileged process has less than nothing.
	block guard.roomy ovc set --json --mode 2 --ratio 80
	ca=$(awk '$1 == "Committed_AS:" {print $2}' /proc/meminfo)
	adm=$(cat $V/admin_reserve_kbytes)
	kt=$(((ca + adm / 2) / 4 * 4))
	kv guard.committed_as_kb "$ca"
	kv guard.admin_reserve_kb "$adm"
	kv guard.tight_kb "$kt"
	sysctls guard.pre.sysctl
	block guard.refused ovc set --json --mode 2 --kbytes "$kt"
	sysctls guard.refused.sysctl
	# Forced: forkexec forks its uid-65534 tester first, then runs a root
	# shell that runs ovc set --force and then tries to fork a subshell and to
	# fork+exec a program (a failed fork ends that shell, not /init); then
	# forkexec syncs the per-CPU counters, lets the tester fork+exec 5 times,
	# tries 5 times itself as root, writes 0 to overcommit_memory and only
	# then reports. (Nothing else may fork in between: busybox sh exits when
	# a fork fails, and it is /init.)
	ovc_bin
	# shellcheck disable=SC2016 # expanded by the inner sh
	block guard.force forkexec --as-user 65534 --root -n 5 --sync --restore-mode 0 \
		--cmd-out /tmp/guard.force.out --cmd-err /tmp/guard.force.err -- \
		/bin/sh -c '"$0" set --json --mode 2 --kbytes "$1" --force
			r=$?
			echo "ovc_rc=$r" >&2
			(exit 0) && echo root_shell_subshell=ok >&2
			/bin/allocmax --max 4096 >/dev/null && echo root_shell_exec=ok >&2
			exit $r' "$OB" "$kt"
	echo 0 >$V/overcommit_memory # a builtin: no fork, in case forkexec could not
	block guard.force.set cat /tmp/guard.force.out
	block guard.force.cmderr cat /tmp/guard.force.err
	sysctls guard.force.after.sysctl

	# The boundary: room_after_kb grows page for page with kbytes (above 0),
	# so one dry run at a roomy kbytes gives the smallest accepted one.
	block guard.back ovc set --json --mode 2 --ratio 80
	kp=400000
	block guard.probe.dry ovc set --json --dry-run --mode 2 --kbytes "$kp"
	room=$(jnum room_after_kb)
	margin=$(jnum margin_kb)
	kmin=0
	[ -n "$room" ] && [ -n "$margin" ] && kmin=$((kp + margin - room))
	kv guard.min_kb "$kmin"
	block guard.below.dry ovc set --json --dry-run --mode 2 --kbytes "$((kmin - 4))"
	block guard.min.dry ovc set --json --dry-run --mode 2 --kbytes "$kmin"
	block guard.min.set ovc set --json --mode 2 --kbytes "$kmin"
	sysctls guard.min.sysctl
	block guard.min.meminfo cat /proc/meminfo
	block guard.min.user forkexec --as-user 65534 -n 5
	block guard.min.user.alloc forkexec --as-user 65534 -n 5 --alloc-kb 4096
	# Where fork+exec as uid 65534 really stops working, to the page.
	block guard.search forkexec --search "$kt" "$kmin" --as-user 65534 -n 1 --restore-mode 0
	echo 0 >$V/overcommit_memory
	block guard.end ovc set --json --mode 0 --ratio 50
	sysctls guard.end.sysctl
	stamp guard.end
fi

if has_phase rofs; then
	# ro NAME PATH ARGS...: ovc set ARGS in a new mount namespace in which
	# PATH (/proc/sys or one file in it) is bind-mounted read-only.
	ro() {
		_rn=$1 _rp=$2
		shift 2
		ovc_bin
		# shellcheck disable=SC2016 # expanded by the inner sh
		block "$_rn" unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"' \
			ro "$_rp" "$OB" set --json "$@"
	}
	block rofs.start ovc set --json --mode 0 --ratio 50
	sysctls rofs.all.pre.sysctl
	ro rofs.all /proc/sys --mode 2 --ratio 80
	sysctls rofs.all.sysctl
	ro rofs.mode $V/overcommit_memory --mode 2 --kbytes 393216
	sysctls rofs.mode.sysctl
	block rofs.modek.prep ovc set --json --mode 0 --kbytes 400001
	ro rofs.modek $V/overcommit_memory --mode 2 --ratio 80
	sysctls rofs.modek.sysctl
	block rofs.ratio.prep ovc set --json --mode 2 --kbytes 393216
	ro rofs.ratio $V/overcommit_ratio --mode 0 --ratio 50
	sysctls rofs.ratio.sysctl
	block rofs.ratio.meminfo cat /proc/meminfo
	block rofs.end ovc set --json --mode 0 --ratio 50
	sysctls rofs.end.sysctl
	stamp rofs.end
fi

block final.meminfo cat /proc/meminfo
finish
