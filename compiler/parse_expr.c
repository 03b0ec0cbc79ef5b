/*
 * parse_expr: the expression nodes the grammar's actions build with a
 * check of their own (a negative number after an operand, list limits).
 * The grammar is in grammar/parser.y (expr ... primary); the checker of
 * what an expression means is check_expr.c.
 */
#include <stdbool.h>
#include <string.h>

#include "ast_build.h"
#include "parse.h"
#include "parser.h"

enum ast_expr_op parse_expr_cmp(enum ast_cmp cmp)
{
	static const enum ast_expr_op ops[] = {
		[AST_CMP_EQ] = AST_OP_EQ, [AST_CMP_NE] = AST_OP_NE, [AST_CMP_LT] = AST_OP_LT,
		[AST_CMP_LE] = AST_OP_LE, [AST_CMP_GT] = AST_OP_GT, [AST_CMP_GE] = AST_OP_GE,
	};

	return cmp <= AST_CMP_GE ? ops[cmp] : AST_OP_EQ;
}


struct ast_expr *parse_expr_is_null(struct parse_ctx *ctx, struct ast_expr *x, bool negated,
				    struct span op, struct span span)
{
	struct ast_expr *e = ast_expr_new(ctx->arena, AST_E_IS_NULL, span);

	e->negated = negated;
	e->op_span = op;
	e->args = arena_alloc(ctx->arena, sizeof(*e->args));
	e->args[0] = x;
	e->nargs = 1;
	return e;
}

/* x [not] in (a, b, ...): args are x, then the list */
struct ast_expr *parse_expr_in(struct parse_ctx *ctx, struct ast_expr *x, bool negated,
			       struct ast_vec *list, struct span op, struct span span)
{
	struct ast_vec *all = ast_expr_push(&ctx->scratch, NULL, x);
	struct ast_expr **items = ast_vec_take(&ctx->scratch, list);
	struct ast_expr *e;
	size_t i;

	for (i = 0; list && i < list->n; i++)
		all = ast_expr_push(&ctx->scratch, all, items[i]);
	e = ast_expr_list(ctx->arena, AST_E_IN, all, span);
	e->negated = negated;
	e->op_span = op;
	return e;
}

struct ast_expr *parse_expr_between(struct parse_ctx *ctx, struct ast_expr *x, bool negated,
				    struct ast_expr *lo, struct ast_expr *hi, struct span op,
				    struct span span)
{
	struct ast_expr *e = ast_expr_new(ctx->arena, AST_E_BETWEEN, span);

	e->negated = negated;
	e->op_span = op;
	e->args = arena_alloc(ctx->arena, 3 * sizeof(*e->args));
	e->args[0] = x;
	e->args[1] = lo;
	e->args[2] = hi;
	e->nargs = 3;
	return e;
}

/* `a -1`: the scanner reads "-1" as a number; after an operand it is a
 * subtraction.  A positive number there is a missing operator. */
struct ast_expr *parse_expr_minus_number(struct parse_ctx *ctx, struct ast_expr *l,
					 struct ast_number *n)
{
	struct ast_number *pos;
	struct ast_expr *r, *e;
	struct span op = { n->span.start, n->span.start + 1 };

	if (n->text[0] != '-') {
		struct diag *d = diag_error(ctx->ds, ctx->src, n->span,
					    "expected an operator before '%s'", n->text);

		diag_help(d, "write an operator between two values, like 'a + %s'", n->text);
		ctx->nerrors++;
		return l;
	}
	pos = arena_alloc(ctx->arena, sizeof(*pos));
	*pos = *n;
	pos->text = n->text + 1;
	pos->span.start++;
	pos->ival = n->overflow ? 0 : -n->ival;
	pos->value = -n->value;
	r = ast_expr_new(ctx->arena, AST_E_NUMBER, pos->span);
	r->num = pos;
	e = ast_expr_binary(ctx->arena, AST_OP_SUB, op, l, r);
	return e;
}

struct ast_expr *parse_expr_typed(struct parse_ctx *ctx, const struct ast_name *type,
				  struct ast_string *s, struct span span)
{
	struct ast_expr *e = ast_expr_new(ctx->arena, AST_E_TYPED, span);

	e->name.parts = arena_alloc(ctx->arena, sizeof(*e->name.parts));
	e->name.parts[0] = *type;
	e->name.nparts = 1;
	e->name.span = type->span;
	e->str = s;
	return e;
}

struct ast_expr *parse_expr_call(struct parse_ctx *ctx, const struct ast_name *fn,
				 struct ast_vec *args, struct span span)
{
	struct ast_expr *e = ast_expr_list(ctx->arena, AST_E_CALL, args, span);

	e->name.parts = arena_alloc(ctx->arena, sizeof(*e->name.parts));
	e->name.parts[0] = *fn;
	e->name.nparts = 1;
	e->name.span = fn->span;
	return e;
}

struct ast_vec *parse_expr_push(struct parse_ctx *ctx, struct ast_vec *list, struct ast_expr *e)
{
	if (list->n < PARSE_MAX_VALUES)
		return ast_expr_push(&ctx->scratch, list, e);
	if (list->n == PARSE_MAX_VALUES) {
		struct diag *d = diag_error(ctx->ds, ctx->src, e->span, "too many values");

		diag_help(d, "a list holds at most %d values", PARSE_MAX_VALUES);
		ctx->nerrors++;
		return ast_expr_push(&ctx->scratch, list, e);
	}
	return list;
}

/* A literal that the one-column expect forms take as a value: a number, a
 * string, true or false (a name, as those forms always read it). */
static struct ast_value *rule_value(struct parse_ctx *ctx, const struct ast_expr *e)
{
	struct ast_value *v;

	if (e->kind == AST_E_NUMBER)
		return ast_value_number(ctx->arena, e->num);
	if (e->kind == AST_E_STRING)
		return ast_value_string(ctx->arena, e->str);
	if (e->kind != AST_E_BOOL)
		return NULL;
	v = arena_alloc(ctx->arena, sizeof(*v));
	v->kind = AST_VAL_NAME;
	v->span = e->span;
	v->u.name.parts = arena_alloc(ctx->arena, sizeof(*v->u.name.parts));
	v->u.name.parts[0].text = e->bool_value ? "true" : "false";
	v->u.name.parts[0].span = e->span;
	v->u.name.nparts = 1;
	v->u.name.span = e->span;
	return v;
}

static bool plain_column(const struct ast_expr *e)
{
	return e->kind == AST_E_COLUMN && e->name.nparts == 1;
}

/* c OP v, c between v and w, c in (v, ...): the values, or false. */
static bool rule_values(struct parse_ctx *ctx, const struct ast_expr *e, size_t from,
			struct ast_value **vals)
{
	for (size_t i = from; i < e->nargs; i++)
		if (!(vals[i - from] = rule_value(ctx, e->args[i])))
			return false;
	return true;
}

struct ast_rule *parse_rule_expect(struct parse_ctx *ctx, struct ast_expr *e, struct span span)
{
	static const enum ast_cmp cmps[] = {
		[AST_OP_EQ] = AST_CMP_EQ, [AST_OP_NE] = AST_CMP_NE, [AST_OP_LT] = AST_CMP_LT,
		[AST_OP_LE] = AST_CMP_LE, [AST_OP_GT] = AST_CMP_GT, [AST_OP_GE] = AST_CMP_GE,
	};
	struct ast_value **vals;
	const struct ast_name *col;

	if (!e || e->nargs < 1 || !plain_column(e->args[0]))
		return ast_rule_expr(ctx->arena, e, span);
	vals = arena_array(&ctx->scratch, e->nargs, sizeof(*vals));
	col = &e->args[0]->name.parts[0];
	if (e->kind == AST_E_IS_NULL && e->negated)
		return ast_rule_not_null(ctx->arena, *col, span);
	if (e->kind == AST_E_BINARY && e->op >= AST_OP_EQ && e->op <= AST_OP_GE &&
	    rule_values(ctx, e, 1, vals))
		return ast_rule_compare(ctx->arena, AST_RULE_EXPECT, col, cmps[e->op], vals[0], NULL,
					span);
	if (e->kind == AST_E_BETWEEN && !e->negated && rule_values(ctx, e, 1, vals))
		return ast_rule_compare(ctx->arena, AST_RULE_EXPECT, col, AST_CMP_BETWEEN, vals[0],
					vals[1], span);
	if (e->kind == AST_E_IN && !e->negated && rule_values(ctx, e, 1, vals)) {
		struct ast_vec *list = NULL;

		for (size_t i = 1; i < e->nargs; i++)
			list = ast_vec_push(&ctx->scratch, list, vals[i - 1], sizeof(*vals[0]));
		return ast_rule_in(ctx->arena, *col, list, span);
	}
	return ast_rule_expr(ctx->arena, e, span);
}
