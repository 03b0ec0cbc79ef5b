/*
 * aws_base: the runtime's vocabulary, shared by the client (aws.h) and the
 * layers below it (endpoint, http): call status, the services pipec talks
 * to, and a set of credentials.  It depends on nothing else in runtime/, so
 * that those layers need not include the client's header.
 */
#ifndef PIPEC_AWS_BASE_H
#define PIPEC_AWS_BASE_H

#include <time.h>

enum aws_status {
	AWS_OK = 0,
	AWS_ERR_USAGE,		/* invalid argument (unknown service, bad option value) */
	AWS_ERR_CONFIG,		/* no region, missing profile, bad config file or endpoint URL */
	AWS_ERR_CREDENTIALS,	/* no credentials found, or a credential provider failed */
	AWS_ERR_NETWORK,	/* connect/TLS/timeout/reset, after every retry */
	AWS_ERR_API,		/* the service answered with an error: see aws_error_code */
	AWS_ERR_RESPONSE,	/* a 2xx answer that could not be parsed */
	AWS_ERR_IO,		/* a local file could not be read */
};

/* "ok", "usage error", "configuration error", ... (never NULL). */
const char *aws_status_str(enum aws_status st);

enum aws_service {
	AWS_SERVICE_GLUE,
	AWS_SERVICE_S3,
	AWS_SERVICE_STS,
	AWS_SERVICE_EVENTS,	/* EventBridge (AWS_ENDPOINT_URL_EVENTBRIDGE) */
	AWS_SERVICE_ATHENA,	/* Athena (AWS_ENDPOINT_URL_ATHENA) */
	AWS_SERVICE_REDSHIFT_DATA,	/* Redshift Data API (AWS_ENDPOINT_URL_REDSHIFT_DATA) */
	AWS_SERVICE_LOGS,	/* CloudWatch Logs (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) */
};

#define AWS_NSERVICES 7

/* "glue", "s3", "sts", "events" (also accepts "eventbridge"), "athena",
 * "redshift-data", "logs"; -1 if unknown. */
int aws_service_from_name(const char *name);
const char *aws_service_name(enum aws_service svc);

struct aws_credentials {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;	/* NULL for long-term keys */
	time_t expiration;	/* 0: does not expire */
};

/* Wipes the secret and token (OPENSSL_cleanse) and frees the fields. */
void aws_credentials_release(struct aws_credentials *cr);

#endif
