#!/usr/bin/env bats
# 51-export.bats - ovc profile export NAME --format sysctl|tuned|cloud-init|ansible, and
# contrib/cloud-init: every format checked by the real tool that reads it.
#
#   sysctl      procps "sysctl -p FILE" in a chroot over a plain-file fake proc tree (the
#               values, and the order of the writes under strace)
#   tuned       TuneD's own profile loader (tuned.profiles.Loader) and the locator that
#               "tuned-adm list" reads the summary with; no daemon, nothing applied (the
#               modules unpacked from Debian's package by make deps, not installed)
#   cloud-init  "cloud-init schema --config-file" (Debian's cloud-init, unpacked by make
#               deps); the file it writes applied by procps as above, and its bootcmd's
#               "sysctl -w" run in the chroot
#   ansible     "ansible-playbook --syntax-check" (the module must resolve: ansible.posix
#               comes with Debian's ansible package), then a real run of the tasks in a
#               private mount namespace where /proc/sys is read-only and sysctl is a
#               recorder that applies "-p FILE" to the fake tree in the chroot
# A fixture profile whose free text holds ": ", " #", quotes, a backslash, a tab, CR and
# U+2028 must come out of every YAML parser and of TuneD as ovc cleaned it.
#
# SAFETY: nothing here writes this machine's /proc/sys or /etc. The chroot's proc/sys/vm
# files are plain files inside $BATS_TEST_TMPDIR (checked before every run: not a mount
# point, not on procfs); the tools run chrooted in their own mount namespace. The
# ansible run sees /proc/sys read-only and /usr/sbin/sysctl replaced by the recorder
# (checked before it starts). teardown compares the host's three values with the start.
# The tool tests need root (chroot, unshare) and skip without it or without the tool.

load helpers/common

SHIPPED_REL=usr/local/share/ovc/profiles
PY=/usr/bin/python3   # Debian's python3, with python3-yaml and tuned's modules

setup_file() {
	HOST_VM_BEFORE=$(live_vm)
	export HOST_VM_BEFORE
}

setup() {
	use_host swap-hugetlb   # MemTotal 65837120, SwapTotal 8388604, Hugetlb 6291456 kB
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/sysctl.d" "$ROOT/$SHIPPED_REL" "$ROOT/etc/ovc/profiles"
	cp "$REPO_DIR"/profiles/*.profile "$ROOT/$SHIPPED_REL/"
	cp "$TESTS_DIR/fixtures/export/tricky.profile" "$ROOT/etc/ovc/profiles/"
	chmod -R go-w "$ROOT"
	chmod 644 "$ROOT/etc/ovc/profiles/tricky.profile"
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
}

teardown() {
	assert_equal "$(live_vm)" "$HOST_VM_BEFORE"
}

ex() { "$OVC" profile export "$@" --proc "$PROC" --root "$ROOT"; }

# the description of tricky.profile as every format must give it back: tab -> blank,
# CR and each byte of U+2028 -> '?'
TRICKY_DESC='Batch #2: "fast" \ '"'"'q'"'"' -- key: value # not a comment???x y?z {}[]&*!|>%@`'

need_root() { ((EUID == 0)) || no_tool "needs root (chroot, unshare)"; }

# ---- a chroot with procps' sysctl over a plain-file fake proc tree -----------------

mk_chroot() {
	local bin lib
	CH=$BATS_TEST_TMPDIR/chroot
	bin=$(command -v sysctl) || no_tool "no procps sysctl"
	mkdir -p "$CH/proc/sys/vm" "$CH/etc/sysctl.d" "$CH$(dirname "$bin")"
	cp -L "$bin" "$CH$bin"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$CH$(dirname "$lib")"
		cp -L "$lib" "$CH$lib"
	done
	SYSCTL_BIN=$bin
	fake_vm 0 50 0
}

fake_vm() {
	printf '%s\n' "$1" >"$CH/proc/sys/vm/overcommit_memory"
	printf '%s\n' "$2" >"$CH/proc/sys/vm/overcommit_ratio"
	printf '%s\n' "$3" >"$CH/proc/sys/vm/overcommit_kbytes"
}

chroot_vm() {
	echo "$(head -n1 "$CH/proc/sys/vm/overcommit_memory") $(head -n1 "$CH/proc/sys/vm/overcommit_ratio") $(head -n1 "$CH/proc/sys/vm/overcommit_kbytes")"
}

chroot_safe() {
	local f
	_inside_test_tmpdir "$CH/proc/sys/vm" || return 1
	! mountpoint -q "$CH/proc" || return 1
	for f in memory ratio kbytes; do
		f=$CH/proc/sys/vm/overcommit_$f
		[[ -f $f && ! -L $f && $(stat -f -c %T -- "$f") != proc ]] || return 1
	done
}

# in_chroot CMD...: run CMD chrooted in its own mount namespace; the O_WRONLY opens of
# proc/sys/vm files, in order, go to $W/order when strace is there
in_chroot() {
	chroot_safe || fail "SAFETY: $CH/proc/sys/vm is not a plain-file fake tree: refused"
	if command -v strace >/dev/null; then
		strace -f -qq -e trace=openat -e signal=none -o "$W/strace" \
			unshare --mount --propagation private chroot "$CH" "$@"
		grep -o 'proc/sys/vm/overcommit_[a-z]*", O_WRONLY' "$W/strace" |
			sed 's|.*overcommit_||; s|".*||' | paste -sd, - >"$W/order"
	else
		unshare --mount --propagation private chroot "$CH" "$@"
		: >"$W/order"
	fi
}

# Ansible refuses to start in the C locale the suite uses
ansible_playbook() { LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1 ansible-playbook "$@"; }

write_order_is() {
	command -v strace >/dev/null || return 0
	assert_equal "$(cat "$W/order")" "$1"
}

# ---- the command ------------------------------------------------------------------

@test "every shipped profile exports in every format; host-independent ones the same on any host" {
	local n f
	for n in "$REPO_DIR"/profiles/*.profile; do
		n=$(basename "$n" .profile)
		for f in sysctl tuned cloud-init ansible; do
			run -0 --separate-stderr ex "$n" --format "$f"
			[[ -z $stderr && -n $output ]] || fail "$n/$f: $stderr"
		done
		# the text is the same for any figures (the comments are common to the formats)
		run -0 ex "$n" --format ansible
		f=$output
		run -0 ex "$n" --format ansible --for-host mem=1G,swap=0
		assert_equal "$output" "$f"
	done
	run -0 ex redis   # sysctl is the default format
	assert_equal "$(grep -v '^#' <<<"$output")" "vm.overcommit_memory = 1"
}

@test "sysctl: the drop-in's keys and order; a foreign file to ovc at the drop-in's path" {
	run -0 ex strict
	assert_equal "$(grep -v '^#' <<<"$output")" "vm.overcommit_ratio = 100
vm.overcommit_memory = 2"
	run -0 ex kernel-default
	assert_equal "$(grep -v '^#' <<<"$output")" "vm.overcommit_memory = 0
vm.overcommit_ratio = 50"
	refute_line --partial 'Managed by ovc'
	refute_line --regexp '^# profile:'
	# a copy at the drop-in's path is not ovc's: persist refuses to replace it (exit 3)
	ex strict >"$ROOT/etc/sysctl.d/99-zz-ovc.conf"
	run -3 --separate-stderr ovc_w persist --proc "$PROC" --root "$ROOT" --mode 1 --dry-run
	[[ $stderr == *"not written by ovc"* || $stderr == *"did not write"* ]] || fail "$stderr"
}

@test "sysctl: procps sysctl -p applies it, limit before mode (chroot, fake tree)" {
	skip_under_valgrind "the real tool checks the format; these exports run under memcheck above"
	need_root
	mk_chroot
	ex postgresql >"$CH/etc/sysctl.d/98-overcommit.conf"
	run -0 in_chroot "$SYSCTL_BIN" -p /etc/sysctl.d/98-overcommit.conf
	assert_equal "$(chroot_vm)" "2 100 0"
	write_order_is "ratio,memory"
	# mode only: the limit knobs stay as the host has them
	fake_vm 0 80 0
	ex sparse-arrays >"$CH/etc/sysctl.d/98-overcommit.conf"
	run -0 in_chroot "$SYSCTL_BIN" -p /etc/sysctl.d/98-overcommit.conf
	assert_equal "$(chroot_vm)" "1 80 0"
	write_order_is "memory"
	# host-relative, for given figures: the number, and the comment that names them
	fake_vm 0 50 0
	ex tricky --for-host mem=64G,swap=8G >"$CH/etc/sysctl.d/98-overcommit.conf"
	run -0 in_chroot "$SYSCTL_BIN" -p /etc/sysctl.d/98-overcommit.conf
	assert_equal "$(head -n1 "$CH/proc/sys/vm/overcommit_kbytes") $(head -n1 "$CH/proc/sys/vm/overcommit_memory")" \
		"$((67108864 * 9 / 10 + 4194304 - 8388608)) 2"
	write_order_is "kbytes,memory"
}

@test "host-relative: this host's meminfo by default, --for-host or --mem/--swap otherwise; the comment says which" {
	local want=$((65837120 * 9 / 10 - 6291456 + 8388604 / 2 - 8388604)) flat
	run -0 ex tricky --json
	assert_json --argjson k "$want" '.host_relative == true and .request == {"mode": 2, "ratio": null, "kbytes": $k}'
	assert_json '.host == {"mem_kb": 65837120, "swap_kb": 8388604, "hugetlb_kb": 6291456, "given": false}'
	flat=$(jq -r .text <<<"$output" | sed -z 's/\n#   */ /g')
	[[ $flat == *"computed from MemTotal 65837120 kB, SwapTotal 8388604 kB and hugetlb 6291456 kB (read from $PROC/meminfo)"* ]] ||
		fail "figures not named: $flat"
	run -0 ex tricky --for-host mem=64G,swap=8G,hugetlb=1G
	assert_line "vm.overcommit_kbytes = $((67108864 * 9 / 10 - 1048576 + 4194304 - 8388608))"
	[[ $(sed -z 's/\n#   */ /g' <<<"$output") == *"and hugetlb 1048576 kB (given with --for-host)"* ]] || fail "$output"
	local a=$output
	run -0 ex tricky --mem 64G --swap 8G --hugetlb 1G
	assert_equal "$(grep -v '^#' <<<"$output")" "$(grep -v '^#' <<<"$a")"
	assert_output --partial "(given with --mem and --swap)"
	# a profile that is not host-relative does not read the host at all
	run -0 "$OVC" profile export strict --proc "$BATS_TEST_TMPDIR/nothing-here" --root "$ROOT"
}

@test "--json: profile, format, request, file and the text" {
	run -0 ex postgresql --format ansible --file /etc/sysctl.d/60-pg.conf --json
	assert_one_json_document
	assert_json --arg p "$ROOT/$SHIPPED_REL/postgresql.profile" '.profile == "postgresql" and .path == $p and .chain == ["postgresql", "strict"] and .format == "ansible"'
	assert_json '.host_relative == false and .host == null and .request == {"mode": 2, "ratio": 100, "kbytes": null}'
	assert_json '.file == "/etc/sysctl.d/60-pg.conf" and (.text | startswith("---\n")) and (.text | contains("sysctl_file: \"/etc/sysctl.d/60-pg.conf\""))'
	run -0 ex redis --format tuned --json
	assert_json '.file == null and .request == {"mode": 1, "ratio": null, "kbytes": null}'
	run -0 ex redis --format tuned
	assert_equal "$output" "$(ex redis --format tuned --json | jq -r .text)"
}

@test "errors: the documented exit codes" {
	run -2 --separate-stderr ex nosuch
	[[ $stderr == "ovc: no profile 'nosuch' in "* ]] || fail "$stderr"
	run -2 ex ../etc/passwd
	run -2 "$OVC" profile export --root "$ROOT"
	run -2 --separate-stderr ex strict --format yaml
	assert_equal "${stderr%%$'\n'*}" "ovc: invalid --format 'yaml': expected sysctl, tuned, cloud-init or ansible"
	run -2 ex strict --format sysctl --file /etc/sysctl.d/x.conf
	run -2 ex strict --format ansible --file relative.conf
	run -2 ex strict --format ansible --file '/etc/sysctl.d/a b.conf'
	run -2 ex strict --format ansible --file /etc/sysctl.d/x.txt
	run -2 ex strict --for-host mem=64G
	run -2 ex strict --for-host mem=64G,swap=1G,cpus=4
	run -2 ex strict --for-host mem=64G,swap=1G --mem 1G --swap 1G
	run -2 ex strict --mem 64G
	run -2 ex strict extra
	# a commit_limit not above the swap cannot be set: exit 6, as show
	printf '%s\n' "description = d" "reason = r" "source = s" "mode = 2" "commit_limit = swap" \
		>"$ROOT/etc/ovc/profiles/swaponly.profile"
	chmod 644 "$ROOT/etc/ovc/profiles/swaponly.profile"
	run -6 ex swaponly
	printf '%s\n' "description = d" "reason = r" "source = s" "mode = 7" \
		>"$ROOT/etc/ovc/profiles/bad.profile"
	chmod 644 "$ROOT/etc/ovc/profiles/bad.profile"
	run -6 ex bad
	chmod 664 "$ROOT/etc/ovc/profiles/bad.profile"
	run -4 ex bad
	run -0 "$OVC" profile export --help
	assert_line --partial 'export NAME'
}

# ---- the real tools ----------------------------------------------------------------

# cloud-init, unpacked from Debian's package by "make deps" (installed, its units would
# run at the next boot of a machine that finds a datasource), or an installed one
cloud_init_tool() {
	local r=${OVC_CLOUD_INIT_ROOT:-$REPO_DIR/build/deps/cloud-init}
	if [[ -d $r/usr/lib/python3/dist-packages/cloudinit ]]; then
		CLOUD_INIT=(env "PYTHONPATH=$r/usr/lib/python3/dist-packages" "$PY" -m cloudinit.cmd.main)
	elif command -v cloud-init >/dev/null; then
		CLOUD_INIT=(cloud-init)
	else
		no_tool "no cloud-init (make deps unpacks it in build/deps/cloud-init)"
	fi
}

cloud_init_schema() { "${CLOUD_INIT[@]}" schema --config-file "$1"; }

# TuneD's python modules: unpacked from Debian's package by "make deps" (installing the
# package would start the tuned daemon on a systemd host, and it retunes the machine,
# sysctls included), or an installed TuneD
tuned_modules() {
	local r=${OVC_TUNED_ROOT:-$REPO_DIR/build/deps/tuned}
	if [[ -d $r/usr/lib/python3/dist-packages/tuned && -f $r/etc/tuned/tuned-main.conf ]]; then
		TUNED_PATH=$r/usr/lib/python3/dist-packages
		TUNED_MAIN=$r/etc/tuned/tuned-main.conf
	elif "$PY" -c 'import tuned.profiles' 2>/dev/null && [[ -f /etc/tuned/tuned-main.conf ]]; then
		TUNED_PATH=
		TUNED_MAIN=/etc/tuned/tuned-main.conf
	else
		no_tool "no TuneD modules (make deps unpacks them in build/deps/tuned)"
	fi
}

@test "tuned: TuneD's loader reads the profile: summary, [sysctl] in order, the tricky description" {
	skip_under_valgrind "the real tool checks the format; these exports run under memcheck above"
	tuned_modules
	mkdir -p "$W/tuned/ovc-tricky" "$W/tuned/ovc-postgresql"
	ex tricky --format tuned --for-host mem=64G,swap=8G >"$W/tuned/ovc-tricky/tuned.conf"
	ex postgresql --format tuned >"$W/tuned/ovc-postgresql/tuned.conf"
	run -0 --separate-stderr "$PY" - "$W/tuned" "$TUNED_MAIN" "$TUNED_PATH" <<-'EOF'
		import json, sys
		if sys.argv[3]:
		    sys.path.insert(0, sys.argv[3])
		import tuned.profiles as p
		from tuned.utils.global_config import GlobalConfig
		from tuned.profiles.variables import Variables
		if sys.argv[3]:
		    assert p.__file__.startswith(sys.argv[3]), p.__file__
		loc = p.Locator([sys.argv[1]])
		def loader():
		    return p.Loader(loc, p.Factory(), p.Merger(), GlobalConfig(sys.argv[2]), Variables())
		out = {}
		for name in ("ovc-tricky", "ovc-postgresql"):
		    prof = loader().load([name])
		    out[name] = {"units": {k: list(u.options.items()) for k, u in prof.units.items()},
		                 "summary": loc.get_profile_attrs(name, ["summary"], [""])[2]}
		# both together, as "tuned-adm profile A B" merges them
		out["merged"] = list(loader().load(["ovc-tricky", "ovc-postgresql"]).units["sysctl"].options.items())
		print(json.dumps(out))
	EOF
	assert_json --argjson k "$((67108864 * 9 / 10 + 4194304 - 8388608))" '.["ovc-tricky"].units == {"sysctl": [["vm.overcommit_kbytes", ($k | tostring)], ["vm.overcommit_memory", "2"]]}'
	assert_json '.["ovc-postgresql"].units == {"sysctl": [["vm.overcommit_ratio", "100"], ["vm.overcommit_memory", "2"]]}'
	assert_json '.["ovc-postgresql"].summary == "PostgreSQL: never overcommit, so the OOM killer does not take the postmaster"'
	# TuneD ends a value at " #": the blank before a '#' is dropped, nothing else changes
	assert_json --arg d "${TRICKY_DESC// #/#}" '.["ovc-tricky"].summary == $d'
	assert_json '.merged | map(.[0]) | sort == ["vm.overcommit_kbytes", "vm.overcommit_memory", "vm.overcommit_ratio"]'
}

@test "cloud-init: cloud-init schema accepts every export; its file and its bootcmd applied in the chroot" {
	skip_under_valgrind "the real tool checks the format; these exports run under memcheck above"
	cloud_init_tool
	need_root
	local n
	for n in strict redis tricky kernel-default; do
		ex "$n" --format cloud-init --for-host mem=64G,swap=8G >"$W/$n.yaml"
		run -0 cloud_init_schema "$W/$n.yaml"
		assert_output "Valid cloud-config: $W/$n.yaml"
	done
	ex tricky --format cloud-init --for-host mem=64G,swap=8G --file /etc/sysctl.d/90-batch.conf >"$W/t.yaml"
	run -0 cloud_init_schema "$W/t.yaml"
	# what cloud-init will do with it, as its YAML parser reads it
	run -0 "$PY" - "$W/t.yaml" "$W" <<-'EOF'
		import json, sys, yaml
		d = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
		wf = d["write_files"]
		assert len(wf) == 1 and set(d) == {"write_files", "bootcmd"}, d
		open(sys.argv[2] + "/content", "w").write(wf[0]["content"])
		print(json.dumps({"path": wf[0]["path"], "owner": wf[0]["owner"],
		                  "permissions": wf[0]["permissions"], "bootcmd": d["bootcmd"]}))
	EOF
	local k=$((67108864 * 9 / 10 + 4194304 - 8388608))
	assert_json --arg k "vm.overcommit_kbytes=$k" '.path == "/etc/sysctl.d/90-batch.conf" and .owner == "root:root" and .permissions == "0644" and .bootcmd == [["cloud-init-per", "instance", "ovc-overcommit", "sysctl", "-w", $k, "vm.overcommit_memory=2"]]'
	# the file is the sysctl export, byte for byte, and its description survived YAML
	assert_equal "$(cat "$W/content")" "$(ex tricky --for-host mem=64G,swap=8G)"
	grep -qxF "# $TRICKY_DESC" "$W/content" || fail "description lost: $(cat "$W/content")"
	mk_chroot
	cp "$W/content" "$CH/etc/sysctl.d/90-batch.conf"
	run -0 in_chroot "$SYSCTL_BIN" -p /etc/sysctl.d/90-batch.conf
	assert_equal "$(chroot_vm)" "2 50 $k"
	write_order_is "kbytes,memory"
	# bootcmd, without cloud-init-per (its once-per-instance wrapper)
	fake_vm 0 50 0
	run -0 in_chroot "$SYSCTL_BIN" -w "vm.overcommit_kbytes=$k" vm.overcommit_memory=2
	assert_equal "$(chroot_vm)" "2 50 $k"
	write_order_is "kbytes,memory"
}

@test "ansible: --syntax-check resolves ansible.posix.sysctl; the YAML gives the tricky description back" {
	skip_under_valgrind "the real tool checks the format; these exports run under memcheck above"
	command -v ansible-playbook >/dev/null || no_tool "ansible-playbook is not installed"
	local n
	for n in strict redis tricky kernel-default; do
		ex "$n" --format ansible --for-host mem=64G,swap=8G >"$W/tasks-$n.yml"
	done
	printf -- '- hosts: localhost\n  gather_facts: false\n  tasks:\n' >"$W/play.yml"
	for n in strict redis tricky kernel-default; do
		printf '    - import_tasks: tasks-%s.yml\n' "$n" >>"$W/play.yml"
	done
	run -0 ansible_playbook --syntax-check -i localhost, "$W/play.yml"
	# a misspelt module would fail: the check does resolve it
	sed 's/ansible\.posix\.sysctl:/ansible.posix.sysctlx:/' "$W/tasks-redis.yml" >"$W/tasks-bad.yml"
	printf -- '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - import_tasks: tasks-bad.yml\n' >"$W/bad.yml"
	run -4 ansible_playbook --syntax-check -i localhost, "$W/bad.yml"
	run -0 "$PY" - "$W/tasks-tricky.yml" <<-'EOF'
		import json, sys, yaml
		print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))))
	EOF
	assert_json --arg d "ovc profile tricky: $TRICKY_DESC" '.[0].name == $d'
	assert_json '[.[0].block[] | .["ansible.posix.sysctl"] | [.name, .state, .value]] == [["vm.overcommit_ratio", "absent", null], ["vm.overcommit_kbytes", "present", "56203673"], ["vm.overcommit_memory", "present", "2"]]'
	assert_json '[.[0].block[] | .["ansible.posix.sysctl"].sysctl_file] | unique == ["/etc/sysctl.d/98-overcommit.conf"]'
}

@test "ansible: the tasks run for real against the fake tree (read-only /proc/sys, sysctl a recorder)" {
	skip_under_valgrind "the real tool checks the format; these exports run under memcheck above"
	command -v ansible-playbook >/dev/null || no_tool "ansible-playbook is not installed"
	need_root
	mk_chroot
	local conf=$CH/etc/sysctl.d/98-overcommit.conf rec=$W/recorder
	# an earlier export of another profile: kbytes must go, the mode line is rewritten
	printf 'vm.overcommit_memory=1\nvm.overcommit_kbytes=1000\n' >"$conf"
	fake_vm 1 0 1000
	ex postgresql --format ansible --file "$conf" >"$W/tasks.yml"
	printf -- '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - import_tasks: tasks.yml\n' >"$W/play.yml"
	mkdir -p "$rec"
	cat >"$rec/sysctl" <<-EOF
		#!/bin/bash
		# sysctl for the ansible run: records; reads the fake tree; applies -p FILE to it
		echo "\$*" >>"$W/calls"
		case "\$1 \$2" in
		"-e -n") head -n1 "$CH/proc/sys/\${3//.//}" ;;
		"-p $CH/"*) exec chroot "$CH" "$SYSCTL_BIN" -p "\${2#"$CH"}" ;;
		*) echo "recorder: refused: \$*" >&2; exit 99 ;;
		esac
	EOF
	chmod 755 "$rec/sysctl"
	chroot_safe || fail "SAFETY: unsafe chroot"
	run -0 unshare --mount --propagation private bash -c '
		set -e
		mount --bind -o ro /proc/sys /proc/sys
		mount --bind "$1/sysctl" "$2"
		[ ! -w /proc/sys/vm/overcommit_memory ] || { echo "SAFETY: /proc/sys writable"; exit 99; }
		cmp -s "$1/sysctl" "$2" || { echo "SAFETY: $2 is not the recorder"; exit 99; }
		cd "$3"
		PATH=$1:$PATH LC_ALL=C.UTF-8 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_NOCOLOR=1 \
			ansible-playbook -i localhost, -c local -e ansible_python_interpreter=/usr/bin/python3 play.yml
	' _ "$rec" "$SYSCTL_BIN" "$W"
	assert_output --regexp 'ok=3 +changed=3 +unreachable=0 +failed=0'
	assert_equal "$(cat "$conf")" "vm.overcommit_memory=2
vm.overcommit_ratio=100"
	assert_equal "$(chroot_vm)" "2 100 1000"   # plain files: no kernel zeroes kbytes here
	assert_equal "$(cat "$W/calls")" "-e -n vm.overcommit_kbytes
-e -n vm.overcommit_ratio
-p $conf
-e -n vm.overcommit_memory
-p $conf"
	# a second run changes nothing
	run -0 unshare --mount --propagation private bash -c '
		set -e
		mount --bind -o ro /proc/sys /proc/sys
		mount --bind "$1/sysctl" "$2"
		[ ! -w /proc/sys/vm/overcommit_memory ] || exit 99
		cd "$3"
		PATH=$1:$PATH LC_ALL=C.UTF-8 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_NOCOLOR=1 \
			ansible-playbook -i localhost, -c local -e ansible_python_interpreter=/usr/bin/python3 play.yml
	' _ "$rec" "$SYSCTL_BIN" "$W"
	assert_output --regexp 'ok=3 +changed=0 +unreachable=0 +failed=0'
}

# ---- contrib/cloud-init -------------------------------------------------------------

@test "contrib/cloud-init: every example passes cloud-init schema; its profile and its ovc commands work" {
	skip_under_valgrind "the real tool checks the format; these exports run under memcheck above"
	cloud_init_tool
	local f n=0
	for f in "$REPO_DIR"/contrib/cloud-init/*.yaml; do
		run -0 cloud_init_schema "$f"
		assert_output "Valid cloud-config: $f"
		n=$((n + 1))
	done
	((n >= 2)) || fail "fewer than two examples"
	# the files they write (the custom profile) and the ovc commands they run, as argv
	run -0 "$PY" - "$ROOT" "$REPO_DIR"/contrib/cloud-init/*.yaml <<-'EOF'
		import json, os, sys, yaml
		root, cmds = sys.argv[1], []
		for f in sys.argv[2:]:
		    d = yaml.safe_load(open(f, encoding="utf-8"))
		    for w in d.get("write_files", []):
		        assert w["path"].startswith("/etc/ovc/profiles/"), w["path"]
		        assert w["owner"] == "root:root" and w["permissions"] == "0644", w
		        p = root + w["path"]
		        open(p, "w").write(w["content"])
		        os.chmod(p, 0o644)
		    for c in d.get("bootcmd", []) + d.get("runcmd", []):
		        if c[:3] == ["cloud-init-per", "instance", c[2]]:
		            c = c[3:]
		        assert c[0] == "ovc", c
		        cmds.append(c[1:])
		print(json.dumps(cmds))
	EOF
	local cmds=$output i
	run -0 "$OVC" profile show batch-node --root "$ROOT" --proc "$PROC" --mem 64G --swap 8G --json
	assert_json '.computed.kbytes == 56203673 and .computed.mode == 2'   # ovc-profile(5)'s example
	for ((i = 0; i < $(jq length <<<"$cmds"); i++)); do
		mapfile -t argv < <(jq -r ".[$i][]" <<<"$cmds")
		case ${argv[0]} in
		profile)
			writer_args_safe --proc "$PROC" --root "$ROOT" || fail "unsafe"
			run -0 "$OVC" "${argv[@]}" --dry-run --proc "$PROC" --root "$ROOT"
			;;
		verify)
			run "$OVC" "${argv[@]}" --proc "$PROC" --root "$ROOT"
			((status == 0 || status == 1)) || fail "ovc ${argv[*]}: exit $status: $output"
			;;
		*) fail "unexpected ovc command: ${argv[*]}" ;;
		esac
	done
}
