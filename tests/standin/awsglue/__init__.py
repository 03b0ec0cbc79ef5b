"""Stand-in of the awsglue package (aws-glue-libs, Glue 5.x) for pipec's tests."""
from awsglue.dynamicframe import DynamicFrame  # noqa: F401

__all__ = ["DynamicFrame"]
