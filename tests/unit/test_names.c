/* Unit tests of the per-engine name rules, pipec's tag value encoding and
 * the Redshift escapes. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "names.h"
#include "strbuf.h"
#include "unit.h"

static const char *fix(enum names_engine e, const char *s)
{
	static char out[512];

	names_engine_fix(e, s, out);
	return out;
}

static void test_engine_rules(void)
{
	struct names_problem p;
	char long_name[300];

	CHECK("iceberg: plain name", names_engine_problem(NAMES_GLUE_ICEBERG, "orders_2").kind ==
					     NAMES_OK);
	CHECK("iceberg: leading '_' and digit are fine",
	      names_engine_problem(NAMES_GLUE_ICEBERG, "_2x").kind == NAMES_OK);
	p = names_engine_problem(NAMES_GLUE_ICEBERG, "Orders");
	CHECK("iceberg: upper case", p.kind == NAMES_UPPER && p.len == 1 && *p.at == 'O');
	p = names_engine_problem(NAMES_GLUE_ICEBERG, "sales-eu");
	CHECK("iceberg: dash", p.kind == NAMES_BAD_CHAR && *p.at == '-');
	p = names_engine_problem(NAMES_GLUE_ICEBERG, "caf\xc3\xa9");
	CHECK("iceberg: a UTF-8 character is one", p.kind == NAMES_BAD_CHAR && p.len == 2);
	CHECK_STR("iceberg fix", fix(NAMES_GLUE_ICEBERG, "Sales EU-caf\xc3\xa9"), "sales_eu_caf_");
	memset(long_name, 'a', 256);
	long_name[256] = '\0';
	CHECK("iceberg: 256 characters", names_engine_problem(NAMES_GLUE_ICEBERG, long_name).kind ==
						 NAMES_TOO_LONG);
	long_name[255] = '\0';
	CHECK("iceberg: 255 characters", names_engine_problem(NAMES_GLUE_ICEBERG, long_name).kind ==
						 NAMES_OK);
	CHECK("iceberg: empty", names_engine_problem(NAMES_GLUE_ICEBERG, "").kind == NAMES_EMPTY);

	CHECK("s3tables: '_' first", names_engine_problem(NAMES_S3TABLES, "_x").kind ==
					     NAMES_BAD_FIRST);
	CHECK("s3tables: space", names_engine_problem(NAMES_S3TABLES, "a b").kind == NAMES_BAD_CHAR);

	CHECK("redshift: quotes and spaces are fine",
	      names_engine_problem(NAMES_REDSHIFT_COLUMN, "a \"b\" %d").kind == NAMES_OK);
	p = names_engine_problem(NAMES_REDSHIFT_COLUMN, "a;b");
	CHECK("redshift: ';'", p.kind == NAMES_SEMICOLON && *p.at == ';');
	p = names_engine_problem(NAMES_REDSHIFT_COLUMN, "rate%s");
	CHECK("redshift: '%s'", p.kind == NAMES_PERCENT_S && p.len == 2);
	CHECK("redshift column: upper case is not refused",
	      names_engine_problem(NAMES_REDSHIFT_COLUMN, "Id").kind == NAMES_OK);
	CHECK("redshift table: upper case", names_engine_problem(NAMES_REDSHIFT_TABLE, "Id").kind ==
						    NAMES_UPPER);
	CHECK_STR("redshift fix", fix(NAMES_REDSHIFT_TABLE, "A;b%sc%d"), "a_b_sc%d");
}

static void round_trip(const char *name, const char *s, const char *want)
{
	char *enc = malloc(3 * strlen(s) + 1), *dec = malloc(3 * strlen(s) + 1);
	const char *p;
	int ok = 1;

	names_tag_encode(s, enc);
	CHECK_STR(name, enc, want);
	for (p = enc; *p; p++)
		if (!names_tag_char_ok((unsigned char)*p))
			ok = 0;
	CHECK("tag encoding uses the safe set only", ok);
	names_tag_decode(enc, dec);
	CHECK_STR("tag decoding gives the value back", dec, s);
	free(enc);
	free(dec);
}

static void test_tags(void)
{
	char out[64];

	round_trip("tag: plain", "shop-lake/dev_2", "shop-lake/dev_2");
	round_trip("tag: partition spec", "months(ts), bucket(16, id)",
		   "months=28ts=29=2C bucket=2816=2C id=29");
	round_trip("tag: '=' itself", "a=b", "a=3Db");
	round_trip("tag: UTF-8", "caf\xc3\xa9", "caf=C3=A9");
	round_trip("tag: empty", "", "");
	names_tag_decode("days(ts)", out);
	CHECK_STR("tag: a value written before the encoding reads as itself", out, "days(ts)");
	names_tag_decode("a=4", out);
	CHECK_STR("tag: '=' without two hex digits is kept", out, "a=4");
	names_tag_decode("a=00b", out);
	CHECK_STR("tag: '=00' is kept", out, "a=00b");
}

static void test_redshift_escapes(void)
{
	struct strbuf sb = STRBUF_INIT;

	escape_redshift_string(&sb, "it's");
	CHECK_STR("redshift string: quote", sb.buf, "'it''s'");
	strbuf_reset(&sb);
	escape_redshift_string(&sb, "a\\");
	CHECK_STR("redshift string: trailing backslash", sb.buf, "'a\\\\'");
	strbuf_reset(&sb);
	escape_redshift_string(&sb, "\\'");
	CHECK_STR("redshift string: backslash then quote", sb.buf, "'\\\\'''");
	strbuf_reset(&sb);
	escape_redshift_ident(&sb, "a\"b\\");
	CHECK_STR("redshift ident", sb.buf, "\"a\"\"b\\\"");
	strbuf_release(&sb);
}

int main(void)
{
	test_engine_rules();
	test_tags();
	test_redshift_escapes();
	return unit_done();
}
