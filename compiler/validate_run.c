/*
 * validate_run: one check on Athena or the Redshift Data API, and its
 * judgement (validate_run.h).
 */
#include "validate_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "xalloc.h"

#define POLL_MAX_MS 5000L

void validate_engine_init(struct validate_engine *e, struct aws_client *aws,
			  const struct model_env *env)
{
	const char *knob = getenv("PIPEC_VALIDATE_POLL_MS");
	char *end;
	long ms = 500;

	if (knob && *knob) {
		errno = 0;
		ms = strtol(knob, &end, 10);
		if (errno || *end || ms < 1 || ms > 60000)
			ms = 500;
	}
	e->aws = aws;
	e->env = env;
	e->poll_ms = ms;
	e->max_wait_ms = 30L * 60 * 1000;
}

bool validate_configured(const struct model_env *env, const struct model_pipeline *p,
			 struct strbuf *msg)
{
	const char *en = env->name ? env->name : "default";

	if (p->target.kind == MT_REDSHIFT && !env->has_redshift) {
		strbuf_addf(msg, "pipeline '%s' writes to Redshift, and environment '%s' has no "
				 "Redshift settings: add environments.%s.redshift (workgroup or "
				 "cluster_identifier, database, secret_arn) to pipec.yaml",
			    p->name, en, en);
		return false;
	}
	if (p->target.kind != MT_REDSHIFT && !env->has_athena) {
		strbuf_addf(msg, "pipeline '%s' writes to an Athena table, and environment '%s' has "
				 "no Athena settings: add environments.%s.athena.workgroup (and "
				 "output_location unless the workgroup sets one) to pipec.yaml",
			    p->name, en, en);
		return false;
	}
	return true;
}

const char *validate_status_name(enum validate_status s)
{
	return s == VALIDATE_PASS ? "pass" : s == VALIDATE_FAIL ? "fail" : "error";
}

void validate_result_release(struct validate_result *r)
{
	free(r->query_id);
	free(r->error);
	free(r->observed);
	json_decref(r->columns);
	json_decref(r->rows);
	memset(r, 0, sizeof(*r));
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The error of a failed AWS call, into r. */
static void aws_error(struct validate_result *r, struct aws_client *aws, const char *what)
{
	struct strbuf sb = STRBUF_INIT;
	const char *code = aws_error_code(aws);

	strbuf_addf(&sb, "%s failed: %s", what, aws_errmsg(aws));
	if (code && *code && !strstr(aws_errmsg(aws), code))
		strbuf_addf(&sb, " (%s)", code);
	r->status = VALIDATE_ERROR;
	r->error = strbuf_detach(&sb, NULL);
}

static const char *str_at(const json_t *o, const char *k1, const char *k2)
{
	const json_t *v = json_object_get(o, k1);

	if (k2)
		v = json_object_get(v, k2);
	return json_string_value(v);
}

/* ---- Polling: one engine's states ---- */

struct poll_spec {
	enum aws_service svc;
	const char *op;			/* GetQueryExecution / DescribeStatement */
	const char *id_key;		/* QueryExecutionId / Id */
	const char *(*state)(const json_t *answer);
	const char *const *done;	/* states that end the query successfully */
	const char *const *failed;	/* states that end it in failure */
	void (*reason)(const json_t *answer, struct strbuf *out);
};

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* Waits for query id to end.  Returns true when it succeeded; otherwise r
 * is an ERROR. */
static bool poll_query(struct validate_engine *e, const struct poll_spec *ps, const char *id,
		       struct validate_result *r)
{
	long wait = e->poll_ms, waited = 0;
	struct strbuf why = STRBUF_INIT;

	for (;;) {
		json_t *out = NULL;
		const char *state;

		if (aws_json_call(e->aws, ps->svc, ps->op, json_pack("{s:s}", ps->id_key, id), &out) !=
		    AWS_OK) {
			aws_error(r, e->aws, ps->op);
			return false;
		}
		state = ps->state(out);
		if (state && in_list(state, ps->done)) {
			json_decref(out);
			return true;
		}
		if (!state || in_list(state, ps->failed)) {
			strbuf_addf(&why, "%s", state ? state : "no state in the answer");
			ps->reason(out, &why);
			json_decref(out);
			r->status = VALIDATE_ERROR;
			r->error = strbuf_detach(&why, NULL);
			return false;
		}
		json_decref(out);
		if (waited >= e->max_wait_ms) {
			strbuf_addf(&why, "still %s after %ld s", state, waited / 1000);
			r->status = VALIDATE_ERROR;
			r->error = strbuf_detach(&why, NULL);
			return false;
		}
		sleep_ms(wait);
		waited += wait;
		if (wait < 8 * e->poll_ms && wait * 2 <= POLL_MAX_MS)
			wait *= 2;
	}
}

/* ---- Athena ---- */

static void athena_reason(const json_t *answer, struct strbuf *out)
{
	const json_t *qe = json_object_get(answer, "QueryExecution");
	const char *reason = str_at(json_object_get(qe, "Status"), "StateChangeReason", NULL);
	const char *msg = str_at(json_object_get(qe, "Status"), "AthenaError", "ErrorMessage");

	if (reason)
		strbuf_addf(out, ": %s", reason);
	else if (msg)
		strbuf_addf(out, ": %s", msg);
}

static const char *athena_state(const json_t *answer)
{
	return str_at(json_object_get(answer, "QueryExecution"), "Status", "State");
}

static const char *const athena_done[] = { "SUCCEEDED", NULL };
static const char *const athena_failed[] = { "FAILED", "CANCELLED", NULL };
static const struct poll_spec athena_poll = {
	AWS_SERVICE_ATHENA, "GetQueryExecution", "QueryExecutionId", athena_state, athena_done, athena_failed, athena_reason,
};

/* StartQueryExecution's body: the statement, the workgroup, the database
 * (S3 Tables: the catalog "s3tablescatalog/<bucket>" and the namespace) and
 * the result location when pipec.yaml sets one. */
static json_t *athena_start_body(const struct validate_engine *e,
				 const struct model_pipeline *p, const char *sql)
{
	json_t *ctx = json_pack("{s:s}", "Database", p->target.database);
	json_t *body = json_pack("{s:s, s:s}", "QueryString", sql, "WorkGroup",
				 e->env->athena_workgroup);

	if (p->target.kind == MT_S3TABLES) {
		struct strbuf cat = STRBUF_INIT;

		strbuf_addf(&cat, "s3tablescatalog/%s", p->target.table_bucket);
		json_object_set_new(ctx, "Catalog", json_string(cat.buf));
		strbuf_release(&cat);
	}
	json_object_set_new(body, "QueryExecutionContext", ctx);
	if (e->env->athena_output_location)
		json_object_set_new(body, "ResultConfiguration",
				    json_pack("{s:s}", "OutputLocation",
					      e->env->athena_output_location));
	return body;
}

/* One page of GetQueryResults into r; the first row of the first page is
 * the header of a SELECT.  Returns the next token (owned) or NULL. */
static char *athena_page(const json_t *out, bool first, struct validate_result *r)
{
	const json_t *rs = json_object_get(out, "ResultSet"), *row;
	const json_t *info = json_object_get(json_object_get(rs, "ResultSetMetadata"),
					     "ColumnInfo"), *col;
	size_t i, k;

	if (first) {
		json_array_foreach(info, i, col)
			json_array_append_new(r->columns,
					      json_string(str_at(col, "Name", NULL)
							  ? str_at(col, "Name", NULL) : ""));
	}
	json_array_foreach(json_object_get(rs, "Rows"), i, row) {
		json_t *vals, *d;

		if (first && i == 0)
			continue;
		vals = json_array();
		json_array_foreach(json_object_get(row, "Data"), k, d) {
			const char *s = str_at(d, "VarCharValue", NULL);

			json_array_append_new(vals, s ? json_string(s) : json_null());
		}
		json_array_append_new(r->rows, vals);
	}
	return str_at(out, "NextToken", NULL) ? xstrdup(str_at(out, "NextToken", NULL)) : NULL;
}

static bool athena_results(struct validate_engine *e, const char *id, struct validate_result *r)
{
	char *token = NULL;
	bool first = true;

	do {
		json_t *body = json_pack("{s:s, s:i}", "QueryExecutionId", id, "MaxResults", 1000);
		json_t *out = NULL;

		if (token)
			json_object_set_new(body, "NextToken", json_string(token));
		free(token);
		if (aws_json_call(e->aws, AWS_SERVICE_ATHENA, "GetQueryResults", body, &out) !=
		    AWS_OK) {
			aws_error(r, e->aws, "GetQueryResults");
			return false;
		}
		token = athena_page(out, first, r);
		first = false;
		json_decref(out);
	} while (token);
	return true;
}

static bool run_athena(struct validate_engine *e, const struct model_pipeline *p,
		       const char *sql, struct validate_result *r)
{
	json_t *out = NULL;
	const char *id;

	if (aws_json_call(e->aws, AWS_SERVICE_ATHENA, "StartQueryExecution",
			  athena_start_body(e, p, sql), &out) != AWS_OK) {
		aws_error(r, e->aws, "StartQueryExecution");
		return false;
	}
	id = str_at(out, "QueryExecutionId", NULL);
	if (!id) {
		json_decref(out);
		r->status = VALIDATE_ERROR;
		r->error = xstrdup("StartQueryExecution returned no QueryExecutionId");
		return false;
	}
	r->query_id = xstrdup(id);
	json_decref(out);
	return poll_query(e, &athena_poll, r->query_id, r) && athena_results(e, r->query_id, r);
}

/* ---- Redshift Data API ---- */

static void redshift_reason(const json_t *answer, struct strbuf *out)
{
	const char *err = str_at(answer, "Error", NULL);

	if (err)
		strbuf_addf(out, ": %s", err);
}

static const char *redshift_state(const json_t *answer)
{
	return str_at(answer, "Status", NULL);
}

static const char *const redshift_done[] = { "FINISHED", NULL };
static const char *const redshift_failed[] = { "FAILED", "ABORTED", NULL };
static const struct poll_spec redshift_poll = {
	AWS_SERVICE_REDSHIFT_DATA, "DescribeStatement", "Id", redshift_state, redshift_done, redshift_failed, redshift_reason,
};

static json_t *redshift_body(const struct validate_engine *e, const struct model_pipeline *p,
			     const char *sql)
{
	const struct model_env *env = e->env;
	json_t *body = json_pack("{s:s, s:s}", "Sql", sql, "Database", env->redshift_database);
	struct strbuf name = STRBUF_INIT;

	if (env->redshift_workgroup)
		json_object_set_new(body, "WorkgroupName", json_string(env->redshift_workgroup));
	else
		json_object_set_new(body, "ClusterIdentifier", json_string(env->redshift_cluster));
	if (env->redshift_secret_arn)
		json_object_set_new(body, "SecretArn", json_string(env->redshift_secret_arn));
	if (env->redshift_db_user)
		json_object_set_new(body, "DbUser", json_string(env->redshift_db_user));
	/* StatementName: 1 to 500 characters */
	strbuf_addf(&name, "pipec validate %.400s", p->name);
	json_object_set_new(body, "StatementName", json_string(name.buf));
	strbuf_release(&name);
	return body;
}

/* A Data API field as text: booleans true/false, numbers in decimal,
 * strings as they are, NULL as null. */
static json_t *redshift_field(const json_t *f)
{
	const json_t *v;
	char num[64];

	if (json_is_true(json_object_get(f, "isNull")))
		return json_null();
	if ((v = json_object_get(f, "booleanValue")) != NULL)
		return json_string(json_is_true(v) ? "true" : "false");
	if ((v = json_object_get(f, "longValue")) != NULL) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return json_string(num);
	}
	if ((v = json_object_get(f, "doubleValue")) != NULL) {
		/* the shortest of 15 or 17 digits that reads back the same */
		snprintf(num, sizeof(num), "%.15g", json_number_value(v));
		if (strtod(num, NULL) != json_number_value(v))
			snprintf(num, sizeof(num), "%.17g", json_number_value(v));
		return json_string(num);
	}
	if ((v = json_object_get(f, "stringValue")) != NULL && json_is_string(v))
		return json_string(json_string_value(v));
	return json_null();
}

static char *redshift_page(const json_t *out, bool first, struct validate_result *r)
{
	const json_t *col, *rec, *f;
	size_t i, k;

	if (first)
		json_array_foreach(json_object_get(out, "ColumnMetadata"), i, col)
			json_array_append_new(r->columns,
					      json_string(str_at(col, "name", NULL)
							  ? str_at(col, "name", NULL) : ""));
	json_array_foreach(json_object_get(out, "Records"), i, rec) {
		json_t *vals = json_array();

		json_array_foreach(rec, k, f)
			json_array_append_new(vals, redshift_field(f));
		json_array_append_new(r->rows, vals);
	}
	return str_at(out, "NextToken", NULL) ? xstrdup(str_at(out, "NextToken", NULL)) : NULL;
}

static bool redshift_results(struct validate_engine *e, const char *id,
			     struct validate_result *r)
{
	char *token = NULL;
	bool first = true;

	do {
		json_t *body = json_pack("{s:s}", "Id", id), *out = NULL;

		if (token)
			json_object_set_new(body, "NextToken", json_string(token));
		free(token);
		if (aws_json_call(e->aws, AWS_SERVICE_REDSHIFT_DATA, "GetStatementResult", body,
				  &out) != AWS_OK) {
			aws_error(r, e->aws, "GetStatementResult");
			return false;
		}
		token = redshift_page(out, first, r);
		first = false;
		json_decref(out);
	} while (token);
	return true;
}

static bool run_redshift(struct validate_engine *e, const struct model_pipeline *p,
			 const char *sql, struct validate_result *r)
{
	json_t *out = NULL;
	const char *id;

	if (aws_json_call(e->aws, AWS_SERVICE_REDSHIFT_DATA, "ExecuteStatement",
			  redshift_body(e, p, sql), &out) != AWS_OK) {
		aws_error(r, e->aws, "ExecuteStatement");
		return false;
	}
	id = str_at(out, "Id", NULL);
	if (!id) {
		json_decref(out);
		r->status = VALIDATE_ERROR;
		r->error = xstrdup("ExecuteStatement returned no Id");
		return false;
	}
	r->query_id = xstrdup(id);
	json_decref(out);
	return poll_query(e, &redshift_poll, r->query_id, r) && redshift_results(e, r->query_id, r);
}

/* ---- Judging ---- */

static int column_index(const json_t *columns, const char *name)
{
	size_t i;
	const json_t *c;

	json_array_foreach(columns, i, c)
		if (!strcasecmp(json_string_value(c), name))
			return (int)i;
	return -1;
}

/* "name=value, name=value" of row i (NULL as NULL). */
static void row_text(const struct validate_result *r, size_t i, struct strbuf *out)
{
	const json_t *row = json_array_get(r->rows, i), *v;
	size_t k;

	json_array_foreach(row, k, v) {
		const char *name = json_string_value(json_array_get(r->columns, k));

		strbuf_addf(out, "%s%s=%s", k ? ", " : "", name ? name : "?",
			    json_is_string(v) ? json_string_value(v) : "NULL");
	}
}

static const char *cell(const struct validate_result *r, size_t row, size_t col)
{
	return json_string_value(json_array_get(json_array_get(r->rows, row), col));
}

static bool is_zero(const char *s)
{
	char *end;
	double d;

	if (!s || !*s)
		return false;
	d = strtod(s, &end);
	return !*end && d == 0;
}

/* The judgement of a check that needs one row with its column; false with
 * r an ERROR when the result lacks them. */
static bool one_row(const struct emit_check *c, struct validate_result *r, int *col)
{
	*col = c->column ? column_index(r->columns, c->column) : 0;
	if (json_array_size(r->rows) != 1 || *col < 0) {
		r->status = VALIDATE_ERROR;
		free(r->error);
		r->error = xstrdup(*col < 0 ? "the result has no column to judge"
					    : "the result does not have exactly one row");
		return false;
	}
	return true;
}

static void judge(const struct emit_check *c, struct validate_result *r)
{
	struct strbuf obs = STRBUF_INIT;
	size_t i, n = json_array_size(r->rows);
	int col;

	r->status = VALIDATE_PASS;
	if (c->judge == EMIT_JUDGE_NO_ROWS) {
		strbuf_addf(&obs, "%zu row%s", n, n == 1 ? "" : "s");
		for (i = 0; i < n && i < 5; i++) {
			strbuf_addstr(&obs, i ? "; " : ": ");
			row_text(r, i, &obs);
		}
		if (n > 5)
			strbuf_addstr(&obs, "; ...");
		r->status = n ? VALIDATE_FAIL : VALIDATE_PASS;
	} else if (c->judge == EMIT_JUDGE_INFO && !strcmp(c->name, "sample")) {
		strbuf_addf(&obs, "%zu row%s", n, n == 1 ? "" : "s");
	} else if (one_row(c, r, &col)) {
		row_text(r, 0, &obs);
		if (c->judge == EMIT_JUDGE_TRUE) {
			const char *v = cell(r, 0, (size_t)col);

			r->status = v && !strcasecmp(v, "true") ? VALIDATE_PASS : VALIDATE_FAIL;
		} else if (c->judge == EMIT_JUDGE_ZERO) {
			size_t k, nc = json_array_size(json_array_get(r->rows, 0));

			for (k = c->column ? (size_t)col : 1; k < (c->column ? (size_t)col + 1 : nc); k++)
				if (!is_zero(cell(r, 0, k)))
					r->status = VALIDATE_FAIL;
		} else if (c->judge == EMIT_JUDGE_EQUAL) {
			const char *a = cell(r, 0, 0), *b = cell(r, 0, 1);

			r->status = a && b && !strcmp(a, b) ? VALIDATE_PASS : VALIDATE_FAIL;
		}
	}
	r->observed = strbuf_detach(&obs, NULL);
}

void validate_run_check(struct validate_engine *e, const struct model_pipeline *p,
			const struct emit_check *c, struct validate_result *r)
{
	bool ran;

	memset(r, 0, sizeof(*r));
	r->status = VALIDATE_PASS;
	if (!c->sql)
		return;
	r->columns = json_array();
	r->rows = json_array();
	ran = p->target.kind == MT_REDSHIFT ? run_redshift(e, p, c->sql, r)
					    : run_athena(e, p, c->sql, r);
	if (ran)
		judge(c, r);
}
