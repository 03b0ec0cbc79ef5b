/*
 * aws: the one public header of pipec's AWS runtime — signed Glue, S3, STS
 * and EventBridge calls over libcurl, with the SDK credential chain, region
 * and endpoint resolution and standard-mode retries.  It knows nothing of
 * pipelines.  See docs/runtime.md for the environment variables it honours.
 *
 * Model (curl-style): one handle, struct aws_client, made from options.
 * Every call returns an enum aws_status; on failure the handle keeps a
 * message (aws_errmsg) and, for service errors, the AWS error code
 * (aws_error_code), HTTP status and request id.  The next call clears them.
 * Region and credentials are resolved lazily on the first call that needs
 * them (or eagerly with aws_client_resolve); temporary credentials are
 * refreshed when they come within 5 minutes of expiry.
 *
 * Ownership: strings passed in are borrowed for the duration of the call.
 * json_t bodies passed to the *_call and *_batch functions are STOLEN (the call drops the
 * reference, also on failure; pass NULL for {}); json_t results returned
 * through an out-parameter are NEW references the caller must json_decref.
 * Structures filled by the runtime are freed with their *_release function.
 * A client is not thread-safe; parallelism is inside the batch calls.
 */
#ifndef PIPEC_AWS_H
#define PIPEC_AWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "aws_base.h"

struct aws_options {
	const char *region;	  /* --region; NULL: AWS_REGION, AWS_DEFAULT_REGION, profile */
	const char *profile;	  /* --profile; NULL: AWS_PROFILE, else "default" */
	const char *endpoint_url; /* --endpoint-url, for every service; NULL: env/config/default */
	FILE *trace;		  /* --verbose: request trace (secrets redacted); NULL: quiet */
	int max_concurrency;	  /* batch parallelism; 0: 16 */
	int max_attempts;	  /* 0: AWS_MAX_ATTEMPTS, else 3 */
};

#define AWS_OPTIONS_INIT { NULL, NULL, NULL, NULL, 0, 0 }

struct aws_client;

/* Never NULL (allocation failure exits).  Copies every option string. */
struct aws_client *aws_client_new(const struct aws_options *opt);
void aws_client_free(struct aws_client *c);

/* Resolves region and credentials now (otherwise done by the first call). */
enum aws_status aws_client_resolve(struct aws_client *c);
/* The resolved region, or NULL before resolution / when none could be found. */
const char *aws_client_region(struct aws_client *c);
/* Where the credentials came from, e.g. "environment variables",
 * "profile 'ci' in /home/u/.aws/credentials", "web identity (AWS_ROLE_ARN ...)";
 * "" before resolution. */
const char *aws_client_credential_source(struct aws_client *c);

/* Error details of the last failed call on this handle ("" / 0 after success). */
const char *aws_errmsg(const struct aws_client *c);
const char *aws_error_code(const struct aws_client *c);	/* e.g. "EntityNotFoundException" */
long aws_http_status(const struct aws_client *c);
const char *aws_request_id(const struct aws_client *c);
/* True when the last call failed with service error code `code`. */
bool aws_error_is(const struct aws_client *c, const char *code);

/* ---- JSON 1.1 services (Glue, EventBridge, Athena, Redshift Data API) ---- */

/*
 * One call: POST / with X-Amz-Target <prefix>.<operation> (AWSGlue,
 * AWSEvents, AmazonAthena, RedshiftData).  body is stolen (NULL: {}).  On AWS_OK *out is the response
 * object (new reference); otherwise *out is NULL.  out may be NULL.
 */
enum aws_status aws_json_call(struct aws_client *c, enum aws_service svc, const char *operation,
			      json_t *body, json_t **out);
enum aws_status aws_glue_call(struct aws_client *c, const char *operation, json_t *body,
			      json_t **out);
enum aws_status aws_events_call(struct aws_client *c, const char *operation, json_t *body,
				json_t **out);

/* One request of a batch; per-call results are filled in by the batch. */
struct aws_call {
	enum aws_service service;	/* a JSON service: Glue, EventBridge, Athena, Redshift Data */
	const char *operation;		/* borrowed, e.g. "CreateJob" */
	json_t *body;			/* stolen by the batch (NULL: {}); set to NULL */
	/* results */
	enum aws_status status;
	json_t *out;			/* response object on AWS_OK (owned by the call) */
	long http_status;
	char *error_code;		/* service error code, or NULL */
	char *error_message;		/* human message for any failure, or NULL */
};

/*
 * Runs n calls in parallel (at most max_concurrency at once, each with its
 * own retries).  Returns AWS_OK when every call succeeded, else the status
 * of the first failed call (in array order), whose message is also put on
 * the handle.  Free each call's results with aws_call_release.
 */
enum aws_status aws_json_batch(struct aws_client *c, struct aws_call *calls, size_t n);
void aws_call_release(struct aws_call *call);

/*
 * NextToken loops: repeats `operation` until NextToken is absent, collecting
 * the elements of the response array `list_key` into *items (a new array).
 * body is stolen (NULL: {}); it must not contain NextToken.
 */
enum aws_status aws_glue_paginate(struct aws_client *c, const char *operation, json_t *body,
				  const char *list_key, json_t **items);
/* catalog_id may be NULL (the caller's account). */
enum aws_status aws_glue_get_databases(struct aws_client *c, const char *catalog_id,
				       json_t **databases);
enum aws_status aws_glue_get_tables(struct aws_client *c, const char *catalog_id,
				    const char *database, json_t **tables);
enum aws_status aws_glue_get_connections(struct aws_client *c, const char *catalog_id,
					 json_t **connections);
enum aws_status aws_glue_get_jobs(struct aws_client *c, json_t **jobs);
enum aws_status aws_glue_get_triggers(struct aws_client *c, json_t **triggers);

/* EventBridge conveniences (same contract as aws_events_call).  PutTargets
 * and RemoveTargets turn failed entries (HTTP 200, FailedEntryCount > 0)
 * into AWS_ERR_API with the first entry's ErrorCode; PutTargets still
 * returns the answer in *out. */
enum aws_status aws_events_put_rule(struct aws_client *c, json_t *body, json_t **out);
enum aws_status aws_events_put_targets(struct aws_client *c, json_t *body, json_t **out);
enum aws_status aws_events_describe_rule(struct aws_client *c, const char *name, json_t **out);
enum aws_status aws_events_delete_rule(struct aws_client *c, const char *name);
enum aws_status aws_events_remove_targets(struct aws_client *c, const char *rule,
					  const char *const *ids, size_t nids);

/* ---- S3 (path-style for custom endpoints, virtual-hosted on AWS) ---- */

struct aws_s3_put {
	const char *bucket;
	const char *key;		/* raw key; encoded by the runtime */
	const void *data;		/* the body, or NULL with path set */
	size_t len;
	const char *path;		/* upload this file (streamed, hashed first) */
	const char *content_type;	/* NULL: application/octet-stream */
	/* user metadata: NULL-terminated {name, value, name, value, ..., NULL};
	 * sent as x-amz-meta-<name>; may be NULL */
	const char *const *metadata;
	/* lowercase hex SHA-256 of the body, or NULL: sent as the object's
	 * checksum (x-amz-checksum-sha256, base64), which S3 verifies and keeps,
	 * so that a later HeadObject in checksum mode returns it */
	const char *checksum_sha256;
};

/* On AWS_OK, *etag (may be NULL) receives the ETag without quotes (free it). */
enum aws_status aws_s3_put_object(struct aws_client *c, const struct aws_s3_put *put,
				  char **etag);
/* One object of aws_s3_put_batch: the put (borrowed) and, after it, its result. */
struct aws_s3_put_call {
	struct aws_s3_put put;
	/* results */
	enum aws_status status;
	long http_status;
	char *error_code;		/* service error code (e.g. "NoSuchBucket"), or NULL */
	char *error_message;		/* "s3 PutObject s3://b/k: ...", or NULL */
	char *etag;			/* on AWS_OK: the ETag without quotes */
};

/*
 * PutObject of n objects in parallel over the client's transport (at most
 * max_concurrency at once, each with its own retries and backoff, checksums
 * as in aws_s3_put_object).  Every call gets its own status and message.
 * Returns AWS_OK when every object was stored, else the status of the first
 * failed one (in array order), whose message is also put on the handle.
 * Free each call's results with aws_s3_put_call_release.
 */
enum aws_status aws_s3_put_batch(struct aws_client *c, struct aws_s3_put_call *calls, size_t n);
void aws_s3_put_call_release(struct aws_s3_put_call *call);
/* *data is NUL-terminated for convenience; *len excludes the NUL.  Free *data. */
enum aws_status aws_s3_get_object(struct aws_client *c, const char *bucket, const char *key,
				  char **data, size_t *len);

/* One object of aws_s3_get_batch. */
struct aws_s3_get_call {
	const char *bucket;		/* borrowed */
	const char *key;		/* borrowed, raw */
	/* results */
	enum aws_status status;
	long http_status;
	char *error_code;		/* e.g. "NoSuchKey", or NULL */
	char *error_message;
	char *data;			/* on AWS_OK: the body, NUL-terminated (owned) */
	size_t len;			/* without the NUL */
};

/*
 * GetObject of n objects in parallel (at most max_concurrency at once, each
 * with its own retries).  Returns AWS_OK when every object was read, else
 * the status of the first failed one (in array order), also put on the
 * handle.  Free each call's results with aws_s3_get_call_release.
 */
enum aws_status aws_s3_get_batch(struct aws_client *c, struct aws_s3_get_call *calls, size_t n);
void aws_s3_get_call_release(struct aws_s3_get_call *call);

struct aws_s3_head {
	long long size;
	char *etag;		/* without quotes */
	char *content_type;
	char **metadata;	/* NULL-terminated {name, value, ...}, names lowercase,
				   without the x-amz-meta- prefix */
	char *checksum_sha256;	/* aws_s3_head_object_checksum: the object's full SHA-256
				   checksum as lowercase hex; NULL when S3 keeps none
				   (another algorithm, or a multipart composite) */
};

/* A missing object is AWS_ERR_API with aws_error_code "NotFound", HTTP 404. */
enum aws_status aws_s3_head_object(struct aws_client *c, const char *bucket, const char *key,
				   struct aws_s3_head *out);
/* The same in checksum mode (x-amz-checksum-mode: ENABLED), filling checksum_sha256. */
enum aws_status aws_s3_head_object_checksum(struct aws_client *c, const char *bucket,
					    const char *key, struct aws_s3_head *out);
void aws_s3_head_release(struct aws_s3_head *h);

/* One object of aws_s3_head_batch. */
struct aws_s3_head_call {
	const char *bucket;		/* borrowed */
	const char *key;		/* borrowed, raw */
	bool checksum;			/* checksum mode (fills head.checksum_sha256) */
	/* results */
	enum aws_status status;		/* a missing object: AWS_ERR_API, error_code "NotFound" */
	long http_status;
	char *error_code;
	char *error_message;
	struct aws_s3_head head;	/* on AWS_OK */
};

/*
 * HeadObject of n objects in parallel (at most max_concurrency at once,
 * each with its own retries).  Returns AWS_OK when every object answered,
 * else the status of the first failed one (in array order), also put on the
 * handle.  Free each call's results with aws_s3_head_call_release.
 */
enum aws_status aws_s3_head_batch(struct aws_client *c, struct aws_s3_head_call *calls, size_t n);
void aws_s3_head_call_release(struct aws_s3_head_call *call);

/* ---- STS (query protocol) ---- */

struct aws_identity {
	char *account;
	char *arn;
	char *user_id;
};

void aws_identity_release(struct aws_identity *id);

enum aws_status aws_sts_get_caller_identity(struct aws_client *c, struct aws_identity *out);
/* Signed with the client's credentials.  external_id may be NULL; duration 0: 3600. */
enum aws_status aws_sts_assume_role(struct aws_client *c, const char *role_arn,
				    const char *session_name, const char *external_id,
				    int duration_seconds, struct aws_credentials *out);
/* Unsigned (needs no credentials). */
enum aws_status aws_sts_assume_role_with_web_identity(struct aws_client *c, const char *role_arn,
						      const char *session_name,
						      const char *web_identity_token,
						      int duration_seconds,
						      struct aws_credentials *out);

/* ---- small helpers ---- */

/* Lowercase hex SHA-256 of data. */
void aws_sha256_hex(const void *data, size_t len, char out[65]);

#endif
