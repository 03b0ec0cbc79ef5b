#!/bin/sh
# make bench: runs every tests/bench/*.sh except this one.  Usage: run.sh BUILD_DIR
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-build}
case "$B" in /*) ;; *) B=$ROOT/$B ;; esac
export ROOT PIPEC="$B/pipec"
rc=0
for b in "$ROOT"/tests/bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== $(basename "$b" .sh)"
	sh "$b" || rc=1
done
exit $rc
