/*
 * check_upstream: `source pipeline NAME` — a pipeline that reads the table
 * another pipeline of the project writes.  The upstream is checked first
 * (check_upstream_order), its target becomes this pipeline's table source,
 * the declared columns are checked against the columns it writes, and
 * without a schedule of its own the pipeline runs after it.
 */
#ifndef PIPEC_CHECK_UPSTREAM_H
#define PIPEC_CHECK_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "check_ctx.h"

/* The NAME of a pipeline item's `source pipeline NAME`, or NULL. */
const char *check_upstream_name(const struct ast_item *it);

/* An order of the n pipelines (names[i], upstream ups[i] or NULL) in which
 * every upstream comes before the pipelines that read it: order[] gets the
 * n indexes.  A pipeline on a loop of upstreams gets cycle[i], the loop as
 * text ("a -> b -> a", allocated in a); the others NULL. */
void check_upstream_order(const char *const *names, const char *const *ups, size_t n,
			  struct arena *a, size_t *order, const char **cycle);

/* source pipeline NAME: the upstream's target as the table source ms
 * (c->upstream, c->upstream_cycle and c->pipeline_names set by check.c). */
void check_upstream_source(struct check_ctx *c, const struct ast_clause *cl,
			   struct model_source *ms);

/* Without a schedule of its own (none in the pipeline or the file's
 * defaults), a pipeline with an upstream runs after it. */
void check_upstream_schedule(struct check_ctx *c, bool has_schedule);

#endif
