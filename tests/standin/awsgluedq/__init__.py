"""Stand-in of the awsgluedq package (Glue Data Quality in Glue 5.x)."""
