#!/bin/sh
# Editor support (editors/): the VS Code extension's TextMate grammar and
# Vim's syntax file read .pipe text as pipec's scanner does (`pipec debug
# tokens` is the reference: every token of every example, behaviour case and
# golden file that scans gets the right class of scope or syntax group, and
# every keyword of the scanner's table is a keyword in the grammar); the
# extension's manifest points at files that exist; the JSON Schemas of
# pipec.yaml and catalog snapshots accept every file pipec accepts and
# refuse known-bad ones that pipec refuses too.
set -u
: "${PIPEC:?}" "${ROOT:?}" "${SUITE_TMP:?}"
T=$SUITE_TMP
E=$ROOT/tests/editors
mkdir -p "$T"

if ! sh "$ROOT/tests/tools/npm_deps.sh" tests/editors >"$T/npm.log" 2>&1; then
	echo "not ok editors: npm ci in tests/editors failed"
	sed 's/^/# /' "$T/npm.log" | tail -20
	exit 0
fi

# the .pipe files the scanner reads (a file with refused text still counts:
# its other tokens are compared)
(cd "$ROOT" && ls examples/*.pipe tests/behaviour/*/pipelines/*.pipe tests/editors/*.pipe \
	tests/golden/*/*.pipe) >"$T/files"
(cd "$ROOT" && ls examples/*.pipe tests/behaviour/*/pipelines/*.pipe tests/editors/*.pipe) >"$T/vimfiles"

# 1. the TextMate grammar
if (cd "$ROOT" && KEYWORDS=compiler/parse.c node "$E/textmate_check.mjs" "$PIPEC" \
	editors/vscode/syntaxes/pipe.tmLanguage.json $(cat "$T/files")) >"$T/tm.out" 2>&1; then
	echo "ok editors: TextMate grammar: $(grep -c '^ok' "$T/tm.out") checks ($(wc -l <"$T/files") files, the keyword table)"
else
	echo "not ok editors: TextMate grammar"
	grep -v '^ok' "$T/tm.out" | sed 's/^/# /' | head -30
fi

# 2. the Vim syntax file (and its ftdetect)
if ! command -v vim >/dev/null 2>&1; then
	echo "not ok editors: vim is not installed (make deps installs it)"
elif (cd "$ROOT" && python3 "$E/vim_check.py" "$PIPEC" editors/vim $(cat "$T/vimfiles")) \
	>"$T/vim.out" 2>&1; then
	echo "ok editors: Vim syntax: $(grep -c '^ok' "$T/vim.out") files"
else
	echo "not ok editors: Vim syntax"
	grep -v '^ok' "$T/vim.out" | sed 's/^/# /' | head -30
fi

# 3. the extension's manifest
if python3 - "$ROOT/editors/vscode" >"$T/manifest.out" 2>&1 <<'PY'
import json, os, re, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "package.json")))
c = m["contributes"]
paths = [l["configuration"] for l in c["languages"]] + [g["path"] for g in c["grammars"]] + \
        [v["url"] for v in c["yamlValidation"]]
missing = [p for p in paths if not os.path.isfile(os.path.join(d, p))]
assert not missing, f"missing: {missing}"
assert c["languages"][0]["extensions"] == [".pipe"], c["languages"]
g = json.load(open(os.path.join(d, c["grammars"][0]["path"])))
assert g["scopeName"] == c["grammars"][0]["scopeName"] == "source.pipe"
conf = json.load(open(os.path.join(d, "language-configuration.json")))
assert conf["comments"]["lineComment"] == "#"
for k in ("start", "end"):
    re.compile(conf["folding"]["markers"][k])
for k in ("name", "publisher", "version", "engines"):
    assert m.get(k), k
PY
then
	echo "ok editors: VS Code manifest, language configuration"
else
	echo "not ok editors: VS Code manifest"
	sed 's/^/# /' "$T/manifest.out" | tail -10
fi

# 4. the JSON Schemas
if (cd "$ROOT" && python3 "$E/schema_check.py" "$PIPEC" editors/vscode/schemas \
	tests/editors/schema-cases $(find examples tests -name pipec.yaml -o -name 'catalog*.yaml' |
		grep -v -e node_modules -e schema-cases | sort)) >"$T/schema.out" 2>&1; then
	echo "ok editors: JSON Schemas: $(grep -c '^ok' "$T/schema.out") checks"
else
	echo "not ok editors: JSON Schemas"
	grep -v '^ok' "$T/schema.out" | sed 's/^/# /' | head -30
fi
