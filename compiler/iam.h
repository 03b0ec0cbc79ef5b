/*
 * iam: the IAM policy documents a project needs (pipec iam-policy): the
 * deployer's (every AWS action plan, deploy, deploy --prune and catalog
 * pull call, scoped to the project's resources), the Glue job role's
 * (what the generated jobs read, write and call) and the validator's (what
 * pipec validate calls and what its queries read).  docs/iam.md explains
 * every statement.
 *
 * Ownership: the returned document is a new jansson reference; notes are
 * appended to the caller's strbuf (one line each, for stderr).
 */
#ifndef PIPEC_IAM_H
#define PIPEC_IAM_H

#include <jansson.h>

#include "model.h"
#include "strbuf.h"

enum iam_for { IAM_FOR_DEPLOYER, IAM_FOR_JOB, IAM_FOR_VALIDATOR, IAM_FOR_OPERATOR };

struct catalog;
/* The policy document: {"Version": "2012-10-17", "Statement": [...]},
 * statements in a fixed order, actions and resources sorted.  The model
 * must have a region and an account.  cat (the project's catalog snapshot,
 * or NULL) gives the locations of table sources and joined tables. */
json_t *iam_policy(const struct model_project *m, const struct catalog *cat, enum iam_for who,
		   struct strbuf *notes);

#endif
