/*
 * cmd_run: `pipec run` — start the deployed jobs of named pipelines
 * (StartJobRun) and, with --follow, watch them to the end: their states
 * (GetJobRun, polled with backoff) and their CloudWatch Logs lines.
 */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws.h"
#include "jobrun.h"
#include "strbuf.h"
#include "xalloc.h"

static const char run_usage[] =
	"usage: pipec run [options] NAME...\n"
	"\n"
	"Starts the deployed Glue job of each named pipeline (StartJobRun) and\n"
	"prints the run id.  A name that is not a pipeline of the project, a job\n"
	"that is not deployed, or one that this project and environment do not\n"
	"own (deploy's tags) is refused before any run starts.\n"
	"\n"
	"options:\n"
	CLI_PROJECT_OPTIONS_HELP
	"  --arg KEY=VALUE      pass --KEY VALUE to the runs (repeatable); KEY is\n"
	"                       one of the job's own arguments (DefaultArguments\n"
	"                       written by pipec, e.g. watermark_initial) or\n"
	"                       job-bookmark-option; Glue's reserved arguments are\n"
	"                       refused\n"
	"  --follow             watch the runs to the end: states, and the lines\n"
	"                       of their logs (/aws-glue/jobs/output and /error)\n"
	"  --run-id ID          follow this run instead of starting one (one NAME;\n"
	"                       implies --follow)\n"
	"  --stop-on-interrupt  on Ctrl-C while following, stop the runs\n"
	"                       (BatchStopJobRun) without asking\n"
	CLI_AWS_OPTIONS_HELP
	"  -h, --help           show this help\n"
	"\n"
	"Ctrl-C while following asks whether to stop the runs when standard input\n"
	"is a terminal; otherwise pipec stops following and prints how to follow\n"
	"again, and the runs go on.\n"
	"\n"
	"Exit status: 0 started (--follow: every run SUCCEEDED), 1 a run FAILED,\n"
	"TIMEOUT, STOPPED or ERROR, a job is not deployed or not owned, or an AWS\n"
	"call failed, 2 usage error (an unknown pipeline or option, a refused\n"
	"--arg), 130 interrupted while following.\n";

#define EXIT_INTERRUPTED 130

struct run_args {
	struct project_opts po;
	struct aws_options ao;
	const char **names;
	size_t nnames;
	const char **kv;		/* --arg values, KEY=VALUE */
	size_t nkv;
	const char *run_id;
	bool follow, stop_on_interrupt, verbose;
};

struct run_item {
	const struct jobrun_pipeline *p;
	char *run_id;
	char *state;
	bool done, ok;
	struct jobrun_logs logs;
};

struct follow {
	struct aws_client *c;
	struct run_item *items;
	size_t n;
	long base_ms, max_ms;
	const char *prefix;	/* the pipeline of the line being printed, with several runs */
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- arguments ---- */

/* Arguments Glue sets itself or reserves (docs: "Using job parameters in
 * AWS Glue jobs"), and those pipec sets from the .pipe file. */
static const char *const glue_reserved[] = { "JOB_NAME", "JOB_ID", "JOB_RUN_ID", "WORKFLOW_NAME",
					     "WORKFLOW_RUN_ID", "debug", "mode", "conf",
					     "job-language", "TempDir", "datalake-formats",
					     "enable-glue-datacatalog", "enable-auto-scaling",
					     "extra-py-files", "extra-jars", "extra-files",
					     "additional-python-modules", "python-modules-installer-option",
					     "enable-continuous-cloudwatch-log", "continuous-log-logGroup",
					     "enable-metrics", "enable-spark-ui", "spark-event-logs-path",
					     "enable-job-insights", "enable-observability-metrics" };

/* The key of --arg KEY=VALUE (a leading "--" allowed), checked for form
 * and against the reserved names.  Returns 0, or the usage status. */
static int check_kv(const char *kv)
{
	const char *eq = strchr(kv, '='), *k = kv;
	size_t i, n;

	if (!strncmp(k, "--", 2))
		k += 2;
	if (!eq || eq == k)
		return cli_usage_error("run", "--arg needs KEY=VALUE, not '%s'", kv);
	n = (size_t)(eq - k);
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-'))
			return cli_usage_error("run", "--arg key '%.*s' may only have letters, digits, "
						      "'_' and '-'", (int)n, k);
	for (i = 0; i < sizeof(glue_reserved) / sizeof(glue_reserved[0]); i++)
		if (strlen(glue_reserved[i]) == n && !strncmp(k, glue_reserved[i], n))
			return cli_usage_error("run", "--arg '%.*s' is reserved: Glue or pipec sets it "
						      "(a setting of the job belongs in its .pipe "
						      "file)", (int)n, k);
	return 0;
}

enum { OPT_FOLLOW, OPT_STOP_ON_INTERRUPT, OPT_VERBOSE, OPT_ARG, OPT_RUN_ID };

static const struct cli_opt run_opts[] = {
	{ "--follow", NULL, false, OPT_FOLLOW },
	{ "--stop-on-interrupt", NULL, false, OPT_STOP_ON_INTERRUPT },
	{ "--verbose", NULL, false, OPT_VERBOSE },
	{ "--arg", NULL, true, OPT_ARG },
	{ "--run-id", NULL, true, OPT_RUN_ID },
};

static int set_run_option(void *ctx, int id, const char *opt, const char *v)
{
	struct run_args *a = ctx;
	int rc;

	(void)opt;
	switch (id) {
	case OPT_FOLLOW: a->follow = true; break;
	case OPT_STOP_ON_INTERRUPT: a->stop_on_interrupt = true; break;
	case OPT_VERBOSE: a->verbose = true; break;
	case OPT_ARG:
		if ((rc = check_kv(v)) != 0)
			return rc;
		a->kv[a->nkv++] = v;
		break;
	default: a->run_id = v;
	}
	return 0;
}

static int parse_run_args(int argc, char **argv, struct run_args *a, int *rc)
{
	const struct aws_options ao_init = AWS_OPTIONS_INIT;
	struct cli_spec spec = {
		.cmd = "run", .usage = run_usage,
		.opts = run_opts, .nopts = sizeof(run_opts) / sizeof(run_opts[0]),
		.po = &a->po, .ao = &a->ao, .set = set_run_option, .ctx = a,
	};

	memset(a, 0, sizeof(*a));
	a->ao = ao_init;
	a->kv = xcalloc((size_t)argc, sizeof(*a->kv));
	cli_operands(&spec, argc, &a->names, &a->nnames);
	if (cli_parse(&spec, argc, argv, rc) != 0)
		return -1;
	if (!a->nnames) {
		*rc = cli_usage_error("run", "name the pipelines to run");
		return -1;
	}
	if (a->run_id && (a->nnames != 1 || a->nkv)) {
		*rc = cli_usage_error("run", "--run-id follows one run: one NAME, no --arg");
		return -1;
	}
	if (a->run_id)
		a->follow = true;
	return 0;
}

/* ---- the job's arguments ---- */

static bool reserved(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(glue_reserved) / sizeof(glue_reserved[0]); i++)
		if (!strcmp(key, glue_reserved[i]))
			return true;
	return false;
}

/* pipec's own job arguments are snake_case (Glue's have dashes). */
static bool own_argument(const char *key)
{
	return key[strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_")] == '\0' && !reserved(key);
}

/* Whether the job takes --key: pipec's own arguments of its
 * DefaultArguments, or the bookmark option.  Otherwise reports it. */
static bool arg_allowed(const struct jobrun_pipeline *p, const json_t *job, const char *key,
			const char *value)
{
	const json_t *defaults = json_object_get(job, "DefaultArguments");
	const char *k, *near, **cands;
	const json_t *v;
	size_t i, n = 0;

	if (!strcmp(key, "job-bookmark-option")) {
		if (!strcmp(value, "job-bookmark-enable") || !strcmp(value, "job-bookmark-disable") ||
		    !strcmp(value, "job-bookmark-pause"))
			return true;
		cli_usage_error("run", "--arg job-bookmark-option takes job-bookmark-enable, "
				       "job-bookmark-disable or job-bookmark-pause");
		return false;
	}
	cands = xcalloc(json_object_size(defaults) + 1, sizeof(*cands));
	json_object_foreach((json_t *)defaults, k, v) {
		if (strncmp(k, "--", 2) || !own_argument(k + 2))
			continue;
		if (!strcmp(k + 2, key)) {
			free(cands);
			return true;
		}
		cands[n++] = k + 2;
	}
	(void)v;
	cli_usage_error("run", "the job of pipeline '%s' takes no argument '%s'", p->name, key);
	near = diag_closest(key, cands, n);
	if (near)
		fprintf(stderr, "help: did you mean '%s'?\n", near);
	fputs("help: its job takes job-bookmark-option", stderr);
	for (i = 0; i < n; i++)
		fprintf(stderr, ", %s", cands[i]);
	fputc('\n', stderr);
	free(cands);
	return false;
}

/* The Arguments of StartJobRun, or NULL when the job refuses one (reported). */
static json_t *run_arguments(const struct run_args *a, const struct jobrun_pipeline *p,
			     const json_t *job)
{
	json_t *args = json_object();
	size_t i;

	for (i = 0; i < a->nkv; i++) {
		const char *kv = a->kv[i] + (strncmp(a->kv[i], "--", 2) ? 0 : 2);
		const char *eq = strchr(kv, '=');
		char *key = xstrndup(kv, (size_t)(eq - kv));
		struct strbuf name = STRBUF_INIT;
		bool ok = arg_allowed(p, job, key, eq + 1);

		strbuf_addf(&name, "--%s", key);
		json_object_set_new(args, name.buf, json_string(eq + 1));
		strbuf_release(&name);
		free(key);
		if (!ok) {
			json_decref(args);
			return NULL;
		}
	}
	return args;
}

/* ---- starting ---- */

/* Checks every named pipeline and its job, then starts them all.  Returns
 * 0, or the exit status of the failure (reported). */
static int start_runs(struct aws_client *c, const struct jobrun_project *jp,
		      const struct run_args *a, struct run_item *items)
{
	json_t **bodies = xcalloc(a->nnames, sizeof(*bodies));
	struct strbuf err = STRBUF_INIT, why = STRBUF_INIT;
	char *account = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < a->nnames && !rc; i++)
		if (!(items[i].p = jobrun_find(jp, a->names[i])))
			rc = EXIT_USAGE;
	for (i = 0; i < a->nnames && !rc; i++) {
		enum jobrun_job_state st;
		json_t *job = NULL, *args;

		strbuf_reset(&why);
		if (jobrun_job(c, jp, items[i].p, &account, &st, &job, &why, &err) != 0) {
			fprintf(stderr, "pipec: error: %s\n", err.buf);
			rc = 1;
		} else if (st != JOBRUN_DEPLOYED) {
			strbuf_reset(&err);
			jobrun_describe_state(jp, items[i].p, st, why.buf, &err);
			fprintf(stderr, "pipec: error: %s\n", err.buf);
			rc = 1;
		} else if (!(args = run_arguments(a, items[i].p, job))) {
			rc = EXIT_USAGE;
		} else {
			bodies[i] = json_pack("{s:s}", "JobName", items[i].p->job);
			if (json_object_size(args))
				json_object_set(bodies[i], "Arguments", args);
			json_decref(args);
		}
		json_decref(job);
	}
	for (i = 0; i < a->nnames && !rc; i++) {
		json_t *out = NULL;
		const char *id;

		if (a->run_id) {
			items[i].run_id = xstrdup(a->run_id);
			continue;
		}
		if (aws_glue_call(c, "StartJobRun", bodies[i], &out) != AWS_OK ||
		    !(id = json_string_value(json_object_get(out, "JobRunId")))) {
			strbuf_reset(&err);
			jobrun_api_error(c, "Glue StartJobRun", &err);
			fprintf(stderr, "pipec: error: pipeline '%s': %s\n", items[i].p->name, err.buf);
			rc = 1;
		} else {
			items[i].run_id = xstrdup(id);
			printf("%s: started run %s\n", items[i].p->name, id);
		}
		bodies[i] = NULL;
		json_decref(out);
	}
	for (i = 0; i < a->nnames; i++)
		json_decref(bodies[i]);
	free(bodies);
	free(account);
	strbuf_release(&err);
	strbuf_release(&why);
	fflush(stdout);
	return rc;
}

/* ---- following ---- */

static void print_line(void *ctx, const char *kind, const char *line)
{
	const struct follow *f = ctx;

	if (f->prefix)
		printf("%s [%s] %s\n", f->prefix, kind, line);
	else
		printf("[%s] %s\n", kind, line);
}

/* One poll of one run: its state, then its new log lines.  Returns 1 when
 * something changed, 0 when not, -1 on an AWS failure (reported). */
static int poll_run(struct follow *f, struct run_item *it)
{
	struct strbuf err = STRBUF_INIT;
	json_t *out = NULL, *run;
	const char *state, *msg;
	size_t nlines = 0;
	int changed = 0;

	if (aws_glue_call(f->c, "GetJobRun", json_pack("{s:s, s:s}", "JobName", it->p->job, "RunId",
						       it->run_id), &out) != AWS_OK) {
		jobrun_api_error(f->c, "Glue GetJobRun", &err);
		fprintf(stderr, "pipec: error: pipeline '%s': %s\n", it->p->name, err.buf);
		strbuf_release(&err);
		return -1;
	}
	run = json_object_get(out, "JobRun");
	state = json_string_value(json_object_get(run, "JobRunState"));
	if (state && (!it->state || strcmp(state, it->state))) {
		free(it->state);
		it->state = xstrdup(state);
		changed = 1;
		if (!jobrun_state_final(state))
			printf("%s: %s\n", it->p->name, state);
	}
	f->prefix = f->n > 1 ? it->p->name : NULL;
	if (jobrun_logs_poll(f->c, &it->logs, print_line, f, &nlines, &err) != 0) {
		fprintf(stderr, "pipec: error: pipeline '%s': %s\n", it->p->name, err.buf);
		strbuf_release(&err);
		json_decref(out);
		return -1;
	}
	if (jobrun_state_final(it->state)) {
		it->done = true;
		it->ok = jobrun_state_succeeded(it->state);
		msg = json_string_value(json_object_get(run, "ErrorMessage"));
		if (it->ok)
			printf("%s: SUCCEEDED (run %s, %lld s)\n", it->p->name, it->run_id,
			       (long long)json_integer_value(json_object_get(run, "ExecutionTime")));
		else
			printf("%s: %s (run %s)%s%s\n", it->p->name, it->state, it->run_id,
			       msg ? ": " : "", msg ? msg : "");
	}
	fflush(stdout);
	json_decref(out);
	strbuf_release(&err);
	return changed || nlines;
}

/* Sleeps ms milliseconds, or less when interrupted. */
static void nap(long ms)
{
	struct timespec ts;

	while (ms > 0 && !interrupted) {
		long step = ms > 100 ? 100 : ms;

		ts.tv_sec = 0;
		ts.tv_nsec = step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/* Asks on the terminal whether to stop the runs. */
static bool ask_stop(void)
{
	char line[64];

	fputs("\nStop the run(s) still going? [y/N] ", stderr);
	fflush(stderr);
	interrupted = 0;
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* BatchStopJobRun for every run not done.  Returns 0, or -1 (reported). */
static int stop_runs(struct follow *f)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < f->n; i++) {
		struct run_item *it = &f->items[i];

		if (it->done)
			continue;
		if (aws_glue_call(f->c, "BatchStopJobRun",
				  json_pack("{s:s, s:[s]}", "JobName", it->p->job, "JobRunIds",
					    it->run_id), NULL) != AWS_OK) {
			strbuf_reset(&err);
			jobrun_api_error(f->c, "Glue BatchStopJobRun", &err);
			fprintf(stderr, "pipec: error: pipeline '%s': %s\n", it->p->name, err.buf);
			rc = -1;
		} else {
			printf("%s: stopping run %s\n", it->p->name, it->run_id);
		}
	}
	fflush(stdout);
	strbuf_release(&err);
	return rc;
}

static void print_resume(const struct follow *f, const struct run_args *a)
{
	size_t i;

	fprintf(stderr, "pipec: stopped following; the runs go on. Follow them again with:\n");
	for (i = 0; i < f->n; i++)
		if (!f->items[i].done)
			fprintf(stderr, "  pipec run%s%s --run-id %s %s\n", a->po.env_name ? " --env " : "",
				a->po.env_name ? a->po.env_name : "", f->items[i].run_id,
				f->items[i].p->name);
}

/* Ctrl-C: returns -1 to stop following (exit 130), 0 to go on (the runs
 * were asked to stop and are followed to their end). */
static int on_interrupt(struct follow *f, const struct run_args *a, bool *stopping)
{
	bool stop = a->stop_on_interrupt || (isatty(STDIN_FILENO) && ask_stop());

	interrupted = 0;
	if (*stopping || !stop || stop_runs(f) != 0) {
		print_resume(f, a);
		return -1;
	}
	*stopping = true;
	return 0;
}

static long poll_ms(void)
{
	const char *v = getenv("PIPEC_RUN_POLL_MS");
	long n = v && *v ? strtol(v, NULL, 10) : 0;

	return n > 0 && n <= 60000 ? n : 2000;
}

/* Follows every run to its end.  Returns the exit status. */
static int follow_runs(struct follow *f, const struct run_args *a)
{
	struct sigaction sa, old;
	long wait = f->base_ms;
	bool stopping = false;
	size_t i, left;
	int rc = 0, r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	for (;;) {
		bool changed = false;

		for (i = 0, left = 0; i < f->n && rc == 0; i++) {
			if (f->items[i].done)
				continue;
			if ((r = poll_run(f, &f->items[i])) < 0)
				rc = 1;
			changed |= r > 0;
			left += !f->items[i].done;
		}
		if (rc || !left)
			break;
		wait = changed ? f->base_ms : (wait * 2 > f->max_ms ? f->max_ms : wait * 2);
		nap(wait);
		if (interrupted && on_interrupt(f, a, &stopping) != 0) {
			rc = EXIT_INTERRUPTED;
			break;
		}
	}
	sigaction(SIGINT, &old, NULL);
	if (rc == 1)
		print_resume(f, a);
	for (i = 0; i < f->n && rc == 0; i++)
		if (!f->items[i].ok)
			rc = 1;
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct jobrun_project jp;
	struct run_item *items = NULL;
	struct strbuf err = STRBUF_INIT;
	struct aws_client *c = NULL;
	struct follow f;
	size_t i;
	int rc = 1, lr;

	if (parse_run_args(argc, argv, &a, &rc) != 0)
		goto out_args;
	lr = jobrun_project_load(&jp, &a.po, &err);
	if (lr != 0) {
		if (lr < 0)
			fprintf(stderr, "pipec: error: %s\n", err.buf);
		rc = 1;
		goto out;
	}
	if (!a.ao.region)
		a.ao.region = jp.env.region;
	a.ao.trace = a.verbose ? stderr : NULL;
	c = aws_client_new(&a.ao);
	items = xcalloc(a.nnames, sizeof(*items));
	rc = start_runs(c, &jp, &a, items);
	if (rc == 0 && a.follow) {
		for (i = 0; i < a.nnames; i++)
			jobrun_logs_init(&items[i].logs, items[i].run_id);
		memset(&f, 0, sizeof(f));
		f.c = c;
		f.items = items;
		f.n = a.nnames;
		f.base_ms = poll_ms();
		f.max_ms = 15 * f.base_ms;
		rc = follow_runs(&f, &a);
	}
	for (i = 0; items && i < a.nnames; i++) {
		free(items[i].run_id);
		free(items[i].state);
		jobrun_logs_release(&items[i].logs);
	}
	free(items);
	aws_client_free(c);
out:
	jobrun_project_release(&jp);
out_args:
	strbuf_release(&err);
	free(a.names);
	free(a.kv);
	return rc;
}
