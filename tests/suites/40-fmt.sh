#!/bin/sh
# pipec fmt: every tests/fmt/<case>/input.pipe formats to expected.pipe,
# expected.pipe is a fixed point, formatting is idempotent on every .pipe
# file of the golden cases and examples that parses, comments survive,
# and --check / --write / syntax-error refusal behave as documented.
set -u
T=$SUITE_TMP
say() { if [ "$1" = 0 ]; then echo "ok $2"; else echo "not ok $2"; fi; }

for dir in "$ROOT"/tests/fmt/*/; do
	case=$(basename "$dir")
	"$PIPEC" fmt "$dir/input.pipe" >"$T/$case.out" 2>"$T/$case.err"
	rc=$?
	if [ "$rc" = 0 ] && cmp -s "$T/$case.out" "$dir/expected.pipe"; then
		echo "ok fmt $case"
	else
		echo "not ok fmt $case"
		echo "# exit $rc"
		diff -u "$dir/expected.pipe" "$T/$case.out" | head -30 | sed 's/^/# /'
		sed 's/^/# stderr: /' "$T/$case.err" | head -10
	fi
	"$PIPEC" fmt "$dir/expected.pipe" >"$T/$case.again" 2>/dev/null
	cmp -s "$T/$case.again" "$dir/expected.pipe"
	say $? "fmt $case: expected.pipe is canonical"
	# every comment of the input is in the output
	missing=0
	grep -o '#.*' "$dir/input.pipe" | sed 's/[[:space:]]*$//' | while IFS= read -r c; do
		grep -qF -- "$c" "$T/$case.out" || { echo "# lost comment: $c"; exit 1; }
	done || missing=1
	say $missing "fmt $case: comments kept"
	# the same syntax tree (spans and the file name aside): fmt changes
	# the layout only, never what an expression means
	for f in input expected; do
		"$PIPEC" check --dump-ast "$dir/$f.pipe" 2>/dev/null |
			sed -e 's/ *@[0-9]*\.\.[0-9]*//g' -e '/^file /d' >"$T/$case.$f.ast"
	done
	cmp -s "$T/$case.input.ast" "$T/$case.expected.ast"
	say $? "fmt $case: expected.pipe has the input's syntax tree"
done

# idempotence over every .pipe file that parses
n=0 bad=0
for f in $(find "$ROOT/tests/golden" "$ROOT/tests/fmt" "$ROOT/examples" -name '*.pipe' 2>/dev/null | sort); do
	"$PIPEC" fmt "$f" >"$T/idem1.pipe" 2>/dev/null || continue
	"$PIPEC" fmt "$T/idem1.pipe" >"$T/idem2" 2>/dev/null
	n=$((n + 1))
	if ! cmp -s "$T/idem1.pipe" "$T/idem2"; then
		bad=$((bad + 1))
		echo "# not idempotent: $f"
		diff -u "$T/idem1.pipe" "$T/idem2" | head -10 | sed 's/^/# /'
	fi
done
if [ "$n" -gt 20 ] && [ "$bad" = 0 ]; then echo "ok fmt is idempotent on $n files"
else echo "not ok fmt is idempotent on every file that parses"; echo "# $n files, $bad differ"; fi

# --check: canonical files pass silently, others are listed and fail
mkdir -p "$T/proj/sub"
cp "$ROOT/tests/fmt/already-canonical/expected.pipe" "$T/proj/a.pipe"
cp "$ROOT/tests/fmt/spacing/input.pipe" "$T/proj/sub/b.pipe"
cp "$ROOT/tests/fmt/comments/input.pipe" "$T/proj/c.pipe"
"$PIPEC" fmt --check "$T/proj/a.pipe" >"$T/check1" 2>&1
say $? "fmt --check: a canonical file passes"
[ ! -s "$T/check1" ]
say $? "fmt --check: prints nothing for a canonical file"
(cd "$T/proj" && "$PIPEC" fmt --check .) >"$T/check2" 2>"$T/check2.err"
rc=$?
printf './c.pipe\n./sub/b.pipe\n' >"$T/check2.want"
if [ "$rc" = 1 ] && { cmp -s "$T/check2" "$T/check2.want" || [ "$(sed 's|^\./||' "$T/check2")" = "$(printf 'c.pipe\nsub/b.pipe')" ]; }; then
	echo "ok fmt --check: lists the unformatted files of a directory, sorted, exit 1"
else
	echo "not ok fmt --check: lists the unformatted files of a directory, sorted, exit 1"
	echo "# exit $rc"; sed 's/^/# /' "$T/check2" "$T/check2.err"
fi
cmp -s "$T/proj/sub/b.pipe" "$ROOT/tests/fmt/spacing/input.pipe"
say $? "fmt --check: writes nothing"

# --write: rewrites what changes, leaves canonical files alone
touch -d '2001-01-01 00:00:00' "$T/proj/a.pipe"
before=$(stat -c %Y "$T/proj/a.pipe")
"$PIPEC" fmt --write "$T/proj" >"$T/write.out" 2>&1
say $? "fmt --write: exit 0"
[ ! -s "$T/write.out" ]
say $? "fmt --write: quiet"
cmp -s "$T/proj/sub/b.pipe" "$ROOT/tests/fmt/spacing/expected.pipe" &&
	cmp -s "$T/proj/c.pipe" "$ROOT/tests/fmt/comments/expected.pipe"
say $? "fmt --write: rewrites unformatted files to the canonical form"
[ "$(stat -c %Y "$T/proj/a.pipe")" = "$before" ]
say $? "fmt --write: leaves formatted files untouched"
"$PIPEC" fmt --check "$T/proj" >/dev/null 2>&1
say $? "fmt --check passes after --write"

# syntax errors: refused, reported, file untouched, other files still done
mkdir -p "$T/bad"
cp "$ROOT/tests/golden/syntax-several-errors-clauses/main.pipe" "$T/bad/broken.pipe"
cp "$ROOT/tests/fmt/spacing/input.pipe" "$T/bad/ok.pipe"
cp "$T/bad/broken.pipe" "$T/broken.orig"
"$PIPEC" fmt --write "$T/bad" >"$T/bad.out" 2>"$T/bad.err"
rc=$?
[ "$rc" = 1 ] && grep -q 'broken.pipe:2:3: error: ' "$T/bad.err" && cmp -s "$T/bad/broken.pipe" "$T/broken.orig"
say $? "fmt --write: refuses a file with syntax errors (exit 1, diagnostics, file unchanged)"
cmp -s "$T/bad/ok.pipe" "$ROOT/tests/fmt/spacing/expected.pipe"
say $? "fmt --write: still formats the other files"
"$PIPEC" fmt "$T/bad/broken.pipe" >"$T/bad2.out" 2>/dev/null
rc=$?
[ "$rc" = 1 ] && [ ! -s "$T/bad2.out" ]
say $? "fmt: prints nothing for a file with syntax errors"

# the examples are canonical and check clean, warnings included
if [ -d "$ROOT/examples" ]; then
	(cd "$ROOT/examples" && "$PIPEC" fmt --check .) >"$T/ex.out" 2>&1
	rc=$?
	[ "$rc" = 0 ] && [ ! -s "$T/ex.out" ]
	say $? "examples are fmt-canonical"
	[ "$rc" = 0 ] || sed 's/^/# /' "$T/ex.out"
	(cd "$ROOT/examples" && "$PIPEC" check --werror .) >"$T/exc.out" 2>&1
	rc=$?
	[ "$rc" = 0 ]
	say $? "examples check clean (--werror)"
	[ "$rc" = 0 ] || sed 's/^/# /' "$T/exc.out" | head -30
	n=$(ls "$ROOT"/examples/*.pipe | wc -l)
	[ "$n" -ge 8 ]
	say $? "examples: at least 8 pipelines files ($n)"
fi

# the complete files shown in the language reference are canonical
awk -v dir="$T" '/^```pipe/ { n++; f = 1; next } /^```/ { f = 0 } f { print > (dir "/doc-" n ".pipe") }' \
	"$ROOT/docs/language.md"
n=0 bad=0
for f in "$T"/doc-*.pipe; do
	[ -f "$f" ] || continue
	"$PIPEC" fmt "$f" >"$T/doc.out" 2>/dev/null || continue
	n=$((n + 1))
	cmp -s "$T/doc.out" "$f" || { bad=$((bad + 1)); diff -u "$f" "$T/doc.out" | sed 's/^/# /' | head -20; }
done
[ "$n" -ge 1 ] && [ "$bad" = 0 ]
say $? "the language reference's complete examples are canonical ($n)"

# usage
"$PIPEC" fmt --help >"$T/help" 2>&1 && grep -q 'usage: pipec fmt' "$T/help"
say $? "fmt --help"
"$PIPEC" fmt --check --write . >/dev/null 2>&1
[ $? = 2 ]
say $? "fmt: --check with --write is a usage error"
"$PIPEC" fmt --bogus >/dev/null 2>&1
[ $? = 2 ]
say $? "fmt: unknown option is a usage error"
exit 0
