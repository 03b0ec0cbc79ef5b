"""pyspark of the row-level stand-in (see tests/standin/rows/_rows.py)."""
