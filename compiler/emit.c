/*
 * emit: the build driver — renders every artifact of every pipeline, writes
 * them under the output directory and lists them, with their sha256 and the
 * facts plan needs, in manifest.json.
 */
#include "emit.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
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
	struct artifact *arts;
	size_t narts, alloc;
	struct strbuf *err;
};

static int mkdir_p(const char *path, struct strbuf *err)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			strbuf_addf(err, "cannot create directory '%s': %s", p, strerror(errno));
			rc = -1;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return rc;
}

/*
 * A pipeline's directory inside the build directory, never followed when it
 * is a symbolic link: the link (not what it points to) is replaced by a
 * real directory, as a link planted at an artifact's path is replaced by
 * the file.  Anything else that is not a directory is an error.
 */
static int own_dir(const char *path, struct strbuf *err)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && unlink(path) < 0) {
		strbuf_addf(err, "cannot replace the symbolic link '%s': %s", path, strerror(errno));
		return -1;
	}
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create directory '%s': %s", path, strerror(errno));
		return -1;
	}
	/* what is there now must be a directory of its own, not a link made since */
	if (lstat(path, &st) < 0) {
		strbuf_addf(err, "cannot create directory '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		strbuf_addf(err, "cannot create directory '%s': something that is not a directory "
				 "is in the way", path);
		return -1;
	}
	return 0;
}

static int write_artifact(struct build *b, const char *rel, const struct strbuf *data)
{
	struct strbuf path = STRBUF_INIT;
	struct artifact *a;
	int rc = 0;

	strbuf_addf(&path, "%s/%s", b->o->out_dir, rel);
	if (strbuf_write_file(data, path.buf) < 0) {
		strbuf_addf(b->err, "cannot write '%s': %s", path.buf, strerror(errno));
		rc = -1;
	}
	strbuf_release(&path);
	if (rc)
		return rc;
	XGROW(b->arts, b->alloc, b->narts + 1);
	a = &b->arts[b->narts++];
	a->path = xstrdup(rel);
	sigv4_sha256_hex(data->buf, data->len, a->sha);
	a->bytes = data->len;
	return 0;
}

static void remove_stale(struct build *b, const char *name, const char *file)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/%s/%s", b->o->out_dir, name, file);
	unlink(path.buf);
	strbuf_release(&path);
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
	struct strbuf dir = STRBUF_INIT, rel = STRBUF_INIT, data = STRBUF_INIT;
	char sha[65];
	int rc = -1;

	strbuf_addf(&dir, "%s/%s", b->o->out_dir, p->name);
	if (own_dir(dir.buf, b->err) < 0)
		goto out;

#define WRITE(file) \
	do { \
		strbuf_reset(&rel); \
		strbuf_addf(&rel, "%s/%s", p->name, file); \
		if (write_artifact(b, rel.buf, &data) < 0) \
			goto out; \
		strbuf_reset(&data); \
	} while (0)

	if (emit_script(mp, p, ts, &data, b->err) < 0)
		goto out;
	sigv4_sha256_hex(data.buf, data.len, sha);
	WRITE("job.py");
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
	rc = 0;
out:
	strbuf_release(&dir);
	strbuf_release(&rel);
	strbuf_release(&data);
	return rc;
}

/* alerts.json at the build's top, when the environment has alerts (alerts.h). */
static int emit_alerts(struct build *b, const struct model_project *mp)
{
	struct strbuf data = STRBUF_INIT, path = STRBUF_INIT;
	int rc = 0;

	if (alerts_render(mp, &data)) {
		rc = write_artifact(b, ALERTS_FILE, &data);
	} else {
		strbuf_addf(&path, "%s/%s", b->o->out_dir, ALERTS_FILE);
		unlink(path.buf);
	}
	strbuf_release(&data);
	strbuf_release(&path);
	return rc;
}

int emit_project(const struct model_project *mp, const struct emit_opts *o, struct strbuf *err)
{
	struct build b = { o, NULL, 0, 0, err };
	struct template_set ts;
	struct strbuf data = STRBUF_INIT, path = STRBUF_INIT;
	json_t *m, *arts, *pipes;
	char *text;
	size_t i;
	int rc = 1;

	if (template_set_load(&ts, o->template_dir, err) < 0)
		return 1;
	if (mkdir_p(o->out_dir, err) < 0)
		goto out;
	for (i = 0; i < mp->npipelines; i++)
		if (emit_pipeline(&b, mp, &mp->pipelines[i], &ts) < 0)
			goto out;
	if (emit_alerts(&b, mp) < 0)
		goto out;

	qsort(b.arts, b.narts, sizeof(*b.arts), cmp_art);
	m = json_object();
	json_object_set_new(m, "version", json_integer(1));
	json_object_set_new(m, "pipec_version", jstr(PIPEC_VERSION));
	json_object_set_new(m, "project", jstr_or_null(mp->name));
	json_object_set_new(m, "environment", jstr_or_null(mp->env.name));
	arts = json_array();
	for (i = 0; i < b.narts; i++) {
		json_t *a = json_object();

		json_object_set_new(a, "path", jstr(b.arts[i].path));
		json_object_set_new(a, "sha256", jstr(b.arts[i].sha));
		json_object_set_new(a, "bytes", json_integer((json_int_t)b.arts[i].bytes));
		json_array_append_new(arts, a);
	}
	json_object_set_new(m, "artifacts", arts);
	pipes = json_object();
	for (i = 0; i < mp->npipelines; i++)
		json_object_set_new(pipes, mp->pipelines[i].name, facts(&mp->pipelines[i]));
	json_object_set_new(m, "pipelines", pipes);
	text = json_dumps(m, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(m);
	if (!text)
		abort();
	strbuf_addstr(&data, text);
	strbuf_addch(&data, '\n');
	free(text);
	strbuf_addf(&path, "%s/manifest.json", o->out_dir);
	if (strbuf_write_file(&data, path.buf) < 0) {
		strbuf_addf(err, "cannot write '%s': %s", path.buf, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < b.narts; i++)
		free(b.arts[i].path);
	free(b.arts);
	strbuf_release(&data);
	strbuf_release(&path);
	template_set_release(&ts);
	return rc;
}
