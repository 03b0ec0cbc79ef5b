#!/usr/bin/env python3
"""engine_texts.py: every SQL text a pipec build hands an engine, for a real
grammar of that engine's dialect (tests/grammars/parse.mjs, dt-sql-parser).

  engine_texts.py collect PROJECT BUILD_DIR... JSON lines on stdout
  engine_texts.py evolve PIPEC SCRATCH CASE_DIR...
                                              the texts of behaviour cases
                                              that change their pipeline
                                              between runs, JSON lines
  engine_texts.py selftest                    the self-test texts, JSON lines
  engine_texts.py report TEXTS RESULTS        one ok/not ok line per group

collect: pairs of a project's name and its `pipec build -o` output, whose
pipelines carry pipeline.facts.json (tests/codegen/facts.py); the stand-in
runs go as many at a time as there are CPUs.  Per pipeline:
  validate.sql        each statement -> trino (Athena engine v3); a Redshift
                      target's -> postgresql (the nearest grammar)
  ruleset CustomSql   each CustomSql statement of ruleset.json -> spark
  spark.sql           every statement job.py runs, captured at run time on the
                      stand-in (STANDIN_TEXTS=1), first run and a later run
                      (target present, watermark read) -> spark
  spark types         .cast("..."), from_json(..., "..."), StructType.add,
                      reader schemas -> spark, inside SELECT CAST(NULL AS ...)
  spark expressions   F.expr, push_down_predicate -> spark, inside a SELECT
  redshift actions    preactions/postactions of the Redshift connector, split
                      on every ';' as the connector does -> postgresql (the
                      nearest grammar: Redshift-only syntax is not covered)
  source queries      sampleQuery/query per source engine: postgresql, mysql;
                      redshift -> postgresql; others have no grammar (gap)
A record is {"id", "project", "group", "dialect", "origin", "text", "check",
"exceptions"}: "check" is what the parser gets (the text, wrapped and with
the narrow exceptions of EXCEPTIONS applied).  {"kind": "gap"} records name
texts no grammar checks; {"kind": "problem"} records a collection failure
(a run that died: texts after it were not seen), reported as not ok.

report: RESULTS are parse.mjs's answers ({"id", "errors": [...]}).  A group
passes when every text parsed; a gap never counts as passed: it is listed
as a `#` line and counted in the final summary line.
"""
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# The later run reads the watermark back from the target: this value.
WATERMARK_PROBE = {"timestamp": "2031-07-15 12:34:56", "date": "2031-07-15",
                   "int": "203107151234", "string": "2031-07-15T12:34:56"}

# Source engines (Glue connection_type) -> grammar; None = no grammar.
SOURCE_DIALECT = {"postgresql": "postgresql", "mysql": "mysql",
                  "redshift": "postgresql",
                  "sqlserver": None, "oracle": None, "snowflake": None,
                  "bigquery": None}

# Named, narrow exceptions: a construct the engine accepts (documented) that
# the grammar of dt-sql-parser rejects.  Each rewrites exactly that construct
# into an equivalent the grammar knows, so the rest of the text is still
# checked; `probe` is a minimal text the grammar must still reject and
# accept once rewritten (the self-test reports an exception no longer
# needed).  docs/hacking.md "Engine grammars in the tests" lists them.
EXCEPTIONS = []


def _exception(name, dialect, pattern, repl, probe, reason):
    EXCEPTIONS.append({"name": name, "dialect": dialect,
                       "re": re.compile(pattern, re.S | re.I),
                       "repl": repl, "probe": probe, "reason": reason})


_SPARK_ID = r"(?:`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)"


def _join_catalog(m):
    """catalog.namespace.table -> `catalog.namespace`.table: one identifier
    for the first two parts, each part's spelling kept inside it."""
    def bare(part):
        return part[1:-1] if part.startswith("`") else part.replace("`", "``")
    return "%s`%s.%s`.%s" % (m.group(1), bare(m.group(2)), bare(m.group(3)), m.group(4))


# DOC: Spark SQL "Identifiers" and the DataSourceV2 catalog API take
# multipart names catalog.namespace.table in CREATE TABLE and MERGE INTO
# (Iceberg's "Spark DDL"/"Spark Writes" pages use them: CREATE TABLE
# prod.db.sample, MERGE INTO prod.db.target); dt-sql-parser's SparkSQL
# grammar takes at most db.table there (it accepts three parts after FROM).
_exception("spark-create-table-three-part-name", "spark",
           r"^(\s*CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?)"
           r"(%s)\.(%s)\.(%s)" % (_SPARK_ID, _SPARK_ID, _SPARK_ID), _join_catalog,
           "CREATE TABLE IF NOT EXISTS glue_catalog.lake.t (`a` bigint) USING iceberg",
           "Spark takes catalog.namespace.table; the grammar's tableNameCreate takes "
           "two parts")
# DOC: Iceberg "Spark DDL", ALTER TABLE ... ADD COLUMN / ALTER COLUMN
# (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-add-column)
# writes ALTER TABLE prod.db.sample ADD COLUMNS (...): the same
# catalog.namespace.table name; the grammar's ALTER TABLE takes two parts.
_exception("spark-alter-table-three-part-name", "spark",
           r"^(\s*ALTER\s+TABLE\s+)(%s)\.(%s)\.(%s)" % (_SPARK_ID, _SPARK_ID, _SPARK_ID),
           _join_catalog,
           "ALTER TABLE glue_catalog.lake.t ADD COLUMNS (`c` string)",
           "Spark takes catalog.namespace.table; the grammar's ALTER TABLE takes two "
           "parts")
_exception("spark-merge-into-three-part-name", "spark",
           r"^(\s*MERGE\s+INTO\s+)(%s)\.(%s)\.(%s)" % (_SPARK_ID, _SPARK_ID, _SPARK_ID),
           _join_catalog,
           "MERGE INTO glue_catalog.lake.t AS t USING s ON t.a = s.a "
           "WHEN MATCHED THEN UPDATE SET *",
           "Spark takes catalog.namespace.table; the grammar's MERGE target takes two "
           "parts")

# DOC: Spark SQL "DESCRIBE TABLE"
# (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-aux-describe-table.html)
# takes a table identifier, multipart for a v2 catalog (the Iceberg target
# glue_catalog.lake.t whose partition spec the job reads); the grammar's
# DESCRIBE TABLE takes two parts.
_exception("spark-describe-table-three-part-name", "spark",
           r"^(\s*DESC(?:RIBE)?\s+TABLE\s+)(%s)\.(%s)\.(%s)" % (_SPARK_ID, _SPARK_ID, _SPARK_ID),
           _join_catalog,
           "DESCRIBE TABLE glue_catalog.lake.t",
           "Spark takes catalog.namespace.table; the grammar's DESCRIBE TABLE takes two "
           "parts")

# DOC: Iceberg "Spark DDL", ALTER TABLE ... ADD COLUMN
# (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-add-column):
# "ALTER TABLE prod.db.sample ADD COLUMN point.z double" adds a field to a
# struct (point.element.z, point.value.z inside arrays and maps); Spark's
# SqlBaseParser.g4 takes a multipartIdentifier as the name of
# qualifiedColTypeWithPosition. dt-sql-parser's SparkSQL grammar takes one
# identifier there (columnNameCreate).
_NESTED_ITEM = re.compile(r"^(\s*)(%s(?:\.%s)+)(?=\s)" % (_SPARK_ID, _SPARK_ID))


def _join_field_path(m):
    """ADD COLUMNS (`a`.`b` t, ...) -> ADD COLUMNS (`a.b` t, ...): each
    item's field path as one identifier, the rest of the item kept."""
    def bare(part):
        return part[1:-1] if part.startswith("`") else part.replace("`", "``")

    def item(text):
        im = _NESTED_ITEM.match(text)
        if not im:
            return text
        parts = re.findall(r"`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*", im.group(2))
        return im.group(1) + "`%s`" % ".".join(bare(p) for p in parts) + text[im.end():]
    items, depth, cur, quoted = [], 0, "", False
    for ch in m.group(2):
        quoted = quoted != (ch == "`")
        depth += 0 if quoted else (ch in "(<") - (ch in ")>")
        if ch == "," and not depth and not quoted:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    return m.group(1) + ",".join(item(i) for i in items + [cur]) + m.group(3)


_exception("spark-add-columns-nested-field", "spark",
           r"(\bADD\s+COLUMNS\s*\()(.*)(\)\s*)$", _join_field_path,
           "ALTER TABLE lake.t ADD COLUMNS (`c` string, `point`.`z` double)",
           "Spark and Iceberg take a struct field's path (point.z) as the name of an "
           "added column; the grammar one identifier")

# DOC: MySQL "Date and Time Literals": standard SQL DATE 'str', TIME 'str'
# and TIMESTAMP 'str' are literals wherever a value goes; dt-sql-parser's
# MySQL grammar takes them as a select item but not as an operand of a
# comparison.  The function form DATE('str')/TIMESTAMP('str') it takes.
_exception("mysql-temporal-literal-operand", "mysql",
           r"\b(DATE|TIME|TIMESTAMP)\s+('(?:[^'\\]|''|\\.)*')", r"\1(\2)",
           "SELECT * FROM t WHERE u > TIMESTAMP '2031-07-15 12:34:56'",
           "MySQL takes TIMESTAMP 'literal' as an operand; the grammar only as a "
           "select item")

# DOC: PostgreSQL "Numeric Types" (double precision, alias float8) and
# Redshift "Numeric types" (DOUBLE PRECISION, FLOAT8, FLOAT): a column type;
# dt-sql-parser's PostgreSQL grammar takes FLOAT8 but not the two-word name
# in a column definition.
_exception("postgresql-double-precision", "postgresql",
           r"\bDOUBLE\s+PRECISION\b", "FLOAT8",
           "CREATE TABLE t (c DOUBLE PRECISION)",
           "PostgreSQL and Redshift take DOUBLE PRECISION as a column type; the grammar "
           "takes only FLOAT8")
# DOC: PostgreSQL "SQL Key Words" (Appendix C): PLAIN is non-reserved, a
# valid table name unquoted; the grammar treats it as a keyword after FROM
# and after a schema.
_exception("postgresql-plain-table-name", "postgresql",
           r"(\bFROM\s+|\.)plain\b(?!\")", r'\1"plain"',
           "SELECT * FROM public.plain",
           "PLAIN is a non-reserved word in PostgreSQL; the grammar refuses it as a "
           "table name")


def apply_exceptions(dialect, text):
    names = []
    for ex in EXCEPTIONS:
        if ex["dialect"] == dialect and ex["re"].search(text):
            fixed = ex["re"].sub(ex["repl"], text)
            if fixed != text:
                names.append(ex["name"])
            text = fixed
    return text, names


# ------------------------------------------------------------ splitting

def split_statements(sql):
    """(line, statement) for each ';'-terminated statement of a Trino script:
    ';' inside '...' (with ''), "..." or a comment does not end one; comments
    are kept in the statement (the grammar skips them)."""
    out, start, i, n = [], 0, 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == ";":
            out.append((start, sql[start:i]))
            start = i = i + 1
        else:
            i += 1
    out.append((start, sql[start:]))
    res = []
    for pos, stmt in out:
        # Leading blank and comment lines belong to no statement.
        m = re.match(r"(?:[ \t]*(?:--[^\n]*)?\n)*[ \t]*", stmt)
        lead = m.end()
        body = stmt[lead:].strip()
        if not body or body.startswith("--"):
            continue
        line = sql.count("\n", 0, pos + lead) + 1
        res.append((line, body))
    return res


def split_actions(text):
    """The Redshift connector splits preactions/postactions on every ';'."""
    return [a.strip() for a in text.split(";") if a.strip()]


# ------------------------------------------------------------ wrapping

_TYPE_RE = re.compile(r"^\s*(struct|array|map)\s*<"
                      r"|^\s*[A-Za-z_]+(\s*\(\s*\d+(\s*,\s*\d+)?\s*\))?\s*$", re.I)


def wrap_type(text):
    return "SELECT CAST(NULL AS %s)" % text


def wrap_schema(text):
    """from_json/reader schema: a type string, or a DDL column list."""
    if _TYPE_RE.match(text):
        return wrap_type(text)
    return "CREATE TABLE pipec_schema (%s) USING parquet" % text


def wrap_expr(text):
    return "SELECT %s" % text


def wrap_predicate(text):
    return "SELECT * FROM pipec_source WHERE %s" % text


def complete_sample_query(opts):
    """Glue JDBC: with enablePartitioningForSampleQuery the sampleQuery ends
    with WHERE or AND and Glue appends its partition condition on hashfield
    (DOC: Glue "JDBC connection option reference", sampleQuery).  The
    condition's exact form is Glue's (ASSUMPTION: a comparison on the
    hashfield); any comparison completes the text for a grammar."""
    q = opts.get("sampleQuery") or ""
    if str(opts.get("enablePartitioningForSampleQuery")).lower() == "true":
        field = opts.get("hashfield") or opts.get("hashexpression") or "1"
        return "%s %s = 0" % (q, field)
    return q


# ------------------------------------------------------------ collect

class Collector:
    def __init__(self, project):
        self.project = project
        self.records = []
        self.seen = set()

    def add(self, pipeline, group, dialect, origin, text, check=None, engine=None):
        key = (pipeline, group, dialect, text, check)
        if key in self.seen:
            return
        self.seen.add(key)
        rec = {"project": self.project, "pipeline": pipeline, "group": group,
               "origin": origin, "text": text}
        if dialect is None:
            rec.update(kind="gap", engine=engine)
        else:
            chk, names = apply_exceptions(dialect, check if check is not None else text)
            rec.update(kind="text", dialect=dialect, check=chk, exceptions=names)
        rec["id"] = "%s:%d" % (self.project, len(self.records))
        self.records.append(rec)

    def problem(self, pipeline, group, message):
        self.records.append({"project": self.project, "pipeline": pipeline, "group": group,
                             "kind": "problem", "message": message,
                             "id": "%s:%d" % (self.project, len(self.records))})


def _target_kind(pdir):
    try:
        with open(os.path.join(pdir, "pipeline.facts.json"), encoding="utf-8") as f:
            return json.load(f).get("target_kind")
    except (OSError, ValueError):
        return None


# A CustomSql rule of the ruleset: its statement, a DQDL quoted string
# (\" and \\ are its only escapes, awslabs/dqdl CommonLexerRules.g4).
_CUSTOM_SQL = re.compile(r'^CustomSql\s+"((?:\\["\\]|[^"\\])*)"')


def collect_validate(col, pdir, name):
    """validate.sql: Trino (Athena engine v3), or PostgreSQL for a Redshift
    target's (the nearest grammar, as for the connector's actions); the
    ruleset's CustomSql statements: Spark SQL (Glue runs them on Spark, the
    evaluated rows as the view `primary`)."""
    path = os.path.join(pdir, "validate.sql")
    if os.path.exists(path):
        dialect = "postgresql" if _target_kind(pdir) == "redshift" else "trino"
        with open(path, encoding="utf-8") as f:
            sql = f.read()
        for line, stmt in split_statements(sql):
            col.add(name, "validate.sql", dialect, "validate.sql:%d" % line, stmt)
    path = os.path.join(pdir, "ruleset.json")
    if not os.path.exists(path):
        return
    sys.path.insert(0, os.path.join(HERE, "..", "standin"))
    import _standin_dqdl
    with open(path, encoding="utf-8") as f:
        ruleset = json.load(f).get("Ruleset", "")
    for k, rule in enumerate(_standin_dqdl.split_rules(ruleset)):
        m = _CUSTOM_SQL.match(rule)
        if m:
            stmt = re.sub(r'\\(["\\])', r"\1", m.group(1))
            col.add(name, "ruleset CustomSql", "spark", "ruleset.json rule %d" % (k + 1), stmt)


# Iceberg's SQL extensions (ALTER TABLE ... ADD / DROP / REPLACE PARTITION
# FIELD, https://iceberg.apache.org/docs/latest/spark-ddl/) are not in
# Spark's grammar, and Iceberg's own grammar may not be committed: such a
# statement is a gap, and each partition field in it (a transform of a
# column, "days(`ts`)") is checked as a Spark expression, so its quoting is.
_PARTITION_FIELD = re.compile(
    r"^\s*ALTER\s+TABLE\s+.+?\s+(?:ADD|DROP|REPLACE)\s+PARTITION\s+FIELD\s+(.+)$",
    re.S | re.I)


def add_spark_sql(col, pipeline, group, origin, text):
    m = _PARTITION_FIELD.match(text)
    if not m:
        col.add(pipeline, group, "spark", origin, text)
        return
    col.add(pipeline, group, None, origin, text,
            engine="Iceberg SQL extensions (PARTITION FIELD)")
    for field in re.split(r"(?i)\s+WITH\s+", m.group(1)):
        col.add(pipeline, "spark expressions", "spark", origin + " partition field",
                field, wrap_expr(field))


def collect_trace(col, name, run, trace):
    for k, t in enumerate(trace.get("texts") or []):
        origin = "%s: %s #%d" % (run, t["api"], k + 1)
        form, text = t["form"], t["text"]
        if form == "sql":
            add_spark_sql(col, name, "spark.sql", origin, text)
        elif form == "type":
            col.add(name, "spark types", "spark", origin, text, wrap_type(text))
        elif form == "schema":
            col.add(name, "spark types", "spark", origin, text, wrap_schema(text))
        elif form == "expr":
            col.add(name, "spark expressions", "spark", origin, text, wrap_expr(text))
    for e in trace.get("events") or []:
        if e.get("kind") not in ("read", "write"):
            continue
        api = e.get("api", "")
        origin = "%s: %s" % (run, api)
        pdp = e.get("push_down_predicate")
        if pdp:
            col.add(name, "spark expressions", "spark", origin + " push_down_predicate",
                    pdp, wrap_predicate(pdp))
        opts = dict(e.get("connection_options") or {})
        opts.update(e.get("additional_options") or {})
        cpp = opts.get("catalogPartitionPredicate")
        if cpp:
            col.add(name, "source queries", None, origin + " catalogPartitionPredicate",
                    cpp, engine="Glue catalog partition expression")
        ctype = (e.get("connection_type") or "").lower()
        if ctype == "redshift" and e.get("kind") == "write":
            for key in ("preactions", "postactions"):
                for k, a in enumerate(split_actions(opts.get(key) or "")):
                    col.add(name, "redshift actions", "postgresql",
                            "%s %s[%d]" % (origin, key, k + 1), a)
        for key in ("sampleQuery", "query"):
            q = opts.get(key)
            if not q:
                continue
            dialect = SOURCE_DIALECT.get(ctype)
            check = complete_sample_query(opts) if key == "sampleQuery" else q
            col.add(name, "source queries", dialect, "%s %s (%s)" % (origin, key, ctype),
                    q, check, engine=ctype)


def _run_pipeline(build, name):
    """(pipeline dir, [(run label, result)]): a later run (the target
    exists, the watermark is read back), then the first run, whose tables
    absent/present come from the later run's trace."""
    import run_job
    facts = {}
    fpath = os.path.join(build, name, "pipeline.facts.json")
    if os.path.exists(fpath):
        with open(fpath, encoding="utf-8") as f:
            facts = json.load(f)
    wm = WATERMARK_PROBE.get(facts.get("watermark_type") or "timestamp")
    later = run_job.run(build, name, "incremental", "pass", schema=facts.get("schema"),
                        watermark=wm)
    first = run_job.run(build, name, "first-run", "pass", schema=facts.get("schema"),
                        watermark=wm, pre_trace=later.get("trace"))
    runs = [("first run", first), ("later run", later)]
    msg = ((first.get("trace") or {}).get("exit") or {}).get("message") or ""
    if first.get("exit_code") != 0 and "TABLE_OR_VIEW_NOT_FOUND" in msg:
        # A job that does not create its target (no `create`) needs it on
        # its first run too: that run, with every table present.
        reads, writes = run_job.table_roles(later.get("trace"))
        again = run_job.run(build, name, "first-run", "pass", schema=facts.get("schema"),
                            watermark=wm, pre_trace={"events": []},
                            present=reads + writes)
        runs[0] = ("first run (target exists)", again)
    return runs


def collect(projects, jobs):
    """Records of every (PROJECT, BUILD_DIR); the stand-in runs `jobs` at a
    time."""
    from concurrent.futures import ThreadPoolExecutor
    os.environ["STANDIN_TEXTS"] = "1"
    work = []
    for project, build in projects:
        for name in sorted(os.listdir(build)):
            pdir = os.path.join(build, name)
            if os.path.exists(os.path.join(pdir, "job.json")):
                work.append((project, build, name))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = [pool.submit(_run_pipeline, build, name)
                if os.path.exists(os.path.join(build, name, "job.py")) else None
                for _, build, name in work]
        records = []
        cols = {}
        for (project, build, name), fut in zip(work, runs):
            col = cols.setdefault(project, Collector(project))
            collect_validate(col, os.path.join(build, name), name)
            for run, res in (fut.result() if fut is not None else []):
                trace = res.get("trace") or {}
                collect_trace(col, name, run, trace)
                if res.get("exit_code") != 0:
                    why = (trace.get("exit") or {}).get("message") or \
                        (res.get("stderr") or "").strip()[-300:]
                    col.problem(name, "job.py runs", "%s on the stand-in exited %s: texts "
                                "after the failure were not collected: %s"
                                % (run, res.get("exit_code"), why))
    for project, _ in projects:
        if project in cols:
            records += cols[project].records
    return records


def collect_evolution(pipec, scratch, case_dirs):
    """Records of the behaviour cases whose runs change the pipeline
    (a run with "pipe", tests/tools/behaviour.py): the case is replayed on
    the row-level stand-in with STANDIN_TEXTS=1, every run in order, so
    the texts of a later version against the table an earlier one left
    (ALTER TABLE ... ADD COLUMNS, Redshift ADD COLUMN preactions) are
    checked as well.  A run's outcome is behaviour.py's to judge; a build
    that fails is a problem."""
    import behaviour
    import run_rows
    os.environ["STANDIN_TEXTS"] = "1"
    records = []
    for case_dir in case_dirs:
        path = os.path.join(case_dir, "case.json")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            case = json.load(f)
        if not any(run.get("pipe") for run in case["runs"]):
            continue
        name = os.path.basename(os.path.normpath(case_dir))
        col = Collector("evolution/" + name)
        work = os.path.join(scratch, name)
        build, state = os.path.join(work, "build"), os.path.join(work, "state")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(state)
        err = behaviour.build_project(pipec, case_dir, build)
        for i, run in enumerate(case["runs"]):
            if not err and run.get("pipe"):
                err = behaviour.with_pipe(pipec, case_dir, work, case, run["pipe"], build)
            if err:
                col.problem(case["pipeline"], "evolution runs", "run %d: %s" % (i + 1, err))
                break
            res = run_rows.run(build, run.get("pipeline", case["pipeline"]), state,
                               run.get("add"), run.get("fail"), "jr_%d" % (i + 1))
            label = "run %d%s" % (i + 1, " (%s)" % run["pipe"] if run.get("pipe") else "")
            for k, t in enumerate(res.get("texts") or []):
                origin = "%s: %s #%d" % (label, t["api"], k + 1)
                if t["form"] == "sql":
                    add_spark_sql(col, case["pipeline"], "spark.sql (evolution runs)", origin,
                                  t["text"])
                else:
                    col.add(case["pipeline"], "redshift texts (evolution runs)", "postgresql",
                            origin, t["text"])
        records += col.records
    return records


# ------------------------------------------------------------ self-test

# Texts each grammar must reject: a harness that accepts everything fails.
BROKEN = [
    ("trino", "SELECT FROM"),
    ("trino", 'SELECT COUNT(*) FROM "lake"."orders" WHERE'),
    ("trino", "SELECT 'unterminated FROM t"),
    ("spark", "SELECT FROM"),
    ("spark", "MERGE INTO t USING s ON WHEN MATCHED THEN DELETE"),
    ("spark", wrap_type("struct<zip code:string>")),
    ("spark", wrap_type("decimal(10,")),
    ("postgresql", "SELECT FROM t WHERE"),
    ("postgresql", 'INSERT INTO "public"."t" ("a") SELEC "a" FROM s'),
    ("mysql", "SELECT * FROM t WHERE"),
    ("mysql", "SELECT * FROM (SELECT 1) WHERE x >"),
]
# Texts each grammar must accept (the harness must not reject everything).
GOOD = [
    ("trino", 'SELECT COUNT_IF("a" IS NULL) AS n FROM "db"."t"'),
    ("spark", wrap_type("struct<`zip code`:string>")),
    ("spark", "CREATE TABLE IF NOT EXISTS db.t (`a` bigint) USING iceberg"),
    ("postgresql", 'CREATE TABLE "public"."s" (LIKE "public"."t")'),
    ("mysql", "SELECT * FROM shop.orders WHERE status = 'done'"),
]


def selftest_records():
    recs = []
    for dialect, text in BROKEN:
        recs.append({"kind": "selftest", "expect": "reject", "dialect": dialect,
                     "text": text, "check": text})
    for dialect, text in GOOD:
        recs.append({"kind": "selftest", "expect": "accept", "dialect": dialect,
                     "text": text, "check": text})
    for ex in EXCEPTIONS:
        recs.append({"kind": "selftest", "expect": "reject", "dialect": ex["dialect"],
                     "text": ex["probe"], "check": ex["probe"], "exception": ex["name"]})
        fixed, _ = apply_exceptions(ex["dialect"], ex["probe"])
        recs.append({"kind": "selftest", "expect": "accept", "dialect": ex["dialect"],
                     "text": ex["probe"], "check": fixed, "exception": ex["name"]})
    # The statement splitter: ';' in literals and comments does not split.
    got = [s for _, s in split_statements(
        "-- a; comment\nSELECT 'a;b' AS \"x;y\";\n/* c; */ SELECT 1;\n-- tail\n")]
    want = ["SELECT 'a;b' AS \"x;y\"", "/* c; */ SELECT 1"]
    recs.append({"kind": "selftest", "expect": "equal", "text": "split_statements",
                 "got": got, "want": want})
    for i, r in enumerate(recs):
        r["id"] = "self-%d" % i
        r.setdefault("project", "selftest")
    return recs


# ------------------------------------------------------------ report

def _short(text, limit=600):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " ..."


def report(texts_path, results_path):
    recs = []
    with open(texts_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                recs.append(json.loads(line))
    results = {}
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                results[str(r["id"])] = r
    failed = 0
    gaps = 0
    # Self-tests first.
    for r in recs:
        if r.get("kind") != "selftest":
            continue
        label = "selftest %s %s" % (r.get("dialect", ""), r["expect"])
        if r.get("exception"):
            label = "exception %s still needed" % r["exception"] if r["expect"] == "reject" \
                else "exception %s rewrites its probe into accepted text" % r["exception"]
        label += ": %s" % _short(r["text"], 80)
        if r["expect"] == "equal":
            ok = r["got"] == r["want"]
            detail = ["got %r" % r["got"]]
        else:
            res = results.get(str(r["id"]))
            if res is None:
                ok, detail = False, ["no answer from the parser"]
            else:
                errs = res.get("errors") or []
                ok = bool(errs) if r["expect"] == "reject" else not errs and not res.get("fatal")
                detail = [res.get("fatal") or "no syntax error reported"] if not errs \
                    else ["%s" % e.get("message") for e in errs[:3]]
        print("%s %s" % ("ok" if ok else "not ok", label))
        if not ok:
            failed += 1
            for d in detail:
                print("# %s" % d)
    # Then one line per (project, pipeline, group).
    groups = {}
    order = []
    for r in recs:
        if r.get("kind") == "selftest":
            continue
        key = (r["project"], r["pipeline"], r["group"])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(r)
    for key in order:
        project, pipeline, group = key
        items = groups[key]
        texts = [r for r in items if r["kind"] == "text"]
        bad, lines = [], []
        for r in items:
            if r["kind"] == "problem":
                bad.append(r)
                lines.append(r["message"])
            elif r["kind"] == "gap":
                gaps += 1
                lines.append("gap (no grammar for %s, not checked): %s: %s"
                             % (r["engine"], r["origin"], _short(r["text"], 200)))
        for r in texts:
            res = results.get(str(r["id"]))
            errs = None if res is None else (res.get("errors") or [])
            if res is None or res.get("fatal") or errs:
                bad.append(r)
                why = "no answer from the parser" if res is None else \
                    res.get("fatal") or "; ".join(
                        "%d:%d %s" % (e.get("line", 0), e.get("col", 0), e.get("message"))
                        for e in errs[:3])
                lines.append("%s: %s error: %s" % (r["origin"], r["dialect"], why))
                lines.append("  text: %s" % _short(r["text"]))
                if r["check"] != r["text"]:
                    lines.append("  parsed as: %s" % _short(r["check"]))
        dialects = sorted({r["dialect"] for r in texts})
        exc = sorted({n for r in texts for n in r.get("exceptions") or []})
        label = "%s/%s: %s (%s, %d texts)" % (project, pipeline, group,
                                              ", ".join(dialects) or "no grammar", len(texts))
        if exc:
            label += " # exceptions: %s" % ", ".join(exc)
        if not texts and not bad:
            # Only gaps: nothing was checked; not a pass, not a failure.
            for ln in lines:
                print("# %s/%s: %s" % (project, pipeline, ln))
            continue
        print("%s %s" % ("not ok" if bad else "ok", label))
        if bad:
            failed += 1
        for ln in lines:
            print("# %s" % ln)
    print("# engine texts: %d groups, %d failed, %d gap texts not checked by any grammar"
          % (len(order), failed, gaps))
    return 1 if failed else 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "collect" and len(argv) % 2 == 1:
        pairs = list(zip(argv[1::2], argv[2::2]))
        for r in collect(pairs, os.cpu_count() or 2):
            print(json.dumps(r, sort_keys=True))
        return 0
    if len(argv) >= 3 and argv[0] == "evolve":
        for r in collect_evolution(argv[1], argv[2], argv[3:]):
            print(json.dumps(r, sort_keys=True))
        return 0
    if len(argv) == 1 and argv[0] == "selftest":
        for r in selftest_records():
            print(json.dumps(r, sort_keys=True))
        return 0
    if len(argv) == 3 and argv[0] == "report":
        return report(argv[1], argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
