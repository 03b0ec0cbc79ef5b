#!/bin/sh
# `after` chains as Glue workflows (docs/artifacts.md, "## workflow.json"),
# planned and deployed against moto (tests/tools/moto_auth.sh; moto_plus
# refuses a trigger joining a workflow that does not exist yet): a chain of
# three deploys as one workflow, read back through boto3; a second plan has
# no changes; a pipeline moved out of the chain has its trigger replaced;
# the chain's workflow, no longer declared, is kept without --prune and
# destroyed after its triggers with it; a same-named workflow pipec does not
# own is refused.  The plan texts are compared with tests/deploy/chains/expected/
# (PIPEC_GOLDEN_UPDATE=1 rewrites them).  Servers on 127.0.0.1, stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=deploy-chains
. "$ROOT/tests/tools/aws_suite.sh"
start_moto
EXP="$ROOT/tests/deploy/chains/expected"
P="$T/project"
mkdir -p "$P"
cp -r "$ROOT/tests/deploy/chains/pipec.yaml" "$ROOT/tests/deploy/chains/pipelines" "$P"
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="chaintest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "deploy-chains: script bucket created" "$T/bucket.err"

# run NAME ARGS... (in the project directory): output in $T/NAME.{out,err}, status in rc.
run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
# golden NAME: $T/NAME.out equals $EXP/NAME.txt
golden() {
	if [ -n "${PIPEC_GOLDEN_UPDATE:-}" ]; then
		mkdir -p "$EXP"
		cp "$T/$1.out" "$EXP/$1.txt"
	fi
	diff -u "$EXP/$1.txt" "$T/$1.out" >"$T/$1.diff"
}
# before FILE A B: line A comes before line B in FILE (both present)
before() {
	a=$(grep -n -x -F "$2" "$1" | head -1 | cut -d: -f1)
	b=$(grep -n -x -F "$3" "$1" | head -1 | cut -d: -f1)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}
# live FILE: the workflows and triggers as boto3 reads them
live() {
	python3 - "$1" <<'PY'
import boto3, json, sys
g = boto3.client("glue")
out = {"workflows": {}, "triggers": {}}
for name in g.list_workflows()["Workflows"]:
    w = g.get_workflow(Name=name)["Workflow"]
    tags = g.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:workflow/" + name)["Tags"]
    out["workflows"][name] = {"MaxConcurrentRuns": w.get("MaxConcurrentRuns"),
                              "owner": tags.get("pipec:owner"), "pipeline": tags.get("pipec:pipeline")}
for name in g.list_triggers()["TriggerNames"]:
    t = g.get_trigger(Name=name)["Trigger"]
    out["triggers"][name] = [t["Type"], t.get("WorkflowName"), t["State"]]
json.dump(out, open(sys.argv[1], "w"), indent=1, sort_keys=True)
PY
}
# expect FILE PYTHON: asserts PYTHON over d, the JSON in FILE
expect() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[2])
PY
}

# 1. a chain of three: one workflow, created before the triggers that join it
run plan-create plan
if [ $rc -eq 2 ] && golden plan-create
then ok "deploy-chains: the first plan creates the chain's workflow beside its jobs and triggers"
else nok "deploy-chains: the first plan creates the chain's workflow beside its jobs and triggers" "$T/plan-create.diff" "$T/plan-create.err"; fi
run deploy1 deploy
live "$T/live1.json"
if [ $rc -eq 0 ] && before "$T/deploy1.out" "  created workflow dev_root-workflow" "  created trigger dev_root-trigger" &&
   expect "$T/live1.json" '
w = d["workflows"]["dev_root-workflow"]
assert w == {"MaxConcurrentRuns": 1, "owner": "chaintest/dev", "pipeline": "root"}, w
assert d["triggers"] == {"dev_root-trigger": ["SCHEDULED", "dev_root-workflow", "ACTIVATED"],
                         "dev_mid-trigger": ["CONDITIONAL", "dev_root-workflow", "ACTIVATED"],
                         "dev_leaf-trigger": ["CONDITIONAL", "dev_root-workflow", "ACTIVATED"]}, d["triggers"]
' >"$T/live1.err" 2>&1
then ok "deploy-chains: deploy creates the workflow, then the three triggers in it (boto3 reads WorkflowName back)"
else nok "deploy-chains: deploy creates the workflow, then the three triggers in it (boto3 reads WorkflowName back)" "$T/deploy1.out" "$T/deploy1.err" "$T/live1.err"; fi
(cd "$P" && "$PIPEC" build -o "$T/build1" .) >"$T/build1.err" 2>&1
if python3 "$ROOT/tests/deploy/landed.py" "$T/build1" chaintest dev >"$T/landed1.out" 2>&1
then ok "deploy-chains: boto3 reads back the workflow, triggers and jobs equal to the build"
else nok "deploy-chains: boto3 reads back the workflow, triggers and jobs equal to the build" "$T/landed1.out"; fi

# 2. idempotent
run plan-again plan
if [ $rc -eq 0 ] && golden plan-again
then ok "deploy-chains: a second plan has no changes (exit 0)"
else nok "deploy-chains: a second plan has no changes (exit 0)" "$T/plan-again.diff" "$T/plan-again.err"; fi

# 3. leaf leaves the chain: its trigger is replaced (WorkflowName cannot be updated)
sed -i 's/^  schedule after mid$/  schedule every 1d/' "$P/pipelines/chain.pipe"
run plan-move-out plan
if [ $rc -eq 2 ] && golden plan-move-out
then ok "deploy-chains: moving a pipeline out of the chain plans its trigger's replacement"
else nok "deploy-chains: moving a pipeline out of the chain plans its trigger's replacement" "$T/plan-move-out.diff" "$T/plan-move-out.err"; fi
run deploy-move-out deploy
live "$T/live2.json"
if [ $rc -eq 0 ] && grep -q -x "  replaced trigger dev_leaf-trigger" "$T/deploy-move-out.out" &&
   expect "$T/live2.json" '
t = d["triggers"]
assert t["dev_leaf-trigger"] == ["SCHEDULED", None, "ACTIVATED"], t
assert t["dev_mid-trigger"][1] == t["dev_root-trigger"][1] == "dev_root-workflow", t
' >"$T/live2.err" 2>&1
then ok "deploy-chains: deploy replaces the trigger outside the workflow; the rest of the chain stays in it"
else nok "deploy-chains: deploy replaces the trigger outside the workflow; the rest of the chain stays in it" "$T/deploy-move-out.out" "$T/deploy-move-out.err" "$T/live2.err"; fi

# 4. the chain dissolves (mid on a schedule of its own): root and mid's
# triggers are replaced; the workflow is no longer declared: kept, or with
# --prune destroyed after the triggers that were in it
sed -i '/^  source pipeline root$/,/^}/s/^  mode replace$/  mode replace\n  schedule every 1d/' "$P/pipelines/chain.pipe"
run plan-dissolve plan
if [ $rc -eq 2 ] && golden plan-dissolve
then ok "deploy-chains: a dissolved chain plans its triggers' replacement and keeps the workflow without --prune"
else nok "deploy-chains: a dissolved chain plans its triggers' replacement and keeps the workflow without --prune" "$T/plan-dissolve.diff" "$T/plan-dissolve.err"; fi
run plan-dissolve-prune plan --prune
if [ $rc -eq 2 ] && golden plan-dissolve-prune
then ok "deploy-chains: with --prune the plan destroys the undeclared workflow"
else nok "deploy-chains: with --prune the plan destroys the undeclared workflow" "$T/plan-dissolve-prune.diff" "$T/plan-dissolve-prune.err"; fi
run deploy-dissolve deploy --prune
live "$T/live3.json"
if [ $rc -eq 0 ] && before "$T/deploy-dissolve.out" "  replaced trigger dev_root-trigger" "  destroyed workflow dev_root-workflow" &&
   before "$T/deploy-dissolve.out" "  replaced trigger dev_mid-trigger" "  destroyed workflow dev_root-workflow" &&
   expect "$T/live3.json" '
assert d["workflows"] == {}, d["workflows"]
assert all(t[1] is None and t[0] == "SCHEDULED" for t in d["triggers"].values()), d["triggers"]
' >"$T/live3.err" 2>&1
then ok "deploy-chains: deploy --prune moves the triggers out first, then deletes the workflow"
else nok "deploy-chains: deploy --prune moves the triggers out first, then deletes the workflow" "$T/deploy-dissolve.out" "$T/deploy-dissolve.err" "$T/live3.err"; fi

# 5. the chain again, then dissolved by a deploy without --prune: the workflow stays
cp "$ROOT/tests/deploy/chains/pipelines/chain.pipe" "$P/pipelines/chain.pipe"
run plan-move-in plan
if [ $rc -eq 2 ] && golden plan-move-in
then ok "deploy-chains: moving standalone pipelines into a chain plans the workflow's creation and their triggers' replacement"
else nok "deploy-chains: moving standalone pipelines into a chain plans the workflow's creation and their triggers' replacement" "$T/plan-move-in.diff" "$T/plan-move-in.err"; fi
run deploy-again deploy
live "$T/live-in.json"
if [ $rc -eq 0 ] && before "$T/deploy-again.out" "  created workflow dev_root-workflow" "  replaced trigger dev_root-trigger" &&
   before "$T/deploy-again.out" "  created workflow dev_root-workflow" "  replaced trigger dev_leaf-trigger" &&
   expect "$T/live-in.json" '
assert {n: t[1] for n, t in d["triggers"].items()} == dict.fromkeys(
    ["dev_root-trigger", "dev_mid-trigger", "dev_leaf-trigger"], "dev_root-workflow"), d["triggers"]
' >"$T/live-in.err" 2>&1
then ok "deploy-chains: deploy creates the workflow, then replaces the triggers into it"
else nok "deploy-chains: deploy creates the workflow, then replaces the triggers into it" "$T/deploy-again.out" "$T/deploy-again.err" "$T/live-in.err"; fi
cp "$P/pipelines/chain.pipe" "$T/chain.pipe"
sed -i 's/^  schedule after mid$/  schedule every 1d/' "$P/pipelines/chain.pipe"
sed -i '/^  source pipeline root$/,/^}/s/^  mode replace$/  mode replace\n  schedule every 1d/' "$P/pipelines/chain.pipe"
run deploy-keep deploy
live "$T/live4.json"
run plan-find-prune plan --prune --format json
if [ $rc -eq 2 ] && grep -q -x "  created workflow dev_root-workflow" "$T/deploy-again.out" &&
   grep -q "dev_root-workflow" "$T/live4.json" && ! grep -q "workflow dev_root-workflow" "$T/deploy-keep.out" &&
   expect "$T/plan-find-prune.out" '
ch = [(c["kind"], c["name"], c["action"]) for c in d["changes"] if c["action"] != "unchanged"]
assert ch == [("workflow", "dev_root-workflow", "destroy")], ch
' >"$T/find.err" 2>&1
then ok "deploy-chains: deploy without --prune keeps the workflow; plan --prune finds it (ListWorkflows) with no trigger left in it"
else nok "deploy-chains: deploy without --prune keeps the workflow; plan --prune finds it (ListWorkflows) with no trigger left in it" "$T/deploy-again.out" "$T/deploy-keep.out" "$T/live4.json" "$T/find.err"; fi
run deploy-prune2 deploy --prune

# 6. a same-named workflow another project owns, or nobody: refused, untouched
cp "$T/chain.pipe" "$P/pipelines/chain.pipe"
python3 -c '
import boto3
boto3.client("glue").create_workflow(Name="dev_root-workflow", Description="not pipec s",
    Tags={"pipec:project": "other", "pipec:environment": "dev", "pipec:owner": "other/dev"})' >"$T/foreign.err" 2>&1
run plan-foreign plan
run deploy-foreign deploy
live "$T/live5.json"
if [ $rc -ne 0 ] && [ $rc -ne 2 ] &&
   grep -q "workflow 'dev_root-workflow' exists but is not managed by project 'chaintest' environment 'dev' (its owner: pipec:owner=other/dev)" "$T/plan-foreign.err" &&
   grep -q "workflow 'dev_root-workflow' exists but is not managed" "$T/deploy-foreign.err" &&
   expect "$T/live5.json" '
assert d["workflows"]["dev_root-workflow"]["owner"] == "other/dev", d["workflows"]
assert all(t[1] is None for t in d["triggers"].values()), d["triggers"]
' >"$T/live5.err" 2>&1
then ok "deploy-chains: a same-named workflow of another project is refused, naming its owner, and left alone"
else nok "deploy-chains: a same-named workflow of another project is refused, naming its owner, and left alone" "$T/plan-foreign.out" "$T/plan-foreign.err" "$T/deploy-foreign.err" "$T/live5.err"; fi
python3 -c '
import boto3
g = boto3.client("glue")
g.delete_workflow(Name="dev_root-workflow")
g.create_workflow(Name="dev_root-workflow", Description="made by hand")' >"$T/untagged.err" 2>&1
run plan-untagged plan
if [ $rc -ne 0 ] && [ $rc -ne 2 ] &&
   grep -q "workflow 'dev_root-workflow' exists but is not managed by project 'chaintest' environment 'dev' (it has no pipec:owner tag)" "$T/plan-untagged.err"
then ok "deploy-chains: an untagged same-named workflow is refused too"
else nok "deploy-chains: an untagged same-named workflow is refused too" "$T/plan-untagged.out" "$T/plan-untagged.err"; fi

# 7. several roots: standalone triggers, a warning, no workflow
cat >>"$P/pipelines/chain.pipe" <<'EOF'

pipeline other {
  source s3 "s3://${raw_bucket}/other/" { format json }
  target parquet "s3://${lake_bucket}/other/" table lake.other
  create if missing
  columns {
    id bigint required
  }
  mode append
  schedule cron "0 6 * * ? *"
}
EOF
sed -i 's/^  schedule after mid$/  schedule after mid and other/' "$P/pipelines/chain.pipe"
run check-roots check
run build-roots build -o "$T/build-roots"
if [ $rc -eq 0 ] && grep -q "warning: the 'after' chain of pipeline 'leaf' starts at 'other' and 'root', each on its own schedule: its triggers stay outside a Glue workflow" "$T/check-roots.err" &&
   ! ls "$T"/build-roots/*/workflow.json >/dev/null 2>&1 && ! grep -q WorkflowName "$T"/build-roots/*/triggers.json
then ok "deploy-chains: a chain with two roots keeps standalone triggers, with a warning"
else nok "deploy-chains: a chain with two roots keeps standalone triggers, with a warning" "$T/check-roots.err" "$T/build-roots.err"; fi
