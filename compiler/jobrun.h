/*
 * jobrun: what `pipec run` and `pipec status` share — the project's
 * pipelines with the names deploy gives their resources (job, triggers,
 * ruleset, from the manifest facts of the desired state), whether a job is
 * deployed and owned by this project and environment (deploy's tags), the
 * states of a Glue job run, and the run's CloudWatch Logs streams.
 *
 * Ownership: a jobrun_project owns the desired state it was built from;
 * the strings of its pipelines are borrowed from it.  json_t results are
 * new references the caller releases.
 */
#ifndef PIPEC_JOBRUN_H
#define PIPEC_JOBRUN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "aws.h"
#include "plan.h"
#include "plan_source.h"
#include "project.h"
#include "strbuf.h"

/* The CloudWatch Logs groups a Glue 5.x job writes: standard output and
 * standard error of the script in /output; system, Spark and GlueLogger
 * lines in /error ("Logging for AWS Glue jobs").  In each, the driver's
 * stream is "<JobRunId>-driver" (executors: "<JobRunId>-<n>"); earlier
 * versions name it "<JobRunId>".  Both driver names are read. */
#define JOBRUN_LOG_OUTPUT "/aws-glue/jobs/output"
#define JOBRUN_LOG_ERROR "/aws-glue/jobs/error"

struct jobrun_pipeline {
	const char *name;
	const char *job;		/* the environment's job name */
	json_t *triggers;		/* array of trigger names (may be empty; owned) */
	const char *ruleset;		/* the ruleset name, or NULL */
	const json_t *facts;		/* the pipeline's manifest facts */
};

struct jobrun_project {
	struct plan_state desired;
	struct plan_source_env env;
	struct jobrun_pipeline *pipelines;	/* sorted by name */
	size_t count;
};

/* Checks and renders the project in memory as deploy does.  Returns 0; 1
 * when the .pipe files have errors (reported); -1 with a message in err. */
int jobrun_project_load(struct jobrun_project *jp, const struct project_opts *po,
			struct strbuf *err);
void jobrun_project_release(struct jobrun_project *jp);

/* The pipeline called name, or NULL after reporting it on stderr as an
 * unknown pipeline (with the closest name, and the project's pipelines). */
const struct jobrun_pipeline *jobrun_find(const struct jobrun_project *jp, const char *name);

enum jobrun_job_state {
	JOBRUN_DEPLOYED,	/* the job exists and is tagged with this project/environment */
	JOBRUN_NOT_DEPLOYED,	/* no such job */
	JOBRUN_NOT_OWNED,	/* a job of that name another project (or a person) owns */
};

/*
 * GetJob, then GetTags on the job's ARN (account: the caller's, read once
 * with STS and kept in *account).  On 0, *state says what was found; with
 * JOBRUN_DEPLOYED, *job (may be NULL) is the Job object, and with
 * JOBRUN_NOT_OWNED, why is the owner the tags name.  Returns -1 on an AWS
 * failure with a message in err.
 */
int jobrun_job(struct aws_client *c, const struct jobrun_project *jp,
	       const struct jobrun_pipeline *p, char **account, enum jobrun_job_state *state,
	       json_t **job, struct strbuf *why, struct strbuf *err);
/* One line about a job that cannot be run or shown, e.g. "job 'x' is not
 * deployed in environment 'dev' (run pipec deploy)". */
void jobrun_describe_state(const struct jobrun_project *jp, const struct jobrun_pipeline *p,
			   enum jobrun_job_state state, const char *why, struct strbuf *out);

/* Run states: final ones, and the one final state that is a success. */
bool jobrun_state_final(const char *state);
bool jobrun_state_succeeded(const char *state);

/* Where the reading of one run's two log streams is. */
struct jobrun_logs {
	char *run_id;
	char *token[4];		/* nextForwardToken per group and stream name */
	int pages;		/* at most this many pages per stream and poll; 0: no limit */
};

/* Receives each line (without its line break) of one stream: kind is
 * "output" or "error". */
typedef void (*jobrun_line_fn)(void *ctx, const char *kind, const char *line);

void jobrun_logs_init(struct jobrun_logs *l, const char *run_id);
void jobrun_logs_release(struct jobrun_logs *l);
/*
 * Reads the events written since the last call (GetLogEvents from the
 * head, then nextForwardToken until it stops changing): the output group
 * first, in each group the stream "<JobRunId>" then "<JobRunId>-driver".
 * A stream not created yet has no lines.  *nlines (may be NULL)
 * is increased by the lines passed to fn.  Returns 0, or -1 with err.
 */
int jobrun_logs_poll(struct aws_client *c, struct jobrun_logs *l, jobrun_line_fn fn, void *ctx,
		     size_t *nlines, struct strbuf *err);

/* "EntityNotFoundException: ..." for the last failed call on c. */
void jobrun_api_error(struct aws_client *c, const char *what, struct strbuf *err);

#endif
