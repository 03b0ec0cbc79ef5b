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
