#!/bin/sh
# Every codegen case's build (and the unit test's hand-built pipelines)
# through tests/tools/check_artifacts.py: botocore request shapes, pipec's
# Glue rules, py_compile/pyflakes/pycodestyle, and runs on the awsglue/pyspark
# stand-in checked against the facts pipec lists in manifest.json; then
# workflow.json against the Glue and EventBridge models.  The
# cases are checked in parallel; their reports are printed in order.
set -u
check() {	# NAME BUILD_DIR: writes the report to $SUITE_TMP/NAME.report
	r="$SUITE_TMP/$1.report"
	if ! python3 "$ROOT/tests/codegen/facts.py" "$2" >"$r" 2>&1; then
		echo "not ok $1: facts" >>"$r"
		return
	fi
	python3 "$ROOT/tests/tools/check_artifacts.py" "$2" >"$SUITE_TMP/$1.out" 2>&1
	rc=$?
	sed -e "s/^ok /ok $1: /" -e "s/^not ok /not ok $1: /" "$SUITE_TMP/$1.out" >"$r"
	grep -q '^not ok ' "$SUITE_TMP/$1.out" || [ $rc -eq 0 ] ||
		echo "not ok $1: check_artifacts exited $rc" >>"$r"
	python3 "$ROOT/tests/codegen/workflow_check.py" "$2" 2>&1 |
		sed -e "s/^ok /ok $1: /" -e "s/^not ok /not ok $1: /" >>"$r"
}
names=""
cd "$ROOT/tests/codegen" || exit 1
for dir in */; do
	case=${dir%/}
	out="$SUITE_TMP/$case"
	if [ -f "$case/project" ]; then
		(cd "$ROOT/$(cat "$case/project")" && exec "$PIPEC" build -o "$out" .)
	elif [ -d "$case/pipelines" ]; then
		(cd "$case" && exec "$PIPEC" build -o "$out" pipelines)
	else
		continue
	fi >"$SUITE_TMP/$case.err" 2>&1
	if [ $? -ne 0 ]; then
		echo "not ok $case: build"
		sed 's/^/# /' "$SUITE_TMP/$case.err" | head
		continue
	fi
	check "$case" "$out" &
	names="$names $case"
done
if [ -x "$BUILD/tests/test_emit" ]; then
	if "$BUILD/tests/test_emit" --write "$SUITE_TMP/unit-models" >"$SUITE_TMP/unit.err" 2>&1; then
		check unit-models "$SUITE_TMP/unit-models" &
		names="$names unit-models"
	else
		echo "not ok unit-models: test_emit --write"
		sed 's/^/# /' "$SUITE_TMP/unit.err" | head
	fi
fi
wait
for n in $names; do
	cat "$SUITE_TMP/$n.report"
done
