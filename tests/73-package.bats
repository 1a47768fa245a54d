#!/usr/bin/env bats
# 73-package.bats - how ovc gets onto a machine: the library flags resolved when a recipe
# needs them (not when make starts), ./bootstrap (the one package list, sudo only when not
# root), the README's two quick-start commands, make deb and make rpm (lintian and rpmlint
# clean, the same files, the versions in step), and what make deb says about a dirty tree
# or a missing build dependency. Builds go to temporary folders (B=, DEB_DIR=, RPM_DIR=,
# PKG_OUT=): the build/ under test is never touched. The fresh-machine side of this (the
# quick start run verbatim on a new Debian 12 root, the .deb installed and purged there) is
# tests/fresh/run (make check-fresh).

load helpers/common

mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$REPO_DIR" SANITIZE= "$@"
}

setup_file() {
	ovc_under_valgrind && return 0   # skipped in setup: packaging, no ovc memory path
	export VERSION PK=$BATS_FILE_TMPDIR/pk
	VERSION=$(sed -n 's/^VERSION *:= *//p' "$REPO_DIR/Makefile")
	if command -v dpkg-buildpackage >/dev/null && command -v rpmbuild >/dev/null; then
		mk -s deb rpm DEB_DIR="$PK/deb" RPM_DIR="$PK/rpm" PKG_OUT="$PK" \
			>"$BATS_FILE_TMPDIR/pkg.log" 2>&1 || true
	fi
}

setup() {
	skip_under_valgrind "packaging: it builds ovc, it runs no memory path"
}

# the package files setup_file built ($1: deb or rpm), or skip/fail when the tools are missing
pkg() {
	local f
	command -v dpkg-buildpackage >/dev/null || no_tool "dpkg-dev not installed"
	command -v rpmbuild >/dev/null || no_tool "rpm not installed"
	case $1 in
	deb) f=$(ls "$PK"/ovc_"$VERSION"_*.deb 2>/dev/null) ;;
	rpm) f=$(ls "$PK"/ovc-"$VERSION"-1.*.rpm 2>/dev/null) ;;
	esac
	[[ -n $f ]] || fail "make $1 failed: $(cat "$BATS_FILE_TMPDIR/pkg.log")"
	echo "$f"
}

# --- the library flags -----------------------------------------------------------------

# a pkg-config that knows nothing until $MARK exists (packages "installed" by a goal that
# runs in the same make as the build, as "make deps all" on a fresh machine does)
late_pkg_config() {
	local stub=$BATS_TEST_TMPDIR/pkg-config
	cat >"$stub" <<-EOF
		#!/bin/sh
		[ -e "$BATS_TEST_TMPDIR/mark" ] || { echo "no .pc files yet" >&2; exit 1; }
		exec pkg-config "\$@"
	EOF
	chmod +x "$stub"
	echo "$stub"
}

@test "library flags are asked for when a recipe needs them: deps and build in one make link" {
	local stub b=$BATS_TEST_TMPDIR/b
	command -v pkg-config >/dev/null || no_tool "pkg-config not installed"
	stub=$(late_pkg_config)
	# the .pc files appear after make has parsed the Makefile, before the first recipe
	# that needs them (the order-only prerequisite keeps that order under -j2)
	printf 'include Makefile\nfakedeps:\n\ttouch %s\n$(B)/.flags: | fakedeps\n' \
		"$BATS_TEST_TMPDIR/mark" >"$BATS_TEST_TMPDIR/wrap.mk"
	run -0 mk -f "$BATS_TEST_TMPDIR/wrap.mk" -j2 B="$b" PKG_CONFIG="$stub" fakedeps all
	refute_output --partial 'undefined reference'
	run -0 readelf -d "$b/ovc"
	assert_output --partial 'libcap.so.2'
	run -0 readelf -d "$b/audit.so"   # the audit module (sys/audit.h) has libmnl
	assert_output --partial 'libmnl.so.0'
	# the libraries are part of the recorded flags
	run -0 cat "$b/.flags"
	assert_output --partial '-lmnl'
}

@test "no pkg-config: make names it and compiles nothing" {
	local b=$BATS_TEST_TMPDIR/b
	run -2 mk B="$b" PKG_CONFIG="$BATS_TEST_TMPDIR/no-such-pkg-config" all
	assert_output --partial "no-such-pkg-config') not found: install pkg-config"
	assert_output --partial './bootstrap'
	refute_output --regexp '(^|[[:space:]])cc '
	[[ -z $(find "$b" -name '*.o' 2>/dev/null) ]]
}

@test "a missing .pc file: make names the -dev package, not a linker error" {
	local stub=$BATS_TEST_TMPDIR/pkg-config b=$BATS_TEST_TMPDIR/b
	command -v pkg-config >/dev/null || no_tool "pkg-config not installed"
	cat >"$stub" <<-'EOF'
		#!/bin/sh
		for a; do [ "$a" = libcap ] && exit 1; done
		exec pkg-config "$@"
	EOF
	chmod +x "$stub"
	run -2 mk B="$b" PKG_CONFIG="$stub" all
	assert_output --partial 'cannot find libcap: install libcap-dev (Fedora: libcap-devel)'
	refute_output --partial 'undefined reference'
	[[ -z $(find "$b" -name '*.o' 2>/dev/null) ]]
}

# --- ./bootstrap -----------------------------------------------------------------------

# a copy of ./bootstrap in a scratch tree, with apt-get, sudo, id, make, clang, apt-cache
# and dpkg-deb replaced by stubs that log their arguments to $LOG. $1: the uid id -u says;
# $2: whether sudo exists; $3: whether apt knows libclang-rt-14-dev.
stub_bootstrap() {
	local uid=$1 sudo=$2 rt=$3 bin=$BATS_TEST_TMPDIR/bin
	export T=$BATS_TEST_TMPDIR/tree LOG=$BATS_TEST_TMPDIR/log
	mkdir -p "$T" "$bin"
	cp "$REPO_DIR/bootstrap" "$T/"
	: >"$LOG"
	stub() { printf '#!/bin/sh\n%s\n' "$2" >"$bin/$1"; chmod +x "$bin/$1"; }
	stub apt-get 'echo "apt-get DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-} $*" >>"$LOG"
		[ "$1" = -qq ] && [ "$2" = download ] && { shift 2; for p; do : >"${p}_1_all.deb"; done; }
		exit 0'
	stub id 'echo '"$uid"
	[[ $sudo == yes ]] && stub sudo 'echo "sudo $1" >>"$LOG"; exec "$@"'
	stub make 'echo "make $*" >>"$LOG"'
	stub clang 'echo "Debian clang version 14.0.6"'
	stub apt-cache 'exit '"$([[ $rt == yes ]] && echo 0 || echo 100)"
	stub dpkg-deb 'mkdir -p "$3"'
	# only the stubs and what the script needs besides (sh, sed, grep, ...): no real sudo
	for t in sh env sed head wc mkdir rm cat dirname getconf; do
		ln -sf "$(command -v "$t")" "$bin/$t"
	done
	SPATH=$bin
}

# ./bootstrap ARGS... with the stubs' PATH (and no DEBIAN_FRONTEND from this environment)
stubbed() {
	env -u DEBIAN_FRONTEND PATH="$SPATH" "$T/bootstrap" "$@"
}

@test "./bootstrap as root: apt-get update, then install the list, noninteractive, no sudo; then make" {
	local list
	list=$("$REPO_DIR/bootstrap" --list | tr '\n' ' ')
	stub_bootstrap 0 no yes
	run -0 stubbed
	run -0 cat "$LOG"
	assert_line --index 0 'apt-get DEBIAN_FRONTEND=noninteractive update -qq'
	assert_line --index 1 "apt-get DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends ${list% }"
	assert_line --index 2 'apt-get DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends libclang-rt-14-dev'
	assert_line --index 3 --regexp '^apt-get DEBIAN_FRONTEND=[a-z]* -qq download tuned cloud-init prometheus$'
	assert_line --regexp '^make -j[0-9]+ all$'
	assert_line --index 5 'make run'
	refute_output --partial sudo
	[[ -d $T/build/deps/tuned && -d $T/build/deps/prometheus ]]
}

@test "./bootstrap as a user: apt-get through sudo (only apt-get); no libclang-rt where apt lacks it" {
	stub_bootstrap 1000 yes no
	run -0 stubbed --deps-only
	run -0 cat "$LOG"
	assert_line --index 0 'sudo env'
	assert_line --index 1 'apt-get DEBIAN_FRONTEND=noninteractive update -qq'
	refute_output --partial libclang-rt
	# apt-get download and make run as the user
	assert_line --regexp '^apt-get DEBIAN_FRONTEND=[a-z]* -qq download tuned cloud-init prometheus$'
	refute_output --partial 'make'
	assert_equal "$(grep -c '^sudo ' "$LOG")" 2
}

@test "./bootstrap as a user without sudo: refuses, saying why, before apt" {
	stub_bootstrap 1000 no yes
	run -1 stubbed
	assert_output --partial 'not root and no sudo'
	assert_equal "$(cat "$LOG")" ''
}

@test "make deps runs ./bootstrap --deps-only: one package list" {
	run -0 mk -n deps
	assert_output 'sh ./bootstrap --deps-only'
}

@test "every package ./bootstrap installs is known to apt here" {
	command -v apt-cache >/dev/null || no_tool "no apt-cache"
	apt-cache show bash >/dev/null 2>&1 || skip "no apt lists (apt-get update)"
	# one apt-cache call (each one reads the lists again): the names with a candidate
	"$REPO_DIR/bootstrap" --list | LC_ALL=C sort >"$BATS_TEST_TMPDIR/want"
	# shellcheck disable=SC2046
	apt-cache policy $(cat "$BATS_TEST_TMPDIR/want") 2>/dev/null | awk '
		/^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) }
		/^  Candidate:/ && $2 != "(none)" { print p }' | LC_ALL=C sort >"$BATS_TEST_TMPDIR/known"
	run -0 comm -23 "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/known"
	assert_output ''
}

# --- the README ------------------------------------------------------------------------

@test "the quick start is two commands: ./bootstrap (no make needed), then make check" {
	run -0 "$TESTS_DIR/fresh/quickstart" "$REPO_DIR/README.md"
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp '^\./bootstrap( |$)'
	assert_line --index 1 --regexp '^make check( |$)'
	# a block of another length is refused, loudly
	printf '## Quick start\n\n```sh\n./bootstrap\nmake\nmake check\n```\n' >"$BATS_TEST_TMPDIR/r.md"
	run -1 "$TESTS_DIR/fresh/quickstart" "$BATS_TEST_TMPDIR/r.md"
	assert_output --partial 'has 3 commands, not 2'
}

@test "the versions agree: Makefile, debian/changelog, the RPM spec, the README's install line" {
	local arch
	command -v dpkg-parsechangelog >/dev/null || no_tool "dpkg-dev not installed"
	assert_equal "$(dpkg-parsechangelog -l "$REPO_DIR/debian/changelog" -S Version)" "$VERSION"
	assert_equal "$(sed -n 's/^Version: *//p' "$REPO_DIR/contrib/rpm/ovc.spec")" "$VERSION"
	arch=$(dpkg --print-architecture)
	# the README installs the file make deb makes (on amd64, where the README's name is)
	if [[ $arch == amd64 ]]; then
		grep -qF "apt install ./build/ovc_${VERSION}_amd64.deb" "$REPO_DIR/README.md"
	fi
}

# --- make deb / make rpm ---------------------------------------------------------------

@test "make deb: Depends from the shared-library analysis (libmnl0, libcap2)" {
	local deb
	deb=$(pkg deb)
	run -0 dpkg-deb -f "$deb" Depends
	assert_output --regexp '(^|, )libmnl0( |,|$)'
	assert_output --regexp '(^|, )libcap2( |,|$)'
	run -0 dpkg-deb -f "$deb" Package Version Architecture
	assert_line "Version: $VERSION"
}

@test "make deb: the files, their modes, DATADIR /usr/share/ovc compiled in" {
	local deb x=$BATS_TEST_TMPDIR/x f
	deb=$(pkg deb)
	run -0 sh -c "dpkg-deb -c '$deb' | awk '{ print \$1, \$6 }'"
	assert_line -- '-rwxr-xr-x ./usr/sbin/ovc'
	assert_line -- '-rw-r--r-- ./usr/lib/ovc/audit.so'
	assert_line -- '-rw-r--r-- ./usr/share/man/man8/ovc.8.gz'
	assert_line -- '-rw-r--r-- ./usr/share/man/man5/ovc-profile.5.gz'
	assert_line -- '-rw-r--r-- ./usr/share/bash-completion/completions/ovc'
	assert_line -- '-rw-r--r-- ./usr/share/doc/ovc/copyright'
	assert_line -- '-rw-r--r-- ./usr/share/doc/ovc/contrib/ansible/library/ovc.py'
	assert_line -- '-rw-r--r-- ./usr/share/doc/ovc/contrib/prometheus/ovc-prometheus.service'
	assert_line -- '-rw-r--r-- ./usr/share/doc/ovc/contrib/cloud-init/profile-first-boot.yaml'
	for f in "$REPO_DIR"/profiles/*.profile; do
		assert_line -- "-rw-r--r-- ./usr/share/ovc/profiles/${f##*/}"
	done
	dpkg-deb -x "$deb" "$x"
	grep -qaF /usr/share/ovc "$x/usr/sbin/ovc"
	run -1 grep -qaF /usr/local/share/ovc "$x/usr/sbin/ovc"
	# the audit module where the packaged ovc loads it; libmnl is its dependency, not ovc's
	grep -qaF /usr/lib/ovc/audit.so "$x/usr/sbin/ovc"
	run -0 readelf -d "$x/usr/lib/ovc/audit.so"
	assert_output --partial '[libmnl.so.0]'
	# the packaged cron line runs the packaged binary
	grep -qF '/usr/sbin/ovc status' "$x/usr/share/doc/ovc/contrib/prometheus/ovc.cron"
	run -0 "$x/usr/sbin/ovc" --version
	assert_output "ovc $VERSION"
}

@test "make deb: lintian reports no error and no warning" {
	local deb
	deb=$(pkg deb)
	command -v lintian >/dev/null || no_tool "lintian not installed"
	run -0 lintian --fail-on error,warning "$deb"
	refute_output --regexp '^[EW]: '
}

@test "make rpm: rpmlint clean on the spec and the package (contrib/rpm/rpmlint.toml)" {
	local rpm
	rpm=$(pkg rpm)
	command -v rpmlint >/dev/null || no_tool "rpmlint not installed"
	run -0 rpmlint -c "$REPO_DIR/contrib/rpm/rpmlint.toml" "$REPO_DIR/contrib/rpm/ovc.spec" "$rpm"
	assert_output --partial '0 errors, 0 warnings'
	run -0 rpm -qp --requires "$rpm"
	assert_line --partial 'libmnl.so.0'
	assert_line --partial 'libcap.so.2'
}

@test "the .deb and the .rpm install the same files, with the same modes" {
	local deb rpm
	deb=$(pkg deb)
	rpm=$(pkg rpm)
	"$TESTS_DIR/fresh/pkg-files" "$deb" >"$BATS_TEST_TMPDIR/deb.list"
	"$TESTS_DIR/fresh/pkg-files" "$rpm" >"$BATS_TEST_TMPDIR/rpm.list"
	run -0 diff -u "$BATS_TEST_TMPDIR/deb.list" "$BATS_TEST_TMPDIR/rpm.list"
	# and that is more than nothing: the binary and every profile
	run -0 grep -c . "$BATS_TEST_TMPDIR/deb.list"
	(( output >= 10 ))
}

# a clone of the committed tree (no uncommitted change of the tree under test)
clone() {
	command -v git >/dev/null || no_tool "git not installed"
	git -C "$REPO_DIR" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout"
	git clone -q "$REPO_DIR" "$1"
}

# make deb where dpkg-checkbuilddeps sees an empty dpkg database: every build dependency
# is missing (the real tool on the real debian/control)
deb_without_builddeps() {
	local bin=$BATS_TEST_TMPDIR/bin real
	real=$(command -v dpkg-checkbuilddeps) || no_tool "dpkg-dev not installed"
	mkdir -p "$bin" "$BATS_TEST_TMPDIR/admin"
	: >"$BATS_TEST_TMPDIR/admin/status"
	printf '#!/bin/sh\nexec %s --admindir=%s "$@"\n' "$real" "$BATS_TEST_TMPDIR/admin" \
		>"$bin/dpkg-checkbuilddeps"
	chmod +x "$bin/dpkg-checkbuilddeps"
	PATH=$bin:$PATH env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory \
		-C "$1" deb DEB_DIR="$BATS_TEST_TMPDIR/deb" PKG_OUT="$BATS_TEST_TMPDIR/out"
}

@test "make deb: a missing build dependency is named by dpkg-checkbuilddeps before compiling" {
	local c=$BATS_TEST_TMPDIR/clone
	clone "$c"
	run -2 deb_without_builddeps "$c"
	assert_output --partial 'Unmet build dependencies'
	assert_output --partial 'libmnl-dev'
	assert_output --partial 'libcap-dev'
	assert_output --partial 'install the build dependencies named above'
	refute_output --partial 'uncommitted'
	refute_output --regexp '(^|[[:space:]])cc '
	[[ -z $(find "$BATS_TEST_TMPDIR/deb" -name '*.o') ]]
	[[ ! -e $BATS_TEST_TMPDIR/out ]]
}

@test "make deb in a tree with uncommitted changes builds it as it is, and says so" {
	local c=$BATS_TEST_TMPDIR/clone
	clone "$c"
	echo "local note" >>"$c/README.md"
	: >"$c/new-file"
	run -2 deb_without_builddeps "$c"
	assert_output --partial 'make deb: the tree has uncommitted changes: the package is built from the files as they are now'
	assert_line --regexp '^ M README.md$'
	assert_line --regexp '^\?\? new-file$'
	# what is packaged is the tree as it is
	grep -qx 'local note' "$BATS_TEST_TMPDIR/deb/ovc-$VERSION/README.md"
}
