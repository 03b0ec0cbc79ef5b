# pipec — the one build.  `make` builds build/pipec; `make check` installs
# missing Debian packages, builds, and runs every test (plain, then ASan+UBSan).

PREFIX   ?= /usr/local

CC       ?= cc
CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
            -Wmissing-prototypes -Wwrite-strings -Wno-sign-conversion
WERROR   ?= -Werror
OPT      ?= -O2 -g
PKGS     := yaml-0.1 jansson libcurl openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   ?=
CPPFLAGS += -Icompiler -Iruntime -I$(B)
ALL_CFLAGS = $(CSTD) $(WARN) $(WERROR) $(OPT) $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread

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

DEBIAN_DEPS := build-essential pkg-config flex bison libyaml-dev libjansson-dev \
               libcurl4-openssl-dev libssl-dev clang python3 python3-pyflakes pycodestyle \
               time

.PHONY: all check test unit golden-update asan asan-build fuzz bench deps format install clean run-example

all: $(B)/pipec

$(B)/pipec: $(OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(B)/compiler/%.o: compiler/%.c $(B)/parser.h | $(B)/compiler
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -DPIPEC_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

$(B)/runtime/%.o: runtime/%.c | $(B)/runtime
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
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

unit: $(UNIT_BIN)

# Installs what the build and the tests need when it is missing (CI runs as root):
# Debian packages, then the npm packages of tests/grammars (suite 65-grammars).
deps:
	@sh tests/tools/deps.sh $(DEBIAN_DEPS)
	@sh tests/tools/npm_deps.sh

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

install: all
	install -D -m 755 $(B)/pipec $(DESTDIR)$(PREFIX)/bin/pipec

clean:
	rm -rf build

-include $(OBJ:.o=.d)

# The README's first command: install what is missing, build, and run pipec
# on the example project (check, then build its artifacts, then an offline plan).
run-example: deps
	@$(MAKE) --no-print-directory all
	cd examples && ../$(B)/pipec check .
	cd examples && ../$(B)/pipec build -o ../$(B)/examples-out .
	@echo "artifacts written to $(B)/examples-out"

# git, curl and jq: suite 87-ci-kit and the comment scripts of examples/ci/
DEBIAN_DEPS += git curl jq
