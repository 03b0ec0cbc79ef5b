/*
 * cmd_plan: `pipec plan` — what a deploy would change, against the live
 * resources or against another build directory.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "deploy.h"
#include "plan.h"
#include "plan_source.h"
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
	"  --env NAME           environment of pipec.yaml (default: its default)\n"
	"  --config FILE        project file (default: the nearest pipec.yaml)\n"
	"  --catalog FILE       catalog snapshot to check against\n"
	"  --no-catalog         skip the catalog checks\n"
	"  --against DIR        compare with this build directory instead of the\n"
	"                       deployed resources: no AWS call, no credentials\n"
	"  --from DIR           take the desired artifacts from this build\n"
	"                       directory instead of the .pipe files\n"
	"  --prune              plan to destroy owned resources no longer declared\n"
	"                       (also finds workflows left by removed S3-event\n"
	"                       pipelines: ListWorkflows, GetTags of names of the\n"
	"                       project's form)\n"
	"  --refresh-tags       read the tags of every owned resource (one GetTags\n"
	"                       each, in parallel) to see tags edited outside pipec\n"
	"  --format F           text (default), markdown or json\n"
	"  --out FILE           also save the plan (JSON) for 'pipec deploy --plan'\n"
	"  --region NAME        AWS region (default: the environment's)\n"
	"  --profile NAME       AWS profile for credentials\n"
	"  --endpoint-url URL   send every AWS call to this endpoint\n"
	"  --verbose            trace AWS requests on stderr (secrets redacted)\n"
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

int cmd_plan(int argc, char **argv)
{
	struct project_opts po;
	struct aws_options ao = AWS_OPTIONS_INIT;
	const char *against = NULL, *from = NULL, *out_path = NULL, *v;
	enum plan_format fmt = PLAN_FORMAT_TEXT;
	bool prune = false, verbose = false, refresh_tags = false;
	struct plan_state desired, deployed;
	struct plan plan;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct aws_client *client = NULL;
	struct plan_source_env env;
	struct deploy dep;
	bool have_dep = false;
	char *fingerprint = NULL;
	int i, r, rc = 1;

	memset(&po, 0, sizeof(po));
	memset(&env, 0, sizeof(env));
	po.paths = xcalloc((size_t)argc, sizeof(*po.paths));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(plan_usage, stdout);
			free(po.paths);
			return 0;
		}
		if (!strcmp(a, "--")) {
			while (++i < argc)
				po.paths[po.npaths++] = argv[i];
			break;
		}
		if ((r = cli_project_option(argc, argv, &i, &po)) != 0) {
			if (r < 0) {
				free(po.paths);
				return plan_usage_error("option '%.*s' needs a value",
							(int)strcspn(a, "="), a);
			}
		} else if ((r = cli_aws_option(argc, argv, &i, &ao)) != 0) {
			if (r < 0) {
				free(po.paths);
				return plan_usage_error("option '%.*s' needs a value",
							(int)strcspn(a, "="), a);
			}
		} else if (!strcmp(a, "--prune")) {
			prune = true;
		} else if (!strcmp(a, "--refresh-tags")) {
			refresh_tags = true;
		} else if (!strcmp(a, "--verbose")) {
			verbose = true;
		} else if (cli_opt_value(argc, argv, &i, "--against", &v) ||
			   cli_opt_value(argc, argv, &i, "--from", &v) ||
			   cli_opt_value(argc, argv, &i, "--format", &v) ||
			   cli_opt_value(argc, argv, &i, "--out", &v)) {
			const char *name = a;

			if (!v || !*v) {
				free(po.paths);
				return plan_usage_error("option '%.*s' needs a value",
						       (int)strcspn(name, "="), name);
			}
			if (!strncmp(a, "--against", 9))
				against = v;
			else if (!strncmp(a, "--from", 6))
				from = v;
			else if (!strncmp(a, "--out", 5))
				out_path = v;
			else if (!strcmp(v, "text"))
				fmt = PLAN_FORMAT_TEXT;
			else if (!strcmp(v, "markdown"))
				fmt = PLAN_FORMAT_MARKDOWN;
			else if (!strcmp(v, "json"))
				fmt = PLAN_FORMAT_JSON;
			else {
				free(po.paths);
				return plan_usage_error("unknown format '%s' (text, markdown, json)", v);
			}
		} else if (a[0] == '-' && a[1]) {
			free(po.paths);
			return plan_usage_error("unknown option '%s'", a);
		} else {
			po.paths[po.npaths++] = a;
		}
	}
	if (from && po.npaths) {
		free(po.paths);
		return plan_usage_error("--from and PATH arguments cannot be combined");
	}

	plan_state_init(&desired, "desired");
	plan_state_init(&deployed, against ? against : "live");
	plan_init(&plan);
	rc = plan_source_desired(&po, from, &desired, &env, &err);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "pipec: error: %s\n", err.buf);
		rc = 1;
		goto out;
	}
	rc = 1;
	if (against) {
		if (plan_state_load_dir(&deployed, against, &err) != 0) {
			fprintf(stderr, "pipec: error: %s\n", err.buf);
			goto out;
		}
		plan_state_stamp(&deployed);
		plan_compute(&plan, &desired, &deployed, prune, NULL, NULL);
	} else {
		if (!ao.region)
			ao.region = env.region;
		ao.trace = verbose ? stderr : NULL;
		client = aws_client_new(&ao);
		deploy_init(&dep, client, env.account);
		have_dep = true;
		dep.prune = prune;
		dep.refresh_tags = refresh_tags;
		dep.name_prefix = env.name_prefix;
		if (deploy_read_live(&dep, &desired, &deployed, &fingerprint, &err) != 0) {
			fprintf(stderr, "pipec: error: %s\n", err.buf);
			goto out;
		}
		plan_compute(&plan, &desired, &deployed, prune, deploy_fetch_script, &dep);
		plan.refresh_tags = refresh_tags;
		plan.fingerprint = fingerprint;
		fingerprint = NULL;
		if (aws_client_region(client))
			plan.region = xstrdup(aws_client_region(client));
		plan.account = dep.account ? xstrdup(dep.account) : NULL;
	}
	plan_render(&plan, fmt, &out);
	fputs(out.buf, stdout);
	if (out_path) {
		struct strbuf doc = STRBUF_INIT;

		plan_render(&plan, PLAN_FORMAT_JSON, &doc);
		if (strbuf_write_file(&doc, out_path) != 0) {
			fprintf(stderr, "pipec: error: cannot write '%s'\n", out_path);
			strbuf_release(&doc);
			goto out;
		}
		strbuf_release(&doc);
	}
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
	free(fingerprint);
	plan_release(&plan);
	plan_state_release(&desired);
	plan_state_release(&deployed);
	strbuf_release(&err);
	strbuf_release(&out);
	free(po.paths);
	return rc;
}
