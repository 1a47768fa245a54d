#!/bin/busybox sh
# shellcheck shell=dash
# /init of the audit test guest (copied into its initramfs by tests/vm/audit/run). It
# only runs auditvm and dmesg and reports; every check happens on the host.
#
# Kernel command line: ovca.boot=on|off|default (the host adds audit=1, audit=0 or
# nothing). Data channel: /dev/ttyS1, as in tests/vm/init.sh:
#   AUDITVM BEGIN name / ...output... / AUDITVM END name rc=N, then AUDITVM DONE.

export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
exec 2>/dev/console

out() { printf '%s\n' "$*" >&3; }
block() { # NAME CMD...
	_n=$1
	shift
	_o=$("$@" 2>&1)
	_rc=$?
	out "AUDITVM BEGIN $_n"
	[ -n "$_o" ] && printf '%s\n' "$_o" >&3
	out "AUDITVM END $_n rc=$_rc"
}

boot=unknown
# shellcheck disable=SC2013 # words, not lines
for w in $(cat /proc/cmdline); do
	case $w in ovca.boot=*) boot=${w#*=} ;; esac
done
out "AUDITVM START $boot"
block cmdline cat /proc/cmdline
block uname uname -r

A=/bin/auditvm
case $boot in
on)
	# First, so that printk's rate limit (10 per 5 s) has not been used up.
	block send $A send --listen set vm.overcommit_ratio 50 80 success
	block kmsg1 sh -c 'dmesg | grep "type=1111"'
	block enabled $A enabled
	block inject $A send --listen set vm.overcommit_ratio 50 "80 res=success" failed
	block nocap $A send --listen --no-cap set vm.overcommit_ratio 50 81 success
	block nobody $A send --listen --uid 65534 set vm.overcommit_ratio 50 82 success
	block raw_open_nocap $A rawsend open-nocap
	block raw_send_nocap $A rawsend send-nocap
	block userns $A send --listen --userns set vm.overcommit_ratio 50 83 success
	block userns_enabled $A enabled --userns
	block pidns $A send --listen --pidns set vm.overcommit_ratio 50 84 success
	block pidns_enabled $A enabled --pidns
	block netns $A send --listen --netns set vm.overcommit_ratio 50 85 success
	block nocontrol_enabled $A enabled --no-control
	block disable $A set-enabled 0
	block disabled_enabled $A enabled
	block disabled_send $A send --listen set vm.overcommit_ratio 50 86 success
	block enable $A set-enabled 1
	block reenabled_enabled $A enabled
	block reenabled_send $A send --listen set vm.overcommit_ratio 50 87 success
	;;
off)
	block enabled $A enabled
	block send $A send set vm.overcommit_ratio 50 80 success
	block kmsg sh -c 'dmesg | grep "audit:"'
	;;
default)
	block enabled $A enabled
	block send $A send --listen set vm.overcommit_ratio 50 80 success
	;;
esac
block kmsg_all sh -c 'dmesg | grep -E "audit|type=1111"'
out "AUDITVM DONE"
sync
poweroff -f
sleep 5
