#!/bin/sh
# plan and deploy end to end against moto (tests/tools/moto_auth.sh: moto_plus
# with SigV4 and IAM enforced, Glue bodies validated against botocore's model,
# an API-call counter): plan (all create) -> deploy -> plan (no changes, calls
# counted) -> edit a .pipe -> plan shows exactly that change -> deploy ->
# prune a removed pipeline; saved plans and stale ones; ownership; a wrong
# secret; boto3 reads back what landed.  Servers on 127.0.0.1, stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=deploy-moto
. "$ROOT/tests/tools/aws_suite.sh"
start_moto
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
    and kinds.count("file") == 1 and kinds.count("workflow") == 2 and kinds.count("event-rule") == 1, kinds
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
# STS GetCallerIdentity (the account guard), ListJobs, ListTriggers,
# ListDataQualityRulesets, BatchGetJobs, BatchGetTriggers,
# BatchGetWorkflows, DescribeRule, GetTags (each of the two workflows:
# clicks' S3-event one and the events -> orders chain's); the ruleset's
# marker matches: no GetDataQualityRuleset
if [ $rc -eq 0 ] && grep -q '^No changes.' "$T/plan2.out" && [ "$1" -le 10 ] && [ "$2" -eq 0 ] &&
   ! grep -q GetDataQualityRuleset "$T/calls-plan2.json"
then ok "deploy-moto: unchanged project plans clean (exit 0) in $1 calls"
else nok "deploy-moto: unchanged project plans clean (exit 0) in $1 calls (want <= 10: STS GetCallerIdentity (the account guard) and 9 reads, 0 writes, no Get of the ruleset)" "$T/plan2.out" "$T/plan2.err" "$T/calls-plan2.json"; fi
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
# the live tag holds the spec encoded (days=28order_ts=29); the warning decodes it
text = json.dumps(d["warnings"])
assert "[days(order_ts)]" in text and "=28" not in text, d["warnings"]
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
g.create_job(Name="dev_rival", Role="arn:aws:iam::123456789012:role/r", Command=cmd,
             Tags={"pipec:project": "other", "pipec:environment": "dev", "pipec:owner": "other/dev"})
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

pipeline rival {
  source s3 "s3://${raw_bucket}/rival/" { format json }
  target s3tables analytics.rival
  columns {
    id string
  }
  schedule on demand
}
PIPE
run plan7 plan
if [ $rc -eq 1 ] && grep -q "job 'dev_intruder' exists but is not managed by project 'plantest' environment 'dev' (it has no pipec:owner tag)" "$T/plan7.err"
then ok "deploy-moto: a desired name owned by nobody here is an error, not a takeover"
else nok "deploy-moto: a desired name owned by nobody here is an error, not a takeover" "$T/plan7.out" "$T/plan7.err"; fi
if [ $rc -eq 1 ] && grep -q "job 'dev_rival' exists but is not managed by project 'plantest' environment 'dev' (its owner: pipec:owner=other/dev)" "$T/plan7.err"
then ok "deploy-moto: a desired name another project owns is an error naming that project and environment"
else nok "deploy-moto: a desired name another project owns is an error naming that project and environment" "$T/plan7.out" "$T/plan7.err"; fi
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

# opcount FILE OP: how many OP calls (e.g. glue.GetDataQualityRuleset) a saved counter holds
opcount() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["calls"].get(sys.argv[2], 0))' "$1" "$2"; }

# 9. validating pipelines: rulesets whose Description carries the desired
# content marker are not read again; only a changed one is
i=1
while [ $i -le 12 ]; do
	cat >"$P/pipelines/v$i.pipe" <<PIPE
pipeline v$i {
  source s3 "s3://\${raw_bucket}/v$i/" { format json }
  target s3tables analytics.v$i
  columns {
    id string required
  }
  schedule every 1h
  validate {
    not_null id
    row_count > $i
  }
}
PIPE
	i=$((i + 1))
done
calls_reset
run vplan1 plan
set -- $(calls "$T/calls-vplan1.json")
# 12 rulesets not listed as owned: one listing of every ruleset instead of 12 Gets
if [ $rc -eq 2 ] && [ "$(opcount "$T/calls-vplan1.json" glue.GetDataQualityRuleset)" -eq 0 ] &&
   [ "$(opcount "$T/calls-vplan1.json" glue.ListDataQualityRulesets)" -eq 2 ] &&
   [ "$(grep -c '^  + ruleset dev_v[0-9]*-ruleset (create)$' "$T/vplan1.out")" -eq 12 ]
then ok "deploy-moto: 12 new validating pipelines plan their rulesets without a Get each"
else nok "deploy-moto: 12 new validating pipelines plan their rulesets without a Get each" "$T/vplan1.out" "$T/vplan1.err" "$T/calls-vplan1.json"; fi
run vdeploy1 deploy
calls_reset
run vplan2 plan
set -- $(calls "$T/calls-vplan2.json")
if [ $rc -eq 0 ] && grep -q '^No changes.' "$T/vplan2.out" && [ "$1" -le 10 ] && [ "$2" -eq 0 ] &&
   [ "$(opcount "$T/calls-vplan2.json" glue.GetDataQualityRuleset)" -eq 0 ] &&
   [ "$(opcount "$T/calls-vplan2.json" glue.ListDataQualityRulesets)" -eq 1 ]
then ok "deploy-moto: 13 validating pipelines unchanged: $1 calls, no GetDataQualityRuleset"
else nok "deploy-moto: 13 validating pipelines unchanged: $1 calls, no GetDataQualityRuleset (want <= 10, the account guard included)" "$T/vplan2.out" "$T/vplan2.err" "$T/calls-vplan2.json"; fi
sed -i 's/row_count > 7$/row_count > 70/' "$P/pipelines/v7.pipe"
calls_reset
run vplan3 plan --format json
set -- $(calls "$T/calls-vplan3.json")
if [ $rc -eq 2 ] && [ "$(opcount "$T/calls-vplan3.json" glue.GetDataQualityRuleset)" -eq 1 ] && python3 - "$T/vplan3.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
assert [(c["kind"], c["name"], c["action"]) for c in ch] == \
    [("job", "dev_v7", "update"), ("ruleset", "dev_v7-ruleset", "update")], ch
rs = ch[1]
# the field diff comes from the one Get; the marker is not shown as a field
assert [(f["path"], f["old"], f["new"]) for f in rs["fields"]] == \
    [("Ruleset", 'Rules = [\n    IsComplete "id",\n    RowCount > 7\n]',
      'Rules = [\n    IsComplete "id",\n    RowCount > 70\n]')], rs["fields"]
assert rs["desired"]["Description"].endswith("]") and "[pipec:sha256=" in rs["desired"]["Description"]
assert rs["deployed"]["Description"] != rs["desired"]["Description"]
PY
then ok "deploy-moto: an edited rule reads only its own ruleset and shows the Ruleset diff"
else nok "deploy-moto: an edited rule reads only its own ruleset and shows the Ruleset diff" "$T/vplan3.out" "$T/vplan3.err" "$T/calls-vplan3.json"; fi
run vdeploy2 deploy
run vplan4 plan
python3 - >"$T/vrules.out" 2>&1 <<'PY'
import boto3
g = boto3.client("glue")
r = g.get_data_quality_ruleset(Name="dev_v7-ruleset")
assert "RowCount > 70" in r["Ruleset"], r["Ruleset"]
h = g.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:dataQualityRuleset/dev_v7-ruleset")["Tags"]["pipec:hash"]
assert r["Description"].endswith(" [pipec:sha256=%s]" % h[:16]), r["Description"]
PY
if [ $rc -eq 0 ] && [ ! -s "$T/vrules.out" ]
then ok "deploy-moto: the update landed with the new marker (the hash tag's prefix) and the plan is clean"
else nok "deploy-moto: the update landed with the new marker (the hash tag's prefix) and the plan is clean" "$T/vplan4.out" "$T/vrules.out"; fi

# a ruleset changed outside pipec, Description marker removed: read and rewritten
python3 - >"$T/vtamper.err" 2>&1 <<'PY'
import boto3
g = boto3.client("glue")
g.update_data_quality_ruleset(Name="dev_v3-ruleset", Description="edited by hand",
                              Ruleset='Rules = [ RowCount > 0 ]')
PY
calls_reset
run vplan5 plan --format json
set -- $(calls "$T/calls-vplan5.json")
if [ $rc -eq 2 ] && [ "$(opcount "$T/calls-vplan5.json" glue.GetDataQualityRuleset)" -eq 1 ] &&
   python3 - "$T/vplan5.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
assert [(c["kind"], c["name"]) for c in ch] == [("ruleset", "dev_v3-ruleset")], ch
assert sorted(f["path"] for f in ch[0]["fields"]) == ["Description", "Ruleset"], ch[0]["fields"]
assert [f["old"] for f in ch[0]["fields"] if f["path"] == "Description"] == ["edited by hand"]
PY
then ok "deploy-moto: a ruleset edited outside pipec is read and planned back"
else nok "deploy-moto: a ruleset edited outside pipec is read and planned back" "$T/vplan5.out" "$T/vplan5.err"; fi
run vdeploy3 deploy
run vplan6 plan
if [ $rc -eq 0 ]; then ok "deploy-moto: clean after restoring it"
else nok "deploy-moto: clean after restoring it" "$T/vplan6.out" "$T/vplan6.err"; fi
rm -f "$P"/pipelines/v*.pipe
run vprune deploy --prune
run vplan7 plan --prune
if [ $rc -eq 0 ] && python3 -c 'import boto3, sys; sys.exit(any(r["Name"].startswith("dev_v") for r in boto3.client("glue").list_data_quality_rulesets()["Rulesets"]))'
then ok "deploy-moto: removed validating pipelines prune their rulesets"
else nok "deploy-moto: removed validating pipelines prune their rulesets" "$T/vprune.out" "$T/vprune.err" "$T/vplan7.out"; fi

# a description at Glue's limit: the declared text is cut (on a character
# boundary) so that text and marker fit in 2048; the plan stays clean
python3 - "$P/pipelines/longdesc.pipe" <<'PY'
import sys
desc = "a" + "é" * 1019          # 2039 bytes: byte 2016 falls inside a character
open(sys.argv[1], "w").write('''pipeline longdesc {
  description "%s"
  source s3 "s3://${raw_bucket}/longdesc/" { format json }
  target s3tables analytics.longdesc
  columns {
    id string required
  }
  schedule on demand
}
''' % desc)
PY
run ldeploy deploy
run lplan plan
python3 - >"$T/longdesc.out" 2>&1 <<'PY'
import boto3
g = boto3.client("glue")
d = g.get_job(JobName="dev_longdesc")["Job"]["Description"]
h = g.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:job/dev_longdesc")["Tags"]["pipec:hash"]
want = ("a" + "é" * 1007) + " [pipec:sha256=%s]" % h[:16]
assert d == want, (len(d.encode()), d[-40:])
assert len(d.encode()) <= 2048
PY
if [ $rc -eq 0 ] && [ ! -s "$T/longdesc.out" ]
then ok "deploy-moto: a 2039-byte description is cut on a character boundary to fit the marker; plan clean"
else nok "deploy-moto: a 2039-byte description is cut on a character boundary to fit the marker; plan clean" "$T/ldeploy.out" "$T/ldeploy.err" "$T/lplan.out" "$T/longdesc.out"; fi
rm "$P/pipelines/longdesc.pipe"
run ldeploy2 deploy --prune

# 10. a tag edited in pipec.yaml is seen without --against (the marker hashes the tags)
cp "$P/pipec.yaml" "$T/pipec.yaml.saved"
sed -i 's/tags: { team: data }/tags: { team: platform }/' "$P/pipec.yaml"
calls_reset
run tplan1 plan --format json
set -- $(calls "$T/calls-tplan1.json")
if [ $rc -eq 2 ] && python3 - "$T/tplan1.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
kinds = sorted(c["kind"] for c in ch)
assert kinds == ["job"] * 3 + ["ruleset"] + ["trigger"] * 3 + ["workflow"] * 2, kinds
for c in ch:
    assert c["action"] == "update" and c["tags_changed"], c
    assert [(f["path"], f.get("old"), f.get("new")) for f in c["fields"]] == \
        [("Tags.team", "data", "platform")], (c["name"], c["fields"])
PY
then ok "deploy-moto: a tag-only edit in pipec.yaml plans Tags.team on every resource (live, $1 calls)"
else nok "deploy-moto: a tag-only edit in pipec.yaml plans Tags.team on every resource (live, $1 calls)" "$T/tplan1.out" "$T/tplan1.err"; fi
calls_reset
run tdeploy1 deploy
set -- $(calls "$T/calls-tdeploy1.json")
(cd "$P" && "$PIPEC" build -o "$T/build3" .) >"$T/build3.err" 2>&1
if [ $rc -eq 0 ] && [ "$(opcount "$T/calls-tdeploy1.json" glue.TagResource)" -eq 9 ] &&
   [ "$(opcount "$T/calls-tdeploy1.json" glue.CreateJob)" -eq 0 ] &&
   python3 "$ROOT/tests/deploy/landed.py" "$T/build3" plantest dev >"$T/landed3.out" 2>&1
then ok "deploy-moto: the tag edit landed (TagResource on each, markers rewritten)"
else nok "deploy-moto: the tag edit landed (TagResource on each, markers rewritten)" "$T/tdeploy1.out" "$T/tdeploy1.err" "$T/landed3.out" "$T/calls-tdeploy1.json"; fi
run tplan2 plan
if [ $rc -eq 0 ]; then ok "deploy-moto: clean after the tag edit"
else nok "deploy-moto: clean after the tag edit" "$T/tplan2.out" "$T/tplan2.err"; fi
cp "$T/pipec.yaml.saved" "$P/pipec.yaml"
run tdeploy2 deploy

# 11. a tag changed outside pipec: seen only with --refresh-tags (GetTags of everything owned)
python3 - >"$T/ttamper.err" 2>&1 <<'PY'
import boto3
boto3.client("glue").tag_resource(ResourceArn="arn:aws:glue:us-east-1:123456789012:job/dev_events",
                                  TagsToAdd={"team": "hijacked"})
PY
run rplan1 plan
calls_reset
run rplan2 plan --refresh-tags --format json --out "$T/refresh.json"
set -- $(calls "$T/calls-rplan2.json")
if [ $rc -eq 2 ] && [ "$(opcount "$T/calls-rplan2.json" glue.GetTags)" -ge 8 ] && python3 - "$T/rplan2.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
assert [(c["kind"], c["name"], [(f["path"], f["old"], f["new"]) for f in c["fields"]]) for c in ch] == \
    [("job", "dev_events", [("Tags.team", "hijacked", "data")])], ch
assert d["refresh_tags"] is True
PY
then ok "deploy-moto: plan --refresh-tags sees a tag edited outside pipec ($(opcount "$T/calls-rplan2.json" glue.GetTags) GetTags)"
else nok "deploy-moto: plan --refresh-tags sees a tag edited outside pipec" "$T/rplan2.out" "$T/rplan2.err" "$T/calls-rplan2.json"; fi
# without the option that drift is not read (documented): no changes
if grep -q '^No changes.' "$T/rplan1.out"; then ok "deploy-moto: without --refresh-tags an outside tag edit is not read"
else nok "deploy-moto: without --refresh-tags an outside tag edit is not read" "$T/rplan1.out"; fi
run rdeploy deploy --plan "$T/refresh.json"
run rplan3 plan --refresh-tags
t=$(python3 -c 'import boto3; print(boto3.client("glue").get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:job/dev_events")["Tags"]["team"])')
if [ $rc -eq 0 ] && [ "$t" = data ] && grep -q '^  updated job dev_events$' "$T/rdeploy.out"
then ok "deploy-moto: deploy --plan of a refresh-tags plan restores the tag"
else nok "deploy-moto: deploy --plan of a refresh-tags plan restores the tag (team=$t)" "$T/rdeploy.out" "$T/rdeploy.err" "$T/rplan3.out"; fi

# a trigger deployed without the marker (by an earlier pipec): one update writes it
python3 - >"$T/nomarker.err" 2>&1 <<'PY'
import boto3
boto3.client("glue").update_trigger(Name="dev_events-trigger",
                                    TriggerUpdate={"Description": "schedule of the pipeline"})
PY
run mplan1 plan --format json
if [ $rc -eq 2 ] && python3 - "$T/mplan1.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
assert [(c["kind"], c["name"], c["action"], c["fields"], c.get("note")) for c in ch] == \
    [("trigger", "dev_events-trigger", "update", [],
      "only pipec's content marker in the description changes")], ch
PY
then ok "deploy-moto: a description without the marker is an update with a note, no field"
else nok "deploy-moto: a description without the marker is an update with a note, no field" "$T/mplan1.out" "$T/mplan1.err" "$T/nomarker.err"; fi
calls_reset
run mdeploy deploy
set -- $(calls "$T/calls-mdeploy.json")
run mplan2 plan
if [ $rc -eq 0 ] && [ "$(opcount "$T/calls-mdeploy.json" glue.UpdateTrigger)" -eq 1 ]
then ok "deploy-moto: deploy writes the marker with UpdateTrigger; clean again"
else nok "deploy-moto: deploy writes the marker with UpdateTrigger; clean again" "$T/mdeploy.out" "$T/mplan2.out" "$T/calls-mdeploy.json"; fi

# 13. an S3-event key filter: only the EventBridge rule pipec owns changes
cp "$P/pipelines/clicks.pipe" "$T/clicks.pipe.orig"
sed 's|schedule on s3 event { batch 10; window 5m }|schedule on s3 event { batch 10; window 5m; suffix "/manifest.json" }|' \
	"$T/clicks.pipe.orig" >"$P/pipelines/clicks.pipe"
run kplan1 plan --format json
if [ $rc -eq 2 ] && python3 - "$T/kplan1.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [(c["kind"], c["name"], c["action"]) for c in d["changes"] if c["action"] != "unchanged"]
assert ch == [("event-rule", "dev_clicks-s3-event", "update")], ch
PY
then ok "deploy-moto: a suffix on the S3-event schedule updates only its event rule"
else nok "deploy-moto: a suffix on the S3-event schedule updates only its event rule" "$T/kplan1.out" "$T/kplan1.err"; fi
run kdeploy deploy
python3 - >"$T/kpattern.out" 2>&1 <<'PY'
import json
import boto3
rule = boto3.client("events").describe_rule(Name="dev_clicks-s3-event")
key = json.loads(rule["EventPattern"])["detail"]["object"]["key"]
assert key == [{"wildcard": "clicks/*/manifest.json"}, "clicks/manifest.json"], key
PY
run kplan2 plan
if [ $rc -eq 0 ] && [ ! -s "$T/kpattern.out" ]
then ok "deploy-moto: deploy lands the key filter (wildcard and exact key); clean again"
else nok "deploy-moto: deploy lands the key filter (wildcard and exact key); clean again" "$T/kdeploy.out" "$T/kdeploy.err" "$T/kpattern.out" "$T/kplan2.out"; fi
cp "$T/clicks.pipe.orig" "$P/pipelines/clicks.pipe"
run kdeploy2 deploy

# 12. a removed S3-event pipeline: prune finds its workflow and EventBridge rule
python3 - >"$T/foreignwf.err" 2>&1 <<'PY'
import boto3
g = boto3.client("glue")
ev = boto3.client("events")
g.create_workflow(Name="dev_lookalike-workflow", Description="not pipec's")
g.create_workflow(Name="dev_otherproj-workflow", Tags={"pipec:project": "other", "pipec:environment": "dev",
                                                       "pipec:owner": "other/dev"})
ev.put_rule(Name="dev_lookalike-s3-event", EventPattern='{"source": ["aws.s3"]}')
ev.put_targets(Rule="dev_lookalike-s3-event", Targets=[{"Id": "x", "Arn": "arn:aws:glue:us-east-1:123456789012:workflow/dev_lookalike-workflow"}])
PY
cat >"$P/pipelines/late.pipe" <<'PIPE'
pipeline late {
  source s3 "s3://${raw_bucket}/late/" { format json }
  target s3tables analytics.late
  columns {
    id string required
  }
  schedule on s3 event { batch 5; window 2m }
}
PIPE
run edeploy1 deploy
rm "$P/pipelines/clicks.pipe" "$P/pipelines/late.pipe"
# a deploy killed half way through a prune: late's trigger and job are gone, its workflow and rule remain
python3 - >"$T/halfprune.err" 2>&1 <<'PY'
import boto3
g = boto3.client("glue")
g.delete_trigger(Name="dev_late-trigger")
g.delete_job(JobName="dev_late")
PY
run eplan1 plan --prune --format json
if [ $rc -eq 2 ] && [ ! -s "$T/foreignwf.err" ] && [ ! -s "$T/halfprune.err" ] && python3 - "$T/eplan1.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = sorted((c["kind"], c["name"], c["action"], c["pipeline"]) for c in d["changes"] if c["action"] != "unchanged")
assert ch == [("event-rule", "dev_clicks-s3-event", "destroy", "clicks"),
              ("event-rule", "dev_late-s3-event", "destroy", "late"),
              ("job", "dev_clicks", "destroy", "clicks"),
              ("trigger", "dev_clicks-trigger", "destroy", "clicks"),
              ("workflow", "dev_clicks-workflow", "destroy", "clicks"),
              ("workflow", "dev_late-workflow", "destroy", "late")], ch
PY
then ok "deploy-moto: plan --prune destroys a removed S3-event pipeline's workflow and rule, also when its trigger is already gone"
else nok "deploy-moto: plan --prune destroys a removed S3-event pipeline's workflow and rule, also when its trigger is already gone" "$T/eplan1.out" "$T/eplan1.err" "$T/foreignwf.err" "$T/halfprune.err"; fi
run eplan2 plan --format json
if [ $rc -eq 0 ] && python3 - "$T/eplan2.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kept = sorted((c["kind"], c["name"]) for c in d["changes"] if c["action"] == "keep")
assert kept == [("event-rule", "dev_clicks-s3-event"), ("job", "dev_clicks"),
                ("trigger", "dev_clicks-trigger"), ("workflow", "dev_clicks-workflow")], kept
PY
then ok "deploy-moto: without --prune the removed pipeline's workflow and rule are kept (found through its trigger)"
else nok "deploy-moto: without --prune the removed pipeline's workflow and rule are kept (found through its trigger)" "$T/eplan2.out" "$T/eplan2.err"; fi
run edeploy2 deploy --prune
python3 - >"$T/epruned.out" 2>&1 <<'PY'
import boto3
g = boto3.client("glue")
ev = boto3.client("events")
wfs = set(g.list_workflows()["Workflows"])
assert not {"dev_clicks-workflow", "dev_late-workflow"} & wfs, wfs
assert {"dev_lookalike-workflow", "dev_otherproj-workflow"} <= wfs, wfs
rules = {r["Name"] for r in ev.list_rules()["Rules"]}
assert not {"dev_clicks-s3-event", "dev_late-s3-event"} & rules, rules
assert "dev_lookalike-s3-event" in rules, rules
assert len(ev.list_targets_by_rule(Rule="dev_lookalike-s3-event")["Targets"]) == 1
trig = set(g.list_triggers()["TriggerNames"])
assert not {"dev_clicks-trigger", "dev_late-trigger"} & trig, trig
assert "dev_clicks" not in g.list_jobs()["JobNames"]
PY
if [ $rc -eq 0 ] && [ ! -s "$T/epruned.out" ]
then ok "deploy-moto: deploy --prune leaves no workflow, rule or trigger of them; foreign look-alikes untouched"
else nok "deploy-moto: deploy --prune leaves no workflow, rule or trigger of them; foreign look-alikes untouched" "$T/edeploy2.out" "$T/edeploy2.err" "$T/epruned.out"; fi
run eplan3 plan --prune
if [ $rc -eq 0 ]; then ok "deploy-moto: clean after pruning the S3-event pipelines"
else nok "deploy-moto: clean after pruning the S3-event pipelines" "$T/eplan3.out" "$T/eplan3.err"; fi

# 8. credentials: a wrong secret fails clearly; --verbose never shows the secret
AWS_SECRET_ACCESS_KEY="${SK}x" run badsecret plan
if [ $rc -eq 1 ] && grep -q 'credentials were rejected' "$T/badsecret.err" && grep -q 'SignatureDoesNotMatch' "$T/badsecret.err"
then ok "deploy-moto: a wrong secret fails with a clear auth error"
else nok "deploy-moto: a wrong secret fails with a clear auth error" "$T/badsecret.err"; fi
AWS_SECRET_ACCESS_KEY="${SK}x" run baddeploy deploy
if [ $rc -eq 1 ] && [ "$(sed -n '/^pipec: error/,$p' "$T/baddeploy.err" | grep '^help:')" = "help: check the access key and secret (or the profile) pipec is using; running again with them cannot help" ]
then ok "deploy-moto: a deploy with a wrong secret says to check the credentials, not to run again"
else nok "deploy-moto: a deploy with a wrong secret says to check the credentials, not to run again" "$T/baddeploy.err"; fi
run verbose plan --verbose
if [ $rc -eq 0 ] && grep -qi 'ListJobs' "$T/verbose.err"; then ok "deploy-moto: --verbose traces the requests"
else nok "deploy-moto: --verbose traces the requests" "$T/verbose.err"; fi
if grep -qF "$SK" "$ALL" || grep -rqF "$SK" "$T"/*.json 2>/dev/null
then nok "deploy-moto: no credential value in any output, trace or saved plan"
else ok "deploy-moto: no credential value in any output, trace or saved plan"; fi
