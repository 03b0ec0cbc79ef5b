/*
 * cmd_fmt: `pipec fmt` — print, check or rewrite .pipe files in the
 * canonical layout.  Files with syntax errors are reported and left alone.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "project.h"
#include "strbuf.h"
#include "xalloc.h"

static const char fmt_usage[] =
	"usage: pipec fmt [--check | --write] [PATH...]\n"
	"\n"
	"Formats the .pipe files under PATH (files or directories, searched\n"
	"recursively; default: the current directory) in the canonical layout.\n"
	"Without options, prints the formatted text of every file on stdout.\n"
	"\n"
	"options:\n"
	"  --check      write nothing; list the files that are not formatted\n"
	"               and exit 1 if there are any\n"
	"  --write      rewrite the files that are not formatted, in place\n"
	"  -h, --help   show this help\n"
	"\n"
	"A file with syntax errors is reported and left unchanged.\n"
	"Exit status: 0 success, 1 syntax errors or unformatted files (--check)\n"
	"or a file could not be written, 2 usage error.\n";

int cmd_fmt(int argc, char **argv)
{
	struct project_opts o;
	struct project p;
	bool check = false, write = false, dashdash = false;
	int i, rc = 0;

	memset(&o, 0, sizeof(o));
	o.paths = xcalloc((size_t)argc, sizeof(*o.paths));
	o.parse_only = true;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!dashdash && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			fputs(fmt_usage, stdout);
			free(o.paths);
			return 0;
		} else if (!dashdash && !strcmp(a, "--")) {
			dashdash = true;
		} else if (!dashdash && !strcmp(a, "--check")) {
			check = true;
		} else if (!dashdash && !strcmp(a, "--write")) {
			write = true;
		} else if (!dashdash && a[0] == '-' && a[1]) {
			free(o.paths);
			return cli_usage_error("fmt", "unknown option '%s'", a);
		} else {
			o.paths[o.npaths++] = a;
		}
	}
	if (check && write) {
		free(o.paths);
		return cli_usage_error("fmt", "--check and --write cannot be combined");
	}

	project_init(&p);
	if (project_load(&p, &o) != 0)
		rc = 1;
	for (size_t k = 0; k < p.nasts; k++) {
		const struct ast_file *f = &p.asts[k];
		struct strbuf out = STRBUF_INIT;
		bool same;

		if (!f->src || f->nsyntax_errors)
			continue;
		fmt_file(f, &out);
		same = out.len == f->src->len && !memcmp(out.buf, f->src->text, out.len);
		if (check) {
			if (!same) {
				printf("%s\n", f->src->path);
				rc = 1;
			}
		} else if (write) {
			if (!same && strbuf_write_file(&out, f->src->path) < 0) {
				diag_error_file(&p.diags, NULL, f->src->path, "cannot write file");
				rc = 1;
			}
		} else {
			fwrite(out.buf, 1, out.len, stdout);
		}
		strbuf_release(&out);
	}
	diag_render(&p.diags, DIAG_FORMAT_TEXT, stdout, stderr);
	if (p.diags.nerrors)
		rc = 1;
	project_release(&p);
	free(o.paths);
	return rc;
}
