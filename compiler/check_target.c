#include "check_target.h"

#include <ctype.h>
#include <string.h>

#include "check_ctx.h"
#include "config.h"
#include "escape.h"
#include "names.h"
#include "strbuf.h"

static const char *const target_kinds[] = { "s3tables", "iceberg", "parquet", "redshift" };

enum tkey { TK_BUCKET, TK_COMPRESSION, TK_STAGING, TK_IAM_ROLE, TK_PROJECTION, TK_COUNT };
static const char *const target_keys[TK_COUNT] = {
	"bucket", "compression", "staging", "iam_role", "projection",
};
static const char *const usage[TK_COUNT] = {
	"bucket \"table-bucket-name\"", "compression snappy|gzip|zstd|none",
	"staging \"s3://bucket/prefix/\"", "iam_role \"arn:aws:iam::ACCOUNT:role/NAME\"",
	"projection { COLUMN date \"2024-01-01\" | COLUMN integer MIN MAX | COLUMN enum \"a\", \"b\" }",
};
static const char *const example[] = {
	"target s3tables namespace.table",
	"target iceberg database.table at \"s3://bucket/prefix/\"",
	"target parquet \"s3://bucket/prefix/\" table database.table",
	"target redshift \"connection\" schema.table { staging \"s3://bucket/tmp/\" }",
};

static const char *article(const char *kind)
{
	return kind[0] == 's' || kind[0] == 'i' ? "an" : "a";
}

/* Every part of the Spark name is back-quoted: an unquoted part that is a
 * Spark SQL keyword (`lake.table`, `db.select`) fails to parse under the
 * ANSI keyword rules Glue 5.1's Spark applies, and quoting a plain name
 * changes nothing. */
static void spark_part(struct strbuf *sb, const char *s)
{
	escape_spark_ident(sb, s);
}

static void athena_part(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static bool has_upper(const char *s)
{
	for (; *s; s++)
		if (isupper((unsigned char)*s))
			return true;
	return false;
}

static const char *lower(struct check_ctx *c, const char *s)
{
	char *r = arena_strdup(c->a, s), *p;

	for (p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* The DATABASE.TABLE argument at index i (2 parts). */
static const struct ast_qname *table_arg(struct check_ctx *c, const struct ast_clause *cl,
					 size_t i, int kind)
{
	const struct ast_value *v;

	if (i >= cl->u.endpoint.nargs || cl->u.endpoint.args[i].kind != AST_VAL_NAME) {
		diag_help(diag_error(c->ds, c->src, cl->kw_span, "%s %s target needs a table name",
				     article(target_kinds[kind]), target_kinds[kind]),
			  "write: %s", example[kind]);
		return NULL;
	}
	v = &cl->u.endpoint.args[i];
	if (v->u.name.nparts != 2) {
		diag_help(diag_error(c->ds, c->src, v->span, "expected %s.TABLE, not '%s'",
				     kind == MT_S3TABLES ? "NAMESPACE"
							 : kind == MT_REDSHIFT ? "SCHEMA" : "DATABASE",
				     ast_qname_text(c->a, &v->u.name)),
			  "write: %s", example[kind]);
		return NULL;
	}
	return &v->u.name;
}

static bool is_word(const struct ast_value *v, const char *w)
{
	return v->kind == AST_VAL_NAME && v->u.name.nparts == 1 && !strcmp(v->u.name.parts[0].text, w);
}

static void bad_shape(struct check_ctx *c, const struct ast_clause *cl, int kind, size_t from)
{
	struct span sp = from < cl->u.endpoint.nargs ? cl->u.endpoint.args[from].span : cl->span;

	if (from < cl->u.endpoint.nargs)
		sp = span_join(sp, cl->u.endpoint.args[cl->u.endpoint.nargs - 1].span);
	diag_help(diag_error(c->ds, c->src, sp, "unexpected %s in %s %s target",
			     from < cl->u.endpoint.nargs ? "value" : "end", article(target_kinds[kind]),
			     target_kinds[kind]),
		  "write: %s", example[kind]);
}


/* A target clause as read, for the rules after its settings. */
struct target_read {
	const struct ast_qname *table;		/* DATABASE.TABLE, or NULL after an error */
	bool shape_ok;				/* the arguments have the kind's shape */
	const struct ast_setting *at[TK_COUNT];	/* each setting read, or NULL */
};

/* ---- the arguments after `target KIND`, per kind ---- */

/* target s3tables NAMESPACE.TABLE */
static void s3tables_args(struct check_ctx *c, const struct ast_clause *cl,
			  struct target_read *r)
{
	const struct ast_value *args = cl->u.endpoint.args;
	size_t nargs = cl->u.endpoint.nargs;

	r->table = table_arg(c, cl, 0, MT_S3TABLES);
	if (nargs >= 2 && is_word(&args[1], "at")) {
		diag_help(diag_error(c->ds, c->src, span_join(args[1].span, args[nargs - 1].span),
				     "an S3 Tables target has no location"),
			  "S3 Tables manages storage itself: remove 'at ...', or use an "
			  "iceberg target for a table in your own bucket");
		r->shape_ok = false;
	} else if (r->table && nargs > 1) {
		bad_shape(c, cl, MT_S3TABLES, 1);
		r->shape_ok = false;
	}
}

/* target iceberg DATABASE.TABLE at "s3://…" */
static void iceberg_args(struct check_ctx *c, const struct ast_clause *cl, struct target_read *r)
{
	const struct ast_value *args = cl->u.endpoint.args;
	size_t nargs = cl->u.endpoint.nargs;

	r->table = table_arg(c, cl, 0, MT_ICEBERG);
	if (!r->table) {
		r->shape_ok = false;
	} else if (nargs < 2) {
		diag_help(diag_error(c->ds, c->src, cl->span, "an iceberg target needs a location"),
			  "add at \"s3://bucket/prefix/\" (or use an s3tables target, "
			  "which needs none)");
		r->shape_ok = false;
	} else if (nargs != 3 || !is_word(&args[1], "at") || args[2].kind != AST_VAL_STRING) {
		bad_shape(c, cl, MT_ICEBERG, 1);
		r->shape_ok = false;
	} else {
		c->mp->target.location = check_ctx_s3_location(c, &args[2].u.str, "table location");
	}
}

/* target parquet "s3://…" table DATABASE.TABLE */
static void parquet_args(struct check_ctx *c, const struct ast_clause *cl, struct target_read *r)
{
	struct model_target *t = &c->mp->target;
	const struct ast_value *args = cl->u.endpoint.args;
	size_t nargs = cl->u.endpoint.nargs;

	if (nargs < 1 || args[0].kind != AST_VAL_STRING) {
		bad_shape(c, cl, MT_PARQUET, 0);
		r->shape_ok = false;
		return;
	}
	t->location = check_ctx_s3_location(c, &args[0].u.str, "table location");
	if (nargs < 3 || !is_word(&args[1], "table")) {
		diag_help(diag_error(c->ds, c->src, cl->span,
				     "a parquet target needs a catalog table"),
			  "write: %s", example[MT_PARQUET]);
		r->shape_ok = false;
	} else if (nargs > 3) {
		bad_shape(c, cl, MT_PARQUET, 3);
		r->shape_ok = false;
	} else {
		r->table = table_arg(c, cl, 2, MT_PARQUET);
	}
	t->compression = "snappy";
}

/* target redshift "CONNECTION" SCHEMA.TABLE */
static void redshift_args(struct check_ctx *c, const struct ast_clause *cl,
			  struct target_read *r)
{
	struct model_target *t = &c->mp->target;
	const struct ast_value *args = cl->u.endpoint.args;
	size_t nargs = cl->u.endpoint.nargs;

	if (nargs < 1 || args[0].kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, cl->kw_span,
				     "a redshift target needs a Glue connection"),
			  "write: %s", example[MT_REDSHIFT]);
		r->shape_ok = false;
		return;
	}
	t->connection = check_ctx_string(c, &args[0].u.str);
	t->connection_span = args[0].span;
	r->table = table_arg(c, cl, 1, MT_REDSHIFT);
	if (r->table && nargs > 2) {
		bad_shape(c, cl, MT_REDSHIFT, 2);
		r->shape_ok = false;
	}
}

/* ---- settings: one reader per key, each called once its key is accepted ---- */

static void read_bucket(struct check_ctx *c, const struct ast_setting *s, int k,
			struct model_target *t)
{
	const char *v, *why;

	if ((v = check_ctx_arg_string(c, s, 0, usage[k])) == NULL)
		return;
	why = names_bucket_problem(v);
	if (why)
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "invalid table bucket name '%s': %s", v, why),
			  "write the table bucket's name, not its ARN");
	else
		t->table_bucket = v;
}

static void read_compression(struct check_ctx *c, const struct ast_setting *s, int k,
			     struct model_target *t)
{
	static const char *const comp[] = { "snappy", "gzip", "zstd", "none" };
	const char *v;

	if ((v = check_ctx_arg_word(c, s, 0, usage[k])) == NULL)
		return;
	if (check_ctx_word_index(v, comp, 4) < 0)
		check_ctx_unknown(c, s->args[0].span, "compression", v, comp, 4);
	else
		t->compression = v;
}

static void read_staging(struct check_ctx *c, const struct ast_setting *s, int k,
			 struct model_target *t)
{
	if (s->args[0].kind != AST_VAL_STRING)
		check_ctx_arg_string(c, s, 0, usage[k]);
	else
		t->staging = check_ctx_s3_location(c, &s->args[0].u.str, "staging location");
}

static void read_iam_role(struct check_ctx *c, const struct ast_setting *s, int k,
			  struct model_target *t)
{
	const char *v;

	if ((v = check_ctx_arg_string(c, s, 0, usage[k])) == NULL)
		return;
	if (strncmp(v, "arn:aws", 7) || !strstr(v, ":iam::") || !strstr(v, ":role/"))
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "'%s' is not an IAM role ARN", v),
			  "write arn:aws:iam::ACCOUNT:role/NAME");
	else
		t->iam_role = v;
}

/* projection { COLUMN date "START" ["END"] | COLUMN integer MIN MAX |
 * COLUMN enum "v", ... }: one line per partition column; the columns are
 * checked against `partition by` later (check_target_projection). */
static const char *const projection_kinds[] = { "date", "integer", "enum" };

static bool projection_date(struct check_ctx *c, const struct ast_setting *s,
			    struct model_projection *p)
{
	const char *from, *to = "NOW";

	if (s->nargs < 2 || s->nargs > 3 || !(from = check_ctx_arg_string(c, s, 1, usage[TK_PROJECTION])) ||
	    (s->nargs == 3 && !(to = check_ctx_arg_string(c, s, 2, usage[TK_PROJECTION])))) {
		if (s->nargs < 2 || s->nargs > 3)
			diag_help(diag_error(c->ds, c->src, s->span,
					     "a date projection takes a first day and an optional last one"),
				  "write: %s date \"2024-01-01\" (up to NOW)", s->key.text);
		return false;
	}
	for (const char *v = from; v; v = v == from && strcmp(to, "NOW") ? to : NULL) {
		if (strlen(v) != 10 || v[4] != '-' || v[7] != '-') {
			diag_help(diag_error(c->ds, c->src, s->span, "'%s' is not a day", v),
				  "write days as \"YYYY-MM-DD\" (the last one may be \"NOW\")");
			return false;
		}
	}
	p->kind = MPJ_DATE;
	p->range = arena_printf(c->a, "%s,%s", from, to);
	return true;
}

static bool projection_integer(struct check_ctx *c, const struct ast_setting *s,
			       struct model_projection *p)
{
	const struct ast_value *a = s->args;

	if (s->nargs != 3 || a[1].kind != AST_VAL_NUMBER || a[2].kind != AST_VAL_NUMBER ||
	    !a[1].u.num.is_int || !a[2].u.num.is_int || a[1].u.num.overflow ||
	    a[2].u.num.overflow || a[1].u.num.ival > a[2].u.num.ival) {
		diag_help(diag_error(c->ds, c->src, s->span,
				     "an integer projection takes the smallest and the greatest value"),
			  "write: %s integer 0 23", s->key.text);
		return false;
	}
	p->kind = MPJ_INTEGER;
	p->range = arena_printf(c->a, "%s,%s", a[1].u.num.text, a[2].u.num.text);
	return true;
}

static bool projection_enum(struct check_ctx *c, const struct ast_setting *s,
			    struct model_projection *p)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	bool ok = s->nargs >= 2;

	for (i = 1; ok && i < s->nargs; i++) {
		const char *v = check_ctx_arg_string(c, s, i, usage[TK_PROJECTION]);

		if (!v || !*v || strchr(v, ',')) {
			if (v)
				diag_help(diag_error(c->ds, c->src, s->args[i].span,
						     "an enum projection value cannot be empty or hold ','"),
					  "Athena reads projection.COLUMN.values as a comma-separated list");
			ok = false;
			break;
		}
		strbuf_addf(&sb, "%s%s", i > 1 ? "," : "", v);
	}
	if (s->nargs < 2)
		diag_help(diag_error(c->ds, c->src, s->span, "an enum projection lists its values"),
			  "write: %s enum \"de\", \"fr\"", s->key.text);
	p->kind = MPJ_ENUM;
	p->values = ok ? arena_strdup(c->a, sb.buf) : NULL;
	strbuf_release(&sb);
	return ok;
}

static void read_projection(struct check_ctx *c, const struct ast_setting *s, int k,
			    struct model_target *t)
{
	size_t i, j;

	(void)k;
	t->projection_span = s->key.span;
	t->projections = arena_array(c->a, s->nblock + 1, sizeof(*t->projections));
	for (i = 0; i < s->nblock; i++) {
		const struct ast_setting *line = &s->block[i];
		struct model_projection *p = &t->projections[t->nprojections];
		const char *kind = line->nargs ? check_ctx_arg_word(c, line, 0, usage[k]) : NULL;
		int kk;

		for (j = 0; j < i && strcmp(s->block[j].key.text, line->key.text); j++)
			;
		if (j < i) {
			diag_help(diag_error(c->ds, c->src, line->key.span,
					     "column '%s' is projected twice", line->key.text),
				  "write one line per partition column");
			continue;
		}
		if (!line->nargs)
			diag_help(diag_error(c->ds, c->src, line->span, "'%s' needs a projection type",
					     line->key.text),
				  "write: %s date \"2024-01-01\", %s integer 0 23 or %s enum \"a\", \"b\"",
				  line->key.text, line->key.text, line->key.text);
		if (!kind || !check_ctx_no_block(c, line))
			continue;
		kk = check_ctx_word_index(kind, projection_kinds, 3);
		if (kk < 0) {
			check_ctx_unknown(c, line->args[0].span, "projection type", kind,
					  projection_kinds, 3);
			continue;
		}
		p->column = line->key.text;
		p->span = line->span;
		if ((kk == 0 && projection_date(c, line, p)) ||
		    (kk == 1 && projection_integer(c, line, p)) ||
		    (kk == 2 && projection_enum(c, line, p)))
			t->nprojections++;
	}
}

static void (*const read_setting[TK_COUNT])(struct check_ctx *c, const struct ast_setting *s,
					    int k, struct model_target *t) = {
	[TK_BUCKET] = read_bucket,
	[TK_COMPRESSION] = read_compression,
	[TK_STAGING] = read_staging,
	[TK_IAM_ROLE] = read_iam_role,
	[TK_PROJECTION] = read_projection,
};

/* ---- the rules after the settings, per kind ---- */

/* S3 Tables column names are lowercase. */
static void s3tables_columns(struct check_ctx *c)
{
	size_t j;

	for (j = 0; c->columns_clause && j < c->columns_clause->u.columns.nitems; j++) {
		const struct ast_column *col = &c->columns_clause->u.columns.items[j];

		if (has_upper(col->name.text))
			diag_help(diag_error(c->ds, c->src, col->name.span,
					     "S3 Tables column '%s' must be lowercase",
					     col->name.text),
				  "write '%s'%s", lower(c, col->name.text),
				  col->from ? ""
					    : arena_printf(c->a, " (with from \"%s\" to keep "
								"reading the source field)",
							   col->name.text));
	}
}

/* DATABASE.TABLE under an engine's naming rule; `first` and `second`
 * name the parts in messages. */
static void table_names(struct check_ctx *c, const struct ast_qname *q, enum names_engine e,
			const char *first, const char *second)
{
	check_ctx_engine_name(c->ds, c->src, q->parts[0].span, e, first, q->parts[0].text);
	check_ctx_engine_name(c->ds, c->src, q->parts[1].span, e, second, q->parts[1].text);
}

/* The table bucket (the target's, else the environment's) and its ARN. */
static void s3tables_bucket(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_target *t = &c->mp->target;
	const struct model_env *env = &c->cfg->env;

	if (!t->table_bucket)
		t->table_bucket = env->table_bucket;
	if (!t->table_bucket) {
		diag_help(diag_error(c->ds, c->src, cl->kw_span,
				     "no S3 table bucket for this target"),
			  "set table_bucket for environment '%s' in pipec.yaml, or add "
			  "{ bucket \"NAME\" } to the target", env->name);
	} else if (!env->region || !env->account) {
		diag_help(diag_error(c->ds, c->src, cl->kw_span,
				     "an S3 Tables target needs the environment's region and "
				     "account"),
			  "set region and account for environment '%s' in pipec.yaml",
			  env->name);
	} else {
		t->table_bucket_arn = arena_printf(c->a, "arn:aws:s3tables:%s:%s:bucket/%s",
						   env->region, env->account, t->table_bucket);
	}
}

static void s3tables_finish(struct check_ctx *c, const struct ast_clause *cl,
			    const struct target_read *r)
{
	struct model_target *t = &c->mp->target;

	if (!r->table)
		return;
	table_names(c, r->table, NAMES_S3TABLES, "namespace", "table name");
	s3tables_columns(c);
	s3tables_bucket(c, cl);
	t->spark_catalog = "s3tablescatalog";
}

static void iceberg_finish(struct check_ctx *c, const struct ast_clause *cl,
			   const struct target_read *r)
{
	(void)cl;
	if (!r->table)
		return;
	table_names(c, r->table, NAMES_GLUE_ICEBERG, "database", "table name");
	c->mp->target.spark_catalog = "glue_catalog";
}

/* A staging location; schema, table and column names that Redshift and
 * the connector's actions take as they are. */
static void redshift_finish(struct check_ctx *c, const struct ast_clause *cl,
			    const struct target_read *r)
{
	size_t j;

	if (!r->at[TK_STAGING] && r->shape_ok)
		diag_help(diag_error(c->ds, c->src, cl->kw_span,
				     "a redshift target needs a staging location"),
			  "add { staging \"s3://bucket/prefix/\" }: Glue writes there before COPY");
	if (!r->table)
		return;
	/* Redshift folds names to lowercase (information_schema holds them
	 * so): a mixed-case name would miss the watermark lookup. */
	table_names(c, r->table, NAMES_REDSHIFT_TABLE, "schema", "table");
	/* Every column is named in the CREATE TABLE preaction and the INSERT
	 * postaction. */
	for (j = 0; c->columns_clause && j < c->columns_clause->u.columns.nitems; j++) {
		const struct ast_column *col = &c->columns_clause->u.columns.items[j];

		check_ctx_engine_name(c->ds, c->src, col->name.span, NAMES_REDSHIFT_COLUMN,
				      "column", col->name.text);
	}
}

/* ---- the kinds ---- */

/* Per target kind, in target_kinds[] order: the settings it accepts, how
 * its arguments are read, and the rules checked after its settings (NULL:
 * none). */
static const struct target_kind {
	unsigned keys;		/* bit per enum tkey */
	void (*args)(struct check_ctx *c, const struct ast_clause *cl, struct target_read *r);
	void (*finish)(struct check_ctx *c, const struct ast_clause *cl,
		       const struct target_read *r);
} kinds[] = {
	[MT_S3TABLES] = { 1u << TK_BUCKET, s3tables_args, s3tables_finish },
	[MT_ICEBERG] = { 0, iceberg_args, iceberg_finish },
	[MT_PARQUET] = { (1u << TK_COMPRESSION) | (1u << TK_PROJECTION), parquet_args, NULL },
	[MT_REDSHIFT] = { (1u << TK_STAGING) | (1u << TK_IAM_ROLE), redshift_args,
			  redshift_finish },
};

static void read_settings(struct check_ctx *c, const struct ast_clause *cl,
			  struct target_read *r)
{
	struct model_target *t = &c->mp->target;
	const struct ast_name *kn = &cl->u.endpoint.kind;
	size_t i;

	for (i = 0; i < cl->u.endpoint.nsettings; i++) {
		const struct ast_setting *s = &cl->u.endpoint.settings[i];
		int k = check_ctx_setting_key(c, s, cl->u.endpoint.settings, i, "target",
					      target_keys, TK_COUNT);

		if (k < 0)
			continue;
		if (!(kinds[t->kind].keys & (1u << k))) {
			diag_help(diag_error(c->ds, c->src, s->key.span,
					     "'%s' does not apply to %s %s target", s->key.text,
					     article(kn->text), kn->text),
				  "remove it");
			continue;
		}
		if (k == TK_PROJECTION) {
			if (!s->has_block || s->nargs)
				diag_help(diag_error(c->ds, c->src, s->key.span,
						     "'projection' holds a block, one line per partition column"),
					  "write: %s", usage[k]);
			else
				read_projection(c, s, k, t);
			continue;
		}
		if (!check_ctx_no_block(c, s) ||
		    !check_ctx_setting_nargs(c, s, 1, 1, usage[k], target_keys, TK_COUNT))
			continue;
		r->at[k] = s;
		read_setting[k](c, s, k, t);
	}
}

/* The names every later phase uses for the table: the Spark identifier
 * and, for a table in the Glue catalog, the Athena one. */
static void set_identifiers(struct check_ctx *c, struct model_target *t)
{
	struct strbuf sb = STRBUF_INIT;

	if (t->spark_catalog)
		strbuf_addf(&sb, "%s.", t->spark_catalog);
	spark_part(&sb, t->database);
	strbuf_addch(&sb, '.');
	spark_part(&sb, t->table);
	t->spark_ident = arena_strdup(c->a, sb.buf);
	strbuf_reset(&sb);
	if (t->kind == MT_S3TABLES && t->table_bucket) {
		struct strbuf cat = STRBUF_INIT;

		strbuf_addf(&cat, "s3tablescatalog/%s", t->table_bucket);
		athena_part(&sb, cat.buf);
		strbuf_addch(&sb, '.');
		strbuf_release(&cat);
	}
	/* A Redshift table is not in the Glue catalog: Athena cannot name it. */
	if (t->kind != MT_REDSHIFT) {
		athena_part(&sb, t->database);
		strbuf_addch(&sb, '.');
		athena_part(&sb, t->table);
		t->athena_ident = arena_strdup(c->a, sb.buf);
	}
	strbuf_release(&sb);
}

void check_target(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_target *t = &c->mp->target;
	const struct ast_name *kn = &cl->u.endpoint.kind;
	int kind = check_ctx_word_index(kn->text, target_kinds, 4);
	struct target_read r;

	t->span = cl->span;
	if (kind < 0) {
		check_ctx_unknown(c, kn->span, "target", kn->text, target_kinds, 4);
		c->target_clause = NULL;
		return;
	}
	t->kind = (enum model_target_kind)kind;
	memset(&r, 0, sizeof(r));
	r.shape_ok = true;
	kinds[kind].args(c, cl, &r);
	read_settings(c, cl, &r);
	if (r.table) {
		t->database = r.table->parts[0].text;
		t->table = r.table->parts[1].text;
		t->table_span = r.table->span;
	}
	if (kinds[kind].finish)
		kinds[kind].finish(c, cl, &r);
	if (r.table)
		set_identifiers(c, t);
}

/* Athena projects every partition column or none: each `projection` line
 * names a partition column of its type (date: date; integer: an integer
 * type; enum: string), and each partition column has one. */
void check_target_projection(struct check_ctx *c)
{
	const struct model_pipeline *mp = c->mp;
	const struct model_target *t = &mp->target;
	const struct ast_setting *proj = NULL;
	size_t i, j;

	if (!t->projection_span.end || !c->target_clause)
		return;
	for (i = 0; i < c->target_clause->u.endpoint.nsettings && !proj; i++)
		if (!strcmp(c->target_clause->u.endpoint.settings[i].key.text, "projection"))
			proj = &c->target_clause->u.endpoint.settings[i];
	if (!proj)
		return;
	for (i = 0; i < t->nprojections; i++) {
		const struct model_projection *p = &t->projections[i];
		const struct model_column *col = model_find_column(mp, p->column);
		bool ok;

		for (j = 0; j < mp->npartitions && strcmp(mp->partitions[j].column, p->column); j++)
			;
		if (!col || j == mp->npartitions) {
			diag_help(diag_error(c->ds, c->src, p->span,
					     "'%s' is not a partition column", p->column),
				  "project the columns of 'partition by', one line each");
			continue;
		}
		ok = p->kind == MPJ_DATE ? col->type == MT_DATE
		   : p->kind == MPJ_INTEGER ? (col->type == MT_TINYINT || col->type == MT_SMALLINT ||
					       col->type == MT_INT || col->type == MT_BIGINT)
		   : col->type == MT_STRING;
		if (!ok)
			diag_help(diag_error(c->ds, c->src, p->span,
					     "a %s projection does not fit column '%s' of type %s",
					     projection_kinds[p->kind], p->column, col->spark_type),
				  "project a date column with date, an integer column with integer, a string column with enum");
	}
	for (j = 0; j < mp->npartitions; j++) {
		/* a line that did not check counts: it was reported */
		for (i = 0; i < proj->nblock && strcmp(proj->block[i].key.text,
						       mp->partitions[j].column); i++)
			;
		if (i == proj->nblock)
			diag_help(diag_error(c->ds, c->src, t->projection_span,
					     "partition column '%s' has no projection",
					     mp->partitions[j].column),
				  "Athena projects every partition column or none: add a line for it");
	}
}
