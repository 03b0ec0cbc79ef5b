#include "check_chain.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

/* The index of pipeline name, or npipelines. */
static size_t find(const struct model_project *mp, const char *name)
{
	size_t k;

	for (k = 0; k < mp->npipelines; k++)
		if (mp->pipelines[k].name && !strcmp(mp->pipelines[k].name, name))
			return k;
	return mp->npipelines;
}

static size_t root_of(size_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

/* comp[i]: the smallest index of pipeline i's component of the `after`
 * graph (union-find over the `after` edges). */
static size_t *components(const struct model_project *mp)
{
	size_t n = mp->npipelines, *up = xcalloc(n + 1, sizeof(*up)), i, k, j;

	for (i = 0; i < n; i++)
		up[i] = i;
	for (i = 0; i < n; i++) {
		const struct model_schedule *s = &mp->pipelines[i].schedule;

		for (k = 0; s->kind == MSCH_AFTER && k < s->nafter; k++) {
			size_t a, b;

			j = find(mp, s->after[k]);
			if (j == n)
				continue;
			a = root_of(up, i);
			b = root_of(up, j);
			if (a != b)
				up[a < b ? b : a] = a < b ? a : b;
		}
	}
	for (i = 0; i < n; i++)
		up[i] = root_of(up, i);
	return up;
}

static bool is_root(const struct model_pipeline *p)
{
	return p->schedule.kind != MSCH_AFTER;
}

/* Members and roots of component c; *root the first root. */
static void count(const struct model_project *mp, const size_t *comp, size_t c, size_t *members,
		  size_t *roots, size_t *root)
{
	size_t i;

	*members = *roots = 0;
	*root = mp->npipelines;
	for (i = 0; i < mp->npipelines; i++) {
		if (comp[i] != c)
			continue;
		(*members)++;
		if (is_root(&mp->pipelines[i])) {
			if (!(*roots)++)
				*root = i;
		}
	}
}

void check_chain_derive(struct model_project *mp, struct arena *a)
{
	size_t *comp = components(mp), i, k;

	for (i = 0; i < mp->npipelines; i++) {
		struct model_pipeline *r;
		const char *wf;
		size_t members, roots, root;
		int runs = 0;

		if (comp[i] != i)
			continue;
		count(mp, comp, i, &members, &roots, &root);
		if (members < 2 || roots != 1)
			continue;
		r = &mp->pipelines[root];
		/* an S3-event root's workflow is already there: the chain joins it */
		wf = r->workflow_name ? r->workflow_name
				      : arena_printf(a, "%s-workflow", r->job.name ? r->job.name : r->name);
		for (k = 0; k < mp->npipelines; k++) {
			const struct model_job *j = &mp->pipelines[k].job;

			if (comp[k] != i)
				continue;
			mp->pipelines[k].workflow_name = wf;
			/* a workflow run starts each job of the chain once: no more
			 * runs at a time than the least concurrent job allows */
			if (j->max_concurrency > 0 && (!runs || j->max_concurrency < runs))
				runs = j->max_concurrency;
		}
		r->workflow_owner = true;
		r->workflow_max_runs = runs;
	}
	free(comp);
}

/* Where two roots of component c meet: the first pipeline with two or more
 * upstream pipelines, else the first that is not a root. */
static const struct model_pipeline *meeting(const struct model_project *mp, const size_t *comp,
					    size_t c)
{
	const struct model_pipeline *first = NULL;
	size_t i;

	for (i = 0; i < mp->npipelines; i++) {
		const struct model_pipeline *p = &mp->pipelines[i];

		if (comp[i] != c || is_root(p))
			continue;
		if (p->schedule.nafter >= 2)
			return p;
		if (!first)
			first = p;
	}
	return first;
}

void check_chain_check(const struct model_project *mp, struct diag_set *ds)
{
	size_t *comp = components(mp), i, k;

	for (i = 0; i < mp->npipelines; i++) {
		const struct model_pipeline *at;
		struct strbuf names = STRBUF_INIT;
		size_t members, roots, root, seen = 0;
		struct diag *d;

		if (comp[i] != i)
			continue;
		count(mp, comp, i, &members, &roots, &root);
		if (members < 2 || roots < 2 || !(at = meeting(mp, comp, i)) || !at->src)
			continue;
		for (k = 0; k < mp->npipelines; k++) {
			if (comp[k] != i || !is_root(&mp->pipelines[k]))
				continue;
			strbuf_addf(&names, "%s'%s'", !seen ? "" : seen + 1 == roots ? " and " : ", ",
				    mp->pipelines[k].name);
			seen++;
		}
		d = diag_warning(ds, at->src,
				 at->schedule.span.end > at->schedule.span.start ? at->schedule.span : at->span,
				 "the 'after' chain of pipeline '%s' starts at %s, each on its own schedule: "
				 "its triggers stay outside a Glue workflow", at->name, names.buf);
		diag_help(d, "a Glue workflow has one start trigger and its conditional triggers "
			     "watch only the job runs of the same workflow run; to deploy the chain "
			     "as one workflow, let '%s' start it and the other roots run after it "
			     "('schedule after %s')", mp->pipelines[root].name, mp->pipelines[root].name);
		strbuf_release(&names);
	}
	free(comp);
}
