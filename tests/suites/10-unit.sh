#!/bin/sh
# C unit tests: every $BUILD/tests/test_* binary prints its own ok/not ok lines.
set -u
found=0
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	found=1
	name=$(basename "$t")
	"$t" >"$SUITE_TMP/$name.out" 2>&1
	rc=$?
	sed "s/^\(not \)\{0,1\}ok /&$name: /" "$SUITE_TMP/$name.out"
	[ $rc -eq 0 ] || grep -q '^not ok' "$SUITE_TMP/$name.out" || echo "not ok $name: exited $rc"
done
[ $found -eq 1 ] || echo "not ok unit: no unit test binaries in $BUILD/tests"
