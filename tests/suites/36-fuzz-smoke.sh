#!/bin/sh
# A short run of every fuzz target (tests/fuzz/fuzz_*.c) on the repository's
# inputs: each target must run, and any crash, leak, hang or failed property
# fails it.  Needs clang with libFuzzer; targets are built in build/fuzz,
# shared with `make fuzz`.
set -u
if ! command -v clang >/dev/null 2>&1; then
	echo "not ok fuzz smoke: clang with libFuzzer is required"
	exit 0
fi
out=$SUITE_TMP/fuzz.out
sh "$ROOT/tests/fuzz/run.sh" 10 >"$out" 2>&1
rc=$?
B=${FUZZ_BUILD:-$ROOT/build/fuzz}
for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/$name.log" 2>/dev/null | head -1)
	if grep -q "^fuzz: $name FAILED" "$out" || [ -z "$units" ] || [ "$units" -eq 0 ]; then
		echo "not ok fuzz smoke: $name ran 10s without a failure"
		sed 's/^/# /' "$out" | tail -40
	else
		echo "ok fuzz smoke: $name ran 10s without a failure ($units inputs)"
	fi
done
[ "$rc" -eq 0 ] || echo "not ok fuzz smoke: tests/fuzz/run.sh exited $rc"
exit 0
