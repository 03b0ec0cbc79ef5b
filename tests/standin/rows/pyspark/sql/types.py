"""pyspark.sql.types of the row-level stand-in."""
from _rows_types import *  # noqa: F401,F403
from _rows_types import __all__  # noqa: F401
