#!/bin/sh
# Runs every benchmark: each tests/bench/*.sh except this one, given the
# build directory (default: build) as its argument.  Benchmarks print
# figures; they are not tests and are not part of `make check`.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-build}
export ROOT LC_ALL=C
rc=0
for bench in "$ROOT"/tests/bench/*.sh; do
	[ "$(basename "$bench")" = run.sh ] && continue
	echo "== $(basename "$bench" .sh)"
	(cd "$ROOT" && sh "$bench" "$B") || rc=1
done
exit $rc
