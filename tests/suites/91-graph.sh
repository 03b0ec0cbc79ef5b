#!/bin/sh
# pipec graph (docs/graph.md): the example project and a project of
# quoting hazards (tests/graph/hazards) in every format against goldens
# (tests/graph/expected; PIPEC_GOLDEN_UPDATE=1 rewrites them, review the
# diff); every DOT output rendered by Graphviz (dot -Tsvg); every JSON
# output valid against docs/graph.schema.json with every edge's ends among
# the nodes; every Mermaid output checked line by line (ids, quoted labels
# with only entities for the characters Mermaid reads, edges between
# declared nodes); what the medallion's graph says; PATHs; -o; bad input
# (exit codes and diagnostics as check's).
set -u
T=$SUITE_TMP
E=$ROOT/tests/graph/expected
EX=$ROOT/examples
HZ=$ROOT/tests/graph/hazards
ok() { echo "ok graph: $1"; }
nok() { echo "not ok graph: $1"; shift; for l in "$@"; do echo "# $l"; done; }
say() { if [ "$1" = 0 ]; then ok "$2"; else nok "$2"; fi; }

command -v dot >/dev/null 2>&1 ||
	nok "Graphviz's dot is installed (make deps installs graphviz)"

golden() {
	name=$1
	if [ -n "${PIPEC_GOLDEN_UPDATE:-}" ]; then
		cp "$T/$name" "$E/$name"
		ok "$name: golden (updated)"
	elif cmp -s "$T/$name" "$E/$name"; then
		ok "$name: output matches tests/graph/expected/$name"
	else
		nok "$name: output differs from tests/graph/expected/$name"
		diff -u "$E/$name" "$T/$name" | head -30 | sed 's/^/# /'
	fi
}

# graph NAME DIR ARGS...: pipec graph in DIR, stdout to $T/NAME; exit 0
graph() {
	name=$1 dir=$2
	shift 2
	(cd "$dir" && "$PIPEC" graph "$@") >"$T/$name" 2>"$T/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		nok "$name: exit status 0" "got $rc"
		sed 's/^/# stderr: /' "$T/$name.err" | head -10
		return 1
	fi
	return 0
}

check_dot() {
	if dot -Tsvg "$T/$1" >"$T/$1.svg" 2>"$T/$1.doterr" && grep -q '<svg' "$T/$1.svg" &&
		[ ! -s "$T/$1.doterr" ]; then
		ok "$1: dot -Tsvg renders it without a warning"
	else
		nok "$1: dot -Tsvg renders it without a warning"
		sed 's/^/# dot: /' "$T/$1.doterr" | head -10
	fi
}

check_json() {
	if python3 - "$ROOT/docs/graph.schema.json" "$T/$1" >"$T/$1.check" 2>&1 <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
ids = [n["id"] for n in doc["nodes"]]
assert ids == sorted(ids), "nodes are not sorted by id"
assert len(set(ids)) == len(ids), "an id is used twice"
for e in doc["edges"]:
    assert e["from"] in ids and e["to"] in ids, "edge with an end that is no node: %r" % e
ends = {e["from"] for e in doc["edges"]} | {e["to"] for e in doc["edges"]}
for n in doc["nodes"]:
    assert n["kind"] == "pipeline" or n["id"] in ends, "a node without an edge: %s" % n["id"]
PY
	then ok "$1: valid against docs/graph.schema.json, every edge between nodes"
	else nok "$1: valid against docs/graph.schema.json, every edge between nodes"
		sed 's/^/# /' "$T/$1.check" | tail -5
	fi
}

check_mermaid() {
	if python3 - "$T/$1" >"$T/$1.check" 2>&1 <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[0] == "flowchart LR", "first line: %r" % lines[0]
assert lines[-1] == "", "no final newline"
ident = r"[pst]_[A-Za-z0-9_]+"
# inside quotes: no '"', no '#' but an entity's, no '<' '>' '&' '`' but
# the line break <br/>, no control characters
text = r'(?:[^"#<>&`\x00-\x1f]|#(?:quot|lt|gt|amp|[0-9]+);|<br/>)*'
shapes = {"p": r'\["%s"\]' % text, "s": r'\[/"%s"/\]' % text, "t": r'\[\("%s"\)\]' % text}
nodes = set()
for l in lines[1:-1]:
    m = re.fullmatch(r"  (%s)(.*)" % ident, l)
    assert m, "not a node or an edge: %r" % l
    rest = m.group(2)
    if re.fullmatch(shapes[m.group(1)[0]], rest):
        assert m.group(1) not in nodes, "node declared twice: " + m.group(1)
        nodes.add(m.group(1))
        continue
    e = re.fullmatch(r' (-->|-\.->|==>)(?:\|"(%s)"\|)? (%s)' % (text, ident), rest)
    assert e, "not a node or an edge: %r" % l
    assert m.group(1) in nodes and e.group(3) in nodes, "edge before its nodes: %r" % l
PY
	then ok "$1: a flowchart of quoted labels, safe ids, edges between declared nodes"
	else nok "$1: a flowchart of quoted labels, safe ids, edges between declared nodes"
		sed 's/^/# /' "$T/$1.check" | tail -5
	fi
}

for fmt in mermaid dot json; do
	ext=$fmt
	[ $fmt = mermaid ] && ext=mmd
	graph "examples.$ext" "$EX" --format $fmt && golden "examples.$ext"
	graph "medallion.$ext" "$EX" --format=$fmt medallion.pipe && golden "medallion.$ext"
	graph "hazards.$ext" "$HZ" --format $fmt && golden "hazards.$ext"
done
for f in examples medallion hazards; do
	check_mermaid $f.mmd
	check_dot $f.dot
	check_json $f.json
done

# Mermaid's own flowchart grammar (tests/grammars/mermaid.mjs, the npm
# mermaid package) parses every Mermaid output with as many vertices and
# edges as the JSON has nodes and edges, and refuses a raw quote in a label
if sh "$ROOT/tests/tools/npm_deps.sh" >"$T/npm.log" 2>&1; then
	for f in examples medallion hazards; do
		want=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["nodes"]), len(d["edges"]))' "$T/$f.json")
		if node "$ROOT/tests/grammars/mermaid.mjs" "$T/$f.mmd" >"$T/$f.mparse" 2>&1 &&
			[ "$(cut -d' ' -f3,4 "$T/$f.mparse")" = "$want" ]; then
			ok "$f.mmd: Mermaid's flowchart parser reads it ($want nodes and edges)"
		else
			nok "$f.mmd: Mermaid's flowchart parser reads it ($want nodes and edges)"
			sed 's/^/# /' "$T/$f.mparse" | head -5
		fi
	done
	# the graph that ends plan's Markdown (suite 70-plan-against's golden)
	sed -n '/^```mermaid$/,/^```$/p' "$ROOT/tests/plan/expected/plan-graph.md" | sed '1d;$d' >"$T/plan-graph.mmd"
	if grep -q '^  class p_sales_silver changed$' "$T/plan-graph.mmd" &&
		node "$ROOT/tests/grammars/mermaid.mjs" "$T/plan-graph.mmd" >"$T/pg.out" 2>&1; then
		ok "plan-graph.md: Mermaid's flowchart parser reads the plan's graph (changed pipeline marked)"
	else
		nok "plan-graph.md: Mermaid's flowchart parser reads the plan's graph (changed pipeline marked)"
		sed 's/^/# /' "$T/pg.out" | head -5
	fi
	printf 'flowchart LR\n  p_a["say "hi" now"] --> p_b["b"]\n' >"$T/raw-quote.mmd"
	node "$ROOT/tests/grammars/mermaid.mjs" "$T/raw-quote.mmd" >"$T/rq.out" 2>&1
	say $(($? != 1)) "Mermaid's parser refuses a raw quote in a label (it does check)"
else
	nok "npm ci in tests/grammars (Mermaid's parser)"
	sed 's/^/# /' "$T/npm.log" | tail -10
fi

# mermaid is the default; the same bytes from another directory, twice
graph default "$ROOT" examples
cmp -s "$T/default" "$T/examples.mmd"
say $? "the default format is mermaid; the graph does not depend on the working directory"
graph default-json /tmp --format json "$EX"
cmp -s "$T/default-json" "$T/examples.json"
say $? "the JSON (files relative to the project) does not depend on the working directory"
graph default2 "$ROOT" examples
cmp -s "$T/default" "$T/default2"
say $? "the same project gives the same bytes twice"

# -o FILE: the same bytes, nothing on stdout
graph out "$EX" --format dot -o "$T/out.dot"
[ ! -s "$T/out" ] && cmp -s "$T/out.dot" "$T/examples.dot"
say $? "-o FILE writes the graph to FILE"

(cd "$EX" && "$PIPEC" graph -o "$T/no-such-dir/g.mmd") >"$T/oerr.out" 2>"$T/oerr.err"
[ $? = 1 ] && [ ! -s "$T/oerr.out" ] && grep -q "cannot write '.*no-such-dir/g.mmd'" "$T/oerr.err"
say $? "-o FILE that cannot be written: an error naming it, exit 1"

# what the medallion's graph says (JSON)
if python3 - "$T/examples.json" "$T/medallion.json" >"$T/sem.out" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
nodes = {n["id"]: n for n in doc["nodes"]}
by_label = {}
for n in doc["nodes"]:
    by_label.setdefault((n["kind"], n["label"]), []).append(n["id"])
def one(kind, label):
    ids = by_label.get((kind, label), [])
    assert len(ids) == 1, "%s %s: %d nodes" % (kind, label, len(ids))
    return ids[0]
def edges(kind, a=None, b=None):
    return [e for e in doc["edges"] if e["kind"] == kind and (a is None or e["from"] == a)
            and (b is None or e["to"] == b)]
silver_t = one("table", "lake.sales_silver")
assert nodes[silver_t]["table_kind"] == "iceberg"
assert len(edges("writes", b=silver_t)) == 1, "one writer of lake.sales_silver"
readers = sorted(nodes[e["to"]]["label"] for e in edges("reads", a=silver_t))
assert readers == ["customer_behavior", "daily_sales"], readers
bronze, silver = one("pipeline", "sales_bronze"), one("pipeline", "sales_silver")
assert [e["label"] for e in edges("after", bronze, silver)] == ["AND"]
assert edges("reads", one("table", "lake.sales_bronze"), silver)
j = edges("joins", one("table", "lake.customers"), silver)
assert [e["label"] for e in j] == ["left join c"], j
assert edges("writes", one("pipeline", "customers_upload"), one("table", "lake.customers"))
assert nodes[bronze]["schedule"] == "every 1h" and nodes[bronze]["mode"] == "append"
assert nodes[silver]["schedule"] == "after sales_bronze"
assert nodes[one("pipeline", "events_bronze")]["schedule"] == "cron(0 6 * * ? *)"
assert nodes[one("pipeline", "customers_upload")]["schedule"] == "on demand"
assert nodes[one("table", "public.fact_orders")]["table_kind"] == "redshift"
assert nodes[one("table", "analytics.events")]["table_kind"] == "s3tables"
src = nodes[one("source", "s3://shop-dev-raw/sales/")]
assert src["source_kind"] == "s3" and src["detail"] == "json"
assert nodes[one("source", "orders-pg: public.orders")]["detail"] == "postgresql"
# PATH: the four medallion pipelines and what they touch, nothing else
med = json.load(open(sys.argv[2]))
pipes = sorted(n["label"] for n in med["nodes"] if n["kind"] == "pipeline")
assert pipes == ["customer_behavior", "daily_sales", "sales_bronze", "sales_silver"], pipes
labels = {n["label"] for n in med["nodes"]}
assert "lake.customers" in labels and "lake.orders" not in labels
assert "customers_upload" not in labels
print("ok")
PY
then ok "medallion: one node per table, source/join/after edges, schedules, kinds, PATH subset"
else nok "medallion: one node per table, source/join/after edges, schedules, kinds, PATH subset"
	sed 's/^/# /' "$T/sem.out" | tail -5; fi

# hazards: the texts survive each format's escaping
if python3 - "$T/hazards.json" "$T/hazards.mmd" "$T/hazards.dot" >"$T/hz.out" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
desc = [n["description"] for n in doc["nodes"] if n["label"] == "quoted_src"][0]
assert desc == 'Say "hi" & <b>bold</b> #1 `code` back\\slash; end', desc
labels = {n["label"] for n in doc["nodes"]}
assert "s3://hazard-raw/in put/a#b&c=d/(x)[y]|w;v/" in labels, labels
mmd = open(sys.argv[2], encoding="utf-8").read()
assert "Say #quot;hi#quot; #amp; #lt;b#gt;bold#lt;/b#gt; #35;1 #96;code#96;" in mmd
dot = open(sys.argv[3], encoding="utf-8").read()
assert 'Say \\"hi\\" & <b>bold</b> #1 `code` back\\\\slash; end' in dot
print("ok")
PY
then ok "hazards: quotes, '#', '<', '&', backticks and backslashes escaped per format"
else nok "hazards: quotes, '#', '<', '&', backticks and backslashes escaped per format"
	sed 's/^/# /' "$T/hz.out" | tail -5; fi

# bad input: usage errors exit 2; a project's mistakes as check reports them
(cd "$EX" && "$PIPEC" graph --format svg) >"$T/badfmt.out" 2>"$T/badfmt.err"
rc=$?
[ $rc = 2 ] && [ ! -s "$T/badfmt.out" ] && grep -q "unknown format 'svg' (mermaid, dot, json)" "$T/badfmt.err"
say $? "unknown --format: usage error, exit 2"
(cd "$EX" && "$PIPEC" graph --format) >/dev/null 2>&1
say $(($? != 2)) "--format without a value: usage error, exit 2"
(cd "$EX" && "$PIPEC" graph --bogus) >/dev/null 2>&1
say $(($? != 2)) "unknown option: usage error, exit 2"
for args in "--env nope" "--config $HZ/pipec.yaml $ROOT/tests/graph/broken" "$T/does-not-exist.pipe"; do
	# shellcheck disable=SC2086
	(cd "$EX" && "$PIPEC" check $args) >/dev/null 2>"$T/check.err"
	crc=$?
	# shellcheck disable=SC2086
	(cd "$EX" && "$PIPEC" graph $args) >"$T/graph.out" 2>"$T/graph.err"
	grc=$?
	if [ $crc = 1 ] && [ $grc = 1 ] && [ ! -s "$T/graph.out" ] && cmp -s "$T/check.err" "$T/graph.err"; then
		ok "graph $args: exit 1 with check's diagnostics, no graph"
	else
		nok "graph $args: exit 1 with check's diagnostics, no graph" "check exit $crc, graph exit $grc"
		diff "$T/check.err" "$T/graph.err" | head -10 | sed 's/^/# /'
	fi
done
# the broken project: the reader of a pipeline with a mistake is not
# derived (check crashed on its half-made table source)
grep -q "broken.pipe:15:3: error: 'mode overwrite'" "$T/check.err" 2>/dev/null ||
	"$PIPEC" check --config "$HZ/pipec.yaml" "$ROOT/tests/graph/broken" 2>&1 | grep -q "broken.pipe:15:3: error: 'mode overwrite'"
say $? "a pipeline reading one with a mistake: the mistake reported, no crash"
(cd "$EX" && "$PIPEC" graph --diagnostics-format json --env nope) >"$T/dj.out" 2>/dev/null
[ $? = 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d' "$T/dj.out" 2>/dev/null
say $? "--diagnostics-format json: the diagnostics as JSON on stdout, exit 1"
mkdir -p "$T/nopipes"
(cd "$EX" && "$PIPEC" graph "$T/nopipes") >"$T/np.out" 2>"$T/np.err"
[ $? = 1 ] && [ ! -s "$T/np.out" ] && [ -s "$T/np.err" ]
say $? "a PATH without pipelines: an error, exit 1"

# help
"$PIPEC" help graph >"$T/help1" 2>&1 && "$PIPEC" graph --help >"$T/help2" 2>&1 &&
	cmp -s "$T/help1" "$T/help2" && grep -q '^usage: pipec graph' "$T/help1"
say $? "pipec help graph is pipec graph --help"
"$PIPEC" --help 2>&1 | grep -q '^  graph '
say $? "pipec --help lists graph"
