#include "check_schema.h"

#include <string.h>
#include <strings.h>

#include "check_convert.h"
#include "check_ctx.h"
#include "escape.h"
#include "names.h"
#include "strbuf.h"
#include "strmap.h"

static const char *const type_names[] = {
	"string", "boolean", "tinyint", "smallint", "int", "bigint", "float", "double",
	"decimal", "date", "timestamp", "binary", "array", "map", "struct",
};

/* Accepted spellings for the same types, resolved silently. */
static int type_alias(const char *s)
{
	if (!strcmp(s, "integer"))
		return MT_INT;
	return -1;
}

static bool is_primitive(enum model_type t)
{
	return t != MT_ARRAY && t != MT_MAP && t != MT_STRUCT;
}

struct typeinfo {
	enum model_type type;
	int precision, scale;
	struct strbuf spark, athena;
	struct strbuf glue;	/* the catalog's spelling: struct field names bare */
	struct model_dtype *dt;		/* set when the type resolves */
};

static struct model_dtype *new_dtype(struct check_ctx *c, const struct typeinfo *ti)
{
	struct model_dtype *dt = arena_alloc(c->a, sizeof(*dt));

	dt->type = ti->type;
	dt->spark = arena_strdup(c->a, ti->spark.buf);
	return dt;
}

static bool resolve_type(struct check_ctx *c, const struct ast_type *t, struct typeinfo *out);

static bool no_params(struct check_ctx *c, const struct ast_type *t, const char *name)
{
	if (t->nparams) {
		diag_help(diag_error(c->ds, c->src, t->span, "type '%s' takes no parameters", name),
			  "only decimal takes parameters: decimal(PRECISION, SCALE)");
		return false;
	}
	if ((t->nargs || t->nfields || t->has_angle) &&
	    is_primitive((enum model_type)check_ctx_word_index(name, type_names, 15))) {
		diag_help(diag_error(c->ds, c->src, t->span, "type '%s' takes no '<...>'", name),
			  "only array<T>, map<K, V> and struct<name: T, ...> take '<...>'");
		return false;
	}
	return true;
}

static void typeinfo_init(struct typeinfo *ti)
{
	memset(ti, 0, sizeof(*ti));
	strbuf_init(&ti->spark, 0);
	strbuf_init(&ti->athena, 0);
	strbuf_init(&ti->glue, 0);
}

static void typeinfo_release(struct typeinfo *ti)
{
	strbuf_release(&ti->spark);
	strbuf_release(&ti->athena);
	strbuf_release(&ti->glue);
}

/* decimal(PRECISION[, SCALE]): the only type with parameters. */
static bool resolve_decimal(struct check_ctx *c, const struct ast_type *t, struct typeinfo *out)
{
	long p = 10, s = 0;
	size_t i;

	if (t->nargs || t->nfields || t->has_angle) {
		diag_help(diag_error(c->ds, c->src, t->span, "decimal takes no '<...>'"),
			  "write decimal(PRECISION, SCALE), like decimal(10,2)");
		return false;
	}
	if (!t->nparams || t->nparams > 2) {
		diag_help(diag_error(c->ds, c->src, t->span,
				     "decimal needs a precision and a scale"),
			  "write decimal(PRECISION, SCALE), like decimal(10,2)");
		return false;
	}
	for (i = 0; i < t->nparams; i++) {
		if (!t->params[i].is_int || t->params[i].overflow) {
			diag_help(diag_error(c->ds, c->src, t->params[i].span,
					     "decimal parameters are whole numbers"),
				  "write decimal(PRECISION, SCALE), like decimal(10,2)");
			return false;
		}
	}
	p = (long)t->params[0].ival;
	s = t->nparams > 1 ? (long)t->params[1].ival : 0;
	if (p < 1 || p > 38) {
		diag_help(diag_error(c->ds, c->src, t->params[0].span,
				     "decimal precision %ld is out of range", p),
			  "precision is 1 to 38 digits");
		return false;
	}
	if (s < 0 || s > p) {
		diag_help(diag_error(c->ds, c->src, t->params[t->nparams - 1].span,
				     "decimal scale %ld is out of range", s),
			  "scale is 0 to the precision (%ld)", p);
		return false;
	}
	out->precision = (int)p;
	out->scale = (int)s;
	strbuf_addf(&out->spark, "decimal(%ld,%ld)", p, s);
	strbuf_addf(&out->athena, "decimal(%ld,%ld)", p, s);
	strbuf_addf(&out->glue, "decimal(%ld,%ld)", p, s);
	out->dt = new_dtype(c, out);
	return true;
}

/* array<T> and map<K, V>: the element types are resolved even after one
 * fails, so that every bad one is reported. */
static bool resolve_collection(struct check_ctx *c, const struct ast_type *t,
			       struct typeinfo *out)
{
	size_t want = out->type == MT_ARRAY ? 1 : 2;
	struct typeinfo sub[2];
	bool ok = true;
	size_t i;

	if (t->nparams || t->nfields || t->nargs != want) {
		diag_help(diag_error(c->ds, c->src, t->span, "%s needs %s", t->name.text,
				     want == 1 ? "one element type" : "a key and a value type"),
			  want == 1 ? "write array<TYPE>, like array<string>"
				    : "write map<KEY, VALUE>, like map<string, int>");
		return false;
	}
	for (i = 0; i < want; i++) {
		typeinfo_init(&sub[i]);
		if (!resolve_type(c, t->args[i], &sub[i]))
			ok = false;
	}
	if (ok && want == 2 && !is_primitive(sub[0].type)) {
		diag_help(diag_error(c->ds, c->src, t->args[0]->span,
				     "map keys must be a primitive type"),
			  "use string or a number type for the key");
		ok = false;
	}
	if (ok && want == 1) {
		strbuf_addf(&out->spark, "array<%s>", sub[0].spark.buf);
		strbuf_addf(&out->athena, "array(%s)", sub[0].athena.buf);
		strbuf_addf(&out->glue, "array<%s>", sub[0].glue.buf);
	} else if (ok) {
		strbuf_addf(&out->spark, "map<%s,%s>", sub[0].spark.buf, sub[1].spark.buf);
		strbuf_addf(&out->athena, "map(%s, %s)", sub[0].athena.buf,
			    sub[1].athena.buf);
		strbuf_addf(&out->glue, "map<%s,%s>", sub[0].glue.buf, sub[1].glue.buf);
	}
	if (ok) {
		out->dt = new_dtype(c, out);
		if (want == 1) {
			out->dt->elem = sub[0].dt;
		} else {
			out->dt->key = sub[0].dt;
			out->dt->value = sub[1].dt;
		}
	}
	for (i = 0; i < want; i++)
		typeinfo_release(&sub[i]);
	return ok;
}

/* Whether field i of a struct type repeats none of the fields before it;
 * each earlier field of the same name is reported. */
static bool struct_field_unique(struct check_ctx *c, const struct ast_type *t, size_t i)
{
	bool ok = true;
	size_t j;

	for (j = 0; j < i; j++) {
		if (!strcmp(t->fields[j].name.text, t->fields[i].name.text)) {
			struct diag *d = diag_error(c->ds, c->src, t->fields[i].name.span,
						    "duplicate struct field '%s'",
						    t->fields[i].name.text);
			diag_note(d, c->src, t->fields[j].name.span, "first declared here");
			diag_help(d, "field names in a struct are unique");
			ok = false;
		}
	}
	return ok;
}

/* Appends field i, of resolved type sub, to the three spellings of out. */
static void add_struct_field(struct typeinfo *out, size_t i, const char *fname,
			     const struct typeinfo *sub)
{
	/* Spark's type parser reads a field name bare only when
	 * it is an identifier and no keyword (struct<from:int>
	 * fails under ANSI keyword rules): every field name is
	 * back-quoted, as in the casts of job.py.  Trino's reads
	 * an identifier bare. */
	strbuf_addstr(&out->spark, i ? "," : "");
	escape_spark_ident(&out->spark, fname);
	strbuf_addf(&out->spark, ":%s", sub->spark.buf);
	strbuf_addstr(&out->athena, i ? ", " : "");
	if (names_is_identifier(fname))
		strbuf_addstr(&out->athena, fname);
	else
		escape_athena_ident(&out->athena, fname);
	strbuf_addf(&out->athena, " %s", sub->athena.buf);
	strbuf_addf(&out->glue, "%s%s:%s", i ? "," : "", fname, sub->glue.buf);
}

/* struct<name: T, ...>: every field is checked, even after one fails. */
static bool resolve_struct(struct check_ctx *c, const struct ast_type *t, struct typeinfo *out)
{
	const char **names;
	const struct model_dtype **types;
	bool ok = true;
	size_t i;

	if (t->nparams || t->nargs || !t->nfields) {
		diag_help(diag_error(c->ds, c->src, t->span, "struct needs named fields"),
			  "write struct<name: TYPE, ...>, like struct<city: string, zip: string>");
		return false;
	}
	strbuf_addstr(&out->spark, "struct<");
	strbuf_addstr(&out->athena, "row(");
	strbuf_addstr(&out->glue, "struct<");
	names = arena_array(c->a, t->nfields, sizeof(*names));
	types = arena_array(c->a, t->nfields, sizeof(*types));
	for (i = 0; i < t->nfields; i++) {
		struct typeinfo sub;

		if (!struct_field_unique(c, t, i))
			ok = false;
		typeinfo_init(&sub);
		if (resolve_type(c, t->fields[i].type, &sub)) {
			add_struct_field(out, i, t->fields[i].name.text, &sub);
			names[i] = t->fields[i].name.text;
			types[i] = sub.dt;
		} else {
			ok = false;
		}
		typeinfo_release(&sub);
	}
	strbuf_addch(&out->spark, '>');
	strbuf_addch(&out->athena, ')');
	strbuf_addch(&out->glue, '>');
	if (ok) {
		out->dt = new_dtype(c, out);
		out->dt->field_names = names;
		out->dt->field_types = types;
		out->dt->nfields = t->nfields;
	}
	return ok;
}

/* Athena/Trino's name of a primitive type where it is not Spark's. */
static const char *const athena_names[MT_STRUCT + 1] = {
	[MT_STRING] = "varchar",
	[MT_INT] = "integer",
	[MT_FLOAT] = "real",
	[MT_BINARY] = "varbinary",
	[MT_TIMESTAMP] = "timestamp(6)",
};

static bool resolve_primitive(struct check_ctx *c, const struct ast_type *t,
			      struct typeinfo *out)
{
	const char *athena = athena_names[out->type];

	if (!no_params(c, t, t->name.text))
		return false;
	strbuf_addstr(&out->spark, type_names[out->type]);
	strbuf_addstr(&out->glue, type_names[out->type]);
	strbuf_addstr(&out->athena, athena ? athena : type_names[out->type]);
	out->dt = new_dtype(c, out);
	return true;
}

static bool resolve_type(struct check_ctx *c, const struct ast_type *t, struct typeinfo *out)
{
	int k = check_ctx_word_index(t->name.text, type_names, 15);

	if (k < 0)
		k = type_alias(t->name.text);
	if (k < 0) {
		check_ctx_unknown(c, t->name.span, "type", t->name.text, type_names, 15);
		return false;
	}
	out->type = (enum model_type)k;
	switch (out->type) {
	case MT_DECIMAL:
		return resolve_decimal(c, t, out);
	case MT_ARRAY:
	case MT_MAP:
		return resolve_collection(c, t, out);
	case MT_STRUCT:
		return resolve_struct(c, t, out);
	default:
		return resolve_primitive(c, t, out);
	}
}

bool check_column_type(struct check_ctx *c, const struct ast_type *type, struct model_column *col)
{
	struct typeinfo ti;

	typeinfo_init(&ti);
	if (!type || !resolve_type(c, type, &ti)) {
		typeinfo_release(&ti);
		return false;
	}
	col->type = ti.type;
	col->precision = ti.precision;
	col->scale = ti.scale;
	col->spark_type = arena_strdup(c->a, ti.spark.buf);
	col->glue_type = arena_strdup(c->a, ti.glue.buf);
	col->athena_type = arena_strdup(c->a, ti.athena.buf);
	col->dtype = ti.dt;
	col->orderable = ti.type == MT_DATE || ti.type == MT_TIMESTAMP ||
			 ti.type == MT_TINYINT || ti.type == MT_SMALLINT ||
			 ti.type == MT_INT || ti.type == MT_BIGINT;
	typeinfo_release(&ti);
	return true;
}

void check_columns(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;
	struct strmap seen;
	size_t i;

	if (!cl->u.columns.nitems) {
		diag_help(diag_error(c->ds, c->src, cl->span, "'columns' is empty"),
			  "declare at least one column: NAME TYPE [required] [from \"field\"]");
		return;
	}
	mp->columns = arena_array(c->a, cl->u.columns.nitems, sizeof(*mp->columns));
	/* by name, for duplicates: a hash keeps a huge block linear */
	strmap_init(&seen);
	for (i = 0; i < cl->u.columns.nitems; i++) {
		const struct ast_column *ac = &cl->u.columns.items[i];
		const struct ast_column *first = strmap_get(&seen, ac->name.text);
		struct model_column *col;
		bool dup = first != NULL;

		if (first) {
			struct diag *d = diag_error(c->ds, c->src, ac->name.span,
						    "duplicate column '%s'", ac->name.text);
			diag_note(d, c->src, first->name.span, "first declared here");
			diag_help(d, "column names are unique; rename one or use from \"field\"");
		} else {
			strmap_put(&seen, ac->name.text, (void *)ac);
		}
		if (dup || !check_column_type(c, ac->type, &mp->columns[mp->ncolumns]))
			continue;
		col = &mp->columns[mp->ncolumns++];
		col->name = ac->name.text;
		col->span = ac->span;
		col->required = ac->required;
		col->source_field = col->name;
		if (ac->from) {
			const char *f = check_ctx_string(c, ac->from);

			if (f && !*f) {
				diag_help(diag_error(c->ds, c->src, ac->from->span,
						     "'from' names an empty field"),
					  "write the source field name: from \"field\"");
			} else if (f) {
				col->source_field = f;
				col->renamed = strcmp(f, col->name) != 0;
				col->from_span = ac->from->span;
			}
		}
		check_column_attrs(c, ac, col);
	}
	strmap_release(&seen);
}

static const char *const transform_names[] = {
	"", "years", "months", "days", "hours", "bucket", "truncate",
};

static bool is_time_transform(enum model_transform t)
{
	return t == MP_YEARS || t == MP_MONTHS || t == MP_DAYS || t == MP_HOURS;
}

/* Two time transforms of one column: Iceberg's PartitionSpec refuses the
 * second ("Cannot add redundant partition"), in CREATE TABLE and in ADD
 * PARTITION FIELD alike. */
static bool redundant_time_field(struct check_ctx *c, const struct model_partition *first,
				 const struct model_partition *pt, const char *column,
				 struct span at)
{
	struct diag *d;

	if (!is_time_transform(first->transform) || !is_time_transform(pt->transform) ||
	    strcmp(first->column, column))
		return false;
	d = diag_error(c->ds, c->src, at, "redundant partition field: %s(%s) and %s(%s)",
		       transform_names[pt->transform], column, transform_names[first->transform],
		       column);
	diag_note(d, c->src, first->span, "%s(%s) is listed here", transform_names[first->transform],
		  column);
	diag_help(d, "Iceberg keeps one time transform (years, months, days or hours) per column: keep the one queries filter by");
	return true;
}

static const struct ast_name *partition_column_arg(struct check_ctx *c,
						   const struct ast_partition *ap, size_t i,
						   const char *usage)
{
	const struct ast_value *v;

	if (i >= ap->nargs) {
		diag_help(diag_error(c->ds, c->src, ap->span, "'%s' needs a column",
				     ap->fn.text ? ap->fn.text : "partition"),
			  "write %s", usage);
		return NULL;
	}
	v = &ap->args[i];
	if (v->kind != AST_VAL_NAME || v->u.name.nparts != 1) {
		diag_help(diag_error(c->ds, c->src, v->span, "expected a column name"),
			  "write %s", usage);
		return NULL;
	}
	return &v->u.name.parts[0];
}

void check_partitions(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_pipeline *mp = c->mp;
	size_t i, j;

	if (c->target_clause && mp->target.kind == MT_REDSHIFT) {
		diag_help(diag_error(c->ds, c->src, cl->kw_span,
				     "a redshift target cannot be partitioned"),
			  "remove 'partition by'; use sort and distribution keys in Redshift instead");
		return;
	}
	mp->partitions = arena_array(c->a, cl->u.partition.nitems + 1, sizeof(*mp->partitions));
	for (i = 0; i < cl->u.partition.nitems; i++) {
		const struct ast_partition *ap = &cl->u.partition.items[i];
		struct model_partition *pt = &mp->partitions[mp->npartitions];
		const struct ast_name *colname;
		const struct model_column *col;
		int k = 0;
		const char *usage = "a column, or years(col), months(col), days(col), hours(col), "
				    "bucket(N, col), truncate(W, col)";

		if (ap->is_call) {
			k = check_ctx_word_index(ap->fn.text, transform_names + 1, 6);
			if (k < 0) {
				check_ctx_unknown(c, ap->fn.span, "partition transform",
						  ap->fn.text, transform_names + 1, 6);
				continue;
			}
			k++;
		}
		pt->transform = (enum model_transform)k;
		pt->span = ap->span;
		if (k == MP_BUCKET || k == MP_TRUNCATE) {
			const struct ast_value *n = ap->nargs ? &ap->args[0] : NULL;
			long hi = k == MP_BUCKET ? 10000 : 1000000;

			usage = k == MP_BUCKET ? "bucket(N, column)" : "truncate(WIDTH, column)";
			if (ap->nargs != 2 || n->kind != AST_VAL_NUMBER || !n->u.num.is_int) {
				diag_help(diag_error(c->ds, c->src, ap->span,
						     "'%s' takes a number and a column", ap->fn.text),
					  "write %s", usage);
				continue;
			}
			if (n->u.num.overflow || n->u.num.ival < 1 || n->u.num.ival > hi) {
				diag_help(diag_error(c->ds, c->src, n->span,
						     "%s %s is out of range", ap->fn.text,
						     k == MP_BUCKET ? "count" : "width"),
					  "use 1 to %ld", hi);
				continue;
			}
			pt->param = (int)n->u.num.ival;
			colname = partition_column_arg(c, ap, 1, usage);
		} else {
			if (ap->nargs != 1) {
				if (k)
					diag_help(diag_error(c->ds, c->src, ap->span,
							     "'%s' takes one column", ap->fn.text),
						  "write %s(column)", ap->fn.text);
				else
					diag_help(diag_error(c->ds, c->src, ap->span,
							     "expected a partition field"),
						  "write %s", usage);
				continue;
			}
			colname = partition_column_arg(c, ap, 0, usage);
		}
		if (!colname || !(col = check_ctx_column_ref(c, colname, "partition column")))
			continue;
		if ((k == MP_YEARS || k == MP_MONTHS || k == MP_DAYS) && col->type != MT_DATE &&
		    col->type != MT_TIMESTAMP) {
			diag_help(diag_error(c->ds, c->src, ap->span,
					     "'%s' needs a date or timestamp column; '%s' is %s",
					     ap->fn.text, col->name, col->spark_type),
				  "partition by the column itself, or by a date/timestamp column");
			continue;
		}
		if (k == MP_HOURS && col->type != MT_TIMESTAMP) {
			diag_help(diag_error(c->ds, c->src, ap->span,
					     "'hours' needs a timestamp column; '%s' is %s", col->name,
					     col->spark_type),
				  "use days(%s) for a date column", col->name);
			continue;
		}
		if (k == MP_TRUNCATE && col->type != MT_STRING && col->type != MT_DECIMAL &&
		    col->type != MT_BINARY && col->type != MT_INT && col->type != MT_BIGINT &&
		    col->type != MT_SMALLINT && col->type != MT_TINYINT) {
			diag_help(diag_error(c->ds, c->src, ap->span,
					     "'truncate' needs a string, integer or decimal column; "
					     "'%s' is %s", col->name, col->spark_type),
				  "partition by another column");
			continue;
		}
		if (!is_primitive(col->type) || col->type == MT_FLOAT || col->type == MT_DOUBLE) {
			diag_help(diag_error(c->ds, c->src, ap->span,
					     "column '%s' of type %s cannot be a partition field",
					     col->name, col->spark_type),
				  "partition by a string, number, date or timestamp column");
			continue;
		}
		if (c->target_clause && mp->target.kind == MT_PARQUET && k != MP_IDENTITY) {
			diag_help(diag_error(c->ds, c->src, ap->span,
					     "a parquet target supports plain partition columns only"),
				  "parquet tables are partitioned Hive-style: partition by %s, or "
				  "use an iceberg or s3tables target for transforms", col->name);
			continue;
		}
		for (j = 0; j < mp->npartitions; j++) {
			if (mp->partitions[j].transform == pt->transform &&
			    !strcmp(mp->partitions[j].column, col->name)) {
				struct diag *d = diag_error(c->ds, c->src, ap->span,
							    "duplicate partition field");
				diag_note(d, c->src, mp->partitions[j].span, "first listed here");
				diag_help(d, "list each partition field once");
				break;
			}
			if (redundant_time_field(c, &mp->partitions[j], pt, col->name, ap->span))
				break;
		}
		if (j < mp->npartitions)
			continue;
		pt->column = col->name;
		if (k == MP_IDENTITY)
			pt->spark_expr = col->name;
		else if (k == MP_BUCKET || k == MP_TRUNCATE)
			pt->spark_expr = arena_printf(c->a, "%s(%d, %s)", transform_names[k], pt->param,
						      col->name);
		else
			pt->spark_expr = arena_printf(c->a, "%s(%s)", transform_names[k], col->name);
		mp->npartitions++;
	}
}

void check_renames(struct check_ctx *c)
{
	const struct model_pipeline *mp = c->mp;
	size_t i, j;

	for (i = 0; i < mp->ncolumns; i++) {
		const struct model_column *col = &mp->columns[i];

		if (!col->renamed_from)
			continue;
		if (mp->target.kind != MT_ICEBERG && mp->target.kind != MT_S3TABLES) {
			diag_help(diag_error(c->ds, c->src, col->renamed_span,
					     "a %s target cannot rename a column",
					     model_target_kind_name(mp->target.kind)),
				  mp->target.kind == MT_PARQUET
				  ? "a Hive table's columns are renamed by recreating the table (Spark renames columns of Iceberg tables only); remove 'was'"
				  : "rename the column in Redshift (ALTER TABLE ... RENAME COLUMN), then remove 'was'");
			continue;
		}
		for (j = 0; j < mp->ncolumns; j++) {
			const struct model_column *o = &mp->columns[j];

			if (j != i && !strcasecmp(o->name, col->renamed_from)) {
				struct diag *d = diag_error(c->ds, c->src, col->renamed_span,
							    "'%s' was '%s', but '%s' is declared too",
							    col->name, col->renamed_from, o->name);

				diag_note(d, c->src, o->span, "'%s' is declared here", o->name);
				diag_help(d, "a renamed column's old name leaves the table: remove 'was' or the column '%s'",
					  o->name);
				break;
			}
			if (j < i && o->renamed_from && !strcasecmp(o->renamed_from, col->renamed_from)) {
				struct diag *d = diag_error(c->ds, c->src, col->renamed_span,
							    "two columns were '%s'", col->renamed_from);

				diag_note(d, c->src, o->renamed_span, "'%s' was '%s' too", o->name,
					  o->renamed_from);
				break;
			}
		}
	}
}

/* Why NAME cannot be dropped: it is used by another clause of the
 * pipeline (a partition field, a merge key, the watermark) or declared. */
static bool drop_in_use(struct check_ctx *c, const struct ast_name *n)
{
	const struct model_pipeline *mp = c->mp;
	struct diag *d;
	size_t i;

	for (i = 0; i < mp->npartitions; i++) {
		if (strcasecmp(mp->partitions[i].column, n->text))
			continue;
		d = diag_error(c->ds, c->src, n->span, "cannot drop partition column '%s'", n->text);
		diag_note(d, c->src, mp->partitions[i].span, "the table is partitioned by it here");
		diag_help(d, "a table's partition source column cannot be dropped; write to a new table to change the partitioning");
		return true;
	}
	for (i = 0; i < mp->nmerge_keys; i++) {
		if (strcasecmp(mp->merge_keys[i], n->text))
			continue;
		diag_help(diag_error(c->ds, c->src, n->span, "cannot drop merge key '%s'",
				     n->text),
			  "rows are matched on it: change 'mode merge on ...' first, in an earlier version");
		return true;
	}
	if (mp->incremental.column && !strcasecmp(mp->incremental.column, n->text)) {
		d = diag_error(c->ds, c->src, n->span, "cannot drop watermark column '%s'", n->text);
		diag_note(d, c->src, mp->incremental.span, "the incremental read uses it here");
		diag_help(d, "the next run reads its watermark from this column; choose another watermark first");
		return true;
	}
	for (i = 0; i < mp->ncolumns; i++) {
		const struct model_column *col = &mp->columns[i];

		if (!strcasecmp(col->name, n->text)) {
			d = diag_error(c->ds, c->src, n->span,
				       "column '%s' is declared and dropped", n->text);
			diag_note(d, c->src, col->span, "'%s' is declared here", col->name);
			diag_help(d, "remove '%s' from columns to drop it, or remove 'drop column %s' to keep it",
				  col->name, n->text);
			return true;
		}
		if (col->renamed_from && !strcasecmp(col->renamed_from, n->text)) {
			d = diag_error(c->ds, c->src, n->span,
				       "column '%s' is renamed to '%s' and dropped", n->text, col->name);
			diag_note(d, c->src, col->renamed_span, "renamed here");
			diag_help(d, "remove 'was %s' to drop the column, or 'drop column %s' to keep its values under '%s'",
				  n->text, n->text, col->name);
			return true;
		}
	}
	return false;
}

void check_drops(struct check_ctx *c, const struct ast_clause *clauses, size_t n)
{
	struct model_pipeline *mp = c->mp;
	const struct ast_clause **seen;
	size_t i, j, nseen = 0;

	for (i = 0; i < n && clauses[i].kind != AST_DROP_COLUMN; i++)
		;
	if (i == n || !c->target_clause)
		return;
	seen = arena_array(c->a, n, sizeof(*seen));
	mp->drop_columns = arena_array(c->a, n, sizeof(*mp->drop_columns));
	for (; i < n; i++) {
		const struct ast_clause *cl = &clauses[i];
		const struct ast_name *name = &cl->u.drop_column;

		if (cl->kind != AST_DROP_COLUMN)
			continue;
		for (j = 0; j < nseen; j++)
			if (!strcasecmp(seen[j]->u.drop_column.text, name->text))
				break;
		if (j < nseen) {
			struct diag *d = diag_error(c->ds, c->src, name->span,
						    "column '%s' is dropped twice", name->text);

			diag_note(d, c->src, seen[j]->u.drop_column.span, "first dropped here");
			diag_help(d, "write one 'drop column %s'", name->text);
			continue;
		}
		seen[nseen++] = cl;
		if (drop_in_use(c, name))
			continue;
		if (mp->target.kind == MT_REDSHIFT &&
		    !check_ctx_engine_name(c->ds, c->src, name->span, NAMES_REDSHIFT_COLUMN,
					   "column", name->text))
			continue;
		mp->drop_columns[mp->ndrop_columns++] = name->text;
	}
}
