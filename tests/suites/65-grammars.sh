#!/bin/sh
# Engine grammars: every SQL text pipec emits must parse with a real grammar
# of the engine's dialect (docs/hacking.md "Engine grammars in the tests").
# Builds every project the repository has (examples/, tests/codegen/,
# tests/behaviour/, tests/grammars/projects/, the golden cases `pipec build`
# accepts) plus the prebuilt fixtures/good, collects each build's texts
# (tests/tools/engine_texts.py, running job.py on the stand-in for the
# run-time SQL), checks them all with one node process
# (tests/grammars/parse.mjs) and prints one line per (project, pipeline,
# group of texts).  The grammars come from npm (tests/grammars/package.json,
# installed by tests/tools/npm_deps.sh when missing).  Scratch paths have no
# spaces (run.sh's mktemp).
set -u
: "${PIPEC:?}" "${ROOT:?}" "${SUITE_TMP:?}"
T=$SUITE_TMP
TOOLS=$ROOT/tests/tools
PY=python3
if ! sh "$TOOLS/npm_deps.sh" >"$T/npm.log" 2>&1; then
	echo "not ok grammars: npm ci in tests/grammars failed"
	sed 's/^/# /' "$T/npm.log" | tail -20
	exit 0
fi
mkdir -p "$T/builds" "$T/texts"
: >"$T/projects"

# build NAME DIR MUST PATH [ARGS...]: `pipec build ARGS -o $T/builds/NAME
# PATH` in DIR.  A project whose build fails is not ok when MUST is 1, and
# passed over when 0 (golden cases: only those pipec builds are in scope).
build() {
	name=$1 dir=$2 must=$3 path=$4
	shift 4
	out="$T/builds/$name"
	err="$T/$(echo "$name" | tr / _).build.err"
	mkdir -p "$(dirname "$out")"
	if (cd "$dir" && exec "$PIPEC" build "$@" -o "$out" "$path") >"$err" 2>&1; then
		echo "$name" >>"$T/projects"
	elif [ "$must" = 1 ]; then
		echo "not ok $name: pipec build"
		sed 's/^/# /' "$err" | head -10
	fi
}

build examples "$ROOT/examples" 1 .
for dir in "$ROOT"/tests/codegen/*/; do
	c=$(basename "$dir")
	if [ -f "$dir/project" ]; then
		continue	# a codegen case naming another project (examples)
	elif [ -d "$dir/pipelines" ]; then
		build "codegen/$c" "$dir" 1 pipelines
	fi
done
for dir in "$ROOT"/tests/behaviour/*/; do
	[ -f "$dir/case.json" ] || continue
	[ -f "$dir/pipec.yaml" ] || continue	# a case of another project (examples), built above
	build "behaviour/$(basename "$dir")" "$dir" 1 . --no-catalog
done
# Projects written for this suite: names and literals that need quoting.
for dir in "$ROOT"/tests/grammars/projects/*/; do
	build "grammars/$(basename "$dir")" "$dir" 1 . --no-catalog
done
for dir in "$ROOT"/tests/golden/*/; do
	build "golden/$(basename "$dir")" "$dir" 0 .
done
mkdir -p "$T/builds/fixtures"
cp -r "$ROOT/tests/tools/fixtures/good" "$T/builds/fixtures/good"
echo fixtures/good >>"$T/projects"

# The facts the stand-in runs need (tests/codegen/facts.py), then one
# collector for every build (it runs the stand-in jobs in parallel) and one
# node process that parses every text.
pairs=""
for p in $(cat "$T/projects"); do
	if [ -f "$T/builds/$p/manifest.json" ] &&
		! $PY "$ROOT/tests/codegen/facts.py" "$T/builds/$p" >"$T/facts.err" 2>&1; then
		echo "not ok $p: facts.py"
		sed 's/^/# /' "$T/facts.err" | head -5
		continue
	fi
	pairs="$pairs $p $T/builds/$p"
done
$PY "$TOOLS/engine_texts.py" selftest >"$T/all.jsonl"
# shellcheck disable=SC2086
if ! $PY "$TOOLS/engine_texts.py" collect $pairs >>"$T/all.jsonl" 2>"$T/collect.err"; then
	echo "not ok grammars: engine_texts.py collect failed"
	sed 's/^/# /' "$T/collect.err" | tail -20
fi
# Behaviour cases that change their pipeline between runs (schema
# evolution): replayed on the row-level stand-in, so the statements a
# later version runs against the table an earlier one left are checked.
mkdir -p "$T/evolve"
# shellcheck disable=SC2086
if ! $PY "$TOOLS/engine_texts.py" evolve "$PIPEC" "$T/evolve" "$ROOT"/tests/behaviour/*/ \
	>>"$T/all.jsonl" 2>"$T/evolve.err"; then
	echo "not ok grammars: engine_texts.py evolve failed"
	sed 's/^/# /' "$T/evolve.err" | tail -20
fi
if ! node "$ROOT/tests/grammars/parse.mjs" <"$T/all.jsonl" >"$T/results.jsonl" 2>"$T/node.err"; then
	echo "not ok grammars: parse.mjs failed"
	sed 's/^/# /' "$T/node.err" | head -20
	exit 0
fi
$PY "$TOOLS/engine_texts.py" report "$T/all.jsonl" "$T/results.jsonl"
exit 0
