#include "xml.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Finds "<tag" or "<prefix:tag" followed by '>', '/', or whitespace. */
static const char *find_open(const char *p, const char *end, const char *tag, const char **content)
{
	size_t tl = strlen(tag);

	for (; p < end; p++) {
		const char *name, *q;

		if (*p != '<' || p + 1 >= end || p[1] == '/' || p[1] == '?' || p[1] == '!')
			continue;
		name = p + 1;
		q = name;
		while (q < end && *q != '>' && *q != '/' && *q != ' ' && *q != '\t' && *q != '\n' &&
		       *q != '\r' && *q != ':')
			q++;
		if (q < end && *q == ':') {
			name = q + 1;
			q = name;
			while (q < end && *q != '>' && *q != '/' && *q != ' ' && *q != '\t' &&
			       *q != '\n' && *q != '\r')
				q++;
		}
		if ((size_t)(q - name) != tl || memcmp(name, tag, tl))
			continue;
		while (q < end && *q != '>')
			q++;
		if (q >= end)
			return NULL;
		if (q[-1] == '/') {	/* <tag/>: empty */
			*content = q + 1;
			return q + 1;
		}
		*content = q + 1;
		return p;
	}
	return NULL;
}

static void decode_entities(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *semi;

		if (s[i] != '&' || !(semi = memchr(s + i, ';', n - i)) || semi - (s + i) > 10) {
			strbuf_addch(out, s[i]);
			continue;
		}
		if (!strncmp(s + i, "&amp;", 5))
			strbuf_addch(out, '&');
		else if (!strncmp(s + i, "&lt;", 4))
			strbuf_addch(out, '<');
		else if (!strncmp(s + i, "&gt;", 4))
			strbuf_addch(out, '>');
		else if (!strncmp(s + i, "&quot;", 6))
			strbuf_addch(out, '"');
		else if (!strncmp(s + i, "&apos;", 6))
			strbuf_addch(out, '\'');
		else if (s[i + 1] == '#') {
			unsigned long cp = s[i + 2] == 'x' ? strtoul(s + i + 3, NULL, 16)
							   : strtoul(s + i + 2, NULL, 10);

			if (cp < 0x80) {
				strbuf_addch(out, (int)cp);
			} else if (cp < 0x800) {
				strbuf_addch(out, (int)(0xC0 | (cp >> 6)));
				strbuf_addch(out, (int)(0x80 | (cp & 0x3F)));
			} else if (cp < 0x10000) {
				strbuf_addch(out, (int)(0xE0 | (cp >> 12)));
				strbuf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
				strbuf_addch(out, (int)(0x80 | (cp & 0x3F)));
			} else {
				strbuf_addch(out, (int)(0xF0 | ((cp >> 18) & 0x07)));
				strbuf_addch(out, (int)(0x80 | ((cp >> 12) & 0x3F)));
				strbuf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
				strbuf_addch(out, (int)(0x80 | (cp & 0x3F)));
			}
		} else {
			strbuf_add(out, s + i, (size_t)(semi - (s + i)) + 1);
		}
		i = (size_t)(semi - s);
	}
}

char *xml_text(const char *doc, size_t len, const char *within, const char *tag)
{
	const char *end = doc + len, *p = doc, *content, *open, *close;
	struct strbuf out = STRBUF_INIT;
	size_t tl = strlen(tag);

	if (!doc)
		return NULL;
	if (within) {
		p = find_open(p, end, within, &content);
		if (!p)
			return NULL;
		p = content;
	}
	open = find_open(p, end, tag, &content);
	if (!open)
		return NULL;
	if (open == content) {		/* self-closing */
		strbuf_addstr(&out, "");
		return strbuf_detach(&out, NULL);
	}
	/* The matching close tag: "</tag>" or "</prefix:tag>". */
	for (close = content; close < end; close++) {
		const char *n;

		if (close[0] != '<' || close + 1 >= end || close[1] != '/')
			continue;
		n = close + 2;
		{
			const char *colon = memchr(n, ':', (size_t)(end - n));
			const char *gt = memchr(n, '>', (size_t)(end - n));

			if (colon && gt && colon < gt)
				n = colon + 1;
		}
		if ((size_t)(end - n) > tl && !memcmp(n, tag, tl) && n[tl] == '>')
			break;
	}
	if (close >= end)
		return NULL;
	decode_entities(&out, content, (size_t)(close - content));
	return strbuf_detach(&out, NULL);
}
