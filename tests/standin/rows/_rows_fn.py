"""Collection, higher-order and JSON functions of the row-level stand-in
(pyspark.sql.functions): transform, exists, transform_values,
transform_keys, map_values, map_keys, map_filter, create_map, to_json,
concat_ws.

A lambda's body is resolved against the enclosing frame's columns plus one
column per lambda variable (named _lambda_N, numbered in call order), so a
body may use outer columns and lambdas nest.

DOC: Spark 3.5 built-in functions,
  https://spark.apache.org/docs/3.5.0/api/sql/index.html :
  - transform(expr, func) "Transforms elements in an array using the
    function"; NULL array -> NULL.
  - exists(expr, pred) "Tests whether a predicate holds for one or more
    elements in the array"; with
    spark.sql.legacy.followThreeValuedLogicInArrayExists (default true) it
    is NULL when no element gives true and some element gives NULL.
  - transform_values / transform_keys (expr, func(k, v)); map_filter(expr,
    func(k, v)) keeps the entries where func is true; map_values /
    map_keys return the values / keys as an array.
  - create_map(k1, v1, ...): a NULL key fails ("Cannot use null as map
    key"), and with spark.sql.mapKeyDedupPolicy=EXCEPTION (the default) so
    does a repeated key; transform_keys fails the same way on a NULL key.
  - concat_ws(sep, ...) skips NULL arguments (and NULL array elements).
  - to_json(struct): JSON with the struct's field names; with
    spark.sql.jsonGenerator.ignoreNullFields (default true) NULL fields are
    left out; timestamps in the default timestampFormat
    "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]" in the session time zone (UTC here),
    dates "yyyy-MM-dd" (https://spark.apache.org/docs/3.5.0/sql-data-sources-json.html).
"""
import datetime
import decimal
import json

import _rows as R

_LAMBDA_N = [0]


def _lambda(fr, types, f):
    """Resolves f(*variables) in fr extended by one column per variable.
    Returns (fn(row, *values) -> value, type of the body)."""
    names = []
    for _ in types:
        _LAMBDA_N[0] += 1
        names.append("_lambda_%d" % _LAMBDA_N[0])
    inner = R.Frame(list(fr.columns) + list(zip(names, types)), [])
    body = f(*[R.col("`%s`" % n) for n in names])
    bf, bt, _ = R._to_col(body)._resolve(inner)
    return (lambda r, *vals: bf(list(r) + list(vals))), bt


def _arg(c):
    return R.col(c) if isinstance(c, str) else c


def _array_elem(t):
    return t[1] if isinstance(t, tuple) and t[0] == "array" else "null"


def _map_types(t):
    return (t[1], t[2]) if isinstance(t, tuple) and t[0] == "map" else ("null", "null")


def _null_key():
    raise RuntimeError("[NULL_MAP_KEY] Cannot use null as map key.")


def transform(c, f):
    c = _arg(c)

    def res(fr):
        g, t, n = c._resolve(fr)
        body, bt = _lambda(fr, [_array_elem(t)], f)

        def fn(r):
            a = g(r)
            return None if a is None else [body(r, x) for x in a]
        return fn, ("array", bt), n
    return R.Column(res, "transform(%s)" % c._sql)


def exists(c, f):
    c = _arg(c)

    def res(fr):
        g, t, _ = c._resolve(fr)
        body, _ = _lambda(fr, [_array_elem(t)], f)

        def fn(r):
            a = g(r)
            if a is None:
                return None
            got = [body(r, x) for x in a]
            if any(v is True for v in got):
                return True
            return None if any(v is None for v in got) else False
        return fn, "boolean", "exists(%s)" % c._sql
    return R.Column(res, "exists(%s)" % c._sql)


def transform_values(c, f):
    c = _arg(c)

    def res(fr):
        g, t, n = c._resolve(fr)
        kt, vt = _map_types(t)
        body, bt = _lambda(fr, [kt, vt], f)

        def fn(r):
            m = g(r)
            return None if m is None else {k: body(r, k, v) for k, v in m.items()}
        return fn, ("map", kt, bt), n
    return R.Column(res, "transform_values(%s)" % c._sql)


def transform_keys(c, f):
    c = _arg(c)

    def res(fr):
        g, t, n = c._resolve(fr)
        kt, vt = _map_types(t)
        body, bt = _lambda(fr, [kt, vt], f)

        def fn(r):
            m = g(r)
            if m is None:
                return None
            out = {}
            for k, v in m.items():
                nk = body(r, k, v)
                if nk is None:
                    _null_key()
                if nk in out:
                    raise RuntimeError("[DUPLICATED_MAP_KEY] Duplicate map key %s was found"
                                       % R.to_string(nk))
                out[nk] = v
            return out
        return fn, ("map", bt, vt), n
    return R.Column(res, "transform_keys(%s)" % c._sql)


def map_filter(c, f):
    c = _arg(c)

    def res(fr):
        g, t, n = c._resolve(fr)
        kt, vt = _map_types(t)
        body, _ = _lambda(fr, [kt, vt], f)

        def fn(r):
            m = g(r)
            return None if m is None else {k: v for k, v in m.items() if body(r, k, v) is True}
        return fn, t, n
    return R.Column(res, "map_filter(%s)" % c._sql)


def map_values(c):
    c = _arg(c)

    def res(fr):
        g, t, n = c._resolve(fr)
        return (lambda r: None if g(r) is None else list(g(r).values())), \
            ("array", _map_types(t)[1]), n
    return R.Column(res, "map_values(%s)" % c._sql)


def map_keys(c):
    c = _arg(c)

    def res(fr):
        g, t, n = c._resolve(fr)
        return (lambda r: None if g(r) is None else list(g(r).keys())), \
            ("array", _map_types(t)[0]), n
    return R.Column(res, "map_keys(%s)" % c._sql)


def create_map(*cols):
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = cols[0]
    cs = [_arg(c) for c in cols]

    def res(fr):
        rs = [c._resolve(fr) for c in cs]
        kt = next((t for _, t, _ in rs[0::2] if t != "null"), "null")
        vt = next((t for _, t, _ in rs[1::2] if t != "null"), "null")

        def fn(r):
            out = {}
            for (kf, _, _), (vf, _, _) in zip(rs[0::2], rs[1::2]):
                k = kf(r)
                if k is None:
                    _null_key()
                if k in out:
                    raise RuntimeError("[DUPLICATED_MAP_KEY] Duplicate map key %s was found"
                                       % R.to_string(k))
                out[k] = vf(r)
            return out
        return fn, ("map", kt, vt), "map(...)"
    return R.Column(res, "map(%s)" % ", ".join(c._sql for c in cs))


def _json(v, t):
    """v (of type t) as Spark's JSON generator writes it."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        s = v.strftime("%Y-%m-%dT%H:%M:%S")
        if v.microsecond:
            s += ".%03d" % (v.microsecond // 1000)
        return json.dumps(s + "Z")
    if isinstance(v, datetime.date):
        return json.dumps(v.isoformat())
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) \
            else json.dumps(R.to_string(v))
    if isinstance(v, dict):
        types = dict(t[1]) if isinstance(t, tuple) and t[0] == "struct" else {}
        vt = t[2] if isinstance(t, tuple) and t[0] == "map" else None
        return "{" + ",".join(json.dumps(R.to_string(k), ensure_ascii=False) + ":"
                              + _json(x, types.get(k, vt))
                              for k, x in v.items() if x is not None or vt is not None) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_json(x, _array_elem(t)) for x in v) + "]"
    if isinstance(v, int):
        return str(v)
    return json.dumps(R.to_string(v), ensure_ascii=False)


def to_json(c, options=None):
    c = _arg(c)

    def res(fr):
        g, t, _ = c._resolve(fr)

        def fn(r):
            v = g(r)
            if v is None:
                return None
            return _json(v, t)
        return fn, "string", "to_json(%s)" % c._sql
    return R.Column(res, "to_json(%s)" % c._sql)


def concat_ws(sep, *cols):
    cs = [_arg(c) for c in cols]

    def res(fr):
        fs = [c._resolve(fr)[0] for c in cs]

        def fn(r):
            parts = []
            for f in fs:
                v = f(r)
                if isinstance(v, list):
                    parts += [R.to_string(x) for x in v if x is not None]
                elif v is not None:
                    parts.append(R.to_string(v))
            return sep.join(parts)
        return fn, "string", "concat_ws(...)"
    return R.Column(res, "concat_ws(%r, ...)" % sep)


def _from_json_value(v, t):
    """A parsed JSON value as type t, the way Spark's JSON parser converts
    it: a value of another JSON kind is NULL (the field alone, PERMISSIVE)."""
    if v is None:
        return None
    if isinstance(t, tuple) and t[0] == "struct":
        if not isinstance(v, dict):
            return None
        return {n: _from_json_value(v.get(n), ft) for n, ft in t[1]}
    if isinstance(t, tuple) and t[0] == "array":
        return [_from_json_value(x, t[1]) for x in v] if isinstance(v, list) else None
    if isinstance(t, tuple) and t[0] == "map":
        return {k: _from_json_value(x, t[2]) for k, x in v.items()} \
            if isinstance(v, dict) else None
    if t == "string":
        return v if isinstance(v, str) else \
            json.dumps(v, separators=(",", ":")) if isinstance(v, (dict, list)) else R.to_string(v)
    if t == "boolean":
        return v if isinstance(v, bool) else None
    if t in ("date", "timestamp"):
        return R.cast_value(v, t) if isinstance(v, str) else None
    if isinstance(v, bool) or isinstance(v, (dict, list, str)):
        return None
    if t in R.INT_RANGE and isinstance(v, float) and v != int(v):
        return None
    return R.cast_value(v, t)


def from_json(c, schema, options=None):
    # DOC: from_json(jsonStr, schema) "Returns a struct value with the given
    #   jsonStr and schema" (Spark 3.5 built-in functions); mode PERMISSIVE
    #   by default. Spark 3.0 migration guide
    #   (https://spark.apache.org/docs/3.0.0/sql-migration-guide.html):
    #   "the JSON string {"a" 1} with the schema a INT is converted to null
    #   by previous versions but Spark 3.0 converts it to Row(null)", and
    #   "the returned row can contain non-null fields if some of JSON
    #   column values were parsed and converted to desired types
    #   successfully". A malformed text for an array or map schema is NULL.
    c = _arg(c)
    t = R.parse_type(schema) if isinstance(schema, str) else schema.internal()

    def res(fr):
        g = c._resolve(fr)[0]

        def fn(r):
            text = g(r)
            if text is None:
                return None
            try:
                v = json.loads(text)
            except ValueError:
                v = None
                if isinstance(t, tuple) and t[0] == "struct":
                    return {n: None for n, _ in t[1]}
                return None
            return _from_json_value(v, t)
        return fn, t, "from_json(%s)" % c._sql
    return R.Column(res, "from_json(%s)" % c._sql)
