from _rows_glue import EvaluateDataQuality  # noqa: F401
