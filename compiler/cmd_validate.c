/*
 * cmd_validate: `pipec validate` — run the checks of validate.sql against
 * the deployed tables (Athena, or the Redshift Data API for Redshift
 * targets) and report each check's result (validate_run.h).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws.h"
#include "emit.h"
#include "project.h"
#include "strbuf.h"
#include "validate_run.h"
#include "xalloc.h"

static const char validate_usage[] =
	"usage: pipec validate [options] [NAME...]\n"
	"\n"
	"Runs the checks of validate.sql of the pipelines NAME (default: every\n"
	"pipeline of the project) against their deployed tables: on Athena (the\n"
	"environment's 'athena:' settings in pipec.yaml) for S3 Tables, Iceberg and\n"
	"Parquet targets, through the Redshift Data API (its 'redshift:' settings)\n"
	"for Redshift targets.  Reports each check: PASS, FAIL or ERROR, the values\n"
	"it judged and the query id.\n"
	"\n"
	"options:\n"
	CLI_PROJECT_OPTIONS_HELP
	"  --format F           text (default) or json (versioned, see docs/cli.md)\n"
	CLI_AWS_OPTIONS_HELP
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 every check passed, 1 a check failed, a query failed or\n"
	"another error, 2 usage error.\n";

struct validate_args {
	struct project_opts po;
	struct aws_options ao;
	const char **names;
	size_t nnames;
	bool json, verbose;
};

enum { OPT_FORMAT, OPT_VERBOSE };

static const struct cli_opt validate_opts[] = {
	{ "--format", NULL, true, OPT_FORMAT },
	{ "--verbose", NULL, false, OPT_VERBOSE },
};

static int set_validate_option(void *ctx, int id, const char *opt, const char *v)
{
	struct validate_args *a = ctx;

	(void)opt;
	if (id == OPT_VERBOSE)
		a->verbose = true;
	else if (!strcmp(v, "json") || !strcmp(v, "text"))
		a->json = !strcmp(v, "json");
	else
		return cli_usage_error("validate", "--format takes text or json, not '%s'", v);
	return 0;
}

/* Parses argv; returns -1 to go on, else the exit status. */
static int validate_args(int argc, char **argv, struct validate_args *a)
{
	const struct aws_options ao_init = AWS_OPTIONS_INIT;
	struct cli_spec spec = {
		.cmd = "validate", .usage = validate_usage,
		.opts = validate_opts, .nopts = sizeof(validate_opts) / sizeof(validate_opts[0]),
		.po = &a->po, .ao = &a->ao, .operands = a->names, .noperands = &a->nnames,
		.set = set_validate_option, .ctx = a,
	};
	int rc;

	a->ao = ao_init;
	return cli_parse(&spec, argc, argv, &rc) == 0 ? -1 : rc;
}

/* The pipelines to validate, in the order named (every one when none is
 * named).  Returns -1 on an unknown name (reported as a usage error). */
static int select_pipelines(const struct model_project *m, const struct validate_args *a,
			    const struct model_pipeline **out, size_t *n)
{
	const char **cands = xcalloc(m->npipelines + 1, sizeof(*cands));
	size_t i, k;
	int rc = 0;

	*n = 0;
	for (k = 0; k < m->npipelines; k++)
		cands[k] = m->pipelines[k].name;
	if (!a->nnames)
		for (k = 0; k < m->npipelines; k++)
			out[(*n)++] = &m->pipelines[k];
	for (i = 0; i < a->nnames && rc == 0; i++) {
		for (k = 0; k < m->npipelines; k++)
			if (!strcmp(m->pipelines[k].name, a->names[i]))
				break;
		if (k < m->npipelines) {
			out[(*n)++] = &m->pipelines[k];
			continue;
		}
		{
			const char *close = diag_closest(a->names[i], cands, m->npipelines);

			fprintf(stderr, "pipec: error: no pipeline named '%s' in the project\n",
				a->names[i]);
			if (close)
				fprintf(stderr, "help: did you mean '%s'?\n", close);
			else
				fprintf(stderr, "help: run 'pipec check --dump-model' to list the "
						"pipelines\n");
		}
		rc = -1;
	}
	free(cands);
	return rc;
}

/* "FILE:LINE:COL" (and pos) and the rule's text (blanks collapsed) of
 * check c; where stays empty for a check without a rule. */
static void rule_where(const struct model_pipeline *p, const struct emit_check *c,
		       struct strbuf *where, struct strbuf *text, struct source_pos *pos)
{
	const struct model_rule *r = c->rule;
	uint32_t i;
	bool blank = false;

	if (!r || !p->src || r->span.end <= r->span.start || r->span.end > p->src->len)
		return;
	*pos = source_pos_of(p->src, r->span.start);
	strbuf_addf(where, "%s:%zu:%zu", p->file, pos->line, pos->col);
	for (i = r->span.start; i < r->span.end; i++) {
		unsigned char ch = (unsigned char)p->src->text[i];

		if (ch <= ' ') {
			blank = true;
			continue;
		}
		if (blank && text->len)
			strbuf_addch(text, ' ');
		blank = false;
		strbuf_addch(text, (char)ch);
	}
}

struct tally {
	size_t pass, fail, error;
};

static void tally_add(struct tally *t, enum validate_status s)
{
	if (s == VALIDATE_PASS)
		t->pass++;
	else if (s == VALIDATE_FAIL)
		t->fail++;
	else
		t->error++;
}

static void print_check(const struct model_pipeline *p, const struct emit_check *c,
			const struct validate_result *r)
{
	static const char *const words[] = { "PASS", "FAIL", "ERROR" };
	struct strbuf where = STRBUF_INIT, text = STRBUF_INIT;
	struct source_pos pos;
	size_t i;

	printf("  %-5s  %s: %s", words[r->status], c->name,
	       r->status == VALIDATE_ERROR ? r->error : r->observed ? r->observed : "");
	if (r->query_id)
		printf(" (query %s)", r->query_id);
	putchar('\n');
	rule_where(p, c, &where, &text, &pos);
	if (r->status != VALIDATE_PASS && where.len)
		printf("         rule at %s: %s\n", where.buf, text.buf);
	if (c->judge == EMIT_JUDGE_INFO && r->rows && !strcmp(c->name, "sample"))
		for (i = 0; i < json_array_size(r->rows); i++) {
			const json_t *row = json_array_get(r->rows, i), *v;
			size_t k;

			fputs("         ", stdout);
			json_array_foreach(row, k, v) {
				const char *name = json_string_value(json_array_get(r->columns, k));

				printf("%s%s=%s", k ? ", " : "", name ? name : "?",
				       json_is_string(v) ? json_string_value(v) : "NULL");
			}
			putchar('\n');
		}
	strbuf_release(&where);
	strbuf_release(&text);
}

static json_t *check_json(const struct model_pipeline *p, const struct emit_check *c,
			  const struct validate_result *r)
{
	struct strbuf where = STRBUF_INIT, text = STRBUF_INIT;
	struct source_pos pos = { 0, 0 };
	json_t *o = json_pack("{s:s, s:s, s:s, s:s?}", "name", c->name, "status",
			      validate_status_name(r->status), "judge", emit_judge_name(c->judge),
			      "sql", c->sql);

	rule_where(p, c, &where, &text, &pos);
	json_object_set_new(o, "rule", where.len ? json_pack("{s:s, s:I, s:I, s:s}", "file",
							     p->file, "line", (json_int_t)pos.line,
							     "column", (json_int_t)pos.col,
							     "text", text.buf)
						 : json_null());
	json_object_set_new(o, "query_id", r->query_id ? json_string(r->query_id) : json_null());
	json_object_set_new(o, "observed", r->observed ? json_string(r->observed) : json_null());
	json_object_set_new(o, "error", r->error ? json_string(r->error) : json_null());
	json_object_set_new(o, "columns", r->columns ? json_incref(r->columns) : json_array());
	json_object_set_new(o, "rows", r->rows ? json_incref(r->rows) : json_array());
	strbuf_release(&where);
	strbuf_release(&text);
	return o;
}

/* Runs every check of p; prints them (text) or adds them to doc (json). */
static void validate_pipeline(struct validate_engine *e, const struct model_pipeline *p,
			      json_t *pipes, struct tally *t)
{
	struct emit_checks cs;
	json_t *checks = json_array();
	size_t i;

	emit_checks_make(p, &cs);
	if (!pipes)
		printf("pipeline '%s': %s, table %s\n", p->name, cs.redshift ? "Redshift" : "Athena",
		       cs.table);
	for (i = 0; i < cs.n; i++) {
		struct validate_result r;

		if (!cs.v[i].sql)
			continue;
		validate_run_check(e, p, &cs.v[i], &r);
		tally_add(t, r.status);
		if (pipes)
			json_array_append_new(checks, check_json(p, &cs.v[i], &r));
		else
			print_check(p, &cs.v[i], &r);
		fflush(stdout);
		validate_result_release(&r);
	}
	if (pipes)
		json_array_append_new(pipes, json_pack("{s:s, s:s, s:s, s:o}", "pipeline", p->name,
						       "engine", cs.redshift ? "redshift" : "athena",
						       "table", cs.table, "checks", checks));
	else
		json_decref(checks);
	emit_checks_release(&cs);
}

/* Runs the selected pipelines' checks; returns the exit status. */
static int validate_all(struct validate_args *a, const struct model_project *m,
			const struct model_pipeline **sel, size_t nsel)
{
	struct validate_engine e;
	struct aws_client *client;
	struct tally t = { 0, 0, 0 };
	json_t *pipes = a->json ? json_array() : NULL;
	size_t i;

	if (!a->ao.region)
		a->ao.region = m->env.region;
	a->ao.trace = a->verbose ? stderr : NULL;
	client = aws_client_new(&a->ao);
	validate_engine_init(&e, client, &m->env);
	for (i = 0; i < nsel; i++)
		validate_pipeline(&e, sel[i], pipes, &t);
	aws_client_free(client);
	if (pipes) {
		json_t *doc = json_pack("{s:i, s:s, s:s, s:b, s:{s:I, s:I, s:I}, s:o}", "version", 1,
					"project", m->name ? m->name : "", "environment",
					m->env.name ? m->env.name : "", "passed",
					t.fail + t.error == 0, "counts", "pass", (json_int_t)t.pass,
					"fail", (json_int_t)t.fail, "error", (json_int_t)t.error,
					"pipelines", pipes);
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);

		printf("%s\n", text ? text : "{}");
		free(text);
		json_decref(doc);
	} else {
		printf("validate: %zu check%s: %zu passed, %zu failed, %zu error%s\n",
		       t.pass + t.fail + t.error, t.pass + t.fail + t.error == 1 ? "" : "s", t.pass,
		       t.fail, t.error, t.error == 1 ? "" : "s");
	}
	return t.fail + t.error ? 1 : 0;
}

/* Selects the pipelines and checks that the environment can run them;
 * returns the exit status. */
static int validate_project(struct validate_args *a, const struct model_project *m)
{
	const struct model_pipeline **sel = xcalloc(m->npipelines + a->nnames + 1, sizeof(*sel));
	struct strbuf msg = STRBUF_INIT;
	size_t i, nsel;
	int rc = 0;

	if (select_pipelines(m, a, sel, &nsel) != 0)
		rc = EXIT_USAGE;
	for (i = 0; rc == 0 && i < nsel; i++)
		if (!validate_configured(&m->env, sel[i], &msg)) {
			fprintf(stderr, "pipec: error: %s\n", msg.buf);
			rc = 1;
		}
	if (rc == 0 && !nsel) {
		fprintf(stderr, "pipec: error: the project has no pipeline to validate\n");
		rc = 1;
	}
	if (rc == 0)
		rc = validate_all(a, m, sel, nsel);
	strbuf_release(&msg);
	free(sel);
	return rc;
}

int cmd_validate(int argc, char **argv)
{
	struct validate_args a;
	struct project p;
	int rc;

	memset(&a, 0, sizeof(a));
	a.po.paths = xcalloc((size_t)argc + 1, sizeof(*a.po.paths));
	a.names = xcalloc((size_t)argc + 1, sizeof(*a.names));
	rc = validate_args(argc, argv, &a);
	if (rc < 0) {
		project_init(&p);
		project_load(&p, &a.po);
		diag_render(&p.diags, DIAG_FORMAT_TEXT, stderr, stderr);
		rc = p.diags.nerrors || p.env_error || !p.have_model ? 1
								   : validate_project(&a, &p.model);
		project_release(&p);
	}
	free(a.po.paths);
	free(a.names);
	return rc;
}
