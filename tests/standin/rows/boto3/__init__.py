"""boto3 of the row-level stand-in: the S3 client (see _rows_files.py)."""
from _rows_files import client

__all__ = ["client"]
