#!/bin/sh
# pipec catalog pull against moto_server (127.0.0.1, signatures enforced):
# databases, tables, connections and a table bucket created with boto3 are
# pulled, and the snapshot is compared with what was created.
set -u
command -v moto_server >/dev/null 2>&1 || { echo "not ok catalog-pull: moto_server not found"; exit 0; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pidfile="$SUITE_TMP/moto.pid"
trap '[ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null' EXIT INT TERM
if ! MOTO_PID_FILE="$pidfile" bash "$ROOT/tests/tools/moto_auth.sh" "$port" >"$SUITE_TMP/env" 2>"$SUITE_TMP/moto.err"; then
	echo "not ok catalog-pull: moto_server did not start"
	sed 's/^/# /' "$SUITE_TMP/moto.err"
	exit 0
fi
. "$SUITE_TMP/env"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
python3 "$ROOT/tests/catalog/seed_moto.py" >"$SUITE_TMP/seed.log" 2>&1 || {
	echo "not ok catalog-pull: seeding moto failed"; sed 's/^/# /' "$SUITE_TMP/seed.log"; exit 0; }
# An unpartitioned Iceberg table, and a user who may read Glue but not the
# lake's S3 objects (so no Iceberg metadata file): its key goes to glue.env.
python3 - "$SUITE_TMP/glue.env" >>"$SUITE_TMP/seed.log" 2>&1 <<'PY' || {
import boto3, json, os, sys
ep = os.environ["AWS_ENDPOINT_URL"]
g = boto3.client("glue", endpoint_url=ep, region_name="us-east-1")
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1")
iam = boto3.client("iam", endpoint_url=ep, region_name="us-east-1")
meta = {"format-version": 2, "current-schema-id": 0, "schemas": [{"schema-id": 0, "type": "struct",
        "fields": [{"id": 1, "name": "sku", "type": "string", "required": False}]}],
        "default-spec-id": 0, "partition-specs": [{"spec-id": 0, "fields": []}]}
s3.put_object(Bucket="lake-meta", Key="products/metadata/00001.metadata.json", Body=json.dumps(meta).encode())
g.create_table(DatabaseName="lake", TableInput={"Name": "products", "TableType": "EXTERNAL_TABLE",
    "Parameters": {"table_type": "ICEBERG",
                   "metadata_location": "s3://lake-meta/products/metadata/00001.metadata.json"},
    "StorageDescriptor": {"Location": "s3://lake/products/", "Columns": [{"Name": "sku", "Type": "string"}]}})
iam.create_user(UserName="glue-only")
iam.put_user_policy(UserName="glue-only", PolicyName="glue-only", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["glue:*", "sts:GetCallerIdentity"], "Resource": "*"}]}))
k = iam.create_access_key(UserName="glue-only")["AccessKey"]
with open(sys.argv[1], "w") as f:
    f.write("AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n" % (k["AccessKeyId"], k["SecretAccessKey"]))
PY
	echo "not ok catalog-pull: seeding moto failed"; sed 's/^/# /' "$SUITE_TMP/seed.log"; exit 0; }

t() {	# t NAME CONDITION...
	name=$1; shift
	if "$@"; then echo "ok $name"; else echo "not ok $name"; fi
}
has() { grep -qF -- "$1" "$2"; }

out="$SUITE_TMP/pulled.yaml"
"$PIPEC" catalog pull -o "$out" --table-bucket lakehouse >"$SUITE_TMP/pull.out" 2>"$SUITE_TMP/pull.err"
t "pull exits 0" [ $? -eq 0 ]
t "pull reports what it wrote" has "2 connections, 2 databases, 1 table bucket, 5 tables" "$SUITE_TMP/pull.err"
t "pulled snapshot is valid" "$PIPEC" catalog check "$out"
t "pulled snapshot is canonical" "$PIPEC" catalog fmt --check "$out"
t "region and account recorded" sh -c "grep -qx 'region: us-east-1' '$out' && grep -qx 'account: \"123456789012\"' '$out'"
t "jdbc connection with its url" has '    url: "jdbc:postgresql://db:5432/shop"' "$out"
t "connection passwords never written" sh -c "! grep -q secret-pw '$out'"
t "iceberg table with type and location" sh -c "grep -A3 -- '- name: orders' '$out' | grep -q 'type: ICEBERG' && grep -q 'location: \"s3://lake/orders/\"' '$out'"
t "iceberg partition spec read from the metadata file" has 'partition_spec: ["months(order_ts)", "bucket(16, customer_id)"]' "$out"
t "unpartitioned iceberg table: an empty spec" sh -c "grep -A6 -- '- name: products' '$out' | grep -qx '        partition_spec: \[\]'"
t "bucket table without metadata: spec unknown" sh -c "grep -A8 -- '- name: events' '$out' | grep -qx '            partition_spec: unknown'"
t "pull says which spec it could not read" sh -c "grep -qx \"warning: the partition spec of 1 Iceberg table could not be read; it is written as 'partition_spec: unknown' and its partitioning is not checked\" '$SUITE_TMP/pull.err' && grep -q '^note: analytics.events: Glue gives no metadata_location' '$SUITE_TMP/pull.err'"
t "hive table: parquet format, comment, partition keys" sh -c "grep -q '{name: id, type: bigint, comment: \"customer id\"}' '$out' && grep -A1 'partition_keys:' '$out' | grep -q '{name: dt, type: string}'"
t "glue types lowercased, names kept" has '{name: Amount, type: "decimal(10,2)"}' "$out"
t "csv format from the serde" sh -c "grep -A3 -- '- name: events_csv' '$out' | grep -q 'format: csv'"
t "table bucket namespace and table" sh -c "grep -A8 -- '- name: lakehouse' '$out' | grep -q -- '- name: events'"
t "table bucket arn" has 'arn: "arn:aws:s3tables:us-east-1:123456789012:bucket/lakehouse"' "$out"
t "bucket namespace is not a glue database" sh -c "! sed -n '/^databases:/,/^table_buckets:/p' '$out' | grep -q 'name: analytics'"

# the pulled snapshot round-trips through fmt unchanged
"$PIPEC" catalog fmt "$out" >"$SUITE_TMP/fmt.yaml"
t "fmt of a pulled snapshot is identical" cmp -s "$out" "$SUITE_TMP/fmt.yaml"

"$PIPEC" catalog pull -o "$SUITE_TMP/one.yaml" --database LAKE 2>"$SUITE_TMP/one.err"
t "--database selects one database" sh -c "grep -q 'name: lake' '$SUITE_TMP/one.yaml' && ! grep -q 'name: raw' '$SUITE_TMP/one.yaml' && ! grep -q table_buckets '$SUITE_TMP/one.yaml'"
t "account recorded without table buckets" sh -c "grep -qx 'account: \"123456789012\"' '$SUITE_TMP/one.yaml'"
t "counts in the singular and the plural" has "one.yaml: 2 connections, 1 database, 0 table buckets, 3 tables" "$SUITE_TMP/one.err"

# Glue readable, the lake's metadata files not: the spec is unknown, never
# "not partitioned", and a partitioned pipeline checks clean against it
noread="$SUITE_TMP/noread.yaml"
env $(cat "$SUITE_TMP/glue.env") "$PIPEC" catalog pull -o "$noread" --database lake >/dev/null 2>"$SUITE_TMP/noread.err"
t "pull without S3 read succeeds" [ $? -eq 0 ]
t "unreadable metadata file: spec unknown" sh -c "grep -A8 -- '- name: orders' '$noread' | grep -qx '        partition_spec: unknown'"
t "unreadable metadata file: warned with the reason" sh -c "grep -q 'partition specs of 2 Iceberg tables could not be read' '$SUITE_TMP/noread.err' && grep -q '^note: the first, lake.orders: .*s3://lake-meta/orders/metadata/00001.metadata.json.*AccessDenied' '$SUITE_TMP/noread.err'"
t "snapshot with unknown specs is valid and canonical" sh -c "'$PIPEC' catalog check '$noread' && '$PIPEC' catalog fmt --check '$noread'"
mkdir -p "$SUITE_TMP/spec"
cat >"$SUITE_TMP/spec/p.pipe" <<'PIPE'
pipeline orders {
  source s3 "s3://raw/orders/" { format json }
  target iceberg lake.orders at "s3://lake/orders/"
  columns {
    order_id    bigint required
    order_ts    timestamp
    customer_id bigint
  }
  partition by days(order_ts)
}
PIPE
(cd "$SUITE_TMP/spec" && "$PIPEC" check --catalog "$noread" .) >"$SUITE_TMP/spec.out" 2>&1
t "partitioned pipeline against an unknown spec: no false error" [ $? -eq 0 ]
(cd "$SUITE_TMP/spec" && "$PIPEC" check --catalog "$out" .) >"$SUITE_TMP/spec.out" 2>&1
# (mode append: the job evolves the spec, so the difference is a warning)
t "the same pipeline against the read spec: the difference is found" sh -c "[ $? -eq 0 ] && grep -q \"warning: the job evolves the partition spec of table 'lake.orders' from .* to days(order_ts) at its next run\" '$SUITE_TMP/spec.out'"
"$PIPEC" catalog pull -o "$SUITE_TMP/none.yaml" --database nosuch 2>"$SUITE_TMP/none.err"
t "--database of a missing database fails" sh -c "[ $? -eq 1 ] && grep -q \"database 'nosuch' is not in the catalog\" '$SUITE_TMP/none.err' && [ ! -e '$SUITE_TMP/none.yaml' ]"
AWS_SECRET_ACCESS_KEY=wrong "$PIPEC" catalog pull -o "$SUITE_TMP/bad.yaml" 2>"$SUITE_TMP/bad.err"
t "a refused signature fails the pull" sh -c "[ $? -eq 1 ] && grep -q 'GetCallerIdentity' '$SUITE_TMP/bad.err' && [ ! -e '$SUITE_TMP/bad.yaml' ]"
AWS_SECRET_ACCESS_KEY=wrong "$PIPEC" catalog pull --account 123456789012 -o "$SUITE_TMP/bad.yaml" 2>"$SUITE_TMP/bad.err"
t "a refused signature fails the pull (account given)" sh -c "[ $? -eq 1 ] && grep -q 'GetConnections' '$SUITE_TMP/bad.err' && [ ! -e '$SUITE_TMP/bad.yaml' ]"
# --env takes the region, account and table bucket from pipec.yaml
mkdir -p "$SUITE_TMP/proj"
cat >"$SUITE_TMP/proj/pipec.yaml" <<'YAML'
project: shop
default_environment: dev
environments:
  dev:
    region: us-east-1
    account: "123456789012"
    role: arn:aws:iam::123456789012:role/glue
    script_bucket: artifacts
    table_bucket: lakehouse
YAML
(cd "$SUITE_TMP/proj" && "$PIPEC" catalog pull --env dev -o env.yaml 2>/dev/null)
t "--env pulls the environment's table bucket" sh -c "grep -q 'arn: \"arn:aws:s3tables:us-east-1:123456789012:bucket/lakehouse\"' '$SUITE_TMP/proj/env.yaml'"
(cd "$SUITE_TMP/proj" && "$PIPEC" catalog pull --env nosuch -o env2.yaml 2>"$SUITE_TMP/env2.err")
t "--env of an unknown environment fails" sh -c "[ $? -eq 1 ] && [ ! -e '$SUITE_TMP/proj/env2.yaml' ] && grep -q nosuch '$SUITE_TMP/env2.err'"
"$PIPEC" catalog pull 2>/dev/null
t "pull without -o is a usage error" [ $? -eq 2 ]
