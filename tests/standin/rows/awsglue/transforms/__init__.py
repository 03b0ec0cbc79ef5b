from _rows_glue import SelectFromCollection  # noqa: F401
