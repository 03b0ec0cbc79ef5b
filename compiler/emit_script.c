/*
 * emit_script: job.py — fills a template context from the checked model
 * and renders templates/pyspark/job.py.tmpl.  Every user string is escaped
 * here, once, for the language it lands in (Spark SQL inside a Python
 * literal, or a plain Python literal); the fragments insert values as is.
 */
#include "emit.h"

#include <string.h>
#include <strings.h>

#include "arena.h"
#include "escape.h"

#ifndef PIPEC_VERSION
#define PIPEC_VERSION "0.0.0"
#endif

struct sctx {
	struct arena *a;
	struct strbuf tmp;
};

/* s as a Python literal, in the arena. */
static const char *py(struct sctx *c, const char *s)
{
	strbuf_reset(&c->tmp);
	escape_python(&c->tmp, s ? s : "");
	return arena_strdup(c->a, c->tmp.buf);
}

/* s as a Spark SQL identifier, in the arena. */
static const char *sid(struct sctx *c, const char *s)
{
	strbuf_reset(&c->tmp);
	escape_spark_ident(&c->tmp, s);
	return arena_strdup(c->a, c->tmp.buf);
}

static void put_py(struct sctx *c, struct template_ctx *t, const char *name, const char *s)
{
	template_set_str(t, name, py(c, s));
}

static void opt(struct sctx *c, struct template_ctx *t, const char *list, const char *key,
		const char *value_expr)
{
	struct template_ctx *it = template_add_item(t, list);

	put_py(c, it, "key_py", key);
	template_set_str(it, "value", value_expr);
}

static const char *const format_names[] = {
	[MF_NONE] = "json", [MF_CSV] = "csv", [MF_JSON] = "json", [MF_JSONL] = "json",
	[MF_PARQUET] = "parquet", [MF_AVRO] = "avro", [MF_ORC] = "orc", [MF_XML] = "xml",
	[MF_ICEBERG] = "iceberg", [MF_HIVE] = "parquet",
};

static const char *const format_descs[] = {
	[MF_NONE] = "JSON", [MF_CSV] = "CSV", [MF_JSON] = "JSON", [MF_JSONL] = "JSON Lines",
	[MF_PARQUET] = "Parquet", [MF_AVRO] = "Avro", [MF_ORC] = "ORC", [MF_XML] = "XML",
	[MF_ICEBERG] = "Iceberg", [MF_HIVE] = "Hive",
};

static const char *const engine_descs[] = {
	[MJ_NONE] = "JDBC", [MJ_POSTGRESQL] = "PostgreSQL", [MJ_MYSQL] = "MySQL",
	[MJ_SQLSERVER] = "SQL Server", [MJ_ORACLE] = "Oracle", [MJ_REDSHIFT] = "Redshift",
};

static const char *const engine_types[] = {
	[MJ_NONE] = "postgresql", [MJ_POSTGRESQL] = "postgresql", [MJ_MYSQL] = "mysql",
	[MJ_SQLSERVER] = "sqlserver", [MJ_ORACLE] = "oracle", [MJ_REDSHIFT] = "redshift",
};

/* One character of a glob, literally, in a Python regular expression. */
static void regex_char(struct strbuf *sb, char ch)
{
	unsigned char u = (unsigned char)ch;

	if (u < 0x80 && strchr(".^$*+?{}[]\\|()", ch))
		strbuf_addch(sb, '\\');
	strbuf_addch(sb, ch);
}

/* A checked glob (check_source.c glob_problem) as a Python regular
 * expression for re.fullmatch on a key relative to the source location:
 * '**' any characters, '*' and '?' none of them '/', '[!…]' not '/' either,
 * '{a,b}' an alternative. */
static void glob_regex(struct strbuf *sb, const char *g)
{
	bool brace = false;

	for (; *g; g++) {
		if (g[0] == '*' && g[1] == '*') {
			strbuf_addstr(sb, ".*");
			while (g[1] == '*')
				g++;
		} else if (*g == '*') {
			strbuf_addstr(sb, "[^/]*");
		} else if (*g == '?') {
			strbuf_addstr(sb, "[^/]");
		} else if (*g == '[') {
			strbuf_addstr(sb, g[1] == '!' ? "[^/" : "[");
			g += 1 + (g[1] == '!');
			for (; *g != ']'; g++) {
				if (strchr("\\[]^", *g))
					strbuf_addch(sb, '\\');
				strbuf_addch(sb, *g);
			}
			strbuf_addch(sb, ']');
		} else if (*g == '{' || *g == '}') {
			strbuf_addstr(sb, *g == '{' ? "(?:" : ")");
			brace = *g == '{';
		} else if (*g == ',' && brace) {
			strbuf_addch(sb, '|');
		} else {
			g += *g == '\\';
			regex_char(sb, *g);
		}
	}
}

/* Globs as one Python regular expression (a Python literal), or "None". */
static const char *globs_regex_py(struct sctx *c, const char *const *globs, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;
	size_t i;

	if (!n)
		return "None";
	strbuf_addstr(&sb, "(?s)(?:");
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&sb, '|');
		glob_regex(&sb, globs[i]);
	}
	strbuf_addch(&sb, ')');
	r = arena_printf(c->a, "re.compile(%s)", py(c, sb.buf));
	strbuf_release(&sb);
	return r;
}

/* A location template's levels below the location read: for re.fullmatch
 * on a key relative to it (literal levels as written, a {NAME} level any
 * folder name, then a file directly in the last level whose name does not
 * start with '_' or '.'), or for Spark's regexp_extract on the object's
 * whole name (each {NAME} level a group; every level any folder name: the
 * listing matched the literal ones, and input_file_name() may %-encode
 * them). */
static const char *template_regex(struct sctx *c, const struct model_source *s, bool spark)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r, *p;
	size_t i;

	for (i = 0; i < s->npath_levels; i++) {
		const struct model_path_level *l = &s->path_levels[i];

		strbuf_addstr(&sb, i || spark ? "/" : "");
		if (l->field || spark)
			strbuf_addstr(&sb, l->field && spark ? "([^/]*)" : "[^/]*");
		else
			for (p = l->text; *p; p++)
				regex_char(&sb, *p);
	}
	strbuf_addstr(&sb, spark ? "/[^/]*$" : "/[^/_.][^/]*");
	r = spark ? py(c, sb.buf) : arena_printf(c->a, "re.compile(%s)", py(c, sb.buf));
	strbuf_release(&sb);
	return r;
}

/* A location template: the names of its {NAME} levels as a Python list. */
static void source_template(struct sctx *c, const struct model_source *s,
			    struct template_ctx *t)
{
	struct strbuf list = STRBUF_INIT;
	size_t i, n = 0;

	template_set_flag(t, "source_template", s->path_template != NULL);
	if (!s->path_template)
		return;
	strbuf_addch(&list, '[');
	for (i = 0; i < s->npath_levels; i++)
		if (s->path_levels[i].field) {
			strbuf_addstr(&list, n++ ? ", " : "");
			strbuf_addstr(&list, py(c, s->path_levels[i].text));
		}
	strbuf_addch(&list, ']');
	template_set_str(t, "template_fields_py", arena_strdup(c->a, list.buf));
	template_set_str(t, "template_py", py(c, s->path_template));
	template_set_str(t, "layout_re", template_regex(c, s, false));
	template_set_str(t, "template_spark_re_py", template_regex(c, s, true));
	strbuf_release(&list);
}

/* include, or a location template: the job lists the files itself
 * (templates/pyspark/source_s3.py.tmpl). */
static void source_include(struct sctx *c, const struct model_source *s, struct template_ctx *t)
{
	template_set_flag(t, "source_include", s->ninclusions > 0 || s->path_template);
	template_set_flag(t, "has_include", s->ninclusions > 0);
	template_set_flag(t, "recurse", s->recurse);
	template_set_str(t, "include_re", globs_regex_py(c, s->inclusions, s->ninclusions));
	template_set_str(t, "exclude_re", globs_regex_py(c, s->exclusions, s->nexclusions));
}

/* path_fields: the keys as a Python list (templates/pyspark/path_fields.py.tmpl). */
static void source_path_fields(struct sctx *c, const struct model_source *s,
			       struct template_ctx *t)
{
	struct strbuf list = STRBUF_INIT;
	size_t i;

	template_set_flag(t, "source_path_fields", s->npath_fields > 0 || s->path_template);
	template_set_flag(t, "has_path_keys", s->npath_fields > 0);
	source_template(c, s, t);
	if (!s->npath_fields)
		return;
	strbuf_addch(&list, '[');
	for (i = 0; i < s->npath_fields; i++) {
		strbuf_addstr(&list, i ? ", " : "");
		strbuf_addstr(&list, py(c, s->path_fields[i]));
	}
	strbuf_addch(&list, ']');
	template_set_str(t, "path_fields_py", arena_strdup(c->a, list.buf));
	strbuf_release(&list);
}

static void source_s3(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	const struct model_source *s = &p->source;
	enum model_format f = s->format;
	size_t i;

	template_set_flag(t, "source_s3", true);
	template_set_str(t, "source_desc", format_descs[f]);
	template_set_flag(t, "bookmarks", p->job.bookmarks);
	source_include(c, s, t);
	template_set_list(t, "connection_options");
	template_set_list(t, "format_options");
	if (s->recurse)
		opt(c, t, "connection_options", "recurse", "True");
	if (s->nexclusions) {
		struct strbuf list = STRBUF_INIT;

		/* Glue wants the globs as a JSON list inside a string. */
		strbuf_addch(&list, '[');
		for (i = 0; i < s->nexclusions; i++) {
			const char *g;

			strbuf_addstr(&list, i ? ", \"" : "\"");
			for (g = s->exclusions[i]; *g; g++) {
				if (*g == '"' || *g == '\\')
					strbuf_addch(&list, '\\');
				strbuf_addch(&list, *g);
			}
			strbuf_addch(&list, '"');
		}
		strbuf_addch(&list, ']');
		opt(c, t, "connection_options", "exclusions", py(c, list.buf));
		strbuf_release(&list);
	}
	if (s->compression)
		opt(c, t, "connection_options", "compressionType", py(c, s->compression));
	put_py(c, t, "format_py", format_names[f]);
	switch (f) {
	case MF_CSV:
		opt(c, t, "format_options", "withHeader", s->header ? "True" : "False");
		opt(c, t, "format_options", "separator", py(c, s->delimiter ? s->delimiter : ","));
		opt(c, t, "format_options", "quoteChar", py(c, s->quote ? s->quote : "\""));
		if (s->escape)
			opt(c, t, "format_options", "escaper", py(c, s->escape));
		if (s->multiline)
			opt(c, t, "format_options", "multiLine", "True");
		break;
	case MF_JSON:
	case MF_JSONL:
		if (s->multiline)
			opt(c, t, "format_options", "multiLine", "True");
		break;
	case MF_XML:
		opt(c, t, "format_options", "rowTag", py(c, s->row_tag));
		break;
	default:
		break;
	}
	template_set_flag(t, "has_format_options",
			  f == MF_CSV || f == MF_XML || ((f == MF_JSON || f == MF_JSONL) && s->multiline));
}

static void source(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	const struct model_source *s = &p->source;
	static const char *const kinds[] = {
		"source_s3", "source_jdbc", "source_snowflake", "source_bigquery",
		"source_dynamodb_export", "source_dynamodb_scan", "source_table_hive",
		"source_table_iceberg",
	};
	size_t i;

	/* The script includes exactly one source fragment. */
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		template_set_flag(t, kinds[i], false);
	template_set_flag(t, "from_query", s->query != NULL);
	template_set_flag(t, "source_include", false);
	template_set_flag(t, "has_include", false);
	source_path_fields(c, s, t);
	switch (s->kind) {
	case MS_FILE:
	case MS_S3:
		source_s3(c, p, t);
		break;
	case MS_JDBC:
		template_set_flag(t, "source_jdbc", true);
		template_set_str(t, "engine_desc", engine_descs[s->engine]);
		put_py(c, t, "connection_type_py", engine_types[s->engine]);
		template_set_flag(t, "split", s->split_column || s->split_expression);
		template_set_flag(t, "split_expression", s->split_expression != NULL);
		if (s->split_column || s->split_expression) {
			put_py(c, t, "split_key_py", s->split_column ? "hashfield" : "hashexpression");
			put_py(c, t, "split_column_py",
			       s->split_column ? s->split_column : s->split_expression);
			put_py(c, t, "split_partitions_py",
			       arena_printf(c->a, "%d", s->split_partitions > 0 ? s->split_partitions : 7));
		}
		template_set_flag(t, "redshift", s->engine == MJ_REDSHIFT);
		break;
	case MS_SNOWFLAKE:
		template_set_flag(t, "source_snowflake", true);
		template_set_flag(t, "sf_database", s->sf_database != NULL);
		template_set_flag(t, "sf_schema", s->sf_schema != NULL);
		template_set_flag(t, "sf_warehouse", s->sf_warehouse != NULL);
		break;
	case MS_BIGQUERY:
		template_set_flag(t, "source_bigquery", true);
		template_set_flag(t, "parent_project", s->bq_parent_project != NULL);
		template_set_flag(t, "materialization_dataset",
				  s->bq_materialization_dataset != NULL);
		break;
	case MS_DYNAMODB:
		if (s->ddb_export) {
			template_set_flag(t, "source_dynamodb_export", true);
			template_set_flag(t, "export_bucket", s->export_bucket != NULL);
			template_set_flag(t, "export_prefix", s->export_prefix != NULL);
		} else {
			template_set_flag(t, "source_dynamodb_scan", true);
			template_set_flag(t, "read_percent", s->read_percent != NULL);
			if (s->read_percent)
				put_py(c, t, "read_percent_py", s->read_percent);
			template_set_flag(t, "splits", s->splits > 0);
			if (s->splits > 0)
				put_py(c, t, "splits_py", arena_printf(c->a, "%d", s->splits));
		}
		break;
	case MS_TABLE:
		template_set_flag(t, s->table_format == MF_ICEBERG ? "source_table_iceberg"
								   : "source_table_hive", true);
		break;
	}
}

static const char *column_ddl(struct sctx *c, const struct model_column *col, const char *type)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	escape_spark_ident(&sb, col->name);
	strbuf_addf(&sb, " %s", type);
	r = py(c, sb.buf);
	strbuf_release(&sb);
	return r;
}

/* Iceberg's names of the partition transforms, as Spark SQL writes them. */
static const char *const transform_names[] = {
	[MP_IDENTITY] = "identity", [MP_YEARS] = "years", [MP_MONTHS] = "months",
	[MP_DAYS] = "days", [MP_HOURS] = "hours", [MP_BUCKET] = "bucket",
	[MP_TRUNCATE] = "truncate",
};

static const char *partition_expr(struct sctx *c, const struct model_partition *pt)
{
	const char *const *names = transform_names;
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	if (pt->transform == MP_IDENTITY)
		escape_spark_ident(&sb, pt->column);
	else if (pt->transform == MP_BUCKET || pt->transform == MP_TRUNCATE) {
		strbuf_addf(&sb, "%s(%d, ", names[pt->transform], pt->param);
		escape_spark_ident(&sb, pt->column);
		strbuf_addch(&sb, ')');
	} else {
		strbuf_addf(&sb, "%s(", names[pt->transform]);
		escape_spark_ident(&sb, pt->column);
		strbuf_addch(&sb, ')');
	}
	r = py(c, sb.buf);
	strbuf_release(&sb);
	return r;
}

static bool is_partition_column(const struct model_pipeline *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->npartitions; i++)
		if (!strcmp(p->partitions[i].column, name))
			return true;
	return false;
}

/* A merge key or the watermark column: added to a table that has rows, it
 * would be NULL in every one of them, so a job never adds it. */
static bool must_exist(const struct model_pipeline *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nmerge_keys; i++)
		if (p->merge_keys[i] && !strcasecmp(p->merge_keys[i], name))
			return true;
	return p->incremental.kind == MI_WATERMARK && p->incremental.column &&
	       !strcasecmp(p->incremental.column, name);
}

/* The declared partition spec as the job compares it with the live one
 * (evolve_iceberg): transform, parameter, column, and the column quoted for
 * the ALTER TABLE ... PARTITION FIELD statements.  Mode overwrite never
 * evolves the spec; its job requires the declared one (evolve_iceberg,
 * require_spec). */
static void spec_fields(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	size_t i;

	template_set_flag(t, "evolve_spec", p->mode != MM_OVERWRITE);
	template_set_list(t, "spec_fields");
	for (i = 0; i < p->npartitions; i++) {
		const struct model_partition *pt = &p->partitions[i];
		struct template_ctx *it = template_add_item(t, "spec_fields");
		bool param = pt->transform == MP_BUCKET || pt->transform == MP_TRUNCATE;

		template_set_str(it, "transform_py", py(c, transform_names[pt->transform]));
		template_set_str(it, "param_py",
				 param ? arena_printf(c->a, "%d", pt->param) : "None");
		template_set_str(it, "column_py", py(c, pt->column));
		template_set_str(it, "ident_py", py(c, sid(c, pt->column)));
	}
}

static void property(struct sctx *c, struct template_ctx *t, const char *key, const char *value)
{
	struct template_ctx *it = template_add_item(t, "properties");

	put_py(c, it, "key_py", key);
	put_py(c, it, "value_py", value);
}

/* Athena partition projection: the table properties of each projected
 * column (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html).
 * Spark writes a date partition value as yyyy-MM-dd and an integer one in
 * decimal digits, which is what these read. */
static void projection(struct sctx *c, const struct model_target *tg, struct template_ctx *t)
{
	size_t i;

	template_set_flag(t, "projection", tg->nprojections > 0);
	template_set_list(t, "properties");
	if (!tg->nprojections)
		return;
	property(c, t, "projection.enabled", "true");
	for (i = 0; i < tg->nprojections; i++) {
		const struct model_projection *p = &tg->projections[i];
		const char *k = p->column;

		property(c, t, arena_printf(c->a, "projection.%s.type", k),
			 p->kind == MPJ_DATE ? "date" : p->kind == MPJ_INTEGER ? "integer" : "enum");
		if (p->kind == MPJ_ENUM) {
			property(c, t, arena_printf(c->a, "projection.%s.values", k), p->values);
			continue;
		}
		property(c, t, arena_printf(c->a, "projection.%s.range", k), p->range);
		if (p->kind == MPJ_DATE) {
			property(c, t, arena_printf(c->a, "projection.%s.format", k), "yyyy-MM-dd");
			property(c, t, arena_printf(c->a, "projection.%s.interval", k), "1");
			property(c, t, arena_printf(c->a, "projection.%s.interval.unit", k), "DAYS");
		}
	}
}

/* Whether a parquet append keeps each row's source file (keyed_append). */
static bool keyed_files(const struct model_pipeline *p)
{
	return p->target.kind == MT_PARQUET && p->mode == MM_APPEND &&
	       p->incremental.kind == MI_NEW_FILES;
}

/* `drop column` names: dropped from an Iceberg table by evolve_iceberg,
 * from a Hive (parquet) table's column list with Glue UpdateTable by
 * evolve_parquet (which needs boto3), from a Redshift table in the load's
 * preactions (write_redshift); the identifiers are quoted for the engine
 * that reads them. */
static void drops(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	bool redshift = p->target.kind == MT_REDSHIFT;
	size_t i;

	template_set_flag(t, "drops", p->ndrop_columns > 0);
	template_set_list(t, "drop_columns");
	for (i = 0; i < p->ndrop_columns; i++) {
		struct template_ctx *it = template_add_item(t, "drop_columns");
		struct strbuf sb = STRBUF_INIT;

		template_set_str(it, "name_py", py(c, p->drop_columns[i]));
		if (redshift) {
			escape_redshift_ident(&sb, p->drop_columns[i]);
			template_set_str(it, "ident_py", py(c, sb.buf));
		} else {
			template_set_str(it, "ident_py", py(c, sid(c, p->drop_columns[i])));
		}
		strbuf_release(&sb);
	}
}

static void py_dtype(struct strbuf *sb, const struct model_dtype *dt);

/* The declared type of a column as a Python literal (py_dtype), in the
 * arena. */
static const char *dtype_py(struct sctx *c, const struct model_column *col)
{
	strbuf_reset(&c->tmp);
	py_dtype(&c->tmp, col->dtype);
	return arena_strdup(c->a, c->tmp.buf);
}

/* Schema evolution at job start: the declared columns the job adds to
 * the live table when it lacks them. Iceberg tables also widen types and
 * evolve the fields of nested columns, from the declared structure
 * (dtype_py: evolve_iceberg); a Hive (parquet) table gains data columns only, never
 * partition columns (evolve_parquet); a Redshift table gains columns in
 * the load's preactions (write_redshift). */
static void evolve(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	enum model_target_kind kind = p->target.kind;
	bool lake = kind == MT_S3TABLES || kind == MT_ICEBERG;
	size_t i;

	template_set_flag(t, "evolve_iceberg", lake);
	template_set_flag(t, "evolve_parquet", kind == MT_PARQUET);
	template_set_list(t, "evolve_columns");
	for (i = 0; (lake || kind == MT_PARQUET) && i < p->ncolumns; i++) {
		struct template_ctx *it = template_add_item(t, "evolve_columns");

		template_set_str(it, "name_py", py(c, p->columns[i].name));
		template_set_str(it, "ident_py", py(c, sid(c, p->columns[i].name)));
		template_set_str(it, "type_py", py(c, p->columns[i].spark_type));
		template_set_str(it, "dtype_py", dtype_py(c, &p->columns[i]));
		template_set_str(it, "partition_py",
				 is_partition_column(p, p->columns[i].name) ? "True" : "False");
	}
	template_set_flag(t, "renames", false);
	template_set_list(t, "rename_columns");
	for (i = 0; lake && i < p->ncolumns; i++) {
		struct template_ctx *it;

		if (!p->columns[i].renamed_from)
			continue;
		it = template_add_item(t, "rename_columns");
		template_set_str(it, "old_py", py(c, p->columns[i].renamed_from));
		template_set_str(it, "old_ident_py", py(c, sid(c, p->columns[i].renamed_from)));
		template_set_str(it, "name_py", py(c, p->columns[i].name));
		template_set_str(it, "ident_py", py(c, sid(c, p->columns[i].name)));
		template_set_flag(t, "renames", true);
	}
	spec_fields(c, p, t);
	drops(c, p, t);
	template_set_list(t, "evolve_redshift");
	for (i = 0; kind == MT_REDSHIFT && i < p->ncolumns; i++) {
		struct template_ctx *it = template_add_item(t, "evolve_redshift");
		struct strbuf sb = STRBUF_INIT;

		template_set_str(it, "name_py", py(c, p->columns[i].name));
		escape_redshift_ident(&sb, p->columns[i].name);
		strbuf_addf(&sb, " %s", p->redshift_types ? p->redshift_types[i] : "VARCHAR(65535)");
		template_set_str(it, "ddl_py", py(c, sb.buf));
		template_set_str(it, "key_py",
				 must_exist(p, p->columns[i].name) ? "True" : "False");
		strbuf_release(&sb);
	}
	if (kind == MT_REDSHIFT) {
		struct strbuf sb = STRBUF_INIT;

		escape_redshift_string(&sb, p->target.database);
		put_py(c, t, "rs_schema_lit_py", sb.buf);
		strbuf_reset(&sb);
		escape_redshift_string(&sb, p->target.table);
		put_py(c, t, "rs_table_lit_py", sb.buf);
		strbuf_release(&sb);
	}
}

static void target(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	const struct model_target *tg = &p->target;
	size_t i;
	bool lake = tg->kind == MT_S3TABLES || tg->kind == MT_ICEBERG;

	template_set_flag(t, "s3tables", tg->kind == MT_S3TABLES);
	template_set_flag(t, "target_redshift", tg->kind == MT_REDSHIFT);
	template_set_flag(t, "create_iceberg", lake && tg->create_if_missing);
	template_set_flag(t, "create_parquet", tg->kind == MT_PARQUET && tg->create_if_missing);
	evolve(c, p, t);
	template_set_flag(t, "write_iceberg", lake);
	template_set_flag(t, "write_parquet", tg->kind == MT_PARQUET);
	template_set_flag(t, "write_redshift", tg->kind == MT_REDSHIFT);
	/* One run at a time may reuse one staging table (and so clean up
	 * after a failed run); overlapping runs need one each. */
	template_set_flag(t, "per_run_staging", tg->kind == MT_REDSHIFT &&
			  p->job.max_concurrency > 1);
	template_set_flag(t, "create", tg->create_if_missing);
	template_set_flag(t, "iam_role", tg->iam_role != NULL);
	/* A retry of a bookmarked run that died after its append reads the
	 * same files again: an Iceberg append records its batch in the
	 * snapshot summary, a Redshift load in a pipec_batches table in the
	 * same transaction, and either is skipped when the newest batch
	 * matches; a Parquet append names its objects after the source file
	 * of their rows, so a retry replaces what the failed run wrote. */
	template_set_flag(t, "append_once", p->mode == MM_APPEND &&
			  p->incremental.kind == MI_NEW_FILES);
	template_set_flag(t, "append", p->mode == MM_APPEND);
	template_set_flag(t, "merge", p->mode == MM_MERGE);
	template_set_flag(t, "overwrite", p->mode == MM_OVERWRITE && tg->kind != MT_REDSHIFT);
	/* Redshift has no partitions: the checker allows only replace there,
	 * and an overwrite that reached this point means the same. */
	template_set_flag(t, "replace", p->mode == MM_REPLACE ||
					(p->mode == MM_OVERWRITE && tg->kind == MT_REDSHIFT));
	template_set_flag(t, "partitioned", p->npartitions > 0);

	template_set_list(t, "columns");
	if (tg->kind == MT_PARQUET) {
		/* Hive keeps partition columns last, in partition order. */
		for (i = 0; i < p->ncolumns; i++)
			if (!is_partition_column(p, p->columns[i].name))
				template_set_str(template_add_item(t, "columns"), "ddl_py",
						 column_ddl(c, &p->columns[i], p->columns[i].spark_type));
		for (i = 0; i < p->npartitions; i++) {
			const struct model_column *col = model_find_column(p, p->partitions[i].column);

			if (col)
				template_set_str(template_add_item(t, "columns"), "ddl_py",
						 column_ddl(c, col, col->spark_type));
		}
	} else {
		for (i = 0; i < p->ncolumns; i++) {
			const char *type = p->columns[i].spark_type;
			struct strbuf sb = STRBUF_INIT;

			if (tg->kind == MT_REDSHIFT) {
				escape_redshift_ident(&sb, p->columns[i].name);
				strbuf_addf(&sb, " %s", p->redshift_types ? p->redshift_types[i]
									 : "VARCHAR(65535)");
				template_set_str(template_add_item(t, "columns"), "ddl_py", py(c, sb.buf));
			} else {
				template_set_str(template_add_item(t, "columns"), "ddl_py",
						 column_ddl(c, &p->columns[i], type));
			}
			strbuf_release(&sb);
		}
	}
	template_set_list(t, "partitions");
	for (i = 0; i < p->npartitions; i++) {
		const char *e;

		if (tg->kind == MT_PARQUET)
			e = py(c, sid(c, p->partitions[i].column));
		else
			e = partition_expr(c, &p->partitions[i]);
		template_set_str(template_add_item(t, "partitions"), "expr_py", e);
	}
	if (tg->kind == MT_PARQUET) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addstr(&sb, " OPTIONS ('compression' = ");
		escape_spark_string(&sb, tg->compression ? tg->compression : "snappy");
		strbuf_addch(&sb, ')');
		put_py(c, t, "options_py", sb.buf);
		strbuf_release(&sb);
		/* the write follows the live table's column order, by name */
		template_set_list(t, "order");
		for (i = 0; i < p->ncolumns; i++)
			put_py(c, template_add_item(t, "order"), "name_py", p->columns[i].name);
	}

	projection(c, tg, t);
	template_set_list(t, "insert_columns");
	for (i = 0; tg->kind == MT_REDSHIFT && i < p->ncolumns; i++) {
		struct strbuf sb = STRBUF_INIT;

		escape_redshift_ident(&sb, p->columns[i].name);
		put_py(c, template_add_item(t, "insert_columns"), "col_py", sb.buf);
		strbuf_release(&sb);
	}

	template_set_list(t, "keys");
	for (i = 0; i < p->nmerge_keys; i++) {
		struct template_ctx *k = template_add_item(t, "keys");
		struct strbuf sb = STRBUF_INIT;
		const char *q = sid(c, p->merge_keys[i]);

		put_py(c, k, "col_py", q);
		escape_redshift_ident(&sb, p->merge_keys[i]);
		put_py(c, k, "redshift_py", sb.buf);
		put_py(c, k, "name_py", p->merge_keys[i]);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "t.%s = s.%s", q, q);
		put_py(c, k, "on_py", sb.buf);
		strbuf_release(&sb);
	}
}

/* Parquet append once per source file (templates/pyspark/write_parquet.py.tmpl):
 * each row keeps the S3 object it was read from (_pipec_file), and the
 * write needs the partition columns by name and the table's compression. */
static void keyed_append(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	const struct model_target *tg = &p->target;
	bool keyed = keyed_files(p);
	size_t i;

	template_set_flag(t, "keyed_files", keyed);
	/* boto3: the once-only append's S3 objects, the listing of an include
	 * glob or a location template, a parquet table's column drop (Glue
	 * UpdateTable) */
	template_set_flag(t, "uses_boto3", keyed || p->source.ninclusions ||
			  p->source.path_template ||
			  (tg->kind == MT_PARQUET && p->ndrop_columns > 0));
	template_set_list(t, "partition_names");
	if (!keyed)
		return;
	for (i = 0; i < p->npartitions; i++)
		put_py(c, template_add_item(t, "partition_names"), "name_py",
		       p->partitions[i].column);
	put_py(c, t, "compression_py", tg->compression ? tg->compression : "snappy");
}

static bool is_merge_key(const struct model_pipeline *p, const char *name)
{
	for (size_t i = 0; i < p->nmerge_keys; i++)
		if (!strcmp(p->merge_keys[i], name))
			return true;
	return false;
}

/* Spark MERGE names every declared column, so that the target's other
 * columns are left as they are: merge_set (non-key columns, for UPDATE
 * SET) and merge_columns (all of them, for INSERT). */
static void merge_columns(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	bool update = false;
	size_t i;

	template_set_list(t, "merge_set");
	template_set_list(t, "merge_columns");
	for (i = 0; p->mode == MM_MERGE && i < p->ncolumns; i++) {
		const char *q = sid(c, p->columns[i].name);

		put_py(c, template_add_item(t, "merge_columns"), "col_py", q);
		if (is_merge_key(p, p->columns[i].name))
			continue;
		put_py(c, template_add_item(t, "merge_set"), "set_py",
		       arena_printf(c->a, "t.%s = s.%s", q, q));
		update = true;
	}
	template_set_flag(t, "merge_update", update);
}

static void incremental(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	const struct model_incremental_spec *in = &p->incremental;
	bool wm = (in->kind == MI_WATERMARK || in->kind == MI_PARTITION) && in->column;
	const char *kind = p->watermark_kind ? p->watermark_kind : "string";
	const char *src = in->source_column ? in->source_column : in->column;
	/* JDBC, Snowflake and BigQuery sources filter in their own SQL. */
	bool sql = wm && p->watermark_sql_column;
	bool jdbc = sql && p->source.kind == MS_JDBC;
	bool bq_table = sql && p->source.kind == MS_BIGQUERY && !p->source.query;
	/* Hive tables prune partitions in the catalog; Iceberg prunes by itself. */
	bool pushdown = wm && in->kind == MI_PARTITION && p->source.kind == MS_TABLE &&
			p->source.table_format != MF_ICEBERG;

	template_set_flag(t, "watermark", wm);
	template_set_flag(t, "jdbc_watermark", jdbc);
	template_set_flag(t, "sql_watermark", sql);
	template_set_flag(t, "bq_table_filter", bq_table);
	/* The connector's 'filter' option of a BigQuery table read is not in
	 * Glue's BigQuery option list (only in the spark-bigquery connector's
	 * README): Spark applies the predicate again, so rows past the
	 * watermark are all that is kept even if Glue dropped the option. */
	template_set_flag(t, "spark_filter", wm && (!sql || bq_table));
	template_set_flag(t, "has_initial", in->initial != NULL);
	template_set_flag(t, "wm_timestamp", !strcmp(kind, "timestamp"));
	template_set_flag(t, "wm_date", !strcmp(kind, "date"));
	template_set_flag(t, "wm_integer", !strcmp(kind, "integer"));
	template_set_flag(t, "wm_string", !strcmp(kind, "string"));
	template_set_flag(t, "partition_pushdown", pushdown);
	/* A date or a partition may have grown since it was loaded: later
	 * runs read it again (>=); timestamps and integers are exact (>). */
	template_set_flag(t, "wm_reread", !strcmp(kind, "date") || in->kind == MI_PARTITION);
	template_set_flag(t, "uses_datetime",
			  p->quarantine != NULL ||
			  (wm && (sql || pushdown || !strcmp(kind, "timestamp") ||
				  !strcmp(kind, "date"))));
	if (!wm)
		return;
	put_py(c, t, "wm_column_py", in->column);
	put_py(c, t, "wm_target_col_py", sid(c, in->column));
	put_py(c, t, "wm_source_col_py", sid(c, src));
	{
		struct strbuf sb = STRBUF_INIT;

		escape_redshift_ident(&sb, in->column);
		put_py(c, t, "wm_redshift_col_py", sb.buf);
		if (p->target.kind == MT_REDSHIFT && p->target.database && p->target.table) {
			/* the names as information_schema holds them, as literals */
			strbuf_reset(&sb);
			escape_redshift_string(&sb, p->target.database);
			put_py(c, t, "wm_redshift_schema_lit_py", sb.buf);
			strbuf_reset(&sb);
			escape_redshift_string(&sb, p->target.table);
			put_py(c, t, "wm_redshift_table_lit_py", sb.buf);
		}
		strbuf_release(&sb);
	}
	if (sql) {
		put_py(c, t, "wm_sql_column_py", p->watermark_sql_column);
		put_py(c, t, "wm_sql_literal_py", p->watermark_sql_literal);
	}
}

/* A declared type as the Python literal the conform fragment reads:
 * "decimal(10,2)", ("array", T), ("map", K, V), ("struct", [("a", T), ...]). */
static void py_dtype(struct strbuf *sb, const struct model_dtype *dt)
{
	size_t i;

	switch (dt->type) {
	case MT_ARRAY:
		strbuf_addstr(sb, "(\"array\", ");
		py_dtype(sb, dt->elem);
		strbuf_addch(sb, ')');
		return;
	case MT_MAP:
		strbuf_addstr(sb, "(\"map\", ");
		py_dtype(sb, dt->key);
		strbuf_addstr(sb, ", ");
		py_dtype(sb, dt->value);
		strbuf_addch(sb, ')');
		return;
	case MT_STRUCT:
		strbuf_addstr(sb, "(\"struct\", [");
		for (i = 0; i < dt->nfields; i++) {
			strbuf_addstr(sb, i ? ", (" : "(");
			escape_python(sb, dt->field_names[i]);
			strbuf_addstr(sb, ", ");
			py_dtype(sb, dt->field_types[i]);
			strbuf_addch(sb, ')');
		}
		strbuf_addstr(sb, "])");
		return;
	default:
		escape_python(sb, dt->spark);
		return;
	}
}

static const char *py_how(struct sctx *c, const struct model_column *col)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	if (col->parse == MPARSE_CAST)
		return "None";
	strbuf_addstr(&sb, col->parse == MPARSE_FORMAT ? "(\"format\", " : "(\"epoch\", ");
	escape_python(&sb, col->parse_arg);
	strbuf_addch(&sb, ')');
	r = arena_strdup(c->a, sb.buf);
	strbuf_release(&sb);
	return r;
}

static const char *const cast_policy_words[] = {
	[MCAST_FAIL] = "fail", [MCAST_DROP] = "drop", [MCAST_NULL] = "null",
};

static const char *const cast_policy_descs[] = {
	[MCAST_FAIL] = "the run fails, before anything is written",
	[MCAST_DROP] = "those rows are not loaded",
	[MCAST_NULL] = "those values are loaded as NULL",
};

static void columns(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	bool req = false;

	size_t n;
	const struct model_column *cols = model_input_columns(p, &n, NULL);

	template_set_list(t, "required");
	template_set_list(t, "select");
	for (i = 0; i < n; i++) {
		const struct model_column *col = &cols[i];
		struct template_ctx *it;

		if (col->derived_sql || col->joined)
			continue;	/* derives(), joins(): computed after the read */
		it = template_add_item(t, "select");

		put_py(c, it, "name_py", col->name);
		put_py(c, it, "field_py", col->source_field ? col->source_field : col->name);
		strbuf_reset(&sb);
		py_dtype(&sb, col->dtype);
		template_set_str(it, "type_py", arena_strdup(c->a, sb.buf));
		template_set_str(it, "how_py", py_how(c, col));
		if (col->required) {
			put_py(c, template_add_item(t, "required"), "name_py", col->name);
			req = true;
		}
	}
	strbuf_release(&sb);
	template_set_flag(t, "has_required", req);
	template_set_flag(t, "cast_fail", p->cast_policy == MCAST_FAIL);
	template_set_flag(t, "cast_drop", p->cast_policy == MCAST_DROP);
	template_set_flag(t, "cast_null", p->cast_policy == MCAST_NULL);
	template_set_str(t, "cast_policy", cast_policy_words[p->cast_policy]);
	template_set_str(t, "cast_policy_desc", cast_policy_descs[p->cast_policy]);
	template_set_flag(t, "quarantine", p->quarantine != NULL);
	template_set_flag(t, "any_bad", p->quarantine != NULL || p->cast_policy == MCAST_DROP);
}

/* `join` clauses (templates/pyspark/join.py.tmpl), after the columns step
 * and before the derives. */
static void joins(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	template_set_list(t, "joins");
	for (size_t i = 0; i < p->njoins; i++) {
		const struct model_join *j = &p->joins[i];
		struct template_ctx *it = template_add_item(t, "joins");
		size_t k;

		template_set_str(it, "index", arena_printf(c->a, "%zu", i + 1));
		template_set_str(it, "how_words", j->inner ? "an inner" : "a left");
		put_py(c, it, "how_py", j->inner ? "inner" : "left");
		template_set_flag(it, "inner", j->inner);
		template_set_flag(it, "hive", j->format != MF_ICEBERG);
		template_set_flag(it, "iceberg", j->format == MF_ICEBERG);
		template_set_flag(it, "broadcast", j->broadcast);
		put_py(c, it, "qual_py", arena_printf(c->a, "%s.%s", j->database, j->table));
		put_py(c, it, "arg_table_py", j->arg_table);
		if (j->arg_database)
			put_py(c, it, "arg_database_py", j->arg_database);
		put_py(c, it, "on_py", j->on_sql);
		template_set_list(it, "join_columns");
		for (k = 0; k < j->ncolumns; k++) {
			struct template_ctx *jc = template_add_item(it, "join_columns");

			put_py(c, jc, "name_py", j->columns[k].name);
			put_py(c, jc, "internal_py", j->columns[k].internal);
			if (j->columns[k].spark_type)
				put_py(c, jc, "type_py", j->columns[k].spark_type);
			else
				template_set_str(jc, "type_py", "None");
		}
		template_set_list(it, "join_keys");
		for (k = 0; k < j->nkeys; k++) {
			struct template_ctx *jk = template_add_item(it, "join_keys");

			put_py(c, jk, "sql_py", j->keys[k].dim_sql);
			put_py(c, jk, "label_py", j->keys[k].label);
		}
		template_set_list(it, "join_filters");
		for (k = 0; k < j->ndim_terms; k++)
			put_py(c, template_add_item(it, "join_filters"), "sql_py", j->dim_terms[k]);
		template_set_flag(it, "has_join_filters", j->ndim_terms > 0);
		template_set_list(it, "join_take");
		for (k = 0; k < p->ncolumns; k++) {
			const struct model_column *col = &p->columns[k];
			struct template_ctx *jt;

			if (col->joined != j)
				continue;
			jt = template_add_item(it, "join_take");
			for (size_t m = 0; m < j->ncolumns; m++)
				if (!strcmp(j->columns[m].name, col->joined_column))
					put_py(c, jt, "internal_py", j->columns[m].internal);
			put_py(c, jt, "name_py", col->name);
		}
	}
}

/* `derive` columns and `filter` conditions (templates/pyspark/derive.py.tmpl):
 * Spark SQL expressions, checked by check_expr.c. */
static void derives(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	size_t i, n, nderived;
	const struct model_column *cols = model_input_columns(p, &n, &nderived);

	template_set_flag(t, "derives", nderived > 0);
	template_set_list(t, "derived");
	for (i = 0; i < n; i++) {
		const struct model_column *col = &cols[i];
		struct template_ctx *it;

		if (!col->derived_sql)
			continue;
		it = template_add_item(t, "derived");
		put_py(c, it, "name_py", col->name);
		put_py(c, it, "sql_py", col->derived_sql);
		put_py(c, it, "type_py", col->spark_type);
	}
	template_set_flag(t, "dedupe_rows", p->ndedupe_keys > 0);
	template_set_list(t, "dedupe_keys");
	for (i = 0; i < p->ndedupe_keys; i++)
		put_py(c, template_add_item(t, "dedupe_keys"), "col_py", sid(c, p->dedupe_keys[i]));
	template_set_flag(t, "dedupe_by", p->dedupe_by != NULL);
	if (p->dedupe_by) {
		put_py(c, t, "dedupe_by_py", sid(c, p->dedupe_by));
		put_py(c, t, "dedupe_by_name_py", p->dedupe_by);
		template_set_str(t, "dedupe_which", p->dedupe_smallest ? "smallest" : "greatest");
		template_set_str(t, "dedupe_order", p->dedupe_smallest ? "asc_nulls_last"
								       : "desc_nulls_last");
	}
	template_set_flag(t, "filters", p->nfilters > 0);
	template_set_list(t, "filter_list");
	for (i = 0; i < p->nfilters; i++)
		put_py(c, template_add_item(t, "filter_list"), "sql_py", p->filters[i].sql);
}

/* The PySpark call of one aggregate column (templates/pyspark/aggregate.py.tmpl):
 * its argument and order are Spark SQL, checked by check_expr.c. */
static const char *aggregate_call(struct sctx *c, const struct model_aggregate *g)
{
	static const char *const calls[] = {
		[MA_COUNT] = "F.count", [MA_COUNT_DISTINCT] = "F.count_distinct",
		[MA_SUM] = "F.sum", [MA_AVG] = "F.avg", [MA_MIN] = "F.min", [MA_MAX] = "F.max",
		[MA_FIRST] = "first_by", [MA_LAST] = "last_by",
	};
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	if (g->fn == MA_COUNT_ROWS) {
		strbuf_addstr(&sb, "F.count(F.lit(1))");
	} else {
		strbuf_addf(&sb, "%s(F.expr(%s)", calls[g->fn], py(c, g->arg_sql));
		if (g->order_sql)
			strbuf_addf(&sb, ", F.expr(%s)", py(c, g->order_sql));
		strbuf_addch(&sb, ')');
	}
	r = arena_strdup(c->a, sb.buf);
	strbuf_release(&sb);
	return r;
}

/* `aggregate` (templates/pyspark/aggregate.py.tmpl): group keys, then the
 * aggregate columns, each cast to its declared type. */
static void aggregate(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	size_t i;
	bool by = false;

	template_set_flag(t, "aggregate", p->aggregated);
	template_set_flag(t, "keep_if_empty", p->aggregated);
	template_set_list(t, "group_keys");
	template_set_list(t, "aggregates");
	for (i = 0; i < p->ngroup_keys; i++)
		put_py(c, template_add_item(t, "group_keys"), "col_py", sid(c, p->group_keys[i]));
	for (i = 0; i < p->naggregates; i++) {
		const struct model_aggregate *g = &p->aggregates[i];
		const struct model_column *col = model_find_column(p, g->name);
		struct template_ctx *it = template_add_item(t, "aggregates");

		put_py(c, it, "name_py", g->name);
		template_set_str(it, "call", aggregate_call(c, g));
		put_py(c, it, "type_py", col->spark_type);
		by = by || g->order_sql;
	}
	template_set_flag(t, "aggregate_by", by);
	template_set_flag(t, "grouped", p->ngroup_keys > 0);
}

static bool validation(struct sctx *c, const struct model_pipeline *p, struct template_ctx *t)
{
	struct strbuf dq = STRBUF_INIT;
	const char *line, *nl;
	size_t i;
	bool src = false, rules;

	template_set_flag(t, "validates", p->validates);
	template_set_flag(t, "fail", p->validation.fail_on_error);
	template_set_flag(t, "count_matches_source", false);
	template_set_flag(t, "dq_rules", false);
	template_set_list(t, "dq_lines");
	if (!p->validates)
		return false;
	for (i = 0; i < p->validation.nrules; i++)
		if (p->validation.rules[i].kind == MR_ROW_COUNT_MATCHES_SOURCE)
			src = true;
	template_set_flag(t, "count_matches_source", src);
	rules = emit_dqdl(p, &dq) > 0;
	template_set_flag(t, "dq_rules", rules);
	for (line = dq.buf; *line; line = nl ? nl + 1 : line + strlen(line)) {
		char *l;

		nl = strchr(line, '\n');
		l = arena_strndup(c->a, line, nl ? (size_t)(nl - line) : strlen(line));
		put_py(c, template_add_item(t, "dq_lines"), "line_py", l);
		if (!nl)
			break;
	}
	strbuf_release(&dq);
	return rules;
}

/* PEP 8 asks for 79 columns; a long user-given name cannot be wrapped
 * inside a string literal, so such a line is marked as accepted. */
/* Appends sb to out with "  # noqa: E501" after every line longer than
 * 79 bytes; the text between two long lines is copied at once. */
static void mark_long_lines(const struct strbuf *sb, struct strbuf *out)
{
	const char *line = sb->buf, *end = sb->buf + sb->len, *copied = sb->buf;

	strbuf_grow(out, sb->len + 256);
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;

		if (eol - line > 79) {
			strbuf_add(out, copied, (size_t)(eol - copied));
			strbuf_addstr(out, "  # noqa: E501");
			copied = eol;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	strbuf_add(out, copied, (size_t)(end - copied));
}

int emit_script(const struct model_project *mp, const struct model_pipeline *p,
		const struct template_set *ts, struct strbuf *out, struct strbuf *err)
{
	struct arena a = ARENA_INIT;
	struct sctx c = { &a, STRBUF_INIT };
	struct template_ctx *t;
	struct strbuf script = STRBUF_INIT;
	size_t i;
	bool dq;
	int rc;

	(void)mp;
	arena_init(&a);
	t = template_ctx_new(&a, NULL);
	put_py(&c, t, "pipeline_py", p->name);
	put_py(&c, t, "pipe_file_py", p->file);
	template_set_str(t, "pipec_version", PIPEC_VERSION);
	{
		struct strbuf lines = STRBUF_INIT;

		emit_schema_lines(p, &lines);
		template_set_str(t, "schema_lines",	/* without the last newline */
				 arena_strndup(&a, lines.buf, lines.len ? lines.len - 1 : 0));
		strbuf_release(&lines);
	}
	put_py(&c, t, "docstring_py", p->description ? p->description
				      : arena_printf(&a, "Load pipeline %s.", p->name));
	template_set_list(t, "args");
	for (i = 0; i < p->job.script_args.count; i++)
		put_py(&c, template_add_item(t, "args"), "name_py", p->job.script_args.items[i].key);

	target(&c, p, t);
	keyed_append(&c, p, t);
	source(&c, p, t);
	incremental(&c, p, t);
	columns(&c, p, t);
	joins(&c, p, t);
	derives(&c, p, t);
	aggregate(&c, p, t);
	dq = validation(&c, p, t);

	merge_columns(&c, p, t);
	template_set_flag(t, "dedupe", p->mode == MM_MERGE);
	template_set_flag(t, "order_col", p->dedupe_order_column != NULL);
	if (p->dedupe_order_column) {
		put_py(&c, t, "order_col_py", sid(&c, p->dedupe_order_column));
		put_py(&c, t, "order_name_py", p->dedupe_order_column);
	}
	template_set_flag(t, "uses_window", (p->mode == MM_MERGE && p->dedupe_order_column != NULL) ||
					    p->dedupe_by != NULL);
	template_set_flag(t, "uses_dynamicframe",
			  dq || p->target.kind == MT_REDSHIFT || p->source.ninclusions ||
				  p->source.path_template);
	template_set_flag(t, "uses_spark_string",
			  (p->target.create_if_missing &&
			   (p->target.kind == MT_ICEBERG || p->target.kind == MT_PARQUET)) ||
			  (p->incremental.kind == MI_PARTITION && p->source.kind == MS_TABLE &&
			   p->source.table_format != MF_ICEBERG) ||
			  p->target.nprojections > 0);

	rc = template_render(ts, "job.py.tmpl", t, &script, err);
	if (rc == 0)
		mark_long_lines(&script, out);
	strbuf_release(&script);
	strbuf_release(&c.tmp);
	arena_release(&a);
	return rc;
}
