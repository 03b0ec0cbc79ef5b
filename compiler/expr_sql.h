/*
 * expr_sql: a checked expression (check_expr.c) in the SQL of the engines
 * that run validate.sql — Athena engine v3 (Trino) and Redshift — with the
 * meaning Spark gives it in the job (Spark 3.5, ANSI mode off).  Where a
 * form has no rendering with that meaning, the rendering is refused with
 * the reason and what to write instead (docs/language.md, "Expressions in
 * expect rules").
 */
#ifndef PIPEC_EXPR_SQL_H
#define PIPEC_EXPR_SQL_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "strbuf.h"

struct ast_expr;

enum expr_sql_dialect { EXPR_SQL_TRINO, EXPR_SQL_REDSHIFT };

/* The Spark type of one checked node (null: the type of NULL). */
struct expr_sql_type {
	enum model_type t;
	int p, s;		/* decimal precision and scale */
	bool null;
};

struct expr_sql_node {
	const struct ast_expr *e;
	struct expr_sql_type type;
	const char *text;	/* STRING, TYPED: the decoded value (owned by the check's arena) */
};

/* The types check_expr found, node by node.  Zero-initialised; released
 * with expr_sql_types_release. */
struct expr_sql_types {
	struct expr_sql_node *v;
	size_t n, cap;
};

void expr_sql_types_add(struct expr_sql_types *ts, const struct ast_expr *e,
			const struct expr_sql_type *t, const char *text);
void expr_sql_types_release(struct expr_sql_types *ts);

/* Why a node has no faithful rendering: the node, the reason, the help. */
struct expr_sql_refusal {
	const struct ast_expr *at;
	char why[200];
	char help[240];
};

/* Appends e (checked, every node in ts) in dialect d to out; false with
 * *no filled when some node has no rendering with Spark's meaning. */
bool expr_sql_render(const struct expr_sql_types *ts, const struct ast_expr *e,
		     enum expr_sql_dialect d, struct strbuf *out, struct expr_sql_refusal *no);

#endif
