/*
 * ast_build: the constructors the grammar actions call, one per node shape,
 * plus a growable arena vector for the lists the parser accumulates.
 * Only the parser uses this header; later phases read ast.h.
 *
 * Ownership: everything is allocated in the arena passed in.
 */
#ifndef PIPEC_AST_BUILD_H
#define PIPEC_AST_BUILD_H

#include "ast.h"

/*
 * A list under construction.  It grows by chunks (each twice the last, up
 * to 64 KiB) in the parser's scratch arena, which is dropped once the file
 * is parsed: nothing is copied while it grows, so a list of a million
 * clauses costs its size once in scratch.  The constructor that takes the
 * list copies it, exactly sized, into the AST's arena (ast_vec_take).
 */
struct ast_vec_chunk;

struct ast_vec {
	struct ast_vec_chunk *head, *tail;
	size_t n;
	size_t size;		/* bytes per element */
	bool by_ref;		/* holds pointers to the elements (ast_vec_push_ref) */
};

struct ast_vec *ast_vec_new(struct arena *scratch);
/* Copies size bytes at elem to the end of v (v may be NULL: a new vec is
 * made in scratch). */
struct ast_vec *ast_vec_push(struct arena *scratch, struct ast_vec *v, const void *elem,
			     size_t size);
/* Appends a pointer to a node already in the AST's arena: the list costs a
 * pointer per node until it is taken.  Taking the list copies the nodes and
 * recycles the originals (arena_recycle), so nothing else may point to a
 * node pushed here.  A vec holds either kind, never both. */
struct ast_vec *ast_vec_push_ref(struct arena *scratch, struct ast_vec *v, const void *node,
				 size_t size);
/* The items of v copied into a (NULL for an empty or absent list). */
void *ast_vec_take(struct arena *a, const struct ast_vec *v);

struct ast_value *ast_value_string(struct arena *a, const struct ast_string *s);
struct ast_value *ast_value_number(struct arena *a, const struct ast_number *n);
struct ast_value *ast_value_duration(struct arena *a, const struct ast_duration *d);
/* A number written where a duration or a plain count may stand ('lag 100'). */
struct ast_duration *ast_duration_unitless(struct arena *a, const struct ast_number *n);
/* parts: a vec of struct ast_name */
struct ast_value *ast_value_name(struct arena *a, struct ast_vec *parts, struct span span);
/* items: a vec of struct ast_value (NULL = empty list) */
struct ast_value *ast_value_list(struct arena *a, struct ast_vec *items, struct span span);

/* args: vec of ast_value or NULL; block: vec of ast_setting or NULL when there is no block */
struct ast_setting *ast_setting_new(struct arena *a, struct ast_name key, struct ast_vec *args,
				    struct ast_vec *block, struct span block_span, struct span span);

struct ast_type *ast_type_simple(struct arena *a, struct ast_name name);
/* params: vec of ast_number */
struct ast_type *ast_type_params(struct arena *a, struct ast_name name, struct ast_vec *params,
				 struct span span);
/* args: vec of ast_field; an unnamed element (name.text == NULL) is a type argument */
struct ast_type *ast_type_angle(struct arena *a, struct ast_name name, struct ast_vec *args,
				struct span span);
struct ast_field ast_field_make(const struct ast_name *name, struct ast_type *type);

/* Expressions.  Lists of operands are vecs of struct ast_expr * (pushed
 * with ast_vec_push of the pointer). */
struct ast_expr *ast_expr_new(struct arena *a, enum ast_expr_kind kind, struct span span);
struct ast_expr *ast_expr_column(struct arena *a, struct ast_vec *parts, struct span span);
struct ast_expr *ast_expr_binary(struct arena *a, enum ast_expr_op op, struct span op_span,
				 struct ast_expr *l, struct ast_expr *r);
struct ast_expr *ast_expr_unary(struct arena *a, enum ast_expr_op op, struct span op_span,
				struct ast_expr *x, struct span span);
/* kind IN, BETWEEN, CASE, CALL: operands from a vec */
struct ast_expr *ast_expr_list(struct arena *a, enum ast_expr_kind kind, struct ast_vec *args,
			       struct span span);
struct ast_vec *ast_expr_push(struct arena *scratch, struct ast_vec *v, struct ast_expr *e);
struct ast_clause *ast_clause_derive(struct arena *a, struct span kw, struct ast_name name,
				     struct ast_type *type, struct ast_expr *e, struct span span);
/* keys: vec of ast_name; column, direction: NULL without 'order by' */
struct ast_clause *ast_clause_dedupe(struct arena *a, struct span kw, struct ast_vec *keys,
				     const struct ast_name *column, const struct ast_name *direction,
				     struct span order_span, struct span span);
/* keys: vec of ast_name (NULL: a whole-table aggregate); items: vec of ast_agg */
struct ast_clause *ast_clause_aggregate(struct arena *a, struct span kw, struct span by,
					struct ast_vec *keys, struct ast_vec *items, struct span span);
/* NAME TYPE = FN(arg [by order]): arg, order may be NULL */
struct ast_agg *ast_agg_new(struct arena *a, struct ast_name name, struct ast_type *type,
			    struct ast_name fn, struct ast_expr *arg, struct ast_expr *order,
			    struct span by, struct span call, struct span span);
struct ast_clause *ast_clause_filter(struct arena *a, struct span kw, struct ast_expr *e,
				     struct span span);
/* type: NULL when not written; as: NULL without 'as NAME' */
struct ast_take *ast_take_new(struct arena *a, struct ast_name column, struct ast_type *type,
			      const struct ast_name *as, struct span span);
/* items: vec of ast_take, or NULL */
struct ast_join_line *ast_join_line_new(struct arena *a, struct ast_name key,
					struct ast_vec *items, struct span span);
/* name: vec of ast_name; lines: vec of ast_join_line, NULL without a block */
struct ast_clause *ast_clause_join(struct arena *a, struct span kw, struct ast_name how,
				   struct ast_name what, struct ast_vec *name,
				   struct span name_span, struct ast_name alias, struct ast_expr *on,
				   struct ast_vec *lines, struct span span);
struct ast_column *ast_column_attrs(struct arena *a);
struct ast_clause *ast_clause_drop_column(struct arena *a, struct span kw, struct ast_name column,
					  struct span span);
struct ast_clause *ast_clause_on_error(struct arena *a, struct span kw, struct ast_name what,
				       struct ast_vec *args, struct span span);
struct ast_column *ast_column_finish(struct ast_column *c, struct ast_name name,
				     struct ast_type *type, struct span span);

struct ast_partition *ast_partition_identity(struct arena *a, struct ast_vec *name, struct span span);
struct ast_partition *ast_partition_call(struct arena *a, struct ast_name fn, struct ast_vec *args,
					 struct span span);

struct ast_rule *ast_rule_row_count_matches(struct arena *a, struct span span);
/* col may be NULL (row_count); v2 is the upper bound of 'between' or NULL */
struct ast_rule *ast_rule_compare(struct arena *a, enum ast_rule_kind kind, const struct ast_name *col,
				  enum ast_cmp cmp, struct ast_value *v1, struct ast_value *v2,
				  struct span span);
struct ast_rule *ast_rule_in(struct arena *a, struct ast_name col, struct ast_vec *values,
			     struct span span);
struct ast_rule *ast_rule_not_null(struct arena *a, struct ast_name col, struct span span);
/* expect EXPR: a condition over the table's columns */
struct ast_rule *ast_rule_expr(struct arena *a, struct ast_expr *e, struct span span);
/* cols: vec of ast_name */
struct ast_rule *ast_rule_columns(struct arena *a, enum ast_rule_kind kind, struct ast_vec *cols,
				  struct span span);
struct ast_rule *ast_rule_freshness(struct arena *a, struct ast_name col, const struct ast_duration *d,
				    struct span span);
struct ast_rule *ast_rule_sample(struct arena *a, const struct ast_number *n, struct span span);
struct ast_rule *ast_rule_on_failure(struct arena *a, struct ast_name action, struct span span);

struct ast_clause *ast_clause_description(struct arena *a, struct span kw, const struct ast_string *s,
					  struct span span);
/* kind: AST_SOURCE or AST_TARGET; settings NULL when there is no block */
struct ast_clause *ast_clause_endpoint(struct arena *a, enum ast_clause_kind kind, struct span kw,
				       struct ast_name what, struct ast_vec *args,
				       struct ast_vec *settings, struct span span);
struct ast_clause *ast_clause_create(struct arena *a, struct span kw, struct span span);
/* alerts WORD (off or on; checked by check.c) */
struct ast_clause *ast_clause_alerts(struct arena *a, struct span kw, const struct ast_name *word,
				     struct span span);
struct ast_clause *ast_clause_columns(struct arena *a, struct span kw, struct ast_vec *cols,
				      struct span span);
struct ast_clause *ast_clause_partition(struct arena *a, struct span kw, struct ast_vec *parts,
					struct span span);
/* keys NULL when there is no 'on' */
struct ast_clause *ast_clause_mode(struct arena *a, struct span kw, struct ast_name mode,
				   struct ast_vec *keys, struct span on_span, struct span span);
/* Adds 'order by COLUMN [direction]' to a mode clause (direction->text NULL: none). */
struct ast_clause *ast_clause_mode_order(struct ast_clause *c, const struct ast_name *column,
					 const struct ast_name *direction, struct span order_span);
struct ast_clause *ast_clause_incremental(struct arena *a, struct span kw, enum ast_incr_kind kind,
					  const struct ast_name *col, struct ast_duration *lag,
					  struct ast_string *initial, struct span span);
struct ast_clause *ast_clause_cron(struct arena *a, struct span kw, const struct ast_string *s,
				   struct span span);
struct ast_clause *ast_clause_every(struct arena *a, struct span kw, const struct ast_duration *d,
				    struct span span);
/* names: vec of ast_name */
struct ast_clause *ast_clause_after(struct arena *a, struct span kw, struct ast_vec *names, bool any,
				    struct span span);
struct ast_clause *ast_clause_on_demand(struct arena *a, struct span kw, struct span span);
struct ast_clause *ast_clause_s3_event(struct arena *a, struct span kw, struct ast_vec *settings,
				       struct span span);
struct ast_clause *ast_clause_validate(struct arena *a, struct span kw, struct ast_vec *rules,
				       struct span span);
struct ast_clause *ast_clause_job(struct arena *a, struct span kw, struct ast_vec *settings,
				  struct span span);

/* clauses: vec of ast_clause; name NULL for defaults */
struct ast_item *ast_item_new(struct arena *a, enum ast_item_kind kind, const struct ast_name *name,
			      struct ast_vec *clauses, struct span body, struct span span);

#endif
