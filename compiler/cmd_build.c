/*
 * cmd_build: `pipec build` — check every pipeline, then write the Glue 5.1
 * artifacts of each into DIR/<pipeline>/ and DIR/manifest.json.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "project.h"
#include "strbuf.h"
#include "xalloc.h"

static const char build_usage[] =
	"usage: pipec build -o DIR [options] [PATH...]\n"
	"\n"
	"Checks every pipeline in the .pipe files under PATH (default: the current\n"
	"directory) and, when there is no error, writes for each pipeline NAME:\n"
	"  DIR/NAME/job.py         the Glue 5.1 PySpark script\n"
	"  DIR/NAME/job.json       the CreateJob request\n"
	"  DIR/NAME/triggers.json  the CreateTrigger requests\n"
	"  DIR/NAME/validate.sql   Athena checks of the target\n"
	"  DIR/NAME/ruleset.json   the CreateDataQualityRuleset request (with rules)\n"
	"  DIR/NAME/workflow.json  the workflow of an S3 event schedule (with its\n"
	"                          EventBridge rule) or of the 'after' chain NAME starts\n"
	"and DIR/manifest.json (every artifact with its sha256).  See docs/artifacts.md.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR         output directory (created when missing)\n"
	"  --env NAME               environment of pipec.yaml to build for\n"
	"  --config FILE            project file (default: the nearest pipec.yaml)\n"
	"  --catalog FILE           check against this catalog snapshot\n"
	"  --no-catalog             skip the catalog checks\n"
	"  --template-dir DIR       read the script fragments from DIR instead of\n"
	"                           the ones built into pipec\n"
	"  --diagnostics-format F   text (default, on stderr), json or github (on stdout)\n"
	"  --werror                 treat warnings as errors\n"
	"  -q, --quiet              no summary line on success\n"
	"  -h, --help               show this help\n"
	"\n"
	"With text diagnostics, a build ends with one line on stderr: the pipelines\n"
	"built, where, the environment and the catalog snapshot.\n"
	"Exit status: 0 artifacts written, 1 errors found or writing failed, 2 usage error.\n";

enum { OPT_OUTPUT, OPT_TEMPLATE_DIR, OPT_QUIET };

static const struct cli_opt build_opts[] = {
	{ "--output", "-o", true, OPT_OUTPUT },
	{ "--template-dir", NULL, true, OPT_TEMPLATE_DIR },
	{ "--quiet", "-q", false, OPT_QUIET },
};

struct build_args {
	struct emit_opts *eo;
	bool quiet;
};

static int set_build_option(void *ctx, int id, const char *opt, const char *v)
{
	struct build_args *a = ctx;

	(void)opt;
	if (id == OPT_OUTPUT)
		a->eo->out_dir = v;
	else if (id == OPT_TEMPLATE_DIR)
		a->eo->template_dir = v;
	else
		a->quiet = true;
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct project_opts o;
	struct project p;
	struct emit_opts eo;
	struct build_args ba = { &eo, false };
	enum diag_format fmt = DIAG_FORMAT_TEXT;
	bool werror = false, quiet;
	struct cli_spec spec = {
		.cmd = "build", .usage = build_usage,
		.opts = build_opts, .nopts = sizeof(build_opts) / sizeof(build_opts[0]),
		.po = &o, .diag = &fmt, .werror = &werror, .set = set_build_option, .ctx = &ba,
	};
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&eo, 0, sizeof(eo));
	cli_operands(&spec, argc, &o.paths, &o.npaths);
	if (cli_parse(&spec, argc, argv, &rc) != 0) {
		free(o.paths);
		return rc;
	}
	quiet = ba.quiet;
	if (!eo.out_dir) {
		free(o.paths);
		return cli_usage_error("build", "an output directory is required (-o DIR)");
	}
	if (o.catalog_path && o.no_catalog) {
		free(o.paths);
		return cli_usage_error("build", "--catalog and --no-catalog cannot be combined");
	}

	project_init(&p);
	p.diags.warnings_as_errors = werror;
	project_load(&p, &o);
	diag_render(&p.diags, fmt, stdout, stderr);
	rc = p.diags.nerrors || p.env_error || !p.have_model ? 1 : 0;
	if (rc == 0) {
		struct strbuf err = STRBUF_INIT;

		if (emit_project(&p.model, &eo, &err) != 0) {
			fprintf(stderr, "pipec: error: %s\n", err.buf);
			rc = 1;
		} else if (!quiet && fmt == DIAG_FORMAT_TEXT) {
			cli_summary(&p, &o, "wrote the artifacts of %zu pipeline%s to %s",
				    p.model.npipelines, p.model.npipelines == 1 ? "" : "s",
				    eo.out_dir);
		}
		strbuf_release(&err);
	}
	project_release(&p);
	free(o.paths);
	return rc;
}
