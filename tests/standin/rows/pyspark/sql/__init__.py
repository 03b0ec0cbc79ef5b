from _rows import DataFrame, Row, Column  # noqa: F401
from _rows import Session as SparkSession  # noqa: F401
