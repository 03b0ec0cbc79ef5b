/*
 * check_schedule: `schedule cron|every|after|on demand|on s3 event` and the
 * Glue cron rules (six fields, UTC, one of day-of-month/day-of-week '?',
 * ranges per field, at most every 5 minutes).
 */
#ifndef PIPEC_CHECK_SCHEDULE_H
#define PIPEC_CHECK_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

struct check_ctx;
struct ast_clause;

void check_schedule(struct check_ctx *c, const struct ast_clause *cl);

/* Cron validation, exposed for unit tests.  On error, err->start/end give
 * the byte range of the offending part inside text. */
struct check_cron_error {
	char msg[160];
	char help[200];
	size_t start, end;
};
int check_cron_text(const char *text, struct check_cron_error *err);
/* every D as cron text (without the cron( ) wrapper), or NULL with a reason. */
const char *check_every_to_cron(int64_t seconds, char *buf, size_t bufsz, const char **why);

#endif
