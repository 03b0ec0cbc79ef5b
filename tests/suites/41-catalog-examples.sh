#!/bin/sh
# The example project is checked against examples/catalog.yaml: it checks
# clean, the snapshot is canonical, and the snapshot really is consulted
# (a pipeline loses its connection or table when the snapshot loses it).
set -u
ex="$ROOT/examples"
[ -f "$ex/catalog.yaml" ] || { echo "not ok examples catalog: examples/catalog.yaml missing"; exit 0; }
t() {	# t NAME STATUS
	if [ "$2" -eq 0 ]; then echo "ok $1"; else echo "not ok $1"; sed 's/^/# /' "$SUITE_TMP/out" | head -20; fi
}

(cd "$ex" && "$PIPEC" check --werror .) >"$SUITE_TMP/out" 2>&1
t "examples check clean against their catalog" $?
grep -q 'catalog: catalog.yaml' "$ex/pipec.yaml"
t "the dev environment names the snapshot" $?
"$PIPEC" catalog check "$ex/catalog.yaml" >"$SUITE_TMP/out" 2>&1
t "examples/catalog.yaml is a valid snapshot" $?
"$PIPEC" catalog fmt "$ex/catalog.yaml" 2>&1 | grep -v '^#' >"$SUITE_TMP/fmt"
grep -v '^#' "$ex/catalog.yaml" | cmp -s - "$SUITE_TMP/fmt"
t "examples/catalog.yaml is in canonical form" $?

# mutations of the snapshot must surface in the check
mutate() {	# mutate NAME SED-SCRIPT EXPECTED-MESSAGE
	mkdir -p "$SUITE_TMP/m"
	sed "$2" "$ex/catalog.yaml" >"$SUITE_TMP/m/catalog.yaml"
	(cd "$ex" && "$PIPEC" check --catalog "$SUITE_TMP/m/catalog.yaml" .) >"$SUITE_TMP/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && grep -qF -- "$3" "$SUITE_TMP/out"
	t "$1" $?
}
mutate "a removed connection is reported" 's/name: orders-pg$/name: orders-postgres/' \
	"connection 'orders-pg' is not in the catalog"
# (a table's decimal(8,2) would be widened by the job: Iceberg promotes a
# decimal's precision, never its scale)
mutate "a changed decimal scale is reported" 's/{name: amount, type: "decimal(10,2)"}/{name: amount, type: "decimal(10,4)"}/' \
	"column 'amount' is decimal(10,2) here but decimal(10,4) in table 'analytics.events'"
mutate "a removed source table is reported" 's/name: orders_hive$/name: orders_hive_old/' \
	"table 'legacy.orders_hive' is not in the catalog"
# (the orders pipeline merges: its job evolves the spec, so check warns;
# --werror makes the warning fail the check)
mutate_warn() {	# mutate_warn NAME SED-SCRIPT EXPECTED-MESSAGE
	mkdir -p "$SUITE_TMP/m"
	sed "$2" "$ex/catalog.yaml" >"$SUITE_TMP/m/catalog.yaml"
	(cd "$ex" && "$PIPEC" check --catalog "$SUITE_TMP/m/catalog.yaml" .) >"$SUITE_TMP/out" 2>&1
	rc=$?
	(cd "$ex" && "$PIPEC" check --werror --catalog "$SUITE_TMP/m/catalog.yaml" .) >/dev/null 2>&1
	werror=$?
	[ $rc -eq 0 ] && [ $werror -eq 1 ] && grep -qF -- "$3" "$SUITE_TMP/out"
	t "$1" $?
}
mutate_warn "a changed partition spec is reported" 's/"bucket(16, customer_id)"/"bucket(32, customer_id)"/' \
	"warning: the job evolves the partition spec of table 'lake.orders' from months(order_ts), bucket(32, customer_id) to months(order_ts), bucket(16, customer_id) at its next run"
mutate "a missing namespace is reported" 's/- name: archive$/- name: archives/' \
	"namespace 'archive' is not in table bucket 'shop-dev-lake'"
