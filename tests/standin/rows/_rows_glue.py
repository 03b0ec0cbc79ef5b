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
DOC (ChoiceType, toDF): a field whose values have different types in
  different records is a ChoiceType; DynamicFrame.toDF() turns an
  unresolved choice into a STRUCT with one field per type, named by the
  type ("int", "string", ...), the record's value in its own type's field
  and NULL in the others -- the make_struct resolution, which is what
  ResolveChoice documents for make_struct:
  https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ResolveChoice.html
  (cast:T, make_cols -> columnA_int/columnA_string, make_struct, project:T).
DOC (bookmarks): https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html
  state is kept per job and transformation_ctx; for S3 "job bookmarks track
  the files processed"; and
  https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html :
  "job.init ... and the job.commit ... initialize the bookmark service and
  update the state change to the service": a run that fails before job.commit() reads the same files
  again on its retry. Not supported for JDBC sampleQuery sources here
  (pipec uses its own watermark there).
"""
import datetime
import json
import re
import sys

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


class DynamicFrame:
    """Records (dicts) + field order; types computed from the records."""
    def __init__(self, records, fields, glue_ctx=None, name=""):
        self._records = records
        self._fields = fields          # field names in first-seen order
        self._choices = {}             # field -> resolution already applied
        self.glue_ctx = glue_ctx
        self.name = name
        self._df = None

    @classmethod
    def fromDF(cls, dataframe, glue_ctx, name):
        d = cls([], [], glue_ctx, name)
        d._df = dataframe
        return d

    @classmethod
    def from_records(cls, records, glue_ctx=None, name=""):
        fields = []
        for r in records:
            for k in r:
                if k not in fields:
                    fields.append(k)
        return cls(records, fields, glue_ctx, name)

    def _types(self, f):
        return sorted({_glue_type(r.get(f)) for r in self._records} - {"null"})

    def count(self):
        return self._df.count() if self._df is not None else len(self._records)

    def toDF(self, options=None):
        if self._df is not None:
            return self._df
        cols, conv = [], []
        for f in self._fields:
            ts = self._types(f)
            if len(ts) > 1:
                # Unresolved ChoiceType -> struct<type: value, ...>.
                st = ("struct", [(t, _spark_of(t)) for t in ts])
                cols.append((f, st))
                conv.append(lambda v, ts=ts: None if v is None else
                            {t: (_to_spark(v) if _glue_type(v) == t else None) for t in ts})
            else:
                t = _spark_of(ts[0]) if ts else "string"
                cols.append((f, t))
                conv.append(_to_spark)
        rows = [[c(r.get(f)) for f, c in zip(self._fields, conv)] for r in self._records]
        return R.DataFrame(R.Frame(cols, rows), R.SESSION)

    def resolveChoice(self, specs=None, choice="", database=None, table_name=None,
                      transformation_ctx="", info="", stageThreshold=0, totalThreshold=0,
                      catalog_id=None):
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
        return DynamicFrame(recs, fields, self.glue_ctx, self.name)

    def schema(self):
        return self.toDF().schema


def _spark_of(t):
    return _SPARK.get(t, "string") if t not in ("struct", "array") else \
        ("struct", []) if t == "struct" else ("array", "string")


def _to_spark(v):
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
            return self._rows_of(opts.get("dbtable") or opts.get("query"))[0]
        if ct == "bigquery":
            return self._rows_of(opts.get("table") or opts.get("query"))[0]
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
        fr = R.SESSION.catalog.frame("%s.%s" % (database, table_name), "from_catalog")
        recs = [dict(zip([n for n, _ in fr.columns], r)) for r in fr.rows]
        if push_down_predicate:
            recs = [r for r in recs if _eval_pred(push_down_predicate, r)]
        d = DynamicFrame(recs, [n for n, _ in fr.columns], self._ctx)
        d._df = R.DataFrame(R.Frame(fr.columns, [[r[n] for n, _ in fr.columns] for r in recs]),
                            R.SESSION)
        return d

    def _rows_of(self, name):
        src = R.SESSION.catalog.sources.get(R.Catalog.key(name)) or \
            R.SESSION.catalog.sources.get(name)
        if src is None:
            raise RuntimeError("standin rows: no source table %s in sources.json" % name)
        cols = [(n, R.parse_type(t)) for n, t in src["columns"]]
        rows = [[R.from_json_value(r.get(n), t) for n, t in cols] for r in src.get("rows", [])]
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
        if opts.get("enablePartitioningForSampleQuery") == "true":
            if not re.search(r"(?i)\b(WHERE|AND)\s*$", q):
                raise RuntimeError("sampleQuery must end with WHERE or AND when "
                                   "enablePartitioningForSampleQuery is true")
            q = re.sub(r"(?i)\s*\b(WHERE|AND)\s*$", "", q)
        m = re.match(r"(?is)^SELECT\s+\*\s+FROM\s+(.+?)(?:\s+WHERE\s+(.*))?$", q)
        if not m:
            raise RuntimeError("standin rows: sampleQuery not modelled: %s" % q)
        df, cols, rows = self._rows_of(m.group(1).strip())
        if m.group(2):
            names = [n for n, _ in cols]
            keep = [r for r in rows if _eval_pred(m.group(2), dict(zip(names, r)))]
            df = _df_frame(R.Frame(cols, keep), self._ctx)
        R.REPORT["rows_read"] = df.count()
        return df

    def _s3(self, opts, fmt, fo, ctx):
        objects = R._load("s3.json", {})
        job = Job.current
        done = set()
        if ctx and job is not None and job.bookmarks_on:
            done = set(job.state.get(ctx, []))
        recs, read = [], []
        for prefix in opts.get("paths", []):
            pfx = prefix if prefix.endswith("/") else prefix + "/"
            for key, content in objects.items():
                if key != prefix and not key.startswith(pfx):
                    continue
                rest = key[len(pfx):]
                if "/" in rest and not opts.get("recurse"):
                    continue
                if key in done:
                    continue
                read.append(key)
                if fmt == "csv":
                    recs += _parse_csv(content, fo or {})
                elif fmt in ("json", "jsonl"):
                    recs += _parse_json(content)
                else:
                    raise RuntimeError("standin rows: format %s not modelled" % fmt)
        if ctx and job is not None:
            job.pending.setdefault(ctx, []).extend(read)
        R.REPORT.setdefault("files_read", []).extend(read)
        return DynamicFrame.from_records(recs, self._ctx)


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
        raise RuntimeError("standin rows: write_dynamic_frame.from_options (%s) is not "
                           "modelled (Redshift targets are left out)" % connection_type)


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
    """Evaluates the DQDL rules pipec writes on the rows (IsComplete,
    IsUnique, ColumnValues with comparisons / in [...], RowCountMatch
    "source"); any other rule type Passes (not modelled).
    DOC: DQDL reference, https://docs.aws.amazon.com/glue/latest/dg/dqdl.html :
      ColumnValues rules fail rows whose value is NULL unless the rule
      says `or NULL` ... (modelled: a NULL fails comparisons and `in`),
      IsComplete = no NULL, IsUnique = no duplicate non-NULL value."""
    def process_rows(self, frame, ruleset, publishing_options={}, additional_options={},
                     additional_data_sources={}):
        df = frame.toDF()
        rows = [dict(zip(df.columns, r)) for r in df._f.rows]
        outcomes = []
        for rule in _rules(ruleset):
            ok = _check_rule(rule, rows, additional_data_sources, len(rows))
            outcomes.append([rule, "Passed" if ok else "Failed", "" if ok else "rule failed"])
        fr = R.Frame([("Rule", "string"), ("Outcome", "string"), ("FailureReason", "string")],
                     outcomes)
        return DynamicFrameCollection({"ruleOutcomes": _df_frame(fr, None)})


def _rules(text):
    m = re.search(r"(?s)Rules\s*=\s*\[(.*)\]", text)
    if not m:
        return []
    return [r.strip() for r in re.split(r",\s*\n", m.group(1)) if r.strip()]


def _getv(row, c):
    for k, v in row.items():
        if k.lower() == c.lower():
            return v
    return None


def _check_rule(rule, rows, extra, n):
    m = re.match(r'^IsComplete\s+"([^"]+)"$', rule)
    if m:
        return all(_getv(r, m.group(1)) is not None for r in rows)
    m = re.match(r'^IsUnique\s+"([^"]+)"$', rule)
    if m:
        vals = [R._hashable(_getv(r, m.group(1))) for r in rows]
        vals = [v for v in vals if v is not None]
        return len(vals) == len(set(vals))
    m = re.match(r'^RowCountMatch\s+"(\w+)"\s*=\s*([\d.]+)$', rule)
    if m:
        other = extra.get(m.group(1))
        cnt = other.count() if other is not None else 0
        return (n / cnt if cnt else 1.0) == float(m.group(2))
    m = re.match(r'^ColumnValues\s+"([^"]+)"\s+(>=|<=|>|<|=|!=)\s*(-?[\d.]+)$', rule)
    if m:
        lim = float(m.group(3))
        ops = {">=": lambda a: a >= lim, "<=": lambda a: a <= lim, ">": lambda a: a > lim,
               "<": lambda a: a < lim, "=": lambda a: a == lim, "!=": lambda a: a != lim}
        return all(_getv(r, m.group(1)) is not None and ops[m.group(2)](float(_getv(r, m.group(1))))
                   for r in rows)
    m = re.match(r'^ColumnValues\s+"([^"]+)"\s+in\s+\[(.*)\]$', rule)
    if m:
        allowed = [x.strip().strip('"') for x in m.group(2).split(",")]
        return all(R.to_string(_getv(r, m.group(1))) in allowed for r in rows)
    return True
