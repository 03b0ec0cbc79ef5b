#!/bin/sh
# The data-quality rules mean one thing: for each rule, on fixed rows with
# NULLs, the ruleset evaluated by the stand-in's DQDL evaluator and
# validate.sql run on SQLite both give the outcome docs/language.md
# promises (tests/tools/dq_agree.py).
set -u
python3 "$ROOT/tests/tools/dq_agree.py" "$PIPEC" "$SUITE_TMP/dq-agree"
