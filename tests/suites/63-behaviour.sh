#!/bin/sh
# Behaviour matrix: each tests/behaviour/<case>/ is a pipec project and a
# sequence of runs; its generated job runs on the row-level stand-in and the
# target table's final rows are compared (tests/tools/behaviour.py).
: "${PIPEC:?}" "${ROOT:?}" "${SUITE_TMP:?}"
# The modelled Spark/Glue behaviours themselves.
python3 "$ROOT/tests/tools/rows_selftest.py" || echo "not ok rows: selftest exited non-zero"
n=0
for case in "$ROOT"/tests/behaviour/*/; do
	[ -f "$case/case.json" ] || continue
	n=$((n + 1))
	python3 "$ROOT/tests/tools/behaviour.py" "$PIPEC" "$case" "$SUITE_TMP/behaviour" ||
		echo "not ok $(basename "$case") # the case could not be run"
done
[ "$n" -gt 0 ] || echo "not ok behaviour # no case found"
exit 0
