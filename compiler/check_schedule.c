#include "check_schedule.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_ctx.h"

enum { F_MIN, F_HOUR, F_DOM, F_MONTH, F_DOW, F_YEAR };

static const char *const field_names[] = {
	"minutes", "hours", "day-of-month", "month", "day-of-week", "year",
};
static const int field_lo[] = { 0, 0, 1, 1, 1, 1970 };
static const int field_hi[] = { 59, 23, 31, 12, 7, 2199 };
static const char *const months[] = {
	"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
};
static const char *const days[] = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT" };

static int cron_fail(struct check_cron_error *e, size_t start, size_t end, const char *help,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int cron_fail(struct check_cron_error *e, size_t start, size_t end, const char *help,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	snprintf(e->help, sizeof(e->help), "%s", help);
	e->start = start;
	e->end = end > start ? end : start + 1;
	return -1;
}

/* A number or a month/day name in [s, s+n); -1 when it is neither. */
static int cron_value(int field, const char *s, size_t n)
{
	size_t i;
	int v = 0;

	if (n == 3 && (field == F_MONTH || field == F_DOW)) {
		const char *const *names = field == F_MONTH ? months : days;
		int count = field == F_MONTH ? 12 : 7;

		for (i = 0; i < (size_t)count; i++)
			if (!strncasecmp(s, names[i], 3))
				return (int)i + 1;
	}
	if (!n || n > 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static const char *range_help(int f)
{
	static const char *const h[] = {
		"minutes are 0-59", "hours are 0-23 (UTC)",
		"days of the month are 1-31, with L (last) and W (nearest weekday)",
		"months are 1-12 or JAN-DEC", "days of the week are 1-7 (1 = SUN) or SUN-SAT, with L",
		"years are 1970-2199",
	};
	return h[f];
}

/* One value of field f at [s, s+n) (offset base in the text); sets bit v in mask. */
static int cron_one(int f, const char *text, size_t base, size_t n, int *out,
		    struct check_cron_error *e)
{
	int v = cron_value(f, text + base, n);

	if (v < 0)
		return cron_fail(e, base, base + n, range_help(f), "invalid %s value '%.*s'",
				 field_names[f], (int)n, text + base);
	if (v < field_lo[f] || v > field_hi[f])
		return cron_fail(e, base, base + n, range_help(f), "%s value %d is out of range",
				 field_names[f], v);
	*out = v;
	return 0;
}

/* One comma-separated item; marks the minutes it fires at (minutes field only). */
static int cron_item(int f, const char *text, size_t start, size_t end, unsigned char *minutes,
		     struct check_cron_error *e)
{
	const char *s = text + start;
	size_t n = end - start, i;
	const char *slash = memchr(s, '/', n), *dash;
	int lo = field_lo[f], hi = field_hi[f], step = 1, v;

	if (!n)
		return cron_fail(e, start, start + 1, "remove the extra ','",
				 "empty item in the %s field", field_names[f]);
	if (memchr(s, '#', n))
		return cron_fail(e, start, end,
				 "Glue schedules do not support '#' (nth weekday); use a day-of-week "
				 "or L",
				 "'#' is not supported in Glue cron");
	if (f == F_DOM && (!strncmp(s, "L", n) || (n == 2 && !strncmp(s, "LW", 2))))
		return 0;
	if (f == F_DOM && n >= 2 && s[n - 1] == 'W' && !slash) {
		if (cron_one(f, text, start, n - 1, &v, e) < 0)
			return -1;
		return 0;
	}
	if (f == F_DOW && s[n - 1] == 'L' && !slash) {
		if (n == 1)
			return 0;
		return cron_one(f, text, start, n - 1, &v, e);
	}
	if (memchr(s, 'L', n) || memchr(s, 'W', n)) {
		if (f == F_DOM || f == F_DOW)
			return cron_fail(e, start, end, range_help(f), "invalid %s value '%.*s'",
					 field_names[f], (int)n, s);
		return cron_fail(e, start, end, "L and W are for day-of-month and day-of-week",
				 "'%.*s' is not allowed in the %s field", (int)n, s,
				 field_names[f]);
	}
	if (slash) {
		size_t sn = (size_t)(slash - s);
		size_t incs = start + sn + 1;

		step = cron_value(F_MIN, text + incs, end - incs);
		if (step <= 0 || step > field_hi[f])
			return cron_fail(e, incs, end, "write START/STEP, like 0/15",
					 "invalid increment '%.*s' in the %s field",
					 (int)(end - incs), text + incs, field_names[f]);
		n = sn;
		if (n == 1 && s[0] == '*') {
			/* from the lowest value */
		} else if ((dash = memchr(s, '-', n)) != NULL) {
			if (cron_one(f, text, start, (size_t)(dash - s), &lo, e) < 0 ||
			    cron_one(f, text, start + (size_t)(dash - s) + 1,
				     n - (size_t)(dash - s) - 1, &hi, e) < 0)
				return -1;
		} else if (cron_one(f, text, start, n, &lo, e) < 0) {
			return -1;
		}
	} else if (n == 1 && s[0] == '*') {
		/* every value */
	} else if ((dash = memchr(s, '-', n)) != NULL) {
		if (cron_one(f, text, start, (size_t)(dash - s), &lo, e) < 0 ||
		    cron_one(f, text, start + (size_t)(dash - s) + 1, n - (size_t)(dash - s) - 1,
			     &hi, e) < 0)
			return -1;
	} else {
		if (cron_one(f, text, start, n, &lo, e) < 0)
			return -1;
		hi = lo;
	}
	if (hi < lo && f != F_DOW && f != F_MONTH && f != F_HOUR && f != F_MIN)
		return cron_fail(e, start, end, "write the smaller value first",
				 "range '%.*s' in the %s field is reversed", (int)(end - start),
				 text + start, field_names[f]);
	if (minutes) {
		if (hi < lo) {
			for (i = (size_t)lo; i <= 59; i += (size_t)step)
				minutes[i] = 1;
			for (i = (size_t)(lo + step) % 60; i <= (size_t)hi; i += (size_t)step)
				minutes[i] = 1;
		} else {
			for (i = (size_t)lo; i <= (size_t)hi; i += (size_t)step)
				minutes[i] = 1;
		}
	}
	return 0;
}

int check_cron_text(const char *text, struct check_cron_error *e)
{
	size_t start[8], end[8], nf = 0, i = 0, len = strlen(text);
	unsigned char minutes[60];
	int f, count = 0, first = -1, prev = -1, mingap = 60;
	bool dom_q, dow_q, hours_many;

	memset(e, 0, sizeof(*e));
	while (i < len) {
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i >= len)
			break;
		if (nf == 8)
			break;
		start[nf] = i;
		while (i < len && text[i] != ' ' && text[i] != '\t')
			i++;
		end[nf++] = i;
	}
	if (nf != 6) {
		if (nf > 6)
			return cron_fail(e, start[6], end[nf - 1],
					 "Glue cron has six fields: minutes hours day-of-month month "
					 "day-of-week year",
					 "cron expression has %s fields, expected 6",
					 nf > 7 ? "more than 7" : "7");
		return cron_fail(e, 0, len,
				 "Glue cron has six fields: minutes hours day-of-month month "
				 "day-of-week year, like \"0 6 * * ? *\"",
				 "cron expression has %zu field%s, expected 6", nf, nf == 1 ? "" : "s");
	}
	dom_q = end[F_DOM] - start[F_DOM] == 1 && text[start[F_DOM]] == '?';
	dow_q = end[F_DOW] - start[F_DOW] == 1 && text[start[F_DOW]] == '?';
	if (dom_q && dow_q)
		return cron_fail(e, start[F_DOM], end[F_DOW],
				 "write '*' in one of them, like \"0 6 * * ? *\"",
				 "day-of-month and day-of-week cannot both be '?'");
	if (!dom_q && !dow_q)
		return cron_fail(e, start[F_DOM], end[F_DOW],
				 "write '?' in one of them, like \"0 6 * * ? *\" (every day) or "
				 "\"0 6 ? * MON *\" (Mondays)",
				 "one of day-of-month and day-of-week must be '?'");
	memset(minutes, 0, sizeof(minutes));
	for (f = 0; f < 6; f++) {
		size_t a = start[f], b;

		if ((f == F_DOM && dom_q) || (f == F_DOW && dow_q))
			continue;
		if (memchr(text + start[f], '?', end[f] - start[f]))
			return cron_fail(e, start[f], end[f],
					 "'?' is for day-of-month or day-of-week, alone",
					 "'?' is not allowed here in the %s field", field_names[f]);
		for (b = a; b <= end[f]; b++) {
			if (b == end[f] || text[b] == ',') {
				if (cron_item(f, text, a, b, f == F_MIN ? minutes : NULL, e) < 0)
					return -1;
				a = b + 1;
			}
		}
	}
	for (i = 0; i < 60; i++) {
		if (!minutes[i])
			continue;
		count++;
		if (first < 0)
			first = (int)i;
		if (prev >= 0 && (int)i - prev < mingap)
			mingap = (int)i - prev;
		prev = (int)i;
	}
	hours_many = !(end[F_HOUR] - start[F_HOUR] <= 2 &&
		       cron_value(F_HOUR, text + start[F_HOUR], end[F_HOUR] - start[F_HOUR]) >= 0);
	if (count > 1 && hours_many && 60 - prev + first < mingap)
		mingap = 60 - prev + first;
	if (count > 1 && mingap < 5)
		return cron_fail(e, start[F_MIN], end[F_MIN],
				 "Glue runs schedules at most every 5 minutes: use 0/5 or a longer "
				 "interval",
				 "schedule runs more often than every 5 minutes");
	return 0;
}

const char *check_every_to_cron(int64_t seconds, char *buf, size_t bufsz, const char **why)
{
	*why = NULL;
	if (seconds % 60) {
		*why = "intervals are whole minutes";
		return NULL;
	}
	if (seconds < 300) {
		*why = "Glue runs schedules at most every 5 minutes";
		return NULL;
	}
	if (seconds < 3600) {
		if (3600 % seconds) {
			*why = "intervals under an hour must divide the hour (5m, 6m, 10m, 12m, 15m, "
			       "20m, 30m)";
			return NULL;
		}
		snprintf(buf, bufsz, "0/%d * * * ? *", (int)(seconds / 60));
		return buf;
	}
	if (seconds < 86400) {
		if (seconds % 3600 || 86400 % seconds) {
			*why = "intervals under a day must be whole hours that divide the day (1h, 2h, "
			       "3h, 4h, 6h, 8h, 12h)";
			return NULL;
		}
		if (seconds == 3600)
			snprintf(buf, bufsz, "0 * * * ? *");
		else
			snprintf(buf, bufsz, "0 0/%d * * ? *", (int)(seconds / 3600));
		return buf;
	}
	if (seconds == 86400) {
		snprintf(buf, bufsz, "0 0 * * ? *");
		return buf;
	}
	*why = "intervals are at most 1d; use a cron schedule for weekly or monthly runs";
	return NULL;
}

/* Maps an offset inside the cron text to a source span when the literal is verbatim. */
static struct span cron_span(const struct ast_string *s, size_t len, size_t a, size_t b)
{
	const struct ast_strpart *p;

	if (s->nparts != 1 || s->parts[0].is_var)
		return s->span;
	p = &s->parts[0];
	if (p->span.end - p->span.start != len || p->len != len)
		return s->span;
	return span_make(p->span.start + a, p->span.start + b);
}

static const char *const event_keys[] = { "batch", "window", "prefix", "suffix" };
#define NEVENT_KEYS (sizeof(event_keys) / sizeof(*event_keys))

static const char *const event_usage[] = {
	"batch N", "window 5m", "prefix \"2024/\"", "suffix \"manifest.json\"",
};

/* window D: 1s to 900s */
static void read_event_window(struct check_ctx *c, const struct ast_setting *s,
			      struct model_schedule *ms)
{
	if (s->args[0].kind != AST_VAL_DURATION) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "'window' expects a duration"),
			  "write: window 5m (1s to 900s)");
	} else if (s->args[0].u.dur.overflow || s->args[0].u.dur.seconds < 1 ||
		   s->args[0].u.dur.seconds > 900) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "batch window %s is out of range", s->args[0].u.dur.text),
			  "Glue batches events for 1s to 900s (15m)");
	} else {
		ms->batch_window = (int)s->args[0].u.dur.seconds;
	}
}

/* prefix "P" (below the source location), suffix "S": a non-empty key part */
static void read_event_key(struct check_ctx *c, const struct ast_setting *s, int k,
			   struct model_schedule *ms)
{
	const char *v = check_ctx_arg_string(c, s, 0, event_usage[k]);

	if (!v)
		return;
	if (!*v) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span, "'%s' is empty",
				     s->key.text),
			  "write: %s, or remove it", event_usage[k]);
	} else if (k == 2 && (v[0] == '/' || strstr(v, "://"))) {
		diag_help(diag_error(c->ds, c->src, s->args[0].span,
				     "'prefix' is a key prefix below the source location"),
			  "write the part after the source location, like prefix \"2024/\"");
	} else if (k == 2) {
		ms->event_key_prefix = v;
	} else {
		ms->event_key_suffix = v;
	}
}

static void check_s3_event(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_schedule *ms = &c->mp->schedule;
	size_t i;

	ms->kind = MSCH_S3_EVENT;
	ms->batch_size = 1;
	ms->batch_window = 900;
	if (c->source_clause && c->mp->source.kind != MS_S3) {
		diag_help(diag_error(c->ds, c->src, cl->span,
				     "'on s3 event' needs an s3 source, not %s",
				     model_source_kind_name(c->mp->source.kind)),
			  "use a cron, every or after schedule");
		return;
	}
	if (c->mp->source.path) {
		const char *b = c->mp->source.path + 5, *slash = strchr(b, '/');

		ms->event_bucket = slash ? arena_strndup(c->a, b, (size_t)(slash - b)) : b;
		ms->event_prefix = slash ? slash + 1 : "";
	}
	for (i = 0; i < cl->u.schedule.nsettings; i++) {
		const struct ast_setting *s = &cl->u.schedule.settings[i];
		int k = check_ctx_setting_key(c, s, cl->u.schedule.settings, i, "s3 event",
					      event_keys, NEVENT_KEYS);

		if (k < 0 || !check_ctx_no_block(c, s) ||
		    !check_ctx_setting_nargs(c, s, 1, 1, event_usage[k], event_keys, NEVENT_KEYS))
			continue;
		if (k == 0)
			check_ctx_arg_int(c, s, 0, 1, 100, "batch N", &ms->batch_size);
		else if (k == 1)
			read_event_window(c, s, ms);
		else
			read_event_key(c, s, k, ms);
	}
}

void check_schedule(struct check_ctx *c, const struct ast_clause *cl)
{
	struct model_schedule *ms = &c->mp->schedule;
	size_t i;

	ms->span = cl->span;
	switch (cl->u.schedule.kind) {
	case AST_SCHED_ON_DEMAND:
		ms->kind = MSCH_ON_DEMAND;
		return;
	case AST_SCHED_CRON: {
		const char *text = check_ctx_string(c, &cl->u.schedule.cron);
		struct check_cron_error e;

		if (!text)
			return;
		if (check_cron_text(text, &e) < 0) {
			diag_help(diag_error(c->ds, c->src,
					     cron_span(&cl->u.schedule.cron, strlen(text), e.start,
						       e.end),
					     "%s", e.msg),
				  "%s", e.help);
			return;
		}
		ms->kind = MSCH_CRON;
		ms->cron = arena_printf(c->a, "cron(%s)", text);
		return;
	}
	case AST_SCHED_EVERY: {
		char buf[64];
		const char *why, *cron;

		if (cl->u.schedule.every.overflow) {
			diag_help(diag_error(c->ds, c->src, cl->u.schedule.every.span,
					     "interval is too large"),
				  "intervals are 5m to 1d");
			return;
		}
		cron = check_every_to_cron(cl->u.schedule.every.seconds, buf, sizeof(buf), &why);
		if (!cron) {
			diag_help(diag_error(c->ds, c->src, cl->u.schedule.every.span,
					     "cannot run every %s", cl->u.schedule.every.text),
				  "%s", why);
			return;
		}
		ms->kind = MSCH_CRON;
		ms->cron = arena_printf(c->a, "cron(%s)", cron);
		return;
	}
	case AST_SCHED_AFTER:
		ms->kind = MSCH_AFTER;
		ms->after_any = cl->u.schedule.after_any;
		ms->after = arena_array(c->a, cl->u.schedule.nafter + 1, sizeof(*ms->after));
		for (i = 0; i < cl->u.schedule.nafter; i++) {
			size_t j;

			for (j = 0; j < ms->nafter; j++)
				if (!strcmp(ms->after[j], cl->u.schedule.after[i].text))
					break;
			if (j < ms->nafter) {
				diag_help(diag_error(c->ds, c->src, cl->u.schedule.after[i].span,
						     "'%s' is listed twice",
						     cl->u.schedule.after[i].text),
					  "list each upstream pipeline once");
				continue;
			}
			ms->after[ms->nafter++] = cl->u.schedule.after[i].text;
		}
		if (ms->nafter > 500)
			diag_help(diag_error(c->ds, c->src, cl->span, "too many upstream pipelines"),
				  "a Glue trigger watches at most 500 jobs");
		return;
	case AST_SCHED_S3_EVENT:
		check_s3_event(c, cl);
		return;
	}
}
