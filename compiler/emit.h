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
/* workflow.json of the pipeline that creates a workflow (p->workflow_owner:
 * an s3 event schedule, or the root of an `after` chain; returns false
 * otherwise): {"CreateWorkflow": …} with, for an s3 event schedule,
 * "PutRule": …, "PutTargets": …. */
bool emit_workflow_json(const struct model_project *mp, const struct model_pipeline *p,
			struct strbuf *out);
/* validate.sql: Athena engine v3 statements (Redshift for a Redshift
 * target), written from the pipeline's checks (emit_checks_make). */
void emit_validate_sql(const struct model_project *mp, const struct model_pipeline *p,
		       struct strbuf *out);

/* How a check's result is judged (docs/artifacts.md, "validate.sql"). */
enum emit_judge {
	EMIT_JUDGE_INFO,	/* reported, never fails: rows in the target, the sample */
	EMIT_JUDGE_TRUE,	/* the column `column` of the one row is true */
	EMIT_JUDGE_ZERO,	/* `column` is 0; NULL: every column after the first */
	EMIT_JUDGE_NO_ROWS,	/* the statement returns no row */
	EMIT_JUDGE_EQUAL,	/* the two columns of the one row are equal */
};

/* One check of validate.sql.  sql is NULL for a note without a statement
 * (row_count matches source where only the job can check it). */
struct emit_check {
	char *name;		/* "rows", "nulls", "expect amount", "unique order_id", ... */
	char *comment;		/* its comment lines in validate.sql, each ending in '\n' */
	char *sql;		/* the statement, without its ';' */
	enum emit_judge judge;
	const char *column;	/* TRUE and ZERO: the column judged (model string) */
	const struct model_rule *rule;	/* the rule it comes from, or NULL (rows, nulls, sample) */
};

/* The checks of one pipeline, in validate.sql's order. */
struct emit_checks {
	bool redshift;		/* Redshift dialect (else Athena engine v3) */
	char *header;		/* validate.sql's header comment lines */
	char *table;		/* the target table as the statements name it */
	struct emit_check *v;
	size_t n, alloc;
};

/* Fills out (zeroed by the call) with the checks of p; free with
 * emit_checks_release. */
void emit_checks_make(const struct model_pipeline *p, struct emit_checks *out);
void emit_checks_release(struct emit_checks *cs);
/* The name of a judge: "info", "true", "zero", "no_rows", "equal". */
const char *emit_judge_name(enum emit_judge j);
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
