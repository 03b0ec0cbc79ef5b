/*
 * check_join: `join left|inner table DATABASE.TABLE as ALIAS on CONDITION
 * [{ take ...; broadcast; format ... }]` clauses — the joined table (from
 * the catalog snapshot when there is one), the condition, the taken
 * columns.
 */
#ifndef PIPEC_CHECK_JOIN_H
#define PIPEC_CHECK_JOIN_H

#include <stddef.h>

struct check_ctx;
struct ast_clause;

/* The join clauses of a pipeline, in order (after check_columns, before
 * check_derives): fills mp->joins and appends the taken columns to
 * mp->columns (model_column.joined). */
void check_joins(struct check_ctx *c, const struct ast_clause *clauses, size_t n);

#endif
