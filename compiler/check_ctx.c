#include "check_ctx.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "names.h"
#include "strbuf.h"
#include "xalloc.h"

/* ---- words ---- */

int check_ctx_word_index(const char *word, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(word, words[i]))
			return (int)i;
	return -1;
}

void check_ctx_join_words(struct strbuf *sb, const char *const *words, size_t n,
			  const char *last)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(sb, i + 1 == n && last ? last : ", ");
		strbuf_addstr(sb, words[i]);
	}
}

struct diag *check_ctx_unknown(struct check_ctx *c, struct span span, const char *what,
			       const char *word, const char *const *known, size_t n)
{
	struct diag *d = diag_error(c->ds, c->src, span, "unknown %s '%s'", what, word);
	const char *close = diag_closest(word, known, n);
	struct strbuf sb = STRBUF_INIT;

	check_ctx_join_words(&sb, known, n, " or ");
	if (close)
		diag_help(d, "did you mean '%s'?", close);
	else
		diag_help(d, "expected %s", sb.buf);
	strbuf_release(&sb);
	return d;
}

/* ---- strings ---- */

const char *check_ctx_s3_location(struct check_ctx *c, const struct ast_string *s,
				  const char *what)
{
	const char *v = check_ctx_string(c, s), *why;

	if (!v)
		return NULL;
	why = names_s3_url_problem(v);
	if (why) {
		diag_help(diag_error(c->ds, c->src, s->span, "%s '%s' is not a valid S3 location: %s",
				     what, v, why),
			  "write s3://BUCKET/PREFIX/");
		return NULL;
	}
	return v;
}

bool check_ctx_engine_name(struct diag_set *ds, const struct source *src, struct span span,
			   enum names_engine e, const char *what, const char *name)
{
	const struct names_rule *r = &names_rules[e];
	struct names_problem pr = names_engine_problem(e, name);
	const char *engine = r->engine, *why = r->why;
	char *fix;
	struct diag *d;

	switch (pr.kind) {
	case NAMES_OK:
		return true;
	case NAMES_EMPTY:
		diag_help(diag_error(ds, src, span, "%s %s is empty", engine, what), "%s", why);
		return false;
	case NAMES_TOO_LONG:
		diag_help(diag_error(ds, src, span, "%s %s '%s' is longer than %zu bytes", engine,
				     what, name, r->max),
			  "shorten it: %s", why);
		return false;
	case NAMES_BAD_FIRST:
		diag_help(diag_error(ds, src, span, "%s %s '%s' must start with a letter or digit",
				     engine, what, name),
			  "%s, starting with a letter or digit", why);
		return false;
	case NAMES_UPPER:
		d = diag_error(ds, src, span, "%s %s '%s' must be lowercase", engine, what, name);
		why = r->why_upper;
		break;
	case NAMES_SEMICOLON:
	case NAMES_PERCENT_S:
	case NAMES_BAD_CHAR:
		d = diag_error(ds, src, span, "%s %s '%s' contains '%.*s'", engine, what, name,
			       (int)pr.len, pr.at);
		if (pr.kind == NAMES_SEMICOLON)
			why = "the Spark Redshift connector splits its pre- and post-actions at "
			      "every ';', quoted or not";
		else if (pr.kind == NAMES_PERCENT_S)
			why = "the Spark Redshift connector formats an action that contains '%s'";
		break;
	default:
		return true;
	}
	fix = xmalloc(strlen(name) + 1);
	names_engine_fix(e, name, fix);
	diag_help(d, "write '%s': %s", fix, why);
	free(fix);
	return false;
}

static void variable_names(struct check_ctx *c, const char **names, size_t *n)
{
	size_t i;

	*n = 0;
	for (i = 0; i < NAMES_NBUILTIN_VARIABLES; i++)
		names[(*n)++] = names_builtin_variables[i];
	for (i = 0; i < c->cfg->env.variables.count && *n < 256; i++)
		names[(*n)++] = c->cfg->env.variables.items[i].key;
}

static const char *variable_value(struct check_ctx *c, const char *name, bool *builtin_unset)
{
	const struct model_env *e = &c->cfg->env;
	const char *v;

	*builtin_unset = false;
	if (!strcmp(name, "env"))
		return e->name;
	if (!strcmp(name, "project"))
		return c->cfg->project;
	if (!strcmp(name, "region") || !strcmp(name, "account")) {
		v = name[0] == 'r' ? e->region : e->account;
		*builtin_unset = !v;
		return v;
	}
	return model_kv_get(&e->variables, name);
}

const char *check_ctx_string(struct check_ctx *c, const struct ast_string *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = true;
	size_t i;
	const char *out;

	for (i = 0; i < s->nparts; i++) {
		const struct ast_strpart *part = &s->parts[i];
		const char *v;
		bool unset;

		if (!part->is_var) {
			strbuf_add(&sb, part->text, part->len);
			continue;
		}
		v = variable_value(c, part->text, &unset);
		if (v) {
			strbuf_addstr(&sb, v);
			continue;
		}
		ok = false;
		if (unset) {
			diag_help(diag_error(c->ds, c->src, part->span,
					     "'%s' is not set in environment '%s'", part->text,
					     c->cfg->env.name),
				  "set '%s:' for the environment in pipec.yaml", part->text);
		} else {
			const char *names[260];
			size_t n;
			struct strbuf known = STRBUF_INIT;
			struct diag *d = diag_error(c->ds, c->src, part->span,
						    "unknown variable '%s'", part->text);
			const char *close;

			variable_names(c, names, &n);
			close = diag_closest(part->text, names, n);
			check_ctx_join_words(&known, names, n, NULL);
			if (close)
				diag_help(d, "did you mean '%s'? (environment '%s' defines: %s)",
					  close, c->cfg->env.name, known.buf);
			else
				diag_help(d, "environment '%s' defines: %s", c->cfg->env.name,
					  known.buf);
			strbuf_release(&known);
		}
	}
	if (memchr(sb.buf, '\0', sb.len) && ok) {
		diag_help(diag_error(c->ds, c->src, s->span, "string contains a NUL character"),
			  "remove the \\u{0} escape");
		ok = false;
	}
	out = ok ? arena_strndup(c->a, sb.buf, sb.len) : NULL;
	strbuf_release(&sb);
	return out;
}

/* ---- settings blocks ---- */

int check_ctx_setting_key(struct check_ctx *c, const struct ast_setting *s,
			  const struct ast_setting *all, size_t idx, const char *where,
			  const char *const *known, size_t n)
{
	int k = check_ctx_word_index(s->key.text, known, n);
	size_t i;

	/* past the error limit nothing more is shown: skip the costly part of
	 * a block of a million bad settings */
	if (diag_limit_reached(c->ds, c->src))
		return -1;
	if (k < 0) {
		struct strbuf what = STRBUF_INIT;

		strbuf_addf(&what, "%s setting", where);
		check_ctx_unknown(c, s->key.span, what.buf, s->key.text, known, n);
		strbuf_release(&what);
		return -1;
	}
	for (i = 0; i < idx; i++) {
		if (!strcmp(all[i].key.text, s->key.text)) {
			struct diag *d = diag_error(c->ds, c->src, s->key.span,
						    "duplicate setting '%s'", s->key.text);
			diag_note(d, c->src, all[i].key.span, "first set here");
			diag_help(d, "keep one '%s'", s->key.text);
			return -1;
		}
	}
	return k;
}

bool check_ctx_setting_nargs(struct check_ctx *c, const struct ast_setting *s, size_t min,
			     size_t max, const char *usage, const char *const *known, size_t n)
{
	size_t i;

	if (s->nargs > max) {
		for (i = max; i < s->nargs; i++) {
			const struct ast_value *v = &s->args[i];

			if (v->kind == AST_VAL_NAME && v->u.name.nparts == 1 &&
			    check_ctx_word_index(v->u.name.parts[0].text, known, n) >= 0) {
				diag_help(diag_error(c->ds, c->src, v->span,
						     "'%s' looks like a separate setting",
						     v->u.name.parts[0].text),
					  "separate settings with a new line or ';'");
				return false;
			}
		}
		diag_help(diag_error(c->ds, c->src,
				     span_join(s->args[max].span, s->args[s->nargs - 1].span),
				     "too many values for '%s'", s->key.text),
			  "write: %s", usage);
		return false;
	}
	if (s->nargs < min) {
		diag_help(diag_error(c->ds, c->src, s->span, "'%s' needs a value", s->key.text),
			  "write: %s", usage);
		return false;
	}
	return true;
}

static const char *value_kind(const struct ast_value *v)
{
	switch (v->kind) {
	case AST_VAL_STRING:
		return "a string";
	case AST_VAL_NUMBER:
		return "a number";
	case AST_VAL_DURATION:
		return "a duration";
	case AST_VAL_NAME:
		return "a name";
	default:
		return "a list";
	}
}

const char *check_ctx_arg_string(struct check_ctx *c, const struct ast_setting *s, size_t i,
				 const char *usage)
{
	const struct ast_value *v = &s->args[i];

	if (v->kind != AST_VAL_STRING) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' expects a quoted string, not %s",
				     s->key.text, value_kind(v)),
			  "write: %s", usage);
		return NULL;
	}
	return check_ctx_string(c, &v->u.str);
}

const char *check_ctx_arg_word(struct check_ctx *c, const struct ast_setting *s, size_t i,
			       const char *usage)
{
	const struct ast_value *v = &s->args[i];

	if (v->kind != AST_VAL_NAME || v->u.name.nparts != 1) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' expects a word, not %s",
				     s->key.text, value_kind(v)),
			  "write: %s", usage);
		return NULL;
	}
	return v->u.name.parts[0].text;
}

bool check_ctx_arg_int(struct check_ctx *c, const struct ast_setting *s, size_t i, long lo,
		       long hi, const char *usage, int *out)
{
	const struct ast_value *v = &s->args[i];

	if (v->kind != AST_VAL_NUMBER || !v->u.num.is_int) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' expects a whole number, not %s",
				     s->key.text, value_kind(v)),
			  "write: %s", usage);
		return false;
	}
	if (v->u.num.overflow || v->u.num.ival < lo || v->u.num.ival > hi) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' is out of range", s->key.text),
			  "'%s' must be between %ld and %ld", s->key.text, lo, hi);
		return false;
	}
	*out = (int)v->u.num.ival;
	return true;
}

bool check_ctx_no_block(struct check_ctx *c, const struct ast_setting *s)
{
	if (!s->has_block)
		return true;
	diag_help(diag_error(c->ds, c->src, s->block_span, "'%s' takes no block", s->key.text),
		  "remove the '{ ... }' after '%s'", s->key.text);
	return false;
}

/* ---- columns ---- */

/* A name that is not a column of an aggregate's table: an input column,
 * an aggregate line that did not check (reported there), or unknown. */
static const struct model_column *aggregate_ref(struct check_ctx *c, const struct ast_name *n,
						const char *what)
{
	const struct model_pipeline *mp = c->mp;
	const char **names;
	const char *close;
	struct diag *d;
	size_t i;

	for (i = 0; i < c->nclauses; i++) {
		const struct ast_clause *cl = &c->clauses[i];

		for (size_t j = 0; cl->kind == AST_AGGREGATE && j < cl->u.aggregate.nitems; j++)
			if (!strcmp(cl->u.aggregate.items[j].name.text, n->text))
				return NULL;
	}
	for (i = 0; i < mp->ninput_columns; i++)
		if (!strcmp(mp->input_columns[i].name, n->text)) {
			d = diag_error(c->ds, c->src, n->span,
				       "%s '%s' is an input column of 'aggregate', not a column of "
				       "the table", what, n->text);
			diag_help(d, "the table's columns are the group keys and the aggregate "
				  "columns; add '%s' to 'aggregate by' to keep it", n->text);
			return NULL;
		}
	names = arena_array(c->a, mp->ncolumns + 1, sizeof(*names));
	for (i = 0; i < mp->ncolumns; i++)
		names[i] = mp->columns[i].name;
	d = diag_error(c->ds, c->src, n->span, "%s '%s' is not a column of the table", what,
		       n->text);
	close = diag_closest(n->text, names, mp->ncolumns);
	if (close)
		diag_help(d, "did you mean '%s'?", close);
	else
		diag_help(d, "the table's columns are the group keys and the aggregate columns");
	return NULL;
}

const struct model_column *check_ctx_column_ref(struct check_ctx *c, const struct ast_name *n,
						const char *what)
{
	const struct model_column *col = model_find_column(c->mp, n->text);
	const char **names;
	size_t i;
	struct diag *d;
	const char *close;

	if (col)
		return col;
	if (c->mp->aggregated)
		return aggregate_ref(c, n, what);
	/* Declared with a type that did not resolve (reported there): the
	 * column exists, but nothing that depends on its type can be checked. */
	for (i = 0; c->columns_clause && i < c->columns_clause->u.columns.nitems; i++)
		if (!strcmp(c->columns_clause->u.columns.items[i].name.text, n->text))
			return NULL;
	/* likewise a derive whose expression did not check */
	for (i = 0; i < c->nclauses; i++)
		if (c->clauses[i].kind == AST_DERIVE &&
		    !strcmp(c->clauses[i].u.derive.name.text, n->text))
			return NULL;
	names = arena_array(c->a, c->mp->ncolumns + 1, sizeof(*names));
	for (i = 0; i < c->mp->ncolumns; i++)
		names[i] = c->mp->columns[i].name;
	d = diag_error(c->ds, c->src, n->span, "%s '%s' is not a declared column", what, n->text);
	close = diag_closest(n->text, names, c->mp->ncolumns);
	if (close)
		diag_help(d, "did you mean '%s'?", close);
	else if (c->mp->ncolumns)
		diag_help(d, "declare it in 'columns { ... }'");
	else
		diag_help(d, "declare the pipeline's columns in 'columns { ... }'");
	return NULL;
}
