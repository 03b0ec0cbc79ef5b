/*
 * emit_json: the Glue API request bodies — job.json (CreateJob),
 * triggers.json (CreateTrigger list), workflow.json (CreateWorkflow and the
 * EventBridge rule) and ruleset.json (CreateDataQualityRuleset).  Built with
 * jansson and dumped with sorted keys.
 */
#include "emit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "strbuf.h"

#ifndef PIPEC_VERSION
#define PIPEC_VERSION "0.0.0"
#endif

/* A JSON string; the model holds valid UTF-8 only, so failure is a bug. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");

	if (!j)
		abort();
	return j;
}

/* json_object_set_new steals the value reference. */
static void put(json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, v) < 0)
		abort();
}

static void put_str(json_t *o, const char *key, const char *s)
{
	put(o, key, jstr(s));
}

static void dump(json_t *j, struct strbuf *out)
{
	jsonw_dump(out, j, JSON_SORT_KEYS | JSON_INDENT(2), 0);
	strbuf_addch(out, '\n');
	json_decref(j);
}

static json_t *kv_object(const struct model_kvlist *l)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < l->count; i++)
		put_str(o, l->items[i].key, l->items[i].value);
	return o;
}

static const char *description(const struct model_pipeline *p)
{
	return p->job.description ? p->job.description : p->description;
}

void emit_job_json(const struct model_project *mp, const struct model_pipeline *p,
		   const char *script_sha256, struct strbuf *out)
{
	const struct model_job *j = &p->job;
	json_t *o = json_object(), *cmd = json_object(), *args;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)mp;
	put_str(o, "Name", j->name);
	if (description(p))
		put_str(o, "Description", description(p));
	put_str(o, "Role", j->role);
	put_str(o, "GlueVersion", "5.1");
	put_str(cmd, "Name", "glueetl");
	put_str(cmd, "PythonVersion", "3");
	strbuf_addf(&sb, "%s%s.py", j->script_location ? j->script_location : "", script_sha256);
	put_str(cmd, "ScriptLocation", sb.buf);
	put(o, "Command", cmd);

	args = kv_object(&j->glue_args);
	for (i = 0; i < j->script_args.count; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "--%s", j->script_args.items[i].key);
		put_str(args, sb.buf, j->script_args.items[i].value);
	}
	if (j->spark_conf.count) {
		/* One key holds every setting: a JSON object cannot repeat
		 * "--conf", so the pairs are joined with " --conf ". */
		strbuf_reset(&sb);
		for (i = 0; i < j->spark_conf.count; i++)
			strbuf_addf(&sb, "%s%s=%s", i ? " --conf " : "",
				    j->spark_conf.items[i].key, j->spark_conf.items[i].value);
		put_str(args, "--conf", sb.buf);
	}
	put(o, "DefaultArguments", args);

	if (j->worker_type)
		put_str(o, "WorkerType", j->worker_type);
	if (j->workers > 0)
		put(o, "NumberOfWorkers", json_integer(j->workers));
	if (j->timeout_minutes > 0)
		put(o, "Timeout", json_integer(j->timeout_minutes));
	put(o, "MaxRetries", json_integer(j->retries));
	put_str(o, "ExecutionClass", j->flex ? "FLEX" : "STANDARD");
	if (j->max_concurrency > 0) {
		json_t *ep = json_object();

		put(ep, "MaxConcurrentRuns", json_integer(j->max_concurrency));
		put(o, "ExecutionProperty", ep);
	}
	if (j->nconnections) {
		json_t *c = json_object(), *list = json_array();

		for (i = 0; i < j->nconnections; i++)
			json_array_append_new(list, jstr(j->connections[i]));
		put(c, "Connections", list);
		put(o, "Connections", c);
	}
	if (j->notify_delay_minutes > 0) {
		json_t *np = json_object();

		put(np, "NotifyDelayAfter", json_integer(j->notify_delay_minutes));
		put(o, "NotificationProperty", np);
	}
	if (j->tags.count)
		put(o, "Tags", kv_object(&j->tags));
	strbuf_release(&sb);
	dump(o, out);
}

static json_t *job_action(const struct model_pipeline *p)
{
	json_t *list = json_array(), *a = json_object();

	put_str(a, "JobName", p->job.name);
	json_array_append_new(list, a);
	return list;
}

void emit_triggers_json(const struct model_project *mp, const struct model_pipeline *p,
			struct strbuf *out)
{
	const struct model_schedule *s = &p->schedule;
	json_t *list = json_array(), *t;
	size_t i;

	(void)mp;
	if (!p->trigger_name) {
		dump(list, out);
		return;
	}
	t = json_object();
	put_str(t, "Name", p->trigger_name);
	put(t, "Actions", job_action(p));
	if (p->job.tags.count)
		put(t, "Tags", kv_object(&p->job.tags));
	/* an `after` chain's workflow (an S3-event schedule's is set below) */
	if (p->workflow_name && s->kind != MSCH_S3_EVENT)
		put_str(t, "WorkflowName", p->workflow_name);
	switch (s->kind) {
	case MSCH_CRON:
		put_str(t, "Type", "SCHEDULED");
		put_str(t, "Schedule", s->cron);
		put(t, "StartOnCreation", json_true());
		put_str(t, "Description", "schedule of the pipeline");
		break;
	case MSCH_AFTER: {
		json_t *pred = json_object(), *conds = json_array();

		put_str(t, "Type", "CONDITIONAL");
		put_str(pred, "Logical", s->after_any ? "ANY" : "AND");
		for (i = 0; i < s->nafter; i++) {
			json_t *c = json_object();

			put_str(c, "LogicalOperator", "EQUALS");
			put_str(c, "JobName", p->after_jobs ? p->after_jobs[i] : s->after[i]);
			put_str(c, "State", "SUCCEEDED");
			json_array_append_new(conds, c);
		}
		put(pred, "Conditions", conds);
		put(t, "Predicate", pred);
		put(t, "StartOnCreation", json_true());
		put_str(t, "Description", "starts the job when its upstream jobs succeed");
		break;
	}
	case MSCH_ON_DEMAND:
		/* ON_DEMAND triggers cannot start on creation. */
		put_str(t, "Type", "ON_DEMAND");
		put_str(t, "Description", "starts the job on demand");
		break;
	case MSCH_S3_EVENT: {
		json_t *b = json_object();

		put_str(t, "Type", "EVENT");
		put_str(t, "WorkflowName", p->workflow_name);
		put(b, "BatchSize", json_integer(s->batch_size > 0 ? s->batch_size : 1));
		if (s->batch_window > 0)
			put(b, "BatchWindow", json_integer(s->batch_window));
		put(t, "EventBatchingCondition", b);
		put_str(t, "Description", "starts the job when objects arrive in S3");
		break;
	}
	}
	json_array_append_new(list, t);
	dump(list, out);
}

/* s with '*' and '\\' escaped for an EventBridge wildcard. */
static void wildcard_literal(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '*' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
}

/* The EventBridge filter of the object key (the values of one array match
 * when any does), or NULL for every key of the bucket: the source
 * location's prefix and 'prefix' below it as "prefix"; with 'suffix', the
 * key must start with the one and end with the other, which is the
 * wildcard PREFIX*SUFFIX plus, as exact keys, those where the two overlap
 * (the wildcard's '*' needs the whole of both). */
static json_t *event_key_filter(const struct model_schedule *s)
{
	struct strbuf p = STRBUF_INIT, w = STRBUF_INIT;
	json_t *arr, *m;
	size_t k, np, ns;

	strbuf_addstr(&p, s->event_prefix ? s->event_prefix : "");
	strbuf_addstr(&p, s->event_key_prefix ? s->event_key_prefix : "");
	if (!p.len && !s->event_key_suffix) {
		strbuf_release(&p);
		return NULL;
	}
	arr = json_array();
	m = json_object();
	if (!s->event_key_suffix || !p.len) {
		put_str(m, p.len ? "prefix" : "suffix", p.len ? p.buf : s->event_key_suffix);
		json_array_append_new(arr, m);
		strbuf_release(&p);
		return arr;
	}
	wildcard_literal(&w, p.buf);
	strbuf_addch(&w, '*');
	wildcard_literal(&w, s->event_key_suffix);
	put_str(m, "wildcard", w.buf);
	json_array_append_new(arr, m);
	np = p.len;
	ns = strlen(s->event_key_suffix);
	for (k = ns < np ? ns : np; k >= 1; k--) {
		if (memcmp(p.buf + np - k, s->event_key_suffix, k))
			continue;
		strbuf_reset(&w);
		strbuf_addstr(&w, p.buf);
		strbuf_addstr(&w, s->event_key_suffix + k);
		json_array_append_new(arr, jstr(w.buf));
	}
	strbuf_release(&p);
	strbuf_release(&w);
	return arr;
}

/* The CreateWorkflow request of the workflow p's workflow.json creates. */
static json_t *create_workflow(const struct model_pipeline *p)
{
	json_t *wf = json_object();

	put_str(wf, "Name", p->workflow_name);
	put_str(wf, "Description", p->workflow_max_runs
		? "runs the pipeline's 'after' chain, started by the pipeline's trigger"
		: "started by S3 object events for the pipeline's job");
	if (p->workflow_max_runs > 0)
		put(wf, "MaxConcurrentRuns", json_integer(p->workflow_max_runs));
	if (p->job.tags.count)
		put(wf, "Tags", kv_object(&p->job.tags));
	return wf;
}

/* The EventBridge PutRule and PutTargets requests of an S3-event schedule. */
static void s3_event_rule(const struct model_project *mp, const struct model_pipeline *p, json_t *o)
{
	const struct model_schedule *s = &p->schedule;
	json_t *rule, *targets, *pat, *detail, *x, *arr;
	struct strbuf sb = STRBUF_INIT;
	char *pattern;
	size_t i;

	pat = json_object();
	arr = json_array();
	json_array_append_new(arr, jstr("aws.s3"));
	put(pat, "source", arr);
	arr = json_array();
	json_array_append_new(arr, jstr("Object Created"));
	put(pat, "detail-type", arr);
	detail = json_object();
	x = json_object();
	arr = json_array();
	json_array_append_new(arr, jstr(s->event_bucket));
	put(x, "name", arr);
	put(detail, "bucket", x);
	if ((arr = event_key_filter(s)) != NULL) {
		x = json_object();
		put(x, "key", arr);
		put(detail, "object", x);
	}
	put(pat, "detail", detail);
	pattern = json_dumps(pat, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(pat);
	if (!pattern)
		abort();

	rule = json_object();
	put_str(rule, "Name", p->event_rule_name);
	put_str(rule, "EventPattern", pattern);
	free(pattern);
	put_str(rule, "State", "ENABLED");
	put_str(rule, "Description", "S3 object events that start the pipeline's workflow");
	if (p->job.tags.count) {
		arr = json_array();
		for (i = 0; i < p->job.tags.count; i++) {
			json_t *tag = json_object();

			put_str(tag, "Key", p->job.tags.items[i].key);
			put_str(tag, "Value", p->job.tags.items[i].value);
			json_array_append_new(arr, tag);
		}
		put(rule, "Tags", arr);
	}
	put(o, "PutRule", rule);

	targets = json_object();
	put_str(targets, "Rule", p->event_rule_name);
	arr = json_array();
	x = json_object();
	put_str(x, "Id", "glue-workflow");
	strbuf_addf(&sb, "arn:aws:glue:%s:%s:workflow/%s", mp->env.region ? mp->env.region : "",
		    mp->env.account ? mp->env.account : "", p->workflow_name);
	put_str(x, "Arn", sb.buf);
	put_str(x, "RoleArn", mp->env.events_role);
	json_array_append_new(arr, x);
	put(targets, "Targets", arr);
	put(o, "PutTargets", targets);
	strbuf_release(&sb);
}

bool emit_workflow_json(const struct model_project *mp, const struct model_pipeline *p,
			struct strbuf *out)
{
	json_t *o;

	if (!p->workflow_owner || !p->workflow_name)
		return false;
	o = json_object();
	put(o, "CreateWorkflow", create_workflow(p));
	if (p->schedule.kind == MSCH_S3_EVENT)
		s3_event_rule(mp, p, o);
	dump(o, out);
	return true;
}

void emit_ruleset_json(const struct model_project *mp, const struct model_pipeline *p,
		       struct strbuf *out)
{
	json_t *o = json_object();
	struct strbuf dqdl = STRBUF_INIT;

	put_str(o, "Name", p->validation.ruleset_name);
	put_str(o, "Description", "data quality rules of the pipeline's target table");
	emit_dqdl(p, &dqdl);
	put_str(o, "Ruleset", dqdl.buf);
	strbuf_release(&dqdl);
	if (p->job.tags.count)
		put(o, "Tags", kv_object(&p->job.tags));
	if (p->target.kind != MT_REDSHIFT) {
		json_t *tt = json_object();

		put_str(tt, "DatabaseName", p->target.database);
		put_str(tt, "TableName", p->target.table);
		if (p->target.kind == MT_S3TABLES && mp->env.account && p->target.table_bucket) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "%s:s3tablescatalog/%s", mp->env.account, p->target.table_bucket);
			put_str(tt, "CatalogId", sb.buf);
			strbuf_release(&sb);
		}
		put(o, "TargetTable", tt);
	}
	dump(o, out);
}
