#!/bin/sh
# Golden cases: tests/golden/<case>/ holds the inputs, `args` (the pipec
# arguments, one line; default "check ."), and the expectations
# `expected.stderr`, `expected.stdout` (optional) and `expected.status`.
# pipec runs inside the case directory so paths in diagnostics are relative.
# PIPEC_GOLDEN_UPDATE=1 rewrites the expectations (review them in git diff).
# A case that needs inputs git cannot hold (a FIFO, a 17 MiB sparse file)
# has a `setup` script, run with sh in the case directory before pipec, that
# makes them under `gen/`; `gen/` is removed afterwards (and git-ignored).
set -u
# annotations' paths depend on it (below): the cases run without it
unset GITHUB_WORKSPACE
cd "$ROOT/tests/golden" || exit 1
for dir in */; do
	case=${dir%/}
	[ -f "$case/expected.status" ] || [ -n "${PIPEC_GOLDEN_UPDATE:-}" ] || {
		echo "not ok $case"; echo "# missing expected.status"; continue; }
	args="check ."
	[ -f "$case/args" ] && args=$(cat "$case/args")
	out="$SUITE_TMP/$case.stdout"
	err="$SUITE_TMP/$case.stderr"
	rm -rf "$case/gen"
	if [ -f "$case/setup" ] && ! (cd "$case" && mkdir gen && sh ./setup) >"$SUITE_TMP/$case.setup" 2>&1; then
		echo "not ok $case"; echo "# setup failed"; sed 's/^/# /' "$SUITE_TMP/$case.setup"
		rm -rf "$case/gen"
		continue
	fi
	# shellcheck disable=SC2086
	(cd "$case" && exec "$PIPEC" $args) >"$out" 2>"$err"
	status=$?
	rm -rf "$case/gen"
	if [ -n "${PIPEC_GOLDEN_UPDATE:-}" ]; then
		cp "$err" "$case/expected.stderr"
		echo "$status" >"$case/expected.status"
		if [ -s "$out" ] || [ -f "$case/expected.stdout" ]; then cp "$out" "$case/expected.stdout"; fi
		echo "ok $case (updated)"
		continue
	fi
	fail=""
	[ "$status" = "$(cat "$case/expected.status")" ] || fail="status $status, expected $(cat "$case/expected.status")"
	if [ -z "$fail" ] && ! cmp -s "$err" "$case/expected.stderr"; then
		fail="stderr differs"
		diff -u "$case/expected.stderr" "$err" | head -40 | sed 's/^/# /'
	fi
	if [ -z "$fail" ] && [ -f "$case/expected.stdout" ] && ! cmp -s "$out" "$case/expected.stdout"; then
		fail="stdout differs"
		diff -u "$case/expected.stdout" "$out" | head -40 | sed 's/^/# /'
	fi
	if [ -n "$fail" ]; then
		echo "not ok $case"
		echo "# $fail"
		[ "$fail" = "${fail#status}" ] || sed 's/^/# stderr: /' "$err" | head -20
	else
		echo "ok $case"
	fi
done

# GitHub annotations name files from the repository root ($GITHUB_WORKSPACE),
# whatever directory pipec runs in; a file outside it keeps its path.
W="$SUITE_TMP/gh-workspace"
rm -rf "$W"
mkdir -p "$W/repo/lake/ci"
cp check-diagnostics-format-github/a.pipe check-diagnostics-format-github/pipec.yaml "$W/repo/lake/"
gh() {	# NAME WORKSPACE: check from lake/ci with GITHUB_WORKSPACE (empty: unset)
	if [ -n "$2" ]; then
		(cd "$W/repo/lake/ci" && GITHUB_WORKSPACE=$2 "$PIPEC" check --diagnostics-format github ..)
	else
		(cd "$W/repo/lake/ci" && "$PIPEC" check --diagnostics-format github ..)
	fi >"$SUITE_TMP/gh-$1.out" 2>&1
}
gh root "$W/repo"
if grep -q '^::error file=lake/a.pipe,line=12,' "$SUITE_TMP/gh-root.out" && ! grep -q 'file=\.\.' "$SUITE_TMP/gh-root.out"
then echo "ok github annotations: paths from GITHUB_WORKSPACE, run from a subdirectory"
else echo "not ok github annotations: paths from GITHUB_WORKSPACE, run from a subdirectory"; sed 's/^/# /' "$SUITE_TMP/gh-root.out" | head -5; fi
gh rel "$W/repo/lake/../"
if grep -q '^::error file=lake/a.pipe,line=12,' "$SUITE_TMP/gh-rel.out"
then echo "ok github annotations: a workspace path with .. and a trailing slash"
else echo "not ok github annotations: a workspace path with .. and a trailing slash"; sed 's/^/# /' "$SUITE_TMP/gh-rel.out" | head -5; fi
mkdir -p "$W/other"
gh outside "$W/other"
if grep -q '^::error file=\.\./a.pipe,line=12,' "$SUITE_TMP/gh-outside.out"
then echo "ok github annotations: a file outside the workspace keeps its path"
else echo "not ok github annotations: a file outside the workspace keeps its path"; sed 's/^/# /' "$SUITE_TMP/gh-outside.out" | head -5; fi
gh unset ""
if grep -q '^::error file=\.\./a.pipe,line=12,' "$SUITE_TMP/gh-unset.out"
then echo "ok github annotations: without GITHUB_WORKSPACE the path as given"
else echo "not ok github annotations: without GITHUB_WORKSPACE the path as given"; sed 's/^/# /' "$SUITE_TMP/gh-unset.out" | head -5; fi
