package io.aegis.cost;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A per-minute limit (requests or tokens) as a generic cell rate algorithm: one "theoretical
 * arrival time" advanced by each admitted unit's share of the minute, under one compare-and-set.
 * Any 60 seconds admit at most the limit (bursts up to the whole minute's allowance are allowed,
 * as providers' own limits do), the wait for the next admission is exact, and settling a token
 * estimate to the actual count just moves the time.
 */
public final class RateLimit {
    private static final long PERIOD_NANOS = 60_000_000_000L;
    private static final AtomicLongFieldUpdater<RateLimit> TAT = AtomicLongFieldUpdater.newUpdater(RateLimit.class, "tat");

    private final long perMinute;
    private final long intervalNanos;
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private volatile long tat;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;

    public RateLimit(long perMinute, long nowNanos) {
        if (perMinute <= 0) {
            throw new IllegalArgumentException("a rate limit needs a positive allowance per minute");
        }
        this.perMinute = perMinute;
        // Rounded up: the limit may admit slightly less than its allowance, never more.
        this.intervalNanos = (PERIOD_NANOS + perMinute - 1) / perMinute;
        this.tat = nowNanos;
    }

    /** Admits {@code units} (0 when admitted), or returns the nanoseconds until they would be. */
    public long tryAcquire(long units, long nowNanos) {
        long cost = Math.multiplyExact(Math.min(units, perMinute), intervalNanos);
        while (true) {
            long current = tat;
            long next = Math.max(current, nowNanos) + cost;
            long ahead = next - nowNanos;
            if (ahead > PERIOD_NANOS) {
                return ahead - PERIOD_NANOS;
            }
            if (TAT.compareAndSet(this, current, next)) {
                return 0;
            }
        }
    }

    /** Corrects an earlier admission by {@code units} (negative to give back an overestimate). */
    public void adjust(long units) {
        TAT.addAndGet(this, units * intervalNanos);
    }

    /** Units that could be admitted now. */
    public long remaining(long nowNanos) {
        long used = Math.max(0, tat - nowNanos);
        return Math.max(0, (PERIOD_NANOS - used) / intervalNanos);
    }

    /** Nanoseconds until the whole allowance is available again. */
    public long resetNanos(long nowNanos) {
        return Math.max(0, tat - nowNanos);
    }

    public long perMinute() {
        return perMinute;
    }
}
