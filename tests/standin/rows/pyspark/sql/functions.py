"""pyspark.sql.functions of the row-level stand-in."""
from _rows import (col, lit, when, coalesce, row_number, rank, to_timestamp, to_date,
                   timestamp_seconds, timestamp_millis, timestamp_micros, from_unixtime,
                   struct, named_struct, current_timestamp, expr, trim, xxhash64,
                   input_file_name, sha2, raise_error, regexp_extract, broadcast)
from _rows import agg_first as first
from _rows_agg import (avg, mean, count_distinct, countDistinct, min_by, max_by, max, min,
                       sum, count)
from _rows_fn import (transform, exists, transform_values, transform_keys, map_filter,
                      map_values, map_keys, create_map, to_json, from_json, concat_ws)

column = col
__all__ = ["col", "column", "lit", "when", "coalesce", "row_number", "rank", "to_timestamp",
           "to_date", "timestamp_seconds", "timestamp_millis", "timestamp_micros",
           "from_unixtime", "struct", "named_struct", "transform", "exists",
           "transform_values", "transform_keys", "map_filter", "map_values", "map_keys",
           "create_map", "to_json", "from_json", "concat_ws", "current_timestamp", "expr", "trim", "xxhash64", "input_file_name", "sha2", "raise_error", "regexp_extract", "max", "min",
           "sum", "count", "first", "broadcast", "avg", "mean", "count_distinct", "countDistinct", "min_by",
           "max_by"]
