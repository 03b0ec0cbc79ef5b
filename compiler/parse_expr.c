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
