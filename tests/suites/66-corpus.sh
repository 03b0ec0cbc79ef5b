#!/bin/sh
# The corner-case corpus and the generative fuzz of .pipe programs
# (tests/tools/corpus.py): every program is either accepted by `pipec
# check` and then built in full, or refused with an error located in it,
# never anything else.  Fixed seeds here; `make fuzz` runs new ones.  A
# sample of each run's accepted programs is then built and every engine
# text it emits parsed by the engine grammars, as in 65-grammars.sh.
set -u
PY=${PYTHON:-python3}
TOOLS=$ROOT/tests/tools
T=$SUITE_TMP

# run DIR NAME MIN_ACCEPTED MIN_REFUSED: the property for every program,
# and enough of each side that the generator has not degenerated
run() {
	$PY "$TOOLS/corpus.py" run "$PIPEC" "$1" "$1-out" >"$1.log" 2>"$1.err"
	rc=$?
	cat "$1.log"
	summary=$(tail -1 "$1.err")
	acc=$(echo "$summary" | sed -n 's/.*programs, \([0-9]*\) accepted.*/\1/p')
	ref=$(echo "$summary" | sed -n 's/.* \([0-9]*\) refused.*/\1/p')
	if [ "$rc" -eq 0 ] && [ "${acc:-0}" -ge "$3" ] && [ "${ref:-0}" -ge "$4" ]; then
		echo "ok $2: $summary"
	else
		echo "not ok $2: exit $rc, at least $3 accepted and $4 refused expected"
		sed 's/^/# /' "$1.err" | tail -20
	fi
}

$PY "$TOOLS/corpus.py" corpus "$T/corpus"
run "$T/corpus" "corner-case corpus" 1000 800
for seed in 1 2 3; do
	$PY "$TOOLS/corpus.py" fuzz "$T/fuzz-$seed" "$seed" 150
	run "$T/fuzz-$seed" "generated programs, seed $seed" 30 30
done

# The engine grammars over a sample of each run's accepted programs
# (corpus.py builds every CORPUS_GRAMMAR_EVERY-th into OUT/grammar): the
# same collector and parser as tests/suites/65-grammars.sh.
if ! sh "$TOOLS/npm_deps.sh" >"$T/npm.log" 2>&1; then
	echo "not ok corpus grammars: npm ci in tests/grammars failed"
	sed 's/^/# /' "$T/npm.log" | tail -20
	exit 0
fi
pairs=""
for run in corpus fuzz-1 fuzz-2 fuzz-3; do
	b="$T/$run-out/grammar"
	if [ ! -f "$b/manifest.json" ]; then
		echo "not ok corpus grammars: $run built no grammar sample"
		continue
	fi
	if ! $PY "$ROOT/tests/codegen/facts.py" "$b" >"$T/facts.err" 2>&1; then
		echo "not ok corpus grammars: facts.py on $run"
		sed 's/^/# /' "$T/facts.err" | head -5
		continue
	fi
	pairs="$pairs $run $b"
done
# shellcheck disable=SC2086
if ! $PY "$TOOLS/engine_texts.py" collect $pairs >"$T/all.jsonl" 2>"$T/collect.err"; then
	echo "not ok corpus grammars: engine_texts.py collect failed"
	sed 's/^/# /' "$T/collect.err" | tail -20
fi
if ! node "$ROOT/tests/grammars/parse.mjs" <"$T/all.jsonl" >"$T/results.jsonl" 2>"$T/node.err"; then
	echo "not ok corpus grammars: parse.mjs failed"
	sed 's/^/# /' "$T/node.err" | head -20
	exit 0
fi
$PY "$TOOLS/engine_texts.py" report "$T/all.jsonl" "$T/results.jsonl"

exit 0
