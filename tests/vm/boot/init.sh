#!/bin/busybox sh
# shellcheck shell=dash
# /init of the boot-value guest (copied into its initramfs by tests/vm/boot/run). It
# runs the real systemd-sysctl, the real `sysctl --system`, `ovc verify` and `ovc persist`
# against this (the guest's) kernel and reports; every check happens on the host.
#
# Initramfs: /layouts/NAME is a chroot per layout (sysctl.d trees, the two tools with
# their libraries); /plan lists what to do, one step a line:
#   layout NAME                 apply NAME with each tool, then ovc verify --root
#   persist NAME ID ARGS...     ovc persist --root NAME ARGS, twice more (the second time
#                               with --proc /proc), then apply NAME as ID
#   refuse NAME ID ARGS...      ovc persist --root NAME ARGS, expected to refuse
# /tools.env sets SDSYSCTL and SYSCTL, the tools' paths inside each chroot.
#
# Data channel: /dev/ttyS1 (raw), as in tests/vm/init.sh:
#   BOOTVM KV name value...                  one value
#   BOOTVM BEGIN name / lines / BOOTVM END name rc=N     a file or a command's output
#   BOOTVM DONE                              the end
# The reset writes with shell builtins: it works whatever policy a tool left behind.

export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
exec 2>/dev/console
# shellcheck source=/dev/null
. /tools.env
# Sanitizer builds (make SANITIZE=1): report and fail loudly; harmless for the others.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

S=/proc/sys/vm
out() { printf '%s\n' "$*" >&3; }
kv() { out "BOOTVM KV $*"; }
emit() { # NAME RC FILE
	_e=$(cat "$3" 2>/dev/null)
	out "BOOTVM BEGIN $1"
	[ -n "$_e" ] && printf '%s\n' "$_e" >&3
	out "BOOTVM END $1 rc=$2"
}
# K = "mode ratio kbytes" as the kernel holds them. A sysctl file answers only a read at
# offset 0 (__do_proc_dointvec: *ppos && !write), so the shell's builtin read, which reads
# one byte at a time, sees one character: cat (a fork) it is. The layouts never leave a
# mode-2 limit too tight for that fork (the smallest is 2 0 300001 in 512 MiB).
readk() {
	# shellcheck disable=SC2046 # three numbers
	set -- $(cat $S/overcommit_memory $S/overcommit_ratio $S/overcommit_kbytes)
	K="${1:-unread} ${2:-unread} ${3:-unread}"
}
# the kernel defaults: mode 0 first (out of any mode 2), then ratio 50, which zeroes kbytes
reset() {
	echo 0 >$S/overcommit_memory
	echo 50 >$S/overcommit_ratio
	readk
}
uptime_cs() { read -r _u _ </proc/uptime; echo "${_u%.*}${_u#*.}"; }

# tool TAG LAYOUT NAME CMD...: reset, run CMD chrooted into LAYOUT, read back, reset
tool() {
	_tag=$1 _l=$2 _name=$3
	shift 3
	reset
	_reset=$K
	chroot "$_l" "$@" </dev/null >/tmp/o 2>/tmp/e
	_rc=$?
	readk
	_after=$K
	reset
	kv "$_tag.$_name.reset" "$_reset"
	kv "$_tag.$_name.kernel" "$_after"
	kv "$_tag.$_name.rc" "$_rc"
	kv "$_tag.$_name.reset_after" "$K"
	emit "$_tag.$_name.out" 0 /tmp/o
	emit "$_tag.$_name.err" 0 /tmp/e
}

# apply TAG LAYOUT: both tools, then ovc verify (the kernel back at 0/50/0)
apply() {
	_t0=$(uptime_cs)
	tool "$1" "$2" systemd "$SDSYSCTL"
	tool "$1" "$2" procps "$SYSCTL" --system
	/bin/ovc verify --root "$2" --json </dev/null >/tmp/o 2>/tmp/e
	_vrc=$?
	readk
	kv "$1.verify.kernel" "$K"
	emit "$1.verify" "$_vrc" /tmp/o
	emit "$1.verify.err" 0 /tmp/e
	kv "$1.ms" "$((($(uptime_cs) - _t0) * 10))"
}

# digest LAYOUT: every file, link and directory of the configuration, with its content
digest() {
	(
		cd "$1" || exit
		for d in etc run/sysctl.d usr/local/lib/sysctl.d usr/lib/sysctl.d lib/sysctl.d; do
			[ -e "$d" ] || continue
			find "$d" | sort | while read -r f; do
				if [ -L "$f" ]; then
					echo "$f -> $(readlink "$f")"
				elif [ -f "$f" ]; then
					echo "$f $(md5sum <"$f" | cut -d' ' -f1)"
				else
					echo "$f/"
				fi
			done
		done
	)
}

PFILE=etc/sysctl.d/99-zz-ovc.conf
# persistrun NAME LAYOUT ARGS...: ovc persist --root LAYOUT ARGS --json
persistrun() {
	_n=$1 _l=$2
	shift 2
	reset
	/bin/ovc persist --root "$_l" "$@" --json </dev/null >/tmp/o 2>/tmp/e
	_prc=$?
	readk
	kv "$_n.kernel" "$K"
	emit "$_n.out" "$_prc" /tmp/o
	emit "$_n.err" 0 /tmp/e
	if [ -e "$_l/$PFILE" ]; then
		kv "$_n.file_md5" "$(md5sum <"$_l/$PFILE" | cut -d' ' -f1)"
		kv "$_n.file_inode" "$(stat -c %i "$_l/$PFILE")"
		emit "$_n.file" 0 "$_l/$PFILE"
	else
		kv "$_n.file_md5" none
		kv "$_n.file_inode" none
	fi
}

out "BOOTVM START"
kv uname "$(uname -r)"
kv cmdline "$(cat /proc/cmdline)"
kv tools "$SDSYSCTL $SYSCTL"
for L in /layouts/*; do
	mknod "$L/dev/null" c 1 3 2>/dev/null
	mount -t proc proc "$L/proc" || kv "mount_failed.${L##*/}" 1
done
reset
kv start "$K"

while read -r step name id args; do
	L=/layouts/$name
	case $step in
	layout)
		apply "$name" "$L"
		;;
	persist)
		# shellcheck disable=SC2086 # ARGS are words
		persistrun "$id.p1" "$L" $args
		# shellcheck disable=SC2086
		persistrun "$id.p2" "$L" $args
		# shellcheck disable=SC2086
		persistrun "$id.p3" "$L" $args --proc /proc
		digest "$L" >/tmp/d
		emit "$id.digest" 0 /tmp/d
		apply "$id" "$L"
		;;
	refuse)
		digest "$L" >/tmp/d0
		emit "$id.digest_before" 0 /tmp/d0
		# shellcheck disable=SC2086
		persistrun "$id.p1" "$L" $args
		digest "$L" >/tmp/d
		emit "$id.digest_after" 0 /tmp/d
		;;
	esac
done </plan

reset
kv end "$K"
out "BOOTVM DONE"
sync
poweroff -f
sleep 5
