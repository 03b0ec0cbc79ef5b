/*
 * libFuzzer target for the front end: any bytes must parse without a crash,
 * a hang or a leak; a file that parses cleanly must format to text that
 * parses cleanly again and formats to itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fmt.h"
#include "parse.h"
#include "source.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses text; on success appends its canonical form to out.  Returns the
 * number of syntax errors. */
static size_t format_of(const char *text, size_t len, struct strbuf *out)
{
	struct source src;
	struct arena a;
	struct diag_set ds;
	struct ast_file f;
	struct strbuf dump = STRBUF_INIT;
	size_t n;

	source_from_string(&src, "fuzz.pipe", text, len);
	arena_init(&a);
	diag_set_init(&ds);
	n = parse_file(&src, &a, &ds, &f);
	ast_dump(&f, &dump);
	if (n == 0)
		fmt_file(&f, out);
	strbuf_release(&dump);
	diag_set_release(&ds);
	arena_release(&a);
	source_release(&src);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;

	if (format_of((const char *)data, size, &once) == 0) {
		if (format_of(once.buf, once.len, &twice) != 0)
			abort();	/* fmt wrote something that does not parse */
		if (once.len != twice.len || memcmp(once.buf, twice.buf, once.len) != 0)
			abort();	/* fmt is not idempotent */
	}
	strbuf_release(&once);
	strbuf_release(&twice);
	return 0;
}
