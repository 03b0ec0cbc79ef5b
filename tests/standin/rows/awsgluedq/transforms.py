from _rows_glue import EvaluateDataQuality

__all__ = ["EvaluateDataQuality"]
