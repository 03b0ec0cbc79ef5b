#include "check_mode.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check_ctx.h"

static const char *const mode_names[] = { "append", "merge", "overwrite", "replace" };

/* Types whose values Spark can compare, so that "the greatest wins" means
 * something: numbers, dates, timestamps and strings (byte order). */
static const bool order_types[MT_STRUCT + 1] = {
	[MT_STRING] = true, [MT_TINYINT] = true, [MT_SMALLINT] = true, [MT_INT] = true,
	[MT_BIGINT] = true, [MT_FLOAT] = true, [MT_DOUBLE] = true, [MT_DECIMAL] = true,
	[MT_DATE] = true, [MT_TIMESTAMP] = true,
};

/* The column of `order by` that picks one of several rows with one key
 * (mode merge, dedupe): a column that orders and is not one of the keys.
 * WHAT names it ("merge order column"), KEY a key ("a merge key"). */
static const struct model_column *order_column(struct check_ctx *c, const struct ast_name *o,
					       const char *const *keys, size_t nkeys,
					       const char *what, const char *key)
{
	const struct model_column *col = check_ctx_column_ref(c, o, what);
	size_t i;

	if (!col)
		return NULL;
	if (!order_types[col->type]) {
		diag_help(diag_error(c->ds, c->src, o->span,
				     "%s '%s' has type '%s', which cannot be ordered", what, o->text,
				     col->spark_type),
			  "order by a timestamp, date, number or string column");
		return NULL;
	}
	for (i = 0; i < nkeys; i++)
		if (!strcmp(keys[i], col->name)) {
			diag_help(diag_error(c->ds, c->src, o->span, "%s '%s' is %s", what, o->text,
					     key),
				  "order by a column that tells versions of a row apart, like an update time");
			return NULL;
		}
	return col;
}

/* mode merge on KEYS order by COLUMN [desc]: the column that picks the
 * newest of several source rows with one key. */
static void check_merge_order(struct check_ctx *c, const struct ast_clause *cl)
{
	const struct ast_name *o = &cl->u.mode.order, *dir = &cl->u.mode.direction;
	const struct model_column *col;

	if (dir->text && strcmp(dir->text, "desc"))
		diag_help(diag_error(c->ds, c->src, dir->span,
				     "merge keeps the row with the greatest '%s': '%s' is not supported",
				     o->text, dir->text),
			  "remove '%s' (only 'desc', the default, may be written)", dir->text);
	col = order_column(c, o, c->mp->merge_keys, c->mp->nmerge_keys, "merge order column",
			   "a merge key");
	if (col)
		c->mp->merge_order_column = col->name;
}

/* mode KIND [on KEYS [order by COLUMN [desc]]] */
void check_mode(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;
	int m = check_ctx_word_index(cl->u.mode.mode.text, mode_names, 4);
	size_t i;

	if (m < 0) {
		check_ctx_unknown(c, cl->u.mode.mode.span, "mode", cl->u.mode.mode.text, mode_names,
				  4);
		return;
	}
	mp->mode = (enum model_mode)m;
	if (mp->mode != MM_MERGE && cl->u.mode.order.text)
		diag_help(diag_error(c->ds, c->src, span_join(cl->u.mode.order_span,
							      cl->u.mode.order.span),
				     "'order by' only applies to 'mode merge'"),
			  "remove it, or write 'mode merge on KEY order by COLUMN'");
	if (mp->mode != MM_MERGE && cl->u.mode.nkeys) {
		diag_help(diag_error(c->ds, c->src, cl->u.mode.on_span,
				     "'on' keys only apply to 'mode merge'"),
			  "write 'mode merge on KEY' or remove the keys");
		return;
	}
	if (mp->mode == MM_MERGE) {
		if (!cl->u.mode.nkeys) {
			diag_help(diag_error(c->ds, c->src, cl->span, "'mode merge' needs key columns"),
				  "write 'mode merge on id' (the columns that identify a row)");
			return;
		}
		mp->merge_keys = arena_array(c->a, cl->u.mode.nkeys, sizeof(*mp->merge_keys));
		for (i = 0; i < cl->u.mode.nkeys; i++) {
			const struct model_column *col =
				check_ctx_column_ref(c, &cl->u.mode.keys[i], "merge key");
			size_t j;

			for (j = 0; j < i; j++) {
				if (!strcmp(cl->u.mode.keys[j].text, cl->u.mode.keys[i].text)) {
					diag_help(diag_error(c->ds, c->src, cl->u.mode.keys[i].span,
							     "merge key '%s' is listed twice",
							     cl->u.mode.keys[i].text),
						  "list each key once");
					col = NULL;
					break;
				}
			}
			if (col)
				mp->merge_keys[mp->nmerge_keys++] = col->name;
		}
		if (cl->u.mode.order.text)
			check_merge_order(c, cl);
	}
}

/* Mode rules that depend on the target: run after target and partitions. */
void check_mode_target(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;

	if (!c->target_clause || !cl)
		return;
	if (mp->mode == MM_MERGE && mp->target.kind == MT_PARQUET) {
		diag_help(diag_error(c->ds, c->src, cl->span, "a parquet target cannot merge"),
			  "use an iceberg or s3tables target for upserts, or 'mode append', "
			  "'overwrite' or 'replace'");
	} else if (mp->mode == MM_OVERWRITE && mp->target.kind == MT_REDSHIFT) {
		diag_help(diag_error(c->ds, c->src, cl->span,
				     "a redshift target does not support 'mode overwrite'"),
			  "redshift targets support 'append', 'merge' and 'replace'");
	} else if (mp->mode == MM_OVERWRITE && !mp->npartitions) {
		diag_help(diag_error(c->ds, c->src, cl->span,
				     "'mode overwrite' replaces only the partitions present, but the "
				     "target is not partitioned"),
			  "use 'mode replace' for a full refresh");
	}
}

/* ISO-8601 date or timestamp: YYYY-MM-DD[(T| )HH:MM[:SS[.fff]][Z|±HH:MM]] */
static bool iso_datetime(const char *s, bool *has_time)
{
	int y, mo, d, h, mi, n = 0;

	*has_time = false;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1)
		return false;
	s += 10;
	if (!*s)
		return true;
	if (*s != 'T' && *s != ' ')
		return false;
	s++;
	if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5 || h > 23 || mi > 59)
		return false;
	*has_time = true;
	s += 5;
	if (*s == ':') {
		if (!isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
		    (s[1] - '0') * 10 + (s[2] - '0') > 60)
			return false;
		s += 3;
		if (*s == '.') {
			s++;
			if (!isdigit((unsigned char)*s))
				return false;
			while (isdigit((unsigned char)*s))
				s++;
		}
	}
	if (*s == 'Z')
		return s[1] == '\0';
	if (*s == '+' || *s == '-')
		return isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) && s[3] == ':' &&
		       isdigit((unsigned char)s[4]) && isdigit((unsigned char)s[5]) && !s[6];
	return *s == '\0';
}

static bool is_integer_type(enum model_type t)
{
	return t == MT_TINYINT || t == MT_SMALLINT || t == MT_INT || t == MT_BIGINT;
}

/* The lag of a watermark: a duration for date and timestamp columns, a
 * plain number for integer ones; a partition watermark takes a lag only on
 * a date column, the one kind whose partitions the job can count back. */
static bool check_lag(struct check_ctx *c, const struct ast_clause *cl,
		      const struct model_column *col)
{
	const struct ast_duration *lag = cl->u.incremental.lag;
	bool integer = is_integer_type(col->type);
	struct model_pipeline *mp = c->mp;

	if (lag->overflow) {
		diag_help(diag_error(c->ds, c->src, lag->span, "lag is too large"),
			  integer ? "write a lag like '100'" : "write a lag like '15m' or '1d'");
		return false;
	}
	if (lag->unitless && lag->seconds < 0) {
		diag_help(diag_error(c->ds, c->src, lag->span,
				     "lag '%s' is not a whole number", lag->text),
			  "write how many values to read again, like 'lag 100'");
		return false;
	}
	if (lag->unitless && !integer) {
		diag_help(diag_error(c->ds, c->src, lag->span,
				     "a lag of %s column '%s' needs a unit", col->spark_type,
				     col->name),
			  "write a duration, like '%s'", col->type == MT_DATE ? "lag 1d" : "lag 15m");
		return false;
	}
	if (!lag->unitless && integer) {
		diag_help(diag_error(c->ds, c->src, lag->span,
				     "a time lag cannot apply to integer column '%s'", col->name),
			  "write the lag as a number of values, like 'lag 100'");
		return false;
	}
	if (cl->u.incremental.kind == AST_INCR_PARTITION && lag->seconds > 0 &&
	    col->type != MT_DATE) {
		diag_help(diag_error(c->ds, c->src, lag->span,
				     "a partition watermark on %s column '%s' cannot take a lag",
				     col->spark_type, col->name),
			  "only date partition columns can be counted back; remove the lag, or "
			  "declare '%s' as a date", col->name);
		return false;
	}
	mp->incremental.lag_seconds = lag->seconds;
	if (lag->seconds > 0 && mp->mode == MM_APPEND)
		diag_help(diag_warning(c->ds, c->src, lag->span,
				       "a lag with 'mode append' appends the rows of the lag "
				       "window again on every run"),
			  "use 'mode merge on KEY' so re-read rows replace themselves, or "
			  "remove the lag");
	return true;
}

/* incremental by [partition] COL [lag L] [initial "…"] | incremental new files */
void check_incremental(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;
	struct model_incremental_spec *inc = &mp->incremental;
	const struct model_column *col = NULL;

	inc->span = cl->span;
	switch (cl->u.incremental.kind) {
	case AST_INCR_NEW_FILES:
		inc->kind = MI_NEW_FILES;
		if (c->source_clause && mp->source.kind != MS_S3 && mp->source.kind != MS_FILE)
			diag_help(diag_error(c->ds, c->src, cl->span,
					     "'incremental new files' needs an s3 or file source, "
					     "not %s", model_source_kind_name(mp->source.kind)),
				  "use 'incremental by COLUMN' to read only new rows");
		return;
	case AST_INCR_PARTITION:
		inc->kind = MI_PARTITION;
		if (c->source_clause && mp->source.kind != MS_TABLE)
			diag_help(diag_error(c->ds, c->src, cl->span,
					     "'incremental by partition' needs a table source, not %s",
					     model_source_kind_name(mp->source.kind)),
				  "partition predicates are pushed down to catalog tables only; use "
				  "'incremental by COLUMN'");
		col = check_ctx_column_ref(c, &cl->u.incremental.column, "partition column");
		break;
	case AST_INCR_COLUMN:
		inc->kind = MI_WATERMARK;
		if (c->source_clause && mp->source.kind == MS_DYNAMODB) {
			diag_help(diag_error(c->ds, c->src, cl->span,
					     "a dynamodb source cannot be read incrementally by column"),
				  "DynamoDB exports and scans read the whole table; remove "
				  "'incremental' or use 'mode merge' to upsert");
			return;
		}
		col = check_ctx_column_ref(c, &cl->u.incremental.column, "watermark column");
		if (col && !col->orderable) {
			diag_help(diag_error(c->ds, c->src, cl->u.incremental.column.span,
					     "watermark column '%s' has type %s, which is not orderable",
					     col->name, col->spark_type),
				  "use a timestamp, date or integer column");
			col = NULL;
		}
		break;
	}
	if (!col)
		return;
	if (col->derived_sql || col->joined) {
		struct diag *d = diag_error(c->ds, c->src, cl->u.incremental.column.span,
					    col->joined ? "'%s' is a joined column: the source has no such column to read from"
							: "'%s' is a derived column: the source has no such column to read from",
					    col->name);

		diag_help(d, "an incremental read filters the source: use a column read from it");
		return;
	}
	inc->column = col->name;
	inc->source_column = col->source_field;
	if (cl->u.incremental.lag && !check_lag(c, cl, col))
		return;
	if (!col->required) {
		struct diag *d = diag_warning(c->ds, c->src, col->span,
					      "watermark column '%s' is not 'required': rows where it "
					      "is null are never read by a later run", col->name);

		diag_note(d, c->src, cl->u.incremental.column.span, "the watermark is set here");
		diag_help(d, "'%s > x' is never true for null: make '%s' 'required' (the "
			  "job then drops and counts such rows) or use a non-null column",
			  col->name, col->name);
	}
	if (cl->u.incremental.initial) {
		const char *v = check_ctx_string(c, cl->u.incremental.initial);
		bool has_time;

		if (!v)
			return;
		if (is_integer_type(col->type)) {
			char *end;

			(void)strtoll(v, &end, 10);
			if (!*v || *end)
				diag_help(diag_error(c->ds, c->src, cl->u.incremental.initial->span,
						     "initial value '%s' is not an integer", v),
					  "'%s' is %s: write a whole number like \"0\"", col->name,
					  col->spark_type);
			else
				inc->initial = v;
		} else if (!iso_datetime(v, &has_time) || (col->type == MT_DATE && has_time)) {
			diag_help(diag_error(c->ds, c->src, cl->u.incremental.initial->span,
					     "initial value '%s' is not an ISO-8601 %s", v,
					     col->type == MT_DATE ? "date" : "date or timestamp"),
				  col->type == MT_DATE ? "write a date like \"2024-01-01\""
						       : "write a timestamp like \"2024-01-01T00:00:00Z\"");
		} else {
			inc->initial = v;
		}
	}
}

/* The partition field a slice would cut: one derived from the watermark
 * column if any, else the first. */
static const struct model_partition *cut_field(const struct model_pipeline *mp)
{
	size_t i;

	for (i = 0; i < mp->npartitions; i++)
		if (mp->partitions[i].column && !strcmp(mp->partitions[i].column,
							mp->incremental.column))
			return &mp->partitions[i];
	return &mp->partitions[0];
}

static bool identity_partition(const struct model_pipeline *mp, const char *col)
{
	size_t i;

	for (i = 0; i < mp->npartitions; i++)
		if (mp->partitions[i].transform == MP_IDENTITY && mp->partitions[i].column &&
		    !strcmp(mp->partitions[i].column, col))
			return true;
	return false;
}

/*
 * Write mode x incremental read.  append and merge only add or upsert the
 * rows read, so every read is safe.  replace deletes every row it did not
 * read.  overwrite replaces each partition present in the rows read, which
 * is safe only when each such partition was read whole: without an
 * incremental read, or when the watermark column is itself an identity
 * partition field (the predicate then takes or leaves whole partitions).
 * Bookmarks read new files, never whole partitions.
 */
void check_mode_incremental(struct check_ctx *c, const struct ast_clause *mode_cl,
			    const struct ast_clause *incr_cl)
{
	const struct model_pipeline *mp = c->mp;
	const struct model_incremental_spec *in = &mp->incremental;
	const struct model_partition *cut;
	struct diag *d;

	if (!mode_cl || !incr_cl || in->kind == MI_NONE)
		return;
	if (mp->mode == MM_REPLACE) {
		d = diag_error(c->ds, c->src, incr_cl->span,
			       "'mode replace' with an incremental read deletes every row this "
			       "run does not read");
		diag_note(d, c->src, mode_cl->span, "the full refresh is set here");
		diag_help(d, "use 'mode merge on KEY' or 'mode append', or remove 'incremental' "
			  "so each run reads everything");
		return;
	}
	if (mp->mode != MM_OVERWRITE || !mp->npartitions)
		return;
	if (in->kind == MI_NEW_FILES) {
		d = diag_error(c->ds, c->src, incr_cl->span,
			       "'mode overwrite' with 'incremental new files' replaces each "
			       "partition with the rows of its new files only");
		diag_note(d, c->src, mode_cl->span, "partitions are overwritten here");
		diag_help(d, "a late file would erase the rows loaded before it; use 'mode "
			  "append' or 'mode merge on KEY'");
		return;
	}
	if (!in->column || identity_partition(mp, in->column))
		return;
	cut = cut_field(mp);
	d = diag_error(c->ds, c->src, incr_cl->span,
		       "'mode overwrite' would replace partition '%s' with the rows past the "
		       "watermark only", cut->spark_expr);
	diag_note(d, c->src, cut->span, "a partition of '%s' holds rows read by earlier runs",
		  cut->spark_expr);
	diag_help(d, "partition the target by '%s' itself so each partition is read whole, "
		  "or use 'mode merge on KEY'", in->column);
}

/* dedupe on KEYS [order by COLUMN [asc|desc]] (after check_mode) */
void check_dedupe(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;
	const struct ast_name *o = &cl->u.mode.order, *dir = &cl->u.mode.direction;
	const struct model_column *col;
	size_t i, j;

	if (mp->mode == MM_MERGE) {
		diag_help(diag_error(c->ds, c->src, cl->kw_span,
				     "'dedupe' with 'mode merge': the merge already keeps one row per key"),
			  "remove it, and write 'mode merge on KEY order by COLUMN' to say which row wins");
		return;
	}
	mp->dedupe_keys = arena_array(c->a, cl->u.mode.nkeys + 1, sizeof(*mp->dedupe_keys));
	for (i = 0; i < cl->u.mode.nkeys; i++) {
		if (!(col = check_ctx_column_ref(c, &cl->u.mode.keys[i], "dedupe key")))
			continue;
		for (j = 0; j < mp->ndedupe_keys && strcmp(mp->dedupe_keys[j], col->name); j++)
			;
		if (j < mp->ndedupe_keys) {
			diag_help(diag_error(c->ds, c->src, cl->u.mode.keys[i].span,
					     "dedupe key '%s' is listed twice", col->name),
				  "list each key once");
			continue;
		}
		mp->dedupe_keys[mp->ndedupe_keys++] = col->name;
	}
	if (!o->text)
		return;
	if (dir->text && strcmp(dir->text, "desc") && strcmp(dir->text, "asc"))
		diag_help(diag_error(c->ds, c->src, dir->span, "unknown order '%s'", dir->text),
			  "write 'desc' (the greatest value wins, the default) or 'asc' (the smallest)");
	col = order_column(c, o, mp->dedupe_keys, mp->ndedupe_keys, "dedupe order column", "a key");
	if (!col)
		return;
	mp->dedupe_by = col->name;
	mp->dedupe_smallest = dir->text && !strcmp(dir->text, "asc");
}

/* The writes an aggregate allows (after check_mode_target): every run
 * computes whole groups from its whole input, so a write must replace or
 * upsert groups, never add them again or read a part of them. */
void check_aggregate_mode(struct check_ctx *c, const struct ast_clause *agg_cl,
			  const struct ast_clause *mode_cl, const struct ast_clause *incr_cl)
{
	struct model_pipeline *mp = c->mp;
	size_t i, j;

	if (incr_cl)
		diag_help(diag_error(c->ds, c->src, incr_cl->kw_span,
				     "'incremental' with 'aggregate': a run would read only part "
				     "of each group"),
			  "remove 'incremental': an aggregate reads its whole input every run, "
			  "so each group's values are computed from all of its rows");
	if (mp->mode == MM_APPEND && mode_cl && strcmp(mode_cl->u.mode.mode.text, "append"))
		return;		/* an unknown mode, reported by check_mode */
	if (mp->mode == MM_APPEND) {
		struct diag *d = diag_error(c->ds, c->src, mode_cl ? mode_cl->span : agg_cl->kw_span,
					    "%s with 'aggregate': every run would add each group "
					    "again", mode_cl ? "'mode append'" : "the default 'mode append'");

		if (mp->ngroup_keys)
			diag_help(d, "write 'mode replace' (the whole table), 'mode overwrite' (a "
				  "target partitioned by group keys) or 'mode merge on' the group keys");
		else
			diag_help(d, "write 'mode replace': a whole-table aggregate replaces its one row");
		return;
	}
	if (mp->mode == MM_MERGE) {
		bool same = mp->nmerge_keys == mp->ngroup_keys;

		for (i = 0; same && i < mp->nmerge_keys; i++) {
			for (j = 0; j < mp->ngroup_keys && strcmp(mp->merge_keys[i], mp->group_keys[j]);
			     j++)
				;
			same = j < mp->ngroup_keys;
		}
		if (!same && mode_cl && mode_cl->u.mode.nkeys == mp->nmerge_keys)
			diag_help(diag_error(c->ds, c->src, mode_cl->u.mode.on_span,
					     "the merge keys of an aggregate are its group keys"),
				  mp->ngroup_keys ? "write 'mode merge on' the keys of 'aggregate by': "
				  "one row per group is upserted"
				  : "a whole-table aggregate has no keys: write 'mode replace'");
	}
	for (i = 0; mp->mode == MM_OVERWRITE && i < mp->npartitions; i++) {
		for (j = 0; j < mp->ngroup_keys &&
			    strcmp(mp->partitions[i].column, mp->group_keys[j]); j++)
			;
		if (j == mp->ngroup_keys)
			diag_help(diag_error(c->ds, c->src, mp->partitions[i].span,
					     "'mode overwrite' of an aggregate partitioned by '%s', "
					     "which is not a group key", mp->partitions[i].column),
				  "partition by group keys, so that a group always lands in the "
				  "partition it replaces; or use 'mode replace'");
	}
}
