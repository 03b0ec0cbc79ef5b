/*
 * xml: just enough XML reading for AWS query-protocol and S3 answers — the
 * text of the first element with a given name, entities decoded — on
 * libexpat.  A malformed document, or one with a DOCTYPE, yields nothing.
 */
#ifndef PIPEC_XML_H
#define PIPEC_XML_H

#include <stddef.h>

/*
 * Text content of the first <tag> (with or without attributes or a namespace
 * prefix) in doc[0..len), searched from the start of the first <within>
 * element when within is not NULL.  Returns a new string (caller frees) or
 * NULL when absent, or when the document is malformed before the element
 * ends.  The text of elements nested in it is included, their markup not.
 */
char *xml_text(const char *doc, size_t len, const char *within, const char *tag);

#endif
