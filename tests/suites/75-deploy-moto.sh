#!/bin/sh
# plan and deploy end to end against moto (tests/tools/moto_auth.sh: moto_plus
# with SigV4 and IAM enforced, Glue bodies validated against botocore's model,
# an API-call counter): plan (all create) -> deploy -> plan (no changes, calls
# counted) -> edit a .pipe -> plan shows exactly that change -> deploy ->
# prune a removed pipeline; saved plans and stale ones; ownership; a wrong
# secret; boto3 reads back what landed.  Servers on 127.0.0.1, stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PIPEC=${PIPEC:-$ROOT/build/pipec}
T=${SUITE_TMP:-$(mktemp -d -t pipec-75.XXXXXX)}
mkdir -p "$T"
cleanup() {
	if [ -n "${MOTO_AUTH_PID_FILE:-}" ] && [ -f "$MOTO_AUTH_PID_FILE" ]; then
		kill "$(cat "$MOTO_AUTH_PID_FILE")" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { echo "ok $1"; }
nok() {
	echo "not ok $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | head -30; done
}

for tool in moto_server python3; do
	command -v $tool >/dev/null 2>&1 || { echo "not ok deploy-moto: $tool is not installed"; exit 0; }
done
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do
	[ "$v" = AWS_CA_BUNDLE ] || unset "$v"
done
export HOME="$T/home"
mkdir -p "$HOME"
export AWS_CONFIG_FILE="$T/none-config" AWS_SHARED_CREDENTIALS_FILE="$T/none-credentials"
export AWS_EC2_METADATA_DISABLED=true
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! MOTO_PID_FILE="$T/moto.pid" bash "$ROOT/tests/tools/moto_auth.sh" "$PORT" >"$T/moto.env" 2>"$T/moto.err"; then
	nok "deploy-moto: moto with auth enforced starts" "$T/moto.err"
	exit 0
fi
. "$T/moto.env"
ok "deploy-moto: moto with auth enforced starts"
EP=$AWS_ENDPOINT_URL
SK=$AWS_SECRET_ACCESS_KEY
ALL="$T/all-output.txt"
: >"$ALL"

# run NAME ARGS... (in the project directory): output in $T/NAME.{out,err}, status in rc.
run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	cat "$T/$name.out" "$T/$name.err" >>"$ALL"
}
calls_reset() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$EP"; }
# calls FILE: saves the counter; prints "TOTAL WRITES"
calls() {
	python3 - "$EP" "$1" <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))
json.dump(d, open(sys.argv[2], "w"), indent=1)
reads = ("Get", "List", "Batch", "Describe", "Head")
writes = sum(n for op, n in d["calls"].items() if not op.split(".", 1)[1].startswith(reads))
print(d["total"], writes)
PY
}

P="$T/project"
cp -r "$ROOT/tests/plan/project" "$P"
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "deploy-moto: script bucket created" "$T/bucket.err"

# 1. everything to create
run plan1 plan --format json
if [ $rc -eq 2 ] && python3 - "$T/plan1.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
acts = sorted((c["kind"], c["action"]) for c in d["changes"])
assert all(a == "create" for _, a in acts), acts
kinds = [k for k, _ in acts]
assert kinds.count("job") == 4 and kinds.count("trigger") == 4 and kinds.count("ruleset") == 1 \
    and kinds.count("file") == 1 and kinds.count("workflow") == 1 and kinds.count("event-rule") == 1, kinds
assert d["against"] == "live" and len(d["fingerprint"]) == 64 and d["region"] == "us-east-1"
PY
then ok "deploy-moto: first plan creates every resource (exit 2)"
else nok "deploy-moto: first plan creates every resource (exit 2)" "$T/plan1.out" "$T/plan1.err"; fi

# 2. deploy
run deploy1 deploy
if [ $rc -eq 0 ] && grep -q '^  created job dev_orders$' "$T/deploy1.out" && grep -q '^  uploaded s3://plantest-artifacts/pipec/files/' "$T/deploy1.out"
then ok "deploy-moto: deploy creates them, with progress per resource"
else nok "deploy-moto: deploy creates them, with progress per resource" "$T/deploy1.out" "$T/deploy1.err"; fi
(cd "$P" && "$PIPEC" build -o "$T/build1" .) >"$T/build1.err" 2>&1
if python3 "$ROOT/tests/deploy/landed.py" "$T/build1" plantest dev >"$T/landed1.out" 2>&1
then ok "deploy-moto: boto3 reads back jobs, triggers, ruleset, workflow, event rule, tags and scripts equal to the build"
else nok "deploy-moto: boto3 reads back jobs, triggers, ruleset, workflow, event rule, tags and scripts equal to the build" "$T/landed1.out"; fi
# the read-back check has teeth: a tampered expectation fails it
cp -r "$T/build1" "$T/tampered"
python3 - "$T/tampered/orders/job.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); j["NumberOfWorkers"] = j.get("NumberOfWorkers", 2) + 1
json.dump(j, open(sys.argv[1], "w"))
PY
if ! python3 "$ROOT/tests/deploy/landed.py" "$T/tampered" plantest dev >"$T/landed-t.out" 2>&1 &&
   grep -q 'NumberOfWorkers' "$T/landed-t.out"
then ok "deploy-moto: read-back check catches a differing field"
else nok "deploy-moto: read-back check catches a differing field" "$T/landed-t.out"; fi

# 3. no edits: no changes, few calls, and a second deploy writes nothing
calls_reset
run plan2 plan
set -- $(calls "$T/calls-plan2.json")
# ListJobs, ListTriggers, ListDataQualityRulesets, BatchGetJobs, BatchGetTriggers,
# BatchGetWorkflows, GetDataQualityRuleset, DescribeRule, GetTags (the workflow)
if [ $rc -eq 0 ] && grep -q '^No changes.' "$T/plan2.out" && [ "$1" -le 9 ] && [ "$2" -eq 0 ]
then ok "deploy-moto: unchanged project plans clean (exit 0) in $1 calls"
else nok "deploy-moto: unchanged project plans clean (exit 0) in $1 calls (want <= 9, 0 writes)" "$T/plan2.out" "$T/plan2.err" "$T/calls-plan2.json"; fi
calls_reset
run deploy2 deploy
set -- $(calls "$T/calls-deploy2.json")
if [ $rc -eq 0 ] && [ "$2" -eq 0 ] && grep -q '^No changes' "$T/deploy2.out"
then ok "deploy-moto: second deploy with no edits makes zero write calls"
else nok "deploy-moto: second deploy with no edits makes zero write calls" "$T/deploy2.out" "$T/calls-deploy2.json"; fi

# 4. one edit: exactly that change
# (the lag is a job argument; the row-count rule is in the script and the ruleset)
sed -i 's/lag 15m/lag 30m/; s/row_count > 0/row_count > 5/' "$P/pipelines/orders.pipe"
run plan3 plan --format json
if [ $rc -eq 2 ] && python3 - "$T/plan3.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
assert [(c["kind"], c["name"], c["action"]) for c in ch] == \
    [("job", "dev_orders", "update"), ("ruleset", "dev_orders-ruleset", "update")], ch
paths = [f["path"] for f in ch[0]["fields"]]
assert paths == ["Command.ScriptLocation", "DefaultArguments.--watermark_lag_seconds"], paths
assert "-    \"    RowCount > 0\",\n+    \"    RowCount > 5\"," in ch[0]["script_diff"], ch[0]["script_diff"]
assert [f["path"] for f in ch[1]["fields"]] == ["Ruleset"]
PY
then ok "deploy-moto: an edited .pipe plans exactly its job's and ruleset's updates"
else nok "deploy-moto: an edited .pipe plans exactly its job's and ruleset's updates" "$T/plan3.out" "$T/plan3.err"; fi
run plan3md plan --format markdown
if [ $rc -eq 2 ] && grep -q '<details><summary><code>orders</code>/job.py (diff)</summary>' "$T/plan3md.out"
then ok "deploy-moto: markdown plan carries the script diff"
else nok "deploy-moto: markdown plan carries the script diff" "$T/plan3md.out"; fi

# 5. a saved plan applies exactly; a stale one is refused
run plan4 plan --out "$T/saved.json"
run plan5 plan --out "$T/stale.json"
run deploy3 deploy --plan "$T/saved.json"
if [ $rc -eq 0 ] && grep -q '^  updated job dev_orders$' "$T/deploy3.out" && grep -q '^  updated ruleset dev_orders-ruleset$' "$T/deploy3.out" &&
   [ "$(grep -c '^  updated\|^  created\|^  destroyed' "$T/deploy3.out")" -eq 2 ]
then ok "deploy-moto: deploy --plan applies exactly the saved plan"
else nok "deploy-moto: deploy --plan applies exactly the saved plan" "$T/deploy3.out" "$T/deploy3.err"; fi
calls_reset
run deploy4 deploy --plan "$T/stale.json"
set -- $(calls "$T/calls-deploy4.json")
if [ $rc -eq 1 ] && grep -q 'plan is stale: live state changed since the plan was made; run pipec plan again' "$T/deploy4.err" && [ "$2" -eq 0 ]
then ok "deploy-moto: a stale saved plan is refused before any write"
else nok "deploy-moto: a stale saved plan is refused before any write" "$T/deploy4.out" "$T/deploy4.err"; fi
run plan6 plan
if [ $rc -eq 0 ]; then ok "deploy-moto: after the deploy the plan is clean again"
else nok "deploy-moto: after the deploy the plan is clean again" "$T/plan6.out"; fi
(cd "$P" && "$PIPEC" build -o "$T/build2" .) >"$T/build2.err" 2>&1
if python3 "$ROOT/tests/deploy/landed.py" "$T/build2" plantest dev >"$T/landed2.out" 2>&1
then ok "deploy-moto: the updated job landed as built (UpdateJob sent the full definition)"
else nok "deploy-moto: the updated job landed as built (UpdateJob sent the full definition)" "$T/landed2.out"; fi

# live warnings come from the tags pipec put on the deployed job
cp "$P/pipelines/orders.pipe" "$T/orders.pipe.saved"
sed -i 's/incremental by updated_at/incremental by order_ts/; s/partition by days(order_ts)/partition by months(order_ts)/' "$P/pipelines/orders.pipe"
run warn plan --format json
if [ $rc -eq 2 ] && python3 - "$T/warn.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
codes = sorted(w["code"] for w in d["warnings"] if w["pipeline"] == "orders")
assert codes == ["partition-change", "watermark-reset"], d["warnings"]
PY
then ok "deploy-moto: watermark and partition changes warn against the live job"
else nok "deploy-moto: watermark and partition changes warn against the live job" "$T/warn.out" "$T/warn.err"; fi
cp "$T/orders.pipe.saved" "$P/pipelines/orders.pipe"

# 6. ownership: a job pipec did not create is never taken over, nor pruned
python3 - <<'PY' >"$T/foreign.err" 2>&1
import boto3
g = boto3.client("glue")
cmd = {"Name": "glueetl", "ScriptLocation": "s3://elsewhere/x.py"}
g.create_job(Name="dev_intruder", Role="arn:aws:iam::123456789012:role/r", Command=cmd)
g.create_job(Name="someone_elses", Role="arn:aws:iam::123456789012:role/r", Command=cmd,
             Tags={"pipec:project": "other", "pipec:environment": "dev"})
PY
cat >"$P/pipelines/intruder.pipe" <<'PIPE'
pipeline intruder {
  source s3 "s3://${raw_bucket}/intruder/" { format json }
  target s3tables analytics.intruder
  columns {
    id string
  }
  schedule on demand
}
PIPE
run plan7 plan
if [ $rc -eq 1 ] && grep -q "job 'dev_intruder' exists but is not managed by project 'plantest' environment 'dev'" "$T/plan7.err"
then ok "deploy-moto: a desired name owned by nobody here is an error, not a takeover"
else nok "deploy-moto: a desired name owned by nobody here is an error, not a takeover" "$T/plan7.out" "$T/plan7.err"; fi
calls_reset
run deploy5 deploy
set -- $(calls "$T/calls-deploy5.json")
if [ $rc -eq 1 ] && [ "$2" -eq 0 ]; then ok "deploy-moto: deploy refuses it without writing"
else nok "deploy-moto: deploy refuses it without writing" "$T/deploy5.out" "$T/deploy5.err"; fi
rm "$P/pipelines/intruder.pipe"

# 7. prune a removed pipeline
rm "$P/pipelines/customers.pipe"
run plan8 plan
if [ $rc -eq 0 ] && grep -q 'undeclared kept' "$T/plan8.out"
then ok "deploy-moto: without --prune a removed pipeline is kept (no changes)"
else nok "deploy-moto: without --prune a removed pipeline is kept (no changes)" "$T/plan8.out" "$T/plan8.err"; fi
run plan9 plan --prune --format json
if [ $rc -eq 2 ] && python3 - "$T/plan9.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = sorted((c["kind"], c["name"], c["action"]) for c in d["changes"] if c["action"] != "unchanged")
assert ch == [("job", "dev_customers", "destroy"), ("trigger", "dev_customers-trigger", "destroy")], ch
assert all(c["pipeline"] == "customers" for c in d["changes"] if c["action"] == "destroy")
assert any(w["code"] == "trigger-destroyed" for w in d["warnings"])
PY
then ok "deploy-moto: plan --prune destroys exactly the removed pipeline's resources"
else nok "deploy-moto: plan --prune destroys exactly the removed pipeline's resources" "$T/plan9.out" "$T/plan9.err"; fi
run deploy6 deploy --prune
python3 - >"$T/pruned.out" 2>&1 <<'PY'
import boto3
g = boto3.client("glue")
names = set(g.list_jobs()["JobNames"])
assert "dev_customers" not in names, names
assert {"dev_intruder", "someone_elses", "dev_orders", "dev_events"} <= names, names
assert "dev_customers-trigger" not in g.list_triggers()["TriggerNames"]
PY
if [ $rc -eq 0 ] && [ ! -s "$T/pruned.out" ] &&
   grep -q "^warning: customers: trigger 'dev_customers-trigger' is deleted.*(trigger-destroyed)$" "$T/deploy6.err"
then ok "deploy-moto: deploy --prune removed them (warning first) and left foreign jobs alone"
else nok "deploy-moto: deploy --prune removed them (warning first) and left foreign jobs alone" "$T/deploy6.out" "$T/deploy6.err" "$T/pruned.out"; fi
run plan10 plan --prune
if [ $rc -eq 0 ]; then ok "deploy-moto: clean after prune"; else nok "deploy-moto: clean after prune" "$T/plan10.out"; fi

# 8. credentials: a wrong secret fails clearly; --verbose never shows the secret
AWS_SECRET_ACCESS_KEY="${SK}x" run badsecret plan
if [ $rc -eq 1 ] && grep -q 'credentials were rejected' "$T/badsecret.err" && grep -q 'SignatureDoesNotMatch' "$T/badsecret.err"
then ok "deploy-moto: a wrong secret fails with a clear auth error"
else nok "deploy-moto: a wrong secret fails with a clear auth error" "$T/badsecret.err"; fi
run verbose plan --verbose
if [ $rc -eq 0 ] && grep -qi 'ListJobs' "$T/verbose.err"; then ok "deploy-moto: --verbose traces the requests"
else nok "deploy-moto: --verbose traces the requests" "$T/verbose.err"; fi
if grep -qF "$SK" "$ALL" || grep -rqF "$SK" "$T"/*.json 2>/dev/null
then nok "deploy-moto: no credential value in any output, trace or saved plan"
else ok "deploy-moto: no credential value in any output, trace or saved plan"; fi
