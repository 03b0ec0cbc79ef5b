#!/bin/sh
# Install and first run: docs/pipec.1 is what tests/tools/manpage.py makes
# from pipec's --help (so the manual never drifts) and groff reads it without
# a warning; `make install` with Debian's hardening flags (dpkg-buildflags:
# CFLAGS, CPPFLAGS, LDFLAGS) builds a hardened binary (RELRO, BIND_NOW,
# fortified calls) and puts it, the manual, the docs and the editor support
# under DESTDIR/PREFIX; a library pkg-config cannot find is named with its
# Debian package; `make run-example` shows the checks, the artifacts of one
# pipeline and a first plan.
set -u
: "${PIPEC:?}" "${ROOT:?}" "${SUITE_TMP:?}"
T=$SUITE_TMP
mkdir -p "$T"
ok() { echo "ok install: $1"; }
nok() {
	echo "not ok install: $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | tail -20; done
}

# 1. the manual page
python3 "$ROOT/tests/tools/manpage.py" "$PIPEC" >"$T/pipec.1" 2>"$T/man.err"
if cmp -s "$T/pipec.1" "$ROOT/docs/pipec.1"; then
	ok "docs/pipec.1 is generated from the --help texts"
else
	diff "$ROOT/docs/pipec.1" "$T/pipec.1" >"$T/man.diff"
	nok "docs/pipec.1 differs from the --help texts (python3 tests/tools/manpage.py build/pipec > docs/pipec.1)" "$T/man.diff" "$T/man.err"
fi
groff -man -Tutf8 -ww -z "$ROOT/docs/pipec.1" >"$T/groff.out" 2>&1
if [ ! -s "$T/groff.out" ] && MANWIDTH=80 man -l "$ROOT/docs/pipec.1" 2>/dev/null >"$T/man.txt" &&
   grep -q '^COMMANDS' "$T/man.txt" && grep -q 'pipec init' "$T/man.txt" &&
   grep -q 'usage: pipec debug tokens' "$T/man.txt"; then
	ok "groff reads the manual without a warning; man renders every command"
else
	nok "the manual renders" "$T/groff.out"
fi

# 2. make install, hardened
CF=$(dpkg-buildflags --get CFLAGS 2>/dev/null || echo "-g -O2 -fstack-protector-strong")
CPF=$(dpkg-buildflags --get CPPFLAGS 2>/dev/null || echo "-Wdate-time -D_FORTIFY_SOURCE=2")
LF=$(dpkg-buildflags --get LDFLAGS 2>/dev/null || echo "-Wl,-z,relro")
D=$T/root
(cd "$ROOT" && make -s B="$T/build" PREFIX=/usr DESTDIR="$D" CFLAGS="$CF" CPPFLAGS="$CPF" \
	LDFLAGS="$LF -Wl,-z,now" install) >"$T/install.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -x "$D/usr/bin/pipec" ] && [ -f "$D/usr/share/man/man1/pipec.1" ] &&
   [ -f "$D/usr/share/doc/pipec/language.md" ] && [ -f "$D/usr/share/doc/pipec/README" ] &&
   [ -f "$D/usr/share/pipec/editors/vim/syntax/pipe.vim" ] &&
   [ -f "$D/usr/share/pipec/editors/vscode/package.json" ] &&
   [ "$("$D/usr/bin/pipec" --version)" = "$("$PIPEC" --version)" ]; then
	ok "make install puts the binary, the manual, the docs and editors/ under DESTDIR/PREFIX"
else
	nok "make install (exit $rc)" "$T/install.out"
fi
if readelf -lW "$D/usr/bin/pipec" 2>/dev/null | grep -q GNU_RELRO &&
   readelf -dW "$D/usr/bin/pipec" 2>/dev/null | grep -q BIND_NOW &&
   nm -D "$D/usr/bin/pipec" 2>/dev/null | grep -q '__[a-z]*_chk'; then
	ok "CFLAGS, CPPFLAGS and LDFLAGS reach the build: RELRO, BIND_NOW, fortified calls"
else
	nok "hardening flags reach the build"
fi

# 3. a missing library is named
(cd "$ROOT" && PKG_CONFIG_LIBDIR=$T/none PKG_CONFIG_PATH= make B="$T/nopkg" all) >"$T/nopkg.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'pkg-config cannot find: yaml-0.1 (Debian: libyaml-dev)' "$T/nopkg.out" &&
   grep -q 'openssl (Debian: libssl-dev)' "$T/nopkg.out" && [ ! -e "$T/nopkg/pipec" ]; then
	ok "a library pkg-config cannot find is named with its Debian package"
else
	nok "missing libraries named (exit $rc)" "$T/nopkg.out"
fi

# 4. the first run
(cd "$ROOT" && make -s B="$T/build" run-example) >"$T/example.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^checked .* pipelines in .* files (environment dev, catalog catalog.yaml)$' "$T/example.out" &&
   grep -q 'job.py$' "$T/example.out" && grep -q 'validate.sql$' "$T/example.out" &&
   grep -q '^Plan: [0-9]* to create' "$T/example.out" && ! grep -q '^cc \|^bison' "$T/example.out"; then
	ok "make run-example: quiet build, the checks, one pipeline's artifacts, a first plan"
else
	nok "make run-example (exit $rc)" "$T/example.out"
fi
