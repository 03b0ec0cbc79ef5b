#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_release(struct strmap *m)
{
	free(m->entries);
	free(m->slots);
	strmap_init(m);
}

unsigned long strmap_hash(const char *key)
{
	/* FNV-1a */
	unsigned long h = 2166136261UL;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 16777619UL;
	}
	return h;
}

static size_t find_slot(const struct strmap *m, const char *key)
{
	size_t mask = m->nslots - 1;
	size_t i = strmap_hash(key) & mask;

	for (;;) {
		size_t s = m->slots[i];
		if (!s || !strcmp(m->entries[s - 1].key, key))
			return i;
		i = (i + 1) & mask;
	}
}

static void rehash(struct strmap *m, size_t nslots)
{
	size_t i;

	free(m->slots);
	m->slots = xcalloc(nslots, sizeof(*m->slots));
	m->nslots = nslots;
	for (i = 0; i < m->count; i++)
		m->slots[find_slot(m, m->entries[i].key)] = i + 1;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	size_t s;

	if (!m->nslots)
		return NULL;
	s = m->slots[find_slot(m, key)];
	return s ? m->entries[s - 1].value : NULL;
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	size_t slot;

	if ((m->count + 1) * 2 > m->nslots)
		rehash(m, m->nslots ? m->nslots * 2 : 16);
	slot = find_slot(m, key);
	if (m->slots[slot]) {
		struct strmap_entry *e = &m->entries[m->slots[slot] - 1];
		void *old = e->value;
		e->value = value;
		return old;
	}
	XGROW(m->entries, m->alloc, m->count + 1);
	m->entries[m->count].key = key;
	m->entries[m->count].value = value;
	m->count++;
	m->slots[slot] = m->count;
	return NULL;
}
