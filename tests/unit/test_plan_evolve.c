/*
 * plan_evolve: the schema lines of a job.py are read back, and every kind
 * of edit is classified per target kind (docs/plan.md, Schema evolution).
 */
#include <stdlib.h>
#include <string.h>

#include "../../compiler/plan_evolve.h"
#include "../../compiler/strbuf.h"
#include "unit.h"

/* A job.py header for target kind k, mode m, keys, partitions and columns
 * "name=type[!]" (! = required) separated by blanks. */
static char *script(const char *k, const char *m, const char *keys, const char *parts,
		    const char *cols)
{
	struct strbuf sb = STRBUF_INIT;
	char *copy = strdup(cols), *save = NULL, *tok;

	strbuf_addstr(&sb, "# Glue 5.1 job\n# The table as declared:\n");
	strbuf_addf(&sb, "# pipec:table {\"merge_keys\":[%s],\"mode\":\"%s\",\"partition_spec\":[%s],"
		    "\"target\":\"t\",\"target_kind\":\"%s\"}  # noqa: E501\n", keys, m, parts, k);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *type = strchr(tok, '='), *req;

		*type++ = '\0';
		req = strchr(type, '!');
		if (req)
			*req++ = '\0';
		strbuf_addf(&sb, "# pipec:column {\"name\":\"%s\",\"required\":%s,\"type\":\"%s\"}\n",
			    tok, req ? "true" : "false", type);
	}
	strbuf_addstr(&sb, "import sys\n# pipec:column {\"name\":\"late\",\"type\":\"int\"}\n");
	free(copy);
	return strbuf_detach(&sb, NULL);
}

/* The edits as "class edit column; ..." */
static char *classify(const char *old_script, const char *new_script)
{
	json_t *o = plan_evolve_read(old_script), *n = plan_evolve_read(new_script), *edits, *e;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	edits = plan_evolve_classify(o, n);
	json_array_foreach(edits, i, e) {
		const char *col = json_string_value(json_object_get(e, "column"));

		strbuf_addf(&sb, "%s%s %s%s%s", i ? "; " : "",
			    json_string_value(json_object_get(e, "class")),
			    json_string_value(json_object_get(e, "edit")), col ? " " : "", col ? col : "");
	}
	json_decref(o);
	json_decref(n);
	json_decref(edits);
	return strbuf_detach(&sb, NULL);
}

static void expect(const char *name, const char *k, const char *m0, const char *k0,
		   const char *p0, const char *c0, const char *m1, const char *k1, const char *p1,
		   const char *c1, const char *want)
{
	char *a = script(k, m0, k0, p0, c0), *b = script(k, m1, k1, p1, c1);
	char *got = classify(a, b);

	CHECK_STR(name, got, want);
	free(a);
	free(b);
	free(got);
}

static void test_read(void)
{
	char *s = script("iceberg", "append", "", "\"days(ts)\"", "id=bigint! ts=timestamp");
	json_t *d = plan_evolve_read(s);

	CHECK("read: the table line", d && !strcmp(json_string_value(json_object_get(
		json_object_get(d, "table"), "mode")), "append"));
	CHECK("read: only the header's columns, in order",
	      d && json_array_size(json_object_get(d, "columns")) == 2);
	CHECK("read: a script without schema lines (an older pipec) reads as NULL",
	      plan_evolve_read("import sys\nprint(1)\n") == NULL);
	CHECK("read: a broken schema line is no table", plan_evolve_read("# pipec:table {\"mode\n") == NULL);
	json_decref(d);
	free(s);
}

static void test_columns(void)
{
	expect("iceberg: add a column", "iceberg", "append", "", "", "id=bigint!", "append", "", "",
	       "id=bigint! tier=string", "safe add-column tier");
	expect("parquet: add a column", "parquet", "append", "", "", "id=bigint!", "append", "", "",
	       "id=bigint! tier=string", "safe add-column tier");
	expect("redshift: add a column", "redshift", "append", "", "", "id=bigint!", "append", "", "",
	       "id=bigint! tier=string", "safe add-column tier");
	expect("drop a column is breaking", "s3tables", "append", "", "", "id=bigint! old=string",
	       "append", "", "", "id=bigint!", "breaking undeclare-column old");
	expect("names compare case-insensitively", "iceberg", "append", "", "", "ID=bigint!",
	       "append", "", "", "id=bigint!", "");
	expect("iceberg: int to bigint is a promotion", "iceberg", "append", "", "", "n=int",
	       "append", "", "", "n=bigint", "safe widen-type n");
	expect("iceberg: decimal precision up is a promotion", "iceberg", "append", "", "",
	       "n=decimal(10,2)", "append", "", "", "n=decimal(12,2)", "safe widen-type n");
	expect("iceberg: a decimal scale change is refused", "iceberg", "append", "", "",
	       "n=decimal(10,2)", "append", "", "", "n=decimal(12,4)", "refused change-type n");
	expect("parquet: int to bigint is refused (no promotion of Hive files)", "parquet", "append",
	       "", "", "n=int", "append", "", "", "n=bigint", "refused change-type n");
	expect("a narrower declared type writes into the column", "parquet", "append", "", "",
	       "n=bigint", "append", "", "", "n=int", "safe narrow-type n");
	expect("string to int is refused", "iceberg", "append", "", "", "n=string", "append", "", "",
	       "n=int", "refused change-type n");
	expect("parquet: a nested type change is breaking", "parquet", "append", "", "",
	       "n=struct<a:int>", "append", "", "", "n=struct<a:int,b:string>",
	       "breaking change-type n");
	expect("optional to required is breaking", "iceberg", "append", "", "", "n=int", "append", "",
	       "", "n=int!", "breaking make-required n");
	expect("required to optional is safe", "iceberg", "append", "", "", "n=int!", "append", "",
	       "", "n=int", "safe make-optional n");
}

/* script() with `drop column` names: drops is the JSON list's inside. */
static char *script_drops(const char *k, const char *cols, const char *drops)
{
	char *s = script(k, "append", "", "", cols), *at = strstr(s, "{\"merge_keys\"");
	struct strbuf sb = STRBUF_INIT;

	strbuf_add(&sb, s, (size_t)(at - s) + 1);
	if (drops)
		strbuf_addf(&sb, "\"drop\":[%s],", drops);
	strbuf_addstr(&sb, at + 1);
	free(s);
	return strbuf_detach(&sb, NULL);
}

static void expect_drops(const char *name, const char *k, const char *c0, const char *d0,
			 const char *c1, const char *d1, const char *want)
{
	char *a = script_drops(k, c0, d0), *b = script_drops(k, c1, d1);
	char *got = classify(a, b);

	CHECK_STR(name, got, want);
	free(a);
	free(b);
	free(got);
}

static void test_drops(void)
{
	json_t *d;
	char *s = script_drops("iceberg", "id=bigint!", "\"x\"");

	d = plan_evolve_read(s);
	CHECK("read: the drop list is on the table line",
	      d && json_array_size(json_object_get(json_object_get(d, "table"), "drop")) == 1);
	json_decref(d);
	free(s);
	expect_drops("iceberg: drop column is breaking", "iceberg", "id=bigint! x=string", NULL,
		     "id=bigint!", "\"x\"", "breaking drop-column x");
	expect_drops("s3tables: drop column is breaking", "s3tables", "id=bigint! x=string", NULL,
		     "id=bigint!", "\"X\"", "breaking drop-column x");
	expect_drops("redshift: drop column is breaking", "redshift", "id=bigint! x=string", NULL,
		     "id=bigint!", "\"x\"", "breaking drop-column x");
	expect_drops("a column undeclared before is dropped now", "iceberg", "id=bigint!", NULL,
		     "id=bigint!", "\"x\"", "breaking drop-column x");
	expect_drops("a dropped column stays dropped: no edit", "iceberg", "id=bigint!", "\"x\"",
		     "id=bigint!", "\"x\"", "");
	expect_drops("only the listed column is dropped", "iceberg", "id=bigint! x=string y=int",
		     NULL, "id=bigint!", "\"x\"", "breaking drop-column x; breaking undeclare-column y");
}

static void test_table(void)
{
	expect("mode change is breaking", "iceberg", "append", "", "", "id=int", "merge", "\"id\"", "",
	       "id=int", "breaking change-mode");
	expect("merge keys change is breaking", "iceberg", "merge", "\"id\"", "", "id=int r=int",
	       "merge", "\"id\",\"r\"", "", "id=int r=int", "breaking change-keys");
	expect("iceberg: a field on the same column is replaced", "iceberg", "append", "",
	       "\"days(ts)\"", "ts=timestamp", "append", "", "\"months(ts)\"", "ts=timestamp",
	       "safe replace-partition-field");
	expect("iceberg: fields on other columns are dropped and added", "iceberg", "merge", "\"id\"",
	       "\"c\",\"days(ts)\"", "id=int c=string ts=timestamp", "merge", "\"id\"",
	       "\"days(ts)\",\"bucket(16, id)\"", "id=int c=string ts=timestamp",
	       "safe drop-partition-field; safe add-partition-field");
	expect("iceberg: another bucket count on the same column is a replace", "iceberg",
	       "append", "", "\"bucket(16, id)\"", "id=int", "append", "", "\"truncate(4, id)\"",
	       "id=int", "safe replace-partition-field");
	expect("s3tables: a first partition field is added", "s3tables", "append", "", "",
	       "ts=timestamp", "append", "", "\"days(ts)\"", "ts=timestamp",
	       "safe add-partition-field");
	expect("iceberg: the same fields in another order are no edit", "iceberg", "append", "",
	       "\"c\",\"days(ts)\"", "c=string ts=timestamp", "append", "", "\"days(ts)\",\"c\"",
	       "c=string ts=timestamp", "");
	expect("iceberg, overwrite: a partition change is refused", "iceberg", "overwrite", "",
	       "\"days(ts)\"", "ts=timestamp", "overwrite", "", "\"months(ts)\"", "ts=timestamp",
	       "refused change-partitioning");
	expect("parquet: a partition change is refused", "parquet", "append", "", "\"d\"",
	       "d=date", "append", "", "", "d=date", "refused change-partitioning");
	expect("no edit, no entry", "redshift", "merge", "\"id\"", "", "id=int", "merge", "\"id\"", "",
	       "id=int", "");
}

static void test_target(void)
{
	char *a = script("iceberg", "append", "", "", "id=int");
	char *b = script("parquet", "append", "", "", "id=string");
	char *got = classify(a, b);

	CHECK_STR("another target kind is a new table, not an edit", got, "safe change-target");
	free(a);
	free(b);
	free(got);
}

/* Iceberg evolves fields inside nested columns, one edit per field path. */
static void test_nested(void)
{
	expect("iceberg: a struct gains a field", "iceberg", "append", "", "", "p=struct<x:int>",
	       "append", "", "", "p=struct<x:int,z:double>", "safe add-field p.z");
	expect("s3tables: a field widens, another is undeclared", "s3tables", "append", "", "",
	       "p=struct<x:int,old:string>", "append", "", "", "p=struct<x:bigint>",
	       "safe widen-field p.x; safe undeclare-field p.old");
	expect("iceberg: fields of an array's struct", "iceberg", "append", "", "",
	       "l=array<struct<q:int>>", "append", "", "", "l=array<struct<q:bigint,s:string>>",
	       "safe widen-field l.element.q; safe add-field l.element.s");
	expect("iceberg: fields of a map's struct values", "iceberg", "append", "", "",
	       "m=map<string,struct<a:int>>", "append", "", "",
	       "m=map<string,struct<a:int,b:int>>", "safe add-field m.value.b");
	expect("iceberg: a map's keys are refused", "iceberg", "append", "", "",
	       "m=map<string,int>", "append", "", "", "m=map<int,int>", "refused change-field m.key");
	expect("iceberg: a field that is no promotion is refused", "iceberg", "append", "", "",
	       "p=struct<x:string>", "append", "", "", "p=struct<x:int>",
	       "refused change-field p.x");
	expect("iceberg: a narrower field writes into the table's", "iceberg", "append", "", "",
	       "p=struct<x:bigint>", "append", "", "", "p=struct<x:int>", "safe narrow-field p.x");
	expect("iceberg: primitive to struct is refused", "iceberg", "append", "", "", "p=string",
	       "append", "", "", "p=struct<x:int>", "refused change-type p");
	expect("iceberg: a struct field becoming an array is refused", "iceberg", "append", "", "",
	       "p=struct<x:struct<a:int>>", "append", "", "", "p=struct<x:array<int>>",
	       "refused change-field p.x");
	expect("iceberg: field names compare case-insensitively, quoted or not", "iceberg",
	       "append", "", "", "p=struct<X:int,`amt`:decimal(10,2)>", "append", "", "",
	       "p=struct<x:int,amt:decimal(12,2)>", "safe widen-field p.amt");
}

int main(void)
{
	test_read();
	test_columns();
	test_nested();
	test_drops();
	test_table();
	test_target();
	return unit_done();
}
