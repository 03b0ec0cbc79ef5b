/*
 * libFuzzer target for the front end: any bytes must parse without a crash,
 * a hang or a leak; a file that parses cleanly must format to text that
 * parses cleanly again, into the same syntax tree (spans and file name
 * aside), and formats to itself.  The scanner's token list (parse_tokens,
 * `pipec debug tokens`) is in order, inside the text, without overlaps.
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

/* The tree dump without its spans (" @12..34") and its "file" line. */
static void strip_spans(const struct strbuf *dump, struct strbuf *out)
{
	const char *p = dump->buf, *end = dump->buf + dump->len;

	if (!strncmp(p, "file ", 5))
		while (p < end && *p++ != '\n')
			;
	while (p < end) {
		if (p[0] == ' ' && p + 1 < end && p[1] == '@') {
			const char *q = p + 2;

			while (q < end && ((*q >= '0' && *q <= '9') || *q == '.'))
				q++;
			p = q;
			continue;
		}
		strbuf_addch(out, *p++);
	}
}

/* Parses text; on success appends its canonical form to out and its tree
 * (without spans) to tree.  Returns the number of syntax errors. */
static size_t format_of(const char *text, size_t len, struct strbuf *out, struct strbuf *tree)
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
	n = parse_file(&src, &a, &a, &ds, &f);
	ast_dump(&f, &dump);
	if (n == 0) {
		fmt_file(&f, out);
		strip_spans(&dump, tree);
	}
	strbuf_release(&dump);
	diag_set_release(&ds);
	arena_release(&a);
	source_release(&src);
	return n;
}

struct token_walk {
	size_t len, end;
};

static void check_token(void *arg, enum parse_token_kind kind, struct span at)
{
	struct token_walk *w = arg;

	(void)parse_token_kind_name(kind);
	if (at.start < w->end || at.end <= at.start || at.end > w->len)
		abort();	/* out of order, empty, overlapping or past the end */
	w->end = at.end;
}

static void tokens_of(const char *text, size_t len)
{
	struct source src;
	struct diag_set ds;
	struct token_walk w = { len, 0 };

	source_from_string(&src, "fuzz.pipe", text, len);
	diag_set_init(&ds);
	parse_tokens(&src, &ds, check_token, &w);
	diag_set_release(&ds);
	source_release(&src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
	struct strbuf tree = STRBUF_INIT, tree2 = STRBUF_INIT;

	tokens_of((const char *)data, size);
	if (format_of((const char *)data, size, &once, &tree) == 0) {
		if (format_of(once.buf, once.len, &twice, &tree2) != 0)
			abort();	/* fmt wrote something that does not parse */
		if (tree.len != tree2.len || memcmp(tree.buf, tree2.buf, tree.len) != 0)
			abort();	/* fmt changed what the file says */
		if (once.len != twice.len || memcmp(once.buf, twice.buf, once.len) != 0)
			abort();	/* fmt is not idempotent */
	}
	strbuf_release(&once);
	strbuf_release(&twice);
	strbuf_release(&tree);
	strbuf_release(&tree2);
	return 0;
}
