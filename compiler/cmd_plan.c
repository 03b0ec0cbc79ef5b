/*
 * cmd_plan: `pipec plan` — what a deploy would change, against the live
 * resources or against another build directory.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "aws.h"
#include "deploy.h"
#include "graph.h"
#include "plan.h"
#include "plan_md.h"
#include "plan_source.h"
#include "plan_verify.h"
#include "project.h"
#include "strbuf.h"
#include "xalloc.h"

static const char plan_usage[] =
	"usage: pipec plan [options] [PATH...]\n"
	"\n"
	"Compares the artifacts of the .pipe files under PATH (default: the\n"
	"current directory) with what is deployed, or with a previous build\n"
	"directory, and shows per resource what a deploy would do: create,\n"
	"update (with the changed fields and the diff of job.py), replace,\n"
	"destroy (with --prune) or nothing; and warns about dangerous edits.\n"
	"\n"
	"options:\n"
	CLI_PROJECT_OPTIONS_HELP
	"  --against DIR        compare with this build directory instead of the\n"
	"                       deployed resources: no AWS call, no credentials\n"
	"                       (a missing or empty DIR: everything is a create)\n"
	"  --from DIR           take the desired artifacts from this build\n"
	"                       directory instead of the .pipe files\n"
	"  --prune              plan to destroy owned resources no longer declared\n"
	"                       (also finds workflows left by removed S3-event\n"
	"                       pipelines and 'after' chains: ListWorkflows,\n"
	"                       GetTags of names of the project's form)\n"
	"  --refresh-tags       read the tags of every owned resource (one GetTags\n"
	"                       each, in parallel) to see tags edited outside pipec\n"
	"  --refresh            a full read, to run on a schedule to catch drift:\n"
	"                       --refresh-tags, every ruleset's rules\n"
	"                       (GetDataQualityRuleset) and every deployed script\n"
	"                       object against the sha256 its key names (HeadObject\n"
	"                       in checksum mode, GetObject when S3 keeps none)\n"
	"  --format F           text (default), markdown (ends with a Mermaid\n"
	"                       graph of the changed pipelines, from .pipe files)\n"
	"                       or json\n"
	"  --out FILE           also save the plan (JSON) for 'pipec deploy --plan'\n"
	"  --max-bytes N        markdown: at most N bytes (N >= 1024): the graph\n"
	"                       is left out first, then the longest\n"
	"                       field tables and script diffs are replaced by a\n"
	"                       line saying how many lines were left out (for a\n"
	"                       pull-request comment: GitHub takes 65536)\n"
	"  --marker TEXT        markdown: first line <!-- TEXT --> (finds the\n"
	"                       comment to update)\n"
	"  --full-plan-url URL  markdown: where the full plan is, linked from\n"
	"                       the lines that replace left-out diffs\n"
	"  --concurrency N      parallel AWS requests (default 16)\n"
	CLI_AWS_OPTIONS_HELP
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 no changes, 2 changes, 1 error (usage errors included).\n";

/* Exit status 2 of plan means "changes to apply": a usage error must not
 * look like that to CI, so it is an error (1). */
static int plan_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int plan_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_usage_verror("plan", fmt, ap);
	va_end(ap);
	return 1;
}

struct plan_args {
	struct project_opts po;		/* po.paths is allocated: the caller frees it */
	struct aws_options ao;
	const char *against, *from, *out_path;
	enum plan_format fmt;
	struct plan_md_limit md;	/* --max-bytes, --marker, --full-plan-url */
	bool prune, verbose, refresh_tags, refresh;
};

/* Sets the one of --against, --from, --out and --format that opt is to v;
 * returns 0, or the exit status of the usage error it reported. */
static int set_value_option(struct plan_args *a, const char *opt, const char *v)
{
	if (!strncmp(opt, "--against", 9))
		a->against = v;
	else if (!strncmp(opt, "--from", 6))
		a->from = v;
	else if (!strncmp(opt, "--out", 5))
		a->out_path = v;
	else if (!strcmp(v, "text"))
		a->fmt = PLAN_FORMAT_TEXT;
	else if (!strcmp(v, "markdown"))
		a->fmt = PLAN_FORMAT_MARKDOWN;
	else if (!strcmp(v, "json"))
		a->fmt = PLAN_FORMAT_JSON;
	else
		return plan_usage_error("unknown format '%s' (text, markdown, json)", v);
	return 0;
}

/* --max-bytes, --marker, --full-plan-url: returns 0, or the exit status
 * of the usage error it reported. */
static int set_md_option(struct plan_args *a, const char *opt, const char *v)
{
	if (!strncmp(opt, "--marker", 8)) {
		if (!plan_md_marker_ok(v))
			return plan_usage_error("--marker: '%s' cannot be an HTML comment: 1 to %d printable ASCII characters, without '--' or '>'",
						v, PLAN_MD_MAX_MARKER);
		a->md.marker = v;
	} else if (!strncmp(opt, "--full-plan-url", 15)) {
		if (!plan_md_url_ok(v))
			return plan_usage_error("--full-plan-url: '%s' is not a URL pipec can link to: 1 to %d printable ASCII characters, none of space, <>()[]\"'`| or backslash",
						v, PLAN_MD_MAX_URL);
		a->md.full_plan_url = v;
	} else {
		char *end;
		unsigned long long n = strtoull(v, &end, 10);

		if (*v < '0' || *v > '9' || *end || n < PLAN_MD_MIN_BYTES || n > (1ull << 40))
			return plan_usage_error("--max-bytes: '%s' is not a number of bytes from %d to 2^40",
						v, PLAN_MD_MIN_BYTES);
		a->md.max_bytes = (size_t)n;
	}
	return 0;
}

enum { OPT_PRUNE, OPT_REFRESH_TAGS, OPT_REFRESH, OPT_VERBOSE, OPT_VALUE, OPT_MD,
       OPT_CONCURRENCY };

static const struct cli_opt plan_opts[] = {
	{ "--prune", NULL, false, OPT_PRUNE },
	{ "--refresh-tags", NULL, false, OPT_REFRESH_TAGS },
	{ "--refresh", NULL, false, OPT_REFRESH },
	{ "--verbose", NULL, false, OPT_VERBOSE },
	{ "--against", NULL, true, OPT_VALUE },
	{ "--from", NULL, true, OPT_VALUE },
	{ "--format", NULL, true, OPT_VALUE },
	{ "--out", NULL, true, OPT_VALUE },
	{ "--max-bytes", NULL, true, OPT_MD },
	{ "--marker", NULL, true, OPT_MD },
	{ "--full-plan-url", NULL, true, OPT_MD },
	{ "--concurrency", NULL, true, OPT_CONCURRENCY },
};

/* --concurrency N: the AWS requests in flight at once. */
static int set_concurrency(struct plan_args *a, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < 1 || n > 64)
		return plan_usage_error("--concurrency must be a number from 1 to 64");
	a->ao.max_concurrency = (int)n;
	return 0;
}

static int set_plan_option(void *ctx, int id, const char *opt, const char *v)
{
	struct plan_args *a = ctx;

	switch (id) {
	case OPT_PRUNE: a->prune = true; return 0;
	case OPT_REFRESH_TAGS: a->refresh_tags = true; return 0;
	case OPT_REFRESH: a->refresh = a->refresh_tags = true; return 0;
	case OPT_VERBOSE: a->verbose = true; return 0;
	case OPT_VALUE: return set_value_option(a, opt, v);
	case OPT_CONCURRENCY: return set_concurrency(a, v);
	default: return set_md_option(a, opt, v);
	}
}

/* Parses the command line into a.  Returns 0, or -1 when the command ends
 * here with exit status *rc (--help, or a usage error already reported). */
static int parse_plan_args(int argc, char **argv, struct plan_args *a, int *rc)
{
	const struct aws_options ao_init = AWS_OPTIONS_INIT;
	struct cli_spec spec = {
		.cmd = "plan", .usage = plan_usage, .usage_status = 1,
		.opts = plan_opts, .nopts = sizeof(plan_opts) / sizeof(plan_opts[0]),
		.po = &a->po, .ao = &a->ao, .set = set_plan_option, .ctx = a,
	};

	memset(a, 0, sizeof(*a));
	a->ao = ao_init;
	a->fmt = PLAN_FORMAT_TEXT;
	cli_operands(&spec, argc, &a->po.paths, &a->po.npaths);
	if (cli_parse(&spec, argc, argv, rc) != 0)
		return -1;
	if (a->from && a->po.npaths) {
		*rc = plan_usage_error("--from and PATH arguments cannot be combined");
		return -1;
	}
	if ((a->md.max_bytes || a->md.marker || a->md.full_plan_url) && a->fmt != PLAN_FORMAT_MARKDOWN) {
		*rc = plan_usage_error("--max-bytes, --marker and --full-plan-url need --format markdown");
		return -1;
	}
	return 0;
}

/* --against DIR that does not exist or is an empty directory: the build of
 * a base that has no pipelines yet.  Anything else must be a build. */
static bool against_nothing(const char *dir)
{
	struct dirent *de;
	struct stat st;
	bool empty = true;
	DIR *d;

	if (stat(dir, &st) != 0)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode) || !(d = opendir(dir)))
		return false;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/* Reads the live state into deployed and computes plan against it (with
 * what `pipec deploy --plan` needs to apply it later).  Returns 0, or -1
 * after reporting the error.  *dep is initialised either way. */
static int plan_against_live(struct plan_args *a, struct deploy *dep, struct aws_client *client,
			     const struct plan_source_env *env, const struct plan_state *desired,
			     struct plan_state *deployed, struct plan *plan, struct strbuf *err)
{
	char *fingerprint = NULL;

	deploy_init(dep, client, env->account);
	dep->prune = a->prune;
	dep->refresh_tags = a->refresh_tags;
	dep->refresh = a->refresh;
	dep->name_prefix = env->name_prefix;
	if (deploy_read_live(dep, desired, deployed, &fingerprint, err) != 0) {
		struct strbuf help = STRBUF_INIT;

		fprintf(stderr, "pipec: error: %s\n", err->buf);
		fputs(deploy_failure_help(dep->failed & ~(unsigned)DEPLOY_FAILED_RETRY, &help), stderr);
		strbuf_release(&help);
		free(fingerprint);
		return -1;
	}
	deploy_prefetch_scripts(dep, desired, deployed);
	plan_compute(plan, desired, deployed, a->prune, deploy_fetch_script, dep);
	plan->refresh_tags = a->refresh_tags;
	plan->refresh = a->refresh;
	plan->fingerprint = fingerprint;
	if (aws_client_region(client))
		plan->region = xstrdup(aws_client_region(client));
	plan->account = dep->account ? xstrdup(dep->account) : NULL;
	return 0;
}

/* A pipeline whose job is deployed unchanged while `check` warned that the
 * job evolves its table: the deployed job has been making (or makes at its
 * next run) those changes, and the catalog snapshot predates them. */
static void stale_snapshot_notes(const struct plan *plan, const struct plan_source_env *env)
{
	size_t i, j;

	for (i = 0; i < env->nevolving; i++)
		for (j = 0; j < plan->count; j++) {
			const struct plan_change *c = &plan->changes[j];

			if (c->kind != PLAN_JOB || !c->pipeline ||
			    strcmp(c->pipeline, env->evolving[i]) || c->action != PLAN_UNCHANGED)
				continue;
			fprintf(stderr, "note: the catalog snapshot is stale for pipeline '%s': its "
					"deployed job already evolves the table as the warnings above "
					"say; run 'pipec catalog pull' after its next run to bring the "
					"snapshot up to date\n", c->pipeline);
		}
}

/* The Markdown of the graph of the pipelines the plan changes and their
 * neighbours, in a collapsible block; nothing when no pipeline changes. */
static void plan_graph_markdown(const struct plan *plan, struct graph *g, struct strbuf *out)
{
	bool *pick = xcalloc(g->nnodes + 1, sizeof(*pick));
	struct strbuf changed = STRBUF_INIT;
	size_t i, n, k, nchanged = 0;

	for (i = 0; i < plan->count; i++) {
		const struct plan_change *c = &plan->changes[i];

		if (c->action == PLAN_UNCHANGED || !c->pipeline ||
		    (n = graph_find_pipeline(g, c->pipeline)) == (size_t)-1 || pick[n])
			continue;
		pick[n] = true;
		nchanged++;
	}
	if (nchanged) {
		graph_select(g, pick, true);
		for (i = k = 0; i < g->nnodes; i++) {
			g->nodes[i].mark = pick[i];
			if (pick[i])
				strbuf_addf(&changed, "%s`%s`", k++ ? ", " : "", g->nodes[i].label);
		}
		n = graph_count_pipelines(g);
		strbuf_addf(out, "<details><summary>Pipeline graph: %zu pipeline%s (changed: %s)"
				 "</summary>\n\n```mermaid\n", n, n == 1 ? "" : "s", changed.buf);
		graph_render(g, GRAPH_FORMAT_MERMAID, out);
		strbuf_addstr(out, "```\n\n</details>\n");
	}
	strbuf_release(&changed);
	free(pick);
}

/* Prints plan as a->fmt, and saves it (JSON) to out_path when given; returns
 * -1 when it cannot be saved.  The Markdown ends with the pipeline graph
 * when the plan was made from .pipe files (g is not NULL). */
static int show_plan(const struct plan *plan, const struct plan_args *a, struct graph *g)
{
	struct strbuf out = STRBUF_INIT, graph = STRBUF_INIT;
	const char *out_path = a->out_path;
	int rc = 0;

	if (a->fmt == PLAN_FORMAT_MARKDOWN) {
		struct plan_md_limit md = a->md;

		if (g)
			plan_graph_markdown(plan, g, &graph);
		md.graph = graph.len ? graph.buf : NULL;
		plan_md_render(plan, &md, &out, NULL);
	} else
		plan_render(plan, a->fmt, &out);
	fputs(out.buf, stdout);
	if (out_path) {
		struct strbuf doc = STRBUF_INIT;

		plan_render(plan, PLAN_FORMAT_JSON, &doc);
		if (strbuf_write_file(&doc, out_path) != 0) {
			fprintf(stderr, "pipec: error: cannot write '%s'\n", out_path);
			rc = -1;
		}
		strbuf_release(&doc);
	}
	strbuf_release(&out);
	strbuf_release(&graph);
	return rc;
}

int cmd_plan(int argc, char **argv)
{
	struct plan_args a;
	struct plan_state desired, deployed;
	struct plan plan;
	struct strbuf err = STRBUF_INIT;
	struct aws_client *client = NULL;
	struct plan_source_env env;
	struct deploy dep;
	bool have_dep = false;
	int rc = 1;

	if (parse_plan_args(argc, argv, &a, &rc) != 0) {
		free(a.po.paths);
		return rc;
	}
	memset(&env, 0, sizeof(env));
	plan_state_init(&desired, "desired");
	plan_state_init(&deployed, a.against ? a.against : "live");
	plan_init(&plan);
	/* a build planned from is checked as deploy --from checks it: each
	 * artifact against manifest.json's sha256 */
	rc = a.from ? plan_verify_build(a.from, &err) : 0;
	if (rc == 0)
		rc = plan_source_desired(&a.po, a.from, &desired, &env, &err);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "pipec: error: %s\n", err.buf);
		rc = 1;
		goto out;
	}
	rc = 1;
	if (a.against && against_nothing(a.against)) {
		/* the base of a first pull request: nothing was built before */
		fprintf(stderr, "pipec: note: '%s' %s: planning against nothing, every resource "
			"is a create\n", a.against,
			access(a.against, F_OK) ? "does not exist" : "is empty");
		plan_state_stamp(&deployed);
		plan_compute(&plan, &desired, &deployed, a.prune, NULL, NULL);
	} else if (a.against) {
		if (plan_state_load_dir(&deployed, a.against, &err) != 0 ||
		    alerts_load_dir(&deployed, a.against, &err) != 0) {
			fprintf(stderr, "pipec: error: %s\n", err.buf);
			goto out;
		}
		plan_state_stamp(&deployed);
		plan_compute(&plan, &desired, &deployed, a.prune, NULL, NULL);
	} else {
		if (!a.ao.region)
			a.ao.region = env.region;
		a.ao.trace = a.verbose ? stderr : NULL;
		client = aws_client_new(&a.ao);
		have_dep = true;
		if (plan_against_live(&a, &dep, client, &env, &desired, &deployed, &plan, &err) != 0)
			goto out;
	}
	if (show_plan(&plan, &a, env.graph) != 0)
		goto out;
	if (!a.against)
		stale_snapshot_notes(&plan, &env);
	if (plan.nerrors) {
		size_t k;

		for (k = 0; k < plan.nerrors; k++)
			fprintf(stderr, "pipec: error: %s\n", plan.errors[k]);
		fprintf(stderr, "help: pipec never takes over a resource it did not create; rename the "
				"pipeline or remove the existing resource\n");
		goto out;
	}
	rc = plan_has_changes(&plan) ? 2 : 0;
out:
	if (have_dep)
		deploy_release(&dep);
	if (client)
		aws_client_free(client);
	plan_source_env_release(&env);
	plan_release(&plan);
	plan_state_release(&desired);
	plan_state_release(&deployed);
	strbuf_release(&err);
	free(a.po.paths);
	return rc;
}
