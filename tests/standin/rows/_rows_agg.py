"""Aggregate functions of the row-level stand-in: the pyspark.sql.functions
an aggregate job calls (count, count_distinct, sum, avg, min, max, min_by,
max_by), used in DataFrame.groupBy(...).agg(...) and DataFrame.agg(...),
with Spark 3.5's semantics, ANSI mode off (Glue 5.1's default).

DOC: Spark SQL built-in aggregate functions
  (https://spark.apache.org/docs/3.5.0/api/sql/#count and following):
  count(expr) "Returns the number of rows for which the supplied
  expression is non-null" (count(*) or count(1): every row);
  count(DISTINCT expr[, expr...]) "the number of rows for which the
  supplied expression(s) are unique and non-null"; sum, avg, min, max
  skip NULL values and return NULL for a group without a non-NULL value
  ("NULL Semantics", sql-ref-null-semantics.html, "Aggregate
  expressions": "NULL values are ignored from processing by all the
  aggregate functions", count(*) aside); max_by(x, y) "Returns the value
  of x associated with the maximum value of y", min_by likewise, rows
  whose y is NULL ignored (MaxMinBy.scala: a NULL ordering never
  replaces the current one). Which row wins when several share the
  maximum is not specified (it depends on the order Spark reads the
  rows): the stand-in refuses such a tie between different values, so a
  job that relies on it fails here.
DOC: result types (sql/catalyst .../expressions/aggregate/, Spark 3.5):
  Count: LongType; Sum.resultType: LongType for integral arguments,
  DecimalType.bounded(p + 10, s) for decimal(p,s), DoubleType for float
  and double; Average.resultType: DecimalType.bounded(p + 4, s + 4) for
  decimal(p,s) (its value rounded half-up to that scale), DoubleType
  otherwise; Min, Max, MinBy, MaxBy: the type of the value.
DOC: overflow with spark.sql.ansi.enabled=false (sql-ref-ansi-compliance.html):
  "Spark SQL ... returns null for invalid inputs"; a decimal sum whose
  value does not fit its result precision is NULL (Sum.scala evaluates
  with CheckOverflow(..., nullOnOverflow = !ansiEnabled)); a bigint sum
  wraps around (Java long addition).
DOC: NULL keys: GROUP BY puts rows whose key is NULL in one group of their
  own ("NULL Semantics": "for the purpose of grouping ... NULL values are
  considered equal").
"""
import builtins
import decimal

import _rows as R

_INTEGRAL = ("tinyint", "smallint", "int", "bigint")


class Agg:
    """An aggregate: resolve(frame) -> (fn(rows) -> value, type, sql)."""
    def __init__(self, resolve):
        self.resolve = resolve

    def with_cast(self, column, t):
        # DOC: Column.cast on an aggregate: the aggregate's value converted
        #   (Spark's Cast over the aggregate expression).
        def res(fr):
            fn, src, name = self.resolve(fr)
            R.check_cast(src, t, column._sql)
            return (lambda rows: R.cast_value(fn(rows), t)), t, name
        return _column(res, "CAST(%s AS %s)" % (column._sql, R.type_sql(t)))


def _column(res, sql):
    c = R.Column(lambda fr: ((lambda r: None), res(fr)[1], res(fr)[2]), sql, agg=Agg(res))
    c._fn_name = "agg"
    return c


def _arg(c):
    if isinstance(c, str):
        return R.col(c) if c != "*" else R.lit(1)
    return c


def _values(fr, c):
    f, t, _ = c._resolve(fr)
    return f, t


def _order_key(v):
    # Spark's ordering of one value; a struct's fields in order, a NULL
    # field first (ascending order puts NULLs first).
    if isinstance(v, dict):
        return tuple((0,) if x is None else (1, _order_key(x)) for x in v.values())
    return R._sort_key(v)


def count(c):
    a = _arg(c)

    def res(fr):
        f, _ = _values(fr, a)
        return (lambda rows: builtins.sum(1 for r in rows if f(r) is not None)), "bigint", \
            "count(%s)" % a._sql
    return _column(res, "count(%s)" % a._sql)


def count_distinct(c, *cols):
    cs = [_arg(x) for x in (c,) + cols]
    sql = "count(DISTINCT %s)" % ", ".join(x._sql for x in cs)

    def res(fr):
        fs = [_values(fr, x)[0] for x in cs]

        def fn(rows):
            seen = set()
            for r in rows:
                vs = tuple(R._hashable(f(r)) for f in fs)
                if all(v is not None for v in vs):
                    seen.add(vs)
            return len(seen)
        return fn, "bigint", sql
    return _column(res, sql)


countDistinct = count_distinct


def _sum_type(t):
    if t in _INTEGRAL:
        return "bigint"
    if isinstance(t, tuple) and t[0] == "decimal":
        return ("decimal", builtins.min(38, t[1] + 10), t[2])
    if t in ("float", "double"):
        return "double"
    raise R.AnalysisException("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] sum of %s"
                              % R.type_text(t))


def _fits(v, t):
    # a decimal value within its type's precision
    return abs(v) < decimal.Decimal(10) ** (t[1] - t[2])


def sum(c):  # noqa: A001 (pyspark's name)
    a = _arg(c)
    sql = "sum(%s)" % a._sql

    def res(fr):
        f, t = _values(fr, a)
        rt = _sum_type(t)

        def fn(rows):
            vs = [f(r) for r in rows if f(r) is not None]
            if not vs:
                return None
            if rt == "bigint":
                return R._wrap(int(builtins.sum(vs)), 64)
            if rt == "double":
                return float(_pysum(float(v) for v in vs))
            total = _pysum(decimal.Decimal(v) for v in vs)
            return total if _fits(total, rt) else None
        return fn, rt, sql
    return _column(res, sql)


def _pysum(vs):
    return builtins.sum(vs)


def avg(c):
    a = _arg(c)
    sql = "avg(%s)" % a._sql

    def res(fr):
        f, t = _values(fr, a)
        if isinstance(t, tuple) and t[0] == "decimal":
            rt = ("decimal", builtins.min(38, t[1] + 4), builtins.min(38, t[2] + 4))
        elif t in _INTEGRAL or t in ("float", "double"):
            rt = "double"
        else:
            raise R.AnalysisException("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] avg of %s"
                                      % R.type_text(t))

        def fn(rows):
            vs = [f(r) for r in rows if f(r) is not None]
            if not vs:
                return None
            if rt == "double":
                return _pysum(float(v) for v in vs) / len(vs)
            q = decimal.Decimal(1).scaleb(-rt[2])
            with decimal.localcontext() as ctx:
                ctx.prec = 80
                v = (_pysum(decimal.Decimal(x) for x in vs) / len(vs)).quantize(
                    q, rounding=decimal.ROUND_HALF_UP)
            return v if _fits(v, rt) else None
        return fn, rt, sql
    return _column(res, sql)


mean = avg


def _extreme(name, pick):
    def make(c):
        a = _arg(c)
        sql = "%s(%s)" % (name, a._sql)

        def res(fr):
            f, t = _values(fr, a)

            def fn(rows):
                vs = [f(r) for r in rows if f(r) is not None]
                return pick(vs, key=_order_key) if vs else None
            return fn, t, sql
        return _column(res, sql)
    make.__name__ = name
    return make


min = _extreme("min", builtins.min)  # noqa: A001 (pyspark's names)
max = _extreme("max", builtins.max)  # noqa: A001


def _by(name, greatest):
    def make(value, order):
        v, o = _arg(value), _arg(order)
        sql = "%s(%s, %s)" % (name, v._sql, o._sql)

        def res(fr):
            fv, t = _values(fr, v)
            fo, _ = _values(fr, o)

            def fn(rows):
                cands = [(fo(r), fv(r)) for r in rows if fo(r) is not None]
                if not cands:
                    return None
                keys = [_order_key(k) for k, _ in cands]
                best = builtins.max(keys) if greatest else builtins.min(keys)
                won = {R._hashable(x) for k, (_, x) in zip(keys, cands) if k == best}
                if len(won) > 1:
                    raise RuntimeError(
                        "standin rows: %s: rows tie on the ordering with different values "
                        "(%s); Spark's result would depend on the order it reads the rows"
                        % (sql, sorted(map(repr, won))))
                return next(x for k, (_, x) in zip(keys, cands) if k == best)
            return fn, t, sql
        return _column(res, sql)
    make.__name__ = name
    return make


max_by = _by("max_by", True)
min_by = _by("min_by", False)
