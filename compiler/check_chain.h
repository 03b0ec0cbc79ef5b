#ifndef PIPEC_CHECK_CHAIN_H
#define PIPEC_CHECK_CHAIN_H

/*
 * `after` chains as Glue workflows (docs/artifacts.md, "## workflow.json").
 * A chain is a connected component of the `after` graph (edges from
 * `schedule after` and from the `after` a `source pipeline` implies) with
 * at least two pipelines.  With exactly one root (the one pipeline of the
 * chain with a schedule of its own), every pipeline of the chain joins one
 * workflow, named after the root's job, and the root's trigger starts it.
 * A chain with several roots keeps standalone triggers: a workflow has one
 * start trigger, and its conditional triggers watch only the job runs of
 * its own runs.
 */

#include "arena.h"
#include "diag.h"
#include "model.h"

/* Sets workflow_name, workflow_owner and workflow_max_runs of the
 * pipelines of each single-root chain.  Run once, after check_glue_derive
 * named every pipeline's job; every pipeline must be free of errors. */
void check_chain_derive(struct model_project *mp, struct arena *a);

/* Warns once per chain with several roots, at the pipeline where two of
 * them meet, that the chain stays outside a Glue workflow. */
void check_chain_check(const struct model_project *mp, struct diag_set *ds);

#endif
