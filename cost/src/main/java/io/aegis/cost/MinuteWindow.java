package io.aegis.cost;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One UTC minute of a per-minute limit a fleet of gateways shares: the units (requests or tokens)
 * this gateway admitted in it, and how many the budget cluster leased it. Admission is one
 * compare-and-set within the lease; the counter sits on its own cache line, as every event loop
 * writes it.
 */
public final class MinuteWindow implements LeasedWindow {
    public static final long MINUTE_MILLIS = 60_000;
    private static final AtomicLongFieldUpdater<MinuteWindow> COMMITTED =
            AtomicLongFieldUpdater.newUpdater(MinuteWindow.class, "committed");

    private final long startMillis;
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private volatile long committed;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    /** What the cluster leased this gateway in this minute: nothing until it grants. */
    private volatile long leasedUnits;
    private volatile boolean leaseExpected = true;
    private volatile long largestShortUnits;

    MinuteWindow(long startMillis) {
        this.startMillis = startMillis;
    }

    /** The start of the UTC minute holding {@code nowMillis}. */
    public static long minuteStartMillis(long nowMillis) {
        return Math.floorDiv(nowMillis, MINUTE_MILLIS) * MINUTE_MILLIS;
    }

    /** Adds {@code units} if they stay within the lease and {@code perMinute}. */
    boolean tryCommit(long units, long perMinute) {
        long room = Math.min(leasedUnits, perMinute);
        while (true) {
            long current = committed;
            if (current + units > room) {
                if (units > largestShortUnits) {
                    largestShortUnits = units; // a racy maximum is enough: it only sizes the next ask
                }
                return false;
            }
            if (COMMITTED.compareAndSet(this, current, current + units)) {
                return true;
            }
        }
    }

    /** Corrects an earlier admission (negative to give back an overestimate or a refused request). */
    void adjust(long units) {
        COMMITTED.addAndGet(this, units);
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    @Override
    public long endMillis() {
        return startMillis + MINUTE_MILLIS;
    }

    /** Units admitted in this minute on this gateway (estimates corrected as answers settle). */
    public long committedUnits() {
        return committed;
    }

    /** Admitted units count as used at once: a request is not given back once it went upstream. */
    @Override
    public long used() {
        return committed;
    }

    @Override
    public long committed() {
        return committed;
    }

    @Override
    public long largestShort() {
        return largestShortUnits;
    }

    @Override
    public void leased(long units) {
        leasedUnits = units;
    }

    public long leasedUnits() {
        return leasedUnits;
    }

    @Override
    public void leaseExpected(boolean expected) {
        leaseExpected = expected;
    }

    public boolean leaseExpected() {
        return leaseExpected;
    }

    /** The largest admission the lease could not hold: the next ask is at least twice that. */
    public long largestShortUnits() {
        return largestShortUnits;
    }
}
