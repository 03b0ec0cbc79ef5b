/*
 * check_expr: `derive` and `filter` clauses — their expressions typed
 * against the columns in scope and compiled to Spark SQL.
 */
#ifndef PIPEC_CHECK_EXPR_H
#define PIPEC_CHECK_EXPR_H

#include <stddef.h>

#include <stdbool.h>

struct check_ctx;
struct ast_clause;
struct ast_expr;
struct ast_name;
struct model_column;
struct strbuf;
struct expr_sql_types;

/* A joined table, seen in a join's condition as ALIAS.COLUMN. column()
 * resolves one of its columns: the name the SQL uses for it and its type
 * (*type NULL: unknown, accepted wherever any type is), or NULL after
 * reporting. */
struct check_expr_dim {
	const char *alias;
	const char *(*column)(void *arg, const struct ast_name *col, const struct model_column **type);
	void *arg;
};

/* `derive NAME TYPE = EXPR` clauses (after check_columns): each adds a
 * column after the declared ones (model_column.derived_sql), seeing the
 * declared columns and the derives above it. */
void check_derives(struct check_ctx *c, const struct ast_clause *clauses, size_t n);
/* `filter CONDITION` clauses (after check_derives): mp->filters. */
void check_filters(struct check_ctx *c, const struct ast_clause *clauses, size_t n);
/* A join's condition, or one side of it: e typed against the pipeline's
 * columns so far and dim's; its Spark SQL appended to sql and its type in
 * *type ("boolean", "int", ...; NULL when unknown or NULL). false after
 * reporting. */
bool check_expr_join(struct check_ctx *c, const struct ast_expr *e, const struct check_expr_dim *dim,
		     struct strbuf *sql, const char **type);
/* `aggregate [by KEYS] { NAME TYPE = FN(...) }` (after check_filters and
 * everything that reads the input columns): its keys and functions typed
 * against the columns read and derived, which become mp->input_columns;
 * mp->columns become the table's: the group keys, then the aggregates. */
void check_aggregate(struct check_ctx *c, const struct ast_clause *cl);
/* `expect CONDITION` (validate, after everything that makes the table's
 * columns): e typed against the target table's columns (mp->columns); a
 * boolean (or NULL) required.  Its Spark SQL, strings spelled without '"'
 * or '\\' (DQDL), appended to sql; every node's type added to types.
 * false after reporting. */
bool check_expr_condition(struct check_ctx *c, const struct ast_expr *e, struct strbuf *sql,
			  struct expr_sql_types *types);

#endif
