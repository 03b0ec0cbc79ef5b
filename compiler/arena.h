/*
 * arena: bump allocation for everything that lives as long as one
 * compilation (AST, model, catalog).  Nothing is freed individually;
 * arena_release frees all blocks at once.  A builder that copies a node
 * into its final place (the parser's lists) may hand the original back with
 * arena_recycle: the next allocation of exactly that size reuses it.
 */
#ifndef PIPEC_ARENA_H
#define PIPEC_ARENA_H

#include <stddef.h>

struct arena_block;

/* Recycled nodes of 8..ARENA_RECYCLE_MAX bytes (multiples of 8), one list
 * per size. */
#define ARENA_RECYCLE_MAX 256

struct arena {
	struct arena_block *head;
	size_t used;	/* bytes used in head */
	size_t size;	/* capacity of head */
	size_t total;	/* bytes handed out, for statistics */
	void *recycled[ARENA_RECYCLE_MAX / 8 + 1];
};

#define ARENA_INIT { NULL, 0, 0, 0, { NULL } }

void arena_init(struct arena *a);
void arena_release(struct arena *a);
/* Zeroed, aligned for any type. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_array(struct arena *a, size_t count, size_t elem);
char *arena_strdup(struct arena *a, const char *s);
/* Gives back p, size bytes from arena_alloc(a, size) that nothing points to
 * any more, for a later arena_alloc of the same size.  Other sizes are
 * left alone.  Under AddressSanitizer the bytes are poisoned and never
 * reused, so a stale pointer to a recycled node is reported. */
void arena_recycle(struct arena *a, void *p, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ARENA_NEW(a, type) ((type *)arena_alloc((a), sizeof(type)))

#endif
