#!/bin/sh
# Redshift staging tables on the awsglue stand-in: a target whose job allows
# overlapping runs (max_concurrency > 1) stages each run into a table named
# with its --JOB_RUN_ID, created in the preactions and dropped in the
# postactions; without a run id (and with one run at a time) the table is
# the fixed <table>_pipec_stage.
set -u
out="$SUITE_TMP/redshift-staging"
if ! (cd "$ROOT/tests/codegen/catalog-tables-and-redshift" && exec "$PIPEC" build -o "$out" .) \
	>"$SUITE_TMP/redshift-staging.err" 2>&1; then
	echo "not ok redshift-staging: build"
	sed 's/^/# /' "$SUITE_TMP/redshift-staging.err" | head -20
	exit 0
fi
python3 "$ROOT/tests/codegen/facts.py" "$out" >"$SUITE_TMP/facts.out" 2>&1 || {
	echo "not ok redshift-staging: facts"; sed "s/^/# /" "$SUITE_TMP/facts.out" | head -20; exit 0; }
python3 - "$ROOT/tests/tools" "$out" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import json  # noqa: E402
import os  # noqa: E402
import run_job  # noqa: E402

build = sys.argv[2]


def write(pipeline, run_id=None):
    extra = {"--JOB_RUN_ID": run_id} if run_id else None
    # The source holds the declared columns (pipeline.facts.json's schema),
    # as in the artifact checks.
    with open(os.path.join(build, pipeline, "pipeline.facts.json"),
              encoding="utf-8") as f:
        schema = json.load(f).get("schema")
    res = run_job.run(build, pipeline, "first-run", "pass", extra_args=extra,
                      schema=schema)
    if res.get("exit_code") != 0:
        return None, res.get("stderr", "")[-400:]
    for e in res["trace"]["events"]:
        if e["kind"] == "write":
            return e.get("connection_options") or {}, ""
    return None, "no write"


def check(name, pipeline, run_id, want):
    opts, why = write(pipeline, run_id)
    if opts is None:
        print("not ok %s\n# %s" % (name, why.replace("\n", "\n# ")))
        return
    pre, post = opts.get("preactions", ""), opts.get("postactions", "")
    errs = []
    if opts.get("dbtable") != want:
        errs.append("dbtable %r, expected %r" % (opts.get("dbtable"), want))
    if "CREATE TABLE " + want + " (LIKE" not in pre:
        errs.append("preactions do not create %s" % want)
    if "DROP TABLE " + want + ";" not in post:
        errs.append("postactions do not drop %s" % want)
    print(("not ok %s\n# " % name + "\n# ".join(errs)) if errs else "ok " + name)


stage = '"public"."fact_orders_pipec_stage'
check("redshift-staging: per run (run 1)", "iceberg_to_redshift",
      "jr_" + "a" * 48 + "0123456789abcdef", stage + '_0123456789abcdef"')
check("redshift-staging: per run (run 2)", "iceberg_to_redshift",
      "jr_" + "a" * 48 + "FEDCBA9876543210", stage + '_fedcba9876543210"')
check("redshift-staging: no run id", "iceberg_to_redshift", None, stage + '"')
check("redshift-staging: one run at a time", "hive_to_redshift",
      "jr_" + "b" * 64, '"public"."dim_customers_pipec_stage"')
PY
