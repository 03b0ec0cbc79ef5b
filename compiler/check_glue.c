#include "check_glue.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "strbuf.h"
#include "xalloc.h"

/* A kvlist under construction; sorted and frozen into the arena at the end. */
struct kvb {
	struct model_kv *items;
	size_t n, alloc;
};

static void kvb_put(struct kvb *b, struct arena *a, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->items[i].key, key)) {
			b->items[i].value = value;
			return;
		}
	XGROW(b->items, b->alloc, b->n + 1);
	b->items[b->n].key = arena_strdup(a, key);
	b->items[b->n].value = value;
	b->n++;
}

static int cmp_kv(const void *x, const void *y)
{
	return strcmp(((const struct model_kv *)x)->key, ((const struct model_kv *)y)->key);
}

static struct model_kvlist kvb_freeze(struct kvb *b, struct arena *a, const struct model_kvlist *base)
{
	struct model_kvlist l;
	size_t i;

	/* Keep what the checker already put there; derived values win. */
	if (base)
		for (i = 0; i < base->count; i++) {
			size_t k;

			for (k = 0; k < b->n; k++)
				if (!strcmp(b->items[k].key, base->items[i].key))
					break;
			if (k == b->n)
				kvb_put(b, a, base->items[i].key, base->items[i].value);
		}
	l.count = b->n;
	l.items = arena_array(a, b->n + 1, sizeof(*l.items));
	if (b->n)
		memcpy(l.items, b->items, b->n * sizeof(*l.items));
	qsort(l.items, l.count, sizeof(*l.items), cmp_kv);
	free(b->items);
	memset(b, 0, sizeof(*b));
	return l;
}

static char *spark_name(struct arena *a, const char *catalog, const char *db, const char *t)
{
	struct strbuf sb = STRBUF_INIT;
	char *r;

	if (catalog) {
		strbuf_addstr(&sb, catalog);
		strbuf_addch(&sb, '.');
	}
	escape_spark_ident(&sb, db);
	strbuf_addch(&sb, '.');
	escape_spark_ident(&sb, t);
	r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return r;
}

static char *athena_name(struct arena *a, const char *catalog, const char *db, const char *t)
{
	struct strbuf sb = STRBUF_INIT;
	char *r;

	if (catalog) {
		escape_athena_ident(&sb, catalog);
		strbuf_addch(&sb, '.');
	}
	escape_athena_ident(&sb, db);
	strbuf_addch(&sb, '.');
	escape_athena_ident(&sb, t);
	r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return r;
}

static char *redshift_name(struct arena *a, const char *schema, const char *t, const char *suffix)
{
	struct strbuf sb = STRBUF_INIT, tn = STRBUF_INIT;
	char *r;

	strbuf_addf(&tn, "%s%s", t, suffix);
	escape_redshift_ident(&sb, schema);
	strbuf_addch(&sb, '.');
	escape_redshift_ident(&sb, tn.buf);
	r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	strbuf_release(&tn);
	return r;
}

static const char *redshift_type(struct arena *a, const struct model_column *c)
{
	switch (c->type) {
	case MT_STRING: return "VARCHAR(65535)";
	case MT_BOOLEAN: return "BOOLEAN";
	case MT_TINYINT:
	case MT_SMALLINT: return "SMALLINT";
	case MT_INT: return "INTEGER";
	case MT_BIGINT: return "BIGINT";
	case MT_FLOAT: return "REAL";
	case MT_DOUBLE: return "DOUBLE PRECISION";
	case MT_DECIMAL: return arena_printf(a, "DECIMAL(%d,%d)", c->precision, c->scale);
	case MT_DATE: return "DATE";
	case MT_TIMESTAMP: return "TIMESTAMP";
	case MT_BINARY: return "VARBYTE";
	case MT_ARRAY:
	case MT_MAP:
	case MT_STRUCT: return "SUPER";
	}
	return "VARCHAR(65535)";
}

static const char *watermark_kind(const struct model_column *c)
{
	switch (c ? c->type : MT_STRING) {
	case MT_TIMESTAMP: return "timestamp";
	case MT_DATE: return "date";
	case MT_TINYINT: case MT_SMALLINT: case MT_INT: case MT_BIGINT: return "integer";
	default: return "string";
	}
}

static bool reserved_word(const char *s)
{
	/* The SQL words a table or column is most often named after. */
	static const char *const words[] = {
		"all", "and", "as", "between", "by", "case", "check", "column", "create",
		"date", "default", "delete", "desc", "distinct", "drop", "else", "end",
		"from", "grant", "group", "having", "in", "index", "insert", "into", "is",
		"join", "key", "level", "like", "limit", "not", "null", "number", "of", "on",
		"or", "order", "primary", "range", "rows", "select", "session", "set",
		"size", "table", "to", "union", "update", "user", "values", "view", "when",
		"where", "with",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *a = s, *b = words[i];

		while (*a && *b && (*a | 0x20) == *b)
			a++, b++;
		if (!*a && !*b)
			return true;
	}
	return false;
}

/* Whether the engine reads name unquoted as exactly name: an identifier
 * in the case the engine folds unquoted names to (PostgreSQL and Redshift
 * lower, Oracle upper; MySQL and SQL Server do not fold), not a reserved
 * word. */
bool check_glue_jdbc_plain(enum model_jdbc_engine e, const char *s)
{
	const char *p;

	if (!*s || (*s >= '0' && *s <= '9') || reserved_word(s))
		return false;
	for (p = s; *p; p++) {
		bool lower = *p >= 'a' && *p <= 'z', upper = *p >= 'A' && *p <= 'Z';

		if (!(lower || upper || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
		if ((upper && (e == MJ_POSTGRESQL || e == MJ_REDSHIFT || e == MJ_NONE)) ||
		    (lower && e == MJ_ORACLE))
			return false;
	}
	return true;
}

/* name as an identifier of the engine's SQL, quoted only when needed. */
static void jdbc_ident(struct strbuf *sb, enum model_jdbc_engine e, const char *name)
{
	char open = e == MJ_MYSQL ? '`' : e == MJ_SQLSERVER ? '[' : '"';
	char close = e == MJ_MYSQL ? '`' : e == MJ_SQLSERVER ? ']' : '"';
	const char *s;

	if (check_glue_jdbc_plain(e, name)) {
		strbuf_addstr(sb, name);
		return;
	}
	strbuf_addch(sb, open);
	for (s = name; *s; s++) {
		if (*s == close)
			strbuf_addch(sb, close);
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, close);
}

/* The source column as its database spells it, quoted only when needed. */
static const char *jdbc_column(struct arena *a, enum model_jdbc_engine e, const char *col)
{
	struct strbuf sb = STRBUF_INIT;
	char *r;

	jdbc_ident(&sb, e, col);
	r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return r;
}

/* A JDBC table as SQL: each part quoted for the engine where needed. */
static const char *jdbc_table(struct arena *a, const struct model_source *s)
{
	struct strbuf sb = STRBUF_INIT;
	char *r;

	if (!s->jdbc_table)
		return s->table;
	if (s->jdbc_schema) {
		jdbc_ident(&sb, s->engine, s->jdbc_schema);
		strbuf_addch(&sb, '.');
	}
	jdbc_ident(&sb, s->engine, s->jdbc_table);
	r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return r;
}

static const char *jdbc_literal(enum model_jdbc_engine e, const char *kind)
{
	bool sqlserver = e == MJ_SQLSERVER;

	if (!strcmp(kind, "timestamp"))
		return sqlserver ? "CAST('{}' AS DATETIME2)" : "TIMESTAMP '{}'";
	if (!strcmp(kind, "date"))
		return sqlserver ? "CAST('{}' AS DATE)" : "DATE '{}'";
	if (!strcmp(kind, "integer"))
		return "{}";
	return "'{}'";
}

/* A watermark column in Snowflake or BigQuery SQL.  Snowflake folds an
 * unquoted name to upper case and the Spark side resolves names without
 * regard to case, so a plain name stays bare (as in the declared table);
 * any other is quoted exactly, with '"' doubled.  BigQuery names ignore
 * case: every one is backquoted, with '`' and '\' escaped. */
static const char *warehouse_column(struct arena *a, enum model_source_kind k, const char *col)
{
	struct strbuf sb = STRBUF_INIT;
	const char *c;
	char *r;

	if (k == MS_SNOWFLAKE) {
		/* Any case, not a reserved word: the SQL Server rule. */
		if (check_glue_jdbc_plain(MJ_SQLSERVER, col)) {
			strbuf_addstr(&sb, col);
		} else {
			strbuf_addch(&sb, '"');
			for (c = col; *c; c++) {
				if (*c == '"')
					strbuf_addch(&sb, '"');
				strbuf_addch(&sb, *c);
			}
			strbuf_addch(&sb, '"');
		}
	} else {
		strbuf_addch(&sb, '`');
		for (c = col; *c; c++) {
			if (*c == '`' || *c == '\\')
				strbuf_addch(&sb, '\\');
			strbuf_addch(&sb, *c);
		}
		strbuf_addch(&sb, '`');
	}
	r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return r;
}

/* Both warehouses compare a column with a string literal by converting the
 * string to the column's type (DATE, TIMESTAMP, DATETIME, TIMESTAMP_NTZ …),
 * so one form fits whichever type the source declares.  The bound is
 * written in UTC, the Spark session time zone of Glue jobs; BigQuery reads
 * a zone-less TIMESTAMP string as UTC, Snowflake in its session time zone,
 * which the Spark connector aligns with Spark's (option sfTimezone). */
static const char *warehouse_literal(const char *kind)
{
	return !strcmp(kind, "integer") ? "{}" : "'{}'";
}

static bool uses_glue_catalog(const struct model_pipeline *p)
{
	for (size_t i = 0; i < p->njoins; i++)
		if (p->joins[i].format == MF_ICEBERG)
			return true;
	return p->target.kind == MT_ICEBERG ||
	       (p->source.kind == MS_TABLE && p->source.table_format == MF_ICEBERG);
}

static const char *with_slash(struct arena *a, const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == '/' ? s : arena_printf(a, "%s/", s);
}

static void derive_target_names(const struct model_project *mp, struct model_pipeline *p,
				struct arena *a)
{
	struct model_target *t = &p->target;

	/* The checker names the target; these fill only what it left open. */
	switch (t->kind) {
	case MT_S3TABLES:
		if (!t->spark_catalog)
			t->spark_catalog = "s3tablescatalog";
		if (!t->table_bucket)
			t->table_bucket = mp->env.table_bucket;
		if (!t->table_bucket_arn && t->table_bucket && mp->env.region && mp->env.account)
			t->table_bucket_arn = arena_printf(a, "arn:aws:s3tables:%s:%s:bucket/%s",
							   mp->env.region, mp->env.account,
							   t->table_bucket);
		if (!t->spark_ident)
			t->spark_ident = spark_name(a, t->spark_catalog, t->database, t->table);
		if (!t->athena_ident && t->table_bucket) {
			char *cat = arena_printf(a, "s3tablescatalog/%s", t->table_bucket);

			t->athena_ident = athena_name(a, cat, t->database, t->table);
		}
		break;
	case MT_ICEBERG:
		if (!t->spark_catalog)
			t->spark_catalog = "glue_catalog";
		/* fallthrough */
	case MT_PARQUET:
		if (!t->spark_ident)
			t->spark_ident = spark_name(a, t->spark_catalog, t->database, t->table);
		if (!t->athena_ident)
			t->athena_ident = athena_name(a, NULL, t->database, t->table);
		break;
	case MT_REDSHIFT:
		break;
	}
}

/* ---- what the script reads as job arguments ---- */

/* file, s3 */
static void path_args(struct kvb *args, struct model_pipeline *p, struct arena *a)
{
	kvb_put(args, a, "source_path", p->source.path);
}

/* jdbc, snowflake, bigquery */
static void connector_args(struct kvb *args, struct model_pipeline *p, struct arena *a)
{
	const struct model_source *s = &p->source;

	kvb_put(args, a, "source_connection", s->connection);
	if (s->query)
		kvb_put(args, a, "source_query", s->query);
	else if (s->kind == MS_JDBC)
		kvb_put(args, a, "source_table", jdbc_table(a, s));
	else
		kvb_put(args, a, "source_table", s->table);
	if (s->kind == MS_SNOWFLAKE) {
		if (s->sf_database)
			kvb_put(args, a, "source_sf_database", s->sf_database);
		if (s->sf_schema)
			kvb_put(args, a, "source_sf_schema", s->sf_schema);
		if (s->sf_warehouse)
			kvb_put(args, a, "source_sf_warehouse", s->sf_warehouse);
	}
	if (s->kind == MS_BIGQUERY && s->bq_parent_project)
		kvb_put(args, a, "source_parent_project", s->bq_parent_project);
	if (s->kind == MS_BIGQUERY && s->bq_materialization_dataset)
		kvb_put(args, a, "source_materialization_dataset", s->bq_materialization_dataset);
}

static void dynamodb_args(struct kvb *args, struct model_pipeline *p, struct arena *a)
{
	const struct model_source *s = &p->source;

	if (s->ddb_export) {
		kvb_put(args, a, "source_table_arn", s->table_arn);
		if (s->export_bucket)
			kvb_put(args, a, "source_export_bucket", s->export_bucket);
		if (s->export_prefix)
			kvb_put(args, a, "source_export_prefix", s->export_prefix);
	} else {
		const char *slash = s->table_arn ? strrchr(s->table_arn, '/') : NULL;

		kvb_put(args, a, "source_table",
			s->table ? s->table : slash ? slash + 1 : s->table_arn);
	}
}

/* a catalog table */
static void table_args(struct kvb *args, struct model_pipeline *p, struct arena *a)
{
	const struct model_source *s = &p->source;

	if (s->table_format == MF_ICEBERG) {
		kvb_put(args, a, "source_table", spark_name(a, "glue_catalog", s->database, s->table));
	} else {
		kvb_put(args, a, "source_database", s->database);
		kvb_put(args, a, "source_table", s->table);
	}
	p->source_athena_ident = athena_name(a, NULL, s->database, s->table);
}

/* A joined table is named by job arguments as a table source is: a Hive
 * table by database and table (join1_database, join1_table), an Iceberg
 * table by its Spark name in glue_catalog (join1_table). */
static void join_args(struct kvb *args, struct model_pipeline *p, struct arena *a)
{
	for (size_t i = 0; i < p->njoins; i++) {
		const struct model_join *j = &p->joins[i];

		if (j->format == MF_ICEBERG) {
			kvb_put(args, a, j->arg_table, spark_name(a, "glue_catalog", j->database, j->table));
		} else {
			kvb_put(args, a, j->arg_database, j->database);
			kvb_put(args, a, j->arg_table, j->table);
		}
	}
}

/* The source's job arguments, per enum model_source_kind. */
static void (*const source_args[])(struct kvb *args, struct model_pipeline *p,
				   struct arena *a) = {
	[MS_FILE] = path_args,
	[MS_S3] = path_args,
	[MS_JDBC] = connector_args,
	[MS_SNOWFLAKE] = connector_args,
	[MS_BIGQUERY] = connector_args,
	[MS_DYNAMODB] = dynamodb_args,
	[MS_TABLE] = table_args,
};

static void target_args(struct kvb *args, struct model_pipeline *p, struct arena *a)
{
	const struct model_target *t = &p->target;
	size_t i;

	if (t->kind == MT_REDSHIFT) {
		kvb_put(args, a, "target_table", redshift_name(a, t->database, t->table, ""));
		kvb_put(args, a, "target_staging_table",
			redshift_name(a, t->database, t->table, "_pipec_stage"));
		/* The once-only append records its batches in the target's schema. */
		if (p->mode == MM_APPEND && p->incremental.kind == MI_NEW_FILES)
			kvb_put(args, a, "target_batches_table",
				redshift_name(a, t->database, "pipec_batches", ""));
		kvb_put(args, a, "target_connection", t->connection);
		kvb_put(args, a, "target_staging", t->staging);
		if (t->iam_role)
			kvb_put(args, a, "target_iam_role", t->iam_role);
		p->redshift_types = arena_array(a, p->ncolumns + 1, sizeof(*p->redshift_types));
		for (i = 0; i < p->ncolumns; i++)
			p->redshift_types[i] = redshift_type(a, &p->columns[i]);
	} else {
		kvb_put(args, a, "target_table", t->spark_ident);
		/* A Parquet append once per source file writes its objects
		 * under the location itself. */
		if (t->location && t->kind != MT_S3TABLES &&
		    (t->create_if_missing ||
		     (t->kind == MT_PARQUET && p->mode == MM_APPEND &&
		      p->incremental.kind == MI_NEW_FILES)))
			kvb_put(args, a, "target_location", t->location);
	}
}

/* Watermark arguments, and how the source's SQL reads the watermark. */
static void watermark_args(struct kvb *args, struct model_pipeline *p, struct arena *a)
{
	const struct model_source *s = &p->source;
	const struct model_column *c;
	const char *src_col;

	if (p->incremental.kind != MI_WATERMARK && p->incremental.kind != MI_PARTITION)
		return;
	if (!p->incremental.column)
		return;	/* reported: a pipeline with errors the catalog re-derives */
	c = model_find_column(p, p->incremental.column);
	p->watermark_kind = watermark_kind(c);
	kvb_put(args, a, "watermark_lag_seconds",
		arena_printf(a, "%lld", (long long)p->incremental.lag_seconds));
	if (p->incremental.initial)
		kvb_put(args, a, "watermark_initial", p->incremental.initial);
	src_col = p->incremental.source_column ? p->incremental.source_column
					       : p->incremental.column;
	if (s->kind == MS_JDBC) {
		p->watermark_sql_column = jdbc_column(a, s->engine, src_col);
		p->watermark_sql_literal = jdbc_literal(s->engine, p->watermark_kind);
	} else if (s->kind == MS_SNOWFLAKE || s->kind == MS_BIGQUERY) {
		p->watermark_sql_column = warehouse_column(a, s->kind, src_col);
		p->watermark_sql_literal = warehouse_literal(p->watermark_kind);
	}
}

/* ---- Spark configuration: all of it in --conf, none in the script ---- */

static void spark_conf(struct kvb *conf, const struct model_env *env,
		       const struct model_pipeline *p, struct arena *a)
{
	const struct model_target *t = &p->target;

	if (t->kind == MT_S3TABLES || uses_glue_catalog(p))
		kvb_put(conf, a, "spark.sql.extensions",
			"org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
	/*
	 * S3 Tables through the AWS analytics services integration (the Glue
	 * federated catalog s3tablescatalog), as the Amazon S3 User Guide
	 * configures a Glue ETL job ("Running ETL jobs on Amazon S3 tables with
	 * AWS Glue", Step 2, "AWS analytics services integration
	 * (Recommended)"): SparkCatalog with catalog-impl GlueCatalog, glue.id
	 * "<account>:s3tablescatalog/<table bucket>", and warehouse
	 * "s3://<table bucket>/warehouse/".  The warehouse is an s3:// path,
	 * not the table bucket ARN (the ARN is the REST endpoint's and the
	 * client catalog's warehouse).  GlueCatalog reads it only to derive a
	 * default location for a new table when the Glue database has no
	 * LocationUri (Iceberg GlueCatalog.defaultWarehouseLocation: an empty
	 * warehouse fails CREATE TABLE with "Cannot derive default warehouse
	 * location"); S3 Tables keeps the table's storage itself, so pipec's
	 * CREATE TABLE for an S3 Tables target has no LOCATION clause, as in
	 * that guide's sample script.
	 */
	if (t->kind == MT_S3TABLES) {
		const char *c = "spark.sql.catalog.s3tablescatalog";

		kvb_put(conf, a, c, "org.apache.iceberg.spark.SparkCatalog");
		kvb_put(conf, a, arena_printf(a, "%s.catalog-impl", c),
			"org.apache.iceberg.aws.glue.GlueCatalog");
		kvb_put(conf, a, arena_printf(a, "%s.glue.id", c),
			arena_printf(a, "%s:s3tablescatalog/%s", env->account ? env->account : "",
				     t->table_bucket ? t->table_bucket : ""));
		kvb_put(conf, a, arena_printf(a, "%s.warehouse", c),
			arena_printf(a, "s3://%s/warehouse/", t->table_bucket ? t->table_bucket : ""));
	}
	/*
	 * Iceberg tables in the Glue Data Catalog, as the AWS Glue Developer
	 * Guide configures them ("Using the Iceberg framework in AWS Glue",
	 * aws-glue-programming-etl-format-iceberg): spark.sql.extensions, a
	 * SparkCatalog named glue_catalog with catalog-impl GlueCatalog,
	 * io-impl S3FileIO and warehouse "s3://<bucket>/<prefix>/".  A target
	 * with a location is created at it (CREATE TABLE ... LOCATION); the
	 * warehouse is the default location of tables created without one.
	 */
	if (uses_glue_catalog(p)) {
		const char *c = "spark.sql.catalog.glue_catalog";
		const char *wh = t->kind == MT_ICEBERG && t->location ? t->location
			: arena_printf(a, "s3://%s/%swarehouse/", env->script_bucket ? env->script_bucket : "",
				       env->script_prefix ? with_slash(a, env->script_prefix) : "");

		kvb_put(conf, a, c, "org.apache.iceberg.spark.SparkCatalog");
		kvb_put(conf, a, arena_printf(a, "%s.catalog-impl", c),
			"org.apache.iceberg.aws.glue.GlueCatalog");
		kvb_put(conf, a, arena_printf(a, "%s.io-impl", c), "org.apache.iceberg.aws.s3.S3FileIO");
		kvb_put(conf, a, arena_printf(a, "%s.warehouse", c), wh);
	}

	/* The columns step counts values that do not convert to their type:
	 * that needs casts that give NULL, Spark 3.5's default (Spark 4.0
	 * turns ANSI mode on, where a failed cast stops the job instead). */
	kvb_put(conf, a, "spark.sql.ansi.enabled", "false");
	/* Spark 3's default (EXCEPTION) fails the job on a date text that the
	 * Spark 2 parser would have read differently; CORRECTED makes every
	 * text that does not match its format NULL, so it is counted too
	 * (Spark SQL migration guide, "Upgrading from Spark SQL 2.4 to 3.0"). */
	kvb_put(conf, a, "spark.sql.legacy.timeParserPolicy", "CORRECTED");

	/* insertInto ignores writer options: the overwrite mode of a Hive
	 * table comes from the session, whose default (static) would delete
	 * every partition, not only those this run writes. */
	if (t->kind == MT_PARQUET && p->mode == MM_OVERWRITE)
		kvb_put(conf, a, "spark.sql.sources.partitionOverwriteMode", "dynamic");
}

/* ---- the other DefaultArguments ---- */

static void glue_args(struct kvb *glue, const struct model_env *env, struct model_pipeline *p,
		      struct arena *a)
{
	struct model_job *j = &p->job;
	const struct model_target *t = &p->target;

	j->bookmarks = p->incremental.kind == MI_NEW_FILES;
	j->datalake_formats = t->kind == MT_S3TABLES || uses_glue_catalog(p) ? "iceberg" : NULL;
	j->temp_dir = env->temp_dir;
	kvb_put(glue, a, "--job-language", "python");
	kvb_put(glue, a, "--job-bookmark-option",
		j->bookmarks ? "job-bookmark-enable" : "job-bookmark-disable");
	kvb_put(glue, a, "--enable-glue-datacatalog", "true");
	if (j->datalake_formats)
		kvb_put(glue, a, "--datalake-formats", j->datalake_formats);
	if (j->temp_dir)
		kvb_put(glue, a, "--TempDir", j->temp_dir);
	if (j->autoscale)
		kvb_put(glue, a, "--enable-auto-scaling", "true");
}

/* ---- names of the other Glue resources ---- */

static void resource_names(const struct model_project *mp, struct model_pipeline *p,
			   struct arena *a, const char *jobname)
{
	size_t i;

	p->trigger_name = arena_printf(a, "%s-trigger", jobname);
	if (p->schedule.kind == MSCH_S3_EVENT) {
		p->workflow_name = arena_printf(a, "%s-workflow", jobname);
		p->workflow_owner = true;
		p->event_rule_name = arena_printf(a, "%s-s3-event", jobname);
	}
	if (p->schedule.nafter) {
		p->after_jobs = arena_array(a, p->schedule.nafter + 1, sizeof(*p->after_jobs));
		for (i = 0; i < p->schedule.nafter; i++) {
			size_t k;

			p->after_jobs[i] = p->schedule.after[i];
			for (k = 0; k < mp->npipelines; k++)
				if (mp->pipelines[k].name && !strcmp(mp->pipelines[k].name, p->schedule.after[i]))
					p->after_jobs[i] = mp->pipelines[k].job.name ? mp->pipelines[k].job.name
										  : mp->pipelines[k].name;
		}
	}
	if (p->validates)
		p->validation.ruleset_name = arena_printf(a, "%s-ruleset", jobname);
}

void check_glue_derive(const struct model_project *mp, struct model_pipeline *p, struct arena *a)
{
	const struct model_env *env = &mp->env;
	struct model_job *j = &p->job;
	struct kvb args = { NULL, 0, 0 }, conf = { NULL, 0, 0 }, glue = { NULL, 0, 0 };
	const char *jobname = j->name ? j->name : p->name;

	derive_target_names(mp, p, a);
	source_args[p->source.kind](&args, p, a);
	target_args(&args, p, a);
	watermark_args(&args, p, a);
	join_args(&args, p, a);
	/* The newest row per key wins: by the stated order column, else by
	 * the watermark; without either, duplicates fail the run. */
	if (p->mode == MM_MERGE && p->merge_order_column)
		p->dedupe_order_column = p->merge_order_column;
	else if (p->mode == MM_MERGE && p->incremental.kind == MI_WATERMARK)
		p->dedupe_order_column = p->incremental.column;
	if (p->quarantine)
		kvb_put(&args, a, "quarantine_path", with_slash(a, p->quarantine));
	spark_conf(&conf, env, p, a);
	glue_args(&glue, env, p, a);

	j->script_args = kvb_freeze(&args, a, NULL);
	j->spark_conf = kvb_freeze(&conf, a, NULL);
	j->glue_args = kvb_freeze(&glue, a, &j->glue_args);

	/* Content-addressed at build: the emitter appends <sha256>.py. */
	j->script_location = arena_printf(a, "s3://%s/%sscripts/%s/",
					  env->script_bucket ? env->script_bucket : "",
					  env->script_prefix ? with_slash(a, env->script_prefix) : "",
					  jobname);
	resource_names(mp, p, a, jobname);
}

static bool has_space(const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || (unsigned char)*s < 0x20)
			return true;
	return false;
}

size_t check_glue_check(const struct model_project *mp, struct diag_set *ds)
{
	size_t before = ds->nerrors, i, k, v;

	for (i = 0; i < mp->npipelines; i++) {
		const struct model_pipeline *p = &mp->pipelines[i];

		for (k = 0; p->validates && k < p->validation.nrules; k++) {
			const struct model_rule *r = &p->validation.rules[k];
			const char *bad = NULL;

			for (v = 0; v < r->ncolumns && !bad; v++)
				if (!escape_dqdl_ok(r->columns[v]))
					bad = r->columns[v];
			for (v = 0; v < r->nvalues && !bad; v++)
				if (r->values[v].is_string && !escape_dqdl_ok(r->values[v].text))
					bad = r->values[v].text;
			if (bad)
				diag_help(diag_error(ds, p->src, r->span,
						     "a line break or control character cannot appear in a "
						     "data quality rule"),
					  "DQDL strings are single-line; rename the column or change the value");
		}
		/* EventBridge assumes this role to start the workflow; the Glue
		 * job's role trusts only glue.amazonaws.com. */
		if (p->schedule.kind == MSCH_S3_EVENT && !mp->env.events_role)
			diag_help(diag_error(ds, p->src, p->schedule.span,
					     "'schedule on s3 event' needs an EventBridge role"),
				  "set events_role for environment '%s' in pipec.yaml: a role "
				  "trusted by events.amazonaws.com and allowed glue:notifyEvent on "
				  "the workflow '%s'", mp->env.name ? mp->env.name : "",
				  p->workflow_name ? p->workflow_name : "");
		if (p->schedule.kind == MSCH_S3_EVENT && p->incremental.kind != MI_NEW_FILES)
			diag_help(diag_warning(ds, p->src, p->schedule.span,
					       "each S3 event batch starts a run that reads the whole "
					       "prefix again"),
				  "add 'incremental new files' so each run reads only the objects "
				  "added since the last one");
		if (p->incremental.kind == MI_WATERMARK || p->incremental.kind == MI_PARTITION) {
			const struct model_incremental_spec *in = &p->incremental;
			const struct model_column *col = in->column ? model_find_column(p, in->column)
								    : NULL;
			bool date = col && col->type == MT_DATE;

			if (date && in->lag_seconds % 86400)
				diag_help(diag_error(ds, p->src, in->span,
						     "the lag of date column '%s' is not a whole number "
						     "of days", col->name),
					  "write the lag in days, like 'lag 1d', or remove it");
			if ((date || in->kind == MI_PARTITION) && p->mode == MM_APPEND)
				diag_help(diag_warning(ds, p->src, in->span,
						       "with 'mode append', the last %s loaded is read and "
						       "appended again on every run",
						       date ? "day" : "partition"),
					  "a %s watermark re-reads its newest %s, which may have grown; "
					  "use 'mode merge on KEY', or 'mode overwrite' with 'partition "
					  "by %s', so re-read rows replace themselves",
					  date ? "date" : "partition", date ? "day" : "partition",
					  in->column);
		}
		if (p->source.kind == MS_JDBC && p->source.split_column &&
		    !check_glue_jdbc_plain(p->source.engine, p->source.split_column))
			diag_help(diag_error(ds, p->src, p->source.span,
					     "cannot split by '%s': Glue puts the split column into "
					     "its SQL unquoted", p->source.split_column),
				  "split by a column whose name is a plain identifier%s, not a "
				  "reserved word",
				  p->source.engine == MJ_ORACLE ? " in upper case"
				  : p->source.engine == MJ_MYSQL || p->source.engine == MJ_SQLSERVER
					  ? "" : " in lower case");
		if (p->target.kind == MT_REDSHIFT) {
			bool bad = escape_has_control(p->target.database ? p->target.database : "") ||
				   escape_has_control(p->target.table ? p->target.table : "");

			if (bad)
				diag_help(diag_error(ds, p->src, p->target.span,
						     "a Redshift table name cannot contain a line break or "
						     "control character"),
					  "Redshift pre- and post-actions are single-line SQL");
			for (k = 0; k < p->ncolumns; k++)
				if (escape_has_control(p->columns[k].name))
					diag_help(diag_error(ds, p->src, p->columns[k].span,
							     "a Redshift column name cannot contain a line "
							     "break or control character"),
						  "Redshift pre- and post-actions are single-line SQL");
		}
		for (k = 0; k < p->job.spark_conf.count; k++)
			if (has_space(p->job.spark_conf.items[k].value)) {
				diag_help(diag_error(ds, p->src, p->target.span,
						     "'%s' cannot contain whitespace",
						     p->job.spark_conf.items[k].key),
					  "Spark settings are packed into one --conf job argument, "
					  "separated by spaces");
				break;
			}
	}
	return ds->nerrors - before;
}
