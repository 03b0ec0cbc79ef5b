/*
 * cmd_status: `pipec status` — per pipeline, what AWS says about its job:
 * the last runs, the trigger's state, the last data-quality result, the
 * rows the last run read and wrote (from its log lines), and where the
 * watermark is kept.  One JSON document per call (--format json, version
 * 1), rendered as aligned text by default.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws.h"
#include "jobrun.h"
#include "strbuf.h"
#include "xalloc.h"

static const char status_usage[] =
	"usage: pipec status [options] [NAME...]\n"
	"\n"
	"Shows, for each named pipeline (default: every pipeline of the project),\n"
	"what AWS says about its deployed job: the last runs (state, start,\n"
	"duration, DPU-hours, error), the state of its triggers, the last\n"
	"data-quality result (score, failed rules), the rows the last run read\n"
	"and wrote (from its log lines) and where its watermark is kept.  A\n"
	"pipeline whose job is not deployed shows 'not deployed'.\n"
	"\n"
	"options:\n"
	CLI_PROJECT_OPTIONS_HELP
	"  --format F           text (default) or json (version 1, docs/cli.md)\n"
	"  --runs N             the last N runs of each job (default 5, 1 to 200)\n"
	CLI_AWS_OPTIONS_HELP
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 shown (whatever the runs' states), 1 an AWS call failed\n"
	"or the project has errors, 2 usage error (an unknown pipeline or option).\n";

struct status_args {
	struct project_opts po;
	struct aws_options ao;
	const char **names;
	size_t nnames;
	bool json, verbose;
	long runs;
};

struct status_ctx {
	struct aws_client *c;
	const struct jobrun_project *jp;
	char *account;
	long runs;
	struct strbuf err;
};

/* ---- arguments ---- */

enum { OPT_VERBOSE, OPT_FORMAT, OPT_RUNS };

static const struct cli_opt status_opts[] = {
	{ "--verbose", NULL, false, OPT_VERBOSE },
	{ "--format", NULL, true, OPT_FORMAT },
	{ "--runs", NULL, true, OPT_RUNS },
};

static int set_status_option(void *ctx, int id, const char *opt, const char *v)
{
	struct status_args *a = ctx;
	char *end;

	(void)opt;
	if (id == OPT_VERBOSE) {
		a->verbose = true;
	} else if (id == OPT_FORMAT) {
		if (strcmp(v, "text") && strcmp(v, "json"))
			return cli_usage_error("status", "--format takes text or json, not '%s'", v);
		a->json = !strcmp(v, "json");
	} else {
		a->runs = strtol(v, &end, 10);
		if (*end || a->runs < 1 || a->runs > 200)
			return cli_usage_error("status", "--runs must be a number from 1 to 200");
	}
	return 0;
}

static int parse_status_args(int argc, char **argv, struct status_args *a, int *rc)
{
	const struct aws_options ao_init = AWS_OPTIONS_INIT;
	struct cli_spec spec = {
		.cmd = "status", .usage = status_usage,
		.opts = status_opts, .nopts = sizeof(status_opts) / sizeof(status_opts[0]),
		.po = &a->po, .ao = &a->ao, .set = set_status_option, .ctx = a,
	};

	memset(a, 0, sizeof(*a));
	a->ao = ao_init;
	a->runs = 5;
	cli_operands(&spec, argc, &a->names, &a->nnames);
	return cli_parse(&spec, argc, argv, rc);
}

/* ---- reading ---- */

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : dflt;
}

/* An AWS timestamp (JSON 1.1: epoch seconds) as "YYYY-MM-DDTHH:MM:SSZ", or null. */
static json_t *iso_time(const json_t *t)
{
	char buf[32];
	struct tm tm;
	time_t secs;

	if (!json_is_number(t))
		return json_null();
	secs = (time_t)json_number_value(t);
	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* x rounded to two decimals (DPU-hours are billed per second; two
 * decimals are shown, and the JSON carries the same rounded value). */
static double hundredths(double x)
{
	return (double)(long long)(x * 100.0 + 0.5) / 100.0;
}

static json_t *run_entry(const json_t *r)
{
	const json_t *started = json_object_get(r, "StartedOn");
	const json_t *completed = json_object_get(r, "CompletedOn");
	double exec = json_number_value(json_object_get(r, "ExecutionTime"));
	double cap = json_number_value(json_object_get(r, "MaxCapacity"));
	const json_t *dpus = json_object_get(r, "DPUSeconds");
	const char *msg = json_string_value(json_object_get(r, "ErrorMessage"));
	json_t *e = json_object(), *dur = json_null(), *dpuh = json_null();

	if (exec > 0)
		dur = json_integer((json_int_t)exec);
	else if (json_is_number(started) && json_is_number(completed))
		dur = json_integer((json_int_t)(json_number_value(completed) -
						json_number_value(started)));
	/* DPUSeconds is given for auto-scaling and Flex runs; otherwise the
	 * capacity over the execution time */
	if (json_is_number(dpus))
		dpuh = json_real(hundredths(json_number_value(dpus) / 3600.0));
	else if (exec > 0 && cap > 0)
		dpuh = json_real(hundredths(exec * cap / 3600.0));
	json_object_set_new(e, "id", json_string(json_string_value(json_object_get(r, "Id"))));
	json_object_set_new(e, "state", json_string(json_string_value(json_object_get(r,
									      "JobRunState"))));
	json_object_set_new(e, "started_on", iso_time(started));
	json_object_set_new(e, "completed_on", iso_time(completed));
	json_object_set_new(e, "duration_seconds", dur);
	json_object_set_new(e, "dpu_hours", dpuh);
	json_object_set_new(e, "error_message", msg ? json_string(msg) : json_null());
	return e;
}

static int read_runs(struct status_ctx *s, const struct jobrun_pipeline *p, json_t *out)
{
	json_t *ans = NULL, *runs = json_array(), *list;
	size_t i;

	if (aws_glue_call(s->c, "GetJobRuns", json_pack("{s:s, s:I}", "JobName", p->job,
							"MaxResults", (json_int_t)s->runs),
			  &ans) != AWS_OK) {
		jobrun_api_error(s->c, "Glue GetJobRuns", &s->err);
		json_decref(runs);
		return -1;
	}
	list = json_object_get(ans, "JobRuns");
	for (i = 0; i < json_array_size(list) && (long)i < s->runs; i++)
		json_array_append_new(runs, run_entry(json_array_get(list, i)));
	json_object_set_new(out, "runs", runs);
	json_decref(ans);
	return 0;
}

static int read_triggers(struct status_ctx *s, const struct jobrun_pipeline *p, json_t *out)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < json_array_size(p->triggers); i++) {
		const char *name = json_string_value(json_array_get(p->triggers, i));
		json_t *ans = NULL;
		const char *state = NULL;

		if (aws_glue_call(s->c, "GetTrigger", json_pack("{s:s}", "Name", name), &ans) ==
		    AWS_OK)
			state = json_string_value(json_object_get(json_object_get(ans, "Trigger"),
								  "State"));
		else if (!aws_error_is(s->c, "EntityNotFoundException")) {
			jobrun_api_error(s->c, "Glue GetTrigger", &s->err);
			json_decref(arr);
			return -1;
		}
		json_array_append_new(arr, json_pack("{s:s, s:s}", "name", name, "state",
						     state ? state : "NOT DEPLOYED"));
		json_decref(ans);
	}
	json_object_set_new(out, "triggers", arr);
	return 0;
}

/* The newest result of ListDataQualityResults (by StartedOn). */
static const char *newest_result(const json_t *results)
{
	const char *best = NULL;
	double when = -1;
	size_t i;

	for (i = 0; i < json_array_size(results); i++) {
		const json_t *r = json_array_get(results, i);
		double t = json_number_value(json_object_get(r, "StartedOn"));

		if (!best || t > when) {
			best = json_string_value(json_object_get(r, "ResultId"));
			when = t;
		}
	}
	return best;
}

static json_t *dq_entry(const json_t *res)
{
	json_t *failed = json_array(), *rules = json_object_get(res, "RuleResults");
	const json_t *score = json_object_get(res, "Score");
	size_t i;

	for (i = 0; i < json_array_size(rules); i++) {
		const json_t *r = json_array_get(rules, i);
		const char *msg = json_string_value(json_object_get(r, "EvaluationMessage"));

		if (strcmp(str_or(r, "Result", ""), "FAIL"))
			continue;
		json_array_append_new(failed, json_pack("{s:s, s:o}", "rule", str_or(r, "Name", ""),
							"message", msg ? json_string(msg) : json_null()));
	}
	return json_pack("{s:s?, s:s?, s:o, s:o, s:o}", "result_id",
			 json_string_value(json_object_get(res, "ResultId")), "run_id",
			 json_string_value(json_object_get(res, "JobRunId")), "started_on",
			 iso_time(json_object_get(res, "StartedOn")), "score",
			 json_is_number(score) ? json_real(json_number_value(score)) : json_null(),
			 "failed_rules", failed);
}

static int read_quality(struct status_ctx *s, const struct jobrun_pipeline *p, json_t *out)
{
	json_t *list = NULL, *res = NULL;
	const char *id;

	json_object_set_new(out, "validates", json_boolean(p->ruleset != NULL));
	if (!p->ruleset) {
		json_object_set_new(out, "data_quality", json_null());
		return 0;
	}
	if (aws_glue_call(s->c, "ListDataQualityResults",
			  json_pack("{s:{s:s}}", "Filter", "JobName", p->job), &list) != AWS_OK) {
		jobrun_api_error(s->c, "Glue ListDataQualityResults", &s->err);
		return -1;
	}
	id = newest_result(json_object_get(list, "Results"));
	if (id && aws_glue_call(s->c, "GetDataQualityResult", json_pack("{s:s}", "ResultId", id),
				&res) != AWS_OK) {
		jobrun_api_error(s->c, "Glue GetDataQualityResult", &s->err);
		json_decref(list);
		return -1;
	}
	json_object_set_new(out, "data_quality", res ? dq_entry(res) : json_null());
	json_decref(res);
	json_decref(list);
	return 0;
}

/* ---- the last run's log lines ---- */

struct scan {
	const char *pipeline;
	json_t *rows;		/* {"read", "written"} */
	char *low;		/* "COL > VALUE" of the watermark line */
};

/* The number in "<pipeline>: <verb> N rows" at the end of line. */
static bool count_after(const char *line, const char *pipeline, const char *verb,
			json_int_t *n)
{
	const char *p = strstr(line, pipeline);
	size_t pl = strlen(pipeline), vl = strlen(verb);
	char *end;

	while (p) {
		if (!strncmp(p + pl, ": ", 2) && !strncmp(p + pl + 2, verb, vl) &&
		    p[pl + 2 + vl] >= '0' && p[pl + 2 + vl] <= '9') {
			*n = (json_int_t)strtoll(p + pl + 2 + vl, &end, 10);
			if (!strcmp(end, " rows"))
				return true;
		}
		p = strstr(p + 1, pipeline);
	}
	return false;
}

static void scan_line(void *ctx, const char *kind, const char *line)
{
	struct scan *sc = ctx;
	struct strbuf lead = STRBUF_INIT;
	const char *w;
	json_int_t n;

	(void)kind;
	if (count_after(line, sc->pipeline, "read ", &n))
		json_object_set_new(sc->rows, "read", json_integer(n));
	if (count_after(line, sc->pipeline, "wrote ", &n))
		json_object_set_new(sc->rows, "written", json_integer(n));
	strbuf_addf(&lead, "%s: reading rows with ", sc->pipeline);
	if ((w = strstr(line, lead.buf))) {
		free(sc->low);
		sc->low = xstrdup(w + lead.len);
	}
	strbuf_release(&lead);
}

/* Rows read and written by the newest run, and the watermark. */
static int read_logs(struct status_ctx *s, const struct jobrun_pipeline *p, json_t *out)
{
	const json_t *last = json_array_get(json_object_get(out, "runs"), 0);
	const json_t *inc = json_object_get(p->facts, "incremental");
	const char *col = json_string_value(json_object_get(inc, "column"));
	const char *kind = json_string_value(json_object_get(inc, "kind"));
	struct scan sc = { p->name, NULL, NULL };
	struct jobrun_logs logs;

	if (last) {
		sc.rows = json_pack("{s:s, s:n, s:n}", "run_id",
				    json_string_value(json_object_get(last, "id")), "read", "written");
		jobrun_logs_init(&logs, json_string_value(json_object_get(last, "id")));
		logs.pages = 50;
		/* the counts are a bonus: without access to the logs they are unknown */
		if (jobrun_logs_poll(s->c, &logs, scan_line, &sc, NULL, &s->err) != 0) {
			fprintf(stderr, "warning: pipeline '%s': %s: rows read and written are not "
					"shown\n", p->name, s->err.buf);
			strbuf_reset(&s->err);
		}
		jobrun_logs_release(&logs);
	}
	json_object_set_new(out, "rows", sc.rows ? sc.rows : json_null());
	if (col && kind && (!strcmp(kind, "watermark") || !strcmp(kind, "partition")))
		json_object_set_new(out, "watermark",
				    json_pack("{s:s, s:b, s:n, s:s?}", "column", col, "readable", 0,
					      "high", "last_read_from", sc.low));
	else
		json_object_set_new(out, "watermark", json_null());
	free(sc.low);
	return 0;
}

/* Everything about one pipeline.  Returns NULL on an AWS failure (in s->err). */
static json_t *pipeline_status(struct status_ctx *s, const struct jobrun_pipeline *p)
{
	struct strbuf why = STRBUF_INIT;
	enum jobrun_job_state st;
	json_t *out;

	if (jobrun_job(s->c, s->jp, p, &s->account, &st, NULL, &why, &s->err) != 0) {
		strbuf_release(&why);
		return NULL;
	}
	out = json_pack("{s:s, s:s, s:s}", "pipeline", p->name, "job", p->job, "state",
			st == JOBRUN_DEPLOYED ? "deployed" : st == JOBRUN_NOT_DEPLOYED ? "not deployed"
										: "not owned");
	if (st == JOBRUN_NOT_OWNED)
		json_object_set_new(out, "owner", json_string(why.buf));
	strbuf_release(&why);
	if (st != JOBRUN_DEPLOYED)
		return out;
	if (read_runs(s, p, out) != 0 || read_triggers(s, p, out) != 0 ||
	    read_quality(s, p, out) != 0 || read_logs(s, p, out) != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* ---- rendering ---- */

static void text_runs(const json_t *runs)
{
	size_t i, w = 5;
	char dur[32], dpu[32];

	for (i = 0; i < json_array_size(runs); i++) {
		size_t l = strlen(str_or(json_array_get(runs, i), "state", "-"));

		w = l > w ? l : w;
	}
	printf("  runs       %-*s  %-20s  %8s  %9s  %s\n", (int)w, "STATE", "STARTED", "DURATION",
	       "DPU-HOURS", "RUN");
	for (i = 0; i < json_array_size(runs); i++) {
		const json_t *r = json_array_get(runs, i);
		const json_t *d = json_object_get(r, "duration_seconds");
		const json_t *h = json_object_get(r, "dpu_hours");

		snprintf(dur, sizeof(dur), json_is_integer(d) ? "%llds" : "-",
			 (long long)json_integer_value(d));
		snprintf(dpu, sizeof(dpu), json_is_number(h) ? "%.2f" : "-", json_number_value(h));
		printf("             %-*s  %-20s  %8s  %9s  %s\n", (int)w, str_or(r, "state", "-"),
		       str_or(r, "started_on", "-"), dur, dpu, str_or(r, "id", "-"));
		if (json_string_value(json_object_get(r, "error_message")))
			printf("             %*s  error: %s\n", (int)w, "",
			       str_or(r, "error_message", ""));
	}
	if (!json_array_size(runs))
		printf("             (no runs)\n");
}

static void text_quality(const json_t *dq)
{
	const json_t *failed = json_object_get(dq, "failed_rules");
	size_t i;

	if (!json_is_object(dq)) {
		printf("  quality    no result yet\n");
		return;
	}
	printf("  quality    score %.2f, %zu failed rule%s (result %s, %s)\n",
	       json_number_value(json_object_get(dq, "score")), json_array_size(failed),
	       json_array_size(failed) == 1 ? "" : "s", str_or(dq, "result_id", "-"),
	       str_or(dq, "started_on", "-"));
	for (i = 0; i < json_array_size(failed); i++) {
		const json_t *f = json_array_get(failed, i);

		printf("             failed: %s%s%s\n", str_or(f, "rule", ""),
		       json_string_value(json_object_get(f, "message")) ? ": " : "",
		       str_or(f, "message", ""));
	}
}

static void text_count(struct strbuf *sb, const char *what, const json_t *n)
{
	if (json_is_integer(n))
		strbuf_addf(sb, "%s %lld", what, (long long)json_integer_value(n));
	else
		strbuf_addf(sb, "%s unknown", what);
}

static void text_pipeline(const json_t *p)
{
	const json_t *trig = json_object_get(p, "triggers"), *rows = json_object_get(p, "rows");
	const json_t *wm = json_object_get(p, "watermark");
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	printf("%s (job %s): %s%s%s\n", str_or(p, "pipeline", ""), str_or(p, "job", ""),
	       str_or(p, "state", ""), json_object_get(p, "owner") ? ", " : "",
	       str_or(p, "owner", ""));
	if (strcmp(str_or(p, "state", ""), "deployed"))
		return;
	text_runs(json_object_get(p, "runs"));
	for (i = 0; i < json_array_size(trig); i++)
		printf("  trigger    %s: %s\n", str_or(json_array_get(trig, i), "name", ""),
		       str_or(json_array_get(trig, i), "state", ""));
	if (json_is_object(rows)) {
		text_count(&sb, "read", json_object_get(rows, "read"));
		text_count(&sb, ", written", json_object_get(rows, "written"));
		printf("  rows       %s (run %s)\n", sb.buf, str_or(rows, "run_id", ""));
	}
	if (json_is_true(json_object_get(p, "validates")))
		text_quality(json_object_get(p, "data_quality"));
	if (json_is_object(wm)) {
		printf("  watermark  MAX(%s) of the target table, not readable from AWS",
		       str_or(wm, "column", ""));
		if (json_string_value(json_object_get(wm, "last_read_from")))
			printf("; the last run read rows with %s", str_or(wm, "last_read_from", ""));
		putchar('\n');
	}
	strbuf_release(&sb);
}

static int render(const struct status_args *a, json_t *doc)
{
	const json_t *pls = json_object_get(doc, "pipelines");
	size_t i;

	if (a->json) {
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
					JSON_REAL_PRECISION(6));

		puts(text);
		free(text);
		return 0;
	}
	printf("project %s, environment %s\n", str_or(doc, "project", ""),
	       str_or(doc, "environment", ""));
	for (i = 0; i < json_array_size(pls); i++) {
		putchar('\n');
		text_pipeline(json_array_get(pls, i));
	}
	return 0;
}

/* ---- the command ---- */

static int collect(struct status_ctx *s, const struct status_args *a, json_t *pls)
{
	size_t i, n = a->nnames ? a->nnames : s->jp->count;

	for (i = 0; i < n; i++) {
		const struct jobrun_pipeline *p = a->nnames ? jobrun_find(s->jp, a->names[i])
							   : &s->jp->pipelines[i];
		json_t *one;

		if (!p)
			return EXIT_USAGE;
		if (!p->job)
			continue;
		if (!(one = pipeline_status(s, p))) {
			fprintf(stderr, "pipec: error: pipeline '%s': %s\n", p->name, s->err.buf);
			return 1;
		}
		json_array_append_new(pls, one);
	}
	return 0;
}

int cmd_status(int argc, char **argv)
{
	struct status_args a;
	struct jobrun_project jp;
	struct status_ctx s;
	json_t *doc = NULL;
	int rc = 1, lr;

	if (parse_status_args(argc, argv, &a, &rc) != 0) {
		free(a.names);
		return rc;
	}
	memset(&s, 0, sizeof(s));
	strbuf_init(&s.err, 0);
	lr = jobrun_project_load(&jp, &a.po, &s.err);
	if (lr != 0) {
		if (lr < 0)
			fprintf(stderr, "pipec: error: %s\n", s.err.buf);
		goto out;
	}
	if (!a.ao.region)
		a.ao.region = jp.env.region;
	a.ao.trace = a.verbose ? stderr : NULL;
	s.c = aws_client_new(&a.ao);
	s.jp = &jp;
	s.runs = a.runs;
	doc = json_pack("{s:i, s:s, s:s, s:[]}", "version", 1, "project", jp.desired.project,
			"environment", jp.desired.environment, "pipelines");
	rc = collect(&s, &a, json_object_get(doc, "pipelines"));
	if (rc == 0)
		rc = render(&a, doc);
	aws_client_free(s.c);
	free(s.account);
out:
	json_decref(doc);
	jobrun_project_release(&jp);
	strbuf_release(&s.err);
	free(a.names);
	return rc;
}
