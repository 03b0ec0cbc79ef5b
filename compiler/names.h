/*
 * names: the spelling rules of the names and locations that pipec.yaml and
 * .pipe files share — identifiers, built-in variables, S3 bucket names and
 * URLs, tag keys, Glue worker types; the names each engine accepts for
 * tables and columns; pipec's encoding of its own tag values.  Pure
 * functions of a string: no diagnostics, no allocation; callers word the
 * error around the reason.
 */
#ifndef PIPEC_NAMES_H
#define PIPEC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* The ${variables} every environment defines: env, region, account, project. */
#define NAMES_NBUILTIN_VARIABLES 4
extern const char *const names_builtin_variables[NAMES_NBUILTIN_VARIABLES];

/* The worker types of a Glue 5.1 Spark job. */
#define NAMES_NSPARK_WORKER_TYPES 10
extern const char *const names_spark_worker_types[NAMES_NSPARK_WORKER_TYPES];

/* A letter or '_', then letters, digits and '_'. */
bool names_is_identifier(const char *s);
bool names_is_builtin_variable(const char *s);

/* The functions below return NULL when s is fine, else the reason it is
 * not (a static string). */
const char *names_bucket_problem(const char *s);
/* s3://bucket[/prefix] */
const char *names_s3_url_problem(const char *s);
/* The aws: and pipec: prefixes are reserved. */
const char *names_tag_key_problem(const char *key);
const char *names_worker_type_problem(const char *type);

/*
 * The names an engine accepts, one rule per engine (docs/language.md,
 * "Names per engine").  names_engine_problem finds the first problem of s
 * under a rule; names_engine_fix writes the spelling pipec proposes
 * instead (lowercase, each character the rule refuses replaced by '_').
 */
enum names_engine {
	NAMES_S3TABLES,		/* S3 Tables namespace and table */
	NAMES_GLUE_ICEBERG,	/* database and table read or written by Iceberg's GlueCatalog */
	NAMES_REDSHIFT_TABLE,	/* Redshift schema and table of a target */
	NAMES_REDSHIFT_COLUMN,	/* Redshift column named in the connector's actions */
	NAMES_NENGINES
};

struct names_rule {
	const char *engine;	/* "S3 Tables", "Iceberg", "Redshift": starts the message */
	bool lowercase;		/* upper case is refused */
	bool word_chars;	/* only a-z, 0-9 and '_' */
	bool alnum_first;	/* starts with a letter or digit */
	bool action_safe;	/* no ';' and no "%s" (the Redshift connector's actions) */
	size_t max;		/* at most this many bytes */
	const char *why;	/* why, for the help line: the characters it allows */
	const char *why_upper;	/* why upper case is refused */
};
extern const struct names_rule names_rules[NAMES_NENGINES];

enum names_problem_kind {
	NAMES_OK,
	NAMES_EMPTY,
	NAMES_TOO_LONG,
	NAMES_UPPER,		/* an upper-case letter */
	NAMES_BAD_CHAR,		/* a character outside the rule's set (at, len: its bytes) */
	NAMES_BAD_FIRST,	/* the first character */
	NAMES_SEMICOLON,	/* ';' */
	NAMES_PERCENT_S,	/* "%s" */
};

struct names_problem {
	enum names_problem_kind kind;
	const char *at;		/* where in s */
	size_t len;		/* bytes of the offending character or sequence */
};

struct names_problem names_engine_problem(enum names_engine e, const char *s);
/* out has room for strlen(s) + 1 bytes (the proposal is never longer). */
void names_engine_fix(enum names_engine e, const char *s, char *out);

/*
 * Tag values pipec sets itself (pipec:project, pipec:partitioning, ...)
 * use only the characters every AWS service accepts in a tag: ASCII
 * letters and digits, space and _ . : / + - @.  Any other byte, and '='
 * itself, is written as '=' and two upper-case hex digits (the byte of
 * its UTF-8 spelling): "bucket(16, id)" is "bucket=2816=2C id=29".  A
 * value with no '=' decodes to itself, so tags written before the
 * encoding read back unchanged.
 */
bool names_tag_char_ok(unsigned char ch);
/* out has room for 3 * strlen(s) + 1 bytes. */
void names_tag_encode(const char *s, char *out);
/* out has room for strlen(s) + 1 bytes; an '=' not followed by two hex
 * digits is kept as it is. */
void names_tag_decode(const char *s, char *out);

#endif
