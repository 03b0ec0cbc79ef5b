#include "arena.h"

#include <stdarg.h>
#include <stdbool.h>
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

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#endif

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = a->size = a->total = 0;
	memset(a->recycled, 0, sizeof(a->recycled));
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
/* A block of its own for one allocation over a quarter chunk, behind the
 * head (which keeps serving small allocations).  Zeroed by calloc: a large
 * one comes from fresh pages the kernel zeroes as they are touched, so a
 * big array costs memory only as it is filled. */
static void *big_block(struct arena *a, size_t size, bool zero)
{
	struct arena_block *b = zero ? xcalloc(1, ARENA_HDR + size) : xmalloc(ARENA_HDR + size);

	b->size = size;
	if (a->head) {
		b->next = a->head->next;
		a->head->next = b;
	} else {
		b->next = NULL;
		a->head = b;
		a->size = a->used = size;
	}
	a->total += size;
	return (char *)b + ARENA_HDR;
}

static void *carve(struct arena *a, size_t size, size_t align)
{
	char *p;
	size_t start = (a->used + align - 1) & ~(align - 1);

	if (size > ARENA_CHUNK / 4)
		return big_block(a, size, false);
	if (!a->head || start > a->size || a->size - start < size) {
		struct arena_block *b = xmalloc(ARENA_HDR + ARENA_CHUNK);

		b->size = ARENA_CHUNK;
		b->next = a->head;
		a->head = b;
		a->size = ARENA_CHUNK;
		start = 0;
	}
	p = (char *)a->head + ARENA_HDR + start;
	a->used = start + size;
	a->total += size;
	return p;
}

static bool recyclable(size_t size)
{
	return size >= sizeof(void *) && size <= ARENA_RECYCLE_MAX && size % 8 == 0;
}

void arena_recycle(struct arena *a, void *p, size_t size)
{
	if (!p || !recyclable(size))
		return;
#ifdef ARENA_ASAN
	(void)a;
	/* twice is a bug of the caller: the node would be handed out twice */
	if (__asan_region_is_poisoned(p, size))
		abort();
	ASAN_POISON_MEMORY_REGION(p, size);
#else
	*(void **)p = a->recycled[size / 8];
	a->recycled[size / 8] = p;
#endif
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p;

	if (recyclable(size) && a->recycled[size / 8]) {
		p = a->recycled[size / 8];
		a->recycled[size / 8] = *(void **)p;
		memset(p, 0, size);
		return p;
	}
	if (size > ARENA_CHUNK / 4)
		return big_block(a, size, true);
	p = carve(a, size ? size : 1, ARENA_ALIGN);
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
