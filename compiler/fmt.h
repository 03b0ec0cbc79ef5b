/*
 * fmt: prints a parsed .pipe file in the canonical layout — two-space
 * indent, one clause per line, aligned columns, canonical string escapes,
 * comments kept where they were (own line, or end of line).  Printing the
 * output again gives the same bytes.
 *
 * Ownership: fmt_file only reads the tree; the caller owns out.
 */
#ifndef PIPEC_FMT_H
#define PIPEC_FMT_H

#include "ast.h"

struct strbuf;

/* Appends the canonical text of f (which must have no syntax errors) to out. */
void fmt_file(const struct ast_file *f, struct strbuf *out);

#endif
