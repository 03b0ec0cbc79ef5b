#include "check.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check_chain.h"
#include "check_ctx.h"
#include "check_convert.h"
#include "check_expr.h"
#include "check_ctx.h"
#include "check_glue.h"
#include "check_job.h"
#include "check_join.h"
#include "check_mode.h"
#include "check_schedule.h"
#include "check_schema.h"
#include "check_source.h"
#include "check_target.h"
#include "check_upstream.h"
#include "check_validate.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"

static bool has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* ---- pipelines ---- */

/* A pipeline of the project.  item and schedule point into its file's
 * tree, which is released after the file's last pipeline is checked; what
 * the later project-wide checks need is copied: its name and its `after`
 * names (texts and spans). */
struct pipe_ref {
	const struct ast_item *item;
	struct ast_file *file;
	size_t seq;				/* position in file order */
	struct ast_name name;
	const struct ast_clause *schedule;	/* NULL: none in the pipeline */
	const struct ast_name *after;		/* schedule after A, B: copies */
	size_t nafter;
	const struct file_defaults *defaults;
	bool syntax_errors;			/* it did not parse: names only */
	size_t errors;				/* errors reported while checking it */
};

static bool valid_pipeline_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* A file's defaults { }, checked once; clauses with errors are not applied. */
struct file_defaults {
	const struct ast_item *item;
	bool bad[AST_JOB + 1];
};

static void check_defaults_item(struct check_ctx *c, const struct ast_item *it,
				struct file_defaults *fd)
{
	struct model_pipeline dummy;
	size_t i, j;

	memset(&dummy, 0, sizeof(dummy));
	dummy.name = "defaults";
	dummy.validation.fail_on_error = true;
	c->mp = &dummy;
	c->source_clause = c->target_clause = NULL;
	fd->item = it;
	for (i = 0; i < it->nclauses; i++) {
		const struct ast_clause *cl = &it->clauses[i];
		size_t before = c->ds->nerrors;

		if (cl->kind != AST_JOB && cl->kind != AST_SCHEDULE && cl->kind != AST_VALIDATE) {
			diag_help(diag_error(c->ds, c->src, cl->kw_span,
					     "'%s' cannot be set in defaults",
					     ast_clause_keyword(cl->kind)),
				  "defaults may hold job, schedule and validate { on failure ...; "
				  "sample N }; write '%s' in each pipeline",
				  ast_clause_keyword(cl->kind));
			continue;
		}
		for (j = 0; j < i; j++) {
			if (it->clauses[j].kind == cl->kind) {
				struct diag *d = diag_error(c->ds, c->src, cl->kw_span,
							    "duplicate '%s' in defaults",
							    ast_clause_keyword(cl->kind));
				diag_note(d, c->src, it->clauses[j].kw_span, "first written here");
				diag_help(d, "merge them into one '%s' clause",
					  ast_clause_keyword(cl->kind));
				break;
			}
		}
		if (j < i)
			continue;
		if (cl->kind == AST_VALIDATE)
			check_validate(c, cl, true);
		else if (cl->kind == AST_SCHEDULE)
			check_schedule(c, cl);
		else
			check_job(c, cl);
		fd->bad[cl->kind] = c->ds->nerrors > before;
	}
	c->mp = NULL;
}

static const struct ast_clause *defaults_clause(const struct file_defaults *d,
					       enum ast_clause_kind k)
{
	size_t i;

	if (!d || !d->item || d->bad[k])
		return NULL;
	for (i = 0; i < d->item->nclauses; i++)
		if (d->item->clauses[i].kind == k)
			return &d->item->clauses[i];
	return NULL;
}

#define NKINDS (AST_JOB + 1)

/* alerts off | alerts on: whether the environment's alerts (pipec.yaml
 * alerts:, docs/alerts.md) include this pipeline's job. */
static void check_alerts_clause(struct check_ctx *c, const struct ast_clause *cl)
{
	static const char *const words[] = { "off", "on" };
	const struct ast_name *w = &cl->u.alerts;
	struct diag *d;

	if (!strcmp(w->text, "off") || !strcmp(w->text, "on")) {
		c->mp->alerts_off = !strcmp(w->text, "off");
		return;
	}
	d = diag_error(c->ds, c->src, w->span, "'alerts %s' is not a setting of a pipeline's alerts",
		       w->text);
	if (diag_closest(w->text, words, 2))
		diag_help(d, "did you mean 'alerts %s'?", diag_closest(w->text, words, 2));
	else
		diag_help(d, "write 'alerts off' to leave this pipeline out of the environment's "
			  "failure alerts ('alerts on', the default, keeps it)");
}

static void check_pipeline(struct check_ctx *c, struct pipe_ref *r, struct model_pipeline *mp)
{
	const struct ast_item *it = r->item;
	const struct ast_clause *first[NKINDS];
	const struct ast_clause *job_default;
	size_t i;

	memset(first, 0, sizeof(first));
	c->mp = mp;
	c->source_clause = c->target_clause = c->columns_clause = NULL;
	mp->name = it->name.text;
	mp->file = r->file->src->path;
	mp->src = r->file->src;
	mp->span = it->name.span;
	mp->mode = MM_APPEND;
	mp->validation.fail_on_error = true;

	for (i = 0; i < it->nclauses; i++) {
		const struct ast_clause *cl = &it->clauses[i];

		if (cl->kind == AST_DROP_COLUMN || cl->kind == AST_DERIVE || cl->kind == AST_FILTER ||
		    cl->kind == AST_JOIN)
			continue;	/* repeatable: check_drops, check_derives, check_filters, check_joins */
		if (first[cl->kind]) {
			struct diag *d = diag_error(c->ds, c->src, cl->kw_span, "duplicate '%s' clause",
						    ast_clause_keyword(cl->kind));
			diag_note(d, c->src, first[cl->kind]->kw_span, "first written here");
			diag_help(d, "a pipeline has one '%s'; remove or merge the other",
				  ast_clause_keyword(cl->kind));
			continue;
		}
		first[cl->kind] = cl;
	}
	if (first[AST_DESCRIPTION]) {
		mp->description = check_ctx_string(c, &first[AST_DESCRIPTION]->u.description);
		if (mp->description && strlen(mp->description) > 2048)
			diag_help(diag_error(c->ds, c->src, first[AST_DESCRIPTION]->span,
					     "description is too long (%zu characters)",
					     strlen(mp->description)),
				  "Glue job descriptions are at most 2048 characters");
	}
	if (!first[AST_SOURCE])
		diag_help(diag_error(c->ds, c->src, it->name.span, "pipeline '%s' has no source",
				     mp->name),
			  "add a source, like: source s3 \"s3://bucket/path/\" { format parquet }");
	if (!first[AST_TARGET])
		diag_help(diag_error(c->ds, c->src, it->name.span, "pipeline '%s' has no target",
				     mp->name),
			  "add a target, like: target s3tables namespace.table");
	if (!first[AST_COLUMNS])
		diag_help(diag_error(c->ds, c->src, it->name.span,
				     "pipeline '%s' declares no columns", mp->name),
			  "the schema is declared, not crawled: add 'columns { name type ... }'");

	c->clauses = it->clauses;
	c->nclauses = it->nclauses;
	c->source_clause = first[AST_SOURCE];
	c->target_clause = first[AST_TARGET];
	c->columns_clause = first[AST_COLUMNS];
	if (first[AST_COLUMNS]) {
		check_columns(c, first[AST_COLUMNS]);
		check_joins(c, it->clauses, it->nclauses);
		check_derives(c, it->clauses, it->nclauses);
		check_filters(c, it->clauses, it->nclauses);
	}
	if (first[AST_SOURCE])
		check_source(c, first[AST_SOURCE]);
	if (first[AST_TARGET])
		check_target(c, first[AST_TARGET]);
	if (first[AST_COLUMNS] && first[AST_TARGET])
		check_renames(c);
	if (first[AST_AGGREGATE] && first[AST_COLUMNS]) {
		/* the input's steps first; then the columns are the table's */
		if (first[AST_DEDUPE])
			check_dedupe(c, first[AST_DEDUPE]);
		check_aggregate(c, first[AST_AGGREGATE]);
	}
	if (first[AST_CREATE_IF_MISSING]) {
		mp->target.create_if_missing = true;
		mp->target.create_span = first[AST_CREATE_IF_MISSING]->span;
	}
	if (first[AST_PARTITION_BY])
		check_partitions(c, first[AST_PARTITION_BY]);
	if (first[AST_TARGET])
		check_target_projection(c);
	if (first[AST_MODE])
		check_mode(c, first[AST_MODE]);
	if (first[AST_DEDUPE] && !mp->aggregated)
		check_dedupe(c, first[AST_DEDUPE]);
	check_mode_target(c, first[AST_MODE]);
	if (mp->aggregated)
		check_aggregate_mode(c, first[AST_AGGREGATE], first[AST_MODE],
				     first[AST_INCREMENTAL]);
	else if (first[AST_INCREMENTAL])
		check_incremental(c, first[AST_INCREMENTAL]);
	if (first[AST_ON_ERROR])
		check_on_error(c, first[AST_ON_ERROR]);
	if (!mp->aggregated)
		check_mode_incremental(c, first[AST_MODE], first[AST_INCREMENTAL]);
	check_drops(c, it->clauses, it->nclauses);
	if (first[AST_ALERTS])
		check_alerts_clause(c, first[AST_ALERTS]);

	/* Schedule: the pipeline's, else the file's default, else on demand. */
	mp->schedule.kind = MSCH_ON_DEMAND;
	r->schedule = first[AST_SCHEDULE] ? first[AST_SCHEDULE]
					  : defaults_clause(r->defaults, AST_SCHEDULE);
	if (r->schedule && r->schedule->u.schedule.kind == AST_SCHED_AFTER) {
		r->nafter = r->schedule->u.schedule.nafter;
		r->after = arena_array(c->a, r->nafter + 1, sizeof(*r->after));
		memcpy((struct ast_name *)r->after, r->schedule->u.schedule.after,
		       r->nafter * sizeof(*r->after));
	}
	if (r->schedule)
		check_schedule(c, r->schedule);
	check_upstream_schedule(c, r->schedule != NULL);

	if (defaults_clause(r->defaults, AST_VALIDATE))
		check_validate(c, defaults_clause(r->defaults, AST_VALIDATE), true);
	if (first[AST_VALIDATE])
		check_validate(c, first[AST_VALIDATE], false);

	check_job_defaults(c);
	job_default = defaults_clause(r->defaults, AST_JOB);
	if (job_default)
		check_job(c, job_default);
	if (first[AST_JOB])
		check_job(c, first[AST_JOB]);
	check_job_finish(c);
}

static int cmp_ref(const void *a, const void *b)
{
	const struct pipe_ref *x = a, *y = b;
	int r = strcmp(x->name.text, y->name.text);

	if (r)
		return r;
	return x->file->src->index - y->file->src->index;
}

/* Dependencies: `after` names resolve, no pipeline waits for itself, no cycles. */
static void check_dependencies(struct model_project *m, struct check_ctx *c,
			       struct pipe_ref *refs, size_t n)
{
	const char **names = xcalloc(n + 1, sizeof(*names));
	int *state = xcalloc(n + 1, sizeof(*state));
	size_t *stack = xcalloc(n + 1, sizeof(*stack));
	size_t *edge = xcalloc(n + 1, sizeof(*edge));
	size_t i, j;

	for (i = 0; i < n; i++)
		names[i] = m->pipelines[i].name;
	for (i = 0; i < n; i++) {
		c->src = refs[i].file->src;
		for (j = 0; j < refs[i].nafter; j++) {
			const struct ast_name *a = &refs[i].after[j];
			size_t k;
			bool found = false;

			for (k = 0; k < n && !found; k++)
				found = !strcmp(names[k], a->text);
			if (!strcmp(a->text, names[i])) {
				diag_help(diag_error(c->ds, c->src, a->span,
						     "pipeline '%s' cannot run after itself", a->text),
					  "name the upstream pipeline it waits for");
				refs[i].errors++;
			} else if (!found) {
				struct diag *d = diag_error(c->ds, c->src, a->span,
							    "unknown pipeline '%s'", a->text);
				const char *close = diag_closest(a->text, names, n);

				if (close)
					diag_help(d, "did you mean '%s'?", close);
				else
					diag_help(d, "'after' names a pipeline defined in the project");
				refs[i].errors++;
			}
		}
	}
	/* Depth-first search over `after` edges; a grey node reached again closes a cycle. */
	for (i = 0; i < n; i++) {
		size_t depth = 0;

		if (state[i])
			continue;
		stack[depth] = i;
		edge[depth] = 0;
		state[i] = 1;
		depth = 1;
		while (depth) {
			size_t v = stack[depth - 1];
			const struct model_schedule *s = &m->pipelines[v].schedule;
			size_t w = n;

			if (s->kind == MSCH_AFTER && edge[depth - 1] < s->nafter) {
				const char *up = s->after[edge[depth - 1]++];

				for (w = 0; w < n && strcmp(names[w], up); w++)
					;
			} else {
				state[v] = 2;
				depth--;
				continue;
			}
			if (w >= n || w == v)
				continue;
			if (state[w] == 1) {
				struct strbuf path = STRBUF_INIT;
				size_t k, from = 0;
				const struct ast_name *at = NULL;

				while (stack[from] != w)
					from++;
				strbuf_addf(&path, "%s", names[w]);
				for (k = depth; k-- > from;)
					strbuf_addf(&path, " -> %s", names[stack[k]]);
				for (k = 0; k < refs[v].nafter; k++)
					if (!strcmp(refs[v].after[k].text, names[w]))
						at = &refs[v].after[k];
				c->src = refs[v].file->src;
				diag_help(diag_error(c->ds, c->src, at ? at->span : refs[v].name.span,
						     "dependency cycle: %s", path.buf),
					  "'after' chains must not loop; remove one of these "
					  "dependencies");
				refs[v].errors++;
				strbuf_release(&path);
				continue;
			}
			if (state[w] == 0) {
				state[w] = 1;
				stack[depth] = w;
				edge[depth] = 0;
				depth++;
			}
		}
	}
	free(names);
	free(state);
	free(stack);
	free(edge);
}

static int cmp_diag_at(const void *a, const void *b)
{
	const struct diag *x = *(const struct diag *const *)a, *y = *(const struct diag *const *)b;

	if (x->src->index != y->src->index)
		return x->src->index < y->src->index ? -1 : 1;
	return x->span.start < y->span.start ? -1 : x->span.start > y->span.start;
}

/* The parser's errors, by file and offset (taken before any checking). */
static const struct diag **syntax_errors_sorted(const struct diag_set *ds, size_t *n)
{
	const struct diag **v = xcalloc(ds->count + 1, sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < ds->count; i++)
		if (ds->items[i]->severity == DIAG_ERROR && ds->items[i]->src)
			v[(*n)++] = ds->items[i];
	qsort(v, *n, sizeof(*v), cmp_diag_at);
	return v;
}

/* Which items of a file with syntax errors hold one: the other pipelines
 * are checked as usual.  An error outside every pipeline (in the defaults,
 * in an item the parser dropped, about the whole file) or a parse cut
 * short by the error limit leaves the whole file unchecked. */
static bool *broken_items(const struct diag_set *ds, const struct diag **errs, size_t nerrs,
			  const struct ast_file *f)
{
	bool *broken = xcalloc(f->nitems + 1, sizeof(*broken));
	bool all = diag_limit_reached(ds, f->src);
	size_t lo = 0, hi = nerrs, j;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (errs[mid]->src->index < f->src->index)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = 0; lo < nerrs && errs[lo]->src == f->src && !all; lo++) {
		const struct diag *d = errs[lo];

		if (!d->has_span) {
			all = true;
			break;
		}
		while (j < f->nitems && f->items[j].span.end < d->span.start)
			j++;
		if (j == f->nitems || f->items[j].kind != AST_PIPELINE ||
		    f->items[j].span.start > d->span.start)
			all = true;
		else
			broken[j] = true;
	}
	if (all)
		for (j = 0; j < f->nitems; j++)
			broken[j] = true;
	return broken;
}

/* Files whose pipelines are all checked: their trees are released, the
 * texts stay (the model points at them).  left[f] counts the pipelines of
 * asts[f] not checked yet. */
static void release_checked_files(struct ast_file *asts, size_t nasts, const size_t *left)
{
	for (size_t f = 0; f < nasts; f++)
		if (!left[f] && asts[f].items)
			ast_file_release(&asts[f]);
}

/* Every pipeline, each pipeline whose table another reads (`source
 * pipeline`, `join ... pipeline`) before it: their check reads its model.
 * Otherwise in file order, so that each file's tree can be released after
 * its last pipeline and a large project never holds every tree at once. */
static void check_in_upstream_order(struct check_ctx *c, struct model_project *m,
				    struct pipe_ref *refs, size_t n, struct ast_file *asts,
				    size_t nasts)
{
	const char **names = xcalloc(n + 1, sizeof(*names));
	const char ***ups = xcalloc(n + 1, sizeof(*ups));
	size_t *nups = xcalloc(n + 1, sizeof(*nups));
	const char **cycle = xcalloc(n + 1, sizeof(*cycle));
	const struct model_pipeline **ready = xcalloc(n + 1, sizeof(*ready));
	size_t *order = xcalloc(n + 1, sizeof(*order));
	size_t *start = xcalloc(n + 1, sizeof(*start));
	size_t *left = xcalloc(nasts + 1, sizeof(*left));
	size_t k, i;

	for (i = 0; i < n; i++) {
		names[i] = refs[i].name.text;
		if (!refs[i].syntax_errors)
			ups[i] = check_upstream_names(refs[i].item, c->a, &nups[i]);
		start[refs[i].seq] = i;
		left[refs[i].file - asts]++;
	}
	check_upstream_order(names, (const char *const *const *)ups, nups, n, start, c->a, order,
			     cycle);
	release_checked_files(asts, nasts, left);
	c->pipeline_names = names;
	c->npipeline_names = n;
	c->pipelines_ready = ready;
	c->pipeline_cycles = cycle;
	for (k = 0; k < n; k++) {
		size_t before = c->ds->nerrors;

		i = order[k];
		c->src = refs[i].file->src;
		if (refs[i].syntax_errors) {
			/* Checking a half-parsed body would mostly report what the parser dropped. */
			m->pipelines[i].name = refs[i].name.text;
			m->pipelines[i].file = refs[i].file->src->path;
			m->pipelines[i].src = refs[i].file->src;
			m->pipelines[i].span = refs[i].name.span;
			refs[i].errors++;
		} else {
			c->upstream = NULL;
			c->upstream_failed = false;
			c->upstream_cycle = cycle[i];
			check_pipeline(c, &refs[i], &m->pipelines[i]);
			/* nothing derived from a half-made source or join */
			refs[i].errors += c->ds->nerrors - before + c->upstream_failed;
			if (!refs[i].errors)
				ready[i] = &m->pipelines[i];
		}
		refs[i].item = NULL;
		refs[i].schedule = NULL;
		if (!--left[refs[i].file - asts])
			ast_file_release(refs[i].file);
	}
	c->pipeline_names = NULL;
	c->npipeline_names = 0;
	c->pipelines_ready = NULL;
	c->pipeline_cycles = NULL;
	c->upstream = NULL;
	c->upstream_cycle = NULL;
	free(names);
	free(ups);
	free(nups);
	free(cycle);
	free(ready);
	free(order);
	free(start);
	free(left);
}

size_t check_project(struct ast_file *asts, size_t nasts, const struct config *cfg,
		     const struct catalog *cat, struct arena *a, struct diag_set *ds,
		     struct model_project *m)
{
	struct check_ctx c;
	struct pipe_ref *refs = NULL;
	struct file_defaults *fds = xcalloc(nasts + 1, sizeof(*fds));
	size_t nrefs = 0, alloc = 0, i, j, start = ds->nerrors, nerrs;
	const struct diag **errs;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.ds = ds;
	c.cfg = cfg;
	c.cat = cat;
	m->name = cfg->project;
	m->root = cfg->root;
	m->env = cfg->env;

	errs = syntax_errors_sorted(c.ds, &nerrs);
	for (i = 0; i < nasts; i++) {
		struct ast_file *f = &asts[i];
		const struct ast_item *defaults = NULL;
		struct file_defaults *fd = &fds[i];
		bool *broken = f->nsyntax_errors ? broken_items(c.ds, errs, nerrs, f) : NULL;

		c.src = f->src;
		for (j = 0; j < f->nitems; j++) {
			const struct ast_item *it = &f->items[j];

			if (it->kind != AST_DEFAULTS || (broken && broken[j]))
				continue;
			if (defaults) {
				struct diag *d = diag_error(c.ds, c.src, it->span,
							    "a file has one 'defaults' block");
				diag_note(d, c.src, defaults->span, "first defined here");
				diag_help(d, "merge the two blocks");
				continue;
			}
			defaults = it;
			check_defaults_item(&c, it, fd);
		}
		for (j = 0; j < f->nitems; j++) {
			const struct ast_item *it = &f->items[j];

			if (it->kind != AST_PIPELINE || !it->name.text)
				continue;
			XGROW(refs, alloc, nrefs + 1);
			memset(&refs[nrefs], 0, sizeof(refs[nrefs]));
			refs[nrefs].item = it;
			refs[nrefs].file = f;
			refs[nrefs].seq = nrefs;
			refs[nrefs].name = it->name;
			refs[nrefs].defaults = fd;
			refs[nrefs].syntax_errors = broken && broken[j];
			nrefs++;
		}
		free(broken);
	}
	free(errs);
	if (nrefs)
		qsort(refs, nrefs, sizeof(*refs), cmp_ref);

	/* Names: valid, unique across the project. */
	for (i = 0; i < nrefs; i++) {
		const struct ast_name *nm = &refs[i].name;

		c.src = refs[i].file->src;
		/* a non-ASCII name was already reported by the parser */
		if ((!valid_pipeline_name(nm->text) && !has_non_ascii(nm->text)) ||
		    strlen(nm->text) > 200) {
			diag_help(diag_error(c.ds, c.src, nm->span, "invalid pipeline name '%s'",
					     nm->text),
				  "pipeline names start with a letter and use letters, digits, '_' "
				  "and '-' (at most 200 characters)");
			refs[i].errors++;
		}
		if (i && !strcmp(refs[i - 1].name.text, nm->text)) {
			size_t k = i - 1;
			struct diag *d;

			while (k && !strcmp(refs[k - 1].name.text, nm->text))
				k--;
			d = diag_error(c.ds, c.src, nm->span, "pipeline '%s' is defined twice",
				       nm->text);
			diag_note(d, refs[k].file->src, refs[k].name.span, "first defined here");
			diag_help(d, "pipeline names are unique across the project; rename one");
			refs[i].errors++;
		}
	}

	m->pipelines = arena_array(c.a, nrefs + 1, sizeof(*m->pipelines));
	m->npipelines = nrefs;
	check_in_upstream_order(&c, m, refs, nrefs, asts, nasts);
	check_dependencies(m, &c, refs, nrefs);
	for (i = 0; i < nrefs; i++)
		if (!refs[i].errors)
			check_glue_derive(m, &m->pipelines[i], c.a);
	if (ds->nerrors == start) {
		check_chain_check(m, c.ds);
		check_chain_derive(m, c.a);
	}
	free(refs);
	free(fds);
	return ds->nerrors - start;
}
