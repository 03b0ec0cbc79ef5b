#!/bin/sh
# pipec run and pipec status against moto with auth enforced: the test
# project is deployed, then runs are scripted through moto_plus.py's
# /pipec-test/runs (states, error message, DPU-seconds and the log lines
# each GetJobRun of the run writes to /aws-glue/jobs/output and /error, in
# the driver's stream "<run id>-driver" of Glue 5, or "<run id>").
# Servers on 127.0.0.1, stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=run-status
. "$ROOT/tests/tools/aws_suite.sh"
export PIPEC_RETRY_BASE_MS=5
export PIPEC_RUN_POLL_MS=20
start_moto
MOTO=$AWS_ENDPOINT_URL

P="$T/project"
cp -r "$ROOT/tests/plan/project" "$P"
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "run-status: script bucket created" "$T/bucket.err"

# run NAME ARGS...: pipec ARGS in the project; $T/NAME.out, .err, $rc
run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
# script JOB JSON-STEPS: the next run of JOB follows these steps
script() {
	python3 - "$MOTO" "$1" "$2" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/pipec-test/runs", method="POST",
    data=json.dumps({"job": sys.argv[2], "steps": json.loads(sys.argv[3])}).encode())
urllib.request.urlopen(req).read()
PY
}
# runs FILE: the runs moto_plus saw start, as JSON
runs() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "/pipec-test/runs").read().decode())' "$MOTO" >"$1"; }
calls() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls").read().decode())' "$MOTO" >"$1"; }

run deploy deploy
if [ $rc -eq 0 ]; then ok "run-status: the project deploys"; else nok "run-status: the project deploys" "$T/deploy.out" "$T/deploy.err"; fi

# from here on moto_plus counts what run and status call (checked against
# iam-policy --for operator at the end)
python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$MOTO"

# 1. without --follow: the run id, and StartJobRun's arguments as sent
run start run events
runs "$T/runs1.json"
if [ $rc -eq 0 ] && python3 - "$T/start.out" "$T/runs1.json" <<'PY'
import json, sys
out = open(sys.argv[1]).read()
runs = json.load(open(sys.argv[2]))["runs"]
assert len(runs) == 1 and runs[0]["job"] == "dev_events", runs
assert runs[0]["arguments"] is None, runs[0]      # no Arguments member sent
assert out == "events: started run %s\n" % runs[0]["id"], out
assert runs[0]["polls"] == 0, runs[0]              # not followed
PY
then ok "run-status: run prints the run id of the job deploy named (dev_events), sends no Arguments, does not poll"
else nok "run-status: run prints the run id of the job deploy named (dev_events), sends no Arguments, does not poll" "$T/start.out" "$T/start.err" "$T/runs1.json"; fi

# 2. --follow to SUCCEEDED: states, log lines in order without duplicates
script dev_orders '[{"state": "RUNNING", "output": ["orders: read 120 rows", "line 2"], "output_bare": ["bare 1"]},
 {"state": "RUNNING"},
 {"state": "RUNNING", "output": ["line 3"], "error": ["WARN spark thing\nsecond line of it"]},
 {"state": "RUNNING", "output": ["orders: wrote 118 rows"]},
 {"state": "SUCCEEDED", "execution_time": 95, "dpu_seconds": 720.0}]'
run follow1 run --follow orders --arg watermark_lag_seconds=60 --arg job-bookmark-option=job-bookmark-disable
runs "$T/runs2.json"
if [ $rc -eq 0 ] && python3 - "$T/follow1.out" "$T/runs2.json" <<'PY'
import json, sys
out = open(sys.argv[1]).read().splitlines()
r = json.load(open(sys.argv[2]))["runs"][-1]
rid = r["id"]
want = ["orders: started run " + rid, "orders: RUNNING", "[output] bare 1",
        "[output] orders: read 120 rows", "[output] line 2",
        "[output] line 3", "[error] WARN spark thing", "[error] second line of it",
        "[output] orders: wrote 118 rows",
        "orders: SUCCEEDED (run %s, 95 s)" % rid]
assert out == want, "\n".join(out)
assert r["arguments"] == {"--watermark_lag_seconds": "60",
                          "--job-bookmark-option": "job-bookmark-disable"}, r
PY
then ok "run-status: --follow to SUCCEEDED: exit 0, every log line once and in order (streams <run id> and <run id>-driver), stream kinds, --arg sent as --KEY"
else nok "run-status: --follow to SUCCEEDED: exit 0, every log line once and in order (streams <run id> and <run id>-driver), stream kinds, --arg sent as --KEY" "$T/follow1.out" "$T/follow1.err" "$T/runs2.json"; fi

# 3. FAILED, TIMEOUT, STOPPED, ERROR: exit 1 with the run's error message
for st in FAILED TIMEOUT STOPPED ERROR; do
	script dev_customers '[{"state": "RUNNING", "error": ["Traceback: boom", "\u001b[31mred\u001b[0m\u0007"]},
	 {"state": "'$st'", "error_message": "AnalysisException: no such table '"$st"'"}]'
	run "fail-$st" run --follow customers
	if [ $rc -eq 1 ] && grep -q "^\[error\] Traceback: boom$" "$T/fail-$st.out" &&
	   grep -q "^customers: $st (run jr_[0-9a-f]*): AnalysisException: no such table $st$" "$T/fail-$st.out" &&
	   grep -q '^\[error\] \\x1b\[31mred\\x1b\[0m\\x07$' "$T/fail-$st.out" && ! grep -q "$(printf '\033')" "$T/fail-$st.out"
	then ok "run-status: --follow to $st exits 1 and prints the run's ErrorMessage (log control characters as \\xNN)"
	else nok "run-status: --follow to $st exits 1 and prints the run's ErrorMessage (log control characters as \\xNN)" "$T/fail-$st.out" "$T/fail-$st.err"; fi
done

# 4. several pipelines: all started, lines prefixed with the pipeline, exit 1 if one fails
script dev_orders '[{"state": "RUNNING", "output": ["o1"]}, {"state": "SUCCEEDED"}]'
script dev_events '[{"state": "RUNNING", "output": ["e1"]}, {"state": "RUNNING"}, {"state": "FAILED", "error_message": "bad"}]'
run multi run --follow orders events
if [ $rc -eq 1 ] && grep -q '^orders \[output\] o1$' "$T/multi.out" && grep -q '^events \[output\] e1$' "$T/multi.out" &&
   grep -q '^orders: SUCCEEDED' "$T/multi.out" && grep -q '^events: FAILED (run .*): bad$' "$T/multi.out"
then ok "run-status: several NAMEs: all followed, lines prefixed with the pipeline, exit 1 when one fails"
else nok "run-status: several NAMEs: all followed, lines prefixed with the pipeline, exit 1 when one fails" "$T/multi.out" "$T/multi.err"; fi

# 5. refusals, before any run starts
runs "$T/before.json"
run unknown run ordrs
if [ $rc -eq 2 ] && grep -q "'ordrs' is not a pipeline of project 'plantest'" "$T/unknown.err" &&
   grep -q "^help: did you mean 'orders'?$" "$T/unknown.err"
then ok "run-status: an unknown pipeline is a usage error (2) with did-you-mean"
else nok "run-status: an unknown pipeline is a usage error (2) with did-you-mean" "$T/unknown.err"; fi
run reserved run orders --arg JOB_NAME=x
run reserved2 run orders --arg conf=spark.x=1
if [ $rc -eq 2 ] && grep -q "'conf' is reserved" "$T/reserved2.err" && grep -q "'JOB_NAME' is reserved" "$T/reserved.err"
then ok "run-status: reserved Glue arguments (--JOB_NAME, --conf) are refused (2)"
else nok "run-status: reserved Glue arguments (--JOB_NAME, --conf) are refused (2)" "$T/reserved.err" "$T/reserved2.err"; fi
run undefined run orders --arg watermark_lag_second=5
if [ $rc -eq 2 ] && grep -q "the job of pipeline 'orders' takes no argument 'watermark_lag_second'" "$T/undefined.err" &&
   grep -q "did you mean 'watermark_lag_seconds'" "$T/undefined.err"
then ok "run-status: an argument the job does not define is refused (2) with did-you-mean"
else nok "run-status: an argument the job does not define is refused (2) with did-you-mean" "$T/undefined.err"; fi
# not deployed: a pipeline added after the deploy
sed 's/pipeline events/pipeline late/; s/analytics.events/analytics.late/' "$P/pipelines/events.pipe" >"$P/pipelines/late.pipe"
run notdeployed run orders late
if [ $rc -eq 1 ] && grep -q "the job 'dev_late' of pipeline 'late' is not deployed in environment 'dev'" "$T/notdeployed.err"
then ok "run-status: a job not deployed is refused (1)"
else nok "run-status: a job not deployed is refused (1)" "$T/notdeployed.err"; fi
# owned by another project: the same job name, tags of another project
python3 - <<'PY' >"$T/other.err" 2>&1
import boto3
g = boto3.client("glue")
g.delete_job(JobName="dev_clicks")
g.create_job(Name="dev_clicks", Role="arn:aws:iam::123456789012:role/x",
             Command={"Name": "glueetl", "ScriptLocation": "s3://plantest-artifacts/x.py"},
             Tags={"pipec:project": "other", "pipec:environment": "dev", "pipec:owner": "other/dev"})
PY
run notowned run clicks
if [ $rc -eq 1 ] && grep -q "the job 'dev_clicks' of pipeline 'clicks' is not owned by project 'plantest', environment 'dev' (pipec:owner=other/dev)" "$T/notowned.err"
then ok "run-status: a job another project owns is refused (1), naming its owner"
else nok "run-status: a job another project owns is refused (1), naming its owner" "$T/notowned.err" "$T/other.err"; fi
runs "$T/after.json"
if cmp -s "$T/before.json" "$T/after.json"
then ok "run-status: no run started by a refused command (not even the valid NAME before a refused one)"
else nok "run-status: no run started by a refused command (not even the valid NAME before a refused one)" "$T/before.json" "$T/after.json"; fi

# 6. SIGINT with --stop-on-interrupt: BatchStopJobRun, then followed to STOPPED
script dev_orders '[{"state": "RUNNING", "output": ["working"]}]'
(cd "$P" && exec "$PIPEC" run --follow --stop-on-interrupt orders </dev/null) >"$T/int.out" 2>"$T/int.err" &
RPID=$!
i=0
while ! grep -q working "$T/int.out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $RPID
wait $RPID
rc=$?
runs "$T/runs-int.json"
if [ $rc -eq 1 ] && grep -q '^orders: stopping run ' "$T/int.out" && grep -q '^orders: STOPPED (run ' "$T/int.out" &&
   python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["runs"][-1]; sys.exit(0 if r["stop_requests"] == 1 and r["state"] == "STOPPED" else 1)' "$T/runs-int.json"
then ok "run-status: Ctrl-C with --stop-on-interrupt stops the run (BatchStopJobRun) and follows it to STOPPED (exit 1)"
else nok "run-status: Ctrl-C with --stop-on-interrupt stops the run (BatchStopJobRun) and follows it to STOPPED (exit 1)" "$T/int.out" "$T/int.err" "$T/runs-int.json"; fi

# 7. SIGINT without it, stdin not a terminal: stop following, the run goes on
script dev_orders '[{"state": "RUNNING", "output": ["still working"]}]'
(cd "$P" && exec "$PIPEC" run --follow orders </dev/null) >"$T/int2.out" 2>"$T/int2.err" &
RPID=$!
i=0
while ! grep -q working "$T/int2.out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $RPID
wait $RPID
rc=$?
runs "$T/runs-int2.json"
RID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][-1]["id"])' "$T/runs-int2.json")
if [ $rc -eq 130 ] && grep -q "^  pipec run --run-id $RID orders$" "$T/int2.err" &&
   python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["runs"][-1]; sys.exit(0 if r["stop_requests"] == 0 and r["state"] == "RUNNING" else 1)' "$T/runs-int2.json"
then ok "run-status: Ctrl-C without a terminal stops following (130), leaves the run going and prints how to follow again"
else nok "run-status: Ctrl-C without a terminal stops following (130), leaves the run going and prints how to follow again" "$T/int2.out" "$T/int2.err" "$T/runs-int2.json"; fi
# following again with --run-id prints the log from its start, then the stop
(cd "$P" && exec "$PIPEC" run --stop-on-interrupt --run-id "$RID" orders </dev/null) >"$T/again.out" 2>"$T/again.err" &
RPID=$!
i=0
while ! grep -q working "$T/again.out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $RPID
wait $RPID
rc=$?
if [ $rc -eq 1 ] && [ "$(grep -c 'still working' "$T/again.out")" = 1 ] && grep -q '^orders: STOPPED' "$T/again.out"
then ok "run-status: --run-id follows a run already started (its log from the start, once)"
else nok "run-status: --run-id follows a run already started (its log from the start, once)" "$T/again.out" "$T/again.err"; fi

# 7b. Ctrl-C with standard input a terminal: pipec asks; "y" stops the run
script dev_orders '[{"state": "RUNNING", "output": ["asking"]}]'
python3 - "$PIPEC" "$P" >"$T/pty.out" 2>&1 <<'PY'
import os, pty, select, signal, sys, time
pipec, proj = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.chdir(proj)
    os.execv(pipec, [pipec, "run", "--follow", "orders"])
buf = b""
def read_until(word, secs=20):
    global buf
    end = time.time() + secs
    while word not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
    return word in buf
ok = read_until(b"[output] asking")
os.kill(pid, signal.SIGINT)
ok = ok and read_until(b"[y/N]")
os.write(fd, b"y\n")
read_until(b"STOPPED (run")
_, st = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
print("\nprompted=%s exit=%d" % (ok, os.waitstatus_to_exitcode(st)))
PY
runs "$T/runs-pty.json"
if grep -q '^prompted=True exit=1$' "$T/pty.out" && grep -q 'orders: stopping run' "$T/pty.out" &&
   python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["runs"][-1]; sys.exit(0 if r["stop_requests"] == 1 and r["state"] == "STOPPED" else 1)' "$T/runs-pty.json"
then ok "run-status: Ctrl-C on a terminal asks whether to stop; 'y' stops the run (BatchStopJobRun) and follows it to STOPPED"
else nok "run-status: Ctrl-C on a terminal asks whether to stop; 'y' stops the run (BatchStopJobRun) and follows it to STOPPED" "$T/pty.out" "$T/runs-pty.json"; fi

# 8. status: runs (newest first), trigger, data quality, rows, watermark, a never-deployed pipeline
script dev_orders '[{"state": "RUNNING", "error": ["26/12/07 04:00:01 INFO GlueLogger: orders: reading rows with updated_at > 2026-01-01 00:00:00",
   "26/12/07 04:00:02 INFO GlueLogger: orders: read 120 rows"]},
 {"state": "RUNNING", "error": ["26/12/07 04:00:09 INFO GlueLogger: orders: wrote 118 rows"]},
 {"state": "SUCCEEDED", "execution_time": 360, "dpu_seconds": 1440.0}]'
run last run --follow orders
runs "$T/runs-last.json"
python3 - "$MOTO" "$T/runs-last.json" <<'PY' >"$T/dq.err" 2>&1
import json, sys, time, urllib.request
rid = json.load(open(sys.argv[2]))["runs"][-1]["id"]
now = time.time()
old = {"ResultId": "dqresult-old", "Score": 1.0, "JobName": "dev_orders", "JobRunId": "jr_old",
       "RulesetName": "dev_orders-ruleset", "StartedOn": now - 3600, "CompletedOn": now - 3500,
       "RuleResults": [{"Name": "Rule_1", "Result": "PASS"}]}
new = {"ResultId": "dqresult-new", "Score": 0.5, "JobName": "dev_orders", "JobRunId": rid,
       "RulesetName": "dev_orders-ruleset", "StartedOn": now, "CompletedOn": now + 10,
       "RuleResults": [{"Name": "Rule_1", "Description": "IsComplete \"order_id\"", "Result": "FAIL",
                        "EvaluationMessage": "Value: 0.9 does not meet the constraint requirement!"},
                       {"Name": "Rule_2", "Result": "PASS"}]}
other = dict(new, ResultId="dqresult-events", JobName="dev_events", StartedOn=now + 100)
req = urllib.request.Request(sys.argv[1] + "/pipec-test/dq-results", method="POST",
                             data=json.dumps({"results": [old, new, other]}).encode())
urllib.request.urlopen(req).read()
PY
script dev_events '[{"state": "RUNNING"}, {"state": "SUCCEEDED", "execution_time": 1800}]'
run ev run --follow events
run sev status --format json --runs 1 events
python3 -c 'import boto3; print(boto3.client("glue").get_job(JobName="dev_events")["Job"]["MaxCapacity"])' >"$T/cap.txt" 2>&1
if [ $rc -eq 0 ] && python3 - "$T/sev.out" "$T/cap.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["pipelines"][0]["runs"]
cap = float(open(sys.argv[2]).read())
assert len(r) == 1 and r[0]["state"] == "SUCCEEDED", r
assert r[0]["dpu_hours"] == round(1800 * cap / 3600, 2) and r[0]["duration_seconds"] == 1800, (r, cap)
PY
then ok "run-status: status: DPU-hours from ExecutionTime x MaxCapacity when the run has no DPUSeconds"
else nok "run-status: status: DPU-hours from ExecutionTime x MaxCapacity when the run has no DPUSeconds" "$T/sev.out" "$T/sev.err" "$T/cap.txt"; fi
run sjson status --format json --runs 2 orders late clicks
if [ $rc -eq 0 ] && python3 - "$T/sjson.out" "$T/runs-last.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
runs = [r for r in json.load(open(sys.argv[2]))["runs"] if r["job"] == "dev_orders"]
assert d["version"] == 1 and d["project"] == "plantest" and d["environment"] == "dev", d
o, late, clicks = d["pipelines"]
assert o["pipeline"] == "orders" and o["job"] == "dev_orders" and o["state"] == "deployed", o
assert [r["id"] for r in o["runs"]] == [runs[-1]["id"], runs[-2]["id"]], o["runs"]
r0, r1 = o["runs"]
assert r0["state"] == "SUCCEEDED" and r0["duration_seconds"] == 360 and r0["dpu_hours"] == 0.4, r0
assert r0["error_message"] is None and r0["started_on"].endswith("Z"), r0
assert r1["state"] == "STOPPED", r1
assert o["triggers"] == [{"name": "dev_orders-trigger", "state": "ACTIVATED"}] or \
       o["triggers"][0]["name"] == "dev_orders-trigger", o["triggers"]
assert o["rows"] == {"run_id": r0["id"], "read": 120, "written": 118}, o["rows"]
q = o["data_quality"]
assert q["result_id"] == "dqresult-new" and q["score"] == 0.5 and q["run_id"] == r0["id"], q
assert q["failed_rules"] == [{"rule": "Rule_1", "message": "Value: 0.9 does not meet the constraint requirement!"}], q
assert o["watermark"] == {"column": "updated_at", "readable": False, "high": None,
                          "last_read_from": "updated_at > 2026-01-01 00:00:00"}, o["watermark"]
assert late == {"pipeline": "late", "job": "dev_late", "state": "not deployed"}, late
assert o["validates"] is True, o
assert clicks["state"] == "not owned" and clicks["owner"] == "pipec:owner=other/dev", clicks
PY
then ok "run-status: status --format json: version 1, runs newest first (--runs), DPU-hours, trigger, rows, newest DQ result, watermark, not deployed, not owned"
else nok "run-status: status --format json: version 1, runs newest first (--runs), DPU-hours, trigger, rows, newest DQ result, watermark, not deployed, not owned" "$T/sjson.out" "$T/sjson.err" "$T/dq.err"; fi
TRIG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pipelines"][0]["triggers"][0]["state"])' "$T/sjson.out" 2>/dev/null)
python3 -c 'import boto3; print(boto3.client("glue").get_trigger(Name="dev_orders-trigger")["Trigger"]["State"])' >"$T/trig.txt" 2>&1
if [ -n "$TRIG" ] && [ "$TRIG" = "$(cat "$T/trig.txt")" ]
then ok "run-status: status shows the trigger's state as GetTrigger has it ($TRIG)"
else nok "run-status: status shows the trigger's state as GetTrigger has it" "$T/trig.txt" "$T/sjson.out"; fi
run stext status
if [ $rc -eq 0 ] && grep -q '^late (job dev_late): not deployed$' "$T/stext.out" &&
   grep -q '^orders (job dev_orders): deployed$' "$T/stext.out" &&
   grep -q '^  rows       read 120, written 118 (run jr_' "$T/stext.out" &&
   grep -q '^  quality    score 0.50, 1 failed rule (result dqresult-new, ' "$T/stext.out" &&
   grep -q '^             failed: Rule_1: Value: 0.9 does not meet' "$T/stext.out" &&
   grep -q '^  watermark  MAX(updated_at) of the target table, not readable from AWS; the last run read rows with updated_at > 2026-01-01 00:00:00$' "$T/stext.out" &&
   grep -q '^             SUCCEEDED  20[0-9-]*T[0-9:]*Z      360s       0.40  jr_' "$T/stext.out" &&
   grep -q '^ *error: AnalysisException: no such table ERROR$' "$T/stext.out" &&
   [ "$(grep -c '^[a-z]* (job dev_' "$T/stext.out")" = 5 ] &&
   [ "$(grep -c '^  quality ' "$T/stext.out")" = 1 ]
then ok "run-status: status text: every pipeline of the project, aligned runs with errors, rows, quality, watermark"
else nok "run-status: status text: every pipeline of the project, aligned runs with errors, rows, quality, watermark" "$T/stext.out" "$T/stext.err"; fi
run sunknown status ordrs
if [ $rc -eq 2 ] && grep -q "did you mean 'orders'" "$T/sunknown.err"
then ok "run-status: status of an unknown pipeline is a usage error with did-you-mean"
else nok "run-status: status of an unknown pipeline is a usage error with did-you-mean" "$T/sunknown.err"; fi
rm -f "$P/pipelines/late.pipe"

# 9. iam-policy --for operator covers every operation run and status sent
# (the test's own CreateJob/DeleteJob of the other project's job left out),
# and each of its actions is needed: without it the check fails
calls "$T/calls.json"
python3 - "$T/calls.json" "$T/calls-run.json" <<'PY'
import json, sys
calls = json.load(open(sys.argv[1]))
for op in ("glue.CreateJob", "glue.DeleteJob"):
    calls["calls"].pop(op, None)
json.dump(calls, open(sys.argv[2], "w"))
PY
run operator iam-policy --for operator
CHECK="$ROOT/tests/tools/iam_check.py"
if [ $rc -eq 0 ] && python3 "$CHECK" actions "$T/operator.out" >"$T/op-actions.out" 2>&1 &&
   python3 "$CHECK" covers "$T/operator.out" "$T/calls-run.json" >"$T/op-covers.out" 2>&1 &&
   grep -q '"logs.GetLogEvents"' "$T/calls-run.json" && grep -q '"glue.StartJobRun"' "$T/calls-run.json"
then ok "run-status: iam-policy --for operator: well formed, real actions, covers every operation run and status sent"
else nok "run-status: iam-policy --for operator: well formed, real actions, covers every operation run and status sent" "$T/operator.err" "$T/op-actions.out" "$T/op-covers.out" "$T/calls-run.json"; fi
if python3 - "$CHECK" "$T/operator.out" "$T/calls-run.json" "$T" <<'PY' >"$T/op-each.out" 2>&1
import json, subprocess, sys
check, policy, calls, tmp = sys.argv[1:]
doc = json.load(open(policy))
bad = []
for i, st in enumerate(doc["Statement"]):
    for a in st["Action"]:
        d = json.loads(json.dumps(doc))
        d["Statement"][i]["Action"] = [x for x in st["Action"] if x != a]
        json.dump(d, open(tmp + "/op-less.json", "w"))
        r = subprocess.run([sys.executable, check, "covers", tmp + "/op-less.json", calls],
                           capture_output=True)
        if r.returncode == 0:
            bad.append(a)
print("actions not needed:", bad)
sys.exit(1 if bad else 0)
PY
then ok "run-status: iam-policy --for operator: every action is needed by an operation run or status sent"
else nok "run-status: iam-policy --for operator: every action is needed by an operation run or status sent" "$T/op-each.out"; fi
