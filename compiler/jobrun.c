#include "jobrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xalloc.h"

/* ---- the project's pipelines ---- */

static int pipeline_cmp(const void *a, const void *b)
{
	return strcmp(((const struct jobrun_pipeline *)a)->name,
		      ((const struct jobrun_pipeline *)b)->name);
}

/* The entry of pipeline name, added when new. */
static struct jobrun_pipeline *pipeline_slot(struct jobrun_project *jp, const char *name,
					     size_t *alloc)
{
	size_t i;

	for (i = 0; i < jp->count; i++)
		if (!strcmp(jp->pipelines[i].name, name))
			return &jp->pipelines[i];
	if (jp->count == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 8;
		jp->pipelines = xrealloc(jp->pipelines, *alloc * sizeof(*jp->pipelines));
	}
	memset(&jp->pipelines[jp->count], 0, sizeof(jp->pipelines[0]));
	jp->pipelines[jp->count].name = name;
	jp->pipelines[jp->count].triggers = json_array();
	return &jp->pipelines[jp->count++];
}

int jobrun_project_load(struct jobrun_project *jp, const struct project_opts *po,
			struct strbuf *err)
{
	struct project_opts quiet;
	size_t i, alloc = 0;
	int rc;

	memset(jp, 0, sizeof(*jp));
	plan_state_init(&jp->desired, "desired");
	quiet = *po;
	quiet.quiet_warnings = true;
	rc = plan_source_desired(&quiet, NULL, &jp->desired, &jp->env, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < jp->desired.count; i++) {
		const struct plan_resource *r = &jp->desired.items[i];
		struct jobrun_pipeline *p;

		if (!r->pipeline || !*r->pipeline)
			continue;
		if (r->kind != PLAN_JOB && r->kind != PLAN_TRIGGER && r->kind != PLAN_RULESET)
			continue;
		p = pipeline_slot(jp, r->pipeline, &alloc);
		if (r->kind == PLAN_JOB)
			p->job = r->name;
		else if (r->kind == PLAN_TRIGGER)
			json_array_append_new(p->triggers, json_string(r->name));
		else
			p->ruleset = r->name;
	}
	for (i = 0; i < jp->count; i++)
		jp->pipelines[i].facts = json_object_get(jp->desired.facts, jp->pipelines[i].name);
	if (jp->count)
		qsort(jp->pipelines, jp->count, sizeof(*jp->pipelines), pipeline_cmp);
	return 0;
}

void jobrun_project_release(struct jobrun_project *jp)
{
	size_t i;

	for (i = 0; i < jp->count; i++)
		json_decref(jp->pipelines[i].triggers);
	free(jp->pipelines);
	plan_source_env_release(&jp->env);
	plan_state_release(&jp->desired);
	memset(jp, 0, sizeof(*jp));
}

const struct jobrun_pipeline *jobrun_find(const struct jobrun_project *jp, const char *name)
{
	const char **names = xcalloc(jp->count + 1, sizeof(*names));
	const char *near;
	size_t i;

	for (i = 0; i < jp->count; i++) {
		if (!strcmp(jp->pipelines[i].name, name) && jp->pipelines[i].job) {
			free(names);
			return &jp->pipelines[i];
		}
		names[i] = jp->pipelines[i].name;
	}
	fprintf(stderr, "pipec: error: '%s' is not a pipeline of project '%s'\n", name,
		jp->desired.project);
	near = diag_closest(name, names, jp->count);
	if (near)
		fprintf(stderr, "help: did you mean '%s'?\n", near);
	else if (jp->count) {
		fputs("help: its pipelines are", stderr);
		for (i = 0; i < jp->count; i++)
			fprintf(stderr, "%s %s", i ? "," : "", names[i]);
		fputc('\n', stderr);
	}
	free(names);
	return NULL;
}

/* ---- the deployed job ---- */

void jobrun_api_error(struct aws_client *c, const char *what, struct strbuf *err)
{
	const char *code = aws_error_code(c);

	strbuf_addf(err, "%s failed: %s", what, aws_errmsg(c));
	if (code && *code && !strstr(aws_errmsg(c), code))
		strbuf_addf(err, " (%s)", code);
}

/* The decoded value of one of pipec's tags, or NULL (free it). */
static char *tag_value(const json_t *tags, const char *key)
{
	const char *v = json_string_value(json_object_get(tags, key));

	return v ? plan_tag_decode(v) : NULL;
}

static bool tag_is(const json_t *tags, const char *key, const char *want)
{
	char *v = tag_value(tags, key);
	bool same = v && !strcmp(v, want);

	free(v);
	return same;
}

/* Whether the tags say this project and environment own the job (as
 * deploy decides it); otherwise why names the owner they name. */
static bool tags_owned(const struct jobrun_project *jp, const json_t *tags, struct strbuf *why)
{
	struct strbuf owner = STRBUF_INIT;
	char *found;
	bool mine;

	strbuf_addf(&owner, "%s/%s", jp->desired.project, jp->desired.environment);
	mine = tag_is(tags, PLAN_TAG_OWNER, owner.buf) &&
	       tag_is(tags, PLAN_TAG_PROJECT, jp->desired.project) &&
	       tag_is(tags, PLAN_TAG_ENV, jp->desired.environment);
	strbuf_release(&owner);
	if (mine)
		return true;
	found = tag_value(tags, PLAN_TAG_OWNER);
	if (found)
		strbuf_addf(why, "%s=%s", PLAN_TAG_OWNER, found);
	else
		strbuf_addstr(why, "no pipec owner tag");
	free(found);
	return false;
}

static int caller_account(struct aws_client *c, char **account, struct strbuf *err)
{
	struct aws_identity id;

	if (*account)
		return 0;
	memset(&id, 0, sizeof(id));
	if (aws_sts_get_caller_identity(c, &id) != AWS_OK) {
		jobrun_api_error(c, "STS GetCallerIdentity", err);
		return -1;
	}
	*account = id.account;
	id.account = NULL;
	aws_identity_release(&id);
	return *account ? 0 : -1;
}

int jobrun_job(struct aws_client *c, const struct jobrun_project *jp,
	       const struct jobrun_pipeline *p, char **account, enum jobrun_job_state *state,
	       json_t **job, struct strbuf *why, struct strbuf *err)
{
	struct strbuf arn = STRBUF_INIT;
	json_t *out = NULL, *tags = NULL;
	const char *region;
	int rc = -1;

	if (job)
		*job = NULL;
	if (aws_glue_call(c, "GetJob", json_pack("{s:s}", "JobName", p->job), &out) != AWS_OK) {
		if (aws_error_is(c, "EntityNotFoundException")) {
			*state = JOBRUN_NOT_DEPLOYED;
			return 0;
		}
		jobrun_api_error(c, "Glue GetJob", err);
		return -1;
	}
	if (caller_account(c, account, err) != 0)
		goto out;
	region = aws_client_region(c);
	strbuf_addf(&arn, "arn:aws:glue:%s:%s:job/%s", region ? region : "", *account, p->job);
	if (aws_glue_call(c, "GetTags", json_pack("{s:s}", "ResourceArn", arn.buf), &tags) !=
	    AWS_OK) {
		jobrun_api_error(c, "Glue GetTags", err);
		goto out;
	}
	*state = tags_owned(jp, json_object_get(tags, "Tags"), why) ? JOBRUN_DEPLOYED
								   : JOBRUN_NOT_OWNED;
	if (job && *state == JOBRUN_DEPLOYED)
		*job = json_incref(json_object_get(out, "Job"));
	rc = 0;
out:
	json_decref(out);
	json_decref(tags);
	strbuf_release(&arn);
	return rc;
}

void jobrun_describe_state(const struct jobrun_project *jp, const struct jobrun_pipeline *p,
			   enum jobrun_job_state state, const char *why, struct strbuf *out)
{
	if (state == JOBRUN_NOT_DEPLOYED)
		strbuf_addf(out, "the job '%s' of pipeline '%s' is not deployed in environment "
				 "'%s' (run pipec deploy first)", p->job, p->name,
			    jp->desired.environment);
	else if (state == JOBRUN_NOT_OWNED)
		strbuf_addf(out, "the job '%s' of pipeline '%s' is not owned by project '%s', "
				 "environment '%s' (%s): pipec runs only the jobs it deployed",
			    p->job, p->name, jp->desired.project, jp->desired.environment, why);
}

/* ---- run states ---- */

static const char *const final_states[] = { "SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR",
					    "EXPIRED" };

bool jobrun_state_final(const char *state)
{
	size_t i;

	for (i = 0; state && i < sizeof(final_states) / sizeof(final_states[0]); i++)
		if (!strcmp(state, final_states[i]))
			return true;
	return false;
}

bool jobrun_state_succeeded(const char *state)
{
	return state && !strcmp(state, "SUCCEEDED");
}

/* ---- logs ---- */

static const char *const log_groups[2] = { JOBRUN_LOG_OUTPUT, JOBRUN_LOG_ERROR };
static const char *const log_kinds[2] = { "output", "error" };

void jobrun_logs_init(struct jobrun_logs *l, const char *run_id)
{
	memset(l, 0, sizeof(*l));
	l->run_id = xstrdup(run_id);
}

void jobrun_logs_release(struct jobrun_logs *l)
{
	size_t i;

	free(l->run_id);
	for (i = 0; i < 4; i++)
		free(l->token[i]);
	memset(l, 0, sizeof(*l));
}

/* Passes each line of one event's message to fn. */
static void message_lines(const char *msg, const char *kind, jobrun_line_fn fn, void *ctx,
			  size_t *nlines)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = msg;

	while (*p) {
		size_t n = strcspn(p, "\n");

		size_t i, end = n && p[n - 1] == '\r' ? n - 1 : n;

		/* control characters (terminal escapes a job may print) are shown
		 * as \xNN, never sent to the terminal */
		strbuf_reset(&line);
		for (i = 0; i < end; i++) {
			unsigned char ch = (unsigned char)p[i];

			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				strbuf_addf(&line, "\\x%02x", ch);
			else
				strbuf_addch(&line, ch);
		}
		fn(ctx, kind, line.buf);
		if (nlines)
			(*nlines)++;
		p += n;
		if (*p == '\n')
			p++;
	}
	strbuf_release(&line);
}

/* One GetLogEvents page of stream s (group s / 2; s % 2: "<run id>" or
 * "<run id>-driver").  Returns 1 when the token moved (more may follow),
 * 0 at the end, -1 on failure. */
static int logs_page(struct aws_client *c, struct jobrun_logs *l, int s, jobrun_line_fn fn,
		     void *ctx, size_t *nlines, struct strbuf *err)
{
	struct strbuf stream = STRBUF_INIT;
	json_t *body, *out = NULL, *events;
	const char *next;
	size_t i;
	int moved;

	strbuf_addf(&stream, "%s%s", l->run_id, s % 2 ? "-driver" : "");
	body = json_pack("{s:s, s:s, s:b}", "logGroupName", log_groups[s / 2], "logStreamName",
			 stream.buf, "startFromHead", 1);
	strbuf_release(&stream);

	if (l->token[s])
		json_object_set_new(body, "nextToken", json_string(l->token[s]));
	if (aws_json_call(c, AWS_SERVICE_LOGS, "GetLogEvents", body, &out) != AWS_OK) {
		if (aws_error_is(c, "ResourceNotFoundException"))
			return 0;	/* the run has not written to this group yet */
		jobrun_api_error(c, "CloudWatch Logs GetLogEvents", err);
		return -1;
	}
	events = json_object_get(out, "events");
	for (i = 0; i < json_array_size(events); i++) {
		const char *msg = json_string_value(json_object_get(json_array_get(events, i),
								    "message"));

		if (msg)
			message_lines(msg, log_kinds[s / 2], fn, ctx, nlines);
	}
	next = json_string_value(json_object_get(out, "nextForwardToken"));
	moved = next && (!l->token[s] || strcmp(next, l->token[s]));
	if (moved) {
		free(l->token[s]);
		l->token[s] = xstrdup(next);
	}
	/* the same token again means the end; so does a page without events */
	if (!json_array_size(events))
		moved = 0;
	json_decref(out);
	return moved;
}

int jobrun_logs_poll(struct aws_client *c, struct jobrun_logs *l, jobrun_line_fn fn, void *ctx,
		     size_t *nlines, struct strbuf *err)
{
	int s, r, pages;

	for (s = 0; s < 4; s++) {
		pages = 0;
		do {
			r = logs_page(c, l, s, fn, ctx, nlines, err);
			if (r < 0)
				return -1;
		} while (r > 0 && (!l->pages || ++pages < l->pages));
	}
	return 0;
}
