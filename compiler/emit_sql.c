/*
 * emit_sql: the two texts that check data — the DQDL ruleset (evaluated in
 * the job and registered as ruleset.json) and validate.sql, the Athena
 * engine v3 statements a reviewer or a CI step runs after a load.
 */
#include "emit.h"

#include <inttypes.h>
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

/* ---- DQDL ---- */

static void dqdl_value(struct strbuf *out, const struct model_literal *v)
{
	if (v->is_string)
		escape_dqdl(out, v->text);
	else
		strbuf_addstr(out, v->text);
}

static void dqdl_cond(struct strbuf *out, const struct model_rule *r)
{
	size_t i;

	switch (r->cmp) {
	case MC_BETWEEN:
		/* Never reached: dqdl_check spells between as two rules. */
		return;
	case MC_IN:
		strbuf_addstr(out, " in [");
		for (i = 0; i < r->nvalues; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			dqdl_value(out, &r->values[i]);
		}
		strbuf_addch(out, ']');
		return;
	case MC_MATCHES:
		strbuf_addstr(out, " matches ");
		dqdl_value(out, &r->values[0]);
		return;
	case MC_NOT_NULL:
		return;
	default:
		strbuf_addf(out, " %s ", cmp_ops[r->cmp]);
		dqdl_value(out, &r->values[0]);
		return;
	}
}

static void dqdl_duration(struct strbuf *out, int64_t secs)
{
	if (secs % 86400 == 0)
		strbuf_addf(out, "%" PRId64 " days", secs / 86400);
	else if (secs % 3600 == 0)
		strbuf_addf(out, "%" PRId64 " hours", secs / 3600);
	else
		strbuf_addf(out, "%" PRId64 " minutes", (secs + 59) / 60);
}

/* The rule "HEAD COND" (HEAD already spelled by head/col).  The language's
 * between is inclusive, DQDL's exclusive (awslabs/dqdl: > lo && < hi), so
 * it becomes two rules, HEAD >= lo and HEAD <= hi, the bounds validate.sql's
 * BETWEEN checks. */
static void dqdl_check(struct strbuf *out, const struct model_rule *r, size_t *n,
		       const char *head, const char *col)
{
	int k;

	for (k = 0; k < (r->cmp == MC_BETWEEN ? 2 : 1); k++) {
		strbuf_addstr(out, (*n)++ ? ",\n    " : "\n    ");
		strbuf_addstr(out, head);
		if (col) {
			strbuf_addch(out, ' ');
			escape_dqdl(out, col);
		}
		if (r->cmp == MC_BETWEEN) {
			strbuf_addstr(out, k ? " <= " : " >= ");
			dqdl_value(out, &r->values[k]);
		} else {
			dqdl_cond(out, r);
		}
	}
}

/* Appends the rules of r, one per line, each preceded by a separator. */
static void dqdl_rule(struct strbuf *out, const struct model_rule *r, size_t *n)
{
	size_t i;

#define NEXT() (strbuf_addstr(out, (*n)++ ? ",\n    " : "\n    "))
	switch (r->kind) {
	case MR_ROW_COUNT_MATCHES_SOURCE:
		NEXT();
		strbuf_addstr(out, "RowCountMatch \"source\" = 1.0");
		return;
	case MR_ROW_COUNT:
		dqdl_check(out, r, n, "RowCount", NULL);
		return;
	case MR_NOT_NULL:
		for (i = 0; i < r->ncolumns; i++) {
			NEXT();
			strbuf_addstr(out, "IsComplete ");
			escape_dqdl(out, r->columns[i]);
		}
		return;
	case MR_UNIQUE:
		NEXT();
		strbuf_addstr(out, "IsUnique");
		for (i = 0; i < r->ncolumns; i++) {
			strbuf_addch(out, ' ');
			escape_dqdl(out, r->columns[i]);
		}
		return;
	case MR_EXPECT:
		for (i = 0; i < r->ncolumns; i++)
			dqdl_check(out, r, n, r->cmp == MC_NOT_NULL ? "IsComplete" : "ColumnValues",
				   r->columns[i]);
		return;
	case MR_FRESHNESS:
		for (i = 0; i < r->ncolumns; i++) {
			NEXT();
			strbuf_addstr(out, "DataFreshness ");
			escape_dqdl(out, r->columns[i]);
			strbuf_addstr(out, " <= ");
			dqdl_duration(out, r->seconds);
		}
		return;
	case MR_COMPLETENESS:
		for (i = 0; i < r->ncolumns; i++)
			dqdl_check(out, r, n, "Completeness", r->columns[i]);
		return;
	}
#undef NEXT
}

size_t emit_dqdl(const struct model_pipeline *p, struct strbuf *out)
{
	size_t i, n = 0;

	strbuf_addstr(out, "Rules = [");
	for (i = 0; i < p->validation.nrules; i++)
		dqdl_rule(out, &p->validation.rules[i], &n);
	strbuf_addstr(out, "\n]");
	return n;
}

/* ---- validate.sql ---- */

static void athena_value(struct strbuf *out, const struct model_literal *v)
{
	if (v->is_string)
		escape_athena_string(out, v->text);
	else
		strbuf_addstr(out, v->text);
}

/* The predicate a good row satisfies, on the Athena column col. */
static void athena_pred(struct strbuf *out, const char *col, const struct model_rule *r)
{
	size_t i;

	switch (r->cmp) {
	case MC_BETWEEN:
		strbuf_addf(out, "%s BETWEEN ", col);
		athena_value(out, &r->values[0]);
		strbuf_addstr(out, " AND ");
		athena_value(out, &r->values[1]);
		return;
	case MC_IN:
		strbuf_addf(out, "%s IN (", col);
		for (i = 0; i < r->nvalues; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			athena_value(out, &r->values[i]);
		}
		strbuf_addch(out, ')');
		return;
	case MC_MATCHES: {
		/* DQDL (Java's String.matches) matches the whole value;
		 * regexp_like finds the pattern anywhere: anchor it. */
		struct strbuf re = STRBUF_INIT;

		strbuf_addf(&re, "^(?:%s)$", r->values[0].text);
		strbuf_addf(out, "regexp_like(%s, ", col);
		escape_athena_string(out, re.buf);
		strbuf_addch(out, ')');
		strbuf_release(&re);
		return;
	}
	case MC_NOT_NULL:
		strbuf_addf(out, "%s IS NOT NULL", col);
		return;
	case MC_NE:
		strbuf_addf(out, "%s <> ", col);
		athena_value(out, &r->values[0]);
		return;
	default:
		strbuf_addf(out, "%s %s ", col, cmp_ops[r->cmp]);
		athena_value(out, &r->values[0]);
		return;
	}
}

static void quoted(struct strbuf *sb, const char *name)
{
	strbuf_reset(sb);
	escape_athena_ident(sb, name);
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

void emit_validate_sql(const struct model_project *mp, const struct model_pipeline *p,
		       struct strbuf *out)
{
	const char *t = p->target.athena_ident;
	struct strbuf col = STRBUF_INIT;
	const char **nn = NULL;
	size_t i, k, nnn = 0;

	(void)mp;
	comment(out, "Athena (engine v3) checks of pipeline ", p->name);
	comment(out, "from ", p->file);
	strbuf_addf(out, "-- generated by pipec %s; run each statement on its own.\n", PIPEC_VERSION);
	if (!t) {
		strbuf_addstr(out, "-- The target is a Redshift table: Athena cannot query it, so this\n"
				   "-- file holds no statement.  The job checks every run before it\n"
				   "-- loads: rows with a null required column are dropped");
		if (p->validates)
			strbuf_addstr(out, ", and the\n-- pipeline's rules (ruleset.json) are evaluated on "
					   "the rows to load,\n-- their results published to Glue Data "
					   "Quality.\n");
		else
			strbuf_addstr(out, " (the\n-- pipeline has no validate rules).\n");
		return;
	}

	strbuf_addstr(out, "\n-- rows in the target\n");
	strbuf_addf(out, "SELECT COUNT(*) AS row_count FROM %s;\n", t);

	for (i = 0; i < p->validation.nrules; i++) {
		if (p->validation.rules[i].kind != MR_ROW_COUNT_MATCHES_SOURCE)
			continue;
		/* The job compares each run's rows written with its rows read;
		 * the whole tables compare the same way only when every run
		 * rewrites the whole target from the whole source. */
		if (p->source_athena_ident && p->mode == MM_REPLACE &&
		    p->incremental.kind == MI_NONE) {
			strbuf_addstr(out, "\n-- rows in the target against rows in the source table\n"
					   "-- (equal unless rows with a null required column were "
					   "dropped)\n");
			strbuf_addf(out, "SELECT\n  (SELECT COUNT(*) FROM %s) AS target_rows,\n"
					 "  (SELECT COUNT(*) FROM %s) AS source_rows;\n",
				    t, p->source_athena_ident);
		} else {
			strbuf_addstr(out, "\n-- row count against the source: the job checks it on every "
					   "run\n-- (RowCountMatch: rows written against rows read past "
					   "the watermark)\n");
		}
		break;
	}

	/* Null checks: required columns, then not_null rules, each once. */
	nn = xcalloc(p->ncolumns + 1, sizeof(*nn));
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
	if (nnn) {
		strbuf_addstr(out, "\n-- nulls in columns that must not have any\nSELECT\n  COUNT(*) AS total");
		for (k = 0; k < nnn; k++) {
			struct strbuf alias = STRBUF_INIT;

			quoted(&col, nn[k]);
			strbuf_addf(&alias, "nulls_%s", nn[k]);
			strbuf_addf(out, ",\n  COUNT_IF(%s IS NULL) AS ", col.buf);
			escape_athena_ident(out, alias.buf);
			strbuf_release(&alias);
		}
		strbuf_addf(out, "\nFROM %s;\n", t);
	}
	free(nn);

	for (i = 0; i < p->validation.nrules; i++) {
		const struct model_rule *r = &p->validation.rules[i];
		size_t c;

		switch (r->kind) {
		case MR_ROW_COUNT:
			strbuf_addstr(out, "\n-- row count rule\nSELECT COUNT(*) AS row_count, ");
			athena_pred(out, "COUNT(*)", r);
			strbuf_addf(out, " AS passed\nFROM %s;\n", t);
			break;
		case MR_UNIQUE:
			strbuf_addstr(out, "\n-- duplicate keys (expect no rows)\nSELECT ");
			for (c = 0; c < r->ncolumns; c++) {
				quoted(&col, r->columns[c]);
				strbuf_addf(out, "%s, ", col.buf);
			}
			strbuf_addf(out, "COUNT(*) AS n\nFROM %s\nGROUP BY ", t);
			for (c = 0; c < r->ncolumns; c++) {
				quoted(&col, r->columns[c]);
				strbuf_addf(out, "%s%s", c ? ", " : "", col.buf);
			}
			strbuf_addstr(out, "\nHAVING COUNT(*) > 1\nLIMIT 100;\n");
			break;
		case MR_EXPECT:
			if (r->cmp == MC_NOT_NULL)
				break;
			for (c = 0; c < r->ncolumns; c++) {
				quoted(&col, r->columns[c]);
				strbuf_addstr(out, "\n-- rows breaking an expect rule (expect 0)\n");
				strbuf_addstr(out, "SELECT COUNT_IF(NOT (");
				athena_pred(out, col.buf, r);
				strbuf_addf(out, ")) AS violations\nFROM %s;\n", t);
			}
			break;
		case MR_FRESHNESS:
			for (c = 0; c < r->ncolumns; c++) {
				quoted(&col, r->columns[c]);
				strbuf_addstr(out, "\n-- freshness\n");
				strbuf_addf(out, "SELECT MAX(%s) AS latest,\n"
						 "  MAX(%s) >= current_timestamp - INTERVAL '%" PRId64
						 "' SECOND AS fresh\nFROM %s;\n",
					    col.buf, col.buf, r->seconds, t);
			}
			break;
		case MR_COMPLETENESS:
			for (c = 0; c < r->ncolumns; c++) {
				quoted(&col, r->columns[c]);
				strbuf_addstr(out, "\n-- completeness (share of non-null values)\n");
				strbuf_addf(out, "SELECT CAST(COUNT(%s) AS DOUBLE) / NULLIF(COUNT(*), 0)"
						 " AS completeness\nFROM %s;\n", col.buf, t);
			}
			break;
		default:
			break;
		}
	}

	if (p->validation.sample > 0) {
		strbuf_addstr(out, "\n-- a random sample of rows to spot-check\n");
		strbuf_addf(out, "SELECT *\nFROM %s\nORDER BY rand()\nLIMIT %d;\n", t,
			    p->validation.sample);
	}
	strbuf_release(&col);
}
