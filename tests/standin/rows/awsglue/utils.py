from _rows_glue import GlueArgumentError, getResolvedOptions

__all__ = ["GlueArgumentError", "getResolvedOptions"]
