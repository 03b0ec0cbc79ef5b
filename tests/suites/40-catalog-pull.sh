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

t() {	# t NAME CONDITION...
	name=$1; shift
	if "$@"; then echo "ok $name"; else echo "not ok $name"; fi
}
has() { grep -qF -- "$1" "$2"; }

out="$SUITE_TMP/pulled.yaml"
"$PIPEC" catalog pull -o "$out" --table-bucket lakehouse >"$SUITE_TMP/pull.out" 2>"$SUITE_TMP/pull.err"
t "pull exits 0" [ $? -eq 0 ]
t "pull reports what it wrote" has "2 connections, 2 databases, 1 table buckets, 4 tables" "$SUITE_TMP/pull.err"
t "pulled snapshot is valid" "$PIPEC" catalog check "$out"
t "pulled snapshot is canonical" "$PIPEC" catalog fmt --check "$out"
t "region and account recorded" sh -c "grep -qx 'region: us-east-1' '$out' && grep -qx 'account: \"123456789012\"' '$out'"
t "jdbc connection with its url" has '    url: "jdbc:postgresql://db:5432/shop"' "$out"
t "connection passwords never written" sh -c "! grep -q secret-pw '$out'"
t "iceberg table with type and location" sh -c "grep -A3 -- '- name: orders' '$out' | grep -q 'type: ICEBERG' && grep -q 'location: \"s3://lake/orders/\"' '$out'"
t "iceberg partition spec read from the metadata file" has 'partition_spec: ["months(order_ts)", "bucket(16, customer_id)"]' "$out"
t "hive table: parquet format, comment, partition keys" sh -c "grep -q '{name: id, type: bigint, comment: \"customer id\"}' '$out' && grep -A1 'partition_keys:' '$out' | grep -q '{name: dt, type: string}'"
t "glue types lowercased, names kept" has '{name: Amount, type: "decimal(10,2)"}' "$out"
t "csv format from the serde" sh -c "grep -A3 -- '- name: events_csv' '$out' | grep -q 'format: csv'"
t "table bucket namespace and table" sh -c "grep -A8 -- '- name: lakehouse' '$out' | grep -q -- '- name: events'"
t "table bucket arn" has 'arn: "arn:aws:s3tables:us-east-1:123456789012:bucket/lakehouse"' "$out"
t "bucket namespace is not a glue database" sh -c "! sed -n '/^databases:/,/^table_buckets:/p' '$out' | grep -q 'name: analytics'"

# the pulled snapshot round-trips through fmt unchanged
"$PIPEC" catalog fmt "$out" >"$SUITE_TMP/fmt.yaml"
t "fmt of a pulled snapshot is identical" cmp -s "$out" "$SUITE_TMP/fmt.yaml"

"$PIPEC" catalog pull -o "$SUITE_TMP/one.yaml" --database LAKE 2>/dev/null
t "--database selects one database" sh -c "grep -q 'name: lake' '$SUITE_TMP/one.yaml' && ! grep -q 'name: raw' '$SUITE_TMP/one.yaml' && ! grep -q table_buckets '$SUITE_TMP/one.yaml'"
"$PIPEC" catalog pull -o "$SUITE_TMP/none.yaml" --database nosuch 2>"$SUITE_TMP/none.err"
t "--database of a missing database fails" sh -c "[ $? -eq 1 ] && grep -q \"database 'nosuch' is not in the catalog\" '$SUITE_TMP/none.err' && [ ! -e '$SUITE_TMP/none.yaml' ]"
AWS_SECRET_ACCESS_KEY=wrong "$PIPEC" catalog pull -o "$SUITE_TMP/bad.yaml" 2>"$SUITE_TMP/bad.err"
t "a refused signature fails the pull" sh -c "[ $? -eq 1 ] && grep -q 'GetConnections' '$SUITE_TMP/bad.err' && [ ! -e '$SUITE_TMP/bad.yaml' ]"
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
