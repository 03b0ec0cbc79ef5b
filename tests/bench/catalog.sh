#!/bin/sh
# Catalog benchmark: loads a 20,000-table snapshot and checks 1,000
# pipelines against it.  Prints wall time and peak RSS of
#   1. pipec catalog check (the snapshot alone: parse + index),
#   2. pipec check --no-catalog (the 1,000 pipelines without the catalog),
#   3. pipec check with the catalog (2. plus load and every catalog check);
# the catalog's cost is 3 − 2.
# Usage: tests/bench/catalog.sh [BUILD_DIR | PIPEC_BINARY]
# (default: $PIPEC when set, else build)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PIPEC=${1:-${PIPEC:-build}}
case "$PIPEC" in /*) ;; *) PIPEC=$ROOT/$PIPEC ;; esac
[ -d "$PIPEC" ] && PIPEC=$PIPEC/pipec
dir=$(mktemp -d -t pipec-bench-catalog.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
python3 "$ROOT/tests/bench/catalog_gen.py" "$dir"
echo "catalog benchmark: $(grep -c '^  *- name: t' "$dir/catalog.yaml") tables," \
     "$(ls "$dir/pipelines" | wc -l) pipelines, snapshot $(du -k "$dir/catalog.yaml" | cut -f1) KB"

# Best of 3 by CPU time (user + system), which a busy machine disturbs less
# than wall time; both are printed.
measure() {	# measure LABEL ARGS...
	label=$1; shift
	best=""
	for _ in 1 2 3; do
		(cd "$dir" && /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$PIPEC" "$@" >/dev/null 2>"$dir/err") ||
			{ echo "$label: pipec failed"; sed 's/^/  /' "$dir/err" | head -20; exit 1; }
		read -r wall user sys kb <"$dir/time"
		cpu=$(echo "$user + $sys" | bc)
		if [ -z "$best" ] || [ "$(echo "$cpu < $best" | bc)" = 1 ]; then
			best=$cpu; bwall=$wall; rss=$kb
		fi
	done
	printf '  %-40s %5.2f s CPU  %5.2f s wall  %7d KB peak RSS\n' "$label" "$best" "$bwall" "$rss"
}

measure "catalog check (load 20,000 tables)" catalog check catalog.yaml
measure "check --no-catalog (1,000 pipelines)" check --no-catalog pipelines
base=$best
measure "check with the catalog" check pipelines
printf '  catalog load + checks: %.2f s CPU\n' "$(echo "$best - $base" | bc)"
