#!/bin/sh
# plan --refresh: a full read of the live state that finds what the default
# plan cannot see — a job's script object replaced in S3 under its
# content-addressed key, and a Data Quality ruleset edited outside pipec —
# and deploy repairs both.  The default plan keeps its cost.  moto_plus with
# SigV4 and IAM enforced (tests/tools/moto_auth.sh), on 127.0.0.1, stopped by
# pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=plan-refresh
. "$ROOT/tests/tools/aws_suite.sh"
start_moto
EP=$AWS_ENDPOINT_URL
SK=$AWS_SECRET_ACCESS_KEY
ALL="$T/all-output.txt"
: >"$ALL"

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
# opcount FILE OP: how many OP calls a saved counter holds
opcount() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["calls"].get(sys.argv[2], 0))' "$1" "$2"; }
# s3ops FILE: how many S3 calls a saved counter holds
s3ops() { python3 -c 'import json, sys; print(sum(n for op, n in json.load(open(sys.argv[1]))["calls"].items() if op.startswith("s3.")))' "$1"; }
# script_loc JOB: the ScriptLocation of a deployed job
script_loc() { python3 -c 'import boto3, sys; print(boto3.client("glue").get_job(JobName=sys.argv[1])["Job"]["Command"]["ScriptLocation"])' "$1"; }
# replace LOC TEXT [SHA256]: puts TEXT at LOC as someone else would (boto3;
# with SHA256 the object keeps a SHA-256 checksum, else boto3's default)
replace() {
	python3 - "$@" <<'PY'
import boto3, sys
loc, text = sys.argv[1], sys.argv[2]
bucket, key = loc[5:].split("/", 1)
extra = {"ChecksumAlgorithm": "SHA256"} if len(sys.argv) > 3 else {}
boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=text.encode(), **extra)
PY
}
# object_sha LOC: the sha256 of the object's bytes
object_sha() {
	python3 - "$1" <<'PY'
import boto3, hashlib, sys
bucket, key = sys.argv[1][5:].split("/", 1)
print(hashlib.sha256(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest())
PY
}

P="$T/project"
cp -r "$ROOT/tests/plan/project" "$P"
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "plan-refresh: script bucket created" "$T/bucket.err"
run deploy0 deploy
if [ $rc -eq 0 ]; then ok "plan-refresh: the project deploys"
else nok "plan-refresh: the project deploys" "$T/deploy0.out" "$T/deploy0.err"; fi

# 1. an unchanged project: the default plan's cost (10 calls: the account
# guard, 7 reads and GetTags of each of the two workflows: clicks' S3-event
# one and the events -> orders chain's), and a clean refresh
calls_reset
run plan1 plan
set -- $(calls "$T/calls-plan1.json")
DEFAULT_CALLS=$1
if [ $rc -eq 0 ] && [ "$(s3ops "$T/calls-plan1.json")" -eq 0 ] &&
   [ "$(opcount "$T/calls-plan1.json" glue.GetDataQualityRuleset)" -eq 0 ] && [ "$1" -le 10 ]
then ok "plan-refresh: the default unchanged plan stays at $1 calls, no S3 call, no ruleset Get"
else nok "plan-refresh: the default unchanged plan stays at $1 calls, no S3 call, no ruleset Get (want <= 10)" "$T/plan1.out" "$T/calls-plan1.json"; fi
calls_reset
run refresh1 plan --refresh
set -- $(calls "$T/calls-refresh1.json")
if [ $rc -eq 0 ] && [ "$(opcount "$T/calls-refresh1.json" s3.HeadObject)" -eq 4 ] &&
   [ "$(opcount "$T/calls-refresh1.json" s3.GetObject)" -eq 0 ] &&
   [ "$(opcount "$T/calls-refresh1.json" glue.GetDataQualityRuleset)" -eq 1 ] && [ "$2" -eq 0 ]
then ok "plan-refresh: --refresh of an unchanged project is clean: a HeadObject per job (S3 keeps the SHA-256 deploy sent), a Get per ruleset"
else nok "plan-refresh: --refresh of an unchanged project is clean: a HeadObject per job (S3 keeps the SHA-256 deploy sent), a Get per ruleset" "$T/refresh1.out" "$T/refresh1.err" "$T/calls-refresh1.json"; fi

# 2. a script replaced in S3 under its key (boto3's default checksum: no SHA-256 kept)
LOC=$(script_loc dev_orders)
replace "$LOC" 'print("not the pipeline")'
run plan2 plan
if [ $rc -eq 0 ]; then ok "plan-refresh: the default plan does not see a replaced script object"
else nok "plan-refresh: the default plan does not see a replaced script object" "$T/plan2.out" "$T/plan2.err"; fi
calls_reset
run refresh2 plan --refresh --format json --out "$T/refresh2.json"
calls "$T/calls-refresh2.json" >/dev/null
if [ $rc -eq 2 ] && python3 - "$T/refresh2.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
assert [(c["kind"], c["name"], c["action"]) for c in ch] == [("job", "dev_orders", "update")], ch
c = ch[0]
assert "replaced in S3" in c["note"] and c["fields"] == [], c
assert '-print("not the pipeline")' in c["script_diff"], c["script_diff"]
assert d["refresh"] is True and d["refresh_tags"] is True
PY
then ok "plan-refresh: --refresh shows the replaced script: an update with a note and the diff from what S3 holds"
else nok "plan-refresh: --refresh shows the replaced script: an update with a note and the diff from what S3 holds" "$T/refresh2.out" "$T/refresh2.err"; fi
if [ "$(opcount "$T/calls-refresh2.json" s3.GetObject)" -eq 1 ]
then ok "plan-refresh: an object without a SHA-256 checksum is read and hashed (one GetObject)"
else nok "plan-refresh: an object without a SHA-256 checksum is read and hashed (one GetObject)" "$T/calls-refresh2.json"; fi
run text2 plan --refresh
if [ $rc -eq 2 ] && grep -q 'script object was replaced in S3' "$T/text2.out"
then ok "plan-refresh: the text plan names the replaced script object"
else nok "plan-refresh: the text plan names the replaced script object" "$T/text2.out"; fi
calls_reset
run deploy2 deploy --refresh
set -- $(calls "$T/calls-deploy2.json")
if [ $rc -eq 0 ] && grep -q "^  uploaded $LOC\$" "$T/deploy2.out" &&
   [ "$(object_sha "$LOC")" = "$(basename "$LOC" .py)" ] &&
   [ "$(opcount "$T/calls-deploy2.json" glue.UpdateJob)" -eq 0 ] && [ "$2" -eq 1 ]
then ok "plan-refresh: deploy --refresh uploads the script again (one write, no UpdateJob)"
else nok "plan-refresh: deploy --refresh uploads the script again (one write, no UpdateJob)" "$T/deploy2.out" "$T/deploy2.err" "$T/calls-deploy2.json"; fi
run refresh3 plan --refresh
if [ $rc -eq 0 ]; then ok "plan-refresh: the next plan --refresh is clean"
else nok "plan-refresh: the next plan --refresh is clean" "$T/refresh3.out" "$T/refresh3.err"; fi

# 3. replaced with a SHA-256 checksum kept: found from HeadObject alone; repaired through a saved plan
LOC=$(script_loc dev_customers)
replace "$LOC" 'print("also not the pipeline")' sha256
calls_reset
run refresh4 plan --refresh --out "$T/refresh4.json"
calls "$T/calls-refresh4.json" >/dev/null
if [ $rc -eq 2 ] && grep -q 'script object was replaced in S3' "$T/refresh4.out" &&
   grep -q 'also not the pipeline' "$T/refresh4.out"
then ok "plan-refresh: a replaced object whose SHA-256 checksum S3 keeps is found"
else nok "plan-refresh: a replaced object whose SHA-256 checksum S3 keeps is found" "$T/refresh4.out" "$T/refresh4.err"; fi
run deploy4 deploy --plan "$T/refresh4.json"
run refresh5 plan --refresh
if [ "$(object_sha "$LOC")" = "$(basename "$LOC" .py)" ] && [ $rc -eq 0 ]
then ok "plan-refresh: deploy --plan of a --refresh plan repairs it"
else nok "plan-refresh: deploy --plan of a --refresh plan repairs it" "$T/deploy4.out" "$T/deploy4.err" "$T/refresh5.out"; fi

# 4. a script object deleted from S3
LOC=$(script_loc dev_events)
python3 -c 'import boto3, sys; b, k = sys.argv[1][5:].split("/", 1); boto3.client("s3").delete_object(Bucket=b, Key=k)' "$LOC"
run refresh6 plan --refresh
run deploy6 deploy --refresh
if grep -q 'script object is missing from S3' "$T/refresh6.out" &&
   [ "$(object_sha "$LOC" 2>/dev/null)" = "$(basename "$LOC" .py)" ]
then ok "plan-refresh: a deleted script object is shown and uploaded again"
else nok "plan-refresh: a deleted script object is shown and uploaded again" "$T/refresh6.out" "$T/deploy6.out" "$T/deploy6.err"; fi

# 5. a ruleset edited outside pipec (its description, and so pipec's marker, kept)
python3 - >"$T/edit.err" 2>&1 <<'PY'
import boto3
g = boto3.client("glue")
r = g.get_data_quality_ruleset(Name="dev_orders-ruleset")
g.update_data_quality_ruleset(Name=r["Name"], Description=r["Description"],
                              Ruleset='Rules = [ RowCount > 0 ]')
PY
run plan7 plan
if [ $rc -eq 0 ]; then ok "plan-refresh: the default plan does not see an edited ruleset"
else nok "plan-refresh: the default plan does not see an edited ruleset" "$T/plan7.out" "$T/edit.err"; fi
run refresh7 plan --refresh --format json
if [ $rc -eq 2 ] && python3 - "$T/refresh7.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [c for c in d["changes"] if c["action"] != "unchanged"]
assert [(c["kind"], c["name"], c["action"]) for c in ch] == [("ruleset", "dev_orders-ruleset", "update")], ch
f = ch[0]["fields"]
assert [x["path"] for x in f] == ["Ruleset"] and f[0]["old"] == "Rules = [ RowCount > 0 ]", f
PY
then ok "plan-refresh: --refresh shows the edited ruleset's rules"
else nok "plan-refresh: --refresh shows the edited ruleset's rules" "$T/refresh7.out" "$T/refresh7.err"; fi
calls_reset
run deploy7 deploy --refresh
calls "$T/calls-deploy7.json" >/dev/null
run refresh8 plan --refresh
if [ "$(opcount "$T/calls-deploy7.json" glue.UpdateDataQualityRuleset)" -eq 1 ] &&
   grep -q '^  updated ruleset dev_orders-ruleset$' "$T/deploy7.out" && [ $rc -eq 0 ]
then ok "plan-refresh: deploy --refresh restores the ruleset; the next plan --refresh is clean"
else nok "plan-refresh: deploy --refresh restores the ruleset; the next plan --refresh is clean" "$T/deploy7.out" "$T/deploy7.err" "$T/refresh8.out"; fi

# 6. the default plan still costs what it did
calls_reset
run plan9 plan
set -- $(calls "$T/calls-plan9.json")
if [ $rc -eq 0 ] && [ "$1" -eq "$DEFAULT_CALLS" ] && [ "$(s3ops "$T/calls-plan9.json")" -eq 0 ]
then ok "plan-refresh: after the repairs the default plan makes the same $1 calls"
else nok "plan-refresh: after the repairs the default plan makes the same $1 calls (want $DEFAULT_CALLS)" "$T/plan9.out" "$T/calls-plan9.json"; fi

if grep -qF "$SK" "$ALL" 2>/dev/null
then nok "plan-refresh: no credential value in any output"
else ok "plan-refresh: no credential value in any output"; fi
