#!/usr/bin/env python3
"""The ruleset and validate.sql mean the same thing (docs/language.md, "What
each rule means").

usage: dq_agree.py PIPEC SCRATCH_DIR

Builds two pipelines per rule of CASES, one into S3 Tables (Athena) and one
into Redshift, then for each case's rows, NULLs included, evaluates the
DQDL with the stand-in's evaluator (tests/standin/_standin_dqdl.py, the NULL
behaviour of the AWS DQDL reference) and runs both validate.sql files'
statements on SQLite (the dialect mappings are documented there), and
checks that all three give the outcome the docs promise.  Prints `ok NAME` / `not ok NAME` lines; exits 1 on a failure.
"""
import datetime
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "standin"))
import _standin_dqdl as DQ  # noqa: E402

NOW = datetime.datetime(2026, 1, 10, 12, 0, 0)
H = datetime.timedelta(hours=1)
D = datetime.date
T = datetime.datetime

COLUMNS = [("id", "bigint"), ("amount", "double"), ("status", "string"), ("code", "string"),
           ("active", "boolean"), ("day", "date"), ("load_ts", "timestamp"), ("qty", "int"),
           ("price", "decimal(12,2)"), ("total", "decimal(12,2)"), ("updated_ts", "timestamp")]

# (rule, column, values of that column one per row, holds?)
CASES = [
    ("expect amount >= 0", "amount", [1.0, None], True),
    ("expect amount >= 0", "amount", [-1.0, None], False),
    ("expect amount >= 0", "amount", [None, None], True),
    ("expect amount >= 0", "amount", [], True),
    ("expect amount between 0 and 10", "amount", [0.0, 10.0, None], True),
    ("expect amount between 0 and 10", "amount", [10.5, None], False),
    ("expect amount != 13", "amount", [1.0, None], True),
    ("expect amount != 13", "amount", [13.0], False),
    ('expect status in ("new", "done")', "status", ["new", None], True),
    ('expect status in ("new", "done")', "status", ["old", None], False),
    ('expect status = "it\'s"', "status", ["it's", None], True),
    ('expect status >= "b"', "status", ["c", None], True),
    ('expect status >= "b"', "status", ["a"], False),
    ('expect code matches "[A-Z]{3}"', "code", ["ABC", None], True),
    ('expect code matches "[A-Z]{3}"', "code", ["ABCD"], False),
    ('expect code = "2024-01-31"', "code", ["2024-01-31", None], True),
    ('expect code = "2024-01-31"', "code", ["x"], False),
    ("expect active = true", "active", [True, None], True),
    ("expect active = true", "active", [False], False),
    ('expect day >= "2024-01-01"', "day", [D(2024, 1, 1), None], True),
    ('expect day >= "2024-01-01"', "day", [D(2023, 12, 31)], False),
    ('expect load_ts >= "2024-01-01"', "load_ts", [T(2024, 1, 1), None], True),
    ('expect load_ts >= "2024-01-01"', "load_ts", [T(2023, 12, 31, 23, 59, 59)], False),
    ('expect load_ts < "2030-01-01T12:30:00"', "load_ts", [T(2030, 1, 1, 12, 29, 59)], True),
    ('expect load_ts < "2030-01-01T12:30:00"', "load_ts", [T(2030, 1, 1, 12, 30)], False),
    # literals per engine: quotes, double quotes and backslashes in strings
    # and patterns, fractions, negative numbers, booleans, dates and
    # timestamps with a fraction of a second
    ('expect status in ("it\'s", "say \\"hi\\"", "back\\\\slash")', "status",
     ["it's", 'say "hi"', "back\\slash", None], True),
    ('expect status in ("it\'s", "say \\"hi\\"", "back\\\\slash")', "status",
     ["its"], False),
    ('expect status in ("it\'s", "say \\"hi\\"", "back\\\\slash")', "status",
     ["back\\\\slash"], False),
    ('expect code matches "\\\\d{3}-[a-z\']+"', "code", ["123-ab'c", None], True),
    ('expect code matches "\\\\d{3}-[a-z\']+"', "code", ["12-abc"], False),
    ('expect code matches "\\\\d{3}-[a-z\']+"', "code", ["\\d{3}-ab"], False),
    ("expect qty between -5 and -1", "qty", [-5, -1, None], True),
    ("expect qty between -5 and -1", "qty", [0], False),
    ("expect price in (9.99, 10, -0.5)", "price", [9.99, 10.0, -0.5, None], True),
    ("expect price in (9.99, 10, -0.5)", "price", [9.98], False),
    ("expect amount > -1.25", "amount", [-1.0, None], True),
    ("expect amount > -1.25", "amount", [-1.25], False),
    ("expect active != false", "active", [True, None], True),
    ("expect active != false", "active", [False], False),
    ('expect day in ("2024-02-29", "2024-07-04")', "day", [D(2024, 2, 29), None], True),
    ('expect day in ("2024-02-29", "2024-07-04")', "day", [D(2024, 3, 1)], False),
    ('expect load_ts <= "2030-01-01T12:30:00.5"', "load_ts",
     [T(2030, 1, 1, 12, 30), None], True),
    ('expect load_ts <= "2030-01-01T12:30:00.5"', "load_ts", [T(2030, 1, 1, 12, 30, 1)], False),
    ("expect status is not null", "status", ["a", "b"], True),
    ("expect status is not null", "status", ["a", None], False),
    ("not_null status", "status", ["a", None], False),
    # freshness: the newest value counts; NULLs, and no row, are not fresh
    ("freshness load_ts within 1h", "load_ts", [NOW - 5 * H, NOW - H / 2, None], True),
    ("freshness load_ts within 1h", "load_ts", [NOW - 5 * H, None], False),
    ("freshness load_ts within 1h", "load_ts", [None], False),
    ("freshness load_ts within 1h", "load_ts", [], False),
    ("freshness day within 1d", "day", [D(2026, 1, 10), D(2020, 1, 1)], True),
    ("freshness day within 1d", "day", [D(2026, 1, 8)], False),
    ("unique status", "status", ["a", "b"], True),
    ("unique status", "status", ["a", "a"], False),
    ("unique status", "status", ["a", None, None], True),   # keys with a NULL: not checked
    ("unique status, code", "status", ["a", "a"], True),    # code is NULL in every row
    ("completeness status >= 0.5", "status", ["a", None], True),
    ("completeness status >= 0.5", "status", ["a", None, None], False),
    ("completeness status > 0.5", "status", ["a", None], False),
    ("completeness status >= 0.5", "status", [], False),
    ("row_count between 1 and 2", "status", ["a", "b"], True),
    ("row_count between 1 and 2", "status", ["a", "b", "c"], False),
    # column_count: the table's columns, whatever the rows (11 declared)
    ("column_count = 11", "status", ["a"], True),
    ("column_count = 11", "status", [], True),
    ("column_count between 5 and 20", "status", [None], True),
    # distinct_count: a NULL is not a value
    ("distinct_count status >= 2", "status", ["a", "b", None], True),
    ("distinct_count status >= 2", "status", ["a", "a", None, None], False),
    ("distinct_count status >= 2", "status", [], False),
    ("distinct_count status between 1 and 2", "status", ["a", None], True),
    ("distinct_count status between 1 and 2", "status", ["a", "b", "c"], False),
    ("distinct_count status = 0", "status", [None, None], True),
    ("distinct_count status = 0", "status", [], True),
    # mean, sum, stddev: NULLs ignored (the DQDL pages' example: 0, 20, 40
    # give 20, 60 and 16.33); no value at all fails
    ("mean amount between 10 and 30", "amount", [0.0, None, 20.0, None, 40.0], True),
    ("mean amount > 20", "amount", [0.0, None, 20.0, None, 40.0], False),
    ("mean amount > 20", "amount", [None], False),
    ("mean amount > 20", "amount", [], False),
    ("mean qty >= 1.5", "qty", [1, 2], True),       # 1.5, not an integer mean
    ("mean qty > 1.5", "qty", [1, 2], False),
    ("mean price = 9.99", "price", [9.99, None], True),
    ("sum amount > 50", "amount", [0.0, None, 20.0, None, 40.0], True),
    ("sum amount > 60", "amount", [0.0, None, 20.0, None, 40.0], False),
    ("sum amount >= 0", "amount", [], False),
    ("sum amount >= 0", "amount", [None], False),
    ("sum qty between -5 and -1", "qty", [-3, None, 1], True),
    ("sum qty between -5 and -1", "qty", [3], False),
    ("stddev amount < 16.4", "amount", [0.0, None, 20.0, None, 40.0], True),
    ("stddev amount < 16.3", "amount", [0.0, None, 20.0, None, 40.0], False),
    ("stddev amount = 0", "amount", [5.0, None], True),
    ("stddev amount <= 100", "amount", [], False),
    # uniqueness: among the rows with a value, the share whose value no
    # other row has; no value fails
    ("uniqueness status >= 0.5", "status", ["a", "b", "c", "c", None], True),
    ("uniqueness status >= 0.5", "status", ["a", "b", "b", None], False),
    ("uniqueness status = 1", "status", ["a", "b", None, None], True),
    ("uniqueness status = 1", "status", [], False),
    ("uniqueness status <= 0.5", "status", [None], False),
    # length: characters, trailing spaces too; NULLs are not checked, an
    # empty table holds (DQDL's ColumnLength would fail a NULL on >= 1)
    ("length code between 2 and 3", "code", ["ab", "abc", None], True),
    ("length code between 2 and 3", "code", ["abcd"], False),
    ("length code between 2 and 3", "code", [], True),
    ("length code >= 1", "code", [None], True),
    ("length code >= 1", "code", [""], False),
    ("length code = 3", "code", ["ab ", "\u00e9t\u00e9"], True),
]

# column_count on a table that has gained columns since the pipeline was
# written (its frame and its catalog list them): (rule, extra columns, holds?)
DRIFT_CASES = [
    ("column_count = 11", [], True),
    ("column_count = 11", [("extra", "string")], False),
    ("column_count between 5 and 20", [("extra", "string")], True),
]

# expect CONDITION: a row breaks the rule when the condition is FALSE; a
# row where it is NULL does not (docs/language.md, "Expressions in expect
# rules").  (rule, rows: the columns each row sets, holds?)  Every rule has
# rows with NULLs, a violating row and an empty table.
R = dict
EXPR_CASES = [
    ("expect amount = qty * price", [R(amount=10.0, qty=4, price=2.5), R(qty=1, price=1.0),
                                     R(amount=3.0)], True),
    ("expect amount = qty * price", [R(amount=9.0, qty=4, price=2.5), R(qty=1)], False),
    ("expect amount = qty * price", [], True),
    ("expect coalesce(price, 0) <= total", [R(total=5.0), R(price=5.0, total=5.0), R(price=9.0)],
     True),
    ("expect coalesce(price, 0) <= total", [R(price=6.0, total=5.0), R()], False),
    ("expect coalesce(price, 0) <= total", [R(total=-1.0)], False),
    ("expect date(updated_ts) >= date(load_ts)",
     [R(load_ts=T(2024, 1, 2, 23), updated_ts=T(2024, 1, 2, 1)), R(load_ts=T(2024, 1, 2))], True),
    ("expect date(updated_ts) >= date(load_ts)",
     [R(load_ts=T(2024, 1, 2, 0), updated_ts=T(2024, 1, 1, 23, 59, 59))], False),
    ("expect date(load_ts) >= day", [R(load_ts=T(2024, 1, 2, 10), day=D(2024, 1, 2)), R()], True),
    ("expect date(load_ts) >= day", [R(load_ts=T(2024, 1, 1, 23), day=D(2024, 1, 2))], False),
    ('expect lower(status) in ("open", "closed")', [R(status="OPEN"), R(status="Closed"), R()],
     True),
    ('expect lower(status) in ("open", "closed")', [R(status="Pending"), R()], False),
    ('expect lower(status) in ("open", "closed")', [], True),
    ('expect case when code = "refund" then amount <= 0 else amount >= 0 end',
     [R(code="refund", amount=-5.0), R(code="sale", amount=3.0), R(code="refund")], True),
    ('expect case when code = "refund" then amount <= 0 else amount >= 0 end',
     [R(code="refund", amount=5.0)], False),
    # a NULL code is not "refund": the else branch judges the row
    ('expect case when code = "refund" then amount <= 0 else amount >= 0 end',
     [R(amount=-1.0)], False),
    # '/' is a division of doubles, NULL for a zero divisor (not a violation)
    ("expect amount / qty < 10", [R(amount=15.0, qty=2), R(amount=100.0, qty=0), R()], True),
    ("expect amount / qty < 10", [R(amount=100.0, qty=2)], False),
    # '%' keeps the dividend's sign
    ("expect qty % 3 != 1", [R(qty=-4), R(qty=3), R()], True),
    ("expect qty % 3 != 1", [R(qty=4)], False),
    ("expect qty + 1 > 0 and -qty < 5", [R(qty=0), R(qty=4), R()], True),
    ("expect qty + 1 > 0 and -qty < 5", [R(qty=-3)], False),
    # concat of a NULL is NULL: no violation
    ('expect concat(status, "-", code) != "a-b"', [R(status="a"), R(status="a", code="c")], True),
    ('expect concat(status, "-", code) != "a-b"', [R(status="a", code="b")], False),
    # trim removes spaces only
    ("expect trim(status) = status", [R(status="a"), R(status="\ta"), R()], True),
    ("expect trim(status) = status", [R(status=" a ")], False),
    # regexp_extract is '' when nothing matches (a violation here), NULL for NULL
    ('expect regexp_extract(code, "^([A-Z]+)-[0-9]+$", 1) != ""', [R(code="AB-12"), R()], True),
    ('expect regexp_extract(code, "^([A-Z]+)-[0-9]+$", 1) != ""', [R(code="x")], False),
    ('expect substring(code, 1, 2) = "AB" or code is null', [R(code="ABC"), R()], True),
    ('expect substring(code, 1, 2) = "AB" or code is null', [R(code="A")], False),
    ('expect not (status = "void" and amount > 0)', [R(status="void", amount=0.0), R(amount=1.0)],
     True),
    ('expect not (status = "void" and amount > 0)', [R(status="void", amount=1.0)], False),
    ("expect cast(qty as bigint) < 1000 and cast(price as double) >= 0",
     [R(qty=999, price=0.0), R()], True),
    ("expect cast(qty as bigint) < 1000 and cast(price as double) >= 0", [R(qty=1000)], False),
]

PIPELINE = """pipeline %s%02d {
  source s3 "s3://raw/r/" { format parquet }
  %s
  columns {
%s
  }
  validate { %s }
}
"""

YAML = """project: dq-agree
default_environment: dev
environments:
  dev:
    region: eu-west-1
    account: "123456789012"
    role: arn:aws:iam::123456789012:role/pipec-glue-dev
    script_bucket: dq-artifacts
    table_bucket: dq-lake
"""


def build(pipec, scratch, rules):
    os.makedirs(os.path.join(scratch, "pipelines"), exist_ok=True)
    with open(os.path.join(scratch, "pipec.yaml"), "w") as f:
        f.write(YAML)
    cols = "\n".join("    %s %s%s" % (n, t, " required" if n == "id" else "")
                     for n, t in COLUMNS)
    with open(os.path.join(scratch, "pipelines", "rules.pipe"), "w") as f:
        for i, r in enumerate(rules):
            f.write(PIPELINE % ("r", i, "target s3tables analytics.r%02d" % i, cols, r))
            f.write(PIPELINE % ("w", i, 'target redshift "dw" public.w%02d { staging '
                                '"s3://dq-artifacts/stage/" }' % i, cols, r))
    out = os.path.join(scratch, "out")
    res = subprocess.run([pipec, "build", "-o", out, "pipelines"], cwd=scratch,
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("pipec build failed:\n" + res.stderr)
    return out


def statements(sql):
    """validate.sql's statements that judge a rule (not the plain row count)."""
    body = "\n".join(ln for ln in sql.splitlines() if not ln.startswith("--"))
    for st in body.split(";"):
        st = st.strip()
        if st and not re.match(r"SELECT COUNT\(\*\) AS row_count FROM [^,]*$", st):
            yield st


def sql_holds(sql, rows, columns, dialect="athena"):
    for st in statements(sql):
        res = DQ.run_sqlite(st, rows, columns, NOW, dialect)
        if "HAVING COUNT(*) > 1" in st:
            if res:
                return False
            continue
        for name, v in res[0].items():
            if name == "violations" or name.startswith("nulls_"):
                if v != 0:
                    return False
            elif name in ("passed", "fresh") and not v:
                return False
    return True


# The stand-in's evaluator against the AWS DQDL reference's own examples
# (ColumnValues "Null behavior"; composite rules evaluated column by column
# by default, dqdl.html "How composite rules work"): (rule, ages, passes?).
REFERENCE = [
    ('ColumnValues "Age" > 21', [30, None], False),
    ('ColumnValues "Age" != 21', [30, None], True),
    ('ColumnValues "Age" not in [21, 22, 23]', [30, None], True),
    ('ColumnValues "Age" not in [21, 22, 23, NULL]', [30, None], False),
    ('(ColumnValues "Age" != 21) AND (ColumnValues "Age" != NULL)', [30, None], False),
    ('(ColumnValues "Age" > 21) OR (ColumnValues "Age" = NULL)', [None, None], True),
    ('(ColumnValues "Age" > 21) OR (ColumnValues "Age" = NULL)', [30, None], False),
    ('ColumnValues "Age" between 21 and 30', [21], False),
    ('IsComplete "Age"', [30, None], False),
    # DataFreshness checks every row (NOW is 2026-01-10 12:00, Age a timestamp)
    ('DataFreshness "Age" <= 2 hours', [NOW - H, NOW - 5 * H], False),
    ('DataFreshness "Age" <= 2 hours', [NOW - H, None], False),
    ('DataFreshness "Age" <= 2 hours', [NOW - H], True),
    ('Completeness "Age" >= 0.5', [30, None], True),
    # Mean, Sum, StandardDeviation ignore NULL rows (their pages' example)
    ('Mean "Age" = 20', [0, None, 20, None, 40], True),
    ('Sum "Age" = 60', [0, None, 20, None, 40], True),
    ('StandardDeviation "Age" between 16.32 and 16.34', [0, None, 20, None, 40], True),
    ('StandardDeviation "Age" = 16', [0, 0, 20, 0, 40], True),
    # ColumnLength reads NULL as a string of length 0 (its page)
    ('ColumnLength "Age" > 4', [None], False),
    ('ColumnLength "Age" < 6', [None], True),
    ('ColumnCount = 1', [30], True),
]


def reference():
    failed = 0
    for rule, ages, want in REFERENCE:
        rows = [{"Age": a} for a in ages]
        got = DQ.evaluate("Rules = [ %s ]" % rule, rows, {"Age": "int"}, NOW)[0][1]
        name = "stand-in DQDL: %s on %s" % (rule, ages)
        print("%s %s" % ("ok" if got == want else "not ok", name))
        failed += got != want
    return failed


# EvaluateDataQuality of the stand-in with STANDIN_DQ=rows evaluates the
# frame's rows: a rule pipec writes passes on a NULL, a ColumnValues rule
# fails on it (run in a child: the stand-in reads its environment once).
ROWS_PROBE = """
from pyspark.context import SparkContext
from pyspark.sql.dataframe import DataFrame
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.transforms import SelectFromCollection
from awsgluedq.transforms import EvaluateDataQuality
g = GlueContext(SparkContext())
df = DataFrame._new(g.spark_session, [("amount", "double")], 2, "t",
                    rows=[{"amount": 1.0}, {"amount": None}])
for rule in ['CustomSql "SELECT COUNT(*) FROM primary WHERE `amount` IS NOT NULL'
             ' AND NOT (`amount` >= 0)" = 0', 'ColumnValues "amount" >= 0']:
    res = EvaluateDataQuality().process_rows(
        frame=DynamicFrame.fromDF(df, g, "x"), ruleset="Rules = [ %s ]" % rule,
        publishing_options={})
    out = SelectFromCollection.apply(dfc=res, key="ruleOutcomes").toDF()
    print(out.collect()[0]["Outcome"])
"""


def standin_rows():
    env = dict(os.environ, STANDIN_DQ="rows")
    env.pop("STANDIN_TRACE", None)
    res = subprocess.run([sys.executable, "-c", ROWS_PROBE], env=env, capture_output=True,
                         text=True, cwd=os.path.join(HERE, "..", "standin"))
    got = res.stdout.split()
    ok = got == ["Passed", "Failed"]
    print("%s stand-in EvaluateDataQuality evaluates rows (STANDIN_DQ=rows)" %
          ("ok" if ok else "not ok"))
    if not ok:
        print("# got %r; stderr: %s" % (got, res.stderr.strip()[-500:]))
    return 0 if ok else 1


def drift(out, rules, columns):
    failed = 0
    for rule, extra, want in DRIFT_CASES:
        i = rules.index(rule)
        cols = dict(columns, **dict(extra))
        rows = [dict({n: None for n in cols}, id=1)]
        with open(os.path.join(out, "r%02d" % i, "ruleset.json")) as f:
            ruleset = json.load(f)["Ruleset"]
        results = []
        for d in ("r", "w"):
            with open(os.path.join(out, "%s%02d" % (d, i), "validate.sql")) as f:
                results.append(sql_holds(f.read(), rows, cols,
                                         "redshift" if d == "w" else "athena"))
        dq = all(ok for _, ok in DQ.evaluate(ruleset, rows, cols, NOW))
        ok = dq == want and results == [want, want]
        print("%s %s on a table with the columns %s" % ("ok" if ok else "not ok", rule,
                                                       ", ".join(cols)))
        if not ok:
            print("# expected %s; ruleset says %s, validate.sql says %s" % (want, dq, results))
        failed += not ok
    return failed


def main():
    pipec, scratch = os.path.abspath(sys.argv[1]), sys.argv[2]
    rules = sorted({c[0] for c in CASES} | {c[0] for c in EXPR_CASES} |
                   {c[0] for c in DRIFT_CASES})
    out = build(pipec, scratch, rules)
    columns = dict(COLUMNS)
    failed = reference() + standin_rows() + drift(out, rules, dict(COLUMNS))
    cases = [(rule, [dict({n: None for n in columns}, id=k + 1, **{col: v})
                     for k, v in enumerate(values)], values, want)
             for rule, col, values, want in CASES]
    cases += [(rule, [dict({n: None for n in columns}, id=k + 1, **r) for k, r in enumerate(rs)],
               rs, want) for rule, rs, want in EXPR_CASES]
    for rule, rows, values, want in cases:
        i = rules.index(rule)
        pdir = os.path.join(out, "r%02d" % i)
        with open(os.path.join(pdir, "ruleset.json")) as f:
            ruleset = json.load(f)["Ruleset"]
        with open(os.path.join(pdir, "validate.sql")) as f:
            sql = f.read()
        with open(os.path.join(out, "w%02d" % i, "validate.sql")) as f:
            redshift_sql = f.read()
        try:
            dq = all(ok for _, ok in DQ.evaluate(ruleset, rows, columns, NOW))
        except (ValueError, TypeError) as e:
            dq = "not evaluable (%s)" % e
        sq = sql_holds(sql, rows, columns)
        rs = sql_holds(redshift_sql, rows, columns, "redshift")
        name = "%s on %s" % (rule, values)
        if dq == want and sq == want and rs == want:
            print("ok %s" % name)
        else:
            failed += 1
            print("not ok %s" % name)
            print("# expected %s; ruleset says %s, validate.sql says %s (Redshift: %s)"
                  % (want, dq, sq, rs))
            print("# " + ruleset.replace("\n", "\n# "))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
