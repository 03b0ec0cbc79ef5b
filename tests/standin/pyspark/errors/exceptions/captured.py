"""Stand-in of pyspark.errors.exceptions.captured (PySpark 3.5): the Python
side of JVM exceptions."""
import re

from pyspark.errors.exceptions.base import PySparkException


class CapturedException(PySparkException):
    def __init__(self, desc=None, stackTrace=None, cause=None, origin=None):
        self.desc = desc
        self.stackTrace = stackTrace
        self.cause = cause
        m = re.match(r"^\[([A-Z_]+)\]", desc or "")
        super().__init__(desc, m.group(1) if m else None, None)

    def __str__(self):
        return str(self.desc)

    def getErrorClass(self):
        return self.error_class


class AnalysisException(CapturedException):
    pass


class ParseException(AnalysisException):
    pass


class IllegalArgumentException(CapturedException):
    pass


class ArithmeticException(CapturedException):
    pass


class UnsupportedOperationException(CapturedException):
    pass


class StreamingQueryException(CapturedException):
    pass


class QueryExecutionException(CapturedException):
    pass


class PythonException(CapturedException):
    pass


class UnknownException(CapturedException):
    pass


class SparkRuntimeException(CapturedException):
    pass


class SparkUpgradeException(CapturedException):
    pass


class TempTableAlreadyExistsException(AnalysisException):
    pass
