#!/bin/sh
# deploy through tests/tools/fault_proxy.py in front of moto (auth enforced):
# throttling, 500s, connection resets and slow answers — the deploy
# converges, nothing is duplicated, a re-run is a no-op; a deploy killed
# mid-way and run again converges.  Servers on 127.0.0.1, stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=deploy-faults
. "$ROOT/tests/tools/aws_suite.sh"
export PIPEC_RETRY_BASE_MS=5 AWS_MAX_ATTEMPTS=8
start_moto
MOTO=$AWS_ENDPOINT_URL
SK=$AWS_SECRET_ACCESS_KEY
ALL="$T/all-output.txt"
: >"$ALL"
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "deploy-faults: script bucket created" "$T/bucket.err"

# proxy NAME SPEC [DELAY_MS]: starts a fault proxy in front of moto; sets PROXY (its URL)
proxy() {
	rm -f "$T/$1.port"
	python3 "$ROOT/tests/tools/fault_proxy.py" 0 "$MOTO" --plan "$2" --log "$T/$1.log" \
		--delay "${3:-0}" --port-file "$T/$1.port" --lifetime 300 2>"$T/$1.err" &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$T/$1.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	PROXY="http://127.0.0.1:$(cat "$T/$1.port")"
}
run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	cat "$T/$name.out" "$T/$name.err" >>"$ALL"
}
# counts: the number of each kind of resource in moto (duplicates would show)
inventory() {
	python3 - <<'PY'
import boto3
g = boto3.client("glue")
jobs = [j for j in g.get_jobs()["Jobs"]]
trig = g.get_triggers()["Triggers"]
rs = g.list_data_quality_rulesets()["Rulesets"]
print(len(jobs), len(trig), len(rs), sorted(t["State"] for t in trig))
PY
}
calls_writes() {
	python3 - "$MOTO" <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))
reads = ("Get", "List", "Batch", "Describe", "Head")
print(sum(n for op, n in d["calls"].items() if not op.split(".", 1)[1].startswith(reads)))
PY
}
calls_reset() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$MOTO"; }

P="$T/project"
cp -r "$ROOT/tests/plan/project" "$P"

# 1. throttling, 500s, resets and slow answers all through the first deploy
proxy faults 'throttle@every3,500@every5,reset@every7,503@11,slow=1@4'
run deploy1 deploy --endpoint-url "$PROXY"
if [ $rc -eq 0 ] && grep -q '^Deployed:' "$T/deploy1.out"
then ok "deploy-faults: deploy converges through throttling, 500s, resets and slow answers"
else nok "deploy-faults: deploy converges through throttling, 500s, resets and slow answers" "$T/deploy1.out" "$T/deploy1.err"; fi
if grep -q 'action=throttle' "$T/faults.log" && grep -q 'action=500' "$T/faults.log" && grep -q 'action=reset' "$T/faults.log" && grep -q 'action=slow' "$T/faults.log"
then ok "deploy-faults: every fault kind was injected"
else nok "deploy-faults: every fault kind was injected" "$T/faults.log"; fi
set -- $(inventory)
if [ "$1" = 4 ] && [ "$2" = 4 ] && [ "$3" = 1 ]
then ok "deploy-faults: nothing duplicated (4 jobs, 4 triggers, 1 ruleset)"
else nok "deploy-faults: nothing duplicated (4 jobs, 4 triggers, 1 ruleset): got $*"; fi
(cd "$P" && "$PIPEC" build -o "$T/build" .) >"$T/build.err" 2>&1
if python3 "$ROOT/tests/deploy/landed.py" "$T/build" plantest dev >"$T/landed.out" 2>&1
then ok "deploy-faults: what landed equals the build"
else nok "deploy-faults: what landed equals the build" "$T/landed.out"; fi
calls_reset
run deploy2 deploy --endpoint-url "$PROXY"
if [ $rc -eq 0 ] && grep -q '^No changes' "$T/deploy2.out" && [ "$(calls_writes)" -eq 0 ]
then ok "deploy-faults: a re-run through the faults is a no-op"
else nok "deploy-faults: a re-run through the faults is a no-op" "$T/deploy2.out" "$T/deploy2.err"; fi

# 2. a fault that outlasts the retries fails the deploy clearly, and a re-run converges
sed -i 's/row_count > 0/row_count > 7/' "$P/pipelines/orders.pipe"
proxy hard '500@all/UpdateDataQualityRuleset'
run deploy3 deploy --endpoint-url "$PROXY"
if [ $rc -eq 1 ] && grep -q "update ruleset 'dev_orders-ruleset': UpdateDataQualityRuleset failed" "$T/deploy3.err" &&
   [ "$(sed -n '/^pipec: error/,$p' "$T/deploy3.err" | grep '^help:')" = "help: run pipec deploy again: it continues from what is deployed" ]
then ok "deploy-faults: a persistent failure is reported per resource with what to do"
else nok "deploy-faults: a persistent failure is reported per resource with what to do" "$T/deploy3.out" "$T/deploy3.err"; fi
run deploy4 deploy
run plan4 plan
if [ $rc -eq 0 ]; then ok "deploy-faults: the re-run converges (plan clean)"
else nok "deploy-faults: the re-run converges (plan clean)" "$T/deploy4.out" "$T/plan4.out"; fi

# 3. a deploy killed mid-way, then run again
cp "$ROOT/tests/plan/project/pipelines/"*.pipe "$P/pipelines/"
for n in 1 2 3 4 5 6; do
	sed "s/pipeline events/pipeline extra$n/; s#/events/#/extra$n/#; s/analytics.events/analytics.extra$n/" \
		"$P/pipelines/events.pipe" >"$P/pipelines/extra$n.pipe"
done
proxy slow 'slow=0.4@all'
(cd "$P" && exec "$PIPEC" deploy --endpoint-url "$PROXY" --concurrency 2) >"$T/killed.out" 2>&1 &
DPID=$!
i=0
while ! grep -q 'created job' "$T/killed.out" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$DPID" 2>/dev/null
wait "$DPID" 2>/dev/null
cat "$T/killed.out" >>"$ALL"
set -- $(inventory)
if grep -q 'created job' "$T/killed.out" && ! grep -q '^Deployed:' "$T/killed.out" && [ "$2" -lt 10 ]
then ok "deploy-faults: deploy killed part-way ($1 of 10 jobs, $2 of 10 triggers)"
else nok "deploy-faults: deploy killed part-way ($1 of 10 jobs, $2 of 10 triggers)" "$T/killed.out"; fi
# Progress lines are flushed one by one: what the killed deploy printed is
# in the file, header first, and every job it reported created is in moto.
missing=$(python3 - "$T/killed.out" <<'PY'
import re, sys, boto3
out = open(sys.argv[1]).read().splitlines()
names = {j["Name"] for j in boto3.client("glue").get_jobs()["Jobs"]}
said = [m.group(1) for l in out for m in [re.match(r"\s+created job (\S+)", l)] if m]
bad = [n for n in said if n not in names]
first = next((i for i, l in enumerate(out) if "created job" in l), -1)
if not said or not any(l.startswith("Deploying project") for l in out[:first]):
    bad.append("header or progress lines missing")
print(" ".join(bad))
PY
)
if [ -z "$missing" ]
then ok "deploy-faults: the killed deploy's progress lines landed in its output file, each one true"
else nok "deploy-faults: the killed deploy's progress lines landed in its output file, each one true ($missing)" "$T/killed.out"; fi
run deploy5 deploy
set -- $(inventory)
if [ $rc -eq 0 ] && [ "$1" = 10 ] && [ "$2" = 10 ] && [ "$3" = 1 ]
then ok "deploy-faults: the re-run completes it without duplicates"
else nok "deploy-faults: the re-run completes it without duplicates (got $*)" "$T/deploy5.out" "$T/deploy5.err"; fi
run plan6 plan
(cd "$P" && "$PIPEC" build -o "$T/build2" .) >"$T/build2.err" 2>&1
if [ $rc -eq 0 ] && python3 "$ROOT/tests/deploy/landed.py" "$T/build2" plantest dev >"$T/landed2.out" 2>&1
then ok "deploy-faults: after the re-run everything is as built and the plan is clean"
else nok "deploy-faults: after the re-run everything is as built and the plan is clean" "$T/plan6.out" "$T/landed2.out"; fi

# a script bucket that does not exist: the help says to create it, not to
# run deploy again, and no job is created
P2="$T/nobucket"
cp -r "$ROOT/tests/plan/project" "$P2"
sed -i 's/script_bucket: plantest-artifacts/script_bucket: plantest-no-such-bucket/' "$P2/pipec.yaml"
sed -i 's/name_prefix: .*/name_prefix: nb_/' "$P2/pipec.yaml"
(cd "$P2" && "$PIPEC" deploy --endpoint-url "$MOTO") >"$T/nobucket.out" 2>"$T/nobucket.err"
rc=$?
cat "$T/nobucket.out" "$T/nobucket.err" >>"$ALL"
if [ $rc -eq 1 ] && grep -q "the bucket 'plantest-no-such-bucket' does not exist" "$T/nobucket.err" &&
   grep -q '^help: create the bucket (aws s3 mb s3://BUCKET --region REGION)' "$T/nobucket.err" &&
   ! grep -q 'run pipec deploy again: it continues' "$T/nobucket.err" &&
   [ "$(python3 -c 'import boto3; print(sum(j["Name"].startswith("nb_") for j in boto3.client("glue").get_jobs()["Jobs"]))')" = 0 ]
then ok "deploy-faults: a missing script bucket's help says to create it; no job is created"
else nok "deploy-faults: a missing script bucket's help says to create it (exit $rc)" "$T/nobucket.out" "$T/nobucket.err"; fi

# 4. parallelism, connection reuse, order, throttling and a failed upload,
# read from the proxy's request log (tests/tools/fault_proxy.py, every
# request delayed so that parallel ones overlap)
# project NAME PREFIX COUNT: the test project with COUNT more pipelines, names prefixed
project() {
	rm -rf "$T/$1"
	cp -r "$ROOT/tests/plan/project" "$T/$1"
	sed -i "s/name_prefix: .*/name_prefix: $2/; s/^project: .*/project: $1/" "$T/$1/pipec.yaml"
	k=1
	while [ $k -le "$3" ]; do
		sed "s/pipeline events/pipeline par$k/; s#/events/#/par$k/#; s/analytics.events/analytics.par$k/" \
			"$T/$1/pipelines/events.pipe" >"$T/$1/pipelines/par$k.pipe"
		k=$((k + 1))
	done
}
# runp NAME DIR ARGS...: pipec in project DIR
runp() {
	name=$1
	dir=$2
	shift 2
	(cd "$dir" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	cat "$T/$name.out" "$T/$name.err" >>"$ALL"
}
stats() {
	python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1] + "/__fault_proxy/stats").read().decode())' \
		"$PROXY" >"$T/$1.json"
}
proxy_reset() {
	python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/__fault_proxy/reset", method="POST")).read()' "$PROXY"
}
# check STATS EXPR...: each Python EXPR over the stats s and its entries e
# (ops(NAME): the entries of one operation; at_once(ENTRIES): the most of them
# in flight together); prints the ones that do not hold
check() {
	f=$1
	shift
	python3 - "$T/$f.json" "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
e = s["entries"]
def ops(name):
    return [x for x in e if x["op"] == name]
def at_once(es):
    cur = best = 0
    for _, d in sorted([(x["start"], 1) for x in es] + [(x["end"], -1) for x in es]):
        cur += d
        best = max(best, cur)
    return best
for expr in sys.argv[2:]:
    if not eval(expr):
        print("does not hold: %s (requests %d, in flight at most %d, connections %d, "
              "uploads at once %d)" % (expr, s["requests"], s["max_in_flight"],
                                        s["connections"], at_once(ops("PutObject"))))
PY
}
# owned PREFIX: jobs and triggers in moto whose names start with PREFIX
owned() {
	python3 - "$1" <<'PY'
import sys, boto3
g = boto3.client("glue")
print(sum(j["Name"].startswith(sys.argv[1]) for j in g.get_jobs()["Jobs"]),
      sum(t["Name"].startswith(sys.argv[1]) for t in g.get_triggers()["Triggers"]))
PY
}

proxy par '' 40
project c1 c1_ 16
runp par1 "$T/c1" deploy --endpoint-url "$PROXY" --concurrency 1
stats par1
bad=$(check par1 's["max_in_flight"] == 1' 'len(ops("PutObject")) == 21')
if [ $rc -eq 0 ] && [ -z "$bad" ]
then ok "deploy-faults: --concurrency 1 sends one request at a time (20 pipelines, 21 uploads)"
else nok "deploy-faults: --concurrency 1 sends one request at a time (20 pipelines, 21 uploads) $bad" "$T/par1.out" "$T/par1.err"; fi
project c8 c8_ 16
proxy_reset
runp par8 "$T/c8" deploy --endpoint-url "$PROXY" --concurrency 8
stats par8
bad=$(check par8 '1 < s["max_in_flight"] <= 8' '1 < at_once(ops("PutObject")) <= 8' \
	'1 < at_once(ops("CreateJob")) <= 8' '1 < at_once(ops("CreateTrigger")) <= 8' \
	'len(ops("PutObject")) == 21 and len(ops("CreateJob")) == 20')
set -- $(owned c8_)
if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$1" = 20 ] && [ "$2" = 20 ]
then ok "deploy-faults: --concurrency 8 runs uploads, jobs and triggers in parallel, never more than 8 at once"
else nok "deploy-faults: --concurrency 8 runs uploads, jobs and triggers in parallel, never more than 8 at once $bad (jobs, triggers: $*)" "$T/par8.out" "$T/par8.err"; fi
bad=$(check par8 's["connections"] <= 8' 's["requests"] >= 8 * s["connections"]')
if [ -z "$bad" ]
then ok "deploy-faults: connections are kept alive and reused (at most 8 for the deploy)"
else nok "deploy-faults: connections are kept alive and reused (at most 8 for the deploy) $bad"; fi
bad=$(check par8 'max(x["end"] for x in ops("PutObject")) < min(x["start"] for x in ops("CreateJob"))' \
	'max(x["end"] for x in ops("CreateJob")) < min(x["start"] for x in ops("CreateTrigger"))')
if [ -z "$bad" ]
then ok "deploy-faults: every script is stored before any job is created, every job before any trigger"
else nok "deploy-faults: every script is stored before any job is created, every job before any trigger $bad"; fi

# plan's reads: GetTags of every resource (--refresh) and the scripts' HeadObject, in parallel
proxy_reset
runp pl1 "$T/c8" plan --refresh --concurrency 1 --endpoint-url "$PROXY"
stats pl1
bad=$(check pl1 's["max_in_flight"] == 1' 'len(ops("GetTags")) >= 40' 'len(ops("HeadObject")) == 20')
proxy_reset
runp pl8 "$T/c8" plan --refresh --concurrency 8 --endpoint-url "$PROXY"
stats pl8
bad="$bad$(check pl8 '1 < at_once(ops("GetTags")) <= 8' '1 < at_once(ops("HeadObject")) <= 8' 's["connections"] <= 8')"
if [ $rc -eq 0 ] && [ -z "$bad" ] && grep -q '^No changes' "$T/pl8.out"
then ok "deploy-faults: plan --refresh reads tags and scripts in parallel (one at a time with --concurrency 1)"
else nok "deploy-faults: plan --refresh reads tags and scripts in parallel (one at a time with --concurrency 1) $bad" "$T/pl1.out" "$T/pl8.out" "$T/pl8.err"; fi
runp plc "$T/c8" plan --concurrency 0
if [ $rc -eq 1 ] && grep -q -- '--concurrency must be a number from 1 to 64' "$T/plc.err"
then ok "deploy-faults: plan --concurrency 0 is a usage error"
else nok "deploy-faults: plan --concurrency 0 is a usage error (exit $rc)" "$T/plc.err"; fi

# the deployed scripts of changed jobs (their schema lines classify the edit) are read in parallel
for f in "$T"/c8/pipelines/par*.pipe; do
	sed -i 's/^    user_id   string$/    user_id   string\n    extra     string/' "$f"
done
proxy_reset
runp pls "$T/c8" plan --concurrency 8 --endpoint-url "$PROXY"
stats pls
bad=$(check pls 'len(ops("GetObject")) == 16' '1 < at_once(ops("GetObject")) <= 8')
if [ $rc -eq 2 ] && [ -z "$bad" ] && [ "$(grep -c '^ *+++ b/par[0-9]*/job.py' "$T/pls.out")" = 16 ] &&
   ! grep -q 'could not be read' "$T/pls.out"
then ok "deploy-faults: the deployed scripts of 16 changed jobs are read in parallel and diffed"
else nok "deploy-faults: the deployed scripts of 16 changed jobs are read in parallel and diffed $bad" "$T/pls.out" "$T/pls.err"; fi
runp dps "$T/c8" deploy --concurrency 8 --endpoint-url "$PROXY"

# a replaced ruleset (its TargetTable cannot be updated) is deleted before it is created again
sed -i 's/lake\.orders /lake.orders2 /' "$T/c8/pipelines/orders.pipe"
proxy_reset
runp rep8 "$T/c8" deploy --endpoint-url "$PROXY" --concurrency 8
stats rep8
bad=$(check rep8 'len(ops("DeleteDataQualityRuleset")) == 1 == len(ops("CreateDataQualityRuleset"))' \
	'ops("DeleteDataQualityRuleset")[0]["end"] < ops("CreateDataQualityRuleset")[0]["start"]' \
	'ops("CreateDataQualityRuleset")[0]["name"] == "c8_orders-ruleset"')
if [ $rc -eq 0 ] && grep -q 'replaced ruleset c8_orders-ruleset' "$T/rep8.out" && [ -z "$bad" ]
then ok "deploy-faults: a replaced ruleset is deleted before it is created again"
else nok "deploy-faults: a replaced ruleset is deleted before it is created again $bad" "$T/rep8.out" "$T/rep8.err"; fi

# throttling (Glue's ThrottlingException with a retry-after, 429 and S3's
# SlowDown on uploads) is retried with backoff and the deploy converges;
# the retry-after of 300 ms is kept (measured from the proxy's clock, which
# notes an answer a little after it is sent: >= 250 ms; the backoff alone,
# PIPEC_RETRY_BASE_MS=5, would be a few ms)
proxy thr 'throttle=300@first3/CreateJob,http=429@first2/PutObject,slowdown@3/PutObject,throttle@first2/CreateTrigger' 20
project ct ct_ 16
runp thr1 "$T/ct" deploy --endpoint-url "$PROXY" --concurrency 8
stats thr1
bad=$(check thr1 'sum(x["status"] == 400 for x in ops("CreateJob")) == 3' \
	'sum(x["status"] == 429 for x in ops("PutObject")) == 2' \
	'sum(x["status"] == 503 for x in ops("PutObject")) == 1' \
	'sum(x["status"] == 400 for x in ops("CreateTrigger")) == 2' \
	'all(x["status"] == 200 for x in e if x["op"] in ("PutObject", "CreateJob", "CreateTrigger") and not [y for y in e if y["op"] == x["op"] and y["name"] == x["name"] and y["start"] > x["end"]])' \
	'all(min(y["start_ms"] for y in ops("CreateJob") if y["name"] == x["name"] and y["start"] > x["end"]) - x["end_ms"] >= 250 for x in ops("CreateJob") if x["status"] == 400)' \
	'max(x["end"] for x in ops("PutObject")) < min(x["start"] for x in ops("CreateJob"))')
set -- $(owned ct_)
runp thr2 "$T/ct" plan
if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$1" = 20 ] && [ "$2" = 20 ] && grep -q '^No changes' "$T/thr2.out"
then ok "deploy-faults: throttled calls and uploads are retried after their backoff (retry-after kept) and the deploy converges"
else nok "deploy-faults: throttled calls and uploads are retried after their backoff (retry-after kept) and the deploy converges $bad (jobs, triggers: $*)" "$T/thr1.out" "$T/thr1.err" "$T/thr2.out"; fi

# an upload that fails names its object, and no job (nor trigger) is created
proxy upf 'denied@2/PutObject' 20
project cu cu_ 0
runp upf1 "$T/cu" deploy --endpoint-url "$PROXY" --concurrency 8
stats upf1
bad=$(check upf1 'len(ops("CreateJob")) == len(ops("CreateTrigger")) == len(ops("UpdateJob")) == 0' \
	'len([x for x in ops("PutObject") if x["status"] == 400]) == 1' \
	'("upload of s3:/%s failed: " % [x for x in ops("PutObject") if x["status"] == 400][0]["name"]) in open("'"$T/upf1.err"'").read()')
set -- $(owned cu_)
if [ $rc -eq 1 ] && [ -z "$bad" ] && [ "$1" = 0 ] && [ "$2" = 0 ] && grep -q 'AccessDeniedException' "$T/upf1.err"
then ok "deploy-faults: a failed upload names the object that failed; no job that needs it is created"
else nok "deploy-faults: a failed upload names the object that failed; no job that needs it is created $bad (jobs, triggers: $*)" "$T/upf1.out" "$T/upf1.err"; fi

# a connection reset while a reused keep-alive connection carries an
# upload: curl sends the body again on a new connection, which needs the
# body rewound (without a seek callback it failed with "Send failed since
# rewinding of the data stream failed" and the deploy stopped)
proxy rew 'reset@2/PutObject'
project rw rw_ 0
runp rew1 "$T/rw" deploy --endpoint-url "$PROXY" --concurrency 1
set -- $(owned rw_)
if [ $rc -eq 0 ] && grep -q 'action=reset' "$T/rew.log" && [ "$1" = 4 ] && [ "$2" = 4 ]
then ok "deploy-faults: an upload reset on a reused connection is sent again; the deploy completes"
else nok "deploy-faults: an upload reset on a reused connection is sent again; the deploy completes (exit $rc, jobs, triggers: $*)" "$T/rew1.out" "$T/rew1.err" "$T/rew.log"; fi

if grep -qF "$SK" "$ALL" "$T"/*.log 2>/dev/null
then nok "deploy-faults: no credential value in any output"
else ok "deploy-faults: no credential value in any output"; fi
