/*
 * arena: bump allocation for everything that lives as long as one
 * compilation (AST, model, catalog).  Nothing is freed individually;
 * arena_release frees all blocks at once.
 */
#ifndef PIPEC_ARENA_H
#define PIPEC_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used;	/* bytes used in head */
	size_t size;	/* capacity of head */
	size_t total;	/* bytes handed out, for statistics */
};

#define ARENA_INIT { NULL, 0, 0, 0 }

void arena_init(struct arena *a);
void arena_release(struct arena *a);
/* Zeroed, aligned for any type. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_array(struct arena *a, size_t count, size_t elem);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ARENA_NEW(a, type) ((type *)arena_alloc((a), sizeof(type)))

#endif
