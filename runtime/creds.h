/*
 * creds: the SDK default credential chain, in botocore's order:
 *   1. environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 *      AWS_SESSION_TOKEN; empty counts as unset) — skipped with --profile
 *   2. assume role from the profile (role_arn + source_profile, cycles
 *      rejected, or credential_source, or web_identity_token_file)
 *   3. web identity from the environment (AWS_WEB_IDENTITY_TOKEN_FILE +
 *      AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME]), unsigned STS call
 *   4. the shared credentials file, 5. the config file
 *   6. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE])
 *   7. EC2 instance metadata, IMDSv2 (AWS_EC2_METADATA_DISABLED,
 *      AWS_EC2_METADATA_SERVICE_ENDPOINT, 1 s timeout)
 * The chain runs inside a client (aws_internal.h: creds_resolve); this
 * header exposes the pieces unit tests check without a network.
 */
#ifndef PIPEC_CREDS_H
#define PIPEC_CREDS_H

#include <stdbool.h>

/* Is a container-credentials full URI allowed (https, or a local/ECS host)? */
bool creds_container_uri_allowed(const char *url);

#endif
