#include "template.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

enum node_kind { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL };

struct template_node {
	enum node_kind kind;
	size_t off, len;	/* N_TEXT: bytes of the fragment text */
	char *name;		/* others */
	unsigned hash;		/* name_hash(name) */
	char *indent;		/* N_PARTIAL: whitespace before a standalone tag */
	size_t end;		/* sections: index of the first node after the section */
};

struct template_frag {
	char *name;
	char *text;
	size_t len;
	struct template_node *nodes;
	size_t n, alloc;
};

enum val_kind { V_STR, V_FLAG, V_LIST };

struct template_var {
	const char *name;
	unsigned hash;		/* name_hash(name) */
	enum val_kind kind;
	const char *str;
	bool flag;
	struct template_ctx **items;
	size_t nitems, items_alloc;
	struct template_var *next;
};

/* A job.py context holds some hundred variables, each set and looked up
 * once or more per pipeline: chains of a small hash table keep both cheap. */
#define CTX_BUCKETS 64

struct template_ctx {
	struct arena *arena;
	const struct template_ctx *parent;
	struct template_var *vars[CTX_BUCKETS];
};

/* FNV-1a */
static unsigned name_hash(const char *name)
{
	unsigned h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

/* ---- compiling ---- */

static struct template_node *frag_push(struct template_frag *f, enum node_kind k)
{
	struct template_node *n;

	XGROW(f->nodes, f->alloc, f->n + 1);
	n = &f->nodes[f->n++];
	memset(n, 0, sizeof(*n));
	n->kind = k;
	return n;
}

static void push_text(struct template_frag *f, size_t from, size_t to)
{
	struct template_node *n;

	if (to <= from)
		return;
	n = frag_push(f, N_TEXT);
	n->off = from;
	n->len = to - from;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int frag_compile(struct template_frag *f, struct strbuf *err)
{
	const char *t = f->text;
	size_t pos = 0, text_from = 0;
	size_t stack[64], depth = 0;

	while (pos < f->len) {
		const char *open = strstr(t + pos, "{{");
		const char *close;
		size_t tag_start, tag_end, line_start, after, name_from, name_to;
		char sigil;
		bool standalone;
		struct template_node *n;

		if (!open || (size_t)(open - t) >= f->len)
			break;
		tag_start = (size_t)(open - t);
		close = strstr(open + 2, "}}");
		if (!close) {
			strbuf_addf(err, "template '%s': unterminated tag at byte %zu", f->name, tag_start);
			return -1;
		}
		tag_end = (size_t)(close - t) + 2;
		sigil = open[2];
		name_from = tag_start + 2;
		if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>' || sigil == '!')
			name_from++;
		else
			sigil = 0;
		name_to = tag_end - 2;
		while (name_from < name_to && is_blank(t[name_from]))
			name_from++;
		while (name_to > name_from && is_blank(t[name_to - 1]))
			name_to--;
		if (sigil != '!' && name_to == name_from) {
			strbuf_addf(err, "template '%s': empty tag at byte %zu", f->name, tag_start);
			return -1;
		}

		line_start = tag_start;
		while (line_start > 0 && t[line_start - 1] != '\n')
			line_start--;
		standalone = sigil != 0;
		for (size_t i = line_start; standalone && i < tag_start; i++)
			if (!is_blank(t[i]))
				standalone = false;
		after = tag_end;
		while (standalone && after < f->len && is_blank(t[after]))
			after++;
		if (standalone && after < f->len && t[after] == '\n')
			after++;
		else if (standalone && after < f->len)
			standalone = false;

		push_text(f, text_from, standalone ? line_start : tag_start);
		text_from = standalone ? after : tag_end;
		pos = text_from;
		if (sigil == '!')
			continue;
		if (sigil == '/') {
			char *name = xstrndup(t + name_from, name_to - name_from);
			struct template_node *o;

			if (depth == 0 || strcmp((o = &f->nodes[stack[depth - 1]])->name, name) != 0) {
				strbuf_addf(err, "template '%s': unexpected {{/%s}} at byte %zu",
					    f->name, name, tag_start);
				free(name);
				return -1;
			}
			free(name);
			o->end = f->n;
			depth--;
			continue;
		}
		n = frag_push(f, sigil == '#' ? N_SECTION : sigil == '^' ? N_INVERTED :
				 sigil == '>' ? N_PARTIAL : N_VAR);
		n->name = xstrndup(t + name_from, name_to - name_from);
		n->hash = name_hash(n->name);
		if (sigil == '>')
			n->indent = xstrndup(t + line_start, standalone ? tag_start - line_start : 0);
		if (sigil == '#' || sigil == '^') {
			if (depth == sizeof(stack) / sizeof(stack[0])) {
				strbuf_addf(err, "template '%s': sections nested too deeply", f->name);
				return -1;
			}
			stack[depth++] = f->n - 1;
		}
	}
	push_text(f, text_from, f->len);
	if (depth) {
		strbuf_addf(err, "template '%s': {{#%s}} is never closed", f->name,
			    f->nodes[stack[depth - 1]].name);
		return -1;
	}
	return 0;
}

static void frag_free(struct template_frag *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->nodes[i].name);
		free(f->nodes[i].indent);
	}
	free(f->nodes);
	free(f->name);
	free(f->text);
	free(f);
}

static int add_frag(struct template_set *ts, const char *name, const char *data, size_t len,
		    struct strbuf *err)
{
	struct template_frag *f = xcalloc(1, sizeof(*f));

	f->name = xstrdup(name);
	f->text = xmalloc(len + 1);
	memcpy(f->text, data, len);
	f->text[len] = '\0';
	f->len = len;
	if (frag_compile(f, err) < 0) {
		frag_free(f);
		return -1;
	}
	XGROW(ts->frags, ts->frags_alloc, ts->nfrags + 1);
	ts->frags[ts->nfrags++] = f;
	strmap_put(&ts->by_name, f->name, f);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int template_set_load(struct template_set *ts, const char *dir, struct strbuf *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	int rc = 0;

	memset(ts, 0, sizeof(*ts));
	strmap_init(&ts->by_name);
	if (!dir) {
		for (i = 0; i < template_file_count; i++)
			if (add_frag(ts, template_files[i].name, template_files[i].data,
				     template_files[i].len, err) < 0)
				return -1;
		return 0;
	}
	d = opendir(dir);
	if (!d) {
		strbuf_addf(err, "cannot read template directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		XGROW(names, alloc, n + 1);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
		struct stat st;

		strbuf_addf(&path, "%s/%s", dir, names[i]);
		if (rc == 0 && stat(path.buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (strbuf_read_file(&text, path.buf) < 0) {
				strbuf_addf(err, "cannot read template '%s': %s", path.buf, strerror(errno));
				rc = -1;
			} else if (add_frag(ts, names[i], text.buf, text.len, err) < 0) {
				rc = -1;
			}
		}
		strbuf_release(&path);
		strbuf_release(&text);
		free(names[i]);
	}
	free(names);
	return rc;
}

void template_set_release(struct template_set *ts)
{
	size_t i;

	for (i = 0; i < ts->nfrags; i++)
		frag_free(ts->frags[i]);
	free(ts->frags);
	strmap_release(&ts->by_name);
	memset(ts, 0, sizeof(*ts));
}

bool template_set_has(const struct template_set *ts, const char *name)
{
	return strmap_get(&ts->by_name, name) != NULL;
}

/* ---- contexts ---- */

struct template_ctx *template_ctx_new(struct arena *a, struct template_ctx *parent)
{
	struct template_ctx *c = ARENA_NEW(a, struct template_ctx);

	c->arena = a;
	c->parent = parent;
	return c;
}

static struct template_var *own_var(struct template_ctx *c, const char *name)
{
	unsigned h = name_hash(name);
	struct template_var **head = &c->vars[h % CTX_BUCKETS], *v;

	for (v = *head; v; v = v->next)
		if (v->hash == h && !strcmp(v->name, name))
			return v;
	v = ARENA_NEW(c->arena, struct template_var);
	v->name = name;
	v->hash = h;
	v->next = *head;
	*head = v;
	return v;
}

void template_set_str(struct template_ctx *c, const char *name, const char *value)
{
	struct template_var *v = own_var(c, name);

	v->kind = V_STR;
	v->str = value;
}

void template_set_flag(struct template_ctx *c, const char *name, bool on)
{
	struct template_var *v = own_var(c, name);

	v->kind = V_FLAG;
	v->flag = on;
}

void template_set_list(struct template_ctx *c, const char *name)
{
	struct template_var *v = own_var(c, name);

	if (v->kind != V_LIST) {
		v->kind = V_LIST;
		v->nitems = 0;
	}
}

struct template_ctx *template_add_item(struct template_ctx *c, const char *name)
{
	struct template_var *v = own_var(c, name);
	struct template_ctx *item;

	if (v->kind != V_LIST) {
		v->kind = V_LIST;
		v->nitems = 0;
	}
	if (v->nitems == v->items_alloc) {
		size_t alloc = v->items_alloc ? v->items_alloc * 2 : 4;
		struct template_ctx **items = arena_array(c->arena, alloc, sizeof(*items));

		if (v->nitems)
			memcpy(items, v->items, v->nitems * sizeof(*items));
		v->items = items;
		v->items_alloc = alloc;
	}
	item = template_ctx_new(c->arena, c);
	v->items[v->nitems++] = item;
	return item;
}

static const struct template_var *lookup(const struct template_ctx *c, const char *name,
					 unsigned h)
{
	const struct template_var *v;

	for (; c; c = c->parent)
		for (v = c->vars[h % CTX_BUCKETS]; v; v = v->next)
			if (v->hash == h && !strcmp(v->name, name))
				return v;
	return NULL;
}

/* ---- rendering ---- */

static int render_frag(const struct template_set *ts, const char *name,
		       const struct template_ctx *ctx, struct strbuf *out, struct strbuf *err,
		       int depth);

/* Indents every non-empty line of out from byte start on (start is at the
 * beginning of a line) so that fragments nest like code; empty lines stay
 * empty (no trailing whitespace).  In place: the lines are moved back to
 * front, each once. */
static void indent_lines(struct strbuf *out, size_t start, const char *indent)
{
	size_t ilen = strlen(indent), lines = 0, end = out->len, to;
	const char *p, *nl, *stop = out->buf + end;

	if (!ilen)
		return;
	for (p = out->buf + start; p < stop; p = nl) {
		nl = memchr(p, '\n', (size_t)(stop - p));
		nl = nl ? nl + 1 : stop;
		lines += *p != '\n';
	}
	if (!lines)
		return;
	strbuf_grow(out, lines * ilen);
	to = end + lines * ilen;
	strbuf_setlen(out, to);
	/* each line [from, end) moves to [to - (end - from), to), preceded by
	 * the indent unless empty */
	while (end > start) {
		size_t from = end - 1;	/* the line's newline, or the text's last byte */

		while (from > start && out->buf[from - 1] != '\n')
			from--;
		/* [from, end): one line, with its newline but the last */
		to -= end - from;
		memmove(out->buf + to, out->buf + from, end - from);
		if (out->buf[from] != '\n') {
			to -= ilen;
			memcpy(out->buf + to, indent, ilen);
		}
		end = from;
	}
}

static int render_nodes(const struct template_set *ts, const struct template_frag *f,
			size_t from, size_t to, const struct template_ctx *ctx,
			struct strbuf *out, struct strbuf *err, int depth)
{
	size_t i = from;

	while (i < to) {
		const struct template_node *n = &f->nodes[i];
		const struct template_var *v;

		switch (n->kind) {
		case N_TEXT:
			strbuf_add(out, f->text + n->off, n->len);
			i++;
			continue;
		case N_PARTIAL: {
			size_t start = out->len;

			if (render_frag(ts, n->name, ctx, out, err, depth + 1) < 0)
				return -1;
			indent_lines(out, start, n->indent);
			i++;
			continue;
		}
		default:
			break;
		}
		v = lookup(ctx, n->name, n->hash);
		if (!v) {
			strbuf_addf(err, "template '%s': no value for '%s'", f->name, n->name);
			return -1;
		}
		if (n->kind == N_VAR) {
			if (v->kind != V_STR) {
				strbuf_addf(err, "template '%s': '%s' is not a string", f->name, n->name);
				return -1;
			}
			strbuf_addstr(out, v->str);
			i++;
			continue;
		}
		if (v->kind == V_STR) {
			strbuf_addf(err, "template '%s': '%s' is a string, not a section", f->name, n->name);
			return -1;
		}
		if (n->kind == N_INVERTED) {
			bool empty = v->kind == V_FLAG ? !v->flag : v->nitems == 0;

			if (empty && render_nodes(ts, f, i + 1, n->end, ctx, out, err, depth) < 0)
				return -1;
		} else if (v->kind == V_FLAG) {
			if (v->flag && render_nodes(ts, f, i + 1, n->end, ctx, out, err, depth) < 0)
				return -1;
		} else {
			size_t k;

			for (k = 0; k < v->nitems; k++)
				if (render_nodes(ts, f, i + 1, n->end, v->items[k], out, err, depth) < 0)
					return -1;
		}
		i = n->end;
	}
	return 0;
}

static int render_frag(const struct template_set *ts, const char *name,
		       const struct template_ctx *ctx, struct strbuf *out, struct strbuf *err,
		       int depth)
{
	const struct template_frag *f = strmap_get(&ts->by_name, name);

	if (!f) {
		strbuf_addf(err, "template '%s' not found", name);
		return -1;
	}
	if (depth > 32) {
		strbuf_addf(err, "template '%s': fragments include each other too deeply", name);
		return -1;
	}
	return render_nodes(ts, f, 0, f->n, ctx, out, err, depth);
}

int template_render(const struct template_set *ts, const char *name,
		    const struct template_ctx *ctx, struct strbuf *out, struct strbuf *err)
{
	return render_frag(ts, name, ctx, out, err, 0);
}
