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

# docs/cli.md, "Options": every command reads its command line the same way.
# An option given without its value, or with an empty one, is a usage error
# naming it (plan's usage errors exit 1), whatever the command.
for c in "init --project" "fmt --stdin-name" "debug sign --time" "debug call --parallel" \
	"debug tokens --format" "catalog fmt -o" "catalog pull --database" "check --env" \
	"build -o" "plan --against" "deploy --from" "run --arg" "status --runs" \
	"validate --format" "iam-policy --for" "graph --format"; do
	opt=${c##* }
	want=2
	[ "${c%% *}" = plan ] && want=1
	bad=""
	for form in "$c" "$c="; do
		# shellcheck disable=SC2086
		(cd "$SUITE_TMP" && exec "$PIPEC" $form) >/dev/null 2>"$SUITE_TMP/opt.err"
		rc=$?
		[ $rc -eq $want ] && grep -qx "pipec: error: option '$opt' needs a value" "$SUITE_TMP/opt.err" ||
			bad="$bad '$form' (exit $rc: $(head -1 "$SUITE_TMP/opt.err"))"
	done
	if [ -z "$bad" ]; then
		echo "ok cli-options: pipec $c without a value is a usage error"
	else
		echo "not ok cli-options: pipec $c without a value is a usage error"
		echo "#$bad"
	fi
done
# '--' ends the options: a later word is an operand even when it starts
# with '-' (fmt's '-' is then a file, not standard input).
"$PIPEC" debug tokens -- --no-such.pipe >/dev/null 2>"$SUITE_TMP/dd.err"
rc=$?
"$PIPEC" fmt -- - </dev/null >/dev/null 2>"$SUITE_TMP/dd2.err"
rc2=$?
if [ $rc -eq 1 ] && grep -q "cannot read --no-such.pipe" "$SUITE_TMP/dd.err" &&
	[ $rc2 -eq 1 ] && grep -q "cannot read '-'" "$SUITE_TMP/dd2.err"; then
	echo "ok cli-options: '--' ends the options"
else
	echo "not ok cli-options: '--' ends the options"
	sed 's/^/# /' "$SUITE_TMP/dd.err" "$SUITE_TMP/dd2.err" | head
fi
