/*
 * check_source: `source KIND args { settings }` for every supported kind —
 * files and S3 prefixes, JDBC databases, Snowflake, BigQuery, DynamoDB and
 * existing catalog tables.  Streaming and SaaS kinds are declined.
 */
#ifndef PIPEC_CHECK_SOURCE_H
#define PIPEC_CHECK_SOURCE_H

struct check_ctx;
struct ast_clause;

void check_source(struct check_ctx *c, const struct ast_clause *cl);

#endif
