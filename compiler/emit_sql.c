/*
 * emit_sql: the two texts that check data — the DQDL ruleset (evaluated in
 * the job and registered as ruleset.json) and validate.sql, the Athena
 * engine v3 statements a reviewer or a CI step runs after a load.
 */
#include "emit.h"

#include <assert.h>
#include <string.h>

#include "escape.h"
#include "xalloc.h"
#include <stdlib.h>

#ifndef PIPEC_VERSION
#define PIPEC_VERSION "0.0.0"
#endif

static const char *const cmp_ops[] = {
	[MC_EQ] = "=", [MC_NE] = "!=", [MC_LT] = "<", [MC_LE] = "<=", [MC_GT] = ">", [MC_GE] = ">=",
};

/* ---- DQDL ----
 *
 * One meaning per rule, the same in the ruleset and in validate.sql
 * (docs/language.md, "What each rule means"):
 *   - expect c OP v holds for every row whose c is not NULL; NULLs are the
 *     business of not_null and completeness.  It is written as CustomSql,
 *     the count of violating rows (a Spark SQL query on the evaluated rows,
 *     alias primary, returning one number:
 *     https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-CustomSql.html)
 *     which must be 0, with the predicate validate.sql counts.  ColumnValues
 *     cannot say it: it fails NULL rows for every operator but != and not in
 *     (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-ColumnValues.html,
 *     "Null behavior"); the page's way to allow them, (ColumnValues c OP v)
 *     or (ColumnValues c = NULL), is a composite rule, which by default is
 *     evaluated column by column, not row by row
 *     (https://docs.aws.amazon.com/glue/latest/dg/dqdl.html, "How composite
 *     rules work"), so one NULL and one value fail both halves; and the
 *     grammar (awslabs/dqdl DataQualityDefinitionLanguage.g4) has no
 *     boolean, no ordering on strings, no timestamp (its dates are days),
 *     and reads a string shaped like a date or a time as one.
 *   - freshness c within D holds when the newest c is at most D old: a
 *     CustomSql count of fresh rows must be > 0.  DataFreshness checks every
 *     row and fails NULL rows
 *     (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-DataFreshness.html). */

static const struct model_column *column_of(const struct model_pipeline *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncolumns; i++)
		if (!strcmp(p->columns[i].name, name))
			break;
	assert(i < p->ncolumns);	/* the check resolved every rule column */
	return &p->columns[i];
}

/* ---- The three SQL dialects ----
 *
 * The same predicates are written in Spark SQL (the CustomSql queries of
 * the ruleset), Athena engine v3 (Trino) and Redshift.  What differs is in
 * one table; docs/language.md ("Literals per engine") gives the reasons:
 *   - strings: Trino doubles a quote and reads a backslash as itself;
 *     Redshift doubles a quote and reads a backslash as an escape, so it is
 *     doubled too; Spark needs a backslash before a quote, and a backslash
 *     inside a DQDL string is not a safe character (see escape_spark_string_plain), so
 *     a quote, a double quote, a backslash or a control character is
 *     spelled chr(N) and the pieces joined with concat();
 *   - a number with a fraction is DECIMAL '1.50' in Trino (exact, whatever
 *     the session's parse_decimal_literals_as_double says), plain 1.50 in
 *     Spark and Redshift, where it is an exact numeric already;
 *   - dates DATE 'YYYY-MM-DD' and timestamps TIMESTAMP 'YYYY-MM-DD
 *     HH:MM:SS[.ffffff]' in all three: none converts a string to a date
 *     implicitly (Trino: "Cannot apply operator: date > varchar(10)");
 *     the columns have no time zone (Athena timestamp(6), Redshift
 *     TIMESTAMP, Spark's session time zone is UTC in Glue);
 *   - booleans TRUE and FALSE;
 *   - a whole-value regular expression match, counting a row, the current
 *     time minus some seconds, a DOUBLE, a random order. */
struct dialect {
	void (*ident)(struct strbuf *out, const char *s);
	void (*string)(struct strbuf *out, const char *s);
	bool typed_decimal;		/* DECIMAL '1.50' */
	const char *match_open, *match_mid, *match_close;	/* OPEN col MID 're' CLOSE */
	const char *count_open, *count_close;	/* rows where a predicate holds */
	const char *interval;		/* now minus %lld seconds */
	const char *dbl, *random;
};

static const struct dialect spark = {
	escape_spark_ident, escape_spark_string_plain, false,
	"", " RLIKE ", "",
	"COUNT_IF(", ")",
	"current_timestamp() - INTERVAL %lld SECOND",
	"DOUBLE", "rand()",
};

/* Athena engine v3 (Trino). */
static const struct dialect athena = {
	escape_athena_ident, escape_athena_string, true,
	"regexp_like(", ", ", ")",
	"COUNT_IF(", ")",
	"current_timestamp - INTERVAL '%lld' SECOND",
	"DOUBLE", "rand()",
};

/* Redshift: REGEXP_COUNT with 'p' reads the pattern as a Perl-compatible
 * regular expression (the POSIX ~ has no (?:…)); GETDATE() is the current
 * time as a TIMESTAMP, in UTC. */
static const struct dialect redshift = {
	escape_redshift_ident, escape_redshift_string, false,
	"REGEXP_COUNT(", ", ", ", 1, 'p') > 0",
	"COUNT(CASE WHEN ", " THEN 1 END)",
	"GETDATE() - INTERVAL '%lld seconds'",
	"DOUBLE PRECISION", "RANDOM()",
};

/* A timestamp literal written with its time part, "YYYY-MM-DD HH:MM:SS",
 * the date alone meaning midnight. */
static void timestamp_text(struct strbuf *out, const char *s)
{
	strbuf_add(out, s, 10);
	strbuf_addch(out, ' ');
	strbuf_addstr(out, s[10] ? s + 11 : "00:00:00");
}

/* The typed SQL literal of v for a column of type t. */
static void sql_value(struct strbuf *out, const struct model_literal *v, enum model_type t,
		      const struct dialect *d)
{
	struct strbuf ts = STRBUF_INIT;

	if (!v->is_string) {
		if (t == MT_BOOLEAN)
			strbuf_addstr(out, !strcmp(v->text, "true") ? "TRUE" : "FALSE");
		else if (d->typed_decimal && strchr(v->text, '.'))
			strbuf_addf(out, "DECIMAL '%s'", v->text);
		else
			strbuf_addstr(out, v->text);
		return;
	}
	if (t == MT_DATE)
		strbuf_addstr(out, "DATE ");
	if (t == MT_TIMESTAMP) {
		strbuf_addstr(out, "TIMESTAMP ");
		timestamp_text(&ts, v->text);
	}
	d->string(out, ts.len ? ts.buf : v->text);
	strbuf_release(&ts);
}

/* The predicate a good row satisfies on column col (already quoted). */
static void sql_pred(struct strbuf *out, const char *col, const struct model_rule *r,
		     enum model_type t, const struct dialect *d)
{
	size_t i;

	switch (r->cmp) {
	case MC_BETWEEN:
		strbuf_addf(out, "%s BETWEEN ", col);
		sql_value(out, &r->values[0], t, d);
		strbuf_addstr(out, " AND ");
		sql_value(out, &r->values[1], t, d);
		return;
	case MC_IN:
		strbuf_addf(out, "%s IN (", col);
		for (i = 0; i < r->nvalues; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			sql_value(out, &r->values[i], t, d);
		}
		strbuf_addch(out, ')');
		return;
	case MC_MATCHES: {
		/* matches is a whole-value match (Java's String.matches);
		 * RLIKE, regexp_like and REGEXP_COUNT find the pattern
		 * anywhere: anchor it. */
		struct strbuf re = STRBUF_INIT;

		strbuf_addf(&re, "^(?:%s)$", r->values[0].text);
		strbuf_addf(out, "%s%s%s", d->match_open, col, d->match_mid);
		d->string(out, re.buf);
		strbuf_addstr(out, d->match_close);
		strbuf_release(&re);
		return;
	}
	case MC_NOT_NULL:
		strbuf_addf(out, "%s IS NOT NULL", col);
		return;
	case MC_NE:
		strbuf_addf(out, "%s <> ", col);
		sql_value(out, &r->values[0], t, d);
		return;
	default:
		strbuf_addf(out, "%s %s ", col, cmp_ops[r->cmp]);
		sql_value(out, &r->values[0], t, d);
		return;
	}
}

/* The rows breaking an expect rule: c has a value and the value fails the
 * predicate (NULL rows never count, see above). */
static void sql_violation(struct strbuf *out, const char *col, const struct model_rule *r,
			  enum model_type t, const struct dialect *d)
{
	strbuf_addf(out, "%s IS NOT NULL AND NOT (", col);
	sql_pred(out, col, r, t, d);
	strbuf_addch(out, ')');
}

static void dqdl_value(struct strbuf *out, const struct model_literal *v)
{
	if (v->is_string)
		escape_dqdl(out, v->text);
	else
		strbuf_addstr(out, v->text);
}

static void dqdl_next(struct strbuf *out, size_t *n)
{
	strbuf_addstr(out, (*n)++ ? ",\n    " : "\n    ");
}

/* CustomSql "<query>" <cmp>: the query is Spark SQL, quoted as one DQDL
 * string. */
static void dqdl_custom(struct strbuf *out, size_t *n, const char *query, const char *cmp)
{
	dqdl_next(out, n);
	strbuf_addstr(out, "CustomSql ");
	escape_dqdl(out, query);
	strbuf_addf(out, " %s", cmp);
}

/* CustomSql "SELECT COUNT(*) FROM primary WHERE <where>" <cmp> */
static void dqdl_custom_count(struct strbuf *out, size_t *n, const char *where, const char *cmp)
{
	struct strbuf q = STRBUF_INIT;

	strbuf_addf(&q, "SELECT COUNT(*) FROM primary WHERE %s", where);
	dqdl_custom(out, n, q.buf, cmp);
	strbuf_release(&q);
}

/* The key of a unique rule, for both dialects: "a IS NOT NULL AND b IS NOT
 * NULL" in where, "a, b" in group. */
static void key_clauses(struct strbuf *where, struct strbuf *group, const struct model_rule *r,
			const struct dialect *d)
{
	struct strbuf c = STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->ncolumns; i++) {
		strbuf_reset(&c);
		d->ident(&c, r->columns[i]);
		strbuf_addf(where, "%s%s IS NOT NULL", i ? " AND " : "", c.buf);
		strbuf_addf(group, "%s%s", i ? ", " : "", c.buf);
	}
	strbuf_release(&c);
}

/* unique: no complete key occurs twice; a key with a NULL is not checked
 * (a SQL UNIQUE constraint's meaning).  IsUnique does not document how it
 * treats NULLs, so the ruleset counts duplicate keys as validate.sql does. */
static void dqdl_unique(struct strbuf *out, size_t *n, const struct model_rule *r)
{
	struct strbuf w = STRBUF_INIT, g = STRBUF_INIT, q = STRBUF_INIT;

	key_clauses(&w, &g, r, &spark);
	strbuf_addf(&q, "SELECT COUNT(*) FROM (SELECT 1 FROM primary WHERE %s GROUP BY %s "
			"HAVING COUNT(*) > 1) AS duplicates", w.buf, g.buf);
	dqdl_custom(out, n, q.buf, "= 0");
	strbuf_release(&w);
	strbuf_release(&g);
	strbuf_release(&q);
}

/* The expect rule r on column col: IsComplete, or the count of violating
 * rows, which must be 0. */
static void dqdl_expect(struct strbuf *out, size_t *n, const struct model_pipeline *p,
			const struct model_rule *r, const char *col)
{
	struct strbuf q = STRBUF_INIT, c = STRBUF_INIT;

	if (r->cmp == MC_NOT_NULL) {
		dqdl_next(out, n);
		strbuf_addstr(out, "IsComplete ");
		escape_dqdl(out, col);
		return;
	}
	escape_spark_ident(&c, col);
	sql_violation(&q, c.buf, r, column_of(p, col)->type, &spark);
	dqdl_custom_count(out, n, q.buf, "= 0");
	strbuf_release(&q);
	strbuf_release(&c);
}

/* expect CONDITION: a row breaks it when the condition is false; a row
 * where it is NULL does not (the one-column forms' rule, "holds for every
 * row that has a value", generalised).  The same text in validate.sql. */
static void expect_expr_violation(struct strbuf *out, const char *cond)
{
	strbuf_addf(out, "NOT COALESCE(%s, TRUE)", cond);
}

static void dqdl_expect_expr(struct strbuf *out, size_t *n, const struct model_rule *r)
{
	struct strbuf w = STRBUF_INIT;

	expect_expr_violation(&w, r->spark_sql);
	dqdl_custom_count(out, n, w.buf, "= 0");
	strbuf_release(&w);
}

/* RowCount / Completeness with the rule's comparison.  The language's
 * between is inclusive, DQDL's exclusive (awslabs/dqdl: > lo && < hi), so
 * it becomes two rules, >= lo and <= hi. */
static void dqdl_metric(struct strbuf *out, size_t *n, const struct model_rule *r,
			const char *head, const char *col)
{
	int k;

	for (k = 0; k < (r->cmp == MC_BETWEEN ? 2 : 1); k++) {
		dqdl_next(out, n);
		strbuf_addstr(out, head);
		if (col) {
			strbuf_addch(out, ' ');
			escape_dqdl(out, col);
		}
		if (r->cmp == MC_BETWEEN)
			strbuf_addstr(out, k ? " <= " : " >= ");
		else
			strbuf_addf(out, " %s ", cmp_ops[r->cmp]);
		dqdl_value(out, &r->values[k]);
	}
}

/* Newest row fresh: at least one row at most D old (NULLs are not fresh). */
static void dqdl_freshness(struct strbuf *out, size_t *n, const struct model_rule *r,
			   const char *col)
{
	struct strbuf w = STRBUF_INIT;

	escape_spark_ident(&w, col);
	strbuf_addstr(&w, " >= ");
	strbuf_addf(&w, spark.interval, (long long)r->seconds);
	dqdl_custom_count(out, n, w.buf, "> 0");
	strbuf_release(&w);
}

/* ---- The rules on a column's statistics, and column_count ----
 *
 * column_count, mean, sum and stddev are DQDL's own ColumnCount, Mean, Sum
 * and StandardDeviation: those ignore NULL rows as SQL's aggregates do
 * (dqdl-rule-types-Mean.html, -Sum.html, -StandardDeviation.html, "Null
 * behavior"; the standard deviation there is the population one, 16.33
 * for 0, 20, 40), and with no value to aggregate they have no metric and
 * fail, as validate.sql's COALESCE(…, false) does.  The others are
 * CustomSql with the query validate.sql runs:
 *   - distinct_count: DistinctValuesCount does not document whether a NULL
 *     counts as a value; COUNT(DISTINCT c) does not count it;
 *   - uniqueness: Uniqueness does not document its NULLs either; the share
 *     of the rows with a value whose value no other row has, the query
 *     counting 1 when the share meets the rule (no such row: no share, 0);
 *   - length: ColumnLength reads a NULL as a string of length 0
 *     (dqdl-rule-types-ColumnLength.html, "Null behavior"), so a NULL row
 *     breaks `length c >= 1`; here, as for expect, NULL rows are not_null's
 *     business: the count of rows whose value has a length outside the
 *     rule must be 0. */

/* The Spark SQL of one query counting the rows of uniqueness: each group
 * of equal values with its size. */
static void uniqueness_share(struct strbuf *out, const char *col, const char *table,
			     const struct dialect *d)
{
	strbuf_addf(out, "SELECT CAST(SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END) AS %s) / SUM(n) AS "
			 "unique_share FROM (SELECT COUNT(*) AS n FROM %s WHERE %s IS NOT NULL "
			 "GROUP BY %s) AS g", d->dbl, table, col, col);
}

static void dqdl_stat_custom(struct strbuf *out, size_t *n, const struct model_rule *r,
			     const char *col)
{
	struct strbuf c = STRBUF_INIT, q = STRBUF_INIT, head = STRBUF_INIT;

	escape_spark_ident(&c, col);
	if (r->kind == MR_DISTINCT_COUNT) {
		strbuf_addf(&q, "SELECT COUNT(DISTINCT %s) FROM primary", c.buf);
		strbuf_addstr(&head, "CustomSql ");
		escape_dqdl(&head, q.buf);
		dqdl_metric(out, n, r, head.buf, NULL);
	} else if (r->kind == MR_UNIQUENESS) {
		strbuf_addstr(&q, "SELECT COUNT(*) FROM (");
		uniqueness_share(&q, c.buf, "primary", &spark);
		strbuf_addstr(&q, ") AS s WHERE ");
		sql_pred(&q, "unique_share", r, MT_DOUBLE, &spark);
		dqdl_custom(out, n, q.buf, "= 1");
	} else {
		strbuf_addf(&head, "length(%s)", c.buf);
		sql_violation(&q, head.buf, r, MT_INT, &spark);
		dqdl_custom_count(out, n, q.buf, "= 0");
	}
	strbuf_release(&c);
	strbuf_release(&q);
	strbuf_release(&head);
}

/* Appends the rules of r, one per line, each preceded by a separator. */
static void dqdl_rule(struct strbuf *out, const struct model_pipeline *p,
		      const struct model_rule *r, size_t *n)
{
	size_t i;

	switch (r->kind) {
	case MR_ROW_COUNT_MATCHES_SOURCE:
		dqdl_next(out, n);
		strbuf_addstr(out, "RowCountMatch \"source\" = 1.0");
		return;
	case MR_ROW_COUNT:
		dqdl_metric(out, n, r, "RowCount", NULL);
		return;
	case MR_NOT_NULL:
		for (i = 0; i < r->ncolumns; i++) {
			dqdl_next(out, n);
			strbuf_addstr(out, "IsComplete ");
			escape_dqdl(out, r->columns[i]);
		}
		return;
	case MR_UNIQUE:
		dqdl_unique(out, n, r);
		return;
	case MR_EXPECT:
		for (i = 0; i < r->ncolumns; i++)
			dqdl_expect(out, n, p, r, r->columns[i]);
		return;
	case MR_FRESHNESS:
		for (i = 0; i < r->ncolumns; i++)
			dqdl_freshness(out, n, r, r->columns[i]);
		return;
	case MR_COMPLETENESS:
		for (i = 0; i < r->ncolumns; i++)
			dqdl_metric(out, n, r, "Completeness", r->columns[i]);
		return;
	case MR_EXPECT_EXPR:
		dqdl_expect_expr(out, n, r);
		return;
	case MR_COLUMN_COUNT:
		dqdl_metric(out, n, r, "ColumnCount", NULL);
		return;
	case MR_MEAN:
	case MR_SUM:
	case MR_STDDEV:
		dqdl_metric(out, n, r, r->kind == MR_MEAN ? "Mean" : r->kind == MR_SUM ? "Sum"
							: "StandardDeviation", r->columns[0]);
		return;
	case MR_DISTINCT_COUNT:
	case MR_UNIQUENESS:
	case MR_LENGTH:
		dqdl_stat_custom(out, n, r, r->columns[0]);
		return;
	}
}

size_t emit_dqdl(const struct model_pipeline *p, struct strbuf *out)
{
	size_t i, n = 0;

	strbuf_addstr(out, "Rules = [");
	for (i = 0; i < p->validation.nrules; i++)
		dqdl_rule(out, p, &p->validation.rules[i], &n);
	strbuf_addstr(out, "\n]");
	return n;
}


/* ---- validate.sql: one statement per check, in the target's dialect ----
 *
 * The checks are a list (struct emit_checks): validate.sql is their text,
 * and `pipec validate` runs the same statements and judges each result. */

struct vsql {
	const struct dialect *d;
	const struct model_pipeline *p;
	const char *t;			/* the target table, quoted */
	struct emit_checks *cs;
};

static void quoted(struct strbuf *sb, const struct dialect *d, const char *name)
{
	strbuf_reset(sb);
	d->ident(sb, name);
}

/* A SQL comment line: the text is ours, but names in it come from the user,
 * so line breaks are flattened. */
static void comment(struct strbuf *out, const char *fmt_prefix, const char *name)
{
	const char *s;

	strbuf_addf(out, "-- %s", fmt_prefix);
	if (name) {
		strbuf_addch(out, '\'');
		for (s = name; *s; s++)
			strbuf_addch(out, (unsigned char)*s < 0x20 ? ' ' : *s);
		strbuf_addch(out, '\'');
	}
	strbuf_addch(out, '\n');
}

/* COUNT_IF(pred) or its spelling */
static void count_if(struct strbuf *out, const struct dialect *d, const char *pred)
{
	strbuf_addf(out, "%s%s%s", d->count_open, pred, d->count_close);
}

/* Appends a check: comment lines (each ending in '\n'), the statement in
 * sql (taken and reset; empty: a note without a statement) and its name
 * (a kind and, when not NULL, a column or key). */
static struct emit_check *check_add(const struct vsql *v, const char *comment_lines,
				    struct strbuf *sql, const char *kind, const char *what,
				    enum emit_judge judge, const char *column,
				    const struct model_rule *r)
{
	struct emit_checks *cs = v->cs;
	struct emit_check *c;
	struct strbuf name = STRBUF_INIT;

	if (cs->n == cs->alloc) {
		cs->alloc = cs->alloc ? 2 * cs->alloc : 8;
		cs->v = xrealloc(cs->v, cs->alloc * sizeof(*cs->v));
	}
	c = &cs->v[cs->n++];
	strbuf_addstr(&name, kind);
	if (what)
		strbuf_addf(&name, " %s", what);
	c->name = strbuf_detach(&name, NULL);
	c->comment = xstrdup(comment_lines);
	c->sql = sql && sql->len ? strbuf_detach(sql, NULL) : NULL;
	c->judge = judge;
	c->column = column;
	c->rule = r;
	return c;
}

static void sql_row_count(const struct vsql *v, const struct model_rule *r, const char *col,
			  const char *name)
{
	struct strbuf q = STRBUF_INIT;

	(void)col;
	(void)name;
	strbuf_addstr(&q, "SELECT COUNT(*) AS row_count, ");
	sql_pred(&q, "COUNT(*)", r, MT_BIGINT, v->d);
	strbuf_addf(&q, " AS passed\nFROM %s", v->t);
	check_add(v, "-- row count rule\n", &q, "row_count", NULL, EMIT_JUDGE_TRUE, "passed", r);
}

static void sql_unique(const struct vsql *v, const struct model_rule *r, const char *col,
		       const char *name)
{
	struct strbuf w = STRBUF_INIT, g = STRBUF_INIT, q = STRBUF_INIT, key = STRBUF_INIT;
	size_t i;

	(void)col;
	(void)name;
	key_clauses(&w, &g, r, v->d);
	for (i = 0; i < r->ncolumns; i++)
		strbuf_addf(&key, "%s%s", i ? ", " : "", r->columns[i]);
	strbuf_addf(&q, "SELECT %s, COUNT(*) AS n\nFROM %s\nWHERE %s\nGROUP BY %s\n"
			"HAVING COUNT(*) > 1\nLIMIT 100", g.buf, v->t, w.buf, g.buf);
	check_add(v, "-- duplicate keys (expect no rows; keys with a null are not checked)\n", &q,
		  "unique", key.buf, EMIT_JUDGE_NO_ROWS, NULL, r);
	strbuf_release(&w);
	strbuf_release(&g);
	strbuf_release(&key);
}

static void sql_expect(const struct vsql *v, const struct model_rule *r, const char *col,
		       const char *name)
{
	struct strbuf pred = STRBUF_INIT, q = STRBUF_INIT;

	if (r->cmp == MC_NOT_NULL)	/* in the null checks */
		return;
	sql_violation(&pred, col, r, column_of(v->p, r->columns[0])->type, v->d);
	strbuf_addstr(&q, "SELECT ");
	count_if(&q, v->d, pred.buf);
	strbuf_addf(&q, " AS violations\nFROM %s", v->t);
	check_add(v, "-- rows breaking an expect rule (expect 0; nulls are not_null's business)\n",
		  &q, "expect", name, EMIT_JUDGE_ZERO, "violations", r);
	strbuf_release(&pred);
}

static void sql_expect_expr(const struct vsql *v, const struct model_rule *r, const char *col,
			    const char *name)
{
	struct strbuf pred = STRBUF_INIT, q = STRBUF_INIT;

	(void)col;
	(void)name;
	expect_expr_violation(&pred, r->engine_sql);
	strbuf_addstr(&q, "SELECT ");
	count_if(&q, v->d, pred.buf);
	strbuf_addf(&q, " AS violations\nFROM %s", v->t);
	check_add(v, "-- rows breaking an expect rule (expect 0; a row where the condition "
		     "is null does not count)\n", &q, "expect", NULL, EMIT_JUDGE_ZERO, "violations", r);
	strbuf_release(&pred);
}

static void sql_freshness(const struct vsql *v, const struct model_rule *r, const char *col,
			  const char *name)
{
	struct strbuf q = STRBUF_INIT;

	strbuf_addf(&q, "SELECT MAX(%s) AS latest,\n  COALESCE(MAX(%s) >= ", col, col);
	strbuf_addf(&q, v->d->interval, (long long)r->seconds);
	strbuf_addf(&q, ", false) AS fresh\nFROM %s", v->t);
	check_add(v, "-- freshness: the newest value is recent enough\n", &q, "freshness", name,
		  EMIT_JUDGE_TRUE, "fresh", r);
}

static void sql_completeness(const struct vsql *v, const struct model_rule *r, const char *col,
			     const char *name)
{
	struct strbuf share = STRBUF_INIT, q = STRBUF_INIT;

	strbuf_addf(&share, "CAST(COUNT(%s) AS %s) / NULLIF(COUNT(*), 0)", col, v->d->dbl);
	strbuf_addf(&q, "SELECT %s AS completeness,\n  COALESCE(", share.buf);
	sql_pred(&q, share.buf, r, MT_DOUBLE, v->d);
	strbuf_addf(&q, ", false) AS passed\nFROM %s", v->t);
	check_add(v, "-- completeness (share of non-null values; an empty table fails)\n", &q,
		  "completeness", name, EMIT_JUDGE_TRUE, "passed", r);
	strbuf_release(&share);
}

/* column_count: the columns the engine's catalog lists for the table
 * (Athena: information_schema.columns of the table's catalog, which lists
 * partition columns too; Redshift: SVV_COLUMNS). */
static void sql_column_count(const struct vsql *v, const struct model_rule *r, const char *col,
			     const char *name)
{
	const struct model_target *t = &v->p->target;
	struct strbuf q = STRBUF_INIT, from = STRBUF_INIT;

	(void)col;
	(void)name;
	if (v->d == &redshift) {
		strbuf_addstr(&from, "svv_columns");
	} else {
		if (t->kind == MT_S3TABLES && t->table_bucket) {
			struct strbuf cat = STRBUF_INIT;

			strbuf_addf(&cat, "s3tablescatalog/%s", t->table_bucket);
			athena.ident(&from, cat.buf);
			strbuf_addch(&from, '.');
			strbuf_release(&cat);
		}
		strbuf_addstr(&from, "information_schema.columns");
	}
	strbuf_addstr(&q, "SELECT COUNT(*) AS column_count, ");
	sql_pred(&q, "COUNT(*)", r, MT_BIGINT, v->d);
	strbuf_addf(&q, " AS passed\nFROM %s\nWHERE table_schema = ", from.buf);
	v->d->string(&q, t->database);
	strbuf_addstr(&q, " AND table_name = ");
	v->d->string(&q, t->table);
	check_add(v, "-- column count rule (the columns the catalog lists for the table)\n", &q,
		  "column_count", NULL, EMIT_JUDGE_TRUE, "passed", r);
	strbuf_release(&from);
}

/* mean, sum, stddev: the aggregate of the values, NULLs ignored; no value
 * (an empty table, or NULL in every row) fails. */
static void sql_aggregate(const struct vsql *v, const struct model_rule *r, const char *col,
			  const char *name)
{
	static const char *const what[] = {
		[MR_MEAN] = "mean", [MR_SUM] = "sum", [MR_STDDEV] = "stddev",
	};
	struct strbuf agg = STRBUF_INIT, q = STRBUF_INIT, c = STRBUF_INIT;

	if (r->kind == MR_SUM)
		strbuf_addf(&agg, "SUM(%s)", col);
	else
		strbuf_addf(&agg, "%s(CAST(%s AS %s))", r->kind == MR_MEAN ? "AVG" : "STDDEV_POP",
			    col, v->d->dbl);
	strbuf_addf(&q, "SELECT %s AS %s_value,\n  COALESCE(", agg.buf, what[r->kind]);
	sql_pred(&q, agg.buf, r, MT_DOUBLE, v->d);
	strbuf_addf(&q, ", false) AS passed\nFROM %s", v->t);
	strbuf_addf(&c, "-- %s of the values (nulls ignored; no value fails)\n", what[r->kind]);
	check_add(v, c.buf, &q, what[r->kind], name, EMIT_JUDGE_TRUE, "passed", r);
	strbuf_release(&agg);
	strbuf_release(&c);
}

static void sql_distinct_count(const struct vsql *v, const struct model_rule *r, const char *col,
			       const char *name)
{
	struct strbuf agg = STRBUF_INIT, q = STRBUF_INIT;

	strbuf_addf(&agg, "COUNT(DISTINCT %s)", col);
	strbuf_addf(&q, "SELECT %s AS distinct_values,\n  ", agg.buf);
	sql_pred(&q, agg.buf, r, MT_BIGINT, v->d);
	strbuf_addf(&q, " AS passed\nFROM %s", v->t);
	check_add(v, "-- distinct values (a null is not a value)\n", &q, "distinct_count", name,
		  EMIT_JUDGE_TRUE, "passed", r);
	strbuf_release(&agg);
}

static void sql_uniqueness(const struct vsql *v, const struct model_rule *r, const char *col,
			   const char *name)
{
	struct strbuf q = STRBUF_INIT;

	strbuf_addstr(&q, "SELECT unique_share AS uniqueness,\n  COALESCE(");
	sql_pred(&q, "unique_share", r, MT_DOUBLE, v->d);
	strbuf_addstr(&q, ", false) AS passed\nFROM (");
	uniqueness_share(&q, col, v->t, v->d);
	strbuf_addstr(&q, ") AS s");
	check_add(v, "-- uniqueness (share of the rows with a value whose value no other row "
		     "has;\n-- no value fails)\n", &q, "uniqueness", name, EMIT_JUDGE_TRUE, "passed",
		  r);
}

static void sql_length(const struct vsql *v, const struct model_rule *r, const char *col,
		       const char *name)
{
	struct strbuf len = STRBUF_INIT, pred = STRBUF_INIT, q = STRBUF_INIT;

	strbuf_addf(&len, "length(%s)", col);
	sql_violation(&pred, len.buf, r, MT_INT, v->d);
	strbuf_addstr(&q, "SELECT ");
	count_if(&q, v->d, pred.buf);
	strbuf_addf(&q, " AS violations\nFROM %s", v->t);
	check_add(v, "-- values of the wrong length (expect 0; nulls are not_null's business)\n",
		  &q, "length", name, EMIT_JUDGE_ZERO, "violations", r);
	strbuf_release(&len);
	strbuf_release(&pred);
}

/* Statement writers by rule kind; per_column ones run once per column with
 * the column quoted (and its name), the others once.  Row counts against
 * the source and null checks are made before, for all rules at once. */
static const struct {
	void (*write)(const struct vsql *v, const struct model_rule *r, const char *col,
		      const char *name);
	bool per_column;
} sql_rules[] = {
	[MR_ROW_COUNT_MATCHES_SOURCE] = { NULL, false },
	[MR_ROW_COUNT] = { sql_row_count, false },
	[MR_NOT_NULL] = { NULL, false },
	[MR_UNIQUE] = { sql_unique, false },
	[MR_EXPECT] = { sql_expect, true },
	[MR_FRESHNESS] = { sql_freshness, true },
	[MR_COMPLETENESS] = { sql_completeness, true },
	[MR_EXPECT_EXPR] = { sql_expect_expr, false },
	[MR_COLUMN_COUNT] = { sql_column_count, false },
	[MR_DISTINCT_COUNT] = { sql_distinct_count, true },
	[MR_MEAN] = { sql_aggregate, true },
	[MR_SUM] = { sql_aggregate, true },
	[MR_STDDEV] = { sql_aggregate, true },
	[MR_UNIQUENESS] = { sql_uniqueness, true },
	[MR_LENGTH] = { sql_length, true },
};

static void sql_rule(const struct vsql *v, const struct model_rule *r)
{
	struct strbuf col = STRBUF_INIT;
	size_t i;

	if (!sql_rules[r->kind].write)
		return;
	if (!sql_rules[r->kind].per_column)
		sql_rules[r->kind].write(v, r, NULL, NULL);
	for (i = 0; sql_rules[r->kind].per_column && i < r->ncolumns; i++) {
		quoted(&col, v->d, r->columns[i]);
		sql_rules[r->kind].write(v, r, col.buf, r->columns[i]);
	}
	strbuf_release(&col);
}

/* row_count matches source: the job compares each run's rows written with
 * its rows read; the whole tables compare the same way only when every run
 * rewrites the whole target from the whole source, and the source is a
 * table the same engine can read. */
static void sql_matches_source(const struct vsql *v)
{
	const struct model_pipeline *p = v->p;
	struct strbuf q = STRBUF_INIT;
	size_t i;

	for (i = 0; i < p->validation.nrules; i++) {
		const struct model_rule *r = &p->validation.rules[i];

		if (r->kind != MR_ROW_COUNT_MATCHES_SOURCE)
			continue;
		if (v->d == &athena && p->source_athena_ident && p->mode == MM_REPLACE &&
		    p->incremental.kind == MI_NONE) {
			strbuf_addf(&q, "SELECT\n  (SELECT COUNT(*) FROM %s) AS target_rows,\n"
					"  (SELECT COUNT(*) FROM %s) AS source_rows",
				    v->t, p->source_athena_ident);
			check_add(v, "-- rows in the target against rows in the source table\n"
				     "-- (equal unless rows with a null required column were "
				     "dropped)\n", &q, "row_count matches source", NULL,
				  EMIT_JUDGE_EQUAL, NULL, r);
		} else {
			check_add(v, "-- row count against the source: the job checks it on every "
				     "run\n-- (RowCountMatch: rows written against rows read past "
				     "the watermark)\n", NULL, "row_count matches source", NULL,
				  EMIT_JUDGE_INFO, NULL, r);
		}
		return;
	}
}

/* The columns the null check counts: required columns, then not_null rules,
 * each once.  Returns their number; nn has room for p->ncolumns. */
static size_t null_columns(const struct model_pipeline *p, const char **nn)
{
	size_t i, k, nnn = 0;

	for (i = 0; i < p->ncolumns; i++)
		if (p->columns[i].required)
			nn[nnn++] = p->columns[i].name;
	for (i = 0; i < p->validation.nrules; i++) {
		const struct model_rule *r = &p->validation.rules[i];
		size_t c;

		if (r->kind != MR_NOT_NULL && !(r->kind == MR_EXPECT && r->cmp == MC_NOT_NULL))
			continue;
		for (c = 0; c < r->ncolumns; c++) {
			for (k = 0; k < nnn; k++)
				if (!strcmp(nn[k], r->columns[c]))
					break;
			if (k == nnn && nnn < p->ncolumns)
				nn[nnn++] = r->columns[c];
		}
	}
	return nnn;
}

/* Null checks: one statement counting the nulls of every such column. */
static void sql_nulls(const struct vsql *v)
{
	const struct model_pipeline *p = v->p;
	struct strbuf col = STRBUF_INIT, pred = STRBUF_INIT, alias = STRBUF_INIT;
	struct strbuf q = STRBUF_INIT;
	const char **nn = xcalloc(p->ncolumns + 1, sizeof(*nn));
	size_t k, nnn = null_columns(p, nn);

	if (nnn) {
		strbuf_addstr(&q, "SELECT\n  COUNT(*) AS total");
		for (k = 0; k < nnn; k++) {
			quoted(&col, v->d, nn[k]);
			strbuf_reset(&pred);
			strbuf_addf(&pred, "%s IS NULL", col.buf);
			strbuf_reset(&alias);
			strbuf_addf(&alias, "nulls_%s", nn[k]);
			strbuf_addstr(&q, ",\n  ");
			count_if(&q, v->d, pred.buf);
			strbuf_addstr(&q, " AS ");
			v->d->ident(&q, alias.buf);
		}
		strbuf_addf(&q, "\nFROM %s", v->t);
		check_add(v, "-- nulls in columns that must not have any\n", &q, "nulls", NULL,
			  EMIT_JUDGE_ZERO, NULL, NULL);
	}
	free(nn);
	strbuf_release(&col);
	strbuf_release(&pred);
	strbuf_release(&alias);
}

static void sql_sample(const struct vsql *v)
{
	struct strbuf q = STRBUF_INIT;

	if (v->p->validation.sample <= 0)
		return;
	strbuf_addf(&q, "SELECT *\nFROM %s\nORDER BY %s\nLIMIT %d", v->t, v->d->random,
		    v->p->validation.sample);
	check_add(v, "-- a random sample of rows to spot-check\n", &q, "sample", NULL,
		  EMIT_JUDGE_INFO, NULL, NULL);
}

void emit_checks_make(const struct model_pipeline *p, struct emit_checks *out)
{
	struct strbuf rs = STRBUF_INIT, head = STRBUF_INIT, q = STRBUF_INIT;
	struct vsql v = { &athena, p, p->target.athena_ident, out };
	size_t i;

	memset(out, 0, sizeof(*out));
	if (p->target.kind == MT_REDSHIFT) {
		out->redshift = true;
		v.d = &redshift;
		redshift.ident(&rs, p->target.database);
		strbuf_addch(&rs, '.');
		redshift.ident(&rs, p->target.table);
		v.t = rs.buf;
		comment(&head, "Redshift checks of pipeline ", p->name);
		comment(&head, "from ", p->file);
		comment(&head, "run on the database of the Glue connection ", p->target.connection);
	} else {
		comment(&head, "Athena (engine v3) checks of pipeline ", p->name);
		comment(&head, "from ", p->file);
	}
	assert(v.t);
	strbuf_addf(&head, "-- generated by pipec %s; run each statement on its own.\n",
		    PIPEC_VERSION);
	out->header = strbuf_detach(&head, NULL);
	out->table = xstrdup(v.t);

	strbuf_addf(&q, "SELECT COUNT(*) AS row_count FROM %s", v.t);
	check_add(&v, "-- rows in the target\n", &q, "rows", NULL, EMIT_JUDGE_INFO, NULL, NULL);
	sql_matches_source(&v);
	sql_nulls(&v);
	for (i = 0; i < p->validation.nrules; i++)
		sql_rule(&v, &p->validation.rules[i]);
	sql_sample(&v);
	strbuf_release(&rs);
}

void emit_checks_release(struct emit_checks *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		free(cs->v[i].name);
		free(cs->v[i].comment);
		free(cs->v[i].sql);
	}
	free(cs->v);
	free(cs->header);
	free(cs->table);
	memset(cs, 0, sizeof(*cs));
}

const char *emit_judge_name(enum emit_judge j)
{
	static const char *const names[] = {
		[EMIT_JUDGE_INFO] = "info", [EMIT_JUDGE_TRUE] = "true", [EMIT_JUDGE_ZERO] = "zero",
		[EMIT_JUDGE_NO_ROWS] = "no_rows", [EMIT_JUDGE_EQUAL] = "equal",
	};

	return names[j];
}

void emit_validate_sql(const struct model_project *mp, const struct model_pipeline *p,
		       struct strbuf *out)
{
	struct emit_checks cs;
	size_t i;

	(void)mp;
	emit_checks_make(p, &cs);
	strbuf_addstr(out, cs.header);
	for (i = 0; i < cs.n; i++) {
		strbuf_addf(out, "\n%s", cs.v[i].comment);
		if (cs.v[i].sql)
			strbuf_addf(out, "%s;\n", cs.v[i].sql);
	}
	emit_checks_release(&cs);
}
