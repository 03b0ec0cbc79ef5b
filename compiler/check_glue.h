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

#include "arena.h"
#include "model.h"

/* Fills p->job.{script_args,spark_conf,glue_args,bookmarks,datalake_formats,
 * script_location,temp_dir} and p->{trigger_name,workflow_name},
 * p->validation.ruleset_name.  Everything else in p must already be resolved. */
void check_glue_derive(const struct model_project *mp, struct model_pipeline *p, struct arena *a);

#endif
