/*
 * http: the libcurl transport of the runtime.  One transport per client
 * keeps a persistent multi handle (connection reuse, DNS and TLS session
 * caches) and runs batches of requests in parallel with bounded
 * concurrency.  Every attempt is signed afresh (SigV4, new timestamp) and
 * failed attempts are retried per retry.h (standard mode, shared quota).
 * TLS verification is always on; AWS_CA_BUNDLE selects the CA file.
 * libcurl's own SigV4 support is deliberately not used.
 *
 * Ownership: a request owns its URL, headers and response; it borrows its
 * body, upload FILE and credentials, which must outlive http_perform.
 */
#ifndef PIPEC_HTTP_H
#define PIPEC_HTTP_H

#include <stdbool.h>
#include <stdio.h>

#include <curl/curl.h>

#include "aws_base.h"
#include "retry.h"
#include "sigv4.h"
#include "strbuf.h"

struct http_transport {
	CURLM *multi;
	CURLSH *share;
	int max_concurrency;
	double window;			/* requests started at once: retry_window_next */
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_response;		/* bytes; larger answers fail */
	char *ca_bundle;		/* AWS_CA_BUNDLE or config ca_bundle; NULL: system */
	struct retry_policy policy;
	struct retry_quota quota;
	FILE *trace;
	unsigned long long rng;
	time_t (*clock)(void);		/* signing time; tests may replace it */
};

enum http_state { HTTP_PENDING, HTTP_ACTIVE, HTTP_DONE };

struct http_request {
	/* what to send */
	const char *method;
	char *url;			/* scheme://authority/path?query */
	char *path;			/* for signing: as sent */
	char *query;			/* for signing: as sent, NULL: none */
	struct sigv4_headers headers;	/* Host first, then the caller's headers */
	const void *body;
	size_t body_len;
	FILE *upload;			/* streamed PUT body instead of body */
	long long upload_len;
	char payload_hash[65];		/* of upload (required with it) */
	const struct aws_credentials *creds;	/* NULL: unsigned */
	const char *region;
	const char *service;		/* signing name */
	bool s3;
	long timeout_ms;		/* 0: the transport's */
	long connect_timeout_ms;	/* 0: the transport's */
	int max_attempts;		/* 0: the policy's */
	const char *label;		/* for traces, e.g. "glue CreateJob" */

	/* results */
	int attempts;
	CURLcode curl_code;		/* CURLE_OK when an HTTP answer arrived */
	char curl_error[CURL_ERROR_SIZE];
	long status;
	struct sigv4_headers resp_headers;
	struct strbuf resp_body;
	char *error_code;		/* parsed from a non-2xx answer, or NULL */
	char *error_message;
	char *request_id;

	/* private to http.c */
	enum http_state state;
	long long ready_at_ms;
	long long started_ms;
	int last_cost;
	CURL *easy;
	struct curl_slist *slist;
	struct sigv4_headers sent;
	bool too_large;
};

void http_transport_init(struct http_transport *t, int max_concurrency, int max_attempts,
			 FILE *trace);
void http_transport_release(struct http_transport *t);

/* method and url are copied; path and query are taken from url. */
void http_request_init(struct http_request *r, const char *method, const char *scheme,
		       const char *authority, const char *path, const char *query);
void http_request_release(struct http_request *r);
void http_request_header(struct http_request *r, const char *name, const char *value);

/* Runs the requests to completion (with retries).  Results are on each request. */
void http_perform(struct http_transport *t, struct http_request **reqs, size_t n);
static inline void http_perform_one(struct http_transport *t, struct http_request *r)
{
	http_perform(t, &r, 1);
}

/* True when the request got a 2xx answer. */
bool http_ok(const struct http_request *r);
/* First response header value (case-insensitive), or NULL. */
const char *http_response_header(const struct http_request *r, const char *name);

/*
 * Error code and message of a non-2xx answer: X-Amzn-ErrorType, JSON
 * __type/code/Code and message/Message (Smithy clean-up of the type), or
 * XML <Code>/<Message>; HEAD answers get a code from the status.
 */
void http_parse_error(struct http_request *r);
/* Smithy's clean-up of an error type: "a.b#Name:http://..." → "Name". */
char *http_clean_error_type(const char *type);

/* Redacts x-amz-security-token values in a canonical request (in place). */
void http_redact_canonical(struct strbuf *cr);

#endif
