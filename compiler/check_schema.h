/*
 * check_schema: the declared columns (names, types, renames) and the
 * partition spec of a pipeline.
 */
#ifndef PIPEC_CHECK_SCHEMA_H
#define PIPEC_CHECK_SCHEMA_H

struct check_ctx;
struct ast_clause;

void check_columns(struct check_ctx *c, const struct ast_clause *cl);
void check_partitions(struct check_ctx *c, const struct ast_clause *cl);
/* Columns declared `was OLD` (after check_target): an iceberg or s3tables
 * target; OLD is no other column's name nor another rename's. */
void check_renames(struct check_ctx *c);

#endif
