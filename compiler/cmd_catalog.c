/*
 * cmd_catalog: `pipec catalog` — validate a catalog snapshot, print it in
 * canonical form, and pull a fresh one from the live Glue Data Catalog.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "diag.h"
#include "source.h"
#include "strbuf.h"
#include "xalloc.h"

static const char catalog_usage[] =
	"usage: pipec catalog <command> [options]\n"
	"\n"
	"Works with Glue Data Catalog snapshots: the YAML files (docs/catalog.md)\n"
	"that `pipec check` compares pipelines against, without credentials.\n"
	"\n"
	"commands:\n"
	"  check FILE...            validate snapshot files; report every mistake\n"
	"  fmt [--check] [-o OUT] FILE\n"
	"                           print a snapshot in canonical form (sorted by\n"
	"                           name); --check: exit 1 when FILE is not canonical\n"
	"  pull -o FILE [options]   write a snapshot of the live catalog\n"
	"\n"
	"options of pull:\n"
	"  -o, --output FILE        the snapshot to write (required)\n"
	"  --database NAME          pull only this Glue database (repeatable;\n"
	"                           default: every database)\n"
	"  --table-bucket NAME      also pull this S3 table bucket's namespaces and\n"
	"                           tables, through the s3tablescatalog federated\n"
	"                           catalog (repeatable)\n"
	"  --account ID             account of the table buckets (default: the\n"
	"                           caller's, from STS)\n"
	"  --region REGION          AWS region (default: AWS_REGION, the profile)\n"
	"  --profile NAME           credentials profile\n"
	"  --endpoint-url URL       send every call to URL (a local endpoint)\n"
	"\n"
	"common options:\n"
	"  --diagnostics-format F   text (default, on stderr), json or github (on stdout)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit status: 0 success, 1 errors found or the pull failed, 2 usage error.\n";

/* Loads path into a new source; reports unreadable files to ds. */
static struct source *load_source(struct diag_set *ds, const char *path)
{
	struct source *src = xcalloc(1, sizeof(*src));

	if (source_load_file(src, path) < 0) {
		diag_error_file(ds, NULL, path, "cannot read catalog snapshot: %s", strerror(errno));
		free(src);
		return NULL;
	}
	return src;
}

static void free_source(struct source *src)
{
	if (src) {
		source_release(src);
		free(src);
	}
}

struct catalog_args {
	enum diag_format fmt;
	const char **files;
	size_t nfiles;
	const char *output;
	bool check;
};

/* Parses the options shared by check and fmt; returns -1 after a usage error. */
static int parse_args(int argc, char **argv, const char *cmd, bool allow_output,
		      struct catalog_args *a, int *rc)
{
	const char *v;
	int i;

	memset(a, 0, sizeof(*a));
	a->files = xcalloc((size_t)argc + 1, sizeof(*a->files));
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			fputs(catalog_usage, stdout);
			*rc = 0;
			return -1;
		}
		if (cli_opt_value(argc, argv, &i, "--diagnostics-format", &v)) {
			if (!v || diag_format_parse(v, &a->fmt) < 0) {
				*rc = cli_usage_error(cmd, "--diagnostics-format needs text, json or github");
				return -1;
			}
		} else if (allow_output && (cli_opt_value(argc, argv, &i, "-o", &v) ||
					    cli_opt_value(argc, argv, &i, "--output", &v))) {
			if (!v || !*v) {
				*rc = cli_usage_error(cmd, "option '%s' needs a value", s);
				return -1;
			}
			a->output = v;
		} else if (allow_output && !strcmp(s, "--check")) {
			a->check = true;
		} else if (s[0] == '-' && s[1]) {
			*rc = cli_usage_error(cmd, "unknown option '%s'", s);
			return -1;
		} else {
			a->files[a->nfiles++] = s;
		}
	}
	return 0;
}

static int catalog_check_cmd(int argc, char **argv)
{
	struct catalog_args a;
	struct diag_set ds;
	struct source **srcs;
	size_t i;
	int rc = 0;

	if (parse_args(argc, argv, "catalog", false, &a, &rc) < 0) {
		free(a.files);
		return rc;
	}
	if (!a.nfiles) {
		free(a.files);
		return cli_usage_error("catalog", "catalog check needs a snapshot FILE");
	}
	diag_set_init(&ds);
	srcs = xcalloc(a.nfiles, sizeof(*srcs));
	for (i = 0; i < a.nfiles; i++) {
		struct catalog c;
		srcs[i] = load_source(&ds, a.files[i]);
		if (!srcs[i])
			continue;
		srcs[i]->index = (int)i;
		catalog_init(&c);
		catalog_load(&c, srcs[i], &ds);
		catalog_release(&c);
	}
	diag_render(&ds, a.fmt, stdout, stderr);
	rc = ds.nerrors ? 1 : 0;
	diag_set_release(&ds);
	for (i = 0; i < a.nfiles; i++)
		free_source(srcs[i]);
	free(srcs);
	free(a.files);
	return rc;
}

static int catalog_fmt_cmd(int argc, char **argv)
{
	struct catalog_args a;
	struct diag_set ds;
	struct source *src;
	struct catalog c;
	struct strbuf out = STRBUF_INIT;
	int rc = 0;

	if (parse_args(argc, argv, "catalog", true, &a, &rc) < 0) {
		free(a.files);
		return rc;
	}
	if (a.nfiles != 1) {
		free(a.files);
		return cli_usage_error("catalog", "catalog fmt needs exactly one snapshot FILE");
	}
	diag_set_init(&ds);
	catalog_init(&c);
	src = load_source(&ds, a.files[0]);
	if (src && catalog_load(&c, src, &ds) == 0) {
		catalog_save(&c, &out);
		if (a.check) {
			if (out.len != src->len || memcmp(out.buf, src->text, out.len)) {
				fprintf(stderr, "%s: not in canonical form (run 'pipec catalog fmt -o %s %s')\n",
					src->path, src->path, src->path);
				rc = 1;
			}
		} else if (a.output) {
			if (strbuf_write_file(&out, a.output) < 0) {
				fprintf(stderr, "pipec: error: cannot write '%s': %s\n", a.output,
					strerror(errno));
				rc = 1;
			}
		} else {
			fwrite(out.buf, 1, out.len, stdout);
		}
	}
	diag_render(&ds, a.fmt, stdout, stderr);
	if (ds.nerrors)
		rc = 1;
	strbuf_release(&out);
	catalog_release(&c);
	diag_set_release(&ds);
	free_source(src);
	free(a.files);
	return rc;
}

int cmd_catalog(int argc, char **argv)
{
	if (argc < 2) {
		fputs(catalog_usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(catalog_usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "check"))
		return catalog_check_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fmt"))
		return catalog_fmt_cmd(argc - 1, argv + 1);
	return cli_usage_error("catalog", "unknown catalog command '%s' (check, fmt, pull)", argv[1]);
}
