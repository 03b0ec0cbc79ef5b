"""Stand-in of pyspark.sql (PySpark 3.5) for pipec's generated-script tests."""
from pyspark.sql.types import Row  # noqa: F401
from pyspark.sql.context import SQLContext, HiveContext  # noqa: F401
from pyspark.sql.session import SparkSession  # noqa: F401
from pyspark.sql.column import Column  # noqa: F401
from pyspark.sql.catalog import Catalog  # noqa: F401
from pyspark.sql.dataframe import DataFrame, DataFrameNaFunctions  # noqa: F401
from pyspark.sql.group import GroupedData  # noqa: F401
from pyspark.sql.readwriter import (  # noqa: F401
    DataFrameReader, DataFrameWriter, DataFrameWriterV2)
from pyspark.sql.window import Window, WindowSpec  # noqa: F401
from pyspark.sql.conf import RuntimeConfig  # noqa: F401

__all__ = [
    "SparkSession", "SQLContext", "HiveContext", "DataFrame", "GroupedData", "Column",
    "Catalog", "Row", "DataFrameNaFunctions", "Window", "WindowSpec", "DataFrameReader",
    "DataFrameWriter", "DataFrameWriterV2", "RuntimeConfig",
]
