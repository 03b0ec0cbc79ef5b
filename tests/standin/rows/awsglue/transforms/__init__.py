from _rows_glue import SelectFromCollection

__all__ = ["SelectFromCollection"]
