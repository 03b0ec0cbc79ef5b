/*
 * nested: field-by-field edits between nested types (nested.h).
 */
#include "nested.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "coltype.h"
#include "strbuf.h"
#include "xalloc.h"

/* A type as a tree: a primitive has no children; a struct its fields, an
 * array one child "element", a map two, "key" and "value". */
struct ntype {
	char kind;		/* 'p'rimitive, 's'truct, 'a'rray, 'm'ap */
	char *text;		/* its spelling, without blanks */
	size_t n;
	char **names;
	struct ntype **kids;
};

static const struct {
	const char *prefix;
	char kind;
} kinds[] = { { "struct<", 's' }, { "array<", 'a' }, { "map<", 'm' } };

/* text without blanks outside backquotes */
static char *squeeze(const char *text)
{
	char *out = xmalloc(strlen(text) + 1), *o = out;
	bool quoted = false;

	for (; *text; text++) {
		if (*text == '`')
			quoted = !quoted;
		if (quoted || !isspace((unsigned char)*text))
			*o++ = *text;
	}
	*o = '\0';
	return out;
}

static char kind_of(const char *s, size_t *skip)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncasecmp(s, kinds[i].prefix, strlen(kinds[i].prefix))) {
			*skip = strlen(kinds[i].prefix);
			return kinds[i].kind;
		}
	*skip = 0;
	return 'p';
}

bool nested_is(const char *text)
{
	size_t skip;

	while (text && isspace((unsigned char)*text))
		text++;
	return text && kind_of(text, &skip) != 'p';
}

static void add_kid(struct ntype *t, char *name, struct ntype *kid)
{
	t->names = xrealloc(t->names, (t->n + 1) * sizeof(*t->names));
	t->kids = xrealloc(t->kids, (t->n + 1) * sizeof(*t->kids));
	t->names[t->n] = name;
	t->kids[t->n++] = kid;
}

static struct ntype *parse(const char **sp);

/* A struct field's name, backquotes removed (a doubled one kept once). */
static char *field_name(const char **sp)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = *sp;

	if (*s == '`') {
		for (s++; *s && !(*s == '`' && s[1] != '`'); s++) {
			strbuf_addch(&sb, *s);
			if (*s == '`')
				s++;
		}
		if (*s)
			s++;
	} else {
		for (; *s && *s != ':' && *s != ',' && *s != '>'; s++)
			strbuf_addch(&sb, *s);
	}
	if (*s == ':')
		s++;
	*sp = s;
	return strbuf_detach(&sb, NULL);
}

static void parse_kids(struct ntype *t, const char **sp)
{
	static const char *const map_names[] = { "key", "value" };
	const char *s = *sp;

	while (*s && *s != '>') {
		char *name;

		if (t->kind == 's')
			name = field_name(&s);
		else
			name = xstrdup(t->kind == 'a' ? "element" : map_names[t->n > 0]);
		add_kid(t, name, parse(&s));
		if (*s == ',')
			s++;
	}
	if (*s == '>')
		s++;
	*sp = s;
}

static struct ntype *parse(const char **sp)
{
	struct ntype *t = xcalloc(1, sizeof(*t));
	const char *start = *sp, *s = *sp;
	size_t skip;
	int depth = 0;

	t->kind = kind_of(s, &skip);
	if (t->kind != 'p') {
		s += skip;
		parse_kids(t, &s);
	} else {
		for (; *s && (depth || (*s != ',' && *s != '>')); s++)
			depth += (*s == '(') - (*s == ')');
	}
	t->text = xstrndup(start, (size_t)(s - start));
	*sp = s;
	return t;
}

static void release(struct ntype *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->names[i]);
		release(t->kids[i]);
	}
	free(t->names);
	free(t->kids);
	free(t->text);
	free(t);
}

struct walk {
	nested_fn fn;
	void *arg;
	int count;
	struct strbuf path;
};

static void emit(struct walk *w, enum nested_edit e, const char *from, const char *to)
{
	w->fn(w->arg, e, w->path.buf, from, to);
	w->count++;
}

static void diff(struct walk *w, const struct ntype *a, const struct ntype *b);

/* path + "." + name while fn runs */
static void descend(struct walk *w, const char *name, const struct ntype *a,
		    const struct ntype *b, enum nested_edit e)
{
	size_t len = w->path.len;

	strbuf_addf(&w->path, ".%s", name);
	if (a && b)
		diff(w, a, b);
	else
		emit(w, e, a ? a->text : NULL, b ? b->text : NULL);
	strbuf_setlen(&w->path, len);
}

static const struct ntype *find(const struct ntype *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcasecmp(t->names[i], name))
			return t->kids[i];
	return NULL;
}

static void diff_struct(struct walk *w, const struct ntype *a, const struct ntype *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		descend(w, b->names[i], find(a, b->names[i]), b->kids[i], NESTED_ADD);
	for (i = 0; i < a->n; i++)
		if (!find(b, a->names[i]))
			descend(w, a->names[i], a->kids[i], NULL, NESTED_UNDECLARE);
}

static void diff_primitive(struct walk *w, const struct ntype *a, const struct ntype *b)
{
	struct coltype at, bt;

	coltype_parse(a->text, &at);
	coltype_parse(b->text, &bt);
	if (!strcmp(at.norm, bt.norm))
		return;
	if (coltype_promotes(&at, &bt))
		emit(w, NESTED_WIDEN, a->text, b->text);
	else if (coltype_widens(&bt, &at))
		emit(w, NESTED_NARROW, a->text, b->text);
	else
		emit(w, NESTED_CHANGE, a->text, b->text);
}

static void diff(struct walk *w, const struct ntype *a, const struct ntype *b)
{
	struct coltype at, bt;
	size_t len = w->path.len;

	if (a->kind != b->kind) {
		emit(w, NESTED_KIND, a->text, b->text);
	} else if (a->kind == 'p') {
		diff_primitive(w, a, b);
	} else if (a->kind == 's') {
		diff_struct(w, a, b);
	} else if (a->kind == 'a' && a->n && b->n) {
		descend(w, "element", a->kids[0], b->kids[0], NESTED_ADD);
	} else if (a->kind == 'm' && a->n > 1 && b->n > 1) {
		coltype_parse(a->kids[0]->text, &at);
		coltype_parse(b->kids[0]->text, &bt);
		if (strcmp(at.norm, bt.norm) && !coltype_widens(&bt, &at)) {
			strbuf_addstr(&w->path, ".key");
			emit(w, NESTED_KEY, a->kids[0]->text, b->kids[0]->text);
			strbuf_setlen(&w->path, len);
		}
		descend(w, "value", a->kids[1], b->kids[1], NESTED_ADD);
	}
}

int nested_diff(const char *name, const char *from, const char *to, nested_fn fn, void *arg)
{
	char *fs = squeeze(from), *ts = squeeze(to);
	const char *fp = fs, *tp = ts;
	struct ntype *a = parse(&fp), *b = parse(&tp);
	struct walk w = { fn, arg, 0, STRBUF_INIT };

	strbuf_addstr(&w.path, name);
	diff(&w, a, b);
	strbuf_release(&w.path);
	release(a);
	release(b);
	free(fs);
	free(ts);
	return w.count;
}

bool nested_refused(enum nested_edit e)
{
	return e == NESTED_CHANGE || e == NESTED_KIND || e == NESTED_KEY;
}
