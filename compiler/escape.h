/*
 * escape: the one place where names and strings from .pipe files become
 * text in another language — Python string literals, Spark SQL and Athena
 * SQL identifiers and literals, DQDL strings, Redshift identifiers.  Every
 * emitter writes user text through these functions, never by hand.
 *
 * Each function appends to a strbuf the caller owns.
 */
#ifndef PIPEC_ESCAPE_H
#define PIPEC_ESCAPE_H

#include <stdbool.h>

#include "strbuf.h"

/* A double-quoted Python 3 str literal whose value is exactly s (UTF-8):
 * \\ \" \n \r \t, other control characters and DEL as \xNN, U+2028/U+2029
 * and invalid UTF-8 bytes as \uNNNN / \xNN (invalid bytes map to U+FFFD's
 * place: they cannot reach a str, so they are written as \ufffd). */
void escape_python(struct strbuf *out, const char *s);

/* A Spark SQL identifier in backquotes, embedded backquotes doubled. */
void escape_spark_ident(struct strbuf *out, const char *s);
/* A Spark SQL string literal in single quotes ('\'' and '\\' backslashed,
 * control characters as \uNNNN; Spark's default string escaping). */
void escape_spark_string(struct strbuf *out, const char *s);

/* A Spark SQL string expression of value s written without '"' or '\\':
 * the characters Spark would escape are chr(N), the pieces joined with
 * concat() ('it', chr(39), 's').  For Spark text inside a DQDL string,
 * whose reference parser keeps escapes as written. */
void escape_spark_string_plain(struct strbuf *out, const char *s);

/* An Athena (Trino) identifier in double quotes, embedded quotes doubled. */
void escape_athena_ident(struct strbuf *out, const char *s);
/* An Athena string literal in single quotes, embedded quotes doubled. */
void escape_athena_string(struct strbuf *out, const char *s);

/* A Redshift identifier in double quotes, embedded quotes doubled. */
void escape_redshift_ident(struct strbuf *out, const char *s);
/* A Redshift string literal in single quotes, embedded quotes and
 * backslashes doubled: Redshift reads a backslash in a literal as an
 * escape, so 'a\' is unterminated and 'a\\' is the text a\.  A ';' is
 * kept: text bound for the Redshift connector's pre- and post-actions,
 * which are split at every ';', must not contain one (the checker
 * refuses such names). */
void escape_redshift_string(struct strbuf *out, const char *s);

/* A DQDL quoted string.  The DQDL lexer knows only \" and \\ as escapes;
 * text with a line break or another control character has no faithful
 * spelling, so callers reject it first (escape_dqdl_ok). */
void escape_dqdl(struct strbuf *out, const char *s);
bool escape_dqdl_ok(const char *s);

/* True when s contains a byte < 0x20 or DEL (line breaks included). */
bool escape_has_control(const char *s);

#endif
