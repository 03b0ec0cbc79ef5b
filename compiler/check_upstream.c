#include "check_upstream.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"
#include "strmap.h"
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

/* The NAME of a join clause's `join HOW pipeline NAME`, or NULL. */
static const char *join_pipeline_name(const struct ast_clause *cl)
{
	if (cl->kind != AST_JOIN || strcmp(cl->u.join.what.text, "pipeline") ||
	    cl->u.join.nname != 1)
		return NULL;
	return cl->u.join.name[0].text;
}

const char **check_upstream_names(const struct ast_item *it, struct arena *a, size_t *n)
{
	const char **out = arena_array(a, it->nclauses + 1, sizeof(*out));
	const char *up = check_upstream_name(it);
	size_t i;

	*n = 0;
	if (up)
		out[(*n)++] = up;
	for (i = 0; i < it->nclauses; i++)
		if ((up = join_pipeline_name(&it->clauses[i])))
			out[(*n)++] = up;
	return out;
}

/* "a -> b -> c -> a" for the loop members[0..len), read from member k on:
 * each pipeline of a loop sees it from itself. */
static const char *loop_text(const char *const *names, const size_t *members, size_t len,
			     size_t k, struct arena *a)
{
	struct strbuf sb = STRBUF_INIT;
	const char *text;
	size_t m;

	for (m = 0; m < len; m++)
		strbuf_addf(&sb, "%s -> ", names[members[(k + m) % len]]);
	strbuf_addstr(&sb, names[members[k]]);
	text = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return text;
}

/* A depth-first walk from each pipeline not yet placed, in file order,
 * along the names it reads; a pipeline is placed once everything it reads
 * is.  A name met again on the walk closes a loop: its members get it. */
void check_upstream_order(const char *const *names, const char *const *const *ups,
			  const size_t *nups, size_t n, const size_t *start, struct arena *a,
			  size_t *order, const char **cycle)
{
	unsigned char *state = xcalloc(n + 1, 1);	/* 0 new, 1 on the walk, 2 placed */
	size_t *stack = xcalloc(n + 1, sizeof(*stack));
	size_t *next = xcalloc(n + 1, sizeof(*next));	/* the next name to follow */
	size_t *depth = xcalloc(n + 1, sizeof(*depth));	/* where on the walk */
	struct strmap index;
	size_t placed = 0, i;

	strmap_init(&index);
	for (i = 0; i < n; i++) {
		cycle[i] = NULL;
		if (!strmap_get(&index, names[i]))
			strmap_put(&index, names[i], (void *)(uintptr_t)(i + 1));
	}
	for (size_t s = 0; s < n; s++) {
		size_t top = 0;

		i = start ? start[s] : s;
		if (state[i])
			continue;
		stack[top++] = i;
		state[i] = 1;
		next[i] = 0;
		while (top) {
			size_t v = stack[top - 1], w;

			if (next[v] == nups[v]) {
				state[v] = 2;
				order[placed++] = v;
				top--;
				continue;
			}
			w = (size_t)(uintptr_t)strmap_get(&index, ups[v][next[v]++]);
			if (!w-- || w == v)
				continue;	/* unknown or itself: reported by the check */
			if (state[w] == 0) {
				state[w] = 1;
				next[w] = 0;
				depth[w] = top;
				stack[top++] = w;
			} else if (state[w] == 1) {
				for (size_t k = depth[w]; k < top; k++)
					if (!cycle[stack[k]])
						cycle[stack[k]] = loop_text(names, stack + depth[w],
									    top - depth[w],
									    k - depth[w], a);
			}
		}
	}
	strmap_release(&index);
	free(state);
	free(stack);
	free(next);
	free(depth);
}

const struct model_pipeline *check_upstream_find(struct check_ctx *c, const char *name,
						 struct span at, const char *clause)
{
	int j;
	struct diag *d;

	if (!strcmp(name, c->mp->name)) {
		diag_help(diag_error(c->ds, c->src, at, "pipeline '%s' cannot read its own target",
				     name),
			  "name the upstream pipeline whose table it reads");
		return NULL;
	}
	j = check_ctx_word_index(name, c->pipeline_names, c->npipeline_names);
	if (j < 0) {
		const char *near = diag_closest(name, c->pipeline_names, c->npipeline_names);

		d = diag_error(c->ds, c->src, at, "unknown pipeline '%s'", name);
		if (near)
			diag_help(d, "did you mean '%s'?", near);
		else
			diag_help(d, "'%s' names a pipeline defined in the project", clause);
		return NULL;
	}
	if (c->pipelines_ready[j])
		return c->pipelines_ready[j];
	if (c->upstream_cycle && c->pipeline_cycles[j])
		diag_help(diag_error(c->ds, c->src, at,
				     "pipelines read each other's tables in a loop: %s",
				     c->upstream_cycle),
			  "a pipeline reads the table of one that runs before it; one of "
			  "these must read its source directly");
	else	/* the upstream has errors of its own, reported there */
		c->upstream_failed = true;
	return NULL;
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

	if (cl->u.endpoint.nargs != 1 || arg->kind != AST_VAL_NAME || arg->u.name.nparts != 1) {
		diag_help(diag_error(c->ds, c->src, cl->span,
				     "a pipeline source names a pipeline of the project"),
			  "write: source pipeline events_bronze");
		return;
	}
	ms->upstream = arg->u.name.parts[0].text;
	ms->table_span = ms->part_spans[0] = ms->part_spans[1] = arg->span;
	c->upstream = check_upstream_find(c, ms->upstream, arg->span, "source pipeline");
	if (c->upstream)
		read_upstream_target(c, arg, c->upstream, ms);
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
