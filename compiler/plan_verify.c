/*
 * plan_verify: checks of a saved plan before deploy applies it.
 */
#include "plan_verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

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

/* The sha256 of a file's bytes; -1 when it does not exist, -2 when unreadable. */
static int file_sha256(const char *path, char out[65])
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	int rc = 0;

	if (!f)
		return errno == ENOENT ? -1 : -2;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	if (ferror(f))
		rc = -2;
	fclose(f);
	if (rc == 0)
		plan_sha256_hex(sb.buf ? sb.buf : "", sb.len, out);
	strbuf_release(&sb);
	return rc;
}

static const char *listed_sha(const json_t *artifacts, const char *rel)
{
	size_t i;
	json_t *a;

	json_array_foreach(artifacts, i, a) {
		const char *p = json_string_value(json_object_get(a, "path"));

		if (p && !strcmp(p, rel))
			return json_string_value(json_object_get(a, "sha256"));
	}
	return NULL;
}

/* One artifact against its sha256 in the manifest (a file neither present
 * nor listed is fine); adds one line to err when it fails (after others
 * when failed_before). */
static int check_artifact(const char *dir, const char *rel, const json_t *artifacts,
			  int failed_before, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	const char *want = listed_sha(artifacts, rel);
	char have[65];
	int r;

	strbuf_addf(&path, "%s/%s", dir, rel);
	r = file_sha256(path.buf, have);
	strbuf_release(&path);
	if ((r == -1 && !want) || (r == 0 && want && !strcmp(want, have)))
		return 0;
	if (err->len && failed_before)
		strbuf_addch(err, '\n');
	if (r == -1)
		strbuf_addf(err, "build '%s': %s is listed in manifest.json but missing", dir, rel);
	else if (r < 0)
		strbuf_addf(err, "build '%s': cannot read %s", dir, rel);
	else if (!want)
		strbuf_addf(err, "build '%s': %s is not listed in manifest.json", dir, rel);
	else
		strbuf_addf(err, "build '%s': %s does not match its sha256 in manifest.json", dir, rel);
	return -1;
}

int plan_verify_build(const char *dir, struct strbuf *err)
{
	static const char *const files[] = { "job.py", "job.json", "triggers.json", "ruleset.json",
					     "workflow.json" };
	struct strbuf path = STRBUF_INIT, rel = STRBUF_INIT;
	json_t *manifest, *artifacts;
	json_error_t je;
	DIR *d;
	struct dirent *de;
	int rc = 0;
	size_t k;

	strbuf_addf(&path, "%s/manifest.json", dir);
	manifest = json_load_file(path.buf, 0, &je);
	artifacts = json_object_get(manifest, "artifacts");
	if (!json_is_array(artifacts)) {
		strbuf_addf(err, "build '%s': manifest.json %s", dir,
			    manifest ? "lists no artifacts" : "cannot be read");
		json_decref(manifest);
		strbuf_release(&path);
		return -1;
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.buf, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			strbuf_reset(&rel);
			strbuf_addf(&rel, "%s/%s", de->d_name, files[k]);
			if (check_artifact(dir, rel.buf, artifacts, rc, err))
				rc = -1;
		}
	}
	/* the environment's alerts (alerts.h), beside manifest.json */
	if (check_artifact(dir, "alerts.json", artifacts, rc, err))
		rc = -1;
	if (d)
		closedir(d);
	json_decref(manifest);
	strbuf_release(&path);
	strbuf_release(&rel);
	return rc;
}
