# tests/vm/stage.sh - sourced by the VM runners that boot one initramfs (tests/vm/top/run,
# tests/vm/cgroup/run): the kernel of tests/vm/run's cache and the common part of an
# initramfs. tests/vm/run itself fetches the kernel (apt-get download, dpkg -x; it also
# leaves brd.ko, decompressed, beside it) and these functions only reuse what it left.
#
#   vm_kernel CACHE LOG     -> the path of vmlinuz in CACHE (build/vm-cache); when there
#                              is none, runs `tests/vm/run --only ''` once (output in LOG)
#                              to fetch it; prints nothing if that failed too
#   vm_brd VMLINUZ          -> the path of brd.ko tests/vm/run left beside that kernel,
#                              or nothing
#   vm_busybox              -> a static busybox on this host, or nothing
#   vm_stage_base STAGE BUSYBOX NAME=BIN...
#                           -> STAGE/{bin,lib,proc,sys,dev,tmp,etc,mnt}: busybox and its
#                              applet links, /etc/passwd and group (root, nobody), each
#                              BIN as bin/NAME with every library ldd names and the audit
#                              module (module.sh); returns 1 on a missing module
#   vm_pack STAGE INITRD    -> the cpio newc archive of STAGE, gzip -1
# shellcheck shell=bash
# shellcheck source=tests/vm/module.sh
. "$(dirname "${BASH_SOURCE[0]}")/module.sh"

vm_find_kernel() {
	# shellcheck disable=SC2012 # a fixed, simple name pattern
	ls "$1"/linux-image-6.1.0-*-cloud-amd64/x/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1
}

vm_kernel() {
	local k
	k=$(vm_find_kernel "$1")
	if [ -z "$k" ]; then
		tests/vm/run --only '' >"$2" 2>&1
		k=$(vm_find_kernel "$1")
	fi
	echo "$k"
}

vm_brd() {
	local f
	f=$(dirname "$(dirname "$(dirname "$1")")")/brd.ko
	[ -s "$f" ] && echo "$f"
}

vm_busybox() {
	local b
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x $b ] && ! ldd $b >/dev/null 2>&1; then echo $b; return; fi
	done
}

vm_stage_base() {
	local stage=$1 busybox=$2 a b l bins=()
	shift 2
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,lib,proc,sys,dev,tmp,etc,mnt}
	cp "$busybox" "$stage/bin/busybox"
	for a in $("$busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$stage/bin/$a"
	done
	echo 'root:x:0:0:root:/:/bin/sh' >"$stage/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$stage/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
	for a in "$@"; do
		b=${a#*=}
		bins+=("$b")
		cp "$b" "$stage/bin/${a%%=*}"
		for l in $(ldd "$b" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u); do
			mkdir -p "$stage$(dirname "$l")"
			cp -L "$l" "$stage$l"
		done
	done
	stage_audit_module "$stage" "${bins[@]}"
}

vm_pack() {
	(cd "$1" && find . -print0 | cpio --null -o -H newc --owner=0:0 --quiet | gzip -1) >"$2"
}
