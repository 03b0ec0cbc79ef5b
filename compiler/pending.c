/*
 * pending: weak fallbacks for entry points whose modules have not landed
 * yet, so the tree links while they are written.  Each real definition
 * overrides its fallback; this file is removed once all have landed.
 */
#include <stdio.h>

#include "catalog_check.h"
#include "check_glue.h"
#include "cli.h"
#include "parse.h"

#define PENDING_CMD(fn, name)                                              \
	__attribute__((weak)) int fn(int argc, char **argv)                   \
	{                                                                      \
		(void)argc;                                                    \
		(void)argv;                                                    \
		fprintf(stderr, "pipec: error: '%s' is not available in this build\n", name); \
		return 1;                                                      \
	}

PENDING_CMD(cmd_check, "check")
PENDING_CMD(cmd_build, "build")
PENDING_CMD(cmd_fmt, "fmt")
PENDING_CMD(cmd_plan, "plan")
PENDING_CMD(cmd_deploy, "deploy")
PENDING_CMD(cmd_catalog, "catalog")
PENDING_CMD(cmd_debug, "debug")

__attribute__((weak)) size_t parse_file(const struct source *src, struct arena *arena,
					struct diag_set *ds, struct ast_file *out)
{
	(void)arena;
	diag_error_file(ds, src, NULL, "parser not available in this build");
	out->src = src;
	return 1;
}

__attribute__((weak)) void check_glue_derive(const struct model_project *mp,
					     struct model_pipeline *p, struct arena *a)
{
	(void)mp;
	(void)p;
	(void)a;
}

__attribute__((weak)) int catalog_check_project(struct project *p, const char *path)
{
	(void)p;
	(void)path;
	return 0;
}
