#include "jsonw.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* jansson.h keeps FLAGS_TO_INDENT private: JSON_INDENT(n) is n in the
 * low bits (JSON_MAX_INDENT). */
static size_t indent_of(size_t flags)
{
	return flags & JSON_MAX_INDENT;
}

/* What json_dumps writes before an item (after_comma: before any but the
 * first) and before the closing bracket: a newline and the indentation of
 * depth; without JSON_INDENT, a space after a comma unless JSON_COMPACT. */
static void newline(struct strbuf *out, size_t flags, int depth, bool after_comma)
{
	size_t n = indent_of(flags);

	if (n) {
		strbuf_addch(out, '\n');
		strbuf_addchars(out, ' ', n * (size_t)depth);
	} else if (after_comma && !(flags & JSON_COMPACT)) {
		strbuf_addch(out, ' ');
	}
}

/* The code point at *s (valid UTF-8: jansson checks every string it is
 * given), *s moved past it. */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t cp;
	int more;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	more = p[0] >= 0xF0 ? 3 : p[0] >= 0xE0 ? 2 : 1;
	cp = p[0] & (0x3F >> more);
	for (int i = 1; i <= more; i++) {
		assert((p[i] & 0xC0) == 0x80);
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	*s = p + 1 + more;
	return cp;
}

/* The letter of a two-character escape, or 0. */
static char short_escape(uint32_t cp)
{
	switch (cp) {
	case '"': return '"';
	case '\\': return '\\';
	case '\b': return 'b';
	case '\f': return 'f';
	case '\n': return 'n';
	case '\r': return 'r';
	case '\t': return 't';
	default: return 0;
	}
}

static void escape(struct strbuf *out, uint32_t cp)
{
	char letter = short_escape(cp);

	if (letter) {
		strbuf_addch(out, '\\');
		strbuf_addch(out, letter);
	} else if (cp < 0x10000) {
		strbuf_addf(out, "\\u%04X", (unsigned)cp);
	} else {	/* a UTF-16 surrogate pair */
		cp -= 0x10000;
		strbuf_addf(out, "\\u%04X\\u%04X", (unsigned)(0xD800 | (cp >> 10)),
			    (unsigned)(0xDC00 | (cp & 0x3FF)));
	}
}

/* A string as json_dumps writes it: '"', '\\' and control characters
 * escaped, with JSON_ENSURE_ASCII every code point above 0x7F as well;
 * runs of plain bytes copied at once. */
static void dump_string(struct strbuf *out, const char *str, size_t len, size_t flags)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len, *run = s;
	bool ascii = (flags & JSON_ENSURE_ASCII) != 0;

	strbuf_addch(out, '"');
	while (s < end) {
		const unsigned char *at = s;
		uint32_t cp;

		if (*s >= 0x20 && *s != '"' && *s != '\\' && (*s < 0x80 || !ascii)) {
			s++;
			continue;
		}
		cp = utf8_next(&s);
		strbuf_add(out, run, (size_t)(at - run));
		escape(out, cp);
		run = s;
	}
	strbuf_add(out, run, (size_t)(end - run));
	strbuf_addch(out, '"');
}

static void dump_value(struct strbuf *out, const json_t *j, size_t flags, int depth);

static void dump_array(struct strbuf *out, const json_t *j, size_t flags, int depth)
{
	size_t n = json_array_size(j), i;

	strbuf_addch(out, '[');
	if (!n) {
		strbuf_addch(out, ']');
		return;
	}
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		newline(out, flags, depth + 1, i > 0);
		dump_value(out, json_array_get(j, i), flags, depth + 1);
	}
	newline(out, flags, depth, false);
	strbuf_addch(out, ']');
}

struct member {
	const char *key;
	const json_t *value;
};

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->key, ((const struct member *)b)->key);
}

static void dump_object(struct strbuf *out, const json_t *j, size_t flags, int depth)
{
	struct member few[32], *m = few;
	size_t n = json_object_size(j), i = 0;
	const char *key;
	json_t *value;
	void *tmp;

	strbuf_addch(out, '{');
	if (!n) {
		strbuf_addch(out, '}');
		return;
	}
	if (n > sizeof(few) / sizeof(few[0]))
		m = xmalloc(n * sizeof(*m));
	json_object_foreach_safe((json_t *)j, tmp, key, value) {
		m[i].key = key;
		m[i++].value = value;
	}
	assert(i == n);
	qsort(m, n, sizeof(*m), cmp_member);
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		newline(out, flags, depth + 1, i > 0);
		dump_string(out, m[i].key, strlen(m[i].key), flags);
		strbuf_addstr(out, flags & JSON_COMPACT ? ":" : ": ");
		dump_value(out, m[i].value, flags, depth + 1);
	}
	newline(out, flags, depth, false);
	strbuf_addch(out, '}');
	if (m != few)
		free(m);
}

static void dump_value(struct strbuf *out, const json_t *j, size_t flags, int depth)
{
	char *text;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		dump_object(out, j, flags, depth);
		return;
	case JSON_ARRAY:
		dump_array(out, j, flags, depth);
		return;
	case JSON_STRING:
		dump_string(out, json_string_value(j), json_string_length(j), flags);
		return;
	case JSON_INTEGER:
		strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return;
	case JSON_TRUE:
		strbuf_addstr(out, "true");
		return;
	case JSON_FALSE:
		strbuf_addstr(out, "false");
		return;
	case JSON_NULL:
		strbuf_addstr(out, "null");
		return;
	case JSON_REAL:
		break;
	}
	text = json_dumps(j, flags | JSON_ENCODE_ANY);
	if (!text)
		abort();
	strbuf_addstr(out, text);
	free(text);
}

void jsonw_dump(struct strbuf *out, const json_t *j, size_t flags, int depth)
{
	dump_value(out, j, flags, depth);
}
