"""Stand-in of pyspark.sql.DataFrame (PySpark 3.5).

A DataFrame here has a schema (list of (name, type), or "open" when nothing is
known about the source), a synthetic row count, and optionally concrete rows.
Aggregates without grouping produce one concrete row whose values come from
the run configuration (see _standin): MAX/MIN of anything return the
configured watermark on the incremental path and None on a fresh table.
`mergeInto` (Spark 4.0) deliberately does not exist."""
import datetime
import decimal

import _standin as S
from pyspark.errors import AnalysisException, PySparkTypeError, PySparkValueError
from pyspark.sql.column import Column, _NOEVAL
from pyspark.sql.row import Row, _create_row

__all__ = ["DataFrame", "DataFrameNaFunctions"]

_COUNT_TYPES = {"count", "countDistinct", "count_distinct", "approx_count_distinct",
                "count_if"}
_VALUE_AGGS = {"max", "min", "first", "last", "max_by", "min_by", "any_value", "median",
               "mode", "percentile_approx"}


def _sample_value(name, typ, i):
    t = (typ or "string").lower()
    if t in ("int", "integer", "bigint", "long", "smallint", "short", "tinyint", "byte"):
        return i + 1
    if t in ("double", "float", "real"):
        return float(i + 1)
    if t.startswith("decimal"):
        return decimal.Decimal(i + 1)
    if t == "boolean":
        return True
    if t == "date":
        return datetime.date(2024, 1, 1) + datetime.timedelta(days=i)
    if t.startswith("timestamp"):
        return datetime.datetime(2024, 1, 1) + datetime.timedelta(hours=i)
    return "%s_%d" % (name, i + 1)


class DataFrame:
    def __init__(self, jdf=None, sql_ctx=None):
        # Real signature (jdf, sql_ctx); scripts never construct DataFrames.
        self._init(None, [], 0, "?")

    # ------------------------------------------------------------ internals
    def _init(self, session, cols, count, origin, open_=False, rows=None, empty=False):
        self._session = session
        self._cols = list(cols)
        self._open = open_
        self._count = count
        self._origin = origin
        self._rows = rows          # list of dict, when concrete
        self._aggs = None          # [(name, Column)] for a global aggregate
        self._aggsrc = None
        self._const = {}
        self._empty = empty
        self._filters = []
        self._cached = False
        return self

    @classmethod
    def _new(cls, session, cols, count, origin, open_=False, rows=None, empty=False):
        df = cls.__new__(cls)
        return df._init(session, cols, count, origin, open_, rows, empty)

    def _derive(self, cols=None, count=None, rows=None, open_=None):
        df = DataFrame._new(self._session, self._cols if cols is None else cols,
                            self._count if count is None else count, self._origin,
                            self._open if open_ is None else open_,
                            self._rows if rows is None else rows, self._empty)
        df._const = dict(self._const)
        df._filters = list(self._filters)
        df._aggs, df._aggsrc = self._aggs, self._aggsrc
        return df

    def _standin_repr(self):
        return "DataFrame[%s]" % ", ".join("%s: %s" % c for c in self._cols)

    def __repr__(self):
        return self._standin_repr()

    def _type_of(self, name):
        for n, t in self._cols:
            if n.lower() == name.lower():
                return t
        return None

    def _check_refs(self, col, api):
        if self._open or not isinstance(col, Column):
            for r in getattr(col, "_refs", ()):
                if self._open and r != "*" and self._type_of(r) is None:
                    self._cols.append((r, "string"))
            return
        known = {n.lower() for n, _ in self._cols}
        for r in col._refs:
            if r != "*" and r.lower() not in known:
                S.event("error", api=api, message="unresolved column", column=r,
                        origin=self._origin)
                raise AnalysisException(
                    "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with "
                    "name `%s` cannot be resolved. Did you mean one of the following? [%s]."
                    % (r, ", ".join("`%s`" % n for n, _ in self._cols)))

    def _as_col(self, c, api):
        if isinstance(c, str):
            if c == "*":
                return Column._ref("*")
            c = Column._ref(c)
        elif not isinstance(c, Column):
            S.require(False, api, "[NOT_COLUMN_OR_STR] Argument `col` should be a Column or "
                      "str, got %s." % type(c).__name__, PySparkTypeError)
        if c._kind == "transform":
            S.violation(api, "partition transform used outside partitionedBy")
            raise AnalysisException(
                "[PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY] The expression %s "
                "must be inside 'partitionedBy'." % c._expr)
        if c._kind == "needs_window":
            S.violation(api, "window function without OVER")
            raise AnalysisException(
                "[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE] Window function %s requires an OVER "
                "clause." % c._expr)
        self._check_refs(c, api)
        return c

    def _out_type(self, c):
        if getattr(c, "_cast", None):
            return c._cast
        if getattr(c, "_bool", False):
            return "boolean"
        if c._agg and c._agg[0] in _COUNT_TYPES:
            return "bigint"
        if c._agg and c._agg[1]:
            return c._agg[2] or self._type_of(c._agg[1]) or "string"
        if len(c._refs) == 1 and c._expr.strip("`") in c._refs:
            return self._type_of(next(iter(c._refs))) or "string"
        return "string"

    def _agg_value(self, c):
        src = self._aggsrc if self._aggsrc is not None else self
        func, colname, casted = c._agg
        if func in _COUNT_TYPES:
            return 0 if src._empty else src._count
        if src._empty or src._count == 0:
            return None
        if func in _VALUE_AGGS:
            return S.watermark_value(casted or src._type_of(colname or ""))
        if func in ("sum", "sum_distinct"):
            # Schema mode has no values: a sum over a boolean column (a
            # count of the rows where a condition holds, like the columns
            # step's cast-error flags) is 0, as on clean data.
            if src._type_of(colname or "") == "boolean":
                return 0
            return src._count
        if func in ("avg", "mean"):
            return 1.0
        if func in ("bool_and", "bool_or", "every", "some"):
            return True
        if func in ("collect_list", "collect_set"):
            return []
        return None

    def _materialize(self, limit=None):
        if self._aggs is not None:
            row = {}
            for name, c in self._aggs:
                if c._agg:
                    row[name] = self._agg_value(c)
                elif c._ev is not None:
                    v = c._ev({})
                    row[name] = None if v is _NOEVAL else v
                else:
                    row[name] = None
            rows = [row]
        elif self._rows is not None:
            rows = list(self._rows)
        else:
            n = self._count if limit is None else min(self._count, limit)
            n = min(n, 20)
            rows = []
            for i in range(n):
                rows.append({name: self._const.get(name, _sample_value(name, t, i))
                             for name, t in self._cols})
        if limit is not None:
            rows = rows[:limit]
        names = [n for n, _ in self._cols]
        return [_create_row(names, [r.get(n) for n in names]) for r in rows]

    # ------------------------------------------------------------ properties
    @property
    def columns(self):
        return [n for n, _ in self._cols]

    @property
    def dtypes(self):
        return [(n, t) for n, t in self._cols]

    @property
    def schema(self):
        from pyspark.sql.types import StructType, StructField, StringType, _parse_datatype_string
        fields = []
        for n, t in self._cols:
            try:
                dt = _parse_datatype_string(t)
            except Exception:
                dt = StringType()
            fields.append(StructField(n, dt, True))
        return StructType(fields)

    @property
    def write(self):
        from pyspark.sql.readwriter import DataFrameWriter
        return DataFrameWriter(self)

    @property
    def sparkSession(self):
        return self._session

    @property
    def isStreaming(self):
        return False

    @property
    def na(self):
        return DataFrameNaFunctions(self)

    # ------------------------------------------------------------ transformations
    def select(self, *cols):
        if len(cols) == 1 and isinstance(cols[0], list):
            cols = tuple(cols[0])
        S.require(len(cols) > 0 or True, "DataFrame.select", "")
        out, items = [], []
        for c in cols:
            c = self._as_col(c, "DataFrame.select")
            if c._expr == "*":
                out.extend(self._cols)
                continue
            items.append(c)
            out.append((c._out, self._out_type(c)))
        aggs = [c for c in items if c._kind == "agg"]
        if aggs:
            plain = [c for c in items if c._kind != "agg" and c._refs]
            if plain:
                S.event("error", api="DataFrame.select", message="missing group by")
                raise AnalysisException(
                    "[MISSING_GROUP_BY] The query does not include a GROUP BY clause. Add "
                    "GROUP BY or turn it into the window functions using OVER clauses.")
            df = self._derive(cols=out, count=1, open_=False)
            df._aggs = [(c._out, c) for c in items]
            df._aggsrc = self
            df._rows = None
            return df
        df = self._derive(cols=out, open_=self._open and any(c._expr == "*" for c in cols
                                                              if isinstance(c, Column)))
        if self._rows is not None:
            df._rows = [self._project(r, items, cols) for r in self._rows]
        return df

    def _project(self, row, items, cols):
        out = {}
        for c in cols:
            if isinstance(c, str) and c == "*":
                out.update(row)
        for c in items:
            v = c._ev(row) if c._ev is not None else None
            out[c._out] = None if v is _NOEVAL else v
        return out

    def selectExpr(self, *expr):
        if len(expr) == 1 and isinstance(expr[0], list):
            expr = tuple(expr[0])
        from pyspark.sql import functions as F
        for e in expr:
            S.require_type(e, str, "DataFrame.selectExpr", "expr")
        cols = []
        for e in expr:
            if e.strip() == "*":
                cols.append("*")
                continue
            body, name = S.item_name(e)
            c = F.expr(body)
            c._out = name
            cols.append(c)
        return self.select(*cols)

    def withColumn(self, colName, col):
        S.require_type(colName, str, "DataFrame.withColumn", "colName")
        S.require(isinstance(col, Column), "DataFrame.withColumn",
                  "[NOT_COLUMN] Argument `col` should be a Column, got %s."
                  % type(col).__name__, PySparkTypeError)
        col = self._as_col(col, "DataFrame.withColumn")
        cols = [(n, t) for n, t in self._cols if n.lower() != colName.lower()]
        replaced = len(cols) != len(self._cols)
        typ = self._out_type(col)
        if replaced:
            cols = [(n, typ) if n.lower() == colName.lower() else (n, t) for n, t in self._cols]
        else:
            cols.append((colName, typ))
        df = self._derive(cols=cols)
        if self._rows is not None:
            rows = []
            for r in self._rows:
                v = col._ev(r) if col._ev is not None else None
                r2 = dict(r)
                r2[colName] = None if v is _NOEVAL else v
                rows.append(r2)
            df._rows = rows
        df._const.pop(colName, None)
        return df

    def withColumns(self, *colsMap):
        S.require(len(colsMap) == 1 and isinstance(colsMap[0], dict), "DataFrame.withColumns",
                  "[NOT_DICT] Argument `colsMap` should be a dict", PySparkTypeError)
        df = self
        for k, v in colsMap[0].items():
            df = df.withColumn(k, v)
        return df

    def withColumnRenamed(self, existing, new):
        S.require_type(existing, str, "DataFrame.withColumnRenamed", "existing")
        S.require_type(new, str, "DataFrame.withColumnRenamed", "new")
        cols = [(new if n.lower() == existing.lower() else n, t) for n, t in self._cols]
        df = self._derive(cols=cols)
        if self._rows is not None:
            df._rows = [{(new if k.lower() == existing.lower() else k): v
                         for k, v in r.items()} for r in self._rows]
        return df

    def withColumnsRenamed(self, colsMap):
        S.require_type(colsMap, dict, "DataFrame.withColumnsRenamed", "colsMap",
                       PySparkTypeError)
        df = self
        for k, v in colsMap.items():
            df = df.withColumnRenamed(k, v)
        return df

    def filter(self, condition):
        from pyspark.sql import functions as F
        if isinstance(condition, str):
            text = condition
            condition = F.expr(condition)
            condition._ev = _simple_predicate(text)
        S.require(isinstance(condition, Column), "DataFrame.filter",
                  "[NOT_COLUMN_OR_STR] Argument `condition` should be a Column or str, got %s."
                  % type(condition).__name__, PySparkTypeError)
        condition = self._as_col(condition, "DataFrame.filter")
        S.event("filter", expr=condition._expr, refs=sorted(condition._refs),
                origin=self._origin)
        df = self._derive()
        df._filters.append(condition._expr)
        rows = self._rows
        if rows is None and self._aggs is not None:
            rows = [r.asDict() for r in self._materialize()]
            df._aggs = None
        if rows is not None and condition._ev is not None:
            kept = []
            for r in rows:
                v = condition._ev(r)
                if v is _NOEVAL or v:
                    kept.append(r)
            df._rows = kept
            df._count = len(kept)
        elif rows is None and condition._ev is not None and self._const:
            v = condition._ev(dict(self._const))
            if v is not _NOEVAL and not v:
                df._count = 0
        return df

    where = filter

    def dropDuplicates(self, subset=None):
        if subset is not None:
            S.require(isinstance(subset, (list, tuple)), "DataFrame.dropDuplicates",
                      "[NOT_LIST_OR_TUPLE] Argument `subset` should be a list or tuple, got %s."
                      % type(subset).__name__, PySparkTypeError)
            for c in subset:
                self._check_refs(Column._ref(c), "DataFrame.dropDuplicates")
        return self._derive()

    drop_duplicates = dropDuplicates

    def drop(self, *cols):
        names = set()
        for c in cols:
            if isinstance(c, Column):
                names |= {c._out.lower()}
            else:
                S.require_type(c, str, "DataFrame.drop", "cols")
                names.add(c.lower())
        return self._derive(cols=[(n, t) for n, t in self._cols if n.lower() not in names])

    def limit(self, num):
        S.require_type(num, int, "DataFrame.limit", "num")
        df = self._derive(count=min(self._count, num))
        if self._rows is not None:
            df._rows = self._rows[:num]
        return df

    def distinct(self):
        return self._derive()

    def alias(self, alias):
        S.require_type(alias, str, "DataFrame.alias", "alias")
        return self._derive()

    def orderBy(self, *cols, **kwargs):
        for k in kwargs:
            S.require(k == "ascending", "DataFrame.orderBy",
                      "orderBy() got an unexpected keyword argument '%s'" % k)
        if len(cols) == 1 and isinstance(cols[0], list):
            cols = tuple(cols[0])
        for c in cols:
            self._as_col(c, "DataFrame.orderBy")
        return self._derive()

    sort = orderBy

    def sortWithinPartitions(self, *cols, **kwargs):
        return self.orderBy(*cols, **kwargs)

    def repartition(self, numPartitions, *cols):
        S.require(isinstance(numPartitions, (int, str, Column)), "DataFrame.repartition",
                  "numPartitions should be an int or Column", PySparkTypeError)
        return self._derive()

    def coalesce(self, numPartitions):
        S.require_type(numPartitions, int, "DataFrame.coalesce", "numPartitions")
        return self._derive()

    def join(self, other, on=None, how=None):
        S.require_type(other, DataFrame, "DataFrame.join", "other")
        if how is not None:
            S.require(how.lower().replace("_", "") in (
                "inner", "cross", "outer", "full", "fullouter", "left", "leftouter", "right",
                "rightouter", "semi", "leftsemi", "anti", "leftanti"), "DataFrame.join",
                "[UNSUPPORTED_JOIN_TYPE] Unsupported join type '%s'" % how, PySparkValueError)
        cols = list(self._cols)
        names = {n.lower() for n, _ in cols}
        on_names = set()
        if isinstance(on, str):
            on_names = {on.lower()}
        elif isinstance(on, list) and all(isinstance(x, str) for x in on):
            on_names = {x.lower() for x in on}
        if (how or "").lower() not in ("semi", "leftsemi", "left_semi", "anti", "leftanti",
                                      "left_anti"):
            for n, t in other._cols:
                if n.lower() in on_names and n.lower() in names:
                    continue
                cols.append((n, t))
        return DataFrame._new(self._session, cols, self._count, self._origin,
                              self._open or other._open)

    def crossJoin(self, other):
        return self.join(other, how="cross")

    def unionByName(self, other, allowMissingColumns=False):
        S.require_type(other, DataFrame, "DataFrame.unionByName", "other")
        mine = {n.lower() for n, _ in self._cols}
        theirs = {n.lower() for n, _ in other._cols}
        if not allowMissingColumns and not self._open and not other._open and mine != theirs:
            S.event("error", api="DataFrame.unionByName", message="column mismatch")
            raise AnalysisException(
                "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same "
                "columns: %s vs %s" % (sorted(mine), sorted(theirs)))
        cols = list(self._cols) + [(n, t) for n, t in other._cols if n.lower() not in mine]
        df = self._derive(cols=cols, count=self._count + other._count)
        if self._rows is not None and other._rows is not None:
            df._rows = self._rows + other._rows
        else:
            df._rows = None
        return df

    def union(self, other):
        S.require_type(other, DataFrame, "DataFrame.union", "other")
        if not self._open and not other._open and len(self._cols) != len(other._cols):
            raise AnalysisException("[NUM_COLUMNS_MISMATCH] UNION can only be performed on "
                                    "inputs with the same number of columns")
        return self._derive(count=self._count + other._count)

    unionAll = union

    def exceptAll(self, other):
        S.require_type(other, DataFrame, "DataFrame.exceptAll", "other")
        return self._derive()

    def subtract(self, other):
        S.require_type(other, DataFrame, "DataFrame.subtract", "other")
        return self._derive()

    def intersect(self, other):
        S.require_type(other, DataFrame, "DataFrame.intersect", "other")
        return self._derive()

    def toDF(self, *cols):
        for c in cols:
            S.require_type(c, str, "DataFrame.toDF", "cols")
        S.require(self._open or len(cols) == len(self._cols), "DataFrame.toDF",
                  "toDF: number of names does not match the number of columns",
                  PySparkValueError)
        return self._derive(cols=[(n, t) for n, (_, t) in zip(cols, self._cols)] if
                            not self._open else [(n, "string") for n in cols], open_=False)

    def transform(self, func, *args, **kwargs):
        S.require(callable(func), "DataFrame.transform", "func must be callable")
        res = func(self, *args, **kwargs)
        S.require(isinstance(res, DataFrame), "DataFrame.transform",
                  "Func returned an instance of type [%s], should have been DataFrame."
                  % type(res).__name__)
        return res

    def fillna(self, value, subset=None):
        S.require(isinstance(value, (int, float, str, bool, dict)), "DataFrame.fillna",
                  "value should be a float, int, string, bool or dict", PySparkTypeError)
        return self._derive()

    def dropna(self, how="any", thresh=None, subset=None):
        S.require(how in ("any", "all"), "DataFrame.dropna", "how ('%s') should be 'any' or "
                  "'all'" % how, PySparkValueError)
        return self._derive()

    def sample(self, withReplacement=None, fraction=None, seed=None):
        return self._derive(count=max(0, self._count // 10))

    def cache(self):
        self._cached = True
        return self

    def persist(self, storageLevel=None):
        self._cached = True
        return self

    def unpersist(self, blocking=False):
        self._cached = False
        return self

    def localCheckpoint(self, eager=True):
        return self._derive()

    def checkpoint(self, eager=True):
        return self._derive()

    def hint(self, name, *parameters):
        return self._derive()

    # ------------------------------------------------------------ aggregation
    def groupBy(self, *cols):
        from pyspark.sql.group import GroupedData
        if len(cols) == 1 and isinstance(cols[0], list):
            cols = tuple(cols[0])
        gcols = [self._as_col(c, "DataFrame.groupBy") for c in cols]
        return GroupedData._new(self, gcols)

    groupby = groupBy

    def agg(self, *exprs):
        return self.groupBy().agg(*exprs)

    # ------------------------------------------------------------ actions
    def count(self):
        S.event("count", origin=self._origin, value=self._count if self._aggs is None else 1)
        if self._aggs is not None:
            return 1
        return self._count

    def collect(self):
        rows = self._materialize()
        S.event("collect", origin=self._origin, rows=len(rows),
                values=[r for r in rows[:5]] if self._aggs is not None or
                self._rows is not None else None)
        return rows

    def first(self):
        rows = self._materialize(limit=1)
        S.event("collect", origin=self._origin, rows=len(rows), api="first",
                values=rows[:1] if (self._aggs is not None or self._rows is not None) else None)
        return rows[0] if rows else None

    def head(self, n=None):
        if n is None:
            return self.first()
        S.require_type(n, int, "DataFrame.head", "n")
        return self._materialize(limit=n)

    def take(self, num):
        S.require_type(num, int, "DataFrame.take", "num")
        return self._materialize(limit=num)

    def tail(self, num):
        S.require_type(num, int, "DataFrame.tail", "num")
        return self._materialize()[-num:] if num else []

    def isEmpty(self):
        return self.count() == 0

    def show(self, n=20, truncate=True, vertical=False):
        S.require_type(n, int, "DataFrame.show", "n")
        rows = self._materialize(limit=n)
        print("|" + "|".join(self.columns) + "|")
        for r in rows:
            print("|" + "|".join(str(v) for v in r) + "|")

    def printSchema(self, level=None):
        print(self.schema.treeString())

    def explain(self, extended=None, mode=None):
        print("== Physical Plan ==\n(stand-in) %s" % self._origin)

    def toJSON(self, use_unicode=True):
        S.require(False, "DataFrame.toJSON", "toJSON (RDD API) is not supported by the "
                  "stand-in", NotImplementedError)

    # ------------------------------------------------------------ views / writes
    def createOrReplaceTempView(self, name):
        S.require_type(name, str, "DataFrame.createOrReplaceTempView", "name")
        S.STATE.temp_views[name.lower()] = self
        S.event("tempView", name=name, origin=self._origin, filters=self._filters,
                columns=self.columns)

    def createTempView(self, name):
        S.require_type(name, str, "DataFrame.createTempView", "name")
        if name.lower() in S.STATE.temp_views:
            from pyspark.errors import TempTableAlreadyExistsException
            raise TempTableAlreadyExistsException(
                "[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `%s` "
                "because it already exists." % name)
        self.createOrReplaceTempView(name)

    def createOrReplaceGlobalTempView(self, name):
        self.createOrReplaceTempView("global_temp." + name)

    def createGlobalTempView(self, name):
        self.createTempView("global_temp." + name)

    def writeTo(self, table):
        from pyspark.sql.readwriter import DataFrameWriterV2
        S.require_type(table, str, "DataFrame.writeTo", "table")
        return DataFrameWriterV2(self, table)

    # ------------------------------------------------------------ item access
    def __getitem__(self, item):
        if isinstance(item, str):
            c = Column._ref(item)
            self._check_refs(c, "DataFrame.__getitem__")
            return c
        if isinstance(item, Column):
            return self.filter(item)
        if isinstance(item, (list, tuple)):
            return self.select(*item)
        if isinstance(item, int):
            return Column._ref(self._cols[item][0])
        S.require(False, "DataFrame.__getitem__", "unexpected item type: %s" % type(item),
                  PySparkTypeError)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        for n, _ in self._cols:
            if n == name:
                return Column._ref(n)
        S.violation("DataFrame.%s" % name, "'DataFrame' object has no attribute '%s'" % name)
        raise AttributeError("'DataFrame' object has no attribute '%s'" % name)


def _simple_predicate(text):
    """Evaluator for `col <op> literal` string predicates (else None)."""
    import re
    m = re.match(r"^\s*`?(\w+)`?\s*(=|==|!=|<>|>=|<=|>|<)\s*('(?:[^']*)'|\"(?:[^\"]*)\"|-?\d+"
                 r"(?:\.\d+)?)\s*$", text)
    if not m:
        return None
    name, op, lit = m.group(1), m.group(2), m.group(3)
    if lit[0] in "'\"":
        val = lit[1:-1]
    else:
        val = float(lit) if "." in lit else int(lit)
    ops = {"=": lambda a, b: a == b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
           "<>": lambda a, b: a != b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
           ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}

    def ev(row):
        if name not in row:
            return _NOEVAL
        v = row[name]
        if v is None:
            return None
        try:
            return ops[op](v, val)
        except TypeError:
            return _NOEVAL
    return ev


class DataFrameNaFunctions:
    def __init__(self, df):
        self.df = df

    def drop(self, how="any", thresh=None, subset=None):
        return self.df.dropna(how, thresh, subset)

    def fill(self, value, subset=None):
        return self.df.fillna(value, subset)


S.strict(DataFrame)
S.strict(DataFrameNaFunctions)
_ = Row
