#include "retry.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const throttling_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException",
};

static const char *const transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
	"IDPCommunicationError", "InternalServiceException", "InternalFailure",
	"ServiceUnavailable",
};

static bool in_list(const char *code, const char *const *list, size_t n)
{
	size_t i;

	if (!code)
		return false;
	for (i = 0; i < n; i++)
		if (!strcmp(code, list[i]))
			return true;
	return false;
}

bool retry_is_throttling_code(const char *code)
{
	return in_list(code, throttling_codes, sizeof(throttling_codes) / sizeof(throttling_codes[0]));
}

bool retry_is_transient_code(const char *code)
{
	return in_list(code, transient_codes, sizeof(transient_codes) / sizeof(transient_codes[0]));
}

static long env_long(const char *name, long min, long max, long dflt)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return dflt;
	return n;
}

static int parse_attempts(const char *v)
{
	char *end;
	long n;

	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || *end || n < 1 || n > 100)
		return 0;
	return (int)n;
}

/*
 * botocore: the client config's retries, then the config variable
 * 'max_attempts' (botocore/configprovider.py: env AWS_MAX_ATTEMPTS, then the
 * profile's max_attempts), which botocore/client.py turns into
 * total_max_attempts: the first attempt counts.
 */
int retry_max_attempts(int opt, const char *env, const char *profile)
{
	int n;

	if (opt > 0)
		return opt;
	if ((n = parse_attempts(env)) > 0)
		return n;
	if ((n = parse_attempts(profile)) > 0)
		return n;
	return RETRY_DEFAULT_ATTEMPTS;
}

void retry_policy_init(struct retry_policy *p, int max_attempts)
{
	long base;

	p->max_attempts = retry_max_attempts(max_attempts, getenv("AWS_MAX_ATTEMPTS"), NULL);
	p->transient_base_ms = 50;
	p->throttling_base_ms = 1000;
	p->cap_ms = 20000;
	base = env_long("PIPEC_RETRY_BASE_MS", 0, 60000, -1);
	if (base >= 0) {
		p->transient_base_ms = base;
		p->throttling_base_ms = base;
	}
}

enum retry_kind retry_classify(bool transport_error, long status, const char *code)
{
	if (transport_error)
		return RETRY_TRANSIENT;
	if (retry_is_throttling_code(code) || status == 429 || status == 509)
		return RETRY_THROTTLING;
	if (retry_is_transient_code(code))
		return RETRY_TRANSIENT;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return RETRY_TRANSIENT;
	return RETRY_NONE;
}

long retry_delay_ms(const struct retry_policy *p, int attempt, enum retry_kind kind, double r01,
		    long retry_after_ms)
{
	long base = kind == RETRY_THROTTLING ? p->throttling_base_ms : p->transient_base_ms;
	double span = (double)base, t;

	if (attempt < 1)
		attempt = 1;
	while (--attempt > 0 && span < (double)p->cap_ms)
		span *= 2;
	if (span > (double)p->cap_ms)
		span = (double)p->cap_ms;
	if (r01 < 0)
		r01 = 0;
	if (r01 >= 1)
		r01 = 0.999999;
	t = r01 * span;
	if (retry_after_ms >= 0) {
		double ra = (double)retry_after_ms;

		if (ra > t + RETRY_AFTER_EXTRA_MS)
			ra = t + RETRY_AFTER_EXTRA_MS;
		if (ra > t)
			t = ra;
	}
	return (long)t;
}

long retry_parse_after(const char *value)
{
	char *end;
	long n;

	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (*value < '0' || *value > '9')
		return -1;
	errno = 0;
	n = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || *end || n < 0)
		return -1;
	return n;
}

double retry_window_next(double window, int max, bool throttled)
{
	if (window < 1)
		window = 1;
	if (throttled)
		return window / 2 < 1 ? 1 : window / 2;
	window += 1 / window;
	return window > max ? max : window;
}

void retry_quota_init(struct retry_quota *q)
{
	q->available = RETRY_QUOTA_MAX;
}

bool retry_quota_acquire(struct retry_quota *q, enum retry_kind kind, int *cost)
{
	int c = kind == RETRY_THROTTLING ? RETRY_COST_THROTTLING : RETRY_COST_TRANSIENT;

	if (c > q->available)
		return false;
	q->available -= c;
	*cost = c;
	return true;
}

void retry_quota_release(struct retry_quota *q, int last_cost)
{
	q->available += last_cost > 0 ? last_cost : 1;
	if (q->available > RETRY_QUOTA_MAX)
		q->available = RETRY_QUOTA_MAX;
}
