#!/bin/sh
# Schema edits in the plan (compiler/plan_evolve.c; docs/plan.md, Schema
# evolution): pipelines of tests/plan/project are edited in every way the
# classification knows, and
#   - `plan --against` a build of the old version classifies each edit
#     (golden tests/plan/expected/schema-edits.txt: the classification
#     lines only, so template edits do not churn it), and refuses the edits
#     a table cannot take (exit 1);
#   - against moto with auth enforced, `deploy` of breaking edits is refused
#     before any write without --allow-breaking, applied with it, and the
#     next plan is clean; a saved plan with breaking edits is refused the
#     same way; a deployed script replaced by hand is not trusted (its
#     edit counts as breaking).  Servers on 127.0.0.1, stopped by pid.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SUITE_NAME=schema-edits
. "$ROOT/tests/tools/aws_suite.sh"
E="$ROOT/tests/plan/expected"

run() {
	name=$1
	shift
	(cd "$P" && "$PIPEC" "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
edit() { python3 - "$P/pipelines/$1.pipe" "$2" "$3" <<'PY'
import sys
p, old, new = sys.argv[1:]
s = open(p).read()
assert old in s, (p, old)
open(p, "w").write(s.replace(old, new, 1))
PY
}
# the v2 edits: safe and breaking ones on s3tables, iceberg and parquet
edit_v2() {
	edit events '    user_id   string
' '    country   string
' &&
	edit events 'event_ts  timestamp from' 'event_ts  timestamp required from' &&
	edit orders 'mode merge on order_id' 'mode merge on order_id, customer_id' &&
	edit orders 'partition by days(order_ts)' 'partition by months(order_ts)' &&
	edit orders 'customer_id bigint' 'customer_id int' &&
	edit customers '    name string
' '    name string
    email string
'
}

P="$T/offline"
cp -r "$ROOT/tests/plan/project" "$P"
(cd "$P" && "$PIPEC" build -o "$T/v1" .) >"$T/v1.err" 2>&1 || nok "schema-edits: build v1" "$T/v1.err"
edit_v2 2>"$T/edit.err" || nok "schema-edits: edit v2" "$T/edit.err"
run offline plan --against "$T/v1" --no-catalog .
grep -E '^      schema \(|breaking schema edit' "$T/offline.out" >"$T/schema-edits.txt"
if [ $rc -ne 2 ]; then
	nok "schema-edits: plan of the v2 edits exits 2" "$T/offline.out" "$T/offline.err"
elif [ -n "${PIPEC_GOLDEN_UPDATE:-}" ]; then
	cp "$T/schema-edits.txt" "$E/schema-edits.txt"
	ok "schema-edits: classification golden (updated)"
elif cmp -s "$T/schema-edits.txt" "$E/schema-edits.txt"; then
	ok "schema-edits: every edit classified as tests/plan/expected/schema-edits.txt says"
else
	diff -u "$E/schema-edits.txt" "$T/schema-edits.txt" >"$T/schema.diff"
	nok "schema-edits: classification differs from schema-edits.txt" "$T/schema.diff"
fi
run offline-md plan --against "$T/v1" --no-catalog --format markdown .
if grep -q '^> 3 breaking schema edits (below): `pipec deploy` applies them only with `--allow-breaking`.$' "$T/offline-md.out" &&
   grep -q "^| breaking | <code>undeclare-column user_id string</code> | " "$T/offline-md.out" &&
   grep -q "^| safe | <code>replace-partition-field days(order_ts) -&gt; months(order_ts)</code> | " "$T/offline-md.out"
then ok "schema-edits: markdown shows the breaking edits and their table"
else nok "schema-edits: markdown shows the breaking edits and their table" "$T/offline-md.out"; fi
run offline-json plan --against "$T/v1" --no-catalog --format json .
if python3 - "$T/offline-json.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = {c["name"]: c["schema_edits"] for c in d["changes"] if c.get("schema_edits")}
assert sorted(e) == ["dev_customers", "dev_events", "dev_orders"], sorted(e)
for edits in e.values():
    for x in edits:
        assert set(x) <= {"edit", "column", "from", "to", "class", "consequence"}, x
        assert x["class"] in ("safe", "breaking") and x["consequence"], x
PY
then ok "schema-edits: JSON carries schema_edits per job"
else nok "schema-edits: JSON carries schema_edits per job" "$T/offline-json.out"; fi

# refused: a parquet column type Hive files cannot change, and new partition keys
cp -r "$ROOT/tests/plan/project" "$T/refused"
P="$T/refused"
edit customers 'id   int' 'id   string' && edit customers 'mode replace' 'mode replace
  partition by name'
run refused plan --against "$T/v1" --no-catalog .
if [ $rc -eq 1 ] &&
   grep -q "^error: pipeline 'customers': change-type of column id: the table's column is int and string values do not fit in it" "$T/refused.out" &&
   grep -q "^error: pipeline 'customers': change-partitioning: a Hive table's partition keys do not change" "$T/refused.out"
then ok "schema-edits: edits the table cannot take are plan errors (exit 1)"
else nok "schema-edits: edits the table cannot take are plan errors (exit 1)" "$T/refused.out" "$T/refused.err"; fi

# nested fields: Iceberg evolves each field of a struct (add-field,
# widen-field, undeclare-field; inside array elements and map values by
# their path); a Hive (parquet) table's struct column is not altered
edit_nested_v1() {
	edit orders '    updated_at  timestamp
' '    updated_at  timestamp
    shipping    struct<country: string, zip: int, note: string>
    lines       array<struct<sku: string, qty: int>>
    attrs       map<string, struct<a: int>>
' &&
	edit customers '    name string
' '    name string
    address struct<city: string>
'
}
edit_nested_v2() {
	edit orders 'struct<country: string, zip: int, note: string>' 'struct<country: string, zip: bigint, city: string>' &&
	edit orders 'array<struct<sku: string, qty: int>>' 'array<struct<sku: string, qty: bigint, price: decimal(10,2)>>' &&
	edit orders 'map<string, struct<a: int>>' 'map<string, struct<a: int, b: string>>' &&
	edit customers 'address struct<city: string>' 'address struct<city: string, zip: string>'
}
P="$T/nested"
cp -r "$ROOT/tests/plan/project" "$P"
edit_nested_v1 2>"$T/nested-edit.err" || nok "schema-edits: edit nested v1" "$T/nested-edit.err"
(cd "$P" && "$PIPEC" build -o "$T/v1-nested" .) >"$T/v1-nested.err" 2>&1 ||
	nok "schema-edits: build nested v1" "$T/v1-nested.err"
edit_nested_v2 2>"$T/nested-edit2.err" || nok "schema-edits: edit nested v2" "$T/nested-edit2.err"
run nested plan --against "$T/v1-nested" --no-catalog .
grep -E '^      schema \(|breaking schema edit' "$T/nested.out" >"$T/schema-edits-nested.txt"
if [ $rc -ne 2 ]; then
	nok "schema-edits: plan of the nested edits exits 2" "$T/nested.out" "$T/nested.err"
elif [ -n "${PIPEC_GOLDEN_UPDATE:-}" ]; then
	cp "$T/schema-edits-nested.txt" "$E/schema-edits-nested.txt"
	ok "schema-edits: nested classification golden (updated)"
elif cmp -s "$T/schema-edits-nested.txt" "$E/schema-edits-nested.txt"; then
	ok "schema-edits: every nested field edit classified as tests/plan/expected/schema-edits-nested.txt says"
else
	diff -u "$E/schema-edits-nested.txt" "$T/schema-edits-nested.txt" >"$T/nested.diff"
	nok "schema-edits: nested classification differs from schema-edits-nested.txt" "$T/nested.diff"
fi
# refused: a nested type Iceberg cannot promote, a map key, a change of kind
cp -r "$ROOT/tests/plan/project" "$T/nested-refused"
P="$T/nested-refused"
edit_nested_v1 && edit orders 'zip: int' 'zip: string' &&
	edit orders 'map<string, struct<a: int>>' 'map<int, struct<a: int>>' &&
	edit orders 'array<struct<sku: string, qty: int>>' 'array<string>'
run nested-refused plan --against "$T/v1-nested" --no-catalog .
F="$T/nested-refused.err"
if [ $rc -eq 1 ] &&
   grep -q "error: pipeline 'orders': change-field of field shipping.zip: the table's field is int and string values do not fit in it: the job fails before it writes (Iceberg promotes only int to bigint" "$F" &&
   grep -q "error: pipeline 'orders': change-field of field attrs.key: the map's keys are string, declared int: Iceberg does not evolve the keys of a map" "$F" &&
   grep -q "error: pipeline 'orders': change-field of field lines.element: the table's struct<\`sku\`:string,\`qty\`:int> is not changed into string: Iceberg does not change a column or field between a primitive type, a struct, an array and a map" "$F"
then ok "schema-edits: nested edits Iceberg cannot make are plan errors (exit 1)"
else nok "schema-edits: nested edits Iceberg cannot make are plan errors (exit 1)" "$T/nested-refused.out" "$T/nested-refused.err"; fi

# live: deploy v1, then v2
start_moto
EP=$AWS_ENDPOINT_URL
calls_reset() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/pipec-test/calls/reset", method="POST")).read()' "$EP"; }
writes() {
	python3 - "$EP" <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))
reads = ("Get", "List", "Batch", "Describe", "Head")
print(sum(n for op, n in d["calls"].items() if not op.split(".", 1)[1].startswith(reads)))
PY
}
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="plantest-artifacts")' >"$T/bucket.err" 2>&1 ||
	nok "schema-edits: artifacts bucket" "$T/bucket.err"
P="$T/live"
cp -r "$ROOT/tests/plan/project" "$P"
run deploy1 deploy
[ $rc -eq 0 ] && ok "schema-edits: v1 deploys" || nok "schema-edits: v1 deploys" "$T/deploy1.out" "$T/deploy1.err"
edit_v2 2>"$T/edit2.err" || nok "schema-edits: edit v2 (live)" "$T/edit2.err"
run plan2 plan --out "$T/saved.json"
grep -E '^      schema \(|breaking schema edit' "$T/plan2.out" >"$T/live-edits.txt"
if [ $rc -eq 2 ] && cmp -s "$T/live-edits.txt" "$E/schema-edits.txt"
then ok "schema-edits: the live plan (deployed scripts read from S3) classifies as the offline one"
else nok "schema-edits: the live plan (deployed scripts read from S3) classifies as the offline one" "$T/plan2.out" "$T/plan2.err"; fi
calls_reset
run deploy2 deploy
w=$(writes)
if [ $rc -eq 1 ] && [ "$w" = 0 ] &&
   grep -q "^pipec: error: pipeline 'events': breaking schema edit undeclare-column of column user_id: " "$T/deploy2.err" &&
   grep -q "^help: review these edits with pipec plan, then run pipec deploy --allow-breaking" "$T/deploy2.err"
then ok "schema-edits: deploy without --allow-breaking: refused before any write"
else echo "# rc=$rc writes=$w"; nok "schema-edits: deploy without --allow-breaking: refused before any write" "$T/deploy2.out" "$T/deploy2.err"; fi
calls_reset
run deploy-saved deploy --plan "$T/saved.json"
w=$(writes)
if [ $rc -eq 1 ] && [ "$w" = 0 ] && grep -q "breaking schema edit" "$T/deploy-saved.err"
then ok "schema-edits: deploy --plan of breaking edits without --allow-breaking: refused"
else echo "# rc=$rc writes=$w"; nok "schema-edits: deploy --plan of breaking edits without --allow-breaking: refused" "$T/deploy-saved.err"; fi
run deploy3 deploy --plan "$T/saved.json" --allow-breaking
if [ $rc -eq 0 ] && grep -q "updated job dev_events" "$T/deploy3.out" &&
   grep -q "^note: the jobs of pipelines .*'events'.* change their tables at the next run: run 'pipec catalog pull' after it" "$T/deploy3.out" &&
   ! grep -q "^note:" "$T/deploy1.out"
then ok "schema-edits: deploy --allow-breaking applies them"
else nok "schema-edits: deploy --allow-breaking applies them" "$T/deploy3.out" "$T/deploy3.err"; fi
run plan3 plan
if [ $rc -eq 0 ] && ! grep -q "schema (" "$T/plan3.out"
then ok "schema-edits: then the plan is clean"
else nok "schema-edits: then the plan is clean" "$T/plan3.out" "$T/plan3.err"; fi

# A deployed script replaced outside pipec is not trusted: its schema lines
# could hide an edit, so the edit counts as breaking (unverified).
python3 - >"$T/tamper.err" 2>&1 <<'PY'
import boto3
loc = boto3.client("glue").get_job(JobName="dev_events")["Job"]["Command"]["ScriptLocation"]
bucket, key = loc[len("s3://"):].split("/", 1)
s3 = boto3.client("s3")
body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
s3.put_object(Bucket=bucket, Key=key, Body=body + b"\n# edited by hand\n")
PY
[ -s "$T/tamper.err" ] && nok "schema-edits: replace the deployed script by hand" "$T/tamper.err"
edit events '    country   string
' '    country   string
    channel   string
'
calls_reset
run deploy4 deploy
w=$(writes)
if [ $rc -eq 1 ] && [ "$w" = 0 ] &&
   grep -q "^pipec: error: pipeline 'events': breaking schema edit unverified: the deployed script does not hash to its content-addressed key" "$T/deploy4.err"
then ok "schema-edits: a deployed script replaced by hand is not trusted: deploy refused before any write"
else echo "# rc=$rc writes=$w"; nok "schema-edits: a deployed script replaced by hand is not trusted: deploy refused before any write" "$T/deploy4.out" "$T/deploy4.err"; fi

# A catalog snapshot older than what is deployed: the deployed job already
# adds a column the snapshot's table lacks; plan says the snapshot is stale
# (and does not before the job is deployed, when the addition is new).
P="$T/stale"
mkdir -p "$P/pipelines" "$P/data"
cp "$ROOT/tests/plan/project/data/customers.csv" "$P/data/"
sed 's/^project: plantest$/project: staletest/; s/name_prefix: dev_$/name_prefix: st_/' \
	"$ROOT/tests/plan/project/pipec.yaml" >"$P/pipec.yaml"
sed 's/^    name string$/    name string\n    email string/' \
	"$ROOT/tests/plan/project/pipelines/customers.pipe" >"$P/pipelines/customers.pipe"
cat >"$P/catalog.yaml" <<'YAML'
version: 1
account: "123456789012"
region: us-east-1
databases:
  - name: lake
    tables:
      - name: customers
        type: EXTERNAL
        format: parquet
        location: "s3://plantest-lake/customers/"
        columns:
          - {name: id, type: int}
          - {name: name, type: string}
YAML
run stale-plan1 plan --catalog catalog.yaml
run stale-deploy deploy --catalog catalog.yaml
run stale-plan2 plan --catalog catalog.yaml
if [ "$(grep -c "column 'email' will be added to table 'lake.customers' by the job" "$T/stale-plan1.err")" = 1 ] &&
   ! grep -q "snapshot is stale" "$T/stale-plan1.err" &&
   [ $rc -eq 0 ] &&
   grep -q "^note: the catalog snapshot is stale for pipeline 'customers': its deployed job already evolves the table as the warnings above say; run 'pipec catalog pull' after its next run" "$T/stale-plan2.err"
then ok "schema-edits: a snapshot older than the deployed job is reported stale by plan"
else echo "# rc=$rc"; nok "schema-edits: a snapshot older than the deployed job is reported stale by plan" "$T/stale-plan1.err" "$T/stale-deploy.out" "$T/stale-deploy.err" "$T/stale-plan2.out" "$T/stale-plan2.err"; fi
