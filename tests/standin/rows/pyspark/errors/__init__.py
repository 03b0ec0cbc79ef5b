from _rows import AnalysisException

__all__ = ["AnalysisException"]
