"""Private runtime of pipec's awsglue/pyspark stand-in (not part of any real API).

Holds the run configuration (read once from the environment), the trace that
every stand-in call appends to (dumped as JSON at exit to $STANDIN_TRACE), the
"catalog" state used to emulate first-run vs incremental runs, the strictness
helpers (signature binding, type checks, violation records) and a small SQL
inspector used by SparkSession.sql.

Environment (all optional):
  STANDIN_TRACE      path of the JSON trace written at exit
  STANDIN_RUN        first-run | incremental            (default incremental)
  STANDIN_SCHEMA     JSON {source: [col | "col:type", ...]}; key "*" = default
  STANDIN_COUNTS     JSON {source: rows}; key "*" = default  (default 100)
  STANDIN_WATERMARK  value MAX()/MIN() return on the incremental path
                     (default "2024-01-01 00:00:00"; "null" -> None)
  STANDIN_ABSENT     JSON [table names] absent on the first run, in addition
                     to every table of an Iceberg catalog (cat.db.t)
  STANDIN_PRESENT    JSON [table names] that exist even on the first run (the
                     pipeline's source tables: only its target is new)
  STANDIN_SPECS      JSON {table: [partition fields]}: the partition spec of
                     a table the run did not create (DESCRIBE TABLE); none
                     when absent
  STANDIN_DQ         pass | fail                         (default pass)
  STANDIN_TEXTS      1: keep every text the job hands Spark to parse (SQL,
                     type strings, DDL column lists) in the trace's "texts"
                     (checked by tests/tools/engine_texts.py)
A "source" key is a table name (db.t, cat.db.t or the bare t), an S3 path, a
JDBC dbtable, or a connection_type; lookups try the most specific key first.
"""
import atexit
import datetime
import inspect
import json
import os
import re
import sys

VERSION = 1


def _env_json(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return json.loads(raw)
    except ValueError:
        sys.stderr.write("standin: %s is not valid JSON; ignored\n" % name)
        return default


RUN = os.environ.get("STANDIN_RUN", "incremental")
if RUN not in ("first-run", "incremental"):
    sys.stderr.write("standin: STANDIN_RUN must be first-run or incremental\n")
    RUN = "incremental"
FIRST_RUN = RUN == "first-run"
SCHEMAS = _env_json("STANDIN_SCHEMA", {})
COUNTS = _env_json("STANDIN_COUNTS", {})
ABSENT = [a.lower() for a in _env_json("STANDIN_ABSENT", [])]
PRESENT = [a.lower() for a in _env_json("STANDIN_PRESENT", [])]
SPECS = _env_json("STANDIN_SPECS", {})
DQ_OUTCOME = os.environ.get("STANDIN_DQ", "pass")
_WM_RAW = os.environ.get("STANDIN_WATERMARK", "2024-01-01 00:00:00")

TRACE = {
    "version": VERSION,
    "run": RUN,
    "dq": DQ_OUTCOME,
    "argv": list(sys.argv),
    "events": [],
    "violations": [],
    "exit": {"status": "ok"},
}


def jsonable(v):
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    rep = getattr(type(v), "_standin_repr", None)
    if rep is not None:
        return jsonable(rep(v))
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [jsonable(x) for x in v]
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat(sep=" ") if isinstance(v, datetime.datetime) else v.isoformat()
    return repr(v)


def event(kind, **fields):
    e = {"seq": len(TRACE["events"]), "kind": kind}
    for k, v in fields.items():
        e[k] = jsonable(v)
    TRACE["events"].append(e)
    return e


def text(api, form, value):
    """With STANDIN_TEXTS=1, keeps a text Spark would parse in the trace's
    "texts": form "sql" (a statement), "expr" (an expression), "type" (a
    data type string) or "schema" (a type or a DDL column list)."""
    if os.environ.get("STANDIN_TEXTS") == "1" and isinstance(value, str):
        TRACE.setdefault("texts", []).append({"api": api, "form": form, "text": value})


def violation(api, message):
    """Records API misuse (it also raises at the call site); a script that
    swallows the exception still leaves the record for the checker."""
    v = {"api": api, "message": message, "seq": len(TRACE["events"])}
    TRACE["violations"].append(v)
    event("violation", api=api, message=message)


def _dump():
    path = os.environ.get("STANDIN_TRACE")
    if not path:
        return
    TRACE["conf"] = dict(sorted(STATE.conf.items()))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(TRACE, f, indent=1, sort_keys=True)
        f.write("\n")


atexit.register(_dump)
_orig_excepthook = sys.excepthook


def _excepthook(tp, val, tb):
    TRACE["exit"] = {"status": "exception", "type": tp.__name__, "message": str(val)}
    _orig_excepthook(tp, val, tb)


sys.excepthook = _excepthook


# ---------------------------------------------------------------- strictness

def strict(cls):
    """Class decorator: every public method binds its arguments against its own
    signature first, so an unknown keyword or a missing argument is recorded as
    a violation before the TypeError propagates; unknown attributes too."""
    for name, fn in list(vars(cls).items()):
        if name.startswith("_") and name not in ("__call__", "__init__"):
            continue
        if isinstance(fn, (staticmethod, classmethod)):
            inner = fn.__func__
            wrapped = _checked(inner, "%s.%s" % (cls.__name__, name),
                               skip_first=isinstance(fn, classmethod))
            setattr(cls, name, type(fn)(wrapped))
        elif inspect.isfunction(fn):
            setattr(cls, name, _checked(fn, "%s.%s" % (cls.__name__, name), True))
    if "__getattr__" not in vars(cls):
        def __getattr__(self, attr, _cls=cls):
            if attr.startswith("_"):
                raise AttributeError(attr)
            violation("%s.%s" % (_cls.__name__, attr),
                      "'%s' object has no attribute '%s'" % (_cls.__name__, attr))
            raise AttributeError("'%s' object has no attribute '%s'" % (_cls.__name__, attr))
        cls.__getattr__ = __getattr__
    return cls


def _checked(fn, api, skip_first=False):
    sig = inspect.signature(fn)

    def wrapper(*args, **kwargs):
        try:
            sig.bind(*args, **kwargs)
        except TypeError as e:
            msg = "%s() %s" % (api, e)
            violation(api, msg)
            raise TypeError(msg) from None
        return fn(*args, **kwargs)
    wrapper.__name__ = fn.__name__
    wrapper.__qualname__ = fn.__qualname__
    wrapper.__doc__ = fn.__doc__
    wrapper.__signature__ = sig
    wrapper.__wrapped__ = fn
    return wrapper


def checked_function(api):
    def deco(fn):
        return _checked(fn, api)
    return deco


def require(ok, api, message, exc=TypeError):
    if not ok:
        violation(api, message)
        raise exc(message)


def require_type(value, types, api, param, exc=TypeError, allow_none=False):
    if value is None and allow_none:
        return
    if not isinstance(value, types):
        names = types.__name__ if isinstance(types, type) else "/".join(t.__name__ for t in types)
        msg = "%s: argument '%s' must be %s, got %s" % (api, param, names, type(value).__name__)
        violation(api, msg)
        raise exc(msg)


# ---------------------------------------------------------------- run state

class _State:
    def __init__(self):
        self.conf = {}            # effective Spark conf (from --conf + SparkConf)
        self.session_started = False
        self.temp_views = {}      # name(lower) -> DataFrame
        self.created = {}         # table(lower) -> {"columns": [...], "rows": 0}
        self.declared = {}        # table(lower) -> columns of a no-op CREATE IF NOT EXISTS
        self.altered = {}         # table(lower) -> its columns after a RENAME COLUMN
        self.specs = {}           # table(lower) -> partition fields (CREATE, or ALTER
                                  # ... PARTITION FIELD), as Spark prints them
        self.dropped = set()
        self.job_initialized = False


STATE = _State()


def argv_conf(argv):
    """Parses Glue's `--conf k=v --conf k2=v2` job argument out of argv: the
    first pair comes as the value of --conf, further pairs are embedded."""
    out = {}
    for i, a in enumerate(argv):
        if a == "--conf" and i + 1 < len(argv):
            for part in re.split(r"\s+--conf\s+", " " + argv[i + 1]):
                part = part.strip()
                if part.startswith("--conf "):
                    part = part[7:].strip()
                if "=" in part:
                    k, v = part.split("=", 1)
                    out[k.strip()] = v.strip()
    return out


def argv_value(argv, name):
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            return argv[i + 1]
    return None


# ---------------------------------------------------------------- data config

def _lookup(table, key):
    if not isinstance(table, dict):
        return None
    if key is None:
        return table.get("*")
    cands = [key, key.lower()]
    parts = [p.strip("`") for p in key.split(".")]
    if len(parts) >= 2:
        cands.append(".".join(parts[-2:]))
    cands.append(parts[-1])
    for c in cands:
        if c in table:
            return table[c]
    return table.get("*")


def spec_for(ref):
    """The partition fields of a table: those its CREATE or ALTER ...
    PARTITION FIELD of this run left, else STANDIN_SPECS's."""
    if ref.key in STATE.specs:
        return STATE.specs[ref.key]
    return list(_lookup(SPECS, ref.raw) or [])


def schema_for(key):
    """Returns [(name, type)] or None when nothing is configured."""
    cols = _lookup(SCHEMAS, key)
    if cols is None:
        return None
    out = []
    for c in cols:
        if isinstance(c, dict):
            out.append((c["name"], c.get("type", "string")))
        elif ":" in c:
            n, t = c.split(":", 1)
            out.append((n.strip(), t.strip()))
        else:
            out.append((c, "string"))
    return out


def count_for(key):
    n = _lookup(COUNTS, key)
    return 100 if n is None else int(n)


def watermark_value(coltype):
    if _WM_RAW.lower() in ("null", "none", ""):
        return None
    raw = _WM_RAW
    t = (coltype or "").lower()
    try:
        if t in ("int", "integer", "bigint", "long", "smallint", "short", "tinyint"):
            if re.match(r"^-?\d+$", raw):
                return int(raw)
            return int((re.sub(r"\D", "", raw) or "1000")[:12])
        if t == "date":
            return datetime.date.fromisoformat(raw[:10])
        if t.startswith("timestamp") or re.match(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d", raw):
            return datetime.datetime.fromisoformat(raw)
        if re.match(r"^-?\d+$", raw):
            return int(raw)
    except ValueError:
        pass
    return raw


# ---------------------------------------------------------------- names

_IDENT = r"(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_$-]*)"
NAME_RE = re.compile(r"%s(?:\s*\.\s*%s)*" % (_IDENT, _IDENT))


def split_name(name):
    return [p.strip().strip("`") for p in re.findall(r"`[^`]+`|[^.]+", name)]


def iceberg_catalogs():
    out = {}
    for k, v in STATE.conf.items():
        m = re.match(r"^spark\.sql\.catalog\.([^.]+)$", k)
        if m:
            out[m.group(1)] = v
    return out


def is_iceberg_catalog(cat):
    impl = STATE.conf.get("spark.sql.catalog.%s" % cat, "")
    return "iceberg" in impl.lower()


def iceberg_extensions_on():
    return "IcebergSparkSessionExtensions" in STATE.conf.get("spark.sql.extensions", "")


def datalake_formats():
    v = argv_value(sys.argv, "--datalake-formats") or ""
    return {x.strip().lower() for x in v.split(",") if x.strip()}


class TableRef:
    def __init__(self, raw):
        self.raw = raw
        self.parts = split_name(raw)
        self.key = ".".join(self.parts).lower()

    @property
    def catalog(self):
        return self.parts[0] if len(self.parts) >= 3 else None


def resolve_table(raw, api):
    """Validates a multi-part table name against the configured catalogs the
    way Spark's analyzer would; returns a TableRef."""
    from pyspark.errors import AnalysisException
    ref = TableRef(raw)
    cat = ref.catalog
    if cat is not None and cat != "spark_catalog":
        if "spark.sql.catalog.%s" % cat not in STATE.conf:
            event("error", api=api, message="catalog not configured", table=raw)
            raise AnalysisException(
                "[REQUIRES_SINGLE_PART_NAMESPACE] spark_catalog requires a single-part "
                "namespace, but got %s (catalog '%s' is not configured: no "
                "spark.sql.catalog.%s in --conf)" % (
                    ".".join("`%s`" % p for p in ref.parts[:-1]), cat, cat))
        if is_iceberg_catalog(cat) and "iceberg" not in datalake_formats():
            event("error", api=api, message="iceberg classes missing", table=raw)
            raise AnalysisException(
                "[CATALOG_NOT_FOUND] Cannot find catalog plugin class for catalog '%s': "
                "%s (Iceberg is on the classpath only with --datalake-formats iceberg)"
                % (cat, STATE.conf.get("spark.sql.catalog.%s" % cat)))
    return ref


def table_state(ref):
    """'absent', 'empty' (created during this run) or 'data'."""
    k = ref.key
    if k in STATE.dropped:
        return "absent"
    if k in STATE.created:
        return "empty" if STATE.created[k].get("rows", 0) == 0 else "data"
    if FIRST_RUN:
        for a in (TableRef(x).key for x in PRESENT):
            if k == a or k.endswith("." + a) or a.endswith("." + k):
                return "data"
        if ref.catalog is not None and ref.catalog != "spark_catalog" and is_iceberg_catalog(ref.catalog):
            return "absent"
        for a in (TableRef(x).key for x in ABSENT):
            if k == a or k.endswith("." + a) or a.endswith("." + k):
                return "absent"
    return "data"


def table_not_found(ref, api):
    from pyspark.errors import AnalysisException
    event("error", api=api, message="table not found", table=ref.raw)
    return AnalysisException(
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view %s cannot be found. Verify the "
        "spelling and correctness of the schema and catalog." % (
            ".".join("`%s`" % p for p in ref.parts)))


def table_exists_error(ref, api):
    from pyspark.errors import AnalysisException
    event("error", api=api, message="table already exists", table=ref.raw)
    return AnalysisException(
        "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view %s because it "
        "already exists." % ".".join("`%s`" % p for p in ref.parts))


def mark_created(ref, columns, rows=0):
    STATE.dropped.discard(ref.key)
    STATE.created[ref.key] = {"columns": columns, "rows": rows}


def mark_written(ref, rows):
    if ref.key in STATE.created:
        STATE.created[ref.key]["rows"] = STATE.created[ref.key].get("rows", 0) + rows


# ---------------------------------------------------------------- SQL

class SqlError(Exception):
    pass


def strip_sql(text):
    """Removes comments; returns (text, error) -- error for unbalanced quotes."""
    out = []
    i, n = 0, len(text)
    quote = None
    while i < n:
        c = text[i]
        if quote:
            out.append(c)
            if c == "\\" and quote != "`" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == quote:
                quote = None
            i += 1
            continue
        if c in ("'", '"', "`"):
            quote = c
            out.append(c)
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                return "".join(out), "unterminated comment"
            i = j + 2
            out.append(" ")
            continue
        else:
            out.append(c)
        i += 1
    if quote:
        return "".join(out), "unbalanced %s quote" % quote
    return "".join(out), None


def mask_literals(text):
    """Replaces the inside of string literals by 'x' so keyword scans do not
    look into them; keeps offsets."""
    def rep(m):
        s = m.group(0)
        if s[0] == "`":
            # A backquoted identifier: quotes inside it start no literal.
            return s
        return s[0] + "x" * (len(s) - 2) + s[-1]
    return re.sub(r"`(?:[^`]|``)*`|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", rep, text)


def mask_quoted(text):
    """mask_literals, and the inside of back-quoted identifiers too: for
    scans of the statement's structure (';', ',', parentheses), which a
    back-quoted name like `a;b` or `a,b)` must not disturb."""
    return re.sub(r"`(?:[^`]|``)*`", lambda m: "`" + "x" * (len(m.group(0)) - 2) + "`",
                  mask_literals(text))


def depth0_split(text, sep=","):
    parts, depth, cur = [], 0, []
    masked = mask_quoted(text)
    for i, c in enumerate(masked):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(text[i])
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def find_kw(masked, kw, start=0, depth0=True):
    """Offset of keyword kw (case-insensitive, word-bounded) at paren depth 0."""
    pat = re.compile(r"\b%s\b" % kw.replace(" ", r"\s+"), re.I)
    depth = 0
    last = start
    for m in pat.finditer(masked, start):
        seg = masked[last:m.start()]
        depth += seg.count("(") - seg.count(")")
        last = m.start()
        if not depth0 or depth == 0:
            return m.start(), m.end()
    return None


AGG_FUNCS = {"max", "min", "count", "sum", "avg", "mean", "first", "last",
             "max_by", "min_by", "count_if", "approx_count_distinct",
             "percentile_approx", "collect_list", "collect_set", "stddev",
             "variance", "any_value", "bool_and", "bool_or", "every", "some"}


def table_refs(masked_sql):
    """Table names after FROM/JOIN/INTO/USING/UPDATE/TABLE (not subqueries)."""
    refs = []
    for m in re.finditer(r"\b(FROM|JOIN|INTO|OVERWRITE|USING|UPDATE|TABLE|EXISTS)\s+(?!\()(%s)"
                         % NAME_RE.pattern, masked_sql, re.I):
        kw, name = m.group(1).upper(), m.group(2)
        if _in_function_call(masked_sql, m.start()):
            continue   # EXTRACT(YEAR FROM ts), TRIM(BOTH ' ' FROM s), ...
        name = re.sub(r"\s+", "", name)
        if name.upper() in ("TABLE", "AS", "ON", "WHERE", "SET", "PARTITION", "BY"):
            continue
        if kw == "USING" and re.match(r"^(iceberg|parquet|delta|hudi|orc|csv|json|avro|hive)$",
                                      name, re.I):
            continue
        if kw == "TABLE" and name.upper() in ("IF", "AS", "SELECT"):
            continue
        if kw == "EXISTS" and not re.search(r"\bIF\s+(NOT\s+)?EXISTS\s*$",
                                            masked_sql[:m.end(1)], re.I):
            continue
        if name.upper() in ("SELECT", "VALUES", "LATERAL", "IF"):
            continue
        refs.append((kw, name))
    return refs


def _in_function_call(masked, pos):
    depth = 0
    for i in range(pos - 1, -1, -1):
        c = masked[i]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                j = i - 1
                while j >= 0 and masked[j] == " ":
                    j -= 1
                word = re.search(r"(\w+)$", masked[:j + 1])
                return bool(word) and word.group(1).upper() not in (
                    "IN", "EXISTS", "AS", "FROM", "JOIN", "USING", "SELECT", "VALUES")
            depth -= 1
    return False


def cte_names(masked_sql):
    names = set()
    if re.match(r"^\s*WITH\b", masked_sql, re.I):
        for m in re.finditer(r"(?:WITH|,)\s*(%s)\s+AS\s*\(" % _IDENT, masked_sql, re.I):
            names.add(m.group(1).strip("`").lower())
    return names


def _merge_ident(text):
    """`a``b` -> a`b; t.`a` -> ('t', 'a'); None when text is not a column."""
    m = re.match(r"^\s*(?:(%s)\s*\.\s*)?(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)\s*$"
                 % _IDENT, text)
    if not m:
        return None
    name = m.group(2)
    if name.startswith("`"):
        name = name[1:-1].replace("``", "`")
    return ((m.group(1) or "").strip("`") or None, name)


def _split_top(sql, masked, start, end):
    """Splits sql[start:end] at commas outside parentheses and quotes."""
    out, depth, k = [], 0, start
    for i in range(start, end):
        c = masked[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0 and _outside_backquotes(masked, start, i):
            out.append(sql[k:i])
            k = i + 1
    out.append(sql[k:end])
    return [x.strip() for x in out]


def _outside_backquotes(masked, start, i):
    return masked.count("`", start, i) % 2 == 0


def _merge_action(sql, masked, start, end, action):
    """The columns a WHEN clause names: UPDATE SET [(alias, col, value)] and
    INSERT (cols) VALUES (values); star=True for SET * / INSERT *."""
    body = masked[start:end]
    if action == "UPDATE":
        m = re.match(r"\s*SET\s+", body, re.I)
        if not m:
            return {"malformed": "UPDATE without SET"}
        if body[m.end():].strip() == "*":
            return {"star": True}
        sets = []
        for item in _split_top(sql, masked, start + m.end(), end):
            eq = item.find("=")
            left = _merge_ident(item[:eq]) if eq > 0 else None
            if left is None:
                return {"malformed": "bad assignment '%s'" % item}
            sets.append({"alias": left[0], "column": left[1], "value": item[eq + 1:].strip()})
        return {"star": False, "set": sets}
    if action == "INSERT":
        if body.strip() == "*":
            return {"star": True}
        m = re.match(r"\s*\((.*)\)\s*VALUES\s*\((.*)\)\s*$", body, re.I | re.S)
        if not m:
            return {"malformed": "INSERT without (columns) VALUES (values)"}
        cols = _split_top(sql, masked, start + m.start(1), start + m.end(1))
        vals = _split_top(sql, masked, start + m.start(2), start + m.end(2))
        names = [_merge_ident(c) for c in cols]
        if any(n is None or n[0] for n in names):
            return {"malformed": "INSERT column list must name plain target columns"}
        return {"star": False, "insert_columns": [n[1] for n in names], "values": vals}
    return {}


def merge_parts(sql):
    """Dissects MERGE INTO t [AS] a USING src [AS] b ON cond WHEN ..."""
    masked = mask_literals(sql)
    m = re.match(r"^\s*MERGE\s+INTO\s+(%s)(?:\s+(?:AS\s+)?(%s))?\s+USING\s+"
                 % (NAME_RE.pattern, _IDENT), masked, re.I | re.S)
    if not m:
        return None
    target = sql[m.start(1):m.end(1)]
    talias = m.group(2)
    if talias and talias.upper() == "USING":
        talias = None
    rest_at = m.end()
    if masked[rest_at:].lstrip().startswith("("):
        j = rest_at + len(masked[rest_at:]) - len(masked[rest_at:].lstrip())
        depth, k = 0, j
        while k < len(masked):
            if masked[k] == "(":
                depth += 1
            elif masked[k] == ")":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        source = sql[j:k + 1]
        after = k + 1
    else:
        sm = re.match(r"\s*(%s)" % NAME_RE.pattern, masked[rest_at:])
        if not sm:
            return None
        source = sql[rest_at + sm.start(1):rest_at + sm.end(1)]
        after = rest_at + sm.end()
    am = re.match(r"\s*(?:AS\s+)?(%s)\s+ON\b" % _IDENT, masked[after:], re.I)
    salias = None
    if am and am.group(1).upper() != "ON":
        salias = am.group(1)
    on = find_kw(masked, "ON", after)
    if not on:
        return None
    when = find_kw(masked, "WHEN", on[1])
    on_text = sql[on[1]:when[0] if when else len(sql)].strip()
    clauses = []
    if when:
        found = list(re.finditer(r"\bWHEN\s+(NOT\s+MATCHED(?:\s+BY\s+(?:SOURCE|TARGET))?|MATCHED)\b"
                                 r"(.*?)\bTHEN\s+(UPDATE|DELETE|INSERT)", masked[when[0]:],
                                 re.I | re.S))
        for n, cm in enumerate(found):
            end = when[0] + (found[n + 1].start() if n + 1 < len(found) else len(masked) - when[0])
            clause = {"when": re.sub(r"\s+", " ", cm.group(1).upper()),
                      "condition": sql[when[0] + cm.start(2):when[0] + cm.end(2)].strip() or None,
                      "action": cm.group(3).upper()}
            clause.update(_merge_action(sql, masked, when[0] + cm.end(), end, clause["action"]))
            clauses.append(clause)
    keys = []
    for em in re.finditer(r"(?:(%s)\s*\.\s*)?(%s)\s*(?:=|<=>)\s*(?:(%s)\s*\.\s*)?(%s)"
                          % (_IDENT, _IDENT, _IDENT, _IDENT), mask_literals(on_text)):
        left, right = em.group(2).strip("`"), em.group(4).strip("`")
        keys.append({"left": (em.group(1) or "").strip("`") + ("." if em.group(1) else "") + left,
                     "right": (em.group(3) or "").strip("`") + ("." if em.group(3) else "") + right,
                     "left_column": left, "right_column": right})
    return {"target": target, "target_alias": talias, "source": source,
            "source_alias": salias, "on": on_text, "equalities": keys,
            "clauses": clauses}


def select_items(sql):
    masked = mask_literals(sql)
    s = find_kw(masked, "SELECT")
    if not s:
        return None, None, None
    f = find_kw(masked, "FROM", s[1])
    end = f[0] if f else len(sql)
    for kw in ("WHERE", "GROUP BY", "ORDER BY", "LIMIT", "HAVING", "UNION"):
        if not f:
            k = find_kw(masked, kw, s[1])
            if k and k[0] < end:
                end = k[0]
    body = sql[s[1]:end].strip()
    body = re.sub(r"^(DISTINCT|ALL)\s+", "", body, flags=re.I)
    items = depth0_split(body)
    where = None
    w = find_kw(masked, "WHERE", s[1])
    if w:
        wend = len(sql)
        for kw in ("GROUP BY", "ORDER BY", "LIMIT", "HAVING", "UNION"):
            k = find_kw(masked, kw, w[1])
            if k and k[0] < wend:
                wend = k[0]
        where = sql[w[1]:wend].strip().rstrip(";").strip()
    group = find_kw(masked, "GROUP BY", s[1]) is not None
    return items, where, group


def item_name(item):
    m = re.match(r"^(.*?)\s+(?:AS\s+)?(%s)$" % _IDENT, item, re.I | re.S)
    if m and not re.search(r"[()]$", m.group(2)) and m.group(1).strip() and \
            m.group(2).upper() not in ("DESC", "ASC", "END"):
        return m.group(1).strip(), m.group(2).strip("`")
    m2 = re.match(r"^(?:%s\s*\.\s*)*(%s)$" % (_IDENT, _IDENT), item)
    if m2:
        return item, m2.group(1).strip("`")
    return item, item


def item_agg(expr):
    m = re.match(r"^\s*([A-Za-z_]+)\s*\((.*)\)\s*$", expr, re.S)
    if m and m.group(1).lower() in AGG_FUNCS:
        arg = m.group(2).strip()
        am = re.match(r"^(?:DISTINCT\s+)?(?:%s\s*\.\s*)*(%s)$" % (_IDENT, _IDENT), arg, re.I)
        return m.group(1).lower(), (am.group(1).strip("`") if am else arg)
    return None
