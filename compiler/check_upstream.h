/*
 * check_upstream: `source pipeline NAME` — a pipeline that reads the table
 * another pipeline of the project writes.  The upstream is checked first
 * (check_upstream_order), its target becomes this pipeline's table source,
 * the declared columns are checked against the columns it writes, and
 * without a schedule of its own the pipeline runs after it.  `join ...
 * pipeline NAME` (check_join.c) finds its pipeline here too, and the order
 * puts it first.
 */
#ifndef PIPEC_CHECK_UPSTREAM_H
#define PIPEC_CHECK_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "check_ctx.h"

/* The NAME of a pipeline item's `source pipeline NAME`, or NULL. */
const char *check_upstream_name(const struct ast_item *it);

/* The pipelines whose tables a pipeline item reads: its `source pipeline
 * NAME`, then each `join HOW pipeline NAME`, into an array of *n names
 * allocated in a. */
const char **check_upstream_names(const struct ast_item *it, struct arena *a, size_t *n);

/* An order of the n pipelines (names[i], reading the pipelines
 * ups[i][0..nups[i])) in which every pipeline comes after those it reads:
 * order[] gets the n indexes.  Otherwise the order follows start[] (the n
 * indexes; NULL: 0..n-1): each pipeline comes as early as start puts it,
 * after what it reads.  A pipeline on a loop of reads gets cycle[i], the
 * loop as text ("a -> b -> a", allocated in a); the others NULL. */
void check_upstream_order(const char *const *names, const char *const *const *ups,
			  const size_t *nups, size_t n, const size_t *start, struct arena *a,
			  size_t *order, const char **cycle);

/* The pipeline NAME (named at `at` by the clause `clause`, for the hint),
 * checked before c->mp; NULL after reporting it unknown, c->mp itself or on
 * a loop with c->mp, and NULL without a report when it has errors of its
 * own. */
const struct model_pipeline *check_upstream_find(struct check_ctx *c, const char *name,
						 struct span at, const char *clause);

/* source pipeline NAME: the upstream's target as the table source ms
 * (c->upstream, c->upstream_cycle and c->pipeline_names set by check.c). */
void check_upstream_source(struct check_ctx *c, const struct ast_clause *cl,
			   struct model_source *ms);

/* Without a schedule of its own (none in the pipeline or the file's
 * defaults), a pipeline with an upstream runs after it. */
void check_upstream_schedule(struct check_ctx *c, bool has_schedule);

#endif
