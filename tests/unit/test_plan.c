/* Unit tests of plan: live definitions normalised against Glue's defaults,
 * replace detection, ownership errors, and the plan JSON round trip. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "unit.h"

static json_t *J(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	if (!v)
		abort();
	return v;
}

static const struct plan_change *find(const struct plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (!strcmp(p->changes[i].name, name))
			return &p->changes[i];
	return NULL;
}

static void test_normalize(void)
{
	struct plan_state want, live;
	struct plan p;
	struct plan_resource *r;
	const struct plan_change *c;

	plan_state_init(&want, "desired");
	plan_state_init(&live, "live");
	plan_state_add(&want, PLAN_JOB, "j", "p",
		       J("{\"Name\":\"j\",\"Role\":\"r\",\"Command\":{\"Name\":\"glueetl\",\"ScriptLocation\":\"s3://b/k.py\"},"
			 "\"WorkerType\":\"G.1X\",\"NumberOfWorkers\":2,\"Tags\":{\"team\":\"data\"}}"),
		       NULL);
	/* what Glue answers: server-filled members, read-only ones, no tags */
	r = plan_state_add(&live, PLAN_JOB, "j", "p",
			   J("{\"Name\":\"j\",\"Role\":\"r\",\"Command\":{\"Name\":\"glueetl\",\"ScriptLocation\":\"s3://b/k.py\",\"PythonVersion\":null},"
			     "\"WorkerType\":\"G.1X\",\"NumberOfWorkers\":2,\"MaxCapacity\":2.0,\"AllocatedCapacity\":2,"
			     "\"Timeout\":480,\"MaxRetries\":0,\"JobMode\":\"SCRIPT\",\"ExecutionClass\":\"STANDARD\","
			     "\"ExecutionProperty\":{\"MaxConcurrentRuns\":1},\"DefaultArguments\":{},"
			     "\"CreatedOn\":1.5,\"LastModifiedOn\":2.5}"),
			   NULL);
	r->live = true;
	r->tags_known = false;
	plan_init(&p);
	plan_compute(&p, &want, &live, false, NULL, NULL);
	c = find(&p, "j");
	CHECK("server defaults and read-only members do not make a change",
	      c && c->action == PLAN_UNCHANGED && c->fields.count == 0);
	plan_release(&p);

	/* a setting the definition dropped, still set live, shows as removed */
	json_object_set_new(r->body, "NotificationProperty", J("{\"NotifyDelayAfter\":5}"));
	json_object_set_new(r->body, "Timeout", json_integer(60));
	plan_init(&p);
	plan_compute(&p, &want, &live, false, NULL, NULL);
	c = find(&p, "j");
	CHECK("non-default live members show as removed",
	      c && c->action == PLAN_UPDATE && c->fields.count == 2 &&
		      !strcmp(c->fields.items[0].path, "NotificationProperty") &&
		      !c->fields.items[0].new_value && !strcmp(c->fields.items[1].path, "Timeout"));
	plan_release(&p);

	r->owned = false;
	plan_init(&p);
	plan_compute(&p, &want, &live, false, NULL, NULL);
	CHECK("a live resource not owned is an error, not a change",
	      p.nerrors == 1 && strstr(p.errors[0], "job 'j' exists but is not managed") && !find(&p, "j"));
	plan_release(&p);
	plan_state_release(&want);
	plan_state_release(&live);
}

static void test_replace_and_roundtrip(void)
{
	struct plan_state want, old;
	struct plan p, q;
	struct strbuf err = STRBUF_INIT;
	const struct plan_change *c;
	json_t *a, *b;
	char *ta, *tb;

	plan_state_init(&want, "desired");
	plan_state_init(&old, "old");
	plan_state_add(&want, PLAN_TRIGGER, "t", "p",
		       J("{\"Name\":\"t\",\"Type\":\"ON_DEMAND\",\"Actions\":[{\"JobName\":\"j\"}]}"), NULL);
	plan_state_add(&old, PLAN_TRIGGER, "t", "p",
		       J("{\"Name\":\"t\",\"Type\":\"SCHEDULED\",\"Schedule\":\"cron(0 1 * * ? *)\",\"Actions\":[{\"JobName\":\"j\"}]}"),
		       NULL);
	plan_state_add(&old, PLAN_TRIGGER, "gone", "q",
		       J("{\"Name\":\"gone\",\"Type\":\"SCHEDULED\",\"Actions\":[{\"JobName\":\"k\"}]}"), NULL);
	plan_init(&p);
	plan_compute(&p, &want, &old, true, NULL, NULL);
	c = find(&p, "t");
	CHECK("a trigger type change is a replace with its reason",
	      c && c->action == PLAN_REPLACE && c->note && strstr(c->note, "Type changes from"));
	c = find(&p, "gone");
	CHECK("an undeclared resource is destroyed with --prune", c && c->action == PLAN_DESTROY);
	CHECK("destroying a scheduled trigger warns twice (destroyed, schedule stopped)",
	      p.nwarnings == 3 && plan_has_changes(&p));

	a = plan_to_json(&p);
	plan_init(&q);
	CHECK("the plan JSON reads back", plan_from_json(&q, a, &err) == 0);
	b = plan_to_json(&q);
	ta = plan_json_text(a);
	tb = plan_json_text(b);
	CHECK_STR("the plan JSON round-trips byte for byte", tb, ta);
	free(ta);
	free(tb);
	json_object_set_new(a, "version", json_integer(99));
	plan_release(&q);
	plan_init(&q);
	strbuf_reset(&err);
	CHECK("another version is refused",
	      plan_from_json(&q, a, &err) < 0 && strstr(err.buf, "version 99 is not supported"));
	json_decref(a);
	json_decref(b);
	plan_release(&q);
	plan_release(&p);
	plan_state_release(&want);
	plan_state_release(&old);
	strbuf_release(&err);
}

/* A trigger the pipeline starts, found stopped: a State change; an ON_DEMAND
 * one, or one found running, is not. */
static void test_trigger_state(void)
{
	struct plan_state want, live;
	struct plan p;
	struct plan_resource *r;
	const struct plan_change *c;

	plan_state_init(&want, "desired");
	plan_state_init(&live, "live");
	plan_state_add(&want, PLAN_TRIGGER, "s", "p",
		       J("{\"Name\":\"s\",\"Type\":\"SCHEDULED\",\"Schedule\":\"cron(0 * * * ? *)\","
			 "\"StartOnCreation\":true,\"Actions\":[{\"JobName\":\"j\"}]}"), NULL);
	plan_state_add(&want, PLAN_TRIGGER, "r", "p",
		       J("{\"Name\":\"r\",\"Type\":\"SCHEDULED\",\"Schedule\":\"cron(0 * * * ? *)\","
			 "\"StartOnCreation\":true,\"Actions\":[{\"JobName\":\"j\"}]}"), NULL);
	plan_state_add(&want, PLAN_TRIGGER, "o", "p",
		       J("{\"Name\":\"o\",\"Type\":\"ON_DEMAND\",\"Actions\":[{\"JobName\":\"j\"}]}"), NULL);
	r = plan_state_add(&live, PLAN_TRIGGER, "s", "p",
		       J("{\"Name\":\"s\",\"Type\":\"SCHEDULED\",\"Schedule\":\"cron(0 * * * ? *)\","
			 "\"State\":\"DEACTIVATED\",\"Actions\":[{\"JobName\":\"j\"}]}"), NULL);
	r->live = true;
	r->tags_known = false;
	r = plan_state_add(&live, PLAN_TRIGGER, "r", "p",
		       J("{\"Name\":\"r\",\"Type\":\"SCHEDULED\",\"Schedule\":\"cron(0 * * * ? *)\","
			 "\"State\":\"ACTIVATED\",\"Actions\":[{\"JobName\":\"j\"}]}"), NULL);
	r->live = true;
	r->tags_known = false;
	r = plan_state_add(&live, PLAN_TRIGGER, "o", "p",
		       J("{\"Name\":\"o\",\"Type\":\"ON_DEMAND\",\"State\":\"CREATED\","
			 "\"Actions\":[{\"JobName\":\"j\"}]}"), NULL);
	r->live = true;
	r->tags_known = false;
	plan_init(&p);
	plan_compute(&p, &want, &live, false, NULL, NULL);
	c = find(&p, "s");
	CHECK("a stopped scheduled trigger is an update", c && c->action == PLAN_UPDATE);
	CHECK("its one field is State DEACTIVATED -> ACTIVATED",
	      c && c->fields.count == 1 && !strcmp(c->fields.items[0].path, "State") &&
	      !strcmp(json_string_value(c->fields.items[0].old_value), "DEACTIVATED") &&
	      !strcmp(json_string_value(c->fields.items[0].new_value), "ACTIVATED"));
	c = find(&p, "r");
	CHECK("a running scheduled trigger is unchanged", c && c->action == PLAN_UNCHANGED);
	c = find(&p, "o");
	CHECK("an on-demand trigger's state is not desired state", c && c->action == PLAN_UNCHANGED);
	plan_release(&p);
	plan_state_release(&want);
	plan_state_release(&live);
}

int main(void)
{
	test_normalize();
	test_replace_and_roundtrip();
	test_trigger_state();
	return unit_done();
}
