/*
 * plan_diff: the two diffs a plan shows — a unified diff of two texts
 * (Myers' O(ND) algorithm, 3 lines of context, git-style headers) and a
 * field-level diff of two JSON values (dotted paths, old -> new).
 *
 * Ownership: plan_diff_text appends to a caller-owned strbuf.  Field lists
 * own their paths and hold their own references to the JSON values;
 * plan_fields_release drops them.
 */
#ifndef PIPEC_PLAN_DIFF_H
#define PIPEC_PLAN_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

/*
 * Appends a unified diff of a -> b to out with "--- label_a" / "+++ label_b"
 * headers.  Either text may be NULL (treated as empty: a created or
 * deleted file).  Appends nothing and returns false when the texts are
 * equal; returns true otherwise.
 */
bool plan_diff_text(const char *a, const char *b, const char *label_a, const char *label_b,
		    struct strbuf *out);

struct plan_field {
	char *path;		/* "DefaultArguments.--conf", "Actions[0].Arguments.--x" */
	json_t *old_value;	/* NULL: absent before */
	json_t *new_value;	/* NULL: absent after */
};

struct plan_fields {
	struct plan_field *items;
	size_t count, alloc;
};

#define PLAN_FIELDS_INIT { NULL, 0, 0 }

/*
 * Appends the differences between old and new (either may be NULL) under
 * prefix ("" at the top).  Objects are compared key by key in sorted
 * order, arrays of equal length element by element, anything else as a
 * whole.  Returns the number of fields appended.
 */
size_t plan_diff_json(const json_t *old_value, const json_t *new_value, const char *prefix,
		      struct plan_fields *out);
void plan_fields_release(struct plan_fields *f);

/* Compact, key-sorted JSON text of v (caller frees); "null" for NULL. */
char *plan_json_text(const json_t *v);

#endif
