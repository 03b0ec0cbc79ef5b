/*
 * expr_sql: checked expressions in Trino (Athena engine v3) and Redshift
 * SQL, with the meaning Spark 3.5 gives them in the job (ANSI mode off).
 *
 * What Spark does that the others do not, and how it is kept:
 *   - integer + - * and unary minus wrap around at the result type's width
 *     (Trino and Redshift fail the query on overflow): computed exactly in
 *     a wider type, then wrapped with MOD;
 *   - `/` of numbers is a DOUBLE division, and NULL for a zero divisor
 *     (Trino divides integers as integers and fails on zero): both sides
 *     cast to DOUBLE, the divisor through NULLIF(…, 0); `%` likewise;
 *   - concat() of a NULL is NULL: Trino's concat too, Redshift's `||`;
 *   - trim() removes spaces only: trim(BOTH ' ' FROM …), BTRIM(…, ' ');
 *   - regexp_extract() is '' when nothing matches (Trino gives NULL);
 *   - from_unixtime() is text in UTC: format_datetime(from_unixtime(s,
 *     'UTC'), …) with the Joda letters Spark's pattern uses, TO_CHAR in
 *     Redshift.
 * Forms whose meaning differs and cannot be written faithfully are
 * refused (casts that Spark turns into NULL or truncates, parsing text
 * into dates, float arithmetic, decimal division, ...), each with a
 * reason and what to write instead.  The texts are fully parenthesised.
 */
#include "expr_sql.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "escape.h"
#include "xalloc.h"

void expr_sql_types_add(struct expr_sql_types *ts, const struct ast_expr *e,
			const struct expr_sql_type *t, const char *text)
{
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? 2 * ts->cap : 16;
		ts->v = xrealloc(ts->v, ts->cap * sizeof(*ts->v));
	}
	ts->v[ts->n].e = e;
	ts->v[ts->n].type = *t;
	ts->v[ts->n++].text = text;
}

void expr_sql_types_release(struct expr_sql_types *ts)
{
	free(ts->v);
	ts->v = NULL;
	ts->n = ts->cap = 0;
}

struct dia {
	const char *engine;		/* in messages */
	void (*ident)(struct strbuf *out, const char *s);
	void (*string)(struct strbuf *out, const char *s);
	const char *dbl, *str;		/* DOUBLE, text */
	const char *tinyint;
};

static const struct dia dias[] = {
	[EXPR_SQL_TRINO] = { "Athena", escape_athena_ident, escape_athena_string, "DOUBLE",
			     "VARCHAR", "TINYINT" },
	[EXPR_SQL_REDSHIFT] = { "Redshift", escape_redshift_ident, escape_redshift_string,
				"DOUBLE PRECISION", "VARCHAR(65535)", "SMALLINT" },
};

struct rx {
	const struct expr_sql_types *ts;
	enum expr_sql_dialect d;
	const struct dia *D;
	struct expr_sql_refusal *no;
};

static bool rx(struct rx *r, const struct ast_expr *e, struct strbuf *out);

static const struct expr_sql_node *node(const struct rx *r, const struct ast_expr *e)
{
	for (size_t i = 0; i < r->ts->n; i++)
		if (r->ts->v[i].e == e)
			return &r->ts->v[i];
	return NULL;
}

static const struct expr_sql_type *type_of(const struct rx *r, const struct ast_expr *e)
{
	static const struct expr_sql_type unknown = { MT_STRING, 0, 0, true };
	const struct expr_sql_node *n = node(r, e);

	return n ? &n->type : &unknown;
}

static bool refuse(struct rx *r, const struct ast_expr *at, const char *help, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool refuse(struct rx *r, const struct ast_expr *at, const char *help, const char *fmt, ...)
{
	va_list ap;

	if (r->no->at)
		return false;
	r->no->at = at;
	va_start(ap, fmt);
	vsnprintf(r->no->why, sizeof(r->no->why), fmt, ap);
	va_end(ap);
	snprintf(r->no->help, sizeof(r->no->help), "%s", help);
	return false;
}

static bool is_int(enum model_type t)
{
	return t == MT_TINYINT || t == MT_SMALLINT || t == MT_INT || t == MT_BIGINT;
}

static bool is_num(enum model_type t)
{
	return is_int(t) || t == MT_FLOAT || t == MT_DOUBLE || t == MT_DECIMAL;
}

/* The type's name in the dialect (a scalar type). */
static void type_name(const struct rx *r, const struct expr_sql_type *t, struct strbuf *out)
{
	static const char *const names[] = {
		[MT_SMALLINT] = "SMALLINT", [MT_INT] = "INTEGER", [MT_BIGINT] = "BIGINT",
		[MT_FLOAT] = "REAL", [MT_BOOLEAN] = "BOOLEAN", [MT_DATE] = "DATE",
		[MT_TIMESTAMP] = "TIMESTAMP",
	};

	if (t->t == MT_DECIMAL)
		strbuf_addf(out, "DECIMAL(%d,%d)", t->p, t->s);
	else if (t->t == MT_DOUBLE)
		strbuf_addstr(out, r->D->dbl);
	else if (t->t == MT_STRING)
		strbuf_addstr(out, r->D->str);
	else if (t->t == MT_TINYINT)
		strbuf_addstr(out, r->D->tinyint);
	else
		strbuf_addstr(out, names[t->t] ? names[t->t] : "VARCHAR");
}

/* An operand: parenthesised unless a leaf or a call. */
static bool sub(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool paren = e->kind == AST_E_BINARY || e->kind == AST_E_UNARY || e->kind == AST_E_IN ||
		     e->kind == AST_E_BETWEEN || e->kind == AST_E_IS_NULL ||
		     (e->kind == AST_E_NUMBER && e->num->text[0] == '-');
	bool ok;

	if (paren)
		strbuf_addch(out, '(');
	ok = rx(r, e, out);
	if (paren)
		strbuf_addch(out, ')');
	return ok;
}

/* CAST(<e> AS <type>) */
static bool cast_to(struct rx *r, const struct ast_expr *e, const char *type, struct strbuf *out)
{
	strbuf_addstr(out, "CAST(");
	if (!rx(r, e, out))
		return false;
	strbuf_addf(out, " AS %s)", type);
	return true;
}

/* ---- leaves ---- */

static bool column(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	if (e->name.nparts > 1 && r->d == EXPR_SQL_REDSHIFT)
		return refuse(r, e, "derive the field as a column (derive x int = point.x) and check that column",
			      "a struct field has no Redshift spelling in validate.sql");
	for (size_t i = 0; i < e->name.nparts; i++) {
		if (i)
			strbuf_addch(out, '.');
		r->D->ident(out, e->name.parts[i].text);
	}
	return true;
}

static bool number(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	if (!e->num->is_int && r->d == EXPR_SQL_TRINO)
		strbuf_addf(out, "DECIMAL '%s'", e->num->text);	/* exact, whatever the session says */
	else
		strbuf_addstr(out, e->num->text);
	return true;
}

static bool string(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct expr_sql_node *n = node(r, e);

	if (e->kind == AST_E_TYPED)
		strbuf_addstr(out, strcmp(e->name.parts[0].text, "date") ? "TIMESTAMP " : "DATE ");
	r->D->string(out, n && n->text ? n->text : "");
	return true;
}

/* ---- operators ---- */

/* The bits of an integer type, for wrapping. */
static int int_bits(enum model_type t)
{
	return t == MT_TINYINT ? 8 : t == MT_SMALLINT ? 16 : t == MT_INT ? 32 : 64;
}

/* A literal of a power of two as an exact number of the dialect. */
static void pow2(const struct rx *r, int bits, struct strbuf *out)
{
	static const char *const v[] = { "128", "256", "32768", "65536", "2147483648",
					 "4294967296", "9223372036854775808",
					 "18446744073709551616" };
	int k = bits == 7 ? 0 : bits == 8 ? 1 : bits == 15 ? 2 : bits == 16 ? 3 : bits == 31 ? 4
	      : bits == 32 ? 5 : bits == 63 ? 6 : 7;

	if (bits < 63)
		strbuf_addstr(out, v[k]);
	else if (r->d == EXPR_SQL_TRINO)
		strbuf_addf(out, "DECIMAL '%s'", v[k]);
	else
		strbuf_addf(out, "CAST('%s' AS DECIMAL(20,0))", v[k]);
}

/* Spark's integer + - * (and 0 - x): the exact result (BIGINT, or
 * DECIMAL(19,0) operands for a BIGINT result, whose product fits 38
 * digits), wrapped to the result's width as Java's arithmetic does:
 * MOD(MOD(v + 2^(n-1), 2^n) + 2^n, 2^n) - 2^(n-1). */
static bool int_arith(struct rx *r, const struct ast_expr *e, const char *op,
		      const struct expr_sql_type *t, struct strbuf *out)
{
	int bits = int_bits(t->t);
	const char *wide = bits == 64 ? "DECIMAL(19,0)" : "BIGINT";
	struct strbuf tn = STRBUF_INIT;
	bool ok;

	strbuf_addstr(out, "CAST(MOD(MOD(");
	if (e->kind == AST_E_UNARY) {
		strbuf_addstr(out, "0 - ");
		ok = cast_to(r, e->args[0], wide, out);
	} else {
		ok = cast_to(r, e->args[0], wide, out);
		strbuf_addf(out, " %s ", op);
		ok = ok && cast_to(r, e->args[1], wide, out);
	}
	strbuf_addstr(out, " + ");
	pow2(r, bits - 1, out);
	strbuf_addstr(out, ", ");
	pow2(r, bits, out);
	strbuf_addstr(out, ") + ");
	pow2(r, bits, out);
	strbuf_addstr(out, ", ");
	pow2(r, bits, out);
	strbuf_addstr(out, ") - ");
	pow2(r, bits - 1, out);
	type_name(r, t, &tn);
	strbuf_addf(out, " AS %s)", tn.buf);
	strbuf_release(&tn);
	return ok;
}

/* A number as Spark's decimal arithmetic sees it: (precision, scale). */
static void as_decimal(const struct expr_sql_type *t, int *p, int *s)
{
	static const int digits[] = { [MT_TINYINT] = 3, [MT_SMALLINT] = 5, [MT_INT] = 10,
				      [MT_BIGINT] = 20 };

	*p = t->t == MT_DECIMAL ? t->p : is_int(t->t) ? digits[t->t] : 38;
	*s = t->t == MT_DECIMAL ? t->s : 0;
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

/* Whether Spark's result of a decimal + - * % needs more than 38 digits
 * (Spark then rounds it, or gives NULL on overflow; the others fail). */
static bool decimal_bounded(enum ast_expr_op op, const struct expr_sql_type *a,
			    const struct expr_sql_type *b)
{
	int pa, sa, pb, sb, p;

	as_decimal(a, &pa, &sa);
	as_decimal(b, &pb, &sb);
	if (op == AST_OP_MUL)
		p = pa + pb + 1;
	else if (op == AST_OP_MOD)
		p = (pa - sa < pb - sb ? pa - sa : pb - sb) + imax(sa, sb);
	else
		p = imax(pa - sa, pb - sb) + imax(sa, sb) + 1;
	return p > 38;
}

/* a / b and a % b: NULL for a zero divisor, as in Spark. */
static bool divide(struct rx *r, const struct ast_expr *e, const struct expr_sql_type *t,
		   struct strbuf *out)
{
	bool div = e->op == AST_OP_DIV, ok;

	if (t->t == MT_DECIMAL && div)
		return refuse(r, e, "divide as doubles, the same in every engine: cast(a as double) / b",
			      "a decimal division rounds to Spark's result scale, which %s does not share",
			      r->D->engine);
	if (!div && t->t == MT_DOUBLE && r->d == EXPR_SQL_REDSHIFT)
		return refuse(r, e, "declare the column as a decimal, or check the value without '%'",
			      "Redshift has no '%%' of doubles");
	if (div) {
		strbuf_addstr(out, "CAST(");
		ok = rx(r, e->args[0], out);
		strbuf_addf(out, " AS %s) / NULLIF(CAST(", r->D->dbl);
		ok = ok && rx(r, e->args[1], out);
		strbuf_addf(out, " AS %s), 0)", r->D->dbl);
		return ok;
	}
	strbuf_addstr(out, "MOD(");
	ok = rx(r, e->args[0], out);
	strbuf_addstr(out, ", NULLIF(");
	ok = ok && rx(r, e->args[1], out);
	strbuf_addstr(out, ", 0))");
	return ok;
}

static bool arith(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct expr_sql_type *t = type_of(r, e), *a = type_of(r, e->args[0]),
				   *b = type_of(r, e->args[1]);
	bool ok;

	if ((!a->null && a->t == MT_FLOAT) || (!b->null && b->t == MT_FLOAT) || t->t == MT_FLOAT)
		if (e->op != AST_OP_DIV)
			return refuse(r, e, "cast the float to double: cast(x as double)",
				      "Spark computes this in float precision, %s does not",
				      r->D->engine);
	if (e->op == AST_OP_DIV || e->op == AST_OP_MOD) {
		if (t->t == MT_DECIMAL && e->op == AST_OP_MOD && decimal_bounded(e->op, a, b))
			return refuse(r, e, "cast the operands to a narrower decimal",
				      "the result needs more than 38 digits, which Spark rounds");
		return divide(r, e, t, out);
	}
	if (is_int(t->t))
		return int_arith(r, e, ast_expr_op_text(e->op), t, out);
	if (t->t == MT_DECIMAL && decimal_bounded(e->op, a, b))
		return refuse(r, e, "cast the operands to a narrower decimal, or to double",
			      "the exact result needs more than 38 digits: Spark rounds it (or gives NULL), %s fails",
			      r->D->engine);
	ok = sub(r, e->args[0], out);
	strbuf_addf(out, " %s ", ast_expr_op_text(e->op));
	return sub(r, e->args[1], out) && ok;
}

static bool binary(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool ok;

	if (e->op < AST_OP_EQ)
		return arith(r, e, out);
	ok = sub(r, e->args[0], out);
	strbuf_addf(out, " %s ", e->op == AST_OP_AND ? "AND" : e->op == AST_OP_OR ? "OR"
			       : e->op == AST_OP_NE ? "<>" : ast_expr_op_text(e->op));
	return sub(r, e->args[1], out) && ok;
}

static bool unary(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct expr_sql_type *t = type_of(r, e);

	if (e->op == AST_OP_NOT) {
		strbuf_addstr(out, "NOT ");
		return sub(r, e->args[0], out);
	}
	if (is_int(t->t))
		return int_arith(r, e, "-", t, out);
	if (t->t == MT_FLOAT)
		return refuse(r, e, "cast the float to double: cast(x as double)",
			      "Spark computes this in float precision, %s does not", r->D->engine);
	strbuf_addstr(out, "-");
	return sub(r, e->args[0], out);
}

static bool is_null(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool ok = sub(r, e->args[0], out);

	strbuf_addstr(out, e->negated ? " IS NOT NULL" : " IS NULL");
	return ok;
}

static bool in_between(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool ok = sub(r, e->args[0], out);

	if (e->kind == AST_E_BETWEEN) {
		strbuf_addstr(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
		ok = sub(r, e->args[1], out) && ok;
		strbuf_addstr(out, " AND ");
		return sub(r, e->args[2], out) && ok;
	}
	strbuf_addstr(out, e->negated ? " NOT IN (" : " IN (");
	for (size_t i = 1; i < e->nargs; i++) {
		if (i > 1)
			strbuf_addstr(out, ", ");
		ok = rx(r, e->args[i], out) && ok;
	}
	strbuf_addch(out, ')');
	return ok;
}

static bool case_expr(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	size_t n = e->nargs - (e->has_else ? 1 : 0);
	bool ok = true;

	strbuf_addstr(out, "CASE");
	for (size_t i = 0; i < n; i += 2) {
		strbuf_addstr(out, " WHEN ");
		ok = rx(r, e->args[i], out) && ok;
		strbuf_addstr(out, " THEN ");
		ok = rx(r, e->args[i + 1], out) && ok;
	}
	if (e->has_else) {
		strbuf_addstr(out, " ELSE ");
		ok = rx(r, e->args[n], out) && ok;
	}
	strbuf_addstr(out, " END");
	return ok;
}

/* The casts that mean the same in Spark and the engine: widening numbers,
 * numbers without a fraction or decimals to text, dates and timestamps
 * between themselves, a date to text; the rest differ (Spark gives NULL
 * for text that does not parse and truncates or wraps numbers, where
 * Trino and Redshift fail the query or round). */
static const char *cast_problem(const struct rx *r, const struct expr_sql_type *a,
				const struct expr_sql_type *to)
{
	int pa, sa;

	if (a->null || (a->t == to->t && (a->t != MT_DECIMAL || (a->p == to->p && a->s == to->s))))
		return NULL;
	as_decimal(a, &pa, &sa);
	if (is_int(a->t) && is_int(to->t))
		return int_bits(to->t) >= int_bits(a->t) ? NULL : "Spark wraps an integer that does not fit around";
	if ((is_int(a->t) || a->t == MT_DECIMAL || a->t == MT_FLOAT) && to->t == MT_DOUBLE)
		return NULL;
	if ((is_int(a->t) || a->t == MT_DECIMAL) && to->t == MT_DECIMAL)
		return to->p - to->s >= pa - sa && to->s >= sa
		       ? NULL : "Spark rounds the value or gives NULL when it does not fit";
	if ((is_int(a->t) || a->t == MT_DECIMAL || a->t == MT_DATE) && to->t == MT_STRING)
		return NULL;
	if ((a->t == MT_DATE && to->t == MT_TIMESTAMP) || (a->t == MT_TIMESTAMP && to->t == MT_DATE))
		return NULL;
	if (a->t == MT_TIMESTAMP && to->t == MT_STRING)
		return "Spark writes a fraction of a second without its trailing zeros, the engine with them";
	if (a->t == MT_STRING)
		return "Spark gives NULL for text that does not parse; the engine fails the query";
	if (is_num(a->t) && is_int(to->t))
		return "Spark truncates the fraction; the engine rounds";
	(void)r;
	return "Spark and the engine convert these types differently";
}

static bool cast_expr(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct expr_sql_type *to = type_of(r, e), *a = type_of(r, e->args[0]);
	const char *why = cast_problem(r, a, to);
	struct strbuf tn = STRBUF_INIT;
	bool ok;

	if (why)
		return refuse(r, e, "compare the values as they are, or convert them with a derive in the pipeline and check the derived column",
			      "this cast has no faithful %s spelling: %s", r->D->engine, why);
	type_name(r, to, &tn);
	ok = cast_to(r, e->args[0], tn.buf, out);
	strbuf_release(&tn);
	return ok;
}

/* ---- functions: one row per function, a writer per dialect ---- */

struct fn_sql {
	const char *name;
	bool (*write)(struct rx *r, const struct ast_expr *e, struct strbuf *out);
	const char *trino, *redshift;	/* the function's name (or a template's piece) */
};

/* NAME(a, b, ...) */
static bool fn_plain(struct rx *r, const struct ast_expr *e, const char *name, struct strbuf *out)
{
	bool ok = true;

	strbuf_addf(out, "%s(", name);
	for (size_t i = 0; i < e->nargs; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		ok = rx(r, e->args[i], out) && ok;
	}
	strbuf_addch(out, ')');
	return ok;
}

static bool w_plain(struct rx *r, const struct ast_expr *e, struct strbuf *out);

static bool w_concat(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool ok = true;

	if (e->nargs == 1 || r->d == EXPR_SQL_REDSHIFT) {
		/* concat(a) is a; Redshift's CONCAT takes two: a || b, NULL when one is */
		strbuf_addch(out, '(');
		for (size_t i = 0; i < e->nargs; i++) {
			if (i)
				strbuf_addstr(out, " || ");
			ok = sub(r, e->args[i], out) && ok;
		}
		strbuf_addch(out, ')');
		return ok;
	}
	return w_plain(r, e, out);
}

static bool w_date(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	if (type_of(r, e->args[0])->t == MT_STRING && !type_of(r, e->args[0])->null)
		return refuse(r, e, "compare the text itself, or check its shape with 'expect COLUMN matches \"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"'",
			      "date() of text has no faithful %s spelling: Spark gives NULL for text that is not a date, the engine fails the query",
			      r->D->engine);
	return cast_to(r, e->args[0], "DATE", out);
}

static bool w_date_add(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool ok;

	strbuf_addstr(out, r->d == EXPR_SQL_TRINO ? "date_add('day', " : "CAST(DATEADD(day, ");
	ok = rx(r, e->args[1], out);
	strbuf_addstr(out, ", ");
	ok = cast_to(r, e->args[0], "DATE", out) && ok;
	strbuf_addstr(out, r->d == EXPR_SQL_TRINO ? ")" : ") AS DATE)");
	return ok;
}

/* datediff(end, start): days from start to end */
static bool w_datediff(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool ok;

	strbuf_addstr(out, r->d == EXPR_SQL_TRINO ? "date_diff('day', " : "DATEDIFF(day, ");
	ok = cast_to(r, e->args[1], "DATE", out);
	strbuf_addstr(out, ", ");
	ok = cast_to(r, e->args[0], "DATE", out) && ok;
	strbuf_addch(out, ')');
	return ok;
}

/* date_trunc("unit", x): a timestamp; Spark reads a date as its midnight */
static bool w_date_trunc(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct expr_sql_node *u = node(r, e->args[0]);
	bool ok;

	strbuf_addstr(out, r->d == EXPR_SQL_TRINO ? "date_trunc(" : "DATE_TRUNC(");
	r->D->string(out, u && u->text ? u->text : "day");
	strbuf_addstr(out, ", ");
	if (type_of(r, e->args[1])->t == MT_DATE)
		ok = cast_to(r, e->args[1], "TIMESTAMP", out);
	else
		ok = rx(r, e->args[1], out);
	strbuf_addch(out, ')');
	return ok;
}

/* year, month, day, hour: EXTRACT in Redshift */
static bool w_part(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const char *fn = e->name.parts[0].text;
	bool ok;

	if (r->d == EXPR_SQL_TRINO)
		return w_plain(r, e, out);
	strbuf_addstr(out, "EXTRACT(");
	for (; *fn; fn++)
		strbuf_addch(out, (char)(*fn - 'a' + 'A'));
	strbuf_addstr(out, " FROM ");
	ok = rx(r, e->args[0], out);
	strbuf_addch(out, ')');
	return ok;
}

static bool w_trim(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool ok;

	strbuf_addstr(out, r->d == EXPR_SQL_TRINO ? "trim(BOTH ' ' FROM " : "BTRIM(");
	ok = rx(r, e->args[0], out);
	strbuf_addstr(out, r->d == EXPR_SQL_TRINO ? ")" : ", ' ')");
	return ok;
}

/* regexp_extract(x, re, g): '' when nothing matches, NULL for NULL x */
static bool w_regexp_extract(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct expr_sql_node *re = node(r, e->args[1]);
	long long g = e->args[2]->num->ival;
	bool ok;

	if (r->d == EXPR_SQL_REDSHIFT) {
		if (g > 1)
			return refuse(r, e, "capture the part you check as the first group: regexp_extract(x, \"...(part)...\", 1)",
				      "Redshift's REGEXP_SUBSTR extracts the whole match or the first group only");
		strbuf_addstr(out, "REGEXP_SUBSTR(");
		ok = rx(r, e->args[0], out);
		strbuf_addstr(out, ", ");
		r->D->string(out, re && re->text ? re->text : "");
		strbuf_addstr(out, g ? ", 1, 1, 'pe')" : ", 1, 1, 'p')");
		return ok;
	}
	strbuf_addstr(out, "CASE WHEN ");
	ok = sub(r, e->args[0], out);
	strbuf_addstr(out, " IS NULL THEN NULL ELSE COALESCE(regexp_extract(");
	ok = rx(r, e->args[0], out) && ok;
	strbuf_addstr(out, ", ");
	r->D->string(out, re && re->text ? re->text : "");
	strbuf_addf(out, ", %lld), '') END", g);
	return ok;
}

/* substring(x, start[, length]) with a literal start >= 1 and length >= 0:
 * where the engines agree (Spark reads a start of 0 as 1, the others as
 * before the text). */
static bool w_substring(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	bool ok;

	for (size_t i = 1; i < e->nargs; i++)
		if (e->args[i]->kind != AST_E_NUMBER || e->args[i]->num->ival < (i == 1 ? 1 : 0))
			return refuse(r, e->args[i], "write the start as a number from 1 and the length as a number from 0, like substring(code, 1, 2)",
				      "substring() with a %s that is not a literal %s has no faithful %s spelling (Spark reads 0 and negative values its own way)",
				      i == 1 ? "start" : "length", i == 1 ? "from 1" : "from 0", r->D->engine);
	strbuf_addstr(out, r->d == EXPR_SQL_TRINO ? "substr(" : "SUBSTRING(");
	ok = rx(r, e->args[0], out);
	strbuf_addstr(out, r->d == EXPR_SQL_TRINO || e->nargs == 3 ? ", " : " FROM ");
	ok = rx(r, e->args[1], out) && ok;
	if (e->nargs == 3) {
		strbuf_addstr(out, ", ");
		ok = rx(r, e->args[2], out) && ok;
	}
	strbuf_addch(out, ')');
	return ok;
}

/* Spark pattern letters → Joda (Trino format_datetime) and Redshift TO_CHAR */
static const struct {
	const char *spark, *joda, *redshift;
} time_letters[] = {
	{ "yyyy", "yyyy", "YYYY" }, { "MM", "MM", "MM" }, { "dd", "dd", "DD" },
	{ "HH", "HH", "HH24" }, { "mm", "mm", "MI" }, { "ss", "ss", "SS" },
};

/* The pattern in the dialect, or false: only the letters above and the
 * separators - : / . _ , and space. */
static bool time_pattern(const struct rx *r, const char *p, struct strbuf *out)
{
	while (*p) {
		size_t i, n = sizeof(time_letters) / sizeof(time_letters[0]);

		if (strchr("-:/._, ", *p)) {
			strbuf_addch(out, *p++);
			continue;
		}
		for (i = 0; i < n; i++)
			if (!strncmp(p, time_letters[i].spark, strlen(time_letters[i].spark)) &&
			    p[strlen(time_letters[i].spark)] != *p)
				break;
		if (i == n)
			return false;
		strbuf_addstr(out, r->d == EXPR_SQL_TRINO ? time_letters[i].joda
							  : time_letters[i].redshift);
		p += strlen(time_letters[i].spark);
	}
	return true;
}

static bool w_from_unixtime(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct expr_sql_node *f = e->nargs > 1 ? node(r, e->args[1]) : NULL;
	struct strbuf pat = STRBUF_INIT;
	bool ok;

	if (!time_pattern(r, f && f->text ? f->text : "yyyy-MM-dd HH:mm:ss", &pat)) {
		strbuf_release(&pat);
		return refuse(r, e->args[1], "use a pattern of yyyy, MM, dd, HH, mm, ss and the separators - : / . _ , or a space",
			      "this pattern has no faithful %s spelling", r->D->engine);
	}
	if (r->d == EXPR_SQL_TRINO) {
		strbuf_addstr(out, "format_datetime(from_unixtime(");
		ok = rx(r, e->args[0], out);
		strbuf_addstr(out, ", 'UTC'), ");
	} else {
		strbuf_addstr(out, "TO_CHAR(TIMESTAMP 'epoch' + ");
		ok = sub(r, e->args[0], out);
		strbuf_addstr(out, " * INTERVAL '1 second', ");
	}
	r->D->string(out, pat.buf);
	strbuf_addch(out, ')');
	strbuf_release(&pat);
	return ok;
}

static bool w_refused(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const char *fn = e->name.parts[0].text;

	(void)out;
	if (!strcmp(fn, "split"))
		return refuse(r, e, "check the text with matches or regexp_extract instead",
			      "split() has no faithful %s spelling: Athena and Redshift split at a text, not at a pattern",
			      r->D->engine);
	return refuse(r, e, "check the text's shape with 'expect COLUMN matches \"...\"', or parse it in a derive and check the derived column",
		      "%s() has no faithful %s spelling: Spark's datetime pattern and its NULL for text that does not match have no equivalent there",
		      fn, r->D->engine);
}

static const struct fn_sql fn_sqls[] = {
	{ "coalesce", w_plain, "coalesce", "COALESCE" },
	{ "concat", w_concat, "concat", NULL },
	{ "date", w_date, NULL, NULL },
	{ "date_add", w_date_add, NULL, NULL },
	{ "date_trunc", w_date_trunc, NULL, NULL },
	{ "datediff", w_datediff, NULL, NULL },
	{ "day", w_part, "day", NULL },
	{ "from_unixtime", w_from_unixtime, NULL, NULL },
	{ "hour", w_part, "hour", NULL },
	{ "length", w_plain, "length", "LENGTH" },
	{ "lower", w_plain, "lower", "LOWER" },
	{ "month", w_part, "month", NULL },
	{ "regexp_extract", w_regexp_extract, NULL, NULL },
	{ "split", w_refused, NULL, NULL },
	{ "substring", w_substring, NULL, NULL },
	{ "to_date", w_refused, NULL, NULL },
	{ "to_timestamp", w_refused, NULL, NULL },
	{ "trim", w_trim, NULL, NULL },
	{ "upper", w_plain, "upper", "UPPER" },
	{ "year", w_part, "year", NULL },
};

static const struct fn_sql *fn_of(const struct ast_expr *e)
{
	for (size_t i = 0; i < sizeof(fn_sqls) / sizeof(fn_sqls[0]); i++)
		if (!strcmp(fn_sqls[i].name, e->name.parts[0].text))
			return &fn_sqls[i];
	return NULL;
}

static bool w_plain(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct fn_sql *f = fn_of(e);

	return fn_plain(r, e, r->d == EXPR_SQL_TRINO ? f->trino : f->redshift, out);
}

static bool call(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	const struct fn_sql *f = fn_of(e);

	if (!f)
		return refuse(r, e, "see docs/language.md, Functions", "unknown function '%s'",
			      e->name.parts[0].text);
	return f->write(r, e, out);
}

static bool rx(struct rx *r, const struct ast_expr *e, struct strbuf *out)
{
	switch (e->kind) {
	case AST_E_COLUMN:
		return column(r, e, out);
	case AST_E_NUMBER:
		return number(r, e, out);
	case AST_E_STRING:
	case AST_E_TYPED:
		return string(r, e, out);
	case AST_E_BOOL:
		strbuf_addstr(out, e->bool_value ? "TRUE" : "FALSE");
		return true;
	case AST_E_NULL:
		strbuf_addstr(out, "NULL");
		return true;
	case AST_E_UNARY:
		return unary(r, e, out);
	case AST_E_BINARY:
		return binary(r, e, out);
	case AST_E_IS_NULL:
		return is_null(r, e, out);
	case AST_E_IN:
	case AST_E_BETWEEN:
		return in_between(r, e, out);
	case AST_E_CASE:
		return case_expr(r, e, out);
	case AST_E_CAST:
		return cast_expr(r, e, out);
	case AST_E_CALL:
		return call(r, e, out);
	}
	return false;
}

bool expr_sql_render(const struct expr_sql_types *ts, const struct ast_expr *e,
		     enum expr_sql_dialect d, struct strbuf *out, struct expr_sql_refusal *no)
{
	struct rx r = { ts, d, &dias[d], no };

	memset(no, 0, sizeof(*no));
	return rx(&r, e, out) && !no->at;
}
