/*
 * ast: the readers every later phase shares (clause keywords, string and
 * name text, the tree dump); the constructors are in ast_build.c.
 */
#include "ast.h"

#include <inttypes.h>
#include <string.h>

#include "strbuf.h"

/* ---- readers ---- */

const char *ast_clause_keyword(enum ast_clause_kind kind)
{
	switch (kind) {
	case AST_DESCRIPTION: return "description";
	case AST_SOURCE: return "source";
	case AST_TARGET: return "target";
	case AST_CREATE_IF_MISSING: return "create if missing";
	case AST_COLUMNS: return "columns";
	case AST_PARTITION_BY: return "partition by";
	case AST_MODE: return "mode";
	case AST_INCREMENTAL: return "incremental";
	case AST_SCHEDULE: return "schedule";
	case AST_VALIDATE: return "validate";
	case AST_ON_ERROR: return "on cast error";
	case AST_DROP_COLUMN: return "drop column";
	case AST_DERIVE: return "derive";
	case AST_FILTER: return "filter";
	case AST_DEDUPE: return "dedupe";
	case AST_JOIN: return "join";
	case AST_AGGREGATE: return "aggregate";
	case AST_ALERTS: return "alerts";
	case AST_JOB: return "job";
	}
	return "?";
}

void ast_file_release(struct ast_file *f)
{
	if (f->arena)
		arena_release(f->arena);
	f->items = NULL;
	f->nitems = 0;
	f->comments = NULL;
	f->ncomments = 0;
}

char *ast_string_text(struct arena *a, const struct ast_string *s)
{
	struct strbuf sb = STRBUF_INIT;
	char *r;

	for (size_t i = 0; i < s->nparts; i++) {
		if (s->parts[i].is_var) {
			strbuf_addstr(&sb, "${");
			strbuf_add(&sb, s->parts[i].text, s->parts[i].len);
			strbuf_addch(&sb, '}');
		} else {
			strbuf_add(&sb, s->parts[i].text, s->parts[i].len);
		}
	}
	r = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return r;
}

char *ast_qname_text(struct arena *a, const struct ast_qname *q)
{
	struct strbuf sb = STRBUF_INIT;
	char *r;

	for (size_t i = 0; i < q->nparts; i++) {
		if (i)
			strbuf_addch(&sb, '.');
		strbuf_addstr(&sb, q->parts[i].text);
	}
	r = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return r;
}

/* ---- dump ---- */

static void indent(struct strbuf *out, int depth)
{
	strbuf_addchars(out, ' ', (size_t)depth * 2);
}

static void dump_span(struct strbuf *out, struct span s)
{
	strbuf_addf(out, " @%" PRIu32 "..%" PRIu32, s.start, s.end);
}

static void dump_bytes(struct strbuf *out, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"' || c == '\\')
			strbuf_addf(out, "\\%c", c);
		else if (c == '\n')
			strbuf_addstr(out, "\\n");
		else if (c == '\t')
			strbuf_addstr(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(out, "\\x%02x", c);
		else
			strbuf_addch(out, c);
	}
}

static void dump_string(struct strbuf *out, const struct ast_string *s)
{
	strbuf_addch(out, '"');
	for (size_t i = 0; i < s->nparts; i++) {
		if (s->parts[i].is_var) {
			strbuf_addstr(out, "${");
			strbuf_add(out, s->parts[i].text, s->parts[i].len);
			strbuf_addch(out, '}');
		} else {
			dump_bytes(out, s->parts[i].text, s->parts[i].len);
		}
	}
	strbuf_addch(out, '"');
}

static void dump_qname(struct strbuf *out, const struct ast_qname *q)
{
	for (size_t i = 0; i < q->nparts; i++) {
		if (i)
			strbuf_addch(out, '.');
		strbuf_addstr(out, q->parts[i].text);
	}
}

static void dump_value(struct strbuf *out, const struct ast_value *v)
{
	switch (v->kind) {
	case AST_VAL_STRING:
		strbuf_addstr(out, "string ");
		dump_string(out, &v->u.str);
		break;
	case AST_VAL_NUMBER:
		strbuf_addf(out, "number %s", v->u.num.text);
		if (v->u.num.overflow)
			strbuf_addstr(out, " (overflow)");
		break;
	case AST_VAL_DURATION:
		strbuf_addf(out, "duration %s = %" PRId64 "s", v->u.dur.text, v->u.dur.seconds);
		if (v->u.dur.overflow)
			strbuf_addstr(out, " (overflow)");
		break;
	case AST_VAL_NAME:
		strbuf_addstr(out, "name ");
		dump_qname(out, &v->u.name);
		break;
	case AST_VAL_LIST:
		strbuf_addstr(out, "list (");
		for (size_t i = 0; i < v->u.list.nitems; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			dump_value(out, &v->u.list.items[i]);
		}
		strbuf_addch(out, ')');
		break;
	}
}

static void dump_values(struct strbuf *out, const struct ast_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(out, i ? ", " : " [");
		dump_value(out, &v[i]);
	}
	if (n)
		strbuf_addch(out, ']');
}

static void dump_settings(struct strbuf *out, const struct ast_setting *s, size_t n, int depth)
{
	for (size_t i = 0; i < n; i++) {
		indent(out, depth);
		strbuf_addf(out, "setting %s", s[i].key.text);
		dump_values(out, s[i].args, s[i].nargs);
		dump_span(out, s[i].span);
		strbuf_addch(out, '\n');
		if (s[i].has_block) {
			indent(out, depth + 1);
			strbuf_addstr(out, "block\n");
			dump_settings(out, s[i].block, s[i].nblock, depth + 2);
		}
	}
}

static void dump_type(struct strbuf *out, const struct ast_type *t)
{
	strbuf_addstr(out, t->name.text);
	if (t->nparams) {
		strbuf_addch(out, '(');
		for (size_t i = 0; i < t->nparams; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "", t->params[i].text);
		strbuf_addch(out, ')');
	}
	if (t->has_angle) {
		size_t k = 0;

		strbuf_addch(out, '<');
		for (size_t i = 0; i < t->nargs; i++, k++) {
			if (k)
				strbuf_addstr(out, ", ");
			dump_type(out, t->args[i]);
		}
		for (size_t i = 0; i < t->nfields; i++, k++) {
			if (k)
				strbuf_addstr(out, ", ");
			strbuf_addf(out, "%s: ", t->fields[i].name.text);
			dump_type(out, t->fields[i].type);
		}
		strbuf_addch(out, '>');
	}
}

static const char *cmp_text(enum ast_cmp c)
{
	static const char *const t[] = {
		"=", "!=", "<", "<=", ">", ">=", "between", "in", "matches", "is not null",
	};
	return t[c];
}

static const char *rule_text(enum ast_rule_kind k)
{
	static const char *const t[] = {
		"row_count", "not_null", "unique", "expect", "freshness", "sample",
		"on failure", "completeness", "column_count", "distinct_count", "mean", "sum",
		"stddev", "uniqueness", "length",
	};
	return t[k];
}

static void dump_expr(struct strbuf *out, const struct ast_expr *e);

static void dump_rule(struct strbuf *out, const struct ast_rule *r, int depth)
{
	indent(out, depth);
	strbuf_addf(out, "rule %s", rule_text(r->kind));
	for (size_t i = 0; i < r->ncolumns; i++)
		strbuf_addf(out, "%s%s", i ? ", " : " ", r->columns[i].text);
	switch (r->kind) {
	case AST_RULE_ROW_COUNT:
	case AST_RULE_EXPECT:
	case AST_RULE_COMPLETENESS:
	case AST_RULE_COLUMN_COUNT:
	case AST_RULE_DISTINCT_COUNT:
	case AST_RULE_MEAN:
	case AST_RULE_SUM:
	case AST_RULE_STDDEV:
	case AST_RULE_UNIQUENESS:
	case AST_RULE_LENGTH:
		if (r->expr) {
			strbuf_addch(out, ' ');
			dump_expr(out, r->expr);
			break;
		}
		if (r->matches_source) {
			strbuf_addstr(out, " matches source");
			break;
		}
		strbuf_addf(out, " %s", cmp_text(r->cmp));
		dump_values(out, r->values, r->nvalues);
		break;
	case AST_RULE_FRESHNESS:
		strbuf_addf(out, " within %s = %" PRId64 "s", r->within.text, r->within.seconds);
		break;
	case AST_RULE_SAMPLE:
		strbuf_addf(out, " %s", r->sample.text);
		break;
	case AST_RULE_ON_FAILURE:
		strbuf_addf(out, " %s", r->action.text);
		break;
	default:
		break;
	}
	dump_span(out, r->span);
	strbuf_addch(out, '\n');
}

const char *ast_expr_op_text(enum ast_expr_op op)
{
	static const char *const text[] = {
		[AST_OP_ADD] = "+", [AST_OP_SUB] = "-", [AST_OP_MUL] = "*", [AST_OP_DIV] = "/",
		[AST_OP_MOD] = "%", [AST_OP_EQ] = "=", [AST_OP_NE] = "!=", [AST_OP_LT] = "<",
		[AST_OP_LE] = "<=", [AST_OP_GT] = ">", [AST_OP_GE] = ">=", [AST_OP_AND] = "and",
		[AST_OP_OR] = "or", [AST_OP_NEG] = "-", [AST_OP_NOT] = "not",
	};

	return text[op];
}

static const char *const expr_kind_names[] = {
	[AST_E_COLUMN] = "column", [AST_E_NUMBER] = "number", [AST_E_STRING] = "string",
	[AST_E_BOOL] = "bool", [AST_E_NULL] = "null", [AST_E_TYPED] = "typed",
	[AST_E_UNARY] = "unary", [AST_E_BINARY] = "binary", [AST_E_IS_NULL] = "is-null",
	[AST_E_IN] = "in", [AST_E_BETWEEN] = "between", [AST_E_CASE] = "case",
	[AST_E_CAST] = "cast", [AST_E_CALL] = "call",
};

/* An expression as an s-expression: (binary + (column a) (number 1)). */
static void dump_expr(struct strbuf *out, const struct ast_expr *e)
{
	size_t i;

	strbuf_addf(out, "(%s", expr_kind_names[e->kind]);
	if (e->kind == AST_E_UNARY || e->kind == AST_E_BINARY)
		strbuf_addf(out, " %s", e->op == AST_OP_NEG ? "neg" : ast_expr_op_text(e->op));
	if (e->negated)
		strbuf_addstr(out, " not");
	if (e->name.nparts) {
		strbuf_addch(out, ' ');
		for (i = 0; i < e->name.nparts; i++)
			strbuf_addf(out, "%s%s", i ? "." : "", e->name.parts[i].text);
	}
	if (e->num)
		strbuf_addf(out, " %s", e->num->text);
	if (e->str) {
		strbuf_addstr(out, " \"");
		for (i = 0; i < e->str->nparts; i++)
			strbuf_add(out, e->str->parts[i].text, e->str->parts[i].len);
		strbuf_addch(out, '"');
	}
	if (e->kind == AST_E_BOOL)
		strbuf_addstr(out, e->bool_value ? " true" : " false");
	if (e->type) {
		strbuf_addch(out, ' ');
		dump_type(out, e->type);
	}
	for (i = 0; i < e->nargs; i++) {
		strbuf_addch(out, ' ');
		dump_expr(out, e->args[i]);
	}
	if (e->has_else)
		strbuf_addstr(out, " else");
	strbuf_addch(out, ')');
}

static void dump_schedule_head(struct strbuf *out, const struct ast_clause *c)
{
	size_t i;

	switch (c->u.schedule.kind) {
	case AST_SCHED_CRON:
		strbuf_addstr(out, " cron ");
		dump_string(out, &c->u.schedule.cron);
		break;
	case AST_SCHED_EVERY:
		strbuf_addf(out, " every %s = %" PRId64 "s", c->u.schedule.every.text,
			    c->u.schedule.every.seconds);
		break;
	case AST_SCHED_AFTER:
		strbuf_addstr(out, " after");
		for (i = 0; i < c->u.schedule.nafter; i++)
			strbuf_addf(out, "%s%s",
				    i ? (c->u.schedule.after_any ? " or " : " and ") : " ",
				    c->u.schedule.after[i].text);
		break;
	case AST_SCHED_ON_DEMAND:
		strbuf_addstr(out, " on demand");
		break;
	case AST_SCHED_S3_EVENT:
		strbuf_addstr(out, " on s3 event");
		break;
	}
}

/* The clause's own line: its keyword and its arguments. */
static void dump_clause_head(struct strbuf *out, const struct ast_clause *c)
{
	size_t i;

	strbuf_addstr(out, ast_clause_keyword(c->kind));
	switch (c->kind) {
	case AST_DESCRIPTION:
		strbuf_addch(out, ' ');
		dump_string(out, &c->u.description);
		break;
	case AST_SOURCE:
	case AST_TARGET:
		strbuf_addf(out, " %s", c->u.endpoint.kind.text);
		dump_values(out, c->u.endpoint.args, c->u.endpoint.nargs);
		break;
	case AST_MODE:
	case AST_DEDUPE:
		if (c->kind == AST_MODE)
			strbuf_addf(out, " %s", c->u.mode.mode.text);
		for (i = 0; i < c->u.mode.nkeys; i++)
			strbuf_addf(out, "%s%s", i ? ", " : " on ", c->u.mode.keys[i].text);
		if (c->u.mode.order.text)
			strbuf_addf(out, " order by %s", c->u.mode.order.text);
		if (c->u.mode.direction.text)
			strbuf_addf(out, " %s", c->u.mode.direction.text);
		break;
	case AST_AGGREGATE:
		for (i = 0; i < c->u.aggregate.nkeys; i++)
			strbuf_addf(out, "%s%s", i ? ", " : " by ", c->u.aggregate.keys[i].text);
		break;
	case AST_INCREMENTAL:
		switch (c->u.incremental.kind) {
		case AST_INCR_NEW_FILES:
			strbuf_addstr(out, " new files");
			break;
		case AST_INCR_COLUMN:
		case AST_INCR_PARTITION:
			strbuf_addf(out, " by %s%s",
				    c->u.incremental.kind == AST_INCR_PARTITION ? "partition " : "",
				    c->u.incremental.column.text);
			if (c->u.incremental.lag)
				strbuf_addf(out, " lag %s = %" PRId64 "%s", c->u.incremental.lag->text,
					    c->u.incremental.lag->seconds,
					    c->u.incremental.lag->unitless ? "" : "s");
			if (c->u.incremental.initial) {
				strbuf_addstr(out, " initial ");
				dump_string(out, c->u.incremental.initial);
			}
			break;
		}
		break;
	case AST_SCHEDULE:
		dump_schedule_head(out, c);
		break;
	case AST_JOIN:
		strbuf_addf(out, " %s %s ", c->u.join.how.text, c->u.join.what.text);
		for (i = 0; i < c->u.join.nname; i++)
			strbuf_addf(out, "%s%s", i ? "." : "", c->u.join.name[i].text);
		strbuf_addf(out, " as %s on ", c->u.join.alias.text);
		dump_expr(out, c->u.join.on);
		break;
	default:
		break;
	}
}

/* The lines of a join block: `take a string as b, c`, `broadcast`. */
static void dump_join_lines(struct strbuf *out, const struct ast_clause *c, int depth)
{
	for (size_t i = 0; i < c->u.join.nlines; i++) {
		const struct ast_join_line *l = &c->u.join.lines[i];

		indent(out, depth);
		strbuf_addstr(out, l->key.text);
		for (size_t k = 0; k < l->nitems; k++) {
			strbuf_addf(out, "%s%s", k ? ", " : " ", l->items[k].column.text);
			if (l->items[k].type) {
				strbuf_addch(out, ' ');
				dump_type(out, l->items[k].type);
			}
			if (l->items[k].as.text)
				strbuf_addf(out, " as %s", l->items[k].as.text);
		}
		dump_span(out, l->span);
		strbuf_addch(out, '\n');
	}
}

static void dump_columns(struct strbuf *out, const struct ast_clause *c, int depth)
{
	for (size_t i = 0; i < c->u.columns.nitems; i++) {
		const struct ast_column *col = &c->u.columns.items[i];

		indent(out, depth);
		strbuf_addf(out, "column %s ", col->name.text);
		dump_type(out, col->type);
		if (col->required)
			strbuf_addstr(out, " required");
		if (col->from) {
			strbuf_addstr(out, " from ");
			dump_string(out, col->from);
		}
		for (size_t k = 0; k < col->nattrs; k++) {
			strbuf_addf(out, " %s", col->attrs[k].key.text);
			dump_values(out, col->attrs[k].value, 1);
		}
		dump_span(out, col->span);
		strbuf_addch(out, '\n');
	}
}

static void dump_aggregate(struct strbuf *out, const struct ast_clause *c, int depth)
{
	for (size_t i = 0; i < c->u.aggregate.nitems; i++) {
		const struct ast_agg *g = &c->u.aggregate.items[i];

		indent(out, depth);
		strbuf_addf(out, "%s ", g->name.text);
		dump_type(out, g->type);
		strbuf_addf(out, " = %s(", g->fn.text);
		if (g->arg)
			dump_expr(out, g->arg);
		if (g->order) {
			strbuf_addstr(out, " by ");
			dump_expr(out, g->order);
		}
		strbuf_addch(out, ')');
		dump_span(out, g->span);
		strbuf_addch(out, '\n');
	}
}

static void dump_clause(struct strbuf *out, const struct ast_clause *c, int depth)
{
	size_t i;

	indent(out, depth);
	dump_clause_head(out, c);
	dump_span(out, c->span);
	strbuf_addch(out, '\n');
	switch (c->kind) {
	case AST_SOURCE:
	case AST_TARGET:
		if (c->u.endpoint.has_block)
			dump_settings(out, c->u.endpoint.settings, c->u.endpoint.nsettings, depth + 1);
		break;
	case AST_COLUMNS:
		dump_columns(out, c, depth + 1);
		break;
	case AST_PARTITION_BY:
		for (i = 0; i < c->u.partition.nitems; i++) {
			const struct ast_partition *p = &c->u.partition.items[i];

			indent(out, depth + 1);
			if (p->is_call)
				strbuf_addf(out, "transform %s", p->fn.text);
			else
				strbuf_addstr(out, "identity");
			dump_values(out, p->args, p->nargs);
			dump_span(out, p->span);
			strbuf_addch(out, '\n');
		}
		break;
	case AST_SCHEDULE:
		dump_settings(out, c->u.schedule.settings, c->u.schedule.nsettings, depth + 1);
		break;
	case AST_VALIDATE:
		for (i = 0; i < c->u.validate.nitems; i++)
			dump_rule(out, &c->u.validate.items[i], depth + 1);
		break;
	case AST_JOB:
		dump_settings(out, c->u.job.items, c->u.job.nitems, depth + 1);
		break;
	case AST_ON_ERROR:
		indent(out, depth + 1);
		strbuf_addf(out, "on %s error", c->u.on_error.what.text);
		dump_values(out, c->u.on_error.args, c->u.on_error.nargs);
		strbuf_addch(out, '\n');
		break;
	case AST_DROP_COLUMN:
		indent(out, depth + 1);
		strbuf_addf(out, "column %s", c->u.drop_column.text);
		dump_span(out, c->u.drop_column.span);
		strbuf_addch(out, '\n');
		break;
	case AST_DERIVE:
		indent(out, depth + 1);
		strbuf_addf(out, "%s ", c->u.derive.name.text);
		dump_type(out, c->u.derive.type);
		strbuf_addstr(out, " = ");
		dump_expr(out, c->u.derive.expr);
		strbuf_addch(out, '\n');
		break;
	case AST_FILTER:
		indent(out, depth + 1);
		dump_expr(out, c->u.filter);
		strbuf_addch(out, '\n');
		break;
	case AST_JOIN:
		dump_join_lines(out, c, depth + 1);
		break;
	case AST_AGGREGATE:
		dump_aggregate(out, c, depth + 1);
		break;
	default:
		break;
	}
}

void ast_dump(const struct ast_file *f, struct strbuf *out)
{
	strbuf_addf(out, "file %s\n", f->src && f->src->path ? f->src->path : "-");
	for (size_t i = 0; i < f->nitems; i++) {
		const struct ast_item *it = &f->items[i];

		if (it->kind == AST_PIPELINE)
			strbuf_addf(out, "  pipeline %s", it->name.text);
		else
			strbuf_addstr(out, "  defaults");
		dump_span(out, it->span);
		strbuf_addch(out, '\n');
		for (size_t j = 0; j < it->nclauses; j++)
			dump_clause(out, &it->clauses[j], 2);
	}
	for (size_t i = 0; i < f->ncomments; i++) {
		strbuf_addstr(out, "  comment");
		dump_span(out, f->comments[i].span);
		strbuf_addch(out, '\n');
	}
}
