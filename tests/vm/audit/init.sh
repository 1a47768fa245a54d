#!/bin/busybox sh
# shellcheck shell=dash
# /init of the audit test guest (copied into its initramfs by tests/vm/audit/run). It
# only runs auditvm, ovc and dmesg and reports; every check happens on the host.
#
# Kernel command line: ovca.boot=on|off|default (the host adds audit=1, audit=0 or
# nothing). Data channel: /dev/ttyS1, as in tests/vm/init.sh:
#   AUDITVM BEGIN name / ...output... / AUDITVM END name rc=N, then AUDITVM DONE.
#
# `ovc set` runs (ovcrun): /bin/ovc is the host's --ovc build (with its ldd libraries).
# Each run emits four blocks: NAME.out (ovc's stdout, END rc = ovc's exit status),
# NAME.err (its stderr), NAME.recs (every record `auditvm listen` received from
# AUDIT_NLGRP_READLOG while ovc ran: "type=N text" lines; NO_LISTENER in the off guest,
# which has no audit socket) and NAME.meta: "pid" of ovc, the sysctls "before" and
# "after" ("mode ratio kbytes", read with cat), "ms" = ovc's run time (10 ms steps),
# "listener_pid" (with audit=1 its own bind() to the group is logged: a SYSCALL, PROCTITLE
# and EOE record of that pid reach it; the host sets them aside), "listener_ready", "listener_alive" (the listener was still listening LISTEN_GRACE_US
# after ovc exited, so no record of ovc's can have been missed for lack of time),
# "listener_rc".

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
# Sanitizer builds (make SANITIZE=1): report and fail loudly; harmless for the others.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
S=/proc/sys/vm
LISTEN_MS=2000
LISTEN_GRACE_US=300000
LISTEN=1
sysctls() { echo "$(cat $S/overcommit_memory) $(cat $S/overcommit_ratio) $(cat $S/overcommit_kbytes)"; }
uptime_cs() { read -r _u _ </proc/uptime; echo "${_u%.*}${_u#*.}"; }   # centiseconds
emit() { # NAME RC FILE
	_e=$(cat "$3" 2>/dev/null)
	out "AUDITVM BEGIN $1"
	[ -n "$_e" ] && printf '%s\n' "$_e" >&3
	out "AUDITVM END $1 rc=$2"
}
ovcrun() { # NAME CMD... (an ovc command line, possibly behind auditvm exec-...)
	_n=$1
	shift
	_before=$(sysctls)
	rm -f /tmp/rec /tmp/rec.ready /tmp/out /tmp/err
	_ready=no _alive=no _lrc=none _lp=none
	if [ $LISTEN = 1 ]; then
		$A listen $LISTEN_MS >/tmp/rec 2>/tmp/rec.ready &
		_lp=$!
		_i=0
		while [ $_i -lt 250 ]; do
			grep -q '^listening$' /tmp/rec.ready 2>/dev/null && { _ready=yes; break; }
			kill -0 "$_lp" 2>/dev/null || break
			usleep 20000
			_i=$((_i + 1))
		done
	else
		echo NO_LISTENER >/tmp/rec
	fi
	_t0=$(uptime_cs)
	"$@" >/tmp/out 2>/tmp/err &
	_p=$!
	wait $_p
	_rc=$?
	_t1=$(uptime_cs)
	if [ $LISTEN = 1 ]; then
		usleep $LISTEN_GRACE_US
		kill -0 "$_lp" 2>/dev/null && _alive=yes
		wait "$_lp"
		_lrc=$?
	fi
	printf 'pid %s\nbefore %s\nafter %s\nms %s\nlistener_pid %s\nlistener_ready %s\nlistener_alive %s\nlistener_rc %s\n' \
		"$_p" "$_before" "$(sysctls)" "$(((_t1 - _t0) * 10))" "$_lp" "$_ready" "$_alive" "$_lrc" >/tmp/meta
	emit "$_n.out" "$_rc" /tmp/out
	emit "$_n.err" 0 /tmp/err
	emit "$_n.recs" 0 /tmp/rec
	emit "$_n.meta" 0 /tmp/meta
}
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
	# ovc set itself (the guest starts in mode 0, ratio 50, kbytes 0).
	block capswrap $A exec-without-audit-write -- /bin/grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status
	ovcrun set_on /bin/ovc set --mode 1 --audit=on --json
	ovcrun set_auto /bin/ovc set --mode 0 --ratio 80 --json
	ovcrun set_again /bin/ovc set --mode 0 --ratio 80 --json
	ovcrun set_off /bin/ovc set --mode 1 --audit=off --json
	ovcrun nocap_auto $A exec-without-audit-write -- /bin/ovc set --mode 0 --json
	ovcrun nocap_on $A exec-without-audit-write -- /bin/ovc set --mode 1 --audit=on --json
	# ovc's audit module gone (a broken install; a sanitizer build has none to lose)
	MOD=$(ls /usr/local/lib/ovc/audit.so /usr/lib/ovc/audit.so 2>/dev/null | head -n1)
	if [ -n "$MOD" ]; then
		mv "$MOD" /tmp/audit.so.away
		ovcrun nomod_on /bin/ovc set --mode 1 --audit=on --json
		ovcrun nomod_auto /bin/ovc set --mode 1 --json
		mv /tmp/audit.so.away "$MOD"
	fi
	;;
off)
	block enabled $A enabled
	block send $A send set vm.overcommit_ratio 50 80 success
	block kmsg sh -c 'dmesg | grep "audit:"'
	LISTEN=0   # audit=0: no NETLINK_AUDIT socket to listen on
	ovcrun set_on /bin/ovc set --mode 1 --audit=on --json
	ovcrun set_auto /bin/ovc set --mode 1 --json
	;;
default)
	block enabled $A enabled
	block send $A send --listen set vm.overcommit_ratio 50 80 success
	ovcrun set_on /bin/ovc set --mode 1 --audit=on --json
	ovcrun set_auto /bin/ovc set --mode 1 --json
	;;
esac
block kmsg_all sh -c 'dmesg | grep -E "audit|type=1111"'
out "AUDITVM DONE"
sync
poweroff -f
sleep 5
