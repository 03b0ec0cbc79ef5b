/*
 * check: turns the ASTs of a project into the checked model — resolves
 * names and ${variables}, applies defaults (pipec.yaml < file defaults <
 * pipeline) and enforces every language and Glue rule, each as a
 * diagnostic with a span and a help line.  check.c is the driver (pipeline
 * structure, defaults, names, dependencies); each clause is checked by the
 * file of its concern, behind its own header (check_source.h, …), with the
 * shared context and helpers of check_ctx.h.
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

/* Checks every pipeline of asts[0..nasts) against cfg and fills *out (even
 * when there are errors; then only error-free pipelines are complete),
 * allocating in a and reporting in ds.  Returns the number of errors
 * reported. */
size_t check_project(const struct ast_file *asts, size_t nasts, const struct config *cfg,
		     struct arena *a, struct diag_set *ds, struct model_project *out);

#endif
