#!/bin/sh
# pipec validate against moto with SigV4 and IAM enforced
# (tests/tools/moto_auth.sh).  moto_plus.py answers Athena and Redshift Data
# API queries from canned results the suite sets per query text
# (POST /pipec-test/queries), so one check can pass and another fail; the
# request bodies are read back from /pipec-test/calls.  Project:
# tests/validate/project (events: S3 Tables, orders: Iceberg, facts:
# Redshift).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=validate
. "$ROOT/tests/tools/aws_suite.sh"

P="$T/project"
rm -rf "$P"
cp -r "$ROOT/tests/validate/project" "$P"
export PIPEC_VALIDATE_POLL_MS=5

# run NAME ARGS...: pipec in the project, output in $T/NAME.out/.err, status in $rc
run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}

# 1. usage, configuration and names: no AWS call needed
run usage validate --format xml
if [ $rc -eq 2 ] && grep -q "format takes text or json" "$T/usage.err"
then ok "validate: --format xml is a usage error (2)"
else nok "validate: --format xml is a usage error (2)" "$T/usage.out" "$T/usage.err"; fi

run unknown validate ordres --no-catalog
if [ $rc -eq 2 ] && grep -q "no pipeline named 'ordres'" "$T/unknown.err" &&
   grep -q "did you mean 'orders'?" "$T/unknown.err"
then ok "validate: an unknown pipeline name is a usage error with a did-you-mean"
else nok "validate: an unknown pipeline name is a usage error with a did-you-mean" "$T/unknown.err"; fi

run noathena validate orders --env bare --no-catalog
if [ $rc -eq 1 ] && grep -q "environments.bare.athena.workgroup" "$T/noathena.err" &&
   [ ! -s "$T/noathena.out" ]
then ok "validate: an environment without athena settings names the pipec.yaml key"
else nok "validate: an environment without athena settings names the pipec.yaml key" "$T/noathena.out" "$T/noathena.err"; fi

run noredshift validate facts --env bare --no-catalog
if [ $rc -eq 1 ] && grep -q "environments.bare.redshift" "$T/noredshift.err"
then ok "validate: an environment without redshift settings names the pipec.yaml key"
else nok "validate: an environment without redshift settings names the pipec.yaml key" "$T/noredshift.err"; fi

# pipec.yaml mistakes in the athena and redshift blocks are located diagnostics
B="$T/badyaml"
rm -rf "$B"
cp -r "$P" "$B"
python3 - "$B/pipec.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("      workgroup: checks\n      output_location: s3://valtest-athena/results/\n",
              "      workgroup: \"bad name\"\n      output_location: valtest-athena/results\n"
              "      workgroups: x\n")
s = s.replace("      workgroup: dw-checks\n", "      workgroup: dw-checks\n      cluster_identifier: c1\n")
open(p, "w").write(s)
PY
(cd "$B" && "$PIPEC" check --no-catalog) >"$T/bad.out" 2>&1
rc=$?
sed -i -e 's/secret_arn: arn:aws:secretsmanager:/secret_arn: arn:aws:s3:::/' \
	-e '/cluster_identifier: c1/d' -e 's/workgroup: "bad name"/workgroup: checks/' \
	-e '/output_location: valtest/d' -e '/workgroups: x/d' "$B/pipec.yaml"
(cd "$B" && "$PIPEC" check --no-catalog) >>"$T/bad.out" 2>&1
[ $? -eq 1 ] || rc=0
if [ $rc -eq 1 ] &&
   grep -q "pipec.yaml:17:18: error: 'bad name' is not an Athena workgroup name" "$T/bad.out" &&
   grep -q "pipec.yaml:18:24: error: output_location 'valtest-athena/results' is not an S3 location" "$T/bad.out" &&
   grep -q "unknown key 'workgroups' in 'athena'" "$T/bad.out" &&
   grep -q "did you mean 'workgroup'?" "$T/bad.out" &&
   grep -q "needs either a workgroup or a cluster_identifier, not both" "$T/bad.out" &&
   grep -q "is not a Secrets Manager secret ARN" "$T/bad.out"
then ok "validate: athena and redshift settings in pipec.yaml are checked with located diagnostics"
else nok "validate: athena and redshift settings in pipec.yaml are checked with located diagnostics" "$T/bad.out"; fi

start_moto
python3 -c 'import boto3; boto3.client("athena").create_work_group(Name="checks")' 2>"$T/wg.err" ||
	nok "validate: workgroup 'checks' created in moto" "$T/wg.err"

# queries JSON: the canned answers; reset the call log
answers() {
	curl -s -f -X POST "$AWS_ENDPOINT_URL/pipec-test/queries" --data-binary "$1" >/dev/null &&
	curl -s -f -X POST "$AWS_ENDPOINT_URL/pipec-test/calls/reset" --data-binary '' >/dev/null
}
calls() { curl -s -f "$AWS_ENDPOINT_URL/pipec-test/calls" >"$T/$1.calls"; }

# 2. Iceberg target, every check passing
answers '{"queries": [
 {"match": "AS row_count FROM \"lake\".\"orders\"", "columns": ["row_count"], "rows": [[4]]},
 {"match": "nulls_order_id", "columns": ["total", "nulls_order_id"], "rows": [[4, 0]], "polls": 3},
 {"match": "COUNT\\(\\*\\) > 0 AS passed", "columns": ["row_count", "passed"], "rows": [[4, true]]},
 {"match": "AS violations", "columns": ["violations"], "rows": [[0]]},
 {"match": "AS completeness", "columns": ["completeness", "passed"], "rows": [[0.75, true]]}]}'
run pass validate orders --no-catalog
calls pass
cat >"$T/pass.want" <<'EOF'
pipeline 'orders': Athena, table "lake"."orders"
  PASS   rows: row_count=4
  PASS   nulls: total=4, nulls_order_id=0
  PASS   row_count: row_count=4, passed=true
  PASS   expect total: violations=0
  PASS   completeness email: completeness=0.75, passed=true
validate: 5 checks: 5 passed, 0 failed, 0 errors
EOF
sed 's/ (query [0-9a-f-]*)$//' "$T/pass.out" >"$T/pass.got"
if [ $rc -eq 0 ] && diff -u "$T/pass.want" "$T/pass.got" >"$T/pass.diff" &&
   [ "$(grep -c '(query [0-9a-f-]\{36\})$' "$T/pass.out")" -eq 5 ]
then ok "validate: Iceberg target, every check passes (exit 0), report with values and query ids"
else nok "validate: Iceberg target, every check passes (exit 0), report with values and query ids" "$T/pass.diff" "$T/pass.out" "$T/pass.err"; fi

python3 - "$T/pass.calls" >"$T/passcalls.out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
starts = [e for e in d["log"] if e["op"] == "athena.StartQueryExecution"]
assert len(starts) == 5, starts
for e in starts:
    b = e["body"]
    assert e["status"] == 200, e
    assert b["WorkGroup"] == "checks", b
    assert b["ResultConfiguration"] == {"OutputLocation": "s3://valtest-athena/results/"}, b
    assert b["QueryExecutionContext"] == {"Database": "lake"}, b
    assert '"lake"."orders"' in b["QueryString"], b
assert not d["errors"], d["errors"]
# every query answers RUNNING once first, the nulls query three times:
# each is polled until it ended
assert d["calls"]["athena.GetQueryExecution"] == 4 * 2 + 4, d["calls"]
assert d["calls"]["athena.GetQueryResults"] == 5, d["calls"]
PY
if [ $? -eq 0 ]; then ok "validate: StartQueryExecution has the workgroup, result location and database; RUNNING is polled"
else nok "validate: StartQueryExecution has the workgroup, result location and database; RUNNING is polled" "$T/passcalls.out"; fi

# 3. S3 Tables target: failing not_null, unique and expect checks, a
#    query that fails in Athena, a sample over two result pages
answers '{"queries": [
 {"match": "AS row_count FROM", "columns": ["row_count"], "rows": [[3]]},
 {"match": "nulls_user_id", "columns": ["total", "nulls_event_id", "nulls_user_id"], "rows": [[3, 0, 1]]},
 {"match": "GROUP BY", "columns": ["event_id", "n"], "rows": [["e1", 2]]},
 {"match": "AS violations", "columns": ["violations"], "rows": [[2]]},
 {"match": "AS fresh", "fail": "COLUMN_NOT_FOUND: line 1:12: Column event_ts cannot be resolved"},
 {"match": "ORDER BY rand\\(\\)", "columns": ["event_id", "user_id", "amount", "event_ts"],
  "rows": [["e1", "u1", "1.50", null], ["e2", null, "-2.00", "2026-01-02 03:04:05.000"]], "page_size": 2}]}'
run fail validate events --no-catalog
calls fail
sed 's/ (query [0-9a-f-]*)$//' "$T/fail.out" >"$T/fail.got"
cat >"$T/fail.want" <<'EOF'
pipeline 'events': Athena, table "s3tablescatalog/valtest-lake"."web"."events"
  PASS   rows: row_count=3
  FAIL   nulls: total=3, nulls_event_id=0, nulls_user_id=1
  FAIL   unique event_id: 1 row: event_id=e1, n=2
         rule at pipelines/events.pipe:17:5: unique event_id
  FAIL   expect amount: violations=2
         rule at pipelines/events.pipe:18:5: expect amount >= 0
  ERROR  freshness event_ts: FAILED: COLUMN_NOT_FOUND: line 1:12: Column event_ts cannot be resolved
         rule at pipelines/events.pipe:19:5: freshness event_ts within 1d
  PASS   sample: 2 rows
         event_id=e1, user_id=u1, amount=1.50, event_ts=NULL
         event_id=e2, user_id=NULL, amount=-2.00, event_ts=2026-01-02 03:04:05.000
validate: 6 checks: 2 passed, 3 failed, 1 error
EOF
if [ $rc -eq 1 ] && diff -u "$T/fail.want" "$T/fail.got" >"$T/fail.diff"
then ok "validate: failing not_null, unique and expect checks and a FAILED query (ERROR with Athena's reason), exit 1"
else nok "validate: failing not_null, unique and expect checks and a FAILED query (ERROR with Athena's reason), exit 1" "$T/fail.diff" "$T/fail.err"; fi

python3 - "$T/fail.calls" >"$T/failcalls.out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
starts = [e["body"] for e in d["log"] if e["op"] == "athena.StartQueryExecution"]
assert len(starts) == 6, starts
for b in starts:
    assert b["QueryExecutionContext"] == {"Catalog": "s3tablescatalog/valtest-lake",
                                          "Database": "web"}, b
    assert '"s3tablescatalog/valtest-lake"."web"."events"' in b["QueryString"], b
# the sample's header and two rows came in two pages
pages = [e for e in d["log"] if e["op"] == "athena.GetQueryResults" and "NextToken" in e["body"]]
assert len(pages) == 1 and pages[0]["body"]["NextToken"] == "2", pages
PY
if [ $? -eq 0 ]; then ok "validate: S3 Tables target runs in catalog s3tablescatalog/<bucket>, namespace as database; results paged"
else nok "validate: S3 Tables target runs in catalog s3tablescatalog/<bucket>, namespace as database; results paged" "$T/failcalls.out"; fi

# 4. --format json (version 1) on the same answers
run json validate events --no-catalog --format json
python3 - "$T/json.out" >"$T/json.chk" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1 and d["environment"] == "dev" and d["project"] == "valtest", d
assert d["passed"] is False and d["counts"] == {"pass": 2, "fail": 3, "error": 1}, d["counts"]
(p,) = d["pipelines"]
assert p["pipeline"] == "events" and p["engine"] == "athena", p
assert p["table"] == '"s3tablescatalog/valtest-lake"."web"."events"', p
c = {x["name"]: x for x in p["checks"]}
assert [x["name"] for x in p["checks"]] == ["rows", "nulls", "unique event_id", "expect amount",
                                            "freshness event_ts", "sample"]
e = c["expect amount"]
assert e["status"] == "fail" and e["judge"] == "zero" and e["observed"] == "violations=2", e
assert e["rule"] == {"file": "pipelines/events.pipe", "line": 18, "column": 5,
                     "text": "expect amount >= 0"}, e["rule"]
assert e["columns"] == ["violations"] and e["rows"] == [["2"]], e
assert e["sql"].startswith("SELECT COUNT_IF(") and len(e["query_id"]) == 36, e
f = c["freshness event_ts"]
assert f["status"] == "error" and "COLUMN_NOT_FOUND" in f["error"] and f["rows"] == [], f
s = c["sample"]
assert s["status"] == "pass" and s["judge"] == "info" and s["rows"][1][1] is None, s
assert c["unique event_id"]["rows"] == [["e1", "2"]], c["unique event_id"]
assert c["rows"]["rule"] is None
PY
if [ $rc -eq 1 ] && [ ! -s "$T/json.chk" ]
then ok "validate: --format json is versioned and carries status, values, rows, rule and query id per check"
else nok "validate: --format json is versioned and carries status, values, rows, rule and query id per check" "$T/json.chk" "$T/json.err"; fi

# 5. Redshift target through the Data API
answers '{"queries": [
 {"match": "AS row_count FROM", "columns": ["row_count"], "rows": [[2]]},
 {"match": "nulls_order_id", "columns": ["total", "nulls_order_id"], "rows": [[2, 0]], "polls": 2},
 {"match": "GROUP BY", "columns": ["order_id", "n"], "rows": []},
 {"match": "AS violations", "columns": ["violations"], "rows": [[0]]},
 {"match": "AS completeness", "columns": ["completeness", "passed"], "rows": [[0.1, false]]}]}'
run rs validate facts --no-catalog
calls rs
sed 's/ (query [0-9a-f-]*)$//' "$T/rs.out" >"$T/rs.got"
cat >"$T/rs.want" <<'EOF'
pipeline 'facts': Redshift, table "public"."fact_orders"
  PASS   rows: row_count=2
  PASS   nulls: total=2, nulls_order_id=0
  PASS   unique order_id: 0 rows
  PASS   expect total: violations=0
  FAIL   completeness total: completeness=0.1, passed=false
         rule at pipelines/facts.pipe:17:5: completeness total >= 0.5
validate: 5 checks: 4 passed, 1 failed, 0 errors
EOF
python3 - "$T/rs.calls" >"$T/rscalls.out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ex = [e["body"] for e in d["log"] if e["op"] == "redshift-data.ExecuteStatement"]
assert len(ex) == 5, ex
for b in ex:
    assert b["WorkgroupName"] == "dw-checks" and b["Database"] == "analytics", b
    assert b["SecretArn"] == "arn:aws:secretsmanager:us-east-1:123456789012:secret:dw-checks-AbCdEf", b
    assert "ClusterIdentifier" not in b and '"public"."fact_orders"' in b["Sql"], b
assert "COUNT(CASE WHEN" in ex[1]["Sql"], ex[1]
assert d["calls"]["redshift-data.DescribeStatement"] == 4 * 2 + 3, d["calls"]
assert d["calls"]["redshift-data.GetStatementResult"] == 5, d["calls"]
assert not [k for k in d["calls"] if k.startswith("athena.")], d["calls"]
PY
if [ $rc -eq 1 ] && diff -u "$T/rs.want" "$T/rs.got" >"$T/rs.diff" && [ ! -s "$T/rscalls.out" ]
then ok "validate: Redshift target through the Data API (workgroup, database, secret); a failing completeness, exit 1"
else nok "validate: Redshift target through the Data API (workgroup, database, secret); a failing completeness, exit 1" "$T/rs.diff" "$T/rscalls.out" "$T/rs.err"; fi

answers '{"queries": [
 {"match": "AS row_count FROM", "columns": ["row_count"], "rows": [[2]]},
 {"match": "nulls_order_id", "columns": ["total", "nulls_order_id"], "rows": [[2, 0]]},
 {"match": "GROUP BY", "columns": ["order_id", "n"], "rows": [[7, 2], [9, 3]], "page_size": 1},
 {"match": "AS violations", "fail": "ERROR: permission denied for relation fact_orders"}]}'
run rsfail validate facts --no-catalog
if [ $rc -eq 1 ] && grep -q "^  FAIL   unique order_id: 2 rows: order_id=7, n=2; order_id=9, n=3 (query " "$T/rsfail.out" &&
   grep -q "^  ERROR  expect total: FAILED: ERROR: permission denied for relation fact_orders (query " "$T/rsfail.out"
then ok "validate: Redshift duplicate keys (two result pages) FAIL, a failed statement is an ERROR with its reason"
else nok "validate: Redshift duplicate keys (two result pages) FAIL, a failed statement is an ERROR with its reason" "$T/rsfail.out" "$T/rsfail.err"; fi

# a provisioned cluster with temporary credentials for a database user; an
# Athena workgroup without output_location (the workgroup's own location)
answers '{"queries": [
 {"match": "AS row_count FROM", "columns": ["row_count"], "rows": [[2]]},
 {"match": "nulls_order_id", "columns": ["total", "nulls_order_id"], "rows": [[2, 0]]},
 {"match": "GROUP BY", "columns": ["order_id", "n"], "rows": []},
 {"match": "AS violations", "columns": ["violations"], "rows": [[0]]},
 {"match": "AS completeness", "columns": ["completeness", "passed"], "rows": [[1.0, true]]}]}'
run cluster validate facts --env cluster --no-catalog
crc=$rc
calls cluster
run cluster-athena validate orders --env cluster --no-catalog
calls cluster-athena
python3 - "$T/cluster.calls" "$T/cluster-athena.calls" >"$T/clustercalls.out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ex = [e["body"] for e in d["log"] if e["op"] == "redshift-data.ExecuteStatement"]
assert len(ex) == 5, ex
for b in ex:
    assert b["ClusterIdentifier"] == "dw-cluster" and b["DbUser"] == "checker", b
    assert "WorkgroupName" not in b and "SecretArn" not in b, b
    assert b["Database"] == "analytics", b
a = json.load(open(sys.argv[2]))
st = [e["body"] for e in a["log"] if e["op"] == "athena.StartQueryExecution"]
assert st and all("ResultConfiguration" not in b and b["WorkGroup"] == "checks" for b in st), st
PY
if [ $crc -eq 0 ] && grep -q "^validate: 5 checks: 5 passed, 0 failed, 0 errors$" "$T/cluster.out" &&
   [ ! -s "$T/clustercalls.out" ]
then ok "validate: a Redshift cluster with db_user (ClusterIdentifier, DbUser); Athena without output_location sends no ResultConfiguration"
else nok "validate: a Redshift cluster with db_user (ClusterIdentifier, DbUser); Athena without output_location sends no ResultConfiguration" "$T/clustercalls.out" "$T/cluster.out" "$T/cluster.err"; fi

run iam-cluster iam-policy --for validator --env cluster --no-catalog
if [ $rc -eq 0 ] && python3 "$ROOT/tests/tools/iam_check.py" actions "$T/iam-cluster.out" >"$T/iamc.chk" 2>&1 &&
   grep -q '"arn:aws:redshift:us-east-1:123456789012:cluster:dw-cluster"' "$T/iam-cluster.out" &&
   grep -q '"arn:aws:redshift:us-east-1:123456789012:dbuser:dw-cluster/checker"' "$T/iam-cluster.out" &&
   grep -q '"redshift:GetClusterCredentials"' "$T/iam-cluster.out" &&
   ! grep -q secretsmanager "$T/iam-cluster.out" && grep -q "no athena output_location" "$T/iam-cluster.err"
then ok "validate: iam-policy --for validator on a cluster: GetClusterCredentials for the db_user; a note for the workgroup's result location"
else nok "validate: iam-policy --for validator on a cluster: GetClusterCredentials for the db_user; a note for the workgroup's result location" "$T/iamc.chk" "$T/iam-cluster.out" "$T/iam-cluster.err"; fi

# 6. a query nothing answers and an unknown workgroup: errors, not passes
answers '{"queries": [
 {"match": "AS row_count FROM", "columns": ["row_count"], "rows": [[4]]},
 {"match": "nulls_order_id", "cancel": "Query cancelled by user"},
 {"match": "COUNT\\(\\*\\) > 0 AS passed", "columns": ["row_count", "ok"], "rows": [[4, true]]},
 {"match": "AS violations", "columns": ["violations"], "rows": [[0], [1]]},
 {"match": "AS completeness", "columns": ["completeness", "passed"], "rows": [[null, null]]}]}'
run odd validate orders --no-catalog
sed 's/ (query [0-9a-f-]*)$//' "$T/odd.out" >"$T/odd.got"
cat >"$T/odd.want" <<'EOF'
pipeline 'orders': Athena, table "lake"."orders"
  PASS   rows: row_count=4
  ERROR  nulls: CANCELLED: Query cancelled by user
  ERROR  row_count: the result has no column to judge
         rule at pipelines/orders.pipe:15:5: row_count > 0
  ERROR  expect total: the result does not have exactly one row
         rule at pipelines/orders.pipe:16:5: expect total between 0 and 10000
  FAIL   completeness email: completeness=NULL, passed=NULL
         rule at pipelines/orders.pipe:17:5: completeness email >= 0.5
validate: 5 checks: 1 passed, 1 failed, 3 errors
EOF
if [ $rc -eq 1 ] && diff -u "$T/odd.want" "$T/odd.got" >"$T/odd.diff"
then ok "validate: a CANCELLED query, a result without the judged column or with two rows are ERRORs; a NULL is not true"
else nok "validate: a CANCELLED query, a result without the judged column or with two rows are ERRORs; a NULL is not true" "$T/odd.diff" "$T/odd.err"; fi

answers '{"queries": []}'
run none validate orders --no-catalog
if [ $rc -eq 1 ] && [ "$(grep -c '^  ERROR  .*FAILED: no canned answer' "$T/none.out")" -eq 5 ] &&
   ! grep -q "^  PASS" "$T/none.out"
then ok "validate: queries without an answer are ERRORs (exit 1), never passes"
else nok "validate: queries without an answer are ERRORs (exit 1), never passes" "$T/none.out" "$T/none.err"; fi

sed -i 's/      workgroup: checks$/      workgroup: missing-wg/' "$P/pipec.yaml"
run nowg validate orders --no-catalog
if [ $rc -eq 1 ] && grep -q "ERROR  rows: StartQueryExecution failed: .*WorkGroup missing-wg is not found" "$T/nowg.out"
then ok "validate: an unknown workgroup is an ERROR naming Athena's answer"
else nok "validate: an unknown workgroup is an ERROR naming Athena's answer" "$T/nowg.out" "$T/nowg.err"; fi

# 7. pipec iam-policy --for validator: every action real, and it allows
#    every call validate made above
run iam iam-policy --for validator --no-catalog
if [ $rc -eq 0 ] && python3 "$ROOT/tests/tools/iam_check.py" actions "$T/iam.out" >"$T/iam.chk" 2>&1 &&
   python3 "$ROOT/tests/tools/iam_check.py" covers "$T/iam.out" "$T/pass.calls" "$T/fail.calls" \
	"$T/rs.calls" >"$T/iam-covers.out" 2>&1 &&
   grep -q '"arn:aws:athena:us-east-1:123456789012:workgroup/missing-wg"' "$T/iam.out" &&
   grep -q '"arn:aws:secretsmanager:us-east-1:123456789012:secret:dw-checks-AbCdEf"' "$T/iam.out" &&
   grep -q '"arn:aws:s3:::valtest-athena/results/\*"' "$T/iam.out" &&
   grep -q '"arn:aws:glue:us-east-1:123456789012:table/s3tablescatalog/valtest-lake/web/events"' "$T/iam.out"
then ok "validate: iam-policy --for validator names the workgroup, results, tables and secret, and allows every call ($(tail -1 "$T/iam-covers.out" | sed 's/^# //'))"
else nok "validate: iam-policy --for validator names the workgroup, results, tables and secret, and allows every call" "$T/iam.chk" "$T/iam-covers.out" "$T/iam.err"; fi

python3 - "$T/iam.out" "$T/iam-noathena.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["Statement"] = [s for s in d["Statement"] if s["Sid"] != "AthenaQueries"]
json.dump(d, open(sys.argv[2], "w"))
PY
if ! python3 "$ROOT/tests/tools/iam_check.py" covers "$T/iam-noathena.json" "$T/pass.calls" >"$T/iam-no.out" 2>&1 &&
   grep -q "athena:StartQueryExecution (from athena.StartQueryExecution) is not allowed" "$T/iam-no.out"
then ok "validate: a validator policy without the Athena statement fails the coverage check"
else nok "validate: a validator policy without the Athena statement fails the coverage check" "$T/iam-no.out"; fi
