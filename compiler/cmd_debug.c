/*
 * cmd_debug: `pipec debug sign` (SigV4-sign a raw HTTP/1.1 request, for
 * differential tests and for users chasing SignatureDoesNotMatch) and
 * `pipec debug call` (one Glue/EventBridge/STS call through the full
 * credential chain, printing the response JSON).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws.h"
#include "diag.h"
#include "parse.h"
#include "sigv4.h"
#include "source.h"
#include "strbuf.h"
#include "xalloc.h"

static const char debug_usage[] =
	"usage: pipec debug <sign|call|tokens> [options]\n"
	"\n"
	"  sign [FILE]                  sign a raw HTTP/1.1 request (stdin when no FILE)\n"
	"  call SERVICE OPERATION [JSON] call an AWS API and print the response JSON\n"
	"  tokens FILE...               print the tokens of .pipe files as the scanner reads them\n"
	"\n"
	"Run 'pipec debug sign --help', 'pipec debug call --help' or\n"
	"'pipec debug tokens --help' for details.\n";

static const char tokens_usage[] =
	"usage: pipec debug tokens [--format text|json] FILE...\n"
	"\n"
	"Prints each token of the .pipe files as pipec's scanner reads them, comments\n"
	"included: its kind (keyword, name, quoted-name, string, number, duration,\n"
	"punct, comment), where it is and its text.  Text: one line per token,\n"
	"FILE:LINE:COLUMN KIND TEXT (TEXT as a JSON string).  JSON: an array with one\n"
	"object per file, {\"file\", \"tokens\": [{\"kind\", \"start\", \"end\", \"line\",\n"
	"\"column\"}]}, start and end being byte offsets in the file, line and column\n"
	"1-based (columns count characters).  Text the scanner refuses is reported on\n"
	"stderr and has no token.  For editor grammars and tools that colour .pipe text.\n"
	"\n"
	"Exit status: 0 success, 1 a file could not be read or has invalid text,\n"
	"2 usage error.\n";

static const char sign_usage[] =
	"usage: pipec debug sign [FILE] --access-key KEY --secret-key SECRET\n"
	"                        [--session-token TOKEN] --region REGION --service NAME\n"
	"                        [--time YYYYMMDDTHHMMSSZ] [--canonical]\n"
	"\n"
	"Reads a raw HTTP/1.1 request (request line, headers, blank line, body) from\n"
	"FILE or stdin, signs it with AWS Signature Version 4 and prints the signed\n"
	"request in the same form: original headers in their order, then the added\n"
	"X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-SHA256 (S3) and Authorization.\n"
	"Every header present is signed. The request must carry a Host header.\n"
	"\n"
	"  --service s3        selects the S3 rules (no path normalisation, single\n"
	"                      encoding, X-Amz-Content-SHA256 added)\n"
	"  --time T            signing time; default: the request's X-Amz-Date, else now\n"
	"  --canonical         print the canonical request instead of the signed request\n"
	"  --string-to-sign    print the string to sign instead of the signed request\n"
	"\n"
	"Missing key options fall back to AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
	"AWS_SESSION_TOKEN and AWS_REGION. --secret-key and --session-token print a\n"
	"warning on stderr (a secret on the command line shows in the process list and\n"
	"the shell history): prefer the environment.\n";

static const char call_usage[] =
	"usage: pipec debug call SERVICE OPERATION [JSON] [--region REGION] [--profile NAME]\n"
	"                        [--endpoint-url URL] [--verbose]\n"
	"\n"
	"Calls one AWS API operation through pipec's runtime (credential chain,\n"
	"signing, retries) and prints the response as JSON.  JSON is the request\n"
	"body ('-' reads it from stdin; default {}).\n"
	"\n"
	"  glue OPERATION       any Glue operation (AWSGlue.OPERATION, JSON 1.1)\n"
	"  events OPERATION     any EventBridge operation (AWSEvents.OPERATION)\n"
	"  athena OPERATION     any Athena operation (AmazonAthena.OPERATION)\n"
	"  redshift-data OPERATION\n"
	"                       any Redshift Data API operation (RedshiftData.OPERATION)\n"
	"  logs OPERATION       any CloudWatch Logs operation (Logs_20140328.OPERATION)\n"
	"  sts GetCallerIdentity\n"
	"  sts AssumeRole       {\"RoleArn\", \"RoleSessionName\"[, \"ExternalId\", \"DurationSeconds\"]}\n"
	"  s3 PutObject         {\"Bucket\", \"Key\", \"Body\" | \"File\"[, \"ContentType\"]}\n"
	"  s3 GetObject         {\"Bucket\", \"Key\"}  (prints {\"Body\": ...})\n"
	"  s3 HeadObject        {\"Bucket\", \"Key\"}\n"
	"\n"
	"  --verbose            trace every HTTP attempt on stderr (secrets redacted)\n"
	"  --parallel N         glue/events/logs: send the call N times in one parallel batch\n"
	"                       and print the array of responses (a concurrency test aid)\n"
	"\n"
	"Exit status: 0 success, 1 the call failed, 2 usage error.\n";

/* ---- debug sign ---- */

static int read_all(const char *path, struct strbuf *sb)
{
	FILE *f = path ? fopen(path, "rb") : stdin;
	char buf[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(sb, buf, n);
	n = (size_t)ferror(f);
	if (path)
		fclose(f);
	return n ? -1 : 0;
}

/* A line of [p, end) without its terminator; returns the start of the next line. */
static const char *next_line(const char *p, const char *end, const char **line_end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (!nl) {
		*line_end = end;
		return end;
	}
	*line_end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	return nl + 1;
}

struct raw_request {
	char *method;
	char *target;
	char *version;
	char *path;
	char *query;	/* NULL: none */
	struct sigv4_headers headers;
	const char *eol;
	const char *body;
	size_t body_len;
};

static void raw_request_release(struct raw_request *r)
{
	free(r->method);
	free(r->target);
	free(r->version);
	free(r->path);
	free(r->query);
	sigv4_headers_release(&r->headers);
}

static int parse_raw_request(const char *buf, size_t len, struct raw_request *r, const char **err)
{
	const char *p = buf, *end = buf + len, *le, *sp1, *sp2, *t, *q;

	memset(r, 0, sizeof(*r));
	p = next_line(p, end, &le);
	r->eol = (le < end && *le == '\r') ? "\r\n" : "\n";
	/* METHOD TARGET VERSION: the target is what lies between the first
	 * and the last space, so a path may hold spaces (the AWS SigV4 test
	 * suite's "get-space": GET /example space/ HTTP/1.1) */
	sp1 = memchr(buf, ' ', (size_t)(le - buf));
	for (sp2 = le; sp1 && sp2 > sp1 + 1 && sp2[-1] != ' '; sp2--)
		;
	sp2 = sp1 && sp2 > sp1 + 1 ? sp2 - 1 : NULL;
	if (!sp1 || !sp2 || sp1 == buf || sp2 == sp1 + 1 || strncmp(sp2 + 1, "HTTP/", 5)) {
		*err = "the first line is not an HTTP request line (METHOD TARGET HTTP/1.1)";
		return -1;
	}
	r->method = xstrndup(buf, (size_t)(sp1 - buf));
	r->target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	r->version = xstrndup(sp2 + 1, (size_t)(le - sp2 - 1));
	t = r->target;
	if (!strncmp(t, "http://", 7) || !strncmp(t, "https://", 8)) {
		t = strstr(t, "://") + 3;
		t += strcspn(t, "/?");
	}
	q = strchr(t, '?');
	r->path = q ? xstrndup(t, (size_t)(q - t)) : xstrdup(t);
	if (!*r->path) {
		free(r->path);
		r->path = xstrdup("/");
	}
	if (q)
		r->query = xstrdup(q + 1);

	for (;;) {
		const char *line = p, *colon;

		if (p >= end)
			break;	/* headers up to the end: no body (the AWS test suite's form) */
		p = next_line(p, end, &le);
		if (le == line)
			break;
		if (*line == ' ' || *line == '\t') {
			/* Obsolete line folding: continues the previous value. */
			struct strbuf v = STRBUF_INIT;
			struct sigv4_header *h;

			if (!r->headers.n) {
				*err = "a continuation line comes before any header";
				return -1;
			}
			h = &r->headers.v[r->headers.n - 1];
			strbuf_addstr(&v, h->value);
			strbuf_addch(&v, ' ');
			strbuf_add(&v, line, (size_t)(le - line));
			free(h->value);
			h->value = strbuf_detach(&v, NULL);
			continue;
		}
		colon = memchr(line, ':', (size_t)(le - line));
		if (!colon || colon == line) {
			*err = "a header line has no 'name:'";
			return -1;
		}
		{
			char *name = xstrndup(line, (size_t)(colon - line));
			char *value = xstrndup(colon + 1, (size_t)(le - colon - 1));

			sigv4_headers_add(&r->headers, name, value);
			free(name);
			free(value);
		}
	}
	r->body = p;
	r->body_len = (size_t)(end - p);
	return 0;
}

static const char *opt_or_env(const char *opt, const char *env)
{
	const char *v;

	if (opt)
		return opt;
	v = getenv(env);
	return v && *v ? v : NULL;
}

/*
 * A secret on the command line lands in the process list and the shell
 * history.  The warning names the flag only, never its value.
 */
static void warn_secret_flags(bool secret_key, bool session_token)
{
	if (secret_key)
		fprintf(stderr, "warning: --secret-key exposes the secret in the process list and "
				"shell history; set AWS_SECRET_ACCESS_KEY instead (or use a profile "
				"with pipec debug call --profile)\n");
	if (session_token)
		fprintf(stderr, "warning: --session-token exposes the token in the process list and "
				"shell history; set AWS_SESSION_TOKEN instead\n");
}

/* The options of debug sign; the value options first, in the order of
 * set_sign_option's slots. */
enum { SIGN_ACCESS_KEY, SIGN_SECRET_KEY, SIGN_SESSION_TOKEN, SIGN_REGION, SIGN_SERVICE,
       SIGN_TIME, SIGN_CANONICAL, SIGN_STRING_TO_SIGN };

static const struct cli_opt sign_opts[] = {
	{ "--canonical", NULL, false, SIGN_CANONICAL },
	{ "--string-to-sign", NULL, false, SIGN_STRING_TO_SIGN },
	{ "--access-key", NULL, true, SIGN_ACCESS_KEY },
	{ "--secret-key", NULL, true, SIGN_SECRET_KEY },
	{ "--session-token", NULL, true, SIGN_SESSION_TOKEN },
	{ "--region", NULL, true, SIGN_REGION },
	{ "--service", NULL, true, SIGN_SERVICE },
	{ "--time", NULL, true, SIGN_TIME },
};

struct sign_args {
	const char *ak, *sk, *token, *region, *service, *when, *file;
	bool canonical, sts;
};

static int set_sign_option(void *ctx, int id, const char *opt, const char *v)
{
	struct sign_args *a = ctx;
	const char **slots[] = { &a->ak, &a->sk, &a->token, &a->region, &a->service, &a->when };

	(void)opt;
	if (id == SIGN_CANONICAL) {
		a->canonical = true;
	} else if (id == SIGN_STRING_TO_SIGN) {
		a->sts = true;
	} else if (id != CLI_OPERAND) {
		*slots[id] = v;
	} else if (a->file) {
		return cli_usage_error("debug sign", "more than one input file");
	} else {
		a->file = v;
	}
	return 0;
}

static int debug_sign(int argc, char **argv)
{
	struct sign_args a = { 0 };
	struct cli_spec spec = {
		.cmd = "debug sign", .usage = sign_usage,
		.opts = sign_opts, .nopts = sizeof(sign_opts) / sizeof(sign_opts[0]),
		.set = set_sign_option, .ctx = &a,
	};
	const char *ak, *sk, *token, *region, *err = NULL, *v;
	struct strbuf in = STRBUF_INIT;
	struct raw_request r;
	struct sigv4_params p;
	struct sigv4_request req;
	struct sigv4_trace trace;
	size_t k;
	int rc = 1;

	if (cli_parse(&spec, argc, argv, &rc) != 0)
		return rc;
	warn_secret_flags(a.sk != NULL, a.token != NULL);
	ak = opt_or_env(a.ak, "AWS_ACCESS_KEY_ID");
	sk = opt_or_env(a.sk, "AWS_SECRET_ACCESS_KEY");
	token = opt_or_env(a.token, "AWS_SESSION_TOKEN");
	region = opt_or_env(a.region, "AWS_REGION");
	if (!ak || !sk)
		return cli_usage_error("debug sign", "--access-key and --secret-key are required");
	if (!region)
		return cli_usage_error("debug sign", "--region is required");
	if (!a.service)
		return cli_usage_error("debug sign", "--service is required");

	if (read_all(a.file && strcmp(a.file, "-") ? a.file : NULL, &in) < 0) {
		fprintf(stderr, "pipec: error: cannot read '%s': %s\n", a.file ? a.file : "<stdin>",
			strerror(errno));
		strbuf_release(&in);
		return 1;
	}
	if (parse_raw_request(in.buf, in.len, &r, &err) < 0) {
		fprintf(stderr, "pipec: error: %s: %s\n", a.file ? a.file : "<stdin>", err);
		raw_request_release(&r);
		strbuf_release(&in);
		return 1;
	}

	memset(&p, 0, sizeof(p));
	p.access_key = ak;
	p.secret_key = sk;
	p.session_token = token;
	p.region = region;
	p.service = a.service;
	p.s3 = !strcmp(a.service, "s3");
	/* the request is signed as given: every header present is signed */
	p.sign_all_headers = true;
	v = a.when ? a.when : sigv4_headers_get(&r.headers, "x-amz-date");
	if (v) {
		struct strbuf trimmed = STRBUF_INIT;

		strbuf_addstr(&trimmed, v + strspn(v, " \t"));
		while (trimmed.len && strchr(" \t", trimmed.buf[trimmed.len - 1]))
			strbuf_setlen(&trimmed, trimmed.len - 1);
		if (sigv4_parse_date(trimmed.buf, &p.now) < 0) {
			strbuf_release(&trimmed);
			raw_request_release(&r);
			strbuf_release(&in);
			return cli_usage_error("debug sign", "bad time '%s' (want YYYYMMDDTHHMMSSZ)", v);
		}
		strbuf_release(&trimmed);
	} else {
		p.now = time(NULL);
	}

	memset(&req, 0, sizeof(req));
	req.method = r.method;
	req.path = r.path;
	req.query = r.query;
	req.headers = &r.headers;
	req.body = r.body;
	req.body_len = r.body_len;
	sigv4_trace_init(&trace);
	if (sigv4_sign(&req, &p, &trace, &err) < 0) {
		fprintf(stderr, "pipec: error: cannot sign: %s\n", err);
		goto out;
	}
	if (a.canonical || a.sts) {
		if (a.canonical)
			printf("%s\n", trace.canonical_request.buf);
		if (a.canonical && a.sts)
			printf("\n");
		if (a.sts)
			printf("%s\n", trace.string_to_sign.buf);
		rc = 0;
		goto out;
	}
	printf("%s %s %s%s", r.method, r.target, r.version, r.eol);
	for (k = 0; k < r.headers.n; k++) {
		const char *val = r.headers.v[k].value;

		printf("%s: %s%s", r.headers.v[k].name, val + strspn(val, " \t"), r.eol);
	}
	fputs(r.eol, stdout);
	fwrite(r.body, 1, r.body_len, stdout);
	rc = fflush(stdout) ? 1 : 0;
out:
	sigv4_trace_release(&trace);
	raw_request_release(&r);
	strbuf_release(&in);
	return rc;
}

/* ---- debug call ---- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	if (!s)
		return 1;
	printf("%s\n", s);
	free(s);
	return fflush(stdout) ? 1 : 0;
}

static const char *jstr(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

static enum aws_status call_sts(struct aws_client *c, const char *op, json_t *body, json_t **out)
{
	enum aws_status st;

	if (!strcmp(op, "GetCallerIdentity")) {
		struct aws_identity id;

		st = aws_sts_get_caller_identity(c, &id);
		if (st == AWS_OK) {
			*out = json_pack("{s:o, s:o, s:o}", "Account", str_or_null(id.account),
					 "Arn", str_or_null(id.arn), "UserId",
					 str_or_null(id.user_id));
			aws_identity_release(&id);
		}
		return st;
	}
	if (!strcmp(op, "AssumeRole")) {
		struct aws_credentials cr;
		json_int_t dur = json_integer_value(json_object_get(body, "DurationSeconds"));

		st = aws_sts_assume_role(c, jstr(body, "RoleArn"), jstr(body, "RoleSessionName"),
					 jstr(body, "ExternalId"), (int)dur, &cr);
		if (st == AWS_OK) {
			/* Never print the secret or the token: only that they exist. */
			*out = json_pack("{s:{s:o, s:b, s:b, s:I}}", "Credentials", "AccessKeyId",
					 str_or_null(cr.access_key_id), "HasSecretAccessKey",
					 cr.secret_access_key != NULL, "HasSessionToken",
					 cr.session_token != NULL, "Expiration",
					 (json_int_t)cr.expiration);
			aws_credentials_release(&cr);
		}
		return st;
	}
	fprintf(stderr, "pipec: error: 'pipec debug call sts' supports GetCallerIdentity and "
			"AssumeRole, not '%s'\n", op);
	return AWS_ERR_USAGE;
}

static enum aws_status call_s3(struct aws_client *c, const char *op, json_t *body, json_t **out)
{
	const char *bucket = jstr(body, "Bucket"), *key = jstr(body, "Key");
	enum aws_status st;

	if (!bucket || !key) {
		fprintf(stderr, "pipec: error: s3 %s needs \"Bucket\" and \"Key\"\n", op);
		return AWS_ERR_USAGE;
	}
	if (!strcmp(op, "PutObject")) {
		struct aws_s3_put put;
		char *etag = NULL;
		const char *data = jstr(body, "Body");

		memset(&put, 0, sizeof(put));
		put.bucket = bucket;
		put.key = key;
		put.data = data ? data : "";
		put.len = data ? strlen(data) : 0;
		put.path = jstr(body, "File");
		if (put.path)
			put.data = NULL;
		put.content_type = jstr(body, "ContentType");
		st = aws_s3_put_object(c, &put, &etag);
		if (st == AWS_OK)
			*out = json_pack("{s:o}", "ETag", str_or_null(etag));
		free(etag);
		return st;
	}
	if (!strcmp(op, "GetObject")) {
		char *data = NULL;
		size_t len = 0;

		st = aws_s3_get_object(c, bucket, key, &data, &len);
		if (st == AWS_OK)
			*out = json_pack("{s:s%, s:I}", "Body", data, len, "ContentLength",
					 (json_int_t)len);
		free(data);
		if (st == AWS_OK && !*out) {
			fprintf(stderr, "pipec: error: the object is not UTF-8 text\n");
			return AWS_ERR_RESPONSE;
		}
		return st;
	}
	if (!strcmp(op, "HeadObject")) {
		struct aws_s3_head h;

		st = aws_s3_head_object(c, bucket, key, &h);
		if (st == AWS_OK) {
			json_t *meta = json_object();
			size_t k;

			for (k = 0; h.metadata && h.metadata[k]; k += 2)
				json_object_set_new(meta, h.metadata[k], json_string(h.metadata[k + 1]));
			*out = json_pack("{s:I, s:o, s:o, s:o}", "ContentLength",
					 (json_int_t)h.size, "ETag", str_or_null(h.etag),
					 "ContentType", str_or_null(h.content_type), "Metadata", meta);
			aws_s3_head_release(&h);
		}
		return st;
	}
	fprintf(stderr, "pipec: error: 'pipec debug call s3' supports PutObject, GetObject and "
			"HeadObject, not '%s'\n", op);
	return AWS_ERR_USAGE;
}

static enum aws_status call_batch(struct aws_client *c, enum aws_service svc, const char *op,
				  json_t *body, size_t n, json_t **out)
{
	struct aws_call *calls = xcalloc(n, sizeof(*calls));
	enum aws_status st;
	size_t k;

	for (k = 0; k < n; k++) {
		calls[k].service = svc;
		calls[k].operation = op;
		calls[k].body = json_deep_copy(body);
	}
	json_decref(body);
	st = aws_json_batch(c, calls, n);
	if (st == AWS_OK) {
		*out = json_array();
		for (k = 0; k < n; k++)
			json_array_append(*out, calls[k].out);
	}
	for (k = 0; k < n; k++)
		aws_call_release(&calls[k]);
	free(calls);
	return st;
}

enum { CALL_VERBOSE, CALL_PARALLEL };

static const struct cli_opt call_opts[] = {
	{ "--verbose", "-v", false, CALL_VERBOSE },
	{ "--parallel", NULL, true, CALL_PARALLEL },
};

struct call_args {
	const char *pos[3];	/* SERVICE, OPERATION, JSON */
	int npos;
	long parallel;
	bool verbose;
};

static int set_call_option(void *ctx, int id, const char *opt, const char *v)
{
	struct call_args *a = ctx;
	char *end;

	(void)opt;
	if (id == CALL_VERBOSE) {
		a->verbose = true;
	} else if (id == CALL_PARALLEL) {
		a->parallel = strtol(v, &end, 10);
		if (*end || a->parallel < 1 || a->parallel > 1000)
			return cli_usage_error("debug call", "--parallel needs a count from 1 to 1000");
	} else if (a->npos == 3) {
		return cli_usage_error("debug call", "unexpected argument '%s'", v);
	} else {
		a->pos[a->npos++] = v;
	}
	return 0;
}

static int debug_call(int argc, char **argv)
{
	struct aws_options opt = AWS_OPTIONS_INIT;
	struct call_args a = { { NULL, NULL, NULL }, 0, 0, false };
	struct cli_spec spec = {
		.cmd = "debug call", .usage = call_usage,
		.opts = call_opts, .nopts = sizeof(call_opts) / sizeof(call_opts[0]),
		.ao = &opt, .set = set_call_option, .ctx = &a,
	};
	int svc, rc = 1;
	json_t *body = NULL, *out = NULL;
	json_error_t jerr;
	struct aws_client *c;
	enum aws_status st;

	if (cli_parse(&spec, argc, argv, &rc) != 0)
		return rc;
	if (a.npos < 2)
		return cli_usage_error("debug call", "expected SERVICE and OPERATION");
	svc = aws_service_from_name(a.pos[0]);
	if (svc < 0)
		return cli_usage_error("debug call", "unknown service '%s' (glue, events, athena, redshift-data, sts, s3)",
				       a.pos[0]);
	if (a.pos[2] && !strcmp(a.pos[2], "-"))
		body = json_loadf(stdin, 0, &jerr);
	else if (a.pos[2])
		body = json_loads(a.pos[2], 0, &jerr);
	else
		body = json_object();
	if (!body || !json_is_object(body)) {
		json_decref(body);
		if (!body)
			return cli_usage_error("debug call", "the request body is not JSON: %s",
					       jerr.text);
		return cli_usage_error("debug call", "the request body must be a JSON object");
	}

	opt.trace = a.verbose ? stderr : NULL;
	c = aws_client_new(&opt);
	switch (svc) {
	case AWS_SERVICE_STS:
		st = call_sts(c, a.pos[1], body, &out);
		json_decref(body);
		break;
	case AWS_SERVICE_S3:
		st = call_s3(c, a.pos[1], body, &out);
		json_decref(body);
		break;
	default:
		if (a.parallel)
			st = call_batch(c, (enum aws_service)svc, a.pos[1], body, (size_t)a.parallel,
					&out);
		else
			st = aws_json_call(c, (enum aws_service)svc, a.pos[1], body, &out);
		break;
	}
	if (st == AWS_OK) {
		rc = print_json(out ? out : json_object());
	} else if (st == AWS_ERR_USAGE && !*aws_errmsg(c)) {
		rc = EXIT_USAGE;
	} else {
		fprintf(stderr, "pipec: error: %s\n", aws_errmsg(c));
		rc = 1;
	}
	json_decref(out);
	aws_client_free(c);
	return rc;
}

/* ---- debug tokens ---- */

struct tokens_out {
	const struct source *src;
	json_t *list;		/* --format json; else NULL */
};

static void print_token(void *arg, enum parse_token_kind kind, struct span at)
{
	struct tokens_out *o = arg;
	struct source_pos pos = source_pos_of(o->src, at.start);
	json_t *text;
	char *s;

	if (o->list) {
		json_array_append_new(o->list, json_pack("{s:s, s:I, s:I, s:I, s:I}", "kind",
							 parse_token_kind_name(kind), "start",
							 (json_int_t)at.start, "end", (json_int_t)at.end,
							 "line", (json_int_t)pos.line, "column",
							 (json_int_t)pos.col));
		return;
	}
	text = json_stringn_nocheck(o->src->text + at.start, at.end - at.start);
	s = json_dumps(text, JSON_ENCODE_ANY);
	printf("%s:%zu:%zu %s %s\n", o->src->path, (size_t)pos.line, (size_t)pos.col,
	       parse_token_kind_name(kind), s ? s : "\"\"");
	free(s);
	json_decref(text);
}

enum { TOKENS_FORMAT };

static const struct cli_opt tokens_opts[] = {
	{ "--format", NULL, true, TOKENS_FORMAT },
};

static int set_tokens_option(void *ctx, int id, const char *opt, const char *v)
{
	(void)id, (void)opt;
	*(const char **)ctx = v;
	return 0;
}

static int debug_tokens(int argc, char **argv)
{
	const char *format = "text";
	const char **paths = xcalloc((size_t)argc, sizeof(*paths));
	size_t npaths = 0, k;
	struct cli_spec spec = {
		.cmd = "debug tokens", .usage = tokens_usage,
		.opts = tokens_opts, .nopts = sizeof(tokens_opts) / sizeof(tokens_opts[0]),
		.operands = paths, .noperands = &npaths, .set = set_tokens_option, .ctx = &format,
	};
	struct diag_set ds;
	json_t *files = NULL;
	int rc = 0;

	if (cli_parse(&spec, argc, argv, &rc) != 0) {
		free(paths);
		return rc;
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		free(paths);
		return cli_usage_error("debug tokens", "--format is text or json, not '%s'", format);
	}
	if (!npaths) {
		free(paths);
		return cli_usage_error("debug tokens", "name the .pipe files to read");
	}
	diag_set_init(&ds);
	if (!strcmp(format, "json"))
		files = json_array();
	for (k = 0; k < npaths; k++) {
		struct source src;
		struct tokens_out o;

		if (source_load_file(&src, paths[k]) != 0) {
			fprintf(stderr, "pipec: error: cannot read %s: %s\n", paths[k], strerror(errno));
			rc = 1;
			continue;
		}
		o.src = &src;
		o.list = files ? json_array() : NULL;
		if (parse_tokens(&src, &ds, print_token, &o))
			rc = 1;
		diag_render(&ds, DIAG_FORMAT_TEXT, stdout, stderr);
		diag_set_release(&ds);
		diag_set_init(&ds);
		if (files)
			json_array_append_new(files, json_pack("{s:s, s:o}", "file", paths[k], "tokens",
							       o.list));
		source_release(&src);
	}
	diag_set_release(&ds);
	if (files) {
		char *s = json_dumps(files, JSON_INDENT(1));

		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(files);
	}
	free(paths);
	return rc;
}

int cmd_debug(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "sign", debug_sign },
		{ "call", debug_call },
		{ "tokens", debug_tokens },
	};

	return cli_subcommand("debug", debug_usage, subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}
