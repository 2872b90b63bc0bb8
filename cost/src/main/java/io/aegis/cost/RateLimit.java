package io.aegis.cost;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A per-minute limit (requests or tokens) as a generic cell rate algorithm: one "theoretical
 * arrival time" advanced by each admitted unit's share of the minute, under one compare-and-set.
 * Any 60 seconds admit at most the limit (bursts up to the whole minute's allowance are allowed,
 * as providers' own limits do), the wait for the next admission is exact, and settling a token
 * estimate to the actual count just moves the time.
 *
 * <p>A limit a fleet of gateways shares ({@link #shareWithFleet}) also counts each UTC minute in a
 * {@link MinuteWindow} and admits, fleet-wide, at most the limit per UTC minute: this gateway
 * admits only what the budget cluster leased it in that minute, on top of its own cell rate.
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
    /** Shared by a fleet: each UTC minute admits only what the cluster leased this gateway. */
    private volatile boolean fleet;
    /** This minute's window and the next's (slots alternate by minute), once shared. */
    private final AtomicReferenceArray<MinuteWindow> minutes = new AtomicReferenceArray<>(2);
    /** Told (on the refused event loop) when an admission found the lease short, or {@code null}. */
    private volatile Runnable shortOfLease;
    /** While the budget cluster is out of reach: this gateway's own limit (true) or nothing more (false). */
    private volatile boolean failsOpen;

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

    /**
     * The same, and for a limit a fleet shares, within this gateway's lease of the UTC minute
     * holding {@code nowMillis}; a refusal for want of lease waits until the next minute (or for a
     * lease on its way: {@link #waitsForLease}).
     */
    public long tryAcquire(long units, long nowNanos, long nowMillis) {
        long waitNanos = tryAcquire(units, nowNanos);
        if (waitNanos > 0 || !fleet) {
            return waitNanos;
        }
        MinuteWindow window = minute(nowMillis);
        long counted = Math.min(units, perMinute);
        if (window.tryCommit(counted, perMinute)) {
            return 0;
        }
        TAT.addAndGet(this, -counted * intervalNanos);
        Runnable listener = shortOfLease;
        if (listener != null) {
            listener.run();
        }
        return Math.max(1, window.endMillis() - nowMillis) * 1_000_000;
    }

    /** Corrects an earlier admission by {@code units} (negative to give back an overestimate). */
    public void adjust(long units) {
        TAT.addAndGet(this, units * intervalNanos);
    }

    /** The same for an admission counted in {@code window} too (a fleet's minute, or {@code null}). */
    public void adjust(long units, MinuteWindow window) {
        adjust(units);
        if (window != null) {
            window.adjust(units);
        }
    }

    /**
     * Makes this limit one a fleet shares: from now on each UTC minute admits only what the budget
     * cluster leased this gateway (nothing until its first lease). True the first time.
     */
    public synchronized boolean shareWithFleet() {
        if (fleet) {
            return false;
        }
        fleet = true;
        return true;
    }

    /** What a minute that starts while the budget cluster is out of reach admits: this gateway's own limit, or nothing. */
    public void failsOpen(boolean open) {
        this.failsOpen = open;
    }

    /** Who hears, at once, that an admission found this gateway's lease short (the fleet's lease client). */
    public void onShortOfLease(Runnable listener) {
        this.shortOfLease = listener;
    }

    /** The window of the UTC minute holding {@code nowMillis} (made on first use, once per minute). */
    public MinuteWindow minute(long nowMillis) {
        long start = MinuteWindow.minuteStartMillis(nowMillis);
        int slot = (int) Math.floorMod(start / MinuteWindow.MINUTE_MILLIS, 2L);
        while (true) {
            MinuteWindow window = minutes.get(slot);
            if (window != null && window.startMillis() >= start) {
                // Equal, or (a clock read a moment late, two minutes on) the newer: never an older minute.
                return window;
            }
            MinuteWindow next = new MinuteWindow(start);
            MinuteWindow previous = minutes.get(1 - slot);
            if (previous != null && !previous.leaseExpected()) {
                // The cluster is out of reach: the new minute runs on the fail mode the last one did,
                // this gateway's own limit (fail open) or nothing beyond it (fail closed).
                next.leaseExpected(false);
                next.leased(failsOpen ? perMinute : 0);
            }
            if (minutes.compareAndSet(slot, window, next)) {
                return minutes.get(slot);
            }
        }
    }

    /** The minute window an admission at {@code nowMillis} counted in, or {@code null} for a limit of this gateway's own. */
    public MinuteWindow fleetMinute(long nowMillis) {
        return fleet ? minute(nowMillis) : null;
    }

    /**
     * True when {@code units} were refused only for want of this gateway's lease: they fit the
     * minute's limit as this gateway sees it, so a lease on its way may let them in.
     */
    public boolean waitsForLease(long units, long nowMillis) {
        if (!fleet) {
            return false;
        }
        MinuteWindow window = minute(nowMillis);
        long after = window.committedUnits() + Math.min(units, perMinute);
        return window.leaseExpected() && after <= perMinute && after > window.leasedUnits();
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
