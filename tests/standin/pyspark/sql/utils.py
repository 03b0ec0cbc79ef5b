"""Stand-in of pyspark.sql.utils (PySpark 3.5): re-exports the captured
exceptions, as the real module does for backward compatibility."""
from pyspark.errors.exceptions.captured import (  # noqa: F401
    CapturedException, AnalysisException, ParseException, IllegalArgumentException,
    StreamingQueryException, QueryExecutionException, PythonException, UnknownException,
    SparkUpgradeException)
