/*
 * graph_render: the kept part of a graph as Mermaid, Graphviz DOT or JSON
 * (see graph.h; the formats are described in docs/graph.md).
 */
#include "graph.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Longest description a Mermaid or DOT label shows (bytes, then "..."). */
#define GRAPH_DESCRIPTION_MAX 80

/* s's bytes up to max, cut before a UTF-8 continuation byte; *cut tells
 * whether anything was left out. */
static size_t clip(const char *s, size_t max, bool *cut)
{
	size_t n = strlen(s);

	*cut = n > max;
	if (!*cut)
		return n;
	n = max;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Text inside a quoted Mermaid label: entities for what Mermaid or the
 * Markdown around it would read otherwise; control characters as spaces. */
static void mermaid_text(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': strbuf_addstr(out, "#quot;"); break;
		case '#': strbuf_addstr(out, "#35;"); break;
		case '<': strbuf_addstr(out, "#lt;"); break;
		case '>': strbuf_addstr(out, "#gt;"); break;
		case '&': strbuf_addstr(out, "#amp;"); break;
		case '`': strbuf_addstr(out, "#96;"); break;
		default:
			strbuf_addch(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
		}
	}
}

/* Text inside a DOT string: '"' and '\' escaped, control characters as
 * spaces. */
static void dot_text(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
}

typedef void (*text_fn)(struct strbuf *out, const char *s, size_t n);

static void add_text(struct strbuf *out, text_fn fn, const char *s)
{
	fn(out, s, strlen(s));
}

/* A node's label lines, separated by sep, each escaped by fn. */
static void node_label(const struct graph_node *n, text_fn fn, const char *sep,
		       struct strbuf *out)
{
	add_text(out, fn, n->label);
	strbuf_addstr(out, sep);
	switch (n->kind) {
	case GRAPH_SOURCE:
		add_text(out, fn, n->type);
		if (n->detail) {
			add_text(out, fn, " ");
			add_text(out, fn, n->detail);
		}
		break;
	case GRAPH_TABLE:
		add_text(out, fn, n->type ? n->type : "table");
		break;
	case GRAPH_PIPELINE:
		add_text(out, fn, n->schedule);
		add_text(out, fn, ", mode ");
		add_text(out, fn, n->mode);
		if (n->description) {
			bool cut;
			size_t len = clip(n->description, GRAPH_DESCRIPTION_MAX, &cut);

			strbuf_addstr(out, sep);
			fn(out, n->description, len);
			if (cut)
				add_text(out, fn, "...");
		}
		break;
	}
}

/* The marked nodes drawn with a thick border. */
static void render_marks(const struct graph *g, struct strbuf *out)
{
	size_t i, n = 0;

	for (i = 0; i < g->nnodes; i++) {
		if (!g->nodes[i].keep || !g->nodes[i].mark)
			continue;
		if (!n++)
			strbuf_addstr(out, "  classDef changed stroke-width:3px\n  class ");
		else
			strbuf_addch(out, ',');
		strbuf_addstr(out, g->nodes[i].id);
	}
	if (n)
		strbuf_addstr(out, " changed\n");
}

static void render_mermaid(const struct graph *g, struct strbuf *out)
{
	static const char *const open[] = { [GRAPH_SOURCE] = "[/\"", [GRAPH_PIPELINE] = "[\"",
					    [GRAPH_TABLE] = "[(\"" };
	static const char *const close[] = { [GRAPH_SOURCE] = "\"/]",
					     [GRAPH_PIPELINE] = "\"]", [GRAPH_TABLE] = "\")]" };
	static const char *const arrow[] = { [GRAPH_READS] = "-->", [GRAPH_WRITES] = "-->",
					     [GRAPH_JOINS] = "-.->", [GRAPH_AFTER] = "==>" };
	size_t i;

	strbuf_addstr(out, "flowchart LR\n");
	for (i = 0; i < g->nnodes; i++) {
		const struct graph_node *n = &g->nodes[i];

		if (!n->keep)
			continue;
		strbuf_addf(out, "  %s%s", n->id, open[n->kind]);
		node_label(n, mermaid_text, "<br/>", out);
		strbuf_addf(out, "%s\n", close[n->kind]);
	}
	for (i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (!e->keep)
			continue;
		strbuf_addf(out, "  %s %s", g->nodes[e->from].id, arrow[e->kind]);
		if (e->label) {
			strbuf_addstr(out, "|\"");
			add_text(out, mermaid_text, e->label);
			strbuf_addstr(out, "\"|");
		}
		strbuf_addf(out, " %s\n", g->nodes[e->to].id);
	}
	render_marks(g, out);
}

static void render_dot(const struct graph *g, struct strbuf *out)
{
	static const char *const shape[] = { [GRAPH_SOURCE] = "shape=parallelogram",
					     [GRAPH_PIPELINE] = "shape=box, style=rounded",
					     [GRAPH_TABLE] = "shape=cylinder" };
	static const char *const style[] = { [GRAPH_READS] = "", [GRAPH_WRITES] = "",
					     [GRAPH_JOINS] = "style=dashed, ",
					     [GRAPH_AFTER] = "style=bold, " };
	size_t i;

	strbuf_addstr(out, "digraph pipec {\n  rankdir=LR;\n  node [fontsize=11];\n"
			   "  edge [fontsize=10];\n");
	for (i = 0; i < g->nnodes; i++) {
		const struct graph_node *n = &g->nodes[i];

		if (!n->keep)
			continue;
		strbuf_addf(out, "  %s [%s, label=\"", n->id, shape[n->kind]);
		node_label(n, dot_text, "\\n", out);
		strbuf_addstr(out, "\"];\n");
	}
	for (i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (!e->keep)
			continue;
		strbuf_addf(out, "  %s -> %s", g->nodes[e->from].id, g->nodes[e->to].id);
		if (e->label || *style[e->kind]) {
			strbuf_addf(out, " [%s", style[e->kind]);
			if (e->label) {
				strbuf_addstr(out, "label=\"");
				add_text(out, dot_text, e->label);
				strbuf_addstr(out, "\"");
			} else {
				strbuf_setlen(out, out->len - 2);
			}
			strbuf_addstr(out, "]");
		}
		strbuf_addstr(out, ";\n");
	}
	strbuf_addstr(out, "}\n");
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *node_json(const struct graph_node *n)
{
	static const char *const kind[] = { [GRAPH_SOURCE] = "source",
					    [GRAPH_PIPELINE] = "pipeline",
					    [GRAPH_TABLE] = "table" };
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(n->id));
	json_object_set_new(o, "kind", json_string(kind[n->kind]));
	json_object_set_new(o, "label", json_string(n->label));
	if (n->kind == GRAPH_PIPELINE) {
		json_object_set_new(o, "schedule", json_string(n->schedule));
		json_object_set_new(o, "mode", json_string(n->mode));
		json_object_set_new(o, "file", str_or_null(n->file));
		json_object_set_new(o, "description", str_or_null(n->description));
	} else if (n->kind == GRAPH_SOURCE) {
		json_object_set_new(o, "source_kind", json_string(n->type));
		json_object_set_new(o, "detail", str_or_null(n->detail));
	} else {
		json_object_set_new(o, "table_kind", str_or_null(n->type));
		json_object_set_new(o, "catalog", json_string(n->detail));
	}
	return o;
}

static void render_json(const struct graph *g, struct strbuf *out)
{
	static const char *const kind[] = { [GRAPH_READS] = "reads", [GRAPH_WRITES] = "writes",
					    [GRAPH_JOINS] = "joins", [GRAPH_AFTER] = "after" };
	json_t *doc = json_object(), *nodes = json_array(), *edges = json_array();
	char *text;
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].keep)
			json_array_append_new(nodes, node_json(&g->nodes[i]));
	for (i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];
		json_t *o;

		if (!e->keep)
			continue;
		o = json_object();
		json_object_set_new(o, "from", json_string(g->nodes[e->from].id));
		json_object_set_new(o, "to", json_string(g->nodes[e->to].id));
		json_object_set_new(o, "kind", json_string(kind[e->kind]));
		json_object_set_new(o, "label", str_or_null(e->label));
		json_array_append_new(edges, o);
	}
	json_object_set_new(doc, "format_version", json_integer(GRAPH_FORMAT_VERSION));
	json_object_set_new(doc, "nodes", nodes);
	json_object_set_new(doc, "edges", edges);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	strbuf_addstr(out, text ? text : "{}");
	strbuf_addch(out, '\n');
	free(text);
	json_decref(doc);
}

void graph_render(const struct graph *g, enum graph_format f, struct strbuf *out)
{
	static void (*const fn[])(const struct graph *, struct strbuf *) = {
		[GRAPH_FORMAT_MERMAID] = render_mermaid,
		[GRAPH_FORMAT_DOT] = render_dot,
		[GRAPH_FORMAT_JSON] = render_json,
	};

	fn[f](g, out);
}
