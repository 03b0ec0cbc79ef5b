/*
 * check_schema: the declared columns (names, types, renames) and the
 * partition spec of a pipeline.
 */
#ifndef PIPEC_CHECK_SCHEMA_H
#define PIPEC_CHECK_SCHEMA_H

struct check_ctx;
struct ast_clause;
struct ast_type;
struct model_column;

#include <stdbool.h>
#include <stddef.h>

/* Resolves a declared type into col's type fields (type, precision,
 * scale, spark/glue/athena spellings, dtype, orderable); false (reported)
 * when it does not resolve. */
bool check_column_type(struct check_ctx *c, const struct ast_type *type, struct model_column *col);
void check_columns(struct check_ctx *c, const struct ast_clause *cl);
void check_partitions(struct check_ctx *c, const struct ast_clause *cl);
/* Columns declared `was OLD` (after check_target): an iceberg or s3tables
 * target; OLD is no other column's name nor another rename's. */
void check_renames(struct check_ctx *c);
/* `drop column NAME` clauses of a pipeline (after the partitions, the mode
 * and the incremental read are checked): an iceberg, s3tables or redshift
 * target; NAME is not declared, renamed, a partition column, a merge key or
 * the watermark, and is dropped once.  Fills mp->drop_columns. */
void check_drops(struct check_ctx *c, const struct ast_clause *clauses, size_t n);

#endif
