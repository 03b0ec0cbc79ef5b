#!/bin/sh
# docs/cli.md quotes the --help of every command verbatim: it stays true.
set -u
doc="$ROOT/docs/cli.md"
for cmd in "init" "graph" "fmt" "build" "plan" "deploy" "run" "status" "validate" "catalog" "iam-policy" "debug" "debug sign" "debug call" "debug tokens"; do
	# shellcheck disable=SC2086
	"$PIPEC" $cmd --help >"$SUITE_TMP/help.txt" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "not ok cli-docs: pipec $cmd --help exits $rc"
		continue
	fi
	if python3 - "$doc" "$SUITE_TMP/help.txt" <<'PY'
import sys
doc = open(sys.argv[1]).read()
help_text = open(sys.argv[2]).read().rstrip("\n")
sys.exit(0 if ("```\n" + help_text + "\n```") in doc else 1)
PY
	then
		echo "ok cli-docs: docs/cli.md quotes 'pipec $cmd --help'"
	else
		echo "not ok cli-docs: docs/cli.md does not quote 'pipec $cmd --help'"
		echo "# regenerate the section from the command's --help"
	fi
done

# The README's example pipeline checks clean (with the example project's
# environment) and is in canonical layout.
sed -n '/^    pipeline orders {/,/^    }$/p' "$ROOT/README" | sed 's/^    //' >"$SUITE_TMP/readme.pipe"
if [ -s "$SUITE_TMP/readme.pipe" ] &&
	"$PIPEC" check --no-catalog --config "$ROOT/examples/pipec.yaml" "$SUITE_TMP/readme.pipe" >/dev/null 2>"$SUITE_TMP/readme.err" &&
	"$PIPEC" fmt --check "$SUITE_TMP/readme.pipe" >/dev/null 2>&1; then
	echo "ok cli-docs: the README's example pipeline checks clean and is canonical"
else
	echo "not ok cli-docs: the README's example pipeline checks clean and is canonical"
	sed 's/^/# /' "$SUITE_TMP/readme.err"
fi
