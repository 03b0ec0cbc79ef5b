/*
 * validate_run: runs one check of validate.sql (emit_checks_make) on the
 * engine of the pipeline's target and judges its result — Athena
 * (StartQueryExecution, GetQueryExecution polled with backoff,
 * GetQueryResults) or the Redshift Data API (ExecuteStatement,
 * DescribeStatement, GetStatementResult), with the environment's `athena:`
 * or `redshift:` settings of pipec.yaml.  `pipec validate` (cmd_validate.c)
 * reports the results.
 *
 * Ownership: a validate_result owns its strings and JSON; release it with
 * validate_result_release.
 */
#ifndef PIPEC_VALIDATE_RUN_H
#define PIPEC_VALIDATE_RUN_H

#include <stdbool.h>

#include <jansson.h>

#include "aws.h"
#include "emit.h"
#include "model.h"
#include "strbuf.h"

enum validate_status { VALIDATE_PASS, VALIDATE_FAIL, VALIDATE_ERROR };

struct validate_engine {
	struct aws_client *aws;
	const struct model_env *env;
	long poll_ms;			/* first wait between polls; doubles up to 8x (max 5 s) */
	long max_wait_ms;		/* a query still running after this is an ERROR */
};

struct validate_result {
	enum validate_status status;
	char *query_id;			/* Athena QueryExecutionId / Data API statement Id, or NULL */
	char *error;			/* ERROR: why (the engine's reason, an AWS error) */
	json_t *columns;		/* array of column names (NULL when the query failed) */
	json_t *rows;			/* array of arrays of strings or null */
	char *observed;			/* the values judged, as text ("violations=3") */
};

/* The engine settings: PIPEC_VALIDATE_POLL_MS (a testing knob, default 500)
 * sets poll_ms; the wait is at most 30 minutes. */
void validate_engine_init(struct validate_engine *e, struct aws_client *aws,
			  const struct model_env *env);

/* Whether p's checks can run in the environment; false with the reason in
 * msg (a missing `athena:` or `redshift:` block, named by its pipec.yaml
 * key). */
bool validate_configured(const struct model_env *env, const struct model_pipeline *p,
			 struct strbuf *msg);

/* Runs check c of pipeline p and judges it into r (zeroed by the call).
 * A check without a statement is not run (r->status PASS, nothing else). */
void validate_run_check(struct validate_engine *e, const struct model_pipeline *p,
			const struct emit_check *c, struct validate_result *r);
void validate_result_release(struct validate_result *r);

const char *validate_status_name(enum validate_status s);	/* "pass", "fail", "error" */

#endif
