/*
 * cmd_iam: `pipec iam-policy` — print the IAM policy document the deployer
 * or the Glue job role of the project's environment needs (iam.h).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.h"
#include "iam.h"
#include "project.h"
#include "strbuf.h"
#include "xalloc.h"

static const char iam_usage[] =
	"usage: pipec iam-policy [--env NAME] [--for deployer|job|validator|operator]\n"
	"                        [PATH...]\n"
	"\n"
	"Checks the pipelines under PATH (default: the current directory) and prints\n"
	"one IAM policy document (JSON) for the environment.  See docs/iam.md.\n"
	"  deployer  (default) what `pipec plan`, `deploy`, `deploy --prune` and\n"
	"            `catalog pull` call, scoped to the project's resources (by the\n"
	"            environment's name_prefix when it has one)\n"
	"  job       what the Glue job role needs to run the project's jobs\n"
	"  validator what `pipec validate` calls (Athena, the Redshift Data API)\n"
	"            and what its queries read\n"
	"  operator  what `pipec run` and `pipec status` call (runs, triggers'\n"
	"            states, data-quality results, the runs' logs)\n"
	"Diagnostics (as text) and notes on what the policy cannot name go to stderr.\n"
	"\n"
	"options:\n"
	"  --for WHO                deployer (default), job, validator or operator\n"
	"  --env NAME               environment of pipec.yaml\n"
	"  --config FILE            project file (default: the nearest pipec.yaml)\n"
	"  --catalog FILE           check against this catalog snapshot (it also\n"
	"                           gives the locations of tables read)\n"
	"  --no-catalog             skip the catalog checks\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit status: 0 policy printed, 1 errors found, 2 usage error.\n";

/* --for WHO: the one option of iam-policy's own. */
static int set_iam_option(void *ctx, int id, const char *opt, const char *v)
{
	static const char *const names[] = { [IAM_FOR_DEPLOYER] = "deployer", [IAM_FOR_JOB] = "job",
					     [IAM_FOR_VALIDATOR] = "validator",
					     [IAM_FOR_OPERATOR] = "operator" };
	enum iam_for *who = ctx;
	size_t k;

	(void)id, (void)opt;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (names[k] && !strcmp(v, names[k])) {
			*who = (enum iam_for)k;
			return 0;
		}
	return cli_usage_error("iam-policy", "--for takes deployer, job, validator or operator, not '%s'",
			       v);
}

static int iam_args(int argc, char **argv, struct project_opts *o, enum iam_for *who)
{
	static const struct cli_opt opts[] = { { "--for", NULL, true, 0 } };
	const struct cli_spec spec = {
		.cmd = "iam-policy", .usage = iam_usage, .opts = opts, .nopts = 1, .po = o,
		.operands = o->paths, .noperands = &o->npaths, .set = set_iam_option, .ctx = who,
	};
	int rc;

	if (cli_parse(&spec, argc, argv, &rc) != 0)
		return rc;
	if (o->catalog_path && o->no_catalog)
		return cli_usage_error("iam-policy", "--catalog and --no-catalog cannot be combined");
	return -1;
}

/* The catalog snapshot the project was checked against (the locations of
 * table sources and joined tables): loaded into cat from src, true when
 * there is one.  It loaded once already: a failure now only leaves it out. */
static bool iam_catalog(const struct project_opts *o, const struct model_project *m,
			struct source *src, struct catalog *cat)
{
	const char *path = o->no_catalog ? NULL : o->catalog_path ? o->catalog_path
								  : m->env.catalog_path;
	struct diag_set ds;
	char *full;
	bool ok;

	if (!path)
		return false;
	/* --catalog is relative to the working directory, pipec.yaml's to the root */
	if (!o->catalog_path && path[0] != '/' && m->root && strcmp(m->root, ".")) {
		full = xmalloc(strlen(m->root) + strlen(path) + 2);
		sprintf(full, "%s/%s", m->root, path);
	} else {
		full = xstrdup(path);
	}
	ok = source_load_file_max(src, full, SOURCE_MAX_SNAPSHOT_BYTES) >= 0;
	free(full);
	if (!ok)
		return false;
	diag_set_init(&ds);
	ok = catalog_load(cat, src, &ds) == 0 && !ds.nerrors;
	diag_set_release(&ds);
	return ok;
}

/* Prints the policy of a loaded project; 0 or 1. */
static int iam_print(const struct project_opts *o, const struct model_project *m,
		     enum iam_for who)
{
	struct source src;
	struct catalog cat;
	bool have_cat;
	struct strbuf notes = STRBUF_INIT;
	json_t *doc;
	char *text;

	if (!m->env.region || !m->env.account) {
		fprintf(stderr, "pipec: error: environment '%s' needs a region and an account "
			"for the policy's ARNs (pipec.yaml)\n", m->env.name ? m->env.name : "");
		return 1;
	}
	memset(&src, 0, sizeof(src));
	catalog_init(&cat);
	have_cat = iam_catalog(o, m, &src, &cat);
	doc = iam_policy(m, have_cat ? &cat : NULL, who, &notes);
	catalog_release(&cat);
	source_release(&src);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text) {
		strbuf_release(&notes);
		fprintf(stderr, "pipec: error: out of memory\n");
		return 1;
	}
	printf("%s\n", text);
	free(text);
	fputs(notes.buf, stderr);
	strbuf_release(&notes);
	return 0;
}

int cmd_iam(int argc, char **argv)
{
	struct project_opts o;
	struct project p;
	enum iam_for who = IAM_FOR_DEPLOYER;
	int rc;

	memset(&o, 0, sizeof(o));
	o.paths = xcalloc((size_t)argc + 1, sizeof(*o.paths));
	rc = iam_args(argc, argv, &o, &who);
	if (rc >= 0) {
		free(o.paths);
		return rc;
	}
	project_init(&p);
	project_load(&p, &o);
	/* stdout holds the policy alone: diagnostics are text on stderr */
	diag_render(&p.diags, DIAG_FORMAT_TEXT, stdout, stderr);
	rc = p.diags.nerrors || p.env_error || !p.have_model ? 1 : 0;
	if (rc == 0)
		rc = iam_print(&o, &p.model, who);
	project_release(&p);
	free(o.paths);
	return rc;
}
