#!/bin/sh
# pipec iam-policy: the documents are well formed, every action is real
# (botocore's service models; cfn-lint's IAM checks on a template embedding
# them), the deployer's covers every operation plan, deploy, deploy --prune
# and catalog pull send to moto (tests/tools/moto_auth.sh counts them), and
# a policy missing one of those actions fails that check.  Scoping: the
# environment's name_prefix, exact names and a note without one.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=iam-policy
. "$ROOT/tests/tools/aws_suite.sh"
CHECK="$ROOT/tests/tools/iam_check.py"

run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}

P="$T/project"
cp -r "$ROOT/tests/plan/project" "$P"
# failure alerts to an existing topic (docs/alerts.md), removed before the prune below
printf '    alerts:\n      topic: arn:aws:sns:us-east-1:123456789012:alerts\n' >>"$P/pipec.yaml"

# 1. the documents
run deployer iam-policy
d_rc=$rc
run deployer2 iam-policy --for deployer
run job iam-policy --for job
if [ $d_rc -eq 0 ] && [ $rc -eq 0 ] && cmp -s "$T/deployer.out" "$T/deployer2.out" &&
   python3 "$CHECK" actions "$T/deployer.out" "$T/job.out" >"$T/actions.out" 2>&1
then ok "iam-policy: deployer (the default) and job documents are well formed, every action real"
else nok "iam-policy: deployer (the default) and job documents are well formed, every action real" "$T/actions.out" "$T/deployer.err" "$T/job.err"; fi

python3 - "$T/deployer.out" >"$T/scope.out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
st = {s["Sid"]: s for s in d["Statement"]}
A = "arn:aws:glue:us-east-1:123456789012:"
assert st["GlueJobs"]["Resource"] == [A + "job/dev_*"], st["GlueJobs"]
assert st["GlueTriggers"]["Resource"] == [A + "trigger/dev_*"]
assert st["GlueWorkflows"]["Resource"] == [A + "workflow/dev_*"]
assert st["GlueDataQualityRulesets"]["Resource"] == [A + "dataQualityRuleset/dev_*"]
assert st["EventBridgeRules"]["Resource"] == ["arn:aws:events:us-east-1:123456789012:rule/dev_*"]
assert st["GlueList"]["Resource"] == ["*"]
assert all(a.startswith("glue:List") for a in st["GlueList"]["Action"])
assert st["EventBridgeList"]["Action"] == ["events:ListRules"]
assert st["EventBridgeAlertRules"]["Resource"] == ["arn:aws:events:us-east-1:123456789012:rule/dev_pipec-plantest-*"]
for s in d["Statement"]:
    if s["Resource"] == ["*"]:
        assert s["Sid"] in ("GlueList", "EventBridgeList"), s
pj = st["PassJobRoles"]
assert pj["Resource"] == ["arn:aws:iam::123456789012:role/pipec-glue-dev"]
assert pj["Condition"] == {"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}}
pe = st["PassEventsRole"]
assert pe["Resource"] == ["arn:aws:iam::123456789012:role/pipec-events-dev"]
assert pe["Condition"] == {"StringEquals": {"iam:PassedToService": "events.amazonaws.com"}}
assert "arn:aws:s3:::plantest-artifacts/pipec/*" in st["ScriptsAndFiles"]["Resource"]
assert A + "database/lake" in st["CatalogPull"]["Resource"]
assert A + "table/lake/*" in st["CatalogPull"]["Resource"]
PY
if [ $? -eq 0 ]; then ok "iam-policy: deployer resources scoped by name_prefix; PassRole per service; '*' only for Glue List* and EventBridge ListRules"
else nok "iam-policy: deployer resources scoped by name_prefix; PassRole per service; '*' only for Glue List* and EventBridge ListRules" "$T/scope.out"; fi

python3 - "$T/job.out" >"$T/jobscope.out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
st = {s["Sid"]: s for s in d["Statement"]}
assert "arn:aws:s3:::plantest-raw/orders/*" in st["ReadSources"]["Resource"]
assert st["ListBucketPlantestRaw"]["Condition"] == \
    {"StringLike": {"s3:prefix": ["clicks/*", "events/*", "orders/*"]}}
assert "arn:aws:s3:::plantest-lake/orders/*" in st["WriteTargets"]["Resource"]
assert "s3:DeleteObject" in st["WriteTargets"]["Action"]
assert "arn:aws:glue:us-east-1:123456789012:table/lake/orders" in st["CatalogWriteTargets"]["Resource"]
assert "glue:UpdateTable" in st["CatalogWriteTargets"]["Action"]
assert st["S3TablesTargets"]["Resource"][0] == "arn:aws:s3tables:us-east-1:123456789012:bucket/plantest-lake"
assert st["GlueLogs"]["Resource"] == ["arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/*"]
assert "PublishDataQuality" in st
assert all(r.startswith("arn:aws:s3:::plantest-artifacts/pipec/scripts/") for r in st["ReadScripts"]["Resource"])
PY
if [ $? -eq 0 ]; then ok "iam-policy: job role reads sources and scripts, writes targets and their tables, logs, publishes DQ"
else nok "iam-policy: job role reads sources and scripts, writes targets and their tables, logs, publishes DQ" "$T/jobscope.out"; fi

# 2. cfn-lint validates the documents as AWS::IAM::ManagedPolicy (and fails a broken one)
if command -v cfn-lint >/dev/null 2>&1; then
	python3 "$CHECK" cfn "$T/template.json" "$T/deployer.out" "$T/job.out"
	if cfn-lint "$T/template.json" >"$T/cfn.out" 2>&1
	then ok "iam-policy: cfn-lint passes both policies as AWS::IAM::ManagedPolicy"
	else nok "iam-policy: cfn-lint passes both policies as AWS::IAM::ManagedPolicy" "$T/cfn.out"; fi
	sed 's/"glue:CreateJob"/"glue:CreateJobs"/' "$T/deployer.out" >"$T/typo.json"
	python3 "$CHECK" cfn "$T/template-typo.json" "$T/typo.json"
	if ! cfn-lint "$T/template-typo.json" >"$T/cfn-typo.out" 2>&1 && grep -qi createjobs "$T/cfn-typo.out" &&
	   ! python3 "$CHECK" actions "$T/typo.json" >"$T/typo.out" 2>&1 && grep -q CreateJobs "$T/typo.out"
	then ok "iam-policy: a misspelt action fails cfn-lint and the botocore check"
	else nok "iam-policy: a misspelt action fails cfn-lint and the botocore check" "$T/cfn-typo.out" "$T/typo.out"; fi
else
	echo "not ok iam-policy: cfn-lint is not installed"
fi

# 3. usage and the note without a name_prefix
run badfor iam-policy --for admin
if [ $rc -eq 2 ] && grep -q "deployer, job, validator or operator" "$T/badfor.err" && [ ! -s "$T/badfor.out" ]
then ok "iam-policy: --for admin is a usage error (exit 2)"
else nok "iam-policy: --for admin is a usage error (exit 2)" "$T/badfor.err"; fi
run badopt iam-policy --bogus
if [ $rc -eq 2 ]; then ok "iam-policy: an unknown option is a usage error (exit 2)"
else nok "iam-policy: an unknown option is a usage error (exit 2)" "$T/badopt.err"; fi
"$PIPEC" iam-policy --help >"$T/help.out" 2>&1
if [ $? -eq 0 ] && grep -q '^usage: pipec iam-policy' "$T/help.out" && "$PIPEC" --help | grep -q '^  iam-policy '
then ok "iam-policy: --help and the command list"
else nok "iam-policy: --help and the command list" "$T/help.out"; fi

BAD="$T/bad"
cp -r "$ROOT/tests/plan/project" "$BAD"
printf 'pipeline broken {\n  source s3 "not-a-url" { format json }\n}\n' >"$BAD/pipelines/broken.pipe"
(cd "$BAD" && "$PIPEC" iam-policy) >"$T/bad.out" 2>"$T/bad.err"
if [ $? -eq 1 ] && [ ! -s "$T/bad.out" ] && grep -q 'error' "$T/bad.err"
then ok "iam-policy: a project with errors prints no policy (exit 1, diagnostics on stderr)"
else nok "iam-policy: a project with errors prints no policy (exit 1, diagnostics on stderr)" "$T/bad.out" "$T/bad.err"; fi

NP="$T/noprefix"
cp -r "$ROOT/tests/plan/project" "$NP"
sed -i '/name_prefix:/d' "$NP/pipec.yaml"
(cd "$NP" && "$PIPEC" iam-policy) >"$T/np.out" 2>"$T/np.err"
if [ $? -eq 0 ] && grep -q 'no name_prefix' "$T/np.err" && grep -q 'set name_prefix' "$T/np.err" &&
   python3 - "$T/np.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
st = {s["Sid"]: s for s in d["Statement"]}
A = "arn:aws:glue:us-east-1:123456789012:"
assert st["GlueJobs"]["Resource"] == [A + "job/" + n for n in ("clicks", "customers", "events", "orders")], st["GlueJobs"]
assert st["GlueDataQualityRulesets"]["Resource"] == [A + "dataQualityRuleset/orders-ruleset"]
assert st["EventBridgeRules"]["Resource"] == ["arn:aws:events:us-east-1:123456789012:rule/clicks-s3-event"]
assert not any("*" in r for s in d["Statement"] if s["Sid"].startswith("Glue") and s["Sid"] != "GlueList"
               for r in s["Resource"])
PY
then ok "iam-policy: without name_prefix exact names, and a note on stderr about pruning"
else nok "iam-policy: without name_prefix exact names, and a note on stderr about pruning" "$T/np.out" "$T/np.err"; fi

# the job role's policy covers what the generated jobs touch: each job runs
# on the stand-in (tests/tools/run_job.py, first and incremental runs) and
# every S3 object, listing (with its prefix) and catalog table of its trace
# must be allowed, resource by resource
(cd "$P" && "$PIPEC" build -o "$T/build" .) >"$T/build.err" 2>&1
mkdir -p "$T/traces"
for spec in 'orders:["order_id:bigint","customer_id:bigint","order_ts:timestamp","updated_at:timestamp"]' \
	'customers:["id:int","name:string"]' 'clicks:["id:string"]' \
	'events:["event_id:string","user_id:string","timestamp:timestamp"]'; do
	pl=${spec%%:*}
	for r in first-run incremental; do
		python3 "$ROOT/tests/tools/run_job.py" "$T/build" "$pl" "--$r" --schema "{\"*\": ${spec#*:}}" \
			--trace-only >"$T/traces/$pl-$r.json" 2>>"$T/traces.err"
	done
done
if python3 "$CHECK" job-covers "$T/job.out" plantest-lake "$T/traces"/*.json >"$T/job-covers.out" 2>&1
then ok "iam-policy: the job policy allows every object, listing and table the stand-in jobs touched ($(tail -1 "$T/job-covers.out" | sed 's/^# //'))"
else nok "iam-policy: the job policy allows every object, listing and table the stand-in jobs touched" "$T/job-covers.out" "$T/traces.err" "$T/build.err"; fi
# tampered: no UpdateTable on the target tables; a listing prefix narrowed away
python3 - "$T/job.out" "$T/job-noupdate.json" "$T/job-nolist.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["Statement"]:
    s["Action"] = [a for a in s["Action"] if a != "glue:UpdateTable"]
json.dump(d, open(sys.argv[2], "w"))
d = json.load(open(sys.argv[1]))
for s in d["Statement"]:
    if s["Sid"] == "ListBucketPlantestRaw":
        s["Condition"]["StringLike"]["s3:prefix"] = ["clicks/*", "events/*"]
json.dump(d, open(sys.argv[3], "w"))
PY
if ! python3 "$CHECK" job-covers "$T/job-noupdate.json" plantest-lake "$T/traces"/*.json >"$T/jc-t1.out" 2>&1 &&
   grep -q 'glue:UpdateTable on arn:aws:glue:us-east-1:123456789012:table/lake/orders' "$T/jc-t1.out" &&
   ! python3 "$CHECK" job-covers "$T/job-nolist.json" plantest-lake "$T/traces"/*.json >"$T/jc-t2.out" 2>&1 &&
   grep -q "s3:ListBucket on arn:aws:s3:::plantest-raw {'s3:prefix': 'orders/'}" "$T/jc-t2.out"
then ok "iam-policy: without UpdateTable, or with a listing prefix removed, the job check fails"
else nok "iam-policy: without UpdateTable, or with a listing prefix removed, the job check fails" "$T/jc-t1.out" "$T/jc-t2.out"; fi

# the example project: connections, DynamoDB, Redshift, a Hive table source
# located by the catalog snapshot (examples/catalog.yaml)
E="$T/examples"
cp -r "$ROOT/examples" "$E"
(cd "$E" && "$PIPEC" iam-policy --for job) >"$T/ex-job.out" 2>"$T/ex-job.err"
ej=$?
(cd "$E" && "$PIPEC" iam-policy) >"$T/ex-dep.out" 2>"$T/ex-dep.err"
if [ $ej -eq 0 ] && [ $? -eq 0 ] &&
   python3 "$CHECK" actions "$T/ex-job.out" "$T/ex-dep.out" >"$T/ex-actions.out" 2>&1 &&
   grep -q "^note: connection 'orders-pg' (pipeline 'orders'): its Secrets Manager secret is not known" "$T/ex-job.err" &&
   grep -q "^note: connection 'dw'" "$T/ex-job.err" &&
   python3 - "$T/ex-job.out" "$T/ex-dep.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
st = {s["Sid"]: s for s in d["Statement"]}
acts = {a for s in d["Statement"] for a in s["Action"]}
assert not any(a.startswith("secretsmanager:") for a in acts), acts
assert st["ReadTables"]["Resource"] == ["arn:aws:s3:::shop-dev-legacy/warehouse/orders/*"], st["ReadTables"]
assert st["ListBucketShopDevLegacy"]["Condition"] == {"StringLike": {"s3:prefix": "warehouse/orders/*"}}
assert "arn:aws:glue:eu-west-1:123456789012:table/legacy/orders_hive" in st["CatalogRead"]["Resource"]
assert "arn:aws:glue:eu-west-1:123456789012:connection/orders-pg" in st["Connections"]["Resource"]
assert st["Connections"]["Action"] == ["glue:GetConnection"]
assert "arn:aws:dynamodb:eu-west-1:123456789012:table/Carts" in st["DynamoDBSources"]["Resource"]
dep = json.load(open(sys.argv[2]))
pull = [s for s in dep["Statement"] if s["Sid"] == "CatalogPull"][0]
assert "arn:aws:glue:eu-west-1:123456789012:database/legacy" in pull["Resource"]
assert "arn:aws:glue:eu-west-1:123456789012:connection/orders-pg" in pull["Resource"]
PY
then
	python3 "$CHECK" cfn "$T/ex-template.json" "$T/ex-job.out" "$T/ex-dep.out"
	if ! command -v cfn-lint >/dev/null 2>&1 || cfn-lint "$T/ex-template.json" >"$T/ex-cfn.out" 2>&1
	then ok "iam-policy: examples: connections (secrets noted, never a wildcard), DynamoDB, a table source's files from the snapshot; cfn-lint clean"
	else nok "iam-policy: examples: connections (secrets noted, never a wildcard), DynamoDB, a table source's files from the snapshot; cfn-lint clean" "$T/ex-cfn.out"; fi
else
	nok "iam-policy: examples: connections (secrets noted, never a wildcard), DynamoDB, a table source's files from the snapshot; cfn-lint clean" "$T/ex-actions.out" "$T/ex-job.err" "$T/ex-dep.err"
fi

# ... and the example project's jobs on the stand-in (each source offers the
# columns its job.py declares): connections, a Redshift staging dir, a
# DynamoDB export, a catalog table source, S3 Tables targets
(cd "$E" && "$PIPEC" build -o "$T/ex-build" .) >"$T/ex-build.err" 2>&1
mkdir -p "$T/ex-traces"
for dir in "$T/ex-build"/*/; do
	pl=$(basename "$dir")
	schema=$(python3 - "$dir/job.py" <<'PY'
import json, sys
cols = []
for line in open(sys.argv[1]):
    if line.startswith("# pipec:column "):
        c = json.loads(line[len("# pipec:column "):].split("  #")[0])
        cols.append("%s:%s" % (c["name"], c["type"]))
print(json.dumps({"*": cols}))
PY
)
	for r in first-run incremental; do
		python3 "$ROOT/tests/tools/run_job.py" "$T/ex-build" "$pl" "--$r" --schema "$schema" \
			--trace-only >"$T/ex-traces/$pl-$r.json" 2>>"$T/ex-traces.err"
	done
done
python3 - "$T/ex-job.out" "$T/ex-job-noconn.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["Statement"] = [s for s in d["Statement"] if s["Sid"] != "Connections"]
json.dump(d, open(sys.argv[2], "w"))
PY
if python3 "$CHECK" job-covers "$T/ex-job.out" shop-dev-lake "$T/ex-traces"/*.json >"$T/ex-jc.out" 2>&1 &&
   ! python3 "$CHECK" job-covers "$T/ex-job-noconn.json" shop-dev-lake "$T/ex-traces"/*.json >"$T/ex-jc-t.out" 2>&1 &&
   grep -q 'glue:GetConnection on arn:aws:glue:eu-west-1:123456789012:connection/dw' "$T/ex-jc-t.out"
then ok "iam-policy: examples: the job policy allows what their stand-in jobs touch ($(tail -1 "$T/ex-jc.out" | sed 's/^# //')); without the Connections statement it does not"
else nok "iam-policy: examples: the job policy allows what their stand-in jobs touch; without the Connections statement it does not" "$T/ex-jc.out" "$T/ex-jc-t.out" "$T/ex-build.err"; fi

# every S3 location a built job.json hands the job (its script, every
# s3:// DefaultArgument) is readable under the job policy
if python3 - "$CHECK" "$T/job.out" "$T/build" "$T/ex-job.out" "$T/ex-build" >"$T/args.out" 2>&1 <<'PY'
import glob, json, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import iam_check
bad, n = [], 0
for policy, build in ((sys.argv[2], sys.argv[3]), (sys.argv[4], sys.argv[5])):
    doc = json.load(open(policy))
    for path in sorted(glob.glob(os.path.join(build, "*", "job.json"))):
        job = json.load(open(path))
        urls = [job["Command"]["ScriptLocation"]] + \
            [v for v in job.get("DefaultArguments", {}).values() if str(v).startswith("s3://")]
        for url in urls:
            for act, res, ctx in iam_check._s3_needs(url, False):
                n += 1
                if not iam_check.allows(doc, act, res, ctx):
                    bad.append("%s: %s on %s %s" % (path, act, res, ctx or ""))
print("\n".join(bad))
print("# %d locations checked" % n)
sys.exit(1 if bad or not n else 0)
PY
then ok "iam-policy: the job policy reads every S3 location of the built job.json files ($(tail -1 "$T/args.out" | sed 's/^# //'))"
else nok "iam-policy: the job policy reads every S3 location of the built job.json files" "$T/args.out"; fi

# 4. the deployer's policy covers every call of plan, deploy, deploy --prune,
# plan --refresh and catalog pull.  They run as an IAM user of moto whose
# only policy is the printed one: moto enforces IAM, authorising S3 requests
# against bucket and object ARNs (so the S3 statements are used as printed)
# and other services against "*" (so the Glue, EventBridge and IAM
# statements are widened to "*" for moto; their scoping is checked above).
start_moto
EP=$AWS_ENDPOINT_URL
ADMIN_AK=$AWS_ACCESS_KEY_ID
ADMIN_SK=$AWS_SECRET_ACCESS_KEY
# user NAME POLICY [DROP_ACTION]: prints "KEY SECRET" of a new user with that policy
user() {
	python3 - "$@" <<'PY'
import json, sys, boto3
name, policy = sys.argv[1:3]
drop = sys.argv[3] if len(sys.argv) > 3 else None
d = json.load(open(policy))
for s in d["Statement"]:
    if not all(a.startswith("s3:") for a in s["Action"]):
        s["Resource"] = ["*"]
        s.pop("Condition", None)
    s["Action"] = [a for a in s["Action"] if a != drop]
d["Statement"] = [s for s in d["Statement"] if s["Action"]]
iam = boto3.client("iam")
iam.create_user(UserName=name)
iam.put_user_policy(UserName=name, PolicyName="pipec", PolicyDocument=json.dumps(d))
k = iam.create_access_key(UserName=name)["AccessKey"]
print(k["AccessKeyId"], k["SecretAccessKey"])
PY
}
as_admin() { AWS_ACCESS_KEY_ID=$ADMIN_AK AWS_SECRET_ACCESS_KEY=$ADMIN_SK "$@"; }
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "iam-policy: script bucket created" "$T/bucket.err"
if ! { user deployer "$T/deployer.out" >"$T/keys" && user noput "$T/deployer.out" s3:PutObject >"$T/keys-noput"; } 2>"$T/keys.err"; then
	nok "iam-policy: moto users with the printed policy" "$T/keys.err"
	exit 0
fi
read -r DEP_AK DEP_SK <"$T/keys"
read -r NOPUT_AK NOPUT_SK <"$T/keys-noput"
export AWS_ACCESS_KEY_ID="$DEP_AK" AWS_SECRET_ACCESS_KEY="$DEP_SK"
python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$EP"
steps=""
run m-plan plan; [ $rc -eq 2 ] || steps="$steps plan($rc)"
run m-deploy deploy; [ $rc -eq 0 ] || steps="$steps deploy($rc)"
sed -i 's/lag 15m/lag 30m/' "$P/pipelines/orders.pipe"
run m-deploy2 deploy; [ $rc -eq 0 ] || steps="$steps deploy-update($rc)"
# the counter holds pipec's calls only: saved before the test's own S3 calls, reset after them
calls_save() {
	python3 - "$EP" "$1" <<'PY'
import json, sys, urllib.request
json.dump(json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls")), open(sys.argv[2], "w"), indent=1)
PY
}
calls_save "$T/calls-a.json"
# a deployed script removed behind pipec's back: plan --refresh heads and reads scripts
as_admin python3 - >"$T/rmscript.err" 2>&1 <<'PY'
import boto3
s3 = boto3.client("s3")
keys = [o["Key"] for o in s3.list_objects_v2(Bucket="plantest-artifacts")["Contents"]]
s3.delete_object(Bucket="plantest-artifacts", Key=[k for k in keys if "/dev_events/" in k][0])
PY
python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$EP"
run m-refresh plan --refresh; [ $rc -eq 2 ] || steps="$steps plan-refresh($rc)"
run m-deploy3 deploy; [ $rc -eq 0 ] || steps="$steps deploy-reupload($rc)"
rm "$P/pipelines/customers.pipe"
sed -i '/^    alerts:/,$d' "$P/pipec.yaml"	# the alert rules are pruned too
run m-prune-plan plan --prune; [ $rc -eq 2 ] || steps="$steps plan-prune($rc)"
run m-prune deploy --prune; [ $rc -eq 0 ] || steps="$steps deploy-prune($rc)"
run m-pull catalog pull -o "$T/snapshot.yaml" --env dev; [ $rc -eq 0 ] || steps="$steps catalog-pull($rc)"
calls_save "$T/calls-b.json"
if [ -z "$steps" ]; then ok "iam-policy: plan, deploy, plan --refresh, deploy --prune and catalog pull succeed under the deployer policy (moto enforcing IAM)"
else nok "iam-policy: plan, deploy, plan --refresh, deploy --prune and catalog pull succeed under the deployer policy (moto enforcing IAM) (failed:$steps)" "$T/m-pull.err" "$T/m-prune.err" "$T/m-refresh.err" "$T/m-deploy3.err" "$T/m-deploy.err"; fi
sed -i 's/row_count > 0/row_count > 7/' "$P/pipelines/orders.pipe"	# a new script to upload
(cd "$P" && AWS_ACCESS_KEY_ID=$NOPUT_AK AWS_SECRET_ACCESS_KEY=$NOPUT_SK "$PIPEC" deploy) >"$T/noput.out" 2>"$T/noput.err"
if [ $? -eq 1 ] && grep -q 'PutObject.*AccessDenied' "$T/noput.err"
then ok "iam-policy: the same policy without s3:PutObject is refused by moto (deploy exits 1)"
else nok "iam-policy: the same policy without s3:PutObject is refused by moto (deploy exits 1)" "$T/noput.out" "$T/noput.err"; fi
if python3 "$CHECK" covers "$T/deployer.out" "$T/calls-a.json" "$T/calls-b.json" >"$T/covers.out" 2>&1 &&
   python3 - "$T/calls-a.json" "$T/calls-b.json" <<'PY'
import json, sys
ops = set(json.load(open(sys.argv[1]))["calls"]) | set(json.load(open(sys.argv[2]))["calls"])
for op in ("glue.CreateJob", "glue.UpdateJob", "glue.DeleteJob", "glue.DeleteTrigger", "events.PutRule",
           "events.ListRules", "events.ListTagsForResource", "events.DeleteRule",
           "s3.PutObject", "s3.HeadObject", "glue.GetDatabases", "glue.GetConnections"):
    assert op in ops, (op, sorted(ops))
PY
then ok "iam-policy: every operation they sent is allowed by the deployer policy ($(tail -1 "$T/covers.out" | sed 's/^# //'))"
else nok "iam-policy: every operation they sent is allowed by the deployer policy" "$T/covers.out" "$T/calls-a.json" "$T/calls-b.json"; fi

# tamper: the check fails when any one action is missing
python3 - "$T/deployer.out" "$CHECK" "$T" "$T/calls-a.json" "$T/calls-b.json" >"$T/tamper.out" 2>&1 <<'PY'
import json, os, subprocess, sys
policy, check, tmp = sys.argv[1:4]
calls = sys.argv[4:]
d = json.load(open(policy))
ops = set()
for c in calls:
    ops |= set(json.load(open(c))["calls"])
sys.path.insert(0, os.path.dirname(check))
import iam_check
needed = sorted({iam_check.needed(op) for op in ops} - {None})
assert needed
for act in needed:
    t = json.loads(json.dumps(d))
    for s in t["Statement"]:
        s["Action"] = [a for a in s["Action"] if a != act]
    t["Statement"] = [s for s in t["Statement"] if s["Action"]]
    path = os.path.join(tmp, "tampered.json")
    json.dump(t, open(path, "w"))
    r = subprocess.run([sys.executable, check, "covers", path] + calls, capture_output=True, text=True)
    assert r.returncode == 1 and act in r.stdout, (act, r.stdout)
print(len(needed), "actions each caught")
PY
if [ $? -eq 0 ]; then ok "iam-policy: removing any one needed action fails the coverage check ($(cat "$T/tamper.out"))"
else nok "iam-policy: removing any one needed action fails the coverage check" "$T/tamper.out"; fi
