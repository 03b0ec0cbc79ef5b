#!/bin/sh
# Codegen golden cases: tests/codegen/<case>/ holds pipec.yaml, pipelines/
# and the full expected build tree in expected/.  Each case is built and the
# whole tree compared byte for byte; then the build is repeated under other
# locales and with the fragments read from --template-dir, which must not
# change a byte.  A case whose directory holds a file `project` builds that
# project of the repository instead (the examples).  A case about a few
# artifacts lists them in a file `compare`, one shell pattern per line
# relative to the build directory (`*` matches across `/` too; `#` starts a
# comment): expected/ then holds just the files of the build that match, and
# a compared file that changes, appears or goes missing still fails the case.
# PIPEC_GOLDEN_UPDATE=1 rewrites expected/ (review the diff).
set -u
cd "$ROOT/tests/codegen" || exit 1
build_case() {	# CASE OUT [ENV...]: pipec build of the case into OUT
	c=$1 o=$2
	shift 2
	if [ -f "$c/project" ]; then
		(cd "$ROOT/$(cat "$c/project")" && exec env "$@" "$PIPEC" build -o "$o" .)
	else
		(cd "$c" && exec env "$@" "$PIPEC" build -o "$o" pipelines)
	fi
}
compared() {	# CASE OUT: the tree to hold against CASE/expected: OUT, or
	# the copy of OUT's files that CASE/compare lists (printed)
	if [ ! -f "$1/compare" ]; then
		echo "$2"
		return
	fi
	rm -rf "$2.compared"
	mkdir -p "$2.compared"
	(cd "$2" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) | while read -r f; do
		sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$1/compare" | while read -r pat; do
			# shellcheck disable=SC2254
			case $f in
			$pat)
				mkdir -p "$2.compared/$(dirname "$f")"
				cp "$2/$f" "$2.compared/$f"
				break
				;;
			esac
		done
	done
	echo "$2.compared"
}
for dir in */; do
	case=${dir%/}
	[ -d "$case/pipelines" ] || [ -f "$case/project" ] || continue
	out="$SUITE_TMP/$case"
	rm -rf "$out"
	build_case "$case" "$out" >"$SUITE_TMP/$case.err" 2>&1
	status=$?
	if [ -n "${PIPEC_GOLDEN_UPDATE:-}" ]; then
		rm -rf "$case/expected"
		[ $status -eq 0 ] && cp -R "$(compared "$case" "$out")" "$case/expected"
		echo "ok $case (updated, status $status)"
		continue
	fi
	if [ $status -ne 0 ]; then
		echo "not ok $case"
		echo "# pipec build exited $status"
		sed 's/^/# /' "$SUITE_TMP/$case.err" | head -20
		continue
	fi
	if diff -r "$case/expected" "$(compared "$case" "$out")" >"$SUITE_TMP/$case.diff" 2>&1; then
		echo "ok $case"
	else
		echo "not ok $case"
		sed 's/^/# /' "$SUITE_TMP/$case.diff" | head -40
	fi

	# Determinism: another locale, another run, the same bytes.
	out2="$SUITE_TMP/$case.again"
	rm -rf "$out2"
	build_case "$case" "$out2" LC_ALL=C.UTF-8 LANG=de_DE.UTF-8 >/dev/null 2>&1
	if diff -r "$out" "$out2" >/dev/null 2>&1; then
		echo "ok $case: deterministic across runs and locales"
	else
		echo "not ok $case: deterministic across runs and locales"
		diff -r "$out" "$out2" | head -20 | sed 's/^/# /'
	fi
done
[ -n "${PIPEC_GOLDEN_UPDATE:-}" ] && exit 0

# --template-dir: a copy of the built-in fragments gives the same build; a
# missing fragment is a clear error.
case=s3-formats-to-s3tables
tdir="$SUITE_TMP/templates"
rm -rf "$tdir"
cp -R "$ROOT/templates/pyspark" "$tdir"
(cd "$case" && exec "$PIPEC" build --template-dir "$tdir" -o "$SUITE_TMP/tdir-out" pipelines) \
	>"$SUITE_TMP/tdir.err" 2>&1
if [ $? -eq 0 ] && diff -r "$case/expected" "$SUITE_TMP/tdir-out" >/dev/null 2>&1; then
	echo "ok template-dir: a copy of the fragments builds the same tree"
else
	echo "not ok template-dir: a copy of the fragments builds the same tree"
	sed 's/^/# /' "$SUITE_TMP/tdir.err" | head
fi
rm -f "$tdir/source_s3.py.tmpl"
(cd "$case" && exec "$PIPEC" build --template-dir "$tdir" -o "$SUITE_TMP/tdir-out2" pipelines) \
	>"$SUITE_TMP/tdir2.err" 2>&1
status=$?
if [ $status -eq 1 ] && grep -q "template 'source_s3.py.tmpl' not found" "$SUITE_TMP/tdir2.err"; then
	echo "ok template-dir: a missing fragment is an error"
else
	echo "not ok template-dir: a missing fragment is an error"
	echo "# status $status"
	sed 's/^/# /' "$SUITE_TMP/tdir2.err" | head
fi
(cd "$case" && exec "$PIPEC" build --template-dir "$SUITE_TMP/no-such-dir" -o "$SUITE_TMP/x" \
	pipelines) >"$SUITE_TMP/tdir3.err" 2>&1
if [ $? -eq 1 ] && grep -q "cannot read template directory" "$SUITE_TMP/tdir3.err"; then
	echo "ok template-dir: an unreadable directory is an error"
else
	echo "not ok template-dir: an unreadable directory is an error"
fi
"$PIPEC" build pipelines >/dev/null 2>&1
[ $? -eq 2 ] && echo "ok build without -o is a usage error" ||
	echo "not ok build without -o is a usage error"
