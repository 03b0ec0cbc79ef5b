/* Unit tests of the base modules: strbuf, arena, strmap, source, diag. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "source.h"
#include "strbuf.h"
#include "strmap.h"
#include "unit.h"
#include "xalloc.h"

static void test_strbuf(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	size_t len;
	int i;

	CHECK("strbuf init is empty string", sb.buf && sb.buf[0] == '\0' && sb.len == 0);
	strbuf_addstr(&sb, "abc");
	strbuf_addch(&sb, '-');
	strbuf_addf(&sb, "%d/%s", 42, "x");
	CHECK_STR("strbuf appends", sb.buf, "abc-42/x");
	strbuf_add(&sb, "\0z", 2);
	CHECK("strbuf keeps embedded NUL", sb.len == 10 && sb.buf[8] == '\0' && sb.buf[9] == 'z');
	strbuf_reset(&sb);
	CHECK("strbuf reset", sb.len == 0 && sb.buf[0] == '\0');
	for (i = 0; i < 10000; i++)
		strbuf_addf(&sb, "%04d", i % 10000);
	CHECK("strbuf grows to 40000", sb.len == 40000 && !strncmp(sb.buf + 39996, "9999", 4));
	s = strbuf_detach(&sb, &len);
	CHECK("strbuf detach hands over", len == 40000 && sb.len == 0 && sb.buf[0] == '\0');
	free(s);
	strbuf_addchars(&sb, '~', 3);
	CHECK_STR("strbuf addchars", sb.buf, "~~~");
	{
		char big[1001];
		int ok = 1;

		memset(big, 'x', 1000);
		big[1000] = '\0';
		/* texts shorter than, as long as and longer than the room left */
		for (size_t k = 0; k < 200 && ok; k++) {
			size_t before = sb.len, want = k % 2 ? k : 1000 - k;

			strbuf_addf(&sb, "%.*s|", (int)want, big);
			ok = sb.len == before + want + 1 && sb.buf[sb.len - 1] == '|' &&
			     sb.buf[sb.len] == '\0' && (want == 0 || sb.buf[before] == 'x');
		}
		CHECK("strbuf addf of texts around the room left", ok);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s", "");
		CHECK("strbuf addf of an empty text", sb.len == 0 && sb.buf[0] == '\0');
		strbuf_addstr(&sb, "~~~");
	}
	strbuf_release(&sb);
	s = strbuf_detach(&sb, NULL);
	CHECK("detach of empty gives an owned empty string", s && s[0] == '\0');
	free(s);
}

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

/* arena_recycle: the parser hands back nodes it copied into a list. */
static void test_arena_recycle(void)
{
	struct arena a = ARENA_INIT;
	long *n1 = arena_alloc(&a, 64), *n2, *n3, *odd;
	char *big;

	n1[0] = 42;
	n1[7] = 43;
	arena_recycle(&a, n1, 64);
	n2 = arena_alloc(&a, 48);
	CHECK("a recycled node is not handed out for another size", n2 != n1);
	n3 = arena_alloc(&a, 64);
#ifdef TEST_ASAN
	/* under AddressSanitizer recycled bytes stay poisoned, never reused */
	CHECK("under ASan a recycled node is not reused", n3 != n1);
#else
	CHECK("a recycled node serves the next allocation of its size", n3 == n1);
#endif
	CHECK("a reused node is zeroed", n3[0] == 0 && n3[7] == 0);
	odd = arena_alloc(&a, 20);
	arena_recycle(&a, odd, 20);	/* not a multiple of 8: left alone */
	arena_recycle(&a, NULL, 64);
	CHECK("sizes off the lists are ignored", arena_alloc(&a, 20) != odd);
	arena_release(&a);
	CHECK("release forgets recycled nodes", a.recycled[64 / 8] == NULL);
	big = arena_alloc(&a, 3u << 20);
	CHECK("a big allocation is zeroed", big[0] == 0 && big[(3u << 20) - 1] == 0 &&
	      big[1u << 20] == 0);
	{
		char *small = arena_alloc(&a, 16);

		CHECK("a small allocation after a big one is outside it",
		      small < big || small >= big + (3u << 20));
	}
	arena_release(&a);
}

static void test_arena(void)
{
	struct arena a = ARENA_INIT;
	char *big, *p;
	int i, ok = 1;

	for (i = 0; i < 100000; i++) {
		int *x = arena_alloc(&a, sizeof(int));
		if (*x != 0 || ((size_t)x % 16) != 0)
			ok = 0;
		*x = i;
	}
	CHECK("arena allocations are zeroed and aligned", ok);
	big = arena_alloc(&a, 1 << 20);
	CHECK("arena big block zeroed", big[0] == 0 && big[(1 << 20) - 1] == 0);
	p = arena_strndup(&a, "hello world", 5);
	CHECK_STR("arena strndup", p, "hello");
	CHECK_STR("arena printf", arena_printf(&a, "%s=%d", "k", 7), "k=7");
	arena_release(&a);
	CHECK("arena release resets", a.head == NULL && a.total == 0);
	test_arena_recycle();
}

static void test_strmap(void)
{
	struct strmap m = STRMAP_INIT;
	static char keys[5000][16];
	int i, ok = 1, v1 = 1, v2 = 2;

	for (i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key%d", i);
		strmap_put(&m, keys[i], &keys[i]);
	}
	for (i = 0; i < 5000; i++)
		if (strmap_get(&m, keys[i]) != &keys[i])
			ok = 0;
	CHECK("strmap finds 5000 keys", ok && m.count == 5000);
	CHECK("strmap misses unknown key", strmap_get(&m, "nope") == NULL);
	CHECK("strmap keeps insertion order", !strcmp(m.entries[0].key, "key0") &&
					      !strcmp(m.entries[4999].key, "key4999"));
	strmap_release(&m);
	strmap_put(&m, "a", &v1);
	CHECK("strmap replace returns old", strmap_put(&m, "a", &v2) == &v1 && m.count == 1 &&
						   strmap_get(&m, "a") == &v2);
	strmap_release(&m);
}

static void test_source(void)
{
	struct source src;
	struct source_pos p;
	const char *line;
	size_t len;
	const char text[] = "ab\n\xc3\xa9x\r\n\xff" "z\n";

	source_from_string(&src, "t.pipe", text, sizeof(text) - 1);
	CHECK("source counts lines", src.nlines == 4);
	p = source_pos_of(&src, 0);
	CHECK("pos of offset 0 is 1:1", p.line == 1 && p.col == 1);
	p = source_pos_of(&src, 5);
	CHECK("columns count UTF-8 characters", p.line == 2 && p.col == 2);
	p = source_pos_of(&src, 9);
	CHECK("an invalid byte counts one column", p.line == 3 && p.col == 2);
	line = source_line(&src, 2, &len);
	CHECK("source_line strips CR LF", len == 3 && !strncmp(line, "\xc3\xa9x", 3));
	CHECK("utf8: ascii", utf8_seq_len((const unsigned char *)"a", 1) == 1);
	CHECK("utf8: overlong rejected", utf8_seq_len((const unsigned char *)"\xc0\xaf", 2) == 0);
	CHECK("utf8: surrogate rejected", utf8_seq_len((const unsigned char *)"\xed\xa0\x80", 3) == 0);
	CHECK("utf8: truncated rejected", utf8_seq_len((const unsigned char *)"\xe2\x82", 2) == 0);
	CHECK("utf8: 4-byte accepted", utf8_seq_len((const unsigned char *)"\xf0\x9f\x98\x80", 4) == 4);
	source_release(&src);
}

static void test_source_limits(void)
{
	char path[] = "/tmp/pipec-unit-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	struct source src;
	size_t n = SOURCE_MAX_BYTES + 1, i;
	static char block[65536];
	int rc;

	CHECK("temp file for the size limits", f != NULL);
	if (!f)
		return;
	memset(block, 'a', sizeof(block));
	for (i = 0; i + sizeof(block) <= n; i += sizeof(block))
		fwrite(block, 1, sizeof(block), f);
	fwrite(block, 1, n - i, f);
	fclose(f);
	errno = 0;
	rc = source_load_file(&src, path);
	CHECK("a .pipe file over SOURCE_MAX_BYTES is refused with EFBIG", rc < 0 && errno == EFBIG);
	rc = source_load_file_max(&src, path, SOURCE_MAX_SNAPSHOT_BYTES);
	CHECK("a catalog snapshot of the same size loads", rc == 0 && src.len == n);
	if (rc == 0)
		source_release(&src);
	unlink(path);
}

static char *render(struct diag_set *ds, enum diag_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	diag_render(ds, fmt, f, f);
	fclose(f);
	return buf;
}

static void test_diag(void)
{
	struct diag_set ds;
	struct source src;
	struct diag *d;
	char *out;
	const char text[] = "pipeline a {\n\tmode mrge\n}\n";
	const char *const cands[] = { "append", "merge", "overwrite", "replace" };

	diag_set_init(&ds);
	source_from_string(&src, "x.pipe", text, sizeof(text) - 1);
	d = diag_error(&ds, &src, span_make(19, 23), "unknown mode '%s'", "mrge");
	diag_help(d, "did you mean '%s'?", diag_closest("mrge", cands, 4));
	diag_warning(&ds, &src, span_make(9, 10), "first");
	out = render(&ds, DIAG_FORMAT_TEXT);
	CHECK_STR("diag text rendering, sorted by position", out,
		  "x.pipe:1:10: warning: first\n"
		  " 1 | pipeline a {\n"
		  "   |          ^\n"
		  "x.pipe:2:7: error: unknown mode 'mrge'\n"
		  " 2 | \tmode mrge\n"
		  "   | \t     ^~~~\n"
		  "help: did you mean 'merge'?\n"
		  "1 error, 1 warning generated\n");
	free(out);
	out = render(&ds, DIAG_FORMAT_GITHUB);
	CHECK_STR("diag github rendering", out,
		  "::warning file=x.pipe,line=1,col=10,endLine=1,endColumn=11,title=pipec::first\n"
		  "::error file=x.pipe,line=2,col=7,endLine=2,endColumn=11,title=pipec::unknown mode 'mrge'%0Ahelp: did you mean 'merge'?\n");
	free(out);
	out = render(&ds, DIAG_FORMAT_JSON);
	CHECK("diag json has counts", out && strstr(out, "\"errors\": 1") && strstr(out, "\"column\": 7"));
	free(out);
	CHECK("closest: nothing near", diag_closest("zzzzzz", cands, 4) == NULL);
	diag_set_release(&ds);

	diag_set_init(&ds);
	ds.error_limit = 3;
	for (int i = 0; i < 10; i++)
		diag_error(&ds, &src, span_make(0, 1), "e%d", i);
	CHECK("diag error limit caps stored errors", ds.nerrors == 3 && ds.truncated &&
						    diag_limit_reached(&ds, &src));
	diag_set_release(&ds);
	source_release(&src);
}

/* Text from a user's file reaches messages, helps and notes: control
 * characters and invalid UTF-8 come out as visible escapes in every
 * format, and JSON keeps the text instead of dropping it. */
static void test_diag_control_bytes(void)
{
	struct diag_set ds;
	struct source src;
	struct diag *d;
	char *out;
	const char text[] = "pipeline a {\n}\n";

	diag_set_init(&ds);
	source_from_string(&src, "x.pipe", text, sizeof(text) - 1);
	d = diag_error(&ds, &src, span_make(9, 10), "bad '%s'", "a\x1b[31mb");
	diag_help(d, "write \"%s\"", "h\xff\x01\x1b[31mi");
	diag_note(d, &src, span_make(0, 8), "n\r\n%s", "\xc2\x9b\xc3\xa9");
	CHECK_STR("diag message escapes ESC", d->msg, "bad 'a\\x1b[31mb'");
	CHECK_STR("diag help escapes invalid UTF-8 and controls", d->notes[0].msg,
		  "write \"h\\xff\\x01\\x1b[31mi\"");
	CHECK_STR("diag note escapes CR, LF and C1, keeps UTF-8", d->notes[1].msg,
		  "n\\x0d\\x0a\\xc2\\x9b\xc3\xa9");
	out = render(&ds, DIAG_FORMAT_TEXT);
	CHECK("diag text has no raw control bytes",
	      out && !strchr(out, '\x1b') && !strchr(out, '\x01') && !strchr(out, '\r') &&
	      !strchr(out, '\xff') && strstr(out, "help: write \"h\\xff\\x01\\x1b[31mi\"\n"));
	free(out);
	out = render(&ds, DIAG_FORMAT_JSON);
	CHECK("diag json keeps the escaped help",
	      out && strstr(out, "\"write \\\"h\\\\xff\\\\x01\\\\x1b[31mi\\\"\""));
	free(out);
	out = render(&ds, DIAG_FORMAT_GITHUB);
	CHECK("diag github has no raw control bytes",
	      out && !strchr(out, '\x1b') && !strchr(out, '\x01') && !strchr(out, '\xff'));
	free(out);
	diag_set_release(&ds);
	source_release(&src);
}

int main(void)
{
	test_strbuf();
	test_arena();
	test_strmap();
	test_source();
	test_source_limits();
	test_diag();
	test_diag_control_bytes();
	return unit_done();
}
