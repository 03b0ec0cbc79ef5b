/* Unit tests of plan_diff: unified text diffs (checked by applying them
 * back) and JSON field diffs. */
#include <stdlib.h>
#include <string.h>

#include "plan_diff.h"
#include "strbuf.h"
#include "unit.h"

/* Applies a unified diff produced from a to a; returns the result (caller frees). */
static char *apply(const char *a, const char *diff)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = diff, *ap = a;
	size_t aline = 0;

	/* skip the two header lines */
	p = strchr(p, '\n') + 1;
	p = strchr(p, '\n') + 1;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = (size_t)(eol - p);

		if (p[0] == '@') {
			size_t start = strtoul(p + 4, NULL, 10), count;
			const char *comma = memchr(p + 4, ',', len), *space = memchr(p + 4, ' ', len);

			count = comma && comma < space ? strtoul(comma + 1, NULL, 10) : 1;
			if (count == 0)
				start++;
			while (aline + 1 < start) {
				const char *nl = strchr(ap, '\n');
				size_t l = nl ? (size_t)(nl - ap) + 1 : strlen(ap);

				strbuf_add(&out, ap, l);
				ap += l;
				aline++;
			}
		} else if (p[0] == '\\') {
			strbuf_setlen(&out, out.len - 1);
		} else {
			const char *nl = strchr(ap, '\n');
			size_t l = nl ? (size_t)(nl - ap) + 1 : strlen(ap);

			if (p[0] != '+') {
				ap += l;
				aline++;
			}
			if (p[0] != '-') {
				strbuf_add(&out, p + 1, len - 1);
				strbuf_addch(&out, '\n');
			}
		}
		p = eol + 1;
	}
	strbuf_addstr(&out, ap);
	return strbuf_detach(&out, NULL);
}

static unsigned long rng = 12345;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
}

static char *random_text(const char *base)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = base;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = (size_t)(nl - p) + 1;
		unsigned r = rnd(10);

		if (r == 0)
			;	/* drop the line */
		else if (r == 1)
			strbuf_addf(&sb, "new %u\n", rnd(5));
		else
			strbuf_add(&sb, p, l);
		if (r == 2)
			strbuf_addf(&sb, "ins %u\n", rnd(3));
		p += l;
	}
	return strbuf_detach(&sb, NULL);
}

static void test_text(void)
{
	struct strbuf d = STRBUF_INIT;
	int i, bad = 0;
	char *r;

	CHECK("equal texts give no diff", !plan_diff_text("a\nb\n", "a\nb\n", "a/x", "b/x", &d) &&
						  d.len == 0);
	plan_diff_text("a\nb\nc\nd\ne\nf\ng\nh\ni\n", "a\nb\nc\nd\nE\nf\ng\nh\ni\n", "a/p/job.py",
		       "b/p/job.py", &d);
	CHECK_STR("one changed line with three lines of context", d.buf,
		  "--- a/p/job.py\n+++ b/p/job.py\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
	strbuf_reset(&d);
	plan_diff_text(NULL, "x\ny\n", "a/p/job.py", "b/p/job.py", &d);
	CHECK_STR("created file", d.buf, "--- /dev/null\n+++ b/p/job.py\n@@ -0,0 +1,2 @@\n+x\n+y\n");
	strbuf_reset(&d);
	plan_diff_text("x\n", "x", "a", "b", &d);
	CHECK_STR("missing final newline is marked", d.buf,
		  "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n");
	strbuf_reset(&d);
	plan_diff_text("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n",
		       "1\n2x\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19x\n20\n",
		       "a", "b", &d);
	CHECK_STR("distant changes make two hunks", d.buf,
		  "--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+2x\n 3\n 4\n 5\n"
		  "@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+19x\n 20\n");
	strbuf_reset(&d);
	{
		struct strbuf base = STRBUF_INIT;

		for (i = 0; i < 60; i++)
			strbuf_addf(&base, "line %d\n", i % 17);
		for (i = 0; i < 300; i++) {
			char *a = random_text(base.buf), *b = random_text(base.buf);

			strbuf_reset(&d);
			if (plan_diff_text(a, b, "a", "b", &d)) {
				r = apply(a, d.buf);
				if (strcmp(r, b))
					bad++;
				free(r);
			} else if (strcmp(a, b)) {
				bad++;
			}
			free(a);
			free(b);
		}
		strbuf_release(&base);
	}
	CHECK("300 random edits: every diff applies back to the new text", bad == 0);
	strbuf_release(&d);
}

static void test_json(void)
{
	struct plan_fields f = PLAN_FIELDS_INIT;
	json_t *o = json_loads("{\"WorkerType\":\"G.1X\",\"DefaultArguments\":{\"--conf\":\"a\",\"--x\":\"1\"},"
			       "\"Actions\":[{\"JobName\":\"j\"}],\"Keep\":1}", 0, NULL);
	json_t *n = json_loads("{\"WorkerType\":\"G.2X\",\"DefaultArguments\":{\"--conf\":\"b\",\"--y\":\"2\"},"
			       "\"Actions\":[{\"JobName\":\"k\"}],\"Keep\":1,\"Timeout\":60}", 0, NULL);
	char *s;

	CHECK("json diff counts fields", plan_diff_json(o, n, "", &f) == 6);
	CHECK_STR("paths sorted, nested with dots", f.items[0].path, "Actions[0].JobName");
	CHECK_STR("map keys keep their dashes", f.items[1].path, "DefaultArguments.--conf");
	CHECK("removed key has no new value",
	      !strcmp(f.items[2].path, "DefaultArguments.--x") && !f.items[2].new_value);
	CHECK("added key has no old value",
	      !strcmp(f.items[3].path, "DefaultArguments.--y") && !f.items[3].old_value);
	CHECK_STR("top-level addition", f.items[4].path, "Timeout");
	s = plan_json_text(f.items[5].new_value);
	CHECK_STR("value text is compact JSON", s, "\"G.2X\"");
	free(s);
	plan_fields_release(&f);
	CHECK("equal values give no fields", plan_diff_json(o, o, "", &f) == 0 && f.count == 0);
	json_decref(o);
	json_decref(n);
}

int main(void)
{
	test_text();
	test_json();
	return unit_done();
}
