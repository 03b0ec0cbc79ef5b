/*
 * cli: the subcommands of pipec and the small helpers they share.
 * Each cmd_* function receives argv with argv[0] = the subcommand name and
 * returns the process exit status (see docs/cli.md: 0 ok, 1 errors in the
 * user's input or a failed operation, 2 usage; plan: 2 = changes).
 */
#ifndef PIPEC_CLI_H
#define PIPEC_CLI_H

#include <stdarg.h>
#include <stdbool.h>

#include "diag.h"

#define EXIT_USAGE 2

int cmd_init(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_deploy(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_iam(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* Prints "pipec: error: <msg>" (plus a hint to run --help) and returns EXIT_USAGE. */
struct project;
struct project_opts;
/* The line check and build end with on success, on stderr: fmt's text,
 * then " (environment ENV, catalog PATH)" (or "no catalog snapshot"). */
void cli_summary(const struct project *p, const struct project_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_usage_verror(const char *cmd, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Matches "--name=value" or "--name value" at argv[*i]; advances *i and sets *value. */
bool cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value);

struct project_opts;
/* The options of every command that loads a project: --env, --config,
 * --catalog and --no-catalog.  Returns 1 when argv[*i] is one of them
 * (then *i is past its value), 0 when it is not, -1 when its value is
 * missing (the caller reports the usage error). */
int cli_project_option(int argc, char **argv, int *i, struct project_opts *o);

/* The help lines of those options, as plan, deploy, run, status and
 * validate print them. */
#define CLI_PROJECT_OPTIONS_HELP \
	"  --env NAME           environment of pipec.yaml (default: its default)\n" \
	"  --config FILE        project file (default: the nearest pipec.yaml)\n" \
	"  --catalog FILE       catalog snapshot to check against\n" \
	"  --no-catalog         skip the catalog checks\n"

/* The help lines of cli_aws_option's options and of --verbose (each
 * command's own), as plan, deploy, run, status and validate print them. */
#define CLI_AWS_OPTIONS_HELP \
	"  --region NAME        AWS region (default: the environment's)\n" \
	"  --profile NAME       AWS profile for credentials\n" \
	"  --endpoint-url URL   send every AWS call to this endpoint\n" \
	"  --verbose            trace AWS requests on stderr (secrets redacted)\n"

/* --diagnostics-format F and (when werror is not NULL) --werror.  Returns 1
 * when argv[*i] is one of them, 0 when it is not, -1 after reporting a
 * missing or unknown format as a usage error of cmd. */
int cli_diag_option(const char *cmd, int argc, char **argv, int *i, enum diag_format *fmt,
		    bool *werror);

/* One option of a command's own: NAME ("--prune"), a second spelling
 * ALIAS ("-q", or NULL), whether it takes a value ("--out FILE" or
 * "--out=FILE"), and the ID the command's setter receives. */
struct cli_opt {
	const char *name, *alias;
	bool value;
	int id;
};

struct aws_options;
/* A command's command line: what cli_parse accepts and where it goes. */
struct cli_spec {
	const char *cmd;		/* the subcommand, for usage errors */
	const char *usage;		/* printed on stdout by --help and -h */
	int usage_status;		/* exit status of a usage error (0: EXIT_USAGE) */
	const struct cli_opt *opts;	/* the command's own options */
	size_t nopts;
	struct project_opts *po;	/* NULL: no --env, --config, --catalog, --no-catalog */
	struct aws_options *ao;		/* NULL: no --region, --profile, --endpoint-url */
	enum diag_format *diag;		/* NULL: no --diagnostics-format */
	bool *werror;			/* NULL: no --werror (needs diag) */
	const char **operands;		/* room for argc entries: the other words */
	size_t *noperands;		/* (operands NULL: each goes to set instead) */
	/* Sets option ID (spelled OPT on the command line) to VALUE (NULL for
	 * an option without one), or takes operand VALUE when ID is
	 * CLI_OPERAND (OPT NULL); returns 0, or the exit status of the usage
	 * error it reported. */
	int (*set)(void *ctx, int id, const char *opt, const char *value);
	void *ctx;
};

/* The ID set receives an operand with, when spec->operands is NULL. */
#define CLI_OPERAND (-1)

/* Gives spec room for the operands of argc words: a new array in
 * *operands (the caller frees it), their count in *n. */
void cli_operands(struct cli_spec *spec, int argc, const char ***operands, size_t *n);

/* Walks argv[1..argc-1] by spec: --help, "--" (every later word is an
 * operand), the shared option groups the spec names, the command's own
 * options, operands.  An unknown option, or one without its value, is a
 * usage error.  Returns 0 to go on (*rc untouched), or -1 when the
 * command ends here with exit status *rc (--help: 0). */
int cli_parse(const struct cli_spec *spec, int argc, char **argv, int *rc);

/* One subcommand of a command with several (catalog check, debug sign). */
struct cli_sub {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] = the subcommand */
};

/* Runs the subcommand argv[1] of cmd with argv + 1.  Without one, prints
 * usage on stderr (exit status EXIT_USAGE); --help, -h and help print it
 * on stdout (0); an unknown one is a usage error that lists subs. */
int cli_subcommand(const char *cmd, const char *usage, const struct cli_sub *subs, size_t nsubs,
		   int argc, char **argv);

struct aws_options;
/* The same for the options of every command that calls AWS: --region,
 * --profile and --endpoint-url (the strings stay in argv). */
int cli_aws_option(int argc, char **argv, int *i, struct aws_options *ao);

#endif
