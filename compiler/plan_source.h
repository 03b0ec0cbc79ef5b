/*
 * plan_source: the desired side of a plan — the artifacts of the .pipe
 * files (checked and rendered in memory, no temporary directory) or of a
 * build directory given with --from.
 *
 * Ownership: fills a caller-initialised plan_state; diagnostics of the
 * .pipe files are rendered on stderr before returning.
 */
#ifndef PIPEC_PLAN_SOURCE_H
#define PIPEC_PLAN_SOURCE_H

#include "plan.h"
#include "project.h"
#include "strbuf.h"

/*
 * Returns 0 on success; 1 when the .pipe files have errors (already
 * reported); -1 on an environment failure with a message in err.  When
 * from_dir is set the .pipe files are not read.  The state is stamped with
 * pipec's ownership tags.  env receives what the project says about
 * where it deploys (release it with plan_source_env_release).
 */
struct graph;
struct plan_source_env {
	char *region;		/* the environment's region, or NULL */
	char *account;		/* the environment's account, or NULL */
	char *root;		/* the project root (local files are relative to it) */
	char *name_prefix;	/* the environment's name prefix; NULL with --from */
	char **evolving;	/* pipelines whose jobs evolve their tables as the
				   catalog snapshot states them (check warnings) */
	size_t nevolving;
	struct graph *graph;	/* the project's pipeline graph (graph.h); NULL with --from */
};

int plan_source_desired(const struct project_opts *po, const char *from_dir,
			struct plan_state *out, struct plan_source_env *env, struct strbuf *err);
void plan_source_env_release(struct plan_source_env *env);

#endif
