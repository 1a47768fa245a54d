# ovc - Linux overcommit policy tool.   make help: the targets
VERSION    := 0.1.0
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/ovc
# ovc's private module directory: audit.so (sys/audit.h), loaded only to audit
PKGLIBDIR  ?= $(PREFIX)/lib/ovc
DESTDIR    ?=
# bash-completion's completionsdir, relocated under PREFIX as meson does (a /usr/local
# install stays out of /usr; bash-completion reads /usr/local/share/... through
# XDG_DATA_DIRS); without its .pc file, the same path
BASHCOMPDIR ?= $(or $(shell $(PKG_CONFIG) --define-variable=prefix=$(PREFIX) \
                 --define-variable=datadir=$(PREFIX)/share --variable=completionsdir \
                 bash-completion 2>/dev/null),$(PREFIX)/share/bash-completion/completions)

CC         ?= cc
PKG_CONFIG ?= pkg-config
SANITIZE   ?=
DEV        ?=

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wold-style-definition -Wpointer-arith -Wwrite-strings -Wundef -Wvla
ifeq ($(SANITIZE),1)
  B        := build-san
  OPT      := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDOPT    := -fsanitize=address,undefined
else ifeq ($(SANITIZE),ubsan)
  # for mode 2 in the VM, where ASan's MAP_NORESERVE shadow is charged and cannot map
  B        := build-ubsan
  OPT      := -O1 -g -fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDOPT    := -fsanitize=undefined
else
  B        := build
  OPT      := -O2 -g -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
              -fstack-clash-protection -fPIE
  # asked of the compiler when a recipe needs it, not when make starts (see PKG_CFLAGS)
  OPT_ARCH  = $(call once,OPT_ARCH,$(if $(filter x86_64%,$(shell $(CC) -dumpmachine 2>/dev/null)),-fcf-protection))
  LDOPT    := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
endif
ifneq ($(DEV)$(CI),)
  WARN     += -Werror
endif

# The libraries' flags are asked of pkg-config when a recipe first needs them, not when make
# parses this file: "make deps all" (or ./bootstrap) installs pkg-config and the -dev
# packages after make has started. $(call once,VAR,VALUE) computes VALUE once and keeps it.
# A missing pkg-config or .pc file stops the build with the package to install, before
# anything is compiled or linked.
PKGS       := libmnl libcap
once        = $(eval $(1) := $$(strip $(2)))$($(1))
PKG_CFLAGS  = $(call once,PKG_CFLAGS,$(pkg_check)$(shell $(PKG_CONFIG) --cflags $(PKGS)))
PKG_LIBS    = $(call once,PKG_LIBS,$(pkg_check)$(shell $(PKG_CONFIG) --libs $(PKGS)))
pkg_dev     = $(if $(filter libmnl,$(1)),libmnl-dev (Fedora: libmnl-devel),libcap-dev (Fedora: libcap-devel))
pkg_check   = $(if $(shell command -v $(PKG_CONFIG) 2>/dev/null),,$(error pkg-config ('$(PKG_CONFIG)') \
              not found: install pkg-config (Debian/Ubuntu: apt-get install pkg-config, or run \
              ./bootstrap)))$(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,$(error \
              $(PKG_CONFIG) cannot find $(p): install $(call pkg_dev,$(p)), or run ./bootstrap)))

ALL_CFLAGS  = -std=gnu11 $(WARN) $(OPT) $(OPT_ARCH) -DOVC_VERSION='"$(VERSION)"' -DOVC_DATADIR='"$(DATADIR)"' \
              -DOVC_AUDIT_MODULE='"$(PKGLIBDIR)/audit.so"' -MMD -MP $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDOPT) $(LDFLAGS)
# the module: position-independent, everything hidden but its one symbol, every
# reference resolved (libmnl, and core/err linked in)
MOD_CFLAGS  = $(ALL_CFLAGS) -fPIC -fvisibility=hidden -DOVC_AUDIT_MODULE_BUILD
MOD_LDFLAGS = $(filter-out -pie,$(LDOPT)) -shared -Wl,--no-undefined $(LDFLAGS)

CORE_SRC := $(sort $(wildcard src/core/*.c))
SYS_SRC  := $(sort $(wildcard src/sys/*.c))
CHANGE_SRC := $(sort $(wildcard src/change/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))

CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
# sys/audit.c is the module's, not ovc's (ovc has sys/audit_dl.c in its place). The
# sanitizer builds (tests only) link it in: a module built with ASan cannot be loaded by
# the UBSan-only binary the VM uses in mode 2, and both would have one path there.
ifeq ($(SANITIZE),)
  AUDIT_IN := $(B)/src/sys/audit_dl.o
  AUDIT_MOD := $(B)/audit.so
else
  AUDIT_IN := $(B)/src/sys/audit.o
  AUDIT_MOD :=
endif
APP_OBJ  := $(filter-out $(B)/src/sys/audit.o $(B)/src/sys/audit_dl.o,$(SYS_SRC:%.c=$(B)/%.o)) \
            $(AUDIT_IN) $(CHANGE_SRC:%.c=$(B)/%.o) $(CLI_SRC:%.c=$(B)/%.o)
MOD_OBJ  := $(B)/src/sys/audit.mod.o $(B)/src/core/err.mod.o
UNIT_OBJ := $(UNIT_SRC:%.c=$(B)/%.o)

OVC      := $(B)/ovc
CORELIB  := $(B)/libovc-core.a
UNIT     := $(B)/unit-tests

SAN_ENV  := ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: FORCE all check check-faults check-fuzz fuzz check-unit check-core-pure check-golden check-numpy check-bats check-ansible \
        check-valgrind check-tools check-kernel check-san lint \
        check-fresh install uninstall clean deps run bench help

all: $(OVC) $(AUDIT_MOD)

# Objects depend on the flags they were built with: "make install PREFIX=/usr" after a
# plain "make" rebuilds, so the binary looks for profiles where they are installed.
# The libraries (PKG_LIBS) are in it too: a build that found other ones links again.
$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(PKG_LIBS)' | cmp -s - $@ || \
	  echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(PKG_LIBS)' >$@

FORCE:

$(B)/%.o: %.c $(B)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/%.mod.o: %.c $(B)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(MOD_CFLAGS) -c -o $@ $<

$(CORELIB): $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(OVC): $(APP_OBJ) $(CORELIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(APP_OBJ) $(CORELIB) $(PKG_LIBS)

ifneq ($(AUDIT_MOD),)
$(AUDIT_MOD): $(MOD_OBJ)
	$(CC) $(MOD_LDFLAGS) -o $@ $(MOD_OBJ) $(PKG_LIBS)
endif

# The unit tests link the pure core, plus sys/audit.o for the netlink framing (it opens
# no socket): were core to need the OS, this would fail, and check-core-pure too.
$(UNIT): $(UNIT_OBJ) $(B)/src/sys/audit.o $(CORELIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJ) $(B)/src/sys/audit.o $(CORELIB) $(PKG_LIBS)

# Everything: unit, purity, golden output, bats, man lint, the real kernel in a VM, all of
# it again under ASan+UBSan, then the quick start and the package on a fresh Debian 12
# (check-fresh). CHECK_TIERS (and BATS_FILES for check-bats) choose fewer: check-fresh runs
# the README's "make check" inside the fresh root with a short list (tests/fresh/run,
# FRESH_TIERS).
CHECK_TIERS ?= check-unit check-core-pure lint check-fuzz check-golden check-numpy check-bats check-ansible \
               check-valgrind check-faults check-tools check-kernel check-san check-fresh
BATS_FILES  ?= tests/
# Each tier in order, its wall time after it (the CI budget: well under 25 minutes).
check:
	@for t in $(CHECK_TIERS); do s=$$(date +%s); \
	  $(MAKE) --no-print-directory $$t || exit 1; \
	  echo "== make $$t: $$(( $$(date +%s) - s )) s"; done

check-unit: $(UNIT)
	$(SAN_ENV) $(UNIT)

# The layers, checked on the objects: core/ does no I/O at all (no open/read/write,
# stdio output or mmap among its undefined symbols), and nothing outside cli/ prints (the
# change engine and sys/ return results and errors; cli/ renders them).
STDIO_OUT := (v?f?printf|v?dprintf|puts|fputs|fwrite|putchar|putc|fputc|perror|stdout|stderr)
check-core-pure: $(CORELIB) $(APP_OBJ)
	@bad=$$(nm -u $(CORELIB) | awk '{print $$NF}' | grep -E \
	  '^(__)?(open|openat|read|write|fopen|printf|fprintf|puts|fputs|putchar|mmap|munmap|syscall|ioctl)(64)?(_chk)?$$' \
	  | sort -u); \
	if [ -n "$$bad" ]; then echo "core calls I/O: $$bad"; exit 1; fi; \
	echo "core is pure: no I/O symbols in $(CORELIB)"
	@bad=$$(for o in $(CORELIB) $(filter-out $(B)/src/cli/%,$(APP_OBJ)); do \
	  nm -u $$o | awk -v o=$$o '{print o ": " $$NF}'; done | \
	  grep -E ': (__)?$(STDIO_OUT)(_chk)?$$'); \
	if [ -n "$$bad" ]; then echo "only cli/ prints, but:"; echo "$$bad"; exit 1; fi; \
	echo "only cli/ prints: no stdio output in core/, sys/ or change/"

# Every command's text and JSON output on the fixture trees, byte for byte
# (tests/golden/run --update rewrites the files; review that diff).
check-golden: $(OVC)
	tests/golden/run $(OVC)

# ovc check against NumPy itself (tests/numpy/run, Debian's python3-numpy): a corpus of
# dtype and shape spellings (tests/numpy/corpus), NumPy's own MemoryError messages read
# back, and this host's fits/fails boundary with np.empty (mode 0 only). A few seconds.
check-numpy: $(OVC)
	tests/numpy/run $(OVC)

check-bats: $(OVC)
	OVC=$(CURDIR)/$(OVC) OVC_REQUIRE_TOOLS=1 $(SAN_ENV) bats --print-output-on-failure \
	  $(BATS_JOBS) $(BATS_FILES)

# The Ansible module (contrib/ansible) under a real ansible-playbook, on fake trees.
check-ansible: $(OVC)
	OVC=$(CURDIR)/$(OVC) OVC_REQUIRE_ANSIBLE=1 bats --print-output-on-failure tests/ansible/

# bats files two at a time (GNU parallel), the tests of one file in order
BATS_JOBS := --jobs 2 --no-parallelize-within-files

# The bats tier again with ovc under valgrind memcheck (tests/valgrind/README): any
# report makes ovc exit 99 and fails the test. Valgrind needs the plain build (no ASan).
# The packaging files (72-install: make install/dist/distcheck; 73-package: deb, rpm,
# bootstrap) build ovc themselves and run no path of the checked binary: the plain
# check-bats runs them; this tier and check-san do not (a few minutes saved each).
TOOL_BATS := $(filter-out tests/72-install.bats tests/73-package.bats,$(wildcard tests/*.bats))
check-valgrind:
	$(MAKE) --no-print-directory SANITIZE= all
	OVC=$(CURDIR)/tests/valgrind/ovc REAL_OVC=$(CURDIR)/build/ovc OVC_REQUIRE_TOOLS=1 \
	  bats --print-output-on-failure $(BATS_JOBS) $(TOOL_BATS)

FUZZ_S ?= 60
FUZZ_J ?= 1
# libFuzzer targets for every parser (tests/fuzz/README.md), FUZZ_S seconds each
fuzz:
	tests/fuzz/run --seconds $(FUZZ_S) --jobs $(FUZZ_J)

# the smoke of make check: every target 100000 executions or 5 s, two at a time
check-fuzz:
	tests/fuzz/run --runs 100000 --seconds 5 --jobs 2

# Fault injection and concurrency (tests/faults): an LD_PRELOAD shim built only for the
# tests (never installed; no sanitizer, no fortify: it defines open, __openat_2, ...).
FAULT_SHIM := $(B)/faults/shim.so

$(FAULT_SHIM): tests/faults/shim.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) -O2 -g -U_FORTIFY_SOURCE -shared -fPIC -o $@ $< -ldl

# The files two at a time, their counts in one file (appended lines); the summary after.
FAULT_COUNTS := $(B)/faults/counts
FAULT_ENV = OVC=$(CURDIR)/$(OVC) OVC_FAULT_SHIM=$(CURDIR)/$(FAULT_SHIM) \
	    OVC_FAULTS_COUNTS=$(CURDIR)/$(FAULT_COUNTS) $(SAN_ENV)
check-faults: $(OVC) $(FAULT_SHIM)
	rm -f $(FAULT_COUNTS) $(FAULT_COUNTS).*
	$(FAULT_ENV) bats --print-output-on-failure $(BATS_JOBS) \
	  $(filter-out %/99-summary.bats,$(wildcard tests/faults/*.bats))
	$(FAULT_ENV) bats --print-output-on-failure tests/faults/99-summary.bats

# The precedence model against the real procps sysctl --system and systemd-sysctl, run in
# a chroot over plain-file fake trees (never the host's /proc/sys).
check-tools: $(CORELIB)
	tests/precedence/run

check-kernel: $(OVC)
ifeq ($(SANITIZE),1)
	$(MAKE) --no-print-directory SANITIZE=ubsan all
	tests/vm/run --ovc $(OVC) --ovc-never build-ubsan/ovc
else
	tests/vm/run --ovc $(OVC)
endif
ifneq ($(SANITIZE),1)
	tests/vm/audit/run --ovc $(OVC)
	tests/vm/boot/run --ovc $(OVC)
endif
	tests/vm/profile/run --ovc $(OVC)
	tests/vm/top/run --ovc $(OVC)
ifeq ($(SANITIZE),1)
	tests/vm/cgroup/run --ovc $(OVC) --ovc-never build-ubsan/ovc
else
	tests/vm/cgroup/run --ovc $(OVC)
endif

# The same suite under ASan+UBSan (its own build folder); the VM runs the sanitized binary
# (UBSan-only in mode 2, where ASan cannot start: see tests/vm/init.sh). The audit and
# boot VM tiers (a minute) run the plain build only: their paths (audit records, set and
# persist on a real kernel, the next boot) run under ASan in the bats tier on fake trees.
# (Without the packaging files: TOOL_BATS, above.)
check-san:
ifeq ($(SANITIZE),)
	$(MAKE) --no-print-directory SANITIZE=1 BATS_FILES="$(TOOL_BATS)" check-unit check-bats check-kernel
endif

lint:
	tests/lint/split-strings src
	mandoc -T lint -W warning man/ovc.8 man/ovc-profile.5
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	  --inline-suppr --std=c11 -D__GNUC__ -D__x86_64__ -I src src/ tests/unit

run: $(OVC)
	$(OVC) status

# The README's quick start (both commands, the first as root and through sudo) and the
# Debian package (install, use, purge: nothing left) on new minimal Debian 12 roots made by
# mmdebstrap, in a private mount and pid namespace with /proc/sys read-only
# (tests/fresh/README.md). Root, the network (the Debian mirror) and a clean clone of HEAD.
check-fresh:
	tests/fresh/run

bench: $(OVC)
	tests/bench/run $(OVC)

# Build and test dependencies, Debian/Ubuntu: the one package list is in ./bootstrap (a
# fresh system has no make to run this target, so the README's first command is that script).
deps:
	sh ./bootstrap --deps-only

# FHS paths under PREFIX; DESTDIR stages them (packaging). The man pages name the
# directories this build uses; the binary has DATADIR compiled in (see $(B)/.flags).
install: $(OVC) $(AUDIT_MOD)
	install -D -m 0755 $(OVC) $(DESTDIR)$(SBINDIR)/ovc
	$(if $(AUDIT_MOD),install -D -m 0644 $(AUDIT_MOD) $(DESTDIR)$(PKGLIBDIR)/audit.so)
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	sed -e 's|/usr/local/share/ovc|$(DATADIR)|g' -e 's|/usr/local/sbin/ovc|$(SBINDIR)/ovc|g' \
	  -e 's|/usr/local/lib/ovc|$(PKGLIBDIR)|g' \
	  man/ovc.8 >$(DESTDIR)$(MANDIR)/man8/ovc.8
	sed -e 's|/usr/local/share/ovc|$(DATADIR)|g' -e 's|/usr/local/sbin/ovc|$(SBINDIR)/ovc|g' \
	  -e 's|/usr/local/lib/ovc|$(PKGLIBDIR)|g' \
	  man/ovc-profile.5 >$(DESTDIR)$(MANDIR)/man5/ovc-profile.5
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/ovc.8 $(DESTDIR)$(MANDIR)/man5/ovc-profile.5
	install -d -m 0755 $(DESTDIR)$(DATADIR)/profiles
	install -m 0644 profiles/*.profile $(DESTDIR)$(DATADIR)/profiles/
	install -D -m 0644 contrib/bash-completion/ovc $(DESTDIR)$(BASHCOMPDIR)/ovc

# Removes what install wrote, and ovc's own directories if they are left empty.
uninstall:
	rm -f $(DESTDIR)$(PKGLIBDIR)/audit.so
	-rmdir $(DESTDIR)$(PKGLIBDIR) 2>/dev/null
	rm -f $(DESTDIR)$(SBINDIR)/ovc $(DESTDIR)$(MANDIR)/man8/ovc.8 \
	  $(DESTDIR)$(MANDIR)/man5/ovc-profile.5 $(DESTDIR)$(BASHCOMPDIR)/ovc
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/profiles/,$(notdir $(wildcard profiles/*.profile)))
	-rmdir $(DESTDIR)$(DATADIR)/profiles $(DESTDIR)$(DATADIR) 2>/dev/null

# The release tarball ovc-$(VERSION).tar.gz (in DISTDIR): everything "make check" needs.
# From a git checkout, the files git knows or would add (tracked and untracked, not
# ignored); from an unpacked tarball, every file. Symbolic links (the fixtures have some)
# and modes are kept; owner, order and times are fixed, so the same tree gives the same
# bytes.
DIST_NAME  := ovc-$(VERSION)
DISTDIR    ?= .
DIST_TOP   := Makefile README.md CHANGELOG LICENSE bootstrap .ci .gitignore src man profiles contrib \
              debian tests
DIST_MTIME ?= $(or $(SOURCE_DATE_EPOCH),$(shell [ -e .git ] && git log -1 --format=%ct 2>/dev/null),0)

.PHONY: dist distcheck
dist:
	@set -e; list=$$(mktemp); trap 'rm -f "$$list"' EXIT; \
	if [ -e .git ] && command -v git >/dev/null; then \
	  git ls-files -z -c -o --exclude-standard -- $(wildcard $(DIST_TOP)) | \
	    xargs -0 -r sh -c 'for f; do [ -e "$$f" ] || [ -L "$$f" ] && printf "%s\n" "$$f"; done' _; \
	else \
	  find $(wildcard $(DIST_TOP)) \( -name 'build*' -type d -prune \) -o ! -type d -print; \
	fi | LC_ALL=C sort -u >"$$list"; \
	tar --create --format=gnu --sort=name --owner=0 --group=0 --numeric-owner \
	  --mtime=@$(DIST_MTIME) --mode='u+rw,go-w,go+r' \
	  --transform='flags=r;s|^|$(DIST_NAME)/|' --files-from="$$list" | \
	  gzip -n -9 >$(DISTDIR)/$(DIST_NAME).tar.gz.tmp; \
	mv $(DISTDIR)/$(DIST_NAME).tar.gz.tmp $(DISTDIR)/$(DIST_NAME).tar.gz; \
	echo "$(DISTDIR)/$(DIST_NAME).tar.gz: $$(wc -l <"$$list") files"

# The tarball builds warning-free (-Werror) and passes the unit and bats tiers where it is
# unpacked, installs and uninstalls cleanly, and makes the same tarball again without git.
# (The VM, tools, fuzz and sanitizer tiers of "make check" are left to the release CI.)
# The test tools "make deps" unpacked in build/deps are lent to it (a link).
distcheck: dist
	@set -e; d=$$(mktemp -d); \
	trap 'echo "distcheck failed: the tree is left in $$d" >&2' EXIT; \
	tar -xzf $(DISTDIR)/$(DIST_NAME).tar.gz -C "$$d"; \
	if [ -d build/deps ]; then mkdir -p "$$d/$(DIST_NAME)/build" && \
	  ln -s "$(CURDIR)/build/deps" "$$d/$(DIST_NAME)/build/deps"; fi; \
	$(MAKE) --no-print-directory -C "$$d/$(DIST_NAME)" DEV=1 -j2 all; \
	$(MAKE) --no-print-directory -C "$$d/$(DIST_NAME)" DEV=1 check-unit check-core-pure check-bats; \
	$(MAKE) --no-print-directory -C "$$d/$(DIST_NAME)" DEV=1 install DESTDIR="$$d/inst"; \
	$(MAKE) --no-print-directory -C "$$d/$(DIST_NAME)" DEV=1 uninstall DESTDIR="$$d/inst"; \
	left=$$(find "$$d/inst" ! -type d); \
	if [ -n "$$left" ]; then echo "distcheck: uninstall left $$left"; exit 1; fi; \
	mkdir "$$d/again"; \
	$(MAKE) --no-print-directory -C "$$d/$(DIST_NAME)" dist DISTDIR="$$d/again" \
	  DIST_MTIME=$(DIST_MTIME) >/dev/null; \
	tar -tzf $(DISTDIR)/$(DIST_NAME).tar.gz >"$$d/a.list"; \
	tar -tzf "$$d/again/$(DIST_NAME).tar.gz" >"$$d/b.list"; \
	if ! cmp -s "$$d/a.list" "$$d/b.list"; then \
	  echo "distcheck: the tarball's own dist differs:"; diff "$$d/a.list" "$$d/b.list"; exit 1; fi; \
	trap - EXIT; rm -rf "$$d"; \
	echo "$(DIST_NAME).tar.gz is ready for distribution"

# --- packages ----------------------------------------------------------------------------
# make deb: the Debian package build/ovc_$(VERSION)_ARCH.deb, built by dpkg-buildpackage
# (debhelper; the packaging is in debian/) in build/deb/$(DIST_NAME), a copy of the files
# make dist ships, so nothing is written beside the source tree. A tree with uncommitted
# changes is built as it is, and make deb says so; a missing build dependency is named by
# dpkg-checkbuilddeps before anything is compiled.
# DEB_DIR and RPM_DIR are the work folders, PKG_OUT where the packages are copied to.
DEB_DIR ?= build/deb
RPM_DIR ?= build/rpm
PKG_OUT ?= build

# "make deb: the tree has uncommitted changes ..." on standard error, or nothing
define dirty_note
if [ -e .git ] && command -v git >/dev/null && [ -n "$$(git status --porcelain 2>/dev/null)" ]; then \
  echo "make $(1): the tree has uncommitted changes: the package is built from the files as they" \
    "are now, not from a commit (git status --short):" >&2; git status --short >&2; \
  dirty=" (from a tree with uncommitted changes)"; else dirty=; fi
endef

.PHONY: deb rpm
deb:
	@set -e; \
	for t in dpkg-buildpackage dpkg-checkbuilddeps dpkg-parsechangelog; do \
	  command -v $$t >/dev/null || { echo "make deb: $$t not found: install dpkg-dev" \
	    "(./bootstrap installs every build dependency)" >&2; exit 1; }; done; \
	v=$$(dpkg-parsechangelog -l debian/changelog -S Version); \
	[ "$$v" = "$(VERSION)" ] || { echo "make deb: debian/changelog is at $$v, the Makefile at" \
	  "$(VERSION): add a debian/changelog entry (dch -v $(VERSION))" >&2; exit 1; }; \
	$(call dirty_note,deb); \
	rm -rf $(DEB_DIR); mkdir -p $(DEB_DIR); \
	$(MAKE) --no-print-directory dist DISTDIR=$(DEB_DIR) >/dev/null; \
	tar -xzf $(DEB_DIR)/$(DIST_NAME).tar.gz -C $(DEB_DIR); \
	cd $(DEB_DIR)/$(DIST_NAME); \
	dpkg-checkbuilddeps || { echo "make deb: install the build dependencies named above" \
	  "(./bootstrap installs them)" >&2; exit 1; }; \
	echo "make deb: dpkg-buildpackage -us -uc -b in $(DEB_DIR)/$(DIST_NAME)" \
	  "(log: $(DEB_DIR)/dpkg-buildpackage.log)"; \
	dpkg-buildpackage -us -uc -b -Jauto >../dpkg-buildpackage.log 2>&1 || { \
	  tail -n 40 ../dpkg-buildpackage.log >&2; echo "make deb: dpkg-buildpackage failed;" \
	    "the whole log is $(DEB_DIR)/dpkg-buildpackage.log" >&2; exit 1; }; \
	cd $(CURDIR); \
	f=ovc_$(VERSION)_$$(dpkg-architecture -qDEB_HOST_ARCH).deb; \
	mkdir -p $(PKG_OUT); cp $(DEB_DIR)/$$f $(PKG_OUT)/$$f; \
	echo "$(PKG_OUT)/$$f$$dirty"

# make rpm: the RPM package from make dist's tarball and contrib/rpm/ovc.spec, with
# rpmbuild -bb in build/rpm. --nodeps: on Debian, rpm's own database has no libmnl-devel
# or libcap-devel (the build dependencies are dpkg's here); on Fedora, drop it. Debian's
# rpm runs brp-compress (bash: read -d) with sh, which leaves the manual pages
# uncompressed: make rpm runs it with bash. rpmlint: contrib/rpm/rpmlint.toml.
rpm:
	@set -e; \
	command -v rpmbuild >/dev/null || { echo "make rpm: rpmbuild not found: install rpm" \
	  "(./bootstrap installs it)" >&2; exit 1; }; \
	v=$$(sed -n 's/^Version: *//p' contrib/rpm/ovc.spec); \
	[ "$$v" = "$(VERSION)" ] || { echo "make rpm: contrib/rpm/ovc.spec is at $$v, the" \
	  "Makefile at $(VERSION)" >&2; exit 1; }; \
	$(call dirty_note,rpm); \
	rm -rf $(RPM_DIR); mkdir -p $(RPM_DIR)/SOURCES; \
	$(MAKE) --no-print-directory dist DISTDIR=$(RPM_DIR)/SOURCES >/dev/null; \
	echo "make rpm: rpmbuild -bb contrib/rpm/ovc.spec in $(RPM_DIR) (log: $(RPM_DIR)/rpmbuild.log)"; \
	rpmbuild -bb --nodeps --define "_topdir $(abspath $(RPM_DIR))" --define "__brp_compress bash /usr/lib/rpm/brp-compress %{_prefix}" \
	  contrib/rpm/ovc.spec \
	  >$(RPM_DIR)/rpmbuild.log 2>&1 || { tail -n 40 $(RPM_DIR)/rpmbuild.log >&2; \
	  echo "make rpm: rpmbuild failed; the whole log is $(RPM_DIR)/rpmbuild.log" >&2; exit 1; }; \
	for f in $(RPM_DIR)/RPMS/*/ovc-$(VERSION)-*.rpm; do \
	  case $$f in *debuginfo*|*debugsource*) continue;; esac; \
	  mkdir -p $(PKG_OUT); cp "$$f" $(PKG_OUT)/; echo "$(PKG_OUT)/$${f##*/}$$dirty"; done

clean:
	rm -rf build build-san build-ubsan ovc-*.tar.gz

help:
	@echo "make [all]        build $(OVC)"
	@echo "./bootstrap       install build/test dependencies (apt, sudo if not root), build, ovc status"
	@echo "make deps         the same dependencies only (./bootstrap --deps-only)"
	@echo "make check        every test: unit, core purity, man lint, bats, VM, sanitizers"
	@echo "make check-kernel the real-kernel tier (qemu)"
	@echo "make check-fresh  the quick start and the .deb on a fresh Debian 12 root (mmdebstrap)"
	@echo "make check-ansible the Ansible module under ansible-playbook (fake trees)"
	@echo "make check-valgrind the bats tier under valgrind memcheck"
	@echo "make check-faults fault injection, kills and racing writers"
	@echo "make bench        ovc status/simulate against sysctl -n"
	@echo "make install      PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) (make uninstall: the same)"
	@echo "make dist         ovc-$(VERSION).tar.gz (DISTDIR=.); make distcheck builds and tests it"
	@echo "make deb          build/ovc_$(VERSION)_ARCH.deb (debian/, dpkg-buildpackage)"
	@echo "make rpm          build/ovc-$(VERSION)-1.ARCH.rpm (contrib/rpm/ovc.spec, rpmbuild)"

-include $(CORE_OBJ:.o=.d) $(APP_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)
