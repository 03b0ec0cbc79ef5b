/*
 * parse: the only module that sees the flex scanner and the bison parser.
 * It turns one source into an ast_file, reporting every syntax error it
 * can recover from into the diagnostic set.
 */
#ifndef PIPEC_PARSE_H
#define PIPEC_PARSE_H

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "source.h"

/* Parses src; nodes live in arena.  Returns the number of syntax errors
 * (out is always filled, possibly partially, so later phases can still
 * look at what parsed). */
size_t parse_file(const struct source *src, struct arena *arena, struct diag_set *ds,
		  struct ast_file *out);

#endif
