/* Unit tests of the IAM policy documents (iam.c): scoping by name_prefix,
 * exact names and the prune note without one, PassRole conditions, the
 * ListBucket conditions, unique Sids and output independent of the order
 * of the pipelines. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iam.h"
#include "strbuf.h"
#include "unit.h"

static struct model_pipeline pipes[2];
static struct model_project proj;

static void setup(const char *prefix)
{
	static const char *conns[] = { "pg" };

	memset(pipes, 0, sizeof(pipes));
	memset(&proj, 0, sizeof(proj));
	proj.env.name = "dev";
	proj.env.region = "eu-west-1";
	proj.env.account = "123456789012";
	proj.env.role = "arn:aws:iam::123456789012:role/glue";
	proj.env.events_role = "arn:aws:iam::123456789012:role/events";
	proj.env.script_bucket = "art";
	proj.env.script_prefix = "pipec/";
	proj.env.name_prefix = prefix;
	pipes[0].name = "a";
	pipes[0].job.name = prefix ? "dev_a" : "a";
	pipes[0].job.role = proj.env.role;
	pipes[0].job.script_location = "s3://art/pipec/scripts/a/x.py";
	pipes[0].trigger_name = prefix ? "dev_a-trigger" : "a-trigger";
	pipes[0].source.kind = MS_S3;
	pipes[0].source.path = "s3://a.b/";	/* a whole bucket: no s3:prefix condition */
	pipes[0].target.kind = MT_PARQUET;
	pipes[0].target.location = "s3://a-b/out/";
	pipes[0].target.database = "lake";
	pipes[0].target.table = "a";
	pipes[0].schedule.kind = MSCH_S3_EVENT;
	pipes[0].workflow_name = prefix ? "dev_a-workflow" : "a-workflow";
	pipes[0].event_rule_name = prefix ? "dev_a-s3-event" : "a-s3-event";
	pipes[1].name = "b";
	pipes[1].job.name = prefix ? "dev_b" : "b";
	pipes[1].job.role = "arn:aws:iam::123456789012:role/other";
	pipes[1].job.connections = conns;
	pipes[1].job.nconnections = 1;
	pipes[1].source.kind = MS_JDBC;
	pipes[1].target.kind = MT_ICEBERG;
	pipes[1].target.location = "s3://lake/b";
	pipes[1].target.database = "lake";
	pipes[1].target.table = "b";
	proj.pipelines = pipes;
	proj.npipelines = 2;
}

static char *policy(enum iam_for who, struct strbuf *notes)
{
	json_t *d = iam_policy(&proj, NULL, who, notes);
	char *s = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(d);
	return s;
}

static json_t *statement(json_t *doc, const char *sid)
{
	size_t i;
	json_t *s;

	json_array_foreach(json_object_get(doc, "Statement"), i, s)
		if (!strcmp(json_string_value(json_object_get(s, "Sid")), sid))
			return s;
	return NULL;
}

static void test_deployer(void)
{
	struct strbuf notes = STRBUF_INIT;
	char *a, *b, *s;
	json_t *doc, *st;
	struct model_pipeline tmp;

	setup("dev_");
	a = policy(IAM_FOR_DEPLOYER, &notes);
	CHECK("deployer: no note with a name_prefix", notes.len == 0);
	doc = json_loads(a, 0, NULL);
	st = statement(doc, "GlueJobs");
	s = st ? json_dumps(json_object_get(st, "Resource"), JSON_COMPACT) : NULL;
	CHECK_STR("deployer: jobs by prefix", s, "[\"arn:aws:glue:eu-west-1:123456789012:job/dev_*\"]");
	free(s);
	st = statement(doc, "PassJobRoles");
	s = st ? json_dumps(st, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	CHECK_STR("deployer: both job roles, passed to Glue only", s,
		  "{\"Sid\":\"PassJobRoles\",\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\"],"
		  "\"Resource\":[\"arn:aws:iam::123456789012:role/glue\","
		  "\"arn:aws:iam::123456789012:role/other\"],\"Condition\":{\"StringEquals\":"
		  "{\"iam:PassedToService\":\"glue.amazonaws.com\"}}}");
	free(s);
	CHECK("deployer: events role with an S3-event schedule", statement(doc, "PassEventsRole") != NULL);
	json_decref(doc);

	tmp = pipes[0];		/* the order of the pipelines does not matter */
	pipes[0] = pipes[1];
	pipes[1] = tmp;
	b = policy(IAM_FOR_DEPLOYER, &notes);
	CHECK_STR("deployer: independent of the pipelines' order", b, a);
	free(a);
	free(b);

	setup(NULL);
	pipes[0].schedule.kind = MSCH_ON_DEMAND;
	pipes[0].workflow_name = pipes[0].event_rule_name = NULL;
	a = policy(IAM_FOR_DEPLOYER, &notes);
	CHECK("deployer: a note without a name_prefix", strstr(notes.buf, "no name_prefix") != NULL);
	doc = json_loads(a, 0, NULL);
	st = statement(doc, "GlueJobs");
	s = st ? json_dumps(json_object_get(st, "Resource"), JSON_COMPACT) : NULL;
	CHECK_STR("deployer: exact job names", s,
		  "[\"arn:aws:glue:eu-west-1:123456789012:job/a\","
		  "\"arn:aws:glue:eu-west-1:123456789012:job/b\"]");
	free(s);
	CHECK("deployer: no workflow, rule or events role statement without one",
	      !statement(doc, "GlueWorkflows") && !statement(doc, "EventBridgeRules") &&
	      !statement(doc, "PassEventsRole") && !statement(doc, "GlueDataQualityRulesets"));
	json_decref(doc);
	free(a);
	strbuf_release(&notes);
}

static void test_job(void)
{
	struct strbuf notes = STRBUF_INIT;
	char *a, *s;
	json_t *doc, *st;
	size_t i, j;

	setup("dev_");
	a = policy(IAM_FOR_JOB, &notes);
	doc = json_loads(a, 0, NULL);
	CHECK("job: the connection's secret is noted", strstr(notes.buf, "connection 'pg'") != NULL);
	CHECK("job: no secretsmanager action", strstr(a, "secretsmanager") == NULL);
	st = statement(doc, "ListBucketAB");	/* "a-b" sorts before "a.b" */
	s = st ? json_dumps(json_object_get(st, "Condition"), JSON_COMPACT) : NULL;
	CHECK_STR("job: a bucket's listing is conditioned on its prefix", s,
		  "{\"StringLike\":{\"s3:prefix\":\"out/*\"}}");
	free(s);
	st = statement(doc, "ListBucketAB2");	/* "a.b" spells the same Sid: numbered */
	s = st ? json_dumps(json_object_get(st, "Resource"), JSON_COMPACT) : NULL;
	CHECK("job: a second bucket of one Sid is numbered; a whole bucket has no condition",
	      st && !json_object_get(st, "Condition") && s && strstr(s, "a.b") != NULL);
	free(s);
	for (i = 0; i < json_array_size(json_object_get(doc, "Statement")); i++)
		for (j = 0; j < i; j++)
			CHECK("job: Sids are unique",
			      strcmp(json_string_value(json_object_get(json_array_get(json_object_get(doc, "Statement"), i), "Sid")),
				     json_string_value(json_object_get(json_array_get(json_object_get(doc, "Statement"), j), "Sid"))));
	st = statement(doc, "PublishDataQuality");
	CHECK("job: no PublishDataQuality without rules", st == NULL);
	json_decref(doc);
	{
		struct model_pipeline tmp = pipes[0];
		char *b;

		pipes[0] = pipes[1];
		pipes[1] = tmp;
		b = policy(IAM_FOR_JOB, &notes);
		CHECK_STR("job: independent of the pipelines' order", b, a);
		free(b);
	}
	free(a);
	strbuf_release(&notes);
}

int main(void)
{
	test_deployer();
	test_job();
	return unit_done();
}
