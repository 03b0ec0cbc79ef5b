#!/bin/sh
# The medallion example (examples/medallion.pipe: bronze -> silver -> two
# gold tables, each layer reading the one below with 'source pipeline')
# planned and deployed against moto (SigV4 and IAM enforced, Glue bodies
# validated against botocore's model): every job, trigger and ruleset is
# created, each downstream trigger waits for its upstream job, boto3 reads
# back what the build holds, and a second plan has nothing to do.  Its jobs'
# rows are asserted by the behaviour case tests/behaviour/medallion.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=medallion
. "$ROOT/tests/tools/aws_suite.sh"
start_moto

P="$T/project"
mkdir -p "$P"
cp "$ROOT/examples/pipec.yaml" "$ROOT/examples/catalog.yaml" "$ROOT/examples/medallion.pipe" "$P/"
run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
python3 -c 'import boto3; boto3.client("s3", region_name="eu-west-1").create_bucket(Bucket="shop-dev-artifacts", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})' \
	>"$T/bucket.err" 2>&1 || nok "medallion: script bucket created" "$T/bucket.err"
export AWS_DEFAULT_REGION=eu-west-1

run plan1 plan --format json
if [ $rc -eq 2 ] && python3 - "$T/plan1.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
acts = sorted((c["kind"], c["name"], c["action"]) for c in d["changes"])
assert all(a == "create" for _, _, a in acts), acts
jobs = sorted(n for k, n, _ in acts if k == "job")
assert jobs == ["dev_customer_behavior", "dev_daily_sales", "dev_sales_bronze",
                "dev_sales_silver"], jobs
assert sum(k == "trigger" for k, _, _ in acts) == 4, acts
assert sum(k == "ruleset" for k, _, _ in acts) == 4, acts
PY
then ok "medallion: the first plan creates 4 jobs, 4 triggers and 4 rulesets (exit 2)"
else nok "medallion: the first plan creates 4 jobs, 4 triggers and 4 rulesets (exit 2)" "$T/plan1.out" "$T/plan1.err"; fi

run deploy1 deploy
if [ $rc -eq 0 ]; then ok "medallion: deploy succeeds"
else nok "medallion: deploy succeeds" "$T/deploy1.out" "$T/deploy1.err"; fi

(cd "$P" && "$PIPEC" build -o "$T/build" .) >"$T/build.err" 2>&1
if python3 "$ROOT/tests/deploy/landed.py" "$T/build" shop-lake dev >"$T/landed.out" 2>&1
then ok "medallion: boto3 reads back jobs, triggers, rulesets, tags and scripts equal to the build"
else nok "medallion: boto3 reads back jobs, triggers, rulesets, tags and scripts equal to the build" "$T/landed.out"; fi

if python3 - >"$T/chain.out" 2>&1 <<'PY'
import boto3
glue = boto3.client("glue")
want = {"dev_sales_silver-trigger": ("CONDITIONAL", ["dev_sales_bronze"]),
        "dev_daily_sales-trigger": ("CONDITIONAL", ["dev_sales_silver"]),
        "dev_customer_behavior-trigger": ("CONDITIONAL", ["dev_sales_silver"]),
        "dev_sales_bronze-trigger": ("SCHEDULED", [])}
for name, (kind, ups) in want.items():
    t = glue.get_trigger(Name=name)["Trigger"]
    got = [c["JobName"] for c in t.get("Predicate", {}).get("Conditions", [])
           if c.get("State") == "SUCCEEDED"]
    assert t["Type"] == kind and got == ups, (name, t)
    assert t["Actions"] == [{"JobName": name[:-len("-trigger")]}], t
PY
then ok "medallion: silver waits for bronze, both gold jobs for silver, bronze runs hourly"
else nok "medallion: silver waits for bronze, both gold jobs for silver, bronze runs hourly" "$T/chain.out"; fi

run plan2 plan
if [ $rc -eq 0 ] && grep -q '^No changes.' "$T/plan2.out"
then ok "medallion: a plan after the deploy has no changes (exit 0)"
else nok "medallion: a plan after the deploy has no changes (exit 0)" "$T/plan2.out" "$T/plan2.err"; fi
