/*
 * check_validate: `validate { ... }` — row counts, null and uniqueness
 * checks, value expectations, freshness, completeness, the sample size and
 * what a failure does.  Literals are checked against the column types.
 */
#ifndef PIPEC_CHECK_VALIDATE_H
#define PIPEC_CHECK_VALIDATE_H

#include <stdbool.h>

struct check_ctx;
struct ast_clause;

/* is_default: the clause is the file's defaults { validate { } }. */
void check_validate(struct check_ctx *c, const struct ast_clause *cl, bool is_default);

#endif
