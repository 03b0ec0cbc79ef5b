from _rows_glue import GlueArgumentError, getResolvedOptions  # noqa: F401
