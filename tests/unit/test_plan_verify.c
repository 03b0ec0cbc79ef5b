/* Unit tests of plan_verify: the plan digest (what it covers, that it is
 * independent of key order), scripts against their content-addressed keys,
 * and destroys against the plan recomputed from the live state. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "plan_verify.h"
#include "unit.h"
#include "xalloc.h"

static json_t *J(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	if (!v)
		abort();
	return v;
}

static void test_digest(void)
{
	json_t *a = J("{\"format\":\"pipec-plan\",\"b\":[1,{\"y\":\"\\u00e9\",\"x\":2}],\"a\":null}");
	json_t *b = J("{\"a\":null,\"b\":[1,{\"x\":2,\"y\":\"\\u00e9\"}],\"format\":\"pipec-plan\"}");
	char da[65], db[65], dc[65];
	struct strbuf err = STRBUF_INIT;

	plan_digest(a, da);
	plan_digest(b, db);
	CHECK_STR("the digest does not depend on key order", da, db);
	/* the canonical text: compact, sorted keys, non-ASCII escaped */
	{
		const char *canon = "{\"a\":null,\"b\":[1,{\"x\":2,\"y\":\"\\u00E9\"}],\"format\":\"pipec-plan\"}";
		char want[65];

		plan_sha256_hex(canon, strlen(canon), want);
		CHECK_STR("the digest is the SHA-256 of the canonical serialization", da, want);
	}
	json_object_set_new(a, "digest", json_string(da));
	plan_digest(a, dc);
	CHECK_STR("the digest does not cover itself", dc, da);
	CHECK("a document with its digest verifies", plan_verify_doc(a, &err) == 0);
	json_object_set_new(json_array_get(json_object_get(a, "b"), 1), "x", json_integer(3));
	CHECK("an edited value is refused",
	      plan_verify_doc(a, &err) < 0 && strstr(err.buf, "digest does not match"));
	strbuf_reset(&err);
	CHECK("a document without digest is refused",
	      plan_verify_doc(b, &err) < 0 && strstr(err.buf, "has no digest"));
	json_decref(a);
	json_decref(b);
	strbuf_release(&err);
}

static struct plan_change *add(struct plan *p, enum plan_kind k, enum plan_action a, const char *name)
{
	struct plan_change *c;

	XGROW(p->changes, p->alloc, p->count + 1);
	c = &p->changes[p->count++];
	memset(c, 0, sizeof(*c));
	c->kind = k;
	c->action = a;
	c->name = xstrdup(name);
	c->pipeline = xstrdup("p");
	p->counts[a]++;
	return c;
}

static void test_saved(void)
{
	struct plan saved, now;
	struct plan_change *c;
	struct strbuf err = STRBUF_INIT;
	char sha[65], loc[200];

	plan_init(&saved);
	plan_init(&now);
	c = add(&saved, PLAN_JOB, PLAN_UPDATE, "j");
	c->script = xstrdup("print(1)\n");
	plan_sha256_hex(c->script, strlen(c->script), sha);
	snprintf(loc, sizeof(loc), "s3://b/pipec/scripts/j/%s.py", sha);
	c->desired = json_pack("{s:s, s:{s:s}}", "Name", "j", "Command", "ScriptLocation", loc);
	add(&saved, PLAN_TRIGGER, PLAN_DESTROY, "t");
	add(&now, PLAN_TRIGGER, PLAN_DESTROY, "t");
	CHECK("an untouched plan verifies", plan_verify_saved(&saved, &now, &err) == 0);

	free(c->script);
	c->script = xstrdup("print(2)\n");
	CHECK("a script that does not hash to its key is refused",
	      plan_verify_saved(&saved, &now, &err) < 0 &&
	      strstr(err.buf, "job 'j': its script's sha256 is not the one in its ScriptLocation"));
	strbuf_reset(&err);
	free(c->script);
	c->script = xstrdup("print(1)\n");

	add(&saved, PLAN_JOB, PLAN_DESTROY, "other");
	CHECK("a destroy the live state does not show as owned is refused",
	      plan_verify_saved(&saved, &now, &err) < 0 && strstr(err.buf, "destroys job 'other'"));
	strbuf_reset(&err);
	add(&now, PLAN_JOB, PLAN_KEEP, "other");
	CHECK("an owned resource the live plan keeps cannot be destroyed by the file",
	      plan_verify_saved(&saved, &now, &err) < 0);
	strbuf_reset(&err);
	add(&now, PLAN_JOB, PLAN_DESTROY, "other");
	CHECK("a destroy the live plan also makes verifies", plan_verify_saved(&saved, &now, &err) == 0);
	plan_release(&saved);
	plan_release(&now);
	strbuf_release(&err);
}

int main(void)
{
	test_digest();
	test_saved();
	return unit_done();
}
