#!/bin/sh
# Authoring commands: `pipec init` writes a project that checks, formats and
# builds clean from any working directory (the catalog snapshot is found
# relative to pipec.yaml) and never overwrites; `pipec help CMD`, a
# misspelt command's did-you-mean; `pipec fmt --diff` and `pipec fmt -`.
set -u
: "${PIPEC:?}" "${ROOT:?}" "${SUITE_TMP:?}"
T=$SUITE_TMP
mkdir -p "$T"
ok() { echo "ok authoring: $1"; }
nok() {
	echo "not ok authoring: $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | head -20; done
}

# 1. init
cd "$T" || exit 1
"$PIPEC" init new/shop-lake >init.out 2>init.err
rc=$?
if [ $rc -eq 0 ] && [ -f new/shop-lake/pipec.yaml ] && [ -f new/shop-lake/catalog.yaml ] &&
   [ -f new/shop-lake/pipelines/events.pipe ] && grep -q '^project: shop-lake$' new/shop-lake/pipec.yaml &&
   grep -q 'pipec check new/shop-lake' init.out; then
	ok "init writes pipec.yaml, catalog.yaml and pipelines/events.pipe"
else
	nok "init writes pipec.yaml, catalog.yaml and pipelines/events.pipe" init.out init.err
fi
# checked from outside the project: the snapshot is relative to pipec.yaml
if "$PIPEC" check new/shop-lake >check.out 2>check.err &&
   [ "$(cat check.err)" = "checked 1 pipeline in 1 file (environment dev, catalog catalog.yaml)" ]; then
	ok "the new project checks clean from another directory (catalog.yaml found beside pipec.yaml)"
else
	nok "the new project checks clean from another directory" check.err
fi
if (cd new/shop-lake && "$PIPEC" check) >check2.out 2>check2.err; then
	ok "the new project checks clean from its directory"
else
	nok "the new project checks clean from its directory" check2.err
fi
# the snapshot really is read: a pipeline reading a table it lacks fails
cat >new/shop-lake/pipelines/more.pipe <<'PIPE'
pipeline more {
  source table lake.nothing
  target iceberg lake.more at "s3://x-lake/more/"
  create if missing
  columns { id bigint }
}
PIPE
if ! "$PIPEC" check new/shop-lake >/dev/null 2>check3.err &&
   grep -q "table 'lake.nothing' is not in the catalog" check3.err; then
	ok "the new project's catalog.yaml is the snapshot checks read"
else
	nok "the new project's catalog.yaml is the snapshot checks read" check3.err
fi
rm -f new/shop-lake/pipelines/more.pipe
if "$PIPEC" fmt --check new/shop-lake >fmt.out 2>&1 &&
   "$PIPEC" build -o built new/shop-lake >build.out 2>&1 && [ -f built/events/job.py ]; then
	ok "the example pipeline is canonical and builds"
else
	nok "the example pipeline is canonical and builds" fmt.out build.out
fi
cp new/shop-lake/pipec.yaml before.yaml
echo "# mine" >>new/shop-lake/catalog.yaml
"$PIPEC" init new/shop-lake >again.out 2>again.err
rc=$?
if [ $rc -eq 1 ] && cmp -s before.yaml new/shop-lake/pipec.yaml &&
   tail -1 new/shop-lake/catalog.yaml | grep -q '^# mine$' && grep -q 'pipec.yaml exists' again.err &&
   grep -q 'nothing written' again.err; then
	ok "init over an existing project writes nothing (exit 1)"
else
	nok "init over an existing project writes nothing (exit $rc)" again.err
fi
mkdir -p here/My_Lake && (cd here/My_Lake && "$PIPEC" init) >here.out 2>&1
if grep -q '^project: my-lake$' here/My_Lake/pipec.yaml && grep -q 'my-lake-dev-artifacts' here/My_Lake/pipec.yaml &&
   (cd here/My_Lake && "$PIPEC" check) >/dev/null 2>&1; then
	ok "init without DIR names the project after the directory, as bucket-name text"
else
	nok "init without DIR names the project after the directory" here.out
fi
"$PIPEC" init --project 'a: b' x >bad.out 2>bad.err
[ $? -eq 2 ] && [ ! -e x ] && ok "init refuses a project name YAML would misread (exit 2)" ||
	nok "init refuses a project name YAML would misread" bad.err

"$PIPEC" build -q -o built2 new/shop-lake >q.out 2>q.err
"$PIPEC" build -o built3 new/shop-lake >nq.out 2>nq.err
if [ ! -s q.err ] && [ ! -s q.out ] && [ -f built2/events/job.py ] &&
   [ "$(cat nq.err)" = "wrote the artifacts of 1 pipeline to built3 (environment dev, catalog catalog.yaml)" ]; then
	ok "build ends with a summary line on stderr; --quiet leaves it out"
else
	nok "build summary line" q.err nq.err
fi

# 2. help
"$PIPEC" help fmt >h1.out 2>&1 && "$PIPEC" fmt --help >h2.out 2>&1
if cmp -s h1.out h2.out && head -1 h1.out | grep -q '^usage: pipec fmt'; then
	ok "pipec help fmt prints fmt's help"
else
	nok "pipec help fmt prints fmt's help" h1.out
fi
"$PIPEC" help debug tokens >h3.out 2>&1 && "$PIPEC" debug tokens --help >h4.out 2>&1
cmp -s h3.out h4.out && ok "pipec help debug tokens prints the subcommand's help" ||
	nok "pipec help debug tokens prints the subcommand's help" h3.out
"$PIPEC" help >h5.out 2>&1 && "$PIPEC" --help >h6.out 2>&1
cmp -s h5.out h6.out && grep -q '^  init ' h5.out && ok "pipec help lists the commands" ||
	nok "pipec help lists the commands" h5.out
"$PIPEC" chek >dym.out 2>dym.err
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown command 'chek'; did you mean 'check'?" dym.err; then
	ok "a misspelt command gets did-you-mean (exit 2)"
else
	nok "a misspelt command gets did-you-mean (exit $rc)" dym.err
fi
"$PIPEC" help plna >dym2.out 2>dym2.err
[ $? -eq 2 ] && grep -q "did you mean 'plan'" dym2.err && ok "pipec help of a misspelt command gets did-you-mean" ||
	nok "pipec help of a misspelt command gets did-you-mean" dym2.err
"$PIPEC" qqqqqq >/dev/null 2>dym3.err
[ $? -eq 2 ] && ! grep -q "did you mean" dym3.err && ok "a word close to no command gets no suggestion" ||
	nok "a word close to no command gets no suggestion" dym3.err

# 3. fmt --diff and fmt -
printf 'pipeline a {\nsource s3 "s3://x/" { format json }\n  target iceberg lake.a at "s3://l/a/"\n  columns { id bigint }\n}\n' >messy.pipe
cp messy.pipe messy.orig
"$PIPEC" fmt --diff messy.pipe >diff.out 2>diff.err
rc=$?
"$PIPEC" fmt messy.pipe >formatted.pipe 2>/dev/null
if [ $rc -eq 1 ] && head -2 diff.out | grep -q '^--- a/messy.pipe$' && sed -n 2p diff.out | grep -q '^+++ b/messy.pipe$' &&
   cmp -s messy.pipe messy.orig && cp messy.pipe patched.pipe && patch -s patched.pipe diff.out &&
   cmp -s patched.pipe formatted.pipe; then
	ok "fmt --diff prints a unified diff that patch applies to the formatted text, changes nothing, exits 1"
else
	nok "fmt --diff prints a unified diff (exit $rc)" diff.out diff.err
fi
"$PIPEC" fmt --diff formatted.pipe >diff2.out 2>&1
[ $? -eq 0 ] && [ ! -s diff2.out ] && ok "fmt --diff of a formatted file prints nothing, exits 0" ||
	nok "fmt --diff of a formatted file prints nothing" diff2.out
"$PIPEC" fmt - <messy.pipe >stdin.out 2>stdin.err
[ $? -eq 0 ] && cmp -s stdin.out formatted.pipe && ok "fmt - formats standard input to standard output" ||
	nok "fmt - formats standard input" stdin.out stdin.err
printf 'pipeline {\n' | "$PIPEC" fmt --stdin-name pipelines/x.pipe - >bad.out 2>bad.err
rc=$?
if [ $rc -eq 1 ] && [ ! -s bad.out ] && grep -q '^pipelines/x.pipe:1:10: error' bad.err; then
	ok "fmt - with a syntax error prints nothing, names --stdin-name in the diagnostic, exits 1"
else
	nok "fmt - with a syntax error (exit $rc)" bad.out bad.err
fi
"$PIPEC" fmt --check - <formatted.pipe >chk.out 2>&1 && [ ! -s chk.out ] &&
	! "$PIPEC" fmt --check - <messy.pipe >chk2.out 2>&1 && grep -q '^<stdin>$' chk2.out &&
	ok "fmt --check - exits 1 on unformatted input" || nok "fmt --check -" chk.out chk2.out
"$PIPEC" fmt - messy.pipe >/dev/null 2>u1.err; r1=$?
"$PIPEC" fmt --write - </dev/null >/dev/null 2>u2.err; r2=$?
"$PIPEC" fmt --check --diff >/dev/null 2>u3.err; r3=$?
[ $r1 -eq 2 ] && [ $r2 -eq 2 ] && [ $r3 -eq 2 ] && ok "fmt usage errors: '-' with paths, --write -, --check with --diff (exit 2)" ||
	nok "fmt usage errors ($r1 $r2 $r3)" u1.err u2.err u3.err
