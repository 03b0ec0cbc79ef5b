/* Unit tests of the retry math (standard mode, 2026 variant): which answers
 * retry, the full-jitter backoff bounds, x-amz-retry-after and the quota. */
#include <stdlib.h>

#include "retry.h"
#include "unit.h"

static void test_classify(void)
{
	CHECK("classify connection error is transient",
	      retry_classify(true, 0, NULL) == RETRY_TRANSIENT);
	CHECK("classify 500 transient", retry_classify(false, 500, NULL) == RETRY_TRANSIENT);
	CHECK("classify 502 transient", retry_classify(false, 502, NULL) == RETRY_TRANSIENT);
	CHECK("classify 503 transient", retry_classify(false, 503, NULL) == RETRY_TRANSIENT);
	CHECK("classify 504 transient", retry_classify(false, 504, NULL) == RETRY_TRANSIENT);
	CHECK("classify 501 not retried", retry_classify(false, 501, NULL) == RETRY_NONE);
	CHECK("classify 400 ThrottlingException is throttling",
	      retry_classify(false, 400, "ThrottlingException") == RETRY_THROTTLING);
	CHECK("classify SlowDown is throttling",
	      retry_classify(false, 503, "SlowDown") == RETRY_THROTTLING);
	CHECK("classify 429 without code is throttling",
	      retry_classify(false, 429, NULL) == RETRY_THROTTLING);
	CHECK("classify RequestTimeout is transient",
	      retry_classify(false, 400, "RequestTimeout") == RETRY_TRANSIENT);
	CHECK("classify IDPCommunicationError is transient",
	      retry_classify(false, 400, "IDPCommunicationError") == RETRY_TRANSIENT);
	CHECK("classify AccessDenied not retried",
	      retry_classify(false, 400, "AccessDeniedException") == RETRY_NONE);
	CHECK("classify EntityNotFound not retried",
	      retry_classify(false, 400, "EntityNotFoundException") == RETRY_NONE);
	CHECK("classify 200 not retried", retry_classify(false, 200, NULL) == RETRY_NONE);
	CHECK("throttling list has all 14 botocore codes",
	      retry_is_throttling_code("Throttling") && retry_is_throttling_code("ThrottledException") &&
	      retry_is_throttling_code("RequestThrottledException") &&
	      retry_is_throttling_code("TooManyRequestsException") &&
	      retry_is_throttling_code("ProvisionedThroughputExceededException") &&
	      retry_is_throttling_code("TransactionInProgressException") &&
	      retry_is_throttling_code("RequestLimitExceeded") &&
	      retry_is_throttling_code("BandwidthLimitExceeded") &&
	      retry_is_throttling_code("LimitExceededException") &&
	      retry_is_throttling_code("RequestThrottled") &&
	      retry_is_throttling_code("PriorRequestNotComplete") &&
	      retry_is_throttling_code("EC2ThrottledException"));
}

static void test_backoff(void)
{
	struct retry_policy p;

	unsetenv("PIPEC_RETRY_BASE_MS");
	unsetenv("AWS_MAX_ATTEMPTS");
	retry_policy_init(&p, 0);
	CHECK("default 3 attempts", p.max_attempts == 3);
	CHECK("bases 50 ms / 1 s, cap 20 s",
	      p.transient_base_ms == 50 && p.throttling_base_ms == 1000 && p.cap_ms == 20000);
	CHECK("transient attempt 1, r=0.999 below 50 ms",
	      retry_delay_ms(&p, 1, RETRY_TRANSIENT, 0.999, -1) == 49);
	CHECK("transient attempt 2 doubles", retry_delay_ms(&p, 2, RETRY_TRANSIENT, 0.5, -1) == 50);
	CHECK("transient attempt 3", retry_delay_ms(&p, 3, RETRY_TRANSIENT, 0.5, -1) == 100);
	CHECK("throttling attempt 1 up to 1 s",
	      retry_delay_ms(&p, 1, RETRY_THROTTLING, 0.5, -1) == 500);
	CHECK("throttling attempt 3", retry_delay_ms(&p, 3, RETRY_THROTTLING, 0.25, -1) == 1000);
	CHECK("capped at 20 s", retry_delay_ms(&p, 30, RETRY_THROTTLING, 0.5, -1) == 10000);
	CHECK("full jitter: r=0 gives 0", retry_delay_ms(&p, 5, RETRY_THROTTLING, 0.0, -1) == 0);
	CHECK("retry-after above t is used",
	      retry_delay_ms(&p, 1, RETRY_TRANSIENT, 0.5, 1500) == 1500);
	CHECK("retry-after below t is raised to t",
	      retry_delay_ms(&p, 1, RETRY_THROTTLING, 0.5, 10) == 500);
	CHECK("retry-after clamped to t + 5 s",
	      retry_delay_ms(&p, 1, RETRY_THROTTLING, 0.5, 60000) == 5500);
	CHECK("retry-after parse", retry_parse_after(" 250 ") == 250);
	CHECK("retry-after invalid ignored", retry_parse_after("soon") == -1 &&
	      retry_parse_after("-5") == -1 && retry_parse_after(NULL) == -1);

	setenv("AWS_MAX_ATTEMPTS", "5", 1);
	setenv("PIPEC_RETRY_BASE_MS", "2", 1);
	retry_policy_init(&p, 0);
	CHECK("AWS_MAX_ATTEMPTS honoured", p.max_attempts == 5);
	CHECK("PIPEC_RETRY_BASE_MS scales both bases",
	      p.transient_base_ms == 2 && p.throttling_base_ms == 2);
	retry_policy_init(&p, 2);
	CHECK("explicit max attempts wins over the environment", p.max_attempts == 2);
	setenv("AWS_MAX_ATTEMPTS", "zero", 1);
	retry_policy_init(&p, 0);
	CHECK("an invalid AWS_MAX_ATTEMPTS falls back to 3", p.max_attempts == 3);
	unsetenv("AWS_MAX_ATTEMPTS");
	unsetenv("PIPEC_RETRY_BASE_MS");

	/* precedence: client option > AWS_MAX_ATTEMPTS > profile max_attempts > 3 */
	CHECK("max attempts: default 3", retry_max_attempts(0, NULL, NULL) == 3);
	CHECK("max attempts: profile", retry_max_attempts(0, NULL, "7") == 7);
	CHECK("max attempts: env over profile", retry_max_attempts(0, "2", "7") == 2);
	CHECK("max attempts: option over env", retry_max_attempts(4, "2", "7") == 4);
	CHECK("max attempts: 1 means no retry", retry_max_attempts(0, "1", NULL) == 1);
	CHECK("max attempts: empty env counts as unset", retry_max_attempts(0, "", "6") == 6);
	CHECK("max attempts: invalid env skipped", retry_max_attempts(0, "zero", "6") == 6);
	CHECK("max attempts: 0 skipped", retry_max_attempts(0, "0", NULL) == 3);
	CHECK("max attempts: trailing blank in the profile", retry_max_attempts(0, NULL, "5 ") == 5);
}

static void test_quota(void)
{
	struct retry_quota q;
	int cost = 0, n = 0;

	retry_quota_init(&q);
	CHECK("quota starts at 500", q.available == 500);
	CHECK("transient retry costs 14",
	      retry_quota_acquire(&q, RETRY_TRANSIENT, &cost) && cost == 14 && q.available == 486);
	CHECK("throttling retry costs 5",
	      retry_quota_acquire(&q, RETRY_THROTTLING, &cost) && cost == 5 && q.available == 481);
	retry_quota_release(&q, 5);
	CHECK("success after a retry refunds its cost", q.available == 486);
	retry_quota_release(&q, 0);
	CHECK("success without retry adds 1", q.available == 487);
	while (retry_quota_acquire(&q, RETRY_TRANSIENT, &cost))
		n++;
	CHECK("an empty bucket refuses retries", n == 34 && q.available == 11);
	CHECK("a throttling retry still fits in 11", retry_quota_acquire(&q, RETRY_THROTTLING, &cost));
	for (n = 0; n < 1000; n++)
		retry_quota_release(&q, 14);
	CHECK("refunds are capped at 500", q.available == 500);
}

static void test_window(void)
{
	double w = 16;
	int n = 0;

	w = retry_window_next(w, 16, true);
	CHECK("a throttling answer halves the window", w == 8);
	CHECK("the window never goes below 1", retry_window_next(1.5, 16, true) == 1 &&
					       retry_window_next(0, 16, true) == 1);
	CHECK("an answer that does not throttle grows it by 1/window",
	      retry_window_next(8, 16, false) == 8.125);
	while (w < 16 && n < 1000) {
		w = retry_window_next(w, 16, false);
		n++;
	}
	CHECK("it grows back to max in about (max^2 - w^2) / 2 answers", w == 16 && n > 90 && n < 100);
	CHECK("never above max", retry_window_next(16, 16, false) == 16 &&
				 retry_window_next(40, 16, false) == 16);
}

int main(void)
{
	test_classify();
	test_backoff();
	test_quota();
	test_window();
	return unit_done();
}
