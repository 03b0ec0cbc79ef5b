/*
 * aws_internal: the inside of struct aws_client, shared by the runtime's
 * own files (aws.c, aws_s3.c, aws_sts.c, creds.c).  Nothing outside
 * runtime/ includes this; the public contract is aws.h.
 */
#ifndef PIPEC_AWS_INTERNAL_H
#define PIPEC_AWS_INTERNAL_H

#include "aws.h"
#include "endpoint.h"
#include "http.h"
#include "ini.h"
#include "strbuf.h"

struct aws_client {
	/* options (owned copies) */
	char *opt_region;
	char *opt_profile;
	char *opt_endpoint_url;
	int opt_max_attempts;

	struct http_transport http;

	/* config files, loaded once */
	bool files_loaded;
	char *config_path;
	char *credentials_path;
	struct ini config;
	struct ini credentials;
	char *profile;			/* effective profile name */
	bool profile_explicit;		/* --profile: skips environment credentials */
	bool profile_from_env;		/* AWS_PROFILE */

	/* resolved lazily */
	char *region;
	struct endpoint endpoints[AWS_NSERVICES];
	bool have_endpoint[AWS_NSERVICES];
	struct aws_credentials creds;
	bool have_creds;
	bool creds_refreshable;
	char *cred_source;
	int resolving;			/* credential chain recursion guard */

	/* error of the last call */
	struct strbuf errmsg;
	char *error_code;
	long http_status;
	char *request_id;
};

/* Clears the error fields (start of every public call). */
void aws_clear_error(struct aws_client *c);
/* Sets the message (and returns st). */
enum aws_status aws_fail(struct aws_client *c, enum aws_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Loads the config and credentials files (once). */
enum aws_status aws_load_files(struct aws_client *c);
/* "default" → "default" (or "profile default"), "x" → "profile x", in the config file. */
const char *aws_config_section(struct aws_client *c, const char *profile, struct strbuf *tmp);
/* A key of profile `profile` in the config file, or NULL. */
const char *aws_profile_get(struct aws_client *c, const char *profile, const char *key);

enum aws_status aws_resolve_region(struct aws_client *c);
/* Region + endpoint of svc (+ credentials when need_creds). */
enum aws_status aws_prepare(struct aws_client *c, enum aws_service svc, bool need_creds,
			    const struct endpoint **ep);
/* The signing name of a service. */
const char *aws_signing_name(enum aws_service svc);

/*
 * Maps a performed request to a status and, on failure, the handle's error
 * ("<what>: <code>: <message> (HTTP n, request id r)").
 */
enum aws_status aws_result(struct aws_client *c, struct http_request *r, const char *what);

/* True for error codes that mean "these credentials are bad or expired". */
bool aws_is_auth_error(const char *code);

/* Parses 2026-11-21T12:59:03.308Z / ...+00:00; returns 0 or -1. */
int aws_parse_iso8601(const char *s, time_t *t);

/*
 * AssumeRole signed with explicit credentials `as`, or, when as is NULL,
 * the unsigned AssumeRoleWithWebIdentity with web_token.  Used by the
 * credential chain (which must not sign with the client's own credentials).
 */
enum aws_status aws_sts_assume_role_as(struct aws_client *c, const struct aws_credentials *as,
				       const char *role_arn, const char *session_name,
				       const char *external_id, const char *web_token,
				       int duration_seconds, struct aws_credentials *out);

/* creds.c: runs the credential chain, filling c->creds and c->cred_source. */
enum aws_status creds_resolve(struct aws_client *c);
/* Copies src into dst (dst must be released or zeroed). */
void creds_copy(struct aws_credentials *dst, const struct aws_credentials *src);

#endif
