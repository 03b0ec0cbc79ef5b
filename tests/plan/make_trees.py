#!/usr/bin/env python3
"""Writes the two build trees (old/, new/) that tests/suites/70-plan-against.sh
plans between: every action kind and every dangerous-edit warning.
Usage: make_trees.py DIR  (the committed trees are its output)."""
import json, os, hashlib, sys
root = sys.argv[1]

def script(name, extra=()):
    lines = [f"# pipeline {name}", "import sys", "from awsglue.utils import getResolvedOptions",
             "from awsglue.context import GlueContext", "from pyspark.context import SparkContext", "",
             "args = getResolvedOptions(sys.argv, ['JOB_NAME', 'source_path', 'target_table'])",
             "sc = SparkContext()", "glue = GlueContext(sc)", "spark = glue.spark_session", "",
             "df = spark.read.parquet(args['source_path'])"]
    lines += list(extra)
    lines += ["df.writeTo(args['target_table']).append()", "print('rows written', df.count())", ""]
    return "\n".join(lines)

def job(name, pipe, script_text, workers="G.1X", bookmark=None, conf="spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions", extra_args=None):
    sha = hashlib.sha256(script_text.encode()).hexdigest()
    args = {"--datalake-formats": "iceberg", "--conf": conf, "--TempDir": "s3://shop-dev-artifacts/tmp/",
            "--source_path": f"s3://shop-raw/{pipe}/", "--target_table": f"glue_catalog.shop.{pipe}"}
    if bookmark:
        args["--job-bookmark-option"] = bookmark
    if extra_args:
        args.update(extra_args)
    return {"Name": name, "Role": "arn:aws:iam::123456789012:role/glue-etl", "GlueVersion": "5.1",
            "Command": {"Name": "glueetl", "PythonVersion": "3",
                        "ScriptLocation": f"s3://shop-dev-artifacts/scripts/{name}/{sha}.py"},
            "WorkerType": workers, "NumberOfWorkers": 2, "Timeout": 60, "MaxRetries": 0,
            "ExecutionProperty": {"MaxConcurrentRuns": 1}, "DefaultArguments": args,
            "Tags": {"team": "data", "pipec:project": "shop", "pipec:pipeline": pipe}}

def sched(name, job, cron):
    return {"Name": name, "Type": "SCHEDULED", "Schedule": cron, "StartOnCreation": True,
            "Actions": [{"JobName": job}], "Tags": {"pipec:project": "shop"}}

def cond(name, job, up):
    return {"Name": name, "Type": "CONDITIONAL", "StartOnCreation": True,
            "Predicate": {"Logical": "AND", "Conditions": [{"LogicalOperator": "EQUALS", "JobName": up, "State": "SUCCEEDED"}]},
            "Actions": [{"JobName": job}], "Tags": {"pipec:project": "shop"}}

def ondemand(name, job):
    return {"Name": name, "Type": "ON_DEMAND", "Actions": [{"JobName": job}], "Tags": {"pipec:project": "shop"}}

def ruleset(name, rules):
    return {"Name": name, "Ruleset": "Rules = [\n    " + ",\n    ".join(rules) + "\n]",
            "TargetTable": {"DatabaseName": "shop", "TableName": name.split("_")[1]},
            "Tags": {"pipec:project": "shop"}}

def write(tree, pipes):
    d = os.path.join(root, tree)
    facts = {}
    arts = []
    for p in pipes:
        pd = os.path.join(d, p["name"])
        os.makedirs(pd, exist_ok=True)
        files = {"job.py": p["script"], "job.json": json.dumps(p["job"], indent=2, sort_keys=True) + "\n",
                 "triggers.json": json.dumps(p.get("triggers", []), indent=2, sort_keys=True) + "\n",
                 "validate.sql": "SELECT count(*) FROM t;\n"}
        if p.get("ruleset"):
            files["ruleset.json"] = json.dumps(p["ruleset"], indent=2, sort_keys=True) + "\n"
        for f, t in files.items():
            open(os.path.join(pd, f), "w").write(t)
            arts.append({"path": f"{p['name']}/{f}", "sha256": hashlib.sha256(t.encode()).hexdigest(), "bytes": len(t.encode())})
        facts[p["name"]] = p["facts"]
    arts.sort(key=lambda a: a["path"])
    m = {"version": 1, "pipec_version": "0.1.0", "project": "shop", "environment": "dev", "artifacts": arts, "pipelines": facts}
    open(os.path.join(d, "manifest.json"), "w").write(json.dumps(m, indent=2, sort_keys=True) + "\n")

def facts(inc="none", col=None, part=(), target="glue_catalog.shop.x", job="", trig=()):
    f = {"incremental": {"kind": inc}, "partitioning": list(part), "target": {"spark": target, "athena": target},
         "job_name": job, "trigger_names": list(trig), "mode": "append", "uploads": []}
    if col:
        f["incremental"]["column"] = col
    return f

s_orders = script("orders", ["df = df.filter(df.amount > 0)"])
s_orders2 = script("orders", ["df = df.filter(df.amount > 0)", "df = df.dropDuplicates(['order_id'])"]).replace("print('rows written', df.count())", "print('rows written:', df.count())")
old = [
 {"name": "customers", "script": script("customers"), "job": job("dev_customers", "customers", script("customers"), extra_args={"--watermark_column": "updated_at"}),
  "triggers": [cond("dev_customers_after_orders", "dev_customers", "dev_orders")],
  "facts": facts("watermark", "updated_at", ["bucket(16, id)"], "glue_catalog.shop.customers", "dev_customers")},
 {"name": "events", "script": script("events"), "job": job("dev_events", "events", script("events")),
  "triggers": [sched("dev_events_daily", "dev_events", "cron(0 6 * * ? *)")],
  "facts": facts(target="glue_catalog.shop.events", job="dev_events")},
 {"name": "legacy", "script": script("legacy"), "job": job("dev_legacy", "legacy", script("legacy"), bookmark="job-bookmark-enable"),
  "triggers": [sched("dev_legacy_nightly", "dev_legacy", "cron(0 2 * * ? *)")],
  "facts": facts("new_files", target="glue_catalog.shop.legacy", job="dev_legacy")},
 {"name": "orders", "script": s_orders, "job": job("dev_orders", "orders", s_orders, bookmark="job-bookmark-enable"),
  "triggers": [sched("dev_orders_hourly", "dev_orders", "cron(0 * * * ? *)")],
  "ruleset": ruleset("dev_orders_rules", ['RowCount > 0', 'IsComplete "order_id"']),
  "facts": facts("new_files", part=["days(order_ts)"], target="glue_catalog.shop.orders", job="dev_orders")},
 {"name": "stable", "script": script("stable"), "job": job("dev_stable", "stable", script("stable")),
  "facts": facts(target="glue_catalog.shop.stable", job="dev_stable")},
]
new = [
 {"name": "customers", "script": script("customers"), "job": job("dev_customers", "customers", script("customers"), extra_args={"--watermark_column": "modified_at"}),
  "triggers": [sched("dev_customers_after_orders", "dev_customers", "cron(30 6 * * ? *)")],
  "facts": facts("watermark", "modified_at", ["bucket(16, id)"], "glue_catalog.shop.customers", "dev_customers")},
 {"name": "events", "script": script("events"), "job": job("dev_events", "events", script("events")),
  "triggers": [ondemand("dev_events_daily", "dev_events")],
  "facts": facts(target="glue_catalog.shop.events", job="dev_events")},
 {"name": "fresh", "script": script("fresh"), "job": job("dev_fresh", "fresh", script("fresh")),
  "triggers": [sched("dev_fresh_daily", "dev_fresh", "cron(0 5 * * ? *)")],
  "ruleset": ruleset("dev_fresh_rules", ['RowCount > 0']),
  "facts": facts(target="glue_catalog.shop.fresh", job="dev_fresh")},
 {"name": "orders", "script": s_orders2, "job": job("dev_orders", "orders", s_orders2, workers="G.2X", bookmark="job-bookmark-disable",
   conf="spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions --conf spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog"),
  "triggers": [sched("dev_orders_hourly", "dev_orders", "cron(0 * * * ? *)")],
  "ruleset": ruleset("dev_orders_rules", ['RowCount > 0', 'IsComplete "order_id"', 'IsUnique "order_id"']),
  "facts": facts("new_files", part=["days(order_ts)", "category"], target="glue_catalog.shop.orders", job="dev_orders")},
 {"name": "stable", "script": script("stable"), "job": job("dev_stable", "stable", script("stable")),
  "facts": facts(target="glue_catalog.shop.stable", job="dev_stable")},
]
write("old", old)
write("new", new)
