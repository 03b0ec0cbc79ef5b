/*
 * test_emit: the emitters on hand-built checked models — one pipeline per
 * source kind, target kind, mode and schedule kind — plus the renderer and
 * the escaping writer.  `test_emit --write DIR` also writes the whole build
 * of those pipelines to DIR, for the Python-side checks (tests/suites/61).
 */
#include "emit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check_glue.h"
#include "diag.h"
#include "escape.h"
#include "template.h"
#include "unit.h"

static struct arena A;

static struct model_column col(const char *name, const char *src, enum model_type t,
			       const char *spark, bool required)
{
	struct model_column c;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.source_field = src ? src : name;
	c.renamed = src != NULL;
	c.type = t;
	c.spark_type = spark;
	c.glue_type = spark;
	c.athena_type = spark;
	c.required = required;
	c.orderable = t == MT_TIMESTAMP || t == MT_DATE || t == MT_INT || t == MT_BIGINT;
	{
		/* The hand-built models use primitive types only. */
		struct model_dtype *dt = arena_alloc(&A, sizeof(*dt));

		dt->type = t;
		dt->spark = spark;
		c.dtype = dt;
	}
	return c;
}

static const char **strs(size_t n, ...)
{
	const char **r = arena_array(&A, n + 1, sizeof(*r));
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		r[i] = va_arg(ap, const char *);
	va_end(ap);
	return r;
}

static void base(struct model_pipeline *p, const char *name)
{
	struct model_column *cols = arena_array(&A, 4, sizeof(*cols));

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->file = arena_printf(&A, "pipelines/%s.pipe", name);
	cols[0] = col("id", NULL, MT_BIGINT, "bigint", true);
	cols[1] = col("amount", "amt", MT_DECIMAL, "decimal(10,2)", false);
	cols[1].precision = 10;
	cols[1].scale = 2;
	cols[2] = col("updated_at", "UpdatedAt", MT_TIMESTAMP, "timestamp", false);
	cols[3] = col("category", NULL, MT_STRING, "string", false);
	p->columns = cols;
	p->ncolumns = 4;
	p->source.kind = MS_S3;
	p->source.path = "s3://raw-bucket/in/";
	p->source.format = MF_PARQUET;
	p->target.kind = MT_S3TABLES;
	p->target.database = "analytics";
	p->target.table = name;
	p->target.create_if_missing = true;
	p->mode = MM_APPEND;
	p->schedule.kind = MSCH_ON_DEMAND;
	p->validation.fail_on_error = true;
	p->job.name = arena_printf(&A, "dev-%s", name);
	p->job.role = "arn:aws:iam::123456789012:role/glue-jobs";
	p->job.worker_type = "G.1X";
	p->job.workers = 2;
	p->job.timeout_minutes = 60;
	p->job.retries = 1;
	p->job.max_concurrency = 1;
	p->job.tags.items = arena_array(&A, 2, sizeof(struct model_kv));
	p->job.tags.items[0].key = "owner";
	p->job.tags.items[0].value = "data";
	p->job.tags.items[1].key = "pipec:pipeline";
	p->job.tags.items[1].value = name;
	p->job.tags.count = 2;
}

static void partitions(struct model_pipeline *p, size_t n)
{
	p->partitions = arena_array(&A, 2, sizeof(*p->partitions));
	p->partitions[0].transform = MP_DAYS;
	p->partitions[0].column = "updated_at";
	p->partitions[0].spark_expr = "days(updated_at)";
	p->partitions[1].transform = MP_IDENTITY;
	p->partitions[1].column = "category";
	p->partitions[1].spark_expr = "category";
	p->npartitions = n;
}

static void watermark(struct model_pipeline *p, const char *initial)
{
	p->incremental.kind = MI_WATERMARK;
	p->incremental.column = "updated_at";
	p->incremental.source_column = "UpdatedAt";
	p->incremental.lag_seconds = 900;
	p->incremental.initial = initial;
}

static struct model_literal *lits(size_t n, int is_string, ...)
{
	struct model_literal *l = arena_array(&A, n + 1, sizeof(*l));
	va_list ap;
	size_t i;

	va_start(ap, is_string);
	for (i = 0; i < n; i++) {
		l[i].is_string = is_string != 0;
		l[i].text = va_arg(ap, const char *);
	}
	va_end(ap);
	return l;
}

static void rules(struct model_pipeline *p, bool fail)
{
	struct model_rule *r = arena_array(&A, 6, sizeof(*r));

	r[0].kind = MR_ROW_COUNT_MATCHES_SOURCE;
	r[1].kind = MR_NOT_NULL;
	r[1].columns = strs(2, "id", "updated_at");
	r[1].ncolumns = 2;
	r[2].kind = MR_EXPECT;
	r[2].columns = strs(1, "amount");
	r[2].ncolumns = 1;
	r[2].cmp = MC_GE;
	r[2].values = lits(1, false, "0");
	r[2].nvalues = 1;
	r[3].kind = MR_EXPECT;
	r[3].columns = strs(1, "category");
	r[3].ncolumns = 1;
	r[3].cmp = MC_IN;
	r[3].values = lits(2, true, "a", "b");
	r[3].nvalues = 2;
	r[4].kind = MR_UNIQUE;
	r[4].columns = strs(1, "id");
	r[4].ncolumns = 1;
	r[5].kind = MR_FRESHNESS;
	r[5].columns = strs(1, "updated_at");
	r[5].ncolumns = 1;
	r[5].seconds = 86400;
	p->validation.rules = r;
	p->validation.nrules = 6;
	p->validation.sample = 5;
	p->validation.fail_on_error = fail;
	p->validates = true;
}

#define MAXP 40
static struct model_pipeline P[MAXP];
static size_t NP;

static struct model_pipeline *add(const char *name)
{
	struct model_pipeline *p = &P[NP++];

	base(p, name);
	return p;
}

static void build_cases(void)
{
	struct model_pipeline *p;

	p = add("s3_csv_s3tables_append");
	p->source.format = MF_CSV;
	p->source.header = true;
	p->source.delimiter = ";";
	p->source.recurse = true;
	p->source.compression = "gzip";
	p->source.exclusions = strs(1, "**.tmp");
	p->source.nexclusions = 1;
	p->incremental.kind = MI_NEW_FILES;
	p->target.create_if_missing = true;
	partitions(p, 2);
	p->schedule.kind = MSCH_CRON;
	p->schedule.cron = "cron(0 6 * * ? *)";
	rules(p, true);

	p = add("s3_json_iceberg_merge");
	p->source.format = MF_JSON;
	p->source.multiline = true;
	p->target.kind = MT_ICEBERG;
	p->target.database = "lake";
	p->target.location = "s3://lake-bucket/orders/";
	p->target.create_if_missing = true;
	p->mode = MM_MERGE;
	p->merge_keys = strs(1, "id");
	p->nmerge_keys = 1;
	watermark(p, "2024-01-01T00:00:00+00:00");
	partitions(p, 1);
	p->schedule.kind = MSCH_AFTER;
	p->schedule.after = strs(1, "s3_csv_s3tables_append");
	p->schedule.nafter = 1;

	p = add("s3_jsonl_parquet_overwrite");
	p->source.format = MF_JSONL;
	p->target.kind = MT_PARQUET;
	p->target.database = "lake";
	p->target.location = "s3://lake-bucket/events/";
	p->target.compression = "zstd";
	p->target.create_if_missing = true;
	p->mode = MM_OVERWRITE;
	partitions(p, 1);
	p->partitions[0].transform = MP_IDENTITY;
	p->partitions[0].column = "category";
	p->partitions[0].spark_expr = "category";

	p = add("s3_xml_parquet_replace");
	p->source.format = MF_XML;
	p->source.row_tag = "record";
	p->target.kind = MT_PARQUET;
	p->target.database = "lake";
	p->target.location = "s3://lake-bucket/xml/";
	p->mode = MM_REPLACE;
	p->schedule.kind = MSCH_S3_EVENT;
	p->schedule.event_bucket = "raw-bucket";
	p->schedule.event_prefix = "in/";
	p->schedule.batch_size = 10;
	p->schedule.batch_window = 300;

	p = add("s3_avro_iceberg_overwrite");
	p->source.format = MF_AVRO;
	p->target.kind = MT_ICEBERG;
	p->target.database = "lake";
	p->target.location = "s3://lake-bucket/avro/";
	p->mode = MM_OVERWRITE;
	partitions(p, 2);

	p = add("s3_orc_s3tables_replace");
	p->source.format = MF_ORC;
	p->mode = MM_REPLACE;
	rules(p, false);

	p = add("file_csv_s3tables_append");
	p->source.kind = MS_FILE;
	p->source.format = MF_CSV;
	p->source.local_path = "data/customers.csv";
	p->source.path = "s3://scripts-bucket/pipec/files/customers.csv";
	p->source.local_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";

	p = add("jdbc_postgres_iceberg_merge");
	p->source.kind = MS_JDBC;
	p->source.engine = MJ_POSTGRESQL;
	p->source.connection = "orders-pg";
	p->source.table = "public.orders";
	p->source.split_column = "id";
	p->source.split_partitions = 8;
	p->job.connections = strs(1, "orders-pg");
	p->job.nconnections = 1;
	p->target.kind = MT_ICEBERG;
	p->target.database = "lake";
	p->target.location = "s3://lake-bucket/orders/";
	p->mode = MM_MERGE;
	p->merge_keys = strs(1, "id");
	p->nmerge_keys = 1;
	watermark(p, "2024-01-01T00:00:00");

	p = add("jdbc_mysql_s3tables_append");
	p->source.kind = MS_JDBC;
	p->source.engine = MJ_MYSQL;
	p->source.connection = "shop-mysql";
	p->source.query = "SELECT * FROM shop.orders WHERE status = 'done'";
	p->job.connections = strs(1, "shop-mysql");
	p->job.nconnections = 1;
	watermark(p, NULL);

	p = add("jdbc_sqlserver_s3tables_append");
	p->source.kind = MS_JDBC;
	p->source.engine = MJ_SQLSERVER;
	p->source.connection = "erp-mssql";
	p->source.table = "dbo.orders";
	p->job.connections = strs(1, "erp-mssql");
	p->job.nconnections = 1;
	watermark(p, "2024-01-01T00:00:00");

	p = add("jdbc_oracle_s3tables_append");
	p->source.kind = MS_JDBC;
	p->source.engine = MJ_ORACLE;
	p->source.connection = "erp-oracle";
	p->source.table = "ERP.ORDERS";
	p->job.connections = strs(1, "erp-oracle");
	p->job.nconnections = 1;

	p = add("jdbc_redshift_s3tables_append");
	p->source.kind = MS_JDBC;
	p->source.engine = MJ_REDSHIFT;
	p->source.connection = "dw";
	p->source.table = "public.sales";
	p->job.connections = strs(1, "dw");
	p->job.nconnections = 1;

	p = add("snowflake_s3tables_append");
	p->source.kind = MS_SNOWFLAKE;
	p->source.connection = "sf";
	p->source.table = "ORDERS";
	p->source.sf_database = "SALES";
	p->source.sf_schema = "PUBLIC";
	p->source.sf_warehouse = "WH";
	p->job.connections = strs(1, "sf");
	p->job.nconnections = 1;

	p = add("bigquery_s3tables_append");
	p->source.kind = MS_BIGQUERY;
	p->source.connection = "bq";
	p->source.table = "proj.sales.orders";
	p->source.bq_parent_project = "proj";
	p->job.connections = strs(1, "bq");
	p->job.nconnections = 1;

	p = add("dynamodb_export_s3tables_append");
	p->source.kind = MS_DYNAMODB;
	p->source.ddb_export = true;
	p->source.table_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders";
	p->source.export_bucket = "exports-bucket";
	p->source.export_prefix = "ddb/";

	p = add("dynamodb_scan_s3tables_append");
	p->source.kind = MS_DYNAMODB;
	p->source.table_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders";
	p->source.read_percent = "0.5";
	p->source.splits = 8;

	p = add("table_hive_iceberg_append");
	p->source.kind = MS_TABLE;
	p->source.database = "legacy";
	p->source.table = "orders";
	p->source.table_format = MF_HIVE;
	p->target.kind = MT_ICEBERG;
	p->target.database = "lake";
	p->target.location = "s3://lake-bucket/migrated/";
	p->target.create_if_missing = true;
	rules(p, true);

	p = add("table_iceberg_redshift_merge");
	p->source.kind = MS_TABLE;
	p->source.database = "lake";
	p->source.table = "orders";
	p->source.table_format = MF_ICEBERG;
	p->target.kind = MT_REDSHIFT;
	p->target.database = "public";
	p->target.table = "fact_orders";
	p->target.connection = "dw";
	p->target.staging = "s3://temp-bucket/rs/";
	p->target.create_if_missing = true;
	p->job.connections = strs(1, "dw");
	p->job.nconnections = 1;
	p->mode = MM_MERGE;
	p->merge_keys = strs(1, "id");
	p->nmerge_keys = 1;
	p->schedule.kind = MSCH_CRON;
	p->schedule.cron = "cron(0 * * * ? *)";

	p = add("table_hive_redshift_replace");
	p->source.kind = MS_TABLE;
	p->source.database = "legacy";
	p->source.table = "customers";
	p->source.table_format = MF_HIVE;
	p->target.kind = MT_REDSHIFT;
	p->target.database = "public";
	p->target.table = "dim_customers";
	p->target.connection = "dw";
	p->target.staging = "s3://temp-bucket/rs/";
	p->target.iam_role = "arn:aws:iam::123456789012:role/redshift-copy";
	p->target.create_if_missing = false;
	p->job.connections = strs(1, "dw");
	p->job.nconnections = 1;
	p->mode = MM_REPLACE;
	p->job.flex = true;
	p->job.autoscale = true;
	p->job.notify_delay_minutes = 10;
	p->schedule.kind = MSCH_AFTER;
	p->schedule.after = strs(2, "table_iceberg_redshift_merge", "table_hive_iceberg_append");
	p->schedule.nafter = 2;
	p->schedule.after_any = true;

	/* Hostile names and strings: every one must come out escaped. */
	p = add("hostile");
	p->description = "quote \" backslash \\ newline \n tab \t backtick ` triple \"\"\" ${x} caf\xc3\xa9";
	p->columns[0].name = "we\"ird";
	p->columns[0].source_field = "a`b'c\\d\ne";
	p->columns[3].name = "caf\xc3\xa9 \"x\"";
	p->columns[3].source_field = "caf\xc3\xa9";
	p->source.path = "s3://raw-bucket/it's \"quoted\" \\ ${x}/";
	p->source.format = MF_CSV;
	p->source.delimiter = "'";
	p->source.quote = "\"";
	p->target.kind = MT_ICEBERG;
	p->target.database = "lake";
	p->target.location = "s3://lake-bucket/x'y/";
	p->target.create_if_missing = true;
	p->mode = MM_MERGE;
	p->merge_keys = strs(1, "we\"ird");
	p->nmerge_keys = 1;
	rules(p, true);
	p->validation.rules[3].columns = strs(1, "caf\xc3\xa9 \"x\"");
	p->validation.rules[3].values = lits(2, true, "it's", "say \"hi\" \\");
	p->validation.rules[1].columns = strs(2, "we\"ird", "updated_at");
	p->validation.rules[4].columns = strs(1, "we\"ird");
}

static struct model_project MP;

static void build_project(void)
{
	size_t i;

	memset(&MP, 0, sizeof(MP));
	MP.name = "unit";
	MP.root = ".";
	MP.env.name = "dev";
	MP.env.region = "eu-west-1";
	MP.env.account = "123456789012";
	MP.env.role = "arn:aws:iam::123456789012:role/glue-jobs";
	MP.env.events_role = "arn:aws:iam::123456789012:role/events-start-workflows";
	MP.env.script_bucket = "scripts-bucket";
	MP.env.script_prefix = "pipec/";
	MP.env.temp_dir = "s3://temp-bucket/glue/";
	MP.env.table_bucket = "lake-tables";
	MP.env.name_prefix = "dev-";
	build_cases();
	MP.pipelines = P;
	MP.npipelines = NP;
	for (i = 0; i < NP; i++)
		check_glue_derive(&MP, &P[i], &A);
}

static struct model_pipeline *find(const char *name)
{
	size_t i;

	for (i = 0; i < NP; i++)
		if (!strcmp(P[i].name, name))
			return &P[i];
	return NULL;
}

static bool has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static void test_escape(void)
{
	struct strbuf sb = STRBUF_INIT;

	escape_python(&sb, "a\"b\\c\nd\te\x01 caf\xc3\xa9 \xf0\x9f\x98\x80");
	CHECK_STR("escape python", sb.buf,
		  "\"a\\\"b\\\\c\\nd\\te\\x01 caf\\u00e9 \\U0001f600\"");
	strbuf_reset(&sb);
	escape_spark_ident(&sb, "a`b");
	CHECK_STR("escape spark ident", sb.buf, "`a``b`");
	strbuf_reset(&sb);
	escape_spark_string(&sb, "it's \\");
	CHECK_STR("escape spark string", sb.buf, "'it\\'s \\\\'");
	strbuf_reset(&sb);
	escape_athena_ident(&sb, "a\"b");
	CHECK_STR("escape athena ident", sb.buf, "\"a\"\"b\"");
	strbuf_reset(&sb);
	escape_athena_string(&sb, "it's");
	CHECK_STR("escape athena string", sb.buf, "'it''s'");
	strbuf_reset(&sb);
	escape_dqdl(&sb, "say \"hi\" \\");
	CHECK_STR("escape dqdl", sb.buf, "\"say \\\"hi\\\" \\\\\"");
	CHECK("dqdl rejects newline", !escape_dqdl_ok("a\nb") && escape_dqdl_ok("a b"));
	strbuf_release(&sb);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	struct strbuf path = STRBUF_INIT;
	FILE *f;

	strbuf_addf(&path, "%s/%s", dir, name);
	f = fopen(path.buf, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	strbuf_release(&path);
}

static void test_template(void)
{
	struct template_set ts;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT, bad = STRBUF_INIT;
	struct arena a = ARENA_INIT;
	struct template_ctx *c, *it;
	char dirbuf[] = "/tmp/pipec-tmpl.XXXXXX";
	const char *dir = mkdtemp(dirbuf);

	arena_init(&a);
	CHECK("template scratch dir", dir != NULL);
	if (!dir)
		return;
	write_file(dir, "main", "head {{x}}\n{{#list}}\n  - {{v}}\n{{/list}}\n{{^flag}}\nno flag\n"
				"{{/flag}}\ndef f():\n    {{>part}}\n{{! a comment }}\nend\n");
	write_file(dir, "part", "a = 1\n\nreturn {{x}}\n");
	write_file(dir, "nest", "x\n  {{>inner}}\nafter\n");
	write_file(dir, "inner", "if y:\n    {{>leaf}}\n\nz");
	write_file(dir, "leaf", "a\n\nb\n");
	write_file(dir, "many", "{{v7}} {{v199}} {{v0}}\n{{#items}}[{{v3}}{{own}}]{{/items}}\n");
	write_file(dir, "bad", "{{#open}}never closed\n");
	strbuf_addf(&bad, "%s/bad", dir);
	CHECK("template dir with a broken fragment fails", template_set_load(&ts, dir, &err) < 0 &&
	      has(err.buf, "never closed"));
	template_set_release(&ts);
	remove(bad.buf);
	strbuf_reset(&err);
	CHECK("template dir loads", template_set_load(&ts, dir, &err) == 0);
	c = template_ctx_new(&a, NULL);
	template_set_str(c, "x", "X");
	template_set_flag(c, "flag", false);
	it = template_add_item(c, "list");
	template_set_str(it, "v", "one");
	it = template_add_item(c, "list");
	template_set_str(it, "v", "two");
	CHECK("template renders", template_render(&ts, "main", c, &out, &err) == 0);
	CHECK_STR("template output", out.buf,
		  "head X\n  - one\n  - two\nno flag\ndef f():\n    a = 1\n\n    return X\nend\n");
	strbuf_reset(&out);
	strbuf_addstr(&out, "kept\n");
	CHECK("nested fragments render", template_render(&ts, "nest", c, &out, &err) == 0);
	CHECK_STR("nested fragments indent their non-empty lines, the text before stays", out.buf,
		  "kept\nx\n  if y:\n      a\n\n      b\n\n  zafter\n");
	strbuf_reset(&out);
	c = template_ctx_new(&a, NULL);
	for (int i = 0; i < 200; i++)
		template_set_str(c, arena_printf(&a, "v%d", i), arena_printf(&a, "%d", i));
	template_set_str(c, "v7", "seven");
	template_set_str(template_add_item(c, "items"), "own", "o");
	it = template_add_item(c, "items");
	template_set_str(it, "own", "p");
	template_set_str(it, "v3", "three");
	CHECK("200 variables render", template_render(&ts, "many", c, &out, &err) == 0);
	CHECK_STR("the last value set counts; an item sees its parent's variables", out.buf,
		  "seven 199 0\n[3o][threep]\n");
	strbuf_reset(&out);
	strbuf_reset(&err);
	c = template_ctx_new(&a, NULL);
	CHECK("missing variable is an error", template_render(&ts, "main", c, &out, &err) < 0 &&
	      has(err.buf, "no value for 'x'"));
	strbuf_reset(&err);
	CHECK("missing fragment is an error", template_render(&ts, "nope", c, &out, &err) < 0 &&
	      has(err.buf, "'nope' not found"));
	template_set_release(&ts);
	strbuf_reset(&err);
	CHECK("missing template dir is an error",
	      template_set_load(&ts, "/nonexistent/pipec-templates", &err) < 0);
	template_set_release(&ts);
	CHECK("embedded fragments load", template_set_load(&ts, NULL, &err) == 0 &&
	      template_set_has(&ts, "job.py.tmpl"));
	template_set_release(&ts);
	strbuf_reset(&bad);
	strbuf_addf(&bad, "rm -rf '%s'", dir);
	(void)!system(bad.buf);
	strbuf_release(&bad);
	strbuf_release(&err);
	strbuf_release(&out);
	arena_release(&a);
}

static void test_derive(void)
{
	const struct model_pipeline *p = find("s3_csv_s3tables_append");

	CHECK_STR("derive: s3tables glue.id",
		  model_kv_get(&p->job.spark_conf, "spark.sql.catalog.s3tablescatalog.glue.id"),
		  "123456789012:s3tablescatalog/lake-tables");
	CHECK_STR("derive: s3tables warehouse",
		  model_kv_get(&p->job.spark_conf, "spark.sql.catalog.s3tablescatalog.warehouse"),
		  "s3://lake-tables/warehouse/");
	CHECK_STR("derive: bookmarks on for new files",
		  model_kv_get(&p->job.glue_args, "--job-bookmark-option"), "job-bookmark-enable");
	CHECK_STR("derive: datalake formats",
		  model_kv_get(&p->job.glue_args, "--datalake-formats"), "iceberg");
	CHECK_STR("derive: script location", p->job.script_location,
		  "s3://scripts-bucket/pipec/scripts/dev-s3_csv_s3tables_append/");
	CHECK_STR("derive: script arg source_path",
		  model_kv_get(&p->job.script_args, "source_path"), "s3://raw-bucket/in/");
	p = find("s3_jsonl_parquet_overwrite");
	CHECK("derive: parquet target needs no iceberg", p->job.datalake_formats == NULL &&
	      !model_kv_get(&p->job.spark_conf, "spark.sql.extensions") &&
	      p->job.spark_conf.count == 3);
	CHECK_STR("derive: casts give NULL, so the columns step can count them",
		  model_kv_get(&p->job.spark_conf, "spark.sql.ansi.enabled"), "false");
	CHECK_STR("derive: a date text that does not match its format is NULL",
		  model_kv_get(&p->job.spark_conf, "spark.sql.legacy.timeParserPolicy"),
		  "CORRECTED");
	CHECK_STR("derive: parquet overwrite is dynamic in the session (insertInto ignores options)",
		  model_kv_get(&p->job.spark_conf, "spark.sql.sources.partitionOverwriteMode"),
		  "dynamic");
	CHECK("derive: parquet replace keeps the static default",
	      !model_kv_get(&find("s3_xml_parquet_replace")->job.spark_conf,
			    "spark.sql.sources.partitionOverwriteMode"));
	p = find("jdbc_sqlserver_s3tables_append");
	CHECK_STR("derive: sql server takes a plain name unquoted", p->watermark_sql_column,
		  "UpdatedAt");
	CHECK_STR("derive: sql server literal", p->watermark_sql_literal, "CAST('{}' AS DATETIME2)");
	p = find("jdbc_postgres_iceberg_merge");
	CHECK_STR("derive: postgresql quotes a mixed-case name", p->watermark_sql_column,
		  "\"UpdatedAt\"");
	p = find("table_hive_redshift_replace");
	CHECK_STR("derive: redshift target ident",
		  model_kv_get(&p->job.script_args, "target_table"), "\"public\".\"dim_customers\"");
	CHECK_STR("derive: after resolves job names", p->after_jobs[0], "dev-table_iceberg_redshift_merge");
	p = find("s3_xml_parquet_replace");
	CHECK_STR("derive: workflow name", p->workflow_name, "dev-s3_xml_parquet_replace-workflow");
	p = find("s3_json_iceberg_merge");
	CHECK_STR("derive: merge dedupes by watermark", p->dedupe_order_column, "updated_at");
}

static void test_emitters(void)
{
	struct template_set ts;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const struct model_pipeline *p;

	template_set_load(&ts, NULL, &err);

	p = find("s3_csv_s3tables_append");
	CHECK("script renders", emit_script(&MP, p, &ts, &out, &err) == 0);
	CHECK("script: bookmarked source", has(out.buf, "transformation_ctx=\"source\""));
	CHECK("script: job.commit", has(out.buf, "job.commit()"));
	CHECK("script: create s3tables without LOCATION", has(out.buf, "USING iceberg") &&
	      !has(out.buf, "\" LOCATION \""));
	CHECK("script: no spark.conf.set", !has(out.buf, "spark.conf.set"));
	CHECK("script: raises on failed rules", has(out.buf, "raise RuntimeError"));
	CHECK("script: append", has(out.buf, ".append()"));
	strbuf_reset(&out);
	emit_job_json(&MP, p, "abc", &out);
	CHECK("job.json: glue 5.1", has(out.buf, "\"GlueVersion\": \"5.1\""));
	CHECK("job.json: packed conf", has(out.buf, "\"--conf\": \"spark.sql.ansi.enabled=false"
						     " --conf spark.sql.catalog.s3tablescatalog="
						     "org.apache.iceberg.spark.SparkCatalog --conf "));
	CHECK("job.json: content-addressed script",
	      has(out.buf, "s3://scripts-bucket/pipec/scripts/dev-s3_csv_s3tables_append/abc.py"));
	strbuf_reset(&out);
	emit_triggers_json(&MP, p, &out);
	CHECK("triggers: scheduled", has(out.buf, "\"Type\": \"SCHEDULED\"") &&
	      has(out.buf, "cron(0 6 * * ? *)") && has(out.buf, "\"StartOnCreation\": true"));
	strbuf_reset(&out);
	emit_dqdl(p, &out);
	CHECK_STR("dqdl for the ruleset", out.buf,
		  "Rules = [\n    RowCountMatch \"source\" = 1.0,\n    IsComplete \"id\",\n    IsComplete \"updated_at\",\n"
		  "    CustomSql \"SELECT COUNT(*) FROM primary WHERE `amount` IS NOT NULL AND "
		  "NOT (`amount` >= 0)\" = 0,\n"
		  "    CustomSql \"SELECT COUNT(*) FROM primary WHERE `category` IS NOT NULL AND "
		  "NOT (`category` IN ('a', 'b'))\" = 0,\n"
		  "    CustomSql \"SELECT COUNT(*) FROM (SELECT 1 FROM primary WHERE `id` IS NOT NULL "
		  "GROUP BY `id` HAVING COUNT(*) > 1) AS duplicates\" = 0,\n"
		  "    CustomSql \"SELECT COUNT(*) FROM primary WHERE `updated_at` >= "
		  "current_timestamp() - INTERVAL 86400 SECOND\" > 0\n]");
	strbuf_reset(&out);
	emit_script(&MP, p, &ts, &out, &err);
	CHECK("script gives the rows read as the reference for RowCountMatch",
	      has(out.buf, "RowCountMatch \\\"source\\\" = 1.0") &&
	      has(out.buf, "\"source\": DynamicFrame.fromDF(read_df"));
	strbuf_reset(&out);
	emit_validate_sql(&MP, p, &out);
	CHECK("validate.sql: s3tables name",
	      has(out.buf, "FROM \"s3tablescatalog/lake-tables\".\"analytics\".\"s3_csv_s3tables_append\""));
	CHECK("validate.sql: null checks", has(out.buf, "COUNT_IF(\"id\" IS NULL)"));
	CHECK("validate.sql: duplicate keys, keys with a null not checked",
	      has(out.buf, "WHERE \"id\" IS NOT NULL\nGROUP BY \"id\"\nHAVING COUNT(*) > 1"));
	CHECK("validate.sql: sample", has(out.buf, "LIMIT 5;"));
	CHECK("validate.sql: the sample is random", has(out.buf, "ORDER BY rand()\nLIMIT 5;"));

	{
		/* The language's between is inclusive: DQDL's is exclusive, so the
		 * ruleset spells it >= and <=, the bounds of validate.sql's BETWEEN;
		 * matches is a full match in both. */
		struct model_pipeline q = *find("s3_csv_s3tables_append");
		struct model_rule r[3];

		memset(r, 0, sizeof(r));
		r[0].kind = MR_EXPECT;
		r[0].columns = strs(1, "amount");
		r[0].ncolumns = 1;
		r[0].cmp = MC_BETWEEN;
		r[0].values = lits(2, false, "1", "9");
		r[0].nvalues = 2;
		r[1].kind = MR_ROW_COUNT;
		r[1].cmp = MC_BETWEEN;
		r[1].values = lits(2, false, "10", "20");
		r[1].nvalues = 2;
		r[2].kind = MR_EXPECT;
		r[2].columns = strs(1, "category");
		r[2].ncolumns = 1;
		r[2].cmp = MC_MATCHES;
		r[2].values = lits(1, true, "[a-z]+|x");
		r[2].nvalues = 1;
		q.validation.rules = r;
		q.validation.nrules = 3;
		q.validation.sample = 0;
		strbuf_reset(&out);
		emit_dqdl(&q, &out);
		CHECK_STR("dqdl: between is inclusive; matches a whole-value match", out.buf,
			  "Rules = [\n    CustomSql \"SELECT COUNT(*) FROM primary WHERE `amount` IS "
			  "NOT NULL AND NOT (`amount` BETWEEN 1 AND 9)\" = 0,\n"
			  "    RowCount >= 10,\n    RowCount <= 20,\n"
			  "    CustomSql \"SELECT COUNT(*) FROM primary WHERE `category` IS NOT NULL "
			  "AND NOT (`category` RLIKE '^(?:[a-z]+|x)$')\" = 0\n]");
		CHECK("dqdl: no exclusive between", !has(out.buf, "between"));
		strbuf_reset(&out);
		emit_validate_sql(&MP, &q, &out);
		CHECK("validate.sql: the same inclusive bounds, NULLs ignored",
		      has(out.buf, "COUNT_IF(\"amount\" IS NOT NULL AND NOT "
				   "(\"amount\" BETWEEN 1 AND 9))") &&
		      has(out.buf, "COUNT(*) BETWEEN 10 AND 20 AS passed"));
		CHECK("validate.sql: matches is a full match, like the ruleset's",
		      has(out.buf, "regexp_like(\"category\", '^(?:[a-z]+|x)$')"));
	}

	p = find("s3_xml_parquet_replace");
	strbuf_reset(&out);
	emit_triggers_json(&MP, p, &out);
	CHECK("triggers: event trigger in a workflow", has(out.buf, "\"Type\": \"EVENT\"") &&
	      has(out.buf, "\"BatchSize\": 10") && has(out.buf, "\"WorkflowName\""));
	strbuf_reset(&out);
	CHECK("workflow.json for s3 events", emit_workflow_json(&MP, p, &out) &&
	      has(out.buf, "arn:aws:glue:eu-west-1:123456789012:workflow/dev-s3_xml_parquet_replace-workflow"));
	CHECK("workflow.json: EventBridge assumes the events role, not the job's",
	      has(out.buf, "\"RoleArn\": \"arn:aws:iam::123456789012:role/events-start-workflows\"") &&
	      !has(out.buf, "role/glue-jobs"));

	p = find("table_hive_redshift_replace");
	strbuf_reset(&out);
	emit_triggers_json(&MP, p, &out);
	CHECK("triggers: conditional ANY", has(out.buf, "\"Logical\": \"ANY\"") &&
	      has(out.buf, "\"State\": \"SUCCEEDED\""));
	strbuf_reset(&out);
	emit_job_json(&MP, p, "abc", &out);
	CHECK("job.json: flex, autoscale, connections", has(out.buf, "\"ExecutionClass\": \"FLEX\"") &&
	      has(out.buf, "\"--enable-auto-scaling\": \"true\"") && has(out.buf, "\"dw\""));
	strbuf_reset(&out);
	CHECK("workflow.json only for s3 events", !emit_workflow_json(&MP, p, &out));

	p = find("s3_orc_s3tables_replace");
	strbuf_reset(&out);
	emit_triggers_json(&MP, p, &out);
	CHECK("triggers: on demand never starts on creation",
	      has(out.buf, "\"ON_DEMAND\"") && !has(out.buf, "StartOnCreation"));
	strbuf_reset(&out);
	emit_script(&MP, p, &ts, &out, &err);
	CHECK("script: warn mode logs", has(out.buf, "log.warn(f\"{PIPELINE}: data quality") &&
	      !has(out.buf, "raise RuntimeError(f\"{PIPELINE}: data quality"));

	p = find("hostile");
	strbuf_reset(&out);
	emit_script(&MP, p, &ts, &out, &err);
	CHECK("hostile: column escaped in python",
	      has(out.buf, "(\"we\\\"ird\", \"a`b'c\\\\d\\ne\", \"bigint\", None)"));
	CHECK("hostile: unicode escaped", has(out.buf, "caf\\u00e9"));
	strbuf_reset(&out);
	emit_validate_sql(&MP, p, &out);
	CHECK("hostile: athena identifiers doubled", has(out.buf, "\"we\"\"ird\""));
	CHECK("hostile: athena strings doubled", has(out.buf, "'it''s'"));

	template_set_release(&ts);
	strbuf_release(&out);
	strbuf_release(&err);
}

/* The checks pipec validate runs: validate.sql is their text, each has its
 * name, statement, judgement and rule. */
static void test_checks(void)
{
	static const struct {
		const char *name;
		enum emit_judge judge;
		const char *column;
		bool sql;
		int rule_kind;		/* -1: none */
	} want[] = {
		{ "rows", EMIT_JUDGE_INFO, NULL, true, -1 },
		{ "row_count matches source", EMIT_JUDGE_INFO, NULL, false,
		  MR_ROW_COUNT_MATCHES_SOURCE },
		{ "nulls", EMIT_JUDGE_ZERO, NULL, true, -1 },
		{ "expect amount", EMIT_JUDGE_ZERO, "violations", true, MR_EXPECT },
		{ "expect category", EMIT_JUDGE_ZERO, "violations", true, MR_EXPECT },
		{ "unique id", EMIT_JUDGE_NO_ROWS, NULL, true, MR_UNIQUE },
		{ "freshness updated_at", EMIT_JUDGE_TRUE, "fresh", true, MR_FRESHNESS },
		{ "sample", EMIT_JUDGE_INFO, NULL, true, -1 },
	};
	const struct model_pipeline *p = find("s3_csv_s3tables_append");
	struct strbuf out = STRBUF_INIT, text = STRBUF_INIT;
	struct emit_checks cs;
	size_t i, n = sizeof(want) / sizeof(want[0]);

	emit_checks_make(p, &cs);
	CHECK("checks: count", cs.n == n);
	CHECK("checks: athena dialect", !cs.redshift);
	CHECK_STR("checks: table", cs.table,
		  "\"s3tablescatalog/lake-tables\".\"analytics\".\"s3_csv_s3tables_append\"");
	for (i = 0; i < n && i < cs.n; i++) {
		const struct emit_check *c = &cs.v[i];

		CHECK_STR("checks: name", c->name, want[i].name);
		CHECK("checks: judge", c->judge == want[i].judge);
		CHECK("checks: column", want[i].column ? c->column && !strcmp(c->column, want[i].column)
						       : !c->column);
		CHECK("checks: statement", !!c->sql == want[i].sql);
		CHECK("checks: statement without ';'", !c->sql || !strchr(c->sql, ';'));
		CHECK("checks: rule", want[i].rule_kind < 0 ? !c->rule
				      : c->rule && (int)c->rule->kind == want[i].rule_kind);
		strbuf_addf(&text, "\n%s%s%s", c->comment, c->sql ? c->sql : "", c->sql ? ";\n" : "");
	}
	CHECK_STR("checks: judge names", emit_judge_name(EMIT_JUDGE_NO_ROWS), "no_rows");
	emit_validate_sql(&MP, p, &out);
	CHECK("checks: validate.sql is the header and the checks",
	      out.len == strlen(cs.header) + text.len && !strncmp(out.buf, cs.header, strlen(cs.header)) &&
	      !strcmp(out.buf + strlen(cs.header), text.buf));
	emit_checks_release(&cs);
	p = find("table_hive_redshift_replace");
	emit_checks_make(p, &cs);
	CHECK("checks: redshift dialect", cs.redshift && cs.n >= 1 &&
	      !strcmp(cs.table, "\"public\".\"dim_customers\""));
	emit_checks_release(&cs);
	strbuf_release(&out);
	strbuf_release(&text);
}

static bool any_diag(const struct diag_set *ds, const char *needle)
{
	size_t i;

	for (i = 0; i < ds->count; i++)
		if (has(ds->items[i]->msg, needle))
			return true;
	return false;
}

/* What no artifact language can spell is rejected, at the right place. */
static void test_reject(void)
{
	struct model_project mp = MP;
	struct model_pipeline p[3];
	struct diag_set ds;
	struct source src;
	size_t n;

	source_from_string(&src, "x.pipe", "pipeline x {}\n", 14);
	diag_set_init(&ds);
	CHECK("check_glue_check: the unit pipelines are clean",
	      check_glue_check(&MP, &ds) == 0 && ds.nerrors == 0);
	diag_set_release(&ds);
	diag_set_init(&ds);

	p[0] = *find("table_hive_redshift_replace");
	p[0].src = &src;
	p[0].columns = arena_array(&A, 1, sizeof(*p[0].columns));
	p[0].columns[0] = col("two\nlines", NULL, MT_STRING, "string", false);
	p[0].ncolumns = 1;
	p[1] = *find("s3_csv_s3tables_append");
	p[1].src = &src;
	p[1].validation.rules = arena_array(&A, 1, sizeof(struct model_rule));
	p[1].validation.rules[0].kind = MR_EXPECT;
	p[1].validation.rules[0].columns = strs(1, "category");
	p[1].validation.rules[0].ncolumns = 1;
	p[1].validation.rules[0].cmp = MC_EQ;
	p[1].validation.rules[0].values = lits(1, true, "a\tb");
	p[1].validation.rules[0].nvalues = 1;
	p[1].validation.nrules = 1;
	p[2] = *find("s3_json_iceberg_merge");
	p[2].src = &src;
	p[2].job.spark_conf.items = arena_array(&A, 1, sizeof(struct model_kv));
	p[2].job.spark_conf.items[0].key = "spark.sql.catalog.glue_catalog.warehouse";
	p[2].job.spark_conf.items[0].value = "s3://lake bucket/";
	p[2].job.spark_conf.count = 1;
	mp.pipelines = p;
	mp.npipelines = 3;
	n = check_glue_check(&mp, &ds);
	CHECK("check_glue_check: three rejections", n == 3 && ds.nerrors == 3);
	CHECK("check_glue_check: redshift name with a line break",
	      any_diag(&ds, "Redshift column name"));
	CHECK("check_glue_check: control character in a DQDL string",
	      any_diag(&ds, "data quality rule"));
	CHECK("check_glue_check: whitespace in a packed Spark setting",
	      any_diag(&ds, "cannot contain whitespace"));
	diag_set_release(&ds);
	source_release(&src);
}

int main(int argc, char **argv)
{
	arena_init(&A);
	build_project();
	if (argc == 3 && !strcmp(argv[1], "--write")) {
		struct emit_opts o = { argv[2], NULL };
		struct strbuf err = STRBUF_INIT;
		int rc = emit_project(&MP, &o, &err);

		if (rc)
			fprintf(stderr, "%s\n", err.buf);
		return rc;
	}
	test_escape();
	test_template();
	test_derive();
	test_emitters();
	test_checks();
	test_reject();
	arena_release(&A);
	return unit_done();
}
