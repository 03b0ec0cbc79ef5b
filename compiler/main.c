/*
 * main: the pipec command line — global options and subcommand dispatch.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

#ifndef PIPEC_VERSION
#define PIPEC_VERSION "0.0.0"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "start a project: pipec.yaml, a catalog snapshot, an example" },
	{ "check", cmd_check, "parse and check pipelines; report every mistake" },
	{ "build", cmd_build, "check, then write the Glue artifacts of every pipeline" },
	{ "graph", cmd_graph, "draw the pipelines, their sources and tables (mermaid, dot, json)" },
	{ "fmt", cmd_fmt, "print .pipe files in canonical layout" },
	{ "plan", cmd_plan, "show what a deploy would change" },
	{ "deploy", cmd_deploy, "apply the plan to AWS" },
	{ "validate", cmd_validate, "run the validation checks against the deployed tables" },
	{ "run", cmd_run, "start deployed jobs; --follow watches them and their logs" },
	{ "status", cmd_status, "show the last runs, triggers and data quality of each job" },
	{ "catalog", cmd_catalog, "work with Glue Data Catalog snapshots" },
	{ "iam-policy", cmd_iam, "print the IAM policies of the deployer, job, validator and operator" },
	{ "debug", cmd_debug, "low-level tools: sign a raw request, call an API" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: pipec <command> [options] [PATH...]\n\n"
		     "pipec compiles .pipe pipeline definitions into AWS Glue 5.1 jobs.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'pipec help <command>' or 'pipec <command> --help' for the options of a\n"
		     "command.\n"
		     "Exit status: 0 success, 1 errors found or operation failed, 2 usage error\n"
		     "(plan: 0 no changes, 2 changes, 1 error).\n");
}

/* Output that did not reach stdout (a full disk, a closed pipe) is a
 * failure of the command, whatever it printed before. */
static int finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pipec: error: cannot write standard output: %s\n",
			strerror(errno));
		return status ? status : 1;
	}
	return status;
}

/* The command named name, or NULL. */
static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* "unknown command 'x'", with the closest command's name when there is one. */
static int unknown_command(const char *name)
{
	const char *names[sizeof(commands) / sizeof(commands[0])];
	const char *near;
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		names[i] = commands[i].name;
	near = diag_closest(name, names, i);
	if (near)
		return cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, near);
	return cli_usage_error(NULL, "unknown command '%s'", name);
}

/* pipec help [COMMAND [SUBCOMMAND]]: the command's own --help. */
static int help(int argc, char **argv)
{
	static char help_flag[] = "--help";
	const struct command *c;
	char *args[4];
	int n = 0;

	if (argc < 3) {
		usage(stdout);
		return 0;
	}
	if (!(c = find_command(argv[2])))
		return unknown_command(argv[2]);
	if (argc > 4)
		return cli_usage_error(NULL, "help takes a command and at most one subcommand");
	args[n++] = argv[2];
	if (argc == 4)
		args[n++] = argv[3];
	args[n++] = help_flag;
	args[n] = NULL;
	return c->fn(n, args);
}

int main(int argc, char **argv)
{
	const struct command *c;

	/*
	 * Line-buffered stdout even into a file or pipe: a CI job killed mid-way
	 * still shows every deploy progress line that was printed.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return finish(help(1, argv));
	if (!strcmp(argv[1], "help"))
		return finish(help(argc, argv));
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("pipec %s\n", PIPEC_VERSION);
		return finish(0);
	}
	if ((c = find_command(argv[1])))
		return finish(c->fn(argc - 1, argv + 1));
	return unknown_command(argv[1]);
}
