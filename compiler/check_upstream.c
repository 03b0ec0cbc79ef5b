#include "check_upstream.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"
#include "xalloc.h"

const char *check_upstream_name(const struct ast_item *it)
{
	size_t i;

	for (i = 0; i < it->nclauses; i++) {
		const struct ast_clause *cl = &it->clauses[i];

		if (cl->kind != AST_SOURCE)
			continue;
		if (strcmp(cl->u.endpoint.kind.text, "pipeline") || cl->u.endpoint.nargs != 1 ||
		    cl->u.endpoint.args[0].kind != AST_VAL_NAME ||
		    cl->u.endpoint.args[0].u.name.nparts != 1)
			return NULL;
		return cl->u.endpoint.args[0].u.name.parts[0].text;
	}
	return NULL;
}

static size_t index_of(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return n;
}

/* Each pipeline has at most one upstream: from each pipeline not yet
 * placed, walk up the chain until a placed pipeline, none, or a pipeline
 * already on the walk (a loop), then place the walk from its top down. */
void check_upstream_order(const char *const *names, const char *const *ups, size_t n,
			  struct arena *a, size_t *order, const char **cycle)
{
	unsigned char *state = xcalloc(n + 1, 1);	/* 0 new, 1 on the walk, 2 placed */
	size_t *walk = xcalloc(n + 1, sizeof(*walk));
	size_t placed = 0, i;

	for (i = 0; i < n; i++)
		cycle[i] = NULL;
	for (i = 0; i < n; i++) {
		size_t len = 0, v = i;

		while (v < n && state[v] == 0) {
			state[v] = 1;
			walk[len++] = v;
			v = ups[v] ? index_of(names, n, ups[v]) : n;
		}
		if (v < n && state[v] == 1) {
			/* walk[from..len) is a loop: v -> ... -> v */
			struct strbuf sb = STRBUF_INIT;
			size_t from = 0, k;

			while (walk[from] != v)
				from++;
			for (k = from; k < len; k++)
				/* each pipeline of the loop sees it from itself */
			for (k = from; k < len; k++) {
				size_t m;

				strbuf_reset(&sb);
				for (m = 0; m < len - from; m++)
					strbuf_addf(&sb, "%s -> ",
						    names[walk[from + (k - from + m) % (len - from)]]);
				strbuf_addstr(&sb, names[walk[k]]);
				cycle[walk[k]] = arena_strdup(a, sb.buf);
			}
			strbuf_release(&sb);
		}
		while (len) {
			v = walk[--len];
			state[v] = 2;
			order[placed++] = v;
		}
	}
	free(state);
	free(walk);
}

/* "pipeline 'x' writes a, b and c; ..." (the first 12 columns) */
static void help_columns(struct diag *d, const struct model_pipeline *up, bool renamed)
{
	const char *names[13];
	struct strbuf sb = STRBUF_INIT;
	size_t n = up->ncolumns < 12 ? up->ncolumns : 12, i;

	for (i = 0; i < n; i++)
		names[i] = up->columns[i].name;
	check_ctx_join_words(&sb, names, n, " and ");
	diag_help(d, "pipeline '%s' writes %s%s; %s", up->name, sb.buf,
		  n < up->ncolumns ? ", ..." : "",
		  renamed ? "name one of them in 'from'"
			  : "read one of them with 'from \"COLUMN\"'");
	strbuf_release(&sb);
}

/* Each declared column read from the source is a column the upstream writes. */
static void check_columns_against(struct check_ctx *c, const struct model_pipeline *up)
{
	const char **have = xcalloc(up->ncolumns + 1, sizeof(*have));
	size_t i, j;

	for (j = 0; j < up->ncolumns; j++)
		have[j] = up->columns[j].name;
	for (i = 0; i < c->mp->ncolumns; i++) {
		const struct model_column *col = &c->mp->columns[i];
		const char *field = col->source_field ? col->source_field : col->name;
		size_t toplen = strcspn(field, ".");
		struct diag *d;
		const char *near;
		char *top;

		if (col->derived_sql || col->joined)
			continue;	/* computed by the job or taken from a join, not read */
		for (j = 0; j < up->ncolumns; j++)
			if (strlen(have[j]) == toplen && !strncmp(have[j], field, toplen))
				break;
		if (j < up->ncolumns)
			continue;
		top = xstrndup(field, toplen);
		d = diag_error(c->ds, c->src, col->from_span.end ? col->from_span : col->span,
			       "field '%s' is not a column that pipeline '%s' writes", top, up->name);
		near = diag_closest(top, have, up->ncolumns);
		if (near)
			diag_help(d, "did you mean '%s'?", near);
		else
			help_columns(d, up, col->renamed);
		diag_note(d, up->src, up->span, "pipeline '%s' is defined here", up->name);
		free(top);
	}
	free(have);
}

/* The upstream's target, as a catalog table to read. */
static void read_upstream_target(struct check_ctx *c, const struct ast_value *arg,
				 const struct model_pipeline *up, struct model_source *ms)
{
	const struct model_target *t = &up->target;
	struct diag *d;

	if (t->kind == MT_S3TABLES || t->kind == MT_REDSHIFT) {
		d = diag_error(c->ds, c->src, arg->span,
			       "pipeline '%s' writes %s, which a pipeline source cannot read",
			       up->name, t->kind == MT_REDSHIFT ? "to Redshift" : "an S3 table");
		diag_note(d, up->src, t->span, "its target");
		diag_help(d, "a pipeline source reads an Iceberg or Parquet table of the Glue "
			     "Data Catalog");
		return;
	}
	if (!t->database || !t->table)
		return;
	ms->database = t->database;
	ms->table = t->table;
	ms->table_format = t->kind == MT_ICEBERG ? MF_ICEBERG : MF_HIVE;
	ms->table_format_stated = true;
	check_columns_against(c, up);
}

void check_upstream_source(struct check_ctx *c, const struct ast_clause *cl,
			   struct model_source *ms)
{
	const struct ast_value *arg = cl->u.endpoint.args;
	const char *name;
	struct diag *d;

	if (cl->u.endpoint.nargs != 1 || arg->kind != AST_VAL_NAME || arg->u.name.nparts != 1) {
		diag_help(diag_error(c->ds, c->src, cl->span,
				     "a pipeline source names a pipeline of the project"),
			  "write: source pipeline events_bronze");
		return;
	}
	name = arg->u.name.parts[0].text;
	ms->upstream = name;
	ms->table_span = ms->part_spans[0] = ms->part_spans[1] = arg->span;
	if (!strcmp(name, c->mp->name)) {
		diag_help(diag_error(c->ds, c->src, arg->span,
				     "pipeline '%s' cannot read its own target", name),
			  "name the upstream pipeline whose table it reads");
	} else if (check_ctx_word_index(name, c->pipeline_names, c->npipeline_names) < 0) {
		d = diag_error(c->ds, c->src, arg->span, "unknown pipeline '%s'", name);
		if (diag_closest(name, c->pipeline_names, c->npipeline_names))
			diag_help(d, "did you mean '%s'?",
				  diag_closest(name, c->pipeline_names, c->npipeline_names));
		else
			diag_help(d, "'source pipeline' names a pipeline defined in the project");
	} else if (c->upstream_cycle) {
		diag_help(diag_error(c->ds, c->src, arg->span,
				     "pipelines read each other's tables in a loop: %s",
				     c->upstream_cycle),
			  "a pipeline reads the table of one that runs before it; one of "
			  "these must read its source directly");
	} else if (c->upstream) {
		read_upstream_target(c, arg, c->upstream, ms);
	}
	/* else the upstream has errors of its own, reported there */
}

void check_upstream_schedule(struct check_ctx *c, bool has_schedule)
{
	struct model_schedule *s = &c->mp->schedule;

	if (has_schedule || !c->upstream || !c->mp->source.upstream)
		return;
	s->kind = MSCH_AFTER;
	s->after = arena_array(c->a, 2, sizeof(*s->after));
	s->after[0] = c->upstream->name;
	s->nafter = 1;
	s->after_any = false;
}
