/*
 * iam: the IAM policy documents of a project (see iam.h, docs/iam.md).
 *
 * A document is built as a list of statements keyed by name; a statement
 * gathers actions, resources and at most one condition (an operator, a key
 * and its values).  Everything is sorted and made unique when printed, so
 * the output does not depend on the order pipelines are visited in.
 *
 * Resource "*" is used only for actions without resource-level permissions:
 * Glue's List* actions (ListJobs, ListTriggers, ListWorkflows;
 * ListDataQualityRulesets is documented on every ruleset ARN) and
 * lakeformation:GetDataAccess; and for glue:PublishDataQuality, for which no
 * resource type is known here (docs/iam.md says so).
 */
#include "iam.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts.h"
#include "catalog.h"
#include "xalloc.h"

struct iam_list {
	char **v;
	size_t n;
};

struct iam_stmt {
	char *key;			/* unique; the Sid is derived from it */
	struct iam_list actions, resources;
	const char *cond_op, *cond_key;	/* NULL: no condition */
	struct iam_list cond_values;
	bool cond_off;			/* a value made the condition moot (a whole bucket) */
};

struct iam_doc {
	const struct model_project *m;
	const struct catalog *cat;
	const char *region, *account;
	struct iam_stmt *s;
	size_t n;
	struct strbuf *notes;
};

static void list_add(struct iam_list *l, char *owned)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = owned;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, f);
	strbuf_vaddf(&sb, f, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}

static struct iam_stmt *stmt(struct iam_doc *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->s[i].key, key))
			return &d->s[i];
	d->s = xrealloc(d->s, (d->n + 1) * sizeof(*d->s));
	memset(&d->s[d->n], 0, sizeof(*d->s));
	d->s[d->n].key = xstrdup(key);
	return &d->s[d->n++];
}

/* Adds the NULL-terminated actions to the statement. */
static void acts(struct iam_stmt *st, const char *const *a)
{
	for (; *a; a++)
		list_add(&st->actions, xstrdup(*a));
}

static void res(struct iam_stmt *st, char *owned)
{
	list_add(&st->resources, owned);
}

static void cond(struct iam_stmt *st, const char *op, const char *key, char *owned_value)
{
	st->cond_op = op;
	st->cond_key = key;
	list_add(&st->cond_values, owned_value);
}

static char *glue_arn(const struct iam_doc *d, const char *what)
{
	return fmt("arn:aws:glue:%s:%s:%s", d->region, d->account, what);
}

/* Splits s3://bucket/prefix; false when url is not one. */
static bool s3_split(const char *url, char **bucket, const char **prefix)
{
	const char *b, *slash;

	if (!url || strncmp(url, "s3://", 5))
		return false;
	b = url + 5;
	slash = strchr(b, '/');
	*bucket = slash ? xstrndup(b, (size_t)(slash - b)) : xstrdup(b);
	*prefix = slash ? slash + 1 : "";
	return **bucket != '\0';
}

/* Object actions on s3://bucket/prefix* into statement key and, when list
 * is set, s3:ListBucket on the bucket with an s3:prefix condition (one
 * statement per bucket). */
static void s3_access(struct iam_doc *d, const char *key, const char *const *actions,
		      const char *url, bool list)
{
	char *bucket, *k;
	const char *prefix;
	struct iam_stmt *st;
	static const char *const lb[] = { "s3:ListBucket", NULL };

	if (!s3_split(url, &bucket, &prefix))
		return;
	st = stmt(d, key);
	acts(st, actions);
	res(st, fmt("arn:aws:s3:::%s/%s*", bucket, prefix));
	if (list) {
		k = fmt("ListBucket %s", bucket);
		st = stmt(d, k);
		free(k);
		acts(st, lb);
		res(st, fmt("arn:aws:s3:::%s", bucket));
		if (!*prefix)
			st->cond_off = true;
		else
			cond(st, "StringLike", "s3:prefix", fmt("%s*", prefix));
	}
	free(bucket);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, unique strings as a JSON array. */
static json_t *list_json(struct iam_list *l)
{
	json_t *a = json_array();
	size_t i;

	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	for (i = 0; i < l->n; i++)
		if (!i || strcmp(l->v[i], l->v[i - 1]))
			json_array_append_new(a, json_string(l->v[i]));
	return a;
}

/* "ListBucket plantest-raw" -> "ListBucketPlantestraw": letters and digits only. */
static char *sid_of(const char *key)
{
	char *s = xmalloc(strlen(key) + 8), *o = s;
	bool up = true;

	for (; *key; key++) {
		if ((*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z') ||
		    (*key >= '0' && *key <= '9')) {
			*o++ = up && *key >= 'a' && *key <= 'z' ? (char)(*key - 'a' + 'A') : *key;
			up = false;
		} else {
			up = true;
		}
	}
	*o = '\0';
	return s;
}

static void list_free(struct iam_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static json_t *stmt_json(struct iam_stmt *st, const char *sid)
{
	json_t *o = json_object();

	json_object_set_new(o, "Sid", json_string(sid));
	json_object_set_new(o, "Effect", json_string("Allow"));
	json_object_set_new(o, "Action", list_json(&st->actions));
	json_object_set_new(o, "Resource", list_json(&st->resources));
	if (st->cond_op && !st->cond_off)
	{
		json_t *v = list_json(&st->cond_values);

		if (json_array_size(v) == 1) {	/* one value: a plain string */
			json_t *one = json_incref(json_array_get(v, 0));

			json_decref(v);
			v = one;
		}
		json_object_set_new(o, "Condition",
				    json_pack("{s:{s:o}}", st->cond_op, st->cond_key, v));
	}
	return o;
}

/* The document; frees the statements. */
/* The order statements are printed in, whatever order the pipelines added
 * them in: by this table, then by key (the per-bucket ListBucket ones). */
static const char *const stmt_order[] = {
	"Glue List", "Glue Jobs", "Glue Triggers", "Glue Workflows", "Glue Data Quality Rulesets",
	"EventBridge Rules", "EventBridge List", "EventBridge Alert Rules", "Pass Events Role", "Scripts And Files", "Script Bucket Missing Keys",
	"Pass Job Roles", "Catalog Pull", "Iceberg Metadata",
	"Read Scripts", "Temp Dirs", "Read Sources", "Read Tables", "Write Targets", "ListBucket ",
	"Catalog Read", "Catalog Write Targets", "S3 Tables Targets", "S3 Tables Catalog",
	"S3 Tables Data Access", "Connections", "DynamoDB Sources", "Glue Logs",
	"Publish Data Quality",
	"Athena Queries", "Athena Results", "Athena Results Bucket", "Validate Catalog Read",
	"Validate Table Files", "Validate S3 Tables", "Validate S3 Tables Catalog",
	"Redshift Data Statements", "Redshift Data Results", "Redshift Secret",
	"Redshift Credentials",
	"Glue Job Runs", "Glue Trigger States", "Glue Data Quality Results", "Job Run Logs",
};

static size_t stmt_rank(const char *key)
{
	size_t i, n = sizeof(stmt_order) / sizeof(stmt_order[0]);

	for (i = 0; i < n; i++)
		if (!strcmp(key, stmt_order[i]) ||
		    (stmt_order[i][strlen(stmt_order[i]) - 1] == ' ' &&
		     !strncmp(key, stmt_order[i], strlen(stmt_order[i]))))
			return i;
	assert(0);	/* every statement key is in stmt_order */
	return n;
}

static int cmp_stmt(const void *a, const void *b)
{
	const struct iam_stmt *x = a, *y = b;
	size_t rx = stmt_rank(x->key), ry = stmt_rank(y->key);

	return rx != ry ? (rx < ry ? -1 : 1) : strcmp(x->key, y->key);
}

static json_t *doc_json(struct iam_doc *d)
{
	json_t *stmts = json_array();
	char **sids = xcalloc(d->n + 1, sizeof(*sids));
	size_t i, j, same;

	qsort(d->s, d->n, sizeof(*d->s), cmp_stmt);
	for (i = 0; i < d->n; i++) {
		char *sid = sid_of(d->s[i].key);

		for (j = 0, same = 0; j < i; j++) {
			char *other = sid_of(d->s[j].key);

			same += !strcmp(other, sid);
			free(other);
		}
		if (same) {	/* keys spelling one Sid ("a-b", "a.b"): number the later ones */
			char *t = fmt("%s%zu", sid, same + 1);

			free(sid);
			sid = t;
		}
		sids[i] = sid;
		json_array_append_new(stmts, stmt_json(&d->s[i], sid));
	}
	for (i = 0; i < d->n; i++) {
		free(sids[i]);
		free(d->s[i].key);
		list_free(&d->s[i].actions);
		list_free(&d->s[i].resources);
		list_free(&d->s[i].cond_values);
	}
	free(sids);
	free(d->s);
	return json_pack("{s:s,s:o}", "Version", "2012-10-17", "Statement", stmts);
}

/* ---- the deployer: plan, deploy, deploy --prune, catalog pull ---- */

enum iam_kind { IK_JOB, IK_TRIGGER, IK_WORKFLOW, IK_RULESET, IK_RULE };

/* The name of one resource of pipeline p, or NULL when it has none. */
static const char *kind_name(const struct model_pipeline *p, enum iam_kind k)
{
	switch (k) {
	case IK_JOB: return p->job.name;
	case IK_TRIGGER: return p->trigger_name;
	case IK_WORKFLOW: return p->workflow_name;
	case IK_RULESET: return p->validates ? p->validation.ruleset_name : NULL;
	case IK_RULE: return p->event_rule_name;
	}
	return NULL;
}

/* Adds the ARNs of kind k (type is the ARN's resource type): with a name
 * prefix, every name it starts (what --prune may delete); without, the
 * exact names.  Returns the number of resources added. */
static size_t kind_arns(struct iam_doc *d, struct iam_stmt *st, enum iam_kind k, const char *type)
{
	const char *prefix = d->m->env.name_prefix;
	size_t i, n = 0;

	if (prefix && *prefix) {
		res(st, k == IK_RULE ? fmt("arn:aws:events:%s:%s:rule/%s*", d->region, d->account, prefix)
				     : fmt("arn:aws:glue:%s:%s:%s/%s*", d->region, d->account, type, prefix));
		return 1;
	}
	for (i = 0; i < d->m->npipelines; i++) {
		const char *name = kind_name(&d->m->pipelines[i], k);

		if (!name)
			continue;
		res(st, k == IK_RULE ? fmt("arn:aws:events:%s:%s:rule/%s", d->region, d->account, name)
				     : fmt("arn:aws:glue:%s:%s:%s/%s", d->region, d->account, type, name));
		n++;
	}
	return n;
}

/* Removes the last statement (one that found no resource). */
static void drop_last(struct iam_doc *d)
{
	struct iam_stmt *st = &d->s[--d->n];

	free(st->key);
	list_free(&st->actions);
	list_free(&st->resources);
	list_free(&st->cond_values);
}

static void deployer_glue(struct iam_doc *d)
{
	/* Glue's List* actions have no resource-level permissions: "*" */
	static const char *const list[] = { "glue:ListDataQualityRulesets", "glue:ListJobs",
		"glue:ListTriggers", "glue:ListWorkflows", NULL };
	static const char *const tags[] = { "glue:GetTags", "glue:TagResource", "glue:UntagResource",
		NULL };
	static const char *const job[] = { "glue:BatchGetJobs", "glue:CreateJob", "glue:DeleteJob",
		"glue:UpdateJob", NULL };
	static const char *const trig[] = { "glue:BatchGetTriggers", "glue:CreateTrigger",
		"glue:DeleteTrigger", "glue:StartTrigger", "glue:UpdateTrigger", NULL };
	static const char *const wf[] = { "glue:BatchGetWorkflows", "glue:CreateWorkflow",
		"glue:DeleteWorkflow", "glue:UpdateWorkflow", NULL };
	static const char *const rs[] = { "glue:CreateDataQualityRuleset",
		"glue:DeleteDataQualityRuleset", "glue:GetDataQualityRuleset",
		"glue:UpdateDataQualityRuleset", NULL };
	static const struct { const char *key, *type; const char *const *a; enum iam_kind k; } kinds[] = {
		{ "Glue Jobs", "job", job, IK_JOB },
		{ "Glue Triggers", "trigger", trig, IK_TRIGGER },
		{ "Glue Workflows", "workflow", wf, IK_WORKFLOW },
		{ "Glue Data Quality Rulesets", "dataQualityRuleset", rs, IK_RULESET },
	};
	struct iam_stmt *st;
	size_t i;

	st = stmt(d, "Glue List");
	acts(st, list);
	res(st, xstrdup("*"));
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		st = stmt(d, kinds[i].key);
		if (kind_arns(d, st, kinds[i].k, kinds[i].type)) {
			acts(st, kinds[i].a);
			acts(st, tags);
		} else {
			drop_last(d);	/* no resource of this kind: no statement */
		}
	}
}

static void deployer_events(struct iam_doc *d)
{
	static const char *const ev[] = { "events:DeleteRule", "events:DescribeRule",
		"events:ListTargetsByRule", "events:PutRule", "events:PutTargets",
		"events:RemoveTargets", NULL };
	static const char *const pass[] = { "iam:PassRole", NULL };
	struct iam_stmt *st = stmt(d, "EventBridge Rules");
	size_t i;
	bool events = false;

	if (!kind_arns(d, st, IK_RULE, "rule")) {
		drop_last(d);
	} else {
		acts(st, ev);
	}
	for (i = 0; i < d->m->npipelines; i++)
		events |= d->m->pipelines[i].schedule.kind == MSCH_S3_EVENT;
	if (events && d->m->env.events_role) {
		st = stmt(d, "Pass Events Role");
		acts(st, pass);
		res(st, xstrdup(d->m->env.events_role));
		cond(st, "StringEquals", "iam:PassedToService", xstrdup("events.amazonaws.com"));
	}
}

/* The alert rules (alerts.h): found by ListRules (no resource-level
 * permission: "*"), read and written by name, tagged.  Also without
 * alerts in pipec.yaml: deploy --prune finds and deletes the rules of
 * alerts removed from it. */
static void deployer_alerts(struct iam_doc *d)
{
	static const char *const list[] = { "events:ListRules", NULL };
	static const char *const rule[] = { "events:DeleteRule", "events:DescribeRule",
		"events:ListTagsForResource", "events:ListTargetsByRule", "events:PutRule",
		"events:PutTargets", "events:RemoveTargets", "events:TagResource",
		"events:UntagResource", NULL };
	struct strbuf prefix = STRBUF_INIT;
	struct iam_stmt *st;

	st = stmt(d, "EventBridge List");
	acts(st, list);
	res(st, xstrdup("*"));
	st = stmt(d, "EventBridge Alert Rules");
	acts(st, rule);
	alerts_rule_prefix(d->m->env.name_prefix, d->m->name ? d->m->name : "", &prefix);
	res(st, fmt("arn:aws:events:%s:%s:rule/%s*", d->region, d->account, prefix.buf));
	strbuf_release(&prefix);
}

static void deployer_s3(struct iam_doc *d)
{
	static const char *const rw[] = { "s3:GetObject", "s3:PutObject", NULL };
	static const char *const lb[] = { "s3:ListBucket", NULL };
	char *url, *bucket;
	const char *prefix;
	size_t i;
	struct iam_stmt *st;

	url = fmt("s3://%s/%s", d->m->env.script_bucket ? d->m->env.script_bucket : "",
		  d->m->env.script_prefix ? d->m->env.script_prefix : "");
	s3_access(d, "Scripts And Files", rw, url, false);
	/* HeadObject of a missing key answers 404 (what deploy reads as "not
	 * uploaded yet") only with s3:ListBucket on the bucket; the request
	 * carries no s3:prefix, so the permission cannot be narrowed by one. */
	if (s3_split(url, &bucket, &prefix)) {
		st = stmt(d, "Script Bucket Missing Keys");
		acts(st, lb);
		res(st, fmt("arn:aws:s3:::%s", bucket));
		free(bucket);
	}
	free(url);
	for (i = 0; i < d->m->npipelines; i++) {
		const struct model_source *s = &d->m->pipelines[i].source;

		if (s->kind == MS_FILE && s->path && s3_split(s->path, &bucket, &prefix)) {
			/* a local file is uploaded to its key (under the script prefix
			 * unless the environment says otherwise) */
			st = stmt(d, "Scripts And Files");
			res(st, fmt("arn:aws:s3:::%s/%s", bucket, prefix));
			st = stmt(d, "Script Bucket Missing Keys");
			acts(st, lb);
			res(st, fmt("arn:aws:s3:::%s", bucket));
			free(bucket);
		}
	}
}

static void pass_roles(struct iam_doc *d)
{
	static const char *const pass[] = { "iam:PassRole", NULL };
	struct iam_stmt *st = stmt(d, "Pass Job Roles");
	size_t i;

	acts(st, pass);
	if (d->m->env.role)
		res(st, xstrdup(d->m->env.role));
	for (i = 0; i < d->m->npipelines; i++)
		if (d->m->pipelines[i].job.role)
			res(st, xstrdup(d->m->pipelines[i].job.role));
	cond(st, "StringEquals", "iam:PassedToService", xstrdup("glue.amazonaws.com"));
	if (!st->resources.n)
		drop_last(d);
}

/* Catalog resources of a Glue database (tables: one, or all with NULL). */
static void glue_db(struct iam_doc *d, struct iam_stmt *st, const char *db, const char *table)
{
	char *t;

	res(st, glue_arn(d, "catalog"));
	t = fmt("database/%s", db);
	res(st, glue_arn(d, t));
	free(t);
	t = table ? fmt("table/%s/%s", db, table) : fmt("table/%s/*", db);
	res(st, glue_arn(d, t));
	free(t);
}

/* The same in an S3 table bucket's federated catalog (s3tablescatalog). */
static void glue_bucket_db(struct iam_doc *d, struct iam_stmt *st, const char *bucket,
			   const char *ns, const char *table)
{
	char *t;

	res(st, glue_arn(d, "catalog"));
	res(st, glue_arn(d, "catalog/s3tablescatalog"));
	t = fmt("catalog/s3tablescatalog/%s", bucket);
	res(st, glue_arn(d, t));
	free(t);
	t = fmt("database/s3tablescatalog/%s/%s", bucket, ns);
	res(st, glue_arn(d, t));
	free(t);
	t = table ? fmt("table/s3tablescatalog/%s/%s/%s", bucket, ns, table)
		  : fmt("table/s3tablescatalog/%s/%s/*", bucket, ns);
	res(st, glue_arn(d, t));
	free(t);
}

static void add_connection(struct iam_doc *d, struct iam_stmt *st, const char *name)
{
	char *t = fmt("connection/%s", name);

	res(st, glue_arn(d, "catalog"));
	res(st, glue_arn(d, t));
	free(t);
}

/* catalog pull reads an Iceberg table's partition spec from its metadata
 * file, under the table's location. */
static void iceberg_metadata(struct iam_doc *d, const char *location)
{
	static const char *const get[] = { "s3:GetObject", NULL };
	char *u;

	if (!location || !*location)
		return;
	u = fmt("%s%smetadata/", location, location[strlen(location) - 1] == '/' ? "" : "/");
	s3_access(d, "Iceberg Metadata", get, u, false);
	free(u);
}

/* The same for a table read by the project, when the snapshot knows it. */
static void read_table_metadata(struct iam_doc *d, const char *db, const char *table)
{
	const struct catalog_database *cd = d->cat ? catalog_database(d->cat, db) : NULL;
	const struct catalog_table *t = cd ? catalog_table(cd, table) : NULL;

	if (t && t->type == CT_ICEBERG)
		iceberg_metadata(d, t->location);
}

static void deployer_catalog(struct iam_doc *d)
{
	static const char *const pull[] = { "glue:GetConnections", "glue:GetDatabases",
		"glue:GetTables", NULL };
	struct iam_stmt *st = stmt(d, "Catalog Pull");
	size_t i, j;

	acts(st, pull);
	res(st, glue_arn(d, "catalog"));
	for (i = 0; i < d->m->npipelines; i++) {
		const struct model_pipeline *p = &d->m->pipelines[i];

		st = stmt(d, "Catalog Pull");
		if (p->source.kind == MS_TABLE && p->source.database)
			glue_db(d, st, p->source.database, NULL);
		for (j = 0; j < p->njoins; j++)
			glue_db(d, st, p->joins[j].database, NULL);
		for (j = 0; j < p->job.nconnections; j++)
			add_connection(d, st, p->job.connections[j]);
		if (p->target.kind == MT_S3TABLES && p->target.table_bucket)
			glue_bucket_db(d, st, p->target.table_bucket, p->target.database, NULL);
		else if (p->target.kind != MT_REDSHIFT && p->target.database)
			glue_db(d, st, p->target.database, NULL);
		if (p->target.kind == MT_ICEBERG)
			iceberg_metadata(d, p->target.location);
		if (p->source.kind == MS_TABLE && p->source.database)
			read_table_metadata(d, p->source.database, p->source.table);
		for (j = 0; j < p->njoins; j++)
			read_table_metadata(d, p->joins[j].database, p->joins[j].table);
	}
}

static void iam_deployer(struct iam_doc *d)
{
	deployer_glue(d);
	deployer_events(d);
	deployer_alerts(d);
	deployer_s3(d);
	pass_roles(d);
	deployer_catalog(d);
	if (!d->m->env.name_prefix || !*d->m->env.name_prefix) {
		strbuf_addf(d->notes, "note: environment '%s' has no name_prefix: the policy names "
			    "each resource of the current pipelines; deploy --prune of a removed "
			    "pipeline needs its names added (set name_prefix to scope by prefix)\n",
			    d->m->env.name ? d->m->env.name : "");
	}
}

/* ---- the Glue job role: what the generated jobs read, write and call ---- */

static void dir_of(struct iam_doc *d, const char *key, const char *const *a, const char *url,
		   bool list)
{
	const char *slash = url ? strrchr(url, '/') : NULL;
	char *dir;

	if (!slash || slash < url + 5)
		return;
	dir = xstrndup(url, (size_t)(slash - url + 1));
	s3_access(d, key, a, dir, list);
	free(dir);
}

static void job_s3(struct iam_doc *d, const struct model_pipeline *p)
{
	static const char *const ro[] = { "s3:GetObject", NULL };
	static const char *const rw[] = { "s3:DeleteObject", "s3:GetObject", "s3:PutObject", NULL };
	const struct model_source *s = &p->source;
	const struct model_target *t = &p->target;

	dir_of(d, "Read Scripts", ro, p->job.script_location, false);
	if (p->job.temp_dir)
		s3_access(d, "Temp Dirs", rw, p->job.temp_dir, true);
	if ((s->kind == MS_S3 || s->kind == MS_FILE) && s->path)
		s3_access(d, "Read Sources", ro, s->path, true);
	if (s->kind == MS_DYNAMODB && s->ddb_export && s->export_bucket) {
		char *u = fmt("s3://%s/%s", s->export_bucket, s->export_prefix ? s->export_prefix : "");

		s3_access(d, "Write Targets", rw, u, true);
		free(u);
	}
	if ((t->kind == MT_ICEBERG || t->kind == MT_PARQUET) && t->location)
		s3_access(d, "Write Targets", rw, t->location, true);
	if (t->kind == MT_REDSHIFT && t->staging)
		s3_access(d, "Write Targets", rw, t->staging, true);
	if (p->quarantine)
		s3_access(d, "Write Targets", rw, p->quarantine, true);
}

/* The files of a catalog table the job reads: its location in the catalog
 * snapshot, or a note when the snapshot does not give it. */
static void table_files(struct iam_doc *d, const struct model_pipeline *p, const char *db,
			const char *table)
{
	static const char *const ro[] = { "s3:GetObject", NULL };
	const struct catalog_database *cd = d->cat ? catalog_database(d->cat, db) : NULL;
	const struct catalog_table *t = cd ? catalog_table(cd, table) : NULL;
	size_t i;

	for (i = 0; i < d->m->npipelines; i++) {	/* a table of this project: written above */
		const struct model_target *tg = &d->m->pipelines[i].target;

		if (tg->kind != MT_REDSHIFT && tg->kind != MT_S3TABLES && tg->database && tg->table &&
		    !strcasecmp(tg->database, db) && !strcasecmp(tg->table, table))
			return;
	}
	if (t && t->location && !strncmp(t->location, "s3://", 5)) {
		s3_access(d, "Read Tables", ro, t->location, true);
		return;
	}
	strbuf_addf(d->notes, "note: table %s.%s (pipeline '%s'): its location is not in a catalog "
		    "snapshot; the job role also needs s3:GetObject and s3:ListBucket on its files\n",
		    db, table, p->name);
}

static void job_catalog(struct iam_doc *d, const struct model_pipeline *p)
{
	static const char *const rd[] = { "glue:BatchGetPartition", "glue:GetDatabase",
		"glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables", NULL };
	static const char *const wr[] = { "glue:BatchCreatePartition", "glue:BatchDeletePartition",
		"glue:BatchGetPartition", "glue:BatchUpdatePartition", "glue:CreatePartition",
		"glue:CreateTable", "glue:DeletePartition", "glue:GetDatabase", "glue:GetPartition",
		"glue:GetPartitions", "glue:GetTable", "glue:GetTables", "glue:UpdatePartition",
		"glue:UpdateTable", NULL };
	const struct model_target *t = &p->target;
	struct iam_stmt *st;
	size_t j;

	if (p->source.kind == MS_TABLE && p->source.database) {
		st = stmt(d, "Catalog Read");
		acts(st, rd);
		glue_db(d, st, p->source.database, p->source.table);
		if (!p->source.upstream)	/* an upstream's target is written by this project */
			table_files(d, p, p->source.database, p->source.table);
	}
	for (j = 0; j < p->njoins; j++) {
		st = stmt(d, "Catalog Read");
		acts(st, rd);
		glue_db(d, st, p->joins[j].database, p->joins[j].table);
		table_files(d, p, p->joins[j].database, p->joins[j].table);
	}
	if ((t->kind == MT_ICEBERG || t->kind == MT_PARQUET) && t->database) {
		st = stmt(d, "Catalog Write Targets");
		acts(st, wr);
		glue_db(d, st, t->database, t->table);
	}
}

/* The three statements that reach an S3 Tables table: S3T on its bucket
 * (statement SID), GLUE on its federated catalog (CATALOG_SID), and Lake
 * Formation's GetDataAccess, through which that catalog vends the table
 * bucket's credentials (no resource-level permissions: "*"). */
static void s3tables_access(struct iam_doc *d, const char *sid, const char *catalog_sid,
			    const char *const *s3t, const char *const *glue,
			    const struct model_target *t)
{
	static const char *const lf[] = { "lakeformation:GetDataAccess", NULL };
	struct iam_stmt *st;

	st = stmt(d, sid);
	acts(st, s3t);
	res(st, xstrdup(t->table_bucket_arn));
	res(st, fmt("%s/table/*", t->table_bucket_arn));
	st = stmt(d, catalog_sid);
	acts(st, glue);
	glue_bucket_db(d, st, t->table_bucket, t->database, t->table);
	st = stmt(d, "S3 Tables Data Access");
	acts(st, lf);
	res(st, xstrdup("*"));
}

static void job_s3tables(struct iam_doc *d, const struct model_pipeline *p)
{
	static const char *const s3t[] = { "s3tables:CreateNamespace", "s3tables:CreateTable",
		"s3tables:GetNamespace", "s3tables:GetTable", "s3tables:GetTableBucket",
		"s3tables:GetTableData", "s3tables:GetTableMetadataLocation",
		"s3tables:PutTableData", "s3tables:UpdateTableMetadataLocation", NULL };
	static const char *const glue[] = { "glue:CreateTable", "glue:GetCatalog", "glue:GetDatabase",
		"glue:GetTable", "glue:GetTables", "glue:UpdateTable", NULL };

	if (p->target.kind == MT_S3TABLES && p->target.table_bucket_arn)
		s3tables_access(d, "S3 Tables Targets", "S3 Tables Catalog", s3t, glue, &p->target);
}

static void job_connections(struct iam_doc *d, const struct model_pipeline *p)
{
	static const char *const get[] = { "glue:GetConnection", NULL };
	struct iam_stmt *st;
	size_t j;

	for (j = 0; j < p->job.nconnections; j++) {
		st = stmt(d, "Connections");
		acts(st, get);
		add_connection(d, st, p->job.connections[j]);
		strbuf_addf(d->notes, "note: connection '%s' (pipeline '%s'): its Secrets Manager "
			    "secret is not known to pipec; add secretsmanager:GetSecretValue on that "
			    "secret's ARN if the connection uses one\n",
			    p->job.connections[j], p->name);
	}
}

static void iam_job(struct iam_doc *d)
{
	static const char *const logs[] = { "logs:CreateLogGroup", "logs:CreateLogStream",
		"logs:PutLogEvents", NULL };
	/* PublishDataQuality: no resource type known to scope it by: "*" */
	static const char *const dq[] = { "glue:PublishDataQuality", NULL };
	struct iam_stmt *st;
	size_t i;
	bool rules = false;

	for (i = 0; i < d->m->npipelines; i++) {
		const struct model_pipeline *p = &d->m->pipelines[i];

		job_s3(d, p);
		job_catalog(d, p);
		job_s3tables(d, p);
		job_connections(d, p);
		rules |= p->validates;
		if (p->source.kind == MS_DYNAMODB && p->source.table_arn) {
			static const char *const scan[] = { "dynamodb:DescribeTable", "dynamodb:Scan",
				NULL };
			static const char *const exp[] = { "dynamodb:DescribeExport",
				"dynamodb:DescribeTable", "dynamodb:ExportTableToPointInTime", NULL };

			st = stmt(d, "DynamoDB Sources");
			acts(st, p->source.ddb_export ? exp : scan);
			res(st, xstrdup(p->source.table_arn));
			if (p->source.ddb_export)
				res(st, fmt("%s/export/*", p->source.table_arn));
		}
	}
	st = stmt(d, "Glue Logs");
	acts(st, logs);
	res(st, fmt("arn:aws:logs:%s:%s:log-group:/aws-glue/*", d->region, d->account));
	if (rules) {
		st = stmt(d, "Publish Data Quality");
		acts(st, dq);
		res(st, xstrdup("*"));
	}
}

/* ---- --for validator: what pipec validate calls and its queries read ---- */

/* Athena: the workgroup's queries, the result location, the catalog and
 * the files of the tables the statements read. */
static void validator_athena(struct iam_doc *d)
{
	static const char *const q[] = { "athena:GetQueryExecution", "athena:GetQueryResults",
		"athena:StartQueryExecution", NULL };
	static const char *const out[] = { "s3:AbortMultipartUpload", "s3:GetObject",
		"s3:PutObject", NULL };
	static const char *const bucket[] = { "s3:GetBucketLocation", NULL };
	const struct model_env *e = &d->m->env;
	struct iam_stmt *st;
	char *b;
	const char *prefix;

	if (!e->athena_workgroup) {
		strbuf_addf(d->notes, "note: environment '%s' has no athena settings: the policy "
			    "cannot name the workgroup pipec validate runs in\n",
			    e->name ? e->name : "");
		return;
	}
	st = stmt(d, "Athena Queries");
	acts(st, q);
	res(st, fmt("arn:aws:athena:%s:%s:workgroup/%s", d->region, d->account,
		    e->athena_workgroup));
	if (e->athena_output_location && s3_split(e->athena_output_location, &b, &prefix)) {
		s3_access(d, "Athena Results", out, e->athena_output_location, true);
		st = stmt(d, "Athena Results Bucket");
		acts(st, bucket);
		res(st, fmt("arn:aws:s3:::%s", b));
		free(b);
	} else {
		strbuf_addf(d->notes, "note: no athena output_location: the workgroup's query result "
			    "location needs s3:GetObject, s3:PutObject, s3:AbortMultipartUpload, "
			    "s3:ListBucket and s3:GetBucketLocation\n");
	}
}

/* The tables one pipeline's Athena statements read: its target, and the
 * source table when row_count matches source compares them. */
static void validator_tables(struct iam_doc *d, const struct model_pipeline *p)
{
	static const char *const rd[] = { "glue:GetDatabase", "glue:GetPartition",
		"glue:GetPartitions", "glue:GetTable", NULL };
	static const char *const s3t[] = { "s3tables:GetTable", "s3tables:GetTableBucket",
		"s3tables:GetTableData", "s3tables:GetTableMetadataLocation", NULL };
	static const char *const glue[] = { "glue:GetCatalog", "glue:GetDatabase", "glue:GetTable",
		NULL };
	static const char *const ro[] = { "s3:GetObject", NULL };
	const struct model_target *t = &p->target;
	struct iam_stmt *st;

	if (t->kind == MT_S3TABLES && t->table_bucket_arn) {
		s3tables_access(d, "Validate S3 Tables", "Validate S3 Tables Catalog", s3t, glue, t);
	} else if (t->database) {
		st = stmt(d, "Validate Catalog Read");
		acts(st, rd);
		glue_db(d, st, t->database, t->table);
		if (t->location)
			s3_access(d, "Validate Table Files", ro, t->location, true);
	}
	if (p->source_athena_ident && p->source.kind == MS_TABLE && p->source.database) {
		size_t i;

		for (i = 0; i < p->validation.nrules; i++)
			if (p->validation.rules[i].kind == MR_ROW_COUNT_MATCHES_SOURCE) {
				st = stmt(d, "Validate Catalog Read");
				acts(st, rd);
				glue_db(d, st, p->source.database, p->source.table);
				table_files(d, p, p->source.database, p->source.table);
			}
	}
}

/* The Redshift Data API: statements on the workgroup or cluster, their
 * results (no resource-level permissions: the service gives a statement's
 * results only to the identity that ran it), and the database credentials. */
static void validator_redshift(struct iam_doc *d)
{
	static const char *const ex[] = { "redshift-data:ExecuteStatement", NULL };
	static const char *const rd[] = { "redshift-data:DescribeStatement",
		"redshift-data:GetStatementResult", NULL };
	static const char *const sec[] = { "secretsmanager:GetSecretValue", NULL };
	static const char *const sls[] = { "redshift-serverless:GetCredentials", NULL };
	static const char *const cl[] = { "redshift:GetClusterCredentials", NULL };
	const struct model_env *e = &d->m->env;
	struct iam_stmt *st;

	if (!e->has_redshift) {
		strbuf_addf(d->notes, "note: environment '%s' has no redshift settings: the policy "
			    "cannot name the Redshift workgroup or cluster pipec validate runs on\n",
			    e->name ? e->name : "");
		return;
	}
	st = stmt(d, "Redshift Data Statements");
	acts(st, ex);
	/* a Serverless workgroup's ARN holds its id, not its name */
	res(st, e->redshift_workgroup
			? fmt("arn:aws:redshift-serverless:%s:%s:workgroup/*", d->region, d->account)
			: fmt("arn:aws:redshift:%s:%s:cluster:%s", d->region, d->account,
			      e->redshift_cluster));
	st = stmt(d, "Redshift Data Results");
	acts(st, rd);
	res(st, xstrdup("*"));
	if (e->redshift_secret_arn) {
		st = stmt(d, "Redshift Secret");
		acts(st, sec);
		res(st, xstrdup(e->redshift_secret_arn));
		return;
	}
	st = stmt(d, "Redshift Credentials");
	if (e->redshift_workgroup) {
		acts(st, sls);
		res(st, fmt("arn:aws:redshift-serverless:%s:%s:workgroup/*", d->region, d->account));
	} else {
		acts(st, cl);
		res(st, fmt("arn:aws:redshift:%s:%s:dbuser:%s/%s", d->region, d->account,
			    e->redshift_cluster, e->redshift_db_user ? e->redshift_db_user : "*"));
		res(st, fmt("arn:aws:redshift:%s:%s:dbname:%s/%s", d->region, d->account,
			    e->redshift_cluster, e->redshift_database));
	}
}

static void iam_validator(struct iam_doc *d)
{
	size_t i;
	bool athena = false, redshift = false;

	for (i = 0; i < d->m->npipelines; i++) {
		const struct model_pipeline *p = &d->m->pipelines[i];

		if (p->target.kind == MT_REDSHIFT) {
			redshift = true;
			continue;
		}
		athena = true;
		validator_tables(d, p);
	}
	if (athena)
		validator_athena(d);
	if (redshift)
		validator_redshift(d);
}

/* What `pipec run` and `pipec status` call (compiler/jobrun.c, cmd_run.c,
 * cmd_status.c): the job's runs and tags, its triggers' states, its
 * data-quality results, the run's log streams. */
static void iam_operator(struct iam_doc *d)
{
	static const char *const runs[] = { "glue:BatchStopJobRun", "glue:GetJob", "glue:GetJobRun",
		"glue:GetJobRuns", "glue:GetTags", "glue:StartJobRun", NULL };
	static const char *const trig[] = { "glue:GetTrigger", NULL };
	/* no resource type is documented for the results: "*" */
	static const char *const dq[] = { "glue:GetDataQualityResult",
		"glue:ListDataQualityResults", NULL };
	static const char *const logs[] = { "logs:GetLogEvents", NULL };
	struct iam_stmt *st;
	size_t i;
	bool validates = false;

	st = stmt(d, "Glue Job Runs");
	if (kind_arns(d, st, IK_JOB, "job"))
		acts(st, runs);
	else
		drop_last(d);
	st = stmt(d, "Glue Trigger States");
	if (kind_arns(d, st, IK_TRIGGER, "trigger"))
		acts(st, trig);
	else
		drop_last(d);
	for (i = 0; i < d->m->npipelines; i++)
		validates |= d->m->pipelines[i].validates;
	if (validates) {
		st = stmt(d, "Glue Data Quality Results");
		acts(st, dq);
		res(st, xstrdup("*"));
	}
	st = stmt(d, "Job Run Logs");
	acts(st, logs);
	res(st, fmt("arn:aws:logs:%s:%s:log-group:/aws-glue/jobs/output:log-stream:*", d->region,
		    d->account));
	res(st, fmt("arn:aws:logs:%s:%s:log-group:/aws-glue/jobs/error:log-stream:*", d->region,
		    d->account));
}

json_t *iam_policy(const struct model_project *m, const struct catalog *cat, enum iam_for who,
		   struct strbuf *notes)
{
	struct iam_doc d;

	memset(&d, 0, sizeof(d));
	d.m = m;
	d.cat = cat;
	d.region = m->env.region;
	d.account = m->env.account;
	d.notes = notes;
	if (who == IAM_FOR_DEPLOYER)
		iam_deployer(&d);
	else if (who == IAM_FOR_VALIDATOR)
		iam_validator(&d);
	else if (who == IAM_FOR_OPERATOR)
		iam_operator(&d);
	else
		iam_job(&d);
	return doc_json(&d);
}
