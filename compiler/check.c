#include "check.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check_glue.h"
#include "project.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"

/* ---- shared helpers ---- */

int check_word_index(const char *word, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(word, words[i]))
			return (int)i;
	return -1;
}

void check_join_words(struct strbuf *sb, const char *const *words, size_t n, const char *last)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(sb, i + 1 == n && last ? last : ", ");
		strbuf_addstr(sb, words[i]);
	}
}

struct diag *check_unknown(struct check_ctx *c, struct span span, const char *what,
			   const char *word, const char *const *known, size_t n)
{
	struct diag *d = diag_error(c->ds, c->src, span, "unknown %s '%s'", what, word);
	const char *close = diag_closest(word, known, n);
	struct strbuf sb = STRBUF_INIT;

	check_join_words(&sb, known, n, " or ");
	if (close)
		diag_help(d, "did you mean '%s'?", close);
	else
		diag_help(d, "expected %s", sb.buf);
	strbuf_release(&sb);
	return d;
}

static bool has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

bool check_is_identifier(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static const char *const builtin_vars[] = { "env", "region", "account", "project" };

bool check_is_builtin_variable(const char *s)
{
	return check_word_index(s, builtin_vars, 4) >= 0;
}

const char *check_bucket_name_problem(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 3 || n > 63)
		return "bucket names are 3 to 63 characters long";
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.')
			return "bucket names use lowercase letters, digits, '.' and '-'";
	if (!isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return "bucket names start and end with a letter or digit";
	if (strstr(s, ".."))
		return "bucket names cannot contain '..'";
	return NULL;
}

const char *check_s3_url_problem(const char *s)
{
	const char *b, *slash;
	char bucket[64];
	size_t n;

	if (strncmp(s, "s3://", 5))
		return "it must start with 's3://'";
	b = s + 5;
	slash = strchr(b, '/');
	n = slash ? (size_t)(slash - b) : strlen(b);
	if (!n)
		return "the bucket name is missing";
	if (n >= sizeof(bucket))
		return "bucket names are 3 to 63 characters long";
	memcpy(bucket, b, n);
	bucket[n] = '\0';
	if (check_bucket_name_problem(bucket))
		return check_bucket_name_problem(bucket);
	if (slash && strstr(slash, "//"))
		return "the key prefix contains an empty segment ('//')";
	return NULL;
}

const char *check_s3_location(struct check_ctx *c, const struct ast_string *s, const char *what)
{
	const char *v = check_string(c, s), *why;

	if (!v)
		return NULL;
	why = check_s3_url_problem(v);
	if (why) {
		diag_help(diag_error(c->ds, c->src, s->span, "%s '%s' is not a valid S3 location: %s",
				     what, v, why),
			  "write s3://BUCKET/PREFIX/");
		return NULL;
	}
	return v;
}

static void variable_names(struct check_ctx *c, const char **names, size_t *n)
{
	size_t i;

	*n = 0;
	for (i = 0; i < 4; i++)
		names[(*n)++] = builtin_vars[i];
	for (i = 0; i < c->cfg->env.variables.count && *n < 256; i++)
		names[(*n)++] = c->cfg->env.variables.items[i].key;
}

static const char *variable_value(struct check_ctx *c, const char *name, bool *builtin_unset)
{
	const struct model_env *e = &c->cfg->env;
	const char *v;

	*builtin_unset = false;
	if (!strcmp(name, "env"))
		return e->name;
	if (!strcmp(name, "project"))
		return c->cfg->project;
	if (!strcmp(name, "region") || !strcmp(name, "account")) {
		v = name[0] == 'r' ? e->region : e->account;
		*builtin_unset = !v;
		return v;
	}
	return model_kv_get(&e->variables, name);
}

const char *check_string(struct check_ctx *c, const struct ast_string *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = true;
	size_t i;
	const char *out;

	for (i = 0; i < s->nparts; i++) {
		const struct ast_strpart *part = &s->parts[i];
		const char *v;
		bool unset;

		if (!part->is_var) {
			strbuf_add(&sb, part->text, part->len);
			continue;
		}
		v = variable_value(c, part->text, &unset);
		if (v) {
			strbuf_addstr(&sb, v);
			continue;
		}
		ok = false;
		if (unset) {
			diag_help(diag_error(c->ds, c->src, part->span,
					     "'%s' is not set in environment '%s'", part->text,
					     c->cfg->env.name),
				  "set '%s:' for the environment in pipec.yaml", part->text);
		} else {
			const char *names[260];
			size_t n;
			struct strbuf known = STRBUF_INIT;
			struct diag *d = diag_error(c->ds, c->src, part->span,
						    "unknown variable '%s'", part->text);
			const char *close;

			variable_names(c, names, &n);
			close = diag_closest(part->text, names, n);
			check_join_words(&known, names, n, NULL);
			if (close)
				diag_help(d, "did you mean '%s'? (environment '%s' defines: %s)",
					  close, c->cfg->env.name, known.buf);
			else
				diag_help(d, "environment '%s' defines: %s", c->cfg->env.name,
					  known.buf);
			strbuf_release(&known);
		}
	}
	if (memchr(sb.buf, '\0', sb.len) && ok) {
		diag_help(diag_error(c->ds, c->src, s->span, "string contains a NUL character"),
			  "remove the \\u{0} escape");
		ok = false;
	}
	out = ok ? arena_strndup(c->a, sb.buf, sb.len) : NULL;
	strbuf_release(&sb);
	return out;
}

/* ---- settings blocks ---- */

int check_setting_key(struct check_ctx *c, const struct ast_setting *s,
		      const struct ast_setting *all, size_t idx, const char *where,
		      const char *const *known, size_t n)
{
	int k = check_word_index(s->key.text, known, n);
	size_t i;

	/* past the error limit nothing more is shown: skip the costly part of
	 * a block of a million bad settings */
	if (diag_limit_reached(c->ds, c->src))
		return -1;
	if (k < 0) {
		struct strbuf what = STRBUF_INIT;

		strbuf_addf(&what, "%s setting", where);
		check_unknown(c, s->key.span, what.buf, s->key.text, known, n);
		strbuf_release(&what);
		return -1;
	}
	for (i = 0; i < idx; i++) {
		if (!strcmp(all[i].key.text, s->key.text)) {
			struct diag *d = diag_error(c->ds, c->src, s->key.span,
						    "duplicate setting '%s'", s->key.text);
			diag_note(d, c->src, all[i].key.span, "first set here");
			diag_help(d, "keep one '%s'", s->key.text);
			return -1;
		}
	}
	return k;
}

bool check_setting_nargs(struct check_ctx *c, const struct ast_setting *s, size_t min,
			 size_t max, const char *usage, const char *const *known, size_t n)
{
	size_t i;

	if (s->nargs > max) {
		for (i = max; i < s->nargs; i++) {
			const struct ast_value *v = &s->args[i];

			if (v->kind == AST_VAL_NAME && v->u.name.nparts == 1 &&
			    check_word_index(v->u.name.parts[0].text, known, n) >= 0) {
				diag_help(diag_error(c->ds, c->src, v->span,
						     "'%s' looks like a separate setting",
						     v->u.name.parts[0].text),
					  "separate settings with a new line or ';'");
				return false;
			}
		}
		diag_help(diag_error(c->ds, c->src,
				     span_join(s->args[max].span, s->args[s->nargs - 1].span),
				     "too many values for '%s'", s->key.text),
			  "write: %s", usage);
		return false;
	}
	if (s->nargs < min) {
		diag_help(diag_error(c->ds, c->src, s->span, "'%s' needs a value", s->key.text),
			  "write: %s", usage);
		return false;
	}
	return true;
}

static const char *value_kind(const struct ast_value *v)
{
	switch (v->kind) {
	case AST_VAL_STRING:
		return "a string";
	case AST_VAL_NUMBER:
		return "a number";
	case AST_VAL_DURATION:
		return "a duration";
	case AST_VAL_NAME:
		return "a name";
	default:
		return "a list";
	}
}

const char *check_arg_string(struct check_ctx *c, const struct ast_setting *s, size_t i,
			     const char *usage)
{
	const struct ast_value *v = &s->args[i];

	if (v->kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' expects a quoted string, not %s",
				     s->key.text, value_kind(v)),
			  "write: %s", usage);
		return NULL;
	}
	return check_string(c, &v->u.str);
}

const char *check_arg_word(struct check_ctx *c, const struct ast_setting *s, size_t i,
			   const char *usage)
{
	const struct ast_value *v = &s->args[i];

	if (v->kind != AST_VAL_NAME || v->u.name.nparts != 1) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' expects a word, not %s",
				     s->key.text, value_kind(v)),
			  "write: %s", usage);
		return NULL;
	}
	return v->u.name.parts[0].text;
}

bool check_arg_int(struct check_ctx *c, const struct ast_setting *s, size_t i, long lo, long hi,
		   const char *usage, int *out)
{
	const struct ast_value *v = &s->args[i];

	if (v->kind != AST_VAL_NUMBER || !v->u.num.is_int) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' expects a whole number, not %s",
				     s->key.text, value_kind(v)),
			  "write: %s", usage);
		return false;
	}
	if (v->u.num.overflow || v->u.num.ival < lo || v->u.num.ival > hi) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' is out of range", s->key.text),
			  "'%s' must be between %ld and %ld", s->key.text, lo, hi);
		return false;
	}
	*out = (int)v->u.num.ival;
	return true;
}

bool check_no_block(struct check_ctx *c, const struct ast_setting *s)
{
	if (!s->has_block)
		return true;
	diag_help(diag_error(c->ds, c->src, s->block_span, "'%s' takes no block", s->key.text),
		  "remove the '{ ... }' after '%s'", s->key.text);
	return false;
}

const struct model_column *check_column_ref(struct check_ctx *c, const struct ast_name *n,
					    const char *what)
{
	const struct model_column *col = model_find_column(c->mp, n->text);
	const char **names;
	size_t i;
	struct diag *d;
	const char *close;

	if (col)
		return col;
	/* Declared with a type that did not resolve (reported there): the
	 * column exists, but nothing that depends on its type can be checked. */
	for (i = 0; c->columns_clause && i < c->columns_clause->u.columns.nitems; i++)
		if (!strcmp(c->columns_clause->u.columns.items[i].name.text, n->text))
			return NULL;
	names = arena_array(c->a, c->mp->ncolumns + 1, sizeof(*names));
	for (i = 0; i < c->mp->ncolumns; i++)
		names[i] = c->mp->columns[i].name;
	d = diag_error(c->ds, c->src, n->span, "%s '%s' is not a declared column", what, n->text);
	close = diag_closest(n->text, names, c->mp->ncolumns);
	if (close)
		diag_help(d, "did you mean '%s'?", close);
	else if (c->mp->ncolumns)
		diag_help(d, "declare it in 'columns { ... }'");
	else
		diag_help(d, "declare the pipeline's columns in 'columns { ... }'");
	return NULL;
}

/* ---- pipelines ---- */

struct pipe_ref {
	const struct ast_item *item;
	const struct ast_file *file;
	const struct ast_clause *schedule;	/* NULL: none in the pipeline */
	const struct file_defaults *defaults;
	bool syntax_errors;			/* it did not parse: names only */
	size_t errors;				/* errors reported while checking it */
};

static bool valid_pipeline_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

static const char *const mode_names[] = { "append", "merge", "overwrite", "replace" };

/* Types whose values Spark can compare, so that "the greatest wins" means
 * something: numbers, dates, timestamps and strings (byte order). */
static const bool order_types[MT_STRUCT + 1] = {
	[MT_STRING] = true, [MT_TINYINT] = true, [MT_SMALLINT] = true, [MT_INT] = true,
	[MT_BIGINT] = true, [MT_FLOAT] = true, [MT_DOUBLE] = true, [MT_DECIMAL] = true,
	[MT_DATE] = true, [MT_TIMESTAMP] = true,
};

/* mode merge on KEYS order by COLUMN [desc]: the column that picks the
 * newest of several source rows with one key. */
static void check_merge_order(struct check_ctx *c, const struct ast_clause *cl)
{
	const struct ast_name *o = &cl->u.mode.order, *dir = &cl->u.mode.direction;
	const struct model_column *col;
	size_t i;

	if (dir->text && strcmp(dir->text, "desc"))
		diag_help(diag_error(c->ds, c->src, dir->span,
				     "merge keeps the row with the greatest '%s': '%s' is not supported",
				     o->text, dir->text),
			  "remove '%s' (only 'desc', the default, may be written)", dir->text);
	col = check_column_ref(c, o, "merge order column");
	if (!col)
		return;
	if (!order_types[col->type]) {
		diag_help(diag_error(c->ds, c->src, o->span,
				     "merge order column '%s' has type '%s', which cannot be ordered",
				     o->text, col->spark_type),
			  "order by a timestamp, date, number or string column");
		return;
	}
	for (i = 0; i < c->mp->nmerge_keys; i++) {
		if (!strcmp(c->mp->merge_keys[i], col->name)) {
			diag_help(diag_error(c->ds, c->src, o->span,
					     "merge order column '%s' is a merge key", o->text),
				  "order by a column that tells versions of a row apart, like an update time");
			return;
		}
	}
	c->mp->merge_order_column = col->name;
}

static void check_mode(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;
	int m = check_word_index(cl->u.mode.mode.text, mode_names, 4);
	size_t i;

	if (m < 0) {
		check_unknown(c, cl->u.mode.mode.span, "mode", cl->u.mode.mode.text, mode_names, 4);
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
				check_column_ref(c, &cl->u.mode.keys[i], "merge key");
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
static void check_mode_target(struct check_ctx *c, const struct ast_clause *cl)
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

static void check_incremental(struct check_ctx *c, const struct ast_clause *cl)
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
		col = check_column_ref(c, &cl->u.incremental.column, "partition column");
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
		col = check_column_ref(c, &cl->u.incremental.column, "watermark column");
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
	inc->column = col->name;
	inc->source_column = col->source_field;
	if (cl->u.incremental.lag) {
		const struct ast_duration *lag = cl->u.incremental.lag;

		if (lag->overflow) {
			diag_help(diag_error(c->ds, c->src, lag->span, "lag is too large"),
				  "write a lag like '15m' or '1d'");
			return;
		}
		inc->lag_seconds = lag->seconds;
		if (lag->seconds > 0 && mp->mode == MM_APPEND)
			diag_help(diag_warning(c->ds, c->src, lag->span,
					       "a lag with 'mode append' appends the rows of the lag "
					       "window again on every run"),
				  "use 'mode merge on KEY' so re-read rows replace themselves, or "
				  "remove the lag");
	}
	if (cl->u.incremental.initial) {
		const char *v = check_string(c, cl->u.incremental.initial);
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

/* A file's defaults { }, checked once; clauses with errors are not applied. */
struct file_defaults {
	const struct ast_item *item;
	bool bad[AST_JOB + 1];
};

static void check_defaults_item(struct check_ctx *c, const struct ast_item *it,
				struct file_defaults *fd)
{
	struct model_pipeline dummy;
	size_t i, j;

	memset(&dummy, 0, sizeof(dummy));
	dummy.name = "defaults";
	dummy.validation.fail_on_error = true;
	c->mp = &dummy;
	c->source_clause = c->target_clause = NULL;
	fd->item = it;
	for (i = 0; i < it->nclauses; i++) {
		const struct ast_clause *cl = &it->clauses[i];
		size_t before = c->ds->nerrors;

		if (cl->kind != AST_JOB && cl->kind != AST_SCHEDULE && cl->kind != AST_VALIDATE) {
			diag_help(diag_error(c->ds, c->src, cl->kw_span,
					     "'%s' cannot be set in defaults",
					     ast_clause_keyword(cl->kind)),
				  "defaults may hold job, schedule and validate { on failure ...; "
				  "sample N }; write '%s' in each pipeline",
				  ast_clause_keyword(cl->kind));
			continue;
		}
		for (j = 0; j < i; j++) {
			if (it->clauses[j].kind == cl->kind) {
				struct diag *d = diag_error(c->ds, c->src, cl->kw_span,
							    "duplicate '%s' in defaults",
							    ast_clause_keyword(cl->kind));
				diag_note(d, c->src, it->clauses[j].kw_span, "first written here");
				diag_help(d, "merge them into one '%s' clause",
					  ast_clause_keyword(cl->kind));
				break;
			}
		}
		if (j < i)
			continue;
		if (cl->kind == AST_VALIDATE)
			check_validate(c, cl, true);
		else if (cl->kind == AST_SCHEDULE)
			check_schedule(c, cl);
		else
			check_job(c, cl);
		fd->bad[cl->kind] = c->ds->nerrors > before;
	}
	c->mp = NULL;
}

static const struct ast_clause *defaults_clause(const struct file_defaults *d,
					       enum ast_clause_kind k)
{
	size_t i;

	if (!d || !d->item || d->bad[k])
		return NULL;
	for (i = 0; i < d->item->nclauses; i++)
		if (d->item->clauses[i].kind == k)
			return &d->item->clauses[i];
	return NULL;
}

#define NKINDS (AST_JOB + 1)

static void check_pipeline(struct check_ctx *c, struct pipe_ref *r, struct model_pipeline *mp)
{
	const struct ast_item *it = r->item;
	const struct ast_clause *first[NKINDS];
	const struct ast_clause *job_default;
	size_t i;

	memset(first, 0, sizeof(first));
	c->mp = mp;
	c->source_clause = c->target_clause = c->columns_clause = NULL;
	mp->name = it->name.text;
	mp->file = r->file->src->path;
	mp->src = r->file->src;
	mp->span = it->name.span;
	mp->mode = MM_APPEND;
	mp->validation.fail_on_error = true;

	for (i = 0; i < it->nclauses; i++) {
		const struct ast_clause *cl = &it->clauses[i];

		if (first[cl->kind]) {
			struct diag *d = diag_error(c->ds, c->src, cl->kw_span, "duplicate '%s' clause",
						    ast_clause_keyword(cl->kind));
			diag_note(d, c->src, first[cl->kind]->kw_span, "first written here");
			diag_help(d, "a pipeline has one '%s'; remove or merge the other",
				  ast_clause_keyword(cl->kind));
			continue;
		}
		first[cl->kind] = cl;
	}
	if (first[AST_DESCRIPTION]) {
		mp->description = check_string(c, &first[AST_DESCRIPTION]->u.description);
		if (mp->description && strlen(mp->description) > 2048)
			diag_help(diag_error(c->ds, c->src, first[AST_DESCRIPTION]->span,
					     "description is too long (%zu characters)",
					     strlen(mp->description)),
				  "Glue job descriptions are at most 2048 characters");
	}
	if (!first[AST_SOURCE])
		diag_help(diag_error(c->ds, c->src, it->name.span, "pipeline '%s' has no source",
				     mp->name),
			  "add a source, like: source s3 \"s3://bucket/path/\" { format parquet }");
	if (!first[AST_TARGET])
		diag_help(diag_error(c->ds, c->src, it->name.span, "pipeline '%s' has no target",
				     mp->name),
			  "add a target, like: target s3tables namespace.table");
	if (!first[AST_COLUMNS])
		diag_help(diag_error(c->ds, c->src, it->name.span,
				     "pipeline '%s' declares no columns", mp->name),
			  "the schema is declared, not crawled: add 'columns { name type ... }'");

	c->source_clause = first[AST_SOURCE];
	c->target_clause = first[AST_TARGET];
	c->columns_clause = first[AST_COLUMNS];
	if (first[AST_COLUMNS])
		check_columns(c, first[AST_COLUMNS]);
	if (first[AST_SOURCE])
		check_source(c, first[AST_SOURCE]);
	if (first[AST_TARGET])
		check_target(c, first[AST_TARGET]);
	if (first[AST_CREATE_IF_MISSING]) {
		mp->target.create_if_missing = true;
		mp->target.create_span = first[AST_CREATE_IF_MISSING]->span;
	}
	if (first[AST_PARTITION_BY])
		check_partitions(c, first[AST_PARTITION_BY]);
	if (first[AST_MODE])
		check_mode(c, first[AST_MODE]);
	check_mode_target(c, first[AST_MODE]);
	if (first[AST_INCREMENTAL])
		check_incremental(c, first[AST_INCREMENTAL]);

	/* Schedule: the pipeline's, else the file's default, else on demand. */
	mp->schedule.kind = MSCH_ON_DEMAND;
	r->schedule = first[AST_SCHEDULE] ? first[AST_SCHEDULE]
					  : defaults_clause(r->defaults, AST_SCHEDULE);
	if (r->schedule)
		check_schedule(c, r->schedule);

	if (defaults_clause(r->defaults, AST_VALIDATE))
		check_validate(c, defaults_clause(r->defaults, AST_VALIDATE), true);
	if (first[AST_VALIDATE])
		check_validate(c, first[AST_VALIDATE], false);

	check_job_defaults(c);
	job_default = defaults_clause(r->defaults, AST_JOB);
	if (job_default)
		check_job(c, job_default);
	if (first[AST_JOB])
		check_job(c, first[AST_JOB]);
	check_job_finish(c);
}

static int cmp_ref(const void *a, const void *b)
{
	const struct pipe_ref *x = a, *y = b;
	int r = strcmp(x->item->name.text, y->item->name.text);

	if (r)
		return r;
	return x->file->src->index - y->file->src->index;
}

/* Dependencies: `after` names resolve, no pipeline waits for itself, no cycles. */
static void check_dependencies(struct project *p, struct check_ctx *c, struct pipe_ref *refs,
			       size_t n)
{
	struct model_project *m = &p->model;
	const char **names = xcalloc(n + 1, sizeof(*names));
	int *state = xcalloc(n + 1, sizeof(*state));
	size_t *stack = xcalloc(n + 1, sizeof(*stack));
	size_t *edge = xcalloc(n + 1, sizeof(*edge));
	size_t i, j;

	for (i = 0; i < n; i++)
		names[i] = m->pipelines[i].name;
	for (i = 0; i < n; i++) {
		const struct ast_clause *s = refs[i].schedule;

		if (!s || s->u.schedule.kind != AST_SCHED_AFTER)
			continue;
		c->src = refs[i].file->src;
		for (j = 0; j < s->u.schedule.nafter; j++) {
			const struct ast_name *a = &s->u.schedule.after[j];
			size_t k;
			bool found = false;

			for (k = 0; k < n && !found; k++)
				found = !strcmp(names[k], a->text);
			if (!strcmp(a->text, names[i])) {
				diag_help(diag_error(c->ds, c->src, a->span,
						     "pipeline '%s' cannot run after itself", a->text),
					  "name the upstream pipeline it waits for");
				refs[i].errors++;
			} else if (!found) {
				struct diag *d = diag_error(c->ds, c->src, a->span,
							    "unknown pipeline '%s'", a->text);
				const char *close = diag_closest(a->text, names, n);

				if (close)
					diag_help(d, "did you mean '%s'?", close);
				else
					diag_help(d, "'after' names a pipeline defined in the project");
				refs[i].errors++;
			}
		}
	}
	/* Depth-first search over `after` edges; a grey node reached again closes a cycle. */
	for (i = 0; i < n; i++) {
		size_t depth = 0;

		if (state[i])
			continue;
		stack[depth] = i;
		edge[depth] = 0;
		state[i] = 1;
		depth = 1;
		while (depth) {
			size_t v = stack[depth - 1];
			const struct model_schedule *s = &m->pipelines[v].schedule;
			size_t w = n;

			if (s->kind == MSCH_AFTER && edge[depth - 1] < s->nafter) {
				const char *up = s->after[edge[depth - 1]++];

				for (w = 0; w < n && strcmp(names[w], up); w++)
					;
			} else {
				state[v] = 2;
				depth--;
				continue;
			}
			if (w >= n || w == v)
				continue;
			if (state[w] == 1) {
				struct strbuf path = STRBUF_INIT;
				size_t k, from = 0;
				const struct ast_name *at = NULL;
				const struct ast_clause *sc = refs[v].schedule;

				while (stack[from] != w)
					from++;
				strbuf_addf(&path, "%s", names[w]);
				for (k = depth; k-- > from;)
					strbuf_addf(&path, " -> %s", names[stack[k]]);
				for (k = 0; sc && k < sc->u.schedule.nafter; k++)
					if (!strcmp(sc->u.schedule.after[k].text, names[w]))
						at = &sc->u.schedule.after[k];
				c->src = refs[v].file->src;
				diag_help(diag_error(c->ds, c->src, at ? at->span : refs[v].item->name.span,
						     "dependency cycle: %s", path.buf),
					  "'after' chains must not loop; remove one of these "
					  "dependencies");
				refs[v].errors++;
				strbuf_release(&path);
				continue;
			}
			if (state[w] == 0) {
				state[w] = 1;
				stack[depth] = w;
				edge[depth] = 0;
				depth++;
			}
		}
	}
	free(names);
	free(state);
	free(stack);
	free(edge);
}

static int cmp_diag_at(const void *a, const void *b)
{
	const struct diag *x = *(const struct diag *const *)a, *y = *(const struct diag *const *)b;

	if (x->src->index != y->src->index)
		return x->src->index < y->src->index ? -1 : 1;
	return x->span.start < y->span.start ? -1 : x->span.start > y->span.start;
}

/* The parser's errors, by file and offset (taken before any checking). */
static const struct diag **syntax_errors_sorted(const struct diag_set *ds, size_t *n)
{
	const struct diag **v = xcalloc(ds->count + 1, sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < ds->count; i++)
		if (ds->items[i]->severity == DIAG_ERROR && ds->items[i]->src)
			v[(*n)++] = ds->items[i];
	qsort(v, *n, sizeof(*v), cmp_diag_at);
	return v;
}

/* Which items of a file with syntax errors hold one: the other pipelines
 * are checked as usual.  An error outside every pipeline (in the defaults,
 * in an item the parser dropped, about the whole file) or a parse cut
 * short by the error limit leaves the whole file unchecked. */
static bool *broken_items(const struct diag_set *ds, const struct diag **errs, size_t nerrs,
			  const struct ast_file *f)
{
	bool *broken = xcalloc(f->nitems + 1, sizeof(*broken));
	bool all = diag_limit_reached(ds, f->src);
	size_t lo = 0, hi = nerrs, j;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (errs[mid]->src->index < f->src->index)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = 0; lo < nerrs && errs[lo]->src == f->src && !all; lo++) {
		const struct diag *d = errs[lo];

		if (!d->has_span) {
			all = true;
			break;
		}
		while (j < f->nitems && f->items[j].span.end < d->span.start)
			j++;
		if (j == f->nitems || f->items[j].kind != AST_PIPELINE ||
		    f->items[j].span.start > d->span.start)
			all = true;
		else
			broken[j] = true;
	}
	if (all)
		for (j = 0; j < f->nitems; j++)
			broken[j] = true;
	return broken;
}

size_t check_project(struct project *p, const struct config *cfg)
{
	struct check_ctx c;
	struct pipe_ref *refs = NULL;
	struct file_defaults *fds = xcalloc(p->nasts + 1, sizeof(*fds));
	size_t nrefs = 0, alloc = 0, i, j, start = p->diags.nerrors, nerrs;
	struct model_project *m = &p->model;
	const struct diag **errs;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.a = &p->arena;
	c.ds = &p->diags;
	c.cfg = cfg;
	m->name = cfg->project;
	m->root = cfg->root;
	m->env = cfg->env;
	p->have_model = true;

	errs = syntax_errors_sorted(c.ds, &nerrs);
	for (i = 0; i < p->nasts; i++) {
		const struct ast_file *f = &p->asts[i];
		const struct ast_item *defaults = NULL;
		struct file_defaults *fd = &fds[i];
		bool *broken = f->nsyntax_errors ? broken_items(c.ds, errs, nerrs, f) : NULL;

		c.src = f->src;
		for (j = 0; j < f->nitems; j++) {
			const struct ast_item *it = &f->items[j];

			if (it->kind != AST_DEFAULTS || (broken && broken[j]))
				continue;
			if (defaults) {
				struct diag *d = diag_error(c.ds, c.src, it->span,
							    "a file has one 'defaults' block");
				diag_note(d, c.src, defaults->span, "first defined here");
				diag_help(d, "merge the two blocks");
				continue;
			}
			defaults = it;
			check_defaults_item(&c, it, fd);
		}
		for (j = 0; j < f->nitems; j++) {
			const struct ast_item *it = &f->items[j];

			if (it->kind != AST_PIPELINE || !it->name.text)
				continue;
			XGROW(refs, alloc, nrefs + 1);
			memset(&refs[nrefs], 0, sizeof(refs[nrefs]));
			refs[nrefs].item = it;
			refs[nrefs].file = f;
			refs[nrefs].defaults = fd;
			refs[nrefs].syntax_errors = broken && broken[j];
			nrefs++;
		}
		free(broken);
	}
	free(errs);
	if (nrefs)
		qsort(refs, nrefs, sizeof(*refs), cmp_ref);

	/* Names: valid, unique across the project. */
	for (i = 0; i < nrefs; i++) {
		const struct ast_name *nm = &refs[i].item->name;

		c.src = refs[i].file->src;
		/* a non-ASCII name was already reported by the parser */
		if ((!valid_pipeline_name(nm->text) && !has_non_ascii(nm->text)) ||
		    strlen(nm->text) > 200) {
			diag_help(diag_error(c.ds, c.src, nm->span, "invalid pipeline name '%s'",
					     nm->text),
				  "pipeline names start with a letter and use letters, digits, '_' "
				  "and '-' (at most 200 characters)");
			refs[i].errors++;
		}
		if (i && !strcmp(refs[i - 1].item->name.text, nm->text)) {
			size_t k = i - 1;
			struct diag *d;

			while (k && !strcmp(refs[k - 1].item->name.text, nm->text))
				k--;
			d = diag_error(c.ds, c.src, nm->span, "pipeline '%s' is defined twice",
				       nm->text);
			diag_note(d, refs[k].file->src, refs[k].item->name.span, "first defined here");
			diag_help(d, "pipeline names are unique across the project; rename one");
			refs[i].errors++;
		}
	}

	m->pipelines = arena_array(c.a, nrefs + 1, sizeof(*m->pipelines));
	m->npipelines = nrefs;
	for (i = 0; i < nrefs; i++) {
		size_t before = p->diags.nerrors;

		c.src = refs[i].file->src;
		if (refs[i].syntax_errors) {
			/* Checking a half-parsed body would mostly report what the parser dropped. */
			m->pipelines[i].name = refs[i].item->name.text;
			m->pipelines[i].file = refs[i].file->src->path;
			m->pipelines[i].src = refs[i].file->src;
			m->pipelines[i].span = refs[i].item->name.span;
			refs[i].errors++;
			continue;
		}
		check_pipeline(&c, &refs[i], &m->pipelines[i]);
		refs[i].errors += p->diags.nerrors - before;
	}
	check_dependencies(p, &c, refs, nrefs);
	for (i = 0; i < nrefs; i++)
		if (!refs[i].errors)
			check_glue_derive(m, &m->pipelines[i], c.a);
	free(refs);
	free(fds);
	return p->diags.nerrors - start;
}
