#!/usr/bin/env bats
# 12-check.bats - "ovc check": would one allocation succeed, under the running policy and
# each mode; the limit that refuses it; the advice, re-checked by applying it as a what-if.
# Sizes: plain, NumPy shape x dtype, NumPy's MemoryError (argument, stdin, traceback).

load helpers/common

SEED_SHAPE=156816,36,53806
SEED_BYTES=303755101056 # 156816 x 36 x 53806 x 1 byte
SEED_MSG='MemoryError: Unable to allocate 283. GiB for an array with shape (156816, 36, 53806) and data type uint8'

check_json() {
	local code=$1
	shift
	run "-$code" --separate-stderr ovc check --json "$@"
	assert_one_json_document
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

advice_value() {
	jq -r --arg a "$1" '.advice[] | select(.action == $a) | .value' <<<"$output"
}

# the seed verdict in words, shared by every way of asking
assert_seed_verdict_text() {
	assert_line "Allocation: 282.89 GiB = shape (156816, 36, 53806) x 1-byte items ($SEED_BYTES bytes), asked for with malloc: $(malloc_pages $SEED_BYTES) pages"
	assert_line 'Now (mode 0, heuristic): does not fit (limited by RAM + swap)'
	assert_line --regexp '^  mode 0 heuristic +fails +RAM \+ swap$'
	assert_line --regexp '^  mode 1 always +fits$'
	assert_line --regexp '^  mode 2 never +fails +CommitLimit$'
	assert_line 'What would make it succeed:'
	assert_line --regexp '^  - vm\.overcommit_memory=1 .*accepts it'
	# the advice says which memmap is free of the commit limit, and which is not
	assert_line --regexp "^  - np\\.memmap of a file on disk \\(mode r\\+ or w\\+\\) is not charged to the commit limit \\(a file on tmpfs or /dev/shm is, page by page as it is written; mode 'c' is, in full\\)"
}

assert_seed_verdict_json() {
	assert_json --argjson b "$SEED_BYTES" '.size_bytes == $b'
	assert_json --argjson p "$(malloc_pages $SEED_BYTES)" '.pages == $p and .via == "malloc"'
	assert_json '.fits == false and .verdict == "fails" and .binding_limit == "heuristic" and .mode == 0'
	assert_json '[.modes[].mode] == [0, 1, 2] and [.modes[].fits] == [false, true, false]'
	assert_json '.modes[0].binding_limit == "heuristic" and .modes[2].binding_limit == "commit_limit"'
	assert_json '[.advice[].action] | index("set_mode_1") != null and index("use_memmap") != null'
	assert_json '.numpy | .shape == "(156816, 36, 53806)" and .dtype == "uint8" and .itemsize == 1'
}

# --- the seed case ---------------------------------------------------------------------

@test "seed case: 156816 x 36 x 53806 uint8 does not fit in mode 0 (RAM + swap), mode 1 fits" {
	use_host seed-24g-noswap
	run -1 --separate-stderr ovc check --shape $SEED_SHAPE --dtype uint8
	[[ -z $stderr ]]
	assert_seed_verdict_text
}

@test "seed case, JSON: size, verdicts per mode, binding limit, advice" {
	use_host seed-24g-noswap
	check_json 1 --shape $SEED_SHAPE --dtype uint8
	assert_seed_verdict_json
	assert_json '.numpy.printed_size == null and .numpy.size_mismatch == false'
	# the pages a 303755101056-byte malloc maps (glibc sysmalloc_mmap()):
	# roundup16(n + 8) + 8, in pages
	assert_json '.pages == 74158961'
}

@test "seed case: the add_swap advice is exactly enough (applied as --swap)" {
	use_host seed-24g-noswap
	check_json 1 --shape $SEED_SHAPE --dtype uint8
	local swap
	swap=$(advice_value add_swap)
	# pages - (MemTotal + SwapTotal) pages, in kB
	assert_equal "$swap" $(((74158961 - $(mi MemTotal) / 4) * 4))
	check_json 0 --shape $SEED_SHAPE --dtype uint8 --swap "${swap}K"
	assert_json '.modes[0].fits == true'
	check_json 1 --shape $SEED_SHAPE --dtype uint8 --swap "$((swap - 4))K"
}

@test "seed case via --numpy-error, as NumPy prints it" {
	use_host seed-24g-noswap
	run -1 --separate-stderr ovc check --numpy-error "$SEED_MSG"
	[[ -z $stderr ]]
	assert_seed_verdict_text
	refute_line --partial 'note:'
	check_json 1 --numpy-error "$SEED_MSG"
	assert_seed_verdict_json
	assert_json '.numpy.printed_size == "283. GiB" and .numpy.size_mismatch == false'
}

@test "seed case via stdin (-): the message alone and inside a traceback" {
	use_host seed-24g-noswap
	printf '%s\n' "$SEED_MSG" >"$BATS_TEST_TMPDIR/msg"
	run -1 --separate-stderr ovc check --numpy-error - <"$BATS_TEST_TMPDIR/msg"
	assert_seed_verdict_text
	cat >"$BATS_TEST_TMPDIR/tb" <<-'EOF'
		Traceback (most recent call last):
		  File "/home/ana/survey/load_cube.py", line 41, in <module>
		    cube = np.zeros((n_pix, n_chan, n_t), dtype=np.uint8)
		           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
		numpy.core._exceptions._ArrayMemoryError: Unable to allocate 283. GiB for an array with shape (156816, 36, 53806) and data type uint8

		During handling of the above exception, another exception occurred:

		Traceback (most recent call last):
		  File "/home/ana/survey/run.py", line 7, in <module>
		    main()
		SystemExit: 1
	EOF
	run -1 --separate-stderr ovc check --numpy-error - <"$BATS_TEST_TMPDIR/tb"
	[[ -z $stderr ]]
	assert_seed_verdict_text
	run -1 --separate-stderr ovc check --numpy-error - --json <"$BATS_TEST_TMPDIR/tb"
	assert_seed_verdict_json
	# a pipe, as in 'python3 big.py 2>&1 | ovc check --numpy-error -'
	run -1 --separate-stderr bash -c 'cat "$1" | "$OVC" --proc "$2" check --numpy-error -' _ "$BATS_TEST_TMPDIR/tb" "$PROC"
	assert_seed_verdict_text
}

@test "seed case: a message wrapped across lines by a terminal or a log is still read" {
	use_host seed-24g-noswap
	printf '%s\n' 'numpy.core._exceptions._ArrayMemoryError: Unable to allocate 283. GiB for an' \
		'  array with shape (156816, 36,' '  53806) and data type uint8' >"$BATS_TEST_TMPDIR/msg"
	run -1 --separate-stderr ovc check --numpy-error - --json <"$BATS_TEST_TMPDIR/msg"
	assert_seed_verdict_json
}

@test "seed case with --mode 1: fits, exit 0, no advice" {
	use_host seed-24g-noswap
	run -0 --separate-stderr ovc check --shape $SEED_SHAPE --dtype uint8 --mode 1
	assert_line 'Now (mode 1, always): fits'
	refute_line 'What would make it succeed:'
	check_json 0 --numpy-error "$SEED_MSG" --mode 1
	assert_json '.fits == true and .verdict == "fits" and .binding_limit == "none" and .mode == 1'
	assert_json '.advice == []'
}

@test "NumPy 1.17's message, without a size, is read too" {
	use_host seed-24g-noswap
	local msg='MemoryError: Unable to allocate array with shape (156816, 36, 53806) and data type uint8'
	run -1 --separate-stderr ovc check --numpy-error "$msg"
	assert_seed_verdict_text
	check_json 1 --numpy-error "$msg"
	assert_seed_verdict_json
	assert_json '.numpy.printed_size == null'
}

@test "a printed size that disagrees with shape x dtype: a note, and shape x dtype wins" {
	use_host seed-24g-noswap
	local msg='Unable to allocate 1.00 GiB for an array with shape (156816, 36, 53806) and data type uint8'
	run -1 --separate-stderr ovc check --numpy-error "$msg"
	assert_line 'note: NumPy printed 1.00 GiB, but shape x uint8 is 282.89 GiB; using the latter'
	check_json 1 --numpy-error "$msg"
	assert_json --argjson b $SEED_BYTES '.size_bytes == $b and .numpy.size_mismatch == true'
}

@test "a structured dtype NumPy printed: the largest size the printed figure stands for" {
	use_host seed-24g-noswap
	local msg="Unable to allocate 1.50 GiB for an array with shape (1000,) and data type [('a', '<f8'), ('b', '<i4')]"
	run -0 --separate-stderr ovc check --numpy-error "$msg"
	# the size is an upper bound, and says so
	assert_line "note: data type '[('a', '<f8'), ('b', '<i4')]' not understood: the size is the largest that NumPy's rounded 1.50 GiB can stand for, an upper bound"
	assert_line --regexp '^Allocation: at most 1\.5[0-9] GiB \(1615981446 bytes\), asked for with malloc: '
	check_json 0 --numpy-error "$msg"
	# 1.50 GiB printed with two decimals stands for up to 1.505 GiB
	assert_json '.size_bytes == 1615981446 and .numpy.itemsize == null and .numpy.size_upper_bound == true'
	check_json 1 --numpy-error "$SEED_MSG"
	assert_json '.numpy.size_upper_bound == false'
}

@test "messages that are not NumPy allocation errors: exit 2 with the reason" {
	use_host seed-24g-noswap
	run -2 --separate-stderr ovc check --numpy-error 'Segmentation fault (core dumped)'
	assert_equal "${stderr_lines[0]}" 'ovc: cannot read the NumPy message: not a NumPy allocation error (no "Unable to allocate" in the message)'
	assert_equal "${stderr_lines[1]}" "Try 'ovc check --help'."
	run -2 --separate-stderr ovc check --numpy-error - </dev/null
	[[ ${stderr_lines[0]} == 'ovc: cannot read the NumPy message: '* ]]
	run -2 --separate-stderr ovc check --numpy-error 'Unable to allocate 3.00 GiB for an array'
	[[ ${stderr_lines[0]} == 'ovc: cannot read the NumPy message: '* ]]
	run -2 --separate-stderr ovc check --numpy-error 'Unable to allocate array with shape (10, 10) and data type mystery'
	assert_equal "${stderr_lines[0]}" 'ovc: cannot read the NumPy message: unknown data type and no size in the message'
	printf 'Unable to allocate \0 array' >"$BATS_TEST_TMPDIR/nul"
	run -2 --separate-stderr ovc check --numpy-error - <"$BATS_TEST_TMPDIR/nul"
	assert_equal "${stderr_lines[0]}" 'ovc: the message on stdin contains a NUL byte'
}

# --- sizes, dtypes and shapes ----------------------------------------------------------

@test "dtype item sizes: f8, <i4, float32, complex128, S10, <U10 and more" {
	skip_in_memory_tiers "the dtype parser (core/numpy, unit-tested, fuzzed under ASan, 712 cases in check-numpy)"
	use_host seed-24g-noswap
	local -a dts=(f8 '<i4' float32 complex128 S10 '<U10' uint8 bool '>f2' 'datetime64[ns]'
		np.float32 "dtype('int16')" c16 V16 '|u1' d '?' intp object float128)
	local -a sizes=(8 4 4 16 10 40 1 1 2 8 4 2 16 16 1 8 1 8 8 16)
	local n
	for n in "${!dts[@]}"; do
		check_json 0 --shape 1000 --dtype "${dts[$n]}"
		assert_json --argjson s "${sizes[$n]}" --arg d "${dts[$n]}" \
			'.numpy.itemsize == $s and .size_bytes == 1000 * $s and .numpy.dtype == $d'
	done
	# no --dtype: float64, as np.empty
	check_json 0 --shape 1000
	assert_json '.size_bytes == 8000 and .numpy.dtype == "float64"'
}

@test "unknown dtypes exit 2 with the reason" {
	use_host seed-24g-noswap
	run -2 --separate-stderr ovc check --shape 10 --dtype float65
	assert_equal "${stderr_lines[0]}" "ovc: invalid --dtype 'float65': unknown dtype (use a NumPy name such as uint8 or float64, or a code such as f8 or <i4)"
	assert_equal "${stderr_lines[1]}" "Try 'ovc check --help'."
	run -2 --separate-stderr ovc check --shape 10 --dtype 'float64[3]'
	assert_equal "${stderr_lines[0]}" "ovc: invalid --dtype 'float64[3]': unknown dtype (use a NumPy name such as uint8 or float64, or a code such as f8 or <i4)"
	run -2 --separate-stderr ovc check --shape 10 --dtype 'datetime64[xyz]'
	assert_equal "${stderr_lines[0]}" "ovc: invalid --dtype 'datetime64[xyz]': invalid datetime unit (expected [ns], [10ms], [D] and the like)"
	run -2 --separate-stderr ovc check --shape 10 --dtype ''
	[[ ${stderr_lines[0]} == "ovc: invalid --dtype '': unknown dtype"* ]]
	run -2 --separate-stderr ovc check --dtype uint8 1G
	assert_equal "${stderr_lines[0]}" 'ovc: --dtype goes with --shape'
}

@test "shapes: the forms NumPy users write give the same size" {
	use_host seed-24g-noswap
	local s
	for s in '156816,36,53806' '(156816, 36, 53806)' '156816x36x53806' '[156816, 36, 53806]'; do
		check_json 1 --shape "$s" --dtype uint8
		assert_json --argjson b $SEED_BYTES '.size_bytes == $b'
	done
	check_json 0 --shape '(10,)' --dtype uint8
	assert_json '.size_bytes == 10 and .numpy.shape == "(10,)"'
	check_json 0 --shape '3,0,5' --dtype f8
	assert_json '.size_bytes == 0'
}

@test "bad shapes exit 2: NumPy's dimension limit, Python's integers, a sign" {
	use_host seed-24g-noswap
	run -2 --separate-stderr ovc check --shape 18446744073709551616 --dtype uint8
	assert_equal "${stderr_lines[0]}" "ovc: invalid --shape '18446744073709551616': a dimension above 2^63 - 1 (NumPy: ValueError: Maximum allowed dimension exceeded)"
	run -2 --separate-stderr ovc check --shape 9223372036854775808 --dtype uint8
	assert_equal "${stderr_lines[0]}" "ovc: invalid --shape '9223372036854775808': a dimension above 2^63 - 1 (NumPy: ValueError: Maximum allowed dimension exceeded)"
	# Python reads 0x10 as 16, the AxB form as 0 by 10: neither is guessed
	run -2 --separate-stderr ovc check --shape 0x10
	assert_equal "${stderr_lines[0]}" "ovc: invalid --shape '0x10': write dimensions in decimal: Python reads 0x10 as hexadecimal 16, ovc's AxB form as 0 by 10"
	run -2 --separate-stderr ovc check --shape 010
	assert_equal "${stderr_lines[0]}" "ovc: invalid --shape '010': leading zeros (Python refuses them in a decimal number)"
	run -2 --separate-stderr ovc check --shape -5,3
	assert_equal "${stderr_lines[0]}" "ovc: invalid --shape '-5,3': negative dimensions are not allowed"
	local s
	for s in '10,' 'abc' '' '(10' '1,,2'; do
		run -2 --separate-stderr ovc check --shape "$s"
		[[ ${stderr_lines[0]} == "ovc: invalid --shape '$s': "* ]]
	done
}

@test "just below 2^63 bytes: computed, and nothing can map it, not even mode 1" {
	use_host seed-24g-noswap
	# 2^63 - 1 bytes: NumPy asks malloc, which asks mmap (NumPy raises MemoryError)
	check_json 1 --shape 9223372036854775807 --dtype uint8
	assert_json '.size_bytes == 9223372036854775807 and .pages == 2251799813685249'
	assert_json '.modes[1].fits == false and .modes[1].binding_limit == "address_space"'
	assert_json '[.advice[].action] == ["split_allocation"]'
}

@test "2^63 bytes and more: NumPy and malloc refuse it before the kernel is asked" {
	use_host seed-24g-noswap
	# the issue's example: it used to print 18446744073709551615 pages, blaming RAM + swap
	run -1 --separate-stderr ovc check --shape 1152921504606846976 --dtype f8
	assert_line 'Allocation: 8.00 EiB = shape (1152921504606846976,) x 8-byte items (9223372036854775808 bytes), too big to ask for'
	assert_line 'Now (mode 0, heuristic): does not fit (too big to ask for)'
	assert_line '  NumPy refuses any array of more than 2^63 - 1 bytes (NPY_MAX_INTP) before it asks for memory:'
	assert_line '    ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.'
	assert_line "  glibc's malloc would refuse it too: NULL, errno ENOMEM, for any request of more than 2^63 - 1 bytes (PTRDIFF_MAX)"
	assert_line "  No overcommit mode is consulted: the kernel's commit check is never asked"
	refute_output --partial 18446744073709551615
	refute_output --partial 'RAM + swap'
	refute_line --regexp '^  mode [0-2] '
	check_json 1 --shape 1152921504606846976 --dtype f8
	assert_json '.size_bytes == 9223372036854775808 and .pages == null and .fits == false'
	assert_json '.verdict == "fails" and .binding_limit == "too_big"'
	assert_json '[.modes[].binding_limit] == ["too_big", "too_big", "too_big"]'
	assert_json '[.advice[].action] == ["split_allocation"]'
	# even when a 0 dimension makes the array empty: NumPy multiplies it as 1
	check_json 1 --shape 0,4611686018427387904,4 --dtype uint8
	assert_json '.size_bytes == 0 and .binding_limit == "too_big"'
	# 2^64 bytes and more: no size either
	check_json 1 --shape 4294967296,4294967296,2 --dtype uint8
	assert_json '.size_bytes == null and .pages == null and .binding_limit == "too_big"'
	run -1 --separate-stderr ovc check --shape 4294967296,4294967296,2 --dtype uint8
	assert_line 'Allocation: 16 EiB or more = shape (4294967296, 4294967296, 2) x 1-byte items (2^64 bytes or more), too big to ask for'
	# SIZE: malloc refuses above PTRDIFF_MAX, and NumPy would not ask
	run -1 --separate-stderr ovc check 8E
	assert_line 'Allocation: 8.00 EiB (9223372036854775808 bytes), too big to ask for'
	assert_line "  glibc's malloc refuses any request of more than 2^63 - 1 bytes (PTRDIFF_MAX): it returns NULL, errno ENOMEM"
	assert_line '    ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.'
	check_json 1 18446744073709551615
	assert_json '.size_bytes == 18446744073709551615 and .pages == null and .binding_limit == "too_big"'
	# one byte less is asked for, and refused by the kernel
	check_json 1 9223372036854775807
	assert_json '.pages == 2251799813685249 and .binding_limit == "heuristic"'
	# mmap is not malloc: up to the last page it is a length the kernel refuses
	check_json 1 --via mmap 8E
	assert_json '.pages == 2251799813685248 and .modes[1].binding_limit == "address_space"'
	check_json 1 --via mmap 18446744073709551615
	assert_json '.pages == null and .binding_limit == "too_big"'
	run -1 --separate-stderr ovc check --via mmap 18446744073709551615
	assert_line '  mmap: the length wraps to 0 when rounded up to whole pages, and the kernel returns ENOMEM'
	# a pasted message NumPy cannot have printed: the same verdict, and a note
	run -1 --separate-stderr ovc check --numpy-error 'MemoryError: Unable to allocate 8.00 EiB for an array with shape (1152921504606846976,) and data type float64'
	assert_line 'note: NumPy raises ValueError for an array this large, never this MemoryError: the message is not as NumPy printed it'
	assert_line 'Now (mode 0, heuristic): does not fit (too big to ask for)'
	check_json 1 --numpy-error 'MemoryError: Unable to allocate 8.00 EiB for an array with shape (1152921504606846976,) and data type float64'
	assert_json '.pages == null and .binding_limit == "too_big"'
}

@test "NumPy's spellings: 4X5, U0, str, S, (2,3)i2, i4,f8, int0 as numpy.dtype reads them" {
	skip_in_memory_tiers "the dtype parser (core/numpy, unit-tested, fuzzed under ASan, 712 cases in check-numpy)"
	use_host seed-24g-noswap
	local -A want=(
		['str']=4 ['S']=1 ['U0']=4 ['U']=4 ['(2,3)i2']=12 ['3i4']=12 ['i4,f8']=12
		['i4, (2,3)f8']=52 ['int0']=8 ['uint0']=8 ['bool8']=1 ['M8[10ms]']=8 ['<M8[ns]']=8
		['m8[h/2]']=8 ['2U']=8 ['V0']=0 ['O4']=8 ['c']=1
	)
	local d
	for d in "${!want[@]}"; do
		check_json 0 --shape 4X5 --dtype "$d"
		assert_json --argjson s "${want[$d]}" --arg d "$d" \
			'.size_bytes == 20 * $s and .numpy.itemsize == $s and .numpy.shape == "(4, 5)"'
	done
}

@test "two bad arguments: both are reported" {
	use_host seed-24g-noswap
	run -2 --separate-stderr ovc check --shape 1,-2 --dtype float7
	assert_equal "${stderr_lines[0]}" "ovc: invalid --shape '1,-2': negative dimensions are not allowed; and invalid --dtype 'float7': unknown dtype (use a NumPy name such as uint8 or float64, or a code such as f8 or <i4)"
	run -2 --separate-stderr ovc check --pid x 1G
	assert_equal "${stderr_lines[0]}" "ovc: invalid --pid 'x': not a process ID"
	run -2 --separate-stderr ovc check --pid x 1Q
	assert_equal "${stderr_lines[0]}" "ovc: invalid --pid 'x': not a process ID; and invalid size '1Q': unknown unit (use B, K, M, G, T, P or E, optionally followed by B or iB)"
}

@test "which size to give: exactly one of SIZE, --shape, --numpy-error, --fork" {
	use_host seed-24g-noswap
	run -2 --separate-stderr ovc check
	assert_equal "${stderr_lines[0]}" 'ovc: what size? give SIZE, --shape, --numpy-error or --fork PID'
	run -2 --separate-stderr ovc check 1G --shape 10
	assert_equal "${stderr_lines[0]}" 'ovc: give one of SIZE, --shape, --numpy-error or --fork'
	run -2 --separate-stderr ovc check --shape 10 --numpy-error "$SEED_MSG"
	assert_equal "${stderr_lines[0]}" 'ovc: give one of SIZE, --shape, --numpy-error or --fork'
	run -2 --separate-stderr ovc check 1G --via brk
	assert_equal "${stderr_lines[0]}" "ovc: invalid --via 'brk': malloc or mmap"
}

# --- plain sizes and the mode 0 boundary -----------------------------------------------

@test "a negative SIZE is an invalid size, not getopt's 'invalid option', as after --" {
	use_host seed-24g-noswap
	local v
	for v in -1 -1G -1.5G -.5 '-1 G' -0; do
		run -2 --separate-stderr ovc check "$v"
		assert_equal "$stderr" "ovc: invalid size '$v': negative sizes are not allowed
Try 'ovc check --help'."
		assert_output ''
		run -2 --separate-stderr ovc check -- "$v"
		assert_equal "${stderr_lines[0]}" "ovc: invalid size '$v': negative sizes are not allowed"
	done
	run -2 --separate-stderr ovc check -1 --json
	assert_json '.error.message == "invalid size '"'"'-1'"'"': negative sizes are not allowed"'
}

@test "a NumPy message given as SIZE: exit 2, pointing to --numpy-error" {
	use_host seed-24g-noswap
	local msg='numpy.core._exceptions._ArrayMemoryError: Unable to allocate 283. GiB for an array with shape (156816, 36, 53806) and data type uint8'
	run -2 --separate-stderr ovc check "$msg"
	assert_equal "$stderr" "ovc: invalid size '$msg': this is a NumPy MemoryError message; give it with --numpy-error (or --numpy-error - to read it from stdin)
Try 'ovc check --help'."
	# one NumPy cannot read: still the pointer
	run -2 --separate-stderr ovc check 'Unable to allocate'
	[[ ${stderr_lines[0]} == *"give it with --numpy-error"* ]]
	# anything else: the size's own reason
	run -2 --separate-stderr ovc check 'lots'
	assert_equal "${stderr_lines[0]}" "ovc: invalid size 'lots': not a size (expected a number with an optional unit such as 64G or 512MiB)"
}

@test "one byte, one page: singular nouns after a count of 1" {
	use_host seed-24g-noswap
	run -0 ovc check 1
	assert_line --index 0 'Allocation: 1 B (1 byte), asked for with malloc: 1 page'
	run -0 ovc check 2 --via mmap
	assert_line --index 0 'Allocation: 2 B (2 bytes), asked for with mmap: 1 page'
	run -0 ovc check 8193 --via mmap
	assert_line --index 0 'Allocation: 8.00 KiB (8193 bytes), asked for with mmap: 3 pages'
}

@test "mode 0 boundary, mmap: MemTotal + SwapTotal pages fit, one byte more does not" {
	use_host seed-24g-noswap
	local pages=$(($(mi MemTotal) / 4 + $(mi SwapTotal) / 4))
	check_json 0 --via mmap $((pages * 4096))
	assert_json --argjson p "$pages" '.pages == $p and .via == "mmap" and .fits'
	check_json 1 --via mmap $((pages * 4096 + 1))
	assert_json --argjson p "$((pages + 1))" '.pages == $p and .binding_limit == "heuristic"'
}

@test "mode 0 boundary, malloc: glibc's chunk overhead counts" {
	use_host seed-24g-noswap
	local pages=$(($(mi MemTotal) / 4))
	# the largest n with roundup16(n + 8) + 8 <= pages x 4096 is pages x 4096 - 24
	check_json 0 $((pages * 4096 - 24))
	assert_json --argjson p "$pages" '.pages == $p'
	check_json 1 $((pages * 4096 - 23))
	assert_json --argjson p "$((pages + 1))" '.pages == $p'
	# for example, malloc(30 000 000 000) maps 30 000 001 024 bytes
	check_json 1 30000000000
	assert_json '.pages == (30000001024 / 4096)'
}

@test "plain sizes in words: 20G fits the seed host, 24G does not" {
	use_host seed-24g-noswap
	run -0 --separate-stderr ovc check 20G
	assert_line 'Allocation: 20.00 GiB (21474836480 bytes), asked for with malloc: 5242881 pages'
	assert_line 'Now (mode 0, heuristic): fits'
	run -1 --separate-stderr ovc check 24G
	assert_line 'Now (mode 0, heuristic): does not fit (limited by RAM + swap)'
}

@test "beyond the address space: no swap or memmap advice, only splitting helps" {
	use_host seed-24g-noswap
	check_json 1 200T
	assert_json '.modes[1].fits == false and .modes[1].binding_limit == "address_space"'
	assert_json '[.advice[].action] | index("split_allocation") != null'
	assert_json '[.advice[].action] | index("add_swap") == null'
	assert_json '[.advice[].action] | index("use_memmap") == null'
	# whatever swap is added, mode 0 cannot map more than the address space
	check_json 1 200T --swap 256T
}

# --- mode 2: ratio and kbytes advice, borderline ---------------------------------------

@test "mode 2: the set_ratio advice is the smallest ratio that fits (re-checked)" {
	use_host swap-hugetlb
	check_json 1 40G
	assert_json '.binding_limit == "commit_limit" and .verdict == "fails"'
	assert_json '[.advice[].action] == ["set_mode_1", "set_mode_0", "set_ratio", "set_kbytes", "use_memmap"]'
	# smallest r with floor((RAM - hugetlb) x r / 100) + swap - admin - user - Committed_AS
	# - 1 - band >= pages, in pages (vm_commit_limit(), __vm_enough_memory(),
	# mm_compute_batch())
	local pages ram huge swap c band need want
	pages=$(malloc_pages $((40 << 30)))
	ram=$(($(mi MemTotal) / 4)) huge=$(($(mi Hugetlb) / 4)) swap=$(($(mi SwapTotal) / 4))
	c=$(($(mi Committed_AS) / 4))
	band=$((($(batch_pages "$(mi MemTotal)" "$(ncpus)") - 1) * $(ncpus)))
	need=$((pages + 8192 / 4 + 131072 / 4 + c + 1 + band - swap))
	want=$(((100 * need + (ram - huge) - 1) / (ram - huge)))
	assert_equal "$want" 89
	assert_equal "$(advice_value set_ratio)" "$want"
	check_json 0 40G --ratio "$want"
	check_json 1 40G --ratio $((want - 1))
	run -1 ovc check 40G
	assert_line '  - in mode 2, vm.overcommit_ratio=89 or more makes room for it'
}

@test "mode 2: the set_kbytes advice is the smallest kbytes that fits (re-checked)" {
	use_host swap-hugetlb
	check_json 1 40G
	local kb
	kb=$(advice_value set_kbytes)
	# (kbytes >> 2) + swap - reserves - Committed_AS - 1 - band >= pages
	assert_equal "$kb" 52862264
	check_json 0 40G --kbytes "$kb"
	check_json 1 40G --kbytes $((kb - 1))
	run -1 ovc check 40G
	assert_line '  - in mode 2, vm.overcommit_kbytes=52862264 (50.41 GiB) or more makes room for it'
}

@test "mode 2: a ratio above 100 is flagged as committing beyond RAM + swap" {
	use_host mode2-tight
	check_json 1 8G
	local r
	r=$(advice_value set_ratio)
	((r > 100))
	run -1 ovc check 8G
	assert_line "  - in mode 2, vm.overcommit_ratio=$r or more makes room for it (above 100: commits beyond RAM + swap)"
	check_json 0 8G --ratio "$r"
}

@test "mode 2 borderline: within (batch - 1) x CPUs pages of the limit" {
	use_host swap-hugetlb
	local cpus band max
	cpus=$(ncpus)
	band=$((($(batch_pages "$(mi MemTotal)" "$cpus") - 1) * cpus))
	max=$(($(mi CommitLimit) / 4 - 8192 / 4 - 131072 / 4 - $(mi Committed_AS) / 4 - 1))
	assert_equal "$band" 64272
	# surely fits
	check_json 0 --via mmap $(((max - band) * 4096))
	assert_json '.verdict == "fits"'
	# the model's best estimate, and the top of the band: borderline, exit 1
	check_json 1 --via mmap $((max * 4096))
	assert_json '.verdict == "borderline" and .fits == false and .binding_limit == "commit_limit"'
	assert_json --argjson b $((band * 4)) '.advice[0] == {"action": "borderline", "value": $b,
		"text": .advice[0].text}'
	check_json 1 --via mmap $(((max + band) * 4096))
	assert_json '.verdict == "borderline"'
	check_json 1 --via mmap $(((max - band + 1) * 4096))
	assert_json '.verdict == "borderline"'
	# surely fails
	check_json 1 --via mmap $(((max + band + 1) * 4096))
	assert_json '.verdict == "fails"'
	run -1 ovc check --via mmap $((max * 4096))
	assert_line 'Now (mode 2, never): borderline (limited by CommitLimit)'
	assert_line --regexp '^  mode 2 never +borderline +CommitLimit$'
	assert_line "  - the answer is within the kernel's per-CPU counting slack (+/- 251.06 MiB): it may succeed or fail"
}

@test "old-4.19: a request above the free-memory estimate fails, mode 1 advised" {
	use_host old-4.19
	check_json 0 5G
	check_json 1 6G
	assert_json '.binding_limit == "free_estimate"'
	assert_json '[.advice[].action] == ["set_mode_1", "use_memmap"]'
}

# --- --pid -----------------------------------------------------------------------------

@test "--pid: VmSize, RLIMIT_AS and capabilities come from the process's files" {
	use_host seed-24g-noswap
	# 4242: python3, VmSize 2400000 kB, RLIMIT_AS 16 GiB, no capabilities
	check_json 1 15G --pid 4242
	assert_json '.process | .pid == 4242 and .name == "python3" and .admin == false
		and .vmsize_kb == 2400000 and .rlimit_as_bytes == 17179869184'
	assert_json '.binding_limit == "rlimit_as" and .modes[1].binding_limit == "rlimit_as"'
	# RLIMIT_AS must cover the request plus VmSize
	assert_json --argjson v $((3932161 * 4096 + 2400000 * 1024)) \
		'.advice == [{"action": "raise_rlimit_as", "value": $v, "includes_process_size": true, "text": .advice[0].text}]'
	# below 16 GiB - VmSize it fits
	check_json 0 13G --pid 4242
	# the advice, applied: --rlimit-as overrides the process's limit
	check_json 0 15G --pid 4242 --rlimit-as $((3932161 * 4096 + 2400000 * 1024))
	check_json 1 15G --pid 4242 --rlimit-as $((3932161 * 4096 + 2400000 * 1024 - 4096))
	run -1 --separate-stderr ovc check 15G --pid 4242
	assert_line 'Process: 4242 (python3), VmSize 2.29 GiB, without CAP_SYS_ADMIN'
	assert_line '  - RLIMIT_AS must be at least 17.29 GiB for this process (its VmSize 2.29 GiB plus the request): ulimit -v 18128644'
}

@test "RLIMIT_AS advice without the process's size says what it assumes, and is exact with --vmsize" {
	use_host seed-24g-noswap
	# the request alone: 15G through malloc is 3932161 pages
	check_json 1 15G --rlimit-as 8G
	assert_json --argjson v $((3932161 * 4096)) '.advice[0] | .action == "raise_rlimit_as"
		and .value == $v and .includes_process_size == false'
	run -1 ovc check 15G --rlimit-as 8G
	assert_line "  - RLIMIT_AS must exceed the process's own VmSize by 15.00 GiB: ulimit -v <VmSize in kB + 15728644> (its VmSize is not known here: --pid PID or --vmsize gives the exact value)"
	# with the size, the value is one that works: it fits at it, not a page below
	check_json 1 15G --rlimit-as 8G --vmsize 48268K
	local v
	v=$(jq -r '.advice[0].value' <<<"$output")
	assert_equal "$v" $((3932161 * 4096 + 48268 * 1024))
	check_json 0 15G --rlimit-as "$v" --vmsize 48268K
	check_json 1 15G --rlimit-as $((v - 4096)) --vmsize 48268K
}

# --- RLIMIT_DATA -----------------------------------------------------------------------

@test "--pid: RLIMIT_DATA (may_expand_vm, 4.7+) binds in every mode; advice counts VmData" {
	use_host seed-24g-noswap
	# 4242: VmData 480000 kB; give it ulimit -d 1000000 (soft and hard)
	sed -i 's/^Max data size .*/Max data size             1024000000           1024000000           bytes     /' "$PROC/4242/limits"
	# room: 1024000000/4096 = 250000 pages less VmData 120000 pages = 130000 pages
	check_json 0 --via mmap $((130000 * 4096)) --pid 4242
	check_json 1 --via mmap $((130001 * 4096)) --pid 4242
	assert_json '.binding_limit == "rlimit_data" and ([.modes[].binding_limit] | unique) == ["rlimit_data"]'
	assert_json '.process | .vmdata_kb == 480000 and .rlimit_data_bytes == 1024000000
		and .rlimit_data_max_bytes == 1024000000'
	assert_json --argjson v $((130001 * 4096 + 480000 * 1024)) '.advice[0] | .action == "raise_rlimit_data"
		and .value == $v and .includes_process_size == true'
	run -1 ovc check --via mmap $((130001 * 4096)) --pid 4242
	assert_line 'Now (mode 0, heuristic): does not fit (limited by RLIMIT_DATA)'
	assert_line --regexp '^  mode 1 always +fails +RLIMIT_DATA$'
	# 130001 * 4096 + 480000 * 1024 = 1024004096 bytes = 976.57 MiB = 1000004 kB
	assert_line "  - RLIMIT_DATA must be at least 976.57 MiB for this process (its VmData 468.75 MiB plus the request): ulimit -d 1000004"
	# --rlimit-data overrides the process's soft limit; --vmdata its size
	check_json 0 --via mmap $((130001 * 4096)) --pid 4242 --rlimit-data unlimited
	check_json 0 --via mmap $((130001 * 4096)) --pid 4242 --vmdata $((480000 - 4))K
}

@test "RLIMIT_DATA soft 0 (valgrind's setting): the hard limit decides, as may_expand_vm's workaround" {
	use_host seed-24g-noswap
	sed -i 's/^Max data size .*/Max data size             0                    1024000000           bytes     /' "$PROC/4242/limits"
	check_json 0 --via mmap $((130000 * 4096)) --pid 4242
	check_json 1 --via mmap $((130001 * 4096)) --pid 4242
	assert_json '.binding_limit == "rlimit_data"'
	sed -i 's/^Max data size .*/Max data size             0                    unlimited            bytes     /' "$PROC/4242/limits"
	check_json 0 --via mmap $((130001 * 4096)) --pid 4242
}

@test "RLIMIT_DATA and the kernel: ignore_rlimit_data on the command line, 4.5-4.6 defaults, before 4.5" {
	use_host seed-24g-noswap
	echo 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=/dev/sda1 ro ignore_rlimit_data quiet' >"$PROC/cmdline"
	check_json 0 1G --rlimit-data 100M
	assert_json '.binding_limit == "none"'
	run -0 --separate-stderr ovc simulate --json --rlimit-data 100M
	assert_json '.host.rlimit_data_enforced == false and .modes[0].binding_limit != "rlimit_data"'
	echo 'ro ignore_rlimit_data=0' >"$PROC/cmdline"
	check_json 1 1G --rlimit-data 100M
	assert_json '.binding_limit == "rlimit_data"'
	run -0 --separate-stderr ovc simulate --json --rlimit-data 100M
	assert_json '.host.rlimit_data_enforced == true and .modes[0].max_alloc_kb == 102400
		and .modes[0].binding_limit == "rlimit_data"'
	rm "$PROC/cmdline"
	echo 4.6.7 >"$PROC/sys/kernel/osrelease"
	check_json 0 1G --rlimit-data 100M
	echo 'ignore_rlimit_data=n' >"$PROC/cmdline"
	check_json 1 1G --rlimit-data 100M
	echo 4.4.0 >"$PROC/sys/kernel/osrelease"
	check_json 0 1G --rlimit-data 100M
}

@test "check on this host under the caller's ulimit -d: RLIMIT_DATA binds; the advice says what it assumes" {
	if ovc_under_valgrind; then skip "valgrind: its own mappings count in ovc's VmData"; fi
	is_sanitized && skip "a sanitizer's shadow mappings count in VmData"
	# read-only, on the live /proc: ovc inherits the limit as the user's next program would
	run -1 --separate-stderr bash -c 'ulimit -d 100000 && exec "$@"' _ "$OVC" check 500M --json
	assert_json '.binding_limit == "rlimit_data" and .fits == false'
	assert_json '[.modes[].binding_limit] | unique == ["rlimit_data"]'
	assert_json '.advice[0] | .action == "raise_rlimit_data" and .includes_process_size == false'
	run -1 --separate-stderr bash -c 'ulimit -d 100000 && exec "$@"' _ "$OVC" check 500M
	assert_line "  - RLIMIT_DATA must exceed the process's own VmData by 500.00 MiB: ulimit -d <VmData in kB + 512004> (its VmData is not known here: --pid PID or --vmdata gives the exact value)"
	run -0 --separate-stderr bash -c 'ulimit -d 100000 && exec "$@"' _ "$OVC" simulate --json
	assert_json '.modes[] | .max_alloc_kb == 100000 and .binding_limit == "rlimit_data"'
}

@test "--pid: CAP_SYS_ADMIN (CapEff bit 21) in the initial user namespace waives the admin reserve" {
	use_host seed-24g-noswap
	# mode 2 what-if; pid 1 and pid 4243 both have VmSize 167744 kB (41936 pages: /32 = 1310)
	local cl=$(($(mi CommitLimit) / 4)) c=$(($(mi Committed_AS) / 4)) band=24102
	local sure_admin=$((cl - 1310 - c - 1 - band))
	check_json 0 --mode 2 --via mmap $((sure_admin * 4096)) --pid 1
	assert_json '.process | .admin == true and .cap_sys_admin == true and .initial_userns == true
		and .name == "systemd" and .rlimit_as_bytes == null'
	# 4243: uid 0 but CapEff 000001ffffdfffff (bit 21 clear): pays the 2048-page admin reserve
	check_json 1 --mode 2 --via mmap $((sure_admin * 4096)) --pid 4243
	assert_json '.process | .admin == false and .cap_sys_admin == false and .initial_userns == true'
	assert_json '.verdict == "borderline"'
	check_json 0 --mode 2 --via mmap $(((sure_admin - 2048) * 4096)) --pid 4243
	# 31337: bit 21 set, but root of a user namespace (uid_map 0 100000 65536): not admin
	check_json 1 --mode 2 --via mmap $((sure_admin * 4096)) --pid 31337
	assert_json '.process | .admin == false and .cap_sys_admin == true and .initial_userns == false'
	run -1 ovc check --mode 2 --via mmap $((sure_admin * 4096)) --pid 31337
	assert_line 'Process: 31337 (postgres), VmSize 11.72 MiB, without CAP_SYS_ADMIN (it holds it only inside a user namespace)'
	run -0 ovc check --mode 2 --via mmap $((sure_admin * 4096)) --pid 1
	assert_line --regexp '^Process: 1 \(systemd\), VmSize 163\.81 MiB, with CAP_SYS_ADMIN'
}

@test "--pid without uid_map or limits: initial namespace and no RLIMIT_AS assumed" {
	use_host seed-24g-noswap
	rm "$PROC/1/uid_map" "$PROC/1/limits"
	check_json 0 1G --pid 1
	assert_json '.process | .admin == true and .initial_userns == null and .rlimit_as_bytes == null'
	run -0 ovc check 1G --pid 1
	assert_line --regexp '^Process: 1 \(systemd\), .* with CAP_SYS_ADMIN \(no uid_map: the initial user namespace is assumed\)$'
}

@test "--pid of a process without VmSize (a kernel thread): 'VmSize unknown', as JSON's null" {
	use_host seed-24g-noswap
	sed -i '/^Vm/d' "$PROC/4242/status"
	run -0 ovc check 1G --pid 4242
	assert_line 'Process: 4242 (python3), VmSize unknown (the full user reserve is charged), without CAP_SYS_ADMIN'
	refute_output --partial 'VmSize 0 B'
	check_json 0 1G --pid 4242
	assert_json '.process.vmsize_kb == null'
}

@test "--pid: a process name that is not UTF-8 still gives valid (UTF-8) JSON" {
	use_host seed-24g-noswap
	sed -i 's/^Name:.*/Name:\tpy\xffthon/' "$PROC/4242/status"
	check_json 0 1G --pid 4242
	iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null || fail "stdout is not valid UTF-8"
	assert_json '.process.name | startswith("py") and endswith("thon")'
}

@test "--vmsize overrides the process's VmSize" {
	use_host seed-24g-noswap
	check_json 0 1G --pid 4242 --vmsize 100M
	assert_json '.process.vmsize_kb == 102400'
}

@test "--pid of a process that is not in the tree: exit 6, named" {
	use_host seed-24g-noswap
	run -6 --separate-stderr ovc check 1G --pid 999999
	assert_output ''
	[[ ${stderr_lines[0]} == 'ovc: '*999999* ]]
}

@test "--pid values that are not process IDs: exit 2" {
	use_host seed-24g-noswap
	local p
	for p in abc 0 -1 1.5 '' 2147483648 ' 1' +1; do
		run -2 --separate-stderr ovc check 1G --pid "$p"
		assert_equal "${stderr_lines[0]}" "ovc: invalid --pid '$p': not a process ID"
	done
}

@test "--pid with a malformed status file: exit 6 with PATH:LINE" {
	use_host seed-24g-noswap
	sed -i 's/^VmSize:.*/VmSize:\tlots kB/' "$PROC/4242/status"
	run -6 --separate-stderr ovc check 1G --pid 4242
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/4242/status:18: VmSize is not a number"
	use_host seed-24g-noswap
	sed -i 's/^CapEff:.*/CapEff:\t00000zzz/' "$PROC/1/status"
	run -6 --separate-stderr ovc check 1G --pid 1
	[[ ${stderr_lines[0]} == "ovc: $PROC/1/status:"*": CapEff is not a 64-bit hex mask" ]]
	use_host seed-24g-noswap
	sed -i 's/^Max address space .*/Max address space         lots                 lots                 bytes     /' "$PROC/4242/limits"
	run -6 --separate-stderr ovc check 1G --pid 4242
	assert_equal "${stderr_lines[0]}" "ovc: $PROC/4242/limits:11: soft limit is neither a number nor 'unlimited'"
}

@test "--pid \$\$ on the live /proc works, read-only" {
	run -0 --separate-stderr "$OVC" check 1M --pid $$ --json
	assert_one_json_document
	local vmsize capeff admin=false
	vmsize=$(awk '$1 == "VmSize:" { print $2 }' /proc/$$/status)
	capeff=$(awk '$1 == "CapEff:" { print $2 }' /proc/$$/status)
	if (((0x$capeff >> 21) & 1)) && [[ $(tr -s ' ' <"/proc/$$/uid_map") == ' 0 0 4294967295' ]]; then
		admin=true
	fi
	assert_json --argjson p $$ '.process.pid == $p and .fits == true'
	assert_json --argjson a "$admin" '.process.admin == $a'
	assert_json '.process.vmsize_kb > 0'
	[[ -n $vmsize ]]
}

@test "NumPy under ulimit -d: check --pid agrees with np.empty just below and just above the limit" {
	local py=/usr/bin/python3
	"$py" -c 'import numpy' 2>/dev/null || fail "Debian's python3-numpy is missing (./bootstrap installs it)"
	# a NumPy process with RLIMIT_DATA 400000 kB that allocates the sizes it is sent
	coproc NP { ulimit -d 400000 && exec "$py" -c '
import sys, numpy as np
print("ready", flush=True)
for line in sys.stdin:
    try:
        a = np.empty(int(line), dtype=np.uint8)
        del a
        print("ok", flush=True)
    except MemoryError:
        print("MemoryError", flush=True)
'; }
	local pid=$NP_PID reply vmdata room
	BG_PIDS=("$pid")
	# shellcheck disable=SC2317 # called by bats
	teardown() { kill_bg_pids; }
	read -r -t 20 reply <&"${NP[0]}" && [[ $reply == ready ]] || fail "python did not start: $reply"
	vmdata=$(awk '$1 == "VmData:" { print $2 }' "/proc/$pid/status")
	room=$(((400000 - vmdata) * 1024))
	# 1 MiB either side: the interpreter's own small allocations move VmData a little
	run -0 --separate-stderr "$OVC" check $((room - 1048576)) --pid "$pid" --json
	assert_json '.fits == true'
	echo $((room - 1048576)) >&"${NP[1]}"
	read -r -t 20 reply <&"${NP[0]}"
	assert_equal "$reply" ok
	run -1 --separate-stderr "$OVC" check $((room + 1048576)) --pid "$pid" --json
	assert_json '.binding_limit == "rlimit_data" and .process.rlimit_data_bytes == 409600000'
	echo $((room + 1048576)) >&"${NP[1]}"
	read -r -t 20 reply <&"${NP[0]}"
	assert_equal "$reply" MemoryError
	# end of input: the interpreter exits by itself
	local w=${NP[1]}
	exec {w}>&-
	wait "$pid"
}

# --- --init: how NumPy creates the array ------------------------------------------------

@test "--init ones larger than RAM + swap: mode 1 is not offered, the OOM killer is named" {
	use_host seed-24g-noswap   # 24684092 kB RAM, no swap
	check_json 1 --shape 40000,100000 --dtype f8 --init ones
	assert_json '.numpy | .init == "ones" and .writes_pages == true and .exceeds_ram_swap == true'
	assert_json '.modes[1].fits == true'
	assert_json '[.advice[].action] == ["written_beyond_memory", "add_swap", "use_memmap"]'
	assert_json '.advice[0].text | contains("mode 1 would accept it and the OOM killer would end the process")'
	# np.zeros (the default) of the same shape: untouched pages, so mode 1 is the advice
	check_json 1 --shape 40000,100000 --dtype f8
	assert_json '.numpy | .init == "zeros" and .writes_pages == false and .exceeds_ram_swap == false'
	assert_json '.advice[0].action == "set_mode_1" and (.advice[0].text | contains("sparse arrays (np.empty, np.zeros)"))'
	run -1 ovc check --shape 40000,100000 --dtype f8 --init full
	assert_line 'Written in full when it is created (np.full): every page needs RAM or swap at once'
	assert_line 'warning: that is more than RAM + swap (23.54 GiB): filling it ends in the OOM killer, whatever the overcommit mode'
}

@test "--init ones that RAM + swap can hold: mode 1 is advised with the size it needs at once" {
	use_host seed-24g-noswap
	# 16 GB in mode 2 (CommitLimit 12342044 kB): fails, mode 1 accepts, RAM can back it
	check_json 1 --mode 2 --shape 2000000000 --dtype f8 --init ones
	assert_json '.numpy.exceeds_ram_swap == false and .advice[0].action == "set_mode_1"'
	assert_json '.advice[0].text | contains("written in full when it is created") and contains("needs 14.90 GiB of RAM + swap free at once")'
}

@test "an object dtype is written when created whatever --init says (PyArray_Empty fills None)" {
	use_host seed-24g-noswap
	check_json 1 --shape 40000,100000 --dtype O --init empty
	assert_json '.numpy | .writes_pages == true and .exceeds_ram_swap == true'
	assert_json '.advice[0].action == "written_beyond_memory"'
	run -1 ovc check --shape 40000,100000 --dtype object
	assert_line 'Written in full when it is created (dtype object: NumPy fills every item): every page needs RAM or swap at once'
	# a pasted error of an object array
	check_json 1 --numpy-error 'MemoryError: Unable to allocate 29.8 GiB for an array with shape (40000, 100000) and data type object'
	assert_json '.numpy.writes_pages == true and .advice[0].action == "written_beyond_memory"'
	check_json 1 --init ones --numpy-error 'MemoryError: Unable to allocate 29.8 GiB for an array with shape (40000, 100000) and data type float64'
	assert_json '.numpy | .init == "ones" and .writes_pages == true'
}

@test "--init: only with --shape or --numpy-error, and only the four ways" {
	use_host seed-24g-noswap
	run -2 --separate-stderr ovc check 1G --init ones
	assert_equal "${stderr_lines[0]}" "ovc: --init goes with --shape or --numpy-error: how NumPy creates the array"
	run -2 --separate-stderr ovc check --shape 10 --init random
	assert_equal "${stderr_lines[0]}" "ovc: invalid --init 'random': empty, zeros, ones or full"
	check_json 0 --shape 10 --init empty
	assert_json '.numpy | .init == "empty" and .writes_pages == false'
}

@test "a pasted error that fits here lists what ovc cannot see, less what the options gave" {
	use_host seed-24g-noswap
	local msg='MemoryError: Unable to allocate 1.00 GiB for an array with shape (134217728,) and data type float64'
	check_json 0 --numpy-error "$msg"
	# a saved tree (--proc) is the machine it ran on: that one is not listed
	assert_json '[.cannot_see[].id] == ["process_limits", "process_size", "committed_as_then"]'
	check_json 0 --numpy-error "$msg" --pid 4242 --committed 1G
	assert_json '.cannot_see == []'
	run -0 --separate-stderr ovc check --numpy-error "$msg"
	assert_line "NumPy failed where it ran, yet it fits here now. What ovc cannot see from here:"
	assert_line "  - its own size, which those limits and mode 2's user reserve count: give --pid PID, or --vmsize and --vmdata"
	# on this host's /proc the machine is listed too (read-only)
	run -0 --separate-stderr "$OVC" check --json --numpy-error "$msg"
	assert_json '[.cannot_see[].id] | index("other_host") != null'
	# it does not fit: the reason is known, nothing is listed
	check_json 1 --numpy-error "$msg" --rlimit-as 512M
	assert_json 'has("cannot_see") | not'
	# SIZE and --shape are questions, not failures: no list
	check_json 0 1G
	assert_json 'has("cannot_see") | not'
}

@test "--shape that does not fit: the largest leading dimension that does, and a memmap line for the whole" {
	use_host seed-24g-noswap
	# A chunk is allocated and then worked on, so written: it must fit the allocation and
	# what can be written now. On a what-if host (--mem: nothing else runs) the allocation
	# binds: 13049 rows x 1937016 bytes: malloc asks 6170929 pages <= RAM (6171023); 13050
	# need 6171402
	check_json 1 --shape 156816,36,53806 --dtype uint8 --mem 24684092K
	assert_json '.chunking == {"rows": 13049, "of_rows": 156816, "chunk_bytes": 25276121784, "chunks": 13,
		"memmap": "np.memmap('"'"'/path/on/disk/array.dat'"'"', dtype='"'"'uint8'"'"', mode='"'"'w+'"'"', shape=(156816, 36, 53806))",
		"bound_by": "allocation"}'
	check_json 0 --shape 13049,36,53806 --dtype uint8 --mem 24684092K
	assert_json 'has("chunking") | not'
	check_json 1 --shape 13050,36,53806 --dtype uint8 --mem 24684092K
	assert_json '.chunking.rows == 13049 and .chunking.chunks == 2'
	run -1 ovc check --shape 156816,36,53806 --dtype uint8 --mem 24684092K
	assert_line "In chunks: up to 13049 of the 156816 rows fit in one allocation now, shape (13049, 36, 53806), 23.54 GiB each; 13 such chunks, one at a time, cover the whole array"
	assert_line "    a = np.memmap('/path/on/disk/array.dat', dtype='uint8', mode='w+', shape=(156816, 36, 53806))"
	# The host as it is: MemAvailable 22917448 kB (no swap) is what can be written now,
	# 23467466752 bytes: 12115 rows (23466948840 bytes), not 12116 (23468885856)
	check_json 1 --shape 156816,36,53806 --dtype uint8
	assert_json '.chunking | .rows == 12115 and .chunks == 13 and .bound_by == "touch"'
	run -1 ovc check --shape 156816,36,53806 --dtype uint8
	assert_line "In chunks: up to 12115 of the 156816 rows can be allocated and written now (the RAM + swap free now binds, see Write), shape (12115, 36, 53806), 21.86 GiB each; 13 such chunks, one at a time, cover the whole array"
	# 13049 rows are allocated but cannot all be written: chunks all the same
	check_json 0 --shape 13049,36,53806 --dtype uint8
	assert_json '.touch.fits == false and .chunking.rows == 12115 and .chunking.chunks == 2'
	# the pasted seed error gets the same answer
	check_json 1 --numpy-error "$SEED_MSG"
	assert_json '.chunking.rows == 12115'
	# one dimension: chunks of elements; a single row: no chunking
	check_json 1 --shape 4000000000 --dtype f8 --mem 24684092K
	# 3159563773 x 8 bytes: 6171023 pages through malloc, one element more: 6171024
	assert_json '.chunking | .rows == 3159563773 and .of_rows == 4000000000 and .chunks == 2'
	check_json 1 --shape 1,40000000000 --dtype f8
	assert_json 'has("chunking") | not'
}

@test "--shape in a cgroup: chunks that can be written there (memory.max binds, not the allocation)" {
	use_host cgroup-v2
	# /plain's room 3670016 kB = 3758096384 bytes; rows of 8000000 bytes: 469 (3752000000)
	run -0 --separate-stderr ovc --root "$HOST" check --shape 1000,1000,1000 --dtype f8 --json
	assert_json '.fits == true and .touch.fits == false and .touch.binding_limit == "cgroup"'
	assert_json '.chunking | .rows == 469 and .chunks == 3 and .chunk_bytes == 3752000000 and .bound_by == "touch"'
	run -0 ovc --root "$HOST" check --shape 1000,1000,1000 --dtype f8
	assert_line --partial "In chunks: up to 469 of the 1000 rows can be allocated and written now (the cgroup's memory limit binds, see Write)"
}

# --- --fork PID: what dup_mmap charges ---------------------------------------------------

@test "--fork PID: the fork's charge from its smaps, summed in mode 2, one mapping at a time in mode 0" {
	use_host top-small
	# 100: 1 GiB + 1 MiB of "ac", the 1 MiB "dc" (MADV_DONTFORK): a fork charges 1 GiB
	check_json 0 --fork 100
	assert_json '.via == "fork" and .fork == {"pid": 100, "comm": "postgres", "fork_kb": 1048576,
		"largest_kb": 1048576, "mappings": 1, "commit_kb": 1049600}'
	# mode 2 at ratio 5 of 24 GiB: CommitLimit 1.18 GiB, Committed_AS 2.10 GiB: no room
	check_json 1 --fork 100 --mode 2 --ratio 5
	assert_json '.binding_limit == "commit_limit" and .modes[0].fits and .modes[1].fits'
	assert_json '[.advice[].action] == ["set_mode_1", "set_mode_0", "set_ratio", "set_kbytes"]'
	assert_json '.advice[0].text | contains("copy-on-write")'
	# two mappings of 600 MiB on a 1 GiB host: mode 0 checks each alone and lets it through
	mkdir "$PROC/700"
	printf 'Name:\tredis-server\nVmSize:\t1300000 kB\nCapEff:\t0000000000000000\n' >"$PROC/700/status"
	printf '%s\nVmFlags: rd wr ac \n' '10000000-35800000 rw-p 00000000 00:00 0' \
		'40000000-65800000 rw-p 00000000 00:00 0' >"$PROC/700/smaps"
	check_json 0 --fork 700 --mem 1G --swap 0 --committed 0
	assert_json '.fork | .fork_kb == 1228800 and .largest_kb == 614400 and .mappings == 2'
	assert_json '.modes[0].fits == true'
	check_json 1 --fork 700 --mem 1G --swap 0 --committed 0 --mode 2 --ratio 100
	run -1 ovc check --fork 700 --mem 1G --swap 0 --committed 0 --mode 2 --ratio 100
	assert_line 'Fork of 700 (redis-server): 1.17 GiB to charge, 2 mappings (VM_ACCOUNT, less MADV_DONTFORK), the largest 600.00 MiB; its own charge 1.17 GiB'
	run -2 --separate-stderr ovc check --fork 100 --pid 100
	assert_equal "${stderr_lines[0]}" "ovc: --fork PID is the process already: no --pid"
	run -2 --separate-stderr ovc check 1G --fork 100
	[[ ${stderr_lines[0]} == "ovc: give one of SIZE, --shape, --numpy-error or --fork" ]] || fail "$stderr"
	run -6 --separate-stderr ovc check --fork 999
	[[ $stderr == *"no process 999"* ]] || fail "$stderr"
}

@test "--fork of a process on this host: its charge equals its smaps' ac less dc" {
	local want
	want=$(awk '/^[0-9a-f]+-/ { size = 0 } $1 == "Size:" { size = $2 }
		$1 == "VmFlags:" && / ac / && !/ dc / { s += size } END { print s + 0 }' "/proc/$$/smaps")
	run -0 --separate-stderr "$OVC" check --fork $$ --json
	assert_json --argjson w "$want" --argjson p $$ '.fork.pid == $p and .fork.fork_kb == $w'
}
