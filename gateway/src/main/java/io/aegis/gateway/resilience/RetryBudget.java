package io.aegis.gateway.resilience;

import io.aegis.gateway.config.RetrySettings;
import java.util.concurrent.TimeUnit;

/**
 * The gateway-wide cap on retries for one provider: over the last ten seconds, retries (hedges
 * included) may be at most {@code budget_ratio} of the requests, plus {@code min_retries_per_second}
 * so that a quiet gateway still retries. When an upstream fails every request, retries then add at
 * most that ratio to its load instead of multiplying it by the attempt count.
 */
public final class RetryBudget {
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final double ratio;
    private final long floor;
    /** a: requests, b: retries. */
    private final SlidingCounts counts = new SlidingCounts(WINDOW_NANOS, 10);

    public RetryBudget(RetrySettings settings) {
        this.ratio = settings.budgetRatio();
        this.floor = settings.minRetriesPerSecond() * (WINDOW_NANOS / 1_000_000_000L);
    }

    /** Counts a request (its first attempt). */
    public void request(long nowNanos) {
        counts.add(nowNanos, 1, 0);
    }

    /** Takes one retry from the budget; false when the budget is spent (then nothing is taken). */
    public boolean tryRetry(long nowNanos) {
        long[] sums = new long[2]; // the failure path only
        counts.sum(nowNanos, sums);
        if (sums[1] + 1 > floor + ratio * sums[0]) {
            return false;
        }
        counts.add(nowNanos, 0, 1);
        return true;
    }
}
