#include "sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "xalloc.h"

/* botocore's SIGNED_HEADERS_BLACKLIST: headers proxies or the transport may change. */
static const char *const unsigned_headers[] = {
	"expect", "user-agent", "x-amzn-trace-id", "connection", "keep-alive",
	"proxy-authenticate", "proxy-authorization", "te", "trailer",
	"transfer-encoding", "upgrade", "authorization",
};

void sigv4_headers_add(struct sigv4_headers *h, const char *name, const char *value)
{
	XGROW(h->v, h->alloc, h->n + 1);
	h->v[h->n].name = xstrdup(name);
	h->v[h->n].value = xstrdup(value);
	h->n++;
}

static void header_free(struct sigv4_header *hd)
{
	free(hd->name);
	free(hd->value);
}

void sigv4_headers_remove(struct sigv4_headers *h, const char *name)
{
	size_t i, j = 0;

	for (i = 0; i < h->n; i++) {
		if (!strcasecmp(h->v[i].name, name))
			header_free(&h->v[i]);
		else
			h->v[j++] = h->v[i];
	}
	h->n = j;
}

void sigv4_headers_set(struct sigv4_headers *h, const char *name, const char *value)
{
	size_t i, j, k;

	for (i = 0; i < h->n; i++)
		if (!strcasecmp(h->v[i].name, name))
			break;
	if (i == h->n) {
		sigv4_headers_add(h, name, value);
		return;
	}
	free(h->v[i].value);
	h->v[i].value = xstrdup(value);
	for (j = k = i + 1; j < h->n; j++) {
		if (!strcasecmp(h->v[j].name, name))
			header_free(&h->v[j]);
		else
			h->v[k++] = h->v[j];
	}
	h->n = k;
}

const char *sigv4_headers_get(const struct sigv4_headers *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (!strcasecmp(h->v[i].name, name))
			return h->v[i].value;
	return NULL;
}

void sigv4_headers_release(struct sigv4_headers *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		header_free(&h->v[i]);
	free(h->v);
	h->v = NULL;
	h->n = h->alloc = 0;
}

void sigv4_trace_init(struct sigv4_trace *t)
{
	strbuf_init(&t->canonical_request, 0);
	strbuf_init(&t->string_to_sign, 0);
	strbuf_init(&t->signed_headers, 0);
	t->amz_date[0] = '\0';
}

void sigv4_trace_release(struct sigv4_trace *t)
{
	strbuf_release(&t->canonical_request);
	strbuf_release(&t->string_to_sign);
	strbuf_release(&t->signed_headers);
}

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

void sigv4_uri_encode(struct strbuf *out, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || (keep_slash && c == '/')) {
			strbuf_addch(out, c);
		} else {
			strbuf_addch(out, '%');
			strbuf_addch(out, hex[c >> 4]);
			strbuf_addch(out, hex[c & 15]);
		}
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..len); a '%' not followed by two hex digits stays literal. */
static void uri_decode(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			strbuf_addch(out, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			strbuf_addch(out, s[i]);
		}
	}
}

/*
 * botocore's remove_dot_segments: drops empty and "." segments, resolves
 * "..", keeps the leading '/' and a trailing '/' when anything remains.
 */
static void remove_dot_segments(struct strbuf *out, const char *path)
{
	size_t len = strlen(path), nseg = 0, alloc = 0, i;
	const char *p = path;
	struct { const char *s; size_t n; } *seg = NULL;

	if (!len)
		return;
	while (p <= path + len) {
		const char *e = strchr(p, '/');
		size_t n;

		if (!e)
			e = path + len;
		n = (size_t)(e - p);
		if (n && !(n == 1 && p[0] == '.')) {
			if (n == 2 && p[0] == '.' && p[1] == '.') {
				if (nseg)
					nseg--;
			} else {
				XGROW(seg, alloc, nseg + 1);
				seg[nseg].s = p;
				seg[nseg].n = n;
				nseg++;
			}
		}
		p = e + 1;
	}
	if (path[0] == '/')
		strbuf_addch(out, '/');
	for (i = 0; i < nseg; i++) {
		if (i)
			strbuf_addch(out, '/');
		strbuf_add(out, seg[i].s, seg[i].n);
	}
	if (path[len - 1] == '/' && nseg)
		strbuf_addch(out, '/');
	free(seg);
}

void sigv4_canonical_uri(struct strbuf *out, const char *path, bool s3)
{
	struct strbuf tmp = STRBUF_INIT;

	if (!path || !*path) {
		strbuf_addch(out, '/');
		return;
	}
	if (s3) {
		/* One encoding of the key as S3 decodes it; no normalisation. */
		uri_decode(&tmp, path, strlen(path));
	} else {
		/* Normalised wire path, encoded again ("double encoding"). */
		remove_dot_segments(&tmp, path);
	}
	sigv4_uri_encode(out, tmp.buf, tmp.len, true);
	strbuf_release(&tmp);
}

struct qparam {
	char *name;
	char *value;
};

static int qparam_cmp(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->value, y->value);
}

void sigv4_canonical_query(struct strbuf *out, const char *query)
{
	struct qparam *v = NULL;
	size_t n = 0, alloc = 0, i;
	const char *p = query;

	if (!query || !*query)
		return;
	while (*p) {
		const char *amp = strchr(p, '&'), *eq;
		size_t plen;
		struct strbuf raw = STRBUF_INIT, enc = STRBUF_INIT;

		if (!amp)
			amp = p + strlen(p);
		plen = (size_t)(amp - p);
		if (plen) {
			eq = memchr(p, '=', plen);
			XGROW(v, alloc, n + 1);
			uri_decode(&raw, p, eq ? (size_t)(eq - p) : plen);
			sigv4_uri_encode(&enc, raw.buf, raw.len, false);
			v[n].name = strbuf_detach(&enc, NULL);
			strbuf_reset(&raw);
			if (eq)
				uri_decode(&raw, eq + 1, plen - (size_t)(eq + 1 - p));
			sigv4_uri_encode(&enc, raw.buf, raw.len, false);
			v[n].value = strbuf_detach(&enc, NULL);
			n++;
		}
		strbuf_release(&raw);
		p = *amp ? amp + 1 : amp;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), qparam_cmp);
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, '&');
		strbuf_addf(out, "%s=%s", v[i].name, v[i].value);
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

bool sigv4_header_is_unsigned(const char *lower_name)
{
	size_t i;

	for (i = 0; i < sizeof(unsigned_headers) / sizeof(unsigned_headers[0]); i++)
		if (!strcmp(lower_name, unsigned_headers[i]))
			return true;
	return false;
}

struct chead {
	char *name;	/* lowercase */
	const char *value;
	size_t order;
};

static int chead_cmp(const void *a, const void *b)
{
	const struct chead *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Trims the ends and collapses inner whitespace runs to one space. */
static void add_trimmed(struct strbuf *out, const char *s)
{
	bool pending = false, any = false;

	for (; *s; s++) {
		if (is_ws((unsigned char)*s)) {
			pending = any;
			continue;
		}
		if (pending)
			strbuf_addch(out, ' ');
		pending = false;
		any = true;
		strbuf_addch(out, *s);
	}
}

void sigv4_canonical_headers(struct strbuf *out, struct strbuf *signed_names,
			     const struct sigv4_headers *h)
{
	sigv4_canonical_headers_all(out, signed_names, h, false);
}

void sigv4_canonical_headers_all(struct strbuf *out, struct strbuf *signed_names,
				 const struct sigv4_headers *h, bool all)
{
	struct chead *v = xcalloc(h->n ? h->n : 1, sizeof(*v));
	size_t n = 0, i, k;

	for (i = 0; i < h->n; i++) {
		char *lower = xstrdup(h->v[i].name);

		for (k = 0; lower[k]; k++)
			lower[k] = (char)tolower((unsigned char)lower[k]);
		if (!all && sigv4_header_is_unsigned(lower)) {
			free(lower);
			continue;
		}
		v[n].name = lower;
		v[n].value = h->v[i].value;
		v[n].order = i;
		n++;
	}
	qsort(v, n, sizeof(*v), chead_cmp);
	for (i = 0; i < n; i++) {
		bool first = i == 0 || strcmp(v[i].name, v[i - 1].name);

		if (first) {
			if (i)
				strbuf_addch(out, '\n');
			if (signed_names->len)
				strbuf_addch(signed_names, ';');
			strbuf_addstr(signed_names, v[i].name);
			strbuf_addstr(out, v[i].name);
			strbuf_addch(out, ':');
		} else {
			strbuf_addch(out, ',');
		}
		add_trimmed(out, v[i].value);
	}
	if (n)
		strbuf_addch(out, '\n');
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void sigv4_format_date(time_t t, char out[17])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

int sigv4_parse_date(const char *s, time_t *t)
{
	struct tm tm;
	int i;

	if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	for (i = 0; i < 15; i++)
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[4] - '0') * 10 + (s[5] - '0') - 1;
	tm.tm_mday = (s[6] - '0') * 10 + (s[7] - '0');
	tm.tm_hour = (s[9] - '0') * 10 + (s[10] - '0');
	tm.tm_min = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_sec = (s[13] - '0') * 10 + (s[14] - '0');
	if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	*t = timegm(&tm);
	return 0;
}

static void to_hex(const unsigned char *md, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * n] = '\0';
}

void sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(len ? data : (const void *)"", len, md);
	to_hex(md, sizeof(md), out);
}

int sigv4_sha256_file(FILE *f, char out[65], long long *size)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	long long total = 0;
	size_t n;
	int ok;

	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 && fseek(f, 0, SEEK_SET) == 0;
	while (ok && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		ok = EVP_DigestUpdate(ctx, buf, n) == 1;
		total += (long long)n;
	}
	if (ok && ferror(f))
		ok = 0;
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok || fseek(f, 0, SEEK_SET) != 0)
		return -1;
	to_hex(md, mdlen, out);
	if (size)
		*size = total;
	return 0;
}

static void hmac(const void *key, size_t keylen, const char *msg, size_t msglen,
		 unsigned char out[32])
{
	unsigned int outlen = 32;

	HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, msglen, out, &outlen);
}

int sigv4_sign(struct sigv4_request *req, const struct sigv4_params *p,
	       struct sigv4_trace *trace, const char **err)
{
	struct sigv4_trace local;
	struct sigv4_trace *t = trace ? trace : &local;
	struct strbuf auth = STRBUF_INIT, scope = STRBUF_INIT;
	char amz_date[17], date8[9], payload[65], crhash[65], sig[65];
	const char *payload_hash, *given;
	unsigned char k1[32], k2[32], k3[32], k4[32], mac[32];
	char *secret;
	size_t secret_len;

	if (!p->access_key || !*p->access_key || !p->secret_key || !p->region || !*p->region ||
	    !p->service || !*p->service) {
		if (err)
			*err = "missing access key, secret key, region or service";
		return -1;
	}
	if (!sigv4_headers_get(req->headers, "host")) {
		if (err)
			*err = "the request has no Host header";
		return -1;
	}
	if (!trace)
		sigv4_trace_init(&local);
	else {
		strbuf_reset(&t->canonical_request);
		strbuf_reset(&t->string_to_sign);
		strbuf_reset(&t->signed_headers);
	}

	sigv4_format_date(p->now, amz_date);
	memcpy(date8, amz_date, 8);
	date8[8] = '\0';
	memcpy(t->amz_date, amz_date, sizeof(amz_date));

	/* A retry must not carry the previous attempt's signature. */
	sigv4_headers_remove(req->headers, "authorization");
	sigv4_headers_set(req->headers, "X-Amz-Date", amz_date);
	if (p->session_token && *p->session_token)
		sigv4_headers_set(req->headers, "X-Amz-Security-Token", p->session_token);

	given = sigv4_headers_get(req->headers, "x-amz-content-sha256");
	if (given) {
		payload_hash = given;
	} else {
		if (req->payload_hash)
			snprintf(payload, sizeof(payload), "%s", req->payload_hash);
		else
			sigv4_sha256_hex(req->body, req->body_len, payload);
		payload_hash = payload;
		if (p->s3)
			sigv4_headers_add(req->headers, "X-Amz-Content-SHA256", payload);
	}

	/* Canonical request. */
	strbuf_addstr(&t->canonical_request, req->method);
	strbuf_addch(&t->canonical_request, '\n');
	sigv4_canonical_uri(&t->canonical_request, req->path, p->s3);
	strbuf_addch(&t->canonical_request, '\n');
	sigv4_canonical_query(&t->canonical_request, req->query);
	strbuf_addch(&t->canonical_request, '\n');
	sigv4_canonical_headers_all(&t->canonical_request, &t->signed_headers, req->headers,
				    p->sign_all_headers);
	strbuf_addch(&t->canonical_request, '\n');
	strbuf_addstr(&t->canonical_request, t->signed_headers.buf);
	strbuf_addch(&t->canonical_request, '\n');
	strbuf_addstr(&t->canonical_request, payload_hash);

	/* String to sign. */
	strbuf_addf(&scope, "%s/%s/%s/aws4_request", date8, p->region, p->service);
	sigv4_sha256_hex(t->canonical_request.buf, t->canonical_request.len, crhash);
	strbuf_addf(&t->string_to_sign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", amz_date, scope.buf,
		    crhash);

	/* Signing key chain. */
	secret_len = strlen(p->secret_key) + 4;
	secret = xmalloc(secret_len + 1);
	memcpy(secret, "AWS4", 4);
	memcpy(secret + 4, p->secret_key, secret_len - 4 + 1);
	hmac(secret, secret_len, date8, 8, k1);
	OPENSSL_cleanse(secret, secret_len);
	free(secret);
	hmac(k1, 32, p->region, strlen(p->region), k2);
	hmac(k2, 32, p->service, strlen(p->service), k3);
	hmac(k3, 32, "aws4_request", 12, k4);
	hmac(k4, 32, t->string_to_sign.buf, t->string_to_sign.len, mac);
	to_hex(mac, 32, sig);
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	OPENSSL_cleanse(k3, sizeof(k3));
	OPENSSL_cleanse(k4, sizeof(k4));
	OPENSSL_cleanse(mac, sizeof(mac));

	strbuf_addf(&auth, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		    p->access_key, scope.buf, t->signed_headers.buf, sig);
	sigv4_headers_add(req->headers, "Authorization", auth.buf);
	OPENSSL_cleanse(sig, sizeof(sig));
	strbuf_release(&auth);
	strbuf_release(&scope);
	if (!trace)
		sigv4_trace_release(&local);
	return 0;
}
