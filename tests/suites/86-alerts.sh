#!/bin/sh
# Failure alerts (pipec.yaml alerts:, docs/alerts.md) end to end against
# moto with auth enforced: plan shows the alert rules; deploy creates each
# rule with its pattern, SNS target, input transformer and ownership tags
# (read back with boto3); a second deploy writes nothing; changing states
# or removing a pipeline updates the pattern; removing alerts keeps the
# rules, --prune deletes them; a rule of that name pipec does not own is
# refused and left untouched.  The input transformer is rendered on Glue's
# documented example event by a small model of EventBridge's substitution.
# Servers on 127.0.0.1, stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=alerts
. "$ROOT/tests/tools/aws_suite.sh"
start_moto
EP=$AWS_ENDPOINT_URL
TOPIC=arn:aws:sns:us-east-1:123456789012:data-alerts
RULE=dev_pipec-plantest-alerts
DQRULE=dev_pipec-plantest-dq-alerts

# run NAME ARGS... (in $P): output in $T/NAME.{out,err}, status in rc
run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
calls_reset() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$EP"; }
# writes FILE: saves the counter, prints the number of write calls
writes() {
	python3 - "$EP" "$1" <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))
json.dump(d, open(sys.argv[2], "w"), indent=1)
reads = ("Get", "List", "Batch", "Describe", "Head")
print(sum(n for op, n in d["calls"].items() if not op.split(".", 1)[1].startswith(reads)))
PY
}
# rule NAME OUT: the live rule, its targets and tags as JSON (or {"missing": true})
rule() {
	python3 - "$1" "$2" <<'PY'
import boto3, json, sys
e = boto3.client("events")
try:
    r = e.describe_rule(Name=sys.argv[1])
except e.exceptions.ResourceNotFoundException:
    json.dump({"missing": True}, open(sys.argv[2], "w"))
    sys.exit(0)
t = e.list_targets_by_rule(Rule=sys.argv[1])["Targets"]
tags = {x["Key"]: x["Value"] for x in e.list_tags_for_resource(ResourceARN=r["Arn"])["Tags"]}
json.dump({"pattern": json.loads(r["EventPattern"]), "state": r.get("State"), "targets": t,
           "tags": tags}, open(sys.argv[2], "w"), indent=1, sort_keys=True)
PY
}
# jq-like check: py FILE EXPR (EXPR over d, the JSON of FILE; exit 0 when true)
py() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }

python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "alerts: script bucket created" "$T/bucket.err"
P="$T/project"
cp -r "$ROOT/tests/plan/project" "$P"
cp "$P/pipec.yaml" "$T/pipec.yaml.orig"
cat >>"$P/pipec.yaml" <<YAML
    alerts:
      topic: $TOPIC
YAML

# 1. plan: the two rules are creates
run plan1 plan
if [ $rc = 2 ] && grep -q "^alerts of environment 'dev'" "$T/plan1.out" &&
   grep -q "+ alert-rule $RULE (create)" "$T/plan1.out" &&
   grep -q "+ alert-rule $DQRULE (create)" "$T/plan1.out"; then
	ok "alerts: plan creates the job and data quality rules"
else
	nok "alerts: plan creates the job and data quality rules" "$T/plan1.out" "$T/plan1.err"
fi

# 2. deploy: rules, targets, transformer, tags
run deploy1 deploy
rule "$RULE" "$T/rule1.json"
rule "$DQRULE" "$T/dq1.json"
if [ $rc = 0 ] &&
   py "$T/rule1.json" 'd["pattern"] == {"source": ["aws.glue"], "detail-type": ["Glue Job State Change"], "detail": {"jobName": ["dev_clicks", "dev_customers", "dev_events", "dev_orders"], "state": ["FAILED", "TIMEOUT", "STOPPED", "ERROR"]}}' &&
   py "$T/rule1.json" 'd["state"] == "ENABLED" and len(d["targets"]) == 1 and d["targets"][0]["Arn"] == "'"$TOPIC"'" and d["targets"][0]["InputTransformer"]["InputPathsMap"]["job"] == "$.detail.jobName"' &&
   py "$T/rule1.json" 'd["tags"] == {"pipec:project": "plantest", "pipec:environment": "dev", "pipec:owner": "plantest/dev"}' &&
   py "$T/dq1.json" 'd["pattern"]["source"] == ["aws.glue-dataquality"] and d["pattern"]["detail"]["context"]["jobName"] == ["dev_orders"]'; then
	ok "alerts: deploy creates the rules with pattern, SNS target, transformer and tags"
else
	nok "alerts: deploy creates the rules with pattern, SNS target, transformer and tags" "$T/deploy1.out" "$T/deploy1.err" "$T/rule1.json" "$T/dq1.json"
fi

# 3. the message on Glue's example event
python3 "$ROOT/tests/tools/input_transformer.py" "$T/rule1.json" "$ROOT/tests/alerts/job-failed-event.json" >"$T/msg.txt" 2>"$T/msg.err"
cat >"$T/msg.want" <<'MSG'
pipec alert: Glue job dev_orders of project plantest, environment dev, ended in state FAILED.
Error: An error occurred while calling o91.save. Table or view not found: sales
Run: https://us-east-1.console.aws.amazon.com/gluestudio/home?region=us-east-1#/job/dev_orders/run/jr_6c2b1b7e9d0a7f3c1e8a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f
MSG
if cmp -s "$T/msg.txt" "$T/msg.want"; then
	ok "alerts: the transformer makes a readable message of a failed run"
else
	nok "alerts: the transformer makes a readable message of a failed run" "$T/msg.txt" "$T/msg.err"
fi

# 4. again: no changes, nothing written
calls_reset
run plan2 plan
prc=$rc
run deploy2 deploy
w=$(writes "$T/calls2.json")
if [ $prc = 0 ] && [ $rc = 0 ] && grep -q "^No changes. .* 15 unchanged" "$T/plan2.out" && [ "$w" = 0 ]; then
	ok "alerts: plan again shows no change and deploy again writes nothing"
else
	nok "alerts: plan again shows no change and deploy again writes nothing" "$T/plan2.out" "$T/deploy2.out" "$T/deploy2.err" "$T/calls2.json"
fi

# 5. fewer states: the plan shows the pattern's field, deploy updates it
sed -i 's/^      topic: .*/&\n      states: [FAILED, TIMEOUT]/' "$P/pipec.yaml"
run plan3 plan
run plan3md plan --format markdown
run plan3json plan --format json
if grep -q "~ alert-rule $RULE (update)" "$T/plan3.out" &&
   grep -qF '      EventPattern.detail.state: ["FAILED","TIMEOUT","STOPPED","ERROR"] -> ["FAILED","TIMEOUT"]' "$T/plan3.out" &&
   grep -q "| ~ | alert-rule <code>$RULE</code> | update |" "$T/plan3md.out" &&
   grep -qF '| <code>EventPattern.detail.state</code> | <code>["FAILED","TIMEOUT","STOPPED","ERROR"]</code> | <code>["FAILED","TIMEOUT"]</code> |' "$T/plan3md.out" &&
   py "$T/plan3json.out" '[c["kind"] for c in d["changes"] if c["action"] == "update"] == ["alert-rule"]'; then
	ok "alerts: a change of states is an update of the pattern (text, markdown, json)"
else
	nok "alerts: a change of states is an update of the pattern (text, markdown, json)" "$T/plan3.out" "$T/plan3md.out"
fi
run saved plan --out "$T/saved.json"
run deploy3 deploy --plan "$T/saved.json"
rule "$RULE" "$T/rule3.json"
if [ $rc = 0 ] && grep -q "^  updated alert-rule $RULE$" "$T/deploy3.out" &&
   py "$T/rule3.json" 'd["pattern"]["detail"]["state"] == ["FAILED", "TIMEOUT"] and len(d["targets"]) == 1'; then
	ok "alerts: deploy --plan updates the live pattern"
else
	nok "alerts: deploy --plan updates the live pattern" "$T/deploy3.out" "$T/deploy3.err" "$T/rule3.json"
fi

# 6. a saved plan is stale once the rule changed by hand
run saved2 plan --out "$T/saved2.json"
sed -i 's/states: \[FAILED, TIMEOUT\]/states: [FAILED]/' "$P/pipec.yaml"
run saved3 plan --out "$T/saved3.json"
python3 - "$RULE" <<'PY' >"$T/hand.err" 2>&1
import boto3, json, sys
e = boto3.client("events")
r = e.describe_rule(Name=sys.argv[1])
p = json.loads(r["EventPattern"]); p["detail"]["state"] = ["ERROR"]
e.put_rule(Name=sys.argv[1], EventPattern=json.dumps(p), State="ENABLED")
PY
calls_reset
run deploy4 deploy --plan "$T/saved3.json"
w=$(writes "$T/calls4.json")
if [ $rc = 1 ] && grep -q 'plan is stale' "$T/deploy4.err" && [ "$w" = 0 ]; then
	ok "alerts: a saved plan is refused when the rule changed since"
else
	nok "alerts: a saved plan is refused when the rule changed since" "$T/deploy4.out" "$T/deploy4.err"
fi
run deploy5 deploy
rule "$RULE" "$T/rule5.json"
if [ $rc = 0 ] && py "$T/rule5.json" 'd["pattern"]["detail"]["state"] == ["FAILED"]'; then
	ok "alerts: deploy restores the pattern changed by hand"
else
	nok "alerts: deploy restores the pattern changed by hand" "$T/deploy5.out" "$T/deploy5.err" "$T/rule5.json"
fi

# 7. a removed pipeline leaves the pattern
mv "$P/pipelines/clicks.pipe" "$T/clicks.pipe"
run deploy6 deploy
rule "$RULE" "$T/rule6.json"
if [ $rc = 0 ] && py "$T/rule6.json" 'd["pattern"]["detail"]["jobName"] == ["dev_customers", "dev_events", "dev_orders"]'; then
	ok "alerts: a removed pipeline's job leaves the pattern"
else
	nok "alerts: a removed pipeline's job leaves the pattern" "$T/deploy6.out" "$T/deploy6.err" "$T/rule6.json"
fi
mv "$T/clicks.pipe" "$P/pipelines/clicks.pipe"
run deploy6r deploy	# clicks back in the pattern

# 7b. a pipeline with `alerts off` is left out of the pattern
sed -i 's/^}$/  alerts off\n}/' "$P/pipelines/clicks.pipe"
run plan6b plan
run deploy6b deploy
rule "$RULE" "$T/rule6b.json"
if [ $rc = 0 ] && grep -qF 'EventPattern.detail.jobName: ["dev_clicks","dev_customers","dev_events","dev_orders"] -> ["dev_customers","dev_events","dev_orders"]' "$T/plan6b.out" &&
   py "$T/rule6b.json" 'd["pattern"]["detail"]["jobName"] == ["dev_customers", "dev_events", "dev_orders"]'; then
	ok "alerts: a pipeline with 'alerts off' is left out of the pattern"
else
	nok "alerts: a pipeline with 'alerts off' is left out of the pattern" "$T/plan6b.out" "$T/deploy6b.err" "$T/rule6b.json"
fi
sed -i '/^  alerts off$/d' "$P/pipelines/clicks.pipe"

# 8. alerts removed: left alone (and not read) without --prune, deleted with it
cp "$T/pipec.yaml.orig" "$P/pipec.yaml"
calls_reset
run plan7 plan
writes "$T/calls7.json" >/dev/null
run deploy7 deploy
rule "$RULE" "$T/rule7.json"
if ! grep -q "alert-rule" "$T/plan7.out" && [ $rc = 0 ] && ! grep -q 'events\.ListRules\|events\.ListTagsForResource' "$T/calls7.json" &&
   py "$T/rule7.json" '"missing" not in d'; then
	ok "alerts: without alerts and --prune the rules are left alone, without an EventBridge call"
else
	nok "alerts: without alerts and --prune the rules are left alone, without an EventBridge call" "$T/plan7.out" "$T/deploy7.out" "$T/rule7.json" "$T/calls7.json"
fi
run plan8 plan --prune
run saved8 plan --prune --out "$T/saved8.json"
run deploy8 deploy --plan "$T/saved8.json"
rule "$RULE" "$T/rule8.json"
rule "$DQRULE" "$T/dq8.json"
if grep -q "\- alert-rule $RULE (destroy)" "$T/plan8.out" && [ $rc = 0 ] &&
   py "$T/rule8.json" 'd == {"missing": True}' && py "$T/dq8.json" 'd == {"missing": True}'; then
	ok "alerts: a saved plan --prune deletes the rules (targets first)"
else
	nok "alerts: a saved plan --prune deletes the rules (targets first)" "$T/plan8.out" "$T/deploy8.out" "$T/deploy8.err" "$T/rule8.json"
fi

# 9. a rule of that name pipec does not own: refused, left untouched
python3 - "$RULE" <<'PY' >"$T/foreign.err" 2>&1
import boto3, sys
e = boto3.client("events")
e.put_rule(Name=sys.argv[1], EventPattern='{"source": ["aws.ec2"]}', State="ENABLED",
           Tags=[{"Key": "pipec:owner", "Value": "other/prod"}])
e.put_targets(Rule=sys.argv[1], Targets=[{"Id": "mine", "Arn": "arn:aws:sns:us-east-1:123456789012:theirs"}])
PY
rule "$RULE" "$T/foreign-before.json"
cat >>"$P/pipec.yaml" <<YAML
    alerts:
      topic: $TOPIC
YAML
run plan9 plan
rplan=$rc
run deploy9 deploy
rule "$RULE" "$T/foreign-after.json"
if [ $rplan = 1 ] && [ $rc = 1 ] &&
   grep -q "alert-rule '$RULE' exists but is not managed by project 'plantest' environment 'dev' (its owner: pipec:owner=other/prod)" "$T/plan9.out" "$T/plan9.err" "$T/deploy9.err" &&
   cmp -s "$T/foreign-before.json" "$T/foreign-after.json"; then
	ok "alerts: a rule of that name owned elsewhere is refused and left untouched"
else
	nok "alerts: a rule of that name owned elsewhere is refused and left untouched" "$T/plan9.out" "$T/plan9.err" "$T/deploy9.err" "$T/foreign-after.json"
fi

# 10. more job names than one pattern holds (4096 characters): split over
# rules -alerts, -alerts-2, ...; every pattern within the limit, every job in one
S="$T/split"
mkdir -p "$S/pipelines"
cat >"$S/pipec.yaml" <<YAML
project: big
environments:
  dev:
    region: us-east-1
    account: "123456789012"
    table_bucket: big-lake
    name_prefix: dev_
    alerts: { topic: "$TOPIC", data_quality: false }
YAML
i=0
while [ $i -lt 40 ]; do
	n=$(printf 'pipeline_%02d_%s' $i "$(printf '%0180d' 0 | tr 0 x)")
	printf 'pipeline %s {\n  source s3 "s3://big-raw/p%d/" { format json }\n  target s3tables big.p%d\n  columns {\n    id string required\n  }\n}\n' "$n" $i $i >"$S/pipelines/p$i.pipe"
	i=$((i + 1))
done
(cd "$S" && "$PIPEC" build --no-catalog -o "$T/split-build" .) >"$T/split.out" 2>&1
if python3 - "$T/split-build/alerts.json" >"$T/split.check" 2>&1 <<'PY'
import json, sys
rules = json.load(open(sys.argv[1]))["rules"]
names = [r["Name"] for r in rules]
assert names[0] == "dev_pipec-big-alerts" and names[1] == "dev_pipec-big-alerts-2", names
jobs = []
for r in rules:
    text = json.dumps(r["EventPattern"], separators=(",", ":"), sort_keys=True)
    assert len(text) <= 4096, (r["Name"], len(text))
    jobs += r["EventPattern"]["detail"]["jobName"]
assert len(jobs) == 40 and len(set(jobs)) == 40, len(jobs)
print(len(rules), "rules")
PY
then
	ok "alerts: job names beyond one pattern's 4096 characters are split over rules ($(cat "$T/split.check"))"
else
	nok "alerts: job names beyond one pattern's 4096 characters are split over rules" "$T/split.check" "$T/split.out"
fi

# 11. from a build directory (name_prefix not known): alerts.json is what
# is deployed; a second plan --from finds the rules and shows no change
python3 - "$RULE" <<'PY' >"$T/unforeign.err" 2>&1
import boto3, sys
e = boto3.client("events")
e.remove_targets(Rule=sys.argv[1], Ids=["mine"])
e.delete_rule(Name=sys.argv[1])
PY
(cd "$P" && "$PIPEC" build -o "$T/b11" .) >"$T/b11.err" 2>&1
run deploy11 deploy --from "$T/b11"
drc=$rc
run plan11 plan --from "$T/b11"
rule "$RULE" "$T/rule11.json"
if [ $drc = 0 ] && [ $rc = 0 ] && grep -q "^  created alert-rule $RULE$" "$T/deploy11.out" &&
   py "$T/rule11.json" 'd["tags"]["pipec:owner"] == "plantest/dev"'; then
	ok "alerts: deploy --from a build creates the rules of its alerts.json; plan --from then shows no change"
else
	nok "alerts: deploy --from a build creates the rules of its alerts.json; plan --from then shows no change" "$T/deploy11.out" "$T/deploy11.err" "$T/plan11.out" "$T/unforeign.err"
fi

# 12. a PutTargets answered 200 with a failed entry is a failed deploy, not a silent one
rm -f "$T/fp.port"
python3 "$ROOT/tests/tools/fault_proxy.py" 0 "$EP" --plan 'failentry@all/PutTargets' --log "$T/fp.log" \
	--port-file "$T/fp.port" --lifetime 300 2>"$T/fp.err" &
PIDS="$PIDS $!"
i=0
while [ ! -s "$T/fp.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sed -i 's/^      topic: .*/&\n      states: [ERROR]/' "$P/pipec.yaml"
run deploy12 deploy --endpoint-url "http://127.0.0.1:$(cat "$T/fp.port")"
frc=$rc
run deploy12b deploy
rule "$RULE" "$T/rule12.json"
if [ $frc = 1 ] && grep -q "update alert-rule '$RULE': PutTargets failed: target 'pipec-alerts': ValidationException: injected by fault_proxy" "$T/deploy12.err" &&
   [ $rc = 0 ] && py "$T/rule12.json" 'd["pattern"]["detail"]["state"] == ["ERROR"] and [t["Id"] for t in d["targets"]] == ["pipec-alerts"]'; then
	ok "alerts: a failed PutTargets entry fails the deploy (exit 1, named); the next deploy succeeds"
else
	nok "alerts: a failed PutTargets entry fails the deploy (exit 1, named); the next deploy succeeds" "$T/deploy12.out" "$T/deploy12.err" "$T/deploy12b.out" "$T/deploy12b.err" "$T/rule12.json"
fi
