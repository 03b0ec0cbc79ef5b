/*
 * check_job: `job { ... }` — workers, auto scaling, Flex, timeout, retries,
 * concurrency, connections, tags and notification — layered as built-in
 * defaults < pipec.yaml defaults < file defaults < pipeline.
 */
#ifndef PIPEC_CHECK_JOB_H
#define PIPEC_CHECK_JOB_H

struct check_ctx;
struct ast_clause;

/* The built-in and pipec.yaml defaults, then each job clause from the
 * file's defaults to the pipeline's, then the rules on the result. */
void check_job_defaults(struct check_ctx *c);
void check_job(struct check_ctx *c, const struct ast_clause *cl);
void check_job_finish(struct check_ctx *c);

#endif
