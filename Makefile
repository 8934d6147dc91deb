# subroot: build, install, uninstall.
#
#   make                                       release build
#   make install   [PREFIX=...] [DESTDIR=...]  binary, completions, profiles, man page
#   make uninstall [PREFIX=...] [DESTDIR=...]
#   make generated                             rewrite completions/ and man/ from the code
#
# PREFIX is ~/.local for a user and /usr/local for root. `make && sudo make
# install` builds as you and installs as root: install builds only when there
# is no binary yet. BIN=FILE installs a binary built elsewhere (with the
# subroot-dynamic beside it, or DYNAMIC_BIN=FILE).
#
# The binary finds the shipped profiles relative to itself
# (PREFIX/bin/subroot -> PREFIX/share/subroot/profiles), so the bin and share
# directories follow PREFIX; the completion and man directories can be moved.

SWIFT ?= swift
SCRATCH ?= .build
BIN ?= $(SCRATCH)/release/subroot
# The same program linked dynamically: the statically linked subroot hands
# it what needs shared objects (NSS services beyond files, libX11, libpulse,
# libsubid). Installed in PREFIX/libexec/subroot.
DYNAMIC_BIN ?= $(dir $(BIN))subroot-dynamic

ifeq ($(shell id -u),0)
PREFIX ?= /usr/local
else
PREFIX ?= $(HOME)/.local
endif
# Where each shell looks for PREFIX: bash-completion's completionsdir (and
# the directory it searches beside a command on PATH), zsh's site-functions,
# fish's vendor_completions.d.
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d
MANDIR ?= $(PREFIX)/share/man
BINDIR = $(PREFIX)/bin
PROFILE_DIR = $(PREFIX)/share/subroot/profiles
LIBEXEC_DIR = $(PREFIX)/libexec/subroot

PROFILES = $(wildcard profiles/*.toml) profiles/README.md
INSTALL ?= install

.PHONY: all build install uninstall generated check-deps

all: build

# What the build needs of the system before swift runs: the headers the C
# targets include (pkg-config module = Debian package) and libstdc++.a, which
# the release link takes (StaticLink/). A fresh Debian 12 machine has none of
# them; without this check the build stops at "'pulse/pulseaudio.h' file not
# found". `sudo scripts/deps` installs them (and what the tests need).
PKG_CONFIG ?= pkg-config
BUILD_DEPS = x11=libx11-dev xau=libxau-dev libpulse=libpulse-dev libseccomp=libseccomp-dev

check-deps:
	@missing=""; \
	if command -v $(PKG_CONFIG) >/dev/null 2>&1; then \
		for dep in $(BUILD_DEPS); do \
			$(PKG_CONFIG) --exists $${dep%%=*} || missing="$$missing $${dep#*=}"; \
		done; \
	else \
		missing=" pkg-config"; \
	fi; \
	ls /usr/lib/gcc/*/*/libstdc++.a >/dev/null 2>&1 || missing="$$missing libstdc++-12-dev"; \
	if [ -n "$$missing" ]; then \
		echo "make: the build needs these Debian packages:$$missing" >&2; \
		echo "hint: sudo scripts/deps installs them (and what the tests need)" >&2; \
		exit 1; \
	fi

# --disable-local-rpath: with the Swift runtime linked in there is nothing
# to find beside the binary, and an $ORIGIN run path made the loader look
# for libc and libm in 14 places there first, at every start.
build: check-deps
	$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath --scratch-path $(SCRATCH)

$(BIN):
	@$(MAKE) --no-print-directory check-deps
	$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath --scratch-path $(SCRATCH)

install: $(BIN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PROFILE_DIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASH_COMPLETION_DIR) $(DESTDIR)$(ZSH_COMPLETION_DIR) $(DESTDIR)$(FISH_COMPLETION_DIR)
	$(INSTALL) -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/subroot
	$(INSTALL) -d $(DESTDIR)$(LIBEXEC_DIR)
	$(INSTALL) -m 0755 $(DYNAMIC_BIN) $(DESTDIR)$(LIBEXEC_DIR)/subroot-dynamic
	$(INSTALL) -m 0644 $(PROFILES) $(DESTDIR)$(PROFILE_DIR)/
	$(INSTALL) -m 0644 completions/subroot.bash $(DESTDIR)$(BASH_COMPLETION_DIR)/subroot
	$(INSTALL) -m 0644 completions/_subroot $(DESTDIR)$(ZSH_COMPLETION_DIR)/_subroot
	$(INSTALL) -m 0644 completions/subroot.fish $(DESTDIR)$(FISH_COMPLETION_DIR)/subroot.fish
	$(INSTALL) -m 0644 man/subroot.1 $(DESTDIR)$(MANDIR)/man1/subroot.1
	@case "$(PREFIX)" in /usr|/usr/local) ;; *) \
		echo "zsh: add  fpath+=($(ZSH_COMPLETION_DIR))  before compinit in ~/.zshrc";; esac

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/subroot $(DESTDIR)$(LIBEXEC_DIR)/subroot-dynamic \
		$(addprefix $(DESTDIR)$(PROFILE_DIR)/,$(notdir $(PROFILES))) \
		$(DESTDIR)$(BASH_COMPLETION_DIR)/subroot \
		$(DESTDIR)$(ZSH_COMPLETION_DIR)/_subroot \
		$(DESTDIR)$(FISH_COMPLETION_DIR)/subroot.fish \
		$(DESTDIR)$(MANDIR)/man1/subroot.1
	rmdir $(DESTDIR)$(PROFILE_DIR) $(DESTDIR)$(PREFIX)/share/subroot $(DESTDIR)$(LIBEXEC_DIR) 2>/dev/null || true

# The shipped completion scripts and man page, from the code as it is now
# (SubrootCompletionTests fails when they are out of date).
generated: build
	$(BIN) completions bash > completions/subroot.bash.new
	$(BIN) completions zsh > completions/_subroot.new
	$(BIN) completions fish > completions/subroot.fish.new
	scripts/make-man $(BIN) > man/subroot.1.new
	mv completions/subroot.bash.new completions/subroot.bash
	mv completions/_subroot.new completions/_subroot
	mv completions/subroot.fish.new completions/subroot.fish
	mv man/subroot.1.new man/subroot.1
