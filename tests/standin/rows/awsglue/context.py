from _rows_glue import GlueContext, GlueLogger

__all__ = ["GlueContext", "GlueLogger"]
