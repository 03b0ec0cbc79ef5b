#!/bin/sh
# The one test runner.  Usage: tests/run.sh BUILD_DIR [BUILD_DIR...] [--only NAME]
# Runs every tests/suites/*.sh once per build directory, with PIPEC pointing
# at that build's binary.  A suite prints one line per test: "ok NAME" or
# "not ok NAME", detail lines starting with "#".  The runner prints every
# line, then "N passed, N failed", and exits 1 when anything failed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT LC_ALL=C
builds=""
only=""
while [ $# -gt 0 ]; do
	case "$1" in
	--only) only="$2"; shift 2 ;;
	*) builds="$builds $1"; shift ;;
	esac
done
[ -n "$builds" ] || builds=build
scratch=$(mktemp -d -t pipec-tests.XXXXXX)
trap 'rm -rf "$scratch"' EXIT INT TERM
passed=0
failed=0
for b in $builds; do
	case "$b" in /*) bdir=$b ;; *) bdir=$ROOT/$b ;; esac
	tag=$(basename "$bdir")
	[ "$tag" = build ] && tag=plain
	for suite in "$ROOT"/tests/suites/*.sh; do
		name=$(basename "$suite" .sh)
		if [ -n "$only" ]; then
			case "$name" in *"$only"*) ;; *) continue ;; esac
		fi
		out="$scratch/$tag-$name.out"
		mkdir -p "$scratch/$tag-$name"
		PIPEC="$bdir/pipec" BUILD="$bdir" SUITE_TMP="$scratch/$tag-$name" \
			sh "$suite" >"$out" 2>&1
		rc=$?
		p=$(grep -c '^ok ' "$out")
		f=$(grep -c '^not ok ' "$out")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "not ok $tag/$name: suite exited $rc" >>"$out"
			f=1
		fi
		if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
			echo "not ok $tag/$name: suite ran no test" >>"$out"
			f=1
		fi
		sed -e "s|^ok |ok $tag/$name: |" -e "s|^not ok |not ok $tag/$name: |" "$out" |
			grep -v '^ok ' || true
		echo "# $tag/$name: $p passed, $f failed"
		passed=$((passed + p))
		failed=$((failed + f))
	done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
