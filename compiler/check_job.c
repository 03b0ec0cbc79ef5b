#include "check_job.h"

#include <stdlib.h>
#include <string.h>

#include "check_ctx.h"
#include "config.h"
#include "names.h"
#include "strbuf.h"

#define JOB_DEFAULT_WORKERS 2
#define JOB_DEFAULT_WORKER_TYPE "G.1X"
#define JOB_DEFAULT_TIMEOUT 60

enum jkey {
	JK_WORKERS, JK_AUTOSCALE, JK_FLEX, JK_TIMEOUT, JK_RETRIES, JK_MAX_CONCURRENCY,
	JK_CONNECTIONS, JK_TAGS, JK_NOTIFY_DELAY, JK_COUNT
};
static const char *const job_keys[JK_COUNT] = {
	"workers", "autoscale", "flex", "timeout", "retries", "max_concurrency", "connections",
	"tags", "notify_delay",
};
static const char *const usage[JK_COUNT] = {
	"workers 2 G.1X", "autoscale", "flex", "timeout 60m", "retries 1", "max_concurrency 1",
	"connections \"name\", ...", "tags { team \"data\" }", "notify_delay 10m",
};

static struct model_kv *tag_slot(struct check_ctx *c, const char *key)
{
	struct model_kvlist *l = &c->mp->job.tags;
	size_t i;

	for (i = 0; i < l->count; i++)
		if (!strcmp(l->items[i].key, key))
			return &l->items[i];
	{
		struct model_kv *items = arena_array(c->a, l->count + 1, sizeof(*items));

		if (l->count)
			memcpy(items, l->items, l->count * sizeof(*items));
		l->items = items;
		items[l->count].key = key;
		return &items[l->count++];
	}
}

static void add_connection(struct check_ctx *c, const char *name)
{
	struct model_job *j = &c->mp->job;
	const char **v;
	size_t i;

	for (i = 0; i < j->nconnections; i++)
		if (!strcmp(j->connections[i], name))
			return;
	v = arena_array(c->a, j->nconnections + 1, sizeof(*v));
	if (j->nconnections)
		memcpy(v, j->connections, j->nconnections * sizeof(*v));
	v[j->nconnections++] = name;
	j->connections = v;
}

static bool minutes_of(struct check_ctx *c, const struct ast_setting *s, long lo, long hi,
		       int *out)
{
	const struct ast_value *v = &s->args[0];

	if (v->kind != AST_VAL_DURATION) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' expects a duration", s->key.text),
			  "write minutes or hours, like '%s 30m' or '%s 2h'", s->key.text,
			  s->key.text);
		return false;
	}
	if (v->u.dur.overflow || v->u.dur.seconds % 60) {
		diag_help(diag_error(c->ds, c->src, v->span, "'%s' must be whole minutes",
				     s->key.text),
			  "Glue counts %s in minutes", s->key.text);
		return false;
	}
	if (v->u.dur.seconds / 60 < lo || v->u.dur.seconds / 60 > hi) {
		diag_help(diag_error(c->ds, c->src, v->span, "%s %s is out of range", s->key.text,
				     v->u.dur.text),
			  hi == 10080 ? "Glue job timeouts are 1m to 10080m (7 days)"
				      : "write at least 1m");
		return false;
	}
	*out = (int)(v->u.dur.seconds / 60);
	return true;
}

static const char *worker_type_arg(struct check_ctx *c, const struct ast_value *v)
{
	const char *t = NULL, *why;
	struct diag *d;
	const char *close;

	if (v->kind == AST_VAL_NAME)
		t = ast_qname_text(c->a, &v->u.name);
	else if (v->kind == AST_VAL_STRING)
		t = check_ctx_string(c, &v->u.str);
	if (!t) {
		diag_help(diag_error(c->ds, c->src, v->span, "expected a worker type"),
			  "write: workers 2 G.1X");
		return NULL;
	}
	why = names_worker_type_problem(t);
	if (!why)
		return t;
	d = diag_error(c->ds, c->src, v->span, "worker type '%s' %s", t, why);
	close = diag_closest(t, names_spark_worker_types, NAMES_NSPARK_WORKER_TYPES);
	if (close && !strcmp(why, "is not a Glue 5.1 Spark worker type"))
		diag_help(d, "did you mean '%s'?", close);
	else
		diag_help(d, "Glue 5.1 Spark jobs use G.1X, G.2X, G.4X, G.8X, G.12X, G.16X, R.1X, "
			     "R.2X, R.4X or R.8X");
	return NULL;
}

static void job_tags(struct check_ctx *c, const struct ast_setting *s)
{
	size_t i, j;

	if (s->nargs || !s->has_block) {
		diag_help(diag_error(c->ds, c->src, s->span, "'tags' takes a block"),
			  "write: tags { team \"data\" }");
		return;
	}
	for (i = 0; i < s->nblock; i++) {
		const struct ast_setting *t = &s->block[i];
		const char *why = names_tag_key_problem(t->key.text), *v;

		for (j = 0; j < i; j++)
			if (!strcmp(s->block[j].key.text, t->key.text))
				break;
		if (j < i) {
			struct diag *d = diag_error(c->ds, c->src, t->key.span, "duplicate tag '%s'",
						    t->key.text);
			diag_note(d, c->src, s->block[j].key.span, "first set here");
			diag_help(d, "keep one '%s'", t->key.text);
			continue;
		}
		if (why) {
			diag_help(diag_error(c->ds, c->src, t->key.span, "invalid tag key '%s'",
					     t->key.text),
				  "%s", why);
			continue;
		}
		if (t->nargs != 1 || t->has_block) {
			diag_help(diag_error(c->ds, c->src, t->span, "tag '%s' needs one value",
					     t->key.text),
				  "write: %s \"value\"", t->key.text);
			continue;
		}
		if (!(v = check_ctx_arg_string(c, t, 0, "KEY \"value\"")))
			continue;
		if (strlen(v) > 256) {
			diag_help(diag_error(c->ds, c->src, t->args[0].span,
					     "tag value is too long (%zu characters)", strlen(v)),
				  "tag values are at most 256 characters");
			continue;
		}
		tag_slot(c, t->key.text)->value = v;
	}
}

void check_job_defaults(struct check_ctx *c)
{
	struct model_job *j = &c->mp->job;
	const struct config_job_defaults *d = &c->cfg->defaults;
	size_t i;

	c->flex_src = NULL;
	j->workers = d->has_workers ? d->workers : JOB_DEFAULT_WORKERS;
	j->worker_type = d->has_worker_type ? d->worker_type : JOB_DEFAULT_WORKER_TYPE;
	j->timeout_minutes = d->has_timeout ? d->timeout_minutes : JOB_DEFAULT_TIMEOUT;
	j->retries = d->has_retries ? d->retries : 0;
	j->max_concurrency = d->has_max_concurrency ? d->max_concurrency : 1;
	j->autoscale = d->has_autoscale && d->autoscale;
	j->flex = d->has_flex && d->flex;
	for (i = 0; i < d->tags.count; i++)
		tag_slot(c, d->tags.items[i].key)->value = d->tags.items[i].value;
}

void check_job(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_job *j = &c->mp->job;
	size_t i;

	for (i = 0; i < cl->u.job.nitems; i++) {
		const struct ast_setting *s = &cl->u.job.items[i];
		int k = check_ctx_setting_key(c, s, cl->u.job.items, i, "job", job_keys, JK_COUNT);
		int n;

		if (k < 0)
			continue;
		if (k == JK_TAGS) {
			job_tags(c, s);
			continue;
		}
		if (!check_ctx_no_block(c, s))
			continue;
		switch (k) {
		case JK_AUTOSCALE:
		case JK_FLEX:
			if (!check_ctx_setting_nargs(c, s, 0, 0, usage[k], job_keys, JK_COUNT))
				break;
			if (k == JK_AUTOSCALE) {
				j->autoscale = true;
			} else {
				j->flex = true;
				c->flex_src = c->src;
				c->flex_span = s->span;
			}
			break;
		case JK_WORKERS: {
			const char *t = NULL;

			if (!check_ctx_setting_nargs(c, s, 1, 2, usage[k], job_keys, JK_COUNT) ||
			    !check_ctx_arg_int(c, s, 0, 2, 299, usage[k], &n))
				break;
			if (s->nargs == 2 && !(t = worker_type_arg(c, &s->args[1])))
				break;
			j->workers = n;
			if (t)
				j->worker_type = t;
			break;
		}
		case JK_TIMEOUT:
			if (check_ctx_setting_nargs(c, s, 1, 1, usage[k], job_keys, JK_COUNT) &&
			    minutes_of(c, s, 1, 10080, &n))
				j->timeout_minutes = n;
			break;
		case JK_NOTIFY_DELAY:
			if (check_ctx_setting_nargs(c, s, 1, 1, usage[k], job_keys, JK_COUNT) &&
			    minutes_of(c, s, 1, 10080, &n))
				j->notify_delay_minutes = n;
			break;
		case JK_RETRIES:
			if (check_ctx_setting_nargs(c, s, 1, 1, usage[k], job_keys, JK_COUNT) &&
			    check_ctx_arg_int(c, s, 0, 0, 10, usage[k], &n))
				j->retries = n;
			break;
		case JK_MAX_CONCURRENCY:
			if (check_ctx_setting_nargs(c, s, 1, 1, usage[k], job_keys, JK_COUNT) &&
			    check_ctx_arg_int(c, s, 0, 1, 1000, usage[k], &n))
				j->max_concurrency = n;
			break;
		case JK_CONNECTIONS: {
			size_t a;
			const char *v;

			if (!check_ctx_setting_nargs(c, s, 1, 1000, usage[k], job_keys, JK_COUNT))
				break;
			for (a = 0; a < s->nargs; a++)
				if ((v = check_ctx_arg_string(c, s, a, usage[k])) != NULL && *v)
					add_connection(c, v);
			break;
		}
		default:
			break;
		}
	}
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct model_kv *)a)->key, ((const struct model_kv *)b)->key);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void check_job_finish(struct check_ctx *c)
{
	struct model_pipeline *mp = c->mp;
	struct model_job *j = &mp->job;
	const char *prefix = c->cfg->env.name_prefix ? c->cfg->env.name_prefix : "";

	j->name = arena_printf(c->a, "%s%s", prefix, mp->name);
	if (strlen(j->name) > 255)
		diag_help(diag_error(c->ds, c->src, mp->span,
				     "job name '%s' is longer than 255 characters", j->name),
			  "shorten the pipeline name or the environment's name_prefix");
	j->description = mp->description;
	j->role = c->cfg->env.role;
	if (j->flex && strcmp(j->worker_type, "G.1X") && strcmp(j->worker_type, "G.2X"))
		diag_help(diag_error(c->ds, c->flex_src ? c->flex_src : c->src,
				     c->flex_src ? c->flex_span : mp->span,
				     "Flex execution needs G.1X or G.2X workers, not %s",
				     j->worker_type),
			  "use 'workers N G.1X' or 'workers N G.2X', or remove 'flex'");
	if (mp->source.connection)
		add_connection(c, mp->source.connection);
	if (mp->target.kind == MT_REDSHIFT && mp->target.connection)
		add_connection(c, mp->target.connection);
	if (j->nconnections > 1)
		qsort(j->connections, j->nconnections, sizeof(*j->connections), cmp_str);
	if (j->tags.count > 1)
		qsort(j->tags.items, j->tags.count, sizeof(*j->tags.items), cmp_kv);
	if (j->tags.count > 44)
		diag_help(diag_error(c->ds, c->src, mp->span, "pipeline '%s' has %zu tags", mp->name,
				     j->tags.count),
			  "Glue allows 50 tags and pipec adds up to 6 of its own: use at most 44");
}
