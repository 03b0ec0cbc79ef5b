#include "model.h"

#include <string.h>

#include "strbuf.h"

const char *model_source_kind_name(enum model_source_kind k)
{
	static const char *const n[] = { "file", "s3", "jdbc", "snowflake", "bigquery", "dynamodb",
					 "table" };
	return (size_t)k < sizeof(n) / sizeof(*n) ? n[k] : "?";
}

const char *model_target_kind_name(enum model_target_kind k)
{
	static const char *const n[] = { "s3tables", "iceberg", "parquet", "redshift" };
	return (size_t)k < sizeof(n) / sizeof(*n) ? n[k] : "?";
}

const char *model_mode_name(enum model_mode m)
{
	static const char *const n[] = { "append", "merge", "overwrite", "replace" };
	return (size_t)m < sizeof(n) / sizeof(*n) ? n[m] : "?";
}

const char *model_format_name(enum model_format f)
{
	static const char *const n[] = { "none", "csv", "json", "jsonl", "parquet", "avro", "orc",
					 "xml", "iceberg", "hive" };
	return (size_t)f < sizeof(n) / sizeof(*n) ? n[f] : "?";
}

const char *model_jdbc_engine_name(enum model_jdbc_engine e)
{
	static const char *const n[] = { "none", "postgresql", "mysql", "sqlserver", "oracle",
					 "redshift" };
	return (size_t)e < sizeof(n) / sizeof(*n) ? n[e] : "?";
}

const char *model_kv_get(const struct model_kvlist *l, const char *key)
{
	size_t lo = 0, hi = l->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(l->items[mid].key, key);

		if (!r)
			return l->items[mid].value;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct model_column *model_input_columns(const struct model_pipeline *p, size_t *n,
					       size_t *nderived)
{
	if (p->aggregated) {
		*n = p->ninput_columns;
		if (nderived)
			*nderived = p->ninput_derived;
		return p->input_columns;
	}
	*n = p->ncolumns;
	if (nderived)
		*nderived = p->nderived;
	return p->columns;
}

const char *model_agg_name(enum model_agg f)
{
	static const char *const names[] = {
		[MA_COUNT_ROWS] = "count", [MA_COUNT] = "count",
		[MA_COUNT_DISTINCT] = "count_distinct", [MA_SUM] = "sum", [MA_AVG] = "avg",
		[MA_MIN] = "min", [MA_MAX] = "max", [MA_FIRST] = "first", [MA_LAST] = "last",
	};

	return names[f];
}

const struct model_column *model_find_column(const struct model_pipeline *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncolumns; i++)
		if (!strcmp(p->columns[i].name, name))
			return &p->columns[i];
	return NULL;
}

/* ---- --dump-model ---- */

static void quoted(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			strbuf_addf(sb, "\\%c", ch);
		else if (ch == '\n')
			strbuf_addstr(sb, "\\n");
		else if (ch == '\t')
			strbuf_addstr(sb, "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			strbuf_addf(sb, "\\x%02x", ch);
		else
			strbuf_addch(sb, (char)ch);
	}
	strbuf_addch(sb, '"');
}

static void str(struct strbuf *sb, int ind, const char *key, const char *v)
{
	if (!v)
		return;
	strbuf_addchars(sb, ' ', (size_t)ind);
	strbuf_addf(sb, "%s ", key);
	quoted(sb, v);
	strbuf_addch(sb, '\n');
}

static void word(struct strbuf *sb, int ind, const char *key, const char *v)
{
	strbuf_addchars(sb, ' ', (size_t)ind);
	strbuf_addf(sb, "%s %s\n", key, v);
}

static void num(struct strbuf *sb, int ind, const char *key, long long v)
{
	strbuf_addchars(sb, ' ', (size_t)ind);
	strbuf_addf(sb, "%s %lld\n", key, v);
}

static void flag(struct strbuf *sb, int ind, const char *key, bool v)
{
	if (v)
		word(sb, ind, key, "true");
}

static void kvlist(struct strbuf *sb, int ind, const char *key, const struct model_kvlist *l)
{
	size_t i;

	if (!l->count)
		return;
	strbuf_addchars(sb, ' ', (size_t)ind);
	strbuf_addf(sb, "%s\n", key);
	for (i = 0; i < l->count; i++) {
		strbuf_addchars(sb, ' ', (size_t)ind + 2);
		strbuf_addf(sb, "%s = ", l->items[i].key);
		quoted(sb, l->items[i].value ? l->items[i].value : "");
		strbuf_addch(sb, '\n');
	}
}

static void strlist(struct strbuf *sb, int ind, const char *key, const char *const *v, size_t n)
{
	size_t i;

	if (!n)
		return;
	strbuf_addchars(sb, ' ', (size_t)ind);
	strbuf_addstr(sb, key);
	for (i = 0; i < n; i++) {
		strbuf_addch(sb, i ? ',' : ' ');
		if (i)
			strbuf_addch(sb, ' ');
		quoted(sb, v[i]);
	}
	strbuf_addch(sb, '\n');
}

static void dump_source(struct strbuf *sb, const struct model_source *s)
{
	word(sb, 2, "source", model_source_kind_name(s->kind));
	str(sb, 4, "path", s->path);
	str(sb, 4, "local_path", s->local_path);
	str(sb, 4, "local_sha256", s->local_sha256);
	if (s->format != MF_NONE)
		word(sb, 4, "format", model_format_name(s->format));
	flag(sb, 4, "header", s->header);
	str(sb, 4, "delimiter", s->delimiter);
	str(sb, 4, "quote", s->quote);
	str(sb, 4, "escape", s->escape);
	flag(sb, 4, "multiline", s->multiline);
	str(sb, 4, "row_tag", s->row_tag);
	str(sb, 4, "compression", s->compression);
	flag(sb, 4, "recurse", s->recurse);
	strlist(sb, 4, "inclusions", s->inclusions, s->ninclusions);
	strlist(sb, 4, "exclusions", s->exclusions, s->nexclusions);
	strlist(sb, 4, "path_fields", s->path_fields, s->npath_fields);
	str(sb, 4, "path_template", s->path_template);
	if (s->engine != MJ_NONE)
		word(sb, 4, "engine", model_jdbc_engine_name(s->engine));
	str(sb, 4, "connection", s->connection);
	str(sb, 4, "database", s->database);
	str(sb, 4, "table", s->table);
	str(sb, 4, "jdbc_schema", s->jdbc_schema);
	str(sb, 4, "jdbc_table", s->jdbc_table);
	str(sb, 4, "query", s->query);
	if (s->split_column || s->split_expression) {
		str(sb, 4, "split_column", s->split_column);
		str(sb, 4, "split_expression", s->split_expression);
		num(sb, 4, "split_partitions", s->split_partitions);
	}
	str(sb, 4, "sf_database", s->sf_database);
	str(sb, 4, "sf_schema", s->sf_schema);
	str(sb, 4, "sf_warehouse", s->sf_warehouse);
	str(sb, 4, "bq_parent_project", s->bq_parent_project);
	str(sb, 4, "bq_materialization_dataset", s->bq_materialization_dataset);
	if (s->kind == MS_DYNAMODB) {
		str(sb, 4, "table_arn", s->table_arn);
		word(sb, 4, "read", s->ddb_export ? "export" : "scan");
		str(sb, 4, "export_bucket", s->export_bucket);
		str(sb, 4, "export_prefix", s->export_prefix);
		str(sb, 4, "read_percent", s->read_percent);
		if (s->splits)
			num(sb, 4, "splits", s->splits);
	}
	if (s->kind == MS_TABLE)
		word(sb, 4, "table_format", model_format_name(s->table_format));
	str(sb, 4, "upstream", s->upstream);
}

static void dump_target(struct strbuf *sb, const struct model_target *t)
{
	word(sb, 2, "target", model_target_kind_name(t->kind));
	str(sb, 4, "database", t->database);
	str(sb, 4, "table", t->table);
	str(sb, 4, "spark_catalog", t->spark_catalog);
	str(sb, 4, "spark_ident", t->spark_ident);
	str(sb, 4, "athena_ident", t->athena_ident);
	str(sb, 4, "location", t->location);
	str(sb, 4, "table_bucket", t->table_bucket);
	str(sb, 4, "table_bucket_arn", t->table_bucket_arn);
	str(sb, 4, "compression", t->compression);
	str(sb, 4, "connection", t->connection);
	str(sb, 4, "staging", t->staging);
	str(sb, 4, "iam_role", t->iam_role);
	flag(sb, 4, "create_if_missing", t->create_if_missing);
}

static const char *const cmp_names[] = { "=", "!=", "<", "<=", ">", ">=", "between", "in",
					 "matches", "not_null" };
static const char *const rule_names[] = { "row_count_matches_source", "row_count", "not_null",
					  "unique", "expect", "freshness", "completeness",
					  "expect", "column_count", "distinct_count", "mean",
					  "sum", "stddev", "uniqueness", "length" };
static const char *const transform_names[] = { "identity", "years", "months", "days", "hours",
					       "bucket", "truncate" };

static void dump_rule(struct strbuf *sb, const struct model_rule *r)
{
	size_t i;

	strbuf_addf(sb, "    %s", rule_names[r->kind]);
	for (i = 0; i < r->ncolumns; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : " ", r->columns[i]);
	if (r->kind == MR_ROW_COUNT || r->kind == MR_EXPECT || r->kind == MR_COMPLETENESS ||
	    r->kind >= MR_COLUMN_COUNT)
		strbuf_addf(sb, " %s", cmp_names[r->cmp]);
	for (i = 0; i < r->nvalues; i++) {
		strbuf_addstr(sb, i ? ", " : " ");
		if (r->values[i].is_string)
			quoted(sb, r->values[i].text);
		else
			strbuf_addstr(sb, r->values[i].text);
	}
	if (r->kind == MR_FRESHNESS)
		strbuf_addf(sb, " within %llds", (long long)r->seconds);
	if (r->kind == MR_EXPECT_EXPR)
		strbuf_addf(sb, " %s", r->spark_sql);
	strbuf_addch(sb, '\n');
}

static void dump_joins(struct strbuf *sb, const struct model_pipeline *p)
{
	for (size_t i = 0; i < p->njoins; i++) {
		const struct model_join *j = &p->joins[i];

		strbuf_addf(sb, "  join %s %s.%s as %s (%s)%s\n", j->inner ? "inner" : "left",
			    j->database, j->table, j->alias, model_format_name(j->format),
			    j->broadcast ? " broadcast" : "");
		strbuf_addf(sb, "    on %s\n", j->on_sql);
		for (size_t k = 0; k < j->nkeys; k++)
			strbuf_addf(sb, "    key %s = %s\n", j->keys[k].dim_sql, j->keys[k].row_sql);
		for (size_t k = 0; k < j->ndim_terms; k++)
			strbuf_addf(sb, "    table term %s\n", j->dim_terms[k]);
		for (size_t k = 0; k < j->ncolumns; k++)
			strbuf_addf(sb, "    reads %s as %s %s\n", j->columns[k].name,
				    j->columns[k].internal,
				    j->columns[k].spark_type ? j->columns[k].spark_type : "(unknown type)");
	}
}

static void dump_columns(struct strbuf *sb, const char *label, const struct model_column *cols,
			 size_t n)
{
	size_t i;

	strbuf_addf(sb, "  %s\n", label);
	for (i = 0; i < n; i++) {
		const struct model_column *c = &cols[i];

		strbuf_addf(sb, "    %s %s", c->name, c->spark_type);
		if (c->renamed)
			strbuf_addf(sb, " from \"%s\"", c->source_field);
		if (c->required)
			strbuf_addstr(sb, " required");
		if (c->renamed_from)
			strbuf_addf(sb, " renamed from %s", c->renamed_from);
		if (c->orderable)
			strbuf_addstr(sb, " orderable");
		if (c->derived_sql)
			strbuf_addf(sb, " derive %s", c->derived_sql);
		if (c->joined)
			strbuf_addf(sb, " join %s.%s", c->joined->alias, c->joined_column);
		if (c->parse == MPARSE_FORMAT)
			strbuf_addf(sb, " format \"%s\"", c->parse_arg);
		else if (c->parse == MPARSE_EPOCH)
			strbuf_addf(sb, " epoch %s", c->parse_arg);
		strbuf_addf(sb, " (glue %s, athena %s)\n", c->glue_type, c->athena_type);
	}
}

static void dump_pipeline(struct strbuf *sb, const struct model_pipeline *p)
{
	static const char *const incr[] = { "none", "watermark", "new_files", "partition" };
	static const char *const sched[] = { "on_demand", "cron", "after", "s3_event" };
	const struct model_job *j = &p->job;
	size_t i;

	strbuf_addf(sb, "pipeline %s\n", p->name);
	str(sb, 2, "file", p->file);
	str(sb, 2, "description", p->description);
	dump_source(sb, &p->source);
	dump_target(sb, &p->target);
	dump_columns(sb, "columns", p->columns, p->ncolumns);
	if (p->aggregated) {
		dump_columns(sb, "input_columns", p->input_columns, p->ninput_columns);
		strlist(sb, 2, "group_keys", p->group_keys, p->ngroup_keys);
		strbuf_addstr(sb, "  aggregates\n");
		for (i = 0; i < p->naggregates; i++) {
			const struct model_aggregate *g = &p->aggregates[i];

			strbuf_addf(sb, "    %s = %s(%s", g->name, model_agg_name(g->fn),
				    g->arg_sql ? g->arg_sql : "");
			if (g->order_sql)
				strbuf_addf(sb, " by %s", g->order_sql);
			strbuf_addf(sb, ") -> %s\n", g->result_type);
		}
	}
	if (p->cast_policy != MCAST_FAIL || p->quarantine) {
		static const char *const policy[] = { "fail", "drop", "null" };

		word(sb, 2, "on_cast_error", policy[p->cast_policy]);
		str(sb, 4, "quarantine", p->quarantine);
	}
	strlist(sb, 2, "drop_columns", p->drop_columns, p->ndrop_columns);
	dump_joins(sb, p);
	if (p->npartitions) {
		strbuf_addstr(sb, "  partitions\n");
		for (i = 0; i < p->npartitions; i++)
			strbuf_addf(sb, "    %s %s -> %s\n",
				    transform_names[p->partitions[i].transform],
				    p->partitions[i].column, p->partitions[i].spark_expr);
	}
	word(sb, 2, "mode", model_mode_name(p->mode));
	strlist(sb, 4, "merge_keys", p->merge_keys, p->nmerge_keys);
	str(sb, 4, "merge_order", p->merge_order_column);
	str(sb, 4, "dedupe_by", p->dedupe_by);
	word(sb, 2, "incremental", incr[p->incremental.kind]);
	if (p->incremental.kind != MI_NONE && p->incremental.column) {
		str(sb, 4, "column", p->incremental.column);
		str(sb, 4, "source_column", p->incremental.source_column);
		num(sb, 4, "lag_seconds", p->incremental.lag_seconds);
		str(sb, 4, "initial", p->incremental.initial);
	}
	word(sb, 2, "schedule", sched[p->schedule.kind]);
	str(sb, 4, "cron", p->schedule.cron);
	strlist(sb, 4, "after", p->schedule.after, p->schedule.nafter);
	if (p->schedule.kind == MSCH_AFTER)
		word(sb, 4, "logical", p->schedule.after_any ? "ANY" : "AND");
	if (p->schedule.kind == MSCH_S3_EVENT) {
		str(sb, 4, "event_bucket", p->schedule.event_bucket);
		str(sb, 4, "event_prefix", p->schedule.event_prefix);
		str(sb, 4, "event_key_prefix", p->schedule.event_key_prefix);
		str(sb, 4, "event_key_suffix", p->schedule.event_key_suffix);
		num(sb, 4, "batch_size", p->schedule.batch_size);
		num(sb, 4, "batch_window", p->schedule.batch_window);
	}
	word(sb, 2, "validation", p->validates ? "rules" : "none");
	for (i = 0; i < p->validation.nrules; i++)
		dump_rule(sb, &p->validation.rules[i]);
	if (p->validation.sample)
		num(sb, 4, "sample", p->validation.sample);
	word(sb, 4, "on_failure", p->validation.fail_on_error ? "fail" : "warn");
	str(sb, 4, "ruleset_name", p->validation.ruleset_name);
	strbuf_addstr(sb, "  job\n");
	str(sb, 4, "name", j->name);
	str(sb, 4, "role", j->role);
	strbuf_addf(sb, "    workers %d %s\n", j->workers, j->worker_type ? j->worker_type : "");
	flag(sb, 4, "autoscale", j->autoscale);
	flag(sb, 4, "flex", j->flex);
	num(sb, 4, "timeout_minutes", j->timeout_minutes);
	num(sb, 4, "retries", j->retries);
	num(sb, 4, "max_concurrency", j->max_concurrency);
	strlist(sb, 4, "connections", j->connections, j->nconnections);
	if (j->notify_delay_minutes)
		num(sb, 4, "notify_delay_minutes", j->notify_delay_minutes);
	kvlist(sb, 4, "tags", &j->tags);
	str(sb, 4, "script_location", j->script_location);
	str(sb, 4, "temp_dir", j->temp_dir);
	flag(sb, 4, "bookmarks", j->bookmarks);
	str(sb, 4, "datalake_formats", j->datalake_formats);
	kvlist(sb, 4, "spark_conf", &j->spark_conf);
	kvlist(sb, 4, "script_args", &j->script_args);
	kvlist(sb, 4, "glue_args", &j->glue_args);
	str(sb, 2, "trigger_name", p->trigger_name);
	str(sb, 2, "workflow_name", p->workflow_name);
	flag(sb, 2, "workflow_owner", p->workflow_owner);
	if (p->workflow_max_runs)
		num(sb, 2, "workflow_max_runs", p->workflow_max_runs);
}

void model_dump(const struct model_project *m, struct strbuf *out)
{
	const struct model_env *e = &m->env;
	size_t i;

	strbuf_addf(out, "project %s\n", m->name ? m->name : "");
	str(out, 2, "root", m->root);
	strbuf_addf(out, "environment %s\n", e->name ? e->name : "");
	str(out, 2, "region", e->region);
	str(out, 2, "account", e->account);
	str(out, 2, "role", e->role);
	str(out, 2, "script_bucket", e->script_bucket);
	str(out, 2, "script_prefix", e->script_prefix);
	str(out, 2, "temp_dir", e->temp_dir);
	str(out, 2, "table_bucket", e->table_bucket);
	str(out, 2, "name_prefix", e->name_prefix);
	str(out, 2, "events_role", e->events_role);
	str(out, 2, "catalog", e->catalog_path);
	kvlist(out, 2, "variables", &e->variables);
	for (i = 0; i < m->npipelines; i++) {
		strbuf_addch(out, '\n');
		dump_pipeline(out, &m->pipelines[i]);
	}
}
