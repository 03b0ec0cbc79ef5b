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

#endif
