/*
 * check_expr: expressions of `derive` and `filter` — their types, against
 * the columns in scope, and their Spark SQL text.
 *
 * Types follow Spark 3.5 (Glue 5.1) with ANSI mode off, its default: the
 * result type of arithmetic is Spark's (integers widen to the wider
 * operand, `/` of two integers is double, decimals follow Spark's
 * DecimalPrecision rules), a comparison needs two comparable operands,
 * and the language refuses what Spark would silently coerce (a string
 * compared with a number, a date with a string).  The SQL is fully
 * parenthesised, every column quoted, every string a Spark literal
 * (docs/language.md, Expressions).
 */
#include "check_expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_convert.h"
#include "check_ctx.h"
#include "check_schema.h"
#include "coltype.h"
#include "escape.h"
#include "expr_sql.h"
#include "strbuf.h"

/* A value's type: a model type (precision and scale for decimals), a
 * nested column's tree, or the type of NULL, which fits anywhere. */
struct etype {
	enum model_type t;
	int p, s;
	const struct model_dtype *dt;	/* arrays, maps, structs */
	bool null;
};

struct xctx {
	struct check_ctx *c;
	size_t nscope;		/* mp->columns[0..nscope) are visible */
	const struct check_expr_dim *dim;	/* a join's table (ALIAS.col), or NULL */
	bool in_aggregate;	/* an argument of an aggregate function */
	bool table;		/* an expect rule: the columns are the target table's */
	bool dqdl;		/* strings without '"' or '\\' (escape_spark_string_plain) */
	struct expr_sql_types *rec;	/* every node's type, or NULL */
	const char *text;	/* the decoded value of the string just checked */
};

/* The functions of `aggregate { }` (only there). */
static const char *const agg_names[] = {
	"avg", "count", "count_distinct", "first", "last", "max", "min", "sum",
};

#define NAGGS (sizeof(agg_names) / sizeof(agg_names[0]))

static bool cx(struct xctx *x, const struct ast_expr *e, struct etype *out, struct strbuf *sql);

static const char *const type_words[] = {
	[MT_STRING] = "string", [MT_BOOLEAN] = "boolean", [MT_TINYINT] = "tinyint",
	[MT_SMALLINT] = "smallint", [MT_INT] = "int", [MT_BIGINT] = "bigint",
	[MT_FLOAT] = "float", [MT_DOUBLE] = "double", [MT_DECIMAL] = "decimal",
	[MT_DATE] = "date", [MT_TIMESTAMP] = "timestamp", [MT_BINARY] = "binary",
	[MT_ARRAY] = "array", [MT_MAP] = "map", [MT_STRUCT] = "struct",
};

/* "decimal(12,2)", "int", "NULL" (in the arena: for messages) */
static const char *tname(struct xctx *x, const struct etype *t)
{
	char buf[48];

	if (t->null)
		return "NULL";
	if (t->dt && t->dt->spark)
		return t->dt->spark;
	if (t->t == MT_DECIMAL) {
		snprintf(buf, sizeof(buf), "decimal(%d,%d)", t->p, t->s);
		return arena_strdup(x->c->a, buf);
	}
	return type_words[t->t];
}

static bool is_int(enum model_type t)
{
	return t == MT_TINYINT || t == MT_SMALLINT || t == MT_INT || t == MT_BIGINT;
}

static bool is_num(const struct etype *t)
{
	return t->null || is_int(t->t) || t->t == MT_FLOAT || t->t == MT_DOUBLE ||
	       t->t == MT_DECIMAL;
}

static bool is_time(enum model_type t)
{
	return t == MT_DATE || t == MT_TIMESTAMP;
}

static bool is_nested(const struct etype *t)
{
	return !t->null && (t->t == MT_ARRAY || t->t == MT_MAP || t->t == MT_STRUCT);
}

static struct etype simple(enum model_type t)
{
	struct etype r = { t, 0, 0, NULL, false };

	return r;
}

static struct etype decimal(int p, int s)
{
	struct etype r = { MT_DECIMAL, p, s, NULL, false };

	return r;
}

/* An integer type as the decimal Spark widens it to (DecimalType.forType). */
static struct etype as_decimal(const struct etype *t)
{
	static const int digits[] = {
		[MT_TINYINT] = 3, [MT_SMALLINT] = 5, [MT_INT] = 10, [MT_BIGINT] = 20,
	};

	return t->t == MT_DECIMAL ? *t : decimal(digits[t->t], 0);
}

/* Spark's DecimalType.adjustPrecisionScale with precision loss allowed
 * (spark.sql.decimalOperations.allowPrecisionLoss, default true). */
static struct etype bounded(int p, int s)
{
	if (p <= 38)
		return decimal(p, s);
	{
		int int_digits = p - s, min_scale = s < 6 ? s : 6;
		int adj = 38 - int_digits > min_scale ? 38 - int_digits : min_scale;

		return decimal(38, adj);
	}
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

static int imin(int a, int b)
{
	return a < b ? a : b;
}

/* The result type of a + - * / % b on numbers (Spark's type coercion and
 * DecimalPrecision rules, Spark 3.5). */
static struct etype arith_type(enum ast_expr_op op, const struct etype *a, const struct etype *b)
{
	struct etype da, db;

	if (a->null && b->null)
		return op == AST_OP_DIV ? simple(MT_DOUBLE) : simple(MT_INT);
	if (a->null)
		return arith_type(op, b, b);
	if (b->null)
		return arith_type(op, a, a);
	if (a->t == MT_DOUBLE || b->t == MT_DOUBLE || a->t == MT_FLOAT || b->t == MT_FLOAT)
		return simple(a->t == MT_FLOAT && b->t == MT_FLOAT && op != AST_OP_DIV ? MT_FLOAT
										   : MT_DOUBLE);
	if (a->t != MT_DECIMAL && b->t != MT_DECIMAL) {
		if (op == AST_OP_DIV)
			return simple(MT_DOUBLE);
		return simple(a->t > b->t ? a->t : b->t);
	}
	da = as_decimal(a);
	db = as_decimal(b);
	switch (op) {
	case AST_OP_ADD:
	case AST_OP_SUB: {
		int s = imax(da.s, db.s);

		return bounded(imax(da.p - da.s, db.p - db.s) + s + 1, s);
	}
	case AST_OP_MUL:
		return bounded(da.p + db.p + 1, da.s + db.s);
	case AST_OP_DIV: {
		int s = imax(6, da.s + db.p + 1);

		return bounded(da.p - da.s + db.s + s, s);
	}
	default: {	/* % */
		int s = imax(da.s, db.s);

		return bounded(imin(da.p - da.s, db.p - db.s) + s, s);
	}
	}
}

/* Whether a value of type f is written into a column of type t without
 * loss: the widening table of docs/catalog.md (coltype_widens); NULL
 * fits anywhere. */
static bool fits(struct xctx *x, const struct etype *f, const struct etype *t)
{
	struct coltype cf, ct;

	if (f->null)
		return true;
	coltype_parse(tname(x, f), &cf);
	coltype_parse(tname(x, t), &ct);
	return coltype_widens(&cf, &ct);
}

/* Whether two values compare (=, <, in, between): numbers with numbers,
 * dates and timestamps together, otherwise the same type. */
static bool comparable(const struct etype *a, const struct etype *b)
{
	if (a->null || b->null)
		return true;
	if (is_nested(a) || is_nested(b) || a->t == MT_BINARY || b->t == MT_BINARY)
		return false;
	if (is_num(a) && is_num(b))
		return true;
	if (is_time(a->t) && is_time(b->t))
		return true;
	return a->t == b->t;
}

/* The type two branches (case, coalesce) have in common, or false. */
static bool common_type(struct xctx *x, const struct etype *a, const struct etype *b,
			struct etype *out)
{
	if (a->null || b->null) {
		*out = a->null ? *b : *a;
		return true;
	}
	if (fits(x, a, b)) {
		*out = *b;
		return true;
	}
	if (fits(x, b, a)) {
		*out = *a;
		return true;
	}
	if (is_num(a) && is_num(b) && !is_nested(a) && !is_nested(b)) {
		if (a->t == MT_DECIMAL || b->t == MT_DECIMAL) {
			struct etype da = as_decimal(a), db = as_decimal(b);

			if (a->t == MT_DOUBLE || b->t == MT_DOUBLE || a->t == MT_FLOAT ||
			    b->t == MT_FLOAT) {
				*out = simple(MT_DOUBLE);
				return true;
			}
			*out = bounded(imax(da.p - da.s, db.p - db.s) + imax(da.s, db.s),
				       imax(da.s, db.s));
			return true;
		}
		*out = simple(MT_DOUBLE);
		return true;
	}
	return false;
}

static struct diag *xerr(struct xctx *x, struct span at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct diag *xerr(struct xctx *x, struct span at, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	d = diag_vreport(x->c->ds, DIAG_ERROR, x->c->src, at, fmt, ap);
	va_end(ap);
	return d;
}

/* A did-you-mean help, or `otherwise` when nothing is close. */
static void help_closest(struct diag *d, const char *word, const char *const *cands, size_t n,
			 const char *otherwise)
{
	const char *close = diag_closest(word, cands, n);

	if (close)
		diag_help(d, "did you mean '%s'?", close);
	else if (otherwise)
		diag_help(d, "%s", otherwise);
}

/* ---- leaves ---- */

/* ALIAS.col in a join's condition: the joined table's column, by the
 * join's resolver; a column of unknown type (no catalog) is accepted
 * where any type is, as NULL is. */
static bool dim_ref(struct xctx *x, const struct ast_expr *e, struct etype *out,
		    struct strbuf *sql)
{
	const struct model_column *mc = NULL;
	const char *name = x->dim->column(x->dim->arg, &e->name.parts[1], &mc);

	if (!name)
		return false;
	escape_spark_ident(sql, name);
	if (!mc) {
		out->null = true;
		return true;
	}
	*out = (struct etype){ mc->type, mc->precision, mc->scale, mc->dtype, false };
	if (!is_nested(out))
		out->dt = NULL;
	return true;
}

static bool column_ref(struct xctx *x, const struct ast_expr *e, struct etype *out,
		       struct strbuf *sql)
{
	const struct model_pipeline *mp = x->c->mp;
	const struct ast_name *n = &e->name.parts[0];
	const struct model_column *col = NULL;
	const struct model_dtype *dt;
	const char **names;
	size_t i;

	if (x->dim && e->name.nparts == 2 && !strcmp(n->text, x->dim->alias))
		return dim_ref(x, e, out, sql);
	if (x->dim && e->name.nparts > 2 && !strcmp(n->text, x->dim->alias)) {
		diag_help(xerr(x, e->name.parts[2].span, "a field of a joined column cannot be compared"),
			  "compare the joined table's columns themselves");
		return false;
	}
	for (i = 0; i < mp->ncolumns && !col; i++)
		if (!strcmp(mp->columns[i].name, n->text))
			col = &mp->columns[i];
	for (i = 0; !col && !x->table && i < x->c->nclauses; i++) {
		const struct ast_clause *cl = &x->c->clauses[i];

		if (cl->kind == AST_DERIVE && !strcmp(cl->u.derive.name.text, n->text)) {
			struct diag *d = diag_error(x->c->ds, x->c->src, n->span,
						    "column '%s' is derived below", n->text);

			diag_note(d, x->c->src, cl->u.derive.name.span, "derived here");
			diag_help(d, x->dim ? "the joins run before the derives: join on the declared columns and the columns of the joins above"
					    : "a derive sees the declared columns and the derives above it: move it up");
			return false;
		}
	}
	if (!col) {
		names = arena_array(x->c->a, x->nscope + 1, sizeof(*names));
		for (i = 0; i < x->nscope; i++)
			names[i] = mp->columns[i].name;
		help_closest(xerr(x, n->span, "unknown column '%s'", n->text), n->text, names,
			     x->nscope, x->table ? "an expect rule sees the target table's columns: the declared ones after renames, the derives and joins (or the group keys and aggregates)"
				    : x->dim ? "the columns in scope are the declared ones, those taken by the joins above and the joined table's, as ALIAS.COLUMN"
					       : "the columns in scope are the declared ones and the derives above");
		return false;
	}
	escape_spark_ident(sql, col->name);
	*out = (struct etype){ col->type, col->precision, col->scale, col->dtype, false };
	dt = col->dtype;
	for (i = 1; i < e->name.nparts; i++) {
		const struct ast_name *f = &e->name.parts[i];
		size_t k;

		if (!dt || dt->type != MT_STRUCT) {
			diag_help(xerr(x, f->span, "'%s' has no field '%s'", e->name.parts[i - 1].text,
				       f->text),
				  "only a struct column has fields");
			return false;
		}
		for (k = 0; k < dt->nfields && strcmp(dt->field_names[k], f->text); k++)
			;
		if (k == dt->nfields) {
			help_closest(xerr(x, f->span, "struct '%s' has no field '%s'",
					  e->name.parts[i - 1].text, f->text),
				     f->text, dt->field_names, dt->nfields, NULL);
			return false;
		}
		dt = dt->field_types[k];
		strbuf_addch(sql, '.');
		escape_spark_ident(sql, f->text);
		*out = (struct etype){ dt->type, 0, 0, dt, false };
		if (dt->type == MT_DECIMAL && dt->spark)
			sscanf(dt->spark, "decimal(%d,%d)", &out->p, &out->s);
	}
	if (!is_nested(out))
		out->dt = NULL;
	return true;
}

/* An integer literal is an int when it fits, else a bigint; a number with
 * a point is a decimal of its digits (Spark's literal rules). */
static bool number(struct xctx *x, const struct ast_expr *e, struct etype *out, struct strbuf *sql)
{
	const struct ast_number *n = e->num;
	const char *t = n->text, *dot;
	int digits = 0, scale = 0;

	if (n->is_int) {
		if (n->overflow) {
			diag_help(xerr(x, e->span, "integer %s is out of range", t),
				  "integers are 64-bit: from -9223372036854775808 to 9223372036854775807");
			return false;
		}
		*out = simple(n->ival >= -2147483648LL && n->ival <= 2147483647LL ? MT_INT : MT_BIGINT);
		strbuf_addstr(sql, t);
		return true;
	}
	dot = strchr(t, '.');
	for (; *t; t++)
		if (*t >= '0' && *t <= '9') {
			digits++;
			if (dot && t > dot)
				scale++;
		}
	if (digits > 38) {
		diag_help(xerr(x, e->span, "number %s has more than 38 digits", n->text),
			  "a decimal holds at most 38 digits");
		return false;
	}
	*out = decimal(digits, scale);
	strbuf_addstr(sql, n->text);
	return true;
}

static bool string_lit(struct xctx *x, const struct ast_expr *e, struct etype *out,
		       struct strbuf *sql)
{
	const char *v = check_ctx_string(x->c, e->str);

	if (!v)
		return false;
	if (x->dqdl)
		escape_spark_string_plain(sql, v);
	else
		escape_spark_string(sql, v);
	x->text = v;
	*out = simple(MT_STRING);
	return true;
}

static bool digits_at(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* date "YYYY-MM-DD", timestamp "YYYY-MM-DD HH:MM:SS[.f…]" (UTC) */
static bool typed_lit(struct xctx *x, const struct ast_expr *e, struct etype *out,
		      struct strbuf *sql)
{
	static const char *const kinds[] = { "date", "timestamp" };
	const char *kind = e->name.parts[0].text, *v;
	bool is_date = !strcmp(kind, "date"), ok;
	size_t len;

	if (!is_date && strcmp(kind, "timestamp")) {
		struct diag *d = xerr(x, e->name.span, "unknown literal type '%s'", kind);

		help_closest(d, kind, kinds, 2,
			     "a typed literal is date \"2024-01-31\" or timestamp \"2024-01-31 08:00:00\"");
		return false;
	}
	if (!(v = check_ctx_string(x->c, e->str)))
		return false;
	len = strlen(v);
	ok = len >= 10 && digits_at(v, 4) && v[4] == '-' && digits_at(v + 5, 2) && v[7] == '-' &&
	     digits_at(v + 8, 2) && v[5] <= '1' && v[8] <= '3';
	if (is_date)
		ok = ok && len == 10;
	else if (ok)
		ok = len >= 19 && v[10] == ' ' && digits_at(v + 11, 2) && v[13] == ':' &&
		     digits_at(v + 14, 2) && v[16] == ':' && digits_at(v + 17, 2) &&
		     (len == 19 || (v[19] == '.' && len > 20 && len <= 26 &&
				    digits_at(v + 20, (int)len - 20)));
	if (ok) {
		static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int y = atoi(v), m = atoi(v + 5), d = atoi(v + 8);
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		ok = m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] && (m != 2 || d < 29 || leap);
		if (ok && !is_date)
			ok = atoi(v + 11) < 24 && atoi(v + 14) < 60 && atoi(v + 17) < 60;
	}
	if (!ok) {
		diag_help(xerr(x, e->str->span, "'%s' is not a %s", v, kind),
			  is_date ? "write a date as \"YYYY-MM-DD\", like date \"2024-01-31\""
				  : "write a timestamp as \"YYYY-MM-DD HH:MM:SS\" (UTC), like timestamp \"2024-01-31 08:00:00\"");
		return false;
	}
	strbuf_addstr(sql, is_date ? "DATE " : "TIMESTAMP ");
	escape_spark_string(sql, v);
	x->text = v;
	*out = simple(is_date ? MT_DATE : MT_TIMESTAMP);
	return true;
}

/* ---- operators ---- */

/* Operands of operators are parenthesised when they are operators. */
static bool operand(struct xctx *x, const struct ast_expr *e, struct etype *out,
		    struct strbuf *sql)
{
	bool paren = e->kind == AST_E_BINARY || e->kind == AST_E_UNARY || e->kind == AST_E_IN ||
		     e->kind == AST_E_BETWEEN || e->kind == AST_E_IS_NULL;
	bool ok;

	if (paren)
		strbuf_addch(sql, '(');
	ok = cx(x, e, out, sql);
	if (paren)
		strbuf_addch(sql, ')');
	return ok;
}

static bool binary(struct xctx *x, const struct ast_expr *e, struct etype *out, struct strbuf *sql)
{
	struct etype a, b;
	bool ok = operand(x, e->args[0], &a, sql);

	strbuf_addf(sql, " %s ", e->op == AST_OP_AND ? "AND" : e->op == AST_OP_OR ? "OR"
								 : ast_expr_op_text(e->op));
	ok = operand(x, e->args[1], &b, sql) && ok;
	if (!ok)
		return false;
	if (e->op == AST_OP_AND || e->op == AST_OP_OR) {
		const struct etype *bad = !a.null && a.t != MT_BOOLEAN ? &a : &b;

		if ((!a.null && a.t != MT_BOOLEAN) || (!b.null && b.t != MT_BOOLEAN)) {
			diag_help(xerr(x, e->op_span, "'%s' needs two conditions, found %s",
				       ast_expr_op_text(e->op), tname(x, bad)),
				  "compare the value, like 'x > 0' or 'x is not null'");
			return false;
		}
		*out = simple(MT_BOOLEAN);
		return true;
	}
	if (e->op >= AST_OP_EQ) {
		if (!comparable(&a, &b)) {
			diag_help(xerr(x, e->op_span, "cannot compare %s with %s", tname(x, &a),
				       tname(x, &b)),
				  (is_time(a.t) || is_time(b.t)) && (a.t == MT_STRING || b.t == MT_STRING)
				  ? "write a date or timestamp literal, like date \"2024-01-31\", or cast the text"
				  : "compare values of one kind (numbers, text, dates and timestamps, booleans), or cast one of them");
			return false;
		}
		*out = simple(MT_BOOLEAN);
		return true;
	}
	if (!is_num(&a) || !is_num(&b) || is_nested(&a) || is_nested(&b)) {
		diag_help(xerr(x, e->op_span, "'%s' needs two numbers, found %s and %s",
			       ast_expr_op_text(e->op), tname(x, &a), tname(x, &b)),
			  a.t == MT_STRING || b.t == MT_STRING
			  ? "join text with concat(a, b); cast text holding a number with cast(x as int)"
			  : "use date_add(d, n) and datediff(a, b) for dates");
		return false;
	}
	*out = arith_type(e->op, &a, &b);
	return true;
}

static bool unary(struct xctx *x, const struct ast_expr *e, struct etype *out, struct strbuf *sql)
{
	struct etype a;

	strbuf_addstr(sql, e->op == AST_OP_NOT ? "NOT " : "-");
	/* '-' before a number or another '-' would read as a comment: "--" */
	if (!(e->op == AST_OP_NOT ? operand(x, e->args[0], &a, sql)
				  : (strbuf_addch(sql, '('), cx(x, e->args[0], &a, sql))))
		return false;
	if (e->op == AST_OP_NEG)
		strbuf_addch(sql, ')');
	if (e->op == AST_OP_NOT && !a.null && a.t != MT_BOOLEAN) {
		diag_help(xerr(x, e->op_span, "'not' needs a condition, found %s", tname(x, &a)),
			  "compare the value, like 'not x > 0'");
		return false;
	}
	if (e->op == AST_OP_NEG && (!is_num(&a) || is_nested(&a))) {
		diag_help(xerr(x, e->op_span, "'-' needs a number, found %s", tname(x, &a)), NULL);
		return false;
	}
	*out = a.null && e->op == AST_OP_NOT ? simple(MT_BOOLEAN) : a;
	return true;
}

static bool is_null(struct xctx *x, const struct ast_expr *e, struct etype *out, struct strbuf *sql)
{
	struct etype a;

	if (!operand(x, e->args[0], &a, sql))
		return false;
	strbuf_addstr(sql, e->negated ? " IS NOT NULL" : " IS NULL");
	*out = simple(MT_BOOLEAN);
	return true;
}

/* x [not] in (a, b, …), x [not] between a and b */
static bool in_between(struct xctx *x, const struct ast_expr *e, struct etype *out,
		       struct strbuf *sql)
{
	bool in = e->kind == AST_E_IN, ok;
	struct etype a, b;
	size_t i;

	ok = operand(x, e->args[0], &a, sql);
	strbuf_addstr(sql, e->negated ? " NOT" : "");
	strbuf_addstr(sql, in ? " IN (" : " BETWEEN ");
	for (i = 1; i < e->nargs; i++) {
		if (i > 1)
			strbuf_addstr(sql, in ? ", " : " AND ");
		if (!operand(x, e->args[i], &b, sql)) {
			ok = false;
			continue;
		}
		if (ok && !comparable(&a, &b)) {
			diag_help(xerr(x, e->args[i]->span, "cannot compare %s with %s", tname(x, &a),
				       tname(x, &b)),
				  "list values of the tested value's kind");
			ok = false;
		}
	}
	if (in)
		strbuf_addch(sql, ')');
	*out = simple(MT_BOOLEAN);
	return ok;
}

/* case when c then v … [else v] end: conditions are booleans, the values
 * have a common type; without else, no match is NULL. */
static bool case_expr(struct xctx *x, const struct ast_expr *e, struct etype *out,
		      struct strbuf *sql)
{
	size_t n = e->nargs - (e->has_else ? 1 : 0), i;
	struct etype t, acc = { MT_STRING, 0, 0, NULL, true };
	bool ok = true;

	strbuf_addstr(sql, "CASE");
	for (i = 0; i < n; i += 2) {
		strbuf_addstr(sql, " WHEN ");
		if (cx(x, e->args[i], &t, sql) && !t.null && t.t != MT_BOOLEAN) {
			diag_help(xerr(x, e->args[i]->span, "'when' needs a condition, found %s",
				       tname(x, &t)),
				  "compare the value, like 'when x > 0'");
			ok = false;
		}
		strbuf_addstr(sql, " THEN ");
		ok = cx(x, e->args[i + 1], &t, sql) && ok;
		if (ok && !common_type(x, &acc, &t, &acc)) {
			diag_help(xerr(x, e->args[i + 1]->span,
				       "this branch is %s, an earlier one is %s", tname(x, &t),
				       tname(x, &acc)),
				  "every branch of a case has one type: cast the others");
			ok = false;
		}
	}
	if (e->has_else) {
		strbuf_addstr(sql, " ELSE ");
		ok = cx(x, e->args[n], &t, sql) && ok;
		if (ok && !common_type(x, &acc, &t, &acc)) {
			diag_help(xerr(x, e->args[n]->span, "the else branch is %s, the others are %s",
				       tname(x, &t), tname(x, &acc)),
				  "every branch of a case has one type: cast the others");
			ok = false;
		}
	}
	strbuf_addstr(sql, " END");
	*out = acc;
	return ok;
}

/* cast(x as T): between primitive types; text to a number, date or
 * timestamp that does not parse is NULL (Spark, ANSI mode off). */
static bool cast_expr(struct xctx *x, const struct ast_expr *e, struct etype *out,
		      struct strbuf *sql)
{
	struct model_column to;
	struct etype a;
	bool ok;

	memset(&to, 0, sizeof(to));
	strbuf_addstr(sql, "CAST(");
	ok = cx(x, e->args[0], &a, sql);
	if (!check_column_type(x->c, e->type, &to))
		return false;
	strbuf_addf(sql, " AS %s)", to.spark_type);
	if (!ok)
		return false;
	*out = (struct etype){ to.type, to.precision, to.scale, to.dtype, false };
	if (is_nested(out) || is_nested(&a) || to.type == MT_BINARY ||
	    (!a.null && a.t == MT_BINARY && to.type != MT_STRING) ||
	    (is_time(to.type) && is_num(&a) && !a.null) ||
	    (is_time(a.t) && !a.null && is_num(out))) {
		diag_help(xerr(x, e->span, "cannot cast %s to %s", tname(x, &a), to.spark_type),
			  "cast converts between text, numbers, booleans, dates and timestamps; "
			  "use from_unixtime or to_timestamp for epoch numbers");
		return false;
	}
	if (!is_nested(out))
		out->dt = NULL;
	return true;
}

/* ---- functions ---- */

/* A call's arguments, compiled. */
struct call {
	const struct ast_expr *e;
	struct etype *t;
	struct strbuf *sql;
	size_t n;
};

/* Argument i must be of a kind; `want` names it for the message. */
static bool arg_is(struct xctx *x, const struct call *k, size_t i, bool ok, const char *want)
{
	if (ok || k->t[i].null)
		return true;
	diag_help(xerr(x, k->e->args[i]->span, "%s() needs %s here, found %s",
		       k->e->name.parts[0].text, want, tname(x, &k->t[i])),
		  "see docs/language.md, Functions");
	return false;
}

/* Argument i must be a string literal (a pattern, a format, a unit). */
static const char *arg_literal(struct xctx *x, const struct call *k, size_t i, const char *what)
{
	const struct ast_expr *a = k->e->args[i];

	if (a->kind != AST_E_STRING) {
		diag_help(xerr(x, a->span, "the %s of %s() is a string literal", what,
			       k->e->name.parts[0].text),
			  "write it in double quotes");
		return NULL;
	}
	return check_ctx_string(x->c, a->str);
}

static bool is_text(const struct etype *t)
{
	return t->t == MT_STRING;
}

/* lower, upper, trim: text -> text; length: text -> int */
static bool fn_text(struct xctx *x, const struct call *k, struct etype *out)
{
	*out = simple(strcmp(k->e->name.parts[0].text, "length") ? MT_STRING : MT_INT);
	return arg_is(x, k, 0, is_text(&k->t[0]), "text");
}

static bool fn_concat(struct xctx *x, const struct call *k, struct etype *out)
{
	bool ok = true;

	for (size_t i = 0; i < k->n; i++)
		ok = arg_is(x, k, i, is_text(&k->t[i]), "text (cast numbers with cast(x as string))") && ok;
	*out = simple(MT_STRING);
	return ok;
}

/* substring(text, start[, length]): start counts from 1 */
static bool fn_substring(struct xctx *x, const struct call *k, struct etype *out)
{
	bool ok = arg_is(x, k, 0, is_text(&k->t[0]), "text");

	for (size_t i = 1; i < k->n; i++)
		ok = arg_is(x, k, i, is_int(k->t[i].t), "an integer") && ok;
	*out = simple(MT_STRING);
	return ok;
}

/* regexp_extract(text, "pattern", group), split(text, "pattern") */
static bool fn_regexp(struct xctx *x, const struct call *k, struct etype *out)
{
	bool split = !strcmp(k->e->name.parts[0].text, "split");
	bool ok = arg_is(x, k, 0, is_text(&k->t[0]), "text");
	const char *re = arg_literal(x, k, 1, "pattern");

	if (!re)
		return false;
	if (!split && k->e->args[2]->kind != AST_E_NUMBER) {
		diag_help(xerr(x, k->e->args[2]->span, "the group of regexp_extract() is a number"),
			  "0 is the whole match, 1 the first group");
		return false;
	}
	if (!split && (!k->e->args[2]->num->is_int || k->e->args[2]->num->ival < 0)) {
		diag_help(xerr(x, k->e->args[2]->span, "group %s is not a group number",
			       k->e->args[2]->num->text),
			  "0 is the whole match, 1 the first group");
		return false;
	}
	if (split) {
		static struct model_dtype elem = { MT_STRING, "string", NULL, NULL, NULL, NULL, NULL, 0 };
		static struct model_dtype arr = { MT_ARRAY, "array<string>", &elem, NULL, NULL, NULL,
						  NULL, 0 };

		*out = (struct etype){ MT_ARRAY, 0, 0, &arr, false };
	} else {
		*out = simple(MT_STRING);
	}
	return ok;
}

static bool fn_coalesce(struct xctx *x, const struct call *k, struct etype *out)
{
	struct etype acc = k->t[0];

	for (size_t i = 1; i < k->n; i++)
		if (!common_type(x, &acc, &k->t[i], &acc)) {
			diag_help(xerr(x, k->e->args[i]->span, "coalesce() argument is %s, the first is %s",
				       tname(x, &k->t[i]), tname(x, &acc)),
				  "every argument of coalesce has one type: cast the others");
			return false;
		}
	*out = acc;
	return true;
}

/* date(x): a timestamp's date (UTC), or text "YYYY-MM-DD" */
static bool fn_date(struct xctx *x, const struct call *k, struct etype *out)
{
	*out = simple(MT_DATE);
	return arg_is(x, k, 0, is_time(k->t[0].t) || is_text(&k->t[0]), "a timestamp, a date or text");
}

/* year, month, day of a date or timestamp; hour of a timestamp */
static bool fn_part(struct xctx *x, const struct call *k, struct etype *out)
{
	bool hour = !strcmp(k->e->name.parts[0].text, "hour");

	*out = simple(MT_INT);
	return arg_is(x, k, 0, hour ? k->t[0].t == MT_TIMESTAMP : is_time(k->t[0].t),
		      hour ? "a timestamp" : "a date or a timestamp");
}

/* date_trunc("unit", ts) */
static bool fn_date_trunc(struct xctx *x, const struct call *k, struct etype *out)
{
	static const char *const units[] = {
		"year", "quarter", "month", "week", "day", "hour", "minute", "second",
	};
	const char *u = arg_literal(x, k, 0, "unit");

	*out = simple(MT_TIMESTAMP);
	if (!u)
		return false;
	if (check_ctx_word_index(u, units, 8) < 0) {
		help_closest(xerr(x, k->e->args[0]->span, "unknown date_trunc unit \"%s\"", u), u, units,
			     8, "units: year, quarter, month, week, day, hour, minute, second");
		return false;
	}
	return arg_is(x, k, 1, is_time(k->t[1].t), "a date or a timestamp");
}

/* date_add(date, days) -> date; datediff(end, start) -> int days */
static bool fn_days(struct xctx *x, const struct call *k, struct etype *out)
{
	bool add = !strcmp(k->e->name.parts[0].text, "date_add");

	bool first, second;

	*out = simple(add ? MT_DATE : MT_INT);
	first = arg_is(x, k, 0, is_time(k->t[0].t), "a date");
	second = add ? arg_is(x, k, 1, is_int(k->t[1].t) && k->t[1].t != MT_BIGINT, "an int")
		     : arg_is(x, k, 1, is_time(k->t[1].t), "a date");
	return first && second;
}

static bool check_pattern(struct xctx *x, const struct call *k, size_t i, const char *p)
{
	char bad = 0;
	const char *why = check_convert_pattern_problem(p, &bad);

	if (!why)
		return true;
	if (bad)
		diag_help(xerr(x, k->e->args[i]->span,
			       "'%c' is not a pattern letter of Spark datetime formats", bad),
			  "write a pattern like \"yyyy-MM-dd HH:mm:ss\"");
	else
		diag_help(xerr(x, k->e->args[i]->span, "bad datetime pattern: %s", why),
			  "write a pattern like \"yyyy-MM-dd HH:mm:ss\"");
	return false;
}

/* from_unixtime(seconds[, "format"]) -> text (UTC) */
static bool fn_from_unixtime(struct xctx *x, const struct call *k, struct etype *out)
{
	const char *f;

	*out = simple(MT_STRING);
	if (!arg_is(x, k, 0, is_int(k->t[0].t), "seconds since the epoch (an integer)"))
		return false;
	return k->n < 2 || ((f = arg_literal(x, k, 1, "format")) && check_pattern(x, k, 1, f));
}

/* to_timestamp(text, "format"), to_date(text, "format"): NULL when the
 * text does not match (Spark, ANSI mode off) */
static bool fn_parse_time(struct xctx *x, const struct call *k, struct etype *out)
{
	const char *f;

	*out = simple(strcmp(k->e->name.parts[0].text, "to_date") ? MT_TIMESTAMP : MT_DATE);
	if (!arg_is(x, k, 0, is_text(&k->t[0]), "text"))
		return false;
	return (f = arg_literal(x, k, 1, "format")) && check_pattern(x, k, 1, f);
}

struct fn {
	const char *name;
	const char *spark;		/* Spark SQL function (NULL: written by hand) */
	unsigned min, max;
	bool (*check)(struct xctx *x, const struct call *k, struct etype *out);
	const char *usage;
};

static const struct fn fns[] = {
	{ "coalesce", "coalesce", 1, 64, fn_coalesce, "coalesce(a, b, ...)" },
	{ "concat", "concat", 1, 64, fn_concat, "concat(text, text, ...)" },
	{ "date", NULL, 1, 1, fn_date, "date(timestamp)" },
	{ "date_add", "date_add", 2, 2, fn_days, "date_add(date, days)" },
	{ "date_trunc", "date_trunc", 2, 2, fn_date_trunc, "date_trunc(\"day\", timestamp)" },
	{ "datediff", "datediff", 2, 2, fn_days, "datediff(end_date, start_date)" },
	{ "day", "dayofmonth", 1, 1, fn_part, "day(date)" },
	{ "from_unixtime", "from_unixtime", 1, 2, fn_from_unixtime,
	  "from_unixtime(seconds[, \"yyyy-MM-dd HH:mm:ss\"])" },
	{ "hour", "hour", 1, 1, fn_part, "hour(timestamp)" },
	{ "length", "length", 1, 1, fn_text, "length(text)" },
	{ "lower", "lower", 1, 1, fn_text, "lower(text)" },
	{ "month", "month", 1, 1, fn_part, "month(date)" },
	{ "regexp_extract", "regexp_extract", 3, 3, fn_regexp,
	  "regexp_extract(text, \"pattern\", group)" },
	{ "split", "split", 2, 2, fn_regexp, "split(text, \"pattern\")" },
	{ "substring", "substring", 2, 3, fn_substring, "substring(text, start[, length])" },
	{ "to_date", "to_date", 2, 2, fn_parse_time, "to_date(text, \"yyyy-MM-dd\")" },
	{ "to_timestamp", "to_timestamp", 2, 2, fn_parse_time,
	  "to_timestamp(text, \"yyyy-MM-dd HH:mm:ss\")" },
	{ "trim", "trim", 1, 1, fn_text, "trim(text)" },
	{ "upper", "upper", 1, 1, fn_text, "upper(text)" },
	{ "year", "year", 1, 1, fn_part, "year(date)" },
};

#define NFNS (sizeof(fns) / sizeof(fns[0]))

static const struct fn *find_fn(struct xctx *x, const struct ast_expr *e)
{
	const char *name = e->name.parts[0].text;
	const char *names[NFNS];
	size_t i;

	for (i = 0; i < NFNS; i++) {
		if (!strcmp(fns[i].name, name))
			return &fns[i];
		names[i] = fns[i].name;
	}
	for (i = 0; e->name.nparts == 1 && i < NAGGS; i++)
		if (!strcmp(agg_names[i], name)) {
			if (x->in_aggregate)
				diag_help(xerr(x, e->name.span,
					       "aggregate function '%s' inside another one", name),
					  "aggregate functions do not nest: aggregate the input "
					  "column directly, or 'derive' a column and aggregate that");
			else
				diag_help(xerr(x, e->name.span,
					       "aggregate function '%s' outside 'aggregate'", name),
					  "aggregate functions are written in the block of "
					  "'aggregate by KEYS { NAME TYPE = %s(...) }'", name);
			return NULL;
		}
	help_closest(xerr(x, e->name.span, "unknown function '%s'", name), name, names, NFNS,
		     "the functions are listed in docs/language.md, Functions");
	return NULL;
}

static bool call(struct xctx *x, const struct ast_expr *e, struct etype *out, struct strbuf *sql)
{
	const struct fn *f = find_fn(x, e);
	struct call k = { e, NULL, NULL, e->nargs };
	bool ok = true;
	size_t i;

	if (!f)
		return false;
	if (e->nargs < f->min || e->nargs > f->max) {
		diag_help(xerr(x, e->span, "%s() takes %s%u argument%s, found %zu", f->name,
			       f->min == f->max ? "" : e->nargs < f->min ? "at least " : "at most ",
			       e->nargs < f->min ? f->min : f->max,
			       (e->nargs < f->min ? f->min : f->max) == 1 ? "" : "s", e->nargs),
			  "write %s", f->usage);
		return false;
	}
	k.t = arena_array(x->c->a, e->nargs + 1, sizeof(*k.t));
	k.sql = arena_array(x->c->a, e->nargs + 1, sizeof(*k.sql));
	for (i = 0; i < e->nargs; i++) {
		strbuf_init(&k.sql[i], 0);
		ok = cx(x, e->args[i], &k.t[i], &k.sql[i]) && ok;
	}
	ok = ok && f->check(x, &k, out);
	if (ok) {
		strbuf_addf(sql, "%s(", f->spark ? f->spark : "CAST");
		for (i = 0; i < e->nargs; i++)
			strbuf_addf(sql, "%s%s", i ? ", " : "", k.sql[i].buf);
		strbuf_addstr(sql, f->spark ? ")" : " AS DATE)");
	}
	for (i = 0; i < e->nargs; i++)
		strbuf_release(&k.sql[i]);
	return ok;
}

/* ---- the walk ---- */

static bool cx_node(struct xctx *x, const struct ast_expr *e, struct etype *out,
		    struct strbuf *sql)
{
	memset(out, 0, sizeof(*out));
	switch (e->kind) {
	case AST_E_COLUMN:
		return column_ref(x, e, out, sql);
	case AST_E_NUMBER:
		return number(x, e, out, sql);
	case AST_E_STRING:
		return string_lit(x, e, out, sql);
	case AST_E_BOOL:
		strbuf_addstr(sql, e->bool_value ? "true" : "false");
		*out = simple(MT_BOOLEAN);
		return true;
	case AST_E_NULL:
		strbuf_addstr(sql, "NULL");
		out->null = true;
		return true;
	case AST_E_TYPED:
		return typed_lit(x, e, out, sql);
	case AST_E_UNARY:
		return unary(x, e, out, sql);
	case AST_E_BINARY:
		return binary(x, e, out, sql);
	case AST_E_IS_NULL:
		return is_null(x, e, out, sql);
	case AST_E_IN:
	case AST_E_BETWEEN:
		return in_between(x, e, out, sql);
	case AST_E_CASE:
		return case_expr(x, e, out, sql);
	case AST_E_CAST:
		return cast_expr(x, e, out, sql);
	case AST_E_CALL:
		return call(x, e, out, sql);
	}
	return false;
}

/* One node, its type recorded when asked (expect rules). */
static bool cx(struct xctx *x, const struct ast_expr *e, struct etype *out, struct strbuf *sql)
{
	bool ok;

	x->text = NULL;
	ok = cx_node(x, e, out, sql);
	if (ok && x->rec) {
		struct expr_sql_type t = { out->t, out->p, out->s, out->null };

		expr_sql_types_add(x->rec, e, &t, x->text);
	}
	x->text = NULL;
	return ok;
}

/* ---- clauses ---- */

static size_t count_kind(const struct ast_clause *clauses, size_t n, enum ast_clause_kind k)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		m += clauses[i].kind == k;
	return m;
}

/* derive NAME TYPE = EXPR: a new column after the declared ones. */
static void derive_one(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;
	struct model_column *col = &mp->columns[mp->ncolumns];
	struct xctx x = { c, mp->ncolumns, NULL, false, false, false, NULL, NULL };
	struct strbuf sql = STRBUF_INIT;
	const struct ast_name *n = &cl->u.derive.name;
	struct etype t, want;
	size_t i;

	for (i = 0; i < mp->ncolumns; i++)
		if (!strcmp(mp->columns[i].name, n->text)) {
			struct diag *d = diag_error(c->ds, c->src, n->span,
						    mp->columns[i].derived_sql ? "column '%s' is derived twice"
						    : mp->columns[i].joined ? "column '%s' is taken by a join and derived"
									       : "column '%s' is declared and derived",
						    n->text);

			diag_note(d, c->src, mp->columns[i].span, "first here");
			diag_help(d, "give the derived column another name");
			return;
		}
	memset(col, 0, sizeof(*col));
	if (!check_column_type(c, cl->u.derive.type, col))
		return;
	if (!cx(&x, cl->u.derive.expr, &t, &sql)) {
		strbuf_release(&sql);
		return;
	}
	want = (struct etype){ col->type, col->precision, col->scale, col->dtype, false };
	if (!is_nested(&want))
		want.dt = NULL;
	if (!fits(&x, &t, &want)) {
		struct diag *d = diag_error(c->ds, c->src, cl->u.derive.expr->span,
					    "the expression is %s, not %s", tname(&x, &t), col->spark_type);

		diag_help(d, "convert it explicitly with cast(... as %s), under Spark's cast rules (docs/language.md, Expressions)",
			  col->spark_type);
		strbuf_release(&sql);
		return;
	}
	col->name = n->text;
	col->span = n->span;
	col->source_field = NULL;
	col->derived_sql = arena_strdup(c->a, sql.buf);
	mp->ncolumns++;
	mp->nderived++;
	strbuf_release(&sql);
}

void check_derives(struct check_ctx *c, const struct ast_clause *clauses, size_t n)
{
	struct model_pipeline *mp = c->mp;
	size_t nd = count_kind(clauses, n, AST_DERIVE), i;
	struct model_column *cols;

	if (!nd || !mp->columns)
		return;
	cols = arena_array(c->a, mp->ncolumns + nd, sizeof(*cols));
	memcpy(cols, mp->columns, mp->ncolumns * sizeof(*cols));
	mp->columns = cols;
	for (i = 0; i < n; i++)
		if (clauses[i].kind == AST_DERIVE)
			derive_one(c, &clauses[i]);
}

void check_filters(struct check_ctx *c, const struct ast_clause *clauses, size_t n)
{
	struct model_pipeline *mp = c->mp;
	size_t nf = count_kind(clauses, n, AST_FILTER), i;

	if (!nf || !mp->columns)
		return;
	mp->filters = arena_array(c->a, nf, sizeof(*mp->filters));
	for (i = 0; i < n; i++) {
		struct xctx x = { c, mp->ncolumns, NULL, false, false, false, NULL, NULL };
		struct strbuf sql = STRBUF_INIT;
		struct etype t;

		if (clauses[i].kind != AST_FILTER)
			continue;
		if (cx(&x, clauses[i].u.filter, &t, &sql)) {
			if (!t.null && t.t != MT_BOOLEAN)
				diag_help(diag_error(c->ds, c->src, clauses[i].u.filter->span,
						     "a filter is a condition, not %s", tname(&x, &t)),
					  "compare the value, like 'filter amount > 0'");
			else {
				mp->filters[mp->nfilters].sql = arena_strdup(c->a, sql.buf);
				mp->filters[mp->nfilters++].span = clauses[i].span;
			}
		}
		strbuf_release(&sql);
	}
}

bool check_expr_join(struct check_ctx *c, const struct ast_expr *e, const struct check_expr_dim *dim,
		     struct strbuf *sql, const char **type)
{
	struct xctx x = { c, c->mp->ncolumns, dim, false, false, false, NULL, NULL };
	struct etype t;

	if (!cx(&x, e, &t, sql))
		return false;
	*type = t.null ? NULL : t.t == MT_BOOLEAN ? "boolean" : tname(&x, &t);
	return true;
}
/* ---- aggregate ---- */

struct agg_fn {
	const char *name;
	enum model_agg fn;		/* with an argument (count: MA_COUNT) */
	bool by;			/* first/last: VALUE by ORDER */
	const char *usage;
};

static const struct agg_fn agg_fns[] = {
	{ "avg", MA_AVG, false, "avg(number)" },
	{ "count", MA_COUNT, false, "count() or count(VALUE)" },
	{ "count_distinct", MA_COUNT_DISTINCT, false, "count_distinct(VALUE)" },
	{ "first", MA_FIRST, true, "first(VALUE by ORDER)" },
	{ "last", MA_LAST, true, "last(VALUE by ORDER)" },
	{ "max", MA_MAX, false, "max(VALUE)" },
	{ "min", MA_MIN, false, "min(VALUE)" },
	{ "sum", MA_SUM, false, "sum(number)" },
};

/* The function of an aggregate line and its arguments' shape, or NULL. */
static const struct agg_fn *agg_find(struct xctx *x, const struct ast_agg *g)
{
	const struct agg_fn *f = NULL;
	size_t i;

	for (i = 0; i < sizeof(agg_fns) / sizeof(agg_fns[0]) && !f; i++)
		if (!strcmp(agg_fns[i].name, g->fn.text))
			f = &agg_fns[i];
	if (!f) {
		help_closest(xerr(x, g->fn.span, "unknown aggregate function '%s'", g->fn.text),
			     g->fn.text, agg_names, NAGGS,
			     "the aggregate functions are count, count_distinct, sum, avg, min, "
			     "max, first and last (docs/language.md, aggregate)");
		return NULL;
	}
	if (f->by && !g->order) {
		diag_help(xerr(x, g->call_span, "%s() needs 'by' and the order of the rows",
			       f->name),
			  "write %s; the value of the row with the %s ORDER is taken", f->usage,
			  f->fn == MA_FIRST ? "smallest" : "greatest");
		return NULL;
	}
	if (!f->by && g->order) {
		diag_help(xerr(x, g->by_span, "'by' in %s()", f->name),
			  "only first() and last() take 'by'; write %s", f->usage);
		return NULL;
	}
	if (!g->arg && f->fn != MA_COUNT) {
		diag_help(xerr(x, g->call_span, "%s() takes a value", f->name), "write %s",
			  f->usage);
		return NULL;
	}
	return f;
}

/* Whether values of t order (min, max, first, last, and their 'by'). */
static bool agg_orders(const struct etype *t)
{
	return !t->null && !is_nested(t) && t->t != MT_BINARY;
}

/* Spark 3.5's result type of an aggregate over an argument of type a
 * (sql/catalyst/.../expressions/aggregate/): Count and count(DISTINCT)
 * are LongType (bigint); Sum.resultType is LongType for an integral
 * argument, DecimalType.bounded(p + 10, s) for decimal(p,s), DoubleType
 * for float and double; Average.resultType is DecimalType.bounded(p + 4,
 * s + 4) for decimal(p,s) and DoubleType otherwise (bounded caps
 * precision and scale at 38 each); Min, Max, MinBy and MaxBy have the
 * type of their value. */
static bool agg_result(struct xctx *x, const struct ast_agg *g, enum model_agg fn,
		       const struct etype *a, const struct etype *o, struct etype *out)
{
	if (a && a->null) {
		diag_help(xerr(x, g->arg->span, "the value of %s() is NULL", g->fn.text),
			  "aggregate a column or an expression over the columns");
		return false;
	}
	switch (fn) {
	case MA_COUNT_DISTINCT:
		/* Spark compares the values: a map has no equality there either */
		if (a->dt && strstr(tname(x, a), "map<")) {
			diag_help(xerr(x, g->arg->span, "count_distinct() of %s, which Spark "
				       "cannot compare", tname(x, a)),
				  "count the distinct values of a key or field instead");
			return false;
		}
		*out = simple(MT_BIGINT);
		return true;
	case MA_COUNT_ROWS:
	case MA_COUNT:
		*out = simple(MT_BIGINT);
		return true;
	case MA_SUM:
	case MA_AVG:
		if (!is_num(a)) {
			diag_help(xerr(x, g->arg->span, "%s() needs a number, found %s", g->fn.text,
				       tname(x, a)),
				  "sum and avg add numbers; count(VALUE) counts the values");
			return false;
		}
		if (a->t == MT_DECIMAL)
			*out = fn == MA_SUM ? decimal(imin(38, a->p + 10), a->s)
					    : decimal(imin(38, a->p + 4), imin(38, a->s + 4));
		else
			*out = simple(fn == MA_SUM && is_int(a->t) ? MT_BIGINT : MT_DOUBLE);
		return true;
	default:
		break;
	}
	if (!agg_orders(a)) {
		diag_help(xerr(x, g->arg->span, "%s() needs a value that orders, found %s",
			       g->fn.text, tname(x, a)),
			  "take a number, text, date, timestamp or boolean (a field of a struct, "
			  "not the struct)");
		return false;
	}
	if (o && (!agg_orders(o) || o->t == MT_BOOLEAN)) {
		diag_help(xerr(x, g->order->span, "the order of %s() is %s, which cannot be ordered",
			       g->fn.text, tname(x, o)),
			  "order by a timestamp, date, number or string");
		return false;
	}
	*out = *a;
	return true;
}

/* One aggregate line: its function, types and SQL into ma, its column
 * (the declared type) into col. */
static bool agg_one(struct check_ctx *c, const struct ast_agg *g, struct model_aggregate *ma,
		    struct model_column *col, size_t nscope)
{
	struct xctx x = { c, nscope, NULL, true, false, false, NULL, NULL };
	struct strbuf arg = STRBUF_INIT, ord = STRBUF_INIT;
	const struct agg_fn *f = agg_find(&x, g);
	struct etype a, o, r, want;
	bool ok = f != NULL;

	memset(col, 0, sizeof(*col));
	ok = check_column_type(c, g->type, col) && ok;
	if (ok && g->arg)
		ok = cx(&x, g->arg, &a, &arg);
	if (ok && g->order)
		ok = cx(&x, g->order, &o, &ord);
	ma->fn = f && f->fn == MA_COUNT && !g->arg ? MA_COUNT_ROWS : f ? f->fn : MA_COUNT;
	ok = ok && agg_result(&x, g, ma->fn, g->arg ? &a : NULL, g->order ? &o : NULL, &r);
	if (ok) {
		want = (struct etype){ col->type, col->precision, col->scale, col->dtype, false };
		if (!is_nested(&want))
			want.dt = NULL;
		if (!fits(&x, &r, &want)) {
			diag_help(diag_error(c->ds, c->src, g->type->span,
					     "%s() here is %s, not %s", g->fn.text, tname(&x, &r),
					     col->spark_type),
				  "declare the column as %s (or a type it widens into); Spark's "
				  "result types are listed in docs/language.md, aggregate",
				  tname(&x, &r));
			ok = false;
		}
	}
	if (ok) {
		ma->name = g->name.text;
		ma->arg_sql = g->arg ? arena_strdup(c->a, arg.buf) : NULL;
		ma->order_sql = g->order ? arena_strdup(c->a, ord.buf) : NULL;
		ma->result_type = tname(&x, &r);
		ma->span = g->span;
		col->name = g->name.text;
		col->span = g->name.span;
	}
	strbuf_release(&arg);
	strbuf_release(&ord);
	return ok;
}

/* A name of the aggregate's output is used once: keys and aggregates. */
static bool agg_name_free(struct check_ctx *c, const struct model_column *out, size_t n,
			  const struct ast_name *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(out[i].name, name->text)) {
			struct diag *d = diag_error(c->ds, c->src, name->span,
						    "the aggregate's output has '%s' twice", name->text);

			diag_note(d, c->src, out[i].span, "first here");
			diag_help(d, "each group key is listed once, and an aggregate column "
				  "takes a name that is not a group key's");
			return false;
		}
	return true;
}

/* The group keys: input columns, each once, of a type Spark groups by
 * (not a map: "grouping expressions ... cannot be of type map"). */
static size_t agg_keys(struct check_ctx *c, const struct ast_clause *cl, struct model_column *out)
{
	struct model_pipeline *mp = c->mp;
	size_t i, n = 0;

	for (i = 0; i < cl->u.aggregate.nkeys; i++) {
		const struct ast_name *k = &cl->u.aggregate.keys[i];
		const struct model_column *col = check_ctx_column_ref(c, k, "group key");

		if (!col || !agg_name_free(c, out, n, k))
			continue;
		if (col->dtype && (col->dtype->type == MT_MAP ||
				   strstr(col->spark_type, "map<"))) {
			diag_help(diag_error(c->ds, c->src, k->span,
					     "group key '%s' is %s, which Spark cannot group by",
					     k->text, col->spark_type),
				  "group by a column without a map in it");
			continue;
		}
		out[n] = *col;
		out[n].derived_sql = NULL;
		out[n].source_field = NULL;
		out[n].renamed = false;
		out[n].parse = MPARSE_CAST;
		out[n].parse_arg = NULL;
		out[n].span = k->span;
		mp->group_keys[mp->ngroup_keys++] = out[n].name;
		n++;
	}
	return n;
}

void check_aggregate(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;
	size_t nout = cl->u.aggregate.nkeys + cl->u.aggregate.nitems, n, i;
	struct model_column *out = arena_array(c->a, nout + 1, sizeof(*out));

	mp->group_keys = arena_array(c->a, cl->u.aggregate.nkeys + 1, sizeof(*mp->group_keys));
	mp->aggregates = arena_array(c->a, cl->u.aggregate.nitems + 1, sizeof(*mp->aggregates));
	n = agg_keys(c, cl, out);
	for (i = 0; i < cl->u.aggregate.nitems; i++) {
		const struct ast_agg *g = &cl->u.aggregate.items[i];

		if (!agg_name_free(c, out, n, &g->name))
			continue;
		if (agg_one(c, g, &mp->aggregates[mp->naggregates], &out[n], mp->ncolumns)) {
			mp->naggregates++;
			n++;
		}
	}
	if (!cl->u.aggregate.nitems)
		diag_help(diag_error(c->ds, c->src, cl->kw_span, "'aggregate' without columns"),
			  "add a line like 'rows bigint = count()' to the block");
	/* `was OLD` renames a column of the table: only a group key is one */
	for (i = 0; i < mp->ncolumns; i++) {
		size_t k;

		for (k = 0; k < n && strcmp(out[k].name, mp->columns[i].name); k++)
			;
		if (mp->columns[i].renamed_from && k == n)
			diag_help(diag_error(c->ds, c->src, mp->columns[i].renamed_span,
					     "'was %s' on '%s', an input column of 'aggregate'",
					     mp->columns[i].renamed_from, mp->columns[i].name),
				  "the table's columns are the group keys and the aggregate columns; "
				  "remove 'was'");
	}
	mp->aggregated = true;
	mp->input_columns = mp->columns;
	mp->ninput_columns = mp->ncolumns;
	mp->ninput_derived = mp->nderived;
	mp->columns = out;
	mp->ncolumns = n;
	mp->nderived = 0;
}

bool check_expr_condition(struct check_ctx *c, const struct ast_expr *e, struct strbuf *sql,
			  struct expr_sql_types *types)
{
	struct xctx x = { c, c->mp->ncolumns, NULL, false, true, true, types, NULL };
	struct etype t;

	if (!cx(&x, e, &t, sql))
		return false;
	if (!t.null && t.t != MT_BOOLEAN) {
		diag_help(diag_error(c->ds, c->src, e->span, "an expect rule is a condition, not %s",
				     tname(&x, &t)),
			  "compare the value, like 'expect total >= 0' or 'expect a = b * c'");
		return false;
	}
	return true;
}
