/*
 * plan: what a deploy would change.  A plan compares a desired state (the
 * artifacts of the .pipe files, or of a build directory) with a deployed
 * state (the live AWS resources read by deploy_read_live, or another build
 * directory) resource by resource: create / update / replace / destroy
 * (with prune) / unchanged, with a field-level diff of every changed
 * definition, a unified diff of each changed job.py and warnings for
 * dangerous edits.  It renders as text, Markdown or versioned JSON (the
 * JSON is also the plan file that `pipec deploy --plan` applies).
 *
 * Ownership: a plan_state owns its resources and their JSON (one reference
 * each); a plan owns its changes, warnings and errors.  Every *_release
 * frees what the struct owns, not the struct itself.
 */
#ifndef PIPEC_PLAN_H
#define PIPEC_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "plan_diff.h"
#include "strbuf.h"
#include "strmap.h"

#define PLAN_FORMAT_VERSION 1

/* Resource kinds in deploy order (destroys run in the reverse order). */
enum plan_kind {
	PLAN_FILE,		/* a local source file uploaded to S3 */
	PLAN_JOB,		/* a Glue job (and its content-addressed script) */
	PLAN_WORKFLOW,		/* a Glue workflow (S3-event schedules, after chains) */
	PLAN_EVENT_RULE,	/* the EventBridge rule starting that workflow */
	PLAN_TRIGGER,		/* a Glue trigger */
	PLAN_RULESET,		/* a Glue Data Quality ruleset */
	PLAN_ALERT_RULE,	/* an EventBridge rule sending job failures to SNS (alerts.h) */
	PLAN_NKINDS
};

enum plan_action {
	PLAN_UNCHANGED,
	PLAN_CREATE,
	PLAN_UPDATE,
	PLAN_REPLACE,		/* delete + create: an immutable field changed */
	PLAN_DESTROY,		/* declared nowhere, and --prune */
	PLAN_KEEP,		/* declared nowhere, left alone without --prune */
	PLAN_NACTIONS
};

const char *plan_kind_name(enum plan_kind k);		/* "job", "trigger", … */
const char *plan_action_name(enum plan_action a);	/* "create", "update", … */
int plan_kind_from_name(const char *s);			/* -1 if unknown */
int plan_action_from_name(const char *s);

/* The pipeline field of the environment's alert rules, which belong to no
 * pipeline (not a pipeline name: those are identifiers). */
#define PLAN_PIPELINE_ALERTS "(alerts)"

/* Tag keys pipec puts on everything it owns. */
#define PLAN_TAG_PROJECT "pipec:project"
#define PLAN_TAG_ENV "pipec:environment"
#define PLAN_TAG_PIPELINE "pipec:pipeline"
/* "<project>/<environment>": one tag to list owned resources by, which
 * matches the same whether a tag filter means all or any of its tags */
#define PLAN_TAG_OWNER "pipec:owner"
#define PLAN_TAG_HASH "pipec:hash"
#define PLAN_TAG_WATERMARK "pipec:watermark"
#define PLAN_TAG_PARTITION "pipec:partitioning"

/* The values of pipec's own tags are encoded (names_tag_encode: the
 * characters every AWS service accepts, others as =XX) when set, and
 * decoded when read back: a partition spec "months(ts), bucket(16, id)"
 * is the tag value "months=28ts=29=2C bucket=2816=2C id=29".  Both return
 * what the caller frees. */
char *plan_tag_encode(const char *value);
char *plan_tag_decode(const char *tag_value);

/*
 * pipec's content marker, "[pipec:sha256=<16 hex>]", appended (after a
 * space) to the Description of every job, trigger, workflow and ruleset it
 * deploys: the first 16 hex digits of the pipec:hash tag, i.e. of the whole
 * definition with its tags.  Description is returned by the batched reads
 * (and by ListDataQualityRulesets), so a matching marker tells without a
 * GetTags (or a GetDataQualityRuleset) that the tags and the ruleset text
 * are what pipec last deployed.  The declared description is cut so that
 * the whole stays within Glue's 2048 characters.
 */
#define PLAN_MARKER_PREFIX "[pipec:sha256="
#define PLAN_MARKER_HEX 16
#define PLAN_MARKER_LEN (sizeof(PLAN_MARKER_PREFIX) - 1 + PLAN_MARKER_HEX + 1)
#define PLAN_DESCRIPTION_MAX 2048

/* Length of desc without a trailing content marker (and the space before it). */
size_t plan_description_base(const char *desc);

struct plan_resource {
	enum plan_kind kind;
	char *name;		/* job/trigger/workflow/rule/ruleset name; s3://… for files */
	char *pipeline;		/* "" when unknown (an undeclared live resource) */
	json_t *body;		/* the Create request (files: {"sha256","source"}) */
	char *script;		/* jobs: job.py text, NULL when not known */
	bool tags_known;	/* body's Tags are the real ones (false: live, not read) */
	bool owned;		/* live: tagged with this project and environment */
	bool live;		/* read from AWS (normalised against the desired state) */
};

struct plan_state {
	char *project;
	char *environment;
	char *label;		/* "live" or the build directory */
	struct plan_resource *items;
	size_t count, alloc;
	json_t *facts;		/* object: pipeline -> manifest facts (may be empty) */
	struct strmap index;	/* "<kind>/<name>" -> position + 1 */
	char **keys;		/* the index's keys (owned) */
	size_t nkeys, keys_alloc;
};

void plan_state_init(struct plan_state *s, const char *label);
void plan_state_release(struct plan_state *s);
/* Adds a resource; takes the reference to body and ownership of script. */
struct plan_resource *plan_state_add(struct plan_state *s, enum plan_kind kind, const char *name,
				     const char *pipeline, json_t *body, char *script);
const struct plan_resource *plan_state_find(const struct plan_state *s, enum plan_kind kind,
					    const char *name);

/*
 * Reads a `pipec build` output directory (manifest.json and every
 * <pipeline>/ directory).  Returns 0, or -1 with a message in err.
 */
int plan_state_load_dir(struct plan_state *s, const char *dir, struct strbuf *err);

/*
 * Adds one pipeline's artifacts (the texts of job.py, job.json and, when
 * not NULL, triggers.json, ruleset.json, workflow.json) and its manifest
 * facts (may be NULL; a new reference is taken).  Returns 0, or -1 with a
 * message in err.
 */
int plan_state_add_pipeline(struct plan_state *s, const char *pipeline, const char *job_py,
			    const char *job_json, const char *triggers_json,
			    const char *ruleset_json, const char *workflow_json, json_t *facts,
			    struct strbuf *err);

/*
 * Adds pipec's ownership tags (project, environment, pipeline and the
 * content hash of the definition) to the Tags of every job, trigger,
 * workflow and ruleset.  Run once on a desired state.
 */
void plan_state_stamp(struct plan_state *s);

/* True when a live definition differs from the desired one, tags aside
 * (after dropping what Glue fills in by default). */
bool plan_live_differs(const struct plan_resource *want, const json_t *live_body);

struct plan_change {
	enum plan_kind kind;
	enum plan_action action;
	char *name;
	char *pipeline;
	json_t *desired;	/* create/update/replace: the definition to apply */
	json_t *deployed;	/* the deployed definition (NULL for create) */
	char *script;		/* jobs: the desired job.py (uploaded by deploy) */
	struct plan_fields fields;
	char *script_diff;	/* jobs: unified diff of job.py, or NULL */
	char *note;		/* why a replace, or what could not be compared */
	bool tags_changed;	/* only the tags differ: TagResource/UntagResource */
	json_t *schema_edits;	/* jobs: what the edit does to the table
				   (plan_evolve_classify), or NULL */
};

struct plan_warning {
	char *pipeline;
	char *code;		/* watermark-reset, bookmark-reset, partition-change,
				   trigger-destroyed, schedule-stopped */
	char *message;
};

struct plan {
	char *project;
	char *environment;
	char *against;		/* "live" or the build directory compared with */
	bool prune;
	bool refresh_tags;	/* live: the tags of every owned resource were read */
	bool refresh;		/* live: a full read (plan --refresh: scripts, ruleset texts) */
	char *fingerprint;	/* live: hash of the state read; NULL otherwise */
	char *region;		/* live: where it was read (deploy --plan goes there); or NULL */
	char *account;		/* live: the credentials' account (checked); or NULL */
	struct plan_change *changes;
	size_t count, alloc;
	struct plan_warning *warnings;
	size_t nwarnings, warnings_alloc;
	char **errors;		/* ownership conflicts: the plan cannot be applied */
	size_t nerrors, errors_alloc;
	size_t counts[PLAN_NACTIONS];
};

/* Schema edits of class cls ("breaking", "refused") in the whole plan. */
size_t plan_schema_edit_count(const struct plan *p, const char *cls);

/* Reads a deployed job's previous script (live: from S3); NULL when it cannot. */
typedef char *(*plan_fetch_script_fn)(void *ctx, const char *script_location);

void plan_init(struct plan *p);
void plan_release(struct plan *p);

/* Compares desired with deployed and fills p (sorted by pipeline, kind, name). */
void plan_compute(struct plan *p, const struct plan_state *desired,
		  const struct plan_state *deployed, bool prune, plan_fetch_script_fn fetch,
		  void *fetch_ctx);

/* True when applying the plan would change anything. */
bool plan_has_changes(const struct plan *p);

enum plan_format { PLAN_FORMAT_TEXT, PLAN_FORMAT_MARKDOWN, PLAN_FORMAT_JSON };

void plan_render(const struct plan *p, enum plan_format fmt, struct strbuf *out);

/* How plan_render_markdown lays the Markdown out (plan_md.c keeps it
 * within a size with this).  marker: when not NULL, a first line
 * `<!-- marker -->`.  elide: when not NULL, PLAN_MD_ELIDE_* bits per
 * change (elide[i] for p->changes[i]): that change's field table or script
 * diff is replaced by one line giving how many lines were left out,
 * followed by hint ("left out" when NULL).  block_bytes: when not NULL (2
 * per change), receives the bytes change i's field table ([2i]) and script
 * diff ([2i+1]) took as rendered; entries of absent blocks are untouched. */
enum { PLAN_MD_ELIDE_FIELDS = 1, PLAN_MD_ELIDE_DIFF = 2 };
struct plan_md_layout {
	const char *marker;
	const unsigned char *elide;
	const char *hint;
	size_t *block_bytes;
};
void plan_render_markdown(const struct plan *p, const struct plan_md_layout *l, struct strbuf *out);
/* The versioned JSON document (a new reference); also the plan file. */
json_t *plan_to_json(const struct plan *p);
/* Reads a plan file back; returns 0, or -1 with a message in err. */
int plan_from_json(struct plan *p, const json_t *doc, struct strbuf *err);

/* The digest a plan document carries in "digest": lowercase hex SHA-256 of
 * the document without "digest", serialized compact, keys sorted, non-ASCII
 * escaped as \uXXXX with upper-case hex (jansson's JSON_COMPACT |
 * JSON_SORT_KEYS | JSON_ENSURE_ASCII). */
void plan_digest(const json_t *doc, char out[65]);

/* Lowercase hex SHA-256 of text. */
void plan_sha256_hex(const void *data, size_t len, char out[65]);

#endif
