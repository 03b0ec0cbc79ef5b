#!/bin/sh
# The corner-case corpus and the generative fuzz of .pipe programs
# (tests/tools/corpus.py): every program is either accepted by `pipec
# check` and then built in full, or refused with an error located in it,
# never anything else.  Fixed seeds here; `make fuzz` runs new ones.
set -u
PY=${PYTHON:-python3}
TOOLS=$ROOT/tests/tools
T=$SUITE_TMP

# run DIR NAME MIN_ACCEPTED MIN_REFUSED: the property for every program,
# and enough of each side that the generator has not degenerated
run() {
	$PY "$TOOLS/corpus.py" run "$PIPEC" "$1" "$1-out" >"$1.log" 2>"$1.err"
	rc=$?
	cat "$1.log"
	summary=$(tail -1 "$1.err")
	acc=$(echo "$summary" | sed -n 's/.*programs, \([0-9]*\) accepted.*/\1/p')
	ref=$(echo "$summary" | sed -n 's/.* \([0-9]*\) refused.*/\1/p')
	if [ "$rc" -eq 0 ] && [ "${acc:-0}" -ge "$3" ] && [ "${ref:-0}" -ge "$4" ]; then
		echo "ok $2: $summary"
	else
		echo "not ok $2: exit $rc, at least $3 accepted and $4 refused expected"
		sed 's/^/# /' "$1.err" | tail -20
	fi
}

$PY "$TOOLS/corpus.py" corpus "$T/corpus"
run "$T/corpus" "corner-case corpus" 1000 800
for seed in 1 2 3; do
	$PY "$TOOLS/corpus.py" fuzz "$T/fuzz-$seed" "$seed" 150
	run "$T/fuzz-$seed" "generated programs, seed $seed" 30 30
done

exit 0
