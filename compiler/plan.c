#include "plan.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "names.h"
#include "plan_evolve.h"
#include "xalloc.h"

static const char *const kind_names[PLAN_NKINDS] = {
	"file", "job", "workflow", "event-rule", "trigger", "ruleset", "alert-rule",
};

static const char *const action_names[PLAN_NACTIONS] = {
	"unchanged", "create", "update", "replace", "destroy", "keep",
};

const char *plan_kind_name(enum plan_kind k)
{
	return kind_names[k];
}

const char *plan_action_name(enum plan_action a)
{
	return action_names[a];
}

int plan_kind_from_name(const char *s)
{
	int i;

	for (i = 0; i < PLAN_NKINDS; i++)
		if (!strcmp(s, kind_names[i]))
			return i;
	return -1;
}

int plan_action_from_name(const char *s)
{
	int i;

	for (i = 0; i < PLAN_NACTIONS; i++)
		if (!strcmp(s, action_names[i]))
			return i;
	return -1;
}

void plan_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	size_t i;

	SHA256(data, len, md);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		out[2 * i] = "0123456789abcdef"[md[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	out[64] = '\0';
}

/* ---- states ---- */

void plan_state_init(struct plan_state *s, const char *label)
{
	memset(s, 0, sizeof(*s));
	s->project = xstrdup("");
	s->environment = xstrdup("");
	s->label = xstrdup(label);
	s->facts = json_object();
	strmap_init(&s->index);
}

void plan_state_release(struct plan_state *s)
{
	size_t i;

	for (i = 0; i < s->count; i++) {
		free(s->items[i].name);
		free(s->items[i].pipeline);
		free(s->items[i].script);
		json_decref(s->items[i].body);
	}
	free(s->items);
	for (i = 0; i < s->nkeys; i++)
		free(s->keys[i]);
	free(s->keys);
	strmap_release(&s->index);
	free(s->project);
	free(s->environment);
	free(s->label);
	json_decref(s->facts);
	memset(s, 0, sizeof(*s));
}

struct plan_resource *plan_state_add(struct plan_state *s, enum plan_kind kind, const char *name,
				     const char *pipeline, json_t *body, char *script)
{
	struct plan_resource *r;

	XGROW(s->items, s->alloc, s->count + 1);
	r = &s->items[s->count++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->name = xstrdup(name);
	r->pipeline = xstrdup(pipeline ? pipeline : "");
	r->body = body;
	r->script = script;
	r->tags_known = true;
	r->owned = true;
	{
		struct strbuf key = STRBUF_INIT;

		strbuf_addf(&key, "%d/%s", (int)kind, name);
		if (!strmap_get(&s->index, key.buf)) {
			XGROW(s->keys, s->keys_alloc, s->nkeys + 1);
			s->keys[s->nkeys] = strbuf_detach(&key, NULL);
			strmap_put(&s->index, s->keys[s->nkeys], (void *)(uintptr_t)s->count);
			s->nkeys++;
		}
		strbuf_release(&key);
	}
	return r;
}

const struct plan_resource *plan_state_find(const struct plan_state *s, enum plan_kind kind,
					    const char *name)
{
	struct strbuf key = STRBUF_INIT;
	uintptr_t pos;

	strbuf_addf(&key, "%d/%s", (int)kind, name);
	pos = (uintptr_t)strmap_get(&s->index, key.buf);
	strbuf_release(&key);
	return pos ? &s->items[pos - 1] : NULL;
}

static json_t *load_json(const char *path, bool *missing, struct strbuf *err)
{
	json_error_t je;
	json_t *v;
	struct stat st;

	*missing = false;
	if (stat(path, &st) != 0) {
		*missing = true;
		return NULL;
	}
	v = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		strbuf_addf(err, "cannot read '%s': %s (line %d)", path, je.text, je.line);
	return v;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * The workflow.json artifact holds the CreateWorkflow request and the
 * EventBridge PutRule/PutTargets requests of an S3-event schedule.
 */
static void add_workflow(struct plan_state *s, const char *pipeline, json_t *wf)
{
	json_t *create = json_object_get(wf, "CreateWorkflow");
	json_t *rule = json_object_get(wf, "PutRule");
	json_t *targets = json_object_get(wf, "PutTargets");

	if (create && jstr(create, "Name"))
		plan_state_add(s, PLAN_WORKFLOW, jstr(create, "Name"), pipeline, json_deep_copy(create),
			       NULL);
	if (rule && jstr(rule, "Name")) {
		json_t *body = json_object();

		json_object_set_new(body, "PutRule", json_deep_copy(rule));
		if (targets)
			json_object_set_new(body, "PutTargets", json_deep_copy(targets));
		plan_state_add(s, PLAN_EVENT_RULE, jstr(rule, "Name"), pipeline, body, NULL);
	}
}

/* Files that deploy uploads: manifest facts "uploads": [{"local","s3","sha256"}]. */
static void add_uploads(struct plan_state *s, const char *pipeline, const json_t *facts)
{
	json_t *ups = json_object_get(facts, "uploads");
	size_t i;
	json_t *u;

	json_array_foreach(ups, i, u) {
		const char *s3 = jstr(u, "s3"), *local = jstr(u, "local"), *sha = jstr(u, "sha256");

		if (!s3 || !local)
			continue;
		if (plan_state_find(s, PLAN_FILE, s3))
			continue;
		plan_state_add(s, PLAN_FILE, s3, pipeline,
			       json_pack("{s:s, s:s?}", "source", local, "sha256", sha), NULL);
	}
}

static json_t *parse_artifact(const char *text, const char *pipeline, const char *file,
			      struct strbuf *err)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);

	if (!v)
		strbuf_addf(err, "cannot read '%s/%s': %s (line %d)", pipeline, file, je.text, je.line);
	return v;
}

int plan_state_add_pipeline(struct plan_state *s, const char *pipeline, const char *job_py,
			    const char *job_json, const char *triggers_json,
			    const char *ruleset_json, const char *workflow_json, json_t *facts,
			    struct strbuf *err)
{
	json_t *job, *triggers = NULL, *ruleset = NULL, *wf = NULL, *t;
	size_t i;
	int rc = -1;

	if (facts)
		json_object_set(s->facts, pipeline, facts);
	job = parse_artifact(job_json, pipeline, "job.json", err);
	if (!job)
		return -1;
	if (!jstr(job, "Name")) {
		strbuf_addf(err, "'%s/job.json' has no Name", pipeline);
		json_decref(job);
		return -1;
	}
	plan_state_add(s, PLAN_JOB, jstr(job, "Name"), pipeline, job, xstrdup(job_py));
	if (triggers_json && !(triggers = parse_artifact(triggers_json, pipeline, "triggers.json", err)))
		goto out;
	json_array_foreach(triggers, i, t) {
		if (jstr(t, "Name"))
			plan_state_add(s, PLAN_TRIGGER, jstr(t, "Name"), pipeline, json_incref(t), NULL);
	}
	if (ruleset_json && !(ruleset = parse_artifact(ruleset_json, pipeline, "ruleset.json", err)))
		goto out;
	if (ruleset && jstr(ruleset, "Name"))
		plan_state_add(s, PLAN_RULESET, jstr(ruleset, "Name"), pipeline, json_incref(ruleset),
			       NULL);
	if (workflow_json && !(wf = parse_artifact(workflow_json, pipeline, "workflow.json", err)))
		goto out;
	if (wf)
		add_workflow(s, pipeline, wf);
	add_uploads(s, pipeline, json_object_get(s->facts, pipeline));
	rc = 0;
out:
	json_decref(triggers);
	json_decref(ruleset);
	json_decref(wf);
	return rc;
}

/* Reads dir/pipeline/file into *text (NULL when the file does not exist). */
static int read_artifact(const char *dir, const char *pipeline, const char *file, char **text,
			 bool required, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	struct stat st;

	*text = NULL;
	strbuf_addf(&path, "%s/%s/%s", dir, pipeline, file);
	if (stat(path.buf, &st) != 0 && !required) {
		strbuf_release(&path);
		return 0;
	}
	if (strbuf_read_file(&sb, path.buf) != 0) {
		strbuf_addf(err, "cannot read '%s'", path.buf);
		strbuf_release(&path);
		strbuf_release(&sb);
		return -1;
	}
	*text = strbuf_detach(&sb, NULL);
	strbuf_release(&path);
	return 0;
}

static int load_pipeline_dir(struct plan_state *s, const char *dir, const char *pipeline,
			     struct strbuf *err)
{
	static const char *const files[] = { "job.py", "job.json", "triggers.json", "ruleset.json",
					     "workflow.json" };
	char *text[5] = { NULL, NULL, NULL, NULL, NULL };
	size_t i;
	int rc = -1;

	for (i = 0; i < 5; i++)
		if (read_artifact(dir, pipeline, files[i], &text[i], i < 2, err) != 0)
			goto out;
	rc = plan_state_add_pipeline(s, pipeline, text[0], text[1], text[2], text[3], text[4],
				     NULL, err);
	if (rc != 0 && !strstr(err->buf, dir)) {
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "%s (in '%s')", err->buf, dir);
		strbuf_reset(err);
		strbuf_addstr(err, msg.buf);
		strbuf_release(&msg);
	}
out:
	for (i = 0; i < 5; i++)
		free(text[i]);
	return rc;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int plan_state_load_dir(struct plan_state *s, const char *dir, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	json_t *manifest, *pipelines;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	bool missing;
	int rc = 0;

	strbuf_addf(&path, "%s/manifest.json", dir);
	manifest = load_json(path.buf, &missing, err);
	if (!manifest) {
		if (missing)
			strbuf_addf(err, "'%s' is not a pipec build directory (no manifest.json)", dir);
		strbuf_release(&path);
		return -1;
	}
	free(s->project);
	free(s->environment);
	s->project = xstrdup(jstr(manifest, "project") ? jstr(manifest, "project") : "");
	s->environment = xstrdup(jstr(manifest, "environment") ? jstr(manifest, "environment") : "");
	pipelines = json_object_get(manifest, "pipelines");
	if (json_is_object(pipelines)) {
		const char *key;
		json_t *val;

		json_object_foreach(pipelines, key, val) {
			json_object_set(s->facts, key, val);
			XGROW(names, alloc, n + 1);
			names[n++] = xstrdup(key);
		}
	} else {
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			struct stat st;

			if (de->d_name[0] == '.')
				continue;
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s/job.json", dir, de->d_name);
			if (stat(path.buf, &st) == 0) {
				XGROW(names, alloc, n + 1);
				names[n++] = xstrdup(de->d_name);
			}
		}
		if (d)
			closedir(d);
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_cstr);
	for (i = 0; i < n && rc == 0; i++)
		rc = load_pipeline_dir(s, dir, names[i], err);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	json_decref(manifest);
	strbuf_release(&path);
	return rc;
}

static json_t *tags_of(json_t *body)
{
	json_t *tags = json_object_get(body, "Tags");

	if (!json_is_object(tags)) {
		tags = json_object();
		json_object_set_new(body, "Tags", tags);
	}
	return tags;
}

static const char *fact_watermark(const json_t *facts);
static char *fact_partition(const json_t *facts);

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

size_t plan_description_base(const char *desc)
{
	size_t n = desc ? strlen(desc) : 0, pre = sizeof(PLAN_MARKER_PREFIX) - 1, base;

	if (n < PLAN_MARKER_LEN || desc[n - 1] != ']')
		return n;
	base = n - PLAN_MARKER_LEN;
	if (strncmp(desc + base, PLAN_MARKER_PREFIX, pre) || !is_hex(desc + base + pre, PLAN_MARKER_HEX))
		return n;
	return base > 0 && desc[base - 1] == ' ' ? base - 1 : base;
}

/* Description without pipec's marker; the member is removed when nothing is left. */
static void strip_marker(json_t *body)
{
	const char *d = jstr(body, "Description");
	size_t base;

	if (!d)
		return;
	base = plan_description_base(d);
	if (base == 0)
		json_object_del(body, "Description");
	else if (base < strlen(d))
		json_object_set_new(body, "Description", json_stringn(d, base));
}

/* Appends the marker of hex to the Description, cutting the declared text
 * (on a UTF-8 boundary) so that the whole fits Glue's limit. */
static void add_marker(json_t *body, const char *hex)
{
	const char *d = jstr(body, "Description");
	size_t n = d ? strlen(d) : 0, room = PLAN_DESCRIPTION_MAX - PLAN_MARKER_LEN - 1;
	struct strbuf sb = STRBUF_INIT;

	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)d[n] & 0xC0) == 0x80)
			n--;
	}
	if (n) {
		strbuf_add(&sb, d, n);
		strbuf_addch(&sb, ' ');
	}
	strbuf_addf(&sb, "%s%.*s]", PLAN_MARKER_PREFIX, PLAN_MARKER_HEX, hex);
	json_object_set_new(body, "Description", json_string(sb.buf));
	strbuf_release(&sb);
}

char *plan_tag_encode(const char *value)
{
	char *r = xmalloc(3 * strlen(value) + 1);

	names_tag_encode(value, r);
	return r;
}

char *plan_tag_decode(const char *tag_value)
{
	char *r = xmalloc(strlen(tag_value) + 1);

	names_tag_decode(tag_value, r);
	return r;
}

/* Sets one of pipec's own tags, its value encoded. */
static void set_own_tag(json_t *tags, const char *key, const char *value)
{
	char *v = plan_tag_encode(value);

	json_object_set_new(tags, key, json_string(v));
	free(v);
}

void plan_state_stamp(struct plan_state *s)
{
	size_t i;

	for (i = 0; i < s->count; i++) {
		struct plan_resource *r = &s->items[i];
		json_t *tags;
		char *text, hex[65];

		if (r->kind != PLAN_JOB && r->kind != PLAN_TRIGGER && r->kind != PLAN_WORKFLOW &&
		    r->kind != PLAN_RULESET)
			continue;
		tags = tags_of(r->body);
		set_own_tag(tags, PLAN_TAG_PROJECT, s->project);
		set_own_tag(tags, PLAN_TAG_ENV, s->environment);
		set_own_tag(tags, PLAN_TAG_PIPELINE, r->pipeline);
		{
			struct strbuf owner = STRBUF_INIT;

			strbuf_addf(&owner, "%s/%s", s->project, s->environment);
			set_own_tag(tags, PLAN_TAG_OWNER, owner.buf);
			strbuf_release(&owner);
		}
		if (r->kind == PLAN_JOB) {
			const json_t *facts = json_object_get(s->facts, r->pipeline);
			const char *wm = fact_watermark(facts);
			char *part = fact_partition(facts);

			if (wm)
				set_own_tag(tags, PLAN_TAG_WATERMARK, wm);
			if (part)
				set_own_tag(tags, PLAN_TAG_PARTITION, part);
			free(part);
		}
		json_object_del(tags, PLAN_TAG_HASH);
		strip_marker(r->body);
		text = plan_json_text(r->body);
		plan_sha256_hex(text, strlen(text), hex);
		free(text);
		json_object_set_new(tags, PLAN_TAG_HASH, json_string(hex));
		add_marker(r->body, hex);
	}
}

/* ---- manifest facts (tolerant of the spellings a manifest may use) ---- */

static const char *fact_incremental_kind(const json_t *facts)
{
	const json_t *inc = json_object_get(facts, "incremental");

	if (json_is_string(inc))
		return json_string_value(inc);
	if (json_is_object(inc))
		return jstr(inc, "kind");
	return jstr(facts, "incremental_kind");
}

static const char *fact_watermark(const json_t *facts)
{
	const json_t *inc = json_object_get(facts, "incremental");
	const char *kind = fact_incremental_kind(facts);

	if (!kind || strcmp(kind, "watermark"))
		return NULL;
	if (json_is_object(inc) && jstr(inc, "column"))
		return jstr(inc, "column");
	return jstr(facts, "watermark_column");
}

/* The partition spec as one string ("days(ts), bucket(16, id)"), or NULL when unknown. */
static char *fact_partition(const json_t *facts)
{
	static const char *const keys[] = { "partitioning", "partition_spec", "partitions" };
	const json_t *v = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *e;

	for (i = 0; i < 3 && !v; i++)
		v = json_object_get(facts, keys[i]);
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (!json_is_array(v))
		return NULL;
	json_array_foreach(v, i, e) {
		if (i)
			strbuf_addstr(&sb, ", ");
		strbuf_addstr(&sb, json_is_string(e) ? json_string_value(e) : "?");
	}
	return strbuf_detach(&sb, NULL);
}

static const char *fact_target(const json_t *facts)
{
	const json_t *t = json_object_get(facts, "target");

	if (json_is_string(t))
		return json_string_value(t);
	if (json_is_object(t))
		return jstr(t, "spark") ? jstr(t, "spark") : jstr(t, "athena");
	return NULL;
}

/* ---- normalising live definitions ---- */

/* Map-valued members: their keys are data, compared whole. */
static bool is_map_member(const char *key)
{
	return !strcmp(key, "DefaultArguments") || !strcmp(key, "NonOverridableArguments") ||
	       !strcmp(key, "Tags") || !strcmp(key, "Arguments") ||
	       !strcmp(key, "DefaultRunProperties");
}

/* What Glue fills in when a request leaves a member out. */
static bool is_server_default(enum plan_kind kind, const char *key, const json_t *v)
{
	static const char *const ignored[] = {
		"CreatedOn", "LastModifiedOn", "ProfileName", "AllocatedCapacity", "MaxCapacity",
		"Id", "State", "RecommendationRunId", "RuleCount", "LastRun", "Graph",
		"CreationTime", "DataQualitySecurityConfiguration", NULL,
	};
	size_t i;

	(void)kind;
	for (i = 0; ignored[i]; i++)
		if (!strcmp(key, ignored[i]))
			return true;
	if (json_is_null(v))
		return true;
	if (json_is_string(v) && json_string_length(v) == 0)
		return true;
	if ((json_is_object(v) && json_object_size(v) == 0) ||
	    (json_is_array(v) && json_array_size(v) == 0))
		return true;
	if (!strcmp(key, "MaxRetries") && json_integer_value(v) == 0)
		return true;
	if (!strcmp(key, "ExecutionClass") && !strcmp(json_string_value(v) ? json_string_value(v) : "", "STANDARD"))
		return true;
	if (!strcmp(key, "JobMode") && !strcmp(json_string_value(v) ? json_string_value(v) : "", "SCRIPT"))
		return true;
	if (!strcmp(key, "JobRunQueuingEnabled") && json_is_false(v))
		return true;
	if (!strcmp(key, "ExecutionProperty") &&
	    json_integer_value(json_object_get(v, "MaxConcurrentRuns")) == 1 &&
	    json_object_size(v) == 1)
		return true;
	if (!strcmp(key, "Connections") && json_array_size(json_object_get(v, "Connections")) == 0)
		return true;
	if (!strcmp(key, "Timeout") && json_integer_value(v) == 480)
		return true;
	if (!strcmp(key, "Command"))
		return false;
	return false;
}

/*
 * Keeps the members of live that the desired definition sets, and those
 * it leaves out only when they differ from what Glue fills in by default
 * (so a removed setting still shows as removed).
 */
static json_t *normalize(enum plan_kind kind, const json_t *live, const json_t *desired,
			 bool top)
{
	json_t *out = json_object();
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)live, key, val) {
		const json_t *want = json_object_get(desired, key);

		if (top && !strcmp(key, "StartOnCreation"))
			continue;
		if (want) {
			if (json_is_object(val) && json_is_object(want) && !is_map_member(key))
				json_object_set_new(out, key, normalize(kind, val, want, false));
			else if (json_is_array(val) && json_is_array(want) &&
				 json_array_size(val) == json_array_size(want)) {
				json_t *arr = json_array();
				size_t i;

				for (i = 0; i < json_array_size(val); i++) {
					json_t *lv = json_array_get(val, i), *dv = json_array_get(want, i);

					if (json_is_object(lv) && json_is_object(dv))
						json_array_append_new(arr, normalize(kind, lv, dv, false));
					else
						json_array_append(arr, lv);
				}
				json_object_set_new(out, key, arr);
			} else {
				json_object_set(out, key, val);
			}
		} else if (!is_server_default(kind, key, val)) {
			json_object_set(out, key, val);
		}
	}
	/* Members that only exist in a Create request are not part of a live definition. */
	if (top) {
		if (json_object_get(desired, "StartOnCreation"))
			json_object_set(out, "StartOnCreation", json_object_get(desired, "StartOnCreation"));
	}
	return out;
}

bool plan_live_differs(const struct plan_resource *want, const json_t *live_body)
{
	json_t *n = normalize(want->kind, live_body, want->body, true);
	json_t *w = json_deep_copy(want->body);
	bool differs;

	json_object_del(n, "Tags");
	json_object_del(w, "Tags");
	json_object_del(n, "StartOnCreation");
	json_object_del(w, "StartOnCreation");
	differs = !json_equal(n, w);
	json_decref(n);
	json_decref(w);
	return differs;
}

/* ---- plans ---- */

void plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->project = xstrdup("");
	p->environment = xstrdup("");
	p->against = xstrdup("");
}

void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		struct plan_change *c = &p->changes[i];

		free(c->name);
		free(c->pipeline);
		json_decref(c->desired);
		json_decref(c->deployed);
		free(c->script);
		plan_fields_release(&c->fields);
		free(c->script_diff);
		free(c->note);
		json_decref(c->schema_edits);
	}
	free(p->changes);
	for (i = 0; i < p->nwarnings; i++) {
		free(p->warnings[i].pipeline);
		free(p->warnings[i].code);
		free(p->warnings[i].message);
	}
	free(p->warnings);
	for (i = 0; i < p->nerrors; i++)
		free(p->errors[i]);
	free(p->errors);
	free(p->project);
	free(p->environment);
	free(p->against);
	free(p->fingerprint);
	free(p->region);
	free(p->account);
	memset(p, 0, sizeof(*p));
}

static struct plan_change *add_change(struct plan *p, enum plan_kind kind, enum plan_action action,
				      const char *name, const char *pipeline)
{
	struct plan_change *c;

	XGROW(p->changes, p->alloc, p->count + 1);
	c = &p->changes[p->count++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->action = action;
	c->name = xstrdup(name);
	c->pipeline = xstrdup(pipeline);
	return c;
}

static void add_warning(struct plan *p, const char *pipeline, const char *code, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));

static void add_warning(struct plan *p, const char *pipeline, const char *code, const char *fmt,
			...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	for (i = 0; i < p->nwarnings; i++)
		if (!strcmp(p->warnings[i].pipeline, pipeline) && !strcmp(p->warnings[i].code, code) &&
		    !strcmp(p->warnings[i].message, sb.buf)) {
			strbuf_release(&sb);
			return;
		}
	XGROW(p->warnings, p->warnings_alloc, p->nwarnings + 1);
	p->warnings[p->nwarnings].pipeline = xstrdup(pipeline);
	p->warnings[p->nwarnings].code = xstrdup(code);
	p->warnings[p->nwarnings].message = strbuf_detach(&sb, NULL);
	p->nwarnings++;
}

static void add_error(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_error(struct plan *p, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	XGROW(p->errors, p->errors_alloc, p->nerrors + 1);
	p->errors[p->nerrors++] = strbuf_detach(&sb, NULL);
}

static const char *script_location(const json_t *job)
{
	return json_string_value(json_object_get(json_object_get(job, "Command"), "ScriptLocation"));
}

/* Why a change to this resource needs delete + create, or NULL. */
static char *replace_reason(enum plan_kind kind, const json_t *old_body, const json_t *new_body)
{
	static const char *const trigger_keys[] = { "Type", "WorkflowName", NULL };
	static const char *const ruleset_keys[] = { "TargetTable", NULL };
	const char *const *keys = kind == PLAN_TRIGGER ? trigger_keys :
				  kind == PLAN_RULESET ? ruleset_keys : NULL;
	size_t i;

	for (i = 0; keys && keys[i]; i++) {
		json_t *o = json_object_get(old_body, keys[i]), *n = json_object_get(new_body, keys[i]);

		if ((o || n) && !(o && n && json_equal(o, n))) {
			char *ot = plan_json_text(o), *nt = plan_json_text(n);
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "%s changes from %s to %s, which Glue cannot update in place",
				    keys[i], ot, nt);
			free(ot);
			free(nt);
			return strbuf_detach(&sb, NULL);
		}
	}
	return NULL;
}

/* What the edit of a job's script does to its table: c->schema_edits; a
 * refused edit is a plan error. */
/* True when script hashes to the SHA-256 its location names
 * (".../<sha256>.py", the content-addressed key it was uploaded under). */
static bool script_matches_key(const char *script, const char *location)
{
	const char *base = location ? strrchr(location, '/') : NULL;
	char hex[65];

	if (!base || strlen(base + 1) != 64 + 3 || strcmp(base + 1 + 64, ".py"))
		return false;
	plan_sha256_hex(script, strlen(script), hex);
	return !strncmp(base + 1, hex, 64);
}

/* What the edit of a job's script does to its table: c->schema_edits; a
 * refused edit is a plan error.  The deployed script's schema lines are
 * trusted only when it hashes to its key. */
static void classify_schema(struct plan *p, struct plan_change *c, const char *old_script,
			    const char *old_location, const char *new_script)
{
	json_t *o = plan_evolve_read(old_script), *n = plan_evolve_read(new_script), *e;
	size_t i;

	if (o && n && !script_matches_key(old_script, old_location)) {
		c->schema_edits = plan_evolve_unverified();
	} else if (o && n) {
		c->schema_edits = plan_evolve_classify(o, n);
		json_array_foreach(c->schema_edits, i, e)
			if (!strcmp(json_string_value(json_object_get(e, "class")), "refused")) {
				struct strbuf sb = STRBUF_INIT;

				plan_evolve_describe(e, &sb);
				add_error(p, "pipeline '%s': %s", c->pipeline, sb.buf);
				strbuf_release(&sb);
			}
		if (!json_array_size(c->schema_edits)) {
			json_decref(c->schema_edits);
			c->schema_edits = NULL;
		}
	}
	json_decref(o);
	json_decref(n);
}

static void diff_resource(struct plan *p, const struct plan_resource *want,
			  const struct plan_resource *have, plan_fetch_script_fn fetch, void *ctx)
{
	json_t *old_body, *new_body = json_deep_copy(want->body);
	struct plan_change *c;
	struct plan_fields fields = PLAN_FIELDS_INIT, shown = PLAN_FIELDS_INIT;
	size_t i, ntag = 0, nown = 0;
	bool desc_differs;
	char *reason;

	if (have->live)
		old_body = normalize(want->kind, have->body, want->body, true);
	else
		old_body = json_deep_copy(have->body);
	if (!have->tags_known) {
		json_object_del(old_body, "Tags");
		json_object_set(old_body, "Tags", json_object_get(new_body, "Tags"));
		if (!json_object_get(new_body, "Tags"))
			json_object_del(old_body, "Tags");
	}
	if (want->kind == PLAN_TRIGGER) {
		/* StartOnCreation is an instruction to CreateTrigger, not a property. */
		json_object_del(old_body, "StartOnCreation");
		if (json_object_get(new_body, "StartOnCreation"))
			json_object_set(old_body, "StartOnCreation",
					json_object_get(new_body, "StartOnCreation"));
	}
	{
		/* the marker follows from the rest: compared apart, never shown as a field */
		json_t *o = json_deep_copy(old_body), *n = json_deep_copy(new_body);

		strip_marker(o);
		strip_marker(n);
		plan_diff_json(o, n, "", &fields);
		json_decref(o);
		json_decref(n);
	}
	if (want->kind == PLAN_TRIGGER) {
		/* State is desired state for the triggers the pipeline starts: one
		 * stopped by hand is a change (deploy starts it again) */
		const char *st = jstr(have->body, "State"), *ty = jstr(new_body, "Type");

		if (st && ty && strcmp(ty, "ON_DEMAND") &&
		    json_is_true(json_object_get(new_body, "StartOnCreation")) &&
		    strcmp(st, "ACTIVATED") && strcmp(st, "ACTIVATING") && strcmp(st, "CREATING")) {
			XGROW(fields.items, fields.alloc, fields.count + 1);
			fields.items[fields.count].path = xstrdup("State");
			fields.items[fields.count].old_value = json_string(st);
			fields.items[fields.count].new_value = json_string("ACTIVATED");
			fields.count++;
		}
	}
	{
		desc_differs = strcmp(jstr(old_body, "Description") ? jstr(old_body, "Description") : "",
				      jstr(new_body, "Description") ? jstr(new_body, "Description") : "") != 0;
	}
	reason = replace_reason(want->kind, old_body, new_body);
	/* pipec's own tags follow from the rest (the hash changes with any edit):
	 * they make an update but are not shown as fields */
	for (i = 0; i < fields.count; i++) {
		if (!strncmp(fields.items[i].path, "Tags.", 5))
			ntag++;
		if (!strncmp(fields.items[i].path, "Tags.pipec:", 11)) {
			nown++;
			continue;
		}
	}
	c = add_change(p, want->kind,
		       reason ? PLAN_REPLACE : fields.count || desc_differs ? PLAN_UPDATE : PLAN_UNCHANGED,
		       want->name, want->pipeline);
	for (i = 0; i < fields.count; i++) {
		struct plan_field *f = &fields.items[i];

		if (strncmp(f->path, "Tags.pipec:", 11)) {
			XGROW(shown.items, shown.alloc, shown.count + 1);
			shown.items[shown.count++] = *f;
		} else {
			free(f->path);
			json_decref(f->old_value);
			json_decref(f->new_value);
		}
	}
	free(fields.items);
	c->fields = shown;
	if (nown && nown == fields.count && !reason)
		reason = xstrdup("only pipec's ownership tags change");
	else if (!fields.count && desc_differs && !reason)
		reason = xstrdup("only pipec's content marker in the description changes");
	c->note = reason;
	c->tags_changed = ntag > 0;
	c->desired = new_body;
	c->deployed = old_body;
	if (want->kind == PLAN_JOB) {
		const char *ol = script_location(old_body), *nl = script_location(new_body);
		char *old_script = NULL;
		struct strbuf d = STRBUF_INIT, la = STRBUF_INIT, lb = STRBUF_INIT;

		c->script = want->script ? xstrdup(want->script) : NULL;
		if (have->script)
			old_script = xstrdup(have->script);
		else if (ol && nl && strcmp(ol, nl) && fetch)
			old_script = fetch(ctx, ol);
		strbuf_addf(&la, "a/%s/job.py", want->pipeline);
		strbuf_addf(&lb, "b/%s/job.py", want->pipeline);
		if (old_script || !(ol && nl && strcmp(ol, nl))) {
			if (old_script && want->script &&
			    plan_diff_text(old_script, want->script, la.buf, lb.buf, &d))
				c->script_diff = strbuf_detach(&d, NULL);
		} else if (!c->note) {
			c->note = xstrdup("the deployed script could not be read: no script diff");
		}
		if (c->action == PLAN_UNCHANGED && c->script_diff)
			c->action = PLAN_UPDATE;
		if (have->live && have->script && c->script_diff && ol && nl && !strcmp(ol, nl) &&
		    !c->note)
			c->note = xstrdup(*have->script ? "the script object was replaced in S3 under its "
							  "key (its content is not the sha256 the key names): "
							  "deploy uploads it again"
							: "the script object is missing from S3: deploy uploads "
							  "it again");
		if (old_script && want->script)
			classify_schema(p, c, old_script, ol, want->script);
		free(old_script);
		strbuf_release(&d);
		strbuf_release(&la);
		strbuf_release(&lb);
	}
}

static int kind_rank(enum plan_kind k)
{
	return (int)k;
}

static int cmp_change(const void *x, const void *y)
{
	const struct plan_change *a = x, *b = y;
	int r = strcmp(a->pipeline, b->pipeline);

	if (r)
		return r;
	if (kind_rank(a->kind) != kind_rank(b->kind))
		return kind_rank(a->kind) - kind_rank(b->kind);
	return strcmp(a->name, b->name);
}

static const char *bookmark_option(const json_t *job)
{
	return json_string_value(
		json_object_get(json_object_get(job, "DefaultArguments"), "--job-bookmark-option"));
}

static bool bookmarks_on(const json_t *job)
{
	const char *b = bookmark_option(job);

	return b && !strcmp(b, "job-bookmark-enable");
}

/* Old facts: the manifest's, or, for live jobs, what the job's tags
 * recorded (decoded).  *wm and *part are the caller's to free. */
static void old_facts(const struct plan_state *st, const char *pipeline, const json_t *old_job,
		      char **wm, char **part, bool *known)
{
	const json_t *facts = json_object_get(st->facts, pipeline);

	*wm = NULL;
	*part = NULL;
	*known = false;
	if (facts) {
		*wm = fact_watermark(facts) ? xstrdup(fact_watermark(facts)) : NULL;
		*part = fact_partition(facts);
		*known = true;
	} else if (old_job && json_object_get(old_job, "Tags")) {
		const json_t *tags = json_object_get(old_job, "Tags");

		*wm = jstr(tags, PLAN_TAG_WATERMARK) ? plan_tag_decode(jstr(tags, PLAN_TAG_WATERMARK)) : NULL;
		*part = jstr(tags, PLAN_TAG_PARTITION) ? plan_tag_decode(jstr(tags, PLAN_TAG_PARTITION)) : NULL;
		*known = jstr(tags, PLAN_TAG_HASH) != NULL;
	}
}

static bool is_scheduled(const json_t *trigger)
{
	const char *t = jstr(trigger, "Type");

	return t && (!strcmp(t, "SCHEDULED") || !strcmp(t, "CONDITIONAL") || !strcmp(t, "EVENT"));
}

static void compute_warnings(struct plan *p, const struct plan_state *desired,
			     const struct plan_state *deployed)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->kind == PLAN_TRIGGER && c->action == PLAN_DESTROY)
			add_warning(p, c->pipeline, "trigger-destroyed",
				    "trigger '%s' is deleted: runs it started will no longer start",
				    c->name);
		if (c->kind == PLAN_TRIGGER && (c->action == PLAN_DESTROY || c->action == PLAN_REPLACE ||
						c->action == PLAN_UPDATE) &&
		    is_scheduled(c->deployed) && (!c->desired || !is_scheduled(c->desired))) {
			size_t j;
			bool other = false;

			/* another scheduled trigger of the pipeline keeps it running */
			for (j = 0; j < p->count; j++)
				if (j != i && !strcmp(p->changes[j].pipeline, c->pipeline) &&
				    p->changes[j].kind == PLAN_TRIGGER && p->changes[j].desired &&
				    is_scheduled(p->changes[j].desired))
					other = true;
			if (!other)
				add_warning(p, c->pipeline, "schedule-stopped",
					    "pipeline '%s' no longer runs on a schedule (trigger '%s' was %s)",
					    c->pipeline, c->name, jstr(c->deployed, "Type"));
		}
		if (c->kind == PLAN_JOB && c->deployed && bookmarks_on(c->deployed)) {
			if (c->action == PLAN_DESTROY)
				add_warning(p, c->pipeline, "bookmark-reset",
					    "job '%s' is deleted with its job bookmark: a new job reads every file again",
					    c->name);
			else if (c->desired && !bookmarks_on(c->desired))
				add_warning(p, c->pipeline, "bookmark-reset",
					    "job bookmarks of '%s' change from enabled to %s: processed files are read again",
					    c->name, bookmark_option(c->desired) ? bookmark_option(c->desired) : "off");
		}
		if (c->kind == PLAN_JOB && c->action == PLAN_CREATE && c->desired &&
		    bookmarks_on(c->desired)) {
			/* a renamed job: the same pipeline had another, now destroyed, job */
			size_t j;

			for (j = 0; j < p->count; j++)
				if (p->changes[j].kind == PLAN_JOB &&
				    (p->changes[j].action == PLAN_DESTROY ||
				     p->changes[j].action == PLAN_KEEP) &&
				    !strcmp(p->changes[j].pipeline, c->pipeline))
					add_warning(p, c->pipeline, "bookmark-reset",
						    "job '%s' replaces '%s': its bookmark starts empty and every file is read again",
						    c->name, p->changes[j].name);
		}
		if (c->kind == PLAN_JOB && c->desired && c->deployed &&
		    (c->action == PLAN_UPDATE || c->action == PLAN_UNCHANGED || c->action == PLAN_REPLACE)) {
			const json_t *nf = json_object_get(desired->facts, c->pipeline);
			const char *nwm = fact_watermark(nf);
			char *owm, *opart, *npart = fact_partition(nf);
			const char *otarget = fact_target(json_object_get(deployed->facts, c->pipeline));
			const char *ntarget = fact_target(nf);
			bool known;

			old_facts(deployed, c->pipeline, c->deployed, &owm, &opart, &known);
			if (known && owm && (!nwm || strcmp(owm, nwm)))
				add_warning(p, c->pipeline, "watermark-reset",
					    nwm ? "watermark column changes from '%s' to '%s': the next run reads from the initial value"
						: "watermark on '%s' is removed%s: the next run reads everything",
					    owm, nwm ? nwm : "");
			else if (known && owm && nwm && otarget && ntarget && strcmp(otarget, ntarget))
				add_warning(p, c->pipeline, "watermark-reset",
					    "target changes from %s to %s: the watermark is derived from the target and starts over",
					    otarget, ntarget);
			if (known && opart && npart && strcmp(opart, npart))
				add_warning(p, c->pipeline, "partition-change",
					    "partition spec changes from [%s] to [%s]: existing data keeps the old layout",
					    opart, npart);
			free(owm);
			free(opart);
			free(npart);
		}
	}
}

/* A live resource whose own tags were read and are not this project's:
 * the error names the owner they give. */
static void not_owned_error(struct plan *p, const struct plan_state *desired,
			    const struct plan_resource *have)
{
	const char *owner = jstr(json_object_get(have->body, "Tags"), PLAN_TAG_OWNER);
	char *dec = owner ? plan_tag_decode(owner) : NULL;

	add_error(p, "%s '%s' exists but is not managed by project '%s' environment '%s' (%s%s%s): "
		  "pipec leaves it alone",
		  plan_kind_name(have->kind), have->name, desired->project, desired->environment,
		  dec ? "its owner: " PLAN_TAG_OWNER "=" : "it has no " PLAN_TAG_OWNER " tag",
		  dec ? dec : "", "");
	free(dec);
}

void plan_compute(struct plan *p, const struct plan_state *desired,
		  const struct plan_state *deployed, bool prune, plan_fetch_script_fn fetch,
		  void *fetch_ctx)
{
	size_t i;

	free(p->project);
	free(p->environment);
	free(p->against);
	p->project = xstrdup(desired->project);
	p->environment = xstrdup(desired->environment);
	p->against = xstrdup(deployed->label);
	p->prune = prune;
	for (i = 0; i < desired->count; i++) {
		const struct plan_resource *want = &desired->items[i];
		const struct plan_resource *have = plan_state_find(deployed, want->kind, want->name);
		struct plan_change *c;

		if (have && have->live && !have->owned && want->kind == PLAN_ALERT_RULE) {
			not_owned_error(p, desired, have);
			continue;
		}
		if (have && have->live && !have->owned && want->kind != PLAN_FILE) {
			if (have->tags_known)
				not_owned_error(p, desired, have);
			else
				add_error(p,
					  "%s '%s' exists but is not managed by project '%s' environment '%s' (its %s/%s tags differ)",
					  plan_kind_name(want->kind), want->name, desired->project,
					  desired->environment, PLAN_TAG_PROJECT, PLAN_TAG_ENV);
			continue;
		}
		if (have) {
			diff_resource(p, want, have, fetch, fetch_ctx);
			continue;
		}
		c = add_change(p, want->kind, PLAN_CREATE, want->name, want->pipeline);
		c->desired = json_deep_copy(want->body);
		c->script = want->script ? xstrdup(want->script) : NULL;
		if (want->kind == PLAN_JOB && want->script) {
			struct strbuf d = STRBUF_INIT, lb = STRBUF_INIT;

			strbuf_addf(&lb, "b/%s/job.py", want->pipeline);
			plan_diff_text(NULL, want->script, "", lb.buf, &d);
			c->script_diff = strbuf_detach(&d, NULL);
			strbuf_release(&lb);
		}
	}
	for (i = 0; i < deployed->count; i++) {
		const struct plan_resource *have = &deployed->items[i];
		struct plan_change *c;

		if (plan_state_find(desired, have->kind, have->name))
			continue;
		if (have->live && !have->owned)
			continue;
		/* uploaded files are content, not owned resources: never deleted */
		if (have->kind == PLAN_FILE)
			continue;
		c = add_change(p, have->kind, prune ? PLAN_DESTROY : PLAN_KEEP, have->name,
			       have->pipeline);
		c->deployed = have->live ? json_deep_copy(have->body) : json_deep_copy(have->body);
		if (!prune)
			c->note = xstrdup("no longer declared; kept (run with --prune to destroy it)");
	}
	if (p->count)
		qsort(p->changes, p->count, sizeof(*p->changes), cmp_change);
	for (i = 0; i < p->count; i++)
		p->counts[p->changes[i].action]++;
	compute_warnings(p, desired, deployed);
}

size_t plan_schema_edit_count(const struct plan *p, const char *cls)
{
	size_t i, n = 0;

	for (i = 0; i < p->count; i++)
		n += plan_evolve_count(p->changes[i].schema_edits, cls);
	return n;
}

bool plan_has_changes(const struct plan *p)
{
	return p->counts[PLAN_CREATE] || p->counts[PLAN_UPDATE] || p->counts[PLAN_REPLACE] ||
	       p->counts[PLAN_DESTROY];
}
