/*
 * xml: the text of one element of an AWS XML answer, read with libexpat
 * (a real XML parser: entities and character references decoded, CDATA
 * read, malformed documents refused).  A document with a DOCTYPE is refused
 * outright: AWS answers never have one, and refusing it leaves no room for
 * entity expansion.
 */
#include "xml.h"

#include <expat.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

struct xml_find {
	XML_Parser parser;
	const char *within, *tag;
	bool seen_within;	/* within is NULL or its element has started */
	int depth;		/* of the element being read */
	int tag_depth;		/* of the tag's element while its text is read; 0 before */
	bool found;
	struct strbuf text;
};

/* "s3:Code" and "Code" are both Code. */
static const char *local_name(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon ? colon + 1 : name;
}

static void XMLCALL on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_find *f = arg;

	(void)attrs;
	f->depth++;
	if (f->tag_depth)
		return;		/* markup inside the element: its text only */
	if (!f->seen_within) {
		f->seen_within = !strcmp(local_name(name), f->within);
		return;
	}
	if (!strcmp(local_name(name), f->tag))
		f->tag_depth = f->depth;
}

static void XMLCALL on_end(void *arg, const XML_Char *name)
{
	struct xml_find *f = arg;

	(void)name;
	if (f->tag_depth && f->tag_depth == f->depth) {
		f->found = true;
		XML_StopParser(f->parser, XML_FALSE);
	}
	f->depth--;
}

static void XMLCALL on_text(void *arg, const XML_Char *s, int len)
{
	struct xml_find *f = arg;

	if (f->tag_depth && len > 0)
		strbuf_add(&f->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	struct xml_find *f = arg;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	XML_StopParser(f->parser, XML_FALSE);
}

char *xml_text(const char *doc, size_t len, const char *within, const char *tag)
{
	struct xml_find f;
	char *out = NULL;

	if (!doc || len > INT_MAX)
		return NULL;
	memset(&f, 0, sizeof(f));
	strbuf_init(&f.text, 0);
	f.within = within;
	f.tag = tag;
	f.seen_within = within == NULL;
	f.parser = XML_ParserCreate("UTF-8");
	if (!f.parser)
		return NULL;
	XML_SetUserData(f.parser, &f);
	XML_SetElementHandler(f.parser, on_start, on_end);
	XML_SetCharacterDataHandler(f.parser, on_text);
	XML_SetStartDoctypeDeclHandler(f.parser, on_doctype);
	XML_Parse(f.parser, doc, (int)len, XML_TRUE);
	if (f.found)
		out = strbuf_detach(&f.text, NULL);
	strbuf_release(&f.text);
	XML_ParserFree(f.parser);
	return out;
}
