/*
 * catalog: the Glue Data Catalog as pipec sees it — connections, databases
 * and their tables, S3 table buckets with namespaces and tables — loaded
 * from (and saved to) the YAML snapshot format of docs/catalog.md, with
 * hash-indexed, case-insensitive lookups.
 *
 * Ownership: struct catalog owns everything it holds (one arena plus the
 * index maps); catalog_release frees it all.  The snapshot source is
 * borrowed: it must outlive the catalog and any diagnostic pointing into it.
 */
#ifndef PIPEC_CATALOG_H
#define PIPEC_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "source.h"
#include "strbuf.h"
#include "strmap.h"

/* Glue TableType, with Iceberg/Delta/Hudi told apart by their table parameters. */
enum catalog_table_type {
	CT_EXTERNAL, CT_MANAGED, CT_VIEW, CT_ICEBERG, CT_DELTA, CT_HUDI,
};

/* CC_DATABASE: Glue's native POSTGRESQL/MYSQL/ORACLE/SQLSERVER types, whose
 * engine is the type itself. */
enum catalog_conn_type {
	CC_JDBC, CC_SNOWFLAKE, CC_BIGQUERY, CC_REDSHIFT, CC_DATABASE, CC_OTHER,
};

/* What a snapshot says of an Iceberg table's partition spec: nothing (the
 * key is absent, so partitioning is not compared), the spec itself (an
 * empty one: not partitioned), or `partition_spec: unknown` (the pull could
 * not read the table's metadata file; not compared either). */
enum catalog_spec_state {
	CS_UNSTATED, CS_KNOWN, CS_UNKNOWN,
};

struct catalog_column {
	const char *name;
	const char *type;		/* Glue type as written, e.g. "decimal(10,2)" */
	const char *comment;		/* or NULL */
	struct span span;		/* of the name */
	struct span type_span;
};

struct catalog_partition {
	enum model_transform transform;
	const char *column;
	int param;			/* bucket count / truncate width */
	struct span span;
};

struct catalog_table {
	const char *name;
	struct span span;		/* of the name */
	bool in_bucket;			/* an S3 Tables table (always Iceberg) */
	enum catalog_table_type type;
	const char *format;		/* lowercase: parquet, orc, avro, csv, json, xml, text; or NULL */
	struct span format_span;
	const char *location;		/* s3://…, or NULL */
	struct span location_span;
	struct catalog_column *columns;
	size_t ncolumns;
	struct catalog_column *partition_keys;	/* Hive partition keys */
	size_t npartition_keys;
	enum catalog_spec_state spec_state;
	struct catalog_partition *spec;	/* Iceberg partition spec (CS_KNOWN) */
	size_t nspec;
	struct span spec_span;		/* of the partition_spec key (empty when absent) */
	struct strmap colmap;		/* lowercase name → column (columns and partition keys) */
};

/* A Glue database, or an S3 Tables namespace. */
struct catalog_database {
	const char *name;
	struct span span;
	struct strmap tables;		/* lowercase name → struct catalog_table */
};

struct catalog_connection {
	const char *name;
	struct span span;
	enum catalog_conn_type type;
	const char *type_name;		/* as written (uppercase Glue ConnectionType) */
	const char *url;		/* JDBC_CONNECTION_URL, or NULL */
	enum model_jdbc_engine engine;	/* stated, or derived from the URL; MJ_NONE = unknown */
	bool engine_stated;
};

struct catalog_bucket {
	const char *name;
	struct span span;
	const char *arn;
	struct strmap namespaces;	/* lowercase name → struct catalog_database */
};

struct catalog {
	struct arena arena;
	const struct source *src;	/* the snapshot, or NULL when built in memory */
	const char *account, *region;	/* informational, may be NULL */
	struct strmap connections;	/* name → struct catalog_connection (exact case) */
	struct strmap databases;	/* lowercase name → struct catalog_database */
	struct strmap buckets;		/* name → struct catalog_bucket */
	size_t ntables;
};

void catalog_init(struct catalog *c);
void catalog_release(struct catalog *c);

/* Parses src (a YAML snapshot) into c, which must be freshly initialised.
 * Every mistake becomes a diagnostic on src in ds.  Returns 0 when the
 * snapshot is valid, -1 when it had errors (c then holds whatever parsed). */
int catalog_load(struct catalog *c, const struct source *src, struct diag_set *ds);

/* Warnings about entries that are valid but that no pipeline can use as
 * they stand (a JDBC connection whose engine cannot be told): `pipec
 * catalog check` reports them; `pipec check` only for the entries a
 * pipeline uses. */
void catalog_lint(const struct catalog *c, struct diag_set *ds);

/* Writes c in canonical form: keys in a fixed order, every list sorted by
 * name (columns and partition specs keep their order), strings quoted only
 * when YAML needs it.  Loading the output gives back the same catalog. */
void catalog_save(const struct catalog *c, struct strbuf *out);

/* Lookups; database, namespace and table names compare case-insensitively
 * (Glue lowercases them), connection and bucket names exactly. */
const struct catalog_connection *catalog_connection(const struct catalog *c, const char *name);
const struct catalog_database *catalog_database(const struct catalog *c, const char *name);
const struct catalog_bucket *catalog_bucket(const struct catalog *c, const char *name);
const struct catalog_database *catalog_namespace(const struct catalog_bucket *b, const char *name);
const struct catalog_table *catalog_table(const struct catalog_database *d, const char *name);
const struct catalog_column *catalog_column(const struct catalog_table *t, const char *name);

/* ---- building a catalog in memory (the live pull, tests) ---- */
struct catalog_connection *catalog_add_connection(struct catalog *c, const char *name);
struct catalog_database *catalog_add_database(struct catalog *c, const char *name);
struct catalog_bucket *catalog_add_bucket(struct catalog *c, const char *name);
struct catalog_database *catalog_add_namespace(struct catalog *c, struct catalog_bucket *b,
					       const char *name);
/* Adds a table; set its columns with catalog_table_set_columns afterwards. */
struct catalog_table *catalog_add_table(struct catalog *c, struct catalog_database *d,
					const char *name);
/* Copies the arrays (not the strings, which must live in c's arena) and
 * indexes the column names. */
void catalog_table_set_columns(struct catalog *c, struct catalog_table *t,
			       const struct catalog_column *cols, size_t ncols,
			       const struct catalog_column *keys, size_t nkeys);

/* Names and parsers shared by the loader, the checks and the pull. */
const char *catalog_table_type_name(enum catalog_table_type t);	/* "ICEBERG" … */
int catalog_table_type_parse(const char *s, enum catalog_table_type *out);
/* CC_OTHER for any type pipec does not read from. */
enum catalog_conn_type catalog_conn_type_parse(const char *s, enum model_jdbc_engine *engine);
/* The engine named by a JDBC URL ("jdbc:postgresql://…" → MJ_POSTGRESQL). */
enum model_jdbc_engine catalog_jdbc_url_engine(const char *url);
int catalog_jdbc_engine_parse(const char *s, enum model_jdbc_engine *out);
/* Parses "days(ts)", "bucket(16, id)", "category" or "identity(category)"
 * (identity). Returns 0 or -1. */
int catalog_partition_parse(struct arena *a, const char *text, struct catalog_partition *out);
/* Appends the canonical spelling, e.g. "bucket(16, id)". */
void catalog_partition_format(const struct catalog_partition *p, struct strbuf *out);

#endif
