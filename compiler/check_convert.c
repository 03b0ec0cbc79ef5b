#include "check_convert.h"

#include <string.h>
#include <strings.h>

#include "arena.h"
#include "check_ctx.h"
#include "strbuf.h"

static const char *const attr_names[] = { "format", "epoch", "was" };
static const char *const epoch_units[] = { "seconds", "millis", "micros" };
static const char *const policies[] = { "fail", "drop", "null" };

/* Pattern letters of Spark 3.5's datetime patterns (the "Datetime Patterns
 * for Formatting and Parsing" page of the Spark SQL reference).  The
 * week-based letters Y, w, W, u, e and c were removed in Spark 3.0 and fail
 * at run time, so they are refused here. */
static const char spark_pattern_letters[] = "GyDMLdQqEFahKkHmsSVzOXxZ";

const char *check_convert_pattern_problem(const char *pattern, char *bad)
{
	bool quoted = false;
	const char *p;

	if (!*pattern)
		return "the pattern is empty";
	for (p = pattern; *p; p++) {
		if (*p == '\'') {
			quoted = !quoted;
			continue;
		}
		if (quoted || !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			continue;
		if (!strchr(spark_pattern_letters, *p)) {
			*bad = *p;
			return "unknown pattern letter";
		}
	}
	return quoted ? "a quote (') is not closed" : NULL;
}

static const char *attr_string(struct check_ctx *c, const struct ast_colattr *at,
			       const char *usage)
{
	if (at->value->kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, at->value->span,
				     "'%s' expects a quoted string", at->key.text),
			  "write: %s", usage);
		return NULL;
	}
	return check_ctx_string(c, &at->value->u.str);
}

static const char *attr_word(struct check_ctx *c, const struct ast_colattr *at,
			     const char *usage)
{
	if (at->value->kind != AST_VAL_NAME || at->value->u.name.nparts != 1) {
		diag_help(diag_error(c->ds, c->src, at->value->span, "'%s' expects a word",
				     at->key.text),
			  "write: %s", usage);
		return NULL;
	}
	return at->value->u.name.parts[0].text;
}

static bool is_time_type(enum model_type t)
{
	return t == MT_DATE || t == MT_TIMESTAMP;
}

static void attr_format(struct check_ctx *c, const struct ast_colattr *at,
			struct model_column *col)
{
	const char *v = attr_string(c, at, "format \"yyyy-MM-dd HH:mm:ss\"");
	const char *why;
	char bad = 0;

	if (!v)
		return;
	why = check_convert_pattern_problem(v, &bad);
	if (why && bad)
		diag_help(diag_error(c->ds, c->src, at->value->span,
				     "'%c' is not a pattern letter of Spark datetime formats", bad),
			  "week-based letters (Y, w, W, u, e, c) do not exist since Spark 3.0; "
			  "quote literal text: 'T'");
	else if (why)
		diag_help(diag_error(c->ds, c->src, at->value->span, "bad datetime format: %s", why),
			  "write a pattern like \"yyyy-MM-dd HH:mm:ss\"");
	else {
		col->parse = MPARSE_FORMAT;
		col->parse_arg = v;
	}
}

static void attr_epoch(struct check_ctx *c, const struct ast_colattr *at,
		       struct model_column *col)
{
	const char *v = attr_word(c, at, "epoch seconds");

	if (!v)
		return;
	if (check_ctx_word_index(v, epoch_units, 3) < 0) {
		check_ctx_unknown(c, at->value->span, "epoch unit", v, epoch_units, 3);
		return;
	}
	col->parse = MPARSE_EPOCH;
	col->parse_arg = v;
}

/* was OLD: the column's name in the table before this version (the job
 * renames it; check_renames checks it against the other columns and the
 * target). */
static void attr_was(struct check_ctx *c, const struct ast_colattr *at, struct model_column *col)
{
	const char *v = attr_word(c, at, "was OLD_NAME");

	if (!v)
		return;
	if (col->renamed_from) {
		struct diag *d = diag_error(c->ds, c->src, at->span, "'was' written twice for '%s'",
					    col->name);

		diag_note(d, c->src, col->renamed_span, "first written here");
		diag_help(d, "a column has one previous name");
		return;
	}
	if (!strcasecmp(v, col->name)) {
		diag_help(diag_error(c->ds, c->src, at->value->span,
				     "'was' names the column itself"),
			  "'was OLD_NAME' gives the column's previous name in the table; remove it");
		return;
	}
	col->renamed_from = v;
	col->renamed_span = at->span;
}

void check_column_attrs(struct check_ctx *c, const struct ast_column *ac,
			struct model_column *col)
{
	const struct ast_colattr *first = NULL;
	size_t i;

	for (i = 0; i < ac->nattrs; i++) {
		const struct ast_colattr *at = &ac->attrs[i];
		int k = check_ctx_word_index(at->key.text, attr_names, 3);

		if (k < 0) {
			check_ctx_unknown(c, at->key.span, "column attribute", at->key.text,
					  attr_names, 3);
			continue;
		}
		if (k == 2) {
			attr_was(c, at, col);
			continue;
		}
		if (first) {
			struct diag *d = diag_error(c->ds, c->src, at->span,
						    "'%s' and '%s' both say how to read '%s'",
						    first->key.text, at->key.text, col->name);

			diag_note(d, c->src, first->span, "first written here");
			diag_help(d, "a column is read with one format or one epoch unit");
			continue;
		}
		first = at;
		if (!is_time_type(col->type)) {
			diag_help(diag_error(c->ds, c->src, at->span,
					     "'%s' is for date and timestamp columns; '%s' is %s",
					     at->key.text, col->name, col->spark_type),
				  "declare the column as date or timestamp, or remove '%s'",
				  at->key.text);
			continue;
		}
		if (k == 0)
			attr_format(c, at, col);
		else
			attr_epoch(c, at, col);
	}
}

/* on cast error ACTION [quarantine "s3://…"] */
void check_on_error(struct check_ctx *c, const struct ast_clause *cl)
{
	const struct ast_value *v = cl->u.on_error.args;
	size_t n = cl->u.on_error.nargs;
	static const char usage[] = "on cast error fail|drop|null [quarantine \"s3://bucket/prefix/\"]";
	int k;

	if (!n || v[0].kind != AST_VAL_NAME || v[0].u.name.nparts != 1) {
		diag_help(diag_error(c->ds, c->src, n ? v[0].span : cl->span,
				     "'on cast error' needs an action: fail, drop or null"),
			  "write: %s", usage);
		return;
	}
	k = check_ctx_word_index(v[0].u.name.parts[0].text, policies, 3);
	if (k < 0) {
		check_ctx_unknown(c, v[0].span, "cast error action", v[0].u.name.parts[0].text,
				  policies, 3);
		return;
	}
	c->mp->cast_policy = (enum model_cast_policy)k;
	if (n == 1)
		return;
	if (v[1].kind != AST_VAL_NAME || v[1].u.name.nparts != 1 ||
	    strcmp(v[1].u.name.parts[0].text, "quarantine") || n != 3 ||
	    v[2].kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, v[1].span,
				     "after the action, only 'quarantine \"s3://…\"' may follow"),
			  "write: %s", usage);
		return;
	}
	c->mp->quarantine = check_ctx_s3_location(c, &v[2].u.str, "quarantine");
}
