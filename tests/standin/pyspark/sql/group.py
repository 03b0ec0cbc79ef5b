"""Stand-in of pyspark.sql.GroupedData (PySpark 3.5)."""
import _standin as S
from pyspark.errors import PySparkTypeError
from pyspark.sql.column import Column

__all__ = ["GroupedData"]


class GroupedData:
    def __init__(self, jgd=None, df=None):
        self._df = df
        self._keys = []

    @classmethod
    def _new(cls, df, keys):
        g = cls.__new__(cls)
        g._df = df
        g._keys = keys
        return g

    def agg(self, *exprs):
        from pyspark.sql import functions as F
        S.require(len(exprs) > 0, "GroupedData.agg", "exprs should not be empty",
                  PySparkTypeError)
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            exprs = tuple(getattr(F, fn)(c).alias("%s(%s)" % (fn, c))
                          for c, fn in exprs[0].items())
        for e in exprs:
            S.require(isinstance(e, Column), "GroupedData.agg",
                      "[NOT_COLUMN] all exprs should be Column", PySparkTypeError)
            S.require(e._kind == "agg" or not e._refs or getattr(e, "_sqlexpr", False),
                      "GroupedData.agg", "[NOT_AGGREGATE] %s is not an aggregate" % e._expr,
                      PySparkTypeError)
        df = self._df
        if not self._keys:
            return df.select(*exprs)
        for e in exprs:
            df._check_refs(e, "GroupedData.agg")
        cols = [(k._out, df._out_type(k)) for k in self._keys] + \
               [(e._out, df._out_type(e)) for e in exprs]
        out = df._derive(cols=cols, count=max(1, df._count // 10), open_=False)
        out._rows = None
        return out

    def _simple(self, fn, cols):
        from pyspark.sql import functions as F
        if not cols:
            cols = [n for n, t in self._df._cols
                    if t.split("(")[0] in ("int", "bigint", "double", "float", "decimal",
                                           "smallint", "tinyint")]
        return self.agg(*[getattr(F, fn)(c) for c in cols]) if cols else \
            self.agg(F.count("*").alias("count"))

    def count(self):
        from pyspark.sql import functions as F
        return self.agg(F.count("*").alias("count"))

    def max(self, *cols):
        return self._simple("max", cols)

    def min(self, *cols):
        return self._simple("min", cols)

    def sum(self, *cols):
        return self._simple("sum", cols)

    def avg(self, *cols):
        return self._simple("avg", cols)

    mean = avg


S.strict(GroupedData)
