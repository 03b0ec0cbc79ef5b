"""Stand-in of the pyspark package (PySpark 3.5.6 as shipped with Glue 5.1),
for pipec's tests: a strict, recording subset of the real API."""
from pyspark.conf import SparkConf  # noqa: F401
from pyspark.context import SparkContext  # noqa: F401
from pyspark.storagelevel import StorageLevel  # noqa: F401
from pyspark.sql import SQLContext, HiveContext, Row  # noqa: F401

__version__ = "3.5.6"
__all__ = ["SparkConf", "SparkContext", "StorageLevel"]
