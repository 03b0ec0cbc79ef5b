#include "deploy.h"
#include "deploy_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* BatchGetJobs/BatchGetTriggers name lists per call; BatchGetWorkflows allows 25. */
#define BATCH_NAMES 100
#define BATCH_WORKFLOWS 25
/* Up to this many rulesets not listed as owned are looked up one by one;
 * more, and one listing of every ruleset (1000 a page) is cheaper. */
#define RULESET_GETS_MAX 8
/* pipec's names of an S3-event pipeline's workflow and EventBridge rule:
 * "<job>-workflow" and "<job>-s3-event" (docs/artifacts.md) */
#define WORKFLOW_SUFFIX "-workflow"
#define EVENT_RULE_SUFFIX "-s3-event"

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void deploy_init(struct deploy *d, struct aws_client *c, const char *account)
{
	memset(d, 0, sizeof(*d));
	d->client = c;
	d->account = account && *account ? xstrdup(account) : NULL;
	d->expect_account = account && *account ? xstrdup(account) : NULL;
}

void deploy_release(struct deploy *d)
{
	size_t i;

	for (i = 0; i < d->scripts.count; i++) {
		free((char *)d->scripts.entries[i].key);
		free(d->scripts.entries[i].value);
	}
	strmap_release(&d->scripts);
	free(d->account);
	free(d->expect_account);
	d->account = NULL;
	d->expect_account = NULL;
}

/* One help line per failure kind, in the order printed. */
static const struct {
	enum deploy_failure kind;
	const char *help;
} failure_help[] = {
	{ DEPLOY_FAILED_ACCOUNT, "help: check the AWS credentials pipec uses (--profile, AWS_PROFILE, "
				 "AWS_ACCESS_KEY_ID) or the environment's account in pipec.yaml; running "
				 "again with the same credentials cannot help" },
	{ DEPLOY_FAILED_CREDENTIALS, "help: check the access key and secret (or the profile) pipec is "
				     "using; running again with them cannot help" },
	{ DEPLOY_FAILED_OWNER, "help: pipec never takes over a resource it does not own; rename the "
			       "pipeline (or the environment's name_prefix) or remove the other "
			       "resource; running pipec deploy again cannot help" },
	{ DEPLOY_FAILED_BUCKET, "help: create the bucket (aws s3 mb s3://BUCKET --region REGION) or "
				"name an existing one in the environment's script_bucket in "
				"pipec.yaml; running pipec deploy again cannot help until it "
				"exists" },
	{ DEPLOY_FAILED_RETRY, "help: run pipec deploy again: it continues from what is deployed" },
};

const char *deploy_failure_help(unsigned failed, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < sizeof(failure_help) / sizeof(failure_help[0]); i++)
		if (failed & failure_help[i].kind)
			strbuf_addf(out, "%s\n", failure_help[i].help);
	return out->buf;
}

static void api_error(struct deploy *d, struct strbuf *err, const char *what)
{
	const char *code = aws_error_code(d->client);

	strbuf_addf(err, "%s failed: %s", what, aws_errmsg(d->client));
	if (code && *code && !strstr(aws_errmsg(d->client), code))
		strbuf_addf(err, " (%s)", code);
	if (aws_error_is(d->client, "SignatureDoesNotMatch") ||
	    aws_error_is(d->client, "InvalidClientTokenId") ||
	    aws_error_is(d->client, "UnrecognizedClientException") ||
	    aws_error_is(d->client, "InvalidAccessKeyId")) {
		strbuf_addstr(err, "; the AWS credentials were rejected: check the access key and secret "
				   "(or the profile) pipec is using");
		d->failed |= DEPLOY_FAILED_CREDENTIALS;
	} else {
		d->failed |= DEPLOY_FAILED_RETRY;
	}
}

static int ensure_account(struct deploy *d, struct strbuf *err)
{
	struct aws_identity id;

	if (d->account)
		return 0;
	memset(&id, 0, sizeof(id));
	if (aws_sts_get_caller_identity(d->client, &id) != AWS_OK) {
		api_error(d, err, "STS GetCallerIdentity");
		return -1;
	}
	d->account = xstrdup(id.account ? id.account : "");
	aws_identity_release(&id);
	return 0;
}

/*
 * The account guard, before anything is read or written: the credentials'
 * account (STS GetCallerIdentity) must be the environment's account when
 * pipec.yaml sets one; when it does not, the account used is named on
 * stderr.  Once per deploy context.
 */
static int check_account(struct deploy *d, const struct plan_state *desired, struct strbuf *err)
{
	struct aws_identity id;
	const char *got;

	if (d->account_checked)
		return 0;
	memset(&id, 0, sizeof(id));
	if (aws_sts_get_caller_identity(d->client, &id) != AWS_OK) {
		api_error(d, err, "STS GetCallerIdentity");
		return -1;
	}
	got = id.account ? id.account : "";
	if (d->expect_account && strcmp(d->expect_account, got)) {
		if (d->expect_from)
			strbuf_addf(err, "account mismatch: %s is for account %s, but ", d->expect_from,
				    d->expect_account);
		else
			strbuf_addf(err, "account mismatch: environment '%s' is account %s (pipec.yaml), "
				    "but ", desired->environment, d->expect_account);
		strbuf_addf(err, "the AWS credentials are for account %s; nothing was changed", got);
		d->failed |= DEPLOY_FAILED_ACCOUNT;
		aws_identity_release(&id);
		return -1;
	}
	if (!d->expect_account)
		fprintf(stderr, "note: using account %s (the credentials'; environment '%s' sets no "
			"account)\n", got, desired->environment);
	free(d->account);
	d->account = xstrdup(got);
	d->account_checked = true;
	aws_identity_release(&id);
	return 0;
}

static char *resource_arn(struct deploy *d, enum plan_kind k, const char *name)
{
	const char *type = k == PLAN_JOB ? "job" : k == PLAN_TRIGGER ? "trigger" :
			   k == PLAN_WORKFLOW ? "workflow" : "dataQualityRuleset";
	const char *region = aws_client_region(d->client);
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "arn:aws:glue:%s:%s:%s/%s", region ? region : "", d->account ? d->account : "",
		    type, name);
	return strbuf_detach(&sb, NULL);
}

/* ---- reading ---- */

static char *owner_value(const struct plan_state *desired)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", desired->project, desired->environment);
	return strbuf_detach(&sb, NULL);
}

/* The owner tag's value as set on resources (encoded, see plan.h). */
static json_t *owner_tags(const struct plan_state *desired)
{
	char *owner = owner_value(desired), *enc = plan_tag_encode(owner);
	json_t *t = json_pack("{s:s}", PLAN_TAG_OWNER, enc);

	free(owner);
	free(enc);
	return t;
}

/* Whether one of pipec's own tags, decoded, has the value want. */
static bool own_tag_is(const json_t *tags, const char *key, const char *want)
{
	char *v;
	bool same;

	if (!jstr(tags, key))
		return false;
	v = plan_tag_decode(jstr(tags, key));
	same = !strcmp(v, want);
	free(v);
	return same;
}

/* Ownership as the resource's own tags say (the list filter is only a pre-selection). */
static bool tags_owned(const json_t *tags, const struct plan_state *desired)
{
	char *owner = owner_value(desired);
	bool mine = tags && own_tag_is(tags, PLAN_TAG_OWNER, owner) &&
		    own_tag_is(tags, PLAN_TAG_PROJECT, desired->project) &&
		    own_tag_is(tags, PLAN_TAG_ENV, desired->environment);

	free(owner);
	return mine;
}

/* Names of resources listed by a tag-filtered List* call (strings or objects with Name). */
static int list_owned(struct deploy *d, const struct plan_state *desired, const char *op,
		      const char *list_key, int max_results, json_t *owned, struct strbuf *err)
{
	json_t *items = NULL, *body = json_object(), *v;
	size_t i;

	json_object_set_new(body, "Tags", owner_tags(desired));
	json_object_set_new(body, "MaxResults", json_integer(max_results));
	if (aws_glue_paginate(d->client, op, body, list_key, &items) != AWS_OK) {
		api_error(d, err, op);
		return -1;
	}
	json_array_foreach(items, i, v) {
		const char *name = json_is_string(v) ? json_string_value(v) : jstr(v, "Name");

		if (name)
			json_object_set(owned, name, json_is_object(v) ? v : json_true());
	}
	json_decref(items);
	return 0;
}

static void add_name(json_t *names, json_t *seen, const char *name)
{
	if (json_object_get(seen, name))
		return;
	json_object_set_new(seen, name, json_true());
	json_array_append_new(names, json_string(name));
}

/* One Batch* operation over names in chunks, run in parallel; found items appended to out. */
static int batch_get(struct deploy *d, const char *op, const char *names_key,
		     const char *out_key, size_t chunk, const json_t *names, json_t *out,
		     struct strbuf *err)
{
	size_t n = json_array_size(names), ncalls = (n + chunk - 1) / chunk, i, j;
	struct aws_call *calls;
	int rc = 0;

	if (!n)
		return 0;
	calls = xcalloc(ncalls, sizeof(*calls));
	for (i = 0; i < ncalls; i++) {
		json_t *part = json_array();

		for (j = i * chunk; j < n && j < (i + 1) * chunk; j++)
			json_array_append(part, json_array_get(names, j));
		calls[i].service = AWS_SERVICE_GLUE;
		calls[i].operation = op;
		calls[i].body = json_pack("{s:o}", names_key, part);
	}
	if (aws_json_batch(d->client, calls, ncalls) != AWS_OK) {
		api_error(d, err, op);
		rc = -1;
	}
	for (i = 0; i < ncalls; i++) {
		if (rc == 0)
			json_array_extend(out, json_object_get(calls[i].out, out_key));
		aws_call_release(&calls[i]);
	}
	free(calls);
	return rc;
}

/*
 * One call per name (Get*, DescribeRule, GetTags), in parallel.  out maps
 * name -> response; a name whose call failed with not_found is left out.
 */
static int get_each(struct deploy *d, enum aws_service svc, const char *op, const char *key,
		    const json_t *names, const char *not_found, json_t *out, struct strbuf *err)
{
	size_t n = json_array_size(names), i;
	struct aws_call *calls;
	int rc = 0;

	if (!n)
		return 0;
	calls = xcalloc(n, sizeof(*calls));
	for (i = 0; i < n; i++) {
		calls[i].service = svc;
		calls[i].operation = op;
		calls[i].body = json_pack("{s:O}", key, json_array_get(names, i));
	}
	aws_json_batch(d->client, calls, n);
	for (i = 0; i < n; i++) {
		const char *name = json_string_value(json_array_get(names, i));

		if (calls[i].status == AWS_OK) {
			json_object_set(out, name, calls[i].out);
		} else if (!(calls[i].error_code && not_found &&
			     !strcmp(calls[i].error_code, not_found)) && rc == 0) {
			strbuf_addf(err, "%s '%s' failed: %s", op, name,
				    calls[i].error_message ? calls[i].error_message : "error");
			if (calls[i].http_status == 403)
				strbuf_addstr(err, "; the AWS credentials were rejected: check the access "
						   "key and secret (or the profile) pipec is using");
			rc = -1;
		}
		aws_call_release(&calls[i]);
	}
	free(calls);
	return rc;
}

int deploy_get_each(struct deploy *d, enum aws_service svc, const char *op, const char *key,
		    const json_t *names, const char *not_found, json_t *out, struct strbuf *err)
{
	return get_each(d, svc, op, key, names, not_found, out, err);
}

void deploy_api_error(struct deploy *d, struct strbuf *err, const char *what)
{
	api_error(d, err, what);
}

int deploy_ensure_account(struct deploy *d, struct strbuf *err)
{
	return ensure_account(d, err);
}

bool deploy_tags_owned(const json_t *tags, const struct plan_state *desired)
{
	return tags_owned(tags, desired);
}

static const char *desired_pipeline(const struct plan_state *desired, enum plan_kind k,
				    const char *name)
{
	const struct plan_resource *r = plan_state_find(desired, k, name);

	return r ? r->pipeline : NULL;
}

/* Live fields that change by themselves and say nothing about the definition. */
static json_t *fingerprint_copy(const json_t *v)
{
	json_t *c = json_deep_copy(v);

	json_object_del(c, "State");
	json_object_del(c, "LastRun");
	return c;
}

static void add_live(struct plan_state *live, const struct plan_state *desired, enum plan_kind k,
		     const json_t *body, const json_t *owned, json_t *fp_part)
{
	const char *name = jstr(body, "Name");
	const char *pipe;
	struct plan_resource *r;

	if (!name)
		return;
	pipe = desired_pipeline(desired, k, name);
	r = plan_state_add(live, k, name, pipe ? pipe : "", json_deep_copy(body), NULL);
	r->live = true;
	r->tags_known = false;
	/* without a listing (workflows) only the resource's tags say it is owned */
	r->owned = owned ? json_object_get(owned, name) != NULL : false;
	json_object_set_new(fp_part, name, fingerprint_copy(body));
}

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/*
 * The live definition of a listed ruleset whose Description carries the
 * desired marker: the marker hashes the whole desired definition, so the
 * rules are the desired ones; what the listing returns is taken from it.
 */
static json_t *listed_ruleset(const json_t *want, const json_t *item)
{
	static const char *const listed[] = { "Name", "Description", "TargetTable", NULL };
	json_t *body = json_deep_copy(want);
	size_t i;

	json_object_del(body, "Tags");
	for (i = 0; listed[i]; i++)
		if (json_object_get(item, listed[i]))
			json_object_set(body, listed[i], json_object_get(item, listed[i]));
	return body;
}

/*
 * Rulesets: every owned one is in the listing (Name, Description,
 * TargetTable); only those whose marker differs from the desired one, the
 * undeclared ones and the desired ones not listed as owned (absent, or
 * someone else's) are read with GetDataQualityRuleset.
 */
static int read_rulesets(struct deploy *d, const struct plan_state *desired,
			 struct plan_state *live, const json_t *names, const json_t *owned,
			 json_t *fp_rulesets, struct strbuf *err)
{
	json_t *to_get = json_array(), *got = json_object(), *val;
	size_t i, missing = 0;
	const char *key;
	int rc = -1;

	json_array_foreach(names, i, val) {
		const char *name = json_string_value(val);
		const json_t *item = json_object_get(owned, name);
		const struct plan_resource *want = plan_state_find(desired, PLAN_RULESET, name);

		if (!d->refresh && item && want && jstr(item, "Description") &&
		    same_str(jstr(item, "Description"), jstr(want->body, "Description"))) {
			json_t *body = listed_ruleset(want->body, item);

			add_live(live, desired, PLAN_RULESET, body, owned, fp_rulesets);
			json_decref(body);
			continue;
		}
		missing += !item;
		json_array_append(to_get, val);
	}
	if (missing > RULESET_GETS_MAX) {
		json_t *all = NULL, *exists = json_object(), *keep = json_array();

		if (aws_glue_paginate(d->client, "ListDataQualityRulesets",
				      json_pack("{s:i}", "MaxResults", 1000), "Rulesets", &all) != AWS_OK) {
			api_error(d, err, "ListDataQualityRulesets");
			json_decref(exists);
			json_decref(keep);
			goto out;
		}
		json_array_foreach(all, i, val)
			if (jstr(val, "Name"))
				json_object_set_new(exists, jstr(val, "Name"), json_true());
		json_array_foreach(to_get, i, val)
			if (json_object_get(owned, json_string_value(val)) ||
			    json_object_get(exists, json_string_value(val)))
				json_array_append(keep, val);
		json_decref(all);
		json_decref(exists);
		json_decref(to_get);
		to_get = keep;
	}
	if (get_each(d, AWS_SERVICE_GLUE, "GetDataQualityRuleset", "Name", to_get,
		     "EntityNotFoundException", got, err))
		goto out;
	json_object_foreach(got, key, val)
		add_live(live, desired, PLAN_RULESET, val, owned, fp_rulesets);
	rc = 0;
out:
	json_decref(to_get);
	json_decref(got);
	return rc;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

/* Workflows named as pipec names them in this environment, not declared (--prune only). */
static int list_workflows(struct deploy *d, const struct plan_state *desired, json_t *names,
			  json_t *seen, struct strbuf *err)
{
	json_t *items = NULL, *v;
	size_t i;

	if (aws_glue_paginate(d->client, "ListWorkflows", json_pack("{s:i}", "MaxResults", 25),
			      "Workflows", &items) != AWS_OK) {
		api_error(d, err, "ListWorkflows");
		return -1;
	}
	json_array_foreach(items, i, v) {
		const char *name = json_string_value(v);

		if (!name || !has_suffix(name, WORKFLOW_SUFFIX) ||
		    (d->name_prefix && strncmp(name, d->name_prefix, strlen(d->name_prefix))) ||
		    plan_state_find(desired, PLAN_WORKFLOW, name))
			continue;
		add_name(names, seen, name);
	}
	json_decref(items);
	return 0;
}

/*
 * The EventBridge rule of each owned, undeclared workflow: the rule pipec
 * names after it, when every one of its targets is that workflow (so
 * deleting it stops nothing but what is being pruned).
 */
static int read_orphan_rules(struct deploy *d, const struct plan_state *desired,
			     struct plan_state *live, json_t *fp_rules, struct strbuf *err)
{
	json_t *rules = json_array(), *wf_of = json_object(), *got = json_object();
	json_t *targets = json_object(), *found = json_array(), *val;
	size_t i, n = live->count;
	const char *key;
	int rc = -1;

	for (i = 0; i < n; i++) {
		const struct plan_resource *r = &live->items[i];
		struct strbuf rule = STRBUF_INIT;

		if (r->kind != PLAN_WORKFLOW || !r->owned || !r->tags_known ||
		    plan_state_find(desired, PLAN_WORKFLOW, r->name) ||
		    !has_suffix(r->name, WORKFLOW_SUFFIX))
			continue;
		strbuf_add(&rule, r->name, strlen(r->name) - strlen(WORKFLOW_SUFFIX));
		strbuf_addstr(&rule, EVENT_RULE_SUFFIX);
		if (!plan_state_find(desired, PLAN_EVENT_RULE, rule.buf) &&
		    !plan_state_find(live, PLAN_EVENT_RULE, rule.buf) && !json_object_get(wf_of, rule.buf)) {
			json_array_append_new(rules, json_string(rule.buf));
			json_object_set_new(wf_of, rule.buf, json_string(r->name));
		}
		strbuf_release(&rule);
	}
	if (get_each(d, AWS_SERVICE_EVENTS, "DescribeRule", "Name", rules,
		     "ResourceNotFoundException", got, err))
		goto out;
	json_object_foreach(got, key, val)
		json_array_append_new(found, json_string(key));
	if (get_each(d, AWS_SERVICE_EVENTS, "ListTargetsByRule", "Rule", found,
		     "ResourceNotFoundException", targets, err))
		goto out;
	json_object_foreach(got, key, val) {
		const char *wf = json_string_value(json_object_get(wf_of, key));
		const struct plan_resource *w = plan_state_find(live, PLAN_WORKFLOW, wf);
		const json_t *t = json_object_get(targets, key), *tg;
		char *arn = resource_arn(d, PLAN_WORKFLOW, wf);
		bool mine = t && !json_is_string(json_object_get(t, "NextToken"));
		size_t j;

		json_array_foreach(json_object_get(t, "Targets"), j, tg)
			if (!same_str(jstr(tg, "Arn"), arn))
				mine = false;
		if (mine && w) {
			json_t *body = json_object(), *rule = json_object();
			static const char *const keep[] = { "Name", "Description", "EventPattern",
							    "ScheduleExpression", "State", NULL };
			struct plan_resource *r;
			size_t k;

			for (k = 0; keep[k]; k++)
				if (json_object_get(val, keep[k]))
					json_object_set(rule, keep[k], json_object_get(val, keep[k]));
			json_object_set_new(body, "PutRule", rule);
			json_object_set_new(body, "PutTargets",
					    json_pack("{s:s, s:O}", "Rule", key, "Targets",
						      json_object_get(t, "Targets") ? json_object_get(t, "Targets")
										    : json_array()));
			r = plan_state_add(live, PLAN_EVENT_RULE, key, w->pipeline, body, NULL);
			r->live = true;
			json_object_set_new(fp_rules, key, fingerprint_copy(val));
		}
		free(arn);
	}
	rc = 0;
out:
	json_decref(rules);
	json_decref(wf_of);
	json_decref(got);
	json_decref(targets);
	json_decref(found);
	return rc;
}

/* What deploy_read_live gathers on its way: per kind, the names to read
 * (an array, and an object of the same names against duplicates); the
 * names listed as owned, per Glue kind that can be listed by tag; and the
 * parts of the fingerprint, per kind read. */
struct live_read {
	json_t *names[PLAN_NKINDS], *seen[PLAN_NKINDS];
	json_t *owned_jobs, *owned_triggers, *owned_rulesets;
	json_t *fp_jobs, *fp_triggers, *fp_rulesets, *fp_workflows, *fp_rules, *fp_tags;
	json_t *fp_scripts;	/* refresh: ScriptLocation -> sha256 of the object found */
	json_t *fp_alerts;	/* alert rules: name -> the live rule read */
	bool need_rulesets;	/* the project declares a ruleset */
};

/* Starts lr with the names of every desired resource. */
static void live_read_init(struct live_read *lr, const struct plan_state *desired)
{
	size_t i, k;

	memset(lr, 0, sizeof(*lr));
	lr->owned_jobs = json_object();
	lr->owned_triggers = json_object();
	lr->owned_rulesets = json_object();
	lr->fp_jobs = json_object();
	lr->fp_triggers = json_object();
	lr->fp_rulesets = json_object();
	lr->fp_workflows = json_object();
	lr->fp_rules = json_object();
	lr->fp_tags = json_object();
	lr->fp_scripts = json_object();
	lr->fp_alerts = json_object();
	for (k = 0; k < PLAN_NKINDS; k++) {
		lr->names[k] = json_array();
		lr->seen[k] = json_object();
	}
	for (i = 0; i < desired->count; i++) {
		add_name(lr->names[desired->items[i].kind], lr->seen[desired->items[i].kind],
			 desired->items[i].name);
		if (desired->items[i].kind == PLAN_RULESET)
			lr->need_rulesets = true;
	}
}

static void live_read_release(struct live_read *lr)
{
	size_t k;

	for (k = 0; k < PLAN_NKINDS; k++) {
		json_decref(lr->names[k]);
		json_decref(lr->seen[k]);
	}
	json_decref(lr->owned_jobs);
	json_decref(lr->owned_triggers);
	json_decref(lr->owned_rulesets);
	json_decref(lr->fp_jobs);
	json_decref(lr->fp_triggers);
	json_decref(lr->fp_rulesets);
	json_decref(lr->fp_workflows);
	json_decref(lr->fp_rules);
	json_decref(lr->fp_tags);
	json_decref(lr->fp_scripts);
	json_decref(lr->fp_alerts);
}

/* Lists the jobs, triggers and rulesets tagged as the project's, and adds
 * them to the names to read. */
static int read_owned(struct deploy *d, const struct plan_state *desired, struct live_read *lr,
		      struct strbuf *err)
{
	const char *key;
	json_t *val;

	if (list_owned(d, desired, "ListJobs", "JobNames", 1000, lr->owned_jobs, err) ||
	    list_owned(d, desired, "ListTriggers", "TriggerNames", 200, lr->owned_triggers, err))
		return -1;
	/* Rulesets are listed only when the project has some: not every
	 * account or endpoint offers Data Quality. */
	if (lr->need_rulesets &&
	    list_owned(d, desired, "ListDataQualityRulesets", "Rulesets", 1000, lr->owned_rulesets,
		       err))
		return -1;
	json_object_foreach(lr->owned_jobs, key, val)
		add_name(lr->names[PLAN_JOB], lr->seen[PLAN_JOB], key);
	json_object_foreach(lr->owned_triggers, key, val)
		add_name(lr->names[PLAN_TRIGGER], lr->seen[PLAN_TRIGGER], key);
	json_object_foreach(lr->owned_rulesets, key, val)
		add_name(lr->names[PLAN_RULESET], lr->seen[PLAN_RULESET], key);
	return 0;
}

/* Reads the jobs, triggers and workflows named in lr, in batches. */
static int read_glue_batches(struct deploy *d, const struct plan_state *desired,
			     struct plan_state *live, struct live_read *lr, struct strbuf *err)
{
	json_t *found = json_array(), *val;
	size_t i;
	int rc = -1;

	if (batch_get(d, "BatchGetJobs", "JobNames", "Jobs", BATCH_NAMES, lr->names[PLAN_JOB], found,
		      err))
		goto out;
	json_array_foreach(found, i, val)
		add_live(live, desired, PLAN_JOB, val, lr->owned_jobs, lr->fp_jobs);
	json_array_clear(found);
	if (batch_get(d, "BatchGetTriggers", "TriggerNames", "Triggers", BATCH_NAMES,
		      lr->names[PLAN_TRIGGER], found, err))
		goto out;
	json_array_foreach(found, i, val) {
		const char *wf = jstr(val, "WorkflowName");

		add_live(live, desired, PLAN_TRIGGER, val, lr->owned_triggers, lr->fp_triggers);
		/* the workflow of an owned trigger is read too, so that a removed
		 * S3-event pipeline's workflow is found (its tags decide) */
		if (wf && jstr(val, "Name") && json_object_get(lr->owned_triggers, jstr(val, "Name")))
			add_name(lr->names[PLAN_WORKFLOW], lr->seen[PLAN_WORKFLOW], wf);
	}
	json_array_clear(found);
	if (d->prune &&
	    list_workflows(d, desired, lr->names[PLAN_WORKFLOW], lr->seen[PLAN_WORKFLOW], err))
		goto out;
	if (batch_get(d, "BatchGetWorkflows", "Names", "Workflows", BATCH_WORKFLOWS,
		      lr->names[PLAN_WORKFLOW], found, err))
		goto out;
	json_array_foreach(found, i, val) {
		/* workflows cannot be listed by tag: their tags decide ownership below */
		add_live(live, desired, PLAN_WORKFLOW, val, NULL, lr->fp_workflows);
	}
	rc = 0;
out:
	json_decref(found);
	return rc;
}

/* Reads the EventBridge rules the project declares (names). */
static int read_declared_rules(struct deploy *d, const struct plan_state *desired,
			       struct plan_state *live, const json_t *names, json_t *fp_rules,
			       struct strbuf *err)
{
	json_t *got = json_object(), *val;
	const char *key;

	if (get_each(d, AWS_SERVICE_EVENTS, "DescribeRule", "Name", names,
		     "ResourceNotFoundException", got, err)) {
		json_decref(got);
		return -1;
	}
	json_object_foreach(got, key, val) {
		const struct plan_resource *want = plan_state_find(desired, PLAN_EVENT_RULE, key);
		json_t *rule = json_object(), *body = json_object();
		const char *m;
		json_t *mv;
		struct plan_resource *r;

		/* Only what PutRule sets is compared; the targets are re-put on every change. */
		json_object_foreach(json_object_get(want->body, "PutRule"), m, mv) {
			if (json_object_get(val, m))
				json_object_set(rule, m, json_object_get(val, m));
			else if (!strcmp(m, "Tags"))	/* DescribeRule does not return them */
				json_object_set(rule, m, mv);
		}
		json_object_set_new(body, "PutRule", rule);
		if (json_object_get(want->body, "PutTargets"))
			json_object_set(body, "PutTargets", json_object_get(want->body, "PutTargets"));
		r = plan_state_add(live, PLAN_EVENT_RULE, key, want->pipeline, body, NULL);
		r->live = true;
		json_object_set_new(fp_rules, key, fingerprint_copy(val));
	}
	json_decref(got);
	return 0;
}

/* Marks in need the live resources whose tags are read, and returns how
 * many.  Tags are read only where they matter: undeclared owned resources
 * (to name their pipeline), workflows (ownership) and changed definitions. */
static size_t tags_needed(const struct deploy *d, const struct plan_state *desired,
			  const struct plan_state *live, bool *need)
{
	size_t i, nneed = 0;

	for (i = 0; i < live->count; i++) {
		const struct plan_resource *r = &live->items[i];
		const struct plan_resource *want = plan_state_find(desired, r->kind, r->name);

		if (r->kind == PLAN_WORKFLOW)
			need[i] = true;
		else if (r->kind != PLAN_EVENT_RULE && r->kind != PLAN_ALERT_RULE && r->owned)
			need[i] = d->refresh_tags || !want || plan_live_differs(want, r->body);
		else if (r->kind != PLAN_EVENT_RULE && r->kind != PLAN_ALERT_RULE &&
			 r->kind != PLAN_FILE && want)
			need[i] = true;	/* not ours, in the way: its tags name its owner */
		nneed += need[i];
	}
	return nneed;
}

/* Puts the tags read (tags: ARN -> GetTags response) into the live
 * resources, which decides the ownership of workflows. */
static void apply_tags(struct deploy *d, const struct plan_state *desired,
		       struct plan_state *live, const json_t *tags, json_t *fp_tags)
{
	size_t i;

	for (i = 0; i < live->count; i++) {
		struct plan_resource *r = &live->items[i];
		char *a;
		json_t *t;

		if (r->kind == PLAN_EVENT_RULE || r->kind == PLAN_ALERT_RULE)
			continue;
		a = resource_arn(d, r->kind, r->name);
		t = json_object_get(json_object_get(tags, a), "Tags");
		if (json_object_get(tags, a)) {
			json_object_set(r->body, "Tags", t ? t : json_object());
			r->tags_known = true;
			json_object_set(fp_tags, a, t ? t : json_object());
			r->owned = tags_owned(t, desired);
			if (!*r->pipeline && t && jstr(t, PLAN_TAG_PIPELINE)) {
				free(r->pipeline);
				r->pipeline = plan_tag_decode(jstr(t, PLAN_TAG_PIPELINE));
			}
		}
		free(a);
	}
}

static int read_tags(struct deploy *d, const struct plan_state *desired,
		     struct plan_state *live, json_t *fp_tags, struct strbuf *err)
{
	bool *need = xcalloc(live->count + 1, sizeof(*need));
	json_t *tags = json_object(), *arns;
	size_t i;
	int rc = 0;

	if (!tags_needed(d, desired, live, need))
		goto out;
	rc = ensure_account(d, err);
	if (rc)
		goto out;
	arns = json_array();
	for (i = 0; i < live->count; i++) {
		char *a;

		if (!need[i])
			continue;
		a = resource_arn(d, live->items[i].kind, live->items[i].name);
		json_array_append_new(arns, json_string(a));
		free(a);
	}
	rc = get_each(d, AWS_SERVICE_GLUE, "GetTags", "ResourceArn", arns,
		      "EntityNotFoundException", tags, err);
	json_decref(arns);
	if (!rc)
		apply_tags(d, desired, live, tags, fp_tags);
out:
	free(need);
	json_decref(tags);
	return rc;
}

/* Uploaded files are content-addressed: present when the deployed job
 * already points at them. */
static void add_live_files(const struct plan_state *desired, struct plan_state *live)
{
	size_t i, j;

	for (i = 0; i < desired->count; i++) {
		const struct plan_resource *f = &desired->items[i];

		if (f->kind != PLAN_FILE)
			continue;
		for (j = 0; j < live->count; j++) {
			const struct plan_resource *r = &live->items[j];
			char *t;

			if (r->kind != PLAN_JOB || strcmp(r->pipeline, f->pipeline))
				continue;
			t = plan_json_text(json_object_get(r->body, "DefaultArguments"));
			if (strstr(t, f->name)) {
				struct plan_resource *lf = plan_state_add(live, PLAN_FILE, f->name, f->pipeline,
									   json_deep_copy(f->body), NULL);
				lf->live = true;
			}
			free(t);
		}
	}
}

static bool split_s3(const char *loc, char **bucket, const char **key);

/* The 64 hex digits naming a content-addressed script key (".../<sha256>.py"), or NULL. */
static const char *key_sha256(const char *location)
{
	const char *base = strrchr(location, '/');
	size_t i;

	base = base ? base + 1 : location;
	if (strlen(base) != 67 || strcmp(base + 64, ".py"))
		return NULL;
	for (i = 0; i < 64; i++)
		if (!strchr("0123456789abcdef", base[i]))
			return NULL;
	return base;
}

/*
 * One deployed script object against the SHA-256 its key names: HeadObject
 * in checksum mode, and GetObject (hashed here) when S3 keeps no SHA-256 of
 * it or keeps another one.  Sets *found to the object's text when it is not
 * the one its key names ("" when the object is missing).  Returns 0, or -1
 * with a message in err.
 */
static int check_script(struct deploy *d, const char *location, const char *want_hex,
			char **found, char got_hex[65], struct strbuf *err)
{
	struct aws_s3_head h;
	char *bucket, *data = NULL;
	const char *key;
	size_t len;
	enum aws_status st;

	*found = NULL;
	got_hex[0] = '\0';
	if (!split_s3(location, &bucket, &key))
		return 0;
	st = aws_s3_head_object_checksum(d->client, bucket, key, &h);
	if (st == AWS_OK && h.checksum_sha256 && !strncmp(h.checksum_sha256, want_hex, 64)) {
		memcpy(got_hex, want_hex, 64);
		got_hex[64] = '\0';
	} else if (st != AWS_OK && aws_error_is(d->client, "NotFound")) {
		strcpy(got_hex, "missing");
		*found = xstrdup("");
	} else if (st != AWS_OK || aws_s3_get_object(d->client, bucket, key, &data, &len) != AWS_OK) {
		api_error(d, err, "reading the script object");
		strbuf_addf(err, " (%s)", location);
		aws_s3_head_release(&h);
		free(bucket);
		return -1;
	} else {
		plan_sha256_hex(data, len, got_hex);
		if (strncmp(got_hex, want_hex, 64))
			*found = data;
		else
			free(data);
	}
	aws_s3_head_release(&h);
	free(bucket);
	return 0;
}

/* One deployed script plan --refresh checks. */
struct script_check {
	struct plan_resource *r;
	const char *loc;
	const char *hex;		/* the SHA-256 its key names */
	char *bucket;
	const char *key;		/* within loc */
};

/* The live jobs whose deployed script is the desired one, under a content-addressed key. */
static size_t scripts_to_check(const struct plan_state *desired, struct plan_state *live,
			       struct script_check *out)
{
	size_t i, n = 0;

	for (i = 0; i < live->count; i++) {
		struct plan_resource *r = &live->items[i];
		const struct plan_resource *want = plan_state_find(desired, r->kind, r->name);
		const char *loc, *want_loc, *hex, *key;

		if (r->kind != PLAN_JOB || !want)
			continue;
		loc = json_string_value(json_object_get(json_object_get(r->body, "Command"),
							"ScriptLocation"));
		want_loc = json_string_value(json_object_get(json_object_get(want->body, "Command"),
							     "ScriptLocation"));
		if (!loc || !want_loc || strcmp(loc, want_loc) || !(hex = key_sha256(loc)) ||
		    !split_s3(loc, &out[n].bucket, &key))
			continue;
		out[n].key = key;
		out[n].r = r;
		out[n].loc = loc;
		out[n].hex = hex;
		n++;
	}
	return n;
}

/*
 * plan --refresh: every deployed script a declared job keeps (its
 * ScriptLocation is the desired one) is checked against the SHA-256 in its
 * key.  An object replaced (or removed) in S3 becomes the live job's
 * script, which the plan diffs against the desired one and deploy uploads
 * again.  The HeadObject calls (checksum mode) run in parallel; an object
 * whose checksum S3 does not keep (or another one), or whose HEAD failed,
 * is read again one by one (check_script: HEAD, then GetObject).
 */
static int read_scripts(struct deploy *d, const struct plan_state *desired,
			struct plan_state *live, json_t *fp_scripts, struct strbuf *err)
{
	struct script_check *sc = xcalloc(live->count + 1, sizeof(*sc));
	struct aws_s3_head_call *calls = xcalloc(live->count + 1, sizeof(*calls));
	size_t n = scripts_to_check(desired, live, sc), i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		calls[i].bucket = sc[i].bucket;
		calls[i].key = sc[i].key;
		calls[i].checksum = true;
	}
	if (n)
		aws_s3_head_batch(d->client, calls, n);
	for (i = 0; i < n; i++) {
		const char *have = calls[i].head.checksum_sha256;
		char got[65], *found = NULL;

		if (calls[i].status == AWS_OK && have && !strncmp(have, sc[i].hex, 64)) {
			snprintf(got, sizeof(got), "%.64s", sc[i].hex);
		} else if (calls[i].status != AWS_OK && calls[i].error_code &&
			   !strcmp(calls[i].error_code, "NotFound")) {
			strcpy(got, "missing");
			found = xstrdup("");
		} else if (check_script(d, sc[i].loc, sc[i].hex, &found, got, err)) {
			rc = -1;
			break;
		}
		if (*got)
			json_object_set_new(fp_scripts, sc[i].loc, json_string(got));
		if (found) {
			free(sc[i].r->script);
			sc[i].r->script = found;
		}
	}
	for (i = 0; i < n; i++) {
		aws_s3_head_call_release(&calls[i]);
		free(sc[i].bucket);
	}
	free(calls);
	free(sc);
	return rc;
}

/* The hash of everything read; takes the fingerprint parts of lr. */
static char *live_fingerprint(struct live_read *lr)
{
	json_t *fp = json_object();
	char hex[65], *text;

	json_object_set_new(fp, "jobs", lr->fp_jobs);
	json_object_set_new(fp, "triggers", lr->fp_triggers);
	json_object_set_new(fp, "rulesets", lr->fp_rulesets);
	json_object_set_new(fp, "workflows", lr->fp_workflows);
	json_object_set_new(fp, "event_rules", lr->fp_rules);
	json_object_set_new(fp, "tags", lr->fp_tags);
	if (json_object_size(lr->fp_scripts))	/* refresh only: default fingerprints stay as they were */
		json_object_set(fp, "scripts", lr->fp_scripts);
	if (json_object_size(lr->fp_alerts))	/* only with alerts: other fingerprints unchanged */
		json_object_set(fp, "alert_rules", lr->fp_alerts);
	json_object_set(fp, "owned_jobs", lr->owned_jobs);
	json_object_set(fp, "owned_triggers", lr->owned_triggers);
	json_object_set(fp, "owned_rulesets", lr->owned_rulesets);
	lr->fp_jobs = lr->fp_triggers = lr->fp_rulesets = NULL;
	lr->fp_workflows = lr->fp_rules = lr->fp_tags = NULL;
	text = plan_json_text(fp);
	plan_sha256_hex(text, strlen(text), hex);
	free(text);
	json_decref(fp);
	return xstrdup(hex);
}

int deploy_read_live(struct deploy *d, const struct plan_state *desired,
		     struct plan_state *live, char **fingerprint, struct strbuf *err)
{
	struct live_read lr;
	int rc = -1;

	*fingerprint = NULL;
	free(live->project);
	free(live->environment);
	live->project = xstrdup(desired->project);
	live->environment = xstrdup(desired->environment);
	live_read_init(&lr, desired);
	if (check_account(d, desired, err))
		goto out;
	/* in this order: workflows are found through triggers, and the tags
	 * read decide which of the workflows read are the project's */
	if (read_owned(d, desired, &lr, err) ||
	    read_glue_batches(d, desired, live, &lr, err) ||
	    read_rulesets(d, desired, live, lr.names[PLAN_RULESET], lr.owned_rulesets,
			  lr.fp_rulesets, err) ||
	    read_declared_rules(d, desired, live, lr.names[PLAN_EVENT_RULE], lr.fp_rules, err) ||
	    read_tags(d, desired, live, lr.fp_tags, err) ||
	    read_orphan_rules(d, desired, live, lr.fp_rules, err) ||
	    deploy_alerts_read(d, desired, live, lr.fp_alerts, err) ||
	    (d->refresh && read_scripts(d, desired, live, lr.fp_scripts, err)))
		goto out;
	add_live_files(desired, live);
	*fingerprint = live_fingerprint(&lr);
	rc = 0;
out:
	live_read_release(&lr);
	return rc;
}

/* Splits s3://bucket/key; returns false when loc is not of that form. */
static bool split_s3(const char *loc, char **bucket, const char **key)
{
	const char *b, *slash;

	if (strncmp(loc, "s3://", 5))
		return false;
	b = loc + 5;
	slash = strchr(b, '/');
	if (!slash || slash == b || !slash[1])
		return false;
	*bucket = xstrndup(b, (size_t)(slash - b));
	*key = slash + 1;
	return true;
}

static const char *job_script(const json_t *body)
{
	return json_string_value(json_object_get(json_object_get(body, "Command"), "ScriptLocation"));
}

void deploy_prefetch_scripts(struct deploy *d, const struct plan_state *desired,
			     const struct plan_state *live)
{
	struct aws_s3_get_call *calls = xcalloc(live->count + 1, sizeof(*calls));
	const char **locs = xcalloc(live->count + 1, sizeof(*locs));
	char **buckets = xcalloc(live->count + 1, sizeof(*buckets));
	size_t i, n = 0;

	for (i = 0; i < live->count; i++) {
		const struct plan_resource *have = &live->items[i];
		const struct plan_resource *want = plan_state_find(desired, have->kind, have->name);
		const char *ol, *nl, *key;

		if (have->kind != PLAN_JOB || !want || have->script || (have->live && !have->owned))
			continue;
		ol = job_script(have->body);
		nl = job_script(want->body);
		if (!ol || !nl || !strcmp(ol, nl) || strmap_get(&d->scripts, ol) ||
		    !split_s3(ol, &buckets[n], &key))
			continue;
		calls[n].bucket = buckets[n];
		calls[n].key = key;
		locs[n++] = ol;
	}
	if (n)
		aws_s3_get_batch(d->client, calls, n);
	for (i = 0; i < n; i++) {
		if (calls[i].status == AWS_OK && !strmap_get(&d->scripts, locs[i])) {
			char *k = xstrdup(locs[i]);

			strmap_put(&d->scripts, k, calls[i].data);
			calls[i].data = NULL;
		}
		aws_s3_get_call_release(&calls[i]);
		free(buckets[i]);
	}
	free(calls);
	free(locs);
	free(buckets);
}

char *deploy_fetch_script(void *ctx, const char *script_location)
{
	struct deploy *d = ctx;
	char *bucket, *data = NULL;
	const char *key, *have = strmap_get(&d->scripts, script_location);
	size_t len;

	if (have)
		return xstrdup(have);
	if (!split_s3(script_location, &bucket, &key))
		return NULL;
	if (aws_s3_get_object(d->client, bucket, key, &data, &len) != AWS_OK)
		data = NULL;
	free(bucket);
	return data;
}

void deploy_desired_from_plan(const struct plan *p, struct plan_state *out)
{
	size_t i;

	free(out->project);
	free(out->environment);
	out->project = xstrdup(p->project);
	out->environment = xstrdup(p->environment);
	for (i = 0; i < p->count; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->desired)
			plan_state_add(out, c->kind, c->name, c->pipeline, json_incref(c->desired),
				       c->script ? xstrdup(c->script) : NULL);
	}
}

/* ---- applying ---- */

#define MAX_STEPS DEPLOY_MAX_STEPS

struct task {
	const struct plan_change *c;
	struct deploy_step steps[MAX_STEPS], alt[MAX_STEPS];
	size_t nsteps, nalt, next;
	bool failed, used_alt;
};

void deploy_step_add(struct deploy_step *s, size_t *n, enum aws_service svc, const char *op,
		     json_t *body, const char *tolerate)
{
	s[*n].svc = svc;
	s[*n].op = op;
	s[*n].body = body;
	s[*n].tolerate = tolerate;
	(*n)++;
}

static json_t *without(const json_t *body, const char *const *drop)
{
	json_t *c = json_deep_copy(body);

	for (; *drop; drop++)
		json_object_del(c, *drop);
	return c;
}

static json_t *only(const json_t *body, const char *const *keep)
{
	json_t *c = json_object();

	for (; *keep; keep++)
		if (json_object_get(body, *keep))
			json_object_set(c, *keep, json_object_get(body, *keep));
	return c;
}

/* A job whose script object was replaced in S3 under its unchanged key
 * (found by plan --refresh): the object is uploaded again, the job kept. */
static bool script_replaced(const struct plan_change *c)
{
	const char *ol = json_string_value(json_object_get(json_object_get(c->deployed, "Command"),
							   "ScriptLocation"));
	const char *nl = json_string_value(json_object_get(json_object_get(c->desired, "Command"),
							   "ScriptLocation"));

	return c->kind == PLAN_JOB && c->action == PLAN_UPDATE && c->script_diff && ol && nl &&
	       !strcmp(ol, nl);
}

/* The definition (not only tags) differs. */
static bool definition_changed(const struct plan_change *c)
{
	size_t i;

	for (i = 0; i < c->fields.count; i++)
		if (strncmp(c->fields.items[i].path, "Tags.", 5) && strcmp(c->fields.items[i].path, "Tags") &&
		    strcmp(c->fields.items[i].path, "State"))
			return true;
	/* a new content marker (tags edited) is written with the update call */
	if (!same_str(jstr(c->desired, "Description"), jstr(c->deployed, "Description")))
		return true;
	return c->script_diff != NULL && c->kind == PLAN_JOB && c->action != PLAN_CREATE &&
	       !script_replaced(c);
}

static void tag_steps(struct deploy *d, const struct plan_change *c, struct deploy_step *s, size_t *n)
{
	char *arn = resource_arn(d, c->kind, c->name);
	const json_t *want = json_object_get(c->desired, "Tags");
	const json_t *had = json_object_get(c->deployed, "Tags");
	json_t *remove = json_array();
	const char *key;
	json_t *val;

	deploy_step_add(s, n, AWS_SERVICE_GLUE, "TagResource",
		 json_pack("{s:s, s:O}", "ResourceArn", arn, "TagsToAdd", want ? want : json_object()),
		 NULL);
	json_object_foreach((json_t *)had, key, val)
		if (!json_object_get(want, key))
			json_array_append_new(remove, json_string(key));
	if (json_array_size(remove))
		deploy_step_add(s, n, AWS_SERVICE_GLUE, "UntagResource",
			 json_pack("{s:s, s:o}", "ResourceArn", arn, "TagsToRemove", remove), NULL);
	else
		json_decref(remove);
	free(arn);
}

/* A trigger the plan found stopped (field State, desired ACTIVATED). */
static bool restarts(const struct plan_change *c)
{
	size_t i;

	for (i = 0; i < c->fields.count; i++)
		if (!strcmp(c->fields.items[i].path, "State"))
			return true;
	return false;
}

static bool needs_start(const json_t *trigger)
{
	const char *t = jstr(trigger, "Type");

	return t && (!strcmp(t, "SCHEDULED") || !strcmp(t, "CONDITIONAL")) &&
	       !json_is_true(json_object_get(trigger, "StartOnCreation"));
}

static void plan_steps(struct deploy *d, struct task *t)
{
	static const char *const no_name_tags[] = { "Name", "Tags", NULL };
	static const char *const trigger_update[] = { "Name", "Description", "Schedule", "Actions",
						      "Predicate", "EventBatchingCondition", NULL };
	static const char *const workflow_update[] = { "Name", "Description", "DefaultRunProperties",
						       "MaxConcurrentRuns", NULL };
	static const char *const ruleset_update[] = { "Name", "Description", "Ruleset", NULL };
	const struct plan_change *c = t->c;
	const json_t *want = c->desired;
	struct deploy_step *s = t->steps, *a = t->alt;
	size_t *n = &t->nsteps, *na = &t->nalt;
	bool create = c->action == PLAN_CREATE || c->action == PLAN_REPLACE;
	bool update = c->action == PLAN_UPDATE;

	switch (c->kind) {
	case PLAN_FILE:
		break;
	case PLAN_JOB: {
		json_t *upd = json_pack("{s:s, s:o}", "JobName", c->name, "JobUpdate",
					without(want ? want : json_null(), no_name_tags));

		if (c->action == PLAN_DESTROY) {
			json_decref(upd);
			deploy_step_add(s, n, AWS_SERVICE_GLUE, "DeleteJob", json_pack("{s:s}", "JobName", c->name),
				 "EntityNotFoundException");
		} else if (create) {
			deploy_step_add(s, n, AWS_SERVICE_GLUE, "CreateJob", json_deep_copy(want), NULL);
			deploy_step_add(a, na, AWS_SERVICE_GLUE, "UpdateJob", upd, NULL);
			tag_steps(d, c, a, na);
		} else if (update) {
			if (definition_changed(c))
				deploy_step_add(s, n, AWS_SERVICE_GLUE, "UpdateJob", upd, NULL);
			else
				json_decref(upd);
			if (c->tags_changed || !script_replaced(c))	/* a re-upload alone keeps the job */
				tag_steps(d, c, s, n);
		} else {
			json_decref(upd);
		}
		break;
	}
	case PLAN_TRIGGER: {
		json_t *body = want ? json_deep_copy(want) : NULL;

		if (body && !strcmp(jstr(body, "Type") ? jstr(body, "Type") : "", "ON_DEMAND"))
			json_object_del(body, "StartOnCreation");	/* Glue rejects it for ON_DEMAND */
		if (c->action == PLAN_DESTROY || c->action == PLAN_REPLACE)
			deploy_step_add(s, n, AWS_SERVICE_GLUE, "DeleteTrigger", json_pack("{s:s}", "Name", c->name),
				 "EntityNotFoundException");
		if (create) {
			deploy_step_add(s, n, AWS_SERVICE_GLUE, "CreateTrigger", json_incref(body), NULL);
			if (needs_start(body))
				deploy_step_add(s, n, AWS_SERVICE_GLUE, "StartTrigger",
					 json_pack("{s:s}", "Name", c->name), NULL);
			deploy_step_add(a, na, AWS_SERVICE_GLUE, "UpdateTrigger",
				 json_pack("{s:s, s:o}", "Name", c->name, "TriggerUpdate",
					   only(body, trigger_update)), NULL);
			tag_steps(d, c, a, na);
		} else if (update) {
			if (definition_changed(c))
				deploy_step_add(s, n, AWS_SERVICE_GLUE, "UpdateTrigger",
					 json_pack("{s:s, s:o}", "Name", c->name, "TriggerUpdate",
						   only(body, trigger_update)), NULL);
			if (!restarts(c) || c->tags_changed || definition_changed(c))
				tag_steps(d, c, s, n);
			if (restarts(c))
				deploy_step_add(s, n, AWS_SERVICE_GLUE, "StartTrigger",
					 json_pack("{s:s}", "Name", c->name), NULL);
		}
		json_decref(body);
		break;
	}
	case PLAN_WORKFLOW:
		if (c->action == PLAN_DESTROY || c->action == PLAN_REPLACE)
			deploy_step_add(s, n, AWS_SERVICE_GLUE, "DeleteWorkflow", json_pack("{s:s}", "Name", c->name),
				 "EntityNotFoundException");
		if (create) {
			deploy_step_add(s, n, AWS_SERVICE_GLUE, "CreateWorkflow", json_deep_copy(want), NULL);
			/* tagged again explicitly: ownership of workflows is only ever read
			 * from their tags, so they must be there whatever the endpoint
			 * did with CreateWorkflow's Tags */
			tag_steps(d, c, s, n);
			deploy_step_add(a, na, AWS_SERVICE_GLUE, "UpdateWorkflow", only(want, workflow_update), NULL);
			tag_steps(d, c, a, na);
		} else if (update) {
			if (definition_changed(c))
				deploy_step_add(s, n, AWS_SERVICE_GLUE, "UpdateWorkflow", only(want, workflow_update),
					 NULL);
			tag_steps(d, c, s, n);
		}
		break;
	case PLAN_EVENT_RULE:
		if (c->action == PLAN_DESTROY) {
			json_t *ids = json_array(), *tg;
			size_t i;

			json_array_foreach(json_object_get(json_object_get(c->deployed, "PutTargets"), "Targets"), i, tg)
				if (jstr(tg, "Id"))
					json_array_append_new(ids, json_string(jstr(tg, "Id")));
			if (json_array_size(ids))
				deploy_step_add(s, n, AWS_SERVICE_EVENTS, "RemoveTargets",
					 json_pack("{s:s, s:o}", "Rule", c->name, "Ids", ids),
					 "ResourceNotFoundException");
			else
				json_decref(ids);
			deploy_step_add(s, n, AWS_SERVICE_EVENTS, "DeleteRule", json_pack("{s:s}", "Name", c->name),
				 "ResourceNotFoundException");
		} else if (create || update) {
			deploy_step_add(s, n, AWS_SERVICE_EVENTS, "PutRule",
				 json_deep_copy(json_object_get(want, "PutRule")), NULL);
			if (json_object_get(want, "PutTargets"))
				deploy_step_add(s, n, AWS_SERVICE_EVENTS, "PutTargets",
					 json_deep_copy(json_object_get(want, "PutTargets")), NULL);
		}
		break;
	case PLAN_RULESET:
		if (c->action == PLAN_DESTROY || c->action == PLAN_REPLACE)
			deploy_step_add(s, n, AWS_SERVICE_GLUE, "DeleteDataQualityRuleset",
				 json_pack("{s:s}", "Name", c->name), "EntityNotFoundException");
		if (create) {
			deploy_step_add(s, n, AWS_SERVICE_GLUE, "CreateDataQualityRuleset", json_deep_copy(want),
				 NULL);
			deploy_step_add(a, na, AWS_SERVICE_GLUE, "UpdateDataQualityRuleset",
				 only(want, ruleset_update), NULL);
			tag_steps(d, c, a, na);
		} else if (update) {
			if (definition_changed(c))
				deploy_step_add(s, n, AWS_SERVICE_GLUE, "UpdateDataQualityRuleset",
					 only(want, ruleset_update), NULL);
			tag_steps(d, c, s, n);
		}
		break;
	case PLAN_ALERT_RULE:
		deploy_alerts_steps(d, c, s, n);
		break;
	case PLAN_NKINDS:
		break;
	}
}

static void task_release(struct task *t)
{
	size_t i;

	for (i = 0; i < t->nsteps; i++)
		json_decref(t->steps[i].body);
	for (i = 0; i < t->nalt; i++)
		json_decref(t->alt[i].body);
}

static const char *done_verb(enum plan_action a)
{
	switch (a) {
	case PLAN_CREATE: return "created";
	case PLAN_UPDATE: return "updated";
	case PLAN_REPLACE: return "replaced";
	case PLAN_DESTROY: return "destroyed";
	default: return "checked";
	}
}

static void progress(struct deploy *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void progress(struct deploy *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->progress)
		return;
	va_start(ap, fmt);
	vfprintf(d->progress, fmt, ap);
	va_end(ap);
	fflush(d->progress);
}

/*
 * A create answered AlreadyExistsException: the resource appeared since
 * the plan was read (a retried create that landed, a concurrent deploy, or
 * one made by hand).  It is continued with an update only when its own
 * tags say this project and environment own it; otherwise the reason,
 * naming the owner tags found, is added to err and it is left alone.
 */
static bool created_by_us(struct deploy *d, const struct plan_change *c, struct strbuf *err)
{
	const json_t *want = json_object_get(c->desired, "Tags");
	char *arn = resource_arn(d, c->kind, c->name);
	json_t *out = NULL;
	const json_t *tags;
	char *owner = NULL, *project = NULL, *env = NULL;
	bool mine = false;

	if (aws_glue_call(d->client, "GetTags", json_pack("{s:s}", "ResourceArn", arn), &out) != AWS_OK) {
		strbuf_addf(err, "%s%s %s '%s': it was created by someone else since the plan was "
			    "read, and its tags could not be read (%s): left alone",
			    err->len ? "\n" : "", plan_action_name(c->action), plan_kind_name(c->kind),
			    c->name, aws_errmsg(d->client));
		d->failed |= DEPLOY_FAILED_RETRY;
		free(arn);
		return false;
	}
	tags = json_object_get(out, "Tags");
	if (jstr(want, PLAN_TAG_OWNER) && jstr(want, PLAN_TAG_PROJECT) && jstr(want, PLAN_TAG_ENV)) {
		owner = plan_tag_decode(jstr(want, PLAN_TAG_OWNER));
		project = plan_tag_decode(jstr(want, PLAN_TAG_PROJECT));
		env = plan_tag_decode(jstr(want, PLAN_TAG_ENV));
		mine = own_tag_is(tags, PLAN_TAG_OWNER, owner) &&
		       own_tag_is(tags, PLAN_TAG_PROJECT, project) && own_tag_is(tags, PLAN_TAG_ENV, env);
	}
	if (!mine) {
		strbuf_addf(err, "%s%s %s '%s': a %s of that name appeared since the plan was read and "
			    "pipec does not own it for %s/%s (",
			    err->len ? "\n" : "", plan_action_name(c->action), plan_kind_name(c->kind),
			    c->name, plan_kind_name(c->kind), project ? project : "?", env ? env : "?");
		if (jstr(tags, PLAN_TAG_OWNER)) {
			char *found = plan_tag_decode(jstr(tags, PLAN_TAG_OWNER));

			strbuf_addf(err, "%s=%s", PLAN_TAG_OWNER, found);
			free(found);
		} else {
			strbuf_addstr(err, "no pipec owner tag");
		}
		strbuf_addstr(err, "): left unchanged (rename or remove it to deploy this one)");
		d->failed |= DEPLOY_FAILED_OWNER;
	}
	free(owner);
	free(project);
	free(env);
	json_decref(out);
	free(arn);
	return mine;
}

/* EventBridge answers PutTargets and RemoveTargets with HTTP 200 even when
 * an entry failed (FailedEntryCount > 0, EventBridge API reference): such
 * an answer is made a failed call. */
static void failed_entries(struct aws_call *call)
{
	const json_t *first = json_array_get(json_object_get(call->out, "FailedEntries"), 0);
	struct strbuf msg = STRBUF_INIT;

	if (call->service != AWS_SERVICE_EVENTS ||
	    (strcmp(call->operation, "PutTargets") && strcmp(call->operation, "RemoveTargets")) ||
	    (json_integer_value(json_object_get(call->out, "FailedEntryCount")) <= 0 && !first))
		return;
	strbuf_addf(&msg, "target '%s': %s: %s", jstr(first, "TargetId") ? jstr(first, "TargetId") : "?",
		    jstr(first, "ErrorCode") ? jstr(first, "ErrorCode") : "FailedEntry",
		    jstr(first, "ErrorMessage") ? jstr(first, "ErrorMessage") : "an entry failed");
	call->status = AWS_ERR_API;
	free(call->error_code);
	call->error_code = xstrdup(jstr(first, "ErrorCode") ? jstr(first, "ErrorCode") : "FailedEntry");
	free(call->error_message);
	call->error_message = strbuf_detach(&msg, NULL);
}

/* Runs the tasks round by round: every task's next step in one parallel batch. */
static size_t run_tasks(struct deploy *d, struct task *tasks, size_t n, struct strbuf *err)
{
	struct aws_call *calls = xcalloc(n ? n : 1, sizeof(*calls));
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
	size_t failures = 0, i;

	for (;;) {
		size_t m = 0;

		for (i = 0; i < n; i++) {
			struct task *t = &tasks[i];
			struct deploy_step *s = t->used_alt ? t->alt : t->steps;
			size_t ns = t->used_alt ? t->nalt : t->nsteps;

			if (t->failed || t->next >= ns)
				continue;
			memset(&calls[m], 0, sizeof(calls[m]));
			calls[m].service = s[t->next].svc;
			calls[m].operation = s[t->next].op;
			calls[m].body = json_incref(s[t->next].body);	/* the batch drops one reference */
			idx[m++] = i;
		}
		if (!m)
			break;
		aws_json_batch(d->client, calls, m);
		d->nwrites += m;
		for (i = 0; i < m; i++) {
			struct task *t = &tasks[idx[i]];
			struct deploy_step *s = t->used_alt ? t->alt : t->steps;
			size_t ns;

			if (calls[i].status == AWS_OK)
				failed_entries(&calls[i]);
			if (calls[i].status == AWS_OK ||
			    (s[t->next].tolerate && calls[i].error_code &&
			     !strcmp(calls[i].error_code, s[t->next].tolerate))) {
				t->next++;
			} else if (!t->used_alt && t->nalt && calls[i].error_code &&
				   !strcmp(calls[i].error_code, "AlreadyExistsException") &&
				   created_by_us(d, t->c, err)) {
				/* a create retried after it had landed (ours, as its tags
				 * say): reconcile with an update */
				t->used_alt = true;
				t->next = 0;
			} else if (!t->used_alt && t->nalt && calls[i].error_code &&
				   !strcmp(calls[i].error_code, "AlreadyExistsException")) {
				/* someone else's: never taken over (created_by_us said why) */
				t->failed = true;
				failures++;
				progress(d, "  failed %s %s\n", plan_kind_name(t->c->kind), t->c->name);
			} else {
				t->failed = true;
				failures++;
				strbuf_addf(err, "%s%s %s '%s': %s failed: %s", err->len ? "\n" : "",
					    plan_action_name(t->c->action), plan_kind_name(t->c->kind),
					    t->c->name, calls[i].operation,
					    calls[i].error_message ? calls[i].error_message : "error");
				if (calls[i].http_status == 403) {
					strbuf_addstr(err, "; the AWS credentials were rejected: check the "
							   "access key and secret (or the profile) pipec is using");
					d->failed |= DEPLOY_FAILED_CREDENTIALS;
				} else {
					d->failed |= DEPLOY_FAILED_RETRY;
				}
				progress(d, "  failed %s %s\n", plan_kind_name(t->c->kind), t->c->name);
			}
			ns = t->used_alt ? t->nalt : t->nsteps;
			if (!t->failed && t->next >= ns)
				progress(d, "  %s %s %s\n",
					 t->used_alt ? "updated" : done_verb(t->c->action),
					 plan_kind_name(t->c->kind), t->c->name);
			aws_call_release(&calls[i]);
		}
	}
	free(calls);
	free(idx);
	return failures;
}

/* One object of the upload phase: a job's script or a declared file. */
struct upload {
	const char *location;		/* borrowed from the plan */
	char *bucket;
	char *path;			/* a file to stream, or NULL */
	char sha[65];			/* "" when unknown */
	const char *meta[3];
};

/* Adds one object to ups (and its put to calls); false when location is no S3 URL. */
static bool upload_add(struct upload *ups, struct aws_s3_put_call *calls,
		       size_t *n, const char *location, const char *data, const char *path,
		       const char *sha, struct strbuf *err)
{
	struct upload *u = &ups[*n];
	struct aws_s3_put *put = &calls[*n].put;
	const char *key;

	memset(u, 0, sizeof(*u));
	memset(&calls[*n], 0, sizeof(calls[*n]));
	if (!split_s3(location, &u->bucket, &key)) {
		strbuf_addf(err, "%supload: '%s' is not an s3://bucket/key location", err->len ? "\n" : "",
			    location);
		return false;
	}
	u->location = location;
	u->path = path ? xstrdup(path) : NULL;
	if (sha)
		snprintf(u->sha, sizeof(u->sha), "%s", sha);
	put->bucket = u->bucket;
	put->key = key;
	put->data = data;
	put->len = data ? strlen(data) : 0;
	put->path = u->path;
	put->content_type = data ? "text/x-python" : NULL;
	if (*u->sha) {
		u->meta[0] = "sha256";
		u->meta[1] = u->sha;
		put->metadata = u->meta;
		put->checksum_sha256 = u->sha;
	}
	(*n)++;
	return true;
}

/* The objects the plan uploads: each changed job's script, each changed file. */
static int upload_collect(struct deploy *d, const struct plan *p, struct upload *ups,
			  struct aws_s3_put_call *calls, size_t *n, struct strbuf *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < p->count; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->action != PLAN_CREATE && c->action != PLAN_UPDATE && c->action != PLAN_REPLACE)
			continue;
		if (c->kind == PLAN_FILE) {
			struct strbuf path = STRBUF_INIT;
			const char *src = jstr(c->desired, "source");

			if (!src)
				continue;
			if (src[0] == '/' || !d->root)
				strbuf_addstr(&path, src);
			else
				strbuf_addf(&path, "%s/%s", d->root, src);
			if (!upload_add(ups, calls, n, c->name, NULL, path.buf,
					jstr(c->desired, "sha256"), err))
				rc = -1;
			strbuf_release(&path);
		} else if (c->kind == PLAN_JOB) {
			const char *loc = json_string_value(
				json_object_get(json_object_get(c->desired, "Command"), "ScriptLocation"));
			const char *old = json_string_value(
				json_object_get(json_object_get(c->deployed, "Command"), "ScriptLocation"));
			char sha[65];

			if (!loc || (old && !strcmp(old, loc) && c->action == PLAN_UPDATE &&
				     !script_replaced(c)))
				continue;
			if (!c->script) {
				strbuf_addf(err, "%sjob '%s': the plan holds no script to upload",
					    err->len ? "\n" : "", c->name);
				rc = -1;
				continue;
			}
			plan_sha256_hex(c->script, strlen(c->script), sha);
			if (!upload_add(ups, calls, n, loc, c->script, NULL, sha, err))
				rc = -1;
		}
	}
	return rc;
}

/* Reports one object's result: progress, or which object failed and why. */
static int upload_report(struct deploy *d, const struct upload *u, const struct aws_s3_put_call *call,
			 struct strbuf *err)
{
	if (call->status == AWS_OK) {
		progress(d, "  uploaded %s\n", u->location);
		return 0;
	}
	strbuf_addf(err, "%supload of %s failed: %s", err->len ? "\n" : "", u->location,
		    call->error_message ? call->error_message : "error");
	if (call->error_code && !strcmp(call->error_code, "NoSuchBucket")) {
		strbuf_addf(err, "; the bucket '%s' does not exist", u->bucket);
		d->failed |= DEPLOY_FAILED_BUCKET;
	} else if (call->http_status == 403) {
		strbuf_addstr(err, "; the AWS credentials were rejected: check the access key and "
				   "secret (or the profile) pipec is using");
		d->failed |= DEPLOY_FAILED_CREDENTIALS;
	} else {
		d->failed |= DEPLOY_FAILED_RETRY;
	}
	progress(d, "  failed upload %s\n", u->location);
	return -1;
}

/*
 * Every script and file, uploaded in parallel (aws_s3_put_batch, at most
 * --concurrency at once) before any Glue resource is written: a job is
 * created or updated only once every object of the plan is stored, so no
 * job ever points at a script that failed to land.
 */
static int upload_phase(struct deploy *d, const struct plan *p, struct strbuf *err)
{
	struct upload *ups = xcalloc(p->count ? p->count : 1, sizeof(*ups));
	struct aws_s3_put_call *calls = xcalloc(p->count ? p->count : 1, sizeof(*calls));
	size_t n = 0, i;
	int rc = upload_collect(d, p, ups, calls, &n, err);

	if (rc == 0 && n) {
		aws_s3_put_batch(d->client, calls, n);
		d->nwrites += n;
		for (i = 0; i < n; i++)
			if (upload_report(d, &ups[i], &calls[i], err))
				rc = -1;
	}
	for (i = 0; i < n; i++) {
		aws_s3_put_call_release(&calls[i]);
		free(ups[i].bucket);
		free(ups[i].path);
	}
	free(ups);
	free(calls);
	return rc;
}

static bool needs_tags(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (p->changes[i].kind != PLAN_FILE && p->changes[i].kind != PLAN_EVENT_RULE &&
		    p->changes[i].action != PLAN_UNCHANGED && p->changes[i].action != PLAN_KEEP)
			return true;
	return false;
}

/* One kind, one direction (destroys or the rest), in parallel. */
static size_t apply_kind(struct deploy *d, const struct plan *p, enum plan_kind kind,
			 bool destroys, struct strbuf *err)
{
	struct task *tasks = xcalloc(p->count ? p->count : 1, sizeof(*tasks));
	size_t n = 0, i, failures;

	for (i = 0; i < p->count; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->kind != kind || c->action == PLAN_UNCHANGED || c->action == PLAN_KEEP)
			continue;
		if ((c->action == PLAN_DESTROY) != destroys)
			continue;
		tasks[n].c = c;
		plan_steps(d, &tasks[n]);
		n++;
	}
	failures = run_tasks(d, tasks, n, err);
	for (i = 0; i < n; i++)
		task_release(&tasks[i]);
	free(tasks);
	return failures;
}

int deploy_apply(struct deploy *d, const struct plan *p, struct strbuf *err)
{
	static const enum plan_kind order[] = { PLAN_JOB, PLAN_WORKFLOW, PLAN_EVENT_RULE,
						PLAN_TRIGGER, PLAN_RULESET, PLAN_ALERT_RULE };
	size_t i, failures = 0;

	if (needs_tags(p) && ensure_account(d, err))
		return -1;
	if (upload_phase(d, p, err))
		return -1;
	/* a later kind depends on the earlier ones (triggers start jobs): stop at the first failure */
	for (i = 0; i < sizeof(order) / sizeof(order[0]) && !failures; i++)
		failures += apply_kind(d, p, order[i], false, err);
	for (i = sizeof(order) / sizeof(order[0]); i-- > 0 && !failures;)
		failures += apply_kind(d, p, order[i], true, err);
	return failures ? -1 : 0;
}
