/*
 * cmd_catalog: `pipec catalog` — validate a catalog snapshot, print it in
 * canonical form, and pull a fresh one from the live Glue Data Catalog.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws.h"
#include "catalog.h"
#include "config.h"
#include "diag.h"
#include "project.h"
#include "source.h"
#include "strbuf.h"
#include "xalloc.h"

static const char catalog_usage[] =
	"usage: pipec catalog <command> [options]\n"
	"\n"
	"Works with Glue Data Catalog snapshots: the YAML files (docs/catalog.md)\n"
	"that `pipec check` compares pipelines against, without credentials.\n"
	"\n"
	"commands:\n"
	"  check FILE...            validate snapshot files; report every mistake\n"
	"  fmt [--check] [-o OUT] FILE\n"
	"                           print a snapshot in canonical form (sorted by\n"
	"                           name); --check: exit 1 when FILE is not canonical\n"
	"  pull -o FILE [options]   write a snapshot of the live catalog\n"
	"\n"
	"options of pull:\n"
	"  -o, --output FILE        the snapshot to write (required)\n"
	"  --database NAME          pull only this Glue database (repeatable;\n"
	"                           default: every database)\n"
	"  --table-bucket NAME      also pull this S3 table bucket's namespaces and\n"
	"                           tables, through the s3tablescatalog federated\n"
	"                           catalog (repeatable)\n"
	"  --account ID             account of the table buckets (default: the\n"
	"                           caller's, from STS)\n"
	"  --region REGION          AWS region (default: AWS_REGION, the profile)\n"
	"  --profile NAME           credentials profile\n"
	"  --endpoint-url URL       send every call to URL (a local endpoint)\n"
	"  --env NAME, --config FILE\n"
	"                           take region, account and table bucket from an\n"
	"                           environment of pipec.yaml\n"
	"  --verbose                trace the requests on stderr (secrets redacted)\n"
	"\n"
	"common options:\n"
	"  --diagnostics-format F   text (default, on stderr), json or github (on stdout)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit status: 0 success, 1 errors found or the pull failed, 2 usage error.\n";

/* Loads path into a new source; reports unreadable files to ds. */
static struct source *load_source(struct diag_set *ds, const char *path)
{
	struct source *src = xcalloc(1, sizeof(*src));

	if (source_load_file_max(src, path, SOURCE_MAX_SNAPSHOT_BYTES) < 0) {
		diag_error_file(ds, NULL, path, "cannot read catalog snapshot: %s",
				strbuf_file_error(errno));
		free(src);
		return NULL;
	}
	return src;
}

static void free_source(struct source *src)
{
	if (src) {
		source_release(src);
		free(src);
	}
}

struct catalog_args {
	enum diag_format fmt;
	const char **files;
	size_t nfiles;
	const char *output;
	bool check;
};

enum { CATALOG_OUTPUT, CATALOG_CHECK };

/* The options of catalog fmt; catalog check has none of its own. */
static const struct cli_opt catalog_fmt_opts[] = {
	{ "--output", "-o", true, CATALOG_OUTPUT },
	{ "--check", NULL, false, CATALOG_CHECK },
};

static int set_catalog_option(void *ctx, int id, const char *opt, const char *v)
{
	struct catalog_args *a = ctx;

	(void)opt;
	if (id == CATALOG_OUTPUT)
		a->output = v;
	else
		a->check = true;
	return 0;
}

/* Parses the options of check and fmt; returns -1 after a usage error. */
static int parse_args(int argc, char **argv, const char *cmd, bool allow_output,
		      struct catalog_args *a, int *rc)
{
	struct cli_spec spec = {
		.cmd = cmd, .usage = catalog_usage,
		.opts = allow_output ? catalog_fmt_opts : NULL,
		.nopts = allow_output ? sizeof(catalog_fmt_opts) / sizeof(catalog_fmt_opts[0]) : 0,
		.diag = &a->fmt, .set = set_catalog_option, .ctx = a,
	};

	memset(a, 0, sizeof(*a));
	cli_operands(&spec, argc, &a->files, &a->nfiles);
	return cli_parse(&spec, argc, argv, rc);
}

static int catalog_check_cmd(int argc, char **argv)
{
	struct catalog_args a;
	struct diag_set ds;
	struct source **srcs;
	size_t i;
	int rc = 0;

	if (parse_args(argc, argv, "catalog", false, &a, &rc) < 0) {
		free(a.files);
		return rc;
	}
	if (!a.nfiles) {
		free(a.files);
		return cli_usage_error("catalog", "catalog check needs a snapshot FILE");
	}
	diag_set_init(&ds);
	srcs = xcalloc(a.nfiles, sizeof(*srcs));
	for (i = 0; i < a.nfiles; i++) {
		struct catalog c;
		srcs[i] = load_source(&ds, a.files[i]);
		if (!srcs[i])
			continue;
		srcs[i]->index = (int)i;
		catalog_init(&c);
		if (catalog_load(&c, srcs[i], &ds) == 0)
			catalog_lint(&c, &ds);
		catalog_release(&c);
	}
	diag_render(&ds, a.fmt, stdout, stderr);
	rc = ds.nerrors ? 1 : 0;
	diag_set_release(&ds);
	for (i = 0; i < a.nfiles; i++)
		free_source(srcs[i]);
	free(srcs);
	free(a.files);
	return rc;
}

static int catalog_fmt_cmd(int argc, char **argv)
{
	struct catalog_args a;
	struct diag_set ds;
	struct source *src;
	struct catalog c;
	struct strbuf out = STRBUF_INIT;
	int rc = 0;

	if (parse_args(argc, argv, "catalog", true, &a, &rc) < 0) {
		free(a.files);
		return rc;
	}
	if (a.nfiles != 1) {
		free(a.files);
		return cli_usage_error("catalog", "catalog fmt needs exactly one snapshot FILE");
	}
	diag_set_init(&ds);
	catalog_init(&c);
	src = load_source(&ds, a.files[0]);
	if (src && catalog_load(&c, src, &ds) == 0) {
		catalog_save(&c, &out);
		if (a.check) {
			if (out.len != src->len || memcmp(out.buf, src->text, out.len)) {
				fprintf(stderr, "%s: not in canonical form (run 'pipec catalog fmt -o %s %s')\n",
					src->path, src->path, src->path);
				rc = 1;
			}
		} else if (a.output) {
			if (strbuf_write_file(&out, a.output) < 0) {
				fprintf(stderr, "pipec: error: cannot write '%s': %s\n", a.output,
					strerror(errno));
				rc = 1;
			}
		} else {
			fwrite(out.buf, 1, out.len, stdout);
		}
	}
	diag_render(&ds, a.fmt, stdout, stderr);
	if (ds.nerrors)
		rc = 1;
	strbuf_release(&out);
	catalog_release(&c);
	diag_set_release(&ds);
	free_source(src);
	free(a.files);
	return rc;
}

/* ---- pull ---- */

struct pull {
	struct aws_client *aws;
	struct catalog *cat;
	const char *account;
	const char *region;
	size_t nspec_unread;	/* Iceberg tables whose partition spec could not be read */
	struct strbuf first_unread;	/* the first of them, and why */
};

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *param(const json_t *table, const char *key)
{
	return jstr(json_object_get(table, "Parameters"), key);
}

static struct catalog_column *pull_columns(struct catalog *cat, const json_t *arr, size_t *n)
{
	struct catalog_column *cols;
	size_t i, k = 0;

	*n = 0;
	if (!json_is_array(arr) || !json_array_size(arr))
		return NULL;
	cols = xcalloc(json_array_size(arr), sizeof(*cols));
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *c = json_array_get(arr, i);
		const char *name = jstr(c, "Name"), *type = jstr(c, "Type"), *comment = jstr(c, "Comment");
		char *lt, *q;
		if (!name || !type)
			continue;
		cols[k].name = arena_strdup(&cat->arena, name);
		lt = arena_strdup(&cat->arena, type);
		for (q = lt; *q; q++)
			*q = (char)((*q >= 'A' && *q <= 'Z') ? *q - 'A' + 'a' : *q);
		cols[k].type = lt;
		cols[k].comment = comment && *comment ? arena_strdup(&cat->arena, comment) : NULL;
		k++;
	}
	*n = k;
	return cols;
}

static const char *table_format(const json_t *t, enum catalog_table_type type)
{
	static const struct {
		const char *needle, *format;
	} serdes[] = {
		{ "parquet", "parquet" }, { "orc", "orc" },	{ "avro", "avro" },
		{ "json", "json" },	  { "xml", "xml" },	{ "opencsv", "csv" },
		{ "lazysimple", "csv" },  { "textinput", "text" },
	};
	const json_t *sd = json_object_get(t, "StorageDescriptor");
	const char *v = param(t, "classification");
	const char *hay[2];
	size_t i, j;

	if (v && *v)
		return v;
	if (type == CT_ICEBERG) {
		v = param(t, "write.format.default");
		return v && *v ? v : "parquet";
	}
	hay[0] = jstr(json_object_get(sd, "SerdeInfo"), "SerializationLibrary");
	hay[1] = jstr(sd, "InputFormat");
	for (j = 0; j < 2; j++)
		for (i = 0; hay[j] && i < sizeof(serdes) / sizeof(serdes[0]); i++) {
			char low[512];
			size_t n;
			for (n = 0; hay[j][n] && n + 1 < sizeof(low); n++)
				low[n] = (char)((hay[j][n] >= 'A' && hay[j][n] <= 'Z') ? hay[j][n] - 'A' + 'a'
											: hay[j][n]);
			low[n] = '\0';
			if (strstr(low, serdes[i].needle))
				return serdes[i].format;
		}
	return NULL;
}

static enum catalog_table_type table_type(const json_t *t)
{
	const char *p = param(t, "table_type"), *tt = jstr(t, "TableType");

	if (p && !strcasecmp(p, "ICEBERG"))
		return CT_ICEBERG;
	if (p && !strcasecmp(p, "DELTA"))
		return CT_DELTA;
	if (p && !strcasecmp(p, "HUDI"))
		return CT_HUDI;
	if (param(t, "spark.sql.sources.provider") &&
	    !strcasecmp(param(t, "spark.sql.sources.provider"), "delta"))
		return CT_DELTA;
	if (tt && !strcmp(tt, "MANAGED_TABLE"))
		return CT_MANAGED;
	if (tt && !strcmp(tt, "VIRTUAL_VIEW"))
		return CT_VIEW;
	return CT_EXTERNAL;
}

/* Remembers why the first unreadable spec could not be read. */
static bool spec_unread(struct pull *pl, const struct catalog_database *d,
			const struct catalog_table *t, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool spec_unread(struct pull *pl, const struct catalog_database *d,
			const struct catalog_table *t, const char *fmt, ...)
{
	va_list ap;

	if (!pl->nspec_unread++) {
		strbuf_addf(&pl->first_unread, "%s.%s: ", d->name, t->name);
		va_start(ap, fmt);
		strbuf_vaddf(&pl->first_unread, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* The current partition spec of an Iceberg table, read from its metadata
 * file (Glue does not return it).  Returns false (the spec then stays
 * unknown) when it cannot be read. */
static bool pull_iceberg_spec(struct pull *pl, const struct catalog_database *d,
			      struct catalog_table *t, const char *metadata)
{
	const char *slash;
	char *bucket, *data = NULL;
	size_t len = 0, i, j, n = 0;
	json_t *md, *specs, *spec = NULL, *fields, *schema = NULL, *schemas;
	json_int_t spec_id, schema_id;
	struct catalog_partition *parts;

	if (!metadata)
		return spec_unread(pl, d, t, "Glue gives no metadata_location");
	if (strncmp(metadata, "s3://", 5) || !(slash = strchr(metadata + 5, '/')))
		return spec_unread(pl, d, t, "metadata_location '%s' is not an S3 URI", metadata);
	bucket = xstrndup(metadata + 5, (size_t)(slash - metadata - 5));
	if (aws_s3_get_object(pl->aws, bucket, slash + 1, &data, &len) != AWS_OK) {
		free(bucket);
		/* the runtime's message names the object and the error code */
		return spec_unread(pl, d, t, "%s", aws_errmsg(pl->aws));
	}
	free(bucket);
	md = json_loadb(data, len, 0, NULL);
	free(data);
	if (!json_is_object(md)) {
		json_decref(md);
		return spec_unread(pl, d, t, "%s is not an Iceberg metadata file", metadata);
	}
	spec_id = json_integer_value(json_object_get(md, "default-spec-id"));
	specs = json_object_get(md, "partition-specs");
	for (i = 0; i < json_array_size(specs); i++)
		if (json_integer_value(json_object_get(json_array_get(specs, i), "spec-id")) == spec_id)
			spec = json_array_get(specs, i);
	fields = spec ? json_object_get(spec, "fields") : json_object_get(md, "partition-spec");
	schema_id = json_integer_value(json_object_get(md, "current-schema-id"));
	schemas = json_object_get(md, "schemas");
	for (i = 0; i < json_array_size(schemas); i++)
		if (json_integer_value(json_object_get(json_array_get(schemas, i), "schema-id")) == schema_id)
			schema = json_array_get(schemas, i);
	if (!schema)
		schema = json_object_get(md, "schema");
	if (!json_is_array(fields)) {
		json_decref(md);
		return spec_unread(pl, d, t, "%s has no partition spec %lld", metadata,
				   (long long)spec_id);
	}
	parts = arena_array(&pl->cat->arena, json_array_size(fields) + 1, sizeof(*parts));
	for (i = 0; i < json_array_size(fields); i++) {
		const json_t *f = json_array_get(fields, i);
		const char *tr = jstr(f, "transform");
		json_int_t src = json_integer_value(json_object_get(f, "source-id"));
		const json_t *cols = json_object_get(schema, "fields");
		const char *col = NULL;
		int prm = 0;
		for (j = 0; j < json_array_size(cols); j++)
			if (json_integer_value(json_object_get(json_array_get(cols, j), "id")) == src)
				col = jstr(json_array_get(cols, j), "name");
		/* a field dropped from a version 1 spec */
		if (tr && !strcmp(tr, "void"))
			continue;
		if (!tr || !col) {
			json_decref(md);
			return spec_unread(pl, d, t, "%s: partition field %zu names no column of the "
					   "current schema", metadata, i + 1);
		}
		if (!strcmp(tr, "identity"))
			parts[n].transform = MP_IDENTITY;
		else if (!strcmp(tr, "year"))
			parts[n].transform = MP_YEARS;
		else if (!strcmp(tr, "month"))
			parts[n].transform = MP_MONTHS;
		else if (!strcmp(tr, "day"))
			parts[n].transform = MP_DAYS;
		else if (!strcmp(tr, "hour"))
			parts[n].transform = MP_HOURS;
		else if (sscanf(tr, "bucket[%d]", &prm) == 1)
			parts[n].transform = MP_BUCKET;
		else if (sscanf(tr, "truncate[%d]", &prm) == 1)
			parts[n].transform = MP_TRUNCATE;
		else {
			/* a transform pipec cannot write: comparing without it would
			 * be wrong, so the spec stays unknown */
			spec_unread(pl, d, t, "%s: unknown partition transform '%s'", metadata, tr);
			json_decref(md);
			return false;
		}
		parts[n].param = prm;
		parts[n].column = arena_strdup(&pl->cat->arena, col);
		n++;
	}
	t->spec = n ? parts : NULL;
	t->nspec = n;
	t->spec_state = CS_KNOWN;
	json_decref(md);
	return true;
}

static void pull_table(struct pull *pl, struct catalog_database *d, const json_t *jt,
		       bool in_bucket)
{
	const char *name = jstr(jt, "Name");
	const json_t *sd = json_object_get(jt, "StorageDescriptor");
	struct catalog_column *cols, *keys;
	size_t ncols, nkeys;
	struct catalog_table *t;
	const char *v;

	if (!name)
		return;
	t = catalog_add_table(pl->cat, d, name);
	t->in_bucket = in_bucket;
	t->type = in_bucket ? CT_ICEBERG : table_type(jt);
	if (!in_bucket) {
		v = table_format(jt, t->type);
		t->format = v ? arena_strdup(&pl->cat->arena, v) : NULL;
		v = jstr(sd, "Location");
		t->location = v && *v ? arena_strdup(&pl->cat->arena, v) : NULL;
	}
	cols = pull_columns(pl->cat, json_object_get(sd, "Columns"), &ncols);
	keys = in_bucket ? NULL : pull_columns(pl->cat, json_object_get(jt, "PartitionKeys"), &nkeys);
	if (in_bucket)
		nkeys = 0;
	catalog_table_set_columns(pl->cat, t, cols, ncols, keys, nkeys);
	free(cols);
	free(keys);
	/* every Iceberg table states its spec, `unknown` when unread, so that
	 * an unread spec never reads as "not partitioned" */
	if (t->type == CT_ICEBERG && !pull_iceberg_spec(pl, d, t, param(jt, "metadata_location")))
		t->spec_state = CS_UNKNOWN;
}

/* The runtime's message names the call; `why` says what it was for when
 * that is not obvious. */
static int pull_failed(struct pull *pl, const char *why)
{
	const char *code = aws_error_code(pl->aws);

	fprintf(stderr, "pipec: error: catalog pull failed%s%s: %s%s%s%s\n", why ? " " : "",
		why ? why : "", aws_errmsg(pl->aws), code && *code ? " (" : "",
		code && *code ? code : "", code && *code ? ")" : "");
	return 1;
}

static int pull_database(struct pull *pl, struct catalog_database *d, const char *catalog_id,
			 bool in_bucket)
{
	json_t *tables;
	size_t i;

	if (aws_glue_get_tables(pl->aws, catalog_id, d->name, &tables) != AWS_OK)
		return pull_failed(pl, NULL);
	for (i = 0; i < json_array_size(tables); i++)
		pull_table(pl, d, json_array_get(tables, i), in_bucket);
	json_decref(tables);
	return 0;
}

static bool listed(const char *name, const char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(name, names[i]))
			return true;
	return false;
}

static int pull_all(struct pull *pl, const char **dbs, size_t ndbs, const char **buckets,
		    size_t nbuckets)
{
	json_t *list, *body;
	size_t i, found = 0;

	body = json_pack("{s:b}", "HidePassword", 1);
	if (aws_glue_paginate(pl->aws, "GetConnections", body, "ConnectionList", &list) != AWS_OK)
		return pull_failed(pl, NULL);
	for (i = 0; i < json_array_size(list); i++) {
		const json_t *j = json_array_get(list, i);
		const char *name = jstr(j, "Name"), *type = jstr(j, "ConnectionType");
		const char *url = jstr(json_object_get(j, "ConnectionProperties"), "JDBC_CONNECTION_URL");
		struct catalog_connection *cn;
		enum model_jdbc_engine e;
		if (!name)
			continue;
		cn = catalog_add_connection(pl->cat, name);
		/* Glue always reports the type; an endpoint that does not gets it
		 * inferred from a JDBC URL, or none */
		if (!type && url)
			type = "JDBC";
		cn->type_name = type ? arena_strdup(&pl->cat->arena, type) : NULL;
		cn->type = type ? catalog_conn_type_parse(type, &e) : CC_OTHER;
		cn->engine = type ? e : MJ_NONE;
		if (url) {
			cn->url = arena_strdup(&pl->cat->arena, url);
			if (catalog_jdbc_url_engine(url) != MJ_NONE)
				cn->engine = catalog_jdbc_url_engine(url);
		}
	}
	json_decref(list);

	if (aws_glue_get_databases(pl->aws, NULL, &list) != AWS_OK)
		return pull_failed(pl, NULL);
	for (i = 0; i < json_array_size(list); i++) {
		const char *name = jstr(json_array_get(list, i), "Name");
		const char *cid = jstr(json_array_get(list, i), "CatalogId");
		/* a federated catalog's databases (a table bucket's namespaces) are not Glue databases */
		if (!name || (cid && strchr(cid, ':')) || (ndbs && !listed(name, dbs, ndbs)))
			continue;
		found++;
		if (pull_database(pl, catalog_add_database(pl->cat, name), NULL, false)) {
			json_decref(list);
			return 1;
		}
	}
	json_decref(list);
	for (i = 0; i < ndbs; i++)
		if (!catalog_database(pl->cat, dbs[i])) {
			fprintf(stderr, "pipec: error: database '%s' is not in the catalog\n", dbs[i]);
			return 1;
		}

	for (i = 0; i < nbuckets; i++) {
		struct catalog_bucket *b = catalog_add_bucket(pl->cat, buckets[i]);
		char *catalog_id = xmalloc(strlen(pl->account) + strlen(buckets[i]) + 32);
		size_t j;
		int rc = 0;
		sprintf(catalog_id, "%s:s3tablescatalog/%s", pl->account, buckets[i]);
		if (pl->region)
			b->arn = arena_printf(&pl->cat->arena, "arn:aws:s3tables:%s:%s:bucket/%s",
					      pl->region, pl->account, buckets[i]);
		if (aws_glue_get_databases(pl->aws, catalog_id, &list) != AWS_OK) {
			free(catalog_id);
			return pull_failed(pl, "reading the table bucket");
		}
		for (j = 0; j < json_array_size(list) && !rc; j++) {
			const char *name = jstr(json_array_get(list, j), "Name");
			const char *cid = jstr(json_array_get(list, j), "CatalogId");
			if (name && (!cid || !strcmp(cid, catalog_id)))
				rc = pull_database(pl, catalog_add_namespace(pl->cat, b, name), catalog_id,
						   true);
		}
		json_decref(list);
		free(catalog_id);
		if (rc)
			return rc;
	}
	return 0;
}

/* "1 table", "2 tables" */
static const char *count(struct strbuf *sb, size_t n, const char *one, const char *many)
{
	strbuf_addf(sb, "%zu %s", n, n == 1 ? one : many);
	return sb->buf;
}

enum { PULL_OUTPUT, PULL_DATABASE, PULL_TABLE_BUCKET, PULL_ACCOUNT, PULL_ENV, PULL_CONFIG,
       PULL_VERBOSE };

static const struct cli_opt pull_opts[] = {
	{ "--verbose", NULL, false, PULL_VERBOSE },
	{ "-o", "--output", true, PULL_OUTPUT },
	{ "--database", NULL, true, PULL_DATABASE },
	{ "--table-bucket", NULL, true, PULL_TABLE_BUCKET },
	{ "--account", NULL, true, PULL_ACCOUNT },
	{ "--env", NULL, true, PULL_ENV },
	{ "--config", NULL, true, PULL_CONFIG },
};

/* catalog pull's command line; dbs and buckets have room for argc + 1. */
struct pull_args {
	struct aws_options opt;
	const char **dbs, **buckets;
	size_t ndbs, nbuckets;
	const char *output, *env_name, *config_path, *account;
};

static int set_pull_option(void *ctx, int id, const char *opt, const char *v)
{
	struct pull_args *a = ctx;

	(void)opt;
	switch (id) {
	case PULL_VERBOSE:
		a->opt.trace = stderr;
		break;
	case PULL_OUTPUT:
		a->output = v;
		break;
	case PULL_DATABASE:
		a->dbs[a->ndbs++] = v;
		break;
	case PULL_TABLE_BUCKET:
		a->buckets[a->nbuckets++] = v;
		break;
	case PULL_ACCOUNT:
		a->account = v;
		break;
	case PULL_ENV:
		a->env_name = v;
		break;
	case PULL_CONFIG:
		a->config_path = v;
		break;
	default:	/* pull takes no operand */
		return cli_usage_error("catalog", "unknown option '%s'", v);
	}
	return 0;
}

static int catalog_pull_cmd(int argc, char **argv)
{
	struct pull_args a = { .opt = AWS_OPTIONS_INIT };
	struct cli_spec spec = {
		.cmd = "catalog", .usage = catalog_usage,
		.opts = pull_opts, .nopts = sizeof(pull_opts) / sizeof(pull_opts[0]),
		.ao = &a.opt, .set = set_pull_option, .ctx = &a,
	};
	struct project proj;
	struct config cfg;
	struct catalog cat;
	struct strbuf out = STRBUF_INIT;
	struct aws_identity id;
	struct pull pl;
	struct strbuf counts[4] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	bool have_project = false;
	int i, rc = 0;

	memset(&id, 0, sizeof(id));
	a.dbs = xcalloc((size_t)argc + 1, sizeof(*a.dbs));
	a.buckets = xcalloc((size_t)argc + 1, sizeof(*a.buckets));
	if (cli_parse(&spec, argc, argv, &rc) != 0)
		goto done;
	if (!a.output) {
		rc = cli_usage_error("catalog", "catalog pull needs -o FILE");
		goto done;
	}

	/* --env / --config: the environment supplies region, account and table bucket */
	project_init(&proj);
	have_project = true;
	if (a.env_name || a.config_path) {
		if (project_load_config(&proj, a.config_path, NULL, a.env_name, &cfg) < 0 ||
		    proj.diags.nerrors) {
			diag_render(&proj.diags, DIAG_FORMAT_TEXT, stdout, stderr);
			rc = 1;
			goto done;
		}
		if (!a.opt.region)
			a.opt.region = cfg.env.region;
		if (!a.account)
			a.account = cfg.env.account;
		if (!a.nbuckets && cfg.env.table_bucket)
			a.buckets[a.nbuckets++] = cfg.env.table_bucket;
	}

	memset(&pl, 0, sizeof(pl));
	strbuf_init(&pl.first_unread, 0);
	pl.aws = aws_client_new(&a.opt);
	catalog_init(&cat);
	pl.cat = &cat;
	/* the snapshot always records the account it describes */
	if (!a.account) {
		if (aws_sts_get_caller_identity(pl.aws, &id) != AWS_OK) {
			rc = pull_failed(&pl, "finding the account (or pass --account)");
			goto pulled;
		}
		a.account = id.account;
	}
	pl.account = a.account;
	if (aws_client_resolve(pl.aws) != AWS_OK) {
		rc = pull_failed(&pl, NULL);
		goto pulled;
	}
	pl.region = aws_client_region(pl.aws);
	cat.region = pl.region ? arena_strdup(&cat.arena, pl.region) : NULL;
	cat.account = a.account ? arena_strdup(&cat.arena, a.account) : NULL;
	rc = pull_all(&pl, a.dbs, a.ndbs, a.buckets, a.nbuckets);
	if (!rc) {
		catalog_save(&cat, &out);
		if (strbuf_write_file(&out, a.output) < 0) {
			fprintf(stderr, "pipec: error: cannot write '%s': %s\n", a.output,
				strerror(errno));
			rc = 1;
		} else {
			fprintf(stderr, "%s: %s, %s, %s, %s\n", a.output,
				count(&counts[0], cat.connections.count, "connection", "connections"),
				count(&counts[1], cat.databases.count, "database", "databases"),
				count(&counts[2], cat.buckets.count, "table bucket", "table buckets"),
				count(&counts[3], cat.ntables, "table", "tables"));
			if (pl.nspec_unread == 1)
				fprintf(stderr, "warning: the partition spec of 1 Iceberg table could not be "
						"read; it is written as 'partition_spec: unknown' and its "
						"partitioning is not checked\n");
			else if (pl.nspec_unread)
				fprintf(stderr, "warning: the partition specs of %zu Iceberg tables could not "
						"be read; they are written as 'partition_spec: unknown' and "
						"their partitioning is not checked\n",
					pl.nspec_unread);
			if (pl.nspec_unread)
				fprintf(stderr, "note: %s%s\n", pl.nspec_unread > 1 ? "the first, " : "",
					pl.first_unread.buf);
		}
	}
pulled:
	for (i = 0; i < 4; i++)
		strbuf_release(&counts[i]);
	strbuf_release(&pl.first_unread);
	aws_identity_release(&id);
	aws_client_free(pl.aws);
	catalog_release(&cat);
done:
	if (have_project)
		project_release(&proj);
	strbuf_release(&out);
	free(a.dbs);
	free(a.buckets);
	return rc;
}

int cmd_catalog(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "check", catalog_check_cmd },
		{ "fmt", catalog_fmt_cmd },
		{ "pull", catalog_pull_cmd },
	};

	return cli_subcommand("catalog", catalog_usage, subs, sizeof(subs) / sizeof(subs[0]), argc,
			      argv);
}
