/*
 * catalog_check: the checks of docs/catalog.md, run over the checked model
 * once the language checks are done.  Only what the snapshot describes is
 * checked: a JDBC source's own table, for one, lives outside the catalog.
 */
#include "catalog_check.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "check_ctx.h"
#include "coltype.h"
#include "nested.h"
#include "xalloc.h"

struct checker {
	struct diag_set *ds;
	const struct catalog *cat;
	const struct model_project *mp;
	const struct model_pipeline *p;
	const struct source *src;	/* the pipeline's .pipe file */
	bool evolves;			/* an evolution warning was given for p */
};

static const char *const engine_label[] = {
	"an unknown engine", "postgresql", "mysql", "sqlserver", "oracle", "redshift",
};

/* A finer span when the checker recorded one. */
static struct span pick(struct span fine, struct span whole)
{
	return fine.end > fine.start ? fine : whole;
}

/* ---- did you mean ---- */

static char *lower(const char *s)
{
	char *l = xstrdup(s), *q;

	for (q = l; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return l;
}

/*
 * The name (as the snapshot spells it) of the entry of m closest to word,
 * or NULL.  The map values all begin with a `const char *name` member:
 * catalog_database, catalog_table, catalog_connection, catalog_bucket.
 */
static const char *closest_in(const struct strmap *m, const char *word, bool fold)
{
	const char **keys;
	const char *best;
	char *w = fold ? lower(word) : xstrdup(word);
	size_t i;

	if (!m->count) {
		free(w);
		return NULL;
	}
	keys = xmalloc(m->count * sizeof(*keys));
	for (i = 0; i < m->count; i++)
		keys[i] = m->entries[i].key;
	best = diag_closest(w, keys, m->count);
	free(keys);
	free(w);
	return best ? *(const char *const *)strmap_get(m, best) : NULL;
}

static void help_closest(struct diag *d, const struct strmap *m, const char *word, bool fold,
			 const char *otherwise)
{
	const char *near = closest_in(m, word, fold);

	if (near)
		diag_help(d, "did you mean '%s'?", near);
	else if (otherwise)
		diag_help(d, "%s", otherwise);
}

static const char *declared_type(const struct model_column *c, char *buf, size_t cap)
{
	static const char *const names[] = {
		"string", "boolean", "tinyint", "smallint", "int", "bigint", "float",
		"double", "decimal", "date", "timestamp", "binary",
	};

	if (c->glue_type)
		return c->glue_type;
	if (c->type == MT_DECIMAL) {
		snprintf(buf, cap, "decimal(%d,%d)", c->precision, c->scale);
		return buf;
	}
	if ((size_t)c->type < sizeof(names) / sizeof(names[0]))
		return names[c->type];
	return c->spark_type ? c->spark_type : "?";
}

/* ---- connections ---- */

/* The connection for kind/engine: the label of what is needed, and whether
 * cn fits. */
static bool conn_fits(const struct catalog_connection *cn, enum model_source_kind kind,
		      enum model_jdbc_engine engine, bool *engine_unknown)
{
	*engine_unknown = false;
	switch (kind) {
	case MS_SNOWFLAKE:
		return cn->type == CC_SNOWFLAKE;
	case MS_BIGQUERY:
		return cn->type == CC_BIGQUERY;
	default:
		break;
	}
	if (cn->type == CC_REDSHIFT)
		return engine == MJ_REDSHIFT;
	if (cn->type != CC_JDBC && cn->type != CC_DATABASE)
		return false;
	if (cn->engine == MJ_NONE) {
		*engine_unknown = true;
		return true;
	}
	return cn->engine == engine;
}

static void check_connection(struct checker *k, const char *name, struct span at,
			     enum model_source_kind kind, enum model_jdbc_engine engine,
			     const char *user)
{
	const struct catalog_connection *cn;
	bool unknown_engine;
	struct diag *d;

	if (!name)
		return;
	cn = catalog_connection(k->cat, name);
	if (!cn) {
		d = diag_error(k->ds, k->src, at, "connection '%s' is not in the catalog", name);
		help_closest(d, &k->cat->connections, name, false,
			     "create the Glue connection, then refresh the snapshot with 'pipec catalog pull'");
		return;
	}
	if (conn_fits(cn, kind, engine, &unknown_engine)) {
		if (unknown_engine) {
			d = diag_warning(k->ds, k->src, at,
					 "cannot tell which database connection '%s' reaches", name);
			if (cn->url) {
				diag_note(d, k->cat->src, cn->span,
					  "the URL of '%s' names no database pipec reads: %s", cn->name,
					  cn->url);
				diag_help(d, "if it reaches %s, add 'engine: %s' to the connection in the snapshot",
					  engine_label[engine], engine_label[engine]);
			} else {
				diag_note(d, k->cat->src, cn->span,
					  "the snapshot gives no JDBC URL or engine for '%s'", cn->name);
				diag_help(d, "add 'url:' or 'engine: %s' to the connection in the snapshot",
					  engine_label[engine]);
			}
		}
		return;
	}
	if (kind == MS_SNOWFLAKE || kind == MS_BIGQUERY ||
	    (cn->type != CC_JDBC && cn->type != CC_DATABASE && cn->type != CC_REDSHIFT)) {
		const char *need = kind == MS_SNOWFLAKE ? "SNOWFLAKE" : kind == MS_BIGQUERY ? "BIGQUERY"
											   : "JDBC";
		if (cn->type_name)
			d = diag_error(k->ds, k->src, at,
				       "connection '%s' is a %s connection, but %s needs a %s connection",
				       name, cn->type_name, user, need);
		else
			d = diag_error(k->ds, k->src, at,
				       "connection '%s' has no type in the catalog, but %s needs a %s connection",
				       name, user, need);
		diag_note(d, k->cat->src, cn->span, "'%s' is defined here", cn->name);
		diag_help(d, "name a %s connection, or create one in Glue", need);
		return;
	}
	d = diag_error(k->ds, k->src, at, "connection '%s' reaches %s, but %s reads %s", name,
		       engine_label[cn->engine], user, engine_label[engine]);
	diag_note(d, k->cat->src, cn->span, "'%s' is defined here%s%s", cn->name,
		  cn->url ? " with URL " : "", cn->url ? cn->url : "");
	diag_help(d, "name a connection whose JDBC URL starts with 'jdbc:%s:'",
		  engine == MJ_ORACLE ? "oracle:thin" : engine_label[engine]);
}

/* ---- tables ---- */

static const struct catalog_database *find_database(struct checker *k, const char *name,
						    struct span at)
{
	const struct catalog_database *db = catalog_database(k->cat, name);
	struct diag *d;

	if (db || !name)
		return db;
	d = diag_error(k->ds, k->src, at, "database '%s' is not in the catalog", name);
	help_closest(d, &k->cat->databases, name, true,
		     "create the Glue database, then refresh the snapshot with 'pipec catalog pull'");
	return NULL;
}

static void note_table(struct checker *k, struct diag *d, const struct catalog_table *t,
		       const char *qual)
{
	diag_note(d, k->cat->src, t->span, "table '%s' is defined here", qual);
}

/* A column a job may not add to its table: the rows already there would
 * be NULL in a merge key or watermark column, and a Hive table's
 * partition columns are fixed when it is created. */
static bool must_exist(const struct model_pipeline *p, const char *col, const char **why)
{
	size_t i;

	for (i = 0; p->target.kind == MT_PARQUET && i < p->npartitions; i++)
		if (p->partitions[i].column && !strcasecmp(p->partitions[i].column, col)) {
			*why = "it is a partition column: a Hive table's partition columns are fixed when it is created";
			return true;
		}

	for (i = 0; i < p->nmerge_keys; i++)
		if (p->merge_keys[i] && !strcasecmp(p->merge_keys[i], col)) {
			*why = "it is a merge key";
			return true;
		}
	if (p->incremental.kind == MI_WATERMARK && p->incremental.column &&
	    !strcasecmp(p->incremental.column, col)) {
		*why = "it is the watermark column";
		return true;
	}
	return false;
}

/* A declared column an Iceberg or Hive (parquet) table lacks: the job adds
 * it (nullable; templates/pyspark/evolve_iceberg, evolve_parquet). */
static void note_added_column(struct checker *k, const struct model_column *c, const char *qual)
{
	struct diag *d = diag_warning(k->ds, k->src, c->span,
				      "column '%s' will be added to table '%s' by the job",
				      c->name, qual);

	k->evolves = true;
	if (k->p->target.kind == MT_PARQUET)
		diag_note_plain(d, "it is added after the table's data columns, before its partition columns; Parquet files written before lack it and read NULL in it");
	else
		diag_note_plain(d, "Iceberg adds a column as optional: rows written before read NULL in it");
	if (c->required)
		diag_note_plain(d, "'required' holds for the rows the job writes, not for the rows already in the table");
}

/* A declared nested column against the table's, field by field (nested.h):
 * the job adds and widens fields of an Iceberg table (warnings), and
 * fails on what Iceberg cannot change (errors). */
struct nested_check {
	struct checker *k;
	const struct model_column *c;
	const struct catalog_column *tc;
	const char *qual;
};

#define NESTED_RULE \
	"the declared type must widen into the table's, or be an Iceberg promotion of it: int to bigint, float to double, decimal(P,S) to decimal(P',S) with P' > P (see 'Schema evolution' in docs/catalog.md)"
#define KIND_RULE \
	"Iceberg does not change a column or field between a primitive type, a struct, an array and a map, nor the keys of a map: load the values into a new column or a new table (see 'Schema evolution' in docs/catalog.md)"

static void nested_warning(struct nested_check *n, enum nested_edit e, const char *path,
			   const char *from, const char *to)
{
	struct checker *k = n->k;
	struct diag *d;

	k->evolves = true;
	if (e == NESTED_ADD) {
		d = diag_warning(k->ds, k->src, n->c->span,
				 "field '%s' will be added to table '%s' by the job", path, n->qual);
		diag_note_plain(d, "Iceberg adds a field as optional: rows written before read NULL in it");
		return;
	}
	d = diag_warning(k->ds, k->src, n->c->span,
			 "field '%s' of table '%s' will be widened from %s to %s by the job", path,
			 n->qual, from, to);
	diag_note(d, k->cat->src, n->tc->type_span, "the table's column '%s' is %s",
		  n->tc->name, n->tc->type);
}

static void nested_edit(void *arg, enum nested_edit e, const char *path, const char *from,
			const char *to)
{
	struct nested_check *n = arg;
	struct checker *k = n->k;
	struct diag *d;

	if (e == NESTED_ADD || e == NESTED_WIDEN) {
		nested_warning(n, e, path, from, to);
		return;
	}
	if (!nested_refused(e))
		return;
	d = diag_error(k->ds, k->src, n->c->span, "%s '%s' is %s here but %s in table '%s'",
		       e == NESTED_KEY ? "the key of map" : strchr(path, '.') ? "field" : "column",
		       e == NESTED_KEY ? n->c->name : path, to, from, n->qual);
	diag_note(d, k->cat->src, n->tc->type_span, "the table's column '%s' is %s", n->tc->name,
		  n->tc->type);
	diag_help(d, "%s", e == NESTED_CHANGE ? NESTED_RULE : KIND_RULE);
}

static void check_nested(struct checker *k, const struct model_column *c,
			 const struct catalog_column *tc, const char *dts, const char *qual)
{
	struct nested_check n = { k, c, tc, qual };

	nested_diff(c->name, tc->type, dts, nested_edit, &n);
}

/* Declared columns ⊆ table columns, with types that widen; an Iceberg
 * target may also gain columns and promote types, a parquet target gain
 * data columns (the job evolves it). */
static void check_columns(struct checker *k, const struct catalog_table *t, const char *qual)
{
	const struct model_pipeline *p = k->p;
	bool evolves = p->target.kind == MT_ICEBERG || p->target.kind == MT_S3TABLES;
	bool gains = evolves || p->target.kind == MT_PARQUET;
	size_t i;

	for (i = 0; i < p->ncolumns; i++) {
		const struct model_column *c = &p->columns[i];
		const struct catalog_column *tc;
		struct coltype dt, tt;
		char buf[64];
		const char *why, *dts;
		struct diag *d;

		if (!c->name)
			continue;
		tc = catalog_column(t, c->name);
		if (!tc && c->renamed_from && (tc = catalog_column(t, c->renamed_from))) {
			d = diag_warning(k->ds, k->src, c->renamed_span,
					 "column '%s' of table '%s' will be renamed to '%s' by the job",
					 tc->name, qual, c->name);
			diag_note_plain(d, "Iceberg keeps the column's values under the new name; queries that name '%s' must use '%s'",
					tc->name, c->name);
		}
		/* a merge key or watermark added now would be NULL in every
		 * row already there: that stays an error */
		if (!tc && gains && !must_exist(p, c->name, &why)) {
			note_added_column(k, c, qual);
			continue;
		}
		if (!tc) {
			d = diag_error(k->ds, k->src, c->span, "column '%s' is not in table '%s'",
				       c->name, qual);
			if (must_exist(p, c->name, &why))
				diag_note_plain(d, "%s", why);
			note_table(k, d, t, qual);
			help_closest(d, &t->colmap, c->name, true,
				     "add the column to the table, or remove it from the pipeline");
			continue;
		}
		dts = declared_type(c, buf, sizeof(buf));
		if (evolves && (nested_is(dts) || nested_is(tc->type))) {
			check_nested(k, c, tc, dts, qual);
			continue;
		}
		coltype_parse(dts, &dt);
		coltype_parse(tc->type, &tt);
		if (coltype_widens(&dt, &tt))
			continue;
		if (evolves && coltype_promotes(&tt, &dt)) {
			k->evolves = true;
			d = diag_warning(k->ds, k->src, c->span,
					 "column '%s' of table '%s' will be widened from %s to %s by the job",
					 c->name, qual, tc->type, dts);
			diag_note(d, k->cat->src, tc->type_span, "the table's column '%s' is %s",
				  tc->name, tc->type);
			continue;
		}
		d = diag_error(k->ds, k->src, c->span,
			       "column '%s' is %s here but %s in table '%s'", c->name, dts, tc->type,
			       qual);
		diag_note(d, k->cat->src, tc->type_span, "the table's column '%s' is %s", tc->name,
			  tc->type);
		if (tt.kind == COLTYPE_STRING)
			diag_help(d, "pipec never turns a value into a string silently: declare the column as string");
		else if (evolves)
			diag_help(d, "the declared type must widen into the table's, or be an Iceberg promotion of it: int to bigint, float to double, decimal(P,S) to decimal(P',S) with P' > P (see 'Schema evolution' in docs/catalog.md)");
		else
			diag_help(d, "the declared type must widen into the table's (see 'Type widening' in docs/catalog.md)");
	}
}

static void spec_text(const struct catalog_partition *spec, size_t n, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		catalog_partition_format(&spec[i], sb);
	}
}

static bool spec_has(const struct catalog_table *t, const struct model_partition *mpart)
{
	size_t i;

	for (i = 0; i < t->nspec && mpart->column; i++) {
		const struct catalog_partition *tp = &t->spec[i];

		if (mpart->transform == tp->transform && !strcasecmp(mpart->column, tp->column) &&
		    ((tp->transform != MP_BUCKET && tp->transform != MP_TRUNCATE) ||
		     mpart->param == tp->param))
			return true;
	}
	return false;
}

static void check_spec(struct checker *k, const struct catalog_table *t, const char *qual)
{
	const struct model_pipeline *p = k->p;
	struct catalog_partition *mine;
	struct strbuf want = STRBUF_INIT, have = STRBUF_INIT;
	struct span at = k->p->target.span;
	size_t i, n = p->npartitions;
	bool same = n == t->nspec;
	struct diag *d;

	/* a spec the snapshot does not state (or the pull could not read) is
	 * not compared: a guess either way would be a false error */
	if (t->spec_state != CS_KNOWN)
		return;
	/* a set of fields, as Iceberg and the job compare them (order aside) */
	for (i = 0; i < n; i++)
		if (!spec_has(t, &p->partitions[i])) {
			same = false;
			at = p->partitions[i].span;
			break;
		}
	if (same)
		return;
	mine = xcalloc(n ? n : 1, sizeof(*mine));
	for (i = 0; i < n; i++) {
		mine[i].transform = p->partitions[i].transform;
		mine[i].column = p->partitions[i].column ? p->partitions[i].column : "?";
		mine[i].param = p->partitions[i].param;
	}
	spec_text(mine, n, &want);
	spec_text(t->spec, t->nspec, &have);
	if (p->mode != MM_OVERWRITE) {
		/* the job evolves the spec at its next run (evolve_iceberg) */
		k->evolves = true;
		d = diag_warning(k->ds, k->src, at,
				 "the job evolves the partition spec of table '%s' from %s to %s at its next run",
				 qual, t->nspec ? have.buf : "nothing", n ? want.buf : "nothing");
		if (t->nspec)
			diag_note(d, k->cat->src, t->spec[0].span, "the table is partitioned by %s",
				  have.buf);
		else
			diag_note(d, k->cat->src, pick(t->spec_span, t->span),
				  "table '%s' is not partitioned", qual);
		diag_help(d, "files written before keep the old layout and every row its values (see 'Partition evolution' in docs/plan.md); run 'pipec catalog pull' after the deploy's first run to refresh the snapshot");
		goto out;
	}
	d = diag_error(k->ds, k->src, at,
		       "partition spec differs from table '%s', and mode overwrite does not evolve it",
		       qual);
	if (t->nspec)
		diag_note(d, k->cat->src, t->spec[0].span, "the table is partitioned by %s", have.buf);
	else
		diag_note(d, k->cat->src, pick(t->spec_span, t->span), "table '%s' is not partitioned",
			  qual);
	if (!t->nspec)
		diag_help(d, "remove the 'partition by' clause, or write to a new table");
	else if (!n)
		diag_help(d, "add 'partition by %s' to the pipeline, or evolve the table's spec first",
			  have.buf);
	else
		diag_help(d, "declare 'partition by %s' (this pipeline says %s), or write to a new "
			     "table", have.buf, want.buf);
out:
	free(mine);
	strbuf_release(&want);
	strbuf_release(&have);
}

/* Hive partition keys: the identity partitions, in order. */
static void check_partition_keys(struct checker *k, const struct catalog_table *t,
				 const char *qual)
{
	const struct model_pipeline *p = k->p;
	struct strbuf want = STRBUF_INIT, have = STRBUF_INIT;
	struct span at = p->target.span;
	size_t i;
	bool same = p->npartitions == t->npartition_keys;
	struct diag *d;

	for (i = 0; i < p->npartitions && i < t->npartition_keys; i++)
		if (!p->partitions[i].column ||
		    strcasecmp(p->partitions[i].column, t->partition_keys[i].name)) {
			same = false;
			at = p->partitions[i].span;
			break;
		}
	if (same)
		return;
	if (i == t->npartition_keys && i < p->npartitions)
		at = p->partitions[i].span;
	for (i = 0; i < p->npartitions; i++)
		strbuf_addf(&want, "%s%s", i ? ", " : "",
			    p->partitions[i].column ? p->partitions[i].column : "?");
	for (i = 0; i < t->npartition_keys; i++)
		strbuf_addf(&have, "%s%s", i ? ", " : "", t->partition_keys[i].name);
	d = diag_error(k->ds, k->src, at, "partition columns differ from table '%s'", qual);
	if (t->npartition_keys)
		diag_note(d, k->cat->src, t->partition_keys[0].span,
			  "the table is partitioned by %s", have.buf);
	else
		diag_note(d, k->cat->src, t->span, "table '%s' is not partitioned", qual);
	if (!t->npartition_keys)
		diag_help(d, "remove the 'partition by' clause");
	else if (!p->npartitions)
		diag_help(d, "add 'partition by %s' to the pipeline", have.buf);
	else
		diag_help(d, "declare 'partition by %s' (this pipeline says %s)", have.buf, want.buf);
	strbuf_release(&want);
	strbuf_release(&have);
}

static bool same_location(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (!strncmp(a, "s3a://", 6))
		a += 3, la -= 3;
	if (!strncmp(b, "s3a://", 6))
		b += 3, lb -= 3;
	while (la && a[la - 1] == '/')
		la--;
	while (lb && b[lb - 1] == '/')
		lb--;
	return la == lb && !strncmp(a, b, la);
}

static void check_location(struct checker *k, const struct catalog_table *t, const char *qual)
{
	struct diag *d;

	if (!k->p->target.location || !t->location ||
	    same_location(k->p->target.location, t->location))
		return;
	d = diag_warning(k->ds, k->src, k->p->target.span,
			 "target location '%s' differs from the location of table '%s'",
			 k->p->target.location, qual);
	diag_note(d, k->cat->src, t->location_span, "the table's location is '%s'", t->location);
	diag_help(d, "the job writes where the table points; state the table's location to avoid surprises");
}

/* A target table that exists: kind, columns, partitioning. */
static void check_existing_target(struct checker *k, const struct catalog_table *t,
				  const char *qual)
{
	const struct model_target *tg = &k->p->target;
	struct diag *d;

	if (tg->kind == MT_ICEBERG && t->type != CT_ICEBERG) {
		d = diag_error(k->ds, k->src, tg->span, "table '%s' is %s %s table, not an Iceberg table",
			       qual, t->type == CT_EXTERNAL ? "an" : "a",
			       t->type == CT_EXTERNAL ? "EXTERNAL (Hive)" : catalog_table_type_name(t->type));
		note_table(k, d, t, qual);
		diag_help(d, "write to a new table name, or migrate the table with a pipeline whose source is 'table %s'",
			  qual);
		return;
	}
	if (tg->kind == MT_PARQUET) {
		if (t->type != CT_EXTERNAL) {
			d = diag_error(k->ds, k->src, tg->span,
				       "table '%s' is %s %s table, not an EXTERNAL Parquet table", qual,
				       t->type == CT_ICEBERG ? "an" : "a", catalog_table_type_name(t->type));
			note_table(k, d, t, qual);
			diag_help(d, "a parquet target writes files under a Hive-style EXTERNAL table; pick another table name");
			return;
		}
		if (t->format && strcmp(t->format, "parquet")) {
			d = diag_error(k->ds, k->src, tg->span,
				       "table '%s' stores %s files, not Parquet", qual, t->format);
			diag_note(d, k->cat->src, t->format_span, "the table's format is %s", t->format);
			diag_help(d, "pick another table name, or change the table's storage format");
			return;
		}
	}
	check_columns(k, t, qual);
	if (tg->kind == MT_PARQUET)
		check_partition_keys(k, t, qual);
	else
		check_spec(k, t, qual);
	if (tg->kind != MT_S3TABLES)
		check_location(k, t, qual);
}

static void check_target_table(struct checker *k, const struct catalog_database *db,
			       const char *where)
{
	const struct model_target *tg = &k->p->target;
	const struct catalog_table *t = catalog_table(db, tg->table);
	char *qual = xmalloc(strlen(tg->database) + strlen(tg->table) + 2);
	struct diag *d;

	sprintf(qual, "%s.%s", tg->database, tg->table);
	if (t) {
		check_existing_target(k, t, qual);
	} else if (!tg->create_if_missing) {
		const char *near = closest_in(&db->tables, tg->table, true);
		d = diag_error(k->ds, k->src, pick(tg->table_span, tg->span),
			       "table '%s' does not exist in %s", qual, where);
		if (near)
			diag_help(d, "did you mean '%s.%s'?", tg->database, near);
		diag_help(d, "create it first, or add 'create if missing' to the target");
	}
	free(qual);
}

static void check_target(struct checker *k)
{
	const struct model_target *tg = &k->p->target;
	const struct catalog_bucket *b;
	const struct catalog_database *db;
	struct diag *d;
	char *where;

	if (tg->kind == MT_REDSHIFT) {
		check_connection(k, tg->connection, pick(tg->connection_span, tg->span), MS_JDBC,
				 MJ_REDSHIFT, "a redshift target");
		return;
	}
	if (!tg->database || !tg->table)
		return;
	if (tg->kind != MT_S3TABLES) {
		if ((db = find_database(k, tg->database, pick(tg->table_span, tg->span))))
			check_target_table(k, db, "the catalog");
		return;
	}
	if (!tg->table_bucket)
		return;
	b = catalog_bucket(k->cat, tg->table_bucket);
	if (!b) {
		d = diag_error(k->ds, k->src, tg->span, "table bucket '%s' is not in the catalog",
			       tg->table_bucket);
		help_closest(d, &k->cat->buckets, tg->table_bucket, false,
			     "create the table bucket, or pull it into the snapshot with 'pipec catalog pull --table-bucket'");
		return;
	}
	if (tg->table_bucket_arn && b->arn && strcmp(tg->table_bucket_arn, b->arn)) {
		d = diag_error(k->ds, k->src, tg->span, "table bucket '%s' has another ARN in the catalog",
			       b->name);
		diag_note(d, k->cat->src, b->span, "the catalog's ARN is '%s'", b->arn);
		diag_help(d, "this pipeline uses '%s'; check the environment's account and region",
			  tg->table_bucket_arn);
	}
	db = catalog_namespace(b, tg->database);
	if (!db) {
		d = diag_error(k->ds, k->src, pick(tg->table_span, tg->span),
			       "namespace '%s' is not in table bucket '%s'",
			       tg->database, b->name);
		help_closest(d, &b->namespaces, tg->database, true,
			     "create the namespace in the table bucket first");
		return;
	}
	where = xmalloc(strlen(b->name) + 32);
	sprintf(where, "table bucket '%s'", b->name);
	check_target_table(k, db, where);
	free(where);
}

/* ---- sources ---- */

/* The project's pipeline whose target is DATABASE.TABLE (Glue folds names
 * to lowercase), or NULL. */
static const struct model_pipeline *table_writer(const struct model_project *mp,
						 const char *database, const char *table)
{
	size_t i;

	for (i = 0; i < mp->npipelines; i++) {
		const struct model_target *t = &mp->pipelines[i].target;

		if ((t->kind == MT_ICEBERG || t->kind == MT_PARQUET) && t->database && t->table &&
		    !strcasecmp(t->database, database) && !strcasecmp(t->table, table))
			return &mp->pipelines[i];
	}
	return NULL;
}

static void check_table_source(struct checker *k, struct model_source *s)
{
	const struct catalog_database *db;
	const struct catalog_table *t;
	enum model_format fmt;
	char *qual;
	struct diag *d;
	const struct model_column *cols;
	size_t i, ncols;

	/* A pipeline source's table is the upstream pipeline's target, checked
	 * (and created if missing) there; its columns were checked against the
	 * upstream's declaration, which the table has once the upstream ran. */
	if (!s->database || !s->table || s->upstream)
		return;
	if (!(db = find_database(k, s->database, pick(s->table_span, s->span))))
		return;
	qual = xmalloc(strlen(s->database) + strlen(s->table) + 2);
	sprintf(qual, "%s.%s", s->database, s->table);
	t = catalog_table(db, s->table);
	if (!t) {
		const char *near = closest_in(&db->tables, s->table, true);
		const struct model_pipeline *writer = table_writer(k->mp, s->database, s->table);

		d = diag_error(k->ds, k->src, pick(s->table_span, s->span),
			       "table '%s' is not in the catalog", qual);
		if (writer && writer != k->p)
			diag_help(d, "pipeline '%s' writes it: 'source pipeline %s' reads it, "
				     "and runs after it", writer->name, writer->name);
		else if (near)
			diag_help(d, "did you mean '%s.%s'?", s->database, near);
		else
			diag_help(d, "a table source reads an existing table; refresh the snapshot with 'pipec catalog pull' if it is new");
		free(qual);
		return;
	}
	if (t->type != CT_EXTERNAL && t->type != CT_MANAGED && t->type != CT_ICEBERG) {
		d = diag_error(k->ds, k->src, s->span, "table '%s' is a %s table", qual,
			       catalog_table_type_name(t->type));
		note_table(k, d, t, qual);
		diag_help(d, "a table source reads Hive (EXTERNAL, MANAGED) or Iceberg tables");
		free(qual);
		return;
	}
	fmt = t->type == CT_ICEBERG ? MF_ICEBERG : MF_HIVE;
	if (!s->table_format_stated) {
		s->table_format = fmt;
		/* read through Iceberg's GlueCatalog, under its naming rule */
		if (fmt == MF_ICEBERG) {
			check_ctx_engine_name(k->ds, k->src, s->part_spans[0], NAMES_GLUE_ICEBERG,
					      "database", s->database);
			check_ctx_engine_name(k->ds, k->src, s->part_spans[1], NAMES_GLUE_ICEBERG,
					      "table name", s->table);
		}
	} else if (s->table_format != fmt) {
		d = diag_error(k->ds, k->src, s->span, "table '%s' is %s table, not %s table", qual,
			       fmt == MF_ICEBERG ? "an Iceberg" : "a Hive",
			       fmt == MF_ICEBERG ? "a Hive" : "an Iceberg");
		note_table(k, d, t, qual);
		diag_help(d, "leave the table's kind out: it is taken from the catalog");
	}
	cols = model_input_columns(k->p, &ncols, NULL);	/* an aggregate's input */
	for (i = 0; i < ncols; i++) {
		const struct model_column *c = &cols[i];
		const char *field = c->source_field ? c->source_field : c->name;
		const char *dot;
		char *top;

		if (c->derived_sql || c->joined)
			continue;	/* computed or joined by the job, not read */
		/* a nested field ("payload.id") is checked by its top-level column */
		dot = strchr(field, '.');
		top = dot ? xstrndup(field, (size_t)(dot - field)) : xstrdup(field);
		if (!catalog_column(t, top)) {
			d = diag_error(k->ds, k->src, pick(c->from_span, c->span),
				       "field '%s' is not a column of table '%s'", top, qual);
			note_table(k, d, t, qual);
			help_closest(d, &t->colmap, top, true,
				     c->renamed ? "name a column of the source table in 'from'"
						: "read it with 'from \"COLUMN\"' from a column of the source table");
		}
		free(top);
	}
	free(qual);
}

static void check_source(struct checker *k, struct model_source *s)
{
	static const char *const users[] = {
		"a jdbc source", "a jdbc postgresql source", "a jdbc mysql source",
		"a jdbc sqlserver source", "a jdbc oracle source", "a jdbc redshift source",
	};
	struct span at = pick(s->connection_span, s->span);

	switch (s->kind) {
	case MS_JDBC:
		check_connection(k, s->connection, at, MS_JDBC, s->engine, users[s->engine]);
		break;
	case MS_SNOWFLAKE:
		check_connection(k, s->connection, at, MS_SNOWFLAKE, MJ_NONE, "a snowflake source");
		break;
	case MS_BIGQUERY:
		check_connection(k, s->connection, at, MS_BIGQUERY, MJ_NONE, "a bigquery source");
		break;
	case MS_TABLE:
		check_table_source(k, s);
		break;
	default:
		break;
	}
}

void catalog_check_model(struct model_project *mp, const struct catalog *cat,
			 struct diag_set *ds)
{
	struct checker k;
	size_t i;

	memset(&k, 0, sizeof(k));
	k.ds = ds;
	k.cat = cat;
	k.mp = mp;
	for (i = 0; i < mp->npipelines; i++) {
		struct model_pipeline *p = &mp->pipelines[i];
		k.p = p;
		k.src = p->src;
		if (!k.src)
			continue;
		k.evolves = false;
		check_source(&k, &p->source);
		check_target(&k);
		p->catalog_evolves = k.evolves;
	}
}
