#include "diag.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

/* A source line longer than this is shown as a window around the span. */
#define DIAG_LINE_WINDOW 120

/*
 * Appends text[0..len) with every control character and every byte that
 * is not part of valid UTF-8 written as a visible \xNN escape.  Messages
 * quote the user's files (and file names); stored this way, no renderer
 * can hand a terminal an escape sequence, and JSON (which must be UTF-8)
 * keeps the whole message.
 */
static void add_visible(struct strbuf *out, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const unsigned char *p = (const unsigned char *)text + i;
		size_t n = utf8_seq_len(p, len - i);

		/* C0, DEL, and C1 (U+0080..U+009F, which some terminals obey) */
		if (n == 1 && *p >= 0x20 && *p != 0x7f) {
			strbuf_addch(out, *p);
		} else if (n > 1 && !(n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			strbuf_add(out, p, n);
		} else {
			if (!n)
				n = 1;
			for (size_t j = 0; j < n; j++)
				strbuf_addf(out, "\\x%02x", p[j]);
		}
		i += n;
	}
}

static char *visible(struct strbuf *sb)
{
	struct strbuf out = STRBUF_INIT;

	add_visible(&out, sb->buf, sb->len);
	strbuf_release(sb);
	return strbuf_detach(&out, NULL);
}

static char *vformat(const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_vaddf(&sb, fmt, ap);
	return visible(&sb);
}

void diag_set_init(struct diag_set *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->error_limit = 50;
}

static void diag_free(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->nnotes; i++)
		free(d->notes[i].msg);
	free(d->notes);
	free(d->msg);
	free(d);
}

void diag_set_release(struct diag_set *ds)
{
	size_t i;

	for (i = 0; i < ds->count; i++)
		diag_free(ds->items[i]);
	free(ds->items);
	free(ds->per_source);
	diag_set_init(ds);
}

bool diag_limit_reached(const struct diag_set *ds, const struct source *src)
{
	size_t idx;

	if (!ds->error_limit || !src)
		return false;
	idx = (size_t)src->index;
	return idx < ds->per_source_alloc && ds->per_source[idx] >= ds->error_limit;
}

/* Diagnostics past the limit go to a sink that is never rendered. */
static struct diag sink;

/* True (and the set marked truncated) when an error about src would go to
 * the sink: the message need not even be formatted. */
static bool sunk(struct diag_set *ds, enum diag_severity sev, const struct source *src)
{
	if (sev == DIAG_WARNING && ds->warnings_as_errors)
		sev = DIAG_ERROR;
	if (sev != DIAG_ERROR || !diag_limit_reached(ds, src))
		return false;
	ds->truncated = true;
	return true;
}

static struct diag *add(struct diag_set *ds, enum diag_severity sev, const struct source *src,
			struct span span, bool has_span, char *msg)
{
	struct diag *d;

	if (sev == DIAG_WARNING && ds->warnings_as_errors)
		sev = DIAG_ERROR;
	if (sev == DIAG_ERROR && src) {
		size_t idx = (size_t)src->index;
		if (idx >= ds->per_source_alloc) {
			size_t old = ds->per_source_alloc;
			XGROW(ds->per_source, ds->per_source_alloc, idx + 1);
			memset(ds->per_source + old, 0,
			       (ds->per_source_alloc - old) * sizeof(*ds->per_source));
		}
		if (ds->error_limit && ds->per_source[idx] >= ds->error_limit) {
			ds->truncated = true;
			free(msg);
			for (size_t i = 0; i < sink.nnotes; i++)
				free(sink.notes[i].msg);
			sink.nnotes = 0;
			return &sink;
		}
		ds->per_source[idx]++;
	}
	d = xcalloc(1, sizeof(*d));
	d->severity = sev;
	d->src = src;
	d->span = span;
	d->has_span = has_span && src;
	d->msg = msg;
	d->seq = ds->count;
	XGROW(ds->items, ds->alloc, ds->count + 1);
	ds->items[ds->count++] = d;
	if (sev == DIAG_ERROR)
		ds->nerrors++;
	else
		ds->nwarnings++;
	return d;
}

struct diag *diag_vreport(struct diag_set *ds, enum diag_severity sev, const struct source *src,
			  struct span span, const char *fmt, va_list ap)
{
	if (sunk(ds, sev, src))
		return &sink;
	return add(ds, sev, src, span, true, vformat(fmt, ap));
}

struct diag *diag_error(struct diag_set *ds, const struct source *src, struct span span,
			const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_vreport(ds, DIAG_ERROR, src, span, fmt, ap);
	va_end(ap);
	return d;
}

struct diag *diag_warning(struct diag_set *ds, const struct source *src, struct span span,
			  const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_vreport(ds, DIAG_WARNING, src, span, fmt, ap);
	va_end(ap);
	return d;
}

struct diag *diag_error_file(struct diag_set *ds, const struct source *src, const char *path,
			     const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	struct diag *d;

	/* Without a source, the path is folded into the message's subject. */
	if (!src && path)
		strbuf_addf(&sb, "%s: ", path);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	d = add(ds, DIAG_ERROR, src, span_make(0, 0), false, visible(&sb));
	return d;
}

static void add_note(struct diag *d, bool is_help, const struct source *src, struct span span,
		     char *msg)
{
	if (d == &sink) {
		free(msg);
		return;
	}
	XGROW(d->notes, d->notes_alloc, d->nnotes + 1);
	d->notes[d->nnotes].is_help = is_help;
	d->notes[d->nnotes].src = src;
	d->notes[d->nnotes].span = span;
	d->notes[d->nnotes].msg = msg;
	d->nnotes++;
}

void diag_help(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (d == &sink)
		return;
	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	add_note(d, true, NULL, span_make(0, 0), msg);
}

void diag_note(struct diag *d, const struct source *src, struct span span, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (d == &sink)
		return;
	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	add_note(d, false, src, span, msg);
}

void diag_note_plain(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (d == &sink)
		return;
	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	add_note(d, false, NULL, span_make(0, 0), msg);
}

static int cmp_diag(const void *a, const void *b)
{
	const struct diag *x = *(const struct diag *const *)a;
	const struct diag *y = *(const struct diag *const *)b;
	int xi = x->src ? x->src->index : -1;
	int yi = y->src ? y->src->index : -1;

	if (xi != yi)
		return xi < yi ? -1 : 1;
	if (x->has_span != y->has_span)
		return x->has_span ? 1 : -1;
	if (x->has_span && x->span.start != y->span.start)
		return x->span.start < y->span.start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Appends the displayable form of text[0..len) to out: valid UTF-8 and tabs
 * as they are, anything else as '?', so a terminal never receives control
 * bytes from a user's file.  Returns the number of display columns.
 */
static size_t add_display(struct strbuf *out, const char *text, size_t len)
{
	size_t i = 0, cols = 0;

	while (i < len) {
		const unsigned char *p = (const unsigned char *)text + i;
		size_t n = utf8_seq_len(p, len - i);

		if (n == 1 && (*p == '\t' || (*p >= 0x20 && *p != 0x7f)))
			strbuf_addch(out, *p);
		else if (n > 1)
			strbuf_add(out, p, n);
		else
			strbuf_addch(out, '?');
		i += n ? n : 1;
		cols++;
	}
	return cols;
}

/* Byte offset of the character column col (1-based) in line[0..len). */
static size_t col_offset(const char *line, size_t len, size_t col)
{
	size_t i = 0, c = 1;

	while (i < len && c < col) {
		size_t n = utf8_seq_len((const unsigned char *)line + i, len - i);
		i += n ? n : 1;
		c++;
	}
	return i;
}

static void render_snippet(struct strbuf *sb, const struct source *src, struct span span)
{
	struct source_pos a = source_pos_of(src, span.start);
	struct source_pos b = source_pos_of(src, span.end);
	size_t len, from, to, caret_at, width, i;
	const char *line = source_line(src, a.line, &len);
	char num[32];
	int numw;
	bool cut_left = false, cut_right = false;

	snprintf(num, sizeof(num), "%zu", a.line);
	numw = (int)strlen(num) + 1;
	/* the window: whole line, or DIAG_LINE_WINDOW characters around the span start */
	from = 0;
	to = len;
	if (len > DIAG_LINE_WINDOW) {
		size_t start_col = a.col > 40 ? a.col - 40 : 1;
		from = col_offset(line, len, start_col);
		to = from + col_offset(line + from, len - from, DIAG_LINE_WINDOW + 1);
		cut_left = from > 0;
		cut_right = to < len;
	}
	strbuf_addf(sb, "%*s | ", numw, num);
	if (cut_left)
		strbuf_addstr(sb, "...");
	add_display(sb, line + from, to - from);
	if (cut_right)
		strbuf_addstr(sb, "...");
	strbuf_addch(sb, '\n');
	strbuf_addf(sb, "%*s | ", numw, "");
	if (cut_left)
		strbuf_addstr(sb, "   ");
	caret_at = col_offset(line, len, a.col);
	for (i = from; i < caret_at && i < to; ) {
		size_t n = utf8_seq_len((const unsigned char *)line + i, len - i);
		strbuf_addch(sb, line[i] == '\t' ? '\t' : ' ');
		i += n ? n : 1;
	}
	width = b.line == a.line && b.col > a.col ? b.col - a.col : 1;
	if (b.line != a.line) {
		/* span runs past this line: underline to its end */
		size_t cols = 0, j = caret_at;
		while (j < len && j < to) {
			size_t n = utf8_seq_len((const unsigned char *)line + j, len - j);
			j += n ? n : 1;
			cols++;
		}
		width = cols ? cols : 1;
	}
	if (width > DIAG_LINE_WINDOW)
		width = DIAG_LINE_WINDOW;
	strbuf_addch(sb, '^');
	strbuf_addchars(sb, '~', width - 1);
	strbuf_addch(sb, '\n');
}

static void add_path(struct strbuf *sb, const char *path)
{
	add_visible(sb, path, strlen(path));
}

static void render_text(struct strbuf *sb, const struct diag *d)
{
	size_t i;
	const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";

	if (d->src && d->has_span) {
		struct source_pos p = source_pos_of(d->src, d->span.start);
		add_path(sb, d->src->path);
		strbuf_addf(sb, ":%zu:%zu: %s: %s\n", p.line, p.col, sev, d->msg);
		render_snippet(sb, d->src, d->span);
	} else if (d->src) {
		add_path(sb, d->src->path);
		strbuf_addf(sb, ": %s: %s\n", sev, d->msg);
	} else {
		strbuf_addf(sb, "pipec: %s: %s\n", sev, d->msg);
	}
	for (i = 0; i < d->nnotes; i++) {
		const struct diag_note *n = &d->notes[i];
		if (n->src) {
			struct source_pos p = source_pos_of(n->src, n->span.start);
			add_path(sb, n->src->path);
			strbuf_addf(sb, ":%zu:%zu: note: %s\n", p.line, p.col, n->msg);
			render_snippet(sb, n->src, n->span);
		} else {
			strbuf_addf(sb, "%s: %s\n", n->is_help ? "help" : "note", n->msg);
		}
	}
}

static json_t *pos_json(const struct source *src, struct span span)
{
	struct source_pos a = source_pos_of(src, span.start);
	struct source_pos b = source_pos_of(src, span.end);
	struct strbuf path = STRBUF_INIT;
	json_t *o;

	add_path(&path, src->path);
	o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "file", path.buf,
			 "line", (json_int_t)a.line, "column", (json_int_t)a.col,
			 "end_line", (json_int_t)b.line, "end_column", (json_int_t)b.col,
			 "offset", (json_int_t)span.start, "end_offset", (json_int_t)span.end);
	strbuf_release(&path);
	return o;
}

static json_t *file_json(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *o;

	add_path(&sb, path);
	o = json_pack("{s:s}", "file", sb.buf);
	strbuf_release(&sb);
	return o;
}

static json_t *diag_json(const struct diag *d)
{
	json_t *o = json_object();
	json_t *notes = json_array(), *helps = json_array();
	size_t i;

	json_object_set_new(o, "severity", json_string(d->severity == DIAG_ERROR ? "error" : "warning"));
	/* every message is valid UTF-8: made visible when it was added */
	json_object_set_new(o, "message", json_string(d->msg));
	if (d->src && d->has_span)
		json_object_set_new(o, "location", pos_json(d->src, d->span));
	else if (d->src)
		json_object_set_new(o, "location", file_json(d->src->path));
	else
		json_object_set_new(o, "location", json_null());
	for (i = 0; i < d->nnotes; i++) {
		const struct diag_note *n = &d->notes[i];
		if (n->is_help) {
			json_array_append_new(helps, json_string(n->msg));
		} else {
			json_t *no = json_object();
			json_object_set_new(no, "message", json_string(n->msg));
			json_object_set_new(no, "location", n->src ? pos_json(n->src, n->span) : json_null());
			json_array_append_new(notes, no);
		}
	}
	json_object_set_new(o, "help", helps);
	json_object_set_new(o, "notes", notes);
	return o;
}

static void gh_escape(struct strbuf *sb, const char *s, bool property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': strbuf_addstr(sb, "%25"); break;
		case '\r': strbuf_addstr(sb, "%0D"); break;
		case '\n': strbuf_addstr(sb, "%0A"); break;
		case ':': strbuf_addstr(sb, property ? "%3A" : ":"); break;
		case ',': strbuf_addstr(sb, property ? "%2C" : ","); break;
		default: strbuf_addch(sb, *s);
		}
	}
}

/* An annotation's file is relative to the repository's root, where GitHub
 * looks for it: the path under $GITHUB_WORKSPACE when the file is there,
 * whatever the working directory; otherwise the path as given. */
static void github_path(struct strbuf *sb, const char *path)
{
	const char *ws = getenv("GITHUB_WORKSPACE");
	char *file = NULL, *root = NULL;
	size_t n;

	if (ws && *ws && (file = realpath(path, NULL)) && (root = realpath(ws, NULL))) {
		n = strlen(root);
		if (n == 1)
			n = 0;	/* the workspace is / */
		if (!strncmp(file, root, n) && file[n] == '/') {
			add_path(sb, file + n + 1);
			free(file);
			free(root);
			return;
		}
	}
	free(file);
	free(root);
	add_path(sb, path);
}

static void render_github(struct strbuf *sb, const struct diag *d)
{
	struct strbuf msg = STRBUF_INIT;
	size_t i;

	strbuf_addstr(sb, d->severity == DIAG_ERROR ? "::error" : "::warning");
	if (d->src) {
		struct strbuf path = STRBUF_INIT;

		github_path(&path, d->src->path);
		strbuf_addstr(sb, " file=");
		gh_escape(sb, path.buf, true);
		strbuf_release(&path);
		if (d->has_span) {
			struct source_pos a = source_pos_of(d->src, d->span.start);
			struct source_pos b = source_pos_of(d->src, d->span.end);
			strbuf_addf(sb, ",line=%zu,col=%zu,endLine=%zu", a.line, a.col, b.line);
			if (b.line == a.line)
				strbuf_addf(sb, ",endColumn=%zu", b.col);
		}
		strbuf_addstr(sb, ",title=pipec");
	} else {
		strbuf_addstr(sb, " title=pipec");
	}
	strbuf_addstr(sb, "::");
	strbuf_addstr(&msg, d->msg);
	for (i = 0; i < d->nnotes; i++)
		strbuf_addf(&msg, "\n%s: %s", d->notes[i].is_help ? "help" : "note", d->notes[i].msg);
	gh_escape(sb, msg.buf, false);
	strbuf_addch(sb, '\n');
	strbuf_release(&msg);
}

void diag_render(struct diag_set *ds, enum diag_format fmt, FILE *out, FILE *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (ds->count)
		qsort(ds->items, ds->count, sizeof(*ds->items), cmp_diag);
	if (fmt == DIAG_FORMAT_JSON) {
		json_t *root = json_object(), *arr = json_array();
		char *text;

		for (i = 0; i < ds->count; i++)
			json_array_append_new(arr, diag_json(ds->items[i]));
		json_object_set_new(root, "version", json_integer(1));
		json_object_set_new(root, "diagnostics", arr);
		json_object_set_new(root, "errors", json_integer((json_int_t)ds->nerrors));
		json_object_set_new(root, "warnings", json_integer((json_int_t)ds->nwarnings));
		json_object_set_new(root, "truncated", json_boolean(ds->truncated));
		text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		if (text) {
			fputs(text, out);
			fputc('\n', out);
			free(text);
		}
		json_decref(root);
		return;
	}
	for (i = 0; i < ds->count; i++) {
		if (fmt == DIAG_FORMAT_GITHUB)
			render_github(&sb, ds->items[i]);
		else
			render_text(&sb, ds->items[i]);
	}
	if (fmt == DIAG_FORMAT_TEXT) {
		if (ds->truncated)
			strbuf_addf(&sb, "pipec: note: too many errors in one file; the first %zu are shown\n",
				    ds->error_limit);
		if (ds->nerrors || ds->nwarnings) {
			strbuf_addf(&sb, "%zu error%s", ds->nerrors, ds->nerrors == 1 ? "" : "s");
			if (ds->nwarnings)
				strbuf_addf(&sb, ", %zu warning%s", ds->nwarnings,
					    ds->nwarnings == 1 ? "" : "s");
			strbuf_addstr(&sb, " generated\n");
		}
	}
	fwrite(sb.buf, 1, sb.len, fmt == DIAG_FORMAT_TEXT ? err : out);
	strbuf_release(&sb);
}

int diag_format_parse(const char *s, enum diag_format *out)
{
	if (!strcmp(s, "text"))
		*out = DIAG_FORMAT_TEXT;
	else if (!strcmp(s, "json"))
		*out = DIAG_FORMAT_JSON;
	else if (!strcmp(s, "github"))
		*out = DIAG_FORMAT_GITHUB;
	else
		return -1;
	return 0;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *row, res;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = xmalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	res = row[lb];
	free(row);
	return res;
}

const char *diag_closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i, wl = strlen(word);
	size_t limit = wl <= 3 ? 1 : wl <= 6 ? 2 : 3;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);
		if (d < best_d && d > 0) {
			best_d = d;
			best = cands[i];
		}
	}
	return best_d <= limit ? best : NULL;
}
