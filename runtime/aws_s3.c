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

enum aws_status aws_s3_put_object(struct aws_client *c, const struct aws_s3_put *put,
				  char **etag)
{
	struct http_request r;
	struct strbuf label = STRBUF_INIT, name = STRBUF_INIT;
	enum aws_status st;
	FILE *f = NULL;
	size_t i;

	aws_clear_error(c);
	if (etag)
		*etag = NULL;
	st = s3_request(c, "PUT", put->bucket, put->key, &r, &label);
	if (st != AWS_OK) {
		strbuf_release(&label);
		return st;
	}
	http_request_header(&r, "Content-Type",
			    put->content_type ? put->content_type : "application/octet-stream");
	for (i = 0; put->metadata && put->metadata[i] && put->metadata[i + 1]; i += 2) {
		strbuf_reset(&name);
		strbuf_addf(&name, "x-amz-meta-%s", put->metadata[i]);
		http_request_header(&r, name.buf, put->metadata[i + 1]);
	}
	strbuf_release(&name);
	if (put->checksum_sha256) {
		char b64[45];

		if (!sha_hex_to_b64(put->checksum_sha256, b64)) {
			st = aws_fail(c, AWS_ERR_USAGE, "s3 PutObject: the checksum is not a hex SHA-256");
			goto out;
		}
		http_request_header(&r, "x-amz-sdk-checksum-algorithm", "SHA256");
		http_request_header(&r, "x-amz-checksum-sha256", b64);
	}
	if (put->path) {
		f = fopen(put->path, "rb");
		if (!f || sigv4_sha256_file(f, r.payload_hash, &r.upload_len) < 0) {
			st = aws_fail(c, AWS_ERR_IO, "s3 PutObject: cannot read '%s': %s", put->path,
				      strerror(errno));
			goto out;
		}
		r.upload = f;
	} else {
		r.body = put->data ? put->data : "";
		r.body_len = put->data ? put->len : 0;
	}
	http_perform_one(&c->http, &r);
	st = aws_result(c, &r, label.buf);
	if (st == AWS_OK && etag)
		*etag = unquote(http_response_header(&r, "etag"));
out:
	if (f)
		fclose(f);
	http_request_release(&r);
	strbuf_release(&label);
	return st;
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

static enum aws_status s3_head(struct aws_client *c, const char *bucket, const char *key,
			       struct aws_s3_head *out, bool checksum_mode)
{
	struct http_request r;
	struct strbuf label = STRBUF_INIT;
	enum aws_status st;
	size_t i, n = 0;
	const char *v;

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
	if (st == AWS_OK) {
		if (checksum_mode)
			out->checksum_sha256 = sha_b64_to_hex(http_response_header(&r, "x-amz-checksum-sha256"));
		v = http_response_header(&r, "content-length");
		out->size = v ? strtoll(v, NULL, 10) : -1;
		out->etag = unquote(http_response_header(&r, "etag"));
		v = http_response_header(&r, "content-type");
		out->content_type = v ? xstrdup(v) : NULL;
		out->metadata = xcalloc(2 * r.resp_headers.n + 1, sizeof(char *));
		for (i = 0; i < r.resp_headers.n; i++) {
			const char *hn = r.resp_headers.v[i].name;
			size_t k;

			if (strncasecmp(hn, "x-amz-meta-", 11))
				continue;
			out->metadata[n] = xstrdup(hn + 11);
			for (k = 0; out->metadata[n][k]; k++)
				out->metadata[n][k] = (char)tolower((unsigned char)out->metadata[n][k]);
			out->metadata[n + 1] = xstrdup(r.resp_headers.v[i].value);
			n += 2;
		}
	}
	http_request_release(&r);
	strbuf_release(&label);
	return st;
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
