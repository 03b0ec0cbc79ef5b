#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "project.h"
#include "strbuf.h"
#include "xalloc.h"

int cli_usage_verror(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "pipec: error: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	if (cmd)
		fprintf(stderr, "Run 'pipec %s --help' for usage.\n", cmd);
	else
		fprintf(stderr, "Run 'pipec --help' for usage.\n");
	return EXIT_USAGE;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cli_usage_verror(cmd, fmt, ap);
	va_end(ap);
	return rc;
}

bool cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return false;
	if (a[n] == '=') {
		*value = a + n + 1;
		return true;
	}
	if (a[n] != '\0')
		return false;
	if (*i + 1 >= argc) {
		*value = NULL;	/* caller reports the missing value */
		return true;
	}
	*value = argv[++*i];
	return true;
}

int cli_project_option(int argc, char **argv, int *i, struct project_opts *o)
{
	const char *v;

	if (!strcmp(argv[*i], "--no-catalog")) {
		o->no_catalog = true;
		return 1;
	}
	if (cli_opt_value(argc, argv, i, "--env", &v))
		o->env_name = v;
	else if (cli_opt_value(argc, argv, i, "--config", &v))
		o->config_path = v;
	else if (cli_opt_value(argc, argv, i, "--catalog", &v))
		o->catalog_path = v;
	else
		return 0;
	return v && *v ? 1 : -1;
}

int cli_aws_option(int argc, char **argv, int *i, struct aws_options *ao)
{
	const char *v;

	if (cli_opt_value(argc, argv, i, "--region", &v))
		ao->region = v;
	else if (cli_opt_value(argc, argv, i, "--profile", &v))
		ao->profile = v;
	else if (cli_opt_value(argc, argv, i, "--endpoint-url", &v))
		ao->endpoint_url = v;
	else
		return 0;
	return v && *v ? 1 : -1;
}

int cli_diag_option(const char *cmd, int argc, char **argv, int *i, enum diag_format *fmt,
		    bool *werror)
{
	const char *v;

	if (werror && !strcmp(argv[*i], "--werror")) {
		*werror = true;
		return 1;
	}
	if (!cli_opt_value(argc, argv, i, "--diagnostics-format", &v))
		return 0;
	if (!v || !*v) {
		cli_usage_error(cmd, "option '--diagnostics-format' needs a value");
		return -1;
	}
	if (diag_format_parse(v, fmt) < 0) {
		cli_usage_error(cmd, "unknown diagnostics format '%s' (text, json, github)", v);
		return -1;
	}
	return 1;
}

static int spec_usage_status(const struct cli_spec *spec)
{
	return spec->usage_status ? spec->usage_status : EXIT_USAGE;
}

/* The usage error of an option given without its value. */
static int needs_value(const struct cli_spec *spec, const char *opt)
{
	cli_usage_error(spec->cmd, "option '%.*s' needs a value", (int)strcspn(opt, "="), opt);
	return spec_usage_status(spec);
}

/* argv[*i] against the command's own options: 1 taken (or *rc set when
 * setting it failed: then 2), 0 not one of them. */
static int own_option(const struct cli_spec *spec, int argc, char **argv, int *i, int *rc)
{
	const char *s = argv[*i], *v = NULL;
	size_t k;
	int r;

	for (k = 0; k < spec->nopts; k++) {
		const struct cli_opt *o = &spec->opts[k];

		if (o->value) {
			if (!cli_opt_value(argc, argv, i, o->name, &v) &&
			    !(o->alias && cli_opt_value(argc, argv, i, o->alias, &v)))
				continue;
			if (!v || !*v) {
				*rc = needs_value(spec, s);
				return 2;
			}
		} else if (strcmp(s, o->name) && !(o->alias && !strcmp(s, o->alias))) {
			continue;
		}
		if ((r = spec->set(spec->ctx, o->id, s, v)) != 0)
			*rc = r;
		return r ? 2 : 1;
	}
	return 0;
}

/* The shared option groups: 1 taken, 0 not one of them, 2 *rc set. */
static int shared_option(const struct cli_spec *spec, int argc, char **argv, int *i, int *rc)
{
	const char *s = argv[*i];
	int r = 0;

	if (spec->po)
		r = cli_project_option(argc, argv, i, spec->po);
	if (!r && spec->ao)
		r = cli_aws_option(argc, argv, i, spec->ao);
	if (r < 0) {
		*rc = needs_value(spec, s);
		return 2;
	}
	if (!r && spec->diag &&
	    (r = cli_diag_option(spec->cmd, argc, argv, i, spec->diag, spec->werror)) < 0) {
		*rc = spec_usage_status(spec);
		return 2;
	}
	return r;
}

void cli_operands(struct cli_spec *spec, int argc, const char ***operands, size_t *n)
{
	*operands = xcalloc((size_t)argc, sizeof(**operands));
	spec->operands = *operands;
	spec->noperands = n;
}

/* One operand into spec->operands, or through set: 0, or 2 with *rc set. */
static int operand(const struct cli_spec *spec, const char *s, int *rc)
{
	int r;

	if (spec->operands) {
		spec->operands[(*spec->noperands)++] = s;
		return 0;
	}
	if ((r = spec->set(spec->ctx, CLI_OPERAND, NULL, s)) != 0)
		*rc = r;
	return r ? 2 : 0;
}

int cli_parse(const struct cli_spec *spec, int argc, char **argv, int *rc)
{
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			fputs(spec->usage, stdout);
			*rc = 0;
			return -1;
		}
		if (!strcmp(s, "--")) {
			while (++i < argc)
				if (operand(spec, argv[i], rc))
					return -1;
			break;
		}
		if ((r = shared_option(spec, argc, argv, &i, rc)) == 0)
			r = own_option(spec, argc, argv, &i, rc);
		if (r == 2)
			return -1;
		if (r == 1)
			continue;
		if (s[0] == '-' && s[1]) {
			cli_usage_error(spec->cmd, "unknown option '%s'", s);
			*rc = spec_usage_status(spec);
			return -1;
		}
		if (operand(spec, s, rc))
			return -1;
	}
	return 0;
}

int cli_subcommand(const char *cmd, const char *usage, const struct cli_sub *subs, size_t nsubs,
		   int argc, char **argv)
{
	struct strbuf names = STRBUF_INIT;
	size_t k;
	int rc;

	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	for (k = 0; k < nsubs; k++)
		if (!strcmp(argv[1], subs[k].name))
			return subs[k].run(argc - 1, argv + 1);
	for (k = 0; k < nsubs; k++)
		strbuf_addf(&names, "%s%s", k ? ", " : "", subs[k].name);
	rc = cli_usage_error(cmd, "unknown %s command '%s' (%s)", cmd, argv[1], names.buf);
	strbuf_release(&names);
	return rc;
}

void cli_summary(const struct project *p, const struct project_opts *o, const char *fmt, ...)
{
	const char *cat = o->no_catalog ? NULL : o->catalog_path ? o->catalog_path
								  : p->model.env.catalog_path;
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (environment %s, %s%s)\n",
		p->model.env.name ? p->model.env.name : "none", cat ? "catalog " : "no catalog snapshot",
		cat ? cat : "");
}
