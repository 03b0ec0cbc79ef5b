/*
 * config: the project file pipec.yaml — project name, environments (region,
 * account, role, buckets, variables) and the job defaults of every pipeline.
 * Parsed with libyaml; mistakes are diagnostics on the pipec.yaml source.
 *
 * Ownership: every string lives in the arena passed in; the pipec.yaml
 * source is the caller's (project_load_config adds it to the project).
 */
#ifndef PIPEC_CONFIG_H
#define PIPEC_CONFIG_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "source.h"

/* Job settings from the environment's `defaults:` (lowest precedence). */
struct config_job_defaults {
	bool has_workers, has_worker_type, has_timeout, has_retries, has_max_concurrency;
	bool has_autoscale, has_flex;
	int workers;
	const char *worker_type;
	int timeout_minutes;
	int retries;
	int max_concurrency;
	bool autoscale, flex;
	struct model_kvlist tags;
	struct span span;		/* of the defaults mapping, for diagnostics */
};

struct config {
	const struct source *src;	/* pipec.yaml, or NULL for the built-in default */
	const char *project;		/* project name ("pipec" when unset) */
	const char *root;		/* directory of pipec.yaml, "." when none */
	struct model_env env;		/* the selected environment */
	struct config_job_defaults defaults;
	bool env_ok;			/* an environment was selected (maybe with errors) */
};

/* The nearest pipec.yaml upward from first_path (a file or directory;
 * NULL: the working directory), spelt relative to the working directory.
 * Returns a malloc'd path (the caller frees it), or NULL when there is none. */
char *config_find(const char *first_path);

/* Reads src (pipec.yaml; NULL when there is no project file: then only the
 * built-in environment "default" exists) and selects env_name (NULL: the
 * default environment).  Strings live in a; src must outlive out.  Returns
 * 0, or -1 after reporting diagnostics in ds. */
int config_parse(const struct source *src, const char *env_name, struct arena *a,
		 struct diag_set *ds, struct config *out);

/* Parses a duration as written in pipec.yaml or a .pipe file ("90s", "15m",
 * "2h", "1d"); returns -1 when it is not one. */
int config_parse_duration(const char *s, long long *seconds);

#endif
