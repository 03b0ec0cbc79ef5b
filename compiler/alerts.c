#include "alerts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define RULE_INFIX "pipec-"
#define JOB_SUFFIX "alerts"
#define DQ_SUFFIX "dq-alerts"
/* the longest name suffix a project can need: "-dq-alerts-NN" */
#define LONGEST_SUFFIX "-dq-alerts-99"
#define MAX_PARTS 99
#define RULE_NAME_MAX 64

static const char *const state_names[] = { "FAILED", "TIMEOUT", "STOPPED", "ERROR" };

void alerts_rule_prefix(const char *name_prefix, const char *project, struct strbuf *out)
{
	strbuf_addf(out, "%s" RULE_INFIX "%s-", name_prefix ? name_prefix : "", project);
}

static void rule_name(const char *name_prefix, const char *project, bool dq, size_t part,
		      struct strbuf *out)
{
	alerts_rule_prefix(name_prefix, project, out);
	strbuf_addstr(out, dq ? DQ_SUFFIX : JOB_SUFFIX);
	if (part)
		strbuf_addf(out, "-%zu", part + 1);
}

const char *alerts_name_problem(const char *name_prefix, const char *project)
{
	const char *p;

	for (p = project; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_", *p))
			return "the project name holds characters EventBridge rule names cannot "
			       "(letters, digits, '.', '-' and '_')";
	if (strlen(name_prefix ? name_prefix : "") + strlen(RULE_INFIX) + strlen(project) +
	    strlen(LONGEST_SUFFIX) > RULE_NAME_MAX)
		return "the name prefix and project name make alert rule names longer than "
		       "EventBridge's 64 characters";
	return NULL;
}

bool alerts_is_rule_name(const char *name, const char *name_prefix, const char *project)
{
	struct strbuf pre = STRBUF_INIT;
	const char *rest;
	bool yes = false;

	alerts_rule_prefix(name_prefix, project, &pre);
	if (!strncmp(name, pre.buf, pre.len)) {
		rest = name + pre.len;
		if (!strncmp(rest, DQ_SUFFIX, strlen(DQ_SUFFIX)))
			rest += strlen(DQ_SUFFIX);
		else if (!strncmp(rest, JOB_SUFFIX, strlen(JOB_SUFFIX)))
			rest += strlen(JOB_SUFFIX);
		else
			rest = NULL;
		if (rest && !*rest)
			yes = true;
		else if (rest && rest[0] == '-' && rest[1] >= '1' && rest[1] <= '9') {
			for (rest++; isdigit((unsigned char)*rest); rest++)
				;
			yes = !*rest;
		}
	}
	strbuf_release(&pre);
	return yes;
}

bool alerts_prefix_of(const char *name, const char *project, struct strbuf *out)
{
	struct strbuf mid = STRBUF_INIT;
	const char *p, *at = NULL;
	char *prefix;
	bool yes;

	strbuf_addf(&mid, RULE_INFIX "%s-", project);
	for (p = strstr(name, mid.buf); p; p = strstr(p + 1, mid.buf))
		at = p;	/* the last one: the name prefix may hold the same text */
	if (!at) {
		strbuf_release(&mid);
		return false;
	}
	prefix = xstrndup(name, (size_t)(at - name));
	yes = alerts_is_rule_name(name, prefix, project);
	if (yes)
		strbuf_addf(out, "%s%s", prefix, mid.buf);
	free(prefix);
	strbuf_release(&mid);
	return yes;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The event patterns.  Glue sends "Glue Job State Change" events from
 * source aws.glue with detail.jobName, detail.state (FAILED, TIMEOUT,
 * STOPPED, ERROR among others), detail.jobRunId and detail.message
 * (EventBridge user guide, "AWS Glue events", example events; CDK's
 * JobState lists the states).  Glue Data Quality sends "Data Quality
 * Evaluation Results Available" from source aws.glue-dataquality
 * (EventBridge events reference, events-ref-glue-dataquality); its detail
 * fields context.jobName, context.jobRunId, state and score are
 * ASSUMPTION: taken from the Glue Data Quality alerts guide's example, not
 * found in the reference.
 */
static json_t *job_pattern(json_t *jobs, unsigned states)
{
	json_t *st = json_array();
	size_t i;

	for (i = 0; i < 4; i++)
		if (states & (1u << i))
			json_array_append_new(st, json_string(state_names[i]));
	return json_pack("{s:[s], s:[s], s:{s:o, s:o}}", "source", "aws.glue", "detail-type",
			 "Glue Job State Change", "detail", "jobName", jobs, "state", st);
}

static json_t *dq_pattern(json_t *jobs)
{
	return json_pack("{s:[s], s:[s], s:{s:{s:o}, s:[s]}}", "source", "aws.glue-dataquality",
			 "detail-type", "Data Quality Evaluation Results Available", "detail",
			 "context", "jobName", jobs, "state", "FAILED");
}

/*
 * The message: the job (named after its pipeline), the environment, the
 * state, Glue's error message and a link to the run in Glue Studio
 * (https://REGION.console.aws.amazon.com/gluestudio/home?region=REGION#/job/JOB/run/RUNID;
 * the run page's address is not documented by AWS: ASSUMPTION).  A
 * template that is not JSON is sent as text (EventBridge API reference,
 * InputTransformer: "<instance> is in state <status>").
 */
static json_t *job_transformer(const struct model_project *mp)
{
	struct strbuf t = STRBUF_INIT;
	json_t *x;

	strbuf_addf(&t, "pipec alert: Glue job <job> of project %s, environment %s, ended in state "
		    "<state>.\nError: <message>\nRun: https://<region>.console.aws.amazon.com/"
		    "gluestudio/home?region=<region>#/job/<job>/run/<run>\n",
		    mp->name, mp->env.name);
	x = json_pack("{s:{s:s, s:s, s:s, s:s, s:s}, s:s}", "InputPathsMap", "job",
		      "$.detail.jobName", "state", "$.detail.state", "message", "$.detail.message",
		      "run", "$.detail.jobRunId", "region", "$.region", "InputTemplate", t.buf);
	strbuf_release(&t);
	return x;
}

static json_t *dq_transformer(const struct model_project *mp)
{
	struct strbuf t = STRBUF_INIT;
	json_t *x;

	strbuf_addf(&t, "pipec alert: data quality of Glue job <job> of project %s, environment %s: "
		    "<state> (score <score>).\nRun: https://<region>.console.aws.amazon.com/"
		    "gluestudio/home?region=<region>#/job/<job>/run/<run>\n",
		    mp->name, mp->env.name);
	x = json_pack("{s:{s:s, s:s, s:s, s:s, s:s}, s:s}", "InputPathsMap", "job",
		      "$.detail.context.jobName", "state", "$.detail.state", "score",
		      "$.detail.score", "run", "$.detail.context.jobRunId", "region", "$.region",
		      "InputTemplate", t.buf);
	strbuf_release(&t);
	return x;
}

static size_t pattern_len(const json_t *pattern)
{
	char *s = json_dumps(pattern, JSON_COMPACT | JSON_SORT_KEYS);
	size_t n = s ? strlen(s) : 0;

	free(s);
	return n;
}

/* One rule per run of job names whose pattern fits EventBridge's limit. */
static void add_rules(const struct model_project *mp, json_t *rules, const char **jobs,
		      size_t njobs, bool dq)
{
	const struct model_alerts *al = &mp->env.alerts;
	size_t i = 0, part = 0;

	while (i < njobs && part < MAX_PARTS) {
		json_t *names = json_array(), *pattern = NULL, *rule;
		struct strbuf name = STRBUF_INIT;

		for (; i < njobs; i++) {
			json_t *p;

			json_array_append_new(names, json_string(jobs[i]));
			p = dq ? dq_pattern(json_incref(names)) : job_pattern(json_incref(names), al->states);
			if (pattern_len(p) > ALERTS_PATTERN_MAX && json_array_size(names) > 1) {
				json_decref(p);
				json_array_remove(names, json_array_size(names) - 1);
				break;
			}
			json_decref(pattern);
			pattern = p;
		}
		rule_name(mp->env.name_prefix, mp->name, dq, part++, &name);
		rule = json_pack("{s:s, s:s, s:o, s:s, s:[{s:s, s:s, s:o}]}", "Name", name.buf,
				 "Description", dq ? "pipec: Data Quality failures of the project's jobs"
						   : "pipec: failed runs of the project's jobs",
				 "EventPattern", pattern, "State", "ENABLED", "Targets", "Id",
				 "pipec-alerts", "Arn", al->topic,
				 "InputTransformer", dq ? dq_transformer(mp) : job_transformer(mp));
		json_array_append_new(rules, rule);
		json_decref(names);
		strbuf_release(&name);
	}
}

bool alerts_render(const struct model_project *mp, struct strbuf *out)
{
	const struct model_alerts *al = &mp->env.alerts;
	const char **jobs, **dq;
	size_t n = 0, ndq = 0, i;
	json_t *doc, *rules;
	char *text;

	if (!al->set || !al->topic || !mp->npipelines)
		return false;
	jobs = xcalloc(mp->npipelines, sizeof(*jobs));
	dq = xcalloc(mp->npipelines, sizeof(*dq));
	for (i = 0; i < mp->npipelines; i++) {
		const struct model_pipeline *p = &mp->pipelines[i];

		if (!p->job.name || p->alerts_off)
			continue;
		jobs[n++] = p->job.name;
		if (p->validates)	/* only a job with a ruleset evaluates data quality */
			dq[ndq++] = p->job.name;
	}
	qsort(jobs, n, sizeof(*jobs), cmp_str);
	qsort(dq, ndq, sizeof(*dq), cmp_str);
	rules = json_array();
	add_rules(mp, rules, jobs, n, false);
	if (al->data_quality)
		add_rules(mp, rules, dq, ndq, true);
	free(jobs);
	free(dq);
	if (!json_array_size(rules)) {
		json_decref(rules);
		return false;
	}
	doc = json_pack("{s:o}", "rules", rules);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text)
		abort();
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');
	free(text);
	json_decref(doc);
	return true;
}

/* Sets one of pipec's own tags, its value encoded. */
static void own_tag(json_t *tags, const char *key, const char *value)
{
	char *v = plan_tag_encode(value);

	json_object_set_new(tags, key, json_string(v));
	free(v);
}

int alerts_add_state(struct plan_state *s, const char *json_text, struct strbuf *err)
{
	json_error_t je;
	json_t *doc = json_loads(json_text, JSON_REJECT_DUPLICATES, &je), *rule;
	struct strbuf owner = STRBUF_INIT;
	size_t i;

	if (!doc || !json_is_array(json_object_get(doc, "rules"))) {
		strbuf_addf(err, "cannot read '%s': %s", ALERTS_FILE,
			    doc ? "no \"rules\" list" : je.text);
		json_decref(doc);
		return -1;
	}
	strbuf_addf(&owner, "%s/%s", s->project ? s->project : "",
		    s->environment ? s->environment : "");
	json_array_foreach(json_object_get(doc, "rules"), i, rule) {
		const char *name = json_string_value(json_object_get(rule, "Name"));
		json_t *body, *tags = json_object();

		if (!name)
			continue;
		body = json_deep_copy(rule);
		own_tag(tags, PLAN_TAG_PROJECT, s->project ? s->project : "");
		own_tag(tags, PLAN_TAG_ENV, s->environment ? s->environment : "");
		own_tag(tags, PLAN_TAG_OWNER, owner.buf);
		json_object_set_new(body, "Tags", tags);
		plan_state_add(s, PLAN_ALERT_RULE, name, PLAN_PIPELINE_ALERTS, body, NULL);
	}
	strbuf_release(&owner);
	json_decref(doc);
	return 0;
}

int alerts_load_dir(struct plan_state *s, const char *dir, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int rc = 0;

	strbuf_addf(&path, "%s/%s", dir, ALERTS_FILE);
	if (strbuf_read_file(&text, path.buf) == 0)
		rc = alerts_add_state(s, text.buf, err);
	else if (errno != ENOENT) {
		strbuf_addf(err, "cannot read '%s': %s", path.buf, strbuf_file_error(errno));
		rc = -1;
	}
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

json_t *alerts_put_rule_body(const json_t *rule)
{
	json_t *body = json_object(), *tags = json_array(), *v;
	const char *key;
	char *pattern = json_dumps(json_object_get(rule, "EventPattern"),
				   JSON_COMPACT | JSON_SORT_KEYS);

	json_object_set(body, "Name", json_object_get(rule, "Name"));
	if (json_object_get(rule, "Description"))
		json_object_set(body, "Description", json_object_get(rule, "Description"));
	json_object_set_new(body, "EventPattern", json_string(pattern ? pattern : "{}"));
	json_object_set(body, "State", json_object_get(rule, "State"));
	json_object_foreach(json_object_get(rule, "Tags"), key, v)
		json_array_append_new(tags, json_pack("{s:s, s:O}", "Key", key, "Value", v));
	json_object_set_new(body, "Tags", tags);
	free(pattern);
	return body;
}
