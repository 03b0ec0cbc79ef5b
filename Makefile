# pipec — the one build.  `make` builds build/pipec; `make check` installs
# missing Debian packages, builds, and runs every test (plain, then ASan+UBSan).
# CC, CFLAGS, CPPFLAGS and LDFLAGS from the environment or the command line are
# used (Debian's hardening flags: `dpkg-buildflags`); V=1 shows whole commands
# where a target prints short ones (run-example).

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/pipec
DATADIR  ?= $(PREFIX)/share/pipec

CC       ?= cc
CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
            -Wmissing-prototypes -Wwrite-strings -Wno-sign-conversion
WERROR   ?= -Werror
OPT      ?= -O2 -g
PKGS     := yaml-0.1 jansson libcurl openssl expat
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   ?=
override CPPFLAGS += -Icompiler -Iruntime -I$(B)
ALL_CFLAGS = $(CSTD) $(WARN) $(WERROR) $(OPT) $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS)
override LDLIBS += $(PKG_LIBS) -lpthread

B        ?= build
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

COMPILER_SRC := $(sort $(wildcard compiler/*.c))
RUNTIME_SRC  := $(sort $(wildcard runtime/*.c))
TEMPLATES    := $(sort $(wildcard templates/pyspark/*))
GEN_SRC      := $(B)/parser.c $(B)/lexer.c $(B)/templates_data.c
OBJ := $(patsubst %.c,$(B)/%.o,$(COMPILER_SRC) $(RUNTIME_SRC)) \
       $(B)/parser.o $(B)/lexer.o $(B)/templates_data.o
LIB_OBJ := $(filter-out $(B)/compiler/main.o,$(OBJ))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

# What the build needs (make run-example installs only these), then what the
# tests need as well (make check).
BUILD_DEPS  := build-essential pkg-config flex bison libyaml-dev libjansson-dev \
               libcurl4-openssl-dev libssl-dev libexpat1-dev
DEBIAN_DEPS := $(BUILD_DEPS) clang python3 python3-pyflakes pycodestyle \
               time strace vim python3-yaml python3-jsonschema patch groff-base man-db \
               graphviz

.PHONY: all check test unit golden-update asan asan-build fuzz bench deps build-deps format \
        install clean run-example pkgcheck

all: $(B)/pipec

$(B)/pipec: $(OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

# A library pkg-config cannot find is named, with its Debian package, before
# the compiler fails on a missing header.
PKG_DEBIAN := yaml-0.1=libyaml-dev jansson=libjansson-dev libcurl=libcurl4-openssl-dev \
              openssl=libssl-dev expat=libexpat1-dev
pkgcheck:
	@command -v pkg-config >/dev/null 2>&1 || { \
	  echo "pipec: pkg-config is not installed (Debian: apt-get install pkg-config, or make build-deps)" >&2; exit 1; }
	@missing=""; for m in $(PKG_DEBIAN); do p=$${m%%=*}; \
	  pkg-config --exists $$p || missing="$$missing $$p (Debian: $${m#*=})"; done; \
	if [ -n "$$missing" ]; then \
	  echo "pipec: pkg-config cannot find:$$missing; install them, or run make build-deps" >&2; exit 1; fi

$(B)/compiler/%.o: compiler/%.c $(B)/parser.h | $(B)/compiler pkgcheck
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -DPIPEC_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

$(B)/runtime/%.o: runtime/%.c | $(B)/runtime pkgcheck
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -DPIPEC_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

$(B)/parser.c $(B)/parser.h &: grammar/parser.y | $(B)
	bison -Wall -Werror --defines=$(B)/parser.h -o $(B)/parser.c $<

$(B)/lexer.c $(B)/lexer.h &: grammar/lexer.l $(B)/parser.h | $(B)
	flex --header-file=$(B)/lexer.h -o $(B)/lexer.c $<

# Generated C is compiled with the same warnings; flex output needs two exceptions
# that are flex's own (unused static functions, sign conversions in its tables).
$(B)/parser.o: $(B)/parser.c $(B)/lexer.h
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<
# parse.c drives the scanner through its generated header.
$(B)/compiler/parse.o: $(B)/lexer.h
$(B)/lexer.o: $(B)/lexer.c $(B)/parser.h
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Wno-unused-function -c -o $@ $<

$(B)/templates_data.c: $(TEMPLATES) tests/tools/embed.sh | $(B)
	sh tests/tools/embed.sh $(TEMPLATES) > $@.tmp && mv $@.tmp $@
$(B)/templates_data.o: $(B)/templates_data.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B) $(B)/compiler $(B)/runtime $(B)/tests:
	mkdir -p $@

$(B)/tests/%: tests/unit/%.c $(LIB_OBJ) | $(B)/tests
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

unit: $(UNIT_BIN)

# Installs what the build and the tests need when it is missing (CI runs as root):
# Debian packages, then the npm packages of tests/grammars (suite 65-grammars)
# and tests/editors (suite 88-editors).
deps:
	@sh tests/tools/deps.sh $(DEBIAN_DEPS)
	@sh tests/tools/npm_deps.sh
	@sh tests/tools/npm_deps.sh tests/editors

test: all unit
	@sh tests/run.sh $(B)

check: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory asan-build
	@sh tests/run.sh $(B) $(B)/asan

asan-build:
	@$(MAKE) --no-print-directory B=build/asan CC=clang OPT='-O1 -g -fno-omit-frame-pointer' \
	  SANFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all' all unit

asan: asan-build
	@sh tests/run.sh build/asan

golden-update: all
	@PIPEC_GOLDEN_UPDATE=1 sh tests/run.sh $(B) --only golden

fuzz: all
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)
	@rm -rf $(B)/corpus-soak && python3 tests/tools/corpus.py soak $(B)/pipec $(B)/corpus-soak $(or $(FUZZ_SECONDS),60)

bench: all
	@sh tests/bench/run.sh $(B)

format:
	@clang-format -i compiler/*.c compiler/*.h runtime/*.c runtime/*.h

build-deps:
	@sh tests/tools/deps.sh $(BUILD_DEPS)

# The binary, its manual page, the reference documentation and the editor
# support (editors/README.md), under DESTDIR/PREFIX.
install: all
	install -D -m 755 $(B)/pipec $(DESTDIR)$(BINDIR)/pipec
	install -D -m 644 docs/pipec.1 $(DESTDIR)$(MANDIR)/man1/pipec.1
	install -d $(DESTDIR)$(DOCDIR)
	install -m 644 README docs/*.md $(DESTDIR)$(DOCDIR)/
	for f in $$(cd editors && find . -type f | sort); do \
	  install -D -m 644 editors/$$f $(DESTDIR)$(DATADIR)/editors/$$f || exit 1; done

clean:
	rm -rf build

-include $(OBJ:.o=.d)

# The README's first command: install what the build needs, build quietly
# (V=1: every command), check and build the example project, list the
# artifacts of one pipeline and show the plan of a first deploy (against an
# empty base: offline, no credentials).
run-example: build-deps
	@echo "building pipec ..."
	@$(MAKE) --no-print-directory $(if $(filter 1,$(V)),,-s) all
	@echo
	@echo '$$ pipec check examples'
	@cd examples && $(abspath $(B))/pipec check .
	@echo
	@echo '$$ pipec build -o $(B)/examples-out examples'
	@rm -rf $(B)/examples-out
	@cd examples && $(abspath $(B))/pipec build -o $(abspath $(B))/examples-out .
	@echo
	@echo "the artifacts of one pipeline, orders (examples/orders_postgres.pipe):"
	@cd $(B)/examples-out/orders && ls -l | sed 1d
	@echo
	@echo '$$ pipec plan --against $(B)/empty-base examples   # a first deploy, offline'
	@rm -rf $(B)/empty-base
	@cd examples && $(abspath $(B))/pipec plan --against $(abspath $(B))/empty-base . 2>/dev/null; \
	  test $$? -eq 2 || { echo "plan failed" >&2; exit 1; }

# git, curl and jq: suite 87-ci-kit and the comment scripts of examples/ci/
DEBIAN_DEPS += git curl jq
