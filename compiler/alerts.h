/*
 * alerts: the environment's failure alerts (pipec.yaml `alerts:`,
 * docs/alerts.md) as resources: the EventBridge rules pipec owns that send
 * Glue "Job State Change" events of the project's jobs (and Data Quality
 * evaluation failures) to an SNS topic, with an input transformer that
 * makes a readable message.  Renders them (build: alerts.json) and adds
 * them to a plan state as `alert-rule` resources.
 *
 * Ownership: every returned string and json_t is the caller's.
 */
#ifndef PIPEC_ALERTS_H
#define PIPEC_ALERTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "model.h"
#include "plan.h"
#include "strbuf.h"

/* The artifact `pipec build` writes beside manifest.json when the
 * environment has alerts. */
#define ALERTS_FILE "alerts.json"

/* EventBridge's longest EventPattern (botocore's events-2015-10-07 model,
 * shape EventPattern: max 4096); a longer one is split over more rules. */
#define ALERTS_PATTERN_MAX 4096

/* Why the rule names of this project and prefix cannot be EventBridge
 * rule names (64 characters of [.-_A-Za-z0-9]), or NULL. */
const char *alerts_name_problem(const char *name_prefix, const char *project);

/* Whether name is one of the alert rule names of this project and prefix:
 * "<prefix>pipec-<project>-alerts" or "...-dq-alerts", either followed by
 * "-N" (N >= 2) when the job names needed more than one rule. */
bool alerts_is_rule_name(const char *name, const char *name_prefix, const char *project);

/* The prefix every alert rule name of the project starts with
 * ("<prefix>pipec-<project>-"), for ListRules' NamePrefix. */
void alerts_rule_prefix(const char *name_prefix, const char *project, struct strbuf *out);

/* The rule name prefix ("<prefix>pipec-<project>-") of one of the project's
 * alert rule names, whatever the environment's name prefix was; false when
 * name is not one. */
bool alerts_prefix_of(const char *name, const char *project, struct strbuf *out);

/* alerts.json: {"rules": [rule...]} with each rule's Name, Description,
 * EventPattern (an object), State and Targets; false (out untouched) when
 * the environment has no alerts or no job alerts. */
bool alerts_render(const struct model_project *mp, struct strbuf *out);

/* Adds the rules of an alerts.json text to s as alert-rule resources,
 * their Tags set to pipec's ownership tags of s's project and environment.
 * Returns 0, or -1 with a message in err. */
int alerts_add_state(struct plan_state *s, const char *json_text, struct strbuf *err);

/* The same from DIR/alerts.json; a missing file adds nothing. */
int alerts_load_dir(struct plan_state *s, const char *dir, struct strbuf *err);

/* EventBridge's form of a rule body: EventPattern as its JSON text, Tags
 * as a [{Key, Value}] list.  A new reference. */
json_t *alerts_put_rule_body(const json_t *rule);

#endif
