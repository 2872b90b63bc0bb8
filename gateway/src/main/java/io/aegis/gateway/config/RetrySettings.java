package io.aegis.gateway.config;

/**
 * When and how often a request is tried again before any byte reached its caller.
 *
 * @param maxAttempts        attempts per request on each upstream target, the first included
 * @param initialBackoffMs   the backoff ceiling before the first retry; it doubles with each retry
 * @param maxBackoffMs       the largest backoff ceiling (the wait is drawn from 0 to the ceiling: full jitter)
 * @param maxRetryAfterMs    the longest upstream-requested wait ({@code retry-after}, {@code RetryInfo})
 *                           the gateway sits out; a longer one goes back to the caller, who is better
 *                           placed to wait
 * @param budgetRatio        retries allowed per request over the last ten seconds, gateway-wide per
 *                           provider, so that retries cannot multiply an outage
 * @param minRetriesPerSecond retries always allowed regardless of the ratio (a quiet gateway can still retry)
 */
public record RetrySettings(int maxAttempts, long initialBackoffMs, long maxBackoffMs, long maxRetryAfterMs,
                            double budgetRatio, int minRetriesPerSecond) {
    public static final RetrySettings DEFAULT = new RetrySettings(3, 200, 8_000, 60_000, 0.2, 5);

    public RetrySettings withMaxAttempts(int attempts) {
        return new RetrySettings(attempts, initialBackoffMs, maxBackoffMs, maxRetryAfterMs, budgetRatio,
                minRetriesPerSecond);
    }
}
