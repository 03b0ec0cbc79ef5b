#include "endpoint.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigv4.h"
#include "xalloc.h"

bool endpoint_env_true(const char *name)
{
	const char *v = getenv(name);

	return v && (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes"));
}

const char *endpoint_env_name(enum aws_service svc)
{
	switch (svc) {
	case AWS_SERVICE_GLUE:
		return "GLUE";
	case AWS_SERVICE_S3:
		return "S3";
	case AWS_SERVICE_STS:
		return "STS";
	case AWS_SERVICE_EVENTS:
		return "EVENTBRIDGE";
	case AWS_SERVICE_ATHENA:
		return "ATHENA";
	case AWS_SERVICE_REDSHIFT_DATA:
		return "REDSHIFT_DATA";
	case AWS_SERVICE_LOGS:
		return "CLOUDWATCH_LOGS";
	}
	return "UNKNOWN";
}

/* The key under a [services] section: the serviceId, lowercased, '_' for ' '. */
static const char *services_key(enum aws_service svc)
{
	switch (svc) {
	case AWS_SERVICE_GLUE:
		return "glue";
	case AWS_SERVICE_S3:
		return "s3";
	case AWS_SERVICE_STS:
		return "sts";
	case AWS_SERVICE_EVENTS:
		return "eventbridge";
	case AWS_SERVICE_ATHENA:
		return "athena";
	case AWS_SERVICE_REDSHIFT_DATA:
		return "redshift_data";
	case AWS_SERVICE_LOGS:
		return "cloudwatch_logs";
	}
	return "unknown";
}

void endpoint_release(struct endpoint *ep)
{
	free(ep->scheme);
	free(ep->authority);
	free(ep->host);
	free(ep->base_path);
	memset(ep, 0, sizeof(*ep));
}

int endpoint_parse(const char *url, struct endpoint *ep, const char **err)
{
	const char *p, *auth, *auth_end, *port = NULL, *host_end;
	size_t n;

	memset(ep, 0, sizeof(*ep));
	if (!strncasecmp(url, "https://", 8)) {
		ep->scheme = xstrdup("https");
		auth = url + 8;
	} else if (!strncasecmp(url, "http://", 7)) {
		ep->scheme = xstrdup("http");
		auth = url + 7;
	} else {
		*err = "the endpoint URL must start with http:// or https://";
		return -1;
	}
	auth_end = auth + strcspn(auth, "/?#");
	if (auth_end == auth) {
		*err = "the endpoint URL has no host";
		goto fail;
	}
	if (memchr(auth, '@', (size_t)(auth_end - auth))) {
		*err = "the endpoint URL must not contain user credentials";
		goto fail;
	}
	if (*auth == '[') {
		const char *rb = memchr(auth, ']', (size_t)(auth_end - auth));

		if (!rb) {
			*err = "the endpoint URL has an unterminated IPv6 address";
			goto fail;
		}
		host_end = rb + 1;
	} else {
		host_end = memchr(auth, ':', (size_t)(auth_end - auth));
		if (!host_end)
			host_end = auth_end;
	}
	if (host_end < auth_end) {
		if (*host_end != ':' || host_end + 1 == auth_end) {
			*err = "the endpoint URL has a malformed port";
			goto fail;
		}
		port = host_end + 1;
		for (p = port; p < auth_end; p++)
			if (!isdigit((unsigned char)*p)) {
				*err = "the endpoint URL has a malformed port";
				goto fail;
			}
	}
	ep->host = xstrndup(auth, (size_t)(host_end - auth));
	for (n = 0; ep->host[n]; n++)
		ep->host[n] = (char)tolower((unsigned char)ep->host[n]);
	/* The Host header omits the scheme's default port, as botocore does. */
	if (port && !((!strcmp(ep->scheme, "https") && !strncmp(port, "443", 3) &&
		       auth_end - port == 3) ||
		      (!strcmp(ep->scheme, "http") && !strncmp(port, "80", 2) && auth_end - port == 2))) {
		size_t hl = strlen(ep->host), pl = (size_t)(auth_end - port);

		ep->authority = xmalloc(hl + pl + 2);
		memcpy(ep->authority, ep->host, hl);
		ep->authority[hl] = ':';
		memcpy(ep->authority + hl + 1, port, pl);
		ep->authority[hl + pl + 1] = '\0';
	} else {
		ep->authority = xstrdup(ep->host);
	}
	p = auth_end;
	n = strcspn(p, "?#");
	while (n && p[n - 1] == '/')
		n--;
	ep->base_path = xstrndup(p, n);
	if (p[strcspn(p, "?#")]) {
		*err = "the endpoint URL must not have a query or fragment";
		goto fail;
	}
	ep->custom = true;
	return 0;
fail:
	endpoint_release(ep);
	return -1;
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void default_endpoint(enum aws_service svc, const char *region, struct endpoint *out)
{
	bool fips = endpoint_env_true("AWS_USE_FIPS_ENDPOINT");
	bool dual = endpoint_env_true("AWS_USE_DUALSTACK_ENDPOINT");
	const char *suffix = !strncmp(region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com";
	const char *name = aws_service_name(svc);
	struct strbuf host = STRBUF_INIT;

	if (svc == AWS_SERVICE_S3 && dual)
		strbuf_addf(&host, "s3%s.dualstack.%s.%s", fips ? "-fips" : "", region, suffix);
	else if (dual)
		strbuf_addf(&host, "%s%s.%s.%s", name, fips ? "-fips" : "", region,
			    !strncmp(region, "cn-", 3) ? "api.amazonwebservices.com.cn" : "api.aws");
	else
		strbuf_addf(&host, "%s%s.%s.%s", name, fips ? "-fips" : "", region, suffix);
	memset(out, 0, sizeof(*out));
	out->scheme = xstrdup("https");
	out->host = xstrdup(host.buf);
	out->authority = strbuf_detach(&host, NULL);
	out->base_path = xstrdup("");
	out->custom = false;
}

int endpoint_resolve(enum aws_service svc, const char *region, const struct endpoint_config *cfg,
		     struct endpoint *out, const char **origin, char **err)
{
	const char *url = NULL, *why = NULL, *perr = NULL;
	char envname[64];
	struct strbuf key = STRBUF_INIT;

	if (cfg && cfg->explicit_url && *cfg->explicit_url) {
		url = cfg->explicit_url;
		why = "--endpoint-url";
	}
	if (!url) {
		const char *ignore = cfg && cfg->config && cfg->profile_section
			? ini_get(cfg->config, cfg->profile_section, "ignore_configured_endpoint_urls")
			: NULL;
		bool skip = endpoint_env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ||
			    (ignore && !strcasecmp(ignore, "true"));

		if (!skip) {
			snprintf(envname, sizeof(envname), "AWS_ENDPOINT_URL_%s", endpoint_env_name(svc));
			if ((url = env_nonempty(envname)) != NULL) {
				why = "AWS_ENDPOINT_URL_<SERVICE>";
			} else if ((url = env_nonempty("AWS_ENDPOINT_URL")) != NULL) {
				why = "AWS_ENDPOINT_URL";
			} else if (cfg && cfg->config && cfg->profile_section) {
				const char *services = ini_get(cfg->config, cfg->profile_section,
							       "services");

				if (services) {
					strbuf_addf(&key, "services %s", services);
					{
						struct strbuf k2 = STRBUF_INIT;

						strbuf_addf(&k2, "%s.endpoint_url", services_key(svc));
						url = ini_get(cfg->config, key.buf, k2.buf);
						strbuf_release(&k2);
					}
					if (url)
						why = "the config file's [services] section";
				}
				if (!url) {
					url = ini_get(cfg->config, cfg->profile_section, "endpoint_url");
					if (url && *url)
						why = "the profile's endpoint_url";
					else
						url = NULL;
				}
			}
		}
	}
	strbuf_release(&key);
	if (url) {
		if (endpoint_parse(url, out, &perr) < 0) {
			struct strbuf e = STRBUF_INIT;

			strbuf_addf(&e, "bad endpoint URL '%s' (from %s): %s", url, why, perr);
			*err = strbuf_detach(&e, NULL);
			return -1;
		}
		if (origin)
			*origin = why;
		return 0;
	}
	default_endpoint(svc, region, out);
	if (origin)
		*origin = "the default AWS endpoint";
	return 0;
}

/* Virtual-hosted style needs a DNS-compatible bucket name without dots (TLS). */
static bool dns_compatible(const char *b)
{
	size_t n = strlen(b), i;
	bool digits_and_dots = true;

	if (n < 3 || n > 63 || !isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[n - 1]))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		if (!(islower(c) || isdigit(c) || c == '-'))
			return false;
		if (!isdigit(c) && c != '.')
			digits_and_dots = false;
	}
	return !digits_and_dots;
}

void endpoint_s3_target(const struct endpoint *ep, const char *bucket, const char *key,
			char **authority, struct strbuf *path)
{
	bool vhost = !ep->custom && dns_compatible(bucket);

	strbuf_addstr(path, ep->base_path);
	if (vhost) {
		struct strbuf a = STRBUF_INIT;

		strbuf_addf(&a, "%s.%s", bucket, ep->authority);
		*authority = strbuf_detach(&a, NULL);
	} else {
		*authority = xstrdup(ep->authority);
		strbuf_addch(path, '/');
		sigv4_uri_encode(path, bucket, strlen(bucket), false);
	}
	strbuf_addch(path, '/');
	if (key)
		sigv4_uri_encode(path, key, strlen(key), true);
}
