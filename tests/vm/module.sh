# tests/vm/module.sh - sourced by the VM runners: stage_audit_module STAGE BIN... puts
# ovc's audit module (build/audit.so beside each BIN, with the libraries ldd names for
# it) into the initramfs STAGE at the path compiled into BIN (PKGLIBDIR/audit.so, see
# src/sys/audit.h), as `make install` would. A sanitizer build links the audit code in
# and names no module: nothing to stage. Returns 1 when a module is named but missing.
# shellcheck shell=bash

stage_audit_module() {
	local stage=$1 b mod dest l
	shift
	for b in "$@"; do
		dest=$(grep -ao '/[[:alnum:]/._+-]*/ovc/audit\.so' "$b" | head -n1 || true)
		[ -n "$dest" ] || continue
		mod=$(dirname "$b")/audit.so
		if [ ! -f "$mod" ]; then
			echo "stage_audit_module: $b loads $dest, but $mod is missing (make all)" >&2
			return 1
		fi
		mkdir -p "$stage$(dirname "$dest")"
		cp "$mod" "$stage$dest"
		for l in $(ldd "$mod" 2>/dev/null |
			awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u); do
			mkdir -p "$stage$(dirname "$l")"
			cp -L "$l" "$stage$l"
		done
	done
}
