/*
 * strmap: an open-addressing hash map from NUL-terminated strings to
 * pointers.  Keys are not copied: they must outlive the map (they usually
 * live in an arena).  Iteration order is insertion order, so output built
 * from a map is deterministic.
 */
#ifndef PIPEC_STRMAP_H
#define PIPEC_STRMAP_H

#include <stddef.h>

struct strmap_entry {
	const char *key;
	void *value;
};

struct strmap {
	struct strmap_entry *entries;	/* insertion order */
	size_t count, alloc;
	size_t *slots;			/* index+1 into entries, 0 = empty */
	size_t nslots;
};

#define STRMAP_INIT { NULL, 0, 0, NULL, 0 }

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* Returns the value, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* Inserts or replaces; returns the previous value or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *value);
/* Case-insensitive hashing/compare variant is not provided: lower-case keys first. */
unsigned long strmap_hash(const char *key);

#endif
