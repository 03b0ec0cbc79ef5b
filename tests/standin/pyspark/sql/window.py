"""Stand-in of pyspark.sql.window (PySpark 3.5)."""
import _standin as S
from pyspark.errors import PySparkTypeError
from pyspark.sql.column import Column

__all__ = ["Window", "WindowSpec"]

_MIN = -(1 << 63)
_MAX = (1 << 63) - 1


def _cols(cols, api):
    if len(cols) == 1 and isinstance(cols[0], list):
        cols = tuple(cols[0])
    out = []
    for c in cols:
        if isinstance(c, str):
            out.append(Column._ref(c))
        elif isinstance(c, Column):
            out.append(c)
        else:
            S.require(False, api, "[NOT_COLUMN_OR_STR] window columns must be Column or str",
                      PySparkTypeError)
    return out


class WindowSpec:
    def __init__(self, jspec=None):
        self._part = []
        self._order = []
        self._frame = None

    def _copy(self):
        w = WindowSpec()
        w._part, w._order, w._frame = list(self._part), list(self._order), self._frame
        return w

    @property
    def _refs(self):
        refs = set()
        for c in self._part + self._order:
            refs |= c._refs
        return refs

    def _sql(self):
        s = []
        if self._part:
            s.append("PARTITION BY " + ", ".join(c._expr for c in self._part))
        if self._order:
            s.append("ORDER BY " + ", ".join(c._expr for c in self._order))
        if self._frame:
            s.append(self._frame)
        return " ".join(s)

    def partitionBy(self, *cols):
        w = self._copy()
        w._part = _cols(cols, "WindowSpec.partitionBy")
        return w

    def orderBy(self, *cols):
        w = self._copy()
        w._order = _cols(cols, "WindowSpec.orderBy")
        return w

    def rowsBetween(self, start, end):
        S.require_type(start, int, "WindowSpec.rowsBetween", "start")
        S.require_type(end, int, "WindowSpec.rowsBetween", "end")
        w = self._copy()
        w._frame = "ROWS BETWEEN %s AND %s" % (start, end)
        return w

    def rangeBetween(self, start, end):
        S.require_type(start, int, "WindowSpec.rangeBetween", "start")
        S.require_type(end, int, "WindowSpec.rangeBetween", "end")
        w = self._copy()
        w._frame = "RANGE BETWEEN %s AND %s" % (start, end)
        return w


class Window:
    unboundedPreceding = _MIN
    unboundedFollowing = _MAX
    currentRow = 0

    @staticmethod
    def partitionBy(*cols):
        return WindowSpec().partitionBy(*cols)

    @staticmethod
    def orderBy(*cols):
        return WindowSpec().orderBy(*cols)

    @staticmethod
    def rowsBetween(start, end):
        return WindowSpec().rowsBetween(start, end)

    @staticmethod
    def rangeBetween(start, end):
        return WindowSpec().rangeBetween(start, end)


S.strict(WindowSpec)
S.strict(Window)
