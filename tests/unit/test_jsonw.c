/* Unit tests of jsonw: its text is json_dumps's, byte for byte, for every
 * kind of value, escape and flag combination the artifacts use, and for a
 * few hundred random values. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "strbuf.h"
#include "unit.h"

static const size_t flag_sets[] = {
	JSON_SORT_KEYS | JSON_INDENT(2),
	JSON_SORT_KEYS | JSON_INDENT(2) | JSON_ENCODE_ANY,
	JSON_SORT_KEYS | JSON_COMPACT,
	JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII,
	JSON_SORT_KEYS | JSON_INDENT(4) | JSON_ENSURE_ASCII,
	JSON_SORT_KEYS,
};
#define NFLAGS (sizeof(flag_sets) / sizeof(flag_sets[0]))

/* 1 when jsonw_dump gives json_dumps's text for j under every flag set
 * (j taken). */
static int same_text(json_t *j)
{
	int ok = 1;

	for (size_t f = 0; f < NFLAGS; f++) {
		struct strbuf sb = STRBUF_INIT;
		char *want = json_dumps(j, flag_sets[f] | JSON_ENCODE_ANY);

		jsonw_dump(&sb, j, flag_sets[f], 0);
		if (!want || strcmp(sb.buf, want)) {
			printf("# flags %#zx: got [%s], want [%s]\n", flag_sets[f], sb.buf,
			       want ? want : "(null)");
			ok = 0;
		}
		free(want);
		strbuf_release(&sb);
	}
	json_decref(j);
	return ok;
}

static void test_scalars(void)
{
	CHECK("jsonw: true, false, null", same_text(json_true()) && same_text(json_false()) &&
					     same_text(json_null()));
	CHECK("jsonw: integers", same_text(json_integer(0)) && same_text(json_integer(-1)) &&
				     same_text(json_integer(INT64_MAX)) &&
				     same_text(json_integer(INT64_MIN)));
	CHECK("jsonw: reals", same_text(json_real(1.5)) && same_text(json_real(-1e300)) &&
				  same_text(json_real(0.1)));
}

static void test_strings(void)
{
	char all[128];
	int ok = 1;

	for (int i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	CHECK("jsonw: every ASCII byte", same_text(json_string(all)));
	CHECK("jsonw: empty string", same_text(json_string("")));
	CHECK("jsonw: quotes, backslash, slash", same_text(json_string("a\"b\\c/d\"\\")));
	/* two-, three- and four-byte sequences, U+2028, U+FFFF, U+10FFFF */
	ok &= same_text(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
	ok &= same_text(json_string("\xe2\x80\xa8\xef\xbf\xbf\xf4\x8f\xbf\xbf\x7f"));
	ok &= same_text(json_string("\xc3\xa9"));
	CHECK("jsonw: non-ASCII text, escaped only with JSON_ENSURE_ASCII", ok);
	CHECK("jsonw: embedded NUL", same_text(json_stringn("a\0b", 3)));
}

static void test_containers(void)
{
	json_t *o = json_object(), *many = json_object();
	char key[16];

	json_object_set_new(o, "b", json_array());
	json_object_set_new(o, "a", json_object());
	json_object_set_new(o, "ab", json_pack("[i, s, [], {}, [[]]]", 1, "x"));
	json_object_set_new(o, "B", json_pack("{s:{s:[b, n]}}", "z", "y", 1));
	json_object_set_new(o, "\xc3\xa9t\xc3\xa9", json_string("key\tescaped"));
	json_object_set_new(o, "", json_integer(3));
	CHECK("jsonw: nested arrays and objects, keys sorted bytewise", same_text(o));
	CHECK("jsonw: empty containers", same_text(json_array()) && same_text(json_object()));
	for (int i = 99; i >= 0; i--) {
		snprintf(key, sizeof(key), "k%d", i * 7 % 100);
		json_object_set_new(many, key, json_integer(i));
	}
	CHECK("jsonw: an object of 100 keys", same_text(many));
}

static void test_depth(void)
{
	json_t *j = json_pack("{s:[i, {s:s}], s:{}}", "a", 1, "b", "c", "d");
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	char *text = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(2));

	for (const char *p = text; *p; p++) {
		strbuf_addch(&want, *p);
		if (*p == '\n')
			strbuf_addchars(&want, ' ', 6);
	}
	jsonw_dump(&sb, j, JSON_SORT_KEYS | JSON_INDENT(2), 3);
	CHECK_STR("jsonw: depth indents every line after the first", sb.buf, want.buf);
	free(text);
	strbuf_release(&sb);
	strbuf_release(&want);
	json_decref(j);
}

static unsigned long seed = 12345;

static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(seed >> 33) % n;
}

static json_t *random_value(int depth)
{
	static const char *const words[] = { "", "a", "b", "ab", "A", "z\"q", "t\\u", "\n\t\r",
					     "\x01\x1f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
					     "/path/to", "s3://b/k/" };
	size_t nw = sizeof(words) / sizeof(words[0]);
	unsigned k = rnd(depth > 3 ? 5 : 7), n, i;
	json_t *j;

	switch (k) {
	case 0: return json_string(words[rnd((unsigned)nw)]);
	case 1: return json_integer((json_int_t)rnd(2000) - 1000);
	case 2: return json_boolean(rnd(2));
	case 3: return json_null();
	case 4: return json_string(words[rnd((unsigned)nw)]);
	case 5:
		j = json_array();
		for (n = rnd(5), i = 0; i < n; i++)
			json_array_append_new(j, random_value(depth + 1));
		return j;
	default:
		j = json_object();
		for (n = rnd(6), i = 0; i < n; i++)
			json_object_set_new(j, words[rnd((unsigned)nw)], random_value(depth + 1));
		return j;
	}
}

static void test_random(void)
{
	int ok = 1;

	for (int i = 0; i < 500 && ok; i++)
		ok = same_text(random_value(0));
	CHECK("jsonw: 500 random values", ok);
}

int main(void)
{
	test_scalars();
	test_strings();
	test_containers();
	test_depth();
	test_random();
	return unit_done();
}
