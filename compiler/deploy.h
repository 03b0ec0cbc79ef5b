/*
 * deploy: the AWS side of plan and deploy — reads the live state of what
 * a project declares and owns (in a handful of batched calls), and applies
 * a plan through runtime/aws.h: uploads, then jobs, workflows, EventBridge
 * rules, triggers and rulesets (destroys in the reverse order), in
 * parallel across pipelines, tagging everything it owns and never touching
 * what it does not own.
 *
 * Ownership: struct deploy borrows the client; deploy_release frees what
 * the context resolved (the account).  deploy_read_live fills a
 * caller-initialised plan_state and returns a fingerprint the caller frees.
 */
#ifndef PIPEC_DEPLOY_H
#define PIPEC_DEPLOY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "aws.h"
#include "plan.h"
#include "strbuf.h"
#include "strmap.h"

struct deploy {
	struct aws_client *client;	/* borrowed */
	char *account;		/* for ARNs: the environment's, else from STS (lazily) */
	char *expect_account;	/* the environment's account setting, or NULL */
	const char *expect_from;	/* where expect_account comes from: NULL pipec.yaml's
				 * environment, else this (a saved plan) */
	bool account_checked;	/* the credentials' account was compared with it */
	FILE *progress;		/* one line per resource applied; NULL: quiet */
	const char *root;	/* directory local source files are relative to; NULL: "." */
	size_t nwrites;		/* write calls made by deploy_apply */
	unsigned failed;	/* enum deploy_failure bits of what failed, for the help line */
	/* reading: */
	bool prune;		/* also look for owned workflows left by removed pipelines
				   (ListWorkflows + GetTags of names of the project's form) */
	bool refresh_tags;	/* GetTags of every owned resource, not only changed ones */
	bool refresh;		/* a full read (plan --refresh): refresh_tags, every ruleset's
				   text (GetDataQualityRuleset), and each deployed script object
				   checked against its content-addressed key (HeadObject in
				   checksum mode; GetObject when S3 keeps no SHA-256) */
	const char *name_prefix; /* the environment's name prefix, or NULL when unknown */
	const char *alerts_prefix; /* without name_prefix: "<prefix>pipec-<project>-" of the
				    alert rules of a saved plan (deploy --plan), or NULL */
	struct strmap scripts;	/* deploy_prefetch_scripts: ScriptLocation -> its text
				   (keys and values owned) */
};

/*
 * What kind of failure a read or an apply met, so the help line can say
 * what helps: running deploy again (a transient or partial failure), or
 * not (a resource pipec does not own; credentials of another account or
 * rejected).
 */
enum deploy_failure {
	DEPLOY_FAILED_RETRY = 1,	/* transient or partial: deploy again continues */
	DEPLOY_FAILED_OWNER = 2,	/* a resource owned by another project/environment, or unowned */
	DEPLOY_FAILED_ACCOUNT = 4,	/* the credentials' account is not the environment's */
	DEPLOY_FAILED_CREDENTIALS = 8,	/* the credentials were rejected */
	DEPLOY_FAILED_BUCKET = 16,	/* the script bucket does not exist */
};

/* The help lines (each ending in a newline) for the failure bits in failed, in a
 * fixed order; "" when failed is 0. */
const char *deploy_failure_help(unsigned failed, struct strbuf *out);

/* account may be NULL or "" (then resolved with STS GetCallerIdentity when needed). */
void deploy_init(struct deploy *d, struct aws_client *c, const char *account);
void deploy_release(struct deploy *d);

/*
 * First checks the credentials' account (STS GetCallerIdentity) against
 * the environment's account: a mismatch is an error before any other call.
 * Reads the deployed counterpart of every desired resource and every
 * resource tagged with the desired project and environment into live
 * (label "live").  *fingerprint receives a hash of what was read, so that
 * a saved plan can be refused when the live state changed since.
 * Returns 0, or -1 with a message in err.
 */
int deploy_read_live(struct deploy *d, const struct plan_state *desired,
		     struct plan_state *live, char **fingerprint, struct strbuf *err);

/*
 * Reads, in parallel (S3 GetObject), the deployed scripts plan_compute
 * will ask deploy_fetch_script for: those of the live jobs whose
 * ScriptLocation changes.  A script that cannot be read is left to
 * deploy_fetch_script (which tries once more).
 */
void deploy_prefetch_scripts(struct deploy *d, const struct plan_state *desired,
			     const struct plan_state *live);
/* A plan_fetch_script_fn: ctx is the struct deploy.  A prefetched script
 * is handed over (a copy), else it is read now. */
char *deploy_fetch_script(void *ctx, const char *script_location);

/*
 * Applies every create/update/replace/destroy of p, kind by kind, each
 * kind in parallel across pipelines.  A failed resource does not stop
 * the others of its round, but later kinds are not started.  Returns 0
 * when everything applied, or -1 with the failures described in err.
 */
int deploy_apply(struct deploy *d, const struct plan *p, struct strbuf *err);

/* Rebuilds the desired state a saved plan was made from (its definitions). */
void deploy_desired_from_plan(const struct plan *p, struct plan_state *out);

#endif
