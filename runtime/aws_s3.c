/*
 * aws_s3: PutObject (real payload SHA-256, files streamed), GetObject and
 * HeadObject, path-style on custom endpoints.
 */
#include "aws.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_internal.h"
#include "sigv4.h"
#include "xalloc.h"

/* Objects of a batch built at once (each streamed file holds a descriptor). */
#define S3_PUT_CHUNK 256

static enum aws_status s3_request(struct aws_client *c, const char *method, const char *bucket,
				  const char *key, struct http_request *r, struct strbuf *label)
{
	const struct endpoint *ep;
	struct strbuf path = STRBUF_INIT;
	char *authority = NULL;
	enum aws_status st;

	if (!bucket || !*bucket || !key || !*key)
		return aws_fail(c, AWS_ERR_USAGE, "s3: bucket and key must not be empty");
	st = aws_prepare(c, AWS_SERVICE_S3, true, &ep);
	if (st != AWS_OK)
		return st;
	endpoint_s3_target(ep, bucket, key, &authority, &path);
	http_request_init(r, method, ep->scheme, authority, path.buf, NULL);
	free(authority);
	strbuf_release(&path);
	r->creds = &c->creds;
	r->region = c->region;
	r->service = "s3";
	r->s3 = true;
	strbuf_addf(label, "s3 %s s3://%s/%s", !strcmp(method, "PUT") ? "PutObject"
					       : !strcmp(method, "HEAD") ? "HeadObject" : "GetObject",
		    bucket, key);
	r->label = label->buf;
	return AWS_OK;
}

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int hex_value(int ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
	       ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* 64 hex digits -> the base64 of the 32 bytes (44 characters and a NUL); false if not hex. */
static bool sha_hex_to_b64(const char *hex, char out[45])
{
	unsigned char b[33] = { 0 };
	size_t i, o = 0;

	if (strlen(hex) != 64)
		return false;
	for (i = 0; i < 32; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	for (i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];

		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = i + 1 < 32 ? b64_alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < 32 ? b64_alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return true;
}

/* The base64 of a 32-byte SHA-256 -> lowercase hex, or NULL when it is not one. */
static char *sha_b64_to_hex(const char *b64)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char b[33];
	char *hex;
	size_t i, o = 0;

	if (!b64 || strlen(b64) != 44 || strcmp(b64 + 43, "="))
		return NULL;
	for (i = 0; i < 44; i += 4) {
		unsigned v = 0;
		size_t k;

		for (k = 0; k < 4; k++) {
			/* the one '=' (position 43) pads with zero bits */
			const char *p = i + k == 43 ? b64_alphabet : strchr(b64_alphabet, b64[i + k]);

			if (!p)
				return NULL;
			v = v << 6 | (unsigned)(p - b64_alphabet);
		}
		b[o++] = (unsigned char)(v >> 16);
		b[o++] = (unsigned char)(v >> 8);
		b[o++] = (unsigned char)v;
	}
	hex = xmalloc(65);
	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[64] = '\0';
	return hex;
}

static char *unquote(const char *v)
{
	size_t n;

	if (!v)
		return NULL;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return xstrndup(v + 1, n - 2);
	return xstrdup(v);
}

/* Records the handle's error on one call of a batch. */
static void batch_failed(struct aws_client *c, enum aws_status st, long http_status,
			 enum aws_status *status, long *hs, char **code, char **msg)
{
	*status = st;
	*hs = http_status;
	*code = c->error_code ? xstrdup(c->error_code) : NULL;
	*msg = xstrdup(c->errmsg.buf);
}

/* After a batch: the handle reports the first failure in array order. */
static enum aws_status batch_first(struct aws_client *c, enum aws_status st, const char *msg,
				   const char *code, long http_status)
{
	aws_clear_error(c);
	if (st != AWS_OK) {
		aws_fail(c, st, "%s", msg);
		c->error_code = code ? xstrdup(code) : NULL;
		c->http_status = http_status;
	}
	return st;
}

/*
 * Builds the PutObject request of put (headers, checksum, body or the
 * opened file in *f).  On failure the handle holds the message and r is
 * released.
 */
static enum aws_status put_request(struct aws_client *c, const struct aws_s3_put *put,
				   struct http_request *r, struct strbuf *label, FILE **f)
{
	struct strbuf name = STRBUF_INIT;
	enum aws_status st;
	size_t i;

	*f = NULL;
	st = s3_request(c, "PUT", put->bucket, put->key, r, label);
	if (st != AWS_OK)
		return st;
	http_request_header(r, "Content-Type",
			    put->content_type ? put->content_type : "application/octet-stream");
	for (i = 0; put->metadata && put->metadata[i] && put->metadata[i + 1]; i += 2) {
		strbuf_reset(&name);
		strbuf_addf(&name, "x-amz-meta-%s", put->metadata[i]);
		http_request_header(r, name.buf, put->metadata[i + 1]);
	}
	strbuf_release(&name);
	if (put->checksum_sha256) {
		char b64[45];

		if (!sha_hex_to_b64(put->checksum_sha256, b64)) {
			http_request_release(r);
			return aws_fail(c, AWS_ERR_USAGE, "%s: the checksum is not a hex SHA-256",
					label->buf);
		}
		http_request_header(r, "x-amz-sdk-checksum-algorithm", "SHA256");
		http_request_header(r, "x-amz-checksum-sha256", b64);
	}
	if (put->path) {
		*f = fopen(put->path, "rb");
		if (!*f || sigv4_sha256_file(*f, r->payload_hash, &r->upload_len) < 0) {
			st = aws_fail(c, AWS_ERR_IO, "%s: cannot read '%s': %s", label->buf, put->path,
				      strerror(errno));
			if (*f)
				fclose(*f);
			*f = NULL;
			http_request_release(r);
			return st;
		}
		r->upload = *f;
	} else {
		r->body = put->data ? put->data : "";
		r->body_len = put->data ? put->len : 0;
	}
	return AWS_OK;
}

enum aws_status aws_s3_put_object(struct aws_client *c, const struct aws_s3_put *put,
				  char **etag)
{
	struct http_request r;
	struct strbuf label = STRBUF_INIT;
	enum aws_status st;
	FILE *f;

	aws_clear_error(c);
	if (etag)
		*etag = NULL;
	st = put_request(c, put, &r, &label, &f);
	if (st != AWS_OK) {
		strbuf_release(&label);
		return st;
	}
	http_perform_one(&c->http, &r);
	st = aws_result(c, &r, label.buf);
	if (st == AWS_OK && etag)
		*etag = unquote(http_response_header(&r, "etag"));
	if (f)
		fclose(f);
	http_request_release(&r);
	strbuf_release(&label);
	return st;
}

/* What every S3 batch keeps per call: the request, its label for
 * messages, whether it was built (and so is sent and released). */
struct s3_frame {
	struct http_request *reqs, **ptrs;
	struct strbuf *labels;
	bool *built;
	size_t n, m;		/* calls, requests built */
};

static void frame_init(struct s3_frame *f, size_t n)
{
	size_t i;

	f->reqs = xcalloc(n ? n : 1, sizeof(*f->reqs));
	f->ptrs = xcalloc(n ? n : 1, sizeof(*f->ptrs));
	f->labels = xcalloc(n ? n : 1, sizeof(*f->labels));
	f->built = xcalloc(n ? n : 1, sizeof(*f->built));
	f->n = n;
	f->m = 0;
	for (i = 0; i < n; i++)
		strbuf_init(&f->labels[i], 0);
}

/* Request i is built: it goes out with the others. */
static void frame_built(struct s3_frame *f, size_t i)
{
	f->built[i] = true;
	f->ptrs[f->m++] = &f->reqs[i];
}

/* Releases request i (when built) and its label. */
static void frame_done(struct s3_frame *f, size_t i)
{
	if (f->built[i])
		http_request_release(&f->reqs[i]);
	strbuf_release(&f->labels[i]);
}

static void frame_release(struct s3_frame *f)
{
	free(f->reqs);
	free(f->ptrs);
	free(f->labels);
	free(f->built);
}

/* One chunk of a batch: built, sent in parallel, judged one by one. */
static void put_chunk(struct aws_client *c, struct aws_s3_put_call *calls, size_t n)
{
	struct s3_frame f;
	FILE **files = xcalloc(n, sizeof(*files));
	size_t i;
	enum aws_status st;

	frame_init(&f, n);
	for (i = 0; i < n; i++) {
		aws_clear_error(c);
		st = put_request(c, &calls[i].put, &f.reqs[i], &f.labels[i], &files[i]);
		if (st != AWS_OK)
			batch_failed(c, st, 0, &calls[i].status, &calls[i].http_status,
				     &calls[i].error_code, &calls[i].error_message);
		else
			frame_built(&f, i);
	}
	http_perform(&c->http, f.ptrs, f.m);
	for (i = 0; i < n; i++) {
		if (f.built[i]) {
			aws_clear_error(c);
			st = aws_result(c, &f.reqs[i], f.labels[i].buf);
			if (st == AWS_OK)
				calls[i].etag = unquote(http_response_header(&f.reqs[i], "etag"));
			else
				batch_failed(c, st, f.reqs[i].status, &calls[i].status,
					     &calls[i].http_status, &calls[i].error_code,
					     &calls[i].error_message);
			if (files[i])
				fclose(files[i]);
		}
		frame_done(&f, i);
	}
	frame_release(&f);
	free(files);
}

enum aws_status aws_s3_put_batch(struct aws_client *c, struct aws_s3_put_call *calls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		calls[i].status = AWS_OK;
		calls[i].http_status = 0;
		calls[i].error_code = calls[i].error_message = calls[i].etag = NULL;
	}
	/* in chunks, so that streamed files never hold too many descriptors open */
	for (i = 0; i < n; i += S3_PUT_CHUNK)
		put_chunk(c, calls + i, n - i < S3_PUT_CHUNK ? n - i : S3_PUT_CHUNK);
	for (i = 0; i < n; i++)
		if (calls[i].status != AWS_OK)
			return batch_first(c, calls[i].status, calls[i].error_message,
					   calls[i].error_code, calls[i].http_status);
	return batch_first(c, AWS_OK, NULL, NULL, 0);
}

void aws_s3_put_call_release(struct aws_s3_put_call *call)
{
	free(call->error_code);
	free(call->error_message);
	free(call->etag);
	call->error_code = call->error_message = call->etag = NULL;
}

enum aws_status aws_s3_get_object(struct aws_client *c, const char *bucket, const char *key,
				  char **data, size_t *len)
{
	struct http_request r;
	struct strbuf label = STRBUF_INIT;
	enum aws_status st;

	aws_clear_error(c);
	*data = NULL;
	*len = 0;
	st = s3_request(c, "GET", bucket, key, &r, &label);
	if (st != AWS_OK) {
		strbuf_release(&label);
		return st;
	}
	http_perform_one(&c->http, &r);
	st = aws_result(c, &r, label.buf);
	if (st == AWS_OK) {
		strbuf_grow(&r.resp_body, 0);
		*data = strbuf_detach(&r.resp_body, len);
	}
	http_request_release(&r);
	strbuf_release(&label);
	return st;
}

enum aws_status aws_s3_get_batch(struct aws_client *c, struct aws_s3_get_call *calls, size_t n)
{
	struct s3_frame f;
	enum aws_status st;
	size_t i, first = n;

	frame_init(&f, n);
	for (i = 0; i < n; i++) {
		struct aws_s3_get_call *g = &calls[i];

		g->status = AWS_OK;
		g->http_status = 0;
		g->error_code = g->error_message = g->data = NULL;
		g->len = 0;
		aws_clear_error(c);
		st = s3_request(c, "GET", g->bucket, g->key, &f.reqs[i], &f.labels[i]);
		if (st != AWS_OK)
			batch_failed(c, st, 0, &g->status, &g->http_status, &g->error_code,
				     &g->error_message);
		else
			frame_built(&f, i);
	}
	http_perform(&c->http, f.ptrs, f.m);
	for (i = 0; i < n; i++) {
		struct aws_s3_get_call *g = &calls[i];

		if (f.built[i]) {
			aws_clear_error(c);
			st = aws_result(c, &f.reqs[i], f.labels[i].buf);
			if (st == AWS_OK) {
				strbuf_grow(&f.reqs[i].resp_body, 0);
				g->data = strbuf_detach(&f.reqs[i].resp_body, &g->len);
			} else {
				batch_failed(c, st, f.reqs[i].status, &g->status, &g->http_status,
					     &g->error_code, &g->error_message);
			}
		}
		frame_done(&f, i);
		if (g->status != AWS_OK && first == n)
			first = i;
	}
	frame_release(&f);
	return first == n ? batch_first(c, AWS_OK, NULL, NULL, 0)
			  : batch_first(c, calls[first].status, calls[first].error_message,
					calls[first].error_code, calls[first].http_status);
}

void aws_s3_get_call_release(struct aws_s3_get_call *call)
{
	free(call->data);
	free(call->error_code);
	free(call->error_message);
	call->data = call->error_code = call->error_message = NULL;
}

/* Fills out from a HEAD answer. */
static void head_fill(const struct http_request *r, struct aws_s3_head *out, bool checksum_mode)
{
	size_t i, n = 0;
	const char *v;

	if (checksum_mode)
		out->checksum_sha256 = sha_b64_to_hex(http_response_header(r, "x-amz-checksum-sha256"));
	v = http_response_header(r, "content-length");
	out->size = v ? strtoll(v, NULL, 10) : -1;
	out->etag = unquote(http_response_header(r, "etag"));
	v = http_response_header(r, "content-type");
	out->content_type = v ? xstrdup(v) : NULL;
	out->metadata = xcalloc(2 * r->resp_headers.n + 1, sizeof(char *));
	for (i = 0; i < r->resp_headers.n; i++) {
		const char *hn = r->resp_headers.v[i].name;
		size_t k;

		if (strncasecmp(hn, "x-amz-meta-", 11))
			continue;
		out->metadata[n] = xstrdup(hn + 11);
		for (k = 0; out->metadata[n][k]; k++)
			out->metadata[n][k] = (char)tolower((unsigned char)out->metadata[n][k]);
		out->metadata[n + 1] = xstrdup(r->resp_headers.v[i].value);
		n += 2;
	}
}

static enum aws_status s3_head(struct aws_client *c, const char *bucket, const char *key,
			       struct aws_s3_head *out, bool checksum_mode)
{
	struct http_request r;
	struct strbuf label = STRBUF_INIT;
	enum aws_status st;

	aws_clear_error(c);
	memset(out, 0, sizeof(*out));
	st = s3_request(c, "HEAD", bucket, key, &r, &label);
	if (st != AWS_OK) {
		strbuf_release(&label);
		return st;
	}
	if (checksum_mode)
		http_request_header(&r, "x-amz-checksum-mode", "ENABLED");
	http_perform_one(&c->http, &r);
	st = aws_result(c, &r, label.buf);
	if (st == AWS_OK)
		head_fill(&r, out, checksum_mode);
	http_request_release(&r);
	strbuf_release(&label);
	return st;
}

enum aws_status aws_s3_head_batch(struct aws_client *c, struct aws_s3_head_call *calls, size_t n)
{
	struct s3_frame f;
	enum aws_status st;
	size_t i, failed = n;

	frame_init(&f, n);
	for (i = 0; i < n; i++) {
		memset(&calls[i].head, 0, sizeof(calls[i].head));
		calls[i].status = AWS_OK;
		calls[i].http_status = 0;
		calls[i].error_code = calls[i].error_message = NULL;
		aws_clear_error(c);
		st = s3_request(c, "HEAD", calls[i].bucket, calls[i].key, &f.reqs[i], &f.labels[i]);
		if (st != AWS_OK) {
			batch_failed(c, st, 0, &calls[i].status, &calls[i].http_status,
				     &calls[i].error_code, &calls[i].error_message);
			continue;
		}
		if (calls[i].checksum)
			http_request_header(&f.reqs[i], "x-amz-checksum-mode", "ENABLED");
		frame_built(&f, i);
	}
	http_perform(&c->http, f.ptrs, f.m);
	for (i = 0; i < n; i++) {
		if (f.built[i]) {
			aws_clear_error(c);
			st = aws_result(c, &f.reqs[i], f.labels[i].buf);
			if (st == AWS_OK)
				head_fill(&f.reqs[i], &calls[i].head, calls[i].checksum);
			else
				batch_failed(c, st, f.reqs[i].status, &calls[i].status,
					     &calls[i].http_status, &calls[i].error_code,
					     &calls[i].error_message);
		}
		frame_done(&f, i);
		if (calls[i].status != AWS_OK && failed == n)
			failed = i;
	}
	frame_release(&f);
	return failed == n ? batch_first(c, AWS_OK, NULL, NULL, 0)
			   : batch_first(c, calls[failed].status, calls[failed].error_message,
					 calls[failed].error_code, calls[failed].http_status);
}

void aws_s3_head_call_release(struct aws_s3_head_call *call)
{
	aws_s3_head_release(&call->head);
	free(call->error_code);
	free(call->error_message);
	call->error_code = call->error_message = NULL;
}

enum aws_status aws_s3_head_object(struct aws_client *c, const char *bucket, const char *key,
				   struct aws_s3_head *out)
{
	return s3_head(c, bucket, key, out, false);
}

enum aws_status aws_s3_head_object_checksum(struct aws_client *c, const char *bucket,
					    const char *key, struct aws_s3_head *out)
{
	return s3_head(c, bucket, key, out, true);
}

void aws_s3_head_release(struct aws_s3_head *h)
{
	size_t i;

	free(h->checksum_sha256);
	free(h->etag);
	free(h->content_type);
	for (i = 0; h->metadata && h->metadata[i]; i++)
		free(h->metadata[i]);
	free(h->metadata);
	memset(h, 0, sizeof(*h));
}
