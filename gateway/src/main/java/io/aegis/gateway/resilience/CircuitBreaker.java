package io.aegis.gateway.resilience;

import io.aegis.gateway.config.CircuitSettings;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A circuit breaker for one upstream target or one provider key. Closed, it counts attempts and
 * failures over a sliding window and opens when the failure ratio reaches the threshold (with enough
 * attempts to mean something). Open, it refuses every attempt until its open time has passed; then it
 * is half open and lets a fixed number of probes through. All probes succeeding closes it; one failing
 * opens it again. Shared by every event loop through atomics alone.
 */
public final class CircuitBreaker {
    /** What {@link #tryAcquire} granted. */
    public static final int REFUSED = 0;
    public static final int GRANTED = 1;
    /** Granted as one of the half-open probes: report its result with {@code probe = true}. */
    public static final int PROBE = 2;

    /** States, as exported in metrics (0 closed, 1 half open, 2 open). */
    public enum State { CLOSED, HALF_OPEN, OPEN }

    private static final int CLOSED = 0;
    private static final int HALF_OPEN = 1;
    private static final int OPEN = 2;

    private final CircuitSettings settings;
    private final SlidingCounts window;
    private final AtomicInteger state = new AtomicInteger(CLOSED);
    private final AtomicLong openUntilNanos = new AtomicLong();
    /** Probe permits left while half open, and probes that have succeeded. */
    private final AtomicInteger probesLeft = new AtomicInteger();
    private final AtomicInteger probesPassed = new AtomicInteger();
    private final AtomicLong opened = new AtomicLong();

    public CircuitBreaker(CircuitSettings settings) {
        this.settings = settings;
        this.window = new SlidingCounts(TimeUnit.MILLISECONDS.toNanos(settings.windowMs()), 10);
    }

    /** {@link #GRANTED}, {@link #PROBE} or {@link #REFUSED} for an attempt starting now. */
    public int tryAcquire(long nowNanos) {
        int s = state.get();
        if (s == CLOSED) {
            return GRANTED;
        }
        if (s == OPEN) {
            if (nowNanos - openUntilNanos.get() < 0) {
                return REFUSED;
            }
            if (state.compareAndSet(OPEN, HALF_OPEN)) {
                probesPassed.set(0);
                probesLeft.set(settings.halfOpenProbes());
            }
        }
        while (true) {
            int left = probesLeft.get();
            if (state.get() != HALF_OPEN) {
                return state.get() == CLOSED ? GRANTED : REFUSED;
            }
            if (left <= 0) {
                return REFUSED;
            }
            if (probesLeft.compareAndSet(left, left - 1)) {
                return PROBE;
            }
        }
    }

    /** Whether an attempt would be let through now, without taking a probe permit. */
    public boolean wouldAllow(long nowNanos) {
        int s = state.get();
        return s == CLOSED || s == OPEN && nowNanos - openUntilNanos.get() >= 0
                || s == HALF_OPEN && probesLeft.get() > 0;
    }

    public void success(long nowNanos, boolean probe) {
        if (probe) {
            if (state.get() == HALF_OPEN && probesPassed.incrementAndGet() >= settings.halfOpenProbes()
                    && state.compareAndSet(HALF_OPEN, CLOSED)) {
                window.clear();
            }
            return;
        }
        if (state.get() == CLOSED) {
            window.add(nowNanos, 1, 0);
        }
    }

    public void failure(long nowNanos, boolean probe) {
        int s = state.get();
        if (s == HALF_OPEN) {
            if (probe) {
                open(nowNanos, HALF_OPEN);
            }
            return;
        }
        if (s != CLOSED) {
            return;
        }
        window.add(nowNanos, 1, 1);
        long[] sums = new long[2]; // the failure path only
        window.sum(nowNanos, sums);
        if (sums[0] >= settings.minRequests() && sums[1] >= settings.failureRatio() * sums[0]) {
            open(nowNanos, CLOSED);
        }
    }

    /** A probe that ended with no verdict (cancelled, the caller left): its permit goes back. */
    public void abandoned(boolean probe) {
        if (probe && state.get() == HALF_OPEN) {
            probesLeft.incrementAndGet();
        }
    }

    public State state(long nowNanos) {
        int s = state.get();
        return s == CLOSED ? State.CLOSED : s == HALF_OPEN || nowNanos - openUntilNanos.get() >= 0
                ? State.HALF_OPEN : State.OPEN;
    }

    /** How many times it has opened. */
    public long timesOpened() {
        return opened.get();
    }

    /** Nanoseconds until an open circuit lets a probe through (0 when it would now). */
    public long nanosUntilProbe(long nowNanos) {
        return state.get() == OPEN ? Math.max(0, openUntilNanos.get() - nowNanos) : 0;
    }

    private void open(long nowNanos, int from) {
        openUntilNanos.set(nowNanos + TimeUnit.MILLISECONDS.toNanos(settings.openMs()));
        if (state.compareAndSet(from, OPEN)) {
            opened.incrementAndGet();
        }
    }
}
