#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "project.h"

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
