#!/bin/sh
# Offline plans between two build trees (tests/plan/trees, written by
# tests/plan/make_trees.py): every action kind, every warning, the three
# formats and the exit codes, against golden outputs in tests/plan/expected.
# PIPEC_GOLDEN_UPDATE=1 rewrites the goldens (review them in git diff).
set -u
T="$ROOT/tests/plan/trees"
E="$ROOT/tests/plan/expected"
S="$SUITE_TMP"
# No credentials and an endpoint nobody listens on: --against must not call AWS.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
export AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true

ok() { echo "ok $1"; }
nok() { echo "not ok $1"; shift; for l in "$@"; do echo "# $l"; done; }

# run NAME EXPECTED_STATUS ARGS... : stdout to $S/NAME.out, stderr to $S/NAME.err
run() {
	name=$1 want=$2
	shift 2
	(cd "$T" && "$PIPEC" "$@") >"$S/$name.out" 2>"$S/$name.err"
	st=$?
	if [ "$st" != "$want" ]; then
		nok "$name: exit status" "got $st, want $want"
		sed 's/^/# stderr: /' "$S/$name.err" | head -10
		return 1
	fi
	ok "$name: exit status $want"
}

golden() {
	name=$1 file=$2
	if [ -n "${PIPEC_GOLDEN_UPDATE:-}" ]; then
		mkdir -p "$E"
		cp "$S/$name.out" "$E/$file"
		ok "$name: golden (updated)"
	elif cmp -s "$S/$name.out" "$E/$file"; then
		ok "$name: output matches $file"
	else
		nok "$name: output differs from $file"
		diff -u "$E/$file" "$S/$name.out" | head -40 | sed 's/^/# /'
	fi
}

run text 2 plan --from new --against old && golden text plan.txt
run markdown 2 plan --from new --against old --format markdown && golden markdown plan.md
run json 2 plan --from new --against old --format json && golden json plan.json
run prune 2 plan --from new --against old --prune && golden prune plan-prune.txt
run prune-md 2 plan --from new --against old --prune --format=markdown && golden prune-md plan-prune.md
run same 0 plan --from old --against old && golden same plan-same.txt
run reverse 2 plan --from old --against new --prune --format json

# Every action kind and every warning code appears in the plans above.
for a in create update replace destroy keep unchanged; do
	if grep -q "\"action\": \"$a\"" "$S/json.out" "$S/reverse.out"; then ok "json: action $a present"
	else nok "json: action $a present"; fi
done
for w in watermark-reset bookmark-reset partition-change trigger-destroyed schedule-stopped; do
	if grep -q "$w" "$S/json.out" "$S/prune.out"; then ok "warning $w present"
	else nok "warning $w present"; fi
done

# The JSON is the documented versioned format.
if python3 - "$S/json.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "pipec-plan" and d["version"] == 1, d.get("version")
assert d["fingerprint"] is None and d["region"] is None and d["against"] == "old"
kinds = {c["kind"] for c in d["changes"]}
assert {"job", "trigger", "ruleset"} <= kinds, kinds
for c in d["changes"]:
    assert set(c) <= {"kind", "name", "pipeline", "action", "note", "fields", "tags_changed",
                      "script_diff", "desired", "deployed", "script"}, set(c)
    if c["action"] in ("create", "update", "replace"):
        assert "desired" in c, c["name"]
    for f in c["fields"]:
        assert "path" in f and ("old" in f or "new" in f)
s = d["summary"]
assert sum(s.values()) == len(d["changes"])
PY
then ok "json: versioned shape and summary"; else nok "json: versioned shape and summary"; fi

# --out saves the same document --format json prints.
run out 2 plan --from new --against old --out "$S/saved.json"
if cmp -s "$S/saved.json" "$S/json.out"; then ok "out: saved plan equals --format json"
else nok "out: saved plan equals --format json"; fi

# The script diff is a real unified diff: it applies to the old job.py.
python3 - "$S/json.out" "$S/orders.diff" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["changes"] if c["name"] == "dev_orders"][0]
open(sys.argv[2], "w").write(c["script_diff"])
PY
mkdir -p "$S/patch/a/orders" && cp "$T/old/orders/job.py" "$S/patch/a/orders/job.py"
if (cd "$S/patch/a" && patch -s -p1 <"$S/orders.diff") && cmp -s "$S/patch/a/orders/job.py" "$T/new/orders/job.py"
then ok "script diff applies with patch -p1"; else nok "script diff applies with patch -p1"; fi

# Markdown: script diffs collapsible, fences hold.
if grep -q '^<details><summary><code>orders</code>/job.py (diff)</summary>' "$S/markdown.out" &&
   [ "$(grep -c '^```' "$S/markdown.out")" -eq $(( 2 * $(grep -c '^```diff' "$S/markdown.out") )) ]
then ok "markdown: collapsible script diffs with closed fences"
else nok "markdown: collapsible script diffs with closed fences"; fi

# Errors and usage.
# A first pull request's base has no build: a missing or empty directory is
# a base with nothing in it (every resource a create, said on stderr); a
# directory holding something else is still an error.
run missing 2 plan --from new --against no-such-dir --format json
if grep -q "note: 'no-such-dir' does not exist: planning against nothing, every resource is a create" "$S/missing.err" &&
   python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); a = {c["action"] for c in d["changes"]}; assert a == {"create"} and len(d["changes"]) >= 4, d' "$S/missing.out"
then ok "missing base: every resource is a create, with a note"
else nok "missing base: every resource is a create, with a note" "$(cat "$S/missing.err")"; fi
mkdir -p "$S/emptybase"
run emptybase 2 plan --from new --against "$S/emptybase"
if grep -q "is empty: planning against nothing" "$S/emptybase.err" && grep -q '^Plan: [1-9][0-9]* to create, 0 to update, 0 to replace, 0 to destroy, 0 unchanged' "$S/emptybase.out"
then ok "empty base: every resource is a create"
else nok "empty base: every resource is a create" "$(cat "$S/emptybase.err" "$S/emptybase.out")"; fi
mkdir -p "$S/notabuild" && echo x >"$S/notabuild/readme"
run notabuild 1 plan --from new --against "$S/notabuild"
if grep -q "not a pipec build directory" "$S/notabuild.err"; then ok "not a build: clear message"
else nok "not a build: clear message" "$(cat "$S/notabuild.err")"; fi
mkdir -p "$S/broken/p" && cp -r "$T/old/orders/." "$S/broken/p/" && echo '{"version":1,"pipelines":{"p":{}}}' >"$S/broken/manifest.json" &&
	echo '{"Name": ' >"$S/broken/p/job.json"
run broken 1 plan --from new --against "$S/broken"
if grep -q "cannot read '.*job.json'" "$S/broken.err"; then ok "broken: names the unreadable file"
else nok "broken: names the unreadable file" "$(cat "$S/broken.err")"; fi
run badformat 1 plan --from new --against old --format yaml
run badopt 1 plan --bogus
run help 0 plan --help
if grep -q -- '--against DIR' "$S/help.out" && grep -q 'Exit status: 0 no changes, 2 changes, 1 error' "$S/help.out"
then ok "help: documents --against and the exit codes"; else nok "help: documents --against and the exit codes"; fi
run fromandpath 1 plan --from new --against old somewhere

# deploy: usage, and a plan made against a directory is not deployable (no AWS call).
run deployhelp 0 deploy --help
if grep -q -- '--plan FILE' "$S/deployhelp.out" && grep -q -- '--prune' "$S/deployhelp.out"
then ok "deploy help: documents --plan and --prune"; else nok "deploy help: documents --plan and --prune"; fi
run deployagainst 1 deploy --plan "$S/saved.json"
if grep -q "was made against build 'old', not the deployed resources: it cannot be deployed" "$S/deployagainst.err"
then ok "deploy --plan: refuses a plan made against a directory"
else nok "deploy --plan: refuses a plan made against a directory" "$(cat "$S/deployagainst.err")"; fi
echo '{"format": "pipec-plan", "version": 7, "changes": []}' >"$S/v7.json"
run deployv7 1 deploy --plan "$S/v7.json"
if grep -q "plan file version 7 is not supported" "$S/deployv7.err"
then ok "deploy --plan: refuses another plan format version"
else nok "deploy --plan: refuses another plan format version" "$(cat "$S/deployv7.err")"; fi
run deployconc 2 deploy --concurrency 0
run deploymix 2 deploy --plan "$S/saved.json" somewhere

# Determinism: a second run is byte-identical.
(cd "$T" && "$PIPEC" plan --from new --against old --format json) >"$S/json2.out" 2>/dev/null
if cmp -s "$S/json.out" "$S/json2.out"; then ok "deterministic output"; else nok "deterministic output"; fi

# The desired side rendered in memory from .pipe files equals `pipec build`.
P="$S/project"
cp -r "$ROOT/tests/plan/project" "$P"
if (cd "$P" && "$PIPEC" build -o "$S/build1" .) >"$S/build1.out" 2>&1; then
	(cd "$P" && "$PIPEC" plan --against "$S/build1" .) >"$S/inmem.out" 2>"$S/inmem.err"
	st=$?
	if [ $st -eq 0 ] && grep -q '^No changes. 0 to create, 0 to update, 0 to replace, 0 to destroy, [1-9][0-9]* unchanged' "$S/inmem.out"
	then ok "in-memory artifacts equal the build: no changes, exit 0"
	else nok "in-memory artifacts equal the build: no changes, exit 0" "status $st" "$(cat "$S/inmem.out" "$S/inmem.err")"; fi
	sed -i 's/lag 15m/lag 30m/' "$P/pipelines/orders.pipe"
	(cd "$P" && "$PIPEC" plan --against "$S/build1" --format json .) >"$S/edit.out" 2>"$S/edit.err"
	st=$?
	if [ $st -eq 2 ] && python3 - "$S/edit.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
changed = [(c["kind"], c["name"]) for c in d["changes"] if c["action"] != "unchanged"]
assert changed == [("job", "dev_orders")], changed
PY
	then ok "an edited .pipe changes exactly its job"
	else nok "an edited .pipe changes exactly its job" "status $st" "$(head -c 600 "$S/edit.err")"; fi
else
	nok "build of the plan test project" "$(cat "$S/build1.out")"
fi

# plan --from checks the build as deploy --from does: each artifact against
# manifest.json, one line per artifact that fails, before any comparison.
if (cd "$ROOT/tests/plan/project" && "$PIPEC" build -o "$S/checked" .) >"$S/checked.out" 2>&1; then
	printf '\nimport os\n' >>"$S/checked/orders/job.py"
	printf '\n' >>"$S/checked/customers/job.py"
	(cd "$T" && "$PIPEC" plan --from "$S/checked" --against old) >"$S/fromedited.out" 2>"$S/fromedited.err"
	st=$?
	printf "build '%s': customers/job.py does not match its sha256 in manifest.json\nbuild '%s': orders/job.py does not match its sha256 in manifest.json\n" "$S/checked" "$S/checked" >"$S/fromedited.want"
	sed 's/^pipec: error: //' "$S/fromedited.err" | sort >"$S/fromedited.got"
	if [ $st -eq 1 ] && [ ! -s "$S/fromedited.out" ] && head -1 "$S/fromedited.err" | grep -q '^pipec: error: build' &&
	   cmp -s "$S/fromedited.got" "$S/fromedited.want"
	then ok "plan --from a build whose job.py files were edited: refused, one line per file"
	else nok "plan --from a build whose job.py files were edited: refused, one line per file" "status $st" "$(cat "$S/fromedited.err")"; fi
else
	nok "build of the plan test project (checked)" "$(cat "$S/checked.out")"
fi

# Markdown planned from .pipe files ends with a Mermaid graph of the
# changed pipelines and their neighbours (a build planned --from has no
# model: no graph, as the goldens above show).  The example project with
# one pipeline edited (sales_silver), against its own build.
G="$S/graphplan"
mkdir -p "$G" && cp -r "$ROOT/examples" "$G/ex" &&
	(cd "$G/ex" && "$PIPEC" build -o ../base >/dev/null 2>&1) &&
	sed -i 's/^pipeline sales_silver {$/pipeline sales_silver {\n  job { workers 7 }/' "$G/ex/medallion.pipe"
# gplan NAME STATUS ARGS...: plan in the edited project
gplan() {
	name=$1 want=$2
	shift 2
	(cd "$G/ex" && "$PIPEC" plan "$@") >"$S/$name.out" 2>"$S/$name.err"
	st=$?
	if [ "$st" = "$want" ]; then ok "$name: exit status $want"
	else nok "$name: exit status" "got $st, want $want" "$(head -5 "$S/$name.err")"; return 1; fi
}
gplan graph-md 2 --against ../base --format markdown && golden graph-md plan-graph.md
if python3 - "$S/graph-md.out" <<'PY'
import re, sys
md = open(sys.argv[1]).read()
m = re.search(r"\n<details><summary>Pipeline graph: 5 pipelines \(changed: `sales_silver`\)</summary>\n\n```mermaid\n(flowchart LR\n.*?)```\n\n</details>\n$", md, re.S)
assert m, "no graph block at the end"
g = m.group(1)
pipes = sorted(re.findall(r"^  p_(\w+)\[", g, re.M))
# the changed pipeline, its upstream and downstreams (after, source
# pipeline) and the writer of the table it joins
assert pipes == ["customer_behavior", "customers_upload", "daily_sales", "sales_bronze", "sales_silver"], pipes
assert "p_sales_bronze ==>|\"AND\"| p_sales_silver" in g
assert "p_orders" not in g
PY
then ok "graph-md: the changed pipeline and its neighbours in a collapsible Mermaid block"
else nok "graph-md: the changed pipeline and its neighbours in a collapsible Mermaid block"; fi
# --max-bytes one short of it: the graph goes first, with a note; the
# plan itself is whole
full=$(wc -c <"$S/graph-md.out")
gplan graph-md-max 2 --against ../base --format markdown --max-bytes $((full - 1)) && golden graph-md-max plan-graph-max.md
sed -n '/^<details><summary>Pipeline graph/q;p' "$S/graph-md.out" | sed '$d' >"$S/graph-md.plan"
if [ "$(wc -c <"$S/graph-md-max.out")" -le $((full - 1)) ] && ! grep -q 'mermaid' "$S/graph-md-max.out" &&
	grep -q "^_The pipeline graph is left out: with it this plan would not fit in $((full - 1)) bytes" "$S/graph-md-max.out" &&
	head -c "$(wc -c <"$S/graph-md.plan")" "$S/graph-md-max.out" | cmp -s - "$S/graph-md.plan" &&
	! grep -q 'left out to keep this plan' "$S/graph-md-max.out"
then ok "graph-md-max: over --max-bytes the graph is dropped first (said), the plan kept whole"
else nok "graph-md-max: over --max-bytes the graph is dropped first (said), the plan kept whole"; fi
# with the full size, everything fits
gplan graph-md-fit 2 --against ../base --format markdown --max-bytes "$full"
cmp -s "$S/graph-md-fit.out" "$S/graph-md.out"
if [ $? = 0 ]; then ok "graph-md-fit: --max-bytes of its size keeps the graph"
else nok "graph-md-fit: --max-bytes of its size keeps the graph"; fi
# nothing changed: no graph
sed -i '/^  job { workers 7 }$/d' "$G/ex/medallion.pipe"
gplan graph-md-same 0 --against ../base --format markdown
if ! grep -q 'Pipeline graph' "$S/graph-md-same.out"; then ok "graph-md-same: no change, no graph"
else nok "graph-md-same: no change, no graph"; fi
