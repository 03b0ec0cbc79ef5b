#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
