/* Unit tests of the front end: literal decoding, names, the tree shapes the
 * checker relies on, spans, comments, and the readers of ast.h. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "ast_build.h"
#include "diag.h"
#include "parse.h"
#include "source.h"
#include "strbuf.h"
#include "unit.h"

struct parsed {
	struct source src;
	struct arena arena;
	struct diag_set ds;
	struct ast_file f;
	size_t nerrors;
};

static struct parsed *parse(const char *text)
{
	struct parsed *p = calloc(1, sizeof(*p));

	source_from_string(&p->src, "t.pipe", text, strlen(text));
	arena_init(&p->arena);
	diag_set_init(&p->ds);
	p->nerrors = parse_file(&p->src, &p->arena, &p->arena, &p->ds, &p->f);
	return p;
}

static void done(struct parsed *p)
{
	diag_set_release(&p->ds);
	arena_release(&p->arena);
	source_release(&p->src);
	free(p);
}

static const struct ast_clause *clause(const struct parsed *p, size_t item, size_t i)
{
	if (item >= p->f.nitems || i >= p->f.items[item].nclauses)
		return NULL;
	return &p->f.items[item].clauses[i];
}

static const char *span_text(const struct parsed *p, struct span s)
{
	return arena_strndup((struct arena *)&p->arena, p->src.text + s.start, s.end - s.start);
}

static void test_strings(void)
{
	struct parsed *p = parse("pipeline a {\n"
				 "  description \"t\\tq\\\"b\\\\ \\u{1F600}\\u{41} \\$x \\${y} ${v_1}!\"\n"
				 "  source s3 \"a\\u{0}b\"\n"
				 "}\n");
	const struct ast_clause *c = clause(p, 0, 0);
	const struct ast_string *s;

	CHECK("strings: parse without errors", p->nerrors == 0 && c && c->kind == AST_DESCRIPTION);
	if (!c)
		goto out;
	s = &c->u.description;
	CHECK("strings: literal, variable, literal", s->nparts == 3 && !s->parts[0].is_var &&
	      s->parts[1].is_var && !s->parts[2].is_var);
	CHECK_STR("strings: escapes decode", s->parts[0].text,
		  "t\tq\"b\\ \xf0\x9f\x98\x80" "A $x ${y} ");
	CHECK_STR("strings: variable name", s->parts[1].text, "v_1");
	CHECK_STR("strings: variable span is ${...}", span_text(p, s->parts[1].span), "${v_1}");
	CHECK_STR("strings: text after the variable", s->parts[2].text, "!");
	CHECK("strings: span includes the quotes", p->src.text[s->span.start] == '"' &&
	      p->src.text[s->span.end - 1] == '"');
	CHECK_STR("ast_string_text writes variables back", ast_string_text(&p->arena, s),
		  "t\tq\"b\\ \xf0\x9f\x98\x80" "A $x ${y} ${v_1}!");
	c = clause(p, 0, 1);
	s = c ? &c->u.endpoint.args[0].u.str : NULL;
	CHECK("strings: \\u{0} is a NUL inside the text", s && s->nparts == 1 &&
	      s->parts[0].len == 3 && s->parts[0].text[1] == '\0');
out:
	done(p);
}

static void test_string_errors(void)
{
	struct parsed *p = parse("pipeline a {\n  description \"a\\qb\"\n  mode append\n}\n");

	CHECK("strings: an invalid escape is one error", p->nerrors == 1);
	CHECK("strings: the rest of the file still parses",
	      p->f.nitems == 1 && p->f.items[0].nclauses == 2);
	done(p);
	p = parse("pipeline a {\n  description \"abc\n  mode append\n}\n");
	CHECK("strings: unterminated is one error, next line parses",
	      p->nerrors == 1 && p->f.nitems == 1 && p->f.items[0].nclauses == 2);
	done(p);
}

static void test_numbers_durations(void)
{
	struct parsed *p = parse("pipeline a {\n"
				 "  job { x 30s 15m 1h 7d; n 42 -7 0.95 99999999999999999999 }\n"
				 "}\n");
	const struct ast_clause *c = clause(p, 0, 0);
	const struct ast_setting *x, *n;

	CHECK("numbers: one error (the overflow)", p->nerrors == 1);
	if (!c || c->kind != AST_JOB || c->u.job.nitems != 2) {
		CHECK("numbers: job block parsed", 0);
		goto out;
	}
	x = &c->u.job.items[0];
	n = &c->u.job.items[1];
	CHECK("durations: seconds", x->nargs == 4 && x->args[0].u.dur.seconds == 30 &&
	      x->args[1].u.dur.seconds == 900 && x->args[2].u.dur.seconds == 3600 &&
	      x->args[3].u.dur.seconds == 604800);
	CHECK_STR("durations: text as written", x->args[1].u.dur.text, "15m");
	CHECK("numbers: integers", n->args[0].kind == AST_VAL_NUMBER && n->args[0].u.num.is_int &&
	      n->args[0].u.num.ival == 42 && n->args[1].u.num.ival == -7);
	CHECK("numbers: decimal", !n->args[2].u.num.is_int && n->args[2].u.num.value > 0.94 &&
	      n->args[2].u.num.value < 0.96);
	CHECK("numbers: overflow flagged", n->args[3].u.num.overflow);
out:
	done(p);
	p = parse("pipeline a {\n  schedule every 99999999999999999d\n}\n");
	c = clause(p, 0, 0);
	CHECK("durations: overflow flagged and reported",
	      p->nerrors == 1 && c && c->u.schedule.every.overflow);
	done(p);
	/* An integer watermark's lag is a count: a number without a unit. */
	p = parse("pipeline a {\n  incremental by seq lag 100\n}\n"
		  "pipeline b {\n  incremental by seq lag 1.5\n}\n"
		  "pipeline c {\n  incremental by ts lag 15m\n}\n");
	c = clause(p, 0, 0);
	CHECK("lag: a plain number parses as a unitless count",
	      p->nerrors == 0 && c && c->u.incremental.lag && c->u.incremental.lag->unitless &&
	      c->u.incremental.lag->seconds == 100 && !strcmp(c->u.incremental.lag->text, "100"));
	c = clause(p, 1, 0);
	CHECK("lag: a fraction is kept as written, marked not whole",
	      c && c->u.incremental.lag && c->u.incremental.lag->unitless &&
	      c->u.incremental.lag->seconds == -1);
	c = clause(p, 2, 0);
	CHECK("lag: a duration is not unitless",
	      c && c->u.incremental.lag && !c->u.incremental.lag->unitless &&
	      c->u.incremental.lag->seconds == 900);
	done(p);
}

static void test_names(void)
{
	struct parsed *p = parse("pipeline `odd name` {\n"
				 "  job { workers 2 G.1X }\n"
				 "  columns {\n    from string\n    source int\n    `a b` int\n  }\n"
				 "  target s3tables lake.`My Table`\n"
				 "  incremental by partition dt\n"
				 "}\n"
				 "pipeline b {\n  incremental by `partition` lag 1h\n}\n");
	const struct ast_clause *c;
	const struct ast_qname *q;

	CHECK("names: parse without errors", p->nerrors == 0 && p->f.nitems == 2);
	if (p->f.nitems != 2)
		goto out;
	CHECK_STR("names: backquotes removed", p->f.items[0].name.text, "odd name");
	c = clause(p, 0, 0);
	q = c ? &c->u.job.items[0].args[1].u.name : NULL;
	CHECK("names: G.1X is one dotted name", q && q->nparts == 2 &&
	      !strcmp(q->parts[0].text, "G") && !strcmp(q->parts[1].text, "1X"));
	c = clause(p, 0, 1);
	CHECK("names: keywords are column names", c && c->u.columns.nitems == 3 &&
	      !strcmp(c->u.columns.items[0].name.text, "from") &&
	      !strcmp(c->u.columns.items[1].name.text, "source") &&
	      !strcmp(c->u.columns.items[2].name.text, "a b"));
	c = clause(p, 0, 2);
	CHECK_STR("ast_qname_text", c ? ast_qname_text(&p->arena, &c->u.endpoint.args[0].u.name) : NULL,
		  "lake.My Table");
	c = clause(p, 0, 3);
	CHECK("incremental by partition", c && c->u.incremental.kind == AST_INCR_PARTITION &&
	      !strcmp(c->u.incremental.column.text, "dt"));
	c = clause(p, 1, 0);
	CHECK("incremental by `partition` is a column", c && c->u.incremental.kind == AST_INCR_COLUMN &&
	      !strcmp(c->u.incremental.column.text, "partition") && c->u.incremental.lag &&
	      c->u.incremental.lag->seconds == 3600);
out:
	done(p);
}

static void test_shapes(void)
{
	struct parsed *p = parse(
		"# head\n"
		"defaults { job { retries 1 } }\n"
		"pipeline a {\n"
		"  source jdbc postgresql { connection \"pg\"; table public.orders }  # tail\n"
		"  target iceberg lake.orders at \"s3://b/o/\"\n"
		"  columns {\n"
		"    id decimal(10,2) required from \"ID\"\n"
		"    m map<string, int>\n"
		"    s struct<a: int, b: array<string>>\n"
		"  }\n"
		"  partition by days(ts), bucket(16, id), region\n"
		"  mode merge on id, region\n"
		"  schedule after x or y or z\n"
		"  validate {\n"
		"    row_count between 1 and 10\n"
		"    expect status in (\"a\", \"b\")\n"
		"    expect ts is not null\n"
		"    unique id, region\n"
		"    on failure warn\n"
		"  }\n"
		"}\n");
	const struct ast_clause *c;

	CHECK("shapes: parse without errors", p->nerrors == 0 && p->f.nitems == 2);
	CHECK("shapes: defaults item first", p->f.nitems == 2 && p->f.items[0].kind == AST_DEFAULTS);
	CHECK("shapes: two comments recorded", p->f.ncomments == 2 &&
	      !strcmp(span_text(p, p->f.comments[1].span), "# tail"));
	if (p->f.nitems != 2)
		goto out;
	c = clause(p, 1, 0);
	CHECK("shapes: source kind, args, block", c && c->kind == AST_SOURCE &&
	      !strcmp(c->u.endpoint.kind.text, "jdbc") && c->u.endpoint.nargs == 1 &&
	      c->u.endpoint.has_block && c->u.endpoint.nsettings == 2);
	CHECK_STR("shapes: clause span ends at its '}'", c ? span_text(p, c->span) : NULL,
		  "source jdbc postgresql { connection \"pg\"; table public.orders }");
	CHECK_STR("shapes: keyword span", c ? span_text(p, c->kw_span) : NULL, "source");
	c = clause(p, 1, 1);
	CHECK("shapes: target args name, 'at', string", c && c->u.endpoint.nargs == 3 &&
	      c->u.endpoint.args[1].kind == AST_VAL_NAME && c->u.endpoint.args[2].kind == AST_VAL_STRING);
	c = clause(p, 1, 2);
	if (c && c->u.columns.nitems == 3) {
		const struct ast_column *col = c->u.columns.items;

		CHECK("shapes: decimal params, required, from", col[0].type->nparams == 2 &&
		      col[0].type->params[1].ival == 2 && col[0].required && col[0].from);
		CHECK("shapes: map<K, V> has two type args", col[1].type->has_angle &&
		      col[1].type->nargs == 2 && col[1].type->nfields == 0);
		CHECK("shapes: struct fields, nested array", col[2].type->nfields == 2 &&
		      !strcmp(col[2].type->fields[1].name.text, "b") &&
		      col[2].type->fields[1].type->nargs == 1);
	} else {
		CHECK("shapes: three columns", 0);
	}
	c = clause(p, 1, 3);
	CHECK("shapes: partition transforms and identity", c && c->u.partition.nitems == 3 &&
	      c->u.partition.items[0].is_call && !strcmp(c->u.partition.items[0].fn.text, "days") &&
	      c->u.partition.items[1].nargs == 2 && !c->u.partition.items[2].is_call &&
	      c->u.partition.items[2].args[0].kind == AST_VAL_NAME);
	c = clause(p, 1, 4);
	CHECK("shapes: merge keys", c && c->u.mode.nkeys == 2 &&
	      !strcmp(c->u.mode.keys[1].text, "region"));
	c = clause(p, 1, 5);
	CHECK("shapes: after ... or ...", c && c->u.schedule.kind == AST_SCHED_AFTER &&
	      c->u.schedule.nafter == 3 && c->u.schedule.after_any);
	c = clause(p, 1, 6);
	if (c && c->u.validate.nitems == 5) {
		const struct ast_rule *r = c->u.validate.items;

		CHECK("shapes: row_count between", r[0].kind == AST_RULE_ROW_COUNT &&
		      r[0].cmp == AST_CMP_BETWEEN && r[0].nvalues == 2);
		CHECK("shapes: expect in", r[1].cmp == AST_CMP_IN && r[1].nvalues == 2 &&
		      r[1].ncolumns == 1);
		CHECK("shapes: expect is not null", r[2].cmp == AST_CMP_NOT_NULL);
		CHECK("shapes: unique columns", r[3].kind == AST_RULE_UNIQUE && r[3].ncolumns == 2);
		CHECK("shapes: on failure", r[4].kind == AST_RULE_ON_FAILURE &&
		      !strcmp(r[4].action.text, "warn"));
	} else {
		CHECK("shapes: five rules", 0);
	}
	CHECK_STR("ast_clause_keyword", ast_clause_keyword(AST_CREATE_IF_MISSING), "create if missing");
out:
	done(p);
}

static void test_recovery_and_dump(void)
{
	struct parsed *p = parse("pipeline a {\n  sorce x\n  mode append\n  mode\n  description \"d\"\n}\n");
	struct strbuf sb = STRBUF_INIT;

	CHECK("recovery: two errors", p->nerrors == 2 && p->f.nsyntax_errors == 2);
	CHECK("recovery: good clauses kept", p->f.nitems == 1 && p->f.items[0].nclauses == 2);
	done(p);

	p = parse("pipeline a {\n  mode merge on id\n  schedule every 1h\n}\n");
	ast_dump(&p->f, &sb);
	CHECK_STR("ast_dump", sb.buf,
		  "file t.pipe\n"
		  "  pipeline a @0..53\n"
		  "    mode merge on id @15..31\n"
		  "    schedule every 1h = 3600s @34..51\n");
	strbuf_release(&sb);
	done(p);

	p = parse("");
	CHECK("empty file: no items, no errors", p->nerrors == 0 && p->f.nitems == 0);
	done(p);
}

/* Lists grow by chunks: every item comes back, in order, across chunk
 * boundaries, whether pushed by value or by reference. */
static void test_vec(void)
{
	struct arena scratch, a;
	struct ast_vec *v = NULL, *r = NULL;
	long *vals, *refs, *taken;
	bool ok = true;
	long i, n = 100000;

	arena_init(&scratch);
	arena_init(&a);
	refs = arena_array(&a, (size_t)n, sizeof(*refs));
	for (i = 0; i < n; i++) {
		refs[i] = -i;
		v = ast_vec_push(&scratch, v, &i, sizeof(i));
		r = ast_vec_push_ref(&scratch, r, &refs[i], sizeof(refs[i]));
	}
	vals = ast_vec_take(&a, v);
	taken = ast_vec_take(&a, r);
	for (i = 0; i < n && ok; i++)
		ok = vals[i] == i && taken[i] == -i;
	CHECK("vec: 100000 items by value and by reference come back in order",
	      ok && v->n == (size_t)n && r->n == (size_t)n && taken != refs);
	CHECK("vec: an absent list takes as NULL", ast_vec_take(&a, NULL) == NULL);
	arena_release(&scratch);
	arena_release(&a);
}

/* A block left open is closed where the next clause or pipeline starts a
 * line; the pipelines after it are kept. */
static void test_unclosed_block_recovery(void)
{
	struct parsed *p = parse("pipeline a {\n  source s3 \"s3://b/p/\" { format json\n"
				 "  mode append\n}\npipeline b {\n  job { workers 2 G.1X\n"
				 "pipeline c {\n  mode append\n}\n");

	CHECK("unclosed: two errors, three pipelines", p->nerrors == 2 && p->f.nitems == 3);
	CHECK("unclosed: the source block holds its one setting, mode is a clause of a",
	      p->f.nitems == 3 && p->f.items[0].nclauses == 2 &&
	      p->f.items[0].clauses[0].u.endpoint.nsettings == 1 &&
	      p->f.items[0].clauses[1].kind == AST_MODE);
	CHECK("unclosed: pipeline c parsed whole",
	      p->f.nitems == 3 && !strcmp(p->f.items[2].name.text, "c") &&
	      p->f.items[2].nclauses == 1);
	done(p);
	/* tags take any key: a tag named like a clause keeps its block open */
	p = parse("pipeline a {\n  job {\n    tags {\n      description \"x\"\n"
		  "      mode \"y\"\n    }\n  }\n}\n");
	CHECK("tags named like clauses stay tags",
	      p->nerrors == 0 && p->f.nitems == 1 && p->f.items[0].nclauses == 1 &&
	      p->f.items[0].clauses[0].u.job.nitems == 1 &&
	      p->f.items[0].clauses[0].u.job.items[0].nblock == 2);
	done(p);
}

int main(void)
{
	test_strings();
	test_string_errors();
	test_numbers_durations();
	test_names();
	test_shapes();
	test_recovery_and_dump();
	test_vec();
	test_unclosed_block_recovery();
	return unit_done();
}
