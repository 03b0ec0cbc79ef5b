#include "ast_build.h"

#include <string.h>

/* ---- vectors ---- */

struct ast_vec *ast_vec_new(struct arena *scratch)
{
	return arena_alloc(scratch, sizeof(struct ast_vec));
}

struct ast_vec_chunk {
	struct ast_vec_chunk *next;
	size_t n, cap;
	/* the items follow, from CHUNK_HDR */
};

#define CHUNK_HDR ((sizeof(struct ast_vec_chunk) + 15) & ~(size_t)15)
#define CHUNK_MAX_BYTES (64 * 1024)
#define CHUNK_ITEMS(ch) ((char *)(ch) + CHUNK_HDR)

static void vec_append(struct arena *scratch, struct ast_vec *v, const void *elem, size_t size)
{
	struct ast_vec_chunk *ch = v->tail;

	if (!ch || ch->n == ch->cap) {
		size_t cap = ch ? ch->cap * 2 : 1;

		if (ch && cap * size > CHUNK_MAX_BYTES)
			cap = ch->cap > CHUNK_MAX_BYTES / size ? ch->cap : CHUNK_MAX_BYTES / size;
		ch = arena_alloc(scratch, CHUNK_HDR + cap * size);
		ch->cap = cap;
		if (v->tail)
			v->tail->next = ch;
		else
			v->head = ch;
		v->tail = ch;
	}
	memcpy(CHUNK_ITEMS(ch) + ch->n * size, elem, size);
	ch->n++;
	v->n++;
}

struct ast_vec *ast_vec_push(struct arena *scratch, struct ast_vec *v, const void *elem,
			     size_t size)
{
	if (!v)
		v = ast_vec_new(scratch);
	v->size = size;
	vec_append(scratch, v, elem, size);
	return v;
}

struct ast_vec *ast_vec_push_ref(struct arena *scratch, struct ast_vec *v, const void *node,
				 size_t size)
{
	if (!v)
		v = ast_vec_new(scratch);
	v->size = size;
	v->by_ref = true;
	vec_append(scratch, v, &node, sizeof(node));
	return v;
}

void *ast_vec_take(struct arena *a, const struct ast_vec *v)
{
	const struct ast_vec_chunk *ch;
	char *items, *p;

	if (!v || !v->n)
		return NULL;
	items = p = arena_array(a, v->n, v->size);
	for (ch = v->head; ch; ch = ch->next) {
		if (v->by_ref) {
			const void *const *ref = (const void *const *)(const void *)CHUNK_ITEMS(ch);

			/* the list holds the only reference: the original's
			 * bytes go to the next node of its size */
			for (size_t i = 0; i < ch->n; i++, p += v->size) {
				memcpy(p, ref[i], v->size);
				arena_recycle(a, (void *)ref[i], v->size);
			}
			continue;
		}
		memcpy(p, CHUNK_ITEMS(ch), ch->n * v->size);
		p += ch->n * v->size;
	}
	return items;
}

#define VEC_ITEMS(v) ast_vec_take(a, (v))
#define VEC_N(v) ((v) ? (v)->n : 0)

/* ---- values and settings ---- */

static struct ast_value *new_value(struct arena *a, enum ast_value_kind kind, struct span span)
{
	struct ast_value *v = arena_alloc(a, sizeof(*v));

	v->kind = kind;
	v->span = span;
	return v;
}

struct ast_value *ast_value_string(struct arena *a, const struct ast_string *s)
{
	struct ast_value *v = new_value(a, AST_VAL_STRING, s->span);

	v->u.str = *s;
	return v;
}

struct ast_value *ast_value_number(struct arena *a, const struct ast_number *n)
{
	struct ast_value *v = new_value(a, AST_VAL_NUMBER, n->span);

	v->u.num = *n;
	return v;
}

struct ast_value *ast_value_duration(struct arena *a, const struct ast_duration *d)
{
	struct ast_value *v = new_value(a, AST_VAL_DURATION, d->span);

	v->u.dur = *d;
	return v;
}

struct ast_duration *ast_duration_unitless(struct arena *a, const struct ast_number *n)
{
	struct ast_duration *d = arena_alloc(a, sizeof(*d));

	memset(d, 0, sizeof(*d));
	d->text = n->text;
	d->span = n->span;
	d->unitless = true;
	d->overflow = n->overflow;
	d->seconds = n->is_int && !n->overflow && n->ival >= 0 ? n->ival : -1;
	return d;
}

struct ast_value *ast_value_name(struct arena *a, struct ast_vec *parts, struct span span)
{
	struct ast_value *v = new_value(a, AST_VAL_NAME, span);

	v->u.name.parts = VEC_ITEMS(parts);
	v->u.name.nparts = VEC_N(parts);
	v->u.name.span = span;
	return v;
}

struct ast_value *ast_value_list(struct arena *a, struct ast_vec *items, struct span span)
{
	struct ast_value *v = new_value(a, AST_VAL_LIST, span);

	v->u.list.items = VEC_ITEMS(items);
	v->u.list.nitems = VEC_N(items);
	return v;
}

struct ast_setting *ast_setting_new(struct arena *a, struct ast_name key, struct ast_vec *args,
				    struct ast_vec *block, struct span block_span, struct span span)
{
	struct ast_setting *s = arena_alloc(a, sizeof(*s));

	s->key = key;
	s->args = VEC_ITEMS(args);
	s->nargs = VEC_N(args);
	s->has_block = block != NULL;
	s->block = VEC_ITEMS(block);
	s->nblock = VEC_N(block);
	if (block)
		s->block_span = block_span;
	s->span = span;
	return s;
}

/* ---- types and columns ---- */

struct ast_type *ast_type_simple(struct arena *a, struct ast_name name)
{
	struct ast_type *t = arena_alloc(a, sizeof(*t));

	t->name = name;
	t->span = name.span;
	return t;
}

struct ast_type *ast_type_params(struct arena *a, struct ast_name name, struct ast_vec *params,
				 struct span span)
{
	struct ast_type *t = ast_type_simple(a, name);

	t->params = VEC_ITEMS(params);
	t->nparams = VEC_N(params);
	t->span = span;
	return t;
}

struct ast_type *ast_type_angle(struct arena *a, struct ast_name name, struct ast_vec *args,
				struct span span)
{
	struct ast_type *t = ast_type_simple(a, name);
	/* type arguments are few: a flat copy to sort them into fields and args */
	const struct ast_field *f = VEC_ITEMS(args);
	size_t n = VEC_N(args), i, nf = 0, na = 0;

	t->has_angle = true;
	t->span = span;
	for (i = 0; i < n; i++) {
		if (f[i].name.text)
			nf++;
		else
			na++;
	}
	if (nf)
		t->fields = arena_array(a, nf, sizeof(*t->fields));
	if (na)
		t->args = arena_array(a, na, sizeof(*t->args));
	for (i = 0; i < n; i++) {
		if (f[i].name.text)
			t->fields[t->nfields++] = f[i];
		else
			t->args[t->nargs++] = f[i].type;
	}
	return t;
}

struct ast_field ast_field_make(const struct ast_name *name, struct ast_type *type)
{
	struct ast_field f;

	memset(&f, 0, sizeof(f));
	if (name)
		f.name = *name;
	f.type = type;
	return f;
}

struct ast_column *ast_column_attrs(struct arena *a)
{
	return arena_alloc(a, sizeof(struct ast_column));
}

struct ast_column *ast_column_finish(struct ast_column *c, struct ast_name name,
				     struct ast_type *type, struct span span)
{
	c->name = name;
	c->type = type;
	c->span = span;
	return c;
}

/* ---- partitions and rules ---- */

struct ast_partition *ast_partition_identity(struct arena *a, struct ast_vec *name, struct span span)
{
	struct ast_partition *p = arena_alloc(a, sizeof(*p));

	p->args = ast_value_name(a, name, span);
	p->nargs = 1;
	p->span = span;
	return p;
}

struct ast_partition *ast_partition_call(struct arena *a, struct ast_name fn, struct ast_vec *args,
					 struct span span)
{
	struct ast_partition *p = arena_alloc(a, sizeof(*p));

	p->fn = fn;
	p->is_call = true;
	p->args = VEC_ITEMS(args);
	p->nargs = VEC_N(args);
	p->span = span;
	return p;
}

static struct ast_rule *new_rule(struct arena *a, enum ast_rule_kind kind, struct span span)
{
	struct ast_rule *r = arena_alloc(a, sizeof(*r));

	r->kind = kind;
	r->span = span;
	return r;
}

static void one_column(struct arena *a, struct ast_rule *r, const struct ast_name *col)
{
	r->columns = arena_alloc(a, sizeof(*r->columns));
	r->columns[0] = *col;
	r->ncolumns = 1;
}

struct ast_rule *ast_rule_row_count_matches(struct arena *a, struct span span)
{
	struct ast_rule *r = new_rule(a, AST_RULE_ROW_COUNT, span);

	r->matches_source = true;
	return r;
}

struct ast_rule *ast_rule_compare(struct arena *a, enum ast_rule_kind kind, const struct ast_name *col,
				  enum ast_cmp cmp, struct ast_value *v1, struct ast_value *v2,
				  struct span span)
{
	struct ast_rule *r = new_rule(a, kind, span);

	if (col)
		one_column(a, r, col);
	r->cmp = cmp;
	r->nvalues = v2 ? 2 : 1;
	r->values = arena_array(a, r->nvalues, sizeof(*r->values));
	r->values[0] = *v1;
	if (v2)
		r->values[1] = *v2;
	return r;
}

struct ast_rule *ast_rule_in(struct arena *a, struct ast_name col, struct ast_vec *values,
			     struct span span)
{
	struct ast_rule *r = new_rule(a, AST_RULE_EXPECT, span);

	one_column(a, r, &col);
	r->cmp = AST_CMP_IN;
	r->values = VEC_ITEMS(values);
	r->nvalues = VEC_N(values);
	return r;
}

struct ast_rule *ast_rule_not_null(struct arena *a, struct ast_name col, struct span span)
{
	struct ast_rule *r = new_rule(a, AST_RULE_EXPECT, span);

	one_column(a, r, &col);
	r->cmp = AST_CMP_NOT_NULL;
	return r;
}

struct ast_rule *ast_rule_expr(struct arena *a, struct ast_expr *e, struct span span)
{
	struct ast_rule *r = new_rule(a, AST_RULE_EXPECT, span);

	r->expr = e;
	return r;
}

struct ast_rule *ast_rule_columns(struct arena *a, enum ast_rule_kind kind, struct ast_vec *cols,
				  struct span span)
{
	struct ast_rule *r = new_rule(a, kind, span);

	r->columns = VEC_ITEMS(cols);
	r->ncolumns = VEC_N(cols);
	return r;
}

struct ast_rule *ast_rule_freshness(struct arena *a, struct ast_name col, const struct ast_duration *d,
				    struct span span)
{
	struct ast_rule *r = new_rule(a, AST_RULE_FRESHNESS, span);

	one_column(a, r, &col);
	r->within = *d;
	return r;
}

struct ast_rule *ast_rule_sample(struct arena *a, const struct ast_number *n, struct span span)
{
	struct ast_rule *r = new_rule(a, AST_RULE_SAMPLE, span);

	r->sample = *n;
	return r;
}

struct ast_rule *ast_rule_on_failure(struct arena *a, struct ast_name action, struct span span)
{
	struct ast_rule *r = new_rule(a, AST_RULE_ON_FAILURE, span);

	r->action = action;
	return r;
}

/* ---- clauses and items ---- */

static struct ast_clause *new_clause(struct arena *a, enum ast_clause_kind kind, struct span kw,
				     struct span span)
{
	struct ast_clause *c = arena_alloc(a, sizeof(*c));

	c->kind = kind;
	c->kw_span = kw;
	c->span = span;
	return c;
}

struct ast_clause *ast_clause_description(struct arena *a, struct span kw, const struct ast_string *s,
					  struct span span)
{
	struct ast_clause *c = new_clause(a, AST_DESCRIPTION, kw, span);

	c->u.description = *s;
	return c;
}

struct ast_clause *ast_clause_endpoint(struct arena *a, enum ast_clause_kind kind, struct span kw,
				       struct ast_name what, struct ast_vec *args,
				       struct ast_vec *settings, struct span span)
{
	struct ast_clause *c = new_clause(a, kind, kw, span);

	c->u.endpoint.kind = what;
	c->u.endpoint.args = VEC_ITEMS(args);
	c->u.endpoint.nargs = VEC_N(args);
	c->u.endpoint.has_block = settings != NULL;
	c->u.endpoint.settings = VEC_ITEMS(settings);
	c->u.endpoint.nsettings = VEC_N(settings);
	return c;
}

struct ast_clause *ast_clause_alerts(struct arena *a, struct span kw, const struct ast_name *word,
				     struct span span)
{
	struct ast_clause *c = new_clause(a, AST_ALERTS, kw, span);

	c->u.alerts = *word;
	return c;
}

struct ast_clause *ast_clause_create(struct arena *a, struct span kw, struct span span)
{
	return new_clause(a, AST_CREATE_IF_MISSING, kw, span);
}

struct ast_clause *ast_clause_columns(struct arena *a, struct span kw, struct ast_vec *cols,
				      struct span span)
{
	struct ast_clause *c = new_clause(a, AST_COLUMNS, kw, span);

	c->u.columns.items = VEC_ITEMS(cols);
	c->u.columns.nitems = VEC_N(cols);
	return c;
}

struct ast_clause *ast_clause_partition(struct arena *a, struct span kw, struct ast_vec *parts,
					struct span span)
{
	struct ast_clause *c = new_clause(a, AST_PARTITION_BY, kw, span);

	c->u.partition.items = VEC_ITEMS(parts);
	c->u.partition.nitems = VEC_N(parts);
	return c;
}

struct ast_clause *ast_clause_mode(struct arena *a, struct span kw, struct ast_name mode,
				   struct ast_vec *keys, struct span on_span, struct span span)
{
	struct ast_clause *c = new_clause(a, AST_MODE, kw, span);

	c->u.mode.mode = mode;
	c->u.mode.keys = VEC_ITEMS(keys);
	c->u.mode.nkeys = VEC_N(keys);
	if (keys)
		c->u.mode.on_span = on_span;
	return c;
}

struct ast_clause *ast_clause_mode_order(struct ast_clause *c, const struct ast_name *column,
					 const struct ast_name *direction, struct span order_span)
{
	c->u.mode.order = *column;
	c->u.mode.direction = *direction;
	c->u.mode.order_span = order_span;
	return c;
}

struct ast_clause *ast_clause_incremental(struct arena *a, struct span kw, enum ast_incr_kind kind,
					  const struct ast_name *col, struct ast_duration *lag,
					  struct ast_string *initial, struct span span)
{
	struct ast_clause *c = new_clause(a, AST_INCREMENTAL, kw, span);

	c->u.incremental.kind = kind;
	if (col)
		c->u.incremental.column = *col;
	c->u.incremental.lag = lag;
	c->u.incremental.initial = initial;
	return c;
}

struct ast_clause *ast_clause_cron(struct arena *a, struct span kw, const struct ast_string *s,
				   struct span span)
{
	struct ast_clause *c = new_clause(a, AST_SCHEDULE, kw, span);

	c->u.schedule.kind = AST_SCHED_CRON;
	c->u.schedule.cron = *s;
	return c;
}

struct ast_clause *ast_clause_every(struct arena *a, struct span kw, const struct ast_duration *d,
				    struct span span)
{
	struct ast_clause *c = new_clause(a, AST_SCHEDULE, kw, span);

	c->u.schedule.kind = AST_SCHED_EVERY;
	c->u.schedule.every = *d;
	return c;
}

struct ast_clause *ast_clause_after(struct arena *a, struct span kw, struct ast_vec *names, bool any,
				    struct span span)
{
	struct ast_clause *c = new_clause(a, AST_SCHEDULE, kw, span);

	c->u.schedule.kind = AST_SCHED_AFTER;
	c->u.schedule.after = VEC_ITEMS(names);
	c->u.schedule.nafter = VEC_N(names);
	c->u.schedule.after_any = any;
	return c;
}

struct ast_clause *ast_clause_on_demand(struct arena *a, struct span kw, struct span span)
{
	struct ast_clause *c = new_clause(a, AST_SCHEDULE, kw, span);

	c->u.schedule.kind = AST_SCHED_ON_DEMAND;
	return c;
}

struct ast_clause *ast_clause_s3_event(struct arena *a, struct span kw, struct ast_vec *settings,
				       struct span span)
{
	struct ast_clause *c = new_clause(a, AST_SCHEDULE, kw, span);

	c->u.schedule.kind = AST_SCHED_S3_EVENT;
	c->u.schedule.settings = VEC_ITEMS(settings);
	c->u.schedule.nsettings = VEC_N(settings);
	return c;
}

struct ast_clause *ast_clause_validate(struct arena *a, struct span kw, struct ast_vec *rules,
				       struct span span)
{
	struct ast_clause *c = new_clause(a, AST_VALIDATE, kw, span);

	c->u.validate.items = VEC_ITEMS(rules);
	c->u.validate.nitems = VEC_N(rules);
	return c;
}

struct ast_clause *ast_clause_job(struct arena *a, struct span kw, struct ast_vec *settings,
				  struct span span)
{
	struct ast_clause *c = new_clause(a, AST_JOB, kw, span);

	c->u.job.items = VEC_ITEMS(settings);
	c->u.job.nitems = VEC_N(settings);
	return c;
}

struct ast_clause *ast_clause_on_error(struct arena *a, struct span kw, struct ast_name what,
				       struct ast_vec *args, struct span span)
{
	struct ast_clause *c = new_clause(a, AST_ON_ERROR, kw, span);

	c->u.on_error.what = what;
	c->u.on_error.args = VEC_ITEMS(args);
	c->u.on_error.nargs = VEC_N(args);
	return c;
}

struct ast_clause *ast_clause_drop_column(struct arena *a, struct span kw, struct ast_name column,
					  struct span span)
{
	struct ast_clause *c = new_clause(a, AST_DROP_COLUMN, kw, span);

	c->u.drop_column = column;
	return c;
}

struct ast_item *ast_item_new(struct arena *a, enum ast_item_kind kind, const struct ast_name *name,
			      struct ast_vec *clauses, struct span body, struct span span)
{
	struct ast_item *it = arena_alloc(a, sizeof(*it));

	it->kind = kind;
	if (name)
		it->name = *name;
	it->clauses = VEC_ITEMS(clauses);
	it->nclauses = VEC_N(clauses);
	it->body_span = body;
	it->span = span;
	return it;
}

/* ---- expressions ---- */

struct ast_expr *ast_expr_new(struct arena *a, enum ast_expr_kind kind, struct span span)
{
	struct ast_expr *e = arena_alloc(a, sizeof(*e));

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->span = span;
	return e;
}

struct ast_expr *ast_expr_column(struct arena *a, struct ast_vec *parts, struct span span)
{
	struct ast_expr *e = ast_expr_new(a, AST_E_COLUMN, span);

	e->name.parts = VEC_ITEMS(parts);
	e->name.nparts = VEC_N(parts);
	e->name.span = span;
	return e;
}

struct ast_expr *ast_expr_binary(struct arena *a, enum ast_expr_op op, struct span op_span,
				 struct ast_expr *l, struct ast_expr *r)
{
	struct ast_expr *e = ast_expr_new(a, AST_E_BINARY, span_join(l->span, r->span));

	e->op = op;
	e->op_span = op_span;
	e->args = arena_alloc(a, 2 * sizeof(*e->args));
	e->args[0] = l;
	e->args[1] = r;
	e->nargs = 2;
	return e;
}

struct ast_expr *ast_expr_unary(struct arena *a, enum ast_expr_op op, struct span op_span,
				struct ast_expr *x, struct span span)
{
	struct ast_expr *e = ast_expr_new(a, AST_E_UNARY, span);

	e->op = op;
	e->op_span = op_span;
	e->args = arena_alloc(a, sizeof(*e->args));
	e->args[0] = x;
	e->nargs = 1;
	return e;
}

struct ast_expr *ast_expr_list(struct arena *a, enum ast_expr_kind kind, struct ast_vec *args,
			       struct span span)
{
	struct ast_expr *e = ast_expr_new(a, kind, span);

	e->args = VEC_ITEMS(args);
	e->nargs = VEC_N(args);
	return e;
}

struct ast_vec *ast_expr_push(struct arena *scratch, struct ast_vec *v, struct ast_expr *e)
{
	return ast_vec_push(scratch, v, &e, sizeof(e));
}

struct ast_clause *ast_clause_derive(struct arena *a, struct span kw, struct ast_name name,
				     struct ast_type *type, struct ast_expr *e, struct span span)
{
	struct ast_clause *c = new_clause(a, AST_DERIVE, kw, span);

	c->u.derive.name = name;
	c->u.derive.type = type;
	c->u.derive.expr = e;
	return c;
}

struct ast_clause *ast_clause_filter(struct arena *a, struct span kw, struct ast_expr *e,
				     struct span span)
{
	struct ast_clause *c = new_clause(a, AST_FILTER, kw, span);

	c->u.filter = e;
	return c;
}

struct ast_clause *ast_clause_dedupe(struct arena *a, struct span kw, struct ast_vec *keys,
				     const struct ast_name *column, const struct ast_name *direction,
				     struct span order_span, struct span span)
{
	struct ast_clause *c = new_clause(a, AST_DEDUPE, kw, span);

	c->u.mode.keys = VEC_ITEMS(keys);
	c->u.mode.nkeys = VEC_N(keys);
	c->u.mode.on_span = kw;
	if (column)
		ast_clause_mode_order(c, column, direction, order_span);
	return c;
}

struct ast_take *ast_take_new(struct arena *a, struct ast_name column, struct ast_type *type,
			      const struct ast_name *as, struct span span)
{
	struct ast_take *t = arena_alloc(a, sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->column = column;
	t->type = type;
	if (as)
		t->as = *as;
	t->span = span;
	return t;
}

struct ast_join_line *ast_join_line_new(struct arena *a, struct ast_name key,
					struct ast_vec *items, struct span span)
{
	struct ast_join_line *l = arena_alloc(a, sizeof(*l));

	memset(l, 0, sizeof(*l));
	l->key = key;
	l->items = ast_vec_take(a, items);
	l->nitems = items ? items->n : 0;
	l->span = span;
	return l;
}

struct ast_clause *ast_clause_join(struct arena *a, struct span kw, struct ast_name how,
				   struct ast_name what, struct ast_vec *name,
				   struct span name_span, struct ast_name alias, struct ast_expr *on,
				   struct ast_vec *lines, struct span span)
{
	struct ast_clause *c = new_clause(a, AST_JOIN, kw, span);

	c->u.join.how = how;
	c->u.join.what = what;
	c->u.join.name = ast_vec_take(a, name);
	c->u.join.nname = name ? name->n : 0;
	c->u.join.name_span = name_span;
	c->u.join.alias = alias;
	c->u.join.on = on;
	c->u.join.has_block = lines != NULL;
	c->u.join.lines = ast_vec_take(a, lines);
	c->u.join.nlines = lines ? lines->n : 0;
	return c;
}

struct ast_clause *ast_clause_aggregate(struct arena *a, struct span kw, struct span by,
					struct ast_vec *keys, struct ast_vec *items, struct span span)
{
	struct ast_clause *c = new_clause(a, AST_AGGREGATE, kw, span);

	c->u.aggregate.keys = VEC_ITEMS(keys);
	c->u.aggregate.nkeys = VEC_N(keys);
	c->u.aggregate.by_span = by;
	c->u.aggregate.items = VEC_ITEMS(items);
	c->u.aggregate.nitems = VEC_N(items);
	return c;
}

struct ast_agg *ast_agg_new(struct arena *a, struct ast_name name, struct ast_type *type,
			    struct ast_name fn, struct ast_expr *arg, struct ast_expr *order,
			    struct span by, struct span call, struct span span)
{
	struct ast_agg *g = arena_alloc(a, sizeof(*g));

	g->name = name;
	g->type = type;
	g->fn = fn;
	g->arg = arg;
	g->order = order;
	g->by_span = by;
	g->call_span = call;
	g->span = span;
	return g;
}
