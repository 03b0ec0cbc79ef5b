/*
 * check_expr: `derive` and `filter` clauses — their expressions typed
 * against the columns in scope and compiled to Spark SQL.
 */
#ifndef PIPEC_CHECK_EXPR_H
#define PIPEC_CHECK_EXPR_H

#include <stddef.h>

struct check_ctx;
struct ast_clause;

/* `derive NAME TYPE = EXPR` clauses (after check_columns): each adds a
 * column after the declared ones (model_column.derived_sql), seeing the
 * declared columns and the derives above it. */
void check_derives(struct check_ctx *c, const struct ast_clause *clauses, size_t n);
/* `filter CONDITION` clauses (after check_derives): mp->filters. */
void check_filters(struct check_ctx *c, const struct ast_clause *clauses, size_t n);
/* `aggregate [by KEYS] { NAME TYPE = FN(...) }` (after check_filters and
 * everything that reads the input columns): its keys and functions typed
 * against the columns read and derived, which become mp->input_columns;
 * mp->columns become the table's: the group keys, then the aggregates. */
void check_aggregate(struct check_ctx *c, const struct ast_clause *cl);

#endif
