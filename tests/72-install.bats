#!/usr/bin/env bats
# 72-install.bats - make install / uninstall into a DESTDIR (never the host's /usr or
# /etc): every file in its FHS place with its mode, DATADIR compiled in, the man pages
# naming the installed paths, the completion where bash-completion finds it; uninstall
# leaves no file; make dist gives a reproducible tarball that builds and tests by itself.
# Builds go to their own folders (make B=...): the build/ under test is never touched.

load helpers/common

# make in the source tree, isolated from an outer make (jobserver, command-line variables)
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$REPO_DIR" SANITIZE= "$@"
}

# make in the unpacked tarball (setup_file), always with -Werror (DEV=1: one set of flags,
# one build)
tmk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$TB" SANITIZE= DEV=1 "$@"
}

# Two builds in all: the source tree with PREFIX=/usr, and the release tarball (made by
# make dist, unpacked) with the default PREFIX, -Werror, its unit tests run.
setup_file() {
	ovc_under_valgrind && return 0   # skipped in setup: it builds, runs no memory path
	export VERSION USR_B USR_D LOCAL_D TB DIST=$BATS_FILE_TMPDIR/dist
	VERSION=$(sed -n 's/^VERSION *:= *//p' "$REPO_DIR/Makefile")
	USR_B=$BATS_FILE_TMPDIR/b-usr USR_D=$BATS_FILE_TMPDIR/d-usr LOCAL_D=$BATS_FILE_TMPDIR/d-local
	TB=$DIST/ovc-$VERSION
	mk -s -j2 B="$USR_B" PREFIX=/usr DESTDIR="$USR_D" install >/dev/null
	mkdir -p "$DIST"
	mk -s dist DISTDIR="$DIST" >/dev/null
	tar -xzf "$DIST/ovc-$VERSION.tar.gz" -C "$DIST"
	tmk -s -j2 all check-unit >"$BATS_FILE_TMPDIR/tarball-unit.log" 2>&1
	tmk -s DESTDIR="$LOCAL_D" install >/dev/null
}

setup() {
	skip_under_valgrind "install layout and the tarball: it builds ovc, it runs no memory path"
}

# every non-directory under $1 as "MODE PATH", sorted
tree() {
	(cd "$1" && find . ! -type d -printf '%m %P\n' | LC_ALL=C sort)
}

# the profiles of the source tree under directory $1, as tree() prints them
profiles_at() {
	local f
	for f in "$REPO_DIR"/profiles/*.profile; do
		echo "644 $1/$(basename "$f")"
	done | LC_ALL=C sort
}

@test "PREFIX=/usr: sbin, lib/ovc, share/man, share/ovc/profiles, the completion; modes; nothing else" {
	local want
	want=$({
		echo '755 usr/sbin/ovc'
		echo '644 usr/lib/ovc/audit.so'
		echo '644 usr/share/man/man8/ovc.8'
		echo '644 usr/share/man/man5/ovc-profile.5'
		echo '644 usr/share/bash-completion/completions/ovc'
		profiles_at usr/share/ovc/profiles
	} | LC_ALL=C sort)
	assert_equal "$(tree "$USR_D")" "$want"
	# directories 0755, none writable by others
	run -0 find "$USR_D" -type d ! -perm 755
	assert_output ''
	cmp "$USR_D/usr/share/bash-completion/completions/ovc" "$REPO_DIR/contrib/bash-completion/ovc"
}

@test "default PREFIX: everything under /usr/local" {
	local want
	want=$({
		echo '755 usr/local/sbin/ovc'
		echo '644 usr/local/lib/ovc/audit.so'
		echo '644 usr/local/share/man/man8/ovc.8'
		echo '644 usr/local/share/man/man5/ovc-profile.5'
		echo '644 usr/local/share/bash-completion/completions/ovc'
		profiles_at usr/local/share/ovc/profiles
	} | LC_ALL=C sort)
	assert_equal "$(tree "$LOCAL_D")" "$want"
}

@test "the audit module: only it needs libmnl, it exports one symbol, ovc names its installed path" {
	local ovc=$USR_D/usr/sbin/ovc mod=$USR_D/usr/lib/ovc/audit.so
	# ovc itself does not load libmnl at start (a command that never audits does not pay)
	run -0 readelf -d "$ovc"
	refute_output --partial 'libmnl'
	assert_output --partial '[libcap.so.2]'
	run -0 readelf -d "$mod"
	assert_output --partial '[libmnl.so.0]'
	assert_output --partial 'BIND_NOW'
	run -0 nm -D --defined-only "$mod"
	assert_equal "$(awk '{print $NF}' <<<"$output")" ovc_audit_module
	# the path compiled in is PKGLIBDIR's, never the build tree's
	assert_equal "$(grep -ao '/[[:alnum:]/._+-]*/ovc/audit\.so' "$ovc" | sort -u)" /usr/lib/ovc/audit.so
	assert_equal "$(grep -ao '/[[:alnum:]/._+-]*/ovc/audit\.so' "$LOCAL_D/usr/local/sbin/ovc" | sort -u)" \
		/usr/local/lib/ovc/audit.so
}

@test "DATADIR is compiled in: the installed ovc finds its profiles under --root DESTDIR" {
	local ovc=$USR_D/usr/sbin/ovc names
	grep -qaF /usr/share/ovc "$ovc"
	run -1 grep -qaF /usr/local/share/ovc "$ovc"
	# the shipped directory is DATADIR/profiles, read under --root like every /usr path
	run -0 "$ovc" --root "$USR_D" profile list --json
	assert_json --arg d "$USR_D/usr/share/ovc/profiles" '.dirs[1] == $d'
	assert_json '[.profiles[] | .error] | all(. == null)'
	names=$(cd "$REPO_DIR/profiles" && ls -- *.profile | sed 's/\.profile$//' | LC_ALL=C sort)
	assert_equal "$(jq -r '.profiles[].name' <<<"$output" | LC_ALL=C sort)" "$names"
	# without --root it looks in /usr/share/ovc/profiles of this host (not installed there)
	run -0 "$ovc" profile list --json
	assert_json '.dirs[1] == "/usr/share/ovc/profiles"'
	run -0 "$LOCAL_D/usr/local/sbin/ovc" --root "$LOCAL_D" profile list --json
	assert_json --arg d "$LOCAL_D/usr/local/share/ovc/profiles" '.dirs[1] == $d'
	assert_equal "$(jq -r '.profiles[].name' <<<"$output" | LC_ALL=C sort)" "$names"
	run -0 "$ovc" --version
	assert_output "ovc $VERSION"
}

@test "the installed man pages name the installed paths and still lint" {
	local m8=$USR_D/usr/share/man/man8/ovc.8 m5=$USR_D/usr/share/man/man5/ovc-profile.5
	grep -qF /usr/share/ovc/profiles "$m8"
	grep -qF /usr/share/ovc/profiles "$m5"
	run -1 grep -qF /usr/local/share/ovc "$m8" "$m5"
	# the cron line runs the installed binary
	grep -qF '/usr/sbin/ovc status --format prometheus' "$m8"
	run -1 grep -qF /usr/local/sbin/ovc "$m8"
	grep -qF /usr/local/sbin/ovc "$LOCAL_D/usr/local/share/man/man8/ovc.8"
	command -v mandoc >/dev/null || no_tool "mandoc not installed"
	run -0 mandoc -T lint -W warning "$m8" "$m5"
}

@test "MANDIR, SBINDIR and BASHCOMPDIR override; no rebuild when DATADIR is the same" {
	local d=$BATS_TEST_TMPDIR/d before
	before=$(stat -c %Y.%i "$USR_B/ovc")
	mk -s B="$USR_B" PREFIX=/usr DESTDIR="$d" MANDIR=/usr/man SBINDIR=/sbin \
		BASHCOMPDIR=/etc/bash_completion.d install
	assert_equal "$(stat -c %Y.%i "$USR_B/ovc")" "$before"
	[[ -x $d/sbin/ovc && -f $d/usr/man/man8/ovc.8 && -f $d/etc/bash_completion.d/ovc ]]
	[[ -f $d/usr/share/ovc/profiles/strict.profile ]]
	mk -s B="$USR_B" PREFIX=/usr DESTDIR="$d" MANDIR=/usr/man SBINDIR=/sbin \
		BASHCOMPDIR=/etc/bash_completion.d uninstall
	run -0 find "$d" ! -type d
	assert_output ''
}

@test "uninstall removes every file install wrote, and ovc's emptied directories" {
	local d=$BATS_TEST_TMPDIR/d
	mk -s B="$USR_B" PREFIX=/usr DESTDIR="$d" install
	[[ -n $(find "$d" ! -type d) ]]
	mk -s B="$USR_B" PREFIX=/usr DESTDIR="$d" uninstall
	run -0 find "$d" ! -type d
	assert_output ''
	[[ ! -e $d/usr/share/ovc && ! -e $d/usr/lib/ovc ]]
	# shared directories stay
	[[ -d $d/usr/sbin && -d $d/usr/share/man/man8 ]]
	# twice is fine
	mk -s B="$USR_B" PREFIX=/usr DESTDIR="$d" uninstall
}

@test "uninstall keeps a file it did not install, and its directory" {
	local d=$BATS_TEST_TMPDIR/d
	tmk -s DESTDIR="$d" install
	echo 'mode = 1' >"$d/usr/local/share/ovc/profiles/mine.profile"
	tmk -s DESTDIR="$d" uninstall
	assert_equal "$(tree "$d")" '644 usr/local/share/ovc/profiles/mine.profile'
}

@test "bash-completion loads the installed completion from its directory, on demand" {
	local bc=/usr/share/bash-completion/bash_completion
	[[ -r $bc ]] || no_tool "bash-completion not installed"
	run -0 env XDG_DATA_DIRS="$LOCAL_D/usr/local/share" bash --norc --noprofile -c '
		source "$1"
		complete -p ovc 2>/dev/null && exit 1   # not before it is needed
		if declare -F _comp_load >/dev/null; then _comp_load ovc; else __load_completion ovc; fi
		complete -p ovc' _ "$bc"
	assert_output 'complete -F _ovc ovc'
}

# --- make dist -------------------------------------------------------------------------

@test "make dist: ovc-VERSION/ with every file make check needs, links and modes kept" {
	local v=$VERSION list f
	list=$(tar -tzf "$DIST/ovc-$v.tar.gz")
	# one top folder
	run -1 grep -v "^ovc-$v/" <<<"$list"
	for f in Makefile README.md CHANGELOG LICENSE bootstrap debian/control debian/rules \
		contrib/rpm/ovc.spec .ci/run src/core/promtext.c src/cli/main.c man/ovc.8 \
		man/ovc-profile.5 profiles/strict.profile contrib/bash-completion/ovc \
		contrib/prometheus/ovc-prometheus.service tests/helpers/common.bash \
		tests/unit/main.c tests/fixtures/hosts/seed-24g-noswap/proc/meminfo \
		tests/72-install.bats; do
		grep -qx "ovc-$v/$f" <<<"$list" || fail "$f is not in the tarball"
	done
	run -1 grep -E "^ovc-$v/(build|build-san|build-ubsan)/|\.o$|/\.git/" <<<"$list"
	# from a checkout: every file git has under the shipped paths
	if [[ -e $REPO_DIR/.git ]] && command -v git >/dev/null; then
		local missing
		missing=$(cd "$REPO_DIR" && git ls-files -c -- src man profiles contrib tests debian .ci Makefile bootstrap LICENSE |
			while IFS= read -r f; do
				[[ -e $f || -L $f ]] || continue
				grep -qxF "ovc-$v/$f" <<<"$list" || echo "$f"
			done)
		assert_equal "$missing" ''
	fi
	# symbolic links stay links; executables stay executable; owner 0
	run -0 tar -tvzf "$DIST/ovc-$v.tar.gz" "ovc-$v/tests/fixtures/roots/debian/etc/sysctl.d/99-sysctl.conf"
	assert_output --regexp '^l.* 0/0 .* -> \.\./sysctl\.conf$'
	run -0 tar -tvzf "$DIST/ovc-$v.tar.gz" "ovc-$v/.ci/run"
	assert_output --regexp '^-rwxr-xr-x 0/0 '
}

@test "make dist is reproducible: the same tree gives the same bytes" {
	# in the unpacked tarball, which nothing else edits
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	mkdir -p "$a" "$b"
	tmk -s dist DISTDIR="$a" >/dev/null
	touch "$TB/README.md"   # a newer file time changes nothing
	tmk -s dist DISTDIR="$b" >/dev/null
	cmp "$a/ovc-$VERSION.tar.gz" "$b/ovc-$VERSION.tar.gz"
}

@test "the tarball builds warning-free (-Werror), passes its unit tests, makes itself again" {
	run -0 cat "$BATS_FILE_TMPDIR/tarball-unit.log"
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
	[[ ! -e $TB/.git ]]
	run -0 "$TB/build/ovc" --version
	assert_output "ovc $VERSION"
	# dist from the unpacked tree (no git): the same files
	mkdir -p "$BATS_TEST_TMPDIR/again"
	tmk -s dist DISTDIR="$BATS_TEST_TMPDIR/again" >/dev/null
	assert_equal "$(tar -tzf "$BATS_TEST_TMPDIR/again/ovc-$VERSION.tar.gz")" \
		"$(tar -tzf "$DIST/ovc-$VERSION.tar.gz")"
}
