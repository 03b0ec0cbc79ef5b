/*
 * cmd_graph: `pipec graph` — the project's sources, pipelines and tables as
 * a Mermaid, Graphviz DOT or JSON graph (docs/graph.md).
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "graph.h"
#include "project.h"
#include "strbuf.h"
#include "xalloc.h"

static const char graph_usage[] =
	"usage: pipec graph [options] [PATH...]\n"
	"\n"
	"Checks the project as 'pipec check' does and prints its pipelines as a\n"
	"graph: the sources they read, the pipelines (schedule and mode), the\n"
	"tables they write and join, 'after' dependencies.  A table one pipeline\n"
	"writes and another reads is one node.  With PATHs (files or directories)\n"
	"the whole project is checked and only the pipelines defined under them\n"
	"are drawn, with the nodes they connect to.  No AWS call is made.\n"
	"\n"
	"options:\n"
	"  --format F               mermaid (default; a flowchart for Markdown),\n"
	"                           dot (Graphviz) or json (docs/graph.md)\n"
	"  -o, --output FILE        write the graph to FILE instead of stdout\n"
	"  --env NAME               environment of pipec.yaml (default: its\n"
	"                           default_environment)\n"
	"  --config FILE            project file (default: the nearest pipec.yaml\n"
	"                           upward from the first PATH)\n"
	"  --catalog FILE           check against this catalog snapshot (overrides\n"
	"                           the environment's catalog:)\n"
	"  --no-catalog             skip the catalog checks\n"
	"  --diagnostics-format F   text (default, on stderr), json or github (on\n"
	"                           stdout: write the graph with -o)\n"
	"  --werror                 treat warnings as errors\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit status: 0 graph written, 1 errors found (reported as 'pipec check'\n"
	"reports them) or the output cannot be written, 2 usage error.\n";

struct graph_args {
	struct project_opts po;
	enum graph_format format;
	const char *out_path;
	enum diag_format diag;
	bool werror;
};

static int graph_format_parse(const char *s, enum graph_format *f)
{
	static const char *const names[] = { [GRAPH_FORMAT_MERMAID] = "mermaid",
					     [GRAPH_FORMAT_DOT] = "dot",
					     [GRAPH_FORMAT_JSON] = "json" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*f = (enum graph_format)i;
			return 0;
		}
	return -1;
}

enum { OPT_FORMAT, OPT_OUTPUT };

static const struct cli_opt graph_opts[] = {
	{ "--format", NULL, true, OPT_FORMAT },
	{ "--output", "-o", true, OPT_OUTPUT },
};

static int set_graph_option(void *ctx, int id, const char *opt, const char *v)
{
	struct graph_args *a = ctx;

	(void)opt;
	if (id == OPT_OUTPUT)
		a->out_path = v;
	else if (graph_format_parse(v, &a->format) < 0)
		return cli_usage_error("graph", "unknown format '%s' (mermaid, dot, json)", v);
	return 0;
}

/* Returns -1 to go on, or the exit status (help: 0, usage error: 2). */
static int parse_args(int argc, char **argv, struct graph_args *a)
{
	struct cli_spec spec = {
		.cmd = "graph", .usage = graph_usage,
		.opts = graph_opts, .nopts = sizeof(graph_opts) / sizeof(graph_opts[0]),
		.po = &a->po, .diag = &a->diag, .werror = &a->werror,
		.operands = a->po.paths, .noperands = &a->po.npaths,
		.set = set_graph_option, .ctx = a,
	};
	int rc;

	if (cli_parse(&spec, argc, argv, &rc) != 0)
		return rc;
	if (a->po.catalog_path && a->po.no_catalog)
		return cli_usage_error("graph", "--catalog and --no-catalog cannot be combined");
	return -1;
}

/* The real paths of the PATHs given, or NULL when one cannot be resolved
 * (the project is then loaded from the PATHs, which reports it). */
static char **real_paths(const struct project_opts *po)
{
	char **out = xcalloc(po->npaths + 1, sizeof(*out));
	size_t i;

	for (i = 0; i < po->npaths; i++) {
		out[i] = realpath(po->paths[i], NULL);
		if (!out[i]) {
			while (i--)
				free(out[i]);
			free(out);
			return NULL;
		}
	}
	return out;
}

static void free_paths(char **paths, size_t n)
{
	size_t i;

	for (i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}

/* A pipeline's file is one of the PATHs or under one of them. */
static bool under_paths(const char *file, char *const *real, size_t n)
{
	char *rf = file ? realpath(file, NULL) : NULL;
	bool yes = false;
	size_t i, len;

	for (i = 0; rf && i < n && !yes; i++) {
		len = strlen(real[i]);
		yes = !strcmp(rf, real[i]) ||
		      (!strncmp(rf, real[i], len) && (rf[len] == '/' || !strcmp(real[i], "/")));
	}
	free(rf);
	return yes;
}

/* With PATHs inside a project: the whole project is loaded (a pipeline
 * reads tables other files write) and *root / *config are what to load. */
static void whole_project(struct graph_args *a, char **config, const char **root_path)
{
	char *slash;

	*config = a->po.config_path ? xstrdup(a->po.config_path) : config_find(a->po.paths[0]);
	if (!*config)
		return;
	slash = strrchr(*config, '/');
	*root_path = slash ? xstrndup(*config, (size_t)(slash - *config) + (slash == *config))
			   : xstrdup(".");
}

/* Writes g (kept part) to the output; returns the exit status. */
static int write_graph(const struct graph *g, const struct graph_args *a)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	graph_render(g, a->format, &sb);
	if (a->out_path) {
		if (strbuf_write_file(&sb, a->out_path) != 0) {
			fprintf(stderr, "pipec: error: cannot write '%s': %s\n", a->out_path,
				strerror(errno));
			rc = 1;
		}
	} else {
		fwrite(sb.buf, 1, sb.len, stdout);
	}
	strbuf_release(&sb);
	return rc;
}

/* Loads the project, then draws it (or the pipelines under the PATHs). */
static int run_graph(struct graph_args *a, char **real)
{
	struct project p;
	struct project_opts lo = a->po;
	struct graph g;
	char *config = NULL;
	const char *root = NULL;
	int rc;

	if (real)
		whole_project(a, &config, &root);
	if (root) {
		/* the project's directory and the PATHs (one may lie outside it) */
		lo.paths = xcalloc(a->po.npaths + 1, sizeof(*lo.paths));
		lo.paths[0] = root;
		memcpy(lo.paths + 1, a->po.paths, a->po.npaths * sizeof(*lo.paths));
		lo.npaths = a->po.npaths + 1;
		lo.config_path = config;
	}
	project_init(&p);
	p.diags.warnings_as_errors = a->werror;
	project_load(&p, &lo);
	diag_render(&p.diags, a->diag, stdout, stderr);
	rc = p.diags.nerrors || !p.have_model ? 1 : 0;
	if (!rc) {
		bool *pick;
		size_t i;

		graph_init(&g);
		graph_build(&g, &p.model);
		pick = xcalloc(g.nnodes + 1, sizeof(*pick));
		for (i = 0; i < p.model.npipelines; i++) {
			const struct model_pipeline *mp = &p.model.pipelines[i];

			if (!root || under_paths(mp->file, real, a->po.npaths))
				pick[graph_find_pipeline(&g, mp->name)] = true;
		}
		graph_select(&g, pick, false);
		free(pick);
		if (root && !graph_count_pipelines(&g)) {
			fprintf(stderr, "pipec: error: no pipeline is defined under '%s'%s\n",
				a->po.paths[0], a->po.npaths > 1 ? " or the other PATHs" : "");
			rc = 1;
		} else {
			rc = write_graph(&g, a);
		}
		graph_release(&g);
	}
	project_release(&p);
	if (root)
		free(lo.paths);
	free(config);
	free((char *)root);
	return rc;
}

int cmd_graph(int argc, char **argv)
{
	struct graph_args a;
	char **real = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	a.po.paths = xcalloc((size_t)argc, sizeof(*a.po.paths));
	rc = parse_args(argc, argv, &a);
	if (rc < 0) {
		if (a.po.npaths)
			real = real_paths(&a.po);
		rc = run_graph(&a, real);
	}
	free_paths(real, a.po.npaths);
	free(a.po.paths);
	return rc;
}
