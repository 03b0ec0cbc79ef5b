/*
 * aws_sts: STS over the query protocol (form-encoded POST, XML answers):
 * GetCallerIdentity, AssumeRole (signed) and AssumeRoleWithWebIdentity
 * (unsigned, as the model's noAuth trait says).
 */
#include "aws.h"

#include <stdlib.h>
#include <string.h>

#include "aws_internal.h"
#include "sigv4.h"
#include "xalloc.h"
#include "xml.h"

#include <openssl/crypto.h>

static void form_add(struct strbuf *body, const char *name, const char *value)
{
	if (body->len)
		strbuf_addch(body, '&');
	sigv4_uri_encode(body, name, strlen(name), false);
	strbuf_addch(body, '=');
	sigv4_uri_encode(body, value, strlen(value), false);
}

/* One STS call; signer NULL means unsigned.  On AWS_OK the answer is in *r. */
static enum aws_status sts_call(struct aws_client *c, const struct aws_credentials *signer,
				const char *action, struct strbuf *form, struct http_request *r)
{
	const struct endpoint *ep;
	struct strbuf label = STRBUF_INIT, path = STRBUF_INIT;
	enum aws_status st;

	st = aws_prepare(c, AWS_SERVICE_STS, false, &ep);
	if (st != AWS_OK)
		return st;
	strbuf_addf(&path, "%s/", ep->base_path);
	http_request_init(r, "POST", ep->scheme, ep->authority, path.buf, NULL);
	strbuf_release(&path);
	http_request_header(r, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
	r->body = form->buf;
	r->body_len = form->len;
	r->creds = signer;
	r->region = c->region;
	r->service = "sts";
	strbuf_addf(&label, "sts %s", action);
	r->label = label.buf;
	http_perform_one(&c->http, r);
	st = aws_result(c, r, label.buf);
	r->label = NULL;
	strbuf_release(&label);
	return st;
}

static enum aws_status parse_credentials(struct aws_client *c, struct http_request *r,
					 const char *action, struct aws_credentials *out)
{
	const char *b = r->resp_body.buf;
	size_t n = r->resp_body.len;
	char *exp;

	memset(out, 0, sizeof(*out));
	out->access_key_id = xml_text(b, n, "Credentials", "AccessKeyId");
	out->secret_access_key = xml_text(b, n, "Credentials", "SecretAccessKey");
	out->session_token = xml_text(b, n, "Credentials", "SessionToken");
	exp = xml_text(b, n, "Credentials", "Expiration");
	if (exp && aws_parse_iso8601(exp, &out->expiration) < 0)
		out->expiration = 0;
	free(exp);
	if (!out->access_key_id || !out->secret_access_key || !out->session_token) {
		aws_credentials_release(out);
		return aws_fail(c, AWS_ERR_RESPONSE, "sts %s: the answer has no complete <Credentials>",
				action);
	}
	return AWS_OK;
}

enum aws_status aws_sts_get_caller_identity(struct aws_client *c, struct aws_identity *out)
{
	struct strbuf form = STRBUF_INIT;
	struct http_request r;
	enum aws_status st;

	aws_clear_error(c);
	memset(out, 0, sizeof(*out));
	st = aws_prepare(c, AWS_SERVICE_STS, true, NULL);
	if (st != AWS_OK)
		return st;
	form_add(&form, "Action", "GetCallerIdentity");
	form_add(&form, "Version", "2011-06-15");
	st = sts_call(c, &c->creds, "GetCallerIdentity", &form, &r);
	if (st == AWS_OK) {
		out->account = xml_text(r.resp_body.buf, r.resp_body.len, NULL, "Account");
		out->arn = xml_text(r.resp_body.buf, r.resp_body.len, NULL, "Arn");
		out->user_id = xml_text(r.resp_body.buf, r.resp_body.len, NULL, "UserId");
		if (!out->arn) {
			aws_identity_release(out);
			st = aws_fail(c, AWS_ERR_RESPONSE, "sts GetCallerIdentity: the answer has no <Arn>");
		}
	}
	http_request_release(&r);
	strbuf_release(&form);
	return st;
}

static void default_session_name(char *buf, size_t n, const char *given)
{
	if (given && *given)
		snprintf(buf, n, "%s", given);
	else
		snprintf(buf, n, "pipec-session-%lld", (long long)time(NULL));
}

enum aws_status aws_sts_assume_role_as(struct aws_client *c, const struct aws_credentials *as,
				       const char *role_arn, const char *session_name,
				       const char *external_id, const char *web_token,
				       int duration_seconds, struct aws_credentials *out)
{
	struct strbuf form = STRBUF_INIT;
	struct http_request r;
	enum aws_status st;
	char session[128], dur[32];
	const char *action = as ? "AssumeRole" : "AssumeRoleWithWebIdentity";

	memset(out, 0, sizeof(*out));
	if (!role_arn || !*role_arn)
		return aws_fail(c, AWS_ERR_USAGE, "sts %s: no role ARN", action);
	default_session_name(session, sizeof(session), session_name);
	snprintf(dur, sizeof(dur), "%d", duration_seconds > 0 ? duration_seconds : 3600);
	form_add(&form, "Action", action);
	form_add(&form, "Version", "2011-06-15");
	form_add(&form, "RoleArn", role_arn);
	form_add(&form, "RoleSessionName", session);
	if (as && external_id && *external_id)
		form_add(&form, "ExternalId", external_id);
	if (!as)
		form_add(&form, "WebIdentityToken", web_token ? web_token : "");
	form_add(&form, "DurationSeconds", dur);
	st = sts_call(c, as, action, &form, &r);
	if (st == AWS_OK)
		st = parse_credentials(c, &r, action, out);
	http_request_release(&r);
	/* The form may hold a web identity token. */
	if (form.len)
		OPENSSL_cleanse(form.buf, form.len);
	strbuf_release(&form);
	return st;
}

enum aws_status aws_sts_assume_role(struct aws_client *c, const char *role_arn,
				    const char *session_name, const char *external_id,
				    int duration_seconds, struct aws_credentials *out)
{
	enum aws_status st;

	aws_clear_error(c);
	memset(out, 0, sizeof(*out));
	st = aws_prepare(c, AWS_SERVICE_STS, true, NULL);
	if (st != AWS_OK)
		return st;
	return aws_sts_assume_role_as(c, &c->creds, role_arn, session_name, external_id, NULL,
				      duration_seconds, out);
}

enum aws_status aws_sts_assume_role_with_web_identity(struct aws_client *c, const char *role_arn,
						      const char *session_name,
						      const char *web_identity_token,
						      int duration_seconds,
						      struct aws_credentials *out)
{
	aws_clear_error(c);
	memset(out, 0, sizeof(*out));
	if (!web_identity_token || !*web_identity_token)
		return aws_fail(c, AWS_ERR_USAGE, "sts AssumeRoleWithWebIdentity: empty token");
	return aws_sts_assume_role_as(c, NULL, role_arn, session_name, NULL, web_identity_token,
				      duration_seconds, out);
}
