"""Stand-in of pyspark.errors (PySpark 3.5)."""
from pyspark.errors.exceptions.base import (  # noqa: F401
    PySparkException, PySparkTypeError, PySparkValueError, PySparkAttributeError,
    PySparkRuntimeError, PySparkNotImplementedError, PySparkAssertionError)
from pyspark.errors.exceptions.captured import (  # noqa: F401
    CapturedException, AnalysisException, ParseException, IllegalArgumentException,
    ArithmeticException, UnsupportedOperationException, StreamingQueryException,
    QueryExecutionException, PythonException, UnknownException, SparkRuntimeException,
    SparkUpgradeException, TempTableAlreadyExistsException)

__all__ = [
    "PySparkException", "PySparkTypeError", "PySparkValueError", "PySparkAttributeError",
    "PySparkRuntimeError", "PySparkNotImplementedError", "PySparkAssertionError",
    "CapturedException", "AnalysisException", "ParseException", "IllegalArgumentException",
    "ArithmeticException", "UnsupportedOperationException", "StreamingQueryException",
    "QueryExecutionException", "PythonException", "UnknownException", "SparkRuntimeException",
    "SparkUpgradeException", "TempTableAlreadyExistsException",
]
