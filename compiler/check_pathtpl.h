/*
 * check_pathtpl: an s3 source location with {NAME} folder levels
 * ("s3://b/events/{day}/{hour}/"): Glue reads the part before the first
 * placeholder, each placeholder is a source field taken from that folder
 * level of each object's key, and a key that does not fit the template is
 * skipped (docs/language.md, source).
 *
 * Ownership: what it puts into the model lives in c->a.
 */
#ifndef PIPEC_CHECK_PATHTPL_H
#define PIPEC_CHECK_PATHTPL_H

#include <stdbool.h>

struct check_ctx;
struct ast_string;
struct model_source;

/* Whether the literal text of s has a '{' or '}' outside ${variables}:
 * then it is checked as a template (check_pathtpl_location). */
bool check_pathtpl_is_template(const struct ast_string *s);
/* Checks the template s, reporting at each placeholder; on success sets
 * ms->path (the location read), ms->path_template, its levels, and
 * ms->recurse (the placeholders are folder levels below the location). */
void check_pathtpl_location(struct check_ctx *c, const struct ast_string *s,
			    struct model_source *ms);
/* After the source's settings: no placeholder is also a path_fields key. */
void check_pathtpl_finish(struct check_ctx *c, const struct model_source *ms);

#endif
