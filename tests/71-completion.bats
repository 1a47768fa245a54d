#!/usr/bin/env bats
# 71-completion.bats - contrib/bash-completion/ovc, called as bash calls it: COMP_WORDS and
# COMP_CWORD set, then _ovc. Commands and each command's options are checked against
# ovc's own --help (every option listed there is completed) and against its option parser
# (every option completed is accepted), so the completion cannot go stale silently; values
# offered for an option are values ovc accepts; profile names come from
# "ovc [--root DIR] profile list", under the --root on the line. With and without the
# bash-completion package's bash_completion loaded.

load helpers/common

COMPLETION=$REPO_DIR/contrib/bash-completion/ovc

# Not in the valgrind tier: these ~150 runs only parse options and list profiles (paths
# the other files run under memcheck), and memcheck would take a minute.
BASH_COMPLETION=/usr/share/bash-completion/bash_completion

setup() {
	skip_under_valgrind "option parsing and profile lists, run under memcheck elsewhere"
	# "ovc" on PATH is the binary under test
	FAKEBIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$FAKEBIN"
	ln -sf "$OVC" "$FAKEBIN/ovc"
	NONE=$BATS_TEST_TMPDIR/none   # --proc and --root for parse-only runs: never there
}

# comp [--bc] WORD... : the completions of the last WORD (COMP_CWORD is the last), one a
# line, sorted, in $output. --bc: with bash-completion's bash_completion sourced first.
comp() {
	local pre=:

	if [[ $1 == --bc ]]; then
		[[ -r $BASH_COMPLETION ]] || no_tool "bash-completion not installed"
		pre="source $BASH_COMPLETION"
		shift
	fi
	run -0 --separate-stderr env PATH="$FAKEBIN:$PATH" bash --norc --noprofile -c "$pre"'
		source "$1" || exit 99
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_ovc "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" ||
			exit 98
		((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort
		exit 0' _ "$COMPLETION" "$@"
	[[ -z $stderr ]] || fail "the completion wrote to stderr: $stderr"
}

# The commands, as "ovc --help" lists them.
help_commands() {
	"$OVC" --help | awk '/^Commands/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# The long options "ovc [CMD] --help" lists: in its Usage line and in its option column
# (the text before the description), not those only mentioned in a description.
help_options() {
	"$OVC" "$@" --help | awk '
		/^Usage:/ { print; next }
		/^ +-/ { sub(/^ +/, ""); sub(/  .*/, ""); print }' |
		grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u
}

# The options the completion offers after "ovc WORDS... -", "--audit=" as "--audit".
comp_options() {
	comp ovc "$@" -
	sed 's/=$//' <<<"$output" | grep -- '^--' | LC_ALL=C sort -u
}

# Is OPT accepted by ovc's option parser after WORDS? "OPT=1 --help": getopt reads the
# option (a value error or "doesn't allow an argument" are fine), then --help exits; only
# "unrecognized option" means no. Nothing runs: every path leads to --help or an error.
accepted() {
	local opt=$1

	shift
	(cd "$BATS_TEST_TMPDIR" && "$OVC" --proc "$NONE" --root "$NONE" "$@" "$opt=1" --help \
		2>&1 >/dev/null) | grep -q 'unrecognized option' && return 1
	return 0
}

# A root with the shipped profiles where this ovc looks for them, plus a local one.
make_root() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/ovc/profiles"
	local shipped
	shipped=$("$OVC" --root "$ROOT" profile list --json | jq -r '.dirs[1]')
	[[ $shipped == "$ROOT"/* ]] || fail "shipped profiles outside --root: $shipped"
	mkdir -p "$shipped"
	cp "$REPO_DIR"/profiles/*.profile "$shipped/"
	printf 'description = a local one\nmode = 1\n' >"$ROOT/etc/ovc/profiles/zz-local.profile"
	chmod -R go-w "$ROOT"
	chmod 644 "$ROOT/etc/ovc/profiles/zz-local.profile"
	PROFILES=$("$OVC" --root "$ROOT" profile list --json | jq -r '.profiles[].name' | LC_ALL=C sort)
	[[ $PROFILES == *zz-local* && $PROFILES == *strict* ]] || fail "profiles: $PROFILES"
}

@test "the commands are exactly those of ovc --help" {
	local want
	want=$(help_commands | LC_ALL=C sort)
	(($(wc -l <<<"$want") >= 9))
	comp ovc ''
	assert_output "$want"
	comp ovc pro
	assert_output $'probe\nprofile'
	# after global options and their values too
	comp ovc --json --proc /tmp --root=/ s
	assert_output $'set\nsimulate\nstatus'
}

@test "global options: every one of ovc --help, and each is accepted before a command" {
	local o
	comp ovc -
	for o in $(help_options); do
		assert_line -- "$o"
	done
	for o in --root --version -V -h; do
		assert_line -- "$o"
	done
	for o in $(grep -- '^--' <<<"$output"); do
		[[ $o == --version ]] && continue   # --version=1 would be its own error
		(cd "$BATS_TEST_TMPDIR" && "$OVC" "$o=1" --help 2>&1 >/dev/null) |
			grep -q 'unrecognized option' && fail "ovc does not know $o"
	done
	run -0 "$OVC" --version
}

@test "every long option of 'ovc CMD --help' is completed for CMD, for every command" {
	local cmd o n=0 have
	for cmd in $(help_commands); do
		have=$(comp_options "$cmd")
		for o in $(help_options "$cmd"); do
			grep -qx -- "$o" <<<"$have" || fail "ovc $cmd --help lists $o; the completion does not offer it"
			n=$((n + 1))
		done
		comp ovc "$cmd" -
		assert_line -- -h
	done
	((n > 60))
}

@test "profile's subcommands are those of its Usage line" {
	local subs s
	subs=$("$OVC" profile --help | sed -n 's/^Usage: ovc profile //p' | tr -d '[]' |
		grep -oE '(^|[ |])[a-z]+( |$)' | tr -d ' |' | grep -vx options)
	(($(wc -l <<<"$subs") >= 3))
	comp ovc profile ''
	for s in $subs; do
		assert_line "$s"
	done
}

@test "every option completed is one ovc's parser accepts there" {
	local cmd o sub
	for cmd in $(help_commands); do
		[[ $cmd == profile ]] && continue
		for o in $(comp_options "$cmd"); do
			accepted "$o" "$cmd" || fail "the completion offers $o for $cmd; ovc $cmd rejects it"
		done
	done
	# profile: per subcommand ("ovc profile NAME" applies NAME)
	make_root
	for sub in list show apply export; do
		for o in $(comp_options --root "$ROOT" profile "$sub"); do
			accepted "$o" profile "$sub" ||
				fail "the completion offers $o for profile $sub; ovc rejects it"
		done
	done
	assert_equal "$(comp_options --root "$ROOT" profile strict)" \
		"$(comp_options --root "$ROOT" profile apply strict)"
	# before the subcommand: the options of every subcommand
	local all
	all=$(comp_options profile)
	for sub in list show apply export; do
		for o in $(comp_options profile "$sub"); do
			grep -qx -- "$o" <<<"$all" || fail "ovc profile - misses $o of $sub"
		done
	done
}

@test "a writer's --audit completes as --audit= and then its values" {
	comp ovc set --au
	assert_output '--audit='
	comp ovc set --audit = ''
	assert_output $'auto\noff\non'
	comp ovc set --audit = o
	assert_output $'off\non'
	comp ovc reset --audit=o   # '=' not a word break: the reply keeps the option
	assert_output $'--audit=off\n--audit=on'
}

@test "option values offered are values ovc accepts" {
	local v
	comp ovc status --format ''
	assert_output $'json\nnagios\nprometheus\ntext'
	for v in $output; do
		run -0 "$OVC" --proc "$NONE" status --format "$v" --help
	done
	comp ovc status --format = p
	assert_output prometheus
	comp ovc status --format=p
	assert_output --format=prometheus
	comp ovc status --format nagios --drift ''
	assert_output $'critical\nok\nwarning'
	for v in $output; do
		run -0 "$OVC" --proc "$NONE" status --format nagios --drift "$v" --help
	done

	comp ovc simulate --mode ''
	assert_output $'0\n1\n2'
	for v in $output; do
		run -0 "$OVC" --proc "$NONE" simulate --mode "$v" --help
	done
	comp ovc check --via ''
	assert_output $'malloc\nmmap'
	for v in $output; do
		run -0 "$OVC" --proc "$NONE" check --via "$v" --help
	done
	comp ovc set --audit ''
	for v in $output; do
		run -0 "$OVC" --proc "$NONE" --root "$NONE" set --audit "$v" --help
	done
	comp ovc profile export --format ''
	(($(wc -l <<<"$output") >= 2))
	for v in $output; do
		run -0 "$OVC" --proc "$NONE" profile export --format "$v" --help
	done
	comp ovc check --rlimit-as u
	assert_output unlimited
	comp ovc simulate --rlimit-data u
	assert_output unlimited
	comp ovc check --numpy-error ''
	assert_equal "$output" -
	# sizes, ratios, shapes: nothing to offer, and not the commands or files
	comp ovc simulate --ratio ''
	assert_output ''
	comp ovc check --shape ''
	assert_output ''
}

@test "--dtype: NumPy names, every one of which ovc check takes" {
	use_host seed-24g-noswap
	comp ovc check --dtype ''
	local dtypes=$output v
	(($(wc -l <<<"$dtypes") >= 15))
	for v in $dtypes; do
		run --separate-stderr ovc check --shape 10 --dtype "$v"
		((status == 0 || status == 1)) || fail "ovc check --dtype $v: exit $status: $stderr"
	done
	comp ovc check --dtype float
	assert_output $'float128\nfloat16\nfloat32\nfloat64'
	comp ovc check --shape 3,4 --dtype = ui
	assert_output $'uint16\nuint32\nuint64\nuint8\nuintp'
}

@test "--proc and --root complete directories only; --pid, process IDs" {
	local d=$BATS_TEST_TMPDIR/t
	mkdir -p "$d/dir1" "$d/dir2"
	: >"$d/file"
	comp ovc --proc "$d/"
	assert_output "$d/dir1"$'\n'"$d/dir2"
	comp ovc status --root "$d/d"
	assert_output "$d/dir1"$'\n'"$d/dir2"
	comp ovc check --pid 1
	assert_line 1
	refute_line --regexp '[^0-9]'
}

@test "profile names come from ovc profile list under the --root on the line" {
	make_root
	comp ovc --root "$ROOT" profile ''
	assert_output "$(printf '%s\n' apply export list show $PROFILES | LC_ALL=C sort)"
	comp ovc --root "$ROOT" profile show s
	assert_output $'sparse-arrays\nstrict'
	comp ovc --root "$ROOT" profile apply zz
	assert_output zz-local
	comp ovc --root "$ROOT" profile export ''
	assert_output "$PROFILES"
	# --root after the command, as one word, or split at '=' by bash
	comp ovc profile --root "$ROOT" show zz
	assert_output zz-local
	comp ovc --root="$ROOT" profile show zz
	assert_output zz-local
	comp ovc --root = "$ROOT" profile show zz
	assert_output zz-local
	comp ovc verify --root "$ROOT" --profile st
	assert_output strict
	# a name given: nothing more to name; options still complete
	comp ovc --root "$ROOT" profile show strict ''
	assert_output ''
	comp ovc --root "$ROOT" profile strict --per
	assert_output --persist
	comp ovc --root "$ROOT" profile list ''
	assert_output ''
}

@test "profile names: the ovc on the line is asked; no ovc at all is no error" {
	make_root
	run -0 --separate-stderr env PATH=/usr/bin:/bin bash --norc --noprofile -c '
		source "$1"
		COMP_WORDS=("$2" --root "$3" profile show z); COMP_CWORD=5
		_ovc; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$OVC" "$ROOT"
	assert_output zz-local
	run -0 --separate-stderr env PATH=/usr/bin:/bin bash --norc --noprofile -c '
		source "$1"
		COMP_WORDS=(ovc --root "$2" profile show z); COMP_CWORD=5
		_ovc; echo "${#COMPREPLY[@]}"' _ "$COMPLETION" "$ROOT"
	[[ -z $stderr ]]
	[[ -x /usr/bin/ovc || -x /bin/ovc ]] || assert_output 0
}

@test "with bash-completion loaded: registered for ovc, the same answers" {
	[[ -r $BASH_COMPLETION ]] || no_tool "bash-completion not installed"
	run -0 bash --norc --noprofile -c "source $BASH_COMPLETION; source '$COMPLETION'; complete -p ovc"
	assert_output 'complete -F _ovc ovc'
	make_root
	local w
	for w in "ovc s" "ovc status --format p" "ovc set --audit = o" "ovc check --dtype int" \
		"ovc --root $ROOT profile show s" "ovc verify -"; do
		# shellcheck disable=SC2086
		comp $w
		local plain=$output
		# shellcheck disable=SC2086
		comp --bc $w
		assert_equal "$output" "$plain"
	done
	comp ovc status --format ''
	assert_output $'json\nnagios\nprometheus\ntext'
}

@test "sourcing the completion defines only _ovc names and registers only ovc" {
	run -0 bash --norc --noprofile -c '
		before=$(compgen -v; compgen -A function)
		source "$1"
		after=$(compgen -v; compgen -A function)
		comm -13 <(sort <<<"$before") <(sort <<<"$after") | grep -v "^_ovc" | grep -vxE "before|PIPESTATUS"
		complete -p | grep -v " ovc$"
		exit 0' _ "$COMPLETION"
	assert_output ''
}
