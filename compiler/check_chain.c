#include "check_chain.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"

/* The components of the `after` graph: comp[i] is the smallest index of
 * pipeline i's component; for a component's first pipeline c, members[c]
 * and roots[c] count its pipelines and roots, root[c] is its first root
 * (npipelines when none); next[i] is the next pipeline of i's component in
 * index order (npipelines after the last).  Linear in the pipelines and
 * their `after` edges: a build of thousands of pipelines checks every one. */
struct chains {
	size_t *comp, *members, *roots, *root, *next;
};

static size_t root_of(size_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

/* Union-find over the `after` edges; a name is looked up in a map of the
 * pipelines' names (the first pipeline of a name, as the checks report a
 * duplicate there). */
static void components(const struct model_project *mp, size_t *up)
{
	struct strmap index = STRMAP_INIT;
	size_t n = mp->npipelines, i, k;

	for (i = 0; i < n; i++) {
		up[i] = i;
		if (mp->pipelines[i].name && !strmap_get(&index, mp->pipelines[i].name))
			strmap_put(&index, mp->pipelines[i].name, &mp->pipelines[i]);
	}
	for (i = 0; i < n; i++) {
		const struct model_schedule *s = &mp->pipelines[i].schedule;

		for (k = 0; s->kind == MSCH_AFTER && k < s->nafter; k++) {
			const struct model_pipeline *q = strmap_get(&index, s->after[k]);
			size_t a, b;

			if (!q)
				continue;
			a = root_of(up, i);
			b = root_of(up, (size_t)(q - mp->pipelines));
			if (a != b)
				up[a < b ? b : a] = a < b ? a : b;
		}
	}
	for (i = 0; i < n; i++)
		up[i] = root_of(up, i);
	strmap_release(&index);
}

static bool is_root(const struct model_pipeline *p)
{
	return p->schedule.kind != MSCH_AFTER;
}

static void chains_init(struct chains *ch, const struct model_project *mp)
{
	size_t n = mp->npipelines, i, *last;

	ch->comp = xcalloc(n + 1, sizeof(*ch->comp));
	ch->members = xcalloc(n + 1, sizeof(*ch->members));
	ch->roots = xcalloc(n + 1, sizeof(*ch->roots));
	ch->root = xcalloc(n + 1, sizeof(*ch->root));
	ch->next = xcalloc(n + 1, sizeof(*ch->next));
	last = xcalloc(n + 1, sizeof(*last));
	components(mp, ch->comp);
	for (i = 0; i < n; i++) {
		size_t c = ch->comp[i];

		ch->next[i] = n;
		if (ch->members[c]++)
			ch->next[last[c]] = i;
		last[c] = i;
		if (!ch->roots[c])
			ch->root[c] = n;
		if (is_root(&mp->pipelines[i]) && !ch->roots[c]++)
			ch->root[c] = i;
	}
	free(last);
}

static void chains_release(struct chains *ch)
{
	free(ch->comp);
	free(ch->members);
	free(ch->roots);
	free(ch->root);
	free(ch->next);
}

void check_chain_derive(struct model_project *mp, struct arena *a)
{
	struct chains ch;
	size_t n = mp->npipelines, i, k;

	chains_init(&ch, mp);
	for (i = 0; i < n; i++) {
		struct model_pipeline *r;
		const char *wf;
		int runs = 0;

		if (ch.comp[i] != i || ch.members[i] < 2 || ch.roots[i] != 1)
			continue;
		r = &mp->pipelines[ch.root[i]];
		/* an S3-event root's workflow is already there: the chain joins it */
		wf = r->workflow_name ? r->workflow_name
				      : arena_printf(a, "%s-workflow", r->job.name ? r->job.name : r->name);
		for (k = i; k < n; k = ch.next[k]) {
			const struct model_job *j = &mp->pipelines[k].job;

			mp->pipelines[k].workflow_name = wf;
			/* a workflow run starts each job of the chain once: no more
			 * runs at a time than the least concurrent job allows */
			if (j->max_concurrency > 0 && (!runs || j->max_concurrency < runs))
				runs = j->max_concurrency;
		}
		r->workflow_owner = true;
		r->workflow_max_runs = runs;
	}
	chains_release(&ch);
}

/* Where two roots of component c meet: the first pipeline with two or more
 * upstream pipelines, else the first that is not a root. */
static const struct model_pipeline *meeting(const struct model_project *mp,
					    const struct chains *ch, size_t c)
{
	const struct model_pipeline *first = NULL;
	size_t i;

	for (i = c; i < mp->npipelines; i = ch->next[i]) {
		const struct model_pipeline *p = &mp->pipelines[i];

		if (is_root(p))
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
	struct chains ch;
	size_t n = mp->npipelines, i, k;

	chains_init(&ch, mp);
	for (i = 0; i < n; i++) {
		const struct model_pipeline *at;
		struct strbuf names = STRBUF_INIT;
		size_t roots = ch.roots[i], root = ch.root[i], seen = 0;
		struct diag *d;

		if (ch.comp[i] != i || ch.members[i] < 2 || roots < 2 ||
		    !(at = meeting(mp, &ch, i)) || !at->src)
			continue;
		for (k = i; k < n; k = ch.next[k]) {
			if (!is_root(&mp->pipelines[k]))
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
	chains_release(&ch);
}
