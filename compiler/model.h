/*
 * model: the checked model — what `check` produces and every later phase
 * (emitters, catalog checks, plan, deploy) reads.  Every reference is
 * resolved, every ${var} substituted for the selected environment, every
 * default applied and every Glue rule enforced: an emitter prints it without
 * deciding anything.  Nothing here points back into the AST except spans
 * (kept so the catalog checks can report at the right place).
 *
 * Ownership: everything lives in the project's arena (struct project).
 */
#ifndef PIPEC_MODEL_H
#define PIPEC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct model_kv {
	const char *key;
	const char *value;
};

/* A sorted (by key, byte order), duplicate-free list of string pairs. */
struct model_kvlist {
	struct model_kv *items;
	size_t count;
};

enum model_type {
	MT_STRING, MT_BOOLEAN, MT_TINYINT, MT_SMALLINT, MT_INT, MT_BIGINT,
	MT_FLOAT, MT_DOUBLE, MT_DECIMAL, MT_DATE, MT_TIMESTAMP, MT_BINARY,
	MT_ARRAY, MT_MAP, MT_STRUCT,
};

/* A declared type as a tree, for code that builds values field by field
 * (structs by name, arrays and maps element by element). */
struct model_dtype {
	enum model_type type;
	const char *spark;			/* its Spark DDL spelling */
	const struct model_dtype *elem;		/* array */
	const struct model_dtype *key, *value;	/* map */
	const char **field_names;		/* struct, in declared order */
	const struct model_dtype **field_types;
	size_t nfields;
};

/* How a column's source value becomes its declared type. */
enum model_parse { MPARSE_CAST, MPARSE_FORMAT, MPARSE_EPOCH };

/* What a run does with a value that does not convert to its column's type. */
enum model_cast_policy { MCAST_FAIL, MCAST_DROP, MCAST_NULL };

struct model_column {
	const char *name;		/* target column name */
	const char *source_field;	/* field read from the source (== name unless renamed) */
	bool renamed;
	enum model_type type;
	int precision, scale;		/* MT_DECIMAL */
	const char *spark_type;		/* Spark SQL DDL type: "decimal(10,2)", "array<string>", "struct<a:int>" */
	const char *glue_type;		/* Glue/Hive catalog type (same spelling as Spark DDL for these types) */
	const char *athena_type;	/* Athena/Trino type for validate.sql casts */
	const struct model_dtype *dtype;
	enum model_parse parse;
	const char *parse_arg;		/* MPARSE_FORMAT: the pattern; MPARSE_EPOCH: seconds|millis|micros */
	bool required;
	bool orderable;			/* usable as a watermark: date, timestamp, integer types */
	struct span span;
	struct span from_span;		/* of the `from "field"` string; empty without one */
	const char *renamed_from;	/* `renamed from OLD`: the table's previous name, or NULL */
	struct span renamed_span;
	const char *derived_sql;	/* `derive`: its Spark SQL expression; NULL: read from the source */
	const struct model_join *joined;	/* `join ... { take }`: the join it comes from, or NULL */
	const char *joined_column;	/* the joined table's column it is taken from */
};

/* `filter CONDITION`: rows for which the condition is not true are not
 * written (counted and logged). */
struct model_filter {
	const char *sql;		/* Spark SQL */
	struct span span;
};

/* `aggregate` functions (docs/language.md, aggregate). */
enum model_agg {
	MA_COUNT_ROWS, MA_COUNT, MA_COUNT_DISTINCT, MA_SUM, MA_AVG, MA_MIN, MA_MAX,
	MA_FIRST, MA_LAST,
};

/* One aggregate column: the output column of the same name (in columns,
 * after the group keys) is this function over each group's input rows. */
struct model_aggregate {
	const char *name;
	enum model_agg fn;
	const char *arg_sql;		/* Spark SQL over the input columns; NULL: count() */
	const char *order_sql;		/* first/last: the order expression; else NULL */
	const char *result_type;	/* Spark's result type of the function ("decimal(30,2)") */
	struct span span;
};

enum model_transform {
	MP_IDENTITY, MP_YEARS, MP_MONTHS, MP_DAYS, MP_HOURS, MP_BUCKET, MP_TRUNCATE,
};

struct model_partition {
	enum model_transform transform;
	const char *column;
	int param;			/* bucket count / truncate width */
	const char *spark_expr;		/* "days(event_ts)", "bucket(16, customer_id)", "category" */
	struct span span;
};

enum model_source_kind {
	MS_FILE, MS_S3, MS_JDBC, MS_SNOWFLAKE, MS_BIGQUERY, MS_DYNAMODB, MS_TABLE,
};

enum model_format {
	MF_NONE, MF_CSV, MF_JSON, MF_JSONL, MF_PARQUET, MF_AVRO, MF_ORC, MF_XML,
	MF_ICEBERG, MF_HIVE,		/* catalog table sources */
};

/* s3: one folder level of a source location template below the location
 * Glue reads (docs/language.md, source). */
struct model_path_level {
	const char *text;	/* the literal folder name, or the field a {NAME} level reads */
	bool field;		/* a {NAME} placeholder */
	struct span span;	/* of {NAME} in the .pipe file (fields only) */
};

enum model_jdbc_engine {
	MJ_NONE, MJ_POSTGRESQL, MJ_MYSQL, MJ_SQLSERVER, MJ_ORACLE, MJ_REDSHIFT,
};

/* One needed column of a joined table: read under an internal name
 * (`_pipec_jN_COLUMN`), so the join never meets a name twice. */
struct model_join_column {
	const char *name;		/* in the joined table */
	const char *internal;		/* its name in the joined rows */
	const char *spark_type;		/* from the catalog or the take's type; NULL = unknown */
};

/* The equi-join part of a join's condition: the joined table's side of an
 * equality (its SQL over internal names) and the row's side. */
struct model_join_key {
	const char *dim_sql;
	const char *row_sql;
	const char *label;		/* dim_sql as messages show it: columns by their own names */
};

/* `join left|inner table DB.TABLE as ALIAS on EXPR { take ...; broadcast }` */
struct model_join {
	bool inner;			/* inner: rows without a match are dropped */
	const char *database, *table;
	enum model_format format;	/* MF_HIVE or MF_ICEBERG */
	bool format_known;		/* from the catalog or `format` */
	const char *alias;
	const char *upstream;		/* join ... pipeline NAME: the pipeline writing the table */
	const char *on_sql;		/* Spark SQL over the row's columns and the internal names */
	struct model_join_key *keys;
	size_t nkeys;
	const char **dim_terms;		/* the condition's 'and' terms over the table alone */
	size_t ndim_terms;
	struct model_join_column *columns;	/* read from the table: on, then take */
	size_t ncolumns;
	bool broadcast;
	const char *arg_database, *arg_table;	/* job arguments naming the table */
	struct span span;
};

struct model_source {
	enum model_source_kind kind;
	struct span span;

	/* file / s3 */
	const char *path;		/* s3://… (for file: the S3 key it is uploaded to at deploy) */
	const char *local_path;		/* file: path relative to the project root */
	const char *local_sha256;	/* file: content hash when readable at check time, else NULL */
	enum model_format format;
	bool header;			/* csv */
	const char *delimiter;		/* csv, default "," */
	const char *quote;		/* csv, default "\"" */
	const char *escape;		/* csv, NULL = none */
	bool multiline;			/* csv/json */
	const char *row_tag;		/* xml */
	const char *compression;	/* gzip | bzip2 | NULL */
	bool recurse;
	const char **inclusions;	/* s3: glob patterns; NULL = every file */
	size_t ninclusions;
	const char **exclusions;	/* glob patterns */
	size_t nexclusions;
	const char **path_fields;	/* s3: keys of KEY=value folders, read as fields */
	size_t npath_fields;
	const char *path_template;	/* s3: the location with its {NAME} levels; NULL without
					 * (path is then the part before the first placeholder) */
	const struct model_path_level *path_levels;	/* path_template's levels below path */
	size_t npath_levels;

	/* jdbc / snowflake / bigquery */
	enum model_jdbc_engine engine;
	const char *connection;		/* Glue connection name */
	const char *table;		/* jdbc: schema.table; snowflake: TABLE; bigquery: project.dataset.table; table source: table name */
	const char *query;		/* instead of table */
	const char *jdbc_schema, *jdbc_table;	/* jdbc table: its parts as written (schema NULL without one) */
	const char *split_column;	/* jdbc: hashfield */
	const char *split_expression;	/* jdbc: hashexpression (instead of hashfield) */
	int split_partitions;		/* jdbc: hashpartitions */
	const char *sf_database, *sf_schema, *sf_warehouse;	/* snowflake */
	const char *bq_parent_project;	/* bigquery */
	const char *bq_materialization_dataset;	/* bigquery: where a query's result is written */

	/* dynamodb */
	const char *table_arn;
	bool ddb_export;		/* export connector (true) or scan */
	const char *export_bucket, *export_prefix;
	const char *read_percent;	/* scan: "0.5" */
	int splits;			/* scan */

	/* table (existing catalog table) */
	const char *upstream;		/* source pipeline NAME: the pipeline whose target is read */
	const char *database;		/* table source database */
	enum model_format table_format;	/* MF_HIVE or MF_ICEBERG */
	bool table_format_stated;	/* the pipeline says which; otherwise the catalog decides */

	/* finer places for the catalog checks (empty: they report at span) */
	struct span connection_span;	/* the connection name */
	struct span table_span;		/* the table name (table source: database.table) */
	struct span part_spans[2];	/* table source: its database and its table */
};

enum model_target_kind { MT_S3TABLES, MT_ICEBERG, MT_PARQUET, MT_REDSHIFT };

/* Athena partition projection of one Hive partition column (target
 * parquet { projection { COLUMN date|integer|enum ... } }). */
enum model_projection_kind { MPJ_DATE, MPJ_INTEGER, MPJ_ENUM };

struct model_projection {
	const char *column;
	enum model_projection_kind kind;
	const char *range;		/* date: "2024-01-01,NOW"; integer: "0,23" */
	const char *values;		/* enum: "de,fr" */
	struct span span;
};

struct model_target {
	enum model_target_kind kind;
	struct span span;
	const char *database;		/* Glue database, S3 Tables namespace, or Redshift schema */
	const char *table;
	const char *spark_catalog;	/* "s3tablescatalog" | "glue_catalog" | NULL */
	const char *spark_ident;	/* fully qualified name in Spark SQL, quoted where needed */
	const char *athena_ident;	/* fully qualified name in Athena SQL */
	const char *location;		/* iceberg / parquet: s3://… ; NULL for s3tables */
	const char *table_bucket;	/* s3tables: table bucket name */
	const char *table_bucket_arn;	/* s3tables */
	const char *compression;	/* parquet: snappy (default), gzip, zstd, none */
	struct model_projection *projections;	/* parquet: Athena partition projection */
	size_t nprojections;
	struct span projection_span;
	const char *connection;		/* redshift: Glue connection */
	const char *staging;		/* redshift: s3://… temp dir */
	const char *iam_role;		/* redshift COPY role, optional */
	bool create_if_missing;
	struct span create_span;
	struct span table_span;		/* database.table (or the table) as written; empty: span */
	struct span connection_span;	/* redshift: the connection name; empty: span */
};

enum model_mode { MM_APPEND, MM_MERGE, MM_OVERWRITE, MM_REPLACE };

enum model_incremental { MI_NONE, MI_WATERMARK, MI_NEW_FILES, MI_PARTITION };

struct model_incremental_spec {
	enum model_incremental kind;
	const char *column;		/* watermark / partition column (target name) */
	const char *source_column;	/* the same column's name in the source */
	int64_t lag_seconds;
	const char *initial;		/* first-run lower bound, or NULL = read everything */
	struct span span;
};

enum model_schedule_kind { MSCH_ON_DEMAND, MSCH_CRON, MSCH_AFTER, MSCH_S3_EVENT };

struct model_schedule {
	enum model_schedule_kind kind;
	const char *cron;		/* "cron(0 6 * * ? *)" (every D is turned into cron) */
	const char **after;		/* upstream pipeline names */
	size_t nafter;
	bool after_any;			/* Logical ANY instead of AND */
	const char *event_bucket;	/* s3 event: bucket and key prefix of the source */
	const char *event_prefix;
	const char *event_key_prefix;	/* s3 event: key filter below the location, or NULL */
	const char *event_key_suffix;	/* s3 event: key suffix, or NULL */
	int batch_size;			/* EventBatchingCondition */
	int batch_window;		/* seconds */
	struct span span;
};

enum model_rule_kind {
	MR_ROW_COUNT_MATCHES_SOURCE, MR_ROW_COUNT, MR_NOT_NULL, MR_UNIQUE, MR_EXPECT,
	MR_FRESHNESS, MR_COMPLETENESS, MR_EXPECT_EXPR, MR_COLUMN_COUNT, MR_DISTINCT_COUNT,
	MR_MEAN, MR_SUM, MR_STDDEV, MR_UNIQUENESS, MR_LENGTH,
};

enum model_cmp {
	MC_EQ, MC_NE, MC_LT, MC_LE, MC_GT, MC_GE, MC_BETWEEN, MC_IN, MC_MATCHES, MC_NOT_NULL,
};

struct model_literal {
	bool is_string;
	const char *text;		/* number as written, or the string's decoded value */
};

struct model_rule {
	enum model_rule_kind kind;
	const char **columns;
	size_t ncolumns;
	enum model_cmp cmp;
	struct model_literal *values;
	size_t nvalues;
	int64_t seconds;		/* freshness */
	const char *spark_sql;		/* expect EXPR: the condition in Spark SQL, strings
					 * without '"' or '\\' (the DQDL CustomSql text) */
	const char *engine_sql;		/* expect EXPR: the condition in the dialect of
					 * validate.sql (Trino, or Redshift for a Redshift target) */
	struct span span;
};

struct model_validation {
	struct model_rule *rules;
	size_t nrules;
	int sample;			/* rows for the sample query; 0 = none */
	bool fail_on_error;		/* on failure fail (default) / warn */
	const char *ruleset_name;	/* CreateDataQualityRuleset name */
};

struct model_job {
	const char *name;		/* Glue job name (environment prefix applied) */
	const char *description;
	const char *role;		/* IAM role ARN */
	const char *worker_type;	/* G.1X … */
	int workers;
	bool autoscale;
	bool flex;
	int timeout_minutes;
	int retries;
	int max_concurrency;
	const char **connections;	/* sorted, unique */
	size_t nconnections;
	struct model_kvlist tags;	/* merged: env defaults, file defaults, pipeline; plus pipec's own */
	int notify_delay_minutes;	/* 0 = not set */
	const char *script_location;	/* s3://bucket/prefix/<name>/job.py (content-addressed at deploy) */
	const char *temp_dir;		/* --TempDir */
	bool bookmarks;			/* --job-bookmark-option job-bookmark-enable */
	const char *datalake_formats;	/* "iceberg" or NULL */
	struct model_kvlist spark_conf;	/* packed into one --conf by the job.json emitter */
	struct model_kvlist script_args;	/* read by job.py via getResolvedOptions (names without "--") */
	struct model_kvlist glue_args;	/* other DefaultArguments, keys with "--" */
};

struct model_pipeline {
	const char *name;
	const char *file;		/* .pipe path as given (relative to the project root) */
	bool alerts_off;		/* `alerts off`: left out of the environment's alerts */
	const struct source *src;
	struct span span;
	const char *description;
	struct model_source source;
	struct model_target target;
	struct model_column *columns;
	size_t ncolumns;
	struct model_partition *partitions;
	size_t npartitions;
	enum model_mode mode;
	const char **merge_keys;
	size_t nmerge_keys;
	enum model_cast_policy cast_policy;	/* on cast error (default fail) */
	const char *quarantine;		/* s3:// prefix for rejected rows, or NULL */
	const char *merge_order_column;	/* mode merge ... order by COLUMN, or NULL */
	struct model_filter *filters;
	size_t nfilters;
	struct model_join *joins;	/* in order; before the derives */
	size_t njoins;
	size_t njoined;			/* the columns taken by joins, after the declared ones */
	size_t nderived;		/* the last nderived columns are `derive`d, in order */
	const char **drop_columns;	/* `drop column NAME`: removed from the table by the job */
	size_t ndrop_columns;
	/* `aggregate`: columns/ncolumns are the table's columns (the group
	 * keys, then the aggregates); the rows read and derived are the input
	 * columns below. Without one, input_columns is NULL and columns are both. */
	bool aggregated;
	struct model_column *input_columns;
	size_t ninput_columns;
	size_t ninput_derived;		/* the last ninput_derived input columns are derived */
	const char **group_keys;	/* the first ngroup_keys columns */
	size_t ngroup_keys;
	struct model_aggregate *aggregates;	/* the columns after the keys, in order */
	size_t naggregates;
	struct model_incremental_spec incremental;
	struct model_schedule schedule;
	bool validates;			/* has at least one rule (then ruleset.json is written) */
	bool catalog_evolves;		/* the catalog check found that the job evolves its table
					   (columns added or widened, partition spec): set by
					   catalog_check_model, read by plan (a stale snapshot) */
	struct model_validation validation;
	struct model_job job;
	const char *trigger_name;	/* Glue trigger name, NULL when on demand without trigger */
	const char *workflow_name;	/* the Glue workflow the trigger joins: an s3 event
					   schedule's, or the `after` chain's (check_chain.c) */
	bool workflow_owner;		/* this pipeline's workflow.json creates workflow_name
					   (an s3 event schedule, or the root of a chain) */
	int workflow_max_runs;		/* the chain workflow's MaxConcurrentRuns (the root's);
					   0 = not the root of a chain */

	/* Also filled by check_glue_derive, for the emitters. */
	const char *event_rule_name;	/* s3 event: the EventBridge rule starting the workflow */
	const char **after_jobs;	/* schedule.after as Glue job names (nafter of them) */
	const char *dedupe_order_column;	/* merge: keep the newest row per key by this column; NULL = repeated keys fail the run */
	const char **dedupe_keys;	/* `dedupe on KEYS`: one row per key before the write */
	size_t ndedupe_keys;
	const char *dedupe_by;		/* `dedupe ... order by COLUMN`, or NULL */
	bool dedupe_smallest;		/* `order by COLUMN asc`: the smallest value wins */
	const char *watermark_kind;	/* incremental column: "timestamp" | "date" | "integer" | "string" */
	const char *watermark_sql_column;	/* jdbc, snowflake, bigquery watermark: the source column quoted for its database */
	const char *watermark_sql_literal;	/* the same: literal pattern, "{}" = the value */
	const char *source_athena_ident;	/* table source as Athena names it; NULL = not queryable */
	const char **redshift_types;	/* redshift target: column types (ncolumns) */
};

/* Job run states an alert is sent for (pipec.yaml alerts: states). */
enum {
	MODEL_ALERT_FAILED = 1,
	MODEL_ALERT_TIMEOUT = 2,
	MODEL_ALERT_STOPPED = 4,
	MODEL_ALERT_ERROR = 8,
	MODEL_ALERT_ALL = 15,
};

/* The environment's failure alerts (pipec.yaml alerts:, docs/alerts.md). */
struct model_alerts {
	bool set;			/* an alerts: mapping was given */
	const char *topic;		/* the SNS topic ARN alerts go to (create_topic: its ARN
					   is derived at deploy), or NULL */
	const char *create_topic;	/* the name of a topic pipec creates and owns, or NULL */
	unsigned states;		/* MODEL_ALERT_* bits */
	bool data_quality;		/* also Data Quality evaluation failures */
	struct span topic_span;		/* of the topic value, for diagnostics */
	struct span create_span;	/* of the create_topic value */
};

struct model_env {
	const char *name;
	const char *region;
	const char *account;
	const char *role;
	const char *events_role;	/* EventBridge's role to start S3-event workflows, or NULL */
	const char *script_bucket;	/* where deploy uploads scripts and local files */
	const char *script_prefix;
	const char *temp_dir;
	const char *table_bucket;	/* default S3 Tables bucket name */
	const char *name_prefix;	/* prepended to job/trigger/ruleset names */
	const char *catalog_path;	/* snapshot for catalog checks, or NULL */
	struct model_kvlist variables;
	/* `athena:` (pipec validate on Athena targets); has_athena when the
	 * block is there without errors */
	bool has_athena;
	const char *athena_workgroup;
	const char *athena_output_location;	/* s3://…, or NULL: the workgroup's */
	/* `redshift:` (pipec validate on Redshift targets, Data API) */
	bool has_redshift;
	const char *redshift_workgroup;		/* Redshift Serverless, or NULL */
	const char *redshift_cluster;		/* provisioned cluster identifier, or NULL */
	const char *redshift_database;
	const char *redshift_secret_arn;	/* Secrets Manager ARN, or NULL */
	const char *redshift_db_user;		/* cluster: temporary credentials for this user, or NULL */
	struct model_alerts alerts;
};

struct model_project {
	const char *name;
	const char *root;		/* directory of pipec.yaml ("." when none) */
	struct model_env env;
	struct model_pipeline *pipelines;	/* sorted by name */
	size_t npipelines;
};

const char *model_source_kind_name(enum model_source_kind k);
const char *model_target_kind_name(enum model_target_kind k);
const char *model_mode_name(enum model_mode m);
const char *model_format_name(enum model_format f);
const char *model_jdbc_engine_name(enum model_jdbc_engine e);
/* The value for key, or NULL. */
const char *model_kv_get(const struct model_kvlist *l, const char *key);
const struct model_column *model_find_column(const struct model_pipeline *p, const char *name);
/* The columns the job reads and derives: the aggregate's input, else columns. */
const struct model_column *model_input_columns(const struct model_pipeline *p, size_t *n,
					       size_t *nderived);
const char *model_agg_name(enum model_agg f);

struct strbuf;
/* Prints the whole model as stable, indented text (pipec check --dump-model). */
void model_dump(const struct model_project *m, struct strbuf *out);

#endif
