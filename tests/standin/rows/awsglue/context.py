from _rows_glue import GlueContext, GlueLogger  # noqa: F401
