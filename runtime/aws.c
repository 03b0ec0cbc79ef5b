#include "aws.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "aws_internal.h"
#include "sigv4.h"
#include "xalloc.h"

#define REFRESH_MARGIN_SECONDS 300

static const char *const target_prefixes[AWS_NSERVICES] = {
	"AWSGlue", NULL, NULL, "AWSEvents", "AmazonAthena", "RedshiftData", "Logs_20140328",
};

const char *aws_signing_name(enum aws_service svc)
{
	return aws_service_name(svc);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

struct aws_client *aws_client_new(const struct aws_options *opt)
{
	struct aws_client *c = xcalloc(1, sizeof(*c));
	struct aws_options none = AWS_OPTIONS_INIT;

	if (!opt)
		opt = &none;
	c->opt_region = dup_or_null(opt->region);
	c->opt_profile = dup_or_null(opt->profile);
	c->opt_endpoint_url = dup_or_null(opt->endpoint_url);
	c->opt_max_attempts = opt->max_attempts;
	http_transport_init(&c->http, opt->max_concurrency, opt->max_attempts, opt->trace);
	strbuf_init(&c->errmsg, 0);
	return c;
}

void aws_client_free(struct aws_client *c)
{
	int i;

	if (!c)
		return;
	http_transport_release(&c->http);
	free(c->opt_region);
	free(c->opt_profile);
	free(c->opt_endpoint_url);
	free(c->config_path);
	free(c->credentials_path);
	ini_release(&c->config);
	ini_release(&c->credentials);
	free(c->profile);
	free(c->region);
	for (i = 0; i < AWS_NSERVICES; i++)
		if (c->have_endpoint[i])
			endpoint_release(&c->endpoints[i]);
	aws_credentials_release(&c->creds);
	free(c->cred_source);
	aws_clear_error(c);
	strbuf_release(&c->errmsg);
	free(c);
}

void aws_clear_error(struct aws_client *c)
{
	strbuf_reset(&c->errmsg);
	free(c->error_code);
	free(c->request_id);
	c->error_code = NULL;
	c->request_id = NULL;
	c->http_status = 0;
}

enum aws_status aws_fail(struct aws_client *c, enum aws_status st, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	/* Formatted aside first: an argument may be the current message. */
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	strbuf_release(&c->errmsg);
	c->errmsg = msg;
	return st;
}

const char *aws_errmsg(const struct aws_client *c)
{
	return c->errmsg.buf;
}

const char *aws_error_code(const struct aws_client *c)
{
	return c->error_code ? c->error_code : "";
}

long aws_http_status(const struct aws_client *c)
{
	return c->http_status;
}

const char *aws_request_id(const struct aws_client *c)
{
	return c->request_id ? c->request_id : "";
}

bool aws_error_is(const struct aws_client *c, const char *code)
{
	return c->error_code && code && !strcmp(c->error_code, code);
}

void aws_sha256_hex(const void *data, size_t len, char out[65])
{
	sigv4_sha256_hex(data, len, out);
}

void creds_copy(struct aws_credentials *dst, const struct aws_credentials *src)
{
	dst->access_key_id = dup_or_null(src->access_key_id);
	dst->secret_access_key = src->secret_access_key ? xstrdup(src->secret_access_key) : NULL;
	dst->session_token = dup_or_null(src->session_token);
	dst->expiration = src->expiration;
}

void aws_identity_release(struct aws_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}

/* ---- configuration ---- */

static char *expand_home(const char *path)
{
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (path[0] == '~' && (path[1] == '/' || !path[1]) && home) {
		strbuf_addstr(&sb, home);
		strbuf_addstr(&sb, path + 1);
		return strbuf_detach(&sb, NULL);
	}
	return xstrdup(path);
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

enum aws_status aws_load_files(struct aws_client *c)
{
	const char *cfg = env_nonempty("AWS_CONFIG_FILE");
	const char *cred = env_nonempty("AWS_SHARED_CREDENTIALS_FILE");
	char *err = NULL;
	enum aws_status st;

	if (c->files_loaded)
		return AWS_OK;
	c->config_path = expand_home(cfg ? cfg : "~/.aws/config");
	c->credentials_path = expand_home(cred ? cred : "~/.aws/credentials");
	if (ini_load(&c->config, c->config_path, &err) < 0 ||
	    ini_load(&c->credentials, c->credentials_path, &err) < 0) {
		st = aws_fail(c, AWS_ERR_CONFIG, "%s", err);
		free(err);
		return st;
	}
	if (c->opt_profile) {
		c->profile = xstrdup(c->opt_profile);
		c->profile_explicit = true;
	} else if (env_nonempty("AWS_PROFILE")) {
		c->profile = xstrdup(env_nonempty("AWS_PROFILE"));
		c->profile_from_env = true;
	} else {
		c->profile = xstrdup("default");
	}
	c->files_loaded = true;
	/* The profile's max_attempts comes after AWS_MAX_ATTEMPTS. */
	c->http.policy.max_attempts =
		retry_max_attempts(c->opt_max_attempts, getenv("AWS_MAX_ATTEMPTS"),
				   aws_profile_get(c, c->profile, "max_attempts"));
	if (c->profile_explicit || c->profile_from_env) {
		struct strbuf tmp = STRBUF_INIT;
		bool found = ini_has_section(&c->config, aws_config_section(c, c->profile, &tmp)) ||
			     ini_has_section(&c->credentials, c->profile);

		strbuf_release(&tmp);
		if (!found)
			return aws_fail(c, AWS_ERR_CONFIG,
					"profile '%s' (from %s) is not in '%s' or '%s'", c->profile,
					c->profile_explicit ? "--profile" : "AWS_PROFILE",
					c->config_path, c->credentials_path);
	}
	return AWS_OK;
}

const char *aws_config_section(struct aws_client *c, const char *profile, struct strbuf *tmp)
{
	strbuf_reset(tmp);
	strbuf_addf(tmp, "profile %s", profile);
	if (!strcmp(profile, "default") && !ini_has_section(&c->config, tmp->buf)) {
		strbuf_reset(tmp);
		strbuf_addstr(tmp, "default");
	}
	return tmp->buf;
}

const char *aws_profile_get(struct aws_client *c, const char *profile, const char *key)
{
	struct strbuf tmp = STRBUF_INIT;
	const char *v = ini_get(&c->config, aws_config_section(c, profile, &tmp), key);

	strbuf_release(&tmp);
	return v;
}

enum aws_status aws_resolve_region(struct aws_client *c)
{
	const char *r;
	enum aws_status st;

	if (c->region)
		return AWS_OK;
	if ((st = aws_load_files(c)) != AWS_OK)
		return st;
	if (c->opt_region)
		r = c->opt_region;
	else if ((r = env_nonempty("AWS_REGION")) == NULL &&
		 (r = env_nonempty("AWS_DEFAULT_REGION")) == NULL)
		r = aws_profile_get(c, c->profile, "region");
	if (!r || !*r)
		return aws_fail(c, AWS_ERR_CONFIG,
				"no AWS region: pass --region, set AWS_REGION, or add 'region = ...' "
				"to profile '%s' in %s", c->profile, c->config_path);
	for (const char *p = r; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-'))
			return aws_fail(c, AWS_ERR_CONFIG, "invalid AWS region '%s'", r);
	c->region = xstrdup(r);
	return AWS_OK;
}

static bool creds_expiring(const struct aws_client *c)
{
	return c->have_creds && c->creds.expiration &&
	       c->creds.expiration - REFRESH_MARGIN_SECONDS <= time(NULL);
}

enum aws_status aws_prepare(struct aws_client *c, enum aws_service svc, bool need_creds,
			    const struct endpoint **ep)
{
	enum aws_status st;

	if ((st = aws_resolve_region(c)) != AWS_OK)
		return st;
	if (!c->have_endpoint[svc]) {
		struct strbuf tmp = STRBUF_INIT;
		struct endpoint_config cfg;
		char *err = NULL;
		const char *origin = NULL;

		cfg.explicit_url = c->opt_endpoint_url;
		cfg.config = &c->config;
		cfg.profile_section = aws_config_section(c, c->profile, &tmp);
		if (endpoint_resolve(svc, c->region, &cfg, &c->endpoints[svc], &origin, &err) < 0) {
			strbuf_release(&tmp);
			st = aws_fail(c, AWS_ERR_CONFIG, "%s", err);
			free(err);
			return st;
		}
		strbuf_release(&tmp);
		c->have_endpoint[svc] = true;
		if (c->http.trace)
			fprintf(c->http.trace, "aws: %s endpoint %s://%s%s (from %s)\n",
				aws_service_name(svc), c->endpoints[svc].scheme,
				c->endpoints[svc].authority, c->endpoints[svc].base_path, origin);
	}
	if (need_creds && (!c->have_creds || (c->creds_refreshable && creds_expiring(c)))) {
		if ((st = creds_resolve(c)) != AWS_OK)
			return st;
	}
	if (ep)
		*ep = &c->endpoints[svc];
	return AWS_OK;
}

enum aws_status aws_client_resolve(struct aws_client *c)
{
	aws_clear_error(c);
	return aws_prepare(c, AWS_SERVICE_STS, true, NULL);
}

const char *aws_client_region(struct aws_client *c)
{
	if (!c->region && aws_resolve_region(c) != AWS_OK)
		return NULL;
	return c->region;
}

const char *aws_client_credential_source(struct aws_client *c)
{
	return c->cred_source ? c->cred_source : "";
}

bool aws_is_auth_error(const char *code)
{
	static const char *const codes[] = {
		"SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException",
		"InvalidSignatureException", "IncompleteSignature", "MissingAuthenticationToken",
		"InvalidAccessKeyId", "InvalidToken", "ExpiredToken", "ExpiredTokenException",
		"RequestExpired", "AuthFailure", "AuthorizationHeaderMalformed",
	};
	size_t i;

	for (i = 0; code && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!strcmp(code, codes[i]))
			return true;
	return false;
}

enum aws_status aws_result(struct aws_client *c, struct http_request *r, const char *what)
{
	free(c->error_code);
	free(c->request_id);
	c->error_code = r->error_code ? xstrdup(r->error_code) : NULL;
	c->request_id = r->request_id ? xstrdup(r->request_id) : NULL;
	c->http_status = r->status;
	if (http_ok(r))
		return AWS_OK;
	if (r->curl_code != CURLE_OK) {
		return aws_fail(c, AWS_ERR_NETWORK, "%s: %s: %s (after %d attempt%s)", what, r->url,
				r->curl_error, r->attempts, r->attempts == 1 ? "" : "s");
	}
	strbuf_reset(&c->errmsg);
	strbuf_addf(&c->errmsg, "%s: %s", what, r->error_code ? r->error_code : "error");
	if (r->error_message)
		strbuf_addf(&c->errmsg, ": %s", r->error_message);
	strbuf_addf(&c->errmsg, " (HTTP %ld", r->status);
	if (r->request_id)
		strbuf_addf(&c->errmsg, ", request id %s", r->request_id);
	if (r->attempts > 1)
		strbuf_addf(&c->errmsg, ", %d attempts", r->attempts);
	strbuf_addch(&c->errmsg, ')');
	if (aws_is_auth_error(r->error_code) && r->creds)
		strbuf_addf(&c->errmsg, "; the request was signed with access key %s from %s",
			    r->creds->access_key_id, c->cred_source ? c->cred_source : "the caller");
	if (!r->error_code && !r->error_message && r->status >= 500)
		strbuf_addstr(&c->errmsg, "; the answer carried no AWS error (is the operation "
					  "implemented by this endpoint?)");
	{
		const char *br = http_response_header(r, "x-amz-bucket-region");

		if (br && r->status == 301)
			strbuf_addf(&c->errmsg, "; the bucket is in region '%s'", br);
	}
	return AWS_ERR_API;
}

int aws_parse_iso8601(const char *s, time_t *t)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0;
	long off = 0;
	const char *p;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return -1;
	p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == '+' || *p == '-') {
		int oh = 0, om = 0;

		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		off = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
	} else if (*p != 'Z' && *p != 'z' && *p) {
		return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = timegm(&tm) - off;
	return 0;
}

/* ---- JSON 1.1 protocol ---- */

static bool is_json_service(enum aws_service svc)
{
	return svc == AWS_SERVICE_GLUE || svc == AWS_SERVICE_EVENTS || svc == AWS_SERVICE_ATHENA ||
	       svc == AWS_SERVICE_REDSHIFT_DATA || svc == AWS_SERVICE_LOGS;
}

/* Builds the request of one JSON call; the body text is kept in *text. */
static void json_request(struct aws_client *c, enum aws_service svc, const char *operation,
			 char *text, struct http_request *r, struct strbuf *label)
{
	const struct endpoint *ep = &c->endpoints[svc];
	struct strbuf target = STRBUF_INIT;
	char path[2048];

	snprintf(path, sizeof(path), "%s/", ep->base_path);
	http_request_init(r, "POST", ep->scheme, ep->authority, path, NULL);
	strbuf_addf(&target, "%s.%s", target_prefixes[svc], operation);
	http_request_header(r, "X-Amz-Target", target.buf);
	http_request_header(r, "Content-Type", "application/x-amz-json-1.1");
	strbuf_release(&target);
	r->body = text;
	r->body_len = strlen(text);
	r->creds = &c->creds;
	r->region = c->region;
	r->service = aws_signing_name(svc);
	strbuf_reset(label);
	strbuf_addf(label, "%s %s", aws_service_name(svc), operation);
	r->label = label->buf;
}

static char *dump_body(json_t *body)
{
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;

	return s ? s : xstrdup("{}");
}

static enum aws_status parse_json_answer(struct aws_client *c, struct http_request *r,
					 const char *what, json_t **out)
{
	json_error_t jerr;
	json_t *j;
	size_t i = 0;

	while (i < r->resp_body.len && isspace((unsigned char)r->resp_body.buf[i]))
		i++;
	if (i == r->resp_body.len) {
		j = json_object();
	} else {
		j = json_loadb(r->resp_body.buf, r->resp_body.len, 0, &jerr);
		if (!j || !json_is_object(j)) {
			json_decref(j);
			return aws_fail(c, AWS_ERR_RESPONSE, "%s: the answer is not a JSON object%s%s",
					what, j ? "" : ": ", j ? "" : jerr.text);
		}
	}
	if (out)
		*out = j;
	else
		json_decref(j);
	return AWS_OK;
}

enum aws_status aws_json_call(struct aws_client *c, enum aws_service svc, const char *operation,
			      json_t *body, json_t **out)
{
	struct http_request r;
	struct strbuf label = STRBUF_INIT;
	enum aws_status st;
	char *text;
	int round;

	aws_clear_error(c);
	if (out)
		*out = NULL;
	if (!is_json_service(svc) || !operation || !*operation) {
		json_decref(body);
		return aws_fail(c, AWS_ERR_USAGE, "%s is not a JSON service or the operation is empty",
				aws_service_name(svc));
	}
	text = dump_body(body);
	json_decref(body);
	for (round = 0;; round++) {
		if ((st = aws_prepare(c, svc, true, NULL)) != AWS_OK)
			break;
		json_request(c, svc, operation, text, &r, &label);
		http_perform_one(&c->http, &r);
		st = aws_result(c, &r, label.buf);
		/* Expired temporary credentials: refresh once and try again. */
		if (st == AWS_ERR_API && round == 0 && c->creds_refreshable &&
		    (aws_error_is(c, "ExpiredToken") || aws_error_is(c, "ExpiredTokenException") ||
		     aws_error_is(c, "RequestExpired"))) {
			http_request_release(&r);
			c->have_creds = false;
			continue;
		}
		if (st == AWS_OK)
			st = parse_json_answer(c, &r, label.buf, out);
		http_request_release(&r);
		break;
	}
	strbuf_release(&label);
	free(text);
	return st;
}

enum aws_status aws_glue_call(struct aws_client *c, const char *operation, json_t *body,
			      json_t **out)
{
	return aws_json_call(c, AWS_SERVICE_GLUE, operation, body, out);
}

enum aws_status aws_events_call(struct aws_client *c, const char *operation, json_t *body,
				json_t **out)
{
	return aws_json_call(c, AWS_SERVICE_EVENTS, operation, body, out);
}

void aws_call_release(struct aws_call *call)
{
	json_decref(call->body);
	json_decref(call->out);
	free(call->error_code);
	free(call->error_message);
	call->body = NULL;
	call->out = NULL;
	call->error_code = NULL;
	call->error_message = NULL;
}

enum aws_status aws_json_batch(struct aws_client *c, struct aws_call *calls, size_t n)
{
	struct http_request *reqs, **ptrs;
	struct strbuf *labels;
	char **texts;
	enum aws_status st = AWS_OK, first = AWS_OK;
	size_t i, k;
	bool prepared[AWS_NSERVICES] = { false };

	aws_clear_error(c);
	for (i = 0; i < n; i++) {
		calls[i].status = AWS_OK;
		calls[i].out = NULL;
		calls[i].http_status = 0;
		calls[i].error_code = calls[i].error_message = NULL;
		if (!is_json_service(calls[i].service)) {
			for (k = i; k < n; k++) {
				json_decref(calls[k].body);
				calls[k].body = NULL;
			}
			return aws_fail(c, AWS_ERR_USAGE, "batch call %zu: %s is not a JSON service", i,
					aws_service_name(calls[i].service));
		}
		if (!prepared[calls[i].service]) {
			st = aws_prepare(c, calls[i].service, true, NULL);
			if (st != AWS_OK) {
				for (k = 0; k < n; k++) {
					json_decref(calls[k].body);
					calls[k].body = NULL;
					calls[k].status = st;
					calls[k].error_message = xstrdup(c->errmsg.buf);
				}
				return st;
			}
			prepared[calls[i].service] = true;
		}
	}
	reqs = xcalloc(n ? n : 1, sizeof(*reqs));
	ptrs = xcalloc(n ? n : 1, sizeof(*ptrs));
	labels = xcalloc(n ? n : 1, sizeof(*labels));
	texts = xcalloc(n ? n : 1, sizeof(*texts));
	for (i = 0; i < n; i++) {
		texts[i] = dump_body(calls[i].body);
		json_decref(calls[i].body);
		calls[i].body = NULL;
		strbuf_init(&labels[i], 0);
		json_request(c, calls[i].service, calls[i].operation, texts[i], &reqs[i], &labels[i]);
		ptrs[i] = &reqs[i];
	}
	http_perform(&c->http, ptrs, n);
	for (i = 0; i < n; i++) {
		st = aws_result(c, &reqs[i], labels[i].buf);
		if (st == AWS_OK)
			st = parse_json_answer(c, &reqs[i], labels[i].buf, &calls[i].out);
		calls[i].status = st;
		calls[i].http_status = reqs[i].status;
		if (st != AWS_OK) {
			calls[i].error_code = reqs[i].error_code ? xstrdup(reqs[i].error_code) : NULL;
			calls[i].error_message = xstrdup(c->errmsg.buf);
			if (first == AWS_OK)
				first = st;
		}
		http_request_release(&reqs[i]);
		strbuf_release(&labels[i]);
		free(texts[i]);
	}
	free(reqs);
	free(ptrs);
	free(labels);
	free(texts);
	/* The handle reports the first failure in array order. */
	aws_clear_error(c);
	for (i = 0; i < n; i++) {
		if (calls[i].status != AWS_OK) {
			aws_fail(c, calls[i].status, "%s", calls[i].error_message);
			c->error_code = calls[i].error_code ? xstrdup(calls[i].error_code) : NULL;
			c->http_status = calls[i].http_status;
			break;
		}
	}
	return first;
}

enum aws_status aws_glue_paginate(struct aws_client *c, const char *operation, json_t *body,
				  const char *list_key, json_t **items)
{
	json_t *all = json_array(), *req = body ? body : json_object();
	char *prev = NULL;
	enum aws_status st = AWS_OK;
	int pages = 0;

	*items = NULL;
	for (;;) {
		json_t *out = NULL, *list, *tok;

		json_incref(req);
		st = aws_glue_call(c, operation, req, &out);
		if (st != AWS_OK)
			break;
		list = json_object_get(out, list_key);
		if (list && !json_is_array(list)) {
			json_decref(out);
			st = aws_fail(c, AWS_ERR_RESPONSE, "glue %s: '%s' is not an array", operation,
				      list_key);
			break;
		}
		if (list)
			json_array_extend(all, list);
		tok = json_object_get(out, "NextToken");
		if (!json_is_string(tok) || !*json_string_value(tok)) {
			json_decref(out);
			break;
		}
		if ((prev && !strcmp(prev, json_string_value(tok))) || ++pages > 100000) {
			json_decref(out);
			st = aws_fail(c, AWS_ERR_RESPONSE, "glue %s: the service repeated NextToken",
				      operation);
			break;
		}
		free(prev);
		prev = xstrdup(json_string_value(tok));
		json_object_set_new(req, "NextToken", json_string(prev));
		json_decref(out);
	}
	free(prev);
	json_decref(req);
	if (st != AWS_OK) {
		json_decref(all);
		return st;
	}
	*items = all;
	return AWS_OK;
}

static json_t *catalog_body(const char *catalog_id)
{
	json_t *b = json_object();

	if (catalog_id)
		json_object_set_new(b, "CatalogId", json_string(catalog_id));
	return b;
}

enum aws_status aws_glue_get_databases(struct aws_client *c, const char *catalog_id,
				       json_t **databases)
{
	return aws_glue_paginate(c, "GetDatabases", catalog_body(catalog_id), "DatabaseList",
				 databases);
}

enum aws_status aws_glue_get_tables(struct aws_client *c, const char *catalog_id,
				    const char *database, json_t **tables)
{
	json_t *b = catalog_body(catalog_id);

	json_object_set_new(b, "DatabaseName", json_string(database ? database : ""));
	return aws_glue_paginate(c, "GetTables", b, "TableList", tables);
}

enum aws_status aws_glue_get_connections(struct aws_client *c, const char *catalog_id,
					 json_t **connections)
{
	return aws_glue_paginate(c, "GetConnections", catalog_body(catalog_id), "ConnectionList",
				 connections);
}

enum aws_status aws_glue_get_jobs(struct aws_client *c, json_t **jobs)
{
	return aws_glue_paginate(c, "GetJobs", NULL, "Jobs", jobs);
}

enum aws_status aws_glue_get_triggers(struct aws_client *c, json_t **triggers)
{
	return aws_glue_paginate(c, "GetTriggers", NULL, "Triggers", triggers);
}

enum aws_status aws_events_put_rule(struct aws_client *c, json_t *body, json_t **out)
{
	return aws_events_call(c, "PutRule", body, out);
}

/* PutTargets/RemoveTargets answer 200 even when entries fail: report those. */
static enum aws_status failed_entries(struct aws_client *c, const char *op, json_t *out)
{
	json_t *first = json_array_get(json_object_get(out, "FailedEntries"), 0);
	const char *code, *msg;

	if (json_integer_value(json_object_get(out, "FailedEntryCount")) <= 0 && !first)
		return AWS_OK;
	code = json_string_value(json_object_get(first, "ErrorCode"));
	msg = json_string_value(json_object_get(first, "ErrorMessage"));
	free(c->error_code);
	c->error_code = code ? xstrdup(code) : NULL;
	return aws_fail(c, AWS_ERR_API, "events %s: %s: %s (target '%s')", op,
			code ? code : "FailedEntry", msg ? msg : "a target failed",
			json_string_value(json_object_get(first, "TargetId")) ?
			json_string_value(json_object_get(first, "TargetId")) : "?");
}

enum aws_status aws_events_put_targets(struct aws_client *c, json_t *body, json_t **out)
{
	json_t *o = NULL;
	enum aws_status st = aws_events_call(c, "PutTargets", body, &o);

	if (st == AWS_OK)
		st = failed_entries(c, "PutTargets", o);
	if (out)
		*out = o;
	else
		json_decref(o);
	return st;
}

enum aws_status aws_events_describe_rule(struct aws_client *c, const char *name, json_t **out)
{
	return aws_events_call(c, "DescribeRule", json_pack("{s:s}", "Name", name ? name : ""),
			       out);
}

enum aws_status aws_events_delete_rule(struct aws_client *c, const char *name)
{
	return aws_events_call(c, "DeleteRule", json_pack("{s:s}", "Name", name ? name : ""), NULL);
}

enum aws_status aws_events_remove_targets(struct aws_client *c, const char *rule,
					  const char *const *ids, size_t nids)
{
	json_t *arr = json_array(), *o = NULL;
	enum aws_status st;
	size_t i;

	for (i = 0; i < nids; i++)
		json_array_append_new(arr, json_string(ids[i]));
	st = aws_events_call(c, "RemoveTargets",
			     json_pack("{s:s, s:o}", "Rule", rule ? rule : "", "Ids", arr), &o);
	if (st == AWS_OK)
		st = failed_entries(c, "RemoveTargets", o);
	json_decref(o);
	return st;
}
