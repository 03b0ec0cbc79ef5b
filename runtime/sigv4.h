/*
 * sigv4: AWS Signature Version 4 (header form) on OpenSSL 3, independent of
 * any transport.  It canonicalises a request exactly as botocore's SigV4Auth
 * and S3SigV4Auth do, adds X-Amz-Date / X-Amz-Security-Token /
 * X-Amz-Content-SHA256 / Authorization to its header list, and can hand back
 * the canonical request and string to sign for traces and tests.
 *
 * Ownership: a sigv4_headers list owns copies of its names and values.  The
 * secret key is only read; derived keys live on the stack and are wiped with
 * OPENSSL_cleanse.  Nothing here ever prints anything.
 */
#ifndef PIPEC_SIGV4_H
#define PIPEC_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "strbuf.h"

#define SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct sigv4_header {
	char *name;
	char *value;
};

/* Headers in send order; names keep their case, lookups ignore it. */
struct sigv4_headers {
	struct sigv4_header *v;
	size_t n, alloc;
};

#define SIGV4_HEADERS_INIT { NULL, 0, 0 }

void sigv4_headers_add(struct sigv4_headers *h, const char *name, const char *value);
/* Replaces the value of the first header named name (later duplicates are
 * removed) or appends it. */
void sigv4_headers_set(struct sigv4_headers *h, const char *name, const char *value);
void sigv4_headers_remove(struct sigv4_headers *h, const char *name);
/* First value of a header (case-insensitive name), or NULL. */
const char *sigv4_headers_get(const struct sigv4_headers *h, const char *name);
void sigv4_headers_release(struct sigv4_headers *h);

struct sigv4_request {
	const char *method;
	const char *path;		/* as sent (percent-encoded), no query */
	const char *query;		/* as sent, without '?'; NULL: none */
	struct sigv4_headers *headers;	/* as sent, incl. Host; signing adds to it */
	const void *body;
	size_t body_len;
	const char *payload_hash;	/* hex SHA-256 of a streamed body; NULL: hash body */
};

struct sigv4_params {
	const char *access_key;
	const char *secret_key;
	const char *session_token;	/* NULL or "": none */
	const char *region;
	const char *service;		/* signing name: glue, s3, sts, events */
	bool s3;			/* S3 rules: raw URI, X-Amz-Content-SHA256 */
	time_t now;			/* injectable clock (UTC seconds) */
	bool sign_all_headers;		/* false: skip botocore's unsigned list (user-agent, …) */
};

/* What the signature was computed over; all optional for the caller. */
struct sigv4_trace {
	struct strbuf canonical_request;
	struct strbuf string_to_sign;
	struct strbuf signed_headers;
	char amz_date[17];
};

void sigv4_trace_init(struct sigv4_trace *t);
void sigv4_trace_release(struct sigv4_trace *t);

/*
 * Signs req in place.  Returns 0, or -1 when the request has no Host header
 * or a parameter is missing (err, if given, receives a short reason).
 */
int sigv4_sign(struct sigv4_request *req, const struct sigv4_params *p,
	       struct sigv4_trace *trace, const char **err);

/* Canonicalisation steps, exposed for unit tests. */
void sigv4_uri_encode(struct strbuf *out, const char *s, size_t len, bool keep_slash);
void sigv4_canonical_uri(struct strbuf *out, const char *path, bool s3);
void sigv4_canonical_query(struct strbuf *out, const char *query);
/* Appends "name:value\n" lines and fills signed ("a;b;c"). */
void sigv4_canonical_headers(struct strbuf *out, struct strbuf *signed_names,
			     const struct sigv4_headers *h);
/* The same; with all = true no header is left out (pipec debug sign). */
void sigv4_canonical_headers_all(struct strbuf *out, struct strbuf *signed_names,
				 const struct sigv4_headers *h, bool all);
bool sigv4_header_is_unsigned(const char *lower_name);

void sigv4_format_date(time_t t, char out[17]);
/* Parses YYYYMMDDTHHMMSSZ; returns 0 or -1. */
int sigv4_parse_date(const char *s, time_t *t);
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);
/* Streams a file through SHA-256 (EVP); rewinds it.  Returns 0 or -1. */
int sigv4_sha256_file(FILE *f, char out[65], long long *size);

#endif
