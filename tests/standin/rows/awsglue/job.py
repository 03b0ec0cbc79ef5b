from _rows_glue import Job  # noqa: F401
