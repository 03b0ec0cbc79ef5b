/*
 * xalloc: the one allocation choke point of pipec.  Every heap allocation in
 * compiler/ and runtime/ goes through these functions; on exhaustion they
 * print a message and exit(70), so callers never test for NULL.
 */
#ifndef PIPEC_XALLOC_H
#define PIPEC_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
/* Grows *ptr (an array of *cap elements of elem bytes) to hold at least need. */
void xgrow(void **ptr, size_t *cap, size_t need, size_t elem);

#define XGROW(arr, cap, need) \
	xgrow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
