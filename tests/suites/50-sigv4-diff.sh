#!/bin/sh
# SigV4 differential test: `pipec debug sign` against botocore's SigV4Auth and
# S3SigV4Auth on generated requests (seeded, deterministic; see
# tests/tools/sigv4_diff.py).  One line per request category.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PIPEC=${PIPEC:-$ROOT/build/pipec}
SUITE_TMP=${SUITE_TMP:-$(mktemp -d -t pipec-50.XXXXXX)}
mkdir -p "$SUITE_TMP"
if ! python3 -c 'import botocore' 2>/dev/null; then
	echo "not ok sigv4-diff: python3 cannot import botocore"
	exit 0
fi
python3 "$ROOT/tests/tools/sigv4_diff.py" "$PIPEC" --per-category 70 --seed 20240611
rc=$?
[ $rc -le 1 ] || echo "not ok sigv4-diff: sigv4_diff.py exited $rc"

# The usage contract of `pipec debug sign`.
req='POST / HTTP/1.1\r\nHost: glue.us-east-1.amazonaws.com\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSGlue.GetDatabases\r\n\r\n{}'
out=$(printf "$req" | "$PIPEC" debug sign --access-key AKIDEXAMPLE \
	--secret-key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY --region us-east-1 \
	--service glue --time 20150830T123600Z 2>&1)
case "$out" in
*"Signature=160d04dee1c0ead3fcca72144c667348db7cd3d6bfe7e10201026fd747949b4d"*)
	echo "ok debug sign: fixed glue request has the known signature" ;;
*)	echo "not ok debug sign: fixed glue request has the known signature"
	echo "$out" | sed 's/^/# /' ;;
esac
printf "$req" | "$PIPEC" debug sign --access-key A --region us-east-1 --service glue \
	>/dev/null 2>"$SUITE_TMP/sign-usage.err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'secret-key' "$SUITE_TMP/sign-usage.err"; then
	echo "ok debug sign: missing --secret-key is a usage error (exit 2)"
else
	echo "not ok debug sign: missing --secret-key is a usage error (exit 2), got $rc"
fi
printf 'GET / HTTP/1.1\r\nX-A: b\r\n\r\n' | "$PIPEC" debug sign --access-key A --secret-key S \
	--region us-east-1 --service glue >/dev/null 2>"$SUITE_TMP/sign-nohost.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'Host' "$SUITE_TMP/sign-nohost.err"; then
	echo "ok debug sign: a request without Host is rejected (exit 1)"
else
	echo "not ok debug sign: a request without Host is rejected (exit 1), got $rc"
fi
# A secret on the command line is warned about, by flag name, never echoed.
printf "$req" | "$PIPEC" debug sign --access-key AKIDEXAMPLE --secret-key warn-SECRET-value-77 \
	--session-token warn-TOKEN-value-78 --region us-east-1 --service glue \
	>"$SUITE_TMP/sign-warn.out" 2>"$SUITE_TMP/sign-warn.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^warning: --secret-key .*AWS_SECRET_ACCESS_KEY' "$SUITE_TMP/sign-warn.err" &&
	grep -q '^warning: --session-token .*AWS_SESSION_TOKEN' "$SUITE_TMP/sign-warn.err" &&
	! grep -q 'warn-SECRET-value-77\|warn-TOKEN-value-78' "$SUITE_TMP/sign-warn.err" &&
	! grep -q 'warn-SECRET-value-77' "$SUITE_TMP/sign-warn.out"; then
	echo "ok debug sign: --secret-key and --session-token warn on stderr without echoing the value"
else
	echo "not ok debug sign: --secret-key and --session-token warn on stderr without echoing the value"
	sed 's/warn-[A-Z]*-value-[0-9]*/<leaked>/g; s/^/# /' "$SUITE_TMP/sign-warn.err"
fi
printf "$req" | AWS_SECRET_ACCESS_KEY=env-secret-1 "$PIPEC" debug sign --access-key AKIDEXAMPLE \
	--region us-east-1 --service glue >/dev/null 2>"$SUITE_TMP/sign-env.err"
rc=$?
if [ $rc -eq 0 ] && ! grep -q 'warning' "$SUITE_TMP/sign-env.err"; then
	echo "ok debug sign: the secret from AWS_SECRET_ACCESS_KEY gives no warning"
else
	echo "not ok debug sign: the secret from AWS_SECRET_ACCESS_KEY gives no warning"
fi
if "$PIPEC" debug sign --help | grep -q -- '--service s3'; then
	echo "ok debug sign: --help documents the S3 rules"
else
	echo "not ok debug sign: --help documents the S3 rules"
fi
exit 0
