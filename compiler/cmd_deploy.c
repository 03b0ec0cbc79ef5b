/*
 * cmd_deploy: `pipec deploy` — make the deployed resources match the
 * .pipe files (or apply exactly a plan saved by `pipec plan --out`).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "aws.h"
#include "deploy.h"
#include "plan.h"
#include "plan_evolve.h"
#include "plan_source.h"
#include "plan_verify.h"
#include "project.h"
#include "strbuf.h"
#include "xalloc.h"

static const char deploy_usage[] =
	"usage: pipec deploy [options] [PATH...]\n"
	"\n"
	"Uploads the scripts (and local source files) of the pipelines under PATH\n"
	"(default: the current directory) to S3 under content-addressed keys and\n"
	"creates or updates their jobs, workflows, triggers and data-quality\n"
	"rulesets, tagging everything it owns.  Resources not tagged with this\n"
	"project and environment are never modified.  A deploy with no edits\n"
	"makes no write call.\n"
	"\n"
	"options:\n"
	CLI_PROJECT_OPTIONS_HELP
	"  --from DIR           deploy the artifacts of this build directory\n"
	"                       (each checked against manifest.json first)\n"
	"  --plan FILE          apply exactly this saved plan ('pipec plan --out'),\n"
	"                       in the region it was made for; refused when the\n"
	"                       live state changed since or the file was edited\n"
	"  --prune              destroy owned resources no longer declared\n"
	"  --refresh-tags       read the tags of every owned resource (one GetTags\n"
	"                       each) and restore those edited outside pipec\n"
	"  --refresh            a full read first (see 'pipec plan --refresh'):\n"
	"                       also re-uploads script objects replaced in S3 and\n"
	"                       restores rulesets edited outside pipec\n"
	"  --allow-breaking     apply schema edits the plan marks breaking (a\n"
	"                       dropped column, a new write mode, ...)\n"
	"  --concurrency N      parallel AWS requests (default 16)\n"
	CLI_AWS_OPTIONS_HELP
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 deployed (or nothing to do), 1 error, 2 usage error.\n";

static int load_plan_file(const char *path, struct plan *p, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	json_error_t je;
	json_t *doc;
	int rc;

	if (strbuf_read_file(&text, path) != 0) {
		strbuf_addf(err, "cannot read plan file '%s': %s", path, strbuf_file_error(errno));
		strbuf_release(&text);
		return -1;
	}
	doc = json_loadb(text.buf, text.len, 0, &je);
	strbuf_release(&text);
	if (!doc) {
		strbuf_addf(err, "cannot read plan file '%s': %s", path, je.text);
		return -1;
	}
	rc = plan_from_json(p, doc, err);
	if (rc == 0)
		rc = plan_verify_doc(doc, err);
	json_decref(doc);
	if (rc == 0 && strcmp(p->against, "live")) {
		strbuf_addf(err, "plan file '%s' was made against build '%s', not the deployed "
				 "resources: it cannot be deployed", path, p->against);
		rc = -1;
	}
	if (rc == 0 && !p->fingerprint) {
		strbuf_addf(err, "plan file '%s' has no fingerprint of the live state", path);
		rc = -1;
	}
	return rc;
}

struct deploy_args {
	struct project_opts po;		/* po.paths is allocated: the caller frees it */
	struct aws_options ao;
	const char *from, *plan_path;
	bool prune, verbose, refresh_tags, refresh, allow_breaking;
};

enum { OPT_PRUNE, OPT_REFRESH_TAGS, OPT_REFRESH, OPT_ALLOW_BREAKING, OPT_VERBOSE, OPT_FROM,
       OPT_PLAN, OPT_CONCURRENCY };

static const struct cli_opt deploy_opts[] = {
	{ "--prune", NULL, false, OPT_PRUNE },
	{ "--refresh-tags", NULL, false, OPT_REFRESH_TAGS },
	{ "--refresh", NULL, false, OPT_REFRESH },
	{ "--allow-breaking", NULL, false, OPT_ALLOW_BREAKING },
	{ "--verbose", NULL, false, OPT_VERBOSE },
	{ "--from", NULL, true, OPT_FROM },
	{ "--plan", NULL, true, OPT_PLAN },
	{ "--concurrency", NULL, true, OPT_CONCURRENCY },
};

static int set_deploy_option(void *ctx, int id, const char *opt, const char *v)
{
	struct deploy_args *a = ctx;
	char *end;
	long n;

	(void)opt;
	switch (id) {
	case OPT_PRUNE: a->prune = true; break;
	case OPT_REFRESH_TAGS: a->refresh_tags = true; break;
	case OPT_REFRESH: a->refresh = a->refresh_tags = true; break;
	case OPT_ALLOW_BREAKING: a->allow_breaking = true; break;
	case OPT_VERBOSE: a->verbose = true; break;
	case OPT_FROM: a->from = v; break;
	case OPT_PLAN: a->plan_path = v; break;
	default:
		n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 64)
			return cli_usage_error("deploy", "--concurrency must be a number from 1 to 64");
		a->ao.max_concurrency = (int)n;
	}
	return 0;
}

/* Parses the command line into a.  Returns 0, or -1 when the command ends
 * here with exit status *rc (--help, or a usage error already reported). */
static int parse_deploy_args(int argc, char **argv, struct deploy_args *a, int *rc)
{
	const struct aws_options ao_init = AWS_OPTIONS_INIT;
	struct cli_spec spec = {
		.cmd = "deploy", .usage = deploy_usage,
		.opts = deploy_opts, .nopts = sizeof(deploy_opts) / sizeof(deploy_opts[0]),
		.po = &a->po, .ao = &a->ao, .set = set_deploy_option, .ctx = a,
	};

	memset(a, 0, sizeof(*a));
	a->ao = ao_init;
	cli_operands(&spec, argc, &a->po.paths, &a->po.npaths);
	if (cli_parse(&spec, argc, argv, rc) != 0)
		return -1;
	if ((a->from || a->plan_path) && a->po.npaths) {
		*rc = cli_usage_error("deploy", "--from and --plan cannot be combined with PATH arguments");
		return -1;
	}
	if (a->from && a->plan_path) {
		*rc = cli_usage_error("deploy", "--from and --plan cannot be combined");
		return -1;
	}
	return 0;
}

/* The desired state: the saved plan's (whose --prune and --refresh-tags
 * then hold), or the one built from the sources.  Returns 0, or -1 after
 * reporting the error. */
static int load_desired(struct deploy_args *a, struct plan *saved, struct plan_state *desired,
			struct plan_source_env *env, struct strbuf *err)
{
	int rc;

	if (a->plan_path) {
		if (load_plan_file(a->plan_path, saved, err) != 0) {
			fprintf(stderr, "pipec: error: %s\n", err->buf);
			return -1;
		}
		a->prune = saved->prune;
		a->refresh_tags = saved->refresh_tags;
		a->refresh = saved->refresh;
		deploy_desired_from_plan(saved, desired);
		return 0;
	}
	rc = a->from ? plan_verify_build(a->from, err) : 0;
	if (rc == 0)
		rc = plan_source_desired(&a->po, a->from, desired, env, err);
	if (rc < 0)
		fprintf(stderr, "pipec: error: %s\n", err->buf);
	return rc != 0 ? -1 : 0;
}

/* Plan errors (a resource pipec does not own, a schema edit the table
 * cannot take) and breaking schema edits without --allow-breaking stop the
 * deploy before any write.  Returns true when p may be applied. */
static bool plan_applicable(const struct plan *p, bool allow_breaking)
{
	size_t i, j, refused = plan_schema_edit_count(p, "refused");

	for (i = 0; i < p->nerrors; i++)
		fprintf(stderr, "pipec: error: %s\n", p->errors[i]);
	if (p->nerrors > refused)
		fprintf(stderr, "help: pipec never takes over a resource it did not create; rename the "
				"pipeline or remove the existing resource\n");
	if (refused)
		fprintf(stderr, "help: the table cannot take this edit: see 'Schema evolution' in "
				"docs/plan.md for the edits each target allows\n");
	if (p->nerrors)
		return false;
	if (allow_breaking || !plan_schema_edit_count(p, "breaking"))
		return true;
	for (i = 0; i < p->count; i++)
		for (j = 0; j < json_array_size(p->changes[i].schema_edits); j++) {
			const json_t *e = json_array_get(p->changes[i].schema_edits, j);
			struct strbuf sb = STRBUF_INIT;

			if (strcmp(json_string_value(json_object_get(e, "class")), "breaking"))
				continue;
			plan_evolve_describe(e, &sb);
			fprintf(stderr, "pipec: error: pipeline '%s': breaking schema edit %s\n",
				p->changes[i].pipeline, sb.buf);
			strbuf_release(&sb);
		}
	fprintf(stderr, "help: review these edits with pipec plan, then run pipec deploy "
			"--allow-breaking to apply them\n");
	return false;
}

/* Whether applying p makes any write call. */
static bool plan_writes(const struct plan *p)
{
	int i;

	for (i = 0; i < PLAN_NACTIONS; i++)
		if (i != PLAN_UNCHANGED && i != PLAN_KEEP && p->counts[i])
			return true;
	return false;
}

/* After a deploy whose jobs evolve their tables (schema edits other than
 * "unverified"): the catalog snapshot is older than the tables once the
 * jobs have run, and `pipec catalog pull` brings it up to date. */
static void evolution_note(const struct plan *p)
{
	struct strbuf names = STRBUF_INIT;
	size_t i, j, n = 0;

	/* schema edits are on job changes: one per pipeline */
	for (i = 0; i < p->count; i++) {
		const json_t *edits = p->changes[i].schema_edits;
		bool evolves = false;

		for (j = 0; j < json_array_size(edits); j++)
			if (strcmp(json_string_value(json_object_get(json_array_get(edits, j), "edit")),
				   "unverified"))
				evolves = true;
		if (!evolves)
			continue;
		strbuf_addf(&names, "%s'%s'", n++ ? ", " : "", p->changes[i].pipeline);
	}
	if (n)
		printf("note: the job%s of pipeline%s %s change%s %s table%s at the next run: run "
		       "'pipec catalog pull' after it to bring the catalog snapshot up to date\n",
		       n == 1 ? "" : "s", n == 1 ? "" : "s", names.buf, n == 1 ? "s" : "",
		       n == 1 ? "its" : "their", n == 1 ? "" : "s");
	strbuf_release(&names);
}

/* Applies p (already checked against the live state) and reports how it
 * went; returns the exit status. */
static int apply_plan(struct deploy *dep, const struct plan *p, struct strbuf *err)
{
	size_t i;

	if (!plan_writes(p)) {
		printf("No changes: %zu resources up to date.\n", p->counts[PLAN_UNCHANGED]);
		return 0;
	}
	printf("Deploying project '%s', environment '%s': %zu to create, %zu to update, "
	       "%zu to replace, %zu to destroy\n", p->project, p->environment,
	       p->counts[PLAN_CREATE], p->counts[PLAN_UPDATE], p->counts[PLAN_REPLACE],
	       p->counts[PLAN_DESTROY]);
	printf("Account %s, region %s\n", dep->account ? dep->account : "unknown",
	       aws_client_region(dep->client) ? aws_client_region(dep->client) : "unknown");
	for (i = 0; i < p->nwarnings; i++)
		fprintf(stderr, "warning: %s: %s (%s)\n", p->warnings[i].pipeline,
			p->warnings[i].message, p->warnings[i].code);
	fflush(stdout);
	if (deploy_apply(dep, p, err) != 0) {
		struct strbuf help = STRBUF_INIT;

		fprintf(stderr, "pipec: error: deploy incomplete:\n%s\n", err->buf);
		/* a failure nobody classified is taken as one a new run may get past */
		fputs(deploy_failure_help(dep->failed ? dep->failed : DEPLOY_FAILED_RETRY, &help), stderr);
		strbuf_release(&help);
		return 1;
	}
	printf("Deployed: %zu write calls.\n", dep->nwrites);
	evolution_note(p);
	return 0;
}

/* The alert rules' name prefix of a saved plan (alerts.h), so that deploy
 * --plan lists them as the plan did; NULL when it has none. */
static const char *saved_alerts_prefix(const struct plan *saved, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < saved->count; i++)
		if (saved->changes[i].kind == PLAN_ALERT_RULE &&
		    alerts_prefix_of(saved->changes[i].name, saved->project, out))
			return out->buf;
	return NULL;
}

int cmd_deploy(int argc, char **argv)
{
	struct deploy_args a;
	struct plan_state desired, live;
	struct plan plan, saved;
	struct plan_source_env env;
	struct strbuf err = STRBUF_INIT;
	struct aws_client *client = NULL;
	struct deploy dep;
	bool have_dep = false;
	char *fingerprint = NULL;
	const struct plan *apply;
	struct strbuf alerts_prefix = STRBUF_INIT;
	int rc = 1;

	if (parse_deploy_args(argc, argv, &a, &rc) != 0) {
		free(a.po.paths);
		return rc;
	}
	memset(&env, 0, sizeof(env));
	plan_state_init(&desired, "desired");
	plan_state_init(&live, "live");
	plan_init(&plan);
	plan_init(&saved);
	if (load_desired(&a, &saved, &desired, &env, &err) != 0)
		goto out;
	if (!a.ao.region)
		a.ao.region = a.plan_path ? saved.region : env.region;
	a.ao.trace = a.verbose ? stderr : NULL;
	client = aws_client_new(&a.ao);
	/* a saved plan is applied only with credentials of the account it was
	 * made against (the fingerprint of an empty account is every empty
	 * account's) */
	deploy_init(&dep, client, a.plan_path ? saved.account : env.account);
	if (a.plan_path)
		dep.expect_from = "the saved plan";
	have_dep = true;
	dep.prune = a.prune;
	dep.refresh_tags = a.refresh_tags;
	dep.refresh = a.refresh;
	dep.name_prefix = env.name_prefix;
	dep.alerts_prefix = a.plan_path ? saved_alerts_prefix(&saved, &alerts_prefix) : NULL;
	dep.progress = stdout;
	dep.root = env.root;
	if (deploy_read_live(&dep, &desired, &live, &fingerprint, &err) != 0) {
		struct strbuf help = STRBUF_INIT;

		fprintf(stderr, "pipec: error: %s\n", err.buf);
		/* nothing was written yet: only the hints that are not "run again" */
		fputs(deploy_failure_help(dep.failed & ~(unsigned)DEPLOY_FAILED_RETRY, &help), stderr);
		strbuf_release(&help);
		goto out;
	}
	/* the deployed scripts of changed jobs are read: their schema lines
	 * classify the edit (plan_evolve.h) */
	deploy_prefetch_scripts(&dep, &desired, &live);
	plan_compute(&plan, &desired, &live, a.prune, deploy_fetch_script, &dep);
	if (!plan_applicable(&plan, a.allow_breaking))
		goto out;
	apply = &plan;
	if (a.plan_path) {
		if (strcmp(fingerprint, saved.fingerprint)) {
			fprintf(stderr, "pipec: error: plan is stale: live state changed since the plan was "
					"made; run pipec plan again\n");
			goto out;
		}
		if (plan_verify_saved(&saved, &plan, &err) != 0) {
			fprintf(stderr, "pipec: error: refusing plan '%s':\n%s\n", a.plan_path, err.buf);
			goto out;
		}
		apply = &saved;
	}
	rc = apply_plan(&dep, apply, &err);
out:
	if (have_dep)
		deploy_release(&dep);
	if (client)
		aws_client_free(client);
	plan_source_env_release(&env);
	free(fingerprint);
	plan_release(&plan);
	plan_release(&saved);
	plan_state_release(&desired);
	plan_state_release(&live);
	strbuf_release(&err);
	strbuf_release(&alerts_prefix);
	free(a.po.paths);
	return rc;
}
