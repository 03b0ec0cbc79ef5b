/*
 * emit_schema: the schema lines at the head of job.py.  They state, one
 * JSON object per comment line, what the job makes of its table: the target
 * kind, the write mode and its keys, the partition spec, the columns
 * dropped by `drop column` (key "drop", written only when there are some)
 * and every declared column.  `pipec plan` reads them from the deployed script and from the new
 * one to classify an edit (plan_evolve.h; docs/plan.md, Schema evolution).
 */
#include "emit.h"

#include <jansson.h>
#include <stdlib.h>

#include "jsonw.h"

static void add_line(struct strbuf *out, const char *tag, json_t *obj)
{
	strbuf_addf(out, "# pipec:%s ", tag);
	jsonw_dump(out, obj, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII, 0);
	strbuf_addch(out, '\n');
	json_decref(obj);
}

void emit_schema_lines(const struct model_pipeline *p, struct strbuf *out)
{
	json_t *t = json_object(), *keys = json_array(), *parts = json_array();
	const char *target;
	size_t i;

	json_object_set_new(t, "target_kind", json_string(model_target_kind_name(p->target.kind)));
	target = p->target.kind == MT_REDSHIFT ? model_kv_get(&p->job.script_args, "target_table")
					       : p->target.spark_ident;
	json_object_set_new(t, "target", target ? json_string(target) : json_null());
	json_object_set_new(t, "mode", json_string(model_mode_name(p->mode)));
	for (i = 0; i < p->nmerge_keys; i++)
		json_array_append_new(keys, json_string(p->merge_keys[i]));
	json_object_set_new(t, "merge_keys", keys);
	for (i = 0; i < p->npartitions; i++)
		json_array_append_new(parts, json_string(p->partitions[i].spark_expr ?
							 p->partitions[i].spark_expr :
							 p->partitions[i].column));
	json_object_set_new(t, "partition_spec", parts);
	if (p->ndrop_columns) {
		json_t *drops = json_array();

		for (i = 0; i < p->ndrop_columns; i++)
			json_array_append_new(drops, json_string(p->drop_columns[i]));
		json_object_set_new(t, "drop", drops);
	}
	add_line(out, "table", t);
	for (i = 0; i < p->ncolumns; i++) {
		json_t *c = json_pack("{s:s, s:s, s:b}", "name", p->columns[i].name, "type",
				      p->columns[i].spark_type ? p->columns[i].spark_type : "",
				      "required", (int)p->columns[i].required);

		if (p->columns[i].renamed_from)
			json_object_set_new(c, "was", json_string(p->columns[i].renamed_from));
		add_line(out, "column", c);
	}
}
