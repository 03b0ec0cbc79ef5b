/*
 * libFuzzer target for the catalog snapshot loader: any input must load
 * and have its diagnostics rendered without a crash or a leak, and a
 * snapshot that loads cleanly (warnings of catalog_lint aside) must survive
 * save → load → save unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "diag.h"
#include "source.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void save_of(const char *text, size_t len, struct strbuf *out, size_t *nerrors)
{
	struct source src;
	struct catalog c;
	struct diag_set ds;

	source_from_string(&src, "fuzz.yaml", text, len);
	catalog_init(&c);
	diag_set_init(&ds);
	if (catalog_load(&c, &src, &ds) == 0) {
		catalog_lint(&c, &ds);
		catalog_save(&c, out);
	}
	*nerrors = ds.nerrors;
	diag_render(&ds, DIAG_FORMAT_TEXT, sink, sink);
	diag_set_release(&ds);
	catalog_release(&c);
	source_release(&src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	size_t e1, e2, e3;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	save_of((const char *)data, size, &a, &e1);
	if (!e1) {
		save_of(a.buf, a.len, &b, &e2);
		if (e2)
			abort();	/* the saver wrote something the loader refuses */
		save_of(b.buf, b.len, &c, &e3);
		if (e3 || b.len != c.len || memcmp(b.buf, c.buf, b.len))
			abort();	/* the canonical form is not a fixed point */
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	return 0;
}
