/*
 * check_convert: how source values become the declared types — the column
 * attributes `format "…"` and `epoch UNIT`, and the pipeline's
 * `on cast error` policy (with its optional quarantine prefix).
 */
#ifndef PIPEC_CHECK_CONVERT_H
#define PIPEC_CHECK_CONVERT_H

struct check_ctx;
struct ast_clause;
struct ast_column;
struct model_column;

/* format/epoch attributes of a declared column. */
/* NULL when pattern is a Spark datetime pattern, else why not (*bad: the
 * letter that is not a pattern letter). */
const char *check_convert_pattern_problem(const char *pattern, char *bad);
void check_column_attrs(struct check_ctx *c, const struct ast_column *ac,
			struct model_column *col);
/* on cast error ACTION [quarantine "s3://…"] */
void check_on_error(struct check_ctx *c, const struct ast_clause *cl);

#endif
