#!/bin/sh
# Tamper-evident plans and builds, against moto with auth enforced
# (tests/tools/moto_auth.sh): a saved plan edited by hand (the digest line,
# the role, a script, a destroy of a job pipec does not own) is refused by
# deploy --plan before any write; the untouched plan still deploys; deploy
# --from a build whose job.py no longer matches manifest.json is refused
# before any call.  Servers on 127.0.0.1, stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=plan-integrity
. "$ROOT/tests/tools/aws_suite.sh"
start_moto
EP=$AWS_ENDPOINT_URL

run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
calls_reset() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$EP"; }
# writes: the number of write calls since the last reset
writes() {
	python3 - "$EP" <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))
reads = ("Get", "List", "Batch", "Describe", "Head")
print(sum(n for op, n in d["calls"].items() if not op.split(".", 1)[1].startswith(reads)))
PY
}
# tamper IN OUT EDIT [redigest]: applies a Python statement to the plan d
tamper() {
	python3 - "$1" "$2" "$3" "${4:-}" <<'PY'
import hashlib, json, re, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
if sys.argv[4]:
    # the documented canonical form: compact, keys sorted, \uXXXX upper-case
    body = {k: v for k, v in d.items() if k != "digest"}
    s = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    s = re.sub(r'(\\\\)|\\u([0-9a-f]{4})', lambda m: m.group(1) or "\\u" + m.group(2).upper(), s)
    d["digest"] = hashlib.sha256(s.encode()).hexdigest()
json.dump(d, open(sys.argv[2], "w"), indent=2, sort_keys=True)
PY
}
# refused NAME FILE MESSAGE: deploy --plan FILE fails naming MESSAGE, with no write
refused() {
	calls_reset
	run "$1" deploy --plan "$2"
	w=$(writes)
	if [ $rc -eq 1 ] && [ "$w" = 0 ] && grep -q "$3" "$T/$1.err"
	then ok "plan-integrity: $1: refused before any write"
	else echo "# rc=$rc writes=$w"; nok "plan-integrity: $1: refused before any write" "$T/$1.out" "$T/$1.err"; fi
}

P="$T/project"
cp -r "$ROOT/tests/plan/project" "$P"
python3 - <<'PY' >"$T/setup.err" 2>&1 || nok "plan-integrity: bucket and a job made by hand" "$T/setup.err"
import boto3
boto3.client("s3").create_bucket(Bucket="plantest-artifacts")
boto3.client("glue").create_job(Name="dev_handmade", Role="arn:aws:iam::123456789012:role/x",
                                Command={"Name": "glueetl", "ScriptLocation": "s3://plantest-artifacts/x.py"})
PY

run plan1 plan --out "$T/saved.json"
if [ $rc -eq 2 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["digest"]) == 64' "$T/saved.json"
then ok "plan-integrity: a saved plan carries a digest"
else nok "plan-integrity: a saved plan carries a digest" "$T/plan1.err"; fi

tamper "$T/saved.json" "$T/t-digest.json" 'd["digest"] = "0" * 64'
refused digest-edited "$T/t-digest.json" "plan file was edited: its digest does not match"

ROLE='[c for c in d["changes"] if c["kind"] == "job"][0]["desired"]["Role"] = "arn:aws:iam::123456789012:role/attacker"'
tamper "$T/saved.json" "$T/t-role.json" "$ROLE"
refused role-changed "$T/t-role.json" "its digest does not match"

SCRIPT='j = [c for c in d["changes"] if c["kind"] == "job"][0]; j["script"] += "\nimport os; os.system(\"id\")\n"'
tamper "$T/saved.json" "$T/t-script.json" "$SCRIPT" redigest
refused script-changed "$T/t-script.json" "its script's sha256 is not the one in its ScriptLocation"

SHA='import hashlib
j = [c for c in d["changes"] if c["kind"] == "job"][0]; j["script"] += "\n# x\n"
h = hashlib.sha256(j["script"].encode()).hexdigest()
loc = j["desired"]["Command"]["ScriptLocation"]; j["desired"]["Command"]["ScriptLocation"] = loc[:loc.rindex("/") + 1] + h + ".py"'
tamper "$T/saved.json" "$T/t-sha.json" "$SHA"
refused script-and-key-changed "$T/t-sha.json" "its digest does not match"

DESTROY='d["changes"].append({"kind": "job", "name": "dev_handmade", "pipeline": "orders", "action": "destroy", "fields": []}); d["summary"]["destroy"] += 1'
tamper "$T/saved.json" "$T/t-destroy.json" "$DESTROY" redigest
refused destroy-unowned "$T/t-destroy.json" "destroys job 'dev_handmade', which the live state does not show as owned"
if python3 -c 'import boto3; boto3.client("glue").get_job(JobName="dev_handmade")' >"$T/handmade.err" 2>&1
then ok "plan-integrity: the job made by hand still exists"
else nok "plan-integrity: the job made by hand still exists" "$T/handmade.err"; fi

# a plan made for another account (here: its account edited and its digest
# made again) is refused by the account guard, though the live state read
# may fingerprint the same (an empty account does)
tamper "$T/saved.json" "$T/t-account.json" 'd["account"] = "210987654321"' redigest
refused other-account "$T/t-account.json" "account mismatch: the saved plan is for account 210987654321, but the AWS credentials are for account 123456789012"

run deploy-ok deploy --plan "$T/saved.json"
if [ $rc -eq 0 ] && grep -q '^  created job dev_orders$' "$T/deploy-ok.out"
then ok "plan-integrity: the untouched plan deploys"
else nok "plan-integrity: the untouched plan deploys" "$T/deploy-ok.out" "$T/deploy-ok.err"; fi

# deploy --from: every artifact checked against manifest.json before any call
(cd "$P" && "$PIPEC" build -o "$T/build" .) >"$T/build.err" 2>&1
printf '\nimport os\n' >>"$T/build/orders/job.py"
calls_reset
run from-modified deploy --from "$T/build"
if [ $rc -eq 1 ] && [ "$(writes)" = 0 ] && grep -q "orders/job.py does not match its sha256 in manifest.json" "$T/from-modified.err"
then ok "plan-integrity: deploy --from a modified job.py: refused before any write"
else nok "plan-integrity: deploy --from a modified job.py: refused before any write" "$T/from-modified.out" "$T/from-modified.err"; fi
(cd "$P" && "$PIPEC" build -o "$T/build2" .) >"$T/build2.err" 2>&1
python3 - "$T/build2/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["artifacts"] = [a for a in m["artifacts"] if a["path"] != "customers/triggers.json"]
json.dump(m, open(sys.argv[1], "w"))
PY
run from-unlisted deploy --from "$T/build2"
if [ $rc -eq 1 ] && grep -q "customers/triggers.json is not listed in manifest.json" "$T/from-unlisted.err"
then ok "plan-integrity: deploy --from with an artifact missing from manifest.json: refused"
else nok "plan-integrity: deploy --from with an artifact missing from manifest.json: refused" "$T/from-unlisted.err"; fi
(cd "$P" && "$PIPEC" build -o "$T/build3" .) >"$T/build3.err" 2>&1
run from-ok deploy --from "$T/build3"
if [ $rc -eq 0 ]
then ok "plan-integrity: deploy --from an untouched build works"
else nok "plan-integrity: deploy --from an untouched build works" "$T/from-ok.out" "$T/from-ok.err"; fi

# drift that matters: a scheduled trigger stopped by hand is a change, and
# deploy starts it again
TRIG=$(python3 -c 'import json,sys; print([t["Name"] for t in json.load(open(sys.argv[1]))] [0] if isinstance(json.load(open(sys.argv[1])), list) else json.load(open(sys.argv[1]))["Name"])' "$T/build3/orders/triggers.json" 2>/dev/null)
python3 - "$TRIG" <<'PY' >"$T/stop.err" 2>&1
import boto3, sys
g = boto3.client("glue")
g.stop_trigger(Name=sys.argv[1])
assert g.get_trigger(Name=sys.argv[1])["Trigger"]["State"] == "DEACTIVATED"
PY
run plan-stopped plan --format json
if [ $rc -eq 2 ] && python3 - "$T/plan-stopped.out" "$TRIG" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
assert [(c["kind"], c["name"], c["action"]) for c in ch] == [("trigger", sys.argv[2], "update")], ch
assert ch[0]["fields"] == [{"path": "State", "old": "DEACTIVATED", "new": "ACTIVATED"}], ch[0]["fields"]
PY
then ok "plan-integrity: a trigger stopped by hand shows as State DEACTIVATED -> ACTIVATED"
else nok "plan-integrity: a trigger stopped by hand shows as State DEACTIVATED -> ACTIVATED" "$T/stop.err" "$T/plan-stopped.out" "$T/plan-stopped.err"; fi
calls_reset
run deploy-stopped deploy
python3 - "$EP" "$TRIG" <<'PY' >"$T/started.out" 2>&1
import boto3, json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))
w = {op: n for op, n in d["calls"].items() if not op.split(".", 1)[1].startswith(("Get", "List", "Batch", "Describe", "Head"))}
assert w == {"glue.StartTrigger": 1}, w
assert boto3.client("glue").get_trigger(Name=sys.argv[2])["Trigger"]["State"] == "ACTIVATED"
PY
if [ $rc -eq 0 ] && [ $? -eq 0 ] && [ ! -s "$T/started.out" ]
then ok "plan-integrity: deploy starts it again (one StartTrigger, live State ACTIVATED)"
else nok "plan-integrity: deploy starts it again (one StartTrigger, live State ACTIVATED)" "$T/started.out" "$T/deploy-stopped.out" "$T/deploy-stopped.err"; fi
run plan-restarted plan
if [ $rc -eq 0 ]
then ok "plan-integrity: then the plan is clean"
else nok "plan-integrity: then the plan is clean" "$T/plan-restarted.out" "$T/plan-restarted.err"; fi
