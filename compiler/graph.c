/*
 * graph: the model as nodes and edges (see graph.h); the renderers are in
 * graph_render.c.
 */
#include "graph.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void graph_init(struct graph *g)
{
	memset(g, 0, sizeof(*g));
}

void graph_release(struct graph *g)
{
	size_t i;

	for (i = 0; i < g->nnodes; i++) {
		struct graph_node *n = &g->nodes[i];

		free(n->id);
		free(n->key);
		free(n->label);
		free(n->type);
		free(n->detail);
		free(n->schedule);
		free(n->mode);
		free(n->file);
		free(n->description);
	}
	for (i = 0; i < g->nedges; i++)
		free(g->edges[i].label);
	free(g->nodes);
	free(g->edges);
	graph_init(g);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The node of key, added (with kind and label) when there is none yet. */
static size_t node_get(struct graph *g, enum graph_node_kind kind, const char *key,
		       const char *label)
{
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		if (!strcmp(g->nodes[i].key, key))
			return i;
	XGROW(g->nodes, g->nodes_alloc, g->nnodes + 1);
	memset(&g->nodes[g->nnodes], 0, sizeof(g->nodes[0]));
	g->nodes[g->nnodes].kind = kind;
	g->nodes[g->nnodes].key = xstrdup(key);
	g->nodes[g->nnodes].label = xstrdup(label);
	g->nodes[g->nnodes].keep = true;
	return g->nnodes++;
}

static void edge_add(struct graph *g, size_t from, size_t to, enum graph_edge_kind kind,
		     const char *label)
{
	size_t i;

	for (i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (e->from == from && e->to == to && e->kind == kind &&
		    !strcmp(e->label ? e->label : "", label ? label : ""))
			return;
	}
	XGROW(g->edges, g->edges_alloc, g->nedges + 1);
	g->edges[g->nedges].from = from;
	g->edges[g->nedges].to = to;
	g->edges[g->nedges].kind = kind;
	g->edges[g->nedges].label = dup_or_null(label);
	g->edges[g->nedges].keep = true;
	g->nedges++;
}

/* A Glue catalog table (a table source, a join, an Iceberg or Parquet
 * target): one node per DB.TABLE. */
static size_t table_node(struct graph *g, const char *catalog, const char *scope,
			 const char *database, const char *table)
{
	struct strbuf key = STRBUF_INIT, label = STRBUF_INIT;
	size_t n;

	strbuf_addf(&key, "%s:%s%s%s.%s", catalog, scope ? scope : "", scope ? "/" : "", database,
		    table);
	strbuf_addf(&label, "%s.%s", database, table);
	n = node_get(g, GRAPH_TABLE, key.buf, label.buf);
	if (!g->nodes[n].detail)
		g->nodes[n].detail = xstrdup(catalog);
	strbuf_release(&key);
	strbuf_release(&label);
	return n;
}

/* The text a source's node shows, and its format or engine. */
static void source_label(const struct model_source *s, struct strbuf *label, const char **detail)
{
	*detail = NULL;
	switch (s->kind) {
	case MS_FILE:
		strbuf_addstr(label, s->local_path ? s->local_path : s->path);
		*detail = model_format_name(s->format);
		break;
	case MS_S3:
		strbuf_addstr(label, s->path_template ? s->path_template : s->path);
		*detail = model_format_name(s->format);
		break;
	case MS_JDBC:
	case MS_SNOWFLAKE:
	case MS_BIGQUERY:
		if (s->connection)
			strbuf_addf(label, "%s: ", s->connection);
		if (s->kind == MS_SNOWFLAKE && s->sf_database)
			strbuf_addf(label, "%s.%s%s", s->sf_database,
				    s->sf_schema ? s->sf_schema : "", s->sf_schema ? "." : "");
		strbuf_addstr(label, s->table ? s->table : "query");
		if (s->kind == MS_JDBC)
			*detail = model_jdbc_engine_name(s->engine);
		break;
	case MS_DYNAMODB:
		strbuf_addstr(label, s->table_arn ? s->table_arn : "?");
		*detail = s->ddb_export ? "export" : "scan";
		break;
	case MS_TABLE:
		strbuf_addstr(label, s->table ? s->table : "?");
		break;
	}
	if (*detail && !strcmp(*detail, "none"))
		*detail = NULL;
}

/* The node a pipeline's source is: a catalog table, or a source node. */
static size_t source_node(struct graph *g, const struct model_source *s)
{
	struct strbuf key = STRBUF_INIT, label = STRBUF_INIT;
	const char *detail;
	size_t n;

	if (s->kind == MS_TABLE) {
		n = table_node(g, "glue", NULL, s->database, s->table);
		if (!g->nodes[n].type)
			g->nodes[n].type = xstrdup(model_format_name(s->table_format));
		return n;
	}
	source_label(s, &label, &detail);
	strbuf_addf(&key, "source:%s:%s", model_source_kind_name(s->kind), label.buf);
	if (s->query)
		strbuf_addf(&key, ":%s", s->query);
	n = node_get(g, GRAPH_SOURCE, key.buf, label.buf);
	if (!g->nodes[n].type) {
		g->nodes[n].type = xstrdup(model_source_kind_name(s->kind));
		g->nodes[n].detail = dup_or_null(detail);
	}
	strbuf_release(&key);
	strbuf_release(&label);
	return n;
}

/* The node of the table a target writes. */
static size_t target_node(struct graph *g, const struct model_target *t)
{
	size_t n;

	if (t->kind == MT_S3TABLES)
		n = table_node(g, "s3tables", t->table_bucket, t->database, t->table);
	else if (t->kind == MT_REDSHIFT)
		n = table_node(g, "redshift", t->connection, t->database, t->table);
	else if (t->database && t->table)
		n = table_node(g, "glue", NULL, t->database, t->table);
	else {
		struct strbuf key = STRBUF_INIT;

		strbuf_addf(&key, "s3:%s", t->location ? t->location : "?");
		n = node_get(g, GRAPH_TABLE, key.buf, t->location ? t->location : "?");
		if (!g->nodes[n].detail)
			g->nodes[n].detail = xstrdup("s3");
		strbuf_release(&key);
	}
	/* the writer decides the kind a reader guessed */
	free(g->nodes[n].type);
	g->nodes[n].type = xstrdup(model_target_kind_name(t->kind));
	return n;
}

/* The schedule as written: `every D` is kept from the .pipe text. */
static char *schedule_text(const struct model_pipeline *p)
{
	const struct model_schedule *s = &p->schedule;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	switch (s->kind) {
	case MSCH_ON_DEMAND:
		strbuf_addstr(&sb, "on demand");
		break;
	case MSCH_S3_EVENT:
		strbuf_addstr(&sb, "on s3 event");
		break;
	case MSCH_AFTER:
		strbuf_addstr(&sb, "after ");
		for (i = 0; i < s->nafter; i++)
			strbuf_addf(&sb, "%s%s", i ? (s->after_any ? " or " : " and ") : "",
				    s->after[i]);
		break;
	case MSCH_CRON: {
		const char *t = NULL;
		size_t len = 0;

		if (p->src && s->span.end > s->span.start && s->span.end <= p->src->len) {
			t = p->src->text + s->span.start;
			len = s->span.end - s->span.start;
		}
		if (t && len > 15 && !strncmp(t, "schedule every ", 15) &&
		    !memchr(t, '\n', len)) {
			/* its words, one space apart */
			for (i = 9; i < len; i++) {
				bool blank = t[i] == ' ' || t[i] == '\t';

				if (!blank)
					strbuf_addch(&sb, t[i]);
				else if (sb.len && sb.buf[sb.len - 1] != ' ')
					strbuf_addch(&sb, ' ');
			}
			if (sb.len && sb.buf[sb.len - 1] == ' ')
				strbuf_setlen(&sb, sb.len - 1);
		} else {
			strbuf_addstr(&sb, s->cron ? s->cron : "cron");
		}
		break;
	}
	}
	return strbuf_detach(&sb, NULL);
}

/* The pipeline's file relative to the project root (root as spelt from
 * the working directory), so that the graph does not depend on it. */
static char *project_file(const char *root, const char *file)
{
	size_t n = root ? strlen(root) : 0;

	if (!file)
		return NULL;
	if (n && strcmp(root, ".") && !strncmp(file, root, n) && file[n] == '/')
		file += n + 1;
	while (!strncmp(file, "./", 2))
		file += 2;
	return xstrdup(file);
}

static void add_pipeline(struct graph *g, const struct model_pipeline *p, const char *root)
{
	struct strbuf key = STRBUF_INIT;
	struct graph_node *node;
	size_t n, j;

	strbuf_addf(&key, "pipeline:%s", p->name);
	n = node_get(g, GRAPH_PIPELINE, key.buf, p->name);
	strbuf_release(&key);
	node = &g->nodes[n];
	node->schedule = schedule_text(p);
	node->mode = xstrdup(model_mode_name(p->mode));
	node->file = project_file(root, p->file);
	node->description = dup_or_null(p->description);
	edge_add(g, source_node(g, &p->source), n, GRAPH_READS, NULL);
	edge_add(g, n, target_node(g, &p->target), GRAPH_WRITES, NULL);
	for (j = 0; j < p->njoins; j++) {
		const struct model_join *jn = &p->joins[j];
		struct strbuf label = STRBUF_INIT;

		strbuf_addf(&label, "%s join %s", jn->inner ? "inner" : "left", jn->alias);
		edge_add(g, table_node(g, "glue", NULL, jn->database, jn->table), n, GRAPH_JOINS,
			 label.buf);
		strbuf_release(&label);
	}
}

/* `after` edges: from each upstream to the pipeline that waits for it. */
static void add_after(struct graph *g, const struct model_pipeline *p)
{
	size_t j, n = graph_find_pipeline(g, p->name);

	if (p->schedule.kind != MSCH_AFTER)
		return;
	for (j = 0; j < p->schedule.nafter; j++) {
		size_t up = graph_find_pipeline(g, p->schedule.after[j]);

		if (up != (size_t)-1)
			edge_add(g, up, n, GRAPH_AFTER, p->schedule.after_any ? "ANY" : "AND");
	}
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A Mermaid and DOT safe identifier: a kind letter, the label's letters
 * and digits (others as '_', at most 48), and, when that lost anything, a
 * hash of the key. */
static char *make_id(const struct graph_node *n)
{
	static const char prefix[] = { [GRAPH_SOURCE] = 's', [GRAPH_PIPELINE] = 'p',
				       [GRAPH_TABLE] = 't' };
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	bool lossy = n->kind != GRAPH_PIPELINE;

	strbuf_addch(&sb, prefix[n->kind]);
	strbuf_addch(&sb, '_');
	for (s = n->label; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_';

		if (sb.len >= 50) {
			lossy = true;
			break;
		}
		if (!ok)
			lossy = true;
		strbuf_addch(&sb, ok ? (char)c : '_');
	}
	if (lossy)
		strbuf_addf(&sb, "_%08x", (unsigned)fnv1a(n->key));
	return strbuf_detach(&sb, NULL);
}

static const struct graph_node *sort_nodes;

static int node_cmp(const void *a, const void *b)
{
	return strcmp(sort_nodes[*(const size_t *)a].id, sort_nodes[*(const size_t *)b].id);
}

static int edge_cmp(const void *a, const void *b)
{
	const struct graph_edge *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->label ? x->label : "", y->label ? y->label : "");
}

/* Ids, then nodes sorted by id (edges renumbered) and edges sorted. */
static void finish(struct graph *g)
{
	size_t *order = xcalloc(g->nnodes + 1, sizeof(*order));
	size_t *where = xcalloc(g->nnodes + 1, sizeof(*where));
	struct graph_node *sorted = xcalloc(g->nnodes + 1, sizeof(*sorted));
	size_t i;

	for (i = 0; i < g->nnodes; i++) {
		g->nodes[i].id = make_id(&g->nodes[i]);
		order[i] = i;
	}
	sort_nodes = g->nodes;
	qsort(order, g->nnodes, sizeof(*order), node_cmp);
	sort_nodes = NULL;
	for (i = 0; i < g->nnodes; i++) {
		sorted[i] = g->nodes[order[i]];
		where[order[i]] = i;
	}
	for (i = 0; i < g->nedges; i++) {
		g->edges[i].from = where[g->edges[i].from];
		g->edges[i].to = where[g->edges[i].to];
	}
	free(g->nodes);
	g->nodes = sorted;
	g->nodes_alloc = g->nnodes + 1;
	if (g->nedges)
		qsort(g->edges, g->nedges, sizeof(*g->edges), edge_cmp);
	free(order);
	free(where);
}

void graph_build(struct graph *g, const struct model_project *m)
{
	size_t i;

	for (i = 0; i < m->npipelines; i++)
		add_pipeline(g, &m->pipelines[i], m->root);
	for (i = 0; i < m->npipelines; i++)
		add_after(g, &m->pipelines[i]);
	finish(g);
}

size_t graph_find_pipeline(const struct graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].kind == GRAPH_PIPELINE && !strcmp(g->nodes[i].label, name))
			return i;
	return (size_t)-1;
}

/* With neighbours: the pipelines one edge (after) or one table away from
 * a picked one join the picked. */
static bool *widen(const struct graph *g, const bool *pick)
{
	bool *out = xcalloc(g->nnodes + 1, sizeof(*out));
	bool *near = xcalloc(g->nnodes + 1, sizeof(*near));
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		out[i] = near[i] = pick[i] && g->nodes[i].kind == GRAPH_PIPELINE;
	/* the tables and pipelines next to a picked pipeline */
	for (i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (out[e->from] && g->nodes[e->to].kind != GRAPH_SOURCE)
			near[e->to] = true;
		if (out[e->to] && g->nodes[e->from].kind != GRAPH_SOURCE)
			near[e->from] = true;
	}
	/* and the pipelines next to those tables */
	for (i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (near[e->from] && g->nodes[e->from].kind == GRAPH_TABLE)
			near[e->to] = true;
		if (near[e->to] && g->nodes[e->to].kind == GRAPH_TABLE)
			near[e->from] = true;
	}
	for (i = 0; i < g->nnodes; i++)
		out[i] = near[i] && g->nodes[i].kind == GRAPH_PIPELINE;
	free(near);
	return out;
}

void graph_select(struct graph *g, const bool *pick, bool neighbours)
{
	bool *sel = neighbours ? widen(g, pick) : NULL;
	const bool *p = sel ? sel : pick;
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		g->nodes[i].keep = p[i] && g->nodes[i].kind == GRAPH_PIPELINE;
	for (i = 0; i < g->nedges; i++) {
		struct graph_edge *e = &g->edges[i];
		bool from = p[e->from] && g->nodes[e->from].kind == GRAPH_PIPELINE;
		bool to = p[e->to] && g->nodes[e->to].kind == GRAPH_PIPELINE;

		e->keep = from || to;
	}
	for (i = 0; i < g->nedges; i++)
		if (g->edges[i].keep)
			g->nodes[g->edges[i].from].keep = g->nodes[g->edges[i].to].keep = true;
	free(sel);
}

size_t graph_count_pipelines(const struct graph *g)
{
	size_t i, n = 0;

	for (i = 0; i < g->nnodes; i++)
		n += g->nodes[i].keep && g->nodes[i].kind == GRAPH_PIPELINE;
	return n;
}
