#include "check_validate.h"

#include <ctype.h>
#include <string.h>

#include "check_ctx.h"
#include "check_expr.h"
#include "expr_sql.h"
#include "strbuf.h"

static const char *const rule_names[] = {
	"row_count", "not_null", "unique", "expect", "freshness", "sample", "on failure",
	"completeness", "column_count", "distinct_count", "mean", "sum", "stddev", "uniqueness",
	"length",
};

static bool is_numeric(enum model_type t)
{
	return t == MT_TINYINT || t == MT_SMALLINT || t == MT_INT || t == MT_BIGINT ||
	       t == MT_FLOAT || t == MT_DOUBLE || t == MT_DECIMAL;
}

static bool is_integer(enum model_type t)
{
	return t == MT_TINYINT || t == MT_SMALLINT || t == MT_INT || t == MT_BIGINT;
}

/* Whether s matches the pattern: '9' a digit, anything else itself. */
static bool shaped(const char *s, const char *pattern)
{
	for (; *pattern; s++, pattern++)
		if (*pattern == '9' ? !isdigit((unsigned char)*s) : *s != *pattern)
			return false;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int num(const char *s, size_t n)
{
	int v = 0;

	while (n--)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Why s is not a date (or a timestamp), or NULL: "YYYY-MM-DD"; a timestamp
 * may add " HH:MM:SS" (or "THH:MM:SS") and up to six digits of a second.
 * Nothing else, no zone: the emitters write the value as DATE '…' and
 * TIMESTAMP '…' in Spark, Trino and Redshift, which read it the same way
 * only in this form, and refuse a day or a time that does not exist (a
 * wrong one would fail the query, not the check). */
static const char *date_problem(const char *s, bool timestamp)
{
	size_t i = 19;
	int y, m;

	if (strlen(s) < 10 || !shaped(s, "9999-99-99"))
		return "not shaped";
	y = num(s, 4);
	m = num(s + 5, 2);
	if (m < 1 || m > 12 || num(s + 8, 2) < 1 || num(s + 8, 2) > days_in_month(y, m))
		return "there is no such day";
	if (s[10] == '\0')
		return NULL;
	if (!timestamp || (s[10] != ' ' && s[10] != 'T') || !shaped(s + 11, "99:99:99"))
		return "not shaped";
	if (num(s + 11, 2) > 23 || num(s + 14, 2) > 59 || num(s + 17, 2) > 59)
		return "there is no such time of day (00:00:00 to 23:59:59)";
	if (s[i] == '.')
		while (isdigit((unsigned char)s[++i]))
			;
	if (s[i] != '\0' || s[i - 1] == '.')
		return "not shaped";
	if (i > 20 + 6)
		return "timestamps hold microseconds: at most 6 digits after the second";
	return NULL;
}

static size_t digits(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += isdigit((unsigned char)*s) != 0;
	return n;
}

/* A comparison operand that fits col's type; fills lit. */
static bool literal(struct check_ctx *c, const struct model_column *col, const struct ast_value *v,
		    struct model_literal *lit)
{
	if (!is_numeric(col->type) && col->type != MT_STRING && col->type != MT_DATE &&
	    col->type != MT_TIMESTAMP && col->type != MT_BOOLEAN) {
		diag_help(diag_error(c->ds, c->src, v->span,
				     "values of column '%s' (%s) cannot be compared", col->name,
				     col->spark_type),
			  "expect rules compare strings, numbers, booleans, dates and timestamps");
		return false;
	}
	if (is_numeric(col->type)) {
		if (v->kind != AST_VAL_NUMBER) {
			diag_help(diag_error(c->ds, c->src, v->span,
					     "column '%s' is %s; compare it with a number", col->name,
					     col->spark_type),
				  "write a number without quotes, like 0 or 9.99");
			return false;
		}
		if (is_integer(col->type) && !v->u.num.is_int) {
			diag_help(diag_error(c->ds, c->src, v->span,
					     "column '%s' is %s; '%s' is not a whole number", col->name,
					     col->spark_type, v->u.num.text),
				  "compare integer columns with whole numbers");
			return false;
		}
		if (digits(v->u.num.text) > 38) {
			diag_help(diag_error(c->ds, c->src, v->span,
					     "'%s' has more than 38 digits", v->u.num.text),
				  "Spark, Athena and Redshift decimals hold at most 38 digits");
			return false;
		}
		lit->is_string = false;
		lit->text = v->u.num.text;
		return true;
	}
	if (col->type == MT_BOOLEAN) {
		if (v->kind != AST_VAL_NAME || v->u.name.nparts != 1 ||
		    (strcmp(v->u.name.parts[0].text, "true") && strcmp(v->u.name.parts[0].text, "false"))) {
			diag_help(diag_error(c->ds, c->src, v->span,
					     "column '%s' is boolean; compare it with true or false",
					     col->name),
				  "write true or false without quotes");
			return false;
		}
		lit->is_string = false;
		lit->text = v->u.name.parts[0].text;
		return true;
	}
	if (v->kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, v->span,
				     "column '%s' is %s; compare it with a quoted string", col->name,
				     col->spark_type),
			  col->type == MT_STRING ? "write the value in double quotes"
						 : "write the value as \"2024-01-31\"");
		return false;
	}
	lit->text = check_ctx_string(c, &v->u.str);
	if (!lit->text)
		return false;
	if (col->type == MT_DATE || col->type == MT_TIMESTAMP) {
		const char *why = date_problem(lit->text, col->type == MT_TIMESTAMP);

		if (why && !strcmp(why, "not shaped"))
			why = col->type == MT_DATE ? "write \"YYYY-MM-DD\""
						   : "write \"YYYY-MM-DD HH:MM:SS\", without a time zone";
		if (why) {
			diag_help(diag_error(c->ds, c->src, v->span, "'%s' is not a %s", lit->text,
					     col->type == MT_DATE ? "date" : "timestamp"),
				  "%s", why);
			return false;
		}
	}
	lit->is_string = true;
	return true;
}

/* Brackets and parentheses balance, no dangling escape: a cheap sanity check. */
static const char *regex_problem(const char *re)
{
	char stack[256];
	size_t depth = 0;
	bool in_class = false;

	for (; *re; re++) {
		if (*re == '\\') {
			if (!re[1])
				return "it ends with a lone '\\'";
			re++;
			continue;
		}
		if (in_class) {
			if (*re == ']')
				in_class = false;
			continue;
		}
		if (*re == '[') {
			in_class = true;
			if (re[1] == ']')
				re++;
		} else if (*re == '(' || *re == '{') {
			if (depth == sizeof(stack))
				return "it nests too deeply";
			stack[depth++] = *re;
		} else if (*re == ')' || *re == '}') {
			if (!depth || stack[depth - 1] != (*re == ')' ? '(' : '{'))
				return *re == ')' ? "a ')' has no matching '('"
						  : "a '}' has no matching '{'";
			depth--;
		}
	}
	if (in_class)
		return "a '[' is not closed";
	if (depth)
		return stack[depth - 1] == '(' ? "a '(' is not closed" : "a '{' is not closed";
	return NULL;
}

static double num_value(const struct ast_value *v)
{
	return v->kind == AST_VAL_NUMBER ? v->u.num.value : 0;
}

/* Whether a column can be named in the DQDL ruleset.  A name there is a
 * quoted string, a rule parameter, which the reference parser (awslabs/dqdl)
 * keeps as written: a \" or \\ escape would stay in the name, so a name
 * with '"' or '\' has no spelling; and as a parameter of IsComplete or
 * Completeness a name shaped like a date ("2024-01-31") or a time ("12:30",
 * "9:30 AM") is read as a DATE or TIME token, which no parameter may be. */
static bool dqdl_name(struct check_ctx *c, const struct span span, const char *name, bool param)
{
	size_t n = strlen(name);
	bool shaped_like_time = (n == 10 && shaped(name, "9999-99-99")) ||
				(n == 5 && shaped(name, "99:99")) ||
				((n == 7 || n == 8) && (shaped(name, "9:99 AM") ||
				 shaped(name, "9:99 PM") || shaped(name, "99:99 AM") ||
				 shaped(name, "99:99 PM")));

	if (strchr(name, '"') || strchr(name, '\\')) {
		diag_help(diag_error(c->ds, c->src, span,
				     "column '%s' cannot be named in a data quality rule", name),
			  "DQDL keeps '\\' escapes in rule parameters, so a name with '\"' or "
			  "'\\' has no DQDL spelling; rename the column (columns: NAME TYPE from "
			  "\"source field\")");
		return false;
	}
	if (param && shaped_like_time) {
		diag_help(diag_error(c->ds, c->src, span,
				     "column '%s' cannot be named in this data quality rule", name),
			  "DQDL reads \"%s\" as a %s, not a column name; rename the column", name,
			  n == 10 ? "date" : "time");
		return false;
	}
	return true;
}

static bool columns_of(struct check_ctx *c, const struct ast_rule *r, struct model_rule *mr,
		       const char *what, bool param)
{
	size_t i, j;

	mr->columns = arena_array(c->a, r->ncolumns + 1, sizeof(*mr->columns));
	for (i = 0; i < r->ncolumns; i++) {
		const struct model_column *col = check_ctx_column_ref(c, &r->columns[i], what);

		if (!col || !dqdl_name(c, r->columns[i].span, col->name, param))
			return false;
		for (j = 0; j < mr->ncolumns; j++) {
			if (!strcmp(mr->columns[j], col->name)) {
				diag_help(diag_error(c->ds, c->src, r->columns[i].span,
						     "column '%s' is listed twice", col->name),
					  "list each column once");
				return false;
			}
		}
		mr->columns[mr->ncolumns++] = col->name;
	}
	return mr->ncolumns > 0;
}

static const enum model_cmp cmp_map[] = {
	[AST_CMP_EQ] = MC_EQ, [AST_CMP_NE] = MC_NE, [AST_CMP_LT] = MC_LT, [AST_CMP_LE] = MC_LE,
	[AST_CMP_GT] = MC_GT, [AST_CMP_GE] = MC_GE, [AST_CMP_BETWEEN] = MC_BETWEEN,
	[AST_CMP_IN] = MC_IN, [AST_CMP_MATCHES] = MC_MATCHES, [AST_CMP_NOT_NULL] = MC_NOT_NULL,
};

static bool check_expect(struct check_ctx *c, const struct ast_rule *r, struct model_rule *mr)
{
	const struct model_column *col;
	size_t i;

	if (r->ncolumns != 1 || !(col = check_ctx_column_ref(c, &r->columns[0], "expected column")) ||
	    !dqdl_name(c, r->columns[0].span, col->name, r->cmp == AST_CMP_NOT_NULL))
		return false;
	mr->columns = arena_array(c->a, 1, sizeof(*mr->columns));
	mr->columns[mr->ncolumns++] = col->name;
	mr->cmp = cmp_map[r->cmp];
	mr->values = arena_array(c->a, r->nvalues + 1, sizeof(*mr->values));
	switch (r->cmp) {
	case AST_CMP_NOT_NULL:
		return true;
	case AST_CMP_MATCHES: {
		const char *why;

		if (col->type != MT_STRING) {
			diag_help(diag_error(c->ds, c->src, r->span,
					     "'matches' needs a string column; '%s' is %s", col->name,
					     col->spark_type),
				  "use a comparison or 'between' for non-string columns");
			return false;
		}
		if (r->nvalues != 1 || r->values[0].kind != AST_VAL_STRING) {
			diag_help(diag_error(c->ds, c->src, r->span, "'matches' needs a pattern"),
				  "write: expect %s matches \"^[A-Z]{2}[0-9]+$\"", col->name);
			return false;
		}
		if (!literal(c, col, &r->values[0], &mr->values[0]))
			return false;
		why = regex_problem(mr->values[0].text);
		if (why) {
			diag_help(diag_error(c->ds, c->src, r->values[0].span,
					     "invalid regular expression: %s", why),
				  "escape literal brackets with a backslash");
			return false;
		}
		mr->nvalues = 1;
		return true;
	}
	case AST_CMP_IN:
		if (!r->nvalues) {
			diag_help(diag_error(c->ds, c->src, r->span, "'in' needs at least one value"),
				  "write: expect %s in (\"a\", \"b\")", col->name);
			return false;
		}
		break;
	case AST_CMP_BETWEEN:
		if (r->nvalues != 2) {
			diag_help(diag_error(c->ds, c->src, r->span, "'between' needs two bounds"),
				  "write: expect %s between LOW and HIGH", col->name);
			return false;
		}
		break;
	default:
		if (r->nvalues != 1) {
			diag_help(diag_error(c->ds, c->src, r->span, "a comparison needs one value"),
				  "write: expect %s >= 0", col->name);
			return false;
		}
		break;
	}
	if (col->type == MT_BOOLEAN && r->cmp != AST_CMP_EQ && r->cmp != AST_CMP_NE &&
	    r->cmp != AST_CMP_IN) {
		diag_help(diag_error(c->ds, c->src, r->span,
				     "column '%s' is boolean; booleans have no order", col->name),
			  "compare it with = or !=, like: expect %s = true", col->name);
		return false;
	}
	for (i = 0; i < r->nvalues; i++)
		if (!literal(c, col, &r->values[i], &mr->values[i]))
			return false;
	mr->nvalues = r->nvalues;
	if (r->cmp == AST_CMP_BETWEEN) {
		bool reversed = false;

		if (r->values[0].kind == AST_VAL_NUMBER)
			reversed = num_value(&r->values[0]) > num_value(&r->values[1]);
		else if (r->values[0].kind == AST_VAL_STRING)
			reversed = strcmp(mr->values[0].text, mr->values[1].text) > 0;
		if (reversed) {
			diag_help(diag_error(c->ds, c->src,
					     span_join(r->values[0].span, r->values[1].span),
					     "'between' bounds are reversed"),
				  "write the lower bound first: between %s and %s",
				  r->values[1].kind == AST_VAL_NUMBER ? r->values[1].u.num.text
								      : "LOW",
				  r->values[0].kind == AST_VAL_NUMBER ? r->values[0].u.num.text
								      : "HIGH");
			return false;
		}
	}
	return true;
}

/* What one item of a validate block gives. */
enum item { ITEM_SETTING, ITEM_RULE, ITEM_BAD };

struct seen {
	const struct ast_rule *sample, *failure;
};

static enum item check_sample(struct check_ctx *c, const struct ast_rule *r, struct model_rule *mr,
			      struct seen *seen)
{
	(void)mr;
	if (seen->sample) {
		struct diag *d = diag_error(c->ds, c->src, r->span, "duplicate 'sample'");

		diag_note(d, c->src, seen->sample->span, "first set here");
		diag_help(d, "keep one 'sample'");
		return ITEM_BAD;
	}
	seen->sample = r;
	if (!r->sample.is_int || r->sample.overflow || r->sample.ival < 1 || r->sample.ival > 1000)
		diag_help(diag_error(c->ds, c->src, r->sample.span, "sample size %s is out of range",
				     r->sample.text),
			  "sample 1 to 1000 rows");
	else
		c->mp->validation.sample = (int)r->sample.ival;
	return ITEM_SETTING;
}

static enum item check_on_failure(struct check_ctx *c, const struct ast_rule *r,
				  struct model_rule *mr, struct seen *seen)
{
	static const char *const acts[] = { "fail", "warn" };

	(void)mr;
	if (seen->failure) {
		struct diag *d = diag_error(c->ds, c->src, r->span, "duplicate 'on failure'");

		diag_note(d, c->src, seen->failure->span, "first set here");
		diag_help(d, "keep one 'on failure'");
		return ITEM_BAD;
	}
	seen->failure = r;
	if (!strcmp(r->action.text, "fail"))
		c->mp->validation.fail_on_error = true;
	else if (!strcmp(r->action.text, "warn"))
		c->mp->validation.fail_on_error = false;
	else
		check_ctx_unknown(c, r->action.span, "failure action", r->action.text, acts, 2);
	return ITEM_SETTING;
}

/* The numbers of a row_count or completeness rule; ok(v) says whether one
 * fits. */
static bool metric_values(struct check_ctx *c, const struct ast_rule *r, struct model_rule *mr,
			  bool (*ok)(const struct ast_value *v), const char *what,
			  const char *example)
{
	size_t j;

	mr->values = arena_array(c->a, r->nvalues, sizeof(*mr->values));
	for (j = 0; j < r->nvalues; j++) {
		const struct ast_value *val = &r->values[j];

		if (!ok(val)) {
			diag_help(diag_error(c->ds, c->src, val->span, "%s", what), "%s", example);
			return false;
		}
		mr->values[mr->nvalues++].text = val->u.num.text;
	}
	return true;
}

static bool row_count_ok(const struct ast_value *v)
{
	return v->kind == AST_VAL_NUMBER && v->u.num.is_int && v->u.num.ival >= 0 &&
	       !v->u.num.overflow;
}

static enum item check_row_count(struct check_ctx *c, const struct ast_rule *r,
				 struct model_rule *mr, struct seen *seen)
{
	(void)seen;
	if (r->matches_source) {
		mr->kind = MR_ROW_COUNT_MATCHES_SOURCE;
		if (c->mp->aggregated) {
			diag_help(diag_error(c->ds, c->src, r->span,
					     "'row_count matches source' with 'aggregate': the table "
					     "has one row per group, not per row read"),
				  "check the table with 'row_count >= N' or a column rule instead");
			return ITEM_BAD;
		}
		if (c->mp->nfilters || c->mp->ndedupe_keys)
			diag_help(diag_warning(c->ds, c->src, r->span,
					       "'row_count matches source' fails every run in which %s leaves rows out",
					       c->mp->nfilters ? "'filter'" : "'dedupe'"),
				  "the rule compares the rows written with the rows read; check the table with 'row_count >= N' or a column rule instead");
		return ITEM_RULE;
	}
	mr->kind = MR_ROW_COUNT;
	mr->cmp = cmp_map[r->cmp];
	if (r->cmp == AST_CMP_IN || r->cmp == AST_CMP_MATCHES || r->cmp == AST_CMP_NOT_NULL ||
	    !r->nvalues) {
		diag_help(diag_error(c->ds, c->src, r->span, "malformed 'row_count'"),
			  "write 'row_count matches source' or 'row_count >= N'");
		return ITEM_BAD;
	}
	if (!metric_values(c, r, mr, row_count_ok, "row counts are whole numbers >= 0",
			   "write, for example, row_count >= 1"))
		return ITEM_BAD;
	if (r->cmp == AST_CMP_BETWEEN &&
	    (r->nvalues != 2 || r->values[0].u.num.ival > r->values[1].u.num.ival)) {
		diag_help(diag_error(c->ds, c->src, r->span, "'between' bounds are reversed"),
			  "write the lower bound first");
		return ITEM_BAD;
	}
	return ITEM_RULE;
}

static enum item check_not_null(struct check_ctx *c, const struct ast_rule *r,
				struct model_rule *mr, struct seen *seen)
{
	(void)seen;
	mr->kind = MR_NOT_NULL;
	return columns_of(c, r, mr, "not_null column", true) ? ITEM_RULE : ITEM_BAD;
}

static enum item check_unique(struct check_ctx *c, const struct ast_rule *r, struct model_rule *mr,
			      struct seen *seen)
{
	(void)seen;
	mr->kind = MR_UNIQUE;
	return columns_of(c, r, mr, "unique column", false) ? ITEM_RULE : ITEM_BAD;
}

/* Every column an expect condition names can be named in DQDL. */
static bool dqdl_names(struct check_ctx *c, const struct ast_expr *e)
{
	bool ok = true;

	for (size_t i = 0; e->kind == AST_E_COLUMN && i < e->name.nparts; i++)
		ok = ok && dqdl_name(c, e->name.parts[i].span, e->name.parts[i].text, false);
	for (size_t i = 0; ok && i < e->nargs; i++)
		ok = dqdl_names(c, e->args[i]);
	return ok;
}

/* expect CONDITION: typed like a filter over the table's columns, written
 * in Spark SQL for the ruleset and in the dialect of validate.sql, or
 * refused where that dialect cannot say what Spark does. */
static bool check_expect_expr(struct check_ctx *c, const struct ast_rule *r,
			      struct model_rule *mr)
{
	struct strbuf spark = STRBUF_INIT, engine = STRBUF_INIT;
	struct expr_sql_types types = { NULL, 0, 0 };
	struct expr_sql_refusal no;
	enum expr_sql_dialect d = c->mp->target.kind == MT_REDSHIFT ? EXPR_SQL_REDSHIFT
								    : EXPR_SQL_TRINO;
	bool ok = c->mp->columns && check_expr_condition(c, r->expr, &spark, &types) &&
		  dqdl_names(c, r->expr);

	if (ok && !expr_sql_render(&types, r->expr, d, &engine, &no)) {
		diag_help(diag_error(c->ds, c->src, no.at->span, "%s", no.why), "%s", no.help);
		ok = false;
	}
	if (ok) {
		mr->kind = MR_EXPECT_EXPR;
		mr->spark_sql = arena_strdup(c->a, spark.buf);
		mr->engine_sql = arena_strdup(c->a, engine.buf);
	}
	expr_sql_types_release(&types);
	strbuf_release(&spark);
	strbuf_release(&engine);
	return ok;
}

static enum item check_expect_item(struct check_ctx *c, const struct ast_rule *r,
				   struct model_rule *mr, struct seen *seen)
{
	(void)seen;
	mr->kind = MR_EXPECT;
	if (r->expr)
		return check_expect_expr(c, r, mr) ? ITEM_RULE : ITEM_BAD;
	return check_expect(c, r, mr) ? ITEM_RULE : ITEM_BAD;
}

static enum item check_freshness(struct check_ctx *c, const struct ast_rule *r,
				 struct model_rule *mr, struct seen *seen)
{
	const struct model_column *col;

	(void)seen;
	mr->kind = MR_FRESHNESS;
	if (r->ncolumns != 1 || !(col = check_ctx_column_ref(c, &r->columns[0], "freshness column")))
		return ITEM_BAD;
	if (col->type != MT_DATE && col->type != MT_TIMESTAMP) {
		diag_help(diag_error(c->ds, c->src, r->columns[0].span,
				     "freshness needs a date or timestamp column; '%s' is %s",
				     col->name, col->spark_type),
			  "name a column that records when the row happened");
		return ITEM_BAD;
	}
	if (r->within.overflow || r->within.seconds <= 0) {
		diag_help(diag_error(c->ds, c->src, r->within.span,
				     "freshness window must be positive"),
			  "write: freshness %s within 1d", col->name);
		return ITEM_BAD;
	}
	if (!dqdl_name(c, r->columns[0].span, col->name, false))
		return ITEM_BAD;
	mr->columns = arena_array(c->a, 1, sizeof(*mr->columns));
	mr->columns[mr->ncolumns++] = col->name;
	mr->seconds = r->within.seconds;
	return ITEM_RULE;
}

static bool fraction_ok(const struct ast_value *v)
{
	return v->kind == AST_VAL_NUMBER && v->u.num.value >= 0 && v->u.num.value <= 1;
}

static enum item check_completeness(struct check_ctx *c, const struct ast_rule *r,
				    struct model_rule *mr, struct seen *seen)
{
	const struct model_column *col;
	struct strbuf example = STRBUF_INIT;
	bool ok;

	(void)seen;
	mr->kind = MR_COMPLETENESS;
	if (r->ncolumns != 1 ||
	    !(col = check_ctx_column_ref(c, &r->columns[0], "completeness column")))
		return ITEM_BAD;
	mr->cmp = cmp_map[r->cmp];
	if (r->nvalues < 1 || r->cmp == AST_CMP_IN || r->cmp == AST_CMP_MATCHES ||
	    r->cmp == AST_CMP_NOT_NULL) {
		diag_help(diag_error(c->ds, c->src, r->span, "malformed 'completeness'"),
			  "write: completeness %s >= 0.95", col->name);
		return ITEM_BAD;
	}
	strbuf_addf(&example, "write, for example, completeness %s >= 0.95", col->name);
	ok = metric_values(c, r, mr, fraction_ok, "completeness is a fraction from 0 to 1",
			   example.buf);
	strbuf_release(&example);
	if (!ok || !dqdl_name(c, r->columns[0].span, col->name, true))
		return ITEM_BAD;
	mr->columns = arena_array(c->a, 1, sizeof(*mr->columns));
	mr->columns[mr->ncolumns++] = col->name;
	return ITEM_RULE;
}

/* The bounds of a between are in order (numbers, checked before). */
static bool bounds_ordered(struct check_ctx *c, const struct ast_rule *r)
{
	if (r->cmp != AST_CMP_BETWEEN || num_value(&r->values[0]) <= num_value(&r->values[1]))
		return true;
	diag_help(diag_error(c->ds, c->src, span_join(r->values[0].span, r->values[1].span),
			     "'between' bounds are reversed"),
		  "write the lower bound first: between %s and %s", r->values[1].u.num.text,
		  r->values[0].u.num.text);
	return false;
}

/* Whether n columns meet the rule (cmp and whole-number values). */
static bool count_holds(const struct ast_rule *r, int64_t n)
{
	int64_t a = r->values[0].u.num.ival;

	switch (r->cmp) {
	case AST_CMP_EQ: return n == a;
	case AST_CMP_NE: return n != a;
	case AST_CMP_LT: return n < a;
	case AST_CMP_LE: return n <= a;
	case AST_CMP_GT: return n > a;
	case AST_CMP_GE: return n >= a;
	case AST_CMP_BETWEEN: return n >= a && n <= r->values[1].u.num.ival;
	default: return true;
	}
}

/* column_count CMP n: the number of the table's columns (those declared,
 * after derive, aggregate and drop), known here: a rule they already break
 * is refused. */
static enum item check_column_count(struct check_ctx *c, const struct ast_rule *r,
				    struct model_rule *mr, struct seen *seen)
{
	(void)seen;
	mr->kind = MR_COLUMN_COUNT;
	mr->cmp = cmp_map[r->cmp];
	if (!metric_values(c, r, mr, row_count_ok, "column counts are whole numbers >= 0",
			   "write, for example, column_count = 7") ||
	    !bounds_ordered(c, r))
		return ITEM_BAD;
	if (c->mp->columns && !count_holds(r, (int64_t)c->mp->ncolumns)) {
		diag_help(diag_error(c->ds, c->src, r->span,
				     "this rule fails on every run: the target has %zu column%s",
				     c->mp->ncolumns, c->mp->ncolumns == 1 ? "" : "s"),
			  "the target's columns are the declared ones, after derive, aggregate and "
			  "drop column; write, for example, column_count = %zu", c->mp->ncolumns);
		return ITEM_BAD;
	}
	return ITEM_RULE;
}

static bool number_ok(const struct ast_value *v)
{
	return v->kind == AST_VAL_NUMBER && digits(v->u.num.text) <= 38;
}

static bool nonnegative_ok(const struct ast_value *v)
{
	return number_ok(v) && v->u.num.value >= 0;
}

/* The rules on one column's values: which columns each takes, and which
 * numbers. */
static const struct stat_rule {
	enum model_rule_kind kind;
	const char *word;
	enum { STAT_ANY, STAT_NUMERIC, STAT_STRING } types;
	bool (*ok)(const struct ast_value *v);
	const char *what;		/* when a number does not fit */
	const char *example;		/* after WORD COLUMN, in the help */
	bool dqdl_param;		/* the column is a parameter of a DQDL rule type */
} stat_rules[] = {
	[AST_RULE_DISTINCT_COUNT] = { MR_DISTINCT_COUNT, "distinct_count", STAT_ANY, row_count_ok,
				      "counts of distinct values are whole numbers >= 0",
				      ">= 2", false },
	[AST_RULE_MEAN] = { MR_MEAN, "mean", STAT_NUMERIC, number_ok,
			    "compare the mean with a number (at most 38 digits)",
			    "between 1 and 5", true },
	[AST_RULE_SUM] = { MR_SUM, "sum", STAT_NUMERIC, number_ok,
			   "compare the sum with a number (at most 38 digits)",
			   "> 0", true },
	[AST_RULE_STDDEV] = { MR_STDDEV, "stddev", STAT_NUMERIC, nonnegative_ok,
			      "a standard deviation is a number >= 0", "< 10", true },
	[AST_RULE_UNIQUENESS] = { MR_UNIQUENESS, "uniqueness", STAT_ANY, fraction_ok,
				  "uniqueness is a fraction from 0 to 1", ">= 0.99",
				  false },
	[AST_RULE_LENGTH] = { MR_LENGTH, "length", STAT_STRING, row_count_ok,
			      "lengths are whole numbers >= 0", "between 1 and 64",
			      false },
};

/* Whether the column's type fits the rule; reports it when not. */
static bool stat_type_ok(struct check_ctx *c, const struct ast_rule *r,
			 const struct stat_rule *s, const struct model_column *col)
{
	bool scalar = col->type != MT_ARRAY && col->type != MT_MAP && col->type != MT_STRUCT &&
		      col->type != MT_BINARY;

	if (s->types == STAT_NUMERIC && !is_numeric(col->type)) {
		diag_help(diag_error(c->ds, c->src, r->columns[0].span,
				     "'%s' needs a numeric column; '%s' is %s", s->word, col->name,
				     col->spark_type),
			  "name a column of type tinyint, smallint, int, bigint, float, double or "
			  "decimal");
		return false;
	}
	if (s->types == STAT_STRING && col->type != MT_STRING) {
		diag_help(diag_error(c->ds, c->src, r->columns[0].span,
				     "'length' needs a string column; '%s' is %s", col->name,
				     col->spark_type),
			  "name a string column (length counts characters)");
		return false;
	}
	if (s->types == STAT_ANY && !scalar) {
		diag_help(diag_error(c->ds, c->src, r->columns[0].span,
				     "'%s' needs a column of plain values; '%s' is %s", s->word,
				     col->name, col->spark_type),
			  "name a string, number, boolean, date or timestamp column");
		return false;
	}
	return true;
}

static enum item check_stat(struct check_ctx *c, const struct ast_rule *r,
			    struct model_rule *mr, struct seen *seen)
{
	const struct stat_rule *s = &stat_rules[r->kind];
	struct strbuf what = STRBUF_INIT, example = STRBUF_INIT;
	const struct model_column *col;
	bool ok;

	(void)seen;
	mr->kind = s->kind;
	mr->cmp = cmp_map[r->cmp];
	strbuf_addf(&what, "%s column", s->word);
	col = r->ncolumns == 1 ? check_ctx_column_ref(c, &r->columns[0], what.buf) : NULL;
	strbuf_addf(&example, "write, for example, %s %s %s", s->word, col ? col->name : "COLUMN",
		    s->example);
	ok = col && stat_type_ok(c, r, s, col) &&
	     metric_values(c, r, mr, s->ok, s->what, example.buf) && bounds_ordered(c, r) &&
	     dqdl_name(c, r->columns[0].span, col->name, s->dqdl_param);
	strbuf_release(&what);
	strbuf_release(&example);
	if (!ok)
		return ITEM_BAD;
	mr->columns = arena_array(c->a, 1, sizeof(*mr->columns));
	mr->columns[mr->ncolumns++] = col->name;
	return ITEM_RULE;
}

/* One reader per kind of validate item, by AST kind. */
static enum item (*const item_checks[])(struct check_ctx *c, const struct ast_rule *r,
					struct model_rule *mr, struct seen *seen) = {
	[AST_RULE_ROW_COUNT] = check_row_count,
	[AST_RULE_NOT_NULL] = check_not_null,
	[AST_RULE_UNIQUE] = check_unique,
	[AST_RULE_EXPECT] = check_expect_item,
	[AST_RULE_FRESHNESS] = check_freshness,
	[AST_RULE_SAMPLE] = check_sample,
	[AST_RULE_ON_FAILURE] = check_on_failure,
	[AST_RULE_COMPLETENESS] = check_completeness,
	[AST_RULE_COLUMN_COUNT] = check_column_count,
	[AST_RULE_DISTINCT_COUNT] = check_stat,
	[AST_RULE_MEAN] = check_stat,
	[AST_RULE_SUM] = check_stat,
	[AST_RULE_STDDEV] = check_stat,
	[AST_RULE_UNIQUENESS] = check_stat,
	[AST_RULE_LENGTH] = check_stat,
};

void check_validate(struct check_ctx *c, const struct ast_clause *cl, bool is_default)
{
	struct model_validation *v = &c->mp->validation;
	struct seen seen = { NULL, NULL };
	size_t i;

	if (!is_default)
		v->rules = arena_array(c->a, cl->u.validate.nitems + 1, sizeof(*v->rules));
	for (i = 0; i < cl->u.validate.nitems; i++) {
		const struct ast_rule *r = &cl->u.validate.items[i];
		struct model_rule mr;

		memset(&mr, 0, sizeof(mr));
		if (is_default && r->kind != AST_RULE_SAMPLE && r->kind != AST_RULE_ON_FAILURE) {
			diag_help(diag_error(c->ds, c->src, r->span,
					     "'%s' rules cannot be defaults", rule_names[r->kind]),
				  "defaults may set 'on failure' and 'sample'; write rules in each "
				  "pipeline's validate block");
			continue;
		}
		if (item_checks[r->kind](c, r, &mr, &seen) == ITEM_RULE && !is_default) {
			mr.span = r->span;
			v->rules[v->nrules++] = mr;
		}
	}
	if (!is_default)
		c->mp->validates = v->nrules > 0;
}
