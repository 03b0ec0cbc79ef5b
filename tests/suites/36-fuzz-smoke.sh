#!/bin/sh
# A short run of the parser fuzz target on the repository's inputs: any
# crash, leak, hang or fmt property failure fails the suite.  Needs clang
# with libFuzzer; targets are built in build/fuzz, shared with `make fuzz`.
set -u
if ! command -v clang >/dev/null 2>&1; then
	echo "# clang not found: fuzz smoke test not run"
	echo "not ok fuzz smoke: clang with libFuzzer is required"
	exit 0
fi
out=$SUITE_TMP/fuzz.out
sh "$ROOT/tests/fuzz/run.sh" 10 >"$out" 2>&1
rc=$?
ran=$(grep -c 'stat::number_of_executed_units' "$out")
if [ "$rc" = 0 ] && [ "$ran" -ge 1 ]; then
	echo "ok fuzz smoke: every target ran 10s without a failure"
else
	echo "not ok fuzz smoke: every target ran 10s without a failure"
	sed 's/^/# /' "$out" | tail -40
fi
exit 0
