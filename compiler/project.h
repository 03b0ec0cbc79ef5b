/*
 * project: the front half of every command — find pipec.yaml, select the
 * environment, collect the .pipe files under the given paths, parse and
 * check them (and check them against the catalog snapshot when one is
 * configured), leaving diagnostics and the checked model.
 *
 * Ownership: struct project owns its sources, ASTs, model and diagnostics;
 * project_release frees them all.  The checked model does not need the
 * trees: check_project frees each file's nodes after its last pipeline, so
 * after a check p->asts keep only their sources (items are gone).
 */
#ifndef PIPEC_PROJECT_H
#define PIPEC_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "config.h"
#include "diag.h"
#include "model.h"
#include "source.h"

struct project_opts {
	const char **paths;		/* files or directories; none = "." */
	size_t npaths;
	const char *env_name;		/* --env; NULL = the default environment */
	const char *config_path;	/* --config; NULL = search pipec.yaml upward from the first path */
	const char *catalog_path;	/* --catalog; overrides the environment's catalog */
	bool no_catalog;		/* --no-catalog */
	bool parse_only;		/* stop after parsing (fmt, --dump-ast) */
	bool quiet_warnings;		/* plan_source: print diagnostics only with errors */
};

struct project {
	struct arena arena;
	struct diag_set diags;
	struct source **sources;	/* every file read, in load order (index = position) */
	size_t nsources, sources_alloc;
	struct ast_file *asts;		/* one per .pipe file, sorted by path */
	size_t nasts;
	struct arena *ast_arenas;	/* asts[i]'s nodes (its texts are in arena); a
					 * checked file's are released once the model holds
					 * what its pipelines say, so --dump-ast alone sees trees */
	struct model_project model;
	bool have_model;		/* check ran (even if it found errors) */
	bool env_error;			/* a failure of the environment (unreadable path, …) */
};

void project_init(struct project *p);
void project_release(struct project *p);
/* Runs the front end.  Returns 0 when there are no errors, 1 otherwise
 * (diagnostics in p->diags; render them with diag_render). */
int project_load(struct project *p, const struct project_opts *o);
/* Finds and reads pipec.yaml as a source of the project (config_path, or the
 * nearest one upward from first_path or the working directory) and selects
 * env_name (NULL: the default environment); without a project file the
 * built-in environment "default" is used.  Returns 0, or -1 after reporting
 * diagnostics.  The front half of project_load, also used alone. */
int project_load_config(struct project *p, const char *config_path, const char *first_path,
			const char *env_name, struct config *out);
/* Adds a source to the project (takes ownership), setting its index. */
struct source *project_add_source(struct project *p, struct source *src);

#endif
