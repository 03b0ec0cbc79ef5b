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

static int iam_args(int argc, char **argv, struct project_opts *o, enum iam_for *who)
{
	const char *v;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(iam_usage, stdout);
			return 0;
		}
		if (!strcmp(a, "--")) {
			while (++i < argc)
				o->paths[o->npaths++] = argv[i];
			break;
		}
		if ((r = cli_project_option(argc, argv, &i, o)) != 0) {
			if (r < 0)
				return cli_usage_error("iam-policy", "option '%.*s' needs a value",
						       (int)strcspn(a, "="), a);
		} else if (cli_opt_value(argc, argv, &i, "--for", &v)) {
			if (v && !strcmp(v, "deployer"))
				*who = IAM_FOR_DEPLOYER;
			else if (v && !strcmp(v, "job"))
				*who = IAM_FOR_JOB;
			else if (v && !strcmp(v, "validator"))
				*who = IAM_FOR_VALIDATOR;
			else if (v && !strcmp(v, "operator"))
				*who = IAM_FOR_OPERATOR;
			else
				return cli_usage_error("iam-policy",
						       "--for takes deployer, job, validator or operator%s%s%s",
						       v ? ", not '" : "", v ? v : "", v ? "'" : "");
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("iam-policy", "unknown option '%s'", a);
		} else {
			o->paths[o->npaths++] = a;
		}
	}
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
