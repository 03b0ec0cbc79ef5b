#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "alerts.h"
#include "diag.h"
#include "names.h"
#include "strbuf.h"
#include "xalloc.h"

#define CONFIG_FILE "pipec.yaml"

struct yctx {
	struct diag_set *ds;
	const struct source *src;
	yaml_document_t *doc;
	struct arena *a;
};

/* libyaml counts lines and columns in characters; spans are bytes. */
static size_t mark_offset(const struct source *src, yaml_mark_t m)
{
	size_t off, col;

	if (m.line >= src->nlines)
		return src->len;
	off = src->line_starts[m.line];
	for (col = 0; col < m.column && off < src->len && src->text[off] != '\n'; col++) {
		size_t n = utf8_seq_len((const unsigned char *)src->text + off, src->len - off);
		off += n ? n : 1;
	}
	return off;
}

static struct span node_span(const struct yctx *y, const yaml_node_t *n)
{
	size_t a = mark_offset(y->src, n->start_mark), b = mark_offset(y->src, n->end_mark);

	/* A block mapping ends at the start of the next line: keep the span on its own text. */
	while (b > a && (y->src->text[b - 1] == '\n' || y->src->text[b - 1] == ' ' ||
			 y->src->text[b - 1] == '\r'))
		b--;
	if (b <= a)
		b = a + 1 <= y->src->len ? a + 1 : a;
	return span_make(a, b);
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null_scalar(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null");
}

/* A string value; NULL (with a diagnostic) when the node is not a scalar. */
static const char *want_string(struct yctx *y, const char *key, yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || is_null_scalar(n)) {
		struct diag *d = diag_error(y->ds, y->src, node_span(y, n),
					    "'%s' must be a string, not %s", key,
					    is_null_scalar(n) ? "empty" : node_kind(n));
		diag_help(d, "write '%s: VALUE'", key);
		return NULL;
	}
	return arena_strdup(y->a, scalar(n));
}

static bool want_int(struct yctx *y, const char *key, yaml_node_t *n, long lo, long hi, int *out)
{
	const char *s;
	char *end;
	long v;

	if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		s = scalar(n);
		errno = 0;
		v = strtol(s, &end, 10);
		if (*s && !*end && !errno && isdigit((unsigned char)s[strlen(s) - 1])) {
			if (v < lo || v > hi) {
				struct diag *d = diag_error(y->ds, y->src, node_span(y, n),
							    "'%s' is out of range", key);
				diag_help(d, "'%s' must be between %ld and %ld", key, lo, hi);
				return false;
			}
			*out = (int)v;
			return true;
		}
	}
	diag_help(diag_error(y->ds, y->src, node_span(y, n), "'%s' must be an integer", key),
		  "write a number between %ld and %ld", lo, hi);
	return false;
}

static bool want_bool(struct yctx *y, const char *key, yaml_node_t *n, bool *out)
{
	if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (!strcmp(scalar(n), "true")) {
			*out = true;
			return true;
		}
		if (!strcmp(scalar(n), "false")) {
			*out = false;
			return true;
		}
	}
	diag_help(diag_error(y->ds, y->src, node_span(y, n), "'%s' must be true or false", key),
		  "write '%s: true' or '%s: false'", key, key);
	return false;
}

static bool want_mapping(struct yctx *y, const char *key, yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return true;
	diag_help(diag_error(y->ds, y->src, node_span(y, n), "'%s' must be a mapping, not %s", key,
			     node_kind(n)),
		  "write 'key: value' pairs indented under '%s:'", key);
	return false;
}

/* Looks key up in a table; an unknown key is reported with a suggestion. */
static int key_index(struct yctx *y, yaml_node_t *k, const char *const *keys, size_t n,
		     const char *where)
{
	const char *s, *close;
	struct diag *d;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (k->type != YAML_SCALAR_NODE) {
		diag_help(diag_error(y->ds, y->src, node_span(y, k), "keys in %s must be plain names",
				     where),
			  "write 'name: value'");
		return -1;
	}
	s = scalar(k);
	for (i = 0; i < n; i++)
		if (!strcmp(s, keys[i]))
			return (int)i;
	d = diag_error(y->ds, y->src, node_span(y, k), "unknown key '%s' in %s", s, where);
	close = diag_closest(s, keys, n);
	if (close) {
		diag_help(d, "did you mean '%s'?", close);
	} else {
		for (i = 0; i < n; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", keys[i]);
		diag_help(d, "known keys: %s", sb.buf);
		strbuf_release(&sb);
	}
	return -1;
}

/* The first key of map equal to pair's (before it), or NULL. */
static yaml_node_t *first_same_key(struct yctx *y, yaml_node_t *map, yaml_node_pair_t *pair)
{
	yaml_node_pair_t *q;
	yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);

	if (k->type != YAML_SCALAR_NODE)
		return NULL;
	for (q = map->data.mapping.pairs.start; q < pair; q++) {
		yaml_node_t *qk = yaml_document_get_node(y->doc, q->key);

		if (qk->type == YAML_SCALAR_NODE && !strcmp(scalar(qk), scalar(k)))
			return qk;
	}
	return NULL;
}

/* Reports a key written twice in one mapping; returns true for the repeat. */
static bool duplicate_key(struct yctx *y, yaml_node_t *map, yaml_node_pair_t *pair)
{
	yaml_node_pair_t *q;
	yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);

	if (k->type != YAML_SCALAR_NODE)
		return false;
	for (q = map->data.mapping.pairs.start; q < pair; q++) {
		yaml_node_t *qk = yaml_document_get_node(y->doc, q->key);

		if (qk->type == YAML_SCALAR_NODE && !strcmp(scalar(qk), scalar(k))) {
			struct diag *d = diag_error(y->ds, y->src, node_span(y, k),
						    "duplicate key '%s'", scalar(k));
			diag_note(d, y->src, node_span(y, qk), "first written here");
			diag_help(d, "remove one of them");
			return true;
		}
	}
	return false;
}

int config_parse_duration(const char *s, long long *seconds)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || v > 1000000000LL || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 's':
		*seconds = v;
		return 0;
	case 'm':
		*seconds = v * 60;
		return 0;
	case 'h':
		*seconds = v * 3600;
		return 0;
	case 'd':
		*seconds = v * 86400;
		return 0;
	default:
		return -1;
	}
}

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct model_kv *)a)->key, ((const struct model_kv *)b)->key);
}

/* key: value pairs of a flat mapping into a sorted kv list. */
static void load_kv(struct yctx *y, const char *what, yaml_node_t *map, struct model_kvlist *out,
		    bool tags)
{
	yaml_node_pair_t *pair;
	size_t n = 0;

	out->items = arena_array(y->a, (size_t)(map->data.mapping.pairs.top -
						map->data.mapping.pairs.start) + 1,
				 sizeof(*out->items));
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);
		const char *ks, *vs;

		if (duplicate_key(y, map, pair))
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			diag_help(diag_error(y->ds, y->src, node_span(y, k),
					     "keys in '%s' must be names", what),
				  "write 'name: value'");
			continue;
		}
		ks = scalar(k);
		if (tags) {
			if (names_tag_key_problem(ks)) {
				diag_help(diag_error(y->ds, y->src, node_span(y, k),
						     "invalid tag key '%s': %s", ks,
						     names_tag_key_problem(ks)),
					  "tag keys are 1 to 128 characters and must not start with 'aws:' "
					  "or 'pipec:'");
				continue;
			}
		} else if (!names_is_identifier(ks)) {
			diag_help(diag_error(y->ds, y->src, node_span(y, k),
					     "invalid variable name '%s'", ks),
				  "variable names are letters, digits and '_', starting with a letter or '_'");
			continue;
		} else if (names_is_builtin_variable(ks)) {
			diag_help(diag_error(y->ds, y->src, node_span(y, k),
					     "'%s' is a built-in variable and cannot be redefined", ks),
				  "the built-in variables are env, region, account and project; "
				  "choose another name");
			continue;
		}
		vs = want_string(y, ks, v);
		if (!vs)
			continue;
		if (tags && strlen(vs) > 256) {
			diag_help(diag_error(y->ds, y->src, node_span(y, v),
					     "tag value for '%s' is too long (%zu characters)", ks,
					     strlen(vs)),
				  "tag values are at most 256 characters");
			continue;
		}
		out->items[n].key = arena_strdup(y->a, ks);
		out->items[n].value = vs;
		n++;
	}
	out->count = n;
	if (n)
		qsort(out->items, n, sizeof(*out->items), kv_cmp);
	if (tags && n > 50)
		diag_help(diag_error(y->ds, y->src, node_span(y, map), "too many tags (%zu)", n),
			  "Glue accepts at most 50 tags per resource");
}

static const char *const defaults_keys[] = {
	"workers", "worker_type", "timeout", "retries", "max_concurrency", "autoscale", "flex",
	"tags",
};

static void load_defaults(struct yctx *y, yaml_node_t *map, struct config_job_defaults *d)
{
	yaml_node_pair_t *pair;

	d->span = node_span(y, map);
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);
		int idx;

		if (duplicate_key(y, map, pair))
			continue;
		idx = key_index(y, k, defaults_keys, sizeof(defaults_keys) / sizeof(*defaults_keys),
				"'defaults'");
		switch (idx) {
		case 0:
			d->has_workers = want_int(y, "workers", v, 2, 299, &d->workers);
			break;
		case 1: {
			const char *t = want_string(y, "worker_type", v);
			const char *why = t ? names_worker_type_problem(t) : NULL;

			if (t && why) {
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "worker type '%s' %s", t, why),
					  "Glue 5.1 Spark jobs use G.1X, G.2X, G.4X, G.8X, G.12X, "
					  "G.16X, R.1X, R.2X, R.4X or R.8X");
			} else if (t) {
				d->worker_type = t;
				d->has_worker_type = true;
			}
			break;
		}
		case 2: {
			long long secs;

			if (v->type != YAML_SCALAR_NODE ||
			    config_parse_duration(scalar(v), &secs) < 0) {
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "'timeout' must be a duration"),
					  "write minutes or hours, like '90m' or '2h'");
			} else if (secs % 60 || secs < 60 || secs > 10080 * 60) {
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "timeout '%s' is out of range", scalar(v)),
					  "Glue job timeouts are whole minutes from 1m to 10080m (7 days)");
			} else {
				d->timeout_minutes = (int)(secs / 60);
				d->has_timeout = true;
			}
			break;
		}
		case 3:
			d->has_retries = want_int(y, "retries", v, 0, 10, &d->retries);
			break;
		case 4:
			d->has_max_concurrency =
				want_int(y, "max_concurrency", v, 1, 1000, &d->max_concurrency);
			break;
		case 5:
			d->has_autoscale = want_bool(y, "autoscale", v, &d->autoscale);
			break;
		case 6:
			d->has_flex = want_bool(y, "flex", v, &d->flex);
			break;
		case 7:
			if (want_mapping(y, "tags", v))
				load_kv(y, "tags", v, &d->tags, true);
			break;
		default:
			break;
		}
	}
}

/* Why an S3 key prefix is refused, or NULL: a '..' or '.' segment, an
 * empty segment ('//'), a control character or a backslash. */
static const char *key_prefix_problem(const char *s)
{
	const char *p, *seg = s;

	for (p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "contains a control character";
		if (*p == '\\')
			return "contains '\\'";
	}
	for (p = s;; p++) {
		if (*p == '/' || !*p) {
			size_t n = (size_t)(p - seg);

			if ((n == 2 && !strncmp(seg, "..", 2)) || (n == 1 && *seg == '.'))
				return "contains a '.' or '..' segment";
			if (n == 0 && *p == '/')
				return "contains an empty segment ('//')";
			if (!*p)
				break;
			seg = p + 1;
		}
	}
	return NULL;
}

static const char *const env_keys[] = {
	"region", "account", "role", "script_bucket", "script_prefix", "temp_dir",
	"table_bucket", "name_prefix", "catalog", "events_role", "variables", "defaults",
	"athena", "redshift", "alerts",
};

/* An Athena workgroup name: 1 to 128 of letters, digits, '.', '_', '-'. */
static bool valid_workgroup(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	return n >= 1 && n <= 128 && !s[n];
}

static const char *const athena_keys[] = { "workgroup", "output_location" };

/* athena: { workgroup: NAME, output_location: s3://BUCKET/PREFIX/ } — where
 * pipec validate runs the checks of Athena targets. */
static void load_athena(struct yctx *y, yaml_node_t *map, struct model_env *e)
{
	yaml_node_pair_t *pair;
	size_t errs = y->ds->nerrors;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);
		int idx;
		const char *s, *why;

		if (duplicate_key(y, map, pair))
			continue;
		idx = key_index(y, k, athena_keys, 2, "'athena'");
		if (idx < 0 || !(s = want_string(y, athena_keys[idx], v)))
			continue;
		if (idx == 0 && !valid_workgroup(s))
			diag_help(diag_error(y->ds, y->src, node_span(y, v),
					     "'%s' is not an Athena workgroup name", s),
				  "a workgroup name has 1 to 128 letters, digits, '.', '_' or '-'");
		else if (idx == 0)
			e->athena_workgroup = s;
		else if ((why = names_s3_url_problem(s)) != NULL)
			diag_help(diag_error(y->ds, y->src, node_span(y, v),
					     "output_location '%s' is not an S3 location: %s", s, why),
				  "write s3://BUCKET/PREFIX/ (or leave it out when the workgroup "
				  "sets the query result location)");
		else
			e->athena_output_location = s;
	}
	if (!e->athena_workgroup && y->ds->nerrors == errs)
		diag_help(diag_error(y->ds, y->src, node_span(y, map), "'athena' needs a workgroup"),
			  "write 'workgroup: primary' (or the workgroup the checks run in)");
	e->has_athena = e->athena_workgroup && y->ds->nerrors == errs;
}

static const char *const redshift_keys[] = {
	"workgroup", "cluster_identifier", "database", "secret_arn", "db_user",
};

/* The value of one redshift key, checked; NULL after a diagnostic. */
static const char *redshift_value(struct yctx *y, int idx, yaml_node_t *v)
{
	const char *s = want_string(y, redshift_keys[idx], v);

	if (!s)
		return NULL;
	if (idx == 3 && (strncmp(s, "arn:aws", 7) || !strstr(s, ":secretsmanager:") ||
			 !strstr(s, ":secret:"))) {
		diag_help(diag_error(y->ds, y->src, node_span(y, v),
				     "secret_arn '%s' is not a Secrets Manager secret ARN", s),
			  "write arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME");
		return NULL;
	}
	if (idx < 2 && (strlen(s) < (idx == 0 ? 3u : 1u) || strlen(s) > (idx == 0 ? 64u : 63u) ||
			!islower((unsigned char)s[0]) ||
			strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(s))) {
		diag_help(diag_error(y->ds, y->src, node_span(y, v), "'%s' is not a Redshift %s "
				     "name", s, idx == 0 ? "Serverless workgroup" : "cluster"),
			  "%s", idx == 0 ? "a workgroup name has 3 to 64 lowercase letters, digits "
					   "and '-'"
					 : "a cluster identifier has 1 to 63 lowercase letters, digits "
					   "and '-', starting with a letter");
		return NULL;
	}
	if (idx >= 2 && idx != 3 && (!*s || strlen(s) > 127 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$-") != strlen(s))) {
		diag_help(diag_error(y->ds, y->src, node_span(y, v), "'%s' is not a valid %s", s,
				     redshift_keys[idx]),
			  "write a name of letters, digits, '_', '$' and '-'");
		return NULL;
	}
	return s;
}

/* The rules between the redshift keys, once all are read. */
static void redshift_rules(struct yctx *y, yaml_node_t *map, struct model_env *e)
{
	struct span sp = node_span(y, map);

	if (!!e->redshift_workgroup == !!e->redshift_cluster)
		diag_help(diag_error(y->ds, y->src, sp, "'redshift' needs either a workgroup or a "
				     "cluster_identifier%s", e->redshift_workgroup ? ", not both" : ""),
			  "write 'workgroup: NAME' (Redshift Serverless) or 'cluster_identifier: "
			  "NAME' (a provisioned cluster)");
	if (!e->redshift_database)
		diag_help(diag_error(y->ds, y->src, sp, "'redshift' needs a database"),
			  "write 'database: NAME', the database of the Redshift targets");
	if (e->redshift_db_user && (e->redshift_workgroup || e->redshift_secret_arn))
		diag_help(diag_error(y->ds, y->src, sp, "'db_user' goes with a cluster_identifier "
				     "and without a secret_arn"),
			  "a Serverless workgroup or a secret gives the database user itself");
}

/* redshift: { workgroup | cluster_identifier, database, secret_arn | db_user }
 * — where pipec validate runs the checks of Redshift targets (Data API). */
static void load_redshift(struct yctx *y, yaml_node_t *map, struct model_env *e)
{
	const char **slots[] = { &e->redshift_workgroup, &e->redshift_cluster,
				 &e->redshift_database, &e->redshift_secret_arn,
				 &e->redshift_db_user };
	yaml_node_pair_t *pair;
	size_t errs = y->ds->nerrors;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);
		int idx;

		if (duplicate_key(y, map, pair))
			continue;
		idx = key_index(y, k, redshift_keys, 5, "'redshift'");
		if (idx >= 0)
			*slots[idx] = redshift_value(y, idx, v);
	}
	if (y->ds->nerrors == errs)
		redshift_rules(y, map, e);
	e->has_redshift = y->ds->nerrors == errs;
}

static bool valid_region(const char *s)
{
	/* eu-west-1, us-gov-west-1, ap-southeast-3 */
	size_t n = strlen(s);
	const char *p;
	int dashes = 0;

	if (n < 9 || !islower((unsigned char)s[0]) || !isdigit((unsigned char)s[n - 1]))
		return false;
	for (p = s; *p; p++) {
		if (*p == '-')
			dashes++;
		else if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
			return false;
	}
	return dashes >= 2 && s[n - 2] == '-';
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* ---- alerts: (docs/alerts.md) ---- */

static const char *const alerts_keys[] = { "topic", "create_topic", "states", "data_quality" };
static const char *const alert_states[] = { "FAILED", "TIMEOUT", "STOPPED", "ERROR" };

/* Why an SNS topic name is refused, or NULL: 1 to 256 letters, digits, '-'
 * and '_' (a FIFO topic ends in ".fifo"). */
static const char *topic_name_problem(const char *s)
{
	size_t n = strlen(s), i, end = n;

	if (n > 5 && !strcmp(s + n - 5, ".fifo"))
		end = n - 5;
	if (!end || n > 256)
		return "must be 1 to 256 characters";
	for (i = 0; i < end; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return "may hold only letters, digits, '-' and '_'";
	return NULL;
}

/* arn:PARTITION:sns:REGION:ACCOUNT:NAME; NULL when it is one. */
static const char *topic_arn_problem(const char *s)
{
	const char *f[6];
	const char *p = s;
	size_t i;

	for (i = 0; i < 6; i++) {
		f[i] = p;
		p = i < 5 ? strchr(p, ':') : NULL;
		if (i < 5 && !p)
			return "is not of the form arn:aws:sns:REGION:ACCOUNT:NAME";
		if (p)
			p++;
	}
	if (strncmp(f[0], "arn:", 4) || strncmp(f[1], "aws", 3) || strncmp(f[2], "sns:", 4))
		return "is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)";
	for (i = 0; i < 12 && isdigit((unsigned char)f[4][i]); i++)
		;
	if (i != 12 || f[4][12] != ':')
		return "has no 12-digit account";
	if (f[3] == f[4] - 1)
		return "has no region";
	return topic_name_problem(f[5]);
}

static void load_alert_states(struct yctx *y, yaml_node_t *v, struct model_alerts *al)
{
	yaml_node_item_t *it;
	size_t i;

	if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.start == v->data.sequence.items.top) {
		diag_help(diag_error(y->ds, y->src, node_span(y, v),
				     "'states' must be a list of job run states"),
			  "write 'states: [FAILED, TIMEOUT, STOPPED, ERROR]' (any of them)");
		return;
	}
	al->states = 0;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(y->doc, *it);
		const char *st = n->type == YAML_SCALAR_NODE ? scalar(n) : "";
		struct diag *d;

		for (i = 0; i < 4 && strcmp(st, alert_states[i]); i++)
			;
		if (i < 4) {
			al->states |= 1u << i;
			continue;
		}
		d = diag_error(y->ds, y->src, node_span(y, n), "'%s' is not a job run state alerts are "
			       "sent for", st);
		if (diag_closest(st, alert_states, 4))
			diag_help(d, "did you mean '%s'?", diag_closest(st, alert_states, 4));
		else
			diag_help(d, "alerts are sent for FAILED, TIMEOUT, STOPPED and ERROR");
	}
}

static void load_alerts(struct yctx *y, yaml_node_t *map, struct model_alerts *al)
{
	yaml_node_pair_t *pair;
	const char *s;
	bool named = false;

	al->set = true;
	al->states = MODEL_ALERT_ALL;
	al->data_quality = true;
	al->topic_span = node_span(y, map);
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);
		int idx;

		if (duplicate_key(y, map, pair))
			continue;
		idx = key_index(y, k, alerts_keys, sizeof(alerts_keys) / sizeof(*alerts_keys),
				"'alerts'");
		named |= idx == 0 || idx == 1;
		if (idx == 0 && (s = want_string(y, "topic", v))) {
			al->topic_span = node_span(y, v);
			if (topic_arn_problem(s))
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "topic '%s' %s", s, topic_arn_problem(s)),
					  "write the topic's ARN, like arn:aws:sns:eu-west-1:123456789012:"
					  "alerts, or 'create_topic: NAME' to have pipec create one");
			else
				al->topic = s;
		} else if (idx == 1 && (s = want_string(y, "create_topic", v))) {
			al->create_span = node_span(y, v);
			if (topic_name_problem(s))
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "topic name '%s' %s", s, topic_name_problem(s)),
					  "write a topic name like 'pipec-alerts'");
			else
				al->create_topic = s;
		} else if (idx == 2) {
			load_alert_states(y, v, al);
		} else if (idx == 3) {
			want_bool(y, "data_quality", v, &al->data_quality);
		}
	}
	if (!named)
		diag_help(diag_error(y->ds, y->src, al->topic_span, "'alerts' names no SNS topic"),
			  "add 'topic: arn:aws:sns:REGION:ACCOUNT:NAME' or 'create_topic: NAME'");
}

/* After the whole environment is read: one topic, in the environment's
 * region (EventBridge delivers to a topic of the rule's region); another
 * account is allowed (the topic's policy decides) and warned about. */
static void check_alerts(struct yctx *y, struct model_env *e)
{
	struct model_alerts *al = &e->alerts;
	const char *region, *account;

	if (!al->set)
		return;
	if (al->topic && al->create_topic) {
		diag_help(diag_error(y->ds, y->src, al->create_span,
				     "'alerts' has both 'topic' and 'create_topic'"),
			  "remove 'create_topic': alerts go to the existing topic");
		al->create_topic = NULL;
	}
	if (!al->topic && al->create_topic)
		diag_help(diag_error(y->ds, y->src, al->create_span,
				     "'create_topic' is not supported yet: pipec does not create SNS "
				     "topics"),
			  "create the topic (with a policy letting events.amazonaws.com publish) "
			  "and write 'topic: arn:aws:sns:REGION:ACCOUNT:NAME'");
	if (!al->topic) {	/* reported above or where it was read */
		al->set = false;
		return;
	}
	if (!al->topic)
		return;
	region = strchr(al->topic + 4, ':') + 1;
	region = strchr(region, ':') + 1;
	account = strchr(region, ':') + 1;
	if (e->region && (strncmp(region, e->region, strlen(e->region)) ||
			  region[strlen(e->region)] != ':'))
		diag_help(diag_error(y->ds, y->src, al->topic_span,
				     "topic '%s' is not in the environment's region %s", al->topic,
				     e->region),
			  "EventBridge sends to a topic of the rule's own region: use a topic in %s",
			  e->region);
	else if (e->account && strncmp(account, e->account, 12))
		diag_help(diag_warning(y->ds, y->src, al->topic_span,
				       "topic '%s' is in account %.12s, not the environment's %s",
				       al->topic, account, e->account),
			  "the topic's access policy must let events.amazonaws.com publish from "
			  "this account");
}

static void load_env(struct yctx *y, yaml_node_t *map, struct config *c)
{
	struct model_env *e = &c->env;
	yaml_node_pair_t *pair;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);
		const char *s = NULL;
		int idx;

		if (duplicate_key(y, map, pair))
			continue;
		idx = key_index(y, k, env_keys, sizeof(env_keys) / sizeof(*env_keys),
				"an environment");
		if (idx < 0)
			continue;
		if (idx < 10 && !(s = want_string(y, env_keys[idx], v)))
			continue;
		switch (idx) {
		case 0:
			if (!valid_region(s))
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "'%s' is not an AWS region", s),
					  "write a region code like 'eu-west-1'");
			else
				e->region = s;
			break;
		case 1:
			if (!all_digits(s, 12))
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "account '%s' is not a 12-digit AWS account id", s),
					  "quote it to keep leading zeros: account: \"012345678901\"");
			else
				e->account = s;
			break;
		case 2:
			if (strncmp(s, "arn:aws", 7) || !strstr(s, ":iam::") || !strstr(s, ":role/"))
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "role '%s' is not an IAM role ARN", s),
					  "write arn:aws:iam::ACCOUNT:role/NAME");
			else
				e->role = s;
			break;
		case 3:
		case 6: {
			const char *why = names_bucket_problem(s);

			if (why)
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "invalid bucket name '%s': %s", s, why),
					  "write the bucket name only, without 's3://'");
			else if (idx == 3)
				e->script_bucket = s;
			else
				e->table_bucket = s;
			break;
		}
		case 4:
			if (*s == '/')
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "script_prefix must not start with '/'"),
					  "write a key prefix like 'pipec/'");
			else if (key_prefix_problem(s))
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "script_prefix %s", key_prefix_problem(s)),
					  "write a key prefix like 'pipec/'");
			else
				e->script_prefix = (*s && s[strlen(s) - 1] != '/')
							   ? arena_printf(y->a, "%s/", s)
							   : s;
			break;
		case 5: {
			const char *why = names_s3_url_problem(s);

			if (why)
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "temp_dir '%s' is not an S3 location: %s", s, why),
					  "write s3://BUCKET/PREFIX/");
			else
				e->temp_dir = s;
			break;
		}
		case 7: {
			const char *q;

			for (q = s; *q && (isalnum((unsigned char)*q) || *q == '_' || *q == '-'); q++)
				;
			if (*q)
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "name_prefix '%s' contains '%c'", s, *q),
					  "Glue names built from it use letters, digits, '_' and '-'");
			else
				e->name_prefix = s;
			break;
		}
		case 8:
			e->catalog_path = s;
			break;
		case 9:
			if (strncmp(s, "arn:aws", 7) || !strstr(s, ":iam::") || !strstr(s, ":role/"))
				diag_help(diag_error(y->ds, y->src, node_span(y, v),
						     "events_role '%s' is not an IAM role ARN", s),
					  "write arn:aws:iam::ACCOUNT:role/NAME");
			else
				e->events_role = s;
			break;
		case 10:
			if (want_mapping(y, "variables", v))
				load_kv(y, "variables", v, &e->variables, false);
			break;
		case 11:
			if (want_mapping(y, "defaults", v))
				load_defaults(y, v, &c->defaults);
			break;
		case 12:
			if (want_mapping(y, "athena", v))
				load_athena(y, v, e);
			break;
		case 13:
			if (want_mapping(y, "redshift", v))
				load_redshift(y, v, e);
			break;
		case 14:
			if (want_mapping(y, "alerts", v))
				load_alerts(y, v, &e->alerts);
			break;
		default:
			break;
		}
	}
	check_alerts(y, e);
}

static const char *const top_keys[] = { "project", "default_environment", "environments" };

static void list_envs(struct strbuf *sb, struct yctx *y, yaml_node_t *envs)
{
	yaml_node_pair_t *pair;

	for (pair = envs->data.mapping.pairs.start; pair < envs->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);

		if (k->type == YAML_SCALAR_NODE)
			strbuf_addf(sb, "%s'%s'", sb->len ? ", " : "", scalar(k));
	}
}

static void load_document(struct yctx *y, const char *env_name, struct config *c)
{
	yaml_node_t *root = yaml_document_get_root_node(y->doc), *envs = NULL, *defenv = NULL;
	yaml_node_pair_t *pair;
	const char *want;
	long ndup = 0;

	if (!root || is_null_scalar(root)) {
		diag_help(diag_error_file(y->ds, y->src, NULL, "the project file is empty"),
			  "it needs at least 'environments:' with one environment");
		return;
	}
	if (root->type != YAML_MAPPING_NODE) {
		diag_help(diag_error(y->ds, y->src, node_span(y, root),
				     "the project file must be a mapping, not %s", node_kind(root)),
			  "start with 'project: NAME' and 'environments:'");
		return;
	}
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);
		const char *s;

		if (duplicate_key(y, root, pair))
			continue;
		switch (key_index(y, k, top_keys, 3, "the project file")) {
		case 0:
			if ((s = want_string(y, "project", v)) != NULL)
				c->project = s;
			break;
		case 1:
			if (want_string(y, "default_environment", v))
				defenv = v;
			break;
		case 2:
			if (want_mapping(y, "environments", v))
				envs = v;
			break;
		default:
			break;
		}
	}
	if (!envs) {
		if (!y->ds->nerrors)
			diag_help(diag_error_file(y->ds, y->src, NULL, "no environments defined"),
				  "add 'environments:' with at least one environment (region, "
				  "account, role, ...)");
		return;
	}
	/* A repeated environment is reported as such, and is not a second
	 * environment to choose from. */
	for (pair = envs->data.mapping.pairs.start; pair < envs->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *first = first_same_key(y, envs, pair);

		if (first) {
			struct diag *d = diag_error(y->ds, y->src, node_span(y, k),
						    "duplicate environment '%s'", scalar(k));

			diag_note(d, y->src, node_span(y, first), "first defined here");
			diag_help(d, "remove one of them, or rename it");
			ndup++;
		}
	}
	want = env_name;
	if (!want && defenv)
		want = scalar(defenv);
	if (!want) {
		if (envs->data.mapping.pairs.top - envs->data.mapping.pairs.start - ndup == 1) {
			yaml_node_t *k = yaml_document_get_node(y->doc,
								envs->data.mapping.pairs.start->key);
			if (k->type == YAML_SCALAR_NODE)
				want = scalar(k);
		} else {
			struct strbuf sb = STRBUF_INIT;

			list_envs(&sb, y, envs);
			diag_help(diag_error_file(y->ds, y->src, NULL, "no environment selected"),
				  "pass --env NAME or set default_environment (environments: %s)",
				  sb.len ? sb.buf : "none");
			strbuf_release(&sb);
			return;
		}
	}
	for (pair = envs->data.mapping.pairs.start; pair < envs->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);

		if (first_same_key(y, envs, pair))
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			diag_help(diag_error(y->ds, y->src, node_span(y, k),
					     "environment names must be plain names"),
				  "write 'NAME:' followed by the environment's settings");
			continue;
		}
		/* Every environment is validated, not just the selected one. */
		if (!want_mapping(y, scalar(k), v))
			continue;
		if (!strcmp(scalar(k), want)) {
			c->env.name = arena_strdup(y->a, scalar(k));
			c->env_ok = true;
			load_env(y, v, c);
		} else {
			struct config scratch;

			memset(&scratch, 0, sizeof(scratch));
			load_env(y, v, &scratch);
		}
	}
	if (!c->env_ok && !env_name && !defenv)
		return;		/* the only environment is malformed: reported above */
	if (!c->env_ok) {
		struct strbuf sb = STRBUF_INIT;
		struct diag *d;
		const char *names[64];
		size_t n = 0;

		for (pair = envs->data.mapping.pairs.start;
		     pair < envs->data.mapping.pairs.top && n < 64; pair++) {
			yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
			if (k->type == YAML_SCALAR_NODE)
				names[n++] = scalar(k);
		}
		list_envs(&sb, y, envs);
		if (env_name)
			d = diag_error_file(y->ds, y->src, NULL, "unknown environment '%s'", want);
		else
			d = diag_error(y->ds, y->src, node_span(y, defenv),
				       "default environment '%s' is not defined", want);
		if (diag_closest(want, names, n))
			diag_help(d, "did you mean '%s'? (environments: %s)",
				  diag_closest(want, names, n), sb.buf);
		else
			diag_help(d, "environments: %s", sb.len ? sb.buf : "none");
		strbuf_release(&sb);
	}
}

#define CONFIG_YAML_MAX_DEPTH 64

/* Before libyaml builds the document: nesting deeper than
 * CONFIG_YAML_MAX_DEPTH and a second document are errors.  A syntax error
 * is left to the loader, which reports it. */
static bool prescan_yaml(struct yctx *y)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, docs = 0;
	bool ok = true, done = false;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)y->src->text, y->src->len);
	while (ok && !done && yaml_parser_parse(&parser, &ev)) {
		size_t off = mark_offset(y->src, ev.start_mark);

		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				diag_help(diag_error(y->ds, y->src, span_make(off, off + 1),
						     "pipec.yaml holds more than one YAML document"),
					  "keep one document: remove the '---' and what follows");
				ok = false;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > CONFIG_YAML_MAX_DEPTH) {
				diag_help(diag_error(y->ds, y->src, span_make(off, off + 1),
						     "YAML nested deeper than %d levels",
						     CONFIG_YAML_MAX_DEPTH),
					  "pipec.yaml needs a few levels; see 'Project file' in docs/cli.md");
				ok = false;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok;
}

static void parse_yaml(struct yctx *y, const char *env_name, struct config *c)
{
	yaml_parser_t parser;
	yaml_document_t doc;

	if (!prescan_yaml(y))
		return;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)y->src->text, y->src->len);
	if (!yaml_parser_load(&parser, &doc)) {
		size_t off = mark_offset(y->src, parser.problem_mark);
		struct diag *d = diag_error(y->ds, y->src, span_make(off, off + 1),
					    "invalid YAML: %s",
					    parser.problem ? parser.problem : "cannot parse");

		if (parser.context) {
			size_t coff = mark_offset(y->src, parser.context_mark);
			diag_note(d, y->src, span_make(coff, coff + 1), "%s", parser.context);
		}
		diag_help(d, "pipec.yaml is YAML: check the indentation and quoting near here");
		yaml_parser_delete(&parser);
		return;
	}
	y->doc = &doc;
	load_document(y, env_name, c);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Directory to start the upward search from: the first path, or its directory. */
static char *start_dir(const char *first)
{
	struct stat st;
	const char *slash;

	if (!first)
		return xstrdup(".");
	if (stat(first, &st) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(first);
	slash = strrchr(first, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == first)
		return xstrdup("/");
	return xstrndup(first, (size_t)(slash - first));
}

/* "." -> "..", "../.." -> "../../..", "a/b" -> "a", "a" -> "." */
static char *parent_dir(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	const char *last = slash ? slash + 1 : dir;

	if (!strcmp(dir, "."))
		return xstrdup("..");
	if (!strcmp(last, "..")) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s/..", dir);
		return strbuf_detach(&sb, NULL);
	}
	if (!slash)
		return xstrdup(".");
	if (slash == dir)
		return xstrdup("/");
	return xstrndup(dir, (size_t)(slash - dir));
}

/* The nearest pipec.yaml at or above dir, spelt relative to the working directory. */
char *config_find(const char *first)
{
	char *dir = start_dir(first);
	char real[PATH_MAX];
	int depth;

	for (depth = 0; depth < 64; depth++) {
		struct strbuf sb = STRBUF_INIT;
		char *parent;

		if (!strcmp(dir, "."))
			strbuf_addstr(&sb, CONFIG_FILE);
		else
			strbuf_addf(&sb, "%s/%s", dir, CONFIG_FILE);
		if (file_exists(sb.buf)) {
			free(dir);
			return strbuf_detach(&sb, NULL);
		}
		strbuf_release(&sb);
		if (!realpath(dir, real) || !strcmp(real, "/"))
			break;
		parent = parent_dir(dir);
		free(dir);
		dir = parent;
	}
	free(dir);
	return NULL;
}

static void builtin_env(struct config *c)
{
	c->env.name = "default";
	c->env_ok = true;
}

int config_parse(const struct source *src, const char *env_name, struct arena *a,
		 struct diag_set *ds, struct config *out)
{
	struct yctx y;
	const char *slash;
	size_t errors = ds->nerrors;

	memset(out, 0, sizeof(*out));
	out->project = "pipec";
	out->root = ".";
	if (!src) {
		if (env_name && strcmp(env_name, "default")) {
			diag_help(diag_error_file(ds, NULL, NULL, "unknown environment '%s'",
						  env_name),
				  "no pipec.yaml was found, so only the built-in environment "
				  "'default' exists");
			return -1;
		}
		builtin_env(out);
		out->env.script_prefix = "pipec/";
		out->env.name_prefix = "";
		return 0;
	}
	slash = strrchr(src->path, '/');
	if (slash == src->path)
		out->root = "/";
	else if (slash)
		out->root = arena_strndup(a, src->path, (size_t)(slash - src->path));
	out->src = src;
	y.ds = ds;
	y.src = src;
	y.doc = NULL;
	y.a = a;
	parse_yaml(&y, env_name, out);
	if (!out->env.script_prefix)
		out->env.script_prefix = "pipec/";
	if (!out->env.name_prefix)
		out->env.name_prefix = "";
	if (out->env.alerts.set && alerts_name_problem(out->env.name_prefix, out->project))
		diag_help(diag_error(ds, src, out->env.alerts.topic_span,
				     "pipec cannot name the alert rules of this environment: %s",
				     alerts_name_problem(out->env.name_prefix, out->project)),
			  "the rules are named <name_prefix>pipec-<project>-alerts (docs/alerts.md)");
	return ds->nerrors > errors ? -1 : 0;
}
