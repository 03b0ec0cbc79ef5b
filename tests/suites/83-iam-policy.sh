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
for s in d["Statement"]:
    if s["Resource"] == ["*"]:
        assert s["Sid"] == "GlueList", s
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
if [ $? -eq 0 ]; then ok "iam-policy: deployer resources scoped by name_prefix; PassRole per service; '*' only for Glue List*"
else nok "iam-policy: deployer resources scoped by name_prefix; PassRole per service; '*' only for Glue List*" "$T/scope.out"; fi

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
if [ $rc -eq 2 ] && grep -q "deployer or job" "$T/badfor.err" && [ ! -s "$T/badfor.out" ]
then ok "iam-policy: --for admin is a usage error (exit 2)"
else nok "iam-policy: --for admin is a usage error (exit 2)" "$T/badfor.err"; fi
run badopt iam-policy --bogus
if [ $rc -eq 2 ]; then ok "iam-policy: an unknown option is a usage error (exit 2)"
else nok "iam-policy: an unknown option is a usage error (exit 2)" "$T/badopt.err"; fi
"$PIPEC" iam-policy --help >"$T/help.out" 2>&1
if [ $? -eq 0 ] && grep -q '^usage: pipec iam-policy' "$T/help.out" && "$PIPEC" --help | grep -q '^  iam-policy '
then ok "iam-policy: --help and the command list"
else nok "iam-policy: --help and the command list" "$T/help.out"; fi

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

# 4. the deployer's policy covers every call of plan, deploy, deploy --prune, catalog pull
start_moto
EP=$AWS_ENDPOINT_URL
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "iam-policy: script bucket created" "$T/bucket.err"
python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$EP"
steps=""
run m-plan plan; [ $rc -eq 2 ] || steps="$steps plan($rc)"
run m-deploy deploy; [ $rc -eq 0 ] || steps="$steps deploy($rc)"
sed -i 's/lag 15m/lag 30m/' "$P/pipelines/orders.pipe"
run m-deploy2 deploy; [ $rc -eq 0 ] || steps="$steps deploy-update($rc)"
rm "$P/pipelines/customers.pipe"
run m-prune-plan plan --prune; [ $rc -eq 2 ] || steps="$steps plan-prune($rc)"
run m-prune deploy --prune; [ $rc -eq 0 ] || steps="$steps deploy-prune($rc)"
run m-pull catalog pull -o "$T/snapshot.yaml" --env dev; [ $rc -eq 0 ] || steps="$steps catalog-pull($rc)"
python3 - "$EP" "$T/calls.json" <<'PY'
import json, sys, urllib.request
json.dump(json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls")), open(sys.argv[2], "w"), indent=1)
PY
if [ -z "$steps" ]; then ok "iam-policy: plan, deploy, deploy --prune and catalog pull ran against moto"
else nok "iam-policy: plan, deploy, deploy --prune and catalog pull ran against moto (failed:$steps)" "$T/m-pull.err" "$T/m-prune.err" "$T/m-deploy.err"; fi
if python3 "$CHECK" covers "$T/deployer.out" "$T/calls.json" >"$T/covers.out" 2>&1 &&
   python3 - "$T/calls.json" <<'PY'
import json, sys
ops = json.load(open(sys.argv[1]))["calls"]
for op in ("glue.CreateJob", "glue.UpdateJob", "glue.DeleteJob", "glue.DeleteTrigger", "events.PutRule",
           "s3.PutObject", "glue.GetDatabases", "glue.GetConnections"):
    assert op in ops, (op, sorted(ops))
PY
then ok "iam-policy: every operation they sent is allowed by the deployer policy ($(tail -1 "$T/covers.out" | sed 's/^# //'))"
else nok "iam-policy: every operation they sent is allowed by the deployer policy" "$T/covers.out" "$T/calls.json"; fi

# tamper: the check fails when any one action is missing
python3 - "$T/deployer.out" "$T/calls.json" "$CHECK" >"$T/tamper.out" 2>&1 <<'PY'
import json, subprocess, sys, tempfile
policy, calls, check = sys.argv[1:]
d = json.load(open(policy))
ops = json.load(open(calls))["calls"]
sys.path.insert(0, check.rsplit("/", 1)[0])
import iam_check
needed = sorted({iam_check.needed(op) for op in ops} - {None})
assert needed
for act in needed:
    t = json.loads(json.dumps(d))
    for s in t["Statement"]:
        s["Action"] = [a for a in s["Action"] if a != act]
    t["Statement"] = [s for s in t["Statement"] if s["Action"]]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(t, f)
    r = subprocess.run([sys.executable, check, "covers", f.name, calls], capture_output=True, text=True)
    assert r.returncode == 1 and act in r.stdout, (act, r.stdout)
print(len(needed), "actions each caught")
PY
if [ $? -eq 0 ]; then ok "iam-policy: removing any one needed action fails the coverage check ($(cat "$T/tamper.out"))"
else nok "iam-policy: removing any one needed action fails the coverage check" "$T/tamper.out"; fi
