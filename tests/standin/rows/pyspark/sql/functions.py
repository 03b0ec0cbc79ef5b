"""pyspark.sql.functions of the row-level stand-in."""
from _rows import (col, lit, when, coalesce, row_number, to_timestamp, to_date,
                   timestamp_seconds, timestamp_millis, from_unixtime, struct,
                   named_struct, transform, current_timestamp, expr)
from _rows import agg_max as max, agg_min as min, agg_sum as sum
from _rows import agg_count as count, agg_first as first

column = col
__all__ = ["col", "column", "lit", "when", "coalesce", "row_number", "to_timestamp", "to_date",
           "timestamp_seconds", "timestamp_millis", "from_unixtime", "struct", "named_struct",
           "transform", "current_timestamp", "expr", "max", "min", "sum", "count", "first"]
