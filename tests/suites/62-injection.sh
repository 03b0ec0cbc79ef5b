#!/bin/sh
# Hostile names and strings (quotes, backslashes, line breaks, backquotes,
# triple quotes, ${}, non-ASCII) through every artifact kind: escaped for
# that language (tests/injection/check.py decodes each artifact and expects
# the original text back), or rejected by a check with a diagnostic.
set -u
cd "$ROOT/tests/injection" || exit 1
out="$SUITE_TMP/escaped"
if (cd escaped && exec "$PIPEC" build -o "$out" pipelines) >"$SUITE_TMP/escaped.err" 2>&1; then
	python3 check.py "$out"
else
	echo "not ok injection: escaped build"
	sed 's/^/# /' "$SUITE_TMP/escaped.err" | head -20
fi
for dir in rejected-*/; do
	case=${dir%/}
	(cd "$case" && exec "$PIPEC" build -o "$SUITE_TMP/$case" pipelines) >"$SUITE_TMP/$case.err" 2>&1
	status=$?
	if [ $status -eq 1 ] && grep -qF "$(cat "$case/expected-error")" "$SUITE_TMP/$case.err" &&
	   [ ! -e "$SUITE_TMP/$case/manifest.json" ]; then
		echo "ok injection $case"
	else
		echo "not ok injection $case"
		echo "# status $status"
		sed 's/^/# /' "$SUITE_TMP/$case.err" | head
	fi
done
