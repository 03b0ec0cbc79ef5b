#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "xalloc.h"
#include "xml.h"

#ifndef PIPEC_VERSION
#define PIPEC_VERSION "0.0.0"
#endif

#define DEFAULT_CONCURRENCY 16
#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS 300000L
#define DEFAULT_MAX_RESPONSE (256u * 1024u * 1024u)

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static time_t wall_clock(void)
{
	return time(NULL);
}

void http_transport_init(struct http_transport *t, int max_concurrency, int max_attempts,
			 FILE *trace)
{
	const char *ca = getenv("AWS_CA_BUNDLE");
	struct timespec ts;

	memset(t, 0, sizeof(*t));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	t->multi = curl_multi_init();
	t->share = curl_share_init();
	if (!t->multi || !t->share) {
		fprintf(stderr, "pipec: fatal: cannot initialise libcurl\n");
		exit(70);
	}
	curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	t->max_concurrency = max_concurrency > 0 ? max_concurrency : DEFAULT_CONCURRENCY;
	t->window = t->max_concurrency;
	curl_multi_setopt(t->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)t->max_concurrency);
	curl_multi_setopt(t->multi, CURLMOPT_MAXCONNECTS, (long)t->max_concurrency);
	t->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
	t->timeout_ms = DEFAULT_TIMEOUT_MS;
	t->max_response = DEFAULT_MAX_RESPONSE;
	t->ca_bundle = ca && *ca ? xstrdup(ca) : NULL;
	retry_policy_init(&t->policy, max_attempts);
	retry_quota_init(&t->quota);
	t->trace = trace;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->rng = ((unsigned long long)ts.tv_nsec << 20) ^ (unsigned long long)ts.tv_sec ^
		 ((unsigned long long)getpid() << 40) ^ 0x9E3779B97F4A7C15ull;
	t->clock = wall_clock;
}

void http_transport_release(struct http_transport *t)
{
	if (t->multi)
		curl_multi_cleanup(t->multi);
	if (t->share)
		curl_share_cleanup(t->share);
	free(t->ca_bundle);
	memset(t, 0, sizeof(*t));
}

static double rand01(struct http_transport *t)
{
	/* xorshift64*: jitter only, not security. */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return (double)((t->rng * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

void http_request_init(struct http_request *r, const char *method, const char *scheme,
		       const char *authority, const char *path, const char *query)
{
	struct strbuf url = STRBUF_INIT;

	memset(r, 0, sizeof(*r));
	r->method = method;
	strbuf_addf(&url, "%s://%s%s", scheme, authority, path && *path ? path : "/");
	if (query && *query)
		strbuf_addf(&url, "?%s", query);
	r->url = strbuf_detach(&url, NULL);
	r->path = xstrdup(path && *path ? path : "/");
	r->query = query && *query ? xstrdup(query) : NULL;
	sigv4_headers_add(&r->headers, "Host", authority);
	strbuf_init(&r->resp_body, 0);
	r->state = HTTP_PENDING;
}

void http_request_header(struct http_request *r, const char *name, const char *value)
{
	sigv4_headers_add(&r->headers, name, value);
}

static void reset_results(struct http_request *r)
{
	r->curl_code = CURLE_OK;
	r->curl_error[0] = '\0';
	r->status = 0;
	sigv4_headers_release(&r->resp_headers);
	strbuf_release(&r->resp_body);
	free(r->error_code);
	free(r->error_message);
	free(r->request_id);
	r->error_code = r->error_message = r->request_id = NULL;
	r->too_large = false;
}

void http_request_release(struct http_request *r)
{
	reset_results(r);
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->slist);
	sigv4_headers_release(&r->sent);
	sigv4_headers_release(&r->headers);
	free(r->url);
	free(r->path);
	free(r->query);
	memset(r, 0, sizeof(*r));
}

bool http_ok(const struct http_request *r)
{
	return r->curl_code == CURLE_OK && r->status >= 200 && r->status < 300;
}

const char *http_response_header(const struct http_request *r, const char *name)
{
	return sigv4_headers_get(&r->resp_headers, name);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_request *r = ud;
	size_t n = size * nmemb;

	if (r->resp_body.len + n > DEFAULT_MAX_RESPONSE) {
		r->too_large = true;
		return 0;
	}
	strbuf_add(&r->resp_body, data, n);
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_request *r = ud;
	size_t n = size * nmemb, len = n;
	const char *colon;
	char *name, *value;

	while (len && (data[len - 1] == '\r' || data[len - 1] == '\n'))
		len--;
	if (len >= 5 && !memcmp(data, "HTTP/", 5)) {
		/* A new status line (100 Continue, redirects): start over. */
		sigv4_headers_release(&r->resp_headers);
		return n;
	}
	colon = memchr(data, ':', len);
	if (!colon)
		return n;
	name = xstrndup(data, (size_t)(colon - data));
	colon++;
	while (colon < data + len && (*colon == ' ' || *colon == '\t'))
		colon++;
	value = xstrndup(colon, (size_t)(data + len - colon));
	sigv4_headers_add(&r->resp_headers, name, value);
	free(name);
	free(value);
	return n;
}

static size_t on_read(char *buf, size_t size, size_t nmemb, void *ud)
{
	FILE *f = ud;
	size_t n = fread(buf, size, nmemb, f);

	if (n == 0 && ferror(f))
		return CURL_READFUNC_ABORT;
	return n;
}

/* curl rewinds a streamed body to send it again on a new connection when a
 * reused one turns out closed (AWS closes idle keep-alive connections). */
static int on_seek(void *ud, curl_off_t offset, int origin)
{
	FILE *f = ud;

	return fseeko(f, (off_t)offset, origin) == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK;
}

static void trace_canonical(FILE *out, struct sigv4_trace *st)
{
	const char *p;

	http_redact_canonical(&st->canonical_request);
	fprintf(out, "aws:   canonical request:\n");
	for (p = st->canonical_request.buf; *p;) {
		size_t n = strcspn(p, "\n");

		fprintf(out, "aws:   | %.*s\n", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

void http_redact_canonical(struct strbuf *cr)
{
	static const char key[] = "x-amz-security-token:";
	struct strbuf out = STRBUF_INIT;
	const char *p = cr->buf;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n >= sizeof(key) - 1 && !memcmp(p, key, sizeof(key) - 1)) {
			strbuf_add(&out, key, sizeof(key) - 1);
			strbuf_addstr(&out, "<redacted>");
		} else {
			strbuf_add(&out, p, n);
		}
		p += n;
		if (*p) {
			strbuf_addch(&out, '\n');
			p++;
		}
	}
	strbuf_reset(cr);
	strbuf_add(cr, out.buf, out.len);
	strbuf_release(&out);
}

static bool start_attempt(struct http_transport *t, struct http_request *r)
{
	CURL *e;
	size_t i;
	bool have_ct = false;
	struct strbuf line = STRBUF_INIT;
	int max = r->max_attempts > 0 ? r->max_attempts : t->policy.max_attempts;

	r->attempts++;
	reset_results(r);
	sigv4_headers_release(&r->sent);
	for (i = 0; i < r->headers.n; i++)
		sigv4_headers_add(&r->sent, r->headers.v[i].name, r->headers.v[i].value);

	if (t->trace)
		fprintf(t->trace, "aws: > %s %s%s%s%s attempt %d/%d\n", r->method, r->url,
			r->label ? " (" : "", r->label ? r->label : "", r->label ? ")" : "",
			r->attempts, max);
	if (r->creds) {
		struct sigv4_params p;
		struct sigv4_request sr;
		struct sigv4_trace st;
		const char *err = NULL;

		memset(&p, 0, sizeof(p));
		p.access_key = r->creds->access_key_id;
		p.secret_key = r->creds->secret_access_key;
		p.session_token = r->creds->session_token;
		p.region = r->region;
		p.service = r->service;
		p.s3 = r->s3;
		p.now = t->clock();
		memset(&sr, 0, sizeof(sr));
		sr.method = r->method;
		sr.path = r->path;
		sr.query = r->query;
		sr.headers = &r->sent;
		sr.body = r->body;
		sr.body_len = r->body_len;
		sr.payload_hash = r->upload ? r->payload_hash : NULL;
		sigv4_trace_init(&st);
		if (sigv4_sign(&sr, &p, &st, &err) < 0) {
			r->curl_code = CURLE_BAD_FUNCTION_ARGUMENT;
			snprintf(r->curl_error, sizeof(r->curl_error), "cannot sign: %s", err);
			sigv4_trace_release(&st);
			return false;
		}
		if (t->trace) {
			fprintf(t->trace, "aws:   credential scope: %s/%.8s/%s/%s/aws4_request\n",
				p.access_key, st.amz_date, p.region, p.service);
			trace_canonical(t->trace, &st);
		}
		sigv4_trace_release(&st);
	}

	curl_slist_free_all(r->slist);
	r->slist = NULL;
	for (i = 0; i < r->sent.n; i++) {
		strbuf_reset(&line);
		if (!strcasecmp(r->sent.v[i].name, "content-type"))
			have_ct = true;
		if (*r->sent.v[i].value)
			strbuf_addf(&line, "%s: %s", r->sent.v[i].name, r->sent.v[i].value);
		else
			strbuf_addf(&line, "%s;", r->sent.v[i].name);	/* curl's empty-value form */
		r->slist = curl_slist_append(r->slist, line.buf);
	}
	/* Not signed, so the transport may decide them; keep curl's defaults out. */
	r->slist = curl_slist_append(r->slist, "Expect:");
	if (!have_ct && (r->body || r->upload))
		r->slist = curl_slist_append(r->slist, "Content-Type:");
	strbuf_release(&line);

	if (!r->easy)
		r->easy = curl_easy_init();
	else
		curl_easy_reset(r->easy);
	e = r->easy;
	if (!e) {
		fprintf(stderr, "pipec: fatal: curl_easy_init failed\n");
		exit(70);
	}
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)r);
	curl_easy_setopt(e, CURLOPT_SHARE, t->share);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->slist);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_error);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (t->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_bundle);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 r->connect_timeout_ms > 0 ? r->connect_timeout_ms : t->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms > 0 ? r->timeout_ms : t->timeout_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "pipec/" PIPEC_VERSION);

	if (!strcmp(r->method, "GET")) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(r->method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (r->upload) {
		if (fseek(r->upload, 0, SEEK_SET) != 0) {
			r->curl_code = CURLE_READ_ERROR;
			snprintf(r->curl_error, sizeof(r->curl_error), "cannot rewind the upload: %s",
				 strerror(errno));
			return false;
		}
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, (void *)r->upload);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, (void *)r->upload);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->upload_len);
		if (strcmp(r->method, "PUT"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	} else {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : (const void *)"");
		if (strcmp(r->method, "POST"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	}
	r->started_ms = mono_ms();
	r->state = HTTP_ACTIVE;
	return true;
}

/* Connection-level failures worth another attempt. */
static bool curl_retryable(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SEND_FAIL_REWIND:	/* a new attempt starts the body again */
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

char *http_clean_error_type(const char *type)
{
	const char *start = type, *colon, *hash;
	size_t n;

	while (*start == ' ')
		start++;
	colon = strchr(start, ':');
	n = colon ? (size_t)(colon - start) : strlen(start);
	hash = memchr(start, '#', n);
	if (hash) {
		n -= (size_t)(hash + 1 - start);
		start = hash + 1;
	}
	while (n && start[n - 1] == ' ')
		n--;
	return n ? xstrndup(start, n) : NULL;
}

static const char *status_code_name(long status)
{
	switch (status) {
	case 301:
		return "PermanentRedirect";
	case 304:
		return "NotModified";
	case 400:
		return "BadRequest";
	case 403:
		return "Forbidden";
	case 404:
		return "NotFound";
	case 412:
		return "PreconditionFailed";
	default:
		return NULL;
	}
}

void http_parse_error(struct http_request *r)
{
	const char *hdr = http_response_header(r, "x-amzn-errortype");
	const char *body = r->resp_body.buf;
	size_t len = r->resp_body.len, i = 0;

	free(r->error_code);
	free(r->error_message);
	r->error_code = r->error_message = NULL;
	if (hdr)
		r->error_code = http_clean_error_type(hdr);
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (i < len && body[i] == '{') {
		json_t *j = json_loadb(body, len, 0, NULL);

		if (json_is_object(j)) {
			const char *type = json_string_value(json_object_get(j, "__type"));
			const char *msg = json_string_value(json_object_get(j, "message"));

			if (!type)
				type = json_string_value(json_object_get(j, "code"));
			if (!type)
				type = json_string_value(json_object_get(j, "Code"));
			if (!msg)
				msg = json_string_value(json_object_get(j, "Message"));
			if (!msg)
				msg = json_string_value(json_object_get(j, "errorMessage"));
			if (type && !r->error_code)
				r->error_code = http_clean_error_type(type);
			if (msg && *msg)
				r->error_message = xstrdup(msg);
		}
		json_decref(j);
	} else if (i < len && body[i] == '<') {
		char *code = xml_text(body, len, NULL, "Code");
		char *msg = xml_text(body, len, NULL, "Message");

		if (code && !r->error_code)
			r->error_code = code;
		else
			free(code);
		if (msg && *msg)
			r->error_message = msg;
		else
			free(msg);
		if (!http_response_header(r, "x-amzn-requestid") &&
		    !http_response_header(r, "x-amz-request-id"))
			r->request_id = xml_text(body, len, NULL, "RequestId");
	}
	if (!r->error_code && status_code_name(r->status))
		r->error_code = xstrdup(status_code_name(r->status));
	if (!r->request_id) {
		const char *id = http_response_header(r, "x-amzn-requestid");

		if (!id)
			id = http_response_header(r, "x-amz-request-id");
		if (id)
			r->request_id = xstrdup(id);
	}
}

static void finish_attempt(struct http_transport *t, struct http_request *r, CURLcode res)
{
	long long now = mono_ms(), took = now - r->started_ms;
	int max = r->max_attempts > 0 ? r->max_attempts : t->policy.max_attempts;
	enum retry_kind kind;
	bool transport_error;
	int cost = 0;

	curl_multi_remove_handle(t->multi, r->easy);
	r->curl_code = res;
	if (res == CURLE_OK)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->too_large)
		snprintf(r->curl_error, sizeof(r->curl_error), "the response is larger than %u bytes",
			 DEFAULT_MAX_RESPONSE);
	else if (res != CURLE_OK && !r->curl_error[0])
		snprintf(r->curl_error, sizeof(r->curl_error), "%s", curl_easy_strerror(res));
	if (res == CURLE_OK && (r->status < 200 || r->status >= 300))
		http_parse_error(r);

	transport_error = res != CURLE_OK && curl_retryable(res);
	kind = res == CURLE_OK ? retry_classify(false, r->status, r->error_code)
			       : transport_error ? RETRY_TRANSIENT : RETRY_NONE;
	if (res == CURLE_OK)
		t->window = retry_window_next(t->window, t->max_concurrency, kind == RETRY_THROTTLING);

	if (t->trace) {
		if (res != CURLE_OK)
			fprintf(t->trace, "aws: < %s in %lld ms", r->curl_error, took);
		else
			fprintf(t->trace, "aws: < %ld%s%s in %lld ms", r->status,
				r->error_code ? " " : "", r->error_code ? r->error_code : "", took);
	}
	if (kind != RETRY_NONE && r->attempts < max && retry_quota_acquire(&t->quota, kind, &cost)) {
		long retry_after = retry_parse_after(http_response_header(r, "x-amz-retry-after"));
		long delay = retry_delay_ms(&t->policy, r->attempts, kind, rand01(t), retry_after);

		r->last_cost = cost;
		r->ready_at_ms = now + delay;
		r->state = HTTP_PENDING;
		if (t->trace)
			fprintf(t->trace, "; retrying in %ld ms (%s, retry quota %d)\n", delay,
				kind == RETRY_THROTTLING ? "throttling" : "transient",
				t->quota.available);
		return;
	}
	if (t->trace) {
		if (kind != RETRY_NONE && r->attempts >= max)
			fprintf(t->trace, "; giving up after %d attempts\n", r->attempts);
		else if (kind != RETRY_NONE)
			fprintf(t->trace, "; not retrying: retry quota exhausted (%d left)\n",
				t->quota.available);
		else
			fprintf(t->trace, "\n");
	}
	if (http_ok(r))
		retry_quota_release(&t->quota, r->last_cost);
	r->state = HTTP_DONE;
}

/* Requests that may be in flight now (the AIMD window, at least 1). */
static int in_flight_limit(const struct http_transport *t)
{
	int w = (int)t->window;

	return w < 1 ? 1 : w > t->max_concurrency ? t->max_concurrency : w;
}

void http_perform(struct http_transport *t, struct http_request **reqs, size_t n)
{
	size_t done = 0, i;
	int active = 0;

	for (i = 0; i < n; i++) {
		reqs[i]->state = HTTP_PENDING;
		reqs[i]->ready_at_ms = 0;
		reqs[i]->attempts = 0;
		reqs[i]->last_cost = 0;
	}
	while (done < n) {
		long long now = mono_ms(), next = -1;
		int running = 0;
		CURLMsg *msg;
		int left;

		for (i = 0; i < n && active < in_flight_limit(t); i++) {
			struct http_request *r = reqs[i];

			if (r->state != HTTP_PENDING || r->ready_at_ms > now)
				continue;
			if (!start_attempt(t, r)) {
				if (t->trace)
					fprintf(t->trace, "aws: < %s\n", r->curl_error);
				r->state = HTTP_DONE;
				done++;
				continue;
			}
			curl_multi_add_handle(t->multi, r->easy);
			active++;
		}
		if (done == n)
			break;
		curl_multi_perform(t->multi, &running);
		while ((msg = curl_multi_info_read(t->multi, &left)) != NULL) {
			struct http_request *r = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			active--;
			finish_attempt(t, r, msg->data.result);
			if (r->state == HTTP_DONE)
				done++;
		}
		if (done == n)
			break;
		now = mono_ms();
		for (i = 0; i < n; i++)
			if (reqs[i]->state == HTTP_PENDING &&
			    (next < 0 || reqs[i]->ready_at_ms < next))
				next = reqs[i]->ready_at_ms;
		if (active > 0) {
			long wait = 1000;

			if (next >= 0 && active < in_flight_limit(t))
				wait = next <= now ? 0 : (long)(next - now < 1000 ? next - now : 1000);
			curl_multi_poll(t->multi, NULL, 0, (int)wait, NULL);
		} else if (next > now) {
			struct timespec ts;
			long long ms = next - now;

			ts.tv_sec = (time_t)(ms / 1000);
			ts.tv_nsec = (long)(ms % 1000) * 1000000L;
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
}
