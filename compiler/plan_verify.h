/*
 * plan_verify: what `pipec deploy --plan` checks before it applies a saved
 * plan — the plan's own digest, each script against its content-addressed
 * key, and each destroy against the live state read at apply time.
 */
#ifndef PIPEC_PLAN_VERIFY_H
#define PIPEC_PLAN_VERIFY_H

#include <jansson.h>

#include "plan.h"
#include "strbuf.h"

/* 0 when doc carries a "digest" equal to plan_digest(doc); else -1
 * with a message in err. */
int plan_verify_doc(const json_t *doc, struct strbuf *err);

/* Checks a saved plan against the plan recomputed from the live state read
 * now: every job script hashes to the sha256 in its ScriptLocation, and every
 * destroy is one the live state (owned, by its tags) also destroys.  Returns
 * 0, or -1 with one line per failure in err. */
int plan_verify_saved(const struct plan *saved, const struct plan *now, struct strbuf *err);

/* Checks a build directory before deploy --from uses it: every artifact the
 * plan reads (job.py, job.json, triggers.json, ruleset.json, workflow.json of
 * each pipeline directory) is listed in manifest.json's "artifacts" with the
 * sha256 of its bytes.  Returns 0, or -1 with one line per failure in err. */
int plan_verify_build(const char *dir, struct strbuf *err);

#endif
