/*
 * check: turns the ASTs of a project into the checked model — resolves
 * names and ${variables}, applies defaults (pipec.yaml < file defaults <
 * pipeline) and enforces every language and Glue rule, each as a
 * diagnostic with a span and a help line.  This header is the phase's one
 * entry point.  check.c is the driver (pipeline structure, file defaults,
 * names, dependencies); each clause is checked by the file of its concern
 * behind its own header (check_source.h, check_target.h, check_schema.h,
 * check_convert.h, check_mode.h, check_schedule.h, check_validate.h,
 * check_job.h), all with the context and helpers of check_ctx.h; the name
 * rules shared with pipec.yaml are names.h, and the Glue settings derived
 * last are check_glue.h.  docs/hacking.md ("Map: phases to files") says
 * which file owns what.
 *
 * Ownership: the model lives in the arena passed in.
 */
#ifndef PIPEC_CHECK_H
#define PIPEC_CHECK_H

#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "config.h"
#include "diag.h"
#include "model.h"

struct catalog;

/* Checks every pipeline of asts[0..nasts) against cfg and fills *out (even
 * when there are errors; then only error-free pipelines are complete),
 * allocating in a and reporting in ds.  cat (NULL without a snapshot)
 * gives the joined tables' columns.  Each file's tree is released
 * (ast_file_release) once its pipelines are checked: the model holds
 * nothing of the trees but the texts, which must outlive it (parse_file's
 * text arena).  Returns the number of errors reported. */
size_t check_project(struct ast_file *asts, size_t nasts, const struct config *cfg,
		     const struct catalog *cat, struct arena *a, struct diag_set *ds,
		     struct model_project *out);

#endif
