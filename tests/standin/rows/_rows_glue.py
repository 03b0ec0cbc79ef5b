"""awsglue of the row-level stand-in: GlueContext reads, DynamicFrame (with
Glue's ChoiceType), Job bookmarks, getResolvedOptions, data quality.

DOC (DynamicFrame): https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-dynamic-frame.html
  "each record is self-describing, so no schema is required initially ...
  AWS Glue computes a schema on-the-fly when required, and explicitly
  encodes schema inconsistencies using a choice (or union) type." The
  schema is therefore the union of the fields of the records read: a
  DynamicFrame read from NO records has NO fields, and toDF() gives a
  DataFrame without columns (selecting a declared column then fails with
  UNRESOLVED_COLUMN) -- the "empty bookmark batch" failure: with bookmarks
  on, a run that finds no new file reads no record.
DOC (ChoiceType): the same DynamicFrame page: "You can convert
  DynamicFrames to and from DataFrames once you resolve any schema
  inconsistencies"; resolutions per
  https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ResolveChoice.html
  (cast:T, make_cols -> columnA_int/columnA_string, make_struct,
  project:T).
ASSUMPTION (not documented; what toDF() is commonly observed to do): an
  UNRESOLVED choice becomes a STRUCT with one field per type, named by the
  type ("int", "string", ...) -- the make_struct resolution. Any other
  outcome (failure at toDF) fails the same generated jobs, one call earlier.
ASSUMPTION: the JSON reader types a number by its form (int, long when it
  does not fit, double with a fraction or exponent) and does not widen a
  field holding int and double values: that is a choice too; struct fields
  come in first-seen order (Spark's own JSON reader would sort them).
DOC (bookmarks): https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html
  -- bookmark state persists per job, keyed by each source's
  transformation_ctx, and prevents "the reprocessing of old data"; and
  https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html :
  job.init and job.commit "initialize the bookmark service and update the
  state change to the service". So a run that fails before job.commit()
  reads the same files again on its retry. JDBC bookmarks are not modelled
  (pipec's JDBC sources use their own watermark, not bookmarks).
"""
import datetime
import decimal
import json
import os
import re
import sys
import zlib

import _rows as R

# ---------------------------------------------------------------- options


class GlueArgumentError(Exception):
    pass


def getResolvedOptions(args, options):
    """awsglue.utils.getResolvedOptions: --NAME VALUE pairs; every asked-for
    name is required (aws-glue-libs utils.py)."""
    out = {}
    i = 1
    vals = {}
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            k = a[2:]
            if "=" in k:
                k, v = k.split("=", 1)
                vals[k] = v
            elif i + 1 < len(args):
                vals[k] = args[i + 1]
                i += 1
        i += 1
    for o in options:
        if o not in vals:
            raise GlueArgumentError("the following arguments are required: --%s" % o)
        out[o] = vals[o]
    for k in ("job_bookmark_option", "TempDir"):
        pass
    out["job_bookmark_option"] = vals.get("job-bookmark-option", "job-bookmark-disable")
    if "JOB_RUN_ID" in vals:
        out["JOB_RUN_ID"] = vals["JOB_RUN_ID"]
    return out


# ---------------------------------------------------------------- job

class Job:
    current = None

    def __init__(self, glue_context):
        self._ctx = glue_context
        self.name = None
        self.bookmarks_on = False
        self.pending = {}       # transformation_ctx -> [paths read this run]
        Job.current = self

    def init(self, job_name, args={}):
        self.name = job_name
        self.bookmarks_on = args.get("job_bookmark_option") == "job-bookmark-enable" or \
            "job-bookmark-enable" in sys.argv
        self.state = R._load("bookmarks.json", {}).get(job_name, {})

    def commit(self):
        if R.FAIL == "before-commit":
            raise RuntimeError("standin rows: injected failure before job.commit()")
        if not self.bookmarks_on:
            return
        allb = R._load("bookmarks.json", {})
        mine = allb.setdefault(self.name, {})
        for ctx, paths in self.pending.items():
            mine[ctx] = sorted(set(mine.get(ctx, [])) | set(paths))
        R._save("bookmarks.json", allb)


# ---------------------------------------------------------------- frames

def _glue_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "int" if -(1 << 31) <= v < (1 << 31) else "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, dict):
        return "struct"
    if isinstance(v, list):
        return "array"
    return "string"


_SPARK = {"int": "int", "long": "bigint", "double": "double", "boolean": "boolean",
          "string": "string", "null": "string"}
# Number typing and choice: see the ASSUMPTION notes in the module docstring.


class DynamicFrame:
    """Records (dicts) + field order; types computed from the records."""
    def __init__(self, records, fields, glue_ctx=None, name=""):
        self._records = records
        self._fields = fields          # field names in first-seen order
        self._choices = {}             # field -> resolution already applied
        self.glue_ctx = glue_ctx
        self.name = name
        self._df = None
        self._files = None             # per record, the S3 object it was read from

    @classmethod
    def fromDF(cls, dataframe, glue_ctx, name):
        d = cls([], [], glue_ctx, name)
        d._df = dataframe
        return d

    @classmethod
    def from_records(cls, records, glue_ctx=None, name="", files=None):
        fields = []
        for r in records:
            for k in r:
                if k not in fields:
                    fields.append(k)
        d = cls(records, fields, glue_ctx, name)
        d._files = files
        return d

    def _types(self, f):
        return sorted({_glue_type(r.get(f)) for r in self._records} - {"null"})

    def count(self):
        return self._df.count() if self._df is not None else len(self._records)

    def toDF(self, options=None):
        if self._df is not None:
            return self._df
        cols = [(f, _infer([r.get(f) for r in self._records])) for f in self._fields]
        rows = [[_conform(r.get(f), t) for f, t in cols] for r in self._records]
        if self._files is not None:
            rows = [R.file_row(row, name) for row, name in zip(rows, self._files)]
        return R.DataFrame(R.Frame([(f, _df_type(t)) for f, t in cols], rows), R.SESSION)

    def resolveChoice(self, specs=None, choice="", database=None, table_name=None,
                      transformation_ctx="", info="", stageThreshold=0, totalThreshold=0,
                      catalog_id=None):
        if self._df is not None:
            # A frame made from a DataFrame (fromDF, the JDBC, warehouse and
            # catalog readers here) has one type per column: no choice to
            # resolve; a cast spec casts the column.
            df = self._df
            for path, action in specs or []:
                if action.startswith("cast:") and path in df.columns:
                    df = df.withColumn(path, R.col("`%s`" % path).cast(action[5:]))
            return _df_frame(df._f, self.glue_ctx) if df is not self._df else self
        recs = [dict(r) for r in self._records]
        fields = list(self._fields)
        todo = list(specs or [])
        if choice:
            todo += [(f, choice) for f in fields if len(self._types(f)) > 1]
        for path, action in todo:
            if path not in fields:
                continue
            if action.startswith("cast:"):
                t = R.parse_type(action[5:])
                for r in recs:
                    r[path] = R.cast_value(r.get(path), t)
            elif action.startswith("project:"):
                want = action[8:].lower()
                want = {"bigint": "long", "integer": "int"}.get(want, want)
                for r in recs:
                    if _glue_type(r.get(path)) != want:
                        r[path] = None
            elif action == "make_cols":
                ts = self._types(path)
                i = fields.index(path)
                fields[i:i + 1] = ["%s_%s" % (path, t) for t in ts]
                for r in recs:
                    v = r.pop(path, None)
                    for t in ts:
                        r["%s_%s" % (path, t)] = v if _glue_type(v) == t else None
            elif action == "make_struct":
                ts = self._types(path)
                for r in recs:
                    v = r.get(path)
                    r[path] = None if v is None else {t: (v if _glue_type(v) == t else None)
                                                      for t in ts}
            else:
                raise ValueError("resolveChoice: unknown action %s" % action)
        d = DynamicFrame(recs, fields, self.glue_ctx, self.name)
        d._files = self._files
        return d

    def schema(self):
        return self.toDF().schema


def _infer(vals):
    """The type Glue computes for a field from its values: scalars by JSON
    type, structs with the union of their keys (first-seen order), arrays
    with the union of their elements, ("choice", [(type name, type)]) when
    the values have more than one type."""
    vals = [v for v in vals if v is not None]
    kinds = []
    for v in vals:
        k = _glue_type(v)
        if k not in kinds:
            kinds.append(k)
    if not kinds:
        return "string"
    if len(kinds) > 1:
        return ("choice", [(k, _infer([v for v in vals if _glue_type(v) == k]))
                           for k in sorted(kinds)])
    k = kinds[0]
    if k == "struct":
        keys = []
        for v in vals:
            for key in v:
                if key not in keys:
                    keys.append(key)
        return ("struct", [(key, _infer([v.get(key) for v in vals])) for key in keys])
    if k == "array":
        return ("array", _infer([x for v in vals for x in v]))
    return _SPARK[k]


def _df_type(t):
    if isinstance(t, tuple) and t[0] in ("choice", "struct"):
        return ("struct", [(n, _df_type(x)) for n, x in t[1]])
    if isinstance(t, tuple) and t[0] == "array":
        return ("array", _df_type(t[1]))
    return t


def _conform(v, t):
    """A record's value in the DataFrame column of type t: struct fields in
    schema order (missing ones NULL), a choice as struct<type: value>."""
    if v is None:
        return None
    if isinstance(t, tuple) and t[0] == "choice":
        k = _glue_type(v)
        return {n: (_conform(v, x) if n == k else None) for n, x in t[1]}
    if isinstance(t, tuple) and t[0] == "struct":
        return {n: _conform(v.get(n), x) for n, x in t[1]}
    if isinstance(t, tuple) and t[0] == "array":
        return [_conform(x, t[1]) for x in v]
    return v


# ---------------------------------------------------------------- readers

def _parse_csv(text, fo):
    import csv
    import io
    sep = fo.get("separator", ",")
    quote = fo.get("quoteChar", '"')
    rdr = csv.reader(io.StringIO(text), delimiter=sep, quotechar=quote,
                     escapechar=fo.get("escaper"))
    rows = [r for r in rdr if r]
    if not rows:
        return []
    if fo.get("withHeader"):
        head, rows = rows[0], rows[1:]
    else:
        # DOC: Glue CSV format, withHeader false: columns are named col0,
        #   col1, ... https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-csv-home.html
        head = ["col%d" % i for i in range(max(len(r) for r in rows))]
    # All CSV values are strings (no inference modelled).
    return [{h: (r[i] if i < len(r) else None) for i, h in enumerate(head)} for r in rows]


def _parse_json(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out.append(json.loads(line))
    return out


class _Reader:
    def __init__(self, ctx):
        self._ctx = ctx

    def from_options(self, connection_type, connection_options={}, format=None,
                     format_options={}, transformation_ctx="", push_down_predicate="", **kw):
        ct = connection_type.lower()
        opts = connection_options
        if ct == "s3":
            return self._s3(opts, format, format_options, transformation_ctx)
        if ct in ("postgresql", "mysql", "sqlserver", "oracle", "redshift"):
            return self._jdbc(opts)
        if ct == "snowflake":
            # DOC: Glue Snowflake connections read "dbtable" or "query" (a
            #   SELECT run in Snowflake), https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-snowflake-home.html
            # An unqualified name in a query resolves in sfDatabase and
            # sfSchema (Snowflake's current database and schema).
            qual = [x for x in (opts.get("sfDatabase"), opts.get("sfSchema")) if x]
            if opts.get("query"):
                return self._query(opts["query"], qual)
            name = ".".join(x for x in (opts.get("sfDatabase"), opts.get("sfSchema"),
                                        opts.get("dbtable")) if x)
            return self._rows_of(name)[0]
        if ct == "bigquery":
            # DOC: Glue BigQuery connections read "table", or with
            #   sourceType "query" the "query" text run in BigQuery,
            #   https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-bigquery-home.html ;
            #   "filter" is the spark-bigquery connector's row filter
            #   (a predicate BigQuery applies when it reads the table).
            if opts.get("sourceType") == "query" or (opts.get("query") and not opts.get("table")):
                return self._query(opts["query"])
            df, cols, rows = self._rows_of(opts["table"])
            if opts.get("filter"):
                names = [n for n, _ in cols]
                rows = [r for r in rows if _eval_pred(opts["filter"], dict(zip(names, r)))]
                df = _df_frame(R.Frame(cols, rows), self._ctx)
            return df
        if ct == "dynamodb":
            arn = opts.get("dynamodb.tableArn") or opts.get("dynamodb.input.tableName", "")
            return self._rows_of(arn.split("/")[-1])[0]
        raise ValueError("standin rows: connection_type %s not modelled" % connection_type)

    def from_catalog(self, database=None, table_name=None, redshift_tmp_dir="",
                     transformation_ctx="", push_down_predicate="", additional_options={},
                     catalog_id=None, **kw):
        # DOC: push_down_predicate filters the partitions listed from the
        #   catalog before any file is read:
        #   https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-partitions.html#aws-glue-programming-etl-partitions-pushdowns
        # DOC: job bookmarks track each source by its transformation_ctx and
        #   apply to S3 data read through the catalog too ("For Amazon S3
        #   input sources, AWS Glue job bookmarks check the last modified time
        #   of the objects", monitor-continuations.html): a bookmarked catalog
        #   read returns only the table's new files. Not modelled: a job that
        #   reads a catalog table with a transformation_ctx while bookmarks
        #   are on is refused, so a generated job never relies on it.
        job = Job.current
        if transformation_ctx and job is not None and job.bookmarks_on:
            raise RuntimeError("standin rows: from_catalog(%s.%s) with transformation_ctx %r "
                               "in a job with bookmarks on: only the table's new files would "
                               "be read (not modelled)" % (database, table_name,
                                                           transformation_ctx))
        fr = R.SESSION.catalog.frame("%s.%s" % (database, table_name), "from_catalog")
        recs = [dict(zip([n for n, _ in fr.columns], r)) for r in fr.rows]
        if push_down_predicate:
            recs = [r for r in recs if _eval_pred(push_down_predicate, r)]
        d = DynamicFrame(recs, [n for n, _ in fr.columns], self._ctx)
        d._df = R.DataFrame(R.Frame(fr.columns, [[r[n] for n, _ in fr.columns] for r in recs]),
                            R.SESSION)
        return d

    def _rows_of(self, name, qualifier=()):
        srcs = R.SESSION.catalog.sources
        # Engine quoting: "x" (PostgreSQL, Oracle, Redshift), [x] (SQL Server).
        parts = R.strip_name(re.sub(r'["\[\]]', "`", name))
        src = None
        for n in range(len(parts), 0, -1):
            src = srcs.get(".".join(parts[-n:]).lower())
            if src is not None:
                break
        if src is None and qualifier:
            src = srcs.get(".".join(list(qualifier)[:3 - len(parts)] + parts).lower()) \
                if len(parts) < 3 else None
        if src is None:
            raise RuntimeError("standin rows: no source table %s in sources.json" % name)
        cols = [(n, R.parse_type(t)) for n, t in src["columns"]]
        rows = [[R.from_json_value(r.get(n), t) for n, t in cols] for r in src.get("rows", [])]
        return _df_frame(R.Frame(cols, rows), self._ctx), cols, rows

    def _query(self, q, qualifier=()):
        """A query as pipec writes them: SELECT * FROM table [WHERE pred] or
        SELECT * FROM (query) [alias] [WHERE pred]."""
        df, cols, rows = self._query_rows(q.strip(), qualifier)
        R.REPORT["rows_read"] = len(rows)
        return df

    def _query_rows(self, q, qualifier=()):
        m = re.match(r"(?is)^SELECT\s+\*\s+FROM\s+\(", q)
        if m:
            depth, quote, i = 1, None, m.end()
            while i < len(q) and depth:
                ch = q[i]
                if quote:
                    quote = None if ch == quote else quote
                elif ch in "'\"":
                    quote = ch
                elif ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                i += 1
            if depth:
                raise RuntimeError("standin rows: unbalanced query: %s" % q)
            _, cols, rows = self._query_rows(q[m.end():i - 1].strip(), qualifier)
            rest = re.match(r"(?is)^\s*(?:(?!WHERE\b)\w+\s*)?(?:WHERE\s+(.*))?$", q[i:])
            if not rest:
                raise RuntimeError("standin rows: query not modelled: %s" % q)
            pred = rest.group(1)
        else:
            m = re.match(r"(?is)^SELECT\s+\*\s+FROM\s+(.+?)(?:\s+WHERE\s+(.*))?$", q)
            if not m:
                raise RuntimeError("standin rows: query not modelled: %s" % q)
            _, cols, rows = self._rows_of(m.group(1).strip(), qualifier)
            pred = m.group(2)
        if pred:
            names = [n for n, _ in cols]
            rows = [r for r in rows if _eval_pred(pred, dict(zip(names, r)))]
        return _df_frame(R.Frame(cols, rows), self._ctx), cols, rows

    def _jdbc(self, opts):
        # DOC: JDBC sampleQuery with enablePartitioningForSampleQuery: Glue
        #   appends "<hashfield> ... " partition predicates to the query,
        #   which must end in WHERE or AND:
        #   https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-jdbc-home.html
        #   (sampleQuery, enablePartitioningForSampleQuery, hashfield,
        #   hashpartitions). The union of the hash partitions is every row:
        #   modelled as the query without the trailing WHERE/AND.
        q = opts.get("sampleQuery") or ("SELECT * FROM " + opts["dbtable"])
        if opts.get("redshiftTmpDir"):
            import _rows_redshift
            R.text("create_dynamic_frame.from_options sampleQuery", "redshift", q)
            res = _rows_redshift.Redshift(R.SESSION.catalog.tables).query(q)
            if res is not None:
                return _df_frame(R.Frame(*res), self._ctx)
        if opts.get("enablePartitioningForSampleQuery") == "true":
            if not re.search(r"(?i)\b(WHERE|AND)\s*$", q):
                raise RuntimeError("sampleQuery must end with WHERE or AND when "
                                   "enablePartitioningForSampleQuery is true")
            q = re.sub(r"(?i)\s*\b(WHERE|AND)\s*$", "", q)
            # DOC: "Reading from JDBC tables in parallel"
            #   (https://docs.aws.amazon.com/glue/latest/dg/run-jdbc-parallel-read-job.html):
            #   hashfield is "the name of a column in the JDBC table", and
            #   hashexpression "an SQL expression ... to return a whole
            #   number" that Glue uses "in the WHERE clause to partition
            #   data". Appended to the sampleQuery, either is read in the
            #   query's result: a name that is not one of its columns is the
            #   database's error. Partitions do not overlap and cover every
            #   row, so their union is the query's rows.
            key = opts.get("hashfield") or opts.get("hashexpression") or ""
            names = [n.lower() for n, _ in self._query_rows(q.strip())[1]] if key else []
            for ident in re.findall(r"[A-Za-z_]\w*", re.sub(r"'[^']*'", "", key)):
                if ident.lower() not in names and ident.upper() not in _SQL_WORDS:
                    raise RuntimeError("column %s does not exist in the sampleQuery's "
                                       "result (%s)" % (ident, key))
        return self._query(q)

    def _s3(self, opts, fmt, fo, ctx):
        objects = R._load("s3.json", {})
        job = Job.current
        done = set()
        if ctx and job is not None and job.bookmarks_on:
            done = set(job.state.get(ctx, []))
        recs, read, files = [], [], []
        excluded = _exclusions(opts.get("exclusions"))
        for prefix in opts.get("paths", []):
            pfx = prefix if prefix.endswith("/") else prefix + "/"
            for key, content in objects.items():
                if key != prefix and not key.startswith(pfx):
                    continue
                rest = key[len(pfx):]
                if "/" in rest and not opts.get("recurse"):
                    continue
                if rest and excluded(rest):
                    continue
                # DOC: "For Amazon S3 input sources, AWS Glue job bookmarks
                #   check the last modified time of the objects to verify which
                #   objects need to be reprocessed" (monitor-continuations.html):
                #   a rewritten object is read again. Its version here is a
                #   checksum of its content.
                version = "%s@%08x" % (key, zlib.crc32(content.encode()))
                if version in done:
                    continue
                read.append(version)
                if fmt == "csv":
                    got = _parse_csv(content, fo or {})
                elif fmt in ("json", "jsonl"):
                    got = _parse_json(content)
                else:
                    raise RuntimeError("standin rows: format %s not modelled" % fmt)
                recs += got
                files += [key] * len(got)
        if ctx and job is not None:
            job.pending.setdefault(ctx, []).extend(read)
        R.REPORT.setdefault("files_read", []).extend(read)
        return DynamicFrame.from_records(recs, self._ctx, files=files)


def _glob_re(g):
    """A glob of Glue's syntax (the crawler's include and exclude patterns:
    '*' within a folder, '**' across folders, '?', [..], [!..], {a,b}, and
    a backslash before a literal) as a Python regular expression."""
    out, i, brace = [], 0, False
    while i < len(g):
        ch = g[i]
        if g.startswith("**", i):
            out.append(".*")
            while i < len(g) and g[i] == "*":
                i += 1
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            j = g.index("]", i + 2 if g[i + 1:i + 2] == "!" else i + 1)
            body = g[i + 1:j]
            out.append("[^/" + re.escape(body[1:]) + "]" if body.startswith("!")
                       else "[" + re.escape(body) + "]")
            i = j
        elif ch == "{":
            out.append("(?:")
            brace = True
        elif ch == "}":
            out.append(")")
            brace = False
        elif ch == "," and brace:
            out.append("|")
        else:
            if ch == "\\":
                i += 1
            out.append(re.escape(g[i]))
        i += 1
    return "".join(out)


def _exclusions(text):
    """connection option "exclusions": a string holding a JSON list of
    globs (DOC: https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-s3-home.html ,
    e.g. "[\\"**.pdf\\"]" excludes all PDF files; glob syntax per the
    crawler's include and exclude patterns). ASSUMPTION: a glob matches
    the object's key relative to the path given in "paths" (the documented
    example matches either way). Returns a predicate on that key."""
    if not text:
        return lambda rel: False
    globs = json.loads(text)
    if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
        raise RuntimeError("exclusions must be a string holding a JSON list of globs")
    rx = re.compile("(?s)(?:" + "|".join(_glob_re(g) for g in globs) + ")")
    return lambda rel: rx.fullmatch(rel) is not None


# Words of a hashexpression that are not column names.
_SQL_WORDS = {"MOD", "ABS", "HASHTEXT", "CRC32", "CHECKSUM", "ORA_HASH", "CAST", "AS",
              "INT", "INTEGER", "BIGINT", "CASE", "WHEN", "THEN", "ELSE", "END", "AND",
              "OR", "NOT", "NULL", "COALESCE", "EXTRACT", "FROM", "YEAR", "MONTH", "DAY"}


def _df_frame(frame, ctx):
    d = DynamicFrame([], [n for n, _ in frame.columns], ctx)
    d._df = R.DataFrame(frame, R.SESSION)
    return d


def _eval_pred(text, row):
    """Simple SQL predicates as pipec writes them: `col OP literal` joined by
    AND; literals: numbers, 'text', TIMESTAMP '...', DATE '...', and the
    engines' forms (CAST('...' AS TIMESTAMP), TO_TIMESTAMP('...', ...))."""
    for part in re.split(r"(?i)\s+AND\s+", text.strip()):
        m = re.match(r"""(?is)^\s*[`"\[]?(\w+)[`"\]]?\s*(>=|<=|<>|!=|=|>|<)\s*(.+?)\s*$""", part)
        if not m:
            raise RuntimeError("standin rows: predicate not modelled: %s" % part)
        c, op, lit = m.groups()
        v = None
        for k in row:
            if k.lower() == c.lower():
                v = row[k]
        lm = re.match(r"(?is)^(?:TIMESTAMP|DATE)?\s*'(.*)'$", lit) or \
            re.match(r"(?is)^CAST\s*\(\s*'(.*)'\s+AS\s+\w+\s*\)$", lit) or \
            re.match(r"(?is)^TO_(?:TIMESTAMP|DATE)\s*\(\s*'(.*?)'.*\)$", lit)
        lv = lm.group(1).replace("''", "'") if lm else R.cast_value(lit, "double")
        if v is None or lv is None:
            return False
        a, b = R._coerce(v, lv)
        if isinstance(a, datetime.date) and isinstance(b, str):
            b = R._str_to_date(b) if not isinstance(a, datetime.datetime) else R._str_to_ts(b)
        ok = {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b, "=": a == b,
              "<>": a != b, "!=": a != b}[op]
        if not ok:
            return False
    return True


class _Writer:
    def __init__(self, ctx):
        self._ctx = ctx

    def from_options(self, frame, connection_type, connection_options={}, format=None,
                     format_options={}, transformation_ctx="", **kw):
        if connection_type.lower() != "redshift":
            raise RuntimeError("standin rows: write_dynamic_frame.from_options (%s) is not "
                               "modelled" % connection_type)
        import _rows_redshift
        cat = R.SESSION.catalog
        if R.FAIL == "before-write" and not R.REPORT.get("failed_once"):
            R.REPORT["failed_once"] = True
            raise RuntimeError("standin rows: injected failure before the write to Redshift")
        rs = _rows_redshift.Redshift(cat.tables)
        opts = connection_options
        for key in ("preactions", "postactions"):
            for a in (opts.get(key) or "").split(";"):
                if a.strip():
                    R.text("write_dynamic_frame.from_options " + key, "redshift", a.strip())
        try:
            rs.run(opts.get("preactions", ""), opts["dbtable"])
            rs.copy_into(opts["dbtable"], frame.toDF()._f)
            rs.run(opts.get("postactions", ""), opts["dbtable"])
        finally:
            # Statements outside BEGIN ... END are committed as they run.
            R._save("tables.json", cat.tables)
            R.REPORT["writes"] += 1


class GlueLogger:
    def info(self, m):
        R.REPORT["log"].append("INFO " + str(m))

    def warn(self, m):
        R.REPORT["log"].append("WARN " + str(m))

    def error(self, m):
        R.REPORT["log"].append("ERROR " + str(m))


class GlueContext:
    def __init__(self, sparkContext, **options):
        self.spark_session = R.SESSION
        self.create_dynamic_frame = _Reader(self)
        self.write_dynamic_frame = _Writer(self)

    def get_logger(self):
        return GlueLogger()

    def create_dynamic_frame_from_options(self, *a, **k):
        return self.create_dynamic_frame.from_options(*a, **k)

    def create_dynamic_frame_from_catalog(self, *a, **k):
        return self.create_dynamic_frame.from_catalog(*a, **k)


# ---------------------------------------------------------------- data quality

class DynamicFrameCollection:
    def __init__(self, frames, glue_ctx=None):
        self._frames = frames

    def select(self, key, transformation_ctx=""):
        return self._frames[key]

    def keys(self):
        return list(self._frames)


class SelectFromCollection:
    @staticmethod
    def apply(dfc, key, transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
        return dfc.select(key)


class EvaluateDataQuality:
    """Evaluates on the rows the DQDL rule forms pipec writes; other rule
    types (DataFreshness, which depends on the clock, among them) Pass.
    The ruleset is first checked like the schema-level stand-in does
    (tests/standin/_standin_dqdl.py).
    DOC: DQDL ColumnValues, "Null behavior"
      (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-ColumnValues.html):
      "For all ColumnValues rules (other than != and NOT IN), NULL rows will
      fail the rule"; negated rules (!=, not in) let NULL rows pass; a NULL
      listed in `in [...]` is allowed.
    DOC: IsComplete = every value non-NULL
      (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-IsComplete.html);
      IsUnique = every value (combination) occurs once
      (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-IsUnique.html);
      Completeness = the fraction of non-NULL values
      (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-Completeness.html);
      RowCountMatch "ds" = ratio of this frame's rows to ds's rows
      (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-RowCountMatch.html).
    DOC: CustomSql "statement" OP N runs the Spark SQL statement on the
      evaluated rows, the table `primary`, and compares the one number it
      returns (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-CustomSql.html);
      the statement runs on SQLite (tests/standin/_standin_dqdl.py,
      spark_to_sqlite).  ASSUMPTION: decimals are compared as doubles there."""
    def process_rows(self, frame, ruleset, publishing_options={}, additional_options={},
                     additional_data_sources={}):
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import _standin_dqdl
        problems = _standin_dqdl.check(ruleset)
        if problems:
            raise ValueError("Data Quality ruleset is not valid DQDL: %s" % "; ".join(problems))
        df = frame.toDF()
        rows = [dict(zip(df.columns, r)) for r in df._f.rows]
        outcomes = []
        for rule in _standin_dqdl.split_rules(ruleset):
            rule = rule.strip()
            ok = _check_rule(rule, rows, additional_data_sources, len(rows),
                             dict(df._f.columns))
            outcomes.append([rule, "Passed" if ok else "Failed", "" if ok else "rule failed"])
        fr = R.Frame([("Rule", "string"), ("Outcome", "string"), ("FailureReason", "string")],
                     outcomes)
        return DynamicFrameCollection({"ruleOutcomes": _df_frame(fr, None)})


def _getv(row, c):
    for k, v in row.items():
        if k.lower() == c.lower():
            return v
    return None


_OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
        "<": lambda a, b: a < b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b}


def _num(v):
    return float(v) if not isinstance(v, (datetime.date, str)) else v


_CUSTOM_SQL = re.compile(r'^CustomSql\s+"((?:\\["\\]|[^"\\])*)"\s*(>=|<=|>|<|=|!=)\s*(-?[\d.]+)$')


def _custom_sql(m, rows, cols):
    import _standin_dqdl
    query = re.sub(r'\\(["\\])', r"\1", m.group(1))
    plain = [{k: float(v) if isinstance(v, decimal.Decimal) else v for k, v in r.items()}
             for r in rows]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    got = _standin_dqdl._custom_sql(query, plain, cols, now)
    return got is not None and _OPS[m.group(2)](got, float(m.group(3)))


def _check_rule(rule, rows, extra, n, cols=None):
    m = _CUSTOM_SQL.match(rule)
    if m:
        return _custom_sql(m, rows, cols if cols is not None else
                           {k: None for r in rows for k in r})
    m = re.match(r'^IsComplete\s+"([^"]+)"$', rule)
    if m:
        return all(_getv(r, m.group(1)) is not None for r in rows)
    m = re.match(r'^(?:IsUnique|IsPrimaryKey)((?:\s+"[^"]+")+)$', rule)
    if m:
        cols = re.findall(r'"([^"]+)"', m.group(1))
        keys = [tuple(R._hashable(_getv(r, c)) for c in cols) for r in rows]
        if rule.startswith("IsPrimaryKey") and any(None in k for k in keys):
            return False
        return len(keys) == len(set(keys))
    m = re.match(r'^RowCountMatch\s+"(\w+)"\s*(>=|<=|>|<|=)\s*([\d.]+)$', rule)
    if m:
        other = extra.get(m.group(1))
        cnt = other.count() if other is not None else 0
        ratio = n / cnt if cnt else (1.0 if n == 0 else float("inf"))
        return _OPS[m.group(2)](ratio, float(m.group(3)))
    m = re.match(r'^RowCount\s*(>=|<=|>|<|=|!=)\s*(\d+)$', rule)
    if m:
        return _OPS[m.group(1)](n, int(m.group(2)))
    m = re.match(r'^Completeness\s+"([^"]+)"\s*(>=|<=|>|<|=)\s*([\d.]+)$', rule)
    if m:
        full = sum(1 for r in rows if _getv(r, m.group(1)) is not None)
        return _OPS[m.group(2)](full / n if n else 1.0, float(m.group(3)))
    m = re.match(r'^ColumnValues\s+"([^"]+)"\s+(>=|<=|>|<|=|!=)\s*(-?[\d.]+)$', rule)
    if m:
        lim, op = float(m.group(3)), m.group(2)
        vals = [_getv(r, m.group(1)) for r in rows]
        if op == "!=":
            return all(v is None or float(v) != lim for v in vals)
        return all(v is not None and _OPS[op](float(v), lim) for v in vals)
    m = re.match(r'^ColumnValues\s+"([^"]+)"\s+between\s+(-?[\d.]+)\s+and\s+(-?[\d.]+)$',
                 rule)
    if m:
        lo, hi = float(m.group(2)), float(m.group(3))
        return all(_getv(r, m.group(1)) is not None and lo <= float(_getv(r, m.group(1))) <= hi
                   for r in rows)
    m = re.match(r'^ColumnValues\s+"([^"]+)"\s+(not\s+)?in\s+\[(.*)\]$', rule)
    if m:
        items = [x.strip() for x in m.group(3).split(",")]
        allowed = [x.strip('"') for x in items if x.startswith('"') or re.match(r"^-?[\d.]+$", x)]
        null_ok = "NULL" in items
        neg = bool(m.group(2))
        for r in rows:
            v = _getv(r, m.group(1))
            if v is None:
                if neg == null_ok:      # in: NULL fails unless listed; not in: passes unless
                    return False
                continue
            if (R.to_string(v) in allowed) == neg:
                return False
        return True
    m = re.match(r'^ColumnValues\s+"([^"]+)"\s+matches\s+"(.*)"$', rule)
    if m:
        pat = re.compile(m.group(2).replace('\\"', '"'))
        return all(_getv(r, m.group(1)) is not None and pat.fullmatch(str(_getv(r, m.group(1))))
                   for r in rows)
    if re.match(r"^(?:%s)\b" % "|".join(_STAT_RULES), rule):
        return _stat_rule(rule, rows, cols if cols is not None else
                          {k: None for r in rows for k in r})
    return True


# ColumnCount (the frame's columns), Mean, Sum, StandardDeviation and
# ColumnLength: evaluated as tests/standin/_standin_dqdl.py does (the DOC
# notes there: NULLs ignored by the aggregates, no value fails; ColumnLength
# reads NULL as length 0).  ASSUMPTION: decimals are aggregated as doubles.
_STAT_RULES = ("ColumnCount", "Mean", "Sum", "StandardDeviation", "ColumnLength",
               "DistinctValuesCount", "Uniqueness")


def _stat_rule(rule, rows, cols):
    import _standin_dqdl
    plain = [{k: float(v) if isinstance(v, decimal.Decimal) else v for k, v in r.items()}
             for r in rows]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return _standin_dqdl.evaluate("Rules = [ %s ]" % rule, plain, cols, now)[0][1]
