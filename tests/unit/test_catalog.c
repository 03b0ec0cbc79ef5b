/*
 * Unit tests of the catalog snapshot loader/saver and of the catalog checks
 * run directly against hand-built models.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "catalog_check.h"
#include "diag.h"
#include "model.h"
#include "source.h"
#include "unit.h"

static const char snapshot[] =
	"version: 1\n"
	"connections:\n"
	"  - name: orders-pg\n"
	"    type: JDBC\n"
	"    url: jdbc:postgresql://db:5432/shop\n"
	"  - name: shop-mysql\n"
	"    type: JDBC\n"
	"    url: jdbc:mysql://db:3306/shop\n"
	"  - name: bare\n"
	"    type: JDBC\n"
	"  - name: sf\n"
	"    type: SNOWFLAKE\n"
	"  - name: dw\n"
	"    type: REDSHIFT\n"
	"databases:\n"
	"  - name: Lake\n"
	"    tables:\n"
	"      - name: orders\n"
	"        type: ICEBERG\n"
	"        location: s3://lake/orders/\n"
	"        columns:\n"
	"          - {name: order_id, type: bigint}\n"
	"          - {name: order_ts, type: timestamp}\n"
	"          - {name: customer_id, type: bigint}\n"
	"          - {name: amount, type: \"decimal(12,2)\"}\n"
	"          - {name: note, type: string}\n"
	"        partition_spec: [months(order_ts), \"bucket(16, customer_id)\"]\n"
	"      - name: customers\n"
	"        type: EXTERNAL\n"
	"        format: parquet\n"
	"        location: s3://lake/customers/\n"
	"        columns:\n"
	"          - {name: id, type: int}\n"
	"        partition_keys:\n"
	"          - {name: dt, type: string}\n"
	"      - name: raw_csv\n"
	"        type: EXTERNAL\n"
	"        format: csv\n"
	"        columns:\n"
	"          - {name: id, type: int}\n"
	"      - name: v\n"
	"        type: VIEW\n"
	"      - name: unread\n"
	"        type: ICEBERG\n"
	"        columns: [{name: ts, type: timestamp}]\n"
	"        partition_spec: unknown\n"
	"      - name: flat\n"
	"        type: ICEBERG\n"
	"        columns: [{name: ts, type: timestamp}]\n"
	"        partition_spec: []\n"
	"      - name: unstated\n"
	"        type: ICEBERG\n"
	"        columns: [{name: ts, type: timestamp}]\n"
	"table_buckets:\n"
	"  - name: lakehouse\n"
	"    arn: arn:aws:s3tables:us-east-1:123456789012:bucket/lakehouse\n"
	"    namespaces:\n"
	"      - name: analytics\n"
	"        tables:\n"
	"          - name: events\n"
	"            columns:\n"
	"              - {name: event_id, type: string}\n"
	"              - {name: event_ts, type: timestamp}\n"
	"            partition_spec: [\"days(event_ts)\"]\n";

/* A stand-in .pipe text: every span of the hand-built models points into it. */
static const char pipe_text[] = "pipeline p {\n  source\n  target\n  col_a\n  col_b\n  part\n}\n";

static struct source pipe_src, cat_src;
static struct catalog cat;

static struct span at(const char *word)
{
	const char *p = strstr(pipe_text, word);

	return span_make((size_t)(p - pipe_text), (size_t)(p - pipe_text) + strlen(word));
}

static void base_pipeline(struct model_pipeline *p)
{
	memset(p, 0, sizeof(*p));
	p->name = "p";
	p->src = &pipe_src;
	p->source.span = at("source");
	p->target.span = at("target");
}

static struct model_column column(const char *name, const char *from, enum model_type t,
				  const char *glue, const char *spanword)
{
	struct model_column c;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.source_field = from ? from : name;
	c.renamed = from != NULL;
	c.type = t;
	c.glue_type = glue;
	c.span = at(spanword);
	return c;
}

/* Runs the checks over one pipeline; returns the rendered diagnostics. */
static char *run(struct model_pipeline *p, size_t *nerrors, size_t *nwarnings)
{
	struct model_project mp;
	struct diag_set ds;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(&mp, 0, sizeof(mp));
	mp.pipelines = p;
	mp.npipelines = 1;
	diag_set_init(&ds);
	catalog_check_model(&mp, &cat, &ds);
	*nerrors = ds.nerrors;
	*nwarnings = ds.nwarnings;
	diag_render(&ds, DIAG_FORMAT_TEXT, f, f);
	fclose(f);
	diag_set_release(&ds);
	return buf;
}

#define EXPECT(name, p, nerr, nwarn, needle)                                              \
	do {                                                                              \
		size_t e_, w_;                                                             \
		char *out_ = run((p), &e_, &w_);                                           \
		CHECK(name " (counts)", e_ == (nerr) && w_ == (nwarn));                   \
		CHECK(name " (message)", !*(needle) || strstr(out_, (needle)) != NULL);   \
		if (e_ != (nerr) || w_ != (nwarn) || (*(needle) && !strstr(out_, (needle)))) \
			printf("# %zu errors, %zu warnings:\n# %s\n", e_, w_, out_);       \
		free(out_);                                                                \
	} while (0)

static char *load_text(const char *text, size_t *nerrors)
{
	struct source src;
	struct catalog c;
	struct diag_set ds;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	source_from_string(&src, "snap.yaml", text, strlen(text));
	catalog_init(&c);
	diag_set_init(&ds);
	catalog_load(&c, &src, &ds);
	*nerrors = ds.nerrors;
	diag_render(&ds, DIAG_FORMAT_TEXT, f, f);
	fclose(f);
	diag_set_release(&ds);
	catalog_release(&c);
	source_release(&src);
	return buf;
}

#define MALFORMED(name, text, needle)                                                     \
	do {                                                                              \
		size_t e_;                                                                 \
		char *out_ = load_text((text), &e_);                                       \
		CHECK(name, e_ >= 1 && strstr(out_, (needle)) != NULL);                    \
		if (!(e_ >= 1 && strstr(out_, (needle))))                                  \
			printf("# %s\n", out_);                                            \
		free(out_);                                                                \
	} while (0)

static void test_loader(void)
{
	const struct catalog_database *d;
	const struct catalog_table *t;
	const struct catalog_connection *cn;
	const struct catalog_bucket *b;
	struct strbuf a = STRBUF_INIT, b2 = STRBUF_INIT;
	struct source s2;
	struct catalog c2;
	struct diag_set ds;

	d = catalog_database(&cat, "LAKE");
	CHECK("database lookup ignores case", d && !strcmp(d->name, "Lake"));
	t = d ? catalog_table(d, "Orders") : NULL;
	CHECK("table lookup ignores case", t && t->type == CT_ICEBERG && t->ncolumns == 5);
	CHECK("partition spec parsed", t && t->nspec == 2 && t->spec[1].transform == MP_BUCKET &&
					       t->spec[1].param == 16 &&
					       !strcmp(t->spec[1].column, "customer_id"));
	CHECK("column lookup ignores case", t && catalog_column(t, "ORDER_TS") != NULL);
	t = d ? catalog_table(d, "customers") : NULL;
	CHECK("partition keys are columns", t && catalog_column(t, "dt") == &t->partition_keys[0]);
	cn = catalog_connection(&cat, "orders-pg");
	CHECK("jdbc engine from the url", cn && cn->type == CC_JDBC && cn->engine == MJ_POSTGRESQL);
	cn = catalog_connection(&cat, "dw");
	CHECK("redshift connection type", cn && cn->type == CC_REDSHIFT && cn->engine == MJ_REDSHIFT);
	CHECK("connection names are exact", catalog_connection(&cat, "ORDERS-PG") == NULL);
	b = catalog_bucket(&cat, "lakehouse");
	CHECK("bucket namespace table", b && catalog_namespace(b, "analytics") &&
						catalog_table(catalog_namespace(b, "analytics"), "events"));
	CHECK("table count", cat.ntables == 8);
	t = d ? catalog_table(d, "orders") : NULL;
	CHECK("a stated spec is known", t && t->spec_state == CS_KNOWN);
	t = d ? catalog_table(d, "unread") : NULL;
	CHECK("partition_spec: unknown", t && t->spec_state == CS_UNKNOWN && t->nspec == 0);
	t = d ? catalog_table(d, "flat") : NULL;
	CHECK("partition_spec: [] is a known empty spec", t && t->spec_state == CS_KNOWN && t->nspec == 0);
	t = d ? catalog_table(d, "unstated") : NULL;
	CHECK("no partition_spec key: unstated", t && t->spec_state == CS_UNSTATED);

	/* save → load → save is a fixed point, and the first save is sorted */
	catalog_save(&cat, &a);
	source_from_string(&s2, "saved.yaml", a.buf, a.len);
	catalog_init(&c2);
	diag_set_init(&ds);
	CHECK("saved snapshot loads", catalog_load(&c2, &s2, &ds) == 0 && ds.nerrors == 0);
	catalog_save(&c2, &b2);
	CHECK("save is a fixed point", a.len == b2.len && !memcmp(a.buf, b2.buf, a.len));
	CHECK("save sorts tables", strstr(a.buf, "- name: customers\n") < strstr(a.buf, "- name: orders\n") &&
					   strstr(a.buf, "- name: orders\n") < strstr(a.buf, "- name: raw_csv\n"));
	CHECK("save keeps column order", strstr(a.buf, "order_id") < strstr(a.buf, "order_ts"));
	CHECK("save quotes what YAML would misread",
	      strstr(a.buf, "\"decimal(12,2)\"") && strstr(a.buf, "\"bucket(16, customer_id)\""));
	CHECK("save keeps each spec state",
	      strstr(a.buf, "- name: unread\n        type: ICEBERG\n        columns:\n"
			    "          - {name: ts, type: timestamp}\n        partition_spec: unknown\n") &&
		      strstr(a.buf, "- name: flat\n        type: ICEBERG\n        columns:\n"
				    "          - {name: ts, type: timestamp}\n        partition_spec: []\n") &&
		      strstr(a.buf, "- name: unstated\n        type: ICEBERG\n        columns:\n"
				    "          - {name: ts, type: timestamp}\n      - name: v\n"));
	diag_set_release(&ds);
	catalog_release(&c2);
	source_release(&s2);
	strbuf_release(&a);
	strbuf_release(&b2);
}

static void test_malformed(void)
{
	MALFORMED("syntax error has line:col", "version: 1\ndatabases:\n  - name: x\n   bad: [\n",
		  "snap.yaml:4:");
	MALFORMED("unknown key with did-you-mean", "version: 1\ndatabse: []\n",
		  "did you mean 'databases'?");
	MALFORMED("wrong type", "version: 1\ndatabases: lake\n", "'databases' must be a list");
	MALFORMED("duplicate table", "version: 1\ndatabases:\n  - name: d\n    tables:\n"
				     "      - {name: t, type: EXTERNAL}\n      - {name: T, type: EXTERNAL}\n",
		  "duplicate table 'T' in database 'd'");
	MALFORMED("missing version", "databases: []\n", "has no 'version'");
	MALFORMED("bad partition field", "version: 1\ndatabases:\n  - name: d\n    tables:\n"
					 "      - {name: t, type: ICEBERG, partition_spec: [\"weeks(x)\"]}\n",
		  "is not a partition field");
	MALFORMED("spec column unknown", "version: 1\ndatabases:\n  - name: d\n    tables:\n"
					 "      - {name: t, type: ICEBERG, columns: [{name: a, type: int}],"
					 " partition_spec: [days(b)]}\n",
		  "partition column 'b' is not a column of table 't'");
	MALFORMED("aliases refused", "version: 1\nregion: &r x\naccount: *r\n", "aliases are not supported");
	MALFORMED("invalid utf-8", "version: 1\nregion: \"\xff\"\n", "invalid snapshot text");
	MALFORMED("empty snapshot", "", "catalog snapshot is empty");
	MALFORMED("two documents", "version: 1\n---\nversion: 1\n", "more than one YAML document");
	MALFORMED("connection engine contradicts url",
		  "version: 1\nconnections:\n  - {name: c, type: JDBC, url: \"jdbc:mysql://h\", engine: oracle}\n",
		  "contradicts");
	MALFORMED("connection type typo", "version: 1\nconnections:\n  - {name: c, type: JDCB}\n",
		  "did you mean 'JDBC'?");
	MALFORMED("unknown version", "version: 2\n", "unsupported snapshot version '2'");
	MALFORMED("columns count characters after UTF-8",
		  "version: 1\ndatabases: [{name: \"\xc3\xa9\xc3\xa9\", tabels: []}]\n",
		  "snap.yaml:2:26: error: unknown key 'tabels'");
	MALFORMED("columns after a byte order mark", "\xef\xbb\xbfversion: 1\nregin: x\n",
		  "snap.yaml:2:1: error: unknown key 'regin'");
	MALFORMED("offsets in an ASCII file with CRLF", "version: 1\r\nregion: x\r\nregin: y\r\n",
		  "snap.yaml:3:1: error: unknown key 'regin'");
}

#define TABLE_WITH(cols) \
	"version: 1\ndatabases:\n  - name: d\n    tables:\n      - name: t\n        type: EXTERNAL\n" \
	"        columns:\n" cols

/* Glue types: what Glue stores loads, the rest is refused at the mistake. */
static void test_types(void)
{
	static const char *const valid[] = {
		"bigint", "INT", "integer", "decimal", "decimal(38,38)", "decimal(10)", "decimal( 10 , 2 )",
		"char(255)", "varchar(65535)", "array<string>", "map<string,array<struct<a:int>>>",
		"struct<@timestamp:string,first-name:string,`x y`:int>", "struct<>",
		"uniontype<int,string>", "array < map < string , int > >",
	};
	size_t i;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		struct strbuf text = STRBUF_INIT;
		size_t e;
		char *out;
		strbuf_addf(&text, "%s          - {name: c, type: \"%s\"}\n", TABLE_WITH(""), valid[i]);
		out = load_text(text.buf, &e);
		CHECK(valid[i], e == 0);
		if (e)
			printf("# %s\n", out);
		free(out);
		strbuf_release(&text);
	}
	MALFORMED("near-miss type name", TABLE_WITH("          - {name: c, type: bigintt}\n"),
		  "snap.yaml:8:29: error: unknown column type 'bigintt'\n");
	MALFORMED("near-miss type name: did you mean",
		  TABLE_WITH("          - {name: c, type: bigintt}\n"), "help: did you mean 'bigint'?");
	MALFORMED("nested unknown type at its place",
		  TABLE_WITH("          - {name: c, type: \"map<string,strng>\"}\n"),
		  "snap.yaml:8:41: error: 'map<string,strng>' is not a Glue column type: unknown type 'strng'");
	MALFORMED("decimal precision above 38",
		  TABLE_WITH("          - {name: c, type: \"decimal(40,2)\"}\n"),
		  "snap.yaml:8:38: error: 'decimal(40,2)' is not a Glue column type: decimal precision 40 is out of range");
	MALFORMED("decimal scale above precision",
		  TABLE_WITH("          - {name: c, type: \"decimal(4,5)\"}\n"), "scale 5 is larger than its precision 4");
	MALFORMED("empty array", TABLE_WITH("          - {name: c, type: \"array<>\"}\n"),
		  "expected a type after '<'");
	MALFORMED("struct field without a colon", TABLE_WITH("          - {name: c, type: \"struct<a int>\"}\n"),
		  "expected ':' after struct field name 'a'");
	MALFORMED("map with one type", TABLE_WITH("          - {name: c, type: \"map<string>\"}\n"),
		  "expected ',' after the map's key type");
	MALFORMED("unclosed array", TABLE_WITH("          - {name: c, type: \"array<int\"}\n"),
		  "expected '>' after the element type");
	MALFORMED("varchar without a length", TABLE_WITH("          - {name: c, type: varchar}\n"),
		  "'varchar' needs a length");
	MALFORMED("char too long", TABLE_WITH("          - {name: c, type: \"char(256)\"}\n"),
		  "char length 256 is out of range");
	MALFORMED("text after the type", TABLE_WITH("          - {name: c, type: \"int(5)\"}\n"),
		  "unexpected '(5)' after the type");
	MALFORMED("escaped value: the whole value is pointed at",
		  TABLE_WITH("          - {name: c, type: \"arr\\x61y<>\"}\n"),
		  "snap.yaml:8:29: error: 'array<>' is not a Glue column type");
	{
		struct strbuf deep = STRBUF_INIT;
		strbuf_addstr(&deep, TABLE_WITH("          - {name: c, type: \""));
		for (i = 0; i < 100; i++)
			strbuf_addstr(&deep, "array<");
		strbuf_addstr(&deep, "int");
		for (i = 0; i < 100; i++)
			strbuf_addch(&deep, '>');
		strbuf_addstr(&deep, "\"}\n");
		MALFORMED("deep nesting refused", deep.buf, "type nested too deeply");
		strbuf_release(&deep);
	}
	MALFORMED("a bad type raises nothing else",
		  "version: 1\ndatabases:\n  - name: d\n    tables:\n      - name: t\n        type: ICEBERG\n"
		  "        columns: [{name: ts, type: timestam}]\n        partition_spec: [days(ts)]\n",
		  "1 error generated");
}

static void test_snapshot_values(void)
{
	struct source src;
	struct catalog c;
	struct diag_set ds;
	const struct catalog_table *t;
	static const char lint[] =
		"version: 1\nconnections:\n"
		"  - {name: db2, type: JDBC, url: \"jdbc:db2://h:50000/x\"}\n"
		"  - {name: bare, type: JDBC}\n"
		"  - {name: jtds, type: JDBC, url: \"jdbc:jtds:sqlserver://h/x\", engine: sqlserver}\n"
		"  - {name: pg, type: JDBC, url: \"jdbc:postgresql://h/x\"}\n"
		"  - {name: sf, type: SNOWFLAKE}\n";
	static const char identity[] =
		"version: 1\ndatabases:\n  - name: d\n    tables:\n      - name: t\n        type: ICEBERG\n"
		"        columns: [{name: a, type: int}]\n        partition_spec: [\"identity(a)\"]\n";

	MALFORMED("empty connection name", "version: 1\nconnections:\n  - {name: \"\", type: JDBC}\n",
		  "snap.yaml:3:12: error: a connection name is empty");
	MALFORMED("empty table name", "version: 1\ndatabases:\n  - name: d\n    tables:\n"
				      "      - {name: '', type: EXTERNAL}\n", "a table name is empty");
	MALFORMED("empty column name", TABLE_WITH("          - {name: \"\", type: int}\n"),
		  "a column name is empty");
	MALFORMED("partition_spec neither list nor unknown",
		  "version: 1\ndatabases:\n  - name: d\n    tables:\n      - {name: t, type: ICEBERG, "
		  "partition_spec: unknwn}\n", "did you mean 'unknown'?");
	MALFORMED("partition_spec: unknown on a Hive table",
		  "version: 1\ndatabases:\n  - name: d\n    tables:\n      - {name: t, type: EXTERNAL, "
		  "partition_spec: unknown}\n", "'partition_spec' is for Iceberg tables");
	MALFORMED("Iceberg metadata transform name", "version: 1\ndatabases:\n  - name: d\n    tables:\n"
		  "      - {name: t, type: ICEBERG, columns: [{name: a, type: date}], partition_spec: [\"day(a)\"]}\n",
		  "did you mean 'days(…)'?");

	/* identity(col) is the column itself */
	source_from_string(&src, "snap.yaml", identity, strlen(identity));
	catalog_init(&c);
	diag_set_init(&ds);
	CHECK("identity(col) loads", catalog_load(&c, &src, &ds) == 0);
	t = catalog_database(&c, "d") ? catalog_table(catalog_database(&c, "d"), "t") : NULL;
	CHECK("identity(col) is an identity field", t && t->nspec == 1 && t->spec[0].transform == MP_IDENTITY &&
							  !strcmp(t->spec[0].column, "a"));
	diag_set_release(&ds);
	catalog_release(&c);
	source_release(&src);

	/* the lint: JDBC connections whose engine cannot be told, and only those */
	source_from_string(&src, "snap.yaml", lint, strlen(lint));
	catalog_init(&c);
	diag_set_init(&ds);
	CHECK("unknown JDBC engines load", catalog_load(&c, &src, &ds) == 0 && ds.nwarnings == 0);
	catalog_lint(&c, &ds);
	CHECK("lint warns about db2 and bare only", ds.nerrors == 0 && ds.nwarnings == 2);
	diag_set_release(&ds);
	catalog_release(&c);
	source_release(&src);
}

static void test_sources(void)
{
	struct model_pipeline p;
	struct model_column cols[2];

	base_pipeline(&p);
	p.source.kind = MS_JDBC;
	p.source.engine = MJ_POSTGRESQL;
	p.source.connection = "orders-pg";
	p.target.kind = MT_REDSHIFT;
	p.target.connection = "dw";
	EXPECT("jdbc postgresql with a postgresql connection", &p, 0, 0, "");
	p.source.connection = "orders-pgg";
	EXPECT("missing connection", &p, 1, 0, "did you mean 'orders-pg'?");
	p.source.connection = "shop-mysql";
	EXPECT("connection of another engine", &p, 1, 0,
	       "connection 'shop-mysql' reaches mysql, but a jdbc postgresql source reads postgresql");
	p.source.connection = "sf";
	EXPECT("snowflake connection for jdbc", &p, 1, 0, "is a SNOWFLAKE connection");
	p.source.connection = "bare";
	EXPECT("connection without url", &p, 0, 1, "cannot tell which database");
	p.source.kind = MS_SNOWFLAKE;
	p.source.connection = "orders-pg";
	EXPECT("jdbc connection for snowflake", &p, 1, 0, "needs a SNOWFLAKE connection");
	p.source.connection = "sf";
	p.target.connection = "orders-pg";
	EXPECT("redshift target on a postgresql connection", &p, 1, 0, "a redshift target reads redshift");

	base_pipeline(&p);
	p.target.kind = MT_REDSHIFT;
	p.source.kind = MS_TABLE;
	p.source.database = "lake";
	p.source.table = "orders";
	cols[0] = column("id", "order_id", MT_BIGINT, "bigint", "col_a");
	cols[1] = column("total", "amount", MT_DECIMAL, "decimal(12,2)", "col_b");
	p.columns = cols;
	p.ncolumns = 2;
	EXPECT("table source with existing fields", &p, 0, 0, "");
	CHECK("table source kind set from the catalog", p.source.table_format == MF_ICEBERG);
	p.source.table_format = MF_HIVE;
	p.source.table_format_stated = true;
	EXPECT("table source kind contradicts", &p, 1, 0, "is an Iceberg table, not a Hive table");
	p.source.table_format_stated = false;
	cols[1].source_field = "amout";
	EXPECT("missing from field", &p, 1, 0, "field 'amout' is not a column of table 'lake.orders'");
	cols[1].from_span = at("part");
	EXPECT("missing from field: at the from string", &p, 1, 0,
	       "p.pipe:6:3: error: field 'amout' is not a column");
	cols[1].from_span = span_make(0, 0);
	cols[1].source_field = "amount";
	p.source.table = "ordrs";
	p.source.table_span = at("col_a");
	EXPECT("missing source table", &p, 1, 0, "did you mean 'lake.orders'?");
	EXPECT("finer span used when recorded", &p, 1, 0, "p.pipe:4:3: error: table 'lake.ordrs'");
	p.source.database = "lak";
	EXPECT("missing database", &p, 1, 0, "did you mean 'Lake'?");
	p.source.database = "lake";
	p.source.table = "v";
	EXPECT("view source", &p, 1, 0, "is a VIEW table");
}

static void test_targets(void)
{
	struct model_pipeline p;
	struct model_column cols[2];
	struct model_partition parts[3];
	const char *keys[1] = { "order_id" };

	base_pipeline(&p);
	p.source.kind = MS_S3;
	p.target.kind = MT_ICEBERG;
	p.target.database = "lake";
	p.target.table = "orders";
	p.target.location = "s3://lake/orders";
	cols[0] = column("order_id", NULL, MT_INT, "int", "col_a");
	cols[1] = column("amount", NULL, MT_DECIMAL, "decimal(10,2)", "col_b");
	p.columns = cols;
	p.ncolumns = 2;
	memset(parts, 0, sizeof(parts));
	parts[0].transform = MP_MONTHS;
	parts[0].column = "order_ts";
	parts[0].span = at("part");
	parts[1].transform = MP_BUCKET;
	parts[1].column = "customer_id";
	parts[1].param = 16;
	parts[1].span = at("part");
	p.partitions = parts;
	p.npartitions = 2;
	EXPECT("iceberg target that fits (int→bigint, decimal widening)", &p, 0, 0, "");
	parts[1].param = 8;
	EXPECT("append: the job evolves a spec that differs", &p, 0, 1,
	       "warning: the job evolves the partition spec of table 'lake.orders' from months(order_ts), bucket(16, customer_id) to months(order_ts), bucket(8, customer_id) at its next run");
	p.mode = MM_OVERWRITE;
	EXPECT("overwrite: a spec that differs is an error", &p, 1, 0, "the table is partitioned by months(order_ts), bucket(16, customer_id)");
	parts[1].param = 16;
	p.npartitions = 1;
	EXPECT("overwrite: a shorter spec is an error", &p, 1, 0,
	       "partition spec differs from table 'lake.orders', and mode overwrite does not evolve it");
	p.mode = MM_APPEND;
	parts[2] = parts[0];
	parts[0] = parts[1];
	parts[1] = parts[2];
	p.npartitions = 2;
	EXPECT("the same fields in another order are the same spec", &p, 0, 0, "");
	parts[1] = parts[0];
	parts[0] = parts[2];
	cols[1].glue_type = "decimal(14,4)";
	EXPECT("decimal that does not fit", &p, 1, 0, "column 'amount' is decimal(14,4) here but decimal(12,2)");
	cols[1].glue_type = "decimal(10,2)";
	cols[0].name = "order_no";
	p.merge_keys = keys;
	keys[0] = "order_no";
	p.nmerge_keys = 1;
	p.mode = MM_MERGE;
	EXPECT("merge key missing from the table", &p, 1, 0, "it is a merge key");
	cols[0].name = "order_id";
	keys[0] = "order_id";
	p.target.location = "s3://elsewhere/orders/";
	EXPECT("location differs", &p, 0, 1, "differs from the location of table 'lake.orders'");
	p.target.location = "s3://lake/orders/";
	p.target.table = "orderz";
	EXPECT("target table missing", &p, 1, 0, "add 'create if missing' to the target");
	p.target.create_if_missing = true;
	EXPECT("target table missing but created", &p, 0, 0, "");
	p.target.table = "customers";
	p.target.location = NULL;
	EXPECT("hive table as iceberg target", &p, 1, 0, "is an EXTERNAL (Hive) table, not an Iceberg table");

	/* the spec states: unknown and unstated are not compared */
	p.target.create_if_missing = false;
	p.target.location = NULL;
	cols[0] = column("ts", NULL, MT_TIMESTAMP, "timestamp", "col_a");
	p.ncolumns = 1;
	p.nmerge_keys = 0;
	parts[0].transform = MP_DAYS;
	parts[0].column = "ts";
	p.npartitions = 1;
	p.target.table = "unread";
	EXPECT("partition_spec: unknown is not compared", &p, 0, 0, "");
	p.target.table = "unstated";
	EXPECT("an unstated spec is not compared", &p, 0, 0, "");
	p.target.table = "flat";
	EXPECT("merge: the job partitions an unpartitioned table", &p, 0, 1,
	       "from nothing to days(ts) at its next run");
	p.mode = MM_OVERWRITE;
	EXPECT("overwrite, unpartitioned table: remove the clause", &p, 1, 0,
	       "help: remove the 'partition by' clause, or write to a new table");
	p.target.table = "orders";
	cols[0] = column("order_id", NULL, MT_INT, "int", "col_a");
	cols[1] = column("amount", NULL, MT_DECIMAL, "decimal(10,2)", "col_b");
	p.ncolumns = 2;
	p.npartitions = 0;
	EXPECT("overwrite: no partition by against a partitioned table", &p, 1, 0,
	       "help: add 'partition by months(order_ts), bucket(16, customer_id)' to the pipeline");
	p.mode = MM_MERGE;
	p.target.table = "customers";

	p.target.kind = MT_PARQUET;
	p.target.location = "s3://lake/customers/";
	cols[0] = column("id", NULL, MT_SMALLINT, "smallint", "col_a");
	cols[1] = column("dt", NULL, MT_STRING, "string", "col_b");
	parts[0].transform = MP_IDENTITY;
	parts[0].column = "dt";
	p.npartitions = 1;
	p.mode = MM_REPLACE;
	p.nmerge_keys = 0;
	EXPECT("parquet target that fits", &p, 0, 0, "");
	p.npartitions = 0;
	EXPECT("parquet partition columns differ", &p, 1, 0, "help: add 'partition by dt' to the pipeline");
	p.npartitions = 1;
	cols[0].type = MT_BIGINT;
	cols[0].glue_type = "bigint";
	EXPECT("narrowing bigint into int", &p, 1, 0, "column 'id' is bigint here but int");
	cols[0].glue_type = "smallint";
	p.target.table = "raw_csv";
	EXPECT("csv table as parquet target", &p, 1, 0, "stores csv files, not Parquet");
	p.target.table = "orders";
	EXPECT("iceberg table as parquet target", &p, 1, 0, "not an EXTERNAL Parquet table");

	base_pipeline(&p);
	p.source.kind = MS_S3;
	p.target.kind = MT_S3TABLES;
	p.target.table_bucket = "lakehouse";
	p.target.database = "analytics";
	p.target.table = "events";
	cols[0] = column("event_id", NULL, MT_STRING, "string", "col_a");
	cols[1] = column("event_ts", NULL, MT_DATE, "date", "col_b");
	p.columns = cols;
	p.ncolumns = 2;
	parts[0].transform = MP_DAYS;
	parts[0].column = "event_ts";
	p.partitions = parts;
	p.npartitions = 1;
	EXPECT("s3tables target that fits (date→timestamp)", &p, 0, 0, "");
	cols[1].type = MT_INT;
	cols[1].glue_type = "int";
	EXPECT("int into string refused", &p, 0 + 1, 0, "int here but timestamp");
	cols[0].glue_type = "int";
	cols[1].glue_type = "date";
	EXPECT("anything into string refused", &p, 1, 0, "never turns a value into a string");
	cols[0].glue_type = "string";
	p.target.database = "analytic";
	EXPECT("missing namespace", &p, 1, 0, "did you mean 'analytics'?");
	p.target.table_bucket = "lakehous";
	EXPECT("missing table bucket", &p, 1, 0, "did you mean 'lakehouse'?");
	p.target.table_bucket = "lakehouse";
	p.target.database = "analytics";
	p.target.table_bucket_arn = "arn:aws:s3tables:eu-west-1:123456789012:bucket/lakehouse";
	EXPECT("table bucket arn differs", &p, 1, 0, "has another ARN");
}

int main(void)
{
	struct diag_set ds;

	source_from_string(&pipe_src, "p.pipe", pipe_text, strlen(pipe_text));
	source_from_string(&cat_src, "catalog.yaml", snapshot, strlen(snapshot));
	catalog_init(&cat);
	diag_set_init(&ds);
	CHECK("fixture snapshot loads", catalog_load(&cat, &cat_src, &ds) == 0);
	if (ds.nerrors) {
		diag_render(&ds, DIAG_FORMAT_TEXT, stdout, stdout);
		return 1;
	}
	diag_set_release(&ds);
	test_loader();
	test_malformed();
	test_types();
	test_snapshot_values();
	test_sources();
	test_targets();
	catalog_release(&cat);
	source_release(&cat_src);
	source_release(&pipe_src);
	return unit_done();
}
