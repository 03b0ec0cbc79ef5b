#!/bin/sh
# Builds every libFuzzer target tests/fuzz/fuzz_*.c against the compiler
# (clang, ASan+UBSan) and runs each for SECONDS (default 60) from a corpus
# seeded with the repository's inputs, with tests/fuzz/NAME.dict when there
# is one.  Exits 1 on any crash, leak, hang or failed property.
# Usage: tests/fuzz/run.sh [SECONDS]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=${1:-60}
B=${FUZZ_BUILD:-$ROOT/build/fuzz}
cd "$ROOT" || exit 1

make --no-print-directory -s B="$B" CC=clang OPT='-O1 -g -fno-omit-frame-pointer' \
	SANFLAGS='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all' all ||
	exit 1
objs=$(find "$B/compiler" "$B/runtime" -name '*.o' ! -name main.o | sort)
objs="$objs $B/parser.o $B/lexer.o $B/templates_data.o"
# the libraries the Makefile links pipec with (its PKGS line)
libs=$(pkg-config --libs $(sed -n 's/^PKGS *:= *//p' "$ROOT/Makefile"))

status=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	bin=$B/$name
	# shellcheck disable=SC2086
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -Icompiler -Iruntime -I"$B" \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o "$bin" "$src" $objs $libs -lpthread || { status=1; continue; }
	corpus=$B/corpus-$short
	mkdir -p "$corpus"
	[ -d "tests/fuzz/corpus/$short" ] && cp tests/fuzz/corpus/"$short"/* "$corpus"/ 2>/dev/null
	if [ "$short" = parse ]; then
		i=0
		for f in $(find tests/golden tests/fmt examples -name '*.pipe' 2>/dev/null | sort); do
			i=$((i + 1))
			cp "$f" "$corpus/seed-$i.pipe"
		done
	fi
	if [ "$short" = catalog ]; then
		i=0
		for f in $(find tests/golden examples -name 'catalog*.yaml' 2>/dev/null | sort); do
			i=$((i + 1))
			cp "$f" "$corpus/seed-$i.yaml"
		done
	fi
	echo "fuzz: $name for ${SECONDS_EACH}s ($(ls "$corpus" | wc -l) corpus files)"
	dict=""
	[ -f "tests/fuzz/$short.dict" ] && dict="-dict=$ROOT/tests/fuzz/$short.dict"
	# shellcheck disable=SC2086
	(cd "$B" && "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 $dict "$corpus") >"$B/$name.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $name FAILED (exit $rc); log: $B/$name.log"
		grep -A30 -m1 -e 'ERROR:' -e 'runtime error' -e 'deadly signal' "$B/$name.log" | head -40
		status=1
	else
		grep -m1 'stat::number_of_executed_units' "$B/$name.log"
	fi
done
exit $status
