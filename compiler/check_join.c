/*
 * check_join: `join left|inner table DATABASE.TABLE as ALIAS on CONDITION
 * [{ take COLUMN [TYPE] [as NAME], ...; broadcast; format hive|iceberg }]`.
 *
 * The joined table is resolved in one place (resolve_table): its database,
 * table, format and, with a catalog snapshot, its columns and their types.
 * Without a snapshot (--no-catalog) the table and its columns are not
 * checked: a taken column states its type, a column used only in the
 * condition is of unknown type, the format is hive unless stated.
 * The condition is typed by check_expr.c with ALIAS.COLUMN naming the
 * table's columns; it needs an equality between the table's side and the
 * row's (an equi-join).  Taken columns are appended to the pipeline's
 * columns, before the derives (docs/language.md, join).
 */
#include "check_join.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "catalog.h"
#include "check_ctx.h"
#include "check_expr.h"
#include "check_schema.h"
#include "check_upstream.h"
#include "coltype.h"
#include "strbuf.h"

/* What a join sees of its table while it is checked. */
struct jctx {
	struct check_ctx *c;
	const struct ast_clause *cl;
	struct model_join *j;
	size_t index;				/* 1-based, for internal names */
	const char *qual;			/* "DATABASE.TABLE" */
	const struct catalog_table *t;		/* NULL without a catalog */
	const struct model_pipeline *up;	/* join ... pipeline NAME, else NULL */
	/* the table's columns the join reads (j->columns), with their types */
	struct model_column *types;		/* parallel to j->columns; type NULL = unknown */
	bool *typed;
	size_t cap;
	/* no catalog: the types stated by the takes, by column */
	const struct ast_take **stated;
	size_t nstated;
	const struct ast_join_line *format_line;
	bool broadcast;
	const struct ast_take **takes;
	size_t ntakes;
};

static const char *const how_words[] = { "left", "inner" };
static const char *const what_words[] = { "table", "pipeline" };
static const char *const line_words[] = { "take", "broadcast", "format" };
static const char *const format_words[] = { "hive", "iceberg" };

/* A catalog type as a column type: the scalar types; false for the
 * others (struct, array, map), which a join does not read yet. */
static bool catalog_type(struct check_ctx *c, const char *glue, struct span at,
			 struct model_column *out)
{
	static const char *const words[] = {
		[COLTYPE_STRING] = "string", [COLTYPE_BOOLEAN] = "boolean",
		[COLTYPE_TINYINT] = "tinyint", [COLTYPE_SMALLINT] = "smallint",
		[COLTYPE_INT] = "int", [COLTYPE_BIGINT] = "bigint", [COLTYPE_FLOAT] = "float",
		[COLTYPE_DOUBLE] = "double", [COLTYPE_DECIMAL] = "decimal", [COLTYPE_DATE] = "date",
		[COLTYPE_TIMESTAMP] = "timestamp", [COLTYPE_BINARY] = "binary",
	};
	struct coltype ct;
	struct ast_type t;
	struct ast_number params[2];
	char ptext[2][24];

	coltype_parse(glue, &ct);
	if (ct.kind == COLTYPE_OTHER)
		return false;
	memset(&t, 0, sizeof(t));
	memset(params, 0, sizeof(params));
	t.name.text = words[ct.kind];
	t.name.span = at;
	t.span = at;
	if (ct.kind == COLTYPE_DECIMAL) {
		snprintf(ptext[0], sizeof(ptext[0]), "%d", ct.precision);
		snprintf(ptext[1], sizeof(ptext[1]), "%d", ct.scale);
		params[0] = (struct ast_number){ ptext[0], true, ct.precision, false, ct.precision, at };
		params[1] = (struct ast_number){ ptext[1], true, ct.scale, false, ct.scale, at };
		t.params = params;
		t.nparams = 2;
	}
	memset(out, 0, sizeof(*out));
	return check_column_type(c, &t, out);
}

static void note_table(struct jctx *x, struct diag *d)
{
	if (x->up)
		diag_note(d, x->up->src, x->up->span, "pipeline '%s' is defined here", x->up->name);
	else if (x->t && x->c->cat->src)
		diag_note(d, x->c->cat->src, x->t->span, "table '%s' is defined here", x->qual);
}

/* The closest of the table's columns to word, or NULL. */
static const char *closest_column(struct jctx *x, const char *word)
{
	const char **names = arena_array(x->c->a, x->t->ncolumns + x->t->npartition_keys + 1,
					 sizeof(*names));
	size_t i, n = 0;

	for (i = 0; i < x->t->ncolumns; i++)
		names[n++] = x->t->columns[i].name;
	for (i = 0; i < x->t->npartition_keys; i++)
		names[n++] = x->t->partition_keys[i].name;
	return diag_closest(word, names, n);
}

/* The spelling of the upstream pipeline's column `name`; NULL after
 * reporting one it does not write. */
static const char *pipeline_column(struct jctx *x, const struct ast_name *name)
{
	const struct model_pipeline *up = x->up;
	const char **names;
	const char *near;
	struct diag *d;
	size_t i;

	for (i = 0; i < up->ncolumns; i++)
		if (!strcasecmp(up->columns[i].name, name->text))
			return up->columns[i].name;
	names = arena_array(x->c->a, up->ncolumns + 1, sizeof(*names));
	for (i = 0; i < up->ncolumns; i++)
		names[i] = up->columns[i].name;
	d = diag_error(x->c->ds, x->c->src, name->span,
		       "column '%s' is not a column that pipeline '%s' writes", name->text,
		       up->name);
	note_table(x, d);
	if ((near = diag_closest(name->text, names, up->ncolumns)))
		diag_help(d, "did you mean '%s'?", near);
	else
		diag_help(d, "name a column of the pipeline's 'columns' (or of its aggregate)");
	return NULL;
}

/* The index in j->columns of the table's column `name` (added when new);
 * SIZE_MAX after reporting one the catalog table lacks. */
static size_t table_column(struct jctx *x, const struct ast_name *name)
{
	struct model_join *j = x->j;
	const struct catalog_column *cc = NULL;
	const char *spelled = name->text;
	size_t i;

	if (x->up) {
		if (!(spelled = pipeline_column(x, name)))
			return SIZE_MAX;
	} else if (x->t) {
		if (!(cc = catalog_column(x->t, name->text))) {
			struct diag *d = diag_error(x->c->ds, x->c->src, name->span,
						    "column '%s' is not in table '%s'", name->text,
						    x->qual);
			const char *near = closest_column(x, name->text);

			note_table(x, d);
			if (near)
				diag_help(d, "did you mean '%s'?", near);
			else
				diag_help(d, "name a column of the table; refresh the snapshot with 'pipec catalog pull' if it is new");
			return SIZE_MAX;
		}
		spelled = arena_strdup(x->c->a, cc->name);	/* the catalog is freed after the checks */
	}
	for (i = 0; i < j->ncolumns; i++)
		if (!strcasecmp(j->columns[i].name, spelled))
			return i;
	if (j->ncolumns == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 8;
		struct model_join_column *cols = arena_array(x->c->a, cap, sizeof(*cols));
		struct model_column *types = arena_array(x->c->a, cap, sizeof(*types));
		bool *typed = arena_array(x->c->a, cap, sizeof(*typed));

		if (j->ncolumns) {
			memcpy(cols, j->columns, j->ncolumns * sizeof(*cols));
			memcpy(types, x->types, j->ncolumns * sizeof(*types));
			memcpy(typed, x->typed, j->ncolumns * sizeof(*typed));
		}
		j->columns = cols;
		x->types = types;
		x->typed = typed;
		x->cap = cap;
	}
	i = j->ncolumns++;
	j->columns[i].name = spelled;
	j->columns[i].internal = arena_printf(x->c->a, "_pipec_j%zu_%s", x->index, spelled);
	x->typed[i] = false;
	if (cc && catalog_type(x->c, cc->type, name->span, &x->types[i]))
		x->typed[i] = true;
	if (x->up && catalog_type(x->c, model_find_column(x->up, spelled)->glue_type, name->span,
				  &x->types[i]))
		x->typed[i] = true;
	for (size_t k = 0; !cc && !x->up && k < x->nstated; k++)
		if (!strcasecmp(x->stated[k]->column.text, spelled) &&
		    check_column_type(x->c, x->stated[k]->type, &x->types[i])) {
			x->typed[i] = true;
			break;
		}
	j->columns[i].spark_type = x->typed[i] ? x->types[i].spark_type : NULL;
	return i;
}

/* check_expr's resolver of ALIAS.COLUMN */
static const char *dim_column(void *arg, const struct ast_name *col,
			      const struct model_column **type)
{
	struct jctx *x = arg;
	size_t i = table_column(x, col);

	if (i == SIZE_MAX)
		return NULL;
	*type = x->typed[i] ? &x->types[i] : NULL;
	return x->j->columns[i].internal;
}

/* ---- the table ---- */

static bool table_format(struct jctx *x, enum model_format fmt)
{
	const struct ast_join_line *l = x->format_line;
	int k;

	x->j->format = fmt;
	if (!l)
		return true;
	if (l->nitems != 1 || l->items[0].type || l->items[0].as.text) {
		diag_help(diag_error(x->c->ds, x->c->src, l->span, "'format' takes one word"),
			  "write 'format hive' or 'format iceberg'");
		return false;
	}
	k = check_ctx_word_index(l->items[0].column.text, format_words, 2);
	if (k < 0) {
		check_ctx_unknown(x->c, l->items[0].column.span, "table format",
				  l->items[0].column.text, format_words, 2);
		return false;
	}
	if ((x->t || x->up) && (k ? MF_ICEBERG : MF_HIVE) != fmt) {
		struct diag *d = diag_error(x->c->ds, x->c->src, l->span,
					    "table '%s' is %s table, not %s table", x->qual,
					    fmt == MF_ICEBERG ? "an Iceberg" : "a Hive",
					    fmt == MF_ICEBERG ? "a Hive" : "an Iceberg");
		note_table(x, d);
		diag_help(d, "leave 'format' out: it is taken from the %s",
			  x->up ? "pipeline's target" : "catalog");
		return false;
	}
	x->j->format = k ? MF_ICEBERG : MF_HIVE;
	/* read through Iceberg's GlueCatalog, under its naming rule */
	if (!x->t && !x->up && k &&
	    (!check_ctx_engine_name(x->c->ds, x->c->src, x->cl->u.join.name[0].span,
				    NAMES_GLUE_ICEBERG, "database", x->j->database) ||
	     !check_ctx_engine_name(x->c->ds, x->c->src, x->cl->u.join.name[1].span,
				    NAMES_GLUE_ICEBERG, "table name", x->j->table)))
		return false;
	return true;
}

/* The catalog's table, its kind deciding the format. */
static bool catalog_table_of(struct jctx *x, const char *db_name, const char *table,
			     struct span at)
{
	const struct catalog *cat = x->c->cat;
	const struct catalog_database *db = catalog_database(cat, db_name);
	struct diag *d;

	if (!db) {
		const char **names = arena_array(x->c->a, cat->databases.count + 1, sizeof(*names));
		const char *near;

		for (size_t i = 0; i < cat->databases.count; i++)
			names[i] = cat->databases.entries[i].key;
		near = diag_closest(db_name, names, cat->databases.count);
		d = diag_error(x->c->ds, x->c->src, at, "database '%s' is not in the catalog", db_name);
		if (near)
			diag_help(d, "did you mean '%s'?", near);
		else
			diag_help(d, "join an existing table; refresh the snapshot with 'pipec catalog pull' if it is new");
		return false;
	}
	if (!(x->t = catalog_table(db, table))) {
		const char **names = arena_array(x->c->a, db->tables.count + 1, sizeof(*names));
		const char *near;

		for (size_t i = 0; i < db->tables.count; i++)
			names[i] = db->tables.entries[i].key;
		near = diag_closest(table, names, db->tables.count);
		d = diag_error(x->c->ds, x->c->src, at, "table '%s' is not in the catalog", x->qual);
		if (near)
			diag_help(d, "did you mean '%s.%s'?", db_name, near);
		else
			diag_help(d, "a join reads an existing table; refresh the snapshot with 'pipec catalog pull' if it is new");
		return false;
	}
	if (x->t->type != CT_EXTERNAL && x->t->type != CT_MANAGED && x->t->type != CT_ICEBERG) {
		d = diag_error(x->c->ds, x->c->src, at, "table '%s' is a %s table", x->qual,
			       catalog_table_type_name(x->t->type));
		note_table(x, d);
		diag_help(d, "a join reads Hive (EXTERNAL, MANAGED) or Iceberg tables");
		x->t = NULL;
		return false;
	}
	if (x->t->type == CT_ICEBERG &&
	    (!check_ctx_engine_name(x->c->ds, x->c->src, x->cl->u.join.name[0].span,
				    NAMES_GLUE_ICEBERG, "database", db_name) ||
	     !check_ctx_engine_name(x->c->ds, x->c->src, x->cl->u.join.name[1].span,
				    NAMES_GLUE_ICEBERG, "table name", table)))
		return false;
	return table_format(x, x->t->type == CT_ICEBERG ? MF_ICEBERG : MF_HIVE);
}

/* join ... pipeline NAME: the table the upstream pipeline writes, its
 * columns and their types from its model (checked before this one). */
static bool upstream_table(struct jctx *x)
{
	const struct ast_clause *cl = x->cl;
	const struct model_target *t;
	struct diag *d;

	if (cl->u.join.nname != 1) {
		diag_help(diag_error(x->c->ds, x->c->src, cl->u.join.name_span,
				     "a joined pipeline is named by its name alone"),
			  "write: join left pipeline customers as c on ...");
		return false;
	}
	x->up = check_upstream_find(x->c, cl->u.join.name[0].text, cl->u.join.name_span,
				    "join ... pipeline");
	if (!x->up)
		return false;
	t = &x->up->target;
	if (t->kind == MT_S3TABLES || t->kind == MT_REDSHIFT) {
		d = diag_error(x->c->ds, x->c->src, cl->u.join.name_span,
			       "pipeline '%s' writes %s, which a join cannot read", x->up->name,
			       t->kind == MT_REDSHIFT ? "to Redshift" : "an S3 table");
		diag_note(d, x->up->src, t->span, "its target");
		diag_help(d, "a join reads an Iceberg or Parquet table of the Glue Data Catalog");
		return false;
	}
	if (!t->database || !t->table)
		return false;	/* reported with the upstream */
	x->j->database = t->database;
	x->j->table = t->table;
	x->j->upstream = x->up->name;
	x->qual = arena_printf(x->c->a, "%s.%s", t->database, t->table);
	return table_format(x, t->kind == MT_ICEBERG ? MF_ICEBERG : MF_HIVE);
}

/* Resolves the joined table to its database, table, format and (with a
 * catalog, or from the pipeline that writes it) columns: the one place a
 * join's kind of table is known. */
static bool resolve_table(struct jctx *x)
{
	const struct ast_clause *cl = x->cl;
	struct model_join *j = x->j;
	int k = check_ctx_word_index(cl->u.join.what.text, what_words, 2);

	if (k < 0) {
		check_ctx_unknown(x->c, cl->u.join.what.span, "kind of joined table",
				  cl->u.join.what.text, what_words, 2);
		return false;
	}
	if (k == 1)
		return upstream_table(x);
	if (cl->u.join.nname != 2) {
		diag_help(diag_error(x->c->ds, x->c->src, cl->u.join.name_span,
				     "a joined table is named DATABASE.TABLE"),
			  "write: join left table lake.customers as c on ...");
		return false;
	}
	j->database = cl->u.join.name[0].text;
	j->table = cl->u.join.name[1].text;
	x->qual = arena_printf(x->c->a, "%s.%s", j->database, j->table);
	if (x->c->cat)
		return catalog_table_of(x, j->database, j->table, cl->u.join.name_span);
	return table_format(x, MF_HIVE);
}

/* ---- the block ---- */

static bool block_lines(struct jctx *x)
{
	const struct ast_clause *cl = x->cl;
	const struct ast_join_line *broadcast = NULL;
	bool ok = true;
	size_t i, n = 0;

	for (i = 0; i < cl->u.join.nlines; i++)
		n += cl->u.join.lines[i].nitems;
	x->takes = arena_array(x->c->a, n + 1, sizeof(*x->takes));
	x->stated = arena_array(x->c->a, n + 1, sizeof(*x->stated));
	for (i = 0; i < cl->u.join.nlines; i++) {
		const struct ast_join_line *l = &cl->u.join.lines[i];
		const struct ast_join_line **seen = NULL;
		int k = check_ctx_word_index(l->key.text, line_words, 3);

		if (k < 0) {
			check_ctx_unknown(x->c, l->key.span, "join setting", l->key.text, line_words, 3);
			ok = false;
			continue;
		}
		if (k == 0) {
			if (!l->nitems) {
				diag_help(diag_error(x->c->ds, x->c->src, l->span, "'take' names no column"),
					  "write: take COLUMN [as NAME], ...");
				ok = false;
			}
			for (size_t m = 0; m < l->nitems; m++) {
				x->takes[x->ntakes++] = &l->items[m];
				if (l->items[m].type)
					x->stated[x->nstated++] = &l->items[m];
			}
			continue;
		}
		seen = k == 1 ? &broadcast : &x->format_line;
		if (*seen) {
			struct diag *d = diag_error(x->c->ds, x->c->src, l->span,
						    "'%s' is written twice", l->key.text);

			diag_note(d, x->c->src, (*seen)->span, "first written here");
			diag_help(d, "write it once");
			ok = false;
			continue;
		}
		*seen = l;
		if (k == 1 && l->nitems) {
			diag_help(diag_error(x->c->ds, x->c->src, l->items[0].span,
					     "'broadcast' takes nothing"),
				  "write 'broadcast' alone on its line");
			ok = false;
		}
	}
	x->broadcast = broadcast != NULL;
	return ok;
}

/* ---- the condition ---- */

/* Whether e names the joined table's columns (ALIAS.x) and the row's. */
static void refs(const struct ast_expr *e, const char *alias, bool *dim, bool *row)
{
	if (e->kind == AST_E_COLUMN) {
		if (e->name.nparts >= 2 && !strcmp(e->name.parts[0].text, alias))
			*dim = true;
		else
			*row = true;
	}
	for (size_t i = 0; i < e->nargs; i++)
		refs(e->args[i], alias, dim, row);
}

/* "`_pipec_j1_customer_id`" -> "customer_id": a key as messages show it. */
static const char *key_label(struct arena *a, const char *sql, size_t index)
{
	struct strbuf sb = STRBUF_INIT;
	char prefix[40];
	const char *s, *label;
	size_t n;

	n = (size_t)snprintf(prefix, sizeof(prefix), "`_pipec_j%zu_", index);
	for (s = sql; *s;) {
		if (!strncmp(s, prefix, n)) {
			strbuf_addch(&sb, '`');
			s += n;
		} else {
			strbuf_addch(&sb, *s++);
		}
	}
	/* a single `name` (no other backquote inside) reads better bare */
	if (sb.len > 2 && sb.buf[0] == '`' && sb.buf[sb.len - 1] == '`' &&
	    !memchr(sb.buf + 1, '`', sb.len - 2))
		label = arena_strndup(a, sb.buf + 1, sb.len - 2);
	else
		label = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return label;
}

/* Among the condition's top-level 'and' terms: the equalities between
 * the table's side and the row's (the equi-join keys), and the terms over
 * the table alone (which decide which of its rows can match at all). */
static void equi_keys(struct jctx *x, const struct ast_expr *e, const struct check_expr_dim *dim)
{
	bool d0 = false, r0 = false, d1 = false, r1 = false;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *ty;
	size_t side;

	if (e->kind == AST_E_BINARY && e->op == AST_OP_AND) {
		equi_keys(x, e->args[0], dim);
		equi_keys(x, e->args[1], dim);
		return;
	}
	refs(e, x->j->alias, &d0, &r0);
	if (d0 && !r0) {
		/* a term of the table alone filters the table's rows first */
		if (check_expr_join(x->c, e, dim, &a, &ty))
			x->j->dim_terms[x->j->ndim_terms++] = arena_strdup(x->c->a, a.buf);
		strbuf_release(&a);
		return;
	}
	d0 = r0 = false;
	if (e->kind != AST_E_BINARY || e->op != AST_OP_EQ)
		return;
	refs(e->args[0], x->j->alias, &d0, &r0);
	refs(e->args[1], x->j->alias, &d1, &r1);
	if (d0 && !r0 && r1 && !d1)
		side = 0;
	else if (d1 && !r1 && r0 && !d0)
		side = 1;
	else
		return;
	if (check_expr_join(x->c, e->args[side], dim, &a, &ty) &&
	    check_expr_join(x->c, e->args[1 - side], dim, &b, &ty)) {
		x->j->keys[x->j->nkeys].dim_sql = arena_strdup(x->c->a, a.buf);
		x->j->keys[x->j->nkeys].label = key_label(x->c->a, a.buf, x->index);
		x->j->keys[x->j->nkeys++].row_sql = arena_strdup(x->c->a, b.buf);
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

static size_t count_eq(const struct ast_expr *e)
{
	if (e->kind == AST_E_BINARY && e->op == AST_OP_AND)
		return count_eq(e->args[0]) + count_eq(e->args[1]);
	return 1;
}

static bool condition(struct jctx *x)
{
	const struct ast_expr *on = x->cl->u.join.on;
	struct check_expr_dim dim = { x->j->alias, dim_column, x };
	struct strbuf sql = STRBUF_INIT;
	const char *type;

	if (!check_expr_join(x->c, on, &dim, &sql, &type)) {
		strbuf_release(&sql);
		return false;
	}
	x->j->on_sql = arena_strdup(x->c->a, sql.buf);
	strbuf_release(&sql);
	if (type && strcmp(type, "boolean")) {
		diag_help(diag_error(x->c->ds, x->c->src, on->span,
				     "a join condition is a condition, not %s", type),
			  "compare the joined table's key with the row's: on %s.KEY = COLUMN",
			  x->j->alias);
		return false;
	}
	x->j->keys = arena_array(x->c->a, count_eq(on), sizeof(*x->j->keys));
	x->j->dim_terms = arena_array(x->c->a, count_eq(on), sizeof(*x->j->dim_terms));
	equi_keys(x, on, &dim);
	if (!x->j->nkeys) {
		diag_help(diag_error(x->c->ds, x->c->src, on->span,
				     "the join condition has no equality between a column of '%s' and the row",
				     x->qual),
			  "without one Spark compares every row with every row of the table (a nested loop join): add '%s.KEY = COLUMN' (with 'and')",
			  x->j->alias);
		return false;
	}
	return true;
}

/* ---- the names ---- */

static const struct model_column *row_column(const struct model_pipeline *mp, const char *name)
{
	for (size_t i = 0; i < mp->ncolumns; i++)
		if (!strcasecmp(mp->columns[i].name, name))
			return &mp->columns[i];
	return NULL;
}

static bool alias_ok(struct jctx *x)
{
	const struct ast_name *a = &x->cl->u.join.alias;
	const struct model_column *col = row_column(x->c->mp, a->text);
	struct diag *d;

	if (col) {
		d = diag_error(x->c->ds, x->c->src, a->span, "alias '%s' is also a column's name",
			       a->text);
		diag_note(d, x->c->src, col->span, "the column");
		diag_help(d, "choose another alias: in the condition, '%s.x' would be ambiguous",
			  a->text);
		return false;
	}
	for (size_t i = 0; i + 1 < x->index; i++)
		if (x->c->mp->joins[i].alias && !strcasecmp(x->c->mp->joins[i].alias, a->text)) {
			d = diag_error(x->c->ds, x->c->src, a->span, "alias '%s' names two joins",
				       a->text);
			diag_note(d, x->c->src, x->c->mp->joins[i].span, "the other join");
			diag_help(d, "give each join its own alias");
			return false;
		}
	x->j->alias = a->text;
	return true;
}

/* One taken column: in the table, of a known type, under a new name;
 * into taken[ntaken] (taken[0..ntaken) are this join's earlier ones). */
static bool take_one(struct jctx *x, const struct ast_take *t, struct model_column *taken,
		     size_t ntaken)
{
	struct model_pipeline *mp = x->c->mp;
	const struct ast_name *n = t->as.text ? &t->as : &t->column;
	const struct model_column *clash = row_column(mp, n->text);
	struct model_column *out = &taken[ntaken];
	size_t i;
	struct diag *d;

	for (i = 0; i < ntaken && !clash; i++)
		if (!strcasecmp(taken[i].name, n->text))
			clash = &taken[i];
	if (clash) {
		d = diag_error(x->c->ds, x->c->src, n->span, clash->joined == x->j
				? "column '%s' is taken twice" : "the pipeline already has a column '%s'",
			       n->text);
		diag_note(d, x->c->src, clash->span, "first here");
		diag_help(d, "take it under another name: take %s as %s_%s", t->column.text,
			  x->j->alias, t->column.text);
		return false;
	}
	if ((i = table_column(x, &t->column)) == SIZE_MAX)
		return false;
	if (!x->typed[i]) {
		if (x->up)
			d = diag_error(x->c->ds, x->c->src, t->column.span,
				       "column '%s' of pipeline '%s' has type %s, which a join cannot take",
				       t->column.text, x->up->name,
				       model_find_column(x->up, x->j->columns[i].name)->spark_type);
		else if (x->t)
			d = diag_error(x->c->ds, x->c->src, t->column.span,
				       "column '%s' of table '%s' has type %s, which a join cannot take",
				       t->column.text, x->qual, catalog_column(x->t, t->column.text)->type);
		else
			d = diag_error(x->c->ds, x->c->src, t->column.span,
				       "the type of '%s.%s' is unknown without a catalog snapshot",
				       x->qual, t->column.text);
		diag_help(d, x->t || x->up ? "take the table's columns of scalar types (string, numbers, date, timestamp, boolean, binary)"
				  : "check against a catalog snapshot (--catalog FILE, or the environment's 'catalog'), or state the type: 'take COLUMN TYPE'");
		return false;
	}
	if ((x->t || x->up) && t->type) {
		struct model_column stated;

		memset(&stated, 0, sizeof(stated));
		if (check_column_type(x->c, t->type, &stated) &&
		    strcmp(stated.spark_type, x->types[i].spark_type)) {
			d = diag_error(x->c->ds, x->c->src, t->type->span,
				       "column '%s' is %s in %s '%s', not %s", t->column.text,
				       x->types[i].spark_type, x->up ? "pipeline" : "table",
				       x->up ? x->up->name : x->qual, stated.spark_type);
			note_table(x, d);
			diag_help(d, "leave the type out: it is taken from the %s",
				  x->up ? "pipeline's columns" : "catalog");
			return false;
		}
	}
	*out = x->types[i];
	out->name = n->text;
	out->span = t->span;
	out->source_field = NULL;
	out->joined = x->j;
	out->joined_column = x->j->columns[i].name;
	return true;
}

static void take_all(struct jctx *x)
{
	struct model_pipeline *mp = x->c->mp;
	size_t first = mp->ncolumns, n = 0;

	for (size_t i = 0; i < x->ntakes; i++)
		if (take_one(x, x->takes[i], &mp->columns[first], n))
			n++;
	mp->ncolumns += n;
	mp->njoined += n;
}

static void join_one(struct check_ctx *c, const struct ast_clause *cl, size_t index)
{
	struct model_pipeline *mp = c->mp;
	struct jctx x;
	int how = check_ctx_word_index(cl->u.join.how.text, how_words, 2);

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.cl = cl;
	x.index = index;
	x.j = &mp->joins[index - 1];
	memset(x.j, 0, sizeof(*x.j));
	x.j->span = cl->span;
	if (how < 0) {
		check_ctx_unknown(c, cl->u.join.how.span, "join", cl->u.join.how.text, how_words, 2);
		return;
	}
	x.j->inner = how == 1;
	if (!block_lines(&x) || !alias_ok(&x) || !resolve_table(&x))
		return;
	x.j->broadcast = x.broadcast;
	if (!condition(&x))
		return;
	take_all(&x);
	x.j->arg_table = arena_printf(c->a, "join%zu_table", index);
	if (x.j->format == MF_HIVE)
		x.j->arg_database = arena_printf(c->a, "join%zu_database", index);
	mp->njoins = index;
}

void check_joins(struct check_ctx *c, const struct ast_clause *clauses, size_t n)
{
	struct model_pipeline *mp = c->mp;
	struct model_column *cols;
	size_t njoins = 0, ntakes = 0, i, k;

	for (i = 0; i < n; i++) {
		if (clauses[i].kind != AST_JOIN)
			continue;
		njoins++;
		for (k = 0; k < clauses[i].u.join.nlines; k++)
			ntakes += clauses[i].u.join.lines[k].nitems;
	}
	if (!njoins || !mp->columns)
		return;
	cols = arena_array(c->a, mp->ncolumns + ntakes + 1, sizeof(*cols));
	memcpy(cols, mp->columns, mp->ncolumns * sizeof(*cols));
	mp->columns = cols;
	mp->joins = arena_array(c->a, njoins, sizeof(*mp->joins));
	for (i = 0, k = 0; i < n; i++)
		if (clauses[i].kind == AST_JOIN) {
			size_t before = c->ds->nerrors;

			join_one(c, &clauses[i], ++k);
			if (c->ds->nerrors != before)
				break;	/* a later join may use this one's columns */
		}
}
