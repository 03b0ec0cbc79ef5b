#include "aws_base.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

static const char *const service_names[AWS_NSERVICES] = {
	"glue", "s3", "sts", "events", "athena", "redshift-data", "logs",
};

const char *aws_status_str(enum aws_status st)
{
	switch (st) {
	case AWS_OK:
		return "ok";
	case AWS_ERR_USAGE:
		return "usage error";
	case AWS_ERR_CONFIG:
		return "configuration error";
	case AWS_ERR_CREDENTIALS:
		return "credentials error";
	case AWS_ERR_NETWORK:
		return "network error";
	case AWS_ERR_API:
		return "AWS API error";
	case AWS_ERR_RESPONSE:
		return "unexpected response";
	case AWS_ERR_IO:
		return "I/O error";
	}
	return "unknown error";
}

int aws_service_from_name(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < AWS_NSERVICES; i++)
		if (!strcasecmp(name, service_names[i]))
			return i;
	if (!strcasecmp(name, "eventbridge"))
		return AWS_SERVICE_EVENTS;
	return -1;
}

const char *aws_service_name(enum aws_service svc)
{
	return (unsigned)svc < AWS_NSERVICES ? service_names[svc] : "unknown";
}

void aws_credentials_release(struct aws_credentials *cr)
{
	if (cr->secret_access_key) {
		OPENSSL_cleanse(cr->secret_access_key, strlen(cr->secret_access_key));
		free(cr->secret_access_key);
	}
	if (cr->session_token) {
		OPENSSL_cleanse(cr->session_token, strlen(cr->session_token));
		free(cr->session_token);
	}
	free(cr->access_key_id);
	memset(cr, 0, sizeof(*cr));
}
