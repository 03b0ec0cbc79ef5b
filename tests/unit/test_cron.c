/*
 * Unit tests of the Glue cron rules (check_cron_text) and of the interval
 * sugar (check_every_to_cron): what is accepted, what is refused, and the
 * exact byte range each refusal points at.
 */
#include "check_schedule.h"

#include <stdio.h>
#include <string.h>

#include "unit.h"

static void accepts(const char *expr)
{
	struct check_cron_error e;
	char name[128];
	int rc = check_cron_text(expr, &e);

	snprintf(name, sizeof(name), "cron accepts \"%s\"", expr);
	CHECK(name, rc == 0);
	if (rc)
		printf("# %s\n", e.msg);
}

/* Refused, with the message containing `want` and the range [start, end). */
static void refuses(const char *expr, const char *want, size_t start, size_t end)
{
	struct check_cron_error e;
	char name[160];
	int rc = check_cron_text(expr, &e);

	snprintf(name, sizeof(name), "cron refuses \"%s\"", expr);
	CHECK(name, rc < 0 && strstr(e.msg, want) != NULL);
	if (rc == 0 || !strstr(e.msg, want))
		printf("# got: %s\n", rc ? e.msg : "(accepted)");
	snprintf(name, sizeof(name), "cron \"%s\" points at [%zu,%zu)", expr, start, end);
	CHECK(name, rc < 0 && e.start == start && e.end == end);
	if (rc < 0 && (e.start != start || e.end != end))
		printf("# got [%zu,%zu)\n", e.start, e.end);
	snprintf(name, sizeof(name), "cron \"%s\" has a help line", expr);
	CHECK(name, rc < 0 && e.help[0] != '\0');
}

static void every(long long seconds, const char *want)
{
	char buf[64], name[96];
	const char *why;
	const char *got = check_every_to_cron(seconds, buf, sizeof(buf), &why);

	snprintf(name, sizeof(name), "every %llds", seconds);
	if (want) {
		CHECK_STR(name, got, want);
	} else {
		CHECK(name, got == NULL && why != NULL);
	}
}

int main(void)
{
	/* Accepted forms. */
	accepts("0 6 * * ? *");
	accepts("15 12 * * ? *");
	accepts("0/5 * * * ? *");
	accepts("*/5 * * * ? *");
	accepts("0,30 * * * ? *");
	accepts("0 0/2 * * ? *");
	accepts("0 8 ? * MON-FRI *");
	accepts("0 8 ? JAN-MAR mon *");
	accepts("0 18 ? * 6L *");
	accepts("0 18 ? * L *");
	accepts("15 12 L * ? *");
	accepts("15 12 LW * ? *");
	accepts("0 9 15W * ? *");
	accepts("0 9 1,15 * ? 2025-2030");
	accepts("  0   6  *  *  ?  *  ");
	accepts("55 23 31 12 ? 2199");
	accepts("0 22-2 * * ? *");
	accepts("0 6 ? * SUN,SAT *");

	/* Shape. */
	refuses("0 6 * * ?", "has 5 fields, expected 6", 0, 9);
	refuses("", "has 0 fields", 0, 1);
	refuses("0 0 6 * * ? *", "has 7 fields", 12, 13);
	refuses("0 6 ? * ? *", "cannot both be '?'", 4, 9);
	refuses("0 6 * * MON *", "must be '?'", 4, 11);

	/* Ranges per field, pointing at the value. */
	refuses("60 6 * * ? *", "minutes value 60 is out of range", 0, 2);
	refuses("0 24 * * ? *", "hours value 24", 2, 4);
	refuses("0 6 0 * ? *", "day-of-month value 0", 4, 5);
	refuses("0 6 32 * ? *", "day-of-month value 32", 4, 6);
	refuses("0 6 * 13 ? *", "month value 13", 6, 8);
	refuses("0 6 ? JNU MON *", "invalid month value 'JNU'", 6, 9);
	refuses("0 6 ? * 8 *", "day-of-week value 8", 8, 9);
	refuses("0 6 ? * FOO *", "invalid day-of-week value 'FOO'", 8, 11);
	refuses("0 6 * * ? 1969", "year value 1969", 10, 14);
	refuses("0 6 * * ? 2200", "year value 2200", 10, 14);
	refuses("0 6 10-40 * ? *", "day-of-month value 40", 7, 9);
	refuses("0 6 20-10 * ? *", "is reversed", 4, 9);

	/* Special characters. */
	refuses("0 6 ? * 2#1 *", "'#' is not supported", 8, 11);
	refuses("0 6W * * ? *", "not allowed in the hours field", 2, 4);
	refuses("0 ? * * ? *", "'?' is not allowed", 2, 3);
	refuses("0,,5 6 * * ? *", "empty item", 2, 3);
	refuses("0/0 6 * * ? *", "invalid increment '0'", 2, 3);
	refuses("0/x 6 * * ? *", "invalid increment 'x'", 2, 3);
	refuses("0 6 ? * XL *", "invalid day-of-week value 'X'", 8, 9);

	/* Frequency: never more often than every 5 minutes. */
	refuses("* * * * ? *", "more often than every 5 minutes", 0, 1);
	refuses("*/2 * * * ? *", "more often than every 5 minutes", 0, 3);
	refuses("0/4 * * * ? *", "more often than every 5 minutes", 0, 3);
	refuses("0,3,30 * * * ? *", "more often than every 5 minutes", 0, 6);
	refuses("0-10 * * * ? *", "more often than every 5 minutes", 0, 4);
	/* 58 and 0 are 2 minutes apart across the hour boundary. */
	refuses("0,58 * * * ? *", "more often than every 5 minutes", 0, 4);
	/* ...but not when only one hour runs. */
	accepts("0,30,58 9 * * ? *");
	accepts("0,5,10 * * * ? *");

	/* Interval sugar. */
	every(300, "0/5 * * * ? *");
	every(900, "0/15 * * * ? *");
	every(1800, "0/30 * * * ? *");
	every(3600, "0 * * * ? *");
	every(7200, "0 0/2 * * ? *");
	every(43200, "0 0/12 * * ? *");
	every(86400, "0 0 * * ? *");
	every(60, NULL);
	every(90, NULL);
	every(420, NULL);
	every(5 * 3600, NULL);
	every(5400, NULL);
	every(2 * 86400, NULL);
	return unit_done();
}
