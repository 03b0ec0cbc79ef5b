#!/usr/bin/env python3
"""standin_selftest.py: micro-cases for the awsglue/pyspark stand-in.

Each case runs a snippet (after a common Glue prologue) in a fresh process on
the stand-in and states what must happen: the snippet runs cleanly, or it
raises an exception whose type and text are given (and, for API misuse, leaves
a violation in the trace). Prints `ok NAME` / `not ok NAME` lines."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
STANDIN = os.path.normpath(os.path.join(HERE, "..", "standin"))

PROLOGUE = """
import sys
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from awsglue.dynamicframe import DynamicFrame
from pyspark.context import SparkContext
from pyspark.sql import functions as F
from pyspark.sql.types import DecimalType, StructType, StructField, StringType
sc = SparkContext.getOrCreate()
glue = GlueContext(sc)
spark = glue.spark_session
"""
CONF = ("spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
        " --conf spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog"
        " --conf spark.sql.catalog.glue_catalog.warehouse=s3://b/w/"
        " --conf spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog")
ARGV = ["--JOB_NAME", "t", "--conf", CONF, "--datalake-formats", "iceberg", "--x", "1"]

# name, snippet, expected: None (clean) or (exception type name, text, violation?)
CASES = [
    ("good: getResolvedOptions", "a = getResolvedOptions(sys.argv, ['JOB_NAME', 'x'])\n"
     "assert a['x'] == '1' and a['JOB_NAME'] == 't'", None),
    ("getResolvedOptions: missing required option",
     "getResolvedOptions(sys.argv, ['JOB_NAME', 'nope'])",
     ("GlueArgumentError", "--nope", False)),
    ("static config spark.sql.extensions cannot be set",
     "spark.conf.set('spark.sql.extensions', 'x')",
     ("AnalysisException", "Cannot modify the value of a static config", True)),
    ("catalog config cannot be set at runtime",
     "spark.conf.set('spark.sql.catalog.c2', 'org.apache.iceberg.spark.SparkCatalog')",
     ("AnalysisException", "static config", True)),
    ("runtime SQL conf can be set",
     "spark.conf.set('spark.sql.sources.partitionOverwriteMode', 'dynamic')", None),
    ("SQL SET of a static config", "spark.sql('SET spark.sql.extensions=x')",
     ("AnalysisException", "static config", True)),
    ("Iceberg ALTER TABLE: ADD COLUMNS and a promotion",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (id int) USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ADD COLUMNS (`v` string)')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ALTER COLUMN `id` TYPE bigint')", None),
    ("Iceberg ALTER COLUMN TYPE: no promotion from int to string",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (id int) USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ALTER COLUMN id TYPE string')",
     ("AnalysisException", "Cannot change column type", False)),
    ("ADD COLUMNS: an added column cannot be NOT NULL",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (id int) USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ADD COLUMNS (v string NOT NULL)')",
     ("AnalysisException", "cannot add required column", False)),
    ("Iceberg ADD COLUMNS and ALTER COLUMN of nested fields by their paths",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (p struct<x:int>, "
     "l array<struct<q:int>>, m map<string,struct<a:int>>) USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ADD COLUMNS (`p`.`z` double, "
     "`l`.element.`s` string, `m`.value.`b` int)')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ALTER COLUMN `p`.`x` TYPE bigint')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ALTER COLUMN `l`.element.`q` TYPE bigint')",
     None),
    ("ADD COLUMNS of a nested field: the parent must be a struct",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (p struct<x:int>) USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ADD COLUMNS (`p`.`x`.`y` int)')",
     ("Py4JJavaError", "Cannot add to non-struct column", False)),
    ("ADD COLUMNS of a nested field the struct has",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (p struct<x:int>) USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ADD COLUMNS (`p`.`x` int)')",
     ("Py4JJavaError", "name already exists", False)),
    ("ADD COLUMNS under a missing parent",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (p struct<x:int>) USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ADD COLUMNS (`p`.`q`.`y` int)')",
     ("Py4JJavaError", "Cannot find parent struct", False)),
    ("ALTER COLUMN of a nested field: no promotion from int to string",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (p struct<x:int>) USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ALTER COLUMN `p`.`x` TYPE string')",
     ("AnalysisException", "Cannot change column type", False)),
    ("ALTER COLUMN under a map's keys",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.e (m map<struct<a:int>,int>) "
     "USING iceberg')\n"
     "spark.sql('ALTER TABLE glue_catalog.db.e ALTER COLUMN `m`.key.`a` TYPE bigint')",
     ("Py4JJavaError", "Cannot alter map keys", False)),
    ("ALTER COLUMN TYPE on a non-Iceberg table",
     "spark.sql('CREATE TABLE IF NOT EXISTS db.p (id int) USING parquet')\n"
     "spark.sql('ALTER TABLE db.p ALTER COLUMN id TYPE bigint')",
     ("AnalysisException", "ALTER COLUMN ... TYPE", True)),
    ("DataFrame.mergeInto does not exist (Spark 4.0)",
     "spark.range(3).mergeInto('glue_catalog.db.t', F.expr('true'))",
     ("AttributeError", "mergeInto", True)),
    ("functions.partitioning does not exist (Spark 4.0)",
     "import pyspark.sql.functions.partitioning", ("ModuleNotFoundError", "partitioning", False)),
    ("functions.years/bucket exist for partitionedBy",
     "spark.range(3).withColumn('ts', F.current_timestamp()).writeTo('glue_catalog.db.t')"
     ".partitionedBy(F.days('ts'), F.bucket(16, 'id')).createOrReplace()", None),
    ("bucket(numBuckets) must be int",
     "F.bucket('16', 'id')", ("PySparkTypeError", "NOT_COLUMN_OR_INT", True)),
    ("unknown keyword argument on a Glue read",
     "glue.create_dynamic_frame.from_options(connection_type='s3', connection_options="
     "{'paths': ['s3://b/p/']}, format='json', transformation_context='x')",
     ("TypeError", "unexpected keyword argument", True)),
    ("unknown keyword argument on a DataFrame method",
     "spark.range(3).dropDuplicates(subsett=['id'])",
     ("TypeError", "unexpected keyword argument", True)),
    ("S3 paths must be a list",
     "glue.create_dynamic_frame.from_options(connection_type='s3', connection_options="
     "{'paths': 's3://b/p/'}, format='json')", ("TypeError", "must be a non-empty list", True)),
    ("unknown csv format option",
     "glue.create_dynamic_frame.from_options(connection_type='s3', connection_options="
     "{'paths': ['s3://b/p/']}, format='csv', format_options={'withheader': True})",
     ("ValueError", "unknown format_options", True)),
    ("Column in a Python boolean context",
     "c = F.col('a') > 1\nif c:\n    pass", ("PySparkValueError", "Cannot convert column", True)),
    ("withColumn needs a Column", "spark.range(3).withColumn('x', 'lit')",
     ("PySparkTypeError", "NOT_COLUMN", True)),
    ("unknown cast type", "F.col('a').cast('decimal(40,2)')", ("ParseException", "decimal", False)),
    ("DecimalType(p, s) and struct types",
     "t = StructType([StructField('a', DecimalType(12, 2))])\n"
     "assert t.simpleString() == 'struct<a:decimal(12,2)>'", None),
    ("struct field names: back-quoted, a backquote doubled",
     "from pyspark.sql.types import _parse_datatype_string as p\n"
     "t = p('struct<`zip code`:string,`a``b`:int>')\n"
     "assert [f.name for f in t.fields] == ['zip code', 'a`b'], t", None),
    ("struct field name that needs quotes, bare", "F.col('a').cast('struct<zip code:string>')",
     ("ParseException", "PARSE_SYNTAX_ERROR", False)),
    ("';', ',' and ')' inside back-quoted names are part of the name",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.`a;b`.`t` (`x,y)` bigint, "
     "`s` struct<`;`:string,`n`:int>) USING iceberg')\n"
     "n = [c for c, _ in spark.table('glue_catalog.`a;b`.`t`').dtypes]\n"
     "assert n == ['x,y)', 's'], n", None),
    ("two statements in one text", "spark.sql('SELECT 1; SELECT 2')",
     ("ParseException", "more than one statement", False)),
    ("unconfigured catalog in SQL",
     "spark.sql('SELECT * FROM other_cat.db.t')",
     ("AnalysisException", "not configured", False)),
    ("MERGE into a missing table on the first run",
     "spark.range(3).createOrReplaceTempView('s')\n"
     "spark.sql('MERGE INTO glue_catalog.db.t t USING s ON t.id = s.id "
     "WHEN MATCHED THEN UPDATE SET *')", ("AnalysisException", "TABLE_OR_VIEW_NOT_FOUND", False),
     "first-run"),
    ("first run: MAX over a freshly created table is None",
     "spark.sql('CREATE TABLE IF NOT EXISTS glue_catalog.db.t (id bigint, ts timestamp) "
     "USING iceberg')\n"
     "v = spark.sql('SELECT MAX(ts) AS m FROM glue_catalog.db.t').collect()[0]['m']\n"
     "assert v is None, v", None, "first-run"),
    ("incremental: MAX returns the configured watermark",
     "v = spark.table('glue_catalog.db.t').agg(F.max('ts').alias('m')).first()['m']\n"
     "assert str(v).startswith('2024-01-01'), v", None),
    ("count() returns the configured number",
     "df = glue.create_dynamic_frame.from_catalog(database='db', table_name='src')\n"
     "assert df.count() == 7, df.count()", None, "incremental", {"STANDIN_COUNTS": '{"db.src": 7}'}),
    ("unknown column on a known schema",
     "df = glue.create_dynamic_frame.from_catalog(database='db', table_name='src').toDF()\n"
     "df.select('nope')", ("AnalysisException", "UNRESOLVED_COLUMN", False), "incremental",
     {"STANDIN_SCHEMA": '{"db.src": ["id:bigint"]}'}),
    ("MERGE with explicit columns, quoted names included",
     "spark.range(3).withColumn('a`b', F.lit(1)).createOrReplaceTempView('s')\n"
     "spark.sql('MERGE INTO glue_catalog.db.t AS t USING s AS s ON t.`id` = s.`id` "
     "WHEN MATCHED THEN UPDATE SET t.`a``b` = s.`a``b` "
     "WHEN NOT MATCHED THEN INSERT (`id`, `a``b`) VALUES (s.`id`, s.`a``b`)')", None,
     "incremental", {"STANDIN_SCHEMA": '{"glue_catalog.db.t": ["id:bigint", "a`b:int"]}'}),
    ("MERGE SET of a column the target lacks",
     "spark.range(3).withColumn('x', F.lit(1)).createOrReplaceTempView('s')\n"
     "spark.sql('MERGE INTO glue_catalog.db.t AS t USING s AS s ON t.id = s.id "
     "WHEN MATCHED THEN UPDATE SET t.x = s.x')",
     ("AnalysisException", "UNRESOLVED_COLUMN", True),
     "incremental", {"STANDIN_SCHEMA": '{"glue_catalog.db.t": ["id:bigint"]}'}),
    ("MERGE INSERT of a value the source lacks",
     "spark.range(3).createOrReplaceTempView('s')\n"
     "spark.sql('MERGE INTO glue_catalog.db.t AS t USING s AS s ON t.id = s.id "
     "WHEN NOT MATCHED THEN INSERT (id, x) VALUES (s.id, s.x)')",
     ("AnalysisException", "UNRESOLVED_COLUMN", True),
     "incremental", {"STANDIN_SCHEMA": '{"glue_catalog.db.t": ["id:bigint", "x:int"]}'}),
    ("MERGE INSERT with fewer values than columns",
     "spark.range(3).createOrReplaceTempView('s')\n"
     "spark.sql('MERGE INTO glue_catalog.db.t AS t USING s AS s ON t.id = s.id "
     "WHEN NOT MATCHED THEN INSERT (id, x) VALUES (s.id)')",
     ("ParseException", "2 columns but gives 1 values", True)),
    ("MERGE without Iceberg extensions fails",
     "spark.range(3).createOrReplaceTempView('s')\n"
     "spark.sql('MERGE INTO glue_catalog.db.t t USING s ON t.id = s.id "
     "WHEN MATCHED THEN UPDATE SET *')", ("Py4JJavaError", "not supported temporarily", False),
     "incremental", {}, ["--JOB_NAME", "t", "--conf",
                         "spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog",
                         "--datalake-formats", "iceberg"]),
    ("DynamicFrameCollection has no toDF",
     "from awsgluedq.transforms import EvaluateDataQuality\n"
     "d = glue.create_dynamic_frame.from_catalog(database='db', table_name='src')\n"
     "EvaluateDataQuality().process_rows(frame=d, ruleset='Rules = [ RowCount > 0 ]').toDF()",
     ("AttributeError", "toDF", True)),
    ("DQDL with == is refused",
     "from awsgluedq.transforms import EvaluateDataQuality\n"
     "d = glue.create_dynamic_frame.from_catalog(database='db', table_name='src')\n"
     "EvaluateDataQuality.apply(frame=d, ruleset='Rules = [ ColumnCount == 3 ]')",
     ("IllegalArgumentException", "==", True)),
    ("write_dynamic_frame needs a DynamicFrame",
     "glue.write_dynamic_frame.from_options(frame=spark.range(3), connection_type='s3', "
     "connection_options={'path': 's3://b/o/'}, format='parquet')",
     ("TypeError", "DynamicFrame", True)),
    ("Redshift postactions without newlines",
     "d = DynamicFrame.fromDF(spark.range(3), glue, 'd')\n"
     "glue.write_dynamic_frame.from_options(frame=d, connection_type='redshift', "
     "connection_options={'url': 'jdbc:redshift://h:5439/db', 'dbtable': 's.t', "
     "'redshiftTmpDir': 's3://b/t/', 'postactions': 'BEGIN;\\nEND;'})",
     ("ValueError", "newlines", True)),
    ("two statements in one spark.sql", "spark.sql('SELECT 1; SELECT 2')",
     ("ParseException", "more than one statement", True)),
    ("Job.commit is recorded", "j = Job(glue)\nj.init('t', {})\nj.commit()", None),
]


def run_case(case):
    name, snippet, expect = case[:3]
    mode = case[3] if len(case) > 3 else "incremental"
    extra_env = case[4] if len(case) > 4 else {}
    argv = case[5] if len(case) > 5 else ARGV
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "case.py")
        with open(script, "w") as f:
            f.write(PROLOGUE + "\n" + textwrap.dedent(snippet) + "\n")
        env = dict(os.environ, PYTHONPATH=STANDIN, STANDIN_RUN=mode,
                   STANDIN_TRACE=os.path.join(tmp, "trace.json"), PYTHONDONTWRITEBYTECODE="1")
        env.update(extra_env)
        p = subprocess.run([sys.executable, script] + argv, capture_output=True, text=True,
                           env=env, cwd=tmp, timeout=60)
        trace = {}
        if os.path.exists(env["STANDIN_TRACE"]):
            with open(env["STANDIN_TRACE"]) as f:
                trace = json.load(f)
    problems = []
    if expect is None:
        if p.returncode != 0:
            problems.append("expected a clean run, exit %d: %s" % (
                p.returncode, p.stderr.strip().splitlines()[-1:] or ""))
        if trace.get("violations"):
            problems.append("unexpected violations: %s" % trace["violations"])
    else:
        etype, text, viol = expect
        last = (p.stderr.strip().splitlines() or [""])[-1]
        if p.returncode == 0:
            problems.append("expected %s, the snippet ran cleanly" % etype)
        elif etype not in last or text not in p.stderr:
            problems.append("expected %s with %r, got: %s" % (etype, text, last))
        if viol and not trace.get("violations"):
            problems.append("expected a violation record in the trace")
    return name, problems


def main():
    failed = 0
    for case in CASES:
        name, problems = run_case(case)
        if problems:
            failed += 1
            print("not ok standin: %s" % name)
            for pr in problems:
                print("# %s" % pr)
        else:
            print("ok standin: %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
