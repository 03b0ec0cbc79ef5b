#!/bin/sh
# The AWS runtime end to end, through `pipec debug call`: moto_server with
# SigV4 and IAM enforced (tests/tools/moto_auth.sh) for the credential chain,
# and tests/tools/fake_aws.py for container credentials, IMDSv2 and faults
# (retries).  Every server listens on 127.0.0.1 only and is stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=runtime-aws
. "$ROOT/tests/tools/aws_suite.sh"
export PIPEC_RETRY_BASE_MS=1
start_moto
AK=$AWS_ACCESS_KEY_ID
SK=$AWS_SECRET_ACCESS_KEY
EP=$AWS_ENDPOINT_URL
ALL_OUT="$T/all-output.txt"
: >"$ALL_OUT"

# run NAME [VAR=VALUE...] "$PIPEC" ARGS...: output kept in $T/NAME.{out,err}; sets rc.
run() {
	name=$1
	shift
	env "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	cat "$T/$name.out" "$T/$name.err" >>"$ALL_OUT"
}

# Creating the role and its policy with boto3 as the moto user.
python3 - "$EP" <<'EOF' >"$T/iam.out" 2>&1 || nok "runtime-aws: IAM role for assume-role tests" "$T/iam.out"
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"AWS": "*", "Federated": "*"},
         "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}]}
iam.create_role(RoleName="pipec-deploy", AssumeRolePolicyDocument=json.dumps(trust))
iam.put_role_policy(RoleName="pipec-deploy", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
EOF
ROLE_ARN=arn:aws:iam::123456789012:role/pipec-deploy

# ---- environment credentials ----
run env-glue "$PIPEC" debug call glue GetDatabases --verbose
if [ $rc -eq 0 ] && grep -q DatabaseList "$T/env-glue.out" &&
	grep -q 'from environment variables' "$T/env-glue.err"; then
	ok "runtime-aws: env credentials sign a Glue call that moto accepts"
else
	nok "runtime-aws: env credentials sign a Glue call that moto accepts" "$T/env-glue.err"
fi

run env-empty-token AWS_SESSION_TOKEN="" "$PIPEC" debug call glue GetDatabases
if [ $rc -eq 0 ]; then
	ok "runtime-aws: an empty AWS_SESSION_TOKEN counts as unset"
else
	nok "runtime-aws: an empty AWS_SESSION_TOKEN counts as unset" "$T/env-empty-token.err"
fi

run wrong-secret AWS_SECRET_ACCESS_KEY=wrong-secret-value-123 "$PIPEC" debug call glue GetDatabases --verbose
if [ $rc -eq 1 ] && grep -q 'SignatureDoesNotMatch' "$T/wrong-secret.err" &&
	grep -q 'HTTP 403' "$T/wrong-secret.err" && grep -q "access key $AK" "$T/wrong-secret.err" &&
	[ "$(grep -c '^aws: > ' "$T/wrong-secret.err")" -eq 1 ]; then
	ok "runtime-aws: a wrong secret gives a clear SignatureDoesNotMatch error, exit 1, no retry"
else
	nok "runtime-aws: a wrong secret gives a clear SignatureDoesNotMatch error, exit 1, no retry" \
		"$T/wrong-secret.err"
fi

run unknown-key AWS_ACCESS_KEY_ID=AKIAUNKNOWNUNKNOWN00 "$PIPEC" debug call sts GetCallerIdentity
if [ $rc -eq 1 ] && grep -q 'InvalidClientTokenId' "$T/unknown-key.err"; then
	ok "runtime-aws: an unknown key is reported as InvalidClientTokenId"
else
	nok "runtime-aws: an unknown key is reported as InvalidClientTokenId" "$T/unknown-key.err"
fi

run sts-id "$PIPEC" debug call sts GetCallerIdentity
if [ $rc -eq 0 ] && grep -q '"Arn": "arn:aws:iam::123456789012:user/pipec-test"' "$T/sts-id.out"; then
	ok "runtime-aws: sts GetCallerIdentity (query protocol, XML answer)"
else
	nok "runtime-aws: sts GetCallerIdentity (query protocol, XML answer)" "$T/sts-id.out" "$T/sts-id.err"
fi

run glue-missing "$PIPEC" debug call glue GetJob '{"JobName": "missing"}'
if [ $rc -eq 1 ] && grep -q 'EntityNotFoundException: Job missing not found' "$T/glue-missing.err"; then
	ok "runtime-aws: Glue JSON errors are reported with code and message"
else
	nok "runtime-aws: Glue JSON errors are reported with code and message" "$T/glue-missing.err"
fi

run events "$PIPEC" debug call events PutRule '{"Name": "pipec-r1", "ScheduleExpression": "rate(5 minutes)"}'
run events2 "$PIPEC" debug call events DescribeRule '{"Name": "pipec-r1"}'
if [ $rc -eq 0 ] && grep -q '"Name": "pipec-r1"' "$T/events2.out"; then
	ok "runtime-aws: EventBridge PutRule/DescribeRule (AWSEvents JSON 1.1)"
else
	nok "runtime-aws: EventBridge PutRule/DescribeRule (AWSEvents JSON 1.1)" "$T/events.err" "$T/events2.err"
fi

# S3 through pipec: bucket made with boto3, object put/get/head through the runtime.
python3 -c "import boto3, sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1').create_bucket(Bucket='pipec-scripts')" "$EP" >"$T/s3mk.out" 2>&1
printf 'print("hello")\n' >"$T/job.py"
run s3put "$PIPEC" debug call s3 PutObject "{\"Bucket\": \"pipec-scripts\", \"Key\": \"jobs/my job.py\", \"File\": \"$T/job.py\", \"ContentType\": \"text/x-python\"}"
run s3get "$PIPEC" debug call s3 GetObject '{"Bucket": "pipec-scripts", "Key": "jobs/my job.py"}'
if [ $rc -eq 0 ] && grep -q 'print(\\"hello\\")' "$T/s3get.out"; then
	ok "runtime-aws: S3 PutObject (streamed file, real sha256) and GetObject round-trip"
else
	nok "runtime-aws: S3 PutObject (streamed file, real sha256) and GetObject round-trip" \
		"$T/s3mk.out" "$T/s3put.err" "$T/s3get.err"
fi
run s3head "$PIPEC" debug call s3 HeadObject '{"Bucket": "pipec-scripts", "Key": "nope.py"}'
if [ $rc -eq 1 ] && grep -q 'NotFound (HTTP 404' "$T/s3head.err"; then
	ok "runtime-aws: S3 HeadObject of a missing key is NotFound"
else
	nok "runtime-aws: S3 HeadObject of a missing key is NotFound" "$T/s3head.err"
fi

# ---- region ----
(unset AWS_REGION AWS_DEFAULT_REGION; run no-region "$PIPEC" debug call glue GetDatabases; echo $rc >"$T/no-region.rc")
if [ "$(cat "$T/no-region.rc")" = 1 ] && grep -q 'no AWS region' "$T/no-region.err"; then
	ok "runtime-aws: no region is a clear error"
else
	nok "runtime-aws: no region is a clear error" "$T/no-region.err"
fi

# ---- no credentials at all ----
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; run no-creds "$PIPEC" debug call glue GetDatabases; echo $rc >"$T/no-creds.rc")
if [ "$(cat "$T/no-creds.rc")" = 1 ] && grep -q 'no AWS credentials found' "$T/no-creds.err"; then
	ok "runtime-aws: no credentials anywhere is a clear error"
else
	nok "runtime-aws: no credentials anywhere is a clear error" "$T/no-creds.err"
fi

# ---- profile files ----
cat >"$T/credentials" <<EOF
[dev]
aws_access_key_id = $AK
aws_secret_access_key = $SK

[base]
aws_access_key_id=$AK
aws_secret_access_key=$SK

[broken]
aws_access_key_id = $AK
EOF
cat >"$T/config" <<EOF
# comment
[default]
region = us-east-1

[profile cfgonly]
region = us-east-1
aws_access_key_id = $AK
aws_secret_access_key = $SK

[profile deployer]
role_arn = $ROLE_ARN
source_profile = base
role_session_name = pipec-deploy-test

[profile hop]
role_arn = $ROLE_ARN
source_profile = deployer

[profile loop-a]
role_arn = $ROLE_ARN
source_profile = loop-b

[profile loop-b]
role_arn = $ROLE_ARN
source_profile = loop-a
EOF
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_CONFIG_FILE="$T/config" AWS_SHARED_CREDENTIALS_FILE="$T/credentials"
	run prof-env AWS_PROFILE=dev "$PIPEC" debug call sts GetCallerIdentity --verbose
	echo $rc >"$T/prof-env.rc"
	run prof-cfg -u AWS_REGION -u AWS_DEFAULT_REGION "$PIPEC" debug call glue GetDatabases \
		--profile cfgonly --verbose
	echo $rc >"$T/prof-cfg.rc"
	run prof-broken "$PIPEC" debug call glue GetDatabases --profile broken
	echo $rc >"$T/prof-broken.rc"
	run prof-missing "$PIPEC" debug call glue GetDatabases --profile nosuch
	echo $rc >"$T/prof-missing.rc"
	run prof-role "$PIPEC" debug call sts GetCallerIdentity --profile deployer --verbose
	echo $rc >"$T/prof-role.rc"
	run prof-hop "$PIPEC" debug call glue GetDatabases --profile hop --verbose
	echo $rc >"$T/prof-hop.rc"
	run prof-loop "$PIPEC" debug call glue GetDatabases --profile loop-a
	echo $rc >"$T/prof-loop.rc"
)
(
	# An explicit --profile skips (wrong) environment credentials.
	export AWS_CONFIG_FILE="$T/config" AWS_SHARED_CREDENTIALS_FILE="$T/credentials"
	run prof-explicit AWS_ACCESS_KEY_ID=AKIAWRONGWRONGWRONG0 AWS_SECRET_ACCESS_KEY=wrong "$PIPEC" \
		debug call glue GetDatabases --profile dev
	echo $rc >"$T/prof-explicit.rc"
)
if [ "$(cat "$T/prof-env.rc")" = 0 ] && grep -q "profile 'dev' in $T/credentials" "$T/prof-env.err"; then
	ok "runtime-aws: AWS_PROFILE selects keys from the shared credentials file"
else
	nok "runtime-aws: AWS_PROFILE selects keys from the shared credentials file" "$T/prof-env.err"
fi
if [ "$(cat "$T/prof-cfg.rc")" = 0 ] && grep -q "profile 'cfgonly' in $T/config" "$T/prof-cfg.err"; then
	ok "runtime-aws: --profile reads keys and region from the config file [profile x]"
else
	nok "runtime-aws: --profile reads keys and region from the config file [profile x]" "$T/prof-cfg.err"
fi
if [ "$(cat "$T/prof-explicit.rc")" = 0 ]; then
	ok "runtime-aws: an explicit --profile wins over environment credentials"
else
	nok "runtime-aws: an explicit --profile wins over environment credentials" "$T/prof-explicit.err"
fi
if [ "$(cat "$T/prof-broken.rc")" = 1 ] && grep -q "has aws_access_key_id but no aws_secret_access_key" "$T/prof-broken.err"; then
	ok "runtime-aws: a profile with half a key pair is a clear error"
else
	nok "runtime-aws: a profile with half a key pair is a clear error" "$T/prof-broken.err"
fi
if [ "$(cat "$T/prof-missing.rc")" = 1 ] && grep -q "profile 'nosuch'" "$T/prof-missing.err"; then
	ok "runtime-aws: a missing --profile is a clear error"
else
	nok "runtime-aws: a missing --profile is a clear error" "$T/prof-missing.err"
fi
if [ "$(cat "$T/prof-role.rc")" = 0 ] &&
	grep -q 'assumed-role/pipec-deploy/pipec-deploy-test' "$T/prof-role.out" &&
	grep -q 'sts AssumeRole' "$T/prof-role.err"; then
	ok "runtime-aws: role_arn + source_profile assumes the role with signed STS AssumeRole"
else
	nok "runtime-aws: role_arn + source_profile assumes the role with signed STS AssumeRole" \
		"$T/prof-role.out" "$T/prof-role.err"
fi
if [ "$(cat "$T/prof-hop.rc")" = 0 ] && [ "$(grep -c 'sts AssumeRole) attempt 1' "$T/prof-hop.err")" -eq 2 ]; then
	ok "runtime-aws: a two-hop source_profile chain assumes both roles"
else
	nok "runtime-aws: a two-hop source_profile chain assumes both roles" "$T/prof-hop.err"
fi
if [ "$(cat "$T/prof-loop.rc")" = 1 ] && grep -q "source_profile cycle: 'loop-a' -> 'loop-b' -> 'loop-a'" "$T/prof-loop.err"; then
	ok "runtime-aws: a source_profile cycle is detected"
else
	nok "runtime-aws: a source_profile cycle is detected" "$T/prof-loop.err"
fi

# ---- web identity (unsigned STS call: open a one-call window in moto) ----
printf 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwaXBlYyJ9.c2lnbmF0dXJl' >"$T/web-token"
python3 - "$EP" <<'EOF' >"$T/reset-auth.out" 2>&1
import sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/moto-api/reset-auth", data=b"1",
                             headers={"Content-Type": "text/plain"}, method="POST")
urllib.request.urlopen(req, timeout=5).read()
EOF
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_WEB_IDENTITY_TOKEN_FILE="$T/web-token" AWS_ROLE_ARN="$ROLE_ARN"
	export AWS_ROLE_SESSION_NAME=pipec-ci-run
	run webid "$PIPEC" debug call sts GetCallerIdentity --verbose
	echo $rc >"$T/webid.rc"
)
if [ "$(cat "$T/webid.rc")" = 0 ] && grep -q 'assumed-role/pipec-deploy/pipec-ci-run' "$T/webid.out" &&
	grep -q 'sts AssumeRoleWithWebIdentity' "$T/webid.err" &&
	grep -q 'x-amz-security-token:<redacted>' "$T/webid.err"; then
	ok "runtime-aws: web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) then signed calls with the session token"
else
	nok "runtime-aws: web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) then signed calls with the session token" \
		"$T/reset-auth.out" "$T/webid.out" "$T/webid.err"
fi
if grep -q 'eyJhbGciOiJSUzI1NiJ9' "$ALL_OUT"; then
	nok "runtime-aws: the web identity token never appears in any output"
else
	ok "runtime-aws: the web identity token never appears in any output"
fi

# ---- fake servers: container credentials, IMDSv2, faults ----
start_fake() {	# MODE → sets FAKE_PORT; extra env passed by the caller
	rm -f "$T/$1.port"
	FAKE_LIFETIME=300 python3 "$ROOT/tests/tools/fake_aws.py" "$1" "$T/$1.port" "$T/$1.log" \
		>"$T/$1.server.err" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$T/$1.port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	FAKE_PORT=$(cat "$T/$1.port" 2>/dev/null)
}

printf 'container-auth-token-xyz\n' >"$T/container-token"
FAKE_AK=$AK FAKE_SK=$SK FAKE_AUTH=container-auth-token-xyz start_fake container
CPORT=$FAKE_PORT
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$CPORT/creds"
	run container AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T/container-token" "$PIPEC" \
		debug call glue GetDatabases --verbose
	echo $rc >"$T/container.rc"
	run container-bad AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong-token "$PIPEC" debug call glue GetDatabases
	echo $rc >"$T/container-bad.rc"
	run container-remote AWS_CONTAINER_CREDENTIALS_FULL_URI=http://192.0.2.10/creds "$PIPEC" \
		debug call glue GetDatabases
	echo $rc >"$T/container-remote.rc"
)
if [ "$(cat "$T/container.rc")" = 0 ] && grep -q 'GET /creds  unsigned auth=match' "$T/container.log" &&
	grep -q 'from container credentials' "$T/container.err"; then
	ok "runtime-aws: container credentials (FULL_URI + token file) sign a call moto accepts"
else
	nok "runtime-aws: container credentials (FULL_URI + token file) sign a call moto accepts" \
		"$T/container.err" "$T/container.log"
fi
if [ "$(cat "$T/container-bad.rc")" = 1 ] && grep -q 'container credentials' "$T/container-bad.err"; then
	ok "runtime-aws: a rejected container token is a credentials error"
else
	nok "runtime-aws: a rejected container token is a credentials error" "$T/container-bad.err"
fi
if [ "$(cat "$T/container-remote.rc")" = 1 ] && grep -q 'is not allowed' "$T/container-remote.err"; then
	ok "runtime-aws: a plain-http container URI off the local host is refused"
else
	nok "runtime-aws: a plain-http container URI off the local host is refused" "$T/container-remote.err"
fi
if grep -q 'container-auth-token-xyz' "$ALL_OUT"; then
	nok "runtime-aws: the container authorization token never appears in any output"
else
	ok "runtime-aws: the container authorization token never appears in any output"
fi

FAKE_AK=$AK FAKE_SK=$SK start_fake imds
IPORT=$FAKE_PORT
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_EC2_METADATA_DISABLED
	export AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$IPORT"
	run imds "$PIPEC" debug call glue GetDatabases --verbose
	echo $rc >"$T/imds.rc"
)
if [ "$(cat "$T/imds.rc")" = 0 ] && head -1 "$T/imds.log" | grep -q '^PUT /latest/api/token' &&
	[ "$(grep -c 'GET /latest/meta-data/iam/security-credentials/.* token=ok' "$T/imds.log")" -eq 2 ] &&
	grep -q "EC2 instance metadata (role 'pipec-instance-role')" "$T/imds.err"; then
	ok "runtime-aws: IMDSv2 (token PUT, role, credentials) via AWS_EC2_METADATA_SERVICE_ENDPOINT"
else
	nok "runtime-aws: IMDSv2 (token PUT, role, credentials) via AWS_EC2_METADATA_SERVICE_ENDPOINT" \
		"$T/imds.err" "$T/imds.log"
fi

FAKE_TOKEN=session-token-SECRET-42 FAKE_AK=ASIAFAULTFAULTFAULT0 FAKE_SK=fault-secret-SECRET-43 \
	start_fake container
CPORT2=$FAKE_PORT
start_fake faults
FPORT=$FAKE_PORT
script() {
	python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/__control/script", data=sys.argv[2].encode(), method="POST"), timeout=5).read()' \
		"http://127.0.0.1:$FPORT" "$1"
}
fault() {	# NAME SCRIPT [env...]: one GetDatabases against the fault server
	name=$1
	script "$2"
	shift 2
	env AWS_ENDPOINT_URL="http://127.0.0.1:$FPORT" "$@" "$PIPEC" debug call glue GetDatabases \
		--verbose >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	cat "$T/$name.out" "$T/$name.err" >>"$ALL_OUT"
	attempts=$(grep -c '^aws: > POST' "$T/$name.err")
	served=$(grep -c '^POST / AWSGlue.GetDatabases signed' "$T/faults.log")
}
fault throttle throttle,throttle,ok
if [ $rc -eq 0 ] && [ "$attempts" -eq 3 ] && [ "$served" -eq 3 ] &&
	[ "$(grep -c 'retrying in .* (throttling' "$T/throttle.err")" -eq 2 ]; then
	ok "runtime-aws: throttling twice then success takes 3 attempts"
else
	nok "runtime-aws: throttling twice then success takes 3 attempts ($attempts attempts)" "$T/throttle.err"
fi
conns=$(sed -n 's/.* conn=\([0-9]*\)$/\1/p' "$T/faults.log" | sort -u | wc -l)
if [ "$conns" -eq 1 ]; then
	ok "runtime-aws: retries reuse the kept-alive connection"
else
	nok "runtime-aws: retries reuse the kept-alive connection ($conns connections)" "$T/faults.log"
fi
fault five-hundreds 500,500,500,500
if [ $rc -eq 1 ] && [ "$attempts" -eq 3 ] && [ "$served" -eq 3 ] &&
	grep -q 'InternalServiceException: boom (HTTP 500.*3 attempts)' "$T/five-hundreds.err"; then
	ok "runtime-aws: HTTP 500 is retried up to 3 attempts, then reported"
else
	nok "runtime-aws: HTTP 500 is retried up to 3 attempts, then reported ($attempts attempts)" "$T/five-hundreds.err"
fi
fault max-attempts 503,503,503 AWS_MAX_ATTEMPTS=2
if [ $rc -eq 1 ] && [ "$attempts" -eq 2 ] && [ "$served" -eq 2 ]; then
	ok "runtime-aws: AWS_MAX_ATTEMPTS=2 limits a 503 to 2 attempts"
else
	nok "runtime-aws: AWS_MAX_ATTEMPTS=2 limits a 503 to 2 attempts ($attempts attempts)" "$T/max-attempts.err"
fi
# Exactly N attempts, the first included (botocore's total_max_attempts):
# AWS_MAX_ATTEMPTS, else max_attempts in the profile.
for n in 1 2 5; do
	fault "max-attempts-$n" 500,500,500,500,500,500,500 AWS_MAX_ATTEMPTS=$n
	if [ $rc -eq 1 ] && [ "$attempts" -eq "$n" ] && [ "$served" -eq "$n" ]; then
		ok "runtime-aws: AWS_MAX_ATTEMPTS=$n gives exactly $n attempts at HTTP 500"
	else
		nok "runtime-aws: AWS_MAX_ATTEMPTS=$n gives exactly $n attempts at HTTP 500 ($served served)" \
			"$T/max-attempts-$n.err"
	fi
done
printf '[default]\nregion = us-east-1\nmax_attempts = 5\n\n[profile two]\nregion = us-east-1\nmax_attempts = 2\n' \
	>"$T/attempts.config"
fault profile-attempts 500,500,500,500,500,500,500 AWS_CONFIG_FILE="$T/attempts.config"
if [ $rc -eq 1 ] && [ "$attempts" -eq 5 ] && [ "$served" -eq 5 ]; then
	ok "runtime-aws: max_attempts = 5 in the config profile gives exactly 5 attempts"
else
	nok "runtime-aws: max_attempts = 5 in the config profile gives exactly 5 attempts ($served served)" \
		"$T/profile-attempts.err"
fi
fault profile-attempts-env 500,500,500,500,500,500,500 AWS_CONFIG_FILE="$T/attempts.config" \
	AWS_PROFILE=two AWS_MAX_ATTEMPTS=1
if [ $rc -eq 1 ] && [ "$attempts" -eq 1 ] && [ "$served" -eq 1 ]; then
	ok "runtime-aws: AWS_MAX_ATTEMPTS wins over the profile's max_attempts"
else
	nok "runtime-aws: AWS_MAX_ATTEMPTS wins over the profile's max_attempts ($served served)" \
		"$T/profile-attempts-env.err"
fi
fault profile-attempts-two 500,500,500,500,500,500,500 AWS_CONFIG_FILE="$T/attempts.config" \
	AWS_PROFILE=two
if [ $rc -eq 1 ] && [ "$attempts" -eq 2 ] && [ "$served" -eq 2 ]; then
	ok "runtime-aws: the selected profile's max_attempts (2) is used"
else
	nok "runtime-aws: the selected profile's max_attempts (2) is used ($served served)" \
		"$T/profile-attempts-two.err"
fi
fault reset reset,ok
if [ $rc -eq 0 ] && [ "$attempts" -eq 2 ]; then
	ok "runtime-aws: a connection reset is retried"
else
	nok "runtime-aws: a connection reset is retried ($attempts attempts)" "$T/reset.err"
fi
fault denied denied,ok
if [ $rc -eq 1 ] && [ "$attempts" -eq 1 ] &&
	grep -q 'glue GetDatabases: AccessDeniedException: not allowed (HTTP 400' "$T/denied.err"; then
	ok "runtime-aws: a non-retryable error is not retried; Smithy error type cleaned up"
else
	nok "runtime-aws: a non-retryable error is not retried; Smithy error type cleaned up ($attempts attempts)" "$T/denied.err"
fi
fault retry-after retryafter:400,ok
delay=$(sed -n 's/.*retrying in \([0-9]*\) ms.*/\1/p' "$T/retry-after.err" | head -1)
if [ $rc -eq 0 ] && [ "$attempts" -eq 2 ] && [ "${delay:-0}" -ge 400 ] && [ "${delay:-0}" -le 5100 ]; then
	ok "runtime-aws: x-amz-retry-after is honoured (waited $delay ms)"
else
	nok "runtime-aws: x-amz-retry-after is honoured (waited ${delay:-?} ms)" "$T/retry-after.err"
fi
fault conn-refused ok AWS_ENDPOINT_URL="http://127.0.0.1:$(free_port)"
if [ $rc -eq 1 ] && [ "$attempts" -eq 3 ] && grep -q 'after 3 attempts' "$T/conn-refused.err"; then
	ok "runtime-aws: connection refused is retried, then a network error"
else
	nok "runtime-aws: connection refused is retried, then a network error ($attempts attempts)" "$T/conn-refused.err"
fi
# A parallel batch: six calls, one throttled once; every call succeeds.
script throttle
env AWS_ENDPOINT_URL="http://127.0.0.1:$FPORT" "$PIPEC" debug call glue GetDatabases --parallel 6 \
	--verbose >"$T/batch.out" 2>"$T/batch.err"
rc=$?
cat "$T/batch.out" "$T/batch.err" >>"$ALL_OUT"
if [ $rc -eq 0 ] && [ "$(grep -c DatabaseList "$T/batch.out")" -eq 6 ] &&
	[ "$(grep -c '^POST / AWSGlue.GetDatabases signed' "$T/faults.log")" -eq 7 ]; then
	ok "runtime-aws: a parallel batch of 6 calls retries the throttled one and returns all 6"
else
	nok "runtime-aws: a parallel batch of 6 calls retries the throttled one and returns all 6" \
		"$T/batch.err" "$T/faults.log"
fi
run batch-moto "$PIPEC" debug call glue GetJob '{"JobName": "missing"}' --parallel 3
if [ $rc -eq 1 ] && grep -q 'EntityNotFoundException' "$T/batch-moto.err"; then
	ok "runtime-aws: a failed batch reports the first failure"
else
	nok "runtime-aws: a failed batch reports the first failure" "$T/batch-moto.err"
fi

# Temporary credentials with a session token against the fault server: the
# token is sent (and signed) but never shown.
script ok
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL="http://127.0.0.1:$FPORT" \
	AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$CPORT2/creds" \
	"$PIPEC" debug call glue GetDatabases --verbose >"$T/token.out" 2>"$T/token.err"
rc=$?
cat "$T/token.out" "$T/token.err" >>"$ALL_OUT"
if [ $rc -eq 0 ] && grep -q 'token=yes' "$T/faults.log" &&
	grep -q 'x-amz-security-token:<redacted>' "$T/token.err" &&
	grep -q 'x-amz-security-token' "$T/token.err"; then
	ok "runtime-aws: session tokens are sent and signed, and redacted in --verbose"
else
	nok "runtime-aws: session tokens are sent and signed, and redacted in --verbose" "$T/token.err" "$T/faults.log"
fi

# ---- credential_process ----
# The command is split like shlex.split and run without a shell (botocore's
# ProcessProvider); its JSON gives the moto user's keys.
mkdir -p "$T/proc dir"
{
	echo '#!/bin/sh'
	echo '[ "$1" = "--for" ] && [ "$2" = "my account" ] || { echo "bad arguments: $*" >&2; exit 4; }'
	echo "printf '{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\", \"Expiration\": \"2099-01-01T00:00:00Z\"}\\n' '$AK' '$SK'"
} >"$T/proc dir/get-creds.sh"
printf '#!/bin/sh\necho "token expired, run login" >&2\nexit 3\n' >"$T/proc dir/fails.sh"
printf '#!/bin/sh\necho "not json proc-SECRET-55"\n' >"$T/proc dir/garbage.sh"
printf '#!/bin/sh\necho %s\n' "'{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"proc-SECRET-56\"}'" \
	>"$T/proc dir/v2.sh"
chmod +x "$T/proc dir/"*.sh
{
	echo '[profile proc]'
	echo 'region = us-east-1'
	echo "credential_process = \"$T/proc dir/get-creds.sh\" --for 'my account'"
	echo '[profile proc-fails]'
	echo "credential_process = \"$T/proc dir/fails.sh\""
	echo '[profile proc-garbage]'
	echo "credential_process = \"$T/proc dir/garbage.sh\""
	echo '[profile proc-v2]'
	echo "credential_process = \"$T/proc dir/v2.sh\""
	echo '[profile proc-missing]'
	echo "credential_process = $T/nonexistent-helper --x"
	echo '[profile proc-injection]'
	echo "credential_process = \"$T/proc dir/get-creds.sh\" --for 'my account'; touch $T/injected"
} >"$T/proc.config"
run proc -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$T/proc.config" \
	"$PIPEC" debug call sts GetCallerIdentity --profile proc --verbose
if [ $rc -eq 0 ] && grep -q 'user/pipec-test' "$T/proc.out" &&
	grep -q "from profile 'proc' (credential_process)" "$T/proc.err"; then
	ok "runtime-aws: credential_process (quoted path and argument, no shell) signs a call moto accepts"
else
	nok "runtime-aws: credential_process (quoted path and argument, no shell) signs a call moto accepts" \
		"$T/proc.out" "$T/proc.err"
fi
run proc-fails -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$T/proc.config" \
	"$PIPEC" debug call sts GetCallerIdentity --profile proc-fails
if [ $rc -eq 1 ] && grep -q "profile 'proc-fails': credential_process '.*fails.sh' exited with status 3: token expired, run login" \
	"$T/proc-fails.err"; then
	ok "runtime-aws: a failing credential_process: exit 1, its status and stderr in the error"
else
	nok "runtime-aws: a failing credential_process: exit 1, its status and stderr in the error" "$T/proc-fails.err"
fi
run proc-garbage -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$T/proc.config" \
	"$PIPEC" debug call sts GetCallerIdentity --profile proc-garbage --verbose
rc1=$rc
run proc-v2 -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$T/proc.config" \
	"$PIPEC" debug call sts GetCallerIdentity --profile proc-v2 --verbose
if [ $rc1 -eq 1 ] && [ $rc -eq 1 ] &&
	grep -q "credential_process '.*garbage.sh': its output is not a JSON object" "$T/proc-garbage.err" &&
	grep -q "credential_process '.*v2.sh': unsupported Version" "$T/proc-v2.err" &&
	! grep -q 'proc-SECRET' "$T/proc-garbage.err" "$T/proc-v2.err"; then
	ok "runtime-aws: bad credential_process output is a clear error that never quotes the output"
else
	nok "runtime-aws: bad credential_process output is a clear error that never quotes the output" \
		"$T/proc-garbage.err" "$T/proc-v2.err"
fi
run proc-missing -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$T/proc.config" \
	"$PIPEC" debug call sts GetCallerIdentity --profile proc-missing
rc1=$rc
run proc-injection -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$T/proc.config" \
	"$PIPEC" debug call sts GetCallerIdentity --profile proc-injection
if [ $rc1 -eq 1 ] && [ $rc -eq 1 ] && [ ! -e "$T/injected" ] &&
	grep -q "credential_process '.*nonexistent-helper' could not be run: No such file" "$T/proc-missing.err" &&
	grep -q 'bad arguments' "$T/proc-injection.err"; then
	ok "runtime-aws: a missing credential_process program is named; ';' is no shell separator"
else
	nok "runtime-aws: a missing credential_process program is named; ';' is no shell separator" \
		"$T/proc-missing.err" "$T/proc-injection.err"
fi

# ---- SSO: the token cached by `aws sso login`, the portal's GetRoleCredentials ----
FAKE_AK=$AK FAKE_SK=$SK FAKE_SSO_TOKEN=sso-TOKEN-SECRET-57 start_fake sso
SPORT=$FAKE_PORT
SSOHOME="$T/ssohome"
mkdir -p "$SSOHOME/.aws/sso/cache"
sso_cache() {	# KEY TOKEN EXPIRES: writes the cache file botocore's SSOTokenLoader reads
	f=$(python3 -c 'import hashlib, sys; print(hashlib.sha1(sys.argv[1].encode()).hexdigest())' "$1")
	printf '{"startUrl": "x", "region": "us-east-1", "accessToken": "%s", "expiresAt": "%s"}\n' \
		"$2" "$3" >"$SSOHOME/.aws/sso/cache/$f.json"
}
sso_cache my-sso sso-TOKEN-SECRET-57 2099-01-01T00:00:00Z
sso_cache https://legacy.awsapps.com/start sso-TOKEN-SECRET-57 2099-01-01T00:00:00UTC
sso_cache old-sso sso-TOKEN-SECRET-57 2020-01-01T00:00:00Z
sso_cache wrong-sso not-the-right-token 2099-01-01T00:00:00Z
cat >"$T/sso.config" <<'EOF'
[profile sso-new]
sso_session = my-sso
sso_account_id = 123456789012
sso_role_name = Deployer
region = us-east-1
[sso-session my-sso]
sso_start_url = https://d-123.awsapps.com/start
sso_region = us-east-1
[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Deployer
region = us-east-1
[profile sso-expired]
sso_session = old-sso
sso_account_id = 123456789012
sso_role_name = Deployer
[sso-session old-sso]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
[profile sso-never]
sso_session = never-sso
sso_account_id = 123456789012
sso_role_name = Deployer
[sso-session never-sso]
sso_start_url = https://never.awsapps.com/start
sso_region = us-east-1
[profile sso-refused]
sso_session = wrong-sso
sso_account_id = 123456789012
sso_role_name = Deployer
[sso-session wrong-sso]
sso_start_url = https://wrong.awsapps.com/start
sso_region = us-east-1
EOF
sso_run() {	# NAME PROFILE [ARGS...]
	n=$1
	pr=$2
	shift 2
	run "$n" -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$SSOHOME" \
		AWS_CONFIG_FILE="$T/sso.config" AWS_SHARED_CREDENTIALS_FILE="$T/none" \
		AWS_ENDPOINT_URL_SSO="http://127.0.0.1:$SPORT" "$PIPEC" debug call glue GetDatabases \
		--profile "$pr" "$@"
}
sso_run sso-new sso-new --verbose
if [ $rc -eq 0 ] && grep -q DatabaseList "$T/sso-new.out" &&
	grep -q 'GET /federation/credentials account=123456789012 role=Deployer token=ok' "$T/sso.log" &&
	grep -q "from profile 'sso-new' (SSO, account 123456789012, role Deployer)" "$T/sso-new.err"; then
	ok "runtime-aws: an sso_session profile: cached token, GetRoleCredentials, a signed call moto accepts"
else
	nok "runtime-aws: an sso_session profile: cached token, GetRoleCredentials, a signed call moto accepts" \
		"$T/sso-new.err" "$T/sso.log"
fi
sso_run sso-legacy sso-legacy
if [ $rc -eq 0 ] && grep -q DatabaseList "$T/sso-legacy.out"; then
	ok "runtime-aws: a legacy sso_start_url profile (cache named by the start URL's SHA-1)"
else
	nok "runtime-aws: a legacy sso_start_url profile (cache named by the start URL's SHA-1)" "$T/sso-legacy.err"
fi
: >"$T/sso.log"
sso_run sso-expired sso-expired
rc1=$rc
sso_run sso-never sso-never
if [ $rc1 -eq 1 ] && [ $rc -eq 1 ] &&
	grep -q "profile 'sso-expired': the SSO token in .* expired at 2020-01-01T00:00:00Z: run aws sso login --profile sso-expired" \
		"$T/sso-expired.err" &&
	grep -q "profile 'sso-never': no SSO token for sso-session 'never-sso'.*run aws sso login --profile sso-never" \
		"$T/sso-never.err" && [ ! -s "$T/sso.log" ]; then
	ok "runtime-aws: an expired or missing SSO token says to run aws sso login --profile X (no portal call)"
else
	nok "runtime-aws: an expired or missing SSO token says to run aws sso login --profile X (no portal call)" \
		"$T/sso-expired.err" "$T/sso-never.err"
fi
printf '[profile by-login]\nlogin_session = arn:aws:iam::123456789012:user/someone\nregion = us-east-1\n' \
	>>"$T/sso.config"
sso_run by-login by-login
if [ $rc -eq 1 ] && grep -q "profile 'by-login' uses login_session (aws login), which pipec does not support" \
	"$T/by-login.err" && ! grep -q 'no AWS credentials found' "$T/by-login.err"; then
	ok "runtime-aws: an unsupported profile kind (login_session) is named, not 'no credentials found'"
else
	nok "runtime-aws: an unsupported profile kind (login_session) is named, not 'no credentials found'" \
		"$T/by-login.err"
fi
sso_run sso-refused sso-refused
if [ $rc -eq 1 ] && grep -q "profile 'sso-refused': the SSO token was refused.*run aws sso login --profile sso-refused" \
	"$T/sso-refused.err" && ! grep -q 'not-the-right-token' "$T/sso-refused.err"; then
	ok "runtime-aws: a token the portal refuses (401) says to run aws sso login"
else
	nok "runtime-aws: a token the portal refuses (401) says to run aws sso login" "$T/sso-refused.err"
fi

# ---- secrets never appear ----
leaks=""
for secret in "$SK" wrong-secret-value-123 session-token-SECRET-42 fault-secret-SECRET-43 proc-SECRET sso-TOKEN-SECRET-57 not-the-right-token; do
	if grep -qF -- "$secret" "$ALL_OUT"; then leaks="$leaks $secret"; fi
done
if [ -z "$leaks" ] && ! grep -q 'Signature=' "$ALL_OUT"; then
	ok "runtime-aws: no secret key, session token or signature in any stdout/stderr/--verbose output"
else
	echo "not ok runtime-aws: no secret key, session token or signature in any stdout/stderr/--verbose output"
	echo "# leaked: $(echo "$leaks" | sed 's/[A-Za-z0-9]/x/g')"
fi
exit 0
