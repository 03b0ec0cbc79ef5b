/*
 * check_glue: the last step of checking a pipeline — derive everything the
 * Glue artifacts need from the resolved model: the job arguments the script
 * reads (script_args), the Spark configuration packed into --conf
 * (spark_conf), the other DefaultArguments (glue_args), bookmarks, data
 * lake formats, the script location, trigger/workflow/ruleset names.
 * Runs in the check phase so emitters decide nothing.
 */
#ifndef PIPEC_CHECK_GLUE_H
#define PIPEC_CHECK_GLUE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "model.h"

/* Fills p->job.{script_args,spark_conf,glue_args,bookmarks,datalake_formats,
 * script_location,temp_dir} and p->{trigger_name,workflow_name},
 * p->validation.ruleset_name.  Everything else in p must already be resolved. */
void check_glue_derive(const struct model_project *mp, struct model_pipeline *p, struct arena *a);

/* Rejects what no artifact language can spell faithfully: line breaks and
 * other control characters in names and strings that reach DQDL, Redshift
 * pre/post actions (single-line SQL) or the packed --conf (whitespace).
 * Reports at the offending span; returns the number of errors. */
size_t check_glue_check(const struct model_project *mp, struct diag_set *ds);

/* Whether engine e reads name unquoted as exactly name: an identifier in
 * the case e folds unquoted names to (PostgreSQL and Redshift lower, Oracle
 * upper), not a common reserved word.  JDBC table parts and watermark
 * columns are quoted otherwise; a split column must be plain. */
bool check_glue_jdbc_plain(enum model_jdbc_engine e, const char *name);

#endif
