/*
 * emit: the build driver — renders every artifact of every pipeline, writes
 * them under the output directory and lists them, with their sha256 and the
 * facts plan needs, in manifest.json.
 */
#include "emit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "emit_out.h"
#include "jsonw.h"
#include "sigv4.h"
#include "strbuf.h"
#include "xalloc.h"

#ifndef PIPEC_VERSION
#define PIPEC_VERSION "0.0.0"
#endif

struct artifact {
	char *path;		/* relative to the output directory */
	char sha[65];
	size_t bytes;
};

struct build {
	const struct emit_opts *o;
	struct emit_out out;
	struct artifact *arts;
	size_t narts, alloc;
	struct strbuf *err;
};

/* Writes an artifact whose sha256 the caller computed (or NULL: computed
 * here) and lists it for the manifest. */
static int write_artifact(struct build *b, const char *rel, const struct strbuf *data,
			  const char *sha)
{
	struct artifact *a;

	if (emit_out_write(&b->out, rel, data->buf, data->len, b->err) < 0)
		return -1;
	XGROW(b->arts, b->alloc, b->narts + 1);
	a = &b->arts[b->narts++];
	a->path = xstrdup(rel);
	if (sha)
		memcpy(a->sha, sha, sizeof(a->sha));
	else
		sigv4_sha256_hex(data->buf, data->len, a->sha);
	a->bytes = data->len;
	return 0;
}

static void remove_stale(struct build *b, const char *name, const char *file)
{
	struct strbuf rel = STRBUF_INIT;

	strbuf_addf(&rel, "%s/%s", name, file);
	emit_out_remove(&b->out, rel.buf);
	strbuf_release(&rel);
}

static json_t *jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");

	if (!j)
		abort();
	return j;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? jstr(s) : json_null();
}

static const char *const incremental_names[] = {
	[MI_NONE] = "none", [MI_WATERMARK] = "watermark", [MI_NEW_FILES] = "new_files",
	[MI_PARTITION] = "partition",
};

/* The joined tables: name, format, the columns the job reads (type null
 * when unknown: no catalog and not taken). */
static json_t *join_facts(const struct model_pipeline *p)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < p->njoins; i++) {
		const struct model_join *j = &p->joins[i];
		json_t *o = json_object(), *cols = json_array();

		json_object_set_new(o, "database", jstr(j->database));
		json_object_set_new(o, "table", jstr(j->table));
		json_object_set_new(o, "format", jstr(model_format_name(j->format)));
		json_object_set_new(o, "how", jstr(j->inner ? "inner" : "left"));
		for (size_t k = 0; k < j->ncolumns; k++) {
			json_t *c = json_array();

			json_array_append_new(c, jstr(j->columns[k].name));
			json_array_append_new(c, jstr_or_null(j->columns[k].spark_type));
			json_array_append_new(cols, c);
		}
		json_object_set_new(o, "columns", cols);
		json_array_append_new(arr, o);
	}
	return arr;
}

/* Columns as the manifest lists them: where each comes from (a source
 * field, a derive, an aggregate, or a group key), type, required. */
static json_t *columns_json(const struct model_pipeline *p, const struct model_column *cols,
			    size_t n)
{
	json_t *arr = json_array();
	size_t i, k;

	for (i = 0; i < n; i++) {
		json_t *c = json_object();
		const struct model_column *col = &cols[i];

		json_object_set_new(c, "name", jstr(col->name));
		for (k = 0; cols == p->columns && k < p->naggregates &&
			    strcmp(p->aggregates[k].name, col->name); k++)
			;
		if (cols == p->columns && p->aggregated && k < p->naggregates)
			json_object_set_new(c, "aggregate", jstr(model_agg_name(p->aggregates[k].fn)));
		else if (cols == p->columns && p->aggregated)
			json_object_set_new(c, "group_key", json_true());
		else if (col->derived_sql)
			json_object_set_new(c, "derive", jstr(col->derived_sql));
		else if (col->joined) {
			json_object_set_new(c, "join", jstr(col->joined->alias));
			json_object_set_new(c, "join_column", jstr(col->joined_column));
		} else
			json_object_set_new(c, "source",
					    jstr(col->source_field ? col->source_field : col->name));
		json_object_set_new(c, "type", jstr(col->spark_type));
		json_object_set_new(c, "required", json_boolean(col->required));
		if (col->renamed_from)
			json_object_set_new(c, "was", jstr(col->renamed_from));
		json_array_append_new(arr, c);
	}
	return arr;
}

static json_t *facts(const struct model_pipeline *p)
{
	json_t *f = json_object(), *arr, *inc;
	size_t i;

	json_object_set_new(f, "file", jstr(p->file));
	json_object_set_new(f, "source_kind", jstr(model_source_kind_name(p->source.kind)));
	json_object_set_new(f, "target_kind", jstr(model_target_kind_name(p->target.kind)));
	json_object_set_new(f, "target", jstr_or_null(p->target.kind == MT_REDSHIFT
						       ? model_kv_get(&p->job.script_args, "target_table")
						       : p->target.spark_ident));
	json_object_set_new(f, "target_athena", jstr_or_null(p->target.athena_ident));
	json_object_set_new(f, "mode", jstr(model_mode_name(p->mode)));
	arr = json_array();
	for (i = 0; i < p->nmerge_keys; i++)
		json_array_append_new(arr, jstr(p->merge_keys[i]));
	json_object_set_new(f, "merge_keys", arr);
	inc = json_object();
	json_object_set_new(inc, "kind", jstr(incremental_names[p->incremental.kind]));
	json_object_set_new(inc, "column", jstr_or_null(p->incremental.column));
	json_object_set_new(inc, "source_column", jstr_or_null(p->incremental.source_column));
	json_object_set_new(inc, "lag_seconds", json_integer((json_int_t)p->incremental.lag_seconds));
	json_object_set_new(inc, "initial", jstr_or_null(p->incremental.initial));
	json_object_set_new(inc, "value_kind", jstr_or_null(p->incremental.kind == MI_WATERMARK ||
							    p->incremental.kind == MI_PARTITION
							    ? p->watermark_kind : NULL));
	json_object_set_new(f, "incremental", inc);
	json_object_set_new(f, "bookmarks", json_boolean(p->job.bookmarks));
	if (p->njoins)
		json_object_set_new(f, "joins", join_facts(p));
	json_object_set_new(f, "columns", columns_json(p, p->columns, p->ncolumns));
	if (p->aggregated)	/* the columns read and derived, before the aggregate */
		json_object_set_new(f, "input_columns",
				    columns_json(p, p->input_columns, p->ninput_columns));
	arr = json_array();
	for (i = 0; i < p->npartitions; i++)
		json_array_append_new(arr, jstr(p->partitions[i].spark_expr ? p->partitions[i].spark_expr
									 : p->partitions[i].column));
	json_object_set_new(f, "partition_spec", arr);
	json_object_set_new(f, "validates", json_boolean(p->validates));
	json_object_set_new(f, "on_failure", jstr(p->validation.fail_on_error ? "fail" : "warn"));
	json_object_set_new(f, "job_name", jstr(p->job.name));
	arr = json_array();
	if (p->trigger_name)
		json_array_append_new(arr, jstr(p->trigger_name));
	json_object_set_new(f, "trigger_names", arr);
	json_object_set_new(f, "workflow_name", jstr_or_null(p->workflow_name));
	json_object_set_new(f, "event_rule_name", jstr_or_null(p->event_rule_name));
	json_object_set_new(f, "ruleset_name", jstr_or_null(p->validates ? p->validation.ruleset_name
									  : NULL));
	json_object_set_new(f, "script_location", jstr_or_null(p->job.script_location));
	arr = json_array();
	if (p->source.kind == MS_FILE) {
		json_t *u = json_object();

		json_object_set_new(u, "local", jstr(p->source.local_path));
		json_object_set_new(u, "s3", jstr(p->source.path));
		json_object_set_new(u, "sha256", jstr_or_null(p->source.local_sha256));
		json_array_append_new(arr, u);
	}
	json_object_set_new(f, "uploads", arr);
	return f;
}

static int cmp_art(const void *x, const void *y)
{
	return strcmp(((const struct artifact *)x)->path, ((const struct artifact *)y)->path);
}

static int emit_pipeline(struct build *b, const struct model_project *mp,
			 const struct model_pipeline *p, const struct template_set *ts)
{
	struct strbuf rel = STRBUF_INIT, data = STRBUF_INIT;
	char sha[65];
	int rc = -1;

	if (emit_out_subdir(&b->out, p->name, b->err) < 0)
		goto out;

#define WRITE_SHA(file, digest) \
	do { \
		strbuf_reset(&rel); \
		strbuf_addf(&rel, "%s/%s", p->name, file); \
		if (write_artifact(b, rel.buf, &data, digest) < 0) \
			goto out; \
		strbuf_reset(&data); \
	} while (0)
#define WRITE(file) WRITE_SHA(file, NULL)

	if (emit_script(mp, p, ts, &data, b->err) < 0)
		goto out;
	/* hashed once: the manifest lists it, job.json names the upload by it */
	sigv4_sha256_hex(data.buf, data.len, sha);
	WRITE_SHA("job.py", sha);
	emit_job_json(mp, p, sha, &data);
	WRITE("job.json");
	emit_triggers_json(mp, p, &data);
	WRITE("triggers.json");
	emit_validate_sql(mp, p, &data);
	WRITE("validate.sql");
	if (p->validates) {
		emit_ruleset_json(mp, p, &data);
		WRITE("ruleset.json");
	} else {
		remove_stale(b, p->name, "ruleset.json");
	}
	if (emit_workflow_json(mp, p, &data))
		WRITE("workflow.json");
	else
		remove_stale(b, p->name, "workflow.json");
#undef WRITE
#undef WRITE_SHA
	rc = 0;
out:
	strbuf_release(&rel);
	strbuf_release(&data);
	return rc;
}

/* alerts.json at the build's top, when the environment has alerts (alerts.h). */
static int emit_alerts(struct build *b, const struct model_project *mp)
{
	struct strbuf data = STRBUF_INIT;
	int rc = 0;

	if (alerts_render(mp, &data))
		rc = write_artifact(b, ALERTS_FILE, &data, NULL);
	else
		emit_out_remove(&b->out, ALERTS_FILE);
	strbuf_release(&data);
	return rc;
}

/* Appends the text of j (taken) as json_dumps(JSON_SORT_KEYS |
 * JSON_INDENT(2)) writes it inside a document at nesting depth `depth`. */
static void add_json(struct strbuf *out, json_t *j, int depth)
{
	jsonw_dump(out, j, JSON_SORT_KEYS | JSON_INDENT(2), depth);
	json_decref(j);
}

static int cmp_pipeline(const void *x, const void *y)
{
	return strcmp((*(const struct model_pipeline *const *)x)->name,
		      (*(const struct model_pipeline *const *)y)->name);
}

/* "artifacts": every file written, sorted by path. */
static void manifest_artifacts(struct build *b, struct emit_out_stream *s)
{
	struct strbuf *out = emit_out_stream_buf(s);

	qsort(b->arts, b->narts, sizeof(*b->arts), cmp_art);
	strbuf_addstr(out, b->narts ? "  \"artifacts\": [" : "  \"artifacts\": [],\n");
	for (size_t i = 0; i < b->narts; i++) {
		strbuf_addf(out, "%s\n    {\n      \"bytes\": %zu,\n      \"path\": ",
			    i ? "," : "", b->arts[i].bytes);
		add_json(out, jstr(b->arts[i].path), 3);
		strbuf_addf(out, ",\n      \"sha256\": \"%s\"\n    }", b->arts[i].sha);
		emit_out_stream_flush(s);
	}
	if (b->narts)
		strbuf_addstr(out, "\n  ],\n");
}

/* manifest.json, written entry by entry: the bytes json_dumps gives the
 * whole document with JSON_SORT_KEYS | JSON_INDENT(2), and a newline. */
static int write_manifest(struct build *b, const struct model_project *mp)
{
	struct emit_out_stream s;
	struct strbuf *out;
	const struct model_pipeline **order;
	size_t i;

	if (emit_out_stream_open(&b->out, "manifest.json", &s, b->err) < 0)
		return -1;
	out = emit_out_stream_buf(&s);
	strbuf_addstr(out, "{\n");
	manifest_artifacts(b, &s);
	strbuf_addstr(out, "  \"environment\": ");
	add_json(out, jstr_or_null(mp->env.name), 1);
	strbuf_addstr(out, ",\n  \"pipec_version\": ");
	add_json(out, jstr(PIPEC_VERSION), 1);
	strbuf_addstr(out, mp->npipelines ? ",\n  \"pipelines\": {" : ",\n  \"pipelines\": {}");
	order = xcalloc(mp->npipelines ? mp->npipelines : 1, sizeof(*order));
	for (i = 0; i < mp->npipelines; i++)
		order[i] = &mp->pipelines[i];
	qsort(order, mp->npipelines, sizeof(*order), cmp_pipeline);
	for (i = 0; i < mp->npipelines; i++) {
		strbuf_addstr(out, i ? ",\n    " : "\n    ");
		add_json(out, jstr(order[i]->name), 2);
		strbuf_addstr(out, ": ");
		add_json(out, facts(order[i]), 2);
		emit_out_stream_flush(&s);
	}
	free(order);
	if (mp->npipelines)
		strbuf_addstr(out, "\n  }");
	strbuf_addstr(out, ",\n  \"project\": ");
	add_json(out, jstr_or_null(mp->name), 1);
	strbuf_addstr(out, ",\n  \"version\": 1\n}\n");
	return emit_out_stream_close(&s, b->err);
}

int emit_project(const struct model_project *mp, const struct emit_opts *o, struct strbuf *err)
{
	struct build b;
	struct template_set ts;
	size_t i;
	int rc = 1;

	memset(&b, 0, sizeof(b));
	b.o = o;
	b.err = err;
	if (template_set_load(&ts, o->template_dir, err) < 0)
		return 1;
	if (emit_out_open(&b.out, o->out_dir, err) < 0)
		goto out;
	for (i = 0; i < mp->npipelines; i++)
		if (emit_pipeline(&b, mp, &mp->pipelines[i], &ts) < 0)
			goto out;
	if (emit_alerts(&b, mp) < 0 || write_manifest(&b, mp) < 0)
		goto out;
	/* the manifest is renamed last: it never lists a file not yet in place */
	if (emit_out_commit(&b.out, err) < 0)
		goto out;
	rc = 0;
out:
	emit_out_release(&b.out);
	for (i = 0; i < b.narts; i++)
		free(b.arts[i].path);
	free(b.arts);
	template_set_release(&ts);
	return rc;
}
