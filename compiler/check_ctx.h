/*
 * check_ctx: what every check_*.c file works with — the context of the
 * pipeline being checked, and the helpers that report in the same words
 * everywhere: ${variable} substitution, unknown words with a did-you-mean,
 * settings blocks and their arguments, S3 locations, column references.
 *
 * Ownership: the context borrows everything it points to; strings the
 * helpers return live in c->a (or, for words, in the AST).
 */
#ifndef PIPEC_CHECK_CTX_H
#define PIPEC_CHECK_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "diag.h"
#include "model.h"
#include "names.h"

struct catalog;
struct config;
struct strbuf;

struct check_ctx {
	struct arena *a;
	struct diag_set *ds;
	const struct config *cfg;
	const struct catalog *cat;		/* the snapshot, or NULL (--no-catalog, none) */
	const struct source *src;		/* the file being checked */
	const struct ast_item *defaults;	/* the file's defaults { }, or NULL */
	struct model_pipeline *mp;		/* the pipeline being checked */
	const struct ast_clause *source_clause;	/* of mp, or NULL */
	const struct ast_clause *target_clause;
	const struct ast_clause *columns_clause;
	const struct ast_clause *clauses;	/* of mp's item (derive names) */
	size_t nclauses;
	/* source pipeline NAME, join ... pipeline NAME: the project's pipeline
	 * names (did-you-mean); parallel to them, each pipeline's model once it
	 * is checked without errors (else NULL) and the loop of reads it is on
	 * (else NULL); the loop c->mp is on; the source's upstream pipeline,
	 * or NULL when it is unknown, has errors or reads this one back. */
	const char *const *pipeline_names;
	size_t npipeline_names;
	const struct model_pipeline *const *pipelines_ready;
	const char *const *pipeline_cycles;
	const char *upstream_cycle;	/* "a -> b -> a", or NULL */
	const struct model_pipeline *upstream;
	/* an upstream it reads (source or join) has errors of its own: this
	 * pipeline is incomplete without an error of its own to show it */
	bool upstream_failed;
	const struct source *flex_src;		/* where flex was last set, for its diagnostic */
	struct span flex_span;
};

/* A string with its ${name} references substituted from the environment;
 * NULL after reporting an unknown name. */
const char *check_ctx_string(struct check_ctx *c, const struct ast_string *s);
/* Reports "unknown WHAT 'word'" with a did-you-mean or the list of known words. */
struct diag *check_ctx_unknown(struct check_ctx *c, struct span span, const char *what,
			       const char *word, const char *const *known, size_t n);
/* "a, b or c" */
void check_ctx_join_words(struct strbuf *sb, const char *const *words, size_t n,
			  const char *last);
int check_ctx_word_index(const char *word, const char *const *words, size_t n);

/* Settings blocks (source, target, job, s3 event): looks the key up in
 * known[] (reporting unknown keys and repeats); returns its index or -1. */
int check_ctx_setting_key(struct check_ctx *c, const struct ast_setting *s,
			  const struct ast_setting *all, size_t idx, const char *where,
			  const char *const *known, size_t n);
/* Argument count of a setting; reports too few/many with the usage line.
 * Extra arguments that are themselves known keys get the "separate
 * settings" help. */
bool check_ctx_setting_nargs(struct check_ctx *c, const struct ast_setting *s, size_t min,
			     size_t max, const char *usage, const char *const *known, size_t n);
const char *check_ctx_arg_string(struct check_ctx *c, const struct ast_setting *s, size_t i,
				 const char *usage);
const char *check_ctx_arg_word(struct check_ctx *c, const struct ast_setting *s, size_t i,
			       const char *usage);
bool check_ctx_arg_int(struct check_ctx *c, const struct ast_setting *s, size_t i, long lo,
		       long hi, const char *usage, int *out);
bool check_ctx_no_block(struct check_ctx *c, const struct ast_setting *s);

/* An s3:// location string; reports and returns NULL when malformed. */
const char *check_ctx_s3_location(struct check_ctx *c, const struct ast_string *s,
				  const char *what);

/* Reports name (WHAT: "table name", "schema", ...) at span when the
 * engine's naming rule refuses it, with the spelling it would accept;
 * returns whether the name is fine.  Usable outside a check_ctx (the
 * catalog checks). */
bool check_ctx_engine_name(struct diag_set *ds, const struct source *src, struct span span,
			   enum names_engine e, const char *what, const char *name);

/* Column lookup by target name in the pipeline being checked; reports an
 * unknown name (with did-you-mean) against `what` and returns NULL.  A
 * declared column whose type did not resolve also gives NULL, silently: its
 * type error was reported, and checks that need the type are skipped. */
const struct model_column *check_ctx_column_ref(struct check_ctx *c, const struct ast_name *n,
						const char *what);

#endif
