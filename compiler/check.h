/*
 * check: turns the ASTs of a project into the checked model — resolves
 * names and ${variables}, applies defaults (pipec.yaml < file defaults <
 * pipeline) and enforces every language and Glue rule, each as a
 * diagnostic with a span and a help line.  Split by concern: check.c (the
 * driver, pipeline structure, dependencies), check_mode.c (mode and
 * incremental), check_source.c, check_target.c, check_schema.c (columns, types,
 * partitions), check_schedule.c (cron and triggers), check_validate.c,
 * check_job.c.  The functions below the driver's are shared by those files.
 *
 * Ownership: the model lives in the project's arena.
 */
#ifndef PIPEC_CHECK_H
#define PIPEC_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "config.h"
#include "diag.h"
#include "model.h"

struct project;

/* Checks every pipeline of p->asts against cfg and fills p->model (even
 * when there are errors; then only error-free pipelines are complete).
 * Returns the number of errors reported. */
size_t check_project(struct project *p, const struct config *cfg);

/* ---- shared by the check_*.c files ---- */

struct check_ctx {
	struct project *p;
	struct arena *a;
	struct diag_set *ds;
	const struct config *cfg;
	const struct source *src;		/* the file being checked */
	const struct ast_item *defaults;	/* the file's defaults { }, or NULL */
	struct model_pipeline *mp;		/* the pipeline being checked */
	const struct ast_clause *source_clause;	/* of mp, or NULL */
	const struct ast_clause *target_clause;
	const struct ast_clause *columns_clause;
	const struct source *flex_src;		/* where flex was last set, for its diagnostic */
	struct span flex_span;
};

/* A string with its ${name} references substituted from the environment;
 * NULL after reporting an unknown name. */
const char *check_string(struct check_ctx *c, const struct ast_string *s);
/* Reports "unknown WHAT 'word'" with a did-you-mean or the list of known words. */
struct diag *check_unknown(struct check_ctx *c, struct span span, const char *what,
			   const char *word, const char *const *known, size_t n);
/* "a, b or c" */
void check_join_words(struct strbuf *sb, const char *const *words, size_t n, const char *last);
int check_word_index(const char *word, const char *const *words, size_t n);

/* Settings blocks (source, target, job, s3 event): looks the key up in
 * known[] (reporting unknown keys and repeats); returns its index or -1. */
int check_setting_key(struct check_ctx *c, const struct ast_setting *s,
		      const struct ast_setting *all, size_t idx, const char *where,
		      const char *const *known, size_t n);
/* Argument count of a setting; reports too few/many with the usage line.
 * Extra arguments that are themselves known keys get the "separate
 * settings" help. */
bool check_setting_nargs(struct check_ctx *c, const struct ast_setting *s, size_t min,
			 size_t max, const char *usage, const char *const *known, size_t n);
const char *check_arg_string(struct check_ctx *c, const struct ast_setting *s, size_t i,
			     const char *usage);
const char *check_arg_word(struct check_ctx *c, const struct ast_setting *s, size_t i,
			   const char *usage);
bool check_arg_int(struct check_ctx *c, const struct ast_setting *s, size_t i, long lo, long hi,
		   const char *usage, int *out);
bool check_no_block(struct check_ctx *c, const struct ast_setting *s);

/* Validity of names and locations (NULL = fine, else the reason). */
bool check_is_identifier(const char *s);
bool check_is_builtin_variable(const char *s);
const char *check_bucket_name_problem(const char *s);
/* s3://bucket[/prefix]; the reason it is not one, or NULL. */
const char *check_s3_url_problem(const char *s);
/* An s3:// location string; reports and returns NULL when malformed. */
const char *check_s3_location(struct check_ctx *c, const struct ast_string *s, const char *what);

/* Per concern. */
void check_source(struct check_ctx *c, const struct ast_clause *cl);
void check_target(struct check_ctx *c, const struct ast_clause *cl);
void check_columns(struct check_ctx *c, const struct ast_clause *cl);
/* format/epoch attributes of a declared column (check_convert.c). */
void check_column_attrs(struct check_ctx *c, const struct ast_column *ac,
			struct model_column *col);
/* on cast error ACTION [quarantine "s3://…"] (check_convert.c). */
void check_on_error(struct check_ctx *c, const struct ast_clause *cl);
void check_partitions(struct check_ctx *c, const struct ast_clause *cl);
/* check_mode.c: mode first, then (after target and partitions) the rules
 * that depend on the target, then incremental, then the two together. */
void check_mode(struct check_ctx *c, const struct ast_clause *cl);
void check_mode_target(struct check_ctx *c, const struct ast_clause *cl);
void check_incremental(struct check_ctx *c, const struct ast_clause *cl);
void check_mode_incremental(struct check_ctx *c, const struct ast_clause *mode_cl,
			    const struct ast_clause *incr_cl);
void check_schedule(struct check_ctx *c, const struct ast_clause *cl);
void check_validate(struct check_ctx *c, const struct ast_clause *cl, bool is_default);
void check_job(struct check_ctx *c, const struct ast_clause *cl);
void check_job_defaults(struct check_ctx *c);
void check_job_finish(struct check_ctx *c);

/* Column lookup by target name in the pipeline being checked; reports an
 * unknown name (with did-you-mean) against `what` and returns NULL.  A
 * declared column whose type did not resolve also gives NULL, silently: its
 * type error was reported, and checks that need the type are skipped. */
const struct model_column *check_column_ref(struct check_ctx *c, const struct ast_name *n,
					    const char *what);

/* Worker type allow-list for Glue 5.1 Spark jobs: NULL, or why not. */
const char *check_worker_type_problem(const char *type);
/* Tag keys: NULL, or why not (the aws: and pipec: prefixes are reserved). */
const char *check_tag_key_problem(const char *key);

/* Cron validation, exposed for unit tests.  On error, err->start/end give
 * the byte range of the offending part inside text. */
struct check_cron_error {
	char msg[160];
	char help[200];
	size_t start, end;
};
int check_cron_text(const char *text, struct check_cron_error *err);
/* every D as cron text (without the cron( ) wrapper), or NULL with a reason. */
const char *check_every_to_cron(int64_t seconds, char *buf, size_t bufsz, const char **why);

#endif
