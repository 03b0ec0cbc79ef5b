/*
 * deploy_internal: what deploy.c shares with the readers and appliers of
 * other resource kinds kept in their own files (deploy_alerts.c): the
 * steps of an apply and a few reading helpers.  Not for other modules.
 */
#ifndef PIPEC_DEPLOY_INTERNAL_H
#define PIPEC_DEPLOY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "deploy.h"

#define DEPLOY_MAX_STEPS 6

/* One call of a resource's apply. */
struct deploy_step {
	enum aws_service svc;
	const char *op;
	json_t *body;		/* owned; a copy is sent */
	const char *tolerate;	/* an error code that counts as done */
};

/* Appends a step (takes body). */
void deploy_step_add(struct deploy_step *s, size_t *n, enum aws_service svc, const char *op,
		     json_t *body, const char *tolerate);

/* Adds "<what> failed: <message>" to err and records the failure kind. */
void deploy_api_error(struct deploy *d, struct strbuf *err, const char *what);

/* Resolves d->account (STS) when not known yet; 0 or -1 with err. */
int deploy_ensure_account(struct deploy *d, struct strbuf *err);

/* Whether tags (an object) say the desired project and environment own a resource. */
bool deploy_tags_owned(const json_t *tags, const struct plan_state *desired);

/*
 * One call per name, in parallel: operation op with {key: name}; out maps
 * name -> response; a name whose call failed with not_found is left out.
 * Returns 0, or -1 with err.
 */
int deploy_get_each(struct deploy *d, enum aws_service svc, const char *op, const char *key,
		    const json_t *names, const char *not_found, json_t *out, struct strbuf *err);

/* deploy_alerts.c: reads the alert rules (declared, and those of the
 * project's names) into live; their part of the fingerprint into fp. */
int deploy_alerts_read(struct deploy *d, const struct plan_state *desired,
		       struct plan_state *live, json_t *fp, struct strbuf *err);

/* deploy_alerts.c: the steps applying one alert-rule change. */
void deploy_alerts_steps(struct deploy *d, const struct plan_change *c, struct deploy_step *s,
			 size_t *n);

#endif
