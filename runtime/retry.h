/*
 * retry: the SDK "standard" retry mode in its 2026 form, as pure functions
 * so the math can be unit-tested: which answers are retryable (transient or
 * throttling), full-jitter exponential backoff (base 50 ms transient / 1 s
 * throttling, cap 20 s, x-amz-retry-after honoured within [t, t + 5 s]) and
 * the retry quota (token bucket of 500; a retry costs 14, or 5 when
 * throttled; a success refunds the last cost, or 1 without retries).
 */
#ifndef PIPEC_RETRY_H
#define PIPEC_RETRY_H

#include <stdbool.h>

enum retry_kind {
	RETRY_NONE,
	RETRY_TRANSIENT,
	RETRY_THROTTLING,
};

struct retry_policy {
	int max_attempts;	/* total attempts, >= 1 */
	long transient_base_ms;
	long throttling_base_ms;
	long cap_ms;
};

#define RETRY_QUOTA_MAX 500
#define RETRY_COST_TRANSIENT 14
#define RETRY_COST_THROTTLING 5
#define RETRY_AFTER_EXTRA_MS 5000

struct retry_quota {
	int available;
};

/*
 * Defaults, then the environment: AWS_MAX_ATTEMPTS (>= 1) and, for tests
 * only, PIPEC_RETRY_BASE_MS (replaces both base delays; 0 = no sleeping).
 * max_attempts > 0 overrides AWS_MAX_ATTEMPTS.
 */
void retry_policy_init(struct retry_policy *p, int max_attempts);
#define RETRY_DEFAULT_ATTEMPTS 3
/*
 * Total attempts (the first included): opt when > 0, else env
 * (AWS_MAX_ATTEMPTS), else profile (max_attempts in the config profile),
 * else 3.  A value that is not an integer in 1..100 is skipped.
 */
int retry_max_attempts(int opt, const char *env, const char *profile);
bool retry_is_throttling_code(const char *code);
bool retry_is_transient_code(const char *code);
/*
 * Classifies one failed attempt: transport_error is a retryable connection
 * failure (no HTTP answer); otherwise status and the parsed error code (may
 * be NULL) decide.
 */
enum retry_kind retry_classify(bool transport_error, long status, const char *code);
/*
 * Delay before the next attempt after attempt number `attempt` (1-based)
 * failed: r01 * min(base * 2^(attempt-1), cap), then a retry-after hint in
 * ms (negative: none) is clamped to [t, t + 5 s].
 */
long retry_delay_ms(const struct retry_policy *p, int attempt, enum retry_kind kind, double r01,
		    long retry_after_ms);
/* Parses an x-amz-retry-after value (milliseconds); -1 when absent or invalid. */
long retry_parse_after(const char *value);

/*
 * The window of requests in flight (AIMD, as TCP's congestion window): an
 * answer that throttles halves it (never below 1), any other answer grows
 * it by 1/window, up to max.  The transport starts at most floor(window)
 * requests at once, so a rate limit lower than --concurrency is met with
 * fewer parallel requests, not only with later retries.
 */
double retry_window_next(double window, int max, bool throttled);

void retry_quota_init(struct retry_quota *q);
/* Takes the cost of a retry; false (nothing taken) when the bucket is too low. */
bool retry_quota_acquire(struct retry_quota *q, enum retry_kind kind, int *cost);
/* After a 2xx: refund last_cost (0 when the request was never retried: +1). */
void retry_quota_release(struct retry_quota *q, int last_cost);

#endif
