/*
 * cmd_fmt: `pipec fmt` — print, check, diff or rewrite .pipe files in the
 * canonical layout, or format standard input (`pipec fmt -`, for editors).
 * Files with syntax errors are reported and left alone.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fmt.h"
#include "parse.h"
#include "plan_diff.h"
#include "project.h"
#include "source.h"
#include "strbuf.h"
#include "xalloc.h"

static const char fmt_usage[] =
	"usage: pipec fmt [--check | --diff | --write] [PATH...]\n"
	"       pipec fmt [--check | --diff] [--stdin-name NAME] -\n"
	"\n"
	"Formats the .pipe files under PATH (files or directories, searched\n"
	"recursively; default: the current directory) in the canonical layout.\n"
	"Without options, prints the formatted text of every file on stdout.\n"
	"'-' formats standard input to standard output (for editors: nothing is\n"
	"printed when the text has syntax errors, and the exit status is 1).\n"
	"\n"
	"options:\n"
	"  --check      write nothing; list the files that are not formatted\n"
	"               and exit 1 if there are any\n"
	"  --diff       write nothing; print a unified diff of what formatting\n"
	"               would change, and exit 1 if it would change anything\n"
	"  --write      rewrite the files that are not formatted, in place\n"
	"  --stdin-name NAME\n"
	"               the file name diagnostics and diffs give standard input\n"
	"               (default <stdin>)\n"
	"  -h, --help   show this help\n"
	"\n"
	"A file with syntax errors is reported and left unchanged.\n"
	"Exit status: 0 success, 1 syntax errors, unformatted files (--check,\n"
	"--diff) or a file could not be written, 2 usage error.\n";

enum fmt_mode { FMT_PRINT, FMT_CHECK, FMT_DIFF, FMT_WRITE };

/* What one formatted text does in mode: prints, lists, diffs or writes it.
 * Returns 1 when it is not formatted (check, diff) or cannot be written. */
static int fmt_one(enum fmt_mode mode, const char *path, const char *text, size_t len,
		   const struct strbuf *out, struct diag_set *ds)
{
	bool same = out->len == len && !memcmp(out->buf, text, len);
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, diff = STRBUF_INIT;
	char *old;

	switch (mode) {
	case FMT_PRINT:
		fwrite(out->buf, 1, out->len, stdout);
		return 0;
	case FMT_CHECK:
		if (!same)
			printf("%s\n", path);
		return !same;
	case FMT_WRITE:
		if (!same && strbuf_write_file(out, path) < 0) {
			diag_error_file(ds, NULL, path, "cannot write file");
			return 1;
		}
		return 0;
	case FMT_DIFF:
		if (same)
			return 0;
		old = xstrndup(text, len);	/* a NUL in the text ends its diff early */
		path += path[0] == '/';	/* git's a/ and b/ before an absolute path */
		strbuf_addf(&a, "a/%s", path);
		strbuf_addf(&b, "b/%s", path);
		plan_diff_text(old, out->buf, a.buf, b.buf, &diff);
		fwrite(diff.buf, 1, diff.len, stdout);
		free(old);
		strbuf_release(&a);
		strbuf_release(&b);
		strbuf_release(&diff);
		return 1;
	}
	return 0;
}

/* pipec fmt -: standard input, parsed alone (no project). */
static int fmt_stdin(enum fmt_mode mode, const char *name)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct source src;
	struct arena a;
	struct diag_set ds;
	struct ast_file f;
	char buf[65536];
	size_t n;
	int rc = 0;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		strbuf_add(&in, buf, n);
		if (in.len > SOURCE_MAX_BYTES)
			break;
	}
	if (ferror(stdin) || in.len > SOURCE_MAX_BYTES) {
		fprintf(stderr, "pipec: error: %s: %s\n", name,
			ferror(stdin) ? strerror(errno) : "larger than 16 MiB");
		strbuf_release(&in);
		return 1;
	}
	source_from_string(&src, name, in.buf, in.len);
	arena_init(&a);
	diag_set_init(&ds);
	if (parse_file(&src, &a, &a, &ds, &f) == 0) {
		fmt_file(&f, &out);
		rc = fmt_one(mode, name, src.text, src.len, &out, &ds);
	}
	diag_render(&ds, DIAG_FORMAT_TEXT, stdout, stderr);
	if (ds.nerrors)
		rc = 1;
	diag_set_release(&ds);
	arena_release(&a);
	source_release(&src);
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}

/* Options FMT_CHECK, FMT_DIFF and FMT_WRITE set the mode; then these. */
enum { OPT_STDIN_NAME = FMT_WRITE + 1, OPT_STDIN };

static const char *const fmt_modes[] = { NULL, "--check", "--diff", "--write" };

static const struct cli_opt fmt_opts[] = {
	{ "--check", NULL, false, FMT_CHECK },
	{ "--diff", NULL, false, FMT_DIFF },
	{ "--write", NULL, false, FMT_WRITE },
	{ "--stdin-name", NULL, true, OPT_STDIN_NAME },
	{ "-", NULL, false, OPT_STDIN },	/* before "--" only: then it is a path */
};

struct fmt_args {
	enum fmt_mode mode;
	const char *stdin_name;
	bool from_stdin;
};

static int set_fmt_option(void *ctx, int id, const char *opt, const char *v)
{
	struct fmt_args *a = ctx;

	if (id == OPT_STDIN_NAME) {
		a->stdin_name = v;
	} else if (id == OPT_STDIN) {
		a->from_stdin = true;
	} else {
		if (a->mode != FMT_PRINT && a->mode != (enum fmt_mode)id)
			return cli_usage_error("fmt", "%s and %s cannot be combined",
					       fmt_modes[a->mode], opt);
		a->mode = (enum fmt_mode)id;
	}
	return 0;
}

/* Reads the options into *a and o->paths; returns -1 to go on, else the
 * exit status (help, usage error). */
static int fmt_options(int argc, char **argv, struct fmt_args *a, struct project_opts *o)
{
	struct cli_spec spec = {
		.cmd = "fmt", .usage = fmt_usage,
		.opts = fmt_opts, .nopts = sizeof(fmt_opts) / sizeof(fmt_opts[0]),
		.operands = o->paths, .noperands = &o->npaths, .set = set_fmt_option, .ctx = a,
	};
	int rc;

	if (cli_parse(&spec, argc, argv, &rc) != 0)
		return rc;
	if (a->from_stdin && o->npaths)
		return cli_usage_error("fmt", "'-' (standard input) cannot be combined with paths");
	if (a->from_stdin && a->mode == FMT_WRITE)
		return cli_usage_error("fmt", "--write rewrites files; '-' prints to standard output");
	if (!a->from_stdin && a->stdin_name)
		return cli_usage_error("fmt", "--stdin-name names standard input ('-')");
	return -1;
}

int cmd_fmt(int argc, char **argv)
{
	struct project_opts o;
	struct project p;
	struct fmt_args a = { FMT_PRINT, NULL, false };
	int rc;

	memset(&o, 0, sizeof(o));
	o.paths = xcalloc((size_t)argc, sizeof(*o.paths));
	o.parse_only = true;
	rc = fmt_options(argc, argv, &a, &o);
	if (rc >= 0 || a.from_stdin) {
		free(o.paths);
		return rc >= 0 ? rc : fmt_stdin(a.mode, a.stdin_name ? a.stdin_name : "<stdin>");
	}
	rc = 0;
	project_init(&p);
	if (project_load(&p, &o) != 0)
		rc = 1;
	for (size_t k = 0; k < p.nasts; k++) {
		const struct ast_file *f = &p.asts[k];
		struct strbuf out = STRBUF_INIT;

		if (!f->src || f->nsyntax_errors)
			continue;
		fmt_file(f, &out);
		if (fmt_one(a.mode, f->src->path, f->src->text, f->src->len, &out, &p.diags))
			rc = 1;
		strbuf_release(&out);
	}
	diag_render(&p.diags, DIAG_FORMAT_TEXT, stdout, stderr);
	if (p.diags.nerrors)
		rc = 1;
	project_release(&p);
	free(o.paths);
	return rc;
}
