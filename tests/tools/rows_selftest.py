#!/usr/bin/env python3
"""rows_selftest.py: micro-cases for the row-level stand-in (tests/standin/rows).

Each case runs a snippet in a fresh process on the row-level stand-in with a
fresh state directory and checks the modelled Spark/Glue behaviour with
asserts (the documentation each behaviour follows is cited beside its model
in tests/standin/rows). Prints `ok rows: NAME` / `not ok rows: NAME`."""
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = os.path.normpath(os.path.join(HERE, "..", "standin", "rows"))

PROLOGUE = """
import datetime, decimal, json, os, sys
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from pyspark.context import SparkContext
from pyspark.sql import functions as F
from pyspark.sql.window import Window
import _rows as R
glue = GlueContext(SparkContext.getOrCreate())
spark = glue.spark_session
D = decimal.Decimal
def df_of(cols, rows):
    return R.DataFrame(R.Frame([(n, R.parse_type(t)) for n, t in cols], rows), spark)
def one(df):
    return [list(r) for r in df.collect()]
def fails(fn, text):
    try:
        fn()
    except Exception as e:
        assert text in str(e), str(e)
        return
    raise AssertionError("no error; expected " + text)
def s3(objs):
    json.dump(objs, open(os.path.join(os.environ["STANDIN_DATA"], "s3.json"), "w"))
"""

CASES = [
    ("non-ANSI casts: unparsable -> NULL, trim, truncation", """
d = df_of([("s", "string")], [["12"], [" 7 "], ["1.9"], ["abc"], ["99999999999"], [None]])
assert [r[0] for r in one(d.select(F.col("s").cast("int")))] == [12, 7, 1, None, None, None]
"""),
    ("non-ANSI casts: decimal rounds HALF_UP, overflow -> NULL", """
d = df_of([("s", "string")], [["2.255"], ["123456789.9"], ["x"], ["-0.005"]])
assert [r[0] for r in one(d.select(F.col("s").cast("decimal(10,2)")))] == \\
    [D("2.26"), None, None, D("-0.01")]
"""),
    ("non-ANSI casts: string -> date/timestamp forms", """
d = df_of([("s", "string")], [["2024-3-7"], ["2024-02-30"], ["2024-01-05T10:00:00Z"],
                              ["2024"], ["05/01/2024"]])
assert [r[0] for r in one(d.select(F.col("s").cast("date")))] == [
    datetime.date(2024, 3, 7), None, datetime.date(2024, 1, 5), datetime.date(2024, 1, 1), None]
t = df_of([("s", "string")], [["2024-01-05 10:00:00+02:00"], ["2024-01-05T10:00:00.5Z"], ["10:00"]])
assert [r[0] for r in one(t.select(F.col("s").cast("timestamp")))] == [
    datetime.datetime(2024, 1, 5, 8), datetime.datetime(2024, 1, 5, 10, 0, 0, 500000), None]
"""),
    ("struct field names: back-quoted when not identifiers, backquote doubled", """
t = R.parse_type("struct<`zip code`:string,`a``b`:array<struct<`x-y`:int>>>")
assert t == ("struct", [("zip code", "string"), ("a`b", ("array", ("struct", [("x-y", "int")])))]), t
fails(lambda: R.parse_type("struct<zip code:string>"), "PARSE_SYNTAX_ERROR")
"""),
    ("struct casts match fields by position", """
d = df_of([("s", "struct<b: string, a: string>")], [[{"b": "1", "a": "x"}]])
assert one(d.select(F.col("s").cast("struct<a: int, b: string>")))[0][0] == {"a": 1, "b": "x"}
fails(lambda: d.select(F.col("s").cast("struct<a: int>")), "DATATYPE_MISMATCH")
fails(lambda: df_of([("s", "string")], []).select(F.col("s").cast("struct<a: int>")),
      "DATATYPE_MISMATCH")
"""),
    ("filters keep TRUE only (NULL comparisons drop the row); 3-valued & |", """
d = df_of([("a", "int"), ("b", "int")], [[1, None], [2, 2], [None, None]])
assert one(d.filter(F.col("a") == F.col("b"))) == [[2, 2]]
assert one(d.filter((F.col("a") > 0) | (F.col("b") > 0))) == [[1, None], [2, 2]]
assert one(d.filter(~(F.col("a") == 1))) == [[2, 2]]
assert one(d.filter(F.col("b").isNull())) == [[1, None], [None, None]]
"""),
    ("select of a missing column fails with UNRESOLVED_COLUMN", """
fails(lambda: df_of([], []).select(F.col("`x`")), "UNRESOLVED_COLUMN")
"""),
    ("row_number over a window, newest first, nulls last", """
d = df_of([("k", "int"), ("t", "int")], [[1, 1], [1, 3], [1, None], [2, 5]])
w = Window.partitionBy(F.col("k")).orderBy(F.col("t").desc())
out = d.withColumn("r", F.row_number().over(w)).filter(F.col("r") == 1).drop("r")
assert sorted(one(out)) == [[1, 3], [2, 5]]
"""),
    ("empty S3 batch: a DynamicFrame without fields", """
s3({})
df = glue.create_dynamic_frame.from_options(connection_type="s3",
    connection_options={"paths": ["s3://b/p/"]}, format="json").toDF()
assert df.columns == [] and df.count() == 0
"""),
    ("ChoiceType: toDF gives a struct; resolveChoice cast/make_cols/project", """
s3({"s3://b/p/a.json": '{"x": 1}\\n{"x": "2"}\\n'})
dyf = glue.create_dynamic_frame.from_options(connection_type="s3",
    connection_options={"paths": ["s3://b/p/"]}, format="json")
assert dyf.toDF().dtypes == [("x", "struct<int: int, string: string>")]
assert one(dyf.resolveChoice(specs=[("x", "cast:long")]).toDF()) == [[1], [2]]
assert dyf.resolveChoice(choice="make_cols").toDF().columns == ["x_int", "x_string"]
assert one(dyf.resolveChoice(specs=[("x", "project:string")]).toDF()) == [[None], ["2"]]
"""),
    ("bookmarks: committed by job.commit() only", """
s3({"s3://b/p/a.json": '{"x": 1}\\n'})
sys.argv += ["--job-bookmark-option", "job-bookmark-enable"]
job = Job(glue); job.init("j", {"job_bookmark_option": "job-bookmark-enable"})
read = lambda: glue.create_dynamic_frame.from_options(connection_type="s3",
    connection_options={"paths": ["s3://b/p/"]}, format="json", transformation_ctx="src").count()
assert read() == 1
job2 = Job(glue); job2.init("j", {"job_bookmark_option": "job-bookmark-enable"})
assert read() == 1          # nothing committed yet
job2.commit()
job3 = Job(glue); job3.init("j", {"job_bookmark_option": "job-bookmark-enable"})
assert read() == 0
"""),
    ("MERGE: UPDATE SET * needs every target column in the source", """
spark.sql("CREATE TABLE c.db.t (id bigint, v string, extra string) USING iceberg")
df_of([("id", "bigint"), ("v", "string")], [[1, "a"]]).createOrReplaceTempView("s")
fails(lambda: spark.sql("MERGE INTO c.db.t AS t USING s AS s ON t.id = s.id "
                        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"),
      "UNRESOLVED_COLUMN")
spark.sql("MERGE INTO c.db.t AS t USING s AS s ON t.id = s.id "
          "WHEN MATCHED THEN UPDATE SET t.v = s.v "
          "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)")
assert one(spark.table("c.db.t")) == [[1, "a", None]]
"""),
    ("ALTER TABLE: added columns read NULL in old rows; only Iceberg promotions", """
spark.sql("CREATE TABLE c.db.t (id int, d decimal(10,2)) USING iceberg")
df_of([("id", "int"), ("d", "decimal(10,2)")], [[1, None]]).writeTo("c.db.t").append()
spark.sql("ALTER TABLE c.db.t ADD COLUMNS (`v` string)")
assert one(spark.table("c.db.t")) == [[1, None, None]]
fails(lambda: spark.sql("ALTER TABLE c.db.t ADD COLUMNS (v string)"), "FIELDS_ALREADY_EXISTS")
fails(lambda: spark.sql("ALTER TABLE c.db.t ADD COLUMNS (w string NOT NULL)"), "ADD COLUMNS")
spark.sql("ALTER TABLE c.db.t ALTER COLUMN `id` TYPE bigint")
spark.sql("ALTER TABLE c.db.t ALTER COLUMN d TYPE decimal(12,2)")
assert [f.dataType.simpleString() for f in spark.table("c.db.t").schema.fields] == \
    ["bigint", "decimal(12,2)", "string"]
fails(lambda: spark.sql("ALTER TABLE c.db.t ALTER COLUMN d TYPE decimal(14,4)"),
      "Cannot change column type")
fails(lambda: spark.sql("ALTER TABLE c.db.t ALTER COLUMN v TYPE int"),
      "Cannot change column type")
fails(lambda: spark.sql("ALTER TABLE c.db.t ALTER COLUMN id TYPE int"),
      "Cannot change column type")
spark.sql("CREATE TABLE db.p (id int) USING PARQUET")
fails(lambda: spark.sql("ALTER TABLE db.p ALTER COLUMN id TYPE bigint"), "non-Iceberg")
"""),
    ("ALTER TABLE nested fields: paths, NULL in old structs, Iceberg's errors", """
spark.sql("CREATE TABLE c.db.t (p struct<x: int>, l array<struct<q: int>>, "
          "m map<string, struct<a: int>>) USING iceberg")
df_of([("p", "struct<x: int>"), ("l", "array<struct<q: int>>"),
       ("m", "map<string, struct<a: int>>")],
      [[{"x": 1}, [{"q": 2}], {"k": {"a": 3}}]]).writeTo("c.db.t").append()
spark.sql("ALTER TABLE c.db.t ADD COLUMNS (`p`.`z` double, `l`.element.`s` string, "
          "`m`.value.`b` int)")
assert one(spark.table("c.db.t")) == [[{"x": 1, "z": None}, [{"q": 2, "s": None}],
                                       {"k": {"a": 3, "b": None}}]]
spark.sql("ALTER TABLE c.db.t ALTER COLUMN `p`.`x` TYPE bigint")
spark.sql("ALTER TABLE c.db.t ALTER COLUMN l.element.q TYPE bigint")
assert [f.dataType.simpleString() for f in spark.table("c.db.t").schema.fields] == \
    ["struct<x:bigint,z:double>", "array<struct<q:bigint,s:string>>",
     "map<string,struct<a:int,b:int>>"]
fails(lambda: spark.sql("ALTER TABLE c.db.t ADD COLUMNS (p.z double)"), "name already exists")
fails(lambda: spark.sql("ALTER TABLE c.db.t ADD COLUMNS (p.x.y int)"), "non-struct column")
fails(lambda: spark.sql("ALTER TABLE c.db.t ADD COLUMNS (p.w.y int)"), "Cannot find parent")
fails(lambda: spark.sql("ALTER TABLE c.db.t ADD COLUMNS (m.key.y int)"), "map keys")
fails(lambda: spark.sql("ALTER TABLE c.db.t ALTER COLUMN p.x TYPE int"),
      "Cannot change column type")
fails(lambda: spark.sql("ALTER TABLE c.db.t ALTER COLUMN p.y TYPE int"), "missing column")
"""),
    ("writeTo resolves struct fields by name: a missing field fails, order does not matter", """
spark.sql("CREATE TABLE c.db.t (p struct<x: int, y: int>) USING iceberg")
fails(lambda: df_of([("p", "struct<x: int>")], [[{"x": 1}]]).writeTo("c.db.t").append(),
      "CANNOT_FIND_DATA")
fails(lambda: df_of([("p", "struct<x: int, y: int, z: int>")], [[{"x": 1, "y": 2, "z": 3}]])
      .writeTo("c.db.t").append(), "EXTRA_STRUCT_FIELDS")
df_of([("p", "struct<y: int, x: int>")], [[{"y": 2, "x": 1}]]).writeTo("c.db.t").append()
assert one(spark.table("c.db.t")) == [[{"x": 1, "y": 2}]]
"""),
    ("ALTER TABLE DROP COLUMN: Iceberg only, the values leave the rows; missing or partition "
     "source columns fail", """
spark.sql("CREATE TABLE c.db.t (id bigint, day date, `a b` string, x string, y int) "
          "USING iceberg PARTITIONED BY (days(day))")
df_of([("id", "bigint"), ("day", "date"), ("a b", "string"), ("x", "string"), ("y", "int")],
      [[1, None, "q", "v", 2]]).writeTo("c.db.t").append()
spark.sql("ALTER TABLE c.db.t DROP COLUMN `X`")
assert spark.table("c.db.t").columns == ["id", "day", "a b", "y"], spark.table("c.db.t").columns
assert one(spark.table("c.db.t")) == [[1, None, "q", 2]]
spark.sql("ALTER TABLE c.db.t DROP COLUMNS (`a b`, y)")
assert spark.table("c.db.t").columns == ["id", "day"]
assert one(spark.table("c.db.t")) == [[1, None]]
assert spark.catalog.get("c.db.t")["rows"] == [{"id": 1, "day": None}]
fails(lambda: spark.sql("ALTER TABLE c.db.t DROP COLUMN x"), "UNRESOLVED_COLUMN")
fails(lambda: spark.sql("ALTER TABLE c.db.t DROP COLUMN day"), "partition source")
fails(lambda: spark.sql("ALTER TABLE c.db.t DROP COLUMNS (id"), "PARSE_SYNTAX_ERROR")
spark.sql("CREATE TABLE db.p (id int, v string) USING PARQUET")
fails(lambda: spark.sql("ALTER TABLE db.p DROP COLUMN v"), "UNSUPPORTED_FEATURE.TABLE_OPERATION")
"""),
    ("ALTER TABLE ADD COLUMNS on a Hive table: before the partitions, parameters kept", """
spark.sql("CREATE TABLE db.h (id bigint, dt string) USING PARQUET PARTITIONED BY (dt)")
df_of([("a", "bigint"), ("b", "string")], [[1, "x"]]).write.insertInto("db.h")
cat = spark.catalog
cat.get("db.h")["parameters"] = {"projection.enabled": "true"}
spark.sql("ALTER TABLE db.h ADD COLUMNS (`v` string, w int)")
assert spark.table("db.h").columns == ["id", "v", "w", "dt"], spark.table("db.h").columns
assert one(spark.table("db.h")) == [[1, None, None, "x"]]
assert cat.get("db.h")["parameters"] == {"projection.enabled": "true"}
df_of([("a", "bigint"), ("v", "string"), ("w", "int"), ("b", "string")],
      [[2, "n", 3, "y"]]).write.insertInto("db.h")
assert sorted(one(spark.table("db.h"))) == [[1, None, None, "x"], [2, "n", 3, "y"]]
fails(lambda: spark.sql("ALTER TABLE db.h ADD COLUMNS (dt string)"), "FIELDS_ALREADY_EXISTS")
"""),
    ("MERGE: two source rows for one target row fail (cardinality)", """
spark.sql("CREATE TABLE c.db.t (id bigint, v string) USING iceberg")
df_of([("id", "bigint"), ("v", "string")], [[1, "a"]]).writeTo("c.db.t").append()
df_of([("id", "bigint"), ("v", "string")], [[1, "b"], [1, "c"]]).createOrReplaceTempView("s")
fails(lambda: spark.sql("MERGE INTO c.db.t AS t USING s AS s ON t.id = s.id "
                        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"),
      "MERGE_CARDINALITY_VIOLATION")
assert one(spark.table("c.db.t")) == [[1, "a"]]
"""),
    ("Iceberg overwritePartitions replaces only the partitions written", """
spark.sql("CREATE TABLE c.db.t (id bigint, ts timestamp) USING iceberg PARTITIONED BY (days(ts))")
T = lambda d: datetime.datetime(2024, 1, d, 5)
df_of([("id", "bigint"), ("ts", "timestamp")], [[1, T(1)], [2, T(2)]]).writeTo("c.db.t").append()
df_of([("id", "bigint"), ("ts", "timestamp")], [[3, T(2)]]).writeTo("c.db.t").overwritePartitions()
assert sorted(one(spark.table("c.db.t"))) == [[1, T(1)], [3, T(2)]]
"""),
    ("insertInto: by position; overwrite static vs dynamic", """
spark.sql("CREATE TABLE db.p (dt string, id bigint) USING PARQUET PARTITIONED BY (dt)")
assert spark.table("db.p").columns == ["id", "dt"]
df_of([("a", "bigint"), ("b", "string")], [[1, "x"], [2, "y"]]).write.insertInto("db.p")
df_of([("a", "bigint"), ("b", "string")], [[3, "y"]]).write.mode("overwrite").insertInto("db.p")
assert one(spark.table("db.p")) == [[3, "y"]]          # static: the whole table
df_of([("a", "bigint"), ("b", "string")], [[1, "x"]]).write.insertInto("db.p")
spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
df_of([("a", "bigint"), ("b", "string")], [[4, "x"]]).write.mode("overwrite").insertInto("db.p")
assert sorted(one(spark.table("db.p"))) == [[3, "y"], [4, "x"]]
"""),
    ("JDBC sampleQuery predicates and hash partitions", """
json.dump({"public.o": {"columns": [["id", "bigint"], ["u", "timestamp"]],
                        "rows": [{"id": 1, "u": "2024-01-01 00:00:00"},
                                 {"id": 2, "u": "2024-01-02 00:00:00"}]}},
          open(os.path.join(os.environ["STANDIN_DATA"], "sources.json"), "w"))
df = glue.create_dynamic_frame.from_options(connection_type="postgresql", connection_options={
    "sampleQuery": "SELECT * FROM public.o WHERE u > TIMESTAMP '2024-01-01 00:00:00' AND",
    "enablePartitioningForSampleQuery": "true", "hashfield": "id", "hashpartitions": "4"}).toDF()
assert one(df) == [[2, datetime.datetime(2024, 1, 2)]]
"""),
    ("JDBC sampleQuery of a query: hashfield/hashexpression name its result's columns", """
json.dump({"public.o": {"columns": [["id", "bigint"], ["s", "string"]],
                        "rows": [{"id": 1, "s": "a"}, {"id": 2, "s": "b"}]}},
          open(os.path.join(os.environ["STANDIN_DATA"], "sources.json"), "w"))
q = "SELECT * FROM (SELECT * FROM public.o WHERE s = 'b') pipec_query WHERE"
df = glue.create_dynamic_frame.from_options(connection_type="postgresql", connection_options={
    "sampleQuery": q, "enablePartitioningForSampleQuery": "true",
    "hashexpression": "MOD(id, 10)", "hashpartitions": "4"}).toDF()
assert one(df) == [[2, "b"]]
fails(lambda: glue.create_dynamic_frame.from_options(connection_type="postgresql",
    connection_options={"sampleQuery": q, "enablePartitioningForSampleQuery": "true",
                        "hashfield": "nope", "hashpartitions": "4"}), "does not exist")
"""),
    ("data quality on rows: IsComplete, IsUnique, ColumnValues", """
from awsgluedq.transforms import EvaluateDataQuality
from awsglue.transforms import SelectFromCollection
d = df_of([("a", "int")], [[1], [1], [None]])
res = EvaluateDataQuality().process_rows(frame=DynamicFrame.fromDF(d, glue, "x"),
    ruleset='Rules = [\\n    IsComplete "a",\\n    IsUnique "a",\\n    ColumnValues "a" >= 0\\n]')
out = SelectFromCollection.apply(dfc=res, key="ruleOutcomes").toDF()
assert [r["Outcome"] for r in out.collect()] == ["Failed", "Failed", "Failed"]
"""),
    ("data quality on rows: CustomSql counts the rows of `primary` its statement selects", """
from awsgluedq.transforms import EvaluateDataQuality
from awsglue.transforms import SelectFromCollection
d = df_of([("q", "int"), ("p", "decimal(10,2)"), ("a", "decimal(12,2)")],
          [[2, decimal.Decimal("1.50"), decimal.Decimal("3.00")], [None, None, None]])
rules = ['CustomSql "SELECT COUNT(*) FROM primary WHERE NOT COALESCE(`a` = (`q` * `p`), TRUE)" = 0',
         'CustomSql "SELECT COUNT(*) FROM primary WHERE `a` > 2" = 0',
         'CustomSql "SELECT COUNT(*) FROM primary" >= 2']
res = EvaluateDataQuality().process_rows(frame=DynamicFrame.fromDF(d, glue, "x"),
    ruleset="Rules = [\\n    " + ",\\n    ".join(rules) + "\\n]")
out = SelectFromCollection.apply(dfc=res, key="ruleOutcomes").toDF()
assert [r["Outcome"] for r in out.collect()] == ["Passed", "Failed", "Passed"]
"""),
    ("DQDL NULL semantics: ColumnValues fails NULL rows except != and not in", """
from awsgluedq.transforms import EvaluateDataQuality
from awsglue.transforms import SelectFromCollection
d = df_of([("a", "string")], [["x"], [None]])
rules = ['ColumnValues "a" in ["x"]', 'ColumnValues "a" in ["x", NULL]',
         'ColumnValues "a" not in ["y"]', 'ColumnValues "a" matches "x"']
res = EvaluateDataQuality().process_rows(frame=DynamicFrame.fromDF(d, glue, "x"),
    ruleset="Rules = [\\n    " + ",\\n    ".join(rules) + "\\n]")
out = SelectFromCollection.apply(dfc=res, key="ruleOutcomes").toDF()
assert [r["Outcome"] for r in out.collect()] == ["Failed", "Passed", "Passed", "Failed"]
n = df_of([("n", "int")], [[5], [None]])
res = EvaluateDataQuality().process_rows(frame=DynamicFrame.fromDF(n, glue, "x"),
    ruleset='Rules = [\\n    ColumnValues "n" != 1,\\n    ColumnValues "n" >= 0\\n]')
out = SelectFromCollection.apply(dfc=res, key="ruleOutcomes").toDF()
assert [r["Outcome"] for r in out.collect()] == ["Passed", "Failed"]
fails(lambda: EvaluateDataQuality().process_rows(frame=DynamicFrame.fromDF(n, glue, "x"),
      ruleset='Rules = [ ColumnValues "n" == 1 ]'), "not valid DQDL")
"""),
    ("datetime functions: to_timestamp/to_date with a format, epoch conversions", """
d = df_of([("s", "string"), ("e", "bigint")], [["05/01/2024 10:30", 86400], ["bad", None]])
out = one(d.select(F.to_timestamp(F.col("s"), "dd/MM/yyyy HH:mm"),
                   F.to_date(F.col("s"), "dd/MM/yyyy HH:mm"),
                   F.timestamp_seconds(F.col("e")), F.timestamp_millis(F.col("e")),
                   F.from_unixtime(F.col("e"))))
assert out[0] == [datetime.datetime(2024, 1, 5, 10, 30), datetime.date(2024, 1, 5),
                  datetime.datetime(1970, 1, 2), datetime.datetime(1970, 1, 1, 0, 1, 26, 400000),
                  "1970-01-02 00:00:00"], out[0]
assert out[1] == [None] * 5
"""),
    ("when/otherwise, coalesce, lit(None).cast, struct, transform", """
d = df_of([("a", "int"), ("xs", "array<int>")], [[1, [1, 2]], [None, None]])
out = one(d.select(F.when(F.col("a") == 1, "one").otherwise("other"),
                   F.coalesce(F.col("a"), F.lit(0)), F.lit(None).cast("int"),
                   F.struct(F.col("a").alias("x")), F.transform(F.col("xs"), lambda x: x + 1)))
assert out == [["one", 1, None, {"x": 1}, [2, 3]], ["other", 0, None, {"x": None}, None]], out
"""),
    ("Redshift actions: BEGIN ... END is atomic, DELETE USING, INSERT by position", """
import _rows_redshift
tabs = {}
rs = _rows_redshift.Redshift(tabs)
rs.run('CREATE TABLE IF NOT EXISTS "s"."t" ("id" BIGINT, "v" VARCHAR(10));'
       'DROP TABLE IF EXISTS s.st;CREATE TABLE s.st (LIKE s.t);')
tabs["s.t"]["rows"] = [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}, {"id": None, "v": "n"}]
tabs["s.st"]["rows"] = [{"id": 1, "v": "A"}, {"id": None, "v": "N"}]
fails(lambda: rs.run("BEGIN;DELETE FROM s.t;INSERT INTO s.t (id) SELECT id FROM s.nope;END;"),
      "does not exist")
assert len(tabs["s.t"]["rows"]) == 3
rs.run('BEGIN;DELETE FROM s.t USING s.st WHERE s.t."id" = s.st."id";'
       'INSERT INTO s.t ("v", "id") SELECT "v", "id" FROM s.st;DROP TABLE s.st;END;')
assert sorted(json.dumps(r, sort_keys=True) for r in tabs["s.t"]["rows"]) == sorted(
    json.dumps(r, sort_keys=True) for r in [{"id": 1, "v": "A"}, {"id": 2, "v": "b"},
                                            {"id": None, "v": "n"}, {"id": None, "v": "N"}])
assert "s.st" not in tabs
"""),
    ("Redshift ADD COLUMN: one column a statement, old rows NULL; information_schema.columns", """
import _rows_redshift
tabs = {}
rs = _rows_redshift.Redshift(tabs)
q = ("SELECT column_name FROM information_schema.columns WHERE table_schema = lower('S') "
     "AND table_name = lower('T')")
assert rs.query(q) == ([("column_name", "string")], [])
rs.run('CREATE TABLE IF NOT EXISTS "s"."t" ("id" BIGINT);')
tabs["s.t"]["rows"] = [{"id": 1}]
rs.run('ALTER TABLE "s"."t" ADD COLUMN "Chan" VARCHAR(65535);')
assert tabs["s.t"]["columns"] == [["id", "bigint"], ["chan", "string"]]
assert tabs["s.t"]["rows"] == [{"id": 1, "chan": None}]
assert rs.query(q)[1] == [["id"], ["chan"]]
fails(lambda: rs.run('ALTER TABLE "s"."t" ADD COLUMN "chan" BIGINT;'), "already exists")
fails(lambda: rs.run('ALTER TABLE s.t ADD COLUMN a INTEGER, ADD COLUMN b INTEGER;'),
      "not modelled")
"""),
    ("Redshift DROP COLUMN: one column a statement, its values leave the rows", """
import _rows_redshift
tabs = {}
rs = _rows_redshift.Redshift(tabs)
q = ("SELECT column_name FROM information_schema.columns WHERE table_schema = lower('S') "
     "AND table_name = lower('T')")
rs.run('CREATE TABLE IF NOT EXISTS "s"."t" ("id" BIGINT, "chan" VARCHAR(65535));')
tabs["s.t"]["rows"] = [{"id": 1, "chan": "web"}]
rs.run('ALTER TABLE "s"."t" DROP COLUMN "Chan";')
assert tabs["s.t"]["columns"] == [["id", "bigint"]]
assert tabs["s.t"]["rows"] == [{"id": 1}]
assert rs.query(q)[1] == [["id"]]
fails(lambda: rs.run('ALTER TABLE "s"."t" DROP COLUMN "chan";'), "does not exist")
fails(lambda: rs.run('ALTER TABLE "s"."t" DROP COLUMN "id";'), "last column")
"""),
    ("Redshift actions: INSERT ... WHERE NOT EXISTS, DELETE WHERE, INSERT VALUES", """
import _rows_redshift
tabs = {}
rs = _rows_redshift.Redshift(tabs)
rs.run('CREATE TABLE IF NOT EXISTS s.t (id BIGINT);CREATE TABLE s.st (LIKE s.t);'
       'CREATE TABLE IF NOT EXISTS s.b (pipeline VARCHAR(256), batch VARCHAR(64));')
tabs["s.st"]["rows"] = [{"id": 1}]
load = ("BEGIN;INSERT INTO s.t (id) SELECT id FROM s.st WHERE NOT EXISTS (SELECT 1 FROM s.b "
        "WHERE pipeline = 'p''s' AND batch = '1:9');DELETE FROM s.b WHERE pipeline = 'p''s';"
        "INSERT INTO s.b (pipeline, batch) VALUES ('p''s', '1:9');END;")
rs.run(load)
rs.run(load)
assert tabs["s.t"]["rows"] == [{"id": 1}], tabs["s.t"]
assert tabs["s.b"]["rows"] == [{"pipeline": "p's", "batch": "1:9"}], tabs["s.b"]
rs.run("DELETE FROM s.b WHERE pipeline = 'other'")
assert len(tabs["s.b"]["rows"]) == 1
fails(lambda: rs.run("DELETE FROM s.b WHERE pipeline LIKE 'x'"), "not modelled")
"""),
    ("Redshift: actions split at every ';' and formatted on '%s'; literals escape '\\'", """
import _rows_redshift
tabs = {}
rs = _rows_redshift.Redshift(tabs)
# a ';' inside a quoted name still splits the action
fails(lambda: rs.run('CREATE TABLE "s"."a;b" ("id" BIGINT);'), "")
assert "s.a;b" not in tabs
rs.run('CREATE TABLE %s ("id" BIGINT);', '"s"."t"')
assert "s.t" in tabs
fails(lambda: rs.run('CREATE TABLE "s"."%d%s" ("id" BIGINT);', '"s"."u"'), "String.format")
q = ("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = lower('s')"
     " AND table_name = lower('t')")
assert rs.query(q)[1] == [[1]]
tabs["s.a\\\\b'c"] = {"format": "redshift", "columns": [], "rows": []}
q = ("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = lower('s')"
     " AND table_name = lower('a\\\\\\\\b''c')")
assert rs.query(q)[1] == [[1]], rs.query(q)
# 'a\\' is unterminated: not a query the stand-in knows
assert rs.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                "lower('s') AND table_name = lower('a\\\\')") is None
"""),
    ("groupBy/agg, union/unionByName, F.expr named_struct", """
d = df_of([("k", "string"), ("v", "int")], [["a", 1], ["a", 3], ["b", None]])
out = sorted(one(d.groupBy("k").agg(F.max("v").alias("m"), F.sum("v"), F.count("v"))),
             key=str)
assert out == [["a", 3, 4, 2], ["b", None, None, 0]], out
assert one(d.agg(F.max(F.col("v")))) == [[3]]
assert d.union(d).count() == 6
e = df_of([("v", "int"), ("k", "string")], [[9, "z"]])
assert one(d.unionByName(e))[-1] == ["z", 9]
fails(lambda: d.unionByName(df_of([("v", "int")], [])), "UNRESOLVED_COLUMN")
s = one(d.select(F.expr("named_struct('x', k, 'y', v)")))[0][0]
assert s == {"x": "a", "y": 1}, s
"""),
    ("aggregate functions: NULLs skipped, NULL keys grouped, Spark's result types", """
d = df_of([("k", "string"), ("v", "int"), ("p", "decimal(10,2)")],
          [["a", 1, D("1.10")], ["a", 3, None], [None, 2, D("2.00")], [None, None, None],
           ["b", None, None]])
g = d.groupBy(F.col("k")).agg(F.count(F.lit(1)).alias("n"), F.count(F.col("v")).alias("nv"),
                             F.sum(F.col("v")).alias("sv"), F.sum(F.col("p")).alias("sp"),
                             F.avg(F.col("p")).alias("ap"), F.avg(F.col("v")).alias("av"),
                             F.count_distinct(F.col("v")).alias("dv"))
assert [t for _, t in g._f.columns] == ["string", "bigint", "bigint", "bigint",
                                        ("decimal", 20, 2), ("decimal", 14, 6), "double",
                                        "bigint"], g._f.columns
out = sorted(one(g), key=str)
assert out == [["a", 2, 2, 4, D("1.10"), D("1.100000"), 2.0, 2],
               ["b", 1, 0, None, None, None, None, 0],
               [None, 2, 1, 2, D("2.00"), D("2.000000"), 2.0, 1]], out
# a whole-table aggregate of no rows is one row: counts 0, the others NULL
e = df_of([("v", "int")], [])
assert one(e.agg(F.count(F.lit(1)), F.sum(F.col("v")))) == [[0, None]]
# a decimal sum past its precision is NULL (non-ANSI); a bigint sum wraps
big = df_of([("p", "decimal(38,0)")], [[D(10) ** 37 * 9], [D(10) ** 37 * 9]])
assert one(big.agg(F.sum(F.col("p")))) == [[None]]
w = df_of([("v", "bigint")], [[2 ** 63 - 1], [1]])
assert one(w.agg(F.sum(F.col("v")))) == [[-2 ** 63]]
fails(lambda: df_of([("s", "string")], [["x"]]).agg(F.sum(F.col("s"))).collect(), "sum of")
# the aggregate cast to a declared type
c = d.agg(F.sum(F.col("v")).cast("decimal(12,2)").alias("x"))
assert c._f.columns == [("x", ("decimal", 12, 2))] and one(c) == [[D("6.00")]], one(c)
"""),
    ("min_by/max_by: NULL orders skipped; a tie between values refused, a struct order breaks it", """
d = df_of([("k", "int"), ("v", "string"), ("t", "int")],
          [[1, "x", 1], [1, "y", 2], [1, "z", None], [2, "p", 5], [2, "q", 5], [3, "n", None]])
one_k = d.filter(F.col("k") == 1)
assert one(one_k.agg(F.max_by(F.col("v"), F.col("t")), F.min_by(F.col("v"), F.col("t")))) \
    == [["y", "x"]]
assert one(d.filter(F.col("k") == 3).agg(F.max_by(F.col("v"), F.col("t")))) == [[None]]
fails(lambda: d.filter(F.col("k") == 2).agg(F.max_by(F.col("v"), F.col("t"))).collect(),
      "tie on the ordering")
o = F.when(F.col("t").isNotNull(), F.struct(F.col("t"), F.col("v")))
assert one(d.filter(F.col("k") == 2).agg(F.max_by(F.col("v"), o), F.min_by(F.col("v"), o))) \
    == [["q", "p"]]
"""),
    ("rank: ties share a rank; row_number does not", """
d = df_of([("k", "int"), ("t", "int")], [[1, 3], [1, 3], [1, 1], [2, 5]])
w = Window.partitionBy(F.col("k")).orderBy(F.col("t").desc_nulls_last())
out = d.withColumn("r", F.rank().over(w)).filter(F.col("r") == 1).drop("r")
assert sorted(one(out)) == [[1, 3], [1, 3], [2, 5]]
"""),
    ("schema: StructType of PySpark types, simpleString without quotes", """
from pyspark.sql import types as T
d = df_of([("a b", "struct<x: int, y: array<string>>"), ("m", "map<string, bigint>")], [])
f = d.schema.fields
assert isinstance(f[0].dataType, T.StructType) and f[0].name == "a b"
assert f[0].dataType.simpleString() == "struct<x:int,y:array<string>>"
assert isinstance(f[1].dataType, T.MapType) and f[1].dataType.keyType == T.StringType()
assert F.lit(None).cast(T.LongType()) is not None
"""),
    ("higher-order functions: transform, exists (three-valued), map functions", """
d = df_of([("a", "array<string>"), ("m", "map<string, string>")],
          [[["1", "x", None], {"k": "2", "j": "y"}], [None, None]])
got = one(d.select(F.transform("a", lambda x: x.cast("int")),
                   F.exists("a", lambda x: x.cast("int").isNull() & x.isNotNull()),
                   F.exists("a", lambda x: x == "z"),
                   F.transform_values("m", lambda k, v: v.cast("int")),
                   F.map_filter("m", lambda k, v: v != "y"),
                   F.map_values("m")))
assert got[0] == [[1, None, None], True, None, {"k": 2, "j": None}, {"k": "2"}, ["2", "y"]], got
assert got[1] == [None, None, None, None, None, None], got
fails(lambda: one(d.select(F.transform_keys("m", lambda k, v: F.lit(None)))), "null as map key")
fails(lambda: one(d.select(F.create_map(F.lit("a"), F.lit(1), F.lit("a"), F.lit(2)))),
      "Duplicate map key")
"""),
    ("to_json leaves NULL fields out; from_json is PERMISSIVE", """
d = df_of([("s", "struct<a: int, b: string, t: timestamp>")],
          [[{"a": 1, "b": None, "t": datetime.datetime(2024, 1, 5, 10, 0)}]])
assert one(d.select(F.to_json("s"))) == [['{"a":1,"t":"2024-01-05T10:00:00Z"}']]
j = df_of([("j", "string")], [['{"a": 1, "b": "x"}'], ['{"a" 1}'], ['{"a": "x"}'], ['[1,2]']])
assert [r[0] for r in one(j.select(F.from_json("j", "struct<a:int,b:string>")))] == [
    {"a": 1, "b": "x"}, {"a": None, "b": None}, {"a": None, "b": None}, None]
assert [r[0] for r in one(j.select(F.from_json("j", "array<int>")))] == [None, None, None, [1, 2]]
"""),
    ("rlike searches, trim strips spaces, concat_ws skips NULLs", """
d = df_of([("s", "string")], [[" {x"], ["ab"], [None]])
assert one(d.select(F.col("s").rlike(r"^\\s*[\\[{]"), F.trim("s"),
                    F.concat_ws("; ", F.lit("a"), F.col("s")))) == [
    [True, "{x", "a;  {x"], [False, "ab", "a; ab"], [None, None, "a"]]
"""),
    ("DataFrameWriter.json writes JSON lines under the path", """
d = df_of([("a", "int"), ("b", "string")], [[1, None], [2, "x"]])
d.write.mode("append").json("s3://q/p/")
d.write.mode("append").json("s3://q/p/")
objs = json.load(open(os.path.join(os.environ["STANDIN_DATA"], "s3.json")))
assert sorted(objs) == ["s3://q/p/part-00000.json", "s3://q/p/part-00001.json"]
assert objs["s3://q/p/part-00000.json"] == '{"a":1}\\n{"a":2,"b":"x"}\\n'
fails(lambda: d.write.json("s3://q/p/"), "already exists")
"""),
    ("resolveChoice on a frame read from a table: nothing to resolve", """
json.dump({"t": {"columns": [["x", "int"]], "rows": [{"x": 1}]}},
          open(os.path.join(os.environ["STANDIN_DATA"], "sources.json"), "w"))
dyf = glue.create_dynamic_frame.from_options(connection_type="postgresql",
    connection_options={"sampleQuery": "SELECT * FROM t WHERE x > 0 AND",
                        "enablePartitioningForSampleQuery": "true"})
assert one(dyf.resolveChoice(choice="cast:string").toDF()) == [[1]]
"""),
    ("Snowflake query: unqualified names resolve in sfDatabase.sfSchema", """
json.dump({"db.sc.t": {"columns": [["x", "int"]], "rows": [{"x": 1}, {"x": 5}]}},
          open(os.path.join(os.environ["STANDIN_DATA"], "sources.json"), "w"))
dyf = glue.create_dynamic_frame.from_options(connection_type="snowflake",
    connection_options={"sfDatabase": "DB", "sfSchema": "SC",
                        "query": "SELECT * FROM (SELECT * FROM T) q WHERE x > 2"})
assert one(dyf.toDF()) == [[5]]
"""),
    ("Iceberg snapshots: one per commit, summary from snapshot-property options", """
json.dump({"lake.t": {"format": "iceberg", "columns": [["a", "int"]], "rows": []}},
          open(os.path.join(os.environ["STANDIN_DATA"], "tables.json"), "w"))
R.SESSION.catalog.__init__()
d = df_of([("a", "int")], [[1], [2]])
d.writeTo("glue_catalog.lake.t").option("snapshot-property.k", "v").append()
d.writeTo("glue_catalog.lake.t").append()
s = spark.table("glue_catalog.lake.t.snapshots").orderBy(F.col("committed_at").desc())
assert [[r["operation"], r["summary"]] for r in s.collect()] == [["append", {}],
                                                                ["append", {"k": "v"}]]
assert one(s.select(F.col("summary").getItem("k"))) == [[None], ["v"]]
h = one(d.select(F.xxhash64("a")))
assert h[0] != h[1] and h == one(d.select(F.xxhash64("a")))
"""),
    ("S3 exclusions: globs on the key below the path, '*' within a folder, '**' across", """
s3({"s3://b/x/a.json": '{"x": 1}\\n', "s3://b/x/a.tmp": '{"x": 2}\\n',
    "s3://b/x/_SUCCESS": '{"x": 3}\\n', "s3://b/x/d/b.tmp": '{"x": 4}\\n',
    "s3://b/x/d/c.json": '{"x": 5}\\n', "s3://b/x/e/f.json": '{"x": 6}\\n'})
df = glue.create_dynamic_frame.from_options(connection_type="s3", connection_options={
    "paths": ["s3://b/x/"], "recurse": True,
    "exclusions": '["*.tmp", "_SUCCESS", "{d,q}/[!a-b]*.json"]'}, format="json").toDF()
assert sorted(one(df)) == [[1], [4], [6]]
df = glue.create_dynamic_frame.from_options(connection_type="s3", connection_options={
    "paths": ["s3://b/x/"], "recurse": True, "exclusions": '["**.tmp"]'}, format="json").toDF()
assert sorted(one(df)) == [[1], [3], [5], [6]]
"""),
    ("regexp_extract: the group, or empty when the regex or the group does not match", """
d = df_of([("p", "string")], [["s3://b/dt=2024-01-01/f.json"], ["s3://b/f.json"], [None]])
assert one(d.select(F.regexp_extract(F.col("p"), "/dt=([^/]*)/", 1))) == \
    [["2024-01-01"], [""], [None]]
assert one(d.select(F.regexp_extract(F.col("p"), "(x)?/f", 1))) == [[""], [""], [None]]
d = df_of([("p", "string")], [["s3://b/ev/2024-01-01/raw/05/f.json"], ["s3://b/ev/05/f.json"]])
assert one(d.select(F.regexp_extract(F.col("p"), "/([^/]*)/[^/]*/([^/]*)/[^/]*$", 2))) == \
    [["05"], ["05"]]
assert one(d.select(F.regexp_extract(F.col("p"), "/([^/]*)/[^/]*/([^/]*)/[^/]*$", 1))) == \
    [["2024-01-01"], ["b"]]
"""),
    ("input_file_name: the S3 object of rows a DynamicFrame read, else empty", """
s3({"s3://b/p/a.json": '{"x": 1}\\n{"x": 2}\\n', "s3://b/p/b.json": '{"x": 3}\\n'})
df = glue.create_dynamic_frame.from_options(connection_type="s3",
    connection_options={"paths": ["s3://b/p/"]}, format="json").resolveChoice(
    choice="cast:string").toDF().withColumn("f", F.input_file_name())
assert one(df) == [[1, "s3://b/p/a.json"], [2, "s3://b/p/a.json"], [3, "s3://b/p/b.json"]]
assert one(df_of([("x", "int")], [[1]]).select(F.input_file_name())) == [[""]]
e = df_of([("x", "int")], [[1], [2]])
pick = F.when(F.col("x") == 1, F.lit("a")).otherwise(F.raise_error(F.lit("no file")))
fails(lambda: one(e.select(pick)), "[USER_RAISED_EXCEPTION] no file")
assert one(e.filter(F.col("x") == 1).select(pick)) == [["a"]]
assert one(df.select(F.sha2(F.col("f"), 256)).limit(1))[0][0] == \\
    "%s" % __import__("hashlib").sha256(b"s3://b/p/a.json").hexdigest()
"""),
    ("DataFrameWriter.parquet: Hive directories, escaped values, NULL default", """
import _rows_files as RF
s3({"s3://b/out/old.parquet": "x"})
d = df_of([("a", "int"), ("p", "string"), ("q", "int")],
          [[1, "x/y:z", 1], [2, None, 1], [3, "u", 1], [4, "u", 1], [5, "u", 1]])
fails(lambda: d.write.parquet("s3://b/out/"), "PATH_ALREADY_EXISTS")
d.write.mode("overwrite").partitionBy("p", "q").parquet("s3://b/out/")
objs = json.load(open(os.path.join(os.environ["STANDIN_DATA"], "s3.json")))
keys = sorted(objs)
assert keys == ["s3://b/out/_SUCCESS",
                "s3://b/out/p=__HIVE_DEFAULT_PARTITION__/q=1/part-00001-standin.c000.snappy.parquet",
                "s3://b/out/p=u/q=1/part-00002-standin.c000.snappy.parquet",
                "s3://b/out/p=u/q=1/part-00003-standin.c000.snappy.parquet",
                "s3://b/out/p=x%2Fy%3Az/q=1/part-00000-standin.c000.snappy.parquet"], keys
assert objs[keys[2]]["parquet"] == {"columns": [["a", "int"]], "rows": [[3], [4]]}
assert RF.partition_dir("p=x%2Fy%3Az/q=1", ["p", "q"], [["p", "string"], ["q", "int"]]) == \\
    {"p": "x/y:z", "q": 1}
"""),
    ("Parquet table: objects of registered partitions; RECOVER PARTITIONS", """
s3({"s3://b/t/p=1/f1.parquet": {"parquet": {"columns": [["a", "int"]], "rows": [[1], [2]]}},
    "s3://b/t/p=2/f2.parquet": {"parquet": {"columns": [["a", "int"]], "rows": [[3]]}},
    "s3://b/t/_pipec/x.parquet": {"parquet": {"columns": [["a", "int"]], "rows": [[9]]}},
    "s3://b/t/p=3/.hidden": "x"})
spark.sql("CREATE TABLE lake.t (a int, p int) USING PARQUET PARTITIONED BY (p) "
          "LOCATION 's3://b/t/'")
assert one(spark.table("lake.t")) == []
spark.sql("ALTER TABLE lake.t RECOVER PARTITIONS")
assert sorted(one(spark.table("lake.t"))) == [[1, 1], [2, 1], [3, 2]]
fails(lambda: df_of([("a", "int"), ("p", "int")], [[5, 1]]).write.insertInto("lake.t"),
      "not modelled")
"""),
    ("boto3 S3: list in key order, NoSuchKey, copy, delete of a missing key", """
import boto3
s3({"s3://b/k/b": "2", "s3://b/k/a": "1", "s3://c/k/z": "3"})
c = boto3.client("s3")
pages = list(c.get_paginator("list_objects_v2").paginate(Bucket="b", Prefix="k/"))
assert [o["Key"] for p in pages for o in p.get("Contents", [])] == ["k/a", "k/b"]
assert [p.get("Contents") for p in c.get_paginator("list_objects_v2").paginate(
    Bucket="b", Prefix="none/")] == [None]
fails(lambda: c.get_object(Bucket="b", Key="nope"), "NoSuchKey")
try:
    c.get_object(Bucket="b", Key="nope")
except c.exceptions.NoSuchKey:
    pass
c.put_object(Bucket="b", Key="m.json", Body=b"[1]")
assert c.get_object(Bucket="b", Key="m.json")["Body"].read() == b"[1]"
c.copy_object(Bucket="b", Key="k/c", CopySource={"Bucket": "b", "Key": "k/a"})
assert c.get_object(Bucket="b", Key="k/c")["Body"].read() == b"1"
c.delete_object(Bucket="b", Key="k/a")
c.delete_object(Bucket="b", Key="k/a")
fails(lambda: c.get_object(Bucket="b", Key="k/a"), "NoSuchKey")
fails(lambda: c.list_objects(Bucket="b"), "list_objects")
os.environ["STANDIN_FAIL"] = "s3-call-5"
fails(lambda: c.delete_object(Bucket="b", Key="k/b"), "injected failure at S3 call 5")
assert c.get_object(Bucket="b", Key="k/b")["Body"].read() == b"2"
"""),
    ("F.expr (derive, filter): arithmetic types, division by zero, overflow wraps", """
d = df_of([("a", "int"), ("b", "int"), ("m", "decimal(10,2)")],
          [[7, 2, D("1.25")], [2147483647, 0, D("-3.10")], [None, 1, None]])
r = one(d.select(F.expr("`a` / `b`"), F.expr("`a` % `b`"), F.expr("`a` + 1"),
                 F.expr("`m` * `b`"), F.expr("`m` / 3")))
assert r[0] == [3.5, 1, 8, D("2.50"), D("0.4166666666667")], r[0]
assert r[1] == [None, None, -2147483648, D("0.00"), D("-1.0333333333333")], r[1]
assert r[2] == [None, None, None, None, None], r[2]
t = d.select(F.expr("`m` / 3"), F.expr("`a` / `b`"), F.expr("`a` + 1")).schema
assert [f.dataType.simpleString() for f in t.fields] == ["decimal(21,13)", "double", "int"]
"""),
    ("F.expr: three-valued logic, IN with NULL, BETWEEN, CASE without ELSE", """
d = df_of([("x", "int")], [[1], [5], [None]])
r = one(d.select(F.expr("(`x` > 2) AND (`x` IS NULL)"), F.expr("(`x` > 2) OR (`x` = 1)"),
                 F.expr("`x` IN (1, NULL)"), F.expr("`x` NOT BETWEEN 2 AND 5"),
                 F.expr("CASE WHEN `x` > 2 THEN 'big' END")))
assert r == [[False, True, True, True, None], [False, True, None, False, 'big'],
             [None, None, None, None, None]], r
assert one(d.select(F.expr("(`x` > 2) AND false")))[2] == [False]
assert one(d.select(F.expr("(`x` > 2) OR true")))[2] == [True]
"""),
    ("F.expr: functions on text and time, NULL in -> NULL out", """
d = df_of([("s", "string"), ("ts", "timestamp")],
          [[" Ab-c ", datetime.datetime(2024, 3, 5, 7, 30)], [None, None]])
r = one(d.select(F.expr("upper(trim(`s`))"), F.expr("substring(`s`, -3, 2)"),
                 F.expr("regexp_extract(`s`, '([a-z])-(x)', 1)"), F.expr("split(trim(`s`), '-')"),
                 F.expr("date_trunc('month', `ts`)"), F.expr("hour(`ts`)"),
                 F.expr("datediff(CAST(`ts` AS DATE), DATE '2024-01-01')"),
                 F.expr("concat(`s`, 'x')"), F.expr("coalesce(`s`, 'none')")))
assert r[0] == ["AB-C", "-c", "", ["Ab", "c"], datetime.datetime(2024, 3, 1), 7, 64,
                " Ab-c x", " Ab-c "], r[0]
assert r[1] == [None, None, None, None, None, None, None, None, "none"], r[1]
"""),
    ("DataFrame.join: left keeps every row, inner only matches; NULL keys never match", """
rows = df_of([("id", "int"), ("k", "int")], [[1, 10], [2, 20], [3, None]])
dim = df_of([("_d_k", "int"), ("_d_v", "string")], [[10, "a"], [None, "n"], [30, "c"]])
on = F.expr("`_d_k` = `k`")
left = rows.join(F.broadcast(dim), on=on, how="left")
assert left.columns == ["id", "k", "_d_k", "_d_v"], left.columns
assert one(left) == [[1, 10, 10, "a"], [2, 20, None, None], [3, None, None, None]], one(left)
assert one(rows.join(dim, on=on, how="inner")) == [[1, 10, 10, "a"]]
two = df_of([("_d_k", "int"), ("_d_v", "string")], [[10, "a"], [10, "b"]])
assert len(one(rows.join(two, on=on, how="left"))) == 4  # a repeated key repeats the row
empty = df_of([("_d_k", "int"), ("_d_v", "string")], [])
assert one(rows.join(empty, on=on, how="left")) == [[1, 10, None, None], [2, 20, None, None],
                                                    [3, None, None, None]]
assert one(rows.join(empty, on=on, how="inner")) == []
fails(lambda: rows.join(dim, on="k"), "not modelled")
fails(lambda: rows.join(dim, on=on, how="full"), "not modelled")
fails(lambda: rows.join(rows, on=F.expr("`id` = `k`")), "AMBIGUOUS_REFERENCE")
"""),
    ("F.expr: an expression the stand-in does not model fails, never passes", """
d = df_of([("x", "int")], [[1]])
fails(lambda: one(d.select(F.expr("soundex(`x`)"))), "not modelled")
fails(lambda: one(d.select(F.expr("`y` + 1"))), "cannot be resolved")
"""),
]


def main():
    bad = 0
    for name, body in CASES:
        with tempfile.TemporaryDirectory(prefix="pipec-rows-self.") as tmp:
            script = os.path.join(tmp, "case.py")
            with open(script, "w", encoding="utf-8") as f:
                f.write(PROLOGUE + textwrap.dedent(body))
            state = os.path.join(tmp, "state")
            os.mkdir(state)
            env = dict(os.environ, PYTHONPATH=ROWS, STANDIN_DATA=state,
                       PYTHONDONTWRITEBYTECODE="1")
            env.pop("STANDIN_FAIL", None)
            p = subprocess.run([sys.executable, script, "--JOB_NAME", "j"], cwd=tmp, env=env,
                               capture_output=True, text=True, timeout=60)
        if p.returncode == 0:
            print("ok rows: %s" % name)
        else:
            bad += 1
            print("not ok rows: %s" % name)
            for line in p.stderr.strip().splitlines()[-6:]:
                print("# " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
