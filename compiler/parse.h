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

/* Parses src; nodes live in arena, the texts they hold (names, string
 * parts, numbers and durations as written) in text, which may be the same
 * arena: a model built from the tree keeps pointing at the texts after the
 * nodes are released (ast_file_release).  Returns the number of syntax
 * errors (out is always filled, possibly partially, so later phases can
 * still look at what parsed). */
size_t parse_file(const struct source *src, struct arena *arena, struct arena *text,
		  struct diag_set *ds, struct ast_file *out);

/* What a token of the scanner is, for tools that colour or index .pipe
 * text (`pipec debug tokens`, the editor grammars' tests). */
enum parse_token_kind {
	PT_KEYWORD, PT_NAME, PT_QUOTED_NAME, PT_STRING, PT_NUMBER, PT_DURATION,
	PT_PUNCT, PT_COMMENT,
};

const char *parse_token_kind_name(enum parse_token_kind k);

/* Calls fn for each token of src as the scanner reads it, comments
 * included and ends of line left out, in the order of the text.  Text the
 * scanner refuses is reported into ds and has no token.  Returns the
 * number of such errors. */
size_t parse_tokens(const struct source *src, struct diag_set *ds,
		    void (*fn)(void *arg, enum parse_token_kind kind, struct span at), void *arg);

#endif
