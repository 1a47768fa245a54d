#!/usr/bin/env bats
# tests/19-memmap.bats - ovc check --memmap PATH [--memmap-mode r+|w+|c]: would an
# np.memmap of the size work at PATH, and where its writes stop. Paths are this host's
# (read only: ovc never creates the file), a --root tree, and tmpfs mounts made in a
# private mount namespace (root and unshare), never in this machine's own.

load helpers/common

setup() {
	use_host seed-24g-noswap
	D=$BATS_TEST_TMPDIR/data
	mkdir -p "$D"
}

mm() { jq -r ".memmap.$1" <<<"$output"; }

# statfs of a directory: f_type in hex, block size, free blocks, available blocks
fs_facts() { stat -f -c '%t %S %f %a' "$1"; }

# run ovc in a private mount namespace with a tmpfs of OPTS on $D
in_tmpfs() {
	local opts=$1
	shift
	[[ $(id -u) == 0 ]] || skip "a tmpfs mount needs root"
	command -v unshare >/dev/null || no_tool "unshare (util-linux) not found"
	unshare -m true 2>/dev/null || skip "no mount namespace here"
	local q
	q=$(printf '%q ' "$@")
	run --separate-stderr unshare -m sh -c "mount --make-rprivate / && mount -t tmpfs -o $opts none $(printf %q "$D") && exec $q"
}

@test "memmap: w+ on this host's disk directory: the file system as statfs states it, and it fits" {
	read -r ftype bsize bfree bavail < <(fs_facts "$D")
	run -0 --separate-stderr ovc check 1M --memmap "$D/a.dat" --json
	assert_one_json_document
	[[ $(mm path) == "$D/a.dat" ]]
	[[ $(mm fits) == true && $(mm limit_kb) == null && $(mm binding_limit) == none ]]
	[[ $(mm mode) == w+ && $(mm extends) == true && $(mm file_exists) == false ]]
	[[ $(printf '%x' "$(mm f_type)") == "$ftype" ]]
	[[ $(mm need_kb) == 1024 ]]
	# root may use the reserved blocks (f_bfree), others get f_bavail; the disk moves a little
	local want=$(( ($(id -u) == 0 ? bfree : bavail) * bsize / 1024 )) got
	got=$(mm free_kb)
	(( got > want - 65536 && got < want + 65536 )) || fail "free_kb $got, statfs says $want"
	# ovc never creates the file
	[[ ! -e $D/a.dat ]]
}

@test "memmap: the memmap decides the exit status: 30 GiB fails as malloc (24 GiB host) but fits on disk" {
	read -r _ bsize bfree _ < <(fs_facts "$D")
	(( bfree * bsize > 31 * 1024 ** 3 )) || skip "less than 31 GiB free on $D"
	run -0 --separate-stderr ovc check 30G --memmap "$D/big.dat" --json
	[[ $(jq -r .fits <<<"$output") == false ]]
	[[ $(mm fits) == true ]]
	run -1 --separate-stderr ovc check 30G
}

@test "memmap: larger than the free space: fs_space, stopped at what is free, with SIGBUS" {
	read -r _ bsize bfree bavail < <(fs_facts "$D")
	local free=$(( ($(id -u) == 0 ? bfree : bavail) * bsize ))
	run -1 --separate-stderr ovc check $(( free + 1024 ** 3 )) --memmap "$D/a.dat" --json
	[[ $(mm binding_limit) == fs_space && $(mm fits) == false && $(mm failure) == sigbus ]]
	local got=$(mm limit_kb) want=$(( free / 1024 ))
	(( got > want - 65536 && got < want + 65536 )) || fail "limit_kb $got, free $want"
	[[ $(jq -r '.memmap.advice[].action' <<<"$output") == free_space ]]
}

@test "memmap: ulimit -f stops the extending write (EFBIG), and r+ of a file already long enough is not stopped" {
	run -1 --separate-stderr bash -c "ulimit -f 1024; exec $(printf %q "$OVC") --proc $(printf %q "$PROC") check 2M --memmap $(printf %q "$D/a.dat") --json"
	[[ $(mm binding_limit) == rlimit_fsize && $(mm limit_kb) == 1024 && $(mm failure) == efbig ]]
	[[ $(mm rlimit_fsize_bytes) == 1048576 && $(mm rlimit_fsize_from) == caller ]]
	[[ $(jq -r '.memmap.advice[] | select(.action == "rlimit_fsize") | .value' <<<"$output") == 2048 ]]
	truncate -s 2M "$D/old.dat"
	run -0 --separate-stderr bash -c "ulimit -f 1024; exec $(printf %q "$OVC") --proc $(printf %q "$PROC") check 2M --memmap $(printf %q "$D/old.dat") --memmap-mode r+ --json"
	[[ $(mm fits) == true && $(mm extends) == false && $(mm file_bytes) == 2097152 ]]
	# r+ of a shorter file extends it, as np.memmap does: the limit applies again
	run -1 --separate-stderr bash -c "ulimit -f 1024; exec $(printf %q "$OVC") --proc $(printf %q "$PROC") check 3M --memmap $(printf %q "$D/old.dat") --memmap-mode r+ --json"
	[[ $(mm binding_limit) == rlimit_fsize && $(mm extends) == true ]]
}

@test "memmap: --pid: that process's RLIMIT_AS (less its VmSize) and RLIMIT_FSIZE from <proc>/PID/limits" {
	# 4242: VmSize 2400000 kB, RLIMIT_AS 16 GiB: (4194304 - 600000) pages = 14377216 kB
	run -1 --separate-stderr ovc check 20G --pid 4242 --memmap "$D/a.dat" --json
	[[ $(mm binding_limit) == rlimit_as && $(mm limit_kb) == 14377216 && $(mm failure) == enomem ]]
	[[ $(mm rlimit_fsize_from) == process && $(mm rlimit_fsize_bytes) == null ]]
	[[ $(mm reserved_blocks) == false ]]   # no CAP_SYS_RESOURCE in its CapEff
	sed -i 's/^Max file size .*/Max file size             1048576              unlimited            bytes     /' "$PROC/4242/limits"
	run -1 --separate-stderr ovc check 2M --pid 4242 --memmap "$D/a.dat" --json
	[[ $(mm binding_limit) == rlimit_fsize && $(mm limit_kb) == 1024 && $(mm rlimit_fsize_bytes) == 1048576 ]]
}

@test "memmap: mode c is charged in full at mmap: the mode-2 fixture refuses it, w+ of the same file fits" {
	use_host mode2-tight
	truncate -s 64M "$D/in.dat"
	run -1 --separate-stderr ovc check 64M --memmap "$D/in.dat" --memmap-mode c --json
	[[ $(mm binding_limit) == commit_limit && $(mm commit_at_mmap) == true && $(mm failure) == enomem ]]
	[[ $(jq -r '.memmap.advice[0].action' <<<"$output") == mode_shared ]]
	# the verdict is the allocation's: the sure maximum of check's own model
	[[ $(jq -r '.fits' <<<"$output") == false ]]
	run -0 --separate-stderr ovc check 64M --memmap "$D/in.dat" --memmap-mode r+ --json
	[[ $(mm fits) == true && $(mm commit_per_page) == false ]]
}

@test "memmap: a 16 MiB tmpfs: 32 MiB stops at its size= (SIGBUS), advice names a disk path and the size" {
	in_tmpfs size=16m "$OVC" --proc "$PROC" check 32M --memmap "$D/a.dat" --json
	[[ $status == 1 ]] || fail "status $status: $stderr"
	[[ $(mm fstype) == tmpfs && $(mm tmpfs) == true && $(mm sparse) == true ]]
	[[ $(mm binding_limit) == tmpfs_size && $(mm limit_kb) == 16384 && $(mm failure) == sigbus ]]
	[[ $(mm tmpfs_size_kb) == 16384 && $(mm free_kb) == 16384 ]]
	[[ $(json_raw max_file_size) == 9223372036854775807 ]]
	[[ $(jq -r '[.memmap.advice[].action] | join(",")' <<<"$output") == disk_path,tmpfs_size ]]
	[[ $(jq -r '.memmap.advice[] | select(.action == "tmpfs_size") | .value' <<<"$output") == 32768 ]]
	in_tmpfs size=16m "$OVC" --proc "$PROC" check 8M --memmap "$D/a.dat" --json
	[[ $status == 0 && $(mm fits) == true && $(mm commit_per_page) == false ]]
}

@test "memmap: tmpfs in mode 2 (fixture): each page charged, stopped at the writer's commit room" {
	use_host mode2-tight
	in_tmpfs size=1g "$OVC" --proc "$PROC" check 512M --memmap "$D/a.dat" --json
	[[ $status == 1 ]] || fail "status $status: $stderr"
	[[ $(mm binding_limit) == commit_limit && $(mm commit_per_page) == true ]]
	[[ $(mm limit_kb) == "$(mm commit_room_kb)" ]]
	# the room is the mode-2 model's own largest allocation for the unknown caller (its
	# full user reserve), the per-CPU band reported beside it
	local room=$(mm limit_kb) band=$(mm band_kb)
	run -0 --separate-stderr ovc simulate --json
	[[ $(jq -r '.modes[2].max_alloc_kb' <<<"$output") == "$room" ]]
	[[ $(jq -r '.modes[2].uncertainty_kb' <<<"$output") == "$band" ]]
	# the same array on a disk directory: not charged
	run -0 --separate-stderr ovc check 512M --memmap "$BATS_TEST_TMPDIR/a.dat" --json
	[[ $(mm commit_per_page) == false && $(mm fits) == true ]]
}

@test "memmap: /dev/shm is read as the tmpfs it is, and nothing is created there" {
	[[ -d /dev/shm ]] || skip "no /dev/shm"
	[[ $(stat -f -c %T /dev/shm) == tmpfs ]] || skip "/dev/shm is not a tmpfs here"
	local f=/dev/shm/ovc-bats-$$-absent
	run -0 --separate-stderr ovc check 1M --memmap "$f" --json
	[[ $(mm fstype) == tmpfs && $(mm path) == "$f" ]]
	[[ ! -e $f ]]
}

@test "memmap: human output: the file system, the verdict, what stops it and the fix" {
	in_tmpfs size=16m "$OVC" --proc "$PROC" check 32M --memmap "$D/a.dat"
	[[ $status == 1 ]] || fail "status $status: $stderr"
	assert_line "np.memmap at $D/a.dat, mode w+: a sparse file of the array's size (np.memmap writes its last byte)"
	assert_line --regexp '^  File system +tmpfs \(f_type 0x1021994\): each page is charged as it is first written'
	assert_line --regexp '^  Verdict +does not work: it stops at 16\.00 MiB \(limited by the tmpfs size=\)$'
	assert_line --regexp 'SIGBUS at the page fault \(the tmpfs is full\), not a MemoryError'
	assert_line --regexp '^    the tmpfs size= +16\.00 MiB +stops it$'
	assert_line 'What would make the memmap work:'
	assert_line --regexp '^  - put the file on a disk file system'
	assert_line --regexp '^  - or give the tmpfs a larger size=, at least 32\.00 MiB'
}

@test "memmap: --root: the path is the tree's, links resolve inside it" {
	local R=$BATS_TEST_TMPDIR/root
	mkdir -p "$R/srv/arrays" "$R/real"
	ln -s /real "$R/srv/link"
	run -0 --separate-stderr ovc --root "$R" check 1M --memmap /srv/arrays/a.dat --json
	[[ $(mm path) == "$R/srv/arrays/a.dat" ]]
	# /real inside the tree, not this host's (which has no /real); valgrind 3.19 fails
	# openat2 (ENOSYS) and ovc falls back to plain openat, without RESOLVE_IN_ROOT
	if ! ovc_under_valgrind; then
		run -0 --separate-stderr ovc --root "$R" check 1M --memmap /srv/link/a.dat --json
		[[ $(mm fits) == true ]]
	fi
	run -6 --separate-stderr ovc --root "$R" check 1M --memmap /nowhere/a.dat
	[[ $stderr == "ovc: cannot open the directory of the --memmap file '$R/nowhere': No such file or directory" ]]
}

@test "memmap: bad paths are input errors (exit 6) naming the path and the errno text" {
	mkfifo "$D/fifo"
	ln -s loop2 "$D/loop"
	ln -s loop "$D/loop2"
	printf 'x%.0s' {1..1000} >"$D/short"
	run -6 --separate-stderr ovc check 1G --memmap "$D/missing/a.dat"
	[[ $stderr == "ovc: cannot open the directory of the --memmap file '$D/missing': No such file or directory" ]]
	run -6 --separate-stderr ovc check 1G --memmap "$D/fifo"
	[[ $stderr == "ovc: $D/fifo: not a regular file (a FIFO, a socket or a device): np.memmap maps a regular file" ]]
	run -6 --separate-stderr ovc check 1G --memmap "$D"
	[[ $stderr == "ovc: np.memmap needs a file, not a directory: --memmap '$D': Is a directory" ]]
	run -6 --separate-stderr ovc check 1G --memmap "$D/loop"
	[[ $stderr == "ovc: cannot open the --memmap file '$D/loop': Too many levels of symbolic links" ]]
	run -6 --separate-stderr ovc check 1G --memmap "$D/missing.dat" --memmap-mode r+
	[[ $stderr == "ovc: np.memmap mode r+ needs an existing file (mode w+ creates one): cannot open '$D/missing.dat': No such file or directory" ]]
	run -6 --separate-stderr ovc check 1G --memmap "$D/short" --memmap-mode c
	[[ $stderr == "ovc: $D/short: the file holds 1000 bytes, fewer than the array's 1073741824: np.memmap mode c maps the file as it is and cannot extend it (mmap: ValueError)" ]]
	# with --json: one error document
	run -6 --separate-stderr ovc check 1G --memmap "$D/fifo" --json
	assert_one_json_document
	[[ $(jq -r '.error.kind, .error.path, .error.exit' <<<"$output" | paste -sd' ') == "input $D/fifo 6" ]]
}

@test "memmap: usage errors (exit 2)" {
	run -2 --separate-stderr ovc check 1G --memmap-mode c
	[[ ${stderr_lines[0]} == "ovc: --memmap-mode goes with --memmap PATH" ]]
	run -2 --separate-stderr ovc check 1G --memmap "$D/a" --memmap-mode r
	[[ ${stderr_lines[0]} == "ovc: invalid --memmap-mode 'r': r+, w+ or c" ]]
	run -2 --separate-stderr ovc check --fork 4242 --memmap "$D/a"
	[[ ${stderr_lines[0]} == "ovc: --memmap does not go with --fork: a fork maps no new file" ]]
	run -2 --separate-stderr ovc check 0 --memmap "$D/a"
	run -2 --separate-stderr ovc check 1G --memmap ''
}

@test "memmap: tmpfs in the writer's cgroup: memory.max binds (the touch answer's cgroup room), the disk advice" {
	# the cgroup-v2 fixture's caller cgroup /plain has room 3670016 kB (tests/18-touch.bats):
	# memory.max 4 GiB - 1 GiB charged + 512 MiB page cache; tmpfs pages are charged to it
	use_host cgroup-v2
	D=$HOST/shm
	mkdir -p "$D"
	in_tmpfs size=64g "$OVC" --proc "$PROC" --root "$HOST" check 8G --memmap /shm/a.dat --json
	[[ $status == 1 ]] || fail "exit $status: $stderr"
	[[ $(mm fits) == false && $(mm binding_limit) == cgroup ]]
	[[ $(mm limit_kb) == 3670016 && $(mm cgroup_room_kb) == 3670016 ]]
	[[ $(jq -r .touch.limit_kb <<<"$output") == 3670016 ]]
	jq -e '.memmap.advice | map(.action) | index("disk_path")' <<<"$output" >/dev/null ||
		fail "no disk advice: $(jq -c .memmap.advice <<<"$output")"
	# a disk path in the same cgroup: written back and reclaimed, the cgroup does not bind
	run -0 --separate-stderr ovc --root "$HOST" check 8G --memmap /a.dat --json
	[[ $(mm binding_limit) == none ]]
}
