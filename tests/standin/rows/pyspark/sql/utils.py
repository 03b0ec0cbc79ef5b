from _rows import AnalysisException  # noqa: F401
