/*
 * plan_evolve: what an edit of a pipeline does to its table.  Each job.py
 * opens with the table as declared ("# pipec:table" and "# pipec:column"
 * lines, written by emit_schema_lines); plan reads them from the deployed
 * script and from the new one and classifies every difference:
 *
 *   safe      the job applies it, or nothing in the table changes;
 *   breaking  rows are read or written differently from now on: deploy
 *             applies it only with --allow-breaking;
 *   refused   the job would fail or corrupt the table: a plan error.
 *
 * Each edit carries its consequence in words (docs/plan.md, Schema
 * evolution).
 */
#ifndef PIPEC_PLAN_EVOLVE_H
#define PIPEC_PLAN_EVOLVE_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

/* The declaration in a job.py: {"table": {...}, "columns": [...]}, or NULL
 * when the script has no schema lines (written by an older pipec).  The
 * caller owns the result. */
json_t *plan_evolve_read(const char *script);

/* The edits from old to new declaration, in a stable order: a JSON array
 * (the caller's) of {"edit", "column"?, "from"?, "to"?, "class",
 * "consequence"}. */
json_t *plan_evolve_classify(const json_t *old, const json_t *new);

/* An unverified deployed script: the one edit that stands for all of them
 * (breaking: deploy needs --allow-breaking), as a plan_evolve_classify
 * array. */
json_t *plan_evolve_unverified(void);

/* "EDIT[ of column C]: CONSEQUENCE", for errors naming one edit. */
void plan_evolve_describe(const json_t *edit, struct strbuf *out);

/* How many edits of the array are of class cls ("breaking", "refused"). */
size_t plan_evolve_count(const json_t *edits, const char *cls);

#endif
