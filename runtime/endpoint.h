/*
 * endpoint: where a service call goes.  Resolution order per service:
 * --endpoint-url; then, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the
 * profile's ignore_configured_endpoint_urls) is true: AWS_ENDPOINT_URL_<SVC>
 * (GLUE, S3, STS, EVENTBRIDGE), AWS_ENDPOINT_URL, the profile's [services]
 * section, the profile's endpoint_url; else the regional AWS endpoint
 * (FIPS / dual-stack variants with AWS_USE_FIPS_ENDPOINT /
 * AWS_USE_DUALSTACK_ENDPOINT).  S3 uses path-style addressing for every
 * custom endpoint and virtual-hosted style on AWS when the bucket allows it.
 */
#ifndef PIPEC_ENDPOINT_H
#define PIPEC_ENDPOINT_H

#include <stdbool.h>

#include "aws_base.h"
#include "ini.h"
#include "strbuf.h"

struct endpoint {
	char *scheme;		/* "https" or "http" */
	char *authority;	/* host[:port] as in the URL and the Host header */
	char *host;		/* without port; IPv6 keeps its brackets */
	char *base_path;	/* "" or "/prefix" without a trailing '/' */
	bool custom;		/* not a default AWS endpoint: S3 goes path-style */
};

/* Parses an http(s) URL; returns 0 or -1 with *err set to a static reason. */
int endpoint_parse(const char *url, struct endpoint *ep, const char **err);
void endpoint_release(struct endpoint *ep);

/* What endpoint_resolve looks at besides the environment. */
struct endpoint_config {
	const char *explicit_url;	/* --endpoint-url */
	const struct ini *config;	/* the config file; may be NULL */
	const char *profile_section;	/* "default" / "profile x"; may be NULL */
};

/*
 * Resolves svc's endpoint in region.  Returns 0, or -1 with *err (caller
 * frees) for a malformed URL; *origin says where it came from (static).
 */
int endpoint_resolve(enum aws_service svc, const char *region, const struct endpoint_config *cfg,
		     struct endpoint *out, const char **origin, char **err);

/* The environment-variable suffix of a service: GLUE, S3, STS, EVENTBRIDGE. */
const char *endpoint_env_name(enum aws_service svc);

/*
 * S3 addressing: fills *authority (new string) and appends the encoded
 * request path for bucket/key to path.  key may be NULL (bucket only).
 */
void endpoint_s3_target(const struct endpoint *ep, const char *bucket, const char *key,
			char **authority, struct strbuf *path);

/* Environment flag parsing ("true"/"1"/"yes", case-insensitive). */
bool endpoint_env_true(const char *name);

#endif
