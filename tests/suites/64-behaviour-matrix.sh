#!/bin/sh
# The generated behaviour matrix (tests/tools/behaviour_matrix.py): every
# source kind x target kind x write mode x incremental read cell of
# docs/language.md's table is refused by pipec check where the table says
# so, and otherwise runs seven runs (first, second, empty, a run that dies
# before job.commit(), its retry, late data, a NULL key) on the row-level
# stand-in with the target's rows compared after each.
: "${PIPEC:?}" "${ROOT:?}" "${SUITE_TMP:?}"
python3 "$ROOT/tests/tools/behaviour_matrix.py" "$PIPEC" "$SUITE_TMP/matrix" ||
	echo "not ok matrix: behaviour_matrix.py exited non-zero"
exit 0
