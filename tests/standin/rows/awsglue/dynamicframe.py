from _rows_glue import DynamicFrame, DynamicFrameCollection  # noqa: F401
