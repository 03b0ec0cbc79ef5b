/*
 * creds: the SDK default credential chain, in botocore's order:
 *   1. environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 *      AWS_SESSION_TOKEN; empty counts as unset) — skipped with --profile
 *   2. assume role from the profile (role_arn + source_profile, cycles
 *      rejected, or credential_source, or web_identity_token_file)
 *   3. web identity from the environment (AWS_WEB_IDENTITY_TOKEN_FILE +
 *      AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME]), unsigned STS call
 *   4. SSO (sso_account_id/sso_role_name, sso_session or sso_start_url,
 *      the token cached by aws sso login), the shared credentials file,
 *      5. credential_process (shlex-split,
 *      no shell), 5b. the config file
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
#include <stddef.h>
#include <time.h>

#include "aws_base.h"
#include "strbuf.h"

/* Is a container-credentials full URI allowed (https, or a local/ECS host)? */
bool creds_container_uri_allowed(const char *url);

/*
 * Splits a credential_process command like Python's shlex.split (POSIX, no
 * comments), as botocore does; no shell runs.  *argv_out is NULL-terminated,
 * freed with creds_argv_free.  -1 on an unbalanced quote or a trailing backslash.
 */
int creds_shell_split(const char *cmd, char ***argv_out, size_t *argc_out);
void creds_argv_free(char **argv);
/*
 * Parses a credential process's output (Version 1, AccessKeyId,
 * SecretAccessKey, optional SessionToken and Expiration) into cr (released
 * by the caller); on failure -1 and a reason in err that never quotes the
 * output.
 */
int creds_process_parse(const char *out, size_t len, struct aws_credentials *cr,
			struct strbuf *err);
/* The SSO token cache file's name: the SHA-1 hex of key (41 bytes with NUL). */
void creds_sso_cache_name(const char *key, char out[41]);
/*
 * Reads a cached SSO token (accessToken, expiresAt) as of `now`; *token is a
 * new string.  -1 with a reason (never the token) when it is invalid or
 * expired.
 */
int creds_sso_token_parse(const char *text, size_t len, time_t now, char **token,
			  struct strbuf *err);

#endif
