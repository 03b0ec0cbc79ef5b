#!/bin/sh
# Self-tests of the Python test instruments (tests/tools, tests/standin): each
# instrument must pass a known-good input and must fail the known-bad ones.
# Needs python3 with boto3 + moto, and pyflakes/pycodestyle (make deps).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${SUITE_TMP:-$(mktemp -d -t pipec-tools.XXXXXX)}
TOOLS=$ROOT/tests/tools
FX=$TOOLS/fixtures
PY=python3
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
}
trap cleanup EXIT INT TERM

ok() { echo "ok $1"; }
notok() {
	echo "not ok $1"
	shift
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}

# free_port: a loopback port nobody listens on (tiny race accepted).
free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# build_case NAME: good/orders overlaid with fixtures/bad/NAME, in $T/NAME.
build_case() {
	rm -rf "$T/$1"
	mkdir -p "$T/$1"
	cp -r "$FX/good/orders" "$T/$1/"
	cp "$FX/bad/$1"/* "$T/$1/orders/"
}

# expect_fail NAME CHECK TEXT...: check_artifacts must exit 1, report
# `not ok orders: CHECK` and print every TEXT.
expect_fail() {
	name=$1
	check=$2
	shift 2
	build_case "$name"
	$PY "$TOOLS/check_artifacts.py" "$T/$name" >"$T/$name.out" 2>&1
	rc=$?
	miss=""
	[ "$rc" -eq 1 ] || miss="exit status $rc, expected 1"
	grep -q "^not ok orders: $check" "$T/$name.out" || miss="$miss; no 'not ok orders: $check'"
	for text in "$@"; do
		grep -qF -- "$text" "$T/$name.out" || miss="$miss; missing '$text'"
	done
	if [ -z "$miss" ]; then
		ok "check_artifacts flags $name"
	else
		notok "check_artifacts flags $name" "$miss" "$(sed -n '1,40p' "$T/$name.out")"
	fi
}

# -- include_cycles: the module graph of compiler/ and runtime/ has no cycle,
# and a cycle in a made-up tree is caught
if out=$($PY "$TOOLS/include_cycles.py" "$ROOT" 2>&1) && echo "$out" | grep -q ', 0 cycles, '; then
	ok "include_cycles finds no include cycle in compiler/ and runtime/"
else
	notok "include_cycles finds no include cycle in compiler/ and runtime/" "$out"
fi
mkdir -p "$T/cycles/compiler"
printf '#include "b.h"\n' >"$T/cycles/compiler/a.c"
printf '#include "c.h"\n' >"$T/cycles/compiler/b.h"
printf '#include "a.h"\n' >"$T/cycles/compiler/c.c"
printf '#include "b.h"\n' >"$T/cycles/compiler/a.h"
$PY "$TOOLS/include_cycles.py" "$T/cycles" >"$T/cycles.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -qx 'cycle: a -> b -> c -> a' "$T/cycles.out"; then
	ok "include_cycles flags a cycle through a header"
else
	notok "include_cycles flags a cycle through a header" "exit $rc" "$(cat "$T/cycles.out")"
fi
# a private header x_internal.h is module x: including x.h is no cycle, but
# reaching x.h again through another module is
mkdir -p "$T/priv/runtime"
printf '#include "x_internal.h"\n' >"$T/priv/runtime/x.c"
printf '#include "x.h"\n#include "y.h"\n' >"$T/priv/runtime/x_internal.h"
printf '\n' >"$T/priv/runtime/y.h"
$PY "$TOOLS/include_cycles.py" "$T/priv" >"$T/priv.out" 2>&1
rc=$?
printf '#include "x.h"\n' >"$T/priv/runtime/y.h"
$PY "$TOOLS/include_cycles.py" "$T/priv" >"$T/priv2.out" 2>&1
rc2=$?
if [ "$rc" -eq 0 ] && grep -q '2 modules, 0 cycles' "$T/priv.out" &&
	[ "$rc2" -eq 1 ] && grep -qx 'cycle: x -> y -> x' "$T/priv2.out"; then
	ok "include_cycles counts x_internal.h as module x"
else
	notok "include_cycles counts x_internal.h as module x" "exit $rc/$rc2" "$(cat "$T/priv.out" "$T/priv2.out")"
fi

# -- func_length: no function of compiler/ or runtime/ is over 150 lines; the
# scanner's self-test on inline samples keeps it from passing by seeing nothing
out=$($PY "$TOOLS/func_length.py" --self-test 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok '; then
	notok "func_length self-test" "exit $rc"
fi
if out=$($PY "$TOOLS/func_length.py" "$ROOT" 2>&1) &&
	echo "$out" | grep -q ' 0 functions over 150 lines$'; then
	ok "func_length finds no function over 150 lines in compiler/ and runtime/"
else
	notok "func_length finds no function over 150 lines in compiler/ and runtime/" "$out"
fi
# a made-up tree: a 151-line function in runtime/ is reported, a 150-line one
# in compiler/ is not
mkdir -p "$T/long/compiler" "$T/long/runtime"
$PY - "$T/long" <<'EOF'
import sys
def fn(name, lines):
    body = "".join("\tx += %d;\n" % i for i in range(lines - 4))
    return "int %s(int x)\n{\n%s\treturn x;\n}\n" % (name, body)
open(sys.argv[1] + "/compiler/a.c", "w").write(fn("fits", 150))
open(sys.argv[1] + "/runtime/b.c", "w").write("/* b */\n" + fn("too_long", 151))
EOF
$PY "$TOOLS/func_length.py" "$T/long" >"$T/long.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -qx 'runtime/b.c:2 too_long 151' "$T/long.out" &&
	grep -qx '2 files, 1 functions over 150 lines' "$T/long.out"; then
	ok "func_length flags a function of 151 lines and passes one of 150"
else
	notok "func_length flags a function of 151 lines and passes one of 150" "exit $rc" "$(cat "$T/long.out")"
fi

# -- the stand-in itself
$PY "$TOOLS/standin_selftest.py" || true

# -- check_artifacts on the hand-written good pipeline
$PY "$TOOLS/check_artifacts.py" "$FX/good" >"$T/good.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q '^not ok' "$T/good.out" && grep -q '^ok orders: merge keys' "$T/good.out"; then
	ok "check_artifacts passes the good fixture"
else
	notok "check_artifacts passes the good fixture" "exit $rc" "$(grep -A8 '^not ok' "$T/good.out" | head -40)"
fi

expect_fail static-conf "no API misuse" "Cannot modify the value of a static config: spark.sql.extensions" \
	"spark.conf.set('spark.sql.extensions') in job.py"
expect_fail merge-into "no API misuse" "'DataFrame' object has no attribute 'mergeInto'"
expect_fail unknown-kwarg "no API misuse" "unexpected keyword argument 'transformation_context'"
expect_fail jobjson-two-problems "job.json pipec rules" "WorkerType 'G.025X' is not a Glue 5.1 Spark worker type" \
	"--conf key spark.sql.extensions given twice"
expect_fail watermark-constant "watermark predicate" "does not use the value read from the target"
expect_fail triggers "trigger orders-schedule" "cron needs 6 fields" "ON_DEMAND trigger must not set StartOnCreation true"

# -- run_job.py: both paths and the Data Quality outcome are driven from outside
$PY "$TOOLS/run_job.py" "$FX/good" orders --first-run >"$T/first.json" 2>"$T/first.err"
rc1=$?
$PY "$TOOLS/run_job.py" "$FX/good" orders --incremental >"$T/inc.json" 2>"$T/inc.err"
rc2=$?
$PY "$TOOLS/run_job.py" "$FX/good" orders --incremental --dq fail >"$T/dqfail.json" 2>"$T/dqfail.err"
rc3=$?
if out=$($PY - "$T/first.json" "$T/inc.json" "$T/dqfail.json" <<'EOF'
import json, sys
first, inc, dqf = (json.load(open(p)) for p in sys.argv[1:4])
probs = []
def wm(res):
    return [e["values"] for e in res["trace"]["events"]
            if e["kind"] == "collect" and e.get("origin", "").endswith(".orders")]
if wm(first) != [[{"wm": None}]]:
    probs.append("first run MAX(updated_at) should be None: %s" % wm(first))
if wm(inc) != [[{"wm": "2024-01-01 00:00:00"}]]:
    probs.append("incremental MAX(updated_at) should be the watermark: %s" % wm(inc))
names = [e["names"] for e in inc["trace"]["events"] if e["kind"] == "getResolvedOptions"]
if names != [["JOB_NAME", "target_namespace", "initial_watermark"]]:
    probs.append("getResolvedOptions names not traced: %s" % names)
if "--JOB_NAME" not in inc["argv"] or "--conf" not in inc["argv"]:
    probs.append("argv not built from job.json: %s" % inc["argv"])
if dqf["exit_code"] == 0 or dqf["trace"]["exit"]["status"] != "exception":
    probs.append("--dq fail did not make the job fail: %s" % dqf["trace"]["exit"])
if not any(e["kind"] == "job.commit" for e in inc["trace"]["events"]):
    probs.append("job.commit not traced")
print("\n".join(probs))
sys.exit(1 if probs else 0)
EOF
) && [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$rc3" -ne 0 ]; then
	ok "run_job drives first-run, incremental and failing Data Quality"
else
	notok "run_job drives first-run, incremental and failing Data Quality" \
		"exit codes $rc1 $rc2 $rc3" "$out" "$(tail -5 "$T/first.err" "$T/inc.err")"
fi

# -- moto_plus behind moto_auth.sh: UpdateJob / ruleset round trip with auth on
MPORT=$(free_port)
if MOTO_PID_FILE="$T/moto.pid" bash "$TOOLS/moto_auth.sh" "$MPORT" >"$T/moto.env" 2>"$T/moto.err"; then
	PIDS="$PIDS $(cat "$T/moto.pid")"
	. "$T/moto.env"
	if out=$($PY - "$FX/good/orders" <<'EOF' 2>&1
import copy, json, os, sys, urllib.request
import boto3, botocore.config, botocore.exceptions
d = sys.argv[1]
cfg = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})
g = boto3.client("glue", config=cfg)
probs = []
def code(fn, **kw):
    try:
        fn(**kw)
        return "OK"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
job = json.load(open(os.path.join(d, "job.json")))
g.create_job(**job)
if code(g.create_job, **job) != "AlreadyExistsException":
    probs.append("CreateJob of an existing job was not AlreadyExistsException")
upd = {k: v for k, v in job.items() if k not in ("Name", "Tags", "Description")}
upd["NumberOfWorkers"] = 4
g.update_job(JobName="orders", JobUpdate=upd)
got = g.get_job(JobName="orders")["Job"]
if got.get("NumberOfWorkers") != 4 or "Description" in got:
    probs.append("UpdateJob is not a full overwrite: %s" % {k: got.get(k) for k in
                 ("NumberOfWorkers", "Description")})
bad = dict(upd, WorkerType="Q.3X")
if code(g.update_job, JobName="orders", JobUpdate=bad) != "InvalidInputException":
    probs.append("UpdateJob with an invalid WorkerType was accepted")
if code(g.update_job, JobName="nope", JobUpdate=upd) != "EntityNotFoundException":
    probs.append("UpdateJob of a missing job was not EntityNotFoundException")
wrong = boto3.client("glue", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                     aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"] + "x",
                     config=cfg)
if code(wrong.update_job, JobName="orders", JobUpdate=upd) == "OK":
    probs.append("UpdateJob with a wrong secret was accepted (auth not enforced)")
rs = json.load(open(os.path.join(d, "ruleset.json")))
g.create_data_quality_ruleset(**rs)
g.update_data_quality_ruleset(Name=rs["Name"], Ruleset="Rules = [ RowCount > 0 ]")
if g.get_data_quality_ruleset(Name=rs["Name"])["Ruleset"] != "Rules = [ RowCount > 0 ]":
    probs.append("UpdateDataQualityRuleset did not stick")
lst = g.list_data_quality_rulesets()["Rulesets"]
if [r["Name"] for r in lst] != [rs["Name"]]:
    probs.append("ListDataQualityRulesets: %s" % lst)
acct = boto3.client("sts", config=cfg).get_caller_identity()["Account"]
arn = "arn:aws:glue:us-east-1:%s:dataQualityRuleset/%s" % (acct, rs["Name"])
if g.get_tags(ResourceArn=arn)["Tags"] != rs["Tags"]:
    probs.append("GetTags on the ruleset: %s" % g.get_tags(ResourceArn=arn))
g.delete_data_quality_ruleset(Name=rs["Name"])
if code(g.get_data_quality_ruleset, Name=rs["Name"]) != "EntityNotFoundException":
    probs.append("deleted ruleset still found")
g.create_trigger(Name="t1", Type="SCHEDULED", Schedule="cron(0 1 * * ? *)",
                 Actions=[{"JobName": "orders"}])
if g.update_trigger(Name="t1", TriggerUpdate={"Schedule": "cron(0 2 * * ? *)"})[
        "Trigger"]["Schedule"] != "cron(0 2 * * ? *)":
    probs.append("UpdateTrigger did not change the schedule")
ep = os.environ["AWS_ENDPOINT_URL"]
calls = json.load(urllib.request.urlopen(ep + "/pipec-test/calls"))
want = {"glue.CreateJob": 2, "glue.UpdateJob": 4, "glue.CreateDataQualityRuleset": 1,
        "glue.UpdateTrigger": 1}
for k, v in want.items():
    if calls["calls"].get(k) != v:
        probs.append("call count %s = %s, expected %s" % (k, calls["calls"].get(k), v))
urllib.request.urlopen(urllib.request.Request(ep + "/pipec-test/calls/reset", data=b"",
                                              method="POST")).read()
if json.load(urllib.request.urlopen(ep + "/pipec-test/calls"))["total"] != 0:
    probs.append("reset did not zero the counters")
print("\n".join(probs))
sys.exit(1 if probs else 0)
EOF
	); then
		ok "moto_plus UpdateJob/UpdateTrigger/ruleset round trip with auth on"
	else
		notok "moto_plus UpdateJob/UpdateTrigger/ruleset round trip with auth on" "$out"
	fi

	# -- fault_proxy in front of moto_plus injects exactly what its plan says
	$PY "$TOOLS/fault_proxy.py" 0 "$AWS_ENDPOINT_URL" --plan 'throttle@1,500@2,reset@3,slow=1@4,denied@1/GetTags' \
		--log "$T/proxy.log" --port-file "$T/proxy.port" --lifetime 120 2>"$T/proxy.err" &
	PPID_PROXY=$!
	PIDS="$PIDS $PPID_PROXY"
	i=0
	while [ ! -s "$T/proxy.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if out=$($PY - "$(cat "$T/proxy.port" 2>/dev/null)" <<'EOF' 2>&1
import json, sys, time, urllib.request
import boto3, botocore.config, botocore.exceptions
ep = "http://127.0.0.1:%s" % sys.argv[1]
g = boto3.client("glue", endpoint_url=ep, config=botocore.config.Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=10))
got = []
for _ in range(5):
    t = time.time()
    try:
        g.get_jobs()
        r = "ok"
    except botocore.exceptions.ClientError as e:
        r = e.response["Error"]["Code"]
    except botocore.exceptions.BotoCoreError as e:
        r = "connection"
    got.append((r, time.time() - t))
try:
    g.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:job/x")
    got.append(("ok", 0))
except botocore.exceptions.ClientError as e:
    got.append((e.response["Error"]["Code"], 0))
codes = [c for c, _ in got]
want = ["ThrottlingException", "InternalServiceException", "connection", "ok", "ok",
        "AccessDeniedException"]
probs = []
if codes != want:
    probs.append("answers %s, expected %s" % (codes, want))
if not got[3][1] >= 0.9:
    probs.append("slow=1 answered in %.2fs" % got[3][1])
stats = json.load(urllib.request.urlopen(ep + "/__fault_proxy/stats"))
if stats["requests"] != 6 or stats["actions"] != {"throttle": 1, "500": 1, "reset": 1,
                                                  "slow=1": 1, "ok": 1, "denied": 1}:
    probs.append("stats %s" % stats)
print("\n".join(probs))
sys.exit(1 if probs else 0)
EOF
	); then
		ok "fault_proxy injects throttle, 500, reset, slow and per-operation faults as planned"
	else
		notok "fault_proxy injects throttle, 500, reset, slow and per-operation faults as planned" "$out" \
			"$(cat "$T/proxy.err" "$T/proxy.log" 2>/dev/null | tail -12)"
	fi
	kill "$PPID_PROXY" 2>/dev/null
	i=0
	while kill -0 "$PPID_PROXY" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if ! kill -0 "$PPID_PROXY" 2>/dev/null && grep -q '^# fault_proxy.py: 6 requests' "$T/proxy.log"; then
		ok "fault_proxy stops cleanly on SIGTERM and logs its summary"
	else
		notok "fault_proxy stops cleanly on SIGTERM and logs its summary" "$(tail -3 "$T/proxy.log" 2>/dev/null)"
	fi
	kill "$(cat "$T/moto.pid")" 2>/dev/null
else
	notok "moto_plus starts behind moto_auth.sh" "$(tail -20 "$T/moto.err")"
fi

# -- the deploy bench (tests/bench/deploy.sh) runs end to end against its
# in-memory stand-in (tests/bench/fast_aws.py) on 3 pipelines, no latency: it
# fails unless every deploy succeeds and every unchanged plan says so.
if LATENCY_MS=0 BENCH_SERVER=fast sh "$ROOT/tests/bench/deploy.sh" "$BUILD" 3 >"$T/bench.out" 2>&1 &&
	grep -q '^unchanged plan: [0-9]* calls' "$T/bench.out" &&
	grep -q '^deploy  *1[0-9] ' "$T/bench.out"; then
	ok "the deploy bench deploys and re-plans 3 pipelines against fast_aws.py"
else
	notok "the deploy bench deploys and re-plans 3 pipelines against fast_aws.py" "$(tail -20 "$T/bench.out")"
fi
exit 0
