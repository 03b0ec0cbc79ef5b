from _rows_glue import Job

__all__ = ["Job"]
