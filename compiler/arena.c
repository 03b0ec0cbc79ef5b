#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct arena_block {
	struct arena_block *next;
	size_t size;
	/* payload follows, max-aligned */
};

#define ARENA_ALIGN 16
#define ARENA_HDR ((sizeof(struct arena_block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))
#define ARENA_CHUNK (64 * 1024)

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = a->size = a->total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}

/*
 * Carves size bytes aligned to align (a power of two) without clearing them.
 * Objects get ARENA_ALIGN; strings get 1, so the many short names of a
 * large project are not each padded to 16 bytes.
 */
static void *carve(struct arena *a, size_t size, size_t align)
{
	char *p;
	size_t start = (a->used + align - 1) & ~(align - 1);

	if (!a->head || start > a->size || a->size - start < size) {
		size_t cap = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;
		struct arena_block *b = xmalloc(ARENA_HDR + cap);

		b->size = cap;
		if (a->head && size > ARENA_CHUNK / 4) {
			/* big block: keep the current head for small allocations */
			b->next = a->head->next;
			a->head->next = b;
			a->total += size;
			return (char *)b + ARENA_HDR;
		}
		b->next = a->head;
		a->head = b;
		a->size = cap;
		start = 0;
	}
	p = (char *)a->head + ARENA_HDR + start;
	a->used = start + size;
	a->total += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = carve(a, size ? size : 1, ARENA_ALIGN);

	memset(p, 0, size);
	return p;
}

void *arena_array(struct arena *a, size_t count, size_t elem)
{
	if (elem && count > ((size_t)-1) / elem)
		xmalloc((size_t)-1);
	return arena_alloc(a, count * elem);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = carve(a, len + 1, 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
