"""Row-level ("data") mode of pipec's awsglue/pyspark stand-in.

The schema-level stand-in (tests/standin) checks calls; this module holds
real rows so a sequence of runs of a generated job.py can be checked by the
final contents of its target table. It is selected by putting
tests/standin/rows BEFORE tests/standin on PYTHONPATH (its awsglue, awsgluedq
and pyspark packages shadow the schema-level ones) and needs
STANDIN_DATA=/path/to/state-dir; tests/tools/run_rows.py does both.

State directory (every file JSON, every file optional):
  s3.json         {"s3://bucket/key": "file content (CSV or JSON lines)"}
                  Object order = order of the keys (the "last modified" order
                  a bookmark follows).
  sources.json    {"public.orders": {"columns": [["id", "bigint"], ...],
                                     "rows": [{"id": 1, ...}, ...]}}
                  JDBC tables (by the name in sampleQuery), Snowflake dbtable,
                  BigQuery table, DynamoDB table name (from the ARN).
  tables.json     {"db.table": {"format": "iceberg"|"parquet"|"hive",
                                "columns": [["id", "bigint"], ...],
                                "partitions": ["days(ts)", "bucket(16, id)"],
                                "rows": [{...}]}}
                  Catalog tables (keys: the last two parts of the name,
                  lowercase): targets, and Hive/Iceberg source tables.
  bookmarks.json  {"JOB_NAME": {"transformation_ctx": ["s3://...", ...]}}
Values in rows: JSON scalars; date "YYYY-MM-DD", timestamp
"YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC), decimal as a string "12.50".
Each write call (Iceberg commit, insertInto, MERGE) is saved at once
(atomic per call); bookmarks are saved only by job.commit().

Environment:
  STANDIN_DATA   the state directory (required)
  STANDIN_FAIL   before-write | before-commit: raise RuntimeError at the first
                 write call / in job.commit() before anything is committed
                 (a run that dies there; its retry is the next run);
                 s3-call-N: at the Nth changing boto3 S3 call (_rows_files.py).
  STANDIN_OUT    path of a JSON report written at exit: outcome, rows read,
                 log lines.

Every modelled behaviour carries the documentation it follows (DOC: lines),
so a wrong model is visible in review; tests/tools/rows_selftest.py has a
micro-case for each. What is not modelled raises (an unknown SQL statement,
expression, connection type or format) rather than passing silently.
Not modelled: XML/Parquet/Avro/ORC S3 formats, MERGE clause
conditions, DataFreshness and other DQDL rule types pipec does not write
(they Pass).

Cases: tests/behaviour/<case>/ (a pipec project + case.json, a sequence of
runs with the input added before each and the expected target rows after
it), run by tests/tools/behaviour.py in suite 63-behaviour; the format is
described in docs/hacking.md ("Behaviour tests").

Modules: _rows.py (types, casts, Column, DataFrame, windows, aggregates,
catalog, Iceberg/Hive writers, DataFrameWriter.json), _rows_types.py
(pyspark.sql.types: what DataFrame.schema returns), _rows_fn.py
(higher-order, map and JSON functions), _rows_agg.py (the aggregate
functions of groupBy/agg: count, count_distinct, sum, avg, min, max,
min_by, max_by, with Spark's result types), _rows_sql.py (spark.sql: CREATE TABLE,
MERGE INTO, RECOVER PARTITIONS), _rows_files.py (Parquet objects on S3, the
Parquet tables that read them, boto3's S3 client), _rows_glue.py
(GlueContext readers, DynamicFrame, Job bookmarks, getResolvedOptions,
EvaluateDataQuality), _rows_redshift.py
(Redshift targets: preactions, COPY, postactions; watermark queries); the awsglue, awsgluedq,
boto3 and pyspark packages beside them only re-export these.
"""
import atexit
import datetime
import decimal
import json
import os
import re
import sys
import zlib

STATE_DIR = os.environ.get("STANDIN_DATA")
if not STATE_DIR:
    sys.stderr.write("standin rows: STANDIN_DATA is not set\n")
    sys.exit(2)
FAIL = os.environ.get("STANDIN_FAIL", "")
REPORT = {"outcome": "ok", "log": [], "writes": 0}


def text(api, form, value):
    """With STANDIN_TEXTS=1, keeps a text an engine parses in the report's
    "texts" (form "sql": Spark SQL; "redshift": a Redshift action or
    query), for tests/tools/engine_texts.py."""
    if os.environ.get("STANDIN_TEXTS") == "1":
        REPORT.setdefault("texts", []).append({"api": api, "form": form, "text": value})


def _load(name, default):
    p = os.path.join(STATE_DIR, name)
    if not os.path.exists(p):
        return default
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def _save(name, value):
    p = os.path.join(STATE_DIR, name)
    tmp = p + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, sort_keys=True, default=str)
        f.write("\n")
    os.replace(tmp, p)


def _report():
    out = os.environ.get("STANDIN_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(REPORT, f, indent=1, default=str)


atexit.register(_report)
_orig_hook = sys.excepthook


def _hook(tp, val, tb):
    REPORT["outcome"] = "fails"
    REPORT["error"] = "%s: %s" % (tp.__name__, val)
    _orig_hook(tp, val, tb)


sys.excepthook = _hook


class AnalysisException(Exception):
    pass


# ================================================================ types

_ALIASES = {"integer": "int", "long": "bigint", "short": "smallint", "byte": "tinyint",
            "real": "float", "bool": "boolean", "varchar": "string", "text": "string",
            "dec": "decimal", "numeric": "decimal", "void": "null"}
INT_RANGE = {"tinyint": 8, "smallint": 16, "int": 32, "bigint": 64}


def parse_type(text):
    """'decimal(10,2)' -> ('decimal', 10, 2); 'array<int>' -> ('array', 'int');
    'struct<a: int, b: string>' -> ('struct', [('a', 'int'), ...])."""
    t, rest = _ptype(text.strip())
    if rest.strip():
        raise AnalysisException("[PARSE_SYNTAX_ERROR] cannot parse data type %r" % text)
    return t


def _ptype(s):
    s = s.lstrip()
    m = re.match(r"[A-Za-z_]+", s)
    if not m:
        raise AnalysisException("[PARSE_SYNTAX_ERROR] cannot parse data type %r" % s)
    name = _ALIASES.get(m.group(0).lower(), m.group(0).lower())
    s = s[m.end():].lstrip()
    if name == "decimal":
        dm = re.match(r"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)", s)
        if dm:
            return ("decimal", int(dm.group(1)), int(dm.group(2) or 0)), s[dm.end():]
        return ("decimal", 10, 0), s
    if name in ("array", "map", "struct"):
        if not s.startswith("<"):
            raise AnalysisException("[PARSE_SYNTAX_ERROR] %s needs <...>" % name)
        s = s[1:]
        if name == "array":
            et, s = _ptype(s)
            s = s.lstrip()[1:]
            return ("array", et), s
        if name == "map":
            kt, s = _ptype(s)
            s = s.lstrip()[1:]
            vt, s = _ptype(s)
            s = s.lstrip()[1:]
            return ("map", kt, vt), s
        fields = []
        while True:
            s = s.lstrip()
            if s.startswith(">"):
                return ("struct", fields), s[1:]
            # DOC: Spark SQL identifiers (sql-ref-identifier.html, 3.5.4): a
            #   field name that is not an identifier is back-quoted, a
            #   backquote in it doubled; a bare one is a syntax error.
            fm = re.match(r"(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)\s*:?\s*", s)
            if not fm:
                raise AnalysisException("[PARSE_SYNTAX_ERROR] cannot parse struct field %r" % s)
            ft, s = _ptype(s[fm.end():])
            name = fm.group(1)
            if name.startswith("`"):
                name = name[1:-1].replace("``", "`")
            fields.append((name, ft))
            s = s.lstrip()
            if s.startswith(","):
                s = s[1:]
    return name, s


def type_sql(t):
    if isinstance(t, str):
        return t.upper()
    if t[0] == "decimal":
        return "DECIMAL(%d,%d)" % (t[1], t[2])
    if t[0] == "array":
        return "ARRAY<%s>" % type_sql(t[1])
    if t[0] == "map":
        return "MAP<%s, %s>" % (type_sql(t[1]), type_sql(t[2]))
    return "STRUCT<%s>" % ", ".join("%s: %s" % (_field_sql(n), type_sql(ft)) for n, ft in t[1])


def _field_sql(name):
    """A struct field name as Spark's catalogString writes it (quoteIfNeeded)."""
    if re.match(r"[A-Za-z_][A-Za-z0-9_]*$", name):
        return name
    return "`" + name.replace("`", "``") + "`"


def type_text(t):
    return type_sql(t).lower()


# ================================================================ casts
# DOC: Spark 3.5 ANSI compliance, https://spark.apache.org/docs/3.5.0/sql-ref-ansi-compliance.html
#   spark.sql.ansi.enabled defaults to false in Spark 3.5 (Glue 5.1 runs
#   Spark 3.5; pipec's --conf does not set it) -- with ANSI off,
#   an invalid cast input returns NULL instead of failing ("Spark will throw
#   an exception at runtime instead of returning null results" is the ANSI
#   ON behaviour), and integral overflow wraps around.
# DOC: Spark 3.5 SQL reference, Data Types / Cast
#   (https://spark.apache.org/docs/3.5.0/sql-ref-datatypes.html,
#   https://spark.apache.org/docs/3.5.0/sql-ref-datetime-pattern.html) and the
#   Cast expression (org.apache.spark.sql.catalyst.expressions.Cast, Spark
#   3.5): string->integral trims spaces and truncates a fraction ("1.9" -> 1);
#   string->decimal rounds HALF_UP to the scale and gives NULL when the
#   precision overflows; string->date accepts `yyyy`, `yyyy-[m]m`,
#   `yyyy-[m]m-[d]d` optionally followed by ' ' or 'T' and anything;
#   string->timestamp accepts those plus `[h]h:[m]m[:[s]s[.f...]]` and a zone
#   (Z, UTC, +hh:mm); numbers->timestamp are seconds since the epoch;
#   struct->struct casts field BY POSITION (names come from the target type;
#   the field counts must be equal, else DATATYPE_MISMATCH at analysis).

EPOCH = datetime.datetime(1970, 1, 1)
_DATE_RE = re.compile(r"^([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?$")
_TS_RE = re.compile(r"^([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})"
                    r"(?:[ T](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?)?)?)?"
                    r"\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$", re.I)


def _str_to_date(s):
    m = _DATE_RE.match(s.strip())
    if not m:
        return None
    try:
        return datetime.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def _str_to_ts(s):
    m = _TS_RE.match(s.strip())
    if not m:
        return None
    try:
        frac = (m.group(7) or "0")[:6].ljust(6, "0")
        v = datetime.datetime(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1),
                              int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0),
                              int(frac))
    except ValueError:
        return None
    z = m.group(8)
    if z and z.upper() not in ("Z", "UTC"):
        zm = re.match(r"([+-])(\d{1,2}):?(\d{2})?", z)
        off = datetime.timedelta(hours=int(zm.group(2)), minutes=int(zm.group(3) or 0))
        v = v - off if zm.group(1) == "+" else v + off
    return v  # session time zone UTC (Glue's default)


def _wrap(n, bits):
    n &= (1 << bits) - 1
    return n - (1 << bits) if n >= 1 << (bits - 1) else n


def to_string(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        s = v.strftime("%Y-%m-%d %H:%M:%S")
        if v.microsecond:
            s += (".%06d" % v.microsecond).rstrip("0")
        return s
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, dict):
        return "{" + ", ".join("null" if x is None else to_string(x) for x in v.values()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join("null" if x is None else to_string(x) for x in v) + "]"
    return str(v)


def cast_value(v, t):
    if v is None:
        return None
    if isinstance(t, str):
        if t == "string":
            return to_string(v)
        if t in INT_RANGE:
            bits = INT_RANGE[t]
            if isinstance(v, bool):
                return int(v)
            if isinstance(v, str):
                s = v.strip()
                if not re.match(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", s):
                    return None
                n = int(decimal.Decimal(s))
                return n if -(1 << (bits - 1)) <= n < (1 << (bits - 1)) else None
            if isinstance(v, datetime.datetime):
                return _wrap(int((v - EPOCH).total_seconds() // 1), bits)
            if isinstance(v, datetime.date):
                return None
            if isinstance(v, float):
                if v != v:
                    return 0
                lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
                return max(lo, min(hi, int(v)))
            if isinstance(v, (int, decimal.Decimal)):
                return _wrap(int(v), bits)
            return None
        if t in ("float", "double"):
            if isinstance(v, str):
                s = v.strip().lower()
                if s in ("nan",):
                    return float("nan")
                if s in ("inf", "infinity", "+inf", "+infinity"):
                    return float("inf")
                if s in ("-inf", "-infinity"):
                    return float("-inf")
                try:
                    return float(s) if re.match(r"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?[df]?$", s) \
                        else None
                except ValueError:
                    return None
            if isinstance(v, datetime.datetime):
                return (v - EPOCH).total_seconds()
            if isinstance(v, (int, float, decimal.Decimal, bool)):
                return float(v)
            return None
        if t == "boolean":
            if isinstance(v, str):
                s = v.strip().lower()
                if s in ("t", "true", "y", "yes", "1"):
                    return True
                if s in ("f", "false", "n", "no", "0"):
                    return False
                return None
            if isinstance(v, (int, float, decimal.Decimal)):
                return v != 0
            return None
        if t == "date":
            if isinstance(v, datetime.datetime):
                return v.date()
            if isinstance(v, datetime.date):
                return v
            if isinstance(v, str):
                return _str_to_date(v)
            return None
        if t == "timestamp":
            if isinstance(v, datetime.datetime):
                return v
            if isinstance(v, datetime.date):
                return datetime.datetime(v.year, v.month, v.day)
            if isinstance(v, str):
                return _str_to_ts(v)
            if isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool):
                return EPOCH + datetime.timedelta(seconds=float(v))
            return None
        if t == "binary":
            return v.encode() if isinstance(v, str) else v
        if t == "null":
            return None
        return v
    if t[0] == "decimal":
        p, s = t[1], t[2]
        try:
            if isinstance(v, bool):
                d = decimal.Decimal(int(v))
            elif isinstance(v, str):
                d = decimal.Decimal(v.strip())
            elif isinstance(v, float):
                d = decimal.Decimal(repr(v))
            elif isinstance(v, (int, decimal.Decimal)):
                d = decimal.Decimal(v)
            else:
                return None
        except decimal.InvalidOperation:
            return None
        if not d.is_finite():
            return None
        d = d.quantize(decimal.Decimal(1).scaleb(-s), rounding=decimal.ROUND_HALF_UP)
        if len(d.as_tuple().digits) - max(0, -d.as_tuple().exponent) > p - s and d != 0:
            return None
        return d
    if t[0] == "struct":
        vals = list(v.values()) if isinstance(v, dict) else None
        if vals is None or len(vals) != len(t[1]):
            return None
        return {n: cast_value(x, ft) for (n, ft), x in zip(t[1], vals)}
    if t[0] == "array":
        return [cast_value(x, t[1]) for x in v] if isinstance(v, list) else None
    if t[0] == "map":
        return {cast_value(k, t[1]): cast_value(x, t[2]) for k, x in v.items()} \
            if isinstance(v, dict) else None
    return v


def check_cast(src, dst, expr):
    """Analysis-time check of CAST(src AS dst) (Spark's Cast.canCast): a
    NULL literal casts to any type."""
    if src is None or src == "null":
        return
    def bad():
        raise AnalysisException(
            '[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "CAST(%s AS %s)" due '
            'to data type mismatch: cannot cast "%s" to "%s".'
            % (expr, type_sql(dst), type_sql(src), type_sql(dst)))
    sc = isinstance(src, tuple) and src[0] in ("struct", "array", "map")
    dc = isinstance(dst, tuple) and dst[0] in ("struct", "array", "map")
    if sc or dc:
        if dst == "string" and sc:
            return
        if not (sc and dc and src[0] == dst[0]):
            bad()
        if src[0] == "struct":
            if len(src[1]) != len(dst[1]):
                bad()
            for (_, a), (_, b) in zip(src[1], dst[1]):
                check_cast(a, b, expr)
        elif src[0] == "array":
            check_cast(src[1], dst[1], expr)


def value_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "int" if -(1 << 31) <= v < (1 << 31) else "bigint"
    if isinstance(v, float):
        return "double"
    if isinstance(v, decimal.Decimal):
        return ("decimal", 38, 18)
    if isinstance(v, datetime.datetime):
        return "timestamp"
    if isinstance(v, datetime.date):
        return "date"
    if isinstance(v, dict):
        return ("struct", [(k, value_type(x)) for k, x in v.items()])
    if isinstance(v, list):
        ts = [value_type(x) for x in v if x is not None]
        return ("array", ts[0] if ts else "null")
    return "string"


def from_json_value(v, t):
    """A value of the state files (JSON) as a value of type t."""
    if v is None:
        return None
    if isinstance(t, str) and t in ("timestamp", "date") or \
            isinstance(t, tuple) and t[0] == "decimal":
        return cast_value(v, t)
    if isinstance(t, tuple) and t[0] == "struct" and isinstance(v, dict):
        return {n: from_json_value(v.get(n), ft) for n, ft in t[1]}
    if isinstance(t, tuple) and t[0] == "array" and isinstance(v, list):
        return [from_json_value(x, t[1]) for x in v]
    if isinstance(t, tuple) and t[0] == "map" and isinstance(v, dict):
        return {k: from_json_value(x, t[2]) for k, x in v.items()}
    return v


def to_json_value(v):
    if isinstance(v, (datetime.date, datetime.datetime, decimal.Decimal)):
        return to_string(v)
    if isinstance(v, dict):
        return {k: to_json_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_json_value(x) for x in v]
    return v


# ================================================================ rows

class Row(tuple):
    """pyspark.sql.Row: a tuple with field names (row[0], row["name"], row.name)."""
    def __new__(cls, names, values):
        r = tuple.__new__(cls, values)
        r._names = list(names)
        return r

    def __getitem__(self, k):
        if isinstance(k, str):
            for i, n in enumerate(self._names):
                if n.lower() == k.lower():
                    return tuple.__getitem__(self, i)
            raise KeyError(k)
        return tuple.__getitem__(self, k)

    def __getattr__(self, k):
        if k.startswith("_"):
            raise AttributeError(k)
        try:
            return self[k]
        except KeyError:
            raise AttributeError(k) from None

    def asDict(self):
        return dict(zip(self._names, self))


def unresolved(name, columns):
    # DOC: Spark 3.5 error classes, UNRESOLVED_COLUMN.WITH_SUGGESTION
    #   (https://spark.apache.org/docs/3.5.0/sql-error-conditions-unresolved-column-error-class.html):
    #   "A column or function parameter with name <objectName> cannot be
    #   resolved. Did you mean one of the following? [<proposal>]." Raised at
    #   analysis time, i.e. by select()/filter() themselves.
    return AnalysisException(
        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
        "`%s` cannot be resolved. Did you mean one of the following? [%s]."
        % (name, ", ".join("`%s`" % c for c in columns)))


def strip_name(name):
    parts = re.findall(r"`[^`]*`|[^.]+", name)
    return [p.strip("`") for p in parts]


class Frame:
    """Columns [(name, type)] + rows (lists in column order)."""
    def __init__(self, columns, rows):
        self.columns = list(columns)
        # A FileRow stays one (input_file_name).
        self.rows = [file_row(r, r.input_file) if isinstance(r, FileRow) else list(r)
                     for r in rows]

    def index(self, name):
        # spark.sql.caseSensitive=false (default): names resolve case-insensitively.
        parts = strip_name(name)
        want = parts[-1].lower()
        hits = [i for i, (n, _) in enumerate(self.columns) if n.lower() == want]
        if len(parts) > 1 and not hits:
            # a.b where a is a struct column
            pass
        if not hits:
            raise unresolved(".".join(parts), [n for n, _ in self.columns])
        return hits[0]


# ================================================================ columns

class Column:
    """An expression: resolve(frame) -> (fn(row list) -> value, type, name)."""
    def __init__(self, resolve, sql, window=None, agg=None):
        self._resolve = resolve
        self._sql = sql
        self._window = window     # (partition cols, order specs) for row_number
        self._agg = agg           # (fn over a list of values, arg column)
        self._desc = False
        self._nulls_last = None
        self._fn_name = None

    def __repr__(self):
        return "Column<'%s'>" % self._sql

    # -- building
    def _bin(self, other, op, sql, out_type="boolean"):
        o = _to_col(other)

        def res(fr):
            f1, t1, _ = self._resolve(fr)
            f2, t2, _ = o._resolve(fr)
            def fn(r):
                a, b = f1(r), f2(r)
                if a is None or b is None:
                    return None
                return op(*_coerce(a, b))
            return fn, out_type if out_type else t1, "(%s %s %s)" % (self._sql, sql, o._sql)
        return Column(res, "(%s %s %s)" % (self._sql, sql, o._sql))

    def __eq__(self, o):
        return self._bin(o, lambda a, b: a == b, "=")

    def __ne__(self, o):
        return self._bin(o, lambda a, b: a != b, "!=")

    def __lt__(self, o):
        return self._bin(o, lambda a, b: a < b, "<")

    def __le__(self, o):
        return self._bin(o, lambda a, b: a <= b, "<=")

    def __gt__(self, o):
        return self._bin(o, lambda a, b: a > b, ">")

    def __ge__(self, o):
        return self._bin(o, lambda a, b: a >= b, ">=")

    def __add__(self, o):
        return self._bin(o, lambda a, b: a + b, "+", None)

    def __sub__(self, o):
        return self._bin(o, lambda a, b: a - b, "-", None)

    def __mul__(self, o):
        return self._bin(o, lambda a, b: a * b, "*", None)

    def __hash__(self):
        return id(self)

    def __bool__(self):
        raise ValueError("Cannot convert column into bool: please use '&' for 'and', '|' for "
                         "'or', '~' for 'not' when building DataFrame boolean expressions.")

    # SQL three-valued logic: NULL AND false = false, NULL OR true = true.
    def __and__(self, o):
        o = _to_col(o)

        def res(fr):
            f1 = self._resolve(fr)[0]
            f2 = o._resolve(fr)[0]
            def fn(r):
                a, b = f1(r), f2(r)
                if a is False or b is False:
                    return False
                if a is None or b is None:
                    return None
                return True
            return fn, "boolean", "(%s AND %s)" % (self._sql, o._sql)
        return Column(res, "(%s AND %s)" % (self._sql, o._sql))

    def __or__(self, o):
        o = _to_col(o)

        def res(fr):
            f1 = self._resolve(fr)[0]
            f2 = o._resolve(fr)[0]
            def fn(r):
                a, b = f1(r), f2(r)
                if a is True or b is True:
                    return True
                if a is None or b is None:
                    return None
                return False
            return fn, "boolean", "(%s OR %s)" % (self._sql, o._sql)
        return Column(res, "(%s OR %s)" % (self._sql, o._sql))

    def __invert__(self):
        def res(fr):
            f = self._resolve(fr)[0]
            return (lambda r: None if f(r) is None else not f(r)), "boolean", "(NOT %s)" % self._sql
        return Column(res, "(NOT %s)" % self._sql)

    def isNull(self):
        def res(fr):
            f = self._resolve(fr)[0]
            return (lambda r: f(r) is None), "boolean", "(%s IS NULL)" % self._sql
        return Column(res, "(%s IS NULL)" % self._sql)

    def isNotNull(self):
        def res(fr):
            f = self._resolve(fr)[0]
            return (lambda r: f(r) is not None), "boolean", "(%s IS NOT NULL)" % self._sql
        return Column(res, "(%s IS NOT NULL)" % self._sql)

    def rlike(self, pattern):
        # DOC: Column.rlike "SQL RLIKE expression (LIKE with Regex)": true
        #   when the regular expression (Java syntax) matches a part of the
        #   value; NULL for NULL.
        rx = re.compile(pattern)

        def res(fr):
            f = self._resolve(fr)[0]
            return (lambda r: None if f(r) is None else bool(rx.search(to_string(f(r))))), \
                "boolean", "RLIKE(%s)" % self._sql
        return Column(res, "RLIKE(%s, %r)" % (self._sql, pattern))

    def isin(self, *vals):
        if len(vals) == 1 and isinstance(vals[0], (list, tuple, set)):
            vals = list(vals[0])

        def res(fr):
            f = self._resolve(fr)[0]
            def fn(r):
                a = f(r)
                if a is None:
                    return None
                return any(_coerce(a, v)[0] == _coerce(a, v)[1] for v in vals)
            return fn, "boolean", "(%s IN (...))" % self._sql
        return Column(res, "(%s IN (...))" % self._sql)

    def cast(self, dataType):
        t = parse_type(dataType) if isinstance(dataType, str) else dataType.internal()
        if hasattr(self._agg, "with_cast"):
            return self._agg.with_cast(self, t)

        def res(fr):
            f, src, name = self._resolve(fr)
            check_cast(src, t, self._sql)
            return (lambda r: cast_value(f(r), t)), t, name
        return Column(res, "CAST(%s AS %s)" % (self._sql, type_sql(t)))

    astype = cast

    def alias(self, *names, **kw):
        new = names[0]

        def res(fr):
            f, t, _ = self._resolve(fr)
            return f, t, new
        c = Column(res, self._sql, self._window, self._agg)
        c._fn_name = self._fn_name
        return c

    name = alias

    def getItem(self, key):
        # DOC: Column.getItem "An expression that gets an item at position
        #   ordinal out of a list, or gets an item by key out of a dict";
        #   a missing key or index is NULL (non-ANSI).
        def res(fr):
            f, t, _ = self._resolve(fr)
            et = t[2] if isinstance(t, tuple) and t[0] == "map" else \
                t[1] if isinstance(t, tuple) and t[0] == "array" else "null"

            def fn(r):
                v = f(r)
                if isinstance(v, dict):
                    return v.get(key)
                if isinstance(v, list) and isinstance(key, int) and 0 <= key < len(v):
                    return v[key]
                return None
            return fn, et, "%s[%r]" % (self._sql, key)
        return Column(res, "%s[%r]" % (self._sql, key))

    def getField(self, field):
        def res(fr):
            f, t, _ = self._resolve(fr)
            ft = None
            if isinstance(t, tuple) and t[0] == "struct":
                names = [n for n, _ in t[1]]
                hit = [x for x in t[1] if x[0].lower() == field.lower()]
                if not hit:
                    raise AnalysisException("[FIELD_NOT_FOUND] No such struct field `%s` in %s."
                                            % (field, ", ".join("`%s`" % n for n in names)))
                ft = hit[0][1]
            return (lambda r: (f(r) or {}).get(hit[0][0]) if f(r) is not None else None), ft, field
        return Column(res, "%s.%s" % (self._sql, field))

    def desc(self):
        return self._order(True, True)

    def desc_nulls_last(self):
        return self._order(True, True)

    def desc_nulls_first(self):
        return self._order(True, False)

    def asc(self):
        return self._order(False, False)

    def asc_nulls_first(self):
        return self._order(False, False)

    def asc_nulls_last(self):
        return self._order(False, True)

    def _order(self, desc, nulls_last):
        # DOC: Spark 3.5 ORDER BY (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-qry-select-orderby.html):
        #   "NULLS FIRST ... default for ascending order; NULLS LAST ... default
        #   for descending order".
        c = Column(self._resolve, self._sql)
        c._desc, c._nulls_last = desc, nulls_last
        return c

    def over(self, window):
        def res(fr):
            return self._resolve(fr)
        c = Column(res, self._sql + " OVER (...)", window=window, agg=self._agg)
        c._fn_name = getattr(self, "_fn_name", None)
        return c

    def otherwise(self, value):
        return self._when_else(_to_col(value))

    def when(self, cond, value):
        return self._when_more(cond, _to_col(value))


def _coerce(a, b):
    """Binary operators compare values of different types the way Spark's
    implicit casts do for the forms scripts use (timestamp vs string,
    number vs decimal)."""
    if isinstance(a, datetime.datetime) and isinstance(b, str):
        return a, _str_to_ts(b)
    if isinstance(b, datetime.datetime) and isinstance(a, str):
        return _str_to_ts(a), b
    if isinstance(a, datetime.datetime) and type(b) is datetime.date:
        return a, datetime.datetime(b.year, b.month, b.day)
    if isinstance(b, datetime.datetime) and type(a) is datetime.date:
        return datetime.datetime(a.year, a.month, a.day), b
    if isinstance(a, decimal.Decimal) and isinstance(b, float):
        return float(a), b
    if isinstance(b, decimal.Decimal) and isinstance(a, float):
        return a, float(b)
    if isinstance(a, str) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return cast_value(a, "double"), b
    return a, b


def _lit(v):
    if isinstance(v, datetime.datetime) and v.tzinfo is not None:
        # PySpark converts an aware datetime to the instant it denotes; shown
        # in the session time zone (UTC here).
        v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    t = value_type(v)
    sql = "NULL" if v is None else to_string(v)
    return Column(lambda fr: ((lambda r: v), t, sql), sql)


def _to_col(v):
    return v if isinstance(v, Column) else _lit(v)


def col(name):
    if isinstance(name, Column):
        return name

    def res(fr):
        parts = strip_name(name)
        if parts == ["*"]:
            raise AnalysisException("* is handled by select")
        try:
            i = fr.index(parts[0]) if len(parts) > 1 else fr.index(name)
        except AnalysisException:
            raise unresolved(".".join(parts), [n for n, _ in fr.columns]) from None
        t = fr.columns[i][1]
        if len(parts) > 1 and isinstance(t, tuple) and t[0] == "struct":
            fld = [x for x in t[1] if x[0].lower() == parts[1].lower()]
            if not fld:
                raise unresolved(".".join(parts), [n for n, _ in fr.columns])
            return (lambda r: (r[i] or {}).get(fld[0][0]) if r[i] is not None else None), \
                fld[0][1], fld[0][0]
        return (lambda r: r[i]), t, fr.columns[i][0]
    return Column(res, name.strip("`"))


def _when_chain(branches, default):
    sql = "CASE %s END" % " ".join("WHEN %s THEN %s" % (c._sql, v._sql) for c, v in branches)

    def res(fr):
        rs = [(c._resolve(fr)[0], v._resolve(fr)) for c, v in branches]
        d = default._resolve(fr) if default is not None else None
        t = next((x[1][1] for x in rs if x[1][1] != "null"), d[1] if d else "null")
        def fn(r):
            for cf, (vf, _, _) in rs:
                if cf(r) is True:
                    return vf(r)
            return d[0](r) if d else None
        return fn, t, sql
    c = Column(res, sql)
    c._branches = branches
    return c


def _when_else(self, value):
    return _when_chain(self._branches, value)


def _when_more(self, cond, value):
    return _when_chain(self._branches + [(cond, value)], None)


Column._when_else = _when_else
Column._when_more = _when_more


# ================================================================ frames

def _sort_key(v):
    # A total order over the values of one column (None handled by callers).
    if isinstance(v, bool):
        return (0, int(v))
    if isinstance(v, (int, float, decimal.Decimal)):
        return (0, v)
    if isinstance(v, (datetime.datetime, datetime.date)):
        return (1, v.isoformat())
    return (2, str(v))


class DataFrame:
    def __init__(self, frame, session=None):
        self._f = frame
        self.sparkSession = session

    # -- inspection
    @property
    def columns(self):
        return [n for n, _ in self._f.columns]

    @property
    def dtypes(self):
        return [(n, type_text(t)) for n, t in self._f.columns]

    def count(self):
        return len(self._f.rows)

    def collect(self):
        return [Row(self.columns, r) for r in self._f.rows]

    def first(self):
        rows = self.collect()
        return rows[0] if rows else None

    def head(self, n=None):
        rows = self.collect()
        return (rows[0] if rows else None) if n is None else rows[:n]

    def take(self, n):
        return self.collect()[:n]

    def isEmpty(self):
        return not self._f.rows

    def persist(self, storageLevel=None):
        return self

    cache = persist

    def unpersist(self, blocking=False):
        return self

    def printSchema(self):
        pass

    # -- transformations
    def _exprs(self, cols):
        out = []
        for c in cols:
            if isinstance(c, (list, tuple)):
                out += self._exprs(c)
            elif isinstance(c, str) and c == "*":
                out += [col("`%s`" % n) for n in self.columns]
            else:
                out.append(col(c) if isinstance(c, str) else c)
        return out

    def select(self, *cols):
        exprs = self._exprs(cols)
        if any(e._agg for e in exprs):
            return self.agg(*exprs)
        resolved = [e._resolve(self._f) for e in exprs]
        wins = [e for e in exprs if e._window is not None]
        if wins:
            return self._window_select(exprs, resolved)
        rows = [[f(r) for f, _, _ in resolved] for r in self._f.rows]
        return DataFrame(Frame([(n, t) for _, t, n in resolved], rows), self.sparkSession)

    def _window_select(self, exprs, resolved):
        cols = []
        vals = [[None] * len(exprs) for _ in self._f.rows]
        for j, (e, (f, t, n)) in enumerate(zip(exprs, resolved)):
            if e._window is None:
                for i, r in enumerate(self._f.rows):
                    vals[i][j] = f(r)
                cols.append((n, t))
                continue
            # row_number() over (partition by ... order by ...)
            w = e._window
            pfs = [c._resolve(self._f)[0] for c in w._partition]
            groups = {}
            for i, r in enumerate(self._f.rows):
                groups.setdefault(tuple(_hashable(pf(r)) for pf in pfs), []).append(i)
            okeys = [c._resolve(self._f)[0] for c in w._order]
            for idxs in groups.values():
                idxs = _sort_indices(self._f, idxs, w._order)
                prev = None
                for pos, i in enumerate(idxs, 1):
                    # DOC: rank() "computes the rank of a value in a group of
                    #   values ... (ties get the same rank, with gaps)";
                    #   row_number() numbers rows 1, 2, ... within the
                    #   window partition (Spark 3.5 SQL built-in window
                    #   functions, https://spark.apache.org/docs/3.5.0/sql-ref-syntax-qry-select-window.html).
                    key = tuple(_hashable(f(self._f.rows[i])) for f in okeys)
                    if e._fn_name == "rank" and prev is not None and key == prev[0]:
                        vals[i][j] = prev[1]
                    else:
                        vals[i][j] = pos
                    prev = (key, vals[i][j])
            cols.append((n, "int"))
        return DataFrame(Frame(cols, vals), self.sparkSession)

    def withColumn(self, colName, col_):
        names = self.columns
        exprs = []
        replaced = False
        for n in names:
            if n.lower() == colName.lower():
                exprs.append(col_.alias(colName))
                replaced = True
            else:
                exprs.append(col("`%s`" % n))
        if not replaced:
            exprs.append(col_.alias(colName))
        return self.select(*exprs)

    def withColumnRenamed(self, existing, new):
        return self.select(*[col("`%s`" % n).alias(new if n.lower() == existing.lower() else n)
                             for n in self.columns])

    def drop(self, *cols):
        gone = {(c if isinstance(c, str) else c._sql).strip("`").lower() for c in cols}
        return self.select(*[col("`%s`" % n) for n in self.columns if n.lower() not in gone])

    def filter(self, condition):
        if isinstance(condition, str):
            condition = expr(condition)
        f = condition._resolve(self._f)[0]
        # WHERE keeps a row only when the condition is TRUE (NULL drops it).
        return DataFrame(Frame(self._f.columns, [r for r in self._f.rows if f(r) is True]),
                         self.sparkSession)

    where = filter

    def dropDuplicates(self, subset=None):
        idx = [self._f.index(c) for c in subset] if subset else list(range(len(self.columns)))
        seen, rows = set(), []
        for r in self._f.rows:
            k = tuple(_hashable(r[i]) for i in idx)
            if k not in seen:
                seen.add(k)
                rows.append(r)
        return DataFrame(Frame(self._f.columns, rows), self.sparkSession)

    drop_duplicates = dropDuplicates

    def distinct(self):
        return self.dropDuplicates()

    def orderBy(self, *cols):
        specs = self._exprs(cols)
        idxs = _sort_indices(self._f, list(range(len(self._f.rows))), specs)
        return DataFrame(Frame(self._f.columns, [self._f.rows[i] for i in idxs]),
                         self.sparkSession)

    sort = orderBy

    def limit(self, n):
        return DataFrame(Frame(self._f.columns, self._f.rows[:n]), self.sparkSession)

    def union(self, other):
        # DOC: DataFrame.union "resolves columns by position (not by name)",
        #   https://spark.apache.org/docs/3.5.0/api/python/reference/pyspark.sql/api/pyspark.sql.DataFrame.union.html
        if len(other.columns) != len(self.columns):
            raise AnalysisException(
                "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same "
                "number of columns, but the first input has %d columns and the second input "
                "has %d columns." % (len(self.columns), len(other.columns)))
        return DataFrame(Frame(self._f.columns, self._f.rows + other._f.rows), self.sparkSession)

    unionAll = union

    def unionByName(self, other, allowMissingColumns=False):
        # DOC: DataFrame.unionByName resolves columns by name; missing
        #   columns fail unless allowMissingColumns (then NULL),
        #   https://spark.apache.org/docs/3.5.0/api/python/reference/pyspark.sql/api/pyspark.sql.DataFrame.unionByName.html
        mine = [c.lower() for c in self.columns]
        theirs = [c.lower() for c in other.columns]
        extra = [n for n in other.columns if n.lower() not in mine]
        if not allowMissingColumns:
            for n in self.columns:
                if n.lower() not in theirs:
                    raise unresolved(n, other.columns)
            if extra:
                raise unresolved(extra[0], self.columns)
        left = self.select(*([col("`%s`" % n) for n in self.columns]
                             + [_lit(None).alias(n) for n in extra]))
        right = other.select(*([col("`%s`" % n) if n.lower() in theirs else _lit(None).alias(n)
                                for n in self.columns] + [col("`%s`" % n) for n in extra]))
        return DataFrame(Frame(left._f.columns, left._f.rows + right._f.rows), self.sparkSession)

    def join(self, other, on=None, how=None):
        # DOC: DataFrame.join(other, on=None, how=None): "on: str, list or
        #   Column ... a join expression (Column)"; "how: str, optional,
        #   default inner. Must be one of: inner, cross, outer, full, ...,
        #   left, leftouter, left_outer, ..."
        #   (https://spark.apache.org/docs/3.5.0/api/python/reference/pyspark.sql/api/pyspark.sql.DataFrame.join.html).
        #   Modelled: a Column condition, how inner or left; anything else
        #   is an error here, never a guess.
        # DOC: a row pair joins when the condition is TRUE: "=" is NULL when
        #   an operand is NULL, and a NULL condition is not a match (Spark
        #   SQL "NULL Semantics", comparison operators and "Join"
        #   conditions: https://spark.apache.org/docs/3.5.0/sql-ref-null-semantics.html).
        #   A left (outer) join "returns all values from the left relation
        #   and the matched values from the right relation, or appends NULL
        #   if there is no match"; an inner join "returns rows that have
        #   matching values in both relations"; each matching row of the
        #   right relation gives one output row
        #   (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-qry-select-join.html).
        if not isinstance(on, Column):
            raise NotImplementedError("standin rows: DataFrame.join on %r is not modelled"
                                      % (on,))
        kind = (how or "inner").lower().replace("_", "")
        if kind not in ("inner", "left", "leftouter"):
            raise NotImplementedError("standin rows: DataFrame.join how=%r is not modelled" % how)
        # ASSUMPTION: Spark keeps both columns of a name met on both sides
        #   and fails a later reference to it ([AMBIGUOUS_REFERENCE]); the
        #   model refuses the join itself, which is stricter.
        mine = {n.lower() for n, _ in self._f.columns}
        both = [n for n, _ in other._f.columns if n.lower() in mine]
        if both:
            raise AnalysisException("[AMBIGUOUS_REFERENCE] Reference `%s` is ambiguous "
                                    "(a column of both sides of the join)" % both[0])
        cols = self._f.columns + other._f.columns
        cond = on._resolve(Frame(cols, []))[0]
        rows = []
        for left in self._f.rows:
            hits = [list(left) + list(right) for right in other._f.rows
                    if cond(list(left) + list(right)) is True]
            if not hits and kind != "inner":
                hits = [list(left) + [None] * len(other._f.columns)]
            for r in hits:
                rows.append(file_row(r, left.input_file) if isinstance(left, FileRow) else r)
        return DataFrame(Frame(cols, rows), self.sparkSession)

    def groupBy(self, *cols):
        return GroupedData(self, self._exprs(cols))

    groupby = groupBy

    def agg(self, *exprs):
        return GroupedData(self, []).agg(*exprs)

    def alias(self, name):
        return self

    def createOrReplaceTempView(self, name):
        SESSION.views[name.lower()] = self

    createTempView = createOrReplaceTempView

    def toDF(self, *names):
        if not names:
            return self
        return self.select(*[col("`%s`" % n).alias(m) for n, m in zip(self.columns, names)])

    def writeTo(self, table):
        return DataFrameWriterV2(self, table)

    @property
    def write(self):
        return DataFrameWriter(self)

    @property
    def schema(self):
        import _rows_types
        return _rows_types.from_internal(("struct", self._f.columns))


def _hashable(v):
    if isinstance(v, dict):
        return tuple((k, _hashable(x)) for k, x in v.items())
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    return v


def _sort_indices(frame, idxs, specs):
    import functools
    fns = [(c._resolve(frame)[0], c._desc, c._nulls_last if c._nulls_last is not None
            else c._desc) for c in specs]

    def cmp(i, j):
        a, b = frame.rows[i], frame.rows[j]
        for f, desc, nulls_last in fns:
            x, y = f(a), f(b)
            if x is None and y is None:
                continue
            if x is None:
                return 1 if nulls_last else -1
            if y is None:
                return -1 if nulls_last else 1
            kx, ky = _sort_key(x), _sort_key(y)
            if kx == ky:
                continue
            r = -1 if kx < ky else 1
            return -r if desc else r
        return 0
    return sorted(idxs, key=functools.cmp_to_key(cmp))


class GroupedData:
    def __init__(self, df, keys):
        self._df = df
        self._keys = keys

    def agg(self, *exprs):
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            exprs = [globals()["agg_" + fn](c) for c, fn in exprs[0].items()]
        fr = self._df._f
        keyres = [k._resolve(fr) for k in self._keys]
        groups = {}
        order = []
        for r in fr.rows:
            k = tuple(_hashable(f(r)) for f, _, _ in keyres)
            if k not in groups:
                groups[k] = []
                order.append(k)
            groups[k].append(r)
        if not self._keys and not groups:
            groups[()] = []
            order.append(())
        cols = [(n, t) for _, t, n in keyres]
        aggres = []
        for e in exprs:
            if hasattr(e._agg, "resolve"):
                # _rows_agg: a function over the group's rows, typed as Spark types it
                fn, at, _ = e._agg.resolve(fr)
                aggres.append((fn, None, True))
                cols.append((e._resolve(fr)[2], at))
                continue
            fn, arg = e._agg
            af, at, an = arg._resolve(fr) if arg is not None else (None, "bigint", "1")
            name = e._resolve(fr)[2]
            aggres.append((fn, af, False))
            cols.append((name, at if e._fn_name in ("max", "min", "first", "sum") else "bigint"))
        rows = []
        for k in order:
            g = groups[k]
            row = [keyres[i][0](g[0]) for i in range(len(keyres))]
            for fn, af, on_rows in aggres:
                if on_rows:
                    row.append(fn(g))
                else:
                    row.append(fn([af(r) for r in g] if af else [1 for _ in g]))
            rows.append(row)
        return DataFrame(Frame(cols, rows), self._df.sparkSession)

    def count(self):
        return self.agg(agg_count("*").alias("count"))


def _aggfn(name, fn):
    def make(c):
        arg = None if (isinstance(c, str) and c == "*") else (col(c) if isinstance(c, str) else c)
        sql = "%s(%s)" % (name, "*" if arg is None else arg._sql)

        def res(fr):
            t = arg._resolve(fr)[1] if arg is not None else "bigint"
            return (lambda r: None), t, sql
        e = Column(res, sql, agg=(fn, arg))
        e._fn_name = name
        return e
    make.__name__ = name
    return make


def _nn(vals):
    return [v for v in vals if v is not None]


agg_max = _aggfn("max", lambda vs: max(_nn(vs), key=_sort_key) if _nn(vs) else None)
agg_min = _aggfn("min", lambda vs: min(_nn(vs), key=_sort_key) if _nn(vs) else None)
agg_sum = _aggfn("sum", lambda vs: sum(_nn(vs)) if _nn(vs) else None)
agg_count = _aggfn("count", lambda vs: len(_nn(vs)))
agg_first = _aggfn("first", lambda vs: vs[0] if vs else None)


def row_number():
    c = Column(lambda fr: ((lambda r: None), "int", "row_number()"), "row_number()")
    c._fn_name = "row_number"
    return c


def rank():
    c = Column(lambda fr: ((lambda r: None), "int", "rank()"), "rank()")
    c._fn_name = "rank"
    return c


class WindowSpec:
    def __init__(self, partition=(), order=()):
        self._partition = list(partition)
        self._order = list(order)

    def partitionBy(self, *cols):
        return WindowSpec(self._partition + [col(c) if isinstance(c, str) else c for c in cols],
                          self._order)

    def orderBy(self, *cols):
        return WindowSpec(self._partition, self._order + [col(c) if isinstance(c, str) else c
                                                          for c in cols])


class Window:
    @staticmethod
    def partitionBy(*cols):
        return WindowSpec().partitionBy(*cols)

    @staticmethod
    def orderBy(*cols):
        return WindowSpec().orderBy(*cols)


# ---------------------------------------------------------------- functions

def broadcast(df):
    # DOC: functions.broadcast(df) "Marks a DataFrame as small enough for
    #   use in broadcast joins": a hint for the plan, the rows are the same
    #   (https://spark.apache.org/docs/3.5.0/api/python/reference/pyspark.sql/api/pyspark.sql.functions.broadcast.html).
    if not isinstance(df, DataFrame):
        raise TypeError("[NOT_DATAFRAME] Argument `df` should be a DataFrame")
    REPORT.setdefault("broadcasts", 0)
    REPORT["broadcasts"] += 1
    return df


def lit(v):
    return _to_col(v)


def when(cond, value):
    return _when_chain([(cond, _to_col(value))], None)


def coalesce(*cols):
    cs = [col(c) if isinstance(c, str) else c for c in cols]

    def res(fr):
        rs = [c._resolve(fr) for c in cs]
        t = next((x[1] for x in rs if x[1] != "null"), "null")
        def fn(r):
            for f, _, _ in rs:
                v = f(r)
                if v is not None:
                    return v
            return None
        return fn, t, "coalesce(...)"
    return Column(res, "coalesce(%s)" % ", ".join(c._sql for c in cs))


def _java_fmt_to_re(fmt):
    # DOC: Spark 3.5 datetime patterns,
    #   https://spark.apache.org/docs/3.5.0/sql-ref-datetime-pattern.html ;
    #   to_timestamp/to_date return NULL for a string that does not match
    #   (non-ANSI; spark.sql.legacy.timeParserPolicy=EXCEPTION only fails
    #   for values the legacy parser would read differently).
    out, i = [], 0
    toks = {"yyyy": r"(?P<y>\d{4})", "MM": r"(?P<M>\d{2})", "dd": r"(?P<d>\d{2})",
            "HH": r"(?P<H>\d{2})", "mm": r"(?P<m>\d{2})", "ss": r"(?P<s>\d{2})",
            "SSSSSS": r"(?P<f>\d{6})", "SSS": r"(?P<f>\d{3})", "XXX": r"(?P<z>Z|[+-]\d{2}:\d{2})",
            "M": r"(?P<M>\d{1,2})", "d": r"(?P<d>\d{1,2})", "H": r"(?P<H>\d{1,2})"}
    while i < len(fmt):
        if fmt[i] == "'":
            j = fmt.index("'", i + 1)
            out.append(re.escape(fmt[i + 1:j]))
            i = j + 1
            continue
        for tok in sorted(toks, key=len, reverse=True):
            if fmt.startswith(tok, i):
                out.append(toks[tok])
                i += len(tok)
                break
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def _parse_with(s, fmt):
    if fmt is None:
        return _str_to_ts(s)
    m = _java_fmt_to_re(fmt).match(s)
    if not m:
        return None
    g = m.groupdict()
    try:
        v = datetime.datetime(int(g.get("y") or 1970), int(g.get("M") or 1), int(g.get("d") or 1),
                              int(g.get("H") or 0), int(g.get("m") or 0), int(g.get("s") or 0),
                              int((g.get("f") or "0").ljust(6, "0")))
    except ValueError:
        return None
    z = g.get("z")
    if z and z != "Z":
        off = datetime.timedelta(hours=int(z[1:3]), minutes=int(z[4:6]))
        v = v - off if z[0] == "+" else v + off
    return v


def _unary(c, fn, t, name):
    c = col(c) if isinstance(c, str) else c

    def res(fr):
        f = c._resolve(fr)[0]
        return (lambda r: None if f(r) is None else fn(f(r))), t, "%s(%s)" % (name, c._sql)
    return Column(res, "%s(%s)" % (name, c._sql))


def regexp_extract(c, pattern, idx):
    # DOC: regexp_extract(str, pattern, idx) "Extract a specific group
    #   matched by the Java regex regexp, from the specified string column.
    #   If the regex did not match, or the specified group did not match,
    #   an empty string is returned" (Spark 3.5 pyspark.sql.functions); a
    #   NULL input gives NULL. Patterns pipec writes use only the syntax
    #   Java and Python share.
    rx = re.compile(pattern)

    def fn(v):
        m = rx.search(v)
        return "" if not m or m.group(idx) is None else m.group(idx)
    return _unary(c, fn, "string", "regexp_extract")


def to_timestamp(c, format=None):
    return _unary(c, lambda v: v if isinstance(v, datetime.datetime) else
                  _parse_with(to_string(v), format), "timestamp", "to_timestamp")


def to_date(c, format=None):
    return _unary(c, lambda v: (v.date() if isinstance(v, datetime.datetime) else v)
                  if isinstance(v, datetime.date) else
                  (lambda ts: ts.date() if ts else None)(_parse_with(to_string(v), format)
                                                         if format else
                                                         _str_to_ts(to_string(v))),
                  "date", "to_date")


def xxhash64(*cols):
    # DOC: xxhash64(expr1, expr2, ...) "Returns a 64-bit hash value of the
    #   arguments" (Spark 3.5 built-in functions). ASSUMPTION: the value
    #   here is another 64-bit hash (BLAKE2b), not Spark's xxHash64: scripts
    #   only compare hashes they computed themselves.
    import hashlib
    cs = [col(c) if isinstance(c, str) else c for c in cols]

    def res(fr):
        fs = [c._resolve(fr)[0] for c in cs]

        def fn(r):
            text = json.dumps([to_json_value(f(r)) for f in fs], sort_keys=True, default=str)
            h = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
            return h - (1 << 64) if h >= 1 << 63 else h
        return fn, "bigint", "xxhash64(...)"
    return Column(res, "xxhash64(%s)" % ", ".join(c._sql for c in cs))


class FileRow(list):
    """A row read from a file: its values, and the file (input_file_name)."""
    input_file = ""


def file_row(values, name):
    r = FileRow(values)
    r.input_file = name
    return r


def input_file_name():
    # DOC: input_file_name() "Creates a string column for the file name of
    #   the current Spark task" (Spark 3.5 pyspark.sql.functions). Rows a
    #   Glue S3 DynamicFrame read (toDF) carry their object's s3:// name;
    #   anywhere else (a row not read from a file, or after any other
    #   step) the value is "", InputFileBlockHolder's empty default.
    def res(fr):
        return (lambda r: getattr(r, "input_file", "")), "string", "input_file_name()"
    return Column(res, "input_file_name()")


def raise_error(errMsg):
    # DOC: raise_error(expr) "Throws a USER_RAISED_EXCEPTION with expr as the
    #   message" (Spark 3.5 built-in functions), when a row evaluates it.
    c = _to_col(errMsg) if isinstance(errMsg, str) else errMsg

    def res(fr):
        f = c._resolve(fr)[0]

        def fn(r):
            raise RuntimeError("[USER_RAISED_EXCEPTION] %s" % f(r))
        return fn, "null", "raise_error(%s)" % c._sql
    return Column(res, "raise_error(%s)" % c._sql)


def sha2(c, numBits):
    # DOC: sha2(expr, bitLength) "Returns a checksum of SHA-2 family as a hex
    #   string of expr" (Spark 3.5 built-in functions); NULL gives NULL.
    import hashlib
    if numBits not in (0, 256):
        raise ValueError("standin rows: sha2 with %s bits not modelled" % numBits)
    c = col(c) if isinstance(c, str) else c

    def res(fr):
        f = c._resolve(fr)[0]

        def fn(r):
            v = f(r)
            return None if v is None else hashlib.sha256(to_string(v).encode()).hexdigest()
        return fn, "string", "sha2(%s, %d)" % (c._sql, numBits)
    return Column(res, "sha2(%s, %d)" % (c._sql, numBits))


def trim(c):
    # DOC: trim(str) "Removes the leading and trailing space characters
    #   from str" (Spark 3.5 built-in functions): spaces only.
    return _unary(c, lambda v: to_string(v).strip(" "), "string", "trim")


def timestamp_seconds(c):
    return _unary(c, lambda v: EPOCH + datetime.timedelta(seconds=float(v)), "timestamp",
                  "timestamp_seconds")


def timestamp_millis(c):
    return _unary(c, lambda v: EPOCH + datetime.timedelta(milliseconds=int(v)), "timestamp",
                  "timestamp_millis")


def timestamp_micros(c):
    return _unary(c, lambda v: EPOCH + datetime.timedelta(microseconds=int(v)), "timestamp",
                  "timestamp_micros")


def from_unixtime(c, format="yyyy-MM-dd HH:mm:ss"):
    return _unary(c, lambda v: to_string(EPOCH + datetime.timedelta(seconds=int(v))), "string",
                  "from_unixtime")


def struct(*cols):
    cs = [col(c) if isinstance(c, str) else c for c in cols]
    if len(cs) == 1 and isinstance(cs[0], (list, tuple)):
        cs = list(cs[0])

    def res(fr):
        rs = [c._resolve(fr) for c in cs]
        t = ("struct", [(n, tt) for _, tt, n in rs])
        return (lambda r: {n: f(r) for f, _, n in rs}), t, "struct(...)"
    return Column(res, "struct(%s)" % ", ".join(c._sql for c in cs))


def named_struct(*args):
    pairs = [(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    return struct(*[(col(v) if isinstance(v, str) else v).alias(
        n if isinstance(n, str) else n._sql.strip("'")) for n, v in pairs])


def current_timestamp():
    now = datetime.datetime.utcnow()
    return _lit(now)


def _split_args(text):
    out, depth, cur, q = [], 0, [], None
    for ch in text:
        if q:
            cur.append(ch)
            if ch == q:
                q = None
            continue
        if ch in "'`":
            q = ch
        elif ch in "(<":
            depth += 1
        elif ch in ")>":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return out


def expr(text):
    """Spark SQL expressions: a column name, `a.b`, named_struct('n', col,
    ...), CAST(x AS t) here; the expressions of derive and filter in
    _rows_expr.py."""
    s = text.strip()
    m = re.match(r"(?is)^named_struct\s*\((.*)\)$", s)
    if m:
        args = _split_args(m.group(1))
        return named_struct(*[a.strip().strip("'") if i % 2 == 0 else expr(a)
                              for i, a in enumerate(args)])
    m = re.match(r"^(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)(\.(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*))*$", s)
    if m:
        return col(s)
    import _rows_expr
    return _rows_expr.column(text)


# ================================================================ catalog

class Catalog:
    """The state dir's tables (tables.json), loaded once per run; every
    write call saves the file again (an Iceberg commit is atomic per call)."""
    def __init__(self):
        self.tables = _load("tables.json", {})
        self.sources = _load("sources.json", {})
        self.relations = {}

    def refreshTable(self, name):
        """DOC: Spark SQL "Parquet Files", Metadata Refreshing
          (https://spark.apache.org/docs/3.5.0/sql-data-sources-parquet.html#metadata-refreshing):
          "Spark SQL caches Parquet metadata for better performance. ...
          If these tables are updated by Hive or other external tools, you
          need to refresh them manually": spark.catalog.refreshTable."""
        self.relations.pop(self.key(name), None)

    def refreshed(self, name):
        """A table Spark changed itself (CREATE / ALTER TABLE, a write):
        Spark invalidates its cached relation (refreshTable)."""
        self.relations.pop(self.key(name), None)

    @staticmethod
    def key(name):
        parts = strip_name(name.strip())
        return ".".join(parts[-2:]).lower()

    def get(self, name):
        return self.tables.get(self.key(name))

    def frame(self, name, api):
        t = self.get(name)
        parts = strip_name(name.strip())
        if t is None and len(parts) > 2 and parts[-1].lower() == "snapshots" and \
                self.get(".".join(parts[:-1])) is not None:
            return self._snapshots(self.get(".".join(parts[:-1])))
        if t is None:
            raise AnalysisException(
                "[TABLE_OR_VIEW_NOT_FOUND] The table or view %s cannot be found. Verify the "
                "spelling and correctness of the schema and catalog."
                % ".".join("`%s`" % p for p in strip_name(name)))
        columns = t["columns"]
        if t.get("format") != "iceberg":
            # A Hive (Parquet) table's schema is read once per session and
            # kept (refreshTable above): a change made through the Glue API
            # is not seen until the table is refreshed.
            columns = self.relations.setdefault(self.key(name), [list(c) for c in columns])
        cols = [(n, parse_type(ty)) for n, ty in columns]
        # DOC: columns are read by name: a row written before a column was
        #   added reads NULL in it. Iceberg: "added columns ... read as
        #   null" for existing data (https://iceberg.apache.org/spec/#schema-evolution);
        #   Parquet tables: "By default, Parquet will access columns by
        #   name" (Athena, "Handle schema updates",
        #   https://docs.aws.amazon.com/athena/latest/ug/handling-schema-updates-chapter.html),
        #   as Spark's Parquet reader does (a requested column missing from
        #   a file's schema is filled with NULL, Spark "Parquet Files",
        #   Schema Merging).
        stored = list(t.get("rows", []))
        if t.get("format") == "parquet" and t.get("location"):
            import _rows_files
            objs = _rows_files.table_object_rows(t, _load("s3.json", {}))
            if objs and api == "insertInto":
                raise AnalysisException("standin rows: insertInto into a Parquet table that "
                                        "holds objects written by name is not modelled")
            stored += objs
        rows = [[from_json_value(r.get(n), ty) for n, ty in cols] for r in stored]
        return Frame(cols, rows)

    @staticmethod
    def _snapshots(t):
        # DOC: Iceberg metadata tables, "snapshots" (committed_at,
        #   snapshot_id, parent_id, operation, manifest_list, summary
        #   map<string,string>), read as db.table.snapshots:
        #   https://iceberg.apache.org/docs/1.6.0/spark-queries/#snapshots .
        #   Each commit (write call) is one snapshot; committed_at here is
        #   the epoch plus the snapshot's sequence number in seconds.
        cols = [("committed_at", "timestamp"), ("snapshot_id", "bigint"),
                ("parent_id", "bigint"), ("operation", "string"),
                ("manifest_list", "string"), ("summary", ("map", "string", "string"))]
        rows = []
        for i, snap in enumerate(t.get("snapshots", [])):
            rows.append([EPOCH + datetime.timedelta(seconds=i + 1), i + 1, i or None,
                         snap.get("operation"), "s3://standin/manifests/%d.avro" % (i + 1),
                         dict(snap.get("summary", {}))])
        return Frame(cols, rows)

    def commit(self, name, frame, operation="overwrite", summary=None):
        """Replaces the rows of table name by frame's rows (same columns),
        as one snapshot with the given operation and summary properties."""
        if FAIL == "before-write" and not REPORT.get("failed_once"):
            REPORT["failed_once"] = True
            raise RuntimeError("standin rows: injected failure before the write to %s" % name)
        t = self.get(name)
        names = [n for n, _ in frame.columns]
        t["rows"] = [{n: to_json_value(v) for n, v in zip(names, r)} for r in frame.rows]
        t.setdefault("snapshots", []).append({"operation": operation,
                                              "summary": dict(summary or {})})
        _save("tables.json", self.tables)
        REPORT["writes"] += 1


class Session:
    def __init__(self):
        self.views = {}
        self.catalog_ = None
        self.conf = RuntimeConfig()

    @property
    def catalog(self):
        if self.catalog_ is None:
            self.catalog_ = Catalog()
        return self.catalog_

    def table(self, name):
        if name.lower() in self.views:
            return self.views[name.lower()]
        return DataFrame(self.catalog.frame(name, "spark.table"), self)

    def sql(self, text_):
        import _rows_sql
        text("spark.sql", "sql", text_)
        m = re.match(r"(?is)^\s*(?:ALTER|CREATE|INSERT|MSCK\s+REPAIR)\s+(?:INTO\s+)?TABLE\s+"
                     r"(?:IF\s+NOT\s+EXISTS\s+)?((?:`(?:[^`]|``)*`|[^\s`(]+)+)", text_)
        try:
            return _rows_sql.run(self, text_)
        finally:
            if m:
                self.catalog.refreshed(m.group(1))

    def createDataFrame(self, data, schema=None):
        if isinstance(schema, (list, tuple)) and schema and isinstance(schema[0], str):
            cols = [(n, "string") for n in schema]
        elif schema is not None and hasattr(schema, "fields"):
            cols = [(f.name, parse_type(f.dataType.simpleString())) for f in schema.fields]
        else:
            cols = [(n, value_type(v)) for n, v in data[0].asDict().items()] if data else []
        rows = [list(r) if not isinstance(r, dict) else [r.get(n) for n, _ in cols] for r in data]
        return DataFrame(Frame(cols, rows), self)

    @property
    def read(self):
        return DataFrameReader(self)

    def stop(self):
        pass


class RuntimeConfig:
    def __init__(self):
        self._conf = {}
        for k, v in argv_conf(sys.argv).items():
            self._conf[k] = v

    def get(self, key, default=None):
        return self._conf.get(key, default)

    def set(self, key, value):
        self._conf[key] = str(value)


def argv_conf(argv):
    out = {}
    for i, a in enumerate(argv):
        if a == "--conf" and i + 1 < len(argv):
            for part in re.split(r"\s+--conf\s+", " " + argv[i + 1]):
                part = part.strip()
                if "=" in part:
                    k, v = part.split("=", 1)
                    out[k.strip()] = v.strip()
    return out


SESSION = Session()


class DataFrameReader:
    def __init__(self, session):
        self._s = session

    def table(self, name):
        return self._s.table(name)


# ---------------------------------------------------------------- partitions

def partition_key(spec, row, cols):
    """The partition a row belongs to, under Iceberg's transforms.
    DOC: Iceberg spec, Partition Transforms
      (https://iceberg.apache.org/spec/#partition-transforms): identity,
      bucket[N] (32-bit Murmur3 of the value, mod N), truncate[W], year,
      month, day, hour. Here bucket uses a stable hash instead of Murmur3:
      the tests only need rows of one key to land in one bucket."""
    out = []
    names = [n.lower() for n, _ in cols]
    for p in spec:
        m = re.match(r"^\s*(\w+)\s*\(\s*(?:(\d+)\s*,\s*)?`?([^`)]+)`?\s*\)\s*$", p)
        if m:
            fn, n, c = m.group(1).lower(), m.group(2), m.group(3).strip()
        else:
            fn, n, c = "identity", None, p.strip().strip("`")
        v = row[names.index(c.lower())]
        if v is None:
            out.append(None)
            continue
        if fn in ("years", "year"):
            v = v.year
        elif fn in ("months", "month"):
            v = (v.year, v.month)
        elif fn in ("days", "day", "date"):
            v = (v.year, v.month, v.day)
        elif fn in ("hours", "hour"):
            v = (v.year, v.month, v.day, v.hour)
        elif fn == "bucket":
            v = zlib.crc32(to_string(v).encode()) % int(n)
        elif fn == "truncate":
            v = v[:int(n)] if isinstance(v, str) else v - v % int(n)
        out.append(_hashable(v))
    return tuple(out)


# ---------------------------------------------------------------- writers

def _field_path(path):
    return ".".join("`%s`" % p for p in path)


def _check_fields(have, want, path, what):
    """DOC: Spark 3.5 TableOutputResolver (resolveStructType, byName): the
      fields of a struct resolve by name too, at any depth (array
      elements, map values): a field of the table's struct that the
      data's struct lacks fails the write with
      INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA ("Cannot find data for
      the output column `point`.`z`"), an extra one with
      INCOMPATIBLE_DATA_FOR_TABLE.EXTRA_STRUCT_FIELDS
      (https://spark.apache.org/docs/3.5.0/sql-error-conditions-incompatible-data-for-table-error-class.html)."""
    if not (isinstance(have, tuple) and isinstance(want, tuple) and have[0] == want[0]):
        return
    if want[0] == "array":
        return _check_fields(have[1], want[1], path + ["element"], what)
    if want[0] == "map":
        return _check_fields(have[2], want[2], path + ["value"], what)
    if want[0] != "struct":
        return
    hf = {n.lower(): ft for n, ft in have[1]}
    for n, ft in want[1]:
        if n.lower() not in hf:
            raise AnalysisException(
                "[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA] Cannot write incompatible data "
                "for the table %s: Cannot find data for the output column %s."
                % (what, _field_path(path + [n])))
        _check_fields(hf[n.lower()], ft, path + [n], what)
    wf = {n.lower() for n, _ in want[1]}
    extra = [n for n, _ in have[1] if n.lower() not in wf]
    if extra:
        raise AnalysisException(
            "[INCOMPATIBLE_DATA_FOR_TABLE.EXTRA_STRUCT_FIELDS] Cannot write incompatible data "
            "for the table %s: Cannot write extra fields `%s` to the struct %s."
            % (what, extra[0], _field_path(path)))


def _by_name(v, have, want):
    """v of type have as type want, struct fields matched by name."""
    if v is None or not (isinstance(want, tuple) and isinstance(have, tuple)
                         and have[0] == want[0] and want[0] in ("struct", "array", "map")):
        return cast_value(v, want)
    if want[0] == "array":
        return [_by_name(x, have[1], want[1]) for x in v]
    if want[0] == "map":
        return {cast_value(k, want[1]): _by_name(x, have[2], want[2]) for k, x in v.items()}
    hf = {n.lower(): (n, ft) for n, ft in have[1]}
    low = {k.lower(): x for k, x in v.items()}
    return {n: _by_name(low.get(n.lower()), hf[n.lower()][1], ft) for n, ft in want[1]}


def _align_by_name(df, tcols, what):
    """Iceberg writeTo: columns resolve BY NAME against the table schema.
    DOC: Iceberg Spark writes, "Writing with DataFrames"
      (https://iceberg.apache.org/docs/latest/spark-writes/#writing-with-dataframes):
      the v2 DataFrameWriter (writeTo) resolves the frame's columns against
      the table's BY NAME (Spark's AppendData/OverwriteByExpression
      byName plans). Modelled: every table column must be present
      (case-insensitive), no extra column may be, the fields of structs
      likewise (_check_fields), values are cast to the column types (the
      templates cast beforehand)."""
    fr = df._f
    names = [n.lower() for n, _ in fr.columns]
    rows = []
    for n, t in tcols:
        if n.lower() not in names:
            raise AnalysisException(
                "[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA] Cannot write incompatible data "
                "for the table %s: Cannot find data for the output column `%s`." % (what, n))
    extra = [n for n in names if n not in [c.lower() for c, _ in tcols]]
    if extra:
        raise AnalysisException(
            "[INCOMPATIBLE_DATA_FOR_TABLE.EXTRA_COLUMNS] Cannot write incompatible data for the "
            "table %s: Cannot write extra columns `%s`." % (what, extra[0]))
    idx = [names.index(n.lower()) for n, _ in tcols]
    for i, (n, t) in zip(idx, tcols):
        _check_fields(fr.columns[i][1], t, [n], what)
    for r in fr.rows:
        rows.append([_by_name(r[i], fr.columns[i][1], t) for i, (_, t) in zip(idx, tcols)])
    return rows


class DataFrameWriterV2:
    def __init__(self, df, table):
        self._df = df
        self._table = table
        self._summary = {}

    def using(self, provider):
        return self

    def option(self, k, v):
        # DOC: Iceberg Spark write options, "snapshot-property.custom-key":
        #   "Adds an entry with custom-key and corresponding value in the
        #   snapshot summary" (https://iceberg.apache.org/docs/1.6.0/spark-configuration/#write-options).
        if k.startswith("snapshot-property."):
            self._summary[k[len("snapshot-property."):]] = str(v)
        return self

    def tableProperty(self, k, v):
        return self

    def _target(self):
        cat = SESSION.catalog
        fr = cat.frame(self._table, "writeTo")
        return cat, fr

    def append(self):
        cat, fr = self._target()
        rows = _align_by_name(self._df, fr.columns, self._table)
        cat.commit(self._table, Frame(fr.columns, fr.rows + rows), "append", self._summary)

    def overwritePartitions(self):
        # DOC: Iceberg Spark writes, "overwritePartitions()"
        #   (https://iceberg.apache.org/docs/latest/spark-writes/#overwriting-data):
        #   dynamic overwrite -- "the partitions that have rows produced by
        #   the query are replaced", others are kept; an unpartitioned
        #   table is replaced whole.
        cat, fr = self._target()
        rows = _align_by_name(self._df, fr.columns, self._table)
        spec = cat.get(self._table).get("partitions") or []
        if cat.get(self._table).get("spec_history"):
            # DOC: Iceberg's ReplacePartitions (BaseReplacePartitions)
            #   replaces the files of the partitions the new files touch
            #   under the CURRENT spec; files written under an earlier spec
            #   are other partitions and stay. The stand-in keeps no spec
            #   per row, so such a write is a strict violation.
            raise AnalysisException(
                "standin rows: overwritePartitions() on %s, whose partition spec evolved: "
                "rows written under the earlier spec would not be replaced" % self._table)
        if not spec:
            cat.commit(self._table, Frame(fr.columns, rows))
            return
        hit = {partition_key(spec, r, fr.columns) for r in rows}
        kept = [r for r in fr.rows if partition_key(spec, r, fr.columns) not in hit]
        cat.commit(self._table, Frame(fr.columns, kept + rows))

    def overwrite(self, condition):
        # DOC: Iceberg Spark writes, "overwrite(condition)": rows matching
        #   the filter are deleted, the new rows added, in one commit.
        cat, fr = self._target()
        rows = _align_by_name(self._df, fr.columns, self._table)
        f = condition._resolve(fr)[0]
        kept = [r for r in fr.rows if f(r) is not True]
        cat.commit(self._table, Frame(fr.columns, kept + rows))

    def create(self):
        raise AnalysisException("standin rows: writeTo().create() is not modelled")


class DataFrameWriter:
    def __init__(self, df):
        self._df = df
        self._mode = "errorifexists"

    def mode(self, m):
        self._mode = m.lower()
        return self

    def option(self, k, v):
        return self

    def format(self, f):
        return self

    def partitionBy(self, *cols):
        self._partition_by = list(cols)
        return self

    def parquet(self, path, mode=None, partitionBy=None, compression=None):
        # DOC: DataFrameWriter.parquet "Saves the content of the DataFrame
        #   in Parquet format at the specified path"; partitionBy "Partitions
        #   the output by the given columns on the file system ... laid out
        #   on the file system similar to Hive's partitioning scheme": one
        #   directory name=value per column, the partition columns left out
        #   of the files; mode overwrite first deletes what is under the
        #   path (https://spark.apache.org/docs/3.5.0/api/python/reference/pyspark.sql/api/pyspark.sql.DataFrameWriter.partitionBy.html).
        #   A _SUCCESS marker is written beside the files.
        # ASSUMPTION: the number of files per directory depends on Spark's
        #   tasks; here a file holds at most 2 rows, so a directory can hold
        #   several files and their number varies with the rows.
        import _rows_files as RF
        if FAIL == "before-write" and not REPORT.get("failed_once"):
            REPORT["failed_once"] = True
            raise RuntimeError("standin rows: injected failure before the write to %s" % path)
        mode = (mode or self._mode).lower()
        parts = list(partitionBy or getattr(self, "_partition_by", []))
        pfx = path.rstrip("/") + "/"
        objects = _load("s3.json", {})
        if any(k.startswith(pfx) for k in objects):
            if mode in ("error", "errorifexists"):
                raise AnalysisException("[PATH_ALREADY_EXISTS] Path %s already exists." % path)
            if mode == "ignore":
                return
            if mode == "overwrite":
                objects = {k: v for k, v in objects.items() if not k.startswith(pfx)}
        fr = self._df._f
        names = [n.lower() for n, _ in fr.columns]
        for p in parts:
            if p.lower() not in names:
                raise AnalysisException("[UNRESOLVED_COLUMN] partition column %s is not in %s"
                                        % (p, [n for n, _ in fr.columns]))
        pidx = [names.index(p.lower()) for p in parts]
        didx = [i for i in range(len(names)) if i not in pidx]
        dirs = {}
        for r in fr.rows:
            d = "".join("%s=%s/" % (parts[k], RF.HIVE_DEFAULT if r[i] is None or
                                     to_string(r[i]) == "" else
                                     RF.escape_path_name(to_string(r[i])))
                        for k, i in enumerate(pidx))
            dirs.setdefault(d, []).append([to_json_value(r[i]) for i in didx])
        dcols = [[fr.columns[i][0], type_text(fr.columns[i][1])] for i in didx]
        n = sum(1 for k in objects if k.startswith(pfx))
        for d, rows in dirs.items():
            for j in range(0, len(rows), 2):
                objects[pfx + d + "part-%05d-standin.c000.snappy.parquet" % n] = {
                    "parquet": {"columns": dcols, "rows": rows[j:j + 2]}}
                n += 1
        objects[pfx + "_SUCCESS"] = ""
        _save("s3.json", objects)
        REPORT["writes"] += 1

    def insertInto(self, tableName, overwrite=None):
        # DOC: DataFrameWriter.insertInto, "Unlike saveAsTable, insertInto
        #   ignores the column names and just uses position-based resolution"
        #   (https://spark.apache.org/docs/3.5.0/api/python/reference/pyspark.sql/api/pyspark.sql.DataFrameWriter.insertInto.html).
        # DOC: spark.sql.sources.partitionOverwriteMode (static | dynamic),
        #   https://spark.apache.org/docs/3.5.0/configuration.html#runtime-sql-configuration :
        #   "In static mode, Spark deletes all the partitions that match the
        #   partition specification (e.g. PARTITION(a=1,b)) in the INSERT
        #   statement, before overwriting. In dynamic mode, Spark doesn't
        #   delete partitions ahead, and only overwrite those partitions that
        #   have data written into it at runtime." insertInto has no
        #   PARTITION clause: static = the whole table.
        cat = SESSION.catalog
        fr = cat.frame(tableName, "insertInto")
        src = self._df._f
        if len(src.columns) != len(fr.columns):
            raise AnalysisException(
                "[INSERT_COLUMN_ARITY_MISMATCH.%s] Cannot write to %s, the reason is too %s "
                "data columns: Table columns: %s. Data columns: %s." % (
                    "TOO_MANY_DATA_COLUMNS" if len(src.columns) > len(fr.columns)
                    else "NOT_ENOUGH_DATA_COLUMNS", tableName,
                    "many" if len(src.columns) > len(fr.columns) else "not enough",
                    ", ".join("`%s`" % n for n, _ in fr.columns),
                    ", ".join("`%s`" % n for n, _ in src.columns)))
        rows = [[cast_value(v, t) for v, (_, t) in zip(r, fr.columns)] for r in src.rows]
        ow = overwrite if overwrite is not None else self._mode == "overwrite"
        if not ow:
            cat.commit(tableName, Frame(fr.columns, fr.rows + rows))
            return
        spec = cat.get(tableName).get("partitions") or []
        mode = SESSION.conf.get("spark.sql.sources.partitionOverwriteMode", "static").lower()
        if mode != "dynamic" or not spec:
            cat.commit(tableName, Frame(fr.columns, rows))
            return
        hit = {partition_key(spec, r, fr.columns) for r in rows}
        kept = [r for r in fr.rows if partition_key(spec, r, fr.columns) not in hit]
        cat.commit(tableName, Frame(fr.columns, kept + rows))

    def json(self, path, mode=None, **options):
        # DOC: DataFrameWriter.json "Saves the content of the DataFrame in JSON
        #   format (JSON Lines text format or newline-delimited JSON) at the
        #   specified path"; mode append adds files, errorifexists (the
        #   default) fails when the path exists
        #   (https://spark.apache.org/docs/3.5.0/api/python/reference/pyspark.sql/api/pyspark.sql.DataFrameWriter.json.html).
        #   Rows are written with to_json's rules (NULL fields left out). The
        #   objects go to s3.json under the path, one object per call.
        import _rows_fn
        mode = (mode or self._mode).lower()
        pfx = path if path.endswith("/") else path + "/"
        objects = _load("s3.json", {})
        if any(k.startswith(pfx) for k in objects):
            if mode in ("error", "errorifexists"):
                raise AnalysisException("[PATH_ALREADY_EXISTS] Path %s already exists." % path)
            if mode == "ignore":
                return
            if mode == "overwrite":
                objects = {k: v for k, v in objects.items() if not k.startswith(pfx)}
        line = _rows_fn.to_json(struct(*[col("`%s`" % n) for n in self._df.columns]))
        f = line._resolve(self._df._f)[0]
        text = "".join(f(r) + "\n" for r in self._df._f.rows)
        n = sum(1 for k in objects if k.startswith(pfx))
        objects[pfx + "part-%05d.json" % n] = text
        _save("s3.json", objects)
        REPORT["writes"] += 1

    def saveAsTable(self, name, format=None, mode=None, partitionBy=None, **options):
        raise AnalysisException("standin rows: saveAsTable is not modelled")
