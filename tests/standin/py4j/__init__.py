"""Minimal stand-in of py4j: only the exception a Glue script may catch."""
