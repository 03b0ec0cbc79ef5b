/*
 * cmd_check: `pipec check` — parse and check every pipeline, report every
 * mistake, optionally dump the syntax tree or the checked model.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project.h"
#include "strbuf.h"
#include "xalloc.h"

static const char check_usage[] =
	"usage: pipec check [options] [PATH...]\n"
	"\n"
	"Parses and checks every pipeline in the .pipe files under PATH (files or\n"
	"directories, searched recursively; default: the current directory) and\n"
	"reports every mistake.  Nothing is written and no AWS call is made.\n"
	"\n"
	"options:\n"
	"  --env NAME               environment of pipec.yaml to check against\n"
	"                           (default: its default_environment)\n"
	"  --config FILE            project file (default: the nearest pipec.yaml\n"
	"                           upward from the first PATH)\n"
	"  --catalog FILE           check against this catalog snapshot (overrides\n"
	"                           the environment's catalog:)\n"
	"  --no-catalog             skip the catalog checks\n"
	"  --diagnostics-format F   text (default, on stderr), json or github (on stdout)\n"
	"  --werror                 treat warnings as errors\n"
	"  --dump-ast               print the syntax tree of every file and stop\n"
	"  --dump-model             print the checked model on stdout\n"
	"  -q, --quiet              no summary line on success\n"
	"  -h, --help               show this help\n"
	"\n"
	"With text diagnostics, a check without errors ends with one line on stderr:\n"
	"the pipelines and files checked, the environment and the catalog snapshot.\n"
	"Exit status: 0 no errors, 1 errors found, 2 usage error.\n";

enum { OPT_QUIET, OPT_DUMP_MODEL, OPT_DUMP_AST };

static const struct cli_opt check_opts[] = {
	{ "--quiet", "-q", false, OPT_QUIET },
	{ "--dump-model", NULL, false, OPT_DUMP_MODEL },
	{ "--dump-ast", NULL, false, OPT_DUMP_AST },
};

struct check_args {
	bool quiet, dump_model, dump_ast;
};

static int set_check_option(void *ctx, int id, const char *opt, const char *v)
{
	struct check_args *a = ctx;

	(void)opt, (void)v;
	if (id == OPT_QUIET)
		a->quiet = true;
	else if (id == OPT_DUMP_MODEL)
		a->dump_model = true;
	else
		a->dump_ast = true;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct project_opts o;
	struct project p;
	struct check_args ca = { false, false, false };
	enum diag_format fmt = DIAG_FORMAT_TEXT;
	bool werror = false;
	struct cli_spec spec = {
		.cmd = "check", .usage = check_usage,
		.opts = check_opts, .nopts = sizeof(check_opts) / sizeof(check_opts[0]),
		.po = &o, .diag = &fmt, .werror = &werror, .set = set_check_option, .ctx = &ca,
	};
	int rc;

	memset(&o, 0, sizeof(o));
	cli_operands(&spec, argc, &o.paths, &o.npaths);
	if (cli_parse(&spec, argc, argv, &rc) != 0) {
		free(o.paths);
		return rc;
	}
	if (o.catalog_path && o.no_catalog) {
		free(o.paths);
		return cli_usage_error("check", "--catalog and --no-catalog cannot be combined");
	}

	project_init(&p);
	p.diags.warnings_as_errors = werror;
	o.parse_only = ca.dump_ast;
	project_load(&p, &o);
	if (ca.dump_ast || (ca.dump_model && p.have_model && !p.diags.nerrors)) {
		struct strbuf sb = STRBUF_INIT;
		size_t k;

		if (ca.dump_ast) {
			for (k = 0; k < p.nasts; k++)
				ast_dump(&p.asts[k], &sb);
		} else {
			model_dump(&p.model, &sb);
		}
		fwrite(sb.buf, 1, sb.len, stdout);
		strbuf_release(&sb);
	}
	diag_render(&p.diags, fmt, stdout, stderr);
	rc = p.diags.nerrors ? 1 : 0;
	if (!rc && !ca.quiet && !ca.dump_ast && !ca.dump_model && fmt == DIAG_FORMAT_TEXT &&
	    p.have_model)
		cli_summary(&p, &o, "checked %zu pipeline%s in %zu file%s", p.model.npipelines,
			    p.model.npipelines == 1 ? "" : "s", p.nasts, p.nasts == 1 ? "" : "s");
	project_release(&p);
	free(o.paths);
	return rc;
}
