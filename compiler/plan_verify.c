/*
 * plan_verify: checks of a saved plan before deploy applies it.
 */
#include "plan_verify.h"

#include <stdlib.h>
#include <string.h>

int plan_verify_doc(const json_t *doc, struct strbuf *err)
{
	const char *have = json_string_value(json_object_get(doc, "digest"));
	char want[65];

	if (!have) {
		strbuf_addstr(err, "plan file has no digest");
		return -1;
	}
	plan_digest(doc, want);
	if (strcmp(have, want)) {
		strbuf_addstr(err, "plan file was edited: its digest does not match its content");
		return -1;
	}
	return 0;
}

/* True when loc ends in "/<sha>.py". */
static bool script_key_matches(const char *loc, const char *sha)
{
	size_t n = strlen(loc);

	return n >= 68 && loc[n - 68] == '/' && !strncmp(loc + n - 67, sha, 64) &&
	       !strcmp(loc + n - 3, ".py");
}

static bool destroys(const struct plan *p, const struct plan_change *c)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (p->changes[i].kind == c->kind && p->changes[i].action == PLAN_DESTROY &&
		    !strcmp(p->changes[i].name, c->name))
			return true;
	return false;
}

static void fail(struct strbuf *err, const char *fmt, const char *kind, const char *name)
{
	if (err->len)
		strbuf_addch(err, '\n');
	strbuf_addf(err, fmt, kind, name);
}

int plan_verify_saved(const struct plan *saved, const struct plan *now, struct strbuf *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < saved->count; i++) {
		const struct plan_change *c = &saved->changes[i];
		const char *kind = plan_kind_name(c->kind);

		if (c->kind == PLAN_JOB && c->desired && c->action != PLAN_DESTROY &&
		    c->action != PLAN_KEEP) {
			const char *loc = json_string_value(json_object_get(
				json_object_get(c->desired, "Command"), "ScriptLocation"));
			char sha[65];

			if (c->script) {
				plan_sha256_hex(c->script, strlen(c->script), sha);
				if (!loc || !script_key_matches(loc, sha)) {
					fail(err, "plan file %s '%s': its script's sha256 is not the one "
						  "in its ScriptLocation", kind, c->name);
					rc = -1;
				}
			}
		}
		if (c->action == PLAN_DESTROY && !destroys(now, c)) {
			fail(err, "plan file destroys %s '%s', which the live state does not show "
				  "as owned by this project and environment and undeclared", kind, c->name);
			rc = -1;
		}
	}
	return rc;
}
