"""Stand-in of pyspark.sql.Column (PySpark 3.5).

A Column carries the SQL text Spark would show, the column names it
references (checked against known schemas), aggregate information (so
collect() of an aggregate can return plausible values) and, when it can, an
evaluator over a row dict (used on the few concrete frames: DQ outcomes,
createDataFrame data, aggregate results)."""
import datetime
import decimal
import re

import _standin as S
from pyspark.errors import PySparkTypeError, PySparkValueError

__all__ = ["Column"]

_NOEVAL = object()


def _lit_sql(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, decimal.Decimal)):
        return repr(v) if isinstance(v, float) else str(v)
    if isinstance(v, datetime.datetime):
        return "TIMESTAMP '%s'" % v.isoformat(sep=" ")
    if isinstance(v, datetime.date):
        return "DATE '%s'" % v.isoformat()
    if isinstance(v, str):
        return "'%s'" % v.replace("'", "\\'")
    if isinstance(v, (list, tuple)):
        return "array(%s)" % ", ".join(_lit_sql(x) for x in v)
    raise PySparkTypeError(
        "[UNSUPPORTED_LITERAL] Unsupported Literal Type %s" % type(v).__name__)


def _to_col(v, api="Column"):
    """Python value or Column -> Column (what Spark does for operator args)."""
    if isinstance(v, Column):
        return v
    return Column._lit(v)


def _name_col(v, api):
    """str or Column -> Column (a string is a column name)."""
    if isinstance(v, Column):
        return v
    if isinstance(v, str):
        return Column._ref(v)
    S.require(False, api, "[NOT_COLUMN_OR_STR] Argument `col` should be a Column or str, "
              "got %s." % type(v).__name__, PySparkTypeError)


def _safe(fn):
    def ev(row):
        try:
            return fn(row)
        except (TypeError, ValueError, KeyError, ArithmeticError):
            return _NOEVAL
    return ev


# Operators whose result is a boolean column (DataFrame schemas type it so).
_PREDICATE_OPS = {"=", "!=", "<>", "<", "<=", ">", ">=", "<=>", "AND", "OR"}


class Column:
    def __init__(self, jc=None):
        # The real constructor takes a py4j JavaObject; scripts never call it.
        self._expr = jc if isinstance(jc, str) else "?"
        self._out = self._expr
        self._refs = set()
        self._agg = None
        self._ev = None
        self._kind = None

    # -- construction helpers (private)
    @classmethod
    def _make(cls, expr, refs=(), ev=None, out=None, agg=None, kind=None):
        c = cls.__new__(cls)
        c._expr = expr
        c._out = out if out is not None else expr
        c._refs = set(refs)
        c._agg = agg
        c._ev = ev
        c._kind = kind
        return c

    @classmethod
    def _ref(cls, name):
        if name == "*":
            return cls._make("*", (), None, "*")
        # Spark's attribute name parsing: dots split the name except inside
        # backquotes, where a doubled backquote stands for one.
        parts = [q.replace("``", "`") if q or not p else p
                 for q, p in re.findall(r"`((?:[^`]|``)*)`|([^.`]+)", name)] or [name]
        top = parts[0]
        return cls._make(name, {top}, _safe(lambda r: r[top] if top in r else _NOEVAL_KEY(top)),
                         parts[-1])

    @classmethod
    def _lit(cls, v):
        c = cls._make(_lit_sql(v), (), lambda r: v, _lit_sql(v).strip("'"))
        c._bool = isinstance(v, bool)
        return c

    def _standin_repr(self):
        return self._expr

    def __repr__(self):
        return "Column<'%s'>" % self._expr

    # -- operators
    def _bin(self, op, other, fn, reverse=False):
        o = _to_col(other)
        a, b = (o, self) if reverse else (self, o)
        ev = None
        if a._ev is not None and b._ev is not None:
            ea, eb = a._ev, b._ev

            def ev(row):
                x, y = ea(row), eb(row)
                if x is _NOEVAL or y is _NOEVAL:
                    return _NOEVAL
                if x is None or y is None:
                    return None
                try:
                    return fn(x, y)
                except (TypeError, ValueError, ArithmeticError):
                    return _NOEVAL
        c = Column._make("(%s %s %s)" % (a._expr, op, b._expr), a._refs | b._refs, ev)
        c._bool = op in _PREDICATE_OPS
        return c

    def __eq__(self, other):
        return self._bin("=", other, lambda x, y: x == y)

    def __ne__(self, other):
        c = self._bin("=", other, lambda x, y: x != y)
        c._expr = "(NOT %s)" % c._expr
        c._out = c._expr
        return c

    def __lt__(self, other):
        return self._bin("<", other, lambda x, y: x < y)

    def __le__(self, other):
        return self._bin("<=", other, lambda x, y: x <= y)

    def __gt__(self, other):
        return self._bin(">", other, lambda x, y: x > y)

    def __ge__(self, other):
        return self._bin(">=", other, lambda x, y: x >= y)

    def __add__(self, other):
        return self._bin("+", other, lambda x, y: x + y)

    def __radd__(self, other):
        return self._bin("+", other, lambda x, y: x + y, True)

    def __sub__(self, other):
        return self._bin("-", other, lambda x, y: x - y)

    def __rsub__(self, other):
        return self._bin("-", other, lambda x, y: x - y, True)

    def __mul__(self, other):
        return self._bin("*", other, lambda x, y: x * y)

    def __rmul__(self, other):
        return self._bin("*", other, lambda x, y: x * y, True)

    def __truediv__(self, other):
        return self._bin("/", other, lambda x, y: x / y)

    def __rtruediv__(self, other):
        return self._bin("/", other, lambda x, y: x / y, True)

    def __mod__(self, other):
        return self._bin("%", other, lambda x, y: x % y)

    def __rmod__(self, other):
        return self._bin("%", other, lambda x, y: x % y, True)

    def __pow__(self, other):
        return self._bin("POWER", other, lambda x, y: x ** y)

    def __and__(self, other):
        return self._bin("AND", other, lambda x, y: bool(x) and bool(y))

    def __rand__(self, other):
        return self._bin("AND", other, lambda x, y: bool(x) and bool(y), True)

    def __or__(self, other):
        return self._bin("OR", other, lambda x, y: bool(x) or bool(y))

    def __ror__(self, other):
        return self._bin("OR", other, lambda x, y: bool(x) or bool(y), True)

    def __invert__(self):
        ev = None
        if self._ev is not None:
            e = self._ev

            def ev(row):
                x = e(row)
                return x if x is _NOEVAL or x is None else (not x)
        c = Column._make("(NOT %s)" % self._expr, self._refs, ev)
        c._bool = True
        return c

    def __neg__(self):
        ev = None
        if self._ev is not None:
            e = self._ev
            ev = _safe(lambda r: -e(r))
        return Column._make("(- %s)" % self._expr, self._refs, ev)

    def __bool__(self):
        S.violation("Column.__bool__", "Cannot convert column into bool")
        raise PySparkValueError(
            "[CANNOT_CONVERT_COLUMN_INTO_BOOL] Cannot convert column into bool: please use "
            "'&' for 'and', '|' for 'or', '~' for 'not' when building DataFrame boolean "
            "expressions.")

    __nonzero__ = __bool__

    def __iter__(self):
        S.violation("Column.__iter__", "Column is not iterable")
        raise PySparkTypeError("[NOT_ITERABLE] Column is not iterable.")

    def __contains__(self, item):
        S.violation("Column.__contains__", "'in' against a column")
        raise PySparkValueError(
            "[CANNOT_APPLY_IN_FOR_COLUMN] Cannot apply 'in' operator against a column: please "
            "use 'contains' in a string column or 'array_contains' function for an array column.")

    __hash__ = None

    def __getitem__(self, k):
        if isinstance(k, slice):
            return self.substr(k.start, k.stop)
        return Column._make("%s[%s]" % (self._expr, _to_col(k)._expr), self._refs)

    def __getattr__(self, item):
        if item.startswith("__") or item.startswith("_"):
            raise AttributeError(item)
        return self.getField(item)

    # -- methods
    def alias(self, *alias, **kwargs):
        for k in kwargs:
            S.require(k == "metadata", "Column.alias",
                      "alias() got an unexpected keyword argument '%s'" % k)
        S.require(len(alias) >= 1, "Column.alias", "alias() needs a name")
        for a in alias:
            S.require_type(a, str, "Column.alias", "alias")
        c = Column._make(self._expr, self._refs, self._ev, alias[0] if len(alias) == 1
                         else "(%s)" % ", ".join(alias), self._agg, self._kind)
        c._expr = "%s AS %s" % (self._expr, alias[0]) if len(alias) == 1 else c._expr
        c._alias_of = self._expr
        if getattr(self, "_cast", None):
            c._cast = self._cast
        c._bool = getattr(self, "_bool", False)
        return c

    name = alias

    def cast(self, dataType):
        from pyspark.sql.types import DataType, _parse_datatype_string
        if isinstance(dataType, str):
            S.text("Column.cast", "type", dataType)
            dt = _parse_datatype_string(dataType)
        elif isinstance(dataType, DataType):
            dt = dataType
        else:
            S.require(False, "Column.cast", "[NOT_DATATYPE_OR_STR] Argument `dataType` should "
                      "be a DataType or str, got %s." % type(dataType).__name__,
                      PySparkTypeError)
        c = Column._make("CAST(%s AS %s)" % (self._expr, dt.simpleString().upper()),
                         self._refs, None, self._out, self._agg)
        c._cast = dt.simpleString()
        return c

    astype = cast

    def isNull(self):
        ev = None
        if self._ev is not None:
            e = self._ev
            ev = (lambda r: e(r) if e(r) is _NOEVAL else e(r) is None)
        c = Column._make("(%s IS NULL)" % self._expr, self._refs, ev)
        c._bool = True
        return c

    def isNotNull(self):
        ev = None
        if self._ev is not None:
            e = self._ev
            ev = (lambda r: e(r) if e(r) is _NOEVAL else e(r) is not None)
        c = Column._make("(%s IS NOT NULL)" % self._expr, self._refs, ev)
        c._bool = True
        return c

    def between(self, lowerBound, upperBound):
        return (self >= lowerBound) & (self <= upperBound)

    def isin(self, *cols):
        if len(cols) == 1 and isinstance(cols[0], (list, set)):
            cols = tuple(cols[0])
        items = [_to_col(c) for c in cols]
        ev = None
        if self._ev is not None and all(i._ev is not None for i in items):
            e = self._ev
            ev = _safe(lambda r: e(r) in [i._ev(r) for i in items])
        refs = set(self._refs)
        for i in items:
            refs |= i._refs
        return Column._make("(%s IN (%s))" % (self._expr, ", ".join(i._expr for i in items)),
                            refs, ev)

    def _strop(self, name, other, fn):
        o = _to_col(other)
        ev = None
        if self._ev is not None and o._ev is not None:
            e, f = self._ev, o._ev
            ev = _safe(lambda r: fn(e(r), f(r)))
        return Column._make("%s(%s, %s)" % (name, self._expr, o._expr), self._refs | o._refs, ev)

    def like(self, other):
        return Column._make("%s LIKE %s" % (self._expr, _lit_sql(other)), self._refs)

    def ilike(self, other):
        return Column._make("%s ILIKE %s" % (self._expr, _lit_sql(other)), self._refs)

    def rlike(self, other):
        return Column._make("%s RLIKE %s" % (self._expr, _lit_sql(other)), self._refs)

    def contains(self, other):
        return self._strop("contains", other, lambda a, b: b in a)

    def startswith(self, other):
        return self._strop("startswith", other, lambda a, b: a.startswith(b))

    def endswith(self, other):
        return self._strop("endswith", other, lambda a, b: a.endswith(b))

    def substr(self, startPos, length):
        S.require(type(startPos) == type(length), "Column.substr",
                  "[NOT_SAME_TYPE] startPos and length must be the same type", PySparkTypeError)
        return Column._make("substring(%s, %s, %s)" % (self._expr, _to_col(startPos)._expr,
                                                        _to_col(length)._expr), self._refs)

    def eqNullSafe(self, other):
        return self._bin("<=>", other, lambda x, y: x == y)

    def bitwiseAND(self, other):
        return self._bin("&", other, lambda x, y: x & y)

    def bitwiseOR(self, other):
        return self._bin("|", other, lambda x, y: x | y)

    def bitwiseXOR(self, other):
        return self._bin("^", other, lambda x, y: x ^ y)

    def getItem(self, key):
        return Column._make("%s[%s]" % (self._expr, _lit_sql(key)), self._refs)

    def getField(self, name):
        return Column._make("%s.%s" % (self._expr, name), self._refs, None, name)

    def withField(self, fieldName, col):
        S.require_type(fieldName, str, "Column.withField", "fieldName")
        S.require_type(col, Column, "Column.withField", "col", PySparkTypeError)
        return Column._make("update_fields(%s, %s)" % (self._expr, fieldName), self._refs)

    def dropFields(self, *fieldNames):
        return Column._make("drop_fields(%s)" % self._expr, self._refs)

    def asc(self):
        return Column._make("%s ASC NULLS FIRST" % self._expr, self._refs, kind="sort")

    def asc_nulls_first(self):
        return Column._make("%s ASC NULLS FIRST" % self._expr, self._refs, kind="sort")

    def asc_nulls_last(self):
        return Column._make("%s ASC NULLS LAST" % self._expr, self._refs, kind="sort")

    def desc(self):
        return Column._make("%s DESC NULLS LAST" % self._expr, self._refs, kind="sort")

    def desc_nulls_first(self):
        return Column._make("%s DESC NULLS FIRST" % self._expr, self._refs, kind="sort")

    def desc_nulls_last(self):
        return Column._make("%s DESC NULLS LAST" % self._expr, self._refs, kind="sort")

    def when(self, condition, value):
        S.require_type(condition, Column, "Column.when", "condition", PySparkTypeError)
        S.require(getattr(self, "_case", False), "Column.when",
                  "when() can only be applied on a Column previously generated by when() "
                  "function", PySparkTypeError)
        v = _to_col(value)
        c = Column._make(self._expr[:-4] + "WHEN %s THEN %s END" % (condition._expr, v._expr),
                         self._refs | condition._refs | v._refs)
        c._case = True
        return c

    def otherwise(self, value):
        S.require(getattr(self, "_case", False) and not getattr(self, "_closed", False),
                  "Column.otherwise", "otherwise() can only be applied on a Column previously "
                  "generated by when()", PySparkTypeError)
        v = _to_col(value)
        c = Column._make(self._expr[:-4] + "ELSE %s END" % v._expr, self._refs | v._refs)
        c._closed = True
        return c

    def over(self, window):
        from pyspark.sql.window import WindowSpec
        S.require_type(window, WindowSpec, "Column.over", "window", PySparkTypeError)
        return Column._make("%s OVER (%s)" % (self._expr, window._sql()),
                            self._refs | window._refs, None, self._out, kind="window")


def _NOEVAL_KEY(name):
    raise KeyError(name)


S.strict(Column)
# Column resolves unknown attributes to struct fields (df.col.field), as the
# real class does; keep that rather than the strict AttributeError.
del Column.__getattr__


def _col_getattr(self, item):
    if item.startswith("_"):
        raise AttributeError(item)
    return self.getField(item)


Column.__getattr__ = _col_getattr
