/* Unit tests of the SigV4 signer: vectors computed with botocore's
 * SigV4Auth/S3SigV4Auth (AKIDEXAMPLE, 20150830T123600Z), and each
 * canonicalisation step on its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "sigv4.h"
#include "strbuf.h"
#include "unit.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

struct vec {
	const char *name;
	const char *method, *path, *query;
	const char *headers[8];	/* name, value pairs */
	const char *body;
	const char *service;
	const char *token;
	int s3;
	const char *canonical;
	const char *signature;
};

static const struct vec vectors[] = {
	{ "get-vanilla", "GET", "/", NULL, { "Host", "example.amazonaws.com" }, "", "service",
	  NULL, 0,
	  "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
	  SIGV4_EMPTY_SHA256,
	  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
	{ "get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1",
	  { "Host", "example.amazonaws.com" }, "", "service", NULL, 0,
	  "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
	  "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" SIGV4_EMPTY_SHA256,
	  "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
	{ "repeated-and-padded-header", "GET", "/", NULL,
	  { "Host", "example.amazonaws.com", "My-Header1", "value1", "My-Header1", "value2",
	    "My-Header1", "  a   b  " }, "", "service", NULL, 0,
	  "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1,value2,a b\n"
	  "x-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" SIGV4_EMPTY_SHA256,
	  "7c836482d9a2b40934ee3e329ebef114208c0386f0b36e75a5b25cf5215d413d" },
	{ "glue-with-session-token", "POST", "/", NULL,
	  { "Host", "glue.us-east-1.amazonaws.com", "X-Amz-Target", "AWSGlue.GetJobs",
	    "Content-Type", "application/x-amz-json-1.1" }, "{}", "glue",
	  "FQoGZXIvYXdzEXAMPLE/token+=", 0,
	  "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:glue.us-east-1.amazonaws.com\n"
	  "x-amz-date:20150830T123600Z\nx-amz-security-token:FQoGZXIvYXdzEXAMPLE/token+=\n"
	  "x-amz-target:AWSGlue.GetJobs\n\n"
	  "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n"
	  "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
	  "c557dad3a2a2f7b69c1fbc363269f16683123c51d5beb751f6d88dccfcf9d513" },
	{ "s3-no-normalisation", "GET", "/bucket/a%20b/..//c", NULL, { "Host", "s3.amazonaws.com" },
	  "", "s3", NULL, 1,
	  "GET\n/bucket/a%20b/..//c\n\nhost:s3.amazonaws.com\nx-amz-content-sha256:" SIGV4_EMPTY_SHA256
	  "\nx-amz-date:20150830T123600Z\n\nhost;x-amz-content-sha256;x-amz-date\n"
	  SIGV4_EMPTY_SHA256,
	  "37bb04458156c02aab80b65591ebe5adb448c0ede23d6710f77d999fa7242661" },
	{ "non-s3-dot-segments-double-encoding", "GET", "/a/./b/../c//d%20e/", NULL,
	  { "Host", "example.amazonaws.com" }, "", "service", NULL, 0,
	  "GET\n/a/c/d%2520e/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
	  "host;x-amz-date\n" SIGV4_EMPTY_SHA256,
	  "8534acf9c5b6100f9d76f0acd280ab47b64e1a30d1dd75c94e9a0234cce640c7" },
};

static void test_vectors(void)
{
	size_t i, k;
	char name[128];

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vec *v = &vectors[i];
		struct sigv4_headers h = SIGV4_HEADERS_INIT;
		struct sigv4_request req;
		struct sigv4_params p;
		struct sigv4_trace t;
		const char *auth, *sig;

		for (k = 0; k < 8 && v->headers[k]; k += 2)
			sigv4_headers_add(&h, v->headers[k], v->headers[k + 1]);
		memset(&req, 0, sizeof(req));
		req.method = v->method;
		req.path = v->path;
		req.query = v->query;
		req.headers = &h;
		req.body = v->body;
		req.body_len = strlen(v->body);
		memset(&p, 0, sizeof(p));
		p.access_key = "AKIDEXAMPLE";
		p.secret_key = SECRET;
		p.session_token = v->token;
		p.region = "us-east-1";
		p.service = v->service;
		p.s3 = v->s3;
		sigv4_parse_date("20150830T123600Z", &p.now);
		sigv4_trace_init(&t);
		snprintf(name, sizeof(name), "sigv4 %s signs", v->name);
		CHECK(name, sigv4_sign(&req, &p, &t, NULL) == 0);
		snprintf(name, sizeof(name), "sigv4 %s canonical request", v->name);
		CHECK_STR(name, t.canonical_request.buf, v->canonical);
		auth = sigv4_headers_get(&h, "authorization");
		sig = auth ? strstr(auth, "Signature=") : NULL;
		snprintf(name, sizeof(name), "sigv4 %s signature", v->name);
		CHECK_STR(name, sig ? sig + 10 : NULL, v->signature);
		snprintf(name, sizeof(name), "sigv4 %s credential scope", v->name);
		CHECK(name, auth && strstr(auth, "Credential=AKIDEXAMPLE/20150830/us-east-1/"));
		if (v->token) {
			snprintf(name, sizeof(name), "sigv4 %s adds X-Amz-Security-Token", v->name);
			CHECK_STR(name, sigv4_headers_get(&h, "x-amz-security-token"), v->token);
		}
		/* Signing again (a retry) replaces, never duplicates, what it added. */
		sigv4_sign(&req, &p, &t, NULL);
		snprintf(name, sizeof(name), "sigv4 %s re-signing is idempotent", v->name);
		CHECK_STR(name, strstr(sigv4_headers_get(&h, "authorization"), "Signature=") + 10,
			  v->signature);
		sigv4_trace_release(&t);
		sigv4_headers_release(&h);
	}
}

static void check_uri(const char *name, const char *path, int s3, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	sigv4_canonical_uri(&sb, path, s3);
	CHECK_STR(name, sb.buf, want);
	strbuf_release(&sb);
}

static void check_query(const char *name, const char *q, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	sigv4_canonical_query(&sb, q);
	CHECK_STR(name, sb.buf, want);
	strbuf_release(&sb);
}

static void test_canonical_uri(void)
{
	check_uri("uri empty path is /", "", 0, "/");
	check_uri("uri dot segments removed", "/a/./b/../c", 0, "/a/c");
	check_uri("uri '..' above the root stays at the root", "/../../a", 0, "/a");
	check_uri("uri '//' collapsed (non-S3)", "//a//b", 0, "/a/b");
	check_uri("uri trailing slash kept", "/a/b/", 0, "/a/b/");
	check_uri("uri only dots is /", "/./.", 0, "/");
	check_uri("uri double encoding (non-S3)", "/stage/my%20res", 0, "/stage/my%2520res");
	check_uri("uri raw reserved characters encoded", "/a!b*c(d)", 0, "/a%21b%2Ac%28d%29");
	check_uri("uri unicode bytes encoded once", "/\xc3\xa9", 0, "/%C3%A9");
	check_uri("uri S3 keeps '//' and '..'", "/b/a//../c", 1, "/b/a//../c");
	check_uri("uri S3 single encoding", "/b/my%20key", 1, "/b/my%20key");
	check_uri("uri S3 lowercase hex normalised", "/b/%c3%a9", 1, "/b/%C3%A9");
	check_uri("uri S3 raw '!' encoded", "/b/a!", 1, "/b/a%21");
}

static void test_canonical_query(void)
{
	check_query("query sorted by name", "b=2&a=1", "a=1&b=2");
	check_query("query name sort beats '=' order", "Param-3=x&Param=y", "Param=y&Param-3=x");
	check_query("query uppercase before lowercase", "a=1&B=2", "B=2&a=1");
	check_query("query repeated keys sorted by value", "k=b&k=a&k=", "k=&k=a&k=b");
	check_query("query valueless param gets '='", "tagging", "tagging=");
	check_query("query split at the first '='", "a=b=c", "a=b%3Dc");
	check_query("query '/' re-encoded", "prefix=dir/sub/", "prefix=dir%2Fsub%2F");
	check_query("query decoded then re-encoded", "a=%7e%2a+", "a=~%2A%2B");
	check_query("query space is %20", "a=x%20y", "a=x%20y");
	check_query("query empty parts skipped", "a=1&&b=2&", "a=1&b=2");
	check_query("query stray '%' encoded", "a=100%", "a=100%25");
	check_query("query empty", "", "");
}

static void test_canonical_headers(void)
{
	struct sigv4_headers h = SIGV4_HEADERS_INIT;
	struct strbuf out = STRBUF_INIT, names = STRBUF_INIT;

	sigv4_headers_add(&h, "X-Amz-Meta-Test-Two", "2");
	sigv4_headers_add(&h, "x-amz-meta-test", "\t one \t two ");
	sigv4_headers_add(&h, "User-Agent", "never signed");
	sigv4_headers_add(&h, "Expect", "100-continue");
	sigv4_headers_add(&h, "X-Amzn-Trace-Id", "Root=1");
	sigv4_headers_add(&h, "Host", "h");
	sigv4_headers_add(&h, "X-AMZ-META-TEST", "three");
	sigv4_headers_add(&h, "X-Empty", "");
	sigv4_canonical_headers(&out, &names, &h);
	CHECK_STR("headers sorted by name only, merged in send order, trimmed",
		  out.buf,
		  "host:h\nx-amz-meta-test:one two,three\nx-amz-meta-test-two:2\nx-empty:\n");
	CHECK_STR("headers signed names skip botocore's unsigned list", names.buf,
		  "host;x-amz-meta-test;x-amz-meta-test-two;x-empty");
	CHECK("unsigned list has user-agent", sigv4_header_is_unsigned("user-agent"));
	CHECK("unsigned list lacks content-type", !sigv4_header_is_unsigned("content-type"));

	sigv4_headers_set(&h, "x-amz-meta-test", "new");
	CHECK_STR("headers_set replaces the first and drops duplicates",
		  sigv4_headers_get(&h, "X-Amz-Meta-Test"), "new");
	CHECK("headers_set keeps the position", !strcmp(h.v[1].value, "new") && h.n == 7);
	sigv4_headers_remove(&h, "expect");
	CHECK("headers_remove", !sigv4_headers_get(&h, "Expect") && h.n == 6);
	strbuf_release(&out);
	strbuf_release(&names);
	sigv4_headers_release(&h);
}

static void test_s3_payload(void)
{
	struct sigv4_headers h = SIGV4_HEADERS_INIT;
	struct sigv4_request req;
	struct sigv4_params p;
	struct sigv4_trace t;
	char hex[65];

	sigv4_headers_add(&h, "Host", "b.s3.amazonaws.com");
	memset(&req, 0, sizeof(req));
	req.method = "PUT";
	req.path = "/k";
	req.headers = &h;
	req.body = "hello";
	req.body_len = 5;
	memset(&p, 0, sizeof(p));
	p.access_key = "AKID";
	p.secret_key = "s";
	p.region = "eu-west-1";
	p.service = "s3";
	p.s3 = true;
	p.now = 0;
	sigv4_trace_init(&t);
	sigv4_sign(&req, &p, &t, NULL);
	sigv4_sha256_hex("hello", 5, hex);
	CHECK_STR("s3 adds X-Amz-Content-SHA256 with the real payload hash",
		  sigv4_headers_get(&h, "x-amz-content-sha256"), hex);
	CHECK("s3 signs x-amz-content-sha256", strstr(t.signed_headers.buf, "x-amz-content-sha256"));
	sigv4_headers_set(&h, "X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
	sigv4_sign(&req, &p, &t, NULL);
	CHECK("an explicit UNSIGNED-PAYLOAD is kept as the payload hash",
	      strstr(t.canonical_request.buf, "\nUNSIGNED-PAYLOAD") != NULL);
	CHECK_STR("x-amz-date from the injected clock", sigv4_headers_get(&h, "x-amz-date"),
		  "19700101T000000Z");
	sigv4_trace_release(&t);
	sigv4_headers_release(&h);

	sigv4_headers_add(&h, "X-No-Host", "1");
	req.headers = &h;
	{
		const char *err = NULL;

		CHECK("a request without Host is refused", sigv4_sign(&req, &p, NULL, &err) < 0 && err);
	}
	sigv4_headers_release(&h);
}

static void test_dates_and_hashes(void)
{
	time_t t;
	char buf[17], hex[65];
	FILE *f = tmpfile();
	long long size = 0;

	CHECK("parse date", sigv4_parse_date("20150830T123600Z", &t) == 0 && t == 1440938160);
	sigv4_format_date(t, buf);
	CHECK_STR("format date", buf, "20150830T123600Z");
	CHECK("bad date refused", sigv4_parse_date("2015-08-30T12:36:00Z", &t) < 0);
	CHECK("bad month refused", sigv4_parse_date("20151330T123600Z", &t) < 0);
	sigv4_sha256_hex("", 0, hex);
	CHECK_STR("sha256 of nothing", hex, SIGV4_EMPTY_SHA256);
	if (f) {
		fputs("abc", f);
		CHECK("sha256 of a file (EVP stream)", sigv4_sha256_file(f, hex, &size) == 0 && size == 3);
		CHECK_STR("sha256 of a file value", hex,
			  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		fclose(f);
	}
}

static void test_redaction(void)
{
	struct strbuf cr = STRBUF_INIT;

	strbuf_addstr(&cr, "POST\n/\n\nhost:h\nx-amz-security-token:SECRETTOKEN\nx-amz-target:t\n\n"
			   "host;x-amz-security-token;x-amz-target\nabc");
	http_redact_canonical(&cr);
	CHECK("trace redacts the session token", !strstr(cr.buf, "SECRETTOKEN"));
	CHECK("trace keeps the rest of the canonical request",
	      strstr(cr.buf, "x-amz-security-token:<redacted>\nx-amz-target:t\n") != NULL);
	strbuf_release(&cr);
}

int main(void)
{
	test_vectors();
	test_canonical_uri();
	test_canonical_query();
	test_canonical_headers();
	test_s3_payload();
	test_dates_and_hashes();
	test_redaction();
	return unit_done();
}
