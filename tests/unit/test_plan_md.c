/* Unit tests of plan_md: the Markdown of a plan within a number of bytes
 * (exactly at, just over and far over the limit), the blocks it leaves out
 * first, the cut, the marker, determinism. */
#include <stdlib.h>
#include <string.h>

#include "plan_md.h"
#include "unit.h"
#include "xalloc.h"

static json_t *job_body(const char *name)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}}", "Name", name, "Role", "r", "Command", "Name",
			 "glueetl", "ScriptLocation", "s3://b/k.py");
}

/* A script of n lines. */
static char *script(size_t n, const char *word)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "x_%zu = '%s'  # line %zu\n", i, word, i);
	return strbuf_detach(&sb, NULL);
}

/* Pipelines a, b, c (scripts of la, lb, lc lines) and n more small jobs,
 * all created against an empty base. */
static void make_plan(struct plan *p, size_t la, size_t lb, size_t lc, size_t n)
{
	struct plan_state want, base;
	char name[32];
	size_t i;

	plan_state_init(&want, "desired");
	plan_state_init(&base, "base");
	plan_state_add(&want, PLAN_JOB, "job_a", "a", job_body("job_a"), script(la, "alpha"));
	plan_state_add(&want, PLAN_JOB, "job_b", "b", job_body("job_b"), script(lb, "beta"));
	plan_state_add(&want, PLAN_JOB, "job_c", "c", job_body("job_c"), script(lc, "gamma"));
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "job_z%04zu", i);
		plan_state_add(&want, PLAN_JOB, name, name + 4, job_body(name), script(2, "z"));
	}
	plan_init(p);
	plan_compute(p, &want, &base, false, NULL, NULL);
	plan_state_release(&want);
	plan_state_release(&base);
}

static char *render(const struct plan *p, size_t max, const char *marker, const char *url,
		    struct plan_md_result *res)
{
	struct plan_md_limit o = { max, marker, url, NULL };
	struct strbuf sb = STRBUF_INIT;

	plan_md_render(p, &o, &sb, res);
	return strbuf_detach(&sb, NULL);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static void test_no_limit_is_markdown(void)
{
	struct plan p;
	struct strbuf full = STRBUF_INIT;
	struct plan_md_result r;
	char *md;

	make_plan(&p, 50, 20, 5, 0);
	plan_render(&p, PLAN_FORMAT_MARKDOWN, &full);
	md = render(&p, 0, NULL, NULL, &r);
	CHECK("without a limit the Markdown is plan_render's", !strcmp(md, full.buf) && !r.elided && !r.cut);
	free(md);
	md = render(&p, full.len, NULL, NULL, &r);
	CHECK("exactly at the limit: nothing left out", !strcmp(md, full.buf) && !r.elided && !r.cut);
	free(md);
	md = render(&p, full.len, "pipec-plan:dev", NULL, &r);
	CHECK("the marker is the first line", !strncmp(md, "<!-- pipec-plan:dev -->\n## pipec plan: ", 38));
	CHECK("with the marker, the same limit is just over: one diff left out",
	      strlen(md) <= full.len && r.elided == 1 && !r.cut);
	free(md);
	strbuf_release(&full);
	plan_release(&p);
}

static void test_just_over(void)
{
	struct plan p;
	struct strbuf full = STRBUF_INIT;
	struct plan_md_result r;
	char *md;

	make_plan(&p, 300, 200, 5, 0);
	plan_render(&p, PLAN_FORMAT_MARKDOWN, &full);
	md = render(&p, full.len - 1, NULL, "https://ci.example/run/7", &r);
	CHECK("just over: within the limit", strlen(md) <= full.len - 1);
	CHECK("just over: only the longest diff is left out", r.elided == 1 && !r.cut);
	CHECK("just over: the longest diff's line says how many lines",
	      strstr(md, "<code>a</code>/job.py (new): 303 lines left out to keep this plan within") != NULL);
	CHECK("just over: the line links the full plan",
	      strstr(md, "[the full plan](https://ci.example/run/7) has them") != NULL);
	CHECK("just over: the other diffs stay", strstr(md, "x_199 = 'beta'") && strstr(md, "x_4 = 'gamma'"));
	CHECK("just over: the resource table stays",
	      strstr(md, "| + | job <code>job_a</code> | create |") != NULL);
	free(md);
	md = render(&p, full.len - 1, NULL, NULL, &r);
	CHECK("without a URL the line says how to see the diff",
	      strstr(md, "`pipec plan` without `--max-bytes` shows them") != NULL);
	free(md);
	strbuf_release(&full);
	plan_release(&p);
}

static void test_far_over(void)
{
	struct plan p;
	struct plan_md_result r;
	char *md, *again;

	/* a huge script diff: everything but the tables goes */
	make_plan(&p, 20000, 3000, 5, 0);
	md = render(&p, 65536, "pipec-plan:dev", NULL, &r);
	CHECK("a huge diff: within 65536 bytes", strlen(md) <= 65536);
	CHECK("a huge diff: the two long diffs left out, the short one kept",
	      r.elided == 2 && !r.cut && strstr(md, "x_4 = 'gamma'"));
	again = render(&p, 65536, "pipec-plan:dev", NULL, NULL);
	CHECK("deterministic", !strcmp(md, again));
	free(md);
	free(again);
	plan_release(&p);

	/* tables alone longer than the limit: cut at a line, with the note */
	make_plan(&p, 10, 10, 10, 400);
	md = render(&p, 4096, "pipec-plan:dev", "https://ci.example/r", &r);
	CHECK("far over: within the limit", strlen(md) <= 4096 && r.cut);
	CHECK("far over: the marker stays", !strncmp(md, "<!-- pipec-plan:dev -->\n", 24));
	CHECK("far over: ends with the note",
	      strstr(md, "\n\n**The rest of this plan is left out: it does not fit in 4096 bytes.** "
			 "[The full plan](https://ci.example/r) has it.\n") != NULL);
	CHECK("far over: no block left open", !strstr(md, "<details>") && !strstr(md, "```"));
	again = render(&p, 4096, "pipec-plan:dev", "https://ci.example/r", NULL);
	CHECK("far over: deterministic", !strcmp(md, again));
	free(md);
	free(again);
	plan_release(&p);
}

/* Every limit from the smallest to the full size: never over. */
static void test_sweep(void)
{
	struct plan p;
	struct strbuf full = STRBUF_INIT;
	size_t max, bad = 0, cuts = 0;

	make_plan(&p, 120, 60, 30, 12);
	plan_render(&p, PLAN_FORMAT_MARKDOWN, &full);
	for (max = PLAN_MD_MIN_BYTES; max <= full.len + 10; max += 7) {
		struct plan_md_result r;
		char *md = render(&p, max, "pipec-plan:prod", "https://x.example/a?b=1&c=2", &r);

		bad += strlen(md) > max || strncmp(md, "<!-- pipec-plan:prod -->\n", 25) ||
		       count(md, "<details>") != count(md, "</details>") || count(md, "```") % 2;
		cuts += r.cut;
		free(md);
	}
	CHECK("every limit from 1024 up: within it, marker first, blocks closed", bad == 0);
	CHECK("the sweep reached the cut", cuts > 0);
	strbuf_release(&full);
	plan_release(&p);
}

/* An update whose field table is the longest block: it is left out first,
 * as one line with its count. */
static void test_fields_left_out(void)
{
	struct plan_state want, base;
	struct plan p;
	struct strbuf full = STRBUF_INIT;
	struct plan_md_result r;
	json_t *args_new = json_object(), *args_old = json_object(), *b;
	char key[32], *md;
	size_t i;

	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "--arg%03zu", i);
		json_object_set_new(args_new, key, json_string("new-value"));
		json_object_set_new(args_old, key, json_string("old-value"));
	}
	plan_state_init(&want, "desired");
	plan_state_init(&base, "base");
	b = job_body("job_a");
	json_object_set_new(b, "DefaultArguments", args_new);
	plan_state_add(&want, PLAN_JOB, "job_a", "a", b, script(3, "same"));
	b = job_body("job_a");
	json_object_set_new(b, "DefaultArguments", args_old);
	plan_state_add(&base, PLAN_JOB, "job_a", "a", b, script(3, "same"));
	plan_init(&p);
	plan_compute(&p, &want, &base, false, NULL, NULL);
	plan_render(&p, PLAN_FORMAT_MARKDOWN, &full);
	md = render(&p, full.len - 1, NULL, NULL, &r);
	CHECK("fields: an update with 200 changed fields has its table",
	      p.count == 1 && p.changes[0].fields.count == 200 && strstr(full.buf, "--arg199"));
	CHECK("fields: just over, the field table is left out as one line",
	      r.elided == 1 && strlen(md) <= full.len - 1 && !strstr(md, "--arg199") &&
	      strstr(md, "\njob <code>job_a</code>: 200 changed fields left out to keep this plan within ") != NULL);
	free(md);
	strbuf_release(&full);
	plan_release(&p);
	plan_state_release(&want);
	plan_state_release(&base);
}

/* A graph to end with: kept when the whole fits, else left out first
 * (with its note) before any block; the limit holds either way. */
static void test_graph(void)
{
	struct plan p;
	struct plan_md_result r;
	struct plan_md_limit o = { 0, NULL, NULL, NULL };
	struct strbuf with = STRBUF_INIT, over = STRBUF_INIT, small = STRBUF_INIT;
	struct strbuf g = STRBUF_INIT;
	const char *graph;
	char *plain;
	int i;

	/* longer than the note that replaces it */
	strbuf_addstr(&g, "<details><summary>Pipeline graph</summary>\n\n```mermaid\nflowchart LR\n");
	for (i = 0; i < 20; i++)
		strbuf_addf(&g, "  p_a%d --> t_b%d\n", i, i);
	strbuf_addstr(&g, "```\n\n</details>\n");
	graph = o.graph = g.buf;

	make_plan(&p, 50, 20, 5, 0);
	plain = render(&p, 0, NULL, NULL, NULL);
	plan_md_render(&p, &o, &with, &r);
	CHECK("graph appended after the plan", with.len == strlen(plain) + 1 + strlen(graph) &&
		      !strncmp(with.buf, plain, strlen(plain)) &&
		      !strcmp(with.buf + with.len - strlen(graph), graph));
	CHECK("graph kept: not reported left out", !r.graph_left_out && !r.elided);
	o.max_bytes = with.len - 1;
	plan_md_render(&p, &o, &over, &r);
	CHECK("one over: within the limit", over.len <= o.max_bytes);
	CHECK("one over: the graph left out, nothing else", r.graph_left_out && !r.elided &&
		      !r.cut && !strstr(over.buf, "mermaid") &&
		      !strncmp(over.buf, plain, strlen(plain)));
	CHECK("one over: the note says so", strstr(over.buf, "The pipeline graph is left out") != NULL);
	o.max_bytes = strlen(plain) - 1;
	plan_md_render(&p, &o, &small, &r);
	CHECK("under the plan alone: graph and blocks left out, within the limit",
	      small.len <= o.max_bytes && r.graph_left_out && r.elided > 0 &&
		      !strstr(small.buf, "mermaid"));
	strbuf_release(&with);
	strbuf_release(&over);
	strbuf_release(&small);
	strbuf_release(&g);
	free(plain);
	plan_release(&p);
}

static void test_names(void)
{
	char longer[PLAN_MD_MAX_MARKER + 2];

	memset(longer, 'm', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	CHECK("marker ok", plan_md_marker_ok("pipec-plan:dev"));
	CHECK("marker with -- refused", !plan_md_marker_ok("a--b"));
	CHECK("marker ending in - refused", !plan_md_marker_ok("a-"));
	CHECK("marker with > refused", !plan_md_marker_ok("a>b"));
	CHECK("marker with a newline refused", !plan_md_marker_ok("a\nb"));
	CHECK("empty marker refused", !plan_md_marker_ok(""));
	CHECK("marker too long refused", !plan_md_marker_ok(longer));
	CHECK("url ok", plan_md_url_ok("https://github.com/o/r/actions/runs/1?x=1&y=2#z"));
	CHECK("url with ) refused", !plan_md_url_ok("https://a/b)c"));
	CHECK("url with space refused", !plan_md_url_ok("https://a/ b"));
}

int main(void)
{
	test_no_limit_is_markdown();
	test_just_over();
	test_far_over();
	test_sweep();
	test_fields_left_out();
	test_graph();
	test_names();
	return unit_done();
}
