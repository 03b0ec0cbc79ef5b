/*
 * The alert rules' side of deploy (alerts.h): read with ListRules (the
 * names of the project's form), DescribeRule (declared names not listed),
 * ListTargetsByRule and ListTagsForResource; applied with PutRule,
 * PutTargets, RemoveTargets, TagResource/UntagResource and DeleteRule.
 * A rule's own tags decide whether pipec owns it: one without them, or
 * with another project's, is never changed (plan reports it).
 */
#include "deploy_internal.h"

#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "xalloc.h"

#define NOT_FOUND "ResourceNotFoundException"

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool declares_alerts(const struct plan_state *desired)
{
	size_t i;

	for (i = 0; i < desired->count; i++)
		if (desired->items[i].kind == PLAN_ALERT_RULE)
			return true;
	return false;
}

/* Whether name is an alert rule name of the project with this rule prefix. */
static bool under_prefix(const char *name, const char *rule_prefix, const char *project)
{
	struct strbuf got = STRBUF_INIT;
	bool yes = alerts_prefix_of(name, project, &got) && !strcmp(got.buf, rule_prefix);

	strbuf_release(&got);
	return yes;
}

/* Without the environment's name prefix (deploy --from): the rule prefix
 * of the declared alert rules. */
static bool declared_prefix(const struct plan_state *desired, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < desired->count; i++)
		if (desired->items[i].kind == PLAN_ALERT_RULE &&
		    alerts_prefix_of(desired->items[i].name, desired->project, out))
			return true;
	return false;
}

/* The project's rule names already in EventBridge (ListRules by prefix),
 * as name -> rule; only when the environment's name prefix is known, and
 * the project declares alerts or prunes (so a plan of a project without
 * alerts makes no EventBridge call for them). */
static int list_rules(struct deploy *d, const struct plan_state *desired, json_t *found,
		      struct strbuf *err)
{
	struct strbuf prefix = STRBUF_INIT;
	json_t *token = NULL;
	int rc = 0;

	if (!declares_alerts(desired) && !d->prune)
		return 0;
	if (d->name_prefix)
		alerts_rule_prefix(d->name_prefix, desired->project, &prefix);
	else if (d->alerts_prefix)
		strbuf_addstr(&prefix, d->alerts_prefix);
	else if (!declared_prefix(desired, &prefix))
		return 0;
	do {
		json_t *body = json_pack("{s:s, s:i}", "NamePrefix", prefix.buf, "Limit", 100), *out = NULL;
		json_t *v;
		size_t i;

		if (token)
			json_object_set_new(body, "NextToken", token);
		token = NULL;
		if (aws_events_call(d->client, "ListRules", body, &out) != AWS_OK) {
			deploy_api_error(d, err, "EventBridge ListRules");
			rc = -1;
			break;
		}
		json_array_foreach(json_object_get(out, "Rules"), i, v)
			if (jstr(v, "Name") && under_prefix(jstr(v, "Name"), prefix.buf, desired->project))
				json_object_set(found, jstr(v, "Name"), v);
		if (jstr(out, "NextToken"))
			token = json_string(jstr(out, "NextToken"));
		json_decref(out);
	} while (token);
	strbuf_release(&prefix);
	return rc;
}

/* The rules: listed ones, and the declared ones DescribeRule finds. */
static int find_rules(struct deploy *d, const struct plan_state *desired, json_t *found,
		      struct strbuf *err)
{
	json_t *names = json_array();
	size_t i;
	int rc;

	if (list_rules(d, desired, found, err)) {
		json_decref(names);
		return -1;
	}
	for (i = 0; i < desired->count; i++)
		if (desired->items[i].kind == PLAN_ALERT_RULE &&
		    !json_object_get(found, desired->items[i].name))
			json_array_append_new(names, json_string(desired->items[i].name));
	rc = deploy_get_each(d, AWS_SERVICE_EVENTS, "DescribeRule", "Name", names, NOT_FOUND, found,
			     err);
	json_decref(names);
	return rc;
}

/* The rule's ARN: the answer's, else the default bus's form. */
static char *rule_arn(struct deploy *d, const json_t *rule, const char *name)
{
	const char *region = aws_client_region(d->client);
	struct strbuf sb = STRBUF_INIT;

	if (jstr(rule, "Arn"))
		return xstrdup(jstr(rule, "Arn"));
	strbuf_addf(&sb, "arn:aws:events:%s:%s:rule/%s", region ? region : "",
		    d->account ? d->account : "", name);
	return strbuf_detach(&sb, NULL);
}

/* A target as pipec compares it: the members it sets. */
static json_t *target_body(const json_t *t)
{
	static const char *const keep[] = { "Id", "Arn", "RoleArn", "Input", "InputPath",
					    "InputTransformer", NULL };
	json_t *o = json_object();
	size_t i;

	for (i = 0; keep[i]; i++)
		if (json_object_get(t, keep[i]))
			json_object_set(o, keep[i], json_object_get(t, keep[i]));
	return o;
}

/* The live rule as a plan body: the pattern parsed (so that it diffs field
 * by field), tags as an object. */
static json_t *live_body(const json_t *rule, const json_t *tags_out, const json_t *targets_out)
{
	json_t *body = json_object(), *tags = json_object(), *targets = json_array(), *v, *pattern;
	const char *p = jstr(rule, "EventPattern");
	size_t i;

	json_object_set_new(body, "Name", json_string(jstr(rule, "Name")));
	if (jstr(rule, "Description"))
		json_object_set_new(body, "Description", json_string(jstr(rule, "Description")));
	pattern = p ? json_loads(p, 0, NULL) : NULL;
	if (p)
		json_object_set_new(body, "EventPattern", pattern ? pattern : json_string(p));
	if (jstr(rule, "ScheduleExpression"))
		json_object_set_new(body, "ScheduleExpression",
				    json_string(jstr(rule, "ScheduleExpression")));
	if (jstr(rule, "State"))
		json_object_set_new(body, "State", json_string(jstr(rule, "State")));
	json_array_foreach(json_object_get(tags_out, "Tags"), i, v)
		if (jstr(v, "Key") && jstr(v, "Value"))
			json_object_set_new(tags, jstr(v, "Key"), json_string(jstr(v, "Value")));
	json_object_set_new(body, "Tags", tags);
	json_array_foreach(json_object_get(targets_out, "Targets"), i, v)
		json_array_append_new(targets, target_body(v));
	json_object_set_new(body, "Targets", targets);
	return body;
}

int deploy_alerts_read(struct deploy *d, const struct plan_state *desired,
		       struct plan_state *live, json_t *fp, struct strbuf *err)
{
	json_t *found = json_object(), *names = json_array(), *arns = json_array();
	json_t *tags = json_object(), *targets = json_object(), *rule;
	const char *name;
	int rc = -1;

	if (find_rules(d, desired, found, err))
		goto out;
	if (json_object_size(found) && deploy_ensure_account(d, err))
		goto out;
	json_object_foreach(found, name, rule) {
		char *arn = rule_arn(d, rule, name);

		json_array_append_new(names, json_string(name));
		json_array_append_new(arns, json_string(arn));
		free(arn);
	}
	if (deploy_get_each(d, AWS_SERVICE_EVENTS, "ListTagsForResource", "ResourceARN", arns,
			    NOT_FOUND, tags, err) ||
	    deploy_get_each(d, AWS_SERVICE_EVENTS, "ListTargetsByRule", "Rule", names, NOT_FOUND,
			    targets, err))
		goto out;
	json_object_foreach(found, name, rule) {
		char *arn = rule_arn(d, rule, name);
		json_t *body = live_body(rule, json_object_get(tags, arn), json_object_get(targets, name));
		struct plan_resource *r;

		r = plan_state_add(live, PLAN_ALERT_RULE, name, PLAN_PIPELINE_ALERTS, body, NULL);
		r->live = true;
		r->tags_known = true;
		r->owned = deploy_tags_owned(json_object_get(body, "Tags"), desired);
		json_object_set(fp, name, body);
		free(arn);
	}
	rc = 0;
out:
	json_decref(found);
	json_decref(names);
	json_decref(arns);
	json_decref(tags);
	json_decref(targets);
	return rc;
}

/* The Ids of targets in had that want lacks (all of had when want is NULL). */
static json_t *stale_targets(const json_t *had, const json_t *want)
{
	json_t *ids = json_array(), *t, *w;
	size_t i, j;

	json_array_foreach(json_object_get(had, "Targets"), i, t) {
		bool kept = false;

		json_array_foreach(json_object_get(want, "Targets"), j, w)
			if (jstr(t, "Id") && jstr(w, "Id") && !strcmp(jstr(t, "Id"), jstr(w, "Id")))
				kept = true;
		if (!kept && jstr(t, "Id"))
			json_array_append_new(ids, json_string(jstr(t, "Id")));
	}
	return ids;
}

/* TagResource with the desired tags, UntagResource of the others. */
static void tag_steps(struct deploy *d, const struct plan_change *c, struct deploy_step *s,
		      size_t *n)
{
	json_t *put = alerts_put_rule_body(c->desired), *remove = json_array(), *v;
	char *arn = rule_arn(d, NULL, c->name);
	const char *key;

	deploy_step_add(s, n, AWS_SERVICE_EVENTS, "TagResource",
			json_pack("{s:s, s:O}", "ResourceARN", arn, "Tags", json_object_get(put, "Tags")),
			NULL);
	json_object_foreach(json_object_get(c->deployed, "Tags"), key, v)
		if (!json_object_get(json_object_get(c->desired, "Tags"), key))
			json_array_append_new(remove, json_string(key));
	if (json_array_size(remove))
		deploy_step_add(s, n, AWS_SERVICE_EVENTS, "UntagResource",
				json_pack("{s:s, s:O}", "ResourceARN", arn, "TagKeys", remove), NULL);
	json_decref(remove);
	json_decref(put);
	free(arn);
}

void deploy_alerts_steps(struct deploy *d, const struct plan_change *c, struct deploy_step *s,
			 size_t *n)
{
	json_t *stale = stale_targets(c->deployed, c->action == PLAN_DESTROY ? NULL : c->desired);

	if (json_array_size(stale))
		deploy_step_add(s, n, AWS_SERVICE_EVENTS, "RemoveTargets",
				json_pack("{s:s, s:O}", "Rule", c->name, "Ids", stale), NOT_FOUND);
	json_decref(stale);
	if (c->action == PLAN_DESTROY) {
		deploy_step_add(s, n, AWS_SERVICE_EVENTS, "DeleteRule",
				json_pack("{s:s}", "Name", c->name), NOT_FOUND);
		return;
	}
	if (c->action != PLAN_CREATE && c->action != PLAN_UPDATE && c->action != PLAN_REPLACE)
		return;
	deploy_step_add(s, n, AWS_SERVICE_EVENTS, "PutRule", alerts_put_rule_body(c->desired), NULL);
	deploy_step_add(s, n, AWS_SERVICE_EVENTS, "PutTargets",
			json_pack("{s:s, s:O}", "Rule", c->name, "Targets",
				  json_object_get(c->desired, "Targets")), NULL);
	if (c->action == PLAN_UPDATE && c->tags_changed)
		tag_steps(d, c, s, n);
}
