/*
 * plan_evolve: classification of schema edits (plan_evolve.h).
 */
#include "plan_evolve.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "coltype.h"
#include "nested.h"
#include "strbuf.h"
#include "xalloc.h"

/* What each target kind's job does with an edit of its table. */
struct kind_rules {
	const char *kind;
	const char *add;	/* consequence of a declared column the table lacks */
	const char *drop;	/* consequence of `drop column` */
	bool promotes;		/* the job applies Iceberg's type promotion and
				   evolves the fields of nested columns */
	bool hive_partitions;	/* partition keys are positional Hive keys */
	const char *nested;	/* why a nested column's fields do not evolve
				   (promotes: NULL) */
};

#define DROP_ICEBERG \
	"the job drops the column from the table at its next run (ALTER TABLE DROP COLUMN); its values in the rows already there are gone"

static const struct kind_rules kinds[] = {
	{ "iceberg",
	  "the job adds it to the table at its next run (ALTER TABLE ADD COLUMNS); rows already in the table read NULL in it",
	  DROP_ICEBERG,
	  true, false, NULL },
	{ "s3tables",
	  "the job adds it to the table at its next run (ALTER TABLE ADD COLUMNS); rows already in the table read NULL in it",
	  DROP_ICEBERG,
	  true, false, NULL },
	{ "parquet",
	  "the job adds it to the table at its next run (ALTER TABLE ADD COLUMNS); rows already in the table read NULL in it",
	  "the job removes the column from the catalog table at its next run (Glue UpdateTable; partition keys and parameters kept); the Parquet files keep its values, no longer read through the table",
	  false, true,
	  "the fields inside a nested column of a Hive table are not evolved (Spark cannot alter the type of a Hive table's column, a struct's fields included)" },
	{ "redshift",
	  "the job adds it to the table before its next load (ALTER TABLE ADD COLUMN); rows already in the table hold NULL in it",
	  "the job drops the column from the table before its next load (ALTER TABLE DROP COLUMN); its values in the rows already there are gone",
	  false, false,
	  "the job does not alter a Redshift column's type, nor the fields of a nested value" },
};

static const struct kind_rules *rules_for(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].kind, kind))
			return &kinds[i];
	return NULL;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool same_str(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* ---- reading the schema lines ---- */

/* The JSON object after "# pipec:TAG " on line (a long line ends in a
 * "# noqa" mark after the object: the parser stops at the object's end). */
static json_t *line_object(const char *line, size_t len, const char *tag)
{
	size_t tl = strlen(tag);
	json_t *o;

	if (len < 8 + tl + 1 || strncmp(line, "# pipec:", 8) || strncmp(line + 8, tag, tl) ||
	    line[8 + tl] != ' ')
		return NULL;
	o = json_loadb(line + 9 + tl, len - 9 - tl, JSON_DISABLE_EOF_CHECK, NULL);
	if (o && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

json_t *plan_evolve_read(const char *script)
{
	json_t *table = NULL, *cols = json_array(), *doc;
	const char *line = script;
	int n;

	/* the lines are in the comment block that opens the script */
	for (n = 0; line && *line && n < 200; n++) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		json_t *o;

		if (*line != '#')
			break;

		if (!table && (o = line_object(line, len, "table")))
			table = o;
		else if ((o = line_object(line, len, "column"))) {
			if (str(o, "name") && str(o, "type"))
				json_array_append(cols, o);
			json_decref(o);
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!table) {
		json_decref(cols);
		return NULL;
	}
	doc = json_object();
	json_object_set_new(doc, "table", table);
	json_object_set_new(doc, "columns", cols);
	return doc;
}

/* ---- classification ---- */

static void add_edit(json_t *edits, const char *edit, const char *column, const char *from,
		     const char *to, const char *cls, const char *consequence)
{
	json_t *e = json_object();

	json_object_set_new(e, "edit", json_string(edit));
	if (column)
		json_object_set_new(e, "column", json_string(column));
	if (from)
		json_object_set_new(e, "from", json_string(from));
	if (to)
		json_object_set_new(e, "to", json_string(to));
	json_object_set_new(e, "class", json_string(cls));
	json_object_set_new(e, "consequence", json_string(consequence));
	json_array_append_new(edits, e);
}

static const json_t *find_column(const json_t *cols, const char *name)
{
	size_t i;
	const json_t *c;

	json_array_foreach(cols, i, c)
		if (str(c, "name") && !strcasecmp(str(c, "name"), name))
			return c;
	return NULL;
}

/* A list of strings as "a, b" (for keys and partition specs). */
static void join(const json_t *arr, struct strbuf *out)
{
	size_t i;
	const json_t *v;

	json_array_foreach(arr, i, v) {
		if (i)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, json_string_value(v) ? json_string_value(v) : "?");
	}
}

static bool same_list(const json_t *a, const json_t *b)
{
	size_t i;

	if (json_array_size(a) != json_array_size(b))
		return false;
	for (i = 0; i < json_array_size(a); i++)
		if (!same_str(json_string_value(json_array_get(a, i)),
			      json_string_value(json_array_get(b, i))))
			return false;
	return true;
}

/* The new column declared `was name`, or NULL. */
static const json_t *renamed_to(const json_t *cols, const char *name)
{
	size_t i;
	const json_t *c;

	json_array_foreach(cols, i, c)
		if (str(c, "was") && !strcasecmp(str(c, "was"), name))
			return c;
	return NULL;
}

#define PROMOTION_RULE \
	"Iceberg promotes only int to bigint, float to double and decimal(P,S) to a larger P"

/* What an edit of a field inside a nested column of an Iceberg table
 * means (nested.h; the job: templates/pyspark/evolve_iceberg.py.tmpl). */
static const struct {
	const char *edit, *cls, *fmt;	/* fmt: from, to */
} field_edits[] = {
	[NESTED_ADD] = { "add-field", "safe",
		"%.0sthe job adds the field to the table at its next run (ALTER TABLE ADD COLUMNS); rows already in the table read NULL in it" },
	[NESTED_WIDEN] = { "widen-field", "safe",
		"the job widens the table's field from %s to %s at its next run (ALTER TABLE ALTER COLUMN, Iceberg type promotion); the values already there are kept" },
	[NESTED_NARROW] = { "narrow-field", "safe",
		"the table's field stays %s; values of %s are written into it without loss" },
	[NESTED_UNDECLARE] = { "undeclare-field", "safe",
		"%.0sthe field is left in the table and no longer written: rows written from now on hold NULL in it" },
	[NESTED_CHANGE] = { "change-field", "refused",
		"the table's field is %s and %s values do not fit in it: the job fails before it writes (" PROMOTION_RULE "); load it into a new column or a new table" },
	[NESTED_KIND] = { "change-field", "refused",
		"the table's %s is not changed into %s: Iceberg does not change a column or field between a primitive type, a struct, an array and a map, so the job fails before it writes; load it into a new column or a new table" },
	[NESTED_KEY] = { "change-field", "refused",
		"the map's keys are %s, declared %s: Iceberg does not evolve the keys of a map, so the job fails before it writes; load it into a new column or a new table" },
};

static void field_edit(void *arg, enum nested_edit e, const char *path, const char *from,
		       const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	const char *edit = field_edits[e].edit;

	/* a column itself changed between kinds is a change of its type */
	if (e == NESTED_KIND && !strchr(path, '.'))
		edit = "change-type";
	strbuf_addf(&sb, field_edits[e].fmt, from ? from : "", to ? to : "");
	add_edit(arg, edit, path, from, to, field_edits[e].cls, sb.buf);
	strbuf_release(&sb);
}

static void type_edit(json_t *edits, const struct kind_rules *r, const char *name,
		      const char *from, const char *to)
{
	struct coltype ot, nt;
	struct strbuf sb = STRBUF_INIT;

	coltype_parse(from, &ot);
	coltype_parse(to, &nt);
	/* field by field: a nested type's text may be longer than norm */
	if ((nested_is(from) || nested_is(to)) && r->promotes) {
		nested_diff(name, from, to, field_edit, edits);
		return;
	}
	if (!strcmp(ot.norm, nt.norm))
		return;
	if (nested_is(from) || nested_is(to)) {
		strbuf_addf(&sb, "%s: the table's column stays %s, and the job's write fails unless it holds every value of %s",
			    r->nested, from, to);
		add_edit(edits, "change-type", name, from, to, "breaking", sb.buf);
	} else if (r->promotes && coltype_promotes(&ot, &nt)) {
		strbuf_addf(&sb, "the job widens the table's column from %s to %s at its next run (Iceberg type promotion); the values already there are kept",
			    from, to);
		add_edit(edits, "widen-type", name, from, to, "safe", sb.buf);
	} else if (coltype_widens(&nt, &ot)) {
		strbuf_addf(&sb, "the table's column stays %s; values of %s are written into it without loss",
			    from, to);
		add_edit(edits, "narrow-type", name, from, to, "safe", sb.buf);
	} else {
		strbuf_addf(&sb, "the table's column is %s and %s values do not fit in it: the job would fail%s; load it into a new column or a new table",
			    from, to,
			    r->promotes ? " (" PROMOTION_RULE ")" : "");
		add_edit(edits, "change-type", name, from, to, "refused", sb.buf);
	}
	strbuf_release(&sb);
}

/* Whether the list of strings holds name (any case). */
static bool in_list(const json_t *arr, const char *name)
{
	size_t i;
	const json_t *v;

	json_array_foreach(arr, i, v)
		if (json_string_value(v) && !strcasecmp(json_string_value(v), name))
			return true;
	return false;
}

/* oc, nc: the old and new columns; old_drops, drops: their `drop column`
 * names. */
static void column_edits(json_t *edits, const struct kind_rules *r, const json_t *oc,
			 const json_t *nc, const json_t *old_drops, const json_t *drops,
			 const char *mode)
{
	size_t i;
	const json_t *c, *o;

	json_array_foreach(nc, i, c) {
		const char *name = str(c, "name"), *was = str(c, "was");

		if (!(o = find_column(oc, name)) && was && (o = find_column(oc, was)) &&
		    !find_column(nc, was)) {
			add_edit(edits, "rename-column", name, str(o, "name"), name, "breaking",
				 "the job renames the table's column at its next run (Iceberg keeps its values under the new name); queries that name the old column must use the new one");
		} else if (!o) {
			add_edit(edits, "add-column", name, NULL, str(c, "type"), "safe", r->add);
			continue;
		}
		type_edit(edits, r, name, str(o, "type"), str(c, "type"));
		if (json_is_true(json_object_get(c, "required")) &&
		    !json_is_true(json_object_get(o, "required")))
			add_edit(edits, "make-required", name, NULL, NULL, "breaking",
				 "rows with a NULL value here are dropped from now on (counted and logged); rows already in the table may hold NULL");
		else if (!json_is_true(json_object_get(c, "required")) &&
			 json_is_true(json_object_get(o, "required")))
			add_edit(edits, "make-optional", name, NULL, NULL, "safe",
				 "NULL values are written from now on instead of dropping their rows");
	}
	json_array_foreach(oc, i, o) {
		const char *name = str(o, "name");

		if (find_column(nc, name) || renamed_to(nc, name))
			continue;
		if (in_list(drops, name))
			add_edit(edits, "drop-column", name, str(o, "type"), NULL, "breaking", r->drop);
		else
			add_edit(edits, "undeclare-column", name, str(o, "type"), NULL, "breaking",
				 mode && !strcmp(mode, "merge")
				 ? "the column stays in the table and is no longer written: updated rows keep their value, inserted rows hold NULL in it"
				 : "the column stays in the table and is no longer written: rows loaded from now on hold NULL in it");
	}
	/* a column the old version had already undeclared, dropped now */
	json_array_foreach(drops, i, c) {
		const char *name = json_string_value(c);

		if (name && !find_column(oc, name) && !in_list(old_drops, name))
			add_edit(edits, "drop-column", name, NULL, NULL, "breaking", r->drop);
	}
}

static const char *mode_consequence(const char *mode)
{
	static const struct {
		const char *mode, *text;
	} t[] = {
		{ "append", "every run adds its rows; none are matched or replaced, so a row loaded again is a duplicate" },
		{ "merge", "rows are matched on the keys from the next run on; rows already in the table that share a key are not merged with each other" },
		{ "overwrite", "each run replaces every partition its rows touch: rows loaded earlier into those partitions are deleted" },
		{ "replace", "each run replaces every row of the table" },
	};
	size_t i;

	for (i = 0; mode && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].mode, mode))
			return t[i].text;
	return "rows are written differently from now on";
}

/* The source column of a partition field as the schema lines state it:
 * "ts", "days(ts)", "bucket(16, id)", "truncate(4, name)". */
static void spec_column(const char *field, struct strbuf *out)
{
	static const char *const transforms[] = {
		"years(", "months(", "days(", "hours(", "bucket(", "truncate(",
	};
	size_t i, n = strlen(field);
	const char *in;

	strbuf_reset(out);
	for (i = 0; i < sizeof(transforms) / sizeof(transforms[0]); i++)
		if (!strncmp(field, transforms[i], strlen(transforms[i])) && n &&
		    field[n - 1] == ')')
			break;
	if (i == sizeof(transforms) / sizeof(transforms[0])) {
		strbuf_addstr(out, field);
		return;
	}
	in = field + strlen(transforms[i]);
	if (i >= 4 && strstr(in, ", "))
		in = strstr(in, ", ") + 2;
	strbuf_add(out, in, (size_t)(field + n - 1 - in));
}

/* Iceberg partition evolution, one edit per field: a field the new spec
 * lacks on a column that gains another field is replaced, other old
 * fields dropped, other new ones added (templates/pyspark/
 * evolve_iceberg.py.tmpl pairs them the same way). */
static void spec_edits(json_t *edits, const json_t *old, const json_t *new)
{
	struct strbuf col = STRBUF_INIT, other = STRBUF_INIT, sb = STRBUF_INIT;
	bool *paired = xcalloc(json_array_size(new) + 1, sizeof(*paired));
	size_t i, j;
	const json_t *o, *n = NULL;

	json_array_foreach(old, i, o) {
		const char *of = json_string_value(o);

		if (!of || in_list(new, of))
			continue;
		spec_column(of, &col);
		json_array_foreach(new, j, n) {
			const char *nf = json_string_value(n);

			if (!nf || paired[j] || in_list(old, nf))
				continue;
			spec_column(nf, &other);
			if (!strcasecmp(col.buf, other.buf))
				break;
		}
		strbuf_reset(&sb);
		if (j < json_array_size(new)) {
			paired[j] = true;
			strbuf_addf(&sb, "the job replaces partition field %s with %s at its next run (ALTER TABLE REPLACE PARTITION FIELD); files written before keep the old layout and every row keeps its values",
				    of, json_string_value(n));
			add_edit(edits, "replace-partition-field", NULL, of, json_string_value(n),
				 "safe", sb.buf);
		} else {
			strbuf_addf(&sb, "the job drops partition field %s at its next run (ALTER TABLE DROP PARTITION FIELD); files written before keep the old layout and every row keeps its values",
				    of);
			add_edit(edits, "drop-partition-field", NULL, of, NULL, "safe", sb.buf);
		}
	}
	json_array_foreach(new, j, n) {
		const char *nf = json_string_value(n);

		if (!nf || paired[j] || in_list(old, nf))
			continue;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "the job adds partition field %s at its next run (ALTER TABLE ADD PARTITION FIELD); files written before keep the old layout and every row keeps its values",
			    nf);
		add_edit(edits, "add-partition-field", NULL, NULL, nf, "safe", sb.buf);
	}
	free(paired);
	strbuf_release(&col);
	strbuf_release(&other);
	strbuf_release(&sb);
}

static void table_edits(json_t *edits, const struct kind_rules *r, const json_t *ot,
			const json_t *nt)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, sb = STRBUF_INIT;

	if (!same_str(str(ot, "mode"), str(nt, "mode")))
		add_edit(edits, "change-mode", NULL, str(ot, "mode"), str(nt, "mode"), "breaking",
			 mode_consequence(str(nt, "mode")));
	else if (!same_list(json_object_get(ot, "merge_keys"), json_object_get(nt, "merge_keys"))) {
		join(json_object_get(ot, "merge_keys"), &a);
		join(json_object_get(nt, "merge_keys"), &b);
		strbuf_addf(&sb, "rows are matched on (%s) instead of (%s): rows already in the table that share the new keys stay separate rows",
			    b.buf, a.buf);
		add_edit(edits, "change-keys", NULL, a.buf, b.buf, "breaking", sb.buf);
	}
	if (!same_list(json_object_get(ot, "partition_spec"), json_object_get(nt, "partition_spec"))) {
		strbuf_reset(&a);
		strbuf_reset(&b);
		strbuf_reset(&sb);
		join(json_object_get(ot, "partition_spec"), &a);
		join(json_object_get(nt, "partition_spec"), &b);
		if (r->hive_partitions) {
			strbuf_addf(&sb, "a Hive table's partition keys do not change: the job would write values into the wrong columns; write to a new table, or keep partition by %s",
				    a.len ? a.buf : "nothing");
			add_edit(edits, "change-partitioning", NULL, a.buf, b.buf, "refused", sb.buf);
		} else if (same_str(str(nt, "mode"), "overwrite")) {
			strbuf_addf(&sb, "mode overwrite does not evolve a partition spec (Iceberg's dynamic overwrite replaces only the files written under the current spec: rows written under the old one would survive a rerun), so the job fails until it declares partition by %s; write to a new table",
				    a.len ? a.buf : "nothing");
			add_edit(edits, "change-partitioning", NULL, a.buf, b.buf, "refused", sb.buf);
		} else {
			spec_edits(edits, json_object_get(ot, "partition_spec"),
				   json_object_get(nt, "partition_spec"));
		}
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&sb);
}

json_t *plan_evolve_classify(const json_t *old, const json_t *new)
{
	const json_t *ot = json_object_get(old, "table"), *nt = json_object_get(new, "table");
	const struct kind_rules *r = rules_for(str(nt, "target_kind"));
	json_t *edits = json_array();

	if (!r || !json_is_object(ot) || !json_is_object(nt))
		return edits;
	if (!same_str(str(ot, "target_kind"), str(nt, "target_kind")) ||
	    !same_str(str(ot, "target"), str(nt, "target"))) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "rows go to %s from the next run on; %s keeps its rows and is no longer written",
			    str(nt, "target") ? str(nt, "target") : "the new table",
			    str(ot, "target") ? str(ot, "target") : "the old table");
		add_edit(edits, "change-target", NULL, str(ot, "target"), str(nt, "target"), "safe",
			 sb.buf);
		strbuf_release(&sb);
		return edits;
	}
	table_edits(edits, r, ot, nt);
	column_edits(edits, r, json_object_get(old, "columns"), json_object_get(new, "columns"),
		     json_object_get(ot, "drop"), json_object_get(nt, "drop"), str(nt, "mode"));
	return edits;
}

json_t *plan_evolve_unverified(void)
{
	json_t *edits = json_array();

	add_edit(edits, "unverified", NULL, NULL, NULL, "breaking",
		 "the deployed script does not hash to its content-addressed key (it was replaced outside pipec), so its schema lines are not trusted and the edits to the table cannot be classified; pipec plan --refresh shows it and deploy --refresh restores it");
	return edits;
}

void plan_evolve_describe(const json_t *e, struct strbuf *out)
{
	const char *col = str(e, "column");
	const char *of = col && strstr(str(e, "edit"), "-field") ? " of field " : " of column ";

	strbuf_addf(out, "%s%s%s: %s", str(e, "edit"), col ? of : "", col ? col : "",
		    str(e, "consequence"));
}

size_t plan_evolve_count(const json_t *edits, const char *cls)
{
	size_t i, n = 0;
	const json_t *e;

	json_array_foreach(edits, i, e)
		if (same_str(str(e, "class"), cls))
			n++;
	return n;
}
