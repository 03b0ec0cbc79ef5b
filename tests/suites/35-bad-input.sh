#!/bin/sh
# Hostile input: binary garbage, NUL bytes, invalid UTF-8, huge lines, deep
# nesting, thousands of errors.  Each must end with exit 1 and a diagnostic
# (exit 0 for the valid ones), no crash or sanitizer report, within 20
# seconds, and (outside ASan, whose shadow memory needs more) in 1 GiB
# (1.5 GiB for the files just under the 16 MiB limit).
set -u
T=$SUITE_TMP
case "$BUILD" in *asan*) limit_mem="" ;; *) limit_mem="ulimit -v 1048576;" ;; esac

gen() { python3 - "$@"; }

gen "$T" <<'PY'
import random, sys
t = sys.argv[1]
r = random.Random(1234)
def w(name, data):
    with open(f"{t}/{name}.pipe", "wb") as f:
        f.write(data)
w("binary", bytes(r.getrandbits(8) for _ in range(1 << 20)))
w("nul-bytes", b"pipeline a {\n" + b"\0" * 100000 + b"\n}\n")
w("nul-in-string", b'pipeline a {\n  description "a\0b"\n}\n')
w("invalid-utf8-run", b"pipeline a {\n  mode append " + b"\xff\xfe\xc3" * 1000 + b"\n}\n")
w("long-line-string", b'pipeline a {\n  description "' + b"x" * (10 << 20) + b'"\n}\n')
w("long-line-name", b"pipeline a {\n  mode " + b"m" * (10 << 20) + b" extra\n}\n")
w("long-line-garbage", b"pipeline a {\n  " + b"@" * (10 << 20) + b"\n}\n")
w("deep-braces", b"pipeline a {\n  job {\n    x " + b"a { " * 10000 + b"\n")
w("deep-parens", b"pipeline a {\n  job {\n    x " + b"(" * 10000 + b"\n  }\n}\n")
w("deep-types", b"pipeline a {\n  columns {\n    c " + b"array<" * 10000 + b"int\n  }\n}\n")
w("closing-braces", b"}\n" * 100000)
w("unterminated-strings", b'pipeline a {\n' + b'  description "abc\n' * 100000 + b"}\n")
w("many-errors", b"pipeline a {\n" + b"  sorce s3\n" * 100000 + b"}\n")
w("error-tokens", b"pipeline a {\n  job {\n" + b"    x 1min 2min 3min\n" * 100000 + b"  }\n}\n")
w("many-pipelines", b"".join(b"pipeline p%d {\n  mode append\n}\n\n" % i for i in range(50000)))
w("only-newlines", b"\n" * (1 << 20))
w("only-semicolons", b";" * (1 << 20))
w("empty", b"")
w("many-values", b"pipeline a {\n  job {\n    k" + b" x" * 20000 + b"\n  }\n}\n")
w("token-stream", b"pipeline a {\n  job {\n    k" + b" x" * 3000000 + b"\n  }\n}\n")
# just under the 16 MiB limit: the worst cases for time and memory
w("big-closing-braces", b"}\n" * (15 << 19))
w("big-descriptions", b"pipeline a {\n" + b'  description "x"\n' * ((15 << 20) // 18) + b"}\n")
w("too-large", b"#" * ((16 << 20) + 1))
PY

run() {	# run NAME EXPECTED_STATUS [cmd]
	name=$1 want=$2 cmd=${3:-fmt}
	out=$T/$name.$cmd.out
	# shellcheck disable=SC2086
	sh -c "$limit_mem exec timeout 20 \"\$@\"" sh "$PIPEC" $cmd "$T/$name.pipe" >/dev/null 2>"$out"
	rc=$?
	fail=""
	if [ "$rc" -ge 124 ]; then
		fail="killed or timed out (exit $rc)"
	elif grep -q -e 'Sanitizer' -e 'runtime error' -e 'memory exhausted' "$out"; then
		fail="sanitizer or allocator report"
	elif [ "$want" != any ] && [ "$rc" != "$want" ]; then
		fail="exit $rc, expected $want"
	elif [ "$want" = 1 ] && ! grep -q ': error: ' "$out"; then
		fail="no diagnostic"
	fi
	if [ -n "$fail" ]; then
		echo "not ok bad-input $cmd $name"
		echo "# $fail"
		head -c 2000 "$out" | sed 's/^/# /'
		return 1
	fi
	echo "ok bad-input $cmd $name"
}

for n in binary nul-bytes nul-in-string invalid-utf8-run long-line-name \
	 long-line-garbage deep-braces deep-parens deep-types closing-braces \
	 unterminated-strings many-errors error-tokens token-stream; do
	run "$n" 1 fmt
	run "$n" 1 check
done
run long-line-string 0 fmt
run long-line-string any check
run many-pipelines 0 fmt
run only-newlines 0 fmt
run only-semicolons 0 fmt
run empty 0 fmt

# 15 MB files within 20 seconds and (outside ASan) 1.5 GiB: stray '}' lines
# after the first error cost nothing, one-line clauses stay within ~45x
case "$BUILD" in *asan*) ;; *) limit_mem="ulimit -v 1572864;" ;; esac
run big-closing-braces 1 fmt
run big-closing-braces 1 check
run big-descriptions 0 fmt
run big-descriptions 1 check
case "$BUILD" in *asan*) ;; *) limit_mem="ulimit -v 1048576;" ;; esac
# unreported errors (the lines after a top-level error) are bounded too
c=$(grep -c ': error: ' "$T/big-closing-braces.check.out")
if [ "$c" = 2 ] && grep -q 'error: too many syntax errors: the rest of the file is not read' \
	"$T/big-closing-braces.check.out"; then
	echo "ok bad-input unreported syntax errors stop the parse"
else
	echo "not ok bad-input unreported syntax errors stop the parse"
	head -20 "$T/big-closing-braces.check.out" | sed 's/^/# /'
fi
run too-large 1 check
if grep -q 'file is too large (16777217 bytes; the limit is 16 MiB)' "$T/too-large.check.out"; then
	echo "ok bad-input a file over 16 MiB is refused"
else
	echo "not ok bad-input a file over 16 MiB is refused"
	head -5 "$T/too-large.check.out" | sed 's/^/# /'
fi

# a symlink loop in a project is walked once: each file found once, no error
mkdir -p "$T/looptree/sub"
cp "$ROOT/tests/golden/check-columns-unknown-type/pipec.yaml" "$T/looptree/"
printf 'pipeline events {\n  source s3 "s3://${raw_bucket}/e/" { format json }\n  target s3tables analytics.events\n  columns { id string }\n}\n' \
	>"$T/looptree/sub/a.pipe"
ln -s . "$T/looptree/loop"
ln -s .. "$T/looptree/sub/up"
out=$T/looptree.out
sh -c "$limit_mem exec timeout 20 \"\$@\"" sh "$PIPEC" check "$T/looptree" >/dev/null 2>"$out"
rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$out")" = "checked 1 pipeline in 1 file (environment dev, no catalog snapshot)" ]; then
	echo "ok bad-input a symlink loop is walked once"
else
	echo "not ok bad-input a symlink loop is walked once"
	echo "# exit $rc"
	head -10 "$out" | sed 's/^/# /'
fi

# one diagnostic per run of bad bytes, not one per byte
c=$(grep -c 'invalid character' "$T/invalid-utf8-run.fmt.out")
if [ "$c" = 1 ]; then echo "ok bad-input one diagnostic per run of bad bytes"
else echo "not ok bad-input one diagnostic per run of bad bytes"; echo "# got $c"; fi

# a list past the limit of values is one error
run many-values 1 fmt
c=$(grep -c 'error: too many values' "$T/many-values.fmt.out")
if [ "$c" = 1 ] && [ "$(grep -c ': error: ' "$T/many-values.fmt.out")" = 1 ]; then
	echo "ok bad-input a list past 10000 values is one error"
else
	echo "not ok bad-input a list past 10000 values is one error"
	head -20 "$T/many-values.fmt.out" | sed 's/^/# /'
fi

# deep nesting is reported as such, once
for n in deep-braces deep-parens deep-types; do
	c=$(grep -c 'error: nesting too deep' "$T/$n.fmt.out")
	if [ "$c" = 1 ] && [ "$(grep -c ': error: ' "$T/$n.fmt.out")" = 1 ]; then
		echo "ok bad-input $n reports 'nesting too deep' once"
	else
		echo "not ok bad-input $n reports 'nesting too deep' once"
		head -20 "$T/$n.fmt.out" | sed 's/^/# /'
	fi
done

# the error limit stops a file with thousands of errors
if grep -q 'errors generated\|too many errors' "$T/many-errors.fmt.out" &&
   [ "$(grep -c ': error: ' "$T/many-errors.fmt.out")" -le 50 ]; then
	echo "ok bad-input error limit bounds the report"
else
	echo "not ok bad-input error limit bounds the report"
	tail -3 "$T/many-errors.fmt.out" | sed 's/^/# /'
fi
exit 0
