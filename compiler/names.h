/*
 * names: the spelling rules of the names and locations that pipec.yaml and
 * .pipe files share — identifiers, built-in variables, S3 bucket names and
 * URLs, tag keys, Glue worker types.  Pure functions of a string: no
 * diagnostics, no allocation; callers word the error around the reason.
 */
#ifndef PIPEC_NAMES_H
#define PIPEC_NAMES_H

#include <stdbool.h>

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

#endif
