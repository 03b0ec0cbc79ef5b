#include "check_source.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_pathtpl.h"
#include "check_ctx.h"
#include "check_upstream.h"
#include "config.h"
#include "strbuf.h"


static const char *const format_names[] = {
	"", "csv", "json", "jsonl", "parquet", "avro", "orc", "xml",
};

static const char *const engine_names[] = {
	"postgresql", "mysql", "sqlserver", "oracle", "redshift",
};

enum skey {
	SK_FORMAT, SK_HEADER, SK_DELIMITER, SK_QUOTE, SK_ESCAPE, SK_MULTILINE, SK_ROW_TAG,
	SK_COMPRESSION, SK_RECURSE, SK_INCLUDE, SK_EXCLUDE, SK_PATH_FIELDS, SK_CONNECTION, SK_TABLE, SK_QUERY, SK_SPLIT,
	SK_DATABASE, SK_SCHEMA, SK_WAREHOUSE, SK_PARENT_PROJECT, SK_EXPORT, SK_SCAN, SK_SPLITS,
	SK_MATERIALIZATION_DATASET, SK_COUNT
};

static const char *const source_keys[SK_COUNT] = {
	"format", "header", "delimiter", "quote", "escape", "multiline", "row_tag",
	"compression", "recurse", "include", "exclude", "path_fields", "connection", "table", "query", "split",
	"database", "schema", "warehouse", "parent_project", "export", "scan", "splits",
	"materialization_dataset",
};

/* Bit of a setting in a kind's mask of accepted settings. */
#define B(k) (1u << (k))

static const char *const usage[SK_COUNT] = {
	"format csv|json|jsonl|parquet|avro|orc|xml",
	"header",
	"delimiter \",\"",
	"quote \"\\\"\"",
	"escape \"\\\\\"",
	"multiline",
	"row_tag \"record\"",
	"compression gzip|bzip2",
	"recurse",
	"include \"*.json\", \"**.csv\"",
	"exclude \"*.tmp\", \"_SUCCESS\"",
	"path_fields dt, hour",
	"connection \"glue-connection-name\"",
	"table SCHEMA.TABLE",
	"query \"SELECT ...\"",
	"split by COLUMN into N",
	"database \"DB\"",
	"schema \"SCHEMA\"",
	"warehouse \"WH\"",
	"parent_project \"project-id\"",
	"export to \"s3://bucket/prefix/\"",
	"scan read_percent 0.5",
	"splits N",
	"materialization_dataset \"dataset\"",
};

static const char *const declined[] = {
	"kafka", "kinesis", "msk", "salesforce", "servicenow", "sap", "sap_odata", "mongodb",
	"documentdb", "opensearch", "elasticsearch", "zendesk", "marketo", "google-analytics",
	"google_analytics", "hubspot", "jira", "slack", "stripe", "shopify", "zoho", "netsuite",
	"workday", "facebook-ads", "google-ads", "intercom", "asana", "http", "rest", "ftp",
	"sftp",
};

static const char *article(const char *kind)
{
	return kind[0] == 's' && kind[1] == '3' ? "an" : "a";
}

/* One character, for delimiter/quote/escape. */
static const char *one_char(struct check_ctx *c, const struct ast_setting *s)
{
	const char *v = check_ctx_arg_string(
		c, s, 0, usage[check_ctx_word_index(s->key.text, source_keys, SK_COUNT)]);

	if (v && strlen(v) != 1) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "'%s' must be exactly one character", s->key.text),
			  "write %s \"X\"", s->key.text);
		return NULL;
	}
	return v;
}

/* A local file source is uploaded with one S3 PUT, whose limit is 5 GiB;
 * hashing stops there, whatever the file's size said when it was opened. */
#define CHECK_SOURCE_FILE_MAX ((unsigned long long)5 * 1024 * 1024 * 1024)

/* Hashes a regular file, opened once; errno as strbuf_read_file_max. */
static bool sha256_file(const char *path, char out[65])
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	unsigned long long got = 0;
	EVP_MD_CTX *ctx;
	struct stat st;
	ssize_t n = 0;
	bool ok;
	int fd, e = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
	if (e) {
		close(fd);
		errno = e;
		return false;
	}
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while (ok) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			ok = false;
		} else if (n == 0) {
			break;
		} else if ((got += (unsigned long long)n) > CHECK_SOURCE_FILE_MAX) {
			e = EFBIG;
			ok = false;
		} else {
			ok = EVP_DigestUpdate(ctx, buf, (size_t)n) == 1;
		}
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
	EVP_MD_CTX_free(ctx);
	close(fd);
	for (i = 0; ok && i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	if (!ok)
		errno = e ? e : EIO;
	return ok;
}

/* True when path, with '..' and symbolic links resolved, lies inside root.
 * A path that does not resolve is left to the reader's message. */
static bool inside_root(const char *root, const char *path)
{
	char *r = realpath(root, NULL), *f = realpath(path, NULL);
	bool in = true;

	if (r && f) {
		size_t n = strlen(r);
		in = !strncmp(f, r, n) && (f[n] == '/' || (n == 1 && r[0] == '/'));
	}
	free(r);
	free(f);
	return in;
}

static const char *qname_text(struct check_ctx *c, const struct ast_qname *q)
{
	return ast_qname_text(c->a, q);
}

/* The s3 location or local path argument. */
static const struct ast_string *path_arg(struct check_ctx *c, const struct ast_clause *cl,
					 const char *what, const char *example)
{
	if (cl->u.endpoint.nargs != 1 || cl->u.endpoint.args[0].kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, cl->span, "%s %s source needs %s", article(what), what,
				     example[0] == 's' ? "an S3 location" : "a file path"),
			  "write: source %s \"%s\" { ... }", what, example);
		return NULL;
	}
	return &cl->u.endpoint.args[0].u.str;
}

static enum model_format format_from_extension(const char *path)
{
	const char *dot = strrchr(path, '.');
	int k;

	if (!dot)
		return MF_NONE;
	k = check_ctx_word_index(dot + 1, format_names + 1, 7);
	return k < 0 ? MF_NONE : (enum model_format)(k + 1);
}

static void check_file_path(struct check_ctx *c, const struct ast_string *as,
			    struct model_source *ms)
{
	const char *path = check_ctx_string(c, as), *base;
	struct strbuf full = STRBUF_INIT;
	char sha[65];

	if (!path)
		return;
	if (!*path || path[0] == '/' || strstr(path, "://")) {
		diag_help(diag_error(c->ds, c->src, as->span,
				     "a file source names a local file relative to the project"),
			  "write a path like \"data/customers.csv\"; for S3 use 'source s3'");
		return;
	}
	if (strcmp(c->cfg->root, "."))
		strbuf_addf(&full, "%s/", c->cfg->root);
	strbuf_addstr(&full, path);
	ms->local_path = path;
	if (!inside_root(c->cfg->root, full.buf)) {
		diag_help(diag_error(c->ds, c->src, as->span,
				     "file '%s' is outside the project root", path),
			  "'..' and symbolic links must stay inside the directory of pipec.yaml");
		strbuf_release(&full);
		return;
	}
	if (!sha256_file(full.buf, sha)) {
		diag_help(diag_error(c->ds, c->src, as->span, "cannot read '%s': %s", full.buf,
				     strbuf_file_error(errno)),
			  "file paths are relative to the project root (the directory of pipec.yaml)");
		strbuf_release(&full);
		return;
	}
	strbuf_release(&full);
	ms->local_sha256 = arena_strdup(c->a, sha);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (c->cfg->env.script_bucket)
		ms->path = arena_printf(c->a, "s3://%s/%sfiles/%s/%s", c->cfg->env.script_bucket,
					c->cfg->env.script_prefix, sha, base);
}

/* arn:aws[-a-z]*:dynamodb:REGION:ACCOUNT:table/NAME */
static const char *ddb_arn_problem(const char *s)
{
	const char *p = s, *q;
	size_t n;

	if (strncmp(p, "arn:aws", 7))
		return "it must start with 'arn:aws'";
	p += 7;
	while (*p == '-' || islower((unsigned char)*p))
		p++;
	if (strncmp(p, ":dynamodb:", 10))
		return "the service must be 'dynamodb'";
	p += 10;
	q = strchr(p, ':');
	if (!q || q == p)
		return "the region is missing";
	p = q + 1;
	q = strchr(p, ':');
	if (!q || q - p != 12)
		return "the account must be 12 digits";
	for (; p < q; p++)
		if (!isdigit((unsigned char)*p))
			return "the account must be 12 digits";
	p = q + 1;
	if (strncmp(p, "table/", 6))
		return "the resource must be 'table/NAME'";
	p += 6;
	n = strlen(p);
	if (n < 3 || n > 255 || strchr(p, '/'))
		return "table names are 3 to 255 characters";
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return "table names use letters, digits, '_', '-' and '.'";
	return NULL;
}

static void split_s3(struct check_ctx *c, const char *url, const char **bucket, const char **prefix)
{
	const char *b = url + 5, *slash = strchr(b, '/');

	*bucket = slash ? arena_strndup(c->a, b, (size_t)(slash - b)) : arena_strdup(c->a, b);
	*prefix = slash ? arena_strdup(c->a, slash + 1) : "";
}

static bool is_word(const struct ast_value *v, const char *w)
{
	return v->kind == AST_VAL_NAME && v->u.name.nparts == 1 && !strcmp(v->u.name.parts[0].text, w);
}

/* The value of s that is a bare source key, where a line runs several
 * settings together ("connection "sf" table T"): from its second value on,
 * or its first after a key that takes none.  NULL for a plain setting. */
static const struct ast_value *run_on_setting(const struct ast_setting *s)
{
	int k = check_ctx_word_index(s->key.text, source_keys, SK_COUNT);
	bool flag = k == SK_HEADER || k == SK_MULTILINE || k == SK_RECURSE;
	size_t i;

	if (k < 0)
		return NULL;
	for (i = flag ? 0 : 1; i < s->nargs; i++) {
		const struct ast_value *v = &s->args[i];

		if (v->kind == AST_VAL_NAME && v->u.name.nparts == 1 &&
		    check_ctx_word_index(v->u.name.parts[0].text, source_keys, SK_COUNT) >= 0)
			return v;
	}
	return NULL;
}


/* What the settings block held, for the rules between settings. */
struct source_read {
	int kind;				/* index in kinds[] */
	const struct ast_setting *at[SK_COUNT];	/* each setting read, or NULL */
	size_t unknown;				/* misspelt or run-on settings */
};

/* ---- settings: one reader per key, each called once its key is accepted ---- */

/* header, multiline, recurse */
static void read_flag(struct check_ctx *c, const struct ast_setting *s, int k,
		      struct model_source *ms)
{
	if (!check_ctx_setting_nargs(c, s, 0, 0, usage[k], source_keys, SK_COUNT))
		return;
	if (k == SK_HEADER)
		ms->header = true;
	else if (k == SK_MULTILINE)
		ms->multiline = true;
	else
		ms->recurse = true;
}

/* format csv|json|… (a table source: format hive|iceberg) */
static void read_format(struct check_ctx *c, const struct ast_setting *s, int k,
			struct model_source *ms)
{
	const char *v;
	int f;

	if (!check_ctx_setting_nargs(c, s, 1, 1, usage[k], source_keys, SK_COUNT) ||
	    !(v = check_ctx_arg_word(c, s, 0, usage[k])))
		return;
	if (ms->kind == MS_TABLE) {
		static const char *const tf[] = { "hive", "iceberg" };

		f = check_ctx_word_index(v, tf, 2);
		if (f < 0)
			check_ctx_unknown(c, s->args[0].span, "table format", v, tf, 2);
		else {
			ms->table_format = f ? MF_ICEBERG : MF_HIVE;
			ms->table_format_stated = true;
		}
		return;
	}
	f = check_ctx_word_index(v, format_names + 1, 7);
	if (f < 0)
		check_ctx_unknown(c, s->args[0].span, "format", v, format_names + 1, 7);
	else
		ms->format = (enum model_format)(f + 1);
}

/* delimiter, quote, escape */
static void read_char(struct check_ctx *c, const struct ast_setting *s, int k,
		      struct model_source *ms)
{
	const char *v;

	if (!check_ctx_setting_nargs(c, s, 1, 1, usage[k], source_keys, SK_COUNT) ||
	    !(v = one_char(c, s)))
		return;
	if (k == SK_DELIMITER)
		ms->delimiter = v;
	else if (k == SK_QUOTE)
		ms->quote = v;
	else
		ms->escape = v;
}

static void read_row_tag(struct check_ctx *c, const struct ast_setting *s, int k,
			 struct model_source *ms)
{
	const char *v;

	if (check_ctx_setting_nargs(c, s, 1, 1, usage[k], source_keys, SK_COUNT) &&
	    (v = check_ctx_arg_string(c, s, 0, usage[k])) != NULL) {
		if (!*v)
			diag_help(diag_error(c->ds, c->src, s->args[0].span, "'row_tag' is empty"),
				  "write the XML element that holds one row: row_tag \"record\"");
		else
			ms->row_tag = v;
	}
}

static void read_compression(struct check_ctx *c, const struct ast_setting *s, int k,
			     struct model_source *ms)
{
	static const char *const comp[] = { "gzip", "bzip2" };
	const char *v;

	if (!check_ctx_setting_nargs(c, s, 1, 1, usage[k], source_keys, SK_COUNT) ||
	    !(v = check_ctx_arg_word(c, s, 0, usage[k])))
		return;
	if (check_ctx_word_index(v, comp, 2) < 0)
		check_ctx_unknown(c, s->args[0].span, "compression", v, comp, 2);
	else
		ms->compression = v;
}

/* Why g is not a glob of Glue's syntax (the crawler's include and exclude
 * patterns: '*' within a folder, '**' across folders, '?', '[abc]', '[!a-c]',
 * '{a,b}', '\\' before a literal), or NULL. */
static const char *glob_problem(const char *g)
{
	const char *p;
	bool brace = false;

	if (!*g)
		return "it is empty";
	if (g[0] == '/' || strstr(g, "://"))
		return "it names keys below the source location, not a full path";
	for (; *g; g++) {
		if (*g == '\\') {
			if (!*++g)
				return "it ends with '\\'";
			continue;
		}
		if (*g == '{' && brace)
			return "'{' groups cannot nest";
		if (*g == '{' || *g == '}') {
			if (*g == '}' && !brace)
				return "'}' has no '{'";
			brace = *g == '{';
		}
		if (*g != '[')
			continue;
		p = g + 1 + (g[1] == '!');
		if (*p == ']')
			return "'[...]' holds no character";
		while (*p && *p != ']' && *p != '/')
			p++;
		if (*p != ']')
			return *p ? "'/' cannot be in '[...]'" : "'[' has no ']'";
		g = p;
	}
	return brace ? "'{' has no '}'" : NULL;
}

/* include and exclude: one or more globs, each well formed, none twice
 * (in either list) */
static void read_globs(struct check_ctx *c, const struct ast_setting *s, int k,
		       struct model_source *ms)
{
	const char ***list = k == SK_INCLUDE ? &ms->inclusions : &ms->exclusions;
	size_t *n = k == SK_INCLUDE ? &ms->ninclusions : &ms->nexclusions;
	const char *v, *why;
	size_t i;

	if (!check_ctx_setting_nargs(c, s, 1, 1000, usage[k], source_keys, SK_COUNT))
		return;
	*list = arena_array(c->a, s->nargs, sizeof(**list));
	for (i = 0; i < s->nargs; i++) {
		if (!(v = check_ctx_arg_string(c, s, i, usage[k])))
			continue;
		if ((why = glob_problem(v)) != NULL) {
			diag_help(diag_error(c->ds, c->src, s->args[i].span,
					     "'%s' is not a valid glob: %s", v, why),
				  "globs match keys below the source location: '*' within a "
				  "folder, '**' across folders, '?', '[abc]', '[!abc]', '{a,b}'");
			continue;
		}
		(*list)[(*n)++] = v;
	}
}

/* The declared column that reads source field f, or NULL. */
static const struct model_column *column_reading(const struct model_pipeline *p, const char *f)
{
	size_t i;

	for (i = 0; i < p->ncolumns; i++)
		if (p->columns[i].source_field && !strcmp(p->columns[i].source_field, f))
			return &p->columns[i];
	return NULL;
}

/* path_fields K, ...: Hive "K=value" folders of each object's key, read as
 * source fields; each a plain key, once, read by a declared column */
static void read_path_fields(struct check_ctx *c, const struct ast_setting *s, int k,
			     struct model_source *ms)
{
	size_t i, j;

	if (!check_ctx_setting_nargs(c, s, 1, 100, usage[k], source_keys, SK_COUNT))
		return;
	ms->path_fields = arena_array(c->a, s->nargs, sizeof(*ms->path_fields));
	for (i = 0; i < s->nargs; i++) {
		const struct ast_value *v = &s->args[i];
		const char *f = v->kind == AST_VAL_NAME && v->u.name.nparts == 1
					? v->u.name.parts[0].text : NULL;

		if (!f || f[strspn(f, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789_")]) {
			diag_help(diag_error(c->ds, c->src, v->span,
					     "a path field is the key of a KEY=value folder"),
				  "write: %s (letters, digits and '_')", usage[k]);
			continue;
		}
		for (j = 0; j < i && !(is_word(&s->args[j], f)); j++)
			;
		if (j < i) {
			diag_help(diag_error(c->ds, c->src, v->span,
					     "path field '%s' is given twice", f),
				  "remove the repeat");
			continue;
		}
		if (!column_reading(c->mp, f)) {
			diag_help(diag_error(c->ds, c->src, v->span,
					     "no column reads path field '%s'", f),
				  "declare a column that reads it: %s string (or NAME TYPE from "
				  "\"%s\")", f, f);
			continue;
		}
		ms->path_fields[ms->npath_fields++] = f;
	}
}

/* connection, warehouse, parent_project, materialization_dataset, query:
 * a non-empty string */
static void read_text(struct check_ctx *c, const struct ast_setting *s, int k,
		      struct model_source *ms)
{
	const char *v;

	if (!check_ctx_setting_nargs(c, s, 1, 1, usage[k], source_keys, SK_COUNT) ||
	    !(v = check_ctx_arg_string(c, s, 0, usage[k])))
		return;
	if (!*v) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span, "'%s' is empty", s->key.text),
			  "write: %s", usage[k]);
		return;
	}
	if (k == SK_CONNECTION) {
		ms->connection = v;
		ms->connection_span = s->args[0].span;
	}
	else if (k == SK_WAREHOUSE)
		ms->sf_warehouse = v;
	else if (k == SK_PARENT_PROJECT)
		ms->bq_parent_project = v;
	else if (k == SK_MATERIALIZATION_DATASET)
		ms->bq_materialization_dataset = v;
	else
		ms->query = v;
}

/* database, schema (Snowflake): a string or a word */
static void read_sf_name(struct check_ctx *c, const struct ast_setting *s, int k,
			 struct model_source *ms)
{
	const char *v;

	if (!check_ctx_setting_nargs(c, s, 1, 1, usage[k], source_keys, SK_COUNT))
		return;
	v = s->args[0].kind == AST_VAL_STRING ? check_ctx_string(c, &s->args[0].u.str)
					       : check_ctx_arg_word(c, s, 0, usage[k]);
	if (v && k == SK_DATABASE)
		ms->sf_database = v;
	else if (v)
		ms->sf_schema = v;
}

/* table "project.dataset.table" of a BigQuery source */
static void read_bigquery_table(struct check_ctx *c, const struct ast_setting *s,
				struct model_source *ms)
{
	const char *v, *d1, *d2;

	if (!(v = check_ctx_arg_string(c, s, 0, "table \"project.dataset.table\"")))
		return;
	d1 = strchr(v, '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d1 || !d2 || d1 == v || d2 == d1 + 1 || !d2[1] || strchr(d2 + 1, '.')) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "BigQuery table '%s' is not project.dataset.table", v),
			  "write table \"my-project.sales.orders\"");
		return;
	}
	ms->table = v;
	ms->table_span = s->args[0].span;
}

/* table SCHEMA.TABLE (JDBC), DATABASE.SCHEMA.TABLE or TABLE (Snowflake) */
static void read_table(struct check_ctx *c, const struct ast_setting *s, int k,
		       struct model_source *ms)
{
	int n;

	if (!check_ctx_setting_nargs(c, s, 1, 1, usage[k], source_keys, SK_COUNT))
		return;
	if (ms->kind == MS_BIGQUERY) {
		read_bigquery_table(c, s, ms);
		return;
	}
	if (s->args[0].kind != AST_VAL_NAME) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "'table' expects a dotted name"),
			  "write: %s", ms->kind == MS_SNOWFLAKE ? "table DATABASE.SCHEMA.TABLE"
								: usage[k]);
		return;
	}
	n = (int)s->args[0].u.name.nparts;
	if (ms->kind == MS_JDBC && n > 2) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "a JDBC table is SCHEMA.TABLE or TABLE"),
			  "write: table public.orders");
		return;
	}
	if (ms->kind == MS_SNOWFLAKE && n != 1 && n != 3) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "a Snowflake table is DATABASE.SCHEMA.TABLE or TABLE"),
			  "write: table SALES.PUBLIC.ORDERS (or TABLE with database and "
			  "schema settings)");
		return;
	}
	if (ms->kind == MS_SNOWFLAKE && n == 3) {
		ms->sf_database = s->args[0].u.name.parts[0].text;
		ms->sf_schema = s->args[0].u.name.parts[1].text;
		ms->table = s->args[0].u.name.parts[2].text;
	} else {
		ms->table = qname_text(c, &s->args[0].u.name);
		if (ms->kind == MS_JDBC) {
			ms->jdbc_schema = n == 2 ? s->args[0].u.name.parts[0].text : NULL;
			ms->jdbc_table = s->args[0].u.name.parts[n - 1].text;
		}
	}
	ms->table_span = s->args[0].span;
}

/* split by COLUMN into N (Glue's hashfield), or split by expression "SQL"
 * into N (hashexpression: SQL of the source database giving a whole number) */
static void read_split(struct check_ctx *c, const struct ast_setting *s, int k,
		       struct model_source *ms)
{
	bool expr = s->nargs == 5 && is_word(&s->args[1], "expression");
	const struct ast_value *by = &s->args[expr ? 2 : 1];
	const char *e = NULL;
	int parts;

	if (s->nargs != (expr ? 5u : 4u) || !is_word(&s->args[0], "by") ||
	    (expr ? by->kind != AST_VAL_STRING
		  : by->kind != AST_VAL_NAME || by->u.name.nparts != 1) ||
	    !is_word(&s->args[expr ? 3 : 2], "into")) {
		diag_help(diag_error(c->ds, c->src, s->span, "malformed 'split'"),
			  "write: %s, or split by expression \"SQL\" into N", usage[k]);
		return;
	}
	if (!check_ctx_arg_int(c, s, expr ? 4 : 3, 1, 1000, usage[k], &parts))
		return;
	if (expr && (e = check_ctx_string(c, &by->u.str)) != NULL &&
	    (!e[strspn(e, " \t\r\n")] || strchr(e, ';'))) {
		diag_help(diag_error(c->ds, c->src, by->span, "%s split expression",
				     strchr(e, ';') ? "';' in the" : "empty"),
			  "write one SQL expression of the source database that gives a whole "
			  "number, like split by expression \"customer_id %% 100\" into 8");
		return;
	}
	if (expr && !e)
		return;
	ms->split_column = expr ? NULL : by->u.name.parts[0].text;
	ms->split_expression = e;
	ms->split_partitions = parts;
}

/* export to "s3://…" */
static void read_export(struct check_ctx *c, const struct ast_setting *s, int k,
			struct model_source *ms)
{
	const char *v;

	if (s->nargs != 2 || !is_word(&s->args[0], "to") || s->args[1].kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, s->span, "malformed 'export'"),
			  "write: %s", usage[k]);
		return;
	}
	if ((v = check_ctx_s3_location(c, &s->args[1].u.str, "export location")) != NULL) {
		ms->ddb_export = true;
		split_s3(c, v, &ms->export_bucket, &ms->export_prefix);
	}
}

/* scan read_percent P [splits N] */
static void read_scan(struct check_ctx *c, const struct ast_setting *s, int k,
		      struct model_source *ms)
{
	size_t i;

	(void)k;
	ms->read_percent = "0.5";
	for (i = 0; i < s->nargs; i += 2) {
		const struct ast_value *val = i + 1 < s->nargs ? &s->args[i + 1] : NULL;

		if (is_word(&s->args[i], "read_percent") && val && val->kind == AST_VAL_NUMBER) {
			if (val->u.num.value < 0.1 || val->u.num.value > 1.5) {
				diag_help(diag_error(c->ds, c->src, val->span,
						     "read_percent %s is out of range",
						     val->u.num.text),
					  "DynamoDB scans use 0.1 to 1.5 of the table's read "
					  "capacity");
				return;
			}
			ms->read_percent = val->u.num.text;
		} else if (is_word(&s->args[i], "splits") && val) {
			if (!check_ctx_arg_int(c, s, i + 1, 1, 1000000, "splits N", &ms->splits))
				return;
		} else {
			diag_help(diag_error(c->ds, c->src, s->args[i].span, "malformed 'scan'"),
				  "write: scan read_percent 0.5 [splits N]");
			return;
		}
	}
	ms->ddb_export = false;
}

static void read_splits(struct check_ctx *c, const struct ast_setting *s, int k,
			struct model_source *ms)
{
	if (check_ctx_setting_nargs(c, s, 1, 1, usage[k], source_keys, SK_COUNT))
		check_ctx_arg_int(c, s, 0, 1, 1000000, usage[k], &ms->splits);
}

static void (*const read_setting[SK_COUNT])(struct check_ctx *c, const struct ast_setting *s,
					    int k, struct model_source *ms) = {
	[SK_FORMAT] = read_format,
	[SK_HEADER] = read_flag,
	[SK_DELIMITER] = read_char,
	[SK_QUOTE] = read_char,
	[SK_ESCAPE] = read_char,
	[SK_MULTILINE] = read_flag,
	[SK_ROW_TAG] = read_row_tag,
	[SK_COMPRESSION] = read_compression,
	[SK_RECURSE] = read_flag,
	[SK_INCLUDE] = read_globs,
	[SK_EXCLUDE] = read_globs,
	[SK_PATH_FIELDS] = read_path_fields,
	[SK_CONNECTION] = read_text,
	[SK_TABLE] = read_table,
	[SK_QUERY] = read_text,
	[SK_SPLIT] = read_split,
	[SK_DATABASE] = read_sf_name,
	[SK_SCHEMA] = read_sf_name,
	[SK_WAREHOUSE] = read_text,
	[SK_PARENT_PROJECT] = read_text,
	[SK_EXPORT] = read_export,
	[SK_SCAN] = read_scan,
	[SK_SPLITS] = read_splits,
	[SK_MATERIALIZATION_DATASET] = read_text,
};

/* ---- the arguments after `source KIND`, per kind ---- */

static void s3_args(struct check_ctx *c, const struct ast_clause *cl, struct model_source *ms)
{
	const struct ast_string *ps = path_arg(c, cl, "s3", "s3://bucket/prefix/");

	if (ps && check_pathtpl_is_template(ps))
		check_pathtpl_location(c, ps, ms);
	else if (ps)
		ms->path = check_ctx_s3_location(c, ps, "source location");
}

static void file_args(struct check_ctx *c, const struct ast_clause *cl, struct model_source *ms)
{
	const struct ast_string *ps = path_arg(c, cl, "file", "data/file.csv");

	if (ps)
		check_file_path(c, ps, ms);
}

/* source jdbc ENGINE */
static void jdbc_args(struct check_ctx *c, const struct ast_clause *cl, struct model_source *ms)
{
	const struct ast_name *kn = &cl->u.endpoint.kind;
	const char *e;
	int ei;

	if (cl->u.endpoint.nargs != 1 || cl->u.endpoint.args[0].kind != AST_VAL_NAME ||
	    cl->u.endpoint.args[0].u.name.nparts != 1) {
		diag_help(diag_error(c->ds, c->src, kn->span,
				     "a jdbc source needs a database engine"),
			  "write: source jdbc postgresql|mysql|sqlserver|oracle|redshift { ... }");
		return;
	}
	e = cl->u.endpoint.args[0].u.name.parts[0].text;
	ei = check_ctx_word_index(e, engine_names, 5);
	if (ei < 0)
		check_ctx_unknown(c, cl->u.endpoint.args[0].span, "JDBC engine", e, engine_names,
				  5);
	else
		ms->engine = (enum model_jdbc_engine)(ei + 1);
}

/* source dynamodb "TABLE-ARN" */
static void dynamodb_args(struct check_ctx *c, const struct ast_clause *cl,
			  struct model_source *ms)
{
	const struct ast_name *kn = &cl->u.endpoint.kind;
	const char *arn, *why;

	if (cl->u.endpoint.nargs != 1 || cl->u.endpoint.args[0].kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, kn->span,
				     "a dynamodb source needs the table ARN"),
			  "write: source dynamodb \"arn:aws:dynamodb:REGION:ACCOUNT:table/NAME\" "
			  "{ ... }");
		return;
	}
	arn = check_ctx_string(c, &cl->u.endpoint.args[0].u.str);
	if (arn && (why = ddb_arn_problem(arn)) != NULL)
		diag_help(diag_error(c->ds, c->src, cl->u.endpoint.args[0].span,
				     "'%s' is not a DynamoDB table ARN: %s", arn, why),
			  "write arn:aws:dynamodb:REGION:ACCOUNT:table/NAME");
	else if (arn)
		ms->table_arn = arn;
}

/* source table DATABASE.TABLE */
static void table_args(struct check_ctx *c, const struct ast_clause *cl, struct model_source *ms)
{
	if (cl->u.endpoint.nargs != 1 || cl->u.endpoint.args[0].kind != AST_VAL_NAME ||
	    cl->u.endpoint.args[0].u.name.nparts != 2) {
		diag_help(diag_error(c->ds, c->src, cl->span,
				     "a table source names a catalog table DATABASE.TABLE"),
			  "write: source table lake.orders");
		return;
	}
	ms->database = cl->u.endpoint.args[0].u.name.parts[0].text;
	ms->table = cl->u.endpoint.args[0].u.name.parts[1].text;
	ms->table_span = cl->u.endpoint.args[0].span;
	ms->part_spans[0] = cl->u.endpoint.args[0].u.name.parts[0].span;
	ms->part_spans[1] = cl->u.endpoint.args[0].u.name.parts[1].span;
}

/* An Iceberg table is read through Iceberg's GlueCatalog, which refuses
 * names outside its rule (a Hive table is read by Glue, which folds them).
 * A table whose format the catalog snapshot tells is checked there. */
static void table_finish(struct check_ctx *c, const struct ast_clause *cl,
			 const struct source_read *r)
{
	const struct model_source *ms = &c->mp->source;

	(void)cl;
	(void)r;
	if (ms->table_format != MF_ICEBERG || !ms->database || !ms->table)
		return;
	check_ctx_engine_name(c->ds, c->src, ms->part_spans[0], NAMES_GLUE_ICEBERG, "database",
			      ms->database);
	check_ctx_engine_name(c->ds, c->src, ms->part_spans[1], NAMES_GLUE_ICEBERG, "table name",
			      ms->table);
}

/* source pipeline NAME: a table source whose table another pipeline writes */
static void pipeline_args(struct check_ctx *c, const struct ast_clause *cl,
			  struct model_source *ms)
{
	ms->kind = MS_TABLE;
	check_upstream_source(c, cl, ms);
}

/* Snowflake and BigQuery: everything is in the block. */
static void no_args(struct check_ctx *c, const struct ast_clause *cl, struct model_source *ms)
{
	const struct ast_name *kn = &cl->u.endpoint.kind;

	(void)ms;
	if (cl->u.endpoint.nargs)
		diag_help(diag_error(c->ds, c->src, cl->u.endpoint.args[0].span,
				     "unexpected value after 'source %s'", kn->text),
			  "write the %s settings in a block: source %s { connection \"...\"; "
			  "table ... }", kn->text, kn->text);
}

/* ---- requirements and combinations of settings, per kind ---- */

/* Settings of one file format only ('header' is for csv, …). */
static void check_format_settings(struct check_ctx *c, const struct ast_clause *cl,
				  const struct source_read *r, const struct model_source *ms)
{
	static const struct {
		int key;
		unsigned formats;	/* bit per enum model_format */
		const char *which;
	} applies[] = {
		{ SK_HEADER, 1u << MF_CSV, "csv" },
		{ SK_DELIMITER, 1u << MF_CSV, "csv" },
		{ SK_QUOTE, 1u << MF_CSV, "csv" },
		{ SK_ESCAPE, 1u << MF_CSV, "csv" },
		{ SK_MULTILINE, (1u << MF_CSV) | (1u << MF_JSON), "csv and json" },
		{ SK_ROW_TAG, 1u << MF_XML, "xml" },
		{ SK_COMPRESSION,
		  (1u << MF_CSV) | (1u << MF_JSON) | (1u << MF_JSONL) | (1u << MF_XML),
		  "csv, json, jsonl and xml" },
	};
	size_t a, i;

	for (a = 0; a < sizeof(applies) / sizeof(*applies); a++) {
		if (!r->at[applies[a].key] || (applies[a].formats & (1u << ms->format)))
			continue;
		for (i = 0; i < cl->u.endpoint.nsettings; i++) {
			const struct ast_setting *s = &cl->u.endpoint.settings[i];

			if (!strcmp(s->key.text, source_keys[applies[a].key])) {
				diag_help(diag_error(c->ds, c->src, s->key.span,
						     "'%s' does not apply to format %s",
						     s->key.text, format_names[ms->format]),
					  "'%s' is for %s files; remove it",
					  s->key.text, applies[a].which);
				break;
			}
		}
	}
}

/* The i-th glob of s when it is a well-formed string, else NULL. */
static const char *glob_at(struct check_ctx *c, const struct ast_setting *s, size_t i)
{
	const char *v;

	if (!s || i >= s->nargs || s->args[i].kind != AST_VAL_STRING)
		return NULL;
	v = check_ctx_string(c, &s->args[i].u.str);
	return v && !glob_problem(v) ? v : NULL;
}

/* No glob twice in include and exclude together: a repeat is a slip, and a
 * glob in both would leave include's files unread. */
static void check_glob_repeats(struct check_ctx *c, const struct source_read *r)
{
	const struct ast_setting *inc = r->at[SK_INCLUDE], *exc = r->at[SK_EXCLUDE];
	size_t ni = inc ? inc->nargs : 0, n = ni + (exc ? exc->nargs : 0), i, j;

	for (i = 1; i < n; i++) {
		const struct ast_setting *si = i < ni ? inc : exc;
		const char *v = glob_at(c, si, i < ni ? i : i - ni);

		for (j = 0; v && j < i; j++) {
			const struct ast_setting *sj = j < ni ? inc : exc;
			const char *w = glob_at(c, sj, j < ni ? j : j - ni);
			bool both = si != sj;
			struct diag *d;

			if (!w || strcmp(v, w))
				continue;
			d = diag_error(c->ds, c->src, si->args[i < ni ? i : i - ni].span,
				       both ? "glob '%s' is both included and excluded"
					    : "glob '%s' is given twice", v);
			diag_note(d, c->src, sj->args[j < ni ? j : j - ni].span,
				  both ? "included here" : "first given here");
			diag_help(d, both ? "keep it in one of 'include' and 'exclude'"
					  : "remove the repeat");
			break;
		}
	}
}

/* file and s3: a format (a file's may come from its extension), the
 * settings of that format, CSV defaults */
static void files_finish(struct check_ctx *c, const struct ast_clause *cl,
			 const struct source_read *r)
{
	struct model_source *ms = &c->mp->source;
	const struct ast_name *kn = &cl->u.endpoint.kind;
	const struct ast_setting *fmt = r->at[SK_FORMAT];

	check_glob_repeats(c, r);
	check_pathtpl_finish(c, ms);
	if (!fmt && ms->kind == MS_FILE && ms->local_path)
		ms->format = format_from_extension(ms->local_path);
	if (ms->format == MF_NONE) {
		if (!fmt)
			diag_help(diag_error(c->ds, c->src, cl->kw_span,
					     "%s %s source needs a format",
					     article(kn->text), kn->text),
				  "add 'format csv|json|jsonl|parquet|avro|orc|xml' to the "
				  "source block");
		return;
	}
	check_format_settings(c, cl, r, ms);
	if (ms->format == MF_XML && !ms->row_tag && !r->at[SK_ROW_TAG])
		diag_help(diag_error(c->ds, c->src, fmt ? fmt->span : cl->kw_span,
				     "format xml needs 'row_tag'"),
			  "add row_tag \"ELEMENT\" naming the element that holds one row");
	if (ms->format == MF_CSV) {
		if (!ms->delimiter)
			ms->delimiter = ",";
		if (!ms->quote)
			ms->quote = "\"";
	}
}

/* jdbc, snowflake, bigquery: a Glue connection, and a table or a query */
static void connector_finish(struct check_ctx *c, const struct ast_clause *cl,
			     const struct source_read *r)
{
	const struct model_source *ms = &c->mp->source;
	const struct ast_name *kn = &cl->u.endpoint.kind;
	const struct ast_setting *tbl = r->at[SK_TABLE], *qry = r->at[SK_QUERY];

	if (!r->at[SK_CONNECTION])
		diag_help(diag_error(c->ds, c->src, kn->span,
				     "%s %s source needs a Glue connection",
				     article(kn->text), kn->text),
			  "add connection \"NAME\" to the source block");
	if (tbl && qry) {
		struct diag *d = diag_error(c->ds, c->src, qry->key.span,
					    "'table' and 'query' cannot be combined");
		diag_note(d, c->src, tbl->key.span, "table given here");
		diag_help(d, "read a table, or the result of a query, not both");
	} else if (!tbl && !qry) {
		diag_help(diag_error(c->ds, c->src, kn->span,
				     "%s %s source needs 'table' or 'query'",
				     article(kn->text), kn->text),
			  "add %s", ms->kind == MS_BIGQUERY
					    ? "table \"project.dataset.table\""
					    : ms->kind == MS_SNOWFLAKE ? "table DB.SCHEMA.TABLE"
								       : "table SCHEMA.TABLE");
	}
}

/* Glue's parallel JDBC read options are "ignored when reading Amazon
 * Redshift" (Reading from JDBC tables in parallel). */
static void jdbc_finish(struct check_ctx *c, const struct ast_clause *cl,
			const struct source_read *r)
{
	const struct ast_setting *split = r->at[SK_SPLIT];

	connector_finish(c, cl, r);
	if (split && c->mp->source.engine == MJ_REDSHIFT)
		diag_help(diag_warning(c->ds, c->src, split->key.span,
				       "Glue ignores 'split' for a Redshift source"),
			  "Glue's parallel read options (hashfield, hashexpression, "
			  "hashpartitions) are ignored when reading Redshift; remove 'split'");
}

static void snowflake_finish(struct check_ctx *c, const struct ast_clause *cl,
			     const struct source_read *r)
{
	const struct model_source *ms = &c->mp->source;
	const struct ast_setting *tbl = r->at[SK_TABLE], *qry = r->at[SK_QUERY];

	connector_finish(c, cl, r);
	if ((tbl || qry) && ms->table != NULL && !(ms->sf_database && ms->sf_schema))
		diag_help(diag_error(c->ds, c->src, tbl->span,
				     "the Snowflake table needs a database and a schema"),
			  "write table DB.SCHEMA.TABLE, or add database and schema settings");
	if (qry && !tbl && !(ms->sf_database && ms->sf_schema))
		diag_help(diag_error(c->ds, c->src, qry->span,
				     "a Snowflake query needs 'database' and 'schema'"),
			  "add database \"DB\" and schema \"SCHEMA\" to the source block");
}

/* The Glue BigQuery connector bills reads to parentProject, and runs a
 * query by materializing it into a dataset of that project (with
 * viewsEnabled). */
static void bigquery_finish(struct check_ctx *c, const struct ast_clause *cl,
			    const struct source_read *r)
{
	const struct model_source *ms = &c->mp->source;
	const struct ast_name *kn = &cl->u.endpoint.kind;
	const struct ast_setting *qry = r->at[SK_QUERY];

	connector_finish(c, cl, r);
	if (!ms->bq_parent_project)
		diag_help(diag_error(c->ds, c->src, kn->span,
				     "a bigquery source needs 'parent_project'"),
			  "add parent_project \"project-id\" (the Google Cloud project "
			  "billed for the read)");
	if (qry && !ms->bq_materialization_dataset)
		diag_help(diag_error(c->ds, c->src, qry->span,
				     "a BigQuery query needs 'materialization_dataset'"),
			  "add materialization_dataset \"dataset\" (a dataset of the parent "
			  "project where BigQuery writes the query's result for Glue to read)");
}

/* dynamodb: 'export to' or 'scan', not both; 'splits' with 'scan' only */
static void dynamodb_finish(struct check_ctx *c, const struct ast_clause *cl,
			    const struct source_read *r)
{
	const struct ast_name *kn = &cl->u.endpoint.kind;
	const struct ast_setting *scan = r->at[SK_SCAN], *exp = r->at[SK_EXPORT];
	const struct ast_setting *splits = r->at[SK_SPLITS];

	if (scan && exp) {
		struct diag *d = diag_error(c->ds, c->src, scan->key.span,
					    "'scan' and 'export' cannot be combined");
		diag_note(d, c->src, exp->key.span, "export given here");
		diag_help(d, "choose the export connector (no read capacity used) or a scan");
	} else if (!scan && !exp) {
		diag_help(diag_error(c->ds, c->src, kn->span,
				     "a dynamodb source needs 'export to' or 'scan'"),
			  "add export to \"s3://bucket/prefix/\" (recommended) or "
			  "scan read_percent 0.5");
	} else if (splits && exp) {
		diag_help(diag_error(c->ds, c->src, splits->key.span,
				     "'splits' applies to 'scan' only"),
			  "remove 'splits' or read with 'scan'");
	}
}

/* ---- the kinds ---- */

/* Per source kind, in enum model_source_kind order: its name, the settings
 * it accepts, how its arguments are read, and the rules checked once its
 * settings are read (NULL: none).  The last, `pipeline`, is a table source
 * (MS_TABLE) whose table and format come from another pipeline. */
static const struct source_kind {
	const char *name;
	unsigned keys;		/* bit per enum skey */
	void (*args)(struct check_ctx *c, const struct ast_clause *cl, struct model_source *ms);
	void (*finish)(struct check_ctx *c, const struct ast_clause *cl,
		       const struct source_read *r);
} kinds[] = {
	[MS_FILE] = { "file",
		      B(SK_FORMAT) | B(SK_HEADER) | B(SK_DELIMITER) | B(SK_QUOTE) |
			      B(SK_ESCAPE) | B(SK_MULTILINE) | B(SK_ROW_TAG) | B(SK_COMPRESSION),
		      file_args, files_finish },
	[MS_S3] = { "s3",
		    B(SK_FORMAT) | B(SK_HEADER) | B(SK_DELIMITER) | B(SK_QUOTE) | B(SK_ESCAPE) |
			    B(SK_MULTILINE) | B(SK_ROW_TAG) | B(SK_COMPRESSION) | B(SK_RECURSE) |
			    B(SK_INCLUDE) | B(SK_EXCLUDE) | B(SK_PATH_FIELDS),
		    s3_args, files_finish },
	[MS_JDBC] = { "jdbc", B(SK_CONNECTION) | B(SK_TABLE) | B(SK_QUERY) | B(SK_SPLIT),
		      jdbc_args, jdbc_finish },
	[MS_SNOWFLAKE] = { "snowflake",
			   B(SK_CONNECTION) | B(SK_TABLE) | B(SK_QUERY) | B(SK_DATABASE) |
				   B(SK_SCHEMA) | B(SK_WAREHOUSE),
			   no_args, snowflake_finish },
	[MS_BIGQUERY] = { "bigquery",
			  B(SK_CONNECTION) | B(SK_TABLE) | B(SK_QUERY) | B(SK_PARENT_PROJECT) |
				  B(SK_MATERIALIZATION_DATASET),
			  no_args, bigquery_finish },
	[MS_DYNAMODB] = { "dynamodb", B(SK_EXPORT) | B(SK_SCAN) | B(SK_SPLITS), dynamodb_args,
			  dynamodb_finish },
	[MS_TABLE] = { "table", B(SK_FORMAT), table_args, table_finish },
	[MS_TABLE + 1] = { "pipeline", 0, pipeline_args, NULL },
};
#define NKINDS (sizeof(kinds) / sizeof(*kinds))

static int kind_index(const char *name)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (!strcmp(name, kinds[i].name))
			return (int)i;
	return -1;
}

static void report_unsupported(struct check_ctx *c, const struct ast_name *k)
{
	const char *names[NKINDS];
	struct strbuf sb = STRBUF_INIT;
	struct diag *d = diag_error(c->ds, c->src, k->span, "source '%s' is not supported", k->text);
	const char *close;
	size_t i;

	for (i = 0; i < NKINDS; i++)
		names[i] = kinds[i].name;
	close = check_ctx_word_index(k->text, declined, sizeof(declined) / sizeof(*declined)) < 0
			? diag_closest(k->text, names, NKINDS)
			: NULL;
	check_ctx_join_words(&sb, names, NKINDS, " and ");
	if (close)
		diag_help(d, "did you mean '%s'? (supported sources: %s)", close, sb.buf);
	else
		diag_help(d, "pipec reads batch sources only: %s", sb.buf);
	strbuf_release(&sb);
}

/* An unknown setting key: suggestions come from the keys this kind accepts. */
static bool known_key(struct check_ctx *c, const struct ast_setting *s, int k)
{
	const char *keys[SK_COUNT];
	size_t n = 0, i;

	if (check_ctx_word_index(s->key.text, source_keys, SK_COUNT) >= 0)
		return true;
	for (i = 0; i < SK_COUNT; i++)
		if (kinds[k].keys & B(i))
			keys[n++] = source_keys[i];
	check_ctx_unknown(c, s->key.span, "source setting", s->key.text, keys, n);
	return false;
}

/* A known setting this kind does not accept. */
static void report_not_for_kind(struct check_ctx *c, const struct ast_setting *s, int k,
				const struct ast_name *kn)
{
	enum model_source_kind kind = c->mp->source.kind;

	if (k == SK_CONNECTION)
		diag_help(diag_error(c->ds, c->src, s->key.span,
				     "%s %s source does not use a connection",
				     article(kn->text), kn->text),
			  "remove 'connection': %s", kind == MS_DYNAMODB
				? "DynamoDB is read with the job's IAM role"
				: kind == MS_TABLE
					  ? "catalog tables are read through the "
					    "Glue Data Catalog"
					  : "files are read from S3 with the job's IAM "
					    "role");
	else if (k == SK_INCLUDE || k == SK_EXCLUDE)
		diag_help(diag_error(c->ds, c->src, s->key.span,
				     "'%s' does not apply to %s %s source", s->key.text,
				     article(kn->text), kn->text),
			  "'%s' chooses files under the location of an s3 source; remove it",
			  s->key.text);
	else
		diag_help(diag_error(c->ds, c->src, s->key.span,
				     "'%s' does not apply to %s %s source", s->key.text,
				     article(kn->text), kn->text),
			  "%s", strcmp(kn->text, "pipeline")
					? "remove it"
					: "a pipeline source reads the table as the upstream pipeline "
					  "writes it; remove it");
}

static void read_settings(struct check_ctx *c, const struct ast_clause *cl,
			  struct source_read *r)
{
	struct model_source *ms = &c->mp->source;
	size_t i;

	for (i = 0; i < cl->u.endpoint.nsettings; i++) {
		const struct ast_setting *s = &cl->u.endpoint.settings[i];
		const struct ast_value *joined = run_on_setting(s);
		int k;

		if (joined) {
			/* one line holding several settings: its settings are unread,
			 * so what looks missing most likely is on that line */
			if (!r->unknown)
				diag_help(diag_error(c->ds, c->src, joined->span,
						     "'%s' looks like a separate setting",
						     joined->u.name.parts[0].text),
					  "separate settings with a new line or ';'");
			r->unknown++;
			continue;
		}
		if (!known_key(c, s, r->kind)) {
			r->unknown++;
			continue;
		}
		k = check_ctx_setting_key(c, s, cl->u.endpoint.settings, i, "source", source_keys,
					  SK_COUNT);
		if (k < 0)
			continue;
		if (!(kinds[r->kind].keys & B(k))) {
			report_not_for_kind(c, s, k, &cl->u.endpoint.kind);
			continue;
		}
		if (!check_ctx_no_block(c, s))
			continue;
		r->at[k] = s;
		read_setting[k](c, s, k, ms);
	}
}

void check_source(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_source *ms = &c->mp->source;
	const struct ast_name *kn = &cl->u.endpoint.kind;
	int kind = kind_index(kn->text);
	struct source_read r;

	ms->span = cl->span;
	if (kind < 0) {
		report_unsupported(c, kn);
		c->source_clause = NULL;
		return;
	}
	ms->kind = (enum model_source_kind)(kind > MS_TABLE ? MS_TABLE : kind);
	ms->table_format = MF_HIVE;
	kinds[kind].args(c, cl, ms);
	memset(&r, 0, sizeof(r));
	r.kind = kind;
	read_settings(c, cl, &r);
	/* After a misspelt key the "missing" settings are most likely that
	 * key, already reported. */
	if (!r.unknown && kinds[kind].finish)
		kinds[kind].finish(c, cl, &r);
}
