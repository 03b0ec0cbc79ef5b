/*
 * fmt: the canonical printer.  It walks the tree and re-reads the source
 * only where the tree deliberately says nothing: where comments and blank
 * lines sit, and whether list items were written with commas.
 */
#include "fmt.h"

#include <string.h>

#include "strbuf.h"

struct fmt {
	const struct ast_file *f;
	const char *text;
	uint32_t len;
	struct strbuf *out;
	size_t ci;		/* next comment to print */
	uint32_t prev_end;	/* source offset of the last thing printed */
	bool first;		/* at the start of a block: no blank line */
};

/* ---- layout helpers ---- */

static bool blank_line_between(const struct fmt *F, uint32_t a, uint32_t b)
{
	bool nl = false;

	for (uint32_t i = a; i < b && i < F->len; i++) {
		char c = F->text[i];

		if (c == '\n') {
			if (nl)
				return true;
			nl = true;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			nl = false;
		}
	}
	return false;
}

static void indent(struct fmt *F, int depth)
{
	strbuf_addchars(F->out, ' ', (size_t)depth * 2);
}

static void add_comment_text(struct fmt *F, struct span s)
{
	uint32_t end = s.end;

	while (end > s.start && (F->text[end - 1] == ' ' || F->text[end - 1] == '\t' ||
				 F->text[end - 1] == '\r'))
		end--;
	strbuf_add(F->out, F->text + s.start, end - s.start);
}

/* Prints the comments that start before `pos` on their own lines, then
 * starts the line of the node at `pos`. */
static void begin_line(struct fmt *F, int depth, uint32_t pos)
{
	while (F->ci < F->f->ncomments && F->f->comments[F->ci].span.start < pos) {
		struct span s = F->f->comments[F->ci++].span;

		if (!F->first && blank_line_between(F, F->prev_end, s.start))
			strbuf_addch(F->out, '\n');
		indent(F, depth);
		add_comment_text(F, s);
		strbuf_addch(F->out, '\n');
		F->prev_end = s.end;
		F->first = false;
	}
	if (!F->first && blank_line_between(F, F->prev_end, pos))
		strbuf_addch(F->out, '\n');
	indent(F, depth);
	F->first = false;
}

/* Ends an output line whose source ended at `end`, keeping a comment that
 * followed it on the same source line. */
static void end_line(struct fmt *F, uint32_t end)
{
	F->prev_end = end;
	if (F->ci < F->f->ncomments) {
		struct span s = F->f->comments[F->ci].span;
		uint32_t i;

		for (i = end; i < s.start; i++) {
			char c = F->text[i];

			if (c != ' ' && c != '\t' && c != '\r' && c != ';')
				break;
		}
		if (i == s.start && s.start >= end) {
			strbuf_addstr(F->out, "  ");
			add_comment_text(F, s);
			F->ci++;
			F->prev_end = s.end;
		}
	}
	strbuf_addch(F->out, '\n');
}

/* Prints the comments left inside a block (before its '}' at `close`). */
static void end_block(struct fmt *F, int depth, uint32_t close)
{
	while (F->ci < F->f->ncomments && F->f->comments[F->ci].span.start < close) {
		struct span s = F->f->comments[F->ci++].span;

		if (!F->first && blank_line_between(F, F->prev_end, s.start))
			strbuf_addch(F->out, '\n');
		indent(F, depth);
		add_comment_text(F, s);
		strbuf_addch(F->out, '\n');
		F->prev_end = s.end;
		F->first = false;
	}
}

static bool comments_before(const struct fmt *F, uint32_t pos)
{
	return F->ci < F->f->ncomments && F->f->comments[F->ci].span.start < pos;
}

/* Offset of the '{' that follows `pos` (only blanks in between). */
static uint32_t brace_after(const struct fmt *F, uint32_t pos)
{
	while (pos < F->len && F->text[pos] != '{')
		pos++;
	return pos;
}

/* True when the source has a ',' between two list elements. */
static bool comma_between(const struct fmt *F, uint32_t a, uint32_t b)
{
	for (uint32_t i = a; i < b && i < F->len; i++)
		if (F->text[i] == ',')
			return true;
	return false;
}

/* ---- atoms ---- */

static bool is_plain_name(const char *s, bool allow_digit_start)
{
	if (!*s)
		return false;
	if (!allow_digit_start && !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static void add_name(struct fmt *F, const struct ast_name *n)
{
	if (is_plain_name(n->text, false))
		strbuf_addstr(F->out, n->text);
	else
		strbuf_addf(F->out, "`%s`", n->text);
}

static void add_qname(struct fmt *F, const struct ast_qname *q)
{
	for (size_t i = 0; i < q->nparts; i++) {
		if (i)
			strbuf_addch(F->out, '.');
		if (is_plain_name(q->parts[i].text, i > 0))
			strbuf_addstr(F->out, q->parts[i].text);
		else
			strbuf_addf(F->out, "`%s`", q->parts[i].text);
	}
}

static void add_string(struct fmt *F, const struct ast_string *s)
{
	struct strbuf *o = F->out;

	strbuf_addch(o, '"');
	for (size_t i = 0; i < s->nparts; i++) {
		const struct ast_strpart *p = &s->parts[i];

		if (p->is_var) {
			strbuf_addstr(o, "${");
			strbuf_add(o, p->text, p->len);
			strbuf_addch(o, '}');
			continue;
		}
		for (size_t j = 0; j < p->len; j++) {
			unsigned char c = (unsigned char)p->text[j];

			switch (c) {
			case '"': strbuf_addstr(o, "\\\""); break;
			case '\\': strbuf_addstr(o, "\\\\"); break;
			case '\n': strbuf_addstr(o, "\\n"); break;
			case '\t': strbuf_addstr(o, "\\t"); break;
			case '\r': strbuf_addstr(o, "\\r"); break;
			case '$':
				/* only where it would start an interpolation */
				if (j + 1 < p->len && p->text[j + 1] == '{')
					strbuf_addstr(o, "\\$");
				else
					strbuf_addch(o, '$');
				break;
			default:
				if (c < 0x20 || c == 0x7f)
					strbuf_addf(o, "\\u{%X}", c);
				else
					strbuf_addch(o, c);
			}
		}
	}
	strbuf_addch(o, '"');
}

static void add_value(struct fmt *F, const struct ast_value *v);

static void add_values(struct fmt *F, const struct ast_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(F->out, comma_between(F, v[i - 1].span.end, v[i].span.start) ?
					      ", " : " ");
		add_value(F, &v[i]);
	}
}

static void add_value(struct fmt *F, const struct ast_value *v)
{
	switch (v->kind) {
	case AST_VAL_STRING:
		add_string(F, &v->u.str);
		break;
	case AST_VAL_NUMBER:
		strbuf_addstr(F->out, v->u.num.text);
		break;
	case AST_VAL_DURATION:
		strbuf_addstr(F->out, v->u.dur.text);
		break;
	case AST_VAL_NAME:
		add_qname(F, &v->u.name);
		break;
	case AST_VAL_LIST:
		strbuf_addch(F->out, '(');
		add_values(F, v->u.list.items, v->u.list.nitems);
		strbuf_addch(F->out, ')');
		break;
	}
}

static void add_names(struct fmt *F, const struct ast_name *n, size_t count, const char *sep)
{
	for (size_t i = 0; i < count; i++) {
		if (i)
			strbuf_addstr(F->out, sep);
		add_name(F, &n[i]);
	}
}

static void add_type(struct fmt *F, const struct ast_type *t)
{
	add_name(F, &t->name);
	if (t->nparams) {
		strbuf_addch(F->out, '(');
		for (size_t i = 0; i < t->nparams; i++) {
			if (i)
				strbuf_addch(F->out, ',');
			strbuf_addstr(F->out, t->params[i].text);
		}
		strbuf_addch(F->out, ')');
	}
	if (t->has_angle) {
		size_t k = 0;

		strbuf_addch(F->out, '<');
		for (size_t i = 0; i < t->nargs; i++, k++) {
			if (k)
				strbuf_addstr(F->out, ", ");
			add_type(F, t->args[i]);
		}
		for (size_t i = 0; i < t->nfields; i++, k++) {
			if (k)
				strbuf_addstr(F->out, ", ");
			add_name(F, &t->fields[i].name);
			strbuf_addstr(F->out, ": ");
			add_type(F, t->fields[i].type);
		}
		strbuf_addch(F->out, '>');
	}
}

static const char *cmp_text(enum ast_cmp c)
{
	switch (c) {
	case AST_CMP_EQ: return "=";
	case AST_CMP_NE: return "!=";
	case AST_CMP_LT: return "<";
	case AST_CMP_LE: return "<=";
	case AST_CMP_GT: return ">";
	case AST_CMP_GE: return ">=";
	default: return "?";
	}
}

/* ---- blocks ---- */

static void open_block(struct fmt *F, uint32_t brace)
{
	strbuf_addstr(F->out, " {");
	end_line(F, brace + 1);
	F->first = true;
}

static void close_block(struct fmt *F, int depth, uint32_t close)
{
	end_block(F, depth + 1, close);
	indent(F, depth);
	strbuf_addch(F->out, '}');
	F->first = false;
	end_line(F, close + 1);
}

/* An empty block without comments stays "{}" on the header line. */
static bool empty_block(const struct fmt *F, size_t n, uint32_t close)
{
	return n == 0 && !comments_before(F, close);
}

static void print_settings(struct fmt *F, const struct ast_setting *s, size_t n, int depth);

/* Prints " { settings }" (or " {}") and ends the line. */
static void settings_block(struct fmt *F, const struct ast_setting *s, size_t n, int depth,
			   uint32_t brace, uint32_t close)
{
	if (empty_block(F, n, close)) {
		strbuf_addstr(F->out, " {}");
		end_line(F, close + 1);
		return;
	}
	open_block(F, brace);
	print_settings(F, s, n, depth + 1);
	close_block(F, depth, close);
}

static void print_settings(struct fmt *F, const struct ast_setting *s, size_t n, int depth)
{
	for (size_t i = 0; i < n; i++) {
		begin_line(F, depth, s[i].span.start);
		add_name(F, &s[i].key);
		if (s[i].nargs) {
			strbuf_addch(F->out, ' ');
			add_values(F, s[i].args, s[i].nargs);
		}
		if (s[i].has_block)
			settings_block(F, s[i].block, s[i].nblock, depth, s[i].block_span.start,
				       s[i].block_span.end - 1);
		else
			end_line(F, s[i].span.end);
	}
}

static size_t text_width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* A column's or an aggregate's name and type, rendered into name and type
 * (F->out is left as it was). */
static void name_and_type(struct fmt *F, const struct ast_name *n, const struct ast_type *t,
			  struct strbuf *name, struct strbuf *type)
{
	struct strbuf *saved = F->out;

	strbuf_reset(name);
	F->out = name;
	add_name(F, n);
	strbuf_reset(type);
	F->out = type;
	add_type(F, t);
	F->out = saved;
}

/* text, then spaces up to width and one more: the next field's column */
static void add_padded(struct fmt *F, const struct strbuf *text, size_t width)
{
	strbuf_add(F->out, text->buf, text->len);
	strbuf_addchars(F->out, ' ', width - text_width(text->buf, text->len) + 1);
}

static void widen(size_t *w, const struct strbuf *text)
{
	if (text_width(text->buf, text->len) > *w)
		*w = text_width(text->buf, text->len);
}

static void print_columns(struct fmt *F, const struct ast_column *c, size_t n, int depth)
{
	struct strbuf name = STRBUF_INIT, type = STRBUF_INIT;
	size_t wname = 0, wtype = 0, i;

	for (i = 0; i < n; i++) {
		name_and_type(F, &c[i].name, c[i].type, &name, &type);
		widen(&wname, &name);
		widen(&wtype, &type);
	}
	for (i = 0; i < n; i++) {
		begin_line(F, depth, c[i].span.start);
		name_and_type(F, &c[i].name, c[i].type, &name, &type);
		add_padded(F, &name, wname);
		if (c[i].required || c[i].from || c[i].nattrs)
			add_padded(F, &type, wtype);
		else
			strbuf_add(F->out, type.buf, type.len);
		if (c[i].required)
			strbuf_addstr(F->out, c[i].from || c[i].nattrs ? "required " : "required");
		if (c[i].from) {
			strbuf_addstr(F->out, "from ");
			add_string(F, c[i].from);
		}
		for (size_t k = 0; k < c[i].nattrs; k++) {
			strbuf_addstr(F->out, k || c[i].from ? " " : "");
			add_name(F, &c[i].attrs[k].key);
			strbuf_addch(F->out, ' ');
			add_value(F, c[i].attrs[k].value);
		}
		end_line(F, c[i].span.end);
	}
	strbuf_release(&name);
	strbuf_release(&type);
}

static void add_expr(struct fmt *F, const struct ast_expr *e);
static void add_expr_name(struct fmt *F, const struct ast_name *n);

/* column_count CMP n | between a and b, and the statistics rules on one
 * column: WORD COLUMN CMP v | WORD COLUMN between a and b. */
static void print_stat_rule(struct fmt *F, const struct ast_rule *r)
{
	static const char *const words[] = {
		[AST_RULE_COLUMN_COUNT] = "column_count", [AST_RULE_DISTINCT_COUNT] = "distinct_count",
		[AST_RULE_MEAN] = "mean", [AST_RULE_SUM] = "sum", [AST_RULE_STDDEV] = "stddev",
		[AST_RULE_UNIQUENESS] = "uniqueness", [AST_RULE_LENGTH] = "length",
	};
	struct strbuf *o = F->out;

	strbuf_addstr(o, words[r->kind]);
	if (r->ncolumns) {
		strbuf_addch(o, ' ');
		add_name(F, &r->columns[0]);
	}
	if (r->cmp == AST_CMP_BETWEEN) {
		strbuf_addstr(o, " between ");
		add_value(F, &r->values[0]);
		strbuf_addstr(o, " and ");
		add_value(F, &r->values[1]);
	} else {
		strbuf_addf(o, " %s ", cmp_text(r->cmp));
		add_value(F, &r->values[0]);
	}
}

static void print_rule(struct fmt *F, const struct ast_rule *r)
{
	struct strbuf *o = F->out;

	switch (r->kind) {
	case AST_RULE_ROW_COUNT:
		strbuf_addstr(o, "row_count ");
		if (r->matches_source) {
			strbuf_addstr(o, "matches source");
		} else if (r->cmp == AST_CMP_BETWEEN) {
			strbuf_addstr(o, "between ");
			add_value(F, &r->values[0]);
			strbuf_addstr(o, " and ");
			add_value(F, &r->values[1]);
		} else {
			strbuf_addf(o, "%s ", cmp_text(r->cmp));
			add_value(F, &r->values[0]);
		}
		break;
	case AST_RULE_NOT_NULL:
	case AST_RULE_UNIQUE:
		strbuf_addstr(o, r->kind == AST_RULE_NOT_NULL ? "not_null " : "unique ");
		add_names(F, r->columns, r->ncolumns, ", ");
		break;
	case AST_RULE_EXPECT:
	case AST_RULE_COMPLETENESS:
		strbuf_addstr(o, r->kind == AST_RULE_EXPECT ? "expect " : "completeness ");
		if (r->expr) {
			add_expr(F, r->expr);
			break;
		}
		if (r->kind == AST_RULE_EXPECT)
			add_expr_name(F, &r->columns[0]);
		else
			add_name(F, &r->columns[0]);
		switch (r->cmp) {
		case AST_CMP_BETWEEN:
			strbuf_addstr(o, " between ");
			add_value(F, &r->values[0]);
			strbuf_addstr(o, " and ");
			add_value(F, &r->values[1]);
			break;
		case AST_CMP_IN:
			strbuf_addstr(o, " in (");
			add_values(F, r->values, r->nvalues);
			strbuf_addch(o, ')');
			break;
		case AST_CMP_MATCHES:
			strbuf_addstr(o, " matches ");
			add_value(F, &r->values[0]);
			break;
		case AST_CMP_NOT_NULL:
			strbuf_addstr(o, " is not null");
			break;
		default:
			strbuf_addf(o, " %s ", cmp_text(r->cmp));
			add_value(F, &r->values[0]);
		}
		break;
	case AST_RULE_FRESHNESS:
		strbuf_addstr(o, "freshness ");
		add_name(F, &r->columns[0]);
		strbuf_addf(o, " within %s", r->within.text);
		break;
	case AST_RULE_SAMPLE:
		strbuf_addf(o, "sample %s", r->sample.text);
		break;
	case AST_RULE_ON_FAILURE:
		strbuf_addstr(o, "on failure ");
		add_name(F, &r->action);
		break;
	case AST_RULE_COLUMN_COUNT:
	case AST_RULE_DISTINCT_COUNT:
	case AST_RULE_MEAN:
	case AST_RULE_SUM:
	case AST_RULE_STDDEV:
	case AST_RULE_UNIQUENESS:
	case AST_RULE_LENGTH:
		print_stat_rule(F, r);
		break;
	}
}

/* ---- one printer per clause kind ----
 * Each prints its clause after the indentation begin_line wrote.  A
 * clause that ends with a { block } closes its own last line, and its
 * printer returns true; otherwise print_clause ends the line.  The closing
 * brace of a block is the clause's last character. */

static bool print_description(struct fmt *F, const struct ast_clause *c, int depth)
{
	(void)depth;
	strbuf_addstr(F->out, "description ");
	add_string(F, &c->u.description);
	return false;
}

/* source KIND args... [{ settings }], and target likewise */
static bool print_endpoint(struct fmt *F, const struct ast_clause *c, int depth)
{
	struct strbuf *o = F->out;

	strbuf_addstr(o, c->kind == AST_SOURCE ? "source " : "target ");
	add_name(F, &c->u.endpoint.kind);
	if (c->u.endpoint.nargs) {
		strbuf_addch(o, ' ');
		add_values(F, c->u.endpoint.args, c->u.endpoint.nargs);
	}
	if (c->u.endpoint.has_block) {
		uint32_t after = c->u.endpoint.nargs ?
			c->u.endpoint.args[c->u.endpoint.nargs - 1].span.end :
			c->u.endpoint.kind.span.end;

		settings_block(F, c->u.endpoint.settings, c->u.endpoint.nsettings, depth,
			       brace_after(F, after), c->span.end - 1);
		return true;
	}
	return false;
}

static bool print_create_if_missing(struct fmt *F, const struct ast_clause *c, int depth)
{
	(void)c;
	(void)depth;
	strbuf_addstr(F->out, "create if missing");
	return false;
}

static bool print_alerts(struct fmt *F, const struct ast_clause *c, int depth)
{
	(void)depth;
	strbuf_addstr(F->out, "alerts ");
	add_name(F, &c->u.alerts);
	return false;
}

static bool print_columns_clause(struct fmt *F, const struct ast_clause *c, int depth)
{
	uint32_t close = c->span.end - 1;

	strbuf_addstr(F->out, "columns");
	if (empty_block(F, c->u.columns.nitems, close)) {
		strbuf_addstr(F->out, " {}");
		return false;
	}
	open_block(F, brace_after(F, c->kw_span.end));
	print_columns(F, c->u.columns.items, c->u.columns.nitems, depth + 1);
	close_block(F, depth, close);
	return true;
}

static bool print_partition_by(struct fmt *F, const struct ast_clause *c, int depth)
{
	struct strbuf *o = F->out;
	size_t i;

	(void)depth;
	strbuf_addstr(o, "partition by ");
	for (i = 0; i < c->u.partition.nitems; i++) {
		const struct ast_partition *p = &c->u.partition.items[i];

		if (i)
			strbuf_addstr(o, ", ");
		if (p->is_call) {
			add_name(F, &p->fn);
			strbuf_addch(o, '(');
			for (size_t j = 0; j < p->nargs; j++) {
				if (j)
					strbuf_addstr(o, ", ");
				add_value(F, &p->args[j]);
			}
			strbuf_addch(o, ')');
		} else {
			add_value(F, &p->args[0]);
		}
	}
	return false;
}

static bool print_mode(struct fmt *F, const struct ast_clause *c, int depth)
{
	struct strbuf *o = F->out;

	(void)depth;
	if (c->kind == AST_DEDUPE) {
		strbuf_addstr(o, "dedupe");
	} else {
		strbuf_addstr(o, "mode ");
		add_name(F, &c->u.mode.mode);
	}
	if (c->u.mode.nkeys) {
		strbuf_addstr(o, " on ");
		add_names(F, c->u.mode.keys, c->u.mode.nkeys, ", ");
	}
	if (c->u.mode.order.text) {
		strbuf_addstr(o, " order by ");
		add_name(F, &c->u.mode.order);
	}
	if (c->u.mode.direction.text) {
		strbuf_addch(o, ' ');
		add_name(F, &c->u.mode.direction);
	}
	return false;
}

static bool print_incremental(struct fmt *F, const struct ast_clause *c, int depth)
{
	struct strbuf *o = F->out;

	(void)depth;
	strbuf_addstr(o, "incremental ");
	if (c->u.incremental.kind == AST_INCR_NEW_FILES) {
		strbuf_addstr(o, "new files");
		return false;
	}
	strbuf_addstr(o, "by ");
	if (c->u.incremental.kind == AST_INCR_PARTITION)
		strbuf_addstr(o, "partition ");
	if (c->u.incremental.kind == AST_INCR_COLUMN &&
	    !strcmp(c->u.incremental.column.text, "partition"))
		strbuf_addstr(o, "`partition`");
	else
		add_name(F, &c->u.incremental.column);
	if (c->u.incremental.lag)
		strbuf_addf(o, " lag %s", c->u.incremental.lag->text);
	if (c->u.incremental.initial) {
		strbuf_addstr(o, " initial ");
		add_string(F, c->u.incremental.initial);
	}
	return false;
}

static bool print_schedule(struct fmt *F, const struct ast_clause *c, int depth)
{
	struct strbuf *o = F->out;
	uint32_t close = c->span.end - 1;

	strbuf_addstr(o, "schedule ");
	switch (c->u.schedule.kind) {
	case AST_SCHED_CRON:
		strbuf_addstr(o, "cron ");
		add_string(F, &c->u.schedule.cron);
		break;
	case AST_SCHED_EVERY:
		strbuf_addf(o, "every %s", c->u.schedule.every.text);
		break;
	case AST_SCHED_AFTER:
		strbuf_addstr(o, "after ");
		add_names(F, c->u.schedule.after, c->u.schedule.nafter,
			  c->u.schedule.after_any ? " or " : " and ");
		break;
	case AST_SCHED_ON_DEMAND:
		strbuf_addstr(o, "on demand");
		break;
	case AST_SCHED_S3_EVENT:
		strbuf_addstr(o, "on s3 event");
		if (F->text[close] == '}') {
			settings_block(F, c->u.schedule.settings, c->u.schedule.nsettings, depth,
				       brace_after(F, c->kw_span.end), close);
			return true;
		}
		break;
	}
	return false;
}

static bool print_validate(struct fmt *F, const struct ast_clause *c, int depth)
{
	uint32_t close = c->span.end - 1;
	size_t i;

	strbuf_addstr(F->out, "validate");
	if (empty_block(F, c->u.validate.nitems, close)) {
		strbuf_addstr(F->out, " {}");
		return false;
	}
	open_block(F, brace_after(F, c->kw_span.end));
	for (i = 0; i < c->u.validate.nitems; i++) {
		begin_line(F, depth + 1, c->u.validate.items[i].span.start);
		print_rule(F, &c->u.validate.items[i]);
		end_line(F, c->u.validate.items[i].span.end);
	}
	close_block(F, depth, close);
	return true;
}

static bool print_on_error(struct fmt *F, const struct ast_clause *c, int depth)
{
	(void)depth;
	strbuf_addstr(F->out, "on cast error");
	if (c->u.on_error.nargs) {
		strbuf_addch(F->out, ' ');
		add_values(F, c->u.on_error.args, c->u.on_error.nargs);
	}
	return false;
}

static bool print_drop_column(struct fmt *F, const struct ast_clause *c, int depth)
{
	(void)depth;
	strbuf_addstr(F->out, "drop column ");
	add_name(F, &c->u.drop_column);
	return false;
}

/* ---- expressions: one line, the fewest parentheses that keep the tree ---- */

/* Binding levels: or 1, and 2, not 3, comparisons 4, + - 5, * / % 6,
 * unary minus 7, the rest 8. */
static int expr_level(const struct ast_expr *e)
{
	switch (e->kind) {
	case AST_E_BINARY:
		switch (e->op) {
		case AST_OP_OR: return 1;
		case AST_OP_AND: return 2;
		case AST_OP_ADD: case AST_OP_SUB: return 5;
		case AST_OP_MUL: case AST_OP_DIV: case AST_OP_MOD: return 6;
		default: return 4;
		}
	case AST_E_UNARY:
		return e->op == AST_OP_NOT ? 3 : 7;
	case AST_E_IS_NULL: case AST_E_IN: case AST_E_BETWEEN:
		return 4;
	case AST_E_NUMBER:
		return e->num->text[0] == '-' ? 7 : 8;
	default:
		return 8;
	}
}

/* The words of expressions: a column so named is written `quoted`. */
static bool expr_word(const char *s)
{
	static const char *const w[] = {
		"and", "as", "between", "case", "cast", "else", "end", "false", "in", "is", "not",
		"null", "or", "then", "true", "when",
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(s, w[i]))
			return true;
	return false;
}

static void add_expr(struct fmt *F, const struct ast_expr *e);

static void add_expr_at(struct fmt *F, const struct ast_expr *e, int min)
{
	bool paren = expr_level(e) < min;

	if (paren)
		strbuf_addch(F->out, '(');
	add_expr(F, e);
	if (paren)
		strbuf_addch(F->out, ')');
}

static void add_expr_args(struct fmt *F, const struct ast_expr *e, size_t from)
{
	for (size_t i = from; i < e->nargs; i++) {
		if (i > from)
			strbuf_addstr(F->out, ", ");
		add_expr(F, e->args[i]);
	}
}

static void add_expr_column(struct fmt *F, const struct ast_expr *e)
{
	for (size_t i = 0; i < e->name.nparts; i++) {
		const char *t = e->name.parts[i].text;

		if (i)
			strbuf_addch(F->out, '.');
		if (is_plain_name(t, i > 0) && (i > 0 || !expr_word(t)))
			strbuf_addstr(F->out, t);
		else
			strbuf_addf(F->out, "`%s`", t);
	}
}

/* The column of a one-column expect: read as an expression, so written as
 * an expression names it. */
static void add_expr_name(struct fmt *F, const struct ast_name *n)
{
	struct ast_expr e;

	memset(&e, 0, sizeof(e));
	e.kind = AST_E_COLUMN;
	e.name.parts = (struct ast_name *)n;
	e.name.nparts = 1;
	add_expr_column(F, &e);
}

static void add_expr_case(struct fmt *F, const struct ast_expr *e)
{
	size_t n = e->nargs - (e->has_else ? 1 : 0);

	strbuf_addstr(F->out, "case");
	for (size_t i = 0; i < n; i += 2) {
		strbuf_addstr(F->out, " when ");
		add_expr(F, e->args[i]);
		strbuf_addstr(F->out, " then ");
		add_expr(F, e->args[i + 1]);
	}
	if (e->has_else) {
		strbuf_addstr(F->out, " else ");
		add_expr(F, e->args[n]);
	}
	strbuf_addstr(F->out, " end");
}

static void add_expr(struct fmt *F, const struct ast_expr *e)
{
	int lv = expr_level(e);

	switch (e->kind) {
	case AST_E_COLUMN:
		add_expr_column(F, e);
		break;
	case AST_E_NUMBER:
		strbuf_addstr(F->out, e->num->text);
		break;
	case AST_E_STRING:
		add_string(F, e->str);
		break;
	case AST_E_BOOL:
		strbuf_addstr(F->out, e->bool_value ? "true" : "false");
		break;
	case AST_E_NULL:
		strbuf_addstr(F->out, "null");
		break;
	case AST_E_TYPED:
		add_name(F, &e->name.parts[0]);
		strbuf_addch(F->out, ' ');
		add_string(F, e->str);
		break;
	case AST_E_UNARY:
		strbuf_addstr(F->out, e->op == AST_OP_NOT ? "not " : "-");
		/* "- -1", not "--1" */
		if (e->op == AST_OP_NEG && (expr_level(e->args[0]) == 7 ||
					    e->args[0]->kind == AST_E_NUMBER))
			strbuf_addch(F->out, ' ');
		add_expr_at(F, e->args[0], lv);
		break;
	case AST_E_BINARY:
		add_expr_at(F, e->args[0], lv == 4 ? 5 : lv);
		strbuf_addf(F->out, " %s ", ast_expr_op_text(e->op));
		add_expr_at(F, e->args[1], lv == 4 ? 5 : lv + 1);
		break;
	case AST_E_IS_NULL:
		add_expr_at(F, e->args[0], 5);
		strbuf_addstr(F->out, e->negated ? " is not null" : " is null");
		break;
	case AST_E_IN:
		add_expr_at(F, e->args[0], 5);
		strbuf_addstr(F->out, e->negated ? " not in (" : " in (");
		add_expr_args(F, e, 1);
		strbuf_addch(F->out, ')');
		break;
	case AST_E_BETWEEN:
		add_expr_at(F, e->args[0], 5);
		strbuf_addstr(F->out, e->negated ? " not between " : " between ");
		add_expr_at(F, e->args[1], 5);
		strbuf_addstr(F->out, " and ");
		add_expr_at(F, e->args[2], 5);
		break;
	case AST_E_CASE:
		add_expr_case(F, e);
		break;
	case AST_E_CAST:
		strbuf_addstr(F->out, "cast(");
		add_expr(F, e->args[0]);
		strbuf_addstr(F->out, " as ");
		add_type(F, e->type);
		strbuf_addch(F->out, ')');
		break;
	case AST_E_CALL:
		add_name(F, &e->name.parts[0]);
		strbuf_addch(F->out, '(');
		add_expr_args(F, e, 0);
		strbuf_addch(F->out, ')');
		break;
	}
}

static bool print_derive(struct fmt *F, const struct ast_clause *c, int depth)
{
	(void)depth;
	strbuf_addstr(F->out, "derive ");
	add_name(F, &c->u.derive.name);
	strbuf_addch(F->out, ' ');
	add_type(F, c->u.derive.type);
	strbuf_addstr(F->out, " = ");
	add_expr(F, c->u.derive.expr);
	return false;
}

static bool print_filter(struct fmt *F, const struct ast_clause *c, int depth)
{
	(void)depth;
	strbuf_addstr(F->out, "filter ");
	add_expr(F, c->u.filter);
	return false;
}

/* A take column or the key of a join line: 'as' would read as the word. */
static void add_take_name(struct fmt *F, const struct ast_name *n)
{
	if (!strcmp(n->text, "as"))
		strbuf_addstr(F->out, "`as`");
	else
		add_name(F, n);
}

static void print_join_line(struct fmt *F, const struct ast_join_line *l, int depth)
{
	begin_line(F, depth, l->span.start);
	add_name(F, &l->key);
	for (size_t k = 0; k < l->nitems; k++) {
		const struct ast_take *t = &l->items[k];

		strbuf_addstr(F->out, k ? ", " : " ");
		add_take_name(F, &t->column);
		if (t->type) {
			strbuf_addch(F->out, ' ');
			add_type(F, t->type);
		}
		if (t->as.text) {
			strbuf_addstr(F->out, " as ");
			add_name(F, &t->as);
		}
	}
	end_line(F, l->span.end);
}

/* join HOW KIND DB.TABLE as ALIAS on EXPR [{ take ...; broadcast }] */
static bool print_join(struct fmt *F, const struct ast_clause *c, int depth)
{
	uint32_t close = c->span.end - 1;

	strbuf_addstr(F->out, "join ");
	add_name(F, &c->u.join.how);
	strbuf_addch(F->out, ' ');
	add_name(F, &c->u.join.what);
	strbuf_addch(F->out, ' ');
	add_names(F, c->u.join.name, c->u.join.nname, ".");
	strbuf_addstr(F->out, " as ");
	add_name(F, &c->u.join.alias);
	strbuf_addstr(F->out, " on ");
	add_expr(F, c->u.join.on);
	if (!c->u.join.has_block)
		return false;
	if (empty_block(F, c->u.join.nlines, close)) {
		strbuf_addstr(F->out, " {}");
		return false;
	}
	open_block(F, brace_after(F, c->u.join.on->span.end));
	for (size_t i = 0; i < c->u.join.nlines; i++)
		print_join_line(F, &c->u.join.lines[i], depth + 1);
	close_block(F, depth, close);
	return true;
}

/* aggregate [by KEYS] { NAME TYPE = FN(...) }: names and types aligned */
static void print_aggs(struct fmt *F, const struct ast_agg *g, size_t n, int depth)
{
	struct strbuf name = STRBUF_INIT, type = STRBUF_INIT;
	size_t wname = 0, wtype = 0, i;

	for (i = 0; i < n; i++) {
		name_and_type(F, &g[i].name, g[i].type, &name, &type);
		widen(&wname, &name);
		widen(&wtype, &type);
	}
	for (i = 0; i < n; i++) {
		begin_line(F, depth, g[i].span.start);
		name_and_type(F, &g[i].name, g[i].type, &name, &type);
		add_padded(F, &name, wname);
		add_padded(F, &type, wtype);
		strbuf_addstr(F->out, "= ");
		add_name(F, &g[i].fn);
		strbuf_addch(F->out, '(');
		if (g[i].arg)
			add_expr(F, g[i].arg);
		if (g[i].order) {
			strbuf_addstr(F->out, " by ");
			add_expr(F, g[i].order);
		}
		strbuf_addch(F->out, ')');
		end_line(F, g[i].span.end);
	}
	strbuf_release(&name);
	strbuf_release(&type);
}

static bool print_aggregate(struct fmt *F, const struct ast_clause *c, int depth)
{
	uint32_t close = c->span.end - 1, after = c->kw_span.end;

	strbuf_addstr(F->out, "aggregate");
	if (c->u.aggregate.nkeys) {
		strbuf_addstr(F->out, " by ");
		add_names(F, c->u.aggregate.keys, c->u.aggregate.nkeys, ", ");
		after = c->u.aggregate.keys[c->u.aggregate.nkeys - 1].span.end;
	}
	if (empty_block(F, c->u.aggregate.nitems, close)) {
		strbuf_addstr(F->out, " {}");
		return false;
	}
	open_block(F, brace_after(F, after));
	print_aggs(F, c->u.aggregate.items, c->u.aggregate.nitems, depth + 1);
	close_block(F, depth, close);
	return true;
}

static bool print_job(struct fmt *F, const struct ast_clause *c, int depth)
{
	strbuf_addstr(F->out, "job");
	settings_block(F, c->u.job.items, c->u.job.nitems, depth,
		       brace_after(F, c->kw_span.end), c->span.end - 1);
	return true;
}

static bool (*const print_kind[AST_JOB + 1])(struct fmt *F, const struct ast_clause *c,
					      int depth) = {
	[AST_DESCRIPTION] = print_description,
	[AST_SOURCE] = print_endpoint,
	[AST_TARGET] = print_endpoint,
	[AST_CREATE_IF_MISSING] = print_create_if_missing,
	[AST_COLUMNS] = print_columns_clause,
	[AST_PARTITION_BY] = print_partition_by,
	[AST_MODE] = print_mode,
	[AST_INCREMENTAL] = print_incremental,
	[AST_SCHEDULE] = print_schedule,
	[AST_VALIDATE] = print_validate,
	[AST_ON_ERROR] = print_on_error,
	[AST_DROP_COLUMN] = print_drop_column,
	[AST_DERIVE] = print_derive,
	[AST_FILTER] = print_filter,
	[AST_DEDUPE] = print_mode,
	[AST_JOIN] = print_join,
	[AST_AGGREGATE] = print_aggregate,
	[AST_ALERTS] = print_alerts,
	[AST_JOB] = print_job,
};

static void print_clause(struct fmt *F, const struct ast_clause *c, int depth)
{
	begin_line(F, depth, c->span.start);
	if (!print_kind[c->kind](F, c, depth))
		end_line(F, c->span.end);
}

void fmt_file(const struct ast_file *f, struct strbuf *out)
{
	struct fmt F;

	memset(&F, 0, sizeof(F));
	F.f = f;
	F.text = f->src->text;
	F.len = (uint32_t)f->src->len;
	F.out = out;
	F.first = true;
	for (size_t i = 0; i < f->nitems; i++) {
		const struct ast_item *it = &f->items[i];
		uint32_t close = it->body_span.end - 1;

		if (i) {
			/* exactly one blank line between items */
			strbuf_addch(out, '\n');
			F.first = true;
		}
		begin_line(&F, 0, it->span.start);
		if (it->kind == AST_PIPELINE) {
			strbuf_addstr(out, "pipeline ");
			add_name(&F, &it->name);
		} else {
			strbuf_addstr(out, "defaults");
		}
		if (empty_block(&F, it->nclauses, close)) {
			strbuf_addstr(out, " {}");
			end_line(&F, it->span.end);
			continue;
		}
		open_block(&F, it->body_span.start);
		for (size_t j = 0; j < it->nclauses; j++)
			print_clause(&F, &it->clauses[j], 1);
		close_block(&F, 0, close);
	}
	end_block(&F, 0, F.len + 1);
}
