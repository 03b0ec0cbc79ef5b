from _rows import Column, DataFrame, Row
from _rows import Session as SparkSession

__all__ = ["Column", "DataFrame", "Row", "SparkSession"]
