"""Stand-in of pyspark.sql.functions (PySpark 3.5).

Only functions that exist in PySpark 3.5, with their real parameter names.
This is a plain module (as in 3.5), so `pyspark.sql.functions.partitioning`
(Spark 4.0) does not exist. Every function returns a Column whose SQL text
mirrors Spark's; aggregates, window functions and partition transforms are
tagged so DataFrame methods can enforce where they may be used."""
import builtins
import datetime

import _standin as S
from pyspark.errors import PySparkTypeError, PySparkValueError
from pyspark.sql.column import Column, _lit_sql, _to_col, _safe, _NOEVAL

# Parameters that take a column name (str) or a Column.
_COLPARAMS = {
    "col", "col1", "col2", "col3", "cols", "e", "str", "string", "date", "timestamp",
    "start", "end", "srcCol", "left", "right", "date1", "date2", "timeColumn", "ord",
    "json", "year", "month", "day", "arg1", "arg2", "value_col", "x",
}
# Parameters that take a literal or a Column.
_VALPARAMS = {"days", "months", "numBits", "pos", "len", "n", "d", "value", "default",
              "offset", "count", "extraction", "pad", "percentage", "accuracy"}

# name: (params, kind)  kind: None | "agg" | "window" | "transform" | "gen"
_SPECS = {
    # aggregates
    "max": ("col", "agg"), "min": ("col", "agg"), "count": ("col", "agg"),
    "sum": ("col", "agg"), "avg": ("col", "agg"), "mean": ("col", "agg"),
    "first": ("col, ignorenulls=False", "agg"), "last": ("col, ignorenulls=False", "agg"),
    "countDistinct": ("col, *cols", "agg"), "count_distinct": ("col, *cols", "agg"),
    "approx_count_distinct": ("col, rsd=None", "agg"), "collect_list": ("col", "agg"),
    "collect_set": ("col", "agg"), "stddev": ("col", "agg"), "stddev_pop": ("col", "agg"),
    "stddev_samp": ("col", "agg"), "variance": ("col", "agg"), "sum_distinct": ("col", "agg"),
    "max_by": ("col, ord", "agg"), "min_by": ("col, ord", "agg"), "count_if": ("col", "agg"),
    "any_value": ("col, ignoreNulls=None", "agg"), "median": ("col", "agg"),
    "mode": ("col", "agg"), "bool_and": ("col", "agg"), "bool_or": ("col", "agg"),
    "every": ("col", "agg"), "some": ("col", "agg"),
    "percentile_approx": ("col, percentage, accuracy=10000", "agg"),
    # window
    "row_number": ("", "window"), "rank": ("", "window"), "dense_rank": ("", "window"),
    "percent_rank": ("", "window"), "cume_dist": ("", "window"), "ntile": ("n", "window"),
    "lag": ("col, offset=1, default=None", "window"),
    "lead": ("col, offset=1, default=None", "window"),
    # partition transforms (DataFrameWriterV2.partitionedBy only)
    "years": ("col", "transform"), "months": ("col", "transform"),
    "days": ("col", "transform"), "hours": ("col", "transform"),
    # date and time
    "current_timestamp": ("", None), "current_date": ("", None), "now": ("", None),
    "localtimestamp": ("", None), "to_timestamp": ("col, format=None", None),
    "to_date": ("col, format=None", None), "to_timestamp_ntz": ("timestamp, format=None", None),
    "to_timestamp_ltz": ("timestamp, format=None", None),
    "date_format": ("date, format", None), "year": ("col", None), "month": ("col", None),
    "dayofmonth": ("col", None), "dayofweek": ("col", None), "dayofyear": ("col", None),
    "hour": ("col", None), "minute": ("col", None), "second": ("col", None),
    "weekofyear": ("col", None), "quarter": ("col", None), "date_add": ("start, days", None),
    "date_sub": ("start, days", None), "datediff": ("end, start", None),
    "add_months": ("start, months", None),
    "months_between": ("date1, date2, roundOff=True", None), "trunc": ("date, format", None),
    "date_trunc": ("format, timestamp", None),
    "from_unixtime": ("timestamp, format='yyyy-MM-dd HH:mm:ss'", None),
    "unix_timestamp": ("timestamp=None, format='yyyy-MM-dd HH:mm:ss'", None),
    "from_utc_timestamp": ("timestamp, tz", None), "to_utc_timestamp": ("timestamp, tz", None),
    "timestamp_seconds": ("col", None), "make_date": ("year, month, day", None),
    "last_day": ("date", None), "next_day": ("date, dayOfWeek", None),
    # strings
    "upper": ("col", None), "lower": ("col", None), "trim": ("col", None),
    "ltrim": ("col", None), "rtrim": ("col", None), "length": ("col", None),
    "concat": ("*cols", None), "concat_ws": ("sep, *cols", None),
    "substring": ("str, pos, len", None), "substring_index": ("str, delim, count", None),
    "regexp_replace": ("string, pattern, replacement", None),
    "regexp_extract": ("str, pattern, idx", None), "split": ("str, pattern, limit=-1", None),
    "lpad": ("col, len, pad", None), "rpad": ("col, len, pad", None),
    "initcap": ("col", None), "translate": ("srcCol, matching, replace", None),
    "instr": ("str, substr", None), "locate": ("substr, str, pos=1", None),
    "format_string": ("format, *cols", None), "format_number": ("col, d", None),
    "repeat": ("col, n", None), "reverse": ("col", None), "md5": ("col", None),
    "sha1": ("col", None), "sha2": ("col, numBits", None), "crc32": ("col", None),
    "hash": ("*cols", None), "xxhash64": ("*cols", None), "base64": ("col", None),
    "unbase64": ("col", None), "encode": ("col, charset", None),
    "decode": ("col, charset", None), "ascii": ("col", None), "soundex": ("col", None),
    "levenshtein": ("left, right, threshold=None", None),
    # null handling / conditionals
    "coalesce": ("*cols", None), "isnull": ("col", None), "isnan": ("col", None),
    "nanvl": ("col1, col2", None), "greatest": ("*cols", None), "least": ("*cols", None),
    "ifnull": ("col1, col2", None), "nullif": ("col1, col2", None),
    "nvl": ("col1, col2", None), "nvl2": ("col1, col2, col3", None),
    # math
    "abs": ("col", None), "round": ("col, scale=0", None), "bround": ("col, scale=0", None),
    "floor": ("col", None), "ceil": ("col", None), "sqrt": ("col", None),
    "exp": ("col", None), "log": ("arg1, arg2=None", None), "log10": ("col", None),
    "pow": ("col1, col2", None), "signum": ("col", None), "rand": ("seed=None", None),
    "randn": ("seed=None", None),
    # collections / json
    "array": ("*cols", None), "struct": ("*cols", None), "create_map": ("*cols", None),
    "explode": ("col", "gen"), "explode_outer": ("col", "gen"), "posexplode": ("col", "gen"),
    "size": ("col", None), "array_contains": ("col, value", None),
    "element_at": ("col, extraction", None),
    "array_join": ("col, delimiter, null_replacement=None", None),
    "flatten": ("col", None), "sort_array": ("col, asc=True", None),
    "array_distinct": ("col", None), "map_keys": ("col", None), "map_values": ("col", None),
    "to_json": ("col, options=None", None), "from_json": ("col, schema, options=None", None),
    "get_json_object": ("col, path", None), "json_tuple": ("col, *fields", None),
    # misc
    "monotonically_increasing_id": ("", None), "input_file_name": ("", None),
    "spark_partition_id": ("", None), "raise_error": ("errMsg", None), "asc": ("col", None), "desc": ("col", None),
    "asc_nulls_first": ("col", None), "asc_nulls_last": ("col", None),
    "desc_nulls_first": ("col", None), "desc_nulls_last": ("col", None),
}


def _colarg(v, fname, pname):
    if isinstance(v, Column):
        return v
    if isinstance(v, str):
        return Column._ref(v)
    S.require(False, "functions.%s" % fname,
              "[NOT_COLUMN_OR_STR] Argument `%s` should be a Column or str, got %s."
              % (pname, type(v).__name__), PySparkTypeError)


def _build(fname, kind, bound):
    """bound: list of (param, value, is_var) in order."""
    parts, refs, agg_col = [], set(), None
    first_col = None
    for pname, value, var in bound:
        vals = value if var else [value]
        for v in vals:
            if pname in _COLPARAMS:
                if fname in ("count",) and isinstance(v, str) and v == "*":
                    c = Column._make("1", ())
                else:
                    c = _colarg(v, fname, pname)
                refs |= c._refs
                parts.append(c._expr)
                if first_col is None:
                    first_col = c
            elif v is None:
                continue
            elif isinstance(v, Column):
                refs |= v._refs
                parts.append(v._expr)
            else:
                parts.append(_lit_sql(v) if not isinstance(v, (dict, list)) else repr(v))
    sqlname = {"countDistinct": "count", "count_distinct": "count", "mean": "avg",
               "sum_distinct": "sum"}.get(fname, fname)
    inner = ", ".join(parts)
    if fname in ("countDistinct", "count_distinct", "sum_distinct"):
        inner = "DISTINCT " + inner
    expr = "%s(%s)" % (sqlname, inner)
    if fname.startswith(("asc", "desc")):
        return Column._make("%s %s" % (parts[0], fname.upper().replace("_", " ")), refs,
                            kind="sort")
    agg = None
    if kind == "agg":
        agg_col = first_col._out if first_col is not None else None
        agg = (fname, agg_col, getattr(first_col, "_cast", None))
    ev = None
    if kind is None and first_col is not None and first_col._ev is not None and \
            fname in ("upper", "lower", "trim", "coalesce", "isnull"):
        e = first_col._ev
        ev = {"upper": _safe(lambda r: e(r).upper()),
              "lower": _safe(lambda r: e(r).lower()),
              "trim": _safe(lambda r: e(r).strip()),
              "coalesce": e,
              "isnull": _safe(lambda r: e(r) is None)}[fname]
    c = Column._make(expr, refs, ev, expr, agg,
                     kind={"window": "needs_window", "transform": "transform",
                           "agg": "agg", "gen": "gen"}.get(kind))
    return c


def _define(fname, params, kind):
    plist = [p.strip() for p in params.split(",") if p.strip()]
    names = []
    for p in plist:
        nm = p.split("=")[0].lstrip("*")
        names.append((nm, p.startswith("*")))
    src = "def %s(%s):\n    return _dispatch(%r, %r, [%s])\n" % (
        fname, params, fname, kind,
        ", ".join("(%r, %s, %s)" % (n, n, v) for n, v in names))
    ns = {"_dispatch": _dispatch}
    exec(src, ns)
    fn = ns[fname]
    fn.__module__ = __name__
    return S.checked_function("functions.%s" % fname)(fn)


def _dispatch(fname, kind, bound):
    if fname == "from_json":
        S.text("functions.from_json", "schema", dict((n, v) for n, v, _ in bound)["schema"])
    check = _CHECKS.get(fname)
    if check:
        check(dict((n, v) for n, v, _ in bound))
    return _build(fname, kind, bound)


def _need(cond, fname, msg, exc=PySparkTypeError):
    S.require(cond, "functions.%s" % fname, msg, exc)


_CHECKS = {
    "sha2": lambda a: _need(a["numBits"] in (0, 224, 256, 384, 512), "sha2",
                            "numBits should be one of {0, 224, 256, 384, 512}",
                            PySparkValueError),
    "date_format": lambda a: _need(isinstance(a["format"], str), "date_format",
                                   "format must be str"),
    "to_timestamp": lambda a: _need(a["format"] is None or isinstance(a["format"], str),
                                    "to_timestamp", "format must be str"),
    "to_date": lambda a: _need(a["format"] is None or isinstance(a["format"], str),
                               "to_date", "format must be str"),
    "concat_ws": lambda a: _need(isinstance(a["sep"], str), "concat_ws", "sep must be str"),
    "round": lambda a: _need(isinstance(a["scale"], int), "round", "scale must be int"),
    "date_trunc": lambda a: _need(isinstance(a["format"], str), "date_trunc",
                                  "format must be str"),
}

for _n, (_p, _k) in _SPECS.items():
    globals()[_n] = _define(_n, _p, _k)
del _n, _p, _k


@S.checked_function("functions.col")
def col(col):
    _need(isinstance(col, str), "col",
          "[NOT_STR] Argument `col` should be a str, got %s." % type(col).__name__)
    return Column._ref(col)


column = col


@S.checked_function("functions.lit")
def lit(col):
    if isinstance(col, Column):
        return col
    if isinstance(col, (list, tuple)):
        return globals()["array"](*[lit(x) for x in col])
    return Column._lit(col)


@S.checked_function("functions.expr")
def expr(str):
    _need(isinstance(str, builtins.str), "expr", "expr() takes a SQL string")
    S.text("functions.expr", "expr", str)
    text, err = S.strip_sql(str)
    if err:
        from pyspark.errors import ParseException
        S.violation("functions.expr", err)
        raise ParseException("[PARSE_SYNTAX_ERROR] Syntax error in expression %r: %s"
                             % (str, err))
    c = Column._make(str.strip(), set(), None, str.strip())
    a = S.item_agg(str)
    if a:
        c._agg = (a[0], a[1], None)
        c._kind = "agg"
    c._sqlexpr = True
    return c


@S.checked_function("functions.when")
def when(condition, value):
    _need(isinstance(condition, Column), "when",
          "[NOT_COLUMN] Argument `condition` should be a Column, got %s."
          % type(condition).__name__)
    v = _to_col(value)
    c = Column._make("CASE WHEN %s THEN %s END" % (condition._expr, v._expr),
                     condition._refs | v._refs)
    c._case = True
    return c


@S.checked_function("functions.bucket")
def bucket(numBuckets, col):
    _need(isinstance(numBuckets, (int, Column)) and not isinstance(numBuckets, bool), "bucket",
          "[NOT_COLUMN_OR_INT] Argument `numBuckets` should be a Column or int, got %s."
          % type(numBuckets).__name__)
    c = _colarg(col, "bucket", "col")
    n = numBuckets._expr if isinstance(numBuckets, Column) else str(numBuckets)
    return Column._make("bucket(%s, %s)" % (n, c._expr), c._refs, kind="transform")


@S.checked_function("functions.broadcast")
def broadcast(df):
    from pyspark.sql.dataframe import DataFrame
    S.require_type(df, DataFrame, "functions.broadcast", "df")
    return df


@S.checked_function("functions.udf")
def udf(f=None, returnType=None, *, useArrow=None):
    def wrap(fn):
        def call(*cols):
            cs = [_colarg(c, "udf", "col") for c in cols]
            refs = set()
            for c in cs:
                refs |= c._refs
            return Column._make("%s(%s)" % (getattr(fn, "__name__", "udf"),
                                            ", ".join(c._expr for c in cs)), refs)
        call.func = fn
        call.returnType = returnType
        return call
    if f is None or isinstance(f, str):
        return wrap
    return wrap(f)


@S.checked_function("functions.window")
def window(timeColumn, windowDuration, slideDuration=None, startTime=None):
    c = _colarg(timeColumn, "window", "timeColumn")
    return Column._make("window(%s, '%s')" % (c._expr, windowDuration), c._refs, None, "window")


_ = (datetime, _NOEVAL)


# ---- higher-order functions (PySpark 3.5: pyspark.sql.functions.transform,
# exists, filter, forall, transform_keys, transform_values, map_filter).
# f is a Python function of 1 or 2 Columns returning a Column; PySpark
# calls it once with lambda variables (x, y, ...) to build the expression,
# and refuses any other arity ("[WRONG_NUM_ARGS_FOR_HIGHER_ORDER_FUNCTION]").
_LAMBDA_IDS = []   # lambda variables are numbered in call order (Spark: x_0, x_1, ...)


def _higher_order(fname, col, f, arities):
    import inspect as _inspect
    c = _colarg(col, fname, "col")
    _need(callable(f), fname, "[NOT_CALLABLE] Argument `f` should be a function, got %s."
          % type(f).__name__)
    try:
        nargs = len(_inspect.signature(f).parameters)
    except (TypeError, ValueError):
        nargs = -1
    _need(nargs in arities, fname,
          "[WRONG_NUM_ARGS_FOR_HIGHER_ORDER_FUNCTION] Function `%s` should take between 1 "
          "and 3 arguments, but provided function takes %d." % (fname, nargs),
          PySparkValueError)
    names = ["x", "y", "z"][:nargs]
    _LAMBDA_IDS.append(len(_LAMBDA_IDS))
    lambda_vars = [Column._make("%s_%d" % (n, _LAMBDA_IDS[-1]), (), None, n) for n in names]
    body = f(*lambda_vars)
    _need(isinstance(body, Column), fname,
          "[HIGHER_ORDER_FUNCTION_SHOULD_RETURN_COLUMN] Function `%s` should return Column, "
          "got %s." % (fname, type(body).__name__))
    # The body may only refer to the lambda's variables and outer columns.
    return Column._make("%s(%s, lambdafunction(%s, %s))" % (
        fname, c._expr, body._expr, ", ".join(v._expr for v in lambda_vars)),
        c._refs | body._refs, None, fname)


@S.checked_function("functions.transform")
def transform(col, f):
    return _higher_order("transform", col, f, (1, 2))


@S.checked_function("functions.exists")
def exists(col, f):
    c = _higher_order("exists", col, f, (1,))
    c._bool = True
    return c


@S.checked_function("functions.forall")
def forall(col, f):
    c = _higher_order("forall", col, f, (1,))
    c._bool = True
    return c


@S.checked_function("functions.transform_keys")
def transform_keys(col, f):
    return _higher_order("transform_keys", col, f, (2,))


@S.checked_function("functions.transform_values")
def transform_values(col, f):
    return _higher_order("transform_values", col, f, (2,))


@S.checked_function("functions.map_filter")
def map_filter(col, f):
    return _higher_order("map_filter", col, f, (2,))


# timestamp_millis and timestamp_micros are new in PySpark 3.5.0.
timestamp_millis = _define("timestamp_millis", "col", None)
timestamp_micros = _define("timestamp_micros", "col", None)


_coalesce = coalesce


@S.checked_function("functions.coalesce")
def coalesce(*cols):
    c = _coalesce(*cols)
    # boolean when every argument is (a schema knows it as such)
    c._bool = bool(cols) and all(getattr(x, "_bool", False) for x in cols
                                 if isinstance(x, Column))
    return c
