/*
 * jsonw: the text of a jansson value, appended to a strbuf — the bytes
 * json_dumps gives with JSON_SORT_KEYS (and JSON_ENCODE_ANY), written
 * without its intermediate string and at a depth of the caller's.  The
 * artifacts of a build (job.json, the manifest, the schema lines of
 * job.py) are dumped thousands of times; jansson's dump allocated the
 * text, the sorted keys and the callback buffer each time.
 *
 * flags: JSON_INDENT(n), JSON_COMPACT and JSON_ENSURE_ASCII as json_dumps
 * reads them; keys are always sorted (byte order).  A real number is
 * written by json_dumps itself.  depth: the indentation level of the value
 * (with JSON_INDENT(n), every line after the first starts with n * depth
 * more spaces, as if the value were nested that deep).
 */
#ifndef PIPEC_JSONW_H
#define PIPEC_JSONW_H

#include <jansson.h>

#include "strbuf.h"

void jsonw_dump(struct strbuf *out, const json_t *j, size_t flags, int depth);

#endif
