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

enum aws_status aws_s3_head_object(struct aws_client *c, const char *bucket, const char *key,
				   struct aws_s3_head *out)
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
	http_perform_one(&c->http, &r);
	st = aws_result(c, &r, label.buf);
	if (st == AWS_OK) {
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

void aws_s3_head_release(struct aws_s3_head *h)
{
	size_t i;

	free(h->etag);
	free(h->content_type);
	for (i = 0; h->metadata && h->metadata[i]; i++)
		free(h->metadata[i]);
	free(h->metadata);
	memset(h, 0, sizeof(*h));
}
