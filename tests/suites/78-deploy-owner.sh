#!/bin/sh
# deploy never takes over: a create answered AlreadyExistsException (the
# resource appeared between the plan and the apply) continues with an update
# only when the resource's own tags say this project and environment own it.
# CreateJob is held by tests/tools/fault_proxy.py while the test creates the
# job another way: by hand, by another project with the same name prefix, or
# by this same project.  moto with auth enforced; servers on 127.0.0.1,
# stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=deploy-owner
. "$ROOT/tests/tools/aws_suite.sh"
export PIPEC_RETRY_BASE_MS=5
start_moto
MOTO=$AWS_ENDPOINT_URL
SK=$AWS_SECRET_ACCESS_KEY
ALL="$T/all-output.txt"
: >"$ALL"
# help_is FILE LINE: the only help line after the error in FILE is LINE
help_is() { [ "$(sed -n '/^pipec: error/,$p' "$1" | grep '^help:')" = "$2" ]; }
HELP_OWNER="help: pipec never takes over a resource it does not own; rename the pipeline (or the environment's name_prefix) or remove the other resource; running pipec deploy again cannot help"
HELP_ACCOUNT="help: check the AWS credentials pipec uses (--profile, AWS_PROFILE, AWS_ACCESS_KEY_ID) or the environment's account in pipec.yaml; running again with the same credentials cannot help"
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "deploy-owner: script bucket created" "$T/bucket.err"

# proxy NAME SPEC: a fault proxy in front of moto; sets PROXY (its URL)
proxy() {
	rm -f "$T/$1.port"
	python3 "$ROOT/tests/tools/fault_proxy.py" 0 "$MOTO" --plan "$2" --log "$T/$1.log" \
		--port-file "$T/$1.port" --lifetime 300 2>"$T/$1.err" &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$T/$1.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	PROXY="http://127.0.0.1:$(cat "$T/$1.port")"
}
# held: waits until the proxy holds a CreateJob (0: it does)
held() {
	i=0
	while [ $i -lt 200 ]; do
		python3 - "$PROXY" <<'PY' && return 0
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/__fault_proxy/stats"))
sys.exit(0 if d["per_operation"].get("AWSGlue.CreateJob", 0) >= 1 else 1)
PY
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# project DIR PROJECT PREFIX: a copy of the plan test project
project() {
	rm -rf "$1"
	cp -r "$ROOT/tests/plan/project" "$1"
	sed -i "s/^project: .*/project: $2/; s/name_prefix: .*/name_prefix: $3/" "$1/pipec.yaml"
}
# snapshot FILE NAME...: the jobs' definitions and tags as Glue has them
snapshot() {
	python3 - "$@" <<'PY'
import boto3, json, sys
g = boto3.client("glue")
acct = boto3.client("sts").get_caller_identity()["Account"]
out = {}
for n in sys.argv[2:]:
    j = g.get_job(JobName=n)["Job"]
    t = g.get_tags(ResourceArn="arn:aws:glue:us-east-1:%s:job/%s" % (acct, n))["Tags"]
    out[n] = {"job": j, "tags": t}
json.dump(out, open(sys.argv[1], "w"), indent=1, sort_keys=True, default=str)
PY
}

# 1. a job made by hand (no pipec tags) while CreateJob is held
P="$T/p1"
project "$P" plantest h1_
proxy hold1 'slow=20@all/CreateJob'
(cd "$P" && exec "$PIPEC" deploy --endpoint-url "$PROXY") >"$T/d1.out" 2>"$T/d1.err" &
DPID=$!
if held; then
	python3 - <<'PY' >"$T/hand.err" 2>&1
import boto3
boto3.client("glue").create_job(Name="h1_orders", Role="arn:aws:iam::123456789012:role/hand",
    Command={"Name": "glueetl", "ScriptLocation": "s3://plantest-artifacts/hand.py"},
    Tags={"team": "hand"})
PY
	snapshot "$T/hand-before.json" h1_orders 2>>"$T/hand.err"
fi
wait "$DPID"
rc=$?
cat "$T/d1.out" "$T/d1.err" >>"$ALL"
snapshot "$T/hand-after.json" h1_orders 2>>"$T/hand.err"
if [ $rc -eq 1 ] && grep -q "job 'h1_orders'.*no pipec owner tag" "$T/d1.err" &&
   grep -q 'failed job h1_orders' "$T/d1.out" && grep -q 'created job h1_events' "$T/d1.out"
then ok "deploy-owner: a job made by hand during the create fails that job, naming no owner tag"
else nok "deploy-owner: a job made by hand during the create fails that job, naming no owner tag" "$T/d1.out" "$T/d1.err" "$T/hand.err"; fi
if grep -q '"team": "hand"' "$T/hand-before.json" && cmp -s "$T/hand-before.json" "$T/hand-after.json"
then ok "deploy-owner: the hand-made job is unchanged (definition and tags)"
else nok "deploy-owner: the hand-made job is unchanged (definition and tags)" "$T/hand-before.json" "$T/hand-after.json"; fi
if help_is "$T/d1.err" "$HELP_OWNER"
then ok "deploy-owner: a refused takeover says to rename or remove, not to run deploy again"
else nok "deploy-owner: a refused takeover says to rename or remove, not to run deploy again" "$T/d1.err"; fi
if ! grep -q 'op=AWSGlue.UpdateJob\|op=AWSGlue.UntagResource' "$T/hold1.log"
then ok "deploy-owner: no UpdateJob or UntagResource after the create was refused"
else nok "deploy-owner: no UpdateJob or UntagResource after the create was refused" "$T/hold1.log"; fi

# 2. two projects with one name prefix deploying at once: the second to create loses, clearly
A="$T/pa"
B="$T/pb"
project "$A" plantest c_
project "$B" othertest c_
proxy hold2 'slow=10@all/CreateJob'
(cd "$A" && exec "$PIPEC" deploy --endpoint-url "$PROXY") >"$T/da.out" 2>"$T/da.err" &
DPID=$!
rcb=x
if held; then
	(cd "$B" && "$PIPEC" deploy) >"$T/db.out" 2>"$T/db.err"
	rcb=$?
	snapshot "$T/win-before.json" c_orders c_events c_clicks c_customers 2>"$T/win.err"
fi
wait "$DPID"
rc=$?
cat "$T/da.out" "$T/da.err" "$T/db.out" "$T/db.err" >>"$ALL"
snapshot "$T/win-after.json" c_orders c_events c_clicks c_customers 2>>"$T/win.err"
if [ "$rcb" = 0 ] && [ $rc -eq 1 ] && grep -q "job 'c_orders'.*pipec:owner=othertest/dev" "$T/da.err" &&
   ! grep -q '^Deployed:' "$T/da.out"
then ok "deploy-owner: of two projects with one name prefix, the later fails naming the owner"
else nok "deploy-owner: of two projects with one name prefix, the later fails naming the owner ($rcb $rc)" "$T/da.out" "$T/da.err" "$T/db.err"; fi
if help_is "$T/da.err" "$HELP_OWNER"
then ok "deploy-owner: losing a create to another project gives the ownership help line"
else nok "deploy-owner: losing a create to another project gives the ownership help line" "$T/da.err"; fi
if [ -s "$T/win-before.json" ] && cmp -s "$T/win-before.json" "$T/win-after.json" &&
   grep -q '"pipec:project": "othertest"' "$T/win-after.json"
then ok "deploy-owner: the winner's jobs keep its tags and definitions"
else nok "deploy-owner: the winner's jobs keep its tags and definitions" "$T/win-before.json" "$T/win-after.json" "$T/win.err"; fi

# 3. the other creator is this same project and environment: continued, reported as updated
P="$T/p3"
project "$P" plantest s_
proxy hold3 'slow=10@all/CreateJob'
(cd "$P" && exec "$PIPEC" deploy --endpoint-url "$PROXY") >"$T/d3.out" 2>"$T/d3.err" &
DPID=$!
rc2=x
if held; then
	(cd "$P" && "$PIPEC" deploy) >"$T/d3b.out" 2>"$T/d3b.err"
	rc2=$?
fi
wait "$DPID"
rc=$?
cat "$T/d3.out" "$T/d3.err" "$T/d3b.out" "$T/d3b.err" >>"$ALL"
if [ "$rc2" = 0 ] && [ $rc -eq 0 ] && grep -q '^  updated job s_orders$' "$T/d3.out" &&
   ! grep -q 'created job' "$T/d3.out"
then ok "deploy-owner: a create that raced this same project continues and says updated"
else nok "deploy-owner: a create that raced this same project continues and says updated ($rc2 $rc)" "$T/d3.out" "$T/d3.err"; fi
(cd "$P" && "$PIPEC" plan) >"$T/p3.out" 2>&1
if [ $? -eq 0 ]; then ok "deploy-owner: after the race the plan is clean"
else nok "deploy-owner: after the race the plan is clean" "$T/p3.out"; fi

# 4. the account guard: credentials of another account than the environment's
calls_reset() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$MOTO"; }
calls_writes() {
	python3 - "$MOTO" <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))
reads = ("Get", "List", "Batch", "Describe", "Head")
print(sum(n for op, n in d["calls"].items() if not op.split(".", 1)[1].startswith(reads)))
PY
}
jobcount() { python3 -c 'import boto3; print(len(boto3.client("glue").get_jobs()["Jobs"]))'; }
ACCT=$(python3 -c 'import boto3; print(boto3.client("sts").get_caller_identity()["Account"])')
P="$T/p4"
project "$P" plantest w_
sed -i 's/^\(    account:\).*/\1 "210987654321"/' "$P/pipec.yaml"
before=$(jobcount)
calls_reset
(cd "$P" && "$PIPEC" deploy) >"$T/d4.out" 2>"$T/d4.err"
rc=$?
writes=$(calls_writes)
cat "$T/d4.out" "$T/d4.err" >>"$ALL"
if [ $rc -eq 1 ] && grep -q "210987654321" "$T/d4.err" && grep -q "$ACCT" "$T/d4.err" &&
   [ "$writes" = 0 ] && [ "$(jobcount)" = "$before" ]
then ok "deploy-owner: a deploy with another account's credentials is refused (exit 1), naming both, zero writes"
else nok "deploy-owner: a deploy with another account's credentials is refused (exit 1), naming both, zero writes ($rc, $writes writes)" "$T/d4.out" "$T/d4.err"; fi
if help_is "$T/d4.err" "$HELP_ACCOUNT"
then ok "deploy-owner: an account mismatch says to check the credentials, not to run deploy again"
else nok "deploy-owner: an account mismatch says to check the credentials, not to run deploy again" "$T/d4.err"; fi
(cd "$P" && "$PIPEC" plan) >"$T/p4.out" 2>"$T/p4.err"
rc=$?
cat "$T/p4.out" "$T/p4.err" >>"$ALL"
if [ $rc -eq 1 ] && grep -q "account mismatch.*210987654321.*$ACCT" "$T/p4.err"
then ok "deploy-owner: a live plan with another account's credentials is refused (exit 1)"
else nok "deploy-owner: a live plan with another account's credentials is refused (exit 1)" "$T/p4.out" "$T/p4.err"; fi
if help_is "$T/p4.err" "$HELP_ACCOUNT"
then ok "deploy-owner: the plan's account mismatch gives the same help line"
else nok "deploy-owner: the plan's account mismatch gives the same help line" "$T/p4.err"; fi

# 5. no account setting: the account used is named
sed -i '/^    account:/d' "$P/pipec.yaml"
rm -f "$P/pipelines/clicks.pipe" "$P/pipelines/events.pipe"	# S3 Tables targets need the account
sed -i "/schedule after events/d" "$P/pipelines/orders.pipe"
(cd "$P" && "$PIPEC" plan) >"$T/p5.out" 2>"$T/p5.err"
rc=$?
cat "$T/p5.out" "$T/p5.err" >>"$ALL"
if [ $rc -eq 2 ] && grep -q "using account $ACCT" "$T/p5.err"
then ok "deploy-owner: without an account setting the plan names the account used"
else nok "deploy-owner: without an account setting the plan names the account used ($rc)" "$T/p5.out" "$T/p5.err"; fi
if grep -q "^Account $ACCT, region us-east-1$" "$T/p5.out"
then ok "deploy-owner: the live plan's header names the account and region"
else nok "deploy-owner: the live plan's header names the account and region" "$T/p5.out"; fi
(cd "$P" && "$PIPEC" plan --format json) >"$T/p5.json" 2>/dev/null
if python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["account"] == sys.argv[2] and d["region"] == "us-east-1"' "$T/p5.json" "$ACCT"
then ok "deploy-owner: the JSON plan carries the account and region"
else nok "deploy-owner: the JSON plan carries the account and region" "$T/p5.json"; fi

if grep -qF "$SK" "$ALL" "$T"/*.log 2>/dev/null
then nok "deploy-owner: no credential value in any output"
else ok "deploy-owner: no credential value in any output"; fi
