/*
 * cmd_deploy: `pipec deploy` — make the deployed resources match the
 * .pipe files (or apply exactly a plan saved by `pipec plan --out`).
 */
#include "cli.h"

#include <errno.h>
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
	"  --env NAME           environment of pipec.yaml (default: its default)\n"
	"  --config FILE        project file (default: the nearest pipec.yaml)\n"
	"  --catalog FILE       catalog snapshot to check against\n"
	"  --no-catalog         skip the catalog checks\n"
	"  --from DIR           deploy the artifacts of this build directory\n"
	"  --plan FILE          apply exactly this saved plan ('pipec plan --out'),\n"
	"                       in the region it was made for; refused when the\n"
	"                       live state changed since\n"
	"  --prune              destroy owned resources no longer declared\n"
	"  --refresh-tags       read the tags of every owned resource (one GetTags\n"
	"                       each) and restore those edited outside pipec\n"
	"  --concurrency N      parallel AWS requests (default 8)\n"
	"  --region NAME        AWS region (default: the environment's)\n"
	"  --profile NAME       AWS profile for credentials\n"
	"  --endpoint-url URL   send every AWS call to this endpoint\n"
	"  --verbose            trace AWS requests on stderr (secrets redacted)\n"
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

int cmd_deploy(int argc, char **argv)
{
	struct project_opts po;
	struct aws_options ao = AWS_OPTIONS_INIT;
	const char *from = NULL, *plan_path = NULL, *v;
	bool prune = false, verbose = false, refresh_tags = false;
	struct plan_state desired, live;
	struct plan plan, saved;
	struct plan_source_env env;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct aws_client *client = NULL;
	struct deploy dep;
	bool have_dep = false;
	char *fingerprint = NULL;
	const struct plan *apply;
	int i, r, rc = 1;

	memset(&po, 0, sizeof(po));
	memset(&env, 0, sizeof(env));
	po.paths = xcalloc((size_t)argc, sizeof(*po.paths));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(deploy_usage, stdout);
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
				return cli_usage_error("deploy", "option '%.*s' needs a value",
						       (int)strcspn(a, "="), a);
			}
		} else if ((r = cli_aws_option(argc, argv, &i, &ao)) != 0) {
			if (r < 0) {
				free(po.paths);
				return cli_usage_error("deploy", "option '%.*s' needs a value",
						       (int)strcspn(a, "="), a);
			}
		} else if (!strcmp(a, "--prune")) {
			prune = true;
		} else if (!strcmp(a, "--refresh-tags")) {
			refresh_tags = true;
		} else if (!strcmp(a, "--verbose")) {
			verbose = true;
		} else if (cli_opt_value(argc, argv, &i, "--from", &v) ||
			   cli_opt_value(argc, argv, &i, "--plan", &v) ||
			   cli_opt_value(argc, argv, &i, "--concurrency", &v)) {
			if (!v || !*v) {
				free(po.paths);
				return cli_usage_error("deploy", "option '%.*s' needs a value",
						       (int)strcspn(a, "="), a);
			}
			if (!strncmp(a, "--from", 6))
				from = v;
			else if (!strncmp(a, "--plan", 6))
				plan_path = v;
			else {
				char *end;
				long n = strtol(v, &end, 10);

				if (*end || n < 1 || n > 64) {
					free(po.paths);
					return cli_usage_error("deploy", "--concurrency must be a number from 1 to 64");
				}
				ao.max_concurrency = (int)n;
			}
		} else if (a[0] == '-' && a[1]) {
			free(po.paths);
			return cli_usage_error("deploy", "unknown option '%s'", a);
		} else {
			po.paths[po.npaths++] = a;
		}
	}
	if ((from || plan_path) && po.npaths) {
		free(po.paths);
		return cli_usage_error("deploy", "--from and --plan cannot be combined with PATH arguments");
	}
	if (from && plan_path) {
		free(po.paths);
		return cli_usage_error("deploy", "--from and --plan cannot be combined");
	}

	plan_state_init(&desired, "desired");
	plan_state_init(&live, "live");
	plan_init(&plan);
	plan_init(&saved);
	if (plan_path) {
		if (load_plan_file(plan_path, &saved, &err) != 0) {
			fprintf(stderr, "pipec: error: %s\n", err.buf);
			goto out;
		}
		prune = saved.prune;
		refresh_tags = saved.refresh_tags;
		deploy_desired_from_plan(&saved, &desired);
	} else {
		rc = plan_source_desired(&po, from, &desired, &env, &err);
		if (rc != 0) {
			if (rc < 0)
				fprintf(stderr, "pipec: error: %s\n", err.buf);
			rc = 1;
			goto out;
		}
		rc = 1;
	}
	if (!ao.region)
		ao.region = plan_path ? saved.region : env.region;
	ao.trace = verbose ? stderr : NULL;
	client = aws_client_new(&ao);
	deploy_init(&dep, client, env.account);
	have_dep = true;
	dep.prune = prune;
	dep.refresh_tags = refresh_tags;
	dep.name_prefix = env.name_prefix;
	dep.progress = stdout;
	dep.root = env.root;
	if (deploy_read_live(&dep, &desired, &live, &fingerprint, &err) != 0) {
		fprintf(stderr, "pipec: error: %s\n", err.buf);
		goto out;
	}
	plan_compute(&plan, &desired, &live, prune, NULL, NULL);
	if (plan.nerrors) {
		size_t k;

		for (k = 0; k < plan.nerrors; k++)
			fprintf(stderr, "pipec: error: %s\n", plan.errors[k]);
		fprintf(stderr, "help: pipec never takes over a resource it did not create; rename the "
				"pipeline or remove the existing resource\n");
		goto out;
	}
	apply = &plan;
	if (plan_path) {
		if (strcmp(fingerprint, saved.fingerprint)) {
			fprintf(stderr, "pipec: error: plan is stale: live state changed since the plan was "
					"made; run pipec plan again\n");
			goto out;
		}
		apply = &saved;
	}
	for (i = 0; i < PLAN_NACTIONS; i++)
		if (i != PLAN_UNCHANGED && i != PLAN_KEEP && apply->counts[i])
			break;
	if (i == PLAN_NACTIONS) {
		printf("No changes: %zu resources up to date.\n", apply->counts[PLAN_UNCHANGED]);
		rc = 0;
		goto out;
	}
	printf("Deploying project '%s', environment '%s': %zu to create, %zu to update, "
	       "%zu to replace, %zu to destroy\n", apply->project, apply->environment,
	       apply->counts[PLAN_CREATE], apply->counts[PLAN_UPDATE], apply->counts[PLAN_REPLACE],
	       apply->counts[PLAN_DESTROY]);
	for (i = 0; i < (int)apply->nwarnings; i++)
		fprintf(stderr, "warning: %s: %s (%s)\n", apply->warnings[i].pipeline,
			apply->warnings[i].message, apply->warnings[i].code);
	fflush(stdout);
	if (deploy_apply(&dep, apply, &err) != 0) {
		fprintf(stderr, "pipec: error: deploy incomplete:\n%s\n", err.buf);
		fprintf(stderr, "help: run pipec deploy again: it continues from what is deployed\n");
		goto out;
	}
	printf("Deployed: %zu write calls.\n", dep.nwrites);
	rc = 0;
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
	strbuf_release(&out);
	free(po.paths);
	return rc;
}
