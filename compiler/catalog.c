#include "catalog.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "xalloc.h"

/* ---- names ---- */

static const char *const table_type_names[] = {
	"EXTERNAL", "MANAGED", "VIEW", "ICEBERG", "DELTA", "HUDI",
};

const char *catalog_table_type_name(enum catalog_table_type t)
{
	return table_type_names[t];
}

int catalog_table_type_parse(const char *s, enum catalog_table_type *out)
{
	size_t i;

	for (i = 0; i < sizeof(table_type_names) / sizeof(table_type_names[0]); i++)
		if (!strcmp(s, table_type_names[i])) {
			*out = (enum catalog_table_type)i;
			return 0;
		}
	return -1;
}

/* The connection types pipec reads through, plus the common others, so
 * that a misspelling of one of them is caught. */
static const char *const conn_type_names[] = {
	"JDBC", "SNOWFLAKE", "BIGQUERY", "REDSHIFT", "POSTGRESQL", "MYSQL", "ORACLE",
	"SQLSERVER", "KAFKA", "NETWORK", "MONGODB", "DYNAMODB", "CUSTOM", "MARKETPLACE",
	"SALESFORCE", "SFTP", "OPENSEARCH",
};

enum catalog_conn_type catalog_conn_type_parse(const char *s, enum model_jdbc_engine *engine)
{
	*engine = MJ_NONE;
	if (!strcmp(s, "JDBC"))
		return CC_JDBC;
	if (!strcmp(s, "SNOWFLAKE"))
		return CC_SNOWFLAKE;
	if (!strcmp(s, "BIGQUERY"))
		return CC_BIGQUERY;
	if (!strcmp(s, "REDSHIFT")) {
		*engine = MJ_REDSHIFT;
		return CC_REDSHIFT;
	}
	if (!catalog_jdbc_engine_parse(s, engine) && *engine != MJ_REDSHIFT)
		return CC_DATABASE;
	*engine = MJ_NONE;
	return CC_OTHER;
}

static const char *const engine_names[] = {
	NULL, "postgresql", "mysql", "sqlserver", "oracle", "redshift",
};

int catalog_jdbc_engine_parse(const char *s, enum model_jdbc_engine *out)
{
	size_t i;

	for (i = 1; i < sizeof(engine_names) / sizeof(engine_names[0]); i++)
		if (!strcasecmp(s, engine_names[i])) {
			*out = (enum model_jdbc_engine)i;
			return 0;
		}
	return -1;
}

enum model_jdbc_engine catalog_jdbc_url_engine(const char *url)
{
	static const struct {
		const char *prefix;
		enum model_jdbc_engine e;
	} pre[] = {
		{ "jdbc:postgresql:", MJ_POSTGRESQL }, { "jdbc:mysql:", MJ_MYSQL },
		{ "jdbc:sqlserver:", MJ_SQLSERVER },   { "jdbc:oracle:", MJ_ORACLE },
		{ "jdbc:redshift:", MJ_REDSHIFT },
	};
	size_t i;

	if (!url)
		return MJ_NONE;
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (!strncasecmp(url, pre[i].prefix, strlen(pre[i].prefix)))
			return pre[i].e;
	return MJ_NONE;
}

static const char *const transform_names[] = {
	"identity", "years", "months", "days", "hours", "bucket", "truncate",
};

int catalog_partition_parse(struct arena *a, const char *text, struct catalog_partition *out)
{
	const char *p = text, *open, *close, *arg;
	size_t i, n;
	long param = 0;

	memset(out, 0, sizeof(*out));
	while (isspace((unsigned char)*p))
		p++;
	open = strchr(p, '(');
	if (!open) {
		n = strlen(p);
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (!n)
			return -1;
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)p[i]) && p[i] != '_')
				return -1;
		out->transform = MP_IDENTITY;
		out->column = arena_strndup(a, p, n);
		return 0;
	}
	close = strrchr(open, ')');
	if (!close)
		return -1;
	for (arg = close + 1; *arg; arg++)
		if (!isspace((unsigned char)*arg))
			return -1;
	n = (size_t)(open - p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	for (i = 0; i < sizeof(transform_names) / sizeof(transform_names[0]); i++)
		if (strlen(transform_names[i]) == n && !strncmp(p, transform_names[i], n))
			break;
	if (i == sizeof(transform_names) / sizeof(transform_names[0]))
		return -1;
	out->transform = (enum model_transform)i;
	arg = open + 1;
	if (out->transform == MP_BUCKET || out->transform == MP_TRUNCATE) {
		char *end;
		while (isspace((unsigned char)*arg))
			arg++;
		if (!isdigit((unsigned char)*arg))
			return -1;
		param = strtol(arg, &end, 10);
		if (param < 1 || param > 1000000)
			return -1;
		arg = end;
		while (isspace((unsigned char)*arg))
			arg++;
		if (*arg != ',')
			return -1;
		arg++;
	}
	while (isspace((unsigned char)*arg))
		arg++;
	n = (size_t)(close - arg);
	while (n && isspace((unsigned char)arg[n - 1]))
		n--;
	if (!n)
		return -1;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)arg[i]) && arg[i] != '_')
			return -1;
	out->column = arena_strndup(a, arg, n);
	out->param = (int)param;
	return 0;
}

void catalog_partition_format(const struct catalog_partition *p, struct strbuf *out)
{
	if (p->transform == MP_IDENTITY)
		strbuf_addstr(out, p->column);
	else if (p->transform == MP_BUCKET || p->transform == MP_TRUNCATE)
		strbuf_addf(out, "%s(%d, %s)", transform_names[p->transform], p->param, p->column);
	else
		strbuf_addf(out, "%s(%s)", transform_names[p->transform], p->column);
}

/* ---- the catalog ---- */

void catalog_init(struct catalog *c)
{
	memset(c, 0, sizeof(*c));
	arena_init(&c->arena);
	strmap_init(&c->connections);
	strmap_init(&c->databases);
	strmap_init(&c->buckets);
}

static void release_database(struct catalog_database *d)
{
	size_t i;

	for (i = 0; i < d->tables.count; i++)
		strmap_release(&((struct catalog_table *)d->tables.entries[i].value)->colmap);
	strmap_release(&d->tables);
}

void catalog_release(struct catalog *c)
{
	size_t i, j;

	for (i = 0; i < c->databases.count; i++)
		release_database(c->databases.entries[i].value);
	for (i = 0; i < c->buckets.count; i++) {
		struct catalog_bucket *b = c->buckets.entries[i].value;
		for (j = 0; j < b->namespaces.count; j++)
			release_database(b->namespaces.entries[j].value);
		strmap_release(&b->namespaces);
	}
	strmap_release(&c->connections);
	strmap_release(&c->databases);
	strmap_release(&c->buckets);
	arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}

static char *lower_dup(struct arena *a, const char *s)
{
	char *l = arena_strdup(a, s), *p;

	for (p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* Looks a name up by its lowercase form without allocating for short names. */
static void *get_ci(const struct strmap *m, const char *name)
{
	char buf[256], *heap = NULL, *k = buf;
	size_t n = strlen(name), i;
	void *v;

	if (n >= sizeof(buf))
		k = heap = xmalloc(n + 1);
	for (i = 0; i <= n; i++)
		k[i] = (char)tolower((unsigned char)name[i]);
	v = strmap_get(m, k);
	free(heap);
	return v;
}

const struct catalog_connection *catalog_connection(const struct catalog *c, const char *name)
{
	return name ? strmap_get(&c->connections, name) : NULL;
}

const struct catalog_database *catalog_database(const struct catalog *c, const char *name)
{
	return name ? get_ci(&c->databases, name) : NULL;
}

const struct catalog_bucket *catalog_bucket(const struct catalog *c, const char *name)
{
	return name ? strmap_get(&c->buckets, name) : NULL;
}

const struct catalog_database *catalog_namespace(const struct catalog_bucket *b, const char *name)
{
	return name ? get_ci(&b->namespaces, name) : NULL;
}

const struct catalog_table *catalog_table(const struct catalog_database *d, const char *name)
{
	return name ? get_ci(&d->tables, name) : NULL;
}

const struct catalog_column *catalog_column(const struct catalog_table *t, const char *name)
{
	return name ? get_ci(&t->colmap, name) : NULL;
}

struct catalog_connection *catalog_add_connection(struct catalog *c, const char *name)
{
	struct catalog_connection *cn = ARENA_NEW(&c->arena, struct catalog_connection);

	cn->name = arena_strdup(&c->arena, name);
	cn->type = CC_OTHER;
	strmap_put(&c->connections, cn->name, cn);
	return cn;
}

struct catalog_database *catalog_add_database(struct catalog *c, const char *name)
{
	struct catalog_database *d = ARENA_NEW(&c->arena, struct catalog_database);

	d->name = arena_strdup(&c->arena, name);
	strmap_init(&d->tables);
	strmap_put(&c->databases, lower_dup(&c->arena, name), d);
	return d;
}

struct catalog_bucket *catalog_add_bucket(struct catalog *c, const char *name)
{
	struct catalog_bucket *b = ARENA_NEW(&c->arena, struct catalog_bucket);

	b->name = arena_strdup(&c->arena, name);
	strmap_init(&b->namespaces);
	strmap_put(&c->buckets, b->name, b);
	return b;
}

struct catalog_database *catalog_add_namespace(struct catalog *c, struct catalog_bucket *b,
					       const char *name)
{
	struct catalog_database *d = ARENA_NEW(&c->arena, struct catalog_database);

	d->name = arena_strdup(&c->arena, name);
	strmap_init(&d->tables);
	strmap_put(&b->namespaces, lower_dup(&c->arena, name), d);
	return d;
}

struct catalog_table *catalog_add_table(struct catalog *c, struct catalog_database *d,
					const char *name)
{
	struct catalog_table *t = ARENA_NEW(&c->arena, struct catalog_table);

	t->name = arena_strdup(&c->arena, name);
	t->type = CT_EXTERNAL;
	strmap_init(&t->colmap);
	strmap_put(&d->tables, lower_dup(&c->arena, name), t);
	c->ntables++;
	return t;
}

void catalog_table_set_columns(struct catalog *c, struct catalog_table *t,
			       const struct catalog_column *cols, size_t ncols,
			       const struct catalog_column *keys, size_t nkeys)
{
	size_t i;

	t->columns = ncols ? arena_array(&c->arena, ncols, sizeof(*cols)) : NULL;
	if (ncols)
		memcpy(t->columns, cols, ncols * sizeof(*cols));
	t->ncolumns = ncols;
	t->partition_keys = nkeys ? arena_array(&c->arena, nkeys, sizeof(*keys)) : NULL;
	if (nkeys)
		memcpy(t->partition_keys, keys, nkeys * sizeof(*keys));
	t->npartition_keys = nkeys;
	for (i = 0; i < ncols; i++)
		strmap_put(&t->colmap, lower_dup(&c->arena, cols[i].name), &t->columns[i]);
	for (i = 0; i < nkeys; i++) {
		char *k = lower_dup(&c->arena, keys[i].name);
		/* a key named like a column is reported by the loader; the column wins */
		if (!strmap_get(&t->colmap, k))
			strmap_put(&t->colmap, k, &t->partition_keys[i]);
	}
}

/* ---- loading ----
 *
 * A pull parser over libyaml events, driven by the schema: each reader is
 * entered with the first event of its node current and returns with the
 * node's last event current.  Nothing but the catalog itself is built, so a
 * large snapshot costs little more memory than its contents.
 */

/* Deeper nesting is refused as it is read, before libyaml goes further. */
#define CATALOG_YAML_MAX_DEPTH 64

struct loader {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have_ev;
	bool fatal;		/* a YAML syntax error: no further events */
	int depth;		/* open mappings and sequences */
	struct catalog *c;
	const struct source *src;
	bool ascii;		/* then libyaml's character index is the byte offset */
	struct diag_set *ds;
	size_t nerrors;
	struct catalog_column *cols;	/* scratch for one table's columns */
	size_t ncols, cols_alloc;
	struct catalog_column *keys;
	size_t nkeys, keys_alloc;
	struct catalog_partition *spec;
	size_t nspec, spec_alloc;
};

static uint32_t mark_offset(const struct loader *L, yaml_mark_t m)
{
	const struct source *s = L->src;
	size_t i, col = m.column;

	if (L->ascii)
		return (uint32_t)(m.index < s->len ? m.index : s->len);
	if (m.line >= s->nlines)
		return (uint32_t)s->len;
	i = s->line_starts[m.line];
	if (m.line == 0 && s->len >= 3 && !memcmp(s->text, "\xEF\xBB\xBF", 3))
		i = 3;
	while (col > 0 && i < s->len && s->text[i] != '\n') {
		size_t n = utf8_seq_len((const unsigned char *)s->text + i, s->len - i);
		i += n ? n : 1;
		col--;
	}
	return (uint32_t)i;
}

static struct span ev_span(const struct loader *L)
{
	return span_make(mark_offset(L, L->ev.start_mark), mark_offset(L, L->ev.end_mark));
}

static struct diag *err(struct loader *L, struct span sp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct diag *err(struct loader *L, struct span sp, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	d = diag_vreport(L->ds, DIAG_ERROR, L->src, sp, fmt, ap);
	va_end(ap);
	L->nerrors++;
	return d;
}

static void syntax_error(struct loader *L)
{
	yaml_parser_t *p = &L->parser;
	struct span sp;
	struct diag *d;
	const char *problem = p->problem ? p->problem : "malformed input";

	if (p->error == YAML_READER_ERROR) {
		size_t off = p->problem_offset < L->src->len ? p->problem_offset : L->src->len;
		sp = span_make(off, off < L->src->len ? off + 1 : off);
		d = err(L, sp, "invalid snapshot text: %s", problem);
		diag_help(d, "a catalog snapshot is UTF-8 text");
		return;
	}
	sp.start = sp.end = mark_offset(L, p->problem_mark);
	if (sp.end < L->src->len && L->src->text[sp.end] != '\n')
		sp.end++;
	d = err(L, sp, "invalid YAML: %s", problem);
	if (p->context && mark_offset(L, p->context_mark) != sp.start)
		diag_note(d, L->src,
			  span_make(mark_offset(L, p->context_mark), mark_offset(L, p->context_mark)),
			  "%s", p->context);
	else if (p->context)
		diag_note_plain(d, "%s", p->context);
	diag_help(d, "the snapshot format is described in docs/catalog.md");
}

static bool next(struct loader *L)
{
	if (L->have_ev) {
		yaml_event_delete(&L->ev);
		L->have_ev = false;
	}
	if (L->fatal)
		return false;
	if (!yaml_parser_parse(&L->parser, &L->ev)) {
		syntax_error(L);
		L->fatal = true;
		return false;
	}
	L->have_ev = true;
	if (L->ev.type == YAML_SEQUENCE_START_EVENT || L->ev.type == YAML_MAPPING_START_EVENT) {
		if (++L->depth > CATALOG_YAML_MAX_DEPTH) {
			diag_help(err(L, ev_span(L), "YAML nested deeper than %d levels",
				      CATALOG_YAML_MAX_DEPTH),
				  "the snapshot format is described in docs/catalog.md");
			L->fatal = true;
			return false;
		}
	} else if (L->ev.type == YAML_SEQUENCE_END_EVENT || L->ev.type == YAML_MAPPING_END_EVENT) {
		L->depth--;
	}
	return true;
}

/* Skips the node whose first event is current. */
static void skip_node(struct loader *L)
{
	int depth = 0;

	do {
		switch (L->ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (depth == 0)
			return;
	} while (next(L));
}

static const char *node_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return "a string";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "nothing";
	}
}

/* Reports a node of the wrong kind and skips it. */
static void wrong_kind(struct loader *L, const char *what, const char *want)
{
	struct diag *d;

	if (L->ev.type == YAML_ALIAS_EVENT) {
		d = err(L, ev_span(L), "aliases are not supported in catalog snapshots");
		diag_help(d, "write the value out in full");
		return;
	}
	d = err(L, ev_span(L), "%s must be %s, not %s", what, want, node_kind(&L->ev));
	diag_help(d, "the snapshot format is described in docs/catalog.md");
	skip_node(L);
}

static bool is_null_scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* A string value; NULL (after a diagnostic) when it is not one or is empty
 * and required. */
static const char *read_string(struct loader *L, const char *what, bool required,
			       struct span *sp)
{
	const char *v;

	if (L->ev.type != YAML_SCALAR_EVENT) {
		wrong_kind(L, what, "a string");
		return NULL;
	}
	if (sp)
		*sp = ev_span(L);
	if (is_null_scalar(&L->ev)) {
		if (required)
			diag_help(err(L, ev_span(L), "%s is empty", what),
				  "give it a value or remove the key");
		return NULL;
	}
	v = (const char *)L->ev.data.scalar.value;
	if (strlen(v) != L->ev.data.scalar.length) {
		err(L, ev_span(L), "%s contains a NUL character", what);
		return NULL;
	}
	if (required && !*v) {
		diag_help(err(L, ev_span(L), "%s is empty", what), "give it a value");
		return NULL;
	}
	return arena_strdup(&L->c->arena, v);
}

struct key_seen {
	bool seen;
	struct span span;
};

/*
 * Iterates the keys of a mapping: returns the index in keys[] of the next
 * known key with its value's first event current, or -1 at the end of the
 * mapping.  Unknown keys, non-string keys and repeated keys are reported
 * and skipped.
 */
static int next_key(struct loader *L, const char *what, const char *const *keys, size_t nkeys,
		    struct key_seen *seen)
{
	while (next(L) && L->ev.type != YAML_MAPPING_END_EVENT) {
		const char *k;
		struct span ks;
		size_t i;

		if (L->ev.type != YAML_SCALAR_EVENT) {
			wrong_kind(L, "a key", "a string");
			if (!next(L))
				return -1;
			skip_node(L);
			continue;
		}
		k = (const char *)L->ev.data.scalar.value;
		ks = ev_span(L);
		for (i = 0; i < nkeys; i++)
			if (!strcmp(k, keys[i]))
				break;
		if (i == nkeys) {
			struct diag *d = err(L, ks, "unknown key '%s' in %s", k, what);
			const char *near = diag_closest(k, keys, nkeys);
			size_t j;
			if (near) {
				diag_help(d, "did you mean '%s'?", near);
			} else {
				struct strbuf sb = STRBUF_INIT;
				for (j = 0; j < nkeys; j++)
					strbuf_addf(&sb, "%s'%s'", j ? ", " : "", keys[j]);
				diag_help(d, "the keys of %s are %s", what, sb.buf);
				strbuf_release(&sb);
			}
			if (!next(L))
				return -1;
			skip_node(L);
			continue;
		}
		if (seen[i].seen) {
			struct diag *d = err(L, ks, "key '%s' appears twice in %s", k, what);
			diag_note(d, L->src, seen[i].span, "first given here");
			if (!next(L))
				return -1;
			skip_node(L);
			continue;
		}
		seen[i].seen = true;
		seen[i].span = ks;
		if (!next(L))
			return -1;
		return (int)i;
	}
	return -1;
}

/* Enters a mapping (its start event current); false after reporting when
 * the node is something else. */
static bool enter_mapping(struct loader *L, const char *what)
{
	if (L->ev.type == YAML_MAPPING_START_EVENT)
		return true;
	wrong_kind(L, what, "a mapping");
	return false;
}

static bool enter_sequence(struct loader *L, const char *what)
{
	if (L->ev.type == YAML_SEQUENCE_START_EVENT)
		return true;
	if (L->ev.type == YAML_SCALAR_EVENT && is_null_scalar(&L->ev))
		return false;	/* "key:" with no value: an empty list */
	wrong_kind(L, what, "a list");
	return false;
}

/* Next item of a sequence: true with the item's first event current. */
static bool next_item(struct loader *L)
{
	return next(L) && L->ev.type != YAML_SEQUENCE_END_EVENT;
}

static void missing_key(struct loader *L, struct span at, const char *what, const char *key)
{
	struct diag *d = err(L, at, "%s has no '%s'", what, key);

	diag_help(d, "add '%s:' to it", key);
}

/* Reports a second entry with the same name. */
static void duplicate(struct loader *L, struct span at, struct span first, const char *kind,
		      const char *name, const char *where)
{
	struct diag *d = err(L, at, "duplicate %s '%s'%s%s", kind, name, where ? " in " : "",
			     where ? where : "");

	diag_note(d, L->src, first, "first defined here");
	if (strcmp(kind, "connection") && strcmp(kind, "table bucket"))
		diag_help(d, "names are compared case-insensitively, as in Glue; remove or rename one");
	else
		diag_help(d, "remove or rename one");
}

/*
 * Glue column types: the Hive type grammar Glue stores and returns.
 *
 *   type  := NAME | decimal [(P [, S])] | char(N) | varchar(N)
 *          | array<type> | map<type, type> | struct<[field {, field}]>
 *          | uniontype<type {, type}>
 *   field := NAME : type          (NAME as crawlers write it, or `quoted`)
 *
 * Blanks between tokens are allowed.  The first mistake is kept with its
 * place in the text, so the diagnostic points into the YAML value.
 */
static const char *const glue_type_words[] = {
	"string", "boolean", "tinyint", "smallint", "int", "integer", "bigint", "float", "real",
	"double", "date", "timestamp", "binary", "decimal", "char", "varchar", "array", "map",
	"struct", "uniontype",
};

struct tparse {
	const char *s;		/* lowercase */
	size_t i;
	int depth;
	bool failed;
	size_t at, len;		/* the offending part of s */
	bool whole;		/* the mistake is the type's only word */
	struct strbuf msg, help;
};

static void tp_fail(struct tparse *tp, size_t at, size_t len, const char *help, const char *fmt,
		    ...) __attribute__((format(printf, 5, 6)));

static void tp_fail(struct tparse *tp, size_t at, size_t len, const char *help, const char *fmt,
		    ...)
{
	va_list ap;

	if (tp->failed)
		return;
	tp->failed = true;
	tp->at = at;
	tp->len = len;
	va_start(ap, fmt);
	strbuf_vaddf(&tp->msg, fmt, ap);
	va_end(ap);
	if (help)
		strbuf_addstr(&tp->help, help);
}

static void tp_blank(struct tparse *tp)
{
	while (tp->s[tp->i] == ' ' || tp->s[tp->i] == '\t')
		tp->i++;
}

/* Length of the character at i for a caret (0 at the end of the text). */
static size_t tp_here(const struct tparse *tp)
{
	return tp->s[tp->i] ? 1 : 0;
}

static bool tp_expect(struct tparse *tp, char c, const char *after, const char *help)
{
	tp_blank(tp);
	if (tp->s[tp->i] == c) {
		tp->i++;
		return true;
	}
	if (tp->s[tp->i])
		tp_fail(tp, tp->i, 1, help, "expected '%c' %s, found '%c'", c, after, tp->s[tp->i]);
	else
		tp_fail(tp, tp->i, 0, help, "expected '%c' %s", c, after);
	return false;
}

/* An unsigned number; false after a diagnostic. */
static bool tp_number(struct tparse *tp, long *out, size_t *at, const char *what, const char *help)
{
	char *end;

	tp_blank(tp);
	*at = tp->i;
	if (!isdigit((unsigned char)tp->s[tp->i])) {
		tp_fail(tp, tp->i, tp_here(tp), help, "expected %s", what);
		return false;
	}
	*out = strtol(tp->s + tp->i, &end, 10);
	tp->i = (size_t)(end - tp->s);
	return true;
}

static bool tp_type(struct tparse *tp, const char *ctx);

static void tp_params(struct tparse *tp, const char *word, size_t wstart)
{
	static const char dec_help[] = "a Glue decimal has a precision of 1 to 38 and a scale of 0 "
				       "to its precision, e.g. decimal(10,2)";
	long p = 10, sc = 0;
	size_t pat = wstart, sat = wstart;

	if (!strcmp(word, "decimal")) {
		tp_blank(tp);
		if (tp->s[tp->i] != '(')
			return;
		tp->i++;
		if (!tp_number(tp, &p, &pat, "the precision of 'decimal'", dec_help))
			return;
		tp_blank(tp);
		if (tp->s[tp->i] == ',') {
			tp->i++;
			if (!tp_number(tp, &sc, &sat, "the scale of 'decimal'", dec_help))
				return;
		}
		if (!tp_expect(tp, ')', "after the decimal's parameters", dec_help))
			return;
		if (p < 1 || p > 38)
			tp_fail(tp, pat, strspn(tp->s + pat, "0123456789"), dec_help,
				"decimal precision %ld is out of range", p);
		else if (sc > p)
			tp_fail(tp, sat, strspn(tp->s + sat, "0123456789"), dec_help,
				"decimal scale %ld is larger than its precision %ld", sc, p);
		return;
	}
	/* char(n), varchar(n) */
	{
		bool ischar = !strcmp(word, "char");
		long max = ischar ? 255 : 65535, n;
		const char *help = ischar ? "write char(N) with N from 1 to 255"
					  : "write varchar(N) with N from 1 to 65535";
		tp_blank(tp);
		if (tp->s[tp->i] != '(') {
			tp_fail(tp, wstart, strlen(word), help, "'%s' needs a length", word);
			return;
		}
		tp->i++;
		if (!tp_number(tp, &n, &pat, "a length", help) ||
		    !tp_expect(tp, ')', "after the length", help))
			return;
		if (n < 1 || n > max)
			tp_fail(tp, pat, strspn(tp->s + pat, "0123456789"), help,
				"%s length %ld is out of range", word, n);
	}
}

static void tp_struct_fields(struct tparse *tp)
{
	static const char help[] = "write struct<NAME:TYPE, ...>, e.g. struct<id:int,name:string>";

	tp_blank(tp);
	if (tp->s[tp->i] == '>')
		return;		/* struct<>: Spark writes it for an empty object */
	for (;;) {
		size_t start, n;
		tp_blank(tp);
		start = tp->i;
		if (tp->s[tp->i] == '`') {
			const char *close = strchr(tp->s + tp->i + 1, '`');
			if (!close) {
				tp_fail(tp, start, 1, help, "unterminated quoted field name");
				return;
			}
			tp->i = (size_t)(close - tp->s) + 1;
		} else {
			tp->i += strcspn(tp->s + tp->i, ":,<>()` \t");
		}
		n = tp->i - start;
		if (!n) {
			tp_fail(tp, start, tp_here(tp), help, "expected a struct field name");
			return;
		}
		tp_blank(tp);
		if (tp->s[tp->i] != ':') {
			tp_fail(tp, tp->i, tp_here(tp), help, "expected ':' after struct field name '%.*s'",
				(int)n, tp->s + start);
			return;
		}
		tp->i++;
		if (!tp_type(tp, "':'"))
			return;
		tp_blank(tp);
		if (tp->s[tp->i] != ',')
			return;
		tp->i++;
	}
}

/* One type starting at tp->i; ctx names what came before, for "expected a
 * type after …". */
static bool tp_type(struct tparse *tp, const char *ctx)
{
	size_t start, n, k;
	char word[32];

	if (++tp->depth > 64) {
		tp_fail(tp, tp->i, tp_here(tp), "flatten the type", "type nested too deeply");
		return false;
	}
	tp_blank(tp);
	start = tp->i;
	n = strcspn(tp->s + start, "<>(),:` \t");
	if (!n) {
		if (ctx)
			tp_fail(tp, start, tp_here(tp), NULL, "expected a type after %s", ctx);
		else
			tp_fail(tp, start, tp_here(tp), NULL, "expected a type");
		return false;
	}
	tp->i += n;
	for (k = 0; k < sizeof(glue_type_words) / sizeof(glue_type_words[0]); k++)
		if (strlen(glue_type_words[k]) == n && !strncmp(tp->s + start, glue_type_words[k], n))
			break;
	if (k == sizeof(glue_type_words) / sizeof(glue_type_words[0])) {
		char *w = xstrndup(tp->s + start, n);
		const char *near = diag_closest(w, glue_type_words,
						sizeof(glue_type_words) / sizeof(glue_type_words[0]));
		struct strbuf h = STRBUF_INIT;
		if (near)
			strbuf_addf(&h, "did you mean '%s'?", near);
		else
			strbuf_addstr(&h, "write a Glue (Hive) type such as 'bigint', 'decimal(10,2)', "
					  "'array<string>' or 'struct<id:int>'");
		tp_fail(tp, start, n, h.buf, "unknown type '%s'", w);
		tp->whole = tp->depth == 1 && !tp->s[tp->i + strspn(tp->s + tp->i, " \t")];
		strbuf_release(&h);
		free(w);
		return false;
	}
	memcpy(word, tp->s + start, n);
	word[n] = '\0';
	if (!strcmp(word, "decimal") || !strcmp(word, "char") || !strcmp(word, "varchar")) {
		tp_params(tp, word, start);
	} else if (!strcmp(word, "array") || !strcmp(word, "map") || !strcmp(word, "struct") ||
		   !strcmp(word, "uniontype")) {
		const char *help = !strcmp(word, "array") ? "write array<TYPE>, e.g. array<string>"
				   : !strcmp(word, "map") ? "write map<KEY,VALUE>, e.g. map<string,int>"
				   : !strcmp(word, "struct") ? "write struct<NAME:TYPE, ...>, e.g. struct<id:int>"
							     : "write uniontype<TYPE, ...>, e.g. uniontype<int,string>";
		tp_blank(tp);
		if (tp->s[tp->i] != '<') {
			tp_fail(tp, start, n, help, "'%s' needs its element types in '<…>'", word);
			return false;
		}
		tp->i++;
		if (!strcmp(word, "struct")) {
			tp_struct_fields(tp);
		} else if (tp_type(tp, "'<'")) {
			if (!strcmp(word, "map")) {
				if (tp_expect(tp, ',', "after the map's key type", help))
					tp_type(tp, "','");
			} else if (!strcmp(word, "uniontype")) {
				tp_blank(tp);
				while (!tp->failed && tp->s[tp->i] == ',') {
					tp->i++;
					tp_type(tp, "','");
					tp_blank(tp);
				}
			}
		}
		if (!tp->failed)
			tp_expect(tp, '>', !strcmp(word, "map") ? "after the map's value type"
					   : !strcmp(word, "struct") ? "after the struct's fields"
								     : "after the element type", help);
		if (tp->failed && !tp->help.len)
			strbuf_addstr(&tp->help, help);
	}
	tp->depth--;
	return !tp->failed;
}

/* Checks a (lowercase) Glue type; on a mistake fills tp's message. */
static bool glue_type_parse(struct tparse *tp, const char *t)
{
	memset(tp, 0, sizeof(*tp));
	strbuf_init(&tp->msg, 0);
	strbuf_init(&tp->help, 0);
	tp->s = t;
	if (tp_type(tp, NULL)) {
		tp_blank(tp);
		if (tp->s[tp->i])
			tp_fail(tp, tp->i, strlen(tp->s + tp->i), NULL,
				"unexpected '%s' after the type", tp->s + tp->i);
	}
	return !tp->failed;
}

/* The part [at, at+len) of a string value read at sp, when the value is
 * written out unchanged in the source (plain, or quoted without escapes);
 * else the whole value. */
static struct span value_part(const struct loader *L, struct span sp, const char *value,
			      size_t at, size_t len)
{
	size_t base = sp.start, n = strlen(value);

	if (base < L->src->len && (L->src->text[base] == '"' || L->src->text[base] == '\''))
		base++;
	if (base + n > L->src->len || memcmp(L->src->text + base, value, n))
		return sp;
	if (!len && at >= n && at)
		return span_make(base + at - 1, base + at);	/* at the end: the last character */
	return span_make(base + at, base + at + (len ? len : 1));
}

static void type_error(struct loader *L, const struct catalog_column *col, const char *written,
		       struct tparse *tp)
{
	struct span at = value_part(L, col->type_span, written, tp->at, tp->len);
	struct diag *d;

	if (tp->whole)
		d = err(L, at, "unknown column type '%s'", written);
	else
		d = err(L, at, "'%s' is not a Glue column type: %s", written, tp->msg.buf);
	diag_help(d, "%s", tp->help.len ? tp->help.buf
					 : "write a Glue (Hive) type such as 'bigint', 'decimal(10,2)', "
					   "'array<string>' or 'struct<id:int>'");
}

/* column: {name, type, comment} */
static bool read_column(struct loader *L, struct catalog_column *col, const char *what)
{
	static const char *const keys[] = { "name", "type", "comment" };
	struct key_seen seen[3];
	struct span start = ev_span(L);
	int k;

	memset(col, 0, sizeof(*col));
	memset(seen, 0, sizeof(seen));
	if (!enter_mapping(L, what))
		return false;
	while ((k = next_key(L, what, keys, 3, seen)) >= 0) {
		switch (k) {
		case 0:
			col->name = read_string(L, "a column name", true, &col->span);
			break;
		case 1:
			col->type = read_string(L, "a column type", true, &col->type_span);
			if (col->type) {
				char *lt = lower_dup(&L->c->arena, col->type);
				struct tparse tp;
				/* kept when wrong, so that the column's other uses
				 * (a partition field naming it) raise nothing more */
				if (!glue_type_parse(&tp, lt))
					type_error(L, col, col->type, &tp);
				col->type = lt;
				strbuf_release(&tp.msg);
				strbuf_release(&tp.help);
			}
			break;
		default:
			col->comment = read_string(L, "a comment", false, NULL);
			break;
		}
	}
	if (L->fatal)
		return false;
	if (!seen[0].seen)
		missing_key(L, start, what, "name");
	if (!seen[1].seen)
		missing_key(L, start, what, "type");
	return col->name && col->type;
}

static void read_columns(struct loader *L, bool keys_list, const char *table)
{
	struct strmap names = STRMAP_INIT;
	const char *what = keys_list ? "a partition key" : "a column";

	if (!enter_sequence(L, keys_list ? "'partition_keys'" : "'columns'"))
		return;
	while (next_item(L)) {
		struct catalog_column col;
		struct catalog_column *list = keys_list ? L->keys : L->cols;
		char *lname;
		size_t prev;
		if (!read_column(L, &col, what))
			continue;
		lname = lower_dup(&L->c->arena, col.name);
		prev = (size_t)(uintptr_t)strmap_get(&names, lname);
		if (prev) {
			duplicate(L, col.span, list[prev - 1].span, "column", col.name,
				  table ? arena_printf(&L->c->arena, "table '%s'", table) : NULL);
			continue;
		}
		if (keys_list) {
			XGROW(L->keys, L->keys_alloc, L->nkeys + 1);
			L->keys[L->nkeys++] = col;
			prev = L->nkeys;
		} else {
			XGROW(L->cols, L->cols_alloc, L->ncols + 1);
			L->cols[L->ncols++] = col;
			prev = L->ncols;
		}
		strmap_put(&names, lname, (void *)(uintptr_t)prev);
	}
	strmap_release(&names);
}

/* partition_spec: a list of partition fields, or `unknown`. */
static enum catalog_spec_state read_spec(struct loader *L)
{
	if (L->ev.type == YAML_SCALAR_EVENT && !is_null_scalar(&L->ev)) {
		const char *v = (const char *)L->ev.data.scalar.value;
		struct diag *d;
		if (!strcmp(v, "unknown"))
			return CS_UNKNOWN;
		d = err(L, ev_span(L), "'partition_spec' must be a list of partition fields or 'unknown'");
		if (!strcasecmp(v, "unknown") || diag_closest(v, (const char *const[]){ "unknown" }, 1))
			diag_help(d, "did you mean 'unknown'?");
		else
			diag_help(d, "write [\"days(ts)\", \"bucket(16, id)\"], [] when the table is not "
				     "partitioned, or unknown");
		return CS_UNSTATED;
	}
	if (!enter_sequence(L, "'partition_spec'"))
		return L->ev.type == YAML_SCALAR_EVENT ? CS_KNOWN : CS_UNSTATED;
	while (next_item(L)) {
		struct catalog_partition part;
		struct span sp;
		const char *text = read_string(L, "a partition field", true, &sp);
		if (!text)
			continue;
		if (catalog_partition_parse(&L->c->arena, text, &part) < 0) {
			struct diag *d = err(L, sp, "'%s' is not a partition field", text);
			const char *open = strchr(text, '('), *near = NULL;
			char *fn;
			/* Iceberg's metadata says year, month, day, hour */
			if (open) {
				fn = xstrndup(text, (size_t)(open - text));
				near = diag_closest(fn, transform_names,
						    sizeof(transform_names) / sizeof(transform_names[0]));
				free(fn);
			}
			if (near)
				diag_help(d, "did you mean '%s(…)'?", near);
			else
				diag_help(d, "write 'col', 'years(col)', 'months(col)', 'days(col)', 'hours(col)', "
					     "'bucket(N, col)' or 'truncate(N, col)'");
			continue;
		}
		part.span = sp;
		XGROW(L->spec, L->spec_alloc, L->nspec + 1);
		L->spec[L->nspec++] = part;
	}
	return CS_KNOWN;
}

static const char *const formats[] = { "parquet", "orc", "avro", "csv", "json", "xml", "text" };

/* table: {name, type, format, location, columns, partition_keys, partition_spec};
 * tables of a table bucket take only name, columns and partition_spec. */
static void read_table(struct loader *L, struct catalog_database *db, bool in_bucket)
{
	static const char *const keys[] = { "name", "type", "format", "location", "columns",
					    "partition_keys", "partition_spec" };
	static const char *const bucket_keys[] = { "name", "columns", "partition_spec" };
	struct key_seen seen[7];
	struct catalog_table tmp, *t, *prev;
	struct span start = ev_span(L);
	const char *what = in_bucket ? "a table of a namespace" : "a table";
	struct span type_span = start;
	const char *type = NULL;
	int k;
	size_t i;

	memset(&tmp, 0, sizeof(tmp));
	memset(seen, 0, sizeof(seen));
	L->ncols = L->nkeys = L->nspec = 0;
	if (!enter_mapping(L, what))
		return;
	while ((k = next_key(L, what, in_bucket ? bucket_keys : keys, in_bucket ? 3 : 7, seen)) >= 0) {
		const char *key = in_bucket ? bucket_keys[k] : keys[k];
		if (!strcmp(key, "name")) {
			tmp.name = read_string(L, "a table name", true, &tmp.span);
		} else if (!strcmp(key, "type")) {
			type = read_string(L, "a table type", true, &type_span);
		} else if (!strcmp(key, "format")) {
			tmp.format = read_string(L, "a table format", false, &tmp.format_span);
		} else if (!strcmp(key, "location")) {
			tmp.location = read_string(L, "a location", false, &tmp.location_span);
		} else if (!strcmp(key, "columns")) {
			read_columns(L, false, tmp.name);
		} else if (!strcmp(key, "partition_keys")) {
			read_columns(L, true, tmp.name);
		} else {
			tmp.spec_span = seen[k].span;
			tmp.spec_state = read_spec(L);
		}
	}
	if (L->fatal)
		return;
	if (!tmp.name) {
		if (!seen[0].seen)
			missing_key(L, start, what, "name");
		return;
	}
	tmp.type = in_bucket ? CT_ICEBERG : CT_EXTERNAL;
	if (!in_bucket && !seen[1].seen) {
		missing_key(L, tmp.span, arena_printf(&L->c->arena, "table '%s'", tmp.name), "type");
	} else if (type && catalog_table_type_parse(type, &tmp.type) < 0) {
		struct diag *d = err(L, type_span, "unknown table type '%s'", type);
		const char *near = diag_closest(type, table_type_names, 6);
		if (near)
			diag_help(d, "did you mean '%s'?", near);
		else
			diag_help(d, "table types are EXTERNAL, MANAGED, VIEW, ICEBERG, DELTA and HUDI");
	}
	if (tmp.format) {
		char *lf = lower_dup(&L->c->arena, tmp.format);
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (!strcmp(lf, formats[i]))
				break;
		if (i == sizeof(formats) / sizeof(formats[0])) {
			struct diag *d = err(L, tmp.format_span, "unknown table format '%s'", tmp.format);
			const char *near = diag_closest(lf, formats, sizeof(formats) / sizeof(formats[0]));
			if (near)
				diag_help(d, "did you mean '%s'?", near);
			else
				diag_help(d, "formats are parquet, orc, avro, csv, json, xml and text");
		}
		tmp.format = lf;
	}
	if (tmp.location && strncmp(tmp.location, "s3://", 5) && strncmp(tmp.location, "s3a://", 6))
		diag_help(err(L, tmp.location_span, "location '%s' is not an S3 URI", tmp.location),
			  "write it as s3://bucket/prefix/");
	prev = (struct catalog_table *)catalog_table(db, tmp.name);
	if (prev) {
		duplicate(L, tmp.span, prev->span, "table", tmp.name,
			  db->name ? arena_printf(&L->c->arena, "%s '%s'",
						  in_bucket ? "namespace" : "database", db->name)
				   : NULL);
		return;
	}
	t = catalog_add_table(L->c, db, tmp.name);
	tmp.name = t->name;
	tmp.in_bucket = in_bucket;
	tmp.colmap = t->colmap;
	*t = tmp;
	catalog_table_set_columns(L->c, t, L->cols, L->ncols, L->keys, L->nkeys);
	for (i = 0; i < L->nkeys; i++) {
		const struct catalog_column *c = get_ci(&t->colmap, L->keys[i].name);
		if (c != &t->partition_keys[i])
			duplicate(L, L->keys[i].span, c->span, "column", L->keys[i].name,
				  arena_printf(&L->c->arena, "table '%s'", t->name));
	}
	if (L->nspec) {
		t->spec = arena_array(&L->c->arena, L->nspec, sizeof(*t->spec));
		memcpy(t->spec, L->spec, L->nspec * sizeof(*t->spec));
		t->nspec = L->nspec;
	}
	for (i = 0; i < t->nspec; i++)
		if (!catalog_column(t, t->spec[i].column)) {
			struct diag *d = err(L, t->spec[i].span,
					     "partition column '%s' is not a column of table '%s'",
					     t->spec[i].column, t->name);
			diag_note(d, L->src, t->span, "table '%s' is defined here", t->name);
			diag_help(d, "a partition field names one of the table's columns");
		}
	if (t->spec_state != CS_UNSTATED && t->type != CT_ICEBERG)
		diag_help(err(L, t->spec_span, "'partition_spec' is for Iceberg tables"),
			  "a Hive table lists its partition columns under 'partition_keys'");
	if (t->npartition_keys && t->type == CT_ICEBERG)
		diag_help(err(L, seen[5].span, "'partition_keys' is for Hive tables"),
			  "an Iceberg table states its partitioning under 'partition_spec'");
}

static void read_tables(struct loader *L, struct catalog_database *d, bool in_bucket)
{
	if (!enter_sequence(L, "'tables'"))
		return;
	while (next_item(L))
		read_table(L, d, in_bucket);
}

/* database or namespace: {name, tables}.  The tables may come before the
 * name, so they are read into a scratch database first. */
static void read_database(struct loader *L, struct catalog_bucket *b)
{
	static const char *const keys[] = { "name", "tables" };
	struct key_seen seen[2];
	struct catalog_database scratch, *d, *prev;
	const char *what = b ? "a namespace" : "a database";
	struct span start = ev_span(L);
	const char *name = NULL;
	struct span name_span = start;
	int k;

	memset(seen, 0, sizeof(seen));
	memset(&scratch, 0, sizeof(scratch));
	strmap_init(&scratch.tables);
	if (!enter_mapping(L, what)) {
		strmap_release(&scratch.tables);
		return;
	}
	while ((k = next_key(L, what, keys, 2, seen)) >= 0) {
		if (k == 0)
			scratch.name = name = read_string(L, b ? "a namespace name" : "a database name",
							  true, &name_span);
		else
			read_tables(L, &scratch, b != NULL);
	}
	if (!name) {
		if (!L->fatal && !seen[0].seen)
			missing_key(L, start, what, "name");
		release_database(&scratch);
		return;
	}
	prev = (struct catalog_database *)(b ? catalog_namespace(b, name)
					      : catalog_database(L->c, name));
	if (prev) {
		duplicate(L, name_span, prev->span, b ? "namespace" : "database", name,
			  b && b->name ? arena_printf(&L->c->arena, "table bucket '%s'", b->name) : NULL);
		release_database(&scratch);
		return;
	}
	d = b ? catalog_add_namespace(L->c, b, name) : catalog_add_database(L->c, name);
	strmap_release(&d->tables);
	d->tables = scratch.tables;
	d->span = name_span;
}

static void read_connection(struct loader *L)
{
	static const char *const keys[] = { "name", "type", "url", "engine" };
	struct key_seen seen[4];
	struct span start = ev_span(L), sp[4];
	const char *v[4] = { NULL, NULL, NULL, NULL };
	struct catalog_connection *cn;
	const struct catalog_connection *prev;
	enum model_jdbc_engine type_engine = MJ_NONE, url_engine;
	int k;

	memset(seen, 0, sizeof(seen));
	memset(sp, 0, sizeof(sp));
	if (!enter_mapping(L, "a connection"))
		return;
	while ((k = next_key(L, "a connection", keys, 4, seen)) >= 0)
		v[k] = read_string(L, k == 0 ? "a connection name" : k == 1 ? "a connection type"
						 : k == 2 ? "a URL" : "an engine",
				   k < 2, &sp[k]);
	if (L->fatal)
		return;
	if (!v[0]) {
		if (!seen[0].seen)
			missing_key(L, start, "a connection", "name");
		return;
	}
	if ((prev = catalog_connection(L->c, v[0]))) {
		duplicate(L, sp[0], prev->span, "connection", v[0], NULL);
		return;
	}
	cn = catalog_add_connection(L->c, v[0]);
	cn->span = sp[0];
	if (v[1]) {
		cn->type_name = v[1];
		cn->type = catalog_conn_type_parse(v[1], &type_engine);
		if (cn->type == CC_OTHER) {
			size_t i, n = sizeof(conn_type_names) / sizeof(conn_type_names[0]);
			const char *near = NULL;
			for (i = 0; i < n; i++)
				if (!strcmp(v[1], conn_type_names[i]))
					break;
			if (i == n && (near = diag_closest(v[1], conn_type_names, n)))
				diag_help(err(L, sp[1], "unknown connection type '%s'", v[1]),
					  "did you mean '%s'?", near);
			else if (i == n && strspn(v[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(v[1]))
				diag_help(err(L, sp[1], "'%s' is not a Glue connection type", v[1]),
					  "connection types are upper case, as Glue returns them: JDBC, SNOWFLAKE, BIGQUERY, …");
		}
	}
	cn->url = v[2];
	cn->engine = type_engine;
	url_engine = catalog_jdbc_url_engine(v[2]);
	if (v[2] && cn->type == CC_JDBC && url_engine == MJ_NONE && strncasecmp(v[2], "jdbc:", 5))
		diag_help(err(L, sp[2], "'%s' is not a JDBC URL", v[2]),
			  "write it as Glue's JDBC_CONNECTION_URL, e.g. jdbc:postgresql://host:5432/db");
	if (url_engine != MJ_NONE)
		cn->engine = url_engine;
	if (v[3]) {
		enum model_jdbc_engine e;
		if (catalog_jdbc_engine_parse(v[3], &e) < 0) {
			struct diag *d = err(L, sp[3], "unknown engine '%s'", v[3]);
			const char *near = diag_closest(v[3], engine_names + 1, 5);
			if (near)
				diag_help(d, "did you mean '%s'?", near);
			else
				diag_help(d, "engines are postgresql, mysql, sqlserver, oracle and redshift");
		} else if (cn->engine != MJ_NONE && cn->engine != e) {
			struct diag *d = err(L, sp[3], "engine '%s' contradicts the connection's %s '%s'",
					     v[3], url_engine != MJ_NONE ? "URL" : "type",
					     url_engine != MJ_NONE ? v[2] : v[1]);
			diag_help(d, "remove 'engine:' (it is taken from the URL) or fix one of them");
		} else {
			cn->engine = e;
			cn->engine_stated = true;
		}
	}
}

static void read_bucket(struct loader *L)
{
	static const char *const keys[] = { "name", "arn", "namespaces" };
	struct key_seen seen[3];
	struct catalog_bucket scratch, *b;
	const struct catalog_bucket *prev;
	struct span start = ev_span(L), name_span = start, arn_span = start;
	int k;

	memset(seen, 0, sizeof(seen));
	memset(&scratch, 0, sizeof(scratch));
	strmap_init(&scratch.namespaces);
	if (!enter_mapping(L, "a table bucket")) {
		strmap_release(&scratch.namespaces);
		return;
	}
	while ((k = next_key(L, "a table bucket", keys, 3, seen)) >= 0) {
		if (k == 0) {
			scratch.name = read_string(L, "a table bucket name", true, &name_span);
		} else if (k == 1) {
			scratch.arn = read_string(L, "an ARN", false, &arn_span);
		} else if (enter_sequence(L, "'namespaces'")) {
			while (next_item(L))
				read_database(L, &scratch);
		}
	}
	if (scratch.arn && strncmp(scratch.arn, "arn:", 4))
		diag_help(err(L, arn_span, "'%s' is not an ARN", scratch.arn),
			  "a table bucket ARN looks like arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME");
	prev = scratch.name ? catalog_bucket(L->c, scratch.name) : NULL;
	if (!scratch.name || prev) {
		if (prev)
			duplicate(L, name_span, prev->span, "table bucket", scratch.name, NULL);
		else if (!L->fatal && !seen[0].seen)
			missing_key(L, start, "a table bucket", "name");
		for (k = 0; (size_t)k < scratch.namespaces.count; k++)
			release_database(scratch.namespaces.entries[k].value);
		strmap_release(&scratch.namespaces);
		return;
	}
	b = catalog_add_bucket(L->c, scratch.name);
	strmap_release(&b->namespaces);
	b->namespaces = scratch.namespaces;
	b->arn = scratch.arn;
	b->span = name_span;
}

static void read_top(struct loader *L)
{
	static const char *const keys[] = { "version", "account", "region", "connections",
					    "databases", "table_buckets" };
	struct key_seen seen[6];
	struct span start = ev_span(L), sp;
	const char *version;
	int k;

	memset(seen, 0, sizeof(seen));
	if (!enter_mapping(L, "a catalog snapshot"))
		return;
	while ((k = next_key(L, "a catalog snapshot", keys, 6, seen)) >= 0) {
		switch (k) {
		case 0:
			version = read_string(L, "'version'", true, &sp);
			if (version && strcmp(version, "1"))
				diag_help(err(L, sp, "unsupported snapshot version '%s'", version),
					  "this pipec reads version 1");
			break;
		case 1:
			L->c->account = read_string(L, "'account'", false, NULL);
			break;
		case 2:
			L->c->region = read_string(L, "'region'", false, NULL);
			break;
		case 3:
			if (enter_sequence(L, "'connections'"))
				while (next_item(L))
					read_connection(L);
			break;
		case 4:
			if (enter_sequence(L, "'databases'"))
				while (next_item(L))
					read_database(L, NULL);
			break;
		default:
			if (enter_sequence(L, "'table_buckets'"))
				while (next_item(L))
					read_bucket(L);
			break;
		}
	}
	if (!L->fatal && !seen[0].seen)
		diag_help(err(L, span_make(start.start, start.start), "catalog snapshot has no 'version'"),
			  "start the file with 'version: 1'");
}

int catalog_load(struct catalog *c, const struct source *src, struct diag_set *ds)
{
	struct loader L;
	size_t i;

	memset(&L, 0, sizeof(L));
	L.c = c;
	L.src = src;
	L.ascii = true;
	for (i = 0; i < src->len && L.ascii; i++)
		L.ascii = !(src->text[i] & 0x80);
	L.ds = ds;
	c->src = src;
	if (!yaml_parser_initialize(&L.parser)) {
		diag_error_file(ds, src, NULL, "cannot initialise the YAML parser");
		return -1;
	}
	yaml_parser_set_input_string(&L.parser, (const unsigned char *)src->text, src->len);
	/* stream start, document start (or an empty stream) */
	if (next(&L) && next(&L)) {
		if (L.ev.type == YAML_STREAM_END_EVENT) {
			diag_help(err(&L, span_make(0, 0), "catalog snapshot is empty"),
				  "start the file with 'version: 1'");
		} else if (next(&L)) {
			read_top(&L);
			/* document end, then the stream must end */
			if (next(&L) && next(&L) && L.ev.type == YAML_DOCUMENT_START_EVENT)
				diag_help(err(&L, ev_span(&L), "catalog snapshot holds more than one YAML document"),
					  "keep one document per snapshot file");
		}
	}
	if (L.have_ev)
		yaml_event_delete(&L.ev);
	yaml_parser_delete(&L.parser);
	free(L.cols);
	free(L.keys);
	free(L.spec);
	return L.nerrors ? -1 : 0;
}

/* ---- warnings ---- */

void catalog_lint(const struct catalog *c, struct diag_set *ds)
{
	size_t i;

	for (i = 0; i < c->connections.count; i++) {
		const struct catalog_connection *cn = c->connections.entries[i].value;
		struct diag *d;
		if (cn->type != CC_JDBC || cn->engine != MJ_NONE || !c->src)
			continue;
		if (cn->url) {
			d = diag_warning(ds, c->src, cn->span,
					 "cannot tell which database connection '%s' reaches from its URL '%s'",
					 cn->name, cn->url);
			diag_help(d, "pipec reads postgresql, mysql, sqlserver, oracle and redshift; when "
				     "the connection reaches one of them, say which with 'engine:'");
		} else {
			d = diag_warning(ds, c->src, cn->span,
					 "cannot tell which database connection '%s' reaches", cn->name);
			diag_help(d, "add the connection's 'url:' (its JDBC_CONNECTION_URL) or its 'engine:'");
		}
	}
}

/* ---- saving ---- */

static bool plain_ok(const char *s)
{
	static const char *const reserved[] = { "true", "false", "yes", "no", "on", "off",
						"null", "y", "n" };
	const char *p;
	size_t i;

	if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-./", *p))
			return false;
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!strcasecmp(s, reserved[i]))
			return false;
	return true;
}

static void put_scalar(struct strbuf *out, const char *s)
{
	const unsigned char *p;

	if (plain_ok(s)) {
		strbuf_addstr(out, s);
		return;
	}
	strbuf_addch(out, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(out, "\\%c", *p);
		else if (*p == '\n')
			strbuf_addstr(out, "\\n");
		else if (*p == '\t')
			strbuf_addstr(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(out, "\\x%02x", *p);
		else
			strbuf_addch(out, (char)*p);
	}
	strbuf_addch(out, '"');
}

static void put_kv(struct strbuf *out, int indent, const char *key, const char *value)
{
	strbuf_addchars(out, ' ', (size_t)indent);
	strbuf_addf(out, "%s: ", key);
	put_scalar(out, value);
	strbuf_addch(out, '\n');
}

static int cmp_entry(const void *a, const void *b)
{
	const struct strmap_entry *x = *(const struct strmap_entry *const *)a;
	const struct strmap_entry *y = *(const struct strmap_entry *const *)b;

	return strcmp(x->key, y->key);
}

/* The entries of m sorted by key (caller frees the array). */
static const struct strmap_entry **sorted(const struct strmap *m)
{
	const struct strmap_entry **v = xmalloc((m->count ? m->count : 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < m->count; i++)
		v[i] = &m->entries[i];
	qsort(v, m->count, sizeof(*v), cmp_entry);
	return v;
}

static void put_columns(struct strbuf *out, int indent, const char *key,
			const struct catalog_column *cols, size_t n)
{
	size_t i;

	if (!n)
		return;
	strbuf_addchars(out, ' ', (size_t)indent);
	strbuf_addf(out, "%s:\n", key);
	for (i = 0; i < n; i++) {
		strbuf_addchars(out, ' ', (size_t)indent + 2);
		strbuf_addstr(out, "- {name: ");
		put_scalar(out, cols[i].name);
		strbuf_addstr(out, ", type: ");
		put_scalar(out, cols[i].type);
		if (cols[i].comment) {
			strbuf_addstr(out, ", comment: ");
			put_scalar(out, cols[i].comment);
		}
		strbuf_addstr(out, "}\n");
	}
}

static void put_tables(struct strbuf *out, int indent, const struct catalog_database *d)
{
	const struct strmap_entry **v;
	struct strbuf tmp = STRBUF_INIT;
	size_t i, j;

	if (!d->tables.count)
		return;
	v = sorted(&d->tables);
	strbuf_addchars(out, ' ', (size_t)indent);
	strbuf_addstr(out, "tables:\n");
	for (i = 0; i < d->tables.count; i++) {
		const struct catalog_table *t = v[i]->value;
		strbuf_addchars(out, ' ', (size_t)indent + 2);
		strbuf_addstr(out, "- name: ");
		put_scalar(out, t->name);
		strbuf_addch(out, '\n');
		if (!t->in_bucket)
			put_kv(out, indent + 4, "type", catalog_table_type_name(t->type));
		if (t->format && !t->in_bucket)
			put_kv(out, indent + 4, "format", t->format);
		if (t->location && !t->in_bucket)
			put_kv(out, indent + 4, "location", t->location);
		put_columns(out, indent + 4, "columns", t->columns, t->ncolumns);
		if (!t->in_bucket)
			put_columns(out, indent + 4, "partition_keys", t->partition_keys,
				    t->npartition_keys);
		if (t->spec_state == CS_UNKNOWN) {
			strbuf_addchars(out, ' ', (size_t)indent + 4);
			strbuf_addstr(out, "partition_spec: unknown\n");
		} else if (t->nspec || t->spec_state == CS_KNOWN) {
			strbuf_addchars(out, ' ', (size_t)indent + 4);
			strbuf_addstr(out, "partition_spec: [");
			for (j = 0; j < t->nspec; j++) {
				strbuf_reset(&tmp);
				catalog_partition_format(&t->spec[j], &tmp);
				if (j)
					strbuf_addstr(out, ", ");
				put_scalar(out, tmp.buf);
			}
			strbuf_addstr(out, "]\n");
		}
	}
	strbuf_release(&tmp);
	free(v);
}

void catalog_save(const struct catalog *c, struct strbuf *out)
{
	const struct strmap_entry **v;
	size_t i, j;

	strbuf_addstr(out, "# Glue Data Catalog snapshot for pipec (format: docs/catalog.md)\n");
	strbuf_addstr(out, "version: 1\n");
	if (c->account)
		put_kv(out, 0, "account", c->account);
	if (c->region)
		put_kv(out, 0, "region", c->region);
	if (c->connections.count) {
		v = sorted(&c->connections);
		strbuf_addstr(out, "connections:\n");
		for (i = 0; i < c->connections.count; i++) {
			const struct catalog_connection *cn = v[i]->value;
			strbuf_addstr(out, "  - name: ");
			put_scalar(out, cn->name);
			strbuf_addch(out, '\n');
			if (cn->type_name)
				put_kv(out, 4, "type", cn->type_name);
			if (cn->url)
				put_kv(out, 4, "url", cn->url);
			if (cn->engine_stated || (cn->engine != MJ_NONE && !cn->url &&
						  cn->type != CC_DATABASE && cn->type != CC_REDSHIFT))
				put_kv(out, 4, "engine", engine_names[cn->engine]);
		}
		free(v);
	}
	if (c->databases.count) {
		v = sorted(&c->databases);
		strbuf_addstr(out, "databases:\n");
		for (i = 0; i < c->databases.count; i++) {
			const struct catalog_database *d = v[i]->value;
			strbuf_addstr(out, "  - name: ");
			put_scalar(out, d->name);
			strbuf_addch(out, '\n');
			put_tables(out, 4, d);
		}
		free(v);
	}
	if (c->buckets.count) {
		v = sorted(&c->buckets);
		strbuf_addstr(out, "table_buckets:\n");
		for (i = 0; i < c->buckets.count; i++) {
			const struct catalog_bucket *b = v[i]->value;
			const struct strmap_entry **ns;
			strbuf_addstr(out, "  - name: ");
			put_scalar(out, b->name);
			strbuf_addch(out, '\n');
			if (b->arn)
				put_kv(out, 4, "arn", b->arn);
			if (!b->namespaces.count)
				continue;
			ns = sorted(&b->namespaces);
			strbuf_addstr(out, "    namespaces:\n");
			for (j = 0; j < b->namespaces.count; j++) {
				const struct catalog_database *d = ns[j]->value;
				strbuf_addstr(out, "      - name: ");
				put_scalar(out, d->name);
				strbuf_addch(out, '\n');
				put_tables(out, 8, d);
			}
			free(ns);
		}
		free(v);
	}
}
