#include "check_pathtpl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check_ctx.h"
#include "diag.h"
#include "names.h"
#include "strbuf.h"
#include "xalloc.h"

#define EXAMPLE "s3://bucket/events/{day}/{hour}/"
#define KEY_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* The location with its ${variables} substituted, byte by byte: where each
 * byte is in the .pipe file, and whether it is a brace of the template
 * syntax (a '{' or '}' written in the string, not one of a variable's value
 * nor of a literal "${...}"). */
struct tpl_text {
	struct strbuf text;
	uint32_t *pos;
	bool *brace;
	size_t alloc;
};

/* One {NAME}: its braces' offsets in the text. */
struct tpl_field {
	size_t open, close;
	const char *name;
	struct span span;
};

static void tpl_add(struct tpl_text *t, char ch, uint32_t pos, bool brace)
{
	if (t->text.len == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 64;
		t->pos = xrealloc(t->pos, t->alloc * sizeof(*t->pos));
		t->brace = xrealloc(t->brace, t->alloc * sizeof(*t->brace));
	}
	t->pos[t->text.len] = pos;
	t->brace[t->text.len] = brace;
	strbuf_addch(&t->text, ch);
}

static uint32_t hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return (uint32_t)(ch - '0');
	if (ch >= 'a' && ch <= 'f')
		return (uint32_t)(ch - 'a' + 10);
	if (ch >= 'A' && ch <= 'F')
		return (uint32_t)(ch - 'A' + 10);
	return 0;
}

/* The decoded bytes of literal part p, each with its offset in the .pipe
 * file: an escape (\n, \$, \u{...}) is several bytes of the file for one
 * or more decoded ones. */
static void add_literal(struct tpl_text *t, const struct source *src,
			const struct ast_strpart *p)
{
	const char *raw = src->text;
	size_t i = p->span.start, end = p->span.end, d = 0, k, n;
	bool dollar = false, in_var = false;

	while (d < p->len) {
		size_t at = i;

		n = 1;
		if (i + 1 < end && raw[i] == '\\' && raw[i + 1] == 'u') {
			uint32_t cp = 0;

			for (i += 3; i < end && raw[i] != '}'; i++)
				cp = cp * 16 + hex_value(raw[i]);
			i++;
			n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		} else if (i + 1 < end && raw[i] == '\\') {
			i += 2;
		} else if (i < end) {
			i++;
		}
		for (k = 0; k < n && d < p->len; k++, d++) {
			char ch = p->text[d];
			bool brace = (ch == '{' || ch == '}') && !in_var && !(ch == '{' && dollar);

			/* a literal "${...}" (written "\${...}") is text, not a
			 * placeholder; it ends at its '}' or its folder level's end */
			if (ch == '{' && dollar)
				in_var = true;
			else if ((ch == '}' || ch == '/') && in_var)
				in_var = false;
			dollar = ch == '$';
			tpl_add(t, ch, (uint32_t)at, brace);
		}
	}
}

/* The location, variables substituted (their values are plain text). */
static void build_text(struct check_ctx *c, const struct ast_string *s, struct tpl_text *t)
{
	size_t i;

	for (i = 0; i < s->nparts; i++) {
		const struct ast_strpart *p = &s->parts[i];
		struct ast_string one;
		const char *v;

		if (!p->is_var) {
			add_literal(t, c->src, p);
			continue;
		}
		one.parts = (struct ast_strpart *)p;
		one.nparts = 1;
		one.span = s->span;
		v = check_ctx_string(c, &one);	/* known: the whole string resolved */
		for (; v && *v; v++)
			tpl_add(t, *v, p->span.start, false);
	}
}

static struct span text_span(const struct tpl_text *t, size_t from, size_t to)
{
	return span_make(t->pos[from], t->pos[to] + 1);
}

/* The {NAME}s of the text; reports a brace that is not one. */
static size_t find_fields(struct check_ctx *c, const struct tpl_text *t,
			  struct tpl_field *f, bool *ok)
{
	const char *s = t->text.buf;
	size_t n = t->text.len, i, j, nf = 0;

	for (i = 0; i < n; i++) {
		if (!t->brace[i])
			continue;
		if (s[i] == '}') {
			diag_help(diag_error(c->ds, c->src, text_span(t, i, i),
					     "'}' without a '{' in the source location"),
				  "a placeholder is {NAME}, a whole folder level: %s", EXAMPLE);
			*ok = false;
			continue;
		}
		for (j = i + 1; j < n && !t->brace[j] && s[j] != '/'; j++)
			;
		if (j == n || s[j] != '}') {
			diag_help(diag_error(c->ds, c->src, text_span(t, i, i),
					     "'{' is not closed in its folder level"),
				  "a placeholder is {NAME}, a whole folder level: %s", EXAMPLE);
			*ok = false;
			i = j - 1;
			continue;
		}
		f[nf].open = i;
		f[nf].close = j;
		f[nf].name = arena_strndup(c->a, s + i + 1, j - i - 1);
		f[nf].span = text_span(t, i, j);
		nf++;
		i = j;
	}
	return nf;
}

static bool column_reads(const struct model_pipeline *p, const char *f)
{
	size_t i;

	for (i = 0; i < p->ncolumns; i++)
		if (p->columns[i].source_field && !strcmp(p->columns[i].source_field, f))
			return true;
	return false;
}

/* One {NAME}: a plain key, a whole folder level below the bucket, not the
 * last part, given once, read by a column. */
static bool field_ok(struct check_ctx *c, const struct tpl_text *t, const struct tpl_field *f,
		     size_t k, size_t bucket_end)
{
	const char *s = t->text.buf, *name = f[k].name;
	size_t n = t->text.len, j;

	if (!*name || name[strspn(name, KEY_CHARS)]) {
		diag_help(diag_error(c->ds, c->src, f[k].span,
				     "placeholder '{%s}' does not name a field", name),
			  "a placeholder names the source field it gives: letters, digits and "
			  "'_', like {day}");
		return false;
	}
	if (f[k].open < bucket_end) {
		diag_help(diag_error(c->ds, c->src, f[k].span,
				     "placeholder '{%s}' is inside the bucket name", name),
			  "the source reads one bucket: placeholders are folder levels below it, "
			  "like %s", EXAMPLE);
		return false;
	}
	if (s[f[k].open - 1] != '/' || (f[k].close + 1 < n && s[f[k].close + 1] != '/')) {
		diag_help(diag_error(c->ds, c->src, f[k].span,
				     "placeholder '{%s}' is not a whole folder level", name),
			  "write it as a folder of its own, between two '/': .../{%s}/...", name);
		return false;
	}
	if (f[k].close + 1 == n) {
		diag_help(diag_error(c->ds, c->src, f[k].span,
				     "placeholder '{%s}' ends the location, where the file name is",
				     name),
			  "end the location with '/': .../{%s}/ (the files are in the last "
			  "folder level)", name);
		return false;
	}
	for (j = 0; j < k && strcmp(f[j].name, name); j++)
		;
	if (j < k) {
		diag_help(diag_error(c->ds, c->src, f[k].span, "placeholder '{%s}' is given twice",
				     name),
			  "each folder level gives a field of its own: rename or remove one");
		return false;
	}
	if (!column_reads(c->mp, name)) {
		diag_help(diag_error(c->ds, c->src, f[k].span,
				     "no column reads placeholder '{%s}'", name),
			  "declare a column that reads it: %s string (or NAME TYPE from \"%s\")",
			  name, name);
		return false;
	}
	return true;
}

/* The folder levels of the text below the location read (which ends at
 * the first placeholder). */
static void set_levels(struct check_ctx *c, const struct tpl_text *t,
		       const struct tpl_field *f, size_t nf, struct model_source *ms)
{
	const char *s = t->text.buf;
	size_t n = t->text.len, i = f[0].open, k = 0, nlev = 0, cap = 0, j;
	struct model_path_level *lev;

	for (j = i; j < n; j++)
		cap += s[j] == '/';
	lev = arena_array(c->a, cap, sizeof(*lev));
	while (i < n) {
		for (j = i; s[j] != '/'; j++)
			;
		if (k < nf && f[k].open == i) {
			lev[nlev].text = f[k].name;
			lev[nlev].field = true;
			lev[nlev].span = f[k].span;
			k++;
		} else {
			lev[nlev].text = arena_strndup(c->a, s + i, j - i);
			lev[nlev].field = false;
			lev[nlev].span = span_make(0, 0);
		}
		nlev++;
		i = j + 1;
	}
	ms->path = arena_strndup(c->a, s, f[0].open);
	ms->path_levels = lev;
	ms->npath_levels = nlev;
}

bool check_pathtpl_is_template(const struct ast_string *s)
{
	size_t i;

	for (i = 0; i < s->nparts; i++)
		if (!s->parts[i].is_var && (memchr(s->parts[i].text, '{', s->parts[i].len) ||
					    memchr(s->parts[i].text, '}', s->parts[i].len)))
			return true;
	return false;
}

void check_pathtpl_location(struct check_ctx *c, const struct ast_string *s,
			    struct model_source *ms)
{
	struct tpl_text t = { STRBUF_INIT, NULL, NULL, 0 };
	const char *whole = check_ctx_string(c, s), *slash, *why;
	struct tpl_field *f;
	size_t nf, k, bucket_end;
	bool ok = true;

	if (!whole)
		return;
	build_text(c, s, &t);
	f = arena_array(c->a, t.text.len + 1, sizeof(*f));
	nf = find_fields(c, &t, f, &ok);
	slash = strncmp(t.text.buf, "s3://", 5) ? NULL : strchr(t.text.buf + 5, '/');
	bucket_end = slash ? (size_t)(slash - t.text.buf) : t.text.len;
	for (k = 0; k < nf; k++)
		if (!field_ok(c, &t, f, k, bucket_end))
			ok = false;
	if (ok && (why = names_s3_url_problem(whole)) != NULL) {
		diag_help(diag_error(c->ds, c->src, s->span,
				     "source location '%s' is not a valid S3 location: %s", whole, why),
			  "write s3://BUCKET/PREFIX/");
		ok = false;
	}
	if (ok && nf && whole[strlen(whole) - 1] != '/') {
		diag_help(diag_error(c->ds, c->src, s->span,
				     "a source location with placeholders ends with '/'"),
			  "write '%s/': the files are in its last folder level", whole);
		ok = false;
	}
	if (ok && nf) {
		set_levels(c, &t, f, nf, ms);
		ms->path_template = whole;
		ms->recurse = true;
	} else if (ok) {
		ms->path = whole;
	}
	strbuf_release(&t.text);
	free(t.pos);
	free(t.brace);
}

void check_pathtpl_finish(struct check_ctx *c, const struct model_source *ms)
{
	size_t i, j;

	for (i = 0; i < ms->npath_levels; i++) {
		if (!ms->path_levels[i].field)
			continue;
		for (j = 0; j < ms->npath_fields; j++)
			if (!strcmp(ms->path_fields[j], ms->path_levels[i].text))
				diag_help(diag_error(c->ds, c->src, ms->path_levels[i].span,
						     "'%s' is both a placeholder and a path field",
						     ms->path_levels[i].text),
					  "remove '%s' from path_fields: the folder level {%s} "
					  "gives it", ms->path_levels[i].text,
					  ms->path_levels[i].text);
	}
}
