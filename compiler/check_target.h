/*
 * check_target: `target KIND ...` — S3 Tables, Iceberg in the Glue catalog,
 * Parquet with a catalog table, Redshift — and the names every later phase
 * uses for the table (Spark identifier, Athena identifier, bucket ARN).
 */
#ifndef PIPEC_CHECK_TARGET_H
#define PIPEC_CHECK_TARGET_H

struct check_ctx;
struct ast_clause;

void check_target(struct check_ctx *c, const struct ast_clause *cl);

/* `projection { ... }` of a parquet target against `partition by` (after
 * check_partitions). */
void check_target_projection(struct check_ctx *c);

#endif
