/*
 * emit: the Glue 5.1 artifacts of checked pipelines.  One emitter per
 * artifact kind turns a model_pipeline into bytes; emit_project writes them
 * all under an output directory with manifest.json.  Emitters read only the
 * checked model and decide nothing: every choice was made by check (and
 * check_glue_derive).  Output is deterministic byte for byte; JSON keys are
 * sorted.
 *
 * Ownership: every function appends to a strbuf the caller owns.
 */
#ifndef PIPEC_EMIT_H
#define PIPEC_EMIT_H

#include <stdbool.h>

#include "model.h"
#include "strbuf.h"
#include "template.h"

/* job.py: renders the fragments of ts.  Returns 0, or -1 with a message in
 * err (a fragment or variable missing from a --template-dir). */
int emit_script(const struct model_project *mp, const struct model_pipeline *p,
		const struct template_set *ts, struct strbuf *out, struct strbuf *err);
/* The "# pipec:table" and "# pipec:column" lines job.py opens with: the
 * target kind, mode, keys, partition spec and columns as JSON, one object
 * per line, read back by plan_evolve_read. */
void emit_schema_lines(const struct model_pipeline *p, struct strbuf *out);
/* job.json: the CreateJob request; script_sha256 names the uploaded script. */
void emit_job_json(const struct model_project *mp, const struct model_pipeline *p,
		   const char *script_sha256, struct strbuf *out);
/* triggers.json: a JSON array of CreateTrigger requests. */
void emit_triggers_json(const struct model_project *mp, const struct model_pipeline *p,
			struct strbuf *out);
/* workflow.json (s3 event schedules only: returns false otherwise):
 * {"CreateWorkflow": …, "PutRule": …, "PutTargets": …}. */
bool emit_workflow_json(const struct model_project *mp, const struct model_pipeline *p,
			struct strbuf *out);
/* validate.sql: Athena engine v3 statements. */
void emit_validate_sql(const struct model_project *mp, const struct model_pipeline *p,
		       struct strbuf *out);
/* The DQDL document of the pipeline's rules, the same text for the job and
 * ruleset.json; "row_count matches source" is RowCountMatch against the
 * reference data source "source".  Returns the number of rules. */
size_t emit_dqdl(const struct model_pipeline *p, struct strbuf *out);
/* ruleset.json (only when p->validates): CreateDataQualityRuleset. */
void emit_ruleset_json(const struct model_project *mp, const struct model_pipeline *p,
		       struct strbuf *out);

struct emit_opts {
	const char *out_dir;
	const char *template_dir;	/* NULL = embedded fragments */
};

/* Writes every artifact of every pipeline and DIR/manifest.json.  Returns 0,
 * or 1 with a message in err (I/O failure, broken --template-dir). */
int emit_project(const struct model_project *mp, const struct emit_opts *o, struct strbuf *err);

#endif
